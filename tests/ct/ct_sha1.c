/*
 * sshtun: constant-time check of crypto/sha1.c, run under valgrind --error-exitcode=1 (tests/ct-check.sh). In a
 * build without libcrypto it computes HMAC-SHA1 for hashed known_hosts names, where the host name, which the
 * hashing exists to hide, is the message (and an HMAC key passes through it the same way). The message is marked
 * undefined, every length from 0 to 130 bytes (one, two and three blocks, the padding's edges): memcheck reports
 * any branch or memory index computed from it. The digest is marked defined only to compare it with a second run.
 */
#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "crypto/sha1.h"

int main(void)
{
	uint8_t m[130], a[CRY_SHA1_LEN], b[CRY_SHA1_LEN];

	for (size_t n = 0; n <= sizeof(m); n++) {
		struct cry_sha1 s;

		for (size_t i = 0; i < sizeof(m); i++) {
			m[i] = (uint8_t)(i * 29 + n);
		}
		VALGRIND_MAKE_MEM_UNDEFINED(m, sizeof(m));
		cry_sha1_init(&s);
		cry_sha1_update(&s, m, n / 2);
		cry_sha1_update(&s, m + n / 2, n - n / 2);
		cry_sha1_final(&s, a);
		VALGRIND_MAKE_MEM_DEFINED(m, sizeof(m));
		VALGRIND_MAKE_MEM_DEFINED(a, sizeof(a));
		cry_sha1_init(&s);
		cry_sha1_update(&s, m, n);
		cry_sha1_final(&s, b);
		if (memcmp(a, b, sizeof(a)) != 0) {
			return 1;
		}
	}
	printf("SHA-1 of secret messages of 0 to %zu bytes, in two pieces\n", sizeof(m));
	return 0;
}
