/*
 * sshtun: OpenSSH certificates (PROTOCOL.certkeys): parsing, the CA's signature, the client's checks, and the
 * certificate algorithm names. Written from PROTOCOL.certkeys; the certified and CA keys go through
 * transport/pubkey.c like any key.
 */
#include "transport/cert.h"

#include "util/features.h"

/* Certificates: this whole file, left out with SSHTUN_CERT 0 (cert.h then answers "none" inline). */
#if SSHTUN_CERT

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "sshtun_err.h"
#include "util/features.h"
#include "util/log.h"
#include "util/match.h"
#include "util/wire.h"

#define CERT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char cert_suffix[] = "-cert-v01@openssh.com";

/* Largest time printed as a date: 9999-12-31 23:59:59 UTC. */
#define CERT_TIME_DATE_MAX 253402300799ULL

/*
 * The certificate key types: the blob's type name, the plain key type, and how the certified key's fields
 * follow the nonce (PROTOCOL.certkeys): nfields strings (Ed25519: pk; ECDSA: curve, Q) or mpints (RSA: e, n),
 * which are also the plain key blob's fields in the same order.
 */
static const struct cert_kind {
	const char *name;
	int pktype;
	int nfields;
	int mpints;
} cert_kinds[] = {
	{ "ssh-ed25519-cert-v01@openssh.com", PK_ED25519, 1, 0 },
#if SSHTUN_ECDSA
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", PK_ECDSA_P256, 2, 0 },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", PK_ECDSA_P384, 2, 0 },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", PK_ECDSA_P521, 2, 0 },
#endif
#if SSHTUN_RSA
	{ "ssh-rsa-cert-v01@openssh.com", PK_RSA, 2, 1 },
#endif
};

/* The certificate algorithms (HostKeyAlgorithms, KEXINIT, userauth), in OpenSSH's order, and what they sign as. */
static const struct cert_alg {
	const char *name;
	const char *plain;
	int pktype;
} cert_algs[] = {
	{ "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", PK_ED25519 },
#if SSHTUN_ECDSA
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256", PK_ECDSA_P256 },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384", PK_ECDSA_P384 },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521", PK_ECDSA_P521 },
#endif
#if SSHTUN_RSA
	{ "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-512", PK_RSA },
	{ "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-256", PK_RSA },
	{ "ssh-rsa-cert-v01@openssh.com", "ssh-rsa", PK_RSA },
#endif
};

static const char cert_alg_list[] = "ssh-ed25519-cert-v01@openssh.com"
#if SSHTUN_ECDSA
	",ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com"
	",ecdsa-sha2-nistp521-cert-v01@openssh.com"
#endif
#if SSHTUN_RSA
	",rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-rsa-cert-v01@openssh.com"
#endif
	;

static int name_is(const char *s, const void *name, size_t n)
{
	return strlen(s) == n && (n == 0 || memcmp(s, name, n) == 0);
}

static const struct cert_kind *kind_named(const void *name, size_t n)
{
	for (size_t i = 0; i < CERT_COUNT(cert_kinds); i++) {
		if (name_is(cert_kinds[i].name, name, n)) {
			return &cert_kinds[i];
		}
	}
	return NULL;
}

static const struct cert_alg *alg_named(const void *name, size_t n)
{
	for (size_t i = 0; i < CERT_COUNT(cert_algs); i++) {
		if (name_is(cert_algs[i].name, name, n)) {
			return &cert_algs[i];
		}
	}
	return NULL;
}

/* ---- names ---- */

int cert_is_name(const char *name, size_t n)
{
	size_t sl = sizeof(cert_suffix) - 1;

	return name && n > sl && memcmp(name + (n - sl), cert_suffix, sl) == 0;
}

int cert_sigalg_key_type(const char *certalg, size_t n)
{
	const struct cert_alg *a = certalg ? alg_named(certalg, n) : NULL;

	return a ? a->pktype : PK_NONE;
}

const char *cert_sigalg_plain(const char *certalg, size_t n)
{
	const struct cert_alg *a = certalg ? alg_named(certalg, n) : NULL;

	return a ? a->plain : NULL;
}

const char *cert_sigalg_from_plain(const char *plainalg, size_t n)
{
	if (!plainalg) {
		return NULL;
	}
	for (size_t i = 0; i < CERT_COUNT(cert_algs); i++) {
		if (name_is(cert_algs[i].plain, plainalg, n)) {
			return cert_algs[i].name;
		}
	}
	return NULL;
}

const char *cert_key_type_name(int pktype)
{
	for (size_t i = 0; i < CERT_COUNT(cert_kinds); i++) {
		if (cert_kinds[i].pktype == pktype) {
			return cert_kinds[i].name;
		}
	}
	return NULL;
}

