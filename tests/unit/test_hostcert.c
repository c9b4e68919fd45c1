/*
 * sshtun: tests for trusting host certificates in the ssh layer, against keys and certificates made by
 * ssh-keygen. First kh_check_ca (ssh/known_hosts.c): a @cert-authority line for the host names the CA
 * (KH_MATCH, with its file and line), another CA or a line for other hosts does not (KH_NOT_FOUND, never
 * KH_CHANGED), @revoked marks a CA (KH_REVOKED, whichever file or line order), and a plain entry holding the
 * CA's key does not make it a CA; kh_known_types names KH_PREFER_CERTS for the host. Then the whole decision
 * of conn_check_hostkey (ssh/hostkey.c) for a certificate the key exchange accepted: a trusted CA and a valid
 * certificate for the name are trusted; a wrong principal, an expired or not yet valid certificate, a user
 * certificate, one without principals, an altered one are refused; a revoked CA or certified key is refused
 * as revoked; a certificate from an untrusted CA is checked as the plain certified key (as ssh does).
 */
#include "tests/unit/testutil.h"
#include "util/features.h"

#include <stdio.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "ssh/config.h"
#include "ssh/conn_int.h"
#include "ssh/key.h"
#include "ssh/known_hosts.h"
#include "transport/cert.h"

/* Keys: CAs ca1, ca2 (Ed25519), ca3 (ECDSA P-256; Ed25519 in a build without ECDSA); the host key hk (Ed25519). */
enum { K_CA1, K_CA2, K_CA3, K_HK, K_COUNT };

static const char *const key_args[K_COUNT][2] = {
	{ "ca1", "-t ed25519" },
	{ "ca2", "-t ed25519" },
	{ "ca3", SSHTUN_ECDSA ? "-t ecdsa -b 256" : "-t ed25519" },	/* another type where the build has one */
	{ "hk", "-t ed25519" },
};

/* Certificates of hk, each made by ssh-keygen -s from a copy NAME.pub of hk.pub (so it writes NAME-cert.pub). */
enum { C_GOOD, C_OTHER_CA, C_EXPIRED, C_FUTURE, C_USER, C_NOPRINC, C_COUNT };

#if SSHTUN_CERT
static const struct {
	const char *name, *ca, *args;
} cert_args[C_COUNT] = {
	{ "good", "ca1", "-h -I good -n host.example.com,*.wild.test -V -1h:+1h" },
	{ "otherca", "ca2", "-h -I otherca -n host.example.com -V -1h:+1h" },
	{ "expired", "ca1", "-h -I expired -n host.example.com -V 20200101:20200102" },
	{ "future", "ca1", "-h -I future -n host.example.com -V +1d:+2d" },
	{ "user", "ca1", "-I user -n host.example.com -V -1h:+1h" },
	{ "noprinc", "ca1", "-h -I noprinc -V -1h:+1h" },
};
#endif

static struct {
	char dir[64];
	struct pubkey k[K_COUNT];
	char line[K_COUNT][1024];	/* "TYPE BASE64" of each key's .pub */
	struct cert c[C_COUNT];
} fx;

static void t_path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", fx.dir, name);
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (!fx.dir[0]) {
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.dir);
	fx.dir[0] = '\0';
	return system(cmd) == 0 ? 0 : -1;
}

/* Reads the "TYPE BASE64" part of a .pub line into out. */
static int read_pub_line(const char *path, char *out, size_t outlen)
{
	FILE *f = fopen(path, "r");
	char *sp;
	int ok = f && fgets(out, (int)outlen, f);

	if (f) {
		fclose(f);
	}
	if (!ok || !(sp = strchr(out, ' '))) {
		return -1;
	}
	sp += strcspn(sp + 1, " \r\n") + 1;
	*sp = '\0';
	return 0;
}

