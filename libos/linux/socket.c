/*
 * Sockets: AF_UNIX sockets within the one process, of the three types
 * Linux's AF_UNIX has: SOCK_STREAM, SOCK_SEQPACKET and SOCK_DGRAM.
 * Connected pairs come from socketpair, or from connect to a listening
 * socket bound to a name (a path, which bind makes a socket file of, or
 * an abstract name: a NUL first) and accept. A DGRAM socket sends to a
 * bound one named by sendto or connect, and leaves it by connect to
 * AF_UNSPEC. AF_INET and AF_INET6 sockets (TCP, UDP and UDP-Lite on the
 * loopback) are ends of the same kinds, named by linux/socket_inet.c.
 * AF_NETLINK sockets of NETLINK_ROUTE are DGRAM ends (SOCK_RAW or
 * SOCK_DGRAM to the app) named by a port id, whose sends to the kernel
 * (port id 0) are answered by linux/interfaces.c into their own ring,
 * and whose sends to another such end of the process go to it. Every
 * other family is -EAFNOSUPPORT (said once).
 *
 * Each end has a receive ring of SOCKET_RING bytes in the libOS's memory
 * (LIBOS_SOCKET_BUFFERS; its pages mapped as bytes first reach them, and
 * unmapped when the end goes, but for the first RINGS_KEPT slots'); a
 * send appends to its destination's ring. A stream's bytes run together;
 * a SEQPACKET or DGRAM message is one record (its header: its length, its
 * sender, its credentials and descriptors; then its bytes), read whole or
 * cut short (MSG_TRUNC). As on Linux (net/unix/af_unix.c): a stream send
 * that does not fit goes in as room comes, and one that waited after part
 * of it went in returns that part's count if a signal's handler ends it
 * (thread.h, call_done); a record waits until it fits whole; an end that
 * shut down writing, or whose peer shut down reading, refuses sends with
 * -EPIPE, and a stream's also raises SIGPIPE unless MSG_NOSIGNAL; a
 * receive with nothing queued waits, or returns 0 once the end shut down
 * reading (the peer's close or SHUT_WR does that to a stream or SEQPACKET
 * end; a pending ECONNRESET, from a peer that closed with data unread,
 * comes first). O_NONBLOCK and MSG_DONTWAIT turn each wait into -EAGAIN;
 * SO_RCVTIMEO (receives, accept) and SO_SNDTIMEO (sends, connect) end it
 * with -EAGAIN, or the count moved, after their time, and a signal's
 * handler ends such a wait with -EINTR even under SA_RESTART, as Linux's
 * sock_intr_errno does. Waiting threads wait as a pipe's do
 * (linux/pipe.c).
 *
 * Control messages (linux/socket_control.c): credentials go with a
 * message when the sender gives them (SCM_CREDENTIALS), or when either end
 * has SO_PASSCRED (or the receiver is not accepted yet), and a receiver
 * with SO_PASSCRED gets them (Linux's "none", pid 0 and the overflow ids,
 * for bytes that came without); descriptors (SCM_RIGHTS) go with a record,
 * or with a stream send's bytes. A stream's marks (struct stream_mark)
 * say where its bytes' credentials change and which bytes descriptors
 * came with: as Linux's, a stream read stops where the credentials change
 * (for a receiver with SO_PASSCRED) and after the bytes that brought it
 * descriptors, which it takes with the first of them (a peek takes
 * copies); a read with no room for them closes them, and so does the
 * loss of their bytes (a closed receiver, a discarded queue).
 *
 * TCP's urgent byte (MSG_OOB) is Linux's: the last byte of a send with
 * MSG_OOB, which recv(MSG_OOB) takes once, out of the stream (in it with
 * SO_OOBINLINE); a read stops before it; POLLPRI, select's exceptional
 * set and SIOCATMARK tell of it, and its owner gets SIGURG
 * (linux/async_io.c). SO_RCVLOWAT holds a blocking stream read, and
 * TCP's POLLIN, until that many bytes are there. Not here: MSG_OOB on
 * AF_UNIX streams (-EOPNOTSUPP, as a Linux without CONFIG_AF_UNIX_OOB),
 * SO_PEEK_OFF, and the effects of the other socket options (they are
 * taken and kept by nothing).
 */
#include "linux/socket.h"

#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "layout.h"
#include "lib/print.h"
#include "lib/ring.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/clock.h"
#include "linux/capability.h"
#include "linux/files.h"
#include "linux/identity.h"
#include "linux/interfaces.h"
#include "linux/signal.h"
#include "linux/socket_control.h"
#include "linux/socket_inet.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "net/netif.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "sched/sched.h"
#include "wicket/native.h"

#define SOCKET_RING   (256 << 10)
#define RINGS_KEPT    16 /* slots whose ring pages stay mapped when free */
_Static_assert(LIBOS_SOCKET_BUFFERS + (uint64_t)SOCKETS_MAX * SOCKET_RING <=
		       LIBOS_EPOLL_INTERESTS,
	       "the sockets' rings end below the epoll windows");
#define RECORD_HEADER 32 /* struct record_header */
#define RECORD_MAX    (212992 - 32) /* Linux's default send buffer's */
#define ROOM_TO_WRITE 4096 /* poll's POLLOUT: this much room in the peer's ring */
#define IOV_MAX       1024

#define AF_UNSPEC 0
#define AF_UNIX  1
#define AF_INET  2
#define AF_INET6 10

#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_SEQPACKET 5
#define SOCK_TYPES     11 /* Linux's SOCK_MAX */
#define SOCK_TYPE_MASK 0xf

#define MSG_OOB          0x1
#define MSG_PEEK         0x2
#define MSG_TRUNC        0x20
#define MSG_DONTWAIT     0x40
#define MSG_WAITALL      0x100
#define MSG_NOSIGNAL     0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

#define RCV_SHUTDOWN  1
#define SEND_SHUTDOWN 2

#define SOL_SOCKET    1
#define SO_REUSEADDR  2
#define SO_TYPE       3
#define SO_ERROR      4
#define SO_DONTROUTE  5
#define SO_BROADCAST  6
#define SO_SNDBUF     7
#define SO_RCVBUF     8
#define SO_KEEPALIVE  9
#define SO_OOBINLINE  10
#define SO_LINGER     13
#define SO_PASSCRED   16
#define SO_REUSEPORT  15
#define SO_PEERCRED   17
#define SO_RCVLOWAT   18
#define SO_SNDLOWAT   19
#define SO_RCVTIMEO   20
#define SO_SNDTIMEO   21
#define SO_ACCEPTCONN 30
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
#define SO_PROTOCOL   38
#define SO_DOMAIN     39

#define POLLWRBAND 0x200
#define POLLRDHUP  0x2000

#define SIGPIPE 13
#define SI_USER 0

#define SUN_PATH_OFFSET 2 /* struct sockaddr_un: the family, then the path */
#define ADDRESS_MAX     110 /* sizeof(struct sockaddr_un) */
#define STORAGE_MAX     128 /* sizeof(struct sockaddr_storage) */
#define LISTEN_MAX      4096 /* Linux's somaxconn */
#define NO_END          0xffff
/* send_vector's destinations past the ends: a UDP datagram that goes
 * nowhere, to a port no end has (an ICMP error would come back to a
 * connected sender) or to an end that takes another peer's alone. */
#define DATAGRAM_NOBODY   SOCKETS_MAX
#define DATAGRAM_FILTERED (SOCKETS_MAX + 1)
#define OVERFLOW_ID     65534 /* Linux's overflowuid and overflowgid */

/* SO_RCVTIMEO, SO_SNDTIMEO: microseconds, or these. */
#define TIMEOUT_NONE      0  /* wait as long as it takes */
#define TIMEOUT_IMMEDIATE -1 /* never wait (a negative time, on Linux) */
#define TIMEOUT_SECONDS_MAX 1000000000000 /* beyond: none */

/* What a record's bytes follow: their count, the AF_UNIX end that sent
 * them (which the record holds: name_holders; NO_END for the others),
 * the descriptors in flight with them, and their credentials if any. */
struct record_header {
	uint32_t length;
	uint16_t sender;
	uint16_t files; /* NO_FILES: none */
	union {
		struct { /* AF_UNIX's */
			struct credentials credentials;
			uint32_t has_credentials;
		};
		/* A UDP datagram's source, as it was sent (the sender may be
		 * gone before it is read), and its struct inet_marks; a
		 * netlink message's port id. */
		struct {
			struct inet_name source;
			uint8_t hops, traffic;
			uint32_t destination4;
		};
		uint32_t source_portid;
	};
};
_Static_assert(sizeof(struct record_header) == RECORD_HEADER, "record");

/* A stream's bytes from `start` on (a byte count of the receiving end's
 * ring) came with `attachment`'s credentials (or none), up to the next
 * mark's start; its descriptors, if any, came with the bytes up to
 * `stop`. Bytes before an end's first mark came with no credentials. A
 * mark goes once its bytes are read and its descriptors taken. */
#define MARKS_MAX 1024
#define NO_MARK   0xffff

struct stream_mark {
	uint64_t start, stop;
	struct attachment attachment;
	uint16_t next; /* the end's next mark, or NO_MARK */
};

struct socket_end {
	uint64_t written, read; /* its receive ring's byte counts */
	/* Its shutdowns, and its connection's end: each wakes every
	 * EPOLLET watcher, as Linux's sk_state_change does. */
	uint64_t state_changes;
	/* Closed, its name kept for the AF_UNIX ends whose gone peer it is
	 * (Linux's peer reference keeps the socket and its address): not
	 * free until the last lets go (hold_name, drop_name). */
	uint16_t name_holders;
	/* Its sends that failed after Linux allocated their buffer: each
	 * wakes its POLLOUT watchers (freed_send). */
	uint64_t spaces;
	uint32_t records;       /* SEQPACKET, DGRAM: messages in the ring */
	uint16_t peer;          /* the other end, when connected */
	uint16_t name_node;     /* its socket file (bound to a path), or 0 */
	uint16_t backlog;       /* listening: how many may wait for accept */
	uint16_t waiting;       /* listening: how many do, first at first */
	uint16_t first, next;   /* that queue: its head, and each one's next */
	uint8_t type;           /* SOCK_*; 0: a free slot */
	uint8_t family;         /* AF_UNIX, AF_INET or AF_INET6
				   (socket_inet.h), AF_NETLINK */
	uint8_t shutdown;       /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	uint8_t error;          /* pending, for the next receive or SO_ERROR */
	uint8_t address_length; /* its name's (bind's, or an accepted end's
				   listener's): 0 for none */
	bool connected;         /* peer is (or was, if peer_gone) its peer */
	bool peer_gone;         /* the peer closed (its slot may be reused) */
	bool listening;
	bool passes_credentials; /* SO_PASSCRED */
	bool has_peer_credentials; /* SO_PEERCRED: the process's (a pair's
				      end, a listening or connected one) */
	bool unaccepted;        /* waits for its listener's accept */
	/* TCP: a non-blocking connect that no listener took (REFUSED):
	 * closed by the reset, shut both ways, the error pending (Linux's
	 * TCP_CLOSE under SS_CONNECTING); the next connect reports it and
	 * starts over, unless a shutdown came first (REFUSED_SHUT, Linux's
	 * SS_DISCONNECTING: connect is -EINVAL from then on). */
	uint8_t refused;
	bool connect_pending;   /* TCP: connected, but connect said
				   -EINPROGRESS; the next says 0 */
	bool end_read;          /* a read met the end (TCP's peer's FIN,
				   which Linux's copied_seq counts) */
	bool fin_received;      /* TCP: the peer closed with nothing
				   unread (reads end; a send is reset) */
	bool lingers;           /* SO_LINGER on, for linger_seconds */
	bool raw;               /* AF_NETLINK: made as SOCK_RAW (SO_TYPE) */
	bool connected_to;      /* AF_UNIX DGRAM: another end connected to
				   it, which makes Linux's sk_state
				   TCP_ESTABLISHED for good */
	bool lite;              /* UDP-Lite's (not UDP's) */
	uint8_t remote;         /* REMOTE_*: the hidden end of a connection
				   on the network (socket.h) */
	uint8_t urgent;         /* TCP: URGENT_*, of the byte at urgent_at */
	uint32_t urgents;       /* TCP: urgent bytes that came (SIGURG's) */
	uint8_t urgent_byte;
	uint64_t urgent_at;     /* a byte count of the ring */
	int32_t buffer_sizes[2]; /* SO_SNDBUF's and SO_RCVBUF's, as set;
				    0: the default */
	int32_t receive_low;    /* SO_RCVLOWAT (0: 1, the default) */
	uint16_t flag_options;  /* bit n: SOL_SOCKET's flag option n on
				   (SO_DONTROUTE, SO_BROADCAST, SO_KEEPALIVE,
				   SO_OOBINLINE: kept for getsockopt) */
	uint16_t coverage[2];   /* UDP-Lite: UDPLITE_SEND_CSCOV's and
				   UDPLITE_RECV_CSCOV's (kept, no checksums
				   on the loopback) */
	uint16_t netlink_options; /* AF_NETLINK: bit n, SOL_NETLINK's flag
				     option n, on */
	uint32_t destination, destination_group; /* AF_NETLINK: connect's
						    port id and group */
	int32_t linger_seconds;
	int64_t receive_timeout, send_timeout; /* microseconds, or
						  TIMEOUT_* */
	uint64_t ring_pages;    /* its ring's mapped pages (lib/ring.h) */
	uint16_t first_mark, last_mark; /* a stream's marks, or NO_MARK */
	struct attachment last_read; /* the credentials of the bytes the
					last read took (MSG_WAITALL's next
					run goes on with them) */
	uint32_t inode;         /* its socket's (socket_inode) */
	uint32_t uid;           /* the file system uid that made it, or
				   accepted it */
};

/* A hidden end's connection (socket.h, "Connections on the network"):
 * not one, opening (connect waits), open; or the app's end of one. */
enum { REMOTE_NONE, REMOTE_OPENING, REMOTE_OPEN,
       REMOTE_APP /* the app's end of one */ };

/* TCP's urgent byte (MSG_OOB), as Linux's urg_data says: none, one
 * recv(MSG_OOB) may take, or one taken. Unless SO_OOBINLINE, a reader
 * of the stream skips the byte; either way a read stops at it. */
enum { URGENT_NONE, URGENT_VALID, URGENT_READ };
enum { REFUSED_NOT, REFUSED, REFUSED_SHUT };

static struct socket_end ends[SOCKETS_MAX];

/* Every end below this one is taken: the search for a free end, lowest
 * first, starts there (as the descriptors' next_fd). */
static unsigned ends_taken_below;

/* End `index` is free again (take_end passes it while an end holds
 * its name). */
static void free_end(unsigned index)
{
	ends[index].type = 0;
	if (index < ends_taken_below)
		ends_taken_below = index;
}

/* AF_UNIX end `survivor`'s peer is closing: the survivor keeps its index
 * (no other end takes it) and its name, for getpeername. */
static void hold_name(struct socket_end *survivor)
{
	survivor->peer_gone = true;
	if (survivor->family == AF_UNIX)
		ends[survivor->peer].name_holders++;
}

/* One holder of end `index`'s name lets go: a closed end is free when
 * none holds it any more. (Its name stays readable until an end takes
 * the slot: the receive that let go of it writes it after.) */
static void unhold(unsigned index)
{
	struct socket_end *end = &ends[index];

	if (end->name_holders == 0 || --end->name_holders || end->type)
		return;
	free_end(index);
}

/* End `survivor` lets its gone peer go. */
static void drop_name(const struct socket_end *survivor)
{
	if (survivor->family == AF_UNIX && survivor->connected &&
	    survivor->peer_gone)
		unhold(survivor->peer);
}

unsigned sockets_touched;
static struct stream_mark marks[MARKS_MAX];
static unsigned marks_touched; /* marks from here on never used */
static uint16_t free_marks = NO_MARK;
/* Each end's name as a struct sockaddr_un (address_length bytes). */
static uint8_t addresses[SOCKETS_MAX][ADDRESS_MAX];
static unsigned autobound; /* the names bind gave on its own */
static bool told_about_network;

/* struct timeval, as SO_RCVTIMEO and SO_SNDTIMEO take it. */
struct linux_timeval {
	int64_t seconds, microseconds;
};

/* struct msghdr (56 bytes). */
struct message_header {
	uint64_t name;
	uint32_t name_length, pad;
	uint64_t vector, count;
	uint64_t control, control_length;
	int32_t flags, pad2;
};

static uint8_t *ring(unsigned index)
{
	return (uint8_t *)(LIBOS_SOCKET_BUFFERS +
			   (uint64_t)index * SOCKET_RING);
}

static long abstract_end(const uint8_t *address, uint64_t length,
			 uint8_t type);

static struct socket_end *end_of(const struct file *file)
{
	return &ends[file->position];
}

/* The connected peer, or NULL when there is none (any more). */
static struct socket_end *peer_of(const struct socket_end *end)
{
	return end->connected && !end->peer_gone ? &ends[end->peer] : NULL;
}

static bool is_inet_family(int family)
{
	return family == AF_INET || family == AF_INET6;
}

/* An AF_INET or AF_INET6 end: TCP, UDP or UDP-Lite (socket_inet.h). */
static bool is_inet(const struct socket_end *end)
{
	return is_inet_family(end->family);
}

static bool is_stream(const struct socket_end *end)
{
	return end->type == SOCK_STREAM;
}

static uint64_t unread(const struct socket_end *end)
{
	return end->written - end->read;
}

/* Copies between a ring, from byte count `at`, and the app's buffers
 * `vector` from byte `skip` of them on, `length` bytes (checked). */
static void vector_copy(unsigned index, uint64_t at,
			const struct iovec *vector, uint64_t skip,
			uint64_t length, bool into_ring)
{
	for (const struct iovec *piece = vector; length; piece++) {
		if (skip >= piece->length) {
			skip -= piece->length;
			continue;
		}
		uint64_t part = piece->length - skip;

		if (part > length)
			part = length;
		ring_copy(ring(index), SOCKET_RING, at,
			  (uint8_t *)(piece->base + skip), part, into_ring);
		at += part;
		length -= part;
		skip = 0;
	}
}

