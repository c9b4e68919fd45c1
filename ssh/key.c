/* sshtun: user keys: OpenSSH private key files (PROTOCOL.key), .pub files, signing. */
#include "ssh/key.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "crypto/kdf.h"
#include "transport/cert.h"
#include "sshtun_err.h"
#include "util/limits.h"
#include "util/features.h"
#include "util/text.h"

enum {
	ED25519_PK_LEN = 32,
	ED25519_SEED_LEN = 32,
	ED25519_SK_LEN = 64,
	KEY_NONE_BLOCK = 8,	/* block size PROTOCOL.key pads to for cipher "none" */
	KEY_PATH_SHOW = 512,	/* how much of a path goes into a log line */
	KEY_SALT_MAX = 1024,	/* ssh-keygen writes 16 bytes */
	KEY_ROUNDS_MAX = 2048	/* bcrypt rounds: ssh-keygen's default is 16 (-a); 2048 take about 12 s */
};

#define KEY_TYPES_SUPPORTED "ssh-ed25519" KEY_TYPES_ECDSA KEY_TYPES_RSA
#if SSHTUN_ECDSA
#define KEY_TYPES_ECDSA ", ecdsa-sha2-nistp256/384/521"
#else
#define KEY_TYPES_ECDSA ""
#endif
#if SSHTUN_RSA
#define KEY_TYPES_RSA ", ssh-rsa"
#else
#define KEY_TYPES_RSA ""
#endif

#if !SSHTUN_KEY_ENCRYPTED
#define KEY_CIPHERS_SUPPORTED "unencrypted only (passphrase-protected keys are left out of this build)"
#elif SSHTUN_OPENSSL
#define KEY_CIPHERS_SUPPORTED "unencrypted or with aes-ctr, aes-gcm@openssh.com or chacha20-poly1305@openssh.com"
#else
#define KEY_CIPHERS_SUPPORTED "unencrypted or with aes-ctr or chacha20-poly1305@openssh.com"
#endif

static const char armour_begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
static const char armour_end[] = "-----END OPENSSH PRIVATE KEY-----";
static const char key_magic[] = "openssh-key-v1";	/* followed by its NUL on the wire */

/* ---- public key lines ---- */

int key_parse_public_line(struct pubkey *k, const char *line, size_t n)
{
	struct wire_r r;
	struct wire_view type, b64;
	uint8_t blob[PK_BLOB_MAX];
	size_t bloblen = 0;
	int err;

	if (!k || (!line && n)) {
		return SSHTUN_ERR_INVAL;
	}
	memset(k, 0, sizeof(*k));
	wire_r_init(&r, line, n);
	text_skip_blanks(&r);
	text_take(&r, -1, &type);
	text_skip_blanks(&r);
	text_take(&r, -1, &b64);
	if (wire_err(&r) || type.n == 0 || b64.n == 0) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	if (pubkey_type_by_name((const char *)type.p, type.n) == PK_NONE) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	if (b64.n > (PK_BLOB_MAX / 3) * 4) {
		return SSHTUN_ERR_TOO_LONG;
	}
	if (cry_base64_decode(blob, sizeof(blob), &bloblen, (const char *)b64.p, b64.n) != 0) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	err = pubkey_from_blob(k, blob, bloblen);
	if (err == 0 && !wire_view_eq(&type, pubkey_type_name(k->type))) {
		/* The name before the base64 must be the one inside the blob. */
		memset(k, 0, sizeof(*k));
		err = SSHTUN_ERR_BAD_FORMAT;
	}
	return err;
}

/* ---- private key files ---- */

/* Unwraps the armour: the base64 lines between BEGIN and END, joined, into b64. */
static int key_unarmour(const uint8_t *text, size_t n, struct wire_w *b64)
{
	struct wire_r r;
	struct wire_view line;
	int in_body = 0;

	wire_r_init(&r, text, n);
	while (text_line(&r, &line, 1)) {
		if (!in_body) {
			if (line.n == 0) {
				continue;	/* blank lines before the armour */
			}
			if (!wire_view_eq(&line, armour_begin)) {
				return SSHTUN_ERR_KEY_FILE;
			}
			in_body = 1;
			continue;
		}
		if (wire_view_eq(&line, armour_end)) {
			text_skip_blanks(&r);
			return wire_left(&r) == 0 && wire_err(&r) == 0 && b64->len > 0 ? 0 : SSHTUN_ERR_KEY_FILE;
		}
		if (line.n > 0 && wire_put_raw(b64, line.p, line.n)) {
			return SSHTUN_ERR_KEY_FILE;
		}
	}
	return SSHTUN_ERR_KEY_FILE;	/* no END line */
}

