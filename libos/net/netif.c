/*
 * eth0 (net/netif.h). Layouts: Ethernet II's header is the destination
 * MAC, the source MAC and the EtherType (0x0800 IPv4, 0x0806 ARP), 14
 * bytes. An ARP packet for IPv4 over Ethernet (RFC 826) is 28 bytes:
 * hardware type 1, protocol 0x0800, lengths 6 and 4, the operation (1
 * request, 2 reply) at 6, then the sender's MAC and IPv4 address at 8
 * and 14, the target's at 18 and 24. An IPv4 header (RFC 791) without
 * options is 20 bytes: version 4 and header length 5 (in words) in byte
 * 0, TOS at 1, the total length at 2, the id at 4, flags and the fragment
 * offset at 6 (MF 0x2000, DF 0x4000, the offset in 8-byte units), TTL at 8, the protocol at 9, the
 * header checksum at 10, source and destination at 12 and 16. ICMP's
 * echo (RFC 792): type 8 request, 0 reply, code 0, a checksum over the
 * whole message at 2, then an identifier and sequence number the reply
 * keeps, with the data; type 3, destination unreachable, code 3 for a
 * port.
 */
#include "net/netif.h"

#include "errno.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/clock.h"
#include "linux/socket.h"
#include "net/dhcp.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "options.h"
#include "sched/sched.h"
#include "wicket/native.h"

#define ETHERNET_HEADER 14
#define ETHERTYPE_IPV4  0x0800
#define ETHERTYPE_ARP   0x0806
#define ARP_LENGTH      28
#define ARP_REQUEST     1
#define ARP_REPLY       2
#define IP_MORE_FRAGMENTS 0x2000
#define IP_OFFSET_MASK  0x1fff
#define IP_DONT_FRAGMENT 0x4000
/* The largest IPv4 packet's payload, and each fragment's but the last
 * (a multiple of 8, RFC 791's unit of offsets). */
#define IP_PAYLOAD_MAX (65535 - NET_IP_HEADER)
#define FRAGMENT_BYTES ((NET_MTU - NET_IP_HEADER) & ~7)
#define ICMP_ECHO_REPLY   0
#define ICMP_ECHO_REQUEST 8
#define ICMP_UNREACHABLE  3
#define ICMP_PORT_UNREACHABLE 3 /* its code */

#define ARP_ENTRIES     16
#define ARP_WAITING_MAX 8    /* packets that wait for an answer to ARP */
#define ARP_TRIES       3
#define ARP_RETRY_MS    1000
#define ARP_LIFETIME_S  600
#define BACKLOG_MAX     32   /* frames that wait for room in the device */
#define BACKLOG_SPARE   8    /* kept for what is not TCP's data */

struct netif netif;

struct arp_entry {
	uint32_t address;   /* 0: a free entry */
	uint8_t mac[6];
	bool resolved;
	uint8_t tries;      /* requests sent, while unresolved */
	uint64_t deadline;  /* the next request's time, or the end of an
			       answer's life */
};

/* A packet to a next hop ARP has not answered for yet: a whole frame,
 * its destination MAC to fill in. */
struct waiting_frame {
	uint32_t next_hop;  /* 0: a free slot */
	uint16_t length;
	uint8_t frame[WK_NET_FRAME_MAX];
};

static struct arp_entry arp_table[ARP_ENTRIES];
static struct waiting_frame arp_waiting[ARP_WAITING_MAX];
static uint8_t backlog[BACKLOG_MAX][WK_NET_FRAME_MAX];
static uint16_t backlog_lengths[BACKLOG_MAX];
static unsigned backlog_first, backlog_count;
static uint16_t ip_id;

static const uint8_t broadcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff,
					  0xff };

/* "a.b.c.d" into *address (network order), the rest after it in *end. */
static bool parse_address(const char *text, uint32_t *address,
			  const char **end)
{
	uint8_t bytes[4];

	for (int i = 0; i < 4; i++) {
		unsigned value = 0, digits = 0;

		while (*text >= '0' && *text <= '9' && digits < 4) {
			value = value * 10 + (unsigned)(*text++ - '0');
			digits++;
		}
		if (digits == 0 || value > 255 || (i < 3 && *text++ != '.'))
			return false;
		bytes[i] = (uint8_t)value;
	}
	memcpy(address, bytes, 4);
	*end = text;
	return true;
}

