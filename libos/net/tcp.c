/*
 * TCP (net/tcp.h). Layout (RFC 793): the source and destination ports,
 * the sequence number at 4, the acknowledgment at 8, the header's
 * length in words in the high nibble of byte 12, the flags in byte 13
 * (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20), the
 * window at 14, the checksum (with the pseudo-header) at 16, the urgent
 * pointer at 18, then options: kind 0 ends them, 1 is padding, 2 is the
 * maximum segment size (length 4, a 16-bit size).
 *
 * Sequence space: the SYN takes the initial sequence number (iss), the
 * data follow from iss + 1, and the FIN takes the number after the
 * last byte. The bytes from send_unacked on are the hidden end's ring's
 * (socket_remote_queued); those below send_next went out once.
 * Retransmission goes back to send_unacked (go-back-N) after a timeout
 * that starts at RTO_INITIAL_MS and doubles (RFC 6298's backing off; no
 * round-trip times are measured),
 * and gives up after RETRIES_MAX (ETIMEDOUT, as Linux's tcp_retries2
 * does after some 15 minutes; here sooner).
 */
#include "net/tcp.h"

#include <stdbool.h>

#include "errno.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/clock.h"
#include "linux/socket.h"
#include "linux/socket_inet.h"
#include "net/netif.h"
#include "sched/sched.h"

#define TCP_HEADER 20
#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define ACK 0x10

#define CONNECTIONS_MAX (SOCKETS_MAX / 2) /* each is two ends */
#define MSS_DEFAULT     536  /* RFC 1122's, without the option */
#define MSS_OWN         (NET_MTU - NET_IP_HEADER - TCP_HEADER)
#define WINDOW_FIELD    65535 /* a header's window, unscaled */
/* Our window scale (RFC 7323), when both SYNs carry the option: the
 * app's ring (256 KiB) in a header's 16 bits. */
#define WINDOW_SHIFT    2
#define RTO_INITIAL_MS  1000 /* RFC 6298's, and its least */
#define RTO_MAX_MS      30000
#define RETRIES_MAX     10
#define SYN_RETRIES_MAX 6
#define TIME_WAIT_MS    2000
#define TTL             64
#define NO_HIDDEN       0xffff
#define SOCK_STREAM     1

enum tcp_state {
	CLOSED, /* a free slot */
	SYN_SENT,
	SYN_RECEIVED,
	ESTABLISHED,
	FIN_WAIT_1,
	FIN_WAIT_2,
	CLOSE_WAIT,
	CLOSING,
	LAST_ACK,
	TIME_WAIT,
};

struct tcp_connection {
	uint8_t state;
	bool fin_sent;       /* send_next covers our FIN */
	bool ack_due;        /* the peer should hear of receive_next */
	bool probe;          /* a zero window: one byte may go beyond it */
	uint8_t retries;
	uint16_t hidden;     /* socket.c's hidden end, or NO_HIDDEN */
	uint16_t mss;        /* the peer's */
	uint16_t local_port, remote_port;
	uint32_t local_address, remote_address;
	uint32_t iss, send_unacked, send_next, send_window;
	uint32_t receive_next;
	uint32_t advertised;  /* the window the last segment offered */
	uint8_t send_shift;   /* the peer's window scale (its SYN's) */
	uint8_t receive_shift; /* ours: WINDOW_SHIFT once both agreed */
	bool peer_scales;     /* the peer's SYN had the window scale */
	uint32_t rto_ms;
	uint64_t deadline;    /* retransmission or TIME-WAIT's end; 0 */
	uint64_t heard;       /* when the peer's last segment came */
	uint8_t probes;       /* keepalive probes unanswered */
	bool kick_wanted;     /* in kicks_wanted (tcp_kick_pending) */
};

static struct tcp_connection connections[CONNECTIONS_MAX];
static unsigned connections_touched;
/* Each hidden end's connection, + 1 (0: none), for tcp_kick_hidden. */
static uint16_t connection_of_hidden[SOCKETS_MAX];
static bool busy; /* in here: socket.c's changes wait for the end */
/* What tcp_kick_pending does: the kicks asked for while busy, one
 * connection's (kicks_wanted) or everyone's; and everyone's too once the
 * device has room again after it held a connection's data back. */
