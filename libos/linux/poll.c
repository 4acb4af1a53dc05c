/*
 * poll, ppoll, select and pselect6 over the descriptors (linux/io.c): the
 * console is readable when a read would not wait (console_readable), the
 * devices and directories always are (their reads never wait); all are
 * always writable; select's exceptional condition is POLLPRI (TCP's
 * urgent byte). A call that finds
 * nothing ready waits (WAIT_READY) for console input, its timeout or a
 * signal, then runs again inside the libOS (sched_continue) with the
 * deadline its first run computed. As on Linux, a handler ends the wait
 * with -EINTR, SA_RESTART or not; ppoll and pselect6 wait with the signal
 * mask they are given; select, ppoll and pselect6 write back the time
 * left.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "errno.h"
#include "layout.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/clock.h"
#include "linux/eventfd.h"
#include "linux/inotify.h"
#include "linux/mqueue.h"
#include "linux/files.h"
#include "linux/io.h"
#include "linux/pipe.h"
#include "linux/socket.h"
#include "linux/signalfd.h"
#include "linux/signal.h"
#include "linux/syscalls.h"
#include "linux/timers.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "wicket/native.h"


#define FD_SETSIZE 1024 /* the descriptors a select set holds */
#define POLL_FDS_MAX (1u << 20) /* Linux's default fs.nr_open */
#define NS_PER_US 1000

struct linux_pollfd {
	int32_t fd;
	int16_t events, revents;
};

struct linux_timeval {
	int64_t seconds, microseconds;
};

/* The console's readiness, found once a call. */
struct readiness {
	bool known, readable;
};

static bool epoll_ready(const struct file *file, struct readiness *console);

/* The events a description has now (POLLIN, POLLOUT, POLLHUP, POLLERR
 * and their *NORM twins): the devices' and directories' reads and writes
 * never wait. */
static int16_t file_events(const struct file *file,
			   struct readiness *console)
{
	switch (file->kind) {
	case FILE_PIPE:
		return pipe_poll(file);
	case FILE_SOCKET:
		return socket_poll(file);
	case FILE_EVENTFD:
		return eventfd_poll(file);
	case FILE_INOTIFY:
		return inotify_poll(file);
	case FILE_MQUEUE:
		return mqueue_poll(file);
	case FILE_TIMERFD:
		return timerfd_poll(file);
	case FILE_SIGNALFD:
		return signalfd_poll(file);
	case FILE_EPOLL:
		return epoll_ready(file, console) ? POLLIN | POLLRDNORM : 0;
	case FILE_CONSOLE:
		if (!console->known) {
			console->readable = console_readable();
			console->known = true;
		}
		return (console->readable ? POLLIN | POLLRDNORM : 0) |
		       POLLOUT | POLLWRNORM;
	default:
		return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
	}
}

int16_t poll_events(const struct file *file)
{
	struct readiness console = { 0 };

	return file_events(file, &console);
}

/* The description poll, select and epoll look at: fd's, but none for an
 * O_PATH one, which only names its file (Linux's fdget passes over it:
 * POLLNVAL, -EBADF). */
static struct file *polled_file(uint64_t fd)
{
	struct file *file = io_file(fd);

	return file && !(file->flags & O_PATH) ? file : NULL;
}

/* What a call that found `count` ready does: returns it, or the timeout's
 * 0, or -EINTR for a signal to handle; else waits (SYSCALL_NO_RESULT) and
 * its call runs again at the next input, poll time or deadline. */
static long ready_or_wait(long count, bool wait, uint64_t deadline)
{
	if (count || !wait || (deadline && rdtsc() >= deadline))
		return count;
	if (signal_deliverable(sched_current()))
		return -EINTR;
	sched_wait_for_input(WAIT_READY, deadline);
	return SYSCALL_NO_RESULT;
}

/* A call's end other than a wait: the signal mask back (ppoll, pselect6;
 * after -EINTR the handler's frame puts it back). */
static long finished(long result)
{
	if (result != SYSCALL_NO_RESULT && result != -EINTR)
		signal_wait_mask_end();
	return result;
}

/* The events ready on one descriptor, of those asked (POLLERR, POLLHUP
 * and POLLNVAL whether asked or not). */
static int16_t poll_one(const struct linux_pollfd *entry,
			struct readiness *console)
{
	if (entry->fd < 0)
		return 0;
	const struct file *file = polled_file((uint64_t)entry->fd);

	if (file == NULL)
		return POLLNVAL;
	return file_events(file, console) &
	       (entry->events | POLLERR | POLLHUP);
}

/* poll and ppoll, with the timeout as a deadline (0: none) or `wait`
 * false for a zero one. */
