/*
 * Pipes: pipe and pipe2, for the threads of the one process (a signal
 * handler's self-pipe, a producer and a consumer). Each pipe is a ring of
 * PIPE_CAPACITY bytes in a slot of the libOS's memory (layout.h), mapped
 * the first time the slot is used and kept for the next pipe there.
 *
 * As on Linux: a read returns what is there (up to what was asked), waits
 * while the pipe is empty and has a writer, and returns 0 (end of file)
 * once no writer is left; a write of up to PIPE_BUF bytes is atomic (it
 * waits until all of it fits), a longer one goes in as space comes and
 * returns once all of it is in; a write with no reader left raises
 * SIGPIPE and fails with -EPIPE; O_NONBLOCK turns each wait into -EAGAIN
 * (a longer write then returns what fitted). A waiting thread waits as a
 * console reader does (sched_wait_for_input): each read, write and last
 * close of an end wakes every such thread, whose call runs again. A
 * waiting write that part of went in returns that part's count when a
 * signal's handler or the last reader's going ends it (thread.h,
 * call_done). F_SETPIPE_SZ can make a pipe hold less than its ring.
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "layout.h"
#include "lib/ring.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/files.h"
#include "linux/io.h"
#include "linux/pipe.h"
#include "linux/signal.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "wicket/native.h"

#define PIPES_MAX 256
#define PIPE_BUF  4096 /* the atomic write */
#define SIGPIPE   13
#define SI_USER   0

struct pipe {
	uint64_t written, read; /* byte counts: the ring holds the difference */
	uint32_t readers, writers; /* descriptions of each end */
	uint32_t capacity;      /* at most PIPE_CAPACITY */
	bool mapped;
};

static struct pipe pipes[PIPES_MAX];

static uint8_t *ring(unsigned slot)
{
	return (uint8_t *)(LIBOS_PIPE_BUFFERS + (uint64_t)slot * PIPE_CAPACITY);
}

static struct pipe *pipe_of(const struct file *file)
{
	return &pipes[file->position];
}

uint64_t pipe_unread(const struct file *file)
{
	const struct pipe *pipe = pipe_of(file);

	return pipe->written - pipe->read;
}

/* The pipe changed: every thread waiting for one (or for console input)
 * runs its call again. */
static void changed(void)
{
	sched_wake_input_waiters();
}

static long wait_or_again(const struct file *file, bool may_wait)
{
	if ((file->flags & O_NONBLOCK) || !may_wait)
		return -EAGAIN;
	sched_wait_for_input(WAIT_POLL, 0);
	return SYSCALL_NO_RESULT;
}

long pipe_read(const struct file *file, uint64_t buffer, uint64_t length,
	       bool may_wait)
{
	struct pipe *pipe = pipe_of(file);
	uint64_t count = pipe->written - pipe->read;

	if (length == 0)
		return 0;
	if (count == 0)
		return pipe->writers ? wait_or_again(file, may_wait) : 0;
	if (count > length)
		count = length;
	if (!vm_user_ok(buffer, count, PROT_WRITE))
		return -EFAULT;
	ring_copy(ring((unsigned)file->position), PIPE_CAPACITY, pipe->read,
		  (uint8_t *)buffer, count, false);
	pipe->read += count;
	changed();
	return (long)count;
}

long pipe_write(const struct file *file, uint64_t buffer, uint64_t length,
		bool may_wait)
{
	struct pipe *pipe = pipe_of(file);
	struct thread *self = sched_current();
	uint64_t done = self->call_again && may_wait ? self->call_done : 0;

	self->call_done = 0;
	if (length == 0)
		return 0;
	if (pipe->readers == 0) {
		struct signal_info info = { .code = SI_USER,
					    .sender = LINUX_PID };

		signal_send_thread(self, SIGPIPE, &info);
		return done ? (long)done : -EPIPE;
	}
	if (!vm_user_ok(buffer, length, PROT_READ))
		return -EFAULT;
	uint64_t space = pipe->capacity - (pipe->written - pipe->read);
	uint64_t count = length - done;

	if (count > space)
		count = length <= PIPE_BUF ? 0 : space;
	ring_copy(ring((unsigned)file->position), PIPE_CAPACITY, pipe->written,
		  (uint8_t *)(buffer + done), count, true);
	pipe->written += count;
	done += count;
	if (count)
		changed();
	if (done == length)
		return (long)length;
	if ((file->flags & O_NONBLOCK || !may_wait) && done)
		return (long)done;
	self->call_done = done;
	return wait_or_again(file, may_wait);
}

