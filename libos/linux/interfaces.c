/*
 * The network interfaces: Wicket has one, the loopback, which Linux
 * calls `lo` (index 1, flags UP, LOOPBACK, RUNNING and LOWER_UP, MTU
 * 65,536, a queue of 1,000, the addresses 127.0.0.1/8 and ::1/128 of host
 * scope, permanent). rtnetlink tells of it as Linux 6.x does
 * (net/core/rtnetlink.c, net/ipv4/devinet.c, net/ipv6/addrconf.c), for
 * what getifaddrs, if_nameindex and their kin ask: RTM_GETLINK (dumped,
 * or got by index or name), RTM_GETADDR and RTM_GETROUTE (dumped: the
 * local table's routes of both addresses); and so do the SIOCGIF ioctls
 * (net/core/dev_ioctl.c), on any socket, and /proc/net's files. The
 * interface has no counters (its IFLA_STATS are zeros) and never
 * changes: requests to change it are -EPERM without CAP_NET_ADMIN, as on
 * Linux, and -EOPNOTSUPP with it, and so is any other rtnetlink request
 * (a route's lookup, neighbours, rules, queueing disciplines). Linux
 * gives its links many more attributes than the ones here.
 */
#include "linux/interfaces.h"

#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/print.h"
#include "lib/string.h"
#include "linux/capability.h"
#include "mm/vm.h"

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
#define RTA_PRIORITY   6
#define RTA_PREFSRC    7
#define RTA_CACHEINFO  12
#define RTA_TABLE      15
#define RTA_PREF       20
#define RTA_CACHEINFO_LENGTH 32 /* struct rta_cacheinfo: zeros, for ::1 */
#define RT_TABLE_LOCAL 255
#define RTPROT_KERNEL  2
#define RT_SCOPE_LINK  253
#define RTN_LOCAL      2
#define RTN_BROADCAST  3
#define LOOPBACK_BROADCAST 0xffffff7f /* 127.255.255.255 */

#define IFA_ADDRESS   1
#define IFA_LOCAL     2
#define IFA_LABEL     3
#define IFA_CACHEINFO 6
#define IFA_FLAGS     8
#define IFA_PROTO     11
#define IFAPROT_KERNEL_LO 1 /* IFA_PROTO: the loopback's own address */
#define IFA_F_PERMANENT 0x80
#define FOREVER       0xffffffff /* struct ifa_cacheinfo's lifetimes */

#define AF_UNSPEC 0
#define AF_INET   2
#define AF_INET6  10

/* The loopback. */
#define LOOPBACK_INDEX  1
#define ARPHRD_LOOPBACK 772
#define IFF_UP          0x1
#define IFF_LOOPBACK    0x8
#define IFF_RUNNING     0x40
#define IFF_LOWER_UP    0x10000
#define LOOPBACK_FLAGS  (IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP)
#define LOOPBACK_MTU    65536
#define LOOPBACK_QUEUE  1000
#define LOOPBACK_ADDRESS 0x0100007f /* 127.0.0.1, network order */
#define LOOPBACK_NETMASK 0x000000ff /* 255.0.0.0 */
#define LOOPBACK_PREFIX 8
#define RT_SCOPE_HOST   254
#define RT_SCOPE_UNIVERSE 0
#define LOOPBACK6_PREFIX 128
static const uint8_t loopback6[16] = { [15] = 1 }; /* ::1 */
#define IFNAMSIZ        16
static const char loopback_name[] = "lo";

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

/* RTM_NEWLINK of the loopback (`flags`: NLM_F_MULTI in a dump). */
static void put_link(const struct answering *to, uint16_t flags)
{
	static const uint8_t no_address[6];
	struct netlink_header *header = message_start(to, RTM_NEWLINK, flags);
	struct link_message link = { AF_UNSPEC, 0, ARPHRD_LOOPBACK,
				     LOOPBACK_INDEX, LOOPBACK_FLAGS, 0 };

	put(&link, sizeof(link));
	attribute(IFLA_IFNAME, loopback_name, sizeof(loopback_name));
	attribute_u32(IFLA_TXQLEN, LOOPBACK_QUEUE);
	attribute_u8(IFLA_OPERSTATE, 0); /* IF_OPER_UNKNOWN, as lo's */
	attribute_u8(IFLA_LINKMODE, 0);
	attribute_u32(IFLA_MTU, LOOPBACK_MTU);
	attribute_u32(IFLA_MIN_MTU, 0);
	attribute_u32(IFLA_MAX_MTU, 0);
	attribute_u32(IFLA_GROUP, 0);
	attribute_u32(IFLA_PROMISCUITY, 0);
	attribute_u32(IFLA_NUM_TX_QUEUES, 1);
	attribute_u32(IFLA_NUM_RX_QUEUES, 1);
	attribute_u8(IFLA_CARRIER, 1);
	attribute(IFLA_QDISC, "noqueue", sizeof("noqueue"));
	attribute(IFLA_ADDRESS, no_address, sizeof(no_address));
	attribute(IFLA_BROADCAST, no_address, sizeof(no_address));
	attribute(IFLA_STATS, NULL, LINK_STATS_LENGTH);
	message_end(header);
}

