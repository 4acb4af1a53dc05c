/*
 * Random descriptor I/O in one thread, the same sequence on Linux and
 * under Wicket (a fixed seed; an argument replaces it), every descriptor
 * non-blocking: pipes, AF_UNIX socket pairs (stream, datagram, seqpacket),
 * eventfds and epoll instances; close, dup, dup3, read, write, readv,
 * writev, send and recv with flags, shutdown, FIONREAD, fcntl, fstat's
 * type, SO_TYPE and SO_ERROR, poll, epoll_ctl (level, edge and one-shot)
 * and epoll_wait; and AF_UNIX sockets of their own, named in the abstract
 * space (names 0 to 3): socket, bind, listen, connect (AF_UNSPEC too),
 * accept4, getsockname, getpeername, sendto and recvfrom. After each
 * call: its result (SIGPIPE marked), and every open slot's kind, poll
 * bits and bytes waiting.
 *
 * Kept out, as Linux's own answers depend on its buffer accounting: more
 * than a few KiB in flight on a socket (the per-buffer overhead counts
 * against the send buffer), and a pipe past the pages its writes fill
 * (each write that does not fit the last page takes one of 16).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "random_util.h"

#define ROUNDS 400
#define SLOTS 10
/* Bytes a write may add to an object already holding this many. */
#define IN_FLIGHT_LIMIT 6000

enum kind { NONE, PIPE_READ, PIPE_WRITE, STREAM, DGRAM, SEQPACKET, EVENTFD, EPOLL };
static const char kind_letters[] = "-rwsdqeE";

static struct slot {
	int fd;
	enum kind kind;
	/* The slot of the other end (pipes, pairs), or -1: for the bytes
	 * waiting there before a write. */
	int peer;
} slots[SLOTS];

static void show_read(const char *call, long result, const char *bytes,
		      enum kind kind)
{
	if (result == 8 && kind == EVENTFD) {
		uint64_t value;

		show_result(call, result);
		memcpy(&value, bytes, sizeof(value));
		printf("  value %llu\n", (unsigned long long)value);
	} else {
		show_read_bytes(call, result, bytes);
	}
}

/* The bytes waiting to be read at a slot, or -1 where FIONREAD has no
 * answer (a write end, an epoll instance). */
static long waiting(int slot)
{
	int count;

	if (slots[slot].fd < 0 || slots[slot].kind == EPOLL ||
	    ioctl(slots[slot].fd, FIONREAD, &count) < 0)
		return -1;
	return count;
}

/* Each open slot: its kind, every poll bit, and FIONREAD's answer. */
static void show_state(void)
{
	struct pollfd fds[SLOTS];
	int count = 0;

	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].fd < 0)
			continue;
		fds[count].fd = slots[i].fd;
		fds[count].events = POLLIN | POLLPRI | POLLOUT | POLLRDHUP |
				    POLLRDNORM | POLLWRNORM;
		count++;
	}
	int ready = poll(fds, (nfds_t)count, 0);
	printf("  state (%d ready):", ready);
	count = 0;
	for (int i = 0; i < SLOTS; i++) {
		char text[32];

		if (slots[i].fd < 0)
			continue;
		printf(" %d%c:%s", i, kind_letters[slots[i].kind],
		       poll_text((unsigned)fds[count++].revents, text));
		long bytes = waiting(i);
		if (bytes >= 0)
			printf("/%ld", bytes);
	}
	putchar('\n');
}

static void close_slot(int slot)
{
	if (slots[slot].fd >= 0)
		close(slots[slot].fd);
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].peer == slot)
			slots[i].peer = -1;
	}
	slots[slot] = (struct slot){ -1, NONE, -1 };
}

/* A slot, mostly an open one when there is one. */
static int random_slot(void)
{
	int slot = (int)below(SLOTS);

	for (int i = 0; i < SLOTS && slots[slot].fd < 0 && below(6); i++)
		slot = (slot + 1) % SLOTS;
	return slot;
}

/* Two different slots, for a new pair. */
static void two_slots(int *first, int *second)
{
	*first = (int)below(SLOTS);
	*second = (*first + 1 + (int)below(SLOTS - 1)) % SLOTS;
}

