/*
 * The network interfaces (differential): rtnetlink's link and address
 * dumps and gets, its errors and acknowledgements, netlink's names
 * (autobind, bind, getsockname, a receive's sender), truncation and
 * peeking, the SIOCGIF ioctls, getifaddrs and if_nameindex. Only the
 * loopback is printed: the host has more interfaces than Wicket's one,
 * and Wicket has no IPv6, so only lo's IPv4 address is compared.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink_util.h"
#include "show_util.h"

static uint32_t sequence = 100;
static uint8_t reply[65536];

/* A request: a header of `type` and `flags`, then `payload`. */
static long request(int fd, uint16_t type, uint16_t flags,
		    const void *payload, size_t length)
{
	struct {
		struct nlmsghdr header;
		uint8_t payload[256];
	} message = { 0 };

	message.header.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + length);
	message.header.nlmsg_type = type;
	message.header.nlmsg_flags = flags;
	message.header.nlmsg_seq = ++sequence;
	memcpy(message.payload, payload, length);
	return send(fd, &message, message.header.nlmsg_len, 0);
}

static uint32_t own_portid(int fd)
{
	struct sockaddr_nl name;
	socklen_t length = sizeof(name);

	if (getsockname(fd, (struct sockaddr *)&name, &length) < 0)
		return 0;
	return name.nl_pid;
}

static void show_bytes(const char *label, const uint8_t *bytes, size_t length)
{
	printf("  %s:", label);
	for (size_t i = 0; i < length; i++)
		printf("%s%02x", i ? ":" : " ", bytes[i]);
	printf("\n");
}

static const struct rtattr *attribute(const void *start, size_t length,
				      unsigned short type)
{
	const struct rtattr *at = start;
	int left = (int)length;

	for (; RTA_OK(at, left); at = RTA_NEXT(at, left))
		if (at->rta_type == type)
			return at;
	return NULL;
}

static void show_u32(const char *label, const struct rtattr *at)
{
	if (at == NULL)
		printf("  %s: missing\n", label);
	else if (RTA_PAYLOAD(at) == 1)
		printf("  %s: %u\n", label, *(const uint8_t *)RTA_DATA(at));
	else
		printf("  %s: %u\n", label, *(const uint32_t *)RTA_DATA(at));
}

static void show_link(const struct nlmsghdr *header)
{
	const struct ifinfomsg *link = NLMSG_DATA(header);
	const void *first = IFLA_RTA(link);
	size_t length = IFLA_PAYLOAD(header);
	const struct rtattr *at;

	printf(" link: family %u type %u index %d flags %#x change %#x\n",
	       link->ifi_family, link->ifi_type, link->ifi_index,
	       link->ifi_flags, link->ifi_change);
	at = attribute(first, length, IFLA_IFNAME);
	printf("  name: %s\n", at ? (const char *)RTA_DATA(at) : "missing");
	show_u32("mtu", attribute(first, length, IFLA_MTU));
	show_u32("txqlen", attribute(first, length, IFLA_TXQLEN));
	show_u32("operstate", attribute(first, length, IFLA_OPERSTATE));
	show_u32("linkmode", attribute(first, length, IFLA_LINKMODE));
	show_u32("group", attribute(first, length, IFLA_GROUP));
	show_u32("promiscuity", attribute(first, length, IFLA_PROMISCUITY));
	show_u32("tx queues", attribute(first, length, IFLA_NUM_TX_QUEUES));
	show_u32("rx queues", attribute(first, length, IFLA_NUM_RX_QUEUES));
	show_u32("carrier", attribute(first, length, IFLA_CARRIER));
	at = attribute(first, length, IFLA_QDISC);
	printf("  qdisc: %s\n", at ? (const char *)RTA_DATA(at) : "missing");
	at = attribute(first, length, IFLA_ADDRESS);
	if (at)
		show_bytes("address", RTA_DATA(at), RTA_PAYLOAD(at));
	at = attribute(first, length, IFLA_BROADCAST);
	if (at)
		show_bytes("broadcast", RTA_DATA(at), RTA_PAYLOAD(at));
	at = attribute(first, length, IFLA_STATS);
	printf("  stats: %s\n",
	       at && RTA_PAYLOAD(at) == LINK_STATS_SIZE
		       ? "yes" : "no");
}

