/*
 * IPv4 and IPv6 on the loopback: the names of AF_INET and AF_INET6
 * sockets (socket_inet.h). Each end of linux/socket.c that is one has a
 * binding here, by its slot: its family, its address and port once
 * bound, its SO_REUSEADDR, SO_REUSEPORT and IPV6_V6ONLY, whether it
 * listens, and a connected end's peer. TCP's, UDP's and UDP-Lite's ports
 * are apart, as on Linux (a binding's kind: socket_inet.h). Bind refuses
 * a port another end of the kind has on an overlapping address unless
 * both reuse the port, or both reuse the address and the other is not
 * listening (always, for UDP). Addresses overlap, as Linux's
 * inet_rcv_saddr_equal says, when they are the same, when one is IPv4's
 * wildcard and the other IPv4's, or when one is :: and the other IPv6's,
 * or IPv4's while the :: end is not IPV6_V6ONLY. As on Linux, an
 * AF_INET6 end bound to an IPv6 address of its own becomes IPV6_V6ONLY.
 * Ephemeral ports come from Linux's default range in turn. There is no
 * TIME_WAIT: a closed connection's port is free at once.
 */
#include "linux/socket_inet.h"

#include "errno.h"
#include "lib/string.h"
#include "linux/socket.h"
#include "linux/socket_control.h"
#include "mm/vm.h"
#include "net/netif.h"

#define AF_UNSPEC 0
#define AF_INET   2
#define AF_INET6  10
#define SOCK_DGRAM 2
#define SO_REUSEADDR 2
#define EPHEMERAL_FIRST 32768 /* Linux's ip_local_port_range */
#define EPHEMERAL_COUNT (60999 - EPHEMERAL_FIRST + 1)
#define LOOPBACK_NET 127
#define INET4_NAME_LENGTH 16 /* sizeof(struct sockaddr_in) */
#define INET6_NAME_SHORT  24 /* RFC 2133's sockaddr_in6, no scope id */
#define NAME_MAX_GIVEN    128 /* sizeof(struct sockaddr_storage) */

/* The options inet_option keeps (kept_options, in this order). */
enum kept_option { KEPT_TOS, KEPT_TTL, KEPT_MTU_DISCOVER, KEPT_RECVERR,
		   KEPT_FREEBIND, KEPT_NO_PORT, KEPT_MULTICAST_TTL,
		   KEPT_MULTICAST_LOOP4, KEPT_MULTICAST_ALL,
		   KEPT_UNICAST_HOPS, KEPT_MULTICAST_HOPS,
		   KEPT_MULTICAST_LOOP, KEPT_TCLASS, KEPT_MTU_DISCOVER6,
		   KEPT_RECVERR6, KEPT_NODELAY, KEPT_CORK, KEPT_KEEPIDLE,
		   KEPT_KEEPINTVL, KEPT_KEEPCNT,
		   /* the control messages a receiver asks for */
		   KEPT_RECV_PKTINFO, KEPT_RECV_TTL, KEPT_RECV_TOS,
		   KEPT_RECV_PKTINFO6, KEPT_RECV_HOPLIMIT6, KEPT_RECV_TCLASS6,
		   KEPT_COUNT };
_Static_assert(KEPT_COUNT <= 32, "options_set has a bit for each");


struct binding {
	int32_t options[KEPT_COUNT]; /* set by setsockopt, else 0 */
	uint32_t options_set;        /* a bit per enum kept_option */
	struct inet_name name;       /* port 0: not bound */
	uint8_t family, kind;
	bool listening, reuse_address, reuse_port, has_peer, v6only;
	struct inet_name peer;
};

/* struct sockaddr_in and struct sockaddr_in6: ports and IPv4 addresses
 * in network byte order. */
struct inet4_name {
	uint16_t family, port;
	uint32_t address;
	uint8_t zero[8];
};
_Static_assert(sizeof(struct inet4_name) == INET4_NAME_LENGTH, "sin");