static void new_pair(int first, int second, enum kind first_kind,
		     enum kind second_kind, const int fds[2])
{
	close_slot(first);
	close_slot(second);
	slots[first] = (struct slot){ fds[0], first_kind, second };
	slots[second] = (struct slot){ fds[1], second_kind, first };
}

/* How many bytes a write at `slot` may carry: small, and none once the
 * other end holds IN_FLIGHT_LIMIT. */
static unsigned write_size(int slot)
{
	unsigned size = below(5) ? below(200) : below(1500);
	int peer = slots[slot].peer;
	long there = peer >= 0 ? waiting(peer) : 0;

	if (slots[slot].kind == PIPE_WRITE && peer < 0)
		there = 0;
	if (there + (long)size > IN_FLIGHT_LIMIT)
		size = there >= IN_FLIGHT_LIMIT ? 0 : (unsigned)(IN_FLIGHT_LIMIT - there);
	return size;
}

static const char *message_flags(int flags, char *text)
{
	static const struct {
		int flag;
		const char *name;
	} names[] = {
		{ MSG_PEEK, "PEEK" }, { MSG_DONTWAIT, "DONTWAIT" },
		{ MSG_TRUNC, "TRUNC" }, { MSG_NOSIGNAL, "NOSIGNAL" },
		{ MSG_WAITALL, "WAITALL" },
	};
	size_t at = 0;

	text[0] = '\0';
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].flag)
			at += (size_t)sprintf(text + at, "%s%s", at ? "|" : "",
					      names[i].name);
	}
	if (at == 0)
		strcpy(text, "0");
	return text;
}

static char buffer[8192];

/* The abstract names 0 to 3: "\0wk-io-fuzz.PID.N", so that runs at once
 * on one host do not meet. */
static socklen_t make_name(struct sockaddr_un *address, unsigned number)
{
	memset(address, 0, sizeof(*address));
	address->sun_family = AF_UNIX;
	int length = snprintf(address->sun_path + 1, sizeof(address->sun_path) - 1,
			      "wk-io-fuzz.%d.%u", (int)getpid(), number);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)length);
}

/* A name as the program knows it: "unnamed", a number of its own, "auto"
 * (Linux's autobind: five hex digits) or what else it is. */
static const char *name_text(const struct sockaddr_un *address, socklen_t length,
			     char *text)
{
	size_t path = length > offsetof(struct sockaddr_un, sun_path)
			      ? length - offsetof(struct sockaddr_un, sun_path)
			      : 0;
	char prefix[64];

	if (address->sun_family != AF_UNIX && length >= sizeof(sa_family_t)) {
		sprintf(text, "family %d", address->sun_family);
		return text;
	}
	if (path == 0)
		return "unnamed";
	snprintf(prefix, sizeof(prefix), "wk-io-fuzz.%d.", (int)getpid());
	if (address->sun_path[0] == '\0' && path == 6)
		return "auto";
	if (address->sun_path[0] == '\0' && path > 1 + strlen(prefix) &&
	    memcmp(address->sun_path + 1, prefix, strlen(prefix)) == 0) {
		snprintf(text, 32, "%.*s", (int)(path - 1 - strlen(prefix)),
			 address->sun_path + 1 + strlen(prefix));
		return text;
	}
	snprintf(text, 32, "other(%zu)", path);
	return text;
}

static void show_name(const char *call, int result, const struct sockaddr_un *address,
		      socklen_t length)
{
	char text[32];

	if (result < 0)
		show_result(call, -1);
	else
		printf("%s = %s\n", call, name_text(address, length, text));
}

