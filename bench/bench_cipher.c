/* sshtun: benchmark of the packet ciphers as the data path uses them (seal/open in place). */
/*
 * Seals (and opens) whole SSH packets in place, one after another, sizes as at MTU 1500 and 16000, and
 * prints MB of packet bytes per second of this thread's CPU time: other work on the machine slows the
 * run down but hardly changes the figures (the clock is read once per batch, not per packet).
 * usage: bench_cipher [seconds-per-case [cipher-name [offset]]]   (a name limits the run to that cipher;
 * offset 0-63 puts the packets that many bytes past a 64-byte boundary, to see whether alignment matters)
 * A cipher that needs a MAC (aes*-ctr) runs with hmac-sha2-256-etm and umac-64-etm, encrypt-then-MAC as the
 * packet layer does it: seal encrypts all but the length and MACs the packet, open checks and decrypts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/cipher.h"
#include "crypto/crypto.h"
#include "crypto/mac.h"

/*
 * What is timed: an AEAD cipher's seal and open, or a CTR cipher with a MAC (-etm framing). enc and dec are the
 * two directions' cipher contexts, menc and mdec their MAC contexts.
 */
struct bench {
	const struct cry_cipher *c;
	const struct cry_mac *m;	/* NULL for an AEAD cipher */
	void *enc, *dec, *menc, *mdec;
};

static int b_seal(const struct bench *b, uint32_t seq, uint8_t *pkt, size_t len, uint8_t *tag)
{
	if (!b->m) {
		return b->c->seal(b->enc, seq, pkt, len, tag);
	}
	return b->c->crypt(b->enc, pkt + 4, len - 4) || b->m->compute(b->menc, seq, pkt, len, tag) ? -1 : 0;
}

static int b_open(const struct bench *b, uint32_t seq, uint8_t *pkt, size_t len, const uint8_t *tag)
{
	if (!b->m) {
		return b->c->open(b->dec, seq, pkt, len, tag);
	}
	return cry_mac_verify(b->m, b->mdec, seq, pkt, len, tag) || b->c->crypt(b->dec, pkt + 4, len - 4) ? -1 : 0;
}

/* Fresh contexts for both directions under the same keys (the MAC key is the cipher key's first bytes). */
static void b_init(struct bench *b, const uint8_t *key, const uint8_t *iv)
{
	memset(b->enc, 0, CRY_CIPHER_CTX_MAX);
	memset(b->dec, 0, CRY_CIPHER_CTX_MAX);
	b->c->init(b->enc, key, iv, 1);
	b->c->init(b->dec, key, iv, 0);
	if (b->m) {
		memset(b->menc, 0, CRY_MAC_CTX_MAX);
		memset(b->mdec, 0, CRY_MAC_CTX_MAX);
		b->m->init(b->menc, key);
		b->m->init(b->mdec, key);
	}
}

static void b_cleanup(struct bench *b)
{
	b->c->cleanup(b->enc);
	b->c->cleanup(b->dec);
	if (b->m) {
		b->m->cleanup(b->menc);
		b->m->cleanup(b->mdec);
	}
}

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
static double run_seal(const struct bench *b, uint8_t *pkt, size_t len, double secs)
{
	uint8_t tag[CRY_MAC_TAG_MAX];
	unsigned long n = 0;
	double t0 = cpu_now(), t1;

	make_pkt(pkt, len);
	do {
		for (int k = 0; k < 256; k++, n++) {
			b_seal(b, (uint32_t)n, pkt, len, tag);
		}
		t1 = cpu_now();
	} while (t1 - t0 < secs);
	return (double)n * (double)len / (t1 - t0) / 1e6;
}

/* MB/s of open for secs of CPU time: a batch is sealed (not timed), then opened (timed). Negative on failure. */
static double run_open(const struct bench *b, uint8_t *pkts, size_t len, double secs)
{
	static uint8_t tags[MAXBATCH][CRY_MAC_TAG_MAX];
	size_t batch = POOL / len;
	unsigned long n = 0;
	double topen = 0;

	if (batch > MAXBATCH) {
		batch = MAXBATCH;
	}
	do {
		for (size_t k = 0; k < batch; k++) {
			make_pkt(pkts + k * len, len);
			b_seal(b, (uint32_t)(n + k), pkts + k * len, len, tags[k]);
		}
		double a = cpu_now();
		for (size_t k = 0; k < batch; k++, n++) {
			if (b_open(b, (uint32_t)n, pkts + k * len, len, tags[k]) != 0) {
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
	_Alignas(16) uint8_t menc[CRY_MAC_CTX_MAX], mdec[CRY_MAC_CTX_MAX];
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
	printf("%-46s %8s %12s %12s\n", "cipher", "packet", "seal MB/s", "open MB/s");
	for (size_t i = 0; cry_ciphers[i]; i++) {
		const struct cry_cipher *c = cry_ciphers[i];
		/* An AEAD cipher alone; a CTR cipher with each of two MACs. */
#if SSHTUN_CTR
		const struct cry_mac *const ctr_macs[] = { &cry_hmac_sha256_etm,
#if SSHTUN_UMAC
			&cry_umac64_etm,
#endif
		};
#else
		/* No aes*-ctr (no libcrypto): no MAC either. */
		const struct cry_mac *const ctr_macs[] = { NULL };
#endif
		size_t nm = c->crypt ? sizeof(ctr_macs) / sizeof(ctr_macs[0]) : 1;

		if (only != NULL && strcmp(only, c->name) != 0) {
			continue;
		}
		for (size_t mi = 0; mi < nm; mi++) {
			struct bench b = { c, c->crypt ? ctr_macs[mi] : NULL, enc, dec, menc, mdec };
			char label[96];

			snprintf(label, sizeof(label), "%s%s%s", c->name, b.m ? "+" : "", b.m ? b.m->name : "");
			for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
				size_t len = sizes[s];
				double mb_seal, mb_open;

				b_init(&b, key, iv);
				mb_seal = run_seal(&b, pkts, len, secs);
				/* Open what we seal: a fresh pair of contexts, so the tags verify. */
				b_cleanup(&b);
				b_init(&b, key, iv);
				mb_open = run_open(&b, pkts, len, secs);
				b_cleanup(&b);
				if (mb_open < 0) {
					fprintf(stderr, "%s: open failed\n", label);
					free(base);
					return 1;
				}
				printf("%-46s %8zu %12.0f %12.0f\n", label, len, mb_seal, mb_open);
			}
		}
	}
	free(base);
	return 0;
}