static uint16_t kicks_wanted[CONNECTIONS_MAX];
static unsigned kicks_wanted_count;
static bool kick_everyone, held_back;

static bool before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* A deadline of the connection's timer, `ms` from now: the scheduler
 * looks at the network's deadlines again before the kernel timer is
 * next armed (sched.h), even while one thread runs on and on. */
static uint64_t ms_from_now(uint32_t ms)
{
	sched_deadlines_changed();
	return rdtsc() + clock_ns_to_ticks((uint64_t)ms * 1000000);
}

static struct tcp_connection *connection_new(void)
{
	for (unsigned i = 0; i < CONNECTIONS_MAX; i++) {
		struct tcp_connection *c = &connections[i];

		if (c->state != CLOSED)
			continue;
		/* It may be in kicks_wanted still: a kick does no harm. */
		*c = (struct tcp_connection){ .hidden = NO_HIDDEN,
					      .mss = MSS_DEFAULT,
					      .rto_ms = RTO_INITIAL_MS,
					      .kick_wanted = c->kick_wanted };
		if (i >= connections_touched)
			connections_touched = i + 1;
		return c;
	}
	return NULL;
}

/* The connection stands for socket.c's hidden end `hidden` from now on. */
static void attach(struct tcp_connection *c, unsigned hidden)
{
	c->hidden = (uint16_t)hidden;
	connection_of_hidden[hidden] = (uint16_t)(c - connections + 1);
}

static struct tcp_connection *connection_find(uint32_t local, uint16_t lport,
					      uint32_t remote, uint16_t rport)
{
	for (unsigned i = 0; i < connections_touched; i++) {
		struct tcp_connection *c = &connections[i];

		if (c->state != CLOSED && c->local_port == lport &&
		    c->remote_port == rport && c->local_address == local &&
		    c->remote_address == remote)
			return c;
	}
	return NULL;
}

/* An initial sequence number: the clock's, as RFC 793's, with bits no
 * peer can guess from it. */
static uint32_t initial_sequence(void)
{
	static uint32_t mix = 0x9e3779b9;

	mix = mix * 1664525 + 1013904223 + (uint32_t)rdtsc();
	return (uint32_t)(clock_ticks_to_ns(rdtsc()) >> 12) + mix;
}

/* What a SYN's options say: the MSS, and the window scale (RFC 7323)
 * unless it answers a SYN without one. */
enum syn_options { NO_OPTIONS, MSS_ONLY, MSS_AND_SCALE };

static void segment_send(uint32_t local, uint16_t lport, uint32_t remote,
			 uint16_t rport, uint32_t seq, uint32_t ack,
			 uint8_t flags, uint16_t window, const uint8_t *data,
			 size_t length, enum syn_options options)
{
	uint8_t segment[NET_MTU - NET_IP_HEADER];
	size_t header = TCP_HEADER + (options == MSS_ONLY	  ? 4
				      : options == MSS_AND_SCALE ? 8
								 : 0);

	memcpy(segment, &lport, 2);
	memcpy(segment + 2, &rport, 2);
	store_be32(segment + 4, seq);
	store_be32(segment + 8, flags & ACK ? ack : 0);
	segment[12] = (uint8_t)(header / 4 << 4);
	segment[13] = flags;
	store_be16(segment + 14, window);
	store_be32(segment + 16, 0); /* checksum, urgent pointer */
	if (options != NO_OPTIONS) {
		segment[20] = 2;
		segment[21] = 4;
		store_be16(segment + 22, MSS_OWN);
	}
	if (options == MSS_AND_SCALE) {
		segment[24] = 1; /* a no-op, to keep the next aligned */
		segment[25] = 3;
		segment[26] = 3;
		segment[27] = WINDOW_SHIFT;
	}
	if (length)
		memcpy(segment + header, data, length);
	uint32_t sum = ip_pseudo_sum(local, remote, NET_IPPROTO_TCP,
				     header + length);

	store_be16(segment + 16, ip_checksum_finish(
					 ip_checksum_add(sum, segment,
							 header + length)));
	ip_send(local, remote, NET_IPPROTO_TCP, segment, header + length, TTL,
		0);
}