/* The calls on named sockets: slot `slot`, its descriptor `fd`. */
static void named_call(int round, int slot, int fd)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	static const enum kind kinds[] = { STREAM, DGRAM, SEQPACKET };
	struct sockaddr_un address;
	socklen_t length;
	unsigned number = below(4);
	char call[160], text[32];
	long result;

	unsigned operation = below(9);

	/* Mostly a socket, for the calls on one. */
	for (int i = 0; operation && i < SLOTS && below(8) &&
			(slots[slot].kind < STREAM || slots[slot].kind > SEQPACKET);
	     i++)
		slot = (slot + 1) % SLOTS;
	fd = slots[slot].fd;
	switch (operation) {
	case 0: {
		int which = (int)below(3);
		snprintf(call, sizeof(call), "%d: socket(%c) as %d", round,
			 kind_letters[kinds[which]], slot);
		int made = socket(AF_UNIX, types[which] | SOCK_NONBLOCK, 0);
		show_result(call, made < 0 ? -1 : 0);
		if (made >= 0) {
			close_slot(slot);
			slots[slot] = (struct slot){ made, kinds[which], -1 };
		}
		break;
	}
	case 1:
		length = make_name(&address, number);
		snprintf(call, sizeof(call), "%d: bind(%d, %u)", round, slot, number);
		show_result(call, bind(fd, (struct sockaddr *)&address, length));
		break;
	case 2: {
		int backlog = (int)below(3);
		snprintf(call, sizeof(call), "%d: listen(%d, %d)", round, slot, backlog);
		show_result(call, listen(fd, backlog));
		break;
	}
	case 3:
		length = make_name(&address, number);
		if (below(6) == 0) {
			address.sun_family = AF_UNSPEC;
			snprintf(call, sizeof(call), "%d: connect(%d, UNSPEC)", round, slot);
		} else {
			snprintf(call, sizeof(call), "%d: connect(%d, %u)", round, slot,
				 number);
		}
		show_result(call, connect(fd, (struct sockaddr *)&address, length));
		break;
	case 4: {
		int to = (int)below(SLOTS);
		length = sizeof(address);
		snprintf(call, sizeof(call), "%d: accept4(%d) as %d", round, slot, to);
		if (to == slot) {
			printf("%s: skipped\n", call);
			break;
		}
		int made = accept4(fd, (struct sockaddr *)&address, &length, SOCK_NONBLOCK);
		show_name(call, made, &address, length);
		if (made >= 0) {
			close_slot(to);
			slots[to] = (struct slot){ made, slots[slot].kind, -1 };
		}
		break;
	}
	case 5:
	case 6: {
		int peer = below(2);
		length = sizeof(address);
		memset(&address, 0, sizeof(address));
		snprintf(call, sizeof(call), "%d: %s(%d)", round,
			 peer ? "getpeername" : "getsockname", slot);
		result = peer ? getpeername(fd, (struct sockaddr *)&address, &length)
			      : getsockname(fd, (struct sockaddr *)&address, &length);
		show_name(call, (int)result, &address, length);
		break;
	}
	case 7: {
		unsigned size = write_size(slot);
		length = make_name(&address, number);
		memset(buffer, 'n', size);
		snprintf(call, sizeof(call), "%d: sendto(%d, %u, to %u)", round, slot,
			 size, number);
		show_result(call, sendto(fd, buffer, size, MSG_NOSIGNAL,
					 (struct sockaddr *)&address, length));
		break;
	}
	case 8: {
		unsigned size = below(300);
		length = sizeof(address);
		memset(&address, 0, sizeof(address));
		result = recvfrom(fd, buffer, size, 0, (struct sockaddr *)&address,
				  &length);
		snprintf(call, sizeof(call), "%d: recvfrom(%d, %u)", round, slot, size);
		show_read(call, result, buffer, slots[slot].kind);
		if (result >= 0)
			printf("  from %s\n", name_text(&address, length, text));
		break;
	}
	}
}