/* RTM_NEWADDR of 127.0.0.1 or ::1 (flags as put_link's), with the
 * attributes and in the order of Linux's inet_fill_ifaddr and
 * inet6_fill_ifaddr. */
static void put_address(const struct answering *to, uint16_t flags,
			uint8_t family)
{
	struct netlink_header *header = message_start(to, RTM_NEWADDR, flags);
	struct address_message address = {
		family, family == AF_INET ? LOOPBACK_PREFIX : LOOPBACK6_PREFIX,
		IFA_F_PERMANENT, RT_SCOPE_HOST, LOOPBACK_INDEX
	};
	/* struct ifa_cacheinfo: lifetimes, then when it was made and last
	 * changed (hundredths of seconds from boot: at boot). */
	uint32_t cache[4] = { FOREVER, FOREVER, 0, 0 };

	put(&address, sizeof(address));
	if (family == AF_INET6) {
		attribute(IFA_ADDRESS, loopback6, sizeof(loopback6));
		attribute(IFA_CACHEINFO, cache, sizeof(cache));
		attribute_u32(IFA_FLAGS, IFA_F_PERMANENT);
		attribute_u8(IFA_PROTO, IFAPROT_KERNEL_LO);
		message_end(header);
		return;
	}
	attribute_u32(IFA_ADDRESS, LOOPBACK_ADDRESS);
	attribute_u32(IFA_LOCAL, LOOPBACK_ADDRESS);
	attribute(IFA_LABEL, loopback_name, sizeof(loopback_name));
	attribute_u32(IFA_FLAGS, IFA_F_PERMANENT);
	attribute(IFA_CACHEINFO, cache, sizeof(cache));
	message_end(header);
}

/* RTM_NEWROUTE of a route of the local table the loopback's address
 * makes: to `destination`/`length`, of `scope` and `type`. */
