/* sshtun: local tun/tap devices and their configuration over rtnetlink (a leaf: uses only util/). */
#ifndef TUN_TUN_H
#define TUN_TUN_H

#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "util/log.h"

enum { TUN_ANY = -1 };

struct tun_dev {
	int fd;			/* -1 when closed; non-blocking, close-on-exec */
	int tap;		/* 1: layer 2 (tap), 0: layer 3 (tun) */
	int ifindex;
	int created;		/* 1 if we created the device (it vanishes when fd closes) */
	int vnet;		/* 1: reads and writes carry a virtio-net header (tun/offload.h) */
	int tso;		/* 1: the kernel may hand us TCP super-packets (TSO offload accepted) */
	char name[IFNAMSIZ];
};

/*
 * Opens /dev/net/tun as tun (tap=0) or tap (tap=1) with IFF_NO_PI.
 * unit >= 0 names "tunN"/"tapN"; TUN_ANY takes the first free one (kernel picks).
 * If a persistent device of that name exists and the caller may attach to it, it is used.
 * With offload=1 the device is opened with IFF_VNET_HDR and asked for checksum and
 * TCP segmentation offload (d->vnet, d->tso say what was granted; without it the
 * device is opened plainly).
 * SSHTUN_ERR_TUN_DEVICE on failure, with the system error logged.
 */
int tun_open(struct tun_dev *d, int tap, int unit, int offload, const struct lg *log);
void tun_close(struct tun_dev *d);

/* An IPv4 or IPv6 address with an optional prefix, parsed from user text. */
struct tun_addr {
	int family;		/* AF_INET or AF_INET6 */
	int prefix;		/* -1 if none was given */
	uint8_t a[16];
};
/* Parses "198.18.0.1", "198.18.0.1/24", "fd00::1/64". SSHTUN_ERR_CONFIG on bad text. */
int tun_addr_parse(struct tun_addr *out, const char *s);
/* Formats an address (with "/prefix" if prefix >= 0) into out. */
void tun_addr_format(char *out, size_t outlen, const struct tun_addr *a);

/* An rtnetlink socket. */
struct tun_nl {
	int fd;
	uint32_t seq;
	const struct lg *log;
};
int tun_nl_open(struct tun_nl *nl, const struct lg *log);
void tun_nl_close(struct tun_nl *nl);
/* Adds (add=1) or deletes (add=0) addr on ifindex; peer (may be NULL) makes it point-to-point (IFA_ADDRESS). */
int tun_nl_addr(struct tun_nl *nl, int add, int ifindex, const struct tun_addr *addr, const struct tun_addr *peer);
/* Sets the MTU (if mtu > 0) and the link up or down. */
int tun_nl_link(struct tun_nl *nl, int ifindex, int up, int mtu);
/* Adds or deletes a route to dst/prefix via the device, with an optional gateway (tun_nl_route2 with metric 0). */
int tun_nl_route(struct tun_nl *nl, int add, int ifindex, const struct tun_addr *dst, const struct tun_addr *gw);

/* A route of the main table, as tun_nl_route2 adds and deletes it (protocol static). */
struct tun_route {
	struct tun_addr dst;	/* with its prefix; no prefix: a host route */
	struct tun_addr gw;	/* family 0: none (on-link); an IPv6 gateway for an IPv4 dst goes as RTA_VIA */
	int ifindex;		/* output device; 0: the kernel picks it from gw (then gw is needed) */
	uint32_t metric;	/* RTA_PRIORITY; 0: the kernel's default (IPv6: sent as 1024, its default) */
	uint32_t mtu;		/* the route's MTU (RTAX_MTU) when added; 0: the device's */
};
/*
 * Adds (add=1, refused with EEXIST if a route of that dst and metric is there) or deletes (add=0) r. A delete
 * names everything the add did (dst/prefix, gw, ifindex, metric, protocol static), so it removes that route and
 * no other; the kernel takes an IPv4 metric 0 on a delete as "any metric" (the lowest that matches the rest).
 */
int tun_nl_route2(struct tun_nl *nl, int add, const struct tun_route *r);
/* (tun_nl_route2 and tun_nl_route return SSHTUN_ERR_ROUTE_EXISTS, logged at debug level only, when a route to
 * that network and metric is there already: the caller decides whether that matters.) */

/* What the kernel would do with a packet to one address: RTM_GETROUTE's answer, as `ip route get ADDR`. */
struct tun_route_info {
	int oif;		/* output ifindex; 0 if the answer names none */
	int type;		/* RTN_UNICAST, RTN_LOCAL, ... */
	uint32_t table;		/* the table the route came from */
	struct tun_addr gw;	/* the gateway (prefix -1); family 0: none, the address is on the link */
	struct tun_addr src;	/* the preferred source (prefix -1); family 0: none given */
};
/* Asks the kernel how it routes dst (its prefix is ignored). SSHTUN_ERR_NETLINK (logged) if it has no route. */
int tun_nl_get_route(struct tun_nl *nl, const struct tun_addr *dst, struct tun_route_info *out);

/* One interface as RTM_GETLINK describes it. */
struct tun_link_info {
	int ifindex;
	int master;		/* IFLA_MASTER: the bridge (or bond) it is a port of; 0: none */
	unsigned flags;		/* IFF_* */
	unsigned mtu;		/* 0 if not given */
	char name[IFNAMSIZ];	/* "" if not given; bytes as the kernel has them (sanitize before printing) */
	char kind[32];		/* IFLA_INFO_KIND: "bridge", "tun", ...; "" for a device without one (lo, a NIC) */
};
int tun_nl_get_link(struct tun_nl *nl, int ifindex, struct tun_link_info *out);
/* 0 if ifindex is a bridge; SSHTUN_ERR_CONFIG (logged) if it is another kind; SSHTUN_ERR_NETLINK if no such link. */
int tun_nl_is_bridge(struct tun_nl *nl, int ifindex);
/* Makes ifindex a port of master (IFLA_MASTER), or of none with master 0 (`ip link set IF nomaster`). */
int tun_nl_set_master(struct tun_nl *nl, int ifindex, int master);
/*
 * Parses one netlink reply (an NLMSG_ERROR ack) as read from the socket: 0 for a
 * positive ack of seq, the negated errno folded into SSHTUN_ERR_NETLINK otherwise
 * (*errno_out gets the errno). SSHTUN_ERR_NETLINK with *errno_out == 0 means the
 * buffer held no reply to seq (read the next datagram); *errno_out == EBADMSG
 * means the framing was malformed or truncated. Exposed for the fuzz target.
 */
int tun_nl_parse_ack(const uint8_t *buf, size_t len, uint32_t seq, int *errno_out);
/*
 * Parse one datagram that should answer an RTM_GETROUTE (tun_nl_parse_route) or RTM_GETLINK
 * (tun_nl_parse_link) of seq, the same way: 0 with out filled from the first RTM_NEWROUTE / RTM_NEWLINK of
 * seq; SSHTUN_ERR_NETLINK with *errno_out the kernel's errno for an error reply (ENOMSG: acked or done
 * without an answer), EBADMSG for framing, an attribute length or a value that does not fit, 0 for "no reply
 * to seq here: read the next datagram". out is all zero unless 0 is returned. Exposed for the fuzz target.
 */
int tun_nl_parse_route(const uint8_t *buf, size_t len, uint32_t seq, struct tun_route_info *out, int *errno_out);
int tun_nl_parse_link(const uint8_t *buf, size_t len, uint32_t seq, struct tun_link_info *out, int *errno_out);

#endif
