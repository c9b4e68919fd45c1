/* sshtun: ecdh-sha2-nistp256/384/521 (RFC 5656 4, 6.2): ephemeral ECDH, Q as an uncompressed point, K its x. */
#include "util/features.h"

#if SSHTUN_ECDH_NIST
#include "sshtun_err.h"
#include "transport/tp_int.h"

static const int curve_p256 = CRY_P256, curve_p384 = CRY_P384, curve_p521 = CRY_P521;

static int ecdh_init(const struct tp_kex_alg *a, const struct cry_dh_group *grp, uint8_t *priv, uint8_t *q,
	size_t *qlen)
{
	(void)grp;
	return cry_ecdh_keypair(*(const int *)a->param, priv, q, a->q_max, qlen);
}

static int ecdh_shared(const struct tp_kex_alg *a, const struct cry_dh_group *grp, const uint8_t *priv,
	const uint8_t *qs, size_t qslen, uint8_t *k, size_t *klen)
{
	(void)grp;
	return cry_ecdh_shared(*(const int *)a->param, priv, qs, qslen, k, a->k_max, klen);
}

static int ecdh_server(const struct tp_kex_alg *a, const struct cry_dh_group *grp, const uint8_t *qc, size_t qclen,
	uint8_t *qs, size_t *qslen, uint8_t *k, size_t *klen)
{
	uint8_t d[CRY_ECDSA_SCALAR_MAX];
	int r;

	if ((r = ecdh_init(a, grp, d, qs, qslen)) == 0) {
		r = ecdh_shared(a, grp, d, qc, qclen, k, klen);
	}
	cry_wipe(d, sizeof(d));
	return r;
}

/* The private scalar and K have the field's length n; points are 1 + 2n bytes. */
#define ECDH_ROW(nm, h, c, n) { .name = nm, .hash = h, .flow = TP_KEX_DIRECT, .priv_len = n, .q_max = 1 + 2 * n, \
	.qs_max = 1 + 2 * n, .k_max = n, .param = &c, .client_init = ecdh_init, .shared = ecdh_shared, \
	.server = ecdh_server }

const struct tp_kex_alg tp_kex_ecdh_p256 = ECDH_ROW("ecdh-sha2-nistp256", CRY_SHA256, curve_p256, 32);
const struct tp_kex_alg tp_kex_ecdh_p384 = ECDH_ROW("ecdh-sha2-nistp384", CRY_SHA384, curve_p384, 48);
const struct tp_kex_alg tp_kex_ecdh_p521 = ECDH_ROW("ecdh-sha2-nistp521", CRY_SHA512, curve_p521, 66);

#endif
