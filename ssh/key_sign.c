/* sshtun: signing with a private key of each type, and handing one to ssh-agent (AddKeysToAgent). */
#include "ssh/key.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "sshtun_err.h"
#include "util/features.h"

enum { ED25519_SIG_LEN = 64 };

#if SSHTUN_ECDSA
/* string(mpint r, mpint s) */
static int key_sign_ecdsa(const struct privkey *k, int hash, const uint8_t *data, size_t n, struct wire_w *raw)
{
	uint8_t r[CRY_ECDSA_SCALAR_MAX], s[CRY_ECDSA_SCALAR_MAX];
	size_t rlen = 0, slen = 0;
	int err = cry_ecdsa_sign(k->pk, hash, data, n, r, &rlen, s, &slen);

	if (err == 0) {
		wire_put_mpint(raw, r, rlen);
		err = wire_put_mpint(raw, s, slen);
	}
	return err;
}
#endif

#if SSHTUN_RSA
static int key_sign_rsa(const struct privkey *k, int hash, const uint8_t *data, size_t n, struct wire_w *raw)
{
	uint8_t *sig = wire_put_space(raw, CRY_RSA_SIG_MAX);
	size_t len = 0;
	int err;

	if (!sig) {
		return wire_w_err(raw);
	}
	err = cry_rsa_sign(k->pk, hash, data, n, sig, CRY_RSA_SIG_MAX, &len);
	raw->len -= CRY_RSA_SIG_MAX - len;
	return err;
}
#endif

int key_sign(const struct privkey *k, const char *alg, const uint8_t *data, size_t n, struct wire_w *sig)
{
	uint8_t edsig[ED25519_SIG_LEN];
	struct wire_w raw;
	int hash, err;

	if (!k || !sig || (!data && n)) {
		return SSHTUN_ERR_INVAL;
	}
	if (!alg) {
		alg = k->pub.type == PK_RSA ? "rsa-sha2-512" : pubkey_type_name(k->pub.type);
	}
	hash = pubkey_sigalg_hash(alg, strlen(alg));
	if (hash < 0 || pubkey_sigalg_key_type(alg, strlen(alg)) != k->pub.type) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	wire_w_init(&raw, CRY_RSA_SIG_MAX + 64);
	switch (k->pub.type) {
	case PK_ED25519:
		err = cry_ed25519_sign(edsig, k->ed25519_sk, data, n);
		if (err == 0) {
			err = wire_put_raw(&raw, edsig, sizeof(edsig));
		}
		cry_wipe(edsig, sizeof(edsig));
		break;
#if SSHTUN_ECDSA
	case PK_ECDSA_P256:
	case PK_ECDSA_P384:
	case PK_ECDSA_P521:
		err = key_sign_ecdsa(k, hash, data, n, &raw);
		break;
#endif
#if SSHTUN_RSA
	case PK_RSA:
		err = key_sign_rsa(k, hash, data, n, &raw);
		break;
#endif
	default:
		err = SSHTUN_ERR_NOT_SUPPORTED;
		break;
	}
	if (err == 0) {
		wire_put_cstring(sig, alg);
		err = wire_put_string(sig, raw.p, raw.len);
	}
	wire_w_free(&raw);
	return err;
}

#if SSHTUN_AGENT
int key_put_private(const struct privkey *k, struct wire_w *w)
{
	int err = 0;

	if (!k || !w || k->pub.type == PK_NONE) {
		return SSHTUN_ERR_INVAL;
	}
	wire_put_cstring(w, pubkey_type_name(k->pub.type));
	switch (k->pub.type) {
	case PK_ED25519:
		wire_put_string(w, k->pub.blob + k->pub.a_off, k->pub.a_len);
		wire_put_string(w, k->ed25519_sk, sizeof(k->ed25519_sk));
		break;
#if SSHTUN_ECDSA
	case PK_ECDSA_P256:
	case PK_ECDSA_P384:
	case PK_ECDSA_P521: {
		static const char *const ids[] = { [PK_ECDSA_P256] = "nistp256", [PK_ECDSA_P384] = "nistp384",
			[PK_ECDSA_P521] = "nistp521" };
		uint8_t d[CRY_ECDSA_SCALAR_MAX];
		size_t dlen = 0;

		err = cry_pkey_ec_private(k->pk, d, sizeof(d), &dlen);
		wire_put_cstring(w, ids[k->pub.type]);
		wire_put_string(w, k->pub.blob + k->pub.a_off, k->pub.a_len);
		wire_put_mpint(w, d, dlen);
		cry_wipe(d, sizeof(d));
		break;
	}
#endif
#if SSHTUN_RSA
	case PK_RSA: {
		struct cry_rsa_out *o = malloc(sizeof(*o));

		if (!o) {
			return SSHTUN_ERR_NOMEM;
		}
		err = cry_pkey_rsa_private(k->pk, o);
		if (err == 0) {
			wire_put_mpint(w, o->n, o->n_len);
			wire_put_mpint(w, o->e, o->e_len);
			wire_put_mpint(w, o->d, o->d_len);
			wire_put_mpint(w, o->iqmp, o->iqmp_len);
			wire_put_mpint(w, o->p, o->p_len);
			wire_put_mpint(w, o->q, o->q_len);
		}
		cry_wipe(o, sizeof(*o));
		free(o);
		break;
	}
#endif
	default:
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	return err ? err : wire_w_err(w);
}
#endif /* SSHTUN_AGENT: only AddKeysToAgent writes a private key out */

