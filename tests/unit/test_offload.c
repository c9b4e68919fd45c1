/* sshtun: unit tests of the tun offloads: TSO splitting and TCP coalescing (tun/offload.c). */
#include "tests/unit/testutil.h"

#include <stdio.h>

#include "tests/unit/t_packets.h"
#include "tun/offload.h"

enum { BIG = 70000, NITEMS = 300 };

/* A TSO super-packet as the kernel hands it over: TCP checksum field holds the pseudo-header sum. */
static size_t build_super(const struct tp *t, uint8_t *out, size_t mss, struct tun_vnet *v)
{
	size_t n = build(t, out), th = (size_t)t->l2 + t_iphl(t);

	t_put16(out + th + 16, t_fold(t_pseudo(out, t->l2, t->v6, 6, n - th)));
	v->flags = TUN_VNET_F_NEEDS_CSUM;
	v->gso_type = t->v6 ? TUN_VNET_GSO_TCPV6 : TUN_VNET_GSO_TCPV4;
	v->hdr_len = (uint16_t)t_hdrs(t);
	v->gso_size = (uint16_t)mss;
	v->csum_start = (uint16_t)th;
	v->csum_offset = 16;
	return n;
}

/* ---- splitting ---- */

static void check_segment(const struct tp *t, const uint8_t *sp, const uint8_t *o, size_t n, size_t i, size_t off)
{
	size_t hdrs = t_hdrs(t), th = (size_t)t->l2 + t_iphl(t), seg = n - hdrs;
	const uint8_t *ip = o + t->l2, *sip = sp + t->l2;
	uint8_t fl = t->flags;

	assert_memory_equal(o, sp, (size_t)t->l2);
	if (t->v6) {
		assert_memory_equal(ip, sip, 4);
		assert_int_equal(t_get16(ip + 4), n - th);
		assert_memory_equal(ip + 6, sip + 6, 34);
	} else {
		assert_memory_equal(ip, sip, 2);
		assert_int_equal(t_get16(ip + 2), n - (size_t)t->l2);
		assert_int_equal(t_get16(ip + 4), (uint16_t)(t->id + i));
		assert_memory_equal(ip + 6, sip + 6, 4);
		assert_memory_equal(ip + 12, sip + 12, t_iphl(t) - 12);
	}
	assert_memory_equal(o + th, sp + th, 4);
	assert_int_equal(t_get32(o + th + 4), (uint32_t)(t->seq + (off - hdrs)));
	assert_memory_equal(o + th + 8, sp + th + 8, 5);
	if (off + seg < t_hdrs(t) + t->plen) {
		fl &= (uint8_t)~0x09;
	}
	if (i > 0) {
		fl &= (uint8_t)~0x80;
	}
	assert_int_equal(o[th + 13], fl);
	assert_memory_equal(o + th + 14, sp + th + 14, 2);
	assert_memory_equal(o + th + 18, sp + th + 18, hdrs - th - 18);
	assert_memory_equal(o + hdrs, sp + off, seg);
	assert_true(t_valid(o, n, t->l2, t->v6));
}

/* Splits t's super-packet in segments of mss and checks each; hdr_len 0 means the exact header length. */
static void check_split(const struct tp *t, size_t mss, uint16_t hdr_len)
{
	uint8_t *sp = malloc(BIG), *out = malloc(BIG);
	struct tun_vnet v;
	struct tun_gso g;
	size_t n, off, i = 0, hdrs = t_hdrs(t), nl, got, seg;

	assert_non_null(sp);
	assert_non_null(out);
	n = build_super(t, sp, mss, &v);
	if (hdr_len) {
		v.hdr_len = hdr_len;
	}
	assert_int_equal(tun_gso_init(&g, &v, sp, n, t->l2), 0);
	for (off = hdrs; off < n; i++) {
		seg = n - off < mss ? n - off : mss;
		nl = tun_gso_next_len(&g);
		assert_int_equal(nl, hdrs + seg);
		assert_int_equal(tun_gso_next(&g, out, nl - 1), 0);	/* too small: nothing happens */
		got = tun_gso_next(&g, out, nl);
		assert_int_equal(got, nl);
		check_segment(t, sp, out, got, i, off);
		off += seg;
	}
	assert_int_equal(i, (t->plen + mss - 1) / mss);
	assert_int_equal(tun_gso_next_len(&g), 0);
	assert_int_equal(tun_gso_next(&g, out, BIG), 0);
	free(sp);
	free(out);
}

static void test_split_v4(void **state)
{
	struct tp t = tp_make(0, 0, 65535 - 40);

	(void)state;
	t.flags = 0x10 | 0x08 | 0x01 | 0x80;	/* ACK PSH FIN CWR */
	check_split(&t, 1448, 0);
	t.optlen = 12;
	t.plen = 65535 - 52;
	t.seq = 0xfffff000;	/* wraps */
	t.id = 0xfffe;		/* wraps */
	check_split(&t, 1448, 0);
	t.df = 0;
	check_split(&t, 1000, 0);
}

