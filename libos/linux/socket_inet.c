/*
 * IPv4 on the loopback: the names of AF_INET sockets (socket_inet.h).
 * Each end of linux/socket.c that is an AF_INET socket has a binding
 * here, by its slot: its address and port once bound, its SO_REUSEADDR
 * and SO_REUSEPORT, whether it listens, and a connected DGRAM end's peer.
 * TCP's, UDP's and UDP-Lite's ports are apart, as on Linux (a binding's
 * kind: socket_inet.h). Bind refuses a port
 * another end of the type has on an overlapping address (the same, or
 * INADDR_ANY on either side) unless both reuse the port, or both reuse
 * the address and the other is not listening (always, for UDP).
 * Ephemeral ports come from Linux's default range in turn. There is no
 * TIME_WAIT: a closed connection's port is free at once.
 */
#include "linux/socket_inet.h"

#include "errno.h"
#include "lib/string.h"
#include "linux/socket.h"
#include "mm/vm.h"

#define AF_UNSPEC 0
#define AF_INET   2
#define SOCK_DGRAM 2
#define SO_REUSEADDR 2
#define EPHEMERAL_FIRST 32768 /* Linux's ip_local_port_range */
#define EPHEMERAL_COUNT (60999 - EPHEMERAL_FIRST + 1)
#define LOOPBACK_NET 127
#define INADDR_ANY 0

/* The options inet_option keeps, and their first values (Linux's). */
enum kept_option { KEPT_TOS, KEPT_TTL, KEPT_NODELAY, KEPT_CORK,
		   KEPT_KEEPIDLE, KEPT_KEEPINTVL, KEPT_KEEPCNT, KEPT_COUNT };
static const int32_t option_first[KEPT_COUNT] = { 0, 64, 0, 0, 7200, 75, 9 };

struct binding {
	int32_t options[KEPT_COUNT]; /* set by setsockopt, else 0 */
	uint8_t options_set;         /* a bit per enum kept_option */
	uint32_t address; /* network byte order */
	uint16_t port;    /* host byte order; 0: not bound */
	uint8_t type;
	bool listening, reuse_address, reuse_port, has_peer;
	struct inet_name peer;
};

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

static uint32_t loopback_address(void)
{
	return __builtin_bswap32(UINT32_C(0x7f000001)); /* 127.0.0.1 */
}

static bool on_loopback(uint32_t address)
{
	return (__builtin_bswap32(address) >> 24) == LOOPBACK_NET;
}

long inet_read_name(uint64_t address, uint64_t length, bool binding,
		    struct inet_name *name)
{
	if (length < INET_NAME_LENGTH)
		return -EINVAL;
	if (!vm_user_ok(address, INET_NAME_LENGTH, PROT_READ))
		return -EFAULT;
	memcpy(name, (const void *)address, INET_NAME_LENGTH);
	if (name->family == AF_INET)
		return 0;
	if (binding && name->family == AF_UNSPEC &&
	    name->address == INADDR_ANY) {
		name->family = AF_INET;
		return 0;
	}
	return -EAFNOSUPPORT;
}

bool inet_is_local(uint32_t address)
{
	return address == INADDR_ANY || on_loopback(address);
}

long inet_route(struct inet_name *name)
{
	if (name->address == INADDR_ANY)
		name->address = loopback_address();
	return on_loopback(name->address) ? 0 : -ENETUNREACH;
}

/* Whether end `index` may not have `port` on `address`. */
static bool taken(unsigned index, int type, uint32_t address, uint16_t port)
{
	const struct binding *self = &bindings[index];

	for (unsigned i = 0; i < sockets_touched; i++) {
		const struct binding *other = &bindings[i];

		if (i == index || other->port != port || other->type != type)
			continue;
		if (other->address != address && other->address != INADDR_ANY &&
		    address != INADDR_ANY)
			continue;
		if (self->reuse_port && other->reuse_port)
			continue;
		if (self->reuse_address && other->reuse_address &&
		    (is_datagram(type) || !other->listening))
			continue;
		return true;
	}
	return false;
}