/* The total of a vector of `count` pieces in the app's memory, each piece
 * checked for `access`; -EFAULT or -EINVAL (a length past 2^63). */
static long vector_total(const struct iovec *vector, uint64_t count,
			 uint32_t access)
{
	uint64_t total = 0;

	for (uint64_t i = 0; i < count; i++) {
		if ((int64_t)vector[i].length < 0)
			return -EINVAL;
		if (vector[i].length &&
		    !vm_user_ok(vector[i].base, vector[i].length, access))
			return -EFAULT;
		total += vector[i].length;
		if (total > RW_MAX)
			total = RW_MAX;
	}
	return (long)total;
}

/* Nothing (more) can move now, `done` bytes moved so far: their count,
 * or -EAGAIN, when the call may not wait or its timeout (microseconds,
 * or TIMEOUT_*, from its first run) has passed; else the thread waits for
 * a change and its call runs again (SYSCALL_NO_RESULT). A signal's
 * handler ends the wait with the count (thread.h, call_done), else
 * -EINTR, or under SA_RESTART runs the call again if it has no timeout
 * (WAIT_POLL; one with a timeout waits as WAIT_READY). A wait names the
 * end whose change ends it (`end`): the one whose ring has the bytes or
 * the room wanted (wake_for_end names it when they move), or a listener
 * (its queue); a change that names no end wakes every waiter. */
static long wait_or_again(bool may_wait, int64_t timeout, uint64_t done,
			  unsigned end)
{
	uint64_t deadline = 0;

	if (timeout == TIMEOUT_IMMEDIATE)
		may_wait = false;
	if (may_wait && timeout > 0) {
		uint64_t first_run =
			rdtsc() + clock_ns_to_ticks((uint64_t)timeout * 1000);

		deadline = sched_call_deadline(first_run);
		if (deadline == 0) /* it waited before the timeout was set */
			deadline = first_run;
		may_wait = rdtsc() < deadline;
	}
	if (!may_wait)
		return done ? (long)done : -EAGAIN;
	sched_current()->call_done = done;
	sched_wait_for_object(epoll_object(EPOLL_OBJECT_SOCKET, end),
			      deadline ? WAIT_READY : WAIT_POLL, deadline);
	return SYSCALL_NO_RESULT;
}

/* Something the ends wait for changed. */
static void changed(void)
{
	sched_wake_input_waiters();
	tcp_kick();
}

/* The waiters, when bytes went into end `index` or were read from it:
 * that can raise the end's POLLIN and the POLLOUT of the ends connected
 * to it (socket_poll): its peer, when it has one (a stream's, a
 * socketpair's). The AF_UNIX datagram ends that connect() to it
 * (connected_to) are not known one by one. */
static void wake_for_end(unsigned index)
{
	const struct socket_end *end = &ends[index];

	if (end->connected_to)
		sched_wake_input_waiters();
	else
		sched_wake_for_objects(
			epoll_object(EPOLL_OBJECT_SOCKET, index),
			end->connected
				? epoll_object(EPOLL_OBJECT_SOCKET, end->peer)
				: 0);
}

/* As changed, when bytes went into end `index` or were read from it and
 * nothing else changed: TCP looks at that end's connection alone, if it
 * is a connection's hidden end or app end (at none for the others). */
static void end_changed(unsigned index)
{
	const struct socket_end *end = &ends[index];

	wake_for_end(index);
	if (end->remote == REMOTE_APP)
		tcp_kick_hidden(end->peer);
	else if (end->remote != REMOTE_NONE)
		tcp_kick_hidden(index);
}

/* A send that cannot go on: what went in before, else -EPIPE; a stream's
 * raises SIGPIPE too when nothing went in (unless MSG_NOSIGNAL). */
static long broken_pipe(int flags, uint64_t done, bool signal)
{
	if (signal && !done && !(flags & MSG_NOSIGNAL)) {
		struct signal_info info = { .code = SI_USER,
					    .sender = LINUX_PID };

		signal_send_thread(sched_current(), SIGPIPE, &info);
	}
	return done ? (long)done : -EPIPE;
}

static const struct attachment nothing_attached = { .files = NO_FILES };

static bool same_credentials(const struct attachment *a,
			     const struct attachment *b)
{
	return a->has_credentials == b->has_credentials &&
	       (!a->has_credentials ||
		memcmp(&a->credentials, &b->credentials,
		       sizeof(a->credentials)) == 0);
}

/* What the bytes at the end of `end`'s ring came with: its last mark's,
 * or nothing. */
static const struct attachment *last_attachment(const struct socket_end *end)
{
	return end->last_mark == NO_MARK ? &nothing_attached
					 : &marks[end->last_mark].attachment;
}

/* A new last mark for `end`, whose descriptors it now holds: false when
 * every mark is taken. */
static bool mark_append(struct socket_end *end, uint64_t start,
			uint64_t stop, const struct attachment *attachment)
{
	unsigned index;

	if (free_marks != NO_MARK) {
		index = free_marks;
		free_marks = marks[index].next;
	} else if (marks_touched < MARKS_MAX) {
		index = marks_touched++;
	} else {
		return false;
	}
	marks[index] = (struct stream_mark){ start, stop, *attachment,
					     NO_MARK };
	if (end->last_mark == NO_MARK)
		end->first_mark = (uint16_t)index;
	else
		marks[end->last_mark].next = (uint16_t)index;
	end->last_mark = (uint16_t)index;
	return true;
}

/* The end's first mark goes; its descriptors, if any, are put aside for
 * closing (socket_control.h). */
static void mark_remove_first(struct socket_end *end)
{
	unsigned index = end->first_mark;

	control_files_put_aside(marks[index].attachment.files);
	end->first_mark = marks[index].next;
	if (end->first_mark == NO_MARK)
		end->last_mark = NO_MARK;
	marks[index].next = free_marks;
	free_marks = (uint16_t)index;
}

/* The marks whose bytes were all read, their descriptors taken, go. */
static void marks_read(struct socket_end *end)
{
	while (end->first_mark != NO_MARK) {
		const struct stream_mark *mark = &marks[end->first_mark];
		uint64_t until = mark->next == NO_MARK ? end->written
						       : marks[mark->next].start;

		if (mark->attachment.files != NO_FILES || end->read < until)
			return;
		mark_remove_first(end);
	}
}

/* Linux's unix_may_send: a DGRAM socket that has a peer takes messages
 * from its peer alone (a peer that closed is still its peer). */
static bool may_send(unsigned from, const struct socket_end *target)
{
	return !target->connected ||
	       (!target->peer_gone && target->peer == from);
}

/* Linux's net.unix.max_dgram_qlen (its default): an AF_UNIX DGRAM end
 * holding more messages than this takes no more from a sender it is not
 * connected back to (unix_recvq_full); its own peer's sends, and every
 * other kind's, are limited by the ring's room alone. */
#define DGRAM_QUEUE_MAX 10

static bool dgram_queue_full(unsigned from, unsigned to)
{
	const struct socket_end *target = &ends[to];

	return from != to && target->records > DGRAM_QUEUE_MAX &&
	       !(target->connected && !target->peer_gone &&
		 target->peer == from);
}

/* What a send from `self` to `target` attaches: the control messages'
 * (`given`), and the process's credentials if they gave none and either
 * end passes credentials or the target is not accepted yet (Linux's
 * maybe_add_creds). */
static struct attachment attachment_for(const struct socket_end *self,
					const struct socket_end *target,
					const struct attachment *given)
{
	struct attachment attachment = *given;

	if (is_inet(self)) /* control messages go nowhere */
		return nothing_attached;
	if (!attachment.has_credentials &&
	    (self->passes_credentials || target->passes_credentials ||
	     target->unaccepted)) {
		attachment.credentials = control_own_credentials();
		attachment.has_credentials = true;
	}
	return attachment;
}

/* What an AF_UNIX DGRAM or SEQPACKET end's send meets before it looks at
 * the receiver, in Linux's order (unix_dgram_sendmsg,
 * sock_alloc_send_pskb): a size past a record's, a pending error (taken,
 * as sock_error takes it), this end shut for sending (-EPIPE, and no
 * SIGPIPE for these types). 0 to go on. */
static long record_send_refused(struct socket_end *self, uint64_t total)
{
	if (total > RECORD_MAX)
		return -EMSGSIZE;
	if (self->error) {
		long error = -(long)self->error;

		self->error = 0;
		return error;
	}
	return self->shutdown & SEND_SHUTDOWN ? -EPIPE : 0;
}

/* An AF_UNIX send that failed after Linux allocated its buffer: freeing
 * it wakes this end's POLLOUT watchers (sock_wfree, unix_write_space),
 * which an EPOLLET interest sees. */
static long freed_send(struct socket_end *self, long error)
{
	if (self->family == AF_UNIX) {
		self->spaces++;
		sched_wake_for_objects(
			epoll_object(EPOLL_OBJECT_SOCKET,
				     (uint32_t)(self - ends)),
			0);
	}
	return error;
}

/* A UDP datagram's source and marks (socket_inet.h). */
struct udp_datagram {
	struct inet_name source;
	struct inet_marks marks;
};

/* A send from `file`'s end to end `to` (its peer, or a DGRAM send's
 * destination), with `given`'s credentials and descriptors (those it
 * attaches are no longer given's), or a UDP datagram (`datagram`'s
 * source and marks; else NULL): the count, an error, or
 * SYSCALL_NO_RESULT after a wait. */
static long send_vector(struct file *file, unsigned to,
			const struct iovec *vector, uint64_t total, int flags,
			struct attachment *given,
			const struct udp_datagram *datagram)
{
	struct socket_end *self = end_of(file);
	struct thread *thread = sched_current();
	bool may_wait = !(file->flags & O_NONBLOCK) && !(flags & MSG_DONTWAIT);
	uint64_t done = thread->call_again && may_wait ? thread->call_done : 0;
	bool udp = datagram != NULL;

	thread->call_done = 0;
	if (!is_stream(self) && !udp && self->family == AF_UNIX) {
		long refused = record_send_refused(self, total);

		if (refused)
			return refused;
	}
	if (!is_stream(self) && !udp && total > RECORD_MAX)
		return -EMSGSIZE; /* UDP's limit: send_udp */
	if (to >= SOCKETS_MAX) /* lost on the way, as UDP's may be */
		return (long)total;
	struct socket_end *target = &ends[to];
	struct attachment attachment = attachment_for(self, target, given);

	if (udp && SOCKET_RING - unread(target) < RECORD_HEADER + total)
		return (long)total; /* a full receiver drops it */
	if (self->type == SOCK_DGRAM && !udp &&
	    !may_send((unsigned)file->position, target))
		return freed_send(self, -EPERM);
	if (self->shutdown & SEND_SHUTDOWN)
		return broken_pipe(flags, done, is_stream(self));
	if (!udp && (target->shutdown & RCV_SHUTDOWN))
		return freed_send(self,
				  broken_pipe(flags, done, is_stream(self)));
	uint64_t room = SOCKET_RING - unread(target);

	if (!is_stream(self)) {
		/* An AF_UNIX record holds its sender's name: the receiver
		 * is told the name it has then (a later bind's, a closed
		 * sender's last), as Linux's skb holds its socket. */
		struct record_header header = {
			.length = (uint32_t)total,
			.sender = self->family == AF_UNIX
					  ? (uint16_t)file->position
					  : NO_END,
			.files = attachment.files,
		};

		if (udp) {
			header.source = datagram->source;
			header.hops = datagram->marks.hops;
			header.traffic = datagram->marks.traffic;
			header.destination4 = datagram->marks.destination4;
		} else {
			header.credentials = attachment.credentials;
			header.has_credentials = attachment.has_credentials;
		}

		if (room < RECORD_HEADER + total ||
		    (self->type == SOCK_DGRAM && self->family == AF_UNIX &&
		     dgram_queue_full((unsigned)file->position, to))) {
			long waited = wait_or_again(may_wait,
						    self->send_timeout, 0, to);

			return waited == -EAGAIN ? freed_send(self, waited)
						 : waited;
		}
		if (!ring_back(ring(to), SOCKET_RING, &target->ring_pages,
			       target->written, RECORD_HEADER + total))
			return udp ? (long)total : -ENOBUFS;
		ring_copy(ring(to), SOCKET_RING, target->written,
			  (uint8_t *)&header, RECORD_HEADER, true);
		vector_copy(to, target->written + RECORD_HEADER, vector, 0,
			    total, true);
		control_files_place(given->files, to);
		given->files = NO_FILES;
		if (header.sender != NO_END)
			ends[header.sender].name_holders++;
		target->written += RECORD_HEADER + total;
		target->records++;
		end_changed(to);
		return (long)total;
	}
	uint64_t part = total - done < room ? total - done : room;

	if (done) /* the first run sent the descriptors */
		attachment.files = NO_FILES;
	if (!ring_back(ring(to), SOCKET_RING, &target->ring_pages,
		       target->written, part))
		return done ? (long)done : -ENOBUFS;
	if (part && (attachment.files != NO_FILES ||
		     !same_credentials(&attachment, last_attachment(target)))) {
		if (!mark_append(target, target->written,
				 target->written + part, &attachment))
			return done ? (long)done : -ENOBUFS;
		control_files_place(attachment.files, to);
		if (attachment.files != NO_FILES)
			given->files = NO_FILES;
	}
	vector_copy(to, target->written, vector, done, part, true);
	target->written += part;
	done += part;
	if (part)
		end_changed(to);
	if (done == total || (!may_wait && done))
		return (long)done;
	return wait_or_again(may_wait, self->send_timeout, done, to);
}

/* Binds end `index` to an abstract name of five hex digits, unless it
 * is bound (Linux's unix_autobind). */
static void autobind(unsigned index)
{
	uint8_t *name = addresses[index];
	uint64_t length = SUN_PATH_OFFSET + 6;

	if (ends[index].address_length)
		return;
	memset(name, 0, ADDRESS_MAX);
	name[0] = AF_UNIX;
	do
		print_format_to((char *)name + SUN_PATH_OFFSET + 1, 6,
				"%05x", autobound++ & 0xfffff);
	while (abstract_end(name, length, ends[index].type) >= 0);
	ends[index].address_length = (uint8_t)length;
}

/* A socket that passes credentials is bound before it connects or sends
 * a datagram, as on Linux (its peer may want to know its name). */
static void autobind_if_passing(unsigned index)
{
	if (ends[index].passes_credentials)
		autobind(index);
}

static long autobind_inet(unsigned index, const struct inet_name *to);
static void dgram_leave(unsigned index);

/* An AF_INET or AF_INET6 end's kind of binding, for its ports
 * (socket_inet.h). */
static int inet_kind(unsigned index)
{
	return ends[index].lite ? INET_UDPLITE : ends[index].type;
}

/* Where a UDP datagram from end `index` to `to` goes: the end bound to
 * it, unless that end is connected to another peer, or DATAGRAM_*. */
static unsigned udp_destination(unsigned index, const struct inet_name *to,
				const struct inet_name *from)
{
	long target = inet_find(inet_kind(index), to);
	const struct inet_name *filter;

	if (target < 0)
		return DATAGRAM_NOBODY;
	filter = inet_peer((unsigned)target);
	/* A peer's port 0 takes any port (compute_score's dport). */
	if (filter && ((filter->port && filter->port != from->port) ||
		       memcmp(filter->address, from->address, 16) != 0))
		return DATAGRAM_FILTERED;
	return (unsigned)target;
}

/* A UDP datagram to the network (net/udp.c), in fragments beyond one
 * frame's 1,472 bytes, as Linux's. */
static long send_udp_remote(struct socket_end *self,
			    const struct iovec *vector, uint64_t total,
			    int flags, const struct inet_name *to,
			    const struct udp_datagram *datagram)
{
	static uint8_t bytes[UDP_PAYLOAD_MAX]; /* one call at a time */
	uint32_t from4, to4;

	memcpy(&to4, to->address + 12, 4);
	if (self->shutdown & SEND_SHUTDOWN)
		return broken_pipe(flags, 0, false);
	if (netif_is_broadcast(to4) &&
	    !(self->flag_options & 1u << SO_BROADCAST))
		return -EACCES; /* as Linux's, without SO_BROADCAST */
	if (total > UDP_PAYLOAD_MAX)
		return -EMSGSIZE;
	uint64_t at = 0;

	for (const struct iovec *piece = vector; at < total; piece++) {
		uint64_t part = piece->length < total - at ? piece->length
							   : total - at;

		memcpy(bytes + at, (const void *)piece->base, part);
		at += part;
	}
	memcpy(&from4, datagram->source.address + 12, 4);
	udp_send(from4, datagram->source.port, to4, to->port, bytes, total,
		 datagram->marks.hops, datagram->marks.traffic);
	return (long)total;
}

/* A UDP send, to `name` (the app's, checked) or to the peer, with
 * sendmsg's control messages (`control_length` bytes at `control`,
 * checked): a pending error first (ECONNREFUSED, from a datagram of a
 * connected end that found nobody), else the datagram goes as
 * send_vector sends it. */
static long send_udp(struct file *file, const struct inet_name *name,
		     const struct iovec *vector, uint64_t total, int flags,
		     uint64_t control, uint64_t control_length)
{
	struct socket_end *self = end_of(file);
	unsigned index = (unsigned)file->position;
	const struct inet_name *peer = inet_peer(index);
	struct attachment none = nothing_attached;
	long error;

	/* Bound first, even for a send that fails (inet_send_prepare). */
	error = autobind_inet(index, NULL);
	if (error)
		return error;
	if (name == NULL && peer == NULL)
		return -EDESTADDRREQ;
	/* Then the buffer's allocation: a pending error, a shutdown
	 * (sock_alloc_send_pskb; no SIGPIPE). */
	if (self->error) {
		error = -(long)self->error;
		self->error = 0;
		return error;
	}
	if (self->shutdown & SEND_SHUTDOWN)
		return -EPIPE;
	const struct inet_name *destination = name ? name : peer;

	struct udp_datagram datagram = {
		.source = inet_source_of(index, destination)
	};

	error = inet_send_marks(index, destination, control, control_length,
				&datagram.marks);
	if (error)
		return error;
	if (total > inet_datagram_max(destination))
		return -EMSGSIZE;
	if (inet_is_remote(destination))
		return send_udp_remote(self, vector, total, flags, destination,
				       &datagram);
	unsigned to = udp_destination(index, destination, &datagram.source);
	long sent = send_vector(file, to, vector, total, flags, &none,
				&datagram);

	/* The port's unreachable error finds the sender when it is
	 * connected to where the datagram went (__udp4_lib_err). */
	/* (A receiver connected elsewhere is no receiver: Linux's lookup
	 * finds no socket, and the port is unreachable.) */
	if (sent >= 0 && (to == DATAGRAM_NOBODY || to == DATAGRAM_FILTERED) &&
	    peer &&
	    (name == NULL ||
	     (memcmp(name->address, peer->address, 16) == 0 &&
	      (peer->port == 0 || peer->port == name->port))))
		self->error = ECONNREFUSED;
	return sent;
}

