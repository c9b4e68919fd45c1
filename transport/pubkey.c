/* sshtun: public keys in SSH wire form (RFC 4253 6.6, RFC 8709): parsing, signature checks, fingerprints. */
#include "transport/pubkey.h"

#include <string.h>

#include "crypto/crypto.h"
#include "sshtun_err.h"
#include "util/wire.h"

enum {
	ED25519_PK_LEN = 32,
	ED25519_SIG_LEN = 64,
	SHA256_LEN = 32
};

static const char ed25519_name[] = "ssh-ed25519";
static const char fp_prefix[] = "SHA256:";

int pubkey_from_blob(struct pubkey *k, const uint8_t *blob, size_t n)
{
	struct wire_r r;
	struct wire_view type;
	int err = 0;

	if (!k || (!blob && n)) {
		return SSHTUN_ERR_INVAL;
	}
	memset(k, 0, sizeof(*k));
	if (n > PK_BLOB_MAX) {
		return SSHTUN_ERR_TOO_LONG;
	}
	wire_r_init(&r, blob, n);
	if (wire_get_string(&r, &type)) {
		err = SSHTUN_ERR_BAD_FORMAT;
		goto out;
	}
	if (!wire_view_eq(&type, ed25519_name)) {
		err = SSHTUN_ERR_NOT_SUPPORTED;
		goto out;
	}
	wire_get_string_exact(&r, k->ed25519, sizeof(k->ed25519));
	if (wire_end(&r)) {
		err = SSHTUN_ERR_BAD_FORMAT;
		goto out;
	}
	k->type = PK_ED25519;
	memcpy(k->blob, blob, n);
	k->bloblen = n;
out:
	if (err) {
		memset(k, 0, sizeof(*k));
	}
	return err;
}

const char *pubkey_type_name(int type)
{
	if (type == PK_ED25519) {
		return ed25519_name;
	}
	return "unknown";
}

int pubkey_equal(const struct pubkey *a, const struct pubkey *b)
{
	if (!a || !b || a->type == PK_NONE || a->type != b->type) {
		return 0;
	}
	if (a->type == PK_ED25519) {
		return memcmp(a->ed25519, b->ed25519, sizeof(a->ed25519)) == 0;
	}
	return 0;
}

int pubkey_verify(const struct pubkey *k, const uint8_t *sig, size_t siglen, const uint8_t *data, size_t n)
{
	struct wire_r r;
	struct wire_view alg;
	uint8_t raw[ED25519_SIG_LEN];
	int err = 0;

	if (!k || (!sig && siglen) || (!data && n)) {
		return SSHTUN_ERR_INVAL;
	}
	if (k->type != PK_ED25519) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	wire_r_init(&r, sig, siglen);
	wire_get_string(&r, &alg);
	wire_get_string_exact(&r, raw, sizeof(raw));
	if (wire_end(&r)) {
		err = SSHTUN_ERR_BAD_FORMAT;
		goto out;
	}
	if (!wire_view_eq(&alg, ed25519_name)) {
		/* A signature of another algorithm cannot be valid for this key. */
		err = SSHTUN_ERR_HOSTKEY_SIG;
		goto out;
	}
	if (cry_ed25519_verify(k->ed25519, raw, data, n) != 0) {
		err = SSHTUN_ERR_HOSTKEY_SIG;
	}
out:
	cry_wipe(raw, sizeof(raw));
	return err;
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
