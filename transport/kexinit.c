/* sshtun: KEXINIT messages and algorithm negotiation (RFC 4253 7.1, RFC 8308 2.1, strict kex). */
#include <stdio.h>
#include <string.h>

#include "sshtun_err.h"
#include "transport/cert.h"
#include "transport/tp_int.h"
#include "util/match.h"

/* OpenSSH 10's client order: post-quantum hybrids first; names this build lacks drop out when resolved. */
#define KEX_DEFAULT "mlkem768x25519-sha256,sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com," \
	"curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521," \
	"diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512," \
	"diffie-hellman-group14-sha256"
/*
 * OpenSSH's default order, certificates first; names this build lacks drop out when the list is resolved.
 * ssh-rsa (SHA-1) and its certificate only on request.
 */
#define HOSTKEY_DEFAULT "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com," \
	"rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com," \
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256"
/* OpenSSH's default order; names this build lacks (SSHTUN_CTR 0) drop out when the list is resolved. */
#define CIPHER_DEFAULT "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com," \
	"aes128-ctr,aes192-ctr,aes256-ctr"
/*
 * OpenSSH 10's client order without hmac-sha1-etm@openssh.com and hmac-sha1, which it still offers: SHA-1 only
 * when the MACs setting names it (as ssh-rsa for host keys). Used only beside a CTR cipher; an AEAD cipher's MAC
 * is its own (RFC 5647 5.1, PROTOCOL 1.6).
 */
#define MAC_DEFAULT "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com," \
	"hmac-sha2-512-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512"
/* As ssh: Compression yes asks for zlib@openssh.com first, no for none first (a server may still insist). */
#define COMP_YES "zlib@openssh.com,zlib,none"
#define COMP_NO "none,zlib@openssh.com,zlib"
#define EXT_INFO_C "ext-info-c"
#define STRICT_C "kex-strict-c-v00@openssh.com"
#define STRICT_S "kex-strict-s-v00@openssh.com"

enum { LIST_MAX = 1024 };

static int listed(const char *list, const char *name, size_t n)
{
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		if (len == n && memcmp(p, name, n) == 0) {
			return 1;
		}
		p += len;
		if (*p == ',') {
			p++;
		}
	}
	return 0;
}

int tp_alglist_has(const char *list, const char *name)
{
	return listed(list, name, strlen(name));
}

/* Appends name to out (comma-separated) unless already there. */
static int append(char *out, size_t outlen, const char *name, size_t n)
{
	size_t cur = strlen(out);

	if (listed(out, name, n)) {
		return 0;
	}
	if (cur + (cur ? 1 : 0) + n + 1 > outlen) {
		return SSHTUN_ERR_TOO_LONG;
	}
	if (cur) {
		out[cur++] = ',';
	}
	memcpy(out + cur, name, n);
	out[cur + n] = '\0';
	return 0;
}

/* 1 if name matches any of the comma-separated patterns. */
static int matches_any(const char *patterns, const char *name, size_t n)
{
	const char *p = patterns;

	while (*p) {
		size_t len = strcspn(p, ",");
		if (match_glob_n(name, n, p, len, 0)) {
			return 1;
		}
		p += len + (p[len] == ',');
	}
	return 0;
}

/*
 * Resolves an ssh_config algorithm spec against our defaults: "+list" appends,
 * "-patterns" removes, "^list" prepends, a plain list replaces. Names we do not
 * implement are dropped; an empty result is SSHTUN_ERR_KEX_NOMATCH.
 */