/* A TCP send after the peer went (Linux's loopback, tcp_sendmsg and
 * tcp_reset): a pending reset's error first (ECONNRESET; EPIPE with
 * SIGPIPE); after the peer's FIN alone, as many of the send's bytes go
 * as a send buffer takes (a ring's worth: Linux's send stops there, as
 * the reset comes back before its buffer has room again), the closed
 * peer answers with a reset and this end is shut down (EPIPE next).
 * False to send as usual, else true and the send's *result. */
static bool tcp_send_to_gone(struct file *file, uint64_t total, int flags,
			     long *result)
{
	struct socket_end *self = end_of(file);

	if (self->error && (self->shutdown & SEND_SHUTDOWN)) {
		long error = -(long)self->error;

		self->error = 0;
		changed();
		*result = error == -EPIPE ? broken_pipe(flags, 0, true) : error;
		return true;
	}
	if (!self->peer_gone || (self->shutdown & SEND_SHUTDOWN) || total == 0)
		return false;
	self->error = EPIPE;
	self->shutdown |= SEND_SHUTDOWN;
	changed();
	*result = (long)(total < SOCKET_RING ? total : SOCKET_RING);
	return true;
}

/* AF_NETLINK. An end's name is its port id and groups (a struct
 * sockaddr_nl in its addresses slot, once bound); the kernel's port id
 * is 0. */
#define CAP_NET_ADMIN  12
#define NETLINK_CAP_ACK 10
#define ROVER_START    (-4097) /* Linux's second and later autobinds take
				  port ids below -4096 */

static uint8_t netlink_requests[NETLINK_REQUESTS_MAX];
static int32_t netlink_rover = ROVER_START;

static struct netlink_name *netlink_name_of(unsigned index)
{
	return (struct netlink_name *)addresses[index];
}

/* The end bound to port id `portid`, or -1. */
static long netlink_find(uint32_t portid)
{
	for (unsigned index = 0; index < sockets_touched; index++)
		if (ends[index].type && ends[index].family == AF_NETLINK &&
		    ends[index].address_length &&
		    netlink_name_of(index)->portid == portid)
			return index;
	return -1;
}

/* (The groups, which the slot keeps from the socket's start, stay.) */
static void netlink_bind_to(unsigned index, uint32_t portid)
{
	netlink_name_of(index)->portid = portid;
	ends[index].address_length = NETLINK_NAME_LENGTH;
}

/* An unbound end gets a port id, as Linux's netlink_autobind: the
 * process's id if no end has it, else the next free one below -4096. */
static void netlink_autobind(unsigned index)
{
	uint32_t portid = LINUX_PID;

	if (ends[index].address_length)
		return;
	while (netlink_find(portid) >= 0)
		portid = (uint32_t)netlink_rover--;
	netlink_bind_to(index, portid);
}

/* A record of `length` bytes (`vector`'s) from port id `source` into end
 * `to`'s ring: false when it has no room. */
static bool netlink_record(unsigned to, const struct iovec *vector,
			   uint64_t length, uint32_t source)
{
	struct socket_end *target = &ends[to];
	struct record_header header = { .length = (uint32_t)length,
					 .sender = NO_END,
					 .files = NO_FILES,
					 .source_portid = source };

	if (SOCKET_RING - unread(target) < RECORD_HEADER + length ||
	    !ring_back(ring(to), SOCKET_RING, &target->ring_pages,
		       target->written, RECORD_HEADER + length))
		return false;
	ring_copy(ring(to), SOCKET_RING, target->written, (uint8_t *)&header,
		  RECORD_HEADER, true);
	vector_copy(to, target->written + RECORD_HEADER, vector, 0, length,
		    true);
	target->written += RECORD_HEADER + length;
	target->records++;
	changed();
	return true;
}

/* The kernel's answer to end (uintptr_t)context: lost, with ENOBUFS
 * for the next receive, when the end has no room (Linux's overrun). */
static void netlink_deliver_answer(void *context, const void *datagram,
				   uint32_t length)
{
	unsigned to = (unsigned)(uintptr_t)context;
	struct iovec piece = { (uint64_t)datagram, length };

	if (!netlink_record(to, &piece, length, 0)) {
		ends[to].error = ENOBUFS;
		changed();
	}
}

void socket_netlink_post(const struct file *file, const void *bytes,
			 uint32_t length)
{
	if (end_of(file)->family == AF_NETLINK)
		netlink_deliver_answer((void *)(uintptr_t)file->position, bytes,
				       length);
}

/* The app's struct sockaddr_nl at `address` into *name: 0, -EINVAL
 * (short, or another family) or -EFAULT. */
static long netlink_read_name(uint64_t address, uint64_t length,
			      struct netlink_name *name)
{
	if (length < NETLINK_NAME_LENGTH)
		return -EINVAL;
	if (!vm_user_ok(address, NETLINK_NAME_LENGTH, PROT_READ))
		return -EFAULT;
	memcpy(name, (const void *)address, NETLINK_NAME_LENGTH);
	return name->family == AF_NETLINK ? 0 : -EINVAL;
}

/* The same for a destination (sendmsg's, connect's): another socket or
 * a group needs CAP_NET_ADMIN (-EPERM), as Linux's NETLINK_ROUTE. */
static long netlink_read_destination(uint64_t address, uint64_t length,
				     struct netlink_name *name)
{
	long error = netlink_read_name(address, length, name);

	if (error == 0 && (name->portid || name->groups) &&
	    !capability_effective(CAP_NET_ADMIN))
		return -EPERM;
	return error;
}

/* A send on an AF_NETLINK end (netlink_sendmsg): to the name given, else
 * to connect's; to the kernel (port id 0; groups are heard by nobody),
 * which answers at once, or to another end of the process. Unlike
 * Linux's, it never waits: -EAGAIN when that end has no room. */
static long send_netlink(struct file *file, uint64_t name, uint64_t length,
			 const struct iovec *vector, uint64_t total)
{
	unsigned index = (unsigned)file->position;
	struct socket_end *self = &ends[index];
	uint32_t to = self->destination;

	if (name && length) {
		struct netlink_name given;
		long error = netlink_read_destination(name, length, &given);

		if (error)
			return error;
		to = given.portid;
	}
	netlink_autobind(index);
	if (total > RECORD_MAX)
		return -EMSGSIZE;
	if (to != 0) {
		long target = netlink_find(to);

		if (target < 0)
			return -ECONNREFUSED;
		return netlink_record((unsigned)target, vector, total,
				      netlink_name_of(index)->portid)
			       ? (long)total
			       : -EAGAIN;
	}
	if (total > NETLINK_REQUESTS_MAX)
		return -EMSGSIZE; /* Wicket's limit: Linux's is RECORD_MAX */
	uint64_t copied = 0;

	for (const struct iovec *piece = vector; copied < total; piece++) {
		memcpy(netlink_requests + copied, (const void *)piece->base,
		       piece->length);
		copied += piece->length;
	}
	netlink_answer(netlink_requests, (uint32_t)total,
		       netlink_name_of(index)->portid,
		       self->netlink_options & (1u << NETLINK_CAP_ACK),
		       netlink_deliver_answer, (void *)(uintptr_t)index);
	return (long)total;
}

/* Whether end `end` reads TCP's urgent byte in the stream. */
static bool urgent_inline(const struct socket_end *end)
{
	return end->flag_options & 1u << SO_OOBINLINE;
}

/* Whether the end's reading stands at its urgent byte (SIOCATMARK). */
static bool at_urgent(const struct socket_end *end)
{
	return end->urgent != URGENT_NONE && end->urgent_at == end->read;
}

/* A TCP send with MSG_OOB went into end `index`'s ring: its last byte
 * is urgent now, and a former urgent byte becomes an ordinary one, but
 * for one the reader stands at, which it loses (Linux's tcp_check_urg). */
static void urgent_sent(struct socket_end *receiver, unsigned index)
{
	if (at_urgent(receiver) && !urgent_inline(receiver) &&
	    receiver->read + 1 < receiver->written)
		receiver->read++;
	receiver->urgent_at = receiver->written - 1;
	ring_copy(ring(index), SOCKET_RING, receiver->urgent_at,
		  &receiver->urgent_byte, 1, false);
	receiver->urgent = URGENT_VALID;
	receiver->urgents++;
	changed();
}

/* A send on a connected end: each kind's checks, then send_vector. */
static long send_to_peer(struct file *file, const struct iovec *vector,
			 uint64_t total, int flags, struct attachment *given)
{
	struct socket_end *self = end_of(file);

	if (self->family == AF_NETLINK)
		return send_netlink(file, 0, 0, vector, total);
	if (is_inet(self) && self->type == SOCK_DGRAM)
		return send_udp(file, NULL, vector, total, flags, 0, 0);
	if (self->family == AF_UNIX && !is_stream(self)) {
		/* A SEQPACKET end's pending error and its connection come
		 * first (unix_seqpacket_sendmsg); then both types' checks of
		 * this end, before the peer's (Linux 6.18's order). */
		if (self->type == SOCK_SEQPACKET && self->error)
			return record_send_refused(self, 0);
		if (self->type == SOCK_SEQPACKET && !self->connected)
			return -ENOTCONN;
		long refused = record_send_refused(self, total);

		if (refused)
			return refused;
	}
	/* A TCP end never connected, or refused: a pending error first
	 * (sk_stream_wait_connect), else -EPIPE and SIGPIPE. */
	if (!self->connected && is_inet(self) && self->error)
		return record_send_refused(self, 0);
	if (!self->connected)
		return is_inet(self)		    ? broken_pipe(flags, 0, true)
		       : self->type == SOCK_DGRAM ? freed_send(self, -ENOTCONN)
						  : -ENOTCONN;
	if (self->type == SOCK_DGRAM && self->peer_gone) {
		/* Linux says so once, and forgets the peer and drops what
		 * this end holds, as a disconnect does. */
		dgram_leave((unsigned)file->position);
		return freed_send(self, -ECONNREFUSED);
	}
	if (self->type == SOCK_DGRAM)
		autobind_if_passing((unsigned)file->position);
	long result;

	if (is_inet(self) && self->connected &&
	    tcp_send_to_gone(file, total, flags, &result))
		return result;
	/* A stream's or SEQPACKET's gone peer shut this end down: the
	 * send refuses before it looks at the peer's slot. */
	result = send_vector(file, self->peer, vector, total, flags, given,
			     NULL);
	if (result > 0 && (flags & MSG_OOB))
		urgent_sent(&ends[self->peer], (unsigned)self->peer);
	return result;
}

/* What a receive took besides bytes: whether a credentials message is
 * due (the receiver passes credentials and took a record, or is a
 * stream), which, and the descriptors in flight that came (the caller's
 * to install or drop). */
struct received {
	struct credentials credentials;
	bool credentials_due;
	uint16_t files;
	uint8_t source_family; /* AF_INET or AF_INET6 (UDP), AF_NETLINK: a
				  datagram's source, as it was sent, is
				  one of: */
	struct inet_name source;
	struct inet_marks marks;
	uint32_t source_portid;
	bool urgent; /* TCP's urgent byte (MSG_OOB's flag back) */
};

/* The credentials a receiver is told of for `attachment`. */
static struct credentials told_credentials(const struct attachment *attachment)
{
	return attachment->has_credentials
		       ? attachment->credentials
		       : (struct credentials){ 0, OVERFLOW_ID, OVERFLOW_ID };
}

/* How many bytes of a stream a read may take from the front of `self`'s
 * ring, at most `room`, as Linux's unix_stream_read_generic walks its
 * buffers: all with the credentials *read_with (set from the first byte
 * when !*known) when `check` (the receiver passes credentials), and
 * after a mark with descriptors, no further than its stop (*taking: that
 * mark; else NO_MARK). *stopped: the read may not go on (a credentials
 * change, or descriptors). */
static uint64_t stream_extent(const struct socket_end *self, uint64_t room,
			      bool check, struct attachment *read_with,
			      bool *known, uint16_t *taking, bool *stopped)
{
	uint64_t at = self->read;
	uint16_t current = NO_MARK, next = self->first_mark;

	*taking = NO_MARK;
	*stopped = false;
	while (next != NO_MARK && marks[next].start <= at) {
		current = next;
		next = marks[next].next;
	}
	while (room && at < self->written) {
		const struct attachment *with =
			current == NO_MARK ? &nothing_attached
					   : &marks[current].attachment;

		if (check && *known && !same_credentials(with, read_with)) {
			*stopped = true;
			break;
		}
		if (check && !*known) {
			*read_with = *with;
			*known = true;
		}
		uint64_t until = next == NO_MARK ? self->written
						 : marks[next].start;

		if (with->files != NO_FILES) {
			*taking = current;
			until = marks[current].stop;
		}
		uint64_t part = until - at < room ? until - at : room;

		at += part;
		room -= part;
		if (*taking != NO_MARK) {
			*stopped = true;
			break;
		}
		if (next == NO_MARK || at < marks[next].start)
			break;
		current = next;
		next = marks[next].next;
	}
	return at - self->read;
}

/* The bytes a stream's blocking read waits for (Linux's sock_rcvlowat):
 * all it asked for with MSG_WAITALL, else SO_RCVLOWAT's, at most all. */
static uint64_t read_target(const struct socket_end *self, int flags,
			    uint64_t total)
{
	uint64_t low = self->receive_low ? (uint64_t)self->receive_low : 1;

	return (flags & MSG_WAITALL) || low > total ? total : low;
}

/* A TCP receive with an urgent byte in the ring (receive_stream's): as
 * Linux's tcp_recvmsg, it stops before the byte after taking any, and
 * else skips it (but under SO_OOBINLINE), which ends its urgency; a
 * skipped byte is lost to recv(MSG_OOB) too. */
static long receive_to_urgent(struct file *file, const struct iovec *vector,
			      uint64_t total, int flags, uint64_t done,
			      bool may_wait)
{
	struct socket_end *self = end_of(file);
	uint64_t skip = 0, limit = unread(self);

	if (self->urgent_at == self->read) {
		if (done)
			return (long)done;
		skip = !urgent_inline(self);
	} else {
		limit = self->urgent_at - self->read;
	}
	if (skip && limit == 1 && !(flags & MSG_PEEK)) { /* the byte alone */
		self->read++;
		self->urgent = URGENT_NONE;
		changed();
		if (self->shutdown & RCV_SHUTDOWN)
			return 0;
		return wait_or_again(may_wait, self->receive_timeout, 0,
				     (unsigned)file->position);
	}
	uint64_t part = total - done < limit - skip ? total - done
						    : limit - skip;

	vector_copy((unsigned)file->position, self->read + skip, vector, done,
		    part, false);
	if (flags & MSG_PEEK)
		return (long)(done + part);
	self->read += skip + part;
	if (self->read > self->urgent_at)
		self->urgent = URGENT_NONE;
	done += part;
	changed();
	/* Linux's read ends at the urgent byte, whatever it wanted. */
	if (done < read_target(self, flags, total) && may_wait &&
	    !(self->shutdown & RCV_SHUTDOWN) &&
	    !at_urgent(self))
		return wait_or_again(true, self->receive_timeout, done,
				     (unsigned)file->position);
	return (long)done;
}

/* recv(MSG_OOB) on a TCP end (tcp_recv_urg): its urgent byte, if one
 * waits and SO_OOBINLINE is off (else -EINVAL), into the first of
 * `total` bytes (none with MSG_TRUNC; *truncated for no room). */
static long receive_urgent(struct file *file, const struct iovec *vector,
			   long total, int flags, bool *truncated)
{
	struct socket_end *self = end_of(file);

	if (self->listening)
		return -ENOTCONN;
	if (urgent_inline(self) || self->urgent != URGENT_VALID)
		return -EINVAL;
	if (total < 0)
		return total;
	if (total > 0 && !(flags & MSG_TRUNC)) {
		const struct iovec *piece = vector;

		while (piece->length == 0)
			piece++;
		*(uint8_t *)(uintptr_t)piece->base = self->urgent_byte;
	}
	*truncated = total == 0;
	if (!(flags & MSG_PEEK)) {
		self->urgent = URGENT_READ;
		changed();
	}
	return total > 0;
}

/* A stream's receive (receive_vector's): `done` bytes taken by earlier
 * runs of a MSG_WAITALL read. */