/* Checks the padding 1, 2, 3, ... that ends the private section. */
static int key_check_padding(struct wire_r *r)
{
	uint8_t want = 1, c = 0;

	while (wire_left(r) > 0) {
		if (wire_get_u8(r, &c) || c != want) {
			return SSHTUN_ERR_KEY_FILE;
		}
		want++;
	}
	return wire_err(r) ? SSHTUN_ERR_KEY_FILE : 0;
}

/* Ed25519: string public key, string secret (seed || public key); the seed must give the public key. */
static int key_private_ed25519(struct privkey *k, struct wire_r *r)
{
	uint8_t pub[ED25519_PK_LEN], sk[ED25519_SK_LEN], derived_pk[ED25519_PK_LEN];
	int err = SSHTUN_ERR_KEY_FILE;

	wire_get_string_exact(r, pub, sizeof(pub));
	wire_get_string_exact(r, k->ed25519_sk, sizeof(k->ed25519_sk));
	if (wire_err(r)) {
		goto out;
	}
	/* The three copies of the public key must agree, and the seed must give it. */
	if (k->pub.a_len != sizeof(pub) || memcmp(pub, k->pub.blob + k->pub.a_off, sizeof(pub)) != 0 ||
	    memcmp(k->ed25519_sk + ED25519_SEED_LEN, pub, sizeof(pub)) != 0) {
		goto out;
	}
	if (cry_ed25519_from_seed(sk, derived_pk, k->ed25519_sk) != 0 || memcmp(derived_pk, pub, sizeof(pub)) != 0) {
		goto out;
	}
	err = 0;
out:
	cry_wipe(sk, sizeof(sk));
	return err;
}

#if SSHTUN_ECDSA || SSHTUN_RSA
/* 1 if the view v holds the same bytes as the public key's field at off/len. */
static int key_same(const struct privkey *k, const struct wire_view *v, uint16_t off, uint16_t len)
{
	return v->n == len && memcmp(v->p, k->pub.blob + off, len) == 0;
}
#endif

#if SSHTUN_ECDSA
/* ECDSA: string curve name, string point, mpint d; the point must be the public key's and d G. */
static int key_private_ecdsa(struct privkey *k, struct wire_r *r)
{
	static const int curves[] = { [PK_ECDSA_P256] = CRY_P256, [PK_ECDSA_P384] = CRY_P384, [PK_ECDSA_P521] = CRY_P521 };
	struct wire_view id, q, d;

	wire_get_string(r, &id);
	wire_get_string(r, &q);
	wire_get_mpint(r, &d);
	if (wire_err(r) || !key_same(k, &q, k->pub.a_off, k->pub.a_len)) {
		return SSHTUN_ERR_KEY_FILE;
	}
	/* The curve name was checked with the public blob; the point equal to it implies the same curve. */
	(void)id;
	return cry_ecdsa_private(&k->pk, curves[k->pub.type], q.p, q.n, d.p, d.n) == 0 ? 0 : SSHTUN_ERR_KEY_FILE;
}
#endif

#if SSHTUN_RSA
/* RSA: mpint n, e, d, iqmp, p, q; n and e must be the public key's, and the numbers one key. */
static int key_private_rsa(struct privkey *k, struct wire_r *r)
{
	struct wire_view n, e, d, iqmp, p, q;
	struct cry_rsa_parts parts;

	wire_get_mpint(r, &n);
	wire_get_mpint(r, &e);
	wire_get_mpint(r, &d);
	wire_get_mpint(r, &iqmp);
	wire_get_mpint(r, &p);
	wire_get_mpint(r, &q);
	if (wire_err(r) || !key_same(k, &e, k->pub.a_off, k->pub.a_len) || !key_same(k, &n, k->pub.b_off, k->pub.b_len)) {
		return SSHTUN_ERR_KEY_FILE;
	}
	parts = (struct cry_rsa_parts){ .n = n.p, .n_len = n.n, .e = e.p, .e_len = e.n, .d = d.p, .d_len = d.n,
		.iqmp = iqmp.p, .iqmp_len = iqmp.n, .p = p.p, .p_len = p.n, .q = q.p, .q_len = q.n };
	return cry_rsa_private(&k->pk, &parts) == 0 ? 0 : SSHTUN_ERR_KEY_FILE;
}
#endif

