/*
 * IPv6 on the loopback (differential): TCP and UDP over ::1, and the dual
 * stack, an AF_INET6 socket that is not IPV6_V6ONLY taking IPv4's
 * connections and datagrams under v4-mapped names (::ffff:127.0.0.1).
 * Names in every call that gives one, bind's conflicts between the two
 * families with and without IPV6_V6ONLY, the errors of bad names, the
 * datagram size limits of both families, the IPPROTO_IPV6 options, the
 * control messages a UDP receiver asks for (IP_PKTINFO, IP_RECVTTL,
 * IP_RECVTOS and IPv6's RFC 3542 kin) and a sender sets, and
 * the loopback's ::1 as rtnetlink, getifaddrs and /proc/net/if_inet6
 * tell of it (the loopback's entries alone: the host has more).
 * Every socket sets IPV6_V6ONLY itself, so the host's
 * net.ipv6.bindv6only does not matter; a host without ::1 cannot run
 * this (exit 77, which the differential runner takes as a skip).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "inet_util.h"
#include "netlink_util.h"
#include "show_util.h"

#define IFA_PROTO     11
#define RTA_CACHEINFO 12

/* An AF_INET6 socket of `type` with IPV6_V6ONLY `only`. */
static int socket6(int type, int only)
{
	int fd = socket(AF_INET6, type, 0);

	if (fd >= 0 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only, sizeof(only)))
		show("IPV6_V6ONLY", -1);
	return fd;
}

/* A name as the app got it: its family, address, port ("given" for an
 * ephemeral one) and length; the port, host order. */
static uint16_t print_name(const char *label, const void *bytes,
			   socklen_t length)
{
	const struct sockaddr_in6 *in6 = bytes;
	const struct sockaddr_in *in = bytes;
	char text[INET6_ADDRSTRLEN] = "?";
	uint16_t port = 0;

	if (in6->sin6_family == AF_INET6) {
		inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
		port = ntohs(in6->sin6_port);
		printf("%s: AF_INET6 %s port %s flow %u scope %u length %u\n",
		       label, text, port ? "given" : "0",
		       in6->sin6_flowinfo, in6->sin6_scope_id,
		       (unsigned)length);
	} else {
		inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
		port = ntohs(in->sin_port);
		printf("%s: family %u %s port %s length %u\n", label,
		       in->sin_family, text, port ? "given" : "0",
		       (unsigned)length);
	}
	return port;
}

static uint16_t name_of(const char *label, int fd, bool peer)
{
	struct sockaddr_storage name;
	socklen_t length = sizeof(name);

	memset(&name, 0x55, sizeof(name));
	if ((peer ? getpeername(fd, (struct sockaddr *)&name, &length)
		  : getsockname(fd, (struct sockaddr *)&name, &length)) < 0) {
		show(label, -1);
		return 0;
	}
	return print_name(label, &name, length);
}

static int option(int fd, int level, int name)
{
	int value = -7;
	socklen_t length = sizeof(value);

	if (getsockopt(fd, level, name, &value, &length) < 0)
		return -errno;
	return value;
}

static void show_option(const char *label, int fd, int level, int name)
{
	int value = option(fd, level, name);

	if (value < 0 && value != -1)
		printf("%s: -1 (%s)\n", label, strerror(-value));
	else
		printf("%s: %d\n", label, value);
}

static long set_option(const char *label, int fd, int level, int name,
		       int value)
{
	return show(label,
		    setsockopt(fd, level, name, &value, sizeof(value)));
}

/* Whether this machine has IPv6's loopback at all. */
static bool have_ipv6(void)
{
	struct sockaddr_in6 loopback = name6("::1", 0);
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&loopback,
				  sizeof(loopback)) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* A connection from `client` to the listening `server`, accepted, with
 * the names on both sides printed and a byte each way; then the client
 * and the accepted end are closed. */
static void connection(const char *label, int client, int server,
		       const void *to, socklen_t length)
{
	struct sockaddr_storage from;
	socklen_t from_length = sizeof(from);
	char byte = 'x';

	printf("-- %s\n", label);
	if (show("connect", connect(client, to, length)) == 0) {
		int accepted = accept(server, (struct sockaddr *)&from,
				      &from_length);

		if (show("accept", accepted >= 0 ? 0 : -1) == 0) {
			print_name("accept's name", &from, from_length);
			name_of("client's name", client, false);
			name_of("client's peer", client, true);
			name_of("accepted's name", accepted, false);
			name_of("accepted's peer", accepted, true);
			show("send", send(client, &byte, 1, 0));
			show("receive", recv(accepted, &byte, 1, 0));
			show("send back", send(accepted, &byte, 1, 0));
			show("receive back", recv(client, &byte, 1, 0));
			close(accepted);
		}
	}
	close(client);
}

/* A new socket `fd` connected (or bound) to `name`, shown, and closed. */
static void attempt(const char *label, int fd, bool binding, const void *name,
		    socklen_t length)
{
	show(label, binding ? bind(fd, name, length) : connect(fd, name, length));
	close(fd);
}

/* `fd` bound to :: and listening: its port; *name its name. */
static uint16_t listen_on(int fd, struct sockaddr_in6 *name)
{
	socklen_t length = sizeof(*name);

	*name = name6("::", 0);
	show("bind ::", bind(fd, (struct sockaddr *)name, sizeof(*name)));
	show("listen", listen(fd, 4));
	getsockname(fd, (struct sockaddr *)name, &length);
	return ntohs(name->sin6_port);
}

