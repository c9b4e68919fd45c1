/* sshtun: client user authentication (RFC 4252, RFC 8332 for algorithm names). */
#include <string.h>

#include "sshtun_err.h"
#include "transport/tp_int.h"
#include "transport/userauth.h"
#include "util/limits.h"

static const char SERVICE[] = "ssh-userauth";
static const char CONNECTION[] = "ssh-connection";
/* OpenSSH's default PubkeyAcceptedAlgorithms (without certificates and security keys, which come later). */
static const char PUBKEY_DEFAULT[] =
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";

void ua_init(struct ua *ua, struct tp *tp, const char *user, const struct ua_identity *ids, size_t n, const struct lg *log)
{
	memset(ua, 0, sizeof(*ua));
	ua->tp = tp;
	ua->user = user;
	ua->ids = ids;
	ua->n_ids = n;
	ua->log = log;
	ua_set_algorithms(ua, NULL);
}

int ua_set_algorithms(struct ua *ua, const char *spec)
{
	int r = tp_alglist_resolve(spec, PUBKEY_DEFAULT, pubkey_sigalgs_supported(), ua->accepted, sizeof(ua->accepted));

	if (r != 0) {
		LG_E(ua->log, "PubkeyAcceptedAlgorithms: none of \"%s\" is supported (sshtun has: %s)", spec ? spec : "",
			pubkey_sigalgs_supported());
	}
	return r;
}

/*
 * The signature algorithm for a key: the first of PubkeyAcceptedAlgorithms that the key can make and, when
 * the server announced server-sig-algs (RFC 8308), that the server accepts. 0 if there is none.
 */
static int pick_alg(struct ua *ua, const struct pubkey *key)
{
	const char *theirs = tp_server_sig_algs(ua->tp);
	const char *p = ua->accepted;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (pubkey_sigalg_key_type(p, n) == key->type && n < sizeof(ua->alg)) {
			memcpy(ua->alg, p, n);
			ua->alg[n] = '\0';
			/* Key types have one algorithm each but RSA; for RSA the server's list decides (RFC 8332 3.3). */
			if (key->type != PK_RSA || !theirs[0] || tp_alglist_has(theirs, ua->alg)) {
				return 1;
			}
		}
		p += n + (p[n] == ',');
	}
	ua->alg[0] = '\0';
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

static int send_none(struct ua *ua)
{
	struct wire_w w;
	int r;

	wire_w_init(&w, 0);
	put_head(&w, ua, "none");
	r = wire_w_err(&w) ? wire_w_err(&w) : tp_send(ua->tp, w.p, w.len);
	wire_w_free(&w);
	ua->state = UA_NONE;
	return r;
}

/* Asks whether the server would accept the current key (RFC 4252 7, without signature). */
static int send_query(struct ua *ua)
{
	const struct ua_identity *id = &ua->ids[ua->cur];
	struct wire_w w;
	int r;

	wire_w_init(&w, 0);
	put_head(&w, ua, "publickey");
	wire_put_bool(&w, 0);
	wire_put_cstring(&w, ua->alg);
	wire_put_string(&w, id->key.blob, id->key.bloblen);
	r = wire_w_err(&w) ? wire_w_err(&w) : tp_send(ua->tp, w.p, w.len);
	wire_w_free(&w);
	ua->state = UA_QUERY;
	ua->tries++;
	LG_D1(ua->log, "offering public key %s (%s)", id->label, ua->alg);
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
	put_head(&data, ua, "publickey");
	wire_put_bool(&data, 1);
	wire_put_cstring(&data, alg);
	wire_put_string(&data, id->key.blob, id->key.bloblen);
	if ((r = wire_w_err(&data)) != 0) {
		goto out;
	}
	r = id->sign(id->ud, &id->key, alg, data.p, data.len, &sig);
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

/* Tries the next identity, or gives up naming what the server allows. */
static int next_key(struct ua *ua, int advance)
{
	if (advance) {
		ua->cur++;
	}
	while (ua->cur < ua->n_ids && !pick_alg(ua, &ua->ids[ua->cur].key)) {
		LG_D1(ua->log, "skipping %s: PubkeyAcceptedAlgorithms%s has no algorithm for its %s key", ua->ids[ua->cur].label,
			tp_server_sig_algs(ua->tp)[0] ? " and the server's server-sig-algs have" : "",
			pubkey_type_name(ua->ids[ua->cur].key.type));
		ua->cur++;
	}
	if (!strstr(ua->methods, "publickey") || ua->cur >= ua->n_ids || ua->tries >= AUTH_MAX_TRIES) {
		ua->state = UA_FAILED;
		if (ua->n_ids == 0) {
			LG_E(ua->log, "no usable key: add IdentityFile or load a key into ssh-agent (server allows: %s)", ua->methods);
		} else {
			LG_E(ua->log, "authentication as %s failed: the server refused every key offered (server allows: %s)",
				ua->user, ua->methods);
		}
		return SSHTUN_ERR_AUTH_FAILED;
	}
	return send_query(ua);
}

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
		LG_D1(ua->log, "partial success; server wants more: %s", ua->methods);
	}
	return next_key(ua, ua->state == UA_QUERY || ua->state == UA_SIGNED);
}

static int on_banner(struct ua *ua, const struct tp_msg *m)
{
	struct wire_r r;
	struct wire_view text, lang;
	uint8_t type = 0;
	char clean[1024];

	wire_r_init(&r, m->payload, m->len);
	wire_get_u8(&r, &type);
	wire_get_string(&r, &text);
	wire_get_string(&r, &lang);
	if (wire_end(&r) != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	lg_sanitize(clean, sizeof(clean), text.p, text.n);
	LG_I(ua->log, "server banner: %s", clean);
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
	if (wire_end(&r) != 0 || !wire_view_eq(&alg, ua->alg) || blob.n != id->key.bloblen ||
	    memcmp(blob.p, id->key.blob, blob.n) != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	LG_D1(ua->log, "server accepts key %s", id->label);
	return send_signed(ua);
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
		if (ua->state < UA_NONE || ua->state > UA_SIGNED) {
			break;
		}
		return on_failure(ua, m);
	case SSH_MSG_USERAUTH_PK_OK:
		if (ua->state != UA_QUERY) {
			break;
		}
		return on_pk_ok(ua, m);
	case SSH_MSG_USERAUTH_SUCCESS:
		if (ua->state < UA_NONE || ua->state > UA_SIGNED || m->len != 1) {
			break;
		}
		ua->state = UA_DONE;
		if (ua->cur < ua->n_ids) {
			LG_D1(ua->log, "authenticated with %s", ua->ids[ua->cur].label);
		}
		return 1;
	default:
		break;
	}
	return SSHTUN_ERR_PROTOCOL;
}