static long receive_stream(struct file *file, const struct iovec *vector,
			   uint64_t total, int flags, uint64_t done,
			   bool may_wait, struct received *got)
{
	struct socket_end *self = end_of(file);
	unsigned index = (unsigned)file->position;

	if (self->urgent != URGENT_NONE)
		return receive_to_urgent(file, vector, total, flags, done,
					 may_wait);
	struct attachment read_with = done ? self->last_read
					   : nothing_attached;
	bool known = done != 0;
	uint16_t taking;
	bool stopped;
	uint64_t part = stream_extent(self, total - done,
				      self->passes_credentials, &read_with,
				      &known, &taking, &stopped);

	/* TCP's MSG_TRUNC takes the bytes without copying them (Linux's
	 * tcp_recvmsg); AF_UNIX streams ignore the flag. */
	if (!(is_inet(self) && (flags & MSG_TRUNC)))
		vector_copy(index, self->read, vector, done, part, false);
	if (taking != NO_MARK)
		got->files = flags & MSG_PEEK
			? control_files_copy(marks[taking].attachment.files)
			: marks[taking].attachment.files;
	got->credentials = told_credentials(&read_with);
	if (flags & MSG_PEEK)
		return (long)(done + part);
	if (taking != NO_MARK) {
		control_files_place(got->files, SOCKETS_MAX);
		marks[taking].attachment.files = NO_FILES;
	}
	self->read += part;
	self->last_read = read_with;
	marks_read(self);
	done += part;
	end_changed((unsigned)file->position);
	/* Short of its target with nothing left, an AF_UNIX read takes a
	 * pending error and returns what it has (unix_stream_read_generic;
	 * TCP's keeps it). */
	if (done < read_target(self, flags, total) && !stopped &&
	    unread(self) == 0 && self->error && self->family == AF_UNIX) {
		self->error = 0;
		return (long)done;
	}
	if (done < read_target(self, flags, total) && may_wait && !stopped &&
	    !(self->shutdown & RCV_SHUTDOWN))
		return wait_or_again(true, self->receive_timeout, done,
				     (unsigned)file->position);
	return (long)done;
}

/* A receive into buffers of `total` bytes (or an error: a bad buffer,
 * which Linux finds only once there is data; a record is gone then, as
 * Linux's is): the count (a record's whole length with MSG_TRUNC), 0 at
 * the end, an error, or SYSCALL_NO_RESULT after a wait. *truncated: a
 * record was longer than the buffers; *sender: the end whose name goes
 * with the data (NO_END: none); *got: what came with it. */
static long receive_vector(struct file *file, const struct iovec *vector,
			   long total, int flags, bool *truncated,
			   uint16_t *sender, struct received *got)
{
	struct socket_end *self = end_of(file);
	struct thread *thread = sched_current();
	bool may_wait = !(file->flags & O_NONBLOCK) && !(flags & MSG_DONTWAIT);
	uint64_t done = thread->call_again && may_wait ? thread->call_done : 0;
	unsigned index = (unsigned)file->position;

	thread->call_done = 0;
	*truncated = false;
	/* (A gone peer's name is held for this end: hold_name.) */
	*sender = self->family == AF_UNIX && self->connected &&
				  ends[self->peer].address_length
			  ? self->peer
			  : NO_END;
	*got = (struct received){
		/* A stream's read that took nothing says so, as Linux's
		 * zeroed credentials. */
		.credentials = done ? told_credentials(&self->last_read)
				    : (struct credentials){ 0, 0, 0 },
		.credentials_due = is_stream(self) && self->passes_credentials,
		.files = NO_FILES,
	};
	if (is_inet(self) && is_stream(self) && (flags & MSG_OOB)) {
		long taken = receive_urgent(file, vector, total, flags,
					    truncated);

		got->urgent = taken >= 0;
		return taken;
	}
	if ((flags & MSG_OOB) && self->family == AF_UNIX)
		return -EOPNOTSUPP;
	/* (An unconnected TCP end shut for reading reads 0, as Linux's
	 * tcp_recvmsg looks at RCV_SHUTDOWN before TCP_CLOSE.) */
	if (is_inet(self) && is_stream(self) && !self->connected &&
	    !self->refused &&
	    (self->listening || !(self->shutdown & RCV_SHUTDOWN)))
		return -ENOTCONN;
	/* An AF_UNIX end not connected: before anything else, as
	 * unix_seqpacket_recvmsg and unix_stream_read_generic check. */
	if (self->family == AF_UNIX && self->type == SOCK_SEQPACKET &&
	    !self->connected)
		return -ENOTCONN;
	if (self->family == AF_UNIX && is_stream(self) && !self->connected)
		return -EINVAL;
	/* Linux's datagram receive takes a pending error before it looks
	 * at the queue (__skb_try_recv_datagram): UDP's, AF_UNIX's,
	 * netlink's. */
	if (!is_stream(self) && self->error && !done) {
		long error = -(long)self->error; /* before what is queued */

		self->error = 0;
		return error;
	}
	if (unread(self) == 0) {
		*sender = NO_END; /* nothing read: no name (msg_namelen 0) */
		if (done && (self->shutdown & RCV_SHUTDOWN))
			return (long)done; /* MSG_WAITALL cut short */
		/* After a TCP FIN, Linux's reads end (SOCK_DONE) before
		 * they report a later reset. */
		if (!done && self->error && !self->fin_received) {
			long error = -(long)self->error;

			self->error = 0;
			return error;
		}
		/* A datagram end shut for reading has no end of file (UDP's,
		 * AF_UNIX's, netlink's): only a SEQPACKET one reads 0. */
		if (!done && (self->shutdown & RCV_SHUTDOWN) &&
		    self->type == SOCK_DGRAM)
			return -EAGAIN;
		if (!done && (self->shutdown & RCV_SHUTDOWN)) {
			if (!(flags & MSG_PEEK))
				self->end_read = true;
			return 0;
		}
		if (!done && is_stream(self) && !self->connected)
			return -EINVAL;
		return wait_or_again(may_wait, self->receive_timeout, done,
				     (unsigned)file->position);
	}
	if (!is_stream(self)) {
		struct record_header header;

		ring_copy(ring(index), SOCKET_RING, self->read,
			  (uint8_t *)&header, RECORD_HEADER, false);
		uint64_t length = header.length;
		uint64_t copied = total < 0 ? 0
				  : length < (uint64_t)total ? length
							     : (uint64_t)total;
		struct attachment with = { .files = header.files };

		if (self->family == AF_UNIX)
			with = (struct attachment){
				header.credentials,
				header.has_credentials != 0, header.files
			};

		vector_copy(index, self->read + RECORD_HEADER, vector, 0,
			    copied, false);
		*truncated = total >= 0 && length > (uint64_t)total;
		*sender = header.sender < SOCKETS_MAX &&
				  ends[header.sender].address_length
			  ? header.sender : NO_END;
		got->credentials = told_credentials(&with);
		got->credentials_due = self->passes_credentials;
		got->source_family = self->family;
		got->source = header.source;
		got->marks = (struct inet_marks){
			header.destination4, header.hops, header.traffic,
			is_inet(self) && inet_is_remote(&header.source)
		};
		got->source_portid = header.source_portid;
		if (!(flags & MSG_PEEK)) {
			got->files = header.files;
			control_files_place(got->files, SOCKETS_MAX);
			self->read += RECORD_HEADER + length;
			self->records--;
			if (self->family == AF_UNIX &&
			    header.sender < SOCKETS_MAX)
				unhold(header.sender);
			end_changed((unsigned)file->position);
		} else if (total >= 0) {
			got->files = control_files_copy(header.files);
		}
		return total < 0 ? total
		       : (long)((flags & MSG_TRUNC) ? length : copied);
	}
	if (total < 0)
		return total;
	return receive_stream(file, vector, (uint64_t)total, flags, done,
			      may_wait, got);
}

long socket_transfer(struct file *file, uint64_t vector, uint64_t count,
		     bool sending)
{
	const struct iovec *pieces = (const struct iovec *)vector;
	long total = vector_total(pieces, count,
				  sending ? PROT_READ : PROT_WRITE);
	struct attachment none = nothing_attached;
	struct received got;
	bool truncated;
	uint16_t sender;

	if (sending)
		return total < 0 ? total
				 : send_to_peer(file, pieces, (uint64_t)total,
						0, &none);
	/* read and readv of nothing are 0 at once, whatever the end holds
	 * (Linux's sock_read_iter); recv of nothing is not. */
	if (total == 0)
		return 0;
	long result = receive_vector(file, pieces, total, 0, &truncated,
				     &sender, &got);

	control_files_drop(got.files); /* no room for them */
	return result;
}

long socket_put(struct file *file, const void *bytes, uint64_t length)
{
	struct iovec piece = { (uint64_t)bytes, length };
	struct attachment none = nothing_attached;

	return send_to_peer(file, &piece, length, MSG_DONTWAIT, &none);
}

long socket_get(struct file *file, void *bytes, uint64_t length)
{
	struct iovec piece = { (uint64_t)bytes, length };
	struct received got;
	bool truncated;
	uint16_t sender;
	long result = receive_vector(file, &piece, (long)length, MSG_DONTWAIT,
				     &truncated, &sender, &got);

	control_files_drop(got.files);
	return result;
}

/* End `index`'s unread messages go, with the descriptors in flight among
 * them. */
void socket_discard_queue(unsigned index)
{
	struct socket_end *end = &ends[index];

	if (end->type != SOCK_STREAM) {
		for (uint64_t at = end->read; at < end->written;) {
			struct record_header header;

			ring_copy(ring(index), SOCKET_RING, at,
				  (uint8_t *)&header, RECORD_HEADER, false);
			control_files_put_aside(header.files);
			if (end->family == AF_UNIX && header.sender < SOCKETS_MAX)
				unhold(header.sender);
			at += RECORD_HEADER + header.length;
		}
	}
	while (end->first_mark != NO_MARK)
		mark_remove_first(end);
	end->read = end->written;
	end->records = 0;
	end_changed(index); /* its ring emptied, as by a read */
	control_files_drop(NO_FILES); /* what was put aside */
}

/* End `index` goes: what waits for its accept goes with it (its peer
 * is reset, as Linux resets an unaccepted connection's), its name names
 * nothing, the ends connected to it learn so, and its unread messages
 * go. */
static void end_release(unsigned index, bool unaccepted)
{
	struct socket_end *self = &ends[index], *peer = peer_of(self);
	unsigned peer_index = self->peer;
	bool others_connected = self->connected_to;
	uint8_t remote = self->remote;

	while (self->listening && self->waiting) {
		unsigned first = self->first;

		self->first = ends[first].next;
		self->waiting--;
		end_release(first, true);
	}
	if (self->name_node)
		files_unbind_socket(self->name_node);
	if (is_inet(self))
		inet_release(index);
	if (peer && peer->type != SOCK_DGRAM) {
		/* TCP resets too when SO_LINGER says 0 s (an abortive
		 * close). */
		/* (Bytes: empty SEQPACKET records unread reset nothing, as
		 * on Linux 6.18.) */
		bool reset = unread(self) > (uint64_t)self->records *
						    RECORD_HEADER ||
			     unaccepted ||
			     (is_inet(self) && self->lingers &&
			      self->linger_seconds == 0);

		/* (A TCP peer that had this end's FIN and still sends, in
		 * CLOSE_WAIT, hears the reset as EPIPE: tcp_reset.) */
		bool close_wait = is_inet(peer) &&
				  (peer->shutdown & RCV_SHUTDOWN) &&
				  !(peer->shutdown & SEND_SHUTDOWN);

		hold_name(peer);
		peer->state_changes++;
		/* TCP: a close with nothing unread sends FIN, which ends
		 * the peer's reading only (tcp_send_to_gone, below). */
		if (is_inet(peer) && !reset) {
			peer->shutdown |= RCV_SHUTDOWN;
			peer->fin_received = true;
		} else
			peer->shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
		if (reset)
			peer->error = close_wait ? EPIPE : ECONNRESET;
	}
	/* (A socketpair's DGRAM ends are each other's peer without a
	 * connect, and stay so after this end left the other: every DGRAM
	 * end looks, so that none keeps the index another end may take.) */
	for (unsigned other = 0;
	     (others_connected || self->type == SOCK_DGRAM) &&
	     other < sockets_touched;
	     other++)
		if (ends[other].type == SOCK_DGRAM && ends[other].connected &&
		    ends[other].family == AF_UNIX && !ends[other].peer_gone &&
		    ends[other].peer == index && other != index)
			hold_name(&ends[other]);
	drop_name(self); /* if its own peer went before it */
	self->name_node = 0;
	if (self->name_holders == 0)
		self->address_length = 0;
	self->listening = false;
	socket_discard_queue(index);
	free_end(index);
	if (index >= RINGS_KEPT)
		ring_unback(ring(index), SOCKET_RING, &self->ring_pages);
	/* What changed: this end (a thread may wait on it still) and its
	 * peer; the DGRAM ends connected to it, which are not known one by
	 * one; the ends queued on a listener were released above, each
	 * naming its own. TCP looks at this end's connection alone: its
	 * hidden end is the peer of an app end, or this end. */
	if (others_connected)
		sched_wake_input_waiters();
	else
		sched_wake_for_objects(
			epoll_object(EPOLL_OBJECT_SOCKET, index),
			peer ? epoll_object(EPOLL_OBJECT_SOCKET, peer_index)
			     : 0);
	if (remote == REMOTE_APP && peer)
		tcp_kick_hidden(peer_index);
	else if (remote != REMOTE_NONE)
		tcp_kick_hidden(index);
}

void socket_release(const struct file *file)
{
	end_release((unsigned)file->position, false);
}

void socket_unreferenced(const struct file *file)
{
	(void)file;
	control_collect();
}

int16_t socket_poll(const struct file *file)
{
	const struct socket_end *self = end_of(file), *peer = peer_of(self);
	int events = 0;

	/* A listener is readable with a connection to accept; an AF_UNIX
	 * one shows its shutdowns too (TCP's, inet_csk_listen_poll, no). */
	if (self->listening && is_inet(self))
		return self->waiting ? POLLIN | POLLRDNORM : 0;
	if (self->listening)
		return (int16_t)((self->waiting ? POLLIN | POLLRDNORM : 0) |
				 (self->error ? POLLERR : 0) |
				 (self->shutdown & RCV_SHUTDOWN
					  ? POLLRDHUP | POLLIN | POLLRDNORM
					  : 0) |
				 (self->shutdown == (RCV_SHUTDOWN | SEND_SHUTDOWN)
					  ? POLLHUP
					  : 0));
	if (self->error)
		events |= POLLERR;
	/* A datagram end too: Linux's datagram_poll and unix_dgram_poll
	 * look at the shutdown, only not at a connection. */
	if (self->shutdown == (RCV_SHUTDOWN | SEND_SHUTDOWN) ||
	    (self->type != SOCK_DGRAM && !self->connected))
		events |= POLLHUP;
	if (self->shutdown & RCV_SHUTDOWN)
		events |= POLLRDHUP | POLLIN | POLLRDNORM;
	/* TCP's: readable with SO_RCVLOWAT's bytes, not counting an urgent
	 * byte a read would skip (tcp_poll); the others' with any. */
	uint64_t wanted = is_inet(self) && is_stream(self) && self->receive_low
				  ? (uint64_t)self->receive_low
				  : 1;

	if (unread(self) >= wanted + (at_urgent(self) && !urgent_inline(self)))
		events |= POLLIN | POLLRDNORM;
	if (self->urgent == URGENT_VALID)
		events |= POLLPRI;
	if (peer == NULL || (SOCKET_RING - unread(peer) >= ROOM_TO_WRITE &&
			     peer->remote != REMOTE_OPENING &&
			     !(self->type == SOCK_DGRAM &&
			       self->family == AF_UNIX &&
			       dgram_queue_full((unsigned)file->position,
						self->peer))))
		events |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return (int16_t)events;
}

/* As Linux's: each arrival wakes the receiver (a listener's new
 * connections aside: only the first, a rise); an AF_UNIX peer's reads
 * wake the sender (unix_write_space), TCP's only after a send found no
 * room, a rise of POLLOUT; a shutdown, or the peer's close, wakes both
 * sides. */
void socket_wakeups(const struct file *file, uint64_t wakeups[2],
		    bool state_changes)
{
	const struct socket_end *self = end_of(file), *peer = peer_of(self);
	uint64_t changes = state_changes ? self->state_changes : 0;

	wakeups[0] = self->written + changes;
	wakeups[1] = (self->family == AF_UNIX && peer ? peer->read : 0) +
		     self->spaces + changes;
}

int socket_family(const struct file *file)
{
	return end_of(file)->family;
}

uint64_t socket_urgents(const struct file *file)
{
	return end_of(file)->urgents;
}

long socket_at_mark(const struct file *file)
{
	const struct socket_end *self = end_of(file);

	if (self->family == AF_UNIX) /* never an urgent byte there */
		return 0;
	if (!is_inet(self) || !is_stream(self))
		return -ENOIOCTLCMD;
	return at_urgent(self);
}

uint64_t socket_inode(const struct file *file)
{
	return end_of(file)->inode;
}

/* A plain end's state as Linux's sk_state would be (socket.h). TCP on
 * the loopback: a FIN and its acknowledgement are instant, so an end
 * whose writing is shut down waits in FIN-WAIT-2 for its peer's FIN,
 * and an end whose peer's FIN came is in CLOSE-WAIT; once both ways
 * are shut, or after a reset, it is closed, as Linux's socket is when
 * its TIME-WAIT goes to a socket of its own. */
static uint8_t plain_state(unsigned index)
{
	const struct socket_end *self = &ends[index];
	bool alive = self->connected && !self->peer_gone;

	if (self->listening)
		return TCP_LISTEN;
	if (is_inet(self) && self->type == SOCK_DGRAM)
		return inet_peer(index) ? TCP_ESTABLISHED : TCP_CLOSE;
	if (self->family == AF_UNIX)
		return self->connected || self->connected_to ? TCP_ESTABLISHED
							     : TCP_CLOSE;
	if (!self->connected ||
	    (self->shutdown & SEND_SHUTDOWN &&
	     (self->shutdown & RCV_SHUTDOWN || !alive)))
		return TCP_CLOSE;
	if (self->shutdown & SEND_SHUTDOWN)
		return TCP_FIN_WAIT2;
	return self->shutdown & RCV_SHUTDOWN || !alive ? TCP_CLOSE_WAIT
						       : TCP_ESTABLISHED;
}

