/*
 * eventfd and eventfd2: a 64-bit counter a thread waits on. As on Linux,
 * a read of 8 bytes or more takes the whole count (EFD_SEMAPHORE: 1 of
 * it) and waits while it is 0; a write adds an 8-byte value and waits
 * while the sum would pass 2^64 - 2 (the value 2^64 - 1 is -EINVAL);
 * shorter buffers are -EINVAL; EFD_NONBLOCK turns each wait into -EAGAIN.
 * Waiting threads wait as a pipe's do (linux/pipe.c).
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/string.h"
#include "linux/eventfd.h"
#include "linux/files.h"
#include "linux/io.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"

#define EVENTFDS_MAX  256
#define EFD_SEMAPHORE 1
#define COUNT_MAX     (UINT64_MAX - 1)

static struct {
	uint64_t count;
	uint64_t writes, reads; /* each wakes the other side (wakeups) */
	bool used, semaphore;
} counters[EVENTFDS_MAX];

static long wait_or_again(const struct file *file, bool may_wait)
{
	if ((file->flags & O_NONBLOCK) || !may_wait)
		return -EAGAIN;
	sched_wait_for_object(
		epoll_object(EPOLL_OBJECT_EVENTFD, file->position), WAIT_POLL,
		0);
	return SYSCALL_NO_RESULT;
}

/* The count of file's counter changed: its waiters run their calls
 * again. */
static void changed(const struct file *file)
{
	sched_wake_for_objects(
		epoll_object(EPOLL_OBJECT_EVENTFD, file->position), 0);
}

long eventfd_read_vector(const struct file *file, const struct iovec *pieces,
			uint64_t count, bool may_wait)
{
	uint64_t *counter = &counters[file->position].count;
	uint64_t total = 0, value;

	for (uint64_t i = 0; i < count && total < sizeof(value); i++)
		total += pieces[i].length;
	if (total < sizeof(value))
		return -EINVAL;
	if (*counter == 0)
		return wait_or_again(file, may_wait);
	/* The 8 bytes go where the pieces put them, each checked first. */
	for (uint64_t i = 0, at = 0; at < sizeof(value); i++) {
		uint64_t part = sizeof(value) - at < pieces[i].length
					? sizeof(value) - at
					: pieces[i].length;

		if (part && !vm_user_ok(pieces[i].base, part, PROT_WRITE))
			return -EFAULT;
		at += part;
	}
	value = counters[file->position].semaphore ? 1 : *counter;
	for (uint64_t i = 0, at = 0; at < sizeof(value); i++) {
		uint64_t part = sizeof(value) - at < pieces[i].length
					? sizeof(value) - at
					: pieces[i].length;

		memcpy((void *)pieces[i].base, (uint8_t *)&value + at, part);
		at += part;
	}
	*counter -= value;
	counters[file->position].reads++;
	changed(file);
	return sizeof(value);
}

long eventfd_read(const struct file *file, uint64_t buffer, uint64_t length,
		  bool may_wait)
{
	struct iovec piece = { buffer, length };

	return eventfd_read_vector(file, &piece, 1, may_wait);
}

long eventfd_write(const struct file *file, uint64_t buffer,
		   uint64_t length, bool may_wait)
{
	uint64_t *count = &counters[file->position].count, value;

	if (length < sizeof(value))
		return -EINVAL;
	if (!vm_user_ok(buffer, sizeof(value), PROT_READ))
		return -EFAULT;
	memcpy(&value, (const void *)buffer, sizeof(value));
	if (value == UINT64_MAX)
		return -EINVAL;
	if (value > COUNT_MAX - *count)
		return wait_or_again(file, may_wait);
	*count += value;
	counters[file->position].writes++;
	changed(file);
	return sizeof(value);
}

void eventfd_release(const struct file *file)
{
	counters[file->position].used = false;
}

void eventfd_wakeups(const struct file *file, uint64_t wakeups[2])
{
	wakeups[0] = counters[file->position].writes;
	wakeups[1] = counters[file->position].reads;
}

int16_t eventfd_poll(const struct file *file)
{
	uint64_t count = counters[file->position].count;

	/* Linux's eventfd answers POLLIN and POLLOUT alone, never their
	 * RDNORM and WRNORM twins. */
	return (int16_t)((count ? POLLIN : 0) | (count < COUNT_MAX ? POLLOUT : 0));
}

long sys_eventfd2(struct wk_regs *regs)
{
	uint64_t flags = regs->rsi;

	if (flags & ~(uint64_t)(EFD_SEMAPHORE | O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	for (unsigned slot = 0; slot < EVENTFDS_MAX; slot++) {
		if (counters[slot].used)
			continue;
		long fd = io_open(FILE_EVENTFD, NODE_ANONYMOUS, slot,
				  O_RDWR | ((uint32_t)flags & O_NONBLOCK),
				  flags & O_CLOEXEC);

		if (fd >= 0) {
			counters[slot].count = (uint32_t)regs->rdi;
			counters[slot].used = true;
			counters[slot].semaphore = flags & EFD_SEMAPHORE;
		}
		return fd;
	}
	return -ENFILE;
}

long sys_eventfd(struct wk_regs *regs)
{
	struct wk_regs with_flags = *regs;

	with_flags.rsi = 0;
	return sys_eventfd2(&with_flags);
}
