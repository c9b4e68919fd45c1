/* sshtun: ephemeral ECDH over NIST P-256, P-384 and P-521 (RFC 5656 4, SEC 1 3.3.1) through libcrypto's EC_POINT. */
#include "util/features.h"

#if SSHTUN_ECDH_NIST
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"

struct ecdh_curve {
	int curve;
	int nid;
	size_t len;		/* bytes of a field element or scalar */
};

static const struct ecdh_curve ecdh_curves[] = {
	{ CRY_P256, NID_X9_62_prime256v1, 32 },
	{ CRY_P384, NID_secp384r1, 48 },
	{ CRY_P521, NID_secp521r1, 66 },
};

static const struct ecdh_curve *ecdh_find(int curve)
{
	for (size_t i = 0; i < sizeof(ecdh_curves) / sizeof(ecdh_curves[0]); i++) {
		if (ecdh_curves[i].curve == curve) {
			return &ecdh_curves[i];
		}
	}
	return NULL;
}

/* d * P (P NULL: the generator) as an uncompressed point into q; d as big-endian bytes of c->len. */
static int ecdh_mul(const struct ecdh_curve *c, EC_GROUP *g, const uint8_t *d, const EC_POINT *p, EC_POINT *out,
	BN_CTX *bx)
{
	BIGNUM *k = BN_secure_new();
	int ok;

	if (!k || !BN_bin2bn(d, (int)c->len, k)) {
		BN_clear_free(k);
		return SSHTUN_ERR_CRYPTO;
	}
	BN_set_flags(k, BN_FLG_CONSTTIME);
	ok = p ? EC_POINT_mul(g, out, NULL, p, k, bx) : EC_POINT_mul(g, out, k, NULL, NULL, bx);
	BN_clear_free(k);
	return ok == 1 && !EC_POINT_is_at_infinity(g, out) ? 0 : SSHTUN_ERR_KEX_FAILED;
}

int cry_ecdh_keypair(int curve, uint8_t *d, uint8_t *q, size_t qmax, size_t *qlen)
{
	const struct ecdh_curve *c = ecdh_find(curve);
	EC_GROUP *g = c ? EC_GROUP_new_by_curve_name(c->nid) : NULL;
	EC_POINT *pt = g ? EC_POINT_new(g) : NULL;
	BN_CTX *bx = BN_CTX_secure_new();
	BIGNUM *k = BN_secure_new();
	int r = SSHTUN_ERR_CRYPTO;

	if (!c || 1 + 2 * c->len > qmax) {
		r = SSHTUN_ERR_INVAL;
		goto out;
	}
	if (!g || !pt || !bx || !k) {
		goto out;
	}
	/* d uniform in [1, n-1] (SEC 1 3.2.1). */
	do {
		if (BN_priv_rand_range(k, EC_GROUP_get0_order(g)) != 1) {
			goto out;
		}
	} while (BN_is_zero(k));
	if (BN_bn2binpad(k, d, (int)c->len) != (int)c->len) {
		goto out;
	}
	if ((r = ecdh_mul(c, g, d, NULL, pt, bx)) != 0) {
		goto out;
	}
	*qlen = EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, q, qmax, bx);
	r = *qlen == 1 + 2 * c->len ? 0 : SSHTUN_ERR_CRYPTO;
out:
	BN_clear_free(k);
	BN_CTX_free(bx);
	EC_POINT_free(pt);
	EC_GROUP_free(g);
	ERR_clear_error();
	return r;
}

int cry_ecdh_shared(int curve, const uint8_t *d, const uint8_t *peer, size_t peerlen, uint8_t *k, size_t kmax,
	size_t *klen)
{
	const struct ecdh_curve *c = ecdh_find(curve);
	EC_GROUP *g = c ? EC_GROUP_new_by_curve_name(c->nid) : NULL;
	EC_POINT *p = g ? EC_POINT_new(g) : NULL, *s = g ? EC_POINT_new(g) : NULL;
	BN_CTX *bx = BN_CTX_secure_new();
	BIGNUM *x = BN_secure_new();
	int r = SSHTUN_ERR_CRYPTO;

	if (!c || kmax < c->len) {
		r = SSHTUN_ERR_INVAL;
		goto out;
	}
	if (!g || !p || !s || !bx || !x) {
		goto out;
	}
	/*
	 * The peer's value must be an uncompressed point of the curve (RFC 5656 4, SP 800-56A 5.6.2.3.4: the NIST
	 * curves have cofactor 1, so a point of the curve other than infinity has the right order). The length
	 * admits the uncompressed form only; oct2point checks the curve equation (and so refuses (0, 0)).
	 */
	if (peerlen != 1 + 2 * c->len || peer[0] != 0x04 || EC_POINT_oct2point(g, p, peer, peerlen, bx) != 1) {
		r = SSHTUN_ERR_KEX_FAILED;
		goto out;
	}
	if ((r = ecdh_mul(c, g, d, p, s, bx)) != 0) {
		goto out;
	}
	/* K is the x coordinate of d * Q_peer (SEC 1 3.3.1), as a field element's bytes. */
	if (EC_POINT_get_affine_coordinates(g, s, x, NULL, bx) != 1 || BN_bn2binpad(x, k, (int)c->len) != (int)c->len) {
		r = SSHTUN_ERR_CRYPTO;
		goto out;
	}
	*klen = c->len;
	r = 0;
out:
	BN_clear_free(x);
	BN_CTX_free(bx);
	EC_POINT_clear_free(s);
	EC_POINT_free(p);
	EC_GROUP_free(g);
	ERR_clear_error();
	return r;
}

#endif
