/* sshtun: unit tests of client user authentication: none, publickey query, signature, failures, ordering. */
#include <stdio.h>

#include "crypto/crypto.h"
#include "tests/unit/testutil.h"
#include "util/features.h"
#include "tests/unit/tp_fake.h"
#include "transport/userauth.h"

struct key {
	uint8_t sk[64], pk[32];
	int signs;
};

static int sign_cb(void *ud, const struct pubkey *k, const char *alg, const uint8_t *data, size_t n, struct wire_w *sig)
{
	struct key *key = ud;
	uint8_t s[64];

	(void)k;
	(void)alg;
	key->signs++;
	cry_ed25519_sign(s, key->sk, data, n);
	wire_put_cstring(sig, "ssh-ed25519");
	return wire_put_string(sig, s, sizeof(s));
}

struct fix {
	struct tp *tp;
	struct ua ua;
	struct key keys[2];
	struct ua_identity ids[2];
};

static void make_id(struct ua_identity *id, struct key *k, uint8_t seed)
{
	uint8_t s[32];
	uint8_t blob[64];
	struct wire_w w;

	memset(s, seed, sizeof(s));
	cry_ed25519_from_seed(k->sk, k->pk, s);
	wire_w_init_fixed(&w, blob, sizeof(blob));
	wire_put_cstring(&w, "ssh-ed25519");
	wire_put_string(&w, k->pk, 32);
	assert_int_equal(pubkey_from_blob(&id->key, blob, w.len), 0);
	snprintf(id->label, sizeof(id->label), "key%u", seed);
	id->sign = sign_cb;
	id->ud = k;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	cry_init();
	f->tp = fake_tp_ready(NULL);
	f->tp->session_id_len = 32;
	memset(f->tp->session_id, 0x5a, 32);
	make_id(&f->ids[0], &f->keys[0], 1);
	make_id(&f->ids[1], &f->keys[1], 2);
	ua_init(&f->ua, f->tp, "alice", f->ids, 2, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	ua_free(&f->ua);
	tp_free(f->tp);
	free(f);
	return 0;
}

static int reply(struct fix *f, const uint8_t *p, size_t n)
{
	struct tp_msg m = { p[0], p, n };

	return ua_handle(&f->ua, &m);
}

static int failure(struct fix *f, const char *methods)
{
	uint8_t buf[128];
	struct wire_w w;

	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_USERAUTH_FAILURE);
	wire_put_namelist(&w, methods);
	wire_put_bool(&w, 0);
	return reply(f, buf, w.len);
}

static size_t take(struct fix *f, uint8_t *out, size_t outlen)
{
	return fake_take(f->tp, out, outlen);
}

/* Checks the head of a USERAUTH_REQUEST and returns a reader after the method name. */
static void expect_request(const uint8_t *p, size_t n, const char *method, struct wire_r *r)
{
	struct wire_view user, service, meth;
	uint8_t type = 0;

	wire_r_init(r, p, n);
	wire_get_u8(r, &type);
	wire_get_string(r, &user);
	wire_get_string(r, &service);
	wire_get_string(r, &meth);
	assert_int_equal(wire_err(r), 0);
	assert_int_equal(type, SSH_MSG_USERAUTH_REQUEST);
	assert_true(wire_view_eq(&user, "alice"));
	assert_true(wire_view_eq(&service, "ssh-connection"));
	assert_true(wire_view_eq(&meth, method));
}

static void to_query(struct fix *f)
{
	static const uint8_t accept[] = { SSH_MSG_SERVICE_ACCEPT, 0, 0, 0, 12, 's', 's', 'h', '-', 'u', 's', 'e', 'r', 'a', 'u', 't', 'h' };
	uint8_t out[512];
	struct wire_r r;
	size_t n;

	assert_int_equal(ua_start(&f->ua), 0);
	n = take(f, out, sizeof(out));
	assert_int_equal(out[0], SSH_MSG_SERVICE_REQUEST);
	assert_int_equal(n, 1 + 4 + 12);
	assert_int_equal(reply(f, accept, sizeof(accept)), 0);
	n = take(f, out, sizeof(out));
	expect_request(out, n, "none", &r);
	assert_int_equal(wire_end(&r), 0);
	assert_int_equal(failure(f, "publickey,password"), 0);
}

