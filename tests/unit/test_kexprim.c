/*
 * sshtun: known answers for the key exchange wrappers of crypto/: ECDH over P-256/384/521 (RFC 5903 section 8,
 * both directions) and finite-field DH over RFC 3526's 2048-bit group (values computed independently with
 * Python's integers; the group's prime was checked there against RFC 3526's formula
 * 2^2048 - 2^1984 - 1 + 2^64 * (floor(2^1918 pi) + 124476)).
 */
#include "tests/unit/testutil.h"

#include "crypto/crypto.h"
#include "util/features.h"

#if SSHTUN_ECDH_NIST
struct ecdh_kat {
	int curve;
	const char *i, *gix, *giy, *r, *grx, *gry, *girx;
};

static const struct ecdh_kat ecdh_kats[] = {
	{ CRY_P256, "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
		"dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180",
		"5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
		"c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
		"d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63",
		"56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
		"d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de" },
	{ CRY_P384,
		"099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655e35b538041e649ee3faef896783ab194",
		"667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6de3ac808acb4bdb4c88732aee95f41aa",
		"9482ed1fc0eeb9cafc4984625ccfc23f65032149e0e144ada024181535a0f38eeb9fcff3c2c947dae69b4c634573a81c",
		"41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942e0308312916b8ed2960e4bd55a7448fc",
		"e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d0d1ac43a0336def96fda41d0774a3571",
		"dcfbec7aacf3196472169e838430367f66eebe3c6e70c416dd5f0c68759dd1fff83fa40142209dff5eaad96db9e6386c",
		"11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4d603135569b9e9d09cf5d4a270f59746" },
	{ CRY_P521,
		"0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a095aa85a30fe1c2952c6771d937ba9777f595"
		"7b2639bab072462f68c27a57382d4a52",
		"0015417e84dbf28c0ad3c278713349dc7df153c897a1891bd98bab4357c9ecbee1e3bf42e00b8e380aeae57c2d1075649418"
		"85942af5a7f4601723c4195d176ced3e",
		"017cae20b6641d2eeb695786d8c946146239d099e18e1d5a514c739d7cb4a10ad8a788015ac405d7799dc75e7b7d5b6cf226"
		"1a6a7f1507438bf01beb6ca3926f9582",
		"0145ba99a847af43793fdd0e872e7cdfa16be30fdc780f97bccc3f078380201e9c677d600b343757a3bdbf2a3163e4c2f869"
		"cca7458aa4a4effc311f5cb151685eb9",
		"00d0b3975ac4b799f5bea16d5e13e9af971d5e9b984c9f39728b5e5739735a219b97c356436adc6e95bb0352f6be64a6c291"
		"2d4ef2d0433ced2b6171640012d9460f",
		"015c68226383956e3bd066e797b623c27ce0eac2f551a10c2c724d9852077b87220b6536c5c408a1d2aebb8e86d678ae49cb"
		"57091f4732296579ab44fcd17f0fc56a",
		"01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04d1427e73ca4baa240a34786859810c06b3c7"
		"15a3a8cc3151f2bee417996d19f3ddea" },
};

/* The uncompressed point 04 || x || y into q; its length. */
static size_t point(uint8_t *q, size_t cap, const char *x, const char *y)
{
	size_t n = t_unhex(q + 1, cap - 1, x);

	q[0] = 0x04;
	return 1 + n + t_unhex(q + 1 + n, cap - 1 - n, y);
}

/* RFC 5903: i * (r G) and r * (i G) both give the published x of (i r) G. */
static void t_ecdh_rfc5903(void **state)
{
	uint8_t d[66], q[CRY_ECDH_POINT_MAX], k[66], want[66];
	size_t qn, kn = 0, wn;

	(void)state;
	for (size_t c = 0; c < sizeof(ecdh_kats) / sizeof(ecdh_kats[0]); c++) {
		const struct ecdh_kat *v = &ecdh_kats[c];
		size_t len = cry_ecdsa_scalar_len(v->curve);

		wn = t_unhex(want, sizeof(want), v->girx);
		assert_int_equal(wn, len);
		assert_int_equal(t_unhex(d, sizeof(d), v->i), len);
		qn = point(q, sizeof(q), v->grx, v->gry);
		assert_int_equal(cry_ecdh_shared(v->curve, d, q, qn, k, sizeof(k), &kn), 0);
		assert_int_equal(kn, len);
		assert_memory_equal(k, want, len);
		assert_int_equal(t_unhex(d, sizeof(d), v->r), len);
		qn = point(q, sizeof(q), v->gix, v->giy);
		assert_int_equal(cry_ecdh_shared(v->curve, d, q, qn, k, sizeof(k), &kn), 0);
		assert_memory_equal(k, want, len);
		/* The same point with y + 1 is not on the curve. */
		q[qn - 1] ^= 1;
		assert_int_equal(cry_ecdh_shared(v->curve, d, q, qn, k, sizeof(k), &kn), SSHTUN_ERR_KEX_FAILED);
	}
}

