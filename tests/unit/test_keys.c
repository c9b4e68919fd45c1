/* sshtun: tests for public keys, OpenSSH private key files and signing, checked against real ssh-keygen. */
#include "tests/unit/testutil.h"
#include "util/features.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "ssh/key.h"
#include "transport/pubkey.h"
#include "util/wire.h"
#include "sshtun.h"

/* The group state: a temporary directory with keys made by ssh-keygen. */
struct kfix {
	char dir[64];
};

static void t_path(void **state, char *out, size_t n, const char *name)
{
	const struct kfix *f = *state;

	snprintf(out, n, "%s/%s", f->dir, name);
}

/* Keys of every type and size ssh-keygen makes, with the signature algorithms each must sign and verify with. */
static const struct typed_key {
	const char *file, *keygen;
	unsigned bits;
	int type;
	const char *algs[3];
} typed[] = {
	{ "e256", "ecdsa", 256, PK_ECDSA_P256, { "ecdsa-sha2-nistp256" } },
	{ "e384", "ecdsa", 384, PK_ECDSA_P384, { "ecdsa-sha2-nistp384" } },
	{ "e521", "ecdsa", 521, PK_ECDSA_P521, { "ecdsa-sha2-nistp521" } },
	{ "r3072", "rsa", 3072, PK_RSA, { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" } },
	{ "r1024", "rsa", 1024, PK_RSA, { "rsa-sha2-256" } },
};

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
	{
		static const char *const pem[][2] = {
			{ "pem_rsa", "ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -f %s </dev/null >/dev/null" },
			{ "pem_ec", "ssh-keygen -q -t ecdsa -b 384 -m PEM -N '' -f %s </dev/null >/dev/null" },
			{ "p8_ec", "ssh-keygen -q -t ecdsa -b 256 -m PKCS8 -N '' -f %s </dev/null >/dev/null" },
			{ "p8_rsa", "ssh-keygen -q -t rsa -b 2048 -m PKCS8 -N '' -f %s </dev/null >/dev/null" },
			{ "pem_rsa_enc", "ssh-keygen -q -t rsa -b 2048 -m PEM -N secretpass -f %s </dev/null >/dev/null" },
			{ "p8_ec_enc", "ssh-keygen -q -t ecdsa -b 521 -m PKCS8 -N secretpass -f %s </dev/null >/dev/null" },
			{ "p8_ed", "openssl genpkey -algorithm ed25519 -out %s 2>/dev/null && chmod 600 %s" },
		};

		for (size_t i = 0; i < sizeof(pem) / sizeof(pem[0]); i++) {
			t_path(state, p, sizeof(p), pem[i][0]);
			if (t_run(pem[i][1], p) != 0) {
				return -1;
			}
		}
	}
	t_path(state, p, sizeof(p), "kp_gcm");
	if (t_run("ssh-keygen -q -t ed25519 -N secretpass -Z aes256-gcm@openssh.com -f %s </dev/null >/dev/null", p) != 0) {
		return -1;
	}
	t_path(state, p, sizeof(p), "kp_chacha");
	if (t_run("ssh-keygen -q -t ed25519 -N secretpass -Z chacha20-poly1305@openssh.com -f %s </dev/null >/dev/null",
		p) != 0) {
		return -1;
	}
	t_path(state, p, sizeof(p), "kp_ecdsa");
	if (t_run("ssh-keygen -q -t ecdsa -b 521 -N secretpass -f %s </dev/null >/dev/null", p) != 0) {
		return -1;
	}
	t_path(state, p, sizeof(p), "kp_rsa");
	if (t_run("ssh-keygen -q -t rsa -b 2048 -N secretpass -Z aes128-ctr -f %s </dev/null >/dev/null", p) != 0) {
		return -1;
	}
	for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
		char cmd[256];

		t_path(state, p, sizeof(p), typed[i].file);
		snprintf(cmd, sizeof(cmd), "ssh-keygen -q -t %s -b %u -N '' -C %s -f %%s </dev/null >/dev/null", typed[i].keygen,
			typed[i].bits, typed[i].file);
		if (t_run(cmd, p) != 0) {
			return -1;
		}
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
	assert_int_equal(key_load_private(k, p, NULL, NULL), 0);
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
	assert_memory_equal(k.ed25519_sk + 32, pub.blob + pub.a_off, 32);
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
	assert_int_equal(key_sign(&k, NULL, msg, sizeof(msg), &sig), 0);
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

/*
 * Passphrase-protected files as ssh-keygen writes them (aes256-ctr by default, aes256-gcm@openssh.com or
 * chacha20-poly1305@openssh.com with -Z): without the passphrase only the public key is read; a wrong one is told
 * apart from a damaged file; the right one gives a key that signs like the unencrypted file's. A build without
 * libcrypto reads the aes256-ctr (crypto/aes_ct.c) and chacha20-poly1305 files and refuses as not supported,
 * passphrase or not, the AES-GCM one and the ECDSA and RSA keys.
 */
static void test_passphrase_keys(void **state)
{
	T_NEED(SSHTUN_KEY_ENCRYPTED);	/* without it none is decrypted: test_encrypted_left_out */
#if SSHTUN_OPENSSL
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
	static const char *const files[] = { "kp", "kp_gcm", "kp_ecdsa", "kp_rsa", "kp_chacha" };
#else
	static const char *const files[] = { "kp", "kp_chacha" };
	static const char *const refused[] = { "kp_gcm", "kp_ecdsa", "kp_rsa" };
#endif
	static const uint8_t msg[] = "m";

#if !SSHTUN_OPENSSL
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct privkey k;
		char p[128];

		t_path(state, p, sizeof(p), refused[i]);
		assert_int_equal(key_load_private(&k, p, NULL, NULL), SSHTUN_ERR_NOT_SUPPORTED);
		assert_int_equal(key_load_private(&k, p, "secretpass", NULL), SSHTUN_ERR_NOT_SUPPORTED);
		assert_int_equal(k.pub.type, PK_NONE);
	}
#endif

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct privkey k;
		struct pubkey pub;
		struct wire_w sig;
		char p[128];

		t_path(state, p, sizeof(p), files[i]);
		assert_int_equal(key_load_private(&k, p, NULL, NULL), SSHTUN_ERR_KEY_ENCRYPTED);
		strcat(p, ".pub");
		assert_int_equal(key_load_public(&pub, p), 0);
		assert_true(pubkey_equal(&k.pub, &pub));
		assert_null(k.pk);
		t_path(state, p, sizeof(p), files[i]);
		assert_int_equal(key_load_private(&k, p, "secretpas", NULL), SSHTUN_ERR_KEY_BAD_PASS);
		assert_int_equal(k.pub.type, PK_NONE);
		assert_int_equal(key_load_private(&k, p, "", NULL), SSHTUN_ERR_KEY_BAD_PASS);
		assert_int_equal(key_load_private(&k, p, "secretpass", NULL), 0);
		assert_true(pubkey_equal(&k.pub, &pub));
		wire_w_init(&sig, 0);
		assert_int_equal(key_sign(&k, NULL, msg, sizeof(msg), &sig), 0);
		assert_int_equal(pubkey_verify(&pub, sig.p, sig.len, msg, sizeof(msg)), 0);
		wire_w_free(&sig);
		key_wipe(&k);
	}
}

