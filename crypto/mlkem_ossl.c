/*
 * sshtun: ML-KEM-768 through libcrypto's EVP (OpenSSL 3.5 and later: the "ML-KEM-768" key type and KEM), and the
 * choice between it and the in-tree code of crypto/mlkem768.c; see mlkem.h.
 *
 * Keys cross this boundary as FIPS 203's encodings, the ones the in-tree code uses: a key pair is generated and
 * its "pub" (ek) and "priv" (dk) exported; encapsulation imports ek as "pub", decapsulation dk as "priv". The
 * build is against OpenSSL 3.0's headers, so only names 3.0 has are used as macros; 3.5's own parameters are
 * written as strings.
 *
 * The choice is made on every call (mlkem_choose), not cached: a cache would be process-wide mutable state below
 * cli/ and a once-guard for it, and the question is cheap. On OpenSSL 3.5 its answer, a key context, is the one
 * the operation uses; on 3.0 it is one failed algorithm fetch and the error queue cleared.
 */
#include "util/features.h"

#if SSHTUN_MLKEM && SSHTUN_OPENSSL

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"
#include "crypto/mlkem.h"

enum { PK = CRY_MLKEM768_PK_LEN, SK = CRY_MLKEM768_SK_LEN, CT = CRY_MLKEM768_CT_LEN, SS = CRY_MLKEM_SS_LEN };

/* OpenSSL 3.5's names, absent from 3.0's headers (OSSL_PKEY_PARAM_ML_KEM_SEED, OSSL_KEM_PARAM_IKME). */
static const char mlkem_name[] = "ML-KEM-768";
static const char mlkem_p_seed[] = "seed";	/* key generation: d || z, 64 bytes */
static const char mlkem_p_ikme[] = "ikme";	/* encapsulation: m, 32 bytes */

/* A key context for ML-KEM-768 in the default library context, or NULL if the libcrypto loaded has none. */
static EVP_PKEY_CTX *ossl_ctx(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, mlkem_name, NULL);

	if (!ctx) {
		ERR_clear_error();	/* "unsupported" on OpenSSL 3.0: an answer, not an error to leave behind */
	}
	return ctx;
}

/*
 * The one place the path is chosen: NULL for the in-tree code, else libcrypto's context. The in-tree code when
 * the environment says SSHTUN_MLKEM_INTREE=1 (tests comparing the two), and in a fuzzing build, whose key pairs
 * must be the same on every run (cry_random is fixed there; libcrypto's generator is not ours to fix).
 */
static EVP_PKEY_CTX *mlkem_choose(void)
{
	const char *v = getenv("SSHTUN_MLKEM_INTREE");

	if ((v && strcmp(v, "1") == 0) || cry_fixed_for_fuzzing()) {
		return NULL;
	}
	return ossl_ctx();
}

/* Generates a key pair with ctx (freed here), from d || z if d is not NULL; exports ek and dk. */
static int ossl_keypair(EVP_PKEY_CTX *ctx, uint8_t pk[PK], uint8_t sk[SK], const uint8_t *d, const uint8_t *z)
{
	uint8_t seed[64];
	OSSL_PARAM params[2];
	EVP_PKEY *k = NULL;
	size_t pkl = 0, skl = 0;
	int err = SSHTUN_ERR_CRYPTO;

	if (EVP_PKEY_keygen_init(ctx) != 1) {
		goto out;
	}
	if (d) {
		memcpy(seed, d, 32);
		memcpy(seed + 32, z, 32);
		params[0] = OSSL_PARAM_construct_octet_string(mlkem_p_seed, seed, sizeof(seed));
		params[1] = OSSL_PARAM_construct_end();
		if (EVP_PKEY_CTX_set_params(ctx, params) != 1) {
			goto out;
		}
	}
	if (EVP_PKEY_generate(ctx, &k) == 1 &&
	    EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pk, PK, &pkl) == 1 && pkl == PK &&
	    EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PRIV_KEY, sk, SK, &skl) == 1 && skl == SK) {
		err = 0;
	}
out:
	if (err) {
		memset(pk, 0, PK);
		cry_wipe(sk, SK);
		ERR_clear_error();
	}
	cry_wipe(seed, sizeof(seed));
	EVP_PKEY_free(k);	/* clears its private key and seed */
	EVP_PKEY_CTX_free(ctx);	/* clears the seed it was given */
	return err;
}

/*
 * An ML-KEM-768 key imported with ctx (freed here) from "pub" (ek) or "priv" (dk), as selection says; NULL if
 * refused. Importing dk runs libcrypto's pairwise test, an encapsulation and a decapsulation.
 */
