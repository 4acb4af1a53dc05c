/*
 * Socket names from text, for the tests of IPv4 and IPv6 sockets
 * (tests/apps/inet6.c, proc_net.c).
 */
#ifndef INET_UTIL_H
#define INET_UTIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>

static inline struct sockaddr_in name4(const char *text, uint16_t port)
{
	struct sockaddr_in name = { .sin_family = AF_INET,
				    .sin_port = htons(port) };

	inet_pton(AF_INET, text, &name.sin_addr);
	return name;
}

static inline struct sockaddr_in6 name6(const char *text, uint16_t port)
{
	struct sockaddr_in6 name = { .sin6_family = AF_INET6,
				     .sin6_port = htons(port) };

	inet_pton(AF_INET6, text, &name.sin6_addr);
	return name;
}

#endif /* INET_UTIL_H */
