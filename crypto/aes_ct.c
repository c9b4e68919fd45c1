/*
 * sshtun: AES-128/192/256 encryption (FIPS 197) and CTR mode, written here for one use: OpenSSH key files
 * encrypted with aes*-ctr (ssh-keygen's default) in a build without libcrypto. Constant time and without tables:
 * no memory index and no branch depends on the key or the data. The S-box is computed for every byte as FIPS 197
 * 5.1.1 defines it, the affine map of the inverse in GF(2^8) (x^254, by squarings and multiplications that mask
 * instead of branching), which costs about 40 microseconds a block: a few milliseconds for a key file, far too
 * slow for packets (which take libcrypto's AES, or none: the build without it has no AES cipher). Built in
 * every build, so its tests compare it with libcrypto's where there is one (crypto/aes.c keeps libcrypto's for
 * key files then); tests/ct/ct_aes.c checks under valgrind that the key and text stay secret.
 */
#include <string.h>
#include "util/features.h"

/* Only passphrase-protected key files need it: left out with them (SSHTUN_KEY_ENCRYPTED 0). */
#if SSHTUN_KEY_ENCRYPTED

#include "sshtun_err.h"
#include "crypto/crypto.h"

enum { AES_BLOCK = 16, AES_MAX_ROUNDS = 14 };

struct aes_ct {
	uint8_t rk[(AES_MAX_ROUNDS + 1) * AES_BLOCK];	/* the round keys, bytes in FIPS 197's order */
	unsigned rounds;
};

/* a * b in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1: eight steps whatever the values, masks for the choices. */
static uint8_t gf_mul(uint8_t a, uint8_t b)
{
	unsigned p = 0, x = a;

	for (unsigned i = 0; i < 8; i++) {
		p ^= x & (0u - ((b >> i) & 1u));
		x = ((x << 1) ^ (0x11bu & (0u - (x >> 7)))) & 0xffu;
	}
	return (uint8_t)p;
}

/* FIPS 197 5.1.1: the multiplicative inverse (x^254; 0 goes to 0), then the affine transformation. */
static uint8_t sbox(uint8_t x)
{
	uint8_t x2 = gf_mul(x, x), x3 = gf_mul(x2, x), x6 = gf_mul(x3, x3), x12 = gf_mul(x6, x6);
	uint8_t x15 = gf_mul(x12, x3), x30 = gf_mul(x15, x15), x60 = gf_mul(x30, x30), x120 = gf_mul(x60, x60);
	uint8_t x240 = gf_mul(x120, x120), x14 = gf_mul(x12, x2), inv = gf_mul(x240, x14);
	unsigned b = inv, r = b;

	for (unsigned i = 1; i <= 4; i++) {
		r ^= ((b << i) | (b >> (8 - i))) & 0xffu;
	}
	return (uint8_t)(r ^ 0x63u);
}

static uint8_t xtime(uint8_t x)
{
	return (uint8_t)((x << 1) ^ (0x1bu & (0u - (unsigned)(x >> 7))));
}

/* FIPS 197 5.2: Nk = keylen / 4 words of key, 4 (rounds + 1) words of schedule. */
static void aes_expand(struct aes_ct *a, const uint8_t *key, size_t keylen)
{
	const unsigned nk = (unsigned)(keylen / 4), words = 4 * (a->rounds + 1);
	uint8_t rcon = 1;

	memcpy(a->rk, key, keylen);
	for (unsigned i = nk; i < words; i++) {
		uint8_t t[4];

		memcpy(t, a->rk + 4 * (i - 1), 4);
		if (i % nk == 0) {
			uint8_t t0 = t[0];

			t[0] = (uint8_t)(sbox(t[1]) ^ rcon);
			t[1] = sbox(t[2]);
			t[2] = sbox(t[3]);
			t[3] = sbox(t0);
			rcon = xtime(rcon);
		} else if (nk > 6 && i % nk == 4) {
			for (unsigned j = 0; j < 4; j++) {
				t[j] = sbox(t[j]);
			}
		}
		for (unsigned j = 0; j < 4; j++) {
			a->rk[4 * i + j] = a->rk[4 * (i - nk) + j] ^ t[j];
		}
	}
}

/* One block in place (FIPS 197 5.1): the state's bytes in column order, as the input's. */
static void aes_encrypt(const struct aes_ct *a, uint8_t s[AES_BLOCK])
{
	uint8_t t[AES_BLOCK];

	for (unsigned i = 0; i < AES_BLOCK; i++) {
		s[i] ^= a->rk[i];
	}
	for (unsigned r = 1; r <= a->rounds; r++) {
		/* SubBytes and ShiftRows: row j of column c comes from column c + j. */
		for (unsigned c = 0; c < 4; c++) {
			for (unsigned j = 0; j < 4; j++) {
				t[4 * c + j] = sbox(s[4 * ((c + j) % 4) + j]);
			}
		}
		/* MixColumns, but not in the last round. */
		for (unsigned c = 0; c < 4; c++) {
			uint8_t *col = t + 4 * c, all = col[0] ^ col[1] ^ col[2] ^ col[3], c0 = col[0];

			if (r == a->rounds) {
				break;
			}
			for (unsigned j = 0; j < 4; j++) {
				col[j] ^= all ^ xtime(col[j] ^ (j < 3 ? col[j + 1] : c0));
			}
		}
		for (unsigned i = 0; i < AES_BLOCK; i++) {
			s[i] = t[i] ^ a->rk[AES_BLOCK * r + i];
		}
	}
	cry_wipe(t, sizeof(t));
}

int cry_aes_ct_ctr(const uint8_t *key, size_t keylen, const uint8_t iv[16], uint8_t *buf, size_t n)
{
	struct aes_ct a;
	uint8_t ctr[AES_BLOCK], ks[AES_BLOCK];

	if (!key || !iv || (!buf && n) || (keylen != 16 && keylen != 24 && keylen != 32)) {
		return SSHTUN_ERR_INVAL;
	}
	a.rounds = (unsigned)(keylen / 4 + 6);
	aes_expand(&a, key, keylen);
	memcpy(ctr, iv, sizeof(ctr));
	for (size_t off = 0; off < n; off += AES_BLOCK) {
		size_t k = n - off < AES_BLOCK ? n - off : AES_BLOCK;
		unsigned carry = 1;

		memcpy(ks, ctr, sizeof(ks));
		aes_encrypt(&a, ks);
		for (size_t i = 0; i < k; i++) {
			buf[off + i] ^= ks[i];
		}
		/* The whole block is the counter, big-endian (as libcrypto's and OpenSSH's CTR). */
		for (int i = AES_BLOCK - 1; i >= 0; i--) {
			carry += ctr[i];
			ctr[i] = (uint8_t)carry;
			carry >>= 8;
		}
	}
	cry_wipe(&a, sizeof(a));
	cry_wipe(ks, sizeof(ks));
	cry_wipe(ctr, sizeof(ctr));
	return 0;
}

#endif /* SSHTUN_KEY_ENCRYPTED */