static void tcp(void)
{
	printf("== TCP\n");
	int server = socket6(SOCK_STREAM, 0);
	struct sockaddr_in6 loopback = name6("::1", 0);
	socklen_t length = sizeof(loopback);

	name_of("unbound", server, false);
	show_option("IPV6_V6ONLY, set 0", server, IPPROTO_IPV6, IPV6_V6ONLY);
	show("bind ::1", bind(server, (struct sockaddr *)&loopback,
			      sizeof(loopback)));
	/* Linux: an end bound to an IPv6 address is IPv6's alone. */
	show_option("IPV6_V6ONLY after bind ::1", server, IPPROTO_IPV6,
		    IPV6_V6ONLY);
	show("listen", listen(server, 4));
	getsockname(server, (struct sockaddr *)&loopback, &length);
	name_of("listener", server, false);

	int client = socket6(SOCK_STREAM, 0);
	connection("::1 to ::1", client, server, &loopback, sizeof(loopback));

	struct sockaddr_in6 any = loopback;

	any.sin6_addr = in6addr_any;
	client = socket6(SOCK_STREAM, 0);
	connection(":: (the loopback) to ::1", client, server, &any,
		   sizeof(any));

	client = socket6(SOCK_STREAM, 0);
	struct sockaddr_in6 mapped = loopback;

	inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr);
	attempt("connect ::ffff:127.0.0.1, nobody there", client, false,
		&mapped, sizeof(mapped));
	client = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in ipv4 = name4("127.0.0.1", ntohs(loopback.sin6_port));

	attempt("IPv4 connect to ::1's port", client, false, &ipv4,
		sizeof(ipv4));
	close(server);

	printf("== the dual stack\n");
	server = socket6(SOCK_STREAM, 0);
	uint16_t port = listen_on(server, &any);

	show_option("IPV6_V6ONLY after bind ::", server, IPPROTO_IPV6,
		    IPV6_V6ONLY);
	name_of("listener", server, false);

	client = socket(AF_INET, SOCK_STREAM, 0);
	ipv4 = name4("127.0.0.1", port);
	connection("IPv4 127.0.0.1 to ::", client, server, &ipv4, sizeof(ipv4));
	client = socket6(SOCK_STREAM, 0);
	mapped = name6("::ffff:127.0.0.1", port);
	connection("::ffff:127.0.0.1 to ::", client, server, &mapped,
		   sizeof(mapped));
	client = socket6(SOCK_STREAM, 0);
	loopback = name6("::1", port);
	connection("::1 to ::", client, server, &loopback, sizeof(loopback));

	int other = socket(AF_INET, SOCK_STREAM, 0);

	ipv4 = name4("127.0.0.1", port);
	attempt("IPv4 bind on the dual stack's port", other, true, &ipv4,
		sizeof(ipv4));
	other = socket6(SOCK_STREAM, 1);
	attempt("IPV6_V6ONLY :: bind on its port", other, true, &any,
		sizeof(any));
	close(server);

	printf("== IPV6_V6ONLY\n");
	server = socket6(SOCK_STREAM, 1);
	port = listen_on(server, &any);
	client = socket(AF_INET, SOCK_STREAM, 0);
	ipv4 = name4("127.0.0.1", port);
	attempt("IPv4 connect to it", client, false, &ipv4, sizeof(ipv4));
	other = socket(AF_INET, SOCK_STREAM, 0);
	ipv4 = name4("0.0.0.0", port);
	show("IPv4 bind 0.0.0.0 on its port",
	     bind(other, (struct sockaddr *)&ipv4, sizeof(ipv4)));
	show("listen", listen(other, 4));
	client = socket(AF_INET, SOCK_STREAM, 0);
	ipv4 = name4("127.0.0.1", port);
	connection("IPv4 to the IPv4 listener", client, other, &ipv4,
		   sizeof(ipv4));
	client = socket6(SOCK_STREAM, 0);
	loopback = name6("::1", port);
	connection("::1 to the IPV6_V6ONLY listener", client, server, &loopback,
		   sizeof(loopback));
	client = socket6(SOCK_STREAM, 1);
	mapped = name6("::ffff:127.0.0.1", port);
	attempt("IPV6_V6ONLY connect to ::ffff:127.0.0.1", client, false,
		&mapped, sizeof(mapped));
	close(other);
	close(server);

	printf("== ::1 and IPv4's wildcard\n");
	/* On the host another program (a test running alongside) may hold
	 * the port on IPv4: a new port then, as many times as it takes. */
	for (int tries = 0; tries < 20; tries++) {
		server = socket6(SOCK_STREAM, 0);
		loopback = name6("::1", 0);
		if (bind(server, (struct sockaddr *)&loopback,
			 sizeof(loopback)) < 0) {
			show("bind ::1", -1);
			break;
		}
		length = sizeof(loopback);
		getsockname(server, (struct sockaddr *)&loopback, &length);
		other = socket(AF_INET, SOCK_STREAM, 0);
		ipv4 = name4("0.0.0.0", ntohs(loopback.sin6_port));
		int result = bind(other, (struct sockaddr *)&ipv4,
				  sizeof(ipv4));
		int error = errno;
		close(other);
		if (result == 0 || error != EADDRINUSE || tries == 19) {
			show("bind ::1", 0);
			errno = error;
			show("IPv4 bind 0.0.0.0 on ::1's port", result);
			break;
		}
		close(server);
	}
	other = socket6(SOCK_STREAM, 0);
	any = name6("::", ntohs(loopback.sin6_port));
	attempt("bind :: on ::1's port", other, true, &any, sizeof(any));
	close(server);
}

