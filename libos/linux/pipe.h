/*
 * Pipes (linux/pipe.c), as the descriptors (linux/io.c) and poll/select
 * (linux/poll.c) use them. A pipe description's position is its pipe's slot.
 */
#ifndef LIBOS_LINUX_PIPE_H
#define LIBOS_LINUX_PIPE_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/io.h"

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

/* A description of one end is gone (its last descriptor closed). */
void pipe_release(const struct file *file);

/* The poll events the end has now (POLLIN, POLLOUT, POLLHUP, POLLERR). */
int16_t pipe_poll(const struct file *file);

/* The bytes waiting to be read (FIONREAD). */
uint64_t pipe_unread(const struct file *file);

/* fcntl's F_GETPIPE_SZ, and F_SETPIPE_SZ (`size` rounded up to a power
 * of two pages; -EBUSY below what the pipe holds, -EPERM above
 * PIPE_CAPACITY, the ring's size: what Linux answers an unprivileged
 * process above pipe-max-size). The pipe's capacity, or the error. */
long pipe_size(const struct file *file, bool set, uint64_t size);

#endif /* LIBOS_LINUX_PIPE_H */
