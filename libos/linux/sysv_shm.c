/*
 * System V shared memory: shmget, shmat, shmdt, shmctl (syscalls.h), as
 * Linux's ipc/shm.c has them, within the one process. A segment is an
 * unnamed file of the tree (files.h), held while the segment lives, and
 * an attach is a shared view of it (vm_map_file), so that every attach
 * sees the same pages, as /proc/1/maps shows them. A segment marked for
 * removal (IPC_RMID) goes with its last attach; its memory stays usable
 * until then.
 *
 * An attach is remembered by its address. A munmap of its view (which
 * Linux also counts as a detach) leaves the record, which the next look
 * finds stale and forgets: nattch counts the records whose view is still
 * there. execve takes every view with the address space (shm_exec).
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "layout.h"
#include "lib/string.h"
#include "linux/capability.h"
#include "linux/files.h"
#include "linux/syscalls.h"
#include "linux/sysv_ipc.h"
#include "mm/vm.h"
#include "trap/patch.h"

#define SEGMENTS_MAX 128 /* Wicket's SHMMNI (Linux's: 4096) */
#define ATTACHES_MAX 512
#define SHMMAX       (UINT64_MAX - (UINT64_C(1) << 24))

#define SHM_LOCK     11
#define SHM_UNLOCK   12
#define SHM_STAT     13
#define SHM_INFO     14
#define SHM_STAT_ANY 15
#define SHM_DEST    01000 /* in shm_perm.mode: marked for removal */
#define SHM_LOCKED  02000
#define SHM_RDONLY  010000
#define SHM_RND     020000
#define SHM_REMAP   040000
#define SHM_EXEC    0100000
#define CAP_IPC_LOCK  14

/* Linux's struct shmid64_ds on x86-64. */
struct shmid64_ds {
	struct ipc64_perm perm;
	uint64_t segsz;
	int64_t atime, dtime, ctime;
	int32_t cpid, lpid;
	uint64_t nattch, unused[2];
};

_Static_assert(sizeof(struct ipc64_perm) == 48, "ipc64_perm");
_Static_assert(sizeof(struct shmid64_ds) == 112, "shmid64_ds");

struct segment {
	bool used;
	uint16_t seq;
	unsigned node;        /* its memory, held */
	struct shmid64_ds ds; /* as IPC_STAT gives it, nattch aside */
};

struct attach {
	uint64_t address;     /* 0: a free record */
	uint16_t segment;
};

static struct segment segments[SEGMENTS_MAX];
static struct attach attaches[ATTACHES_MAX];
static uint16_t next_seq;

/* Whether attach a's view is still there; a stale record is forgotten. */
static bool attached(struct attach *a)
{
	const struct region *region = vm_find(a->address);

	if (a->address && region && region->start == a->address &&
	    region->kind == REGION_FILE &&
	    region->node == segments[a->segment].node)
		return true;
	a->address = 0;
	return false;
}

static uint64_t attach_count(unsigned index)
{
	uint64_t count = 0;

	for (unsigned i = 0; i < ATTACHES_MAX; i++)
		if (attaches[i].address && attaches[i].segment == index &&
		    attached(&attaches[i]))
			count++;
	return count;
}

/* A segment marked for removal goes once nothing has it attached. */
static void destroy_if_done(unsigned index)
{
	struct segment *segment = &segments[index];

	if (segment->used && (segment->ds.perm.mode & SHM_DEST) &&
	    attach_count(index) == 0) {
		files_drop(segment->node);
		segment->used = false;
	}
}

static struct ipc64_perm *perm_at(unsigned index)
{
	return segments[index].used ? &segments[index].ds.perm : NULL;
}

/* The segment an id names, or NULL. */
static struct segment *segment_of(int64_t id)
{
	long index = ipc_lookup(perm_at, SEGMENTS_MAX, id, false);

	return index < 0 ? NULL : &segments[index];
}

static long id_of(const struct segment *segment)
{
	return ipc_id((unsigned)(segment - segments), segment->seq);
}

