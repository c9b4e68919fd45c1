/* sshtun: public keys in SSH wire form: the key-type and signature-algorithm tables, parsing, checks, fingerprints. */
#include "transport/pubkey.h"

#include <string.h>

#include "crypto/crypto.h"
#include "sshtun_err.h"
#include "transport/pk_int.h"
#include "util/wire.h"

enum { SHA256_LEN = 32 };

static const char fp_prefix[] = "SHA256:";

/* Every key type this build knows; the parse and verify functions are in one file per algorithm. */
static const struct pk_type pk_types[] = {
	{ PK_ED25519, "ssh-ed25519", 0, NULL, pk_ed25519_parse, pk_ed25519_verify, 0 },
#if SSHTUN_ECDSA
	{ PK_ECDSA_P256, "ecdsa-sha2-nistp256", CRY_P256, "nistp256", pk_ecdsa_parse, pk_ecdsa_verify, 0 },
	{ PK_ECDSA_P384, "ecdsa-sha2-nistp384", CRY_P384, "nistp384", pk_ecdsa_parse, pk_ecdsa_verify, 0 },
	{ PK_ECDSA_P521, "ecdsa-sha2-nistp521", CRY_P521, "nistp521", pk_ecdsa_parse, pk_ecdsa_verify, 0 },
#endif
#if SSHTUN_RSA
	{ PK_RSA, "ssh-rsa", 0, NULL, pk_rsa_parse, pk_rsa_verify, 0 },
#endif
	{ PK_SK_ED25519, "sk-ssh-ed25519@openssh.com", 0, NULL, pk_sk_ed25519_parse, pk_ed25519_verify, 1 },
#if SSHTUN_ECDSA
	{ PK_SK_ECDSA, "sk-ecdsa-sha2-nistp256@openssh.com", CRY_P256, "nistp256", pk_sk_ecdsa_parse, pk_ecdsa_verify, 1 },
#endif
};

/* Every signature algorithm, in our order of preference (OpenSSH's). */
static const struct pk_sigalg pk_sigalgs[] = {
	{ "ssh-ed25519", PK_ED25519, 0, 0 },
#if SSHTUN_ECDSA
	{ "ecdsa-sha2-nistp256", PK_ECDSA_P256, CRY_SHA256, 0 },
	{ "ecdsa-sha2-nistp384", PK_ECDSA_P384, CRY_SHA384, 0 },
	{ "ecdsa-sha2-nistp521", PK_ECDSA_P521, CRY_SHA512, 0 },
#endif
#if SSHTUN_RSA
	{ "rsa-sha2-512", PK_RSA, CRY_SHA512, 0 },
	{ "rsa-sha2-256", PK_RSA, CRY_SHA256, 0 },
	{ "ssh-rsa", PK_RSA, CRY_SHA1, 1 },
#endif
	{ "sk-ssh-ed25519@openssh.com", PK_SK_ED25519, 0, 0 },
#if SSHTUN_ECDSA
	{ "sk-ecdsa-sha2-nistp256@openssh.com", PK_SK_ECDSA, CRY_SHA256, 0 },
#endif
};

/* The names of pk_sigalgs, comma-separated (the longest names fit easily). */
static const char pk_sigalg_list[] = "ssh-ed25519"
#if SSHTUN_ECDSA
	",ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521"
#endif
#if SSHTUN_RSA
	",rsa-sha2-512,rsa-sha2-256,ssh-rsa"
#endif
	",sk-ssh-ed25519@openssh.com"
#if SSHTUN_ECDSA
	",sk-ecdsa-sha2-nistp256@openssh.com"
#endif
	;

#define PK_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct pk_type *pk_type_find(int type)
{
	for (size_t i = 0; i < PK_COUNT(pk_types); i++) {
		if (pk_types[i].type == type) {
			return &pk_types[i];
		}
	}
	return NULL;
}

static const struct pk_type *pk_type_named(const uint8_t *name, size_t n)
{
	for (size_t i = 0; i < PK_COUNT(pk_types); i++) {
		if (strlen(pk_types[i].name) == n && memcmp(pk_types[i].name, name, n) == 0) {
			return &pk_types[i];
		}
	}
	return NULL;
}

static const struct pk_sigalg *pk_sigalg_named(const uint8_t *name, size_t n)
{
	for (size_t i = 0; i < PK_COUNT(pk_sigalgs); i++) {
		if (strlen(pk_sigalgs[i].name) == n && memcmp(pk_sigalgs[i].name, name, n) == 0) {
			return &pk_sigalgs[i];
		}
	}
	return NULL;
}

