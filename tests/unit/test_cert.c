/*
 * sshtun: tests for OpenSSH certificates (transport/cert.c) against certificates made by ssh-keygen -s, and
 * hand-built ones (re-signed with the test CA) for what ssh-keygen will not make.
 */
#include "tests/unit/testutil.h"
#include "util/features.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "ssh/key.h"
#include "transport/cert.h"
#include "transport/pubkey.h"
#include "util/wire.h"

/* transport/cert.c is left out with SSHTUN_CERT 0 (test_hostcert checks what such a build does with @cert-authority). */
#if SSHTUN_CERT

/* 2025-01-01 00:00:00 UTC and a day later: the validity of the "u1" certificate. */
#define T_20250101 1735689600ULL
#define T_20250102 1735776000ULL

/* The group state: a temporary directory with CA keys, keys and certificates made by ssh-keygen. */
struct cfix {
	char dir[64];
};

static struct cfix fix;

/*
 * Keys: CAs ca_ed (Ed25519), ca_ec (ECDSA P-256), ca_rsa (RSA 2048), ca_other (Ed25519); certified keys k_ed,
 * k_ec256, k_ec384, k_ec521, k_rsa. Each certificate NAME is made from a copy NAME.pub of its key, so
 * ssh-keygen writes NAME-cert.pub.
 */
/*
 * The ECDSA and RSA keys and the certificates that need them are made in every build; a build without libcrypto
 * (no ECDSA, no RSA) runs the tests of Ed25519 certificates only.
 */
#define T_FULL (SSHTUN_ECDSA && SSHTUN_RSA)

static const char *const keys[][2] = {
	{ "ca_ed", "-t ed25519" }, { "ca_ec", "-t ecdsa -b 256" }, { "ca_rsa", "-t rsa -b 2048" },
	{ "ca_other", "-t ed25519" }, { "k_ed", "-t ed25519" }, { "k_ec256", "-t ecdsa -b 256" },
	{ "k_ec384", "-t ecdsa -b 384" }, { "k_ec521", "-t ecdsa -b 521" }, { "k_rsa", "-t rsa -b 2048" },
};

static const struct tcert {
	const char *name, *key, *ca, *args;
} certs[] = {
	/* A user certificate with everything set. */
	{ "u1", "k_ed", "ca_ed", "-I 'my id' -z 42 -n alice,bob -V 20250101:20250102 "
		"-O force-command=/bin/true -O source-address=10.0.0.0/8" },
	{ "u2", "k_ed", "ca_other", "-I other -n alice" },
	{ "u3", "k_rsa", "ca_ed", "-I noprinc" },
	{ "h1", "k_ec384", "ca_ec", "-h -I host1 -n host.example.com,*.example.net" },
	{ "h2", "k_rsa", "ca_rsa", "-t rsa-sha2-512 -h -I host2 -n h2.example.com" },
	{ "h3", "k_ec521", "ca_rsa", "-t ssh-rsa -h -I host3 -n h3.example.com" },
	{ "h4", "k_ed", "ca_ed", "-h -I host4" },
	{ "h5", "k_ec256", "ca_rsa", "-t rsa-sha2-256 -h -I host5 -n h5.example.com -V -1d:+1d" },
};

static void t_path(char *out, size_t n, const char *name, const char *suffix)
{
	snprintf(out, n, "%s/%s%s", fix.dir, name, suffix);
}

