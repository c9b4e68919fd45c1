/*
 * sshtun: ML-KEM-768 (FIPS 203), written from the standard's algorithms: the cry_mlkem768_intree_* functions of
 * mlkem.h (crypto/mlkem_ossl.c chooses between them and libcrypto's).
 *
 * Coefficients are kept fully reduced, in [0, q), as uint16_t, and the NTT is FIPS 203's own (plain
 * representatives, no Montgomery factors), so every intermediate value is the standard's and can be compared with
 * it. Reduction is Barrett's with a 64-bit product and one masked subtraction; rounding in Compress divides by q
 * as a multiplication by a constant and a shift. Nothing secret reaches a branch or an index: the loops run over
 * public lengths, and the only data-dependent branches are over public data (rejection sampling of the matrix
 * from rho, the modulus check of a public key).
 */
#include "util/features.h"

#if SSHTUN_MLKEM

#include <string.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"
#include "crypto/ct.h"
#include "crypto/keccak.h"
#include "crypto/mlkem.h"

enum {
	N = 256,
	Q = 3329,
	K = 3,			/* ML-KEM-768: module rank */
	DU = 10,		/* bits per coefficient of u in the ciphertext */
	DV = 4,			/* ... and of v */
	POLY_BYTES = 384,	/* a polynomial at 12 bits per coefficient */
	VEC_BYTES = K * POLY_BYTES,
	CT_U_BYTES = K * N * DU / 8,
	ETA_BYTES = 64 * 2,	/* PRF output for eta = 2 (eta1 = eta2 = 2 for ML-KEM-768) */
	INV_128 = 3303,		/* 128^-1 mod q: the scaling at the end of the inverse NTT */
	SYM = 32
};

/* floor(2^32 / q): Barrett's constant. */
#define BARRETT_M 1290167u
/* ceil(2^35 / q): y * COMPRESS_M >> 35 is exactly floor(y / q) for every y < 2^23 (error y * 2492 / (q 2^35) < 1/q). */
#define COMPRESS_M 10321340u

_Static_assert(CT_U_BYTES + N * DV / 8 == CRY_MLKEM768_CT_LEN, "ciphertext length");
_Static_assert(VEC_BYTES + SYM == CRY_MLKEM768_PK_LEN, "public key length");
_Static_assert(VEC_BYTES + CRY_MLKEM768_PK_LEN + 2 * SYM == CRY_MLKEM768_SK_LEN, "secret key length");

struct poly {
	uint16_t c[N];
};

/*
 * zeta^BitRev7(i) mod q for zeta = 17 (FIPS 203 4.3), the twiddle factors in the order the NTT uses them; and
 * zeta^(2 BitRev7(i) + 1), the moduli X^2 - gamma of the 128 degree-1 products (4.3.1). Computed with pow().
 */
static const uint16_t zetas[128] = {
	1, 1729, 2580, 3289, 2642, 630, 1897, 848, 1062, 1919, 193, 797, 2786, 3260, 569, 1746,
	296, 2447, 1339, 1476, 3046, 56, 2240, 1333, 1426, 2094, 535, 2882, 2393, 2879, 1974, 821,
	289, 331, 3253, 1756, 1197, 2304, 2277, 2055, 650, 1977, 2513, 632, 2865, 33, 1320, 1915,
	2319, 1435, 807, 452, 1438, 2868, 1534, 2402, 2647, 2617, 1481, 648, 2474, 3110, 1227, 910,
	17, 2761, 583, 2649, 1637, 723, 2288, 1100, 1409, 2662, 3281, 233, 756, 2156, 3015, 3050,
	1703, 1651, 2789, 1789, 1847, 952, 1461, 2687, 939, 2308, 2437, 2388, 733, 2337, 268, 641,
	1584, 2298, 2037, 3220, 375, 2549, 2090, 1645, 1063, 319, 2773, 757, 2099, 561, 2466, 2594,
	2804, 1092, 403, 1026, 1143, 2150, 2775, 886, 1722, 1212, 1874, 1029, 2110, 2935, 885, 2154,
};

