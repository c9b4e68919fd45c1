/*
 * sshtun: unit tests for ML-KEM-768 (crypto/mlkem.h): C2SP's accumulated known-answer vectors (10 000 cases hashed
 * to one published value), round trips, implicit rejection, and the FIPS 203 7.2 / 7.3 input checks, all through
 * the path the key exchange takes (libcrypto's with OpenSSL 3.5 or later, else or with SSHTUN_MLKEM_INTREE=1 the
 * in-tree code: run it both ways); and the two paths crossed, when libcrypto has ML-KEM.
 */
#include "tests/unit/testutil.h"

#include <stdio.h>

#include "util/features.h"
#if SSHTUN_OPENSSL
#include <openssl/crypto.h>
#define T_LIBCRYPTO OpenSSL_version(OPENSSL_VERSION)
#else
#define T_LIBCRYPTO "built without OpenSSL"
#endif
#include "crypto/crypto.h"
#include "crypto/keccak.h"
#include "crypto/mlkem.h"

#if SSHTUN_MLKEM

enum { PK = CRY_MLKEM768_PK_LEN, SK = CRY_MLKEM768_SK_LEN, CT = CRY_MLKEM768_CT_LEN, SS = CRY_MLKEM_SS_LEN };
static int t_setup(void **state)
{
	if (cry_init() != 0) {
		return -1;
	}
	print_message("test_mlkem: %s, path: %s\n", T_LIBCRYPTO,
		cry_mlkem768_uses_ossl() ? "libcrypto's ML-KEM-768" : "in-tree (crypto/mlkem768.c)");
	return 0;
}

/*
 * ---- known answers: C2SP's accumulated vectors (CCTV, ML-KEM README, FIPS 203 final) ----
 * 10 000 cases whose inputs come from one SHAKE-128 stream over the empty string (its first bytes are
 * 7f9c2ba4e88f827d616045507605853e): per case d, z, m and a random ciphertext, in that order. Every output
 * goes into a second SHAKE-128: ek, dk, the ciphertext of encapsulation, its key (also checked against
 * decapsulation of that ciphertext), and the key decapsulation gives for the random ciphertext (implicit
 * rejection). The 32 bytes squeezed at the end must be the published value. This reaches the randomly reachable
 * edge cases of every step (compression rounding, rejection sampling, the implicit-rejection key) without
 * checking in any vector file.
 */
static const char t_accumulated_10000[] = "f959d18d3d1180121433bf0e05f11e7908cf9d03edc150b2b07cb90bef5bc1c1";

static void t_accumulated(void **state)
{
	static uint8_t pk[PK], sk[SK], ct[CT], rct[CT];
	uint8_t d[32], z[32], m[32], k[SS], k2[SS], kr[SS], got[32], want[32];
	struct cry_shake rng, acc;

	(void)state;
	cry_shake128_init(&rng);
	cry_shake128_init(&acc);
	for (int i = 0; i < 10000; i++) {
		cry_shake_squeeze(&rng, d, sizeof(d));
		cry_shake_squeeze(&rng, z, sizeof(z));
		cry_shake_squeeze(&rng, m, sizeof(m));
		cry_shake_squeeze(&rng, rct, sizeof(rct));
		assert_int_equal(cry_mlkem768_keypair_derand(pk, sk, d, z), 0);
		assert_int_equal(cry_mlkem768_encaps_derand(ct, k, pk, m), 0);
		assert_int_equal(cry_mlkem768_decaps(k2, ct, sk), 0);
		assert_memory_equal(k, k2, SS);
		assert_int_equal(cry_mlkem768_decaps(kr, rct, sk), 0);
		assert_int_equal(cry_shake_absorb(&acc, pk, PK), 0);
		assert_int_equal(cry_shake_absorb(&acc, sk, SK), 0);
		assert_int_equal(cry_shake_absorb(&acc, ct, CT), 0);
		assert_int_equal(cry_shake_absorb(&acc, k, SS), 0);
		assert_int_equal(cry_shake_absorb(&acc, kr, SS), 0);
	}
	cry_shake_squeeze(&acc, got, sizeof(got));
	assert_int_equal(t_unhex(want, sizeof(want), t_accumulated_10000), 32);
	assert_memory_equal(got, want, 32);
}