int tp_alglist_resolve(const char *spec, const char *defaults, const char *supported, char *out, size_t outlen)
{
	char tmp[LIST_MAX];
	const char *p;
	int r = 0;

	out[0] = '\0';
	if (!spec || !*spec) {
		spec = defaults;
	}
	if (spec[0] == '-') {
		p = defaults;
		while (*p && r == 0) {
			size_t len = strcspn(p, ",");
			/* The defaults name what a full build has: what this one lacks (SSHTUN_CERT 0, ...) drops out here too. */
			if (!matches_any(spec + 1, p, len) && listed(supported, p, len)) {
				r = append(out, outlen, p, len);
			}
			p += len + (p[len] == ',');
		}
		return r ? r : (out[0] ? 0 : SSHTUN_ERR_KEX_NOMATCH);
	}
	tmp[0] = '\0';
	if (spec[0] == '^') {
		r = snprintf(tmp, sizeof(tmp), "%s,%s", spec + 1, defaults) >= (int)sizeof(tmp) ? SSHTUN_ERR_TOO_LONG : 0;
	} else if (spec[0] == '+') {
		r = snprintf(tmp, sizeof(tmp), "%s,%s", defaults, spec + 1) >= (int)sizeof(tmp) ? SSHTUN_ERR_TOO_LONG : 0;
	} else {
		r = snprintf(tmp, sizeof(tmp), "%s", spec) >= (int)sizeof(tmp) ? SSHTUN_ERR_TOO_LONG : 0;
	}
	p = tmp;
	while (*p && r == 0) {
		size_t len = strcspn(p, ",");
		if (len && listed(supported, p, len)) {
			r = append(out, outlen, p, len);
		}
		p += len + (p[len] == ',');
	}
	return r ? r : (out[0] ? 0 : SSHTUN_ERR_KEX_NOMATCH);
}

static void supported_ciphers(char *out, size_t outlen)
{
	out[0] = '\0';
	for (size_t i = 0; cry_ciphers[i]; i++) {
		append(out, outlen, cry_ciphers[i]->name, strlen(cry_ciphers[i]->name));
	}
}

static void supported_macs(char *out, size_t outlen)
{
	out[0] = '\0';
	for (size_t i = 0; cry_macs[i]; i++) {
		append(out, outlen, cry_macs[i]->name, strlen(cry_macs[i]->name));
	}
}

static void supported_kex(char *out, size_t outlen)
{
	out[0] = '\0';
	for (size_t i = 0; tp_kex_algs[i]; i++) {
		append(out, outlen, tp_kex_algs[i]->name, strlen(tp_kex_algs[i]->name));
	}
}

int tp_supported(const char *kind, char *out, size_t outlen)
{
	char buf[LIST_MAX];

	if (outlen == 0) {
		return SSHTUN_ERR_INVAL;
	}
	out[0] = '\0';
	if (strcmp(kind, "kex") == 0) {
		supported_kex(out, outlen);
	} else if (strcmp(kind, "cipher") == 0) {
		supported_ciphers(out, outlen);
	} else if (strcmp(kind, "mac") == 0) {
		supported_macs(out, outlen);
	} else if (strcmp(kind, "compression") == 0) {
		for (size_t i = 0; tp_comp_algs[i]; i++) {
			append(out, outlen, tp_comp_algs[i]->name, strlen(tp_comp_algs[i]->name));
		}
	} else if (strcmp(kind, "sig") == 0 || strcmp(kind, "HostKeyAlgorithms") == 0 ||
		   strcmp(kind, "PubkeyAcceptedAlgorithms") == 0) {
		/* No comma before an empty certificate list (SSHTUN_CERT 0): -Q sig would show an empty name. */
		snprintf(buf, sizeof(buf), "%s%s%s", pubkey_sigalgs_supported(), SSHTUN_CERT ? "," : "",
			cert_sigalgs_supported());
		append(out, outlen, buf, strlen(buf));
	} else if (strcmp(kind, "key") == 0 || strcmp(kind, "key-plain") == 0 || strcmp(kind, "key-cert") == 0) {
		for (int t = PK_NONE + 1; t <= PK_SK_ECDSA; t++) {
			const char *plain = pubkey_type_name(t), *cert = cert_key_type_name(t);

			if (strcmp(plain, "unknown") == 0) {
				continue;
			}
			if (strcmp(kind, "key-cert") != 0) {
				append(out, outlen, plain, strlen(plain));
			}
			if (strcmp(kind, "key-plain") != 0 && cert) {
				append(out, outlen, cert, strlen(cert));
			}
		}
	} else {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	return 0;
}

/*
 * With the default list, as ssh does: the algorithms of the key types that known_hosts already holds for this
 * host (cfg.hostkey_prefer, key type names) go first, each group in the default order, so a host known by its
 * ECDSA key is asked for that key and not refused as "changed" under another type.
 */
static void prefer_known(const char *prefer, char *list, size_t len)
{
	char first[LIST_MAX] = "", rest[LIST_MAX] = "";
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");
		const char *type = pubkey_type_name(pubkey_sigalg_key_type(p, n));
		/* A @cert-authority line for the host: the certificate algorithms first (ssh's order_hostkeyalgs). */
		int want = cert_is_name(p, n) ? listed(prefer, KH_PREFER_CERTS, strlen(KH_PREFER_CERTS)) :
			listed(prefer, type, strlen(type));

		if (want) {
			append(first, sizeof(first), p, n);
		} else {
			append(rest, sizeof(rest), p, n);
		}
		p += n + (p[n] == ',');
	}
	if (first[0] && rest[0]) {
		append(first, sizeof(first), rest, strlen(rest));
	}
	if (first[0] && strlen(first) < len) {
		memcpy(list, first, strlen(first) + 1);
	}
}

