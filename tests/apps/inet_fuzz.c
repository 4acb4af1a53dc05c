/*
 * Random TCP and UDP calls on the loopback in one thread, the same
 * sequence on Linux and under Wicket (a fixed seed; an argument replaces
 * it), every socket non-blocking and every TCP one TCP_NODELAY (so that a
 * send reaches its peer before the call returns, as Linux's loopback
 * does): socket, bind (port 0, or a port another socket holds), listen,
 * connect, accept4, send, write, recv with flags, read, sendto, recvfrom,
 * shutdown (not TCP's SHUT_RD), close and SO_ERROR. Ports are shown by
 * the order in which the program first saw them (#0, #1, ...), as the
 * two systems pick different ones. After each call: its result, and each
 * open socket's kind, poll bits, bytes waiting, own port and peer's.
 *
 * Kept out, where Wicket differs by design (docs/libos.md, "Sockets"):
 * TIME_WAIT (no bind to a closed socket's port), SO_LINGER, the
 * half-close of TCP reading, a TCP socket's connect to itself, and what
 * follows a TCP close that gives its ephemeral port back while
 * getsockname still shows it (a refused connect, a reset, a listener's
 * shutdown): TCP connects go to listeners' ports only, listeners are not
 * shut down, and a TCP socket that connected or listened is not bound;
 * nor is a TCP socket shut down before it connects (Linux's connection
 * then comes up shut down both ways).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "random_util.h"

#define ROUNDS 300
#define SLOTS 8
#define PORTS 64

enum kind { NONE, TCP, UDP };

static struct {
	int fd;
	enum kind kind;
	bool listening; /* listen said 0 */
	bool used;      /* connect or listen was called (see bind) */
	int backlog, waiting; /* a listener's, and the connects it holds */
} slots[SLOTS];

/* The ports seen, in the order seen: a socket that takes a port takes a
 * new index, even for a number seen before (the host may hand a closed
 * socket's port out again); which slot holds each now (-1: none); and
 * each slot's port when last seen. */
static uint16_t ports[PORTS];
static int port_holder[PORTS];
static int port_count;
static uint16_t slot_port[SLOTS];

static int new_port(uint16_t port)
{
	if (port_count == PORTS)
		return -1;
	ports[port_count] = port;
	port_holder[port_count] = -1;
	return port_count++;
}

/* The latest index of a port number. */
static int port_index(uint16_t port)
{
	for (int i = port_count - 1; i >= 0; i--)
		if (ports[i] == port)
			return i;
	return new_port(port);
}

/* An address as the program knows it: "-" (none), "L#k" (127.0.0.1,
 * the k-th port seen), "L:0", or what else it is. */
static const char *address_text(const struct sockaddr_in *address,
				socklen_t length, char *text)
{
	if (length == 0)
		return "-";
	if (address->sin_family != AF_INET) {
		sprintf(text, "family %d", address->sin_family);
		return text;
	}
	const char *host = address->sin_addr.s_addr == htonl(INADDR_LOOPBACK) ? "L"
			   : address->sin_addr.s_addr == htonl(INADDR_ANY)    ? "A"
									       : "?";
	uint16_t port = ntohs(address->sin_port);

	if (port == 0)
		sprintf(text, "%s:0", host);
	else
		sprintf(text, "%s#%d", host, port_index(port));
	return text;
}