static void show_address(const struct nlmsghdr *header)
{
	const struct ifaddrmsg *address = NLMSG_DATA(header);
	const void *first = IFA_RTA(address);
	size_t length = IFA_PAYLOAD(header);
	const struct rtattr *at;
	char text[INET_ADDRSTRLEN];

	printf(" address: family %u prefix %u flags %#x scope %u index %u\n",
	       address->ifa_family, address->ifa_prefixlen,
	       address->ifa_flags, address->ifa_scope, address->ifa_index);
	at = attribute(first, length, IFA_ADDRESS);
	printf("  address: %s\n",
	       at ? inet_ntop(AF_INET, RTA_DATA(at), text, sizeof(text))
		  : "missing");
	at = attribute(first, length, IFA_LOCAL);
	printf("  local: %s\n",
	       at ? inet_ntop(AF_INET, RTA_DATA(at), text, sizeof(text))
		  : "missing");
	at = attribute(first, length, IFA_LABEL);
	printf("  label: %s\n", at ? (const char *)RTA_DATA(at) : "missing");
	show_u32("flags", attribute(first, length, IFA_FLAGS));
	at = attribute(first, length, IFA_CACHEINFO);
	if (at == NULL) {
		printf("  cacheinfo: missing\n");
	} else {
		const struct ifa_cacheinfo *cache = RTA_DATA(at);

		printf("  lifetimes: %#x %#x\n", cache->ifa_prefered,
		       cache->ifa_valid);
	}
}

static void show_route(const struct nlmsghdr *header)
{
	const struct rtmsg *route = NLMSG_DATA(header);
	int left = (int)RTM_PAYLOAD(header);

	printf(" route: family %u dst_len %u src_len %u tos %u table %u "
	       "protocol %u scope %u type %u flags %#x\n",
	       route->rtm_family, route->rtm_dst_len, route->rtm_src_len,
	       route->rtm_tos, route->rtm_table, route->rtm_protocol,
	       route->rtm_scope, route->rtm_type, route->rtm_flags);
	for (const struct rtattr *at = RTM_RTA(route); RTA_OK(at, left);
	     at = RTA_NEXT(at, left)) {
		char label[32];

		snprintf(label, sizeof(label), "attribute %u", at->rta_type);
		show_bytes(label, RTA_DATA(at), (size_t)RTA_PAYLOAD(at));
	}
}

/* Whether a message is about the loopback (the only one printed). */
static int about_loopback(const struct nlmsghdr *header)
{
	if (header->nlmsg_type == RTM_NEWLINK)
		return ((const struct ifinfomsg *)NLMSG_DATA(header))
			       ->ifi_index == (int)if_nametoindex("lo");
	if (header->nlmsg_type == RTM_NEWADDR) {
		const struct ifaddrmsg *address = NLMSG_DATA(header);

		return address->ifa_family == AF_INET &&
		       address->ifa_index == if_nametoindex("lo");
	}
	if (header->nlmsg_type == RTM_NEWROUTE) {
		const struct rtmsg *route = NLMSG_DATA(header);
		const struct rtattr *oif = attribute(RTM_RTA(route),
						     RTM_PAYLOAD(header),
						     RTA_OIF);

		return route->rtm_family == AF_INET && oif &&
		       *(const uint32_t *)RTA_DATA(oif) ==
			       if_nametoindex("lo");
	}
	return 1;
}

/* Reads the answers to the last request until its end (NLMSG_DONE, an
 * error or acknowledgement, or a message that is not part of a dump),
 * printing the loopback's and the control messages, and counting the
 * others. */
