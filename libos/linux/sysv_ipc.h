/*
 * What System V's IPC objects share (linux/sysv_ipc.c): Linux's
 * struct ipc64_perm, ids built as Linux builds them, and its permission
 * and ownership rules. Shared memory (sysv_shm.c) and semaphores
 * (sysv_sem.c) use them.
 */
#ifndef LIBOS_LINUX_SYSV_IPC_H
#define LIBOS_LINUX_SYSV_IPC_H

#include <stdbool.h>
#include <stdint.h>

#define IPC_PRIVATE 0
#define IPC_CREAT   01000
#define IPC_EXCL    02000
#define IPC_NOWAIT  04000
#define IPC_RMID    0
#define IPC_SET     1
#define IPC_STAT    2
#define IPC_INFO    3
#define IPC_ID_SHIFT 15 /* an id is seq << 15 | index, as Linux's */

/* Linux's struct ipc64_perm on x86-64. */
struct ipc64_perm {
	int32_t key;
	uint32_t uid, gid, cuid, cgid, mode;
	uint16_t seq, pad;
	uint64_t unused[2];
};

/* A new object's permissions: the caller's effective ids as owner and
 * creator, the mode's low nine bits, the key and sequence number. */
void ipc_perm_init(struct ipc64_perm *perm, int32_t key, uint32_t flags,
		   uint16_t seq);

/* Linux's ipcperms: `wanted` (4 read, 2 write, 1 execute) in the owner's,
 * the group's or the others' bits, or CAP_IPC_OWNER. */
bool ipc_permitted(const struct ipc64_perm *perm, uint32_t wanted);

/* IPC_SET's and IPC_RMID's right: the creator, the owner, or
 * CAP_SYS_ADMIN. */
bool ipc_owner(const struct ipc64_perm *perm);

/* IPC_SET's change: owner, group and the mode's low nine bits. */
void ipc_perm_set(struct ipc64_perm *perm, const struct ipc64_perm *from);

/* The object at `index` with sequence number `seq` as an id, and the
 * index an id names if its sequence number is `seq` (else -1). */
static inline long ipc_id(unsigned index, uint16_t seq)
{
	return (long)seq << IPC_ID_SHIFT | (long)index;
}

static inline int64_t ipc_index(int64_t id)
{
	return id < 0 ? -1 : id & ((1 << IPC_ID_SHIFT) - 1);
}

static inline bool ipc_seq_matches(int64_t id, uint16_t seq)
{
	return (uint64_t)id >> IPC_ID_SHIFT == seq;
}

/* The index of the object an id names among `count` (perm_at as for
 * ipc_find_key), or -EINVAL; by_index (the *_STAT commands): `id` is
 * the index itself. */
long ipc_lookup(struct ipc64_perm *(*perm_at)(unsigned index), unsigned count,
		int64_t id, bool by_index);

/* Seconds since 1970, for the objects' times. */
int64_t ipc_now(void);

/* A *get call's search by key among `count` objects (perm_at: an
 * object's permissions, NULL for a free slot): the index of the object
 * with that key, -ENOENT for none (the caller makes one under
 * IPC_CREAT), -EEXIST (IPC_CREAT | IPC_EXCL) or -EACCES (the mode's
 * bits asked for). */
long ipc_find_key(struct ipc64_perm *(*perm_at)(unsigned index),
		  unsigned count, int32_t key, uint32_t flags);

/* IPC_SET's first steps: the app's *_ds (size bytes, its permissions
 * first) read into ds, and the caller's right checked: 0, -EFAULT or
 * -EPERM. The caller then takes what it takes (ipc_perm_set). */
long ipc_set_read(const struct ipc64_perm *perm, uint64_t buffer, void *ds,
		  uint64_t size);

#endif /* LIBOS_LINUX_SYSV_IPC_H */
