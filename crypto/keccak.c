/* sshtun: Keccak-f[1600] and the FIPS 202 sponge; see keccak.h. */
#include <string.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"
#include "crypto/keccak.h"

enum { KECCAK_ROUNDS = 24 };

/* FIPS 202 3.2.5: the round constants of iota, the output of its degree-8 LFSR, as 64-bit lanes. */
static const uint64_t round_const[KECCAK_ROUNDS] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
	0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
	0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
	0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
	0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* FIPS 202 3.2.2, table 2: rho's rotation of lane (x, y), at [x + 5 y]. */
static const uint8_t rho_rot[25] = {
	0, 1, 62, 28, 27,
	36, 44, 6, 55, 20,
	3, 10, 43, 25, 39,
	41, 45, 15, 21, 8,
	18, 2, 61, 56, 14,
};

/* FIPS 202 3.2.3: pi moves lane (x, y) to (y, 2x + 3y mod 5); its new index, at [x + 5 y]. */
static const uint8_t pi_dst[25] = {
	0, 10, 20, 5, 15,
	16, 1, 11, 21, 6,
	7, 17, 2, 12, 22,
	23, 8, 18, 3, 13,
	14, 24, 9, 19, 4,
};

static uint64_t rotl64(uint64_t v, unsigned n)
{
	/* The mask keeps the right shift below 64 when n is 0 (v | v is then v). */
	return (v << n) | (v >> ((64 - n) & 63));
}

/*
 * The steps are written out over columns and rows rather than looped with "mod 5" indices: gcc -O2 does not
 * unroll the nested loops, and the permutation was then two thirds of ML-KEM's time.
 */
void cry_keccak_f1600(uint64_t a[25])
{
	uint64_t b[25];

	for (int round = 0; round < KECCAK_ROUNDS; round++) {
		/* theta: each lane gets the parities of the two neighbouring columns. */
		uint64_t c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
		uint64_t c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
		uint64_t c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
		uint64_t c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
		uint64_t c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
		uint64_t d0 = c4 ^ rotl64(c1, 1);
		uint64_t d1 = c0 ^ rotl64(c2, 1);
		uint64_t d2 = c1 ^ rotl64(c3, 1);
		uint64_t d3 = c2 ^ rotl64(c4, 1);
		uint64_t d4 = c3 ^ rotl64(c0, 1);

		for (int y = 0; y < 25; y += 5) {
			a[y] ^= d0;
			a[y + 1] ^= d1;
			a[y + 2] ^= d2;
			a[y + 3] ^= d3;
			a[y + 4] ^= d4;
		}
		/* rho and pi */
		for (int i = 0; i < 25; i++) {
			b[pi_dst[i]] = rotl64(a[i], rho_rot[i]);
		}
		/* chi: the only non-linear step, along each row. */
		for (int y = 0; y < 25; y += 5) {
			a[y] = b[y] ^ (~b[y + 1] & b[y + 2]);
			a[y + 1] = b[y + 1] ^ (~b[y + 2] & b[y + 3]);
			a[y + 2] = b[y + 2] ^ (~b[y + 3] & b[y + 4]);
			a[y + 3] = b[y + 3] ^ (~b[y + 4] & b[y]);
			a[y + 4] = b[y + 4] ^ (~b[y] & b[y + 1]);
		}
		/* iota */
		a[0] ^= round_const[round];
	}
	cry_wipe(b, sizeof(b));
}

static void shake_init(struct cry_shake *s, unsigned rate, uint8_t pad)
{
	memset(s->a, 0, sizeof(s->a));
	s->rate = rate;
	s->pos = 0;
	s->pad = pad;
	s->squeezing = 0;
}

void cry_shake128_init(struct cry_shake *s)
{
	shake_init(s, CRY_SHAKE128_RATE, 0x1f);
}

void cry_shake256_init(struct cry_shake *s)
{
	shake_init(s, CRY_SHAKE256_RATE, 0x1f);
}

int cry_shake_absorb(struct cry_shake *s, const void *in, size_t n)
{
	const uint8_t *p = in;

	if (s->squeezing) {
		return SSHTUN_ERR_STATE;
	}
	while (n > 0) {
		if (s->pos % 8 == 0 && n >= 8 && s->pos + 8 <= s->rate) {
			/* A whole lane at once, little-endian; the rates are whole lanes. */
			uint64_t v = 0;

			for (int i = 7; i >= 0; i--) {
				v = (v << 8) | p[i];
			}
			s->a[s->pos / 8] ^= v;
			s->pos += 8;
			p += 8;
			n -= 8;
		} else {
			s->a[s->pos / 8] ^= (uint64_t)*p << (8 * (s->pos % 8));
			s->pos++;
			p++;
			n--;
		}
		if (s->pos == s->rate) {
			cry_keccak_f1600(s->a);
			s->pos = 0;
		}
	}
	return 0;
}

void cry_shake_squeeze(struct cry_shake *s, uint8_t *out, size_t n)
{
	if (!s->squeezing) {
		/* pad10*1 after the domain bits (FIPS 202 B.2: one byte when only one byte of the block is left). */
		s->a[s->pos / 8] ^= (uint64_t)s->pad << (8 * (s->pos % 8));
		s->a[(s->rate - 1) / 8] ^= (uint64_t)0x80 << (8 * ((s->rate - 1) % 8));
		cry_keccak_f1600(s->a);
		s->pos = 0;
		s->squeezing = 1;
	}
	while (n > 0) {
		if (s->pos == s->rate) {
			cry_keccak_f1600(s->a);
			s->pos = 0;
		}
		*out++ = (uint8_t)(s->a[s->pos / 8] >> (8 * (s->pos % 8)));
		s->pos++;
		n--;
	}
}

void cry_shake_wipe(struct cry_shake *s)
{
	cry_wipe(s, sizeof(*s));
}

/* A fixed-length hash or XOF in one call: rate and pad choose which. */
static void sponge(unsigned rate, uint8_t pad, uint8_t *out, size_t outlen, const void *in, size_t n)
{
	struct cry_shake s;

	shake_init(&s, rate, pad);
	cry_shake_absorb(&s, in, n);
	cry_shake_squeeze(&s, out, outlen);
	cry_shake_wipe(&s);
}

/* SHA3-d has capacity 2d bits, so its rate is 200 - d/4 bytes; its domain bits are 01. */
void cry_sha3_256(uint8_t out[CRY_SHA3_256_LEN], const void *in, size_t n)
{
	sponge(200 - 2 * CRY_SHA3_256_LEN, 0x06, out, CRY_SHA3_256_LEN, in, n);
}

void cry_sha3_512(uint8_t out[CRY_SHA3_512_LEN], const void *in, size_t n)
{
	sponge(200 - 2 * CRY_SHA3_512_LEN, 0x06, out, CRY_SHA3_512_LEN, in, n);
}

void cry_shake128(uint8_t *out, size_t outlen, const void *in, size_t n)
{
	sponge(CRY_SHAKE128_RATE, 0x1f, out, outlen, in, n);
}

void cry_shake256(uint8_t *out, size_t outlen, const void *in, size_t n)
{
	sponge(CRY_SHAKE256_RATE, 0x1f, out, outlen, in, n);
}
