/*
 * The network interfaces, as Linux 6.x tells of them (net/core/rtnetlink.c,
 * net/ipv4/devinet.c, net/ipv4/fib_frontend.c, net/ipv6/addrconf.c):
 * - the loopback, which Linux calls `lo` (index 1, flags UP, LOOPBACK,
 *   RUNNING and LOWER_UP, MTU 65,536, a queue of 1,000, the addresses
 *   127.0.0.1/8 and ::1/128 of host scope, permanent, no counters);
 * - while net/netif.h's interface is up, `eth0` (index 2) as Linux shows
 *   a virtio-net device of one queue pair: Ethernet, flags UP, BROADCAST,
 *   RUNNING, MULTICAST and LOWER_UP, MTU 1,500 (68 to 65,535), a queue of
 *   1,000 under pfifo_fast (the kernel's default discipline), state UP,
 *   the device's MAC, netif's counters, and its one IPv4 address of
 *   global scope, permanent, with the subnet's broadcast, configured at
 *   boot (no DHCP lease; no IPv6 address, not even a link-local one).
 * Their routes are the ones Linux's fib_add_ifaddr makes for each address
 * (local and broadcast ones in the local table, eth0's subnet in the
 * main table) and eth0's default route through the gateway, which is
 * RTPROT_BOOT's, as `ip route add` at boot makes it: Wicket sets it from
 * its command line, as a static configuration would, not from a lease.
 *
 * rtnetlink tells of them for what getifaddrs, if_nameindex and their
 * kin ask: RTM_GETLINK (dumped, or got by index or name), RTM_GETADDR
 * and RTM_GETROUTE (dumped); and so do the SIOCGIF ioctls
 * (net/core/dev_ioctl.c), on any socket, and /proc/net's files. The
 * interfaces never change: requests to change them are -EPERM without
 * CAP_NET_ADMIN, as on Linux, and -EOPNOTSUPP with it, and so is any
 * other rtnetlink request (a route's lookup, neighbours, rules, queueing
 * disciplines). Linux gives its links many more attributes than the
 * ones here.
 */
#include "linux/interfaces.h"

#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/print.h"
#include "lib/string.h"
#include "linux/capability.h"
#include "mm/vm.h"
#include "net/netif.h"

#define CAP_NET_ADMIN 12

/* Netlink's messages (<linux/netlink.h>). */
struct netlink_header {
	uint32_t length;
	uint16_t type, flags;
	uint32_t sequence, portid;
};
#define HEADER_LENGTH 16
_Static_assert(sizeof(struct netlink_header) == HEADER_LENGTH, "nlmsghdr");

#define NLM_F_REQUEST 0x1
#define NLM_F_MULTI   0x2
#define NLM_F_ACK     0x4
#define NLM_F_DUMP    0x300 /* NLM_F_ROOT | NLM_F_MATCH */
#define NLM_F_CAPPED  0x100 /* on an error: its echo is the header alone */

#define NLMSG_ERROR    2
#define NLMSG_DONE     3
#define NLMSG_MIN_TYPE 0x10 /* below: control messages, only acknowledged */

/* rtnetlink (<linux/rtnetlink.h>): types from RTM_BASE in fours, NEW,
 * DEL, GET and SET of each kind of object. */
#define RTM_BASE    16
#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define RTM_NEWADDR 20
#define RTM_GETADDR 22
#define RTM_NEWROUTE 24
#define RTM_GETROUTE 26
#define RTM_MAX     123 /* Linux 6.x's last: RTM_GETTUNNEL's group */
#define KIND_GET    2

/* struct ifinfomsg and struct ifaddrmsg. */
struct link_message {
	uint8_t family, pad;
	uint16_t type;
	int32_t index;
	uint32_t flags, change;
};
struct address_message {
	uint8_t family, prefix_length, flags, scope;
	uint32_t index;
};

#define IFLA_ADDRESS       1
#define IFLA_BROADCAST     2
#define IFLA_IFNAME        3
#define IFLA_MTU           4
#define IFLA_QDISC         6
#define IFLA_STATS         7
#define IFLA_TXQLEN        13
#define IFLA_OPERSTATE     16
#define IFLA_LINKMODE      17
#define IFLA_GROUP         27
#define IFLA_PROMISCUITY   30
#define IFLA_NUM_TX_QUEUES 31
#define IFLA_NUM_RX_QUEUES 32
#define IFLA_CARRIER       33
#define IFLA_MIN_MTU       50
#define IFLA_MAX_MTU       51
#define IFLA_ALT_IFNAME    53
#define LINK_STATS_LENGTH  96 /* struct rtnl_link_stats: 24 counters */