static void test_split_v6(void **state)
{
	struct tp t = tp_make(1, 0, 65535 - 20);

	(void)state;
	t.flags = 0x10 | 0x08 | 0x01 | 0x80;
	t.tos = 0xb8;
	t.flow = 0x12345;
	check_split(&t, 1428, 0);
	t.optlen = 12;
	t.plen = 65535 - 32;
	check_split(&t, 1428, 0);
}

static void test_split_tap(void **state)
{
	struct tp t4 = tp_make(0, 14, 64000), t6 = tp_make(1, 14, 64000);

	(void)state;
	t4.optlen = 12;
	t4.flags = 0x18;
	check_split(&t4, 1448, 0);
	t6.optlen = 12;
	check_split(&t6, 1428, 0);
}

static void test_split_shapes(void **state)
{
	struct tp t = tp_make(0, 0, 10000);

	(void)state;
	check_split(&t, 1000, 0);		/* an exact multiple */
	t.plen = 500;
	t.flags = 0x10 | 0x08 | 0x01 | 0x80;
	check_split(&t, 1448, 0);		/* one segment keeps FIN, PSH and CWR */
	t.plen = 9999;
	check_split(&t, 1, 0);			/* one byte per segment */
	t.ipopt = 3;				/* IPv4 options are copied into each segment */
	t.optlen = 40;
	t.plen = 30001;
	check_split(&t, 1200, 0);
	check_split(&t, 1200, (uint16_t)(t_hdrs(&t) + 1200));	/* hdr_len as on the forward path */
}

static void test_split_no_needs_csum(void **state)
{
	uint8_t *sp = malloc(BIG), out[2000];
	struct tp t = tp_make(1, 0, 5000);
	struct tun_vnet v;
	struct tun_gso g;
	size_t n, got, segs = 0;

	(void)state;
	assert_non_null(sp);
	n = build_super(&t, sp, 1440, &v);
	v.flags = 0;
	v.csum_start = 0;
	v.csum_offset = 0;
	assert_int_equal(tun_gso_init(&g, &v, sp, n, 0), 0);
	while ((got = tun_gso_next(&g, out, sizeof(out))) > 0) {
		assert_true(t_valid(out, got, 0, 1));
		segs++;
	}
	assert_int_equal(segs, 4);
	free(sp);
}

static void test_none_csum(void **state)
{
	uint8_t in[3000], out[3000];
	struct tp t = tp_make(0, 14, 1001);
	struct tun_vnet v = { TUN_VNET_F_NEEDS_CSUM, TUN_VNET_GSO_NONE, 0, 0, 0, 16 };
	struct tun_gso g;
	size_t n = build(&t, in), th = 14 + 20, i;

	(void)state;
	/* TCP: the field holds the pseudo-header sum only. */
	t_put16(in + th + 16, t_fold(t_pseudo(in, 14, 0, 6, n - th)));
	v.csum_start = (uint16_t)th;
	assert_int_equal(tun_gso_init(&g, &v, in, n, 14), 0);
	assert_int_equal(tun_gso_next_len(&g), n);
	assert_int_equal(tun_gso_next(&g, out, sizeof(out)), n);
	assert_true(t_valid(out, n, 14, 0));
	assert_memory_equal(out, in, th + 16);
	assert_memory_equal(out + th + 18, in + th + 18, n - th - 18);
	assert_int_equal(tun_gso_next_len(&g), 0);
	assert_int_equal(tun_gso_next(&g, out, sizeof(out)), 0);

	/* UDP over IPv6, odd length, checksum at offset 6. */
	memset(in, 0, 40 + 8);
	in[0] = 0x60;
	t_put16(in + 4, 8 + 33);
	in[6] = 17;
	in[7] = 64;
	in[8] = 0xfd;
	in[23] = 1;
	in[24] = 0xfd;
	in[39] = 2;
	t_put16(in + 40, 5353);
	t_put16(in + 42, 53);
	t_put16(in + 44, 8 + 33);
	for (i = 0; i < 33; i++) {
		in[48 + i] = pat(i);
	}
	t_put16(in + 46, t_fold(t_pseudo(in, 0, 1, 17, 41)));
	v.csum_start = 40;
	v.csum_offset = 6;
	assert_int_equal(tun_gso_init(&g, &v, in, 81, 0), 0);
	assert_int_equal(tun_gso_next(&g, out, 81), 81);
	assert_int_equal(t_fold(t_pseudo(out, 0, 1, 17, 41) + t_sum(out + 40, 41, 0)), 0xffff);

	/* A UDP sum that comes out 0 is sent as 0xffff (0 would mean no checksum). */
	t_put16(in + 4, 8 + 32);
	t_put16(in + 44, 8 + 32);
	t_put16(in + 46, t_fold(t_pseudo(in, 0, 1, 17, 40)));
	t_put16(in + 78, 0);
	t_put16(in + 78, (uint16_t)~t_fold(t_sum(in + 40, 40, 0)));
	assert_int_equal(tun_gso_init(&g, &v, in, 80, 0), 0);
	assert_int_equal(tun_gso_next(&g, out, 80), 80);
	assert_int_equal(t_get16(out + 46), 0xffff);
	assert_int_equal(t_fold(t_pseudo(out, 0, 1, 17, 40) + t_sum(out + 40, 40, 0)), 0xffff);
}

