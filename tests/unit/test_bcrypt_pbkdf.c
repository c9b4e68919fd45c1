/* sshtun: unit tests for crypto/blowfish.c and crypto/bcrypt_pbkdf.c: known answers, pi, limits, a real key file. */
#include "tests/unit/testutil.h"

#include <stdio.h>

#include "util/features.h"
#if SSHTUN_OPENSSL
#include <openssl/evp.h>
#endif

#include "crypto/blowfish.h"
#include "crypto/crypto.h"
#include "crypto/kdf.h"
#include "util/wire.h"

/* bcrypt-pbkdf and Blowfish go with passphrase-protected key files (SSHTUN_KEY_ENCRYPTED). */
#if SSHTUN_KEY_ENCRYPTED

static int t_setup(void **state)
{
	return cry_init() == 0 ? 0 : -1;
}

/* ---- Blowfish ---- */

static void t_bf_one(const char *key_hex, const char *plain_hex, const char *cipher_hex)
{
	struct bf_ctx c;
	uint8_t key[72];
	uint8_t in[BF_BLOCK];
	uint8_t want[BF_BLOCK];
	uint8_t out[BF_BLOCK];
	size_t keylen = t_unhex(key, sizeof(key), key_hex);

	assert_int_equal(t_unhex(in, sizeof(in), plain_hex), BF_BLOCK);
	assert_int_equal(t_unhex(want, sizeof(want), cipher_hex), BF_BLOCK);
	bf_init(&c);
	bf_expand0(&c, key, keylen);
	bf_encrypt_block(&c, out, in);
	assert_memory_equal(out, want, BF_BLOCK);
	/* In place. */
	bf_encrypt_block(&c, in, in);
	assert_memory_equal(in, want, BF_BLOCK);
	bf_wipe(&c);
}