/* struct rtmsg, and the routes' numbers (<linux/rtnetlink.h>). */
struct route_message {
	uint8_t family, destination_length, source_length, tos;
	uint8_t table, protocol, scope, type;
	uint32_t flags;
};
#define RTA_DST        1
#define RTA_OIF        4
#define RTA_GATEWAY    5
#define RTA_PRIORITY   6
#define RTA_PREFSRC    7
#define RTA_CACHEINFO  12
#define RTA_TABLE      15
#define RTA_PREF       20
#define RTA_CACHEINFO_LENGTH 32 /* struct rta_cacheinfo: zeros, for ::1 */
#define RT_TABLE_MAIN  254
#define RT_TABLE_LOCAL 255
#define RTPROT_KERNEL  2
#define RTPROT_BOOT    3
#define RT_SCOPE_UNIVERSE 0
#define RT_SCOPE_LINK  253
#define RT_SCOPE_HOST  254
#define RTN_UNICAST    1
#define RTN_LOCAL      2
#define RTN_BROADCAST  3
#define RTF_UP         0x1 /* the flags of /proc/net/route (<linux/route.h>) */
#define RTF_GATEWAY    0x2
#define RTF_HOST       0x4

#define IFA_ADDRESS   1
#define IFA_LOCAL     2
#define IFA_LABEL     3
#define IFA_BROADCAST 4
#define IFA_CACHEINFO 6
#define IFA_FLAGS     8
#define IFA_PROTO     11
#define IFAPROT_KERNEL_LO 1 /* IFA_PROTO: the loopback's own address */
#define IFA_F_PERMANENT 0x80
#define FOREVER       0xffffffff /* struct ifa_cacheinfo's lifetimes */

#define AF_UNSPEC 0
#define AF_INET   2
#define AF_INET6  10

#define IFNAMSIZ        16
#define ARPHRD_ETHER    1
#define ARPHRD_LOOPBACK 772
#define IFF_UP          0x1
#define IFF_BROADCAST   0x2
#define IFF_LOOPBACK    0x8
#define IFF_RUNNING     0x40
#define IFF_MULTICAST   0x1000
#define IFF_LOWER_UP    0x10000
#define IF_OPER_UNKNOWN 0
#define IF_OPER_UP      6
#define QUEUE_LENGTH    1000 /* both's: Linux's default tx_queue_len */

/* The loopback. */
#define LOOPBACK_INDEX  1
#define LOOPBACK_FLAGS  (IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP)
#define LOOPBACK_MTU    65536
#define LOOPBACK_ADDRESS 0x0100007f /* 127.0.0.1, network order */
#define LOOPBACK_NETMASK 0x000000ff /* 255.0.0.0 */
#define LOOPBACK6_PREFIX 128
static const uint8_t loopback6[16] = { [15] = 1 }; /* ::1 */
static const char loopback_name[] = "lo";

/* eth0: virtio-net's link (drivers/net/virtio_net.c: ETH_MIN_MTU to
 * 65,535). */
#define ETHERNET_INDEX  NETIF_INDEX
#define ETHERNET_FLAGS  (IFF_UP | IFF_BROADCAST | IFF_RUNNING | \
			 IFF_MULTICAST | IFF_LOWER_UP)
#define ETHERNET_MIN_MTU 68
#define ETHERNET_MAX_MTU 65535

/* An interface as the answers tell of it: its link, its one IPv4
 * address (network order, as the structures carry it) and its
 * counters. */
struct interface {
	const char *name;
	int32_t index;
	uint16_t type;         /* ARPHRD_* */
	uint32_t flags;        /* IFF_*, IFF_LOWER_UP among them */
	uint8_t operstate;     /* IF_OPER_* */
	uint32_t mtu, min_mtu, max_mtu;
	const char *qdisc;
	uint8_t mac[6], broadcast_mac[6];
	uint32_t address, netmask;
	uint32_t broadcast;    /* the address's broadcast, 0: none (lo's) */
	uint8_t scope;         /* the address's RT_SCOPE_* */
	uint64_t received[2], sent[2]; /* packets, bytes */
	uint64_t dropped;      /* frames not sent (net/netif.c drops only
				  sends) */
};
#define INTERFACES_MAX 2

static const struct interface loopback = {
	.name = loopback_name, .index = LOOPBACK_INDEX,
	.type = ARPHRD_LOOPBACK, .flags = LOOPBACK_FLAGS,
	.operstate = IF_OPER_UNKNOWN, .mtu = LOOPBACK_MTU,
	.qdisc = "noqueue", .address = LOOPBACK_ADDRESS,
	.netmask = LOOPBACK_NETMASK, .scope = RT_SCOPE_HOST,
};

/* A netmask's prefix length (its ones lead). */
static uint8_t prefix_length(uint32_t netmask)
{
	uint32_t ones = __builtin_bswap32(netmask);

	return ones ? (uint8_t)(32 - __builtin_ctz(ones)) : 0;
}