struct inet6_name {
	uint16_t family, port;
	uint32_t flow;
	uint8_t address[16];
	uint32_t scope;
};
_Static_assert(sizeof(struct inet6_name) == INET_NAME_MAX, "sin6");

static struct binding bindings[SOCKETS_MAX];
static unsigned next_ephemeral;

static bool is_datagram(int kind)
{
	return (kind & 0xf) == SOCK_DGRAM;
}

static uint16_t swap16(uint16_t value)
{
	return (uint16_t)(value >> 8 | value << 8);
}

/* ::ffff:a.b.c.d, the IPv4 address (network order) as IPv6 names it. */
static void set_mapped(uint8_t address[16], uint32_t ipv4)
{
	memset(address, 0, 10);
	address[10] = address[11] = 0xff;
	memcpy(address + 12, &ipv4, 4);
}

/* An address's two halves, as words (any alignment: x86-64 loads them
 * anyway): every test below is two compares, not a memcmp call. */
static uint64_t half(const uint8_t address[16], unsigned which)
{
	uint64_t word;

	memcpy(&word, address + 8 * which, 8);
	return word;
}

/* ::ffff:a.b.c.d, an IPv4 address: bytes 10 and 11 are 0xff. */
static bool is_mapped(const uint8_t address[16])
{
	return half(address, 0) == 0 &&
	       (uint32_t)half(address, 1) == UINT32_C(0xffff0000);
}

static uint32_t ipv4_of(const uint8_t address[16])
{
	uint32_t ipv4;

	memcpy(&ipv4, address + 12, 4);
	return ipv4;
}

/* ::, IPv6's wildcard (and its unspecified address). */
static bool is_any6(const uint8_t address[16])
{
	return (half(address, 0) | half(address, 1)) == 0;
}

static bool is_any4(const uint8_t address[16])
{
	return is_mapped(address) && ipv4_of(address) == 0;
}

static bool is_wildcard(const uint8_t address[16])
{
	return is_any6(address) || is_any4(address);
}

static bool is_loopback6(const uint8_t address[16])
{
	return half(address, 0) == 0 && half(address, 1) == UINT64_C(1) << 56;
}

/* 127.0.0.1, in network order. */
static uint32_t loopback4(void)
{
	return __builtin_bswap32(UINT32_C(0x7f000001));
}

static bool on_loopback4(uint32_t ipv4)
{
	return (__builtin_bswap32(ipv4) >> 24) == LOOPBACK_NET;
}

static bool same_address(const uint8_t a[16], const uint8_t b[16])
{
	return half(a, 0) == half(b, 0) && half(a, 1) == half(b, 1);
}

/* The address a connection or datagram to `to` comes from: 127.0.0.1
 * for IPv4's on the loopback, eth0's for another IPv4 address, ::1 for
 * IPv6's. */
static void source_for(const struct inet_name *to, uint8_t address[16])
{
	if (is_mapped(to->address)) {
		set_mapped(address, on_loopback4(ipv4_of(to->address))
					    ? loopback4()
					    : netif.address);
	} else {
		memset(address, 0, 16);
		address[15] = 1;
	}
}

/* A family's wildcard: 0.0.0.0 (v4-mapped) or ::. */
static void wildcard_of(int family, uint8_t address[16])
{
	if (family == AF_INET)
		set_mapped(address, 0);
	else
		memset(address, 0, 16);
}

void inet_open(unsigned index, int family, int kind)
{
	bindings[index] = (struct binding){ .family = (uint8_t)family,
					    .kind = (uint8_t)kind };
	wildcard_of(family, bindings[index].name.address);
}

/* Where a connection or datagram to `name` from `self` goes: 0, with a
 * wildcard made the loopback (:: the IPv4 one for an end bound to a
 * v4-mapped address, as Linux's), or -ENETUNREACH. */