static socklen_t loopback(struct sockaddr_in *address, uint16_t port)
{
	*address = (struct sockaddr_in){ .sin_family = AF_INET,
					 .sin_port = htons(port),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return sizeof(*address);
}

/* A destination: a port a socket holds now, or port 0. (Not a port
 * whose socket closed: the host may have given its number to another
 * program's socket since, which the two runs would not share. A peer
 * that closes after a connect still shows the unreachable port.) */
static int random_port(struct sockaddr_in *address, char *text)
{
	int held[PORTS], count = 0;

	for (int i = 0; i < port_count; i++)
		if (port_holder[i] >= 0)
			held[count++] = i;
	if (count == 0 || below(6) == 0) {
		strcpy(text, "L:0");
		return (int)loopback(address, 0);
	}
	int k = held[below((unsigned)count)];

	sprintf(text, "L#%d", k);
	return (int)loopback(address, ports[k]);
}

static void show_state(void)
{
	/* Who holds each port now, for the binds that take one; a port a
	 * slot took since the last look is a new one. */
	for (int i = 0; i < port_count; i++)
		port_holder[i] = -1;
	for (int i = 0; i < SLOTS; i++) {
		struct sockaddr_in address;
		socklen_t length = sizeof(address);
		uint16_t port = 0;

		if (slots[i].fd >= 0 &&
		    getsockname(slots[i].fd, (struct sockaddr *)&address, &length) == 0)
			port = ntohs(address.sin_port);
		if (port && port != slot_port[i])
			new_port(port);
		slot_port[i] = port;
	}
	printf("  state:");
	for (int i = 0; i < SLOTS; i++) {
		struct sockaddr_in address;
		socklen_t length = sizeof(address);
		struct pollfd entry = { slots[i].fd, POLLIN | POLLOUT | POLLRDHUP, 0 };
		char text[32], mine_text[32], peer_text[32];
		const char *mine, *peer;
		int count = -1;

		if (slots[i].fd < 0)
			continue;
		poll(&entry, 1, 0);
		if (ioctl(slots[i].fd, FIONREAD, &count) < 0)
			count = -1;
		if (getsockname(slots[i].fd, (struct sockaddr *)&address, &length) < 0)
			length = 0;
		mine = address_text(&address, length, mine_text);
		if (length && address.sin_port) {
			int k = port_index(ntohs(address.sin_port));
			if (k >= 0)
				port_holder[k] = i;
		}
		length = sizeof(address);
		if (getpeername(slots[i].fd, (struct sockaddr *)&address, &length) < 0)
			length = 0;
		peer = address_text(&address, length, peer_text);
		printf(" %d%c:%s/%d %s>%s", i, slots[i].kind == TCP ? 't' : 'u',
		       poll_text((unsigned)entry.revents, text), count, mine, peer);
	}
	putchar('\n');
}

static char buffer[4096];

static void round_of_calls(int round)
{
	int slot = (int)below(SLOTS);
	for (int i = 0; i < SLOTS && slots[slot].fd < 0 && below(6); i++)
		slot = (slot + 1) % SLOTS;
	int fd = slots[slot].fd;
	struct sockaddr_in address;
	socklen_t length;
	char call[160], text[32];
	long result;

	switch (below(16)) {
	case 0:
	case 1: {
		int tcp = below(2);
		snprintf(call, sizeof(call), "%d: socket(%s) as %d", round,
			 tcp ? "tcp" : "udp", slot);
		int made = socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK,
				  0);
		show_result(call, made < 0 ? -1 : 0);
		if (made < 0)
			break;
		if (tcp)
			setsockopt(made, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
		if (fd >= 0)
			close(fd);
		slots[slot].fd = made;
		slots[slot].kind = tcp ? TCP : UDP;
		slots[slot].listening = false;
		slots[slot].waiting = 0;
		slot_port[slot] = 0;
		slots[slot].used = false;
		break;
	}
	case 2: {
		/* Port 0, or a port a socket holds now (a closed TCP
		 * socket's would be in TIME_WAIT on Linux); not for a TCP
		 * socket that connected or listened (see the top). */
		if (slots[slot].kind == TCP && slots[slot].used) {
			printf("%d: bind(%d): skipped\n", round, slot);
			break;
		}
		int k = -1;
		for (int i = 0; i < port_count && below(3); i++)
			if (port_holder[i] >= 0)
				k = i;
		length = loopback(&address, k < 0 ? 0 : ports[k]);
		snprintf(call, sizeof(call), "%d: bind(%d, %s)", round, slot,
			 k < 0 ? "L:0" : (sprintf(text, "L#%d", k), text));
		show_result(call, bind(fd, (struct sockaddr *)&address, length));
		break;
	}
	case 3: {
		int backlog = (int)below(3);
		snprintf(call, sizeof(call), "%d: listen(%d, %d)", round, slot, backlog);
		result = listen(fd, backlog);
		show_result(call, result);
		slots[slot].used = true;
		if (result == 0)
			slots[slot].backlog = backlog;
		if (result == 0)
			slots[slot].listening = true;
		break;
	}
	case 4:
	case 5: {
		struct sockaddr_in own;
		socklen_t own_length = sizeof(own);
		length = (socklen_t)random_port(&address, text);
		snprintf(call, sizeof(call), "%d: connect(%d, %s)", round, slot, text);
		/* A TCP socket connects only to a listener's port, and not
		 * its own (see the top). */
		/* (And not to a listener whose queue is full: Linux's SYN
		 * waits a second to be sent again.) */
		int listener = -1;
		for (int i = 0; i < SLOTS; i++) {
			struct sockaddr_in theirs;
			socklen_t their_length = sizeof(theirs);
			if (slots[i].listening && slots[i].fd >= 0 &&
			    getsockname(slots[i].fd, (struct sockaddr *)&theirs,
					&their_length) == 0 &&
			    theirs.sin_port == address.sin_port)
				listener = i;
		}
		if (slots[slot].kind == TCP &&
		    (listener < 0 ||
		     slots[listener].waiting > slots[listener].backlog ||
		     (getsockname(fd, (struct sockaddr *)&own, &own_length) == 0 &&
		      own.sin_port == address.sin_port))) {
			printf("%s: skipped\n", call);
			break;
		}
		result = connect(fd, (struct sockaddr *)&address, length);
		show_result(call, result);
		if (slots[slot].kind == TCP &&
		    (result == 0 || (result < 0 && errno == EINPROGRESS)))
			slots[listener].waiting++;
		slots[slot].used = true;
		break;
	}
	case 6: {
		int to = (int)below(SLOTS);
		length = sizeof(address);
		snprintf(call, sizeof(call), "%d: accept4(%d) as %d", round, slot, to);
		if (to == slot) {
			printf("%s: skipped\n", call);
			break;
		}
		int made = accept4(fd, (struct sockaddr *)&address, &length, SOCK_NONBLOCK);
		if (made < 0) {
			show_result(call, -1);
			break;
		}
		printf("%s = from %s\n", call, address_text(&address, length, text));
		slots[slot].waiting--;
		if (slots[to].fd >= 0)
			close(slots[to].fd);
		slots[to].fd = made;
		slots[to].kind = TCP;
		slots[to].listening = false;
		slots[to].waiting = 0;
		slot_port[to] = 0;
		slots[to].used = true; /* connected */
		break;
	}
	case 7:
	case 8: {
		unsigned size = below(200);
		int flags = below(2) ? MSG_NOSIGNAL : 0;
		memset(buffer, 'a' + (int)below(26), size);
		if (below(3) == 0) {
			snprintf(call, sizeof(call), "%d: write(%d, %u)", round, slot, size);
			show_result(call, write(fd, buffer, size));
		} else {
			snprintf(call, sizeof(call), "%d: send(%d, %u%s)", round, slot, size,
				 flags ? ", NOSIGNAL" : "");
			show_result(call, send(fd, buffer, size, flags));
		}
		break;
	}
	case 9:
	case 10: {
		static const int choices[] = { MSG_PEEK, MSG_DONTWAIT, MSG_TRUNC,
					       MSG_WAITALL };
		static const char *const names[] = { "PEEK", "DONTWAIT", "TRUNC",
						     "WAITALL" };
		unsigned size = below(300);
		int flags = 0;
		size_t at = (size_t)snprintf(call, sizeof(call), "%d: recv(%d, %u", round,
					     slot, size);
		for (unsigned i = 0; i < 4; i++) {
			if (below(4) == 0) {
				flags |= choices[i];
				at += (size_t)snprintf(call + at, sizeof(call) - at, ", %s",
						       names[i]);
			}
		}
		snprintf(call + at, sizeof(call) - at, ")");
		result = below(4) == 0 && !flags ? read(fd, buffer, size)
						  : recv(fd, buffer, size, flags);
		show_read_bytes(call, result, buffer);
		break;
	}
	case 11: {
		unsigned size = below(200);
		length = (socklen_t)random_port(&address, text);
		memset(buffer, 'u', size);
		snprintf(call, sizeof(call), "%d: sendto(%d, %u, %s)", round, slot, size,
			 text);
		show_result(call, sendto(fd, buffer, size, MSG_NOSIGNAL,
					 (struct sockaddr *)&address, length));
		break;
	}
	case 12: {
		unsigned size = below(300);
		length = sizeof(address);
		memset(&address, 0, sizeof(address));
		result = recvfrom(fd, buffer, size, 0, (struct sockaddr *)&address,
				  &length);
		snprintf(call, sizeof(call), "%d: recvfrom(%d, %u)", round, slot, size);
		show_read_bytes(call, result, buffer);
		if (result >= 0)
			printf("  from %s\n", address_text(&address, length, text));
		break;
	}
	case 13: {
		/* (TCP's SHUT_WR only: Wicket's TCP has no half-close of
		 * reading, which SHUT_RDWR is too.) */
		int how = slots[slot].kind == TCP ? SHUT_WR : (int)below(3);
		static const char *const names[] = { "RD", "WR", "RDWR" };
		snprintf(call, sizeof(call), "%d: shutdown(%d, %s)", round, slot,
			 names[how]);
		if (slots[slot].listening ||
		    (slots[slot].kind == TCP && !slots[slot].used)) { /* (the top) */
			printf("%s: skipped\n", call);
			break;
		}
		show_result(call, shutdown(fd, how));
		break;
	}
	case 14:
		snprintf(call, sizeof(call), "%d: close(%d)", round, slot);
		if (fd < 0) {
			printf("%s: skipped\n", call);
			break;
		}
		show_result(call, close(fd));
		slots[slot].fd = -1;
		slots[slot].kind = NONE;
		slots[slot].listening = false;
		slots[slot].waiting = 0;
		slot_port[slot] = 0;
		slots[slot].used = false;
		break;
	case 15: {
		int value = -1;
		socklen_t size = sizeof(value);
		snprintf(call, sizeof(call), "%d: SO_ERROR(%d)", round, slot);
		result = getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &size);
		if (result < 0)
			show_result(call, result);
		else
			printf("%s = %s\n", call, value ? error_name(value) : "0");
		break;
	}
	}
}

int main(int argc, char **argv)
{
	seed_random(argc, argv, 0x1e7);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, on_sigpipe);
	for (int i = 0; i < SLOTS; i++)
		slots[i].fd = -1;
	for (int round = 1; round <= ROUNDS; round++) {
		round_of_calls(round);
		show_state();
	}
	printf("inet_fuzz: done\n");
	return 0;
}