/* The interfaces in the order of their indexes, which is Linux's in every
 * list here: lo, then eth0 while it is up. Their count. */
static unsigned interfaces_now(struct interface list[INTERFACES_MAX])
{
	struct interface *ethernet = &list[1];

	list[0] = loopback;
	if (!netif.up)
		return 1;
	*ethernet = (struct interface){
		.name = "eth0", .index = ETHERNET_INDEX, .type = ARPHRD_ETHER,
		.flags = ETHERNET_FLAGS, .operstate = IF_OPER_UP,
		.mtu = NET_MTU, .min_mtu = ETHERNET_MIN_MTU,
		.max_mtu = ETHERNET_MAX_MTU, .qdisc = "pfifo_fast",
		.broadcast_mac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		.address = netif.address, .netmask = netif.netmask,
		.scope = RT_SCOPE_UNIVERSE, .dropped = netif.dropped,
	};
	/* Linux gives an address a broadcast when its subnet has one. */
	if (prefix_length(netif.netmask) < 31)
		ethernet->broadcast = netif.address | ~netif.netmask;
	memcpy(ethernet->mac, netif.mac, sizeof(ethernet->mac));
	memcpy(ethernet->received, netif.received, sizeof(netif.received));
	memcpy(ethernet->sent, netif.sent, sizeof(netif.sent));
	return 2;
}

/* The interface of `index`, or with index 0 the one `name` (length
 * bytes, without a NUL) names; NULL for none. */
static const struct interface *interface_find(const struct interface *list,
					      unsigned count, int32_t index,
					      const char *name, size_t length)
{
	for (unsigned i = 0; i < count; i++)
		if (index ? list[i].index == index
			  : string_equals_word(name, length, list[i].name))
			return &list[i];
	return NULL;
}

/* An IPv4 route, as fib_dump_info and /proc/net/route tell of it. */
struct route {
	uint8_t table, protocol, scope, type;
	uint32_t destination;  /* network order */
	uint8_t length;        /* the destination's prefix length */
	uint32_t source;       /* RTA_PREFSRC's, 0: none */
	uint32_t gateway;      /* RTA_GATEWAY's, 0: none */
	const struct interface *device;
};
#define ROUTES_MAX (3 * INTERFACES_MAX + 1)

/* Whether a dump lists a before b: by table (main's number is below
 * local's), then by destination as the table's trie holds them (in host
 * order), a longer prefix first. */
static bool route_before(const struct route *a, const struct route *b)
{
	uint32_t key_a = __builtin_bswap32(a->destination),
		 key_b = __builtin_bswap32(b->destination);

	if (a->table != b->table)
		return a->table < b->table;
	if (key_a != key_b)
		return key_a < key_b;
	return a->length > b->length;
}

/* The IPv4 routes of the interfaces in `list` (their count) in a dump's
 * order: for each address the ones fib_add_ifaddr makes (the address's
 * local route; unless it is a /32, its subnet's, a local one on the
 * loopback and else the main table's, and below /31 the subnet's
 * broadcast), and eth0's default route through its gateway. Their
 * count. */
static unsigned routes_now(const struct interface *list, unsigned count,
			   struct route routes[ROUTES_MAX])
{
	unsigned n = 0;

	for (unsigned i = 0; i < count; i++) {
		const struct interface *device = &list[i];
		uint8_t length = prefix_length(device->netmask);
		uint32_t subnet = device->address & device->netmask;
		bool on_loopback = device->flags & IFF_LOOPBACK;

		routes[n++] = (struct route){
			RT_TABLE_LOCAL, RTPROT_KERNEL, RT_SCOPE_HOST,
			RTN_LOCAL, device->address, 32, device->address, 0,
			device
		};
		if (length == 0 || length == 32)
			continue;
		routes[n++] = (struct route){
			on_loopback ? RT_TABLE_LOCAL : RT_TABLE_MAIN,
			RTPROT_KERNEL,
			on_loopback ? RT_SCOPE_HOST : RT_SCOPE_LINK,
			on_loopback ? RTN_LOCAL : RTN_UNICAST,
			subnet, length, device->address, 0, device
		};
		if (length < 31)
			routes[n++] = (struct route){
				RT_TABLE_LOCAL, RTPROT_KERNEL, RT_SCOPE_LINK,
				RTN_BROADCAST, subnet | ~device->netmask, 32,
				device->address, 0, device
			};
	}
	if (count > 1 && netif.gateway)
		routes[n++] = (struct route){
			RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE,
			RTN_UNICAST, 0, 0, 0, netif.gateway, &list[1]
		};
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i;
		     j && route_before(&routes[j], &routes[j - 1]); j--) {
			struct route earlier = routes[j - 1];

			routes[j - 1] = routes[j];
			routes[j] = earlier;
		}
	return n;
}

