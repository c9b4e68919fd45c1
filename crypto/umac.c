/* sshtun: UMAC (RFC 4418) for umac-64 and umac-128 (@openssh.com, and -etm@openssh.com), AES through libcrypto. */
#include "util/features.h"

#if SSHTUN_CTR && SSHTUN_UMAC
#include <assert.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"
#include "crypto/mac.h"
#include "util/wire.h"

/*
 * UMAC(K, M, Nonce) = UHASH(K, M) xor PDF(K, Nonce), with UHASH run once per 4 tag bytes ("iterations"), each
 * under its own slice of the subkeys (RFC 4418 5):
 * - L1 (NH): M in 1024-byte chunks; each chunk, its 4-byte words read little-endian (the RFC's ENDIAN-SWAP)
 *   and zero-padded to 32 bytes, is hashed to 64 bits plus its length in bits;
 * - L2 (POLY over the prime 2^64 - 59): the chunk hashes of a message longer than one chunk, to 64 bits;
 * - L3 (inner product modulo 2^36 - 5): those 128 bits (zero-extended) to 32.
 * The subkeys come from AES-128 under K in counter form (KDF, 4.1) and are made once per key here, with the AES
 * key of the pads; a packet then costs the three layers and at most one AES block (PDF, 4.2). OpenSSH's
 * umac-64/128@openssh.com use a 16-byte K and the packet's sequence number as a 64-bit big-endian nonce.
 * Messages over 2^24 bytes would need L2's 128-bit polynomial (RFC 4418 5.3.2); SSH packets never get there
 * (TP_MAX_PACKET_IN), so they are refused rather than carried.
 */
enum {
	L1_KEY = 1024,			/* bytes of NH key per iteration, and the chunk size */
	ITERS_MAX = 4,			/* 16-byte tags */
	L1_WORDS = L1_KEY / 4 + 4 * (ITERS_MAX - 1),	/* each iteration's key starts 16 bytes after the last's */
	AES_BLOCK = 16
};

#define P36 ((UINT64_C(1) << 36) - 5)
#define P64 (UINT64_C(0) - 59)			/* 2^64 - 59 */
#define L2_MASK UINT64_C(0x01ffffff01ffffff)
#define L2_MAXWORD (UINT64_C(0) - (UINT64_C(1) << 32))	/* 2^64 - 2^32: larger words are split (RFC 4418 5.3.1) */
#define MAX_MSG (UINT64_C(1) << 24)

struct umac_ctx {
	EVP_CIPHER_CTX *aes;		/* AES-128 under K' = KDF(K, 0, 16): the pads */
	unsigned iters;			/* tag bytes / 4 */
	uint32_t l1[L1_WORDS];		/* L1Key, as big-endian words */
	uint64_t l2[ITERS_MAX];		/* each iteration's k64 (L2Key), masked */
	uint64_t l3[ITERS_MAX][8];	/* L3Key1, each 8-byte part reduced mod 2^36 - 5 */
	uint32_t l3x[ITERS_MAX];	/* L3Key2 */
	uint8_t pad_in[AES_BLOCK];	/* the last block given to AES for a pad, and what came out: */
	uint8_t pad_out[AES_BLOCK];	/* UMAC-64's nonces 2k and 2k+1 share one */
	int pad_ok;
};

static_assert(sizeof(struct umac_ctx) <= CRY_MAC_CTX_MAX, "umac ctx too big");

__extension__ typedef unsigned __int128 u128;

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)wire_peek_u32(p) << 32 | wire_peek_u32(p + 4);
}

/* One AES-128 block (ECB, no padding) under the key ctx holds. */
static int aes_block(EVP_CIPHER_CTX *ctx, const uint8_t in[AES_BLOCK], uint8_t out[AES_BLOCK])
{
	int outl = 0;

	return EVP_EncryptUpdate(ctx, out, &outl, in, AES_BLOCK) == 1 && outl == AES_BLOCK ? 0 : SSHTUN_ERR_CRYPTO;
}

