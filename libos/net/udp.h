/*
 * UDP over eth0 (net/udp.c, RFC 768): datagrams between the app's
 * SOCK_DGRAM sockets and the network. Addresses and ports in network
 * byte order.
 */
#ifndef LIBOS_NET_UDP_H
#define LIBOS_NET_UDP_H

#include <stddef.h>
#include <stdint.h>

/* A datagram for eth0's address (its IPv4 header taken off): to the end
 * bound to its port, else lost (Linux would answer with ICMP's "port
 * unreachable"). */
void udp_input(uint32_t source, uint32_t destination, const uint8_t *datagram,
	       size_t length, uint8_t ttl, uint8_t tos);

/* ICMP said that a datagram from source to destination found no port
 * there: an end bound to the source and connected to the destination
 * hears -ECONNREFUSED at its next call, as on Linux. */
void udp_refused(uint32_t source, uint16_t source_port, uint32_t destination,
		 uint16_t destination_port);

/* Sends `length` bytes (at most UDP_PAYLOAD_MAX: IPv4's largest
 * datagram, in fragments beyond one frame's 1,472) from the source's
 * address and port to the destination's. */
#define UDP_PAYLOAD_MAX (65535 - 20 - 8)
void udp_send(uint32_t source, uint16_t source_port, uint32_t destination,
	      uint16_t destination_port, const void *bytes, size_t length,
	      uint8_t ttl, uint8_t tos);

#endif /* LIBOS_NET_UDP_H */
