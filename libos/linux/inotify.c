/*
 * inotify: inotify_init[1], inotify_add_watch, inotify_rm_watch, and the
 * instances' event queues, read, polled and watched by epoll like a
 * pipe's end. As on Linux (fs/notify/inotify):
 *
 * - A watch is a node of the tree (a hard link's file) in one instance,
 *   with its descriptor number (from 1, counting on, never reused while
 *   the instance lives) and the events it wants. Watching a watched node
 *   again gives the same number, its mask replaced, or added to with
 *   IN_MASK_ADD; IN_MASK_CREATE refuses it (-EEXIST).
 * - An event is 16 bytes (struct inotify_event: wd, mask, cookie, len)
 *   and, for a directory's watch, the child's name and NULs up to a
 *   multiple of 16 (len). A new event that is the same as the last one
 *   queued, still unread, is not queued again. Past 16,384 events (Linux's
 *   max_queued_events) one IN_Q_OVERFLOW event (wd -1) is queued and the
 *   rest are lost until the queue has room.
 * - IN_ONESHOT: the first event the watch sees removes it. A removed
 *   watch (inotify_rm_watch, IN_ONESHOT, its node gone) queues
 *   IN_IGNORED; IN_ISDIR is never set on IN_DELETE_SELF or IN_MOVE_SELF.
 * - read takes whole events, in order: -EINVAL if the first does not fit,
 *   -EFAULT (and that event lost) if the buffer cannot take it; with none
 *   queued it waits, or is -EAGAIN under O_NONBLOCK. The descriptor is
 *   read-only (a write is -EBADF) and lseek leaves it at 0.
 *
 * Each instance's queue is a ring in the libOS's memory
 * (LIBOS_INOTIFY_QUEUES) big enough for 16,384 of the largest events, its
 * pages mapped as the queue first reaches them and unmapped when the
 * instance goes.
 */
#include "linux/inotify.h"

#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "layout.h"
#include "lib/ring.h"
#include "lib/string.h"
#include "linux/files.h"
#include "linux/io.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "wicket/native.h"

#define INSTANCES_MAX 128   /* Linux's max_user_instances */
#define WATCHES_MAX   8192  /* Linux's smallest max_user_watches */
#define EVENTS_MAX    16384 /* Linux's max_queued_events */
#define HEADER        16    /* struct inotify_event */
#define NAME_ROOM     256   /* NAME_MAX and its NUL */
#define EVENT_MAX     (HEADER + NAME_ROOM)
#define QUEUE_BYTES   ((uint64_t)EVENTS_MAX * EVENT_MAX)

#define IN_UNMOUNT     0x00002000u
#define IN_Q_OVERFLOW  0x00004000u
#define IN_IGNORED     0x00008000u
#define IN_ONLYDIR     0x01000000u
#define IN_DONT_FOLLOW 0x02000000u
#define IN_EXCL_UNLINK 0x04000000u
#define IN_MASK_CREATE 0x10000000u
#define IN_MASK_ADD    0x20000000u
#define IN_ONESHOT     0x80000000u
#define IN_ALL_EVENTS  0x00000fffu
/* Every bit an add_watch mask may name (Linux's ALL_INOTIFY_BITS). */
#define IN_ALL_BITS                                                       \
	(IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED |          \
	 IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_CREATE |    \
	 IN_MASK_ADD | IN_ISDIR | IN_ONESHOT)

_Static_assert(LIBOS_INOTIFY_QUEUES + INSTANCES_MAX * QUEUE_BYTES <=
		       LIBOS_FILE_HOLES,
	       "the inotify queues end below the next libOS area");
_Static_assert(QUEUE_BYTES % PAGE_SIZE == 0, "whole pages");

struct event_header {
	int32_t wd;
	uint32_t mask, cookie, length;
};
_Static_assert(sizeof(struct event_header) == HEADER, "struct inotify_event");

static struct instance {
	bool used, overflowed; /* overflowed: the last event queued is the
				  IN_Q_OVERFLOW one */
	int32_t next_wd;
	uint32_t events; /* queued */
	uint64_t written, read; /* byte counts of its ring */
	uint64_t last;          /* where the last event queued starts */
	uint64_t mapped;        /* bytes of its ring mapped, from its start */
} instances[INSTANCES_MAX];

static struct watch {
	uint16_t instance; /* its slot + 1; 0: a free watch */
	int32_t wd;
	unsigned node;
	uint32_t mask; /* events and IN_ONESHOT, IN_EXCL_UNLINK */
} watches[WATCHES_MAX];

static unsigned watches_touched; /* watches from here on never used */
static uint32_t cookies;

static uint8_t *ring(unsigned slot)
{
	return (uint8_t *)(LIBOS_INOTIFY_QUEUES + slot * QUEUE_BYTES);
}

static struct instance *instance_of(const struct file *file)
{
	return &instances[file->position];
}

uint32_t inotify_cookie(void)
{
	return ++cookies ? cookies : ++cookies;
}