bool socket_view(unsigned index, struct socket_view *view)
{
	if (index >= SOCKETS_MAX || ends[index].type == 0)
		return false;
	const struct socket_end *self = &ends[index];
	uint8_t state = plain_state(index);

	*view = (struct socket_view){
		.family = self->family,
		.type = self->type,
		.lite = self->lite,
		.role = self->remote == REMOTE_APP	 ? SOCKET_REMOTE_APP
			: self->remote != REMOTE_NONE ? SOCKET_HIDDEN
						      : SOCKET_PLAIN,
		.state = state,
		.accepted = !self->unaccepted,
		.peer_alive = self->connected && !self->peer_gone,
		.inode = self->unaccepted ? 0 : self->inode,
		.uid = self->unaccepted ? 0 : self->uid,
		/* TCP's FIN is a byte of the sequence, unread until a read
		 * meets it. */
		.queued = (uint32_t)(self->listening ? self->waiting
				     : unread(self) -
						 (uint64_t)self->records *
							 RECORD_HEADER +
						 (is_inet(self) &&
						  state == TCP_CLOSE_WAIT &&
						  !self->end_read)),
		.name = addresses[index] + SUN_PATH_OFFSET,
	};
	/* A path's NUL is no part of what the tables show. */
	if (self->family == AF_UNIX && self->address_length)
		view->name_length = (uint8_t)(self->address_length -
					      SUN_PATH_OFFSET -
					      (addresses[index][2] != 0));
	return true;
}

long socket_unread(const struct file *file)
{
	const struct socket_end *self = end_of(file);
	struct record_header next;

	if (self->listening)
		return -EINVAL; /* unix_inq_len's, tcp_ioctl's */
	if (self->type != SOCK_DGRAM || unread(self) == 0) /* every byte */
		return unread(self) - (uint64_t)self->records * RECORD_HEADER;
	ring_copy(ring((unsigned)file->position), SOCKET_RING, self->read,
		  (uint8_t *)&next, RECORD_HEADER, false);
	return next.length; /* Linux's answer for a record: the next one's */
}

/* The socket behind descriptor fd, or NULL with *error -EBADF or
 * -ENOTSOCK. */
static struct file *socket_file(uint64_t fd, long *error)
{
	struct file *file = io_file(fd);

	*error = file == NULL || (file->flags & O_PATH) ? -EBADF
		 : file->kind != FILE_SOCKET	       ? -ENOTSOCK
							       : 0;
	return *error ? NULL : file;
}

/* A new socket's inode number, and its owner: the caller's file system
 * uid, as a new socket inode's on Linux. */
static void new_socket(struct socket_end *end)
{
	end->inode = files_new_inode();
	end->uid = identity()->uid[ID_FS];
}

/* A free end: its index, or -ENFILE. */
static long take_end(int type, int family)
{
	for (unsigned index = ends_taken_below; index < SOCKETS_MAX;
	     index++) {
		struct socket_end *end = &ends[index];

		if (end->type || end->name_holders)
			continue;
		*end = (struct socket_end){ .type = (uint8_t)type,
					    .family = (uint8_t)family,
					    .ring_pages = end->ring_pages,
					    .first_mark = NO_MARK,
					    .last_mark = NO_MARK,
					    .last_read = { .files = NO_FILES } };
		new_socket(end);
		ends_taken_below = index + 1;
		if (index >= sockets_touched)
			sockets_touched = index + 1;
		return index;
	}
	return -ENFILE;
}

/* A new descriptor of end `index`; the end goes again if there is none. */
static long open_end(long index, uint64_t type_flags)
{
	if (index < 0)
		return index;
	long fd = io_open(FILE_SOCKET, NODE_SOCKET, (uint64_t)index,
			  O_RDWR | ((uint32_t)type_flags & O_NONBLOCK),
			  type_flags & O_CLOEXEC);

	if (fd < 0)
		free_end((unsigned)index);
	return fd;
}

/* The type a socket or socketpair call asks for in `domain`, or Linux's
 * error: AF_UNIX's three (SOCK_RAW is SOCK_DGRAM there, as on Linux), or
 * AF_INET's and AF_INET6's TCP (SOCK_STREAM) and UDP (SOCK_DGRAM). */
static long socket_type(uint64_t domain, uint64_t type_flags,
			uint64_t protocol)
{
	uint64_t type = type_flags & SOCK_TYPE_MASK;

	if ((type_flags & ~(uint64_t)(SOCK_TYPE_MASK | O_NONBLOCK |
				      O_CLOEXEC)) ||
	    type >= SOCK_TYPES)
		return -EINVAL;
	if (is_inet_family((int)domain)) {
		if (type == SOCK_STREAM || type == SOCK_DGRAM)
			return protocol == 0 ||
					       protocol == (type == SOCK_STREAM
								    ? IPPROTO_TCP
								    : IPPROTO_UDP) ||
					       (type == SOCK_DGRAM &&
						protocol == IPPROTO_UDPLITE)
				       ? (long)type
				       : -EPROTONOSUPPORT;
		return type == SOCK_RAW ? -EPROTONOSUPPORT : -ESOCKTNOSUPPORT;
	}
	if (domain == AF_NETLINK) {
		if (type != SOCK_RAW && type != SOCK_DGRAM)
			return -ESOCKTNOSUPPORT;
		if (protocol < NETLINK_PROTOCOLS && protocol != NETLINK_ROUTE &&
		    !told_about_network) {
			told_about_network = true;
			libos_report("socket(AF_NETLINK, protocol %lu): "
				     "Wicket's netlink is NETLINK_ROUTE "
				     "alone; returning -EPROTONOSUPPORT",
				     protocol);
		}
		return protocol == NETLINK_ROUTE ? (long)type
						 : -EPROTONOSUPPORT;
	}
	if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_RAW &&
	    type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0 && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	return type == SOCK_RAW ? SOCK_DGRAM : (long)type;
}

long sys_socket(struct wk_regs *regs)
{
	uint64_t domain = regs->rdi & 0xffffffff;

	if (domain != AF_UNIX && !is_inet_family((int)domain) &&
	    domain != AF_NETLINK) {
		if (!told_about_network) {
			told_about_network = true;
			libos_report("socket(family %lu): Wicket's network is "
				     "IPv4 and IPv6 on the loopback; "
				     "returning -EAFNOSUPPORT",
				     domain);
		}
		return -EAFNOSUPPORT;
	}
	long type = socket_type(domain, regs->rsi & 0xffffffff,
				regs->rdx & 0xffffffff);

	if (is_inet_family((int)domain) && type == -EPROTONOSUPPORT &&
	    (regs->rsi & SOCK_TYPE_MASK) == SOCK_RAW && !told_about_network) {
		told_about_network = true;
		libos_report("socket: Wicket has no raw sockets; returning "
			     "-EPROTONOSUPPORT");
	}
	if (type < 0)
		return type;
	if (domain == AF_NETLINK) { /* both types are DGRAM ends */
		long index = take_end(SOCK_DGRAM, AF_NETLINK);

		if (index >= 0) {
			ends[index].raw = type == SOCK_RAW;
			*netlink_name_of((unsigned)index) =
				(struct netlink_name){ AF_NETLINK, 0, 0, 0 };
		}
		return open_end(index, regs->rsi);
	}
	long index = take_end((int)type, (int)domain);

	if (index >= 0 && is_inet_family((int)domain)) {
		ends[index].lite = (regs->rdx & 0xffffffff) == IPPROTO_UDPLITE;
		inet_open((unsigned)index, (int)domain,
			  inet_kind((unsigned)index));
	}
	return open_end(index, regs->rsi);
}

long sys_socketpair(struct wk_regs *regs)
{
	uint64_t domain = regs->rdi & 0xffffffff;
	long type = socket_type(AF_UNIX, regs->rsi & 0xffffffff,
				regs->rdx & 0xffffffff);
	int32_t fds[2];

	if (domain != AF_UNIX)
		return domain == AF_INET || domain == AF_INET6 ||
				       domain == AF_NETLINK
			       ? -EOPNOTSUPP
			       : -EAFNOSUPPORT;
	if (type < 0)
		return type;
	if (!vm_user_ok(regs->r10, sizeof(fds), PROT_WRITE))
		return -EFAULT;
	long first = take_end((int)type, AF_UNIX);
	long second = first < 0 ? first : take_end((int)type, AF_UNIX);

	if (second < 0) {
		if (first >= 0)
			free_end((unsigned)first);
		return second;
	}
	long a = open_end(first, regs->rsi);
	long b = a < 0 ? a : open_end(second, regs->rsi);

	if (b < 0) { /* open_end freed the end it could not open */
		if (a >= 0)
			io_close((uint64_t)a); /* and this frees the first */
		else
			free_end((unsigned)second);
		return b;
	}
	ends[first].peer = (uint16_t)second;
	ends[second].peer = (uint16_t)first;
	ends[first].connected = ends[second].connected = true;
	ends[first].has_peer_credentials = true;
	ends[second].has_peer_credentials = true;
	fds[0] = (int32_t)a;
	fds[1] = (int32_t)b;
	memcpy((void *)regs->r10, fds, sizeof(fds));
	return 0;
}

/* An AF_UNIX address as connect, bind and sendto take it: -EINVAL unless
 * its length holds the family and a byte more and its family is AF_UNIX;
 * -EFAULT. */
static long check_address(uint64_t address, uint64_t length)
{
	if (length <= SUN_PATH_OFFSET || length > ADDRESS_MAX)
		return -EINVAL;
	if (!vm_user_ok(address, length, PROT_READ))
		return -EFAULT;
	return *(const uint16_t *)address == AF_UNIX ? 0 : -EINVAL;
}

/* An address's path, NUL-terminated (sun_path need not be). */
static void address_path(uint64_t address, uint64_t length, char *path)
{
	memset(path, 0, ADDRESS_MAX);
	memcpy(path, (const char *)address + SUN_PATH_OFFSET,
	       length - SUN_PATH_OFFSET);
}

/* The end an abstract name (a NUL first: the bytes after the family, all
 * of them) is bound to, or -ECONNREFUSED. */
/* The end of `type` bound to an abstract name: Linux keeps one space of
 * them for each type (its hash takes the type in). */
static long abstract_end(const uint8_t *address, uint64_t length,
			 uint8_t type)
{
	for (unsigned index = 0; index < sockets_touched; index++)
		if (ends[index].type == type &&
		    ends[index].address_length == length &&
		    ends[index].name_node == 0 &&
		    memcmp(addresses[index], address, length) == 0)
			return index;
	return -ECONNREFUSED;
}

/* The end an address names: its error, -ENOENT when nothing has its path,
 * -ECONNREFUSED for a name no socket is bound to (a path that is some
 * other file, or a socket file whose socket closed). */
static long find_named(uint64_t address, uint64_t length, uint8_t type)
{
	char path[ADDRESS_MAX];
	long error = check_address(address, length);

	if (error)
		return error;
	address_path(address, length, path);
	if (path[0] == '\0')
		return abstract_end((const uint8_t *)address, length, type);
	return files_socket_at(path);
}

/* A send with a destination: a stream refuses it (-EISCONN when
 * connected); a SEQPACKET end ignores it; a DGRAM end sends to the
 * DGRAM socket it names (-EPROTOTYPE for one of another type). The end to
 * send to, or an error. */
static long send_to_name(struct file *file, uint64_t address,
			 uint64_t length, uint64_t total)
{
	struct socket_end *self = end_of(file);

	if (is_stream(self))
		return self->connected ? -EISCONN : -EOPNOTSUPP;
	if (self->type == SOCK_SEQPACKET)
		return self->connected ? (long)self->peer : -ENOTCONN;
	long error = check_address(address, length);

	if (error)
		return error;
	autobind_if_passing((unsigned)file->position);
	/* This end's own refusals come before the receiver is looked up. */
	error = record_send_refused(self, total);
	if (error)
		return error;
	long to = find_named(address, length, self->type);

	if (to >= 0 && ends[to].type != SOCK_DGRAM)
		return freed_send(self, -EPROTOTYPE);
	return to < 0 ? freed_send(self, to) : to;
}

/* A message header (sendmsg's, recvmsg's, which also writes it back)
 * into *out, and its vector: 0, -EFAULT, or -EMSGSIZE past IOV_MAX
 * pieces. */
static long read_header(uint64_t header, struct message_header *out,
			uint32_t access)
{
	if (!vm_user_ok(header, sizeof(*out), access))
		return -EFAULT;
	memcpy(out, (const void *)header, sizeof(*out));
	if (out->count > IOV_MAX)
		return -EMSGSIZE;
	if (out->count &&
	    !vm_user_ok(out->vector, out->count * sizeof(struct iovec),
			PROT_READ))
		return -EFAULT;
	return 0;
}

/* A send on an AF_INET or AF_INET6 end: TCP ignores a name, as Linux's
 * does; UDP sends to it (checked), or to the peer, with sendmsg's
 * control messages (`control_length` bytes at `control`). */
static long send_inet(struct file *file, uint64_t name, uint64_t length,
		      const struct iovec *vector, uint64_t total, int flags,
		      uint64_t control, uint64_t control_length)
{
	struct attachment none = nothing_attached;
	struct inet_name to;
	long error = 0;

	if (end_of(file)->type != SOCK_DGRAM)
		return send_to_peer(file, vector, total, flags, &none);
	if (name && length)
		error = inet_read_name((unsigned)file->position, name, length,
				       INET_SEND, &to);
	/* A name the protocol refuses (its family, port 0) comes after
	 * the bind every send makes (inet_send_prepare); one the call
	 * could not read, before. */
	if (error < 0 && error != -EFAULT && length <= STORAGE_MAX) {
		long bound = autobind_inet((unsigned)file->position, NULL);

		return bound ? bound : error;
	}
	if (error < 0)
		return error;
	return send_udp(file, name && length && error != INET_NO_NAME ? &to
								       : NULL,
			vector, total, flags, control, control_length);
}

/* A send with MSG_OOB on anything but TCP: Linux's UDP, netlink and
 * AF_UNIX (without CONFIG_AF_UNIX_OOB) refuse it. */
static bool urgent_refused(const struct file *file, int flags)
{
	const struct socket_end *self = end_of(file);

	return (flags & MSG_OOB) && !(is_inet(self) && is_stream(self));
}

/* sendmsg of the struct msghdr at `address` on `file`'s end. */
static long send_message(struct file *file, uint64_t address, int flags)
{
	struct message_header header;
	struct attachment given;
	const struct iovec *vector;
	long error = read_header(address, &header, PROT_READ);

	if (error)
		return error;
	vector = (const struct iovec *)header.vector;
	long total = vector_total(vector, header.count, PROT_READ);

	if (total < 0)
		return total;
	if (urgent_refused(file, flags))
		return -EOPNOTSUPP;
	/* Linux reads the control messages before it looks further. */
	error = control_read(header.control, header.control_length, &given);
	if (error)
		return error;
	long result;

	if (is_inet(end_of(file))) {
		result = send_inet(file, header.name, header.name_length,
				   vector, (uint64_t)total, flags,
				   header.control, header.control_length);
	} else if (end_of(file)->family == AF_NETLINK) {
		result = send_netlink(file, header.name, header.name_length,
				      vector, (uint64_t)total);
	} else if (header.name && header.name_length) {
		long to = send_to_name(file, header.name, header.name_length,
				       (uint64_t)total);

		result = to < 0 ? to
				: send_vector(file, (unsigned)to, vector,
					      (uint64_t)total, flags, &given,
					      NULL);
	} else {
		result = send_to_peer(file, vector, (uint64_t)total, flags,
				      &given);
	}
	control_files_drop(given.files); /* those that did not go */
	return result;
}

long sys_sendmsg(struct wk_regs *regs)
{
	long error;
	struct file *file = socket_file(regs->rdi, &error);

	return file ? send_message(file, regs->rsi, (int)regs->rdx) : error;
}

long sys_sendto(struct wk_regs *regs)
{
	struct iovec piece = { regs->rsi, regs->rdx };
	struct attachment none = nothing_attached;
	long error;
	struct file *file = socket_file(regs->rdi, &error);

	if (file == NULL)
		return error;
	long total = vector_total(&piece, 1, PROT_READ);

	if (total < 0)
		return total;
	if (urgent_refused(file, (int)regs->r10))
		return -EOPNOTSUPP;
	if (is_inet(end_of(file)))
		return send_inet(file, regs->r8, regs->r9 & 0xffffffff, &piece,
				 (uint64_t)total, (int)regs->r10, 0, 0);
	if (end_of(file)->family == AF_NETLINK)
		return send_netlink(file, regs->r8, regs->r9 & 0xffffffff,
				    &piece, (uint64_t)total);
	if (regs->r8 && (regs->r9 & 0xffffffff)) {
		long to = send_to_name(file, regs->r8, regs->r9 & 0xffffffff,
				       (uint64_t)total);

		return to < 0 ? to
			      : send_vector(file, (unsigned)to, &piece,
					    (uint64_t)total, (int)regs->r10,
					    &none, NULL);
	}
	return send_to_peer(file, &piece, (uint64_t)total, (int)regs->r10,
			    &none);
}

/* Writes end `index`'s name (NO_END: an unnamed one's, the family
 * alone, or nothing at all for a receive's sender) to the app's
 * `address`, up to `room` bytes; the name's whole length. */
static uint32_t write_name(unsigned index, uint64_t address, uint32_t room,
			   bool sender)
{
	static const uint8_t unnamed[2] = { AF_UNIX, 0 };
	const uint8_t *name = index == NO_END ? unnamed : addresses[index];
	uint32_t length = index == NO_END ? (sender ? 0 : sizeof(unnamed))
					  : ends[index].address_length;

	memcpy((void *)address, name, length < room ? length : room);
	return length;
}

/* `name` as end `index`'s family writes it, to the app's `address` (up
 * to `room` bytes, checked): its whole length. */
static uint32_t put_inet_name(unsigned index, const struct inet_name *name,
			      uint64_t address, uint32_t room)
{
	uint8_t bytes[INET_NAME_MAX];
	uint32_t length = inet_write_name(index, name, bytes);

	memcpy((void *)address, bytes, length < room ? length : room);
	return length;
}

/* A receive's sender name to the app (write_name's answer): a UDP
 * datagram's source as it was sent, in the family of end `index`, the
 * receiver. */
static uint32_t write_sender(unsigned index, uint16_t sender,
			     const struct received *got, uint64_t address,
			     uint32_t room)
{
	struct netlink_name netlink = { AF_NETLINK, 0, got->source_portid,
					0 };

	if (got->source_family == AF_NETLINK) {
		memcpy((void *)address, &netlink,
		       NETLINK_NAME_LENGTH < room ? NETLINK_NAME_LENGTH : room);
		return NETLINK_NAME_LENGTH;
	}
	if (!is_inet_family(got->source_family))
		return write_name(sender, address, room, true);
	return put_inet_name(index, &got->source, address, room);
}

