/*
 * System V IPC's shared rules (sysv_ipc.h).
 */
#include "linux/sysv_ipc.h"

#include "linux/capability.h"
#include "linux/clock.h"
#include "linux/identity.h"

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
