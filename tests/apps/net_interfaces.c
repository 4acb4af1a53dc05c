/*
 * eth0 as the interfaces' answers tell of it (Wicket only: the host's
 * interfaces are its own). Run under QEMU's user-mode network (the
 * runner's --net) with Wicket's defaults, each answer is printed and
 * compared with what Linux 6.1 shows for a virtio-net eth0 configured at
 * boot as 10.0.2.15/24 through 10.0.2.2, with QEMU's MAC
 * 52:54:00:12:34:56: if_nameindex and its kin, getifaddrs, SIOCGIFCONF,
 * the SIOCGIF ioctls on eth0, rtnetlink's links (dumped and got),
 * addresses and routes, /proc/net/route and /proc/net/dev. Then a UDP
 * datagram and a TCP connection to the gateway must move eth0's counters
 * in /proc/net/dev, and rtnetlink's IFLA_STATS must agree with them.
 *
 * Each difference prints "MISMATCH: want ..."; the end is
 * "net_interfaces: ok" (status 0) or the count of differences (status 1).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netlink_util.h"

#define MAC_TEXT "52:54:00:12:34:56"
#define ETH0_LINK                                                          \
	"link 2 eth0 type 1 flags 0x11043 mtu 1500 min 68 max 65535 "      \
	"txqlen 1000 operstate 6 carrier 1 qdisc pfifo_fast address "      \
	MAC_TEXT " broadcast ff:ff:ff:ff:ff:ff"

static int mismatches;
static char text[1024];

/* The line being built, printf's way. */
static const char *line(const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(text, sizeof(text), format, arguments);
	va_end(arguments);
	return text;
}

/* Appends to the line being built. */
static void append(const char *format, ...)
{
	size_t used = strlen(text);
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(text + used, sizeof(text) - used, format, arguments);
	va_end(arguments);
}

/* Prints an answer's line, and whether Linux's is another. */
static void expect(const char *got, const char *want)
{
	printf("%s\n", got);
	if (strcmp(got, want) != 0) {
		printf("MISMATCH: want %s\n", want);
		mismatches++;
	}
}

/* A hardware address of `length` bytes (at most 8), "aa:bb:...". */
static const char *mac_text(const uint8_t *mac, int length)
{
	static char out[3 * 8];
	char *at = out;

	if (length <= 0)
		return "none";
	for (int i = 0; i < length && i < 8; i++)
		at += sprintf(at, "%s%02x", i ? ":" : "", mac[i]);
	return out;
}

/* An address of getifaddrs's, or of a struct sockaddr in an ifreq. */
static const char *address_text(const struct sockaddr *address)
{
	static char out[2][INET6_ADDRSTRLEN];
	static int turn;
	char *into = out[turn ^= 1];

	if (address == NULL)
		return "none";
	if (address->sa_family == AF_INET) {
		const struct sockaddr_in *inet = (const void *)address;

		return inet_ntop(AF_INET, &inet->sin_addr, into,
				 INET6_ADDRSTRLEN);
	}
	if (address->sa_family == AF_INET6) {
		const struct sockaddr_in6 *inet6 = (const void *)address;

		return inet_ntop(AF_INET6, &inet6->sin6_addr, into,
				 INET6_ADDRSTRLEN);
	}
	if (address->sa_family == AF_PACKET) {
		const struct sockaddr_ll *link = (const void *)address;

		snprintf(into, INET6_ADDRSTRLEN, "%s",
			 mac_text(link->sll_addr, link->sll_halen));
		return into;
	}
	snprintf(into, INET6_ADDRSTRLEN, "family %u", address->sa_family);
	return into;
}

static void check_names(void)
{
	struct if_nameindex *list = if_nameindex();
	char name[IF_NAMESIZE] = "", want[128];

	line("if_nameindex:");
	for (struct if_nameindex *at = list; at && at->if_index; at++)
		append(" %u %s", at->if_index, at->if_name);
	expect(text, "if_nameindex: 1 lo 2 eth0");
	if (list)
		if_freenameindex(list);
	expect(line("if_nametoindex eth0: %u", if_nametoindex("eth0")),
	       "if_nametoindex eth0: 2");
	expect(line("if_indextoname 2: %s",
		    if_indextoname(2, name) ? name : strerror(errno)),
	       "if_indextoname 2: eth0");
	/* The libcs say ENXIO for SIOCGIFNAME's ENODEV. */
	snprintf(want, sizeof(want), "if_indextoname 3: %s", strerror(ENXIO));
	expect(line("if_indextoname 3: %s",
		    if_indextoname(3, name) ? name : strerror(errno)),
	       want);
}