/* The window to offer: the room in the app's end's ring, as far as a
 * header's window field scaled by ours says it, in whole units of the
 * scale. */
static uint32_t window_now(const struct tcp_connection *c)
{
	uint64_t most = (uint64_t)WINDOW_FIELD << c->receive_shift;
	uint64_t room = c->hidden == NO_HIDDEN
				? MSS_OWN * 4 /* SYN_RECEIVED: a ring to come */
				: socket_remote_room(c->hidden);

	room = room > most ? most : room;
	return (uint32_t)(room >> c->receive_shift << c->receive_shift);
}

/* A segment's window field: a SYN's is never scaled (RFC 7323). */
static uint16_t window_field(const struct tcp_connection *c, uint8_t flags)
{
	uint32_t window = c->advertised >> ((flags & SYN) ? 0 : c->receive_shift);

	return (uint16_t)(window > WINDOW_FIELD ? WINDOW_FIELD : window);
}

static void send_flags(struct tcp_connection *c, uint32_t seq, uint8_t flags,
		       const uint8_t *data, size_t length)
{
	enum syn_options options = NO_OPTIONS;

	if (flags & SYN) /* a SYN-ACK scales only if the SYN did */
		options = (flags & ACK) && !c->peer_scales ? MSS_ONLY
							   : MSS_AND_SCALE;
	c->advertised = window_now(c);
	c->ack_due = false;
	segment_send(c->local_address, c->local_port, c->remote_address,
		     c->remote_port, seq, c->receive_next, flags,
		     window_field(c, flags), data, length, options);
}

/* The peer's window in a segment: scaled unless a SYN's. */
static uint32_t peer_window(const struct tcp_connection *c,
			    const uint8_t *segment)
{
	return (uint32_t)load_be16(segment + 14)
	       << ((segment[13] & SYN) ? 0 : c->send_shift);
}

/* A reset for a segment that has no connection (RFC 793's "reset
 * generation"): its ACK's number as ours, or an ACK of it. */
static void reset_for(uint32_t local, uint32_t remote, const uint8_t *segment,
		      uint32_t length)
{
	uint16_t lport, rport;
	uint8_t flags = segment[13];

	if (flags & RST)
		return;
	memcpy(&rport, segment, 2);
	memcpy(&lport, segment + 2, 2);
	if (flags & ACK)
		segment_send(local, lport, remote, rport, load_be32(segment + 8),
			     0, RST, 0, NULL, 0, NO_OPTIONS);
	else
		segment_send(local, lport, remote, rport, 0,
			     load_be32(segment + 4) + length +
				     ((flags & SYN) != 0) + ((flags & FIN) != 0),
			     RST | ACK, 0, NULL, 0, NO_OPTIONS);
}

/* The connection is gone; so is its hidden end (the app's end gets
 * error, 0 when it ended well). */
static void connection_end(struct tcp_connection *c, int error)
{
	unsigned hidden = c->hidden;

	c->state = CLOSED;
	c->hidden = NO_HIDDEN;
	if (hidden != NO_HIDDEN) {
		connection_of_hidden[hidden] = 0;
		socket_remote_close(hidden, error);
	}
}

static void abort_connection(struct tcp_connection *c, int error)
{
	send_flags(c, c->send_next, RST | ACK, NULL, 0);
	connection_end(c, error);
}

static void arm(struct tcp_connection *c)
{
	if (c->deadline == 0)
		c->deadline = ms_from_now(c->rto_ms);
}

/* Sends what may go: the SYN, data within the peer's window, the FIN
 * once the app's end will send no more, else an ACK that is due. */