/*
 * PEM key files through libcrypto (PKCS#1 RSA, SEC1 EC, PKCS#8, encrypted legacy PEM and PKCS#8, an Ed25519
 * PKCS#8 file from openssl): the key is the one ssh-keygen's .pub names, and it signs.
 */
static void test_pem_keys(void **state)
#if !SSHTUN_PEM
{
	/* A build without libcrypto reads no PEM file, the Ed25519 one included. */
	static const char *const files[] = { "pem_rsa", "pem_ec", "p8_ec", "p8_rsa", "pem_rsa_enc", "p8_ec_enc", "p8_ed" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct privkey k;
		char p[128];

		t_path(state, p, sizeof(p), files[i]);
		assert_int_equal(key_load_private(&k, p, "secretpass", NULL), SSHTUN_ERR_NOT_SUPPORTED);
	}
}
#else
{
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
	static const struct {
		const char *file;
		int type, encrypted;
	} files[] = {
		{ "pem_rsa", PK_RSA, 0 }, { "pem_ec", PK_ECDSA_P384, 0 }, { "p8_ec", PK_ECDSA_P256, 0 }, { "p8_rsa", PK_RSA, 0 },
		{ "pem_rsa_enc", PK_RSA, 1 }, { "p8_ec_enc", PK_ECDSA_P521, 1 }, { "p8_ed", PK_ED25519, 0 },
	};
	static const uint8_t msg[] = "m";

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct privkey k;
		struct pubkey pub;
		struct wire_w sig;
		char p[128], pp[140];

		t_path(state, p, sizeof(p), files[i].file);
		if (files[i].encrypted && !SSHTUN_KEY_ENCRYPTED) {
			/* Known as encrypted, never decrypted, whatever passphrase is handed in. */
			assert_int_equal(key_load_private(&k, p, NULL, NULL), SSHTUN_ERR_KEY_ENCRYPTED);
			assert_int_equal(key_load_private(&k, p, "secretpass", NULL), SSHTUN_ERR_KEY_ENCRYPTED);
			assert_null(k.pk);
			continue;
		}
		if (files[i].encrypted) {
			assert_int_equal(key_load_private(&k, p, NULL, NULL), SSHTUN_ERR_KEY_ENCRYPTED);
			assert_int_equal(k.pub.type, PK_NONE);	/* PEM hides the public key: KEY.pub gives it */
			assert_int_equal(key_load_private(&k, p, "secretpas", NULL), SSHTUN_ERR_KEY_BAD_PASS);
			assert_int_equal(key_load_private(&k, p, "secretpass", NULL), 0);
		} else {
			assert_int_equal(key_load_private(&k, p, NULL, NULL), 0);
		}
		assert_int_equal(k.pub.type, files[i].type);
		if (files[i].type == PK_ED25519) {
			/* openssl's own view of the public key: the last 32 bytes of its DER. */
			char cmd[300], hex[65];
			FILE *f;

			snprintf(cmd, sizeof(cmd), "openssl pkey -in %s -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \\n'", p);
			f = popen(cmd, "r");
			assert_non_null(f);
			assert_non_null(fgets(hex, sizeof(hex), f));
			pclose(f);
			for (int b = 0; b < 32; b++) {
				unsigned v;

				assert_int_equal(sscanf(hex + 2 * b, "%2x", &v), 1);
				assert_int_equal(k.pub.blob[k.pub.a_off + b], v);
			}
		} else {
			snprintf(pp, sizeof(pp), "%s.pub", p);
			assert_int_equal(key_load_public(&pub, pp), 0);
			assert_true(pubkey_equal(&k.pub, &pub));
		}
		wire_w_init(&sig, 0);
		assert_int_equal(key_sign(&k, NULL, msg, sizeof(msg), &sig), 0);
		assert_int_equal(pubkey_verify(&k.pub, sig.p, sig.len, msg, sizeof(msg)), 0);
		wire_w_free(&sig);
		key_wipe(&k);
	}
	/*
	 * A damaged encrypted PEM RSA key (found by fuzz_privkey): it decrypts and libcrypto reads it, but its numbers
	 * are not one key (it would only make signatures that fail). Refused as a damaged file.
	 */
	{
		struct privkey k;
		char path[512], text[4096];
		const char *slash = strrchr(__FILE__, '/');
		FILE *f;
		size_t n;

		/* Read beside this source (git does not keep a key file's 0600, which key_load_private would want). */
		snprintf(path, sizeof(path), "%.*sdata/pem_rsa_damaged", slash ? (int)(slash - __FILE__ + 1) : 0, __FILE__);
		f = fopen(path, "r");
		assert_non_null(f);
		n = fread(text, 1, sizeof(text), f);
		fclose(f);
		assert_true(n > 100);
		assert_int_equal(key_parse_private(&k, (const uint8_t *)text, n, NULL), SSHTUN_ERR_KEY_ENCRYPTED);
		assert_int_equal(key_parse_private(&k, (const uint8_t *)text, n, "fuzzpass"),
			SSHTUN_KEY_ENCRYPTED ? SSHTUN_ERR_KEY_FILE : SSHTUN_ERR_KEY_ENCRYPTED);
		assert_int_equal(k.pub.type, PK_NONE);
	}
	/* A PEM armour around nonsense is a damaged file, not a crash. */
	{
		static const char junk[] = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
		struct privkey k;

		assert_int_equal(key_parse_private(&k, (const uint8_t *)junk, sizeof(junk) - 1, NULL), SSHTUN_ERR_KEY_FILE);
	}
}
#endif