/* musl's getifaddrs: the links (AF_PACKET) by index, then the addresses
 * by family and index. eth0 has no IPv6 address. */
static void check_getifaddrs(void)
{
	static const char *const want[] = {
		"getifaddrs: lo packet flags 0x10049 index 1 type 772 "
		"address 00:00:00:00:00:00",
		"getifaddrs: eth0 packet flags 0x11043 index 2 type 1 address "
		MAC_TEXT " broadcast ff:ff:ff:ff:ff:ff",
		"getifaddrs: lo inet flags 0x10049 address 127.0.0.1 netmask "
		"255.0.0.0",
		"getifaddrs: eth0 inet flags 0x11043 address 10.0.2.15 netmask "
		"255.255.255.0 broadcast 10.0.2.255",
		"getifaddrs: lo inet6 flags 0x10049 address ::1 netmask "
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	};
	struct ifaddrs *list, *at;
	unsigned n = 0;

	if (getifaddrs(&list) != 0) {
		expect(line("getifaddrs: %s", strerror(errno)), want[0]);
		return;
	}
	for (at = list; at; at = at->ifa_next, n++) {
		int family = at->ifa_addr ? at->ifa_addr->sa_family : -1;

		line("getifaddrs: %s %s flags %#x", at->ifa_name,
		     family == AF_PACKET ? "packet" :
		     family == AF_INET	 ? "inet" :
		     family == AF_INET6	 ? "inet6" : "?",
		     at->ifa_flags);
		if (family == AF_PACKET) {
			const struct sockaddr_ll *link =
				(const void *)at->ifa_addr;

			append(" index %d type %u", link->sll_ifindex,
			       link->sll_hatype);
		}
		append(" address %s", address_text(at->ifa_addr));
		if (at->ifa_netmask)
			append(" netmask %s", address_text(at->ifa_netmask));
		if ((at->ifa_flags & IFF_BROADCAST) && at->ifa_broadaddr)
			append(" broadcast %s",
			       address_text(at->ifa_broadaddr));
		expect(text, n < 5 ? want[n] : "(no more)");
	}
	expect(line("getifaddrs: %u entries", n), "getifaddrs: 5 entries");
	freeifaddrs(list);
}

static void check_ifconf(int fd)
{
	struct ifreq entries[4];
	struct ifconf list = { .ifc_len = sizeof(entries),
			       .ifc_req = entries };

	line("SIOCGIFCONF:");
	if (ioctl(fd, SIOCGIFCONF, &list) != 0)
		append(" %s", strerror(errno));
	else
		for (int i = 0; i < list.ifc_len / (int)sizeof(entries[0]); i++)
			append(" %s %s", entries[i].ifr_name,
			       address_text(&entries[i].ifr_addr));
	append(" (%d bytes)", list.ifc_len);
	expect(text, "SIOCGIFCONF: lo 127.0.0.1 eth0 10.0.2.15 (80 bytes)");
	list.ifc_req = NULL;
	list.ifc_len = 0;
	ioctl(fd, SIOCGIFCONF, &list);
	expect(line("SIOCGIFCONF without a buffer: %d bytes", list.ifc_len),
	       "SIOCGIFCONF without a buffer: 80 bytes");
	list.ifc_req = entries;
	list.ifc_len = 60;
	ioctl(fd, SIOCGIFCONF, &list);
	expect(line("SIOCGIFCONF into 60 bytes: %d bytes (%s)", list.ifc_len,
		    entries[0].ifr_name),
	       "SIOCGIFCONF into 60 bytes: 40 bytes (lo)");
}

