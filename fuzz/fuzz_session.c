/* sshtun: fuzz an established session: harness-sealed packets into the transport filter and the channel layer. */
/*
 * sshtun: fuzz an established session: the input is split into messages, each
 * sealed by the harness under known keys, so the decoder's checks pass and every
 * message reaches the transport filter, EXT_INFO, DISCONNECT and the channel layer
 * (with an open tun channel). Byte 0 picks the cipher.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "channel/channel.h"
#include "transport/tp_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void nop_frame(void *ud, struct chan *c, const uint8_t *p, size_t n)
{
	(void)ud;
	(void)c;
	if (n > 0 && p[0] == 0 && p[n - 1] == 0xff) {
		return;	/* touch the frame so ASan checks its bounds */
	}
}

static const struct chan_events EV = { NULL, NULL, nop_frame, NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[CRY_KEY_MAX] = { 1, 2, 3 }, iv[CRY_IV_MAX] = { 4, 5, 6 };
	struct tp_config cfg;
	struct tp_dir server;
	struct chan_tab t;
	struct chan *c = NULL;
	struct tp *tp;
	struct tp_msg m;
	uint8_t buf[4096 + 64], confirm[17] = { SSH_MSG_CHANNEL_OPEN_CONFIRMATION };
	const uint8_t *out = NULL;
	const struct cry_cipher *ciph;
	size_t off = 1;
	int r = 0;

	if (size < 1) {
		return 0;
	}
	ciph = cry_ciphers[data[0] % 3];
	memset(&cfg, 0, sizeof(cfg));
	memset(&server, 0, sizeof(server));
	tp = tp_new(&cfg);
	if (!tp) {
		return 0;
	}
	tp->state = TP_RUN;
	tp->first_kex_done = 1;
	tp->rekey_limit = 1ULL << 40;
	tp_dir_set(&tp->rx, ciph, key, iv, 0);
	tp_dir_set(&server, ciph, key, iv, 1);
	chan_init(&t, tp, &EV, NULL, NULL);
	chan_tun_open(&t, (data[0] & 8) ? CH_TUN_ETHERNET : CH_TUN_POINTOPOINT, CH_TUN_ANY, &c);
	wire_poke_u32(confirm + 5, 7);
	wire_poke_u32(confirm + 9, 1 << 20);
	wire_poke_u32(confirm + 13, 32768);
	chan_handle(&t, &(struct tp_msg){ confirm[0], confirm, sizeof(confirm) });
	while (off + 2 <= size && r >= 0) {
		size_t len = ((size_t)data[off] << 8 | data[off + 1]) % 4096, pad;
		off += 2;
		if (len > size - off) {
			len = size - off;
		}
		if (len == 0) {
			break;
		}
		/* Frame and seal as a server would. */
		pad = ciph->block_size - ((1 + len) % ciph->block_size);
		if (pad < 4) {
			pad += ciph->block_size;
		}
		wire_poke_u32(buf, (uint32_t)(1 + len + pad));
		buf[4] = (uint8_t)pad;
		memcpy(buf + 5, data + off, len);
		memset(buf + 5 + len, 0, pad);
		off += len;
		if (ciph->seal(server.ctx, server.seq++, buf, 5 + len + pad, buf + 5 + len + pad) != 0) {
			break;
		}
		tp_input(tp, buf, 5 + len + pad + ciph->tag_len);
		while ((r = tp_poll(tp, &m)) == 1) {
			if (m.type >= 80 && (r = chan_handle(&t, &m)) < 0) {
				break;
			}
		}
		tp_output_consume(tp, tp_output(tp, &out));
	}
	tp_dir_clear(&server);
	tp_free(tp);
	return 0;
}
