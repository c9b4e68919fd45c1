/*
 * sshtun: finite-field Diffie-Hellman: diffie-hellman-group14-sha256, group16-sha512, group18-sha512 (RFC 8268)
 * and diffie-hellman-group-exchange-sha256 (RFC 4419; the driver asks for and checks the group). e, f and K
 * are mpints.
 */
#include "util/features.h"

#if SSHTUN_DH
#include "sshtun_err.h"
#include "transport/tp_int.h"

static const struct cry_dh_group group14 = { .id = CRY_DH_GROUP14 };
static const struct cry_dh_group group16 = { .id = CRY_DH_GROUP16 };
static const struct cry_dh_group group18 = { .id = CRY_DH_GROUP18 };

/* The row's fixed group, or the server's for the group exchange. */
static const struct cry_dh_group *dh_group(const struct tp_kex_alg *a, const struct cry_dh_group *grp)
{
	return grp ? grp : a->param;
}

static int dh_init(const struct tp_kex_alg *a, const struct cry_dh_group *grp, uint8_t *priv, uint8_t *q, size_t *qlen)
{
	const struct cry_dh_group *g = dh_group(a, grp);

	return g ? cry_dh_keypair(g, priv, q, a->q_max, qlen) : SSHTUN_ERR_STATE;
}

static int dh_shared(const struct tp_kex_alg *a, const struct cry_dh_group *grp, const uint8_t *priv,
	const uint8_t *qs, size_t qslen, uint8_t *k, size_t *klen)
{
	const struct cry_dh_group *g = dh_group(a, grp);

	return g ? cry_dh_shared(g, priv, qs, qslen, k, a->k_max, klen) : SSHTUN_ERR_STATE;
}

static int dh_server(const struct tp_kex_alg *a, const struct cry_dh_group *grp, const uint8_t *qc, size_t qclen,
	uint8_t *qs, size_t *qslen, uint8_t *k, size_t *klen)
{
	uint8_t y[CRY_DH_EXP_BYTES];
	int r;

	if ((r = dh_init(a, grp, y, qs, qslen)) == 0) {
		r = dh_shared(a, grp, y, qc, qclen, k, klen);
	}
	cry_wipe(y, sizeof(y));
	return r;
}

#define DH_ROW(nm, h, fl, grp, bytes) { .name = nm, .hash = h, .flow = fl, .q_mpint = 1, .priv_len = CRY_DH_EXP_BYTES, \
	.q_max = bytes, .qs_max = bytes, .k_max = bytes, .param = grp, .client_init = dh_init, .shared = dh_shared, \
	.check_group = cry_dh_check_group, .server = dh_server }

const struct tp_kex_alg tp_kex_dh14 = DH_ROW("diffie-hellman-group14-sha256", CRY_SHA256, TP_KEX_DIRECT, &group14, 256);
const struct tp_kex_alg tp_kex_dh16 = DH_ROW("diffie-hellman-group16-sha512", CRY_SHA512, TP_KEX_DIRECT, &group16, 512);
const struct tp_kex_alg tp_kex_dh18 = DH_ROW("diffie-hellman-group18-sha512", CRY_SHA512, TP_KEX_DIRECT, &group18, 1024);
const struct tp_kex_alg tp_kex_dhgex = DH_ROW("diffie-hellman-group-exchange-sha256", CRY_SHA256, TP_KEX_GEX, NULL,
	CRY_DH_MAX_BYTES);

#endif
