/* sshtun: unit tests for crypto/sntrup761.c: NIST known answers, round trips, implicit rejection, the sort network. */
#include "tests/unit/testutil.h"

#include <stdio.h>

#include "util/features.h"
#if SSHTUN_OPENSSL
#include <openssl/evp.h>
#endif
#include "crypto/crypto.h"
#include "crypto/sntrup.h"

#if SSHTUN_SNTRUP

static int t_setup(void **state)
{
	return cry_init() == 0 ? 0 : -1;
}

/*
 * ---- NIST's AES-256-CTR DRBG (the KAT generator's randombytes: rng.c of the submission package) ----
 * Update: three encryptions of the incremented counter V, XORed with the provided data, become the new key and
 * V. A call for n bytes encrypts the incremented V once per 16 bytes, then updates: so calls do not
 * concatenate, and the draws must be made in the reference's sizes.
 */
/* The KATs draw from NIST's AES-256 DRBG, over libcrypto's AES: a build without it runs the other tests. */
#if SSHTUN_OPENSSL
struct t_drbg {
	uint8_t key[32];
	uint8_t v[16];
};

static void t_aes256(const uint8_t key[32], const uint8_t in[16], uint8_t out[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0;

	assert_non_null(c);
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_ecb(), NULL, key, NULL), 1);
	assert_int_equal(EVP_CIPHER_CTX_set_padding(c, 0), 1);
	assert_int_equal(EVP_EncryptUpdate(c, out, &n, in, 16), 1);
	assert_int_equal(n, 16);
	EVP_CIPHER_CTX_free(c);
}

static void t_drbg_next_v(uint8_t v[16])
{
	for (int j = 15; j >= 0; j--) {
		if (++v[j] != 0) {
			break;
		}
	}
}

static void t_drbg_update(struct t_drbg *d, const uint8_t *provided)
{
	uint8_t tmp[48];

	for (int i = 0; i < 3; i++) {
		t_drbg_next_v(d->v);
		t_aes256(d->key, d->v, tmp + 16 * i);
	}
	if (provided != NULL) {
		for (int i = 0; i < 48; i++) {
			tmp[i] ^= provided[i];
		}
	}
	memcpy(d->key, tmp, 32);
	memcpy(d->v, tmp + 32, 16);
}

static void t_drbg_init(struct t_drbg *d, const uint8_t seed[48])
{
	memset(d, 0, sizeof(*d));
	t_drbg_update(d, seed);
}

static void t_drbg_bytes(void *ud, void *buf, size_t n)
{
	struct t_drbg *d = ud;
	uint8_t *p = buf;

	while (n > 0) {
		uint8_t block[16];
		size_t k = n < 16 ? n : 16;

		t_drbg_next_v(d->v);
		t_aes256(d->key, d->v, block);
		memcpy(p, block, k);
		p += k;
		n -= k;
	}
	t_drbg_update(d, NULL);
}

/* The DRBG itself, against the first seed of every NIST KAT file (randombytes_init with bytes 0..47). */
static void t_drbg_first_seed(void **state)
{
	static const char want[] = "061550234D158C5EC95595FE04EF7A25767F2E24CC2BC479"
		"D09D86DC9ABCFDE7056A8C266F9EF97ED08541DBD2E1FFA1";
	uint8_t entropy[48], seed[48], w[48];
	struct t_drbg d;

	for (int i = 0; i < 48; i++) {
		entropy[i] = (uint8_t)i;
	}
	t_drbg_init(&d, entropy);
	t_drbg_bytes(&d, seed, sizeof(seed));
	assert_int_equal(t_unhex(w, sizeof(w), want), 48);
	assert_memory_equal(seed, w, 48);
}

/* ---- known answers ---- */

/*
 * SHA-256 of the KAT text as liboqs' tests/kat_kem.c prints it (the NIST .rsp entries without the "# name"
 * header: "count = N", then seed, pk, sk, ct, ss in upper-case hex, a blank line between entries). Published in
 * open-quantum-safe/liboqs tests/KATs/kem/kats.json (commit 8979276ad1eb008215aa78a3c56b3649f604bbb1), "sntrup761":
 * "single" is count 0 alone (also PQClean crypto_kem/sntrup761/META.yml nistkat-sha256, commit
 * 183a3c043d0b8459831b1b533dab624f4cf13f10), "all" the 100 counts.
 */