static void test_none_plain(void **state)
{
	uint8_t in[777], out[777];
	struct tun_vnet v = { 0, TUN_VNET_GSO_NONE, 99, 5, 1000, 1000 };	/* csum fields ignored without the flag */
	struct tun_gso g;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in); i++) {
		in[i] = pat(i);
	}
	assert_int_equal(tun_gso_init(&g, &v, in, sizeof(in), 0), 0);
	assert_int_equal(tun_gso_next_len(&g), sizeof(in));
	assert_int_equal(tun_gso_next(&g, out, sizeof(out) - 1), 0);
	assert_int_equal(tun_gso_next(&g, out, sizeof(out)), sizeof(in));
	assert_memory_equal(out, in, sizeof(in));
	assert_int_equal(tun_gso_next(&g, out, sizeof(out)), 0);
}

/* One malformed case: a change to a good super-packet (c->p, c->n) or its header. */
struct mctx {
	uint8_t *p;
	size_t n, ip, th;	/* frame length, IP and TCP header offsets */
	struct tun_vnet v;
};

struct bad {
	const char *name;
	int v6, l2;
	void (*mod)(struct mctx *c);
};

static void m_hdrlen(struct mctx *c) { c->v.hdr_len = (uint16_t)(c->n + 1); }
static void m_gso0(struct mctx *c) { c->v.gso_size = 0; }
static void m_cstart(struct mctx *c) { c->v.csum_start = (uint16_t)(c->th + 4); }
static void m_coff(struct mctx *c) { c->v.csum_offset = 6; }
static void m_to6(struct mctx *c) { c->v.gso_type = TUN_VNET_GSO_TCPV6; }
static void m_to4(struct mctx *c) { c->v.gso_type = TUN_VNET_GSO_TCPV4; }
static void m_udp(struct mctx *c) { c->v.gso_type = 5; }
static void m_ecn(struct mctx *c) { c->v.gso_type |= 0x80; }
static void m_trunc_tcp(struct mctx *c) { c->n = c->th + 19; }
static void m_trunc_ip(struct mctx *c) { c->n = c->th - 1; }
static void m_empty(struct mctx *c) { c->n = c->th + 20; }
static void m_len4(struct mctx *c) { c->p[c->ip + 3]++; }
static void m_len6(struct mctx *c) { c->p[c->ip + 5]--; }
static void m_short(struct mctx *c) { c->n--; }
static void m_frag(struct mctx *c) { c->p[c->ip + 6] |= 0x20; }
static void m_fragoff(struct mctx *c) { c->p[c->ip + 7] = 1; }
static void m_udpproto(struct mctx *c) { c->p[c->ip + 9] = 17; }
static void m_ext6(struct mctx *c) { c->p[c->ip + 6] = 0; }
static void m_doff(struct mctx *c) { c->p[c->th + 12] = 0x40; }
static void m_doffbig(struct mctx *c) { c->n = c->th + 40; c->p[c->th + 12] = 0xf0; }
static void m_ver(struct mctx *c) { c->p[c->ip] = 0x55; }
static void m_ihl(struct mctx *c) { c->p[c->ip] = 0x44; }
static void m_ethtype(struct mctx *c) { c->p[12] = 0x86; c->p[13] = 0xdd; }
static void m_none_cs(struct mctx *c) { c->v.gso_type = 0; c->v.csum_start = (uint16_t)(c->n - 1); c->v.csum_offset = 0; }
static void m_none_cs2(struct mctx *c) { c->v.gso_type = 0; c->v.csum_start = (uint16_t)(c->n + 2); c->v.csum_offset = 0; }
static void m_none_empty(struct mctx *c) { c->v.gso_type = 0; c->n = 0; }

static const struct bad bads[] = {
	{ "hdr_len beyond the packet", 0, 0, m_hdrlen },
	{ "gso_size 0", 1, 0, m_gso0 },
	{ "csum_start not at TCP", 0, 14, m_cstart },
	{ "csum_offset not 16", 1, 0, m_coff },
	{ "IPv4 packet, TCPV6 type", 0, 0, m_to6 },
	{ "IPv6 packet, TCPV4 type", 1, 0, m_to4 },
	{ "UDP GSO", 0, 0, m_udp },
	{ "ECN GSO", 0, 0, m_ecn },
	{ "truncated TCP header", 0, 0, m_trunc_tcp },
	{ "truncated IP header", 1, 14, m_trunc_ip },
	{ "no payload", 0, 0, m_empty },
	{ "IPv4 total length", 0, 0, m_len4 },
	{ "IPv6 payload length", 1, 0, m_len6 },
	{ "frame shorter than IP says", 0, 14, m_short },
	{ "IPv4 fragment (MF)", 0, 0, m_frag },
	{ "IPv4 fragment (offset)", 0, 0, m_fragoff },
	{ "not TCP", 0, 0, m_udpproto },
	{ "IPv6 extension header", 1, 0, m_ext6 },
	{ "TCP data offset 4", 0, 0, m_doff },
	{ "TCP header beyond the packet", 0, 0, m_doffbig },
	{ "IP version 5", 0, 0, m_ver },
	{ "IPv4 IHL 4", 0, 0, m_ihl },
	{ "ethertype IPv6, IPv4 packet", 0, 14, m_ethtype },
	{ "GSO_NONE checksum beyond the end", 0, 0, m_none_cs },
	{ "GSO_NONE csum_start beyond the end", 0, 0, m_none_cs2 },
	{ "GSO_NONE empty frame", 0, 0, m_none_empty },
};

