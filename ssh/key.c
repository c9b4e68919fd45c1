/* sshtun: user keys: OpenSSH private key files (PROTOCOL.key), .pub files, signing. */
#include "ssh/key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "sshtun_err.h"
#include "util/limits.h"
#include "util/text.h"

enum {
	ED25519_SEED_LEN = 32,
	ED25519_SK_LEN = 64,
	ED25519_SIG_LEN = 64,
	KEY_NONE_BLOCK = 8,	/* block size PROTOCOL.key pads to for cipher "none" */
	KEY_PATH_SHOW = 512	/* how much of a path goes into a log line */
};

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
	if (!wire_view_eq(&type, pubkey_type_name(PK_ED25519))) {
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

/* Parses the unencrypted private section: check-ints, one ed25519 key, comment, padding. */
static int key_parse_private_section(struct privkey *k, struct wire_r *r)
{
	uint32_t check1 = 0, check2 = 0;
	struct wire_view type, comment;
	uint8_t pub[32], sk[ED25519_SK_LEN], derived_pk[32];
	int err = SSHTUN_ERR_KEY_FILE;

	if (wire_left(r) % KEY_NONE_BLOCK != 0) {
		goto out;
	}
	wire_get_u32(r, &check1);
	wire_get_u32(r, &check2);
	wire_get_string(r, &type);
	if (wire_err(r) || check1 != check2 || !wire_view_eq(&type, pubkey_type_name(k->pub.type))) {
		goto out;
	}
	wire_get_string_exact(r, pub, sizeof(pub));
	wire_get_string_exact(r, k->ed25519_sk, sizeof(k->ed25519_sk));
	wire_get_string(r, &comment);
	if (wire_err(r)) {
		goto out;
	}
	/* The three copies of the public key must agree, and the seed must give it. */
	if (memcmp(pub, k->pub.ed25519, sizeof(pub)) != 0 ||
	    memcmp(k->ed25519_sk + ED25519_SEED_LEN, pub, sizeof(pub)) != 0) {
		goto out;
	}
	if (cry_ed25519_from_seed(sk, derived_pk, k->ed25519_sk) != 0 ||
	    memcmp(derived_pk, pub, sizeof(pub)) != 0) {
		goto out;
	}
	lg_sanitize(k->comment, sizeof(k->comment), comment.p, comment.n);
	err = key_check_padding(r);
out:
	cry_wipe(sk, sizeof(sk));
	return err;
}

/* Parses the decoded binary: magic, cipher/kdf, the one public key, the private section. */
static int key_parse_binary(struct privkey *k, const uint8_t *bin, size_t n)
{
	struct wire_r r, priv;
	struct wire_view magic, cipher, kdf, kdfopts, pubblob;
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
	if (!wire_view_eq(&cipher, "none")) {
		return SSHTUN_ERR_KEY_ENCRYPTED;
	}
	if (!wire_view_eq(&kdf, "none") || kdfopts.n != 0) {
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
	wire_get_sub(&r, &priv);
	if (wire_end(&r)) {
		return SSHTUN_ERR_KEY_FILE;
	}
	return key_parse_private_section(k, &priv);
}

int key_parse_private(struct privkey *k, const uint8_t *text, size_t n)
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
	err = key_parse_binary(k, bin, binlen);
out:
	if (bin) {
		cry_wipe(bin, binmax);
		free(bin);
	}
	wire_w_free(&b64);
	if (err) {
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

int key_load_private(struct privkey *k, const char *path, const struct lg *log)
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
	err = key_parse_private(k, text.p, text.len);
	if (err == SSHTUN_ERR_KEY_ENCRYPTED) {
		LG_D1(log, "key file %s is protected by a passphrase; add it to ssh-agent with ssh-add", show);
	} else if (err == SSHTUN_ERR_NOT_SUPPORTED) {
		LG_D1(log, "key file %s: key type not supported (only ssh-ed25519 keys in openssh-key-v1 format)", show);
	} else if (err) {
		LG_W(log, "key file %s: %s (not an unencrypted OpenSSH ed25519 private key?)", show, sshtun_strerror(err));
	} else {
		LG_D1(log, "loaded private key %s (%s)", show, pubkey_type_name(k->pub.type));
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

int key_sign(const struct privkey *k, const uint8_t *data, size_t n, struct wire_w *sig)
{
	uint8_t raw[ED25519_SIG_LEN];
	int err;

	if (!k || !sig || (!data && n)) {
		return SSHTUN_ERR_INVAL;
	}
	if (k->pub.type != PK_ED25519) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	err = cry_ed25519_sign(raw, k->ed25519_sk, data, n);
	if (err == 0) {
		wire_put_cstring(sig, pubkey_type_name(PK_ED25519));
		err = wire_put_string(sig, raw, sizeof(raw));
	}
	cry_wipe(raw, sizeof(raw));
	return err;
}

void key_wipe(struct privkey *k)
{
	if (k) {
		cry_wipe(k, sizeof(*k));
	}
}
