/*
 * capget, capset and prctl's capability options (capability.h), with
 * Linux's checks in its order: the header's version (an unknown one is
 * answered with the one preferred, written back), the pid, the data.
 * The sets follow the user ids as Linux's commoncap makes them
 * (capability_follow_uids).
 */
#include "linux/capability.h"

#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "sched/thread.h"

#define CAP_LAST_CAP 40
#define CAP_ALL ((UINT64_C(1) << (CAP_LAST_CAP + 1)) - 1)

#define CAP_VERSION_1 0x19980330u /* one 32-bit data struct */
#define CAP_VERSION_2 0x20071026u /* two */
#define CAP_VERSION_3 0x20080522u /* two; the one preferred */

/* What a file system id of 0 gives (Linux's CAP_FS_SET): CHOWN,
 * DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, LINUX_IMMUTABLE, MKNOD
 * and MAC_OVERRIDE. */
#define CAP_FS_SET (UINT64_C(0x1f) | UINT64_C(1) << 9 | UINT64_C(1) << 27 | \
		    UINT64_C(1) << 32)

#define PR_GET_KEEPCAPS 7
#define PR_SET_KEEPCAPS 8
#define PR_GET_SECUREBITS 27
#define SECBIT_KEEP_CAPS (1 << 4)
#define PR_CAPBSET_READ 23
#define PR_CAPBSET_DROP 24
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4

struct cap_header {
	uint32_t version;
	int32_t pid;
};

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

static struct capabilities sets = {
	.effective = CAP_ALL, .permitted = CAP_ALL, .bounding = CAP_ALL
};

static bool keep_caps; /* PR_SET_KEEPCAPS */

const struct capabilities *capabilities(void)
{
	return &sets;
}

bool capability_effective(unsigned capability)
{
	return (sets.effective >> capability) & 1;
}

void capability_exec(bool real_root, bool effective_root)
{
	uint64_t permitted = real_root || effective_root
				     ? sets.bounding | sets.inheritable : 0;

	sets.permitted = permitted | sets.ambient;
	sets.effective = effective_root ? sets.permitted : sets.ambient;
}

void capability_follow_uids(const uint32_t old[4], const uint32_t next[4],
			    bool fs_only)
{
	bool root_before = !old[0] || !old[1] || !old[2];
	bool root_after = !next[0] || !next[1] || !next[2];

	if (fs_only) {
		if (!old[3] && next[3])
			sets.effective &= ~CAP_FS_SET;
		if (old[3] && !next[3])
			sets.effective |= sets.permitted & CAP_FS_SET;
		return;
	}
	if (root_before && !root_after) {
		if (!keep_caps)
			sets.permitted = sets.effective = 0;
		sets.ambient = 0;
	}
	if (!old[1] && next[1])
		sets.effective = 0;
	if (old[1] && !next[1])
		sets.effective = sets.permitted;
}

static bool subset(uint64_t part, uint64_t whole)
{
	return (part & ~whole) == 0;
}

/* The data structs the header's version takes, or Linux's error. */
static long structs_for(uint64_t header)
{
	if (!vm_user_ok(header, sizeof(uint32_t), PROT_READ))
		return -EFAULT;
	switch (((const struct cap_header *)header)->version) {
	case CAP_VERSION_1:
		return 1;
	case CAP_VERSION_2:
	case CAP_VERSION_3:
		return 2;
	}
	if (!vm_user_ok(header, sizeof(uint32_t), PROT_WRITE))
		return -EFAULT;
	((struct cap_header *)header)->version = CAP_VERSION_3;
	return -EINVAL;
}

static long header_pid(uint64_t header, int32_t *pid)
{
	uint64_t field = header + sizeof(uint32_t);

	if (!vm_user_ok(field, sizeof(*pid), PROT_READ))
		return -EFAULT;
	*pid = *(const int32_t *)field;
	return 0;
}