/* Parses the (decrypted) private section: check-ints, one key of the public key's type, comment, padding. */
static int key_parse_private_section(struct privkey *k, struct wire_r *r, size_t block)
{
	uint32_t check1 = 0, check2 = 0;
	struct wire_view type, comment;
	int err = SSHTUN_ERR_KEY_FILE;

	if (wire_left(r) % block != 0) {
		return SSHTUN_ERR_KEY_FILE;
	}
	wire_get_u32(r, &check1);
	wire_get_u32(r, &check2);
	if (wire_err(r) || check1 != check2) {
		/* With a passphrase, differing check-ints are how a wrong passphrase shows. */
		return SSHTUN_ERR_KEY_BAD_PASS;
	}
	wire_get_string(r, &type);
	if (wire_err(r) || !wire_view_eq(&type, pubkey_type_name(k->pub.type))) {
		return SSHTUN_ERR_KEY_FILE;
	}
	switch (k->pub.type) {
	case PK_ED25519:
		err = key_private_ed25519(k, r);
		break;
#if SSHTUN_ECDSA
	case PK_ECDSA_P256:
	case PK_ECDSA_P384:
	case PK_ECDSA_P521:
		err = key_private_ecdsa(k, r);
		break;
#endif
#if SSHTUN_RSA
	case PK_RSA:
		err = key_private_rsa(k, r);
		break;
#endif
	default:
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	if (err) {
		return err;
	}
	wire_get_string(r, &comment);
	if (wire_err(r)) {
		return SSHTUN_ERR_KEY_FILE;
	}
	lg_sanitize(k->comment, sizeof(k->comment), comment.p, comment.n);
	return key_check_padding(r);
}

/* Parses the decoded binary: magic, cipher/kdf, the one public key, the private section. */
/* The ciphers ssh-keygen protects key files with (PROTOCOL.key; ssh-keygen -Z). */
struct key_cipher {
	const char *name;
	size_t key_len, iv_len, block, tag_len;
	int mode;
};

enum { KC_CTR, KC_GCM, KC_CHACHAPOLY };

/* AES-GCM is libcrypto's; AES-CTR is crypto/aes_ct.c's without it; chacha20-poly1305 libsodium's. */
static const struct key_cipher key_ciphers[] = {
	{ "none", 0, 0, KEY_NONE_BLOCK, 0, KC_CTR },
#if SSHTUN_KEY_ENCRYPTED	/* without it, any other cipher is a passphrase-protected file, read up to its public key */
	{ "aes256-ctr", 32, 16, 16, 0, KC_CTR },
	{ "aes192-ctr", 24, 16, 16, 0, KC_CTR },
	{ "aes128-ctr", 16, 16, 16, 0, KC_CTR },
#if SSHTUN_OPENSSL
	{ "aes256-gcm@openssh.com", 32, 12, 16, 16, KC_GCM },
	{ "aes128-gcm@openssh.com", 16, 12, 16, 16, KC_GCM },
#endif
	{ "chacha20-poly1305@openssh.com", 64, 0, 8, 16, KC_CHACHAPOLY },
#endif
};

static const struct key_cipher *key_cipher_find(const struct wire_view *name)
{
	for (size_t i = 0; i < sizeof(key_ciphers) / sizeof(key_ciphers[0]); i++) {
		if (wire_view_eq(name, key_ciphers[i].name)) {
			return &key_ciphers[i];
		}
	}
	return NULL;
}

#if SSHTUN_KEY_ENCRYPTED
/* Decrypts buf[0..n) in place under kiv (the key, then the IV) with c; SSHTUN_ERR_MAC if a tag does not verify. */
static int key_cipher_open(const struct key_cipher *c, const uint8_t *kiv, uint8_t *buf, size_t n, const uint8_t *tag)
{
	switch (c->mode) {
	case KC_CHACHAPOLY:
		return cry_chachapoly_keyfile_open(kiv, buf, n, tag);
	case KC_CTR:
		return cry_aes_ctr(kiv, c->key_len, kiv + c->key_len, buf, n);
#if SSHTUN_OPENSSL
	case KC_GCM:
		return cry_aes_gcm_open(kiv, c->key_len, kiv + c->key_len, buf, n, tag);
#endif
	default:
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
}

/* Decrypts the private section (a copy in priv) under pass, then parses it. */
static int key_decrypt(struct privkey *k, const struct key_cipher *c, const struct wire_view *kdfopts,
	const struct wire_view *enc, const struct wire_view *tag, const char *pass)
{
	uint8_t kiv[64];
	struct wire_r r, sec;
	struct wire_view salt;
	uint32_t rounds = 0;
	uint8_t *buf = NULL;
	int err;

	wire_r_init(&r, kdfopts->p, kdfopts->n);
	wire_get_string(&r, &salt);
	wire_get_u32(&r, &rounds);
	if (wire_end(&r) || salt.n == 0 || salt.n > KEY_SALT_MAX || rounds == 0) {
		return SSHTUN_ERR_KEY_FILE;
	}
	/* A fuzzing build spends at most 2 rounds, so inputs that reach decryption stay fast. */
	if (rounds > (cry_fixed_for_fuzzing() ? 2u : (unsigned)KEY_ROUNDS_MAX)) {
		return SSHTUN_ERR_LIMIT;
	}
	if (enc->n == 0 || enc->n % c->block != 0) {
		return SSHTUN_ERR_KEY_FILE;
	}
	buf = malloc(enc->n);
	if (!buf) {
		return SSHTUN_ERR_NOMEM;
	}
	memcpy(buf, enc->p, enc->n);
	err = cry_bcrypt_pbkdf(pass, strlen(pass), salt.p, salt.n, kiv, c->key_len + c->iv_len, rounds);
	if (err == 0) {
		err = key_cipher_open(c, kiv, buf, enc->n, tag->p);
		/* With GCM or chacha20-poly1305 a wrong passphrase shows as a tag that does not verify. */
		err = err == SSHTUN_ERR_MAC ? SSHTUN_ERR_KEY_BAD_PASS : err;
	}
	if (err == 0) {
		wire_r_init(&sec, buf, enc->n);
		err = key_parse_private_section(k, &sec, c->block);
	}
	cry_wipe(kiv, sizeof(kiv));
	cry_wipe(buf, enc->n);
	free(buf);
	return err;
}
#endif /* SSHTUN_KEY_ENCRYPTED */

/*
 * Parses the decoded binary: magic, cipher and KDF, the one public key (readable without the passphrase), the
 * private section. For an encrypted file without pass, k->pub is set and SSHTUN_ERR_KEY_ENCRYPTED returned.
 */
static int key_parse_binary(struct privkey *k, const uint8_t *bin, size_t n, const char *pass)
{
	const struct key_cipher *c;
	struct wire_r r;
	struct wire_view magic, cipher, kdf, kdfopts, pubblob, enc, tag;
	uint32_t nkeys = 0;
	int err;

	wire_r_init(&r, bin, n);
	wire_get_raw(&r, sizeof(key_magic), &magic);
	if (wire_err(&r) || memcmp(magic.p, key_magic, sizeof(key_magic)) != 0) {
		return SSHTUN_ERR_KEY_FILE;
	}
	wire_get_string(&r, &cipher);
	wire_get_string(&r, &kdf);
	wire_get_string(&r, &kdfopts);
	if (wire_err(&r)) {
		return SSHTUN_ERR_KEY_FILE;
	}
	c = key_cipher_find(&cipher);
	if (SSHTUN_KEY_ENCRYPTED && !c) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	/*
	 * Without a cipher here the build left passphrase-protected keys out: whatever the cipher, the file is one
	 * (bcrypt as its KDF); its public key is read, so that it is known as such (sshtun_key_file_encrypted),
	 * and it is never decrypted.
	 */
	if (!c || c->key_len != 0 ? !wire_view_eq(&kdf, "bcrypt") : !wire_view_eq(&kdf, "none") || kdfopts.n != 0) {
		return SSHTUN_ERR_KEY_FILE;
	}
	wire_get_u32(&r, &nkeys);
	wire_get_string(&r, &pubblob);
	if (wire_err(&r) || nkeys != 1) {
		return SSHTUN_ERR_KEY_FILE;
	}
	err = pubkey_from_blob(&k->pub, pubblob.p, pubblob.n);
	if (err) {
		return err == SSHTUN_ERR_NOT_SUPPORTED ? err : SSHTUN_ERR_KEY_FILE;
	}
	if (!c) {
		return SSHTUN_ERR_KEY_ENCRYPTED;
	}
	wire_get_string(&r, &enc);
	wire_get_raw(&r, c->tag_len, &tag);
	if (wire_end(&r)) {
		return SSHTUN_ERR_KEY_FILE;
	}
	if (c->key_len == 0) {
		struct wire_r priv;

		wire_r_init(&priv, enc.p, enc.n);
		err = key_parse_private_section(k, &priv, KEY_NONE_BLOCK);
		/* Without a passphrase, check-ints that differ mean a damaged file. */
		return err == SSHTUN_ERR_KEY_BAD_PASS ? SSHTUN_ERR_KEY_FILE : err;
	}
#if SSHTUN_KEY_ENCRYPTED
	if (!pass) {
		return SSHTUN_ERR_KEY_ENCRYPTED;
	}
	return key_decrypt(k, c, &kdfopts, &enc, &tag, pass);
#else
	(void)pass;
	return SSHTUN_ERR_KEY_FILE;	/* not reached: the table holds only "none" */
#endif
}

/* 1 if the text's first line (after blank lines) is a PEM armour other than OpenSSH's own. */
static int key_is_pem(const uint8_t *text, size_t n)
{
	static const char begin[] = "-----BEGIN ";
	size_t i = 0;

	while (i < n && (text[i] == '\n' || text[i] == '\r' || text[i] == ' ' || text[i] == '\t')) {
		i++;
	}
	return n - i >= sizeof(begin) - 1 && memcmp(text + i, begin, sizeof(begin) - 1) == 0 &&
	       !(n - i >= sizeof(armour_begin) - 1 && memcmp(text + i, armour_begin, sizeof(armour_begin) - 1) == 0);
}

#if !SSHTUN_PEM
static int key_parse_pem(struct privkey *k, const uint8_t *text, size_t n, const char *pass)
{
	return SSHTUN_ERR_NOT_SUPPORTED;	/* libcrypto reads PEM */
}
#else
/* A PEM key (PKCS#1, SEC1, PKCS#8) through libcrypto: its public blob is built here and checked as any other. */
static int key_parse_pem(struct privkey *k, const uint8_t *text, size_t n, const char *pass)
{
	uint8_t seed[32], pk[32];
#if SSHTUN_ECDSA || SSHTUN_RSA
	uint8_t num[CRY_RSA_SIG_MAX];
	size_t nlen = 0;
#endif
#if SSHTUN_RSA
	uint8_t e[CRY_RSA_SIG_MAX];
	size_t elen = 0;
#endif
#if SSHTUN_ECDSA
	int curve = 0;
#endif
	struct wire_w blob;
	int kind = 0, err;

	/* Without SSHTUN_KEY_ENCRYPTED no passphrase is handed on: an encrypted PEM file stays SSHTUN_ERR_KEY_ENCRYPTED. */
	err = cry_pem_private(text, n, SSHTUN_KEY_ENCRYPTED ? pass : NULL, &k->pk, &kind, seed);
	if (err) {
		return err;
	}
	wire_w_init(&blob, PK_BLOB_MAX);
	switch (kind) {
	case CRY_PEM_ED25519:
		err = cry_ed25519_from_seed(k->ed25519_sk, pk, seed);
		wire_put_cstring(&blob, "ssh-ed25519");
		wire_put_string(&blob, pk, sizeof(pk));
		break;
#if SSHTUN_RSA
	case CRY_PEM_RSA:
		err = cry_pkey_rsa_public(k->pk, num, sizeof(num), &nlen, e, sizeof(e), &elen);
		wire_put_cstring(&blob, "ssh-rsa");
		wire_put_mpint(&blob, e, elen);
		wire_put_mpint(&blob, num, nlen);
		break;
#endif
#if SSHTUN_ECDSA
	case CRY_PEM_EC: {
		static const char *const names[] = { "", "nistp256", "nistp384", "nistp521" };
		char type[32];

		err = cry_pkey_ec_public(k->pk, &curve, num, sizeof(num), &nlen);
		if (err == 0) {
			snprintf(type, sizeof(type), "ecdsa-sha2-%s", names[curve]);
			wire_put_cstring(&blob, type);
			wire_put_cstring(&blob, names[curve]);
			wire_put_string(&blob, num, nlen);
		}
		break;
	}
#endif
	default:
		err = SSHTUN_ERR_NOT_SUPPORTED;
		break;
	}
	if (err == 0) {
		err = wire_w_err(&blob);
	}
	if (err == 0 && pubkey_from_blob(&k->pub, blob.p, blob.len) != 0) {
		err = SSHTUN_ERR_KEY_FILE;
	}
	cry_wipe(seed, sizeof(seed));
	wire_w_free(&blob);
	return err;
}
#endif

int key_parse_private(struct privkey *k, const uint8_t *text, size_t n, const char *pass)
{
	struct wire_w b64;
	uint8_t *bin = NULL;
	size_t binmax = 0, binlen = 0;
	int err;

	if (!k || (!text && n)) {
		return SSHTUN_ERR_INVAL;
	}
	memset(k, 0, sizeof(*k));
	wire_w_init(&b64, FILE_MAX_SIZE);
	if (key_is_pem(text, n)) {
		err = key_parse_pem(k, text, n, pass);
		goto out;
	}
	err = key_unarmour(text, n, &b64);
	if (err) {
		goto out;
	}
	binmax = b64.len / 4 * 3 + 3;
	bin = malloc(binmax);
	if (!bin) {
		err = SSHTUN_ERR_NOMEM;
		goto out;
	}
	if (cry_base64_decode(bin, binmax, &binlen, (const char *)b64.p, b64.len) != 0) {
		err = SSHTUN_ERR_KEY_FILE;
		goto out;
	}
	err = key_parse_binary(k, bin, binlen, pass);
out:
	if (bin) {
		cry_wipe(bin, binmax);
		free(bin);
	}
	wire_w_free(&b64);
	if (err == SSHTUN_ERR_KEY_ENCRYPTED) {
		struct pubkey pub = k->pub;

		key_wipe(k);
		k->pub = pub;	/* what can be offered before anyone types the passphrase */
	} else if (err) {
		key_wipe(k);
	}
	return err;
}

/* Reads an open file whole (at most FILE_MAX_SIZE bytes) into w, which the caller frees. */
static int key_read_fd(int fd, struct wire_w *w)
{
	uint8_t chunk[4096];
	ssize_t got;
	int err = 0;

	wire_w_init(w, FILE_MAX_SIZE);
	for (;;) {
		got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR) {
			continue;
		}
		if (got < 0) {
			err = SSHTUN_ERR_SYS;
			break;
		}
		if (got == 0) {
			break;
		}
		if (wire_put_raw(w, chunk, (size_t)got)) {
			err = wire_w_err(w) == SSHTUN_ERR_LIMIT ? SSHTUN_ERR_TOO_LONG : wire_w_err(w);
			break;
		}
	}
	cry_wipe(chunk, sizeof(chunk));
	return err;
}

/* Opens a key file: a regular file, and for a private key one that only its owner may access (as ssh demands). */
static int key_open(const char *path, int private, const char *show, const struct lg *log)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT) {
		/* Quiet, as ssh is: callers try default identity files that may well not exist. */
		LG_D1(log, "key file %s does not exist", show);
		return -1;
	}
	if (fd < 0) {
		LG_W(log, "cannot open key file %s: %s", show, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		LG_W(log, "key file %s is not a regular file", show);
		close(fd);
		return -1;
	}
	if (private && (st.st_mode & 077) != 0) {
		LG_W(log, "UNPROTECTED PRIVATE KEY FILE: permissions %04o for %s are too open; "
			"it must not be accessible by others: run chmod 600 %s",
			(unsigned)(st.st_mode & 07777), show, show);
		close(fd);
		return -1;
	}
	return fd;
}