static const uint16_t gammas[128] = {
	17, 3312, 2761, 568, 583, 2746, 2649, 680, 1637, 1692, 723, 2606, 2288, 1041, 1100, 2229,
	1409, 1920, 2662, 667, 3281, 48, 233, 3096, 756, 2573, 2156, 1173, 3015, 314, 3050, 279,
	1703, 1626, 1651, 1678, 2789, 540, 1789, 1540, 1847, 1482, 952, 2377, 1461, 1868, 2687, 642,
	939, 2390, 2308, 1021, 2437, 892, 2388, 941, 733, 2596, 2337, 992, 268, 3061, 641, 2688,
	1584, 1745, 2298, 1031, 2037, 1292, 3220, 109, 375, 2954, 2549, 780, 2090, 1239, 1645, 1684,
	1063, 2266, 319, 3010, 2773, 556, 757, 2572, 2099, 1230, 561, 2768, 2466, 863, 2594, 735,
	2804, 525, 1092, 2237, 403, 2926, 1026, 2303, 1143, 2186, 2150, 1179, 2775, 554, 886, 2443,
	1722, 1607, 1212, 2117, 1874, 1455, 1029, 2300, 2110, 1219, 2935, 394, 885, 2444, 2154, 1175,
};

/* ---- arithmetic mod q, branch-free ---- */

/* r mod q for r < 2q: subtract q, and add it back under a mask made from the borrow. */
static uint16_t csubq(uint32_t r)
{
	r -= Q;
	r += Q & (0u - (r >> 31));
	return (uint16_t)r;
}

/* x mod q for x < 2^32: the Barrett quotient is floor(x / q) or one less, so the remainder is below 2q. */
static uint16_t reduce(uint32_t x)
{
	uint32_t t = (uint32_t)(((uint64_t)x * BARRETT_M) >> 32);

	return csubq(x - t * Q);
}

static uint16_t addq(uint16_t a, uint16_t b)
{
	return csubq((uint32_t)a + b);
}

static uint16_t subq(uint16_t a, uint16_t b)
{
	return csubq((uint32_t)a + Q - b);
}

static uint16_t mulq(uint16_t a, uint16_t b)
{
	return reduce((uint32_t)a * b);
}

/* ---- the NTT (FIPS 203 Algorithms 9-12) ---- */

static void poly_ntt(struct poly *f)
{
	unsigned i = 1;

	for (unsigned len = 128; len >= 2; len /= 2) {
		for (unsigned start = 0; start < N; start += 2 * len) {
			uint16_t zeta = zetas[i++];

			for (unsigned j = start; j < start + len; j++) {
				uint16_t t = mulq(zeta, f->c[j + len]);

				f->c[j + len] = subq(f->c[j], t);
				f->c[j] = addq(f->c[j], t);
			}
		}
	}
}

static void poly_invntt(struct poly *f)
{
	unsigned i = 127;

	for (unsigned len = 2; len <= 128; len *= 2) {
		for (unsigned start = 0; start < N; start += 2 * len) {
			uint16_t zeta = zetas[i--];

			for (unsigned j = start; j < start + len; j++) {
				uint16_t t = f->c[j];

				f->c[j] = addq(t, f->c[j + len]);
				f->c[j + len] = mulq(zeta, subq(f->c[j + len], t));
			}
		}
	}
	for (unsigned j = 0; j < N; j++) {
		f->c[j] = mulq(f->c[j], INV_128);
	}
}

/* h += f g in the NTT domain: 128 products of degree-1 polynomials modulo X^2 - gamma_i. */
static void poly_basemul_acc(struct poly *h, const struct poly *f, const struct poly *g)
{
	for (unsigned i = 0; i < N / 2; i++) {
		uint32_t a0 = f->c[2 * i], a1 = f->c[2 * i + 1];
		uint32_t b0 = g->c[2 * i], b1 = g->c[2 * i + 1];
		uint16_t c0 = reduce(a0 * b0 + (uint32_t)mulq((uint16_t)a1, (uint16_t)b1) * gammas[i]);
		uint16_t c1 = reduce(a0 * b1 + a1 * b0);

		h->c[2 * i] = addq(h->c[2 * i], c0);
		h->c[2 * i + 1] = addq(h->c[2 * i + 1], c1);
	}
}

static void poly_add(struct poly *h, const struct poly *f)
{
	for (unsigned j = 0; j < N; j++) {
		h->c[j] = addq(h->c[j], f->c[j]);
	}
}

/* ---- encoding, compression (FIPS 203 4.2.1, Algorithms 5 and 6) ---- */