static long route(const struct binding *self, struct inet_name *name)
{
	if (is_any6(name->address)) {
		if (is_mapped(self->name.address))
			set_mapped(name->address, loopback4());
		else
			name->address[15] = 1;
	}
	if (is_mapped(name->address)) {
		if (self->v6only)
			return -ENETUNREACH;
		if (ipv4_of(name->address) == 0)
			set_mapped(name->address, loopback4());
		return on_loopback4(ipv4_of(name->address)) ||
				       netif_routes(ipv4_of(name->address))
			       ? 0
			       : -ENETUNREACH;
	}
	return is_loopback6(name->address) ? 0 : -ENETUNREACH;
}

/* A name read for `use`: to bind, as it is; to send a datagram, a port
 * (-EINVAL for 0, as udp_sendmsg says), then routed; to connect,
 * routed. */
static long routed(const struct binding *self, enum inet_use use,
		   struct inet_name *name)
{
	if (use == INET_BIND)
		return 0;
	if (use == INET_SEND && name->port == 0)
		return -EINVAL;
	return route(self, name);
}

long inet_read_name(unsigned index, uint64_t address, uint64_t length,
		    enum inet_use use, struct inet_name *name)
{
	const struct binding *self = &bindings[index];
	struct inet6_name given6 = { 0 };
	struct inet4_name given4;

	if (length > NAME_MAX_GIVEN)
		return -EINVAL;
	if (length && !vm_user_ok(address, length, PROT_READ))
		return -EFAULT;
	memcpy(&given6, (const void *)address,
	       length < sizeof(given6) ? length : sizeof(given6));
	memcpy(&given4, &given6, sizeof(given4));
	if (self->family == AF_INET6 && length >= sizeof(uint16_t) &&
	    given6.family == AF_INET && is_datagram(self->kind) &&
	    use != INET_BIND) {
		/* Linux's UDP passes it to IPv4's code. */
		if (self->v6only)
			return use == INET_SEND ? -ENETUNREACH : -EAFNOSUPPORT;
	} else if (self->family == AF_INET6) {
		if (use == INET_SEND && length < sizeof(uint16_t))
			return -EINVAL;
		if (use == INET_SEND && given6.family == AF_UNSPEC)
			return INET_NO_NAME;
		if (length < INET6_NAME_SHORT)
			return -EINVAL;
		if (given6.family != AF_INET6)
			return use == INET_SEND ? -EINVAL : -EAFNOSUPPORT;
		memcpy(name->address, given6.address, 16);
		name->port = given6.port;
		return routed(self, use, name);
	}
	if (length < INET4_NAME_LENGTH)
		return -EINVAL;
	if (given4.family != AF_INET &&
	    !(use == INET_BIND && given4.family == AF_UNSPEC &&
	      given4.address == 0))
		return -EAFNOSUPPORT;
	set_mapped(name->address, given4.address);
	name->port = given4.port;
	return routed(self, use, name);
}

bool inet_is_remote(const struct inet_name *name)
{
	uint32_t ipv4 = ipv4_of(name->address);

	return is_mapped(name->address) && !on_loopback4(ipv4) &&
	       !netif_is_own(ipv4) && netif_routes(ipv4);
}

long inet_may_bind(unsigned index, const struct inet_name *name)
{
	if (is_mapped(name->address)) {
		uint32_t ipv4 = ipv4_of(name->address);

		if (bindings[index].v6only)
			return -EINVAL;
		return ipv4 == 0 || on_loopback4(ipv4) || netif_is_own(ipv4)
			       ? 0
			       : -EADDRNOTAVAIL;
	}
	return is_any6(name->address) || is_loopback6(name->address)
		       ? 0
		       : -EADDRNOTAVAIL;
}