static void show_answers(int fd, const char *label)
{
	uint32_t portid = own_portid(fd);
	int others = 0, wrong = 0, done = 0, messages = 0;

	printf("%s:\n", label);
	while (!done) {
		struct pollfd ready = { fd, POLLIN, 0 };

		if (poll(&ready, 1, 2000) != 1) {
			printf(" no answer\n");
			break;
		}
		ssize_t length = recv(fd, reply, sizeof(reply), 0);

		if (length < 0) {
			show(" recv", -1);
			break;
		}
		for (struct nlmsghdr *header = (struct nlmsghdr *)reply;
		     NLMSG_OK(header, (size_t)length);
		     header = NLMSG_NEXT(header, length)) {
			messages++;
			if (header->nlmsg_seq != sequence ||
			    header->nlmsg_pid != portid)
				wrong++;
			if (header->nlmsg_type == NLMSG_DONE) {
				printf(" done: length %u flags %#x error %d\n",
				       header->nlmsg_len, header->nlmsg_flags,
				       *(int *)NLMSG_DATA(header));
				done = 1;
			} else if (header->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *error =
					NLMSG_DATA(header);

				printf(" error: length %u flags %#x error %d"
				       " (%s) echoes type %u length %u\n",
				       header->nlmsg_len, header->nlmsg_flags,
				       error->error, strerror(-error->error),
				       error->msg.nlmsg_type,
				       error->msg.nlmsg_len);
				done = 1;
			} else if (!about_loopback(header)) {
				others++;
			} else {
				printf(" message: type %u flags %#x\n",
				       header->nlmsg_type, header->nlmsg_flags);
				if (header->nlmsg_type == RTM_NEWLINK)
					show_link(header);
				else if (header->nlmsg_type == RTM_NEWADDR)
					show_address(header);
				else if (header->nlmsg_type == RTM_NEWROUTE)
					show_route(header);
				if (!(header->nlmsg_flags & NLM_F_MULTI) &&
				    !(header->nlmsg_flags & NLM_F_ACK))
					done = header->nlmsg_flags != 0 ? 1 : 2;
			}
		}
	}
	/* A get's answer may be followed by its acknowledgement. */
	if (done == 2) {
		struct pollfd ready = { fd, POLLIN, 0 };

		if (poll(&ready, 1, 0) == 1) {
			ssize_t length = recv(fd, reply, sizeof(reply), 0);
			struct nlmsghdr *header = (struct nlmsghdr *)reply;

			if (length >= (ssize_t)sizeof(*header) &&
			    header->nlmsg_type == NLMSG_ERROR)
				printf(" then: length %u flags %#x error %d\n",
				       header->nlmsg_len, header->nlmsg_flags,
				       ((struct nlmsgerr *)NLMSG_DATA(header))
					       ->error);
		}
	}
	show_yes(" sequence and portid", wrong == 0);
	show_yes(" some messages", messages > 0);
	(void)others;
}

static void show_nothing_waits(int fd, const char *label)
{
	struct pollfd ready = { fd, POLLIN, 0 };

	show_yes(label, poll(&ready, 1, 0) == 0);
}

static void dumps(int fd)
{
	struct ifinfomsg link = { .ifi_family = AF_UNSPEC };
	struct ifaddrmsg address = { .ifa_family = AF_INET };
	struct rtgenmsg general = { .rtgen_family = AF_UNSPEC };

	show("dump links", request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP,
				   &link, sizeof(link)));
	show_answers(fd, "links");
	show("dump links, rtgenmsg",
	     request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, &general,
		     sizeof(general)));
	show_answers(fd, "links again");
	show("dump inet addresses",
	     request(fd, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, &address,
		     sizeof(address)));
	show_answers(fd, "inet addresses");
	address.ifa_family = AF_UNSPEC;
	show("dump all addresses",
	     request(fd, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, &address,
		     sizeof(address)));
	show_answers(fd, "all addresses");
	struct rtmsg route = { .rtm_family = AF_INET };

	show("dump inet routes", request(fd, RTM_GETROUTE,
					 NLM_F_REQUEST | NLM_F_DUMP, &route,
					 sizeof(route)));
	show_answers(fd, "inet routes");
	route.rtm_family = AF_UNSPEC;
	show("dump all routes", request(fd, RTM_GETROUTE,
					NLM_F_REQUEST | NLM_F_DUMP, &route,
					sizeof(route)));
	show_answers(fd, "all routes");
	show("dump links, acknowledged",
	     request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK,
		     &link, sizeof(link)));
	show_answers(fd, "links acknowledged");
	show_nothing_waits(fd, "nothing after the done");
}