/* What follows an address in wicket.ip: nothing (a /32), or "/" and a
 * prefix length of one or two digits, at most 32. */
static bool parse_prefix(const char *text, unsigned *prefix)
{
	unsigned value = 0, digits = 0;

	if (*text == '\0') {
		*prefix = 32;
		return true;
	}
	if (*text++ != '/')
		return false;
	for (; *text >= '0' && *text <= '9' && digits < 3; text++, digits++)
		value = value * 10 + (unsigned)(*text - '0');
	if (digits == 0 || digits > 2 || *text || value > 32)
		return false;
	*prefix = value;
	return true;
}

static uint32_t prefix_mask(unsigned prefix)
{
	return prefix ? __builtin_bswap32(~UINT32_C(0) << (32 - prefix)) : 0;
}

void netif_init(void)
{
	const char *end;
	uint32_t address = __builtin_bswap32(UINT32_C(0x0a00020f)); /* .15 */
	uint32_t gateway = __builtin_bswap32(UINT32_C(0x0a000202)); /* .2 */
	uint32_t dns = __builtin_bswap32(UINT32_C(0x0a000203));     /* .3 */
	unsigned prefix = 24;

	if (!libos_has_device(WK_DEVICE_NET))
		return;
	if (options.ip && string_equals_word("dhcp", 4, options.ip)) {
		memcpy(netif.mac, libos_info->net_mac, 6);
		netif.up = true;
		if (!dhcp_configure()) {
			libos_report("wicket.ip=dhcp: no answer from a DHCP "
				     "server; eth0 stays down");
			netif = (struct netif){ 0 };
		}
		return;
	}
	if (options.ip) {
		if (!parse_address(options.ip, &address, &end) ||
		    !parse_prefix(end, &prefix)) {
			libos_report("wicket.ip=%s: not ADDRESS/PREFIX; eth0 "
				     "stays down", options.ip);
			return;
		}
		gateway = dns = 0;
	}
	if (options.gateway &&
	    (!parse_address(options.gateway, &gateway, &end) || *end)) {
		libos_report("wicket.gateway=%s: not an IPv4 address; eth0 "
			     "has no gateway", options.gateway);
		gateway = 0;
	}
	if (options.dns && (!parse_address(options.dns, &dns, &end) || *end)) {
		libos_report("wicket.dns=%s: not an IPv4 address; no name "
			     "server", options.dns);
		dns = 0;
	}
	memcpy(netif.mac, libos_info->net_mac, 6);
	netif.dns = dns;
	netif.address = address;
	netif.netmask = prefix_mask(prefix);
	netif.gateway = gateway;
	netif.up = true;
}

/* A frame to the device, or to the backlog while it has no room (lost
 * when that is full too, as a wire's would be). */
static void transmit(const uint8_t *frame, size_t length)
{
	if (backlog_count == 0) {
		long sent = wk_net_send((long)frame, (long)length);

		if (sent != -EAGAIN) {
			if (sent < 0) {
				netif.dropped++;
			} else {
				netif.sent[0]++;
				netif.sent[1] += length;
			}
			return;
		}
	}
	if (backlog_count == BACKLOG_MAX) {
		netif.dropped++;
		return;
	}
	unsigned slot = (backlog_first + backlog_count++) % BACKLOG_MAX;

	memcpy(backlog[slot], frame, length);
	backlog_lengths[slot] = (uint16_t)length;
}

static void flush_backlog(void)
{
	while (backlog_count) {
		long sent = wk_net_send((long)backlog[backlog_first],
					backlog_lengths[backlog_first]);

		if (sent == -EAGAIN)
			return;
		if (sent > 0) {
			netif.sent[0]++;
			netif.sent[1] += (uint64_t)sent;
		}
		backlog_first = (backlog_first + 1) % BACKLOG_MAX;
		backlog_count--;
	}
}