static long new_segment(int32_t key, uint64_t size, uint32_t flags)
{
	unsigned index = 0;
	long error;

	if (size < 1 || size > SHMMAX)
		return -EINVAL;
	while (index < SEGMENTS_MAX && segments[index].used)
		index++;
	if (index == SEGMENTS_MAX)
		return -ENOSPC;
	unsigned node = files_anonymous(size, &error);

	if (node == NO_NODE) /* past the tree's largest file: no memory */
		return error == -EFBIG ? -ENOMEM : error;
	struct segment *segment = &segments[index];

	*segment = (struct segment){
		.used = true, .seq = next_seq++, .node = node,
		.ds = { .segsz = size, .ctime = ipc_now(), .cpid = LINUX_PID } };
	ipc_perm_init(&segment->ds.perm, key, flags, segment->seq);
	return id_of(segment);
}

long sys_shmget(struct wk_regs *regs)
{
	int32_t key = (int32_t)regs->rdi;
	uint64_t size = regs->rsi;
	uint32_t flags = (uint32_t)regs->rdx;
	long found = key == IPC_PRIVATE
			     ? -ENOENT
			     : ipc_find_key(perm_at, SEGMENTS_MAX, key, flags);

	if (found >= 0)
		return segments[found].ds.segsz < size ? -EINVAL
						       : id_of(&segments[found]);
	if (found != -ENOENT || (key != IPC_PRIVATE && !(flags & IPC_CREAT)))
		return found;
	return new_segment(key, size, flags);
}

long sys_shmat(struct wk_regs *regs)
{
	uint64_t address = regs->rsi;
	uint32_t flags = (uint32_t)regs->rdx;
	uint32_t prot = PROT_READ | (flags & SHM_RDONLY ? 0 : PROT_WRITE) |
			(flags & SHM_EXEC ? PROT_EXEC : 0);
	unsigned slot = 0;

	if (address % PAGE_SIZE) {
		if (!(flags & SHM_RND))
			return -EINVAL;
		address = page_down(address);
		if (address == 0 && (flags & SHM_REMAP))
			return -EINVAL;
	} else if (address == 0 && (flags & SHM_REMAP)) {
		return -EINVAL;
	}
	struct segment *segment = segment_of((int32_t)regs->rdi);

	if (segment == NULL)
		return -EINVAL;
	if (!ipc_permitted(&segment->ds.perm, (prot & PROT_WRITE ? 6 : 4) |
						      (prot & PROT_EXEC ? 1 : 0)))
		return -EACCES;
	uint64_t length = page_up(segment->ds.segsz);

	while (slot < ATTACHES_MAX && attaches[slot].address &&
	       attached(&attaches[slot]))
		slot++;
	if (slot == ATTACHES_MAX)
		return -ENOMEM;
	if (address == 0) {
		address = vm_find_free(length, APP_MMAP_TOP);
		if (address == 0)
			return -ENOMEM;
	} else if (address + length < address || address < WK_USER_MIN ||
		   address + length > APP_LIMIT) {
		return -EINVAL;
	} else if (!vm_range_free(address, address + length)) {
		if (!(flags & SHM_REMAP))
			return -EINVAL;
		patch_text_changed(address, length);
		vm_unmap(address, length);
	}
	long status = vm_map_file(address, length, prot, segment->node, 0,
				  !(flags & SHM_RDONLY));

	if (status < 0)
		return status;
	attaches[slot] = (struct attach){ address,
					  (uint16_t)(segment - segments) };
	segment->ds.atime = ipc_now();
	segment->ds.lpid = LINUX_PID;
	return (long)address;
}

long sys_shmdt(struct wk_regs *regs)
{
	uint64_t address = regs->rdi;

	if (address % PAGE_SIZE)
		return -EINVAL;
	for (unsigned i = 0; i < ATTACHES_MAX; i++) {
		struct attach *a = &attaches[i];

		if (a->address != address || !attached(a))
			continue;
		struct segment *segment = &segments[a->segment];
		uint64_t end = address + page_up(segment->ds.segsz);
		uint64_t at = address;

		/* Its view's regions (an mprotect may have split it), as
		 * Linux's shmdt takes the attach's vmas. */
		while (at < end) {
			const struct region *region = vm_find(at);

			if (region == NULL || region->start != at ||
			    region->kind != REGION_FILE ||
			    region->node != segment->node)
				break;
			at = region->end < end ? region->end : end;
		}
		patch_text_changed(address, at - address);
		vm_unmap(address, at - address);
		a->address = 0;
		segment->ds.dtime = ipc_now();
		segment->ds.lpid = LINUX_PID;
		destroy_if_done(a->segment);
		return 0;
	}
	return -EINVAL;
}

