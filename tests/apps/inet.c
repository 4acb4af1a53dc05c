/*
 * IPv4 on the loopback (differential): TCP and UDP sockets of one
 * process talking to each other through 127.0.0.1. Names (bind,
 * getsockname, getpeername, accept's and recvfrom's), ephemeral ports
 * (printed only as "given"), connect's refusals and its non-blocking
 * form, SO_REUSEADDR's rules, the errors of unconnected sockets, options
 * kept (TCP_NODELAY, TCP_KEEPIDLE, IP_TTL), a thread echoing a megabyte,
 * and UDP's datagrams, connected peers and ICMP's ECONNREFUSED; and
 * "localhost" found by name. Nothing
 * leaves the loopback, so the host run is the same anywhere.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "show_util.h"

static struct sockaddr_in loopback(uint16_t port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET,
				     .sin_port = htons(port),
				     .sin_addr.s_addr =
					     htonl(INADDR_LOOPBACK) };
}

/* A socket's name or its peer's, printed with the port as "given" (an
 * ephemeral port differs from run to run) unless it is 0. */
static struct sockaddr_in name_of(const char *label, int fd, bool peer)
{
	struct sockaddr_in name = { 0 };
	socklen_t length = sizeof(name);
	int result = peer ? getpeername(fd, (struct sockaddr *)&name, &length)
			  : getsockname(fd, (struct sockaddr *)&name, &length);

	if (result < 0) {
		show(label, -1);
		return name;
	}
	printf("%s: family %d, %s, port %s, length %u\n", label,
	       name.sin_family, inet_ntoa(name.sin_addr),
	       name.sin_port ? "given" : "0", (unsigned)length);
	return name;
}

static bool same(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_port == b->sin_port &&
	       a->sin_addr.s_addr == b->sin_addr.s_addr;
}

static int int_option(int fd, int level, int name)
{
	int value = -99;
	socklen_t length = sizeof(value);

	if (getsockopt(fd, level, name, &value, &length) < 0)
		return -errno;
	return value;
}

static void pause_ms(long ms)
{
	struct timespec time = { 0, ms * 1000000 };

	nanosleep(&time, NULL);
}

/* A listening socket on 127.0.0.1 and an ephemeral port: its name. */
static int listener(struct sockaddr_in *name)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = loopback(0);
	socklen_t length = sizeof(*name);

	bind(fd, (struct sockaddr *)&address, sizeof(address));
	listen(fd, 8);
	getsockname(fd, (struct sockaddr *)name, &length);
	return fd;
}

