/*
 * eth0's address from DHCP (net/netif.h, wicket.ip=dhcp; RFC 2131 and
 * RFC 2132), before the app starts: DISCOVER, OFFER, REQUEST, ACK.
 * Layout: a BOOTP message (op at 0: 1 request, 2 reply; htype 1 and
 * hlen 6 at 1 and 2; the transaction id at 4; flags at 10, 0x8000 asking
 * for broadcast replies, since eth0 has no address to take a unicast one
 * yet; yiaddr, the address offered, at 16; the client's MAC at 28; the
 * magic cookie 99.130.83.99 at 236), then options, each a code, a length
 * and its bytes (0 pads, 255 ends): 53 the message type (1 DISCOVER, 2
 * OFFER, 3 REQUEST, 5 ACK, 6 NAK), 54 the server's id, 50 the address
 * requested, 55 the parameters asked for, 1 the subnet mask, 3 the
 * routers, 6 the name servers, 51 the lease's seconds. From port 68 to
 * port 67, broadcast (0.0.0.0 to 255.255.255.255).
 *
 * The lease is taken as given and never renewed: an appliance's run is
 * expected to be shorter than its lease.
 */
#include "net/dhcp.h"

#include "errno.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/clock.h"
#include "net/netif.h"
#include "net/udp.h"
#include "wicket/native.h"

#define BOOTP_LENGTH   236
#define COOKIE         0x63825363
#define MESSAGE_MAX    (BOOTP_LENGTH + 4 + 64)
#define CLIENT_PORT    68
#define SERVER_PORT    67
#define FLAG_BROADCAST 0x8000
#define OPTION_PAD     0
#define OPTION_MASK    1
#define OPTION_ROUTER  3
#define OPTION_DNS     6
#define OPTION_REQUESTED 50
#define OPTION_LEASE   51
#define OPTION_TYPE    53
#define OPTION_SERVER  54
#define OPTION_ASKED   55
#define OPTION_END     255
#define DISCOVER 1
#define OFFER    2
#define REQUEST  3
#define ACK      5
#define NAK      6
#define TRIES         4
#define RETRY_SECONDS 2

/* What a reply said. */
struct dhcp_reply {
	uint8_t type;
	uint32_t address, server, mask, router, dns, lease;
};

static uint32_t transaction;
static struct dhcp_reply reply; /* the last one for us, type 0: none */

static size_t message(uint8_t *m, uint8_t type, uint32_t requested,
		      uint32_t server)
{
	size_t at = BOOTP_LENGTH + 4;

	memset(m, 0, MESSAGE_MAX);
	m[0] = 1;
	m[1] = 1;
	m[2] = 6;
	store_be32(m + 4, transaction);
	store_be16(m + 10, FLAG_BROADCAST);
	memcpy(m + 28, netif.mac, 6);
	store_be32(m + BOOTP_LENGTH, COOKIE);
	m[at++] = OPTION_TYPE;
	m[at++] = 1;
	m[at++] = type;
	if (requested) {
		m[at++] = OPTION_REQUESTED;
		m[at++] = 4;
		memcpy(m + at, &requested, 4);
		at += 4;
		m[at++] = OPTION_SERVER;
		m[at++] = 4;
		memcpy(m + at, &server, 4);
		at += 4;
	}
	m[at++] = OPTION_ASKED;
	m[at++] = 4;
	m[at++] = OPTION_MASK;
	m[at++] = OPTION_ROUTER;
	m[at++] = OPTION_DNS;
	m[at++] = OPTION_LEASE;
	m[at++] = OPTION_END;
	return at;
}

/* The first four bytes of an option of length >= 4, into *value. */
static void option_address(const uint8_t *data, uint8_t length,
			   uint32_t *value)
{
	if (length >= 4)
		memcpy(value, data, 4);
}

void dhcp_input(const uint8_t *m, size_t length)
{
	struct dhcp_reply got = { 0 };

	if (length < BOOTP_LENGTH + 4 || m[0] != 2 ||
	    load_be32(m + 4) != transaction ||
	    memcmp(m + 28, netif.mac, 6) != 0 ||
	    load_be32(m + BOOTP_LENGTH) != COOKIE)
		return;
	memcpy(&got.address, m + 16, 4);
	for (size_t at = BOOTP_LENGTH + 4; at < length;) {
		uint8_t code = m[at];

		if (code == OPTION_PAD) {
			at++;
			continue;
		}
		if (code == OPTION_END || at + 2 > length ||
		    at + 2 + m[at + 1] > length)
			break;
		const uint8_t *data = m + at + 2;
		uint8_t size = m[at + 1];

		if (code == OPTION_TYPE && size >= 1)
			got.type = data[0];
		else if (code == OPTION_SERVER)
			option_address(data, size, &got.server);
		else if (code == OPTION_MASK)
			option_address(data, size, &got.mask);
		else if (code == OPTION_ROUTER)
			option_address(data, size, &got.router);
		else if (code == OPTION_DNS)
			option_address(data, size, &got.dns);
		else if (code == OPTION_LEASE && size >= 4)
			got.lease = load_be32(data);
		at += 2 + (size_t)size;
	}
	if (got.type == OFFER || got.type == ACK || got.type == NAK)
		reply = got;
}

static void broadcast(const uint8_t *m, size_t length)
{
	udp_send(0, __builtin_bswap16(CLIENT_PORT), 0xffffffff,
		 __builtin_bswap16(SERVER_PORT), m, length, 64, 0);
}

/* Waits up to RETRY_SECONDS for a reply of `type` (or a NAK). Events
 * are masked while the libOS starts: block() returns at once after the
 * first, so the wait polls from then on. */
static bool wait_for(uint8_t type)
{
	uint64_t deadline = rdtsc() + clock_ns_to_ticks(RETRY_SECONDS *
							UINT64_C(1000000000));

	reply.type = 0;
	wk_timer_arm((long)deadline);
	while (rdtsc() < deadline) {
		netif_poll();
		if (reply.type == type || reply.type == NAK)
			break;
		wk_block();
	}
	wk_timer_arm(0);
	return reply.type == type;
}

bool dhcp_configure(void)
{
	uint8_t m[MESSAGE_MAX];

	transaction = (uint32_t)rdtsc() ^ (uint32_t)(rdtsc() >> 29) ^
		      load_be32(netif.mac + 2);
	for (int try = 0; try < TRIES; try++) {
		broadcast(m, message(m, DISCOVER, 0, 0));
		if (!wait_for(OFFER) || reply.address == 0)
			continue;
		struct dhcp_reply offer = reply;

		broadcast(m, message(m, REQUEST, offer.address, offer.server));
		if (!wait_for(ACK))
			continue;
		netif.address = reply.address;
		netif.netmask = reply.mask ? reply.mask : 0x00ffffff;
		netif.gateway = reply.router;
		netif.dns = reply.dns;
		return true;
	}
	return false;
}