static void bind_errors(void)
{
	printf("== bind's and connect's errors\n");
	int fd = socket6(SOCK_STREAM, 0);
	struct sockaddr_in6 name = name6("::1", 0);
	struct sockaddr_in ipv4 = name4("127.0.0.1", 0);

	show("bind, 23 bytes", bind(fd, (struct sockaddr *)&name, 23));
	show("bind, 24 bytes", bind(fd, (struct sockaddr *)&name, 24));
	show("bind again", bind(fd, (struct sockaddr *)&name, sizeof(name)));
	set_option("IPV6_V6ONLY once bound", fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
	close(fd);
	fd = socket6(SOCK_STREAM, 0);
	show("bind, a sockaddr_in",
	     bind(fd, (struct sockaddr *)&ipv4, sizeof(ipv4)));
	struct sockaddr_in6 as4 = name;

	as4.sin6_family = AF_INET;
	show("bind, family AF_INET", bind(fd, (struct sockaddr *)&as4,
					  sizeof(as4)));
	name = name6("2001:db8::1", 0);
	show("bind 2001:db8::1", bind(fd, (struct sockaddr *)&name,
				      sizeof(name)));
	name = name6("::ffff:10.0.0.1", 0);
	show("bind ::ffff:10.0.0.1", bind(fd, (struct sockaddr *)&name,
					  sizeof(name)));
	name = name6("::ffff:127.0.0.2", 0);
	show("bind ::ffff:127.0.0.2", bind(fd, (struct sockaddr *)&name,
					   sizeof(name)));
	name_of("bound", fd, false);
	close(fd);
	fd = socket6(SOCK_STREAM, 1);
	attempt("IPV6_V6ONLY bind ::ffff:127.0.0.1", fd, true, &name,
		sizeof(name));
	fd = socket6(SOCK_STREAM, 0);
	name = name6("::1", 1);
	show("connect ::1 port 1, nobody there",
	     connect(fd, (struct sockaddr *)&name, sizeof(name)));
	show("connect, 20 bytes", connect(fd, (struct sockaddr *)&name, 20));
	show("connect, a sockaddr_in",
	     connect(fd, (struct sockaddr *)&ipv4, sizeof(ipv4)));
	attempt("connect, family AF_INET, 28 bytes", fd, false, &as4,
		sizeof(as4));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	name = name6("::1", 0);
	attempt("IPv4 bind, a sockaddr_in6", fd, true, &name, sizeof(name));
}

/* A datagram of `size` bytes from `from` to `to`, received by
 * `receiver` with its sender's name printed. */
static void datagram(const char *label, int from, int receiver,
		     const void *to, socklen_t length, size_t size)
{
	static char buffer[70000];
	struct sockaddr_storage sender;
	socklen_t sender_length = sizeof(sender);

	printf("-- %s, %zu bytes\n", label, size);
	if (show("sendto", sendto(from, buffer, size, 0, to, length)) < 0)
		return;
	if (show("recvfrom", recvfrom(receiver, buffer, sizeof(buffer),
				      MSG_DONTWAIT, (struct sockaddr *)&sender,
				      &sender_length)) >= 0)
		print_name("sender", &sender, sender_length);
}

static void udp(void)
{
	printf("== UDP\n");
	int receiver = socket6(SOCK_DGRAM, 0);
	struct sockaddr_in6 any = name6("::", 0);
	socklen_t length = sizeof(any);

	show("bind ::", bind(receiver, (struct sockaddr *)&any, sizeof(any)));
	getsockname(receiver, (struct sockaddr *)&any, &length);
	uint16_t port = ntohs(any.sin6_port);
	struct sockaddr_in6 loopback = name6("::1", port);
	struct sockaddr_in6 mapped = name6("::ffff:127.0.0.1", port);
	struct sockaddr_in ipv4 = name4("127.0.0.1", port);
	int sender6 = socket6(SOCK_DGRAM, 0);
	int sender4 = socket(AF_INET, SOCK_DGRAM, 0);

	datagram("to ::1", sender6, receiver, &loopback, sizeof(loopback), 5);
	name_of("sender's name", sender6, false);
	datagram("to ::ffff:127.0.0.1", sender6, receiver, &mapped,
		 sizeof(mapped), 5);
	datagram("a sockaddr_in, to 127.0.0.1", sender6, receiver, &ipv4,
		 sizeof(ipv4), 5);
	datagram("IPv4, to 127.0.0.1", sender4, receiver, &ipv4,
		 sizeof(ipv4), 5);
	datagram("to ::1", sender6, receiver, &loopback, sizeof(loopback),
		 65527);
	datagram("to ::1", sender6, receiver, &loopback, sizeof(loopback),
		 65528);
	datagram("to ::ffff:127.0.0.1", sender6, receiver, &mapped,
		 sizeof(mapped), 65507);
	datagram("to ::ffff:127.0.0.1", sender6, receiver, &mapped,
		 sizeof(mapped), 65508);
	datagram("to :: (the loopback)", sender6, receiver, &any, sizeof(any),
		 3);

	struct sockaddr_in6 unspecified = { .sin6_family = AF_UNSPEC };
	struct sockaddr_in6 port0 = name6("::1", 0);
	struct sockaddr_in port0_4 = name4("127.0.0.1", 0);

	show("sendto ::1 port 0", sendto(sender6, "a", 1, 0,
					 (struct sockaddr *)&port0,
					 sizeof(port0)));
	show("sendto 127.0.0.1 port 0", sendto(sender4, "a", 1, 0,
					       (struct sockaddr *)&port0_4,
					       sizeof(port0_4)));
	int tcp0 = socket6(SOCK_STREAM, 0);

	attempt("TCP connect ::1 port 0", tcp0, false, &port0, sizeof(port0));

	show("sendto AF_UNSPEC, not connected",
	     sendto(sender6, "a", 1, 0, (struct sockaddr *)&unspecified,
		    sizeof(unspecified)));
	show("sendto, 1 byte of name",
	     sendto(sender6, "a", 1, 0, (struct sockaddr *)&loopback, 1));
	show("sendto, 20 bytes of name",
	     sendto(sender6, "a", 1, 0, (struct sockaddr *)&loopback, 20));
	struct sockaddr_in6 other_family = loopback;

	other_family.sin6_family = AF_UNIX;
	show("sendto, family AF_UNIX",
	     sendto(sender6, "a", 1, 0, (struct sockaddr *)&other_family,
		    sizeof(other_family)));

	printf("-- connected\n");
	show("connect ::1", connect(sender6, (struct sockaddr *)&loopback,
				    sizeof(loopback)));
	name_of("sender's name", sender6, false);
	name_of("sender's peer", sender6, true);
	datagram("AF_UNSPEC: to the peer", sender6, receiver, &unspecified,
		 sizeof(unspecified), 4);
	show("connect a sockaddr_in",
	     connect(sender6, (struct sockaddr *)&ipv4, sizeof(ipv4)));
	name_of("sender's peer", sender6, true);
	show("connect AF_UNSPEC", connect(sender6,
					  (struct sockaddr *)&unspecified,
					  sizeof(unspecified)));
	name_of("sender's peer", sender6, true);

	printf("-- a receiver connected to ::1's sender\n");
	int filtered = socket6(SOCK_DGRAM, 0);
	struct sockaddr_in6 its = name6("::1", 0);
	struct sockaddr_in6 source;

	bind(filtered, (struct sockaddr *)&its, sizeof(its));
	length = sizeof(its);
	getsockname(filtered, (struct sockaddr *)&its, &length);
	int peer = socket6(SOCK_DGRAM, 0);

	source = name6("::1", 0);
	bind(peer, (struct sockaddr *)&source, sizeof(source));
	length = sizeof(source);
	getsockname(peer, (struct sockaddr *)&source, &length);
	show("connect to the sender",
	     connect(filtered, (struct sockaddr *)&source, sizeof(source)));
	datagram("from its peer", peer, filtered, &its, sizeof(its), 2);
	datagram("from another", sender6, filtered, &its, sizeof(its), 2);
	close(peer);
	close(filtered);

	printf("-- IPV6_V6ONLY\n");
	int only = socket6(SOCK_DGRAM, 1);

	show("sendto a sockaddr_in",
	     sendto(only, "a", 1, 0, (struct sockaddr *)&ipv4, sizeof(ipv4)));
	show("sendto ::ffff:127.0.0.1",
	     sendto(only, "a", 1, 0, (struct sockaddr *)&mapped,
		    sizeof(mapped)));
	show("connect a sockaddr_in",
	     connect(only, (struct sockaddr *)&ipv4, sizeof(ipv4)));
	show("connect ::ffff:127.0.0.1",
	     connect(only, (struct sockaddr *)&mapped, sizeof(mapped)));
	datagram("to ::1", only, receiver, &loopback, sizeof(loopback), 1);
	close(only);
	close(sender4);
	close(sender6);
	close(receiver);
}

/* A datagram of `data` with the control messages `control` (its
 * `length` bytes) from `from` to `to`; received by `receiver` into
 * `room` bytes of control buffer, whose messages are printed. */
static void ancillary(const char *label, int from, const void *to,
		      socklen_t to_length, const void *control, size_t length,
		      int receiver, size_t room)
{
	char data[8] = "ancil", got[16];
	struct iovec piece = { data, 5 };
	struct msghdr message = { .msg_name = (void *)to,
				  .msg_namelen = to_length,
				  .msg_iov = &piece,
				  .msg_iovlen = 1,
				  .msg_control = (void *)control,
				  .msg_controllen = length };
	static union {
		char bytes[256];
		struct cmsghdr align;
	} buffer;

	printf("-- %s\n", label);
	if (show("sendmsg", sendmsg(from, &message, 0)) < 0)
		return;
	piece = (struct iovec){ got, sizeof(got) };
	memset(buffer.bytes, 0x55, sizeof(buffer.bytes));
	message = (struct msghdr){ .msg_iov = &piece,
				   .msg_iovlen = 1,
				   .msg_control = room ? buffer.bytes : NULL,
				   .msg_controllen = room };
	if (show("recvmsg", recvmsg(receiver, &message, MSG_DONTWAIT)) < 0)
		return;
	printf("controllen %zu flags %#x\n", (size_t)message.msg_controllen,
	       message.msg_flags);
	for (struct cmsghdr *one = CMSG_FIRSTHDR(&message); one;
	     one = CMSG_NXTHDR(&message, one)) {
		printf(" level %d type %d len %zu:", one->cmsg_level,
		       one->cmsg_type, (size_t)one->cmsg_len);
		for (size_t i = 0; i < one->cmsg_len - CMSG_LEN(0) &&
				   CMSG_DATA(one) + i <
					   (unsigned char *)buffer.bytes +
						   message.msg_controllen;
		     i++)
			printf(" %02x", CMSG_DATA(one)[i]);
		printf("\n");
	}
}

/* Control messages: one int, or two, at the levels and types given. */
struct two_messages {
	union {
		char bytes[2 * CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	};
	size_t length;
};

static struct two_messages messages(int level, int type, int value,
				    int level2, int type2, int value2)
{
	struct two_messages out = { .length = CMSG_SPACE(sizeof(int)) };
	struct cmsghdr *one = (struct cmsghdr *)out.bytes;

	memset(out.bytes, 0, sizeof(out.bytes));
	*one = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(int)),
				 .cmsg_level = level,
				 .cmsg_type = type };
	memcpy(CMSG_DATA(one), &value, sizeof(int));
	if (level2 >= 0) {
		one = (struct cmsghdr *)(out.bytes + CMSG_SPACE(sizeof(int)));
		*one = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(int)),
					 .cmsg_level = level2,
					 .cmsg_type = type2 };
		memcpy(CMSG_DATA(one), &value2, sizeof(int));
		out.length += CMSG_SPACE(sizeof(int));
	}
	return out;
}

