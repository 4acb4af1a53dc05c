/*
 * Sockets (linux/socket.c) as the descriptors (linux/io.c) and
 * poll/select/epoll (linux/poll.c) use them. A socket description's
 * position is its end's slot.
 */
#ifndef LIBOS_LINUX_SOCKET_H
#define LIBOS_LINUX_SOCKET_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/io.h"

/* read, write, readv and writev on a socket: recvmsg and sendmsg with no
 * flags and no address (`vector` is an array of `count` struct iovec in
 * the app's memory). A count, an error, or SYSCALL_NO_RESULT after the
 * thread was made to wait. */
long socket_transfer(struct file *file, uint64_t vector, uint64_t count,
		     bool sending);

/* A description of an end is gone (its last descriptor closed). */
void socket_release(const struct file *file);

/* The poll events the end has now. */
int16_t socket_poll(const struct file *file);

/* The bytes the next read would take (FIONREAD). */
uint64_t socket_unread(const struct file *file);

#endif /* LIBOS_LINUX_SOCKET_H */