/* recvmsg into the struct msghdr at `address` from `file`'s end. */
static long receive_message(struct file *file, uint64_t address, int flags)
{
	struct message_header header;
	struct received got;
	bool truncated;
	uint16_t sender;
	long error = read_header(address, &header, PROT_READ | PROT_WRITE);

	if (error)
		return error;
	if (header.name && header.name_length &&
	    !vm_user_ok(header.name, header.name_length, PROT_WRITE))
		return -EFAULT;
	long total = vector_total((const struct iovec *)header.vector,
				  header.count, PROT_WRITE);
	long result = receive_vector(file, (const struct iovec *)header.vector,
				     total, flags, &truncated, &sender, &got);

	if (result >= 0) {
		struct message_header *out = (struct message_header *)address;
		struct control_out control;

		out->name_length = header.name
			? write_sender((unsigned)file->position, sender,
				       &got, header.name, header.name_length)
			: 0;
		/* Linux's order: the credentials, then the descriptors. */
		control_out_start(&control, header.control,
				  header.control_length,
				  flags & MSG_CMSG_CLOEXEC);
		if (is_inet_family(got.source_family))
			inet_put_control((unsigned)file->position, &got.marks,
					 &control);
		if (got.credentials_due)
			control_put_credentials(&control, &got.credentials);
		control_put_files(&control, got.files);
		got.files = NO_FILES;
		out->control_length = control.used;
		out->flags = (truncated ? MSG_TRUNC : 0) | control.flags |
			     (flags & MSG_CMSG_CLOEXEC) |
			     (got.urgent ? MSG_OOB : 0);
	}
	control_files_drop(got.files); /* a record lost to a bad buffer */
	return result;
}

long sys_recvmsg(struct wk_regs *regs)
{
	long error;
	struct file *file = socket_file(regs->rdi, &error);

	return file ? receive_message(file, regs->rsi, (int)regs->rdx) : error;
}

/* struct mmsghdr: a struct msghdr, then msg_len (what went), 64 bytes. */
#define MMSG_SIZE      64
#define MMSG_LENGTH_AT 56
#define MSG_WAITFORONE 0x10000
#define MMSG_MAX       1024 /* UIO_MAXIOV: more are cut to it */

/* Writes message `index`'s msg_len: false for a bad address. */
static bool put_message_length(uint64_t vector, unsigned index, long length)
{
	uint64_t at = vector + (uint64_t)index * MMSG_SIZE + MMSG_LENGTH_AT;

	if (!vm_user_ok(at, 4, PROT_WRITE))
		return false;
	*(uint32_t *)at = (uint32_t)length;
	return true;
}

/* sendmmsg: the messages in order, each as sendmsg sends it, while they
 * go; the count that went, or the first one's error. Only the first may
 * wait: the later ones go as with MSG_DONTWAIT (where Linux would wait
 * for room, Wicket returns the count so far). */
long sys_sendmmsg(struct wk_regs *regs)
{
	long error;
	struct file *file = socket_file(regs->rdi, &error);
	uint64_t vector = regs->rsi;
	uint32_t count = (uint32_t)regs->rdx;
	int flags = (int)regs->r10;
	unsigned sent = 0;

	if (file == NULL)
		return error;
	if (count > MMSG_MAX)
		count = MMSG_MAX;
	for (; sent < count; sent++) {
		long result = send_message(file, vector + sent * MMSG_SIZE,
					   sent ? flags | MSG_DONTWAIT : flags);

		if (result == SYSCALL_NO_RESULT) /* the first, waiting */
			return result;
		if (result >= 0 && !put_message_length(vector, sent, result))
			result = -EFAULT;
		if (result < 0)
			return sent ? (long)sent : result;
	}
	return sent;
}

/* recvmmsg: messages as recvmsg takes them, each entry's msg_len set,
 * until `count` came, one would wait, or the timeout (if any, checked
 * after each message, as Linux's is) passed; then the time left is
 * written back. Only the first may wait (with MSG_WAITFORONE, as on
 * Linux; without it Linux would wait for each). An error after the
 * first message is kept for the next call, as Linux keeps it (but
 * -EAGAIN). The timeout counts from the call's last run (a first message
 * waited for runs it again). */
long sys_recvmmsg(struct wk_regs *regs)
{
	long error;
	struct file *file = socket_file(regs->rdi, &error);
	uint64_t vector = regs->rsi, timeout = regs->r8, deadline = 0;
	uint32_t count = (uint32_t)regs->rdx;
	int flags = (int)regs->r10 & ~MSG_WAITFORONE;
	struct linux_timespec left;
	unsigned received = 0;

	if (file == NULL)
		return error;
	if (timeout) {
		error = clock_read_timespec(timeout, &left);
		if (error)
			return error;
		deadline = clock_deadline_relative(&left);
	}
	if (count > MMSG_MAX)
		count = MMSG_MAX;
	for (; received < count; received++) {
		long result = receive_message(
			file, vector + received * MMSG_SIZE,
			received ? flags | MSG_DONTWAIT : flags);

		if (result == SYSCALL_NO_RESULT) /* the first, waiting */
			return result;
		if (result >= 0 && !put_message_length(vector, received,
							result))
			result = -EFAULT;
		if (result < 0) {
			if (!received)
				return result;
			if (result != -EAGAIN)
				end_of(file)->error = (uint8_t)-result;
			break;
		}
		if (timeout && rdtsc() >= deadline) {
			received++;
			break;
		}
	}
	if (timeout)
		clock_write_remaining(timeout, deadline);
	return received;
}

long sys_recvfrom(struct wk_regs *regs)
{
	struct iovec piece = { regs->rsi, regs->rdx };
	long error;
	struct file *file = socket_file(regs->rdi, &error);
	struct received got;
	bool truncated;
	uint16_t sender;
	uint32_t room = 0;

	if (file == NULL)
		return error;
	long total = vector_total(&piece, 1, PROT_WRITE);

	if (regs->r8 && regs->r9) {
		if (!vm_user_ok(regs->r9, 4, PROT_READ | PROT_WRITE))
			return -EFAULT;
		room = *(const uint32_t *)regs->r9;
		if ((int32_t)room < 0)
			return -EINVAL;
		if (room && !vm_user_ok(regs->r8, room, PROT_WRITE))
			return -EFAULT;
	}
	long result = receive_vector(file, &piece, total, (int)regs->r10,
				     &truncated, &sender, &got);

	if (result >= 0 && regs->r8 && regs->r9)
		*(uint32_t *)regs->r9 = write_sender(
			(unsigned)file->position, sender, &got, regs->r8, room);
	control_files_drop(got.files); /* no room for them */
	return result;
}

long sys_shutdown(struct wk_regs *regs)
{
	uint64_t how = regs->rsi & 0xffffffff;
	long error;
	struct file *file = socket_file(regs->rdi, &error);

	if (file == NULL)
		return error;
	if (end_of(file)->family == AF_NETLINK)
		return -EOPNOTSUPP;
	if (how > 2)
		return -EINVAL;
	struct socket_end *self = end_of(file), *peer = peer_of(self);
	uint8_t mode = (uint8_t)(how + 1); /* SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2 */

	/* (A reset TCP end is closed, as one never connected: Linux's
	 * TCP_CLOSE.) */
	bool unconnected =
		self->type == SOCK_DGRAM
			? inet_peer((unsigned)file->position) == NULL
			: !self->connected ||
				  (self->peer_gone &&
				   (self->shutdown & SEND_SHUTDOWN));

	self->shutdown |= mode; /* an unconnected end too, as on Linux */
	self->state_changes++;
	/* A TCP connect that said -EINPROGRESS is over (inet_shutdown's
	 * SS_CONNECTING): the next connect says -EISCONN, or -EINVAL if the
	 * connection was refused or reset. */
	if (self->remote != REMOTE_APP) { /* (a loopback connection's) */
		if (self->refused || (self->connect_pending && unconnected))
			self->refused = REFUSED_SHUT;
		self->connect_pending = false;
	}
	if (is_inet(self) && unconnected) {
		end_changed((unsigned)file->position);
		return -ENOTCONN; /* and shut down all the same */
	}
	/* The peer's side follows: AF_UNIX's both ways (unix_shutdown);
	 * TCP's only a FIN, which ends the peer's reading (a shutdown of
	 * reading tells the peer nothing). */
	if (peer && self->type != SOCK_DGRAM) {
		peer->shutdown |= (mode & SEND_SHUTDOWN ? RCV_SHUTDOWN : 0) |
				  (mode & RCV_SHUTDOWN && !is_inet(self)
					   ? SEND_SHUTDOWN
					   : 0);
		peer->state_changes++;
	}
	/* This end and its peer, and TCP their connection. */
	end_changed((unsigned)file->position);
	return 0;
}

/* A getsockopt value or a socket's name to the app, cut to the room its
 * length word gives (-EFAULT, -EINVAL for a negative one); the word then
 * says what was copied (an option's) or the whole size (a name's). */
static long put_sized(uint64_t address, uint64_t length_address,
		      const void *bytes, uint32_t size, bool whole)
{
	if (!vm_user_ok(length_address, 4, PROT_READ | PROT_WRITE))
		return -EFAULT;
	int32_t room = *(const int32_t *)length_address;
	uint32_t copied = size;

	if (room < 0)
		return -EINVAL;
	if ((uint32_t)room < copied)
		copied = (uint32_t)room;
	if (copied && !vm_user_ok(address, copied, PROT_WRITE))
		return -EFAULT;
	memcpy((void *)address, bytes, copied);
	*(int32_t *)length_address = (int32_t)(whole ? size : copied);
	return 0;
}

/* getsockname and getpeername on an AF_NETLINK end: its port id and
 * groups (0 before it is bound), or connect's (the kernel's, unless it
 * connected elsewhere). */
static long netlink_name_to(struct wk_regs *regs, unsigned index,
			    bool of_peer)
{
	const struct socket_end *self = &ends[index];
	struct netlink_name name = { AF_NETLINK, 0, 0, 0 };

	if (of_peer)
		name = (struct netlink_name){ AF_NETLINK, 0, self->destination,
					      self->destination_group };
	else
		name = *netlink_name_of(index); /* port id 0 till bound */
	return put_sized(regs->rsi, regs->rdx, &name, NETLINK_NAME_LENGTH,
			 true);
}

/* getsockname and getpeername: the name bind gave (an accepted end has
 * its listener's), or an unnamed socket's, the family alone. */
static long name_of(struct wk_regs *regs, bool of_peer)
{
	long error;
	struct file *file = socket_file(regs->rdi, &error);

	if (file == NULL)
		return error;
	const struct socket_end *self = end_of(file);
	unsigned index = (unsigned)file->position;
	const struct inet_name *inet_peer_name = NULL;

	if (self->family == AF_NETLINK)
		return netlink_name_to(regs, index, of_peer);
	if (is_inet(self) && of_peer) {
		inet_peer_name = inet_peer(index);
		/* A reset TCP end is closed: it has no peer; nor has a UDP
		 * end connected to port 0 (inet_getname). */
		if (inet_peer_name == NULL || inet_peer_name->port == 0 ||
		    (is_stream(self) && self->peer_gone &&
		     (self->shutdown & SEND_SHUTDOWN)))
			return -ENOTCONN;
	} else if (of_peer && !self->connected) {
		/* (A closed peer is still the peer until a send finds it
		 * gone: Linux's unix_peer.) */
		return -ENOTCONN;
	}
	if (!vm_user_ok(regs->rdx, 4, PROT_READ | PROT_WRITE))
		return -EFAULT;
	int32_t room = *(const int32_t *)regs->rdx;

	if (room < 0)
		return -EINVAL;
	if (is_inet(self)) {
		struct inet_name name = inet_peer_name ? *inet_peer_name
						       : inet_name_of(index);
		uint8_t bytes[INET_NAME_MAX];

		return put_sized(regs->rsi, regs->rdx, bytes,
				 inet_write_name(index, &name, bytes), true);
	}
	if (of_peer) /* a gone peer's name is held for this end */
		index = self->peer;
	if (index != NO_END && ends[index].address_length == 0)
		index = NO_END;
	if (room && !vm_user_ok(regs->rsi, (uint64_t)room, PROT_WRITE))
		return -EFAULT;
	*(int32_t *)regs->rdx = (int32_t)write_name(index, regs->rsi,
						    (uint32_t)room, false);
	return 0;
}

long sys_getsockname(struct wk_regs *regs)
{
	return name_of(regs, false);
}

long sys_getpeername(struct wk_regs *regs)
{
	return name_of(regs, true);
}

/* An AF_INET or AF_INET6 end is bound from here on. */
static long inet_bound_now(unsigned index, long error)
{
	if (error == 0)
		ends[index].address_length = INET_NAME_MAX;
	return error;
}

/* bind on an AF_INET or AF_INET6 end: Linux's checks in its order (the
 * name; then whether its address is local and whether the end is bound,
 * in IPv4's order or IPv6's), then the port. */
static long bind_inet(unsigned index, uint64_t address, uint64_t length)
{
	struct inet_name name;
	long error = inet_read_name(index, address, length, INET_BIND, &name);
	bool ipv6 = ends[index].family == AF_INET6;

	if (error == 0 && !ipv6)
		error = inet_may_bind(index, &name);
	if (error == 0 && ends[index].address_length)
		error = -EINVAL;
	if (error == 0 && ipv6)
		error = inet_may_bind(index, &name);
	if (error)
		return error;
	return inet_bound_now(index, inet_bind(index, inet_kind(index), &name));
}

/* An AF_INET or AF_INET6 end not bound yet gets an ephemeral port (and
 * when it connects to `to`, the loopback's source address for it). */
static long autobind_inet(unsigned index, const struct inet_name *to)
{
	return inet_bound_now(index,
			      inet_autobind(index, inet_kind(index), to));
}

/* bind on an AF_NETLINK end (netlink_bind): a port id once, the one it
 * has from then on (-EINVAL for another), not another end's
 * (-EADDRINUSE), 0 for one autobind picks; and the groups it hears. */
static long bind_netlink(unsigned index, uint64_t address, uint64_t length)
{
	struct netlink_name name;
	long error = netlink_read_name(address, length, &name);

	if (error)
		return error;
	if (ends[index].address_length) {
		if (name.portid != netlink_name_of(index)->portid)
			return -EINVAL;
	} else if (name.portid == 0) {
		netlink_autobind(index);
	} else if (netlink_find(name.portid) >= 0) {
		return -EADDRINUSE;
	} else {
		netlink_bind_to(index, name.portid);
	}
	netlink_name_of(index)->groups = name.groups;
	return 0;
}

/* bind: a path becomes a socket file (-EADDRINUSE if the name is
 * taken); an abstract name is the socket's alone; the family alone gets
 * an abstract name of five hex digits, as Linux's autobind. Once. */
long sys_bind(struct wk_regs *regs)
{
	uint64_t address = regs->rsi, length = regs->rdx & 0xffffffff;
	long error;
	struct file *file = socket_file(regs->rdi, &error);
	char path[ADDRESS_MAX];

	if (file == NULL)
		return error;
	struct socket_end *self = end_of(file);
	unsigned index = (unsigned)file->position;
	uint8_t *name = addresses[index];

	if (is_inet(self))
		return bind_inet(index, address, length);
	if (self->family == AF_NETLINK)
		return bind_netlink(index, address, length);
	if (length == SUN_PATH_OFFSET && vm_user_ok(address, 2, PROT_READ) &&
	    *(const uint16_t *)address == AF_UNIX) {
		autobind(index); /* bound already: nothing to do */
		return 0;
	}
	error = check_address(address, length);
	if (error)
		return error;
	address_path(address, length, path);
	/* Linux's order: a path's name first, then whether it is bound. */
	if (path[0] != '\0' && files_path_exists(path))
		return -EADDRINUSE;
	if (self->address_length)
		return -EINVAL;
	if (path[0] == '\0') {
		if (abstract_end((const uint8_t *)address, length,
				 self->type) >= 0)
			return -EADDRINUSE;
	} else {
		long node = files_bind_socket(path, (uint16_t)index);

		if (node < 0)
			return node;
		self->name_node = (uint16_t)node;
		/* Linux keeps the path to its NUL. */
		length = SUN_PATH_OFFSET + strlen(path) + 1;
	}
	/* The family, then an abstract name's bytes as given, or the path
	 * and its NUL. */
	memset(name, 0, ADDRESS_MAX);
	name[0] = AF_UNIX;
	if (path[0] == '\0')
		memcpy(name, (const void *)address, length);
	else
		memcpy(name + SUN_PATH_OFFSET, path, strlen(path));
	self->address_length = (uint8_t)length;
	return 0;
}

/* A DGRAM end leaves its peer (connect to AF_UNSPEC, or to another
 * socket), as Linux's unix_dgram_disconnected: if messages wait unread,
 * they go, and a peer connected back to it hears ECONNRESET. */
static void dgram_leave(unsigned index)
{
	struct socket_end *self = &ends[index], *old = peer_of(self);
	unsigned old_index = self->peer;

	drop_name(self);
	self->connected = false;
	self->peer_gone = false;
	if (unread(self) == 0)
		return;
	if (old && old->connected && !old->peer_gone && old->peer == index) {
		old->error = ECONNRESET; /* its POLLERR */
		sched_wake_for_objects(
			epoll_object(EPOLL_OBJECT_SOCKET, old_index), 0);
	}
	socket_discard_queue(index);
}

/* connect to AF_UNSPEC, which a DGRAM end takes as leaving its peer:
 * 0, or -EINVAL (a length short of the family, or another type's end),
 * -EFAULT; 1 for another family. */
static long connect_unspecified(unsigned index, uint64_t address,
				uint64_t length)
{
	if (length > STORAGE_MAX)
		return -EINVAL;
	if (length && !vm_user_ok(address, length, PROT_READ))
		return -EFAULT;
	if (length < sizeof(uint16_t))
		return -EINVAL;
	if (*(const uint16_t *)address != AF_UNSPEC)
		return 1;
	if (ends[index].type != SOCK_DGRAM)
		return -EINVAL;
	if (ends[index].connected)
		dgram_leave(index);
	return 0;
}