/* One SIOCGIF request on the name (or index), its answer as text. */
static const char *ask(int fd, unsigned long request, const char *name,
		       int index)
{
	static char answer[64];
	struct ifreq asked = { .ifr_ifindex = index };

	snprintf(asked.ifr_name, sizeof(asked.ifr_name), "%s", name);
	if (ioctl(fd, request, &asked) != 0)
		snprintf(answer, sizeof(answer), "%s", strerror(errno));
	else if (request == SIOCGIFNAME)
		snprintf(answer, sizeof(answer), "%s", asked.ifr_name);
	else if (request == SIOCGIFFLAGS)
		snprintf(answer, sizeof(answer), "%#x",
			 (unsigned)(uint16_t)asked.ifr_flags);
	else if (request == SIOCGIFINDEX || request == SIOCGIFMTU ||
		 request == SIOCGIFTXQLEN)
		snprintf(answer, sizeof(answer), "%d", asked.ifr_ifindex);
	else if (request == SIOCGIFHWADDR)
		snprintf(answer, sizeof(answer), "%u %s",
			 asked.ifr_hwaddr.sa_family,
			 mac_text((const void *)asked.ifr_hwaddr.sa_data, 6));
	else
		snprintf(answer, sizeof(answer), "%s",
			 address_text(&asked.ifr_addr));
	return answer;
}

static void check_ioctls(int fd)
{
	static const struct {
		unsigned long request;
		const char *label, *want;
	} requests[] = {
		{ SIOCGIFINDEX, "SIOCGIFINDEX", "2" },
		{ SIOCGIFFLAGS, "SIOCGIFFLAGS", "0x1043" },
		{ SIOCGIFMTU, "SIOCGIFMTU", "1500" },
		{ SIOCGIFTXQLEN, "SIOCGIFTXQLEN", "1000" },
		{ SIOCGIFHWADDR, "SIOCGIFHWADDR", "1 " MAC_TEXT },
		{ SIOCGIFADDR, "SIOCGIFADDR", "10.0.2.15" },
		{ SIOCGIFDSTADDR, "SIOCGIFDSTADDR", "10.0.2.15" },
		{ SIOCGIFNETMASK, "SIOCGIFNETMASK", "255.255.255.0" },
		{ SIOCGIFBRDADDR, "SIOCGIFBRDADDR", "10.0.2.255" },
	};
	char want[128];

	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		const char *answer = ask(fd, requests[i].request, "eth0", 0);
		char got[128];

		snprintf(got, sizeof(got), "%s eth0: %s", requests[i].label,
			 answer);
		snprintf(want, sizeof(want), "%s eth0: %s", requests[i].label,
			 requests[i].want);
		expect(got, want);
	}
	expect(line("SIOCGIFNAME 2: %s", ask(fd, SIOCGIFNAME, "", 2)),
	       "SIOCGIFNAME 2: eth0");
	snprintf(want, sizeof(want), "SIOCGIFNAME 3: %s", strerror(ENODEV));
	expect(line("SIOCGIFNAME 3: %s", ask(fd, SIOCGIFNAME, "", 3)), want);
	snprintf(want, sizeof(want), "SIOCGIFFLAGS eth1: %s", strerror(ENODEV));
	expect(line("SIOCGIFFLAGS eth1: %s", ask(fd, SIOCGIFFLAGS, "eth1", 0)),
	       want);
}

/* rtnetlink ----------------------------------------------------------- */

static uint8_t reply[65536];
static uint32_t sequence = 1;
static uint32_t eth0_stats[4]; /* the last link message's of eth0 */

static const struct rtattr *attribute(const void *start, int length,
				      unsigned short type)
{
	const struct rtattr *at = start;

	for (; RTA_OK(at, length); at = RTA_NEXT(at, length))
		if (at->rta_type == type)
			return at;
	return NULL;
}

static uint32_t attribute_u32(const void *start, int length,
			      unsigned short type)
{
	const struct rtattr *at = attribute(start, length, type);
	uint32_t value = 0;

	if (at && RTA_PAYLOAD(at) == 1)
		value = *(const uint8_t *)RTA_DATA(at);
	else if (at && RTA_PAYLOAD(at) >= 4)
		memcpy(&value, RTA_DATA(at), 4);
	return value;
}

static const char *attribute_text(const void *start, int length,
				  unsigned short type)
{
	const struct rtattr *at = attribute(start, length, type);

	return at ? (const char *)RTA_DATA(at) : "missing";
}

