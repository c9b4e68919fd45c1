/* sshtun: what crypto/ecdsa.c and crypto/rsa.c share: libcrypto key objects and EVP signing (crypto/ only). */
#ifndef CRYPTO_PKEY_INT_H
#define CRYPTO_PKEY_INT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/params.h>

#include "crypto/crypto.h"

/* struct cry_pkey is libcrypto's EVP_PKEY under a name of ours: these convert, nothing more. */
static inline EVP_PKEY *pkey_evp(const struct cry_pkey *k)
{
	return (EVP_PKEY *)(void *)k;
}

static inline struct cry_pkey *pkey_ours(EVP_PKEY *k)
{
	return (struct cry_pkey *)(void *)k;
}

/* A key of type ("EC", "RSA") from params; selection is EVP_PKEY_PUBLIC_KEY or EVP_PKEY_KEYPAIR. NULL on failure. */
EVP_PKEY *pkey_fromdata(const char *type, int selection, OSSL_PARAM *params);
/* Verifies sig (the algorithm's own encoding: DER for ECDSA) over msg hashed with hash (CRY_SHA*). */
int pkey_verify(EVP_PKEY *k, int hash, const uint8_t *sig, size_t siglen, const void *msg, size_t len);
/* Signs msg hashed with hash; sig gets at most sigmax bytes. */
int pkey_sign(EVP_PKEY *k, int hash, const void *msg, size_t len, uint8_t *sig, size_t sigmax, size_t *siglen);

#endif