/* The datagram being built, and the socket it goes to. */
static uint8_t datagram[NETLINK_REQUESTS_MAX + 64];
static uint32_t used;

struct answering {
	uint32_t portid, sequence;
	netlink_deliver *deliver;
	void *context;
};

static void *put(const void *bytes, uint32_t length)
{
	void *at = datagram + used;

	if (bytes)
		memcpy(at, bytes, length);
	else
		memset(at, 0, length);
	used += (length + 3) & ~3u;
	return at;
}

/* A message starts: its header, filled in by message_end. */
static struct netlink_header *message_start(const struct answering *to,
					    uint16_t type, uint16_t flags)
{
	struct netlink_header header = { 0, type, flags, to->sequence,
					  to->portid };

	return put(&header, HEADER_LENGTH);
}

static void message_end(struct netlink_header *header)
{
	header->length = (uint32_t)(datagram + used - (uint8_t *)header);
}

static void attribute(uint16_t type, const void *bytes, uint16_t length)
{
	uint16_t head[2] = { (uint16_t)(4 + length), type };

	put(head, sizeof(head));
	put(bytes, length);
}

static void attribute_u32(uint16_t type, uint32_t value)
{
	attribute(type, &value, sizeof(value));
}

static void attribute_u8(uint16_t type, uint8_t value)
{
	attribute(type, &value, sizeof(value));
}

static void send_datagram(const struct answering *to)
{
	to->deliver(to->context, datagram, used);
	used = 0;
}

/* RTM_NEWLINK of an interface (`flags`: NLM_F_MULTI in a dump). */
static void put_link(const struct answering *to, uint16_t flags,
		     const struct interface *interface)
{
	struct netlink_header *header = message_start(to, RTM_NEWLINK, flags);
	struct link_message link = { AF_UNSPEC,	       0,
				     interface->type,  interface->index,
				     interface->flags, 0 };
	/* struct rtnl_link_stats (Linux cuts its counters to 32 bits):
	 * packets received and sent, bytes received and sent, then errors
	 * and drops, each received then sent. */
	uint32_t stats[LINK_STATS_LENGTH / 4] = {
		(uint32_t)interface->received[0], (uint32_t)interface->sent[0],
		(uint32_t)interface->received[1], (uint32_t)interface->sent[1],
		[7] = (uint32_t)interface->dropped
	};

	put(&link, sizeof(link));
	attribute(IFLA_IFNAME, interface->name,
		  (uint16_t)(strlen(interface->name) + 1));
	attribute_u32(IFLA_TXQLEN, QUEUE_LENGTH);
	attribute_u8(IFLA_OPERSTATE, interface->operstate);
	attribute_u8(IFLA_LINKMODE, 0);
	attribute_u32(IFLA_MTU, interface->mtu);
	attribute_u32(IFLA_MIN_MTU, interface->min_mtu);
	attribute_u32(IFLA_MAX_MTU, interface->max_mtu);
	attribute_u32(IFLA_GROUP, 0);
	attribute_u32(IFLA_PROMISCUITY, 0);
	attribute_u32(IFLA_NUM_TX_QUEUES, 1);
	attribute_u32(IFLA_NUM_RX_QUEUES, 1);
	attribute_u8(IFLA_CARRIER, 1);
	attribute(IFLA_QDISC, interface->qdisc,
		  (uint16_t)(strlen(interface->qdisc) + 1));
	attribute(IFLA_ADDRESS, interface->mac, sizeof(interface->mac));
	attribute(IFLA_BROADCAST, interface->broadcast_mac,
		  sizeof(interface->broadcast_mac));
	attribute(IFLA_STATS, stats, sizeof(stats));
	message_end(header);
}

/* struct ifa_cacheinfo of a permanent address made at boot: lifetimes,
 * then when it was made and last changed (hundredths of seconds from
 * boot). */
static const uint32_t address_cache[4] = { FOREVER, FOREVER, 0, 0 };

/* RTM_NEWADDR of an interface's IPv4 address in a dump, with the
 * attributes and in the order of Linux's inet_fill_ifaddr. */
static void put_address(const struct answering *to,
			const struct interface *interface)
{
	struct netlink_header *header = message_start(to, RTM_NEWADDR,
						      NLM_F_MULTI);
	struct address_message address = {
		AF_INET, prefix_length(interface->netmask), IFA_F_PERMANENT,
		interface->scope, (uint32_t)interface->index
	};

	put(&address, sizeof(address));
	attribute_u32(IFA_ADDRESS, interface->address);
	attribute_u32(IFA_LOCAL, interface->address);
	if (interface->broadcast)
		attribute_u32(IFA_BROADCAST, interface->broadcast);
	attribute(IFA_LABEL, interface->name,
		  (uint16_t)(strlen(interface->name) + 1));
	attribute_u32(IFA_FLAGS, IFA_F_PERMANENT);
	attribute(IFA_CACHEINFO, address_cache, sizeof(address_cache));
	message_end(header);
}

