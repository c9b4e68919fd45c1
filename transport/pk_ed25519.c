/* sshtun: ssh-ed25519 keys and signatures (RFC 8709). */
#include "transport/pk_int.h"

#include "crypto/crypto.h"
#include "sshtun_err.h"

enum { ED25519_PK_LEN = 32, ED25519_SIG_LEN = 64 };

int pk_ed25519_parse(const struct pk_type *t, struct pubkey *k, struct wire_r *r)
{
	struct wire_view a;

	(void)t;
	if (wire_get_string(r, &a) || a.n != ED25519_PK_LEN) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	pk_set_view(k, &a, &k->a_off, &k->a_len);
	k->bits = 256;
	return 0;
}

int pk_ed25519_verify(const struct pk_type *t, const struct pubkey *k, int hash, const struct wire_view *sig,
	const uint8_t *data, size_t n)
{
	(void)t;
	(void)hash;
	if (sig->n != ED25519_SIG_LEN) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	return cry_ed25519_verify(k->blob + k->a_off, sig->p, data, n) == 0 ? 0 : SSHTUN_ERR_HOSTKEY_SIG;
}
