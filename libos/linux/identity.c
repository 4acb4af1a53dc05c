/*
 * User and group ids (identity.h): the get*id and set*id calls,
 * getgroups and setgroups, with Linux's rules (kernel/sys.c,
 * kernel/groups.c). Changing ids takes CAP_SETUID (CAP_SETGID for group
 * ids) in the effective set; without it an id may only become one the
 * process already has, as each call's comment says. (uid_t)-1 keeps an
 * id where a call allows it, and is no id where it does not (-EINVAL).
 */
#include "linux/identity.h"

#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/string.h"
#include "linux/capability.h"
#include "linux/syscalls.h"
#include "mm/vm.h"

#define NO_ID       UINT32_MAX
#define NGROUPS_MAX 65536
#define GROUPS_KEPT 1024 /* setgroups beyond: -ENOMEM */

static struct identity ids; /* root: all 0 */
static uint32_t groups[GROUPS_KEPT];
static unsigned group_count;

const struct identity *identity(void)
{
	return &ids;
}

void identity_exec(void)
{
	ids.uid[ID_SAVED] = ids.uid[ID_FS] = ids.uid[ID_EFFECTIVE];
	ids.gid[ID_SAVED] = ids.gid[ID_FS] = ids.gid[ID_EFFECTIVE];
	capability_exec(ids.uid[ID_REAL] == 0, ids.uid[ID_EFFECTIVE] == 0);
}

unsigned identity_groups(const uint32_t **list)
{
	*list = groups;
	return group_count;
}

bool identity_holds(uint32_t id, bool group)
{
	const uint32_t *held = group ? ids.gid : ids.uid;

	return id == held[ID_REAL] || id == held[ID_EFFECTIVE] ||
	       id == held[ID_SAVED];
}

/* The user ids (user) or the group ids, and whether the process may set
 * them to anything. */
static uint32_t *ids_of(bool user)
{
	return user ? ids.uid : ids.gid;
}

static bool privileged(bool user)
{
	return capability_effective(user ? CAP_SETUID : CAP_SETGID);
}

/* The ids become `next`; a user id change moves the capabilities
 * (capability_follow_uids; `fs_only`: setfsuid's). */
static long commit(bool user, const uint32_t next[4], bool fs_only)
{
	if (user)
		capability_follow_uids(ids.uid, next, fs_only);
	memcpy(ids_of(user), next, sizeof(ids.uid));
	return 0;
}

/* setuid, setgid: privileged, every id; else the effective and file
 * system ids, to the real or saved one. */
static long set_one(bool user, uint64_t argument)
{
	const uint32_t *old = ids_of(user);
	uint32_t id = (uint32_t)argument, next[4];

	memcpy(next, old, sizeof(next));
	if (id == NO_ID)
		return -EINVAL;
	if (privileged(user))
		next[ID_REAL] = next[ID_SAVED] = id;
	else if (id != old[ID_REAL] && id != old[ID_SAVED])
		return -EPERM;
	next[ID_EFFECTIVE] = next[ID_FS] = id;
	return commit(user, next, false);
}

/* setreuid, setregid: unprivileged, the real id to the real or
 * effective one, the effective to any of the three; the saved id follows
 * the effective one when the real id is set or the effective one set
 * apart from the real one. */
static long set_real_effective(bool user, uint64_t real_argument,
			       uint64_t effective_argument)
{
	const uint32_t *old = ids_of(user);
	uint32_t real = (uint32_t)real_argument;
	uint32_t effective = (uint32_t)effective_argument, next[4];
	bool may = privileged(user);

	memcpy(next, old, sizeof(next));
	if (real != NO_ID) {
		if (!may && real != old[ID_REAL] && real != old[ID_EFFECTIVE])
			return -EPERM;
		next[ID_REAL] = real;
	}
	if (effective != NO_ID) {
		if (!may && effective != old[ID_REAL] &&
		    effective != old[ID_EFFECTIVE] && effective != old[ID_SAVED])
			return -EPERM;
		next[ID_EFFECTIVE] = effective;
	}
	if (real != NO_ID || (effective != NO_ID && effective != old[ID_REAL]))
		next[ID_SAVED] = next[ID_EFFECTIVE];
	next[ID_FS] = next[ID_EFFECTIVE];
	return commit(user, next, false);
}