/* RTM_NEWADDR of ::1 in a dump (inet6_fill_ifaddr's). */
static void put_address6(const struct answering *to)
{
	struct netlink_header *header = message_start(to, RTM_NEWADDR,
						      NLM_F_MULTI);
	struct address_message address = { AF_INET6, LOOPBACK6_PREFIX,
					   IFA_F_PERMANENT, RT_SCOPE_HOST,
					   LOOPBACK_INDEX };

	put(&address, sizeof(address));
	attribute(IFA_ADDRESS, loopback6, sizeof(loopback6));
	attribute(IFA_CACHEINFO, address_cache, sizeof(address_cache));
	attribute_u32(IFA_FLAGS, IFA_F_PERMANENT);
	attribute_u8(IFA_PROTO, IFAPROT_KERNEL_LO);
	message_end(header);
}

/* RTM_NEWROUTE of an IPv4 route in a dump, with fib_dump_info's
 * attributes: no RTA_PRIORITY, every route's metric being 0. */
static void put_route(const struct answering *to, const struct route *route)
{
	struct netlink_header *header = message_start(to, RTM_NEWROUTE,
						      NLM_F_MULTI);
	struct route_message message = { AF_INET,	     route->length,
					 0,		     0,
					 route->table,	     route->protocol,
					 route->scope,	     route->type,
					 0 };

	put(&message, sizeof(message));
	attribute_u32(RTA_TABLE, route->table);
	if (route->length)
		attribute_u32(RTA_DST, route->destination);
	if (route->source)
		attribute_u32(RTA_PREFSRC, route->source);
	if (route->gateway)
		attribute_u32(RTA_GATEWAY, route->gateway);
	attribute_u32(RTA_OIF, (uint32_t)route->device->index);
	message_end(header);
}

/* RTM_NEWROUTE of ::1's route in the local table (rt6_fill_node's). */
static void put_route6(const struct answering *to)
{
	struct netlink_header *header = message_start(to, RTM_NEWROUTE,
						      NLM_F_MULTI);
	struct route_message route = { AF_INET6,	  LOOPBACK6_PREFIX,
				       0,		  0,
				       RT_TABLE_LOCAL,	  RTPROT_KERNEL,
				       RT_SCOPE_UNIVERSE, RTN_LOCAL,
				       0 };

	put(&route, sizeof(route));
	attribute_u32(RTA_TABLE, RT_TABLE_LOCAL);
	attribute(RTA_DST, loopback6, sizeof(loopback6));
	attribute_u32(RTA_PRIORITY, 0);
	attribute_u32(RTA_OIF, LOOPBACK_INDEX);
	attribute(RTA_CACHEINFO, NULL, RTA_CACHEINFO_LENGTH);
	attribute_u8(RTA_PREF, 0); /* ICMPV6_ROUTER_PREF_MEDIUM */
	message_end(header);
}

/* A dump: its messages in one datagram, then NLMSG_DONE in its own, as
 * Linux splits them. A family other than AF_INET and AF_INET6 dumps
 * both, IPv4's first; each family's list goes by the interfaces' indexes
 * (IPv6's has ::1 alone), and IPv4's routes as routes_now orders them. */
static void dump(const struct answering *to, uint16_t type, uint8_t family)
{
	struct interface interfaces[INTERFACES_MAX];
	unsigned count = interfaces_now(interfaces);
	int32_t status = 0;
	bool ipv4 = family != AF_INET6, ipv6 = family != AF_INET;

	if (type == RTM_GETLINK) {
		for (unsigned i = 0; i < count; i++)
			put_link(to, NLM_F_MULTI, &interfaces[i]);
	} else if (type == RTM_GETADDR) {
		for (unsigned i = 0; ipv4 && i < count; i++)
			put_address(to, &interfaces[i]);
		if (ipv6)
			put_address6(to);
	} else {
		struct route routes[ROUTES_MAX];
		unsigned routes_count = routes_now(interfaces, count, routes);

		for (unsigned i = 0; ipv4 && i < routes_count; i++)
			put_route(to, &routes[i]);
		if (ipv6)
			put_route6(to);
	}
	if (used)
		send_datagram(to);
	struct netlink_header *done = message_start(to, NLMSG_DONE,
						    NLM_F_MULTI);

	put(&status, sizeof(status));
	message_end(done);
	send_datagram(to);
}