static const char t_kat_single[] = "afc42c3a5b10f4ef69654250097ebda9b9564570f4086744b24a6daf2bd1f89a";
static const char t_kat_all[] = "36e1e53d4e6e295e8fb804449958ad9a3719aa350e91933c65791b9117382d57";

static void t_hash_line(struct cry_hash_ctx *h, const char *label, const uint8_t *b, size_t n)
{
	static const char hexdig[] = "0123456789ABCDEF";
	char line[2 * CRY_SNTRUP761_SK_LEN + 16];
	size_t k = strlen(label);

	memcpy(line, label, k);
	for (size_t i = 0; i < n; i++) {
		line[k++] = hexdig[b[i] >> 4];
		line[k++] = hexdig[b[i] & 15];
	}
	line[k++] = '\n';
	assert_int_equal(cry_hash_update(h, line, k), 0);
}

/* Runs counts 0..n-1 as the NIST generator does, hashing the text; every decapsulation must agree. */
static void t_kat_text_hash(int n, uint8_t out[32])
{
	static uint8_t pk[CRY_SNTRUP761_PK_LEN], sk[CRY_SNTRUP761_SK_LEN], ct[CRY_SNTRUP761_CT_LEN];
	uint8_t ss[CRY_SNTRUP761_SS_LEN], ss2[CRY_SNTRUP761_SS_LEN], entropy[48], seed[48];
	struct cry_hash_ctx h = { NULL, 0 };
	struct t_drbg outer, inner;

	for (int i = 0; i < 48; i++) {
		entropy[i] = (uint8_t)i;
	}
	t_drbg_init(&outer, entropy);
	assert_int_equal(cry_hash_init(&h, CRY_SHA256), 0);
	for (int count = 0; count < n; count++) {
		char head[32];

		if (count > 0) {
			assert_int_equal(cry_hash_update(&h, "\n", 1), 0);
		}
		snprintf(head, sizeof(head), "count = %d\n", count);
		assert_int_equal(cry_hash_update(&h, head, strlen(head)), 0);
		t_drbg_bytes(&outer, seed, sizeof(seed));
		t_hash_line(&h, "seed = ", seed, sizeof(seed));
		t_drbg_init(&inner, seed);
		assert_int_equal(cry_sntrup761_keypair_rng(pk, sk, t_drbg_bytes, &inner), 0);
		t_hash_line(&h, "pk = ", pk, sizeof(pk));
		t_hash_line(&h, "sk = ", sk, sizeof(sk));
		assert_int_equal(cry_sntrup761_enc_rng(ct, ss, pk, t_drbg_bytes, &inner), 0);
		t_hash_line(&h, "ct = ", ct, sizeof(ct));
		t_hash_line(&h, "ss = ", ss, sizeof(ss));
		assert_int_equal(cry_sntrup761_dec(ss2, ct, sk), 0);
		assert_memory_equal(ss, ss2, sizeof(ss));
	}
	assert_int_equal(cry_hash_final(&h, out), 0);
	cry_hash_free(&h);
}

static void t_kat_count0_hash(void **state)
{
	uint8_t got[32], want[32];

	t_kat_text_hash(1, got);
	assert_int_equal(t_unhex(want, sizeof(want), t_kat_single), 32);
	assert_memory_equal(got, want, 32);
}

static void t_kat_all_hash(void **state)
{
	uint8_t got[32], want[32];

	t_kat_text_hash(100, got);
	assert_int_equal(t_unhex(want, sizeof(want), t_kat_all), 32);
	assert_memory_equal(got, want, 32);
}

/* One entry of tests/unit/data/sntrup761/kat.txt. */
struct t_kat {
	uint8_t seed[48], pk[CRY_SNTRUP761_PK_LEN], sk[CRY_SNTRUP761_SK_LEN], ct[CRY_SNTRUP761_CT_LEN],
		ss[CRY_SNTRUP761_SS_LEN];
};

/* "name = HEX" into out, which must be exactly that long. */
static void t_kat_field(const char *line, const char *name, uint8_t *out, size_t len)
{
	size_t k = strlen(name);
	const char *hex = line + k + 3;

	assert_true(strncmp(line, name, k) == 0 && strncmp(line + k, " = ", 3) == 0);
	assert_int_equal(strcspn(hex, "\n"), 2 * len);
	assert_int_equal(t_unhex(out, len, hex), len);
}

