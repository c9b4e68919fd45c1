/* sshtun: library set-up, randomness (OS and user-space), wiping, constant-time compare and base64 (over libsodium). */
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config.h"
#include "util/features.h"
#include "sshtun_err.h"
#include "crypto/crypto.h"

#if SSHTUN_SODIUM_LEAN
#include <pthread.h>

/*
 * libsodium's own set-up steps, declared here because its installed headers do not: they are hidden symbols of
 * src/libsodium/include/sodium/runtime.h and private/implementations.h, which only a static link resolves
 * (util/features.h, SSHTUN_SODIUM_LEAN). sodium_init (1.0.18, sodium/core.c) calls, in this order: the CPU
 * features, randombytes_stir, _sodium_alloc_init, then every primitive's pick_best_implementation. Of those we keep
 * what sshtun's calls depend on: the CPU features first (the picks read them), the random generator, and the picks
 * of Poly1305, X25519 and ChaCha20, which choose their SIMD code at run time. Left out: _sodium_alloc_init (the
 * page size and canary of sodium_malloc, which sshtun never calls) and the picks of Argon2, BLAKE2b and Salsa20,
 * which would link all their SIMD variants (~55 KB) for nothing sshtun calls.
 */
int _sodium_runtime_get_cpu_features(void);
int _crypto_onetimeauth_poly1305_pick_best_implementation(void);
int _crypto_scalarmult_curve25519_pick_best_implementation(void);
int _crypto_stream_chacha20_pick_best_implementation(void);

static void cry_sodium_setup(void)
{
#if SSHTUN_SODIUM_SIMD
	(void)_sodium_runtime_get_cpu_features();	/* sodium_init ignores it too: without, the portable code runs */
#endif
	randombytes_stir();
#if SSHTUN_SODIUM_SIMD
	/* Without these picks libsodium keeps its portable code, and the SIMD code is never linked. */
	(void)_crypto_onetimeauth_poly1305_pick_best_implementation();
	(void)_crypto_scalarmult_curve25519_pick_best_implementation();
	(void)_crypto_stream_chacha20_pick_best_implementation();
#endif
}

/*
 * Once per process, whichever thread comes first (the library may be used from several): the one piece of
 * mutable global state below cli/ this needs, as sodium_init keeps its own flag and mutex.
 */
static pthread_once_t cry_sodium_once = PTHREAD_ONCE_INIT;

/*
 * libsodium calls sodium_misuse when a primitive is handed more than it allows (lengths sshtun never passes); the
 * link's -Wl,--wrap=sodium_misuse (embedded/build.sh) sends it here: it aborts, as sodium_misuse does when no
 * handler is set (sshtun sets none), without linking sodium/core.c and its mutexes for that (1.3 KB).
 */
void __wrap_sodium_misuse(void);
void __wrap_sodium_misuse(void)
{
	abort();
}
#endif

int cry_init(void)
{
#if SSHTUN_SODIUM_LEAN
	if (pthread_once(&cry_sodium_once, cry_sodium_setup) != 0) {
		return SSHTUN_ERR_CRYPTO;
	}
#else
	/* sodium_init: 0 first time, 1 if already done, -1 on failure; it is thread-safe. */
	if (sodium_init() < 0) {
		return SSHTUN_ERR_CRYPTO;
	}
#endif
	return 0;
}

void cry_random(void *buf, size_t n)
{
	if (n == 0) {
		return;
	}
#if SSHTUN_FUZZ
	/* UNSAFE, fuzzing builds only: the same bytes every time, so an input replays the same way (cookies, keys). */
	for (size_t i = 0; i < n; i++) {
		((uint8_t *)buf)[i] = (uint8_t)(0xa5 ^ i);
	}
#else
	randombytes_buf(buf, n);
#endif
}

/*
 * The user-space generator: original ChaCha20 (64-bit nonce, 64-bit block
 * counter) with a zero nonce, the counter running on across fills; the tail
 * of a fill's last block is thrown away. A fill is cut into chunks so that a
 * rekey can fall between them.
 */
#define PRNG_REKEY_BLOCKS ((uint64_t)1 << 32)
enum { PRNG_BLOCK = 64, PRNG_CHUNK = 1 << 20 };

static_assert(sizeof(((struct cry_prng *)0)->key) == crypto_stream_chacha20_KEYBYTES, "ChaCha20 key size");

