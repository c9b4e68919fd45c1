/* sshtun: key derivation from passphrases (for passphrase-protected private key files). */
#ifndef CRYPTO_KDF_H
#define CRYPTO_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "util/features.h"

/* Passphrase-protected key files only: left out with them (SSHTUN_KEY_ENCRYPTED 0). */
#if SSHTUN_KEY_ENCRYPTED
/* The limits cry_bcrypt_pbkdf accepts (OpenBSD's bcrypt_pbkdf(3) has the same). */
enum { CRY_BCRYPT_SALT_MAX = 1 << 20, CRY_BCRYPT_KEY_MAX = 1024 };

/*
 * bcrypt-pbkdf (as OpenSSH's key files use): derives keylen bytes from pass and salt over rounds rounds.
 * Returns 0, or SSHTUN_ERR_INVAL for rounds == 0, saltlen == 0 or > CRY_BCRYPT_SALT_MAX, keylen == 0 or
 * > CRY_BCRYPT_KEY_MAX, a NULL salt or key, or a NULL pass with passlen != 0 (key untouched); an empty
 * passphrase is allowed. If SHA-512 fails (SSHTUN_ERR_CRYPTO, SSHTUN_ERR_NOMEM) key is zeroed. The time
 * grows with rounds times ceil(keylen / 32): OpenSSH's default of 16 rounds for 48 bytes (aes256-ctr key
 * and IV) takes about 0.1-0.2 s.
 */
int cry_bcrypt_pbkdf(const char *pass, size_t passlen, const uint8_t *salt, size_t saltlen, uint8_t *key, size_t keylen,
		     unsigned rounds);
#endif

#endif
