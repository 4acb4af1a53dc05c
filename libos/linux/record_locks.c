/*
 * Record locks (fcntl's F_SETLK family), kept as Linux keeps them on an
 * inode. A lock's owner is the process, for a POSIX lock (F_SETLK,
 * F_SETLKW: whichever descriptor took it), or the open file description,
 * for an OFD lock (F_OFD_SETLK, F_OFD_SETLKW). Locks of two owners on one
 * object conflict where they overlap and one of them is a write lock; an
 * owner's own never do: a new lock replaces what it overlaps of its
 * owner's locks, and merges with those of its type that it overlaps or
 * touches. With one process, POSIX locks meet only OFD locks, and OFD
 * locks meet each other when taken through two opens of one file.
 *
 * The table keeps Linux's order, which F_GETLK shows when more than one
 * lock is in the way: an owner's locks on an object stay together, sorted
 * by start, and an owner new to the object comes after the others.
 *
 * An object's POSIX locks go when any descriptor of it is closed; OFD
 * locks when their description goes. A waiting F_SETLKW runs again
 * whenever locks go. Linux looks for no deadlock among OFD locks, and one
 * process's POSIX locks never wait for each other, so no call here is
 * -EDEADLK. The table's limit makes more locks -ENOLCK.
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/string.h"
#include "linux/files.h"
#include "linux/record_locks.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"

#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define OFFSET_MAX INT64_MAX /* a lock's last byte when it runs to any end */
#define LOCKS_MAX 2048

/* Linux's struct flock (32 bytes). */
struct linux_flock {
	int16_t type, whence;
	int64_t start, length;
	int32_t pid;
};
_Static_assert(sizeof(struct linux_flock) == 32, "struct flock");

struct held_lock {
	const struct file *owner; /* an OFD lock's description; NULL: the
				     process's (POSIX) */
	uint64_t slot;            /* with node, the object (io_object_slot) */
	int64_t start, end;       /* its bytes, end included */
	uint16_t node;
	uint8_t type;             /* F_RDLCK or F_WRLCK */
};

static struct held_lock held[LOCKS_MAX];
static unsigned held_count;

static bool on_object(const struct held_lock *lock, unsigned node,
		      uint64_t slot)
{
	return lock->node == node && lock->slot == slot;
}

/* The bytes a struct flock names through file: 0, -EINVAL or -EOVERFLOW,
 * as Linux checks them. */
static long lock_range(const struct file *file,
		       const struct linux_flock *lock, int64_t *start,
		       int64_t *end)
{
	int64_t base = 0, first;

	switch (lock->whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		if (file->kind == FILE_REGULAR)
			base = (int64_t)file->position;
		break;
	case SEEK_END:
		if (file->kind == FILE_REGULAR)
			base = (int64_t)files_size(file->node);
		break;
	default:
		return -EINVAL;
	}
	if (lock->start > OFFSET_MAX - base)
		return -EOVERFLOW;
	first = base + lock->start;
	if (first < 0)
		return -EINVAL;
	if (lock->length > 0) {
		if (lock->length - 1 > OFFSET_MAX - first)
			return -EOVERFLOW;
		*end = first + (lock->length - 1);
	} else if (lock->length < 0) {
		if (first + lock->length < 0)
			return -EINVAL;
		*end = first - 1;
		first += lock->length;
	} else {
		*end = OFFSET_MAX;
	}
	*start = first;
	return 0;
}

/* The first lock of another owner that a lock of `type` on the object's
 * bytes start to end cannot share them with, or NULL. */
static const struct held_lock *in_the_way(const struct file *owner,
					  unsigned node, uint64_t slot,
					  int type, int64_t start,
					  int64_t end)
{
	for (unsigned i = 0; i < held_count; i++) {
		const struct held_lock *lock = &held[i];

		if (lock->owner != owner && on_object(lock, node, slot) &&
		    lock->start <= end && start <= lock->end &&
		    (type == F_WRLCK || lock->type == F_WRLCK))
			return lock;
	}
	return NULL;
}

/* Whether an owner's lock is changed by its owner's request: it
 * overlaps or touches the request's bytes. */
static bool near(const struct held_lock *lock,
		 const struct held_lock *request)
{
	return lock->end >= request->start - 1 &&
	       lock->start - 1 <= request->end;
}

/*
 * What replaces the run of the owner's locks near the request (sorted,
 * apart and never touching one of their type, as every change leaves
 * them): at most three. Only the run's first lock can start before the
 * request, and only its last end after it; the pieces they keep stay,
 * and one of the request's type and the request become one lock.
 */
static unsigned remake(const struct held_lock *request,
		       const struct held_lock *run, unsigned count,
		       struct held_lock out[3])
{
	unsigned made = 0;

