/*
 * poll, ppoll, select and pselect6 over the descriptors (linux/io.c): the
 * console is readable when a read would not wait (console_readable), the
 * devices and directories always are (their reads never wait); all are
 * always writable, none has an exceptional condition. A call that finds
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
#include "lib/string.h"
#include "libos.h"
#include "linux/clock.h"
#include "linux/io.h"
#include "linux/pipe.h"
#include "linux/signal.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"


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

static bool readable(const struct file *file, struct readiness *console)
{
	if (file->kind != FILE_CONSOLE)
		return true;
	if (!console->known) {
		console->readable = console_readable();
		console->known = true;
	}
	return console->readable;
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
	int16_t ready = 0;

	if (entry->fd < 0)
		return 0;
	const struct file *file = io_file((uint64_t)entry->fd);

	if (file == NULL)
		return POLLNVAL;
	if (file->kind == FILE_PIPE) {
		ready = pipe_poll(file);
	} else {
		if ((entry->events & (POLLIN | POLLRDNORM)) &&
		    readable(file, console))
			ready |= POLLIN | POLLRDNORM;
		ready |= POLLOUT | POLLWRNORM;
	}
	return ready & (entry->events | POLLERR | POLLHUP);
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

long sys_poll(struct wk_regs *regs)
{
	int32_t timeout_ms = (int32_t)regs->rdx;
	uint64_t deadline = 0;

	if (timeout_ms > 0)
		deadline = rdtsc() + clock_ns_to_ticks((uint64_t)timeout_ms *
						       1000000);
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
		const struct file *file = io_file(fd);

		if (file == NULL)
			return -EBADF;
		int16_t pipe = file->kind == FILE_PIPE ? pipe_poll(file) : 0;
		bool now[3] = {
			asked[0] && (file->kind == FILE_PIPE
				     ? (pipe & (POLLIN | POLLHUP | POLLERR)) != 0
				     : readable(file, console)),
			asked[1] && (file->kind != FILE_PIPE ||
				     (pipe & (POLLOUT | POLLERR)) != 0),
			false };

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
