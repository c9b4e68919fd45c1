/* sshtun: packet cipher descriptors (RFC 4253 6.3; PROTOCOL.chacha20poly1305; RFC 5647 as OpenSSH uses it). */
#ifndef CRYPTO_CIPHER_H
#define CRYPTO_CIPHER_H

#include <stddef.h>
#include <stdint.h>

#include "util/features.h"

enum { CRY_CIPHER_CTX_MAX = 256, CRY_TAG_MAX = 16, CRY_KEY_MAX = 64, CRY_IV_MAX = 16 };

/*
 * A cipher encrypts whole SSH packets in place. pkt points at the 4-byte
 * packet_length field; len = 4 + packet_length (a multiple of block_size, or of
 * 8 for stream ciphers). The tag (tag_len bytes) is separate. seq is the
 * packet sequence number (uint32, wraps).
 * All functions return 0 or a negative SSHTUN_ERR_*; open() returns
 * SSHTUN_ERR_MAC when the tag does not verify, and then never leaves plaintext
 * behind: chacha20-poly1305 leaves pkt as received, AES-GCM zeroes the payload.
 * AES-GCM ignores seq and counts packets itself, so every packet of a direction
 * must pass through seal/open in order.
 * The context area must be aligned for a pointer: declare it
 * alignas(16) uint8_t ctx[CRY_CIPHER_CTX_MAX] (the GCM context holds an EVP pointer).
 *
 * A cipher that is only a cipher (aes128/192/256-ctr, RFC 4344 4) has tag_len 0
 * and no length, seal or open: it protects nothing by itself, so it is used only
 * with a MAC (crypto/mac.h), and the packet layer frames it (transport/packet.c).
 * It has crypt instead, which AEAD ciphers leave NULL.
 */
struct cry_cipher {
	const char *name;	/* SSH name, e.g. "aes128-gcm@openssh.com" */
	size_t key_len;
	size_t iv_len;
	size_t block_size;	/* padding multiple: 8 for chacha20-poly1305, 16 for AES */
	size_t tag_len;
	/* Called with ctx zeroed (CRY_CIPHER_CTX_MAX bytes); enc=1 to encrypt, 0 to decrypt. */
	int (*init)(void *ctx, const uint8_t *key, const uint8_t *iv, int enc);
	/* Frees and wipes everything init allocated; ctx may be re-initialised after. */
	void (*cleanup)(void *ctx);
	/* Decodes packet_length from the first 4 bytes as received, without changing them. */
	int (*length)(void *ctx, uint32_t seq, const uint8_t in[4], uint32_t *packet_length);
	/* Encrypts pkt[0..len) in place and writes the tag. */
	int (*seal)(void *ctx, uint32_t seq, uint8_t *pkt, size_t len, uint8_t *tag);
	/* Verifies tag over pkt[0..len) as received, then decrypts it in place (incl. the length field). */
	int (*open)(void *ctx, uint32_t seq, uint8_t *pkt, size_t len, const uint8_t *tag);
	/*
	 * Non-AEAD only: en/decrypts buf[0..n) in place, the keystream going on from where the last call left it
	 * (so a packet may be done in pieces, and every byte of a direction must pass through once, in order).
	 */
	int (*crypt)(void *ctx, uint8_t *buf, size_t n);
};

extern const struct cry_cipher cry_chachapoly;	/* chacha20-poly1305@openssh.com */
/* The same cipher, always over libsodium: the fallback when libcrypto lacks ChaCha20, and a cross-check for tests. */
extern const struct cry_cipher cry_chachapoly_sodium;
#if SSHTUN_AESGCM
extern const struct cry_cipher cry_aes128gcm;	/* aes128-gcm@openssh.com */
extern const struct cry_cipher cry_aes256gcm;	/* aes256-gcm@openssh.com */
#endif
#if SSHTUN_CTR
extern const struct cry_cipher cry_aes128ctr;	/* aes128-ctr (RFC 4344), with a MAC */
extern const struct cry_cipher cry_aes192ctr;
extern const struct cry_cipher cry_aes256ctr;
#endif

/* Every cipher we implement, in our order of preference, NULL-terminated. */
extern const struct cry_cipher *const cry_ciphers[];
/* The cipher with this SSH name, or NULL. */
const struct cry_cipher *cry_cipher_find(const char *name, size_t n);

#endif