uint32_t inet_write_name(unsigned index, const struct inet_name *name,
			 uint8_t out[INET_NAME_MAX])
{
	if (bindings[index].family == AF_INET) {
		struct inet4_name name4 = { AF_INET, name->port,
					    ipv4_of(name->address), { 0 } };

		memcpy(out, &name4, sizeof(name4));
		return sizeof(name4);
	}
	struct inet6_name name6 = { AF_INET6, name->port, 0, { 0 }, 0 };

	memcpy(name6.address, name->address, 16);
	memcpy(out, &name6, sizeof(name6));
	return sizeof(name6);
}

/* Whether `address` (of an end whose IPV6_V6ONLY is `only6`) and end
 * `other`'s overlap, so that their ports clash. */
static bool overlap(const uint8_t address[16], bool only6,
		    const struct binding *other)
{
	const uint8_t *theirs = other->name.address;

	if (is_mapped(address) && is_mapped(theirs))
		return same_address(address, theirs) || is_any4(address) ||
		       is_any4(theirs);
	if (is_any6(address))
		return !is_mapped(theirs) || !only6;
	if (is_any6(theirs))
		return !is_mapped(address) || !other->v6only;
	return same_address(address, theirs);
}

/* Whether end `index` may not have `port` on `address`. */
static bool taken(unsigned index, int kind, const uint8_t address[16],
		  uint16_t port)
{
	const struct binding *self = &bindings[index];

	for (unsigned i = 0; i < sockets_touched; i++) {
		const struct binding *other = &bindings[i];

		if (i == index || other->name.port != port ||
		    other->kind != kind ||
		    !overlap(address, self->v6only, other))
			continue;
		if (self->reuse_port && other->reuse_port)
			continue;
		if (self->reuse_address && other->reuse_address &&
		    (is_datagram(kind) || !other->listening))
			continue;
		return true;
	}
	return false;
}

/* Binds end `index` to address and port (network order; 0: an
 * ephemeral one). */
static long bind_to(unsigned index, int kind, const uint8_t address[16],
		    uint16_t port)
{
	struct binding *self = &bindings[index];

	for (unsigned tries = 0; port == 0 && tries < EPHEMERAL_COUNT;
	     tries++) {
		uint16_t candidate = swap16((uint16_t)(
			EPHEMERAL_FIRST + next_ephemeral++ % EPHEMERAL_COUNT));

		if (!taken(index, kind, address, candidate))
			port = candidate;
	}
	if (port == 0 || taken(index, kind, address, port))
		return -EADDRINUSE;
	memcpy(self->name.address, address, 16);
	self->name.port = port;
	self->kind = (uint8_t)kind;
	if (!is_any6(address) && !is_mapped(address))
		self->v6only = true; /* as Linux's __inet6_bind */
	return 0;
}

long inet_bind(unsigned index, int kind, const struct inet_name *name)
{
	return bind_to(index, kind, name->address, name->port);
}

long inet_autobind(unsigned index, int kind, const struct inet_name *to)
{
	struct binding *self = &bindings[index];
	uint8_t address[16];

	if (self->name.port) {
		if (to && is_wildcard(self->name.address))
			source_for(to, self->name.address);
		return 0;
	}
	if (to)
		source_for(to, address);
	else
		wildcard_of(self->family, address);
	return bind_to(index, kind, address, 0);
}

void inet_bind_accepted(unsigned index, int kind,
			const struct inet_name *name)
{
	bindings[index].name = *name;
	bindings[index].kind = (uint8_t)kind;
}

struct inet_name inet_name_of(unsigned index)
{
	return bindings[index].name;
}

bool inet_reuse(unsigned index, int option, bool set, bool value)
{
	bool *flag = option == SO_REUSEADDR ? &bindings[index].reuse_address
					    : &bindings[index].reuse_port;

	if (set)
		*flag = value;
	return *flag;
}

void inet_listening(unsigned index)
{
	bindings[index].listening = true;
}

