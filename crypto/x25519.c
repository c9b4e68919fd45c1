/* sshtun: X25519 Diffie-Hellman (RFC 7748) over libsodium. */
#include <sodium.h>

#include "config.h"
#include "util/features.h"
#include "sshtun_err.h"
#include "crypto/crypto.h"

/*
 * UNSAFE, fuzzing builds only (./configure --enable-fuzz, SSHTUN_FUZZ): the key exchange's public-key work is
 * replaced by fixed values, as OpenSSH's FUZZING_BUILD_MODE does, so that a fuzzer replays a whole exchange at
 * thousands of inputs a second: our key is a constant and the "shared secret" is the peer's value XOR our
 * private key. An all-zero result is still refused, so that path stays reachable. configure refuses to
 * combine such a build with an install, and sshtun_start refuses to connect in one.
 */
int cry_fixed_for_fuzzing(void)
{
	return SSHTUN_FUZZ;
}

#if SSHTUN_FUZZ
int cry_x25519_keypair(uint8_t priv[32], uint8_t pub[32])
{
	if (priv == NULL || pub == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	cry_random(priv, 32);
	for (int i = 0; i < 32; i++) {
		pub[i] = (uint8_t)(priv[i] ^ 0x5c);
	}
	return 0;
}

int cry_x25519(uint8_t shared[32], const uint8_t priv[32], const uint8_t peer[32])
{
	if (shared == NULL || priv == NULL || peer == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	for (int i = 0; i < 32; i++) {
		shared[i] = (uint8_t)(peer[i] ^ priv[i]);
	}
	if (sodium_is_zero(shared, 32)) {
		return SSHTUN_ERR_KEX_FAILED;
	}
	return 0;
}
#else

int cry_x25519_keypair(uint8_t priv[32], uint8_t pub[32])
{
	if (priv == NULL || pub == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	randombytes_buf(priv, 32);
#if SSHTUN_SMALL_CODE
	/*
	 * The same key by the Montgomery ladder on the base point u = 9 (RFC 7748 4.1), which the key exchange links
	 * anyway: libsodium's _base goes through the Edwards curve and its 30 KB fixed-base table (util/features.h).
	 */
	static const uint8_t basepoint[32] = { 9 };
	int rc = crypto_scalarmult_curve25519(pub, priv, basepoint);
#else
	int rc = crypto_scalarmult_curve25519_base(pub, priv);
#endif
	/* Fails only if the clamped scalar gives the identity, which clamping rules out. */
	if (rc != 0) {
		sodium_memzero(priv, 32);
		sodium_memzero(pub, 32);
		return SSHTUN_ERR_CRYPTO;
	}
	return 0;
}

int cry_x25519(uint8_t shared[32], const uint8_t priv[32], const uint8_t peer[32])
{
	if (shared == NULL || priv == NULL || peer == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	/*
	 * libsodium returns -1 exactly when the peer's point has small order or
	 * the result is all zero (RFC 7748 6.1: the check a client must make).
	 */
	if (crypto_scalarmult_curve25519(shared, priv, peer) != 0 || sodium_is_zero(shared, 32)) {
		sodium_memzero(shared, 32);
		return SSHTUN_ERR_KEX_FAILED;
	}
	return 0;
}
#endif

#if SSHTUN_SODIUM_LEAN
/*
 * Static libsodium only (util/features.h, SSHTUN_SODIUM_LEAN): embedded/build.sh links with
 * -Wl,--wrap=ge25519_scalarmult_base, which sends libsodium's own calls of its fixed-base multiplication here.
 * crypto_scalarmult_curve25519 reaches its code through a table of function pointers that also holds
 * crypto_scalarmult_curve25519_ref10_base, so --gc-sections alone would keep ge25519_scalarmult_base and its
 * 30 KB table, although with SSHTUN_SMALL_CODE nothing of sshtun's calls it. Should something call it all the
 * same, the result is still right: a times B by the variable-base multiplication (constant time, as the original),
 * which crypto_scalarmult_ed25519 links anyway. libsodium's hidden functions are declared here as its
 * src/libsodium/include/sodium/private/ed25519_ref10.h (1.0.18) has them; the point, a ge25519_p3, is four field
 * elements of 40 bytes in either of its representations (5 x 64 or 10 x 32 bits): 160 bytes, kept in a buffer
 * with room to spare. The names are the ones the linker's --wrap and libsodium require.
 */
struct cry_ge25519_p3;
void __wrap_ge25519_scalarmult_base(struct cry_ge25519_p3 *h, const unsigned char *a);
int ge25519_frombytes(struct cry_ge25519_p3 *h, const unsigned char *s);
void ge25519_scalarmult(struct cry_ge25519_p3 *h, const unsigned char *a, const struct cry_ge25519_p3 *p);

void __wrap_ge25519_scalarmult_base(struct cry_ge25519_p3 *h, const unsigned char *a)
{
	/* B (RFC 8032 5.1: y = 4/5, x positive), encoded; a valid point, so ge25519_frombytes cannot refuse it. */
	static const uint8_t base[32] = {
		0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	};
	uint64_t b[64];

	(void)ge25519_frombytes((struct cry_ge25519_p3 *)b, base);
	ge25519_scalarmult(h, a, (const struct cry_ge25519_p3 *)b);
}
#endif