static void test_split_malformed(void **state)
{
	uint8_t *p = malloc(BIG), out[4000];
	struct tun_gso g;
	struct mctx c;
	size_t i;

	(void)state;
	assert_non_null(p);
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct tp t = tp_make(bads[i].v6, bads[i].l2, 3000);

		c.p = p;
		c.ip = (size_t)t.l2;
		c.th = c.ip + t_iphl(&t);
		c.n = build_super(&t, p, 1000, &c.v);
		assert_int_equal(tun_gso_init(&g, &c.v, p, c.n, t.l2), 0);	/* as built it is fine */
		bads[i].mod(&c);
		if (tun_gso_init(&g, &c.v, p, c.n, t.l2) != SSHTUN_ERR_BAD_FORMAT) {
			fail_msg("%s: not refused", bads[i].name);
		}
		assert_int_equal(tun_gso_next_len(&g), 0);
		assert_int_equal(tun_gso_next(&g, out, sizeof(out)), 0);
	}
	assert_int_equal(tun_gso_init(&g, &c.v, p, 100, 4), SSHTUN_ERR_INVAL);
	free(p);
}

static void test_vnet(void **state)
{
	const struct tun_vnet v = { 1, 4, 74, 1428, 54, 16 };
	struct tun_vnet w;
	uint8_t b[TUN_VNET_HDR_LEN];
	uint16_t x;

	(void)state;
	tun_vnet_put(b, &v);
	assert_int_equal(b[0], 1);
	assert_int_equal(b[1], 4);
	memcpy(&x, b + 4, 2);	/* host order */
	assert_int_equal(x, 1428);
	assert_int_equal(tun_vnet_parse(&w, b, sizeof(b)), 0);
	assert_memory_equal(&w, &v, sizeof(v));
	assert_int_equal(tun_vnet_parse(&w, b, sizeof(b) - 1), SSHTUN_ERR_TRUNCATED);
	assert_int_equal(w.gso_size, 0);
	assert_int_equal(w.flags, 0);
}

/* ---- coalescing ---- */

struct batch {
	struct tun_gro g;
	uint8_t *buf;
	const uint8_t *p[NITEMS];
	size_t len[NITEMS];
	size_t n;
};

static struct batch *batch_new(size_t cap, int l2)
{
	struct batch *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	b->buf = malloc(cap);
	assert_non_null(b->buf);
	tun_gro_init(&b->g, b->buf, cap, l2);
	return b;
}

static void batch_free(struct batch *b)
{
	free(b->buf);
	free(b);
}

static void add_tp(struct batch *b, const struct tp *t)
{
	uint8_t *f = malloc(BIG);

	assert_non_null(f);
	assert_int_equal(tun_gro_add(&b->g, f, build(t, f)), 0);
	free(f);
}

/* Collects the items, checking each lies inside the buffer. */
static void drain(struct batch *b)
{
	b->n = 0;
	while (tun_gro_next(&b->g, &b->p[b->n], &b->len[b->n])) {
		assert_true(b->n < NITEMS);
		assert_true(b->p[b->n] >= b->buf && b->p[b->n] + b->len[b->n] <= b->buf + b->g.cap);
		b->n++;
	}
}

/* Item i is packet t as it was, behind a zeroed header. */
static void check_single(const struct batch *b, size_t i, const struct tp *t)
{
	static const uint8_t zero[TUN_VNET_HDR_LEN];
	uint8_t *f = malloc(BIG);
	size_t n;

	assert_non_null(f);
	n = build(t, f);
	assert_true(i < b->n);
	assert_int_equal(b->len[i], TUN_VNET_HDR_LEN + n);
	assert_memory_equal(b->p[i], zero, TUN_VNET_HDR_LEN);
	assert_memory_equal(b->p[i] + TUN_VNET_HDR_LEN, f, n);
	free(f);
}

