/* sshtun: host key trust: known_hosts lookup and the StrictHostKeyChecking policy. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <strings.h>

#include "ssh/conn_int.h"
#include "ssh/known_hosts.h"
#include "transport/cert.h"

/* The name known_hosts holds the server under: HostKeyAlias as given (no port, as ssh), or the host and port. */
static const char *kh_name(const struct sshtun *h)
{
	return h->cfg.host_key_alias ? h->cfg.host_key_alias : h->cfg.hostname;
}

static int kh_port(const struct sshtun *h)
{
	return h->cfg.host_key_alias ? 22 : h->cfg.port;
}

/* The known_hosts files to read, user's first; returns how many. */
static size_t kh_files(const struct sshtun *h, const char **files)
{
	size_t n = 0;

	for (int i = 0; i < h->cfg.n_user_known_hosts; i++) {
		files[n++] = h->cfg.user_known_hosts[i];
	}
	for (int i = 0; i < h->cfg.n_global_known_hosts; i++) {
		files[n++] = h->cfg.global_known_hosts[i];
	}
	return n;
}

void conn_known_types(struct sshtun *h, char *out, size_t outlen)
{
	const char *files[2 * CFG_MAX_FILES];
	size_t n = kh_files(h, files);

	if (kh_known_types(files, n, kh_name(h), kh_port(h), out, outlen) != 0) {
		out[0] = '\0';
	}
	if (out[0]) {
		LG_D1(&h->log, "known_hosts holds %s key(s) for %s: asking for those first", out, h->cfg.hostname);
	}
}

/* ssh's name for a key type in its messages ("ED25519", "ECDSA", "RSA"). */
static const char *kh_kind(int type)
{
	switch (type) {
	case PK_ED25519:
		return "ED25519";
	case PK_ECDSA_P256:
	case PK_ECDSA_P384:
	case PK_ECDSA_P521:
		return "ECDSA";
	case PK_RSA:
		return "RSA";
	default:
		return "unknown";
	}
}

/* Adds the server's key to the first UserKnownHostsFile, saying so as ssh does. */
static void kh_learn(struct sshtun *h, const struct pubkey *key, const char *fp)
{
	const char *file = h->cfg.n_user_known_hosts ? h->cfg.user_known_hosts[0] : NULL;

	if (file && kh_add(file, kh_name(h), kh_port(h), key, h->cfg.hash_known_hosts == 1) == 0) {
		LG_W(&h->log, "Permanently added %s (%s %s) to %s", h->cfg.hostname, pubkey_type_name(key->type), fp, file);
	} else {
		LG_W(&h->log, "could not add the host key of %s to %s", h->cfg.hostname, file ? file : "known_hosts");
	}
}

static int ask_hostkey(struct sshtun *h, int again);

/* The user's answer about an unknown host key: yes (or the fingerprint) trusts and records it. */
static int on_hostkey_answer(struct sshtun *h, void *ctx, const char *const *answers, unsigned n)
{
	char fp[PK_FP_MAX];
	int r;

	(void)ctx;
	(void)n;
	pubkey_fingerprint(&h->pending_hostkey, fp, sizeof(fp));
	if (!h->tp || !tp_hostkey_waiting(h->tp)) {
		return 0;
	}
	if (answers && (strcasecmp(answers[0], "yes") == 0 || strcmp(answers[0], fp) == 0)) {
		kh_learn(h, &h->pending_hostkey, fp);
		h->hostkey = h->pending_hostkey;
		h->have_hostkey = 1;
		r = tp_hostkey_answer(h->tp, 0);
		return r ? r : conn_process(h);
	}
	if (answers && strcasecmp(answers[0], "no") != 0 && ++h->hostkey_asks < 5) {
		r = ask_hostkey(h, 1);
		if (r == SSHTUN_ERR_AGAIN) {
			return 0;
		}
	}
	conn_fail(h, SSHTUN_ERR_HOSTKEY_UNKNOWN, "host key for %s (%s %s) not accepted%s", h->cfg.hostname,
		pubkey_type_name(h->pending_hostkey.type), fp, answers ? "" : ": the question was not answered");
	tp_hostkey_answer(h->tp, SSHTUN_ERR_HOSTKEY_UNKNOWN);
	return SSHTUN_ERR_HOSTKEY_UNKNOWN;
}

/* Asks, as ssh does, whether to trust h->pending_hostkey. */
static int ask_hostkey(struct sshtun *h, int again)
{
	char fp[PK_FP_MAX], name[300], instruction[1024];
	const char *q[1];
	int echo[1] = { 1 };

	pubkey_fingerprint(&h->pending_hostkey, fp, sizeof(fp));
	if (h->cfg.port == 22) {
		snprintf(name, sizeof(name), "%s", h->cfg.hostname);
	} else {
		snprintf(name, sizeof(name), "[%s]:%d", h->cfg.hostname, h->cfg.port);
	}
	snprintf(instruction, sizeof(instruction),
		"The authenticity of host '%s' can't be established.\n%s key fingerprint is %s.\n"
		"This key is not known by any other names.\n", name, kh_kind(h->pending_hostkey.type), fp);
	q[0] = again ? "Please type 'yes', 'no' or the fingerprint: " :
		"Are you sure you want to continue connecting (yes/no/[fingerprint])? ";
	return conn_ask(h, SSHTUN_PROMPT_HOSTKEY, name, again ? "" : instruction, 1, q, echo, on_hostkey_answer, NULL);
}