static void gets(int fd)
{
	struct {
		struct ifinfomsg link;
		struct rtattr name_header;
		char name[8];
	} by_name = { .name_header = { RTA_LENGTH(3), IFLA_IFNAME },
		      .name = "lo" };
	struct ifinfomsg link = { .ifi_index = (int)if_nametoindex("lo") };

	show("get link by index",
	     request(fd, RTM_GETLINK, NLM_F_REQUEST, &link, sizeof(link)));
	show_answers(fd, "by index");
	show("get link by name",
	     request(fd, RTM_GETLINK, NLM_F_REQUEST, &by_name,
		     NLMSG_ALIGN(sizeof(link)) + RTA_ALIGN(RTA_LENGTH(3))));
	show_answers(fd, "by name");
	show("get link, acknowledged",
	     request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, &link,
		     sizeof(link)));
	show_answers(fd, "acknowledged");
	show_nothing_waits(fd, "nothing after the acknowledgement");
	link.ifi_index = 99999;
	show("get link 99999",
	     request(fd, RTM_GETLINK, NLM_F_REQUEST, &link, sizeof(link)));
	show_answers(fd, "no such index");
	memcpy(by_name.name, "nope0", 6);
	by_name.name_header.rta_len = RTA_LENGTH(6);
	show("get link nope0",
	     request(fd, RTM_GETLINK, NLM_F_REQUEST, &by_name,
		     NLMSG_ALIGN(sizeof(link)) + RTA_ALIGN(RTA_LENGTH(6))));
	show_answers(fd, "no such name");
	link.ifi_index = 0;
	show("get link, neither index nor name",
	     request(fd, RTM_GETLINK, NLM_F_REQUEST, &link, sizeof(link)));
	show_answers(fd, "neither");
	show("get link, short",
	     request(fd, RTM_GETLINK, NLM_F_REQUEST, &link, 4));
	show_answers(fd, "short");
}

static void oddities(int fd)
{
	struct ifinfomsg link = { 0 };

	show("unknown type",
	     request(fd, RTM_MAX + 10, NLM_F_REQUEST, &link, sizeof(link)));
	show_answers(fd, "unknown type");
	show("noop, acknowledged",
	     request(fd, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, NULL, 0));
	show_answers(fd, "noop");
	show("not a request, acknowledged",
	     request(fd, RTM_GETLINK, NLM_F_ACK, &link, sizeof(link)));
	show_answers(fd, "not a request");
	show("no payload, acknowledged",
	     request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, NULL, 0));
	show_answers(fd, "no payload");
	show("noop, silent", request(fd, NLMSG_NOOP, NLM_F_REQUEST, NULL, 0));
	show_nothing_waits(fd, "nothing for a silent noop");

	/* Two requests in one send: both answered, in order. */
	struct {
		struct nlmsghdr first;
		struct ifinfomsg first_link;
		struct nlmsghdr second;
		struct ifinfomsg second_link;
	} two = {
		{ sizeof(struct nlmsghdr) + sizeof(link), RTM_GETLINK,
		  NLM_F_REQUEST, 1, 0 },
		{ .ifi_index = (int)if_nametoindex("lo") },
		{ sizeof(struct nlmsghdr) + sizeof(link), RTM_GETLINK,
		  NLM_F_REQUEST, 2, 0 },
		{ .ifi_index = 99999 },
	};
	show("two requests", send(fd, &two, sizeof(two), 0));
	for (int i = 0; i < 2; i++) {
		ssize_t length = recv(fd, reply, sizeof(reply), 0);
		const struct nlmsghdr *header = (struct nlmsghdr *)reply;

		show_yes(" answer", length > 0);
		if (length > 0)
			printf(" type %u seq %u\n", header->nlmsg_type,
			       header->nlmsg_seq);
	}
	/* A header whose length runs past the send: ignored. */
	struct nlmsghdr long_one = { 100, RTM_GETLINK,
				     NLM_F_REQUEST | NLM_F_ACK, 3, 0 };
	show("length past the send", send(fd, &long_one, sizeof(long_one), 0));
	show_nothing_waits(fd, "nothing for it");
	long_one.nlmsg_len = 8;
	show("length under a header", send(fd, &long_one, sizeof(long_one), 0));
	show_nothing_waits(fd, "nothing for that");
}