static const char *attribute_address(const void *start, int length,
				     unsigned short type, int family)
{
	static char out[2][INET6_ADDRSTRLEN];
	static int turn;
	const struct rtattr *at = attribute(start, length, type);

	if (at == NULL)
		return family == AF_INET ? "0.0.0.0" : "::";
	return inet_ntop(family, RTA_DATA(at), out[turn ^= 1], sizeof(out[0]));
}

/* The attributes' types in their order. */
static void append_types(const void *start, int length)
{
	const struct rtattr *at = start;

	append(" attributes");
	for (; RTA_OK(at, length); at = RTA_NEXT(at, length))
		append(" %u", at->rta_type);
}

static const char *link_text(const struct nlmsghdr *header)
{
	const struct ifinfomsg *link = NLMSG_DATA(header);
	const void *first = IFLA_RTA(link);
	int length = (int)IFLA_PAYLOAD(header);
	const struct rtattr *at;

	line("link %d %s type %u flags %#x", link->ifi_index,
	     attribute_text(first, length, IFLA_IFNAME), link->ifi_type,
	     link->ifi_flags);
	append(" mtu %u min %u max %u txqlen %u operstate %u carrier %u",
	       attribute_u32(first, length, IFLA_MTU),
	       attribute_u32(first, length, IFLA_MIN_MTU),
	       attribute_u32(first, length, IFLA_MAX_MTU),
	       attribute_u32(first, length, IFLA_TXQLEN),
	       attribute_u32(first, length, IFLA_OPERSTATE),
	       attribute_u32(first, length, IFLA_CARRIER));
	append(" qdisc %s", attribute_text(first, length, IFLA_QDISC));
	at = attribute(first, length, IFLA_ADDRESS);
	append(" address %s", at ? mac_text(RTA_DATA(at), RTA_PAYLOAD(at))
				 : "missing");
	at = attribute(first, length, IFLA_BROADCAST);
	append(" broadcast %s", at ? mac_text(RTA_DATA(at), RTA_PAYLOAD(at))
				   : "missing");
	at = attribute(first, length, IFLA_STATS);
	if (link->ifi_index == 2 && at && RTA_PAYLOAD(at) == LINK_STATS_SIZE)
		memcpy(eth0_stats, RTA_DATA(at), sizeof(eth0_stats));
	return text;
}

static const char *address_message_text(const struct nlmsghdr *header)
{
	const struct ifaddrmsg *address = NLMSG_DATA(header);
	const void *first = IFA_RTA(address);
	int length = (int)IFA_PAYLOAD(header);
	int family = address->ifa_family;

	line("address %u %s %s/%u flags %#x scope %u", address->ifa_index,
	     attribute_text(first, length, IFA_LABEL),
	     attribute_address(first, length, IFA_ADDRESS, family),
	     address->ifa_prefixlen, address->ifa_flags, address->ifa_scope);
	if (attribute(first, length, IFA_BROADCAST))
		append(" broadcast %s", attribute_address(first, length,
							   IFA_BROADCAST,
							   family));
	append_types(first, length);
	return text;
}

static const char *route_text(const struct nlmsghdr *header)
{
	const struct rtmsg *route = NLMSG_DATA(header);
	const void *first = RTM_RTA(route);
	int length = (int)RTM_PAYLOAD(header);
	int family = route->rtm_family;

	line("route table %u %s/%u", route->rtm_table,
	     attribute_address(first, length, RTA_DST, family),
	     route->rtm_dst_len);
	if (attribute(first, length, RTA_GATEWAY))
		append(" via %s", attribute_address(first, length, RTA_GATEWAY,
						    family));
	if (attribute(first, length, RTA_PREFSRC))
		append(" src %s", attribute_address(first, length, RTA_PREFSRC,
						    family));
	append(" dev %u proto %u scope %u type %u",
	       attribute_u32(first, length, RTA_OIF), route->rtm_protocol,
	       route->rtm_scope, route->rtm_type);
	append_types(first, length);
	return text;
}

