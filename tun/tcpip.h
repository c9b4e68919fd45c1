/* sshtun: IPv4/IPv6 TCP header parsing and the Internet checksum, shared by the tun offload modules (internal). */
#ifndef TUN_TCPIP_H
#define TUN_TCPIP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/wire.h"

enum {
	O_ETH_LEN = 14,
	O_ETH_IP4 = 0x0800,
	O_ETH_IP6 = 0x86dd,
	O_IP4_MIN = 20,
	O_IP6_LEN = 40,
	O_TCP_MIN = 20,
	O_TCP_CSUM = 16,	/* offset of the checksum in the TCP header */
	O_TCP_FLAGS = 13,	/* offset of the flags byte */
	O_PROTO_TCP = 6,
	O_IP_MAX = 65535,	/* largest IP packet (IPv4 total length, and our cap for IPv6) */
	O_DF = 0x40,
	O_MF = 0x20,
	O_FIN = 0x01,
	O_PSH = 0x08,
	O_ACK = 0x10,
	O_CWR = 0x80
};

/* ---- Internet checksum (RFC 1071) ---- */

/* Adds w to a 64-bit ones'-complement lane; the carries out of it are counted in *c (2^64 = 1 mod 0xffff). */
static inline uint64_t cs_add(uint64_t a, uint64_t w, uint64_t *c)
{
	a += w;
	*c += a < w;
	return a;
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

/*
 * Ones'-complement sum (RFC 1071) of n bytes read as host-order 64-bit words in
 * four independent lanes; cs_fold puts the byte order right at the end. Ranges
 * summed apart and then added must each start at an even offset of the
 * checksummed data; only the last one may have an odd length (it is padded
 * with a zero byte). Unless dst is NULL the bytes are copied there on the way:
 * one pass over a payload. The result stays below 2^36 for any size we see.
 */
static inline uint64_t cs_copy(uint64_t s, uint8_t *dst, const uint8_t *src, size_t n)
{
	uint64_t a = 0, b = 0, d = 0, e = 0, c = 0, w0, w1, w2, w3;
	uint8_t t[8] = { 0 };
	size_t i = 0;

	for (; i + 32 <= n; i += 32) {
		w0 = load64(src + i);
		w1 = load64(src + i + 8);
		w2 = load64(src + i + 16);
		w3 = load64(src + i + 24);
		if (dst != NULL) {
			memcpy(dst + i, src + i, 32);
		}
		a = cs_add(a, w0, &c);
		b = cs_add(b, w1, &c);
		d = cs_add(d, w2, &c);
		e = cs_add(e, w3, &c);
	}
	for (; i + 8 <= n; i += 8) {
		if (dst != NULL) {
			memcpy(dst + i, src + i, 8);
		}
		a = cs_add(a, load64(src + i), &c);
	}
	if (i < n) {
		memcpy(t, src + i, n - i);
		if (dst != NULL) {
			memcpy(dst + i, t, n - i);
		}
		b = cs_add(b, load64(t), &c);
	}
	return s + c + (a & 0xffffffff) + (a >> 32) + (b & 0xffffffff) + (b >> 32) +
	       (d & 0xffffffff) + (d >> 32) + (e & 0xffffffff) + (e >> 32);
}

/* Folds a sum to 16 bits, as the value a big-endian field holds (0xffff: a valid packet). */
static inline uint16_t cs_fold(uint64_t s)
{
	uint16_t h;
	uint8_t b[2];

	while (s >> 16) {
		s = (s & 0xffff) + (s >> 16);
	}
	h = (uint16_t)s;
	memcpy(b, &h, 2);	/* host-order lanes: the bytes are in wire order */
	return (uint16_t)((b[0] << 8) | b[1]);
}

/* The TCP pseudo-header: both addresses (8 or 32 bytes), protocol and TCP length. */
static inline uint64_t cs_pseudo(const uint8_t *addrs, size_t alen, size_t l4len)
{
	const uint8_t t[4] = { 0, O_PROTO_TCP, (uint8_t)(l4len >> 8), (uint8_t)l4len };

	return cs_copy(cs_copy(0, NULL, addrs, alen), NULL, t, sizeof(t));
}

static inline unsigned be16(const uint8_t *b)
{
	return (unsigned)((b[0] << 8) | b[1]);
}

/* Stores a big-endian 16-bit field in a buffer we write. */
static inline void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * A packet's headers. Each header is taken as a view with the reader, then
 * copied with one wire_get_bytes into a local array whose fields are read at
 * fixed offsets: a handful of calls per packet.
 */
struct pkt {
	int v6;
	int mf;			/* IPv4 more-fragments */
	size_t iphl, thl;
	size_t hdrs;		/* l2 + IP + TCP header bytes */
	size_t iplen;		/* IP packet length the header claims */
	size_t plen;		/* payload bytes */
	size_t alen;		/* address bytes: 8 or 32 */
	uint8_t ipfl;		/* IPv4 flags bits (reserved, DF, MF) */
	uint8_t ttl;		/* TTL or hop limit */
	uint16_t id;
	uint8_t doff;		/* TCP byte 12: data offset and reserved bits */
	uint8_t flags;
	uint16_t win;
	uint32_t seq, ack;
	uint8_t ipa[4];		/* IPv4 version/IHL and TOS; IPv6 version, traffic class, flow label */
	uint8_t addrs[32];	/* source and destination */
	uint8_t ports[4];
	uint8_t opts[40];
	struct wire_view eth;	/* l2 header */
	struct wire_view iph;	/* IP header */
	struct wire_view tcph;	/* TCP header */
	struct wire_view seg;	/* TCP header and payload */
	struct wire_view payload;
};

/* Parses an l2 header (tap: 14 bytes), an IPv4 or IPv6 header and a TCP header. 1 if it is such a packet, else 0. */
int pkt_parse(struct pkt *k, const uint8_t *p, size_t n, int l2);

/* tun_ack_parse (tun/ackthin.h) for a packet pkt_parse took: the coalescer has it at hand. */
struct tun_ack;
void tun_ack_from_pkt(struct tun_ack *a, const struct pkt *k, size_t len, int l2, int check_csum);

#endif