/* Binds end `index` to address and port (0: an ephemeral one). */
static long bind_to(unsigned index, int type, uint32_t address,
		    uint16_t port)
{
	for (unsigned tries = 0; port == 0 && tries < EPHEMERAL_COUNT;
	     tries++) {
		uint16_t candidate = (uint16_t)(EPHEMERAL_FIRST +
						next_ephemeral++ %
							EPHEMERAL_COUNT);

		if (!taken(index, type, address, candidate))
			port = candidate;
	}
	if (port == 0 || taken(index, type, address, port))
		return -EADDRINUSE;
	bindings[index].address = address;
	bindings[index].port = port;
	bindings[index].type = (uint8_t)type;
	return 0;
}

long inet_bind(unsigned index, int type, const struct inet_name *name)
{
	if (!inet_is_local(name->address))
		return -EADDRNOTAVAIL;
	return bind_to(index, type, name->address, swap16(name->port));
}

long inet_autobind(unsigned index, int type, bool connecting)
{
	struct binding *self = &bindings[index];

	if (self->port) {
		if (connecting && self->address == INADDR_ANY)
			self->address = loopback_address();
		return 0;
	}
	return bind_to(index, type,
		       connecting ? loopback_address() : INADDR_ANY, 0);
}

void inet_bind_accepted(unsigned index, int type,
			const struct inet_name *name)
{
	bindings[index].address = name->address;
	bindings[index].port = swap16(name->port);
	bindings[index].type = (uint8_t)type;
}

struct inet_name inet_name_of(unsigned index)
{
	return (struct inet_name){ .family = AF_INET,
				   .port = swap16(bindings[index].port),
				   .address = bindings[index].address };
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

long inet_find(int type, const struct inet_name *name)
{
	long any = -1;
	uint16_t port = swap16(name->port);

	for (unsigned i = 0; i < sockets_touched; i++) {
		const struct binding *b = &bindings[i];

		if (b->port != port || b->type != type ||
		    (!is_datagram(type) && !b->listening))
			continue;
		if (b->address == name->address)
			return i;
		if (b->address == INADDR_ANY && any < 0)
			any = i;
	}
	return any;
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

struct inet_name inet_source_of(unsigned index)
{
	struct inet_name name = inet_name_of(index);

	if (name.address == INADDR_ANY)
		name.address = loopback_address();
	return name;
}

#define IPPROTO_IP 0
#define IP_TOS 1
#define IP_TTL 2
#define TCP_NODELAY 1
#define TCP_CORK 3
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6

long inet_option(unsigned index, int type, uint64_t level, uint64_t name,
		 bool set, int32_t *value)
{
	struct binding *self = &bindings[index];
	int kept = -1;
	int32_t low = INT32_MIN, high = INT32_MAX;

	if (level == IPPROTO_IP) {
		if (name == IP_TOS) {
			kept = KEPT_TOS, low = 0, high = 255;
		} else if (name == IP_TTL) {
			kept = KEPT_TTL, low = -1, high = 255;
		}
	} else if (level == IPPROTO_TCP && !is_datagram(type)) {
		if (name == TCP_NODELAY)
			kept = KEPT_NODELAY;
		else if (name == TCP_CORK)
			kept = KEPT_CORK;
		else if (name == TCP_KEEPIDLE)
			kept = KEPT_KEEPIDLE, low = 1, high = 32767;
		else if (name == TCP_KEEPINTVL)
			kept = KEPT_KEEPINTVL, low = 1, high = 32767;
		else if (name == TCP_KEEPCNT)
			kept = KEPT_KEEPCNT, low = 1, high = 127;
	}
	if (kept < 0)
		return -ENOPROTOOPT;
	if (!set) {
		*value = self->options_set & 1u << kept ? self->options[kept]
							 : option_first[kept];
		return 0;
	}
	if (*value < low || *value > high || (kept == KEPT_TTL && *value == 0))
		return -EINVAL;
	if (kept == KEPT_TTL && *value == -1) /* the default again */
		*value = option_first[KEPT_TTL];
	if (kept == KEPT_NODELAY || kept == KEPT_CORK)
		*value = *value != 0;
	self->options[kept] = *value;
	self->options_set |= (uint8_t)(1u << kept);
	return 0;
}