/* Eric Young's ECB vectors, as published with Schneier's description (schneier.com/code/vectors.txt). */
static void t_bf_young_ecb(void **state)
{
	static const char *const v[][3] = {
		{ "0000000000000000", "0000000000000000", "4EF997456198DD78" },
		{ "FFFFFFFFFFFFFFFF", "FFFFFFFFFFFFFFFF", "51866FD5B85ECB8A" },
		{ "3000000000000000", "1000000000000001", "7D856F9A613063F2" },
		{ "1111111111111111", "1111111111111111", "2466DD878B963C9D" },
		{ "0123456789ABCDEF", "1111111111111111", "61F9C3802281B096" },
		{ "1111111111111111", "0123456789ABCDEF", "7D0CC630AFDA1EC7" },
		{ "FEDCBA9876543210", "0123456789ABCDEF", "0ACEAB0FC6A0A28D" },
		{ "7CA110454A1A6E57", "01A1D6D039776742", "59C68245EB05282B" },
		{ "0131D9619DC1376E", "5CD54CA83DEF57DA", "B1B8CC0B250F09A0" },
		{ "43297FAD38E373FE", "762514B829BF486A", "13F04154D69D1AE5" },
		{ "584023641ABA6176", "004BD6EF09176062", "452031C1E4FADA8E" },
		{ "1C587F1C13924FEF", "305532286D6F295A", "55CB3774D13EF201" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		t_bf_one(v[i][0], v[i][1], v[i][2]);
	}
}

/*
 * Keys of other lengths, which wrap round the P-array unevenly: from Young's
 * set_key vectors in the same file (prefixes of one 24-byte key, one block);
 * each value here was also recomputed with OpenSSL's Blowfish.
 */
static void t_bf_young_setkey(void **state)
{
	static const char key[] = "F0E1D2C3B4A5968778695A4B3C2D1E0F0011223344556677";
	static const struct {
		size_t len;
		const char *cipher;
	} v[] = {
		{ 4, "BE1E639408640F05" }, { 5, "B39E44481BDB1E6E" }, { 7, "8BB77032F960629D" },
		{ 9, "15750E7A4F4EC577" }, { 13, "884F80625060B8B4" }, { 16, "93142887EE3BE15C" },
		{ 17, "03429E838CE2D14B" }, { 23, "80C7D7D45A5479AD" }, { 24, "05044B62FA52D080" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char k[sizeof(key)];

		memcpy(k, key, 2 * v[i].len);
		k[2 * v[i].len] = '\0';
		t_bf_one(k, "FEDCBA9876543210", v[i].cipher);
	}
}

/* ExpandKey with an all-zero salt is the plain key schedule; any other salt changes the state. */
static void t_bf_expand_salt(void **state)
{
	static const uint8_t key[5] = { 1, 2, 3, 4, 5 };
	uint8_t salt[16] = { 0 };
	struct bf_ctx a;
	struct bf_ctx b;

	bf_init(&a);
	bf_expand0(&a, key, sizeof(key));
	bf_init(&b);
	bf_expand(&b, salt, sizeof(salt), key, sizeof(key));
	assert_memory_equal(&a, &b, sizeof(a));
	salt[15] = 1;
	bf_init(&b);
	bf_expand(&b, salt, sizeof(salt), key, sizeof(key));
	assert_memory_not_equal(&a, &b, sizeof(a));
	bf_wipe(&a);
	bf_wipe(&b);
	for (size_t i = 0; i < sizeof(a); i++) {
		assert_int_equal(((const uint8_t *)&a)[i], 0);
	}
}

/*
 * ---- the initial state is pi ----
 * pi = 16 atan(1/5) - 4 atan(1/239) (Machin), atan(1/m) = sum over j of
 * (-1)^j / ((2j + 1) m^(2j + 1)), summed in fixed point: limb 0 is the integer
 * part, then the 1042 words of the fraction the table must hold, then two guard
 * limbs, base 2^32, most significant first. Every division truncates, so the sum
 * is low by at most two units of the last limb per term (about 9300 terms): less
 * than 2^15 units of the last guard limb. So the table words are exact unless
 * the first guard limb is all ones or all zeros, which the test rules out.
 */
enum { PI_WORDS = BF_P_WORDS + BF_S_BOXES * BF_S_WORDS, PI_GUARD = 2, PI_LIMBS = 1 + PI_WORDS + PI_GUARD };

/* x[lo..] /= d (limbs before lo are zero); returns the index of the first non-zero limb (PI_LIMBS if none). */
static size_t t_pi_div(uint32_t *x, size_t lo, uint32_t d)
{
	uint64_t rem = 0;

	for (size_t i = lo; i < PI_LIMBS; i++) {
		uint64_t cur = (rem << 32) | x[i];

		x[i] = (uint32_t)(cur / d);
		rem = cur % d;
	}
	while (lo < PI_LIMBS && x[lo] == 0) {
		lo++;
	}
	return lo;
}

/* acc += q (add) or acc -= q, where q[lo..] is the term and limbs before lo are zero. */
static void t_pi_addsub(uint32_t *acc, const uint32_t *q, size_t lo, int add)
{
	uint64_t carry = 0;
	size_t i = PI_LIMBS;

	while (i > lo || (carry != 0 && i > 0)) {
		uint64_t qi;

		i--;
		qi = i >= lo ? q[i] : 0;
		if (add) {
			carry += (uint64_t)acc[i] + qi;
			acc[i] = (uint32_t)carry;
			carry >>= 32;
		} else {
			uint64_t sub = qi + carry;

			carry = (uint64_t)acc[i] < sub;
			acc[i] = (uint32_t)((uint64_t)acc[i] - sub);
		}
	}
	assert_int_equal(carry, 0);
}

/* acc += k atan(1/m) (add) or acc -= k atan(1/m). */
static void t_pi_atan(uint32_t *acc, uint32_t k, uint32_t m, int add)
{
	uint32_t t[PI_LIMBS] = { 0 };
	uint32_t q[PI_LIMBS];
	size_t lo;

	t[0] = k;
	lo = t_pi_div(t, 0, m);	/* t = k / m^(2j+1) */
	for (uint32_t j = 0; lo < PI_LIMBS; j++) {
		memcpy(q + lo, t + lo, (PI_LIMBS - lo) * sizeof(q[0]));
		t_pi_div(q, lo, 2 * j + 1);
		t_pi_addsub(acc, q, lo, (j % 2 == 0) == (add != 0));
		lo = t_pi_div(t, lo, m * m);
	}
}

static void t_bf_pi(void **state)
{
	static uint32_t pi[PI_LIMBS];
	struct bf_ctx c;

	memset(pi, 0, sizeof(pi));
	t_pi_atan(pi, 16, 5, 1);
	t_pi_atan(pi, 4, 239, 0);
	assert_int_equal(pi[0], 3);
	assert_int_equal(pi[1], 0x243f6a88);	/* the well-known start, as a check on the arithmetic itself */
	assert_true(pi[1 + PI_WORDS] != 0 && pi[1 + PI_WORDS] != 0xffffffff);
	bf_init(&c);
	for (int i = 0; i < BF_P_WORDS; i++) {
		assert_int_equal(c.P[i], pi[1 + i]);
	}
	for (int b = 0; b < BF_S_BOXES; b++) {
		for (int i = 0; i < BF_S_WORDS; i++) {
			assert_int_equal(c.S[b][i], pi[1 + BF_P_WORDS + BF_S_WORDS * b + i]);
		}
	}
}

/* ---- bcrypt-pbkdf ---- */

static void t_kdf_one(const void *pass, size_t passlen, const void *salt, size_t saltlen, unsigned rounds,
		      const char *want_hex)
{
	uint8_t want[512];
	uint8_t got[512 + 1];
	size_t n = t_unhex(want, sizeof(want), want_hex);

	assert_true(n > 0 && n < sizeof(want));
	got[n] = 0xa5;
	assert_int_equal(cry_bcrypt_pbkdf(pass, passlen, salt, saltlen, got, n, rounds), 0);
	assert_memory_equal(got, want, n);
	assert_int_equal(got[n], 0xa5);		/* nothing written past keylen */
}

#define T_S(s) (s), (sizeof(s) - 1)

/*
 * The vectors that pyca/bcrypt (tests/test_bcrypt.py, test_kdf) and
 * RustCrypto's bcrypt-pbkdf (tests/test_vectors.rs, test_openbsd_vectors:
 * OpenBSD's) both carry: outputs of 16, 32 and 64 bytes (one and two
 * interleaved blocks), NULs inside passphrase and salt, 42 rounds.
 */
static void t_kdf_openbsd(void **state)
{
	t_kdf_one(T_S("password"), T_S("salt"), 4,
		  "5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9");
	t_kdf_one(T_S("password"), T_S("\0"), 4, "c12b566235eee04c212598970a579a67");
	t_kdf_one(T_S("\0"), T_S("salt"), 4, "6051be18c2f4f82cbf0efee5471b4bb9");
	t_kdf_one(T_S("password\0"), T_S("salt\0"), 4,
		  "7410e44cf4fa07bfaac8a928b1727fac001375e7bf7384370f48efd121743050");
	t_kdf_one(T_S("pass\0wor"), T_S("sa\0l"), 4, "c2bffd9db38f6569efef4372f4de83c0");
	t_kdf_one(T_S("pass\0word"), T_S("sa\0lt"), 4, "4ba4ac3925c0e8d7f0cdb6bb1684a56f");
	t_kdf_one(T_S("password"), T_S("salt"), 8,
		  "e1367ec5151a33faac4cc1c144cd23fa15d5548493ecc99b9b5d9c0d3b27bec7"
		  "6227ea66088b849b20ab7aa478010246e74bba51723fefa9f9474d6508845e8d");
	t_kdf_one(T_S("password"), T_S("salt"), 42, "833cf0dcf56db65608e8f0dc0ce882bd");
	t_kdf_one(T_S("Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt ut "
		      "labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris "
		      "nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit "
		      "esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt "
		      "in culpa qui officia deserunt mollit anim id est laborum."),
		  T_S("salis\0"), 8, "10978b07253df57f71a162eb0e8ad30a");
}

/* pyca/bcrypt's further ones (test_kdf): binary inputs, a 256-byte key (eight interleaved blocks), UTF-8 text. */
static void t_kdf_pyca(void **state)
{
	uint8_t pass[16];
	uint8_t salt[16];

	t_unhex(pass, sizeof(pass), "0db3ac94b3ee53284f4a22893b3c24ae");
	t_unhex(salt, sizeof(salt), "3a62f0f0dbcef823cfcc854856ea1028");
	t_kdf_one(pass, sizeof(pass), salt, sizeof(salt), 8, "204438175eee7ce136c91b49a67923ff");
	t_kdf_one(pass, sizeof(pass), salt, sizeof(salt), 8,
		  "2054b9fff34e3721440334746828e9ed38de4b72e0a69adc170a13b5e8d64638"
		  "5ea4034ae6d26600ee2332c5ed40ad557c86e3403fbb30e4e1dc1ae06b99a071"
		  "368f518d2c426651c9e7e437fd6c915b1bbfc3a4cea71491490ea7afb7dd0290"
		  "a678a4f441128db1792eab2776b21eb4238e0715add4127dff44e4b3e4cc4c4f"
		  "9970083f3f74bd698873fdf648844f75c9bf7f9e0c4d9e5d89a7783997492966"
		  "616707611cb901de31a19726b6e08c3a8001661f2d5c9dcc33b4aa072f90dd0b"
		  "3f548d5eeba4211397e2fb062e526e1d68f46a4ce256185b4badc2685fbe78e1"
		  "c7657b59f83ab9ab80cf9318d6add1f5933f12d6f36182c8e8115f68030a1244");
	t_kdf_one(T_S("\xe1\xbd\x88\xce\xb4\xcf\x85\xcf\x83\xcf\x83\xce\xb5\xcf\x8d\xcf\x82"),
		  T_S("\xce\xa4\xce\xb7\xce\xbb\xce\xad\xce\xbc\xce\xb1\xcf\x87\xce\xbf\xcf\x82"), 8,
		  "43666c9b09ef33ed8c27e8e8f3e2d8e6");
}

static void t_kdf_refuse(void **state)
{
	static uint8_t big[CRY_BCRYPT_SALT_MAX + 1];
	uint8_t key[CRY_BCRYPT_KEY_MAX + 1];
	const uint8_t salt[4] = { 's', 'a', 'l', 't' };

	memset(key, 0xa5, sizeof(key));
	assert_int_equal(cry_bcrypt_pbkdf("pw", 2, salt, 4, key, 32, 0), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_bcrypt_pbkdf("pw", 2, salt, 0, key, 32, 1), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_bcrypt_pbkdf("pw", 2, big, sizeof(big), key, 32, 1), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_bcrypt_pbkdf("pw", 2, salt, 4, key, 0, 1), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_bcrypt_pbkdf("pw", 2, salt, 4, key, CRY_BCRYPT_KEY_MAX + 1, 1), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_bcrypt_pbkdf("pw", 2, NULL, 4, key, 32, 1), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_bcrypt_pbkdf("pw", 2, salt, 4, NULL, 32, 1), SSHTUN_ERR_INVAL);
	assert_int_equal(cry_bcrypt_pbkdf(NULL, 2, salt, 4, key, 32, 1), SSHTUN_ERR_INVAL);
	/* A refusal leaves the key alone. */
	for (size_t i = 0; i < sizeof(key); i++) {
		assert_int_equal(key[i], 0xa5);
	}
}

/* The largest salt and key are taken; every byte of a 1024-byte key (32 blocks of 32) is written. */
static void t_kdf_limits(void **state)
{
	static uint8_t big[CRY_BCRYPT_SALT_MAX];
	uint8_t a[CRY_BCRYPT_KEY_MAX];
	uint8_t b[CRY_BCRYPT_KEY_MAX];

	assert_int_equal(cry_bcrypt_pbkdf("pw", 2, big, sizeof(big), a, 1, 1), 0);
	assert_int_equal(cry_bcrypt_pbkdf(NULL, 0, (const uint8_t *)"s", 1, a, 1, 1), 0);	/* empty passphrase */
	assert_int_equal(cry_bcrypt_pbkdf("", 0, (const uint8_t *)"s", 1, b, 1, 1), 0);
	assert_int_equal(a[0], b[0]);
	memset(a, 0, sizeof(a));
	memset(b, 0xff, sizeof(b));
	assert_int_equal(cry_bcrypt_pbkdf("pw", 2, (const uint8_t *)"s", 1, a, sizeof(a), 1), 0);
	assert_int_equal(cry_bcrypt_pbkdf("pw", 2, (const uint8_t *)"s", 1, b, sizeof(b), 1), 0);
	assert_memory_equal(a, b, sizeof(a));
}

/*
 * ---- a key file written by ssh-keygen ----
 * tests/unit/data/bcrypt_ed25519 is a throwaway key made with
 *   ssh-keygen -t ed25519 -N 'correct horse' -C t
 * (OpenSSH 9.2: aes256-ctr, bcrypt, 16 rounds). Its private section is
 * decrypted here with libcrypto directly, under a key and IV from
 * cry_bcrypt_pbkdf, and checked as OpenSSH checks it (the two check words
 * equal) and against the public key in the .pub file. Without libcrypto, crypto/aes_ct.c decrypts it.
 */
enum { KF_MAX = 4096 };

struct t_keyfile {
	uint8_t raw[KF_MAX];		/* the decoded base64 between the armour lines */
	size_t rawlen;
	struct wire_view salt;
	uint32_t rounds;
	struct wire_view pub;		/* the public key blob */
	struct wire_view enc;		/* the encrypted private section */
};

static void t_keyfile_load(struct t_keyfile *k)
{
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
	static const char end[] = "-----END OPENSSH PRIVATE KEY-----";
	static const char magic[] = "openssh-key-v1";	/* and its NUL */
	char text[KF_MAX];
	char b64[KF_MAX];
	size_t nb64 = 0;
	const char *p;
	const char *stop;
	struct wire_r r;
	struct wire_r opts;
	struct wire_view v;
	uint32_t nkeys = 0;

	t_read_data("bcrypt_ed25519", text, sizeof(text));
	assert_memory_equal(text, begin, sizeof(begin) - 1);
	stop = strstr(text, end);
	assert_non_null(stop);
	for (p = text + sizeof(begin) - 1; p < stop; p++) {
		if (*p != '\n') {
			b64[nb64++] = *p;
		}
	}
	assert_int_equal(cry_base64_decode(k->raw, sizeof(k->raw), &k->rawlen, b64, nb64), 0);

	wire_r_init(&r, k->raw, k->rawlen);
	wire_get_raw(&r, sizeof(magic), &v);
	assert_int_equal(wire_err(&r), 0);
	assert_memory_equal(v.p, magic, sizeof(magic));
	wire_get_string(&r, &v);
	assert_true(wire_view_eq(&v, "aes256-ctr"));
	wire_get_string(&r, &v);
	assert_true(wire_view_eq(&v, "bcrypt"));
	wire_get_sub(&r, &opts);
	wire_get_string(&opts, &k->salt);
	wire_get_u32(&opts, &k->rounds);
	assert_int_equal(wire_end(&opts), 0);
	wire_get_u32(&r, &nkeys);
	assert_int_equal(nkeys, 1);
	wire_get_string(&r, &k->pub);
	wire_get_string(&r, &k->enc);
	assert_int_equal(wire_end(&r), 0);
	assert_int_equal(k->salt.n, 16);
	assert_int_equal(k->rounds, 16);
	assert_int_equal(k->enc.n % 16, 0);
}

/* The blob of the .pub file ("ssh-ed25519 <base64> t"). */
static void t_pubfile_load(uint8_t *blob, size_t len, size_t *n)
{
	char text[1024];
	char *b64;
	char *sp;

	t_read_data("bcrypt_ed25519.pub", text, sizeof(text));
	b64 = strchr(text, ' ');
	assert_non_null(b64);
	b64++;
	sp = strchr(b64, ' ');
	assert_non_null(sp);
	assert_int_equal(cry_base64_decode(blob, len, n, b64, (size_t)(sp - b64)), 0);
}

/* Derives key and IV from pass, decrypts the private section into out (enc.n bytes). */
static void t_keyfile_decrypt(const struct t_keyfile *k, const char *pass, uint8_t *out)
#if !SSHTUN_OPENSSL
{
	uint8_t kiv[32 + 16];

	assert_int_equal(cry_bcrypt_pbkdf(pass, strlen(pass), k->salt.p, k->salt.n, kiv, sizeof(kiv), k->rounds), 0);
	memcpy(out, k->enc.p, k->enc.n);
	assert_int_equal(cry_aes_ct_ctr(kiv, 32, kiv + 32, out, k->enc.n), 0);
	cry_wipe(kiv, sizeof(kiv));
}
#else
{
	uint8_t kiv[32 + 16];
	EVP_CIPHER_CTX *e = EVP_CIPHER_CTX_new();
	int outl = 0;
	int fin = 0;

	assert_non_null(e);
	assert_int_equal(cry_bcrypt_pbkdf(pass, strlen(pass), k->salt.p, k->salt.n, kiv, sizeof(kiv), k->rounds), 0);
	assert_int_equal(EVP_DecryptInit_ex(e, EVP_aes_256_ctr(), NULL, kiv, kiv + 32), 1);
	assert_int_equal(EVP_DecryptUpdate(e, out, &outl, k->enc.p, (int)k->enc.n), 1);
	assert_int_equal(EVP_DecryptFinal_ex(e, out + outl, &fin), 1);
	assert_int_equal((size_t)(outl + fin), k->enc.n);
	EVP_CIPHER_CTX_free(e);
	cry_wipe(kiv, sizeof(kiv));
}
#endif

static void t_keyfile(void **state)
{
	static struct t_keyfile k;
	uint8_t pubblob[256];
	size_t publen = 0;
	uint8_t priv[KF_MAX];
	struct wire_r r;
	struct wire_r pr;
	struct wire_view type;
	struct wire_view pk;
	struct wire_view file_pk;
	struct wire_view sk;
	struct wire_view comment;
	uint32_t check1 = 0;
	uint32_t check2 = 0;

	t_keyfile_load(&k);
	t_pubfile_load(pubblob, sizeof(pubblob), &publen);
	/* The unencrypted public key in the file is the .pub's. */
	assert_int_equal(k.pub.n, publen);
	assert_memory_equal(k.pub.p, pubblob, publen);
	wire_r_init(&pr, pubblob, publen);
	wire_get_string(&pr, &type);
	wire_get_string(&pr, &file_pk);
	assert_int_equal(wire_end(&pr), 0);
	assert_true(wire_view_eq(&type, "ssh-ed25519"));
	assert_int_equal(file_pk.n, 32);

	t_keyfile_decrypt(&k, "correct horse", priv);
	wire_r_init(&r, priv, k.enc.n);
	wire_get_u32(&r, &check1);
	wire_get_u32(&r, &check2);
	assert_int_equal(wire_err(&r), 0);
	assert_int_equal(check1, check2);
	wire_get_string(&r, &type);
	assert_true(wire_view_eq(&type, "ssh-ed25519"));
	wire_get_string(&r, &pk);
	wire_get_string(&r, &sk);
	wire_get_string(&r, &comment);
	assert_int_equal(wire_err(&r), 0);
	assert_int_equal(pk.n, 32);
	assert_memory_equal(pk.p, file_pk.p, 32);
	assert_int_equal(sk.n, 64);
	assert_memory_equal(sk.p + 32, file_pk.p, 32);	/* libsodium's layout: seed || public key */
	assert_true(wire_view_eq(&comment, "t"));
	/* Then padding 1, 2, 3, ... to the cipher's block size. */
	for (uint8_t i = 1; wire_left(&r) > 0; i++) {
		uint8_t pad = 0;

		wire_get_u8(&r, &pad);
		assert_int_equal(pad, i);
	}
	cry_wipe(priv, sizeof(priv));

	/* A wrong passphrase: the check words differ (but for a chance of 2^-32). */
	t_keyfile_decrypt(&k, "correct horse ", priv);
	wire_r_init(&r, priv, k.enc.n);
	wire_get_u32(&r, &check1);
	wire_get_u32(&r, &check2);
	assert_int_equal(wire_err(&r), 0);
	assert_int_not_equal(check1, check2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_bf_young_ecb),
		cmocka_unit_test(t_bf_young_setkey),
		cmocka_unit_test(t_bf_expand_salt),
		cmocka_unit_test(t_bf_pi),
		cmocka_unit_test(t_kdf_openbsd),
		cmocka_unit_test(t_kdf_pyca),
		cmocka_unit_test(t_kdf_refuse),
		cmocka_unit_test(t_kdf_limits),
		cmocka_unit_test(t_keyfile),
	};

	return cmocka_run_group_tests(tests, t_setup, NULL);
}

#else

T_LEFT_OUT_MAIN()

#endif