long inet_find(int kind, const struct inet_name *name)
{
	long found = -1;
	int found_score = 0;

	for (unsigned i = 0; i < sockets_touched; i++) {
		const struct binding *b = &bindings[i];
		int score = 0;

		if (b->name.port == 0 || b->name.port != name->port ||
		    b->kind != kind || (!is_datagram(kind) && !b->listening))
			continue;
		if (same_address(b->name.address, name->address))
			return i;
		if (is_any4(b->name.address) && is_mapped(name->address))
			score = 2;
		else if (is_any6(b->name.address) &&
			 (!is_mapped(name->address) || !b->v6only))
			score = b->family == AF_INET ? 2 : 1;
		if (score > found_score) {
			found = i;
			found_score = score;
		}
	}
	return found;
}

void inet_set_peer(unsigned index, const struct inet_name *peer)
{
	bindings[index].has_peer = peer != NULL;
	if (peer)
		bindings[index].peer = *peer;
}

const struct inet_name *inet_peer(unsigned index)
{
	return bindings[index].has_peer ? &bindings[index].peer : NULL;
}

void inet_release(unsigned index)
{
	bindings[index] = (struct binding){ 0 };
}

struct inet_name inet_source_of(unsigned index, const struct inet_name *to)
{
	struct inet_name name = bindings[index].name;

	if (is_wildcard(name.address))
		source_for(to, name.address);
	return name;
}

uint32_t inet_datagram_max(const struct inet_name *to)
{
	return is_mapped(to->address) ? 65507 : 65527;
}

#define IP_TOS 1
#define IP_TTL 2
#define IP_PKTINFO 8
#define IP_RECVTTL 12
#define IP_RECVTOS 13
#define IP_MTU_DISCOVER 10
#define IP_RECVERR 11
#define IP_FREEBIND 15
#define IP_BIND_ADDRESS_NO_PORT 24
#define IP_MULTICAST_TTL 33
#define IP_MULTICAST_LOOP 34
#define IP_MULTICAST_ALL 49
#define IPPROTO_IPV6 41
#define IPV6_MTU_DISCOVER 23
#define IPV6_RECVERR 25
#define IPV6_UNICAST_HOPS 16
#define IPV6_MULTICAST_HOPS 18
#define IPV6_MULTICAST_LOOP 19
#define IPV6_V6ONLY 26
#define IPV6_RECVPKTINFO 49
#define IPV6_PKTINFO 50
#define IPV6_RECVHOPLIMIT 51
#define IPV6_HOPLIMIT 52
#define IPV6_DONTFRAG 62
#define IPV6_RECVTCLASS 66
#define IPV6_TCLASS 67
#define LOOPBACK_INDEX 1 /* lo's (linux/interfaces.c) */
#define TCP_NODELAY 1
#define TCP_CORK 3
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6

/* The options inet_option keeps: where, their values' range (a flag
 * takes any int and reads back as 0 or 1; -1 in range means the first
 * value again), Linux's first value, and which ends have them. */
enum { ANY_END, DATAGRAM_SET, IPV6_END, STREAM_END };