/* IPC_INFO's struct shminfo64 and SHM_INFO's struct shm_info. */
static long information(int cmd, uint64_t buffer)
{
	unsigned highest = 0;
	uint64_t used = 0, pages = 0, resident = 0;

	for (unsigned i = 0; i < SEGMENTS_MAX; i++) {
		if (!segments[i].used)
			continue;
		highest = i;
		used++;
		pages += page_up(segments[i].ds.segsz) / PAGE_SIZE;
		resident += files_size(segments[i].node) / PAGE_SIZE;
	}
	uint64_t out[9] = { 0 };

	if (cmd == IPC_INFO) {
		out[0] = SHMMAX;       /* shmmax */
		out[1] = 1;            /* shmmin */
		out[2] = SEGMENTS_MAX; /* shmmni */
		out[3] = SEGMENTS_MAX; /* shmseg */
		out[4] = SHMMAX / PAGE_SIZE; /* shmall */
	} else {
		out[0] = used;          /* used_ids (an int, padded) */
		out[1] = pages;         /* shm_tot */
		out[2] = resident;      /* shm_rss */
	}
	uint64_t bytes = cmd == IPC_INFO ? 9 * 8 : 6 * 8;

	if (!vm_user_ok(buffer, bytes, PROT_WRITE))
		return -EFAULT;
	memcpy((void *)buffer, out, bytes);
	return highest;
}

long sys_shmctl(struct wk_regs *regs)
{
	int64_t id = (int32_t)regs->rdi;
	int32_t cmd = (int32_t)regs->rsi;
	uint64_t buffer = regs->rdx;
	struct segment *segment;

	if (cmd < 0 || id < 0)
		return -EINVAL;
	if (cmd == IPC_INFO || cmd == SHM_INFO)
		return information(cmd, buffer);
	long found = ipc_lookup(perm_at, SEGMENTS_MAX, id,
				cmd == SHM_STAT || cmd == SHM_STAT_ANY);

	if (found < 0)
		return found;
	segment = &segments[found];
	unsigned index = (unsigned)(segment - segments);

	switch (cmd) {
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY: {
		struct shmid64_ds ds = segment->ds;

		if (cmd != SHM_STAT_ANY && !ipc_permitted(&segment->ds.perm, 4))
			return -EACCES;
		ds.nattch = attach_count(index);
		if (!vm_user_ok(buffer, sizeof(ds), PROT_WRITE))
			return -EFAULT;
		memcpy((void *)buffer, &ds, sizeof(ds));
		return cmd == IPC_STAT ? 0 : id_of(segment);
	}
	case IPC_SET: {
		struct shmid64_ds ds;
		long error = ipc_set_read(&segment->ds.perm, buffer, &ds,
					  sizeof(ds));

		if (error)
			return error;
		ipc_perm_set(&segment->ds.perm, &ds.perm);
		segment->ds.ctime = ipc_now();
		return 0;
	}
	case IPC_RMID:
		if (!ipc_owner(&segment->ds.perm))
			return -EPERM;
		segment->ds.perm.key = IPC_PRIVATE;
		segment->ds.perm.mode |= SHM_DEST;
		destroy_if_done(index);
		return 0;
	case SHM_LOCK:
	case SHM_UNLOCK:
		if (!capability_effective(CAP_IPC_LOCK) &&
		    !ipc_owner(&segment->ds.perm))
			return -EPERM;
		if (cmd == SHM_LOCK)
			segment->ds.perm.mode |= SHM_LOCKED;
		else
			segment->ds.perm.mode &= ~(uint32_t)SHM_LOCKED;
		return 0;
	default:
		return -EINVAL;
	}
}

void shm_exec(void)
{
	for (unsigned i = 0; i < ATTACHES_MAX; i++)
		attaches[i].address = 0;
	for (unsigned i = 0; i < SEGMENTS_MAX; i++)
		destroy_if_done(i);
}
