/*
 * sshtun: unit tests for crypto/aes_ct.c, the constant-time AES-CTR for key files: FIPS 197 appendix C, SP 800-38A
 * F.5 (CTR with AES-128 and AES-256), the counter's carry across bytes and its wrap, lengths that end inside a
 * block, and, where the build has libcrypto, its AES-CTR as a second opinion on random keys, IVs and lengths.
 */
#include "tests/unit/testutil.h"
#include "util/features.h"

#include "crypto/crypto.h"

/* crypto/aes_ct.c goes with passphrase-protected key files (SSHTUN_KEY_ENCRYPTED). */
#if SSHTUN_KEY_ENCRYPTED

static int t_setup(void **state)
{
	return cry_init() == 0 ? 0 : -1;
}

/* CTR of a zero block from counter pt is AES(pt): FIPS 197 C.1, C.2, C.3. */
static void t_fips197(void **state)
{
	static const struct {
		const char *key, *ct;
	} v[] = {
		{ "000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a" },
		{ "000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191" },
		{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t key[32], pt[16], buf[16] = { 0 };
		size_t kl = t_unhex(key, sizeof(key), v[i].key);

		assert_int_equal(t_unhex(pt, sizeof(pt), "00112233445566778899aabbccddeeff"), 16);
		assert_int_equal(cry_aes_ct_ctr(key, kl, pt, buf, sizeof(buf)), 0);
		t_hex_eq_n(buf, 16, v[i].ct);
	}
}

/* SP 800-38A F.5.1 (CTR-AES128.Encrypt) and F.5.5 (CTR-AES256.Encrypt), four blocks each, and back. */
static void t_sp800_38a(void **state)
{
	static const char pt[] = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
				 "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
	static const struct {
		const char *key, *ct;
	} v[] = {
		{ "2b7e151628aed2a6abf7158809cf4f3c",
			"874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
			"5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee" },
		{ "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
			"601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
			"2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t key[32], iv[16], buf[64], plain[64];
		size_t kl = t_unhex(key, sizeof(key), v[i].key);

		assert_int_equal(t_unhex(iv, sizeof(iv), "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), 16);
		assert_int_equal(t_unhex(plain, sizeof(plain), pt), 64);
		memcpy(buf, plain, sizeof(buf));
		assert_int_equal(cry_aes_ct_ctr(key, kl, iv, buf, sizeof(buf)), 0);
		t_hex_eq_n(buf, 64, v[i].ct);
		assert_int_equal(cry_aes_ct_ctr(key, kl, iv, buf, sizeof(buf)), 0);
		assert_memory_equal(buf, plain, sizeof(buf));
	}
}

/*
 * The counter is the whole block: from ...ff ff it carries into the bytes before, and all ones wraps to zero.
 * Each block of a run equals the block encrypted alone from the counter it should have reached.
 */
static void t_counter(void **state)
{
	static const char *const ivs[] = { "000000000000000000000000000000ff", "00000000000000ffffffffffffffffff",
		"ffffffffffffffffffffffffffffffff" };
	static const char *const next[] = { "00000000000000000000000000000100", "00000000000001000000000000000000",
		"00000000000000000000000000000000" };
	uint8_t key[24], iv[16], iv2[16], run[32] = { 0 }, one[16] = { 0 };

	memset(key, 0x5a, sizeof(key));
	for (size_t i = 0; i < 3; i++) {
		t_unhex(iv, sizeof(iv), ivs[i]);
		t_unhex(iv2, sizeof(iv2), next[i]);
		memset(run, 0, sizeof(run));
		memset(one, 0, sizeof(one));
		assert_int_equal(cry_aes_ct_ctr(key, sizeof(key), iv, run, sizeof(run)), 0);
		assert_int_equal(cry_aes_ct_ctr(key, sizeof(key), iv2, one, sizeof(one)), 0);
		assert_memory_equal(run + 16, one, 16);
	}
}

/* A length inside a block uses that much keystream; arguments checked. */
static void t_lengths_and_args(void **state)
{
	uint8_t key[16] = { 1 }, iv[16] = { 2 }, full[48] = { 0 }, part[48];

	assert_int_equal(cry_aes_ct_ctr(key, 16, iv, full, sizeof(full)), 0);
	for (size_t n = 0; n <= sizeof(part); n++) {
		memset(part, 0, sizeof(part));
		assert_int_equal(cry_aes_ct_ctr(key, 16, iv, part, n), 0);
		assert_memory_equal(part, full, n);
		for (size_t i = n; i < sizeof(part); i++) {
			assert_int_equal(part[i], 0);
		}
	}
	assert_int_equal(cry_aes_ct_ctr(key, 20, iv, part, 16), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_aes_ct_ctr(NULL, 16, iv, part, 16), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_aes_ct_ctr(key, 16, NULL, part, 16), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_aes_ct_ctr(key, 16, iv, NULL, 16), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_aes_ct_ctr(key, 16, iv, NULL, 0), 0);
}

/* The key-file entry point, cry_aes_ctr (libcrypto's where there is one), agrees on random inputs. */
static void t_against_cry_aes_ctr(void **state)
{
	static const size_t keylens[] = { 16, 24, 32 };

	for (unsigned k = 0; k < 60; k++) {
		uint8_t key[32], iv[16], a[300], b[300];
		size_t n = (size_t)(k * 37 % 300), kl = keylens[k % 3];

		cry_random(key, sizeof(key));
		cry_random(iv, sizeof(iv));
		if (k % 5 == 0) {
			memset(iv + 8, 0xff, 8);	/* a carry into the upper half within the run */
		}
		cry_random(a, sizeof(a));
		memcpy(b, a, sizeof(b));
		assert_int_equal(cry_aes_ct_ctr(key, kl, iv, a, n), 0);
		assert_int_equal(cry_aes_ctr(key, kl, iv, b, n), 0);
		assert_memory_equal(a, b, sizeof(a));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_fips197),
		cmocka_unit_test(t_sp800_38a),
		cmocka_unit_test(t_counter),
		cmocka_unit_test(t_lengths_and_args),
		cmocka_unit_test(t_against_cry_aes_ctr),
	};

	print_message("test_aes_ct: cry_aes_ctr is %s\n", SSHTUN_OPENSSL ? "libcrypto's" : "crypto/aes_ct.c's");
	return cmocka_run_group_tests(tests, t_setup, NULL);
}

#else

T_LEFT_OUT_MAIN()

#endif
