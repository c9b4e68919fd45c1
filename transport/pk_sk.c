/*
 * sshtun: FIDO security keys held by ssh-agent (OpenSSH's PROTOCOL.u2f): sk-ssh-ed25519@openssh.com and
 * sk-ecdsa-sha2-nistp256@openssh.com. The key is an Ed25519 or P-256 key plus an application string; a
 * signature covers SHA256(application) || flags || counter || SHA256(data) and carries flags and counter.
 */
#include "transport/pk_int.h"

#include <string.h>

#include "crypto/crypto.h"
#include "sshtun_err.h"

enum { SK_APP_MAX = 1024 };

/* The application string that ends a security key's blob. */
static int sk_application(struct pubkey *k, struct wire_r *r)
{
	struct wire_view app;

	if (wire_get_string(r, &app) || app.n == 0 || app.n > SK_APP_MAX) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	pk_set_view(k, &app, &k->b_off, &k->b_len);
	return 0;
}

int pk_sk_ed25519_parse(const struct pk_type *t, struct pubkey *k, struct wire_r *r)
{
	int err = pk_ed25519_parse(t, k, r);

	return err ? err : sk_application(k, r);
}

#if SSHTUN_ECDSA
int pk_sk_ecdsa_parse(const struct pk_type *t, struct pubkey *k, struct wire_r *r)
{
	int err = pk_ecdsa_parse(t, k, r);

	return err ? err : sk_application(k, r);
}
#endif

int pk_sk_message(const struct pubkey *k, uint8_t flags, uint32_t counter, const uint8_t *data, size_t n, uint8_t msg[69])
{
	int err = cry_hash(CRY_SHA256, k->blob + k->b_off, k->b_len, msg);

	if (err == 0) {
		msg[32] = flags;
		wire_poke_u32(msg + 33, counter);
		err = cry_hash(CRY_SHA256, data, n, msg + 37);
	}
	return err;
}