static void ethernet_header(uint8_t *frame, const uint8_t destination[6],
			    uint16_t type)
{
	memcpy(frame, destination, 6);
	memcpy(frame + 6, netif.mac, 6);
	store_be16(frame + 12, type);
}

static void arp_send(uint16_t operation, const uint8_t target_mac[6],
		     uint32_t target)
{
	uint8_t frame[ETHERNET_HEADER + ARP_LENGTH];
	uint8_t *arp = frame + ETHERNET_HEADER;
	static const uint8_t unknown[6];

	ethernet_header(frame, operation == ARP_REQUEST ? broadcast_mac
							: target_mac,
			ETHERTYPE_ARP);
	store_be16(arp, 1);
	store_be16(arp + 2, ETHERTYPE_IPV4);
	arp[4] = 6;
	arp[5] = 4;
	store_be16(arp + 6, operation);
	memcpy(arp + 8, netif.mac, 6);
	memcpy(arp + 14, &netif.address, 4);
	memcpy(arp + 18, operation == ARP_REQUEST ? unknown : target_mac, 6);
	memcpy(arp + 24, &target, 4);
	transmit(frame, sizeof(frame));
}

static struct arp_entry *arp_lookup(uint32_t address)
{
	for (unsigned i = 0; i < ARP_ENTRIES; i++)
		if (arp_table[i].address == address)
			return &arp_table[i];
	return NULL;
}

/* An entry for address: its own, else a free one, else the oldest
 * answer's. */
static struct arp_entry *arp_entry_for(uint32_t address)
{
	struct arp_entry *entry = arp_lookup(address), *victim = NULL;

	if (entry)
		return entry;
	for (unsigned i = 0; i < ARP_ENTRIES; i++) {
		struct arp_entry *e = &arp_table[i];

		if (e->address == 0)
			return e;
		if (e->resolved &&
		    (victim == NULL || e->deadline < victim->deadline))
			victim = e;
	}
	return victim;
}

/* What waited for address's MAC goes now. */
static void arp_resolved(uint32_t address, const uint8_t mac[6])
{
	struct arp_entry *entry = arp_entry_for(address);

	if (entry == NULL)
		return;
	*entry = (struct arp_entry){
		.address = address, .resolved = true,
		.deadline = rdtsc() + clock_ns_to_ticks(ARP_LIFETIME_S *
							UINT64_C(1000000000))
	};
	memcpy(entry->mac, mac, 6);
	for (unsigned i = 0; i < ARP_WAITING_MAX; i++) {
		struct waiting_frame *w = &arp_waiting[i];

		if (w->next_hop != address)
			continue;
		memcpy(w->frame, mac, 6);
		transmit(w->frame, w->length);
		w->next_hop = 0;
	}
}

static void arp_input(const uint8_t *arp, size_t length)
{
	uint32_t sender, target;

	if (length < ARP_LENGTH || load_be16(arp) != 1 ||
	    load_be16(arp + 2) != ETHERTYPE_IPV4 || arp[4] != 6 || arp[5] != 4)
		return;
	memcpy(&sender, arp + 14, 4);
	memcpy(&target, arp + 24, 4);
	/* RFC 826's merge: an entry we have is brought up to date; one
	 * for us is made. */
	if (sender && (arp_lookup(sender) || target == netif.address))
		arp_resolved(sender, arp + 8);
	if (load_be16(arp + 6) == ARP_REQUEST && target == netif.address)
		arp_send(ARP_REPLY, arp + 8, sender);
}

/* The next request's time; the scheduler's timer takes it into account
 * (sched_deadlines_changed). */
static uint64_t arp_retry_deadline(void)
{
	sched_deadlines_changed();
	return rdtsc() + clock_ns_to_ticks(ARP_RETRY_MS * UINT64_C(1000000));
}