static void output(struct tcp_connection *c)
{
	bool sent = false;

	if (c->state == SYN_SENT || c->state == SYN_RECEIVED) {
		if (c->send_next == c->iss) {
			send_flags(c, c->iss,
				   c->state == SYN_SENT ? SYN : SYN | ACK,
				   NULL, 0);
			c->send_next = c->iss + 1;
			arm(c);
		} else if (c->ack_due && c->state == SYN_RECEIVED) {
			send_flags(c, c->send_next, ACK, NULL, 0);
		}
		return;
	}
	if (c->state == TIME_WAIT || c->hidden == NO_HIDDEN) {
		if (c->ack_due)
			send_flags(c, c->send_next, ACK, NULL, 0);
		return;
	}
	enum remote_sending sending = socket_remote_sending(c->hidden);

	if (sending == REMOTE_ABORTED) {
		abort_connection(c, 0);
		return;
	}
	uint64_t queued = socket_remote_queued(c->hidden);
	uint32_t flight = c->send_next - c->send_unacked - c->fin_sent;
	uint32_t window = c->send_window;

	if (window == 0 && c->probe)
		window = 1;
	while (!c->fin_sent && flight < queued && flight < window &&
	       netif_has_room()) {
		uint8_t data[MSS_OWN];
		uint64_t length = queued - flight;

		if (length > c->mss)
			length = c->mss;
		if (length > window - flight)
			length = window - flight;
		socket_remote_peek(c->hidden, flight, data, length);
		send_flags(c, c->send_unacked + flight,
			   ACK | (flight + length == queued ? PSH : 0), data,
			   length);
		flight += (uint32_t)length;
		c->send_next = c->send_unacked + flight;
		sent = true;
	}
	if (!c->fin_sent && flight < queued && flight < window &&
	    !netif_has_room())
		held_back = true;
	c->probe = false;
	if (sending == REMOTE_FINISHED && !c->fin_sent && flight == queued &&
	    c->state != FIN_WAIT_2) {
		send_flags(c, c->send_next, FIN | ACK, NULL, 0);
		c->fin_sent = true;
		c->send_next++;
		if (c->state == ESTABLISHED)
			c->state = FIN_WAIT_1;
		else if (c->state == CLOSE_WAIT)
			c->state = LAST_ACK;
		sent = true;
	}
	if (!sent && c->ack_due)
		send_flags(c, c->send_next, ACK, NULL, 0);
	if (c->send_next != c->send_unacked ||
	    (queued > flight && c->send_window == 0))
		arm(c); /* retransmission, or the zero window's probe */
}

long tcp_connect(unsigned hidden, uint32_t local_address, uint16_t local_port,
		 uint32_t remote_address, uint16_t remote_port)
{
	struct tcp_connection *c = connection_find(local_address, local_port,
						   remote_address, remote_port);

	/* The port was free to bind, but a closed socket's connection
	 * with the same ends lingers: one in TIME-WAIT gives way, as
	 * Linux's may to a new connection. */
	if (c && c->state != TIME_WAIT)
		return -EADDRNOTAVAIL;
	if (c)
		connection_end(c, 0);
	c = connection_new();
	if (c == NULL)
		return -ENOBUFS;
	c->state = SYN_SENT;
	c->heard = rdtsc();
	attach(c, hidden);
	c->local_address = local_address;
	c->local_port = local_port;
	c->remote_address = remote_address;
	c->remote_port = remote_port;
	c->iss = c->send_unacked = c->send_next = initial_sequence();
	busy = true;
	output(c);
	busy = false;
	return 0;
}

/* The options of a SYN: the peer's maximum segment size and window
 * scale. */
static void read_options(struct tcp_connection *c, const uint8_t *options,
			 size_t length)
{
	for (size_t at = 0; at < length;) {
		if (options[at] == 0)
			return;
		if (options[at] == 1) {
			at++;
			continue;
		}
		if (at + 1 >= length || options[at + 1] < 2 ||
		    at + options[at + 1] > length)
			return;
		if (options[at] == 2 && options[at + 1] == 4) {
			uint16_t mss = load_be16(options + at + 2);

			c->mss = mss < 64 ? 64 : mss > MSS_OWN ? MSS_OWN : mss;
		}
		if (options[at] == 3 && options[at + 1] == 3) {
			/* RFC 7323: a shift above 14 is taken as 14. */
			c->peer_scales = true;
			c->send_shift = options[at + 2] > 14 ? 14
							     : options[at + 2];
		}
		at += options[at + 1];
	}
}

/* A SYN for a listening end: a connection in SYN-RECEIVED, which
 * becomes a socket for accept when the handshake ends. */
