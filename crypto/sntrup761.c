/*
 * sshtun: Streamlined NTRU Prime sntrup761, written from the round-3 NIST submission ("NTRU Prime: round 3",
 * sections on Streamlined NTRU Prime Core, encodings and the KEM), for sntrup761x25519-sha512.
 *
 * Ring R = Z[x]/(x^p - x - 1), p = 761; R/q with q = 4591 (elements "Fq", kept centred in -2295..2295 as int16);
 * R/3 (elements "small", -1..1 as int8). A short element is small with exactly w = 286 nonzero coefficients.
 *   key pair: g small and invertible in R/3, f short; h = g/(3f) in R/q; pk = Encode(h);
 *             sk = Small(f) || Small(1/g mod 3) || pk || rho || Hash_prefix(4, pk)
 *   enc:      r short; c = Round(h r); ct = Rounded(c) || HashConfirm(r, pk); key = Hash_prefix(1, H(r) || ct)
 *   dec:      r from c f (mod q), times 3, mod 3, times 1/g; re-encrypt and compare; on a mismatch the key is
 *             Hash_prefix(0, H(rho) || ct) instead (implicit rejection), chosen by masks, not a branch.
 * Hash_prefix(b, x) is the first 32 bytes of SHA-512(b || x).
 *
 * Constant time with respect to secrets: reductions mod q and mod 3 multiply by a fixed reciprocal and shift
 * (no division instruction; see fq_freeze, f3_freeze), reciprocals in R/3 and R/q run the spec's fixed 2p-1
 * division steps with swaps by masks, the short element's positions come from a sorting network (cry_sort_int32),
 * and the ciphertext compare and the rejection select are masks. The one value allowed to leak is whether a
 * candidate g was invertible mod 3 (the candidate is then thrown away); SNTRUP_DECLASSIFY marks it for a checker
 * (tests/ct/ct_sntrup.c defines it to tell valgrind, which checked every other branch and address).
 * The only divisions are in sn_decode, on public bytes (a public key, a ciphertext) by public moduli.
 *
 * Stack, measured by painting it (gcc and clang -O2, SHA-512 included): key pair about 22 KiB, enc 21 KiB, dec
 * 29 KiB, mostly polynomials of 761 coefficients and the 6 KiB double-length product of each multiplication.
 * Every secret intermediate is in a work struct or array wiped with cry_wipe before return.
 */
#include "util/features.h"

#if SSHTUN_SNTRUP

#include <assert.h>
#include <string.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"
#include "crypto/sntrup.h"

/* A constant-time checker may learn this value (see above); by default nothing happens. */
#ifndef SNTRUP_DECLASSIFY
#define SNTRUP_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

enum {
	SN_P = 761,
	SN_Q = 4591,
	SN_W = 286,
	SN_Q12 = (SN_Q - 1) / 2,
	SN_SMALL_BYTES = (SN_P + 3) / 4,	/* Small_encode: four coefficients a byte */
	SN_RQ_BYTES = CRY_SNTRUP761_PK_LEN,	/* Encode of R/q, all moduli q */
	SN_ROUNDED_BYTES = 1007,		/* Encode of rounded elements, all moduli (q + 2) / 3 */
	SN_HASH_BYTES = 32,
	SN_ENC_LIMIT = 16384,			/* Encode's pairs are cut to bytes until below this */
	SN_ROUNDED_M = (SN_Q + 2) / 3		/* 1531 */
};

static_assert(SN_ROUNDED_BYTES + SN_HASH_BYTES == CRY_SNTRUP761_CT_LEN, "ciphertext layout");
static_assert(3 * SN_SMALL_BYTES + SN_RQ_BYTES + SN_HASH_BYTES == CRY_SNTRUP761_SK_LEN, "secret key layout");
static_assert(SN_Q < SN_ENC_LIMIT, "Encode keeps values below 2^14");

/* Secret-key layout. */
enum {
	SK_F = 0,
	SK_V = SN_SMALL_BYTES,
	SK_PK = 2 * SN_SMALL_BYTES,
	SK_RHO = SK_PK + SN_RQ_BYTES,
	SK_CACHE = SK_RHO + SN_SMALL_BYTES
};

/* ---- constant-time arithmetic ---- */

/*
 * Hides a mask's value from the optimizer. Knowing that a mask is 0 or all ones, clang -O2 turned
 * "x & ~mask" selections into branches and the rejection select into a table load (valgrind showed both);
 * an empty asm that claims to change the register leaves it nothing to reason from, at no cost.
 */
static uint32_t ct_barrier(uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
	__asm__("" : "+r"(x));
	return x;
#else
	volatile uint32_t v = x;

	return v;
#endif
}

