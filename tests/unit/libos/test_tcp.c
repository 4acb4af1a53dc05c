/*
 * TCP (net/tcp.c), white-box: the source is included, its neighbours
 * faked. The peer is this test: it writes segments into tcp_input and
 * reads what the connection sends (ip_send's fake keeps them), and it
 * does what a wire and slirp never do: loses segments, sends them out of
 * order, closes its window, resets, stays silent. The app's end is a
 * fake too: a send queue and a receive buffer behind socket_remote_*.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "net/tcp.c"

#define LOCAL   0x0f02000a /* 10.0.2.15, network order */
#define REMOTE  0x0202000a /* 10.0.2.2 */
#define LPORT   0x409c     /* 40000, network order */
#define RPORT   0xb315     /* 5555 */
#define LISTEN  0x5000     /* 80 */
#define HIDDEN  7
#define ACCEPTED_HIDDEN 9
#define QUEUE_MAX (1 << 20)

/* The app's side of the connection. */
static struct {
	uint8_t sent[QUEUE_MAX]; /* what it sent, from the first unacked */
	uint64_t queued;
	uint8_t received[QUEUE_MAX];
	uint64_t taken, room;
	enum remote_sending sending;
	bool gone, opened, finished, closed, accepted, keepalive;
	int error;
} app;

/* What the connection sent. */
struct segment {
	uint32_t source, destination;
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t window, mss;
	int scale; /* the window scale option's shift, -1 without one */
	size_t length;
	uint8_t data[2048];
};
static struct segment out[64];
static unsigned out_count;

void sched_deadlines_changed(void)
{
}

uint64_t clock_ns_to_ticks(uint64_t ns)
{
	return ns;
}

uint64_t clock_ticks_to_ns(uint64_t ticks)
{
	return ticks;
}

void ip_send(uint32_t source, uint32_t destination, uint8_t protocol,
	     const void *payload, size_t length, uint8_t ttl, uint8_t tos)
{
	const uint8_t *p = payload;
	struct segment *s = &out[out_count++];

	(void)ttl;
	(void)tos;
	cr_assert_lt(out_count, 64, "too many segments");
	cr_assert_eq(protocol, NET_IPPROTO_TCP);
	cr_assert_eq(ip_checksum_finish(ip_checksum_add(
			     ip_pseudo_sum(source, destination, protocol,
					   length),
			     payload, length)),
		     0, "a checksum that does not add up");
	size_t header = (size_t)(p[12] >> 4) * 4;

	*s = (struct segment){ .source = source, .destination = destination,
			       .flags = p[13], .seq = load_be32(p + 4),
			       .ack = load_be32(p + 8),
			       .window = load_be16(p + 14),
			       .scale = -1, .length = length - header };
	for (size_t at = 20; at + 1 < header;) {
		if (p[at] == 1) {
			at++;
			continue;
		}
		if (p[at] == 2)
			s->mss = load_be16(p + at + 2);
		if (p[at] == 3)
			s->scale = p[at + 2];
		at += p[at + 1];
	}
	memcpy(s->data, p + header, s->length);
}

static bool device_full;
/* The peer's window scale option in its next SYN (-1: none). */
static int peer_scale = -1;

bool netif_has_room(void)
{
	return !device_full;
}

long inet_find(int kind, const struct inet_name *name)
{
	cr_assert_eq(kind, SOCK_STREAM);
	return name->port == LISTEN ? 3 : -1;
}

long socket_remote_accept(unsigned listener, const struct inet_name *local,
			  const struct inet_name *remote)
{
	cr_assert_eq(listener, 3);
	cr_assert_eq(local->port, LISTEN);
	cr_assert_eq(remote->port, RPORT);
	app.accepted = true;
	return ACCEPTED_HIDDEN;
}

void socket_remote_open(unsigned hidden)
{
	cr_assert_eq(hidden, HIDDEN);
	app.opened = true;
}

uint64_t socket_remote_queued(unsigned hidden)
{
	(void)hidden;
	return app.queued;
}