static int group_setup(void **state)
{
	char cmd[1024];

	strcpy(fix.dir, "/tmp/sshtun-cert-XXXXXX");
	if (!mkdtemp(fix.dir) || cry_init() != 0) {
		return -1;
	}
	*state = &fix;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(cmd, sizeof(cmd), "ssh-keygen -q %s -N '' -C %s -f %s/%s </dev/null >/dev/null", keys[i][1],
			keys[i][0], fix.dir, keys[i][0]);
		if (system(cmd) != 0) {
			return -1;
		}
	}
	for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++) {
		/* -V dates are local time to ssh-keygen: TZ=UTC makes them UTC. */
		snprintf(cmd, sizeof(cmd), "cd %s && cp %s.pub %s.pub && TZ=UTC ssh-keygen -q -s %s %s %s.pub "
			"</dev/null >/dev/null 2>&1", fix.dir, certs[i].key, certs[i].name, certs[i].ca, certs[i].args,
			certs[i].name);
		if (system(cmd) != 0) {
			return -1;
		}
	}
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fix.dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Reads NAME-cert.pub ("type base64 comment") and decodes the base64 field into out. */
static size_t t_read_cert_blob(const char *name, uint8_t *out, size_t outlen)
{
	char p[128], line[16384], *b64, *end;
	size_t n = 0;
	FILE *f;

	t_path(p, sizeof(p), name, "-cert.pub");
	f = fopen(p, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	b64 = strchr(line, ' ');
	assert_non_null(b64);
	b64++;
	end = strchr(b64, ' ');
	if (!end) {
		end = b64 + strcspn(b64, "\n");
	}
	assert_int_equal(cry_base64_decode(out, outlen, &n, b64, (size_t)(end - b64)), 0);
	return n;
}

static void t_load_cert(const char *name, struct cert *c)
{
	static uint8_t blob[CERT_BLOB_MAX];
	size_t n = t_read_cert_blob(name, blob, sizeof(blob));

	assert_int_equal(cert_parse(c, blob, n), 0);
}

static void t_load_pub(const char *name, struct pubkey *k)
{
	char p[128];

	t_path(p, sizeof(p), name, ".pub");
	assert_int_equal(key_load_public(k, p), 0);
}

static void t_load_priv(const char *name, struct privkey *k)
{
	char p[128];

	t_path(p, sizeof(p), name, "");
	assert_int_equal(key_load_private(k, p, NULL, NULL), 0);
}

/* ---- hand-built certificates ---- */

/* What to change when re-building a certificate; NULL / 0 keeps the original. */
struct tweak {
	int type;
	const struct wire_w *principals;	/* the contents of the principals string */
	const struct wire_w *critical;
	const struct wire_w *extensions;
	const uint8_t *ca_blob;			/* the signature key */
	size_t ca_len;
};

/*
 * Re-builds the Ed25519-key certificate c with the tweaks and signs it with ca (its signature algorithm alg).
 * Returns the blob in out (a growable writer the caller frees).
 */
static void t_rebuild(const struct cert *c, const struct tweak *t, const struct privkey *ca, const char *alg,
	struct wire_w *out)
{
	struct wire_r r;
	struct wire_view type, nonce, pk, keyid, princ, crit, ext;
	struct wire_w sig;

	assert_int_equal(c->key.type, PK_ED25519);
	wire_r_init(&r, c->blob, c->bloblen);
	wire_get_string(&r, &type);
	wire_get_string(&r, &nonce);
	wire_get_string(&r, &pk);
	assert_int_equal(wire_err(&r), 0);
	keyid = (struct wire_view){ c->blob + c->key_id_off, c->key_id_len };
	princ = (struct wire_view){ c->blob + c->princ_off, c->princ_len };
	crit = (struct wire_view){ c->blob + c->crit_off, c->crit_len };
	ext = (struct wire_view){ c->blob + c->ext_off, c->ext_len };

	wire_w_init(out, 0);
	wire_put_string(out, type.p, type.n);
	wire_put_string(out, nonce.p, nonce.n);
	wire_put_string(out, pk.p, pk.n);
	wire_put_u64(out, c->serial);
	wire_put_u32(out, (uint32_t)(t->type ? t->type : c->type));
	wire_put_string(out, keyid.p, keyid.n);
	if (t->principals) {
		wire_put_string(out, t->principals->p, t->principals->len);
	} else {
		wire_put_string(out, princ.p, princ.n);
	}
	wire_put_u64(out, c->valid_after);
	wire_put_u64(out, c->valid_before);
	if (t->critical) {
		wire_put_string(out, t->critical->p, t->critical->len);
	} else {
		wire_put_string(out, crit.p, crit.n);
	}
	if (t->extensions) {
		wire_put_string(out, t->extensions->p, t->extensions->len);
	} else {
		wire_put_string(out, ext.p, ext.n);
	}
	wire_put_string(out, NULL, 0);	/* reserved */
	if (t->ca_blob) {
		wire_put_string(out, t->ca_blob, t->ca_len);
	} else {
		wire_put_string(out, ca->pub.blob, ca->pub.bloblen);
	}
	wire_w_init(&sig, 0);
	assert_int_equal(wire_w_err(out), 0);
	assert_int_equal(key_sign(ca, alg, out->p, out->len, &sig), 0);
	wire_put_string(out, sig.p, sig.len);
	wire_w_free(&sig);
	assert_int_equal(wire_w_err(out), 0);
}

/* Appends one (name, data) option; data NULL is an empty data string, else one string inside it. */
static void t_option(struct wire_w *w, const char *name, const char *value)
{
	struct wire_w d;

	wire_w_init(&d, 0);
	if (value) {
		wire_put_cstring(&d, value);
	}
	wire_put_cstring(w, name);
	wire_put_string(w, d.p, d.len);
	wire_w_free(&d);
}

/* ---- tests ---- */

static void test_parse_user_fields(void **state)
{
	static struct cert c;
	struct pubkey k, ca, other;
	struct wire_view v;
	char text[CERT_TEXT_MAX];

	(void)state;
	t_load_cert("u1", &c);
	assert_int_equal(c.type, CERT_USER);
	assert_string_equal(cert_type_name(&c), "ssh-ed25519-cert-v01@openssh.com");
	assert_true(c.serial == 42);
	assert_string_equal(c.key_id, "my id");
	assert_true(c.valid_after == T_20250101);
	assert_true(c.valid_before == T_20250102);
	assert_int_equal(c.nprincipals, 2);
	assert_true(cert_has_principal(&c, "alice", 5));
	assert_true(cert_has_principal(&c, "bob", 3));
	assert_false(cert_has_principal(&c, "bo", 2));
	cert_principals_text(&c, text, sizeof(text));
	assert_string_equal(text, "alice, bob");

	/* The certified key is the plain key of k_ed.pub; the CA is ca_ed's. */
	t_load_pub("k_ed", &k);
	t_load_pub("ca_ed", &ca);
	t_load_pub("ca_other", &other);
	assert_int_equal(c.key.type, PK_ED25519);
	assert_true(pubkey_equal(&c.key, &k));
	assert_true(pubkey_equal(&c.ca, &ca));
	assert_false(pubkey_equal(&c.ca, &other));

	/* Critical options in order, and ssh-keygen's default extensions. */
	assert_int_equal(c.ncritical, 2);
	cert_options_text(&c, CERT_CRITICAL, text, sizeof(text));
	assert_string_equal(text, "force-command \"/bin/true\", source-address \"10.0.0.0/8\"");
	assert_true(cert_has_option(&c, CERT_CRITICAL, "source-address", &v));
	assert_int_equal(v.n, 4 + strlen("10.0.0.0/8"));
	assert_false(cert_has_option(&c, CERT_CRITICAL, "verify-required", NULL));
	assert_int_equal(c.nextensions, 5);
	assert_true(cert_has_option(&c, CERT_EXTENSIONS, "permit-pty", &v));
	assert_int_equal(v.n, 0);
	cert_options_text(&c, CERT_EXTENSIONS, text, sizeof(text));
	assert_string_equal(text, "permit-X11-forwarding, permit-agent-forwarding, permit-port-forwarding, "
		"permit-pty, permit-user-rc");

	assert_int_equal(cert_verify_ca(&c, 0), 0);
}

#if T_FULL
/* Every key type as certified key, every CA type, each certificate's key and CA are the .pub files' keys. */
static void test_parse_every_type(void **state)
{
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
	static const struct {
		const char *cert, *key, *ca;
		int type, ktype;
		const char *tname, *principal;
	} t[] = {
		{ "u2", "k_ed", "ca_other", CERT_USER, PK_ED25519, "ssh-ed25519-cert-v01@openssh.com", "alice" },
		{ "u3", "k_rsa", "ca_ed", CERT_USER, PK_RSA, "ssh-rsa-cert-v01@openssh.com", NULL },
		{ "h1", "k_ec384", "ca_ec", CERT_HOST, PK_ECDSA_P384, "ecdsa-sha2-nistp384-cert-v01@openssh.com",
			"host.example.com" },
		{ "h2", "k_rsa", "ca_rsa", CERT_HOST, PK_RSA, "ssh-rsa-cert-v01@openssh.com", "h2.example.com" },
		{ "h3", "k_ec521", "ca_rsa", CERT_HOST, PK_ECDSA_P521, "ecdsa-sha2-nistp521-cert-v01@openssh.com",
			"h3.example.com" },
		{ "h5", "k_ec256", "ca_rsa", CERT_HOST, PK_ECDSA_P256, "ecdsa-sha2-nistp256-cert-v01@openssh.com",
			"h5.example.com" },
	};
	static struct cert c;
	struct pubkey k, ca;
	char why[256];
	uint64_t now = (uint64_t)time(NULL);

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		t_load_cert(t[i].cert, &c);
		t_load_pub(t[i].key, &k);
		t_load_pub(t[i].ca, &ca);
		assert_int_equal(c.type, t[i].type);
		assert_int_equal(c.key.type, t[i].ktype);
		assert_string_equal(cert_type_name(&c), t[i].tname);
		assert_true(pubkey_equal(&c.key, &k));
		assert_true(pubkey_equal(&c.ca, &ca));
		/* h3's CA signed with ssh-rsa (SHA-1). */
		assert_int_equal(cert_verify_ca(&c, 1), 0);
		assert_int_equal(cert_check(&c, t[i].type, t[i].principal, now, why, sizeof(why)), 0);
		assert_string_equal(why, "");
	}
}
#endif