static long poll_fds(uint64_t address, uint64_t count, bool wait,
		     uint64_t deadline)
{
	struct linux_pollfd *fds = (struct linux_pollfd *)address;
	struct readiness console = { 0 };
	long ready = 0;

	/* Linux's bound, and its own: RLIMIT_NOFILE, at most nr_open. */
	if (count > process_open_files_limit() || count > POLL_FDS_MAX)
		return -EINVAL;
	if (!vm_user_ok(address, count * sizeof(*fds), PROT_READ | PROT_WRITE))
		return -EFAULT;
	for (uint64_t i = 0; i < count; i++)
		ready += poll_one(&fds[i], &console) != 0;
	long result = ready_or_wait(ready, wait, deadline);

	if (result >= 0) /* the results, once it ends */
		for (uint64_t i = 0; i < count; i++)
			fds[i].revents = poll_one(&fds[i], &console);
	return result;
}

/* poll's and epoll_wait's timeout (above 0) as a TSC deadline. */
static uint64_t milliseconds_from_now(int32_t milliseconds)
{
	return rdtsc() + clock_ns_to_ticks((uint64_t)milliseconds * 1000000);
}

long sys_poll(struct wk_regs *regs)
{
	int32_t timeout_ms = (int32_t)regs->rdx;
	uint64_t deadline = 0;

	if (timeout_ms > 0)
		deadline = milliseconds_from_now(timeout_ms);
	return poll_fds(regs->rdi, regs->rsi, timeout_ms != 0,
			sched_call_deadline(deadline));
}

/* The timeout argument of ppoll and pselect6 (a timespec, NULL for none):
 * its deadline into *deadline and whether to wait, or an error. */
static long read_timeout(uint64_t address, uint64_t *deadline, bool *wait)
{
	struct linux_timespec timeout;

	*deadline = 0;
	*wait = true;
	if (address == 0)
		return 0;
	long status = clock_read_timespec(address, &timeout);

	if (status < 0)
		return status;
	*wait = timeout.seconds || timeout.nanoseconds;
	*deadline = clock_deadline_relative(&timeout);
	return 0;
}

long sys_ppoll(struct wk_regs *regs)
{
	uint64_t deadline;
	bool wait;
	long status = read_timeout(regs->rdx, &deadline, &wait);

	if (status < 0)
		return status;
	if (regs->r10 && (status = signal_wait_mask(regs->r10, regs->r8)) < 0)
		return status;
	deadline = sched_call_deadline(deadline);
	long result = finished(poll_fds(regs->rdi, regs->rsi, wait, deadline));

	if (result != SYSCALL_NO_RESULT && regs->rdx)
		clock_write_remaining(regs->rdx, deadline);
	return result;
}

/* select's three sets, each a bit per descriptor below count, in 64-bit
 * words (NULL: none): the sets ready into `out` (when not NULL). Returns
 * how many bits are set there, or -EBADF for a closed descriptor. */
static long select_sets(uint64_t *const sets[3], uint64_t count,
			uint64_t out[3][FD_SETSIZE / 64],
			struct readiness *console)
{
	long ready = 0;

	for (uint64_t fd = 0; fd < count; fd++) {
		uint64_t bit = UINT64_C(1) << (fd % 64);
		bool asked[3];

		for (int k = 0; k < 3; k++)
			asked[k] = sets[k] && (sets[k][fd / 64] & bit);
		if (!asked[0] && !asked[1] && !asked[2])
			continue;
		const struct file *file = polled_file(fd);

		if (file == NULL)
			return -EBADF;
		int16_t events = file_events(file, console);
		bool now[3] = {
			asked[0] && (events & (POLLIN | POLLHUP | POLLERR)),
			asked[1] && (events & (POLLOUT | POLLERR)),
			asked[2] && (events & POLLPRI) };

		for (int k = 0; k < 3; k++) {
			if (now[k])
				out[k][fd / 64] |= bit;
			ready += now[k];
		}
	}
	return ready;
}

static long select_fds(uint64_t count, const uint64_t addresses[3],
		       bool wait, uint64_t deadline)
{
	uint64_t *sets[3];
	static uint64_t out[3][FD_SETSIZE / 64];
	struct readiness console = { 0 };

	if ((int32_t)count < 0)
		return -EINVAL;
	if (count > FD_SETSIZE)
		count = FD_SETSIZE;
	uint64_t bytes = (count + 63) / 64 * 8;

	for (int k = 0; k < 3; k++) {
		sets[k] = (uint64_t *)addresses[k];
		if (addresses[k] && !vm_user_ok(addresses[k], bytes,
						PROT_READ | PROT_WRITE))
			return -EFAULT;
	}
	memset(out, 0, sizeof(out));
	long ready = select_sets(sets, count, out, &console);

	if (ready < 0)
		return ready;
	long result = ready_or_wait(ready, wait, deadline);

	if (result == SYSCALL_NO_RESULT || result == -EINTR)
		return result; /* the sets stay as they were */
	for (int k = 0; k < 3; k++)
		if (sets[k])
			memcpy(sets[k], out[k], bytes);
	return result;
}

