/* sshtun: curve25519-sha256 (RFC 8731), also under its older name curve25519-sha256@libssh.org. */
#include "sshtun_err.h"
#include "transport/tp_int.h"

enum { X25519_LEN = 32 };

static int x25519_init(const struct tp_kex_alg *a, const struct cry_dh_group *grp, uint8_t *priv, uint8_t *q,
	size_t *qlen)
{
	(void)a, (void)grp;
	*qlen = X25519_LEN;
	return cry_x25519_keypair(priv, q);
}

/* RFC 8731 3: a value of another length, or an all-zero shared secret (a low-order point), is refused. */
static int x25519_shared(const struct tp_kex_alg *a, const struct cry_dh_group *grp, const uint8_t *priv,
	const uint8_t *qs, size_t qslen, uint8_t *k, size_t *klen)
{
	(void)a, (void)grp;
	if (qslen != X25519_LEN) {
		return SSHTUN_ERR_KEX_FAILED;
	}
	*klen = X25519_LEN;
	return cry_x25519(k, priv, qs);
}

static int x25519_server(const struct tp_kex_alg *a, const struct cry_dh_group *grp, const uint8_t *qc, size_t qclen,
	uint8_t *qs, size_t *qslen, uint8_t *k, size_t *klen)
{
	uint8_t priv[X25519_LEN];
	int r;

	if ((r = x25519_init(a, grp, priv, qs, qslen)) == 0) {
		r = x25519_shared(a, grp, priv, qc, qclen, k, klen);
	}
	cry_wipe(priv, sizeof(priv));
	return r;
}

#define X25519_ROW(nm) { .name = nm, .hash = CRY_SHA256, .flow = TP_KEX_DIRECT, .priv_len = X25519_LEN, \
	.q_max = X25519_LEN, .qs_max = X25519_LEN, .k_max = X25519_LEN, .client_init = x25519_init, \
	.shared = x25519_shared, .server = x25519_server }

const struct tp_kex_alg tp_kex_curve25519 = X25519_ROW("curve25519-sha256");
const struct tp_kex_alg tp_kex_curve25519_libssh = X25519_ROW("curve25519-sha256@libssh.org");