/* ByteEncode_d: 256 d-bit values, little-endian bit order, into 32 d bytes. */
static void poly_encode(uint8_t *out, const struct poly *f, unsigned d)
{
	uint32_t acc = 0;
	unsigned bits = 0;

	for (unsigned j = 0; j < N; j++) {
		acc |= (uint32_t)f->c[j] << bits;
		bits += d;
		while (bits >= 8) {
			*out++ = (uint8_t)acc;
			acc >>= 8;
			bits -= 8;
		}
	}
}

/* ByteDecode_d, without the reduction mod q of d = 12 (the callers check or reduce). */
static void poly_decode(struct poly *f, const uint8_t *in, unsigned d)
{
	uint32_t acc = 0;
	unsigned bits = 0;

	for (unsigned j = 0; j < N; j++) {
		while (bits < d) {
			acc |= (uint32_t)*in++ << bits;
			bits += 8;
		}
		f->c[j] = (uint16_t)(acc & ((1u << d) - 1));
		acc >>= d;
		bits -= d;
	}
}

/* A secret vector (12-bit values, reduced mod q as ByteDecode_12 does: one subtraction suffices below 2^12 < 2q). */
static void vec_decode_reduced(struct poly v[K], const uint8_t *in)
{
	for (unsigned i = 0; i < K; i++) {
		poly_decode(&v[i], in + i * POLY_BYTES, 12);
		for (unsigned j = 0; j < N; j++) {
			v[i].c[j] = csubq(v[i].c[j]);
		}
	}
}

/* Compress_d(x) = round(2^d x / q) mod 2^d = floor((2^d x + (q - 1) / 2) / q) mod 2^d, q being odd. */
static uint16_t compress(uint16_t x, unsigned d)
{
	uint32_t y = ((uint32_t)x << d) + Q / 2;

	return (uint16_t)((((uint64_t)y * COMPRESS_M) >> 35) & ((1u << d) - 1));
}

/* Decompress_d(y) = round(q y / 2^d). */
static uint16_t decompress(uint16_t y, unsigned d)
{
	return (uint16_t)(((uint32_t)y * Q + (1u << (d - 1))) >> d);
}

static void poly_compress_encode(uint8_t *out, struct poly *f, unsigned d)
{
	for (unsigned j = 0; j < N; j++) {
		f->c[j] = compress(f->c[j], d);
	}
	poly_encode(out, f, d);
}

static void poly_decode_decompress(struct poly *f, const uint8_t *in, unsigned d)
{
	poly_decode(f, in, d);
	for (unsigned j = 0; j < N; j++) {
		f->c[j] = decompress(f->c[j], d);
	}
}

/* ---- sampling (FIPS 203 Algorithms 7 and 8) ---- */

/*
 * SampleNTT(rho || b0 || b1): rejection sampling of 12-bit values below q from SHAKE128, one block at a time.
 * The branches depend on rho, which is public.
 */
static void sample_ntt(struct poly *a, const uint8_t rho[SYM], uint8_t b0, uint8_t b1)
{
	struct cry_shake xof;
	uint8_t ij[2] = { b0, b1 };
	uint8_t buf[CRY_SHAKE128_RATE];
	unsigned j = 0;

	cry_shake128_init(&xof);
	cry_shake_absorb(&xof, rho, SYM);
	cry_shake_absorb(&xof, ij, sizeof(ij));
	while (j < N) {
		cry_shake_squeeze(&xof, buf, sizeof(buf));
		for (unsigned p = 0; p + 3 <= sizeof(buf) && j < N; p += 3) {
			uint16_t d1 = (uint16_t)(buf[p] | ((buf[p + 1] & 0x0f) << 8));
			uint16_t d2 = (uint16_t)((buf[p + 1] >> 4) | (buf[p + 2] << 4));

			if (d1 < Q) {
				a->c[j++] = d1;
			}
			if (d2 < Q && j < N) {
				a->c[j++] = d2;
			}
		}
	}
}

