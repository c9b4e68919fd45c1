/*
 * sshtun: unit tests of tun/netlink.c's route lookup, routes with a gateway, device and metric, link queries and
 * bridge ports. The reply parsers are tested on crafted buffers and on the kernel's own replies (the seeds in
 * fuzz/corpus/netlink/kernel-*, from fuzz/record/netlink.sh); the requests as root in a network namespace of a
 * forked child of their own, so the host's routes and links are never touched.
 */
#include "tests/unit/testutil.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tun/tun.h"


static struct tun_addr A(const char *s)
{
	struct tun_addr a;

	assert_int_equal(tun_addr_parse(&a, s), 0);
	return a;
}

static int addr_is(const struct tun_addr *a, const char *text)
{
	struct tun_addr want = A(text);

	return a->family == want.family && a->prefix == -1 &&
	       memcmp(a->a, want.a, a->family == AF_INET ? 4 : 16) == 0;
}

/* ---- building replies ---- */

/* A message under construction in buf: a header, then a body and attributes appended at off. */
struct msg {
	uint8_t buf[1024];
	size_t off;	/* end of what is written */
	size_t start;	/* where the current message begins */
};

static void m_put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->off + n <= sizeof(m->buf));
	memcpy(m->buf + m->off, p, n);
	m->off += n;
}

static void m_pad(struct msg *m)
{
	static const uint8_t zero[4];

	m_put(m, zero, (4 - m->off % 4) % 4);
}

/* Starts a message of type and seq; m_end writes its length. */
static void m_begin(struct msg *m, uint16_t type, uint32_t seq)
{
	struct nlmsghdr h;

	memset(&h, 0, sizeof(h));
	h.nlmsg_type = type;
	h.nlmsg_seq = seq;
	h.nlmsg_pid = 0;
	m->start = m->off;
	m_put(m, &h, sizeof(h));
}

static void m_end(struct msg *m)
{
	struct nlmsghdr h;

	memcpy(&h, m->buf + m->start, sizeof(h));
	h.nlmsg_len = (uint32_t)(m->off - m->start);
	memcpy(m->buf + m->start, &h, sizeof(h));
}

/* An attribute with a payload of n bytes (rta_len says n + 4 unless lie >= 0 gives it). */
static void m_attr_len(struct msg *m, uint16_t type, const void *p, size_t n, int lie)
{
	struct rtattr ra;

	ra.rta_len = (unsigned short)(lie >= 0 ? (size_t)lie : RTA_LENGTH(n));
	ra.rta_type = type;
	m_put(m, &ra, sizeof(ra));
	m_put(m, p, n);
	m_pad(m);
}

static void m_attr(struct msg *m, uint16_t type, const void *p, size_t n)
{
	m_attr_len(m, type, p, n, -1);
}

static void m_u32(struct msg *m, uint16_t type, uint32_t v)
{
	m_attr(m, type, &v, sizeof(v));
}

static void m_rtmsg(struct msg *m, uint8_t family, uint8_t type)
{
	struct rtmsg rt;

	memset(&rt, 0, sizeof(rt));
	rt.rtm_family = family;
	rt.rtm_dst_len = family == AF_INET ? 32 : 128;
	rt.rtm_table = RT_TABLE_MAIN;
	rt.rtm_type = type;
	rt.rtm_flags = RTM_F_CLONED;
	m_put(m, &rt, sizeof(rt));
}

/* An NLMSG_ERROR of seq with error (0: an ack). */
static void m_error(struct msg *m, uint32_t seq, int32_t error)
{
	struct nlmsgerr e;

	memset(&e, 0, sizeof(e));
	e.error = error;
	e.msg.nlmsg_len = 28;
	e.msg.nlmsg_type = RTM_GETROUTE;
	e.msg.nlmsg_seq = seq;
	m_begin(m, NLMSG_ERROR, seq);
	m_put(m, &e, sizeof(e));
	m_end(m);
}

/* The reply to `ip route get 198.18.9.9`: via 198.18.0.254 on ifindex 3, src 198.18.0.1, table main. */
static void m_route4(struct msg *m, uint32_t seq)
{
	struct tun_addr d = A("198.18.9.9"), g = A("198.18.0.254"), s = A("198.18.0.1");

	m_begin(m, RTM_NEWROUTE, seq);
	m_rtmsg(m, AF_INET, RTN_UNICAST);
	m_u32(m, RTA_TABLE, RT_TABLE_MAIN);
	m_attr(m, RTA_DST, d.a, 4);
	m_u32(m, RTA_OIF, 3);
	m_attr(m, RTA_PREFSRC, s.a, 4);
	m_attr(m, RTA_GATEWAY, g.a, 4);
	m_u32(m, RTA_UID, 0);
	m_end(m);
}

/* ---- route replies ---- */

