/*
 * Pipes: pipe and pipe2, for the threads of the one process (a signal
 * handler's self-pipe, a producer and a consumer). Each pipe is a ring of
 * PIPE_CAPACITY bytes in a slot of the libOS's memory (layout.h), its
 * pages mapped as bytes first reach them and unmapped when the pipe goes,
 * but for the first RINGS_KEPT slots', which the next pipes there use.
 *
 * As on Linux: a read returns what is there (up to what was asked), waits
 * while the pipe is empty and has a writer, and returns 0 (end of file)
 * once no writer is left; a write of up to PIPE_BUF bytes is atomic (it
 * waits until all of it fits), a longer one goes in as space comes and
 * returns once all of it is in; a write with no reader left raises
 * SIGPIPE and fails with -EPIPE; O_NONBLOCK turns each wait into -EAGAIN
 * (a longer write then returns what fitted). A waiting read or write
 * waits on its pipe (sched_wait_for_object): each read, write, open and
 * close of an end wakes the threads waiting on that pipe, whose calls
 * run again, and the waits on no object (poll, a FIFO's open). A
 * waiting write that part of went in returns that part's count when a
 * signal's handler or the last reader's going ends it (thread.h,
 * call_done). F_SETPIPE_SZ can make a pipe hold less than its ring.
 *
 * A FIFO (a node of the tree that mknod made, linux/files.c) has a pipe
 * while anything has it open: its first open takes a slot, and the slot
 * and the bytes in it go with the last end, as Linux frees the pipe. Its
 * opens follow Linux's fifo_open: O_RDONLY waits until a writer opens
 * (with O_NONBLOCK it does not), O_WRONLY until a reader does (with
 * O_NONBLOCK it fails with -ENXIO when no reader is there), O_RDWR never
 * waits. A waiting open counts among the pipe's readers or writers
 * already, and is done once the other end has been opened since it began
 * (each end counts its opens), even if that end closed again; it waits
 * as a read does, holding the node, and a signal ends it (-EINTR, or the
 * open again from the start under SA_RESTART: sched_call_interrupted
 * calls pipe_open_abandoned). Opening /proc/1/fd/N of a pipe() end opens
 * that pipe again, as Linux does (no wait, no -ENXIO: Linux's rule for a
 * pipe that is not a FIFO).
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

#define PIPES_MAX 2048 /* two descriptors each: RLIMIT_NOFILE's hard limit */
#define RINGS_KEPT 16
_Static_assert(LIBOS_PIPE_BUFFERS + (uint64_t)PIPES_MAX * PIPE_CAPACITY <=
		       LIBOS_FILE_NAMES,
	       "the pipes' rings end below the file names");
#define PIPE_BUF  4096 /* the atomic write */
#define SIGPIPE   13
#define SI_USER   0

struct pipe {
	uint64_t written, read; /* byte counts: the ring holds the difference */
	/* Descriptions of each end (an O_RDWR one counts as both), and the
	 * FIFO opens waiting for the other end: 0 and 0, a free slot. */
	uint32_t readers, writers;
	/* The opens of each end so far, from 1 (a waiting FIFO open waits
	 * for the other's to change; 0 is no count, see hangup_from). */
	uint32_t reader_opens, writer_opens;
	uint32_t capacity;      /* at most PIPE_CAPACITY */
	unsigned fifo;          /* the FIFO node it is for; NO_NODE: pipe()'s */
	uint32_t inode;         /* pipe()'s own (files_new_inode) */
	uint64_t ring_pages;    /* its ring's mapped pages (lib/ring.h) */
};

static struct pipe pipes[PIPES_MAX];

/* A pipe description's position: the slot in its low 32 bits; in the
 * high ones, for a FIFO's read end opened with O_NONBLOCK while no
 * writer was there, the writer opens then: it shows no POLLHUP until
 * another writer has come (Linux's f_pipe), else 0. */
static uint64_t position_of(unsigned slot, uint32_t hangup_from)
{
	return slot | (uint64_t)hangup_from << 32;
}

static unsigned slot_of(const struct file *file)
{
	return (uint32_t)file->position % PIPES_MAX;
}

static uint32_t hangup_from(const struct file *file)
{
	return (uint32_t)(file->position >> 32);
}

