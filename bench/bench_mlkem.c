/*
 * sshtun: benchmark of ML-KEM-768: microseconds of CPU per keypair, encaps and decaps, for the in-tree code
 * (crypto/mlkem768.c) and, when the libcrypto loaded has it (OpenSSL 3.5), libcrypto's (crypto/mlkem_ossl.c); and
 * the cost of the path choice the key exchange's calls make each time.
 */
/*
 * Each operation runs in a loop for a given CPU time (this thread's, so other work on the machine hardly
 * changes the figures). Measure a build without sanitizers (./configure without --enable-sanitizers).
 * usage: bench_mlkem [seconds-per-operation]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "util/features.h"
#if SSHTUN_OPENSSL
#include <openssl/crypto.h>
#endif
#include "crypto/crypto.h"
#include "crypto/mlkem.h"

#if SSHTUN_MLKEM

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum { OP_KEYPAIR, OP_ENCAPS, OP_DECAPS, OP_CHOOSE };

struct impl {
	const char *name;
	int (*keypair)(uint8_t *, uint8_t *);
	int (*keypair_derand)(uint8_t *, uint8_t *, const uint8_t *, const uint8_t *);
	int (*encaps)(uint8_t *, uint8_t *, const uint8_t *);
	int (*encaps_derand)(uint8_t *, uint8_t *, const uint8_t *, const uint8_t *);
	int (*decaps)(uint8_t *, const uint8_t *, const uint8_t *);
};

static const struct impl impls[] = {
	{ "in-tree", cry_mlkem768_intree_keypair, cry_mlkem768_intree_keypair_derand, cry_mlkem768_intree_encaps,
		cry_mlkem768_intree_encaps_derand, cry_mlkem768_intree_decaps },
#if SSHTUN_OPENSSL
	{ "libcrypto", cry_mlkem768_ossl_keypair, cry_mlkem768_ossl_keypair_derand, cry_mlkem768_ossl_encaps,
		cry_mlkem768_ossl_encaps_derand, cry_mlkem768_ossl_decaps },
#endif
};

/* Microseconds per call of op with im over secs of CPU time; the clock is read every 16 calls. */
static double run(const struct impl *im, int op, double secs)
{
	static uint8_t pk[CRY_MLKEM768_PK_LEN], sk[CRY_MLKEM768_SK_LEN], ct[CRY_MLKEM768_CT_LEN];
	uint8_t ss[CRY_MLKEM_SS_LEN], seed[32] = { 7 };
	double start, now;
	long n = 0;

	if (im->keypair(pk, sk) != 0 || im->encaps(ct, ss, pk) != 0) {
		return -1;
	}
	start = cpu_now();
	do {
		for (int i = 0; i < 16; i++) {
			seed[0] = (uint8_t)n;
			/* The _derand functions: the OS generator's cost is not ML-KEM's. */
			if (op == OP_KEYPAIR) {
				im->keypair_derand(pk, sk, seed, seed);
			} else if (op == OP_ENCAPS) {
				im->encaps_derand(ct, ss, pk, seed);
			} else if (op == OP_DECAPS) {
				im->decaps(ss, ct, sk);
			} else {
				cry_mlkem768_uses_ossl();	/* the question each cry_mlkem768_* call asks */
			}
			n++;
		}
		now = cpu_now();
	} while (now - start < secs);
	return (now - start) * 1e6 / (double)n;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;

	if (cry_init() != 0) {
		return 1;
	}
#if SSHTUN_OPENSSL
	printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
#else
	printf("built without OpenSSL: the in-tree ML-KEM-768 alone\n");
#endif
	for (size_t i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
		if (i == 1 && !cry_mlkem768_ossl_available()) {
			printf("ML-KEM-768 %-9s: not in this libcrypto\n", impls[i].name);
			continue;
		}
		printf("ML-KEM-768 %-9s, us of CPU per call: keypair %.1f  encaps %.1f  decaps %.1f\n", impls[i].name,
			run(&impls[i], OP_KEYPAIR, secs), run(&impls[i], OP_ENCAPS, secs), run(&impls[i], OP_DECAPS, secs));
	}
	printf("the path choice of each call (%s now): %.2f us\n",
		cry_mlkem768_uses_ossl() ? "libcrypto" : "in-tree", run(&impls[0], OP_CHOOSE, secs));
	return 0;
}

#else

int main(void)
{
	printf("SSHTUN_MLKEM is 0 in this build\n");
	return 0;
}

#endif