/* Each count: the DRBG from its seed gives exactly pk, sk, ct, ss; and dec of the file's ct under its sk is ss. */
static void t_kat_check(const struct t_kat *k)
{
	static uint8_t pk[CRY_SNTRUP761_PK_LEN], sk[CRY_SNTRUP761_SK_LEN], ct[CRY_SNTRUP761_CT_LEN];
	uint8_t ss[CRY_SNTRUP761_SS_LEN];
	struct t_drbg d;

	assert_int_equal(cry_sntrup761_dec(ss, k->ct, k->sk), 0);
	assert_memory_equal(ss, k->ss, sizeof(ss));
	t_drbg_init(&d, k->seed);
	assert_int_equal(cry_sntrup761_keypair_rng(pk, sk, t_drbg_bytes, &d), 0);
	assert_memory_equal(pk, k->pk, sizeof(pk));
	assert_memory_equal(sk, k->sk, sizeof(sk));
	assert_int_equal(cry_sntrup761_enc_rng(ct, ss, pk, t_drbg_bytes, &d), 0);
	assert_memory_equal(ct, k->ct, sizeof(ct));
	assert_memory_equal(ss, k->ss, sizeof(ss));
}

static void t_kat_file(void **state)
{
	static char text[64 * 1024];
	static struct t_kat k;
	const char *line = text;
	int counts = 0;

	t_read_data("sntrup761/kat.txt", text, sizeof(text));
	while (*line != '\0') {
		const char *nl = strchr(line, '\n');

		if (strncmp(line, "seed", 4) == 0) {
			t_kat_field(line, "seed", k.seed, sizeof(k.seed));
		} else if (strncmp(line, "pk", 2) == 0) {
			t_kat_field(line, "pk", k.pk, sizeof(k.pk));
		} else if (strncmp(line, "sk", 2) == 0) {
			t_kat_field(line, "sk", k.sk, sizeof(k.sk));
		} else if (strncmp(line, "ct", 2) == 0) {
			t_kat_field(line, "ct", k.ct, sizeof(k.ct));
		} else if (strncmp(line, "ss", 2) == 0) {
			t_kat_field(line, "ss", k.ss, sizeof(k.ss));
			t_kat_check(&k);
			counts++;
		}
		line = nl != NULL ? nl + 1 : line + strlen(line);
	}
	assert_int_equal(counts, 3);
}

/* ---- round trips and implicit rejection ---- */

#endif

static void t_round_trip(void **state)
{
	static uint8_t pk[CRY_SNTRUP761_PK_LEN], sk[CRY_SNTRUP761_SK_LEN], ct[CRY_SNTRUP761_CT_LEN];
	uint8_t ss[CRY_SNTRUP761_SS_LEN], ss2[CRY_SNTRUP761_SS_LEN], prev[CRY_SNTRUP761_SS_LEN];

	assert_int_equal(cry_sntrup761_keypair(pk, sk), 0);
	memset(prev, 0, sizeof(prev));
	for (int i = 0; i < 4; i++) {
		assert_int_equal(cry_sntrup761_enc(ct, ss, pk), 0);
		assert_int_equal(cry_sntrup761_dec(ss2, ct, sk), 0);
		assert_memory_equal(ss, ss2, sizeof(ss));
		assert_memory_not_equal(ss, prev, sizeof(ss));	/* fresh r each time */
		memcpy(prev, ss, sizeof(ss));
	}
	/* The public key is in the secret key; the cache is Hash_prefix(4, pk). */
	assert_memory_equal(sk + 382, pk, sizeof(pk));
}

/* The key implicit rejection must give: the first 32 bytes of SHA-512(0 || SHA-512(3 || rho)[0..32) || ct). */
static void t_rejection_key(uint8_t out[32], const uint8_t sk[CRY_SNTRUP761_SK_LEN],
	const uint8_t ct[CRY_SNTRUP761_CT_LEN])
{
	uint8_t buf[1 + 32 + CRY_SNTRUP761_CT_LEN], h[64];

	buf[0] = 3;
	memcpy(buf + 1, sk + 382 + CRY_SNTRUP761_PK_LEN, 191);
	assert_int_equal(cry_hash(CRY_SHA512, buf, 1 + 191, h), 0);
	buf[0] = 0;
	memcpy(buf + 1, h, 32);
	memcpy(buf + 33, ct, CRY_SNTRUP761_CT_LEN);
	assert_int_equal(cry_hash(CRY_SHA512, buf, sizeof(buf), h), 0);
	memcpy(out, h, 32);
}

