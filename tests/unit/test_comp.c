/* sshtun: unit tests for transport/comp.c: zlib streams packet by packet, the method table, bombs and garbage. */
#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "crypto/crypto.h"
#include "transport/comp.h"
#include "util/features.h"

#if SSHTUN_ZLIB
#include <zlib.h>

enum { MAX = 35000 };

/* Packets of every kind through one stream each way: each comes out whole at once, in order. */
static void t_round_trip(void **state)
{
	struct tp_zstream c = { 0 }, d = { 0 };
	static uint8_t in[MAX], z[MAX + 64], out[MAX];
	size_t zn = 0, on = 0;

	(void)state;
	assert_int_equal(tp_z_start(&c, 0), 0);
	assert_int_equal(tp_z_start(&d, 1), 0);
	assert_true(tp_z_active(&c) && tp_z_active(&d));
	for (int i = 0; i < 200; i++) {
		size_t n = (size_t)(i * 151) % 32768;

		if (i % 3 == 0) {
			cry_random(in, n);	/* incompressible: grows a little */
		} else {
			memset(in, 'a' + i % 26, n);
		}
		assert_int_equal(tp_z_run(&c, in, n, z, sizeof(z), &zn), 0);
		assert_int_equal(tp_z_run(&d, z, zn, out, MAX, &on), 0);
		assert_int_equal(on, n);
		assert_memory_equal(out, in, n);
	}
	assert_true(c.in > c.out);	/* the repetitive packets shrank */
	/* An empty payload (zlib has nothing to flush and says so) is no error: found by fuzz_comp. */
	assert_int_equal(tp_z_run(&c, in, 0, z, sizeof(z), &zn), 0);
	assert_int_equal(tp_z_run(&d, z, zn, out, MAX, &on), 0);
	assert_int_equal(on, 0);
	assert_int_equal(c.in, d.in);
	tp_z_end(&c);
	tp_z_end(&d);
	assert_false(tp_z_active(&c));
}

/* A packet that inflates past the limit is refused there (a "zip bomb"), whatever its compressed size. */
static void t_bomb(void **state)
{
	struct tp_zstream c = { 0 }, d = { 0 };
	static uint8_t big[1 << 20], z[8192], out[MAX];
	size_t zn = 0, on = 0;

	(void)state;
	memset(big, 0, sizeof(big));
	assert_int_equal(tp_z_start(&c, 0), 0);
	assert_int_equal(tp_z_run(&c, big, sizeof(big), z, sizeof(z), &zn), 0);
	assert_true(zn < 8192);
	assert_int_equal(tp_z_start(&d, 1), 0);
	assert_int_equal(tp_z_run(&d, z, zn, out, MAX, &on), SSHTUN_ERR_LIMIT);
	/* Exactly the limit passes; one byte more does not. */
	assert_int_equal(tp_z_start(&c, 0), 0);
	assert_int_equal(tp_z_start(&d, 1), 0);
	assert_int_equal(tp_z_run(&c, big, MAX, z, sizeof(z), &zn), 0);
	assert_int_equal(tp_z_run(&d, z, zn, out, MAX, &on), 0);
	assert_int_equal(on, MAX);
	assert_int_equal(tp_z_run(&c, big, MAX + 1, z, sizeof(z), &zn), 0);
	assert_int_equal(tp_z_run(&d, z, zn, out, MAX, &on), SSHTUN_ERR_LIMIT);
	tp_z_end(&c);
	tp_z_end(&d);
}

/* Bytes that are not a zlib stream are refused, not taken for data. */
static void t_garbage(void **state)
{
	struct tp_zstream d = { 0 };
	static const uint8_t junk[] = { 0xff, 0xee, 0xdd, 0xcc, 0x00, 0x11, 0x22 };
	uint8_t out[256];
	size_t on = 0;

	(void)state;
	assert_int_equal(tp_z_start(&d, 1), 0);
	assert_int_equal(tp_z_run(&d, junk, sizeof(junk), out, sizeof(out), &on), SSHTUN_ERR_PROTOCOL);
	tp_z_end(&d);
}

static void t_table(void **state)
{
	const struct tp_comp_alg *a;

	(void)state;
	assert_string_equal(tp_comp_algs[0]->name, "none");
	a = tp_comp_find("zlib@openssh.com", 16);
	assert_non_null(a);
	assert_true(a->zlib && a->delayed);
	a = tp_comp_find("zlib", 4);
	assert_non_null(a);
	assert_true(a->zlib && !a->delayed);
	assert_null(tp_comp_find("zlib@openssh.co", 15));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_round_trip),
		cmocka_unit_test(t_bomb),
		cmocka_unit_test(t_garbage),
		cmocka_unit_test(t_table),
	};

	if (cry_init() != 0) {
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
/* Built without SSHTUN_ZLIB (--without-zlib): no compression to test; reported as one skipped case. */
T_LEFT_OUT_MAIN()
#endif