/* All ones if x != 0, else 0. */
static uint32_t ct_nonzero(uint32_t x)
{
	return ct_barrier(0u - ((x | (0u - x)) >> 31));
}

/* All ones if x < 0, else 0. */
static uint32_t ct_negative(int32_t x)
{
	return ct_barrier(0u - ((uint32_t)x >> 31));
}

/*
 * x mod q, centred in -Q12..Q12, for |x| < 2^29. Shifting by a multiple of q makes x + Q12 nonnegative and
 * below 2^31; floor(2^32/q) underestimates 1/q by less than 2^-32, so the quotient from one multiply and shift
 * is exact or one short, and one masked subtraction finishes. No division, no branch.
 */
static int16_t fq_freeze(int32_t x)
{
	uint32_t y = (uint32_t)(x + SN_Q12 + SN_Q * (1 << 17));
	uint32_t t = (uint32_t)(((uint64_t)y * 935518u) >> 32);	/* floor(2^32 / 4591) */
	uint32_t r = y - t * SN_Q;	/* 0 .. 2q-1 */

	r -= SN_Q & ~ct_negative((int32_t)r - SN_Q);
	return (int16_t)((int32_t)r - SN_Q12);
}

/* x mod 3, centred in -1..1, for |x| < 2^29: the same method with floor(2^32/3). */
static int8_t f3_freeze(int32_t x)
{
	uint32_t y = (uint32_t)(x + 1 + 3 * (1 << 28));
	uint32_t t = (uint32_t)(((uint64_t)y * 1431655765u) >> 32);
	uint32_t r = y - t * 3;		/* 0 .. 5 */

	r -= 3 & ~ct_negative((int32_t)r - 3);
	return (int8_t)((int32_t)r - 1);
}

/* 1/a in Z/q as a^(q-2): the exponent is public, so the square-and-multiply sequence is fixed. */
static int16_t fq_recip(int16_t a)
{
	int32_t r = 1;

	for (int bit = 12; bit >= 0; bit--) {
		r = fq_freeze(r * r);
		if (((SN_Q - 2) >> bit) & 1) {
			r = fq_freeze(r * a);
		}
	}
	return (int16_t)r;
}

/* ---- the sorting network ---- */

/* (a, b) = (min, max) by a mask from the sign of the 64-bit difference. */
static void ct_minmax(int32_t *a, int32_t *b)
{
	uint64_t d = (uint64_t)((int64_t)*b - (int64_t)*a);
	uint32_t swap = ct_barrier(0u - (uint32_t)(d >> 63));
	uint32_t t = ((uint32_t)*a ^ (uint32_t)*b) & swap;

	*a = (int32_t)((uint32_t)*a ^ t);
	*b = (int32_t)((uint32_t)*b ^ t);
}

/*
 * Batcher's merge exchange (Knuth, TAOCP 5.2.2, algorithm M), which works for any n: passes p = 2^(t-1) .. 1
 * with t = ceil(lg n); each pass compares x[i] with x[i+d] for the i whose bit p equals r, first with d = p,
 * then d = q - p for q halving from 2^(t-1) down to 2p. Which pairs meet depends on n alone.
 */
void cry_sort_int32(int32_t *x, size_t n)
{
	size_t top = 1;

	if (x == NULL || n < 2) {
		return;
	}
	while (top < n - top) {
		top <<= 1;
	}
	for (size_t p = top; p > 0; p >>= 1) {
		size_t q = top, r = 0, d = p;

		for (;;) {
			for (size_t i = 0; i + d < n; i++) {
				if ((i & p) == r) {
					ct_minmax(&x[i], &x[i + d]);
				}
			}
			if (q == p) {
				break;
			}
			d = q - p;
			q >>= 1;
			r = p;
		}
	}
}

/* Unsigned order through the signed network: flipping the top bit maps one order onto the other. */
static void sort_uint32(uint32_t *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		x[i] ^= 0x80000000u;
	}
	cry_sort_int32((int32_t *)x, n);
	for (size_t i = 0; i < n; i++) {
		x[i] ^= 0x80000000u;
	}
}

/* ---- multiplication in R/q and R/3 ---- */

/*
 * Both reduce the full product of degree 2p-2 with x^p = x + 1, from the top down: the coefficient of x^i
 * (i >= p) moves to x^(i-p) and x^(i-p+1), which are below p, so each coefficient is handled once.
 */
static void fold(int32_t prod[2 * SN_P - 1])
{
	for (int i = 2 * SN_P - 2; i >= SN_P; i--) {
		prod[i - SN_P] += prod[i];
		prod[i - SN_P + 1] += prod[i];
	}
}