static long stream_connect(struct file *file, unsigned to,
			   const struct inet_name *inet_to);
static long queue_for_accept(unsigned index, unsigned to,
			     const struct inet_name *inet_to,
			     const struct inet_name *client);

/* A TCP connect to a peer on the network: a SYN goes (net/tcp.c), and
 * the call waits until the connection opens or fails (connect_remote_
 * again), or says -EINPROGRESS when it may not wait. */
static long connect_remote(struct file *file, const struct inet_name *to)
{
	struct socket_end *self = end_of(file);
	unsigned index = (unsigned)file->position;
	uint32_t local4, remote4;
	long error, hidden;

	memcpy(&remote4, to->address + 12, 4);
	if (netif_is_broadcast(remote4))
		return -ENETUNREACH; /* no connection to a broadcast */
	error = autobind_inet(index, to);
	if (error)
		return error;
	hidden = take_end(SOCK_STREAM, self->family);
	if (hidden < 0)
		return hidden;
	struct inet_name local = inet_name_of(index);

	memcpy(&local4, local.address + 12, 4);
	error = tcp_connect((unsigned)hidden, local4, local.port, remote4,
			    to->port);
	if (error) {
		free_end((unsigned)hidden);
		return error;
	}
	ends[hidden].remote = REMOTE_OPENING;
	ends[hidden].peer = (uint16_t)index;
	ends[hidden].connected = true;
	self->remote = REMOTE_APP;
	self->peer = (uint16_t)hidden;
	self->connected = true;
	self->connect_pending = true;
	inet_set_peer(index, to);
	if (file->flags & O_NONBLOCK)
		return -EINPROGRESS;
	/* TCP's answer (socket_remote_open, _close) names this end. */
	return wait_or_again(true, self->send_timeout, 0, index);
}

/* connect again while connect_remote's connection opens: 0 when it is
 * open, its error when it failed (the end may connect anew), else a
 * wait, or -EALREADY when the call may not wait. */
static long connect_remote_again(struct file *file)
{
	struct socket_end *self = end_of(file);

	if (self->peer_gone) {
		long error = -(long)(self->error ? self->error : ECONNREFUSED);

		self->error = 0;
		self->shutdown = 0;
		self->connected = self->peer_gone = false;
		self->connect_pending = false;
		self->remote = REMOTE_NONE;
		inet_set_peer((unsigned)file->position, NULL);
		return error;
	}
	if (ends[self->peer].remote == REMOTE_OPEN) {
		self->connect_pending = false;
		return 0;
	}
	if ((file->flags & O_NONBLOCK) && !sched_current()->call_again)
		return -EALREADY;
	return wait_or_again(true, self->send_timeout, 0,
			     (unsigned)file->position);
}

/* connect on an AF_INET or AF_INET6 end. UDP: the name becomes the peer
 * (AF_UNSPEC: none), whether or not an end is bound to it. TCP: a
 * listening end takes the connection at once, and a non-blocking
 * connect says -EINPROGRESS all the same, as Linux's does on the
 * loopback; with nothing listening, -ECONNREFUSED, for a non-blocking
 * one through SO_ERROR. */
static long connect_inet(struct file *file, uint64_t address,
			 uint64_t length)
{
	struct socket_end *self = end_of(file);
	unsigned index = (unsigned)file->position;
	struct inet_name to;
	bool nonblocking = file->flags & O_NONBLOCK;
	long error;

	if (self->type == SOCK_DGRAM && length >= sizeof(uint16_t) &&
	    vm_user_ok(address, sizeof(uint16_t), PROT_READ) &&
	    *(const uint16_t *)address == AF_UNSPEC) {
		inet_set_peer(index, NULL);
		return 0;
	}
	error = inet_read_name(index, address, length, INET_CONNECT, &to);
	if (error)
		return error;
	if (self->type == SOCK_DGRAM) {
		error = autobind_inet(index, &to);
		if (error == 0)
			inet_set_peer(index, &to);
		return error;
	}
	if (self->remote == REMOTE_APP && self->connect_pending)
		return connect_remote_again(file);
	if (self->connected && self->connect_pending) {
		self->connect_pending = false;
		return 0;
	}
	if (self->refused == REFUSED_SHUT)
		return -EINVAL;
	if (self->refused) {
		/* __inet_stream_connect on a socket the reset closed: its
		 * error (or -ECONNABORTED), and it is unconnected again. */
		long error = self->error ? -(long)self->error : -ECONNABORTED;

		self->error = 0;
		self->refused = REFUSED_NOT;
		self->shutdown = 0;
		end_changed(index);
		return error;
	}
	/* (A listener is no TCP_CLOSE socket: -EISCONN, as Linux says.) */
	if (self->connected || self->listening)
		return -EISCONN;
	if (inet_is_remote(&to))
		return connect_remote(file, &to);
	long listener = inet_find(SOCK_STREAM, &to);

	if (listener < 0) {
		/* The SYN goes from a port of its own, which it keeps, and
		 * the loopback's reset comes back at once. */
		error = autobind_inet(index, &to);
		if (error)
			return error;
		if (!nonblocking)
			return -ECONNREFUSED;
		self->error = ECONNREFUSED;
		self->refused = REFUSED;
		self->shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
		end_changed(index);
		return -EINPROGRESS;
	}
	error = autobind_inet(index, &to);
	if (error == 0)
		error = stream_connect(file, (unsigned)listener, &to);
	if (error || !nonblocking)
		return error;
	self->connect_pending = true;
	return -EINPROGRESS;
}

/* connect: a DGRAM end takes the named DGRAM socket as its peer; a
 * stream or SEQPACKET end is paired with a new end queued for the named
 * listening socket's accept (stream_connect). */
/* connect on an AF_NETLINK end (netlink_connect): where sends without
 * a name go, the kernel's by default (AF_UNSPEC: back to it). */
static long connect_netlink(unsigned index, uint64_t address,
			    uint64_t length)
{
	struct netlink_name name;
	struct socket_end *self = &ends[index];

	if (length < sizeof(uint16_t))
		return -EINVAL;
	if (!vm_user_ok(address, sizeof(uint16_t), PROT_READ))
		return -EFAULT;
	if (*(const uint16_t *)address == AF_UNSPEC) {
		self->destination = self->destination_group = 0;
		return 0;
	}
	long error = netlink_read_destination(address, length, &name);

	if (error)
		return error;
	netlink_autobind(index);
	self->destination = name.portid;
	self->destination_group = name.groups & -name.groups; /* the lowest */
	return 0;
}

long sys_connect(struct wk_regs *regs)
{
	uint64_t address = regs->rsi, length = regs->rdx & 0xffffffff;
	long error;
	struct file *file = socket_file(regs->rdi, &error);

	if (file == NULL)
		return error;
	struct socket_end *self = end_of(file);
	unsigned index = (unsigned)file->position;

	if (is_inet(self))
		return connect_inet(file, address, length);
	if (self->family == AF_NETLINK)
		return connect_netlink(index, address, length);
	error = connect_unspecified(index, address, length);
	if (error <= 0)
		return error;
	error = check_address(address, length);
	if (error)
		return error;
	autobind_if_passing(index);
	long to = find_named(address, length, self->type);

	if (to < 0)
		return to;
	struct socket_end *target = &ends[to];

	if (target->type != self->type)
		return -EPROTOTYPE;
	if (self->type != SOCK_DGRAM)
		return stream_connect(file, (unsigned)to, NULL);
	if (!may_send(index, target))
		return -EPERM;
	if (self->connected && (self->peer_gone || self->peer != to))
		dgram_leave(index);
	self->peer = (uint16_t)to;
	self->connected = true;
	self->peer_gone = false;
	target->connected_to = true;
	return 0;
}

/* A stream or SEQPACKET end connects to end `to`: a new end, its peer,
 * is queued for the listening end's accept (waiting while its queue is
 * full, as long as SO_SNDTIMEO lets it). A TCP end's new end is
 * named `inet_to`, where the connection went. */
static long stream_connect(struct file *file, unsigned to,
			   const struct inet_name *inet_to)
{
	struct socket_end *self = end_of(file), *target = &ends[to];
	unsigned index = (unsigned)file->position;

	/* TCP looks at this end first; AF_UNIX at the listener first, then
	 * at this end once there is room (unix_stream_connect). */
	if (inet_to && self->connected)
		return -EISCONN;
	if (inet_to && self->listening)
		return -EINVAL;
	if (!target->listening ||
	    (!inet_to && (target->shutdown & RCV_SHUTDOWN)))
		return -ECONNREFUSED;
	if (target->waiting >= target->backlog) /* accept names it */
		return wait_or_again(!(file->flags & O_NONBLOCK),
				     self->send_timeout, 0, to);
	if (self->connected)
		return -EISCONN;
	if (self->listening)
		return -EINVAL;
	struct inet_name client = inet_to ? inet_name_of(index)
					  : (struct inet_name){ 0 };

	long server = queue_for_accept(index, to, inet_to, &client);

	return server < 0 ? server : 0;
}

/* A new end, end `index`'s peer, queued for the listening end `to`'s
 * accept: its index, or -ENFILE. A TCP end's new end is named
 * `inet_to`, where the connection went, and its peer `client`. */
static long queue_for_accept(unsigned index, unsigned to,
			     const struct inet_name *inet_to,
			     const struct inet_name *client)
{
	struct socket_end *self = &ends[index], *target = &ends[to];
	long server = take_end(self->type, target->family);

	if (server < 0)
		return server;
	struct socket_end *accepted = &ends[server];

	accepted->peer = (uint16_t)index;
	accepted->connected = true;
	accepted->unaccepted = true;
	accepted->address_length = target->address_length;
	self->peer = (uint16_t)server;
	self->connected = true;
	if (inet_to) { /* no credentials: TCP's peer has none */
		inet_open((unsigned)server, target->family, SOCK_STREAM);
		/* TCP's accepted socket is its listener's clone. */
		accepted->flag_options = target->flag_options;
		memcpy(accepted->buffer_sizes, target->buffer_sizes,
		       sizeof(accepted->buffer_sizes));
		inet_bind_accepted((unsigned)server, self->type, inet_to);
		inet_set_peer((unsigned)server, client);
		inet_set_peer(index, inet_to);
	} else {
		accepted->has_peer_credentials = true;
		accepted->passes_credentials = target->passes_credentials;
		memcpy(addresses[server], addresses[to], ADDRESS_MAX);
		self->has_peer_credentials = true; /* the listener's */
	}
	if (target->waiting == 0) { /* at the back of the queue */
		target->first = (uint16_t)server;
	} else {
		uint16_t last = target->first;

		for (unsigned i = 1; i < target->waiting; i++)
			last = ends[last].next;
		ends[last].next = (uint16_t)server;
	}
	target->waiting++;
	/* The listener's POLLIN and the connecting end's state: the new end
	 * has no descriptor yet, and TCP (a connection from eth0) sends on
	 * its own once this returns. */
	sched_wake_for_objects(epoll_object(EPOLL_OBJECT_SOCKET, to),
			       epoll_object(EPOLL_OBJECT_SOCKET, index));
	return server;
}

