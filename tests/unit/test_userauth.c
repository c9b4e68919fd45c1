/* sshtun: unit tests of client user authentication: none, publickey query, signature, failures, ordering. */
#include <stdio.h>

#include "crypto/crypto.h"
#include "tests/unit/testutil.h"
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

/*
 * RSA keys sign as PubkeyAcceptedAlgorithms and the server's server-sig-algs allow (RFC 8332 3.3): SHA-512
 * first, SHA-256 when that is all the server takes, SHA-1 never unless named; a key with no algorithm left
 * is not offered. The first identity is made an RSA key for the choice (its blob is never verified here).
 */
static void test_rsa_algorithm_choice(void **state)
{
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
		cmocka_unit_test_setup_teardown(test_rsa_algorithm_choice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pk_ok_other_algorithm, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