static int group_setup(void **state)
{
	char cmd[1024], p[160];

	(void)state;
	strcpy(fx.dir, "/tmp/sshtun-hostcert-XXXXXX");
	if (cry_init() != 0 || !mkdtemp(fx.dir)) {
		fx.dir[0] = '\0';
		return -1;
	}
	for (int i = 0; i < K_COUNT; i++) {
		snprintf(cmd, sizeof(cmd), "ssh-keygen -q %s -N '' -C %s -f %s/%s </dev/null >/dev/null", key_args[i][1],
			key_args[i][0], fx.dir, key_args[i][0]);
		snprintf(p, sizeof(p), "%s/%s.pub", fx.dir, key_args[i][0]);
		if (system(cmd) != 0 || key_load_public(&fx.k[i], p) != 0 || read_pub_line(p, fx.line[i], sizeof(fx.line[i])) != 0) {
			group_teardown(state);
			return -1;
		}
	}
#if SSHTUN_CERT	/* else no certificate is read: the tests of them skip */
	for (int i = 0; i < C_COUNT; i++) {
		snprintf(cmd, sizeof(cmd), "cd %s && cp hk.pub %s.pub && ssh-keygen -q -s %s %s %s.pub </dev/null >/dev/null 2>&1",
			fx.dir, cert_args[i].name, cert_args[i].ca, cert_args[i].args, cert_args[i].name);
		snprintf(p, sizeof(p), "%s/%s-cert.pub", fx.dir, cert_args[i].name);
		if (system(cmd) != 0 || key_load_cert(&fx.c[i], p) != 0 || !pubkey_equal(&fx.c[i].key, &fx.k[K_HK])) {
			group_teardown(state);
			return -1;
		}
	}
#endif
	return 0;
}

/* Writes text to dir/name; "%1" "%2" "%3" become the "TYPE BASE64" of ca1, ca2, ca3 and "%k" that of hk. */
static void write_kh(const char *name, const char *text)
{
	char p[128];
	FILE *f;

	t_path(p, sizeof(p), name);
	f = fopen(p, "w");
	assert_non_null(f);
	for (const char *s = text; *s; s++) {
		if (s[0] == '%' && s[1] >= '1' && s[1] <= '3') {
			fputs(fx.line[K_CA1 + s[1] - '1'], f);
			s++;
		} else if (s[0] == '%' && s[1] == 'k') {
			fputs(fx.line[K_HK], f);
			s++;
		} else {
			fputc(*s, f);
		}
	}
	assert_int_equal(fclose(f), 0);
}

/* kh_check_ca of key k for host:port on file name; returns the status, res filled. */
static int ca1(const char *name, const char *host, int port, int k, struct kh_result *res)
{
	char p[128];
	const char *files[1] = { p };

	t_path(p, sizeof(p), name);
	assert_int_equal(kh_check_ca(files, 1, host, port, &fx.k[k], res, NULL), 0);
	return res->status;
}

/* kh_check (a plain host key) of key k, likewise. */
static int plain1(const char *name, const char *host, int port, int k, struct kh_result *res)
{
	char p[128];
	const char *files[1] = { p };

	t_path(p, sizeof(p), name);
	assert_int_equal(kh_check(files, 1, host, port, &fx.k[k], res, NULL), 0);
	return res->status;
}

/* ---- kh_check_ca ---- */

/* A @cert-authority line for the host's domain: its CA matches (any case of the name); other CAs and hosts do not. */
static void test_ca_match(void **state)
{
	struct kh_result res;
	char p[128];

	(void)state;
	T_NEED(SSHTUN_CERT);
	write_kh("ca", "# CAs\n\n@cert-authority *.example.com %1 ca one\n");
	t_path(p, sizeof(p), "ca");
	assert_int_equal(ca1("ca", "host.example.com", 22, K_CA1, &res), KH_MATCH);
	assert_string_equal(res.file, p);
	assert_int_equal(res.line, 3);
	assert_int_equal(ca1("ca", "Host.EXAMPLE.com", 22, K_CA1, &res), KH_MATCH);
	assert_int_equal(ca1("ca", "host.example.com", 2222, K_CA1, &res), KH_NOT_FOUND);
	/* A different CA, of the same type or another: not found (not "changed": it just vouches for nothing here). */
	assert_int_equal(ca1("ca", "host.example.com", 22, K_CA2, &res), KH_NOT_FOUND);
	assert_int_equal(ca1("ca", "host.example.com", 22, K_CA3, &res), KH_NOT_FOUND);
	assert_int_equal(ca1("ca", "host.example.org", 22, K_CA1, &res), KH_NOT_FOUND);
	assert_int_equal(ca1("ca", "example.com", 22, K_CA1, &res), KH_NOT_FOUND);
	/* The host key itself is no CA. */
	assert_int_equal(ca1("ca", "host.example.com", 22, K_HK, &res), KH_NOT_FOUND);
}

