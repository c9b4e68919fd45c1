/* sshtun: Ed25519 signatures (RFC 8032) over libsodium. */
#include <sodium.h>

#include "config.h"
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

int cry_ed25519_sign(uint8_t sig[64], const uint8_t sk[64], const void *msg, size_t len)
{
	if (sig == NULL || sk == NULL || (msg == NULL && len != 0)) {
		return SSHTUN_ERR_INVAL;
	}
	if (msg == NULL) {
		msg = ed_empty;
	}
	if (crypto_sign_detached(sig, NULL, msg, len, sk) != 0) {
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
	if (crypto_sign_seed_keypair(pk, sk, seed) != 0) {
		sodium_memzero(sk, 64);
		sodium_memzero(pk, 32);
		return SSHTUN_ERR_CRYPTO;
	}
	return 0;
}