#if !SSHTUN_OPENSSL
/*
 * A build without libcrypto: says in one line what the file needs that this build lacks (a PEM file, an AES
 * cipher, an ECDSA or RSA key) and what to do; 0 if the cause is something else.
 */
static int key_lacks(const uint8_t *text, size_t n, const struct lg *log, const char *show)
{
	struct wire_w b64;
	struct wire_r r;
	struct wire_view magic, cipher, kdf, kdfopts, pubblob, type;
	uint32_t nkeys = 0;
	uint8_t *bin = NULL;
	size_t binlen = 0;
	int said = 0;

	if (key_is_pem(text, n)) {
		LG_E(log, "key file %s: this build of sshtun lacks PEM key files (built without OpenSSL); convert it "
			"with ssh-keygen -p -f FILE (it writes OpenSSH's format), or give it to ssh-agent", show);
		return 1;
	}
	wire_w_init(&b64, FILE_MAX_SIZE);
	if (key_unarmour(text, n, &b64) != 0 || !(bin = malloc(b64.len / 4 * 3 + 3)) ||
	    cry_base64_decode(bin, b64.len / 4 * 3 + 3, &binlen, (const char *)b64.p, b64.len) != 0) {
		goto out;
	}
	wire_r_init(&r, bin, binlen);
	wire_get_raw(&r, sizeof(key_magic), &magic);
	wire_get_string(&r, &cipher);
	wire_get_string(&r, &kdf);
	wire_get_string(&r, &kdfopts);
	wire_get_u32(&r, &nkeys);
	wire_get_string(&r, &pubblob);
	if (wire_err(&r)) {
		goto out;
	}
	if (SSHTUN_KEY_ENCRYPTED && !key_cipher_find(&cipher)) {
		LG_E(log, "key file %s: this build of sshtun lacks %.*s (built without OpenSSL), the file's cipher; "
			"re-encrypt it with ssh-keygen -p -Z aes256-ctr -f FILE (or chacha20-poly1305@openssh.com), "
			"or give it to ssh-agent (ssh-add)", show,
			(int)(cipher.n > 64 ? 64 : cipher.n), cipher.p);
		said = 1;
		goto out;
	}
	wire_r_init(&r, pubblob.p, pubblob.n);
	wire_get_string(&r, &type);
	if (!wire_err(&r) && type.n > 0 && type.n <= 64 &&
	    pubkey_type_by_name((const char *)type.p, type.n) == PK_NONE) {
		LG_E(log, "key file %s: this build of sshtun lacks %.*s keys (built without OpenSSL; it has %s)", show,
			(int)type.n, type.p, KEY_TYPES_SUPPORTED);
		said = 1;
	}
out:
	if (bin) {
		cry_wipe(bin, binlen);
		free(bin);
	}
	wire_w_free(&b64);
	return said;
}
#endif