/* Several CAs: each one for the hosts its line names. */
static void test_ca_several(void **state)
{
	struct kh_result res;

	(void)state;
	T_NEED(SSHTUN_CERT);
	write_kh("cas", "@cert-authority * %2\n@cert-authority *.example.com,10.0.0.? %3\n");
	assert_int_equal(ca1("cas", "host.example.com", 22, K_CA1, &res), KH_NOT_FOUND);
	assert_int_equal(ca1("cas", "host.example.com", 22, K_CA2, &res), KH_MATCH);
	assert_int_equal(res.line, 1);
	assert_int_equal(ca1("cas", "host.example.com", 22, K_CA3, &res), KH_MATCH);
	assert_int_equal(res.line, 2);
	assert_int_equal(ca1("cas", "10.0.0.7", 22, K_CA3, &res), KH_MATCH);
	assert_int_equal(ca1("cas", "10.0.0.77", 22, K_CA3, &res), KH_NOT_FOUND);
	assert_int_equal(ca1("cas", "other.org", 22, K_CA3, &res), KH_NOT_FOUND);
	assert_int_equal(ca1("cas", "other.org", 22, K_CA2, &res), KH_MATCH);
}

/* Host patterns of other hosts: negations, ports. */
static void test_ca_patterns(void **state)
{
	struct kh_result res;

	(void)state;
	T_NEED(SSHTUN_CERT);
	write_kh("pat",
		"@cert-authority !bad.example.com,*.example.com %1\n"
		"@cert-authority [gw.example.org]:2222 %2\n"
		"@cert-authority other.example.net %3\n");
	assert_int_equal(ca1("pat", "ok.example.com", 22, K_CA1, &res), KH_MATCH);
	assert_int_equal(ca1("pat", "bad.example.com", 22, K_CA1, &res), KH_NOT_FOUND);
	assert_int_equal(ca1("pat", "gw.example.org", 2222, K_CA2, &res), KH_MATCH);
	assert_int_equal(res.line, 2);
	assert_int_equal(ca1("pat", "gw.example.org", 22, K_CA2, &res), KH_NOT_FOUND);
	assert_int_equal(ca1("pat", "gw.example.org", 2223, K_CA2, &res), KH_NOT_FOUND);
	assert_int_equal(ca1("pat", "host.example.net", 22, K_CA3, &res), KH_NOT_FOUND);
	assert_int_equal(ca1("pat", "other.example.net", 22, K_CA3, &res), KH_MATCH);
}