static void test_full_publickey_flow(void **state)
{
	struct fix *f = *state;
	uint8_t out[512], pkok[128];
	struct wire_r r;
	struct wire_view alg, blob, sig;
	struct wire_w w;
	int has_sig = -1;
	size_t n;

	to_query(f);
	n = take(f, out, sizeof(out));
	expect_request(out, n, "publickey", &r);
	wire_get_bool(&r, &has_sig);
	wire_get_string(&r, &alg);
	wire_get_string(&r, &blob);
	assert_int_equal(wire_end(&r), 0);
	assert_int_equal(has_sig, 0);
	assert_true(wire_view_eq(&alg, "ssh-ed25519"));
	assert_int_equal(f->keys[0].signs, 0);	/* nothing signed before the server says the key would do */
	/* PK_OK: now the signed request. */
	wire_w_init_fixed(&w, pkok, sizeof(pkok));
	wire_put_u8(&w, SSH_MSG_USERAUTH_PK_OK);
	wire_put_cstring(&w, "ssh-ed25519");
	wire_put_string(&w, f->ids[0].key.blob, f->ids[0].key.bloblen);
	assert_int_equal(reply(f, pkok, w.len), 0);
	n = take(f, out, sizeof(out));
	expect_request(out, n, "publickey", &r);
	wire_get_bool(&r, &has_sig);
	wire_get_string(&r, &alg);
	wire_get_string(&r, &blob);
	wire_get_string(&r, &sig);
	assert_int_equal(wire_end(&r), 0);
	assert_int_equal(has_sig, 1);
	/* The signature covers session id + the request without the signature (RFC 4252 7). */
	struct wire_w data;
	wire_w_init(&data, 0);
	wire_put_string(&data, f->tp->session_id, 32);
	wire_put_raw(&data, out, n - 4 - sig.n);
	assert_int_equal(pubkey_verify(&f->ids[0].key, sig.p, sig.n, data.p, data.len), 0);
	data.p[10] ^= 1;
	assert_int_not_equal(pubkey_verify(&f->ids[0].key, sig.p, sig.n, data.p, data.len), 0);
	wire_w_free(&data);
	static const uint8_t ok[] = { SSH_MSG_USERAUTH_SUCCESS };
	assert_int_equal(reply(f, ok, 1), 1);
	assert_int_equal(f->ua.state, UA_DONE);
}

static void test_second_key_after_refusal(void **state)
{
	struct fix *f = *state;
	uint8_t out[512];
	struct wire_r r;
	struct wire_view alg, blob;
	int has_sig = 0;
	size_t n;

	to_query(f);
	take(f, out, sizeof(out));
	assert_int_equal(failure(f, "publickey"), 0);	/* key 1 refused: key 2 offered */
	n = take(f, out, sizeof(out));
	expect_request(out, n, "publickey", &r);
	wire_get_bool(&r, &has_sig);
	wire_get_string(&r, &alg);
	wire_get_string(&r, &blob);
	assert_int_equal(blob.n, f->ids[1].key.bloblen);
	assert_memory_equal(blob.p, f->ids[1].key.blob, blob.n);
	/* Key 2 refused too: every key tried, the server's methods are kept for the message. */
	assert_int_equal(failure(f, "publickey,keyboard-interactive"), SSHTUN_ERR_AUTH_FAILED);
	assert_string_equal(f->ua.methods, "publickey,keyboard-interactive");
	assert_int_equal(f->ua.state, UA_FAILED);
}

static void test_no_publickey_method(void **state)
{
	struct fix *f = *state;
	static const uint8_t accept[] = { SSH_MSG_SERVICE_ACCEPT, 0, 0, 0, 0 };
	uint8_t out[512];

	assert_int_equal(ua_start(&f->ua), 0);
	take(f, out, sizeof(out));
	assert_int_equal(reply(f, accept, sizeof(accept)), 0);
	take(f, out, sizeof(out));
	assert_int_equal(failure(f, "password"), SSHTUN_ERR_AUTH_FAILED);
	assert_string_equal(f->ua.methods, "password");
	assert_int_equal(take(f, out, sizeof(out)), 0);	/* no key offered where it cannot help */
}