long sys_select(struct wk_regs *regs)
{
	const uint64_t sets[3] = { regs->rsi, regs->rdx, regs->r10 };
	uint64_t address = regs->r8, deadline = 0;
	bool wait = true;

	if (address) {
		struct linux_timeval timeout;

		if (!vm_user_ok(address, sizeof(timeout), PROT_READ))
			return -EFAULT;
		memcpy(&timeout, (const void *)address, sizeof(timeout));
		if (timeout.seconds < 0 || timeout.microseconds < 0 ||
		    timeout.microseconds >= 1000000)
			return -EINVAL;
		struct linux_timespec as_timespec = {
			timeout.seconds, timeout.microseconds * NS_PER_US };

		wait = timeout.seconds || timeout.microseconds;
		deadline = clock_deadline_relative(&as_timespec);
	}
	deadline = sched_call_deadline(deadline);
	long result = select_fds(regs->rdi, sets, wait, deadline);

	if (result != SYSCALL_NO_RESULT && address) {
		uint64_t now = rdtsc();
		uint64_t left_us = deadline > now
			? clock_ticks_to_ns(deadline - now) / NS_PER_US : 0;
		struct linux_timeval left = { (int64_t)(left_us / 1000000),
					      (int64_t)(left_us % 1000000) };

		if (vm_user_ok(address, sizeof(left), PROT_WRITE))
			memcpy((void *)address, &left, sizeof(left));
	}
	return result;
}

long sys_pselect6(struct wk_regs *regs)
{
	const uint64_t sets[3] = { regs->rsi, regs->rdx, regs->r10 };
	uint64_t deadline, mask[2] = { 0, 0 };
	bool wait;
	long status = read_timeout(regs->r8, &deadline, &wait);

	if (status < 0)
		return status;
	/* The sixth argument points at { const sigset_t *, size_t }. */
	if (regs->r9) {
		if (!vm_user_ok(regs->r9, sizeof(mask), PROT_READ))
			return -EFAULT;
		memcpy(mask, (const void *)regs->r9, sizeof(mask));
	}
	if (mask[0] && (status = signal_wait_mask(mask[0], mask[1])) < 0)
		return status;
	deadline = sched_call_deadline(deadline);
	long result = finished(select_fds(regs->rdi, sets, wait, deadline));

	if (result != SYSCALL_NO_RESULT && regs->r8)
		clock_write_remaining(regs->r8, deadline);
	return result;
}

/*
 * epoll: an instance is a description (FILE_EPOLL, its slot in
 * `position`) holding up to EPOLL_ENTRIES_MAX interests (-ENOSPC
 * beyond, as past Linux's max_user_watches), kept in the instance's own
 * window of LIBOS_EPOLL_INTERESTS, whose pages are mapped as the count
 * grows and unmapped when the instance goes. Each interest is a
 * descriptor number and its description, the events asked and the data
 * to hand back. The console, pipes and eventfds can be watched; the
 * devices and directories cannot (-EPERM, as Linux has them without a
 * poll). Another instance can: it reads as ready when a wait on it would
 * report something, and a chain of them is refused (-ELOOP) where Linux
 * refuses it, as a loop or deeper than EPOLL_NESTS_MAX. An interest goes when
 * its description does (the last descriptor closed), as on Linux.
 *
 * A wait looks at the interests in its instance's queue only, as Linux
 * looks at its ready list: an interest is queued when it is added or
 * modified, when a change names its object (a pipe, an eventfd or a
 * socket end: epoll_note_objects, from the reads and writes), and, all of
 * them, after a change that names none (epoll_note_change: opens,
 * closes, shutdowns, the network's and the timers' changes). A wait
 * takes the ones with nothing to report off the queue and moves the ones
 * it reports to its end, so that a level-triggered interest is looked at
 * again by the next wait and a small maxevents starves none. Interests in
 * other objects (the console, timerfds, signalfds, inotify, message
 * queues) stay queued: their readiness can also change with no change
 * told, as time passes. The invariant: an interest off the queue had
 * nothing to report when last looked at, and no change since could have
 * raised an event of its file.
 *
 * epoll_wait reports level-triggered by default. An EPOLLET interest
 * reports what is present once something woke it since its last report,
 * as Linux queues one at each wakeup of its file: an event it asks for
 * rose (its `armed` events are those it has not reported since they were
 * last seen absent, at an epoll_wait or at any change of a pipe, socket,
 * eventfd, timerfd, signalfd or the console: arm_edges), or its
 * file counted an arrival (for POLLIN) or a departure that made room (for
 * POLLOUT) where Linux wakes at each (pipe_wakeups and its kin): more
 * bytes coming while some are unread, an AF_UNIX peer's reads.
 * EPOLLONESHOT disables an interest once reported, until EPOLL_CTL_MOD.
 * A wait that finds nothing waits as poll does.
 */