static void test_route_parse_good(void **state)
{
	struct msg m = { .off = 0 };
	struct tun_route_info ri;
	struct tun_addr d6 = A("fd00:9::9"), g6 = A("fd00::fe"), s6 = A("fd00::1");
	uint8_t via[18];
	uint16_t fam = AF_INET6;
	int err = -1;

	(void)state;
	m_route4(&m, 7);
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 7, &ri, &err), 0);
	assert_int_equal(err, 0);
	assert_int_equal(ri.oif, 3);
	assert_int_equal(ri.type, RTN_UNICAST);
	assert_int_equal(ri.table, RT_TABLE_MAIN);
	assert_true(addr_is(&ri.gw, "198.18.0.254"));
	assert_true(addr_is(&ri.src, "198.18.0.1"));
	/* Unaligned: read through the reader, never cast. */
	memmove(m.buf + 1, m.buf, m.off);
	assert_int_equal(tun_nl_parse_route(m.buf + 1, m.off, 7, &ri, &err), 0);
	assert_int_equal(ri.oif, 3);
	/* IPv6, on the link (no gateway), in table 254 given only by RTA_TABLE, and no source. */
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 9);
	m_rtmsg(&m, AF_INET6, RTN_UNICAST);
	m_attr(&m, RTA_DST, d6.a, 16);
	m_u32(&m, RTA_OIF, 12);
	m_u32(&m, RTA_TABLE, 1000);
	m_end(&m);
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 9, &ri, &err), 0);
	assert_int_equal(ri.oif, 12);
	assert_int_equal(ri.table, 1000);
	assert_int_equal(ri.gw.family, 0);
	assert_int_equal(ri.src.family, 0);
	/* IPv6 with a gateway and a source; the nested and byte-order flags on a type are ignored. */
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 9);
	m_rtmsg(&m, AF_INET6, RTN_UNICAST);
	m_attr(&m, RTA_GATEWAY | NLA_F_NET_BYTEORDER, g6.a, 16);
	m_attr(&m, RTA_PREFSRC, s6.a, 16);
	m_u32(&m, RTA_OIF, 2);
	m_end(&m);
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 9, &ri, &err), 0);
	assert_true(addr_is(&ri.gw, "fd00::fe"));
	assert_true(addr_is(&ri.src, "fd00::1"));
	/* IPv4 through an IPv6 gateway: RTA_VIA. */
	memcpy(via, &fam, 2);
	memcpy(via + 2, g6.a, 16);
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 9);
	m_rtmsg(&m, AF_INET, RTN_UNICAST);
	m_attr(&m, RTA_VIA, via, sizeof(via));
	m_u32(&m, RTA_OIF, 2);
	m_end(&m);
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 9, &ri, &err), 0);
	assert_true(addr_is(&ri.gw, "fd00::fe"));
	/* A local address: type RTN_LOCAL, as the kernel says it. */
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 9);
	m_rtmsg(&m, AF_INET, RTN_LOCAL);
	m_u32(&m, RTA_OIF, 1);
	m_end(&m);
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 9, &ri, &err), 0);
	assert_int_equal(ri.type, RTN_LOCAL);
	/* The last attribute without its padding (message length not a multiple of 4). */
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 9);
	m_rtmsg(&m, AF_INET, RTN_UNICAST);
	m_u32(&m, RTA_OIF, 5);
	m_attr(&m, 200, "x", 1);
	m.off -= 3;
	m_end(&m);
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 9, &ri, &err), 0);
	assert_int_equal(ri.oif, 5);
}

static void test_route_parse_errors(void **state)
{
	struct msg m = { .off = 0 };
	struct tun_route_info ri;
	int err = -1;

	(void)state;
	m_error(&m, 7, -ENETUNREACH);
	memset(&ri, 0xaa, sizeof(ri));
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 7, &ri, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, ENETUNREACH);
	assert_int_equal(ri.oif, 0);
	assert_int_equal(ri.gw.family, 0);
	/* An ack, or DONE, without the route: ENOMSG, never an empty success. */
	m.off = 0;
	m_error(&m, 7, 0);
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 7, &ri, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, ENOMSG);
	m.off = 0;
	m_begin(&m, NLMSG_DONE, 7);
	m_put(&m, "\0\0\0\0", 4);
	m_end(&m);
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 7, &ri, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, ENOMSG);
	/* An error value no kernel sends. */
	m.off = 0;
	m_error(&m, 7, 4);
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 7, &ri, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EBADMSG);
}