void socket_remote_peek(unsigned hidden, uint64_t offset, void *bytes,
			uint64_t length)
{
	(void)hidden;
	cr_assert_leq(offset + length, app.queued, "a peek past the queue");
	memcpy(bytes, app.sent + offset, length);
}

void socket_remote_acked(unsigned hidden, uint64_t length)
{
	(void)hidden;
	cr_assert_leq(length, app.queued, "acknowledged more than was sent");
	memmove(app.sent, app.sent + length, app.queued - length);
	app.queued -= length;
}

enum remote_sending socket_remote_sending(unsigned hidden)
{
	(void)hidden;
	return app.sending;
}

bool socket_remote_app_gone(unsigned hidden)
{
	(void)hidden;
	return app.gone;
}

uint64_t socket_remote_room(unsigned hidden)
{
	(void)hidden;
	return app.gone ? 0 : app.room;
}

uint64_t socket_remote_deliver(unsigned hidden, const void *bytes,
			       uint64_t length)
{
	(void)hidden;
	cr_assert_leq(length, app.room, "delivered beyond the room");
	memcpy(app.received + app.taken, bytes, length);
	app.taken += length;
	app.room -= length;
	return length;
}

bool socket_remote_keepalive(unsigned hidden, uint32_t times[3])
{
	(void)hidden;
	times[0] = 10; /* idle seconds, interval, probes */
	times[1] = 5;
	times[2] = 2;
	return app.keepalive;
}

void socket_remote_finished(unsigned hidden)
{
	(void)hidden;
	app.finished = true;
}

void socket_remote_close(unsigned hidden, int error)
{
	(void)hidden;
	cr_assert(!app.closed, "closed twice");
	app.closed = true;
	app.error = error;
}

static void reset_all(void)
{
	memset(&app, 0, sizeof(app));
	app.room = 256 << 10;
	memset(connections, 0, sizeof(connections));
	connections_touched = 0;
	kicks_wanted_count = 0;
	kick_everyone = held_back = busy = false;
	out_count = 0;
	device_full = false;
	peer_scale = -1;
}

/* The peer's segment. */
static void peer_sends(uint8_t flags, uint32_t seq, uint32_t ack,
		       uint16_t window, const void *data, size_t length,
		       uint16_t lport)
{
	uint8_t segment[2048];
	uint16_t rport = RPORT;
	size_t header = TCP_HEADER;

	memset(segment, 0, TCP_HEADER + 4);
	if ((flags & SYN) && peer_scale >= 0) {
		segment[20] = 1;
		segment[21] = 3;
		segment[22] = 3;
		segment[23] = (uint8_t)peer_scale;
		header += 4;
	}
	memcpy(segment, &rport, 2);
	memcpy(segment + 2, &lport, 2);
	store_be32(segment + 4, seq);
	store_be32(segment + 8, ack);
	segment[12] = (uint8_t)(header / 4 << 4);
	segment[13] = flags;
	store_be16(segment + 14, window);
	if (length)
		memcpy(segment + header, data, length);
	store_be16(segment + 16,
		   ip_checksum_finish(ip_checksum_add(
			   ip_pseudo_sum(REMOTE, LOCAL, NET_IPPROTO_TCP,
					 header + length),
			   segment, header + length)));
	tcp_input(REMOTE, LOCAL, segment, header + length);
}

static struct segment take(void)
{
	cr_assert_gt(out_count, 0, "nothing was sent");
	struct segment s = out[0];

	memmove(out, out + 1, --out_count * sizeof(out[0]));
	return s;
}

static void nothing_sent(void)
{
	cr_assert_eq(out_count, 0, "a segment went: flags %#x", out[0].flags);
}

/* A connection made by connect, open: its ISS; the peer's is 1000. */
static uint32_t opened(uint16_t window)
{
	cr_assert_eq(tcp_connect(HIDDEN, LOCAL, LPORT, REMOTE, RPORT), 0);
	struct segment syn = take();

	cr_assert_eq(syn.flags, SYN);
	cr_assert_eq(syn.mss, MSS_OWN);
	cr_assert_eq(syn.scale, WINDOW_SHIFT);
	peer_sends(SYN | ACK, 1000, syn.seq + 1, window, NULL, 0, LPORT);
	cr_assert(app.opened);
	struct segment ack = take();

	cr_assert_eq(ack.flags, ACK);
	cr_assert_eq(ack.seq, syn.seq + 1);
	cr_assert_eq(ack.ack, 1001);
	return syn.seq;
}

