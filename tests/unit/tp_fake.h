/* sshtun: test helpers that drive the transport in memory, in its plaintext state. */
#ifndef TESTS_TP_FAKE_H
#define TESTS_TP_FAKE_H

#include <stdlib.h>
#include <string.h>

#include "transport/tp_int.h"

/* A transport that believes its first key exchange is done, with no cipher: tests read and write plaintext packets. */
static inline struct tp *fake_tp_ready(const struct lg *log)
{
	struct tp_config cfg;
	struct tp *tp;

	memset(&cfg, 0, sizeof(cfg));
	cfg.log = log;
	tp = tp_new(&cfg);
	if (tp) {
		tp->state = TP_RUN;
		tp->first_kex_done = 1;
		tp->rekey_limit = 1ULL << 40;
		strcpy(tp->server_version, "SSH-2.0-Fake");
	}
	return tp;
}

/* Frames payload as a plaintext packet (block 8, padding >= 4) into out; returns the length. */
static inline size_t fake_frame(uint8_t *out, const void *payload, size_t len)
{
	size_t pad = 8 - ((5 + len) % 8);

	if (pad < 4) {
		pad += 8;
	}
	wire_poke_u32(out, (uint32_t)(1 + len + pad));
	out[4] = (uint8_t)pad;
	memcpy(out + 5, payload, len);
	memset(out + 5 + len, 0, pad);
	return 5 + len + pad;
}

/* Feeds one plaintext packet to the transport. */
static inline int fake_feed(struct tp *tp, const void *payload, size_t len)
{
	uint8_t *buf = malloc(len + 32);
	size_t n = fake_frame(buf, payload, len);
	int r = tp_input(tp, buf, n);

	free(buf);
	return r;
}

/* Takes the next plaintext packet the transport sent; copies its payload into out. Returns its length, 0 if none. */
static inline size_t fake_take(struct tp *tp, uint8_t *out, size_t outlen)
{
	const uint8_t *p = NULL;
	size_t avail = tp_output(tp, &p), plen, n;

	if (avail < 5) {
		return 0;
	}
	plen = wire_peek_u32(p);
	if (avail < 4 + plen || p[4] + 1 > (int)plen) {
		return 0;
	}
	n = plen - 1 - p[4];
	if (n > outlen) {
		n = outlen;
	}
	memcpy(out, p + 5, n);
	tp_output_consume(tp, 4 + plen);
	return n;
}

#endif