static void test_out_of_order_refused(void **state)
{
	struct fix *f = *state;
	static const uint8_t ok[] = { SSH_MSG_USERAUTH_SUCCESS };
	static const uint8_t pkok[] = { SSH_MSG_USERAUTH_PK_OK, 0, 0, 0, 0, 0, 0, 0, 0 };

	assert_int_equal(ua_start(&f->ua), 0);
	assert_int_equal(reply(f, ok, 1), SSHTUN_ERR_PROTOCOL);	/* success before the service was accepted */
	assert_int_equal(reply(f, pkok, sizeof(pkok)), SSHTUN_ERR_PROTOCOL);
	/* A PK_OK for a key we did not offer. */
	struct fix *g = f;
	uint8_t out[512];
	static const uint8_t accept[] = { SSH_MSG_SERVICE_ACCEPT, 0, 0, 0, 0 };
	assert_int_equal(reply(g, accept, sizeof(accept)), 0);
	take(g, out, sizeof(out));
	assert_int_equal(failure(g, "publickey"), 0);
	assert_int_equal(reply(g, pkok, sizeof(pkok)), SSHTUN_ERR_PROTOCOL);
}

/* The algorithm offered in the query, for the key the client is on now. */
static void offered(struct fix *f, const char *want_alg)
{
	uint8_t out[512];
	struct wire_r r;
	struct wire_view alg;
	int has_sig = -1;
	size_t n = take(f, out, sizeof(out));

	expect_request(out, n, "publickey", &r);
	wire_get_bool(&r, &has_sig);
	wire_get_string(&r, &alg);
	assert_int_equal(wire_err(&r), 0);
	assert_int_equal(has_sig, 0);
	assert_true(wire_view_eq(&alg, want_alg));
}

#if SSHTUN_RSA
/*
 * RSA keys sign as PubkeyAcceptedAlgorithms and the server's server-sig-algs allow (RFC 8332 3.3): SHA-512
 * first, SHA-256 when that is all the server takes, SHA-1 never unless named; a key with no algorithm left
 * is not offered. The first identity is made an RSA key for the choice (its blob is never verified here).
 */
static void test_rsa_algorithm_choice(void **state)
{
	T_NEED(SSHTUN_RSA);	/* RSA keys */
	static const struct {
		const char *accepted, *server, *want;
	} cases[] = {
		{ NULL, "", "rsa-sha2-512" },
		{ NULL, "ssh-ed25519,rsa-sha2-256,ssh-rsa", "rsa-sha2-256" },
		{ "rsa-sha2-256,rsa-sha2-512", "", "rsa-sha2-256" },
		{ "+ssh-rsa", "ssh-rsa", "ssh-rsa" },
		{ NULL, "ssh-rsa", "ssh-ed25519" },		/* nothing for RSA: the next key */
		{ "-rsa-sha2-*", "", "ssh-ed25519" },
	};
	struct fix *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tp_free(f->tp);
		f->tp = fake_tp_ready(NULL);
		snprintf(f->tp->server_sig_algs, sizeof(f->tp->server_sig_algs), "%s", cases[i].server);
		ua_init(&f->ua, f->tp, "alice", f->ids, 2, NULL);
		f->ids[0].key.type = PK_RSA;
		assert_int_equal(ua_set_algorithms(&f->ua, cases[i].accepted), 0);
		to_query(f);
		offered(f, cases[i].want);
	}
	assert_int_equal(ua_set_algorithms(&f->ua, "no-such-alg"), SSHTUN_ERR_KEX_NOMATCH);
}

#endif

