/*
 * sshtun: fuzz an established session: the transport filter, EXT_INFO, DISCONNECT, rekeying started by the
 * server and the channel layer, with a tun channel being opened.
 *
 * Input: fuzz/sshmsg.h records. A message record is sealed by fuzz/server.h under fixed keys (so every message
 * passes the MAC check and reaches the parsers); a raw record goes in as socket bytes as it is. Flags: bits
 * 0-1 pick the cipher; bit 3 a tap (Ethernet) tunnel; bit 4 the harness confirms the channel itself (else the
 * input must, as the recorded corpus does); bit 5 a session channel (TunnelConfigCommand's) is open as channel 1
 * with an exec sent, so stdout, stderr, EOF, exit-status and request replies reach the channel layer; bit 6 a
 * direct-tcpip channel (a jump host's) is open as the next channel, a chunk of the stream sent on it and its
 * window given back after every message, as the relay does once bytes are passed on.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "channel/channel.h"
#include "fuzz/server.h"
#include "util/features.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
SSHMSG_USE_MUTATOR()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[CRY_KEY_MAX] = { 1, 2, 3 }, iv[CRY_IV_MAX] = { 4, 5, 6 };
	static struct fz_server srv;
	uint8_t confirm[17] = { SSH_MSG_CHANNEL_OPEN_CONFIRMATION };
	const struct cry_cipher *ciph;
	struct sshmsg_iter it;
	struct tp_config cfg;
	struct chan_tab t;
	struct chan *c = NULL, *d = NULL;
	struct tp *tp;
	struct tp_msg m;
	const uint8_t *p = NULL, *out = NULL;
	size_t len = 0;
	int raw = 0, r = 0;
	unsigned records = 0;
	uint8_t flags = sshmsg_begin(&it, data, size);

	ciph = cry_ciphers[(flags & 3) % 3];
	memset(&cfg, 0, sizeof(cfg));
	tp = tp_new(&cfg);
	if (!tp) {
		return 0;
	}
	tp->state = TP_RUN;
	tp->first_kex_done = 1;
	tp->kex_count = 1;	/* as after a real first exchange with OpenSSH: strict kex, a session id */
	tp->strict = 1;
	tp->session_id_len = 32;
	memset(tp->session_id, 7, 32);
	tp->rekey_limit = 1ULL << 40;
	strcpy(tp->server_version, "SSH-2.0-OpenSSH_9.2p1");
	tp_dir_set(&tp->rx, ciph, key, iv, NULL, NULL, 0);
	fz_server_init(&srv);
	tp_dir_set(&srv.d, ciph, key, iv, NULL, NULL, 1);
	chan_init(&t, tp, fz_chan_events(), NULL, NULL);
	chan_tun_open(&t, flags & 8 ? CH_TUN_ETHERNET : CH_TUN_POINTOPOINT, CH_TUN_ANY, &c);
	if (flags & 16) {
		wire_poke_u32(confirm + 5, 7);
		wire_poke_u32(confirm + 9, 1 << 20);
		wire_poke_u32(confirm + 13, 32768);
		chan_handle(&t, &(struct tp_msg){ confirm[0], confirm, sizeof(confirm) });
	}
	if (flags & 32) {
		/* TunnelConfigCommand's session as channel 1, open and its command sent: the input plays its output. */
		struct chan *s = NULL;

		if (chan_session_open(&t, &s) == 0) {
			wire_poke_u32(confirm + 1, s->local_id);
			wire_poke_u32(confirm + 5, 8);
			wire_poke_u32(confirm + 9, 1 << 20);
			wire_poke_u32(confirm + 13, 32768);
			chan_handle(&t, &(struct tp_msg){ confirm[0], confirm, sizeof(confirm) });
			chan_exec(&t, s, "sshtun-server");
		}
	}
	if (SSHTUN_JUMP && (flags & 64)) {
		/* A jump host's direct-tcpip channel (none in a build without ProxyJump): the input plays the stream. */
		size_t max = 1000;
		uint8_t *q;

#if SSHTUN_JUMP
		if (chan_direct_open(&t, "198.18.90.2", 22, 1 << 16, &d) == 0) {
			wire_poke_u32(confirm + 1, d->local_id);
			wire_poke_u32(confirm + 5, 9);
			wire_poke_u32(confirm + 9, 1 << 16);
			wire_poke_u32(confirm + 13, 16384);
			chan_handle(&t, &(struct tp_msg){ confirm[0], confirm, sizeof(confirm) });
			if ((q = chan_stream_begin(&t, d, &max)) != NULL) {
				memset(q, 'x', max);
				chan_stream_end(&t, d, max);
			}
		}
#else
		(void)max;
		(void)d;
		(void)q;
#endif
	}
	while (r >= 0 && sshmsg_next(&it, &p, &len, &raw)) {
		records++;
		r = raw ? tp_input(tp, p, len) : fz_server_send(&srv, tp, p, len);
		while (r >= 0 && (r = tp_poll(tp, &m)) == 1) {
			uint8_t *copy = m.type >= 80 ? fz_exact(&m) : NULL;
			r = copy ? chan_handle(&t, &m) : -1;
			free(copy);
			if (r >= 0 && d && d->state == CH_OPEN) {
				r = chan_stream_consumed(&t, d, d->window_size - d->local_window - d->local_consumed);
			}
		}
		tp_output_consume(tp, tp_output(tp, &out));
	}
	fz_show("session", records, (unsigned)(size - it.off), tp, 1, c, r);
	fz_server_free(&srv);
	tp_free(tp);
	return 0;
}