static void t_flipped_bit(void **state)
{
	static uint8_t pk[CRY_SNTRUP761_PK_LEN], sk[CRY_SNTRUP761_SK_LEN], ct[CRY_SNTRUP761_CT_LEN];
	static const size_t bits[] = { 0, 7, 8 * 500 + 3, 8 * 1006 + 7, 8 * 1007, 8 * CRY_SNTRUP761_CT_LEN - 1 };
	uint8_t ss[CRY_SNTRUP761_SS_LEN], bad[CRY_SNTRUP761_SS_LEN], want[CRY_SNTRUP761_SS_LEN];

	assert_int_equal(cry_sntrup761_keypair(pk, sk), 0);
	assert_int_equal(cry_sntrup761_enc(ct, ss, pk), 0);
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		size_t b = bits[i];

		ct[b / 8] ^= (uint8_t)(1u << (b % 8));
		assert_int_equal(cry_sntrup761_dec(bad, ct, sk), 0);
		assert_memory_not_equal(bad, ss, sizeof(ss));
		t_rejection_key(want, sk, ct);
		assert_memory_equal(bad, want, sizeof(want));
		ct[b / 8] ^= (uint8_t)(1u << (b % 8));
	}
	/* Restored, it decapsulates again; and a key for another secret key is the rejection key too. */
	assert_int_equal(cry_sntrup761_dec(bad, ct, sk), 0);
	assert_memory_equal(bad, ss, sizeof(ss));
	assert_int_equal(cry_sntrup761_keypair(pk, sk), 0);
	assert_int_equal(cry_sntrup761_dec(bad, ct, sk), 0);
	t_rejection_key(want, sk, ct);
	assert_memory_equal(bad, want, sizeof(want));
}

static void t_null_args(void **state)
{
	static uint8_t pk[CRY_SNTRUP761_PK_LEN], sk[CRY_SNTRUP761_SK_LEN], ct[CRY_SNTRUP761_CT_LEN];
	uint8_t ss[CRY_SNTRUP761_SS_LEN];

	assert_int_equal(cry_sntrup761_keypair(NULL, sk), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_sntrup761_keypair_rng(pk, sk, NULL, NULL), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_sntrup761_enc(ct, NULL, pk), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_sntrup761_enc_rng(ct, ss, pk, NULL, NULL), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_sntrup761_dec(ss, NULL, sk), SSHTUN_ERR_INVAL);
}

/* ---- the sort network ---- */

static int t_cmp_int32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static void t_sort_random(void **state)
{
	static int32_t x[1100], y[1100];
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 255, 256, 257, 511, 513,
		760, 761, 762, 1023, 1024, 1025, 1100 };

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];

		for (int round = 0; round < 4; round++) {
			cry_random(x, n * sizeof(x[0]));
			if (round == 1) {
				/* Few distinct values: ties everywhere. */
				for (size_t i = 0; i < n; i++) {
					x[i] &= 3;
				}
			} else if (round == 2) {
				/* The extremes, where a difference would overflow 32 bits. */
				for (size_t i = 0; i < n; i++) {
					x[i] = (x[i] & 1) ? INT32_MAX : INT32_MIN;
				}
			} else if (round == 3) {
				/* Already sorted backwards. */
				for (size_t i = 0; i < n; i++) {
					x[i] = (int32_t)(n - i);
				}
			}
			memcpy(y, x, n * sizeof(x[0]));
			cry_sort_int32(x, n);
			if (n > 0) {
				qsort(y, n, sizeof(y[0]), t_cmp_int32);
				assert_memory_equal(x, y, n * sizeof(x[0]));
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#if SSHTUN_OPENSSL
		cmocka_unit_test(t_drbg_first_seed),
		cmocka_unit_test(t_kat_count0_hash),
		cmocka_unit_test(t_kat_all_hash),
		cmocka_unit_test(t_kat_file),
#endif
		cmocka_unit_test(t_round_trip),
		cmocka_unit_test(t_flipped_bit),
		cmocka_unit_test(t_null_args),
		cmocka_unit_test(t_sort_random),
	};

	return cmocka_run_group_tests(tests, t_setup, NULL);
}

#else

int main(void)
{
	return 0;
}

#endif