#define EPOLLS_MAX        256
#define EPOLL_ENTRIES_MAX 65536
#define EPOLL_CTL_ADD     1
#define EPOLL_CTL_DEL     2
#define EPOLL_CTL_MOD     3
#define EPOLLEXCLUSIVE    (1u << 28)
#define EPOLLWAKEUP       (1u << 29)
#define EPOLLONESHOT      (1u << 30)
#define EPOLLET           (1u << 31)
#define EPOLL_CLOEXEC     O_CLOEXEC
/* The events EPOLLEXCLUSIVE goes with (Linux's EPOLLEXCLUSIVE_OK_BITS). */
#define EPOLLEXCLUSIVE_BITS \
	(POLLIN | POLLOUT | POLLERR | POLLHUP | EPOLLWAKEUP | EPOLLET | \
	 EPOLLEXCLUSIVE)

/* Linux's struct epoll_event on x86-64: packed, 12 bytes. */
struct epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct epoll_interest {
	struct file *file;
	uint64_t data;
	uint64_t wakeups[2]; /* EPOLLET: its file's, when last looked at */
	int32_t fd;
	uint32_t events;
	uint32_t armed; /* EPOLLET: the events it may report (above) */
	bool disabled;  /* EPOLLONESHOT, reported */
	bool queued;
	/* Links, 0 for none: the other interests of its watch bucket (by
	 * interest_ref), and its neighbours in the queue (index + 1). */
	uint32_t watch_prev, watch_next;
	uint32_t queue_prev, queue_next;
};

_Static_assert(sizeof(struct epoll_interest) == 64,
	       "EPOLLS_MAX windows of EPOLL_ENTRIES_MAX fit the libOS area");

#define EPOLL_WINDOW \
	((EPOLL_ENTRIES_MAX * sizeof(struct epoll_interest) + PAGE_SIZE - 1) & \
	 ~(uint64_t)(PAGE_SIZE - 1))
_Static_assert(LIBOS_EPOLL_INTERESTS + EPOLLS_MAX * EPOLL_WINDOW <=
		       LIBOS_INOTIFY_QUEUES,
	       "the epoll windows end below the next libOS area");

static struct epoll {
	bool used;
	uint32_t count;       /* interests */
	uint32_t edges;       /* its EPOLLET interests: none, none to arm */
	uint32_t queue_head, queue_tail; /* index + 1, 0 for none */
	uint32_t changes_seen; /* any_changes when it last queued all */
	uint64_t mapped;      /* bytes of its window mapped */
	struct epoll_interest *interests; /* its window */
} epolls[EPOLLS_MAX];
/* Past the highest slot ever used (slots are taken lowest first), and
 * the EPOLLET interests of every instance: the scans after a change
 * stop at the one and do not start without the other. */
static unsigned slots_end;
static uint32_t edges_everywhere;
/* Counts the changes that named no object. */
static uint32_t any_changes;

/* The interests whose objects hash alike, of every instance, each chain
 * linked through interest_ref. */
#define WATCH_BUCKETS 4096
static uint32_t watch_buckets[WATCH_BUCKETS];
static uint32_t watching; /* interests in them: none, no bucket to look at */

_Static_assert(EPOLLS_MAX <= 256 && EPOLL_ENTRIES_MAX <= 65536,
	       "interest_ref: an instance's slot and an index in 24 bits");

static uint32_t interest_ref(const struct epoll *epoll, uint32_t index)
{
	return ((uint32_t)(epoll - epolls) << 16 | index) + 1;
}

static struct epoll_interest *interest_at(uint32_t ref)
{
	return &epolls[(ref - 1) >> 16].interests[(ref - 1) & 0xffff];
}

/* The object whose changes are told by name for this description, 0
 * for a kind whose changes never are. A pipe's and an eventfd's
 * position holds its slot, a socket's its end: each as long as the
 * description lives. */
static uint32_t object_of(const struct file *file)
{
	switch (file->kind) {
	case FILE_PIPE:
		return epoll_object(EPOLL_OBJECT_PIPE, (uint32_t)file->position);
	case FILE_EVENTFD:
		return epoll_object(EPOLL_OBJECT_EVENTFD, file->position);
	case FILE_SOCKET:
		return epoll_object(EPOLL_OBJECT_SOCKET, file->position);
	default:
		return 0;
	}
}

static uint32_t *watch_bucket(uint32_t object)
{
	return &watch_buckets[(object * UINT32_C(2654435761)) >> 20];
}

static void queue_push(struct epoll *epoll, uint32_t index)
{
	struct epoll_interest *interest = &epoll->interests[index];

	if (interest->queued)
		return;
	interest->queued = true;
	interest->queue_next = 0;
	interest->queue_prev = epoll->queue_tail;
	if (epoll->queue_tail)
		epoll->interests[epoll->queue_tail - 1].queue_next = index + 1;
	else
		epoll->queue_head = index + 1;
	epoll->queue_tail = index + 1;
}