#if T_FULL
/* The certified key's own signatures (the kex host key signature, a userauth signature): plain algorithms. */
static void test_certified_key_signs(void **state)
{
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
	static struct cert c;
	static struct privkey k;
	static const uint8_t data[] = "exchange hash";
	struct wire_w sig;

	(void)state;
	t_load_cert("h4", &c);
	t_load_priv("k_ed", &k);
	wire_w_init(&sig, 0);
	assert_int_equal(key_sign(&k, "ssh-ed25519", data, sizeof(data), &sig), 0);
	assert_int_equal(cert_verify(&c, "ssh-ed25519-cert-v01@openssh.com", sig.p, sig.len, data, sizeof(data)), 0);
	assert_int_equal(cert_verify(&c, NULL, sig.p, sig.len, data, sizeof(data)), 0);
	assert_int_equal(cert_verify(&c, "ssh-ed25519-cert-v01@openssh.com", sig.p, sig.len, data, sizeof(data) - 1),
		SSHTUN_ERR_HOSTKEY_SIG);
	/* Another certificate algorithm than the key's type. */
	assert_int_equal(cert_verify(&c, "ecdsa-sha2-nistp256-cert-v01@openssh.com", sig.p, sig.len, data,
		sizeof(data)), SSHTUN_ERR_HOSTKEY_SIG);
	/* A plain name where a certificate algorithm is wanted. */
	assert_int_equal(cert_verify(&c, "ssh-ed25519", sig.p, sig.len, data, sizeof(data)), SSHTUN_ERR_HOSTKEY_SIG);
	wire_w_free(&sig);
	key_wipe(&k);

	/* RSA: the signature is under the plain name that goes with the certificate algorithm. */
	t_load_cert("h2", &c);
	t_load_priv("k_rsa", &k);
	wire_w_init(&sig, 0);
	assert_int_equal(key_sign(&k, "rsa-sha2-256", data, sizeof(data), &sig), 0);
	assert_int_equal(cert_verify(&c, "rsa-sha2-256-cert-v01@openssh.com", sig.p, sig.len, data, sizeof(data)), 0);
	assert_int_equal(cert_verify(&c, "rsa-sha2-512-cert-v01@openssh.com", sig.p, sig.len, data, sizeof(data)),
		SSHTUN_ERR_HOSTKEY_SIG);
	wire_w_free(&sig);
	wire_w_init(&sig, 0);
	assert_int_equal(key_sign(&k, "ssh-rsa", data, sizeof(data), &sig), 0);
	assert_int_equal(cert_verify(&c, "ssh-rsa-cert-v01@openssh.com", sig.p, sig.len, data, sizeof(data)), 0);
	assert_int_equal(cert_verify(&c, NULL, sig.p, sig.len, data, sizeof(data)), SSHTUN_ERR_HOSTKEY_SIG);
	wire_w_free(&sig);
	key_wipe(&k);
}
#endif

