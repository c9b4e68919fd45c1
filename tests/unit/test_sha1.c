/*
 * sshtun: unit tests for crypto/sha1.c (FIPS 180-4 SHA-1, written here for the build without libcrypto) with the
 * FIPS 180 / NIST example vectors, split inputs, and the hashes and HMACs of cry_hash/cry_hmac that such a build
 * computes itself (SHA-384 from SHA-512, HMAC over long keys): libcrypto's answer the same in the default build.
 */
#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "crypto/crypto.h"
#include "crypto/sha1.h"

static int t_setup(void **state)
{
	return cry_init() == 0 ? 0 : -1;
}

static void t_sha1_one(const void *msg, size_t n, const char *hex)
{
	struct cry_sha1 s;
	uint8_t out[CRY_SHA1_LEN];

	cry_sha1_init(&s);
	cry_sha1_update(&s, msg, n);
	cry_sha1_final(&s, out);
	t_hex_eq_n(out, sizeof(out), hex);
	assert_int_equal(cry_hash(CRY_SHA1, n ? msg : NULL, n, out), 0);
	t_hex_eq_n(out, sizeof(out), hex);
}

static const char t_448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char t_896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
	"mnopqrstnopqrstu";

/* FIPS 180-2 appendix A and the NIST examples: "abc", the empty string, 448 and 896 bits. */
static void t_sha1_vectors(void **state)
{
	t_sha1_one("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
	t_sha1_one("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	t_sha1_one(t_448, sizeof(t_448) - 1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	t_sha1_one(t_896, sizeof(t_896) - 1, "a49b2446a02c645bf419f995b67091253a04a259");
}

/* A million 'a' (FIPS 180-2 A.3), whole and in pieces of every size from 1 to 130 bytes, across block edges. */
static void t_sha1_million(void **state)
{
	enum { N = 1000000 };
	uint8_t *m = malloc(N), out[CRY_SHA1_LEN];
	struct cry_sha1 s;
	size_t off = 0, step = 1;

	assert_non_null(m);
	memset(m, 'a', N);
	t_sha1_one(m, N, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	cry_sha1_init(&s);
	while (off < N) {
		size_t k = step < N - off ? step : N - off;

		cry_sha1_update(&s, m + off, k);
		off += k;
		step = step % 130 + 1;
	}
	cry_sha1_final(&s, out);
	t_hex_eq_n(out, sizeof(out), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(m);
}

/* Every length around the padding's edge (55, 56, 63, 64 bytes): one-shot against byte-at-a-time. */
static void t_sha1_lengths(void **state)
{
	uint8_t m[200], a[CRY_SHA1_LEN], b[CRY_SHA1_LEN];

	for (size_t i = 0; i < sizeof(m); i++) {
		m[i] = (uint8_t)(i * 37 + 11);
	}
	for (size_t n = 0; n <= sizeof(m); n++) {
		struct cry_sha1 s;

		cry_sha1_init(&s);
		cry_sha1_update(&s, m, n);
		cry_sha1_final(&s, a);
		cry_sha1_init(&s);
		for (size_t i = 0; i < n; i++) {
			cry_sha1_update(&s, m + i, 1);
		}
		cry_sha1_final(&s, b);
		assert_memory_equal(a, b, sizeof(a));
		assert_int_equal(cry_hash(CRY_SHA1, m, n, b), 0);
		assert_memory_equal(a, b, sizeof(a));
	}
}

/* SHA-384 (FIPS 180-2 D and the NIST examples): libsodium's SHA-512 from other initial values, cut, without libcrypto. */
static void t_sha384_vectors(void **state)
{
	uint8_t out[48];

	assert_int_equal(cry_hash(CRY_SHA384, NULL, 0, out), 0);
	t_hex_eq_n(out, 48, "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");
	assert_int_equal(cry_hash(CRY_SHA384, t_896, sizeof(t_896) - 1, out), 0);
	t_hex_eq_n(out, 48, "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039");
}

/* HMAC with keys longer than a block (hashed first: RFC 2202 case 6, RFC 4231 case 6) and HMAC-SHA-384. */
static void t_hmac_more(void **state)
{
	uint8_t key[131], out[64];
	static const char big[] = "Test Using Larger Than Block-Size Key - Hash Key First";

	memset(key, 0xaa, sizeof(key));
	assert_int_equal(cry_hmac(CRY_SHA1, key, 80, big, sizeof(big) - 1, out), 0);
	t_hex_eq_n(out, 20, "aa4ae5e15272d00e95705637ce8a3b55ed402112");
	assert_int_equal(cry_hmac(CRY_SHA384, key, 131, big, sizeof(big) - 1, out), 0);
	t_hex_eq_n(out, 48, "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952");
	memset(key, 0x0b, 20);
	assert_int_equal(cry_hmac(CRY_SHA384, key, 20, "Hi There", 8, out), 0);
	t_hex_eq_n(out, 48, "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6");
	/* An empty key is a key of zeros, an empty message a message. */
	assert_int_equal(cry_hmac(CRY_SHA256, NULL, 0, NULL, 0, out), 0);
	t_hex_eq_n(out, 32, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_sha1_vectors),
		cmocka_unit_test(t_sha1_million),
		cmocka_unit_test(t_sha1_lengths),
		cmocka_unit_test(t_sha384_vectors),
		cmocka_unit_test(t_hmac_more),
	};

	return cmocka_run_group_tests(tests, t_setup, NULL);
}
