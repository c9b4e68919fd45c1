/*
 * sshtun: constant-time check of the smallest build's Ed25519 scalar arithmetic (crypto/ed25519.c with
 * SSHTUN_SMALL_CODE: S = k*a + r mod L by a multiplication of our own, then libsodium's reduction), run under
 * valgrind --error-exitcode=1 (tests/ct-check.sh). `make ct`'s library is built as configured, normally without
 * the switch, so the file is compiled in here with it on. k, the secret scalar a and the nonce r are marked
 * undefined: memcheck reports any branch or memory index computed from them. The result is marked defined only to
 * compare it with libsodium's crypto_core_ed25519_scalar_mul and _add.
 */
#define SSHTUN_SMALL_CODE 1
#include "crypto/ed25519.c"

#include <stdio.h>

#include <valgrind/memcheck.h>

int main(void)
{
	uint8_t h[64], a[32], k[32], r[32], s[32], wide[64], ared[32], ka[32], want[32];

	if (sodium_init() < 0) {
		return 1;
	}
	for (int n = 0; n < 64; n++) {
		for (int i = 0; i < 64; i++) {
			h[i] = (uint8_t)(i * 37 + n * 11 + 1);
		}
		for (int i = 0; i < 32; i++) {
			k[i] = (uint8_t)(i * 91 + n * 7 + 3);
			r[i] = (uint8_t)(i * 53 + n * 13 + 5);
		}
		k[31] &= 0x1f;	/* k and r as ed_sign has them: reduced mod L, so below 2^253 */
		r[31] &= 0x1f;
		ed_clamp(a, h);
		VALGRIND_MAKE_MEM_UNDEFINED(k, sizeof(k));
		VALGRIND_MAKE_MEM_UNDEFINED(a, sizeof(a));
		VALGRIND_MAKE_MEM_UNDEFINED(r, sizeof(r));
		ed_muladd(s, k, a, r);
		VALGRIND_MAKE_MEM_DEFINED(s, sizeof(s));
		VALGRIND_MAKE_MEM_DEFINED(k, sizeof(k));
		VALGRIND_MAKE_MEM_DEFINED(a, sizeof(a));
		VALGRIND_MAKE_MEM_DEFINED(r, sizeof(r));
		memset(wide, 0, sizeof(wide));
		memcpy(wide, a, sizeof(a));
		crypto_core_ed25519_scalar_reduce(ared, wide);
		crypto_core_ed25519_scalar_mul(ka, k, ared);
		crypto_core_ed25519_scalar_add(want, ka, r);
		if (memcmp(s, want, sizeof(s)) != 0) {
			fprintf(stderr, "S differs from libsodium's for triple %d\n", n);
			return 1;
		}
	}
	printf("S = k*a + r mod L for 64 secret triples, as libsodium computes it\n");
	return 0;
}
