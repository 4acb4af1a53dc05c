/*
 * TCP and UDP to peers on a network: run by differential.py --net, which
 * starts the peers on the host (a TCP echo server, a UDP echo server, and
 * a port where nothing listens) and gives their address and ports as
 * argv: on the host they are 127.0.0.1's, under Wicket 10.0.2.2's (QEMU's
 * user-mode network, which passes them on to the host's loopback).
 *
 *   net HOST TCP_PORT UDP_PORT REFUSED_PORT
 *
 * and the other way round: a server on PORT (any address) that the
 * harness connects to (under Wicket through QEMU's forwarding of a host
 * port): a "ping" answered with "pong" (the harness retries until the
 * server listens), then a megabyte echoed, then the end.
 *
 *   net serve PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define BULK (1 << 20)

static struct sockaddr_in peer(const char *host, const char *port)
{
	struct sockaddr_in name = { .sin_family = AF_INET,
				    .sin_port = htons((uint16_t)atoi(port)) };

	if (inet_pton(AF_INET, host, &name.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", host);
		exit(2);
	}
	return name;
}

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("FAILED: %s (%s)\n", what, strerror(errno));
		exit(1);
	}
}

static int tcp_connected(const struct sockaddr_in *to)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	check(fd >= 0, "socket");
	check(connect(fd, (const struct sockaddr *)to, sizeof(*to)) == 0,
	      "connect");
	return fd;
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 9));
}

/* A megabyte out and back through the echo server, sent and received in
 * turns (neither side's buffers need hold it all), then the half-close:
 * the server sees the end and closes, and we read the end. */