static void queue_remove(struct epoll *epoll, uint32_t index)
{
	struct epoll_interest *interest = &epoll->interests[index];
	uint32_t prev = interest->queue_prev, next = interest->queue_next;

	if (!interest->queued)
		return;
	interest->queued = false;
	if (prev)
		epoll->interests[prev - 1].queue_next = next;
	else
		epoll->queue_head = next;
	if (next)
		epoll->interests[next - 1].queue_prev = prev;
	else
		epoll->queue_tail = prev;
}

/* Interest `index`, its fields set, into its watch bucket and, when
 * `queued`, the queue's end. */
static void attach(struct epoll *epoll, uint32_t index, bool queued)
{
	struct epoll_interest *interest = &epoll->interests[index];
	uint32_t object = object_of(interest->file);
	uint32_t ref = interest_ref(epoll, index);

	interest->queued = false;
	interest->watch_prev = interest->watch_next = 0;
	if (object) {
		uint32_t *head = watch_bucket(object);

		interest->watch_next = *head;
		if (*head)
			interest_at(*head)->watch_prev = ref;
		*head = ref;
		watching++;
	}
	if (queued)
		queue_push(epoll, index);
}

/* The reverse of attach. */
static void detach(struct epoll *epoll, uint32_t index)
{
	struct epoll_interest *interest = &epoll->interests[index];
	uint32_t object = object_of(interest->file);
	uint32_t prev = interest->watch_prev, next = interest->watch_next;

	queue_remove(epoll, index);
	if (!object)
		return;
	if (prev)
		interest_at(prev)->watch_next = next;
	else
		*watch_bucket(object) = next;
	if (next)
		interest_at(next)->watch_prev = prev;
	watching--;
}

static void count_edges(struct epoll *epoll, int32_t change)
{
	epoll->edges += (uint32_t)change;
	edges_everywhere += (uint32_t)change;
}

static struct epoll *instance(const struct file *file)
{
	return &epolls[file->position];
}

/* Room for one more interest: false when no page is left. */
static bool room_for_one_more(struct epoll *epoll)
{
	uint64_t needed = (epoll->count + 1) * sizeof(struct epoll_interest);

	if (needed <= epoll->mapped)
		return true;
	if (wk_mem_map((long)epoll->interests + (long)epoll->mapped,
		       PAGE_SIZE, WK_PROT_READ | WK_PROT_WRITE) < 0)
		return false;
	epoll->mapped += PAGE_SIZE;
	return true;
}

static long create(uint64_t flags)
{
	if (flags & ~(uint64_t)EPOLL_CLOEXEC)
		return -EINVAL;
	for (unsigned slot = 0; slot < EPOLLS_MAX; slot++) {
		if (epolls[slot].used)
			continue;
		long fd = io_open(FILE_EPOLL, NODE_ANONYMOUS, slot, O_RDWR,
				  flags & EPOLL_CLOEXEC);

		if (fd >= 0 && slot >= slots_end)
			slots_end = slot + 1;
		if (fd >= 0)
			epolls[slot] = (struct epoll){
				.used = true,
				.changes_seen = any_changes,
				.interests = (struct epoll_interest
						      *)(LIBOS_EPOLL_INTERESTS +
							 slot * EPOLL_WINDOW),
			};
		return fd;
	}
	return -EMFILE;
}

long sys_epoll_create(struct wk_regs *regs)
{
	return (int32_t)regs->rdi <= 0 ? -EINVAL : create(0);
}

long sys_epoll_create1(struct wk_regs *regs)
{
	return create(regs->rdi);
}

void epoll_release(const struct file *file)
{
	struct epoll *epoll = instance(file);

	for (uint32_t i = 0; i < epoll->count; i++) {
		detach(epoll, i);
		epoll->interests[i].file->watched--;
	}
	if (epoll->mapped)
		wk_mem_unmap((long)epoll->interests, (long)epoll->mapped);
	count_edges(epoll, -(int32_t)epoll->edges);
	epoll->mapped = 0;
	epoll->used = false;
}

/* Interest `index` goes; the last takes its place. */
static void forget(struct epoll *epoll, uint32_t index)
{
	uint32_t last = epoll->count - 1;

	detach(epoll, index);
	epoll->interests[index].file->watched--;
	if (epoll->interests[index].events & EPOLLET)
		count_edges(epoll, -1);
	if (index != last) {
		bool queued = epoll->interests[last].queued;

		detach(epoll, last);
		epoll->interests[index] = epoll->interests[last];
		attach(epoll, index, queued);
	}
	epoll->count = last;
}

/* (Most descriptions no instance watches: a close then looks at none.) */
const struct file *epoll_target(uint64_t epfd, uint32_t fd, uint32_t offset)
{
	const struct file *file = io_file(epfd);

	if (file == NULL || file->kind != FILE_EPOLL)
		return NULL;
	const struct epoll *epoll = instance(file);

	for (uint32_t i = 0; i < epoll->count; i++)
		if (epoll->interests[i].fd == (int32_t)fd && offset-- == 0)
			return epoll->interests[i].file;
	return NULL;
}

