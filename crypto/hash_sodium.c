/*
 * sshtun: the hashes and HMAC of crypto/crypto.h in a build without libcrypto (configure --without-openssl):
 * SHA-256 and SHA-512 are libsodium's; SHA-384 is libsodium's SHA-512 started from SHA-384's initial values
 * (FIPS 180-4 5.3.4) and cut to 48 bytes; SHA-1 is crypto/sha1.c. HMAC (RFC 2104) is written here once over
 * the four, since libsodium has HMAC-SHA-256/512 only.
 */
#include "util/features.h"

#if !SSHTUN_OPENSSL
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"
#include "crypto/sha1.h"

union hs_state {
	struct cry_sha1 s1;
	crypto_hash_sha256_state s256;
	crypto_hash_sha512_state s512;
};

enum { HS_BLOCK_MAX = 128 };

/* HMAC's block size (B of RFC 2104). */
static size_t hs_block(int alg)
{
	return alg == CRY_SHA384 || alg == CRY_SHA512 ? 128 : 64;
}

static void hs_init(union hs_state *h, int alg)
{
	/* FIPS 180-4 5.3.4 */
	static const uint64_t sha384_iv[8] = {
		0xcbbb9d5dc1059ed8ULL, 0x629a292a367cd507ULL, 0x9159015a3070dd17ULL, 0x152fecd8f70e5939ULL,
		0x67332667ffc00b31ULL, 0x8eb44a8768581511ULL, 0xdb0c2e0d64f98fa7ULL, 0x47b5481dbefa4fa4ULL
	};

	switch (alg) {
	case CRY_SHA1:
		cry_sha1_init(&h->s1);
		break;
	case CRY_SHA256:
		crypto_hash_sha256_init(&h->s256);
		break;
	case CRY_SHA384:
		crypto_hash_sha512_init(&h->s512);
		memcpy(h->s512.state, sha384_iv, sizeof(sha384_iv));
		break;
	default:
		crypto_hash_sha512_init(&h->s512);
		break;
	}
}

static void hs_update(union hs_state *h, int alg, const void *p, size_t n)
{
	if (n == 0) {
		return;
	}
	switch (alg) {
	case CRY_SHA1:
		cry_sha1_update(&h->s1, p, n);
		break;
	case CRY_SHA256:
		crypto_hash_sha256_update(&h->s256, p, n);
		break;
	default:
		crypto_hash_sha512_update(&h->s512, p, n);
		break;
	}
}

/* Writes cry_hash_len(alg) bytes and wipes the state. */
static void hs_final(union hs_state *h, int alg, uint8_t *out)
{
	uint8_t full[64];

	switch (alg) {
	case CRY_SHA1:
		cry_sha1_final(&h->s1, out);
		break;
	case CRY_SHA256:
		crypto_hash_sha256_final(&h->s256, out);
		break;
	default:
		crypto_hash_sha512_final(&h->s512, full);
		memcpy(out, full, cry_hash_len(alg));
		sodium_memzero(full, sizeof(full));
		break;
	}
	sodium_memzero(h, sizeof(*h));
}

int cry_hash(int alg, const void *data, size_t len, uint8_t *out)
{
	union hs_state h;

	if (cry_hash_len(alg) == 0 || out == NULL || (data == NULL && len != 0)) {
		return SSHTUN_ERR_INVAL;
	}
	hs_init(&h, alg);
	hs_update(&h, alg, data, len);
	hs_final(&h, alg, out);
	return 0;
}

int cry_hash_init(struct cry_hash_ctx *c, int alg)
{
	union hs_state *h;

	if (c == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	c->md = NULL;
	c->alg = 0;
	if (cry_hash_len(alg) == 0) {
		return SSHTUN_ERR_INVAL;
	}
	h = malloc(sizeof(*h));
	if (h == NULL) {
		return SSHTUN_ERR_NOMEM;
	}
	hs_init(h, alg);
	c->md = h;
	c->alg = alg;
	return 0;
}

int cry_hash_update(struct cry_hash_ctx *c, const void *data, size_t len)
{
	if (c == NULL || c->md == NULL || (data == NULL && len != 0)) {
		return SSHTUN_ERR_INVAL;
	}
	hs_update(c->md, c->alg, data, len);
	return 0;
}

int cry_hash_final(struct cry_hash_ctx *c, uint8_t *out)
{
	if (c == NULL || c->md == NULL || out == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	hs_final(c->md, c->alg, out);	/* wiped: as with EVP, only cry_hash_free may follow */
	return 0;
}

void cry_hash_free(struct cry_hash_ctx *c)
{
	if (c == NULL) {
		return;
	}
	if (c->md != NULL) {
		sodium_memzero(c->md, sizeof(union hs_state));
		free(c->md);
	}
	c->md = NULL;
	c->alg = 0;
}

/* RFC 2104: H((K' ^ opad) || H((K' ^ ipad) || data)), K' the key (hashed first if longer than a block) padded. */
int cry_hmac(int alg, const void *key, size_t keylen, const void *data, size_t len, uint8_t *out)
{
	uint8_t pad[HS_BLOCK_MAX], inner[64];
	size_t block = hs_block(alg), hlen = cry_hash_len(alg);
	union hs_state h;

	if (hlen == 0 || out == NULL || (key == NULL && keylen != 0) || (data == NULL && len != 0)) {
		return SSHTUN_ERR_INVAL;
	}
	memset(pad, 0, sizeof(pad));
	if (keylen > block) {
		hs_init(&h, alg);
		hs_update(&h, alg, key, keylen);
		hs_final(&h, alg, pad);
	} else if (keylen > 0) {
		memcpy(pad, key, keylen);
	}
	for (size_t i = 0; i < block; i++) {
		pad[i] ^= 0x36;
	}
	hs_init(&h, alg);
	hs_update(&h, alg, pad, block);
	hs_update(&h, alg, data, len);
	hs_final(&h, alg, inner);
	for (size_t i = 0; i < block; i++) {
		pad[i] ^= 0x36 ^ 0x5c;
	}
	hs_init(&h, alg);
	hs_update(&h, alg, pad, block);
	hs_update(&h, alg, inner, hlen);
	hs_final(&h, alg, out);
	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
	return 0;
}

#endif