long sys_listen(struct wk_regs *regs)
{
	long error;
	struct file *file = socket_file(regs->rdi, &error);
	int64_t backlog = (int32_t)regs->rsi;

	if (file == NULL)
		return error;
	struct socket_end *self = end_of(file);

	if (self->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (self->refused) /* not SS_UNCONNECTED: inet_listen's -EINVAL */
		return -EINVAL;
	if (is_inet(self) && !self->connected) {
		/* TCP listens unbound too, on an ephemeral port */
		error = autobind_inet((unsigned)file->position, NULL);
		if (error)
			return error;
		inet_listening((unsigned)file->position);
	}
	if (self->address_length == 0 || self->connected)
		return -EINVAL; /* only a bound, unconnected socket listens */
	self->listening = true;
	self->has_peer_credentials = true; /* its own, as Linux's listen */
	self->backlog = (uint16_t)(backlog < 0 ? 0
				   : backlog > LISTEN_MAX ? LISTEN_MAX
							  : backlog);
	/* Linux lets one more than the backlog wait. */
	self->backlog++;
	changed();
	return 0;
}

/* accept and accept4: the first end waiting on a listening socket, as a
 * new descriptor (SOCK_NONBLOCK, SOCK_CLOEXEC), its peer's name at
 * `address`; waits while none does. */
static long accept_on(uint64_t fd, uint64_t address, uint64_t length_address,
		      uint64_t flags)
{
	long error;
	struct file *file = socket_file(fd, &error);
	uint32_t room = 0;

	if (file == NULL)
		return error;
	struct socket_end *self = end_of(file);

	if (self->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (!self->listening)
		return -EINVAL;
	if (address) {
		if (!vm_user_ok(length_address, 4, PROT_READ | PROT_WRITE))
			return -EFAULT;
		room = *(const uint32_t *)length_address;
		if ((int32_t)room < 0)
			return -EINVAL;
		if (room && !vm_user_ok(address, room, PROT_WRITE))
			return -EFAULT;
	}
	if (self->waiting == 0) /* queue_for_accept names the listener */
		return wait_or_again(!(file->flags & O_NONBLOCK),
				     self->receive_timeout, 0,
				     (unsigned)file->position);
	unsigned accepted = self->first;
	long new_fd = io_open(FILE_SOCKET, NODE_SOCKET, accepted,
			      O_RDWR | ((uint32_t)flags & O_NONBLOCK),
			      flags & O_CLOEXEC);

	if (new_fd < 0)
		return new_fd;
	self->first = ends[accepted].next;
	self->waiting--;
	ends[accepted].unaccepted = false;
	new_socket(&ends[accepted]); /* Linux's accept makes its socket now */
	if (address) {
		const struct socket_end *client = &ends[accepted];
		unsigned peer = client->peer_gone ? NO_END : client->peer;

		if (peer != NO_END && ends[peer].address_length == 0)
			peer = NO_END;
		/* An inet client's name, in the accepted end's family. */
		*(uint32_t *)length_address =
			is_inet(client)
				? put_inet_name(accepted, inet_peer(accepted),
						address, room)
				: write_name(peer, address, room, false);
	}
	/* The listener's queue shrank: its POLLIN, and the connects waiting
	 * for room in it (they wait on the listener); nothing of TCP's
	 * changed. */
	sched_wake_for_objects(
		epoll_object(EPOLL_OBJECT_SOCKET, (unsigned)file->position), 0);
	return new_fd;
}

long sys_accept(struct wk_regs *regs)
{
	return accept_on(regs->rdi, regs->rsi, regs->rdx, 0);
}

long sys_accept4(struct wk_regs *regs)
{
	if (regs->r10 & ~(uint64_t)(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	return accept_on(regs->rdi, regs->rsi, regs->rdx, regs->r10);
}

/* SO_SNDBUF's and SO_RCVBUF's sizes, as Linux reports them: TCP's
 * defaults are tcp_wmem's and tcp_rmem's, the others wmem_default's and
 * rmem_default's. They change nothing: every end's ring is SOCKET_RING
 * bytes. */
#define BUFFER_DEFAULT     212992
#define BUFFER_MAX         212992 /* wmem_max and rmem_max */
#define TCP_SEND_DEFAULT   16384
#define TCP_RECEIVE_DEFAULT 131072
#define SEND_BUFFER_MIN    4608 /* SOCK_MIN_SNDBUF */
#define TCP_LOW_MAX        (6291456 / 2) /* SO_RCVLOWAT: tcp_rmem[2] / 2 */
#define RECEIVE_BUFFER_MIN 2304 /* SOCK_MIN_RCVBUF */

static int32_t buffer_size(const struct socket_end *end, bool receive)
{
	if (end->buffer_sizes[receive])
		return end->buffer_sizes[receive];
	if (is_inet(end) && is_stream(end))
		return receive ? TCP_RECEIVE_DEFAULT : TCP_SEND_DEFAULT;
	return BUFFER_DEFAULT;
}

/* setsockopt's SO_SNDBUF and SO_RCVBUF (sock_setsockopt): twice the
 * value asked, within Linux's bounds. */
static void set_buffer_size(struct socket_end *end, bool receive,
			    int32_t value)
{
	uint32_t asked = (uint32_t)value < BUFFER_MAX ? (uint32_t)value
						       : BUFFER_MAX;
	int32_t least = receive ? RECEIVE_BUFFER_MIN : SEND_BUFFER_MIN;

	end->buffer_sizes[receive] = (int32_t)(asked * 2) > least
					     ? (int32_t)(asked * 2)
					     : least;
}

/* getsockopt's int options on SOL_SOCKET, or -ENOPROTOOPT. */
static long option_value(const struct socket_end *end, uint64_t name,
			 int32_t *value)
{
	unsigned index = (unsigned)(end - ends);

	if (is_inet(end)) {
		if (name == SO_PROTOCOL) {
			*value = end->lite		  ? IPPROTO_UDPLITE
				 : end->type == SOCK_DGRAM ? IPPROTO_UDP
							   : IPPROTO_TCP;
			return 0;
		}
		if (name == SO_REUSEADDR || name == SO_REUSEPORT) {
			*value = inet_reuse(index, (int)name, false, false);
			return 0;
		}
	}
	switch (name) {
	case SO_TYPE:
		*value = end->raw ? SOCK_RAW : end->type;
		return 0;
	case SO_DOMAIN:
		*value = end->family;
		return 0;
	case SO_ACCEPTCONN:
		*value = end->listening;
		return 0;
	case SO_PASSCRED:
		*value = end->passes_credentials;
		return 0;
	case SO_KEEPALIVE:
	case SO_BROADCAST:
	case SO_DONTROUTE:
	case SO_OOBINLINE:
		*value = end->flag_options >> name & 1;
		return 0;
	case SO_ERROR:
	case SO_PROTOCOL:
	case SO_REUSEADDR:
	case SO_SNDLOWAT:
		*value = 0;
		return 0;
	case SO_RCVLOWAT:
		*value = end->receive_low ? end->receive_low : 1;
		return 0;
	case SO_SNDBUF:
	case SO_RCVBUF:
		*value = buffer_size(end, name == SO_RCVBUF);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

/* SOL_NETLINK's options that are flags: NETLINK_PKTINFO,
 * NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS, NETLINK_LISTEN_ALL_NSID,
 * NETLINK_CAP_ACK (which Wicket's acknowledgements follow),
 * NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK; the others kept by nothing. */
#define SOL_NETLINK            270
#define NETLINK_ADD_MEMBERSHIP 1
#define NETLINK_DROP_MEMBERSHIP 2
#define NETLINK_FLAG_OPTIONS   0x1d38 /* bits 3, 4, 5, 8, 10, 11, 12 */
#define RTNLGRP_MAX            64 /* groups one may join: above Linux's */

/* getsockopt (`setting` false: `length` is the address of the length)
 * and setsockopt (`length` is the length) on SOL_NETLINK
 * (netlink_getsockopt, netlink_setsockopt). Joining a group is taken,
 * and the group is one getsockname tells of (up to 32), but nothing is
 * ever sent to a group. */
static long netlink_option(struct socket_end *end, uint64_t level,
			   uint64_t name, uint64_t length, uint64_t value,
			   bool setting)
{
	bool flag = name < 16 && (NETLINK_FLAG_OPTIONS >> name) & 1;
	int32_t number = 0;

	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	if (!setting) {
		if (!flag)
			return -ENOPROTOOPT;
		if (!vm_user_ok(length, 4, PROT_READ | PROT_WRITE))
			return -EFAULT;
		if (*(const int32_t *)length < (int32_t)sizeof(number))
			return -EINVAL;
		if (!vm_user_ok(value, sizeof(number), PROT_WRITE))
			return -EFAULT;
		*(int32_t *)value = (end->netlink_options >> name) & 1;
		*(int32_t *)length = sizeof(number);
		return 0;
	}
	if (length >= sizeof(number)) { /* shorter: 0, as on Linux */
		if (!vm_user_ok(value, sizeof(number), PROT_READ))
			return -EFAULT;
		number = *(const int32_t *)value;
	}
	if (flag) {
		end->netlink_options &= (uint16_t)~(1u << name);
		end->netlink_options |= (uint16_t)((number != 0) << name);
		return 0;
	}
	if (name != NETLINK_ADD_MEMBERSHIP && name != NETLINK_DROP_MEMBERSHIP)
		return -ENOPROTOOPT;
	if (number < 1 || number > RTNLGRP_MAX)
		return -EINVAL;
	unsigned index = (unsigned)(end - ends);

	if (number <= 32 && name == NETLINK_ADD_MEMBERSHIP)
		netlink_name_of(index)->groups |= 1u << (number - 1);
	else if (number <= 32)
		netlink_name_of(index)->groups &= ~(1u << (number - 1));
	return 0;
}

/* UDP-Lite's checksum coverage options, on SOL_UDPLITE or SOL_UDP:
 * whether `name` is one (*error -ENOPROTOOPT when setting it on an end
 * not UDP-Lite's, whose coverage reads as 0, as Linux's). */
#define UDPLITE_SEND_CSCOV 10
#define UDPLITE_RECV_CSCOV 11

static bool is_coverage(const struct socket_end *end, uint64_t level,
			uint64_t name, bool setting, long *error)
{
	if (!is_inet(end) || end->type != SOCK_DGRAM ||
	    (level != IPPROTO_UDPLITE && level != IPPROTO_UDP) ||
	    (name != UDPLITE_SEND_CSCOV && name != UDPLITE_RECV_CSCOV))
		return false;
	*error = end->lite || !setting ? 0 : -ENOPROTOOPT;
	return true;
}

long sys_getsockopt(struct wk_regs *regs)
{
	uint64_t level = regs->rsi & 0xffffffff, name = regs->rdx & 0xffffffff;
	uint64_t value_address = regs->r10, length_address = regs->r8;
	long error;
	struct file *file = socket_file(regs->rdi, &error);
	uint8_t bytes[16] = { 0 };
	uint64_t size = sizeof(int32_t);

	if (file == NULL)
		return error;
	struct socket_end *end = end_of(file);

	if (level != SOL_SOCKET && end->family == AF_NETLINK)
		return netlink_option(end, level, name, length_address,
				      value_address, false);
	if (level != SOL_SOCKET && !is_inet(end))
		return -EOPNOTSUPP;
	int32_t coverage;

	if (is_coverage(end, level, name, false, &error)) {
		coverage = end->coverage[name - UDPLITE_SEND_CSCOV];
		return put_sized(value_address, length_address, &coverage,
				 sizeof(coverage), false);
	}
	if (!vm_user_ok(length_address, 4, PROT_READ | PROT_WRITE))
		return -EFAULT;
	int32_t room = *(const int32_t *)length_address;

	if (room < 0)
		return -EINVAL;
	if (level != SOL_SOCKET) {
		int32_t value;

		error = inet_option((unsigned)file->position, level, name,
				    false, &value);
		if (error)
			return error;
		memcpy(bytes, &value, sizeof(value));
	} else if (name == SO_PEERCRED) { /* struct ucred */
		/* Linux gives the effective ids (its peer's when it
		 * connected; Wicket's are the process's own, now). */
		struct credentials peer =
			end->has_peer_credentials
				? (struct credentials){
					  LINUX_PID,
					  identity()->uid[ID_EFFECTIVE],
					  identity()->gid[ID_EFFECTIVE] }
				: (struct credentials){ 0, UINT32_MAX,
							UINT32_MAX };

		memcpy(bytes, &peer, sizeof(peer));
		size = sizeof(peer);
	} else if (name == SO_RCVTIMEO || name == SO_RCVTIMEO_NEW ||
		   name == SO_SNDTIMEO || name == SO_SNDTIMEO_NEW) {
		int64_t timeout = name == SO_RCVTIMEO ||
						  name == SO_RCVTIMEO_NEW
					  ? end->receive_timeout
					  : end->send_timeout;
		struct linux_timeval time = { 0, 0 };

		if (timeout > 0)
			time = (struct linux_timeval){ timeout / 1000000,
						       timeout % 1000000 };
		memcpy(bytes, &time, sizeof(time));
		size = sizeof(time);
	} else if (name == SO_LINGER) {
		int32_t linger[2] = { end->lingers, end->linger_seconds };

		memcpy(bytes, linger, sizeof(linger));
		size = sizeof(linger);
	} else {
		int32_t value;

		error = option_value(end, name, &value);
		if (error)
			return error;
		if (name == SO_ERROR) {
			value = end->error;
			end->error = 0;
		}
		memcpy(bytes, &value, sizeof(value));
	}
	return put_sized(value_address, length_address, bytes, (uint32_t)size,
			 false);
}

/* SO_RCVTIMEO, SO_SNDTIMEO: the struct timeval at `value` (`length`
 * bytes) into *timeout, as Linux's sock_set_timeout takes it: -EINVAL
 * (short), -EFAULT, -EDOM (microseconds out of range); a negative time
 * never waits, and zero (or a time past TIMEOUT_SECONDS_MAX) always
 * waits. */
static long read_timeout(uint64_t value, uint64_t length, int64_t *timeout)
{
	struct linux_timeval time;

	if (length < sizeof(time))
		return -EINVAL;
	if (!vm_user_ok(value, sizeof(time), PROT_READ))
		return -EFAULT;
	memcpy(&time, (const void *)value, sizeof(time));
	if (time.microseconds < 0 || time.microseconds >= 1000000)
		return -EDOM;
	if (time.seconds < 0)
		*timeout = TIMEOUT_IMMEDIATE;
	else if (time.seconds >= TIMEOUT_SECONDS_MAX)
		*timeout = TIMEOUT_NONE;
	else
		*timeout = time.seconds * 1000000 + time.microseconds;
	return 0;
}

/* setsockopt: the options Linux's AF_UNIX sockets take on SOL_SOCKET:
 * SO_PASSCRED and the timeouts act; the others are taken and change
 * nothing here. */
long sys_setsockopt(struct wk_regs *regs)
{
	uint64_t level = regs->rsi & 0xffffffff, name = regs->rdx & 0xffffffff;
	uint64_t length = regs->r8 & 0xffffffff;
	long error;
	struct file *file = socket_file(regs->rdi, &error);
	int32_t value;

	if (file == NULL)
		return error;
	struct socket_end *end = end_of(file);

	if (level != SOL_SOCKET && end->family == AF_NETLINK)
		return netlink_option(end, level, name, length, regs->r10,
				      true);
	if (is_coverage(end, level, name, true, &error)) {
		if (error)
			return error;
		if (length < sizeof(value))
			return -EINVAL;
		if (!vm_user_ok(regs->r10, sizeof(value), PROT_READ))
			return -EFAULT;
		value = *(const int32_t *)regs->r10;
		/* Linux's: below 8 is 8 (but 0, the whole datagram), and at
		 * most 65,535. */
		end->coverage[name - UDPLITE_SEND_CSCOV] =
			(uint16_t)(value != 0 && value < 8 ? 8
				   : value > UINT16_MAX	   ? UINT16_MAX
							   : value);
		return 0;
	}
	if (level != SOL_SOCKET) {
		if (!is_inet(end))
			return -EOPNOTSUPP;
		/* IP's options also take a byte, and no value as 0
		 * (ip_setsockopt); the others an int. */
		if (level == IPPROTO_IP && length < sizeof(value)) {
			if (length && !vm_user_ok(regs->r10, 1, PROT_READ))
				return -EFAULT;
			value = length ? *(const uint8_t *)regs->r10 : 0;
			return inet_option((unsigned)file->position, level,
					   name, true, &value);
		}
		if (length < sizeof(value))
			return -EINVAL;
		if (!vm_user_ok(regs->r10, sizeof(value), PROT_READ))
			return -EFAULT;
		value = *(const int32_t *)regs->r10;
		return inet_option((unsigned)file->position, level, name, true,
				   &value);
	}
	if (name == SO_RCVTIMEO || name == SO_RCVTIMEO_NEW)
		return read_timeout(regs->r10, length, &end->receive_timeout);
	if (name == SO_SNDTIMEO || name == SO_SNDTIMEO_NEW)
		return read_timeout(regs->r10, length, &end->send_timeout);
	if (name == SO_LINGER) { /* struct linger: l_onoff, l_linger */
		int32_t linger[2];

		if (length < sizeof(linger))
			return -EINVAL;
		if (!vm_user_ok(regs->r10, sizeof(linger), PROT_READ))
			return -EFAULT;
		memcpy(linger, (const void *)regs->r10, sizeof(linger));
		end->lingers = linger[0] != 0;
		if (end->lingers)
			end->linger_seconds = linger[1];
		return 0;
	}
	if (length < sizeof(value))
		return -EINVAL;
	if (!vm_user_ok(regs->r10, sizeof(value), PROT_READ))
		return -EFAULT;
	if (name == SO_TYPE || name == SO_ERROR || name == SO_DOMAIN ||
	    name == SO_PROTOCOL || name == SO_ACCEPTCONN ||
	    name == SO_PEERCRED)
		return -ENOPROTOOPT;
	value = *(const int32_t *)regs->r10;
	if (name == SO_PASSCRED) {
		end->passes_credentials = value != 0;
		return 0;
	}
	if (name == SO_SNDBUF || name == SO_RCVBUF) {
		set_buffer_size(end, name == SO_RCVBUF, value);
		return 0;
	}
	if (name == SO_RCVLOWAT) { /* negative: INT_MAX; TCP's capped */
		if (value < 0)
			value = INT32_MAX;
		if (is_inet(end) && is_stream(end) && value > TCP_LOW_MAX)
			value = TCP_LOW_MAX;
		end->receive_low = value; /* a lower mark can make it readable */
		wake_for_end((unsigned)file->position);
		return 0;
	}
	if (name == SO_KEEPALIVE || name == SO_BROADCAST ||
	    name == SO_DONTROUTE || name == SO_OOBINLINE) {
		if (value)
			end->flag_options |= (uint16_t)(1u << name);
		else
			end->flag_options &= (uint16_t)~(1u << name);
		return 0;
	}
	if (is_inet(end) && (name == SO_REUSEADDR || name == SO_REUSEPORT)) {
		inet_reuse((unsigned)file->position, (int)name, true,
			   value != 0);
		return 0;
	}
	return option_value(end, name, &value);
}

/* Connections on the network (socket.h). */

long socket_remote_accept(unsigned listener, const struct inet_name *local,
			  const struct inet_name *remote)
{
	struct socket_end *target = &ends[listener];

	if (!target->listening || target->waiting >= target->backlog)
		return -ECONNREFUSED;
	long hidden = take_end(SOCK_STREAM, target->family);

	if (hidden < 0)
		return hidden;
	long server = queue_for_accept((unsigned)hidden, listener, local,
				       remote);

	if (server < 0) {
		free_end((unsigned)hidden);
		return server;
	}
	ends[hidden].remote = REMOTE_OPEN;
	ends[hidden].peer = (uint16_t)server;
	ends[hidden].connected = true;
	ends[server].remote = REMOTE_APP;
	return hidden;
}

/* TCP's answer to a connect: TCP sends what it must itself, so only the
 * waiters on the two ends need telling (the app end's connect, its
 * POLLOUT); as for socket_remote_finished and socket_remote_refused. */
void socket_remote_open(unsigned hidden)
{
	ends[hidden].remote = REMOTE_OPEN;
	wake_for_end(hidden);
}

uint64_t socket_remote_queued(unsigned hidden)
{
	return unread(&ends[hidden]);
}

void socket_remote_peek(unsigned hidden, uint64_t offset, void *bytes,
			uint64_t length)
{
	ring_copy(ring(hidden), SOCKET_RING, ends[hidden].read + offset, bytes,
		  length, false);
}

void socket_remote_acked(unsigned hidden, uint64_t length)
{
	ends[hidden].read += length;
	wake_for_end(hidden);
	tcp_kick();
}

/* The app's end's close or shutdown(SHUT_WR) shut the hidden end's
 * reading (end_release, sys_shutdown); an abortive close left it an
 * error too. */
enum remote_sending socket_remote_sending(unsigned hidden)
{
	const struct socket_end *self = &ends[hidden];

	if (self->error)
		return REMOTE_ABORTED;
	return self->shutdown & RCV_SHUTDOWN ? REMOTE_FINISHED
					     : REMOTE_SENDING;
}

long socket_remote_app(unsigned hidden)
{
	return peer_of(&ends[hidden]) ? ends[hidden].peer : -1;
}

bool socket_remote_app_gone(unsigned hidden)
{
	return peer_of(&ends[hidden]) == NULL;
}

uint64_t socket_remote_room(unsigned hidden)
{
	const struct socket_end *app = peer_of(&ends[hidden]);

	return app ? SOCKET_RING - unread(app) : 0;
}

uint64_t socket_remote_deliver(unsigned hidden, const void *bytes,
			       uint64_t length)
{
	unsigned index = ends[hidden].peer;
	struct socket_end *app = &ends[index];

	if (!ring_back(ring(index), SOCKET_RING, &app->ring_pages,
		       app->written, length))
		return 0; /* no memory: the peer sends them again */
	ring_copy(ring(index), SOCKET_RING, app->written, (uint8_t *)bytes,
		  length, true);
	app->written += length;
	wake_for_end(index);
	tcp_kick();
	return length;
}

bool socket_remote_keepalive(unsigned hidden, uint32_t times[3])
{
	const struct socket_end *app = peer_of(&ends[hidden]);

	if (app == NULL || !(app->flag_options & 1u << SO_KEEPALIVE))
		return false;
	inet_keepalive(ends[hidden].peer, times);
	return true;
}

void socket_remote_finished(unsigned hidden)
{
	struct socket_end *app = peer_of(&ends[hidden]);

	if (app)
		app->shutdown |= RCV_SHUTDOWN;
	wake_for_end(hidden); /* and the app's end */
}

void socket_remote_close(unsigned hidden, int error)
{
	struct socket_end *self = &ends[hidden], *app = peer_of(self);

	if (app) {
		app->peer_gone = true;
		if (error) {
			app->error = (uint8_t)error;
			app->shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
		} else {
			app->shutdown |= RCV_SHUTDOWN;
			app->fin_received = true;
		}
	}
	self->peer_gone = true;
	end_release(hidden, false);
}

void socket_remote_refused(unsigned index, const struct inet_name *to)
{
	const struct inet_name *peer = inet_peer(index);

	if (peer && peer->port == to->port &&
	    memcmp(peer->address, to->address, 16) == 0) {
		ends[index].error = ECONNREFUSED;
		wake_for_end(index);
	}
}

void socket_remote_exit(void)
{
	for (unsigned index = 0; index < sockets_touched; index++) {
		struct socket_end *self = &ends[index],
				  *peer = peer_of(self);

		if (self->type && self->remote == REMOTE_APP && peer) {
			peer->peer_gone = true;
			peer->shutdown |= RCV_SHUTDOWN;
			if (unread(self) || self->unaccepted ||
			    (self->lingers && self->linger_seconds == 0))
				peer->error = ECONNRESET;
		}
	}
	changed();
}

void socket_remote_datagram(unsigned index, const struct inet_name *source,
			    uint32_t destination, uint8_t ttl, uint8_t tos,
			    const void *bytes, uint64_t length)
{
	struct socket_end *self = &ends[index];
	const struct inet_name *peer = inet_peer(index);
	struct record_header header = { .length = (uint32_t)length,
					.sender = NO_END,
					.files = NO_FILES,
					.source = *source,
					.hops = ttl,
					.traffic = tos,
					.destination4 = destination };

	if (peer && (peer->port != source->port ||
		     memcmp(peer->address, source->address, 16) != 0))
		return; /* a connected end takes its peer's alone */
	if (SOCKET_RING - unread(self) < RECORD_HEADER + length ||
	    !ring_back(ring(index), SOCKET_RING, &self->ring_pages,
		       self->written, RECORD_HEADER + length))
		return;
	ring_copy(ring(index), SOCKET_RING, self->written, (uint8_t *)&header,
		  RECORD_HEADER, true);
	ring_copy(ring(index), SOCKET_RING, self->written + RECORD_HEADER,
		  (uint8_t *)bytes, length, true);
	self->written += RECORD_HEADER + length;
	self->records++;
	changed();
}
