/* sshtun: direct-tcpip channels (RFC 4254 7.2): a TCP stream the server opens to a host and port for us (ProxyJump). */
#include <string.h>

#include "channel/chan_int.h"
#include "sshtun_err.h"
#include "util/features.h"

/* Only ProxyJump opens them: a build without it (SSHTUN_JUMP=0) has none. */
#if SSHTUN_JUMP

enum { HOST_MAX = 255, STREAM_HEADROOM = 1 + 4 + 4 };	/* type, channel, string length */

int chan_direct_open(struct chan_tab *t, const char *host, uint32_t port, uint32_t window, struct chan **out)
{
	static const char origin[] = "127.0.0.1";	/* as ssh -W says: the stream starts in this process */
	uint8_t extra[4 + HOST_MAX + 4 + 4 + sizeof(origin) + 4];
	struct wire_w w;
	struct chan *c;
	int r;

	if (strlen(host) > HOST_MAX || port == 0 || port > 65535 || window < 2 * CHAN_MAX_PACKET) {
		return SSHTUN_ERR_INVAL;
	}
	if (!(c = chan_alloc(t, CH_DIRECT))) {
		return SSHTUN_ERR_LIMIT;
	}
	c->local_window = c->window_size = window;
	wire_w_init_fixed(&w, extra, sizeof(extra));
	wire_put_cstring(&w, host);
	wire_put_u32(&w, port);
	wire_put_cstring(&w, origin);
	wire_put_u32(&w, 0);
	if (wire_w_err(&w)) {
		c->state = CH_FREE;
		return wire_w_err(&w);
	}
	if ((r = chan_send_open(t, c, "direct-tcpip", extra, w.len)) != 0) {
		return r;
	}
	*out = c;
	return 0;
}

uint8_t *chan_stream_begin(struct chan_tab *t, struct chan *c, size_t *max)
{
	size_t n = *max;
	uint8_t *p;

	if (c->state != CH_OPEN || c->sent_eof || c->sent_close) {
		return NULL;
	}
	if (n > c->remote_window) {
		n = (size_t)c->remote_window;
	}
	if (n > c->remote_maxpkt) {
		n = c->remote_maxpkt;
	}
	if (n > CHAN_MAX_PACKET) {
		n = CHAN_MAX_PACKET;
	}
	if (n == 0 || !(p = tp_send_begin(t->tp, STREAM_HEADROOM + n))) {
		return NULL;
	}
	*max = n;
	return p + STREAM_HEADROOM;
}

int chan_stream_end(struct chan_tab *t, struct chan *c, size_t n)
{
	uint8_t *p = tp_send_open_ptr(t->tp);

	if (!p) {
		return SSHTUN_ERR_STATE;
	}
	if (n == 0 || n > c->remote_window) {
		return tp_send_cancel(t->tp);
	}
	p[0] = SSH_MSG_CHANNEL_DATA;
	wire_poke_u32(p + 1, c->remote_id);
	wire_poke_u32(p + 5, (uint32_t)n);
	c->remote_window -= n;
	c->tx_bytes += n;
	return tp_send_end(t->tp, STREAM_HEADROOM + n);
}
#endif /* SSHTUN_JUMP */