/* An IPv4 frame (its destination MAC still to fill in) to next_hop. */
static void send_to_hop(uint8_t *frame, size_t length, uint32_t next_hop)
{
	struct arp_entry *entry = arp_lookup(next_hop);

	if (next_hop == 0xffffffff) {
		memcpy(frame, broadcast_mac, 6);
		transmit(frame, length);
		return;
	}
	if (entry && entry->resolved) {
		memcpy(frame, entry->mac, 6);
		transmit(frame, length);
		return;
	}
	for (unsigned i = 0; i < ARP_WAITING_MAX; i++) {
		struct waiting_frame *w = &arp_waiting[i];

		if (w->next_hop)
			continue;
		w->next_hop = next_hop;
		w->length = (uint16_t)length;
		memcpy(w->frame, frame, length);
		break;
	} /* none free: lost, as on a wire */
	if (entry == NULL) {
		entry = arp_entry_for(next_hop);
		if (entry == NULL) {
			netif.dropped++;
			return;
		}
		*entry = (struct arp_entry){ .address = next_hop, .tries = 1,
					     .deadline = arp_retry_deadline() };
		arp_send(ARP_REQUEST, NULL, next_hop);
	}
}


void ip_send(uint32_t source, uint32_t destination, uint8_t protocol,
	     const void *payload, size_t length, uint8_t ttl, uint8_t tos)
{
	uint8_t frame[WK_NET_FRAME_MAX];
	uint8_t *ip = frame + ETHERNET_HEADER;
	uint32_t next_hop = destination;
	bool whole = length <= NET_MTU - NET_IP_HEADER;
	uint16_t id = ip_id++;

	if (!netif.up || length > IP_PAYLOAD_MAX)
		return;
	if ((destination & netif.netmask) != (netif.address & netif.netmask) &&
	    destination != 0xffffffff) {
		if (netif.gateway == 0)
			return; /* no route: the callers checked */
		next_hop = netif.gateway;
	}
	/* One packet with DF (TCP's segments fit; Linux's UDP too, when it
	 * fits), or fragments, as Linux's UDP sends what does not fit. */
	for (size_t at = 0; at < length || (at == 0 && length == 0);) {
		size_t part = whole ? length
			      : length - at < FRAGMENT_BYTES ? length - at
							     : FRAGMENT_BYTES;
		uint16_t flags = whole ? IP_DONT_FRAGMENT
				 : (uint16_t)((at + part < length
						       ? IP_MORE_FRAGMENTS
						       : 0) |
					      at / 8);

		ethernet_header(frame, broadcast_mac, ETHERTYPE_IPV4);
		ip[0] = 0x45;
		ip[1] = tos;
		store_be16(ip + 2, (uint16_t)(NET_IP_HEADER + part));
		store_be16(ip + 4, id);
		store_be16(ip + 6, flags);
		ip[8] = ttl;
		ip[9] = protocol;
		store_be16(ip + 10, 0);
		memcpy(ip + 12, &source, 4);
		memcpy(ip + 16, &destination, 4);
		store_be16(ip + 10, ip_checksum_finish(ip_checksum_add(
					    0, ip, NET_IP_HEADER)));
		memcpy(ip + NET_IP_HEADER, (const uint8_t *)payload + at, part);
		send_to_hop(frame, ETHERNET_HEADER + NET_IP_HEADER + part,
			    next_hop);
		if (whole)
			break;
		at += part;
	}
}

/* ICMP's "destination unreachable" about a datagram we sent: its IPv4
 * header (without options, from us) and its first 8 bytes follow the
 * message's own 8. A port's is the refusal a connected UDP end hears. */
static void unreachable(const uint8_t *icmp, size_t length)
{
	const uint8_t *ip = icmp + 8, *udp = ip + NET_IP_HEADER;
	uint32_t source, destination;

	if (length < 8 + NET_IP_HEADER + 8 || icmp[1] != ICMP_PORT_UNREACHABLE ||
	    ip[0] != 0x45 || ip[9] != NET_IPPROTO_UDP)
		return;
	uint16_t source_port, destination_port;

	memcpy(&source, ip + 12, 4);
	memcpy(&destination, ip + 16, 4);
	memcpy(&source_port, udp, 2);
	memcpy(&destination_port, udp + 2, 2);
	if (source == netif.address)
		udp_refused(source, source_port, destination,
			    destination_port);
}