/* Maps the ring's pages that bytes [at, at + length) reach: false when
 * memory ran out. The ring is written in order, so its mapped part is
 * one run from its start. */
static bool queue_back(unsigned slot, uint64_t at, uint64_t length)
{
	struct instance *self = &instances[slot];
	uint64_t end = at + length > QUEUE_BYTES ? QUEUE_BYTES : at + length;

	end = (end + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	if (end <= self->mapped)
		return true;
	if (wk_mem_map((long)(ring(slot) + self->mapped),
		       (long)(end - self->mapped),
		       WK_PROT_READ | WK_PROT_WRITE) < 0)
		return false;
	self->mapped = end;
	return true;
}

/* Queues one event for instance `slot`, unless it is the same as the
 * last one still queued. */
static void queue(unsigned slot, int32_t wd, uint32_t mask, uint32_t cookie,
		  const char *name, size_t length)
{
	struct instance *self = &instances[slot];
	uint8_t event[EVENT_MAX], last[EVENT_MAX];
	struct event_header header = { wd, mask, cookie, 0 };

	if (length)
		header.length = (uint32_t)((length + 1 + HEADER - 1) &
					   ~(uint64_t)(HEADER - 1));
	uint64_t size = HEADER + header.length;

	if (self->events >= EVENTS_MAX) {
		if (self->overflowed)
			return;
		header = (struct event_header){ -1, IN_Q_OVERFLOW, 0, 0 };
		size = HEADER;
		length = 0;
	}
	memset(event, 0, sizeof(event));
	memcpy(event, &header, HEADER);
	if (length)
		memcpy(event + HEADER, name, length);
	if (header.wd != -1 && self->last >= self->read &&
	    self->written > self->read) {
		ring_copy(ring(slot), QUEUE_BYTES, self->last, last, HEADER,
			  false);
		uint64_t last_size =
			HEADER + ((struct event_header *)last)->length;

		ring_copy(ring(slot), QUEUE_BYTES, self->last + HEADER,
			  last + HEADER, last_size - HEADER, false);
		if (last_size == size && memcmp(event, last, size) == 0)
			return;
	}
	if (!queue_back(slot, self->written, size))
		return; /* no memory: lost, as an overflow loses them */
	ring_copy(ring(slot), QUEUE_BYTES, self->written, event, size, true);
	self->last = self->written;
	self->written += size;
	self->events++;
	self->overflowed = header.wd == -1;
	sched_wake_input_waiters();
}

static void remove_watch(struct watch *watch)
{
	queue(watch->instance - 1u, watch->wd, IN_IGNORED, 0, NULL, 0);
	watch->instance = 0;
}

/* Delivers to the watches on `node` (with the name when `length`). */
static void deliver(unsigned node, const char *name, size_t length,
		    uint32_t mask, uint32_t cookie, bool unlinked)
{
	for (unsigned i = 0; i < watches_touched; i++) {
		struct watch *watch = &watches[i];

		if (!watch->instance || watch->node != node ||
		    !(watch->mask & mask & IN_ALL_EVENTS))
			continue;
		/* IN_EXCL_UNLINK: an unlinked file's events through an open
		 * descriptor are not told, to the directory's watch nor to
		 * the file's own (Linux's check of d_unlinked on the event's
		 * path, which only those events carry). */
		if (unlinked && (watch->mask & IN_EXCL_UNLINK) &&
		    !(mask & IN_NOT_THROUGH_FILE) &&
		    (mask & (IN_ACCESS | IN_MODIFY | IN_CLOSE_WRITE |
			     IN_CLOSE_NOWRITE | IN_OPEN)))
			continue;
		queue(watch->instance - 1u, watch->wd,
		      mask & ~IN_NOT_THROUGH_FILE, cookie, name, length);
		if (watch->mask & IN_ONESHOT)
			remove_watch(watch);
	}
}

void inotify_event(unsigned file, unsigned directory, const char *name,
		   size_t length, uint32_t mask, uint32_t cookie,
		   bool unlinked)
{
	if (watches_touched == 0)
		return;
	if (directory != NO_NODE)
		deliver(directory, name, length, mask, cookie, unlinked);
	if (file != NO_NODE) {
		if (mask & (IN_DELETE_SELF | IN_MOVE_SELF))
			mask &= ~IN_ISDIR;
		deliver(file, NULL, 0, mask, cookie, unlinked);
	}
}

void inotify_node_gone(unsigned node)
{
	inotify_event(node, NO_NODE, NULL, 0, IN_DELETE_SELF, 0, true);
	for (unsigned i = 0; i < watches_touched; i++)
		if (watches[i].instance && watches[i].node == node)
			remove_watch(&watches[i]);
}

long inotify_read(const struct file *file, uint64_t buffer, uint64_t length,
		  bool may_wait)
{
	unsigned slot = (unsigned)file->position;
	struct instance *self = instance_of(file);
	uint64_t done = 0;

	while (self->written > self->read) {
		struct event_header header;

		ring_copy(ring(slot), QUEUE_BYTES, self->read,
			  (uint8_t *)&header, HEADER, false);
		uint64_t size = HEADER + header.length;

		if (size > length - done)
			return done ? (long)done : -EINVAL;
		bool room = vm_user_ok(buffer + done, size, PROT_WRITE);

		if (room)
			ring_copy(ring(slot), QUEUE_BYTES, self->read,
				  (uint8_t *)(buffer + done), size, false);
		self->read += size;
		self->events--;
		if (self->written == self->read)
			self->overflowed = false;
		if (!room)
			return -EFAULT; /* the event is lost, as on Linux */
		done += size;
	}
	if (done)
		return (long)done;
	if ((file->flags & O_NONBLOCK) || !may_wait)
		return -EAGAIN;
	sched_wait_for_input(WAIT_POLL, 0);
	return SYSCALL_NO_RESULT;
}

void inotify_release(const struct file *file)
{
	unsigned slot = (unsigned)file->position;
	struct instance *self = &instances[slot];

	for (unsigned i = 0; i < watches_touched; i++)
		if (watches[i].instance == slot + 1)
			watches[i].instance = 0;
	if (self->mapped)
		wk_mem_unmap((long)ring(slot), (long)self->mapped);
	*self = (struct instance){ 0 };
}

/* An event queued wakes readers; a merged one does not. */
void inotify_wakeups(const struct file *file, uint64_t wakeups[2])
{
	wakeups[0] = instance_of(file)->written;
	wakeups[1] = 0;
}

int16_t inotify_poll(const struct file *file)
{
	const struct instance *self = instance_of(file);

	return self->written > self->read ? POLLIN | POLLRDNORM : 0;
}

uint64_t inotify_unread(const struct file *file)
{
	const struct instance *self = instance_of(file);

	return self->written - self->read;
}

long sys_inotify_init1(struct wk_regs *regs)
{
	uint64_t flags = regs->rdi;

	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	for (unsigned slot = 0; slot < INSTANCES_MAX; slot++) {
		if (instances[slot].used)
			continue;
		long fd = io_open(FILE_INOTIFY, NODE_ANONYMOUS, slot,
				  O_RDONLY | ((uint32_t)flags & O_NONBLOCK),
				  flags & O_CLOEXEC);

		if (fd >= 0)
			instances[slot] = (struct instance){ .used = true,
							     .next_wd = 1 };
		return fd;
	}
	return -EMFILE;
}

long sys_inotify_init(struct wk_regs *regs)
{
	struct wk_regs no_flags = *regs;

	no_flags.rdi = 0;
	return sys_inotify_init1(&no_flags);
}

/* The inotify description of fd: -EBADF, or -EINVAL for another kind. */
static long inotify_of(uint64_t fd, const struct file **file)
{
	*file = io_file(fd);
	if (*file == NULL || ((*file)->flags & O_PATH))
		return -EBADF;
	return (*file)->kind == FILE_INOTIFY ? 0 : -EINVAL;
}

long sys_inotify_add_watch(struct wk_regs *regs)
{
	uint32_t mask = (uint32_t)regs->rdx;
	const struct file *file;
	long status;

	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	/* Any of Linux's bits, an event's or a flag's: a watch may ask for
	 * no event, and hears only IN_IGNORED. */
	if (!(mask & IN_ALL_BITS))
		return -EINVAL;
	if ((status = inotify_of(regs->rdi, &file)) < 0)
		return status;
	long node = files_watch_target(regs->rsi,
				       !(mask & IN_DONT_FOLLOW),
				       mask & IN_ONLYDIR);

	if (node < 0)
		return node;
	uint16_t owner = (uint16_t)(file->position + 1);
	uint32_t kept = mask & (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK);
	struct watch *free = NULL;

	for (unsigned i = 0; i < WATCHES_MAX; i++) {
		struct watch *watch = &watches[i];

		if (!watch->instance) {
			if (free == NULL)
				free = watch;
			if (i >= watches_touched)
				break;
			continue;
		}
		if (watch->instance != owner || watch->node != (unsigned)node)
			continue;
		if (mask & IN_MASK_CREATE)
			return -EEXIST;
		watch->mask = mask & IN_MASK_ADD ? watch->mask | kept : kept;
		return watch->wd;
	}
	if (free == NULL)
		return -ENOSPC;
	struct instance *self = instance_of(file);

	*free = (struct watch){ owner, self->next_wd, (unsigned)node, kept };
	self->next_wd = self->next_wd == INT32_MAX ? 1 : self->next_wd + 1;
	if ((unsigned)(free - watches) >= watches_touched)
		watches_touched = (unsigned)(free - watches) + 1;
	return free->wd;
}

long sys_inotify_rm_watch(struct wk_regs *regs)
{
	const struct file *file;
	long status;

	if ((status = inotify_of(regs->rdi, &file)) < 0)
		return status;
	for (unsigned i = 0; i < watches_touched; i++)
		if (watches[i].instance == file->position + 1 &&
		    watches[i].wd == (int32_t)regs->rsi) {
			remove_watch(&watches[i]);
			return 0;
		}
	return -EINVAL;
}