/* SamplePolyCBD_2(PRF_2(seed, nonce)): each coefficient is (b0 + b1) - (b2 + b3) over four fresh bits. */
static void sample_cbd2(struct poly *f, const uint8_t seed[SYM], uint8_t nonce)
{
	struct cry_shake prf;
	uint8_t buf[ETA_BYTES];

	cry_shake256_init(&prf);
	cry_shake_absorb(&prf, seed, SYM);
	cry_shake_absorb(&prf, &nonce, 1);
	cry_shake_squeeze(&prf, buf, sizeof(buf));
	for (unsigned i = 0; i < ETA_BYTES; i++) {
		for (unsigned h = 0; h < 2; h++) {
			unsigned nib = buf[i] >> (4 * h);
			uint32_t x = (nib & 1) + ((nib >> 1) & 1);
			uint32_t y = ((nib >> 2) & 1) + ((nib >> 3) & 1);

			f->c[2 * i + h] = csubq(x + Q - y);
		}
	}
	cry_shake_wipe(&prf);
	cry_wipe(buf, sizeof(buf));
}

/*
 * out = A v (transposed: A^T v) in the NTT domain, where A[i][j] = SampleNTT(rho || j || i). The matrix is never
 * held whole: each entry is sampled when it is needed (one polynomial on the stack instead of nine).
 */
static void matvec(struct poly out[K], const uint8_t rho[SYM], const struct poly v[K], int transpose)
{
	struct poly a;

	for (unsigned i = 0; i < K; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		for (unsigned j = 0; j < K; j++) {
			if (transpose) {
				sample_ntt(&a, rho, (uint8_t)i, (uint8_t)j);
			} else {
				sample_ntt(&a, rho, (uint8_t)j, (uint8_t)i);
			}
			poly_basemul_acc(&out[i], &a, &v[j]);
		}
	}
}

/* ---- K-PKE (FIPS 203 Algorithms 13-15) ---- */

/* K-PKE.KeyGen(d): ek = ByteEncode_12(t) || rho, dk_pke = ByteEncode_12(s), with t = A s + e. */
static void pke_keygen(uint8_t ek[CRY_MLKEM768_PK_LEN], uint8_t dk_pke[VEC_BYTES], const uint8_t d[SYM])
{
	uint8_t seed[SYM + 1];
	uint8_t rho_sigma[2 * SYM];	/* rho (public), sigma (secret) */
	struct poly s[K], e[K], t[K];
	uint8_t nonce = 0;

	/* G(d || k): the rank byte separates the parameter sets (domain separation added in the final FIPS 203). */
	memcpy(seed, d, SYM);
	seed[SYM] = K;
	cry_sha3_512(rho_sigma, seed, sizeof(seed));
	/* rho comes from the secret d but is published in ek; the matrix's rejection sampling branches on it. */
	CRY_DECLASSIFY(rho_sigma, SYM);
	for (unsigned i = 0; i < K; i++) {
		sample_cbd2(&s[i], rho_sigma + SYM, nonce++);
		poly_ntt(&s[i]);
	}
	for (unsigned i = 0; i < K; i++) {
		sample_cbd2(&e[i], rho_sigma + SYM, nonce++);
		poly_ntt(&e[i]);
	}
	matvec(t, rho_sigma, s, 0);
	for (unsigned i = 0; i < K; i++) {
		poly_add(&t[i], &e[i]);
		poly_encode(ek + i * POLY_BYTES, &t[i], 12);
		poly_encode(dk_pke + i * POLY_BYTES, &s[i], 12);
	}
	memcpy(ek + VEC_BYTES, rho_sigma, SYM);
	cry_wipe(seed, sizeof(seed));
	cry_wipe(rho_sigma, sizeof(rho_sigma));
	cry_wipe(s, sizeof(s));
	cry_wipe(e, sizeof(e));
	cry_wipe(t, sizeof(t));
}

/*
 * K-PKE.Encrypt(ek, m, r): u = A^T y + e1, v = t^T y + e2 + Decompress_1(m), compressed. ek has passed the modulus
 * check (or comes from our own secret key), so its 12-bit values are below q.
 */