/* A file asking for more bcrypt rounds than sshtun spends is refused at once, before any work. */
static void test_passphrase_rounds_limit(void **state)
{
	struct wire_w text, b64;
	struct privkey k;
	uint8_t bin[4096];
	size_t binlen = 0, off = 0;
	char p[128], line[80];
	FILE *f;
	int len;

	t_path(state, p, sizeof(p), "kp");
	f = fopen(p, "r");
	assert_non_null(f);
	wire_w_init(&b64, 0);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] != '-') {
			wire_put_raw(&b64, line, strcspn(line, "\n"));
		}
	}
	fclose(f);
	assert_int_equal(cry_base64_decode(bin, sizeof(bin), &binlen, (const char *)b64.p, b64.len), 0);
	/* magic(15) string "aes256-ctr" string "bcrypt" u32 optlen string salt(16), then rounds. */
	off = 15 + 4 + 10 + 4 + 6 + 4 + 4 + 16;
	assert_int_equal(wire_peek_u32(bin + off), 16);
	wire_poke_u32(bin + off, 4096);
	wire_w_init(&text, 0);
	wire_put_raw(&text, "-----BEGIN OPENSSH PRIVATE KEY-----\n", 36);
	len = cry_base64_encode((char *)wire_put_space(&text, binlen * 2 + 8), binlen * 2 + 8, bin, binlen, 1);
	assert_true(len > 0);
	text.len -= binlen * 2 + 8 - (size_t)len;
	wire_put_raw(&text, "\n-----END OPENSSH PRIVATE KEY-----\n", 35);
	/* (A build without passphrase-protected keys never decrypts: the file is just known as encrypted.) */
	assert_int_equal(key_parse_private(&k, text.p, text.len, "secretpass"),
		SSHTUN_KEY_ENCRYPTED ? SSHTUN_ERR_LIMIT : SSHTUN_ERR_KEY_ENCRYPTED);
	/* Without a passphrase the public part is still read: the limit applies only to work actually done. */
	assert_int_equal(key_parse_private(&k, text.p, text.len, NULL), SSHTUN_ERR_KEY_ENCRYPTED);
	assert_int_equal(k.pub.type, PK_ED25519);
	wire_w_free(&text);
	wire_w_free(&b64);
}