static void receiving(int fd)
{
	struct ifinfomsg link = { .ifi_index = (int)if_nametoindex("lo") };
	struct sockaddr_nl from;
	socklen_t length = sizeof(from);
	char small[16];
	struct iovec piece = { small, sizeof(small) };
	struct msghdr message = { .msg_iov = &piece, .msg_iovlen = 1 };

	show("recv nonblocking, nothing", recv(fd, small, 16, MSG_DONTWAIT));
	request(fd, RTM_GETLINK, NLM_F_REQUEST, &link, sizeof(link));
	int queued = 0;

	show("FIONREAD", ioctl(fd, FIONREAD, &queued));
	long whole = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);

	show_yes("peeked length over 100", whole > 100);
	memset(&from, 0x55, sizeof(from));
	long got = recvfrom(fd, small, sizeof(small), MSG_PEEK,
			    (struct sockaddr *)&from, &length);
	show("peek 16", got);
	printf("from: length %u family %u pid %u groups %u\n", length,
	       from.nl_family, from.nl_pid, from.nl_groups);
	got = recvmsg(fd, &message, 0);
	show("recvmsg into 16", got);
	show_yes("truncated", (message.msg_flags & MSG_TRUNC) != 0);
	show_nothing_waits(fd, "the rest is gone");

	request(fd, RTM_GETLINK, NLM_F_REQUEST, &link, sizeof(link));
	show_yes("MSG_TRUNC gives the whole length",
		 recv(fd, small, sizeof(small), MSG_TRUNC) == whole);
	request(fd, RTM_GETLINK, NLM_F_REQUEST, &link, sizeof(link));
	show_yes("read takes it whole", read(fd, reply, sizeof(reply)) == whole);
}

static void show_name(const char *label, int fd)
{
	struct sockaddr_nl name;
	socklen_t length = sizeof(name);

	memset(&name, 0x55, sizeof(name));
	if (show(label, getsockname(fd, (struct sockaddr *)&name, &length)) ==
	    0)
		printf(" length %u family %u pad %u groups %#x\n", length,
		       name.nl_family, name.nl_pad, name.nl_groups);
}

