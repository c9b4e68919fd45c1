/* sshtun: ssh-rsa keys; rsa-sha2-512, rsa-sha2-256 (RFC 8332) and ssh-rsa (SHA-1) signatures. */
#include "transport/pk_int.h"

#if SSHTUN_RSA
#include "crypto/crypto.h"
#include "sshtun_err.h"

/* The blob holds mpint e, then mpint n (RFC 4253 6.6). */
int pk_rsa_parse(const struct pk_type *t, struct pubkey *k, struct wire_r *r)
{
	struct wire_view e, n;

	(void)t;
	wire_get_mpint(r, &e);
	wire_get_mpint(r, &n);
	if (wire_err(r) || cry_rsa_check_public(n.p, n.n, e.p, e.n) != 0) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	pk_set_view(k, &e, &k->a_off, &k->a_len);
	pk_set_view(k, &n, &k->b_off, &k->b_len);
	k->bits = cry_rsa_bits(n.p, n.n);
	return 0;
}

int pk_rsa_verify(const struct pk_type *t, const struct pubkey *k, int hash, const struct wire_view *sig,
	const uint8_t *data, size_t n)
{
	(void)t;
	return cry_rsa_verify(k->blob + k->b_off, k->b_len, k->blob + k->a_off, k->a_len, hash, sig->p, sig->n, data, n) == 0 ?
		0 : SSHTUN_ERR_HOSTKEY_SIG;
}
#endif