static void tcp_names_and_errors(void)
{
	struct sockaddr_in address = loopback(0), far = loopback(80);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	printf("-- TCP: sockets, names, bind\n");
	show("socket SOCK_SEQPACKET", socket(AF_INET, SOCK_SEQPACKET, 0));
	show("socket SOCK_RAW, protocol 0", socket(AF_INET, SOCK_RAW, 0));
	show("socket SOCK_STREAM, IPPROTO_UDP",
	     socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	show("socketpair AF_INET",
	     socketpair(AF_INET, SOCK_STREAM, 0, (int[2]){ 0, 0 }));
	printf("SO_DOMAIN %d, SO_TYPE %d, SO_PROTOCOL %d\n",
	       int_option(fd, SOL_SOCKET, SO_DOMAIN),
	       int_option(fd, SOL_SOCKET, SO_TYPE),
	       int_option(fd, SOL_SOCKET, SO_PROTOCOL));
	name_of("unbound name", fd, false);
	name_of("unbound peer", fd, true);
	show("bind, short length", bind(fd, (struct sockaddr *)&address, 8));
	address.sin_family = AF_INET6;
	show("bind, AF_INET6 family",
	     bind(fd, (struct sockaddr *)&address, sizeof(address)));
	far.sin_addr.s_addr = inet_addr("203.0.113.7");
	show("bind 203.0.113.7 (not local)",
	     bind(fd, (struct sockaddr *)&far, sizeof(far)));
	address = (struct sockaddr_in){ .sin_family = AF_UNSPEC };
	show("bind AF_UNSPEC, INADDR_ANY",
	     bind(fd, (struct sockaddr *)&address, sizeof(address)));
	name_of("its name", fd, false);
	address = loopback(0);
	show("bind again", bind(fd, (struct sockaddr *)&address,
				sizeof(address)));

	/* Unconnected. */
	char byte = 'x';

	show("send, unconnected", send(fd, &byte, 1, MSG_NOSIGNAL));
	show("recv, unconnected", recv(fd, &byte, 1, 0));
	show("shutdown, unconnected", shutdown(fd, SHUT_WR));
	close(fd);

	/* Options. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1, zero = 0, ttl = 32;

	printf("TCP_NODELAY %d, TCP_KEEPIDLE %d, IP_TTL %d, SO_REUSEADDR %d\n",
	       int_option(fd, IPPROTO_TCP, TCP_NODELAY),
	       int_option(fd, IPPROTO_TCP, TCP_KEEPIDLE),
	       int_option(fd, IPPROTO_IP, IP_TTL),
	       int_option(fd, SOL_SOCKET, SO_REUSEADDR));
	show("set TCP_NODELAY", setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
					   sizeof(one)));
	show("set TCP_KEEPIDLE 0", setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE,
					      &zero, sizeof(zero)));
	show("set IP_TTL 32",
	     setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)));
	show("set SO_REUSEADDR", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
					    &one, sizeof(one)));
	printf("TCP_NODELAY %d, IP_TTL %d, SO_REUSEADDR %d\n",
	       int_option(fd, IPPROTO_TCP, TCP_NODELAY),
	       int_option(fd, IPPROTO_IP, IP_TTL),
	       int_option(fd, SOL_SOCKET, SO_REUSEADDR));
	close(fd);
}

static void tcp_connection(void)
{
	struct sockaddr_in server, peer = { 0 };
	int listening = listener(&server);
	int client = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t length = sizeof(peer);
	char buffer[64] = "";

	printf("-- TCP: a connection\n");
	name_of("listener", listening, false);
	printf("SO_ACCEPTCONN %d\n",
	       int_option(listening, SOL_SOCKET, SO_ACCEPTCONN));
	show("connect", connect(client, (struct sockaddr *)&server,
				sizeof(server)));
	struct pollfd ready = { listening, POLLIN, 0 };

	show("poll the listener", poll(&ready, 1, 1000));
	printf("  POLLIN %d\n", !!(ready.revents & POLLIN));
	int accepted = accept(listening, (struct sockaddr *)&peer, &length);

	show("accept", accepted >= 0 ? 0 : -1);
	struct sockaddr_in client_name = name_of("client", client, false);
	struct sockaddr_in accepted_name = name_of("accepted", accepted, false);

	name_of("client's peer", client, true);
	printf("accept's name is the client's: %s (%s, length %u)\n",
	       same(&peer, &client_name) ? "yes" : "no",
	       inet_ntoa(peer.sin_addr), (unsigned)length);
	printf("the accepted end is the listener's name: %s\n",
	       same(&accepted_name, &server) ? "yes" : "no");
	show("connect again", connect(client, (struct sockaddr *)&server,
				      sizeof(server)));
	show("send", send(client, "hello", 5, 0));
	show("write back", write(accepted, "hi there", 8));
	struct sockaddr_in from = { .sin_port = 7 };

	length = sizeof(from);
	show("recvfrom", recvfrom(accepted, buffer, sizeof(buffer) - 1, 0,
				  (struct sockaddr *)&from, &length));
	printf("  %s, name length %u\n", buffer, (unsigned)length);
	memset(buffer, 0, sizeof(buffer));
	show("read", read(client, buffer, sizeof(buffer) - 1));
	printf("  %s\n", buffer);

	struct ucred credentials;

	length = sizeof(credentials);
	show("SO_PEERCRED", getsockopt(accepted, SOL_SOCKET, SO_PEERCRED,
				       &credentials, &length));
	printf("  pid %d, uid %d, gid %d\n", credentials.pid,
	       (int)credentials.uid, (int)credentials.gid);
	show("shutdown SHUT_WR", shutdown(client, SHUT_WR));
	show("read at the end", read(accepted, buffer, sizeof(buffer)));
	close(accepted);
	close(client);

	/* A connection to 0.0.0.0 is one to 127.0.0.1. */
	struct sockaddr_in any = server;

	any.sin_addr.s_addr = htonl(INADDR_ANY);
	client = socket(AF_INET, SOCK_STREAM, 0);
	show("connect to 0.0.0.0", connect(client, (struct sockaddr *)&any,
					   sizeof(any)));
	accepted = accept(listening, NULL, NULL);
	name_of("its peer", client, true);
	close(accepted);
	close(client);

	/* Listening unbound: INADDR_ANY and an ephemeral port. */
	int unbound = socket(AF_INET, SOCK_STREAM, 0);

	show("listen unbound", listen(unbound, 1));
	struct sockaddr_in its = name_of("its name", unbound, false);

	its.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	client = socket(AF_INET, SOCK_STREAM, 0);
	show("connect to it", connect(client, (struct sockaddr *)&its,
				      sizeof(its)));
	accepted = accept(unbound, NULL, NULL);
	name_of("the accepted end", accepted, false);
	close(accepted);
	close(client);
	close(unbound);
	close(listening);
}

/* poll's answer for fd, the bits TCP and Wicket agree on. */
static void show_poll(const char *label, int fd)
{
	struct pollfd polled = { fd, POLLIN | POLLOUT | POLLRDHUP, 0 };

	poll(&polled, 1, 0);
	printf("%s:%s%s%s%s%s\n", label,
	       polled.revents & POLLIN ? " IN" : "",
	       polled.revents & POLLOUT ? " OUT" : "",
	       polled.revents & POLLRDHUP ? " RDHUP" : "",
	       polled.revents & POLLERR ? " ERR" : "",
	       polled.revents & POLLHUP ? " HUP" : "");
}

/* The peer closes: with nothing unread (FIN: reads end, the next send
 * goes and is answered by a reset, the one after is EPIPE), and with
 * bytes unread (a reset at once: ECONNRESET first). */
static void tcp_peer_closed(void)
{
	struct sockaddr_in server;
	int listening = listener(&server);
	int client = socket(AF_INET, SOCK_STREAM, 0);
	char buffer[16];

	printf("-- TCP: the peer closes\n");
	connect(client, (struct sockaddr *)&server, sizeof(server));
	close(accept(listening, NULL, NULL));
	pause_ms(50);
	show_poll("poll after its close", client);
	show("read", read(client, buffer, sizeof(buffer)));
	show("send nothing", send(client, "", 0, MSG_NOSIGNAL));
	show("send", send(client, "hello", 5, MSG_NOSIGNAL));
	pause_ms(50);
	show_poll("poll after the reset", client);
	show("read", read(client, buffer, sizeof(buffer)));
	printf("SO_ERROR %s\n",
	       strerror(int_option(client, SOL_SOCKET, SO_ERROR)));
	show("send again", send(client, "hello", 5, MSG_NOSIGNAL));
	show("and again", send(client, "hello", 5, MSG_NOSIGNAL));
	close(client);

	client = socket(AF_INET, SOCK_STREAM, 0);
	connect(client, (struct sockaddr *)&server, sizeof(server));
	int accepted = accept(listening, NULL, NULL);

	send(client, "unread", 6, 0);
	pause_ms(50);
	close(accepted);
	pause_ms(50);
	show_poll("poll after a close with bytes unread", client);
	show("send", send(client, "hello", 5, MSG_NOSIGNAL));
	show("send again", send(client, "hello", 5, MSG_NOSIGNAL));
	show("read", read(client, buffer, sizeof(buffer)));
	close(client);

	client = socket(AF_INET, SOCK_STREAM, 0);
	connect(client, (struct sockaddr *)&server, sizeof(server));
	accepted = accept(listening, NULL, NULL);
	send(client, "unread", 6, 0);
	pause_ms(50);
	close(accepted);
	pause_ms(50);
	show("read first", read(client, buffer, sizeof(buffer)));
	show("read again", read(client, buffer, sizeof(buffer)));
	show("send", send(client, "hello", 5, MSG_NOSIGNAL));
	close(client);

	/* A large send after the peer's FIN: the reset stops it part way
	 * (Go's TestWritevError writes a gigabyte and expects an error). */
	static char large[8 << 20];

	client = socket(AF_INET, SOCK_STREAM, 0);
	connect(client, (struct sockaddr *)&server, sizeof(server));
	close(accept(listening, NULL, NULL));
	pause_ms(50);
	long sent = send(client, large, sizeof(large), MSG_NOSIGNAL);

	printf("a large send after the FIN: %s\n",
	       sent > 0 && sent < (long)sizeof(large) ? "part of it" : "all");
	show("the send after it", send(client, large, sizeof(large),
				       MSG_NOSIGNAL));
	close(client);

	/* SO_LINGER on with no time: close resets, whatever is unread. */
	struct linger linger = { 1, 0 }, got = { 7, 7 };
	socklen_t length = sizeof(got);

	client = socket(AF_INET, SOCK_STREAM, 0);
	connect(client, (struct sockaddr *)&server, sizeof(server));
	accepted = accept(listening, NULL, NULL);
	show("SO_LINGER", getsockopt(client, SOL_SOCKET, SO_LINGER, &got,
				     &length));
	printf("  on %d, %d s, length %u\n", got.l_onoff, got.l_linger,
	       (unsigned)length);
	show("set SO_LINGER on, 0 s",
	     setsockopt(client, SOL_SOCKET, SO_LINGER, &linger,
			sizeof(linger)));
	show("SO_LINGER", getsockopt(client, SOL_SOCKET, SO_LINGER, &got,
				     &length));
	printf("  on %d, %d s\n", got.l_onoff, got.l_linger);
	show("set it short", setsockopt(client, SOL_SOCKET, SO_LINGER,
					&linger, 4));
	send(client, "data", 4, 0);
	pause_ms(50);
	close(client);
	pause_ms(50);
	show_poll("poll after the reset", accepted);
	struct sockaddr_in peer;

	length = sizeof(peer);
	show("getpeername", getpeername(accepted, (struct sockaddr *)&peer,
					&length));
	memset(buffer, 0, sizeof(buffer));
	show("read what came first", read(accepted, buffer, sizeof(buffer)));
	printf("  %s\n", buffer);
	show("read again", read(accepted, buffer, sizeof(buffer)));
	show("and again", read(accepted, buffer, sizeof(buffer)));
	close(accepted);
	close(listening);
}

static void tcp_refusals(void)
{
	struct sockaddr_in port;
	int holder = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = loopback(0);
	socklen_t length = sizeof(port);

	printf("-- TCP: refusals, non-blocking connect, ports\n");
	/* a port that is bound, but where nothing listens */
	bind(holder, (struct sockaddr *)&address, sizeof(address));
	getsockname(holder, (struct sockaddr *)&port, &length);
	int client = socket(AF_INET, SOCK_STREAM, 0);

	show("connect, nothing listening",
	     connect(client, (struct sockaddr *)&port, sizeof(port)));
	close(client);
	client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	show("non-blocking connect, nothing listening",
	     connect(client, (struct sockaddr *)&port, sizeof(port)));
	pause_ms(10);
	struct pollfd ready = { client, POLLOUT, 0 };

	show("poll", poll(&ready, 1, 1000));
	printf("  POLLOUT %d, POLLERR %d, POLLHUP %d\n",
	       !!(ready.revents & POLLOUT), !!(ready.revents & POLLERR),
	       !!(ready.revents & POLLHUP));
	int error = int_option(client, SOL_SOCKET, SO_ERROR);

	printf("SO_ERROR %d, then %d\n", error,
	       int_option(client, SOL_SOCKET, SO_ERROR));
	close(client);

	struct sockaddr_in server;
	int listening = listener(&server);

	client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	show("non-blocking connect", connect(client, (struct sockaddr *)&server,
					     sizeof(server)));
	ready = (struct pollfd){ client, POLLOUT, 0 };
	show("poll", poll(&ready, 1, 1000));
	printf("  POLLOUT %d, SO_ERROR %d\n", !!(ready.revents & POLLOUT),
	       int_option(client, SOL_SOCKET, SO_ERROR));
	show("connect again (it is done)",
	     connect(client, (struct sockaddr *)&server, sizeof(server)));
	show("and again", connect(client, (struct sockaddr *)&server,
				  sizeof(server)));
	int accepted = accept4(listening, NULL, NULL, SOCK_NONBLOCK);

	show("accept4", accepted >= 0 ? 0 : -1);
	char byte;

	show("recv, nothing yet", recv(accepted, &byte, 1, 0));
	close(accepted);
	int flags = fcntl(listening, F_GETFL);

	fcntl(listening, F_SETFL, flags | O_NONBLOCK);
	show("accept, none waiting", accept(listening, NULL, NULL));
	close(client);

	/* Ports in use. */
	int one = 1;
	int second = socket(AF_INET, SOCK_STREAM, 0);

	show("bind the holder's port", bind(second, (struct sockaddr *)&port,
					    sizeof(port)));
	setsockopt(holder, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(second, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	show("both SO_REUSEADDR, neither listening",
	     bind(second, (struct sockaddr *)&port, sizeof(port)));
	int third = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(third, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	listen(holder, 1);
	show("SO_REUSEADDR, the holder listening",
	     bind(third, (struct sockaddr *)&port, sizeof(port)));
	struct sockaddr_in any = port;

	any.sin_addr.s_addr = htonl(INADDR_ANY);
	int fourth = socket(AF_INET, SOCK_STREAM, 0);

	show("INADDR_ANY on that port",
	     bind(fourth, (struct sockaddr *)&any, sizeof(any)));
	int udp = socket(AF_INET, SOCK_DGRAM, 0);

	show("UDP on that port (apart)",
	     bind(udp, (struct sockaddr *)&port, sizeof(port)));
	close(holder);
	close(second);
	close(third);
	close(fourth);
	close(udp);
	close(listening);
}

/* A megabyte through the loopback, echoed by a thread. */
#define ECHO_BYTES (1 << 20)
static int echo_listener;

static void *echo(void *unused)
{
	static char buffer[65536];
	int fd = accept(echo_listener, NULL, NULL);
	ssize_t got;

	(void)unused;
	while ((got = read(fd, buffer, sizeof(buffer))) > 0)
		for (ssize_t sent = 0; sent < got;) {
			ssize_t part = write(fd, buffer + sent,
					     (size_t)(got - sent));

			if (part <= 0)
				return NULL;
			sent += part;
		}
	close(fd);
	return NULL;
}

static void *send_all(void *fd_pointer)
{
	int fd = *(int *)fd_pointer;
	uint8_t block[4096];

	for (unsigned at = 0; at < ECHO_BYTES; at += sizeof(block)) {
		for (unsigned i = 0; i < sizeof(block); i++)
			block[i] = (uint8_t)((at + i) * 7 / 3);
		for (size_t sent = 0; sent < sizeof(block);) {
			ssize_t part = write(fd, block + sent,
					     sizeof(block) - sent);

			if (part <= 0)
				return NULL;
			sent += (size_t)part;
		}
	}
	shutdown(fd, SHUT_WR);
	return NULL;
}

static void tcp_echo(void)
{
	struct sockaddr_in server;
	pthread_t echoer, sender;
	static uint8_t buffer[8192];
	unsigned long total = 0, wrong = 0;
	ssize_t got;

	printf("-- TCP: a megabyte echoed by a thread\n");
	echo_listener = listener(&server);
	pthread_create(&echoer, NULL, echo, NULL);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	show("connect", connect(fd, (struct sockaddr *)&server,
				sizeof(server)));
	pthread_create(&sender, NULL, send_all, &fd);
	while ((got = read(fd, buffer, sizeof(buffer))) > 0) {
		for (ssize_t i = 0; i < got; i++)
			wrong += buffer[i] !=
				 (uint8_t)((total + (unsigned long)i) * 7 / 3);
		total += (unsigned long)got;
	}
	pthread_join(sender, NULL);
	pthread_join(echoer, NULL);
	printf("echoed %lu bytes, %lu wrong\n", total, wrong);
	close(fd);
	close(echo_listener);
}

static void udp(void)
{
	struct sockaddr_in a_name, from;
	struct sockaddr_in address = loopback(0);
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	socklen_t length = sizeof(a_name);
	char buffer[128] = "";
	static char big[65508];

	printf("-- UDP\n");
	printf("SO_TYPE %d, SO_PROTOCOL %d\n", int_option(a, SOL_SOCKET, SO_TYPE),
	       int_option(a, SOL_SOCKET, SO_PROTOCOL));
	show("bind a", bind(a, (struct sockaddr *)&address, sizeof(address)));
	getsockname(a, (struct sockaddr *)&a_name, &length);
	show("send, no destination", send(b, "x", 1, 0));
	show("sendto a", sendto(b, "first", 5, 0, (struct sockaddr *)&a_name,
				sizeof(a_name)));
	struct sockaddr_in b_name = name_of("b after it", b, false);

	show("sendto a again", sendto(b, "second", 6, 0,
				      (struct sockaddr *)&a_name,
				      sizeof(a_name)));
	length = sizeof(from);
	show("recvfrom", recvfrom(a, buffer, sizeof(buffer), 0,
				  (struct sockaddr *)&from, &length));
	b_name.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	printf("  %s from b (%s): %s\n", buffer, inet_ntoa(from.sin_addr),
	       same(&from, &b_name) ? "yes" : "no");
	memset(buffer, 0, sizeof(buffer));
	show("recv, 3 of 6 bytes", recv(a, buffer, 3, 0));
	printf("  %s\n", buffer);
	show("recv, none left", recv(a, buffer, 3, MSG_DONTWAIT));
	show("sendto, 65508 bytes", sendto(b, big, sizeof(big), 0,
					   (struct sockaddr *)&a_name,
					   sizeof(a_name)));
	show("sendto, 65507 bytes", sendto(b, big, sizeof(big) - 1, 0,
					   (struct sockaddr *)&a_name,
					   sizeof(a_name)));
	show("recv it", recv(a, big, sizeof(big), 0));

	/* A datagram keeps its source after its sender is closed. */
	int closed = socket(AF_INET, SOCK_DGRAM, 0);

	sendto(closed, "bye", 3, 0, (struct sockaddr *)&a_name,
	       sizeof(a_name));
	struct sockaddr_in closed_name = name_of("the sender, then closed",
						 closed, false);

	close(closed);
	struct iovec piece = { buffer, sizeof(buffer) };
	struct msghdr message = { .msg_name = &from,
				  .msg_namelen = sizeof(from),
				  .msg_iov = &piece, .msg_iovlen = 1 };

	show("recvmsg", recvmsg(a, &message, 0));
	closed_name.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	printf("  named, from the closed sender: %u, %s\n",
	       (unsigned)message.msg_namelen,
	       same(&from, &closed_name) ? "yes" : "no");

	/* A connected UDP socket takes its peer's datagrams alone. */
	int c = socket(AF_INET, SOCK_DGRAM, 0);

	show("c connects to a", connect(c, (struct sockaddr *)&a_name,
					sizeof(a_name)));
	struct sockaddr_in c_name = name_of("c", c, false);

	name_of("c's peer", c, true);
	show("a connects to c", connect(a, (struct sockaddr *)&c_name,
					sizeof(c_name)));
	show("b sends to a", sendto(b, "dropped", 7, 0,
				    (struct sockaddr *)&a_name,
				    sizeof(a_name)));
	show("c sends", send(c, "kept", 4, 0));
	memset(buffer, 0, sizeof(buffer));
	show("a receives", recv(a, buffer, sizeof(buffer), 0));
	printf("  %s\n", buffer);
	show("a receives again", recv(a, buffer, sizeof(buffer),
				      MSG_DONTWAIT));
	struct sockaddr unspecified = { .sa_family = AF_UNSPEC };

	show("a connects to AF_UNSPEC",
	     connect(a, &unspecified, sizeof(unspecified)));
	name_of("a's peer", a, true);
	show("shutdown a, unconnected", shutdown(a, SHUT_RDWR));

	/* Nobody on the port: the ICMP error comes to a connected sender. */
	int gone = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in gone_name;

	bind(gone, (struct sockaddr *)&address, sizeof(address));
	length = sizeof(gone_name);
	getsockname(gone, (struct sockaddr *)&gone_name, &length);
	close(gone);
	show("b sends to nobody", sendto(b, "x", 1, 0,
					 (struct sockaddr *)&gone_name,
					 sizeof(gone_name)));
	pause_ms(5);
	show("b sends to a", sendto(b, "x", 1, 0, (struct sockaddr *)&a_name,
				    sizeof(a_name)));
	show("c connects to nobody", connect(c, (struct sockaddr *)&gone_name,
					     sizeof(gone_name)));
	show("c sends", send(c, "x", 1, 0));
	pause_ms(5);
	show("c sends again", send(c, "x", 1, 0));
	show("c sends once more", send(c, "x", 1, 0));
	close(a);
	close(b);
	close(c);
}

/* "localhost" by name, as programs bind and connect to it: /etc/hosts
 * (Wicket's own when the tree has none). */
static void localhost_by_name(void)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *found = NULL;
	int error = getaddrinfo("localhost", "80", &hints, &found);

	printf("getaddrinfo localhost: %s", error ? "failed" : "found");
	if (!error) {
		struct sockaddr_in *in = (struct sockaddr_in *)found->ai_addr;

		printf(" %s port %u", inet_ntoa(in->sin_addr),
		       ntohs(in->sin_port));
		freeaddrinfo(found);
	}
	printf("\n");
	found = NULL;
	error = getaddrinfo("localhost", "http", &hints, &found);
	printf("getaddrinfo localhost http: %s", error ? "failed" : "port");
	if (!error) {
		printf(" %u", ntohs(((struct sockaddr_in *)found->ai_addr)
					    ->sin_port));
		freeaddrinfo(found);
	}
	printf("\n");

	/* /etc/services and /etc/protocols (netbase's on the host). */
	static const char *const names[][2] = {
		{ "domain", "udp" }, { "www", "tcp" }, { "ssh", "tcp" },
		{ "ntp", "udp" }, { "no-such-service", "tcp" },
	};

	for (int i = 0; i < 5; i++) {
		struct servent *service = getservbyname(names[i][0],
							names[i][1]);

		printf("getservbyname %s/%s: ", names[i][0], names[i][1]);
		if (service)
			printf("%s %u/%s\n", service->s_name,
			       ntohs((uint16_t)service->s_port),
			       service->s_proto);
		else
			printf("none\n");
	}
	struct servent *by_port = getservbyport(htons(443), "tcp");

	printf("getservbyport 443/tcp: %s\n", by_port ? by_port->s_name : "none");
	struct protoent *protocol = getprotobyname("udp");

	printf("getprotobyname udp: %d\n", protocol ? protocol->p_proto : -1);
	protocol = getprotobynumber(6);
	printf("getprotobynumber 6: %s\n", protocol ? protocol->p_name : "none");
}

/* A connected TCP pair on the loopback: *client, *server. */
static void tcp_pair(int *client, int *server)
{
	struct sockaddr_in name = loopback(0);
	socklen_t length = sizeof(name);
	int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1, value = 0;
	socklen_t size = sizeof(value);

	setsockopt(listener, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	bind(listener, (struct sockaddr *)&name, sizeof(name));
	listen(listener, 1);
	getsockname(listener, (struct sockaddr *)&name, &length);
	*client = socket(AF_INET, SOCK_STREAM, 0);
	connect(*client, (struct sockaddr *)&name, sizeof(name));
	*server = accept(listener, NULL, NULL);
	fcntl(*server, F_SETFL, O_NONBLOCK);
	getsockopt(*server, SOL_SOCKET, SO_KEEPALIVE, &value, &size);
	printf("accepted: SO_KEEPALIVE %d, as its listener's\n", value);
	close(listener);
}

/* What poll, select's exceptional set and SIOCATMARK say of fd. */
static void urgent_state(const char *label, int fd)
{
	struct pollfd one = { fd, POLLIN | POLLPRI, 0 };
	fd_set exceptional;
	struct timeval now = { 0, 0 };
	int mark = -1;

	FD_ZERO(&exceptional);
	FD_SET(fd, &exceptional);
	poll(&one, 1, 0);
	select(fd + 1, NULL, NULL, &exceptional, &now);
	ioctl(fd, SIOCATMARK, &mark);
	printf("%s: revents %#x, exceptional %d, at mark %d\n", label,
	       one.revents, FD_ISSET(fd, &exceptional) != 0, mark);
}

/* recv of up to 16 bytes with `flags`, printed with recvmsg's flags. */
static void receive(const char *label, int fd, int flags, size_t room)
{
	char bytes[17] = { 0 };
	struct iovec piece = { bytes, room };
	struct msghdr message = { .msg_iov = &piece, .msg_iovlen = 1 };
	long got = recvmsg(fd, &message, flags);

	if (got < 0) {
		show(label, -1);
		return;
	}
	printf("%s: %ld \"%s\" flags %#x\n", label, got, bytes,
	       message.msg_flags);
}

static volatile sig_atomic_t urgent_signals;

static void on_urgent(int signal)
{
	(void)signal;
	urgent_signals++;
}

/* TCP's urgent byte: send(MSG_OOB), recv(MSG_OOB), SO_OOBINLINE,
 * SIOCATMARK, POLLPRI, select's exceptional set, and SIGURG to the
 * socket's owner. */
static void tcp_urgent(void)
{
	int client, server, one = 1;
	struct sigaction action = { .sa_handler = on_urgent };

	printf("== urgent data\n");
	sigaction(SIGURG, &action, NULL);
	tcp_pair(&client, &server);
	show("F_SETOWN", fcntl(server, F_SETOWN, getpid()));
	urgent_state("nothing sent", server);
	show("send abc", send(client, "abc", 3, 0));
	show("send X, MSG_OOB", send(client, "X", 1, MSG_OOB));
	usleep(10000);
	urgent_state("abc and X", server);
	printf("SIGURG: %d\n", (int)urgent_signals);
	receive("recv", server, 0, 16);
	urgent_state("at X", server);
	receive("recv MSG_OOB|MSG_PEEK", server, MSG_OOB | MSG_PEEK, 16);
	receive("recv MSG_OOB, no room", server, MSG_OOB, 0);
	receive("recv MSG_OOB", server, MSG_OOB, 16);
	receive("recv MSG_OOB again", server, MSG_OOB, 16);
	urgent_state("X taken", server);
	receive("recv, X alone", server, 0, 16);
	show("send def", send(client, "def", 3, 0));
	usleep(10000);
	receive("recv", server, 0, 16);
	urgent_state("after def", server);

	show("send Z, MSG_OOB", send(client, "Z", 1, MSG_OOB));
	show("send gh", send(client, "gh", 2, 0));
	usleep(10000);
	receive("recv (Z is skipped)", server, 0, 16);
	receive("recv MSG_OOB after", server, MSG_OOB, 16);

	show("send 1, MSG_OOB", send(client, "1", 1, MSG_OOB));
	show("send 2, MSG_OOB", send(client, "2", 1, MSG_OOB));
	usleep(10000);
	urgent_state("1 and 2", server);
	printf("SIGURG: %d\n", (int)urgent_signals);
	receive("recv MSG_OOB", server, MSG_OOB, 16);
	receive("recv", server, 0, 16);

	show("send ab3, MSG_OOB", send(client, "ab3", 3, MSG_OOB));
	show("send 4, MSG_OOB", send(client, "4", 1, MSG_OOB));
	usleep(10000);
	receive("recv MSG_OOB", server, MSG_OOB, 16);
	receive("recv", server, 0, 16);
	receive("recv", server, 0, 16);

	show("SO_OOBINLINE", setsockopt(server, SOL_SOCKET, SO_OOBINLINE, &one,
					sizeof(one)));
	show("send cd", send(client, "cd", 2, 0));
	show("send Y, MSG_OOB", send(client, "Y", 1, MSG_OOB));
	show("send ef", send(client, "ef", 2, 0));
	usleep(10000);
	urgent_state("inline", server);
	receive("recv MSG_OOB", server, MSG_OOB, 16);
	receive("recv", server, 0, 16);
	urgent_state("inline, at Y", server);
	receive("recv", server, 0, 16);
	close(client);
	close(server);

	int udp = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = loopback(9);

	show("UDP sendto MSG_OOB",
	     sendto(udp, "u", 1, MSG_OOB, (struct sockaddr *)&to, sizeof(to)));
	close(udp);
	int pair[2];

	socketpair(AF_UNIX, SOCK_DGRAM, 0, pair);
	show("AF_UNIX DGRAM send MSG_OOB", send(pair[0], "u", 1, MSG_OOB));
	close(pair[0]);
	close(pair[1]);
	int fresh = socket(AF_INET, SOCK_STREAM, 0);

	receive("unconnected TCP recv MSG_OOB", fresh, MSG_OOB, 16);
	close(fresh);
}

/* SO_RCVLOWAT: a blocking read waits for that many bytes (until its
 * SO_RCVTIMEO here), and TCP's poll says POLLIN only then; AF_UNIX's
 * poll does not look at it. */
static void low_water(void)
{
	int client, server, pair[2], low = 5, value = 0;
	socklen_t size = sizeof(value);
	struct timeval timeout = { 0, 100000 };
	char bytes[16];

	printf("== SO_RCVLOWAT\n");
	tcp_pair(&client, &server);
	getsockopt(server, SOL_SOCKET, SO_RCVLOWAT, &value, &size);
	printf("default: %d\n", value);
	show("set 5", setsockopt(server, SOL_SOCKET, SO_RCVLOWAT, &low,
				 sizeof(low)));
	getsockopt(server, SOL_SOCKET, SO_RCVLOWAT, &value, &size);
	printf("now: %d\n", value);
	show("send 3", send(client, "abc", 3, 0));
	usleep(10000);
	urgent_state("3 of 5", server);
	show("non-blocking recv", recv(server, bytes, sizeof(bytes), 0));
	fcntl(server, F_SETFL, 0);
	setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	show("send 3", send(client, "def", 3, 0));
	show("blocking recv, till its timeout",
	     recv(server, bytes, sizeof(bytes), 0));
	show("send 6", send(client, "ghijkl", 6, 0));
	usleep(10000);
	urgent_state("6 of 5", server);
	show("blocking recv", recv(server, bytes, sizeof(bytes), 0));
	show("send 2", send(client, "mn", 2, 0));
	show("blocking recv of 2", recv(server, bytes, 2, 0));
	close(client);
	close(server);

	socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
	setsockopt(pair[1], SOL_SOCKET, SO_RCVLOWAT, &low, sizeof(low));
	setsockopt(pair[1], SOL_SOCKET, SO_RCVTIMEO, &timeout,
		   sizeof(timeout));
	show("AF_UNIX send 3", send(pair[0], "abc", 3, 0));
	urgent_state("AF_UNIX, 3 of 5", pair[1]);
	show("AF_UNIX blocking recv", recv(pair[1], bytes, sizeof(bytes), 0));
	low = -1;
	setsockopt(pair[1], SOL_SOCKET, SO_RCVLOWAT, &low, sizeof(low));
	getsockopt(pair[1], SOL_SOCKET, SO_RCVLOWAT, &value, &size);
	printf("AF_UNIX, set -1: %d\n", value);
	close(pair[0]);
	close(pair[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	localhost_by_name();
	tcp_names_and_errors();
	tcp_connection();
	tcp_refusals();
	tcp_peer_closed();
	tcp_echo();
	udp();
	tcp_urgent();
	low_water();
	return 0;
}