/* RTM_GETLINK without a dump (rtnl_getlink): by ifi_index, or else by
 * IFLA_IFNAME or IFLA_ALT_IFNAME (-ERANGE for a name empty or longer
 * than a name may be). 0 once answered, or an error. */
static long get_link(const struct answering *to, const uint8_t *payload,
		     uint32_t length)
{
	struct interface interfaces[INTERFACES_MAX];
	unsigned count = interfaces_now(interfaces);
	const struct interface *found;
	struct link_message link;
	const char *name = NULL;
	uint32_t name_length = 0;

	if (length < sizeof(link))
		return -EINVAL;
	memcpy(&link, payload, sizeof(link));
	for (uint32_t at = sizeof(link); at + 4 <= length;) {
		uint16_t head[2];

		memcpy(head, payload + at, sizeof(head));
		if (head[0] < 4 || head[0] > length - at)
			return -EINVAL;
		if ((head[1] == IFLA_IFNAME || head[1] == IFLA_ALT_IFNAME) &&
		    name == NULL) {
			name = (const char *)payload + at + 4;
			name_length = (uint32_t)head[0] - 4;
			if (name_length && name[name_length - 1] == '\0')
				name_length--;
			if (name_length == 0 || name_length >= IFNAMSIZ)
				return -ERANGE;
		}
		at += ((uint32_t)head[0] + 3) & ~3u;
	}
	if (link.index <= 0 && name == NULL)
		return -EINVAL;
	found = interface_find(interfaces, count,
			       link.index > 0 ? link.index : 0, name,
			       name_length);
	if (found == NULL)
		return -ENODEV;
	put_link(to, 0, found);
	send_datagram(to);
	return 0;
}

/* One rtnetlink request (rtnetlink_rcv_msg): 0, an error, or 1 for a
 * dump, which is never acknowledged. */
static long route_request(const struct answering *to,
			  const struct netlink_header *header,
			  const uint8_t *payload)
{
	uint32_t length = header->length - HEADER_LENGTH;
	unsigned kind = (unsigned)(header->type - RTM_BASE) & 3;

	if (header->type > RTM_MAX)
		return -EOPNOTSUPP;
	if (length < 1) /* not even a struct rtgenmsg */
		return 0;
	if (kind != KIND_GET)
		return capability_effective(CAP_NET_ADMIN) ? -EOPNOTSUPP
							   : -EPERM;
	if (header->type != RTM_GETLINK && header->type != RTM_GETADDR &&
	    header->type != RTM_GETROUTE)
		return -EOPNOTSUPP;
	if (header->flags & NLM_F_DUMP) {
		dump(to, header->type, payload[0]);
		return 1;
	}
	return header->type == RTM_GETLINK ? get_link(to, payload, length)
					   : -EOPNOTSUPP;
}

/* NLMSG_ERROR: the error (0: an acknowledgement), then the request's
 * header, and its payload too for an error unless acknowledgements are
 * capped. */
static void acknowledge(const struct answering *to,
			const struct netlink_header *request, int32_t error,
			bool capped_acks)
{
	bool whole = error && !capped_acks;
	struct netlink_header *header = message_start(
		to, NLMSG_ERROR, whole ? 0 : NLM_F_CAPPED);

	put(&error, sizeof(error));
	put(request, whole ? request->length : HEADER_LENGTH);
	message_end(header);
	if (whole) /* Linux counts the echo's own length, unpadded */
		header->length = HEADER_LENGTH + 4 + request->length;
	send_datagram(to);
}

void netlink_answer(const uint8_t *requests, uint32_t length, uint32_t portid,
		    bool capped_acks, netlink_deliver *deliver, void *context)
{
	struct answering to = { portid, 0, deliver, context };

	used = 0;
	while (length >= HEADER_LENGTH) {
		struct netlink_header header;

		memcpy(&header, requests, HEADER_LENGTH);
		if (header.length < HEADER_LENGTH || header.length > length)
			return; /* Linux drops the rest */
		long error = 0;

		to.sequence = header.sequence;
		if ((header.flags & NLM_F_REQUEST) &&
		    header.type >= NLMSG_MIN_TYPE)
			error = route_request(&to, &header,
					      requests + HEADER_LENGTH);
		if (error != 1 && (error || (header.flags & NLM_F_ACK))) {
			/* The echo is read from the request in place. */
			acknowledge(&to, (const struct netlink_header *)requests,
				    (int32_t)error, capped_acks);
		}
		uint32_t step = (header.length + 3) & ~3u;

		step = step < length ? step : length;
		requests += step;
		length -= step;
	}
}

