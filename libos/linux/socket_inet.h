/*
 * IPv4 and IPv6 on the loopback (linux/socket_inet.c): the names AF_INET
 * and AF_INET6 sockets bind to, connect to and send to, as
 * linux/socket.c uses them. Wicket has no network device, so its one
 * interface is Linux's `lo`: 127.0.0.0/8 and ::1 are local, and so are
 * INADDR_ANY and :: to bind; every other address is unreachable
 * (-ENETUNREACH) or not local (-EADDRNOTAVAIL).
 *
 * Names are kept in IPv6's form, an IPv4 address as ::ffff:a.b.c.d (a
 * v4-mapped address), so that an AF_INET6 socket that is not
 * IPV6_V6ONLY (Linux's default, net.ipv6.bindv6only 0) talks to AF_INET
 * ones and takes their connections and datagrams, as Linux's dual stack
 * does; each socket reads and writes names in its own family's struct.
 */
#ifndef LIBOS_LINUX_SOCKET_INET_H
#define LIBOS_LINUX_SOCKET_INET_H

#include <stdbool.h>
#include <stdint.h>

#define INET_NAME_MAX 28 /* sizeof(struct sockaddr_in6) */
#define IPPROTO_IP  0
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_UDPLITE 136

/* The kinds of binding, each with its own ports: SOCK_STREAM (TCP),
 * SOCK_DGRAM (UDP), and UDP-Lite's, a DGRAM end made with
 * IPPROTO_UDPLITE. */
#define INET_UDPLITE 0x12

/* An address and a port, in network byte order. */
struct inet_name {
	uint8_t address[16]; /* IPv6's; IPv4's v4-mapped */
	uint16_t port;
};

/* An IPv4 address and port (network order) as a name: v4-mapped. */
static inline struct inet_name inet_name4(uint32_t address, uint16_t port)
{
	struct inet_name name = { .address = { [10] = 0xff, [11] = 0xff },
				  .port = port };

	__builtin_memcpy(name.address + 12, &address, 4);
	return name;
}

/* What a name read from the app is for. */
enum inet_use { INET_BIND, INET_CONNECT, INET_SEND };

/* End `index` is a new socket of `family` (AF_INET or AF_INET6) and
 * kind (its type, or INET_UDPLITE). */
void inet_open(unsigned index, int family, int kind);

/* The app's name at `address` (`length` bytes) for end `index` into
 * *name, checked as Linux checks it for `use`: -EINVAL (too short or
 * long), -EFAULT, -EAFNOSUPPORT (another family; an AF_INET bind also
 * takes AF_UNSPEC with INADDR_ANY, and an AF_INET6 UDP end's send or
 * connect an AF_INET name, as Linux's do; its send takes AF_UNSPEC as
 * no name: INET_NO_NAME); to send, -EINVAL for port 0; to connect or
 * send, INADDR_ANY or :: made the loopback, and -ENETUNREACH off it. */
#define INET_NO_NAME 1
long inet_read_name(unsigned index, uint64_t address, uint64_t length,
		    enum inet_use use, struct inet_name *name);

/* Whether `name` (routed) is a peer on the network (net/netif.h): an
 * IPv4 address that is neither the loopback's nor eth0's own. */
bool inet_is_remote(const struct inet_name *name);

/* Whether end `index` may bind to `name` (read for INET_BIND): 0,
 * -EINVAL (a v4-mapped address for an IPV6_V6ONLY end) or
 * -EADDRNOTAVAIL (not local). */
long inet_may_bind(unsigned index, const struct inet_name *name);

/* `name` as end `index`'s family writes it (struct sockaddr_in or
 * sockaddr_in6) into out: its length. */
uint32_t inet_write_name(unsigned index, const struct inet_name *name,
			 uint8_t out[INET_NAME_MAX]);

/* Binds end `index` (a socket of `type`) to name (read for INET_BIND),
 * port 0 meaning a free ephemeral port: 0 or -EADDRINUSE (taken, as
 * Linux's SO_REUSEADDR, SO_REUSEPORT and IPV6_V6ONLY rules say, or no
 * ephemeral port free). */
long inet_bind(unsigned index, int type, const struct inet_name *name);