static const struct kept_rule {
	uint16_t level, name;
	int32_t low, high, first;
	bool flag;
	uint8_t ends; /* DATAGRAM_SET: any end reads it, a stream sets
			 none (-EINVAL) */
} kept_options[KEPT_COUNT] = {
	[KEPT_TOS] = { IPPROTO_IP, IP_TOS, 0, 255, 0, false, ANY_END },
	[KEPT_TTL] = { IPPROTO_IP, IP_TTL, -1, 255, 64, false, ANY_END },
	[KEPT_MTU_DISCOVER] = { IPPROTO_IP, IP_MTU_DISCOVER, 0, 5, 1, false,
				ANY_END },
	[KEPT_RECVERR] = { IPPROTO_IP, IP_RECVERR, 0, 0, 0, true, ANY_END },
	[KEPT_FREEBIND] = { IPPROTO_IP, IP_FREEBIND, 0, 0, 0, true, ANY_END },
	[KEPT_NO_PORT] = { IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 0, 0, 0, true,
			   ANY_END },
	[KEPT_MULTICAST_TTL] = { IPPROTO_IP, IP_MULTICAST_TTL, -1, 255, 1,
				 false, DATAGRAM_SET },
	[KEPT_MULTICAST_LOOP4] = { IPPROTO_IP, IP_MULTICAST_LOOP, 0, 0, 1,
				   true, ANY_END },
	[KEPT_MULTICAST_ALL] = { IPPROTO_IP, IP_MULTICAST_ALL, 0, 1, 1, false,
				 ANY_END }, /* 0 first on AF_INET6's */
	[KEPT_UNICAST_HOPS] = { IPPROTO_IPV6, IPV6_UNICAST_HOPS, -1, 255, 64,
				false, IPV6_END },
	[KEPT_MULTICAST_HOPS] = { IPPROTO_IPV6, IPV6_MULTICAST_HOPS, -1, 255,
				  1, false, IPV6_END },
	[KEPT_MULTICAST_LOOP] = { IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, 1, 1,
				  false, IPV6_END },
	[KEPT_TCLASS] = { IPPROTO_IPV6, IPV6_TCLASS, -1, 255, 0, false,
			  IPV6_END },
	[KEPT_MTU_DISCOVER6] = { IPPROTO_IPV6, IPV6_MTU_DISCOVER, 0, 5, 1,
				 false, IPV6_END },
	[KEPT_RECVERR6] = { IPPROTO_IPV6, IPV6_RECVERR, 0, 0, 0, true,
			    IPV6_END },
	[KEPT_NODELAY] = { IPPROTO_TCP, TCP_NODELAY, 0, 0, 0, true,
			   STREAM_END },
	[KEPT_CORK] = { IPPROTO_TCP, TCP_CORK, 0, 0, 0, true, STREAM_END },
	[KEPT_KEEPIDLE] = { IPPROTO_TCP, TCP_KEEPIDLE, 1, 32767, 7200, false,
			    STREAM_END },
	[KEPT_KEEPINTVL] = { IPPROTO_TCP, TCP_KEEPINTVL, 1, 32767, 75, false,
			     STREAM_END },
	[KEPT_KEEPCNT] = { IPPROTO_TCP, TCP_KEEPCNT, 1, 127, 9, false,
			   STREAM_END },
	[KEPT_RECV_PKTINFO] = { IPPROTO_IP, IP_PKTINFO, 0, 0, 0, true,
				ANY_END },
	[KEPT_RECV_TTL] = { IPPROTO_IP, IP_RECVTTL, 0, 0, 0, true, ANY_END },
	[KEPT_RECV_TOS] = { IPPROTO_IP, IP_RECVTOS, 0, 0, 0, true, ANY_END },
	[KEPT_RECV_PKTINFO6] = { IPPROTO_IPV6, IPV6_RECVPKTINFO, 0, 0, 0,
				 true, IPV6_END },
	[KEPT_RECV_HOPLIMIT6] = { IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 0, 0, 0,
				  true, IPV6_END },
	[KEPT_RECV_TCLASS6] = { IPPROTO_IPV6, IPV6_RECVTCLASS, 0, 0, 0, true,
				IPV6_END },
};

/* An option's value: as set, else Linux's first. */
static int32_t kept_value(const struct binding *self, enum kept_option kept)
{
	if (self->options_set & 1u << kept)
		return self->options[kept];
	if (kept == KEPT_MULTICAST_ALL && self->family == AF_INET6)
		return 0; /* inet6_create's, where inet_create's is 1 */
	return kept_options[kept].first;
}

void inet_keepalive(unsigned index, uint32_t times[3])
{
	times[0] = (uint32_t)kept_value(&bindings[index], KEPT_KEEPIDLE);
	times[1] = (uint32_t)kept_value(&bindings[index], KEPT_KEEPINTVL);
	times[2] = (uint32_t)kept_value(&bindings[index], KEPT_KEEPCNT);
}