/* A fresh key pair's point is on the curve, and two pairs agree. */
static void t_ecdh_pairs(void **state)
{
	uint8_t da[66], db[66], qa[CRY_ECDH_POINT_MAX], qb[CRY_ECDH_POINT_MAX], ka[66], kb[66];
	size_t qan = 0, qbn = 0, kan = 0, kbn = 0;

	(void)state;
	for (int curve = CRY_P256; curve <= CRY_P521; curve++) {
		assert_int_equal(cry_ecdh_keypair(curve, da, qa, sizeof(qa), &qan), 0);
		assert_int_equal(cry_ecdh_keypair(curve, db, qb, sizeof(qb), &qbn), 0);
		assert_int_equal(qan, 1 + 2 * cry_ecdsa_scalar_len(curve));
		assert_int_equal(cry_ecdh_shared(curve, da, qb, qbn, ka, sizeof(ka), &kan), 0);
		assert_int_equal(cry_ecdh_shared(curve, db, qa, qan, kb, sizeof(kb), &kbn), 0);
		assert_int_equal(kan, kbn);
		assert_memory_equal(ka, kb, kan);
	}
}
#endif

#if SSHTUN_DH
static const char dh_x[] = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
	"2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40";
static const char dh_gx[] = "ca737546c70b3a25a43d745a3e31526b3fc9f28dca1b890fed9c1cc46a1d23022c597a3f9dcc6de91383f788f139e35c"
	"290558305a7935d242e1ca4d830a0b94abdc8b3f1bc6b0c43c6e8330b29a5f61ae8ac3ebddebbd69206d41fe819e975e982b4d290a93c8"
	"ecb87ec2c2e363544fe5b9f44af371e15c9f5d3c83e7904001bb9cf1667538acd767c24f2bed29ae165c5e3ad7ca009d9c801eb75febd1"
	"8c50477ac0ae9562c684efd4d0c696046f8a95603d228c6c407f8d15d6aba62f433c6b023e8f2d9722cd34bd355dc2496693ee66a3cdc5"
	"5d1ee1d7766554428a0b1299b5882359f9de57ca7a3ba3c3ca2d552ac6584a7ce9fd4846140888a7b411f8";
static const char dh_k[] = "5b1c1913583dd8a66cd3277fe9d8b214666c5790ee834a2c6104586468ca1e06272491098a1c778516ee23050150f14e"
	"7ef45c42603d77ac377662e19689a27b3580e8fd60272ec29ae5d4cc884979946bf0214019a47765d46e42accef31286f159f031c8791c"
	"3a922f54008d3fbb1455c067ad3d564d36f3c13814588c0fd8a74a7299697bdb0a67bb96c685a471ca7ece0a3b0fe49a51c6b9b429cee9"
	"9474e8762bf77dc0526d14f333af14a12f00448c8cea6dbaa64e9fc88a4ed7a206fd72a5d6f111e81834cc437c1a2cab4196c191668ccd"
	"0ccde1dbdc7fb7ad18ec6c7acaa9031032793ed66067d1c7ef7a0499b7f233a214ac76906c5e402731fd39";

/* group14: 2^x and f^x (f = 0x5a5a...5a, 200 bytes) for a fixed 512-bit x. */
static void t_dh_group14(void **state)
{
	static const struct cry_dh_group g14 = { .id = CRY_DH_GROUP14 };
	uint8_t x[CRY_DH_EXP_BYTES], f[200], k[256], want[256];
	size_t kn = 0, wn;

	(void)state;
	assert_int_equal(t_unhex(x, sizeof(x), dh_x), sizeof(x));
	memset(f, 0x5a, sizeof(f));
	wn = t_unhex(want, sizeof(want), dh_gx);
	assert_int_equal(cry_dh_shared(&g14, x, (const uint8_t *)"\x02", 1, k, sizeof(k), &kn), 0);
	assert_int_equal(kn, wn);
	assert_memory_equal(k, want, wn);
	wn = t_unhex(want, sizeof(want), dh_k);
	assert_int_equal(cry_dh_shared(&g14, x, f, sizeof(f), k, sizeof(k), &kn), 0);
	assert_int_equal(kn, wn);
	assert_memory_equal(k, want, wn);
	assert_int_equal(cry_dh_group_bytes(&g14), 256);
}

/* Two key pairs of each group agree; the public values are of the group's size at most. */
static void t_dh_pairs(void **state)
{
	static const int ids[] = { CRY_DH_GROUP14, CRY_DH_GROUP16, CRY_DH_GROUP18 };
	static uint8_t ea[1024], eb[1024], ka[1024], kb[1024];
	uint8_t xa[CRY_DH_EXP_BYTES], xb[CRY_DH_EXP_BYTES];
	size_t ean = 0, ebn = 0, kan = 0, kbn = 0;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct cry_dh_group g = { .id = ids[i] };

		assert_int_equal(cry_dh_keypair(&g, xa, ea, sizeof(ea), &ean), 0);
		assert_int_equal(cry_dh_keypair(&g, xb, eb, sizeof(eb), &ebn), 0);
		assert_true(ean <= cry_dh_group_bytes(&g) && ebn <= cry_dh_group_bytes(&g));
		assert_int_equal(cry_dh_shared(&g, xa, eb, ebn, ka, sizeof(ka), &kan), 0);
		assert_int_equal(cry_dh_shared(&g, xb, ea, ean, kb, sizeof(kb), &kbn), 0);
		assert_int_equal(kan, kbn);
		assert_memory_equal(ka, kb, kan);
	}
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
#if SSHTUN_ECDH_NIST
		cmocka_unit_test(t_ecdh_rfc5903),
		cmocka_unit_test(t_ecdh_pairs),
#endif
#if SSHTUN_DH
		cmocka_unit_test(t_dh_group14),
		cmocka_unit_test(t_dh_pairs),
#endif
	};

	if (cry_init() != 0) {
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
