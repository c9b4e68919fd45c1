/*
 * sshtun: SHA-1 (FIPS 180-4 6.1), written here for a build without libcrypto (libsodium has none), where it
 * still serves hashed known_hosts names (HMAC-SHA1, the |1| lines) and SHA-1 fingerprints. Built in every build
 * (its unit test runs in both); the default build's cry_hash uses libcrypto's. No table lookups and no branch on
 * the data: HMAC keys pass through it.
 */
#ifndef CRYPTO_SHA1_H
#define CRYPTO_SHA1_H

#include <stddef.h>
#include <stdint.h>

enum { CRY_SHA1_LEN = 20, CRY_SHA1_BLOCK = 64 };

struct cry_sha1 {
	uint32_t h[5];
	uint64_t len;			/* bytes hashed so far */
	uint8_t buf[CRY_SHA1_BLOCK];	/* len % 64 bytes waiting for a whole block */
};

void cry_sha1_init(struct cry_sha1 *s);
void cry_sha1_update(struct cry_sha1 *s, const void *data, size_t n);
/* Writes the digest and wipes the state. */
void cry_sha1_final(struct cry_sha1 *s, uint8_t out[CRY_SHA1_LEN]);

#endif
