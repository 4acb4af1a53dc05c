/*
 * Sockets: connected AF_UNIX pairs within the one process (socketpair), of
 * the three types Linux's AF_UNIX has: SOCK_STREAM, SOCK_SEQPACKET and
 * SOCK_DGRAM. Wicket has no network and no socket files: socket() makes
 * an AF_UNIX socket that can be asked about but never bound (-EOPNOTSUPP,
 * said once) nor connected (no name is a socket: -ENOENT, or
 * -ECONNREFUSED for a name that is something else), and every other
 * family is -EAFNOSUPPORT (said once).
 *
 * Each end has a receive ring of SOCKET_RING bytes in the libOS's memory
 * (LIBOS_SOCKET_BUFFERS, mapped when its slot is first used and kept); a
 * send appends to the peer's ring. A stream's bytes run together; a
 * SEQPACKET or DGRAM message is one record (its length, then its bytes),
 * read whole or cut short (MSG_TRUNC). As on Linux (net/unix/af_unix.c):
 * a stream send that does not fit goes in as room comes, and one that
 * waited after part of it went in returns that part's count if a
 * signal's handler ends it (thread.h, call_done); a record waits until it
 * fits whole; an end that shut down writing, or whose peer shut down
 * reading, refuses sends with -EPIPE, and a stream's also raises SIGPIPE
 * unless MSG_NOSIGNAL; a receive with nothing queued waits, or returns 0
 * once the end shut down reading (the peer's close or SHUT_WR does that
 * to a stream or SEQPACKET end; a pending ECONNRESET, from a peer that
 * closed with data unread, comes first). O_NONBLOCK and MSG_DONTWAIT turn
 * each wait into -EAGAIN. Waiting threads wait as a pipe's do
 * (linux/pipe.c).
 *
 * Not here: passing descriptors or credentials (a control message is
 * -EOPNOTSUPP, said once), MSG_OOB, and the socket options' effects
 * (SO_RCVTIMEO and the rest are taken and kept by nothing).
 */
#include "linux/socket.h"

#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "layout.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/files.h"
#include "linux/signal.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "wicket/native.h"

#define SOCKETS_MAX   256 /* ends */
#define SOCKET_RING   (256 << 10)
#define RECORD_HEADER 4
#define RECORD_MAX    (212992 - 32) /* Linux's default send buffer's */
#define ROOM_TO_WRITE 4096 /* poll's POLLOUT: this much room in the peer's ring */
#define IOV_MAX       1024
#define RW_MAX        0x7ffff000

#define AF_UNIX  1
#define AF_INET  2
#define AF_INET6 10

#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_SEQPACKET 5
#define SOCK_TYPES     11 /* Linux's SOCK_MAX */
#define SOCK_TYPE_MASK 0xf

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
#define SO_PEERCRED   17
#define SO_RCVLOWAT   18
#define SO_SNDLOWAT   19
#define SO_RCVTIMEO   20
#define SO_SNDTIMEO   21
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL   38
#define SO_DOMAIN     39

#define POLLWRBAND 0x200
#define POLLRDHUP  0x2000

#define SIGPIPE 13
#define SI_USER 0

#define SUN_PATH_OFFSET 2 /* struct sockaddr_un: the family, then the path */

struct socket_end {
	uint64_t written, read; /* its receive ring's byte counts */
	uint32_t records;       /* SEQPACKET, DGRAM: messages in the ring */
	uint16_t peer;          /* the other end, when connected */
	uint8_t type;           /* SOCK_*; 0: a free slot */
	uint8_t shutdown;       /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	uint8_t error;          /* pending, for the next receive or SO_ERROR */
	bool connected;         /* peer is (or was, if peer_gone) its peer */
	bool peer_gone;         /* the peer closed (its slot may be reused) */
	bool mapped;
};

static struct socket_end ends[SOCKETS_MAX];
static bool told_about_network, told_about_names, told_about_control;

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

static struct socket_end *end_of(const struct file *file)
{
	return &ends[file->position];
}

/* The connected peer, or NULL when there is none (any more). */
static struct socket_end *peer_of(const struct socket_end *end)
{
	return end->connected && !end->peer_gone ? &ends[end->peer] : NULL;
}

static bool is_stream(const struct socket_end *end)
{
	return end->type == SOCK_STREAM;
}