static void t_roundtrip(void **state)
{
	uint8_t pk[PK], sk[SK], ct[CT], ss1[SS], ss2[SS], ss3[SS];

	for (int i = 0; i < 20; i++) {
		assert_int_equal(cry_mlkem768_keypair(pk, sk), 0);
		assert_int_equal(cry_mlkem768_encaps(ct, ss1, pk), 0);
		assert_int_equal(cry_mlkem768_decaps(ss2, ct, sk), 0);
		assert_memory_equal(ss1, ss2, SS);
		/* A second encapsulation draws a fresh m. */
		assert_int_equal(cry_mlkem768_encaps(ct, ss3, pk), 0);
		assert_memory_not_equal(ss1, ss3, SS);
	}
}

/* A flipped bit anywhere in the ciphertext: no error, and the key is J(z || c'), not the sender's. */
static void t_implicit_rejection(void **state)
{
	static const size_t bits[] = { 0, 7, 8 * 500 + 3, 8 * 959 + 7, 8 * 960, 8 * (CT - 1) + 7 };
	uint8_t pk[PK], sk[SK], ct[CT], ss[SS], got[SS], want[SS];
	uint8_t zc[32 + CT];
	uint8_t d[32], z[32], m[32];

	memset(d, 1, sizeof(d));
	memset(z, 2, sizeof(z));
	memset(m, 3, sizeof(m));
	assert_int_equal(cry_mlkem768_keypair_derand(pk, sk, d, z), 0);
	assert_int_equal(cry_mlkem768_encaps_derand(ct, ss, pk, m), 0);
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		ct[bits[i] / 8] ^= (uint8_t)(1u << (bits[i] % 8));
		assert_int_equal(cry_mlkem768_decaps(got, ct, sk), 0);
		assert_memory_not_equal(got, ss, SS);
		memcpy(zc, z, 32);
		memcpy(zc + 32, ct, CT);
		cry_shake256(want, SS, zc, sizeof(zc));
		assert_memory_equal(got, want, SS);
		ct[bits[i] / 8] ^= (uint8_t)(1u << (bits[i] % 8));
	}
	assert_int_equal(cry_mlkem768_decaps(got, ct, sk), 0);
	assert_memory_equal(got, ss, SS);
}

/* Sets the 12-bit value number i of an encoded vector. */
static void t_set12(uint8_t *p, unsigned i, unsigned v)
{
	uint8_t *b = p + 3 * (i / 2);

	if (i % 2 == 0) {
		b[0] = (uint8_t)v;
		b[1] = (uint8_t)((b[1] & 0xf0) | (v >> 8));
	} else {
		b[1] = (uint8_t)((b[1] & 0x0f) | ((v & 0x0f) << 4));
		b[2] = (uint8_t)(v >> 4);
	}
}

/* 7.2: a public key with a coefficient >= q is refused, and nothing is output; q - 1 is fine. */
static void t_ek_modulus(void **state)
{
	static const unsigned where[] = { 0, 1, 255, 256, 767 };
	uint8_t pk[PK], sk[SK], bad[PK], ct[CT], ss[SS];

	assert_int_equal(cry_mlkem768_keypair(pk, sk), 0);
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		memcpy(bad, pk, PK);
		t_set12(bad, where[i], 3328);
		assert_int_equal(cry_mlkem768_encaps(ct, ss, bad), 0);
		t_set12(bad, where[i], 3329);
		memset(ct, 0x55, sizeof(ct));
		memset(ss, 0x55, sizeof(ss));
		assert_int_equal(cry_mlkem768_encaps(ct, ss, bad), SSHTUN_ERR_KEX_FAILED);
		assert_true(cry_memeq(ct, (uint8_t[CT]){ 0 }, CT));
		assert_true(cry_memeq(ss, (uint8_t[SS]){ 0 }, SS));
		t_set12(bad, where[i], 4095);
		assert_int_equal(cry_mlkem768_encaps(ct, ss, bad), SSHTUN_ERR_KEX_FAILED);
	}
	/* rho (the last 32 bytes) is not checked: any value is a seed. */
	memcpy(bad, pk, PK);
	memset(bad + PK - 32, 0xff, 32);
	assert_int_equal(cry_mlkem768_encaps(ct, ss, bad), 0);
}

