/*
 * sshtun: ML-KEM-768 (FIPS 203), for the mlkem768x25519-sha256 key exchange. Written here (crypto/mlkem768.c)
 * since Debian 12's OpenSSL 3.0 has no ML-KEM. Present when util/features.h has SSHTUN_MLKEM.
 *
 * Constant time with respect to the secrets (d, z, the secret key, m, the shared key): no branch or memory
 * index depends on them; a ciphertext that fails re-encryption gives the pseudo-random key in the same time.
 * Every function returns 0 or a negative SSHTUN_ERR_*; SSHTUN_ERR_INVAL for a NULL argument.
 * Stack: about 11 KiB at most (decapsulation; gcc -O2 -fstack-usage), the matrix being sampled one entry at a time.
 */
#ifndef CRYPTO_MLKEM_H
#define CRYPTO_MLKEM_H

#include <stdint.h>

enum { CRY_MLKEM768_PK_LEN = 1184, CRY_MLKEM768_SK_LEN = 2400, CRY_MLKEM768_CT_LEN = 1088, CRY_MLKEM_SS_LEN = 32 };

/* Key pair from FIPS 203 ML-KEM.KeyGen_internal(d, z). */
int cry_mlkem768_keypair_derand(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN], const uint8_t d[32],
	const uint8_t z[32]);
/* The same with d and z from cry_random (wiped after). */
int cry_mlkem768_keypair(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN]);
/*
 * ML-KEM.Encaps_internal(ek, m) after the FIPS 203 7.2 encapsulation key check (modulus check, and the length is
 * fixed by the type): SSHTUN_ERR_KEX_FAILED if pk fails it (ct and ss are then zeroed).
 */
int cry_mlkem768_encaps_derand(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN], const uint8_t m[32]);
/* The same with m from cry_random (wiped after). */
int cry_mlkem768_encaps(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN]);
/*
 * ML-KEM.Decaps_internal with implicit rejection (a bad ciphertext gives the pseudo-random key, returns 0);
 * SSHTUN_ERR_KEX_FAILED only if sk fails the FIPS 203 7.3 hash check (ss is then zeroed).
 */
int cry_mlkem768_decaps(uint8_t ss[CRY_MLKEM_SS_LEN], const uint8_t ct[CRY_MLKEM768_CT_LEN],
	const uint8_t sk[CRY_MLKEM768_SK_LEN]);

#endif