static void test_route_parse_seq(void **state)
{
	struct msg m = { .off = 0 };
	struct tun_route_info ri;
	int err = -1;

	(void)state;
	/* Another seq's answer is no answer: read on (errno 0), nothing filled in. */
	m_route4(&m, 6);
	memset(&ri, 0xaa, sizeof(ri));
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 7, &ri, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, 0);
	assert_int_equal(ri.oif, 0);
	assert_int_equal(tun_nl_parse_route(NULL, 0, 7, &ri, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, 0);
	/* A stale error and a no-op of ours before our answer are skipped. */
	m.off = 0;
	m_error(&m, 6, -EPERM);
	m_begin(&m, NLMSG_NOOP, 7);
	m_end(&m);
	m_route4(&m, 7);
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 7, &ri, &err), 0);
	assert_int_equal(ri.oif, 3);
	/* A link message of our seq is not a route. */
	m.off = 0;
	m_begin(&m, RTM_NEWLINK, 7);
	m_put(&m, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	m_end(&m);
	assert_int_equal(tun_nl_parse_route(m.buf, m.off, 7, &ri, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, 0);
}

/* Expects the reply in m to be refused as malformed, with nothing filled in. */
static void route_bad(const struct msg *m, uint32_t seq)
{
	struct tun_route_info ri;
	int err = 0;

	memset(&ri, 0xaa, sizeof(ri));
	assert_int_equal(tun_nl_parse_route(m->buf, m->off, seq, &ri, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EBADMSG);
	assert_int_equal(ri.oif, 0);
	assert_int_equal(ri.gw.family, 0);
	assert_int_equal(ri.src.family, 0);
	assert_int_equal(ri.table, 0);
}

static void test_route_parse_lies(void **state)
{
	struct msg m = { .off = 0 }, full = { .off = 0 };
	struct tun_addr g6 = A("fd00::fe"), g4 = A("198.18.0.254");
	uint8_t via[18];
	uint16_t fam;

	(void)state;
	/* Every cut of a good reply is refused (its length says more). */
	m_route4(&full, 7);
	for (size_t cut = 1; cut < full.off; cut++) {
		m = full;
		m.off = cut;
		route_bad(&m, 7);
	}
	/* An attribute longer than the message, shorter than its own header, of length 0. */
	for (int lie = 0; lie < 4; lie++) {
		m.off = 0;
		m_begin(&m, RTM_NEWROUTE, 7);
		m_rtmsg(&m, AF_INET, RTN_UNICAST);
		m_attr_len(&m, RTA_OIF, "\3\0\0\0", 4, lie);
		m_end(&m);
		route_bad(&m, 7);
	}
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 7);
	m_rtmsg(&m, AF_INET, RTN_UNICAST);
	m_attr_len(&m, RTA_OIF, "\3\0\0\0", 4, 9);
	m_end(&m);
	route_bad(&m, 7);
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 7);
	m_rtmsg(&m, AF_INET, RTN_UNICAST);
	m_attr_len(&m, 300, "\3\0\0\0", 4, 2000);
	m_end(&m);
	route_bad(&m, 7);
	/* Payloads of the wrong size for their type. */
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 7);
	m_rtmsg(&m, AF_INET, RTN_UNICAST);
	m_attr(&m, RTA_OIF, "\3\0", 2);
	m_end(&m);
	route_bad(&m, 7);
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 7);
	m_rtmsg(&m, AF_INET, RTN_UNICAST);
	m_attr(&m, RTA_GATEWAY, g6.a, 16);	/* an IPv4 route's gateway must be 4 bytes */
	m_end(&m);
	route_bad(&m, 7);
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 7);
	m_rtmsg(&m, AF_INET6, RTN_UNICAST);
	m_attr(&m, RTA_PREFSRC, g4.a, 4);
	m_end(&m);
	route_bad(&m, 7);
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 7);
	m_rtmsg(&m, AF_INET, RTN_UNICAST);
	m_attr(&m, RTA_TABLE, "\1\0\0\0\0", 5);
	m_end(&m);
	route_bad(&m, 7);
	/* An output ifindex past INT_MAX. */
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 7);
	m_rtmsg(&m, AF_INET, RTN_UNICAST);
	m_u32(&m, RTA_OIF, 0x80000000u);
	m_end(&m);
	route_bad(&m, 7);
	/* RTA_VIA of an unknown family, and with an address of the other family's size. */
	fam = AF_UNIX;
	memcpy(via, &fam, 2);
	memcpy(via + 2, g6.a, 16);
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 7);
	m_rtmsg(&m, AF_INET, RTN_UNICAST);
	m_attr(&m, RTA_VIA, via, sizeof(via));
	m_end(&m);
	route_bad(&m, 7);
	fam = AF_INET;
	memcpy(via, &fam, 2);
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 7);
	m_rtmsg(&m, AF_INET, RTN_UNICAST);
	m_attr(&m, RTA_VIA, via, sizeof(via));
	m_end(&m);
	route_bad(&m, 7);
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 7);
	m_rtmsg(&m, AF_INET, RTN_UNICAST);
	m_attr(&m, RTA_VIA, via, 1);
	m_end(&m);
	route_bad(&m, 7);
	/* A family that is neither IPv4 nor IPv6, and a body shorter than struct rtmsg. */
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 7);
	m_rtmsg(&m, AF_UNIX, RTN_UNICAST);
	m_end(&m);
	route_bad(&m, 7);
	m.off = 0;
	m_begin(&m, RTM_NEWROUTE, 7);
	m_put(&m, "\2\40\0\0\0\0\0\0", 8);
	m_end(&m);
	route_bad(&m, 7);
	/* A good reply after one whose framing is broken is never reached. */
	m.off = 0;
	m_begin(&m, NLMSG_NOOP, 6);
	m_end(&m);
	m.buf[0] = 200;
	m_route4(&m, 7);
	route_bad(&m, 7);
}

/* ---- link replies ---- */

static void m_ifinfo(struct msg *m, int ifindex, unsigned flags)
{
	struct ifinfomsg ifi;

	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = ifindex;
	ifi.ifi_flags = flags;
	m_put(m, &ifi, sizeof(ifi));
}

/* A nested IFLA_LINKINFO holding kind (with its NUL), the way the kernel writes it. */
static void m_linkinfo(struct msg *m, const char *kind, int lie)
{
	struct rtattr outer, inner;
	size_t klen = strlen(kind) + 1;

	inner.rta_len = (unsigned short)(lie >= 0 ? (size_t)lie : RTA_LENGTH(klen));
	inner.rta_type = IFLA_INFO_KIND;
	outer.rta_len = (unsigned short)(RTA_LENGTH(RTA_ALIGN(RTA_LENGTH(klen))));
	outer.rta_type = IFLA_LINKINFO | NLA_F_NESTED;
	m_put(m, &outer, sizeof(outer));
	m_put(m, &inner, sizeof(inner));
	m_put(m, kind, klen);
	m_pad(m);
}

static void m_link(struct msg *m, uint32_t seq, int ifindex, const char *name, const char *kind, int master)
{
	m_begin(m, RTM_NEWLINK, seq);
	m_ifinfo(m, ifindex, IFF_UP | IFF_BROADCAST);
	m_attr(m, IFLA_IFNAME, name, strlen(name) + 1);
	m_u32(m, IFLA_TXQLEN, 1000);
	m_u32(m, IFLA_MTU, 1500);
	if (master) {
		m_u32(m, IFLA_MASTER, (uint32_t)master);
	}
	if (kind) {
		m_linkinfo(m, kind, -1);
	}
	m_end(m);
}

