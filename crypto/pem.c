/* sshtun: private keys in PEM (PKCS#1 RSA, SEC1 EC, PKCS#8, each maybe encrypted), read by libcrypto. */
#include "util/features.h"

/* libcrypto reads PEM: left out of a build without it (util/features.h). */
#if SSHTUN_PEM
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "sshtun_err.h"
#include "crypto/pkey_int.h"

struct pem_pass {
	const char *pass;
	int asked;
};

/* libcrypto asks for the passphrase only if the key is encrypted; without one, decoding fails. */
static int pem_pass_cb(char *buf, int size, int rwflag, void *ud)
{
	struct pem_pass *p = ud;
	size_t n;

	(void)rwflag;
	p->asked = 1;
	if (!p->pass) {
		return -1;
	}
	n = strlen(p->pass);
	if (n > (size_t)size) {
		return -1;
	}
	memcpy(buf, p->pass, n);
	return (int)n;
}

/* 1 if the PEM text says it is encrypted (legacy Proc-Type header, or PKCS#8 ENCRYPTED PRIVATE KEY). */
static int pem_encrypted(const uint8_t *text, size_t n)
{
	static const char *const marks[] = { "Proc-Type: 4,ENCRYPTED", "BEGIN ENCRYPTED PRIVATE KEY" };

	for (size_t m = 0; m < 2; m++) {
		size_t len = strlen(marks[m]);

		for (size_t i = 0; i + len <= n; i++) {
			if (memcmp(text + i, marks[m], len) == 0) {
				return 1;
			}
		}
	}
	return 0;
}

int cry_pem_private(const uint8_t *text, size_t n, const char *pass, struct cry_pkey **out, int *kind,
	uint8_t ed25519_seed[32])
{
	struct pem_pass pp = { pass, 0 };
	EVP_PKEY *k = NULL;
	BIO *bio;
	int err = 0;

	if (!text || !out || !kind || !ed25519_seed || n > (size_t)INT32_MAX) {
		return SSHTUN_ERR_INVAL;
	}
	*out = NULL;
	*kind = 0;
	if (!pass && pem_encrypted(text, n)) {
		return SSHTUN_ERR_KEY_ENCRYPTED;
	}
	bio = BIO_new_mem_buf(text, (int)n);
	if (!bio) {
		return SSHTUN_ERR_NOMEM;
	}
	k = PEM_read_bio_PrivateKey(bio, NULL, pem_pass_cb, &pp);
	BIO_free(bio);
	ERR_clear_error();	/* libcrypto's error queue is per thread: leave nothing behind for others */
	if (!k) {
		return pp.asked && pass ? SSHTUN_ERR_KEY_BAD_PASS : pp.asked ? SSHTUN_ERR_KEY_ENCRYPTED : SSHTUN_ERR_KEY_FILE;
	}
	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_EC: {
		/*
		 * libcrypto takes a PEM key's numbers as they are: a damaged file (CRT values that do not fit n and d, a
		 * point that is not d G) would load and only ever make signatures that fail. Check they are one key,
		 * as for OpenSSH's format (the fuzzer found such a file).
		 */
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
		int ok = ctx && EVP_PKEY_pairwise_check(ctx) == 1 &&
			 (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC || EVP_PKEY_public_check(ctx) == 1);

		EVP_PKEY_CTX_free(ctx);
		ERR_clear_error();
		if (!ok) {
			EVP_PKEY_free(k);
			return SSHTUN_ERR_KEY_FILE;
		}
		*kind = EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA ? CRY_PEM_RSA : CRY_PEM_EC;
		break;
	}
	case EVP_PKEY_ED25519: {
		size_t len = 32;

		*kind = CRY_PEM_ED25519;
		if (EVP_PKEY_get_raw_private_key(k, ed25519_seed, &len) != 1 || len != 32) {
			err = SSHTUN_ERR_KEY_FILE;
		}
		EVP_PKEY_free(k);
		return err;
	}
	default:
		EVP_PKEY_free(k);
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	*out = pkey_ours(k);
	return 0;
}