void cry_prng_init(struct cry_prng *g)
{
	cry_random(g->key, sizeof(g->key));
	g->block = 0;
	g->keyed = 1;
}

void cry_prng_fill(struct cry_prng *g, void *buf, size_t n)
{
	static const uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = { 0 };
	uint8_t *p = buf;

	while (n > 0) {
		size_t chunk = n < PRNG_CHUNK ? n : PRNG_CHUNK;
		uint64_t blocks = (chunk + PRNG_BLOCK - 1) / PRNG_BLOCK;

		if (!g->keyed || g->block > PRNG_REKEY_BLOCKS - blocks) {
			cry_prng_init(g);
		}
		/* libsodium has no keystream-with-counter call: XOR the stream into zeros, in place. */
		memset(p, 0, chunk);
		crypto_stream_chacha20_xor_ic(p, p, chunk, nonce, g->block, g->key);
		g->block += blocks;
		p += chunk;
		n -= chunk;
	}
}

void cry_prng_wipe(struct cry_prng *g)
{
	sodium_memzero(g, sizeof(*g));
}

void cry_wipe(void *p, size_t n)
{
	if (p == NULL || n == 0) {
		return;
	}
	sodium_memzero(p, n);
}

int cry_memeq(const void *a, const void *b, size_t n)
{
	if (n == 0) {
		return 1;
	}
	return sodium_memcmp(a, b, n) == 0;
}

int cry_base64_encode(char *out, size_t outlen, const void *in, size_t n, int pad)
{
	int variant = pad ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
	size_t need = 0;
	static const uint8_t empty[1] = { 0 };

	if (out == NULL || (in == NULL && n != 0)) {
		return SSHTUN_ERR_INVAL;
	}
	/* Keep the encoded length (incl. NUL) representable as int, and the size formula from overflowing. */
	if (n > ((size_t)INT_MAX / 4) * 3 - 3) {
		return SSHTUN_ERR_TOO_LONG;
	}
	need = sodium_base64_encoded_len(n, variant);
	/* libsodium aborts on a short buffer, so check first. */
	if (outlen < need) {
		return SSHTUN_ERR_TOO_LONG;
	}
	if (in == NULL) {
		in = empty;
	}
	sodium_bin2base64(out, outlen, in, n, variant);
	return (int)(need - 1);
}

/* Upper bound on the decoded length of n base64 characters, of which eq are '='. */
static size_t b64_decoded_max(size_t n, size_t eq)
{
	size_t m = n - eq;

	return (m / 4) * 3 + ((m % 4) * 3) / 4;
}

int cry_base64_decode(uint8_t *out, size_t outlen, size_t *outn, const char *in, size_t n)
{
	int variant = sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
	size_t eq = 0;
	size_t got = 0;
	size_t i;
	unsigned high = 0;
	uint8_t dummy[1];

	if (outn == NULL || (in == NULL && n != 0) || (out == NULL && outlen != 0)) {
		return SSHTUN_ERR_INVAL;
	}
	*outn = 0;
	if (n == 0) {
		return 0;
	}
	/*
	 * Where the padding sits is public (it follows from the length). Bytes
	 * with the high bit set are refused here, without branching on them:
	 * libsodium 1.0.18 decodes many of them as if they were valid.
	 */
	for (i = 0; i < n; i++) {
		eq += (in[i] == '=');
		high |= (unsigned char)in[i];
	}
	if ((high & 0x80) != 0) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	if (eq > 0) {
		variant = sodium_base64_VARIANT_ORIGINAL;
	}
	if (eq > 2) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	if (outlen < b64_decoded_max(n, eq)) {
		return SSHTUN_ERR_TOO_LONG;
	}
	if (out == NULL) {
		out = dummy;
		outlen = 0;
	}
	/* b64_end NULL: every character must be consumed; ignore NULL: no whitespace allowed. */
	if (sodium_base642bin(out, outlen, in, n, NULL, &got, NULL, variant) != 0) {
		cry_wipe(out, outlen);
		return SSHTUN_ERR_BAD_FORMAT;
	}
	*outn = got;
	return 0;
}

/* The digest sizes, the same whichever library computes them (crypto/hash.c or crypto/hash_sodium.c). */
size_t cry_hash_len(int alg)
{
	switch (alg) {
	case CRY_SHA1:
		return 20;
	case CRY_SHA256:
		return 32;
	case CRY_SHA384:
		return 48;
	case CRY_SHA512:
		return 64;
	default:
		return 0;
	}
}
