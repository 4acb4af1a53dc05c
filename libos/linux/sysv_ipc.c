/*
 * System V IPC's shared rules (sysv_ipc.h).
 */
#include "linux/sysv_ipc.h"

#include "errno.h"
#include "lib/string.h"
#include "linux/capability.h"
#include "linux/clock.h"
#include "linux/identity.h"
#include "mm/vm.h"

#define CAP_IPC_OWNER 15

void ipc_perm_init(struct ipc64_perm *perm, int32_t key, uint32_t flags,
		   uint16_t seq)
{
	const struct identity *ids = identity();

	*perm = (struct ipc64_perm){
		.key = key, .uid = ids->uid[ID_EFFECTIVE],
		.gid = ids->gid[ID_EFFECTIVE], .cuid = ids->uid[ID_EFFECTIVE],
		.cgid = ids->gid[ID_EFFECTIVE], .mode = flags & 0777,
		.seq = seq };
}

bool ipc_permitted(const struct ipc64_perm *perm, uint32_t wanted)
{
	const struct identity *ids = identity();
	uint32_t mode = perm->mode;
	uint32_t euid = ids->uid[ID_EFFECTIVE], egid = ids->gid[ID_EFFECTIVE];

	if (euid == perm->cuid || euid == perm->uid)
		mode >>= 6;
	else if (egid == perm->cgid || egid == perm->gid)
		mode >>= 3;
	return (wanted & ~mode & 7) == 0 ||
	       capability_effective(CAP_IPC_OWNER);
}

bool ipc_owner(const struct ipc64_perm *perm)
{
	uint32_t euid = identity()->uid[ID_EFFECTIVE];

	return euid == perm->cuid || euid == perm->uid ||
	       capability_effective(CAP_SYS_ADMIN);
}

void ipc_perm_set(struct ipc64_perm *perm, const struct ipc64_perm *from)
{
	perm->uid = from->uid;
	perm->gid = from->gid;
	perm->mode = (perm->mode & ~0777u) | (from->mode & 0777);
}

int64_t ipc_now(void)
{
	return (int64_t)(clock_realtime_ns() / 1000000000);
}

long ipc_find_key(struct ipc64_perm *(*perm_at)(unsigned index),
		  unsigned count, int32_t key, uint32_t flags)
{
	for (unsigned i = 0; i < count; i++) {
		const struct ipc64_perm *perm = perm_at(i);

		if (perm == NULL || perm->key != key)
			continue;
		if ((flags & (IPC_CREAT | IPC_EXCL)) == (IPC_CREAT | IPC_EXCL))
			return -EEXIST;
		if (!ipc_permitted(perm, (flags >> 6 | flags >> 3 | flags) & 7))
			return -EACCES;
		return i;
	}
	return -ENOENT;
}

long ipc_lookup(struct ipc64_perm *(*perm_at)(unsigned index), unsigned count,
		int64_t id, bool by_index)
{
	int64_t index = by_index ? id : ipc_index(id);

	if (index < 0 || (uint64_t)index >= count)
		return -EINVAL;
	const struct ipc64_perm *perm = perm_at((unsigned)index);

	if (perm == NULL || (!by_index && !ipc_seq_matches(id, perm->seq)))
		return -EINVAL;
	return index;
}

long ipc_set_read(const struct ipc64_perm *perm, uint64_t buffer, void *ds,
		  uint64_t size)
{
	if (!vm_user_ok(buffer, size, PROT_READ))
		return -EFAULT;
	memcpy(ds, (const void *)buffer, size);
	return ipc_owner(perm) ? 0 : -EPERM;
}
