/* sshtun: configuring an interface over rtnetlink: addresses, link state and MTU, routes, bridge ports;
 * and asking the kernel how it routes an address and what an interface is. */
#include "tun/tun.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
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
	NL_REQ_MAX = 256,	/* header, body and four attributes of at most 20 bytes */
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

/*
 * Starts a request: header (length and seq filled in by nl_send) and the fixed body. Changes ask for an ack
 * (NLM_F_ACK in flags); a GET does not, its answer is the data or an error.
 */
static void nl_begin(struct nl_req *q, uint16_t type, uint16_t flags, const void *body, size_t bodylen)
{
	struct nlmsghdr h;

	memset(&h, 0, sizeof(h));
	h.nlmsg_type = type;
	h.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
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
 * Walks every message in buf for the first one of seq whose type is NLMSG_ERROR or want (and, when want is
 * a data message, NLMSG_DONE): 1 with its header and payload, 0 if there is none (*errno_out stays 0: read
 * the next datagram), -1 if the framing does not parse (*errno_out EBADMSG). Other messages are skipped.
 */
static int nl_find(const uint8_t *buf, size_t len, uint32_t seq, uint16_t want, struct nlmsghdr *h,
		   struct wire_view *body, int *errno_out)
{
	struct wire_r r;
	size_t pad;

	*errno_out = 0;
	wire_r_init(&r, buf, len);
	while (wire_left(&r) > 0) {
		wire_get_bytes(&r, h, sizeof(*h));
		if (wire_err(&r) || h->nlmsg_len < sizeof(*h) ||
		    wire_get_raw(&r, h->nlmsg_len - sizeof(*h), body) != 0) {
			*errno_out = EBADMSG;
			return -1;
		}
		/* The last message may lack its alignment padding. */
		pad = (NLMSG_ALIGNTO - (h->nlmsg_len % NLMSG_ALIGNTO)) % NLMSG_ALIGNTO;
		wire_skip(&r, pad < wire_left(&r) ? pad : wire_left(&r));
		if (h->nlmsg_seq == seq && (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == want ||
					    (want != NLMSG_ERROR && h->nlmsg_type == NLMSG_DONE))) {
			return 1;
		}
	}
	return 0;
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
	struct nlmsghdr h;
	struct wire_view body;

	if (nl_find(buf, len, seq, NLMSG_ERROR, &h, &body, errno_out) != 1) {
		return SSHTUN_ERR_NETLINK;
	}
	return parse_error(&body, errno_out);
}

/*
 * The reply to a GET: 1 with the payload of the data message (type want), or the result for the caller
 * (SSHTUN_ERR_NETLINK with *errno_out set; 0 meaning "read on"). An error reply of 0 (an ack) or
 * NLMSG_DONE without the data is ENOMSG.
 */
static int nl_find_data(const uint8_t *buf, size_t len, uint32_t seq, uint16_t want, struct wire_view *body,
			int *errno_out)
{
	struct nlmsghdr h;
	int found = nl_find(buf, len, seq, want, &h, body, errno_out);

	if (found != 1) {
		return SSHTUN_ERR_NETLINK;
	}
	if (h.nlmsg_type == want) {
		return 1;
	}
	if (h.nlmsg_type == NLMSG_ERROR && parse_error(body, errno_out) != 0) {
		return SSHTUN_ERR_NETLINK;
	}
	*errno_out = ENOMSG;
	return SSHTUN_ERR_NETLINK;
}

/*
 * The next attribute in r (a run of struct rtattr and payloads): 1 with its type (the nested and byte order
 * flags masked off) and payload, 0 at the end, -1 if a length lies (too short, or past the end). The last
 * attribute may lack its padding.
 */
static int nl_next_attr(struct wire_r *r, uint16_t *type, struct wire_view *val)
{
	struct rtattr ra;
	size_t pad;

	if (wire_left(r) == 0 && !wire_err(r)) {
		return 0;
	}
	if (wire_get_bytes(r, &ra, sizeof(ra)) != 0 || ra.rta_len < sizeof(ra) ||
	    wire_get_raw(r, ra.rta_len - sizeof(ra), val) != 0) {
		return -1;
	}
	pad = RTA_ALIGN(ra.rta_len) - ra.rta_len;
	wire_skip(r, pad < wire_left(r) ? pad : wire_left(r));
	*type = (uint16_t)(ra.rta_type & NLA_TYPE_MASK);
	return 1;
}

/* A host-order u32 payload of exactly 4 bytes. */
static int attr_u32(const struct wire_view *v, uint32_t *out)
{
	struct wire_r r;

	wire_r_init(&r, v->p, v->n);
	wire_get_bytes(&r, out, sizeof(*out));
	return wire_end(&r);
}

/* An address of family fam, exactly its size. */
static int attr_addr(const struct wire_view *v, int fam, struct tun_addr *out)
{
	struct wire_r r;

	memset(out, 0, sizeof(*out));
	wire_r_init(&r, v->p, v->n);
	wire_get_bytes(&r, out->a, addr_len(fam));
	if (wire_end(&r) != 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	out->family = fam;
	out->prefix = -1;
	return 0;
}

/* A string: the bytes up to a NUL or the payload's end, which must fit out with its NUL. */
static int attr_str(const struct wire_view *v, char *out, size_t outlen)
{
	struct wire_r r;
	uint8_t c = 0;
	size_t n = 0;

	wire_r_init(&r, v->p, v->n);
	while (wire_left(&r) > 0 && wire_get_u8(&r, &c) == 0 && c != 0) {
		if (n + 1 >= outlen) {
			out[0] = '\0';
			return -1;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

/* RTA_VIA: a u16 family, then an address of that family, nothing else. */
static int attr_via(const struct wire_view *v, struct tun_addr *out)
{
	struct wire_r r;
	struct wire_view a;
	uint16_t fam = 0;

	wire_r_init(&r, v->p, v->n);
	wire_get_bytes(&r, &fam, sizeof(fam));
	if (wire_err(&r) || (fam != AF_INET && fam != AF_INET6) || wire_get_raw(&r, wire_left(&r), &a) != 0) {
		return -1;
	}
	return attr_addr(&a, fam, out);
}

/* The body of an RTM_NEWROUTE: struct rtmsg, then attributes. */
static int parse_route_body(const struct wire_view *body, struct tun_route_info *out)
{
	struct wire_r r;
	struct rtmsg rt;
	struct wire_view v;
	uint16_t type;
	uint32_t u;
	int fam, more;

	wire_r_init(&r, body->p, body->n);
	if (wire_get_bytes(&r, &rt, sizeof(rt)) != 0 || (rt.rtm_family != AF_INET && rt.rtm_family != AF_INET6)) {
		return -1;
	}
	fam = rt.rtm_family;
	out->type = rt.rtm_type;
	out->table = rt.rtm_table;
	while ((more = nl_next_attr(&r, &type, &v)) == 1) {
		switch (type) {
		case RTA_OIF:
			if (attr_u32(&v, &u) != 0 || u > INT32_MAX) {
				return -1;
			}
			out->oif = (int)u;
			break;
		case RTA_TABLE:
			if (attr_u32(&v, &out->table) != 0) {
				return -1;
			}
			break;
		case RTA_GATEWAY:
			if (attr_addr(&v, fam, &out->gw) != 0) {
				return -1;
			}
			break;
		case RTA_VIA:
			if (attr_via(&v, &out->gw) != 0) {
				return -1;
			}
			break;
		case RTA_PREFSRC:
			if (attr_addr(&v, fam, &out->src) != 0) {
				return -1;
			}
			break;
		default:
			break;	/* RTA_DST, RTA_UID, RTA_CACHEINFO, ...: not needed */
		}
	}
	return more;
}

int tun_nl_parse_route(const uint8_t *buf, size_t len, uint32_t seq, struct tun_route_info *out, int *errno_out)
{
	struct wire_view body;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = nl_find_data(buf, len, seq, RTM_NEWROUTE, &body, errno_out);
	if (rc != 1) {
		return rc;
	}
	if (parse_route_body(&body, out) != 0) {
		memset(out, 0, sizeof(*out));
		*errno_out = EBADMSG;
		return SSHTUN_ERR_NETLINK;
	}
	return 0;
}

/* IFLA_LINKINFO: nested attributes, of which IFLA_INFO_KIND is kept. */
static int parse_linkinfo(const struct wire_view *info, struct tun_link_info *out)
{
	struct wire_r r;
	struct wire_view v;
	uint16_t type;
	int more;

	wire_r_init(&r, info->p, info->n);
	while ((more = nl_next_attr(&r, &type, &v)) == 1) {
		if (type == IFLA_INFO_KIND && attr_str(&v, out->kind, sizeof(out->kind)) != 0) {
			return -1;
		}
	}
	return more;
}

/* The body of an RTM_NEWLINK: struct ifinfomsg, then attributes. */
static int parse_link_body(const struct wire_view *body, struct tun_link_info *out)
{
	struct wire_r r;
	struct ifinfomsg ifi;
	struct wire_view v;
	uint16_t type;
	uint32_t u;
	int more;

	wire_r_init(&r, body->p, body->n);
	if (wire_get_bytes(&r, &ifi, sizeof(ifi)) != 0 || ifi.ifi_index <= 0) {
		return -1;
	}
	out->ifindex = ifi.ifi_index;
	out->flags = ifi.ifi_flags;
	while ((more = nl_next_attr(&r, &type, &v)) == 1) {
		switch (type) {
		case IFLA_IFNAME:
			if (attr_str(&v, out->name, sizeof(out->name)) != 0) {
				return -1;
			}
			break;
		case IFLA_MTU:
			if (attr_u32(&v, &out->mtu) != 0) {
				return -1;
			}
			break;
		case IFLA_MASTER:
			if (attr_u32(&v, &u) != 0 || u > INT32_MAX) {
				return -1;
			}
			out->master = (int)u;
			break;
		case IFLA_LINKINFO:
			if (parse_linkinfo(&v, out) != 0) {
				return -1;
			}
			break;
		default:
			break;
		}
	}
	return more;
}

int tun_nl_parse_link(const uint8_t *buf, size_t len, uint32_t seq, struct tun_link_info *out, int *errno_out)
{
	struct wire_view body;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = nl_find_data(buf, len, seq, RTM_NEWLINK, &body, errno_out);
	if (rc != 1) {
		return rc;
	}
	if (parse_link_body(&body, out) != 0) {
		memset(out, 0, sizeof(*out));
		*errno_out = EBADMSG;
		return SSHTUN_ERR_NETLINK;
	}
	return 0;
}

/* A parser of one datagram: tun_nl_parse_ack's contract, the answer in out. */
typedef int (*nl_parse_fn)(const uint8_t *buf, size_t len, uint32_t seq, void *out, int *errno_out);

static int parse_ack_fn(const uint8_t *buf, size_t len, uint32_t seq, void *out, int *errno_out)
{
	(void)out;
	return tun_nl_parse_ack(buf, len, seq, errno_out);
}

static int parse_route_fn(const uint8_t *buf, size_t len, uint32_t seq, void *out, int *errno_out)
{
	return tun_nl_parse_route(buf, len, seq, out, errno_out);
}

static int parse_link_fn(const uint8_t *buf, size_t len, uint32_t seq, void *out, int *errno_out)
{
	return tun_nl_parse_link(buf, len, seq, out, errno_out);
}

/* Reads datagrams from the kernel until one answers seq. */
static int nl_wait(struct tun_nl *nl, uint32_t seq, nl_parse_fn parse, void *out, int *err)
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
		rc = parse(buf, (size_t)n, seq, out, err);
		if (rc == 0 || *err != 0) {
			return rc;
		}
	}
	*err = ENOMSG;
	return SSHTUN_ERR_NETLINK;
}

/* Sends the request with a fresh seq and waits for its answer. *err gets the errno on failure. */
static int nl_talk_parse(struct tun_nl *nl, struct nl_req *q, nl_parse_fn parse, void *out, int *err)
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
	return nl_wait(nl, h.nlmsg_seq, parse, out, err);
}

/* A change: sends it and waits for its ack. */
static int nl_talk(struct tun_nl *nl, struct nl_req *q, int *err)
{
	return nl_talk_parse(nl, q, parse_ack_fn, NULL, err);
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
	nl_begin(&q, add ? RTM_NEWADDR : RTM_DELADDR, NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0), &ifa,
		 sizeof(ifa));
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
	nl_begin(&q, RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof(ifi));
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

/* "198.18.9.9/32 via 198.18.0.254 ifindex 3 metric 50" for log lines. */
static void route_format(char *out, size_t outlen, const struct tun_route *r)
{
	char d[64], g[64] = "";

	tun_addr_format(d, sizeof(d), &r->dst);
	if (r->gw.family != 0) {
		tun_addr_format(g, sizeof(g), &r->gw);
	}
	snprintf(out, outlen, "%s%s%s ifindex %d metric %u", d, r->gw.family ? " via " : "", g, r->ifindex,
		 (unsigned)r->metric);
}

int tun_nl_route2(struct tun_nl *nl, int add, const struct tun_route *r)
{
	struct nl_req q;
	struct rtmsg rt;
	struct tun_addr dst;
	uint32_t oif, metric;
	uint8_t via[2 + 16];
	uint16_t viafam;
	char text[192];
	int rc, err = 0, gw = r && r->gw.family != 0;

	/* A gateway of the dst's family, or IPv6 for IPv4 (RTA_VIA); the device, the gateway or both. */
	if (!r || !addr_ok(&r->dst, 0) || r->ifindex < 0 || (!gw && r->ifindex == 0) ||
	    (gw && !addr_ok(&r->gw, r->gw.family == AF_INET6 ? 0 : r->dst.family))) {
		return SSHTUN_ERR_INVAL;
	}
	dst = r->dst;
	oif = (uint32_t)r->ifindex;
	metric = r->metric == 0 && dst.family == AF_INET6 ? 1024 : r->metric;
	memset(&rt, 0, sizeof(rt));
	rt.rtm_family = (uint8_t)dst.family;
	rt.rtm_dst_len = (uint8_t)addr_prefix(&dst);
	rt.rtm_table = RT_TABLE_MAIN;
	rt.rtm_type = RTN_UNICAST;
	rt.rtm_protocol = RTPROT_STATIC;	/* on a delete too: only a route added as ours matches */
	if (add) {
		rt.rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	} else {
		rt.rtm_scope = RT_SCOPE_NOWHERE;	/* delete matches any scope */
	}
	nl_begin(&q, add ? RTM_NEWROUTE : RTM_DELROUTE, NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0), &rt,
		 sizeof(rt));
	if (rt.rtm_dst_len > 0) {
		nl_attr(&q, RTA_DST, dst.a, addr_len(dst.family));
	}
	if (oif != 0) {
		nl_attr(&q, RTA_OIF, &oif, sizeof(oif));
	}
	if (gw && r->gw.family == dst.family) {
		nl_attr(&q, RTA_GATEWAY, r->gw.a, addr_len(dst.family));
	} else if (gw) {
		viafam = (uint16_t)r->gw.family;
		memcpy(via, &viafam, sizeof(viafam));
		memcpy(via + sizeof(viafam), r->gw.a, addr_len(r->gw.family));
		nl_attr(&q, RTA_VIA, via, sizeof(viafam) + addr_len(r->gw.family));
	}
	if (metric != 0) {
		nl_attr(&q, RTA_PRIORITY, &metric, sizeof(metric));
	}
	if (add && r->mtu != 0) {
		/* RTA_METRICS holds attributes of its own: one RTAX_MTU. */
		uint8_t metrics[8];
		uint16_t alen = 8, atype = RTAX_MTU;
		uint32_t mtu = r->mtu;

		memcpy(metrics, &alen, 2);
		memcpy(metrics + 2, &atype, 2);
		memcpy(metrics + 4, &mtu, 4);
		nl_attr(&q, RTA_METRICS, metrics, sizeof(metrics));
	}
	rc = nl_talk(nl, &q, &err);
	route_format(text, sizeof(text), r);
	if (rc != 0 && add && err == EEXIST) {
		LG_D1(nl->log, "netlink: route %s: one to that network is there already", text);
		return SSHTUN_ERR_ROUTE_EXISTS;
	}
	if (rc != 0) {
		LG_E(nl->log, "netlink: cannot %s route %s: %s", add ? "add" : "delete", text, strerror(err));
		return rc;
	}
	LG_D1(nl->log, "netlink: %s route %s", add ? "added" : "deleted", text);
	return 0;
}

int tun_nl_route(struct tun_nl *nl, int add, int ifindex, const struct tun_addr *dst, const struct tun_addr *gw)
{
	struct tun_route r;

	if (ifindex <= 0 || !dst || (gw && gw->family != dst->family)) {
		return SSHTUN_ERR_INVAL;
	}
	memset(&r, 0, sizeof(r));
	r.dst = *dst;
	if (gw) {
		r.gw = *gw;
	}
	r.ifindex = ifindex;
	return tun_nl_route2(nl, add, &r);
}

int tun_nl_get_route(struct tun_nl *nl, const struct tun_addr *dst, struct tun_route_info *out)
{
	struct nl_req q;
	struct rtmsg rt;
	struct tun_addr d;
	char text[64], via[80] = "", src[80] = "";
	int rc, err = 0;

	memset(out, 0, sizeof(*out));
	if (!addr_ok(dst, 0)) {
		return SSHTUN_ERR_INVAL;
	}
	d = *dst;
	d.prefix = -1;
	memset(&rt, 0, sizeof(rt));
	rt.rtm_family = (uint8_t)d.family;
	rt.rtm_dst_len = (uint8_t)addr_max_prefix(d.family);
	nl_begin(&q, RTM_GETROUTE, 0, &rt, sizeof(rt));
	nl_attr(&q, RTA_DST, d.a, addr_len(d.family));
	rc = nl_talk_parse(nl, &q, parse_route_fn, out, &err);
	tun_addr_format(text, sizeof(text), &d);
	if (rc != 0) {
		LG_E(nl->log, "netlink: no route to %s: %s", text, strerror(err));
		return rc;
	}
	if (lg_on(nl->log, LG_DEBUG1)) {
		if (out->gw.family != 0) {
			memcpy(via, " via ", 6);
			tun_addr_format(via + 5, sizeof(via) - 5, &out->gw);
		}
		if (out->src.family != 0) {
			memcpy(src, " src ", 6);
			tun_addr_format(src + 5, sizeof(src) - 5, &out->src);
		}
		LG_D1(nl->log, "netlink: route to %s%s ifindex %d%s table %u type %d", text, via, out->oif, src,
		      (unsigned)out->table, out->type);
	}
	return 0;
}

int tun_nl_get_link(struct tun_nl *nl, int ifindex, struct tun_link_info *out)
{
	struct nl_req q;
	struct ifinfomsg ifi;
	int rc, err = 0;

	memset(out, 0, sizeof(*out));
	if (ifindex <= 0) {
		return SSHTUN_ERR_INVAL;
	}
	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = ifindex;
	nl_begin(&q, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	rc = nl_talk_parse(nl, &q, parse_link_fn, out, &err);
	if (rc != 0) {
		LG_E(nl->log, "netlink: cannot look up ifindex %d: %s", ifindex, strerror(err));
		return rc;
	}
	if (out->ifindex != ifindex) {
		LG_E(nl->log, "netlink: asked for ifindex %d, the kernel described %d", ifindex, out->ifindex);
		memset(out, 0, sizeof(*out));
		return SSHTUN_ERR_NETLINK;
	}
	return 0;
}

int tun_nl_is_bridge(struct tun_nl *nl, int ifindex)
{
	struct tun_link_info li;
	char name[IFNAMSIZ], kind[sizeof(li.kind)];
	int rc = tun_nl_get_link(nl, ifindex, &li);

	if (rc != 0) {
		return rc;
	}
	if (strcmp(li.kind, "bridge") == 0) {
		return 0;
	}
	lg_sanitize(name, sizeof(name), li.name, strlen(li.name));
	lg_sanitize(kind, sizeof(kind), li.kind, strlen(li.kind));
	LG_E(nl->log, "netlink: %s (ifindex %d) is not a bridge (%s%s)", name, ifindex,
	     kind[0] ? "its kind is " : "it has no kind", kind);
	return SSHTUN_ERR_CONFIG;
}

int tun_nl_set_master(struct tun_nl *nl, int ifindex, int master)
{
	struct nl_req q;
	struct ifinfomsg ifi;
	uint32_t m = (uint32_t)master;
	int rc, err = 0;

	if (ifindex <= 0 || master < 0 || master == ifindex) {
		return SSHTUN_ERR_INVAL;
	}
	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = ifindex;
	nl_begin(&q, RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	nl_attr(&q, IFLA_MASTER, &m, sizeof(m));
	rc = nl_talk(nl, &q, &err);
	if (rc != 0 && master) {
		LG_E(nl->log, "netlink: cannot make ifindex %d a port of ifindex %d: %s", ifindex, master, strerror(err));
	} else if (rc != 0) {
		LG_E(nl->log, "netlink: cannot take ifindex %d out of its master: %s", ifindex, strerror(err));
	}
	if (rc != 0) {
		return rc;
	}
	if (master) {
		LG_D1(nl->log, "netlink: ifindex %d is a port of ifindex %d", ifindex, master);
	} else {
		LG_D1(nl->log, "netlink: ifindex %d has no master", ifindex);
	}
	return 0;
}
