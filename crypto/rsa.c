/* sshtun: RSA signatures, PKCS #1 v1.5 (RFC 8017 8.2) with SHA-1/SHA-256/SHA-512 (RFC 8332), through libcrypto. */
#include "util/features.h"

#if SSHTUN_RSA
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "sshtun_err.h"
#include "crypto/pkey_int.h"

unsigned cry_rsa_bits(const uint8_t *n, size_t nlen)
{
	unsigned bits;
	uint8_t top;

	while (nlen > 0 && n[0] == 0) {
		n++;
		nlen--;
	}
	if (nlen == 0 || nlen > CRY_RSA_MAX_BITS / 8) {
		return nlen == 0 ? 0 : CRY_RSA_MAX_BITS + 1;
	}
	bits = (unsigned)(nlen - 1) * 8;
	for (top = n[0]; top; top >>= 1) {
		bits++;
	}
	return bits;
}

/* A public key from its big-endian modulus and exponent, or NULL. */
static EVP_PKEY *rsa_public(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	BIGNUM *bn = BN_bin2bn(n, (int)nlen, NULL), *be = BN_bin2bn(e, (int)elen, NULL);
	EVP_PKEY *k = NULL;

	if (bld && bn && be && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1 && (params = OSSL_PARAM_BLD_to_param(bld))) {
		k = pkey_fromdata("RSA", EVP_PKEY_PUBLIC_KEY, params);
	}
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return k;
}

int cry_rsa_check_public(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen)
{
	unsigned bits;

	if ((!n && nlen) || (!e && elen)) {
		return SSHTUN_ERR_INVAL;
	}
	bits = n ? cry_rsa_bits(n, nlen) : 0;
	/* An odd modulus of a sane size; an odd exponent of at least 3 (RFC 8017 3.1), at most the modulus' size. */
	if (bits < CRY_RSA_MIN_BITS || bits > CRY_RSA_MAX_BITS || !(n[nlen - 1] & 1) || elen == 0 || elen > nlen ||
	    !(e[elen - 1] & 1) || (elen == 1 && e[0] < 3)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	return 0;
}

int cry_rsa_verify(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen, int hash, const uint8_t *sig,
	size_t siglen, const void *msg, size_t len)
{
	uint8_t *padded = NULL;
	EVP_PKEY *k;
	size_t modlen;
	int err;

	if (!n || !e || (!sig && siglen) || (!msg && len)) {
		return SSHTUN_ERR_INVAL;
	}
	if (cry_rsa_check_public(n, nlen, e, elen) != 0) {
		return SSHTUN_ERR_HOSTKEY_SIG;
	}
	modlen = (cry_rsa_bits(n, nlen) + 7) / 8;
	/* A signature is the modulus' length; some signers drop leading zero bytes, which is the same number. */
	if (siglen == 0 || siglen > modlen) {
		return SSHTUN_ERR_HOSTKEY_SIG;
	}
	if (siglen < modlen) {
		padded = calloc(1, modlen);
		if (!padded) {
			return SSHTUN_ERR_NOMEM;
		}
		memcpy(padded + (modlen - siglen), sig, siglen);
		sig = padded;
	}
	k = rsa_public(n, nlen, e, elen);
	err = k ? pkey_verify(k, hash, sig, modlen, msg, len) : SSHTUN_ERR_HOSTKEY_SIG;
	EVP_PKEY_free(k);
	free(padded);
	return err;
}

int cry_rsa_private(struct cry_pkey **out, const struct cry_rsa_parts *parts)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	BN_CTX *bctx = NULL;
	BIGNUM *n = NULL, *e = NULL, *d = NULL, *iqmp = NULL, *p = NULL, *q = NULL, *dp = NULL, *dq = NULL, *t = NULL;
	EVP_PKEY *k = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int err = SSHTUN_ERR_NOMEM;

	if (!out || !parts) {
		return SSHTUN_ERR_INVAL;
	}
	*out = NULL;
	if (cry_rsa_check_public(parts->n, parts->n_len, parts->e, parts->e_len) != 0 || !parts->d_len ||
	    !parts->p_len || !parts->q_len || !parts->iqmp_len) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	bctx = BN_CTX_secure_new();
	n = BN_bin2bn(parts->n, (int)parts->n_len, NULL);
	e = BN_bin2bn(parts->e, (int)parts->e_len, NULL);
	d = BN_secure_new();
	iqmp = BN_secure_new();
	p = BN_secure_new();
	q = BN_secure_new();
	dp = BN_secure_new();
	dq = BN_secure_new();
	t = BN_secure_new();
	bld = OSSL_PARAM_BLD_new();
	if (!bctx || !n || !e || !d || !iqmp || !p || !q || !dp || !dq || !t || !bld ||
	    !BN_bin2bn(parts->d, (int)parts->d_len, d) || !BN_bin2bn(parts->iqmp, (int)parts->iqmp_len, iqmp) ||
	    !BN_bin2bn(parts->p, (int)parts->p_len, p) || !BN_bin2bn(parts->q, (int)parts->q_len, q)) {
		goto out;
	}
	/* The file holds d, p, q and q^-1 mod p; libcrypto also wants d mod (p-1) and d mod (q-1). */
	if (!BN_sub(t, p, BN_value_one()) || !BN_mod(dp, d, t, bctx) || !BN_sub(t, q, BN_value_one()) ||
	    !BN_mod(dq, d, t, bctx)) {
		goto out;
	}
	if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, iqmp) != 1 ||
	    !(params = OSSL_PARAM_BLD_to_param(bld))) {
		goto out;
	}
	err = SSHTUN_ERR_BAD_FORMAT;
	k = pkey_fromdata("RSA", EVP_PKEY_KEYPAIR, params);
	/* n = p q, e d = 1 mod lambda(n), and the CRT values agree: a key whose parts do not belong together is refused. */
	ctx = k ? EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL) : NULL;
	if (!ctx || EVP_PKEY_pairwise_check(ctx) != 1) {
		goto out;
	}
	*out = pkey_ours(k);
	k = NULL;
	err = 0;
out:
	if (err) {
		ERR_clear_error();
	}
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(k);
	OSSL_PARAM_free(params);	/* the private numbers in it came from secure BIGNUMs: cleared as freed */
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	BN_clear_free(d);
	BN_clear_free(iqmp);
	BN_clear_free(p);
	BN_clear_free(q);
	BN_clear_free(dp);
	BN_clear_free(dq);
	BN_clear_free(t);
	BN_CTX_free(bctx);
	return err;
}

int cry_rsa_sign(const struct cry_pkey *k, int hash, const void *msg, size_t len, uint8_t *sig, size_t sigmax, size_t *siglen)
{
	if (!k || !sig || !siglen) {
		return SSHTUN_ERR_INVAL;
	}
	return pkey_sign(pkey_evp(k), hash, msg, len, sig, sigmax, siglen);
}
#endif