/* One setting's list against what this build has: out, or the reason logged and an error. */
static int resolve_one(const struct tp *tp, const char *opt, const char *spec, const char *defaults, const char *sup,
	char *out, size_t len)
{
	int r = tp_alglist_lacking(tp->log, opt, spec, tp_alglist_resolve(spec, defaults, sup, out, len));

	if (r != 0 && r != SSHTUN_ERR_NOT_SUPPORTED) {
		LG_E(tp->log, "%s: none of \"%s\" is supported (sshtun has: %s)", opt, spec ? spec : defaults, sup);
	}
	return r;
}

static int our_lists(struct tp *tp, char *kex, char *ciphers, char *hostkeys, char *macs, size_t len)
{
	char sup[LIST_MAX];
	int r;

	supported_kex(sup, sizeof(sup));
	if ((r = resolve_one(tp, "KexAlgorithms", tp->cfg.kex_algorithms, KEX_DEFAULT, sup, kex, len)) != 0) {
		return r;
	}
	supported_ciphers(sup, sizeof(sup));
	if ((r = resolve_one(tp, "Ciphers", tp->cfg.ciphers, CIPHER_DEFAULT, sup, ciphers, len)) != 0) {
		return r;
	}
	supported_macs(sup, sizeof(sup));
	if (!sup[0]) {
		/* No cipher of this build needs a MAC (no aes*-ctr): the list is empty, as an AEAD cipher ignores it. */
		macs[0] = '\0';
		(void)tp_alglist_lacking(tp->log, "MACs", tp->cfg.macs, 0);
	} else if ((r = resolve_one(tp, "MACs", tp->cfg.macs, MAC_DEFAULT, sup, macs, len)) != 0) {
		return r;
	}
	snprintf(sup, sizeof(sup), "%s%s%s", cert_sigalgs_supported(), SSHTUN_CERT ? "," : "",
		pubkey_sigalgs_supported());
	if ((r = resolve_one(tp, "HostKeyAlgorithms", tp->cfg.hostkey_algorithms, HOSTKEY_DEFAULT, sup, hostkeys,
		len)) != 0) {
		return r;
	}
	if (!tp->cfg.hostkey_algorithms && tp->cfg.hostkey_prefer) {
		prefer_known(tp->cfg.hostkey_prefer, hostkeys, len);
	}
	return 0;
}

/* Our compression list, without the methods this build leaves out. */
static const char *comp_list(const struct tp *tp)
{
	return tp_comp_find("zlib", 4) ? (tp->cfg.compression ? COMP_YES : COMP_NO) : "none";
}