const char *cert_sigalgs_supported(void)
{
	return cert_alg_list;
}

const char *cert_type_name(const struct cert *c)
{
	const char *s = c ? cert_key_type_name(c->key.type) : NULL;

	return s ? s : "unknown";
}

/* ---- parsing ---- */

/* Records view v (inside c->blob, as every view of cert_parse's reader is) as an offset and a length. */
static void set_off(const struct cert *c, const struct wire_view *v, uint32_t *off, uint32_t *len)
{
	*off = (uint32_t)(v->p - c->blob);
	*len = (uint32_t)v->n;
}

/* Byte-wise lexical order of two names: <0, 0, >0. */
static int name_cmp(const struct wire_view *a, const struct wire_view *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int d = n ? memcmp(a->p, b->p, n) : 0;

	if (d != 0) {
		return d;
	}
	return a->n < b->n ? -1 : a->n > b->n ? 1 : 0;
}

/*
 * A critical options or extensions list: (string name, string data) pairs, names without NUL, each name
 * after the one before in lexical order (so none repeats). Counts them into *count.
 */
static int parse_options(const struct wire_view *list, unsigned *count)
{
	struct wire_r r;
	struct wire_view prev = { NULL, 0 }, name, data;

	*count = 0;
	wire_r_init(&r, list->p, list->n);
	while (wire_left(&r) > 0) {
		wire_get_string(&r, &name);
		wire_get_string(&r, &data);
		if (wire_err(&r) || memchr(name.p, 0, name.n)) {
			return SSHTUN_ERR_BAD_FORMAT;
		}
		if (*count > 0 && name_cmp(&prev, &name) >= 0) {
			return SSHTUN_ERR_BAD_FORMAT;
		}
		prev = name;
		(*count)++;
	}
	return wire_end(&r) ? SSHTUN_ERR_BAD_FORMAT : 0;
}

/* The principals: strings without NUL, at most CERT_MAX_PRINCIPALS of them. */
static int parse_principals(const struct wire_view *list, unsigned *count)
{
	struct wire_r r;
	struct wire_view p;

	*count = 0;
	wire_r_init(&r, list->p, list->n);
	while (wire_left(&r) > 0) {
		if (wire_get_string(&r, &p) || memchr(p.p, 0, p.n)) {
			return SSHTUN_ERR_BAD_FORMAT;
		}
		if (++*count > CERT_MAX_PRINCIPALS) {
			return SSHTUN_ERR_LIMIT;
		}
	}
	return wire_end(&r) ? SSHTUN_ERR_BAD_FORMAT : 0;
}

/*
 * Reads the certified key's fields after the nonce and rebuilds the plain key blob from them ("string type,
 * fields"; mpints re-encoded minimally, which the reader already demanded), then parses it as a plain key.
 */
