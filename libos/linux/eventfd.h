/*
 * eventfd (linux/eventfd.c), as the descriptors (linux/io.c) and
 * poll/select/epoll (linux/poll.c) use it. An eventfd description's
 * position is its counter's slot.
 */
#ifndef LIBOS_LINUX_EVENTFD_H
#define LIBOS_LINUX_EVENTFD_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/io.h"

/* read and write: as pipe.h's (may_wait false: -EAGAIN, no wait). */
long eventfd_read(const struct file *file, uint64_t buffer, uint64_t length,
		  bool may_wait);
long eventfd_write(const struct file *file, uint64_t buffer,
		   uint64_t length, bool may_wait);

/* readv: the counter's 8 bytes across the vector's pieces, as Linux's
 * read_iter takes them (a writev writes piece by piece, as Linux's
 * plain write does: linux/io.c). */
long eventfd_read_vector(const struct file *file, const struct iovec *pieces,
			 uint64_t count, bool may_wait);

/* Its last descriptor closed. */
void eventfd_release(const struct file *file);

/* POLLIN while the counter is above 0, POLLOUT while one more can be
 * added. */
int16_t eventfd_poll(const struct file *file);

/* What wakes its EPOLLET watchers as Linux's wakeups do (linux/poll.c):
 * counts that grow at each arrival ([0], POLLIN's) and each departure
 * that makes room ([1], POLLOUT's; 0 where only a rise of POLLOUT wakes
 * them). */
void eventfd_wakeups(const struct file *file, uint64_t wakeups[2]);

#endif /* LIBOS_LINUX_EVENTFD_H */
