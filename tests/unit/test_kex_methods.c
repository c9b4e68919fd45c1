/*
 * sshtun: every key exchange method of the client's table against the in-memory server (tests/unit/kex_server.h),
 * which computes with the method's own server function but encodes and hashes by what the specifications say
 * (not by the client's row): a whole exchange, data both ways, a re-exchange; and the server values each method
 * must refuse (wrong sizes, points off the curve, DH values out of range, bad group-exchange groups).
 */
#include "tests/unit/testutil.h"

#include "tests/unit/kex_server.h"
#include "util/features.h"

struct fix {
	struct ks_key host;
	struct ks s;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(cry_init(), 0);
	assert_int_equal(ks_key_ed25519(&f->host, 1), 0);
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

/* A client with its defaults and a server that offers only method (and strict kex), both KEXINITs crossed. */
static struct ks *start(struct fix *f, const char *method, char *kexbuf, size_t kexlen)
{
	ks_free(&f->s);
	assert_int_equal(ks_init(&f->s, &f->host, NULL, 1), 0);
	snprintf(kexbuf, kexlen, "%s,kex-strict-s-v00@openssh.com", method);
	f->s.kex_algs = kexbuf;
	return &f->s;
}

/* One message each way under the keys in use: each arrives intact, and not in the clear. */
static void round_trip(struct ks *s)
{
	static const uint8_t down[] = { SSH_MSG_IGNORE, 0, 0, 0, 6, 's', 'e', 'c', 'r', 'e', 't' };
	static const uint8_t up[] = { SSH_MSG_IGNORE, 0, 0, 0, 6, 'h', 'i', 'd', 'd', 'e', 'n' };
	uint8_t wire[256], got[256];
	const uint8_t *out = NULL;
	struct tp_msg m;
	size_t n = 0;

	assert_int_equal(ks_seal(s, down, sizeof(down), wire, sizeof(wire), &n), 0);
	assert_null(memmem(wire, n, "secret", 6));
	assert_int_equal(tp_input(s->tp, wire, n), 0);
	assert_int_equal(tp_poll(s->tp, &m), 0);	/* IGNORE is taken by the transport itself */
	assert_false(tp_is_closed(s->tp));
	assert_int_equal(tp_send(s->tp, up, sizeof(up)), 0);
	n = tp_output(s->tp, &out);
	assert_null(memmem(out, n, "hidden", 6));
	assert_int_equal(ks_recv(s, got, sizeof(got), &n), 1);
	assert_int_equal(n, sizeof(up));
	assert_memory_equal(got, up, sizeof(up));
}

/* Every method: the exchange, the session id (the method's hash length), data, a re-exchange, data. */
static void test_each_method(void **state)
{
	struct fix *f = *state;
	char kex[256];
	unsigned count = 0;

	for (size_t i = 0; tp_kex_algs[i]; i++) {
		const char *name = tp_kex_algs[i]->name;
		struct ks *s = start(f, name, kex, sizeof(kex));
		const uint8_t *sid;
		uint8_t first[KS_H_MAX];
		size_t sidlen = 0;

		print_message("# %s\n", name);
		assert_int_equal(ks_handshake(s), 0);
		assert_string_equal(tp_kex_name(s->tp), name);
		sid = tp_session_id(s->tp, &sidlen);
		assert_int_equal(sidlen, cry_hash_len(ks_method_of(name).hash));
		assert_memory_equal(sid, s->session_id, sidlen);
		memcpy(first, sid, sidlen);
		round_trip(s);
		assert_int_equal(ks_rekey(s), 0);
		assert_int_equal(tp_kex_count(s->tp), 2);
		sid = tp_session_id(s->tp, &sidlen);
		assert_memory_equal(sid, first, sidlen);
		assert_memory_not_equal(s->h, first, sidlen);
		round_trip(s);
		count++;
	}
	assert_true(count >= 2);
}

/* The client's default list puts the post-quantum methods first: offered everything, it picks one of them. */
static void test_post_quantum_first(void **state)
{
	struct fix *f = *state;
	char all[1024] = "", kex[1100];
	struct ks *s;

	for (size_t i = 0; tp_kex_algs[i]; i++) {
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", all[0] ? "," : "", tp_kex_algs[i]->name);
	}
	s = start(f, all, kex, sizeof(kex));
	assert_int_equal(ks_handshake(s), 0);
	assert_string_equal(tp_kex_name(s->tp), tp_kex_algs[0]->name);
#if SSHTUN_MLKEM
	assert_string_equal(tp_kex_name(s->tp), "mlkem768x25519-sha256");
#endif
}

/*
 * The server's value replaced (with len bytes of v, or by a mutation of the honest one), the rest honest and
 * signed: the client refuses with SSHTUN_ERR_KEX_FAILED before the host key is asked about.
 */
static void refuse_value(struct fix *f, const char *method, const uint8_t *v, size_t len, void (*mutate)(struct ks *))
{
	static const uint8_t newkeys = SSH_MSG_NEWKEYS;
	char kex[256];
	struct ks *s = start(f, method, kex, sizeof(kex));
	uint8_t h[KS_H_MAX], p[1024];
	struct wire_w sig;
	struct tp_msg m;
	size_t n = 0;

	assert_int_equal(ks_hello(s), 0);
	if (v) {
		memcpy(s->q_s, v, len);
		s->q_s_len = len;
	}
	if (mutate) {
		mutate(s);
	}
	assert_int_equal(ks_hash(s, f->host.blob, f->host.bloblen, s->q_s, s->q_s_len, h), 0);
	wire_w_init(&sig, 0);
	assert_int_equal(f->host.sign(&f->host, h, s->h_len, &sig), 0);
	assert_int_equal(ks_reply(s, f->host.blob, f->host.bloblen, sig.p, sig.len), 0);
	wire_w_free(&sig);
	assert_int_equal(ks_take_keys(s, h), 0);
	assert_int_equal(ks_send(s, &newkeys, 1), 0);
	assert_int_equal(tp_poll(s->tp, &m), SSHTUN_ERR_KEX_FAILED);
	assert_true(tp_is_closed(s->tp));
	assert_int_equal(s->hostkey_calls, 0);
	assert_int_equal(ks_recv(s, p, sizeof(p), &n), 1);
	assert_int_equal(p[0], SSH_MSG_DISCONNECT);
	assert_int_equal(wire_peek_u32(p + 1), SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
}

static void shorter(struct ks *s)
{
	s->q_s_len--;
}

static void longer(struct ks *s)
{
	s->q_s[s->q_s_len++] = 0x5a;
}

/* The X25519 half of a hybrid's value (its last 32 bytes) set to zero: an all-zero secret. */
static void x25519_half_zero(struct ks *s)
{
	memset(s->q_s + s->q_s_len - 32, 0, 32);
}

static void test_refuse_sizes(void **state)
{
	struct fix *f = *state;

	for (size_t i = 0; tp_kex_algs[i]; i++) {
		if (ks_method_of(tp_kex_algs[i]->name).q_mpint) {
			continue;	/* a DH value has no fixed size: its range is checked below */
		}
		print_message("# %s\n", tp_kex_algs[i]->name);
		refuse_value(f, tp_kex_algs[i]->name, NULL, 0, shorter);
		refuse_value(f, tp_kex_algs[i]->name, NULL, 0, longer);
	}
}

static void test_refuse_hybrid_zero_x25519(void **state)
{
	struct fix *f = *state;
	unsigned n = 0;

	for (size_t i = 0; tp_kex_algs[i]; i++) {
		if (tp_kex_algs[i]->pq) {
			refuse_value(f, tp_kex_algs[i]->name, NULL, 0, x25519_half_zero);
			n++;
		}
	}
	(void)n;
}

#if SSHTUN_ECDH_NIST
/* y + 1: no longer on the curve. */
static void off_curve(struct ks *s)
{
	s->q_s[s->q_s_len - 1] ^= 1;
}

/* The compressed form (02/03 || x) is not what RFC 5656 sends. */
static void compressed(struct ks *s)
{
	s->q_s[0] = 0x02 | (s->q_s[s->q_s_len - 1] & 1);
	s->q_s_len = 1 + (s->q_s_len - 1) / 2;
}

static void test_refuse_ecdh_points(void **state)
{
	static const char *const names[] = { "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521" };
	static const uint8_t zero[1 + 2 * 66] = { 0x04 };
	struct fix *f = *state;

	for (size_t i = 0; i < 3; i++) {
		size_t n = i == 0 ? 65 : i == 1 ? 97 : 133;

		refuse_value(f, names[i], NULL, 0, off_curve);
		refuse_value(f, names[i], NULL, 0, compressed);
		refuse_value(f, names[i], zero, n, NULL);	/* (0, 0): not on the curve */
		refuse_value(f, names[i], zero, 1, NULL);	/* the point at infinity's encoding */
	}
}
#endif

#if SSHTUN_DH
/* f of group14: 0, 1, p-1, p, p+2 and a value longer than p. */
static void test_refuse_dh_values(void **state)
{
	struct fix *f = *state;
	BIGNUM *p = BN_get_rfc3526_prime_2048(NULL);
	uint8_t v[300];
	int n;

	assert_non_null(p);
	n = BN_bn2bin(p, v);
	assert_int_equal(n, 256);
	refuse_value(f, "diffie-hellman-group14-sha256", v, 256, NULL);	/* p */
	assert_int_equal(BN_add_word(p, 2), 1);
	assert_int_equal(BN_bn2bin(p, v), 256);
	refuse_value(f, "diffie-hellman-group14-sha256", v, 256, NULL);	/* p + 2: 2, but not reduced */
	assert_int_equal(BN_sub_word(p, 2), 1);
	assert_int_equal(BN_bn2bin(p, v), 256);
	v[255] -= 1;
	refuse_value(f, "diffie-hellman-group14-sha256", v, 256, NULL);	/* p - 1 */
	memset(v, 0, sizeof(v));
	refuse_value(f, "diffie-hellman-group14-sha256", v, 0, NULL);	/* 0 */
	v[0] = 1;
	refuse_value(f, "diffie-hellman-group14-sha256", v, 1, NULL);	/* 1 */
	memset(v, 0xff, 257);
	refuse_value(f, "diffie-hellman-group14-sha256", v, 257, NULL);	/* > p */
	BN_free(p);
}

/* The group exchange asks for 2048..8192 bits, n by the ciphers (OpenSSH's estimate), and takes a good group. */
static void test_gex_request(void **state)
{
	struct fix *f = *state;
	char kex[256];
	struct ks *s = start(f, "diffie-hellman-group-exchange-sha256", kex, sizeof(kex));

	s->cipher = "chacha20-poly1305@openssh.com";	/* a 512-bit key: the largest group */
	assert_int_equal(ks_handshake(s), 0);
	assert_int_equal(s->gex_min, 2048);
	assert_int_equal(s->gex_n, 8192);
	assert_int_equal(s->gex_max, 8192);
	s = start(f, "diffie-hellman-group-exchange-sha256", kex, sizeof(kex));
	s->cipher = "aes128-gcm@openssh.com";	/* 128 bits: 3072 */
	assert_int_equal(ks_handshake(s), 0);
	assert_int_equal(s->gex_n, 3072);
	s = start(f, "diffie-hellman-group-exchange-sha256", kex, sizeof(kex));
	s->cipher = "aes128-ctr";
	s->mac = "hmac-sha2-512";		/* a 512-bit MAC key: 8192, as OpenSSH asks */
	assert_int_equal(ks_handshake(s), 0);
	assert_int_equal(s->gex_n, 8192);
}

/* The server's group p (a BIGNUM, freed) and g is refused when the client has checked it. */
static void refuse_group(struct fix *f, BIGNUM *p, unsigned g)
{
	char kex[256];
	struct ks *s = start(f, "diffie-hellman-group-exchange-sha256", kex, sizeof(kex));
	uint8_t pkt[512];
	size_t n = 0;

	assert_non_null(p);
	assert_true(BN_num_bytes(p) <= KS_Q_MAX);
	s->gex_plen = (size_t)BN_bn2bin(p, s->gex_p);
	BN_free(p);
	s->gex_g[0] = (uint8_t)(g >> 8);
	s->gex_g[1] = (uint8_t)g;
	s->gex_glen = 2;
	if (g == 0xffff) {	/* p - 1 */
		memcpy(s->gex_g, s->gex_p, s->gex_plen);
		s->gex_g[s->gex_plen - 1] -= 1;
		s->gex_glen = s->gex_plen;
	}
	assert_int_equal(ks_hello(s), SSHTUN_ERR_KEX_FAILED);
	assert_true(tp_is_closed(s->tp));
	assert_int_equal(ks_recv(s, pkt, sizeof(pkt), &n), 1);
	assert_int_equal(pkt[0], SSH_MSG_DISCONNECT);
	assert_int_equal(wire_peek_u32(pkt + 1), SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
}

static void test_refuse_gex_groups(void **state)
{
	struct fix *f = *state;
	BIGNUM *p;

	/* Too small: RFC 2409's 1024-bit group, a safe prime. */
	refuse_group(f, BN_get_rfc2409_prime_1024(NULL), 2);
	/* Not prime: RFC 3526's 2048-bit prime plus 2. */
	p = BN_get_rfc3526_prime_2048(NULL);
	assert_int_equal(BN_add_word(p, 2), 1);
	refuse_group(f, p, 2);
	/* Prime but not safe: (p-1)/2 has small factors. */
	p = BN_new();
	assert_int_equal(BN_generate_prime_ex(p, 2048, 0, NULL, NULL, NULL), 1);
	refuse_group(f, p, 2);
	/*
	 * Prime, and (p-1)/2 has no small factor but is composite: only Miller-Rabin tells. q = r * m with r a
	 * 1024-bit prime and m odd without factors below 4096, until p = 2q + 1 is prime.
	 */
	{
		BIGNUM *r = BN_new(), *m = BN_new(), *q = BN_new();
		BN_CTX *ctx = BN_CTX_new();
		int found = 0;

		p = BN_new();
		assert_int_equal(BN_generate_prime_ex(r, 1024, 0, NULL, NULL, NULL), 1);
		for (int tries = 0; tries < 100000 && !found; tries++) {
			int small = 0;

			assert_int_equal(BN_rand(m, 1024, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD), 1);
			for (BN_ULONG d = 3; d < 4096 && !small; d += 2) {
				small = BN_mod_word(m, d) == 0;
			}
			if (small) {
				continue;
			}
			assert_int_equal(BN_mul(q, r, m, ctx), 1);
			assert_int_equal(BN_lshift1(p, q), 1);
			assert_int_equal(BN_add_word(p, 1), 1);
			found = BN_check_prime(p, ctx, NULL) == 1;
		}
		assert_true(found);
		BN_free(r);
		BN_free(m);
		BN_free(q);
		BN_CTX_free(ctx);
		refuse_group(f, p, 2);
	}
	/* Good prime, bad generators: 1 and p - 1. */
	refuse_group(f, BN_get_rfc3526_prime_2048(NULL), 1);
	refuse_group(f, BN_get_rfc3526_prime_2048(NULL), 0xffff);
	/* Larger than asked for at most (8192 bits): a 9000-bit odd number is refused before any primality test. */
	p = BN_new();
	assert_int_equal(BN_rand(p, 9000, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD), 1);
	refuse_group(f, p, 2);
}
#endif

/* The client refused what came: tp_poll gives want, the transport is closed, its last packet a DISCONNECT. */
static void expect_closed(struct ks *s, int want)
{
	uint8_t p[1024];
	struct tp_msg m;
	size_t n = 0;

	assert_int_equal(tp_poll(s->tp, &m), want);
	assert_true(tp_is_closed(s->tp));
	assert_false(tp_is_ready(s->tp));
	while (ks_recv(s, p, sizeof(p), &n) == 1 && p[0] != SSH_MSG_DISCONNECT) {
	}
	assert_int_equal(p[0], SSH_MSG_DISCONNECT);
}

/* NEWKEYS must be the one byte: with anything after it the keys are not taken. */
static void test_newkeys_malformed(void **state)
{
	static const uint8_t bad[] = { SSH_MSG_NEWKEYS, 0 };
	struct fix *f = *state;
	char kex[128];
	struct ks *s = start(f, "curve25519-sha256", kex, sizeof(kex));
	uint8_t h[KS_H_MAX];
	struct wire_w sig;

	assert_int_equal(ks_hello(s), 0);
	assert_int_equal(ks_hash(s, f->host.blob, f->host.bloblen, s->q_s, s->q_s_len, h), 0);
	wire_w_init(&sig, 0);
	assert_int_equal(f->host.sign(&f->host, h, s->h_len, &sig), 0);
	assert_int_equal(ks_reply(s, f->host.blob, f->host.bloblen, sig.p, sig.len), 0);
	wire_w_free(&sig);
	assert_int_equal(ks_take_keys(s, h), 0);
	assert_int_equal(ks_send(s, bad, sizeof(bad)), 0);
	expect_closed(s, SSHTUN_ERR_PROTOCOL);
}

/* NEWKEYS before the reply (no keys derived yet) is out of order. */
static void test_newkeys_early(void **state)
{
	static const uint8_t newkeys = SSH_MSG_NEWKEYS;
	struct fix *f = *state;
	char kex[128];
	struct ks *s = start(f, "curve25519-sha256", kex, sizeof(kex));

	uint8_t wire[64];
	size_t n = 0;

	assert_int_equal(ks_hello(s), 0);
	/* Framed by hand: ks_send would take the server's next keys, which do not exist yet. */
	assert_int_equal(ks_seal(s, &newkeys, 1, wire, sizeof(wire), &n), 0);
	assert_int_equal(tp_input(s->tp, wire, n), 0);
	expect_closed(s, SSHTUN_ERR_PROTOCOL);
}

#if SSHTUN_ZLIB
/* A client asking for compression (Compression yes) and a server offering only comp. */
static struct ks *start_comp(struct fix *f, const char *comp)
{
	struct tp_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.compression = 1;
	ks_free(&f->s);
	assert_int_equal(ks_init_cfg(&f->s, &f->host, NULL, 1, &cfg), 0);
	f->s.comp = comp;
	return &f->s;
}

/* "zlib": compressed both ways from the first NEWKEYS, restarted at each one (the server restarts too). */
static void test_compression_zlib(void **state)
{
	struct fix *f = *state;
	struct ks *s = start_comp(f, "zlib");
	uint64_t z[4];

	assert_int_equal(ks_handshake(s), 0);
	assert_string_equal(tp_comp_name(s->tp), "zlib");
	round_trip(s);
	tp_comp_stats(s->tp, z);
	assert_true(z[0] > 0 && z[2] > 0);
	assert_int_equal(ks_rekey(s), 0);
	round_trip(s);
	round_trip(s);
}

/*
 * zlib@openssh.com: nothing compressed until USERAUTH_SUCCESS (the server's stream is not running, so a
 * compressed packet would not parse), everything after it both ways, and again after a rekey.
 */
static void test_compression_delayed(void **state)
{
	static const uint8_t success = SSH_MSG_USERAUTH_SUCCESS;
	struct fix *f = *state;
	struct ks *s = start_comp(f, "zlib@openssh.com");
	struct tp_msg m;
	uint64_t z[4];

	assert_int_equal(ks_handshake(s), 0);
	assert_string_equal(tp_comp_name(s->tp), "zlib@openssh.com");
	round_trip(s);
	tp_comp_stats(s->tp, z);
	assert_true(z[0] == 0 && z[2] == 0);
	assert_int_equal(ks_send(s, &success, 1), 0);
	assert_int_equal(tp_poll(s->tp, &m), 1);
	assert_int_equal(m.type, SSH_MSG_USERAUTH_SUCCESS);
	round_trip(s);
	tp_comp_stats(s->tp, z);
	assert_true(z[0] > 0 && z[2] > 0);
	assert_int_equal(ks_rekey(s), 0);
	round_trip(s);
}

/* A packet of a few hundred bytes that inflates past 256 KiB is refused at the limit: LIMIT, DISCONNECT. */
static void test_compression_bomb(void **state)
{
	struct fix *f = *state;
	struct ks *s = start_comp(f, "zlib");
	uint8_t *big = calloc(1, 300 * 1024), p[512];
	struct tp_msg m;
	size_t n = 0;

	assert_non_null(big);
	assert_int_equal(ks_handshake(s), 0);
	big[0] = SSH_MSG_IGNORE;
	assert_int_equal(ks_send(s, big, 300 * 1024), 0);
	free(big);
	assert_int_equal(tp_poll(s->tp, &m), SSHTUN_ERR_LIMIT);
	assert_true(tp_is_closed(s->tp));
	assert_int_equal(ks_recv(s, p, sizeof(p), &n), 1);
	assert_int_equal(p[0], SSH_MSG_DISCONNECT);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_each_method, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_quantum_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_hybrid_zero_x25519, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newkeys_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newkeys_early, setup, teardown),
#if SSHTUN_ECDH_NIST
		cmocka_unit_test_setup_teardown(test_refuse_ecdh_points, setup, teardown),
#endif
#if SSHTUN_DH
		cmocka_unit_test_setup_teardown(test_refuse_dh_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gex_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_gex_groups, setup, teardown),
#endif
#if SSHTUN_ZLIB
		cmocka_unit_test_setup_teardown(test_compression_zlib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compression_delayed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compression_bomb, setup, teardown),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