/* publickey-hostbound-v00@openssh.com when the server announced it: the host key goes into request and signature. */
static void test_hostbound(void **state)
{
	struct fix *f = *state;
	uint8_t out[512], pkok[128];
	struct wire_r r;
	struct wire_view alg, blob, hk, sig;
	struct wire_w w, data;
	int has_sig = -1;
	size_t n;
	static const uint8_t hostkey[] = { 0, 0, 0, 7, 's', 's', 'h', '-', 'x', 'y', 'z' };

	f->tp->ext_hostbound = 1;
	memcpy(f->tp->hostkey_blob, hostkey, sizeof(hostkey));
	f->tp->hostkey_len = sizeof(hostkey);
	to_query(f);
	n = take(f, out, sizeof(out));
	expect_request(out, n, "publickey-hostbound-v00@openssh.com", &r);
	wire_get_bool(&r, &has_sig);
	wire_get_string(&r, &alg);
	wire_get_string(&r, &blob);
	wire_get_string(&r, &hk);
	assert_int_equal(wire_end(&r), 0);
	assert_int_equal(hk.n, sizeof(hostkey));
	assert_memory_equal(hk.p, hostkey, sizeof(hostkey));
	wire_w_init_fixed(&w, pkok, sizeof(pkok));
	wire_put_u8(&w, SSH_MSG_USERAUTH_PK_OK);
	wire_put_cstring(&w, "ssh-ed25519");
	wire_put_string(&w, f->ids[0].key.blob, f->ids[0].key.bloblen);
	assert_int_equal(reply(f, pkok, w.len), 0);
	n = take(f, out, sizeof(out));
	expect_request(out, n, "publickey-hostbound-v00@openssh.com", &r);
	wire_get_bool(&r, &has_sig);
	wire_get_string(&r, &alg);
	wire_get_string(&r, &blob);
	wire_get_string(&r, &hk);
	wire_get_string(&r, &sig);
	assert_int_equal(wire_end(&r), 0);
	assert_int_equal(has_sig, 1);
	/* The signature covers the host key too. */
	wire_w_init(&data, 0);
	wire_put_string(&data, f->tp->session_id, 32);
	wire_put_raw(&data, out, n - 4 - sig.n);
	assert_int_equal(pubkey_verify(&f->ids[0].key, sig.p, sig.n, data.p, data.len), 0);
	data.p[data.len - 1] ^= 1;	/* the host key's last byte */
	assert_int_not_equal(pubkey_verify(&f->ids[0].key, sig.p, sig.n, data.p, data.len), 0);
	wire_w_free(&data);
}

/*
 * PubkeyAcceptedAlgorithms naming only algorithms this build lacks: SSHTUN_ERR_NOT_SUPPORTED (exit 2, "this build
 * of sshtun lacks ..."), not "no algorithm in common"; a name no build knows stays KEX_NOMATCH.
 */
static void test_algorithms_lacking(void **state)
{
	struct fix *f = *state;

	assert_int_equal(ua_set_algorithms(&f->ua, "rsa-sha2-512"), SSHTUN_RSA ? 0 : SSHTUN_ERR_NOT_SUPPORTED);
	assert_int_equal(ua_set_algorithms(&f->ua, "ecdsa-sha2-nistp256"), SSHTUN_ECDSA ? 0 : SSHTUN_ERR_NOT_SUPPORTED);
	assert_int_equal(ua_set_algorithms(&f->ua, "rsa-sha2-512,ssh-ed25519"), 0);
	assert_int_equal(ua_set_algorithms(&f->ua, "no-such-alg"), SSHTUN_ERR_KEX_NOMATCH);
	/* Certificates (SSHTUN_CERT): lacking, not unknown, when left out. */
	assert_int_equal(ua_set_algorithms(&f->ua, "ssh-ed25519-cert-v01@openssh.com"),
		SSHTUN_CERT ? 0 : SSHTUN_ERR_NOT_SUPPORTED);
	assert_int_equal(ua_set_algorithms(&f->ua, "rsa-sha2-512-cert-v01@openssh.com"),
		SSHTUN_CERT && SSHTUN_RSA ? 0 : SSHTUN_ERR_NOT_SUPPORTED);
	assert_int_equal(ua_set_algorithms(&f->ua, "ssh-ed25519-cert-v01@openssh.com,ssh-ed25519"), 0);
}

/* A PK_OK naming another algorithm than the one offered is a protocol error. */
static void test_pk_ok_other_algorithm(void **state)
{
	struct fix *f = *state;
	uint8_t pkok[128];
	struct wire_w w;

	to_query(f);
	offered(f, "ssh-ed25519");
	wire_w_init_fixed(&w, pkok, sizeof(pkok));
	wire_put_u8(&w, SSH_MSG_USERAUTH_PK_OK);
	wire_put_cstring(&w, "ecdsa-sha2-nistp256");
	wire_put_string(&w, f->ids[0].key.blob, f->ids[0].key.bloblen);
	assert_int_equal(reply(f, pkok, w.len), SSHTUN_ERR_PROTOCOL);
	assert_int_equal(f->keys[0].signs, 0);
}

/* A scripted user: what was asked, and the answers to give (NULL: decline; "later": answer after return). */
struct asker {
	int calls, kind;
	unsigned n;
	char name[128], instruction[512], q[4][128];
	int echo[4];
	const char *answers[4];
	int decline, cannot;
};

