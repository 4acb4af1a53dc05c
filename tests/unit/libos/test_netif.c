/*
 * eth0 (net/netif.c), white-box: the source is included, the device and
 * the transports faked. ARP's answers and questions, the packets that
 * wait for an answer, ICMP's echo, what reaches UDP and TCP, the options'
 * addresses, and frames of random bytes and lengths from a hostile
 * network (under ASan and UBSan: no read or write out of bounds).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdlib.h>

#include "net/netif.c"

#define OUR_IP  0x0f02000a /* 10.0.2.15, network order */
#define GATEWAY 0x0202000a /* 10.0.2.2 */
#define FAR_IP  0x08080808 /* 8.8.8.8 */

static const uint8_t our_mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
static const uint8_t gateway_mac[6] = { 0x52, 0x55, 10, 0, 2, 2 };

static struct wk_info info = { .devices = WK_DEVICE_NET,
			       .net_mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 } };
const struct wk_info *libos_info = &info;
struct options options;

/* The device: frames to receive, frames sent. */
static uint8_t incoming[8][2048];
static long incoming_length[8];
static unsigned incoming_count;
static uint8_t sent[16][WK_NET_FRAME_MAX];
static long sent_length[16];
static unsigned sent_count;
static bool device_full;
/* What reached the transports. */
static unsigned tcp_segments, udp_datagrams;
static size_t udp_length;
static uint64_t udp_sum; /* a hash of the last datagram's bytes */

long wk_net_send(long frame, long length)
{
	cr_assert_geq(length, 14);
	cr_assert_leq(length, WK_NET_FRAME_MAX);
	if (device_full)
		return -EAGAIN;
	cr_assert_lt(sent_count, 16);
	memcpy(sent[sent_count], (const void *)frame, (size_t)length);
	sent_length[sent_count++] = length;
	return length;
}

long wk_net_receive(long buffer, long length)
{
	cr_assert_geq(length, WK_NET_FRAME_MAX);
	if (incoming_count == 0)
		return 0;
	incoming_count--;
	memcpy((void *)buffer, incoming[incoming_count],
	       (size_t)incoming_length[incoming_count]);
	return incoming_length[incoming_count];
}

void tcp_input(uint32_t source, uint32_t destination, const uint8_t *segment,
	       size_t length)
{
	(void)source;
	(void)destination;
	if (length) /* ASan checks the bytes handed on are the frame's */
		(void)*(volatile const uint8_t *)(segment + length - 1);
	tcp_segments++;
}

void udp_input(uint32_t source, uint32_t destination, const uint8_t *datagram,
	       size_t length, uint8_t ttl, uint8_t tos)
{
	(void)source;
	(void)destination;
	(void)ttl;
	(void)tos;
	if (length)
		(void)*(volatile const uint8_t *)(datagram + length - 1);
	udp_datagrams++;
	udp_length = length;
	udp_sum = 0;
	for (size_t i = 0; i < length; i++)
		udp_sum = udp_sum * 31 + datagram[i];
}

static unsigned refusals;
static uint16_t refused_port;

void udp_refused(uint32_t source, uint16_t source_port, uint32_t destination,
		 uint16_t destination_port)
{
	cr_assert_eq(source, OUR_IP);
	cr_assert_eq(destination, FAR_IP);
	cr_assert_eq(source_port, 0x3930); /* 12345, network order */
	refused_port = destination_port;
	refusals++;
}

void tcp_kick_pending(void) {}
uint64_t tcp_deadline(void) { return 0; }
void tcp_timer(uint64_t now) { (void)now; }
bool tcp_sending(void) { return false; }
void socket_remote_exit(void) {}
uint64_t clock_ns_to_ticks(uint64_t ns) { return ns; }
void sched_deadlines_changed(void) {}
uint64_t clock_ticks_to_ns(uint64_t ticks) { return ticks; }

/* DHCP's exchange runs under QEMU (net-dhcp): here, no server answers. */
bool dhcp_configure(void)
{
	cr_assert(netif.up, "asked with eth0 down");
	return false;
}

bool string_equals_word(const char *word, size_t length, const char *string)
{
	return strlen(string) == length && memcmp(word, string, length) == 0;
}

void libos_report(const char *format, ...)
{
	(void)format;
}

static void reset(void)
{
	memset(&netif, 0, sizeof(netif));
	memset(arp_table, 0, sizeof(arp_table));
	memset(arp_waiting, 0, sizeof(arp_waiting));
	backlog_count = backlog_first = 0;
	incoming_count = sent_count = 0;
	tcp_segments = udp_datagrams = refusals = 0;
	memset(reassemblies, 0, sizeof(reassemblies));
	device_full = false;
	options = (struct options){ 0 };
	netif_init();
}

