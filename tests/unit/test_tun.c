/* sshtun: unit tests of tun/: address text, netlink acks, and (as root, in a private netns) devices. */
#include "tests/unit/testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tun/tun.h"

/* ---- addresses ---- */

static void test_addr_parse_good(void **state)
{
	static const struct {
		const char *s;
		int family, prefix;
		const char *hex;
	} v[] = {
		{ "198.18.0.1", AF_INET, -1, "c6120001" },
		{ "198.18.0.1/24", AF_INET, 24, "c6120001" },
		{ "198.19.255.255/32", AF_INET, 32, "c613ffff" },
		{ "0.0.0.0/0", AF_INET, 0, "00000000" },
		{ "fd00::1", AF_INET6, -1, "fd000000000000000000000000000001" },
		{ "fd00::1/64", AF_INET6, 64, "fd000000000000000000000000000001" },
		{ "fd00:1:2:3:4:5:6:7/128", AF_INET6, 128, "fd000001000200030004000500060007" },
		{ "::/0", AF_INET6, 0, "00000000000000000000000000000000" },
		{ "::ffff:198.18.0.1/96", AF_INET6, 96, "00000000000000000000ffffc6120001" },
	};
	struct tun_addr a;
	uint8_t want[16];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(tun_addr_parse(&a, v[i].s), 0);
		assert_int_equal(a.family, v[i].family);
		assert_int_equal(a.prefix, v[i].prefix);
		n = t_unhex(want, sizeof(want), v[i].hex);
		assert_memory_equal(a.a, want, n);
	}
}

static void test_addr_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "/", "/24", "198.18.0.1/", "198.18.0.1/33", "198.18.0.1/24x", "198.18.0.1/x24",
		"198.18.0.1/-1", "198.18.0.1/+24", "198.18.0.1/024", "198.18.0.1/00", "198.18.0.1/ 24",
		"198.18.0.1/1000", "198.18.0.1/24/24", " 198.18.0.1", "198.18.0.1 ", "1.2.3", "1.2.3.4.5",
		"198.18.0.256", "198.18.0.01", "fd00::1/129", "fd00::1/", "fd00:::1", "fd00::1%lo",
		"fd00::1/64 ", "fd00::g", "fd00:0000:0000:0000:0000:0000:0000:0000:0001", "localhost",
		"fd00:0000:0000:0000:0000:0000:198.18.0.1:0000/64",
		"fd00:0000:0000:0000:0000:0000:0000:0000:0001:0002:0003:0004:0005/64",
	};
	struct tun_addr a;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&a, 0xaa, sizeof(a));
		assert_int_equal(tun_addr_parse(&a, bad[i]), SSHTUN_ERR_CONFIG);
		assert_int_equal(a.family, 0);
		assert_int_equal(a.prefix, -1);
	}
	assert_int_equal(tun_addr_parse(&a, NULL), SSHTUN_ERR_CONFIG);
}

static void test_addr_format(void **state)
{
	static const char *const v[] = {
		"198.18.0.1", "198.18.0.1/24", "0.0.0.0/0", "fd00::1", "fd00::1/64", "::/0",
		"fd00:1:2:3:4:5:6:7/128",
	};
	struct tun_addr a, b;
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(tun_addr_parse(&a, v[i]), 0);
		tun_addr_format(out, sizeof(out), &a);
		assert_string_equal(out, v[i]);
		assert_int_equal(tun_addr_parse(&b, out), 0);
		assert_memory_equal(&a, &b, sizeof(a));
	}
	/* Canonical form: leading zeros and long runs are compressed. */
	assert_int_equal(tun_addr_parse(&a, "FD00:0:0:0:0:0:0:0001/64"), 0);
	tun_addr_format(out, sizeof(out), &a);
	assert_string_equal(out, "fd00::1/64");
	/* Truncation keeps a terminated string; outlen 0 writes nothing. */
	assert_int_equal(tun_addr_parse(&a, "198.18.0.1/24"), 0);
	tun_addr_format(out, 6, &a);
	assert_string_equal(out, "198.1");
	out[0] = 'x';
	tun_addr_format(out, 0, &a);
	assert_int_equal(out[0], 'x');
	memset(&a, 0, sizeof(a));
	a.family = 12345;
	tun_addr_format(out, sizeof(out), &a);
	assert_string_equal(out, "?");
}

/* ---- netlink acks ---- */

/* Appends one message at *off: header, then body (padded to 4 if pad). */
static void put_msg(uint8_t *buf, size_t *off, uint16_t type, uint32_t seq, const void *body, size_t blen,
		    int pad)
{
	struct nlmsghdr h;

	memset(&h, 0, sizeof(h));
	h.nlmsg_len = (uint32_t)(sizeof(h) + blen);
	h.nlmsg_type = type;
	h.nlmsg_seq = seq;
	h.nlmsg_pid = 4242;
	memcpy(buf + *off, &h, sizeof(h));
	memcpy(buf + *off + sizeof(h), body, blen);
	*off += sizeof(h) + blen;
	while (pad && *off % 4) {
		buf[(*off)++] = 0;
	}
}