/* @revoked marks a CA, before or after its @cert-authority line, in another file; only for the hosts it names. */
static void test_ca_revoked(void **state)
{
	struct kh_result res;
	char p1[128], p2[128], p3[128];
	const char *files[3] = { p1, p2, p3 };

	(void)state;
	T_NEED(SSHTUN_CERT);
	write_kh("rev_after", "@cert-authority * %1\n@revoked * %1\n");
	assert_int_equal(ca1("rev_after", "host.example.com", 22, K_CA1, &res), KH_REVOKED);
	assert_int_equal(res.line, 2);
	write_kh("rev_before", "@revoked * %1\n@cert-authority * %1\n@cert-authority * %2\n");
	assert_int_equal(ca1("rev_before", "host.example.com", 22, K_CA1, &res), KH_REVOKED);
	assert_int_equal(res.line, 1);
	assert_int_equal(ca1("rev_before", "host.example.com", 22, K_CA2, &res), KH_MATCH);
	/* Revoked without a @cert-authority line too (nothing trusts it, and nothing may). */
	write_kh("rev_only", "@revoked * %1\n");
	assert_int_equal(ca1("rev_only", "host.example.com", 22, K_CA1, &res), KH_REVOKED);
	/* Another key revoked (the host key, another CA): the CA stands. */
	write_kh("rev_other", "@revoked * %k\n@revoked * %2\n@cert-authority * %1\n");
	assert_int_equal(ca1("rev_other", "host.example.com", 22, K_CA1, &res), KH_MATCH);
	assert_int_equal(res.line, 3);
	/* A @revoked line for another host. */
	write_kh("rev_host", "@revoked other.example.com %1\n@cert-authority *.example.com %1\n");
	assert_int_equal(ca1("rev_host", "host.example.com", 22, K_CA1, &res), KH_MATCH);
	assert_int_equal(ca1("rev_host", "other.example.com", 22, K_CA1, &res), KH_REVOKED);
	/* Across files: trusted in the first, revoked in the last, a missing one between. */
	write_kh("trust", "@cert-authority *.example.com %1\n");
	write_kh("revoke", "# revoked CAs\n@revoked * %1\n");
	t_path(p1, sizeof(p1), "trust");
	t_path(p2, sizeof(p2), "no-such-file");
	t_path(p3, sizeof(p3), "revoke");
	assert_int_equal(kh_check_ca(files, 3, "host.example.com", 22, &fx.k[K_CA1], &res, NULL), 0);
	assert_int_equal(res.status, KH_REVOKED);
	assert_string_equal(res.file, p3);
	assert_int_equal(res.line, 2);
	assert_int_equal(kh_check_ca(files, 2, "host.example.com", 22, &fx.k[K_CA1], &res, NULL), 0);
	assert_int_equal(res.status, KH_MATCH);
	assert_string_equal(res.file, p1);
	/* Only missing files: not found; a file that cannot be read: an error (it might hold the @revoked line). */
	assert_int_equal(kh_check_ca(files + 1, 1, "host.example.com", 22, &fx.k[K_CA1], &res, NULL), 0);
	assert_int_equal(res.status, KH_NOT_FOUND);
	files[1] = fx.dir;
	assert_true(kh_check_ca(files, 2, "host.example.com", 22, &fx.k[K_CA1], &res, NULL) < 0);
}

/*
 * A plain entry for the host whose key is the CA's is a host key, not a CA: kh_check_ca does not count it, and
 * a @cert-authority line is no host key for kh_check.
 */
static void test_plain_entry_not_ca(void **state)
{
	struct kh_result res;

	(void)state;
	T_NEED(SSHTUN_CERT);
	write_kh("plain", "host.example.com %1\n*.example.com %2\n");
	assert_int_equal(ca1("plain", "host.example.com", 22, K_CA1, &res), KH_NOT_FOUND);
	assert_int_equal(ca1("plain", "host.example.com", 22, K_CA2, &res), KH_NOT_FOUND);
	assert_int_equal(plain1("plain", "host.example.com", 22, K_CA1, &res), KH_MATCH);
	write_kh("mixed", "host.example.com %k\n@cert-authority * %1\n");
	assert_int_equal(ca1("mixed", "host.example.com", 22, K_CA1, &res), KH_MATCH);
	assert_int_equal(res.line, 2);
	assert_int_equal(ca1("mixed", "host.example.com", 22, K_HK, &res), KH_NOT_FOUND);
	assert_int_equal(plain1("mixed", "host.example.com", 22, K_HK, &res), KH_MATCH);
	assert_int_equal(res.line, 1);
	assert_int_equal(plain1("mixed", "host.example.com", 22, K_CA1, &res), KH_CHANGED);
	assert_int_equal(plain1("mixed", "other.example.com", 22, K_CA1, &res), KH_NOT_FOUND);
}