static void round_of_calls(int round)
{
	char call[200], text[64];
	int slot = random_slot();
	int fd = slots[slot].fd;
	enum kind kind = slots[slot].kind;
	long result;

	switch (below(30)) {
	case 0: {
		int first, second, fds[2];
		two_slots(&first, &second);
		int flags = O_NONBLOCK | (below(2) ? O_CLOEXEC : 0);
		snprintf(call, sizeof(call), "%d: pipe2 as %d,%d", round, first,
			 second);
		result = pipe2(fds, flags);
		show_result(call, result);
		if (result == 0)
			new_pair(first, second, PIPE_READ, PIPE_WRITE, fds);
		break;
	}
	case 1:
	case 2: {
		static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
		static const enum kind kinds[] = { STREAM, DGRAM, SEQPACKET };
		int first, second, fds[2], which = (int)below(3);
		two_slots(&first, &second);
		snprintf(call, sizeof(call), "%d: socketpair(%c) as %d,%d",
			 round, kind_letters[kinds[which]], first, second);
		result = socketpair(AF_UNIX, types[which] | SOCK_NONBLOCK, 0, fds);
		show_result(call, result);
		if (result == 0)
			new_pair(first, second, kinds[which], kinds[which], fds);
		break;
	}
	case 3: {
		unsigned initial = below(3);
		int semaphore = below(3) == 0;
		snprintf(call, sizeof(call), "%d: eventfd(%u%s) as %d", round,
			 initial, semaphore ? ", SEMAPHORE" : "", slot);
		int made = eventfd(initial, EFD_NONBLOCK |
					    (semaphore ? EFD_SEMAPHORE : 0));
		show_result(call, made < 0 ? -1 : 0);
		if (made >= 0) {
			close_slot(slot);
			slots[slot] = (struct slot){ made, EVENTFD, -1 };
		}
		break;
	}
	case 4: {
		snprintf(call, sizeof(call), "%d: epoll_create1 as %d", round, slot);
		int made = epoll_create1(EPOLL_CLOEXEC);
		show_result(call, made < 0 ? -1 : 0);
		if (made >= 0) {
			close_slot(slot);
			slots[slot] = (struct slot){ made, EPOLL, -1 };
		}
		break;
	}
	case 5:
		snprintf(call, sizeof(call), "%d: close(%d)", round, slot);
		if (fd < 0) {
			printf("%s: skipped\n", call);
			break;
		}
		show_result(call, close(fd));
		slots[slot].fd = -1;
		close_slot(slot);
		break;
	case 6: {
		int to = (int)below(SLOTS);
		int use_dup3 = below(2);
		snprintf(call, sizeof(call), "%d: %s(%d) as %d", round,
			 use_dup3 ? "dup3" : "dup", slot, to);
		if (to == slot || fd < 0) {
			printf("%s: skipped\n", call);
			break;
		}
		int made;
		if (use_dup3 && slots[to].fd >= 0) {
			/* dup3 onto the slot's descriptor number: its old
			 * object loses that descriptor, as close would. */
			int target = slots[to].fd;
			slots[to].fd = -1;
			close_slot(to);
			made = dup3(fd, target, O_CLOEXEC);
		} else {
			close_slot(to);
			made = dup(fd);
		}
		show_result(call, made < 0 ? -1 : 0);
		if (made >= 0)
			slots[to] = (struct slot){ made, kind, slots[slot].peer };
		break;
	}
	case 7:
	case 8:
	case 9: {
		unsigned size = write_size(slot);
		char letter = (char)('k' + below(10));
		if (kind == EVENTFD && below(3)) {
			static const uint64_t values[] = {
				1, 2, 5, 0, UINT64_MAX - 1, UINT64_MAX,
				UINT64_MAX - 3,
			};
			uint64_t value = values[below(7)];
			snprintf(call, sizeof(call), "%d: write(%d, value %llu)",
				 round, slot, (unsigned long long)value);
			show_result(call, write(fd, &value, sizeof(value)));
			break;
		}
		/* Linux 6.10 and later refuse an eventfd write of more
		 * than 8 bytes, as earlier ones took its first 8. */
		if (kind == EVENTFD && size > 8)
			size = below(8);
		memset(buffer, letter, size);
		snprintf(call, sizeof(call), "%d: write(%d, %u x %c)", round,
			 slot, size, letter);
		show_result(call, write(fd, buffer, size));
		break;
	}
	case 10:
	case 11:
	case 12: {
		unsigned size = below(4) ? below(300) : below(8192);
		result = read(fd, buffer, size);
		snprintf(call, sizeof(call), "%d: read(%d, %u)", round, slot, size);
		show_read(call, result, buffer, kind);
		break;
	}
	case 13: {
		struct iovec parts[3];
		unsigned count = 1 + below(3), total = 0;
		int writing = below(2);
		size_t at = (size_t)snprintf(call, sizeof(call), "%d: %s(%d,", round,
					     writing ? "writev" : "readv", slot);
		for (unsigned i = 0; i < count; i++) {
			unsigned size = below(100);
			if (writing && (total + size > write_size(slot) ||
					(kind == EVENTFD && total + size > 8)))
				size = 0;
			parts[i].iov_base = buffer + total;
			parts[i].iov_len = size;
			memset(buffer + total, 'k' + (int)i, size);
			total += size;
			at += (size_t)snprintf(call + at, sizeof(call) - at, " %u", size);
		}
		snprintf(call + at, sizeof(call) - at, ")");
		if (writing) {
			show_result(call, writev(fd, parts, (int)count));
		} else {
			result = readv(fd, parts, (int)count);
			show_read(call, result, buffer, kind);
		}
		break;
	}
	case 14:
	case 15: {
		/* (Not MSG_OOB: Wicket's AF_UNIX streams have no urgent
		 * byte; docs/libos.md, "Sockets".) */
		static const int choices[] = { MSG_PEEK, MSG_DONTWAIT, MSG_TRUNC,
					       MSG_NOSIGNAL, MSG_WAITALL };
		int flags = 0;
		for (unsigned i = 0; i < 5; i++) {
			if (below(4) == 0)
				flags |= choices[i];
		}
		if (below(2)) {
			unsigned size = write_size(slot);
			memset(buffer, 'x', size);
			snprintf(call, sizeof(call), "%d: send(%d, %u, %s)", round,
				 slot, size, message_flags(flags, text));
			show_result(call, send(fd, buffer, size, flags));
		} else {
			unsigned size = below(3) ? below(300) : below(8192);
			result = recv(fd, buffer, size, flags);
			snprintf(call, sizeof(call), "%d: recv(%d, %u, %s)", round,
				 slot, size, message_flags(flags, text));
			show_read(call, result, buffer, kind);
		}
		break;
	}
	case 16: {
		static const char *names[] = { "RD", "WR", "RDWR" };
		int how = (int)below(3);
		snprintf(call, sizeof(call), "%d: shutdown(%d, %s)", round, slot,
			 names[how]);
		show_result(call, shutdown(fd, how));
		break;
	}
	case 17: {
		snprintf(call, sizeof(call), "%d: FIONREAD(%d)", round, slot);
		/* Linux 6.9 gave epoll an ioctl of its own, and with it
		 * -EINVAL for FIONREAD where there was -ENOTTY. */
		if (kind == EPOLL) {
			printf("%s: skipped\n", call);
			break;
		}
		int count = -1;
		result = ioctl(fd, FIONREAD, &count);
		show_result(call, result < 0 ? -1 : count);
		break;
	}
	case 18: {
		int flags = fcntl(fd, F_GETFL);
		snprintf(call, sizeof(call), "%d: F_GETFL(%d)", round, slot);
		if (flags < 0) {
			show_result(call, -1);
			break;
		}
		printf("%s: access %d%s%s\n", call, flags & O_ACCMODE,
		       flags & O_NONBLOCK ? " NONBLOCK" : "",
		       flags & O_APPEND ? " APPEND" : "");
		snprintf(call, sizeof(call), "%d: F_GETFD(%d)", round, slot);
		show_result(call, fcntl(fd, F_GETFD));
		break;
	}
	case 19: {
		struct stat st;
		snprintf(call, sizeof(call), "%d: fstat(%d)", round, slot);
		result = fstat(fd, &st);
		if (result < 0) {
			show_result(call, result);
			break;
		}
		printf("%s: type %o mode %o\n", call,
		       (unsigned)(st.st_mode & S_IFMT) >> 12,
		       (unsigned)(st.st_mode & 07777));
		break;
	}
	case 20: {
		int value = -1;
		socklen_t length = sizeof(value);
		int option = below(2) ? SO_TYPE : SO_ERROR;
		snprintf(call, sizeof(call), "%d: getsockopt(%d, %s)", round, slot,
			 option == SO_TYPE ? "SO_TYPE" : "SO_ERROR");
		result = getsockopt(fd, SOL_SOCKET, option, &value, &length);
		show_result(call, result < 0 ? -1 : value);
		break;
	}
	case 21: {
		struct pollfd fds[SLOTS];
		static const short choices[] = { POLLIN, POLLOUT, POLLPRI, POLLRDHUP };
		int count = 0;
		size_t at = (size_t)snprintf(call, sizeof(call), "%d: poll(", round);
		for (int i = 0; i < SLOTS; i++) {
			if (below(2))
				continue;
			short events = 0;
			for (unsigned c = 0; c < 4; c++)
				events |= below(2) ? choices[c] : 0;
			/* A closed slot polls descriptor 999: POLLNVAL. */
			fds[count].fd = slots[i].fd >= 0 ? slots[i].fd : 999;
			fds[count].events = events;
			at += (size_t)snprintf(call + at, sizeof(call) - at, " %d:%s",
					       i, poll_text((unsigned)events, text));
			count++;
		}
		snprintf(call + at, sizeof(call) - at, ")");
		result = poll(fds, (nfds_t)count, 0);
		show_result(call, result);
		printf("  revents:");
		for (int i = 0; i < count; i++)
			printf(" %s", poll_text((unsigned)fds[i].revents, text));
		putchar('\n');
		break;
	}
	case 22:
	case 23: {
		static const char *names[] = { "", "ADD", "DEL", "MOD" };
		static const unsigned choices[] = { EPOLLIN, EPOLLOUT, EPOLLRDHUP,
						    EPOLLET, EPOLLONESHOT, EPOLLPRI };
		int target = random_slot();
		int operation = 1 + (int)below(3);
		struct epoll_event event = { 0, { .u64 = (uint64_t)target } };
		for (unsigned c = 0; c < 6; c++)
			event.events |= below(c < 2 ? 2 : 4) == 0 ? choices[c] : 0;
		/* Look for an epoll slot most times. */
		for (int i = 0; i < SLOTS && kind != EPOLL && below(8); i++) {
			slot = (slot + 1) % SLOTS;
			kind = slots[slot].kind;
		}
		fd = slots[slot].fd;
		snprintf(call, sizeof(call), "%d: epoll_ctl(%d, %s, %d, %s%s%s)",
			 round, slot, names[operation], target,
			 poll_text(event.events & ~(unsigned)(EPOLLET | EPOLLONESHOT), text),
			 event.events & EPOLLET ? " ET" : "",
			 event.events & EPOLLONESHOT ? " ONESHOT" : "");
		show_result(call, epoll_ctl(fd, operation,
					    slots[target].fd >= 0 ? slots[target].fd : 999,
					    &event));
		break;
	}
	case 26:
	case 27:
	case 28:
	case 29:
		named_call(round, slot, fd);
		break;
	case 24:
	case 25: {
		struct epoll_event events[SLOTS * 2];
		for (int i = 0; i < SLOTS && kind != EPOLL && below(8); i++) {
			slot = (slot + 1) % SLOTS;
			kind = slots[slot].kind;
		}
		fd = slots[slot].fd;
		int most = below(4) ? SLOTS * 2 : 1 + (int)below(2);
		snprintf(call, sizeof(call), "%d: epoll_wait(%d, %d)", round, slot, most);
		result = epoll_wait(fd, events, most, 0);
		show_result(call, result);
		if (result <= 0)
			break;
		/* Linux's order is its ready list's: sort by slot. */
		for (long i = 1; i < result; i++) {
			for (long j = i; j > 0 && events[j].data.u64 < events[j - 1].data.u64; j--) {
				struct epoll_event swap = events[j];
				events[j] = events[j - 1];
				events[j - 1] = swap;
			}
		}
		printf("  events:");
		for (long i = 0; i < result; i++)
			printf(" %llu:%s", (unsigned long long)events[i].data.u64,
			       poll_text(events[i].events, text));
		putchar('\n');
		break;
	}
	}
}

int main(int argc, char **argv)
{
	seed_random(argc, argv, 0x10f022);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, on_sigpipe);
	for (int i = 0; i < SLOTS; i++)
		slots[i] = (struct slot){ -1, NONE, -1 };
	for (int round = 1; round <= ROUNDS; round++) {
		round_of_calls(round);
		show_state();
	}
	for (int i = 0; i < SLOTS; i++)
		close_slot(i);
	printf("io_fuzz: done\n");
	return 0;
}
