/* sshtun: unit tests of the user-space generator (crypto/util.c cry_prng) and the packet padding it feeds. */
#include "tests/unit/testutil.h"

#include <stdlib.h>

#include <sodium.h>

#include "crypto/crypto.h"
#include "tests/unit/tp_fake.h"
#include "util/wire.h"

static int t_setup(void **state)
{
	return cry_init() == 0 ? 0 : -1;
}

static int t_all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++) {
		acc |= p[i];
	}
	return acc == 0;
}

static void t_prng_streams(void **state)
{
	struct cry_prng a, b;
	uint8_t x[64], y[64], z[64], big[4096];

	cry_prng_init(&a);
	cry_prng_init(&b);
	/* Two generators: two keys, two streams. */
	assert_memory_not_equal(a.key, b.key, sizeof(a.key));
	cry_prng_fill(&a, x, sizeof(x));
	cry_prng_fill(&b, y, sizeof(y));
	assert_memory_not_equal(x, y, sizeof(x));
	/* Consecutive fills differ. */
	cry_prng_fill(&a, z, sizeof(z));
	assert_memory_not_equal(x, z, sizeof(x));
	/* A fill of n bytes is not all zero, nor is its last block (the counter covers it all). */
	memset(big, 0, sizeof(big));
	cry_prng_fill(&a, big, sizeof(big));
	assert_false(t_all_zero(big, sizeof(big)));
	assert_false(t_all_zero(big + sizeof(big) - 64, 64));
	/* n = 0 touches nothing. */
	cry_prng_fill(&a, NULL, 0);
	cry_prng_wipe(&a);
	cry_prng_wipe(&b);
}

/* The fills are ChaCha20 keystream (zero nonce) at successive blocks: no byte is given out twice. */
static void t_prng_keystream(void **state)
{
	static const uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = { 0 };
	struct cry_prng g;
	uint8_t key[32], ks[512], a[200], b[100], c1[1];

	cry_prng_init(&g);
	assert_int_equal(g.block, 0);
	memcpy(key, g.key, sizeof(key));
	assert_int_equal(crypto_stream_chacha20(ks, sizeof(ks), nonce, key), 0);
	cry_prng_fill(&g, a, sizeof(a));
	assert_memory_equal(a, ks, sizeof(a));
	/* 200 bytes used 4 blocks; the next fill starts at block 4, not in the middle of block 3. */
	assert_int_equal(g.block, 4);
	cry_prng_fill(&g, b, sizeof(b));
	assert_memory_equal(b, ks + 256, sizeof(b));
	cry_prng_fill(&g, c1, sizeof(c1));
	assert_int_equal(c1[0], ks[384]);
	assert_int_equal(g.block, 7);
	/* At the end of a key's span the key is drawn afresh and the counter restarts. */
	g.block = ((uint64_t)1 << 32) - 1;
	cry_prng_fill(&g, a, 128);
	assert_memory_not_equal(g.key, key, sizeof(key));
	assert_int_equal(g.block, 2);
	cry_prng_wipe(&g);
}

static void t_prng_wipe(void **state)
{
	struct cry_prng g;
	uint8_t x[64];

	cry_prng_init(&g);
	cry_prng_fill(&g, x, sizeof(x));
	assert_false(t_all_zero(g.key, sizeof(g.key)));
	cry_prng_wipe(&g);
	assert_true(t_all_zero(g.key, sizeof(g.key)));
	assert_int_equal(g.block, 0);
	assert_int_equal(g.keyed, 0);
	/* A wiped (or zeroed) generator keys itself from the OS before it gives anything out. */
	memset(x, 0, sizeof(x));
	cry_prng_fill(&g, x, sizeof(x));
	assert_int_equal(g.keyed, 1);
	assert_false(t_all_zero(g.key, sizeof(g.key)));
	assert_false(t_all_zero(x, sizeof(x)));
	cry_prng_wipe(&g);
}

/*
 * The transport's packet padding comes from its generator (the first
 * packet's padding is the first keystream bytes), and no padding repeats
 * across three refills of the pool.
 */
enum { T_PADN = 4000, T_PADLEN = 11 };

static int t_cmp_pad(const void *a, const void *b)
{
	return memcmp(a, b, T_PADLEN);
}

static void t_tp_padding(void **state)
{
	static const uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = { 0 };
	/* SSH_MSG_IGNORE "abc": 8 bytes, so 5 + 8 leaves 3 to the block, too few: padding is 11. */
	static const uint8_t msg[] = { 2, 0, 0, 0, 3, 'a', 'b', 'c' };
	struct tp *tp = fake_tp_ready(NULL);
	uint8_t (*pads)[T_PADLEN] = malloc(T_PADN * T_PADLEN);
	uint8_t ks[T_PADLEN];
	size_t i;

	assert_non_null(tp);
	assert_non_null(pads);
	assert_true(tp->pad_rng.keyed);
	memset(ks, 0, sizeof(ks));
	assert_int_equal(crypto_stream_chacha20_xor_ic(ks, ks, sizeof(ks), nonce, tp->pad_rng.block, tp->pad_rng.key), 0);
	for (i = 0; i < T_PADN; i++) {
		const uint8_t *p = NULL;
		size_t n;
		uint32_t plen;

		assert_int_equal(tp_send(tp, msg, sizeof(msg)), 0);
		n = tp_output(tp, &p);
		assert_true(n >= 5);
		plen = wire_peek_u32(p);
		assert_int_equal(n, 4 + plen);
		assert_int_equal(p[4], T_PADLEN);
		assert_int_equal(plen, 1 + sizeof(msg) + T_PADLEN);
		memcpy(pads[i], p + 5 + sizeof(msg), T_PADLEN);
		tp_output_consume(tp, n);
	}
	assert_memory_equal(pads[0], ks, T_PADLEN);
	assert_true((size_t)T_PADN * T_PADLEN > 2 * sizeof(tp->pad_pool));
	qsort(pads, T_PADN, T_PADLEN, t_cmp_pad);
	for (i = 1; i < T_PADN; i++) {
		assert_memory_not_equal(pads[i - 1], pads[i], T_PADLEN);
	}
	free(pads);
	tp_free(tp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_prng_streams),
		cmocka_unit_test(t_prng_keystream),
		cmocka_unit_test(t_prng_wipe),
		cmocka_unit_test(t_tp_padding),
	};

	return cmocka_run_group_tests(tests, t_setup, NULL);
}