/* Appends an NLMSG_ERROR answering seq with error (0 = ack). */
static void put_err(uint8_t *buf, size_t *off, uint32_t seq, int32_t error)
{
	struct nlmsgerr e;

	memset(&e, 0, sizeof(e));
	e.error = error;
	e.msg.nlmsg_len = 32;
	e.msg.nlmsg_type = RTM_NEWADDR;
	e.msg.nlmsg_seq = seq;
	put_msg(buf, off, NLMSG_ERROR, seq, &e, sizeof(e), 1);
}

static void test_ack_single(void **state)
{
	uint8_t buf[256];
	size_t n = 0;
	int err = -1;

	(void)state;
	put_err(buf, &n, 7, 0);
	assert_int_equal(n, 36);
	assert_int_equal(tun_nl_parse_ack(buf, n, 7, &err), 0);
	assert_int_equal(err, 0);
	n = 0;
	put_err(buf, &n, 7, -EEXIST);
	assert_int_equal(tun_nl_parse_ack(buf, n, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EEXIST);
	/* Unaligned buffers are read through the reader, never cast. */
	memmove(buf + 1, buf, n);
	assert_int_equal(tun_nl_parse_ack(buf + 1, n, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EEXIST);
}

static void test_ack_wrong_seq(void **state)
{
	uint8_t buf[256];
	size_t n = 0;
	int err = -1;

	(void)state;
	put_err(buf, &n, 6, -EPERM);
	/* Nothing for seq 7: "read on" is NETLINK with errno 0. */
	assert_int_equal(tun_nl_parse_ack(buf, n, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, 0);
	assert_int_equal(tun_nl_parse_ack(buf, 0, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, 0);
	assert_int_equal(tun_nl_parse_ack(NULL, 0, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, 0);
}

static void test_ack_two_messages(void **state)
{
	uint8_t buf[512], noop[5] = { 1, 2, 3, 4, 5 };
	size_t n = 0;
	int err = -1;

	(void)state;
	/* A stale error, a no-op of our seq, then our ack. */
	put_err(buf, &n, 6, -EPERM);
	put_msg(buf, &n, NLMSG_NOOP, 7, noop, sizeof(noop), 1);
	put_err(buf, &n, 7, 0);
	assert_int_equal(tun_nl_parse_ack(buf, n, 7, &err), 0);
	assert_int_equal(err, 0);
	assert_int_equal(tun_nl_parse_ack(buf, n, 6, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EPERM);
	/* The first reply to our seq decides. */
	n = 0;
	put_err(buf, &n, 7, -ENODEV);
	put_err(buf, &n, 7, 0);
	assert_int_equal(tun_nl_parse_ack(buf, n, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, ENODEV);
	/* The last message may come without its padding. */
	n = 0;
	put_err(buf, &n, 6, 0);
	put_msg(buf, &n, NLMSG_NOOP, 6, noop, sizeof(noop), 0);
	assert_int_equal(n, 36 + 21);
	assert_int_equal(tun_nl_parse_ack(buf, n, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, 0);
}

static void test_ack_truncated(void **state)
{
	uint8_t buf[256];
	size_t n = 0, full;
	int err = 0;
	struct nlmsghdr h;

	(void)state;
	put_err(buf, &n, 7, 0);
	full = n;
	/* Every cut of an ack is refused, never taken as an ack. */
	for (size_t cut = 1; cut < full; cut++) {
		err = 0;
		assert_int_equal(tun_nl_parse_ack(buf, cut, 7, &err), SSHTUN_ERR_NETLINK);
		assert_int_equal(err, EBADMSG);
	}
	/* A length beyond the buffer, and a length shorter than the header. */
	memcpy(&h, buf, sizeof(h));
	h.nlmsg_len = (uint32_t)full + 4;
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(tun_nl_parse_ack(buf, full, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EBADMSG);
	h.nlmsg_len = 15;
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(tun_nl_parse_ack(buf, full, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EBADMSG);
	h.nlmsg_len = 0xffffffffu;
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(tun_nl_parse_ack(buf, full, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EBADMSG);
	/* An error payload too short to hold the echoed header. */
	n = 0;
	put_msg(buf, &n, NLMSG_ERROR, 7, "\0\0\0\0", 4, 1);
	assert_int_equal(tun_nl_parse_ack(buf, n, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EBADMSG);
	/* Error values no kernel sends. */
	n = 0;
	put_err(buf, &n, 7, 5);
	assert_int_equal(tun_nl_parse_ack(buf, n, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EBADMSG);
	n = 0;
	put_err(buf, &n, 7, INT32_MIN);
	assert_int_equal(tun_nl_parse_ack(buf, n, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EBADMSG);
	/* Broken framing after a stale message still refuses the buffer. */
	n = 0;
	put_err(buf, &n, 6, 0);
	put_err(buf, &n, 7, 0);
	assert_int_equal(tun_nl_parse_ack(buf, n - 1, 7, &err), SSHTUN_ERR_NETLINK);
	assert_int_equal(err, EBADMSG);
}

static void test_open_bad_unit(void **state)
{
	struct tun_dev d;
	struct t_cap c = { .n = 0 };
	struct lg log = { t_cap_fn, &c, LG_DEBUG3 };

	(void)state;
	assert_int_equal(tun_open(&d, 0, -2, 0, &log), SSHTUN_ERR_INVAL);
	assert_int_equal(d.fd, -1);
	tun_close(&d);
	assert_int_equal(d.fd, -1);
	assert_int_equal(c.n, 1);
}

/* ---- devices: as root, in a private network namespace made at the start of this group ---- */

enum { NS_DEVS = 3 };

/* Group state; the devices and socket live here so the teardown closes them when a test fails. */
struct ns {
	int skip;
	struct tun_dev dev[NS_DEVS];
	struct tun_nl nl;
};

static struct tun_dev *dev_slot(void **state, int i)
{
	return &((struct ns *)*state)->dev[i];
}

static struct tun_nl *nl_slot(void **state)
{
	return &((struct ns *)*state)->nl;
}

static int dev_setup(void **state)
{
	struct ns *ns = *state;

	for (int i = 0; i < NS_DEVS; i++) {
		ns->dev[i].fd = -1;
	}
	ns->nl.fd = -1;
	return 0;
}

static int dev_teardown(void **state)
{
	struct ns *ns = *state;

	for (int i = 0; i < NS_DEVS; i++) {
		tun_close(&ns->dev[i]);
	}
	tun_nl_close(&ns->nl);
	return 0;
}

/* Leaves the host's network namespace for good, so nothing here touches a host interface. */
static int ns_setup(void **state)
{
	static struct ns ns;

	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "tun_dev: skipped, unshare(CLONE_NEWNET): %s (needs root)\n", strerror(errno));
		ns.skip = 1;
	} else if (access("/dev/net/tun", R_OK | W_OK) != 0) {
		fprintf(stderr, "tun_dev: skipped, /dev/net/tun: %s\n", strerror(errno));
		ns.skip = 1;
	}
	*state = &ns;
	return 0;
}

#define NS_REQUIRE(state) do { if (((const struct ns *)*(state))->skip) { skip(); } } while (0)

static int if_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	assert_true(s >= 0);
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
	r = ioctl(s, req, ifr);
	close(s);
	return r;
}

static int sa_is(const struct sockaddr *sa, const struct tun_addr *a)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;

	if (sa->sa_family == AF_INET && a->family == AF_INET) {
		memcpy(&s4, sa, sizeof(s4));
		return memcmp(&s4.sin_addr, a->a, 4) == 0;
	}
	if (sa->sa_family == AF_INET6 && a->family == AF_INET6) {
		memcpy(&s6, sa, sizeof(s6));
		return memcmp(&s6.sin6_addr, a->a, 16) == 0;
	}
	return 0;
}

static int mask_bits(const struct sockaddr *sa)
{
	struct tun_addr m;
	int bits = 0;

	memset(&m, 0, sizeof(m));
	if (sa->sa_family == AF_INET) {
		memcpy(m.a, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	} else {
		memcpy(m.a, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
	}
	for (size_t i = 0; i < 16; i++) {
		bits += __builtin_popcount(m.a[i]);
	}
	return bits;
}

/* 1 if getifaddrs() shows text ("addr/prefix") on name, with peer as its destination if given. */
static int has_addr(const char *name, const char *text, const char *peer)
{
	struct ifaddrs *all = NULL;
	struct tun_addr want, pw;
	int found = 0;

	assert_int_equal(tun_addr_parse(&want, text), 0);
	assert_int_equal(tun_addr_parse(&pw, peer ? peer : text), 0);
	assert_int_equal(getifaddrs(&all), 0);
	for (struct ifaddrs *i = all; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, name) != 0 || !sa_is(i->ifa_addr, &want)) {
			continue;
		}
		if (want.prefix >= 0 && (!i->ifa_netmask || mask_bits(i->ifa_netmask) != want.prefix)) {
			continue;
		}
		if (peer && (!i->ifa_dstaddr || !sa_is(i->ifa_dstaddr, &pw))) {
			continue;
		}
		found = 1;
	}
	freeifaddrs(all);
	return found;
}

static struct tun_addr A(const char *s)
{
	struct tun_addr a;

	assert_int_equal(tun_addr_parse(&a, s), 0);
	return a;
}

static void test_dev_open_any(void **state)
{
	CAP_LOG(c, log);
	struct tun_dev *d = dev_slot(state, 0);
	struct ifreq ifr;

	NS_REQUIRE(state);
	assert_int_equal(tun_open(d, 0, TUN_ANY, 0, &log), 0);
	assert_string_equal(d->name, "tun0");
	assert_true(d->ifindex > 0);
	assert_true(d->fd >= 0);
	assert_int_equal(d->tap, 0);
	assert_int_equal(d->created, 1);
	assert_true(fcntl(d->fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(d->fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal((int)if_nametoindex("tun0"), d->ifindex);
	memset(&ifr, 0, sizeof(ifr));
	assert_int_equal(ioctl(d->fd, TUNGETIFF, &ifr), 0);
	/* TUNGETIFF cannot show IFF_NO_PI (it reuses 0x1000 for IFF_NOFILTER); test_dev_packet checks it. */
	assert_int_equal(ifr.ifr_flags & (IFF_TUN | IFF_TAP), IFF_TUN);
	assert_int_equal(if_ioctl("tun0", SIOCGIFHWADDR, &ifr), 0);
	assert_int_equal(ifr.ifr_hwaddr.sa_family, ARPHRD_NONE);
	/* Closing a device we created removes it. */
	tun_close(d);
	assert_int_equal(d->fd, -1);
	assert_int_equal(if_nametoindex("tun0"), 0);
	tun_close(d);
}

static void test_dev_open_offload(void **state)
{
	CAP_LOG(c, log);
	struct tun_dev *d = dev_slot(state, 0);
	struct ifreq ifr;

	NS_REQUIRE(state);
	assert_int_equal(tun_open(d, 0, 6, 1, &log), 0);
	assert_string_equal(d->name, "tun6");
	assert_int_equal(d->vnet, 1);
	assert_int_equal(d->tso, 1);
	memset(&ifr, 0, sizeof(ifr));
	assert_int_equal(ioctl(d->fd, TUNGETIFF, &ifr), 0);
	assert_true(ifr.ifr_flags & IFF_VNET_HDR);
	tun_close(d);
	assert_int_equal(d->vnet, 0);
	assert_int_equal(if_nametoindex("tun6"), 0);
	/* Without offload no vnet header is asked for. */
	assert_int_equal(tun_open(d, 1, 6, 0, &log), 0);
	memset(&ifr, 0, sizeof(ifr));
	assert_int_equal(ioctl(d->fd, TUNGETIFF, &ifr), 0);
	assert_false(ifr.ifr_flags & IFF_VNET_HDR);
	assert_int_equal(d->vnet, 0);
	tun_close(d);
}

static void test_dev_open_unit(void **state)
{
	CAP_LOG(c, log);
	struct tun_dev *d5 = dev_slot(state, 0);
	struct tun_dev *d0 = dev_slot(state, 1);
	struct tun_dev *d1 = dev_slot(state, 2);

	NS_REQUIRE(state);
	assert_int_equal(tun_open(d5, 0, 5, 0, &log), 0);
	assert_string_equal(d5->name, "tun5");
	assert_int_equal(d5->created, 1);
	assert_int_equal(tun_open(d0, 0, TUN_ANY, 0, &log), 0);
	assert_string_equal(d0->name, "tun0");
	assert_int_not_equal(d0->ifindex, d5->ifindex);
	assert_int_equal(tun_open(d1, 0, TUN_ANY, 0, &log), 0);
	assert_string_equal(d1->name, "tun1");
	tun_close(d5);
	tun_close(d0);
	tun_close(d1);
	assert_int_equal(if_nametoindex("tun5"), 0);
	assert_int_equal(if_nametoindex("tun0"), 0);
	assert_int_equal(if_nametoindex("tun1"), 0);
}

static void test_dev_busy(void **state)
{
	CAP_LOG(c, log);
	struct tun_dev *d = dev_slot(state, 0);
	struct tun_dev *d2 = dev_slot(state, 1);

	NS_REQUIRE(state);
	assert_int_equal(tun_open(d, 0, 7, 0, &log), 0);
	assert_int_equal(tun_open(d2, 0, 7, 0, &log), SSHTUN_ERR_TUN_DEVICE);
	assert_int_equal(d2->fd, -1);
	assert_non_null(strstr(c.last, "tun7"));
	assert_non_null(strstr(c.last, "in use"));
	tun_close(d2);
	/* The failed attempt left the first one alone. */
	assert_int_equal((int)if_nametoindex("tun7"), d->ifindex);
	tun_close(d);
	assert_int_equal(if_nametoindex("tun7"), 0);
}

static void test_dev_tap(void **state)
{
	CAP_LOG(c, log);
	struct tun_dev *d = dev_slot(state, 0);
	struct tun_dev *d3 = dev_slot(state, 1);
	struct tun_nl *nl = nl_slot(state);
	struct tun_addr a6 = A("fd00:7::1/64");
	struct sockaddr_in6 sa;
	struct ifreq ifr;
	int s;

	NS_REQUIRE(state);
	assert_int_equal(tun_open(d, 1, TUN_ANY, 0, &log), 0);
	assert_string_equal(d->name, "tap0");
	assert_int_equal(d->tap, 1);
	assert_true(d->ifindex > 0);
	memset(&ifr, 0, sizeof(ifr));
	assert_int_equal(ioctl(d->fd, TUNGETIFF, &ifr), 0);
	assert_int_equal(ifr.ifr_flags & (IFF_TUN | IFF_TAP), IFF_TAP);
	assert_int_equal(if_ioctl("tap0", SIOCGIFHWADDR, &ifr), 0);
	assert_int_equal(ifr.ifr_hwaddr.sa_family, ARPHRD_ETHER);
	assert_int_equal(tun_open(d3, 1, 3, 0, &log), 0);
	assert_string_equal(d3->name, "tap3");
	/* On a link that does neighbour discovery, our IPv6 address is usable at once (no DAD wait). */
	assert_int_equal(tun_nl_open(nl, &log), 0);
	assert_int_equal(tun_nl_link(nl, d->ifindex, 1, 0), 0);
	assert_int_equal(tun_nl_addr(nl, 1, d->ifindex, &a6, NULL), 0);
	s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	memcpy(&sa.sin6_addr, a6.a, 16);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(s);
	tun_close(d);
	tun_close(d3);
	assert_int_equal(if_nametoindex("tap0"), 0);
	assert_int_equal(if_nametoindex("tap3"), 0);
}

static void test_dev_persistent(void **state)
{
	CAP_LOG(c, log);
	struct tun_dev *d = dev_slot(state, 0);
	int idx;

	NS_REQUIRE(state);
	assert_int_equal(tun_open(d, 0, 9, 0, &log), 0);
	assert_int_equal(d->created, 1);
	idx = d->ifindex;
	assert_int_equal(ioctl(d->fd, TUNSETPERSIST, 1), 0);
	tun_close(d);
	assert_int_equal((int)if_nametoindex("tun9"), idx);
	/* Attached, not created: it stays after close until made non-persistent. */
	assert_int_equal(tun_open(d, 0, 9, 0, &log), 0);
	assert_int_equal(d->created, 0);
	assert_int_equal(d->ifindex, idx);
	assert_int_equal(ioctl(d->fd, TUNSETPERSIST, 0), 0);
	tun_close(d);
	assert_int_equal(if_nametoindex("tun9"), 0);
}

/* Source address the kernel picks for a UDP flow to dst, or -errno of connect(). */
static int src_for(const char *dst, char *out, size_t outlen)
{
	struct tun_addr a;
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl = sizeof(ss);
	int s, r = 0;

	assert_int_equal(tun_addr_parse(&a, dst), 0);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)a.family;
	if (a.family == AF_INET) {
		s4->sin_port = htons(9);
		memcpy(&s4->sin_addr, a.a, 4);
		sl = sizeof(*s4);
	} else {
		s6->sin6_port = htons(9);
		memcpy(&s6->sin6_addr, a.a, 16);
		sl = sizeof(*s6);
	}
	s = socket(a.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	if (connect(s, (struct sockaddr *)&ss, sl) != 0) {
		r = -errno;
	} else {
		sl = sizeof(ss);
		assert_int_equal(getsockname(s, (struct sockaddr *)&ss, &sl), 0);
		assert_non_null(inet_ntop(a.family, a.family == AF_INET ? (void *)&s4->sin_addr : (void *)&s6->sin6_addr,
					  out, (socklen_t)outlen));
	}
	close(s);
	return r;
}

/* Opens tun0 with 198.18.0.1/24 and fd00::1/64, MTU 1400, up. */
static void dev_config(struct tun_dev *d, struct tun_nl *nl, const struct lg *log)
{
	struct tun_addr a4 = A("198.18.0.1/24"), a6 = A("fd00::1/64");

	assert_int_equal(tun_open(d, 0, TUN_ANY, 0, log), 0);
	assert_int_equal(tun_nl_open(nl, log), 0);
	assert_int_equal(tun_nl_addr(nl, 1, d->ifindex, &a4, NULL), 0);
	assert_int_equal(tun_nl_addr(nl, 1, d->ifindex, &a6, NULL), 0);
	assert_int_equal(tun_nl_link(nl, d->ifindex, 1, 1400), 0);
}

/* The FIB entry that routes dst (RTM_GETROUTE with RTM_F_FIB_MATCH): its rtmsg, or -errno. */
static int route_get(const char *dst, struct rtmsg *out)
{
	struct tun_addr a = A(dst);
	uint8_t buf[4096];
	struct nlmsghdr h;
	struct rtmsg rt;
	struct rtattr ra;
	size_t n = 0;
	ssize_t got;
	int s, r = -ENOMSG;

	memset(&rt, 0, sizeof(rt));
	rt.rtm_family = (uint8_t)a.family;
	rt.rtm_dst_len = a.family == AF_INET ? 32 : 128;
	rt.rtm_flags = RTM_F_FIB_MATCH;
	ra.rta_type = RTA_DST;
	ra.rta_len = (unsigned short)RTA_LENGTH(a.family == AF_INET ? 4 : 16);
	memset(&h, 0, sizeof(h));
	h.nlmsg_len = (uint32_t)(sizeof(h) + sizeof(rt) + ra.rta_len);
	h.nlmsg_type = RTM_GETROUTE;
	h.nlmsg_flags = NLM_F_REQUEST;
	h.nlmsg_seq = 1;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + (n += sizeof(h)), &rt, sizeof(rt));
	memcpy(buf + (n += sizeof(rt)), &ra, sizeof(ra));
	memcpy(buf + n + sizeof(ra), a.a, ra.rta_len - sizeof(ra));
	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	assert_true(s >= 0);
	assert_int_equal(send(s, buf, h.nlmsg_len, 0), (ssize_t)h.nlmsg_len);
	got = recv(s, buf, sizeof(buf), 0);
	close(s);
	assert_true(got >= (ssize_t)(sizeof(h) + sizeof(int)));
	memcpy(&h, buf, sizeof(h));
	if (h.nlmsg_type == NLMSG_ERROR) {
		memcpy(&r, buf + sizeof(h), sizeof(r));
	} else if (h.nlmsg_type == RTM_NEWROUTE && got >= (ssize_t)(sizeof(h) + sizeof(*out))) {
		memcpy(out, buf + sizeof(h), sizeof(*out));
		r = 0;
	}
	return r;
}

static void test_nl_config(void **state)
{
	CAP_LOG(c, log);
	struct tun_dev *d = dev_slot(state, 0);
	struct tun_nl *nl = nl_slot(state);
	struct ifreq ifr;
	struct tun_addr p1 = A("198.18.1.1"), p2 = A("198.18.1.2"), a4 = A("198.18.0.1/24");
	struct tun_addr a6 = A("fd00::2/64");

	NS_REQUIRE(state);
	dev_config(d, nl, &log);
	assert_int_equal(tun_nl_addr(nl, 1, d->ifindex, &p1, &p2), 0);
	assert_int_equal(if_ioctl(d->name, SIOCGIFMTU, &ifr), 0);
	assert_int_equal(ifr.ifr_mtu, 1400);
	assert_int_equal(if_ioctl(d->name, SIOCGIFFLAGS, &ifr), 0);
	assert_true(ifr.ifr_flags & IFF_UP);
	assert_true(has_addr(d->name, "198.18.0.1/24", NULL));
	assert_true(has_addr(d->name, "fd00::1/64", NULL));
	assert_true(has_addr(d->name, "198.18.1.1/32", "198.18.1.2"));
	assert_false(has_addr(d->name, "198.18.0.1/32", NULL));
	/* Adding an address that is there already is fine; deleting one that is not is an error. */
	assert_int_equal(tun_nl_addr(nl, 1, d->ifindex, &a4, NULL), 0);
	assert_int_equal(tun_nl_addr(nl, 0, d->ifindex, &p1, &p2), 0);
	assert_false(has_addr(d->name, "198.18.1.1/32", NULL));
	assert_int_equal(tun_nl_addr(nl, 0, d->ifindex, &p1, &p2), SSHTUN_ERR_NETLINK);
	assert_non_null(strstr(c.last, "198.18.1.1"));
	assert_int_equal(tun_nl_addr(nl, 1, d->ifindex, &a6, NULL), 0);
	assert_true(has_addr(d->name, "fd00::2/64", NULL));
	assert_int_equal(tun_nl_addr(nl, 0, d->ifindex, &a6, NULL), 0);
	assert_false(has_addr(d->name, "fd00::2/64", NULL));
	/* Down keeps the MTU; no MTU change when mtu is 0. */
	assert_int_equal(tun_nl_link(nl, d->ifindex, 0, 0), 0);
	assert_int_equal(if_ioctl(d->name, SIOCGIFFLAGS, &ifr), 0);
	assert_false(ifr.ifr_flags & IFF_UP);
	assert_int_equal(if_ioctl(d->name, SIOCGIFMTU, &ifr), 0);
	assert_int_equal(ifr.ifr_mtu, 1400);
	/* What the kernel refuses, and what we refuse before asking. */
	assert_int_equal(tun_nl_link(nl, d->ifindex, 1, 10), SSHTUN_ERR_NETLINK);
	assert_int_equal(tun_nl_link(nl, 99999, 1, 0), SSHTUN_ERR_NETLINK);
	assert_int_equal(tun_nl_addr(nl, 1, 99999, &a4, NULL), SSHTUN_ERR_NETLINK);
	assert_int_equal(tun_nl_addr(nl, 1, 0, &a4, NULL), SSHTUN_ERR_INVAL);
	assert_int_equal(tun_nl_addr(nl, 1, d->ifindex, &a4, &a6), SSHTUN_ERR_INVAL);
	a4.prefix = 33;
	assert_int_equal(tun_nl_addr(nl, 1, d->ifindex, &a4, NULL), SSHTUN_ERR_INVAL);
	/* The socket still works after errors: every request got its own seq and ack. */
	assert_int_equal(tun_nl_link(nl, d->ifindex, 1, 1280), 0);
	assert_int_equal(if_ioctl(d->name, SIOCGIFMTU, &ifr), 0);
	assert_int_equal(ifr.ifr_mtu, 1280);
	assert_true(nl->seq >= 12);
	tun_nl_close(nl);
	assert_int_equal(nl->fd, -1);
	assert_int_equal(tun_nl_link(nl, d->ifindex, 1, 0), SSHTUN_ERR_INVAL);
	tun_close(d);
}

static void test_nl_route(void **state)
{
	CAP_LOG(c, log);
	struct tun_dev *d = dev_slot(state, 0);
	struct tun_nl *nl = nl_slot(state);
	struct tun_addr r4 = A("198.18.5.0/24"), r6 = A("fd00:5::/64"), g4 = A("198.18.0.2");
	struct tun_addr rg = A("198.18.6.0/24"), bad = A("198.18.5.1/24"), g6 = A("fd00::2");
	struct rtmsg rt;
	char src[64];

	NS_REQUIRE(state);
	dev_config(d, nl, &log);
	assert_int_equal(route_get("198.18.5.1", &rt), -ENETUNREACH);
	assert_int_equal(src_for("198.18.5.1", src, sizeof(src)), -ENETUNREACH);
	assert_int_equal(tun_nl_route(nl, 1, d->ifindex, &r4, NULL), 0);
	assert_int_equal(src_for("198.18.5.1", src, sizeof(src)), 0);
	assert_string_equal(src, "198.18.0.1");
	assert_int_equal(route_get("198.18.5.1", &rt), 0);
	assert_int_equal(rt.rtm_dst_len, 24);
	assert_int_equal(rt.rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rt.rtm_protocol, RTPROT_STATIC);
	assert_int_equal(rt.rtm_scope, RT_SCOPE_LINK);
	assert_int_equal(rt.rtm_type, RTN_UNICAST);
	assert_int_equal(tun_nl_route(nl, 1, d->ifindex, &r4, NULL), SSHTUN_ERR_ROUTE_EXISTS);
	assert_int_equal(tun_nl_route(nl, 0, d->ifindex, &r4, NULL), 0);
	assert_int_equal(src_for("198.18.5.1", src, sizeof(src)), -ENETUNREACH);
	assert_int_equal(tun_nl_route(nl, 0, d->ifindex, &r4, NULL), SSHTUN_ERR_NETLINK);
	/* Through a gateway on the link. */
	assert_int_equal(tun_nl_route(nl, 1, d->ifindex, &rg, &g4), 0);
	assert_int_equal(src_for("198.18.6.1", src, sizeof(src)), 0);
	assert_string_equal(src, "198.18.0.1");
	assert_int_equal(route_get("198.18.6.1", &rt), 0);
	assert_int_equal(rt.rtm_scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(rt.rtm_protocol, RTPROT_STATIC);
	assert_int_equal(tun_nl_route(nl, 0, d->ifindex, &rg, &g4), 0);
	assert_int_equal(src_for("198.18.6.1", src, sizeof(src)), -ENETUNREACH);
	/* IPv6, direct and through a gateway. */
	assert_int_equal(tun_nl_route(nl, 1, d->ifindex, &r6, NULL), 0);
	assert_int_equal(src_for("fd00:5::1", src, sizeof(src)), 0);
	assert_string_equal(src, "fd00::1");
	assert_int_equal(tun_nl_route(nl, 0, d->ifindex, &r6, NULL), 0);
	assert_int_equal(src_for("fd00:5::1", src, sizeof(src)), -ENETUNREACH);
	assert_int_equal(tun_nl_route(nl, 1, d->ifindex, &r6, &g6), 0);
	assert_int_equal(src_for("fd00:5::1", src, sizeof(src)), 0);
	assert_int_equal(tun_nl_route(nl, 0, d->ifindex, &r6, &g6), 0);
	/* Host bits set: the kernel refuses; mixed families: we refuse. */
	assert_int_equal(tun_nl_route(nl, 1, d->ifindex, &bad, NULL), SSHTUN_ERR_NETLINK);
	assert_non_null(strstr(c.last, "198.18.5.1/24"));
	assert_int_equal(tun_nl_route(nl, 1, d->ifindex, &r4, &g6), SSHTUN_ERR_INVAL);
	tun_nl_close(nl);
	tun_close(d);
}

static uint16_t ip_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2) {
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	}
	while (s >> 16) {
		s = (s & 0xffff) + (s >> 16);
	}
	return (uint16_t)~s;
}

/* Frames are raw IP (IFF_NO_PI): a packet written to the fd reaches a socket, and back. */
static void test_dev_packet(void **state)
{
	CAP_LOG(c, log);
	struct tun_dev *d = dev_slot(state, 0);
	struct tun_nl *nl = nl_slot(state);
	uint8_t pkt[2048];
	struct sockaddr_in sa;
	struct pollfd pfd;
	char got[16];
	ssize_t n;
	uint16_t ck;
	int s, found = 0;

	NS_REQUIRE(state);
	dev_config(d, nl, &log);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(40000);
	assert_int_equal(inet_pton(AF_INET, "198.18.0.1", &sa.sin_addr), 1);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	/* IPv4/UDP 198.18.0.2:40001 -> 198.18.0.1:40000 "hello", UDP checksum 0. */
	n = (ssize_t)t_unhex(pkt, sizeof(pkt), "4500 0021 0001 0000 4011 0000 c6120002 c6120001"
					       " 9c41 9c40 000d 0000 68656c6c6f");
	assert_int_equal(n, 33);
	ck = ip_csum(pkt, 20);
	pkt[10] = (uint8_t)(ck >> 8);
	pkt[11] = (uint8_t)ck;
	assert_int_equal(write(d->fd, pkt, (size_t)n), n);
	pfd.fd = s;
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	n = recv(s, got, sizeof(got), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(got, "hello", 5);
	/* And out: the frame starts with the IPv4 header itself (skip IPv6 chatter). */
	sa.sin_port = htons(40001);
	assert_int_equal(inet_pton(AF_INET, "198.18.0.2", &sa.sin_addr), 1);
	assert_int_equal(sendto(s, "world", 5, 0, (struct sockaddr *)&sa, sizeof(sa)), 5);
	for (int i = 0; i < 20 && !found; i++) {
		pfd.fd = d->fd;
		assert_int_equal(poll(&pfd, 1, 2000), 1);
		n = read(d->fd, pkt, sizeof(pkt));
		assert_true(n > 0);
		found = (pkt[0] >> 4) == 4;
	}
	assert_true(found);
	assert_int_equal(n, 33);
	assert_int_equal(pkt[9], 17);
	assert_memory_equal(pkt + 16, "\xc6\x12\x00\x02", 4);
	assert_memory_equal(pkt + 28, "world", 5);
	close(s);
	tun_nl_close(nl);
	tun_close(d);
}

static int run_dev_tests(void)
{
	const struct CMUnitTest dev[] = {
		cmocka_unit_test_setup_teardown(test_dev_open_any, dev_setup, dev_teardown),
		cmocka_unit_test_setup_teardown(test_dev_open_offload, dev_setup, dev_teardown),
		cmocka_unit_test_setup_teardown(test_dev_open_unit, dev_setup, dev_teardown),
		cmocka_unit_test_setup_teardown(test_dev_busy, dev_setup, dev_teardown),
		cmocka_unit_test_setup_teardown(test_dev_tap, dev_setup, dev_teardown),
		cmocka_unit_test_setup_teardown(test_dev_persistent, dev_setup, dev_teardown),
		cmocka_unit_test_setup_teardown(test_nl_config, dev_setup, dev_teardown),
		cmocka_unit_test_setup_teardown(test_nl_route, dev_setup, dev_teardown),
		cmocka_unit_test_setup_teardown(test_dev_packet, dev_setup, dev_teardown),
	};

	return cmocka_run_group_tests_name("tun_dev", dev, ns_setup, NULL);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_addr_parse_good),
		cmocka_unit_test(test_addr_parse_bad),
		cmocka_unit_test(test_addr_format),
		cmocka_unit_test(test_ack_single),
		cmocka_unit_test(test_ack_wrong_seq),
		cmocka_unit_test(test_ack_two_messages),
		cmocka_unit_test(test_ack_truncated),
		cmocka_unit_test(test_open_bad_unit),
	};
	int fails = cmocka_run_group_tests_name("tun_pure", pure, NULL, NULL);

	return fails + run_dev_tests();
}