static int fake_ask(void *ud, int kind, const char *name, const char *instruction, unsigned n, const char *const *q,
	const int *echo)
{
	struct asker *a = ud;

	a->calls++;
	a->kind = kind;
	a->n = n;
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->instruction, sizeof(a->instruction), "%s", instruction);
	for (unsigned i = 0; i < n && i < 4; i++) {
		snprintf(a->q[i], sizeof(a->q[i]), "%s", q[i]);
		a->echo[i] = echo[i];
	}
	return a->cannot ? SSHTUN_ERR_NO_PROMPT : SSHTUN_ERR_AGAIN;
}

static void with_asker(struct fix *f, struct asker *a, const char *preferred)
{
	struct ua_opts o;

	memset(&o, 0, sizeof(o));
	o.host = "gw";
	o.preferred = preferred;
	o.pubkey = o.kbdint = o.password = 1;
	o.prompts = 3;
	o.ask = fake_ask;
	o.ask_ud = a;
	ua_set_opts(&f->ua, &o);
}

/* The next request must be method; returns a reader after the method name. */
static void next_request(struct fix *f, uint8_t *out, size_t outlen, const char *method, struct wire_r *r)
{
	size_t n = take(f, out, outlen);

	assert_true(n > 0);
	expect_request(out, n, method, r);
}

/* From "none" to a FAILURE listing methods. */
static void to_methods(struct fix *f, const char *methods)
{
	static const uint8_t accept[] = { SSH_MSG_SERVICE_ACCEPT, 0, 0, 0, 12, 's', 's', 'h', '-', 'u', 's', 'e', 'r', 'a', 'u', 't', 'h' };
	uint8_t out[512];
	struct wire_r r;

	assert_int_equal(ua_start(&f->ua), 0);
	take(f, out, sizeof(out));
	assert_int_equal(reply(f, accept, sizeof(accept)), 0);
	next_request(f, out, sizeof(out), "none", &r);
	assert_int_equal(failure(f, methods), 0);
}

/* password: asked as ssh asks, sent as RFC 4252 8 says, refused twice then accepted; a decline moves on. */
static void test_password(void **state)
{
	struct fix *f = *state;
	struct asker a;
	uint8_t out[512];
	struct wire_r r;
	struct wire_view pw;
	int change = -1;
	const char *ans[1] = { "hunter2" };
	static const uint8_t ok[] = { SSH_MSG_USERAUTH_SUCCESS };

	memset(&a, 0, sizeof(a));
	f->ua.n_ids = 0;
	with_asker(f, &a, NULL);
	to_methods(f, "password");
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.kind, UA_ASK_PASSWORD);
	assert_string_equal(a.q[0], "alice@gw's password: ");
	assert_int_equal(a.echo[0], 0);
	assert_int_equal(take(f, out, sizeof(out)), 0);	/* nothing sent while the user is asked */
	assert_int_equal(f->ua.state, UA_ASKING);
	assert_int_equal(ua_answer(&f->ua, ans, 1), 0);
	next_request(f, out, sizeof(out), "password", &r);
	wire_get_bool(&r, &change);
	wire_get_string(&r, &pw);
	assert_int_equal(wire_end(&r), 0);
	assert_int_equal(change, 0);
	assert_true(wire_view_eq(&pw, "hunter2"));
	/* Refused: asked again, with ssh's words. */
	assert_int_equal(failure(f, "password"), 0);
	assert_int_equal(a.calls, 2);
	assert_string_equal(a.instruction, "Permission denied, please try again.\n");
	assert_int_equal(ua_answer(&f->ua, ans, 1), 0);
	next_request(f, out, sizeof(out), "password", &r);
	assert_int_equal(reply(f, ok, 1), 1);
	assert_int_equal(f->ua.state, UA_DONE);
	assert_null(f->ua.old_password);	/* wiped once done */
}

