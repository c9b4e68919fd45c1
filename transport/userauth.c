/* sshtun: client user authentication (RFC 4252; RFC 4256 keyboard-interactive; RFC 8332 for algorithm names). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshtun_err.h"
#include "transport/cert.h"
#include "transport/tp_int.h"
#include "transport/userauth.h"
#include "util/limits.h"

static const char SERVICE[] = "ssh-userauth";
static const char CONNECTION[] = "ssh-connection";
/* OpenSSH's default PubkeyAcceptedAlgorithms (without certificates and security keys, which come later). */
static const char PUBKEY_DEFAULT[] =
	"ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	"ecdsa-sha2-nistp521-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,"
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
	"sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256";

/* The methods we speak. */
enum { UA_M_NONE = 0, UA_M_PUBKEY, UA_M_KBDINT, UA_M_PASSWORD };
static const char PREFERRED_DEFAULT[] = "publickey,keyboard-interactive,password";

void ua_init(struct ua *ua, struct tp *tp, const char *user, const struct ua_identity *ids, size_t n, const struct lg *log)
{
	memset(ua, 0, sizeof(*ua));
	ua->opts.pubkey = 1;
	ua->opts.prompts = 3;
	ua->tp = tp;
	ua->user = user;
	ua->ids = ids;
	ua->n_ids = n;
	ua->log = log;
	ua_set_algorithms(ua, NULL);
}

int ua_set_algorithms(struct ua *ua, const char *spec)
{
	char sup[1024];
	int r;

	snprintf(sup, sizeof(sup), "%s%s%s", cert_sigalgs_supported(), SSHTUN_CERT ? "," : "",
		pubkey_sigalgs_supported());
	r = tp_alglist_resolve(spec, PUBKEY_DEFAULT, sup, ua->accepted, sizeof(ua->accepted));
	r = tp_alglist_lacking(ua->log, "PubkeyAcceptedAlgorithms", spec, r);
	if (r != 0 && r != SSHTUN_ERR_NOT_SUPPORTED) {
		LG_E(ua->log, "PubkeyAcceptedAlgorithms: none of \"%s\" is supported (sshtun has: %s)", spec ? spec : "", sup);
	}
	return r;
}

/*
 * The signature algorithm for a key: the first of PubkeyAcceptedAlgorithms that the key can make and, when
 * the server announced server-sig-algs (RFC 8308), that the server accepts. 0 if there is none.
 */
static int pick_alg(struct ua *ua, const struct ua_identity *id)
{
	const char *theirs = tp_server_sig_algs(ua->tp);
	const struct pubkey *key = &id->key;
	const char *p = ua->accepted;

	while (*p) {
		size_t n = strcspn(p, ",");
		/* A certificate goes by its certificate algorithm names, a plain key by the plain ones. */
		int type = id->cert ? cert_sigalg_key_type(p, n) : pubkey_sigalg_key_type(p, n);
		const char *plain = id->cert ? cert_sigalg_plain(p, n) : NULL;

		if (type == key->type && (!id->cert || plain) && n < sizeof(ua->alg)) {
			memcpy(ua->alg, p, n);
			ua->alg[n] = '\0';
			snprintf(ua->sig_alg, sizeof(ua->sig_alg), "%s", plain ? plain : ua->alg);
			/* Key types have one algorithm each but RSA; for RSA the server's list decides (RFC 8332 3.3). */
			if (key->type != PK_RSA || !theirs[0] || tp_alglist_has(theirs, ua->sig_alg)) {
				return 1;
			}
		}
		p += n + (p[n] == ',');
	}
	ua->alg[0] = ua->sig_alg[0] = '\0';
	return 0;
}

int ua_start(struct ua *ua)
{
	uint8_t buf[64];
	struct wire_w w;

	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_SERVICE_REQUEST);
	wire_put_cstring(&w, SERVICE);
	ua->state = UA_SERVICE;
	return wire_w_err(&w) ? wire_w_err(&w) : tp_send(ua->tp, buf, w.len);
}

/* The common head of a USERAUTH_REQUEST. */
static void put_head(struct wire_w *w, const struct ua *ua, const char *method)
{
	wire_put_u8(w, SSH_MSG_USERAUTH_REQUEST);
	wire_put_cstring(w, ua->user);
	wire_put_cstring(w, CONNECTION);
	wire_put_cstring(w, method);
}

