/*
 * UDP (net/udp.h). Layout (RFC 768): the source and destination ports,
 * the length (header and data) at 4 and the checksum at 6, over the
 * pseudo-header too; 0 there means none was computed, and a computed 0
 * is sent as 0xffff.
 */
#include "net/udp.h"

#include "lib/string.h"
#include "linux/socket.h"
#include "linux/socket_inet.h"
#include "net/dhcp.h"
#include "net/netif.h"
#include "net/tcp.h"

#define UDP_HEADER 8
#define SOCK_DGRAM 2

void udp_input(uint32_t source, uint32_t destination, const uint8_t *datagram,
	       size_t length, uint8_t ttl, uint8_t tos)
{
	uint16_t source_port, destination_port;

	if (length < UDP_HEADER)
		return;
	size_t total = load_be16(datagram + 4);

	if (total < UDP_HEADER || total > length)
		return;
	if (load_be16(datagram + 6) &&
	    ip_checksum_finish(ip_checksum_add(
		    ip_pseudo_sum(source, destination, NET_IPPROTO_UDP, total),
		    datagram, total)) != 0)
		return;
	if (netif.address == 0) { /* DHCP's answers only, until then */
		if (load_be16(datagram + 2) == 68)
			dhcp_input(datagram + UDP_HEADER, total - UDP_HEADER);
		return;
	}
	memcpy(&source_port, datagram, 2);
	memcpy(&destination_port, datagram + 2, 2);
	struct inet_name from = inet_name4(source, source_port),
			 to = inet_name4(destination, destination_port);
	long index = inet_find(SOCK_DGRAM, &to);

	if (index >= 0)
		socket_remote_datagram((unsigned)index, &from, destination,
				       ttl, tos, datagram + UDP_HEADER,
				       total - UDP_HEADER);
}

void udp_refused(uint32_t source, uint16_t source_port, uint32_t destination,
		 uint16_t destination_port)
{
	struct inet_name from = inet_name4(source, source_port),
			 to = inet_name4(destination, destination_port);
	long index = inet_find(SOCK_DGRAM, &from);

	if (index >= 0)
		socket_remote_refused((unsigned)index, &to);
}

void udp_send(uint32_t source, uint16_t source_port, uint32_t destination,
	      uint16_t destination_port, const void *bytes, size_t length,
	      uint8_t ttl, uint8_t tos)
{
	/* The libOS runs one call at a time (events masked). */
	static uint8_t datagram[UDP_HEADER + UDP_PAYLOAD_MAX];
	size_t total = UDP_HEADER + length;

	if (length > UDP_PAYLOAD_MAX)
		return;
	memcpy(datagram, &source_port, 2);
	memcpy(datagram + 2, &destination_port, 2);
	store_be16(datagram + 4, (uint16_t)total);
	store_be16(datagram + 6, 0);
	memcpy(datagram + UDP_HEADER, bytes, length);
	uint16_t sum = ip_checksum_finish(ip_checksum_add(
		ip_pseudo_sum(source, destination, NET_IPPROTO_UDP, total),
		datagram, total));

	store_be16(datagram + 6, sum ? sum : 0xffff);
	ip_send(source, destination, NET_IPPROTO_UDP, datagram, total, ttl,
		tos);
}