/* The ioctls' requests (<linux/sockios.h>). */
#define SIOCGIFNAME    0x8910
#define SIOCGIFCONF    0x8912
#define SIOCGIFFLAGS   0x8913
#define SIOCGIFADDR    0x8915
#define SIOCGIFDSTADDR 0x8917
#define SIOCGIFBRDADDR 0x8919
#define SIOCGIFNETMASK 0x891b
#define SIOCGIFMETRIC  0x891d
#define SIOCGIFMTU     0x8921
#define SIOCGIFHWADDR  0x8927
#define SIOCGIFINDEX   0x8933
#define SIOCGIFTXQLEN  0x8942
/* The ones that change an interface: SIOCSIFFLAGS, SIOCSIFADDR,
 * SIOCSIFDSTADDR, SIOCSIFBRDADDR, SIOCSIFNETMASK, SIOCSIFMETRIC,
 * SIOCSIFMTU, SIOCSIFNAME, SIOCSIFHWADDR and SIOCSIFTXQLEN. */
static const uint16_t changes[] = { 0x8914, 0x8916, 0x8918, 0x891a, 0x891c,
				    0x891e, 0x8922, 0x8923, 0x8924, 0x8943 };

/* struct ifreq: a name, then one of these. */
struct interface_request {
	char name[IFNAMSIZ];
	union {
		int32_t index, flags, metric, mtu, queue;
		struct {
			uint16_t family;
			uint8_t data[14];
		} address; /* a struct sockaddr */
		uint8_t bytes[24];
	};
};
_Static_assert(sizeof(struct interface_request) == 40, "ifreq");

/* struct ifconf. */
struct interface_list {
	int32_t length, pad;
	uint64_t requests;
};

/* An IPv4 address into a request's struct sockaddr. */
static void put_inet(struct interface_request *request, uint32_t address)
{
	memset(request->bytes, 0, sizeof(request->bytes));
	request->address.family = AF_INET;
	memcpy(request->address.data + 2, &address, sizeof(address));
}

/* SIOCGIFCONF (dev_ifconf, inet_gifconf): an entry for each IPv4
 * address, by interface, as many whole ones as the buffer takes, or
 * with no buffer the room they all take. */
static long list_interfaces(uint64_t argument)
{
	struct interface interfaces[INTERFACES_MAX];
	unsigned count = interfaces_now(interfaces), listed = 0;
	struct interface_list list;
	struct interface_request entry;

	if (!vm_user_ok(argument, sizeof(list), PROT_READ | PROT_WRITE))
		return -EFAULT;
	memcpy(&list, (const void *)argument, sizeof(list));
	if (list.requests == 0) {
		((struct interface_list *)argument)->length =
			(int32_t)(count * sizeof(entry));
		return 0;
	}
	for (; listed < count &&
	       list.length >= (int64_t)((listed + 1) * sizeof(entry));
	     listed++) {
		uint64_t at = list.requests + listed * sizeof(entry);
		const char *name = interfaces[listed].name;

		if (!vm_user_ok(at, sizeof(entry), PROT_WRITE))
			return -EFAULT;
		memset(entry.name, 0, sizeof(entry.name));
		memcpy(entry.name, name, strlen(name));
		put_inet(&entry, interfaces[listed].address);
		memcpy((void *)at, &entry, sizeof(entry));
	}
	((struct interface_list *)argument)->length =
		(int32_t)(listed * sizeof(entry));
	return 0;
}

