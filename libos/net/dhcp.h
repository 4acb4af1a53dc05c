/*
 * eth0's address from DHCP (net/dhcp.c), for wicket.ip=dhcp.
 */
#ifndef LIBOS_NET_DHCP_H
#define LIBOS_NET_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Asks for an address (four tries, two seconds apart) and sets eth0's
 * address, subnet, gateway and name server from the answer: whether one
 * came. For the libOS's start, before the app runs. */
bool dhcp_configure(void);

/* A UDP datagram to port 68 while eth0 has no address: perhaps a
 * server's reply. */
void dhcp_input(const uint8_t *message, size_t length);

#endif /* LIBOS_NET_DHCP_H */
