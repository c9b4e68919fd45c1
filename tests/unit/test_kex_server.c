/*
 * sshtun: unit tests of the key exchange and userauth against a server played in memory with real crypto
 * (tests/unit/kex_server.h): a whole good exchange, and each way a server's KEX_ECDH_REPLY can be wrong (a
 * signature that does not verify, by another key, under another algorithm name, over another exchange hash;
 * a host key blob of another type or malformed), a host key the callback refuses, a PK_OK for a key not
 * offered, and the session id the user's signature covers. Then host keys of every type (ECDSA P-256/384/521,
 * RSA, made by ssh-keygen once for the run): each negotiated and accepted alone, the RSA signature
 * algorithms, ssh-rsa only on request, RequiredRSASize, a K_S or a signature of another type than the
 * negotiated algorithm, HostKeyAlgorithms ordering by the key types known_hosts holds. Then host certificates
 * (ssh-keygen -s, of the Ed25519, P-256 and RSA host keys): each accepted with the certificate handed to the
 * callback; refused when signed under the certificate's name, by the CA, over another H, when a user
 * certificate, when of another type than negotiated (or a plain key), when RSA signs with the other hash;
 * certificates asked for first when known_hosts trusts a CA for the host.
 */
#include "tests/unit/testutil.h"
#include "tests/unit/kex_server.h"

#include <unistd.h>

#include "util/limits.h"

/*
 * The host key types, certificates and ciphers of a build with libcrypto (ECDSA, RSA, AES): a build without it
 * runs the tests of Ed25519 host keys and chacha20-poly1305 alone.
 */
#define T_FULL (SSHTUN_ECDSA && SSHTUN_RSA && SSHTUN_CTR && SSHTUN_AESGCM)

#if T_FULL
/* ---- host keys of every type, made by ssh-keygen once for the whole run (RSA key generation is slow) ---- */

/* The host keys, then the CAs of the host certificates (one of each certified key's type). */
enum { HK_ED25519, HK_P256, HK_P384, HK_P521, HK_RSA2048, HK_RSA1024, HK_CA_ED25519, HK_CA_P256, HK_CA_RSA, HK_COUNT };

static const struct hk_file {
	const char *name, *keygen;
	unsigned bits;		/* 0: ssh-keygen's only size */
} hk_files[HK_COUNT] = {
	{ "ed25519", "ed25519", 0 },
	{ "p256", "ecdsa", 256 },
	{ "p384", "ecdsa", 384 },
	{ "p521", "ecdsa", 521 },
	{ "rsa2048", "rsa", 2048 },
	{ "rsa1024", "rsa", 1024 },
	{ "ca-ed25519", "ed25519", 0 },
	{ "ca-p256", "ecdsa", 256 },
	{ "ca-rsa", "rsa", 2048 },
};

/*
 * Certificates of the host keys, made by ssh-keygen -s from a copy NAME.pub of the key (so it writes
 * NAME-cert.pub): host certificates valid for an hour either side of now, and a user certificate of the Ed25519
 * host key. The CA is of the certified key's type, so a signature by the CA is under the negotiated plain name.
 */
enum { HC_ED25519, HC_P256, HC_RSA2048, HC_USER_ED25519, HC_COUNT };

static const struct hc_file {
	const char *name;
	int key, ca;
	const char *args;	/* ssh-keygen's: host or user, key id, principals, validity */
	const char *key_id;
} hc_files[HC_COUNT] = {
	{ "hc-ed25519", HK_ED25519, HK_CA_ED25519, "-h -I host-ed25519 -n host -V -1h:+1h", "host-ed25519" },
	{ "hc-p256", HK_P256, HK_CA_P256, "-h -I host-p256 -n host -V -1h:+1h", "host-p256" },
	{ "hc-rsa2048", HK_RSA2048, HK_CA_RSA, "-h -I host-rsa2048 -n host -V -1h:+1h", "host-rsa2048" },
	{ "uc-ed25519", HK_ED25519, HK_CA_ED25519, "-I user-ed25519 -n alice -V -1h:+1h", "user-ed25519" },
};

static struct {
	char dir[64];
	struct privkey k[HK_COUNT];
	struct {
		uint8_t blob[KS_BLOB_MAX];	/* NAME-cert.pub's base64 decoded: the certificate blob */
		size_t len;
	} cert[HC_COUNT];
} hk;

/* Reads path, a certificate file ("TYPE-cert-v01@openssh.com BASE64 [comment]"), and decodes its blob. */
static int read_cert_blob(const char *path, uint8_t *out, size_t cap, size_t *n)
{
	char line[8192], *b64;
	FILE *fp = fopen(path, "r");
	int ok = fp && fgets(line, sizeof(line), fp);

	if (fp) {
		fclose(fp);
	}
	if (!ok || !(b64 = strchr(line, ' '))) {
		return -1;
	}
	b64++;
	return cry_base64_decode(out, cap, n, b64, strcspn(b64, " \r\n")) == 0 && *n > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	for (size_t i = 0; i < HK_COUNT; i++) {
		key_wipe(&hk.k[i]);
	}
	if (!hk.dir[0]) {
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", hk.dir);
	hk.dir[0] = '\0';
	return system(cmd) == 0 ? 0 : -1;
}

static int group_setup(void **state)
{
	char cmd[4096], path[128];
	size_t len = 0;

	strcpy(hk.dir, "/tmp/sshtun-kexkeys-XXXXXX");
	if (cry_init() != 0 || !mkdtemp(hk.dir)) {
		hk.dir[0] = '\0';
		return -1;
	}
	for (size_t i = 0; i < HK_COUNT && len < sizeof(cmd); i++) {
		char bits[16] = "";

		if (hk_files[i].bits) {
			snprintf(bits, sizeof(bits), " -b %u", hk_files[i].bits);
		}
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, "%sssh-keygen -q -t %s%s -N '' -C %s -f %s/%s </dev/null >/dev/null",
			i ? " && " : "", hk_files[i].keygen, bits, hk_files[i].name, hk.dir, hk_files[i].name);
	}
	for (size_t i = 0; i < HC_COUNT && len < sizeof(cmd); i++) {
		const struct hc_file *c = &hc_files[i];

		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " && (cd %s && cp %s.pub %s.pub && ssh-keygen -q -s %s %s %s.pub"
			" </dev/null >/dev/null 2>&1)", hk.dir, hk_files[c->key].name, c->name, hk_files[c->ca].name, c->args, c->name);
	}
	if (len >= sizeof(cmd) || system(cmd) != 0) {
		group_teardown(state);
		return -1;
	}
	for (size_t i = 0; i < HK_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s", hk.dir, hk_files[i].name);
		if (key_load_private(&hk.k[i], path, NULL, NULL) != 0) {
			group_teardown(state);
			return -1;
		}
	}
	for (size_t i = 0; i < HC_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s-cert.pub", hk.dir, hc_files[i].name);
		if (read_cert_blob(path, hk.cert[i].blob, sizeof(hk.cert[i].blob), &hk.cert[i].len) != 0) {
			group_teardown(state);
			return -1;
		}
	}
	return 0;
}

#endif

