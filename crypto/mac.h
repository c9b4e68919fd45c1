/* sshtun: packet MAC descriptors (RFC 4253 6.4; RFC 6668; OpenSSH PROTOCOL 1.7 umac, 1.5 -etm). */
#ifndef CRYPTO_MAC_H
#define CRYPTO_MAC_H

#include <stddef.h>
#include <stdint.h>

#include "util/features.h"

enum {
	CRY_MAC_KEY_MAX = 64,		/* hmac-sha2-512 */
	CRY_MAC_TAG_MAX = 64,
	CRY_MAC_CTX_MAX = 1536,		/* UMAC-128's key schedule */
	CRY_UMAC_KEY = 16		/* UMAC's AES-128 key */
};

/*
 * A MAC protects packets of a non-AEAD cipher (crypto/cipher.h crypt). The
 * packet layer hands compute() the bytes it covers: for -etm (etm 1) the
 * packet as sent, length in clear and the rest encrypted; otherwise the
 * plaintext packet, length field included. seq is the packet's sequence
 * number: HMAC covers uint32 seq || data (RFC 4253 6.4), UMAC takes seq as its
 * 8-byte big-endian nonce and covers data alone (PROTOCOL, umac@openssh.com).
 * Keys are keyed once in init (HMAC's inner and outer states, UMAC's subkeys);
 * compute never allocates. The context area must be aligned for a pointer:
 * alignas(16) uint8_t ctx[CRY_MAC_CTX_MAX]. All functions return 0 or a
 * negative SSHTUN_ERR_*.
 */
struct cry_mac {
	const char *name;	/* SSH name, e.g. "hmac-sha2-256-etm@openssh.com" */
	size_t key_len;
	size_t tag_len;
	int etm;		/* encrypt-then-MAC: length in clear, MAC over the ciphertext, checked before decryption */
	/* Called with ctx zeroed (CRY_MAC_CTX_MAX bytes). */
	int (*init)(void *ctx, const uint8_t *key);
	/* Frees and wipes everything init made; ctx may be initialised again after. */
	void (*cleanup)(void *ctx);
	/* Writes the tag_len-byte tag of data[0..len) under sequence number seq. */
	int (*compute)(void *ctx, uint32_t seq, const uint8_t *data, size_t len, uint8_t *tag);
};

#if SSHTUN_CTR
extern const struct cry_mac cry_hmac_sha256_etm, cry_hmac_sha512_etm, cry_hmac_sha256, cry_hmac_sha512;
#endif
#if SSHTUN_CTR && SSHTUN_HMAC_SHA1
extern const struct cry_mac cry_hmac_sha1_etm, cry_hmac_sha1;
#endif
#if SSHTUN_CTR && SSHTUN_UMAC
extern const struct cry_mac cry_umac64_etm, cry_umac128_etm, cry_umac64, cry_umac128;
#endif

/* Every MAC this build has, NULL-terminated (our order of preference is the transport's default list). */
extern const struct cry_mac *const cry_macs[];
/* The MAC with this SSH name, or NULL. */
const struct cry_mac *cry_mac_find(const char *name, size_t n);
/* Computes the tag of data and compares it with tag in constant time: 0, or SSHTUN_ERR_MAC. */
int cry_mac_verify(const struct cry_mac *m, void *ctx, uint32_t seq, const uint8_t *data, size_t len, const uint8_t *tag);

#if SSHTUN_CTR && SSHTUN_UMAC
/*
 * One-shot UMAC (RFC 4418) with any of its tag lengths (4, 8, 12 or 16 bytes) and an 8-byte nonce, for
 * known-answer tests against the RFC's table; messages up to 2^24 bytes (longer ones need the RFC's 128-bit
 * second-layer hash, which packets never reach): SSHTUN_ERR_TOO_LONG beyond.
 */
int cry_umac(const uint8_t key[CRY_UMAC_KEY], const uint8_t nonce[8], const void *msg, size_t len, uint8_t *tag,
	size_t taglen);
#endif

#endif