static void bulk_echo(const struct sockaddr_in *to)
{
	static unsigned char out[BULK], in[BULK];
	int fd = tcp_connected(to);
	size_t sent = 0, got = 0;

	for (size_t i = 0; i < BULK; i++)
		out[i] = pattern(i);
	check(fcntl(fd, F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
	while (got < BULK) {
		struct pollfd p = { .fd = fd,
				    .events = POLLIN |
					      (sent < BULK ? POLLOUT : 0) };

		check(poll(&p, 1, 20000) == 1, "poll during the echo");
		if ((p.revents & POLLOUT) && sent < BULK) {
			ssize_t n = send(fd, out + sent, BULK - sent, 0);

			check(n > 0 || errno == EAGAIN, "send");
			if (n > 0)
				sent += (size_t)n;
			if (sent == BULK)
				check(shutdown(fd, SHUT_WR) == 0, "shutdown");
		}
		if (p.revents & POLLIN) {
			ssize_t n = recv(fd, in + got, BULK - got, 0);

			check(n > 0 || (n < 0 && errno == EAGAIN),
			      "recv during the echo");
			if (n > 0)
				got += (size_t)n;
		}
	}
	printf("echoed %zu bytes: %s\n", got,
	       memcmp(in, out, BULK) ? "DIFFERENT" : "the same");
	check(fcntl(fd, F_SETFL, 0) == 0, "blocking");
	char byte;

	ssize_t last = recv(fd, &byte, 1, 0);

	printf("after the echo: recv %zd%s%s\n", last, last < 0 ? " " : "",
	       last < 0 ? strerror(errno) : "");
	close(fd);
}

/* `text` out and as many bytes back, into `line` (room for them and a
 * NUL, which the caller's zeroed line has). */
static const char *echo_line(int fd, const char *text, char *line)
{
	size_t length = strlen(text);

	check(write(fd, text, length) == (ssize_t)length, "write");
	for (size_t got = 0; got < length;) {
		ssize_t n = read(fd, line + got, length - got);

		check(n > 0, "read");
		got += (size_t)n;
	}
	return line;
}

/* Descriptor fd's line of /proc/net/tcp, found by its socket's inode
 * (as /proc/self/fd's link names it): whether its addresses are the
 * socket's and its peer's (network-order words printed as numbers, as
 * x86's Linux prints them), its state, queues and timer ("tr"). */
static void show_tcp_line(int fd, const struct sockaddr_in *to)
{
	char path[64], target[64] = "", line[256], last[256] = "";
	unsigned long inode = 0, found_inode, when, uid, timeout;
	unsigned sl, local, lport, remote, rport, state, tx, rx, timer, tries;
	struct sockaddr_in mine;
	socklen_t length = sizeof(mine);
	FILE *table = fopen("/proc/net/tcp", "r");
	int lines = 0;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	check(readlink(path, target, sizeof(target) - 1) > 0 &&
		      sscanf(target, "socket:[%lu]", &inode) == 1 &&
		      getsockname(fd, (struct sockaddr *)&mine, &length) == 0 &&
		      table != NULL,
	      "the socket's inode and /proc/net/tcp");
	while (fgets(line, sizeof(line), table)) {
		if (sscanf(line, " %u: %X:%X %X:%X %X %X:%X %X:%lX %X %lu %lu %lu",
			   &sl, &local, &lport, &remote, &rport, &state, &tx,
			   &rx, &timer, &when, &tries, &uid, &timeout,
			   &found_inode) != 14 ||
		    found_inode != inode)
			continue;
		/* Linux's table may give a line twice when other sockets
		 * come and go between two reads (a busy host). */
		if (strcmp(line, last) == 0)
			continue;
		snprintf(last, sizeof(last), "%s", line);
		lines++;
		printf("/proc/net/tcp: local %s, remote %s, st %02X, "
		       "queues %X:%X, tr %02X\n",
		       local == mine.sin_addr.s_addr &&
				       lport == ntohs(mine.sin_port)
			       ? "ours"
			       : "SOMEONE ELSE'S",
		       remote == to->sin_addr.s_addr &&
				       rport == ntohs(to->sin_port)
			       ? "the server"
			       : "SOMEONE ELSE",
		       state, tx, rx, timer);
	}
	fclose(table);
	if (lines != 1)
		printf("/proc/net/tcp: %d lines of the socket\n", lines);
}

/* A line out, its echo back; the names of both ends. */
static void small_echo(const struct sockaddr_in *to)
{
	int fd = tcp_connected(to);
	struct sockaddr_in mine, theirs;
	socklen_t length = sizeof(mine);
	char line[64] = "";
	int one = 1;

	check(getsockname(fd, (struct sockaddr *)&mine, &length) == 0,
	      "getsockname");
	length = sizeof(theirs);
	check(getpeername(fd, (struct sockaddr *)&theirs, &length) == 0,
	      "getpeername");
	printf("names: local port %s, peer %s\n",
	       ntohs(mine.sin_port) ? "set" : "0",
	       theirs.sin_port == to->sin_port &&
			       theirs.sin_addr.s_addr == to->sin_addr.s_addr
		       ? "the server"
		       : "SOMEONE ELSE");
	check(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0,
	      "TCP_NODELAY");
	printf("echo: %s", echo_line(fd, "hello, network\n", line));
	show_tcp_line(fd, to);
	close(fd);
}

/* A non-blocking connect: -EINPROGRESS, then POLLOUT and SO_ERROR 0. */
static void nonblocking_connect(const struct sockaddr_in *to)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), error = -1;
	socklen_t length = sizeof(error);
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int result = connect(fd, (const struct sockaddr *)to, sizeof(*to));

	printf("non-blocking connect: %s\n",
	       result == 0		 ? "at once"
	       : errno == EINPROGRESS ? "in progress"
				      : strerror(errno));
	check(poll(&p, 1, 20000) == 1, "poll for the connection");
	printf("then: %s%s%s\n", p.revents & POLLOUT ? "POLLOUT" : "",
	       p.revents & POLLERR ? " POLLERR" : "",
	       p.revents & POLLHUP ? " POLLHUP" : "");
	check(getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0,
	      "SO_ERROR");
	printf("SO_ERROR: %d\n", error);
	close(fd);
}

/* Nothing listens there: ECONNREFUSED, blocking or not. */
static void refused(const struct sockaddr_in *to)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), error = 0;
	socklen_t length = sizeof(error);

	int result = connect(fd, (const struct sockaddr *)to, sizeof(*to));

	printf("connect to a closed port: %d (%s)\n", result,
	       strerror(errno));
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(fd, (const struct sockaddr *)to, sizeof(*to));
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	check(poll(&p, 1, 20000) == 1, "poll for the refusal");
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
	printf("non-blocking: POLLERR %s, SO_ERROR %s\n",
	       p.revents & POLLERR ? "yes" : "no", strerror(error));
	close(fd);
}

/* IP_PKTINFO names the interface a datagram came on: the one that has
 * its destination address (lo's 127.0.0.1 on the host's loopback,
 * eth0's under Wicket). */