static void listen_input(uint32_t source, uint32_t destination,
			 const uint8_t *segment, size_t header)
{
	uint16_t port;
	struct tcp_connection *c;

	memcpy(&port, segment + 2, 2);
	struct inet_name local = inet_name4(destination, port);

	if (inet_find(SOCK_STREAM, &local) < 0 ||
	    (c = connection_new()) == NULL) {
		reset_for(destination, source, segment, 0);
		return;
	}
	c->state = SYN_RECEIVED;
	c->local_address = destination;
	c->remote_address = source;
	memcpy(&c->remote_port, segment, 2);
	memcpy(&c->local_port, segment + 2, 2);
	c->receive_next = load_be32(segment + 4) + 1;
	c->send_window = load_be16(segment + 14); /* a SYN's: unscaled */
	c->iss = c->send_unacked = c->send_next = initial_sequence();
	read_options(c, segment + TCP_HEADER, header - TCP_HEADER);
	if (c->peer_scales) /* and ours goes in the SYN-ACK */
		c->receive_shift = WINDOW_SHIFT;
	output(c);
}

/* The handshake of a connection to a listening end ended: a socket
 * for its accept. */
static bool accepted(struct tcp_connection *c)
{
	struct inet_name local = inet_name4(c->local_address, c->local_port),
			 remote = inet_name4(c->remote_address, c->remote_port);
	/* Looked up again: the listener of the SYN may have gone since. */
	long listener = inet_find(SOCK_STREAM, &local);
	long hidden = listener < 0 ? -ECONNREFUSED
				   : socket_remote_accept((unsigned)listener,
							  &local, &remote);

	if (hidden < 0) {
		abort_connection(c, 0);
		return false;
	}
	attach(c, (unsigned)hidden);
	c->state = ESTABLISHED;
	return true;
}

/* Our FIN was acknowledged. */
static void fin_acked(struct tcp_connection *c)
{
	if (c->state == FIN_WAIT_1) {
		c->state = FIN_WAIT_2;
	} else if (c->state == CLOSING) {
		c->state = TIME_WAIT;
		c->deadline = ms_from_now(TIME_WAIT_MS);
	} else if (c->state == LAST_ACK) {
		connection_end(c, 0);
	}
}

static void acknowledged(struct tcp_connection *c, uint32_t ack)
{
	uint32_t count = ack - c->send_unacked;
	bool fin = c->fin_sent && ack == c->send_next;

	if (c->hidden != NO_HIDDEN && count - fin)
		socket_remote_acked(c->hidden, count - fin);
	c->send_unacked = ack;
	c->retries = 0;
	c->rto_ms = RTO_INITIAL_MS;
	c->deadline = 0;
	if (fin)
		fin_acked(c);
}

/* The peer's bytes from seq on (and its FIN after them). */
static void receive(struct tcp_connection *c, uint32_t seq,
		    const uint8_t *data, uint32_t length, bool fin)
{
	if (length || fin)
		c->ack_due = true;
	if (before(seq, c->receive_next)) {
		uint32_t old = c->receive_next - seq;

		if (old >= length + fin)
			return; /* a copy of what came: acknowledged again */
		if (old > length) { /* the FIN again */
			length = 0;
		} else {
			data += old;
			length -= old;
		}
		seq = c->receive_next;
	}
	if (seq != c->receive_next)
		return; /* out of order: the peer sends it again */
	if (length) {
		if (c->state != ESTABLISHED && c->state != FIN_WAIT_1 &&
		    c->state != FIN_WAIT_2)
			return;
		if (socket_remote_app_gone(c->hidden)) {
			/* Bytes for a closed socket: Linux resets. */
			abort_connection(c, 0);
			return;
		}
		uint64_t room = socket_remote_room(c->hidden);
		uint32_t taken = length < room ? length : (uint32_t)room;

		taken = (uint32_t)socket_remote_deliver(c->hidden, data, taken);
		c->receive_next += taken;
		if (taken < length)
			return; /* the FIN after them comes again */
	}
	if (!fin)
		return;
	c->receive_next++;
	switch (c->state) {
	case ESTABLISHED:
		c->state = CLOSE_WAIT;
		break;
	case FIN_WAIT_1:
		c->state = CLOSING;
		break;
	case FIN_WAIT_2:
		c->state = TIME_WAIT;
		c->deadline = ms_from_now(TIME_WAIT_MS);
		break;
	default:
		return;
	}
	socket_remote_finished(c->hidden);
}