/* h = f g in R/q, g small. Sums stay below 3 p (q-1)/2 < 2^23. */
static void rq_mult_small(int16_t h[SN_P], const int16_t f[SN_P], const int8_t g[SN_P])
{
	int32_t prod[2 * SN_P - 1];

	memset(prod, 0, sizeof(prod));
	for (int i = 0; i < SN_P; i++) {
		for (int j = 0; j < SN_P; j++) {
			prod[i + j] += (int32_t)f[i] * g[j];
		}
	}
	fold(prod);
	for (int i = 0; i < SN_P; i++) {
		h[i] = fq_freeze(prod[i]);
	}
	cry_wipe(prod, sizeof(prod));
}

/* h = f g in R/3. */
static void r3_mult(int8_t h[SN_P], const int8_t f[SN_P], const int8_t g[SN_P])
{
	int32_t prod[2 * SN_P - 1];

	memset(prod, 0, sizeof(prod));
	for (int i = 0; i < SN_P; i++) {
		for (int j = 0; j < SN_P; j++) {
			prod[i + j] += (int32_t)f[i] * g[j];
		}
	}
	fold(prod);
	for (int i = 0; i < SN_P; i++) {
		h[i] = f3_freeze(prod[i]);
	}
	cry_wipe(prod, sizeof(prod));
}

/* ---- reciprocals: the constant-time extended GCD ---- */

/* Swaps a and b (n entries) where mask is all ones; leaves them where it is 0. */
static void ct_swap16(int16_t *a, int16_t *b, size_t n, uint32_t mask)
{
	uint16_t m = (uint16_t)mask;

	for (size_t i = 0; i < n; i++) {
		uint16_t t = (uint16_t)(((uint16_t)a[i] ^ (uint16_t)b[i]) & m);

		a[i] = (int16_t)((uint16_t)a[i] ^ t);
		b[i] = (int16_t)((uint16_t)b[i] ^ t);
	}
}

static void ct_swap8(int8_t *a, int8_t *b, size_t n, uint32_t mask)
{
	uint8_t m = (uint8_t)mask;

	for (size_t i = 0; i < n; i++) {
		uint8_t t = (uint8_t)(((uint8_t)a[i] ^ (uint8_t)b[i]) & m);

		a[i] = (int8_t)((uint8_t)a[i] ^ t);
		b[i] = (int8_t)((uint8_t)b[i] ^ t);
	}
}

/*
 * One division step's bookkeeping shared by both reciprocals: delta counts how far g's degree bound is below
 * f's; when delta > 0 and g(0) != 0 the roles swap (f, g and v, r trade places) and delta changes sign.
 * Returns the swap mask.
 */
static uint32_t divstep_delta(int32_t *delta, int32_t g0)
{
	uint32_t swap = ct_negative(-*delta) & ct_nonzero((uint32_t)g0);

	*delta ^= (int32_t)(swap & (uint32_t)(*delta ^ -*delta));
	*delta += 1;
	return swap;
}

/*
 * Reciprocals work on reversed polynomials: f starts as the reversal of x^p - x - 1 (1 - x^(p-1) - x^p), g as
 * the reversal of the input (degree < p), and 2p-1 division steps each cancel g's constant term against f's and
 * divide g by x, while v and r carry the cofactors (v is multiplied by x each step to match). At the end
 * f(0) is the gcd up to a unit, nonzero exactly when the input is invertible (delta == 0), and the reciprocal
 * is v reversed over p coefficients, divided by f(0). Every step does the same work whatever the data.
 */
struct recip3_work {
	int8_t f[SN_P + 1], g[SN_P + 1], v[SN_P + 1], r[SN_P + 1];
};

