/*
 * sshtun: constant-time check of crypto/aes_ct.c (the AES-CTR for key files in a build without libcrypto), run
 * under valgrind --error-exitcode=1 (tests/ct-check.sh). The key, the counter block and the text are marked
 * undefined: memcheck then reports any branch or memory address computed from them (an S-box table would be
 * one). The output is marked defined only once it is compared with a second run's at the end.
 */
#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "util/features.h"
#include "crypto/crypto.h"

#if SSHTUN_KEY_ENCRYPTED

int main(void)
{
	static const size_t keylens[] = { 16, 24, 32 };
	uint8_t key[32], iv[16], a[100], b[100];

	for (size_t k = 0; k < sizeof(keylens) / sizeof(keylens[0]); k++) {
		for (size_t i = 0; i < sizeof(key); i++) {
			key[i] = (uint8_t)(i * 7 + k);
		}
		memset(iv, 0xfe, sizeof(iv));	/* counters that carry through every byte */
		memset(a, 0x33, sizeof(a));
		memcpy(b, a, sizeof(b));
		VALGRIND_MAKE_MEM_UNDEFINED(key, sizeof(key));
		VALGRIND_MAKE_MEM_UNDEFINED(iv, sizeof(iv));
		VALGRIND_MAKE_MEM_UNDEFINED(a, sizeof(a));
		if (cry_aes_ct_ctr(key, keylens[k], iv, a, sizeof(a)) != 0) {
			return 1;
		}
		VALGRIND_MAKE_MEM_DEFINED(key, sizeof(key));
		VALGRIND_MAKE_MEM_DEFINED(iv, sizeof(iv));
		VALGRIND_MAKE_MEM_DEFINED(a, sizeof(a));
		if (cry_aes_ct_ctr(key, keylens[k], iv, b, sizeof(b)) != 0 || memcmp(a, b, sizeof(a)) != 0) {
			return 1;
		}
	}
	printf("AES-128/192/256-CTR over %zu bytes, key, counter and text secret\n", sizeof(a));
	return 0;
}

#else

int main(void)
{
	printf("ct_aes: SSHTUN_KEY_ENCRYPTED is 0 in this build (crypto/aes_ct.c left out): nothing to check\n");
	return 0;
}

#endif