static void names(void)
{
	int first = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int second = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
	struct sockaddr_nl name = { .nl_family = AF_NETLINK };
	struct ifinfomsg link = { 0 };

	show_yes("two netlink sockets", first >= 0 && second >= 0);
	show_name("unbound name", first);
	show_yes("unbound portid 0", own_portid(first) == 0);
	show("bind, portid 0",
	     bind(first, (struct sockaddr *)&name, sizeof(name)));
	show_yes("first portid is the pid", own_portid(first) == (uint32_t)getpid());
	show("send, autobound",
	     request(second, NLMSG_NOOP, NLM_F_REQUEST, &link, sizeof(link)));
	show_yes("second portid below -4096",
		 (int32_t)own_portid(second) < -4096);
	show("bind again, same portid",
	     bind(second, (struct sockaddr *)&(struct sockaddr_nl){
				  AF_NETLINK, 0, own_portid(second), 0 },
		  sizeof(name)));
	name.nl_pid = 4242;
	show("bind again, another portid",
	     bind(second, (struct sockaddr *)&name, sizeof(name)));
	close(second);
	second = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	name.nl_pid = (uint32_t)getpid();
	show("bind to a taken portid",
	     bind(second, (struct sockaddr *)&name, sizeof(name)));
	name.nl_pid = 4242;
	name.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR;
	show("bind 4242 with groups",
	     bind(second, (struct sockaddr *)&name, sizeof(name)));
	show_yes("portid 4242", own_portid(second) == 4242);
	show_name("bound name", second);
	show("bind, short", bind(second, (struct sockaddr *)&name, 8));
	name.nl_family = AF_INET;
	show("bind, another family",
	     bind(second, (struct sockaddr *)&name, sizeof(name)));

	struct sockaddr_nl peer = { AF_NETLINK, 0, 0, 0 };
	socklen_t length = sizeof(peer);

	memset(&peer, 0x55, sizeof(peer));
	show("getpeername", getpeername(first, (struct sockaddr *)&peer,
					&length));
	printf(" length %u family %u pid %u\n", length, peer.nl_family,
	       peer.nl_pid);
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	show("connect to the kernel",
	     connect(first, (struct sockaddr *)&kernel, sizeof(kernel)));
	struct sockaddr_nl nobody = { .nl_family = AF_NETLINK, .nl_pid = 77777 };
	show("sendto a portid nobody has",
	     sendto(first, &link, sizeof(link), 0, (struct sockaddr *)&nobody,
		    sizeof(nobody)));
	show("sendto, short name",
	     sendto(first, &link, sizeof(link), 0, (struct sockaddr *)&kernel,
		    4));
	show("listen", listen(first, 1));
	show("accept", accept(first, NULL, NULL));
	show("shutdown", shutdown(first, SHUT_WR));
	int type = 0;
	socklen_t size = sizeof(type);
	getsockopt(first, SOL_SOCKET, SO_TYPE, &type, &size);
	printf("SO_TYPE: %d\n", type);
	getsockopt(first, SOL_SOCKET, SO_PROTOCOL, &type, &size);
	printf("SO_PROTOCOL: %d\n", type);
	getsockopt(first, SOL_SOCKET, SO_DOMAIN, &type, &size);
	printf("SO_DOMAIN: %d\n", type);
	int on = 1;
	show("NETLINK_ADD_MEMBERSHIP",
	     setsockopt(first, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			&(int){ RTNLGRP_LINK }, sizeof(int)));
	show("NETLINK_GET_STRICT_CHK",
	     setsockopt(first, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &on,
			sizeof(on)));
	close(first);
	close(second);

	show("socket, stream", socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE));
	show("socket, protocol 40", socket(AF_NETLINK, SOCK_RAW, 40));
	show("socket, protocol -1", socket(AF_NETLINK, SOCK_RAW, -1));
	show("socketpair", socketpair(AF_NETLINK, SOCK_RAW, 0, (int[2]){ 0 }));
}

/* An acknowledged error when NETLINK_CAP_ACK is on: its echo capped. */
static void capped(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	int on = 1;
	struct ifinfomsg link = { .ifi_index = 99999 };

	show("NETLINK_CAP_ACK",
	     setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof(on)));
	request(fd, RTM_GETLINK, NLM_F_REQUEST, &link, sizeof(link));
	show_answers(fd, "capped error");
	close(fd);
}

static void show_ioctl(int fd, const char *label, unsigned long request_,
		       const char *name, struct ifreq *request_out)
{
	memset(request_out, 0, sizeof(*request_out));
	strncpy(request_out->ifr_name, name, IFNAMSIZ - 1);
	show(label, ioctl(fd, request_, request_out));
}

static void show_inet(const char *label, const struct sockaddr *address)
{
	char text[INET_ADDRSTRLEN] = "?";
	const struct sockaddr_in *inet = (const struct sockaddr_in *)address;

	inet_ntop(AF_INET, &inet->sin_addr, text, sizeof(text));
	printf(" %s: family %u %s\n", label, inet->sin_family, text);
}

