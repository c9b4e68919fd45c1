/* sshtun: X25519 Diffie-Hellman (RFC 7748) over libsodium. */
#include <sodium.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"

int cry_x25519_keypair(uint8_t priv[32], uint8_t pub[32])
{
	if (priv == NULL || pub == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	randombytes_buf(priv, 32);
	/* Fails only if the clamped scalar gives the identity, which clamping rules out. */
	if (crypto_scalarmult_curve25519_base(pub, priv) != 0) {
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
