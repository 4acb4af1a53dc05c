/*
 * Pipes (linux/pipe.c), as the descriptors (linux/io.c), poll/select
 * (linux/poll.c), the tree's FIFOs and /proc/1/fd (linux/files.c) and the
 * scheduler (sched/sched.c) use them. A pipe description's position is
 * its pipe's slot (and pipe.c's mark for POLLHUP).
 */
#ifndef LIBOS_LINUX_PIPE_H
#define LIBOS_LINUX_PIPE_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/io.h"
#include "sched/thread.h"

#define PIPE_CAPACITY (64 << 10) /* Linux's default, and the most here */

/* read and write on a pipe's end: a count, an error, or
 * SYSCALL_NO_RESULT after the thread was made to wait (the call runs
 * again when another thread reads, writes or closes). Without may_wait
 * (a later piece of readv or writev) -EAGAIN instead of a wait, and a
 * write returns what fitted. */
long pipe_read(const struct file *file, uint64_t buffer, uint64_t length,
	       bool may_wait);
long pipe_write(const struct file *file, uint64_t buffer, uint64_t length,
		bool may_wait);

/* splice, tee and sendfile (linux/splice.c), with the libOS's own
 * buffer, never waiting. pipe_peek copies up to length unread bytes from
 * the `skip`th on, leaving them: a count, -EAGAIN while a writer may
 * still give more, 0 at the end. pipe_consume then drops length unread
 * bytes (at most what is there). pipe_put writes what fits of length
 * bytes: a count, -EAGAIN when none fits, or -EPIPE with a SIGPIPE when
 * no reader is left (length 0 checks only that). pipe_room: what fits
 * now. */
long pipe_peek(const struct file *file, uint64_t skip, void *bytes,
	       uint64_t length);
void pipe_consume(const struct file *file, uint64_t length);
long pipe_put(const struct file *file, const void *bytes, uint64_t length);
uint64_t pipe_room(const struct file *file);

/* A description of one end is gone (its last descriptor closed). */
void pipe_release(const struct file *file);

/* The poll events the end has now (POLLIN, POLLOUT, POLLHUP, POLLERR). */
int16_t pipe_poll(const struct file *file);

/* What wakes its EPOLLET watchers as Linux's wakeups do (linux/poll.c):
 * counts that grow at each arrival ([0], POLLIN's) and each departure
 * that makes room ([1], POLLOUT's; 0 where only a rise of POLLOUT wakes
 * them). */
void pipe_wakeups(const struct file *file, uint64_t wakeups[2]);

/* A pipe()'s pipe's inode number, the same for both its ends. */
uint64_t pipe_inode(const struct file *file);

/* The bytes waiting to be read (FIONREAD). */
uint64_t pipe_unread(const struct file *file);

/* fcntl's F_GETPIPE_SZ, and F_SETPIPE_SZ (`size` rounded up to a power
 * of two pages; -EBUSY below what the pipe holds, -EPERM above
 * PIPE_CAPACITY, the ring's size: what Linux answers an unprivileged
 * process above pipe-max-size). The pipe's capacity, or the error. */
long pipe_size(const struct file *file, bool set, uint64_t size);

/* open of FIFO node `node` (its file's node) with open's flags and
 * O_CLOEXEC: a descriptor; -EINVAL for O_ACCMODE's neither end, -EMFILE,
 * -ENXIO (O_WRONLY | O_NONBLOCK and no reader), -ENFILE or -ENOMEM (no
 * pipe); or SYSCALL_NO_RESULT after the thread was made to wait for the
 * other end, when its open runs again (pipe_open_waiting). */
long pipe_open_fifo(unsigned node, uint32_t flags, bool close_on_exec);

/* Whether the running call is a FIFO open that waited and runs again
 * (sched_continue): open then calls pipe_open_again, with the same
 * arguments, instead of looking its path up again (the FIFO may have lost
 * its name meanwhile); its answer is pipe_open_fifo's. */
bool pipe_open_waiting(void);
long pipe_open_again(uint32_t flags, bool close_on_exec);

/* A waiting FIFO open ends without running again (a signal: -EINTR, or a
 * restart from the start): it no longer counts as its end's opener.
 * Nothing for a thread in no such open. */
void pipe_open_abandoned(struct thread *thread);

/* open of /proc/1/fd/N where N is end, a description of a pipe() end:
 * a new description of the same pipe with flags' access mode (Linux
 * reopens the pipe; never waits, never -ENXIO): a descriptor, -EINVAL or
 * -EMFILE. */
long pipe_reopen(const struct file *end, uint32_t flags, bool close_on_exec);

#endif /* LIBOS_LINUX_PIPE_H */