/*
 * publickey-hostbound-v00@openssh.com (OpenSSH's PROTOCOL 3.x) when the server offers it: the request, and so
 * the signature, also binds the server's host key, which per-key agent restrictions rely on.
 */
static const char *pk_method(const struct ua *ua)
{
	size_t n = 0;

	tp_hostkey_blob(ua->tp, &n);
	return n && tp_server_has_ext(ua->tp, "publickey-hostbound@openssh.com") ? "publickey-hostbound-v00@openssh.com" :
		"publickey";
}

static void put_hostbound(struct wire_w *w, const struct ua *ua)
{
	size_t n = 0;
	const uint8_t *hk = tp_hostkey_blob(ua->tp, &n);

	if (strcmp(pk_method(ua), "publickey") != 0) {
		wire_put_string(w, hk, n);
	}
}

/* The blob an identity is offered as: its certificate's, or its key's. */
static const uint8_t *id_blob(const struct ua_identity *id)
{
	return id->cert ? id->cert->blob : id->key.blob;
}

static size_t id_bloblen(const struct ua_identity *id)
{
	return id->cert ? id->cert->bloblen : id->key.bloblen;
}

static void put_blob(struct wire_w *w, const struct ua_identity *id)
{
	wire_put_string(w, id_blob(id), id_bloblen(id));
}

static int send_none(struct ua *ua)
{
	struct wire_w w;
	int r;

	wire_w_init(&w, 0);
	put_head(&w, ua, "none");
	r = wire_w_err(&w) ? wire_w_err(&w) : tp_send(ua->tp, w.p, w.len);
	wire_w_free(&w);
	ua->state = UA_NONE;
	ua->method = UA_M_NONE;
	return r;
}

/* Asks whether the server would accept the current key (RFC 4252 7, without signature). */
static int send_query(struct ua *ua)
{
	const struct ua_identity *id = &ua->ids[ua->cur];
	struct wire_w w;
	int r;

	wire_w_init(&w, 0);
	put_head(&w, ua, pk_method(ua));
	wire_put_bool(&w, 0);
	wire_put_cstring(&w, ua->alg);
	put_blob(&w, id);
	put_hostbound(&w, ua);
	r = wire_w_err(&w) ? wire_w_err(&w) : tp_send(ua->tp, w.p, w.len);
	wire_w_free(&w);
	ua->state = UA_QUERY;
	ua->tries++;
	LG_D1(ua->log, "offering public key %s (%s%s)", id->label, ua->alg,
		strcmp(pk_method(ua), "publickey") != 0 ? ", host-bound" : "");
	return r;
}

static int next_key(struct ua *ua, int advance);

static int send_signed(struct ua *ua)
{
	const struct ua_identity *id = &ua->ids[ua->cur];
	const char *alg = ua->alg;
	size_t sidlen = 0;
	const uint8_t *sid = tp_session_id(ua->tp, &sidlen);
	struct wire_w data, sig, msg;
	int r;

	wire_w_init(&data, 0);
	wire_w_init(&sig, 0);
	wire_w_init(&msg, 0);
	wire_put_string(&data, sid, sidlen);
	put_head(&data, ua, pk_method(ua));
	wire_put_bool(&data, 1);
	wire_put_cstring(&data, alg);
	put_blob(&data, id);
	put_hostbound(&data, ua);
	if ((r = wire_w_err(&data)) != 0) {
		goto out;
	}
	r = id->sign(id->ud, &id->key, ua->sig_alg, data.p, data.len, &sig);
	if (r == SSHTUN_ERR_AGAIN) {
		ua->state = UA_SIGNING;	/* ua_resume() signs again once the answer is in */
		r = 0;
		goto out;
	}
	if (r != 0) {
		/* As ssh: a key that cannot sign (wrong passphrase, agent refused) gives way to the next one. */
		LG_W(ua->log, "cannot sign with %s: %s", id->label, sshtun_strerror(r));
		r = next_key(ua, 1);
		goto out;
	}
	/* The request is the signed data without the session id, plus the signature. */
	wire_put_raw(&msg, data.p + 4 + sidlen, data.len - 4 - sidlen);
	wire_put_string(&msg, sig.p, sig.len);
	if ((r = wire_w_err(&msg)) == 0) {
		r = tp_send(ua->tp, msg.p, msg.len);
	}
	ua->state = UA_SIGNED;
out:
	wire_w_free(&data);
	wire_w_free(&sig);
	wire_w_free(&msg);
	return r;
}

