/* sshtun: ecdsa-sha2-nistp256/384/521 keys and signatures (RFC 5656 3). */
#include "transport/pk_int.h"

#if SSHTUN_ECDSA
#include "crypto/crypto.h"
#include "sshtun_err.h"

int pk_ecdsa_parse(const struct pk_type *t, struct pubkey *k, struct wire_r *r)
{
	struct wire_view id, q;

	wire_get_string(r, &id);
	wire_get_string(r, &q);
	if (wire_err(r) || !wire_view_eq(&id, t->curve_id)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	if (cry_ecdsa_check_public(t->curve, q.p, q.n) != 0) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	pk_set_view(k, &q, &k->a_off, &k->a_len);
	k->bits = t->curve == CRY_P256 ? 256 : t->curve == CRY_P384 ? 384 : 521;
	return 0;
}

/* The signature is string(mpint r, mpint s). */
int pk_ecdsa_verify(const struct pk_type *t, const struct pubkey *k, int hash, const struct wire_view *sig,
	const uint8_t *data, size_t n)
{
	struct wire_r r;
	struct wire_view vr, vs;

	wire_r_init(&r, sig->p, sig->n);
	wire_get_mpint(&r, &vr);
	wire_get_mpint(&r, &vs);
	if (wire_end(&r)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	return cry_ecdsa_verify(t->curve, k->blob + k->a_off, k->a_len, hash, vr.p, vr.n, vs.p, vs.n, data, n) == 0 ?
		0 : SSHTUN_ERR_HOSTKEY_SIG;
}
#endif