/* One byte of the key id changed: still a certificate, but the CA's signature fails. */
static void test_tampered(void **state)
{
	static struct cert c, t;
	uint8_t blob[CERT_BLOB_MAX];

	(void)state;
	t_load_cert("u1", &c);
	memcpy(blob, c.blob, c.bloblen);
	assert_int_equal(blob[c.key_id_off], 'm');
	blob[c.key_id_off] = 'M';
	assert_int_equal(cert_parse(&t, blob, c.bloblen), 0);
	assert_string_equal(t.key_id, "My id");
	assert_int_equal(cert_verify_ca(&t, 0), SSHTUN_ERR_HOSTKEY_SIG);
	assert_int_equal(cert_verify_ca(&t, 1), SSHTUN_ERR_HOSTKEY_SIG);

	/* The last byte of the signature. */
	memcpy(blob, c.blob, c.bloblen);
	blob[c.bloblen - 1] ^= 1;
	assert_int_equal(cert_parse(&t, blob, c.bloblen), 0);
	assert_int_equal(cert_verify_ca(&t, 0), SSHTUN_ERR_HOSTKEY_SIG);
}

/* Signed by another CA: the signature is fine, the caller compares the CA key with the ones it trusts. */
static void test_other_ca(void **state)
{
	static struct cert c;
	struct pubkey ca, other;

	(void)state;
	t_load_cert("u2", &c);
	t_load_pub("ca_ed", &ca);
	t_load_pub("ca_other", &other);
	assert_int_equal(cert_verify_ca(&c, 0), 0);
	assert_true(pubkey_equal(&c.ca, &other));
	assert_false(pubkey_equal(&c.ca, &ca));
}

#if T_FULL
/* An RSA CA signing with ssh-rsa (SHA-1) is refused unless allowed; rsa-sha2-* always verify. */
static void test_rsa_ca_sha1(void **state)
{
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
	static struct cert c;

	(void)state;
	t_load_cert("h3", &c);
	assert_int_equal(cert_verify_ca(&c, 0), SSHTUN_ERR_NOT_SUPPORTED);
	assert_int_equal(cert_verify_ca(&c, 1), 0);
	t_load_cert("h2", &c);
	assert_int_equal(cert_verify_ca(&c, 0), 0);
	t_load_cert("h5", &c);
	assert_int_equal(cert_verify_ca(&c, 0), 0);
}
#endif