/*
 * Every key type and size: the private file and the .pub agree, the fingerprint is ssh-keygen's, each signature
 * algorithm of the type signs and verifies (and only as itself), tampering is caught, and the wrong type's
 * algorithm is refused.
 */
static void test_every_type(void **state)
{
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
	static const uint8_t msg[] = "exchange hash stand-in";

	if (!SSHTUN_ECDSA || !SSHTUN_RSA) {
		/* A build without libcrypto (or without the two) refuses the files: the key types are not its. */
		for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
			struct privkey k;
			char p[128];

			t_path(state, p, sizeof(p), typed[i].file);
			assert_int_equal(key_load_private(&k, p, NULL, NULL), SSHTUN_ERR_NOT_SUPPORTED);
		}
		return;
	}

	for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
		const struct typed_key *t = &typed[i];
		struct privkey k;
		struct pubkey pub;
		struct wire_w sig;
		char p[128], cmd[256], line[512], want[128], fp[PK_FP_MAX];
		unsigned bits = 0;
		FILE *f;

		t_path(state, p, sizeof(p), t->file);
		assert_int_equal(key_load_private(&k, p, NULL, NULL), 0);
		assert_int_equal(k.pub.type, t->type);
		assert_int_equal(k.pub.bits, t->bits);
		assert_string_equal(k.comment, t->file);
		t_path(state, p, sizeof(p), t->file);
		strcat(p, ".pub");
		assert_int_equal(key_load_public(&pub, p), 0);
		assert_true(pubkey_equal(&k.pub, &pub));
		snprintf(cmd, sizeof(cmd), "ssh-keygen -l -E sha256 -f %s", p);
		f = popen(cmd, "r");
		assert_non_null(f);
		assert_non_null(fgets(line, sizeof(line), f));
		assert_int_equal(pclose(f), 0);
		assert_int_equal(sscanf(line, "%u %127s", &bits, want), 2);
		assert_int_equal(bits, t->bits);
		assert_int_equal(pubkey_fingerprint(&pub, fp, sizeof(fp)), 0);
		assert_string_equal(fp, want);

		wire_w_init(&sig, 0);
		for (size_t a = 0; a < 3 && t->algs[a]; a++) {
			uint8_t *bad;

			wire_w_reset(&sig);
			assert_int_equal(key_sign(&k, t->algs[a], msg, sizeof(msg), &sig), 0);
			assert_int_equal(pubkey_verify_alg(&pub, t->algs[a], sig.p, sig.len, msg, sizeof(msg)), 0);
			assert_int_equal(pubkey_verify_alg(&pub, t->algs[a], sig.p, sig.len, msg, sizeof(msg) - 1), SSHTUN_ERR_HOSTKEY_SIG);
			/* Without a named algorithm any of the type's verifies, but never SHA-1. */
			assert_int_equal(pubkey_verify(&pub, sig.p, sig.len, msg, sizeof(msg)),
				strcmp(t->algs[a], "ssh-rsa") == 0 ? SSHTUN_ERR_HOSTKEY_SIG : 0);
			/* Asking for another algorithm of the type: the signature is not one. */
			if (t->type == PK_RSA) {
				assert_int_equal(pubkey_verify_alg(&pub, strcmp(t->algs[a], "rsa-sha2-512") ? "rsa-sha2-512" : "rsa-sha2-256",
					sig.p, sig.len, msg, sizeof(msg)), SSHTUN_ERR_HOSTKEY_SIG);
			}
			bad = malloc(sig.len);
			assert_non_null(bad);
			memcpy(bad, sig.p, sig.len);
			bad[sig.len - 3] ^= 0x10;
			assert_int_not_equal(pubkey_verify_alg(&pub, t->algs[a], bad, sig.len, msg, sizeof(msg)), 0);
			free(bad);
		}
		wire_w_reset(&sig);
		assert_int_equal(key_sign(&k, "ssh-ed25519", msg, sizeof(msg), &sig), SSHTUN_ERR_NOT_SUPPORTED);
		assert_int_equal(key_sign(&k, "no-such-alg", msg, sizeof(msg), &sig), SSHTUN_ERR_NOT_SUPPORTED);
		wire_w_free(&sig);
		key_wipe(&k);
		assert_null(k.pk);
	}
}

