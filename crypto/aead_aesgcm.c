/* sshtun: aes128-gcm@openssh.com and aes256-gcm@openssh.com packet ciphers (RFC 5647 as OpenSSH does it) over libcrypto. */
#include <assert.h>
#include <limits.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "sshtun_err.h"
#include "crypto/cipher.h"
#include "crypto/crypto.h"
#include "util/wire.h"

/*
 * The 4-byte packet_length is sent in clear and is the AAD; the rest of the
 * packet is encrypted. The 12-byte nonce from key derivation is a 4-byte fixed
 * field and an 8-byte big-endian invocation counter, incremented after every
 * packet (RFC 5647 7.1); the SSH sequence number is not used.
 *
 * The EVP context is made once in init and reused for every packet (only the
 * IV is set per packet), so the data path never allocates.
 *
 * libcrypto's GCM decrypts while it hashes and checks the tag only at Final.
 * So open() differs from the interface contract in one way: when the tag does
 * not verify, the payload bytes pkt[4..len) have been decrypted and are then
 * wiped (zeroed), not restored; pkt[0..4) is untouched. The caller must drop
 * the packet (and the connection) on SSHTUN_ERR_MAC anyway.
 */
enum { GCM_IVLEN = 12, GCM_FIXED = 4, GCM_TAG = 16, GCM_AAD = 4 };

struct gcm_ctx {
	EVP_CIPHER_CTX *evp;
	uint8_t iv[GCM_IVLEN];
};

static_assert(sizeof(struct gcm_ctx) <= CRY_CIPHER_CTX_MAX, "aes-gcm ctx too big");

/* Increments the 64-bit invocation counter (iv[4..12), big-endian); the fixed field never changes. */
static void gcm_iv_next(uint8_t iv[GCM_IVLEN])
{
	size_t i = GCM_IVLEN;

	while (i > GCM_FIXED) {
		i--;
		iv[i]++;
		if (iv[i] != 0) {
			break;
		}
	}
}

static void gcm_cleanup(void *vctx)
{
	struct gcm_ctx *c = vctx;

	if (c == NULL) {
		return;
	}
	/* EVP_CIPHER_CTX_free cleanses the key schedule. */
	EVP_CIPHER_CTX_free(c->evp);
	c->evp = NULL;
	cry_wipe(c, sizeof(*c));
}