static void queue(size_t length)
{
	for (size_t i = 0; i < length; i++)
		app.sent[app.queued + i] = (uint8_t)(app.queued + i);
	app.queued += length;
}

static void fire_timers(void)
{
	tcp_timer(rdtsc() + (UINT64_C(100) << 30));
}

TestSuite(tcp, .init = reset_all);

Test(tcp, data_goes_in_segments_within_the_window_and_goes_when_acked)
{
	uint32_t iss = opened(3000);

	queue(5000);
	tcp_kick();
	/* The peer gave no MSS: RFC 1122's 536, within 3,000 bytes. */
	size_t sent = 0;

	while (out_count) {
		struct segment s = take();

		cr_assert_eq(s.seq, iss + 1 + sent);
		cr_assert_leq(s.length, 536);
		cr_assert_eq(memcmp(s.data, app.sent + sent, s.length), 0);
		sent += s.length;
	}
	cr_assert_eq(sent, 3000, "the window's 3,000 bytes, not %zu", sent);
	peer_sends(ACK, 1001, iss + 1 + 1000, 3000, NULL, 0, LPORT);
	cr_assert_eq(app.queued, 4000);
	/* The window slid by 1,000: that much more goes. */
	sent = 0;
	while (out_count)
		sent += take().length;
	cr_assert_eq(sent, 1000);
}

Test(tcp, data_waits_while_the_device_has_no_room_and_acks_still_go)
{
	uint32_t iss = opened(60000);

	device_full = true;
	queue(1000);
	tcp_kick();
	nothing_sent();
	peer_sends(ACK, 1001, iss + 1, 60000, "ab", 2, LPORT);
	struct segment ack = take();

	cr_assert_eq(ack.length, 0);
	cr_assert_eq(ack.ack, 1003);
	device_full = false;
	tcp_kick();
	cr_assert_eq(take().length, 536);
}

Test(tcp, data_held_back_by_the_device_goes_once_it_has_room)
{
	opened(60000);
	device_full = true;
	queue(1000);
	tcp_kick();
	nothing_sent();
	tcp_kick_pending(); /* still no room */
	nothing_sent();
	device_full = false;
	tcp_kick_pending();
	cr_assert_eq(take().length, 536);
	cr_assert_eq(take().length, 464);
	nothing_sent();
}

/* socket.c's kicks while TCP runs (its input, its timers) are put off to
 * tcp_kick_pending, which does those alone. */
Test(tcp, pending_kicks_are_the_ones_asked_for_while_busy)
{
	opened(60000);
	queue(1000);
	tcp_kick_pending(); /* none was asked for */
	nothing_sent();
	busy = true;
	tcp_kick_hidden(HIDDEN);
	tcp_kick_hidden(HIDDEN);
	busy = false;
	nothing_sent();
	cr_assert_eq(kicks_wanted_count, 1, "one connection asked twice");
	tcp_kick_pending();
	cr_assert_eq(take().length, 536);
	cr_assert_eq(take().length, 464);
	queue(100);
	busy = true;
	tcp_kick(); /* a change that names no connection */
	busy = false;
	nothing_sent();
	tcp_kick_pending();
	cr_assert_eq(take().length, 100);
	queue(10);
	tcp_kick_pending(); /* done already */
	nothing_sent();
}

Test(tcp, a_lost_segment_goes_again_after_the_timeout_from_the_first_unacked)
{
	uint32_t iss = opened(60000);

	queue(2000);
	tcp_kick();
	out_count = 0; /* all lost */
	fire_timers();
	struct segment again = take();

	cr_assert_eq(again.seq, iss + 1);
	cr_assert_eq(again.data[0], app.sent[0]);
	cr_assert_eq(connections[0].rto_ms, 2 * RTO_INITIAL_MS);
}