#if SSHTUN_ECDSA && SSHTUN_RSA
/* Signature encodings: ECDSA r and s in range and under their own curve's name; RSA without its leading zeros. */
static void test_ecdsa_rsa_signature_forms(void **state)
{
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
	static const uint8_t msg[] = "m";
	struct privkey k;
	struct wire_w sig, fake;
	struct wire_r r;
	struct wire_view name, raw, vr, vs;
	char p[128];

	/* ECDSA: r or s zero, or longer than the curve's order, never verifies. */
	t_path(state, p, sizeof(p), "e256");
	assert_int_equal(key_load_private(&k, p, NULL, NULL), 0);
	wire_w_init(&sig, 0);
	wire_w_init(&fake, 0);
	assert_int_equal(key_sign(&k, NULL, msg, sizeof(msg), &sig), 0);
	wire_r_init(&r, sig.p, sig.len);
	wire_get_string(&r, &name);
	wire_get_string(&r, &raw);
	assert_int_equal(wire_end(&r), 0);
	wire_r_init(&r, raw.p, raw.n);
	wire_get_mpint(&r, &vr);
	wire_get_mpint(&r, &vs);
	assert_int_equal(wire_end(&r), 0);
	{
		struct wire_w inner;
		uint8_t big[40];

		memset(big, 0x7f, sizeof(big));
		wire_w_init(&inner, 0);
		wire_put_mpint(&inner, vr.p, vr.n);
		wire_put_mpint(&inner, NULL, 0);
		wire_put_cstring(&fake, "ecdsa-sha2-nistp256");
		wire_put_string(&fake, inner.p, inner.len);
		assert_int_equal(pubkey_verify(&k.pub, fake.p, fake.len, msg, sizeof(msg)), SSHTUN_ERR_HOSTKEY_SIG);
		wire_w_reset(&inner);
		wire_w_reset(&fake);
		wire_put_mpint(&inner, big, sizeof(big));
		wire_put_mpint(&inner, vs.p, vs.n);
		wire_put_cstring(&fake, "ecdsa-sha2-nistp256");
		wire_put_string(&fake, inner.p, inner.len);
		assert_int_equal(pubkey_verify(&k.pub, fake.p, fake.len, msg, sizeof(msg)), SSHTUN_ERR_HOSTKEY_SIG);
		/* A signature over the same data under the P-384 name is refused for a P-256 key. */
		wire_w_reset(&fake);
		wire_put_cstring(&fake, "ecdsa-sha2-nistp384");
		wire_put_string(&fake, raw.p, raw.n);
		assert_int_equal(pubkey_verify(&k.pub, fake.p, fake.len, msg, sizeof(msg)), SSHTUN_ERR_HOSTKEY_SIG);
		wire_w_free(&inner);
	}
	key_wipe(&k);

	/* RSA: a signature with its leading zero bytes dropped is the same number and verifies; a longer one does not. */
	t_path(state, p, sizeof(p), "kr");
	assert_int_equal(key_load_private(&k, p, NULL, NULL), 0);
	for (int tries = 0; tries < 2000; tries++) {
		uint8_t m[8];

		memcpy(m, &tries, sizeof(tries));
		wire_w_reset(&sig);
		assert_int_equal(key_sign(&k, "rsa-sha2-256", m, sizeof(m), &sig), 0);
		wire_r_init(&r, sig.p, sig.len);
		wire_get_string(&r, &name);
		wire_get_string(&r, &raw);
		assert_int_equal(raw.n, 256);
		if (raw.p[0] != 0) {
			continue;
		}
		wire_w_reset(&fake);
		wire_put_cstring(&fake, "rsa-sha2-256");
		wire_put_string(&fake, raw.p + 1, raw.n - 1);
		assert_int_equal(pubkey_verify(&k.pub, fake.p, fake.len, m, sizeof(m)), 0);
		break;
	}
	wire_w_reset(&fake);
	{
		uint8_t longer[257] = { 0 };

		memcpy(longer + 1, raw.p, raw.n);
		wire_put_cstring(&fake, "rsa-sha2-256");
		wire_put_string(&fake, longer, sizeof(longer));
		assert_int_equal(pubkey_verify(&k.pub, fake.p, fake.len, msg, sizeof(msg)), SSHTUN_ERR_HOSTKEY_SIG);
	}
	wire_w_free(&sig);
	wire_w_free(&fake);
	key_wipe(&k);
}