TestSuite(netif, .init = reset);

static void arrive(const uint8_t *frame, long length)
{
	memcpy(incoming[incoming_count], frame, (size_t)length);
	incoming_length[incoming_count++] = length;
	netif_poll();
}

static size_t arp_frame(uint8_t *frame, uint16_t operation,
			const uint8_t sender_mac[6], uint32_t sender,
			uint32_t target)
{
	memcpy(frame, operation == ARP_REQUEST ? broadcast_mac : our_mac, 6);
	memcpy(frame + 6, sender_mac, 6);
	store_be16(frame + 12, ETHERTYPE_ARP);
	uint8_t *arp = frame + 14;

	store_be16(arp, 1);
	store_be16(arp + 2, ETHERTYPE_IPV4);
	arp[4] = 6;
	arp[5] = 4;
	store_be16(arp + 6, operation);
	memcpy(arp + 8, sender_mac, 6);
	memcpy(arp + 14, &sender, 4);
	memset(arp + 18, 0, 6);
	memcpy(arp + 24, &target, 4);
	return 14 + ARP_LENGTH;
}

/* An IPv4 packet from the gateway to us, of `protocol`. */
static size_t ip_frame(uint8_t *frame, uint8_t protocol, const void *payload,
		       size_t length, uint16_t fragment)
{
	memcpy(frame, our_mac, 6);
	memcpy(frame + 6, gateway_mac, 6);
	store_be16(frame + 12, ETHERTYPE_IPV4);
	uint8_t *ip = frame + 14;
	uint32_t source = FAR_IP, destination = OUR_IP;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	store_be16(ip + 2, (uint16_t)(20 + length));
	store_be16(ip + 6, fragment);
	ip[8] = 64;
	ip[9] = protocol;
	memcpy(ip + 12, &source, 4);
	memcpy(ip + 16, &destination, 4);
	store_be16(ip + 10, ip_checksum_finish(ip_checksum_add(0, ip, 20)));
	memcpy(ip + 20, payload, length);
	return 14 + 20 + length;
}

Test(netif, the_defaults_are_qemus_user_network)
{
	cr_assert(netif.up);
	cr_assert_eq(netif.address, OUR_IP);
	cr_assert_eq(netif.gateway, GATEWAY);
	cr_assert_eq(netif.netmask, 0x00ffffff);
	cr_assert_eq(memcmp(netif.mac, our_mac, 6), 0);
}

Test(netif, the_options_set_the_address_and_bad_ones_leave_eth0_down)
{
	options.ip = "192.168.7.9/20";
	options.gateway = "192.168.0.1";
	netif_init();
	cr_assert(netif.up);
	cr_assert_eq(netif.address, 0x0907a8c0);
	cr_assert_eq(netif.netmask, 0x00f0ffff);
	cr_assert_eq(netif.gateway, 0x0100a8c0);
	cr_assert_eq(netif.dns, 0);
	const char *bad[] = { "1.2.3", "1.2.3.4/33", "256.1.1.1", "1.2.3.4x",
			      "1.2.3.4/", "1.2.3.4/2x", "1.2.3.4/024", "" };

	memset(&netif, 0, sizeof(netif));
	options.ip = "10.1.2.3"; /* no prefix: a /32 */
	netif_init();
	cr_assert(netif.up);
	cr_assert_eq(netif.netmask, 0xffffffff);
	memset(&netif, 0, sizeof(netif));
	options.ip = "dhcp";
	netif_init();
	cr_assert(!netif.up, "up without an answer from DHCP");
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		memset(&netif, 0, sizeof(netif));
		options.ip = bad[i];
		netif_init();
		cr_assert(!netif.up, "%s was taken", bad[i]);
	}
}

Test(netif, an_arp_request_for_us_is_answered)
{
	uint8_t frame[64];

	arrive(frame, (long)arp_frame(frame, ARP_REQUEST, gateway_mac, GATEWAY,
				      OUR_IP));
	cr_assert_eq(sent_count, 1);
	const uint8_t *reply = sent[0] + 14;

	cr_assert_eq(memcmp(sent[0], gateway_mac, 6), 0);
	cr_assert_eq(load_be16(reply + 6), ARP_REPLY);
	cr_assert_eq(memcmp(reply + 8, our_mac, 6), 0);
	cr_assert_eq(memcmp(reply + 18, gateway_mac, 6), 0);
	/* Not for us: no answer. */
	arrive(frame, (long)arp_frame(frame, ARP_REQUEST, gateway_mac, GATEWAY,
				      FAR_IP));
	cr_assert_eq(sent_count, 1);
}