int pubkey_from_blob(struct pubkey *k, const uint8_t *blob, size_t n)
{
	const struct pk_type *t;
	struct wire_r r;
	struct wire_view type;
	int err;

	if (!k || (!blob && n)) {
		return SSHTUN_ERR_INVAL;
	}
	memset(k, 0, sizeof(*k));
	if (n > PK_BLOB_MAX) {
		return SSHTUN_ERR_TOO_LONG;
	}
	if (n) {
		memcpy(k->blob, blob, n);
	}
	wire_r_init(&r, k->blob, n);
	if (wire_get_string(&r, &type)) {
		err = SSHTUN_ERR_BAD_FORMAT;
		goto out;
	}
	t = pk_type_named(type.p, type.n);
	if (!t) {
		err = SSHTUN_ERR_NOT_SUPPORTED;
		goto out;
	}
	err = t->parse(t, k, &r);
	if (err == 0 && wire_end(&r)) {
		err = SSHTUN_ERR_BAD_FORMAT;
	}
	if (err == 0) {
		k->type = t->type;
		k->bloblen = n;
	}
out:
	if (err) {
		memset(k, 0, sizeof(*k));
	}
	return err;
}

const char *pubkey_type_name(int type)
{
	const struct pk_type *t = pk_type_find(type);

	return t ? t->name : "unknown";
}

int pubkey_type_by_name(const char *name, size_t n)
{
	const struct pk_type *t = name ? pk_type_named((const uint8_t *)name, n) : NULL;

	return t ? t->type : PK_NONE;
}

int pubkey_equal(const struct pubkey *a, const struct pubkey *b)
{
	/* Blobs are canonical (minimal numbers, uncompressed points), so the same key is the same bytes. */
	if (!a || !b || a->type == PK_NONE || a->type != b->type || a->bloblen != b->bloblen) {
		return 0;
	}
	return memcmp(a->blob, b->blob, a->bloblen) == 0;
}

int pubkey_sigalg_key_type(const char *name, size_t n)
{
	const struct pk_sigalg *s = name ? pk_sigalg_named((const uint8_t *)name, n) : NULL;

	return s ? s->type : PK_NONE;
}

int pubkey_sigalg_hash(const char *name, size_t n)
{
	const struct pk_sigalg *s = name ? pk_sigalg_named((const uint8_t *)name, n) : NULL;

	return s ? s->hash : SSHTUN_ERR_NOT_SUPPORTED;
}

const char *pubkey_sigalgs_supported(void)
{
	return pk_sigalg_list;
}

int pubkey_verify_alg(const struct pubkey *k, const char *alg, const uint8_t *sig, size_t siglen,
	const uint8_t *data, size_t n)
{
	const struct pk_type *t;
	const struct pk_sigalg *s;
	struct wire_r r;
	struct wire_view name, raw;
	uint8_t flags = 0;
	uint32_t counter = 0;

	if (!k || (!sig && siglen) || (!data && n)) {
		return SSHTUN_ERR_INVAL;
	}
	t = pk_type_find(k->type);
	if (!t) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	wire_r_init(&r, sig, siglen);
	wire_get_string(&r, &name);
	wire_get_string(&r, &raw);
	if (t->sk) {
		wire_get_u8(&r, &flags);
		wire_get_u32(&r, &counter);
	}
	if (wire_end(&r)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	s = pk_sigalg_named(name.p, name.n);
	/* A signature of another algorithm, or of one the caller did not ask for, is no valid signature here. */
	if (!s || s->type != k->type || (alg && !wire_view_eq(&name, alg)) || (!alg && s->sha1)) {
		return SSHTUN_ERR_HOSTKEY_SIG;
	}
	if (t->sk) {
		/* The security key signed its own message over the data (PROTOCOL.u2f); the server checks the flags. */
		uint8_t msg[69];
		int err = pk_sk_message(k, flags, counter, data, n, msg);

		return err ? err : t->verify(t, k, s->hash, &raw, msg, sizeof(msg));
	}
	return t->verify(t, k, s->hash, &raw, data, n);
}

int pubkey_verify(const struct pubkey *k, const uint8_t *sig, size_t siglen, const uint8_t *data, size_t n)
{
	return pubkey_verify_alg(k, NULL, sig, siglen, data, n);
}

int pubkey_fingerprint(const struct pubkey *k, char *out, size_t outlen)
{
	uint8_t digest[SHA256_LEN];
	size_t plen = sizeof(fp_prefix) - 1;
	int err;

	if (!k || !out || outlen == 0) {
		return SSHTUN_ERR_INVAL;
	}
	out[0] = '\0';
	if (k->type == PK_NONE || k->bloblen == 0 || k->bloblen > PK_BLOB_MAX) {
		return SSHTUN_ERR_INVAL;
	}
	if (outlen <= plen) {
		return SSHTUN_ERR_TOO_LONG;
	}
	err = cry_hash(CRY_SHA256, k->blob, k->bloblen, digest);
	if (err) {
		return err;
	}
	memcpy(out, fp_prefix, plen);
	err = cry_base64_encode(out + plen, outlen - plen, digest, sizeof(digest), 0);
	if (err < 0) {
		out[0] = '\0';
		return err;
	}
	return 0;
}