/* out = 1/in in R/3. Returns 0, or -1 if in is not invertible (out is then garbage). */
static int r3_recip(int8_t out[SN_P], const int8_t in[SN_P])
{
	struct recip3_work s;
	int32_t delta = 1;
	uint32_t bad;

	memset(&s, 0, sizeof(s));
	s.r[0] = 1;
	s.f[0] = 1;
	s.f[SN_P - 1] = -1;
	s.f[SN_P] = -1;
	for (int i = 0; i < SN_P; i++) {
		s.g[SN_P - 1 - i] = in[i];
	}
	for (int step = 0; step < 2 * SN_P - 1; step++) {
		/* g - (g0/f0) f; in F3 1/f0 = f0, and the product is the same before and after a swap. */
		int32_t sign = -(int32_t)s.g[0] * s.f[0];
		uint32_t swap;

		memmove(&s.v[1], &s.v[0], SN_P);
		s.v[0] = 0;
		swap = divstep_delta(&delta, s.g[0]);
		ct_swap8(s.f, s.g, SN_P + 1, swap);
		ct_swap8(s.v, s.r, SN_P + 1, swap);
		for (int i = 0; i <= SN_P; i++) {
			s.g[i] = f3_freeze(s.g[i] + sign * s.f[i]);
		}
		for (int i = 0; i <= SN_P; i++) {
			s.r[i] = f3_freeze(s.r[i] + sign * s.v[i]);
		}
		memmove(&s.g[0], &s.g[1], SN_P);
		s.g[SN_P] = 0;
	}
	for (int i = 0; i < SN_P; i++) {
		out[i] = (int8_t)(s.f[0] * s.v[SN_P - 1 - i]);
	}
	bad = ct_nonzero((uint32_t)delta);
	cry_wipe(&s, sizeof(s));
	return (int)bad;
}

struct recipq_work {
	int16_t f[SN_P + 1], g[SN_P + 1], v[SN_P + 1], r[SN_P + 1];
};

/*
 * out = 1/(3 in) in R/q: r starts at 1/3 = -1530 (3 * -1530 = 1 - q) instead of 1. The input is short, and
 * x^p - x - 1 is irreducible mod q, so this always succeeds; the result is not checked.
 */
static void rq_recip3(int16_t out[SN_P], const int8_t in[SN_P])
{
	struct recipq_work s;
	int32_t delta = 1;
	int16_t scale;

	memset(&s, 0, sizeof(s));
	s.r[0] = -1530;
	s.f[0] = 1;
	s.f[SN_P - 1] = -1;
	s.f[SN_P] = -1;
	for (int i = 0; i < SN_P; i++) {
		s.g[SN_P - 1 - i] = in[i];
	}
	for (int step = 0; step < 2 * SN_P - 1; step++) {
		int32_t f0, g0;
		uint32_t swap;

		memmove(&s.v[1], &s.v[0], SN_P * sizeof(s.v[0]));
		s.v[0] = 0;
		swap = divstep_delta(&delta, s.g[0]);
		ct_swap16(s.f, s.g, SN_P + 1, swap);
		ct_swap16(s.v, s.r, SN_P + 1, swap);
		/* f0 g - g0 f: no division, so the cofactors pick up a unit that the final scale removes. */
		f0 = s.f[0];
		g0 = s.g[0];
		for (int i = 0; i <= SN_P; i++) {
			s.g[i] = fq_freeze(f0 * s.g[i] - g0 * s.f[i]);
		}
		for (int i = 0; i <= SN_P; i++) {
			s.r[i] = fq_freeze(f0 * s.r[i] - g0 * s.v[i]);
		}
		memmove(&s.g[0], &s.g[1], SN_P * sizeof(s.g[0]));
		s.g[SN_P] = 0;
	}
	scale = fq_recip(s.f[0]);
	for (int i = 0; i < SN_P; i++) {
		out[i] = fq_freeze((int32_t)scale * s.v[SN_P - 1 - i]);
	}
	cry_wipe(&s, sizeof(s));
}

/* ---- encodings ---- */

/* Four coefficients (plus one each, 0..2) a byte, little end first; the last byte holds the p mod 4 left over. */
static void small_encode(uint8_t out[SN_SMALL_BYTES], const int8_t f[SN_P])
{
	for (int i = 0; i < SN_SMALL_BYTES; i++) {
		uint32_t x = 0;

		for (int j = 0; j < 4 && 4 * i + j < SN_P; j++) {
			x |= (uint32_t)(f[4 * i + j] + 1) << (2 * j);
		}
		out[i] = (uint8_t)x;
	}
}

static void small_decode(int8_t f[SN_P], const uint8_t in[SN_SMALL_BYTES])
{
	for (int i = 0; i < SN_P; i++) {
		f[i] = (int8_t)(((in[i / 4] >> (2 * (i % 4))) & 3) - 1);
	}
}

/*
 * The spec's Encode of values r[i] < m[i]: neighbours are merged into one number r[i] + m[i] r[i+1] below
 * m[i] m[i+1], whose low bytes go out while the bound is at least 2^14; the reduced bounds form the next,
 * half-length level, and a single value left at the end goes out byte by byte. Which bytes come out depends on
 * the moduli only, so this is constant time in r. r and m are overwritten. Returns the bytes written (at most
 * cap; the callers' sizes are exact).
 */