Test(tcp, the_peers_bytes_in_order_are_taken_and_out_of_order_ones_dropped)
{
	uint32_t iss = opened(60000);

	peer_sends(ACK | PSH, 1006, iss + 1, 60000, "world", 5, LPORT);
	cr_assert_eq(app.taken, 0, "an out-of-order segment was taken");
	cr_assert_eq(take().ack, 1001, "no duplicate ACK");
	peer_sends(ACK | PSH, 1001, iss + 1, 60000, "hello", 5, LPORT);
	cr_assert_eq(app.taken, 5);
	cr_assert_eq(take().ack, 1006);
	/* A copy, partly old: only its new bytes. */
	peer_sends(ACK | PSH, 1004, iss + 1, 60000, "lo, you", 7, LPORT);
	cr_assert_eq(app.taken, 10);
	cr_assert_eq(memcmp(app.received, "hello, you", 10), 0);
	cr_assert_eq(take().ack, 1011);
}

Test(tcp, a_full_ring_closes_the_window_and_reads_reopen_it)
{
	uint32_t iss = opened(60000);

	app.room = 3;
	peer_sends(ACK, 1001, iss + 1, 60000, "abcdef", 6, LPORT);
	cr_assert_eq(app.taken, 3);
	struct segment s = take();

	cr_assert_eq(s.ack, 1004);
	cr_assert_eq(s.window, 0);
	tcp_kick();
	nothing_sent();
	app.room = 10000;
	tcp_kick();
	s = take();
	cr_assert_eq(s.window, 10000, "no window update");
}

Test(tcp, a_zero_window_is_probed_after_the_timeout)
{
	uint32_t iss = opened(0);

	queue(100);
	tcp_kick();
	nothing_sent();
	fire_timers();
	struct segment probe = take();

	cr_assert_eq(probe.seq, iss + 1);
	cr_assert_eq(probe.length, 1);
	peer_sends(ACK, 1001, iss + 2, 500, NULL, 0, LPORT);
	cr_assert_eq(app.queued, 99);
	cr_assert_eq(take().length, 99);
}

Test(tcp, our_close_sends_fin_after_the_data_and_ends_after_time_wait)
{
	uint32_t iss = opened(60000);

	queue(10);
	app.sending = REMOTE_FINISHED;
	tcp_kick();
	cr_assert_eq(take().length, 10);
	struct segment fin = take();

	cr_assert_eq(fin.flags, FIN | ACK);
	cr_assert_eq(fin.seq, iss + 11);
	peer_sends(ACK, 1001, iss + 12, 60000, NULL, 0, LPORT);
	cr_assert_eq(app.queued, 0);
	cr_assert_eq(connections[0].state, FIN_WAIT_2);
	peer_sends(FIN | ACK, 1001, iss + 12, 60000, NULL, 0, LPORT);
	cr_assert(app.finished);
	cr_assert_eq(take().ack, 1002);
	cr_assert_eq(connections[0].state, TIME_WAIT);
	/* Its FIN again: acknowledged again. */
	peer_sends(FIN | ACK, 1001, iss + 12, 60000, NULL, 0, LPORT);
	cr_assert_eq(take().ack, 1002);
	cr_assert(!app.closed);
	fire_timers();
	cr_assert(app.closed);
	cr_assert_eq(app.error, 0);
}

Test(tcp, their_close_first_then_ours)
{
	uint32_t iss = opened(60000);

	peer_sends(FIN | ACK, 1001, iss + 1, 60000, "bye", 3, LPORT);
	cr_assert(app.finished);
	cr_assert_eq(app.taken, 3);
	cr_assert_eq(take().ack, 1005);
	cr_assert_eq(connections[0].state, CLOSE_WAIT);
	/* Half-closed: we still send. */
	queue(4);
	tcp_kick();
	cr_assert_eq(take().length, 4);
	app.sending = REMOTE_FINISHED;
	tcp_kick();
	cr_assert_eq(take().flags, FIN | ACK);
	cr_assert_eq(connections[0].state, LAST_ACK);
	peer_sends(ACK, 1005, iss + 6, 60000, NULL, 0, LPORT);
	cr_assert(app.closed);
	cr_assert_eq(app.error, 0);
}

