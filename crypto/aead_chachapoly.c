/* sshtun: chacha20-poly1305@openssh.com packet cipher (PROTOCOL.chacha20poly1305) over libsodium. */
#include <assert.h>
#include <string.h>

#include <sodium.h>

#include "sshtun_err.h"
#include "crypto/cipher.h"
#include "util/wire.h"

/*
 * Key material is 64 bytes: the first 32 are K_2 (Poly1305 key and payload),
 * the last 32 are K_1 (packet length only). Both ChaCha20 instances are the
 * original 64-bit-nonce variant with the sequence number as a big-endian
 * uint64 nonce. No state besides the keys: every packet stands alone.
 */
enum { CP_KEYLEN = 32, CP_NONCE = 8, CP_POLYKEY = 32, CP_TAG = 16 };

struct cp_ctx {
	uint8_t k_main[CP_KEYLEN];	/* K_2 */
	uint8_t k_len[CP_KEYLEN];	/* K_1 */
};

static_assert(sizeof(struct cp_ctx) <= CRY_CIPHER_CTX_MAX, "chachapoly ctx too big");
static_assert(crypto_stream_chacha20_NONCEBYTES == CP_NONCE, "64-bit nonce ChaCha20 expected");
static_assert(crypto_onetimeauth_poly1305_BYTES == CP_TAG, "Poly1305 tag is 16 bytes");

static void cp_nonce(uint8_t nonce[CP_NONCE], uint32_t seq)
{
	wire_poke_u32(nonce, 0);
	wire_poke_u32(nonce + 4, seq);
}

static int cp_init(void *vctx, const uint8_t *key, const uint8_t *iv, int enc)
{
	struct cp_ctx *c = vctx;

	if (c == NULL || key == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	memcpy(c->k_main, key, CP_KEYLEN);
	memcpy(c->k_len, key + CP_KEYLEN, CP_KEYLEN);
	return 0;
}

static void cp_cleanup(void *vctx)
{
	if (vctx != NULL) {
		sodium_memzero(vctx, sizeof(struct cp_ctx));
	}
}

static int cp_length(void *vctx, uint32_t seq, const uint8_t in[4], uint32_t *packet_length)
{
	struct cp_ctx *c = vctx;
	uint8_t nonce[CP_NONCE];
	uint8_t plain[4];

	if (c == NULL || in == NULL || packet_length == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	cp_nonce(nonce, seq);
	if (crypto_stream_chacha20_xor_ic(plain, in, sizeof(plain), nonce, 0, c->k_len) != 0) {
		return SSHTUN_ERR_CRYPTO;
	}
	*packet_length = wire_peek_u32(plain);
	return 0;
}

/* Poly1305 one-time key: the first 32 bytes of the K_2 keystream at block 0. */
static int cp_polykey(const struct cp_ctx *c, const uint8_t nonce[CP_NONCE], uint8_t polykey[CP_POLYKEY])
{
	if (crypto_stream_chacha20(polykey, CP_POLYKEY, nonce, c->k_main) != 0) {
		sodium_memzero(polykey, CP_POLYKEY);
		return SSHTUN_ERR_CRYPTO;
	}
	return 0;
}

static int cp_seal(void *vctx, uint32_t seq, uint8_t *pkt, size_t len, uint8_t *tag)
{
	struct cp_ctx *c = vctx;
	uint8_t nonce[CP_NONCE];
	uint8_t polykey[CP_POLYKEY];
	int r = SSHTUN_ERR_CRYPTO;

	if (c == NULL || pkt == NULL || tag == NULL || len < 4) {
		return SSHTUN_ERR_INVAL;
	}
	cp_nonce(nonce, seq);
	if ((r = cp_polykey(c, nonce, polykey)) != 0) {
		goto out;
	}
	r = SSHTUN_ERR_CRYPTO;
	if (crypto_stream_chacha20_xor_ic(pkt, pkt, 4, nonce, 0, c->k_len) != 0 ||
	    crypto_stream_chacha20_xor_ic(pkt + 4, pkt + 4, len - 4, nonce, 1, c->k_main) != 0 ||
	    crypto_onetimeauth_poly1305(tag, pkt, len, polykey) != 0) {
		goto out;
	}
	r = 0;
out:
	sodium_memzero(polykey, sizeof(polykey));
	return r;
}

static int cp_open(void *vctx, uint32_t seq, uint8_t *pkt, size_t len, const uint8_t *tag)
{
	struct cp_ctx *c = vctx;
	uint8_t nonce[CP_NONCE];
	uint8_t polykey[CP_POLYKEY];
	int r = SSHTUN_ERR_CRYPTO;

	if (c == NULL || pkt == NULL || tag == NULL || len < 4) {
		return SSHTUN_ERR_INVAL;
	}
	cp_nonce(nonce, seq);
	if ((r = cp_polykey(c, nonce, polykey)) != 0) {
		goto out;
	}
	/* Constant-time tag check over the ciphertext, before any byte is decrypted. */
	if (crypto_onetimeauth_poly1305_verify(tag, pkt, len, polykey) != 0) {
		r = SSHTUN_ERR_MAC;
		goto out;
	}
	r = SSHTUN_ERR_CRYPTO;
	if (crypto_stream_chacha20_xor_ic(pkt, pkt, 4, nonce, 0, c->k_len) != 0 ||
	    crypto_stream_chacha20_xor_ic(pkt + 4, pkt + 4, len - 4, nonce, 1, c->k_main) != 0) {
		goto out;
	}
	r = 0;
out:
	sodium_memzero(polykey, sizeof(polykey));
	return r;
}

const struct cry_cipher cry_chachapoly = {
	.name = "chacha20-poly1305@openssh.com",
	.key_len = 2 * CP_KEYLEN,
	.iv_len = 0,
	.block_size = 8,
	.tag_len = CP_TAG,
	.init = cp_init,
	.cleanup = cp_cleanup,
	.length = cp_length,
	.seal = cp_seal,
	.open = cp_open,
};