static EVP_PKEY *ossl_import(EVP_PKEY_CTX *ctx, int selection, const uint8_t *key, size_t len)
{
	OSSL_PARAM params[2];
	EVP_PKEY *k = NULL;

	/* fromdata only reads the key: the cast is OSSL_PARAM's want of a const member. */
	params[0] = OSSL_PARAM_construct_octet_string(
		selection == EVP_PKEY_PUBLIC_KEY ? OSSL_PKEY_PARAM_PUB_KEY : OSSL_PKEY_PARAM_PRIV_KEY, (void *)key, len);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, &k, selection, params) != 1) {
		k = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return k;
}

/* Encapsulates to pk, imported with ctx (freed here), with m as "ikme" if not NULL. */
static int ossl_encaps(EVP_PKEY_CTX *ctx, uint8_t ct[CT], uint8_t ss[SS], const uint8_t pk[PK], const uint8_t *m)
{
	uint8_t ikme[32];
	OSSL_PARAM params[2];
	EVP_PKEY *k = ossl_import(ctx, EVP_PKEY_PUBLIC_KEY, pk, PK);
	EVP_PKEY_CTX *ectx = NULL;
	size_t ctl = CT, ssl = SS;
	int err = SSHTUN_ERR_KEX_FAILED;	/* a refused import: the 7.2 modulus check failed */

	if (!k) {
		goto out;
	}
	err = SSHTUN_ERR_CRYPTO;
	if (m) {
		memcpy(ikme, m, sizeof(ikme));
		params[0] = OSSL_PARAM_construct_octet_string(mlkem_p_ikme, ikme, sizeof(ikme));
		params[1] = OSSL_PARAM_construct_end();
	}
	if ((ectx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL)) != NULL &&
	    EVP_PKEY_encapsulate_init(ectx, m ? params : NULL) == 1 && EVP_PKEY_encapsulate(ectx, ct, &ctl, ss, &ssl) == 1 &&
	    ctl == CT && ssl == SS) {
		err = 0;
	}
out:
	if (err) {
		memset(ct, 0, CT);
		cry_wipe(ss, SS);
		ERR_clear_error();
	}
	cry_wipe(ikme, sizeof(ikme));
	EVP_PKEY_CTX_free(ectx);	/* clears its copy of ikme */
	EVP_PKEY_free(k);
	return err;
}

/* Decapsulates ct under sk, imported with ctx (freed here). */
static int ossl_decaps(EVP_PKEY_CTX *ctx, uint8_t ss[SS], const uint8_t ct[CT], const uint8_t sk[SK])
{
	EVP_PKEY *k = ossl_import(ctx, EVP_PKEY_KEYPAIR, sk, SK);
	EVP_PKEY_CTX *dctx = NULL;
	size_t ssl = SS;
	int err = SSHTUN_ERR_KEX_FAILED;	/* a refused import: the 7.3 hash check or the pairwise test failed */

	if (!k) {
		goto out;
	}
	err = SSHTUN_ERR_CRYPTO;
	if ((dctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL)) != NULL && EVP_PKEY_decapsulate_init(dctx, NULL) == 1 &&
	    EVP_PKEY_decapsulate(dctx, ss, &ssl, ct, CT) == 1 && ssl == SS) {
		err = 0;
	}
out:
	if (err) {
		cry_wipe(ss, SS);
		ERR_clear_error();
	}
	EVP_PKEY_CTX_free(dctx);
	EVP_PKEY_free(k);	/* clears the imported private key */
	return err;
}

/* ---- libcrypto's, always ---- */

int cry_mlkem768_ossl_available(void)
{
	EVP_PKEY_CTX *ctx = ossl_ctx();

	EVP_PKEY_CTX_free(ctx);
	return ctx != NULL;
}

