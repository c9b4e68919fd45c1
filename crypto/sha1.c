/* sshtun: SHA-1 (FIPS 180-4 6.1); see sha1.h. */
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/sha1.h"

static uint32_t rol(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One 64-byte block (FIPS 180-4 6.1.2): the schedule in a 16-word ring, the round function chosen by t alone. */
static void sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

	for (unsigned t = 0; t < 16; t++) {
		w[t] = be32(p + 4 * t);
	}
	for (unsigned t = 0; t < 80; t++) {
		uint32_t f, k, tmp;

		if (t >= 16) {
			w[t & 15] = rol(w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15], 1);
		}
		if (t < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (t < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (t < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		tmp = rol(a, 5) + f + e + k + w[t & 15];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = tmp;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	cry_wipe(w, sizeof(w));
}

void cry_sha1_init(struct cry_sha1 *s)
{
	static const uint32_t iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };

	memset(s, 0, sizeof(*s));
	memcpy(s->h, iv, sizeof(iv));
}

void cry_sha1_update(struct cry_sha1 *s, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t have = (size_t)(s->len % CRY_SHA1_BLOCK);

	s->len += n;
	if (have) {
		size_t take = CRY_SHA1_BLOCK - have < n ? CRY_SHA1_BLOCK - have : n;

		memcpy(s->buf + have, p, take);
		p += take;
		n -= take;
		if (have + take < CRY_SHA1_BLOCK) {
			return;
		}
		sha1_block(s->h, s->buf);
	}
	for (; n >= CRY_SHA1_BLOCK; n -= CRY_SHA1_BLOCK, p += CRY_SHA1_BLOCK) {
		sha1_block(s->h, p);
	}
	if (n) {
		memcpy(s->buf, p, n);
	}
}

void cry_sha1_final(struct cry_sha1 *s, uint8_t out[CRY_SHA1_LEN])
{
	uint64_t bits = s->len * 8;
	size_t have = (size_t)(s->len % CRY_SHA1_BLOCK);

	/* 0x80, zeros to 56 mod 64, then the length in bits as a big-endian uint64 (FIPS 180-4 5.1.1). */
	s->buf[have++] = 0x80;
	if (have > CRY_SHA1_BLOCK - 8) {
		memset(s->buf + have, 0, CRY_SHA1_BLOCK - have);
		sha1_block(s->h, s->buf);
		have = 0;
	}
	memset(s->buf + have, 0, CRY_SHA1_BLOCK - 8 - have);
	for (unsigned i = 0; i < 8; i++) {
		s->buf[CRY_SHA1_BLOCK - 1 - i] = (uint8_t)(bits >> (8 * i));
	}
	sha1_block(s->h, s->buf);
	for (unsigned i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
	cry_wipe(s, sizeof(*s));
}