#if SSHTUN_CERT
/* OpenSSH's default CASignatureAlgorithms: no ssh-rsa (SHA-1). */
#define CA_SIG_DEFAULT "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521," \
	"sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"

/* The algorithm the CA signed c with must be one CASignatureAlgorithms allows; SSHTUN_ERR_NOT_SUPPORTED (why set) if not. */
static int ca_alg_allowed(struct sshtun *h, const struct cert *c, char *why, size_t whylen)
{
	char allowed[1024], name[80];
	struct wire_r r;
	struct wire_view alg;

	if (tp_alglist_resolve(h->cfg.ca_signature_algorithms, CA_SIG_DEFAULT, pubkey_sigalgs_supported(), allowed,
		sizeof(allowed)) != 0) {
		allowed[0] = '\0';
	}
	wire_r_init(&r, c->blob + c->sig_off, c->sig_len);
	if (wire_get_string(&r, &alg) != 0) {
		snprintf(why, whylen, "its CA signature is malformed");
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	lg_sanitize(name, sizeof(name), alg.p, alg.n);
	if (!tp_alglist_has(allowed, name)) {
		snprintf(why, whylen, "its CA signed it with %s, which CASignatureAlgorithms does not allow%s", name,
			strcmp(name, "ssh-rsa") == 0 ? " (RSA with SHA-1)" : "");
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	return 0;
}

/*
 * A host certificate: trusted when a @cert-authority line for the host names its CA, the CA's signature holds,
 * and it is a host certificate valid now for this name (HostKeyAlias, or the host name as ssh lower-cases it).
 * 0: trusted; 1: no CA vouches for it (the caller checks the certified key as a plain key, as ssh does);
 * negative: refused (the line for the user is set).
 */
static int check_host_cert(struct sshtun *h, const struct cert *c, const char *const *files, size_t n)
{
	struct kh_result res;
	char fp[PK_FP_MAX], name[300], why[600];
	int r;

	pubkey_fingerprint(&c->ca, fp, sizeof(fp));
	memset(&res, 0, sizeof(res));
	r = kh_check_ca(files, n, kh_name(h), kh_port(h), &c->ca, &res, &h->log);
	if (r < 0) {
		return r;
	}
	if (res.status == KH_REVOKED) {
		conn_fail(h, SSHTUN_ERR_HOSTKEY_CHANGED, "the CA %s %s that signed %s's host certificate is marked revoked in %s:%u",
			pubkey_type_name(c->ca.type), fp, h->cfg.hostname, res.file, res.line);
		return SSHTUN_ERR_HOSTKEY_CHANGED;
	}
	if (res.status != KH_MATCH) {
		LG_D1(&h->log, "no @cert-authority line trusts CA %s for %s: checking the certified key as a plain key", fp,
			h->cfg.hostname);
		return 1;
	}
	snprintf(name, sizeof(name), "%s", kh_name(h));
	for (char *p = name; *p; p++) {
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	}
	r = ca_alg_allowed(h, c, why, sizeof(why));
	if (r == 0) {
		r = cert_verify_ca(c, 1);	/* SHA-1 only if CASignatureAlgorithms lets ssh-rsa through, checked above */
	}
	if (r == SSHTUN_ERR_NOT_SUPPORTED) {
		/* why is set */
	} else if (r == 0 && c->ca.type == PK_RSA && c->ca.bits < (unsigned)h->cfg.required_rsa_size) {
		snprintf(why, sizeof(why), "its CA's RSA key has %u bits, fewer than RequiredRSASize", c->ca.bits);
		r = SSHTUN_ERR_HOSTKEY_WEAK;
	} else if (r != 0) {
		snprintf(why, sizeof(why), "its CA signature does not verify");
	} else {
		r = cert_check(c, CERT_HOST, name, (uint64_t)time(NULL), why, sizeof(why));
	}
	if (r != 0) {
		conn_fail(h, SSHTUN_ERR_HOSTKEY_UNKNOWN, "host certificate of %s (key id \"%s\", CA %s from %s:%u) refused: %s",
			h->cfg.hostname, c->key_id, fp, res.file, res.line, why);
		return SSHTUN_ERR_HOSTKEY_UNKNOWN;
	}
	LG_D1(&h->log, "host certificate of %s accepted: key id \"%s\", serial %llu, CA %s %s (%s:%u)", h->cfg.hostname,
		c->key_id, (unsigned long long)c->serial, pubkey_type_name(c->ca.type), fp, res.file, res.line);
	return 0;
}
#endif /* SSHTUN_CERT */

int conn_check_hostkey(void *ud, const struct pubkey *key, const struct cert *cert)
{
	struct sshtun *h = ud;
	const char *files[2 * CFG_MAX_FILES];
	size_t n = kh_files(h, files);
	struct kh_result res;
	char fp[PK_FP_MAX];
	int r;

	pubkey_fingerprint(key, fp, sizeof(fp));
	/* A rekey: the server must present the key it was trusted with; nothing is asked mid-session. */
	if (h->have_hostkey) {
		if (pubkey_equal(key, &h->hostkey)) {
			return 0;
		}
		conn_fail(h, SSHTUN_ERR_HOSTKEY_CHANGED, "the server's host key changed during the session (now %s %s)",
			pubkey_type_name(key->type), fp);
		return SSHTUN_ERR_HOSTKEY_CHANGED;
	}
	memset(&res, 0, sizeof(res));
	r = kh_check(files, n, kh_name(h), kh_port(h), key, &res, &h->log);
	if (r < 0) {
		return r;
	}
#if SSHTUN_CERT
	/* A certificate is the CA's word, unless the certified key itself is revoked. */
	if (cert && res.status != KH_REVOKED) {
		r = check_host_cert(h, cert, files, n);
		if (r <= 0) {
			if (r == 0) {
				h->hostkey = *key;
				h->have_hostkey = 1;
			}
			return r;
		}
	}
#else
	(void)cert;	/* never one: no certificate algorithm is offered */
#endif
	switch (res.status) {
	case KH_MATCH:
		LG_D1(&h->log, "host key %s %s found in known_hosts", pubkey_type_name(key->type), fp);
		h->hostkey = *key;
		h->have_hostkey = 1;
		return 0;
	case KH_REVOKED:
		LG_E(&h->log, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
		LG_E(&h->log, "@       WARNING: REVOKED HOST KEY DETECTED!               @");
		LG_E(&h->log, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
		LG_E(&h->log, "The %s host key for %s is marked as revoked.", kh_kind(key->type), h->cfg.hostname);
		LG_E(&h->log, "This could mean that a stolen key is being used to impersonate this host.");
		conn_fail(h, SSHTUN_ERR_HOSTKEY_CHANGED, "host key %s %s for %s is marked revoked in %s:%u; refusing to connect",
			pubkey_type_name(key->type), fp, h->cfg.hostname, res.file, res.line);
		return SSHTUN_ERR_HOSTKEY_CHANGED;
	case KH_CHANGED:
		LG_E(&h->log, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
		LG_E(&h->log, "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @");
		LG_E(&h->log, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
		LG_E(&h->log, "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!");
		LG_E(&h->log, "Someone could be eavesdropping on you right now (man-in-the-middle attack)!");
		LG_E(&h->log, "It is also possible that a host key has just been changed.");
		LG_E(&h->log, "The fingerprint for the %s key sent by the remote host is", kh_kind(key->type));
		LG_E(&h->log, "%s.", fp);
		LG_E(&h->log, "Please contact your system administrator.");
		LG_E(&h->log, "Offending %s key in %s:%u", kh_kind(key->type), res.file, res.line);
		conn_fail(h, SSHTUN_ERR_HOSTKEY_CHANGED,
			"host key for %s has changed (server now offers %s %s); if that is expected, remove the old entry at %s:%u",
			h->cfg.hostname, pubkey_type_name(key->type), fp, res.file, res.line);
		return SSHTUN_ERR_HOSTKEY_CHANGED;
	default:
		break;
	}
	if (!SSHTUN_CERT && res.ca_unused) {
		/* SSHTUN_CERT 0: the line that may be why the user expected this host to be trusted. */
		LG_W(&h->log, "%s:%u: a @cert-authority line for %s, which this build of sshtun cannot use (certificates "
			"left out of this build): the host key is checked as a plain key", res.file, res.line, h->cfg.hostname);
	}
	if (h->cfg.strict_host_key_checking == CFG_STRICT_ACCEPT_NEW || h->cfg.strict_host_key_checking == CFG_STRICT_NO) {
		kh_learn(h, key, fp);
		h->hostkey = *key;
		h->have_hostkey = 1;
		return 0;
	}
	if (h->cfg.strict_host_key_checking == CFG_STRICT_ASK) {
		h->pending_hostkey = *key;
		r = ask_hostkey(h, 0);
		if (r == SSHTUN_ERR_AGAIN) {
			return r;
		}
	}
	if (!SSHTUN_CERT && res.ca_unused) {
		conn_fail(h, SSHTUN_ERR_HOSTKEY_UNKNOWN,
			"host key for %s is not known (%s %s): this build of sshtun cannot use the @cert-authority line at "
			"%s:%u (certificates left out of this build); verify the key, then add it to known_hosts",
			h->cfg.hostname, pubkey_type_name(key->type), fp, res.file, res.line);
		return SSHTUN_ERR_HOSTKEY_UNKNOWN;
	}
	conn_fail(h, SSHTUN_ERR_HOSTKEY_UNKNOWN,
		"host key for %s is not known (%s %s); verify it, then add it to known_hosts or use -o StrictHostKeyChecking=accept-new",
		h->cfg.hostname, pubkey_type_name(key->type), fp);
	return SSHTUN_ERR_HOSTKEY_UNKNOWN;
}