static void connection_input(struct tcp_connection *c, const uint8_t *segment,
			     size_t header, uint32_t length)
{
	uint8_t flags = segment[13];
	uint32_t seq = load_be32(segment + 4), ack = load_be32(segment + 8);

	c->heard = rdtsc();
	c->probes = 0;

	if (c->state == SYN_SENT) {
		if ((flags & ACK) && ack != c->iss + 1) {
			if (!(flags & RST))
				reset_for(c->local_address, c->remote_address,
					  segment, length);
			return;
		}
		if (flags & RST) {
			if (flags & ACK)
				connection_end(c, ECONNREFUSED);
			return;
		}
		if (!(flags & SYN) || !(flags & ACK))
			return; /* a simultaneous open is not taken */
		read_options(c, segment + TCP_HEADER, header - TCP_HEADER);
		if (c->peer_scales) /* both SYNs had it: both scale */
			c->receive_shift = WINDOW_SHIFT;
		else
			c->send_shift = 0;
		c->receive_next = seq + 1;
		c->send_unacked = ack;
		c->send_window = peer_window(c, segment);
		c->deadline = 0;
		c->retries = 0;
		c->rto_ms = RTO_INITIAL_MS;
		c->state = ESTABLISHED;
		c->ack_due = true;
		socket_remote_open(c->hidden);
		output(c);
		return;
	}
	if (flags & RST) {
		/* RFC 5961's check, simplified: in the window's start. In
		 * TIME-WAIT the app has read the end already: Linux's
		 * socket has left the connection, which goes quietly. */
		if (seq == c->receive_next || c->state == SYN_RECEIVED)
			connection_end(c, c->state == CLOSE_WAIT ? EPIPE
					  : c->state == TIME_WAIT ? 0
								  : ECONNRESET);
		return;
	}
	if (flags & SYN) {
		if (c->state == SYN_RECEIVED && seq + 1 == c->receive_next) {
			c->send_next = c->iss; /* its SYN again: ours too */
			output(c);
		} else {
			c->ack_due = true; /* RFC 5961's challenge ACK */
			output(c);
		}
		return;
	}
	if (!(flags & ACK))
		return;
	if (c->state == SYN_RECEIVED) {
		if (ack != c->iss + 1) {
			reset_for(c->local_address, c->remote_address, segment,
				  length);
			return;
		}
		c->send_unacked = ack;
		c->send_window = peer_window(c, segment);
		c->deadline = 0;
		if (!accepted(c))
			return;
	}
	if (before(c->send_unacked, ack) && !before(c->send_next, ack)) {
		acknowledged(c, ack);
		if (c->state == CLOSED)
			return;
	} else if (before(c->send_next, ack)) {
		c->ack_due = true; /* it acknowledges what never went */
		output(c);
		return;
	}
	if (!before(ack, c->send_unacked))
		c->send_window = peer_window(c, segment);
	receive(c, seq, segment + header, length, (flags & FIN) != 0);
	if (c->state != CLOSED)
		output(c);
}

void tcp_input(uint32_t source, uint32_t destination, const uint8_t *segment,
	       size_t length)
{
	uint16_t lport, rport;

	if (length < TCP_HEADER)
		return;
	size_t header = (size_t)(segment[12] >> 4) * 4;

	if (header < TCP_HEADER || header > length ||
	    ip_checksum_finish(ip_checksum_add(
		    ip_pseudo_sum(source, destination, NET_IPPROTO_TCP, length),
		    segment, length)) != 0)
		return;
	memcpy(&rport, segment, 2);
	memcpy(&lport, segment + 2, 2);
	struct tcp_connection *c =
		connection_find(destination, lport, source, rport);
	uint8_t flags = segment[13];

	busy = true;
	if (c)
		connection_input(c, segment, header,
				 (uint32_t)(length - header));
	else if ((flags & (SYN | ACK | RST)) == SYN)
		listen_input(source, destination, segment, header);
	else
		reset_for(destination, source, segment,
			  (uint32_t)(length - header));
	busy = false;
}