static void pktinfo(int fd, const struct sockaddr_in *to)
{
	int one = 1;
	char data[16], control[64];
	struct iovec piece = { data, sizeof(data) };
	struct msghdr message = { .msg_iov = &piece, .msg_iovlen = 1,
				  .msg_control = control,
				  .msg_controllen = sizeof(control) };
	struct ifaddrs *list, *entry;
	const char *holder = NULL;

	check(setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) == 0,
	      "IP_PKTINFO");
	check(sendto(fd, "info", 4, 0, (const struct sockaddr *)to,
		     sizeof(*to)) == 4,
	      "sendto (IP_PKTINFO)");
	check(recvmsg(fd, &message, 0) == 4, "recvmsg (IP_PKTINFO)");
	struct cmsghdr *c = CMSG_FIRSTHDR(&message);
	struct in_pktinfo info;

	check(c && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO,
	      "an IP_PKTINFO message");
	memcpy(&info, CMSG_DATA(c), sizeof(info));
	check(getifaddrs(&list) == 0, "getifaddrs");
	for (entry = list; entry; entry = entry->ifa_next)
		if (entry->ifa_addr && entry->ifa_addr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)entry->ifa_addr)->sin_addr.s_addr ==
			    info.ipi_addr.s_addr)
			holder = entry->ifa_name;
	printf("IP_PKTINFO: the interface that has the destination: %s\n",
	       holder && if_nametoindex(holder) == (unsigned)info.ipi_ifindex
		       ? "yes"
		       : "NO");
	freeifaddrs(list);
	one = 0;
	setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
}

static void udp_echo(const struct sockaddr_in *to)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct timeval timeout = { .tv_sec = 20 };
	struct sockaddr_in from;
	socklen_t length = sizeof(from);
	/* One frame's most (1,472), one more byte, and IPv4's largest: in
	 * fragments both ways. */
	static const int sizes[] = { 1, 7, 49, 343, 1472, 1473, 4000, 65507 };
	static char reply[65536], datagram[65507];

	check(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout,
			 sizeof(timeout)) == 0,
	      "SO_RCVTIMEO");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		int size = sizes[i];

		for (int k = 0; k < size; k++)
			datagram[k] = (char)('a' + (k * 7 + size) % 26);
		check(sendto(fd, datagram, (size_t)size, 0,
			     (const struct sockaddr *)to,
			     sizeof(*to)) == size,
		      "sendto");
		ssize_t n = recvfrom(fd, reply, sizeof(reply), 0,
				     (struct sockaddr *)&from, &length);

		check(n >= 0, "recvfrom");
		printf("udp: %d bytes out, %zd back %s, from %s\n", size, n,
		       n == size && memcmp(reply, datagram, (size_t)n) == 0
			       ? "the same"
			       : "DIFFERENT",
		       from.sin_port == to->sin_port &&
				       from.sin_addr.s_addr ==
					       to->sin_addr.s_addr
			       ? "the server"
			       : "SOMEONE ELSE");
	}
	pktinfo(fd, to);
	/* Connected: send and recv without names. */
	check(connect(fd, (const struct sockaddr *)to, sizeof(*to)) == 0,
	      "connect (UDP)");
	check(send(fd, "connected", 9, 0) == 9, "send (UDP)");
	ssize_t n = recv(fd, reply, sizeof(reply), 0);

	printf("udp connected: %zd back\n", n);
	close(fd);
}

/* A connected UDP end's datagram to a port where nothing is bound: the
 * ICMP error comes back as ECONNREFUSED for its next call. */
static void udp_refused(const struct sockaddr_in *to)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct timeval timeout = { .tv_sec = 10 };
	char reply[16];

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	check(connect(fd, (const struct sockaddr *)to, sizeof(*to)) == 0,
	      "connect (UDP, refused)");
	check(send(fd, "anyone?", 7, 0) == 7, "send (UDP, refused)");
	ssize_t n = recv(fd, reply, sizeof(reply), 0);

	printf("udp to a closed port: %zd (%s)\n", n,
	       n < 0 ? strerror(errno) : "an answer");
	close(fd);
}

static int serve(const char *port)
{
	int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in name = { .sin_family = AF_INET,
				    .sin_port = htons((uint16_t)atoi(port)) };
	static char buffer[65536];
	size_t echoed = 0;

	check(setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one,
			 sizeof(one)) == 0,
	      "SO_REUSEADDR");
	check(bind(listener, (struct sockaddr *)&name, sizeof(name)) == 0,
	      "bind");
	check(listen(listener, 4) == 0, "listen");
	for (int served = 0; served < 2;) {
		struct sockaddr_in client;
		socklen_t length = sizeof(client);
		int fd = accept(listener, (struct sockaddr *)&client, &length);
		ssize_t n;

		check(fd >= 0, "accept");
		n = read(fd, buffer, 5);
		if (n == 5 && memcmp(buffer, "ping\n", 5) == 0) {
			check(write(fd, "pong\n", 5) == 5, "pong");
			printf("served a ping from a client %s\n",
			       client.sin_family == AF_INET ? "of AF_INET"
							    : "of ANOTHER FAMILY");
			served++;
		} else if (n > 0) {
			echoed = (size_t)n;
			check(write(fd, buffer, (size_t)n) == n, "echo");
			while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
				check(write(fd, buffer, (size_t)n) == n,
				      "echo");
				echoed += (size_t)n;
			}
			check(n == 0, "read to the end");
			printf("echoed %zu bytes to the end\n", echoed);
			served++;
		}
		close(fd);
	}
	close(listener);
	printf("done\n");
	return 0;
}