int tp_kexinit_build(struct tp *tp, struct wire_w *w)
{
	char kex[LIST_MAX], ciphers[LIST_MAX], hostkeys[LIST_MAX], macs[LIST_MAX];
	uint8_t cookie[16];
	int r = our_lists(tp, kex, ciphers, hostkeys, macs, sizeof(kex) - 64);

	if (r != 0) {
		return r;
	}
	/* The pseudo-algorithms go into the first KEXINIT only. */
	if (tp->kex_count == 0) {
		strcat(kex, "," EXT_INFO_C "," STRICT_C);
	}
	cry_random(cookie, sizeof(cookie));
	wire_w_reset(w);
	wire_put_u8(w, SSH_MSG_KEXINIT);
	wire_put_raw(w, cookie, sizeof(cookie));
	wire_put_namelist(w, kex);
	wire_put_namelist(w, hostkeys);
	wire_put_namelist(w, ciphers);
	wire_put_namelist(w, ciphers);
	wire_put_namelist(w, macs);
	wire_put_namelist(w, macs);
	wire_put_namelist(w, comp_list(tp));
	wire_put_namelist(w, comp_list(tp));
	wire_put_namelist(w, "");
	wire_put_namelist(w, "");
	wire_put_bool(w, 0);
	wire_put_u32(w, 0);
	return wire_w_err(w);
}

/* The first name in ours (comma-separated) that the server's list has; NULL if none (RFC 4253 7.1). */
static const char *pick(const char *ours, const struct wire_view *theirs, char *buf, size_t buflen)
{
	const char *p = ours;

	while (*p) {
		size_t len = strcspn(p, ",");
		size_t pos = 0;
		struct wire_view nm;

		while (wire_namelist_next(theirs, &pos, &nm)) {
			if (nm.n == len && memcmp(nm.p, p, len) == 0 && len < buflen) {
				memcpy(buf, p, len);
				buf[len] = '\0';
				return buf;
			}
		}
		p += len + (p[len] == ',');
	}
	return NULL;
}

static int first_name_is(const struct wire_view *list, const char *name)
{
	size_t pos = 0;
	struct wire_view nm;

	return wire_namelist_next(list, &pos, &nm) && wire_view_eq(&nm, name);
}

/*
 * The MAC of a direction whose cipher is c: none with an AEAD cipher, whatever the lists say (its tag is its
 * MAC); else the first of ours the server's list has, which must exist.
 */
static int pick_mac(struct tp *tp, const struct cry_cipher *c, const char *ours, const struct wire_view *theirs,
	const struct cry_mac **out)
{
	char name[WIRE_MAX_NAME + 1];

	*out = NULL;
	if (c->crypt == NULL) {
		return 0;
	}
	if (!pick(ours, theirs, name, sizeof(name)) || !(*out = cry_mac_find(name, strlen(name)))) {
		char sv[LIST_MAX];

		lg_sanitize(sv, sizeof(sv), theirs->p, theirs->n);
		LG_E(tp->log, "no MAC in common for %s: the server offers %s, we offer %s", c->name, sv, ours);
		return SSHTUN_ERR_KEX_NOMATCH;
	}
	return 0;
}

