/* sshtun: configuring an interface over rtnetlink: addresses, link state and MTU, routes. */
#include "tun/tun.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "sshtun_err.h"
#include "util/wire.h"

/*
 * Netlink messages are in host byte order. Requests are built from the
 * kernel's own structs; replies are read with wire_get_bytes() into those
 * structs (a bounds-checked memcpy), so this works on any host endianness.
 */

enum {
	NL_REQ_MAX = 256,	/* header, body and three attributes of at most 16 bytes */
	NL_RECV_MAX = 8192,	/* an ack, or an error that echoes our request */
	NL_RECV_TRIES = 16,	/* datagrams read while looking for the reply to our seq */
	NL_TIMEOUT_SEC = 5,	/* the kernel answers at once; this only bounds a lost reply */
	NL_MAX_ERRNO = 4095	/* kernel errors are -1..-4095 */
};

/* A request under construction: a fixed writer over buf (no allocation). */
struct nl_req {
	struct wire_w w;
	uint8_t buf[NL_REQ_MAX];
};

static const uint8_t nl_zero[NLMSG_ALIGNTO];

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static int addr_max_prefix(int family)
{
	return family == AF_INET6 ? 128 : 32;
}

/* 1 if a is a usable address of family fam (or of any family if fam is 0). */
static int addr_ok(const struct tun_addr *a, int fam)
{
	if (!a || (a->family != AF_INET && a->family != AF_INET6) || (fam && a->family != fam)) {
		return 0;
	}
	return a->prefix >= -1 && a->prefix <= addr_max_prefix(a->family);
}

static int addr_prefix(const struct tun_addr *a)
{
	return a->prefix >= 0 ? a->prefix : addr_max_prefix(a->family);
}

/* Appends n bytes and zero padding up to the netlink alignment. */
static void nl_put(struct nl_req *q, const void *p, size_t n)
{
	wire_put_raw(&q->w, p, n);
	wire_put_raw(&q->w, nl_zero, NLMSG_ALIGN(n) - n);
}

/* Starts a request: header (length and seq filled in by nl_talk) and the fixed body. */
static void nl_begin(struct nl_req *q, uint16_t type, uint16_t flags, const void *body, size_t bodylen)
{
	struct nlmsghdr h;

	memset(&h, 0, sizeof(h));
	h.nlmsg_type = type;
	h.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	wire_w_init_fixed(&q->w, q->buf, sizeof(q->buf));
	nl_put(q, &h, sizeof(h));
	nl_put(q, body, bodylen);
}

/* Appends one attribute (struct rtattr, then the payload, padded). */
static void nl_attr(struct nl_req *q, uint16_t type, const void *data, size_t len)
{
	struct rtattr ra;

	ra.rta_len = (unsigned short)RTA_LENGTH(len);
	ra.rta_type = type;
	nl_put(q, &ra, sizeof(ra));
	nl_put(q, data, len);
}

int tun_nl_open(struct tun_nl *nl, const struct lg *log)
{
	struct timeval tv;
	int one = 1, e;

	nl->seq = 0;
	nl->log = log;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0) {
		e = errno;
		LG_E(log, "netlink: cannot open a routing socket: %s", strerror(e));
		return SSHTUN_ERR_NETLINK;
	}
	memset(&tv, 0, sizeof(tv));
	tv.tv_sec = NL_TIMEOUT_SEC;
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		e = errno;
		LG_E(log, "netlink: cannot set a receive timeout: %s", strerror(e));
		tun_nl_close(nl);
		return SSHTUN_ERR_NETLINK;
	}
	/* Errors need not echo our whole request; older kernels ignore this. */
	(void)setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return 0;
}

void tun_nl_close(struct tun_nl *nl)
{
	if (nl->fd >= 0) {
		close(nl->fd);
	}
	nl->fd = -1;
}

/* The payload of an NLMSG_ERROR: int error, then the header of the request it answers. */
static int parse_error(const struct wire_view *body, int *errno_out)
{
	struct wire_r r;
	struct nlmsghdr orig;
	int32_t error = 0;

	wire_r_init(&r, body->p, body->n);
	wire_get_bytes(&r, &error, sizeof(error));
	wire_get_bytes(&r, &orig, sizeof(orig));
	if (wire_err(&r) || error > 0 || error < -NL_MAX_ERRNO) {
		*errno_out = EBADMSG;
		return SSHTUN_ERR_NETLINK;
	}
	if (error == 0) {
		return 0;
	}
	*errno_out = -error;
	return SSHTUN_ERR_NETLINK;
}