/* An unbound end gets an ephemeral port, and the wildcard address, or
 * the source address for `to` when it connects there (`to` not NULL);
 * a bound one to the wildcard gets that source address when it
 * connects. 0 or -EADDRINUSE. */
long inet_autobind(unsigned index, int type, const struct inet_name *to);

/* A connection's accepted end (opened by inet_open): the name its
 * client connected to. */
void inet_bind_accepted(unsigned index, int type,
			const struct inet_name *name);

/* The end's name (the wildcard and port 0 if unbound). */
struct inet_name inet_name_of(unsigned index);

/* SO_REUSEADDR and SO_REUSEPORT, kept for bind's checks (set), read
 * (set false: the value is returned). */
bool inet_reuse(unsigned index, int option, bool set, bool value);

/* The end is listening now (bind's checks treat it so). */
void inet_listening(unsigned index);

/* The end that takes a connection (a listening STREAM end) or a datagram
 * (a bound DGRAM end) of `type` sent to name, or -1: one bound to the
 * address itself first, else one bound to a wildcard that takes it (an
 * AF_INET end's first). */
long inet_find(int type, const struct inet_name *name);

/* A connected end's peer (connect's name), or forgotten. */
void inet_set_peer(unsigned index, const struct inet_name *peer);
const struct inet_name *inet_peer(unsigned index);

/* The name a datagram from the end to `to` comes from: its own, with a
 * wildcard address made the loopback's of to's family. */
struct inet_name inet_source_of(unsigned index, const struct inet_name *to);

/* The most bytes a UDP datagram to `to` carries: IPv4's 65,507, IPv6's
 * 65,527. */
uint32_t inet_datagram_max(const struct inet_name *to);

/* What a UDP datagram's IP header says that its receiver may ask for:
 * its destination's IPv4 address (network order; 0: ::1, for an IPv6
 * datagram), its hop limit (IPv4's TTL) and its traffic class (IPv4's
 * TOS), and the interface it came on. */
struct inet_marks {
	uint32_t destination4;
	uint8_t hops, traffic;
	bool from_network; /* it came on eth0 (received ones only) */
};

/* The marks of a datagram from end `index` to `to` (routed): from
 * sendmsg's control messages at `control` (`length` bytes, which
 * control_read checked) that set them, as Linux's ip_cmsg_send and
 * ip6_datagram_send_ctl read them, else from the end's options. 0, or
 * -EINVAL for a message of IP's (IPv4's datagram) or IPv6's level that
 * is malformed, out of range or of a type Wicket does not take. */
long inet_send_marks(unsigned index, const struct inet_name *to,
		     uint64_t control, uint64_t length,
		     struct inet_marks *marks);

struct control_out;

/* The control messages end `index` asked for (IP_PKTINFO, IP_RECVTTL
 * and IP_RECVTOS for an IPv4 datagram; IPV6_RECVPKTINFO, and for an IPv6
 * one IPV6_RECVHOPLIMIT and IPV6_RECVTCLASS) about a datagram with
 * `marks`, in Linux's order, into recvmsg's buffer. */
void inet_put_control(unsigned index, const struct inet_marks *marks,
		      struct control_out *out);

/* getsockopt (set false) and setsockopt (set true) on the IPPROTO_IP,
 * IPPROTO_IPV6 (an AF_INET6 end's) and IPPROTO_TCP levels: 0, -EINVAL (a
 * value out of range, IPV6_V6ONLY once bound) or -ENOPROTOOPT. Kept for
 * getsockopt; on the loopback only IPV6_V6ONLY, the hop limits and
 * traffic classes a datagram carries, and the control messages a
 * receiver asks for change anything. */
long inet_option(unsigned index, uint64_t level, uint64_t name, bool set,
		 int32_t *value);

/* TCP's keepalive times for end `index` (TCP_KEEPIDLE and
 * TCP_KEEPINTVL in seconds, TCP_KEEPCNT), as set or Linux's defaults
 * (7,200 s, 75 s, 9). */
void inet_keepalive(unsigned index, uint32_t times[3]);

/* The end is closed: its name is free. */
void inet_release(unsigned index);

#endif /* LIBOS_LINUX_SOCKET_INET_H */