static void test_link_parse_good(void **state)
{
	struct msg m = { .off = 0 };
	struct tun_link_info li;
	int err = -1;

	(void)state;
	m_link(&m, 5, 4, "tap0", "tun", 3);
	assert_int_equal(tun_nl_parse_link(m.buf, m.off, 5, &li, &err), 0);
	assert_int_equal(err, 0);
	assert_int_equal(li.ifindex, 4);
	assert_int_equal(li.master, 3);
	assert_int_equal(li.mtu, 1500);
	assert_true(li.flags & IFF_UP);
	assert_string_equal(li.name, "tap0");
	assert_string_equal(li.kind, "tun");
	m.off = 0;
	m_link(&m, 5, 3, "br0", "bridge", 0);
	assert_int_equal(tun_nl_parse_link(m.buf, m.off, 5, &li, &err), 0);
	assert_int_equal(li.master, 0);
	assert_string_equal(li.kind, "bridge");
	/* A device without a kind (lo, a NIC), and a name of the longest length. */
	m.off = 0;
	m_link(&m, 5, 1, "abcdefghijklmno", NULL, 0);
	assert_int_equal(tun_nl_parse_link(m.buf, m.off, 5, &li, &err), 0);
	assert_string_equal(li.name, "abcdefghijklmno");
	assert_string_equal(li.kind, "");
	/* A name attribute without its NUL is taken up to its end. */
	m.off = 0;
	m_begin(&m, RTM_NEWLINK, 5);
	m_ifinfo(&m, 2, 0);
	m_attr(&m, IFLA_IFNAME, "eth", 3);
	m_end(&m);
	assert_int_equal(tun_nl_parse_link(m.buf, m.off, 5, &li, &err), 0);
	assert_string_equal(li.name, "eth");
	/* Errors and wrong seqs, as for routes. */
	m.off = 0;
	m_error(&m, 5, -ENODEV);
	assert_int_equal(tun_nl_parse_link(m.buf, m.off, 5, &li, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, ENODEV);
	m.off = 0;
	m_link(&m, 4, 4, "tap0", "tun", 3);
	assert_int_equal(tun_nl_parse_link(m.buf, m.off, 5, &li, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, 0);
	assert_int_equal(li.ifindex, 0);
	assert_string_equal(li.name, "");
}

static void link_bad(const struct msg *m, uint32_t seq)
{
	struct tun_link_info li;
	int err = 0;

	memset(&li, 0xaa, sizeof(li));
	assert_int_equal(tun_nl_parse_link(m->buf, m->off, seq, &li, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EBADMSG);
	assert_int_equal(li.ifindex, 0);
	assert_int_equal(li.master, 0);
	assert_string_equal(li.name, "");
	assert_string_equal(li.kind, "");
}

static void test_link_parse_lies(void **state)
{
	struct msg m = { .off = 0 }, full = { .off = 0 };
	char longkind[40];

	(void)state;
	m_link(&full, 5, 4, "tap0", "tun", 3);
	for (size_t cut = 1; cut < full.off; cut++) {
		m = full;
		m.off = cut;
		link_bad(&m, 5);
	}
	/* A name that does not fit IFNAMSIZ with its NUL. */
	m.off = 0;
	m_link(&m, 5, 4, "abcdefghijklmnop", NULL, 0);
	link_bad(&m, 5);
	/* A kind longer than any the kernel has. */
	memset(longkind, 'k', sizeof(longkind) - 1);
	longkind[sizeof(longkind) - 1] = '\0';
	m.off = 0;
	m_link(&m, 5, 4, "x", longkind, 0);
	link_bad(&m, 5);
	/* The nested kind's length past its container, or under its header. */
	m.off = 0;
	m_begin(&m, RTM_NEWLINK, 5);
	m_ifinfo(&m, 4, 0);
	m_linkinfo(&m, "tun", 40);
	m_end(&m);
	link_bad(&m, 5);
	m.off = 0;
	m_begin(&m, RTM_NEWLINK, 5);
	m_ifinfo(&m, 4, 0);
	m_linkinfo(&m, "tun", 3);
	m_end(&m);
	link_bad(&m, 5);
	/* MTU and master of the wrong size; a master past INT_MAX; ifindex 0 or negative. */
	m.off = 0;
	m_begin(&m, RTM_NEWLINK, 5);
	m_ifinfo(&m, 4, 0);
	m_attr(&m, IFLA_MTU, "\0\5", 2);
	m_end(&m);
	link_bad(&m, 5);
	m.off = 0;
	m_begin(&m, RTM_NEWLINK, 5);
	m_ifinfo(&m, 4, 0);
	m_attr(&m, IFLA_MASTER, "\3\0\0\0\0\0\0\0", 8);
	m_end(&m);
	link_bad(&m, 5);
	m.off = 0;
	m_begin(&m, RTM_NEWLINK, 5);
	m_ifinfo(&m, 4, 0);
	m_u32(&m, IFLA_MASTER, 0xffffffffu);
	m_end(&m);
	link_bad(&m, 5);
	m.off = 0;
	m_link(&m, 5, 0, "x", NULL, 0);
	link_bad(&m, 5);
	m.off = 0;
	m_link(&m, 5, -3, "x", NULL, 0);
	link_bad(&m, 5);
	/* A body shorter than struct ifinfomsg. */
	m.off = 0;
	m_begin(&m, RTM_NEWLINK, 5);
	m_put(&m, "\0\0\0\0\4\0\0\0", 8);
	m_end(&m);
	link_bad(&m, 5);
}

/* ---- the kernel's own replies (fuzz/record/netlink.sh: lo 1, tun0 2, br0 3, tap0 4) ---- */

static size_t read_seed(const char *name, uint8_t *buf, size_t len)
{
	char path[512];
	const char *slash = strrchr(__FILE__, '/');
	int dirlen = slash != NULL ? (int)(slash - __FILE__ + 1) : 0;
	FILE *f;
	size_t n;

	assert_true(snprintf(path, sizeof(path), "%.*s../../fuzz/corpus/netlink/%s", dirlen, __FILE__, name) <
		    (int)sizeof(path));
	f = fopen(path, "rb");
	if (f == NULL) {
		fail_msg("cannot open %s (run the test from the source tree's top directory)", path);
	}
	n = fread(buf, 1, len, f);
	assert_true(feof(f));
	fclose(f);
	return n;
}

static void test_kernel_replies(void **state)
{
	uint8_t buf[4096];
	struct tun_route_info ri;
	struct tun_link_info li;
	size_t n;
	int err;

	(void)state;
	n = read_seed("kernel-route-v4-gw", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_route(buf, n, 4242, &ri, &err), 0);
	assert_int_equal(ri.oif, 2);
	assert_int_equal(ri.type, RTN_UNICAST);
	assert_int_equal(ri.table, RT_TABLE_MAIN);
	assert_true(addr_is(&ri.gw, "198.18.0.254"));
	assert_true(addr_is(&ri.src, "198.18.0.1"));
	n = read_seed("kernel-route-v6-gw", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_route(buf, n, 4242, &ri, &err), 0);
	assert_int_equal(ri.oif, 2);
	assert_true(addr_is(&ri.gw, "fd00::fe"));
	assert_true(addr_is(&ri.src, "fd00::1"));
	n = read_seed("kernel-route-v4-onlink", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_route(buf, n, 4242, &ri, &err), 0);
	assert_int_equal(ri.oif, 2);
	assert_int_equal(ri.gw.family, 0);
	assert_true(addr_is(&ri.src, "198.18.0.1"));
	n = read_seed("kernel-route-v4-local", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_route(buf, n, 4242, &ri, &err), 0);
	assert_int_equal(ri.type, RTN_LOCAL);
	assert_int_equal(ri.oif, 1);
	n = read_seed("kernel-route-v4-via6", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_route(buf, n, 4242, &ri, &err), 0);
	assert_true(addr_is(&ri.gw, "fd00::fe"));
	n = read_seed("kernel-route-v4-default", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_route(buf, n, 4242, &ri, &err), 0);
	assert_true(addr_is(&ri.gw, "198.18.0.254"));
	n = read_seed("kernel-route-v6-unreach", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_route(buf, n, 4242, &ri, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, ENETUNREACH);
	n = read_seed("kernel-link-bridge", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_link(buf, n, 4242, &li, &err), 0);
	assert_int_equal(li.ifindex, 3);
	assert_string_equal(li.name, "br0");
	assert_string_equal(li.kind, "bridge");
	assert_int_equal(li.master, 0);
	n = read_seed("kernel-link-tap-port", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_link(buf, n, 4242, &li, &err), 0);
	assert_int_equal(li.ifindex, 4);
	assert_string_equal(li.name, "tap0");
	assert_string_equal(li.kind, "tun");
	assert_int_equal(li.master, 3);
	n = read_seed("kernel-link-tun", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_link(buf, n, 4242, &li, &err), 0);
	assert_int_equal(li.mtu, 1400);
	assert_true(li.flags & IFF_UP);
	n = read_seed("kernel-link-lo", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_link(buf, n, 4242, &li, &err), 0);
	assert_string_equal(li.name, "lo");
	assert_string_equal(li.kind, "");
	n = read_seed("kernel-link-nodev", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_link(buf, n, 4242, &li, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, ENODEV);
	n = read_seed("kernel-ack-nomaster", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_ack(buf, n, 4242, &err), 0);
	n = read_seed("kernel-err-master-tun", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_ack(buf, n, 4242, &err), SSHTUN_ERR_NETLINK);
	assert_true(err > 0);
	/* Not an answer to another seq. */
	n = read_seed("kernel-route-v4-gw", buf, sizeof(buf));
	assert_int_equal(tun_nl_parse_route(buf, n, 4243, &ri, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, 0);
}

static void test_bad_arguments(void **state)
{
	CAP_LOG(c, log);
	struct tun_nl nl = { .fd = -1, .seq = 0, .log = &log };
	struct tun_route r;
	struct tun_route_info ri;
	struct tun_link_info li;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.dst = A("198.18.9.0/24");
	/* Neither a device nor a gateway; an IPv4 gateway for IPv6; a negative device. */
	assert_int_equal(tun_nl_route2(&nl, 1, &r), SSHTUN_ERR_INVAL);
	r.ifindex = -1;
	r.gw = A("198.18.0.1");
	assert_int_equal(tun_nl_route2(&nl, 1, &r), SSHTUN_ERR_INVAL);
	r.ifindex = 2;
	r.dst = A("fd00:9::/64");
	assert_int_equal(tun_nl_route2(&nl, 1, &r), SSHTUN_ERR_INVAL);
	assert_int_equal(tun_nl_route2(&nl, 1, NULL), SSHTUN_ERR_INVAL);
	memset(&r.dst, 0, sizeof(r.dst));
	assert_int_equal(tun_nl_route2(&nl, 1, &r), SSHTUN_ERR_INVAL);
	/* Valid, but the socket is closed. */
	r.dst = A("198.18.9.0/24");
	assert_int_equal(tun_nl_route2(&nl, 1, &r), SSHTUN_ERR_INVAL);
	memset(&r.dst, 0, sizeof(r.dst));
	assert_int_equal(tun_nl_get_route(&nl, &r.dst, &ri), SSHTUN_ERR_INVAL);
	assert_int_equal(tun_nl_get_link(&nl, 0, &li), SSHTUN_ERR_INVAL);
	assert_int_equal(tun_nl_set_master(&nl, 0, 3), SSHTUN_ERR_INVAL);
	assert_int_equal(tun_nl_set_master(&nl, 3, -1), SSHTUN_ERR_INVAL);
	assert_int_equal(tun_nl_set_master(&nl, 3, 3), SSHTUN_ERR_INVAL);
}

/* ---- as root, in the network namespace of a forked child ---- */

struct ns {
	int skip;
	struct tun_dev dev[2];
	struct tun_nl nl;
};

static struct ns the_ns;

#define NS_REQUIRE() do { if (the_ns.skip) { skip(); } } while (0)

static int ns_test_setup(void **state)
{
	(void)state;
	the_ns.dev[0].fd = the_ns.dev[1].fd = -1;
	the_ns.nl.fd = -1;
	return 0;
}

static int ns_test_teardown(void **state)
{
	(void)state;
	tun_close(&the_ns.dev[0]);
	tun_close(&the_ns.dev[1]);
	tun_nl_close(&the_ns.nl);
	return 0;
}

/* tun device i with addr4 and addr6, up. */
static struct tun_dev *dev_up(int i, int tap, const char *a4, const char *a6, const struct lg *log)
{
	struct tun_dev *d = &the_ns.dev[i];
	struct tun_addr x4 = A(a4), x6 = A(a6);

	assert_int_equal(tun_open(d, tap, TUN_ANY, 0, log), 0);
	if (the_ns.nl.fd < 0) {
		assert_int_equal(tun_nl_open(&the_ns.nl, log), 0);
	}
	assert_int_equal(tun_nl_addr(&the_ns.nl, 1, d->ifindex, &x4, NULL), 0);
	assert_int_equal(tun_nl_addr(&the_ns.nl, 1, d->ifindex, &x6, NULL), 0);
	assert_int_equal(tun_nl_link(&the_ns.nl, d->ifindex, 1, 0), 0);
	return d;
}

static struct tun_route R(const char *dst, const char *gw, int ifindex, uint32_t metric)
{
	struct tun_route r;

	memset(&r, 0, sizeof(r));
	r.dst = A(dst);
	if (gw) {
		r.gw = A(gw);
	}
	r.ifindex = ifindex;
	r.metric = metric;
	return r;
}

/* Looks dst up; 0 and the answer, or the errno the lookup failed with. */
static int lookup(const char *dst, struct tun_route_info *ri)
{
	struct tun_addr d = A(dst);
	struct t_cap c = { .n = 0 };
	struct lg log = { t_cap_fn, &c, LG_DEBUG3 };
	const struct lg *keep = the_ns.nl.log;
	int rc;

	the_ns.nl.log = &log;
	rc = tun_nl_get_route(&the_ns.nl, &d, ri);
	the_ns.nl.log = keep;
	if (rc == 0) {
		return 0;
	}
	assert_int_equal(rc, SSHTUN_ERR_NETLINK);
	assert_non_null(strstr(c.last, "no route to"));
	if (strstr(c.last, strerror(ENETUNREACH))) {
		return ENETUNREACH;
	}
	return EIO;
}

static void test_ns_routes4(void **state)
{
	CAP_LOG(c, log);
	struct tun_route_info ri;
	struct tun_route net, host, dev60, bad;
	struct tun_dev *d;
	struct tun_nl *nl = &the_ns.nl;

	(void)state;
	NS_REQUIRE();
	d = dev_up(0, 0, "198.18.0.1/24", "fd00::1/64", &log);
	/* On the link: the device, no gateway, our address as the source. */
	assert_int_equal(lookup("198.18.0.7", &ri), 0);
	assert_int_equal(ri.oif, d->ifindex);
	assert_int_equal(ri.gw.family, 0);
	assert_true(addr_is(&ri.src, "198.18.0.1"));
	assert_int_equal(ri.type, RTN_UNICAST);
	assert_int_equal(ri.table, RT_TABLE_MAIN);
	assert_int_equal(lookup("198.18.9.9", &ri), ENETUNREACH);
	/* A network through a gateway with a metric, then a host route inside it through another. */
	net = R("198.18.9.0/24", "198.18.0.254", d->ifindex, 50);
	host = R("198.18.9.9", "198.18.0.253", d->ifindex, 10);
	assert_int_equal(tun_nl_route2(nl, 1, &net), 0);
	assert_int_equal(lookup("198.18.9.9", &ri), 0);
	assert_int_equal(ri.oif, d->ifindex);
	assert_true(addr_is(&ri.gw, "198.18.0.254"));
	assert_true(addr_is(&ri.src, "198.18.0.1"));
	assert_int_equal(tun_nl_route2(nl, 1, &host), 0);
	assert_non_null(strstr(c.last, "added route 198.18.9.9 via 198.18.0.253"));
	assert_int_equal(tun_nl_route2(nl, 1, &host), SSHTUN_ERR_ROUTE_EXISTS);	/* EEXIST: its own code */
	assert_int_equal(lookup("198.18.9.9", &ri), 0);
	assert_true(addr_is(&ri.gw, "198.18.0.253"));
	assert_int_equal(lookup("198.18.9.8", &ri), 0);
	assert_true(addr_is(&ri.gw, "198.18.0.254"));
	/* The same host with another metric and no gateway: deleting it leaves the first alone. */
	dev60 = R("198.18.9.9/32", NULL, d->ifindex, 60);
	assert_int_equal(tun_nl_route2(nl, 1, &dev60), 0);
	assert_int_equal(tun_nl_route2(nl, 0, &dev60), 0);
	assert_int_equal(lookup("198.18.9.9", &ri), 0);
	assert_true(addr_is(&ri.gw, "198.18.0.253"));
	/* A delete that names another gateway, device or metric matches nothing and removes nothing. */
	bad = host;
	bad.gw = A("198.18.0.252");
	assert_int_equal(tun_nl_route2(nl, 0, &bad), SSHTUN_ERR_NETLINK);
	assert_non_null(strstr(c.last, "cannot delete route 198.18.9.9 via 198.18.0.252"));
	bad = host;
	bad.metric = 11;
	assert_int_equal(tun_nl_route2(nl, 0, &bad), SSHTUN_ERR_NETLINK);
	bad = host;
	bad.ifindex = 1;
	assert_int_equal(tun_nl_route2(nl, 0, &bad), SSHTUN_ERR_NETLINK);
	assert_int_equal(lookup("198.18.9.9", &ri), 0);
	assert_true(addr_is(&ri.gw, "198.18.0.253"));
	/* Deleting each exactly: the host route, then the network. */
	assert_int_equal(tun_nl_route2(nl, 0, &host), 0);
	assert_int_equal(lookup("198.18.9.9", &ri), 0);
	assert_true(addr_is(&ri.gw, "198.18.0.254"));
	assert_int_equal(tun_nl_route2(nl, 0, &host), SSHTUN_ERR_NETLINK);
	assert_int_equal(tun_nl_route2(nl, 0, &net), 0);
	assert_int_equal(lookup("198.18.9.9", &ri), ENETUNREACH);
	/* Through the gateway only: the kernel finds the device. */
	net = R("198.18.9.0/24", "198.18.0.254", 0, 0);
	assert_int_equal(tun_nl_route2(nl, 1, &net), 0);
	assert_int_equal(lookup("198.18.9.9", &ri), 0);
	assert_int_equal(ri.oif, d->ifindex);
	assert_int_equal(tun_nl_route2(nl, 0, &net), 0);
	assert_int_equal(lookup("198.18.9.9", &ri), ENETUNREACH);
	/* IPv4 through an IPv6 gateway (RTA_VIA). */
	net = R("198.18.10.0/24", "fd00::fe", d->ifindex, 0);
	assert_int_equal(tun_nl_route2(nl, 1, &net), 0);
	assert_int_equal(lookup("198.18.10.1", &ri), 0);
	assert_true(addr_is(&ri.gw, "fd00::fe"));
	assert_int_equal(tun_nl_route2(nl, 0, &net), 0);
	assert_int_equal(lookup("198.18.10.1", &ri), ENETUNREACH);
}

static void test_ns_routes6(void **state)
{
	CAP_LOG(c, log);
	struct tun_route_info ri;
	struct tun_route net, host, bad;
	struct tun_dev *d;
	struct tun_nl *nl = &the_ns.nl;

	(void)state;
	NS_REQUIRE();
	d = dev_up(0, 0, "198.18.0.1/24", "fd00::1/64", &log);
	assert_int_equal(lookup("fd00::7", &ri), 0);
	assert_int_equal(ri.oif, d->ifindex);
	assert_int_equal(ri.gw.family, 0);
	assert_int_equal(lookup("fd00:9::9", &ri), ENETUNREACH);
	net = R("fd00:9::/64", "fd00::fe", d->ifindex, 50);
	host = R("fd00:9::9", NULL, d->ifindex, 0);
	assert_int_equal(tun_nl_route2(nl, 1, &net), 0);
	assert_int_equal(lookup("fd00:9::9", &ri), 0);
	assert_int_equal(ri.oif, d->ifindex);
	assert_true(addr_is(&ri.gw, "fd00::fe"));
	assert_true(addr_is(&ri.src, "fd00::1"));
	assert_int_equal(tun_nl_route2(nl, 1, &host), 0);
	assert_int_equal(lookup("fd00:9::9", &ri), 0);
	assert_int_equal(ri.gw.family, 0);
	/* A delete with another gateway or metric removes nothing. */
	bad = net;
	bad.gw = A("fd00::fd");
	assert_int_equal(tun_nl_route2(nl, 0, &bad), SSHTUN_ERR_NETLINK);
	bad = net;
	bad.metric = 51;
	assert_int_equal(tun_nl_route2(nl, 0, &bad), SSHTUN_ERR_NETLINK);
	assert_int_equal(tun_nl_route2(nl, 0, &host), 0);
	assert_int_equal(lookup("fd00:9::9", &ri), 0);
	assert_true(addr_is(&ri.gw, "fd00::fe"));
	assert_int_equal(tun_nl_route2(nl, 0, &net), 0);
	assert_int_equal(lookup("fd00:9::9", &ri), ENETUNREACH);
	assert_int_equal(tun_nl_route2(nl, 0, &net), SSHTUN_ERR_NETLINK);
}

/*
 * What `TunnelRoute default` will do: look up the server's route on the old path, pin it with a host route
 * through the old gateway and device, send the rest through the tunnel; and undo both exactly.
 */
static void test_ns_default_route(void **state)
{
	CAP_LOG(c, log);
	struct tun_route_info old, ri;
	struct tun_route olddef, pin, def;
	struct tun_addr server = A("198.19.1.1");
	struct tun_dev *up, *tun;
	struct tun_nl *nl = &the_ns.nl;

	(void)state;
	NS_REQUIRE();
	up = dev_up(0, 0, "198.18.0.1/24", "fd00::1/64", &log);
	tun = dev_up(1, 0, "198.18.200.2/24", "fd00:200::2/64", &log);
	olddef = R("0.0.0.0/0", "198.18.0.254", up->ifindex, 100);
	assert_int_equal(tun_nl_route2(nl, 1, &olddef), 0);
	assert_int_equal(tun_nl_get_route(nl, &server, &old), 0);
	assert_int_equal(old.oif, up->ifindex);
	assert_true(addr_is(&old.gw, "198.18.0.254"));
	memset(&pin, 0, sizeof(pin));
	pin.dst = server;
	pin.gw = old.gw;
	pin.ifindex = old.oif;
	def = R("0.0.0.0/0", "198.18.200.1", tun->ifindex, 10);
	assert_int_equal(tun_nl_route2(nl, 1, &pin), 0);
	assert_int_equal(tun_nl_route2(nl, 1, &def), 0);
	assert_int_equal(lookup("198.19.1.1", &ri), 0);
	assert_int_equal(ri.oif, up->ifindex);
	assert_true(addr_is(&ri.gw, "198.18.0.254"));
	assert_int_equal(lookup("198.19.1.2", &ri), 0);
	assert_int_equal(ri.oif, tun->ifindex);
	assert_true(addr_is(&ri.src, "198.18.200.2"));
	assert_int_equal(tun_nl_route2(nl, 0, &def), 0);
	assert_int_equal(tun_nl_route2(nl, 0, &pin), 0);
	/* Back to the old path for everything, the old default untouched. */
	assert_int_equal(lookup("198.19.1.2", &ri), 0);
	assert_int_equal(ri.oif, up->ifindex);
	assert_int_equal(tun_nl_route2(nl, 0, &olddef), 0);
	assert_int_equal(lookup("198.19.1.1", &ri), ENETUNREACH);
}

static void test_ns_bridge(void **state)
{
	CAP_LOG(c, log);
	struct tun_link_info li;
	struct tun_dev *tap = &the_ns.dev[0], *tun = &the_ns.dev[1];
	struct tun_nl *nl = &the_ns.nl;
	int br;

	(void)state;
	NS_REQUIRE();
	if (system("ip link add br0 type bridge") != 0) {
		fprintf(stderr, "netlink_ns: bridge test skipped: `ip link add br0 type bridge` failed\n");
		skip();
	}
	br = (int)if_nametoindex("br0");
	assert_true(br > 0);
	assert_int_equal(tun_nl_open(nl, &log), 0);
	assert_int_equal(tun_open(tap, 1, TUN_ANY, 0, &log), 0);
	assert_int_equal(tun_open(tun, 0, TUN_ANY, 0, &log), 0);
	assert_int_equal(tun_nl_get_link(nl, br, &li), 0);
	assert_int_equal(li.ifindex, br);
	assert_string_equal(li.name, "br0");
	assert_string_equal(li.kind, "bridge");
	assert_int_equal(tun_nl_is_bridge(nl, br), 0);
	assert_int_equal(tun_nl_is_bridge(nl, tap->ifindex), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(c.last, "is not a bridge (its kind is tun)"));
	assert_non_null(strstr(c.last, tap->name));
	assert_int_equal(tun_nl_is_bridge(nl, 1), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(c.last, "lo (ifindex 1) is not a bridge (it has no kind)"));
	assert_int_equal(tun_nl_is_bridge(nl, 99999), SSHTUN_ERR_NETLINK);
	assert_non_null(strstr(c.last, strerror(ENODEV)));
	/* The tap joins the bridge and leaves it. */
	assert_int_equal(tun_nl_get_link(nl, tap->ifindex, &li), 0);
	assert_int_equal(li.master, 0);
	assert_int_equal(tun_nl_set_master(nl, tap->ifindex, br), 0);
	assert_int_equal(tun_nl_get_link(nl, tap->ifindex, &li), 0);
	assert_int_equal(li.master, br);
	assert_string_equal(li.name, tap->name);
	assert_string_equal(li.kind, "tun");
	assert_int_equal(tun_nl_set_master(nl, tap->ifindex, 0), 0);
	assert_int_equal(tun_nl_get_link(nl, tap->ifindex, &li), 0);
	assert_int_equal(li.master, 0);
	/* A layer 3 tun device cannot be a bridge port; no such bridge. */
	assert_int_equal(tun_nl_set_master(nl, tun->ifindex, br), SSHTUN_ERR_NETLINK);
	assert_non_null(strstr(c.last, "a port of ifindex"));
	assert_int_equal(tun_nl_set_master(nl, tap->ifindex, 99999), SSHTUN_ERR_NETLINK);
	assert_int_equal(system("ip link del br0"), 0);
}

/* Runs the namespace group in a forked child that leaves the host's network namespace; its failure count. */
static int run_ns_tests(void)
{
	const struct CMUnitTest ns[] = {
		cmocka_unit_test_setup_teardown(test_ns_routes4, ns_test_setup, ns_test_teardown),
		cmocka_unit_test_setup_teardown(test_ns_routes6, ns_test_setup, ns_test_teardown),
		cmocka_unit_test_setup_teardown(test_ns_default_route, ns_test_setup, ns_test_teardown),
		cmocka_unit_test_setup_teardown(test_ns_bridge, ns_test_setup, ns_test_teardown),
	};
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "netlink_ns: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) != 0) {
			fprintf(stderr, "netlink_ns: skipped, unshare(CLONE_NEWNET): %s (needs root)\n",
				strerror(errno));
			the_ns.skip = 1;
		} else if (access("/dev/net/tun", R_OK | W_OK) != 0) {
			fprintf(stderr, "netlink_ns: skipped, /dev/net/tun: %s\n", strerror(errno));
			the_ns.skip = 1;
		}
		fflush(NULL);
		_exit(cmocka_run_group_tests_name("netlink_ns", ns, NULL, NULL) ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			return 1;
		}
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_route_parse_good),
		cmocka_unit_test(test_route_parse_errors),
		cmocka_unit_test(test_route_parse_seq),
		cmocka_unit_test(test_route_parse_lies),
		cmocka_unit_test(test_link_parse_good),
		cmocka_unit_test(test_link_parse_lies),
		cmocka_unit_test(test_kernel_replies),
		cmocka_unit_test(test_bad_arguments),
	};
	int fails = cmocka_run_group_tests_name("netlink_pure", pure, NULL, NULL);

	return fails + run_ns_tests();
}
