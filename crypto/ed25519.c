/* sshtun: Ed25519 signatures (RFC 8032) over libsodium. */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "config.h"
#include "util/features.h"
#include "sshtun_err.h"
#include "crypto/crypto.h"

/* A non-NULL pointer for empty messages. */
static const uint8_t ed_empty[1] = { 0 };

int cry_ed25519_verify(const uint8_t pk[32], const uint8_t sig[64], const void *msg, size_t len)
{
	if (pk == NULL || sig == NULL || (msg == NULL && len != 0)) {
		return SSHTUN_ERR_INVAL;
	}
	if (msg == NULL) {
		msg = ed_empty;
	}
#if SSHTUN_FUZZ
	/* UNSAFE, fuzzing builds only (see x25519.c): any signature but all zeros verifies. */
	if (sodium_is_zero(sig, 64)) {
		return SSHTUN_ERR_HOSTKEY_SIG;
	}
#else
	/* libsodium rejects non-canonical S, small-order R and small-order keys. */
	if (crypto_sign_verify_detached(sig, msg, len, pk) != 0) {
		return SSHTUN_ERR_HOSTKEY_SIG;
	}
#endif
	return 0;
}

#if SSHTUN_SMALL_CODE
/*
 * Signing and key derivation without libsodium's fixed-base table (util/features.h, SSHTUN_SMALL_CODE): RFC 8032
 * 5.1.5 and 5.1.6 written over libsodium's public API, so that crypto_sign_detached and crypto_sign_seed_keypair,
 * whose ge25519_scalarmult_base carries a 30 KB table and whose sc25519_muladd is 6 KB more, are not linked (the
 * table leaves a static link only with SSHTUN_SODIUM_LEAN: X25519's table of functions names it too).
 * B times a scalar is then the variable-base multiplication (constant time, slower), and S = r + k*a mod L is
 * a small multiplication below plus sc25519_reduce, which verification links anyway. The signatures are the same
 * bytes (Ed25519 is deterministic); tests/unit/test_crypto.c checks RFC 8032's vectors on both paths.
 */

/* The base point B (RFC 8032 5.1: y = 4/5, x positive), encoded. */
static const uint8_t ed_base[32] = {
	0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
};

static uint32_t ed_load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * s = (k*a + r) mod L, every operand 32 bytes little-endian (a the clamped secret scalar, below 2^255; k and r
 * reduced, below 2^253). The sum is below 2^509, so it is formed exactly as a 512-bit integer, in 32-bit limbs:
 * a schoolbook product in fixed loops, each step (2^32-1)^2 + 2*(2^32-1) < 2^64, with no branch or index on a
 * value, then reduced by crypto_core_ed25519_scalar_reduce. libsodium's crypto_core_ed25519_scalar_mul would
 * link sc25519_mul, as large as the sc25519_muladd this replaces.
 */
static void ed_muladd(uint8_t s[32], const uint8_t k[32], const uint8_t a[32], const uint8_t r[32])
{
	uint32_t kl[8], al[8], t[16];
	uint8_t wide[64];
	int i, j;

	for (i = 0; i < 8; i++) {
		kl[i] = ed_load32(k + 4 * i);
		al[i] = ed_load32(a + 4 * i);
		t[i] = ed_load32(r + 4 * i);	/* r is added in as the product's starting value */
		t[i + 8] = 0;
	}
	for (i = 0; i < 8; i++) {
		uint64_t carry = 0;

		for (j = 0; j < 8; j++) {
			uint64_t v = (uint64_t)kl[i] * al[j] + t[i + j] + carry;

			t[i + j] = (uint32_t)v;
			carry = v >> 32;
		}
		t[i + 8] = (uint32_t)carry;	/* not written by an earlier row */
	}
	for (i = 0; i < 16; i++) {
		wide[4 * i] = (uint8_t)t[i];
		wide[4 * i + 1] = (uint8_t)(t[i] >> 8);
		wide[4 * i + 2] = (uint8_t)(t[i] >> 16);
		wide[4 * i + 3] = (uint8_t)(t[i] >> 24);
	}
	crypto_core_ed25519_scalar_reduce(s, wide);
	sodium_memzero(kl, sizeof(kl));
	sodium_memzero(al, sizeof(al));
	sodium_memzero(t, sizeof(t));
	sodium_memzero(wide, sizeof(wide));
}

