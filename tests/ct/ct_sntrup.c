/*
 * sshtun: constant-time check of crypto/sntrup761.c, run under valgrind --error-exitcode=1 (tests/ct-check.sh).
 * Secrets are marked undefined: the random bytes keypair and enc draw (so g, f, 1/g, r and all that follows),
 * and the whole secret key given to dec. memcheck then reports any branch or memory address that depends on
 * them ("Conditional jump or move depends on uninitialised value"). Public outputs (pk, ct) are marked defined
 * as they leave, and the keys only once they are compared at the end.
 *
 * The implementation is included rather than linked so that its one allowed leak, whether a candidate g was
 * invertible mod 3 (that g is then discarded), can be declared public through SNTRUP_DECLASSIFY.
 * By hand: gcc -O2 -g -I. -Iinclude tests/ct/ct_sntrup.c crypto/hash.c crypto/util.c -lcrypto -lsodium, then
 * valgrind --error-exitcode=1 ./a.out (clang: add -gdwarf-4, which valgrind 3.19 can read). Checked clean with
 * gcc and clang at -O0 to -O3 and -Os; a deliberate branch on a coefficient of r in decrypt is reported.
 */
#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

#define SNTRUP_DECLASSIFY(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#include "crypto/sntrup761.c"

#if SSHTUN_SNTRUP

struct ct_state {
	uint64_t x;
	int words;	/* draws of p words: candidates g, f and r */
};

/* Deterministic bytes (splitmix64), returned as undefined: they are the secrets' source. */
static void ct_rng(void *ud, void *buf, size_t n)
{
	struct ct_state *st = ud;
	uint8_t *p = buf;

	for (size_t i = 0; i < n; i++) {
		uint64_t z = (st->x += 0x9e3779b97f4a7c15u);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
		p[i] = (uint8_t)(z ^ (z >> 31));
	}
	/*
	 * Almost every small g is invertible mod 3 (not one of NIST's 100 KAT counts redraws), so the first
	 * candidate is made g = 0 (every word 2^29: coefficient floor(3 * 2^29 / 2^30) - 1 = 0) to run the redraw.
	 */
	if (n == 4 * SN_P && st->words++ == 0) {
		for (size_t i = 0; i < n; i++) {
			p[i] = (uint8_t)(i % 4 == 3 ? 0x20 : 0);
		}
	}
	VALGRIND_MAKE_MEM_UNDEFINED(buf, n);
}

static int ct_round(struct ct_state *state)
{
	static uint8_t pk[CRY_SNTRUP761_PK_LEN], sk[CRY_SNTRUP761_SK_LEN], ct[CRY_SNTRUP761_CT_LEN];
	uint8_t ss[CRY_SNTRUP761_SS_LEN], ss2[CRY_SNTRUP761_SS_LEN], ss3[CRY_SNTRUP761_SS_LEN];

	if (cry_sntrup761_keypair_rng(pk, sk, ct_rng, state) != 0) {
		return -1;
	}
	VALGRIND_MAKE_MEM_DEFINED(pk, sizeof(pk));
	if (cry_sntrup761_enc_rng(ct, ss, pk, ct_rng, state) != 0) {
		return -1;
	}
	VALGRIND_MAKE_MEM_DEFINED(ct, sizeof(ct));
	VALGRIND_MAKE_MEM_UNDEFINED(sk, sizeof(sk));
	if (cry_sntrup761_dec(ss2, ct, sk) != 0) {
		return -1;
	}
	/* The rejection path too: a ciphertext that does not re-encrypt. */
	ct[100] ^= 0x10;
	if (cry_sntrup761_dec(ss3, ct, sk) != 0) {
		return -1;
	}
	VALGRIND_MAKE_MEM_DEFINED(ss, sizeof(ss));
	VALGRIND_MAKE_MEM_DEFINED(ss2, sizeof(ss2));
	VALGRIND_MAKE_MEM_DEFINED(ss3, sizeof(ss3));
	if (memcmp(ss, ss2, sizeof(ss)) != 0 || memcmp(ss, ss3, sizeof(ss)) == 0) {
		return -1;
	}
	return 0;
}

int main(void)
{
	struct ct_state state = { 761, 0 };

	if (cry_init() != 0) {
		fprintf(stderr, "ct_sntrup: cry_init failed\n");
		return 1;
	}
	/* Three key pairs, the first after a rejected g. */
	for (int i = 0; i < 3; i++) {
		if (ct_round(&state) != 0) {
			fprintf(stderr, "ct_sntrup: round %d failed\n", i);
			return 1;
		}
	}
	/* Each round draws f and r once and g at least once. */
	if (state.words <= 3 * 3) {
		fprintf(stderr, "ct_sntrup: no candidate g was rejected\n");
		return 1;
	}
	printf("ct_sntrup: 3 key pairs (%d candidates g), enc, dec accepting and rejecting, on undefined secrets\n",
		state.words - 2 * 3);
	return 0;
}

#else

int main(void)
{
	return 0;
}

#endif
