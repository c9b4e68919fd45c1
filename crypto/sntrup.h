/*
 * sshtun: Streamlined NTRU Prime sntrup761, round 3 of the NIST submission: the KEM half of
 * sntrup761x25519-sha512 (OpenSSH's, with SHA-512 based hashing and a 32-byte session key). Written in-tree
 * (crypto/sntrup761.c) since neither libsodium nor libcrypto has it; present when util/features.h has
 * SSHTUN_SNTRUP. Every function returns 0 or a negative SSHTUN_ERR_*, and takes time independent of secrets.
 */
#ifndef CRYPTO_SNTRUP_H
#define CRYPTO_SNTRUP_H

#include <stddef.h>
#include <stdint.h>

enum {
	CRY_SNTRUP761_PK_LEN = 1158,
	CRY_SNTRUP761_SK_LEN = 1763,
	CRY_SNTRUP761_CT_LEN = 1039,
	CRY_SNTRUP761_SS_LEN = 32
};

/* Where random bytes come from: cry_random in use, a deterministic generator in known-answer tests. */
typedef void (*cry_sntrup_rng)(void *ud, void *buf, size_t n);

/*
 * A new key pair. The rng is called as the round-3 reference calls randombytes (3044 bytes for each candidate g
 * until one is invertible mod 3, 3044 for f, 191 for rho), so that NIST's known-answer files reproduce.
 * SSHTUN_ERR_INVAL for a NULL argument, SSHTUN_ERR_CRYPTO if SHA-512 fails (pk and sk are then wiped).
 */
int cry_sntrup761_keypair_rng(uint8_t pk[CRY_SNTRUP761_PK_LEN], uint8_t sk[CRY_SNTRUP761_SK_LEN], cry_sntrup_rng rng,
	void *ud);
/* Encapsulates a fresh key ss to pk in ct (the rng gives 3044 bytes for the short element r). */
int cry_sntrup761_enc_rng(uint8_t ct[CRY_SNTRUP761_CT_LEN], uint8_t ss[CRY_SNTRUP761_SS_LEN],
	const uint8_t pk[CRY_SNTRUP761_PK_LEN], cry_sntrup_rng rng, void *ud);
int cry_sntrup761_keypair(uint8_t pk[CRY_SNTRUP761_PK_LEN], uint8_t sk[CRY_SNTRUP761_SK_LEN]);	/* cry_random */
int cry_sntrup761_enc(uint8_t ct[CRY_SNTRUP761_CT_LEN], uint8_t ss[CRY_SNTRUP761_SS_LEN],
	const uint8_t pk[CRY_SNTRUP761_PK_LEN]);
/* Implicit rejection: a bad ciphertext gives the rho-derived key and returns 0. */
int cry_sntrup761_dec(uint8_t ss[CRY_SNTRUP761_SS_LEN], const uint8_t ct[CRY_SNTRUP761_CT_LEN],
	const uint8_t sk[CRY_SNTRUP761_SK_LEN]);

/*
 * The constant-time sorting network behind short-element generation (Batcher's merge exchange): sorts x[0..n)
 * ascending with a sequence of compare-exchanges that depends on n only. Exposed for the unit tests.
 */
void cry_sort_int32(int32_t *x, size_t n);

#endif