struct fix {
	struct ks_key host;	/* the server's host key */
	struct ks_key other;	/* a key the server does not have */
	struct ks_key user;	/* the client's user key */
	struct ks_key a, b;	/* host keys of the group's files (hostkey()) */
	struct ks s;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(cry_init(), 0);
	assert_int_equal(ks_key_ed25519(&f->host, 1), 0);
	assert_int_equal(ks_key_ed25519(&f->other, 2), 0);
	assert_int_equal(ks_key_ed25519(&f->user, 3), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	ks_free(&f->s);
	free(f);
	return 0;
}

/* A fresh client and server (the last ones freed), through both KEXINITs and the client's KEX_ECDH_INIT. */
static struct ks *hello(struct fix *f, const char *cipher, int strict)
{
	ks_free(&f->s);
	assert_int_equal(ks_init(&f->s, &f->host, cipher, strict), 0);
	assert_int_equal(ks_hello(&f->s), 0);
	return &f->s;
}

/* What a dishonest server sends after hello: KEX_ECDH_REPLY with these K_S and signature, keys from h, NEWKEYS. */
static void reply(struct ks *s, const uint8_t *ks_blob, size_t ks_len, const uint8_t *sig, size_t sig_len, const uint8_t *h)
{
	static const uint8_t newkeys = SSH_MSG_NEWKEYS;

	assert_int_equal(ks_reply(s, ks_blob, ks_len, sig, sig_len), 0);
	assert_int_equal(ks_take_keys(s, h), 0);
	assert_int_equal(ks_send(s, &newkeys, 1), 0);
}

/* Signs h with k into sig (a growable writer the caller frees). */
static void sign(const struct ks_key *k, const uint8_t *h, struct wire_w *sig)
{
	wire_w_init(sig, 0);
	assert_int_equal(k->sign(k, h, KS_H_LEN, sig), 0);
	assert_int_equal(wire_w_err(sig), 0);
}

/*
 * The client refuses the reply: tp_poll fails (with want, if not 0), the transport is closed and not ready,
 * and the only thing it sent after its KEX_ECDH_INIT is a DISCONNECT with reason, in plaintext: no NEWKEYS.
 */
static void expect_refused(struct ks *s, int want, uint32_t reason)
{
	uint8_t p[1024];
	struct tp_msg m;
	size_t n = 0;
	int r = tp_poll(s->tp, &m);

	if (want) {
		assert_int_equal(r, want);
	} else {
		assert_true(r < 0);
	}
	assert_true(tp_is_closed(s->tp));
	assert_false(tp_is_ready(s->tp));
	assert_int_equal(ks_recv(s, p, sizeof(p), &n), 1);
	assert_true(n >= 5);
	assert_int_equal(p[0], SSH_MSG_DISCONNECT);
	assert_int_equal(wire_peek_u32(p + 1), reason);
	assert_int_equal(ks_recv(s, p, sizeof(p), &n), 0);
	assert_int_equal(tp_poll(s->tp, &m), r);	/* closed for good */
}

/* A signature refused: SSHTUN_ERR_HOSTKEY_SIG, and the host key was never offered to the callback. */
static void expect_bad_sig(struct ks *s)
{
	expect_refused(s, SSHTUN_ERR_HOSTKEY_SIG, SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
	assert_int_equal(s->hostkey_calls, 0);
}

/* One application message each way under the new keys: each arrives intact and none crosses in the clear. */
static void round_trip(struct ks *s)
{
	uint8_t down[64], up[64], wire[256], got[256];
	const uint8_t *out = NULL;
	struct wire_w w;
	struct tp_msg m;
	size_t dn, un, n = 0;

	wire_w_init_fixed(&w, down, sizeof(down));
	wire_put_u8(&w, SSH_MSG_GLOBAL_REQUEST);
	wire_put_cstring(&w, "keepalive@openssh.com");
	wire_put_bool(&w, 1);
	assert_int_equal(wire_w_err(&w), 0);
	dn = w.len;
	assert_int_equal(ks_seal(s, down, dn, wire, sizeof(wire), &n), 0);
	assert_null(memmem(wire, n, "keepalive", 9));
	assert_int_equal(tp_input(s->tp, wire, n), 0);
	assert_int_equal(tp_poll(s->tp, &m), 1);
	assert_int_equal(m.type, SSH_MSG_GLOBAL_REQUEST);
	assert_int_equal(m.len, dn);
	assert_memory_equal(m.payload, down, dn);

	wire_w_init_fixed(&w, up, sizeof(up));
	wire_put_u8(&w, SSH_MSG_CHANNEL_OPEN);
	wire_put_cstring(&w, "tun@openssh.com");
	wire_put_u32(&w, 0);
	wire_put_u32(&w, 1 << 24);
	wire_put_u32(&w, 32768);
	assert_int_equal(wire_w_err(&w), 0);
	un = w.len;
	assert_int_equal(tp_send(s->tp, up, un), 0);
	n = tp_output(s->tp, &out);
	assert_true(n > un);
	assert_null(memmem(out, n, "tun@openssh", 11));
	assert_int_equal(ks_recv(s, got, sizeof(got), &n), 1);
	assert_int_equal(n, un);
	assert_memory_equal(got, up, un);
	assert_int_equal(ks_recv(s, got, sizeof(got), &n), 0);
}

static void good_exchange(struct fix *f, const char *cipher, int strict)
{
	struct ks *s = &f->s;
	struct ua_identity id;
	struct ks_auth a;
	struct ua ua;
	uint8_t ext[128];
	struct wire_w w;
	struct tp_msg m;
	const uint8_t *sid;
	size_t sidlen = 0;

	ks_free(s);
	assert_int_equal(ks_init(s, &f->host, cipher, strict), 0);
	assert_int_equal(ks_handshake(s), 0);
	assert_true(tp_is_ready(s->tp));
	assert_false(tp_in_kex(s->tp));
	assert_string_equal(tp_cipher_name(s->tp), cipher);
	assert_string_equal(tp_kex_name(s->tp), "curve25519-sha256");
	assert_int_equal(tp_kex_count(s->tp), 1);
	/* The callback saw the server's host key, once, as sent. */
	assert_int_equal(s->hostkey_calls, 1);
	assert_int_equal(s->hostkey_seen_len, f->host.bloblen);
	assert_memory_equal(s->hostkey_seen, f->host.blob, f->host.bloblen);
	/* Both sides took the exchange hash for the session id. */
	sid = tp_session_id(s->tp, &sidlen);
	assert_int_equal(sidlen, KS_H_LEN);
	assert_memory_equal(sid, s->session_id, KS_H_LEN);
	assert_memory_equal(sid, s->h, KS_H_LEN);
	/* EXT_INFO under the new keys. */
	wire_w_init_fixed(&w, ext, sizeof(ext));
	wire_put_u8(&w, SSH_MSG_EXT_INFO);
	wire_put_u32(&w, 1);
	wire_put_cstring(&w, "server-sig-algs");
	wire_put_cstring(&w, "ssh-ed25519");
	assert_int_equal(ks_send(s, ext, w.len), 0);
	assert_int_equal(tp_poll(s->tp, &m), 0);
	assert_string_equal(tp_server_sig_algs(s->tp), "ssh-ed25519");

	/* Userauth: none, the query, the signed request, which the server checks under its own session id. */
	memset(&a, 0, sizeof(a));
	assert_int_equal(ks_identity(&id, &f->user, "user key"), 0);
	ua_init(&ua, s->tp, "alice", &id, 1, NULL);
	assert_int_equal(ks_auth_run(s, &ua, &a), 1);
	assert_int_equal(ua.state, UA_DONE);
	assert_int_equal(a.service_requests, 1);
	assert_int_equal(a.nones, 1);
	assert_int_equal(a.queries, 1);
	assert_int_equal(a.signed_requests, 1);
	assert_int_equal(a.verified, 1);
	assert_string_equal(a.user, "alice");
	assert_string_equal(a.alg, "ssh-ed25519");
	assert_int_equal(a.bloblen, f->user.bloblen);
	assert_memory_equal(a.blob, f->user.blob, a.bloblen);

	round_trip(s);
	assert_false(tp_is_closed(s->tp));
}

static void test_good_chacha20_poly1305(void **state)
{
	good_exchange(*state, "chacha20-poly1305@openssh.com", 1);
}

#if SSHTUN_AESGCM
static void test_good_aes128_gcm(void **state)
{
	good_exchange(*state, "aes128-gcm@openssh.com", 1);
}

static void test_good_aes256_gcm(void **state)
{
	good_exchange(*state, "aes256-gcm@openssh.com", 1);
}

/* Without strict kex the sequence numbers run on through NEWKEYS (chacha20-poly1305's nonce is the number). */
#endif

static void test_good_not_strict(void **state)
{
	good_exchange(*state, "chacha20-poly1305@openssh.com", 0);
}

/* The host key's signature with one bit flipped, in its R half and in its S half. */
static void test_sig_bit_flipped(void **state)
{
	struct fix *f = *state;
	static const size_t where[] = { 0, 31, 32, 63 };

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		struct ks *s = hello(f, NULL, 1);
		uint8_t h[KS_H_MAX];
		struct wire_w sig;

		assert_int_equal(ks_hash(s, f->host.blob, f->host.bloblen, s->q_s, s->q_s_len, h), 0);
		sign(&f->host, h, &sig);
		sig.p[sig.len - 64 + where[i]] ^= (uint8_t)(1u << (i % 8));
		reply(s, f->host.blob, f->host.bloblen, sig.p, sig.len, h);
		wire_w_free(&sig);
		expect_bad_sig(s);
	}
}

/* A valid signature over the right H, by a key other than the one sent as K_S. */
static void test_sig_by_other_key(void **state)
{
	struct fix *f = *state;
	struct ks *s = hello(f, NULL, 1);
	uint8_t h[KS_H_MAX];
	struct wire_w sig;

	assert_int_equal(ks_hash(s, f->host.blob, f->host.bloblen, s->q_s, s->q_s_len, h), 0);
	sign(&f->other, h, &sig);
	reply(s, f->host.blob, f->host.bloblen, sig.p, sig.len, h);
	wire_w_free(&sig);
	expect_bad_sig(s);
}

/* The right raw Ed25519 signature, named as another algorithm in the signature blob. */
static void test_sig_wrong_algorithm_name(void **state)
{
	struct fix *f = *state;
	static const char *const names[] = { "ssh-rsa", "rsa-sha2-256", "ssh-ed25519x", "ssh-ed2551", "SSH-ED25519", "" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct ks *s = hello(f, NULL, 1);
		uint8_t h[KS_H_MAX], blob[256];
		struct wire_view alg, raw;
		struct wire_w sig, w;

		assert_int_equal(ks_hash(s, f->host.blob, f->host.bloblen, s->q_s, s->q_s_len, h), 0);
		sign(&f->host, h, &sig);
		assert_int_equal(ks_sig_split(sig.p, sig.len, &alg, &raw), 0);
		wire_w_init_fixed(&w, blob, sizeof(blob));
		wire_put_cstring(&w, names[i]);
		wire_put_string(&w, raw.p, raw.n);
		assert_int_equal(wire_w_err(&w), 0);
		reply(s, f->host.blob, f->host.bloblen, blob, w.len, h);
		wire_w_free(&sig);
		expect_bad_sig(s);
	}
}

/* A signature by the right key over another exchange hash: one with another Q_S, one with another K_S. */
static void test_sig_over_other_hash(void **state)
{
	struct fix *f = *state;

	for (int i = 0; i < 2; i++) {
		struct ks *s = hello(f, NULL, 1);
		uint8_t h[KS_H_MAX], qs[KS_X25519];
		struct wire_w sig;

		memcpy(qs, s->q_s, sizeof(qs));
		if (i == 0) {
			qs[7] ^= 0x10;
			assert_int_equal(ks_hash(s, f->host.blob, f->host.bloblen, qs, sizeof(qs), h), 0);
		} else {
			assert_int_equal(ks_hash(s, f->other.blob, f->other.bloblen, qs, sizeof(qs), h), 0);
		}
		sign(&f->host, h, &sig);
		reply(s, f->host.blob, f->host.bloblen, sig.p, sig.len, h);
		wire_w_free(&sig);
		expect_bad_sig(s);
	}
}

/*
 * K_S of another type than the negotiated ssh-ed25519, or not a well-formed Ed25519 blob; each time H is
 * over the K_S sent and signed by the server's Ed25519 key, so only the blob is wrong. The last ones are
 * the real key with a byte cut off or added: a parser that let them through would find a valid signature.
 * Each is refused as a host key, before its signature is looked at: the error is not SSHTUN_ERR_HOSTKEY_SIG.
 */
static void test_hostkey_blob_refused(void **state)
{
	struct fix *f = *state;
	uint8_t blobs[8][600];
	size_t lens[8], nb = 0;
	struct wire_w w;
	uint8_t big[257];

	/* ssh-rsa: e = 65537, a 2048-bit n. */
	memset(big, 0xa5, sizeof(big));
	big[0] = 0xc3;
	wire_w_init_fixed(&w, blobs[nb], sizeof(blobs[nb]));
	wire_put_cstring(&w, "ssh-rsa");
	wire_put_mpint(&w, "\x01\x00\x01", 3);
	wire_put_mpint(&w, big, 256);
	assert_int_equal(wire_w_err(&w), 0);
	lens[nb++] = w.len;
	/* ecdsa-sha2-nistp256 with an uncompressed point (not on the curve: the type alone must be refused). */
	big[0] = 0x04;
	wire_w_init_fixed(&w, blobs[nb], sizeof(blobs[nb]));
	wire_put_cstring(&w, "ecdsa-sha2-nistp256");
	wire_put_cstring(&w, "nistp256");
	wire_put_string(&w, big, 65);
	assert_int_equal(wire_w_err(&w), 0);
	lens[nb++] = w.len;
	/* The Ed25519 key's 32 bytes named as another type. */
	wire_w_init_fixed(&w, blobs[nb], sizeof(blobs[nb]));
	wire_put_cstring(&w, "ssh-ed448");
	wire_put_string(&w, f->host.blob + f->host.bloblen - 32, 32);
	lens[nb++] = w.len;
	/* Empty; the name alone. */
	lens[nb++] = 0;
	wire_w_init_fixed(&w, blobs[nb], sizeof(blobs[nb]));
	wire_put_cstring(&w, "ssh-ed25519");
	lens[nb++] = w.len;
	/* A 31-byte key; the real key with a trailing byte; the real key's blob cut short. */
	wire_w_init_fixed(&w, blobs[nb], sizeof(blobs[nb]));
	wire_put_cstring(&w, "ssh-ed25519");
	wire_put_string(&w, f->host.blob + f->host.bloblen - 32, 31);
	lens[nb++] = w.len;
	memcpy(blobs[nb], f->host.blob, f->host.bloblen);
	blobs[nb][f->host.bloblen] = 0;
	lens[nb++] = f->host.bloblen + 1;
	memcpy(blobs[nb], f->host.blob, f->host.bloblen - 1);
	lens[nb++] = f->host.bloblen - 1;

	for (size_t i = 0; i < nb; i++) {
		struct ks *s = hello(f, NULL, 1);
		uint8_t h[KS_H_MAX];
		struct wire_w sig;
		struct tp_msg m;

		assert_int_equal(ks_hash(s, blobs[i], lens[i], s->q_s, s->q_s_len, h), 0);
		sign(&f->host, h, &sig);
		reply(s, blobs[i], lens[i], sig.p, sig.len, h);
		wire_w_free(&sig);
		expect_refused(s, 0, SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
		assert_int_not_equal(tp_poll(s->tp, &m), SSHTUN_ERR_HOSTKEY_SIG);
		assert_int_equal(s->hostkey_calls, 0);
	}
}

/*
 * The right signature in a malformed signature blob: a byte after it, one byte more or less in the raw
 * signature, the raw signature without its SSH framing, nothing at all.
 */
static void test_sig_blob_malformed(void **state)
{
	struct fix *f = *state;

	for (int i = 0; i < 5; i++) {
		struct ks *s = hello(f, NULL, 1);
		uint8_t h[KS_H_MAX], blob[256];
		struct wire_view alg, raw;
		struct wire_w sig, w;

		assert_int_equal(ks_hash(s, f->host.blob, f->host.bloblen, s->q_s, s->q_s_len, h), 0);
		sign(&f->host, h, &sig);
		assert_int_equal(ks_sig_split(sig.p, sig.len, &alg, &raw), 0);
		wire_w_init_fixed(&w, blob, sizeof(blob));
		switch (i) {
		case 0:
			wire_put_raw(&w, sig.p, sig.len);
			wire_put_u8(&w, 0);
			break;
		case 1:
			wire_put_cstring(&w, "ssh-ed25519");
			wire_put_u32(&w, 65);
			wire_put_raw(&w, raw.p, raw.n);
			wire_put_u8(&w, 0);
			break;
		case 2:
			wire_put_cstring(&w, "ssh-ed25519");
			wire_put_string(&w, raw.p, raw.n - 1);
			break;
		case 3:
			wire_put_raw(&w, raw.p, raw.n);
			break;
		default:
			break;
		}
		assert_int_equal(wire_w_err(&w), 0);
		reply(s, f->host.blob, f->host.bloblen, blob, w.len, h);
		wire_w_free(&sig);
		expect_bad_sig(s);
	}
}

/* The server's X25519 value is the zero point: the shared secret would be all zero. */
static void test_zero_ephemeral_key(void **state)
{
	struct fix *f = *state;
	struct ks *s = hello(f, NULL, 1);
	uint8_t h[KS_H_MAX];
	struct wire_w sig;

	memset(s->q_s, 0, s->q_s_len);
	assert_int_equal(ks_hash(s, f->host.blob, f->host.bloblen, s->q_s, s->q_s_len, h), 0);
	sign(&f->host, h, &sig);
	reply(s, f->host.blob, f->host.bloblen, sig.p, sig.len, h);
	wire_w_free(&sig);
	expect_refused(s, SSHTUN_ERR_KEX_FAILED, SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
	assert_int_equal(s->hostkey_calls, 0);
}

/* An honest server whose host key the callback refuses: that error, and no NEWKEYS from the client. */
static void test_hostkey_callback_refuses(void **state)
{
	struct fix *f = *state;
	static const int errs[] = { SSHTUN_ERR_HOSTKEY_CHANGED, SSHTUN_ERR_HOSTKEY_UNKNOWN };

	for (size_t i = 0; i < 2; i++) {
		struct ks *s = hello(f, NULL, 1);

		s->hostkey_ret = errs[i];
		assert_int_equal(ks_kex_reply(s), 0);
		expect_refused(s, errs[i], SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE);
		assert_int_equal(s->hostkey_calls, 1);
		assert_int_equal(s->hostkey_seen_len, f->host.bloblen);
		assert_memory_equal(s->hostkey_seen, f->host.blob, f->host.bloblen);
	}
}

/* After the exchange, a server packet with one bit flipped does not open: a MAC error, told to the server. */
static void test_tampered_packet(void **state)
{
	struct fix *f = *state;
	static const uint8_t ignore[] = { SSH_MSG_IGNORE, 0, 0, 0, 3, 'a', 'b', 'c' };
	struct ks *s = &f->s;
	uint8_t wire[128], p[256];
	struct tp_msg m;
	size_t n = 0;

	assert_int_equal(ks_init(s, &f->host, NULL, 1), 0);
	assert_int_equal(ks_handshake(s), 0);
	assert_int_equal(ks_seal(s, ignore, sizeof(ignore), wire, sizeof(wire), &n), 0);
	wire[6] ^= 0x01;
	assert_int_equal(tp_input(s->tp, wire, n), 0);
	assert_int_equal(tp_poll(s->tp, &m), SSHTUN_ERR_MAC);
	assert_int_equal(ks_recv(s, p, sizeof(p), &n), 1);
	assert_int_equal(p[0], SSH_MSG_DISCONNECT);
	assert_int_equal(wire_peek_u32(p + 1), SSH_DISCONNECT_MAC_ERROR);
}

/* PK_OK naming another key than the one queried (another key; the queried blob cut short): refused, nothing signed. */
static void test_userauth_pk_ok_other_key(void **state)
{
	struct fix *f = *state;

	for (int i = 0; i < 2; i++) {
		struct ks *s = &f->s;
		struct ua_identity id;
		struct ks_auth a;
		struct ua ua;

		ks_free(s);
		assert_int_equal(ks_init(s, &f->host, NULL, 1), 0);
		assert_int_equal(ks_handshake(s), 0);
		memset(&a, 0, sizeof(a));
		a.pk_ok_blob = i == 0 ? f->other.blob : f->user.blob;
		a.pk_ok_len = i == 0 ? f->other.bloblen : f->user.bloblen - 1;
		assert_int_equal(ks_identity(&id, &f->user, "user key"), 0);
		ua_init(&ua, s->tp, "alice", &id, 1, NULL);
		assert_int_equal(ks_auth_run(s, &ua, &a), SSHTUN_ERR_PROTOCOL);
		assert_int_equal(a.queries, 1);
		assert_true(ks_auth_serve(s, &a) >= 0);
		assert_int_equal(a.signed_requests, 0);
		assert_int_not_equal(ua.state, UA_DONE);
	}
}

/* The user's signature is over this session's id: it verifies under it and under nothing else. */
static void test_userauth_signature_covers_session_id(void **state)
{
	struct fix *f = *state;
	struct ks *s = &f->s;
	struct ua_identity id;
	struct ks_auth a;
	struct ua ua;
	uint8_t sid[KS_H_LEN];

	assert_int_equal(ks_init(s, &f->host, NULL, 1), 0);
	assert_int_equal(ks_handshake(s), 0);
	memset(&a, 0, sizeof(a));
	assert_int_equal(ks_identity(&id, &f->user, "user key"), 0);
	ua_init(&ua, s->tp, "alice", &id, 1, NULL);
	assert_int_equal(ks_auth_run(s, &ua, &a), 1);
	assert_int_equal(a.verified, 1);
	assert_int_equal(ks_auth_verify(&a, s->session_id, s->session_id_len), 0);
	memcpy(sid, s->session_id, sizeof(sid));
	sid[KS_H_LEN - 1] ^= 0x80;
	assert_int_not_equal(ks_auth_verify(&a, sid, sizeof(sid)), 0);
	assert_int_not_equal(ks_auth_verify(&a, s->session_id, s->session_id_len - 1), 0);
	assert_int_not_equal(ks_auth_verify(&a, NULL, 0), 0);
	/* And it is the user's key that signed: under another key's blob it does not verify. */
	memcpy(a.blob, f->other.blob, f->other.bloblen);
	assert_int_not_equal(ks_auth_verify(&a, s->session_id, s->session_id_len), 0);
}

#if T_FULL
/* ---- host keys of every type ---- */

/* The client's default: certificates first (OpenSSH's order), then the plain algorithms. */
#define HK_CERTS "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com," \
	"rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com"
static const char hk_default[] =
	HK_CERTS ",ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";

/* k is the group's host key i, offered and signing as alg (NULL: the key's own algorithm). */
static struct ks_key *hostkey(struct ks_key *k, int i, const char *alg)
{
	assert_int_equal(ks_key_private(k, &hk.k[i], alg), 0);
	return k;
}

/*
 * A fresh client configured as cfg (NULL: defaults) and a server with host key host offering offer (NULL:
 * host's algorithm) as its host key algorithms, through both KEXINITs and the client's KEX_ECDH_INIT.
 */
static struct ks *hello_cfg(struct fix *f, const struct ks_key *host, const char *offer, const struct tp_config *cfg)
{
	ks_free(&f->s);
	assert_int_equal(ks_init_cfg(&f->s, host, NULL, 1, cfg), 0);
	if (offer) {
		f->s.hostkey_algs = offer;
	}
	assert_int_equal(ks_hello(&f->s), 0);
	return &f->s;
}

/* Both KEXINITs lead to the host key algorithm want (the client's list first, RFC 4253 7.1). */
static void assert_negotiated(const struct ks *s, const char *want)
{
	char got[64];

	assert_int_equal(ks_negotiated(s, 1, got, sizeof(got)), 0);
	assert_string_equal(got, want);
}

/*
 * The client's KEXINIT offers exactly these host key algorithms, in this order; a build without certificates
 * (SSHTUN_CERT 0) the same without the certificate names.
 */
static void assert_client_hostkeys(const struct ks *s, const char *want)
{
	char got[1024], plain[1024] = "";

	for (const char *p = want; !SSHTUN_CERT && *p;) {
		size_t n = strcspn(p, ",");

		if (!cert_is_name(p, n)) {
			snprintf(plain + strlen(plain), sizeof(plain) - strlen(plain), "%s%.*s", plain[0] ? "," : "", (int)n, p);
		}
		p += n + (p[n] == ',');
	}
	assert_int_equal(ks_namelist(&s->i_c, 1, got, sizeof(got)), 0);
	assert_string_equal(got, SSHTUN_CERT ? want : plain);
}

/*
 * The honest rest of the exchange after hello, with s->hostkey: the client takes the reply and sends
 * NEWKEYS, is ready, its callback was called once, both took the same session id, and one message crosses
 * each way under the new keys.
 */
static void finish_exchange(struct ks *s)
{
	const uint8_t *sid;
	size_t sidlen = 0, n = 0;
	struct tp_msg m;

	assert_int_equal(ks_kex_reply(s), 0);
	assert_int_equal(tp_poll(s->tp, &m), 0);
	assert_int_equal(ks_recv(s, s->buf, sizeof(s->buf), &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(s->buf[0], SSH_MSG_NEWKEYS);
	assert_true(tp_is_ready(s->tp));
	assert_int_equal(tp_kex_count(s->tp), 1);
	assert_int_equal(s->hostkey_calls, 1);
	sid = tp_session_id(s->tp, &sidlen);
	assert_int_equal(sidlen, KS_H_LEN);
	assert_memory_equal(sid, s->session_id, KS_H_LEN);
	round_trip(s);
	assert_false(tp_is_closed(s->tp));
}

/* finish_exchange with a plain host key: the callback saw it as sent, and no certificate. */
static void finish_good(struct ks *s)
{
	finish_exchange(s);
	assert_int_equal(s->hostkey_seen_len, s->hostkey->bloblen);
	assert_memory_equal(s->hostkey_seen, s->hostkey->blob, s->hostkey->bloblen);
	assert_int_equal(s->hostkey_cert_calls, 0);
}

/* A KEX_ECDH_REPLY whose K_S is blob_key's and whose signature, over H with that K_S, is signer's. */
static void reply_signed(struct ks *s, const struct ks_key *blob_key, const struct ks_key *signer)
{
	uint8_t h[KS_H_MAX];
	struct wire_w sig;

	assert_int_equal(ks_hash(s, blob_key->blob, blob_key->bloblen, s->q_s, s->q_s_len, h), 0);
	sign(signer, h, &sig);
	reply(s, blob_key->blob, blob_key->bloblen, sig.p, sig.len, h);
	wire_w_free(&sig);
}

/* (1) Each host key type, the only one the server offers: negotiated, its signature verified, the callback saw it. */
static void test_hostkey_each_type(void **state)
{
	struct fix *f = *state;
	static const struct {
		int key;
		const char *alg;
	} cases[] = {
		{ HK_ED25519, "ssh-ed25519" },
		{ HK_P256, "ecdsa-sha2-nistp256" },
		{ HK_P384, "ecdsa-sha2-nistp384" },
		{ HK_P521, "ecdsa-sha2-nistp521" },
		{ HK_RSA2048, "rsa-sha2-512" },
		{ HK_RSA2048, "rsa-sha2-256" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ks *s = hello_cfg(f, hostkey(&f->a, cases[i].key, cases[i].alg), NULL, NULL);

		assert_client_hostkeys(s, hk_default);
		assert_negotiated(s, cases[i].alg);
		finish_good(s);
	}
}

/*
 * (2) rsa-sha2-256 and rsa-sha2-512 are chosen from the server's list by the client's order, and the RSA key
 * must then sign under exactly the chosen one: a valid signature of the same key under the other is refused.
 */
static void test_rsa_sha2_negotiated(void **state)
{
	struct fix *f = *state;
	static const struct {
		const char *offer, *chosen, *other;
	} cases[] = {
		{ "rsa-sha2-256", "rsa-sha2-256", "rsa-sha2-512" },
		{ "rsa-sha2-512", "rsa-sha2-512", "rsa-sha2-256" },
		/* Both, the server preferring SHA-256: the client's preference, SHA-512, decides. */
		{ "rsa-sha2-256,rsa-sha2-512", "rsa-sha2-512", "rsa-sha2-256" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ks *s = hello_cfg(f, hostkey(&f->a, HK_RSA2048, cases[i].chosen), cases[i].offer, NULL);

		assert_negotiated(s, cases[i].chosen);
		finish_good(s);

		s = hello_cfg(f, hostkey(&f->a, HK_RSA2048, cases[i].chosen), cases[i].offer, NULL);
		assert_negotiated(s, cases[i].chosen);
		f->a.sig_alg = cases[i].other;
		reply_signed(s, &f->a, &f->a);
		expect_bad_sig(s);
	}
}

/*
 * (3) A valid ssh-rsa (SHA-1) signature by the RSA host key when rsa-sha2-512 or rsa-sha2-256 was negotiated:
 * refused, also when HostKeyAlgorithms allows ssh-rsa and the server offers it too.
 */
static void test_rsa_sha1_signature_refused(void **state)
{
	struct fix *f = *state;
	static const struct {
		const char *allow, *offer, *chosen;
	} cases[] = {
		{ NULL, "rsa-sha2-512", "rsa-sha2-512" },
		{ NULL, "rsa-sha2-256", "rsa-sha2-256" },
		{ "+ssh-rsa", "ssh-rsa,rsa-sha2-512", "rsa-sha2-512" },
		{ "+ssh-rsa", "ssh-rsa,rsa-sha2-256", "rsa-sha2-256" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tp_config cfg = { .hostkey_algorithms = cases[i].allow };
		struct ks *s = hello_cfg(f, hostkey(&f->a, HK_RSA2048, cases[i].chosen), cases[i].offer, &cfg);

		assert_negotiated(s, cases[i].chosen);
		f->a.sig_alg = "ssh-rsa";
		reply_signed(s, &f->a, &f->a);
		expect_bad_sig(s);
	}
}

/*
 * (4) A server that offers only ssh-rsa: no host key algorithm in common by default (the client does not offer
 * it); with HostKeyAlgorithms +ssh-rsa, or naming it, the exchange completes with an ssh-rsa signature.
 */
static void test_ssh_rsa_only_on_request(void **state)
{
	struct fix *f = *state;
	static const char *const allow[] = { "+ssh-rsa", "ssh-rsa", "ssh-ed25519,ssh-rsa" };
	struct ks *s = &f->s;

	ks_free(s);
	assert_int_equal(ks_init(s, hostkey(&f->a, HK_RSA2048, "ssh-rsa"), NULL, 1), 0);
	assert_int_equal(ks_hello(s), SSHTUN_ERR_KEX_NOMATCH);
	assert_client_hostkeys(s, hk_default);
	expect_refused(s, SSHTUN_ERR_KEX_NOMATCH, SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
	assert_int_equal(s->hostkey_calls, 0);

	for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]); i++) {
		struct tp_config cfg = { .hostkey_algorithms = allow[i] };

		s = hello_cfg(f, hostkey(&f->a, HK_RSA2048, "ssh-rsa"), NULL, &cfg);
		assert_negotiated(s, "ssh-rsa");
		finish_good(s);
	}
	/* Allowed, but a server that offers SHA-2 too gets SHA-2: ssh-rsa is appended, last in the client's order. */
	{
		struct tp_config cfg = { .hostkey_algorithms = "+ssh-rsa" };

		s = hello_cfg(f, hostkey(&f->a, HK_RSA2048, "rsa-sha2-256"), "ssh-rsa,rsa-sha2-256", &cfg);
		assert_client_hostkeys(s, HK_CERTS ",ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
					  "rsa-sha2-512,rsa-sha2-256,ssh-rsa");
		assert_negotiated(s, "rsa-sha2-256");
		finish_good(s);
	}
}

/*
 * (5) RequiredRSASize: an RSA host key under it is refused (SSHTUN_ERR_HOSTKEY_WEAK, the callback never
 * asked) however good its signature; 2048 by default, a 1024-bit key passes when it is set to 1024.
 */
static void test_rsa_hostkey_size(void **state)
{
	struct fix *f = *state;
	static const struct {
		int key;
		unsigned required;
		int accepted;
	} cases[] = {
		{ HK_RSA1024, 0, 0 },
		{ HK_RSA1024, 2048, 0 },
		{ HK_RSA1024, 1025, 0 },
		{ HK_RSA1024, 1024, 1 },
		{ HK_RSA2048, 0, 1 },
		{ HK_RSA2048, 2048, 1 },
		{ HK_RSA2048, 2049, 0 },
		{ HK_RSA2048, 3072, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tp_config cfg = { .required_rsa_bits = cases[i].required };
		struct ks *s = hello_cfg(f, hostkey(&f->a, cases[i].key, "rsa-sha2-512"), NULL, &cfg);

		if (cases[i].accepted) {
			finish_good(s);
			continue;
		}
		assert_int_equal(ks_kex_reply(s), 0);
		expect_refused(s, SSHTUN_ERR_HOSTKEY_WEAK, SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
		assert_int_equal(s->hostkey_calls, 0);
	}
}

/*
 * (6) K_S of another type than the negotiated algorithm's, with a valid signature by that key over H with that
 * K_S (under its own name, or under the negotiated name): refused as a host key of the wrong type
 * (SSHTUN_ERR_KEX_FAILED), before the signature, the RSA size or the callback are looked at.
 */
static void test_hostkey_type_not_negotiated(void **state)
{
	struct fix *f = *state;
	static const struct {
		const char *offer;
		int key;
		const char *sig_alg;	/* NULL: the key's own */
	} cases[] = {
		{ "ecdsa-sha2-nistp256", HK_P384, NULL },
		{ "ecdsa-sha2-nistp256", HK_P384, "ecdsa-sha2-nistp256" },
		{ "ecdsa-sha2-nistp384", HK_P256, NULL },
		{ "ecdsa-sha2-nistp521", HK_P384, NULL },
		{ "ssh-ed25519", HK_P256, NULL },
		{ "ssh-ed25519", HK_RSA2048, NULL },
		{ "ecdsa-sha2-nistp521", HK_RSA2048, NULL },
		{ "rsa-sha2-512", HK_ED25519, NULL },
		{ "rsa-sha2-256", HK_P521, NULL },
		{ "rsa-sha2-512", HK_P256, "rsa-sha2-512" },
		/* Of the wrong type and too small: the type is what is refused. */
		{ "ecdsa-sha2-nistp256", HK_RSA1024, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ks *s = hello_cfg(f, hostkey(&f->a, cases[i].key, NULL), cases[i].offer, NULL);

		assert_negotiated(s, cases[i].offer);
		if (cases[i].sig_alg) {
			f->a.sig_alg = cases[i].sig_alg;
		}
		reply_signed(s, &f->a, &f->a);
		expect_refused(s, SSHTUN_ERR_KEX_FAILED, SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
		assert_int_equal(s->hostkey_calls, 0);
	}
}

/*
 * (7) An ECDSA key's valid signature presented under another curve's name (hashed as that name says, or as
 * the key's own), the negotiated algorithm being the key's own: refused.
 */
static void test_ecdsa_signature_other_curve_name(void **state)
{
	struct fix *f = *state;
	static const struct {
		int key;
		const char *sig_alg;
		int hash;
	} cases[] = {
		{ HK_P256, "ecdsa-sha2-nistp384", CRY_SHA384 },
		{ HK_P256, "ecdsa-sha2-nistp384", CRY_SHA256 },
		{ HK_P256, "ecdsa-sha2-nistp521", CRY_SHA512 },
		{ HK_P384, "ecdsa-sha2-nistp256", CRY_SHA256 },
		{ HK_P384, "ecdsa-sha2-nistp256", CRY_SHA384 },
		{ HK_P521, "ecdsa-sha2-nistp384", CRY_SHA384 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ks *s = hello_cfg(f, hostkey(&f->a, cases[i].key, NULL), NULL, NULL);
		uint8_t h[KS_H_MAX], r[CRY_ECDSA_SCALAR_MAX], sv[CRY_ECDSA_SCALAR_MAX];
		size_t rlen = 0, slen = 0;
		struct wire_w raw, sig;

		assert_negotiated(s, f->a.alg);
		assert_int_equal(ks_hash(s, f->a.blob, f->a.bloblen, s->q_s, s->q_s_len, h), 0);
		assert_int_equal(cry_ecdsa_sign(hk.k[cases[i].key].pk, cases[i].hash, h, sizeof(h), r, &rlen, sv, &slen), 0);
		wire_w_init(&raw, 0);
		wire_put_mpint(&raw, r, rlen);
		wire_put_mpint(&raw, sv, slen);
		wire_w_init(&sig, 0);
		wire_put_cstring(&sig, cases[i].sig_alg);
		wire_put_string(&sig, raw.p, raw.len);
		assert_int_equal(wire_w_err(&raw), 0);
		assert_int_equal(wire_w_err(&sig), 0);
		reply(s, f->a.blob, f->a.bloblen, sig.p, sig.len, h);
		wire_w_free(&raw);
		wire_w_free(&sig);
		expect_bad_sig(s);
	}
}

/*
 * (8) HostKeyAlgorithms left to the defaults: the algorithms of the key types known_hosts holds
 * (hostkey_prefer) go first, each group in the default order, and decide what a server offering several
 * gets; with HostKeyAlgorithms set, the list is as configured and hostkey_prefer is ignored.
 */
static void test_hostkey_prefer(void **state)
{
	struct fix *f = *state;
	static const char offer[] = "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512";
	static const struct {
		const char *prefer, *algorithms, *list, *chosen;
	} cases[] = {
		{ NULL, NULL, hk_default, "ssh-ed25519" },
		{ "ssh-ed25519", NULL,
			"ssh-ed25519," HK_CERTS ",ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256",
			"ssh-ed25519" },
		/* A @cert-authority line for the host: certificates first (they are first by default too). */
		{ KH_PREFER_CERTS, NULL, hk_default, "ssh-ed25519" },
		{ KH_PREFER_CERTS ",ecdsa-sha2-nistp256", NULL,
			HK_CERTS ",ecdsa-sha2-nistp256,ssh-ed25519,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256",
			"ecdsa-sha2-nistp256" },
		{ "ecdsa-sha2-nistp256", NULL,
			"ecdsa-sha2-nistp256," HK_CERTS ",ssh-ed25519,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256",
			"ecdsa-sha2-nistp256" },
		{ "ssh-rsa", NULL,
			"rsa-sha2-512,rsa-sha2-256," HK_CERTS ",ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521",
			"rsa-sha2-512" },
		{ "ssh-rsa,ecdsa-sha2-nistp521", NULL,
			"ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256," HK_CERTS ",ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384",
			"rsa-sha2-512" },
		{ "ecdsa-sha2-nistp384,ecdsa-sha2-nistp256", NULL,
			"ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," HK_CERTS ",ssh-ed25519,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256",
			"ecdsa-sha2-nistp256" },
		/* A type this build has no algorithm for changes nothing. */
		{ "ssh-dss", NULL, hk_default, "ssh-ed25519" },
		/* HostKeyAlgorithms set: as configured, whatever known_hosts holds. */
		{ "ecdsa-sha2-nistp256", "ssh-ed25519,ecdsa-sha2-nistp256", "ssh-ed25519,ecdsa-sha2-nistp256", "ssh-ed25519" },
		{ "ssh-rsa", "+ssh-rsa",
			HK_CERTS ",ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256,ssh-rsa",
			"ssh-ed25519" },
		{ "ssh-ed25519", "-ssh-ed25519", HK_CERTS ",ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256",
			"ecdsa-sha2-nistp256" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tp_config cfg = { .hostkey_algorithms = cases[i].algorithms, .hostkey_prefer = cases[i].prefer };
		int key = strcmp(cases[i].chosen, "ssh-ed25519") == 0 ? HK_ED25519 : strcmp(cases[i].chosen, "rsa-sha2-512") == 0 ? HK_RSA2048 : HK_P256;
		int wrong = key == HK_ED25519 ? HK_P256 : HK_ED25519;
		struct ks *s = hello_cfg(f, hostkey(&f->a, key, cases[i].chosen), offer, &cfg);

		assert_client_hostkeys(s, cases[i].list);
		assert_negotiated(s, cases[i].chosen);
		finish_good(s);

		/* The server answering with the key of another algorithm it offered: not what was negotiated. */
		s = hello_cfg(f, hostkey(&f->a, key, cases[i].chosen), offer, &cfg);
		reply_signed(s, hostkey(&f->b, wrong, NULL), &f->b);
		expect_refused(s, SSHTUN_ERR_KEX_FAILED, SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
		assert_int_equal(s->hostkey_calls, 0);
	}
}

/* (9) An ECDSA or RSA host key's signature with one bit flipped (in r, in s; in the RSA signature's first, middle, last bytes). */
static void test_sig_bit_flipped_ecdsa_rsa(void **state)
{
	struct fix *f = *state;
	static const struct {
		int key;
		const char *alg;
	} cases[] = {
		{ HK_P256, NULL },
		{ HK_P384, NULL },
		{ HK_P521, NULL },
		{ HK_RSA2048, "rsa-sha2-512" },
		{ HK_RSA2048, "rsa-sha2-256" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int where = 0; where < 3; where++) {
			struct ks *s = hello_cfg(f, hostkey(&f->a, cases[i].key, cases[i].alg), NULL, NULL);
			uint8_t h[KS_H_MAX];
			struct wire_view alg, raw;
			struct wire_w sig;
			size_t off;

			assert_int_equal(ks_hash(s, f->a.blob, f->a.bloblen, s->q_s, s->q_s_len, h), 0);
			sign(&f->a, h, &sig);
			assert_int_equal(ks_sig_split(sig.p, sig.len, &alg, &raw), 0);
			off = (size_t)(raw.p - sig.p);
			if (where == 0) {
				/* RSA: the first byte; ECDSA: the last byte of r (after its length). */
				off += cases[i].key == HK_RSA2048 ? 0 : 4 + wire_peek_u32(raw.p) - 1;
			} else if (where == 1) {
				off += raw.n / 2;
			} else {
				off += raw.n - 1;
			}
			sig.p[off] ^= (uint8_t)(1u << (where * 3));
			reply(s, f->a.blob, f->a.bloblen, sig.p, sig.len, h);
			wire_w_free(&sig);
			expect_bad_sig(s);
		}
	}
}

/* ---- host certificates (PROTOCOL.certkeys) ---- */

/* k is host certificate c (hk.cert) offered as certalg, signing with the certified key under certalg's plain name. */
static struct ks_key *certkey(struct ks_key *k, int c, const char *certalg)
{
	assert_int_equal(ks_key_cert(k, &hk.k[hc_files[c].key], certalg, hk.cert[c].blob, hk.cert[c].len), 0);
	return k;
}

/*
 * finish_exchange with host certificate c as K_S: the callback got the certificate (a host certificate with
 * c's key id, the blob as sent) and, as the key, the certified key: the plain host key, as its .pub holds it.
 */
static void finish_cert(struct ks *s, int c)
{
	const struct pubkey *plain = &hk.k[hc_files[c].key].pub;

	finish_exchange(s);
	assert_int_equal(s->hostkey_cert_calls, 1);
	assert_int_equal(s->hostkey_cert_type, CERT_HOST);
	assert_string_equal(s->hostkey_cert_id, hc_files[c].key_id);
	assert_int_equal(s->hostkey_cert_len, hk.cert[c].len);
	assert_memory_equal(s->hostkey_cert_blob, hk.cert[c].blob, hk.cert[c].len);
	assert_int_equal(s->hostkey_seen_len, plain->bloblen);
	assert_memory_equal(s->hostkey_seen, plain->blob, plain->bloblen);
}

/* The signature blob sig with its algorithm name replaced by name, into out (a growable writer the caller frees). */
static void rename_sig(const struct wire_w *sig, const char *name, struct wire_w *out)
{
	struct wire_view alg, raw;

	assert_int_equal(ks_sig_split(sig->p, sig->len, &alg, &raw), 0);
	wire_w_init(out, 0);
	wire_put_cstring(out, name);
	wire_put_string(out, raw.p, raw.n);
	assert_int_equal(wire_w_err(out), 0);
}

/*
 * (10) Each host certificate type, the only algorithm the server offers: negotiated under its certificate name,
 * the certified key's signature (under the plain name) verified, the certificate handed to the callback with
 * the certified key. Offered beside the plain algorithm of the same key, the certificate is chosen.
 */
static void test_hostcert_each_type(void **state)
{
	T_NEED(SSHTUN_CERT);	/* host certificates */
	struct fix *f = *state;
	static const struct {
		int cert;
		const char *offer, *alg;
	} cases[] = {
		{ HC_ED25519, NULL, "ssh-ed25519-cert-v01@openssh.com" },
		{ HC_P256, NULL, "ecdsa-sha2-nistp256-cert-v01@openssh.com" },
		{ HC_RSA2048, NULL, "rsa-sha2-512-cert-v01@openssh.com" },
		{ HC_RSA2048, NULL, "rsa-sha2-256-cert-v01@openssh.com" },
		{ HC_ED25519, "ssh-ed25519,ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519-cert-v01@openssh.com" },
		{ HC_P256, "ecdsa-sha2-nistp256,ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com" },
		{ HC_RSA2048, "rsa-sha2-512,rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ks *s = hello_cfg(f, certkey(&f->a, cases[i].cert, cases[i].alg), cases[i].offer, NULL);

		assert_client_hostkeys(s, hk_default);
		assert_negotiated(s, cases[i].alg);
		finish_cert(s, cases[i].cert);
	}
}

/* A certificate of each type, the negotiated algorithm its own. */
static const struct hc_case {
	int cert;
	const char *alg;
} hc_cases[] = {
	{ HC_ED25519, "ssh-ed25519-cert-v01@openssh.com" },
	{ HC_P256, "ecdsa-sha2-nistp256-cert-v01@openssh.com" },
	{ HC_RSA2048, "rsa-sha2-512-cert-v01@openssh.com" },
};

/*
 * (11) A host certificate whose exchange-hash signature is not the certified key's under the plain name over
 * this H: the right signature named with the certificate algorithm; a signature by the CA (of the same type,
 * under the plain name); one over H with the certified key's plain blob as K_S; one over H with another Q_S.
 * Each refused as a bad signature, the callback never asked.
 */
static void test_hostcert_sig_refused(void **state)
{
	T_NEED(SSHTUN_CERT);	/* host certificates */
	struct fix *f = *state;

	for (size_t i = 0; i < sizeof(hc_cases) / sizeof(hc_cases[0]); i++) {
		const struct hc_file *c = &hc_files[hc_cases[i].cert];
		const char *plain = ks_cert_plain(hc_cases[i].alg);

		for (int v = 0; v < 4; v++) {
			struct ks *s = hello_cfg(f, certkey(&f->a, hc_cases[i].cert, hc_cases[i].alg), NULL, NULL);
			uint8_t h[KS_H_MAX], qs[KS_X25519];
			struct wire_w sig, named;

			assert_negotiated(s, hc_cases[i].alg);
			memcpy(qs, s->q_s, sizeof(qs));
			if (v == 2) {
				const struct pubkey *pk = &hk.k[c->key].pub;

				assert_int_equal(ks_hash(s, pk->blob, pk->bloblen, qs, sizeof(qs), h), 0);
			} else {
				qs[5] ^= v == 3 ? 0x20 : 0;
				assert_int_equal(ks_hash(s, f->a.blob, f->a.bloblen, qs, sizeof(qs), h), 0);
			}
			sign(v == 1 ? hostkey(&f->b, c->ca, plain) : &f->a, h, &sig);
			if (v == 0) {
				rename_sig(&sig, hc_cases[i].alg, &named);
				reply(s, f->a.blob, f->a.bloblen, named.p, named.len, h);
				wire_w_free(&named);
			} else {
				reply(s, f->a.blob, f->a.bloblen, sig.p, sig.len, h);
			}
			wire_w_free(&sig);
			expect_bad_sig(s);
		}
	}
}

/*
 * (12) A user certificate (of the Ed25519 host key, by the same CA) presented as the host certificate, honestly
 * signed: refused as a host key (SSHTUN_ERR_KEX_FAILED), the callback never asked.
 */
static void test_hostcert_user_cert_refused(void **state)
{
	T_NEED(SSHTUN_CERT);	/* host certificates */
	struct fix *f = *state;
	struct ks *s = hello_cfg(f, certkey(&f->a, HC_USER_ED25519, "ssh-ed25519-cert-v01@openssh.com"), NULL, NULL);

	assert_negotiated(s, "ssh-ed25519-cert-v01@openssh.com");
	assert_int_equal(ks_kex_reply(s), 0);
	expect_refused(s, SSHTUN_ERR_KEX_FAILED, SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
	assert_int_equal(s->hostkey_calls, 0);
}

/*
 * (13) K_S not of the negotiated type, each time with a valid signature by its own key over H with that K_S: a
 * certificate of another key type (signed under its own plain name, or under the negotiated one), a plain key
 * where a certificate was negotiated, a certificate where a plain key was. Refused as a host key (a certificate
 * of the wrong type: SSHTUN_ERR_KEX_FAILED; not a blob of the expected kind: any error but a bad signature),
 * the callback never asked.
 */
static void test_hostcert_type_not_negotiated(void **state)
{
	T_NEED(SSHTUN_CERT);	/* host certificates */
	struct fix *f = *state;
	static const struct {
		const char *offer;
		int cert;		/* K_S: this certificate, or -1: the plain key key */
		int key;
		const char *sig_alg;
		int err;		/* 0: any refusal but SSHTUN_ERR_HOSTKEY_SIG */
	} cases[] = {
		{ "rsa-sha2-512-cert-v01@openssh.com", HC_ED25519, HK_ED25519, "ssh-ed25519", SSHTUN_ERR_KEX_FAILED },
		{ "rsa-sha2-512-cert-v01@openssh.com", HC_ED25519, HK_ED25519, "rsa-sha2-512", SSHTUN_ERR_KEX_FAILED },
		{ "rsa-sha2-256-cert-v01@openssh.com", HC_P256, HK_P256, "ecdsa-sha2-nistp256", SSHTUN_ERR_KEX_FAILED },
		{ "ssh-ed25519-cert-v01@openssh.com", HC_RSA2048, HK_RSA2048, "rsa-sha2-512", SSHTUN_ERR_KEX_FAILED },
		{ "ssh-ed25519-cert-v01@openssh.com", HC_P256, HK_P256, "ecdsa-sha2-nistp256", SSHTUN_ERR_KEX_FAILED },
		{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", HC_ED25519, HK_ED25519, "ssh-ed25519", SSHTUN_ERR_KEX_FAILED },
		{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", HC_P256, HK_P256, "ecdsa-sha2-nistp256", SSHTUN_ERR_KEX_FAILED },
		{ "rsa-sha2-512-cert-v01@openssh.com", -1, HK_RSA2048, "rsa-sha2-512", 0 },
		{ "rsa-sha2-256-cert-v01@openssh.com", -1, HK_RSA2048, "rsa-sha2-256", 0 },
		{ "ssh-ed25519-cert-v01@openssh.com", -1, HK_ED25519, "ssh-ed25519", 0 },
		{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", -1, HK_P256, "ecdsa-sha2-nistp256", 0 },
		{ "ssh-ed25519", HC_ED25519, HK_ED25519, "ssh-ed25519", 0 },
		{ "ecdsa-sha2-nistp256", HC_P256, HK_P256, "ecdsa-sha2-nistp256", 0 },
		{ "rsa-sha2-512", HC_RSA2048, HK_RSA2048, "rsa-sha2-512", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ks *s;
		struct tp_msg m;

		hostkey(&f->a, cases[i].key, cases[i].sig_alg);
		if (cases[i].cert >= 0) {
			assert_int_equal(hc_files[cases[i].cert].key, cases[i].key);
			memcpy(f->a.blob, hk.cert[cases[i].cert].blob, hk.cert[cases[i].cert].len);
			f->a.bloblen = hk.cert[cases[i].cert].len;
		}
		s = hello_cfg(f, &f->a, cases[i].offer, NULL);
		assert_negotiated(s, cases[i].offer);
		reply_signed(s, &f->a, &f->a);
		expect_refused(s, cases[i].err, SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
		assert_int_not_equal(tp_poll(s->tp, &m), SSHTUN_ERR_HOSTKEY_SIG);
		assert_int_equal(s->hostkey_calls, 0);
	}
}

/*
 * (14) The RSA certificate algorithms: the certified key must sign H under exactly the negotiated one's plain
 * name: a valid signature under the other SHA-2 name, or ssh-rsa, is refused. rsa-sha2-512 is preferred when
 * the server offers both; ssh-rsa-cert-v01 only on request (HostKeyAlgorithms), then signed with ssh-rsa.
 */
static void test_hostcert_rsa_sha2(void **state)
{
	T_NEED(SSHTUN_CERT);	/* host certificates */
	struct fix *f = *state;
	static const struct {
		const char *offer, *chosen, *other;
	} cases[] = {
		{ "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-512" },
		{ "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-256" },
		{ "rsa-sha2-256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com",
			"rsa-sha2-256" },
	};
	struct tp_config cfg = { .hostkey_algorithms = "+ssh-rsa-cert-v01@openssh.com" };
	struct ks *s;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = hello_cfg(f, certkey(&f->a, HC_RSA2048, cases[i].chosen), cases[i].offer, NULL);
		assert_negotiated(s, cases[i].chosen);
		finish_cert(s, HC_RSA2048);

		for (int v = 0; v < 2; v++) {
			s = hello_cfg(f, certkey(&f->a, HC_RSA2048, cases[i].chosen), cases[i].offer, NULL);
			assert_negotiated(s, cases[i].chosen);
			f->a.sig_alg = v == 0 ? cases[i].other : "ssh-rsa";
			reply_signed(s, &f->a, &f->a);
			expect_bad_sig(s);
		}
	}

	/* ssh-rsa-cert-v01: not asked for by default; on request, an ssh-rsa signature, and no SHA-2 one. */
	ks_free(&f->s);
	assert_int_equal(ks_init(&f->s, certkey(&f->a, HC_RSA2048, "ssh-rsa-cert-v01@openssh.com"), NULL, 1), 0);
	assert_int_equal(ks_hello(&f->s), SSHTUN_ERR_KEX_NOMATCH);
	s = hello_cfg(f, certkey(&f->a, HC_RSA2048, "ssh-rsa-cert-v01@openssh.com"), NULL, &cfg);
	assert_negotiated(s, "ssh-rsa-cert-v01@openssh.com");
	finish_cert(s, HC_RSA2048);
	s = hello_cfg(f, certkey(&f->a, HC_RSA2048, "ssh-rsa-cert-v01@openssh.com"), NULL, &cfg);
	f->a.sig_alg = "rsa-sha2-512";
	reply_signed(s, &f->a, &f->a);
	expect_bad_sig(s);
}

/*
 * (15) hostkey_prefer with KH_PREFER_CERTS (known_hosts has a @cert-authority line for the host): the certificate
 * algorithms lead the client's list, before the plain types known_hosts holds, and a server offering the plain
 * key and its certificate gets asked for the certificate. A known plain key without a CA line puts its own
 * algorithm first: that one is chosen. HostKeyAlgorithms set: as configured.
 */
static void test_hostcert_prefer(void **state)
{
	T_NEED(SSHTUN_CERT);	/* host certificates */
	struct fix *f = *state;
	static const char offer[] = "ecdsa-sha2-nistp256,ecdsa-sha2-nistp256-cert-v01@openssh.com";
	static const char cert_alg[] = "ecdsa-sha2-nistp256-cert-v01@openssh.com";
	static const char certs_then_p256[] =
		HK_CERTS ",ecdsa-sha2-nistp256,ssh-ed25519,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";
	static const struct {
		const char *prefer, *algorithms, *list, *chosen;
	} cases[] = {
		{ KH_PREFER_CERTS ",ecdsa-sha2-nistp256", NULL, certs_then_p256, cert_alg },
		{ "ecdsa-sha2-nistp256," KH_PREFER_CERTS, NULL, certs_then_p256, cert_alg },
		{ "ssh-rsa," KH_PREFER_CERTS ",ecdsa-sha2-nistp256", NULL,
			HK_CERTS ",ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256,ssh-ed25519,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521",
			cert_alg },
		{ KH_PREFER_CERTS, NULL, hk_default, cert_alg },
		{ NULL, NULL, hk_default, cert_alg },
		{ "ecdsa-sha2-nistp256", NULL,
			"ecdsa-sha2-nistp256," HK_CERTS ",ssh-ed25519,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256",
			"ecdsa-sha2-nistp256" },
		{ KH_PREFER_CERTS, "ecdsa-sha2-nistp256,ecdsa-sha2-nistp256-cert-v01@openssh.com",
			"ecdsa-sha2-nistp256,ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tp_config cfg = { .hostkey_algorithms = cases[i].algorithms, .hostkey_prefer = cases[i].prefer };
		int is_cert = strcmp(cases[i].chosen, cert_alg) == 0;
		struct ks_key *host = is_cert ? certkey(&f->a, HC_P256, cert_alg) : hostkey(&f->a, HK_P256, NULL);
		struct ks *s = hello_cfg(f, host, offer, &cfg);

		assert_client_hostkeys(s, cases[i].list);
		assert_negotiated(s, cases[i].chosen);
		if (is_cert) {
			finish_cert(s, HC_P256);
		} else {
			finish_good(s);
		}
	}
}

/* ---- AES-CTR with a MAC (RFC 4344; RFC 4253 6.4, 7.2; RFC 6668; PROTOCOL 1.5 -etm, 1.7 umac) ---- */

static const char *const ctr_ciphers[] = { "aes128-ctr", "aes192-ctr", "aes256-ctr" };
static const char *const ctr_macs[] = {
	"umac-64-etm@openssh.com", "umac-128-etm@openssh.com", "hmac-sha2-256-etm@openssh.com",
	"hmac-sha2-512-etm@openssh.com", "umac-64@openssh.com", "umac-128@openssh.com", "hmac-sha2-256", "hmac-sha2-512",
	"hmac-sha1-etm@openssh.com", "hmac-sha1",
};
/* The client's default MAC list: OpenSSH 10's without SHA-1. */
static const char ctr_mac_default[] = "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
	"hmac-sha2-512-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512";

/*
 * A whole first exchange with a server offering only cipher and mac. The client runs its defaults, but adds mac
 * to its MACs when it is a SHA-1 one (those are not offered unless named).
 */
static struct ks *ctr_handshake(struct fix *f, const char *cipher, const char *mac)
{
	static char spec[64];
	struct tp_config cfg;
	struct ks *s = &f->s;

	memset(&cfg, 0, sizeof(cfg));
	if (strstr(mac, "sha1")) {
		snprintf(spec, sizeof(spec), "+%s", mac);
		cfg.macs = spec;
	}
	ks_free(s);
	assert_int_equal(ks_init_cfg(s, &f->host, cipher, 1, &cfg), 0);
	s->mac = mac;
	assert_int_equal(ks_handshake(s), 0);
	assert_string_equal(tp_cipher_name(s->tp), cipher);
	assert_non_null(tp_mac_name(s->tp));
	assert_string_equal(tp_mac_name(s->tp), mac);
	return s;
}

/*
 * Payloads of many sizes each way (across the first cipher block, NH's 32-byte blocks and UMAC's 1024-byte
 * chunks). The server's packets reach the client in two pieces cut at varying places, so the client waits for
 * the rest of a packet whose first block it has already decrypted.
 */
static void ctr_traffic(struct ks *s)
{
	static const size_t sizes[] = { 1, 10, 11, 12, 27, 28, 300, 1000, 1011, 1012, 1100, 2048, 5000, 32768 };
	uint8_t *pay = malloc(KS_BUF), *wire = malloc(KS_BUF), *got = malloc(KS_BUF);
	struct tp_msg m;

	assert_non_null(pay);
	assert_non_null(wire);
	assert_non_null(got);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i], wn = 0, cut, gn = 0;

		for (size_t j = 0; j < n; j++) {
			pay[j] = (uint8_t)(j * 31 + i);
		}
		pay[0] = SSH_MSG_CHANNEL_DATA;
		assert_int_equal(ks_seal(s, pay, n, wire, KS_BUF, &wn), 0);
		cut = 1 + (i * 7) % (wn - 1);
		assert_int_equal(tp_input(s->tp, wire, cut), 0);
		assert_int_equal(tp_poll(s->tp, &m), 0);
		assert_int_equal(tp_input(s->tp, wire + cut, wn - cut), 0);
		assert_int_equal(tp_poll(s->tp, &m), 1);
		assert_int_equal(m.len, n);
		assert_memory_equal(m.payload, pay, n);
		assert_int_equal(tp_poll(s->tp, &m), 0);

		assert_int_equal(tp_send(s->tp, pay, n), 0);
		assert_int_equal(ks_recv(s, got, KS_BUF, &gn), 1);
		assert_int_equal(gn, n);
		assert_memory_equal(got, pay, n);
		assert_int_equal(ks_recv(s, got, KS_BUF, &gn), 0);
	}
	free(pay);
	free(wire);
	free(got);
	assert_false(tp_is_closed(s->tp));
}

/* Every CTR cipher with every MAC: keys, userauth's first messages, data both ways, through two rekeys. */
static void test_ctr_each_mac(void **state)
{
	struct fix *f = *state;

	for (size_t c = 0; c < sizeof(ctr_ciphers) / sizeof(ctr_ciphers[0]); c++) {
		for (size_t i = 0; i < sizeof(ctr_macs) / sizeof(ctr_macs[0]); i++) {
			struct ks *s = ctr_handshake(f, ctr_ciphers[c], ctr_macs[i]);

			round_trip(s);
			ctr_traffic(s);
			assert_int_equal(ks_rekey(s), 0);
			assert_int_equal(tp_kex_count(s->tp), 2);
			assert_string_equal(tp_mac_name(s->tp), ctr_macs[i]);
			ctr_traffic(s);
			assert_int_equal(ks_rekey(s), 0);
			round_trip(s);
		}
	}
}

/*
 * The client refuses the server's last packet (already fed) as a MAC failure. Encrypt-then-MAC: at once, or as
 * soon as the bytes the (clear) length names are in. Encrypt-and-MAC: only once the discard limit is reached
 * (4 + TP_MAX_PACKET_IN + the tag, from the packet's start, n bytes of it fed): before that it takes input and
 * says nothing, so a forged first block tells nothing about its decrypted length.
 */
static void expect_mac_refused(struct ks *s, size_t n)
{
	static uint8_t fill[65536];
	const struct cry_mac *mac = cry_mac_find(s->mac, strlen(s->mac));
	struct tp_msg m;
	uint8_t p[256];
	size_t got = 0;
	int r;

	assert_non_null(mac);
	if (mac->etm) {
		for (size_t fed = n; (r = tp_poll(s->tp, &m)) == 0 && fed < n + 256; fed += 16) {
			assert_int_equal(tp_input(s->tp, fill, 16), 0);
		}
		assert_int_equal(r, SSHTUN_ERR_MAC);
	} else {
		size_t limit = 4 + TP_MAX_PACKET_IN + mac->tag_len, fed = n;

		while (fed < limit - 1) {
			size_t k = limit - 1 - fed < sizeof(fill) ? limit - 1 - fed : sizeof(fill);

			assert_int_equal(tp_poll(s->tp, &m), 0);
			assert_int_equal(tp_input(s->tp, fill, k), 0);
			fed += k;
		}
		assert_int_equal(tp_poll(s->tp, &m), 0);
		assert_false(tp_is_closed(s->tp));
		assert_int_equal(ks_recv(s, p, sizeof(p), &got), 0);	/* nothing said while discarding */
		assert_int_equal(tp_input(s->tp, fill, 1), 0);
		assert_int_equal(tp_poll(s->tp, &m), SSHTUN_ERR_MAC);
	}
	assert_true(tp_is_closed(s->tp));
	assert_int_equal(ks_recv(s, p, sizeof(p), &got), 1);
	assert_int_equal(p[0], SSH_MSG_DISCONNECT);
	assert_int_equal(wire_peek_u32(p + 1), SSH_DISCONNECT_MAC_ERROR);
}

/*
 * One bit flipped in a server packet, with each MAC: in the tag (its last byte, so a check of fewer bytes
 * passes it), in the encrypted payload, in the length field (a high bit: a length no packet has; bit 4: a
 * plausible length 16 off). Each is refused as a MAC failure and nothing of it reaches the client's caller.
 */
static void test_ctr_tampered(void **state)
{
	struct fix *f = *state;
	enum { TAG, BODY, LEN_HIGH, LEN_16, CASES };

	for (size_t i = 0; i < sizeof(ctr_macs) / sizeof(ctr_macs[0]); i++) {
		for (int c = 0; c < CASES; c++) {
			struct ks *s = ctr_handshake(f, ctr_ciphers[(i + (size_t)c) % 3], ctr_macs[i]);
			const struct cry_mac *mac = cry_mac_find(ctr_macs[i], strlen(ctr_macs[i]));
			uint8_t pay[200], wire[400];
			size_t n = 0;

			memset(pay, 0x5a, sizeof(pay));
			pay[0] = SSH_MSG_CHANNEL_DATA;
			assert_int_equal(ks_seal(s, pay, sizeof(pay), wire, sizeof(wire), &n), 0);
			switch (c) {
			case TAG:
				wire[n - 1] ^= 0x01;
				break;
			case BODY:
				wire[n - mac->tag_len - 20] ^= 0x40;
				break;
			case LEN_HIGH:
				wire[0] ^= 0x80;
				break;
			default:
				wire[3] ^= 0x10;
				break;
			}
			assert_int_equal(tp_input(s->tp, wire, n), 0);
			expect_mac_refused(s, n);
		}
	}
}

/*
 * Encrypt-and-MAC: a first block whose length cannot be a packet (not a multiple of the block; too large),
 * fed a byte at a time, then in bulk up to one byte short of the discard limit: no refusal until the limit.
 */
static void test_ctr_eam_implausible_length(void **state)
{
	struct fix *f = *state;
	static const uint8_t flips[] = { 0x01, 0x40 };

	for (size_t i = 0; i < sizeof(flips); i++) {
		struct ks *s = ctr_handshake(f, "aes128-ctr", i ? "umac-64@openssh.com" : "hmac-sha2-256");
		uint8_t pay[40], wire[128];
		struct tp_msg m;
		size_t n = 0;

		memset(pay, 0, sizeof(pay));
		pay[0] = SSH_MSG_IGNORE;
		assert_int_equal(ks_seal(s, pay, sizeof(pay), wire, sizeof(wire), &n), 0);
		wire[i ? 1 : 3] ^= flips[i];
		for (size_t j = 0; j < 20; j++) {
			assert_int_equal(tp_input(s->tp, wire + j, 1), 0);
			assert_int_equal(tp_poll(s->tp, &m), 0);
		}
		assert_int_equal(tp_input(s->tp, wire + 20, n - 20), 0);
		expect_mac_refused(s, n);
	}
}

/*
 * An AEAD cipher brings its own MAC: the MAC lists do not count, even with nothing in common (the server's
 * names are not ours; the client's MACs names another), and no MAC is in use.
 */
static void test_aead_ignores_macs(void **state)
{
	struct fix *f = *state;
	static const char *const aead[] = { "chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com" };
	struct tp_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.macs = "hmac-sha2-512";
	for (size_t i = 0; i < sizeof(aead) / sizeof(aead[0]); i++) {
		struct ks *s = &f->s;

		ks_free(s);
		assert_int_equal(ks_init_cfg(s, &f->host, aead[i], 1, i == 1 ? &cfg : NULL), 0);
		s->mac = "hmac-md5,hmac-ripemd160";
		assert_int_equal(ks_handshake(s), 0);
		assert_string_equal(tp_cipher_name(s->tp), aead[i]);
		assert_null(tp_mac_name(s->tp));
		round_trip(s);
		assert_int_equal(ks_rekey(s), 0);
		round_trip(s);
	}
}

/*
 * A CTR cipher needs a MAC: with none in common the exchange fails, and the client says so. The client's list
 * is OpenSSH's default without SHA-1, so a server offering only hmac-sha1 finds none either.
 */
static void test_ctr_no_common_mac(void **state)
{
	struct fix *f = *state;
	static const char *const offers[] = { "hmac-md5,hmac-sha2-256-96", "hmac-sha1", "hmac-sha1-etm@openssh.com" };
	char list[1024];

	for (size_t i = 0; i < sizeof(offers) / sizeof(offers[0]); i++) {
		struct ks *s = &f->s;
		uint8_t p[512];
		size_t n = 0;

		ks_free(s);
		assert_int_equal(ks_init(s, &f->host, "aes256-ctr", 1), 0);
		s->mac = offers[i];
		assert_int_equal(ks_hello(s), SSHTUN_ERR_KEX_NOMATCH);
		assert_true(tp_is_closed(s->tp));
		assert_int_equal(ks_recv(s, p, sizeof(p), &n), 1);
		assert_int_equal(p[0], SSH_MSG_DISCONNECT);
		assert_int_equal(wire_peek_u32(p + 1), SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
		assert_int_equal(ks_namelist(&s->i_c, 4, list, sizeof(list)), 0);
		assert_string_equal(list, ctr_mac_default);
		assert_int_equal(ks_namelist(&s->i_c, 5, list, sizeof(list)), 0);
		assert_string_equal(list, ctr_mac_default);
		assert_int_equal(ks_namelist(&s->i_c, 2, list, sizeof(list)), 0);
		assert_string_equal(list, "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
			"aes128-ctr,aes192-ctr,aes256-ctr");
	}
}

#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_chacha20_poly1305, setup, teardown),
#if SSHTUN_AESGCM
		cmocka_unit_test_setup_teardown(test_good_aes128_gcm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_good_aes256_gcm, setup, teardown),
#endif
		cmocka_unit_test_setup_teardown(test_good_not_strict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sig_bit_flipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sig_by_other_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sig_wrong_algorithm_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sig_over_other_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sig_blob_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostkey_blob_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_ephemeral_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostkey_callback_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tampered_packet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_userauth_pk_ok_other_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_userauth_signature_covers_session_id, setup, teardown),
#if T_FULL
		cmocka_unit_test_setup_teardown(test_hostkey_each_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsa_sha2_negotiated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsa_sha1_signature_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ssh_rsa_only_on_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsa_hostkey_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostkey_type_not_negotiated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ecdsa_signature_other_curve_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostkey_prefer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sig_bit_flipped_ecdsa_rsa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostcert_each_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostcert_sig_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostcert_user_cert_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostcert_type_not_negotiated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostcert_rsa_sha2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostcert_prefer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_each_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_tampered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_eam_implausible_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aead_ignores_macs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_no_common_mac, setup, teardown),
#endif
	};

	/* A fuzzing build's X25519 and Ed25519 verification are fixed values: nothing here would mean anything. */
	if (cry_init() != 0 || cry_fixed_for_fuzzing()) {
		print_message("test_kex_server: skipped (fuzzing build: fixed-value crypto)\n");
		return 0;
	}
#if T_FULL
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
#else
	return cmocka_run_group_tests(tests, NULL, NULL);
#endif
}