/* After NumberOfPasswordPrompts refusals, or a declined question, the method is given up: the line names it. */
static void test_password_exhausted(void **state)
{
	struct fix *f = *state;
	struct asker a;
	uint8_t out[512];
	struct wire_r r;
	const char *ans[1] = { "wrong" };

	memset(&a, 0, sizeof(a));
	f->ua.n_ids = 0;
	with_asker(f, &a, NULL);
	to_methods(f, "password");
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ua_answer(&f->ua, ans, 1), 0);
		next_request(f, out, sizeof(out), "password", &r);
		assert_int_equal(failure(f, "password"), 0);
	}
	assert_int_equal(ua_answer(&f->ua, ans, 1), 0);
	next_request(f, out, sizeof(out), "password", &r);
	assert_int_equal(failure(f, "password"), SSHTUN_ERR_AUTH_FAILED);
	assert_int_equal(a.calls, 3);
	assert_string_equal(f->ua.tried, "password");
	/* A declined question: no request at all, and the next method (none left) ends it. */
	ua_free(&f->ua);
	tp_free(f->tp);
	f->tp = fake_tp_ready(NULL);
	ua_init(&f->ua, f->tp, "alice", f->ids, 0, NULL);
	memset(&a, 0, sizeof(a));
	with_asker(f, &a, NULL);
	to_methods(f, "password");
	assert_int_equal(ua_answer(&f->ua, NULL, 0), SSHTUN_ERR_AUTH_FAILED);
	assert_int_equal(take(f, out, sizeof(out)), 0);
	/* Nothing can be asked (BatchMode): password is not tried at all. */
	ua_free(&f->ua);
	tp_free(f->tp);
	f->tp = fake_tp_ready(NULL);
	ua_init(&f->ua, f->tp, "alice", f->ids, 0, NULL);
	memset(&a, 0, sizeof(a));
	a.cannot = 1;
	with_asker(f, &a, NULL);
	{
		static const uint8_t accept[] = { SSH_MSG_SERVICE_ACCEPT, 0, 0, 0, 12, 's', 's', 'h', '-', 'u', 's', 'e', 'r', 'a',
			'u', 't', 'h' };

		assert_int_equal(ua_start(&f->ua), 0);
		take(f, out, sizeof(out));
		assert_int_equal(reply(f, accept, sizeof(accept)), 0);
		next_request(f, out, sizeof(out), "none", &r);
		assert_int_equal(failure(f, "password"), SSHTUN_ERR_AUTH_FAILED);
		assert_int_equal(take(f, out, sizeof(out)), 0);
	}
}

/* The server asks for a new password (PASSWD_CHANGEREQ): asked twice, a mismatch asked again, then sent with the old. */
static void test_password_change(void **state)
{
	struct fix *f = *state;
	struct asker a;
	uint8_t out[512], req[128];
	struct wire_r r;
	struct wire_view oldpw, newpw;
	struct wire_w w;
	int change = -1;
	const char *pw[1] = { "old-one" }, *mismatch[2] = { "new-one", "new-two" }, *good[2] = { "new-one", "new-one" };

	memset(&a, 0, sizeof(a));
	f->ua.n_ids = 0;
	with_asker(f, &a, NULL);
	to_methods(f, "password");
	assert_int_equal(ua_answer(&f->ua, pw, 1), 0);
	next_request(f, out, sizeof(out), "password", &r);
	wire_w_init_fixed(&w, req, sizeof(req));
	wire_put_u8(&w, SSH_MSG_USERAUTH_PASSWD_CHANGEREQ);
	wire_put_cstring(&w, "Your password has expired.\r\n");
	wire_put_cstring(&w, "");
	assert_int_equal(reply(f, req, w.len), 0);
	assert_int_equal(a.kind, UA_ASK_NEW_PASSWORD);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.instruction, "Your password has expired.\n");
	assert_int_equal(ua_answer(&f->ua, mismatch, 2), 0);
	assert_string_equal(a.instruction, "Mismatch; try again.\n");
	assert_int_equal(take(f, out, sizeof(out)), 0);
	assert_int_equal(ua_answer(&f->ua, good, 2), 0);
	next_request(f, out, sizeof(out), "password", &r);
	wire_get_bool(&r, &change);
	wire_get_string(&r, &oldpw);
	wire_get_string(&r, &newpw);
	assert_int_equal(wire_end(&r), 0);
	assert_int_equal(change, 1);
	assert_true(wire_view_eq(&oldpw, "old-one"));
	assert_true(wire_view_eq(&newpw, "new-one"));
	assert_null(f->ua.old_password);
	/* New passwords that never match: given up after NumberOfPasswordPrompts tries, not asked forever. */
	ua_free(&f->ua);
	tp_free(f->tp);
	f->tp = fake_tp_ready(NULL);
	ua_init(&f->ua, f->tp, "alice", f->ids, 0, NULL);
	memset(&a, 0, sizeof(a));
	with_asker(f, &a, NULL);
	to_methods(f, "password");
	assert_int_equal(ua_answer(&f->ua, pw, 1), 0);
	next_request(f, out, sizeof(out), "password", &r);
	assert_int_equal(reply(f, req, w.len), 0);
	assert_int_equal(ua_answer(&f->ua, mismatch, 2), 0);
	assert_int_equal(ua_answer(&f->ua, mismatch, 2), 0);
	assert_int_equal(ua_answer(&f->ua, mismatch, 2), SSHTUN_ERR_AUTH_FAILED);
	assert_int_equal(a.calls, 4);
	assert_null(f->ua.old_password);
}