/* The option `name` at `level` for an end of `self`'s: its kept_option,
 * or -1. */
static int kept_option_of(const struct binding *self, uint64_t level,
			  uint64_t name)
{
	for (int kept = 0; kept < KEPT_COUNT; kept++) {
		const struct kept_rule *rule = &kept_options[kept];

		if (rule->level != level || rule->name != name)
			continue;
		if ((rule->ends == IPV6_END && self->family != AF_INET6) ||
		    (rule->ends == STREAM_END && is_datagram(self->kind)))
			return -1;
		return kept;
	}
	return -1;
}

/* Whether `level` is one of the end's protocols' (IP's, IPv6's, TCP's
 * or UDP's). */
static bool is_protocol_level(const struct binding *self, uint64_t level)
{
	return level == IPPROTO_IP ||
	       (level == IPPROTO_IPV6 && self->family == AF_INET6) ||
	       (is_datagram(self->kind)
			? level == IPPROTO_UDP || level == IPPROTO_UDPLITE
			: level == IPPROTO_TCP);
}

long inet_option(unsigned index, uint64_t level, uint64_t name, bool set,
		 int32_t *value)
{
	struct binding *self = &bindings[index];
	int kept;

	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY &&
	    self->family == AF_INET6) {
		if (!set) {
			*value = self->v6only;
			return 0;
		}
		if (self->name.port) /* bound */
			return -EINVAL;
		self->v6only = *value != 0;
		return 0;
	}
	kept = kept_option_of(self, level, name);
	if (kept < 0 && !set && self->family == AF_INET &&
	    !is_protocol_level(self, level))
		return -EOPNOTSUPP; /* ip_getsockopt's answer, not its set's */
	if (kept < 0)
		return -ENOPROTOOPT;
	if (!set) {
		*value = kept_value(self, (enum kept_option)kept);
		return 0;
	}
	const struct kept_rule *rule = &kept_options[kept];

	if (rule->ends == DATAGRAM_SET && !is_datagram(self->kind))
		return -EINVAL;
	if (rule->flag)
		*value = *value != 0;
	else if (*value < rule->low || *value > rule->high ||
		 (kept == KEPT_TTL && *value == 0))
		return -EINVAL;
	if (*value == -1) /* the first value again */
		*value = rule->first;
	self->options[kept] = *value;
	self->options_set |= 1u << kept;
	return 0;
}

/* A control message's int (4 bytes; IP_TOS's may be 1) within
 * [low, high] into *value: false if it is not. */
static bool control_int(const struct control_message *message, bool byte_too,
			int32_t low, int32_t high, int32_t *value)
{
	if (message->size == 1 && byte_too)
		*value = message->data[0];
	else if (message->size == sizeof(int32_t))
		memcpy(value, message->data, sizeof(int32_t));
	else
		return false;
	return *value >= low && *value <= high;
}

/* One IP-level control message of a datagram to an IPv4 address
 * (Linux's ip_cmsg_send): 0 or -EINVAL. */