static int parse_key(struct cert *c, const struct cert_kind *kind, struct wire_r *r)
{
	uint8_t buf[PK_BLOB_MAX];
	struct wire_w w;
	struct wire_view v;

	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_cstring(&w, pubkey_type_name(kind->pktype));
	for (int i = 0; i < kind->nfields; i++) {
		if (kind->mpints) {
			wire_get_mpint(r, &v);
			wire_put_mpint(&w, v.p, v.n);
		} else {
			wire_get_string(r, &v);
			wire_put_string(&w, v.p, v.n);
		}
	}
	if (wire_err(r) || wire_w_err(&w)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	return pubkey_from_blob(&c->key, buf, w.len) == 0 ? 0 : SSHTUN_ERR_BAD_FORMAT;
}

/* The CA key: a plain key of a type we know; a certificate as CA (a chain) is malformed. */
static int parse_ca(struct cert *c, const struct wire_view *blob)
{
	struct wire_r r;
	struct wire_view type;
	int err;

	wire_r_init(&r, blob->p, blob->n);
	if (wire_get_string(&r, &type)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	if (cert_is_name((const char *)type.p, type.n)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	err = pubkey_from_blob(&c->ca, blob->p, blob->n);
	if (err == SSHTUN_ERR_NOT_SUPPORTED) {
		return err;
	}
	return err ? SSHTUN_ERR_BAD_FORMAT : 0;
}

/* The signature: string algorithm, string signature, nothing after. */
static int parse_sig(const struct wire_view *sig)
{
	struct wire_r r;
	struct wire_view alg, raw;

	wire_r_init(&r, sig->p, sig->n);
	wire_get_string(&r, &alg);
	wire_get_string(&r, &raw);
	return wire_end(&r) || memchr(alg.p, 0, alg.n) ? SSHTUN_ERR_BAD_FORMAT : 0;
}

static int parse(struct cert *c)
{
	const struct cert_kind *kind;
	struct wire_r r;
	struct wire_view type, nonce, key_id, princ, crit, ext, reserved, cakey, sig;
	uint32_t ctype = 0;
	int err;

	wire_r_init(&r, c->blob, c->bloblen);
	if (wire_get_string(&r, &type)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	kind = kind_named(type.p, type.n);
	if (!kind) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	wire_get_string(&r, &nonce);
	err = parse_key(c, kind, &r);
	if (err) {
		return err;
	}
	wire_get_u64(&r, &c->serial);
	wire_get_u32(&r, &ctype);
	wire_get_string(&r, &key_id);
	wire_get_string(&r, &princ);
	wire_get_u64(&r, &c->valid_after);
	wire_get_u64(&r, &c->valid_before);
	wire_get_string(&r, &crit);
	wire_get_string(&r, &ext);
	wire_get_string(&r, &reserved);
	wire_get_string(&r, &cakey);
	/* The CA signed everything up to here. */
	c->signed_len = (uint32_t)(c->bloblen - wire_left(&r));
	wire_get_string(&r, &sig);
	if (wire_end(&r)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	if (ctype != CERT_USER && ctype != CERT_HOST) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	c->type = (int)ctype;
	if (memchr(key_id.p, 0, key_id.n)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	set_off(c, &key_id, &c->key_id_off, &c->key_id_len);
	lg_sanitize(c->key_id, sizeof(c->key_id), key_id.p, key_id.n);
	err = parse_principals(&princ, &c->nprincipals);
	if (err) {
		return err;
	}
	set_off(c, &princ, &c->princ_off, &c->princ_len);
	if (parse_options(&crit, &c->ncritical) || parse_options(&ext, &c->nextensions)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	set_off(c, &crit, &c->crit_off, &c->crit_len);
	set_off(c, &ext, &c->ext_off, &c->ext_len);
	/* reserved: "currently unused and is ignored in this version of the protocol". */
	(void)reserved;
	(void)nonce;
	err = parse_ca(c, &cakey);
	if (err) {
		return err;
	}
	if (parse_sig(&sig)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	set_off(c, &sig, &c->sig_off, &c->sig_len);
	return 0;
}

int cert_parse(struct cert *c, const uint8_t *blob, size_t n)
{
	int err;

	if (!c || (!blob && n)) {
		return SSHTUN_ERR_INVAL;
	}
	memset(c, 0, sizeof(*c));
	if (n > CERT_BLOB_MAX) {
		return SSHTUN_ERR_TOO_LONG;
	}
	if (n) {
		memcpy(c->blob, blob, n);
	}
	c->bloblen = n;
	err = parse(c);
	if (err) {
		memset(c, 0, sizeof(*c));
	}
	return err;
}

/* ---- the views ---- */

/* A reader over the list at (off, len) of c->blob, advanced to pos. */
static void list_reader(const struct cert *c, uint32_t off, uint32_t len, size_t pos, struct wire_r *r)
{
	if ((size_t)off + len > c->bloblen) {
		wire_r_init(r, NULL, 0);
		return;
	}
	wire_r_init(r, c->blob + off, len);
	wire_skip(r, pos);
}

int cert_principal_next(const struct cert *c, size_t *pos, struct wire_view *name)
{
	struct wire_r r;

	if (!c || !pos || !name) {
		return 0;
	}
	list_reader(c, c->princ_off, c->princ_len, *pos, &r);
	if (wire_left(&r) == 0 || wire_get_string(&r, name)) {
		return 0;
	}
	*pos = c->princ_len - wire_left(&r);
	return 1;
}

int cert_has_principal(const struct cert *c, const char *name, size_t n)
{
	struct wire_view p;
	size_t pos = 0;

	if (!name) {
		return 0;
	}
	while (cert_principal_next(c, &pos, &p)) {
		if (p.n == n && (n == 0 || memcmp(p.p, name, n) == 0)) {
			return 1;
		}
	}
	return 0;
}

int cert_option_next(const struct cert *c, int which, size_t *pos, struct wire_view *name, struct wire_view *data)
{
	struct wire_r r;
	uint32_t off, len;

	if (!c || !pos || !name || !data) {
		return 0;
	}
	off = which == CERT_CRITICAL ? c->crit_off : c->ext_off;
	len = which == CERT_CRITICAL ? c->crit_len : c->ext_len;
	list_reader(c, off, len, *pos, &r);
	if (wire_left(&r) == 0) {
		return 0;
	}
	wire_get_string(&r, name);
	wire_get_string(&r, data);
	if (wire_err(&r)) {
		return 0;
	}
	*pos = len - wire_left(&r);
	return 1;
}

int cert_has_option(const struct cert *c, int which, const char *name, struct wire_view *data)
{
	struct wire_view nm, d;
	size_t pos = 0;

	if (!name) {
		return 0;
	}
	while (cert_option_next(c, which, &pos, &nm, &d)) {
		if (wire_view_eq(&nm, name)) {
			if (data) {
				*data = d;
			}
			return 1;
		}
	}
	return 0;
}

/* ---- text ---- */

/* An output line being built: always NUL-terminated; what does not fit is cut and marked with "...". */
struct line {
	char *p;
	size_t cap, len;
	int cut;
};

static void line_init(struct line *l, char *p, size_t cap)
{
	l->p = p;
	l->cap = p ? cap : 0;
	l->len = 0;
	l->cut = 0;
	if (l->cap) {
		p[0] = '\0';
	}
}

/* Appends n bytes; with sanitize, control and non-ASCII bytes become '?'. */
static void line_put(struct line *l, const void *s, size_t n, int sanitize)
{
	const unsigned char *b = s;

	for (size_t i = 0; i < n && !l->cut; i++) {
		unsigned char ch = b[i];

		if (l->len + 1 >= l->cap) {
			l->cut = 1;
			break;
		}
		if (sanitize && (ch < 0x20 || ch >= 0x7f)) {
			ch = '?';
		}
		l->p[l->len++] = (char)ch;
	}
	if (l->cap) {
		l->p[l->len] = '\0';
	}
}

static void line_str(struct line *l, const char *s)
{
	line_put(l, s, strlen(s), 0);
}

static void line_view(struct line *l, const struct wire_view *v)
{
	line_put(l, v->p, v->n, 1);
}

static size_t line_end(struct line *l)
{
	if (l->cut && l->len >= 3) {
		memcpy(l->p + l->len - 3, "...", 3);
	}
	return l->len;
}

size_t cert_time_text(uint64_t t, char *out, size_t outlen)
{
	struct line l;
	char buf[64];
	struct tm tm;
	time_t tt = (time_t)t;

	line_init(&l, out, outlen);
	if (t == UINT64_MAX) {
		line_str(&l, "forever");
	} else if (t > CERT_TIME_DATE_MAX || (uint64_t)tt != t || !gmtime_r(&tt, &tm) ||
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
		snprintf(buf, sizeof(buf), "%" PRIu64 " seconds after 1970", t);
		line_str(&l, buf);
	} else {
		line_str(&l, buf);
	}
	return line_end(&l);
}

static void principals_to(const struct cert *c, struct line *l)
{
	struct wire_view p;
	size_t pos = 0;
	int first = 1;

	while (cert_principal_next(c, &pos, &p)) {
		if (!first) {
			line_str(l, ", ");
		}
		line_view(l, &p);
		first = 0;
	}
	if (first) {
		line_str(l, "(none)");
	}
}

size_t cert_principals_text(const struct cert *c, char *out, size_t outlen)
{
	struct line l;

	line_init(&l, out, outlen);
	if (c) {
		principals_to(c, &l);
	}
	return line_end(&l);
}

size_t cert_options_text(const struct cert *c, int which, char *out, size_t outlen)
{
	struct line l;
	struct wire_view name, data, inner;
	struct wire_r r;
	size_t pos = 0;
	int first = 1;
	char buf[48];

	line_init(&l, out, outlen);
	while (c && cert_option_next(c, which, &pos, &name, &data)) {
		if (!first) {
			line_str(&l, ", ");
		}
		first = 0;
		line_view(&l, &name);
		if (data.n == 0) {
			continue;
		}
		wire_r_init(&r, data.p, data.n);
		wire_get_string(&r, &inner);
		if (wire_end(&r) == 0) {
			line_str(&l, " \"");
			line_view(&l, &inner);
			line_str(&l, "\"");
		} else {
			snprintf(buf, sizeof(buf), " (%zu bytes)", data.n);
			line_str(&l, buf);
		}
	}
	if (first) {
		line_str(&l, "(none)");
	}
	return line_end(&l);
}

/* ---- signatures ---- */

int cert_verify_ca(const struct cert *c, int allow_sha1)
{
	struct wire_r r;
	struct wire_view alg;
	char name[PK_NAME_MAX];

	if (!c || c->ca.type == PK_NONE || (size_t)c->sig_off + c->sig_len > c->bloblen ||
		c->signed_len > c->bloblen) {
		return SSHTUN_ERR_INVAL;
	}
	wire_r_init(&r, c->blob + c->sig_off, c->sig_len);
	if (wire_get_string(&r, &alg) || memchr(alg.p, 0, alg.n)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	if (alg.n >= sizeof(name)) {
		return SSHTUN_ERR_HOSTKEY_SIG;	/* no algorithm we know has so long a name */
	}
	memcpy(name, alg.p, alg.n);
	name[alg.n] = '\0';
	if (pubkey_sigalg_hash(name, alg.n) == CRY_SHA1 && !allow_sha1) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	/* pubkey_verify_alg also refuses an algorithm of another key type than the CA's. */
	return pubkey_verify_alg(&c->ca, name, c->blob + c->sig_off, c->sig_len, c->blob, c->signed_len);
}

int cert_verify(const struct cert *c, const char *certalg, const uint8_t *sig, size_t siglen, const uint8_t *data,
	size_t n)
{
	const struct cert_alg *a = NULL;

	if (!c || c->key.type == PK_NONE) {
		return SSHTUN_ERR_INVAL;
	}
	if (certalg) {
		a = alg_named(certalg, strlen(certalg));
		if (!a || a->pktype != c->key.type) {
			return SSHTUN_ERR_HOSTKEY_SIG;
		}
	}
	return pubkey_verify_alg(&c->key, a ? a->plain : NULL, sig, siglen, data, n);
}

/* ---- use ---- */

static const char *type_word(int type)
{
	return type == CERT_USER ? "user" : type == CERT_HOST ? "host" : "unknown";
}

/* 1 if name is one of the principals: for host certificates each principal is a glob pattern. */
static int principal_matches(const struct cert *c, int type, const char *name)
{
	struct wire_view p;
	size_t pos = 0, n = strlen(name);

	while (cert_principal_next(c, &pos, &p)) {
		if (type == CERT_HOST ? match_glob_n(name, n, (const char *)p.p, p.n, 0) :
			(p.n == n && (n == 0 || memcmp(p.p, name, n) == 0))) {
			return 1;
		}
	}
	return 0;
}

int cert_check(const struct cert *c, int type, const char *name, uint64_t now, char *why, size_t whylen)
{
	struct line l;
	struct wire_view opt, data;
	size_t pos = 0;
	char when[64];

	line_init(&l, why, whylen);
	if (!c || c->key.type == PK_NONE || (type != CERT_USER && type != CERT_HOST) || (type == CERT_HOST && !name)) {
		line_str(&l, "invalid arguments to the certificate check");
		line_end(&l);
		return SSHTUN_ERR_INVAL;
	}
	if (c->type != type) {
		line_str(&l, "certificate is a ");
		line_str(&l, type_word(c->type));
		line_str(&l, " certificate, not a ");
		line_str(&l, type_word(type));
		line_str(&l, " certificate");
		line_end(&l);
		return SSHTUN_ERR_HOSTKEY_SIG;
	}
	if (now < c->valid_after) {
		cert_time_text(c->valid_after, when, sizeof(when));
		line_str(&l, "certificate is not valid until ");
		line_str(&l, when);
		line_end(&l);
		return SSHTUN_ERR_HOSTKEY_SIG;
	}
	if (c->valid_before != UINT64_MAX && now >= c->valid_before) {
		cert_time_text(c->valid_before, when, sizeof(when));
		line_str(&l, "certificate expired on ");
		line_str(&l, when);
		line_end(&l);
		return SSHTUN_ERR_HOSTKEY_SIG;
	}
	if (type == CERT_HOST && c->nprincipals == 0) {
		line_str(&l, "host certificate names no principals (such a certificate is accepted for no host)");
		line_end(&l);
		return SSHTUN_ERR_HOSTKEY_SIG;
	}
	if (name && c->nprincipals > 0 && !principal_matches(c, type, name)) {
		line_str(&l, "principal \"");
		line_put(&l, name, strlen(name), 1);
		line_str(&l, "\" not in the certificate (it names: ");
		principals_to(c, &l);
		line_str(&l, ")");
		line_end(&l);
		return SSHTUN_ERR_HOSTKEY_SIG;
	}
	/* No critical option is defined for host certificates, and an unknown one makes a certificate unusable. */
	if (type == CERT_HOST && cert_option_next(c, CERT_CRITICAL, &pos, &opt, &data)) {
		line_str(&l, "host certificate has critical option \"");
		line_view(&l, &opt);
		line_str(&l, "\" (none is defined for host certificates)");
		line_end(&l);
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	return 0;
}

#endif /* SSHTUN_CERT */