static size_t sn_encode(uint8_t *out, size_t cap, uint16_t *r, uint16_t *m, size_t n)
{
	size_t pos = 0;

	while (n > 1) {
		size_t half = 0;

		for (size_t i = 0; i + 1 < n; i += 2) {
			uint32_t mm = (uint32_t)m[i] * m[i + 1];
			uint32_t rr = r[i] + (uint32_t)m[i] * r[i + 1];

			while (mm >= SN_ENC_LIMIT) {
				if (pos < cap) {
					out[pos] = (uint8_t)rr;
				}
				pos++;
				rr >>= 8;
				mm = (mm + 255) >> 8;
			}
			r[half] = (uint16_t)rr;
			m[half] = (uint16_t)mm;
			half++;
		}
		if (n & 1) {
			r[half] = r[n - 1];
			m[half] = m[n - 1];
			half++;
		}
		n = half;
	}
	for (uint32_t mm = m[0], rr = r[0]; mm > 1; rr >>= 8, mm = (mm + 255) >> 8) {
		if (pos < cap) {
			out[pos] = (uint8_t)rr;
		}
		pos++;
	}
	return pos;
}

/* The levels of Encode's moduli, computed from the moduli alone: where each level's bytes start. */
struct sn_levels {
	uint16_t m[2 * SN_P + 16];	/* level 0, then level 1, ...: p + p/2 + ... + 1 < 2p + levels */
	size_t moff[16], n[16], boff[16];
	size_t count;			/* levels with more than one value; level `count` is the single last one */
};

static void sn_levels(struct sn_levels *lv, uint16_t m0, size_t n)
{
	size_t off = 0, pos = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		lv->m[i] = m0;
	}
	while (n > 1) {
		const uint16_t *m = &lv->m[off];
		uint16_t *next = &lv->m[off + n];
		size_t half = 0;

		lv->moff[k] = off;
		lv->n[k] = n;
		lv->boff[k] = pos;
		for (size_t i = 0; i + 1 < n; i += 2) {
			uint32_t mm = (uint32_t)m[i] * m[i + 1];

			while (mm >= SN_ENC_LIMIT) {
				pos++;
				mm = (mm + 255) >> 8;
			}
			next[half++] = (uint16_t)mm;
		}
		if (n & 1) {
			next[half++] = m[n - 1];
		}
		off += n;
		n = half;
		k++;
	}
	lv->moff[k] = off;
	lv->n[k] = 1;
	lv->boff[k] = pos;
	lv->count = k;
}

/*
 * The spec's Decode, for values that all have modulus m0: the inverse of sn_encode, read bottom up (the single
 * last value first, then each level splits its numbers back into pairs). Every value is reduced mod its
 * modulus, so any bytes give a valid element. Public inputs only: this divides.
 */
static void sn_decode(uint16_t out[SN_P], const uint8_t *in, uint16_t m0)
{
	struct sn_levels lv;
	uint16_t tmp[SN_P];
	uint16_t *cur = tmp, *next = out;
	size_t pos;
	uint32_t r = 0, t = 1;

	sn_levels(&lv, m0, SN_P);
	pos = lv.boff[lv.count];
	for (uint32_t mm = lv.m[lv.moff[lv.count]]; mm > 1; mm = (mm + 255) >> 8) {
		r += in[pos++] * t;
		t <<= 8;
	}
	cur[0] = (uint16_t)(r % lv.m[lv.moff[lv.count]]);
	for (size_t k = lv.count; k-- > 0;) {
		const uint16_t *m = &lv.m[lv.moff[k]];
		size_t n = lv.n[k], j = 0;

		pos = lv.boff[k];
		for (size_t i = 0; i + 1 < n; i += 2, j++) {
			uint32_t mm = (uint32_t)m[i] * m[i + 1];

			r = 0;
			t = 1;
			while (mm >= SN_ENC_LIMIT) {
				r += in[pos++] * t;
				t <<= 8;
				mm = (mm + 255) >> 8;
			}
			r += t * cur[j];
			next[i] = (uint16_t)(r % m[i]);
			next[i + 1] = (uint16_t)((r / m[i]) % m[i + 1]);
		}
		if (n & 1) {
			next[n - 1] = cur[j];
		}
		/* The last level written must land in out: levels alternate between the two buffers. */
		cur = next;
		next = (next == out) ? tmp : out;
	}
	if (cur != out) {
		memcpy(out, cur, sizeof(tmp));
	}
}