int cry_mlkem768_ossl_keypair_derand(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN],
	const uint8_t d[32], const uint8_t z[32])
{
	EVP_PKEY_CTX *ctx;

	if (pk == NULL || sk == NULL || d == NULL || z == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	return (ctx = ossl_ctx()) ? ossl_keypair(ctx, pk, sk, d, z) : SSHTUN_ERR_NOT_SUPPORTED;
}

int cry_mlkem768_ossl_keypair(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN])
{
	EVP_PKEY_CTX *ctx;

	if (pk == NULL || sk == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	return (ctx = ossl_ctx()) ? ossl_keypair(ctx, pk, sk, NULL, NULL) : SSHTUN_ERR_NOT_SUPPORTED;
}

int cry_mlkem768_ossl_encaps_derand(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN], const uint8_t m[32])
{
	EVP_PKEY_CTX *ctx;

	if (ct == NULL || ss == NULL || pk == NULL || m == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	return (ctx = ossl_ctx()) ? ossl_encaps(ctx, ct, ss, pk, m) : SSHTUN_ERR_NOT_SUPPORTED;
}

int cry_mlkem768_ossl_encaps(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN])
{
	EVP_PKEY_CTX *ctx;

	if (ct == NULL || ss == NULL || pk == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	return (ctx = ossl_ctx()) ? ossl_encaps(ctx, ct, ss, pk, NULL) : SSHTUN_ERR_NOT_SUPPORTED;
}

int cry_mlkem768_ossl_decaps(uint8_t ss[CRY_MLKEM_SS_LEN], const uint8_t ct[CRY_MLKEM768_CT_LEN],
	const uint8_t sk[CRY_MLKEM768_SK_LEN])
{
	EVP_PKEY_CTX *ctx;

	if (ss == NULL || ct == NULL || sk == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	return (ctx = ossl_ctx()) ? ossl_decaps(ctx, ss, ct, sk) : SSHTUN_ERR_NOT_SUPPORTED;
}

/* ---- the chosen one ---- */

int cry_mlkem768_uses_ossl(void)
{
	EVP_PKEY_CTX *ctx = mlkem_choose();

	EVP_PKEY_CTX_free(ctx);
	return ctx != NULL;
}

int cry_mlkem768_keypair_derand(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN], const uint8_t d[32],
	const uint8_t z[32])
{
	EVP_PKEY_CTX *ctx;

	if (pk == NULL || sk == NULL || d == NULL || z == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	ctx = mlkem_choose();
	return ctx ? ossl_keypair(ctx, pk, sk, d, z) : cry_mlkem768_intree_keypair_derand(pk, sk, d, z);
}

int cry_mlkem768_keypair(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN])
{
	EVP_PKEY_CTX *ctx;

	if (pk == NULL || sk == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	ctx = mlkem_choose();
	return ctx ? ossl_keypair(ctx, pk, sk, NULL, NULL) : cry_mlkem768_intree_keypair(pk, sk);
}

int cry_mlkem768_encaps_derand(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN], const uint8_t m[32])
{
	EVP_PKEY_CTX *ctx;

	if (ct == NULL || ss == NULL || pk == NULL || m == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	ctx = mlkem_choose();
	return ctx ? ossl_encaps(ctx, ct, ss, pk, m) : cry_mlkem768_intree_encaps_derand(ct, ss, pk, m);
}

int cry_mlkem768_encaps(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN])
{
	EVP_PKEY_CTX *ctx;

	if (ct == NULL || ss == NULL || pk == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	ctx = mlkem_choose();
	return ctx ? ossl_encaps(ctx, ct, ss, pk, NULL) : cry_mlkem768_intree_encaps(ct, ss, pk);
}

int cry_mlkem768_decaps(uint8_t ss[CRY_MLKEM_SS_LEN], const uint8_t ct[CRY_MLKEM768_CT_LEN],
	const uint8_t sk[CRY_MLKEM768_SK_LEN])
{
	EVP_PKEY_CTX *ctx;

	if (ss == NULL || ct == NULL || sk == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	ctx = mlkem_choose();
	return ctx ? ossl_decaps(ctx, ss, ct, sk) : cry_mlkem768_intree_decaps(ss, ct, sk);
}

#elif SSHTUN_MLKEM

/*
 * A build without libcrypto (configure --without-openssl): the choice is the in-tree code, always, and the
 * _ossl_ functions are absent (their callers, tests and benches, are compiled out alike).
 */
#include "crypto/mlkem.h"

int cry_mlkem768_uses_ossl(void)
{
	return 0;
}

int cry_mlkem768_keypair_derand(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN], const uint8_t d[32],
	const uint8_t z[32])
{
	return cry_mlkem768_intree_keypair_derand(pk, sk, d, z);
}

int cry_mlkem768_keypair(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN])
{
	return cry_mlkem768_intree_keypair(pk, sk);
}

int cry_mlkem768_encaps_derand(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN], const uint8_t m[32])
{
	return cry_mlkem768_intree_encaps_derand(ct, ss, pk, m);
}

int cry_mlkem768_encaps(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN])
{
	return cry_mlkem768_intree_encaps(ct, ss, pk);
}

int cry_mlkem768_decaps(uint8_t ss[CRY_MLKEM_SS_LEN], const uint8_t ct[CRY_MLKEM768_CT_LEN],
	const uint8_t sk[CRY_MLKEM768_SK_LEN])
{
	return cry_mlkem768_intree_decaps(ss, ct, sk);
}

#endif