/* Item i is t's stream of segs segments of mss (the last one last bytes), coalesced. */
static void check_merged(const struct batch *b, size_t i, const struct tp *t, size_t segs, size_t mss, size_t last)
{
	const uint8_t *p = b->p[i] + TUN_VNET_HDR_LEN;
	size_t hdrs = t_hdrs(t), th = (size_t)t->l2 + t_iphl(t), pl = (segs - 1) * mss + last, n = hdrs + pl, k;
	uint8_t *c = malloc(BIG);
	struct tun_vnet v;

	assert_non_null(c);
	assert_true(i < b->n);
	assert_int_equal(b->len[i], TUN_VNET_HDR_LEN + n);
	assert_int_equal(tun_vnet_parse(&v, b->p[i], TUN_VNET_HDR_LEN), 0);
	assert_int_equal(v.flags, TUN_VNET_F_NEEDS_CSUM);
	assert_int_equal(v.gso_type, t->v6 ? TUN_VNET_GSO_TCPV6 : TUN_VNET_GSO_TCPV4);
	assert_int_equal(v.hdr_len, hdrs);
	assert_int_equal(v.gso_size, mss);
	assert_int_equal(v.csum_start, th);
	assert_int_equal(v.csum_offset, 16);
	assert_int_equal(t_get16(p + t->l2 + (t->v6 ? 4 : 2)), t->v6 ? n - th : n - (size_t)t->l2);
	if (!t->v6) {
		assert_int_equal(t_fold(t_sum(p + t->l2, 20, 0)), 0xffff);
		assert_int_equal(t_get16(p + t->l2 + 4), t->id);
	}
	assert_int_equal(t_get32(p + th + 4), t->seq);
	assert_int_equal(t_get16(p + th + 16), t_fold(t_pseudo(p, t->l2, t->v6, 6, n - th)));
	for (k = 0; k < pl; k++) {
		if (p[hdrs + k] != pat(t->pay_off + k)) {
			fail_msg("payload byte %zu differs", k);
		}
	}
	/* What the kernel does with NEEDS_CSUM gives a valid packet. */
	memcpy(c, p, n);
	t_put16(c + th + 16, (uint16_t)~t_fold(t_sum(c + th, n - th, 0)));
	assert_true(t_valid(c, n, t->l2, t->v6));
	free(c);
}

static void gro_stream(int v6, int l2, size_t optlen)
{
	struct batch *b = batch_new(200000, l2);
	struct tp t = tp_make(v6, l2, 1000), s;
	size_t k;

	t.optlen = optlen;
	for (k = 0; k < 8; k++) {
		s = tp_seg(&t, k, 1000);
		if (k == 7) {
			s.flags |= 0x08;
			s.plen = 333;
		}
		add_tp(b, &s);
	}
	drain(b);
	assert_int_equal(b->n, 1);
	check_merged(b, 0, &t, 8, 1000, 333);
	assert_int_equal(b->p[0][TUN_VNET_HDR_LEN + l2 + t_iphl(&t) + 13], 0x18);	/* PSH from the last */
	batch_free(b);
}

static void test_gro_merge(void **state)
{
	(void)state;
	gro_stream(0, 0, 0);
	gro_stream(0, 0, 12);
	gro_stream(1, 0, 0);
	gro_stream(1, 0, 12);
	gro_stream(0, 14, 12);
	gro_stream(1, 14, 12);
}

/* Second packets that must not be appended to the first. */
struct nm {
	const char *name;
	int v6only, v4only, both;	/* both: the change applies to both packets */
	void (*mod)(struct tp *t);
	int corrupt;			/* 1: TCP payload byte, 2: IPv4 checksum, 3: trailing bytes */
};

static void n_none(struct tp *t) { (void)t; }
static void n_gap(struct tp *t) { t->seq++; }
static void n_port(struct tp *t) { t->sport++; }
static void n_syn(struct tp *t) { t->flags |= 0x02; }
static void n_fin(struct tp *t) { t->flags |= 0x01; }
static void n_rst(struct tp *t) { t->flags |= 0x04; }
static void n_urg(struct tp *t) { t->flags |= 0x20; t->urg = 5; }
static void n_ece(struct tp *t) { t->flags |= 0x40; }
static void n_cwr(struct tp *t) { t->flags |= 0x80; }
static void n_noack(struct tp *t) { t->flags = 0x08; }
static void n_opts(struct tp *t) { t->tsval++; }
static void n_optlen(struct tp *t) { t->optlen = 16; }
static void n_ack(struct tp *t) { t->ack++; }
static void n_win(struct tp *t) { t->win++; }
static void n_ttl(struct tp *t) { t->ttl--; }
static void n_tos(struct tp *t) { t->tos = 4; }
static void n_flow(struct tp *t) { t->flow = 7; }
static void n_df(struct tp *t) { t->df = 0; }
static void n_ipopt(struct tp *t) { t->ipopt = 1; }
static void n_mf(struct tp *t) { t->mf = 1; }
static void n_icmp(struct tp *t) { t->proto = 1; }
static void n_udp(struct tp *t) { t->proto = 17; }
static void n_empty(struct tp *t) { t->plen = 0; }
static void n_larger(struct tp *t) { t->plen = 1001; }
static void n_short2(struct tp *t) { t->plen = 998; }
static void n_mac(struct tp *t) { t->mac0 = 0x04; }

