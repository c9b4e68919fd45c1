/* sshtun: the tun@openssh.com channel (PROTOCOL 2.3): open, and one frame per CHANNEL_DATA. */
#include <string.h>

#include "channel/chan_int.h"
#include "sshtun_err.h"

/* Linux's AF_INET6 is 10; OpenBSD's, which the protocol uses, is 24. Both are read, 24 is sent. */
enum { LINUX_AF_INET6 = 10 };

int chan_tun_open(struct chan_tab *t, int mode, uint32_t unit, struct chan **out)
{
	struct chan *c = chan_alloc(t, CH_TUN);
	uint8_t extra[8];
	int r;

	if (!c) {
		return SSHTUN_ERR_LIMIT;
	}
	if (mode != CH_TUN_POINTOPOINT && mode != CH_TUN_ETHERNET) {
		c->state = CH_FREE;
		return SSHTUN_ERR_INVAL;
	}
	c->tun_mode = mode;
	wire_poke_u32(extra, (uint32_t)mode);	/* PROTOCOL 2.3: the tunnel mode and the remote unit */
	wire_poke_u32(extra + 4, unit);
	if ((r = chan_send_open(t, c, "tun@openssh.com", extra, sizeof(extra))) != 0) {
		return r;
	}
	*out = c;
	return 0;
}

/* Checks that a frame from the server is what its header claims (WireGuard's dishonest_packet_size idea). */
static int frame_ok(int mode, uint32_t af, const uint8_t *p, size_t n)
{
	if (mode == CH_TUN_ETHERNET) {
		return n >= 14 && n <= TUN_MAX_FRAME;
	}
	if (n < 1 || n > TUN_MAX_FRAME) {
		return 0;
	}
	if (af == SSH_TUN_AF_INET) {
		return (p[0] >> 4) == 4 && n >= 20 && (size_t)((p[2] << 8) | p[3]) <= n;
	}
	if (af == SSH_TUN_AF_INET6 || af == LINUX_AF_INET6) {
		return (p[0] >> 4) == 6 && n >= 40 && (size_t)((p[4] << 8) | p[5]) + 40 <= n;
	}
	return 0;
}

int chan_tun_unframe(int mode, const uint8_t *data, size_t len, const uint8_t **frame, size_t *n)
{
	struct wire_r r;
	struct wire_view body;
	uint32_t af = 0;

	wire_r_init(&r, data, len);
	if (mode == CH_TUN_POINTOPOINT) {
		wire_get_u32(&r, &af);
	}
	wire_get_raw(&r, wire_left(&r), &body);
	if (wire_end(&r) != 0 || !frame_ok(mode, af, body.p, body.n)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	*frame = body.p;
	*n = body.n;
	return 0;
}

static size_t headroom(const struct chan *c)
{
	return c->tun_mode == CH_TUN_POINTOPOINT ? CH_TUN_HEADROOM : CH_TUN_HEADROOM - 4;
}

uint8_t *chan_tun_begin(struct chan_tab *t, struct chan *c, size_t max)
{
	uint8_t *p;

	if (c->state != CH_OPEN || c->sent_close) {
		return NULL;
	}
	p = tp_send_begin(t->tp, headroom(c) + max);
	return p ? p + headroom(c) : NULL;
}

int chan_tun_end(struct chan_tab *t, struct chan *c, size_t n)
{
	size_t hr = headroom(c);
	size_t datalen = hr - 9 + n;	/* the string: address family (L3) plus frame */
	uint8_t *p = NULL;
	uint32_t af = 0;

	/* tp_send_begin's pointer: recompute it from the frame pointer we handed out. */
	p = tp_send_open_ptr(t->tp);
	if (!p) {
		return SSHTUN_ERR_STATE;
	}
	if (c->tun_mode == CH_TUN_POINTOPOINT) {
		uint8_t v = n ? p[hr] >> 4 : 0;
		af = v == 4 ? SSH_TUN_AF_INET : v == 6 ? SSH_TUN_AF_INET6 : 0;
	}
	if (n == 0 || (c->tun_mode == CH_TUN_POINTOPOINT && af == 0)) {
		c->drop_bad++;
		return tp_send_cancel(t->tp);
	}
	if (datalen > c->remote_window || datalen > c->remote_maxpkt) {
		/* A datagram is never split: over the window or the server's packet limit it is dropped. */
		if (datalen > c->remote_maxpkt) {
			c->drop_size++;
		} else {
			c->drop_window++;
		}
		return tp_send_cancel(t->tp);
	}
	p[0] = SSH_MSG_CHANNEL_DATA;
	wire_poke_u32(p + 1, c->remote_id);
	wire_poke_u32(p + 5, (uint32_t)datalen);
	if (c->tun_mode == CH_TUN_POINTOPOINT) {
		wire_poke_u32(p + 9, af);
	}
	c->remote_window -= datalen;
	c->tx_frames++;
	c->tx_bytes += n;
	return tp_send_end(t->tp, hr + n);
}

int chan_tun_send(struct chan_tab *t, struct chan *c, const uint8_t *frame, size_t n)
{
	uint8_t *p = chan_tun_begin(t, c, n);

	if (!p) {
		return SSHTUN_ERR_LIMIT;
	}
	memcpy(p, frame, n);
	return chan_tun_end(t, c, n);
}