static void pke_encrypt(uint8_t ct[CRY_MLKEM768_CT_LEN], const uint8_t ek[CRY_MLKEM768_PK_LEN], const uint8_t m[SYM],
	const uint8_t r[SYM])
{
	struct poly t[K], y[K], u[K], v, noise;
	uint8_t nonce = 0;

	for (unsigned i = 0; i < K; i++) {
		poly_decode(&t[i], ek + i * POLY_BYTES, 12);
	}
	for (unsigned i = 0; i < K; i++) {
		sample_cbd2(&y[i], r, nonce++);
		poly_ntt(&y[i]);
	}
	matvec(u, ek + VEC_BYTES, y, 1);
	for (unsigned i = 0; i < K; i++) {
		poly_invntt(&u[i]);
		sample_cbd2(&noise, r, nonce++);
		poly_add(&u[i], &noise);
		poly_compress_encode(ct + i * (N * DU / 8), &u[i], DU);
	}
	memset(&v, 0, sizeof(v));
	for (unsigned i = 0; i < K; i++) {
		poly_basemul_acc(&v, &t[i], &y[i]);
	}
	poly_invntt(&v);
	sample_cbd2(&noise, r, nonce);
	poly_add(&v, &noise);
	poly_decode_decompress(&noise, m, 1);
	poly_add(&v, &noise);
	poly_compress_encode(ct + CT_U_BYTES, &v, DV);
	cry_wipe(y, sizeof(y));
	cry_wipe(u, sizeof(u));
	cry_wipe(&v, sizeof(v));
	cry_wipe(&noise, sizeof(noise));
}

/* K-PKE.Decrypt(dk_pke, c): m = Compress_1(v - NTT^-1(s^T NTT(u))). */
static void pke_decrypt(uint8_t m[SYM], const uint8_t dk_pke[VEC_BYTES], const uint8_t ct[CRY_MLKEM768_CT_LEN])
{
	struct poly s[K], u, w, v;

	vec_decode_reduced(s, dk_pke);
	memset(&w, 0, sizeof(w));
	for (unsigned i = 0; i < K; i++) {
		poly_decode_decompress(&u, ct + i * (N * DU / 8), DU);
		poly_ntt(&u);
		poly_basemul_acc(&w, &s[i], &u);
	}
	poly_invntt(&w);
	poly_decode_decompress(&v, ct + CT_U_BYTES, DV);
	for (unsigned j = 0; j < N; j++) {
		v.c[j] = subq(v.c[j], w.c[j]);
	}
	poly_compress_encode(m, &v, 1);
	cry_wipe(s, sizeof(s));
	cry_wipe(&u, sizeof(u));
	cry_wipe(&w, sizeof(w));
	cry_wipe(&v, sizeof(v));
}

/* ---- ML-KEM (FIPS 203 Algorithms 16-18, and the input checks of 7.2 and 7.3) ---- */

/* 0 if a and b are equal, 0xff if not, without a branch on where they differ. */
static uint8_t ct_differ(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint32_t acc = 0;

	for (size_t i = 0; i < n; i++) {
		acc |= (uint32_t)(a[i] ^ b[i]);
	}
	/* acc <= 255: acc - 1 borrows into bit 31 exactly when acc is 0. */
	return (uint8_t)(((acc - 1) >> 31) - 1);
}

/* 7.2 modulus check: every 12-bit value of ByteDecode_12 is below q, so that re-encoding gives ek back. */
static int ek_check(const uint8_t pk[CRY_MLKEM768_PK_LEN])
{
	struct poly t;
	uint16_t bad = 0;

	for (unsigned i = 0; i < K; i++) {
		poly_decode(&t, pk + i * POLY_BYTES, 12);
		for (unsigned j = 0; j < N; j++) {
			bad |= (uint16_t)(t.c[j] >= Q);
		}
	}
	return bad ? SSHTUN_ERR_KEX_FAILED : 0;
}