static const struct nm nms[] = {
	{ "gap in seq", 0, 0, 0, n_gap, 0 },
	{ "other port", 0, 0, 0, n_port, 0 },
	{ "SYN", 0, 0, 0, n_syn, 0 },
	{ "FIN", 0, 0, 0, n_fin, 0 },
	{ "RST", 0, 0, 0, n_rst, 0 },
	{ "URG", 0, 0, 0, n_urg, 0 },
	{ "ECE", 0, 0, 0, n_ece, 0 },
	{ "CWR", 0, 0, 0, n_cwr, 0 },
	{ "no ACK", 0, 0, 0, n_noack, 0 },
	{ "other timestamp", 0, 0, 0, n_opts, 0 },
	{ "other options length", 0, 0, 0, n_optlen, 0 },
	{ "other ack", 0, 0, 0, n_ack, 0 },
	{ "other window", 0, 0, 0, n_win, 0 },
	{ "other TTL", 0, 0, 0, n_ttl, 0 },
	{ "other TOS", 0, 0, 0, n_tos, 0 },
	{ "other flow label", 1, 0, 0, n_flow, 0 },
	{ "other DF", 0, 1, 0, n_df, 0 },
	{ "bad TCP checksum", 0, 0, 0, n_none, 1 },
	{ "bad IPv4 checksum", 0, 1, 0, n_none, 2 },
	{ "bytes after the IP packet", 0, 0, 0, n_short2, 3 },
	{ "IPv4 options", 0, 1, 1, n_ipopt, 0 },
	{ "IPv4 fragments", 0, 1, 1, n_mf, 0 },
	{ "ICMP", 0, 0, 1, n_icmp, 0 },
	{ "UDP", 0, 0, 1, n_udp, 0 },
	{ "no payload", 0, 0, 0, n_empty, 0 },
	{ "larger than the first", 0, 0, 0, n_larger, 0 },
	{ "other MAC", 0, 0, 0, n_mac, 0 },
};

/* Adds t1, then t2 (corrupted as asked); returns the item count. */
static size_t pair(struct batch *b, const struct tp *t1, const struct tp *t2, int corrupt)
{
	uint8_t *f = malloc(BIG);
	size_t n;

	assert_non_null(f);
	tun_gro_reset(&b->g);
	add_tp(b, t1);
	n = build(t2, f);
	if (corrupt == 1) {
		f[n - 1] ^= 0x40;
	} else if (corrupt == 2) {
		f[t2->l2 + 10] ^= 0x01;
	} else if (corrupt == 3) {
		f[n++] = 0xff;	/* after the IP packet, and such that the TCP checksum still holds over them */
		f[n++] = 0xfd;
	}
	assert_int_equal(tun_gro_add(&b->g, f, n), 0);
	free(f);
	drain(b);
	return b->n;
}

static void gro_nomerge(int v6, int l2)
{
	struct batch *b = batch_new(300000, l2);
	struct tp t1 = tp_make(v6, l2, 1000), t2;
	size_t i;

	t1.optlen = 12;
	t2 = tp_seg(&t1, 1, 1000);
	assert_int_equal(pair(b, &t1, &t2, 0), 1);	/* as they are, they merge */
	for (i = 0; i < sizeof(nms) / sizeof(nms[0]); i++) {
		struct tp a = t1, c = tp_seg(&t1, 1, 1000);

		if ((nms[i].v6only && !v6) || (nms[i].v4only && v6) || (nms[i].mod == n_mac && !l2)) {
			continue;
		}
		nms[i].mod(&c);
		if (nms[i].both) {
			nms[i].mod(&a);
		}
		if (pair(b, &a, &c, nms[i].corrupt) != 2) {
			fail_msg("%s (v6 %d, l2 %d): merged", nms[i].name, v6, l2);
		}
		check_single(b, 0, &a);
		if (nms[i].corrupt == 0) {
			check_single(b, 1, &c);
		}
	}
	batch_free(b);
}

static void test_gro_nomerge(void **state)
{
	(void)state;
	gro_nomerge(0, 0);
	gro_nomerge(1, 0);
	gro_nomerge(0, 14);
	gro_nomerge(1, 14);
}

static void test_gro_ipid(void **state)
{
	struct batch *b = batch_new(300000, 0);
	struct tp t = tp_make(0, 0, 1000), s;

	(void)state;
	t.df = 0;	/* without DF the IDs must run on */
	s = tp_seg(&t, 1, 1000);
	assert_int_equal(pair(b, &t, &s, 0), 1);
	s.id += 5;
	assert_int_equal(pair(b, &t, &s, 0), 2);
	t.df = 1;	/* with DF they are ignored (RFC 6864) */
	s.df = 1;
	assert_int_equal(pair(b, &t, &s, 0), 1);
	batch_free(b);
}

/* Sizes: a short segment ends an item, so does PSH; a larger one never follows. */
static void test_gro_sizes(void **state)
{
	struct batch *b = batch_new(300000, 0);
	struct tp t = tp_make(0, 0, 1000), s1 = tp_seg(&t, 1, 1000), s2 = tp_seg(&t, 2, 1000);
	struct tp p0 = t, p1 = s1, p2 = s2;

	(void)state;
	s1.plen = 500;
	s2.seq = s1.seq + 500;
	s2.pay_off = s1.pay_off + 500;
	add_tp(b, &t);
	add_tp(b, &s1);
	add_tp(b, &s2);
	drain(b);
	assert_int_equal(b->n, 2);
	check_merged(b, 0, &t, 2, 1000, 500);
	check_single(b, 1, &s2);

	tun_gro_reset(&b->g);
	p1.flags |= 0x08;
	add_tp(b, &p0);
	add_tp(b, &p1);
	add_tp(b, &p2);
	drain(b);
	assert_int_equal(b->n, 2);
	check_merged(b, 0, &p0, 2, 1000, 1000);
	check_single(b, 1, &p2);
	batch_free(b);
}

