/*
 * sshtun: unit tests for the non-AEAD half of the packet crypto: AES-CTR (NIST SP 800-38A F.5), HMAC-SHA2 (RFC
 * 4231) and HMAC-SHA1 (RFC 2202) through the MAC rows, UMAC (RFC 4418 appendix), and the MAC table.
 */
#include "tests/unit/testutil.h"

#include <stdalign.h>

#include "crypto/cipher.h"
#include "crypto/crypto.h"
#include "crypto/mac.h"
#include "util/wire.h"

#if SSHTUN_CTR

static int t_setup(void **state)
{
	return cry_init() == 0 ? 0 : -1;
}

#if SSHTUN_CTR
static void t_hex_eq(const uint8_t *got, const char *hex)
{
	uint8_t want[256];
	size_t n = t_unhex(want, sizeof(want), hex);

	assert_memory_equal(got, want, n);
}

/* ---- AES-CTR: NIST SP 800-38A F.5.1, F.5.3, F.5.5 (encrypt; decryption is the same operation) ---- */

static const char ctr_plain[] = "6bc1bee22e409f96e93d7e117393172a" "ae2d8a571e03ac9c9eb76fac45af8e51"
	"30c81c46a35ce411e5fbc1191a0a52ef" "f69f2445df4f9b17ad2b417be66c3710";
static const char ctr_iv[] = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

static const struct ctr_kat {
	const struct cry_cipher *c;
	const char *key, *ct;
} ctr_kats[] = {
	{ &cry_aes128ctr, "2b7e151628aed2a6abf7158809cf4f3c",
		"874d6191b620e3261bef6864990db6ce" "9806f66b7970fdff8617187bb9fffdff"
		"5ae4df3edbd5d35e5b4f09020db03eab" "1e031dda2fbe03d1792170a0f3009cee" },
	{ &cry_aes192ctr, "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
		"1abc932417521ca24f2b0459fe7e6e0b" "090339ec0aa6faefd5ccc2c6f4ce8e94"
		"1e36b26bd1ebc670d1bd1d665620abf7" "4f78a7f6d29809585a97daec58c6b050" },
	{ &cry_aes256ctr, "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
		"601ec313775789a5b7a7f504bbf3d228" "f443e3ca4d62b59aca84e990cacaf5c5"
		"2b0930daa23de94ce87017ba2d84988d" "dfc9c58db67aada613c2dd08457941a6" },
};

static void t_ctr_sp800_38a(void **state)
{
	for (size_t i = 0; i < sizeof(ctr_kats) / sizeof(ctr_kats[0]); i++) {
		const struct ctr_kat *k = &ctr_kats[i];
		alignas(16) uint8_t enc[CRY_CIPHER_CTX_MAX] = { 0 }, dec[CRY_CIPHER_CTX_MAX] = { 0 };
		uint8_t key[32], iv[16], plain[64], buf[64];

		assert_int_equal(t_unhex(key, sizeof(key), k->key), k->c->key_len);
		t_unhex(iv, sizeof(iv), ctr_iv);
		t_unhex(plain, sizeof(plain), ctr_plain);
		assert_int_equal(k->c->iv_len, 16);
		assert_int_equal(k->c->block_size, 16);
		assert_int_equal(k->c->tag_len, 0);
		assert_null(k->c->seal);
		assert_null(k->c->open);
		assert_int_equal(k->c->init(enc, key, iv, 1), 0);
		assert_int_equal(k->c->init(dec, key, iv, 0), 0);
		/* In pieces as the packet layer does it (a first block, then the rest; an odd split), one stream. */
		memcpy(buf, plain, sizeof(buf));
		assert_int_equal(k->c->crypt(enc, buf, 16), 0);
		assert_int_equal(k->c->crypt(enc, buf + 16, 21), 0);
		assert_int_equal(k->c->crypt(enc, buf + 37, 27), 0);
		t_hex_eq(buf, k->ct);
		assert_int_equal(k->c->crypt(dec, buf, 64), 0);
		assert_memory_equal(buf, plain, 64);
		/* The counter goes on: the next 64 bytes are not the same keystream again. */
		memcpy(buf, plain, sizeof(buf));
		assert_int_equal(k->c->crypt(enc, buf, 64), 0);
		t_unhex(plain, sizeof(plain), k->ct);
		assert_memory_not_equal(buf, plain, 64);
		k->c->cleanup(enc);
		k->c->cleanup(dec);
		for (size_t j = 0; j < sizeof(enc); j++) {
			assert_int_equal(enc[j], 0);
		}
		assert_int_equal(k->c->crypt(enc, buf, 16), SSHTUN_ERR_INVAL);
	}
}