static int gcm_init(void *vctx, const EVP_CIPHER *cipher, const uint8_t *key, const uint8_t *iv, int enc)
{
	struct gcm_ctx *c = vctx;
	int r = SSHTUN_ERR_CRYPTO;

	if (c == NULL || key == NULL || iv == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	/* The caller's area must be aligned for the pointer it holds. */
	if ((uintptr_t)vctx % alignof(struct gcm_ctx) != 0) {
		return SSHTUN_ERR_INVAL;
	}
	c->evp = EVP_CIPHER_CTX_new();
	if (c->evp == NULL) {
		r = SSHTUN_ERR_NOMEM;
		goto out;
	}
	enc = enc ? 1 : 0;
	if (EVP_CipherInit_ex(c->evp, cipher, NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c->evp, EVP_CTRL_GCM_SET_IVLEN, GCM_IVLEN, NULL) != 1 ||
	    EVP_CipherInit_ex(c->evp, NULL, NULL, key, NULL, enc) != 1) {
		goto out;
	}
	memcpy(c->iv, iv, GCM_IVLEN);
	r = 0;
out:
	if (r != 0) {
		gcm_cleanup(c);
	}
	return r;
}

static int gcm128_init(void *vctx, const uint8_t *key, const uint8_t *iv, int enc)
{
	return gcm_init(vctx, EVP_aes_128_gcm(), key, iv, enc);
}

static int gcm256_init(void *vctx, const uint8_t *key, const uint8_t *iv, int enc)
{
	return gcm_init(vctx, EVP_aes_256_gcm(), key, iv, enc);
}

static int gcm_length(void *vctx, uint32_t seq, const uint8_t in[4], uint32_t *packet_length)
{
	if (in == NULL || packet_length == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	*packet_length = wire_peek_u32(in);
	return 0;
}

/* Checks arguments shared by seal and open; the payload length must fit libcrypto's int. */
static int gcm_args(const struct gcm_ctx *c, const uint8_t *pkt, size_t len, const uint8_t *tag)
{
	if (c == NULL || c->evp == NULL || pkt == NULL || tag == NULL || len < GCM_AAD) {
		return SSHTUN_ERR_INVAL;
	}
	if (len - GCM_AAD > INT_MAX) {
		return SSHTUN_ERR_TOO_LONG;
	}
	return 0;
}

static int gcm_seal(void *vctx, uint32_t seq, uint8_t *pkt, size_t len, uint8_t *tag)
{
	struct gcm_ctx *c = vctx;
	int plen = 0;
	int outl = 0;
	uint8_t fin[GCM_TAG];
	int r;

	if ((r = gcm_args(c, pkt, len, tag)) != 0) {
		return r;
	}
	plen = (int)(len - GCM_AAD);
	r = SSHTUN_ERR_CRYPTO;
	if (EVP_CipherInit_ex(c->evp, NULL, NULL, NULL, c->iv, 1) != 1 ||
	    EVP_CipherUpdate(c->evp, NULL, &outl, pkt, GCM_AAD) != 1) {
		goto out;
	}
	if (plen > 0 && (EVP_CipherUpdate(c->evp, pkt + GCM_AAD, &outl, pkt + GCM_AAD, plen) != 1 || outl != plen)) {
		goto out;
	}
	if (EVP_CipherFinal_ex(c->evp, fin, &outl) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c->evp, EVP_CTRL_GCM_GET_TAG, GCM_TAG, tag) != 1) {
		goto out;
	}
	r = 0;
out:
	/* Advance even on failure: an IV that may have produced ciphertext is never used again. */
	gcm_iv_next(c->iv);
	return r;
}

static int gcm_open(void *vctx, uint32_t seq, uint8_t *pkt, size_t len, const uint8_t *tag)
{
	struct gcm_ctx *c = vctx;
	int plen = 0;
	int outl = 0;
	uint8_t want[GCM_TAG];
	uint8_t fin[GCM_TAG];
	int r;

	if ((r = gcm_args(c, pkt, len, tag)) != 0) {
		return r;
	}
	plen = (int)(len - GCM_AAD);
	memcpy(want, tag, GCM_TAG);
	r = SSHTUN_ERR_CRYPTO;
	if (EVP_CipherInit_ex(c->evp, NULL, NULL, NULL, c->iv, 0) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c->evp, EVP_CTRL_GCM_SET_TAG, GCM_TAG, want) != 1 ||
	    EVP_CipherUpdate(c->evp, NULL, &outl, pkt, GCM_AAD) != 1) {
		goto out;
	}
	if (plen > 0 && (EVP_CipherUpdate(c->evp, pkt + GCM_AAD, &outl, pkt + GCM_AAD, plen) != 1 || outl != plen)) {
		goto out;
	}
	/* Final compares the tag in constant time. */
	if (EVP_CipherFinal_ex(c->evp, fin, &outl) != 1) {
		r = SSHTUN_ERR_MAC;
		goto out;
	}
	/* Only a packet that verified moves the counter: the next one must use the next IV. */
	gcm_iv_next(c->iv);
	r = 0;
out:
	if (r != 0) {
		cry_wipe(pkt + GCM_AAD, len - GCM_AAD);
	}
	return r;
}

const struct cry_cipher cry_aes128gcm = {
	.name = "aes128-gcm@openssh.com",
	.key_len = 16,
	.iv_len = GCM_IVLEN,
	.block_size = 16,
	.tag_len = GCM_TAG,
	.init = gcm128_init,
	.cleanup = gcm_cleanup,
	.length = gcm_length,
	.seal = gcm_seal,
	.open = gcm_open,
};

const struct cry_cipher cry_aes256gcm = {
	.name = "aes256-gcm@openssh.com",
	.key_len = 32,
	.iv_len = GCM_IVLEN,
	.block_size = 16,
	.tag_len = GCM_TAG,
	.init = gcm256_init,
	.cleanup = gcm_cleanup,
	.length = gcm_length,
	.seal = gcm_seal,
	.open = gcm_open,
};