/* The clamped scalar a of RFC 8032 5.1.5 step 2, as a 256-bit integer (not reduced mod L). */
static void ed_clamp(uint8_t a[32], const uint8_t h[64])
{
	for (int i = 0; i < 32; i++) {
		a[i] = h[i];
	}
	a[0] &= 248;
	a[31] &= 127;
	a[31] |= 64;
}

/* x = SHA-512(p1 || p2 || msg) mod L. */
static void ed_hash_reduce(uint8_t x[32], const uint8_t *p1, size_t n1, const uint8_t *p2, size_t n2,
	const void *msg, size_t len)
{
	crypto_hash_sha512_state st;
	uint8_t d[64];

	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, p1, n1);
	if (p2 != NULL) {
		crypto_hash_sha512_update(&st, p2, n2);
	}
	crypto_hash_sha512_update(&st, msg, len);
	crypto_hash_sha512_final(&st, d);
	crypto_core_ed25519_scalar_reduce(x, d);
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(d, sizeof(d));
}

/*
 * RFC 8032 5.1.6. The public key A is the second half of sk, as libsodium lays a secret key out (seed || A) and
 * cry_ed25519_from_seed writes it. r is below L and not 0 but with probability 2^-252, so that the
 * multiplication's refusal of a zero scalar (or of the neutral point as result) never happens in practice.
 */
static int ed_sign(uint8_t sig[64], const uint8_t sk[64], const void *msg, size_t len)
{
	uint8_t h[64], a[32], r[32], k[32];
	int rc = 0;

	crypto_hash_sha512(h, sk, 32);
	ed_clamp(a, h);
	ed_hash_reduce(r, h + 32, 32, NULL, 0, msg, len);
	if (crypto_scalarmult_ed25519_noclamp(sig, r, ed_base) != 0) {
		rc = SSHTUN_ERR_CRYPTO;
	} else {
		ed_hash_reduce(k, sig, 32, sk + 32, 32, msg, len);
		ed_muladd(sig + 32, k, a, r);
	}
	sodium_memzero(h, sizeof(h));
	sodium_memzero(a, sizeof(a));
	sodium_memzero(r, sizeof(r));
	sodium_memzero(k, sizeof(k));
	return rc;
}

/* RFC 8032 5.1.5: A = clamp(SHA-512(seed)[0..32]) * B; crypto_scalarmult_ed25519 clamps the half itself. */
static int ed_from_seed(uint8_t sk[64], uint8_t pk[32], const uint8_t seed[32])
{
	uint8_t h[64];
	int rc = 0;

	crypto_hash_sha512(h, seed, 32);
	if (crypto_scalarmult_ed25519(pk, h, ed_base) != 0) {
		rc = SSHTUN_ERR_CRYPTO;
	} else {
		memcpy(sk, seed, 32);
		memcpy(sk + 32, pk, 32);
	}
	sodium_memzero(h, sizeof(h));
	return rc;
}
#endif

int cry_ed25519_sign(uint8_t sig[64], const uint8_t sk[64], const void *msg, size_t len)
{
	if (sig == NULL || sk == NULL || (msg == NULL && len != 0)) {
		return SSHTUN_ERR_INVAL;
	}
	if (msg == NULL) {
		msg = ed_empty;
	}
#if SSHTUN_SMALL_CODE
	int rc = ed_sign(sig, sk, msg, len);
#else
	int rc = crypto_sign_detached(sig, NULL, msg, len, sk);
#endif
	if (rc != 0) {
		sodium_memzero(sig, 64);
		return SSHTUN_ERR_CRYPTO;
	}
	return 0;
}

int cry_ed25519_from_seed(uint8_t sk[64], uint8_t pk[32], const uint8_t seed[32])
{
	if (sk == NULL || pk == NULL || seed == NULL) {
		return SSHTUN_ERR_INVAL;
	}
#if SSHTUN_SMALL_CODE
	int rc = ed_from_seed(sk, pk, seed);
#else
	int rc = crypto_sign_seed_keypair(pk, sk, seed);
#endif
	if (rc != 0) {
		sodium_memzero(sk, 64);
		sodium_memzero(pk, 32);
		return SSHTUN_ERR_CRYPTO;
	}
	return 0;
}