/* Opens a key file (as key_open) and reads it whole into text; SSHTUN_ERR_KEY_FILE on failure, logged to log. */
static int key_read_file(const char *path, int private, const char *show, const struct lg *log, struct wire_w *text)
{
	int fd, err;

	fd = key_open(path, private, show, log);
	if (fd < 0) {
		return SSHTUN_ERR_KEY_FILE;
	}
	err = key_read_fd(fd, text);
	close(fd);
	if (err) {
		LG_W(log, "cannot read key file %s: %s", show, sshtun_strerror(err));
		return SSHTUN_ERR_KEY_FILE;
	}
	return 0;
}

int key_load_private(struct privkey *k, const char *path, const char *pass, const struct lg *log)
{
	struct wire_w text;
	char show[KEY_PATH_SHOW];
	int err;

	if (!k || !path) {
		return SSHTUN_ERR_INVAL;
	}
	memset(k, 0, sizeof(*k));
	wire_w_init(&text, FILE_MAX_SIZE);
	lg_sanitize(show, sizeof(show), path, strlen(path));
	err = key_read_file(path, 1, show, log, &text);
	if (err) {
		goto out;
	}
	err = key_parse_private(k, text.p, text.len, pass);
	switch (err) {
	case 0:
		LG_D1(log, "loaded private key %s (%s)", show, pubkey_type_name(k->pub.type));
		break;
	case SSHTUN_ERR_KEY_ENCRYPTED:
		if (!SSHTUN_KEY_ENCRYPTED) {
			/* The refusal, once, where the file is tried (the caller skips it); the fix in the same line. */
			LG_E(log, "key file %s: this build of sshtun cannot read passphrase-protected keys (left out of this "
				"build); make a copy without a passphrase (ssh-keygen -p -N '' -f COPY)%s", show,
				SSHTUN_AGENT ? " or load the key into ssh-agent (ssh-add)" : "");
			break;
		}
		LG_D1(log, "key file %s is protected by a passphrase", show);
		break;
	case SSHTUN_ERR_KEY_BAD_PASS:
		LG_D1(log, "key file %s: wrong passphrase", show);
		break;
	case SSHTUN_ERR_NOT_SUPPORTED:
#if !SSHTUN_OPENSSL
		if (key_lacks(text.p, text.len, log, show)) {
			break;
		}
#endif
		LG_W(log, "key file %s: key type or cipher not supported (sshtun reads %s keys, %s)", show,
			KEY_TYPES_SUPPORTED, KEY_CIPHERS_SUPPORTED);
		break;
	case SSHTUN_ERR_LIMIT:
		LG_W(log, "key file %s asks for more than %d bcrypt rounds; re-encrypt it with ssh-keygen -p -a 16", show,
			KEY_ROUNDS_MAX);
		break;
	default:
		LG_W(log, "key file %s: %s (not an OpenSSH private key?)", show, sshtun_strerror(err));
		break;
	}
out:
	wire_w_free(&text);
	return err;
}