/* The index of epoll's interest in (file, fd), or its count for none:
 * a description with an object has its interests in that object's
 * bucket, so the search does not grow with the instance. */
static uint32_t find_interest(const struct epoll *epoll,
			      const struct file *file, int32_t fd)
{
	uint32_t object = object_of(file);
	uint32_t slot = (uint32_t)(epoll - epolls);

	/* A description no instance watches is in none: no search. */
	if (!file->watched)
		return epoll->count;
	if (object) {
		for (uint32_t ref = *watch_bucket(object); ref;
		     ref = interest_at(ref)->watch_next)
			if ((ref - 1) >> 16 == slot &&
			    interest_at(ref)->file == file &&
			    interest_at(ref)->fd == fd)
				return (ref - 1) & 0xffff;
		return epoll->count;
	}
	uint32_t index = 0;

	while (index < epoll->count &&
	       (epoll->interests[index].file != file ||
		epoll->interests[index].fd != fd))
		index++;
	return index;
}

void epoll_forget(const struct file *file)
{
	uint32_t object = object_of(file);

	/* Each forget moves another interest: the bucket from its start. */
	for (uint32_t ref = object && file->watched ? *watch_bucket(object)
						     : 0;
	     ref;) {
		if (interest_at(ref)->file != file) {
			ref = interest_at(ref)->watch_next;
			continue;
		}
		forget(&epolls[(ref - 1) >> 16], (ref - 1) & 0xffff);
		ref = file->watched ? *watch_bucket(object) : 0;
	}
	for (unsigned slot = 0; slot < slots_end && file->watched; slot++)
		for (uint32_t i = 0; epolls[slot].used && i < epolls[slot].count;)
			if (epolls[slot].interests[i].file == file)
				forget(&epolls[slot], i);
			else
				i++;
}

/* Linux's EP_MAX_NESTS: the instances a wakeup may pass through below
 * the outermost. */
#define EPOLL_NESTS_MAX 4
#define EPOLL_LOOP      (EPOLL_NESTS_MAX + 1)

/* How many instances deep `epoll` watches others (0: none), or
 * EPOLL_LOOP when `into` is among them. The graph has no loop: each
 * insertion is checked by too_deep. */
static unsigned depth_below(const struct epoll *epoll, const struct epoll *into)
{
	unsigned deepest = 0;

	for (uint32_t i = 0; i < epoll->count && deepest < EPOLL_LOOP; i++) {
		const struct file *file = epoll->interests[i].file;

		if (file->kind != FILE_EPOLL)
			continue;
		const struct epoll *inner = instance(file);
		unsigned depth = inner == into ? EPOLL_LOOP
					       : 1 + depth_below(inner, into);

		if (depth > deepest)
			deepest = depth;
	}
	return deepest;
}

/* How many instances watch `epoll`, one in the next, at most. */
static unsigned depth_above(const struct epoll *epoll, unsigned so_far)
{
	unsigned deepest = 0;

	for (unsigned slot = 0; slot < slots_end && so_far <= EPOLL_NESTS_MAX;
	     slot++)
		for (uint32_t i = 0; epolls[slot].used && i < epolls[slot].count;
		     i++) {
			const struct file *file = epolls[slot].interests[i].file;

			if (file->kind == FILE_EPOLL && instance(file) == epoll) {
				unsigned depth =
					1 + depth_above(&epolls[slot], so_far + 1);

				if (depth > deepest)
					deepest = depth;
			}
		}
	return deepest;
}

/* Whether watching `inner` from `outer` would make a loop, or a chain
 * longer than Linux's (ep_loop_check): -ELOOP. */
static bool too_deep(const struct epoll *outer, const struct epoll *inner)
{
	unsigned below = depth_below(inner, outer);

	return below > EPOLL_NESTS_MAX ||
	       below + 1 + depth_above(outer, 0) > EPOLL_NESTS_MAX;
}