static void ioctls(int fd, const char *label)
{
	struct ifreq request_;
	struct ifconf list;
	struct ifreq entries[16];

	printf("ioctls on %s\n", label);
	show_ioctl(fd, "SIOCGIFINDEX lo", SIOCGIFINDEX, "lo", &request_);
	printf(" index %d\n", request_.ifr_ifindex);
	show_ioctl(fd, "SIOCGIFINDEX nope0", SIOCGIFINDEX, "nope0", &request_);
	memset(&request_, 0, sizeof(request_));
	request_.ifr_ifindex = (int)if_nametoindex("lo");
	show("SIOCGIFNAME lo's", ioctl(fd, SIOCGIFNAME, &request_));
	printf(" name %s\n", request_.ifr_name);
	memset(&request_, 0, sizeof(request_));
	request_.ifr_ifindex = 99999;
	show("SIOCGIFNAME 99999", ioctl(fd, SIOCGIFNAME, &request_));
	show_ioctl(fd, "SIOCGIFFLAGS lo", SIOCGIFFLAGS, "lo", &request_);
	printf(" flags %#x\n", (unsigned short)request_.ifr_flags);
	show_ioctl(fd, "SIOCGIFMTU lo", SIOCGIFMTU, "lo", &request_);
	printf(" mtu %d\n", request_.ifr_mtu);
	show_ioctl(fd, "SIOCGIFTXQLEN lo", SIOCGIFTXQLEN, "lo", &request_);
	printf(" txqlen %d\n", request_.ifr_qlen);
	show_ioctl(fd, "SIOCGIFMETRIC lo", SIOCGIFMETRIC, "lo", &request_);
	printf(" metric %d\n", request_.ifr_metric);
	show_ioctl(fd, "SIOCGIFHWADDR lo", SIOCGIFHWADDR, "lo", &request_);
	printf(" family %u\n", request_.ifr_hwaddr.sa_family);
	show_bytes("bytes", (const uint8_t *)request_.ifr_hwaddr.sa_data, 14);
	show_ioctl(fd, "SIOCGIFADDR lo", SIOCGIFADDR, "lo", &request_);
	show_inet("address", &request_.ifr_addr);
	show_ioctl(fd, "SIOCGIFNETMASK lo", SIOCGIFNETMASK, "lo", &request_);
	show_inet("netmask", &request_.ifr_netmask);
	show_ioctl(fd, "SIOCGIFBRDADDR lo", SIOCGIFBRDADDR, "lo", &request_);
	show_inet("broadcast", &request_.ifr_broadaddr);
	show_ioctl(fd, "SIOCGIFDSTADDR lo", SIOCGIFDSTADDR, "lo", &request_);
	show_inet("destination", &request_.ifr_dstaddr);
	show_ioctl(fd, "SIOCGIFADDR nope0", SIOCGIFADDR, "nope0", &request_);
	show_ioctl(fd, "SIOCGIFFLAGS nope0", SIOCGIFFLAGS, "nope0", &request_);
	show("SIOCGIFINDEX, bad pointer",
	     ioctl(fd, SIOCGIFINDEX, (void *)16));

	list.ifc_len = 0;
	list.ifc_req = NULL;
	show("SIOCGIFCONF, sizing", ioctl(fd, SIOCGIFCONF, &list));
	show_yes(" a multiple of 40",
		 list.ifc_len > 0 && list.ifc_len % 40 == 0);
	list.ifc_len = sizeof(entries);
	list.ifc_req = entries;
	show("SIOCGIFCONF", ioctl(fd, SIOCGIFCONF, &list));
	for (int i = 0; i < list.ifc_len / (int)sizeof(entries[0]); i++)
		if (strcmp(entries[i].ifr_name, "lo") == 0)
			show_inet("lo", &entries[i].ifr_addr);
	list.ifc_len = 20;
	list.ifc_req = entries;
	show("SIOCGIFCONF, room for none", ioctl(fd, SIOCGIFCONF, &list));
	printf(" length %d\n", list.ifc_len);
	list.ifc_len = 40;
	list.ifc_req = (struct ifreq *)16;
	show("SIOCGIFCONF, bad buffer", ioctl(fd, SIOCGIFCONF, &list));
}