/* ---- HMAC through the MAC rows ---- */

/*
 * The rows compute HMAC(K, uint32 seq || data) with a key of the hash's length. An RFC test message's first four
 * bytes are taken as seq; a shorter RFC key is the same key zero-padded (HMAC pads it to the block anyway), and a
 * key longer than the block is the same as its hash (RFC 2104 2).
 */
static void t_hmac_row(const struct cry_mac *m, const uint8_t *key, size_t keylen, const char *msg, size_t msglen,
	const char *hex)
{
	alignas(16) uint8_t ctx[CRY_MAC_CTX_MAX] = { 0 };
	uint8_t k[CRY_MAC_KEY_MAX] = { 0 }, tag[CRY_MAC_TAG_MAX];
	const uint8_t *p = (const uint8_t *)msg;

	assert_true(msglen >= 4);
	assert_true(m->key_len == m->tag_len && m->key_len <= CRY_MAC_KEY_MAX);
	if (keylen > (m->key_len == 64 ? 128 : 64)) {
		assert_int_equal(cry_hash(m->key_len == 64 ? CRY_SHA512 : m->key_len == 32 ? CRY_SHA256 : CRY_SHA1, key, keylen, k), 0);
	} else {
		assert_true(keylen <= m->key_len);
		memcpy(k, key, keylen);
	}
	assert_int_equal(m->init(ctx, k), 0);
	assert_int_equal(m->compute(ctx, wire_peek_u32(p), p + 4, msglen - 4, tag), 0);
	t_hex_eq(tag, hex);
	assert_int_equal(cry_mac_verify(m, ctx, wire_peek_u32(p), p + 4, msglen - 4, tag), 0);
	/* The precomputed states are not consumed: the same tag again; another seq, another tag. */
	assert_int_equal(m->compute(ctx, wire_peek_u32(p), p + 4, msglen - 4, tag), 0);
	t_hex_eq(tag, hex);
	assert_int_equal(cry_mac_verify(m, ctx, wire_peek_u32(p) ^ 1, p + 4, msglen - 4, tag), SSHTUN_ERR_MAC);
	tag[m->tag_len - 1] ^= 0x80;
	assert_int_equal(cry_mac_verify(m, ctx, wire_peek_u32(p), p + 4, msglen - 4, tag), SSHTUN_ERR_MAC);
	m->cleanup(ctx);
	for (size_t j = 0; j < sizeof(ctx); j++) {
		assert_int_equal(ctx[j], 0);
	}
}

