/* sshtun: aes128-ctr, aes192-ctr, aes256-ctr packet ciphers (RFC 4344 4) over libcrypto; used with a MAC. */
#include "util/features.h"

#if SSHTUN_CTR
#include <assert.h>
#include <limits.h>
#include <stdalign.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "sshtun_err.h"
#include "crypto/cipher.h"
#include "crypto/crypto.h"

/*
 * The IV from key derivation is the initial 128-bit counter block; the counter
 * is incremented as a big-endian number over the whole block for every block of
 * keystream and runs on from packet to packet for the life of the key (RFC 4344
 * 4), which is exactly libcrypto's CTR mode over one long stream. So the EVP
 * context is keyed once in init and each packet is one or two EVP_EncryptUpdate
 * calls in place: no allocation or re-initialisation per packet. CTR is its own
 * inverse, so both directions encrypt.
 */
struct ctr_ctx {
	EVP_CIPHER_CTX *evp;
};

static_assert(sizeof(struct ctr_ctx) <= CRY_CIPHER_CTX_MAX, "aes-ctr ctx too big");

static void ctr_cleanup(void *vctx)
{
	struct ctr_ctx *c = vctx;

	if (c == NULL) {
		return;
	}
	EVP_CIPHER_CTX_free(c->evp);	/* cleanses the key schedule */
	c->evp = NULL;
	cry_wipe(c, sizeof(*c));
}

static int ctr_init(void *vctx, const EVP_CIPHER *cipher, const uint8_t *key, const uint8_t *iv)
{
	struct ctr_ctx *c = vctx;

	if (c == NULL || key == NULL || iv == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	/* The caller's area must be aligned for the pointer it holds. */
	if ((uintptr_t)vctx % alignof(struct ctr_ctx) != 0) {
		return SSHTUN_ERR_INVAL;
	}
	c->evp = EVP_CIPHER_CTX_new();
	if (c->evp == NULL) {
		return SSHTUN_ERR_NOMEM;
	}
	if (EVP_EncryptInit_ex(c->evp, cipher, NULL, key, iv) != 1) {
		ctr_cleanup(c);
		return SSHTUN_ERR_CRYPTO;
	}
	return 0;
}

static int ctr128_init(void *vctx, const uint8_t *key, const uint8_t *iv, int enc)
{
	return ctr_init(vctx, EVP_aes_128_ctr(), key, iv);
}

static int ctr192_init(void *vctx, const uint8_t *key, const uint8_t *iv, int enc)
{
	return ctr_init(vctx, EVP_aes_192_ctr(), key, iv);
}

static int ctr256_init(void *vctx, const uint8_t *key, const uint8_t *iv, int enc)
{
	return ctr_init(vctx, EVP_aes_256_ctr(), key, iv);
}

static int ctr_crypt(void *vctx, uint8_t *buf, size_t n)
{
	struct ctr_ctx *c = vctx;
	int outl = 0;

	if (c == NULL || c->evp == NULL || (buf == NULL && n > 0)) {
		return SSHTUN_ERR_INVAL;
	}
	/* libcrypto counts in int; a packet is far smaller, but a caller's buffer need not be. */
	while (n > 0) {
		int part = n > (size_t)(INT_MAX & ~15) ? (INT_MAX & ~15) : (int)n;

		if (EVP_EncryptUpdate(c->evp, buf, &outl, buf, part) != 1 || outl != part) {
			return SSHTUN_ERR_CRYPTO;
		}
		buf += part;
		n -= (size_t)part;
	}
	return 0;
}

#define CTR_ROW(var, nm, klen, initfn) \
	const struct cry_cipher var = { \
		.name = nm, \
		.key_len = klen, \
		.iv_len = 16, \
		.block_size = 16, \
		.tag_len = 0, \
		.init = initfn, \
		.cleanup = ctr_cleanup, \
		.crypt = ctr_crypt, \
	}

CTR_ROW(cry_aes128ctr, "aes128-ctr", 16, ctr128_init);
CTR_ROW(cry_aes192ctr, "aes192-ctr", 24, ctr192_init);
CTR_ROW(cry_aes256ctr, "aes256-ctr", 32, ctr256_init);

#endif
