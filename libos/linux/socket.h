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

#define SOCKETS_MAX 4096 /* ends at a time: RLIMIT_NOFILE's hard limit */

/* Slots from here on have never held an end: where searches stop. */
extern unsigned sockets_touched;

/* read, write, readv and writev on a socket: recvmsg and sendmsg with no
 * flags and no address (`vector` is an array of `count` struct iovec in
 * the app's memory). A count, an error, or SYSCALL_NO_RESULT after the
 * thread was made to wait. */
long socket_transfer(struct file *file, uint64_t vector, uint64_t count,
		     bool sending);

/* sendfile and splice (linux/splice.c) with the libOS's own buffer,
 * never waiting: a send of length bytes (one datagram, or what fits of a
 * stream's: a count, -EAGAIN when none fits, or the send's error, with
 * SIGPIPE as a send's) and a receive of up to length (a count, 0 at the
 * end, -EAGAIN when nothing is there, or the error; descriptors in
 * flight that come with the bytes are closed). */
long socket_put(struct file *file, const void *bytes, uint64_t length);
long socket_get(struct file *file, void *bytes, uint64_t length);

/* A description of an end is gone (its last descriptor closed, its
 * last reference in flight dropped). */
void socket_release(const struct file *file);

/* A description of an end lost a descriptor or a reference in flight,
 * but not its last (io.c): the collector may find a cycle in flight. */
void socket_unreferenced(const struct file *file);

/* linux/socket_control.c's collector: end `index`'s unread messages go,
 * and the descriptors in flight among them are closed. */
void socket_discard_queue(unsigned index);

/* The poll events the end has now. */
int16_t socket_poll(const struct file *file);

/* What wakes its EPOLLET watchers as Linux's wakeups do (linux/poll.c):
 * counts that grow at each arrival ([0], POLLIN's) and each departure
 * that makes room ([1], POLLOUT's; 0 where only a rise of POLLOUT wakes
 * them). */
void socket_wakeups(const struct file *file, uint64_t wakeups[2]);

/* A datagram from the kernel to a netlink socket (mq_notify's cookie,
 * linux/mqueue.c); lost if it is no netlink socket or has no room. */
void socket_netlink_post(const struct file *file, const void *bytes,
			 uint32_t length);

/* The end's family (AF_UNIX, AF_INET, AF_INET6, AF_NETLINK). */
int socket_family(const struct file *file);

/* The bytes the next read would take (FIONREAD). */
uint64_t socket_unread(const struct file *file);

/* How many urgent bytes (MSG_OOB) came to the end: async_io.c's
 * SIGURG. */
uint64_t socket_urgents(const struct file *file);

/* SIOCATMARK on a TCP end: whether its reading stands at the urgent
 * byte (1 or 0); 0 on an AF_UNIX one (Linux 6.x's answers it), and
 * -ENOIOCTLCMD on another socket. */
long socket_at_mark(const struct file *file);

#endif /* LIBOS_LINUX_SOCKET_H */