Test(netif, a_packet_off_the_subnet_waits_for_the_gateways_mac)
{
	uint8_t frame[64];

	ip_send(OUR_IP, FAR_IP, 17, "x", 1, 64, 0);
	cr_assert_eq(sent_count, 1, "no ARP request");
	cr_assert_eq(load_be16(sent[0] + 12), ETHERTYPE_ARP);
	uint32_t asked;

	memcpy(&asked, sent[0] + 14 + 24, 4);
	cr_assert_eq(asked, GATEWAY);
	arrive(frame, (long)arp_frame(frame, ARP_REPLY, gateway_mac, GATEWAY,
				      OUR_IP));
	cr_assert_eq(sent_count, 2, "the packet did not follow the answer");
	cr_assert_eq(memcmp(sent[1], gateway_mac, 6), 0);
	uint32_t destination;

	memcpy(&destination, sent[1] + 14 + 16, 4);
	cr_assert_eq(destination, FAR_IP);
	/* Known now: the next goes at once. */
	ip_send(OUR_IP, FAR_IP, 17, "y", 1, 64, 0);
	cr_assert_eq(sent_count, 3);
}

Test(netif, unanswered_arp_is_asked_three_times_then_what_waited_is_lost)
{
	ip_send(OUR_IP, GATEWAY, 17, "x", 1, 64, 0);
	cr_assert(netif_draining());
	for (int i = 0; i < 3; i++)
		netif_timer(rdtsc() + (UINT64_C(10) << 30));
	cr_assert_eq(sent_count, 3, "%u requests", sent_count);
	cr_assert(!netif_draining(), "the packet still waits");
}

Test(netif, a_full_device_keeps_frames_until_it_has_room)
{
	uint8_t frame[64];

	arp_frame(frame, ARP_REPLY, gateway_mac, GATEWAY, OUR_IP);
	arrive(frame, 42);
	device_full = true;
	ip_send(OUR_IP, GATEWAY, 17, "x", 1, 64, 0);
	cr_assert_eq(sent_count, 0);
	cr_assert(netif_draining());
	device_full = false;
	netif_poll();
	cr_assert_eq(sent_count, 1);
	cr_assert(!netif_draining());
}

Test(netif, an_echo_request_is_answered_and_udp_and_tcp_reach_their_code)
{
	uint8_t frame[2048], echo[64] = { ICMP_ECHO_REQUEST, 0, 0, 0, 1, 2, 3, 4,
					  'p', 'i', 'n', 'g' };
	uint8_t known[64];

	arrive(known, (long)arp_frame(known, ARP_REPLY, gateway_mac, GATEWAY,
				      OUR_IP));
	store_be16(echo + 2, ip_checksum_finish(ip_checksum_add(0, echo, 12)));
	arrive(frame, (long)ip_frame(frame, IPPROTO_ICMP, echo, 12, 0));
	cr_assert_eq(sent_count, 1);
	const uint8_t *reply = sent[0] + 14 + 20;

	cr_assert_eq(reply[0], ICMP_ECHO_REPLY);
	cr_assert_eq(memcmp(reply + 4, echo + 4, 8), 0);
	cr_assert_eq(ip_checksum_finish(ip_checksum_add(0, reply, 12)), 0);
	arrive(frame, (long)ip_frame(frame, 17, "12345678", 8, 0));
	arrive(frame, (long)ip_frame(frame, 6, "12345678901234567890", 20, 0));
	cr_assert_eq(udp_datagrams, 1);
	cr_assert_eq(tcp_segments, 1);
	/* A fragment, and a total length past the frame: lost. */
	arrive(frame, (long)ip_frame(frame, 17, "12345678", 8, 0x2000));
	size_t length = ip_frame(frame, 17, "12345678", 8, 0);

	store_be16(frame + 14 + 2, 200);
	arrive(frame, (long)length);
	cr_assert_eq(udp_datagrams, 1);
}

