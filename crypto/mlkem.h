/*
 * sshtun: ML-KEM-768 (FIPS 203), for the mlkem768x25519-sha256 key exchange. Present when util/features.h has
 * SSHTUN_MLKEM. Two implementations behind one byte format (FIPS 203's: ek 1184 bytes, dk 2400, ciphertext 1088,
 * shared key 32), so a key pair made by one is used by the other:
 *   - libcrypto's ("ML-KEM-768", OpenSSL 3.5 and later), through EVP (crypto/mlkem_ossl.c);
 *   - ours, written here from the standard (crypto/mlkem768.c), for the OpenSSL 3.0 of Debian 12, which has none.
 *
 * Which one: the cry_mlkem768_* functions ask on every call, in one place (crypto/mlkem_ossl.c): the in-tree code
 * if the environment has SSHTUN_MLKEM_INTREE=1, else libcrypto's if the libcrypto loaded at run time can make an
 * ML-KEM-768 context, else the in-tree code. Nothing is cached, so there is no state to share between threads;
 * the question costs one failed algorithm fetch on OpenSSL 3.0 (1.2 us, against 50-65 us for an operation;
 * bench/bench_mlkem.c) and nothing on 3.5, whose context is the one the operation then uses. The build needs
 * OpenSSL 3.0's headers only: 3.5's parameter names are written as strings ("seed", "ikme").
 *
 * The in-tree code is constant time with respect to the secrets (d, z, the secret key, m, the shared key): no
 * branch or memory index depends on them; a ciphertext that fails re-encryption gives the pseudo-random key in the
 * same time (checked under valgrind by tests/ct/ct_mlkem.c, which calls the _intree_ functions). Its stack is
 * about 11 KiB at most (decapsulation; gcc -O2 -fstack-usage), the matrix being sampled one entry at a time.
 *
 * Every function returns 0 or a negative SSHTUN_ERR_*; SSHTUN_ERR_INVAL for a NULL argument. The two differ in
 * one refusal only: libcrypto imports a secret key with a pairwise test (an encapsulation and a decapsulation
 * under it), so decapsulation under a key whose dk_pke was changed fails (SSHTUN_ERR_KEX_FAILED) where the
 * in-tree code gives another key. Our key pairs always pass it.
 */
#ifndef CRYPTO_MLKEM_H
#define CRYPTO_MLKEM_H

#include <stdint.h>

enum { CRY_MLKEM768_PK_LEN = 1184, CRY_MLKEM768_SK_LEN = 2400, CRY_MLKEM768_CT_LEN = 1088, CRY_MLKEM_SS_LEN = 32 };

/* ---- the chosen implementation (see above): what the key exchange calls ---- */

/* Key pair from FIPS 203 ML-KEM.KeyGen_internal(d, z). */
int cry_mlkem768_keypair_derand(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN], const uint8_t d[32],
	const uint8_t z[32]);
/* The same with fresh d and z (cry_random's in-tree, libcrypto's generator's with libcrypto; wiped after). */
int cry_mlkem768_keypair(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN]);
/*
 * ML-KEM.Encaps_internal(ek, m) after the FIPS 203 7.2 encapsulation key check (modulus check, and the length is
 * fixed by the type): SSHTUN_ERR_KEX_FAILED if pk fails it (ct and ss are then zeroed).
 */
int cry_mlkem768_encaps_derand(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN], const uint8_t m[32]);
/* The same with a fresh m. */
int cry_mlkem768_encaps(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN]);
/*
 * ML-KEM.Decaps_internal with implicit rejection (a bad ciphertext gives the pseudo-random key, returns 0);
 * SSHTUN_ERR_KEX_FAILED if sk fails the FIPS 203 7.3 hash check (or, with libcrypto, its pairwise test; ss is
 * then zeroed).
 */
int cry_mlkem768_decaps(uint8_t ss[CRY_MLKEM_SS_LEN], const uint8_t ct[CRY_MLKEM768_CT_LEN],
	const uint8_t sk[CRY_MLKEM768_SK_LEN]);
/* 1 if the functions above take libcrypto's path now, 0 if the in-tree one (the same question they ask). */
int cry_mlkem768_uses_ossl(void);

/* ---- the in-tree implementation, always (crypto/mlkem768.c): the same contracts ---- */
int cry_mlkem768_intree_keypair_derand(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN],
	const uint8_t d[32], const uint8_t z[32]);
int cry_mlkem768_intree_keypair(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN]);
int cry_mlkem768_intree_encaps_derand(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN], const uint8_t m[32]);
int cry_mlkem768_intree_encaps(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN]);
int cry_mlkem768_intree_decaps(uint8_t ss[CRY_MLKEM_SS_LEN], const uint8_t ct[CRY_MLKEM768_CT_LEN],
	const uint8_t sk[CRY_MLKEM768_SK_LEN]);

/*
 * ---- libcrypto's implementation, always (whatever SSHTUN_MLKEM_INTREE says): the same contracts, and ----
 * SSHTUN_ERR_NOT_SUPPORTED when the libcrypto loaded has no ML-KEM-768 (before OpenSSL 3.5). The _derand
 * functions hand libcrypto d || z as the key generation's "seed" and m as the encapsulation's "ikme".
 */
int cry_mlkem768_ossl_keypair_derand(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN],
	const uint8_t d[32], const uint8_t z[32]);
int cry_mlkem768_ossl_keypair(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN]);
int cry_mlkem768_ossl_encaps_derand(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN], const uint8_t m[32]);
int cry_mlkem768_ossl_encaps(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN]);
int cry_mlkem768_ossl_decaps(uint8_t ss[CRY_MLKEM_SS_LEN], const uint8_t ct[CRY_MLKEM768_CT_LEN],
	const uint8_t sk[CRY_MLKEM768_SK_LEN]);
/* 1 if the libcrypto loaded has ML-KEM-768. */
int cry_mlkem768_ossl_available(void);

#endif