/* Keepalive probes every second on an idle connection (TCP_KEEPIDLE 1,
 * TCP_KEEPINTVL 1): the peer answers them, and the connection goes on. */
static void keepalive(const struct sockaddr_in *to)
{
	int fd = tcp_connected(to), one = 1, count = 3;
	char line[8] = "";

	check(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) == 0 &&
		      setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &one,
				 sizeof(one)) == 0 &&
		      setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &one,
				 sizeof(one)) == 0 &&
		      setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count,
				 sizeof(count)) == 0,
	      "keepalive options");
	show_tcp_line(fd, to); /* tr 02: the keepalive timer */
	sleep(4);
	printf("after 4 s of keepalive probes: %s",
	       echo_line(fd, "alive\n", line));
	close(fd);
}

/* The address the app has towards the peers (eth0's under Wicket, the
 * loopback's on the host), as a route gives it to a UDP socket that
 * connects there, is local: the app's listener on the wildcard takes a
 * connection to it. */
static void own_address(const struct sockaddr_in *peer)
{
	int probe = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	int client = socket(AF_INET, SOCK_STREAM, 0), server;
	struct sockaddr_in own, any = { .sin_family = AF_INET };
	socklen_t length = sizeof(own);
	char line[16] = "";

	check(connect(probe, (const struct sockaddr *)peer, sizeof(*peer)) ==
			      0 &&
		      getsockname(probe, (struct sockaddr *)&own, &length) == 0,
	      "the route's source address");
	close(probe);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	check(bind(listener, (struct sockaddr *)&any, sizeof(any)) == 0 &&
		      listen(listener, 1) == 0,
	      "listen on any address");
	length = sizeof(any);
	getsockname(listener, (struct sockaddr *)&any, &length);
	own.sin_port = any.sin_port;
	check(connect(client, (struct sockaddr *)&own, sizeof(own)) == 0,
	      "connect to our own address");
	server = accept(listener, NULL, NULL);
	check(server >= 0, "accept from our own address");
	check(write(client, "mine\n", 5) == 5, "write to our own address");
	for (size_t got = 0; got < 5;) {
		ssize_t n = read(server, line + got, 5 - got);

		check(n > 0, "read from our own address");
		got += (size_t)n;
	}
	printf("our own address: connected, and came: %s", line);
	close(client);
	close(server);
	close(listener);
}

/* The limited broadcast: UDP's only with SO_BROADCAST (EACCES without),
 * and no TCP connection to it (ENETUNREACH), as on Linux. */
static void broadcasts(void)
{
	struct sockaddr_in all = { .sin_family = AF_INET,
				   .sin_port = htons(9), /* discard */
				   .sin_addr = { htonl(INADDR_BROADCAST) } };
	int udp = socket(AF_INET, SOCK_DGRAM, 0), tcp, one = 1;
	long result = sendto(udp, "x", 1, 0, (struct sockaddr *)&all,
			     sizeof(all));

	printf("udp to 255.255.255.255: %ld (%s)\n", result,
	       result < 0 ? strerror(errno) : "sent");
	setsockopt(udp, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	result = sendto(udp, "x", 1, 0, (struct sockaddr *)&all, sizeof(all));
	printf("with SO_BROADCAST: %ld (%s)\n", result,
	       result < 0 ? strerror(errno) : "sent");
	close(udp);
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	result = connect(tcp, (struct sockaddr *)&all, sizeof(all));
	printf("tcp to 255.255.255.255: %ld (%s)\n", result,
	       result < 0 ? strerror(errno) : "connected");
	close(tcp);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2]);
	if (argc != 5) {
		fprintf(stderr, "usage: net HOST TCP_PORT UDP_PORT REFUSED\n");
		return 2;
	}
	struct sockaddr_in tcp = peer(argv[1], argv[2]),
			   udp = peer(argv[1], argv[3]),
			   closed = peer(argv[1], argv[4]);

	small_echo(&tcp);
	nonblocking_connect(&tcp);
	bulk_echo(&tcp);
	refused(&closed);
	udp_echo(&udp);
	udp_refused(&closed);
	broadcasts();
	own_address(&tcp);
	keepalive(&tcp);
	printf("done\n");
	return 0;
}