static void control_messages(void)
{
	printf("== control messages\n");
	int receiver = socket6(SOCK_DGRAM, 0);
	int sender6 = socket6(SOCK_DGRAM, 0);
	int sender4 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in6 any = name6("::", 0);
	socklen_t length = sizeof(any);

	bind(receiver, (struct sockaddr *)&any, sizeof(any));
	getsockname(receiver, (struct sockaddr *)&any, &length);
	uint16_t port = ntohs(any.sin6_port);
	struct sockaddr_in6 loopback = name6("::1", port);
	struct sockaddr_in ipv4 = name4("127.0.0.1", port);
	struct two_messages none = { .length = 0 };

	ancillary("none asked for", sender6, &loopback, sizeof(loopback),
		  NULL, 0, receiver, 64);
	set_option("IPV6_RECVPKTINFO", receiver, IPPROTO_IPV6,
		   IPV6_RECVPKTINFO, 1);
	set_option("IPV6_RECVHOPLIMIT", receiver, IPPROTO_IPV6,
		   IPV6_RECVHOPLIMIT, 1);
	set_option("IPV6_RECVTCLASS", receiver, IPPROTO_IPV6,
		   IPV6_RECVTCLASS, 1);
	show_option("IPV6_RECVHOPLIMIT", receiver, IPPROTO_IPV6,
		    IPV6_RECVHOPLIMIT);
	ancillary("IPv6's three", sender6, &loopback, sizeof(loopback), NULL,
		  0, receiver, 256);
	struct two_messages set = messages(IPPROTO_IPV6, IPV6_HOPLIMIT, 2,
					   IPPROTO_IPV6, IPV6_TCLASS, 32);

	ancillary("hop limit 2, class 32 sent", sender6, &loopback,
		  sizeof(loopback), set.bytes, set.length, receiver, 256);
	set_option("sender's IPV6_UNICAST_HOPS 7", sender6, IPPROTO_IPV6,
		   IPV6_UNICAST_HOPS, 7);
	set_option("sender's IPV6_TCLASS 4", sender6, IPPROTO_IPV6,
		   IPV6_TCLASS, 4);
	set = messages(IPPROTO_IPV6, IPV6_HOPLIMIT, -1, -1, 0, 0);
	ancillary("the sender's options (hop limit -1 sent)", sender6,
		  &loopback, sizeof(loopback), set.bytes, set.length, receiver,
		  256);
	ancillary("room for one", sender6, &loopback, sizeof(loopback), NULL,
		  0, receiver, CMSG_SPACE(sizeof(int)));
	ancillary("room for one and a half", sender6, &loopback,
		  sizeof(loopback), NULL, 0, receiver,
		  CMSG_SPACE(20) + CMSG_LEN(sizeof(int)) - 1);
	ancillary("no room", sender6, &loopback, sizeof(loopback), NULL, 0,
		  receiver, 0);
	ancillary("from IPv4: PKTINFO alone", sender4, &ipv4, sizeof(ipv4),
		  NULL, 0, receiver, 256);
	set_option("IP_RECVTTL on AF_INET6", receiver, IPPROTO_IP, IP_RECVTTL,
		   1);
	ancillary("from IPv4, with IP_RECVTTL", sender4, &ipv4, sizeof(ipv4),
		  NULL, 0, receiver, 256);
	ancillary("from IPv6, with IP_RECVTTL", sender6, &loopback,
		  sizeof(loopback), NULL, 0, receiver, 256);

	printf("-- refused\n");
	set = messages(IPPROTO_IPV6, IPV6_HOPLIMIT, 256, -1, 0, 0);
	ancillary("hop limit 256", sender6, &loopback, sizeof(loopback),
		  set.bytes, set.length, receiver, 256);
	set = messages(IPPROTO_IPV6, IPV6_TCLASS, -2, -1, 0, 0);
	ancillary("class -2", sender6, &loopback, sizeof(loopback), set.bytes,
		  set.length, receiver, 256);
	set = messages(IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, -1, 0, 0);
	ancillary("IPV6_RECVPKTINFO sent", sender6, &loopback,
		  sizeof(loopback), set.bytes, set.length, receiver, 256);
	set = messages(IPPROTO_IPV6, IPV6_HOPLIMIT, 5, -1, 0, 0);
	((struct cmsghdr *)set.bytes)->cmsg_len = CMSG_LEN(5);
	ancillary("hop limit in 5 bytes", sender6, &loopback, sizeof(loopback),
		  set.bytes, set.length, receiver, 256);
	set = messages(IPPROTO_IP, IP_TTL, 9, SOL_SOCKET + 1000, 3, 0);
	ancillary("IP_TTL to IPv6, another level: skipped", sender6,
		  &loopback, sizeof(loopback), set.bytes, set.length, receiver,
		  256);

	printf("-- IPv4\n");
	int receiver4 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in four = name4("127.0.0.1", 0);

	bind(receiver4, (struct sockaddr *)&four, sizeof(four));
	length = sizeof(four);
	getsockname(receiver4, (struct sockaddr *)&four, &length);
	set_option("IP_PKTINFO", receiver4, IPPROTO_IP, IP_PKTINFO, 1);
	set_option("IP_RECVTTL", receiver4, IPPROTO_IP, IP_RECVTTL, 1);
	set_option("IP_RECVTOS", receiver4, IPPROTO_IP, IP_RECVTOS, 1);
	show_option("IP_RECVTOS", receiver4, IPPROTO_IP, IP_RECVTOS);
	ancillary("IPv4's three", sender4, &four, sizeof(four), none.bytes,
		  none.length, receiver4, 256);
	set = messages(IPPROTO_IP, IP_TTL, 5, IPPROTO_IP, IP_TOS, 0x10);
	ancillary("TTL 5, TOS 0x10 sent", sender4, &four, sizeof(four),
		  set.bytes, set.length, receiver4, 256);
	set_option("sender's IP_TTL 33", sender4, IPPROTO_IP, IP_TTL, 33);
	set_option("sender's IP_TOS 8", sender4, IPPROTO_IP, IP_TOS, 8);
	ancillary("the sender's options", sender4, &four, sizeof(four), NULL,
		  0, receiver4, 256);
	struct sockaddr_in6 mapped = name6("::ffff:127.0.0.1",
					   ntohs(four.sin_port));

	set = messages(IPPROTO_IP, IP_TTL, 6, IPPROTO_IPV6, IPV6_HOPLIMIT, 1);
	ancillary("from AF_INET6 to ::ffff:127.0.0.1, TTL 6", sender6, &mapped,
		  sizeof(mapped), set.bytes, set.length, receiver4, 256);
	set = messages(IPPROTO_IP, IP_TTL, 0, -1, 0, 0);
	ancillary("TTL 0", sender4, &four, sizeof(four), set.bytes, set.length,
		  receiver4, 256);
	set = messages(IPPROTO_IP, IP_TOS, 256, -1, 0, 0);
	ancillary("TOS 256", sender4, &four, sizeof(four), set.bytes,
		  set.length, receiver4, 256);
	set = messages(IPPROTO_IP, IP_RECVTTL, 1, -1, 0, 0);
	ancillary("IP_RECVTTL sent", sender4, &four, sizeof(four), set.bytes,
		  set.length, receiver4, 256);
	close(receiver4);
	close(sender4);
	close(sender6);
	close(receiver);
}

