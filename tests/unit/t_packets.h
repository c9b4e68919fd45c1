/* sshtun: test helpers: IPv4/IPv6 TCP packets (tun or tap framing) built with valid checksums, computed apart from the code under test. */
#ifndef TESTS_UNIT_T_PACKETS_H
#define TESTS_UNIT_T_PACKETS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- packets built here, with a checksum written apart from the one under test ---- */

static inline uint32_t t_sum(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		s += (uint32_t)((p[i] << 8) | p[i + 1]);
	}
	if (n & 1) {
		s += (uint32_t)p[n - 1] << 8;
	}
	return s;
}

static inline uint16_t t_fold(uint32_t s)
{
	while (s >> 16) {
		s = (s & 0xffff) + (s >> 16);
	}
	return (uint16_t)s;
}

static inline unsigned t_get16(const uint8_t *p)
{
	return (unsigned)((p[0] << 8) | p[1]);
}

static inline uint32_t t_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void t_put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void t_put32(uint8_t *p, uint32_t v)
{
	t_put16(p, v >> 16);
	t_put16(p + 2, v & 0xffff);
}

static inline uint8_t pat(size_t i)
{
	return (uint8_t)(i * 131 + (i >> 8) * 7 + 3);
}

/* What a test packet looks like. */
struct tp {
	int v6, l2, ipopt, df, mf;
	uint8_t proto, flags, ttl, tos, mac0;
	size_t plen, optlen, pay_off;
	uint32_t seq, ack, tsval, flow;
	uint16_t win, id, sport, dport, urg;
};

static inline struct tp tp_make(int v6, int l2, size_t plen)
{
	struct tp t;

	memset(&t, 0, sizeof(t));
	t.v6 = v6;
	t.l2 = l2;
	t.df = 1;
	t.proto = 6;
	t.flags = 0x10;
	t.ttl = 64;
	t.plen = plen;
	t.seq = 0x10203040;
	t.ack = 0x55667788;
	t.tsval = 0xabcdef01;
	t.win = 502;
	t.id = 0x1234;
	t.sport = 40000;
	t.dport = 22;
	t.mac0 = 0x02;
	return t;
}

/* The k-th segment of size mss of t's stream. */
static inline struct tp tp_seg(const struct tp *t, size_t k, size_t mss)
{
	struct tp s = *t;

	s.seq = t->seq + (uint32_t)(k * mss);
	s.id = (uint16_t)(t->id + k);
	s.pay_off = t->pay_off + k * mss;
	s.plen = mss;
	return s;
}

static inline size_t t_iphl(const struct tp *t)
{
	return t->v6 ? 40 : 20 + 4 * (size_t)t->ipopt;
}

static inline size_t t_hdrs(const struct tp *t)
{
	return (size_t)t->l2 + t_iphl(t) + 20 + t->optlen;
}

static inline uint32_t t_pseudo(const uint8_t *p, int l2, int v6, uint8_t proto, size_t l4len)
{
	const uint8_t *ip = p + l2;

	return (v6 ? t_sum(ip + 8, 32, 0) : t_sum(ip + 12, 8, 0)) + proto + (uint32_t)l4len;
}

static inline void build_ip(const struct tp *t, uint8_t *out, size_t n)
{
	uint8_t *ip = out + t->l2;
	size_t i, iphl = t_iphl(t);

	if (t->l2) {
		const uint8_t mac[12] = { t->mac0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa };

		memcpy(out, mac, 12);
		t_put16(out + 12, t->v6 ? 0x86dd : 0x0800);
	}
	if (t->v6) {
		const uint8_t a[32] = { 0xfd, 0, [15] = 1, [16] = 0xfd, [31] = 2 };

		ip[0] = (uint8_t)(0x60 | (t->tos >> 4));
		ip[1] = (uint8_t)((t->tos << 4) | ((t->flow >> 16) & 15));
		t_put16(ip + 2, t->flow & 0xffff);
		t_put16(ip + 4, (unsigned)(n - (size_t)t->l2 - 40));
		ip[6] = t->proto;
		ip[7] = t->ttl;
		memcpy(ip + 8, a, 32);
		return;
	}
	ip[0] = (uint8_t)(0x40 | (iphl / 4));
	ip[1] = t->tos;
	t_put16(ip + 2, (unsigned)(n - (size_t)t->l2));
	t_put16(ip + 4, t->id);
	ip[6] = (uint8_t)((t->df ? 0x40 : 0) | (t->mf ? 0x20 : 0));
	ip[8] = t->ttl;
	ip[9] = t->proto;
	t_put32(ip + 12, 0x0a000001);
	t_put32(ip + 16, 0x0a000002);
	for (i = 20; i < iphl; i++) {
		ip[i] = 1;	/* NOP options */
	}
	t_put16(ip + 10, (uint16_t)~t_fold(t_sum(ip, iphl, 0)));
}

/* A complete packet with valid checksums; returns its length. */
static inline size_t build(const struct tp *t, uint8_t *out)
{
	size_t hdrs = t_hdrs(t), n = hdrs + t->plen, i, th = (size_t)t->l2 + t_iphl(t);
	uint8_t *tcp = out + th;

	memset(out, 0, hdrs);
	build_ip(t, out, n);
	t_put16(tcp, t->sport);
	t_put16(tcp + 2, t->dport);
	t_put32(tcp + 4, t->seq);
	t_put32(tcp + 8, t->ack);
	tcp[12] = (uint8_t)(((20 + t->optlen) / 4) << 4);
	tcp[13] = t->flags;
	t_put16(tcp + 14, t->win);
	t_put16(tcp + 18, t->urg);
	for (i = 0; i < t->optlen; i++) {
		tcp[20 + i] = 1;
	}
	if (t->optlen >= 12) {
		tcp[22] = 8;
		tcp[23] = 10;
		t_put32(tcp + 24, t->tsval);
		t_put32(tcp + 28, 0x01020304);
	}
	for (i = 0; i < t->plen; i++) {
		out[hdrs + i] = pat(t->pay_off + i);
	}
	t_put16(tcp + 16, (uint16_t)~t_fold(t_pseudo(out, t->l2, t->v6, t->proto, n - th) + t_sum(tcp, n - th, 0)));
	return n;
}

/* Valid IPv4 header checksum (if IPv4) and valid TCP checksum. */
static inline int t_valid(const uint8_t *p, size_t n, int l2, int v6)
{
	const uint8_t *ip = p + l2;
	size_t iphl = v6 ? 40 : (size_t)(ip[0] & 15) * 4, th = (size_t)l2 + iphl;

	if (!v6 && t_fold(t_sum(ip, iphl, 0)) != 0xffff) {
		return 0;
	}
	return t_fold(t_pseudo(p, l2, v6, 6, n - th) + t_sum(p + th, n - th, 0)) == 0xffff;
}

#endif