static void test_check_validity(void **state)
{
	static struct cert c;
	char why[256];

	(void)state;
	t_load_cert("u1", &c);
	assert_int_equal(cert_check(&c, CERT_USER, "alice", T_20250101, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_int_equal(cert_check(&c, CERT_USER, "bob", T_20250102 - 1, why, sizeof(why)), 0);
	assert_int_equal(cert_check(&c, CERT_USER, "alice", T_20250102, why, sizeof(why)), SSHTUN_ERR_HOSTKEY_SIG);
	assert_string_equal(why, "certificate expired on 2025-01-02 00:00:00 UTC");
	assert_int_equal(cert_check(&c, CERT_USER, "alice", T_20250101 - 1, why, sizeof(why)), SSHTUN_ERR_HOSTKEY_SIG);
	assert_string_equal(why, "certificate is not valid until 2025-01-01 00:00:00 UTC");

	/* h4 is valid forever: from 0 to UINT64_MAX. */
	t_load_cert("h4", &c);
	assert_true(c.valid_after == 0);
	assert_true(c.valid_before == UINT64_MAX);
}

static void test_check_principals(void **state)
{
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
	static struct cert c;
	char why[256];
	uint64_t now = T_20250101 + 60;

	(void)state;
	t_load_cert("u1", &c);
	assert_int_equal(cert_check(&c, CERT_USER, "carol", now, why, sizeof(why)), SSHTUN_ERR_HOSTKEY_SIG);
	assert_string_equal(why, "principal \"carol\" not in the certificate (it names: alice, bob)");
	/* User names are compared exactly, never as patterns. */
	assert_int_equal(cert_check(&c, CERT_USER, "alic", now, why, sizeof(why)), SSHTUN_ERR_HOSTKEY_SIG);
	/* NULL: the client leaves the user name to the server. */
	assert_int_equal(cert_check(&c, CERT_USER, NULL, now, why, sizeof(why)), 0);
	/* Untrusted bytes in the name are not printed as they are. */
	assert_int_equal(cert_check(&c, CERT_USER, "x\ny", now, why, sizeof(why)), SSHTUN_ERR_HOSTKEY_SIG);
	assert_string_equal(why, "principal \"x?y\" not in the certificate (it names: alice, bob)");

#if T_FULL
	/* A user certificate without principals is for any user (PROTOCOL.certkeys). */
	t_load_cert("u3", &c);
	assert_int_equal(c.nprincipals, 0);
	assert_int_equal(cert_check(&c, CERT_USER, "anyone", (uint64_t)time(NULL), why, sizeof(why)), 0);
#endif

	/* A host certificate without principals is refused, as ssh does. */
	t_load_cert("h4", &c);
	assert_int_equal(cert_check(&c, CERT_HOST, "h4.example.com", (uint64_t)time(NULL), why, sizeof(why)),
		SSHTUN_ERR_HOSTKEY_SIG);
	assert_string_equal(why, "host certificate names no principals (such a certificate is accepted for no host)");

#if T_FULL
	/* Host principals may be wildcards. */
	t_load_cert("h1", &c);
	now = (uint64_t)time(NULL);
	assert_int_equal(cert_check(&c, CERT_HOST, "host.example.com", now, why, sizeof(why)), 0);
	assert_int_equal(cert_check(&c, CERT_HOST, "a.example.net", now, why, sizeof(why)), 0);
	assert_int_equal(cert_check(&c, CERT_HOST, "example.net", now, why, sizeof(why)), SSHTUN_ERR_HOSTKEY_SIG);
	assert_string_equal(why, "principal \"example.net\" not in the certificate (it names: host.example.com, "
		"*.example.net)");
	assert_int_equal(cert_check(&c, CERT_HOST, "other.example.com", now, why, sizeof(why)), SSHTUN_ERR_HOSTKEY_SIG);
	/* Host certificates need a name. */
	assert_int_equal(cert_check(&c, CERT_HOST, NULL, now, why, sizeof(why)), SSHTUN_ERR_INVAL);

	/* A short why buffer is cut with "...", always terminated. */
	assert_int_equal(cert_check(&c, CERT_HOST, "example.net", now, why, 20), SSHTUN_ERR_HOSTKEY_SIG);
	assert_string_equal(why, "principal \"examp...");
	assert_int_equal(cert_check(&c, CERT_HOST, "example.net", now, why, 1), SSHTUN_ERR_HOSTKEY_SIG);
	assert_string_equal(why, "");
#endif
}

static void test_check_type(void **state)
{
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
	static struct cert c;
	char why[256];

	(void)state;
	t_load_cert("u1", &c);
	assert_int_equal(cert_check(&c, CERT_HOST, "alice", T_20250101, why, sizeof(why)), SSHTUN_ERR_HOSTKEY_SIG);
	assert_string_equal(why, "certificate is a user certificate, not a host certificate");
	t_load_cert(T_FULL ? "h1" : "h4", &c);
	assert_int_equal(cert_check(&c, CERT_USER, "host.example.com", (uint64_t)time(NULL), why, sizeof(why)),
		SSHTUN_ERR_HOSTKEY_SIG);
	assert_string_equal(why, "certificate is a host certificate, not a user certificate");
}

/* A user certificate's critical options are the server's business: reported, not refused. */
static void test_user_critical_options(void **state)
{
	static struct cert c, u;
	static struct privkey ca;
	struct wire_w crit, blob;
	struct tweak t = { 0 };
	char why[256], text[CERT_TEXT_MAX];

	(void)state;
	t_load_cert("u1", &c);
	assert_int_equal(cert_check(&c, CERT_USER, "alice", T_20250101, why, sizeof(why)), 0);
	assert_int_equal(c.ncritical, 2);

	/* An option no one knows, and one whose data is not a single string: still the server's. */
	t_load_priv("ca_ed", &ca);
	wire_w_init(&crit, 0);
	t_option(&crit, "force-command", "/usr/bin/id");
	t_option(&crit, "unknown@example.com", NULL);
	t_option(&crit, "verify-required", NULL);
	wire_put_cstring(&crit, "zz@example.com");
	wire_put_u32(&crit, 3);
	wire_put_raw(&crit, "abc", 3);
	t.critical = &crit;
	t_rebuild(&c, &t, &ca, "ssh-ed25519", &blob);
	assert_int_equal(cert_parse(&u, blob.p, blob.len), 0);
	assert_int_equal(cert_verify_ca(&u, 0), 0);
	assert_int_equal(u.ncritical, 4);
	assert_int_equal(cert_check(&u, CERT_USER, "alice", T_20250101, why, sizeof(why)), 0);
	cert_options_text(&u, CERT_CRITICAL, text, sizeof(text));
	assert_string_equal(text, "force-command \"/usr/bin/id\", unknown@example.com, verify-required, "
		"zz@example.com (3 bytes)");
	/* Cut short. */
	assert_int_equal(cert_options_text(&u, CERT_CRITICAL, text, 16), 15);
	assert_string_equal(text, "force-comman...");
	wire_w_free(&crit);
	wire_w_free(&blob);
	key_wipe(&ca);
}

/* No critical option is defined for host certificates: a host certificate with one is refused. */
static void test_host_critical_option(void **state)
{
	static struct cert c, h;
	static struct privkey ca;
	struct wire_w crit, blob;
	struct tweak t = { 0 };
	char why[256];

	(void)state;
	t_load_cert("u2", &c);	/* an Ed25519 key, principal alice */
	t_load_priv("ca_ed", &ca);
	wire_w_init(&crit, 0);
	t_option(&crit, "force-command", "/bin/sh");
	t.type = CERT_HOST;
	t.critical = &crit;
	t_rebuild(&c, &t, &ca, NULL, &blob);
	assert_int_equal(cert_parse(&h, blob.p, blob.len), 0);
	assert_int_equal(cert_verify_ca(&h, 0), 0);
	assert_int_equal(h.type, CERT_HOST);
	assert_int_equal(cert_check(&h, CERT_HOST, "alice", (uint64_t)time(NULL), why, sizeof(why)),
		SSHTUN_ERR_NOT_SUPPORTED);
	assert_string_equal(why, "host certificate has critical option \"force-command\" (none is defined for host "
		"certificates)");
	wire_w_free(&crit);
	wire_w_free(&blob);
	key_wipe(&ca);
}

/* Hand-built certificates that must not parse, and the limits that must. */
static void test_malformed(void **state)
{
	static struct cert c, m;
	static struct privkey ca;
	static uint8_t blob[CERT_BLOB_MAX + 2];
	struct wire_w w, list;
	struct tweak t;
	char name[16];

	(void)state;
	t_load_cert("u1", &c);
	t_load_priv("ca_ed", &ca);

	/* A trailing byte, and every truncation. */
	memcpy(blob, c.blob, c.bloblen);
	blob[c.bloblen] = 0;
	assert_int_equal(cert_parse(&m, blob, c.bloblen + 1), SSHTUN_ERR_BAD_FORMAT);
	assert_int_equal(m.bloblen, 0);
	for (size_t n = 0; n < c.bloblen; n++) {
		assert_int_not_equal(cert_parse(&m, blob, n), 0);
	}
	assert_int_equal(cert_parse(&m, blob, c.bloblen), 0);
	assert_int_equal(cert_parse(&m, blob, CERT_BLOB_MAX + 1), SSHTUN_ERR_TOO_LONG);

	/* Principals: CERT_MAX_PRINCIPALS is fine, one more is not; a NUL or trailing bytes in the list. */
	for (int count = CERT_MAX_PRINCIPALS; count <= CERT_MAX_PRINCIPALS + 1; count++) {
		memset(&t, 0, sizeof(t));
		wire_w_init(&list, 0);
		for (int i = 0; i < count; i++) {
			snprintf(name, sizeof(name), "p%d", i);
			wire_put_cstring(&list, name);
		}
		t.principals = &list;
		t_rebuild(&c, &t, &ca, NULL, &w);
		assert_int_equal(cert_parse(&m, w.p, w.len), count == CERT_MAX_PRINCIPALS ? 0 : SSHTUN_ERR_LIMIT);
		if (count == CERT_MAX_PRINCIPALS) {
			assert_int_equal(m.nprincipals, CERT_MAX_PRINCIPALS);
			assert_true(cert_has_principal(&m, "p255", 4));
			assert_int_equal(cert_verify_ca(&m, 0), 0);
		}
		wire_w_free(&w);
		wire_w_free(&list);
	}
	memset(&t, 0, sizeof(t));
	wire_w_init(&list, 0);
	wire_put_string(&list, "a\0b", 3);
	t.principals = &list;
	t_rebuild(&c, &t, &ca, NULL, &w);
	assert_int_equal(cert_parse(&m, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
	wire_w_free(&w);
	wire_w_free(&list);
	wire_w_init(&list, 0);
	wire_put_cstring(&list, "alice");
	wire_put_u8(&list, 0);
	t.principals = &list;
	t_rebuild(&c, &t, &ca, NULL, &w);
	assert_int_equal(cert_parse(&m, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
	wire_w_free(&w);
	wire_w_free(&list);

	/* Critical options out of order, repeated; extensions out of order. */
	static const char *const bad_orders[][2] = {
		{ "source-address", "force-command" },
		{ "force-command", "force-command" },
		{ "force-commandx", "force-command" },
	};
	for (size_t i = 0; i < sizeof(bad_orders) / sizeof(bad_orders[0]); i++) {
		for (int which = 0; which < 2; which++) {
			memset(&t, 0, sizeof(t));
			wire_w_init(&list, 0);
			t_option(&list, bad_orders[i][0], "x");
			t_option(&list, bad_orders[i][1], "y");
			if (which == 0) {
				t.critical = &list;
			} else {
				t.extensions = &list;
			}
			t_rebuild(&c, &t, &ca, NULL, &w);
			assert_int_equal(cert_parse(&m, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
			wire_w_free(&w);
			wire_w_free(&list);
		}
	}
	/* In order: a prefix sorts first. */
	memset(&t, 0, sizeof(t));
	wire_w_init(&list, 0);
	t_option(&list, "force-command", "x");
	t_option(&list, "force-commandx", "y");
	t.critical = &list;
	t_rebuild(&c, &t, &ca, NULL, &w);
	assert_int_equal(cert_parse(&m, w.p, w.len), 0);
	assert_int_equal(m.ncritical, 2);
	wire_w_free(&w);
	/* An option without its data string. */
	wire_w_reset(&list);
	wire_put_cstring(&list, "force-command");
	t_rebuild(&c, &t, &ca, NULL, &w);
	assert_int_equal(cert_parse(&m, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
	wire_w_free(&w);
	wire_w_free(&list);

	/* Certificate type 3. */
	memset(&t, 0, sizeof(t));
	t.type = 3;
	t_rebuild(&c, &t, &ca, NULL, &w);
	assert_int_equal(cert_parse(&m, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
	wire_w_free(&w);

	/* A certificate as CA (a chain): refused. */
	memset(&t, 0, sizeof(t));
	t.ca_blob = c.blob;
	t.ca_len = c.bloblen;
	t_rebuild(&c, &t, &ca, NULL, &w);
	assert_int_equal(cert_parse(&m, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
	wire_w_free(&w);
	/* A CA key of a type we do not know; a malformed CA key. */
	wire_w_init(&list, 0);
	wire_put_cstring(&list, "ssh-dss");
	wire_put_mpint(&list, "\x01", 1);
	t.ca_blob = list.p;
	t.ca_len = list.len;
	t_rebuild(&c, &t, &ca, NULL, &w);
	assert_int_equal(cert_parse(&m, w.p, w.len), SSHTUN_ERR_NOT_SUPPORTED);
	wire_w_free(&w);
	wire_w_reset(&list);
	wire_put_cstring(&list, "ssh-ed25519");
	wire_put_string(&list, "short", 5);
	t.ca_blob = list.p;
	t.ca_len = list.len;
	t_rebuild(&c, &t, &ca, NULL, &w);
	assert_int_equal(cert_parse(&m, w.p, w.len), SSHTUN_ERR_BAD_FORMAT);
	wire_w_free(&w);
	wire_w_free(&list);

	/* Types that are not certificates this build knows. */
	wire_w_init(&w, 0);
	wire_put_cstring(&w, "ssh-dss-cert-v01@openssh.com");
	wire_put_raw(&w, c.blob + 4 + 32, c.bloblen - 4 - 32);	/* the rest of an Ed25519 certificate */
	assert_int_equal(cert_parse(&m, w.p, w.len), SSHTUN_ERR_NOT_SUPPORTED);
	wire_w_free(&w);
	assert_int_equal(cert_parse(&m, c.key.blob, c.key.bloblen), SSHTUN_ERR_NOT_SUPPORTED);
	assert_int_equal(cert_parse(&m, (const uint8_t *)"\0\0\0", 3), SSHTUN_ERR_BAD_FORMAT);
	assert_int_equal(cert_parse(&m, NULL, 0), SSHTUN_ERR_BAD_FORMAT);

	/* A signature field that is not (string, string). */
	memcpy(blob, c.blob, c.signed_len);
	wire_w_init_fixed(&w, blob + c.signed_len, sizeof(blob) - c.signed_len);
	wire_put_u32(&w, 4 + 11 + 1);
	wire_put_cstring(&w, "ssh-ed25519");
	wire_put_u8(&w, 0);
	assert_int_equal(cert_parse(&m, blob, c.signed_len + w.len), SSHTUN_ERR_BAD_FORMAT);
	key_wipe(&ca);
}

#if T_FULL
static void test_names(void **state)
{
	T_NEED(SSHTUN_ECDSA && SSHTUN_RSA);	/* its keys are of every type */
	(void)state;
	assert_true(cert_is_name("ssh-ed25519-cert-v01@openssh.com", 32));
	assert_true(cert_is_name("ssh-dss-cert-v01@openssh.com", 28));
	assert_false(cert_is_name("-cert-v01@openssh.com", 21));
	assert_false(cert_is_name("ssh-ed25519", 11));
	assert_false(cert_is_name(NULL, 0));

	assert_string_equal(cert_sigalg_plain("rsa-sha2-512-cert-v01@openssh.com", 33), "rsa-sha2-512");
	assert_string_equal(cert_sigalg_plain("rsa-sha2-256-cert-v01@openssh.com", 33), "rsa-sha2-256");
	assert_string_equal(cert_sigalg_plain("ssh-rsa-cert-v01@openssh.com", 28), "ssh-rsa");
	assert_string_equal(cert_sigalg_plain("ssh-ed25519-cert-v01@openssh.com", 32), "ssh-ed25519");
	assert_string_equal(cert_sigalg_plain("ecdsa-sha2-nistp384-cert-v01@openssh.com", 40), "ecdsa-sha2-nistp384");
	assert_null(cert_sigalg_plain("ssh-dss-cert-v01@openssh.com", 28));
	assert_null(cert_sigalg_plain("ssh-ed25519", 11));

	assert_string_equal(cert_sigalg_from_plain("rsa-sha2-256", 12), "rsa-sha2-256-cert-v01@openssh.com");
	assert_string_equal(cert_sigalg_from_plain("ssh-rsa", 7), "ssh-rsa-cert-v01@openssh.com");
	assert_string_equal(cert_sigalg_from_plain("ecdsa-sha2-nistp521", 19),
		"ecdsa-sha2-nistp521-cert-v01@openssh.com");
	assert_null(cert_sigalg_from_plain("ssh-dss", 7));

	assert_int_equal(cert_sigalg_key_type("rsa-sha2-512-cert-v01@openssh.com", 33), PK_RSA);
	assert_int_equal(cert_sigalg_key_type("ecdsa-sha2-nistp256-cert-v01@openssh.com", 40), PK_ECDSA_P256);
	assert_int_equal(cert_sigalg_key_type("ssh-ed25519", 11), PK_NONE);

	assert_string_equal(cert_key_type_name(PK_RSA), "ssh-rsa-cert-v01@openssh.com");
	assert_string_equal(cert_key_type_name(PK_ECDSA_P521), "ecdsa-sha2-nistp521-cert-v01@openssh.com");
	assert_null(cert_key_type_name(PK_NONE));

	assert_string_equal(cert_sigalgs_supported(),
		"ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
		"ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
		"rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-rsa-cert-v01@openssh.com");
}
#endif

static void test_time_text(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(cert_time_text(T_20250101, buf, sizeof(buf)), strlen("2025-01-01 00:00:00 UTC"));
	assert_string_equal(buf, "2025-01-01 00:00:00 UTC");
	cert_time_text(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01 00:00:00 UTC");
	cert_time_text(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "forever");
	cert_time_text(253402300799ULL, buf, sizeof(buf));
	assert_string_equal(buf, "9999-12-31 23:59:59 UTC");
	cert_time_text(253402300800ULL, buf, sizeof(buf));
	assert_string_equal(buf, "253402300800 seconds after 1970");
	cert_time_text(UINT64_MAX - 1, buf, sizeof(buf));
	assert_string_equal(buf, "18446744073709551614 seconds after 1970");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_user_fields),
#if T_FULL
		cmocka_unit_test(test_parse_every_type),
#endif
#if T_FULL
		cmocka_unit_test(test_certified_key_signs),
#endif
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_other_ca),
#if T_FULL
		cmocka_unit_test(test_rsa_ca_sha1),
#endif
		cmocka_unit_test(test_check_validity),
		cmocka_unit_test(test_check_principals),
		cmocka_unit_test(test_check_type),
		cmocka_unit_test(test_user_critical_options),
		cmocka_unit_test(test_host_critical_option),
		cmocka_unit_test(test_malformed),
#if T_FULL
		cmocka_unit_test(test_names),
#endif
		cmocka_unit_test(test_time_text),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

#else

T_LEFT_OUT_MAIN()

#endif
