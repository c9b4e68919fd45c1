/*
 * sshtun: Keccak-f[1600] and the FIPS 202 sponge (SHA3-256, SHA3-512, SHAKE128, SHAKE256), written here because
 * ML-KEM needs SHAKE with incremental squeezing and Debian 12's libcrypto is the only other source of it.
 * Portable C: lanes are loaded and stored little-endian by byte shifts, so any alignment and byte order works.
 * Nothing branches on or indexes by the data, only on lengths.
 */
#ifndef CRYPTO_KECCAK_H
#define CRYPTO_KECCAK_H

#include <stddef.h>
#include <stdint.h>

enum {
	CRY_SHAKE128_RATE = 168,	/* bytes absorbed or squeezed per permutation */
	CRY_SHAKE256_RATE = 136,
	CRY_SHA3_256_LEN = 32,
	CRY_SHA3_512_LEN = 64
};

/*
 * A sponge: absorb any number of times, then squeeze any number of times, in pieces of any length (the output
 * is the same as one long squeeze). Lives on the caller's stack; cry_shake_wipe when it held secrets.
 */
struct cry_shake {
	uint64_t a[25];		/* the state, lane (x, y) at a[x + 5 y] */
	unsigned rate;		/* bytes per block */
	unsigned pos;		/* bytes of the current block absorbed, or squeezed */
	uint8_t pad;		/* the domain bits and the first pad bit: 0x1f for SHAKE, 0x06 for SHA-3 */
	uint8_t squeezing;	/* 0 while absorbing */
};

void cry_shake128_init(struct cry_shake *s);
void cry_shake256_init(struct cry_shake *s);
/* Absorbs n more bytes; SSHTUN_ERR_STATE (and nothing absorbed) once squeezing has begun. */
int cry_shake_absorb(struct cry_shake *s, const void *in, size_t n);
/* The next n bytes of output; the first call pads and ends absorbing. */
void cry_shake_squeeze(struct cry_shake *s, uint8_t *out, size_t n);
void cry_shake_wipe(struct cry_shake *s);

/* One-shot hashes and XOFs. */
void cry_sha3_256(uint8_t out[CRY_SHA3_256_LEN], const void *in, size_t n);
void cry_sha3_512(uint8_t out[CRY_SHA3_512_LEN], const void *in, size_t n);
void cry_shake128(uint8_t *out, size_t outlen, const void *in, size_t n);
void cry_shake256(uint8_t *out, size_t outlen, const void *in, size_t n);

/* The permutation alone (24 rounds), for tests. */
void cry_keccak_f1600(uint64_t a[25]);

#endif
