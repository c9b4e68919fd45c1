/* sshtun: benchmark of ML-KEM-768 (crypto/mlkem768.c): microseconds of CPU per keypair, encaps and decaps. */
/*
 * Each operation runs in a loop for a given CPU time (this thread's, so other work on the machine hardly
 * changes the figures). Measure a build without sanitizers (./configure without --enable-sanitizers).
 * usage: bench_mlkem [seconds-per-operation]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "util/features.h"
#include "crypto/crypto.h"
#include "crypto/mlkem.h"

#if SSHTUN_MLKEM

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum { OP_KEYPAIR, OP_ENCAPS, OP_DECAPS };

/* Microseconds per call of op over secs of CPU time; the clock is read every 16 calls. */
static double run(int op, double secs)
{
	static uint8_t pk[CRY_MLKEM768_PK_LEN], sk[CRY_MLKEM768_SK_LEN], ct[CRY_MLKEM768_CT_LEN];
	uint8_t ss[CRY_MLKEM_SS_LEN], seed[32] = { 7 };
	double start, now;
	long n = 0;

	if (cry_mlkem768_keypair(pk, sk) != 0 || cry_mlkem768_encaps(ct, ss, pk) != 0) {
		return -1;
	}
	start = cpu_now();
	do {
		for (int i = 0; i < 16; i++) {
			seed[0] = (uint8_t)n;
			/* The _derand functions: the OS generator's cost is not ML-KEM's. */
			if (op == OP_KEYPAIR) {
				cry_mlkem768_keypair_derand(pk, sk, seed, seed);
			} else if (op == OP_ENCAPS) {
				cry_mlkem768_encaps_derand(ct, ss, pk, seed);
			} else {
				cry_mlkem768_decaps(ss, ct, sk);
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
	printf("ML-KEM-768, us of CPU per call: keypair %.1f  encaps %.1f  decaps %.1f\n", run(OP_KEYPAIR, secs),
		run(OP_ENCAPS, secs), run(OP_DECAPS, secs));
	return 0;
}

#else

int main(void)
{
	printf("SSHTUN_MLKEM is 0 in this build\n");
	return 0;
}

#endif
