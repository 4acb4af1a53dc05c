/*
 * The Internet checksum (net/netif.h; RFC 1071): a one's-complement sum
 * of big-endian 16-bit words, an odd last byte padded with a zero.
 */
#include "net/netif.h"

uint32_t ip_checksum_add(uint32_t sum, const void *bytes, size_t length)
{
	const uint8_t *p = bytes;

	for (; length > 1; p += 2, length -= 2)
		sum += load_be16(p);
	if (length)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t ip_checksum_finish(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t ip_pseudo_sum(uint32_t source, uint32_t destination,
		       uint8_t protocol, size_t length)
{
	uint32_t sum = ip_checksum_add(0, &source, 4);

	sum = ip_checksum_add(sum, &destination, 4);
	return sum + protocol + (uint32_t)length;
}