/* kh_known_types: KH_PREFER_CERTS when a @cert-authority line names the host, in the order first seen; not for @revoked. */
static void test_known_types(void **state)
{
	char p[128], out[256];
	const char *files[1] = { p };

	(void)state;
	T_NEED(SSHTUN_CERT);
	write_kh("types", "host.example.com %k\n@cert-authority *.example.com %1\n@cert-authority *.example.com %3\n"
		"@revoked other.example.org %2\n");
	t_path(p, sizeof(p), "types");
	assert_int_equal(kh_known_types(files, 1, "host.example.com", 22, out, sizeof(out)), 0);
	assert_string_equal(out, "ssh-ed25519," KH_PREFER_CERTS);
	assert_int_equal(kh_known_types(files, 1, "ca.example.com", 22, out, sizeof(out)), 0);
	assert_string_equal(out, KH_PREFER_CERTS);
	assert_int_equal(kh_known_types(files, 1, "other.example.org", 22, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

/* ---- conn_check_hostkey: the decision on a host certificate ---- */

struct decision {
	int r;			/* conn_check_hostkey's return */
	int trusted;		/* h->have_hostkey, and h->hostkey is the certified key */
	char why[768];		/* h->errtext */
};

/*
 * conn_check_hostkey for certificate c (its certified key and itself, as the key exchange hands them over) on a
 * handle for hostname:port (HostKeyAlias alias if not NULL) with known_hosts file kh, StrictHostKeyChecking yes
 * (nothing asked, nothing learnt).
 */
static struct decision decide_key(const char *kh, const char *hostname, int port, const char *alias,
	const struct pubkey *key, const struct cert *c)
{
	struct sshtun *h = calloc(1, sizeof(*h));
	struct decision d;
	char p[128];

	assert_non_null(h);
	cfg_init(&h->cfg);
	t_path(p, sizeof(p), kh);
	h->cfg.hostname = strdup(hostname);
	h->cfg.port = port;
	h->cfg.host_key_alias = alias ? strdup(alias) : NULL;
	h->cfg.user_known_hosts[0] = strdup(p);
	h->cfg.n_user_known_hosts = 1;
	h->cfg.strict_host_key_checking = CFG_STRICT_YES;
	h->cfg.required_rsa_size = 2048;
	assert_non_null(h->cfg.hostname);
	assert_non_null(h->cfg.user_known_hosts[0]);
	memset(&d, 0, sizeof(d));
	d.r = conn_check_hostkey(h, key, c);
	d.trusted = h->have_hostkey && pubkey_equal(&h->hostkey, key);
	snprintf(d.why, sizeof(d.why), "%s", h->errtext);
	cfg_free(&h->cfg);
	free(h);
	return d;
}

static struct decision decide(const char *kh, const char *hostname, int port, const char *alias, const struct cert *c)
{
	return decide_key(kh, hostname, port, alias, &c->key, c);
}

static void expect_trusted(struct decision d)
{
	assert_int_equal(d.r, 0);
	assert_true(d.trusted);
	assert_string_equal(d.why, "");
}

static void expect_refused(struct decision d, int err, const char *why)
{
	assert_int_equal(d.r, err);
	assert_false(d.trusted);
	if (!strstr(d.why, why)) {
		fail_msg("\"%s\" does not say \"%s\"", d.why, why);
	}
}

/* A trusted CA and a valid host certificate for the name (as typed in any case, a wildcard principal, HostKeyAlias). */
static void test_decide_trusted(void **state)
{
	(void)state;
	T_NEED(SSHTUN_CERT);
	write_kh("d_ca", "@cert-authority *.example.com,*.wild.test %1\n@cert-authority [host.example.com]:2222 %1\n");
	expect_trusted(decide("d_ca", "host.example.com", 22, NULL, &fx.c[C_GOOD]));
	expect_trusted(decide("d_ca", "HOST.Example.com", 22, NULL, &fx.c[C_GOOD]));
	expect_trusted(decide("d_ca", "a.wild.test", 22, NULL, &fx.c[C_GOOD]));
	expect_trusted(decide("d_ca", "host.example.com", 2222, NULL, &fx.c[C_GOOD]));
	expect_trusted(decide("d_ca", "192.0.2.1", 22, "host.example.com", &fx.c[C_GOOD]));
}

/* A trusted CA, but the certificate does not cover this use: refused with the reason, not checked as a plain key. */
static void test_decide_cert_refused(void **state)
{
	static struct cert bad_cert;
	static uint8_t blob[CERT_BLOB_MAX];
	struct cert *bad = &bad_cert;
	const struct cert *good = &fx.c[C_GOOD];

	(void)state;
	T_NEED(SSHTUN_CERT);
	write_kh("d_all", "@cert-authority * %1\n");
	/* A name the certificate does not hold (the CA line would cover it). */
	expect_refused(decide("d_all", "other.example.com", 22, NULL, good), SSHTUN_ERR_HOSTKEY_UNKNOWN,
		"principal \"other.example.com\" not in the certificate");
	expect_refused(decide("d_all", "b.a.wild.test.org", 22, NULL, good), SSHTUN_ERR_HOSTKEY_UNKNOWN, "principal");
	/* HostKeyAlias is the name checked, not the host name. */
	expect_refused(decide("d_all", "host.example.com", 22, "alias.example.com", good), SSHTUN_ERR_HOSTKEY_UNKNOWN,
		"principal \"alias.example.com\"");
	expect_refused(decide("d_all", "host.example.com", 22, NULL, &fx.c[C_EXPIRED]), SSHTUN_ERR_HOSTKEY_UNKNOWN,
		"certificate expired on 2020-01-02");
	expect_refused(decide("d_all", "host.example.com", 22, NULL, &fx.c[C_FUTURE]), SSHTUN_ERR_HOSTKEY_UNKNOWN,
		"certificate is not valid until");
	expect_refused(decide("d_all", "host.example.com", 22, NULL, &fx.c[C_USER]), SSHTUN_ERR_HOSTKEY_UNKNOWN,
		"user certificate, not a host certificate");
	expect_refused(decide("d_all", "host.example.com", 22, NULL, &fx.c[C_NOPRINC]), SSHTUN_ERR_HOSTKEY_UNKNOWN,
		"names no principals");
	/* Altered after signing (a byte of its key id): the CA's signature does not verify. */
	assert_true(good->key_id_len > 0);
	memcpy(blob, good->blob, good->bloblen);
	blob[good->key_id_off] ^= 0x01;
	assert_int_equal(cert_parse(bad, blob, good->bloblen), 0);
	assert_string_not_equal(bad->key_id, good->key_id);
	expect_refused(decide("d_all", "host.example.com", 22, NULL, bad), SSHTUN_ERR_HOSTKEY_UNKNOWN,
		"its CA signature does not verify");
}

/* A revoked CA, or a revoked certified key: refused as revoked, whatever else the file says. */
static void test_decide_revoked(void **state)
{
	(void)state;
	T_NEED(SSHTUN_CERT);
	write_kh("d_rev_ca", "@cert-authority * %1\nhost.example.com %k\n@revoked * %1\n");
	expect_refused(decide("d_rev_ca", "host.example.com", 22, NULL, &fx.c[C_GOOD]), SSHTUN_ERR_HOSTKEY_CHANGED,
		"is marked revoked");
	write_kh("d_rev_key", "@cert-authority * %1\n@revoked * %k\n");
	expect_refused(decide("d_rev_key", "host.example.com", 22, NULL, &fx.c[C_GOOD]), SSHTUN_ERR_HOSTKEY_CHANGED,
		"marked revoked");
}

/*
 * No @cert-authority line trusts the certificate's CA (another CA is trusted, or one for other hosts only): the
 * certified key is checked as a plain key, as ssh does: unknown with StrictHostKeyChecking yes, trusted if a
 * plain entry holds it, changed if one holds another key of its type.
 */
static void test_decide_untrusted_ca(void **state)
{
	(void)state;
	T_NEED(SSHTUN_CERT);
	write_kh("d_other", "@cert-authority * %2\n@cert-authority *.example.org %1\n");
	expect_refused(decide("d_other", "host.example.com", 22, NULL, &fx.c[C_GOOD]), SSHTUN_ERR_HOSTKEY_UNKNOWN,
		"is not known");
	expect_refused(decide("d_other", "host.example.com", 22, NULL, &fx.c[C_EXPIRED]), SSHTUN_ERR_HOSTKEY_UNKNOWN,
		"is not known");
	write_kh("d_none", "");
	expect_refused(decide("d_none", "host.example.com", 22, NULL, &fx.c[C_OTHER_CA]), SSHTUN_ERR_HOSTKEY_UNKNOWN,
		"is not known");
	write_kh("d_plain", "@cert-authority * %1\nhost.example.com %k\n");
	expect_trusted(decide("d_plain", "host.example.com", 22, NULL, &fx.c[C_OTHER_CA]));
	write_kh("d_changed", "@cert-authority * %1\nhost.example.com %2\n");
	expect_refused(decide("d_changed", "host.example.com", 22, NULL, &fx.c[C_OTHER_CA]), SSHTUN_ERR_HOSTKEY_CHANGED,
		"has changed");
}

/*
 * A host whose only known_hosts entries are @cert-authority lines, offering its plain host key: never trusted, even
 * where the line's CA key is the host key itself. With certificates such a line is no entry for a plain key (unknown,
 * as with ssh); a build without them (SSHTUN_CERT 0) skips the lines, and its message names the first one
 * (file:line) and says that this build cannot use it, so that the user sees why the host is not known.
 */
static void test_ca_line_alone(void **state)
{
	struct kh_result res;
	struct decision d;
	char where[160];

	(void)state;
	write_kh("d_ca_only", "# CAs only\n@cert-authority *.example.com %1\n@cert-authority host.example.com %k\n");
	assert_int_equal(plain1("d_ca_only", "host.example.com", 22, K_HK, &res), KH_NOT_FOUND);
	assert_int_equal(res.ca_unused, !SSHTUN_CERT);
	t_path(where, sizeof(where), "d_ca_only:2");
	if (!SSHTUN_CERT) {
		assert_int_equal(res.line, 2);
		assert_non_null(strstr(where, res.file));
	}
	d = decide_key("d_ca_only", "host.example.com", 22, NULL, &fx.k[K_HK], NULL);
	expect_refused(d, SSHTUN_ERR_HOSTKEY_UNKNOWN, "is not known");
	if (!SSHTUN_CERT && (!strstr(d.why, "this build of sshtun cannot use the @cert-authority line at ") ||
			     !strstr(d.why, where))) {
		fail_msg("\"%s\" does not name the @cert-authority line %s", d.why, where);
	}
	assert_true(SSHTUN_CERT == !strstr(d.why, "@cert-authority"));
	/* Lines for other hosts are not mentioned. */
	assert_int_equal(plain1("d_ca_only", "other.example.org", 22, K_HK, &res), KH_NOT_FOUND);
	assert_int_equal(res.ca_unused, 0);
	/* A plain entry for the host still decides, beside a @cert-authority line. */
	write_kh("d_ca_plain", "@cert-authority * %1\nhost.example.com %k\n");
	expect_trusted(decide_key("d_ca_plain", "host.example.com", 22, NULL, &fx.k[K_HK], NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ca_match),
		cmocka_unit_test(test_ca_several),
		cmocka_unit_test(test_ca_patterns),
		cmocka_unit_test(test_ca_revoked),
		cmocka_unit_test(test_plain_entry_not_ca),
		cmocka_unit_test(test_known_types),
		cmocka_unit_test(test_decide_trusted),
		cmocka_unit_test(test_decide_cert_refused),
		cmocka_unit_test(test_decide_revoked),
		cmocka_unit_test(test_decide_untrusted_ca),
		cmocka_unit_test(test_ca_line_alone),
	};

	/* A fuzzing build's Ed25519 verification is a fixed value: the CA signature checks would mean nothing. */
	if (cry_init() != 0 || cry_fixed_for_fuzzing()) {
		print_message("test_hostcert: skipped (fuzzing build: fixed-value crypto)\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