static void put_route(const struct answering *to, uint32_t destination,
		      uint8_t length, uint8_t scope, uint8_t type)
{
	struct netlink_header *header = message_start(to, RTM_NEWROUTE,
						      NLM_F_MULTI);
	struct route_message route = { AF_INET, length, 0, 0, RT_TABLE_LOCAL,
				       RTPROT_KERNEL, scope, type, 0 };

	put(&route, sizeof(route));
	attribute_u32(RTA_TABLE, RT_TABLE_LOCAL);
	attribute_u32(RTA_DST, destination);
	attribute_u32(RTA_PREFSRC, LOOPBACK_ADDRESS);
	attribute_u32(RTA_OIF, LOOPBACK_INDEX);
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
 * both, IPv4's first. Routes: the local table's three for 127.0.0.0/8
 * and one for ::1 (the main table has none: no other interface). */
static void dump(const struct answering *to, uint16_t type, uint8_t family)
{
	int32_t status = 0;
	bool ipv4 = family != AF_INET6, ipv6 = family != AF_INET;

	if (type == RTM_GETLINK) {
		put_link(to, NLM_F_MULTI);
	} else if (type == RTM_GETADDR) {
		if (ipv4)
			put_address(to, NLM_F_MULTI, AF_INET);
		if (ipv6)
			put_address(to, NLM_F_MULTI, AF_INET6);
	} else {
		if (ipv4) {
			put_route(to, LOOPBACK_ADDRESS & LOOPBACK_NETMASK,
				  LOOPBACK_PREFIX, RT_SCOPE_HOST, RTN_LOCAL);
			put_route(to, LOOPBACK_ADDRESS, 32, RT_SCOPE_HOST,
				  RTN_LOCAL);
			put_route(to, LOOPBACK_BROADCAST, 32, RT_SCOPE_LINK,
				  RTN_BROADCAST);
		}
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

/* Whether an attribute's string names the loopback; -ERANGE for one
 * empty or longer than a name may be. */
static long names_loopback(const uint8_t *bytes, uint32_t length)
{
	if (length && bytes[length - 1] == '\0')
		length--;
	if (length == 0 || length >= IFNAMSIZ)
		return -ERANGE;
	return string_equals_word((const char *)bytes, length, loopback_name);
}

/* RTM_GETLINK without a dump (rtnl_getlink): by ifi_index, or else by
 * IFLA_IFNAME or IFLA_ALT_IFNAME. 0 once answered, or an error. */
static long get_link(const struct answering *to, const uint8_t *payload,
		     uint32_t length)
{
	struct link_message link;
	long found = -1;

	if (length < sizeof(link))
		return -EINVAL;
	memcpy(&link, payload, sizeof(link));
	for (uint32_t at = sizeof(link); at + 4 <= length;) {
		uint16_t head[2];

		memcpy(head, payload + at, sizeof(head));
		if (head[0] < 4 || head[0] > length - at)
			return -EINVAL;
		if ((head[1] == IFLA_IFNAME || head[1] == IFLA_ALT_IFNAME) &&
		    found < 0) {
			found = names_loopback(payload + at + 4,
					       (uint32_t)head[0] - 4);
			if (found < 0)
				return found;
		}
		at += ((uint32_t)head[0] + 3) & ~3u;
	}
	if (link.index > 0)
		found = link.index == LOOPBACK_INDEX;
	else if (found < 0)
		return -EINVAL;
	if (!found)
		return -ENODEV;
	put_link(to, 0);
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

/* SIOCGIFCONF: an entry for each IPv4 address, or with no buffer the
 * room they take. */
static long list_interfaces(uint64_t argument)
{
	struct interface_list list;
	struct interface_request entry = { .name = "lo" };
	uint32_t address = LOOPBACK_ADDRESS;

	if (!vm_user_ok(argument, sizeof(list), PROT_READ | PROT_WRITE))
		return -EFAULT;
	memcpy(&list, (const void *)argument, sizeof(list));
	if (list.requests == 0) {
		((struct interface_list *)argument)->length = sizeof(entry);
		return 0;
	}
	if (list.length < (int32_t)sizeof(entry)) {
		((struct interface_list *)argument)->length = 0;
		return 0;
	}
	if (!vm_user_ok(list.requests, sizeof(entry), PROT_WRITE))
		return -EFAULT;
	entry.address.family = AF_INET;
	memcpy(entry.address.data + 2, &address, sizeof(address));
	memcpy((void *)list.requests, &entry, sizeof(entry));
	((struct interface_list *)argument)->length = sizeof(entry);
	return 0;
}

/* An IPv4 address of the loopback's into a request's struct sockaddr. */
static void put_inet(struct interface_request *request, uint32_t address)
{
	memset(request->bytes, 0, sizeof(request->bytes));
	request->address.family = AF_INET;
	memcpy(request->address.data + 2, &address, sizeof(address));
}

long interfaces_ioctl(int family, uint64_t request, uint64_t argument)
{
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
		if (asked.index != LOOPBACK_INDEX)
			return -ENODEV;
		memset(asked.name, 0, sizeof(asked.name));
		memcpy(asked.name, loopback_name, sizeof(loopback_name));
	} else if (!string_equals_word(asked.name, strlen(asked.name),
				       loopback_name)) {
		return -ENODEV;
	}
	switch (request) {
	case SIOCGIFFLAGS: /* the low 16 bits: no IFF_LOWER_UP */
		asked.flags = LOOPBACK_FLAGS & 0xffff;
		break;
	case SIOCGIFMETRIC:
		asked.metric = 0;
		break;
	case SIOCGIFMTU:
		asked.mtu = LOOPBACK_MTU;
		break;
	case SIOCGIFTXQLEN:
		asked.queue = LOOPBACK_QUEUE;
		break;
	case SIOCGIFINDEX:
		asked.index = LOOPBACK_INDEX;
		break;
	case SIOCGIFHWADDR:
		memset(asked.bytes, 0, sizeof(asked.bytes));
		asked.address.family = ARPHRD_LOOPBACK;
		break;
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR: /* a point-to-point peer's: lo's own */
		put_inet(&asked, LOOPBACK_ADDRESS);
		break;
	case SIOCGIFBRDADDR:
		put_inet(&asked, 0);
		break;
	case SIOCGIFNETMASK:
		put_inet(&asked, LOOPBACK_NETMASK);
		break;
	}
	memcpy((void *)argument, &asked, sizeof(asked));
	return 0;
}

/* /proc/net/dev (Linux's dev_seq_show): the loopback's counters, zeros
 * as its IFLA_STATS. */
size_t interfaces_proc_dev(char *out, size_t size)
{
	static const char header[] =
		"Inter-|   Receive                                        "
		"        |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed "
		"multicast|bytes    packets errs drop fifo colls carrier "
		"compressed\n";

	return print_format_to(out, size,
			       "%s%6s:%8u %7u %4u %4u %4u %5u %10u %9u %8u "
			       "%7u %4u %4u %4u %5u %7u %10u\n",
			       header, loopback_name, 0, 0, 0, 0, 0, 0, 0, 0,
			       0, 0, 0, 0, 0, 0, 0, 0);
}

/* /proc/net/route: the main table, whose header alone a machine with
 * only the loopback has (its routes are in the local table); each line
 * is 127 characters, as Linux pads them. */
size_t interfaces_proc_if_inet6(char *out, size_t size)
{
	/* The address, index, prefix length, scope (IPV6_ADDR_LOOPBACK),
	 * flags (IFA_F_PERMANENT) and name, as Linux's if6_seq_show. */
	return print_format_to(out, size, "%032x %02x %02x %02x %02x %8s\n", 1,
			       LOOPBACK_INDEX, LOOPBACK6_PREFIX, 0x10,
			       IFA_F_PERMANENT, loopback_name);
}

size_t interfaces_proc_route(char *out, size_t size)
{
	return print_format_to(out, size, "%-127s\n",
			       "Iface\tDestination\tGateway \tFlags\tRefCnt"
			       "\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
}