static void library(void)
{
	struct ifaddrs *all;

	if (show("getifaddrs", getifaddrs(&all)) == 0) {
		int found = 0;

		for (struct ifaddrs *one = all; one; one = one->ifa_next) {
			if (strcmp(one->ifa_name, "lo") != 0 ||
			    one->ifa_addr == NULL)
				continue;
			if (one->ifa_addr->sa_family == AF_INET) {
				printf(" lo inet flags %#x\n", one->ifa_flags);
				show_inet("address", one->ifa_addr);
				show_inet("netmask", one->ifa_netmask);
				found++;
			} else if (one->ifa_addr->sa_family == AF_PACKET) {
				const struct sockaddr_ll *link =
					(const void *)one->ifa_addr;

				printf(" lo packet flags %#x index %d type %u "
				       "length %u data %s\n",
				       one->ifa_flags,
				       link->sll_ifindex ==
					       (int)if_nametoindex("lo"),
				       link->sll_hatype, link->sll_halen,
				       one->ifa_data ? "yes" : "no");
				found++;
			}
		}
		printf(" lo entries: %d\n", found);
		freeifaddrs(all);
	}
	struct if_nameindex *names = if_nameindex();

	if (names == NULL) {
		show("if_nameindex", -1);
	} else {
		int found = 0;

		for (struct if_nameindex *one = names; one->if_index; one++)
			found += strcmp(one->if_name, "lo") == 0 &&
				 one->if_index == if_nametoindex("lo");
		show_yes("if_nameindex has lo", found == 1);
		if_freenameindex(names);
	}
	char name[IF_NAMESIZE] = "";

	show_yes("if_indextoname", if_indextoname(if_nametoindex("lo"), name) &&
					   strcmp(name, "lo") == 0);
	show("if_nametoindex nope0", if_nametoindex("nope0") ? 1 : -1);
	show("if_indextoname 99999",
	     if_indextoname(99999, name) ? 1 : -1);
}

/* /proc/net: the link, /proc/net/dev's header and lo's line (its
 * counters are the host's own), /proc/net/route's header. */
static void proc_net(void)
{
	char line[512], target[64] = "";
	FILE *file;

	readlink("/proc/net", target, sizeof(target) - 1);
	printf("/proc/net: %s\n", target);
	file = fopen("/proc/net/dev", "r");
	for (int i = 0; file && fgets(line, sizeof(line), file); i++) {
		unsigned long long counters[16];

		if (i < 2)
			printf("dev: %s", line);
		else if (strncmp(line, "    lo:", 7) == 0)
			printf("dev lo: %d counters\n",
			       sscanf(line + 7,
				      "%llu %llu %llu %llu %llu %llu %llu %llu "
				      "%llu %llu %llu %llu %llu %llu %llu %llu",
				      &counters[0], &counters[1], &counters[2],
				      &counters[3], &counters[4], &counters[5],
				      &counters[6], &counters[7], &counters[8],
				      &counters[9], &counters[10], &counters[11],
				      &counters[12], &counters[13],
				      &counters[14], &counters[15]));
	}
	if (file)
		fclose(file);
	file = fopen("/proc/net/route", "r");
	if (file && fgets(line, sizeof(line), file))
		printf("route: [%s]\n", line);
	if (file)
		fclose(file);
}

int main(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	setvbuf(stdout, NULL, _IONBF, 0);
	show_yes("socket", fd >= 0);
	show_yes("lo is index 1", if_nametoindex("lo") == 1);
	dumps(fd);
	gets(fd);
	oddities(fd);
	receiving(fd);
	close(fd);
	names();
	capped();

	int inet = socket(AF_INET, SOCK_DGRAM, 0);
	int local = socket(AF_UNIX, SOCK_DGRAM, 0);
	int netlink = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);

	ioctls(inet, "AF_INET");
	ioctls(local, "AF_UNIX");
	ioctls(netlink, "AF_NETLINK");
	int pipes[2];

	pipe(pipes);
	show("SIOCGIFINDEX on a pipe",
	     ioctl(pipes[0], SIOCGIFINDEX, &(struct ifreq){ .ifr_name = "lo" }));
	library();
	proc_net();
	return *show_failures() != 0;
}