#endif

#if SSHTUN_ECDSA && SSHTUN_RSA


/* Blobs that name a known type but are no key of it are malformed, not unsupported. */
static void test_bad_blobs(void **state)
{
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
	struct privkey k;
	struct pubkey pub;
	struct wire_w w;
	uint8_t q[65];
	char p[128];
	static const uint8_t three[] = { 3 }, one[] = { 1 }, even[128] = { 0x80 }, e65537[] = { 1, 0, 1 };

	t_path(state, p, sizeof(p), "e256");
	assert_int_equal(key_load_private(&k, p, NULL, NULL), 0);
	assert_int_equal(k.pub.a_len, 65);
	memcpy(q, k.pub.blob + k.pub.a_off, sizeof(q));
	wire_w_init(&w, 0);
	/* The right blob, rebuilt. */
	wire_put_cstring(&w, "ecdsa-sha2-nistp256");
	wire_put_cstring(&w, "nistp256");
	wire_put_string(&w, q, sizeof(q));
	assert_int_equal(pubkey_from_blob(&pub, w.p, w.len), 0);
	assert_true(pubkey_equal(&pub, &k.pub));
	/* Another curve's name inside. */
	wire_w_reset(&w);
	wire_put_cstring(&w, "ecdsa-sha2-nistp256");
	wire_put_cstring(&w, "nistp384");
	wire_put_string(&w, q, sizeof(q));
	assert_int_equal(pubkey_from_blob(&pub, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
	/* A point off the curve. */
	q[64] ^= 1;
	wire_w_reset(&w);
	wire_put_cstring(&w, "ecdsa-sha2-nistp256");
	wire_put_cstring(&w, "nistp256");
	wire_put_string(&w, q, sizeof(q));
	assert_int_equal(pubkey_from_blob(&pub, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
	/* A compressed point. */
	q[64] ^= 1;
	q[0] = 0x02;
	wire_w_reset(&w);
	wire_put_cstring(&w, "ecdsa-sha2-nistp256");
	wire_put_cstring(&w, "nistp256");
	wire_put_string(&w, q, 33);
	assert_int_equal(pubkey_from_blob(&pub, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
	key_wipe(&k);
	/* RSA: an even modulus; an exponent of 1; a modulus under 1024 bits. */
	wire_w_reset(&w);
	wire_put_cstring(&w, "ssh-rsa");
	wire_put_mpint(&w, e65537, sizeof(e65537));
	wire_put_mpint(&w, even, sizeof(even));
	assert_int_equal(pubkey_from_blob(&pub, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
	t_path(state, p, sizeof(p), "kr");
	assert_int_equal(key_load_private(&k, p, NULL, NULL), 0);
	wire_w_reset(&w);
	wire_put_cstring(&w, "ssh-rsa");
	wire_put_mpint(&w, one, sizeof(one));
	wire_put_mpint(&w, k.pub.blob + k.pub.b_off, k.pub.b_len);
	assert_int_equal(pubkey_from_blob(&pub, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
	wire_w_reset(&w);
	wire_put_cstring(&w, "ssh-rsa");
	wire_put_mpint(&w, three, sizeof(three));
	wire_put_mpint(&w, k.pub.blob + k.pub.b_off, 127);
	assert_int_equal(pubkey_from_blob(&pub, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
	/* The key's own e and n, in the blob's order, parse. */
	wire_w_reset(&w);
	wire_put_cstring(&w, "ssh-rsa");
	wire_put_mpint(&w, k.pub.blob + k.pub.a_off, k.pub.a_len);
	wire_put_mpint(&w, k.pub.blob + k.pub.b_off, k.pub.b_len);
	assert_int_equal(pubkey_from_blob(&pub, w.p, w.len), 0);
	assert_true(pubkey_equal(&pub, &k.pub));
	assert_int_equal(pub.bits, 2048);
	key_wipe(&k);
	wire_w_free(&w);
}

#endif

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
	assert_int_equal(key_load_private(&k, q, NULL, &log), SSHTUN_ERR_KEY_FILE);
	assert_int_equal(cap.n, 1);
	assert_non_null(strstr(cap.last, "UNPROTECTED PRIVATE KEY FILE"));
	assert_non_null(strstr(cap.last, "chmod 600"));
	assert_non_null(strstr(cap.last, q));
	assert_int_equal(chmod(q, 0600), 0);
	assert_int_equal(key_load_private(&k, q, NULL, &log), 0);
	key_wipe(&k);
	/* A missing file fails quietly (only a debug line): default identities often do not exist. */
	t_path(state, q, sizeof(q), "does-not-exist");
	assert_int_equal(key_load_private(&k, q, NULL, &log), SSHTUN_ERR_KEY_FILE);
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
	err = key_parse_private(&k, text.p, text.len, NULL);
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
		assert_int_equal(key_parse_private(&k, buf, cut, NULL), SSHTUN_ERR_KEY_FILE);
	}
	/* Body lines cut short (END line kept). */
	memcpy(buf, text.p, 36 + 72);
	memcpy(buf + 36 + 72, "-----END OPENSSH PRIVATE KEY-----\n", 34);
	assert_int_equal(key_parse_private(&k, buf, 36 + 72 + 34, NULL), SSHTUN_ERR_KEY_FILE);
	/* Bad BEGIN line. */
	memcpy(buf, text.p, n);
	buf[11] = 'X';
	/* Another PEM armour: libcrypto's to read (and refuse), or not read at all in a build without it. */
	assert_int_equal(key_parse_private(&k, buf, n, NULL), SSHTUN_PEM ? SSHTUN_ERR_KEY_FILE : SSHTUN_ERR_NOT_SUPPORTED);
	/* Bad character inside the base64. */
	memcpy(buf, text.p, n);
	buf[50] = '*';
	assert_int_equal(key_parse_private(&k, buf, n, NULL), SSHTUN_ERR_KEY_FILE);
	/* Garbage after END. */
	memcpy(buf, text.p, n);
	memcpy(buf + n, "junk\n", 5);
	assert_int_equal(key_parse_private(&k, buf, n + 5, NULL), SSHTUN_ERR_KEY_FILE);
	/* Trailing blank lines are fine. */
	memcpy(buf + n, "\n\n", 2);
	assert_int_equal(key_parse_private(&k, buf, n + 2, NULL), 0);
	key_wipe(&k);
	assert_int_equal(key_parse_private(&k, (const uint8_t *)"", 0, NULL), SSHTUN_ERR_KEY_FILE);
	wire_w_free(&text);
}

static void test_public_lines_and_blobs(void **state)
{
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
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
	snprintf(line, sizeof(line), "ssh-dss %s", b64);
	assert_int_equal(key_parse_public_line(&pub, line, strlen(line)), SSHTUN_ERR_NOT_SUPPORTED);
	/* A known type name before another type's blob. */
	snprintf(line, sizeof(line), "ssh-rsa %s", b64);
	assert_int_equal(key_parse_public_line(&pub, line, strlen(line)), SSHTUN_RSA ? SSHTUN_ERR_BAD_FORMAT :
		SSHTUN_ERR_NOT_SUPPORTED);
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

/*
 * A build without passphrase-protected keys (SSHTUN_KEY_ENCRYPTED 0): an encrypted file, of any cipher, is refused
 * where it is tried, in one line naming it, what this build lacks and the fix; no passphrase opens it (nothing is
 * decrypted, no secret is set), while its public key is still read (sshtun_key_file_encrypted). A full build only
 * notes at debug level that the file is encrypted (the passphrase is asked for later).
 */
static void test_encrypted_left_out(void **state)
{
	static const char *const files[] = { "kp", "kp_chacha", "kp_gcm" };
	static const uint8_t zero[64];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct logcap cap = { .n = 0 };
		struct lg log = { cap_fn, &cap, LG_DEBUG3 };
		struct privkey k;
		char p[128];
		int r;

		t_path(state, p, sizeof(p), files[i]);
		r = key_load_private(&k, p, NULL, &log);
		if (!SSHTUN_OPENSSL && SSHTUN_KEY_ENCRYPTED && strcmp(files[i], "kp_gcm") == 0) {
			assert_int_equal(r, SSHTUN_ERR_NOT_SUPPORTED);	/* AES-GCM is libcrypto's */
			continue;
		}
		assert_int_equal(r, SSHTUN_ERR_KEY_ENCRYPTED);
		assert_int_equal(k.pub.type, PK_ED25519);
		if (SSHTUN_KEY_ENCRYPTED) {
			assert_int_equal(cap.n, 0);
			continue;
		}
		assert_int_equal(cap.n, 1);
		if (!strstr(cap.last, "this build of sshtun cannot read passphrase-protected keys (left out of this build)") ||
		    !strstr(cap.last, p) || !strstr(cap.last, "ssh-keygen -p -N ''")) {
			fail_msg("refusal of %s: \"%s\"", p, cap.last);
		}
		/* The right passphrase opens nothing either: no secret is ever set. */
		assert_int_equal(key_load_private(&k, p, "secretpass", &log), SSHTUN_ERR_KEY_ENCRYPTED);
		assert_memory_equal(k.ed25519_sk, zero, sizeof(zero));
		assert_int_equal(sshtun_key_file_encrypted(p), 1);
	}
}

/* sshtun_key_file_encrypted: what a program asking for secrets before connecting learns of a key file. */
static void test_key_file_encrypted(void **state)
{
#if SSHTUN_OPENSSL
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
	static const char *const locked[] = { "kp", "kp_gcm", "pem_rsa_enc", "p8_ec_enc", "kp_chacha" };
	static const char *const open_keys[] = { "k", "kr", "pem_rsa", "p8_ec" };
#else
	/*
	 * Without libcrypto the AES-GCM, PEM, RSA and ECDSA files are not this build's: not supported, locked or not.
	 * Without passphrase-protected keys too, any OpenSSH file under a cipher is known as encrypted by its header.
	 */
#if SSHTUN_KEY_ENCRYPTED
	static const char *const locked[] = { "kp", "kp_chacha" };
	static const char *const refused[] = { "kp_gcm", "pem_rsa_enc", "p8_ec_enc", "kr", "pem_rsa", "p8_ec" };
#else
	static const char *const locked[] = { "kp", "kp_chacha", "kp_gcm" };
	static const char *const refused[] = { "pem_rsa_enc", "p8_ec_enc", "kr", "pem_rsa", "p8_ec" };
#endif
	static const char *const open_keys[] = { "k" };
#endif
	char p[128];
	FILE *f;

#if !SSHTUN_OPENSSL
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		t_path(state, p, sizeof(p), refused[i]);
		assert_int_equal(sshtun_key_file_encrypted(p), SSHTUN_ERR_NOT_SUPPORTED);
	}
#endif

	for (size_t i = 0; i < sizeof(locked) / sizeof(locked[0]); i++) {
		t_path(state, p, sizeof(p), locked[i]);
		assert_int_equal(sshtun_key_file_encrypted(p), 1);
	}
	for (size_t i = 0; i < sizeof(open_keys) / sizeof(open_keys[0]); i++) {
		t_path(state, p, sizeof(p), open_keys[i]);
		assert_int_equal(sshtun_key_file_encrypted(p), 0);
	}
	/* Not a key; no file; no path. */
	t_path(state, p, sizeof(p), "k.pub");
	assert_true(sshtun_key_file_encrypted(p) < 0);
	t_path(state, p, sizeof(p), "absent");
	assert_true(sshtun_key_file_encrypted(p) < 0);
	assert_int_equal(sshtun_key_file_encrypted(NULL), SSHTUN_ERR_INVAL);
	t_path(state, p, sizeof(p), "junk");
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", f);
	fclose(f);
	chmod(p, 0600);
	assert_int_equal(sshtun_key_file_encrypted(p), SSHTUN_ERR_KEY_FILE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_matches_pub_file),
		cmocka_unit_test(test_fingerprint_like_ssh_keygen),
		cmocka_unit_test(test_sign_verify_and_tamper),
		cmocka_unit_test(test_passphrase_keys),
		cmocka_unit_test(test_passphrase_rounds_limit),
		cmocka_unit_test(test_pem_keys),
		cmocka_unit_test(test_every_type),
#if SSHTUN_ECDSA && SSHTUN_RSA
		cmocka_unit_test(test_ecdsa_rsa_signature_forms),
#endif
#if SSHTUN_ECDSA && SSHTUN_RSA
		cmocka_unit_test(test_bad_blobs),
#endif
		cmocka_unit_test(test_open_mode_refused),
		cmocka_unit_test(test_crafted_files),
		cmocka_unit_test(test_damaged_armour),
		cmocka_unit_test(test_public_lines_and_blobs),
		cmocka_unit_test(test_key_file_encrypted),
		cmocka_unit_test(test_encrypted_left_out),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