/* Notes a method as tried, for the final message. */
static void note_tried(struct ua *ua, const char *method)
{
	size_t cur = strlen(ua->tried);

	if (!tp_alglist_has(ua->tried, method) && cur + strlen(method) + 2 < sizeof(ua->tried)) {
		snprintf(ua->tried + cur, sizeof(ua->tried) - cur, "%s%s", cur ? "," : "", method);
	}
}

/* The next key we may offer (skipping those PubkeyAcceptedAlgorithms and server-sig-algs leave nothing for). */
static int have_key(struct ua *ua)
{
	while (ua->cur < ua->n_ids && !pick_alg(ua, &ua->ids[ua->cur])) {
		LG_D1(ua->log, "skipping %s: PubkeyAcceptedAlgorithms%s has no algorithm for its %s key", ua->ids[ua->cur].label,
			tp_server_sig_algs(ua->tp)[0] ? " and the server's server-sig-algs have" : "",
			pubkey_type_name(ua->ids[ua->cur].key.type));
		ua->cur++;
	}
	return ua->cur < ua->n_ids && ua->tries < AUTH_MAX_TRIES;
}

static int ask(struct ua *ua, int kind, const char *name, const char *instruction, unsigned n, const char *const *q,
	const int *echo)
{
	int r;

	if (!ua->opts.ask) {
		return SSHTUN_ERR_NO_PROMPT;
	}
	r = ua->opts.ask(ua->opts.ask_ud, kind, name, instruction, n, q, echo);
	if (r == SSHTUN_ERR_AGAIN) {
		ua->ask_kind = kind;
		ua->state = UA_ASKING;
	}
	return r;
}

static int send_kbdint(struct ua *ua)
{
	struct wire_w w;
	int r;

	wire_w_init(&w, 0);
	put_head(&w, ua, "keyboard-interactive");
	wire_put_cstring(&w, "");	/* language */
	wire_put_cstring(&w, "");	/* submethods: the server's choice */
	r = wire_w_err(&w) ? wire_w_err(&w) : tp_send(ua->tp, w.p, w.len);
	wire_w_free(&w);
	ua->method = UA_M_KBDINT;
	ua->state = UA_KBD;
	note_tried(ua, "keyboard-interactive");
	LG_D1(ua->log, "trying keyboard-interactive");
	return r;
}

static int ask_password(struct ua *ua)
{
	char q[300];
	const char *qs[1] = { q };
	int echo[1] = { 0 };

	snprintf(q, sizeof(q), "%s@%s's password: ", ua->user, ua->opts.host ? ua->opts.host : "server");
	int r;

	ua->method = UA_M_PASSWORD;
	r = ask(ua, UA_ASK_PASSWORD, "", ua->pw_tries ? "Permission denied, please try again.\n" : "", 1, qs, echo);
	if (r == SSHTUN_ERR_AGAIN) {
		note_tried(ua, "password");
	}
	return r;
}

/*
 * Picks the next method in PreferredAuthentications' order that the server allows, the configuration enables
 * and we have not used up; gives up (SSHTUN_ERR_AUTH_FAILED) naming what the server allows and what was tried.
 */
static int next_method(struct ua *ua)
{
	const char *p = ua->opts.preferred && ua->opts.preferred[0] ? ua->opts.preferred : PREFERRED_DEFAULT;
	int r;

	while (*p) {
		size_t n = strcspn(p, ",");
		char m[40];

		snprintf(m, sizeof(m), "%.*s", (int)(n < sizeof(m) - 1 ? n : sizeof(m) - 1), p);
		p += n + (p[n] == ',');
		if (!tp_alglist_has(ua->methods, m)) {
			continue;
		}
		if (strcmp(m, "publickey") == 0 && ua->opts.pubkey && have_key(ua)) {
			ua->method = UA_M_PUBKEY;
			note_tried(ua, "publickey");
			return send_query(ua);
		}
		if (strcmp(m, "keyboard-interactive") == 0 && ua->opts.kbdint && !ua->kbd_off &&
		    ua->kbd_rounds < (unsigned)ua->opts.prompts) {
			return send_kbdint(ua);
		}
		if (strcmp(m, "password") == 0 && ua->opts.password && !ua->pw_off && ua->pw_tries < (unsigned)ua->opts.prompts) {
			r = ask_password(ua);
			if (r == SSHTUN_ERR_AGAIN) {
				return 0;
			}
			LG_D1(ua->log, "password not asked for: %s", sshtun_strerror(r));
			ua->pw_off = 1;
		}
	}
	ua->state = UA_FAILED;
	ua->method = UA_M_NONE;
	if (ua->n_ids == 0 && !ua->tried[0]) {
		LG_E(ua->log, "no usable key: add IdentityFile or load a key into ssh-agent (server allows: %s)", ua->methods);
	} else {
		LG_E(ua->log, "authentication as %s failed: the server allows %s; tried %s", ua->user, ua->methods,
			ua->tried[0] ? ua->tried : "nothing it allows");
	}
	return SSHTUN_ERR_AUTH_FAILED;
}