static const char *message_text(const struct nlmsghdr *header)
{
	const struct nlmsgerr *error = NLMSG_DATA(header);

	switch (header->nlmsg_type) {
	case RTM_NEWLINK:
		return link_text(header);
	case RTM_NEWADDR:
		return address_message_text(header);
	case RTM_NEWROUTE:
		return route_text(header);
	case NLMSG_ERROR:
		return line("error %d", error->error);
	default:
		return line("type %u", header->nlmsg_type);
	}
}

/* Sends a request and compares its answers, message by message, with
 * `want` (count lines), up to NLMSG_DONE or the one answer of a get. */
static void converse(int fd, uint16_t type, uint16_t flags,
		     const void *payload, size_t length, const char *label,
		     const char *const *want, unsigned count)
{
	struct {
		struct nlmsghdr header;
		uint8_t payload[64];
	} message = { .header = { (uint32_t)(NLMSG_HDRLEN + length), type,
				  (uint16_t)(NLM_F_REQUEST | flags),
				  ++sequence, 0 } };
	unsigned n = 0;
	int done = 0;
	char got[1100], wanted[1100];

	memcpy(message.payload, payload, length);
	if (send(fd, &message, message.header.nlmsg_len, 0) < 0) {
		expect(line("%s: send: %s", label, strerror(errno)), want[0]);
		return;
	}
	while (!done) {
		int left = (int)recv(fd, reply, sizeof(reply), 0);
		const struct nlmsghdr *header = (const void *)reply;

		if (left < 0) {
			expect(line("%s: recv: %s", label, strerror(errno)),
			       "");
			return;
		}
		for (; NLMSG_OK(header, left);
		     header = NLMSG_NEXT(header, left)) {
			if (header->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			snprintf(got, sizeof(got), "%s: %s", label,
				 message_text(header));
			snprintf(wanted, sizeof(wanted), "%s: %s", label,
				 n < count ? want[n] : "(no more)");
			expect(got, wanted);
			n++;
			if (!(header->nlmsg_flags & NLM_F_MULTI))
				done = 1;
		}
	}
	snprintf(wanted, sizeof(wanted), "%s: %u messages", label, count);
	expect(line("%s: %u messages", label, n), wanted);
}

static void check_rtnetlink(int fd)
{
	static const char *const links[] = {
		"link 1 lo type 772 flags 0x10049 mtu 65536 min 0 max 0 "
		"txqlen 1000 operstate 0 carrier 1 qdisc noqueue address "
		"00:00:00:00:00:00 broadcast 00:00:00:00:00:00",
		ETH0_LINK,
	};
	static const char *const eth0[] = { ETH0_LINK };
	static const char *const no_device[] = { "error -19" };
	static const char *const addresses[] = {
		"address 1 lo 127.0.0.1/8 flags 0x80 scope 254 attributes "
		"1 2 3 8 6",
		"address 2 eth0 10.0.2.15/24 flags 0x80 scope 0 broadcast "
		"10.0.2.255 attributes 1 2 4 3 8 6",
	};
	static const char *const routes[] = {
		"route table 254 0.0.0.0/0 via 10.0.2.2 dev 2 proto 3 scope 0 "
		"type 1 attributes 15 5 4",
		"route table 254 10.0.2.0/24 src 10.0.2.15 dev 2 proto 2 "
		"scope 253 type 1 attributes 15 1 7 4",
		"route table 255 10.0.2.15/32 src 10.0.2.15 dev 2 proto 2 "
		"scope 254 type 2 attributes 15 1 7 4",
		"route table 255 10.0.2.255/32 src 10.0.2.15 dev 2 proto 2 "
		"scope 253 type 3 attributes 15 1 7 4",
		"route table 255 127.0.0.0/8 src 127.0.0.1 dev 1 proto 2 "
		"scope 254 type 2 attributes 15 1 7 4",
		"route table 255 127.0.0.1/32 src 127.0.0.1 dev 1 proto 2 "
		"scope 254 type 2 attributes 15 1 7 4",
		"route table 255 127.255.255.255/32 src 127.0.0.1 dev 1 "
		"proto 2 scope 253 type 3 attributes 15 1 7 4",
		"route table 255 ::1/128 dev 1 proto 2 scope 0 type 2 "
		"attributes 15 1 6 4 12 20",
	};
	struct ifinfomsg link = { .ifi_family = AF_UNSPEC };
	struct {
		struct ifinfomsg link;
		struct rtattr head;
		char name[8];
	} by_name = { .link = { .ifi_family = AF_UNSPEC },
		      .head = { RTA_LENGTH(5), IFLA_IFNAME },
		      .name = "eth0" };
	struct rtgenmsg family = { AF_INET };

	converse(fd, RTM_GETLINK, NLM_F_DUMP, &link, sizeof(link),
		 "RTM_GETLINK dump", links, 2);
	converse(fd, RTM_GETLINK, 0, &by_name, sizeof(by_name),
		 "RTM_GETLINK eth0", eth0, 1);
	link.ifi_index = 2;
	converse(fd, RTM_GETLINK, 0, &link, sizeof(link),
		 "RTM_GETLINK index 2", eth0, 1);
	link.ifi_index = 3;
	converse(fd, RTM_GETLINK, 0, &link, sizeof(link),
		 "RTM_GETLINK index 3", no_device, 1);
	converse(fd, RTM_GETADDR, NLM_F_DUMP, &family, sizeof(family),
		 "RTM_GETADDR dump inet", addresses, 2);
	family.rtgen_family = AF_UNSPEC;
	converse(fd, RTM_GETROUTE, NLM_F_DUMP, &family, sizeof(family),
		 "RTM_GETROUTE dump", routes, 8);
}

/* /proc/net ----------------------------------------------------------- */

static size_t read_file(const char *path, char *into, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t length = 0;
	ssize_t got;

	if (fd < 0)
		return 0;
	while (length + 1 < size &&
	       (got = read(fd, into + length, size - 1 - length)) > 0)
		length += (size_t)got;
	into[length] = '\0';
	close(fd);
	return length;
}

/* Linux pads each line of /proc/net/route to 127 characters. */
static void check_proc_route(void)
{
	static const char *const want[] = {
		"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\t"
		"Mask\t\tMTU\tWindow\tIRTT (127)",
		"eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0 "
		"(127)",
		"eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0 "
		"(127)",
	};
	static char file[4096];
	char wanted[256];
	unsigned n = 0;

	read_file("/proc/net/route", file, sizeof(file));
	for (char *at = file, *end; (end = strchr(at, '\n')); at = end + 1) {
		size_t length = (size_t)(end - at), shown = length;

		while (shown && at[shown - 1] == ' ')
			shown--;
		snprintf(wanted, sizeof(wanted), "/proc/net/route: %s",
			 n < 3 ? want[n] : "(no more)");
		expect(line("/proc/net/route: %.*s (%zu)", (int)shown, at,
			    length),
		       wanted);
		n++;
	}
	expect(line("/proc/net/route: %u lines", n),
	       "/proc/net/route: 3 lines");
}

struct counters {
	unsigned long long value[16]; /* /proc/net/dev's columns */
};
#define RX_BYTES   0
#define RX_PACKETS 1
#define TX_BYTES   8
#define TX_PACKETS 9

/* eth0's line of /proc/net/dev, which must be in Linux's format. */
static int proc_dev_eth0(struct counters *counters, int show)
{
	static char file[4096];
	char again[256];
	const char *at;
	unsigned long long *v = counters->value;
	int lines = 0;

	read_file("/proc/net/dev", file, sizeof(file));
	for (at = file; (at = strchr(at, '\n')); at++)
		lines++;
	at = strstr(file, "  eth0:");
	if (at == NULL ||
	    sscanf(at, " eth0:%llu %llu %llu %llu %llu %llu %llu %llu %llu "
		       "%llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
		   &v[8], &v[9], &v[10], &v[11], &v[12], &v[13], &v[14],
		   &v[15]) != 16) {
		expect("/proc/net/dev: no eth0 line", "an eth0 line");
		return 0;
	}
	snprintf(again, sizeof(again),
		 "%6s:%8llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu %8llu "
		 "%7llu %4llu %4llu %4llu %5llu %7llu %10llu\n",
		 "eth0", v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
		 v[9], v[10], v[11], v[12], v[13], v[14], v[15]);
	if (show) {
		printf("/proc/net/dev: %.*s", (int)strlen(again), at);
		int same = strncmp(at, again, strlen(again)) == 0;

		expect(line("/proc/net/dev: eth0's line in Linux's format: %s",
			    same ? "yes" : "no"),
		       "/proc/net/dev: eth0's line in Linux's format: yes");
		expect(line("/proc/net/dev: %d lines", lines),
		       "/proc/net/dev: 4 lines");
	}
	return 1;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* A datagram to the gateway (after ARP's question: two frames sent) and
 * a TCP connection to it (QEMU answers: a segment received) must move
 * eth0's counters; IFLA_STATS read between two reads of /proc/net/dev
 * must lie between them. */
static void check_counters(int netlink)
{
	static const char *const eth0[] = { ETH0_LINK };
	static const int columns[4] = { RX_PACKETS, TX_PACKETS, RX_BYTES,
					TX_BYTES };
	struct ifinfomsg link = { .ifi_family = AF_UNSPEC, .ifi_index = 2 };
	struct sockaddr_in gateway = { .sin_family = AF_INET,
				       .sin_port = htons(9) };
	struct counters before, after, later;
	int udp = socket(AF_INET, SOCK_DGRAM, 0);
	int tcp = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct pollfd wait = { .fd = tcp, .events = POLLOUT };
	double deadline;
	int moved = 0, between = 1;

	if (!proc_dev_eth0(&before, 1))
		return;
	inet_pton(AF_INET, "10.0.2.2", &gateway.sin_addr);
	sendto(udp, "x", 1, 0, (const struct sockaddr *)&gateway,
	       sizeof(gateway));
	gateway.sin_port = htons(1);
	connect(tcp, (const struct sockaddr *)&gateway, sizeof(gateway));
	poll(&wait, 1, 3000);
	close(tcp);
	close(udp);
	for (deadline = now() + 3; !moved && now() < deadline;
	     usleep(20000)) {
		proc_dev_eth0(&after, 0);
		moved = after.value[TX_PACKETS] >=
				before.value[TX_PACKETS] + 2 &&
			after.value[RX_PACKETS] >= before.value[RX_PACKETS] + 1;
	}
	printf("counters: received %llu packets %llu bytes, sent %llu "
	       "packets %llu bytes\n",
	       after.value[RX_PACKETS], after.value[RX_BYTES],
	       after.value[TX_PACKETS], after.value[TX_BYTES]);
	expect(line("counters moved: %s", moved ? "yes" : "no"),
	       "counters moved: yes");
	/* IFLA_STATS: packets received and sent, bytes received and sent. */
	proc_dev_eth0(&after, 0);
	converse(netlink, RTM_GETLINK, 0, &link, sizeof(link),
		 "RTM_GETLINK index 2", eth0, 1);
	proc_dev_eth0(&later, 0);
	for (int i = 0; i < 4; i++)
		between &= eth0_stats[i] >= (uint32_t)after.value[columns[i]] &&
			   eth0_stats[i] <= (uint32_t)later.value[columns[i]];
	expect(line("IFLA_STATS agree with /proc/net/dev: %s",
		    between ? "yes" : "no"),
	       "IFLA_STATS agree with /proc/net/dev: yes");
}

/* The name server eth0's configuration gave (QEMU's, by default or
 * from its DHCP server), in the default /etc/resolv.conf. */
static void check_resolv_conf(void)
{
	char contents[128] = "(none)";
	FILE *file = fopen("/etc/resolv.conf", "r");

	if (file) {
		size_t n = fread(contents, 1, sizeof(contents) - 1, file);

		contents[n] = '\0';
		fclose(file);
	}
	expect(line("/etc/resolv.conf: %s", contents),
	       "/etc/resolv.conf: nameserver 10.0.2.3\n");
}

int main(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int netlink = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
			     NETLINK_ROUTE);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fd < 0 || netlink < 0) {
		printf("net_interfaces: socket: %s\n", strerror(errno));
		return 1;
	}
	check_names();
	check_getifaddrs();
	check_ifconf(fd);
	check_ioctls(fd);
	check_rtnetlink(netlink);
	check_proc_route();
	check_counters(netlink);
	check_resolv_conf();
	close(fd);
	close(netlink);
	if (mismatches) {
		printf("net_interfaces: %d mismatches\n", mismatches);
		return 1;
	}
	printf("net_interfaces: ok\n");
	return 0;
}
