/*
 * signalfd (linux/signalfd.c), as the descriptors (linux/io.c), poll and
 * epoll (linux/poll.c) and the signals (linux/signal.c) use it. A
 * signalfd description's position is its slot, which holds its mask.
 */
#ifndef LIBOS_LINUX_SIGNALFD_H
#define LIBOS_LINUX_SIGNALFD_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/io.h"

/* read: the reading thread's pending signals of the mask (its own, then
 * the process's), taken as a handler's delivery takes them, one 128-byte
 * struct signalfd_siginfo each, as many as fit (-EINVAL if none fits);
 * when none is pending it waits (may_wait, no O_NONBLOCK) or is -EAGAIN. */
long signalfd_read(const struct file *file, uint64_t buffer,
		   uint64_t length, bool may_wait);

/* POLLIN while a signal of the mask is pending for the calling thread. */
int16_t signalfd_poll(const struct file *file);

/* Its last descriptor closed. */
void signalfd_release(const struct file *file);

/* linux/signal.c: a signal became pending; a thread waiting in a read or
 * poll of a signalfd looks again. */
void signalfd_signal_pending(void);

#endif /* LIBOS_LINUX_SIGNALFD_H */