int tp_kexinit_negotiate(struct tp *tp, const uint8_t *peer, size_t len, struct tp_choice *out)
{
	struct wire_r r;
	struct wire_view lists[10];
	uint8_t type = 0;
	uint32_t reserved = 0;
	int follows = 0;
	char kex[LIST_MAX], ciphers[LIST_MAX], hostkeys[LIST_MAX], macs[LIST_MAX], name[WIRE_MAX_NAME + 1];
	int e;

	memset(out, 0, sizeof(*out));
	wire_r_init(&r, peer, len);
	wire_get_u8(&r, &type);
	wire_skip(&r, 16);
	for (int i = 0; i < 10; i++) {
		wire_get_namelist(&r, &lists[i]);
	}
	wire_get_bool(&r, &follows);
	wire_get_u32(&r, &reserved);
	if ((e = wire_end(&r)) != 0 || type != SSH_MSG_KEXINIT) {
		LG_E(tp->log, "server sent a malformed KEXINIT (%s)", sshtun_strerror(e ? e : SSHTUN_ERR_BAD_FORMAT));
		return e ? e : SSHTUN_ERR_BAD_FORMAT;
	}
	if ((e = our_lists(tp, kex, ciphers, hostkeys, macs, sizeof(kex))) != 0) {
		return e;
	}
	if (!pick(kex, &lists[0], name, sizeof(name)) || !(out->kex = tp_kex_find(name, strlen(name)))) {
		char theirs[LIST_MAX];

		lg_sanitize(theirs, sizeof(theirs), lists[0].p, lists[0].n);
		LG_E(tp->log, "no key exchange method in common: the server offers %s, we offer %s", theirs, kex);
		return SSHTUN_ERR_KEX_NOMATCH;
	}
	if (!pick(hostkeys, &lists[1], out->hostkey, sizeof(out->hostkey))) {
		char theirs[LIST_MAX];

		lg_sanitize(theirs, sizeof(theirs), lists[1].p, lists[1].n);
		LG_E(tp->log, "no host key algorithm in common: the server offers %s, we accept %s%s", theirs, hostkeys,
			strstr(theirs, "ssh-rsa") && !strstr(hostkeys, "ssh-rsa") ?
			" (ssh-rsa signs with SHA-1; allow it with HostKeyAlgorithms=+ssh-rsa only if the server cannot be updated)" : "");
		return SSHTUN_ERR_KEX_NOMATCH;
	}
	if (!pick(ciphers, &lists[2], name, sizeof(name)) || !(out->enc_c2s = cry_cipher_find(name, strlen(name))) ||
	    !pick(ciphers, &lists[3], name, sizeof(name)) || !(out->enc_s2c = cry_cipher_find(name, strlen(name)))) {
		char theirs[LIST_MAX];

		lg_sanitize(theirs, sizeof(theirs), out->enc_c2s ? lists[3].p : lists[2].p, out->enc_c2s ? lists[3].n : lists[2].n);
		LG_E(tp->log, "no cipher in common: the server offers %s, we offer %s", theirs, ciphers);
		return SSHTUN_ERR_KEX_NOMATCH;
	}
	if ((e = pick_mac(tp, out->enc_c2s, macs, &lists[4], &out->mac_c2s)) != 0 ||
	    (e = pick_mac(tp, out->enc_s2c, macs, &lists[5], &out->mac_s2c)) != 0) {
		return e;
	}
	if (!pick(comp_list(tp), &lists[6], name, sizeof(name)) || !(out->comp_c2s = tp_comp_find(name, strlen(name))) ||
	    !pick(comp_list(tp), &lists[7], name, sizeof(name)) || !(out->comp_s2c = tp_comp_find(name, strlen(name)))) {
		char theirs[LIST_MAX];

		lg_sanitize(theirs, sizeof(theirs), out->comp_c2s ? lists[7].p : lists[6].p,
			out->comp_c2s ? lists[7].n : lists[6].n);
		LG_E(tp->log, "no compression method in common: the server offers %s, we offer %s", theirs, comp_list(tp));
		return SSHTUN_ERR_KEX_NOMATCH;
	}
	out->strict = tp->kex_count == 0 && wire_namelist_has(&lists[0], STRICT_S);
	out->ext_info = tp->kex_count == 0;
	/* A guessed first kex packet is right only if both sides' first kex and host key choices agree. */
	if (follows) {
		out->guess_wrong = !first_name_is(&lists[0], out->kex->name) || !first_name_is(&lists[1], out->hostkey);
	}
	LG_D1(tp->log, "kex: %s, host key %s, cipher %s / %s%s%s%s%s, compression %s / %s%s", out->kex->name,
		out->hostkey, out->enc_c2s->name, out->enc_s2c->name, out->mac_c2s ? ", mac " : "",
		out->mac_c2s ? out->mac_c2s->name : "", out->mac_c2s ? " / " : "", out->mac_s2c ? out->mac_s2c->name : "",
		out->comp_c2s->name, out->comp_s2c->name, out->strict ? ", strict kex" : "");
	if (!out->kex->pq && tp->kex_count == 0 && tp->cfg.warn_not_pq) {
		/* As OpenSSH 10.1: what the tunnel carries could be recorded now and decrypted by a future machine. */
		LG_W(tp->log, "the key exchange %s is not post-quantum: traffic recorded today could be decrypted later; "
			"the server needs OpenSSH 9.0 or newer (mlkem768x25519-sha256 or sntrup761x25519-sha512), or set "
			"WarnWeakCrypto no", out->kex->name);
	}
	return 0;
}