/* A connection sends what it may now, and a window update when the
 * app's reads grew the room by two segments, or from none. */
static void kick(struct tcp_connection *c)
{
	if (c->state == CLOSED || c->state == SYN_SENT ||
	    c->state == SYN_RECEIVED)
		return;
	uint32_t window = window_now(c);

	if (c->state != TIME_WAIT &&
	    (window >= c->advertised + 2 * MSS_OWN ||
	     (c->advertised == 0 && window)))
		c->ack_due = true;
	output(c);
}

void tcp_kick(void)
{
	if (busy) {
		kick_everyone = true;
		return;
	}
	busy = true;
	for (unsigned i = 0; i < connections_touched; i++)
		kick(&connections[i]);
	busy = false;
}

void tcp_kick_hidden(unsigned hidden)
{
	unsigned at = connection_of_hidden[hidden];

	if (at == 0)
		return;
	struct tcp_connection *c = &connections[at - 1];

	if (busy) {
		if (!c->kick_wanted) {
			c->kick_wanted = true;
			kicks_wanted[kicks_wanted_count++] = (uint16_t)(at - 1);
		}
		return;
	}
	busy = true;
	kick(c);
	busy = false;
}

void tcp_kick_pending(void)
{
	if (busy)
		return;
	bool everyone = kick_everyone || (held_back && netif_has_room());
	unsigned count = kicks_wanted_count;

	kick_everyone = false;
	if (everyone)
		held_back = false;
	busy = true;
	for (unsigned i = 0; i < count; i++) {
		struct tcp_connection *c = &connections[kicks_wanted[i]];

		c->kick_wanted = false;
		if (!everyone)
			kick(c);
	}
	/* What these kicks asked for in turn is dropped, as tcp_kick's. */
	for (unsigned i = count; i < kicks_wanted_count; i++)
		connections[kicks_wanted[i]].kick_wanted = false;
	kicks_wanted_count = 0;
	for (unsigned i = 0; everyone && i < connections_touched; i++)
		kick(&connections[i]);
	kick_everyone = false;
	busy = false;
}

bool tcp_sending(void)
{
	for (unsigned i = 0; i < connections_touched; i++) {
		uint8_t state = connections[i].state;

		if (state == ESTABLISHED || state == CLOSE_WAIT ||
		    state == FIN_WAIT_1 || state == CLOSING ||
		    state == LAST_ACK)
			return true;
	}
	return false;
}

/* When an open, idle connection whose app asked for keepalive (RFC
 * 1122's 4.2.3.6, Linux's times) sends its next probe, or gives up: the
 * idle time after the peer was last heard, then an interval per probe
 * unanswered; 0 when it sends none. */
static uint64_t keepalive_deadline(const struct tcp_connection *c,
				   uint32_t *probes_max)
{
	uint32_t times[3];

	if ((c->state != ESTABLISHED && c->state != CLOSE_WAIT) ||
	    c->send_next != c->send_unacked || c->hidden == NO_HIDDEN ||
	    !socket_remote_keepalive(c->hidden, times))
		return 0;
	*probes_max = times[2];
	return c->heard + clock_ns_to_ticks(((uint64_t)times[0] +
					     (uint64_t)c->probes * times[1]) *
					    1000000000);
}

uint64_t tcp_deadline(void)
{
	uint64_t deadline = 0;
	uint32_t probes_max;

	for (unsigned i = 0; i < connections_touched; i++) {
		const struct tcp_connection *c = &connections[i];
		uint64_t keepalive;

		if (c->state == CLOSED)
			continue;
		if (c->deadline && (deadline == 0 || c->deadline < deadline))
			deadline = c->deadline;
		keepalive = keepalive_deadline(c, &probes_max);
		if (keepalive && (deadline == 0 || keepalive < deadline))
			deadline = keepalive;
	}
	return deadline;
}

/* A keepalive probe: the byte before the first unacknowledged, which
 * the peer acknowledges again if it is there; or, after the last probe
 * unanswered, the connection's end (ETIMEDOUT). */
static void keepalive(struct tcp_connection *c, uint32_t probes_max)
{
	if (c->probes >= probes_max) {
		abort_connection(c, ETIMEDOUT);
		return;
	}
	c->probes++;
	send_flags(c, c->send_unacked - 1, ACK, NULL, 0);
	sched_deadlines_changed();
}

