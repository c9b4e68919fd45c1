/* sshtun: one-shot AES over a whole buffer (AES-CTR, AES-GCM open), through libcrypto: for key files, not packets. */
#include "util/features.h"

/*
 * libcrypto's AES. A build without it decrypts aes*-ctr key files with crypto/aes_ct.c (slow, constant time,
 * enough for a key file) and has no AES-GCM: aes*-gcm@openssh.com key files are refused. Only passphrase-protected
 * key files use any of it: none is built without them (SSHTUN_KEY_ENCRYPTED 0).
 */
#if SSHTUN_OPENSSL && SSHTUN_KEY_ENCRYPTED
#include <openssl/evp.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"

static const EVP_CIPHER *aes_cipher(size_t keylen, int gcm)
{
	switch (keylen) {
	case 16:
		return gcm ? EVP_aes_128_gcm() : EVP_aes_128_ctr();
	case 24:
		return gcm ? EVP_aes_192_gcm() : EVP_aes_192_ctr();
	case 32:
		return gcm ? EVP_aes_256_gcm() : EVP_aes_256_ctr();
	default:
		return NULL;
	}
}

int cry_aes_ctr(const uint8_t *key, size_t keylen, const uint8_t iv[16], uint8_t *buf, size_t n)
{
	const EVP_CIPHER *c = aes_cipher(keylen, 0);
	EVP_CIPHER_CTX *ctx;
	int out = 0, fin = 0, ok;

	if (!c || !key || !iv || (!buf && n) || n > (size_t)INT32_MAX) {
		return SSHTUN_ERR_INVAL;
	}
	if (n == 0) {
		return 0;
	}
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx) {
		return SSHTUN_ERR_NOMEM;
	}
	ok = EVP_EncryptInit_ex(ctx, c, NULL, key, iv) == 1 && EVP_EncryptUpdate(ctx, buf, &out, buf, (int)n) == 1 &&
	     EVP_EncryptFinal_ex(ctx, buf + out, &fin) == 1 && (size_t)(out + fin) == n;
	EVP_CIPHER_CTX_free(ctx);	/* cleanses the key schedule */
	return ok ? 0 : SSHTUN_ERR_CRYPTO;
}

int cry_aes_gcm_open(const uint8_t *key, size_t keylen, const uint8_t iv[12], uint8_t *buf, size_t n, const uint8_t tag[16])
{
	const EVP_CIPHER *c = aes_cipher(keylen, 1);
	EVP_CIPHER_CTX *ctx;
	int out = 0, fin = 0, ok;

	if (!c || !key || !iv || !tag || (!buf && n) || n > (size_t)INT32_MAX) {
		return SSHTUN_ERR_INVAL;
	}
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx) {
		return SSHTUN_ERR_NOMEM;
	}
	ok = EVP_DecryptInit_ex(ctx, c, NULL, NULL, NULL) == 1 && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	     EVP_DecryptInit_ex(ctx, NULL, NULL, key, iv) == 1 &&
	     (n == 0 || EVP_DecryptUpdate(ctx, buf, &out, buf, (int)n) == 1) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag) == 1;
	/* The tag is checked at Final; on a mismatch nothing decrypted may be used. */
	if (ok && EVP_DecryptFinal_ex(ctx, buf + out, &fin) != 1) {
		cry_wipe(buf, n);
		EVP_CIPHER_CTX_free(ctx);
		return SSHTUN_ERR_MAC;
	}
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : SSHTUN_ERR_CRYPTO;
}

#elif SSHTUN_KEY_ENCRYPTED

#include "crypto/crypto.h"

int cry_aes_ctr(const uint8_t *key, size_t keylen, const uint8_t iv[16], uint8_t *buf, size_t n)
{
	return cry_aes_ct_ctr(key, keylen, iv, buf, n);
}

#endif