Test(tcp, a_lost_fin_goes_again)
{
	uint32_t iss = opened(60000);

	app.sending = REMOTE_FINISHED;
	tcp_kick();
	take();
	fire_timers();
	struct segment fin = take();

	cr_assert_eq(fin.flags, FIN | ACK);
	cr_assert_eq(fin.seq, iss + 1);
	cr_assert_eq(connections[0].state, FIN_WAIT_1);
}

Test(tcp, a_connect_of_the_same_ends_ends_a_time_wait_and_not_another)
{
	uint32_t iss = opened(60000);

	app.sending = REMOTE_FINISHED;
	tcp_kick();
	take();
	cr_assert_eq(tcp_connect(HIDDEN, LOCAL, LPORT, REMOTE, RPORT),
		     -EADDRNOTAVAIL);
	peer_sends(FIN | ACK, 1001, iss + 2, 60000, NULL, 0, LPORT);
	take();
	cr_assert_eq(connections[0].state, TIME_WAIT);
	cr_assert_eq(tcp_connect(HIDDEN, LOCAL, LPORT, REMOTE, RPORT), 0);
	cr_assert(app.closed, "the TIME-WAIT did not end");
	cr_assert_eq(take().flags, SYN);
}

static uint64_t seconds(unsigned count)
{
	return rdtsc() + (uint64_t)count * 1000000000;
}

Test(tcp, keepalive_probes_go_after_the_idle_time_and_give_up)
{
	uint32_t iss = opened(60000);

	fire_timers(); /* no keepalive asked for: nothing */
	nothing_sent();
	app.keepalive = true;
	tcp_timer(seconds(9));
	nothing_sent();
	tcp_timer(seconds(11));
	struct segment probe = take();

	cr_assert_eq(probe.flags, ACK);
	cr_assert_eq(probe.seq, iss, "not the byte before the unacked one");
	/* Answered: idle again from now. */
	peer_sends(ACK, 1001, iss + 1, 60000, NULL, 0, LPORT);
	nothing_sent();
	tcp_timer(seconds(9));
	nothing_sent();
	tcp_timer(seconds(11));
	take();
	tcp_timer(seconds(16)); /* the second, an interval later */
	take();
	cr_assert(!app.closed);
	tcp_timer(seconds(21)); /* two unanswered: the end */
	cr_assert_eq(take().flags & RST, RST);
	cr_assert(app.closed);
	cr_assert_eq(app.error, ETIMEDOUT);
}

Test(tcp, windows_are_scaled_when_both_syns_say_so)
{
	peer_scale = 7;
	app.room = 1000;
	uint32_t iss = opened(100); /* the SYN-ACK's 100: unscaled */

	cr_assert_eq(connections[0].send_window, 100);
	peer_sends(ACK, 1001, iss + 1, 100, NULL, 0, LPORT); /* 100 << 7 */
	cr_assert_eq(connections[0].send_window, 12800);
	app.room = 200000;
	tcp_kick();
	struct segment update = take();

	cr_assert_eq(update.window, 200000 >> WINDOW_SHIFT);
}

Test(tcp, a_syn_without_the_scale_gets_a_syn_ack_without_it)
{
	peer_sends(SYN, 7000, 0, 8000, NULL, 0, LISTEN);
	struct segment synack = take();

	cr_assert_eq(synack.scale, -1);
	cr_assert_eq(synack.mss, MSS_OWN);
	peer_sends(ACK, 7001, synack.seq + 1, 8000, NULL, 0, LISTEN);
	cr_assert_eq(connections[0].send_window, 8000);
	app.room = 200000;
	tcp_kick();
	cr_assert_eq(take().window, 65535, "an unscaled window past 16 bits");
}