long sys_epoll_ctl(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);
	struct file *target = polled_file(regs->rdx);
	uint32_t op = (uint32_t)regs->rsi;
	struct epoll_event event = { 0 };

	/* Linux's order: the event read first, then the descriptors, a
	 * target without a poll, the instance, EPOLLEXCLUSIVE, a loop. */
	if (op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD) {
		if (!vm_user_ok(regs->r10, sizeof(event), PROT_READ))
			return -EFAULT;
		memcpy(&event, (const void *)regs->r10, sizeof(event));
	}
	if (file == NULL || target == NULL)
		return -EBADF;
	if (target->kind != FILE_CONSOLE && target->kind != FILE_PIPE &&
	    target->kind != FILE_EVENTFD && target->kind != FILE_TIMERFD &&
	    target->kind != FILE_SIGNALFD && target->kind != FILE_SOCKET &&
	    target->kind != FILE_INOTIFY && target->kind != FILE_MQUEUE &&
	    target->kind != FILE_EPOLL)
		return -EPERM;
	if (file->kind != FILE_EPOLL || file == target)
		return -EINVAL;
	if ((event.events & EPOLLEXCLUSIVE) &&
	    (op == EPOLL_CTL_MOD ||
	     (op == EPOLL_CTL_ADD &&
	      (target->kind == FILE_EPOLL ||
	       (event.events & ~EPOLLEXCLUSIVE_BITS)))))
		return -EINVAL;
	if (op == EPOLL_CTL_ADD && target->kind == FILE_EPOLL &&
	    too_deep(instance(file), instance(target)))
		return -ELOOP;
	struct epoll *epoll = instance(file);
	uint32_t index = find_interest(epoll, target, (int32_t)regs->rdx);
	bool found = index < epoll->count;

	switch (op) {
	case EPOLL_CTL_ADD:
		if (found)
			return -EEXIST;
		if (epoll->count == EPOLL_ENTRIES_MAX)
			return -ENOSPC;
		if (!room_for_one_more(epoll))
			return -ENOMEM;
		epoll->count++;
		target->watched++;
		break;
	case EPOLL_CTL_MOD:
		if (!found)
			return -ENOENT;
		if (epoll->interests[index].events & EPOLLET)
			count_edges(epoll, -1);
		detach(epoll, index);
		break;
	case EPOLL_CTL_DEL:
		if (!found)
			return -ENOENT;
		forget(epoll, index);
		return 0;
	default:
		return -EINVAL;
	}
	epoll->interests[index] = (struct epoll_interest){
		.file = target,
		.data = event.data,
		.fd = (int32_t)regs->rdx,
		.events = event.events,
		.armed = UINT32_MAX,
	};
	attach(epoll, index, true); /* to be looked at by the next wait */
	if (event.events & EPOLLET)
		count_edges(epoll, 1);
	return 0;
}

void poll_wakeups(const struct file *file, uint64_t wakeups[2],
		  bool state_changes)
{
	wakeups[0] = wakeups[1] = 0;
	if (file->kind == FILE_PIPE)
		pipe_wakeups(file, wakeups);
	else if (file->kind == FILE_SOCKET)
		socket_wakeups(file, wakeups, state_changes);
	else if (file->kind == FILE_EVENTFD)
		eventfd_wakeups(file, wakeups);
	else if (file->kind == FILE_INOTIFY)
		inotify_wakeups(file, wakeups);
	else if (file->kind == FILE_MQUEUE)
		mqueue_wakeups(file, wakeups);
	else if (file->kind == FILE_CONSOLE)
		wakeups[0] = console_arrivals();
}

/* The events an interest would report now, of those it asks for: none
 * for an EPOLLET one unless one of them is armed. Events absent now arm
 * an EPOLLET interest again. */
static uint32_t interest_events(struct epoll_interest *interest,
				struct readiness *console)
{
	uint32_t events = (uint32_t)(uint16_t)file_events(interest->file,
							  console) &
			  (interest->events | POLLERR | POLLHUP);

	if (interest->disabled)
		return 0;
	if (!(interest->events & EPOLLET))
		return events;
	uint64_t wakeups[2];

	poll_wakeups(interest->file, wakeups, true);
	/* A wakeup queues the interests that ask for its event (Linux's
	 * ep_poll_callback), to report whatever is present. */
	if ((wakeups[0] != interest->wakeups[0] &&
	     (interest->events & (POLLIN | POLLRDNORM))) ||
	    (wakeups[1] != interest->wakeups[1] &&
	     (interest->events & (POLLOUT | POLLWRNORM))))
		interest->armed = UINT32_MAX;
	interest->wakeups[0] = wakeups[0];
	interest->wakeups[1] = wakeups[1];
	interest->armed |= ~events;
	return events & interest->armed ? events : 0;
}

/* Every interest queued again after a change that named no object. */
static void catch_up(struct epoll *epoll)
{
	if (epoll->changes_seen == any_changes)
		return;
	epoll->changes_seen = any_changes;
	for (uint32_t i = 0; i < epoll->count; i++)
		queue_push(epoll, i);
}

/* Queued interest `index` has nothing to report now: off the queue,
 * unless its object's changes go untold. */
static void found_idle(struct epoll *epoll, uint32_t index)
{
	if (object_of(epoll->interests[index].file))
		queue_remove(epoll, index);
}

/* Whether an epoll instance would report something now: what poll and
 * select see of its descriptor. */
static bool epoll_ready(const struct file *file, struct readiness *console)
{
	struct epoll *epoll = instance(file);

	catch_up(epoll);
	for (uint32_t at = epoll->queue_head; at;) {
		uint32_t next = epoll->interests[at - 1].queue_next;

		if (interest_events(&epoll->interests[at - 1], console))
			return true;
		found_idle(epoll, at - 1);
		at = next;
	}
	return false;
}