void pipe_release(const struct file *file)
{
	struct pipe *pipe = pipe_of(file);

	if ((file->flags & O_ACCMODE) == O_RDONLY)
		pipe->readers--;
	else
		pipe->writers--;
	changed();
}

int16_t pipe_poll(const struct file *file)
{
	const struct pipe *pipe = pipe_of(file);
	uint64_t unread = pipe->written - pipe->read;

	if ((file->flags & O_ACCMODE) == O_RDONLY)
		return (int16_t)((unread ? POLLIN | POLLRDNORM : 0) |
				 (pipe->writers ? 0 : POLLHUP));
	return (int16_t)((pipe->capacity - unread >= PIPE_BUF
				  ? POLLOUT | POLLWRNORM : 0) |
			 (pipe->readers ? 0 : POLLERR));
}

long pipe_size(const struct file *file, bool set, uint64_t size)
{
	struct pipe *pipe = pipe_of(file);
	uint64_t rounded = PIPE_BUF;

	if (!set)
		return pipe->capacity;
	if (size > UINT64_C(1) << 31)
		return -EINVAL;
	while (rounded < size)
		rounded <<= 1;
	if (rounded > PIPE_CAPACITY)
		return -EPERM;
	if (rounded < pipe->written - pipe->read)
		return -EBUSY;
	pipe->capacity = (uint32_t)rounded;
	changed();
	return (long)rounded;
}

/* A free slot, its ring mapped; -ENFILE when none is left, -ENOMEM when
 * its ring cannot be mapped. */
static long take_slot(void)
{
	for (unsigned slot = 0; slot < PIPES_MAX; slot++) {
		struct pipe *pipe = &pipes[slot];

		if (pipe->readers || pipe->writers)
			continue;
		if (!pipe->mapped) {
			if (wk_mem_map((long)ring(slot), PIPE_CAPACITY,
				       WK_PROT_READ | WK_PROT_WRITE) < 0)
				return -ENOMEM;
			pipe->mapped = true;
		}
		*pipe = (struct pipe){ .readers = 1, .writers = 1,
				       .capacity = PIPE_CAPACITY,
				       .mapped = true };
		return slot;
	}
	return -ENFILE;
}

long sys_pipe2(struct wk_regs *regs)
{
	uint64_t flags = regs->rsi;
	int32_t fds[2];

	/* O_DIRECT (packet mode) is not there. */
	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (!vm_user_ok(regs->rdi, sizeof(fds), PROT_WRITE))
		return -EFAULT;
	long slot = take_slot();

	if (slot < 0)
		return slot;
	uint32_t status = (uint32_t)flags & O_NONBLOCK;
	long reader = io_open(FILE_PIPE, NODE_PIPE, (uint64_t)slot,
			      O_RDONLY | status, flags & O_CLOEXEC);
	long writer = reader < 0 ? reader
				 : io_open(FILE_PIPE, NODE_PIPE, (uint64_t)slot,
					   O_WRONLY | status, flags & O_CLOEXEC);

	if (writer < 0) {
		if (reader >= 0)
			io_close((uint64_t)reader);
		pipes[slot].readers = pipes[slot].writers = 0;
		return writer;
	}
	fds[0] = (int32_t)reader;
	fds[1] = (int32_t)writer;
	memcpy((void *)regs->rdi, fds, sizeof(fds));
	return 0;
}

long sys_pipe(struct wk_regs *regs)
{
	struct wk_regs with_flags = *regs;

	with_flags.rsi = 0;
	return sys_pipe2(&with_flags);
}