/* Tries the next identity, or the next method. */
static int next_key(struct ua *ua, int advance)
{
	if (advance) {
		ua->cur++;
	}
	return next_method(ua);
}

static void forget_password(struct ua *ua);

static int on_failure(struct ua *ua, const struct tp_msg *m)
{
	struct wire_r r;
	struct wire_view methods;
	uint8_t type = 0;
	int partial = 0;

	wire_r_init(&r, m->payload, m->len);
	wire_get_u8(&r, &type);
	wire_get_namelist(&r, &methods);
	wire_get_bool(&r, &partial);
	if (wire_end(&r) != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	lg_sanitize(ua->methods, sizeof(ua->methods), methods.p, methods.n);
	if (partial) {
		/* The method just used succeeded; the server wants another (AuthenticationMethods a,b). */
		LG_I(ua->log, "authenticated with partial success; the server wants more: %s", ua->methods);
		if (ua->method == UA_M_PUBKEY) {
			ua->cur = ua->n_ids;
		}
		return next_method(ua);
	}
	switch (ua->method) {
	case UA_M_PUBKEY:
		return next_key(ua, ua->state == UA_QUERY || ua->state == UA_SIGNED);
	case UA_M_KBDINT:
		ua->kbd_rounds++;
		break;
	case UA_M_PASSWORD:
		ua->pw_tries++;
		forget_password(ua);
		LG_I(ua->log, "password refused");
		break;
	default:
		break;
	}
	return next_method(ua);
}

/* keyboard-interactive (RFC 4256 3.2): name, instruction, language, then num-prompts (prompt, echo). */
static int on_info_request(struct ua *ua, const struct tp_msg *m)
{
	struct wire_r r;
	struct wire_view name, instr, lang, prompt;
	uint8_t type = 0;
	uint32_t n = 0;
	char cname[256], cinstr[1024], *qs[UA_ASK_MAX];
	const char *cq[UA_ASK_MAX];
	int echo[UA_ASK_MAX];
	int res;

	wire_r_init(&r, m->payload, m->len);
	wire_get_u8(&r, &type);
	wire_get_string(&r, &name);
	wire_get_string(&r, &instr);
	wire_get_string(&r, &lang);
	wire_get_u32(&r, &n);
	if (wire_err(&r) || n > UA_ASK_MAX) {
		return SSHTUN_ERR_PROTOCOL;
	}
	memset(qs, 0, sizeof(qs));
	for (uint32_t i = 0; i < n; i++) {
		wire_get_string(&r, &prompt);
		wire_get_bool(&r, &echo[i]);
		if (wire_err(&r)) {
			break;
		}
		qs[i] = malloc(prompt.n + 1);
		if (qs[i]) {
			lg_sanitize(qs[i], prompt.n + 1, prompt.p, prompt.n);
		}
		cq[i] = qs[i] ? qs[i] : "";
	}
	if (wire_end(&r) != 0) {
		res = SSHTUN_ERR_PROTOCOL;
		goto out;
	}
	lg_sanitize(cname, sizeof(cname), name.p, name.n);
	/* The instruction may hold line breaks: keep them, clean each line. */
	lg_sanitize_lines(cinstr, sizeof(cinstr), instr.p, instr.n);
	if (n == 0) {
		/* Nothing to answer (OpenSSH sends these between rounds): reply at once, as ssh does. */
		if (cinstr[0]) {
			LG_I(ua->log, "%s", cinstr);
		}
		res = ua_answer(ua, (const char *const *)cq, 0);
		goto out;
	}
	res = ask(ua, UA_ASK_KBDINT, cname, cinstr, n, cq, echo);
	if (res == SSHTUN_ERR_AGAIN) {
		res = 0;
	} else {
		LG_D1(ua->log, "keyboard-interactive not answered: %s", sshtun_strerror(res));
		ua->kbd_off = 1;
		/* The server waits for a response: an empty one ends the round; its FAILURE brings the next method. */
		ua->state = UA_KBD;
		res = ua_answer(ua, NULL, 0);
	}
out:
	for (uint32_t i = 0; i < n && i < UA_ASK_MAX; i++) {
		free(qs[i]);
	}
	return res;
}

/* The server wants the password changed (RFC 4252 8): string prompt, string language. */
static int on_passwd_changereq(struct ua *ua, const struct tp_msg *m)
{
	static const char *const qs[2] = { "Enter new password: ", "Retype new password: " };
	static const int echo[2] = { 0, 0 };
	struct wire_r r;
	struct wire_view prompt, lang;
	uint8_t type = 0;
	char instr[1024];
	int res;

	wire_r_init(&r, m->payload, m->len);
	wire_get_u8(&r, &type);
	wire_get_string(&r, &prompt);
	wire_get_string(&r, &lang);
	if (wire_end(&r) != 0 || !ua->old_password) {
		return SSHTUN_ERR_PROTOCOL;
	}
	lg_sanitize_lines(instr, sizeof(instr) - 1, prompt.p, prompt.n);
	if (instr[0] && instr[strlen(instr) - 1] != '\n') {
		strcat(instr, "\n");
	}
	res = ask(ua, UA_ASK_NEW_PASSWORD, "", instr, 2, qs, echo);
	if (res == SSHTUN_ERR_AGAIN) {
		return 0;
	}
	ua->pw_off = 1;
	return next_method(ua);
}

static void forget_password(struct ua *ua)
{
	if (ua->old_password) {
		cry_wipe(ua->old_password, strlen(ua->old_password));
		free(ua->old_password);
		ua->old_password = NULL;
	}
}

void ua_free(struct ua *ua)
{
	forget_password(ua);
}

/* Sends the password (change: old and new). */
static int send_password(struct ua *ua, const char *pw, const char *newpw)
{
	struct wire_w w;
	int r;

	wire_w_init(&w, 0);
	put_head(&w, ua, "password");
	wire_put_bool(&w, newpw != NULL);
	wire_put_cstring(&w, pw);
	if (newpw) {
		wire_put_cstring(&w, newpw);
	}
	r = wire_w_err(&w) ? wire_w_err(&w) : tp_send(ua->tp, w.p, w.len);
	if (w.p) {
		cry_wipe(w.p, w.len);
	}
	wire_w_free(&w);
	ua->state = UA_PASSWORD;
	return r;
}

int ua_answer(struct ua *ua, const char *const *answers, unsigned n)
{
	struct wire_w w;
	int r, kind = ua->ask_kind;

	if (ua->state != UA_ASKING && !(ua->state == UA_KBD && ua->method == UA_M_KBDINT)) {
		return SSHTUN_ERR_STATE;
	}
	ua->ask_kind = 0;
	if (ua->method == UA_M_KBDINT) {
		/* An INFO_RESPONSE with the answers (or none, to give up this round). */
		wire_w_init(&w, 0);
		wire_put_u8(&w, SSH_MSG_USERAUTH_INFO_RESPONSE);
		wire_put_u32(&w, answers ? n : 0);
		for (unsigned i = 0; answers && i < n; i++) {
			wire_put_cstring(&w, answers[i]);
		}
		if (!answers) {
			ua->kbd_off = 1;
		}
		r = wire_w_err(&w) ? wire_w_err(&w) : tp_send(ua->tp, w.p, w.len);
		if (w.p) {
			cry_wipe(w.p, w.len);
		}
		wire_w_free(&w);
		ua->state = UA_KBD;
		return r;
	}
	if (ua->method == UA_M_PASSWORD && kind == UA_ASK_PASSWORD) {
		if (!answers || n != 1) {
			ua->pw_off = 1;
			return next_method(ua);
		}
		forget_password(ua);
		ua->old_password = strdup(answers[0]);
		return send_password(ua, answers[0], NULL);
	}
	if (ua->method == UA_M_PASSWORD && kind == UA_ASK_NEW_PASSWORD) {
		if (!answers || n != 2 || !ua->old_password) {
			ua->pw_off = 1;
			return next_method(ua);
		}
		if (strcmp(answers[0], answers[1]) != 0) {
			static const char *const qs[2] = { "Enter new password: ", "Retype new password: " };
			static const int echo[2] = { 0, 0 };

			/* Not forever: NumberOfPasswordPrompts mismatches give the method up. */
			if (++ua->pw_mismatches >= (unsigned)ua->opts.prompts) {
				LG_I(ua->log, "the new passwords did not match %u times: giving up the password change", ua->pw_mismatches);
				forget_password(ua);
				ua->pw_off = 1;
				return next_method(ua);
			}
			r = ask(ua, UA_ASK_NEW_PASSWORD, "", "Mismatch; try again.\n", 2, qs, echo);
			if (r == SSHTUN_ERR_AGAIN) {
				return 0;
			}
			ua->pw_off = 1;
			return next_method(ua);
		}
		r = send_password(ua, ua->old_password, answers[0]);
		forget_password(ua);
		return r;
	}
	return SSHTUN_ERR_STATE;
}

static int on_banner(struct ua *ua, const struct tp_msg *m)
{
	struct wire_r r;
	struct wire_view text, lang;
	uint8_t type = 0;
	char clean[4096];

	wire_r_init(&r, m->payload, m->len);
	wire_get_u8(&r, &type);
	wire_get_string(&r, &text);
	wire_get_string(&r, &lang);
	if (wire_end(&r) != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	/* Shown as the server wrote it, line by line (control bytes made harmless). */
	lg_sanitize_lines(clean, sizeof(clean), text.p, text.n);
	for (char *line = clean, *end; *line; line = end + (*end == '\n')) {
		end = line + strcspn(line, "\n");
		LG_I(ua->log, "%.*s", (int)(end - line), line);
	}
	return 0;
}

static int on_pk_ok(struct ua *ua, const struct tp_msg *m)
{
	struct wire_r r;
	struct wire_view alg, blob;
	uint8_t type = 0;
	const struct ua_identity *id = &ua->ids[ua->cur];

	wire_r_init(&r, m->payload, m->len);
	wire_get_u8(&r, &type);
	wire_get_string(&r, &alg);
	wire_get_string(&r, &blob);
	if (wire_end(&r) != 0 || !wire_view_eq(&alg, ua->alg) || blob.n != id_bloblen(id) ||
	    memcmp(blob.p, id_blob(id), blob.n) != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	LG_D1(ua->log, "server accepts key %s", id->label);
	return send_signed(ua);
}

void ua_set_opts(struct ua *ua, const struct ua_opts *o)
{
	ua->opts = *o;
}

int ua_resume(struct ua *ua)
{
	if (ua->state != UA_SIGNING) {
		return SSHTUN_ERR_STATE;
	}
	return send_signed(ua);
}

int ua_waiting(const struct ua *ua)
{
	return ua->state == UA_SIGNING;
}

int ua_handle(struct ua *ua, const struct tp_msg *m)
{
	switch (m->type) {
	case SSH_MSG_SERVICE_ACCEPT:
		if (ua->state != UA_SERVICE) {
			break;
		}
		return send_none(ua);
	case SSH_MSG_USERAUTH_BANNER:
		return on_banner(ua, m);
	case SSH_MSG_USERAUTH_FAILURE:
		if (ua->state < UA_NONE || ua->state > UA_PASSWORD) {
			break;
		}
		return on_failure(ua, m);
	case 60:
		/* One number, three messages: which one depends on the method under way. */
		if (ua->state == UA_QUERY) {
			return on_pk_ok(ua, m);
		}
		if (ua->state == UA_KBD) {
			return on_info_request(ua, m);
		}
		if (ua->state == UA_PASSWORD) {
			return on_passwd_changereq(ua, m);
		}
		break;
	case SSH_MSG_USERAUTH_SUCCESS:
		if (ua->state < UA_NONE || ua->state > UA_PASSWORD || m->len != 1) {
			break;
		}
		ua->state = UA_DONE;
		forget_password(ua);
		if (ua->method == UA_M_PUBKEY && ua->cur < ua->n_ids) {
			LG_D1(ua->log, "authenticated with %s", ua->ids[ua->cur].label);
		} else if (ua->method == UA_M_KBDINT || ua->method == UA_M_PASSWORD) {
			LG_D1(ua->log, "authenticated with %s", ua->method == UA_M_KBDINT ? "keyboard-interactive" : "password");
		}
		return 1;
	default:
		break;
	}
	return SSHTUN_ERR_PROTOCOL;
}