static EVP_CIPHER_CTX *aes_new(const uint8_t key[CRY_UMAC_KEY])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	if (ctx != NULL && (EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1)) {
		EVP_CIPHER_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* KDF(K, index, n) (RFC 4418 4.1): AES_K(uint64 index || uint64 i) for i = 1, 2, ..., cut to n bytes. */
static int kdf(EVP_CIPHER_CTX *k, uint64_t index, uint8_t *out, size_t n)
{
	uint8_t in[AES_BLOCK], t[AES_BLOCK];
	int r = 0;

	for (uint64_t i = 1; n > 0 && r == 0; i++) {
		size_t part = n < AES_BLOCK ? n : AES_BLOCK;

		wire_poke_u32(in, (uint32_t)(index >> 32));
		wire_poke_u32(in + 4, (uint32_t)index);
		wire_poke_u32(in + 8, (uint32_t)(i >> 32));
		wire_poke_u32(in + 12, (uint32_t)i);
		r = aes_block(k, in, t);
		memcpy(out, t, part);
		out += part;
		n -= part;
	}
	cry_wipe(t, sizeof(t));
	return r;
}

static void umac_cleanup(void *vctx)
{
	struct umac_ctx *c = vctx;

	if (c == NULL) {
		return;
	}
	EVP_CIPHER_CTX_free(c->aes);	/* cleanses the key schedule */
	c->aes = NULL;
	cry_wipe(c, sizeof(*c));
}

/* The subkeys of UHASH (RFC 4418 5.4) for iters iterations, and the pad key K' (4.2). */
static int umac_init(void *vctx, const uint8_t *key, unsigned iters)
{
	struct umac_ctx *c = vctx;
	uint8_t buf[L1_WORDS * 4], kp[CRY_UMAC_KEY];
	EVP_CIPHER_CTX *k;
	int r;

	if (c == NULL || key == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	if ((uintptr_t)vctx % alignof(struct umac_ctx) != 0) {
		return SSHTUN_ERR_INVAL;
	}
	if ((k = aes_new(key)) == NULL) {
		return SSHTUN_ERR_CRYPTO;
	}
	c->iters = iters;
	r = kdf(k, 1, buf, L1_KEY + 16 * (iters - 1));
	for (size_t i = 0; r == 0 && i < L1_KEY / 4 + 4 * (iters - 1); i++) {
		c->l1[i] = wire_peek_u32(buf + 4 * i);
	}
	if (r == 0 && (r = kdf(k, 2, buf, 24 * iters)) == 0) {
		for (unsigned i = 0; i < iters; i++) {
			c->l2[i] = be64(buf + 24 * i) & L2_MASK;
		}
	}
	if (r == 0 && (r = kdf(k, 3, buf, 64 * iters)) == 0) {
		for (unsigned i = 0; i < iters; i++) {
			for (unsigned j = 0; j < 8; j++) {
				c->l3[i][j] = be64(buf + 64 * i + 8 * j) % P36;
			}
		}
	}
	if (r == 0 && (r = kdf(k, 4, buf, 4 * iters)) == 0) {
		for (unsigned i = 0; i < iters; i++) {
			c->l3x[i] = wire_peek_u32(buf + 4 * i);
		}
	}
	if (r == 0 && (r = kdf(k, 0, kp, sizeof(kp))) == 0 && (c->aes = aes_new(kp)) == NULL) {
		r = SSHTUN_ERR_CRYPTO;
	}
	EVP_CIPHER_CTX_free(k);
	cry_wipe(buf, sizeof(buf));
	cry_wipe(kp, sizeof(kp));
	if (r != 0) {
		umac_cleanup(c);
	}
	return r;
}

static int umac64_init(void *vctx, const uint8_t *key)
{
	return umac_init(vctx, key, 2);
}

static int umac128_init(void *vctx, const uint8_t *key)
{
	return umac_init(vctx, key, 4);
}

/*
 * NH (RFC 4418 5.2.2) of n bytes of m (a multiple of 32), for every iteration at once: iteration i's key is
 * k shifted by 4 i words. Adds into y[i]; all arithmetic wraps (+_32 on the words, +_64 on the sums).
 */
static void nh(const uint32_t *k, const uint8_t *m, size_t n, unsigned iters, uint64_t *y)
{
	for (size_t off = 0; off < n; off += 32, m += 32, k += 8) {
		uint32_t w[8];

		for (unsigned j = 0; j < 8; j++) {
			w[j] = le32(m + 4 * j);
		}
		for (unsigned i = 0; i < iters; i++) {
			const uint32_t *kk = k + 4 * i;

			y[i] += (uint64_t)(uint32_t)(w[0] + kk[0]) * (uint32_t)(w[4] + kk[4]) +
				(uint64_t)(uint32_t)(w[1] + kk[1]) * (uint32_t)(w[5] + kk[5]) +
				(uint64_t)(uint32_t)(w[2] + kk[2]) * (uint32_t)(w[6] + kk[6]) +
				(uint64_t)(uint32_t)(w[3] + kk[3]) * (uint32_t)(w[7] + kk[7]);
		}
	}
}

/*
 * L1-HASH of one chunk (RFC 4418 5.2.1): NH over it zero-padded to a positive multiple of 32 bytes (so the empty
 * message is hashed as one block of zeros), plus its length in bits.
 */
static void l1_chunk(const struct umac_ctx *c, const uint8_t *m, size_t n, uint64_t *y)
{
	size_t whole = n & ~(size_t)31;

	for (unsigned i = 0; i < c->iters; i++) {
		y[i] = 0;
	}
	nh(c->l1, m, whole, c->iters, y);
	if (n > whole || n == 0) {
		uint8_t last[32] = { 0 };

		memcpy(last, m + whole, n - whole);
		nh(c->l1 + whole / 4, last, 32, c->iters, y);
	}
	for (unsigned i = 0; i < c->iters; i++) {
		y[i] += (uint64_t)n * 8;
	}
}

/* (k y + a) mod 2^64 - 59, for k < 2^57 (masked), y < 2^64 - 59. */
static uint64_t poly_mulmod(uint64_t k, uint64_t y, uint64_t a)
{
	u128 t = (u128)k * y + a;
	/* 2^64 = 59 mod p: fold the high half in, twice (the first fold can carry once). */
	t = (t >> 64) * 59 + (uint64_t)t;
	t = (t >> 64) * 59 + (uint64_t)t;
	uint64_t r = (uint64_t)t;

	return r >= P64 ? r - P64 : r;
}

/* One word of POLY(64, 2^64 - 2^32, k, M) (RFC 4418 5.3.1). */
static uint64_t poly_step(uint64_t k, uint64_t y, uint64_t m)
{
	if (m >= L2_MAXWORD) {
		y = poly_mulmod(k, y, P64 - 1);		/* the marker */
		return poly_mulmod(k, y, m - 59);	/* m - offset, offset = 2^64 - p */
	}
	return poly_mulmod(k, y, m);
}

/* L3-HASH (RFC 4418 5.5) of the 16 bytes hi || lo (big-endian) under iteration i's keys. */
static uint32_t l3(const struct umac_ctx *c, unsigned i, uint64_t hi, uint64_t lo)
{
	uint64_t y = 0;

	for (unsigned j = 0; j < 4; j++) {
		y += ((hi >> (48 - 16 * j)) & 0xffff) * c->l3[i][j];
		y += ((lo >> (48 - 16 * j)) & 0xffff) * c->l3[i][4 + j];
	}
	return (uint32_t)(y % P36) ^ c->l3x[i];
}

/* The pad (RFC 4418 4.2) for an 8-byte nonce: AES_K'(nonce with its index bits cleared || zeros), sliced. */
static int pdf(struct umac_ctx *c, const uint8_t nonce[8], uint8_t *pad)
{
	unsigned taglen = 4 * c->iters;
	unsigned index = taglen <= 8 ? nonce[7] % (AES_BLOCK / taglen) : 0;
	uint8_t in[AES_BLOCK] = { 0 };
	int r = 0;

	memcpy(in, nonce, 8);
	in[7] ^= (uint8_t)index;
	if (!c->pad_ok || memcmp(in, c->pad_in, sizeof(in)) != 0) {
		c->pad_ok = 0;
		if ((r = aes_block(c->aes, in, c->pad_out)) != 0) {
			return r;
		}
		memcpy(c->pad_in, in, sizeof(in));
		c->pad_ok = 1;
	}
	memcpy(pad, c->pad_out + index * taglen, taglen);
	return 0;
}

/* UMAC (RFC 4418 3.1) of m[0..n) under nonce: 4 * iters bytes into tag. */
static int umac_tag(struct umac_ctx *c, const uint8_t nonce[8], const uint8_t *m, size_t n, uint8_t *tag)
{
	uint64_t a[ITERS_MAX], y[ITERS_MAX];
	uint8_t pad[AES_BLOCK];
	unsigned iters = c->iters;
	int r;

	if ((uint64_t)n > MAX_MSG) {
		return SSHTUN_ERR_TOO_LONG;
	}
	if ((r = pdf(c, nonce, pad)) != 0) {
		return r;
	}
	if (n <= L1_KEY) {
		/* One chunk: L2 is skipped, L3 takes zeros(8) || the chunk's hash. */
		l1_chunk(c, m, n, a);
	} else {
		for (unsigned i = 0; i < iters; i++) {
			y[i] = 1;
		}
		for (size_t off = 0; off < n; off += L1_KEY) {
			l1_chunk(c, m + off, n - off < L1_KEY ? n - off : L1_KEY, a);
			for (unsigned i = 0; i < iters; i++) {
				y[i] = poly_step(c->l2[i], y[i], a[i]);
			}
		}
		memcpy(a, y, sizeof(a));
	}
	for (unsigned i = 0; i < iters; i++) {
		wire_poke_u32(tag + 4 * i, l3(c, i, 0, a[i]) ^ wire_peek_u32(pad + 4 * i));
	}
	cry_wipe(pad, sizeof(pad));
	return 0;
}

/* OpenSSH's nonce: the sequence number as a 64-bit big-endian number; the MAC covers the packet alone. */
static int umac_compute(void *vctx, uint32_t seq, const uint8_t *data, size_t len, uint8_t *tag)
{
	struct umac_ctx *c = vctx;
	uint8_t nonce[8];

	if (c == NULL || c->aes == NULL || tag == NULL || (data == NULL && len > 0)) {
		return SSHTUN_ERR_INVAL;
	}
	wire_poke_u32(nonce, 0);
	wire_poke_u32(nonce + 4, seq);
	return umac_tag(c, nonce, data, len, tag);
}

int cry_umac(const uint8_t key[CRY_UMAC_KEY], const uint8_t nonce[8], const void *msg, size_t len, uint8_t *tag,
	size_t taglen)
{
	alignas(16) uint8_t ctx[CRY_MAC_CTX_MAX] = { 0 };
	int r;

	if (key == NULL || nonce == NULL || tag == NULL || (msg == NULL && len > 0) || taglen == 0 || taglen % 4 != 0 ||
	    taglen > 4 * ITERS_MAX) {
		return SSHTUN_ERR_INVAL;
	}
	if ((r = umac_init(ctx, key, (unsigned)(taglen / 4))) == 0) {
		r = umac_tag((struct umac_ctx *)ctx, nonce, msg, len, tag);
		umac_cleanup(ctx);
	}
	return r;
}

#define UMAC_ROW(var, nm, tlen, isetm, initfn) \
	const struct cry_mac var = { \
		.name = nm, \
		.key_len = CRY_UMAC_KEY, \
		.tag_len = tlen, \
		.etm = isetm, \
		.init = initfn, \
		.cleanup = umac_cleanup, \
		.compute = umac_compute, \
	}

UMAC_ROW(cry_umac64_etm, "umac-64-etm@openssh.com", 8, 1, umac64_init);
UMAC_ROW(cry_umac128_etm, "umac-128-etm@openssh.com", 16, 1, umac128_init);
UMAC_ROW(cry_umac64, "umac-64@openssh.com", 8, 0, umac64_init);
UMAC_ROW(cry_umac128, "umac-128@openssh.com", 16, 0, umac128_init);

#endif