int cry_pkey_rsa_public(const struct cry_pkey *k, uint8_t *n, size_t nmax, size_t *nlen, uint8_t *e, size_t emax, size_t *elen)
{
	BIGNUM *bn = NULL, *be = NULL;
	int err = SSHTUN_ERR_KEY_FILE;

	if (!k || !n || !e || !nlen || !elen) {
		return SSHTUN_ERR_INVAL;
	}
	if (EVP_PKEY_get_bn_param(pkey_evp(k), OSSL_PKEY_PARAM_RSA_N, &bn) == 1 &&
	    EVP_PKEY_get_bn_param(pkey_evp(k), OSSL_PKEY_PARAM_RSA_E, &be) == 1 && (size_t)BN_num_bytes(bn) <= nmax &&
	    (size_t)BN_num_bytes(be) <= emax) {
		*nlen = (size_t)BN_bn2bin(bn, n);
		*elen = (size_t)BN_bn2bin(be, e);
		err = 0;
	}
	BN_free(bn);
	BN_free(be);
	return err;
}

int cry_pkey_ec_public(const struct cry_pkey *k, int *curve, uint8_t *q, size_t qmax, size_t *qlen)
{
	char group[64];
	size_t glen = 0;

	if (!k || !curve || !q || !qlen) {
		return SSHTUN_ERR_INVAL;
	}
	*curve = 0;
	if (EVP_PKEY_get_utf8_string_param(pkey_evp(k), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &glen) != 1) {
		return SSHTUN_ERR_KEY_FILE;
	}
	if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0) {
		*curve = CRY_P256;
	} else if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0) {
		*curve = CRY_P384;
	} else if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0) {
		*curve = CRY_P521;
	} else {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	/* The encoded public key is the uncompressed point unless the file asked otherwise; the caller checks. */
	if (EVP_PKEY_get_octet_string_param(pkey_evp(k), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, q, qmax, qlen) != 1) {
		return SSHTUN_ERR_KEY_FILE;
	}
	return 0;
}

/* One BIGNUM parameter of k into out (big-endian magnitude). */
static int pkey_bn(const struct cry_pkey *k, const char *name, uint8_t *out, size_t outmax, size_t *outlen)
{
	BIGNUM *bn = NULL;
	int err = SSHTUN_ERR_CRYPTO;

	if (EVP_PKEY_get_bn_param(pkey_evp(k), name, &bn) == 1 && (size_t)BN_num_bytes(bn) <= outmax) {
		*outlen = (size_t)BN_bn2bin(bn, out);
		err = 0;
	}
	BN_clear_free(bn);
	return err;
}

int cry_pkey_rsa_private(const struct cry_pkey *k, struct cry_rsa_out *o)
{
	if (!k || !o) {
		return SSHTUN_ERR_INVAL;
	}
	if (pkey_bn(k, OSSL_PKEY_PARAM_RSA_N, o->n, sizeof(o->n), &o->n_len) || pkey_bn(k, OSSL_PKEY_PARAM_RSA_E, o->e, sizeof(o->e), &o->e_len) ||
	    pkey_bn(k, OSSL_PKEY_PARAM_RSA_D, o->d, sizeof(o->d), &o->d_len) ||
	    pkey_bn(k, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, o->iqmp, sizeof(o->iqmp), &o->iqmp_len) ||
	    pkey_bn(k, OSSL_PKEY_PARAM_RSA_FACTOR1, o->p, sizeof(o->p), &o->p_len) ||
	    pkey_bn(k, OSSL_PKEY_PARAM_RSA_FACTOR2, o->q, sizeof(o->q), &o->q_len)) {
		cry_wipe(o, sizeof(*o));
		return SSHTUN_ERR_CRYPTO;
	}
	return 0;
}

int cry_pkey_ec_private(const struct cry_pkey *k, uint8_t *d, size_t dmax, size_t *dlen)
{
	if (!k || !d || !dlen) {
		return SSHTUN_ERR_INVAL;
	}
	return pkey_bn(k, OSSL_PKEY_PARAM_PRIV_KEY, d, dmax, dlen);
}

#endif