static uint64_t unread(const struct socket_end *end)
{
	return end->written - end->read;
}

/* The ring's bytes from byte count `at`, `length` of them, to `out` (or
 * from `in`, when writing). */
static void ring_copy(unsigned index, uint64_t at, uint8_t *out,
		      const uint8_t *in, uint64_t length)
{
	uint64_t offset = at % SOCKET_RING;
	uint64_t first = SOCKET_RING - offset < length ? SOCKET_RING - offset
						       : length;
	uint8_t *base = ring(index);

	if (in) {
		memcpy(base + offset, in, first);
		memcpy(base, in + first, length - first);
	} else {
		memcpy(out, base + offset, first);
		memcpy(out + first, base, length - first);
	}
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
		uint8_t *user = (uint8_t *)(piece->base + skip);

		ring_copy(index, at, into_ring ? NULL : user,
			  into_ring ? user : NULL, part);
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

static long wait_or_again(bool may_wait)
{
	if (!may_wait)
		return -EAGAIN;
	sched_wait_for_input(WAIT_POLL, 0);
	return SYSCALL_NO_RESULT;
}

/* Something the ends wait for changed. */
static void changed(void)
{
	sched_wake_input_waiters();
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

static long send_vector(struct file *file, const struct iovec *vector,
			uint64_t total, int flags)
{
	struct socket_end *self = end_of(file), *peer = peer_of(self);
	struct thread *thread = sched_current();
	bool may_wait = !(file->flags & O_NONBLOCK) && !(flags & MSG_DONTWAIT);
	uint64_t done = thread->call_again && may_wait ? thread->call_done : 0;

	thread->call_done = 0;
	if (!self->connected)
		return -ENOTCONN;
	if (!is_stream(self) && total > RECORD_MAX)
		return -EMSGSIZE;
	if (self->type == SOCK_DGRAM && self->peer_gone) {
		/* Linux says so once, then forgets the peer. */
		self->connected = false;
		return -ECONNREFUSED;
	}
	if ((self->shutdown & SEND_SHUTDOWN) || peer == NULL ||
	    (peer->shutdown & RCV_SHUTDOWN))
		return broken_pipe(flags, done, is_stream(self));
	uint64_t room = SOCKET_RING - unread(peer);
	unsigned index = self->peer;

	if (!is_stream(self)) {
		uint32_t length = (uint32_t)total;

		if (room < RECORD_HEADER + total)
			return wait_or_again(may_wait);
		ring_copy(index, peer->written, NULL, (const uint8_t *)&length,
			  RECORD_HEADER);
		vector_copy(index, peer->written + RECORD_HEADER, vector, 0,
			    total, true);
		peer->written += RECORD_HEADER + total;
		peer->records++;
		changed();
		return (long)total;
	}
	uint64_t part = total - done < room ? total - done : room;

	vector_copy(index, peer->written, vector, done, part, true);
	peer->written += part;
	done += part;
	if (part)
		changed();
	if (done == total || (!may_wait && done))
		return (long)done;
	thread->call_done = done;
	return wait_or_again(may_wait);
}

/* A receive into buffers of `total` bytes (or an error: a bad buffer,
 * which Linux finds only once there is data; a record is gone then, as
 * Linux's is): the count (a record's whole length with MSG_TRUNC), 0 at
 * the end, an error, or SYSCALL_NO_RESULT after a wait. *truncated: a
 * record was longer than the buffers. */
static long receive_vector(struct file *file, const struct iovec *vector,
			   long total, int flags, bool *truncated)
{
	struct socket_end *self = end_of(file);
	struct thread *thread = sched_current();
	bool may_wait = !(file->flags & O_NONBLOCK) && !(flags & MSG_DONTWAIT);
	uint64_t done = thread->call_again && may_wait ? thread->call_done : 0;
	unsigned index = (unsigned)file->position;

	thread->call_done = 0;
	*truncated = false;
	if (unread(self) == 0) {
		if (done && (self->shutdown & RCV_SHUTDOWN))
			return (long)done; /* MSG_WAITALL cut short */
		if (!done && self->error) {
			long error = -(long)self->error;

			self->error = 0;
			return error;
		}
		if (!done && (self->shutdown & RCV_SHUTDOWN))
			return 0;
		if (!done && is_stream(self) && !self->connected)
			return -EINVAL;
		thread->call_done = done;
		return wait_or_again(may_wait);
	}
	if (!is_stream(self)) {
		uint32_t length;

		ring_copy(index, self->read, (uint8_t *)&length, NULL,
			  RECORD_HEADER);
		uint64_t copied = total < 0 ? 0
				  : length < (uint64_t)total ? length
							     : (uint64_t)total;

		vector_copy(index, self->read + RECORD_HEADER, vector, 0,
			    copied, false);
		*truncated = total >= 0 && length > (uint64_t)total;
		if (!(flags & MSG_PEEK)) {
			self->read += RECORD_HEADER + length;
			self->records--;
			changed();
		}
		return total < 0 ? total
		       : (long)((flags & MSG_TRUNC) ? length : copied);
	}
	if (total < 0)
		return total;
	uint64_t part = (uint64_t)total - done < unread(self)
				? (uint64_t)total - done
				: unread(self);

	vector_copy(index, self->read, vector, done, part, false);
	if (flags & MSG_PEEK)
		return (long)(done + part);
	self->read += part;
	done += part;
	changed();
	if (done < (uint64_t)total && (flags & MSG_WAITALL) && may_wait &&
	    !(self->shutdown & RCV_SHUTDOWN)) {
		thread->call_done = done;
		return wait_or_again(true);
	}
	return (long)done;
}

long socket_transfer(struct file *file, uint64_t vector, uint64_t count,
		     bool sending)
{
	const struct iovec *pieces = (const struct iovec *)vector;
	long total = vector_total(pieces, count,
				  sending ? PROT_READ : PROT_WRITE);
	bool truncated;

	if (sending && total < 0)
		return total;
	return sending ? send_vector(file, pieces, (uint64_t)total, 0)
		       : receive_vector(file, pieces, total, 0, &truncated);
}

void socket_release(const struct file *file)
{
	struct socket_end *self = end_of(file), *peer = peer_of(self);

	if (peer) {
		peer->peer_gone = true;
		if (peer->type != SOCK_DGRAM) {
			peer->shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
			if (unread(self))
				peer->error = ECONNRESET;
		}
	}
	self->type = 0;
	changed();
}

int16_t socket_poll(const struct file *file)
{
	const struct socket_end *self = end_of(file), *peer = peer_of(self);
	int events = 0;

	if (self->error)
		events |= POLLERR;
	if (self->type != SOCK_DGRAM) {
		if (self->shutdown == (RCV_SHUTDOWN | SEND_SHUTDOWN) ||
		    !self->connected)
			events |= POLLHUP;
		if (self->shutdown & RCV_SHUTDOWN)
			events |= POLLRDHUP | POLLIN | POLLRDNORM;
	}
	if (unread(self))
		events |= POLLIN | POLLRDNORM;
	if (peer == NULL || SOCKET_RING - unread(peer) >= ROOM_TO_WRITE)
		events |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return (int16_t)events;
}

uint64_t socket_unread(const struct file *file)
{
	const struct socket_end *self = end_of(file);
	uint32_t length;

	if (self->type != SOCK_DGRAM || unread(self) == 0) /* every byte */
		return unread(self) - (uint64_t)self->records * RECORD_HEADER;
	ring_copy((unsigned)file->position, self->read, (uint8_t *)&length,
		  NULL, RECORD_HEADER);
	return length; /* Linux's answer for a record: the next one's size */
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

/* A free end, its ring mapped: its index, or -ENFILE or -ENOMEM. */
static long take_end(int type)
{
	for (unsigned index = 0; index < SOCKETS_MAX; index++) {
		struct socket_end *end = &ends[index];

		if (end->type)
			continue;
		if (!end->mapped) {
			if (wk_mem_map((long)ring(index), SOCKET_RING,
				       WK_PROT_READ | WK_PROT_WRITE) < 0)
				return -ENOMEM;
			end->mapped = true;
		}
		*end = (struct socket_end){ .type = (uint8_t)type,
					    .mapped = true };
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
		ends[index].type = 0;
	return fd;
}

/* The type a socket or socketpair call asks for (SOCK_RAW is SOCK_DGRAM
 * in AF_UNIX, as on Linux), or an error. */
static long unix_type(uint64_t type_flags, uint64_t protocol)
{
	uint64_t type = type_flags & SOCK_TYPE_MASK;

	if ((type_flags & ~(uint64_t)(SOCK_TYPE_MASK | O_NONBLOCK |
				      O_CLOEXEC)) ||
	    type >= SOCK_TYPES)
		return -EINVAL;
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
	long type = unix_type(regs->rsi & 0xffffffff, regs->rdx & 0xffffffff);

	if (domain != AF_UNIX) {
		if (!told_about_network) {
			told_about_network = true;
			libos_report("socket(family %lu): Wicket has no "
				     "network; returning -EAFNOSUPPORT",
				     domain);
		}
		return -EAFNOSUPPORT;
	}
	if (type < 0)
		return type;
	return open_end(take_end((int)type), regs->rsi);
}

long sys_socketpair(struct wk_regs *regs)
{
	uint64_t domain = regs->rdi & 0xffffffff;
	long type = unix_type(regs->rsi & 0xffffffff, regs->rdx & 0xffffffff);
	int32_t fds[2];

	if (domain != AF_UNIX)
		return domain == AF_INET || domain == AF_INET6 ? -EOPNOTSUPP
							       : -EAFNOSUPPORT;
	if (type < 0)
		return type;
	if (!vm_user_ok(regs->r10, sizeof(fds), PROT_WRITE))
		return -EFAULT;
	long first = take_end((int)type);
	long second = first < 0 ? first : take_end((int)type);

	if (second < 0) {
		if (first >= 0)
			ends[first].type = 0;
		return second;
	}
	long a = open_end(first, regs->rsi);
	long b = a < 0 ? a : open_end(second, regs->rsi);

	if (b < 0) { /* open_end freed the end it could not open */
		if (a >= 0)
			io_close((uint64_t)a); /* and this frees the first */
		else
			ends[second].type = 0;
		return b;
	}
	ends[first].peer = (uint16_t)second;
	ends[second].peer = (uint16_t)first;
	ends[first].connected = ends[second].connected = true;
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
	if (length <= SUN_PATH_OFFSET || length > 110)
		return -EINVAL;
	if (!vm_user_ok(address, length, PROT_READ))
		return -EFAULT;
	return *(const uint16_t *)address == AF_UNIX ? 0 : -EINVAL;
}

/* The socket an address names: none here. -ENOENT when nothing has its
 * path, -ECONNREFUSED for a path that is something else or an abstract
 * name (a NUL first); the address's own error first. */
static long find_named(uint64_t address, uint64_t length)
{
	char path[110] = { 0 };
	long error = check_address(address, length);

	if (error)
		return error;
	memcpy(path, (const char *)address + SUN_PATH_OFFSET,
	       length - SUN_PATH_OFFSET);
	if (path[0] == '\0')
		return -ECONNREFUSED;
	return files_path_exists(path) ? -ECONNREFUSED : -ENOENT;
}

/* A send with a destination: a stream refuses it (-EISCONN when
 * connected); a SEQPACKET end ignores it; a DGRAM end sends there, and
 * no name is a socket here. 0 to send to the peer. */
static long send_to_name(const struct socket_end *end, uint64_t address,
			 uint64_t length)
{
	if (is_stream(end))
		return end->connected ? -EISCONN : -EOPNOTSUPP;
	if (end->type == SOCK_SEQPACKET)
		return 0;
	return find_named(address, length);
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

static long refuse_control(void)
{
	if (!told_about_control) {
		told_about_control = true;
		libos_report("sendmsg with a control message (descriptors, "
			     "credentials): not supported; returning "
			     "-EOPNOTSUPP");
	}
	return -EOPNOTSUPP;
}

long sys_sendmsg(struct wk_regs *regs)
{
	struct message_header header;
	long error;
	struct file *file = socket_file(regs->rdi, &error);

	if (file == NULL)
		return error;
	error = read_header(regs->rsi, &header, PROT_READ);
	if (error)
		return error;
	long total = vector_total((const struct iovec *)header.vector,
				  header.count, PROT_READ);

	if (total < 0)
		return total;
	if (header.control_length)
		return refuse_control();
	if (header.name && header.name_length) {
		error = send_to_name(end_of(file), header.name,
				     header.name_length);
		if (error)
			return error;
	}
	return send_vector(file, (const struct iovec *)header.vector,
			   (uint64_t)total, (int)regs->rdx);
}

long sys_sendto(struct wk_regs *regs)
{
	struct iovec piece = { regs->rsi, regs->rdx };
	long error;
	struct file *file = socket_file(regs->rdi, &error);

	if (file == NULL)
		return error;
	long total = vector_total(&piece, 1, PROT_READ);

	if (total < 0)
		return total;
	if (regs->r8 && (regs->r9 & 0xffffffff)) {
		error = send_to_name(end_of(file), regs->r8,
				     regs->r9 & 0xffffffff);
		if (error)
			return error;
	}
	return send_vector(file, &piece, (uint64_t)total, (int)regs->r10);
}

long sys_recvmsg(struct wk_regs *regs)
{
	struct message_header header;
	long error;
	struct file *file = socket_file(regs->rdi, &error);
	bool truncated;

	if (file == NULL)
		return error;
	error = read_header(regs->rsi, &header, PROT_READ | PROT_WRITE);
	if (error)
		return error;
	long total = vector_total((const struct iovec *)header.vector,
				  header.count, PROT_WRITE);
	long result = receive_vector(file, (const struct iovec *)header.vector,
				     total, (int)regs->rdx, &truncated);

	if (result >= 0) {
		/* The peer has no name; nothing comes with the data. */
		struct message_header *out =
			(struct message_header *)regs->rsi;

		out->name_length = 0;
		out->control_length = 0;
		out->flags = truncated ? MSG_TRUNC : 0;
	}
	return result;
}

long sys_recvfrom(struct wk_regs *regs)
{
	struct iovec piece = { regs->rsi, regs->rdx };
	long error;
	struct file *file = socket_file(regs->rdi, &error);
	bool truncated;

	if (file == NULL)
		return error;
	long total = vector_total(&piece, 1, PROT_WRITE);

	if (regs->r8 && regs->r9 && !vm_user_ok(regs->r9, 4, PROT_WRITE))
		return -EFAULT;
	long result = receive_vector(file, &piece, total, (int)regs->r10,
				     &truncated);

	if (result >= 0 && regs->r8 && regs->r9)
		*(uint32_t *)regs->r9 = 0; /* the peer has no name */
	return result;
}

long sys_shutdown(struct wk_regs *regs)
{
	uint64_t how = regs->rsi & 0xffffffff;
	long error;
	struct file *file = socket_file(regs->rdi, &error);

	if (file == NULL)
		return error;
	if (how > 2)
		return -EINVAL;
	struct socket_end *self = end_of(file), *peer = peer_of(self);
	uint8_t mode = (uint8_t)(how + 1); /* SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2 */

	self->shutdown |= mode; /* an unconnected end too, as on Linux */
	if (peer && self->type != SOCK_DGRAM)
		peer->shutdown |= (mode & RCV_SHUTDOWN ? SEND_SHUTDOWN : 0) |
				  (mode & SEND_SHUTDOWN ? RCV_SHUTDOWN : 0);
	changed();
	return 0;
}

/* getsockname and getpeername: an unnamed AF_UNIX socket's address is its
 * family alone. */
static long name_of(struct wk_regs *regs, bool peer)
{
	long error;
	struct file *file = socket_file(regs->rdi, &error);

	if (file == NULL)
		return error;
	if (peer && !end_of(file)->connected)
		return -ENOTCONN;
	if (!vm_user_ok(regs->rdx, 4, PROT_READ | PROT_WRITE))
		return -EFAULT;
	int32_t room = *(const int32_t *)regs->rdx;
	uint16_t family = AF_UNIX;

	if (room < 0)
		return -EINVAL;
	uint64_t copied = (uint64_t)room < sizeof(family) ? (uint64_t)room
							  : sizeof(family);

	if (copied && !vm_user_ok(regs->rsi, copied, PROT_WRITE))
		return -EFAULT;
	memcpy((void *)regs->rsi, &family, copied);
	*(int32_t *)regs->rdx = sizeof(family);
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


long sys_bind(struct wk_regs *regs)
{
	long error;

	if (socket_file(regs->rdi, &error) == NULL)
		return error;
	error = check_address(regs->rsi, regs->rdx & 0xffffffff);
	if (error)
		return error;
	if (!told_about_names) {
		told_about_names = true;
		libos_report("bind: Wicket has no named sockets; returning "
			     "-EOPNOTSUPP");
	}
	return -EOPNOTSUPP;
}

long sys_connect(struct wk_regs *regs)
{
	uint64_t length = regs->rdx & 0xffffffff;
	long error;
	struct file *file = socket_file(regs->rdi, &error);

	if (file == NULL)
		return error;
	return find_named(regs->rsi, length);
}

long sys_listen(struct wk_regs *regs)
{
	long error;
	struct file *file = socket_file(regs->rdi, &error);

	if (file == NULL)
		return error;
	/* Only a bound stream or SEQPACKET socket listens; none is bound. */
	return end_of(file)->type == SOCK_DGRAM ? -EOPNOTSUPP : -EINVAL;
}

static long accept_on(uint64_t fd)
{
	long error;
	struct file *file = socket_file(fd, &error);

	if (file == NULL)
		return error;
	/* Nothing listens (listen above). */
	return end_of(file)->type == SOCK_DGRAM ? -EOPNOTSUPP : -EINVAL;
}

long sys_accept(struct wk_regs *regs)
{
	return accept_on(regs->rdi);
}

long sys_accept4(struct wk_regs *regs)
{
	if (regs->r10 & ~(uint64_t)(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	return accept_on(regs->rdi);
}

/* getsockopt's int options on SOL_SOCKET, or -ENOPROTOOPT. */
static long option_value(const struct socket_end *end, uint64_t name,
			 int32_t *value)
{
	switch (name) {
	case SO_TYPE:
		*value = end->type;
		return 0;
	case SO_DOMAIN:
		*value = AF_UNIX;
		return 0;
	case SO_ERROR:
	case SO_PROTOCOL:
	case SO_ACCEPTCONN:
	case SO_REUSEADDR:
	case SO_KEEPALIVE:
	case SO_BROADCAST:
	case SO_DONTROUTE:
	case SO_OOBINLINE:
	case SO_PASSCRED:
	case SO_SNDLOWAT:
		*value = 0;
		return 0;
	case SO_RCVLOWAT:
		*value = 1;
		return 0;
	case SO_SNDBUF:
	case SO_RCVBUF:
		*value = SOCKET_RING;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
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
	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (!vm_user_ok(length_address, 4, PROT_READ | PROT_WRITE))
		return -EFAULT;
	int32_t room = *(const int32_t *)length_address;

	if (room < 0)
		return -EINVAL;
	struct socket_end *end = end_of(file);

	if (name == SO_PEERCRED) { /* struct ucred: this process, root */
		int32_t credentials[3] = { LINUX_PID, 0, 0 };

		memcpy(bytes, credentials, sizeof(credentials));
		size = sizeof(credentials);
	} else if (name == SO_LINGER || name == SO_RCVTIMEO ||
		   name == SO_SNDTIMEO) {
		size = name == SO_LINGER ? 8 : 16; /* off; no timeout */
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
	if ((uint64_t)room < size)
		size = (uint64_t)room;
	if (size && !vm_user_ok(value_address, size, PROT_WRITE))
		return -EFAULT;
	memcpy((void *)value_address, bytes, size);
	*(int32_t *)length_address = (int32_t)size;
	return 0;
}

/* setsockopt: the options Linux's AF_UNIX sockets take on SOL_SOCKET are
 * taken and change nothing here. */
long sys_setsockopt(struct wk_regs *regs)
{
	uint64_t level = regs->rsi & 0xffffffff, name = regs->rdx & 0xffffffff;
	uint64_t length = regs->r8 & 0xffffffff;
	long error;
	struct file *file = socket_file(regs->rdi, &error);
	int32_t value;

	if (file == NULL)
		return error;
	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (name == SO_LINGER || name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
		uint64_t size = name == SO_LINGER ? 8 : 16;

		if (length < size)
			return -EINVAL;
		return vm_user_ok(regs->r10, size, PROT_READ) ? 0 : -EFAULT;
	}
	if (length < sizeof(value))
		return -EINVAL;
	if (!vm_user_ok(regs->r10, sizeof(value), PROT_READ))
		return -EFAULT;
	if (name == SO_TYPE || name == SO_ERROR || name == SO_DOMAIN ||
	    name == SO_PROTOCOL || name == SO_ACCEPTCONN ||
	    name == SO_PEERCRED)
		return -ENOPROTOOPT;
	return option_value(end_of(file), name, &value);
}
