/*
 * UDP-Lite on the loopback (differential): its sockets, their own ports
 * beside UDP's, datagrams between them (sendto, connect, recvfrom's
 * names), SO_PROTOCOL, and the checksum coverage options as Linux keeps
 * them, on SOL_UDPLITE and SOL_UDP, refused on a UDP socket.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "show_util.h"

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
#define SOL_UDPLITE        136
#define UDPLITE_SEND_CSCOV 10
#define UDPLITE_RECV_CSCOV 11

static struct sockaddr_in loopback(uint16_t port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET,
				     .sin_port = htons(port),
				     .sin_addr.s_addr =
					     htonl(INADDR_LOOPBACK) };
}

static uint16_t port_of(int fd)
{
	struct sockaddr_in name;
	socklen_t length = sizeof(name);

	getsockname(fd, (struct sockaddr *)&name, &length);
	return ntohs(name.sin_port);
}

static void show_option(int fd, int level, int name, const char *label)
{
	int value = -1;
	socklen_t length = sizeof(value);

	if (show(label, getsockopt(fd, level, name, &value, &length)) == 0)
		printf(" value %d length %u\n", value, length);
}

static void coverage(int fd)
{
	static const int values[] = { 0, 1, 7, 8, 20, 65535, 70000, -5 };

	show_option(fd, SOL_UDPLITE, UDPLITE_SEND_CSCOV, "send coverage");
	show_option(fd, SOL_UDPLITE, UDPLITE_RECV_CSCOV, "receive coverage");
	for (unsigned i = 0; i < sizeof(values) / sizeof(*values); i++) {
		printf("set %d: ", values[i]);
		show("", setsockopt(fd, SOL_UDPLITE, UDPLITE_SEND_CSCOV,
				    &values[i], sizeof(int)));
		show_option(fd, SOL_UDPLITE, UDPLITE_SEND_CSCOV, " now");
	}
	int twelve = 12;

	show("receive coverage, on SOL_UDP",
	     setsockopt(fd, IPPROTO_UDP, UDPLITE_RECV_CSCOV, &twelve,
			sizeof(twelve)));
	show_option(fd, SOL_UDPLITE, UDPLITE_RECV_CSCOV, "receive coverage");
	show("short value", setsockopt(fd, SOL_UDPLITE, UDPLITE_SEND_CSCOV,
				       &twelve, 2));
	show("option 99", setsockopt(fd, SOL_UDPLITE, 99, &twelve,
				     sizeof(twelve)));
}

int main(void)
{
	int lite = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
	int other = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDPLITE);
	int udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP);
	struct sockaddr_in name = loopback(0), from;
	socklen_t length = sizeof(from);
	char buffer[64] = "";
	int protocol = 0;
	socklen_t size = sizeof(protocol);

	setvbuf(stdout, NULL, _IONBF, 0);
	show_yes("three sockets", lite >= 0 && other >= 0 && udp >= 0);
	show("stream, UDP-Lite",
	     socket(AF_INET, SOCK_STREAM, IPPROTO_UDPLITE));
	getsockopt(lite, SOL_SOCKET, SO_PROTOCOL, &protocol, &size);
	printf("SO_PROTOCOL: %d\n", protocol);
	show("bind", bind(lite, (struct sockaddr *)&name, sizeof(name)));
	uint16_t port = port_of(lite);

	/* UDP's ports are not UDP-Lite's. */
	name = loopback(port);
	show("UDP bound to the same port",
	     bind(udp, (struct sockaddr *)&name, sizeof(name)));
	show("UDP-Lite bound to it", bind(other, (struct sockaddr *)&name,
					  sizeof(name)));
	show("UDP-Lite sendto",
	     sendto(other, "lite", 4, 0, (struct sockaddr *)&name,
		    sizeof(name)));
	long got = recvfrom(lite, buffer, sizeof(buffer), 0,
			    (struct sockaddr *)&from, &length);

	show("recvfrom", got);
	printf(" %.*s from the other: %s\n", (int)(got > 0 ? got : 0), buffer,
	       ntohs(from.sin_port) == port_of(other) ? "yes" : "no");
	show("UDP's socket has none",
	     recv(udp, buffer, sizeof(buffer), 0));
	show("UDP sendto the port",
	     sendto(udp, "udp", 3, 0, (struct sockaddr *)&name, sizeof(name)));
	show("to UDP itself", recv(udp, buffer, sizeof(buffer), 0));
	show("UDP-Lite has none of it",
	     recv(other, buffer, sizeof(buffer), MSG_DONTWAIT));
	struct sockaddr_in peer = loopback(port_of(other));

	show("connect", connect(lite, (struct sockaddr *)&peer, sizeof(peer)));
	show("send", send(lite, "connected", 9, 0));
	got = recv(other, buffer, sizeof(buffer), 0);
	show("recv", got);
	printf(" %.*s\n", (int)(got > 0 ? got : 0), buffer);
	coverage(lite);
	int value = 10;

	show("coverage on UDP", setsockopt(udp, SOL_UDPLITE,
					   UDPLITE_SEND_CSCOV, &value,
					   sizeof(value)));
	show_option(udp, SOL_UDPLITE, UDPLITE_SEND_CSCOV, "coverage of UDP");
	close(lite);
	close(other);
	close(udp);
	return *show_failures() != 0;
}