/* setresuid, setresgid: unprivileged, each to one of the three. */
static long set_three(bool user, const struct wk_regs *regs)
{
	const uint32_t *old = ids_of(user);
	const uint32_t asked[3] = { (uint32_t)regs->rdi, (uint32_t)regs->rsi,
				    (uint32_t)regs->rdx };
	uint32_t next[4];
	bool may = privileged(user);

	memcpy(next, old, sizeof(next));
	for (int i = 0; i < 3; i++) {
		if (asked[i] == NO_ID)
			continue;
		if (!may && asked[i] != old[ID_REAL] &&
		    asked[i] != old[ID_EFFECTIVE] && asked[i] != old[ID_SAVED])
			return -EPERM;
		next[i] = asked[i];
	}
	next[ID_FS] = next[ID_EFFECTIVE];
	return commit(user, next, false);
}

/* setfsuid, setfsgid: the old file system id, whatever happens;
 * unprivileged, to one of the four. */
static long set_fs(bool user, uint64_t argument)
{
	const uint32_t *old = ids_of(user);
	uint32_t id = (uint32_t)argument, next[4];
	long previous = old[ID_FS];

	memcpy(next, old, sizeof(next));
	if (id == NO_ID || id == old[ID_FS])
		return previous;
	if (privileged(user) || id == old[ID_REAL] ||
	    id == old[ID_EFFECTIVE] || id == old[ID_SAVED]) {
		next[ID_FS] = id;
		commit(user, next, true);
	}
	return previous;
}

long sys_getuid(struct wk_regs *regs) { (void)regs; return ids.uid[ID_REAL]; }
long sys_geteuid(struct wk_regs *regs) { (void)regs; return ids.uid[ID_EFFECTIVE]; }
long sys_getgid(struct wk_regs *regs) { (void)regs; return ids.gid[ID_REAL]; }
long sys_getegid(struct wk_regs *regs) { (void)regs; return ids.gid[ID_EFFECTIVE]; }

static long get_three(const struct wk_regs *regs, const uint32_t *held)
{
	const uint64_t out[3] = { regs->rdi, regs->rsi, regs->rdx };

	for (int i = 0; i < 3; i++)
		if (!vm_user_ok(out[i], 4, PROT_WRITE))
			return -EFAULT;
	for (int i = 0; i < 3; i++)
		*(uint32_t *)out[i] = held[i];
	return 0;
}

long sys_getresuid(struct wk_regs *regs) { return get_three(regs, ids.uid); }
long sys_getresgid(struct wk_regs *regs) { return get_three(regs, ids.gid); }
long sys_setuid(struct wk_regs *regs) { return set_one(true, regs->rdi); }
long sys_setgid(struct wk_regs *regs) { return set_one(false, regs->rdi); }
long sys_setreuid(struct wk_regs *regs)
{
	return set_real_effective(true, regs->rdi, regs->rsi);
}
long sys_setregid(struct wk_regs *regs)
{
	return set_real_effective(false, regs->rdi, regs->rsi);
}
long sys_setresuid(struct wk_regs *regs) { return set_three(true, regs); }
long sys_setresgid(struct wk_regs *regs) { return set_three(false, regs); }
long sys_setfsuid(struct wk_regs *regs) { return set_fs(true, regs->rdi); }
long sys_setfsgid(struct wk_regs *regs) { return set_fs(false, regs->rdi); }

/* getgroups: the count when asked for none, else -EINVAL when they do
 * not fit. */
long sys_getgroups(struct wk_regs *regs)
{
	int32_t size = (int32_t)regs->rdi;

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return group_count;
	if ((uint32_t)size < group_count)
		return -EINVAL;
	if (!vm_user_ok(regs->rsi, group_count * sizeof(uint32_t), PROT_WRITE))
		return -EFAULT;
	memcpy((void *)regs->rsi, groups, group_count * sizeof(uint32_t));
	return group_count;
}

/* setgroups: with CAP_SETGID; kept sorted, as Linux keeps them. */
long sys_setgroups(struct wk_regs *regs)
{
	uint32_t size = (uint32_t)regs->rdi;
	const uint32_t *list = (const uint32_t *)regs->rsi;

	if (!privileged(false))
		return -EPERM;
	if (size > NGROUPS_MAX)
		return -EINVAL;
	if (size > GROUPS_KEPT)
		return -ENOMEM;
	if (!vm_user_ok(regs->rsi, size * sizeof(uint32_t), PROT_READ))
		return -EFAULT;
	for (uint32_t i = 0; i < size; i++)
		if (list[i] == NO_ID)
			return -EINVAL;
	for (uint32_t i = 0; i < size; i++) {
		uint32_t group = list[i], at = i;

		for (; at > 0 && groups[at - 1] > group; at--)
			groups[at] = groups[at - 1];
		groups[at] = group;
	}
	group_count = size;
	return 0;
}