	if (count && run[0].start < request->start) {
		out[made] = run[0];
		if (out[made].end >= request->start)
			out[made].end = request->start - 1;
		made++;
	}
	if (request->type != F_UNLCK) {
		if (made && out[0].type == request->type) /* they touch */
			out[0].end = request->end;
		else
			out[made++] = *request;
	}
	if (count && run[count - 1].end > request->end) {
		struct held_lock after = run[count - 1];

		if (after.start <= request->end)
			after.start = request->end + 1;
		if (made && out[made - 1].type == after.type &&
		    out[made - 1].end + 1 == after.start)
			out[made - 1].end = after.end;
		else
			out[made++] = after;
	}
	return made;
}

/* Sets the request (of its owner, on its object): 0 or -ENOLCK. The
 * owner's run of locks near it is replaced in place; an owner new to the
 * object goes last. */
static long set_lock(const struct held_lock *request)
{
	unsigned first = held_count, last = held_count, made;
	bool in_group = false;
	struct held_lock out[3];

	for (unsigned i = 0; i < held_count; i++) {
		const struct held_lock *lock = &held[i];

		if (lock->owner != request->owner ||
		    !on_object(lock, request->node, request->slot)) {
			if (in_group)
				break; /* an owner's locks stay together */
			continue;
		}
		if (!in_group)
			first = last = i;
		in_group = true;
		if (lock->end < request->start - 1) /* before the run */
			first = last = i + 1;
		else if (near(lock, request))
			last = i + 1;
		else
			break; /* after it */
	}
	made = remake(request, &held[first], last - first, out);
	if (held_count - (last - first) + made > LOCKS_MAX)
		return -ENOLCK;
	memmove(&held[first + made], &held[last],
		(held_count - last) * sizeof(held[0]));
	memcpy(&held[first], out, made * sizeof(held[0]));
	held_count = held_count - (last - first) + made;
	if (last > first) /* locks given up, or made read locks */
		sched_wake_input_waiters();
	return 0;
}

/* F_GETLK's answer: the lock in the way, or only F_UNLCK. */
static void tell(struct linux_flock *out, const struct held_lock *lock)
{
	if (lock == NULL) {
		out->type = F_UNLCK;
		return;
	}
	*out = (struct linux_flock){
		.type = lock->type,
		.whence = SEEK_SET,
		.start = lock->start,
		.length = lock->end == OFFSET_MAX ? 0
						  : lock->end - lock->start + 1,
		.pid = lock->owner ? -1 : LINUX_PID,
	};
}

long record_lock(struct file *file, uint32_t command, uint64_t address)
{
	struct linux_flock lock;
	bool getting = command == F_GETLK || command == F_OFD_GETLK;
	bool ofd = command >= F_OFD_GETLK;
	struct held_lock request = { .owner = ofd ? file : NULL,
				     .node = file->node,
				     .slot = io_object_slot(file) };
	uint32_t mode = file->flags & O_ACCMODE;
	long error;

	if (file->flags & O_PATH)
		return -EBADF;
	if (!vm_user_ok(address, sizeof(lock),
			getting ? PROT_READ | PROT_WRITE : PROT_READ))
		return -EFAULT;
	memcpy(&lock, (const void *)address, sizeof(lock));
	if (getting && lock.type != F_RDLCK && lock.type != F_WRLCK)
		return -EINVAL;
	error = lock_range(file, &lock, &request.start, &request.end);
	if (error)
		return error;
	if (lock.type != F_RDLCK && lock.type != F_WRLCK &&
	    lock.type != F_UNLCK)
		return -EINVAL;
	if (!getting && ((lock.type == F_RDLCK && mode == O_WRONLY) ||
			 (lock.type == F_WRLCK && mode == O_RDONLY)))
		return -EBADF;
	if (ofd && lock.pid != 0)
		return -EINVAL;
	request.type = (uint8_t)lock.type;
	const struct held_lock *blocker =
		lock.type == F_UNLCK
			? NULL
			: in_the_way(request.owner, request.node,
				     request.slot, lock.type, request.start,
				     request.end);

	if (getting) {
		tell((struct linux_flock *)address, blocker);
		return 0;
	}
	if (blocker == NULL)
		return set_lock(&request);
	if (command == F_SETLK || command == F_OFD_SETLK)
		return -EAGAIN;
	sched_wait_for_input(WAIT_POLL, 0);
	return SYSCALL_NO_RESULT;
}

/* Drops the owner's locks, on one object or (node NULL) on every one. */
static void drop(const struct file *owner, const unsigned *node,
		 uint64_t slot)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < held_count; i++) {
		if (held[i].owner != owner ||
		    (node && !on_object(&held[i], *node, slot)))
			held[kept++] = held[i];
	}
	if (kept == held_count)
		return;
	held_count = kept;
	sched_wake_input_waiters();
}

void record_locks_closed(const struct file *file)
{
	unsigned node = file->node;

	drop(NULL, &node, io_object_slot(file));
}

void record_locks_released(const struct file *file)
{
	drop(file, NULL, 0);
}