/* The retransmission timeout: back to the first byte not acknowledged
 * (the SYN, the data, the FIN), with twice the time to wait; or a byte
 * beyond a zero window (the peer's answer tells of its room). */
static void timeout(struct tcp_connection *c)
{
	bool handshake = c->state == SYN_SENT || c->state == SYN_RECEIVED;

	c->deadline = 0;
	if (c->state == TIME_WAIT) {
		connection_end(c, 0);
		return;
	}

	if (++c->retries > (handshake ? SYN_RETRIES_MAX : RETRIES_MAX)) {
		if (c->state == SYN_RECEIVED)
			c->state = CLOSED; /* no socket yet */
		else
			abort_connection(c, ETIMEDOUT);
		return;
	}
	c->rto_ms = c->rto_ms * 2 > RTO_MAX_MS ? RTO_MAX_MS : c->rto_ms * 2;
	if (handshake) {
		c->send_next = c->iss;
	} else if (c->send_next == c->send_unacked) {
		c->probe = true;
	} else {
		c->send_next = c->send_unacked;
		c->fin_sent = false;
		if (c->state == FIN_WAIT_1)
			c->state = ESTABLISHED;
		else if (c->state == LAST_ACK)
			c->state = CLOSE_WAIT;
		else if (c->state == CLOSING)
			c->state = CLOSE_WAIT; /* their FIN came: ours
						  again, then LAST_ACK */
	}
	output(c);
}

void tcp_timer(uint64_t now)
{
	uint32_t probes_max;

	busy = true;
	for (unsigned i = 0; i < connections_touched; i++) {
		struct tcp_connection *c = &connections[i];
		uint64_t probe;

		if (c->state != CLOSED && c->deadline && c->deadline <= now)
			timeout(c);
		if (c->state != CLOSED &&
		    (probe = keepalive_deadline(c, &probes_max)) &&
		    probe <= now)
			keepalive(c, probes_max);
	}
	busy = false;
}

unsigned tcp_view_slots(void)
{
	return connections_touched;
}

/* Ticks from now to `deadline` in milliseconds (0 when it has passed). */
static uint32_t ms_until(uint64_t deadline, uint64_t now)
{
	return deadline > now ? (uint32_t)(clock_ticks_to_ns(deadline - now) /
					    1000000)
			      : 0;
}

bool tcp_view(unsigned slot, struct tcp_view *view)
{
	/* Linux's numbers of the states, by enum tcp_state. */
	static const uint8_t linux_state[] = {
		[SYN_SENT] = TCP_SYN_SENT,       [SYN_RECEIVED] = TCP_SYN_RECV,
		[ESTABLISHED] = TCP_ESTABLISHED, [FIN_WAIT_1] = TCP_FIN_WAIT1,
		[FIN_WAIT_2] = TCP_FIN_WAIT2,    [CLOSE_WAIT] = TCP_CLOSE_WAIT,
		[CLOSING] = TCP_CLOSING,         [LAST_ACK] = TCP_LAST_ACK,
		[TIME_WAIT] = TCP_TIME_WAIT,
	};
	uint64_t now = rdtsc(), keepalive;
	uint32_t probes_max;

	if (slot >= connections_touched || connections[slot].state == CLOSED)
		return false;
	const struct tcp_connection *c = &connections[slot];

	*view = (struct tcp_view){
		.state = linux_state[c->state],
		.retransmits = c->retries,
		.probes = c->probes,
		.hidden = c->hidden,
		.local_port = c->local_port,
		.remote_port = c->remote_port,
		.local_address = c->local_address,
		.remote_address = c->remote_address,
		.rto_ms = c->rto_ms,
	};
	if (c->deadline) {
		view->timer = c->state == TIME_WAIT ? 3
			      : c->send_next == c->send_unacked ? 4
								 : 1;
		view->timer_ms = ms_until(c->deadline, now);
	} else if ((keepalive = keepalive_deadline(c, &probes_max))) {
		view->timer = 2;
		view->timer_ms = ms_until(keepalive, now);
	}
	return true;
}
