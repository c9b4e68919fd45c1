/* sshtun: benchmark of the packet ciphers as the data path uses them (seal/open in place). */
/*
 * Seals (and opens) whole SSH packets in place, one after another, sizes as at MTU 1500 and 16000, and
 * prints MB of packet bytes per second of this thread's CPU time: other work on the machine slows the
 * run down but hardly changes the figures (the clock is read once per batch, not per packet).
 * usage: bench_cipher [seconds-per-case [cipher-name [offset]]]   (a name limits the run to that cipher;
 * offset 0-63 puts the packets that many bytes past a 64-byte boundary, to see whether alignment matters)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/cipher.h"
#include "crypto/crypto.h"

/* Open is timed over batches of packets sealed beforehand, a POOL of bytes at a time (in L2). */
enum { MAXLEN = 16048, POOL = 16 * MAXLEN, MAXBATCH = POOL / 1024 };

/* CPU seconds used by this thread. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A packet of len bytes whose packet_length field says so. */
static void make_pkt(uint8_t *pkt, size_t len)
{
	memset(pkt, 0xab, len);
	pkt[0] = 0;
	pkt[1] = (uint8_t)((len - 4) >> 16);
	pkt[2] = (uint8_t)((len - 4) >> 8);
	pkt[3] = (uint8_t)(len - 4);
}

/* MB/s of seal for secs of CPU time. */
static double run_seal(const struct cry_cipher *c, void *enc, uint8_t *pkt, size_t len, double secs)
{
	uint8_t tag[CRY_TAG_MAX];
	unsigned long n = 0;
	double t0 = cpu_now(), t1;

	make_pkt(pkt, len);
	do {
		for (int k = 0; k < 256; k++, n++) {
			c->seal(enc, (uint32_t)n, pkt, len, tag);
		}
		t1 = cpu_now();
	} while (t1 - t0 < secs);
	return (double)n * (double)len / (t1 - t0) / 1e6;
}

/* MB/s of open for secs of CPU time: a batch is sealed (not timed), then opened (timed). Negative on failure. */
static double run_open(const struct cry_cipher *c, void *enc, void *dec, uint8_t *pkts, size_t len, double secs)
{
	static uint8_t tags[MAXBATCH][CRY_TAG_MAX];
	size_t batch = POOL / len;
	unsigned long n = 0;
	double topen = 0;

	if (batch > MAXBATCH) {
		batch = MAXBATCH;
	}
	do {
		for (size_t k = 0; k < batch; k++) {
			make_pkt(pkts + k * len, len);
			c->seal(enc, (uint32_t)(n + k), pkts + k * len, len, tags[k]);
		}
		double a = cpu_now();
		for (size_t k = 0; k < batch; k++, n++) {
			if (c->open(dec, (uint32_t)n, pkts + k * len, len, tags[k]) != 0) {
				return -1;
			}
		}
		topen += cpu_now() - a;
	} while (topen < secs);
	return (double)n * (double)len / topen / 1e6;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	const char *only = argc > 2 && strcmp(argv[2], "all") != 0 ? argv[2] : NULL;
	char *end = NULL;
	unsigned long off = argc > 3 ? strtoul(argv[3], &end, 10) : 0;
	static const size_t sizes[] = { 1536, MAXLEN };
	_Alignas(16) uint8_t enc[CRY_CIPHER_CTX_MAX], dec[CRY_CIPHER_CTX_MAX];
	uint8_t key[CRY_KEY_MAX], iv[CRY_IV_MAX];
	uint8_t *base = aligned_alloc(64, POOL + 64);
	uint8_t *pkts = base;

	if (off > 63 || (end != NULL && (end == argv[3] || *end != '\0'))) {
		fprintf(stderr, "bench_cipher: the offset must be a number from 0 to 63, not '%s'\n", argv[3]);
		free(base);
		return 2;
	}
	if (base == NULL || cry_init() != 0) {
		free(base);
		return 1;
	}
	pkts = base + off;
	cry_random(key, sizeof(key));
	cry_random(iv, sizeof(iv));
	printf("%-32s %8s %12s %12s\n", "cipher", "packet", "seal MB/s", "open MB/s");
	for (size_t i = 0; cry_ciphers[i]; i++) {
		const struct cry_cipher *c = cry_ciphers[i];

		if (only != NULL && strcmp(only, c->name) != 0) {
			continue;
		}
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			size_t len = sizes[s];
			double mb_seal, mb_open;

			memset(enc, 0, sizeof(enc));
			c->init(enc, key, iv, 1);
			mb_seal = run_seal(c, enc, pkts, len, secs);
			/* Open what we seal: a fresh pair of contexts, so the tags verify. */
			c->cleanup(enc);
			memset(enc, 0, sizeof(enc));
			memset(dec, 0, sizeof(dec));
			c->init(enc, key, iv, 1);
			c->init(dec, key, iv, 0);
			mb_open = run_open(c, enc, dec, pkts, len, secs);
			c->cleanup(enc);
			c->cleanup(dec);
			if (mb_open < 0) {
				fprintf(stderr, "%s: open failed\n", c->name);
				free(base);
				return 1;
			}
			printf("%-32s %8zu %12.0f %12.0f\n", c->name, len, mb_seal, mb_open);
		}
	}
	free(base);
	return 0;
}