/*
 * Walks every message in buf. The first NLMSG_ERROR with our seq decides:
 * 0 (ack) or SSHTUN_ERR_NETLINK with its errno. Messages with another seq or
 * type are skipped. A buffer whose framing does not parse is refused
 * (SSHTUN_ERR_NETLINK, EBADMSG). A buffer without a reply to seq gives
 * SSHTUN_ERR_NETLINK with *errno_out == 0: read the next datagram.
 */
int tun_nl_parse_ack(const uint8_t *buf, size_t len, uint32_t seq, int *errno_out)
{
	struct wire_r r;
	struct nlmsghdr h;
	struct wire_view body;
	size_t pad;

	*errno_out = 0;
	wire_r_init(&r, buf, len);
	while (wire_left(&r) > 0) {
		wire_get_bytes(&r, &h, sizeof(h));
		if (wire_err(&r) || h.nlmsg_len < sizeof(h) ||
		    wire_get_raw(&r, h.nlmsg_len - sizeof(h), &body) != 0) {
			*errno_out = EBADMSG;
			return SSHTUN_ERR_NETLINK;
		}
		/* The last message may lack its alignment padding. */
		pad = (NLMSG_ALIGNTO - (h.nlmsg_len % NLMSG_ALIGNTO)) % NLMSG_ALIGNTO;
		wire_skip(&r, pad < wire_left(&r) ? pad : wire_left(&r));
		if (h.nlmsg_seq == seq && h.nlmsg_type == NLMSG_ERROR) {
			return parse_error(&body, errno_out);
		}
	}
	return SSHTUN_ERR_NETLINK;
}

/* Reads datagrams from the kernel until one answers seq. */
static int nl_wait_ack(struct tun_nl *nl, uint32_t seq, int *err)
{
	uint8_t buf[NL_RECV_MAX];
	struct sockaddr_nl sa;
	socklen_t salen;
	ssize_t n;
	int rc;

	for (int tries = 0; tries < NL_RECV_TRIES; tries++) {
		salen = sizeof(sa);
		memset(&sa, 0, sizeof(sa));
		n = recvfrom(nl->fd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&sa, &salen);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			*err = (errno == EAGAIN || errno == EWOULDBLOCK) ? ETIMEDOUT : errno;
			return SSHTUN_ERR_NETLINK;
		}
		if ((size_t)n > sizeof(buf)) {
			*err = EMSGSIZE;
			return SSHTUN_ERR_NETLINK;
		}
		if (sa.nl_family != AF_NETLINK || sa.nl_pid != 0) {
			continue;	/* not from the kernel */
		}
		rc = tun_nl_parse_ack(buf, (size_t)n, seq, err);
		if (rc == 0 || *err != 0) {
			return rc;
		}
	}
	*err = ENOMSG;
	return SSHTUN_ERR_NETLINK;
}

/* Sends the request with a fresh seq and waits for its ack. *err gets the errno on failure. */
static int nl_talk(struct tun_nl *nl, struct nl_req *q, int *err)
{
	struct sockaddr_nl sa;
	struct nlmsghdr h;
	ssize_t n;

	*err = 0;
	if (nl->fd < 0 || wire_w_err(&q->w) != 0) {
		*err = EINVAL;
		return SSHTUN_ERR_INVAL;
	}
	memcpy(&h, q->buf, sizeof(h));
	h.nlmsg_len = (uint32_t)q->w.len;
	h.nlmsg_seq = ++nl->seq;
	memcpy(q->buf, &h, sizeof(h));
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	do {
		n = sendto(nl->fd, q->buf, q->w.len, 0, (struct sockaddr *)&sa, sizeof(sa));
	} while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != q->w.len) {
		*err = n < 0 ? errno : EMSGSIZE;
		return SSHTUN_ERR_NETLINK;
	}
	return nl_wait_ack(nl, h.nlmsg_seq, err);
}

