/*
 * sshtun: libFuzzer target for compressed payloads (transport/comp.c): what the server's zlib stream may hold.
 * The input is records, each a 2-byte big-endian length and that many bytes: each record is one packet's
 * payload as received, inflated on one stream (history carries over, as across packets) into a buffer of the
 * transport's limit, 256 KiB. An input that inflates past it must be refused with SSHTUN_ERR_LIMIT, not written
 * past the buffer (a "zip bomb" is stopped at the packet limit); garbage with SSHTUN_ERR_PROTOCOL, after which the
 * stream is dead and the harness stops, as the transport would. Each record is also compressed on a stream of
 * ours and inflated on another: it must come back the same.
 *
 * Seeds: SSHTUN_FUZZ_COMP_SEEDS=DIR build/fuzz/fuzz_comp writes streams compressed here (text, zeros past the
 * limit, random bytes, many small packets) and exits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshtun_err.h"
#include "transport/comp.h"
#include "util/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { LIMIT = TP_MAX_PACKET_IN, ROUND_MAX = 4096 };

static uint8_t *out, *mid, *back;

static int buffers(void)
{
	if (!out) {
		out = malloc(LIMIT);
		mid = malloc(ROUND_MAX + 128);
		back = malloc(ROUND_MAX);
	}
	return out && mid && back;
}

/* Our compressor and a second inflater: every record of up to ROUND_MAX bytes survives a round trip. */
static void round_trip(struct tp_zstream *c, struct tp_zstream *d, const uint8_t *p, size_t n)
{
	size_t zn = 0, bn = 0;

	if (n > ROUND_MAX) {
		return;
	}
	if (tp_z_run(c, p, n, mid, ROUND_MAX + 128, &zn) != 0 || tp_z_run(d, mid, zn, back, ROUND_MAX, &bn) != 0 ||
	    bn != n || memcmp(back, p, n) != 0) {
		abort();
	}
}

static void write_seed(const char *dir, const char *name, const uint8_t *const *pkts, const size_t *lens, size_t count)
{
	struct tp_zstream c = { 0 };
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || tp_z_start(&c, 0) != 0) {
		exit(1);
	}
	for (size_t i = 0; i < count; i++) {
		size_t zn = 0;
		static uint8_t z[70000];

		if (tp_z_run(&c, pkts[i], lens[i], z, sizeof(z), &zn) != 0) {
			exit(1);
		}
		fputc((int)(zn >> 8), f);
		fputc((int)(zn & 0xff), f);
		fwrite(z, 1, zn, f);
	}
	tp_z_end(&c);
	fclose(f);
}

/* The seeds, written by the harness itself so that they are what the transport's compressor makes. */
static void seeds(const char *dir)
{
	static uint8_t zeros[LIMIT + 4096], text[3000], rnd[1500];
	static const char msg[] = "\\x5e\\x00\\x00\\x00\\x00 the same words again and again, ";
	const uint8_t *p[8];
	size_t l[8];

	for (size_t i = 0; i < sizeof(text); i++) {
		text[i] = (uint8_t)msg[i % (sizeof(msg) - 1)];
	}
	for (size_t i = 0; i < sizeof(rnd); i++) {
		rnd[i] = (uint8_t)(i * 2654435761u >> 13);
	}
	p[0] = text, l[0] = sizeof(text);
	p[1] = text, l[1] = 40;
	p[2] = rnd, l[2] = sizeof(rnd);
	write_seed(dir, "seed-packets", p, l, 3);
	p[0] = zeros, l[0] = sizeof(zeros);
	write_seed(dir, "seed-bomb", p, l, 1);
	p[0] = zeros, l[0] = LIMIT;
	write_seed(dir, "seed-at-limit", p, l, 1);
	for (int i = 0; i < 8; i++) {
		p[i] = text + i * 7;
		l[i] = 1 + (size_t)i * 3;
	}
	write_seed(dir, "seed-small", p, l, 8);
	exit(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tp_zstream in = { 0 }, c = { 0 }, d = { 0 };
	size_t pos = 0;
	const char *dir = getenv("SSHTUN_FUZZ_COMP_SEEDS");

	if (dir) {
		seeds(dir);
	}
	if (!buffers() || tp_z_start(&in, 1) != 0 || tp_z_start(&c, 0) != 0 || tp_z_start(&d, 1) != 0) {
		abort();
	}
	while (pos + 2 <= size) {
		size_t n = (size_t)data[pos] << 8 | data[pos + 1], on = 0;
		int r;

		pos += 2;
		if (n > size - pos) {
			n = size - pos;
		}
		round_trip(&c, &d, data + pos, n);
		r = tp_z_run(&in, data + pos, n, out, LIMIT, &on);
		if (r != 0 && r != SSHTUN_ERR_LIMIT && r != SSHTUN_ERR_PROTOCOL) {
			abort();
		}
		if (r != 0) {
			break;	/* the transport closes the connection: the stream is not used again */
		}
		if (on > LIMIT) {
			abort();
		}
		pos += n;
	}
	tp_z_end(&in);
	tp_z_end(&c);
	tp_z_end(&d);
	return 0;
}