/* A B A: the two A merge; order A then B. */
static void test_gro_interleaved(void **state)
{
	struct batch *b = batch_new(300000, 0);
	struct tp a = tp_make(0, 0, 1200), bb = tp_make(0, 0, 1200), a2 = tp_seg(&a, 1, 1200), b2;
	struct tp u = tp_make(1, 0, 100);

	(void)state;
	bb.sport = 40001;
	bb.seq = 777;
	b2 = tp_seg(&bb, 1, 1200);
	u.proto = 17;
	add_tp(b, &a);
	add_tp(b, &bb);
	add_tp(b, &u);
	add_tp(b, &a2);
	add_tp(b, &b2);
	drain(b);
	assert_int_equal(b->n, 3);
	check_merged(b, 0, &a, 2, 1200, 1200);
	check_merged(b, 1, &bb, 2, 1200, 1200);
	check_single(b, 2, &u);
	batch_free(b);
}

/* Anything else of the same connection ends its item, so nothing is reordered within a connection. */
static void test_gro_order(void **state)
{
	struct batch *b = batch_new(300000, 0);
	struct tp a1 = tp_make(1, 0, 1000), ack = a1, a2 = tp_seg(&a1, 1, 1000), a3 = tp_seg(&a1, 2, 1000);
	uint8_t *f = malloc(BIG);
	size_t n;

	(void)state;
	assert_non_null(f);
	ack.plen = 0;
	add_tp(b, &a1);
	add_tp(b, &ack);
	add_tp(b, &a2);
	add_tp(b, &a3);
	drain(b);
	assert_int_equal(b->n, 3);
	check_single(b, 0, &a1);
	check_single(b, 1, &ack);
	check_merged(b, 2, &a2, 2, 1000, 1000);

	tun_gro_reset(&b->g);
	add_tp(b, &a1);
	n = build(&a2, f);
	f[n - 5] ^= 1;	/* bad checksum */
	assert_int_equal(tun_gro_add(&b->g, f, n), 0);
	add_tp(b, &a3);
	drain(b);
	assert_int_equal(b->n, 3);
	check_single(b, 0, &a1);
	assert_memory_equal(b->p[1] + TUN_VNET_HDR_LEN, f, n);
	check_single(b, 2, &a3);

	/* A yielded item takes no more segments. */
	tun_gro_reset(&b->g);
	add_tp(b, &a1);
	assert_int_equal(tun_gro_next(&b->g, &b->p[0], &b->len[0]), 1);
	add_tp(b, &a2);
	assert_int_equal(tun_gro_next(&b->g, &b->p[1], &b->len[1]), 1);
	assert_int_equal(tun_gro_next(&b->g, &b->p[2], &b->len[2]), 0);
	b->n = 2;
	check_single(b, 0, &a1);
	check_single(b, 1, &a2);
	free(f);
	batch_free(b);
}

/* Many connections at once, round robin: each one's segments merge, in first-arrival order. */
static void test_gro_many_flows(void **state)
{
	struct batch *b = batch_new(4000000, 0);
	struct tp t[60], s;
	size_t i, k;

	(void)state;
	for (i = 0; i < 60; i++) {
		t[i] = tp_make((int)(i & 1), 0, 500);
		t[i].sport = (uint16_t)(1000 + i / 2);
		t[i].seq = (uint32_t)(i * 100000);
	}
	for (k = 0; k < 3; k++) {
		for (i = 0; i < 60; i++) {
			s = tp_seg(&t[i], k, 500);
			add_tp(b, &s);
		}
	}
	/* A packet of connection 0 with IPv4 options cannot merge, and closes that connection's item. */
	s = tp_seg(&t[0], 3, 500);
	s.ipopt = 1;
	add_tp(b, &s);
	add_tp(b, (struct tp[]){ tp_seg(&t[0], 4, 500) });
	drain(b);
	assert_int_equal(b->n, 62);
	for (i = 0; i < 60; i++) {
		check_merged(b, i, &t[i], 3, 500, 500);
	}
	check_single(b, 60, &s);
	check_single(b, 61, (struct tp[]){ tp_seg(&t[0], 4, 500) });
	batch_free(b);
}