Test(tcp, a_syn_with_the_scale_gets_ours)
{
	peer_scale = 0;
	peer_sends(SYN, 7000, 0, 8000, NULL, 0, LISTEN);
	struct segment synack = take();

	cr_assert_eq(synack.scale, WINDOW_SHIFT);
	peer_sends(ACK, 7001, synack.seq + 1, 8000, NULL, 0, LISTEN);
	app.room = 200000;
	tcp_kick();
	cr_assert_eq(take().window, 200000 >> WINDOW_SHIFT);
}

Test(tcp, a_reset_answers_connect_with_econnrefused)
{
	cr_assert_eq(tcp_connect(HIDDEN, LOCAL, LPORT, REMOTE, RPORT), 0);
	struct segment syn = take();

	/* A reset that does not acknowledge our SYN is not believed. */
	peer_sends(RST | ACK, 0, syn.seq + 5, 0, NULL, 0, LPORT);
	cr_assert(!app.closed);
	peer_sends(RST | ACK, 0, syn.seq + 1, 0, NULL, 0, LPORT);
	cr_assert(app.closed);
	cr_assert_eq(app.error, ECONNREFUSED);
}

Test(tcp, a_reset_in_the_window_resets_an_open_connection)
{
	opened(60000);
	peer_sends(RST, 5000, 0, 0, NULL, 0, LPORT);
	cr_assert(!app.closed, "a reset outside the window was believed");
	peer_sends(RST, 1001, 0, 0, NULL, 0, LPORT);
	cr_assert(app.closed);
	cr_assert_eq(app.error, ECONNRESET);
}

Test(tcp, an_unanswered_syn_times_out)
{
	cr_assert_eq(tcp_connect(HIDDEN, LOCAL, LPORT, REMOTE, RPORT), 0);
	for (int i = 0; i <= SYN_RETRIES_MAX; i++) {
		cr_assert_eq(take().flags, SYN);
		fire_timers();
	}
	cr_assert(app.closed);
	cr_assert_eq(app.error, ETIMEDOUT);
}

Test(tcp, an_abortive_close_resets)
{
	opened(60000);
	app.sending = REMOTE_ABORTED;
	tcp_kick();
	cr_assert_eq(take().flags & RST, RST);
	cr_assert(app.closed);
}

Test(tcp, bytes_for_a_closed_app_reset_the_connection)
{
	uint32_t iss = opened(60000);

	app.gone = true;
	peer_sends(ACK, 1001, iss + 1, 60000, "late", 4, LPORT);
	cr_assert_eq(take().flags & RST, RST);
	cr_assert(app.closed);
}

Test(tcp, a_syn_for_a_listener_is_accepted_after_the_handshake)
{
	peer_sends(SYN, 7000, 0, 8000, NULL, 0, LISTEN);
	struct segment synack = take();

	cr_assert_eq(synack.flags, SYN | ACK);
	cr_assert_eq(synack.ack, 7001);
	cr_assert(!app.accepted, "accepted before the handshake ended");
	/* The SYN again: the SYN-ACK again. */
	peer_sends(SYN, 7000, 0, 8000, NULL, 0, LISTEN);
	cr_assert_eq(take().seq, synack.seq);
	peer_sends(ACK, 7001, synack.seq + 1, 8000, "GET", 3, LISTEN);
	cr_assert(app.accepted);
	cr_assert_eq(app.taken, 3);
	cr_assert_eq(connections[0].state, ESTABLISHED);
	cr_assert_eq(connections[0].hidden, ACCEPTED_HIDDEN);
}