static void icmp_input(uint32_t source, const uint8_t *icmp, size_t length)
{
	uint8_t reply[NET_MTU - NET_IP_HEADER];

	if (length < 8 || length > sizeof(reply) ||
	    ip_checksum_finish(ip_checksum_add(0, icmp, length)) != 0)
		return;
	if (icmp[0] == ICMP_UNREACHABLE) {
		unreachable(icmp, length);
		return;
	}
	if (icmp[0] != ICMP_ECHO_REQUEST)
		return;
	memcpy(reply, icmp, length);
	reply[0] = ICMP_ECHO_REPLY;
	store_be16(reply + 2, 0);
	store_be16(reply + 2,
		   ip_checksum_finish(ip_checksum_add(0, reply, length)));
	ip_send(netif.address, source, IPPROTO_ICMP, reply, length, 64, 0);
}

/* A packet in fragments, put back together (RFC 815's idea): its
 * payload, and a bit per 8-byte block that came. A few at a time; one
 * not whole REASSEMBLY_SECONDS after its first fragment came gives its
 * place to the next. */
#define REASSEMBLIES       2
#define REASSEMBLY_SECONDS 30
#define BLOCKS             ((IP_PAYLOAD_MAX + 7) / 8)

struct reassembly {
	uint32_t source, destination;
	uint16_t id;
	uint8_t protocol;
	bool used;
	uint32_t total;     /* the payload's length, once its end came */
	uint64_t deadline;
	uint64_t blocks[(BLOCKS + 63) / 64];
	uint8_t payload[BLOCKS * 8];
};

static struct reassembly reassemblies[REASSEMBLIES];

static bool whole(const struct reassembly *r)
{
	for (uint32_t block = 0; block < (r->total + 7) / 8; block++)
		if (!(r->blocks[block / 64] & UINT64_C(1) << (block % 64)))
			return false;
	return true;
}

/* A fragment (its IPv4 header `header` bytes, `total` with its part):
 * the packet's payload when it makes it whole (*length its length),
 * else NULL. Fragments out of bounds or not in whole blocks are lost. */
static const uint8_t *reassemble(const uint8_t *ip, size_t header,
				 size_t total, size_t *length)
{
	uint16_t field = load_be16(ip + 6), id = load_be16(ip + 4);
	size_t offset = (size_t)(field & IP_OFFSET_MASK) * 8;
	size_t part = total - header;
	bool last = !(field & IP_MORE_FRAGMENTS);
	uint32_t source, destination;
	uint64_t now = rdtsc();
	struct reassembly *r = NULL;

	if ((!last && (part == 0 || part % 8)) || offset + part > BLOCKS * 8)
		return NULL;
	memcpy(&source, ip + 12, 4);
	memcpy(&destination, ip + 16, 4);
	for (unsigned i = 0; i < REASSEMBLIES; i++) {
		struct reassembly *c = &reassemblies[i];

		if (c->used && c->deadline > now && c->id == id &&
		    c->source == source && c->destination == destination &&
		    c->protocol == ip[9])
			r = c;
	}
	for (unsigned i = 0; r == NULL && i < REASSEMBLIES; i++)
		if (!reassemblies[i].used || reassemblies[i].deadline <= now)
			r = &reassemblies[i];
	if (r == NULL) /* all busy: the oldest gives way */
		r = reassemblies[0].deadline < reassemblies[1].deadline
			    ? &reassemblies[0]
			    : &reassemblies[1];
	if (!r->used || r->id != id || r->source != source ||
	    r->destination != destination || r->protocol != ip[9] ||
	    r->deadline <= now) {
		*r = (struct reassembly){
			.source = source, .destination = destination,
			.id = id, .protocol = ip[9], .used = true,
			.deadline = now + clock_ns_to_ticks(
					   REASSEMBLY_SECONDS *
					   UINT64_C(1000000000)) };
		memset(r->blocks, 0, sizeof(r->blocks));
	}
	memcpy(r->payload + offset, ip + header, part);
	for (size_t block = offset / 8; block < (offset + part + 7) / 8;
	     block++)
		r->blocks[block / 64] |= UINT64_C(1) << (block % 64);
	if (last)
		r->total = (uint32_t)(offset + part);
	if (r->total == 0 || !whole(r))
		return NULL;
	r->used = false;
	*length = r->total;
	return r->payload;
}