/* keyboard-interactive (RFC 4256): several prompts with their echo flags, an empty round, then success. */
static void test_keyboard_interactive(void **state)
{
	struct fix *f = *state;
	struct asker a;
	uint8_t out[512], req[512];
	struct wire_r r;
	struct wire_view lang, sub, v;
	struct wire_w w;
	uint8_t type = 0;
	uint32_t n = 0;
	const char *ans[2] = { "secret", "123456" };
	static const uint8_t ok[] = { SSH_MSG_USERAUTH_SUCCESS };

	memset(&a, 0, sizeof(a));
	f->ua.n_ids = 0;
	with_asker(f, &a, NULL);
	to_methods(f, "keyboard-interactive,password");	/* both: keyboard-interactive comes first by default */
	next_request(f, out, sizeof(out), "keyboard-interactive", &r);
	wire_get_string(&r, &lang);
	wire_get_string(&r, &sub);
	assert_int_equal(wire_end(&r), 0);
	assert_int_equal(a.calls, 0);
	wire_w_init_fixed(&w, req, sizeof(req));
	wire_put_u8(&w, SSH_MSG_USERAUTH_INFO_REQUEST);
	wire_put_cstring(&w, "Two factors");
	wire_put_cstring(&w, "Line one\r\nline \x1b[31mtwo\n");
	wire_put_cstring(&w, "");
	wire_put_u32(&w, 2);
	wire_put_cstring(&w, "Password: ");
	wire_put_bool(&w, 0);
	wire_put_cstring(&w, "Code: ");
	wire_put_bool(&w, 1);
	assert_int_equal(reply(f, req, w.len), 0);
	assert_int_equal(a.kind, UA_ASK_KBDINT);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.name, "Two factors");
	assert_string_equal(a.instruction, "Line one\nline ?[31mtwo\n");	/* lines kept, control bytes made harmless */
	assert_string_equal(a.q[0], "Password: ");
	assert_string_equal(a.q[1], "Code: ");
	assert_int_equal(a.echo[0], 0);
	assert_int_equal(a.echo[1], 1);
	assert_int_equal(ua_answer(&f->ua, ans, 2), 0);
	assert_true(take(f, out, sizeof(out)) > 0);
	wire_r_init(&r, out, sizeof(out));
	wire_get_u8(&r, &type);
	wire_get_u32(&r, &n);
	assert_int_equal(type, SSH_MSG_USERAUTH_INFO_RESPONSE);
	assert_int_equal(n, 2);
	wire_get_string(&r, &v);
	assert_true(wire_view_eq(&v, "secret"));
	wire_get_string(&r, &v);
	assert_true(wire_view_eq(&v, "123456"));
	/* An empty request (no prompts) is answered at once, nothing asked. */
	wire_w_init_fixed(&w, req, sizeof(req));
	wire_put_u8(&w, SSH_MSG_USERAUTH_INFO_REQUEST);
	wire_put_cstring(&w, "");
	wire_put_cstring(&w, "");
	wire_put_cstring(&w, "");
	wire_put_u32(&w, 0);
	assert_int_equal(reply(f, req, w.len), 0);
	assert_int_equal(a.calls, 1);
	assert_true(take(f, out, sizeof(out)) == 5);
	assert_int_equal(out[0], SSH_MSG_USERAUTH_INFO_RESPONSE);
	assert_int_equal(reply(f, ok, 1), 1);
	/* More prompts than we take, or a truncated request, is a protocol error. */
	ua_free(&f->ua);
	tp_free(f->tp);
	f->tp = fake_tp_ready(NULL);
	ua_init(&f->ua, f->tp, "alice", f->ids, 0, NULL);
	with_asker(f, &a, NULL);
	to_methods(f, "keyboard-interactive");
	next_request(f, out, sizeof(out), "keyboard-interactive", &r);
	wire_w_init_fixed(&w, req, sizeof(req));
	wire_put_u8(&w, SSH_MSG_USERAUTH_INFO_REQUEST);
	wire_put_cstring(&w, "");
	wire_put_cstring(&w, "");
	wire_put_cstring(&w, "");
	wire_put_u32(&w, 17);
	assert_int_equal(reply(f, req, w.len), SSHTUN_ERR_PROTOCOL);
}

