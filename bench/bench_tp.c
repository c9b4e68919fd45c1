/* sshtun: the transport's own cost per packet, in process: frames sealed by one transport and opened by another. */
/*
 * One transport sends COUNT CHANNEL_DATA-sized packets (tp_send_begin/tp_send_end: reserve, pad, seal in
 * place) and a second, keyed to match, takes them in and decodes them (tp_input, tp_poll: length, MAC, open,
 * the state filter). No sockets, no device: what is left is the transport's work per packet. Meant for
 * `valgrind --tool=callgrind`, whose instruction counts do not depend on what else the machine is doing;
 * it also prints packets per CPU second.
 * usage: bench_tp [count [payload-bytes [cipher [mac]]]]   (default 20000, 1400, aes128-gcm@openssh.com; a
 * cipher that is not an AEAD, aes128-ctr, needs a mac: hmac-sha2-256-etm@openssh.com, umac-64-etm@openssh.com, ...)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "transport/tp_int.h"

static struct tp *keyed(const struct cry_cipher *c, const struct cry_mac *mac, int sender)
{
	static const uint8_t key[CRY_KEY_MAX] = { 1, 2, 3 }, iv[CRY_IV_MAX] = { 4, 5, 6 }, mkey[CRY_MAC_KEY_MAX] = { 7 };
	struct tp_config cfg;
	struct tp *tp;

	memset(&cfg, 0, sizeof(cfg));
	tp = tp_new(&cfg);
	if (!tp) {
		return NULL;
	}
	tp->state = TP_RUN;
	tp->first_kex_done = 1;
	tp->rekey_limit = 1ULL << 40;
	if (tp_dir_set(sender ? &tp->tx : &tp->rx, c, key, iv, mac, mkey, sender) != 0) {
		tp_free(tp);
		return NULL;
	}
	return tp;
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 20000;
	size_t len = argc > 2 ? (size_t)atol(argv[2]) : 1400;
	const char *name = argc > 3 ? argv[3] : "aes128-gcm@openssh.com";
	const char *mname = argc > 4 ? argv[4] : NULL;
	const struct cry_cipher *c = cry_cipher_find(name, strlen(name));
	const struct cry_mac *mac = mname ? cry_mac_find(mname, strlen(mname)) : NULL;
	struct tp *tx, *rx;
	struct tp_msg m;
	const uint8_t *out = NULL;
	long got = 0;
	struct timespec t0, t1;

	if (!c || count <= 0 || len < 1 || len > TP_MAX_PAYLOAD_OUT || (mname && !mac) || (c->crypt && !mac)) {
		fprintf(stderr, "usage: bench_tp [count [payload-bytes (1-%d) [cipher [mac]]]]\n", TP_MAX_PAYLOAD_OUT);
		return 2;
	}
	tx = keyed(c, mac, 1);
	rx = keyed(c, mac, 0);
	if (!tx || !rx) {
		return 1;
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	for (long i = 0; i < count; i++) {
		uint8_t *p = tp_send_begin(tx, len);
		size_t n;

		if (!p) {
			return 1;
		}
		memset(p, 0, len);
		p[0] = SSH_MSG_CHANNEL_DATA;
		if (tp_send_end(tx, len) != 0) {
			return 1;
		}
		n = tp_output(tx, &out);
		if (tp_input(rx, out, n) != 0) {
			return 1;
		}
		tp_output_consume(tx, n);
		while (tp_poll(rx, &m) == 1) {
			got++;
		}
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%s%s%s, %zu-byte payloads: %ld sent and received, %.0f packets per CPU second\n", c->name,
		c->crypt ? " + " : "", c->crypt ? mac->name : "", len, got,
		secs > 0 ? (double)count / secs : 0.0);
	tp_free(tx);
	tp_free(rx);
	return got == count ? 0 : 1;
}