static void t_hmac_sha2_rfc4231(void **state)
{
	static const char big_key[] = "Test Using Larger Than Block-Size Key - Hash Key First";
	static const char big_data[] = "This is a test using a larger than block-size key and a larger than block-size data."
		" The key needs to be hashed before being used by the HMAC algorithm.";
	uint8_t key[131];
	char dd[50];
	const struct cry_mac *const sha256[] = { &cry_hmac_sha256, &cry_hmac_sha256_etm };
	const struct cry_mac *const sha512[] = { &cry_hmac_sha512, &cry_hmac_sha512_etm };

	for (size_t i = 0; i < 2; i++) {
		/* Test case 1 */
		memset(key, 0x0b, 20);
		t_hmac_row(sha256[i], key, 20, "Hi There", 8, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
		t_hmac_row(sha512[i], key, 20, "Hi There", 8, "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
			"daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
		/* Test case 2 */
		t_hmac_row(sha256[i], (const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28,
			"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
		t_hmac_row(sha512[i], (const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28,
			"164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
			"9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
		/* Test case 3 */
		memset(key, 0xaa, 20);
		memset(dd, 0xdd, sizeof(dd));
		t_hmac_row(sha256[i], key, 20, dd, sizeof(dd), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
		t_hmac_row(sha512[i], key, 20, dd, sizeof(dd), "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
			"bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb");
		/* Test cases 6 and 7: keys longer than the block */
		memset(key, 0xaa, sizeof(key));
		t_hmac_row(sha256[i], key, sizeof(key), big_key, sizeof(big_key) - 1,
			"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
		t_hmac_row(sha512[i], key, sizeof(key), big_key, sizeof(big_key) - 1,
			"80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
			"6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
		t_hmac_row(sha256[i], key, sizeof(key), big_data, sizeof(big_data) - 1,
			"9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
		t_hmac_row(sha512[i], key, sizeof(key), big_data, sizeof(big_data) - 1,
			"e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
			"b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58");
	}
}

#if SSHTUN_HMAC_SHA1
static void t_hmac_sha1_rfc2202(void **state)
{
	uint8_t key[80];

	memset(key, 0x0b, 20);
	t_hmac_row(&cry_hmac_sha1, key, 20, "Hi There", 8, "b617318655057264e28bc0b6fb378c8ef146be00");
	t_hmac_row(&cry_hmac_sha1_etm, (const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28,
		"effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	memset(key, 0xaa, sizeof(key));
	t_hmac_row(&cry_hmac_sha1, key, 80, "Test Using Larger Than Block-Size Key - Hash Key First", 54,
		"aa4ae5e15272d00e95705637ce8a3b55ed402112");
}
#endif

/* ---- UMAC: RFC 4418 appendix, key "abcdefghijklmnop", nonce "bcdefghi" ---- */

#if SSHTUN_UMAC
static const struct umac_kat {
	const char *unit;
	size_t reps;
	const char *t32, *t64, *t96;
	const char *t128;	/* the full 128-bit tag where published outside the RFC's table (nettle's tests); else NULL */
} umac_kats[] = {
	{ "", 0, "113145FB", "6E155FAD26900BE1", "32FEDB100C79AD58F07FF764", "32fedb100c79ad58f07ff7643cc60465" },
	{ "a", 3, "3B91D102", "44B5CB542F220104", "185E4FE905CBA7BD85E4C2DC", "185e4fe905cba7bd85e4c2dc3d117d8d" },
	{ "a", 1 << 10, "599B350B", "26BF2F5D60118BD9", "7A54ABE04AF82D60FB298C3C", "7a54abe04af82d60fb298c3cbd195bcb" },
	{ "a", 1 << 15, "58DCF532", "27F8EF643B0D118D", "7B136BD911E4B734286EF2BE", "7b136bd911e4b734286ef2be501f2c3c" },
	{ "a", 1 << 20, "DB6364D1", "A4477E87E9F55853", "F8ACFA3AC31CFEEA047F7B11", NULL },
	{ "abc", 1, "ABF3A3A0", "D4D7B9F6BD4FBFCF", "883C3D4B97A61976FFCF2323", NULL },
	{ "abc", 500, "ABEB3C8B", "D4CF26DDEFD5C01A", "8824A260C53C66A36C9260A6", NULL },
};

static void t_umac_rfc4418(void **state)
{
	static const uint8_t key[16] = "abcdefghijklmnop", nonce[8] = { 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i' };
	uint8_t *msg = malloc(1 << 20);
	uint8_t tag[16];

	assert_non_null(msg);
	for (size_t i = 0; i < sizeof(umac_kats) / sizeof(umac_kats[0]); i++) {
		const struct umac_kat *k = &umac_kats[i];
		size_t ul = strlen(k->unit), n = ul * k->reps;

		for (size_t j = 0; j < k->reps; j++) {
			memcpy(msg + j * ul, k->unit, ul);
		}
		assert_int_equal(cry_umac(key, nonce, msg, n, tag, 4), 0);
		t_hex_eq(tag, k->t32);
		assert_int_equal(cry_umac(key, nonce, msg, n, tag, 8), 0);
		t_hex_eq(tag, k->t64);
		assert_int_equal(cry_umac(key, nonce, msg, n, tag, 12), 0);
		t_hex_eq(tag, k->t96);
		/* UMAC-128 runs the same first three iterations under the same pad block: its first 12 bytes are UMAC-96. */
		assert_int_equal(cry_umac(key, nonce, msg, n, tag, 16), 0);
		t_hex_eq(tag, k->t128 ? k->t128 : k->t96);
	}
	/* Beyond 2^24 bytes the RFC switches L2 to a 128-bit polynomial, which this code leaves out: refused. */
	assert_int_equal(cry_umac(key, nonce, msg, (1u << 24) + 1, tag, 8), SSHTUN_ERR_TOO_LONG);
	assert_int_equal(cry_umac(key, nonce, msg, 3, tag, 6), SSHTUN_ERR_INVAL);
	free(msg);
}

/* The rows: OpenSSH's nonce is the sequence number, 64-bit big-endian; the packet alone is hashed. */
static void t_umac_rows(void **state)
{
	static const uint8_t key[16] = "abcdefghijklmnop";
	const struct cry_mac *const rows[] = { &cry_umac64, &cry_umac64_etm, &cry_umac128, &cry_umac128_etm };
	uint8_t msg[1500], tag[16], want[16], nonce[8] = { 0 };

	for (size_t i = 0; i < sizeof(msg); i++) {
		msg[i] = (uint8_t)(i * 7 + 1);
	}
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct cry_mac *m = rows[r];
		alignas(16) uint8_t ctx[CRY_MAC_CTX_MAX] = { 0 };

		assert_int_equal(m->key_len, 16);
		assert_int_equal(m->tag_len, strstr(m->name, "128") ? 16 : 8);
		assert_int_equal(m->init(ctx, key), 0);
		/* Sequence numbers around a shared pad block and across the 32-bit wrap of the low word. */
		static const uint32_t seqs[] = { 0, 1, 2, 3, 0x7fffffff, 0xfffffffe, 0xffffffff };
		for (size_t s = 0; s < sizeof(seqs) / sizeof(seqs[0]); s++) {
			for (size_t len = 0; len <= sizeof(msg); len += 499) {
				wire_poke_u32(nonce + 4, seqs[s]);
				assert_int_equal(cry_umac(key, nonce, msg, len, want, m->tag_len), 0);
				assert_int_equal(m->compute(ctx, seqs[s], msg, len, tag), 0);
				assert_memory_equal(tag, want, m->tag_len);
				assert_int_equal(cry_mac_verify(m, ctx, seqs[s], msg, len, tag), 0);
				tag[0] ^= 1;
				assert_int_equal(cry_mac_verify(m, ctx, seqs[s], msg, len, tag), SSHTUN_ERR_MAC);
			}
		}
		m->cleanup(ctx);
		for (size_t j = 0; j < sizeof(ctx); j++) {
			assert_int_equal(ctx[j], 0);
		}
	}
}
#endif

/* ---- the table ---- */

static void t_mac_table(void **state)
{
	size_t n = 0;

	for (size_t i = 0; cry_macs[i]; i++, n++) {
		const struct cry_mac *m = cry_macs[i];

		assert_ptr_equal(cry_mac_find(m->name, strlen(m->name)), m);
		assert_true(m->key_len <= CRY_MAC_KEY_MAX && m->tag_len <= CRY_MAC_TAG_MAX && m->tag_len > 0);
		assert_int_equal(m->etm, strstr(m->name, "-etm@openssh.com") != NULL);
	}
	assert_int_equal(n, 4 + 2 * SSHTUN_HMAC_SHA1 + 4 * SSHTUN_UMAC);
	assert_ptr_equal(cry_mac_find("hmac-sha2-256", 13), &cry_hmac_sha256);
	assert_null(cry_mac_find("hmac-sha2-25", 12));
	assert_null(cry_mac_find("hmac-md5", 8));
	assert_null(cry_mac_find(NULL, 0));
	/* The CTR ciphers are in the cipher table, after the AEAD ones, and need a MAC (no tag of their own). */
	assert_ptr_equal(cry_cipher_find("aes128-ctr", 10), &cry_aes128ctr);
	assert_ptr_equal(cry_cipher_find("aes192-ctr", 10), &cry_aes192ctr);
	assert_ptr_equal(cry_cipher_find("aes256-ctr", 10), &cry_aes256ctr);
	assert_null(cry_aes128gcm.crypt);
	assert_null(cry_chachapoly.crypt);
}

#else
/* A build without aes*-ctr (without libcrypto): no cipher needs a MAC, so the table is empty and says so. */
static void t_no_macs(void **state)
{
	assert_null(cry_macs[0]);
	assert_null(cry_mac_find("hmac-sha2-256", 13));
	assert_null(cry_cipher_find("aes128-ctr", 10));
	assert_null(cry_chachapoly.crypt);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
#if SSHTUN_CTR
		cmocka_unit_test(t_ctr_sp800_38a),
		cmocka_unit_test(t_hmac_sha2_rfc4231),
#if SSHTUN_HMAC_SHA1
		cmocka_unit_test(t_hmac_sha1_rfc2202),
#endif
#if SSHTUN_UMAC
		cmocka_unit_test(t_umac_rfc4418),
		cmocka_unit_test(t_umac_rows),
#endif
		cmocka_unit_test(t_mac_table),
#else
		cmocka_unit_test(t_no_macs),
#endif
	};

	return cmocka_run_group_tests(tests, t_setup, NULL);
}
#else
/* Built without SSHTUN_CTR: the aes*-ctr ciphers and the MACs that go with them are left out. */
T_LEFT_OUT_MAIN()
#endif