static void test_gro_limits(void **state)
{
	struct tp icmp = tp_make(0, 0, 40), a = tp_make(0, 0, 1000), c = tp_make(0, 0, 1000);
	uint8_t f[200];
	size_t n, i;
	struct batch *b;

	(void)state;
	icmp.proto = 1;
	n = build(&icmp, f);
	/* The buffer: three items fit, the fourth does not. */
	b = batch_new(3 * (TUN_VNET_HDR_LEN + n) + 5, 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(tun_gro_add(&b->g, f, n), 0);
	}
	assert_int_equal(tun_gro_add(&b->g, f, n), SSHTUN_ERR_LIMIT);
	drain(b);
	assert_int_equal(b->n, 3);
	tun_gro_reset(&b->g);
	assert_int_equal(tun_gro_add(&b->g, f, n), 0);
	assert_int_equal(tun_gro_add(&b->g, f, 3 * (TUN_VNET_HDR_LEN + n)), SSHTUN_ERR_TOO_LONG);
	assert_int_equal(tun_gro_add(&b->g, f, 0), SSHTUN_ERR_INVAL);
	batch_free(b);

	/* The item count. */
	b = batch_new(TUN_GRO_MAX_ITEMS * (TUN_VNET_HDR_LEN + n) * 2, 0);
	for (i = 0; i < TUN_GRO_MAX_ITEMS; i++) {
		assert_int_equal(tun_gro_add(&b->g, f, n), 0);
	}
	assert_int_equal(tun_gro_add(&b->g, f, n), SSHTUN_ERR_LIMIT);
	drain(b);
	assert_int_equal(b->n, TUN_GRO_MAX_ITEMS);
	batch_free(b);

	/* What an open item reserved is taken back when the buffer runs short; it then stops growing. */
	b = batch_new(66000, 0);
	c.sport = 1;
	add_tp(b, &a);
	add_tp(b, &c);
	add_tp(b, (struct tp[]){ tp_seg(&a, 1, 1000) });
	drain(b);
	assert_int_equal(b->n, 3);
	check_single(b, 0, &a);
	check_single(b, 1, &c);
	batch_free(b);
}

/* No item grows past 64 KiB of IP packet. */
static void test_gro_64k(void **state)
{
	int v6;

	(void)state;
	for (v6 = 0; v6 <= 1; v6++) {
		struct batch *b = batch_new(300000, 14);
		struct tp t = tp_make(v6, 14, 1448), s;
		size_t k, fit = (65535 - (t_hdrs(&t) - 14)) / 1448;

		for (k = 0; k < fit + 3; k++) {
			s = tp_seg(&t, k, 1448);
			add_tp(b, &s);
		}
		drain(b);
		assert_int_equal(b->n, 2);
		check_merged(b, 0, &t, fit, 1448, 1448);
		assert_true(b->len[0] - TUN_VNET_HDR_LEN - 14 <= 65535);
		s = tp_seg(&t, fit, 1448);
		check_merged(b, 1, &s, 3, 1448, 1448);
		batch_free(b);
	}
}

/* Split a super-packet, coalesce its segments: the original comes back. */
static void roundtrip(const struct tp *t, size_t mss)
{
	uint8_t *sp = malloc(BIG), *seg = malloc(BIG);
	struct batch *b = batch_new(200000, t->l2);
	struct tun_vnet v, w;
	struct tun_gso g;
	size_t n, got;

	assert_non_null(sp);
	assert_non_null(seg);
	n = build_super(t, sp, mss, &v);
	assert_int_equal(tun_gso_init(&g, &v, sp, n, t->l2), 0);
	while ((got = tun_gso_next(&g, seg, BIG)) > 0) {
		assert_int_equal(tun_gro_add(&b->g, seg, got), 0);
	}
	drain(b);
	assert_int_equal(b->n, 1);
	assert_int_equal(b->len[0], TUN_VNET_HDR_LEN + n);
	assert_int_equal(tun_vnet_parse(&w, b->p[0], TUN_VNET_HDR_LEN), 0);
	assert_memory_equal(&w, &v, sizeof(v));
	assert_memory_equal(b->p[0] + TUN_VNET_HDR_LEN, sp, n);	/* checksum fields included */
	batch_free(b);
	free(sp);
	free(seg);
}

static void test_roundtrip(void **state)
{
	struct tp t = tp_make(0, 0, 65535 - 52);

	(void)state;
	t.optlen = 12;
	t.flags = 0x18;
	roundtrip(&t, 1448);
	t = tp_make(1, 0, 65535 - 60);	/* the kernel's limit counts the IPv6 header too */
	roundtrip(&t, 1428);
	t = tp_make(1, 14, 60000);
	t.optlen = 12;
	roundtrip(&t, 1000);
	t = tp_make(0, 14, 50001);
	t.df = 0;
	t.id = 0xfff0;
	roundtrip(&t, 1460);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_v4),
		cmocka_unit_test(test_split_v6),
		cmocka_unit_test(test_split_tap),
		cmocka_unit_test(test_split_shapes),
		cmocka_unit_test(test_split_no_needs_csum),
		cmocka_unit_test(test_none_csum),
		cmocka_unit_test(test_none_plain),
		cmocka_unit_test(test_split_malformed),
		cmocka_unit_test(test_vnet),
		cmocka_unit_test(test_gro_merge),
		cmocka_unit_test(test_gro_nomerge),
		cmocka_unit_test(test_gro_ipid),
		cmocka_unit_test(test_gro_sizes),
		cmocka_unit_test(test_gro_interleaved),
		cmocka_unit_test(test_gro_order),
		cmocka_unit_test(test_gro_many_flows),
		cmocka_unit_test(test_gro_limits),
		cmocka_unit_test(test_gro_64k),
		cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