/* An element of R/q: coefficients shifted to 0..q-1, all moduli q. */
static void rq_encode(uint8_t out[SN_RQ_BYTES], const int16_t h[SN_P])
{
	uint16_t r[SN_P], m[SN_P];

	for (int i = 0; i < SN_P; i++) {
		r[i] = (uint16_t)(h[i] + SN_Q12);
		m[i] = SN_Q;
	}
	(void)sn_encode(out, SN_RQ_BYTES, r, m, SN_P);
	cry_wipe(r, sizeof(r));
}

static void rq_decode(int16_t h[SN_P], const uint8_t in[SN_RQ_BYTES])
{
	uint16_t r[SN_P];

	sn_decode(r, in, SN_Q);
	for (int i = 0; i < SN_P; i++) {
		h[i] = (int16_t)(r[i] - SN_Q12);
	}
}

/*
 * A rounded element (every coefficient a multiple of 3): (c + Q12) / 3 in 0..1530, all moduli 1531. The
 * division by 3 is exact, so it is a multiply by 10923 = ceil(2^15 / 3) and a shift.
 */
static void rounded_encode(uint8_t out[SN_ROUNDED_BYTES], const int16_t c[SN_P])
{
	uint16_t r[SN_P], m[SN_P];

	for (int i = 0; i < SN_P; i++) {
		r[i] = (uint16_t)(((uint32_t)(c[i] + SN_Q12) * 10923) >> 15);
		m[i] = SN_ROUNDED_M;
	}
	(void)sn_encode(out, SN_ROUNDED_BYTES, r, m, SN_P);
	cry_wipe(r, sizeof(r));
}

static void rounded_decode(int16_t c[SN_P], const uint8_t in[SN_ROUNDED_BYTES])
{
	uint16_t r[SN_P];

	sn_decode(r, in, SN_ROUNDED_M);
	for (int i = 0; i < SN_P; i++) {
		c[i] = (int16_t)(r[i] * 3 - SN_Q12);
	}
}

/* ---- random elements ---- */

/*
 * p 32-bit little-endian words in one draw of 4p bytes, as the reference's randombytes into its list; the
 * bytes land in list and are converted in place.
 */
static void random_words(uint32_t list[SN_P], cry_sntrup_rng rng, void *ud)
{
	rng(ud, list, 4 * SN_P);
	for (int i = 0; i < SN_P; i++) {
		const uint8_t *b = (const uint8_t *)&list[i];
		uint32_t x = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;

		list[i] = x;
	}
}

/* A small element: each coefficient floor(3 u / 2^30) - 1 for the low 30 bits u of a word. */
static void small_random(int8_t out[SN_P], uint32_t list[SN_P], cry_sntrup_rng rng, void *ud)
{
	random_words(list, rng, ud);
	for (int i = 0; i < SN_P; i++) {
		out[i] = (int8_t)((int32_t)(((list[i] & 0x3fffffff) * 3) >> 30) - 1);
	}
}

/*
 * A short element: w words get low bits 00 or 10 (coefficient -1 or 1), the other p - w low bits 01
 * (coefficient 0); sorting by the random high bits shuffles them, and the low two bits minus one are the
 * coefficients. The sort is the network, so the positions are not revealed by timing.
 */
static void short_random(int8_t out[SN_P], uint32_t list[SN_P], cry_sntrup_rng rng, void *ud)
{
	random_words(list, rng, ud);
	for (int i = 0; i < SN_W; i++) {
		list[i] &= ~(uint32_t)1;
	}
	for (int i = SN_W; i < SN_P; i++) {
		list[i] = (list[i] & ~(uint32_t)3) | 1;
	}
	sort_uint32(list, SN_P);
	for (int i = 0; i < SN_P; i++) {
		out[i] = (int8_t)((int32_t)(list[i] & 3) - 1);
	}
}

/* ---- hashing ---- */

/* out = first 32 bytes of SHA-512(b || a || c); the buffer is wiped, as a may be secret. */
static int hash_prefix(uint8_t out[SN_HASH_BYTES], uint8_t b, const uint8_t *a, size_t alen, const uint8_t *c,
	size_t clen)
{
	uint8_t buf[1 + SN_HASH_BYTES + CRY_SNTRUP761_PK_LEN];
	uint8_t h[CRY_HASH_MAX];
	int r;

	if (1 + alen + clen > sizeof(buf)) {
		return SSHTUN_ERR_INVAL;
	}
	buf[0] = b;
	if (alen > 0) {
		memcpy(buf + 1, a, alen);
	}
	if (clen > 0) {
		memcpy(buf + 1 + alen, c, clen);
	}
	r = cry_hash(CRY_SHA512, buf, 1 + alen + clen, h);
	memcpy(out, h, SN_HASH_BYTES);
	cry_wipe(buf, 1 + alen + clen);
	cry_wipe(h, sizeof(h));
	return r;
}