int key_load_public(struct pubkey *k, const char *path)
{
	struct wire_w text;
	struct wire_r r;
	struct wire_view line;
	int err;

	if (!k || !path) {
		return SSHTUN_ERR_INVAL;
	}
	memset(k, 0, sizeof(*k));
	wire_w_init(&text, FILE_MAX_SIZE);
	err = key_read_file(path, 0, path, NULL, &text);
	if (err) {
		goto out;
	}
	wire_r_init(&r, text.p, text.len);
	err = SSHTUN_ERR_BAD_FORMAT;
	while (text_line(&r, &line, 1)) {
		if (line.n == 0) {
			continue;
		}
		err = key_parse_public_line(k, (const char *)line.p, line.n);
		break;
	}
out:
	wire_w_free(&text);
	return err;
}

#if SSHTUN_CERT
int key_load_cert(struct cert *c, const char *path)
{
	struct wire_w text;
	struct wire_r r, lr;
	struct wire_view line, type, b64;
	uint8_t *blob = NULL;
	size_t bloblen = 0;
	int err;

	if (!c || !path) {
		return SSHTUN_ERR_INVAL;
	}
	memset(c, 0, sizeof(*c));
	wire_w_init(&text, FILE_MAX_SIZE);
	err = key_read_file(path, 0, path, NULL, &text);
	if (err) {
		goto out;
	}
	err = SSHTUN_ERR_BAD_FORMAT;
	wire_r_init(&r, text.p, text.len);
	while (text_line(&r, &line, 1)) {
		if (line.n == 0) {
			continue;
		}
		/* "TYPE-cert-v01@openssh.com BASE64 [comment]", as ssh-keygen -s writes KEY-cert.pub */
		wire_r_init(&lr, line.p, line.n);
		text_skip_blanks(&lr);
		text_take(&lr, -1, &type);
		text_skip_blanks(&lr);
		text_take(&lr, -1, &b64);
		if (wire_err(&lr) || b64.n == 0 || b64.n > (CERT_BLOB_MAX / 3) * 4) {
			break;
		}
		blob = malloc(CERT_BLOB_MAX);
		if (!blob) {
			err = SSHTUN_ERR_NOMEM;
			break;
		}
		if (cry_base64_decode(blob, CERT_BLOB_MAX, &bloblen, (const char *)b64.p, b64.n) != 0) {
			break;
		}
		err = cert_parse(c, blob, bloblen);
		if (err == 0 && !wire_view_eq(&type, cert_type_name(c))) {
			memset(c, 0, sizeof(*c));
			err = SSHTUN_ERR_BAD_FORMAT;	/* the name before the base64 must be the one inside */
		}
		break;
	}
out:
	free(blob);
	wire_w_free(&text);
	return err;
}
#endif

void key_wipe(struct privkey *k)
{
	if (k) {
#if SSHTUN_OPENSSL
		cry_pkey_free(k->pk);	/* a build without libcrypto never sets pk */
#endif
		cry_wipe(k, sizeof(*k));
	}
}
