/*
 * POSIX message queues (linux/mqueue.c) as the descriptors (linux/io.c)
 * and poll/select/epoll (linux/poll.c) use them. A queue's description
 * (FILE_MQUEUE) holds its queue's slot in its position's high 32 bits,
 * and its read offset in the queue's status text in the low ones.
 */
#ifndef LIBOS_LINUX_MQUEUE_H
#define LIBOS_LINUX_MQUEUE_H

#include <stdint.h>

#include "linux/io.h"

/* read and pread: the queue's status text from `offset` (a read's is
 * the low half of the description's position); lseek moves that half,
 * as Linux's default_llseek on a file of 80 bytes. */
long mqueue_read(const struct file *file, uint64_t offset, uint64_t buffer,
		 uint64_t length);
long mqueue_seek(struct file *file, int64_t offset, uint64_t whence);

/* A description of a queue is gone: the queue's notification goes (as
 * Linux's flush at each close by its owner), and an unlinked queue with
 * no description left with it. */
void mqueue_release(const struct file *file);
void mqueue_flush(const struct file *file);

/* The poll events the queue has now. */
int16_t mqueue_poll(const struct file *file);

/* What wakes its EPOLLET watchers (poll.c): each message sent, and
 * each taken. */
void mqueue_wakeups(const struct file *file, uint64_t wakeups[2]);

/* /proc/self/fd's name of it: the queue's name after a slash. */
long mqueue_path(const struct file *file, char *out, uint64_t size);

#endif /* LIBOS_LINUX_MQUEUE_H */