static uint8_t *ring(unsigned slot)
{
	return (uint8_t *)(LIBOS_PIPE_BUFFERS + (uint64_t)slot * PIPE_CAPACITY);
}

static struct pipe *pipe_of(const struct file *file)
{
	return &pipes[slot_of(file)];
}

uint64_t pipe_inode(const struct file *file)
{
	return pipe_of(file)->inode;
}

uint64_t pipe_unread(const struct file *file)
{
	const struct pipe *pipe = pipe_of(file);

	return pipe->written - pipe->read;
}

/* The pipe in `slot` changed (bytes moved, an end came or went, its
 * capacity): the threads waiting on it, and its epoll interests, look
 * again; so do the waits on no object (poll, a FIFO's open). */
static void changed(unsigned slot)
{
	sched_wake_for_objects(epoll_object(EPOLL_OBJECT_PIPE, slot), 0);
}

/* When bytes went into the pipe of `file` or out of it. */
static void bytes_moved(const struct file *file)
{
	changed(slot_of(file));
}

/* A read or write of the pipe waits for its bytes or room to move
 * (bytes_moved), or for an end to close (changed). */
static long wait_or_again(const struct file *file, bool may_wait)
{
	if ((file->flags & O_NONBLOCK) || !may_wait)
		return -EAGAIN;
	sched_wait_for_object(epoll_object(EPOLL_OBJECT_PIPE, slot_of(file)),
			      WAIT_POLL, 0);
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
	ring_copy(ring(slot_of(file)), PIPE_CAPACITY, pipe->read,
		  (uint8_t *)buffer, count, false);
	pipe->read += count;
	bytes_moved(file);
	return (long)count;
}

/* A write with no reader left: SIGPIPE for the writing thread (its
 * call then fails with -EPIPE, or returns what went in before). */
static void raise_sigpipe(void)
{
	struct signal_info info = { .code = SI_USER, .sender = LINUX_PID };

	signal_send_thread(sched_current(), SIGPIPE, &info);
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
		raise_sigpipe();
		return done ? (long)done : -EPIPE;
	}
	if (!vm_user_ok(buffer, length, PROT_READ))
		return -EFAULT;
	uint64_t space = pipe->capacity - (pipe->written - pipe->read);
	uint64_t count = length - done;

	if (count > space)
		count = length <= PIPE_BUF ? 0 : space;
	if (!ring_back(ring(slot_of(file)), PIPE_CAPACITY, &pipe->ring_pages,
		       pipe->written, count))
		return done ? (long)done : -ENOMEM;
	ring_copy(ring(slot_of(file)), PIPE_CAPACITY, pipe->written,
		  (uint8_t *)(buffer + done), count, true);
	pipe->written += count;
	done += count;
	if (count)
		bytes_moved(file);
	if (done == length)
		return (long)length;
	if ((file->flags & O_NONBLOCK || !may_wait) && done)
		return (long)done;
	self->call_done = done;
	return wait_or_again(file, may_wait);
}

long pipe_peek(const struct file *file, uint64_t skip, void *bytes,
	       uint64_t length)
{
	const struct pipe *pipe = pipe_of(file);
	uint64_t count = pipe->written - pipe->read;

	if (count <= skip)
		return pipe->writers ? -EAGAIN : 0;
	count -= skip;
	if (count > length)
		count = length;
	ring_copy(ring(slot_of(file)), PIPE_CAPACITY, pipe->read + skip,
		  bytes, count, false);
	return (long)count;
}

void pipe_consume(const struct file *file, uint64_t length)
{
	struct pipe *pipe = pipe_of(file);
	uint64_t count = pipe->written - pipe->read;

	pipe->read += length < count ? length : count;
	bytes_moved(file);
}

uint64_t pipe_room(const struct file *file)
{
	const struct pipe *pipe = pipe_of(file);

	return pipe->capacity - (pipe->written - pipe->read);
}