/* 7.3: a secret key whose stored H(ek) does not match its ek is refused, whichever part was changed. */
static void t_dk_hash(void **state)
{
	static const size_t at[] = { 1152, 1152 + 1183, 2336, 2367 };
	uint8_t pk[PK], sk[SK], ct[CT], ss[SS], got[SS];

	assert_int_equal(cry_mlkem768_keypair(pk, sk), 0);
	assert_int_equal(cry_mlkem768_encaps(ct, ss, pk), 0);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		sk[at[i]] ^= 0x10;
		memset(got, 0x55, sizeof(got));
		assert_int_equal(cry_mlkem768_decaps(got, ct, sk), SSHTUN_ERR_KEX_FAILED);
		assert_true(cry_memeq(got, (uint8_t[SS]){ 0 }, SS));
		sk[at[i]] ^= 0x10;
	}
	/*
	 * dk_pke is not covered by the hash: changing it gives another key, not an error, in-tree; libcrypto's import
	 * runs a pairwise test (encapsulate, decapsulate) that such a key fails.
	 */
	sk[0] ^= 1;
	if (cry_mlkem768_uses_ossl()) {
		assert_int_equal(cry_mlkem768_decaps(got, ct, sk), SSHTUN_ERR_KEX_FAILED);
		assert_true(cry_memeq(got, (uint8_t[SS]){ 0 }, SS));
	} else {
		assert_int_equal(cry_mlkem768_decaps(got, ct, sk), 0);
		assert_memory_not_equal(got, ss, SS);
	}
	sk[0] ^= 1;
	assert_int_equal(cry_mlkem768_decaps(got, ct, sk), 0);
	assert_memory_equal(got, ss, SS);
}

/*
 * libcrypto's ML-KEM-768 against the in-tree one, whichever the key exchange uses: the same d, z and m give the
 * same bytes; a key pair made by one path encapsulates with the other and decapsulates back with the first;
 * a flipped ciphertext bit gives both the same rejection key; a public key over the modulus is refused by both.
 * Skipped (and passes) when the libcrypto loaded has no ML-KEM (OpenSSL before 3.5, Debian 12's 3.0); not built
 * without libcrypto.
 */
