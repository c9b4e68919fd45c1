/* sshtun: benchmark of the packet ciphers as the data path uses them (seal/open in place). */
/*
 * sshtun: the packet ciphers' speed as the data path uses them: seal (and open) of whole SSH packets in
 * place, one after another, sizes as at MTU 1500 and 16000. Prints MB/s of packet bytes per second on one core.
 * usage: bench_cipher [seconds-per-case]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/cipher.h"
#include "crypto/crypto.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	static const size_t sizes[] = { 1536, 16048 };
	_Alignas(16) uint8_t enc[CRY_CIPHER_CTX_MAX], dec[CRY_CIPHER_CTX_MAX];
	uint8_t key[CRY_KEY_MAX], iv[CRY_IV_MAX], tag[CRY_TAG_MAX];
	static uint8_t pkt[16048 + 64];

	cry_init();
	cry_random(key, sizeof(key));
	cry_random(iv, sizeof(iv));
	printf("%-32s %8s %12s %12s\n", "cipher", "packet", "seal MB/s", "open MB/s");
	for (size_t i = 0; cry_ciphers[i]; i++) {
		const struct cry_cipher *c = cry_ciphers[i];

		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			size_t len = sizes[s];
			double t0, t1, mb_seal, mb_open;
			unsigned long n = 0;

			memset(enc, 0, sizeof(enc));
			memset(dec, 0, sizeof(dec));
			c->init(enc, key, iv, 1);
			c->init(dec, key, iv, 0);
			memset(pkt, 0xab, len);
			t0 = now();
			do {
				for (int k = 0; k < 256; k++, n++) {
					c->seal(enc, (uint32_t)n, pkt, len, tag);
				}
				t1 = now();
			} while (t1 - t0 < secs);
			mb_seal = (double)n * (double)len / (t1 - t0) / 1e6;
			/* Open what we seal: seal under a fresh context, then open, so the tag verifies. */
			c->cleanup(enc);
			memset(enc, 0, sizeof(enc));
			c->init(enc, key, iv, 1);
			n = 0;
			double topen = 0;
			t0 = now();
			do {
				for (int k = 0; k < 256; k++, n++) {
					memset(pkt, 0xab, len);
					pkt[0] = 0;
					pkt[1] = (uint8_t)((len - 4) >> 16);
					pkt[2] = (uint8_t)((len - 4) >> 8);
					pkt[3] = (uint8_t)(len - 4);
					c->seal(enc, (uint32_t)n, pkt, len, tag);
					double a = now();
					if (c->open(dec, (uint32_t)n, pkt, len, tag) != 0) {
						fprintf(stderr, "open failed\n");
						return 1;
					}
					topen += now() - a;
				}
				t1 = now();
			} while (t1 - t0 < secs);
			mb_open = (double)n * (double)len / topen / 1e6;
			printf("%-32s %8zu %12.0f %12.0f\n", c->name, len, mb_seal, mb_open);
			c->cleanup(enc);
			c->cleanup(dec);
		}
	}
	return 0;
}