Test(tcp, segments_for_no_connection_are_reset_and_malformed_ones_dropped)
{
	peer_sends(SYN, 1, 0, 100, NULL, 0, LPORT); /* nobody listens */
	struct segment r = take();

	cr_assert_eq(r.flags, RST | ACK);
	cr_assert_eq(r.ack, 2);
	peer_sends(ACK, 1, 77, 100, NULL, 0, LPORT);
	r = take();
	cr_assert_eq(r.flags, RST);
	cr_assert_eq(r.seq, 77);
	peer_sends(RST, 1, 0, 0, NULL, 0, LPORT); /* never answered */
	nothing_sent();
	/* Too short, a header longer than the segment, a bad checksum. */
	uint8_t junk[TCP_HEADER] = { 0 };

	tcp_input(REMOTE, LOCAL, junk, 10);
	junk[12] = 15 << 4;
	tcp_input(REMOTE, LOCAL, junk, sizeof(junk));
	junk[12] = 5 << 4;
	junk[13] = SYN;
	tcp_input(REMOTE, LOCAL, junk, sizeof(junk));
	nothing_sent();
}

/* /proc/net/tcp's view (tcp_view): Linux's state numbers, the timer
 * that runs, its tries and the retransmission timeout. */
Test(tcp, the_view_gives_linux_states_and_timers)
{
	struct tcp_view view;
	uint32_t iss = opened(60000);

	cr_assert_eq(tcp_view_slots(), 1);
	cr_assert(tcp_view(0, &view));
	cr_assert_eq(view.state, TCP_ESTABLISHED);
	cr_assert_eq(view.hidden, HIDDEN);
	cr_assert_eq(view.local_address, LOCAL);
	cr_assert_eq(view.remote_address, REMOTE);
	cr_assert_eq(view.local_port, LPORT);
	cr_assert_eq(view.remote_port, RPORT);
	cr_assert_eq(view.timer, 0);
	/* Bytes in flight: the retransmission timer, then its try. */
	queue(10);
	tcp_kick();
	take();
	cr_assert(tcp_view(0, &view));
	cr_assert_eq(view.timer, 1);
	cr_assert_leq(view.timer_ms, RTO_INITIAL_MS);
	cr_assert_eq(view.rto_ms, RTO_INITIAL_MS);
	fire_timers();
	take();
	cr_assert(tcp_view(0, &view));
	cr_assert_eq(view.retransmits, 1);
	cr_assert_eq(view.rto_ms, 2 * RTO_INITIAL_MS);
	peer_sends(ACK, 1001, iss + 11, 60000, NULL, 0, LPORT);
	cr_assert(tcp_view(0, &view));
	cr_assert_eq(view.timer, 0);
	cr_assert_eq(view.retransmits, 0);
	/* Idle with SO_KEEPALIVE: the keepalive timer. */
	app.keepalive = true;
	cr_assert(tcp_view(0, &view));
	cr_assert_eq(view.timer, 2);
	/* Our FIN, its ACK, theirs: FIN-WAIT-1, -2, TIME-WAIT. */
	app.sending = REMOTE_FINISHED;
	tcp_kick();
	cr_assert_eq(take().flags, FIN | ACK);
	cr_assert(tcp_view(0, &view));
	cr_assert_eq(view.state, TCP_FIN_WAIT1);
	cr_assert_eq(view.timer, 1);
	peer_sends(ACK, 1001, iss + 12, 60000, NULL, 0, LPORT);
	cr_assert(tcp_view(0, &view));
	cr_assert_eq(view.state, TCP_FIN_WAIT2);
	peer_sends(FIN | ACK, 1001, iss + 12, 60000, NULL, 0, LPORT);
	take();
	cr_assert(tcp_view(0, &view));
	cr_assert_eq(view.state, TCP_TIME_WAIT);
	cr_assert_eq(view.timer, 3);
	cr_assert_leq(view.timer_ms, TIME_WAIT_MS);
	fire_timers();
	cr_assert(!tcp_view(0, &view), "a closed connection is no line");
	cr_assert(!tcp_view(5, &view));
}

Test(tcp, the_view_of_a_handshake_has_no_hidden_end)
{
	struct tcp_view view;

	peer_sends(SYN, 1000, 0, 60000, NULL, 0, LISTEN);
	take();
	cr_assert(tcp_view(0, &view));
	cr_assert_eq(view.state, TCP_SYN_RECV);
	cr_assert_eq(view.hidden, TCP_NO_HIDDEN);
	cr_assert_eq(view.local_port, LISTEN);
	cr_assert_eq(view.timer, 1);
}