long pipe_put(const struct file *file, const void *bytes, uint64_t length)
{
	struct pipe *pipe = pipe_of(file);
	uint64_t count = pipe_room(file);

	if (pipe->readers == 0) {
		raise_sigpipe();
		return -EPIPE;
	}
	if (length == 0)
		return 0;
	if (count == 0)
		return -EAGAIN;
	if (count > length)
		count = length;
	if (!ring_back(ring(slot_of(file)), PIPE_CAPACITY, &pipe->ring_pages,
		       pipe->written, count))
		return -ENOMEM;
	ring_copy(ring(slot_of(file)), PIPE_CAPACITY, pipe->written,
		  (uint8_t *)bytes, count, true);
	pipe->written += count;
	bytes_moved(file);
	return (long)count;
}

/* An open of the ends access mode `mode` (O_RDONLY, O_WRONLY or O_RDWR)
 * names comes, or goes: the pipe's counts. The slot is free again, and
 * its bytes gone, once neither end has anyone. */
static void enter(struct pipe *pipe, uint32_t mode)
{
	if (mode != O_WRONLY) {
		pipe->readers++;
		pipe->reader_opens++;
	}
	if (mode != O_RDONLY) {
		pipe->writers++;
		pipe->writer_opens++;
	}
	changed((unsigned)(pipe - pipes));
}

static void leave(struct pipe *pipe, uint32_t mode)
{
	if (mode != O_WRONLY)
		pipe->readers--;
	if (mode != O_RDONLY)
		pipe->writers--;
	if (pipe->readers == 0 && pipe->writers == 0) {
		unsigned slot = (unsigned)(pipe - pipes);

		pipe->fifo = NO_NODE;
		if (slot >= RINGS_KEPT)
			ring_unback(ring(slot), PIPE_CAPACITY,
				    &pipe->ring_pages);
	}
	changed((unsigned)(pipe - pipes));
}

void pipe_release(const struct file *file)
{
	leave(pipe_of(file), file->flags & O_ACCMODE);
}

/* A write wakes readers each time (Linux's pipes once polled); a read
 * wakes writers only when the pipe was full, a rise of POLLOUT. */
void pipe_wakeups(const struct file *file, uint64_t wakeups[2])
{
	wakeups[0] = pipe_of(file)->written;
	wakeups[1] = 0;
}

int16_t pipe_poll(const struct file *file)
{
	const struct pipe *pipe = pipe_of(file);
	uint64_t unread = pipe->written - pipe->read;
	uint32_t mode = file->flags & O_ACCMODE;
	int events = 0;

	if (mode != O_WRONLY)
		events |= (unread ? POLLIN | POLLRDNORM : 0) |
			  (pipe->writers == 0 &&
			   hangup_from(file) != pipe->writer_opens ? POLLHUP : 0);
	if (mode != O_RDONLY)
		events |= (pipe->capacity - unread >= PIPE_BUF
				   ? POLLOUT | POLLWRNORM : 0) |
			  (pipe->readers ? 0 : POLLERR);
	return (int16_t)events;
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
	changed(slot_of(file));
	return (long)rounded;
}

/* A free slot for FIFO node `fifo` (NO_NODE: pipe()'s), empty and with
 * no ends yet; -ENFILE when none is left. */
