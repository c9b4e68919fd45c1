/* sshtun: hmac-sha2-256/512 (RFC 6668), hmac-sha1 (RFC 4253 6.4), and their -etm@openssh.com forms (HMAC, RFC 2104). */
#include "util/features.h"

#if SSHTUN_CTR
/*
 * HMAC per packet without keying per packet: the states after the key's inner
 * and outer blocks are computed once (init) and copied for every packet. That
 * needs a hash state one can copy. libcrypto's EVP_MD_CTX_copy_ex allocates a
 * new provider context on every copy in OpenSSL 3.0 (and EVP_MAC's HMAC makes
 * the same copy on every re-init), so this file uses the plain SHA*_CTX structs
 * of libcrypto's low-level interface, deprecated since 3.0 but present and
 * running the same assembly block functions as EVP: a struct assignment per
 * packet, no allocation.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <assert.h>
#include <string.h>

#include <openssl/sha.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"
#include "crypto/mac.h"
#include "util/wire.h"

union hmac_state {
	SHA_CTX s1;
	SHA256_CTX s256;
	SHA512_CTX s512;
};

/* One hash as HMAC uses it: block size, output length, and the three steps over a union hmac_state. */
struct hmac_hash {
	size_t block, out;
	int (*init)(union hmac_state *h);
	int (*update)(union hmac_state *h, const void *p, size_t n);
	int (*final)(uint8_t *md, union hmac_state *h);
};

struct hmac_ctx {
	const struct hmac_hash *hash;
	union hmac_state inner;		/* after (K xor ipad) */
	union hmac_state outer;		/* after (K xor opad) */
};

static_assert(sizeof(struct hmac_ctx) <= CRY_MAC_CTX_MAX, "hmac ctx too big");

static int s256_init(union hmac_state *h)
{
	return SHA256_Init(&h->s256);
}

static int s256_update(union hmac_state *h, const void *p, size_t n)
{
	return SHA256_Update(&h->s256, p, n);
}

static int s256_final(uint8_t *md, union hmac_state *h)
{
	return SHA256_Final(md, &h->s256);
}

static int s512_init(union hmac_state *h)
{
	return SHA512_Init(&h->s512);
}

static int s512_update(union hmac_state *h, const void *p, size_t n)
{
	return SHA512_Update(&h->s512, p, n);
}

static int s512_final(uint8_t *md, union hmac_state *h)
{
	return SHA512_Final(md, &h->s512);
}

static const struct hmac_hash hash_sha256 = { 64, 32, s256_init, s256_update, s256_final };
static const struct hmac_hash hash_sha512 = { 128, 64, s512_init, s512_update, s512_final };

#if SSHTUN_HMAC_SHA1
static int s1_init(union hmac_state *h)
{
	return SHA1_Init(&h->s1);
}

static int s1_update(union hmac_state *h, const void *p, size_t n)
{
	return SHA1_Update(&h->s1, p, n);
}

static int s1_final(uint8_t *md, union hmac_state *h)
{
	return SHA1_Final(md, &h->s1);
}

static const struct hmac_hash hash_sha1 = { 64, 20, s1_init, s1_update, s1_final };
#endif

static void hmac_cleanup(void *vctx)
{
	if (vctx != NULL) {
		cry_wipe(vctx, sizeof(struct hmac_ctx));
	}
}

/*
 * The key is exactly the hash's output length (RFC 4253 7.2 derives that much), never longer than a block, so
 * it is used as is, zero-padded to the block (RFC 2104 2).
 */
static int hmac_init(void *vctx, const struct hmac_hash *hash, const uint8_t *key)
{
	struct hmac_ctx *c = vctx;
	uint8_t pad[128];
	int ok;

	if (c == NULL || key == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	c->hash = hash;
	memset(pad, 0x36, hash->block);
	for (size_t i = 0; i < hash->out; i++) {
		pad[i] ^= key[i];
	}
	ok = hash->init(&c->inner) == 1 && hash->update(&c->inner, pad, hash->block) == 1;
	for (size_t i = 0; i < hash->block; i++) {
		pad[i] ^= 0x36 ^ 0x5c;
	}
	ok = ok && hash->init(&c->outer) == 1 && hash->update(&c->outer, pad, hash->block) == 1;
	cry_wipe(pad, sizeof(pad));
	if (!ok) {
		hmac_cleanup(c);
		return SSHTUN_ERR_CRYPTO;
	}
	return 0;
}

static int hmac256_init(void *vctx, const uint8_t *key)
{
	return hmac_init(vctx, &hash_sha256, key);
}

static int hmac512_init(void *vctx, const uint8_t *key)
{
	return hmac_init(vctx, &hash_sha512, key);
}

/* HMAC(K, uint32 seq || data) (RFC 4253 6.4). */
static int hmac_compute(void *vctx, uint32_t seq, const uint8_t *data, size_t len, uint8_t *tag)
{
	const struct hmac_ctx *c = vctx;
	const struct hmac_hash *hash;
	union hmac_state h;
	uint8_t s[4], inner[64];
	int ok;

	if (c == NULL || c->hash == NULL || tag == NULL || (data == NULL && len > 0)) {
		return SSHTUN_ERR_INVAL;
	}
	hash = c->hash;
	wire_poke_u32(s, seq);
	h = c->inner;
	ok = hash->update(&h, s, sizeof(s)) == 1 && hash->update(&h, data, len) == 1 && hash->final(inner, &h) == 1;
	h = c->outer;
	ok = ok && hash->update(&h, inner, hash->out) == 1 && hash->final(tag, &h) == 1;
	/* The working copy was the keyed state: wipe it as a key. */
	cry_wipe(&h, sizeof(h));
	cry_wipe(inner, sizeof(inner));
	return ok ? 0 : SSHTUN_ERR_CRYPTO;
}

#define HMAC_ROW(var, nm, len, isetm, initfn) \
	const struct cry_mac var = { \
		.name = nm, \
		.key_len = len, \
		.tag_len = len, \
		.etm = isetm, \
		.init = initfn, \
		.cleanup = hmac_cleanup, \
		.compute = hmac_compute, \
	}

HMAC_ROW(cry_hmac_sha256_etm, "hmac-sha2-256-etm@openssh.com", 32, 1, hmac256_init);
HMAC_ROW(cry_hmac_sha512_etm, "hmac-sha2-512-etm@openssh.com", 64, 1, hmac512_init);
HMAC_ROW(cry_hmac_sha256, "hmac-sha2-256", 32, 0, hmac256_init);
HMAC_ROW(cry_hmac_sha512, "hmac-sha2-512", 64, 0, hmac512_init);

#if SSHTUN_HMAC_SHA1
static int hmac1_init(void *vctx, const uint8_t *key)
{
	return hmac_init(vctx, &hash_sha1, key);
}

HMAC_ROW(cry_hmac_sha1_etm, "hmac-sha1-etm@openssh.com", 20, 1, hmac1_init);
HMAC_ROW(cry_hmac_sha1, "hmac-sha1", 20, 0, hmac1_init);
#endif

#endif