#if SSHTUN_OPENSSL
static void t_cross(void **state)
{
	static uint8_t pk[PK], sk[SK], pk2[PK], sk2[SK], ct[CT], ct2[CT];
	uint8_t d[32], z[32], m[32], ss[SS], ss2[SS];

	if (!cry_mlkem768_ossl_available()) {
		print_message("test_mlkem: t_cross skipped: %s has no ML-KEM-768 (OpenSSL 3.5 has)\n",
			OpenSSL_version(OPENSSL_VERSION));
		assert_int_equal(cry_mlkem768_ossl_keypair(pk, sk), SSHTUN_ERR_NOT_SUPPORTED);
		skip();
	}
	for (int i = 0; i < 8; i++) {
		cry_random(d, sizeof(d));
		cry_random(z, sizeof(z));
		cry_random(m, sizeof(m));
		/* Deterministic inputs: byte for byte the same results. */
		assert_int_equal(cry_mlkem768_ossl_keypair_derand(pk, sk, d, z), 0);
		assert_int_equal(cry_mlkem768_intree_keypair_derand(pk2, sk2, d, z), 0);
		assert_memory_equal(pk, pk2, PK);
		assert_memory_equal(sk, sk2, SK);
		assert_int_equal(cry_mlkem768_ossl_encaps_derand(ct, ss, pk, m), 0);
		assert_int_equal(cry_mlkem768_intree_encaps_derand(ct2, ss2, pk, m), 0);
		assert_memory_equal(ct, ct2, CT);
		assert_memory_equal(ss, ss2, SS);

		/* libcrypto's key pair, in-tree encapsulation, libcrypto's decapsulation. */
		assert_int_equal(cry_mlkem768_ossl_keypair(pk, sk), 0);
		assert_int_equal(cry_mlkem768_intree_encaps(ct, ss, pk), 0);
		assert_int_equal(cry_mlkem768_ossl_decaps(ss2, ct, sk), 0);
		assert_memory_equal(ss, ss2, SS);
		/* In-tree key pair, libcrypto's encapsulation, in-tree decapsulation. */
		assert_int_equal(cry_mlkem768_intree_keypair(pk2, sk2), 0);
		assert_int_equal(cry_mlkem768_ossl_encaps(ct2, ss, pk2), 0);
		assert_int_equal(cry_mlkem768_intree_decaps(ss2, ct2, sk2), 0);
		assert_memory_equal(ss, ss2, SS);

		/* Implicit rejection: the same J(z || c') from both. */
		ct2[i * 131 % CT] ^= 0x20;
		assert_int_equal(cry_mlkem768_ossl_decaps(ss, ct2, sk2), 0);
		assert_int_equal(cry_mlkem768_intree_decaps(ss2, ct2, sk2), 0);
		assert_memory_equal(ss, ss2, SS);
	}
	/* 7.2: a coefficient of q in ek is refused by libcrypto too, with ct and ss zeroed. */
	t_set12(pk, 5, 3329);
	memset(ct, 0x55, sizeof(ct));
	memset(ss, 0x55, sizeof(ss));
	assert_int_equal(cry_mlkem768_ossl_encaps(ct, ss, pk), SSHTUN_ERR_KEX_FAILED);
	assert_true(cry_memeq(ct, (uint8_t[CT]){ 0 }, CT));
	assert_true(cry_memeq(ss, (uint8_t[SS]){ 0 }, SS));
	/* 7.3: a changed H(ek) in dk is refused by libcrypto too. */
	sk2[SK - 40] ^= 1;
	assert_int_equal(cry_mlkem768_ossl_decaps(ss, ct2, sk2), SSHTUN_ERR_KEX_FAILED);
	assert_true(cry_memeq(ss, (uint8_t[SS]){ 0 }, SS));
}
#endif

static void t_null(void **state)
{
	uint8_t pk[PK], sk[SK], ct[CT], ss[SS], x[32] = { 0 };

	assert_int_equal(cry_mlkem768_keypair_derand(NULL, sk, x, x), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_mlkem768_keypair_derand(pk, sk, NULL, x), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_mlkem768_keypair(pk, NULL), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_mlkem768_keypair(pk, sk), 0);
	assert_int_equal(cry_mlkem768_encaps_derand(ct, ss, pk, NULL), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_mlkem768_encaps(NULL, ss, pk), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_mlkem768_decaps(ss, NULL, sk), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_mlkem768_decaps(ss, ct, NULL), SSHTUN_ERR_INVAL);
	/* Each path's own functions too, libcrypto's whether or not it has ML-KEM. */
	assert_int_equal(cry_mlkem768_intree_keypair_derand(pk, NULL, x, x), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_mlkem768_intree_encaps(ct, NULL, pk), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_mlkem768_intree_decaps(NULL, ct, sk), SSHTUN_ERR_INVAL);
#if SSHTUN_OPENSSL
	assert_int_equal(cry_mlkem768_ossl_keypair_derand(pk, sk, x, NULL), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_mlkem768_ossl_keypair(NULL, sk), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_mlkem768_ossl_encaps_derand(ct, ss, NULL, x), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_mlkem768_ossl_encaps(ct, ss, NULL), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_mlkem768_ossl_decaps(ss, NULL, sk), SSHTUN_ERR_INVAL);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_accumulated),
		cmocka_unit_test(t_roundtrip),
		cmocka_unit_test(t_implicit_rejection),
		cmocka_unit_test(t_ek_modulus),
		cmocka_unit_test(t_dk_hash),
#if SSHTUN_OPENSSL
		cmocka_unit_test(t_cross),
#endif
		cmocka_unit_test(t_null),
	};

	return cmocka_run_group_tests(tests, t_setup, NULL);
}

#else

static void t_disabled(void **state)
{
	skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_disabled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
