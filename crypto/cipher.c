/* sshtun: the table of packet ciphers and lookup by SSH name. */
#include <string.h>

#include "crypto/cipher.h"

/*
 * Our order of preference (as OpenSSH's default): chacha20-poly1305 first, as
 * it is constant-time without AES hardware; then the AES-GCM pair; then AES-CTR,
 * which needs a MAC beside it. The AEAD ciphers keep their indexes (the fuzzing
 * harnesses and recorded seeds name ciphers by index).
 */
const struct cry_cipher *const cry_ciphers[] = {
	&cry_chachapoly,
#if SSHTUN_AESGCM
	&cry_aes128gcm,
	&cry_aes256gcm,
#endif
#if SSHTUN_CTR
	&cry_aes128ctr,
	&cry_aes192ctr,
	&cry_aes256ctr,
#endif
	NULL,
};

const struct cry_cipher *cry_cipher_find(const char *name, size_t n)
{
	size_t i;

	if (name == NULL) {
		return NULL;
	}
	for (i = 0; cry_ciphers[i] != NULL; i++) {
		const char *cn = cry_ciphers[i]->name;

		if (strlen(cn) == n && memcmp(cn, name, n) == 0) {
			return cry_ciphers[i];
		}
	}
	return NULL;
}
