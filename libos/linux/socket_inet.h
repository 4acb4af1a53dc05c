/*
 * IPv4 on the loopback (linux/socket_inet.c): the names AF_INET sockets
 * bind to, connect to and send to, as linux/socket.c uses them. Wicket
 * has no network device, so its one interface is Linux's `lo`:
 * 127.0.0.0/8 is local, and so is INADDR_ANY to bind; every other
 * address is unreachable (-ENETUNREACH) or not local (-EADDRNOTAVAIL).
 */
#ifndef LIBOS_LINUX_SOCKET_INET_H
#define LIBOS_LINUX_SOCKET_INET_H

#include <stdbool.h>
#include <stdint.h>

#define INET_NAME_LENGTH 16 /* sizeof(struct sockaddr_in) */
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_UDPLITE 136

/* The kinds of binding, each with its own ports: SOCK_STREAM (TCP),
 * SOCK_DGRAM (UDP), and UDP-Lite's, a DGRAM end made with
 * IPPROTO_UDPLITE. */
#define INET_UDPLITE 0x12

/* struct sockaddr_in: port and address in network byte order. */
struct inet_name {
	uint16_t family;
	uint16_t port;
	uint32_t address;
	uint8_t zero[8];
};
_Static_assert(sizeof(struct inet_name) == INET_NAME_LENGTH, "sockaddr_in");

/* The app's sockaddr_in at `address` (`length` bytes) into *name, as
 * bind (binding true) or connect and sendto check it: -EINVAL (short),
 * -EFAULT, -EAFNOSUPPORT (another family; bind also takes AF_UNSPEC with
 * INADDR_ANY, as Linux does). */
long inet_read_name(uint64_t address, uint64_t length, bool binding,
		    struct inet_name *name);

/* Whether an address is this machine's to bind: INADDR_ANY, or on the
 * loopback. */
bool inet_is_local(uint32_t address);

/* Where a connect or send to `name` goes: 0, with INADDR_ANY made
 * 127.0.0.1 as on Linux, or -ENETUNREACH off the loopback. */
long inet_route(struct inet_name *name);

/* Binds end `index` (a socket of `type`) to name, port 0 meaning a free
 * ephemeral port: 0, -EADDRNOTAVAIL (not a local address) or
 * -EADDRINUSE (taken, as Linux's SO_REUSEADDR and SO_REUSEPORT rules
 * say, or no ephemeral port free). */
long inet_bind(unsigned index, int type, const struct inet_name *name);

/* An unbound end gets 127.0.0.1 and an ephemeral port, as connect,
 * sendto and listen (INADDR_ANY then) give it; a bound one to
 * INADDR_ANY gets 127.0.0.1 when it connects (local true). 0 or
 * -EADDRINUSE. */
long inet_autobind(unsigned index, int type, bool connecting);

/* A connection's accepted end: the name its client connected to. */
void inet_bind_accepted(unsigned index, int type,
			const struct inet_name *name);

/* The end's name (INADDR_ANY and port 0 if unbound). */
struct inet_name inet_name_of(unsigned index);

/* SO_REUSEADDR and SO_REUSEPORT, kept for bind's checks (set), read
 * (set false: the value is returned). */
bool inet_reuse(unsigned index, int option, bool set, bool value);

/* The end is listening now (bind's checks treat it so). */
void inet_listening(unsigned index);

/* The end that takes a connection (a listening STREAM end) or a datagram
 * (a bound DGRAM end) sent to name, or -1. */
long inet_find(int type, const struct inet_name *name);

/* A connected DGRAM end's peer (connect's name), or forgotten. */
void inet_set_peer(unsigned index, const struct inet_name *peer);
const struct inet_name *inet_peer(unsigned index);

/* The name a datagram from the end comes from: its own, with
 * INADDR_ANY made 127.0.0.1. */
struct inet_name inet_source_of(unsigned index);

/* getsockopt (set false) and setsockopt (set true) on the IPPROTO_IP and
 * IPPROTO_TCP levels: 0, -EINVAL (a value out of range) or -ENOPROTOOPT.
 * Kept for getsockopt; nothing on the loopback depends on them. */
long inet_option(unsigned index, int type, uint64_t level, uint64_t name,
		 bool set, int32_t *value);

/* The end is closed: its name is free. */
void inet_release(unsigned index);

#endif /* LIBOS_LINUX_SOCKET_INET_H */
