/* sshtun: ECDSA over NIST P-256, P-384 and P-521 (FIPS 186-4; RFC 5656 for SSH's use) through libcrypto. */
#include "util/features.h"

#if SSHTUN_ECDSA
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "sshtun_err.h"
#include "crypto/pkey_int.h"

enum { ECDSA_DER_MAX = 2 * CRY_ECDSA_SCALAR_MAX + 16 };

struct ecdsa_curve {
	int curve;
	const char *group;	/* libcrypto's name */
	size_t scalar;		/* bytes of an element or scalar */
};

static const struct ecdsa_curve ecdsa_curves[] = {
	{ CRY_P256, "prime256v1", 32 },
	{ CRY_P384, "secp384r1", 48 },
	{ CRY_P521, "secp521r1", 66 },
};

static const struct ecdsa_curve *ecdsa_find(int curve)
{
	for (size_t i = 0; i < sizeof(ecdsa_curves) / sizeof(ecdsa_curves[0]); i++) {
		if (ecdsa_curves[i].curve == curve) {
			return &ecdsa_curves[i];
		}
	}
	return NULL;
}

size_t cry_ecdsa_scalar_len(int curve)
{
	const struct ecdsa_curve *c = ecdsa_find(curve);

	return c ? c->scalar : 0;
}

/* The public key q (uncompressed point 04 || x || y) as a libcrypto key, or NULL if it is no point of the curve. */
static EVP_PKEY *ecdsa_public(const struct ecdsa_curve *c, const uint8_t *q, size_t qlen)
{
	OSSL_PARAM params[3];
	EVP_PKEY *k;
	EVP_PKEY_CTX *ctx;
	int ok = 0;

	if (qlen != 1 + 2 * c->scalar || q[0] != 0x04) {
		return NULL;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)c->group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)q, qlen);
	params[2] = OSSL_PARAM_construct_end();
	k = pkey_fromdata("EC", EVP_PKEY_PUBLIC_KEY, params);
	if (!k) {
		return NULL;
	}
	/* On the curve, not the point at infinity, of the right order (RFC 5656 3.1; SP 800-56A 5.6.2.3). */
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
	ok = ctx && EVP_PKEY_public_check(ctx) == 1;
	EVP_PKEY_CTX_free(ctx);
	if (!ok) {
		EVP_PKEY_free(k);
		ERR_clear_error();
		return NULL;
	}
	return k;
}

int cry_ecdsa_check_public(int curve, const uint8_t *q, size_t qlen)
{
	const struct ecdsa_curve *c = ecdsa_find(curve);
	EVP_PKEY *k;

	if (!c || (!q && qlen)) {
		return SSHTUN_ERR_INVAL;
	}
	k = q ? ecdsa_public(c, q, qlen) : NULL;
	if (!k) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	EVP_PKEY_free(k);
	return 0;
}

int cry_ecdsa_verify(int curve, const uint8_t *q, size_t qlen, int hash, const uint8_t *r, size_t rlen,
	const uint8_t *s, size_t slen, const void *msg, size_t len)
{
	const struct ecdsa_curve *c = ecdsa_find(curve);
	ECDSA_SIG *sig = NULL;
	BIGNUM *br = NULL, *bs = NULL;
	EVP_PKEY *k = NULL;
	uint8_t der[ECDSA_DER_MAX], *p = der;
	int derlen, err = SSHTUN_ERR_HOSTKEY_SIG;

	if (!c || !q || (!r && rlen) || (!s && slen) || (!msg && len)) {
		return SSHTUN_ERR_INVAL;
	}
	/* r and s are in [1, n-1]: never zero, never longer than the order (libcrypto checks the range). */
	if (rlen == 0 || slen == 0 || rlen > c->scalar || slen > c->scalar) {
		return SSHTUN_ERR_HOSTKEY_SIG;
	}
	k = ecdsa_public(c, q, qlen);
	sig = ECDSA_SIG_new();
	br = BN_bin2bn(r, (int)rlen, NULL);
	bs = BN_bin2bn(s, (int)slen, NULL);
	if (!k || !sig || !br || !bs || ECDSA_SIG_set0(sig, br, bs) != 1) {
		err = k ? SSHTUN_ERR_NOMEM : SSHTUN_ERR_HOSTKEY_SIG;
		BN_free(br);
		BN_free(bs);
		goto out;
	}
	derlen = i2d_ECDSA_SIG(sig, NULL);
	if (derlen <= 0 || derlen > (int)sizeof(der) || i2d_ECDSA_SIG(sig, &p) != derlen) {
		goto out;
	}
	err = pkey_verify(k, hash, der, (size_t)derlen, msg, len);
out:
	ECDSA_SIG_free(sig);
	EVP_PKEY_free(k);
	return err;
}

int cry_ecdsa_private(struct cry_pkey **out, int curve, const uint8_t *q, size_t qlen, const uint8_t *d, size_t dlen)
{
	const struct ecdsa_curve *c = ecdsa_find(curve);
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	BIGNUM *bd = NULL;
	EVP_PKEY *k = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int err = SSHTUN_ERR_BAD_FORMAT;

	if (!out || !c || !q || !d) {
		return SSHTUN_ERR_INVAL;
	}
	*out = NULL;
	if (qlen != 1 + 2 * c->scalar || q[0] != 0x04 || dlen == 0 || dlen > c->scalar) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	bld = OSSL_PARAM_BLD_new();
	bd = BN_secure_new();
	if (!bld || !bd || !BN_bin2bn(d, (int)dlen, bd) ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, c->group, 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, q, qlen) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bd) != 1 || !(params = OSSL_PARAM_BLD_to_param(bld))) {
		err = SSHTUN_ERR_NOMEM;
		goto out;
	}
	k = pkey_fromdata("EC", EVP_PKEY_KEYPAIR, params);
	if (!k) {
		goto out;
	}
	/* The point must be valid and be d times the generator; d in [1, n-1]. */
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
	if (!ctx || EVP_PKEY_public_check(ctx) != 1 || EVP_PKEY_private_check(ctx) != 1 || EVP_PKEY_pairwise_check(ctx) != 1) {
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
	BN_clear_free(bd);
	return err;
}

int cry_ecdsa_sign(const struct cry_pkey *k, int hash, const void *msg, size_t len,
	uint8_t r[CRY_ECDSA_SCALAR_MAX], size_t *rlen, uint8_t s[CRY_ECDSA_SCALAR_MAX], size_t *slen)
{
	uint8_t der[ECDSA_DER_MAX];
	const uint8_t *p = der;
	const BIGNUM *br = NULL, *bs = NULL;
	ECDSA_SIG *sig = NULL;
	size_t derlen = 0;
	int err;

	if (!k || !r || !s || !rlen || !slen) {
		return SSHTUN_ERR_INVAL;
	}
	*rlen = *slen = 0;
	err = pkey_sign(pkey_evp(k), hash, msg, len, der, sizeof(der), &derlen);
	if (err) {
		return err;
	}
	sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	if (!sig) {
		return SSHTUN_ERR_CRYPTO;
	}
	ECDSA_SIG_get0(sig, &br, &bs);
	if (BN_num_bytes(br) > CRY_ECDSA_SCALAR_MAX || BN_num_bytes(bs) > CRY_ECDSA_SCALAR_MAX) {
		err = SSHTUN_ERR_CRYPTO;
	} else {
		*rlen = (size_t)BN_bn2bin(br, r);
		*slen = (size_t)BN_bn2bin(bs, s);
	}
	ECDSA_SIG_free(sig);
	return err;
}
#endif
