/*
 * TCP over eth0 (net/tcp.c, RFC 793 and RFC 1122's requirements that a
 * wire needs): the connections of the app's SOCK_STREAM sockets to
 * peers on the network. A connection is a pair of ends in
 * linux/socket.c, as one on the loopback is: the app's, and a hidden end
 * that stands for the peer (socket.h, "Connections on the network").
 * Keepalive probes go as RFC 1122 says when the app's socket asks
 * (SO_KEEPALIVE, with Linux's TCP_KEEP* times).
 * Windows are scaled (RFC 7323) when both SYNs say so.
 * Not here: SACK, timestamps, urgent data (its bytes are
 * ordinary ones), out-of-order segments (they are dropped, and the peer
 * sends them again), congestion control beyond backing off.
 *
 * Addresses and ports in network byte order.
 */
#ifndef LIBOS_NET_TCP_H
#define LIBOS_NET_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_IPPROTO_TCP 6
#define NET_IPPROTO_UDP 17

/* A segment for eth0's address (its IPv4 header taken off). */
void tcp_input(uint32_t source, uint32_t destination, const uint8_t *segment,
	       size_t length);

/* Something of the sockets changed (bytes to send, room to receive, an
 * end shut down or closed): each connection sends what it may now. */
void tcp_kick(void);

/* The same for the one connection of socket.c's hidden end `hidden`
 * (none: nothing), when only its ends changed. */
void tcp_kick_hidden(unsigned hidden);

/* Both are put off while TCP itself runs (its input, its timers), the
 * change being socket.c's answer to it; this does what was put off,
 * once the frames are in: the connections named, or every one after a
 * change that named none, or after the device had no room for a
 * connection's data and has some now. */
void tcp_kick_pending(void);

/* The connection of the hidden end `hidden` (made by connect in
 * linux/socket.c) starts: a SYN from local to remote. 0, -ENOBUFS (no
 * connection free) or -EADDRNOTAVAIL (a connection of those ends lingers
 * after its socket's close, not yet in TIME-WAIT, which would give
 * way). */
long tcp_connect(unsigned hidden, uint32_t local_address, uint16_t local_port,
		 uint32_t remote_address, uint16_t remote_port);

/* Whether a connection has bytes or a FIN that its peer has not
 * acknowledged yet. */
bool tcp_sending(void);

/* The retransmission and TIME-WAIT timers: the earliest deadline (TSC,
 * 0: none), and their work. */
uint64_t tcp_deadline(void);
void tcp_timer(uint64_t now);

/* A connection as /proc/net/tcp shows it (linux/proc_net.c). */
#define TCP_NO_HIDDEN 0xffff
struct tcp_view {
	uint8_t state;       /* Linux's number (socket.h, linux_tcp_state) */
	uint8_t timer;       /* Linux's "tr": 0 none, 1 retransmission, 2
				keepalive, 3 TIME-WAIT's end, 4 a zero
				window's probe */
	uint8_t retransmits; /* timeouts of what is sent again */
	uint8_t probes;      /* keepalive probes unanswered */
	uint16_t hidden;     /* linux/socket.c's hidden end, or
				TCP_NO_HIDDEN (the handshake goes on) */
	uint16_t local_port, remote_port;
	uint32_t local_address, remote_address;
	uint32_t timer_ms;   /* until the timer's deadline */
	uint32_t rto_ms;     /* the retransmission timeout */
};

/* Connection slot `slot` (below tcp_view_slots()): false if it holds
 * none. */
unsigned tcp_view_slots(void);
bool tcp_view(unsigned slot, struct tcp_view *view);

#endif /* LIBOS_NET_TCP_H */
