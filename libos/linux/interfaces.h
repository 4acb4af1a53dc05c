/*
 * The network interfaces (linux/interfaces.c): the loopback `lo` (index
 * 1, 127.0.0.1/8, socket_inet.h) and, while net/netif.h's interface is
 * up, `eth0` (index 2), as rtnetlink (NETLINK_ROUTE sockets,
 * linux/socket.c), the SIOCGIF ioctls and /proc/net tell of them.
 */
#ifndef LIBOS_LINUX_INTERFACES_H
#define LIBOS_LINUX_INTERFACES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AF_NETLINK        16
#define NETLINK_ROUTE     0
#define NETLINK_PROTOCOLS 32 /* Linux's MAX_LINKS */
#define NETLINK_REQUESTS_MAX (32 << 10) /* a send's bytes to the kernel */

/* struct sockaddr_nl. */
struct netlink_name {
	uint16_t family, pad;
	uint32_t portid, groups;
};
#define NETLINK_NAME_LENGTH 12
_Static_assert(sizeof(struct netlink_name) == NETLINK_NAME_LENGTH,
	       "sockaddr_nl");

/* Takes one datagram of answers (length bytes, at most
 * NETLINK_REQUESTS_MAX + 64) for the socket that asked. */
typedef void netlink_deliver(void *context, const void *datagram,
			     uint32_t length);

/* rtnetlink's answers to the messages of one send (`length` bytes, at
 * most NETLINK_REQUESTS_MAX) from the socket of `portid`, in order, as
 * Linux's netlink_rcv_skb and rtnetlink_rcv_msg give them: a dump's
 * messages, then its NLMSG_DONE on its own; a get's answer; an error, or
 * an acknowledgement when the request asks for one (capped_acks:
 * NETLINK_CAP_ACK, errors echo the request's header alone). */
void netlink_answer(const uint8_t *requests, uint32_t length, uint32_t portid,
		    bool capped_acks, netlink_deliver *deliver, void *context);

/* The SIOCGIF ioctls on a socket of `family` (SIOCGIFADDR and its kin on
 * AF_INET's alone, as on Linux): an answer, or -ENOIOCTLCMD for a
 * request that is none of them. */
long interfaces_ioctl(int family, uint64_t request, uint64_t argument);

/* /proc/net/dev, /proc/net/route (the main table's routes: eth0's
 * subnet and default route, none without it) and /proc/net/if_inet6
 * (procfs.c). The text's length, as print_format_to's. */
size_t interfaces_proc_dev(char *out, size_t size);
size_t interfaces_proc_route(char *out, size_t size);
size_t interfaces_proc_if_inet6(char *out, size_t size);

#endif /* LIBOS_LINUX_INTERFACES_H */