static void options(void)
{
	printf("== options\n");
	int fd = socket6(SOCK_DGRAM, 0), tcp = socket6(SOCK_STREAM, 0);
	int ipv4 = socket(AF_INET, SOCK_DGRAM, 0);

	show_option("SO_DOMAIN", fd, SOL_SOCKET, SO_DOMAIN);
	show_option("SO_PROTOCOL", fd, SOL_SOCKET, SO_PROTOCOL);
	show_option("SO_PROTOCOL, TCP", tcp, SOL_SOCKET, SO_PROTOCOL);
	show_option("IPV6_UNICAST_HOPS", fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
	set_option("IPV6_UNICAST_HOPS 9", fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS,
		   9);
	show_option("IPV6_UNICAST_HOPS", fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
	set_option("IPV6_UNICAST_HOPS -1", fd, IPPROTO_IPV6,
		   IPV6_UNICAST_HOPS, -1);
	show_option("IPV6_UNICAST_HOPS", fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
	set_option("IPV6_UNICAST_HOPS 256", fd, IPPROTO_IPV6,
		   IPV6_UNICAST_HOPS, 256);
	show_option("IPV6_MULTICAST_HOPS", fd, IPPROTO_IPV6,
		    IPV6_MULTICAST_HOPS);
	show_option("IPV6_MULTICAST_LOOP", fd, IPPROTO_IPV6,
		    IPV6_MULTICAST_LOOP);
	set_option("IPV6_MULTICAST_LOOP 2", fd, IPPROTO_IPV6,
		   IPV6_MULTICAST_LOOP, 2);
	set_option("IPV6_MULTICAST_LOOP 0", fd, IPPROTO_IPV6,
		   IPV6_MULTICAST_LOOP, 0);
	show_option("IPV6_MULTICAST_LOOP", fd, IPPROTO_IPV6,
		    IPV6_MULTICAST_LOOP);
	show_option("IPV6_TCLASS", fd, IPPROTO_IPV6, IPV6_TCLASS);
	set_option("IPV6_TCLASS 32", fd, IPPROTO_IPV6, IPV6_TCLASS, 32);
	show_option("IPV6_TCLASS", fd, IPPROTO_IPV6, IPV6_TCLASS);
	set_option("IPV6_V6ONLY 1", fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	show_option("IPV6_V6ONLY", fd, IPPROTO_IPV6, IPV6_V6ONLY);
	show_option("IP_TTL on AF_INET6", fd, IPPROTO_IP, IP_TTL);
	show_option("IP_TOS on AF_INET6 TCP", tcp, IPPROTO_IP, IP_TOS);
	show_option("TCP_NODELAY", tcp, IPPROTO_TCP, TCP_NODELAY);
	show_option("IPV6_V6ONLY on AF_INET", ipv4, IPPROTO_IPV6,
		    IPV6_V6ONLY);
	set_option("IPV6_UNICAST_HOPS on AF_INET", ipv4, IPPROTO_IPV6,
		   IPV6_UNICAST_HOPS, 3);
	set_option("SO_BROADCAST 1", fd, SOL_SOCKET, SO_BROADCAST, 1);
	show_option("SO_BROADCAST", fd, SOL_SOCKET, SO_BROADCAST);
	set_option("SO_KEEPALIVE 1", tcp, SOL_SOCKET, SO_KEEPALIVE, 1);
	show_option("SO_KEEPALIVE", tcp, SOL_SOCKET, SO_KEEPALIVE);
	set_option("SO_OOBINLINE 5", tcp, SOL_SOCKET, SO_OOBINLINE, 5);
	show_option("SO_OOBINLINE", tcp, SOL_SOCKET, SO_OOBINLINE);
	set_option("SO_DONTROUTE 1", fd, SOL_SOCKET, SO_DONTROUTE, 1);
	set_option("SO_DONTROUTE 0", fd, SOL_SOCKET, SO_DONTROUTE, 0);
	show_option("SO_DONTROUTE", fd, SOL_SOCKET, SO_DONTROUTE);
	show_option("SO_KEEPALIVE, UDP", fd, SOL_SOCKET, SO_KEEPALIVE);
	static const struct {
		const char *label;
		int level, name;
	} kept[] = {
		{ "IP_MTU_DISCOVER", IPPROTO_IP, IP_MTU_DISCOVER },
		{ "IP_RECVERR", IPPROTO_IP, IP_RECVERR },
		{ "IP_FREEBIND", IPPROTO_IP, IP_FREEBIND },
		{ "IP_BIND_ADDRESS_NO_PORT", IPPROTO_IP,
		  IP_BIND_ADDRESS_NO_PORT },
		{ "IP_MULTICAST_TTL", IPPROTO_IP, IP_MULTICAST_TTL },
		{ "IP_MULTICAST_LOOP", IPPROTO_IP, IP_MULTICAST_LOOP },
		{ "IP_MULTICAST_ALL", IPPROTO_IP, IP_MULTICAST_ALL },
		{ "IPV6_MTU_DISCOVER", IPPROTO_IPV6, IPV6_MTU_DISCOVER },
		{ "IPV6_RECVERR", IPPROTO_IPV6, IPV6_RECVERR },
	};
	static const int values[] = { 0, 3, 7, -1 };

	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		char label[64];

		show_option(kept[i].label, fd, kept[i].level, kept[i].name);
		for (size_t v = 0; v < 4; v++) {
			snprintf(label, sizeof(label), " set %d", values[v]);
			set_option(label, fd, kept[i].level, kept[i].name,
				   values[v]);
			show_option("  now", fd, kept[i].level, kept[i].name);
		}
		show_option(" on TCP", tcp, kept[i].level, kept[i].name);
		set_option(" set 2 on TCP", tcp, kept[i].level, kept[i].name,
			   2);
		show_option(" on AF_INET", ipv4, kept[i].level, kept[i].name);
	}
	unsigned char byte = 9;

	show("IP_MULTICAST_TTL, a byte",
	     setsockopt(ipv4, IPPROTO_IP, IP_MULTICAST_TTL, &byte, 1));
	show_option("IP_MULTICAST_TTL", ipv4, IPPROTO_IP, IP_MULTICAST_TTL);
	show("IP_TOS, no value", setsockopt(ipv4, IPPROTO_IP, IP_TOS, &byte, 0));
	show_option("IP_TOS", ipv4, IPPROTO_IP, IP_TOS);
	show("IP_TTL, no value", setsockopt(ipv4, IPPROTO_IP, IP_TTL, &byte, 0));
	show("IPV6_UNICAST_HOPS, a byte",
	     setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &byte, 1));
	show_option("SO_SNDBUF, TCP", tcp, SOL_SOCKET, SO_SNDBUF);
	show_option("SO_RCVBUF, TCP", tcp, SOL_SOCKET, SO_RCVBUF);
	show_option("SO_SNDBUF, UDP", fd, SOL_SOCKET, SO_SNDBUF);
	show_option("SO_RCVBUF, UDP", fd, SOL_SOCKET, SO_RCVBUF);
	set_option("SO_SNDBUF 10000", fd, SOL_SOCKET, SO_SNDBUF, 10000);
	set_option("SO_RCVBUF 10", fd, SOL_SOCKET, SO_RCVBUF, 10);
	show_option("SO_SNDBUF", fd, SOL_SOCKET, SO_SNDBUF);
	show_option("SO_RCVBUF", fd, SOL_SOCKET, SO_RCVBUF);
	set_option("SO_SNDBUF 1000", tcp, SOL_SOCKET, SO_SNDBUF, 1000);
	set_option("SO_RCVBUF 70000", tcp, SOL_SOCKET, SO_RCVBUF, 70000);
	show_option("SO_SNDBUF", tcp, SOL_SOCKET, SO_SNDBUF);
	show_option("SO_RCVBUF", tcp, SOL_SOCKET, SO_RCVBUF);
	show("socketpair(AF_INET6)",
	     socketpair(AF_INET6, SOCK_STREAM, 0, (int[2]){ 0 }));
	int lite = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE);

	show_option("UDP-Lite's SO_PROTOCOL", lite, SOL_SOCKET, SO_PROTOCOL);
	close(lite);
	close(ipv4);
	close(tcp);
	close(fd);
}

/* A dump's messages about the loopback: the fixed part's fields, then
 * each attribute's type, length and bytes (a cache's lifetimes alone: its
 * times are the host's). */
static void show_dump(uint16_t type, const void *request_body,
		      size_t body_length, size_t fixed_length)
{
	static char answer[65536];
	struct {
		struct nlmsghdr header;
		char body[16];
	} message = { .header = { (uint32_t)(NLMSG_HDRLEN + body_length), type,
				  NLM_F_REQUEST | NLM_F_DUMP, 1, 0 } };
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	unsigned loopback = if_nametoindex("lo");
	bool done = false;

	memcpy(message.body, request_body, body_length);
	show("dump request", send(fd, &message, message.header.nlmsg_len, 0) >
					     0 ? 0 : -1);
	while (!done) {
		int left = (int)recv(fd, answer, sizeof(answer), 0);

		if (left <= 0)
			break;
		for (struct nlmsghdr *h = (struct nlmsghdr *)answer;
		     NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			const uint8_t *fixed = NLMSG_DATA(h);
			const struct ifaddrmsg *address = NLMSG_DATA(h);
			const struct rtmsg *route = NLMSG_DATA(h);
			int attributes = (int)(h->nlmsg_len - NLMSG_HDRLEN -
					       NLMSG_ALIGN(fixed_length));
			const struct rtattr *at =
				(const struct rtattr *)(fixed +
							NLMSG_ALIGN(fixed_length));
			bool ours = false;

			if (type == RTM_GETADDR) {
				ours = address->ifa_index == loopback;
				if (ours)
					printf("address: family %u prefix %u "
					       "flags %#x scope %u\n",
					       address->ifa_family,
					       address->ifa_prefixlen,
					       address->ifa_flags,
					       address->ifa_scope);
			} else {
				for (const struct rtattr *a = at;
				     RTA_OK(a, attributes);
				     a = RTA_NEXT(a, attributes))
					if (a->rta_type == RTA_OIF)
						ours = *(const uint32_t *)
							       RTA_DATA(a) ==
						       loopback;
				attributes = (int)(h->nlmsg_len - NLMSG_HDRLEN -
						   NLMSG_ALIGN(fixed_length));
				if (ours)
					printf("route: family %u dst_len %u "
					       "table %u protocol %u scope %u "
					       "type %u flags %#x\n",
					       route->rtm_family,
					       route->rtm_dst_len,
					       route->rtm_table,
					       route->rtm_protocol,
					       route->rtm_scope, route->rtm_type,
					       route->rtm_flags);
			}
			for (; ours && RTA_OK(at, attributes);
			     at = RTA_NEXT(at, attributes)) {
				int length = RTA_PAYLOAD(at);
				bool cache = (type == RTM_GETADDR &&
					      at->rta_type == IFA_CACHEINFO) ||
					     (type == RTM_GETROUTE &&
					      at->rta_type == RTA_CACHEINFO);

				printf(" attribute %u, %d bytes:", at->rta_type,
				       length);
				for (int i = 0; i < (cache ? 8 : length); i++)
					printf(" %02x",
					       ((const uint8_t *)RTA_DATA(at))[i]);
				printf("\n");
			}
		}
	}
	close(fd);
}

static void interface(void)
{
	printf("== the loopback's ::1\n");
	struct ifaddrmsg address = { .ifa_family = AF_INET6 };
	struct rtmsg route = { .rtm_family = AF_INET6 };

	show_dump(RTM_GETADDR, &address, sizeof(address), sizeof(address));
	show_dump(RTM_GETROUTE, &route, sizeof(route), sizeof(route));

	struct ifaddrs *all;

	if (show("getifaddrs", getifaddrs(&all)) == 0) {
		for (struct ifaddrs *one = all; one; one = one->ifa_next) {
			char text[INET6_ADDRSTRLEN], mask[INET6_ADDRSTRLEN];

			if (strcmp(one->ifa_name, "lo") != 0 || !one->ifa_addr ||
			    one->ifa_addr->sa_family != AF_INET6)
				continue;
			inet_ntop(AF_INET6,
				  &((struct sockaddr_in6 *)one->ifa_addr)
					   ->sin6_addr,
				  text, sizeof(text));
			inet_ntop(AF_INET6,
				  &((struct sockaddr_in6 *)one->ifa_netmask)
					   ->sin6_addr,
				  mask, sizeof(mask));
			printf("lo: %s netmask %s flags %#x\n", text, mask,
			       one->ifa_flags);
		}
		freeifaddrs(all);
	}
	FILE *file = fopen("/proc/net/if_inet6", "r");
	char line[128];

	while (file && fgets(line, sizeof(line), file))
		if (strstr(line, " lo\n"))
			printf("if_inet6: %s", line);
	if (file)
		fclose(file);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!have_ipv6()) {
		printf("no IPv6 loopback (::1) here\n");
		return 77;
	}
	tcp();
	bind_errors();
	udp();
	options();
	control_messages();
	interface();
	return 0;
}