/* An EPOLLET interest looks at its file after a change that may concern
 * it. (One armed for every event it may report has nothing to learn:
 * the idle ones cost no look at their files.) */
static void arm_edge(struct epoll_interest *interest,
		     struct readiness *console)
{
	uint32_t reportable = interest->events | POLLERR | POLLHUP;

	if ((interest->events & EPOLLET) &&
	    (interest->armed & reportable) != reportable)
		interest_events(interest, console);
}

static void arm_edges(void)
{
	struct readiness console = { 0 };

	for (unsigned slot = 0; slot < slots_end; slot++)
		for (uint32_t i = 0; epolls[slot].used && epolls[slot].edges &&
				     i < epolls[slot].count;
		     i++)
			arm_edge(&epolls[slot].interests[i], &console);
}

void epoll_note_change(void)
{
	any_changes++;
	if (edges_everywhere)
		arm_edges();
}

/* The interests in `object` onto their queues; the EPOLLET ones among
 * them look at their files, as arm_edges has every one look after a
 * change that names no object. */
static void note_object(uint32_t object, struct readiness *console)
{
	if (!object)
		return;
	for (uint32_t ref = *watch_bucket(object); ref;) {
		struct epoll_interest *interest = interest_at(ref);
		uint32_t next = interest->watch_next;

		if (object_of(interest->file) == object) {
			queue_push(&epolls[(ref - 1) >> 16],
				   (ref - 1) & 0xffff);
			arm_edge(interest, console);
		}
		ref = next;
	}
}

static __attribute__((noinline)) void note_objects(uint32_t object,
						    uint32_t other)
{
	struct readiness console = { 0 };

	note_object(object, &console);
	note_object(other, &console);
}

/* (Only the interests in the two objects can see their events change:
 * a description's readiness is its object's, and a socket's is its
 * peer's too, which the sockets name as the other.) */
void epoll_note_objects(uint32_t object, uint32_t other)
{
	if (watching)
		note_objects(object, other);
}

static long epoll_wait_for(const struct wk_regs *regs, bool wait,
			   uint64_t deadline)
{
	const struct file *file = io_file(regs->rdi);
	int64_t most = (int32_t)regs->rdx;
	struct readiness console = { 0 };
	long count = 0;

	if (file == NULL)
		return -EBADF;
	if (file->kind != FILE_EPOLL || most <= 0 ||
	    most > INT32_MAX / (int64_t)sizeof(struct epoll_event))
		return -EINVAL;
	if (!vm_user_ok(regs->rsi, (uint64_t)most * sizeof(struct epoll_event),
			PROT_WRITE))
		return -EFAULT;
	struct epoll *epoll = instance(file);
	struct epoll_event *out = (struct epoll_event *)regs->rsi;

	catch_up(epoll);
	/* Each queued once: a reported one goes to the end, after `last`. */
	for (uint32_t at = epoll->queue_head, last = epoll->queue_tail;
	     at && count < most;) {
		uint32_t index = at - 1, next = epoll->interests[index].queue_next;
		struct epoll_interest *interest = &epoll->interests[index];
		uint32_t events = interest_events(interest, &console);

		if (events == 0) {
			found_idle(epoll, index);
		} else {
			out[count++] = (struct epoll_event){ events,
							     interest->data };
			if (interest->events & EPOLLONESHOT)
				interest->disabled = true;
			interest->armed &= ~events;
			queue_remove(epoll, index);
			queue_push(epoll, index);
		}
		if (at == last)
			break;
		at = next;
	}
	return ready_or_wait(count, wait, deadline);
}

long sys_epoll_wait(struct wk_regs *regs)
{
	int32_t timeout_ms = (int32_t)regs->r10;
	uint64_t deadline = 0;

	if (timeout_ms > 0)
		deadline = milliseconds_from_now(timeout_ms);
	return epoll_wait_for(regs, timeout_ms != 0,
			      sched_call_deadline(deadline));
}

/* epoll_pwait: epoll_wait under the signal mask it is given. */
long sys_epoll_pwait(struct wk_regs *regs)
{
	long status;

	if (regs->r8 && (status = signal_wait_mask(regs->r8, regs->r9)) < 0)
		return status;
	return finished(sys_epoll_wait(regs));
}

/* epoll_pwait2: the timeout a timespec (NULL: none). */
long sys_epoll_pwait2(struct wk_regs *regs)
{
	uint64_t deadline;
	bool wait;
	long status = read_timeout(regs->r10, &deadline, &wait);

	if (status < 0)
		return status;
	if (regs->r8 && (status = signal_wait_mask(regs->r8, regs->r9)) < 0)
		return status;
	return finished(epoll_wait_for(regs, wait,
				       sched_call_deadline(deadline)));
}
