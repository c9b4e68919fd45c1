/* sshtun: aes128-gcm@openssh.com and aes256-gcm@openssh.com packet ciphers (RFC 5647 as OpenSSH does it) over libcrypto. */
#include "util/features.h"

/* libcrypto's AES: left out of a build without it (util/features.h). */
#if SSHTUN_AESGCM
#include <assert.h>
#include <limits.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

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
 * The EVP context is made once in init and reused for every packet, so the
 * data path never allocates. The per-packet IV is not set with
 * EVP_CipherInit_ex: with OpenSSL 3 that call asks the provider for the IV
 * length through an OSSL_PARAM round trip, and the tag takes another. Instead
 * the whole IV is loaded once as the "fixed" IV (length -1, the TLS 1.2 GCM
 * interface), and then each packet costs one parameter call:
 * - seal: after Final, one get_params fetches the tag and "tlsivgen", which
 *   loads the current IV into GCM and increments the last 8 bytes of
 *   libcrypto's copy, big-endian, wrapping within them: the RFC 5647 counter.
 *   So the context is always primed with the next packet's IV. The 8 bytes it
 *   returns are checked against our own counter.
 * - open: one set_params gives the expected tag and "tlsivinv", our 8-byte
 *   invocation counter, which libcrypto writes into its IV and loads into GCM.
 *   Only a packet that verifies moves our counter, so a failed open changes
 *   nothing.
 *
 * libcrypto's GCM decrypts while it hashes and checks the tag only at Final.
 * So open() differs from the interface contract in one way: when the tag does
 * not verify, the payload bytes pkt[4..len) have been decrypted and are then
 * wiped (zeroed), not restored; pkt[0..4) is untouched. The caller must drop
 * the packet (and the connection) on SSHTUN_ERR_MAC anyway.
 */
enum { GCM_IVLEN = 12, GCM_FIXED = 4, GCM_INV = GCM_IVLEN - GCM_FIXED, GCM_TAG = 16, GCM_AAD = 4 };

struct gcm_ctx {
	EVP_CIPHER_CTX *evp;
	uint8_t iv[GCM_IVLEN];	/* the next packet's IV */
	int primed;		/* seal: libcrypto's GCM is loaded with iv */
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

/*
 * Seal side: loads c->iv into libcrypto (as the whole "fixed" IV) and primes
 * GCM with it; libcrypto's copy then holds c->iv + 1, as after a seal.
 */
/*
 * The parameter names libcrypto looks up with strcmp on every packet: aligned, so that where the linker happens
 * to put them (near the end of a page) never sends strcmp down its slow path.
 */
static const char gcm_p_tag[32] __attribute__((aligned(32))) = OSSL_CIPHER_PARAM_AEAD_TAG;
static const char gcm_p_iv_gen[32] __attribute__((aligned(32))) = OSSL_CIPHER_PARAM_AEAD_TLS1_GET_IV_GEN;
static const char gcm_p_iv_inv[32] __attribute__((aligned(32))) = OSSL_CIPHER_PARAM_AEAD_TLS1_SET_IV_INV;

static int gcm_prime(struct gcm_ctx *c)
{
	uint8_t inv[GCM_INV];
	OSSL_PARAM p[2];

	c->primed = 0;
	if (EVP_CIPHER_CTX_ctrl(c->evp, EVP_CTRL_GCM_SET_IV_FIXED, -1, c->iv) != 1) {
		return SSHTUN_ERR_CRYPTO;
	}
	p[0] = OSSL_PARAM_construct_octet_string((char *)gcm_p_iv_gen, inv, sizeof(inv));
	p[1] = OSSL_PARAM_construct_end();
	if (EVP_CIPHER_CTX_get_params(c->evp, p) != 1 || memcmp(inv, c->iv + GCM_FIXED, GCM_INV) != 0) {
		return SSHTUN_ERR_CRYPTO;
	}
	c->primed = 1;
	return 0;
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
	if (enc) {
		r = gcm_prime(c);
	} else if (EVP_CIPHER_CTX_ctrl(c->evp, EVP_CTRL_GCM_SET_IV_FIXED, -1, c->iv) == 1) {
		/* Open sets the invocation field itself; this only lets it ("tlsivinv" needs a fixed IV). */
		r = 0;
	}
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
	uint8_t inv[GCM_INV] = { 0 };
	OSSL_PARAM p[3];
	int r;

	if ((r = gcm_args(c, pkt, len, tag)) != 0) {
		return r;
	}
	plen = (int)(len - GCM_AAD);
	if (!c->primed && (r = gcm_prime(c)) != 0) {
		goto out;
	}
	/* From here on the primed IV is spent, whatever happens. */
	c->primed = 0;
	r = SSHTUN_ERR_CRYPTO;
	if (EVP_CipherUpdate(c->evp, NULL, &outl, pkt, GCM_AAD) != 1) {
		goto out;
	}
	if (plen > 0 && (EVP_CipherUpdate(c->evp, pkt + GCM_AAD, &outl, pkt + GCM_AAD, plen) != 1 || outl != plen)) {
		goto out;
	}
	if (EVP_CipherFinal_ex(c->evp, fin, &outl) != 1) {
		goto out;
	}
	/* One call: this packet's tag, and GCM primed with the next IV (libcrypto's counter moves on). */
	p[0] = OSSL_PARAM_construct_octet_string((char *)gcm_p_tag, tag, GCM_TAG);
	p[1] = OSSL_PARAM_construct_octet_string((char *)gcm_p_iv_gen, inv, sizeof(inv));
	p[2] = OSSL_PARAM_construct_end();
	if (EVP_CIPHER_CTX_get_params(c->evp, p) != 1) {
		goto out;
	}
	r = 0;
out:
	/* Advance even on failure: an IV that may have produced ciphertext is never used again. */
	gcm_iv_next(c->iv);
	/* Primed only if libcrypto's next IV is ours (else the next seal loads it afresh). */
	c->primed = (r == 0 && memcmp(inv, c->iv + GCM_FIXED, GCM_INV) == 0);
	return r;
}

static int gcm_open(void *vctx, uint32_t seq, uint8_t *pkt, size_t len, const uint8_t *tag)
{
	struct gcm_ctx *c = vctx;
	int plen = 0;
	int outl = 0;
	uint8_t want[GCM_TAG];
	uint8_t inv[GCM_INV];
	uint8_t fin[GCM_TAG];
	OSSL_PARAM p[3];
	int r;

	if ((r = gcm_args(c, pkt, len, tag)) != 0) {
		return r;
	}
	plen = (int)(len - GCM_AAD);
	memcpy(want, tag, GCM_TAG);
	memcpy(inv, c->iv + GCM_FIXED, GCM_INV);
	r = SSHTUN_ERR_CRYPTO;
	/* One call: the expected tag, and our invocation counter, which loads this packet's IV into GCM. */
	p[0] = OSSL_PARAM_construct_octet_string((char *)gcm_p_tag, want, GCM_TAG);
	p[1] = OSSL_PARAM_construct_octet_string((char *)gcm_p_iv_inv, inv, sizeof(inv));
	p[2] = OSSL_PARAM_construct_end();
	if (EVP_CIPHER_CTX_set_params(c->evp, p) != 1 ||
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

#endif
