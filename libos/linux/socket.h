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
 * them); with `state_changes`, each shutdown and the peer's close add to
 * both (Linux's sk_state_change wakes every waiter). */
void socket_wakeups(const struct file *file, uint64_t wakeups[2],
		    bool state_changes);

/* A datagram from the kernel to a netlink socket (mq_notify's cookie,
 * linux/mqueue.c); lost if it is no netlink socket or has no room. */
void socket_netlink_post(const struct file *file, const void *bytes,
			 uint32_t length);

/* The end's family (AF_UNIX, AF_INET, AF_INET6, AF_NETLINK). */
int socket_family(const struct file *file);

/* The bytes the next read would take (FIONREAD), or -EINVAL for a
 * listening end, as Linux answers. */
long socket_unread(const struct file *file);

/* How many urgent bytes (MSG_OOB) came to the end: async_io.c's
 * SIGURG. */
uint64_t socket_urgents(const struct file *file);

/* SIOCATMARK on a TCP end: whether its reading stands at the urgent
 * byte (1 or 0); 0 on an AF_UNIX one (Linux 6.x's answers it), and
 * -ENOIOCTLCMD on another socket. */
long socket_at_mark(const struct file *file);

/* The inode number of the end's socket, as /proc/1/fd's link says
 * (socket:[N]), fstat's st_ino and /proc/net's tables. */
uint64_t socket_inode(const struct file *file);

/*
 * What /proc/net's tables (linux/proc_net.c) show of the ends.
 */

/* Linux's socket states (sk_state), as the tables number them; TCP's
 * for a UDP end too (TCP_ESTABLISHED: connected, else TCP_CLOSE), and
 * for an AF_UNIX one (TCP_LISTEN, TCP_ESTABLISHED, TCP_CLOSE). */
enum linux_tcp_state {
	TCP_ESTABLISHED = 1,
	TCP_SYN_SENT,
	TCP_SYN_RECV,
	TCP_FIN_WAIT1,
	TCP_FIN_WAIT2,
	TCP_TIME_WAIT,
	TCP_CLOSE,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
	TCP_LISTEN,
	TCP_CLOSING,
};

/* An end's part: an ordinary socket, the hidden end of a connection on
 * the network, or the app's end of one (whose state net/tcp.c has). */
enum socket_role { SOCKET_PLAIN, SOCKET_HIDDEN, SOCKET_REMOTE_APP };

struct socket_view {
	uint8_t family;    /* AF_UNIX, AF_INET, AF_INET6, AF_NETLINK */
	uint8_t type;      /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	bool lite;         /* UDP-Lite's */
	uint8_t role;      /* enum socket_role */
	uint8_t state;     /* enum linux_tcp_state (a plain end's) */
	bool accepted;     /* false while it waits for its accept: no
			      socket yet, so no inode and uid 0 */
	bool peer_alive;   /* connected, and the peer is there */
	uint32_t inode;    /* 0 while not accepted */
	uint32_t uid;      /* the file system uid that made it */
	uint32_t queued;   /* listening: connections waiting for accept;
			      else the bytes unread (a message's header
			      not counted) */
	uint8_t name_length;  /* AF_UNIX: its name's bytes (struct
				 sockaddr_un, the path's NUL left out);
				 0 for none */
	const uint8_t *name;
};

/* End `index` (below sockets_touched): false for a free slot. */
bool socket_view(unsigned index, struct socket_view *view);

/* The app's end of the connection whose hidden end is `hidden`, or -1
 * once it has gone (closed: the connection lingers on). */
long socket_remote_app(unsigned hidden);

/*
 * Connections on the network (net/tcp.c). Each is a pair of ends, as a
 * loopback connection is: the app's end, and a hidden end (no
 * descriptor, no name) that stands for the peer. The app's sends go into
 * the hidden end's ring as they would into a local peer's; net/tcp.c
 * sends from there, and takes bytes out once the peer acknowledged
 * them. What the peer sends goes into the app's end's ring.
 */
struct inet_name;

/* A connection to the listening end `listener` came through: a new end,
 * named `local`, its peer `remote`, queued for its accept and paired
 * with a new hidden end, open: the hidden end's index; -ECONNREFUSED
 * (no longer listening, or its queue is full) or -ENFILE. */
long socket_remote_accept(unsigned listener, const struct inet_name *local,
			  const struct inet_name *remote);

/* connect's connection is open (until then, the app's end has no
 * POLLOUT, and a blocking connect waits). */
void socket_remote_open(unsigned hidden);

/* The bytes the app sent that the peer has not acknowledged; a copy of
 * `length` of them from `offset` on; the first `length` acknowledged
 * (they go, making room for the app's sends). */
uint64_t socket_remote_queued(unsigned hidden);
void socket_remote_peek(unsigned hidden, uint64_t offset, void *bytes,
			uint64_t length);
void socket_remote_acked(unsigned hidden, uint64_t length);

/* Whether the app's end sends on (REMOTE_SENDING), will send no more
 * after what is queued (it shut down writing or closed: a FIN), or
 * closed abortively (its close left bytes unread, or SO_LINGER said 0
 * s: a reset). */
enum remote_sending { REMOTE_SENDING, REMOTE_FINISHED, REMOTE_ABORTED };
enum remote_sending socket_remote_sending(unsigned hidden);

/* Room in the app's end's ring (0 when the end is gone), whether it is,
 * and bytes that came into it: how many it took (fewer when memory ran
 * out). */
uint64_t socket_remote_room(unsigned hidden);
bool socket_remote_app_gone(unsigned hidden);
uint64_t socket_remote_deliver(unsigned hidden, const void *bytes,
			       uint64_t length);

/* Whether the app's end asked for keepalive probes (SO_KEEPALIVE), and
 * their times (inet_keepalive's); false once it is gone. */
bool socket_remote_keepalive(unsigned hidden, uint32_t times[3]);

/* The peer's FIN: the app's end reads what came, then the end. */
void socket_remote_finished(unsigned hidden);

/* The connection is over: the hidden end goes, normally (both sides
 * closed) with error 0, else the app's end gets `error` (ECONNREFUSED,
 * ECONNRESET, ETIMEDOUT) for its next call and is shut down. */
void socket_remote_close(unsigned hidden, int error);

/* A datagram of the DGRAM end `index` to `to` found no port there
 * (ICMP's answer): a connected end's next call is -ECONNREFUSED. */
void socket_remote_refused(unsigned index, const struct inet_name *to);

/* The process ends: the app's ends of connections on the network are
 * closed as end_release would close them (FIN after what is queued, or
 * a reset for one with bytes unread or not accepted). */
void socket_remote_exit(void);

/* A datagram from the network for the DGRAM end `index`: from `source`
 * to `destination`, its TTL and TOS; lost when the end has no room. */
void socket_remote_datagram(unsigned index, const struct inet_name *source,
			    uint32_t destination, uint8_t ttl, uint8_t tos,
			    const void *bytes, uint64_t length);

#endif /* LIBOS_LINUX_SOCKET_H */