long sys_capget(struct wk_regs *regs)
{
	uint64_t header = regs->rdi, data = regs->rsi;
	long count = structs_for(header);
	int32_t pid;

	/* No data: only asking which version is preferred. */
	if (count < 0)
		return data == 0 && count == -EINVAL ? 0 : count;
	if (data == 0)
		return 0;
	if (header_pid(header, &pid) < 0)
		return -EFAULT;
	if (pid < 0)
		return -EINVAL;
	if (pid != 0 && pid != LINUX_PID && thread_find(pid) == NULL)
		return -ESRCH;
	if (!vm_user_ok(data, (uint64_t)count * sizeof(struct cap_data),
			PROT_WRITE))
		return -EFAULT;
	struct cap_data *out = (struct cap_data *)data;

	for (long i = 0; i < count; i++)
		out[i] = (struct cap_data){
			(uint32_t)(sets.effective >> (32 * i)),
			(uint32_t)(sets.permitted >> (32 * i)),
			(uint32_t)(sets.inheritable >> (32 * i)) };
	return 0;
}

long sys_capset(struct wk_regs *regs)
{
	uint64_t header = regs->rdi, data = regs->rsi;
	long count = structs_for(header);
	int32_t pid;

	if (count < 0)
		return count;
	if (header_pid(header, &pid) < 0)
		return -EFAULT;
	if (pid != 0 && pid != sched_current()->tid)
		return -EPERM;
	if (!vm_user_ok(data, (uint64_t)count * sizeof(struct cap_data),
			PROT_READ))
		return -EFAULT;
	const struct cap_data *in = (const struct cap_data *)data;
	uint64_t effective = 0, permitted = 0, inheritable = 0;

	for (long i = 0; i < count; i++) {
		effective |= (uint64_t)in[i].effective << (32 * i);
		permitted |= (uint64_t)in[i].permitted << (32 * i);
		inheritable |= (uint64_t)in[i].inheritable << (32 * i);
	}
	effective &= CAP_ALL;
	permitted &= CAP_ALL;
	inheritable &= CAP_ALL;
	if ((!(sets.effective & (UINT64_C(1) << CAP_SETPCAP)) &&
	     !subset(inheritable, sets.inheritable | sets.permitted)) ||
	    !subset(inheritable, sets.inheritable | sets.bounding) ||
	    !subset(permitted, sets.permitted) ||
	    !subset(effective, permitted))
		return -EPERM;
	sets.effective = effective;
	sets.permitted = permitted;
	sets.inheritable = inheritable;
	sets.ambient &= permitted & inheritable;
	return 0;
}

static bool valid(uint64_t capability)
{
	return capability <= CAP_LAST_CAP;
}

static long ambient(uint64_t operation, uint64_t capability,
		    uint64_t argument4, uint64_t argument5)
{
	uint64_t bit = valid(capability) ? UINT64_C(1) << capability : 0;

	if (operation == PR_CAP_AMBIENT_CLEAR_ALL) {
		if (capability || argument4 || argument5)
			return -EINVAL;
		sets.ambient = 0;
		return 0;
	}
	if (!valid(capability) || argument4 || argument5)
		return -EINVAL;
	switch (operation) {
	case PR_CAP_AMBIENT_IS_SET:
		return (sets.ambient & bit) != 0;
	case PR_CAP_AMBIENT_RAISE:
		if (!(sets.permitted & sets.inheritable & bit))
			return -EPERM;
		sets.ambient |= bit;
		return 0;
	case PR_CAP_AMBIENT_LOWER:
		sets.ambient &= ~bit;
		return 0;
	default:
		return -EINVAL;
	}
}

long capability_prctl(uint64_t option, uint64_t argument2,
		      uint64_t argument3, uint64_t argument4,
		      uint64_t argument5)
{
	switch (option) {
	case PR_CAPBSET_READ:
		if (!valid(argument2))
			return -EINVAL;
		return (sets.bounding >> argument2) & 1;
	case PR_CAPBSET_DROP:
		if (!(sets.effective & (UINT64_C(1) << CAP_SETPCAP)))
			return -EPERM;
		if (!valid(argument2))
			return -EINVAL;
		sets.bounding &= ~(UINT64_C(1) << argument2);
		return 0;
	case PR_CAP_AMBIENT:
		return ambient(argument2, argument3, argument4, argument5);
	case PR_GET_KEEPCAPS:
		return keep_caps;
	case PR_SET_KEEPCAPS:
		if (argument2 > 1)
			return -EINVAL;
		keep_caps = argument2;
		return 0;
	case PR_GET_SECUREBITS:
		return keep_caps ? SECBIT_KEEP_CAPS : 0;
	default:
		return -EINVAL;
	}
}
