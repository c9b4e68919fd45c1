/* sshtun: tests for public keys, OpenSSH private key files and signing, checked against real ssh-keygen. */
#include "tests/unit/testutil.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "ssh/key.h"
#include "transport/pubkey.h"
#include "util/wire.h"

/* The group state: a temporary directory with keys made by ssh-keygen. */
struct kfix {
	char dir[64];
};

static void t_path(void **state, char *out, size_t n, const char *name)
{
	const struct kfix *f = *state;

	snprintf(out, n, "%s/%s", f->dir, name);
}

static int t_run(const char *fmt, const char *arg)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), fmt, arg, arg);
	return system(cmd);
}

static int group_setup(void **state)
{
	static struct kfix fix;
	char p[128];

	strcpy(fix.dir, "/tmp/sshtun-keys-XXXXXX");
	if (!mkdtemp(fix.dir) || cry_init() != 0) {
		return -1;
	}
	*state = &fix;
	t_path(state, p, sizeof(p), "k");
	if (t_run("ssh-keygen -q -t ed25519 -N '' -C comment -f %s </dev/null >/dev/null", p) != 0) {
		return -1;
	}
	t_path(state, p, sizeof(p), "kp");
	if (t_run("ssh-keygen -q -t ed25519 -N secretpass -f %s </dev/null >/dev/null", p) != 0) {
		return -1;
	}
	t_path(state, p, sizeof(p), "kr");
	if (t_run("ssh-keygen -q -t rsa -b 2048 -N '' -f %s </dev/null >/dev/null", p) != 0) {
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	const struct kfix *f = *state;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void load_k(void **state, struct privkey *k)
{
	char p[128];

	t_path(state, p, sizeof(p), "k");
	assert_int_equal(key_load_private(k, p, NULL), 0);
}

static void test_load_matches_pub_file(void **state)
{
	struct privkey k;
	struct pubkey pub;
	char p[128];

	load_k(state, &k);
	assert_int_equal(k.pub.type, PK_ED25519);
	assert_string_equal(k.comment, "comment");
	t_path(state, p, sizeof(p), "k.pub");
	assert_int_equal(key_load_public(&pub, p), 0);
	assert_true(pubkey_equal(&k.pub, &pub));
	assert_int_equal(pub.bloblen, 51);
	assert_memory_equal(pub.blob, k.pub.blob, pub.bloblen);
	/* libsodium's secret key ends with the public key. */
	assert_memory_equal(k.ed25519_sk + 32, pub.ed25519, 32);
	key_wipe(&k);
	for (size_t i = 0; i < sizeof(k.ed25519_sk); i++) {
		assert_int_equal(k.ed25519_sk[i], 0);
	}
}

static void test_fingerprint_like_ssh_keygen(void **state)
{
	struct pubkey pub;
	char p[128], cmd[256], line[512], want[128], fp[PK_FP_MAX];
	FILE *f;
	unsigned bits = 0;

	t_path(state, p, sizeof(p), "k.pub");
	assert_int_equal(key_load_public(&pub, p), 0);
	snprintf(cmd, sizeof(cmd), "ssh-keygen -l -E sha256 -f %s", p);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(pclose(f), 0);
	assert_int_equal(sscanf(line, "%u %127s", &bits, want), 2);
	assert_int_equal(pubkey_fingerprint(&pub, fp, sizeof(fp)), 0);
	assert_string_equal(fp, want);
	assert_int_equal(strlen(fp), 7 + 43);
	assert_int_not_equal(pubkey_fingerprint(&pub, fp, 20), 0);
}

static void test_sign_verify_and_tamper(void **state)
{
	struct privkey k;
	struct wire_w sig;
	static const uint8_t msg[] = "exchange hash stand-in";
	uint8_t bad[256];

	load_k(state, &k);
	wire_w_init(&sig, 0);
	assert_int_equal(key_sign(&k, msg, sizeof(msg), &sig), 0);
	assert_int_equal(sig.len, 4 + 11 + 4 + 64);
	assert_int_equal(pubkey_verify(&k.pub, sig.p, sig.len, msg, sizeof(msg)), 0);
	/* Changed message. */
	assert_int_equal(pubkey_verify(&k.pub, sig.p, sig.len, msg, sizeof(msg) - 1), SSHTUN_ERR_HOSTKEY_SIG);
	/* Flipped bit in the signature. */
	memcpy(bad, sig.p, sig.len);
	bad[sig.len - 10] ^= 0x04;
	assert_int_equal(pubkey_verify(&k.pub, bad, sig.len, msg, sizeof(msg)), SSHTUN_ERR_HOSTKEY_SIG);
	/* Algorithm name that does not fit the key. */
	memcpy(bad, sig.p, sig.len);
	bad[4 + 4] = 'X';
	assert_int_equal(pubkey_verify(&k.pub, bad, sig.len, msg, sizeof(msg)), SSHTUN_ERR_HOSTKEY_SIG);
	/* Truncated and trailing blobs are malformed. */
	assert_int_equal(pubkey_verify(&k.pub, sig.p, sig.len - 1, msg, sizeof(msg)), SSHTUN_ERR_BAD_FORMAT);
	memcpy(bad, sig.p, sig.len);
	bad[sig.len] = 0;
	assert_int_equal(pubkey_verify(&k.pub, bad, sig.len + 1, msg, sizeof(msg)), SSHTUN_ERR_BAD_FORMAT);
	wire_w_free(&sig);
	key_wipe(&k);
}

static void test_passphrase_key_encrypted(void **state)
{
	struct privkey k;
	char p[128];

	t_path(state, p, sizeof(p), "kp");
	assert_int_equal(key_load_private(&k, p, NULL), SSHTUN_ERR_KEY_ENCRYPTED);
	assert_int_equal(k.pub.type, PK_NONE);
}

static void test_rsa_not_supported(void **state)
{
	struct privkey k;
	struct pubkey pub;
	char p[128];

	t_path(state, p, sizeof(p), "kr");
	assert_int_equal(key_load_private(&k, p, NULL), SSHTUN_ERR_NOT_SUPPORTED);
	t_path(state, p, sizeof(p), "kr.pub");
	assert_int_equal(key_load_public(&pub, p), SSHTUN_ERR_NOT_SUPPORTED);
}

struct logcap {
	char last[1024];
	int n;
};

static void cap_fn(void *ud, int level, const char *msg)
{
	struct logcap *c = ud;

	if (level <= LG_WARN) {
		snprintf(c->last, sizeof(c->last), "%s", msg);
		c->n++;
	}
}

static void test_open_mode_refused(void **state)
{
	struct privkey k;
	struct logcap cap = { .n = 0 };
	struct lg log = { cap_fn, &cap, LG_DEBUG3 };
	char p[128], q[128], cmd[512];

	t_path(state, p, sizeof(p), "k");
	t_path(state, q, sizeof(q), "k_open");
	snprintf(cmd, sizeof(cmd), "cp %s %s && chmod 0644 %s", p, q, q);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(key_load_private(&k, q, &log), SSHTUN_ERR_KEY_FILE);
	assert_int_equal(cap.n, 1);
	assert_non_null(strstr(cap.last, "UNPROTECTED PRIVATE KEY FILE"));
	assert_non_null(strstr(cap.last, "chmod 600"));
	assert_non_null(strstr(cap.last, q));
	assert_int_equal(chmod(q, 0600), 0);
	assert_int_equal(key_load_private(&k, q, &log), 0);
	key_wipe(&k);
	/* A missing file fails quietly (only a debug line): default identities often do not exist. */
	t_path(state, q, sizeof(q), "does-not-exist");
	assert_int_equal(key_load_private(&k, q, &log), SSHTUN_ERR_KEY_FILE);
	assert_int_equal(cap.n, 1);
}

/* ---- crafted key files ---- */

enum {
	F_CHECKINT = 1, F_PADDING = 2, F_TRAILING = 4, F_NKEYS2 = 8, F_PUBMISMATCH = 16,
	F_KDF = 32, F_SEED = 64, F_UNALIGNED = 128
};

/* Builds an openssh-key-v1 file for a fixed seed, corrupted as flags say. */
static void build_key(struct wire_w *text, unsigned flags)
{
	uint8_t seed[32], sk[64], pk[32], pub2[32];
	struct wire_w bin, pubblob, priv;
	char b64[2048];
	int len;

	memset(seed, 0x42, sizeof(seed));
	assert_int_equal(cry_ed25519_from_seed(sk, pk, seed), 0);
	wire_w_init(&bin, 0);
	wire_w_init(&pubblob, 0);
	wire_w_init(&priv, 0);
	wire_put_cstring(&pubblob, "ssh-ed25519");
	wire_put_string(&pubblob, pk, 32);
	wire_put_raw(&bin, "openssh-key-v1", 15);
	wire_put_cstring(&bin, "none");
	wire_put_cstring(&bin, (flags & F_KDF) ? "bcrypt" : "none");
	wire_put_cstring(&bin, "");
	wire_put_u32(&bin, (flags & F_NKEYS2) ? 2 : 1);
	wire_put_string(&bin, pubblob.p, pubblob.len);
	wire_put_u32(&priv, 0x11223344);
	wire_put_u32(&priv, (flags & F_CHECKINT) ? 0x11223345 : 0x11223344);
	wire_put_cstring(&priv, "ssh-ed25519");
	memcpy(pub2, pk, 32);
	pub2[0] ^= (flags & F_PUBMISMATCH) ? 1 : 0;
	wire_put_string(&priv, pub2, 32);
	sk[0] ^= (flags & F_SEED) ? 1 : 0;
	wire_put_string(&priv, sk, 64);
	wire_put_cstring(&priv, "crafted");
	for (uint8_t i = 1; priv.len % 8 != 0 || (flags & F_UNALIGNED && i == 1); i++) {
		wire_put_u8(&priv, (flags & F_PADDING && i == 2) ? 7 : i);
		if (flags & F_UNALIGNED) {
			break;
		}
	}
	wire_put_string(&bin, priv.p, priv.len);
	if (flags & F_TRAILING) {
		wire_put_u8(&bin, 0);
	}
	assert_int_equal(wire_w_err(&bin), 0);
	len = cry_base64_encode(b64, sizeof(b64), bin.p, bin.len, 1);
	assert_true(len > 0);
	wire_w_init(text, 0);
	wire_put_raw(text, "-----BEGIN OPENSSH PRIVATE KEY-----\n", 36);
	for (int i = 0; i < len; i += 70) {
		wire_put_raw(text, b64 + i, (size_t)(len - i < 70 ? len - i : 70));
		wire_put_raw(text, "\r\n", 2);
	}
	wire_put_raw(text, "-----END OPENSSH PRIVATE KEY-----\n", 34);
	wire_w_free(&bin);
	wire_w_free(&pubblob);
	wire_w_free(&priv);
}

static int parse_built(unsigned flags)
{
	struct wire_w text;
	struct privkey k;
	int err;

	build_key(&text, flags);
	err = key_parse_private(&k, text.p, text.len);
	if (err == 0) {
		assert_string_equal(k.comment, "crafted");
	} else {
		assert_int_equal(k.pub.type, PK_NONE);
	}
	wire_w_free(&text);
	return err;
}

static void test_crafted_files(void **state)
{
	assert_int_equal(parse_built(0), 0);	/* the builder itself is right */
	assert_int_equal(parse_built(F_CHECKINT), SSHTUN_ERR_KEY_FILE);
	assert_int_equal(parse_built(F_PADDING), SSHTUN_ERR_KEY_FILE);
	assert_int_equal(parse_built(F_TRAILING), SSHTUN_ERR_KEY_FILE);
	assert_int_equal(parse_built(F_NKEYS2), SSHTUN_ERR_KEY_FILE);
	assert_int_equal(parse_built(F_PUBMISMATCH), SSHTUN_ERR_KEY_FILE);
	assert_int_equal(parse_built(F_KDF), SSHTUN_ERR_KEY_FILE);
	assert_int_equal(parse_built(F_SEED), SSHTUN_ERR_KEY_FILE);
	assert_int_equal(parse_built(F_UNALIGNED), SSHTUN_ERR_KEY_FILE);
}

static void test_damaged_armour(void **state)
{
	struct wire_w text;
	struct privkey k;
	uint8_t buf[1024];
	size_t n;

	build_key(&text, 0);
	n = text.len;
	assert_true(n < sizeof(buf));
	memcpy(buf, text.p, n);
	/* Truncated at several points. */
	for (size_t cut = 0; cut < n - 40; cut += 37) {
		assert_int_equal(key_parse_private(&k, buf, cut), SSHTUN_ERR_KEY_FILE);
	}
	/* Body lines cut short (END line kept). */
	memcpy(buf, text.p, 36 + 72);
	memcpy(buf + 36 + 72, "-----END OPENSSH PRIVATE KEY-----\n", 34);
	assert_int_equal(key_parse_private(&k, buf, 36 + 72 + 34), SSHTUN_ERR_KEY_FILE);
	/* Bad BEGIN line. */
	memcpy(buf, text.p, n);
	buf[11] = 'X';
	assert_int_equal(key_parse_private(&k, buf, n), SSHTUN_ERR_KEY_FILE);
	/* Bad character inside the base64. */
	memcpy(buf, text.p, n);
	buf[50] = '*';
	assert_int_equal(key_parse_private(&k, buf, n), SSHTUN_ERR_KEY_FILE);
	/* Garbage after END. */
	memcpy(buf, text.p, n);
	memcpy(buf + n, "junk\n", 5);
	assert_int_equal(key_parse_private(&k, buf, n + 5), SSHTUN_ERR_KEY_FILE);
	/* Trailing blank lines are fine. */
	memcpy(buf + n, "\n\n", 2);
	assert_int_equal(key_parse_private(&k, buf, n + 2), 0);
	key_wipe(&k);
	assert_int_equal(key_parse_private(&k, (const uint8_t *)"", 0), SSHTUN_ERR_KEY_FILE);
	wire_w_free(&text);
}

static void test_public_lines_and_blobs(void **state)
{
	struct privkey k;
	struct pubkey pub;
	char line[256], b64[128];
	uint8_t blob[80];
	int len;

	load_k(state, &k);
	len = cry_base64_encode(b64, sizeof(b64), k.pub.blob, k.pub.bloblen, 1);
	assert_true(len > 0);
	snprintf(line, sizeof(line), "  ssh-ed25519\t%s a comment here\n", b64);
	assert_int_equal(key_parse_public_line(&pub, line, strlen(line)), 0);
	assert_true(pubkey_equal(&pub, &k.pub));
	snprintf(line, sizeof(line), "ssh-ed25519 %s", b64);
	assert_int_equal(key_parse_public_line(&pub, line, strlen(line)), 0);
	snprintf(line, sizeof(line), "ssh-rsa %s", b64);
	assert_int_equal(key_parse_public_line(&pub, line, strlen(line)), SSHTUN_ERR_NOT_SUPPORTED);
	snprintf(line, sizeof(line), "ssh-ed25519 %.20s", b64);
	assert_int_not_equal(key_parse_public_line(&pub, line, strlen(line)), 0);
	assert_int_equal(key_parse_public_line(&pub, "ssh-ed25519", 11), SSHTUN_ERR_BAD_FORMAT);
	assert_int_equal(key_parse_public_line(&pub, "", 0), SSHTUN_ERR_BAD_FORMAT);

	/* Blobs: trailing byte, short key, unknown type, oversize. */
	memcpy(blob, k.pub.blob, k.pub.bloblen);
	assert_int_equal(pubkey_from_blob(&pub, blob, k.pub.bloblen), 0);
	assert_string_equal(pubkey_type_name(pub.type), "ssh-ed25519");
	blob[k.pub.bloblen] = 0;
	assert_int_equal(pubkey_from_blob(&pub, blob, k.pub.bloblen + 1), SSHTUN_ERR_BAD_FORMAT);
	assert_int_equal(pub.type, PK_NONE);
	assert_int_equal(pubkey_from_blob(&pub, blob, k.pub.bloblen - 1), SSHTUN_ERR_BAD_FORMAT);
	blob[14] = 'X';	/* "ssh-ed2551X" */
	assert_int_equal(pubkey_from_blob(&pub, blob, k.pub.bloblen), SSHTUN_ERR_NOT_SUPPORTED);
	assert_int_equal(pubkey_from_blob(&pub, blob, PK_BLOB_MAX + 1), SSHTUN_ERR_TOO_LONG);
	assert_int_equal(pubkey_from_blob(&pub, blob, 0), SSHTUN_ERR_BAD_FORMAT);
	assert_string_equal(pubkey_type_name(PK_NONE), "unknown");
	memset(&pub, 0, sizeof(pub));
	assert_false(pubkey_equal(&pub, &pub));
	key_wipe(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_matches_pub_file),
		cmocka_unit_test(test_fingerprint_like_ssh_keygen),
		cmocka_unit_test(test_sign_verify_and_tamper),
		cmocka_unit_test(test_passphrase_key_encrypted),
		cmocka_unit_test(test_rsa_not_supported),
		cmocka_unit_test(test_open_mode_refused),
		cmocka_unit_test(test_crafted_files),
		cmocka_unit_test(test_damaged_armour),
		cmocka_unit_test(test_public_lines_and_blobs),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
