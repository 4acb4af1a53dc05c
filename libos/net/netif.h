/*
 * The network interface (net/netif.c): the kernel's network device
 * (WK_DEVICE_NET: net_send, net_receive, WK_EVENT_NET) as Linux's eth0,
 * with one IPv4 address, its subnet and a default gateway
 * (wicket.ip=ADDRESS/PREFIX, wicket.gateway=ADDRESS; QEMU's user-mode
 * network's by default: 10.0.2.15/24 through 10.0.2.2, and its name
 * server 10.0.2.3 in /etc/resolv.conf, or wicket.dns=ADDRESS). Ethernet II
 * frames, ARP (RFC 826) for the next hop, IPv4 (RFC 791) without
 * options (fragments sent and put back together), ICMP's echo and port
 * unreachable (RFC 792), and UDP and TCP
 * (net/tcp.c) to the sockets of linux/socket.c.
 *
 * Addresses are IPv4's in network byte order, as a struct sockaddr_in
 * holds them; ports too.
 */
#ifndef LIBOS_NET_NETIF_H
#define LIBOS_NET_NETIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPPROTO_ICMP 1
#define NET_MTU      1500 /* an IPv4 packet's most bytes on eth0 */
#define NET_IP_HEADER 20

#define NETIF_INDEX 2 /* eth0's interface index; lo's is 1 */

struct netif {
	bool up;             /* a device, and an address */
	uint8_t mac[6];
	uint32_t address, netmask, gateway;
	uint32_t dns;        /* the name server /etc/resolv.conf names, or 0 */
	uint64_t received[2], sent[2]; /* packets, bytes (/proc/net/dev) */
	uint64_t dropped;    /* frames refused or not taken */
};

extern struct netif netif;

/* Sets eth0 up from the kernel's device and the options. */
void netif_init(void);

/* A WK_EVENT_NET came: takes the frames that came, and sends what
 * waited for room. */
void netif_poll(void);

/* Whether ipv4 is eth0's own address. */
static inline bool netif_is_own(uint32_t ipv4)
{
	return netif.up && ipv4 == netif.address;
}

/* Whether a stream's data may go now: the frames waiting for room in
 * the device leave some for ACKs and the rest (more data waits for the
 * next WK_EVENT_NET, after which the backlog is sent and TCP kicked). */
bool netif_has_room(void);

/* Whether a packet to ipv4 has a way out: eth0 is up and ipv4 is on
 * its subnet, or there is a gateway. */
static inline bool netif_routes(uint32_t ipv4)
{
	return netif.up && ipv4 != 0 &&
	       ((ipv4 & netif.netmask) == (netif.address & netif.netmask) ||
		netif.gateway != 0);
}

/* Whether ipv4 is a broadcast on eth0: the limited one or the
 * subnet's. */
static inline bool netif_is_broadcast(uint32_t ipv4)
{
	return netif.up && (ipv4 == 0xffffffff ||
			    (netif.netmask != 0xffffffff &&
			     ipv4 == (netif.address | ~netif.netmask)));
}

/* Sends an IPv4 packet of `protocol` from source to destination whose
 * payload (the transport's header and data) is `length` bytes, at most
 * 65,515: in fragments when more than NET_MTU - NET_IP_HEADER; through
 * the gateway unless on eth0's subnet; lost (as on a wire) when no room
 * or no answer to ARP. */
void ip_send(uint32_t source, uint32_t destination, uint8_t protocol,
	     const void *payload, size_t length, uint8_t ttl, uint8_t tos);

/* The Internet checksum (RFC 1071): the one's-complement sum of
 * 16-bit words, started from `sum` (only the last piece summed may
 * have an odd length); ip_checksum_finish folds and complements it. */
uint32_t ip_checksum_add(uint32_t sum, const void *bytes, size_t length);
uint16_t ip_checksum_finish(uint32_t sum);

/* The sum of TCP's and UDP's pseudo-header (RFC 793, RFC 768). */
uint32_t ip_pseudo_sum(uint32_t source, uint32_t destination,
		       uint8_t protocol, size_t length);

/* The process ends: its connections end as its descriptors' close
 * would end them (socket_remote_exit); whether the network has
 * something left to send (netif_draining: frames waiting for room or for
 * ARP, connections with bytes or a FIN not acknowledged), for which the
 * run goes on, NET_LINGER_SECONDS at most (libos_exit). */
#define NET_LINGER_SECONDS 5
bool netif_exit(void);
bool netif_draining(void);

/* Deadlines of the network's timers (ARP's, TCP's), in TSC ticks: the
 * earliest (0: none), and their work when it has come. */
uint64_t netif_deadline(void);
void netif_timer(uint64_t now);

static inline uint16_t load_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* LIBOS_NET_NETIF_H */
