/* sshtun: what a gather seal would save when a TCP super-packet is split into datagrams (ARCHITECTURE.md). */
/*
 * The data path splits each super-packet read from tun with one pass that copies a segment's payload into
 * its SSH packet and sums its checksum (cs_copy), then seals the packet in place with AES-128-GCM. The
 * alternative measured here sums the payload where it lies and encrypts it out of place into the packet
 * (three cipher updates: headers in place, payload from the read buffer, padding in place). Both run over
 * 64 KB super-packets cut into segments of the given size; prints GB of payload per CPU second of each.
 * usage: bench_split [segment-bytes [seconds-per-case]]   (default 15948, the payload at MTU 16000, and 2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tun/tcpip.h"
#include "util/features.h"

/* It measures libcrypto's AES-GCM: a build without libcrypto says so and stops. */
#if SSHTUN_OPENSSL
#include <openssl/evp.h>

enum { SUPER = 65000, HDRS = 4 + 1 + 13 + 52, PAD = 8, TAG = 16 };

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Splits and seals one super-packet; gather = 0 as the data path does it, 1 out of place. */
static uint64_t split(EVP_CIPHER_CTX *e, const uint8_t *src, uint8_t *out, size_t seg, int gather)
{
	static const uint8_t iv[12] = { 2 };
	uint8_t tag[TAG];
	uint64_t sum = 0;
	int n;

	for (size_t off = 0; off + seg <= SUPER; off += seg) {
		size_t len = HDRS + seg + PAD;

		EVP_EncryptInit_ex(e, NULL, NULL, NULL, iv);
		EVP_EncryptUpdate(e, NULL, &n, out, 4);
		if (!gather) {
			sum += cs_copy(0, out + HDRS, src + off, seg);
			EVP_EncryptUpdate(e, out + 4, &n, out + 4, (int)(len - 4));
		} else {
			sum += cs_copy(0, NULL, src + off, seg);
			EVP_EncryptUpdate(e, out + 4, &n, out + 4, HDRS - 4);
			EVP_EncryptUpdate(e, out + HDRS, &n, src + off, (int)seg);
			EVP_EncryptUpdate(e, out + HDRS + seg, &n, out + HDRS + seg, PAD);
		}
		EVP_EncryptFinal_ex(e, tag, &n);
		EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_GCM_GET_TAG, TAG, tag);
		out += len + TAG;
	}
	return sum;
}

int main(int argc, char **argv)
{
	static uint8_t src[SUPER], out[2 * SUPER];
	static const uint8_t key[16] = { 1 };
	size_t seg = argc > 1 ? strtoul(argv[1], NULL, 10) : 15948;
	double secs = argc > 2 ? atof(argv[2]) : 2;
	EVP_CIPHER_CTX *e = EVP_CIPHER_CTX_new();
	volatile uint64_t sink = 0;

	if (seg < 64 || seg > SUPER || secs <= 0) {
		fprintf(stderr, "usage: bench_split [segment-bytes (64-%d) [seconds-per-case]]\n", SUPER);
		return 2;
	}
	if (!e || EVP_EncryptInit_ex(e, EVP_aes_128_gcm(), NULL, key, NULL) != 1) {
		fprintf(stderr, "bench_split: libcrypto has no AES-128-GCM\n");
		return 1;
	}
	memset(src, 7, sizeof(src));
	for (int gather = 0; gather < 2; gather++) {
		double t0 = cpu_now(), t;
		unsigned long runs = 0;

		do {
			for (int i = 0; i < 64; i++, runs++) {
				sink += split(e, src, out, seg, gather);
			}
		} while ((t = cpu_now() - t0) < secs);
		printf("%-32s segments of %zu bytes: %.2f GB/s\n", gather ? "checksum, then seal out of place:" :
			"copy+checksum, then seal in place:", seg, (double)runs * (double)(SUPER / seg * seg) / t / 1e9);
	}
	EVP_CIPHER_CTX_free(e);
	return (int)(sink & 0);
}

#else

int main(void)
{
	printf("bench_split measures libcrypto's AES-128-GCM: this build has none (configure --without-openssl)\n");
	return 0;
}

#endif
