/*
 * Netlink's and rtnetlink's user-space ABI (Linux's <linux/netlink.h>,
 * <linux/rtnetlink.h>, <linux/if_link.h>, <linux/if_addr.h>), which
 * musl's headers do not have: the structures and numbers
 * tests/apps/netlink.c and net_interfaces.c use.
 */
#ifndef NETLINK_UTIL_H
#define NETLINK_UTIL_H

#include <stdint.h>

#define NETLINK_ROUTE 0
#define SOL_NETLINK   270
#define NETLINK_ADD_MEMBERSHIP 1
#define NETLINK_CAP_ACK        10
#define NETLINK_GET_STRICT_CHK 12

struct sockaddr_nl {
	uint16_t nl_family, nl_pad;
	uint32_t nl_pid, nl_groups;
};

struct nlmsghdr {
	uint32_t nlmsg_len;
	uint16_t nlmsg_type, nlmsg_flags;
	uint32_t nlmsg_seq, nlmsg_pid;
};

struct nlmsgerr {
	int error;
	struct nlmsghdr msg;
};

#define NLM_F_REQUEST 0x1
#define NLM_F_MULTI   0x2
#define NLM_F_ACK     0x4
#define NLM_F_DUMP    0x300

#define NLMSG_NOOP  1
#define NLMSG_ERROR 2
#define NLMSG_DONE  3

#define NLMSG_ALIGN(length) (((length) + 3u) & ~3u)
#define NLMSG_HDRLEN        NLMSG_ALIGN(sizeof(struct nlmsghdr))
#define NLMSG_DATA(header)  ((void *)((char *)(header) + NLMSG_HDRLEN))
#define NLMSG_OK(header, left)                                  \
	((left) >= (int)sizeof(struct nlmsghdr) &&                \
	 (header)->nlmsg_len >= sizeof(struct nlmsghdr) &&         \
	 (header)->nlmsg_len <= (unsigned)(left))
#define NLMSG_NEXT(header, left)                                         \
	((left) -= NLMSG_ALIGN((header)->nlmsg_len),                     \
	 (struct nlmsghdr *)((char *)(header) +                          \
			     NLMSG_ALIGN((header)->nlmsg_len)))

struct rtattr {
	uint16_t rta_len, rta_type;
};

#define RTA_ALIGN(length)   (((length) + 3u) & ~3u)
#define RTA_LENGTH(length)  (RTA_ALIGN(sizeof(struct rtattr)) + (length))
#define RTA_DATA(at)        ((void *)((char *)(at) + RTA_LENGTH(0)))
#define RTA_PAYLOAD(at)     ((int)((at)->rta_len) - (int)RTA_LENGTH(0))
#define RTA_OK(at, left)                                             \
	((left) >= (int)sizeof(struct rtattr) &&                     \
	 (at)->rta_len >= sizeof(struct rtattr) &&                   \
	 (at)->rta_len <= (left))
#define RTA_NEXT(at, left)                                         \
	((left) -= RTA_ALIGN((at)->rta_len),                       \
	 (const struct rtattr *)((const char *)(at) +              \
				 RTA_ALIGN((at)->rta_len)))

#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define RTM_NEWADDR 20
#define RTM_GETADDR 22
#define RTM_NEWROUTE 24
#define RTM_GETROUTE 26
#define RTM_MAX     127 /* above every type Linux 6.x knows */

#define RTMGRP_LINK        1
#define RTMGRP_IPV4_IFADDR 0x10
#define RTNLGRP_LINK       1

struct rtgenmsg {
	uint8_t rtgen_family;
};

struct ifinfomsg {
	uint8_t ifi_family, pad;
	uint16_t ifi_type;
	int32_t ifi_index;
	uint32_t ifi_flags, ifi_change;
};

#define IFLA_RTA(link) \
	((const struct rtattr *)((const char *)(link) + \
				 NLMSG_ALIGN(sizeof(struct ifinfomsg))))
#define IFLA_PAYLOAD(header) \
	((header)->nlmsg_len - NLMSG_HDRLEN - \
	 NLMSG_ALIGN(sizeof(struct ifinfomsg)))

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

/* struct rtnl_link_stats: 24 counters of 32 bits, the first four
 * packets received and sent, bytes received and sent. */
#define LINK_STATS_SIZE (24 * 4)

struct ifaddrmsg {
	uint8_t ifa_family, ifa_prefixlen, ifa_flags, ifa_scope;
	uint32_t ifa_index;
};

#define IFA_RTA(address) \
	((const struct rtattr *)((const char *)(address) + \
				 NLMSG_ALIGN(sizeof(struct ifaddrmsg))))
#define IFA_PAYLOAD(header) \
	((header)->nlmsg_len - NLMSG_HDRLEN - \
	 NLMSG_ALIGN(sizeof(struct ifaddrmsg)))

#define IFA_ADDRESS   1
#define IFA_LOCAL     2
#define IFA_LABEL     3
#define IFA_BROADCAST 4
#define IFA_CACHEINFO 6
#define IFA_FLAGS     8

struct ifa_cacheinfo {
	uint32_t ifa_prefered, ifa_valid, cstamp, tstamp;
};

struct rtmsg {
	uint8_t rtm_family, rtm_dst_len, rtm_src_len, rtm_tos;
	uint8_t rtm_table, rtm_protocol, rtm_scope, rtm_type;
	uint32_t rtm_flags;
};

#define RTM_RTA(route) \
	((const struct rtattr *)((const char *)(route) + \
				 NLMSG_ALIGN(sizeof(struct rtmsg))))
#define RTM_PAYLOAD(header) \
	((header)->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(sizeof(struct rtmsg)))

#define RTA_DST     1
#define RTA_OIF     4
#define RTA_GATEWAY 5
#define RTA_PREFSRC 7
#define RTA_TABLE   15

#endif /* NETLINK_UTIL_H */