static long read_control4(const struct control_message *message,
			  int32_t *hops, int32_t *traffic)
{
	switch (message->type) {
	case IP_TTL:
		return control_int(message, false, 1, 255, hops) ? 0 : -EINVAL;
	case IP_TOS:
		return control_int(message, true, 0, 255, traffic) ? 0
								    : -EINVAL;
	case IP_PKTINFO: /* a source address: the loopback's anyway */
		return message->size == 12 ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/* One IPv6-level control message of a datagram to an IPv6 address
 * (ip6_datagram_send_ctl): 0 or -EINVAL. */
static long read_control6(const struct control_message *message,
			  int32_t *hops, int32_t *traffic)
{
	int32_t ignored;

	switch (message->type) {
	case IPV6_HOPLIMIT:
		return control_int(message, false, -1, 255, hops) ? 0 : -EINVAL;
	case IPV6_TCLASS:
		return control_int(message, false, -1, 255, traffic) ? 0
								      : -EINVAL;
	case IPV6_DONTFRAG:
		return control_int(message, false, -1, 1, &ignored) ? 0
								      : -EINVAL;
	case IPV6_PKTINFO: /* struct in6_pktinfo: a local source, or none */
		return message->size >= 20 && (is_any6(message->data) ||
					       is_loopback6(message->data))
			       ? 0
			       : -EINVAL;
	}
	return -EINVAL;
}

long inet_send_marks(unsigned index, const struct inet_name *to,
		     uint64_t control, uint64_t length,
		     struct inet_marks *marks)
{
	const struct binding *self = &bindings[index];
	bool ipv4 = is_mapped(to->address);
	struct control_message message;
	int32_t hops = -1, traffic = -1;
	uint64_t at = 0;
	long error = 0, more;

	while (!error &&
	       (more = control_next(control, length, &at, &message)) != 0) {
		if (more < 0)
			error = more;
		else if (ipv4 && message.level == IPPROTO_IP)
			error = read_control4(&message, &hops, &traffic);
		else if (ipv4 && message.level == IPPROTO_IPV6 &&
			 message.type == IPV6_PKTINFO &&
			 self->family == AF_INET6)
			error = message.size >= 20 && is_mapped(message.data)
					? 0
					: -EINVAL;
		else if (!ipv4 && message.level == IPPROTO_IPV6)
			error = read_control6(&message, &hops, &traffic);
	}
	if (error)
		return error;
	if (hops < 0)
		hops = kept_value(self, ipv4 ? KEPT_TTL : KEPT_UNICAST_HOPS);
	if (traffic < 0)
		traffic = kept_value(self, ipv4 ? KEPT_TOS : KEPT_TCLASS);
	*marks = (struct inet_marks){ ipv4 ? ipv4_of(to->address) : 0,
				      (uint8_t)hops, (uint8_t)traffic, false };
	return 0;
}

void inet_put_control(unsigned index, const struct inet_marks *marks,
		      struct control_out *out)
{
	const struct binding *self = &bindings[index];
	bool ipv4 = marks->destination4 != 0;
	int32_t hops = marks->hops, traffic = marks->traffic;
	uint8_t interface = marks->from_network ? NETIF_INDEX : LOOPBACK_INDEX;

	/* udpv6_recvmsg's order: IPv6's common part first. */
	if (kept_value(self, KEPT_RECV_PKTINFO6)) {
		/* struct in6_pktinfo: the destination, the interface. */
		uint8_t info[20] = { [15] = 1, [16] = interface };

		if (ipv4)
			set_mapped(info, marks->destination4);
		control_put(out, IPPROTO_IPV6, IPV6_PKTINFO, info,
			    sizeof(info));
	}
	if (ipv4 && kept_value(self, KEPT_RECV_PKTINFO)) {
		/* struct in_pktinfo: the interface, the local address a
		 * reply would come from, the datagram's destination. */
		uint32_t info[3] = { interface, marks->destination4,
				     marks->destination4 };

		control_put(out, IPPROTO_IP, IP_PKTINFO, info, sizeof(info));
	}
	if (ipv4 && kept_value(self, KEPT_RECV_TTL))
		control_put(out, IPPROTO_IP, IP_TTL, &hops, sizeof(hops));
	if (ipv4 && kept_value(self, KEPT_RECV_TOS))
		control_put(out, IPPROTO_IP, IP_TOS, &marks->traffic, 1);
	if (!ipv4 && kept_value(self, KEPT_RECV_HOPLIMIT6))
		control_put(out, IPPROTO_IPV6, IPV6_HOPLIMIT, &hops,
			    sizeof(hops));
	if (!ipv4 && kept_value(self, KEPT_RECV_TCLASS6))
		control_put(out, IPPROTO_IPV6, IPV6_TCLASS, &traffic,
			    sizeof(traffic));
}