Test(netif, a_port_unreachable_reaches_udp)
{
	uint8_t frame[2048], icmp[8 + 20 + 8] = { ICMP_UNREACHABLE,
						  ICMP_PORT_UNREACHABLE };
	uint8_t *inner = icmp + 8;
	uint32_t from = OUR_IP, to = FAR_IP;

	inner[0] = 0x45;
	inner[9] = NET_IPPROTO_UDP;
	memcpy(inner + 12, &from, 4);
	memcpy(inner + 16, &to, 4);
	store_be16(inner + 20, 12345);
	store_be16(inner + 22, 53);
	store_be16(icmp + 2, ip_checksum_finish(ip_checksum_add(0, icmp,
								sizeof(icmp))));
	arrive(frame, (long)ip_frame(frame, IPPROTO_ICMP, icmp, sizeof(icmp), 0));
	cr_assert_eq(refusals, 1);
	cr_assert_eq(refused_port, 0x3500);
	/* Cut short, or about another protocol: nothing. */
	arrive(frame, (long)ip_frame(frame, IPPROTO_ICMP, icmp, 20, 0));
	inner[9] = NET_IPPROTO_TCP;
	store_be16(icmp + 2, 0);
	store_be16(icmp + 2, ip_checksum_finish(ip_checksum_add(0, icmp,
								sizeof(icmp))));
	arrive(frame, (long)ip_frame(frame, IPPROTO_ICMP, icmp, sizeof(icmp), 0));
	cr_assert_eq(refusals, 1);
}

/* The packet's payload as fragments: `at` its first byte, `part` its
 * length, `more` the MF flag. */
static void fragment(const uint8_t *payload, size_t at, size_t part, bool more)
{
	uint8_t frame[2048];

	arrive(frame, (long)ip_frame(frame, 17, payload + at, part,
				     (uint16_t)((more ? 0x2000 : 0) | at / 8)));
}

Test(netif, fragments_are_put_back_together_in_any_order)
{
	static uint8_t payload[4000];
	uint64_t sum = 0;

	for (size_t i = 0; i < sizeof(payload); i++) {
		payload[i] = (uint8_t)(i * 13 + 5);
		sum = sum * 31 + payload[i];
	}
	fragment(payload, 2960, 1040, false);
	fragment(payload, 0, 1480, true);
	fragment(payload, 0, 1480, true); /* again */
	cr_assert_eq(udp_datagrams, 0, "taken before it was whole");
	fragment(payload, 1480, 1480, true);
	cr_assert_eq(udp_datagrams, 1);
	cr_assert_eq(udp_length, sizeof(payload));
	cr_assert_eq(udp_sum, sum);
	/* Not in whole blocks, or past the largest packet: lost. */
	fragment(payload, 0, 100, true);
	fragment(payload, 1480, 1480, true);
	fragment(payload, 2960, 1040, false);
	cr_assert_eq(udp_datagrams, 1, "a fragment of 100 bytes was taken");
	uint8_t frame[2048];

	arrive(frame, (long)ip_frame(frame, 17, payload, 1000, 0x1fff));
	cr_assert_eq(udp_datagrams, 1);
}

Test(netif, a_packet_too_large_for_a_frame_goes_in_fragments)
{
	static uint8_t payload[4000];
	uint8_t frame[64];

	arrive(frame, (long)arp_frame(frame, ARP_REPLY, gateway_mac, GATEWAY,
				      OUR_IP));
	sent_count = 0;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	ip_send(OUR_IP, FAR_IP, 17, payload, sizeof(payload), 64, 0);
	cr_assert_eq(sent_count, 3);
	size_t at = 0;

	for (unsigned i = 0; i < 3; i++) {
		const uint8_t *ip = sent[i] + 14;
		uint16_t field = load_be16(ip + 6);
		size_t part = load_be16(ip + 2) - 20u;

		cr_assert_eq((size_t)(field & 0x1fff) * 8, at);
		cr_assert_eq((field & 0x2000) != 0, i < 2);
		cr_assert_eq(load_be16(ip + 4), load_be16(sent[0] + 14 + 4));
		cr_assert_eq(memcmp(ip + 20, payload + at, part), 0);
		cr_assert_eq(ip_checksum_finish(ip_checksum_add(0, ip, 20)), 0);
		at += part;
	}
	cr_assert_eq(at, sizeof(payload));
}

Test(netif, random_frames_are_survived)
{
	uint8_t frame[2048];

	srand(7);
	for (int round = 0; round < 200000; round++) {
		long length = rand() % 1515;

		for (long i = 0; i < length; i++)
			frame[i] = (uint8_t)rand();
		if (length >= 14 && rand() % 2) {
			memcpy(frame, our_mac, 6);
			store_be16(frame + 12, rand() % 2 ? ETHERTYPE_IPV4
							  : ETHERTYPE_ARP);
			if (length >= 34 && rand() % 2) {
				frame[14] = 0x45;
				memcpy(frame + 30, &(uint32_t){ OUR_IP }, 4);
				store_be16(frame + 14 + 10, 0);
				store_be16(frame + 14 + 10,
					   ip_checksum_finish(ip_checksum_add(
						   0, frame + 14, 20)));
			}
		}
		sent_count = 0;
		arrive(frame, length);
	}
}
