/* sshtun: unit tests for crypto/keccak.c: FIPS 202 known answers, incremental use, libcrypto as a second opinion. */
#include "tests/unit/testutil.h"

#include "util/features.h"
#if SSHTUN_OPENSSL
#include <openssl/evp.h>
#endif

#include "crypto/crypto.h"
#include "crypto/keccak.h"

static int t_setup(void **state)
{
	return cry_init() == 0 ? 0 : -1;
}

static void t_hex_eq(const uint8_t *got, const char *hex)
{
	uint8_t want[256];
	size_t n = t_unhex(want, sizeof(want), hex);

	assert_memory_equal(got, want, n);
}

/* The 1600-bit message of NIST's SHA-3 and SHAKE examples: 200 bytes of 0xa3 (longer than every rate). */
static void t_msg1600(uint8_t m[200])
{
	memset(m, 0xa3, 200);
}

static void t_sha3_kat(void **state)
{
	uint8_t out[64];
	uint8_t m[200];

	cry_sha3_256(out, "", 0);
	t_hex_eq(out, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
	cry_sha3_256(out, "abc", 3);
	t_hex_eq(out, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
	cry_sha3_512(out, "", 0);
	t_hex_eq(out, "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a6"
		 "15b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26");
	cry_sha3_512(out, "abc", 3);
	t_hex_eq(out, "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
		 "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0");
	t_msg1600(m);
	cry_sha3_256(out, m, sizeof(m));
	t_hex_eq(out, "79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787");
	cry_sha3_512(out, m, sizeof(m));
	t_hex_eq(out, "e76dfad22084a8b1467fcf2ffa58361bec7628edf5f3fdc0e4805dc48caeeca8"
		 "1b7c13c30adf52a3659584739a2df46be589c51ca1a4a8416df6545a1ce8ba00");
}

static void t_shake_kat(void **state)
{
	uint8_t out[512];
	uint8_t m[200];

	cry_shake128(out, 32, "", 0);
	t_hex_eq(out, "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
	cry_shake256(out, 64, "", 0);
	t_hex_eq(out, "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"
		 "d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be");
	/* NIST's examples squeeze 4096 bits from the 1600-bit message: many blocks out; the last 32 bytes. */
	t_msg1600(m);
	cry_shake128(out, sizeof(out), m, sizeof(m));
	t_hex_eq(out + 480, "44c9fb359fd56ac0a9a75a743cff6862f17d7259ab075216c0699511643b6439");
	cry_shake256(out, sizeof(out), m, sizeof(m));
	t_hex_eq(out + 480, "6a1a9d7846436e4dca5728b6f760eef0ca92bf0be5615e96959d767197a0beeb");
}

/* Absorbing and squeezing in pieces of every size gives what one call gives. */
static void t_shake_incremental(void **state)
{
	uint8_t m[600];
	uint8_t one[700];
	uint8_t out[700];

	for (size_t i = 0; i < sizeof(m); i++) {
		m[i] = (uint8_t)(i * 7 + 1);
	}
	cry_shake128(one, sizeof(one), m, sizeof(m));
	for (size_t step = 1; step <= 170; step++) {
		struct cry_shake s;
		size_t done;

		cry_shake128_init(&s);
		for (done = 0; done < sizeof(m); done += step) {
			size_t n = sizeof(m) - done < step ? sizeof(m) - done : step;

			assert_int_equal(cry_shake_absorb(&s, m + done, n), 0);
		}
		assert_int_equal(cry_shake_absorb(&s, NULL, 0), 0);
		for (done = 0; done < sizeof(out); done += step) {
			size_t n = sizeof(out) - done < step ? sizeof(out) - done : step;

			cry_shake_squeeze(&s, out + done, n);
		}
		assert_memory_equal(out, one, sizeof(one));
		/* No more input once output has been taken. */
		assert_int_equal(cry_shake_absorb(&s, m, 1), SSHTUN_ERR_STATE);
		cry_shake_wipe(&s);
	}
	/* The same for SHAKE256, block by block as ML-KEM's sampling squeezes. */
	cry_shake256(one, sizeof(one), m, sizeof(m));
	{
		struct cry_shake s;

		cry_shake256_init(&s);
		assert_int_equal(cry_shake_absorb(&s, m, 100), 0);
		assert_int_equal(cry_shake_absorb(&s, m + 100, sizeof(m) - 100), 0);
		for (size_t done = 0; done + CRY_SHAKE256_RATE <= sizeof(out); done += CRY_SHAKE256_RATE) {
			cry_shake_squeeze(&s, out + done, CRY_SHAKE256_RATE);
		}
		assert_memory_equal(out, one, sizeof(out) / CRY_SHAKE256_RATE * CRY_SHAKE256_RATE);
	}
}

/* libcrypto's SHA-3 and SHAKE as a second opinion: a build without libcrypto has the known answers alone. */
#if SSHTUN_OPENSSL
static void t_evp(const EVP_MD *md, const uint8_t *m, size_t n, uint8_t *out, size_t outlen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	assert_non_null(c);
	assert_int_equal(EVP_DigestInit_ex(c, md, NULL), 1);
	assert_int_equal(EVP_DigestUpdate(c, m, n), 1);
	if (EVP_MD_flags(md) & EVP_MD_FLAG_XOF) {
		assert_int_equal(EVP_DigestFinalXOF(c, out, outlen), 1);
	} else {
		assert_int_equal(EVP_DigestFinal_ex(c, out, NULL), 1);
	}
	EVP_MD_CTX_free(c);
}

/* Every message length across two blocks of every rate (the padding's edge cases), against libcrypto. */
static void t_against_libcrypto(void **state)
{
	uint8_t m[400];
	uint8_t a[400];
	uint8_t b[400];

	for (size_t i = 0; i < sizeof(m); i++) {
		m[i] = (uint8_t)(i * 131 + 17);
	}
	for (size_t n = 0; n <= sizeof(m); n++) {
		cry_sha3_256(a, m, n);
		t_evp(EVP_sha3_256(), m, n, b, 32);
		assert_memory_equal(a, b, 32);
		cry_sha3_512(a, m, n);
		t_evp(EVP_sha3_512(), m, n, b, 64);
		assert_memory_equal(a, b, 64);
		cry_shake128(a, n, m, n);
		t_evp(EVP_shake128(), m, n, b, n);
		assert_memory_equal(a, b, n);
		cry_shake256(a, n, m, n);
		t_evp(EVP_shake256(), m, n, b, n);
		assert_memory_equal(a, b, n);
	}
}

/* The permutation on the zero state: FIPS 202's worked example (KeccakF-1600 intermediate values). */#endif

static void t_permutation(void **state)
{
	uint64_t a[25] = { 0 };

	cry_keccak_f1600(a);
	assert_true(a[0] == 0xf1258f7940e1dde7ULL);
	assert_true(a[1] == 0x84d5ccf933c0478aULL);
	assert_true(a[24] == 0xeaf1ff7b5ceca249ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_sha3_kat),
		cmocka_unit_test(t_shake_kat),
		cmocka_unit_test(t_shake_incremental),
#if SSHTUN_OPENSSL
		cmocka_unit_test(t_against_libcrypto),
#endif
		cmocka_unit_test(t_permutation),
	};

	return cmocka_run_group_tests(tests, t_setup, NULL);
}
