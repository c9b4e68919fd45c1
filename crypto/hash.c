/* sshtun: SHA-1/SHA-2 hashes and HMAC over OpenSSL 3 libcrypto (EVP). */
#include "util/features.h"

/* Without libcrypto, crypto/hash_sodium.c has these functions. */
#if SSHTUN_OPENSSL
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"

/* A non-NULL pointer for empty inputs: some library paths dislike (NULL, 0). */
static const uint8_t hash_empty[1] = { 0 };

static const EVP_MD *hash_md(int alg)
{
	switch (alg) {
	case CRY_SHA1:
		return EVP_sha1();
	case CRY_SHA256:
		return EVP_sha256();
	case CRY_SHA384:
		return EVP_sha384();
	case CRY_SHA512:
		return EVP_sha512();
	default:
		return NULL;
	}
}

int cry_hash(int alg, const void *data, size_t len, uint8_t *out)
{
	const EVP_MD *md = hash_md(alg);
	unsigned int outl = 0;

	if (md == NULL || out == NULL || (data == NULL && len != 0)) {
		return SSHTUN_ERR_INVAL;
	}
	if (data == NULL) {
		data = hash_empty;
	}
	if (EVP_Digest(data, len, out, &outl, md, NULL) != 1 || outl != cry_hash_len(alg)) {
		return SSHTUN_ERR_CRYPTO;
	}
	return 0;
}

int cry_hash_init(struct cry_hash_ctx *c, int alg)
{
	const EVP_MD *md = hash_md(alg);
	EVP_MD_CTX *mdc = NULL;
	int r = SSHTUN_ERR_CRYPTO;

	if (c == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	c->md = NULL;
	c->alg = 0;
	if (md == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	mdc = EVP_MD_CTX_new();
	if (mdc == NULL) {
		r = SSHTUN_ERR_NOMEM;
		goto out;
	}
	if (EVP_DigestInit_ex(mdc, md, NULL) != 1) {
		goto out;
	}
	c->md = mdc;
	c->alg = alg;
	mdc = NULL;
	r = 0;
out:
	EVP_MD_CTX_free(mdc);
	return r;
}

int cry_hash_update(struct cry_hash_ctx *c, const void *data, size_t len)
{
	if (c == NULL || c->md == NULL || (data == NULL && len != 0)) {
		return SSHTUN_ERR_INVAL;
	}
	if (len == 0) {
		return 0;
	}
	if (EVP_DigestUpdate(c->md, data, len) != 1) {
		return SSHTUN_ERR_CRYPTO;
	}
	return 0;
}

int cry_hash_final(struct cry_hash_ctx *c, uint8_t *out)
{
	unsigned int outl = 0;

	if (c == NULL || c->md == NULL || out == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	if (EVP_DigestFinal_ex(c->md, out, &outl) != 1 || outl != cry_hash_len(c->alg)) {
		return SSHTUN_ERR_CRYPTO;
	}
	return 0;
}

void cry_hash_free(struct cry_hash_ctx *c)
{
	if (c == NULL) {
		return;
	}
	/* EVP_MD_CTX_free cleanses the digest state. */
	EVP_MD_CTX_free(c->md);
	c->md = NULL;
	c->alg = 0;
}

int cry_hmac(int alg, const void *key, size_t keylen, const void *data, size_t len, uint8_t *out)
{
	const EVP_MD *md = hash_md(alg);
	unsigned int outl = 0;

	if (md == NULL || out == NULL || (key == NULL && keylen != 0) || (data == NULL && len != 0)) {
		return SSHTUN_ERR_INVAL;
	}
	if (keylen > INT32_MAX) {
		return SSHTUN_ERR_TOO_LONG;
	}
	if (key == NULL) {
		key = hash_empty;
	}
	if (data == NULL) {
		data = hash_empty;
	}
	if (HMAC(md, key, (int)keylen, data, len, out, &outl) == NULL || outl != cry_hash_len(alg)) {
		return SSHTUN_ERR_CRYPTO;
	}
	return 0;
}

#endif