/*
 * Partial success (AuthenticationMethods publickey,password): the key is accepted with partial success,
 * then the password; PreferredAuthentications orders what is tried, and a method left out is never tried.
 */
static void test_partial_success_and_preferred(void **state)
{
	struct fix *f = *state;
	struct asker a;
	uint8_t out[512], pkok[128], buf[128];
	struct wire_r r;
	struct wire_w w;
	const char *ans[1] = { "pw" };
	static const uint8_t ok[] = { SSH_MSG_USERAUTH_SUCCESS };

	memset(&a, 0, sizeof(a));
	with_asker(f, &a, NULL);
	to_methods(f, "publickey");
	next_request(f, out, sizeof(out), "publickey", &r);
	wire_w_init_fixed(&w, pkok, sizeof(pkok));
	wire_put_u8(&w, SSH_MSG_USERAUTH_PK_OK);
	wire_put_cstring(&w, "ssh-ed25519");
	wire_put_string(&w, f->ids[0].key.blob, f->ids[0].key.bloblen);
	assert_int_equal(reply(f, pkok, w.len), 0);
	next_request(f, out, sizeof(out), "publickey", &r);
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_USERAUTH_FAILURE);
	wire_put_namelist(&w, "password");
	wire_put_bool(&w, 1);
	assert_int_equal(reply(f, buf, w.len), 0);
	assert_int_equal(a.kind, UA_ASK_PASSWORD);
	assert_int_equal(ua_answer(&f->ua, ans, 1), 0);
	next_request(f, out, sizeof(out), "password", &r);
	assert_int_equal(reply(f, ok, 1), 1);
	assert_string_equal(f->ua.tried, "publickey,password");

	/* PreferredAuthentications password,publickey: the password first although keys exist. */
	ua_free(&f->ua);
	tp_free(f->tp);
	f->tp = fake_tp_ready(NULL);
	ua_init(&f->ua, f->tp, "alice", f->ids, 2, NULL);
	memset(&a, 0, sizeof(a));
	with_asker(f, &a, "password,publickey");
	to_methods(f, "publickey,password,keyboard-interactive");
	assert_int_equal(a.kind, UA_ASK_PASSWORD);
	/* PreferredAuthentications publickey only: with the keys refused, nothing else is tried. */
	ua_free(&f->ua);
	tp_free(f->tp);
	f->tp = fake_tp_ready(NULL);
	ua_init(&f->ua, f->tp, "alice", f->ids, 1, NULL);
	memset(&a, 0, sizeof(a));
	with_asker(f, &a, "publickey");
	to_methods(f, "publickey,password");
	next_request(f, out, sizeof(out), "publickey", &r);
	assert_int_equal(failure(f, "publickey,password"), SSHTUN_ERR_AUTH_FAILED);
	assert_int_equal(a.calls, 0);
}

static void test_banner_and_malformed(void **state)
{
	struct fix *f = *state;
	uint8_t buf[128];
	struct wire_w w;

	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_USERAUTH_BANNER);
	wire_put_cstring(&w, "Welcome\n");
	wire_put_cstring(&w, "");
	assert_int_equal(reply(f, buf, w.len), 0);
	buf[4] = 200;	/* string length past the end */
	assert_int_equal(reply(f, buf, w.len), SSHTUN_ERR_PROTOCOL);
	to_query(f);
	static const uint8_t trunc[] = { SSH_MSG_USERAUTH_FAILURE, 0, 0, 0, 9, 'p' };
	assert_int_equal(reply(f, trunc, sizeof(trunc)), SSHTUN_ERR_PROTOCOL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_publickey_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_key_after_refusal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_publickey_method, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_banner_and_malformed, setup, teardown),
#if SSHTUN_RSA
		cmocka_unit_test_setup_teardown(test_rsa_algorithm_choice, setup, teardown),
#endif
		cmocka_unit_test_setup_teardown(test_algorithms_lacking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pk_ok_other_algorithm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_exhausted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyboard_interactive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_success_and_preferred, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