int tun_nl_addr(struct tun_nl *nl, int add, int ifindex, const struct tun_addr *addr, const struct tun_addr *peer)
{
	struct nl_req q;
	struct ifaddrmsg ifa;
	char a[64], p[64];
	int rc, err = 0;

	if (ifindex <= 0 || !addr_ok(addr, 0) || (peer && !addr_ok(peer, addr->family))) {
		return SSHTUN_ERR_INVAL;
	}
	memset(&ifa, 0, sizeof(ifa));
	ifa.ifa_family = (uint8_t)addr->family;
	ifa.ifa_prefixlen = (uint8_t)addr_prefix(addr);
	/* Configured by hand for a tunnel: usable at once, without duplicate detection. */
	ifa.ifa_flags = addr->family == AF_INET6 ? IFA_F_NODAD : 0;
	ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	ifa.ifa_index = (uint32_t)ifindex;
	nl_begin(&q, add ? RTM_NEWADDR : RTM_DELADDR, add ? NLM_F_CREATE | NLM_F_EXCL : 0, &ifa, sizeof(ifa));
	nl_attr(&q, IFA_LOCAL, addr->a, addr_len(addr->family));
	nl_attr(&q, IFA_ADDRESS, (peer ? peer : addr)->a, addr_len(addr->family));
	rc = nl_talk(nl, &q, &err);
	tun_addr_format(a, sizeof(a), addr);
	if (rc != 0 && add && err == EEXIST) {
		LG_D1(nl->log, "netlink: address %s already on ifindex %d", a, ifindex);
		return 0;
	}
	if (rc != 0) {
		tun_addr_format(p, sizeof(p), peer ? peer : addr);
		LG_E(nl->log, "netlink: cannot %s address %s peer %s on ifindex %d: %s",
		     add ? "add" : "delete", a, p, ifindex, strerror(err));
		return rc;
	}
	LG_D1(nl->log, "netlink: %s address %s on ifindex %d", add ? "added" : "deleted", a, ifindex);
	return 0;
}

int tun_nl_link(struct tun_nl *nl, int ifindex, int up, int mtu)
{
	struct nl_req q;
	struct ifinfomsg ifi;
	uint32_t m = (uint32_t)mtu;
	int rc, err = 0;

	if (ifindex <= 0) {
		return SSHTUN_ERR_INVAL;
	}
	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = ifindex;
	ifi.ifi_flags = up ? IFF_UP : 0;
	ifi.ifi_change = IFF_UP;
	nl_begin(&q, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	if (mtu > 0) {
		nl_attr(&q, IFLA_MTU, &m, sizeof(m));
	}
	rc = nl_talk(nl, &q, &err);
	if (rc != 0) {
		LG_E(nl->log, "netlink: cannot set ifindex %d %s (mtu %d): %s", ifindex, up ? "up" : "down",
		     mtu, strerror(err));
		return rc;
	}
	LG_D1(nl->log, "netlink: ifindex %d %s, mtu %d", ifindex, up ? "up" : "down", mtu);
	return 0;
}

int tun_nl_route(struct tun_nl *nl, int add, int ifindex, const struct tun_addr *dst, const struct tun_addr *gw)
{
	struct nl_req q;
	struct rtmsg rt;
	uint32_t oif = (uint32_t)ifindex;
	char d[64], g[64] = "";
	int rc, err = 0;

	if (ifindex <= 0 || !addr_ok(dst, 0) || (gw && !addr_ok(gw, dst->family))) {
		return SSHTUN_ERR_INVAL;
	}
	memset(&rt, 0, sizeof(rt));
	rt.rtm_family = (uint8_t)dst->family;
	rt.rtm_dst_len = (uint8_t)addr_prefix(dst);
	rt.rtm_table = RT_TABLE_MAIN;
	rt.rtm_type = RTN_UNICAST;
	if (add) {
		rt.rtm_protocol = RTPROT_STATIC;
		rt.rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	} else {
		rt.rtm_scope = RT_SCOPE_NOWHERE;	/* delete matches any scope and protocol */
	}
	nl_begin(&q, add ? RTM_NEWROUTE : RTM_DELROUTE, add ? NLM_F_CREATE | NLM_F_EXCL : 0, &rt, sizeof(rt));
	if (rt.rtm_dst_len > 0) {
		nl_attr(&q, RTA_DST, dst->a, addr_len(dst->family));
	}
	nl_attr(&q, RTA_OIF, &oif, sizeof(oif));
	if (gw) {
		nl_attr(&q, RTA_GATEWAY, gw->a, addr_len(gw->family));
	}
	rc = nl_talk(nl, &q, &err);
	tun_addr_format(d, sizeof(d), dst);
	if (gw) {
		tun_addr_format(g, sizeof(g), gw);
	}
	if (rc != 0) {
		LG_E(nl->log, "netlink: cannot %s route %s%s%s on ifindex %d: %s", add ? "add" : "delete", d,
		     gw ? " via " : "", g, ifindex, strerror(err));
		return rc;
	}
	LG_D1(nl->log, "netlink: %s route %s%s%s on ifindex %d", add ? "added" : "deleted", d,
	      gw ? " via " : "", g, ifindex);
	return 0;
}