/* The session key: Hash_prefix(b, Hash_prefix(3, r_enc) || ct); b = 1 for a good ciphertext, 0 for rho. */
static int hash_session(uint8_t ss[CRY_SNTRUP761_SS_LEN], uint8_t b, const uint8_t r_enc[SN_SMALL_BYTES],
	const uint8_t ct[CRY_SNTRUP761_CT_LEN])
{
	uint8_t h3[SN_HASH_BYTES];
	int r;

	r = hash_prefix(h3, 3, r_enc, SN_SMALL_BYTES, NULL, 0);
	if (r == 0) {
		r = hash_prefix(ss, b, h3, sizeof(h3), ct, CRY_SNTRUP761_CT_LEN);
	}
	cry_wipe(h3, sizeof(h3));
	return r;
}

/* ---- the KEM ---- */

static void os_random(void *ud, void *buf, size_t n)
{
	(void)ud;
	cry_random(buf, n);
}

struct keypair_work {
	uint32_t list[SN_P];
	int8_t g[SN_P], ginv[SN_P], f[SN_P];
	int16_t finv[SN_P], h[SN_P];
};

int cry_sntrup761_keypair_rng(uint8_t pk[CRY_SNTRUP761_PK_LEN], uint8_t sk[CRY_SNTRUP761_SK_LEN], cry_sntrup_rng rng,
	void *ud)
{
	struct keypair_work s;
	int r;

	if (pk == NULL || sk == NULL || rng == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	/* g is redrawn until invertible mod 3; about two in three are. */
	for (;;) {
		int bad;

		small_random(s.g, s.list, rng, ud);
		bad = r3_recip(s.ginv, s.g);
		SNTRUP_DECLASSIFY(&bad, sizeof(bad));
		if (bad == 0) {
			break;
		}
	}
	short_random(s.f, s.list, rng, ud);
	rq_recip3(s.finv, s.f);
	rq_mult_small(s.h, s.finv, s.g);		/* h = g / (3 f) */
	rq_encode(pk, s.h);
	small_encode(sk + SK_F, s.f);
	small_encode(sk + SK_V, s.ginv);
	memcpy(sk + SK_PK, pk, CRY_SNTRUP761_PK_LEN);
	rng(ud, sk + SK_RHO, SN_SMALL_BYTES);
	r = hash_prefix(sk + SK_CACHE, 4, pk, CRY_SNTRUP761_PK_LEN, NULL, 0);
	cry_wipe(&s, sizeof(s));
	if (r != 0) {
		cry_wipe(pk, CRY_SNTRUP761_PK_LEN);
		cry_wipe(sk, CRY_SNTRUP761_SK_LEN);
	}
	return r;
}

int cry_sntrup761_keypair(uint8_t pk[CRY_SNTRUP761_PK_LEN], uint8_t sk[CRY_SNTRUP761_SK_LEN])
{
	return cry_sntrup761_keypair_rng(pk, sk, os_random, NULL);
}

struct hide_work {
	int16_t hr[SN_P], c[SN_P];
};

/*
 * ct = Rounded(Round(h r)) || Hash_prefix(2, Hash_prefix(3, r_enc) || cache), r_enc = Small(r): encryption
 * plus the confirmation hash; dec repeats it to check a ciphertext.
 */
static int hide(uint8_t ct[CRY_SNTRUP761_CT_LEN], uint8_t r_enc[SN_SMALL_BYTES], const int8_t r[SN_P],
	const int16_t h[SN_P], const uint8_t cache[SN_HASH_BYTES])
{
	struct hide_work s;
	uint8_t h3[SN_HASH_BYTES];
	int rc;

	small_encode(r_enc, r);
	rq_mult_small(s.hr, h, r);
	for (int i = 0; i < SN_P; i++) {
		s.c[i] = (int16_t)(s.hr[i] - f3_freeze(s.hr[i]));	/* nearest multiple of 3 */
	}
	rounded_encode(ct, s.c);
	rc = hash_prefix(h3, 3, r_enc, SN_SMALL_BYTES, NULL, 0);
	if (rc == 0) {
		rc = hash_prefix(ct + SN_ROUNDED_BYTES, 2, h3, sizeof(h3), cache, SN_HASH_BYTES);
	}
	cry_wipe(&s, sizeof(s));
	cry_wipe(h3, sizeof(h3));
	return rc;
}

struct enc_work {
	uint32_t list[SN_P];
	int16_t h[SN_P];
	int8_t r[SN_P];
	uint8_t r_enc[SN_SMALL_BYTES];
	uint8_t cache[SN_HASH_BYTES];
};

int cry_sntrup761_enc_rng(uint8_t ct[CRY_SNTRUP761_CT_LEN], uint8_t ss[CRY_SNTRUP761_SS_LEN],
	const uint8_t pk[CRY_SNTRUP761_PK_LEN], cry_sntrup_rng rng, void *ud)
{
	struct enc_work s;
	int rc;

	if (ct == NULL || ss == NULL || pk == NULL || rng == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	rc = hash_prefix(s.cache, 4, pk, CRY_SNTRUP761_PK_LEN, NULL, 0);
	if (rc == 0) {
		rq_decode(s.h, pk);
		short_random(s.r, s.list, rng, ud);
		rc = hide(ct, s.r_enc, s.r, s.h, s.cache);
	}
	if (rc == 0) {
		rc = hash_session(ss, 1, s.r_enc, ct);
	}
	cry_wipe(&s, sizeof(s));
	if (rc != 0) {
		cry_wipe(ct, CRY_SNTRUP761_CT_LEN);
		cry_wipe(ss, CRY_SNTRUP761_SS_LEN);
	}
	return rc;
}

int cry_sntrup761_enc(uint8_t ct[CRY_SNTRUP761_CT_LEN], uint8_t ss[CRY_SNTRUP761_SS_LEN],
	const uint8_t pk[CRY_SNTRUP761_PK_LEN])
{
	return cry_sntrup761_enc_rng(ct, ss, pk, os_random, NULL);
}

struct dec_work {
	int16_t c[SN_P], cf[SN_P], h[SN_P];
	int8_t f[SN_P], v[SN_P], e[SN_P], ev[SN_P], r[SN_P];
	uint8_t r_enc[SN_SMALL_BYTES];
	uint8_t cnew[CRY_SNTRUP761_CT_LEN];
};

/*
 * r from c: e = 3 c f mod q, lifted to mod 3, is g r (since c f = (g/3f) r f + small error terms); times 1/g
 * gives r. A result of the wrong weight (a bad ciphertext) becomes 1..1 0..0 so that re-encryption fails;
 * chosen by mask.
 */
static void decrypt(struct dec_work *s)
{
	int32_t weight = 0;
	uint32_t bad;

	rq_mult_small(s->cf, s->c, s->f);
	for (int i = 0; i < SN_P; i++) {
		s->e[i] = f3_freeze(fq_freeze(3 * s->cf[i]));
	}
	r3_mult(s->ev, s->e, s->v);
	for (int i = 0; i < SN_P; i++) {
		weight += s->ev[i] & 1;
	}
	bad = ct_nonzero((uint32_t)(weight - SN_W));
	for (int i = 0; i < SN_W; i++) {
		s->r[i] = (int8_t)(((s->ev[i] ^ 1) & ~(int32_t)bad) ^ 1);
	}
	for (int i = SN_W; i < SN_P; i++) {
		s->r[i] = (int8_t)(s->ev[i] & ~(int32_t)bad);
	}
}

int cry_sntrup761_dec(uint8_t ss[CRY_SNTRUP761_SS_LEN], const uint8_t ct[CRY_SNTRUP761_CT_LEN],
	const uint8_t sk[CRY_SNTRUP761_SK_LEN])
{
	struct dec_work s;
	uint32_t diff = 0, bad;
	int rc;

	if (ss == NULL || ct == NULL || sk == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	small_decode(s.f, sk + SK_F);
	small_decode(s.v, sk + SK_V);
	rounded_decode(s.c, ct);
	decrypt(&s);
	rq_decode(s.h, sk + SK_PK);
	rc = hide(s.cnew, s.r_enc, s.r, s.h, sk + SK_CACHE);
	/* Implicit rejection: any difference selects rho and prefix 0, with no branch on the comparison. */
	for (int i = 0; i < CRY_SNTRUP761_CT_LEN; i++) {
		diff |= (uint32_t)(ct[i] ^ s.cnew[i]);
	}
	bad = ct_nonzero(diff);
	for (int i = 0; i < SN_SMALL_BYTES; i++) {
		s.r_enc[i] ^= (uint8_t)(bad & (uint32_t)(s.r_enc[i] ^ sk[SK_RHO + i]));
	}
	if (rc == 0) {
		rc = hash_session(ss, (uint8_t)(~bad & 1), s.r_enc, ct);
	}
	cry_wipe(&s, sizeof(s));
	if (rc != 0) {
		cry_wipe(ss, CRY_SNTRUP761_SS_LEN);
	}
	return rc;
}

#endif /* SSHTUN_SNTRUP */