int cry_mlkem768_intree_keypair_derand(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN],
	const uint8_t d[32], const uint8_t z[32])
{
	if (pk == NULL || sk == NULL || d == NULL || z == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	/* dk = dk_pke || ek || H(ek) || z */
	pke_keygen(pk, sk, d);
	memcpy(sk + VEC_BYTES, pk, CRY_MLKEM768_PK_LEN);
	cry_sha3_256(sk + VEC_BYTES + CRY_MLKEM768_PK_LEN, pk, CRY_MLKEM768_PK_LEN);
	memcpy(sk + CRY_MLKEM768_SK_LEN - SYM, z, SYM);
	return 0;
}

int cry_mlkem768_intree_keypair(uint8_t pk[CRY_MLKEM768_PK_LEN], uint8_t sk[CRY_MLKEM768_SK_LEN])
{
	uint8_t dz[2 * SYM];
	int r;

	cry_random(dz, sizeof(dz));
	r = cry_mlkem768_intree_keypair_derand(pk, sk, dz, dz + SYM);
	cry_wipe(dz, sizeof(dz));
	return r;
}

int cry_mlkem768_intree_encaps_derand(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN], const uint8_t m[32])
{
	uint8_t in[2 * SYM];	/* m || H(ek) */
	uint8_t kr[2 * SYM];	/* K || r */
	int r;

	if (ct == NULL || ss == NULL || pk == NULL || m == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	if ((r = ek_check(pk)) != 0) {
		memset(ct, 0, CRY_MLKEM768_CT_LEN);
		memset(ss, 0, CRY_MLKEM_SS_LEN);
		return r;
	}
	memcpy(in, m, SYM);
	cry_sha3_256(in + SYM, pk, CRY_MLKEM768_PK_LEN);
	cry_sha3_512(kr, in, sizeof(in));
	pke_encrypt(ct, pk, m, kr + SYM);
	memcpy(ss, kr, CRY_MLKEM_SS_LEN);
	cry_wipe(in, sizeof(in));
	cry_wipe(kr, sizeof(kr));
	return 0;
}

int cry_mlkem768_intree_encaps(uint8_t ct[CRY_MLKEM768_CT_LEN], uint8_t ss[CRY_MLKEM_SS_LEN],
	const uint8_t pk[CRY_MLKEM768_PK_LEN])
{
	uint8_t m[SYM];
	int r;

	cry_random(m, sizeof(m));
	r = cry_mlkem768_intree_encaps_derand(ct, ss, pk, m);
	cry_wipe(m, sizeof(m));
	return r;
}

int cry_mlkem768_intree_decaps(uint8_t ss[CRY_MLKEM_SS_LEN], const uint8_t ct[CRY_MLKEM768_CT_LEN],
	const uint8_t sk[CRY_MLKEM768_SK_LEN])
{
	const uint8_t *ek, *h, *z;
	uint8_t hek[SYM];
	uint8_t in[2 * SYM];	/* m' || h */
	uint8_t kr[2 * SYM];	/* K' || r' */
	uint8_t kbar[SYM];
	uint8_t ct2[CRY_MLKEM768_CT_LEN];
	struct cry_shake j;
	uint8_t differ;

	if (ss == NULL || ct == NULL || sk == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	/* The parts of dk only once it is known not to be NULL: an offset added to a null pointer is undefined. */
	ek = sk + VEC_BYTES;
	h = ek + CRY_MLKEM768_PK_LEN;
	z = h + SYM;
	/* 7.3 hash check: H(ek) as stored. Both are public (the public key and its hash), so the branch is too. */
	cry_sha3_256(hek, ek, CRY_MLKEM768_PK_LEN);
	if (!cry_memeq(hek, h, SYM)) {
		memset(ss, 0, CRY_MLKEM_SS_LEN);
		return SSHTUN_ERR_KEX_FAILED;
	}
	pke_decrypt(in, sk, ct);
	memcpy(in + SYM, h, SYM);
	cry_sha3_512(kr, in, sizeof(in));
	/* K-bar = J(z || c), the key a ciphertext that does not re-encrypt gets (implicit rejection). */
	cry_shake256_init(&j);
	cry_shake_absorb(&j, z, SYM);
	cry_shake_absorb(&j, ct, CRY_MLKEM768_CT_LEN);
	cry_shake_squeeze(&j, kbar, sizeof(kbar));
	pke_encrypt(ct2, ek, in, kr + SYM);
	/* K' or K-bar under a mask, never a branch: which one is taken is what a chosen-ciphertext attack wants. */
	differ = ct_differ(ct, ct2, CRY_MLKEM768_CT_LEN);
	for (unsigned i = 0; i < CRY_MLKEM_SS_LEN; i++) {
		ss[i] = (uint8_t)(kr[i] ^ (differ & (kr[i] ^ kbar[i])));
	}
	cry_wipe(in, sizeof(in));
	cry_wipe(kr, sizeof(kr));
	cry_wipe(kbar, sizeof(kbar));
	cry_wipe(ct2, sizeof(ct2));
	cry_wipe(&differ, sizeof(differ));
	cry_shake_wipe(&j);
	return 0;
}

#endif