static void ip_input(const uint8_t *ip, size_t length)
{
	uint32_t source, destination;

	if (length < NET_IP_HEADER || ip[0] >> 4 != 4)
		return;
	size_t header = (size_t)(ip[0] & 0xf) * 4, total = load_be16(ip + 2);

	if (header < NET_IP_HEADER || total < header || total > length ||
	    ip_checksum_finish(ip_checksum_add(0, ip, header)) != 0)
		return;
	memcpy(&source, ip + 12, 4);
	memcpy(&destination, ip + 16, 4);
	/* Ours, or a broadcast (UDP's alone take it: DHCP's answers). */
	if (destination != netif.address &&
	    !(ip[9] == NET_IPPROTO_UDP && netif_is_broadcast(destination)))
		return;
	netif.received[0]++;
	netif.received[1] += total;
	const uint8_t *payload = ip + header;
	size_t bytes = total - header;

	if (load_be16(ip + 6) & (IP_MORE_FRAGMENTS | IP_OFFSET_MASK))
		payload = reassemble(ip, header, total, &bytes);
	if (payload == NULL)
		return;
	switch (ip[9]) {
	case IPPROTO_ICMP:
		icmp_input(source, payload, bytes);
		break;
	case NET_IPPROTO_TCP:
		tcp_input(source, destination, payload, bytes);
		break;
	case NET_IPPROTO_UDP:
		udp_input(source, destination, payload, bytes, ip[8], ip[1]);
		break;
	default:
		break;
	}
}

void netif_poll(void)
{
	static uint8_t frame[WK_NET_FRAME_MAX];
	long length;

	if (!libos_has_device(WK_DEVICE_NET))
		return;
	while ((length = wk_net_receive((long)frame, sizeof(frame))) > 0) {
		if (!netif.up || length < ETHERNET_HEADER)
			continue;
		const uint8_t *payload = frame + ETHERNET_HEADER;
		size_t rest = (size_t)length - ETHERNET_HEADER;

		if (memcmp(frame, netif.mac, 6) != 0 &&
		    memcmp(frame, broadcast_mac, 6) != 0)
			continue;
		switch (load_be16(frame + 12)) {
		case ETHERTYPE_ARP:
			arp_input(payload, rest);
			break;
		case ETHERTYPE_IPV4:
			ip_input(payload, rest);
			break;
		default:
			break;
		}
	}
	flush_backlog();
	tcp_kick_pending();
}

uint64_t netif_deadline(void)
{
	if (!netif.up) /* the scheduler asks at every arming of its timer */
		return 0;
	uint64_t deadline = tcp_deadline();

	for (unsigned i = 0; i < ARP_ENTRIES; i++) {
		const struct arp_entry *e = &arp_table[i];

		if (e->address && !e->resolved &&
		    (deadline == 0 || e->deadline < deadline))
			deadline = e->deadline;
	}
	return deadline;
}

void netif_timer(uint64_t now)
{
	if (!netif.up)
		return;
	for (unsigned i = 0; i < ARP_ENTRIES; i++) {
		struct arp_entry *e = &arp_table[i];

		if (e->address == 0 || e->deadline > now)
			continue;
		if (e->resolved) {
			e->address = 0; /* an answer too old */
			continue;
		}
		if (e->tries == ARP_TRIES) {
			/* No answer: what waited for it is lost. */
			for (unsigned w = 0; w < ARP_WAITING_MAX; w++)
				if (arp_waiting[w].next_hop == e->address)
					arp_waiting[w].next_hop = 0;
			e->address = 0;
			continue;
		}
		e->tries++;
		e->deadline = arp_retry_deadline();
		arp_send(ARP_REQUEST, NULL, e->address);
	}
	tcp_timer(now);
}

bool netif_has_room(void)
{
	return backlog_count + BACKLOG_SPARE < BACKLOG_MAX;
}

bool netif_draining(void)
{
	if (!netif.up)
		return false;
	for (unsigned i = 0; i < ARP_WAITING_MAX; i++)
		if (arp_waiting[i].next_hop)
			return true;
	return backlog_count || tcp_sending();
}

bool netif_exit(void)
{
	if (!netif.up)
		return false;
	socket_remote_exit();
	return netif_draining();
}
