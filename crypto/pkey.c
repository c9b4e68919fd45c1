/* sshtun: libcrypto key objects and EVP signing, shared by ECDSA (crypto/ecdsa.c) and RSA (crypto/rsa.c). */
#include "util/features.h"

/* libcrypto key objects (ECDSA, RSA, and what PEM files hold): none in a build without it. */
#if SSHTUN_OPENSSL
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "sshtun_err.h"
#include "crypto/pkey_int.h"

/* A non-NULL pointer for empty messages. */
static const uint8_t pkey_empty[1] = { 0 };

static const char *pkey_md_name(int hash)
{
	switch (hash) {
	case CRY_SHA1:
		return "SHA1";
	case CRY_SHA256:
		return "SHA256";
	case CRY_SHA384:
		return "SHA384";
	case CRY_SHA512:
		return "SHA512";
	default:
		return NULL;
	}
}

EVP_PKEY *pkey_fromdata(const char *type, int selection, OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *k = NULL;

	if (ctx && EVP_PKEY_fromdata_init(ctx) == 1 && EVP_PKEY_fromdata(ctx, &k, selection, params) != 1) {
		k = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	if (!k) {
		ERR_clear_error();	/* the queue is per thread and grows: a refused key leaves nothing behind */
	}
	return k;
}

int pkey_verify(EVP_PKEY *k, int hash, const uint8_t *sig, size_t siglen, const void *msg, size_t len)
{
	const char *md = pkey_md_name(hash);
	EVP_MD_CTX *ctx;
	int ok = 0;

	if (!k || !md || !sig || (!msg && len)) {
		return SSHTUN_ERR_INVAL;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx) {
		return SSHTUN_ERR_NOMEM;
	}
	if (EVP_DigestVerifyInit_ex(ctx, NULL, md, NULL, NULL, k, NULL) == 1) {
		ok = EVP_DigestVerify(ctx, sig, siglen, msg ? msg : pkey_empty, len) == 1;
	}
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();	/* a signature that does not verify leaves nothing in libcrypto's error queue */
	}
	return ok ? 0 : SSHTUN_ERR_HOSTKEY_SIG;
}

int pkey_sign(EVP_PKEY *k, int hash, const void *msg, size_t len, uint8_t *sig, size_t sigmax, size_t *siglen)
{
	const char *md = pkey_md_name(hash);
	EVP_MD_CTX *ctx;
	size_t n = 0;
	int err = SSHTUN_ERR_CRYPTO;

	if (!k || !md || !sig || !siglen || (!msg && len)) {
		return SSHTUN_ERR_INVAL;
	}
	*siglen = 0;
	ctx = EVP_MD_CTX_new();
	if (!ctx) {
		return SSHTUN_ERR_NOMEM;
	}
	if (EVP_DigestSignInit_ex(ctx, NULL, md, NULL, NULL, k, NULL) == 1 &&
	    EVP_DigestSign(ctx, NULL, &n, msg ? msg : pkey_empty, len) == 1) {
		if (n > sigmax) {
			err = SSHTUN_ERR_TOO_LONG;
		} else if (EVP_DigestSign(ctx, sig, &n, msg ? msg : pkey_empty, len) == 1) {
			*siglen = n;
			err = 0;
		}
	}
	EVP_MD_CTX_free(ctx);
	return err;
}

void cry_pkey_free(struct cry_pkey *k)
{
	/* EVP_PKEY_free clears the private numbers (BN_clear_free) as it frees them. */
	EVP_PKEY_free(pkey_evp(k));
}

#endif