static long take_slot(unsigned fifo)
{
	for (unsigned slot = 0; slot < PIPES_MAX; slot++) {
		struct pipe *pipe = &pipes[slot];

		if (pipe->readers || pipe->writers)
			continue;
		*pipe = (struct pipe){ .reader_opens = 1, .writer_opens = 1,
				       .capacity = PIPE_CAPACITY,
				       .fifo = fifo,
				       .ring_pages = pipe->ring_pages };
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
	long slot = take_slot(NO_NODE);

	if (slot < 0)
		return slot;
	pipes[slot].readers = pipes[slot].writers = 1;
	pipes[slot].inode = files_new_inode();
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

/* The slot of FIFO node's pipe, or -1 when nothing has it open. */
static long fifo_slot(unsigned node)
{
	for (unsigned slot = 0; slot < PIPES_MAX; slot++)
		if ((pipes[slot].readers || pipes[slot].writers) &&
		    pipes[slot].fifo == node)
			return slot;
	return -1;
}

/* Descriptor fd (reserved, io.h) becomes a description of the ends of the
 * pipe in `slot` that flags' access mode names, which enter() counted:
 * fd, or -EMFILE (then the count is taken back). */
static long describe(long fd, unsigned slot, unsigned node, uint32_t flags,
		     uint32_t hangup, bool close_on_exec)
{
	fd = io_open_reserved((uint64_t)fd, FILE_PIPE, node,
			      position_of(slot, hangup),
			      flags & (O_ACCMODE | O_NONBLOCK | O_APPEND |
				       O_LARGEFILE),
			      close_on_exec);
	if (fd < 0)
		leave(&pipes[slot], flags & O_ACCMODE);
	return fd;
}

long pipe_open_fifo(unsigned node, uint32_t flags, bool close_on_exec)
{
	struct thread *self = sched_current();
	uint32_t mode = flags & O_ACCMODE;
	long slot = fifo_slot(node);
	long fd = io_reserve(); /* as Linux, before all else */

	if (fd < 0)
		return fd;
	if (mode == O_ACCMODE)
		slot = -EINVAL; /* neither end: Linux's fifo_open says so */
	else if (mode == O_WRONLY && (flags & O_NONBLOCK) &&
		 (slot < 0 || pipes[slot].readers == 0))
		slot = -ENXIO;
	else if (slot < 0)
		slot = take_slot(node);
	if (slot < 0) {
		io_unreserve((uint64_t)fd);
		return slot;
	}
	struct pipe *pipe = &pipes[slot];
	uint32_t hangup = 0;

	enter(pipe, mode);
	if (mode == O_RDONLY && pipe->writers == 0) {
		if (flags & O_NONBLOCK)
			hangup = pipe->writer_opens; /* no POLLHUP yet */
		else
			goto wait;
	}
	if (mode == O_WRONLY && pipe->readers == 0)
		goto wait;
	return describe(fd, (unsigned)slot, node, flags, hangup, close_on_exec);
wait:
	self->fifo_opening = (uint16_t)(slot + 1);
	self->fifo_opening_writes = mode == O_WRONLY;
	self->fifo_opens_seen = mode == O_WRONLY ? pipe->reader_opens
						 : pipe->writer_opens;
	self->fifo_opening_fd = (uint16_t)fd;
	files_hold(node);
	sched_wait_for_input(WAIT_POLL, 0);
	return SYSCALL_NO_RESULT;
}

bool pipe_open_waiting(void)
{
	const struct thread *self = sched_current();

	return self->call_again && self->fifo_opening;
}

long pipe_open_again(uint32_t flags, bool close_on_exec)
{
	struct thread *self = sched_current();
	unsigned slot = self->fifo_opening - 1u;
	struct pipe *pipe = &pipes[slot];
	bool writes = self->fifo_opening_writes;
	unsigned node = pipe->fifo;

	if ((writes ? pipe->reader_opens : pipe->writer_opens) ==
	    self->fifo_opens_seen) {
		sched_wait_for_input(WAIT_POLL, 0);
		return SYSCALL_NO_RESULT;
	}
	self->fifo_opening = 0;
	/* The access mode it counted in, whatever the registers say now. */
	flags = (flags & ~(uint32_t)O_ACCMODE) | (writes ? O_WRONLY : O_RDONLY);
	long fd = describe(self->fifo_opening_fd, slot, node, flags, 0,
			   close_on_exec);

	files_drop(node); /* the wait's hold: a description holds it now */
	return fd;
}

void pipe_open_abandoned(struct thread *thread)
{
	if (thread->fifo_opening == 0)
		return;
	struct pipe *pipe = &pipes[thread->fifo_opening - 1u];
	unsigned node = pipe->fifo;

	thread->fifo_opening = 0;
	io_unreserve(thread->fifo_opening_fd);
	leave(pipe, thread->fifo_opening_writes ? O_WRONLY : O_RDONLY);
	files_drop(node);
}

long pipe_reopen(const struct file *end, uint32_t flags, bool close_on_exec)
{
	uint32_t mode = flags & O_ACCMODE;
	unsigned slot = slot_of(end);
	long fd = io_reserve();

	if (fd < 0)
		return fd;
	if (mode == O_ACCMODE) {
		io_unreserve((uint64_t)fd);
		return -EINVAL;
	}
	enter(&pipes[slot], mode);
	/* open() made it: O_LARGEFILE, as Linux's F_GETFL shows. */
	return describe(fd, slot, end->node, flags | O_LARGEFILE, 0,
			close_on_exec);
}