long interfaces_ioctl(int family, uint64_t request, uint64_t argument)
{
	struct interface interfaces[INTERFACES_MAX];
	unsigned count = interfaces_now(interfaces);
	const struct interface *found;
	struct interface_request asked;
	bool inet_only = request == SIOCGIFADDR || request == SIOCGIFDSTADDR ||
			 request == SIOCGIFBRDADDR || request == SIOCGIFNETMASK;

	if (request == SIOCGIFCONF)
		return list_interfaces(argument);
	for (unsigned i = 0; i < sizeof(changes) / sizeof(changes[0]); i++)
		if (request == changes[i])
			return capability_effective(CAP_NET_ADMIN)
				       ? -EOPNOTSUPP
				       : -EPERM;
	if (request != SIOCGIFNAME && request != SIOCGIFFLAGS &&
	    request != SIOCGIFMETRIC && request != SIOCGIFMTU &&
	    request != SIOCGIFHWADDR && request != SIOCGIFINDEX &&
	    request != SIOCGIFTXQLEN && !inet_only)
		return -ENOIOCTLCMD;
	if (inet_only && family != AF_INET)
		return -ENOTTY;
	if (!vm_user_ok(argument, sizeof(asked), PROT_READ | PROT_WRITE))
		return -EFAULT;
	memcpy(&asked, (const void *)argument, sizeof(asked));
	asked.name[IFNAMSIZ - 1] = '\0';
	if (request == SIOCGIFNAME) {
		found = asked.index > 0 ? interface_find(interfaces, count,
							 asked.index, NULL, 0)
					: NULL;
		if (found == NULL)
			return -ENODEV;
		memset(asked.name, 0, sizeof(asked.name));
		memcpy(asked.name, found->name, strlen(found->name));
	} else {
		found = interface_find(interfaces, count, 0, asked.name,
				       strlen(asked.name));
		if (found == NULL)
			return -ENODEV;
	}
	switch (request) {
	case SIOCGIFFLAGS: /* the low 16 bits: no IFF_LOWER_UP */
		asked.flags = (int32_t)(found->flags & 0xffff);
		break;
	case SIOCGIFMETRIC:
		asked.metric = 0;
		break;
	case SIOCGIFMTU:
		asked.mtu = (int32_t)found->mtu;
		break;
	case SIOCGIFTXQLEN:
		asked.queue = QUEUE_LENGTH;
		break;
	case SIOCGIFINDEX:
		asked.index = found->index;
		break;
	case SIOCGIFHWADDR:
		memset(asked.bytes, 0, sizeof(asked.bytes));
		asked.address.family = found->type;
		memcpy(asked.address.data, found->mac, sizeof(found->mac));
		break;
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR: /* a point-to-point peer's: the address */
		put_inet(&asked, found->address);
		break;
	case SIOCGIFBRDADDR:
		put_inet(&asked, found->broadcast);
		break;
	case SIOCGIFNETMASK:
		put_inet(&asked, found->netmask);
		break;
	}
	memcpy((void *)argument, &asked, sizeof(asked));
	return 0;
}

/* /proc/net/dev (Linux's dev_seq_show): each interface's counters, as
 * its IFLA_STATS; the columns no counter fills are zeros. */
size_t interfaces_proc_dev(char *out, size_t size)
{
	static const char header[] =
		"Inter-|   Receive                                        "
		"        |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed "
		"multicast|bytes    packets errs drop fifo colls carrier "
		"compressed\n";
	struct interface interfaces[INTERFACES_MAX];
	unsigned count = interfaces_now(interfaces);
	size_t length = print_format_to(out, size, "%s", header);

	for (unsigned i = 0; i < count; i++) {
		const struct interface *it = &interfaces[i];

		length += print_format_to(
			out + length, size - length,
			"%6s:%8lu %7lu %4u %4u %4u %5u %10u %9u %8lu %7lu %4u "
			"%4lu %4u %5u %7u %10u\n",
			it->name, (unsigned long)it->received[1],
			(unsigned long)it->received[0], 0, 0, 0, 0, 0, 0,
			(unsigned long)it->sent[1], (unsigned long)it->sent[0],
			0, (unsigned long)it->dropped, 0, 0, 0, 0);
	}
	return length;
}

size_t interfaces_proc_if_inet6(char *out, size_t size)
{
	/* The address, index, prefix length, scope (IPV6_ADDR_LOOPBACK),
	 * flags (IFA_F_PERMANENT) and name, as Linux's if6_seq_show. */
	return print_format_to(out, size, "%032x %02x %02x %02x %02x %8s\n", 1,
			       LOOPBACK_INDEX, LOOPBACK6_PREFIX, 0x10,
			       IFA_F_PERMANENT, loopback_name);
}

/* /proc/net/route (fib_route_seq_show): the main table's routes (only
 * eth0 has any: the loopback's are all in the local table), each line
 * padded to 127 characters. Addresses are the network-order words in
 * hexadecimal, as a little-endian Linux prints them; the flags RTF_UP,
 * RTF_GATEWAY for a route through one, RTF_HOST for a /32. */

size_t interfaces_proc_route(char *out, size_t size)
{
	struct interface interfaces[INTERFACES_MAX];
	struct route routes[ROUTES_MAX];
	unsigned count = routes_now(interfaces, interfaces_now(interfaces),
				    routes);
	size_t length = print_format_to(
		out, size, "%-127s\n",
		"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\t"
		"Mask\t\tMTU\tWindow\tIRTT");

	for (unsigned i = 0; i < count && routes[i].table == RT_TABLE_MAIN;
	     i++) {
		const struct route *route = &routes[i];
		unsigned flags = RTF_UP | (route->gateway ? RTF_GATEWAY : 0) |
				 (route->length == 32 ? RTF_HOST : 0);
		uint32_t mask = route->length ? __builtin_bswap32(
				~UINT32_C(0) << (32 - route->length)) : 0;
		char line[128];

		print_format_to(line, sizeof(line),
				"%s\t%08X\t%08X\t%04X\t0\t0\t0\t%08X\t0\t0\t0",
				route->device->name, route->destination,
				route->gateway, flags, mask);
		length += print_format_to(out + length, size - length,
					  "%-127s\n", line);
	}
	return length;
}
