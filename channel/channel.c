/* sshtun: channel table, windows, open/close, global requests (RFC 4254 4-5). */
#include <string.h>

#include "channel/chan_int.h"
#include "sshtun_err.h"

void chan_init(struct chan_tab *t, struct tp *tp, const struct chan_events *ev, void *ud, const struct lg *log)
{
	memset(t, 0, sizeof(*t));
	t->tp = tp;
	t->ev = *ev;
	t->ud = ud;
	t->log = log;
	t->window = CHAN_WINDOW;
}

/* The channel our id names, or NULL if none is in use. */
static struct chan *lookup(struct chan_tab *t, uint32_t id)
{
	if (id >= CHAN_MAX_CHANNELS || t->ch[id].state == CH_FREE) {
		return NULL;
	}
	return &t->ch[id];
}

int chan_send_u32(struct chan_tab *t, uint8_t type, uint32_t a)
{
	uint8_t buf[5];

	buf[0] = type;
	wire_poke_u32(buf + 1, a);
	return tp_send(t->tp, buf, sizeof(buf));
}

int chan_close(struct chan_tab *t, struct chan *c)
{
	int r = 0;

	if (c->state == CH_OPEN && !c->sent_close) {
		c->sent_close = 1;
		if (!c->sent_eof) {
			c->sent_eof = 1;
			r = chan_send_u32(t, SSH_MSG_CHANNEL_EOF, c->remote_id);
		}
		if (r == 0) {
			r = chan_send_u32(t, SSH_MSG_CHANNEL_CLOSE, c->remote_id);
		}
	} else if (c->state == CH_OPENING) {
		c->sent_close = 1;	/* closed as soon as the server confirms */
	}
	return r;
}

int chan_keepalive(struct chan_tab *t)
{
	static const char name[] = "keepalive@openssh.com";
	uint8_t buf[64];
	struct wire_w w;

	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_GLOBAL_REQUEST);
	wire_put_cstring(&w, name);
	wire_put_bool(&w, 1);
	t->keepalives_sent++;
	return wire_w_err(&w) ? wire_w_err(&w) : tp_send(t->tp, buf, w.len);
}

static void release(struct chan_tab *t, struct chan *c)
{
	if (t->ev.closed) {
		t->ev.closed(t->ud, c);
	}
	c->state = CH_FREE;
}

static int on_confirm(struct chan_tab *t, struct wire_r *r)
{
	uint32_t id = 0, remote = 0, window = 0, maxpkt = 0;
	struct chan *c;

	wire_get_u32(r, &id);
	wire_get_u32(r, &remote);
	wire_get_u32(r, &window);
	wire_get_u32(r, &maxpkt);
	/* Type-specific data may follow; tun channels have none, so the rest is ignored. */
	if (wire_err(r) || !(c = lookup(t, id)) || c->state != CH_OPENING) {
		return SSHTUN_ERR_PROTOCOL;
	}
	c->remote_id = remote;
	c->remote_window = window;
	c->remote_maxpkt = maxpkt;
	c->state = CH_OPEN;
	LG_D1(t->log, "channel %u open (server window %u, max packet %u)", id, window, maxpkt);
	if (c->sent_close) {
		c->sent_close = 0;
		return chan_close(t, c);
	}
	if (t->ev.opened) {
		t->ev.opened(t->ud, c);
	}
	return 0;
}

static int on_open_failure(struct chan_tab *t, struct wire_r *r)
{
	uint32_t id = 0, code = 0;
	struct wire_view desc, lang;
	struct chan *c;

	wire_get_u32(r, &id);
	wire_get_u32(r, &code);
	wire_get_string(r, &desc);
	wire_get_string(r, &lang);
	if (wire_end(r) || !(c = lookup(t, id)) || c->state != CH_OPENING) {
		return SSHTUN_ERR_PROTOCOL;
	}
	c->fail_code = code;
	lg_sanitize(c->fail_msg, sizeof(c->fail_msg), desc.p, desc.n);
	c->state = CH_CLOSED;
	if (t->ev.open_failed) {
		t->ev.open_failed(t->ud, c);
	}
	c->state = CH_FREE;
	return 0;
}

/* Gives n bytes of window back, in one WINDOW_ADJUST once half the window is used (lazy). */
int chan_stream_consumed(struct chan_tab *t, struct chan *c, size_t n)
{
	c->local_consumed += (uint32_t)n;
	if (c->local_consumed >= c->window_size / 2 && !c->sent_close && c->state == CH_OPEN) {
		uint8_t buf[9];
		buf[0] = SSH_MSG_CHANNEL_WINDOW_ADJUST;
		wire_poke_u32(buf + 1, c->remote_id);
		wire_poke_u32(buf + 5, c->local_consumed);
		c->local_window += c->local_consumed;
		c->local_consumed = 0;
		return tp_send(t->tp, buf, sizeof(buf));
	}
	return 0;
}

/* n bytes of our window used by the server; a stream's user gives them back when passed on, others at once. */
static int consume_window(struct chan_tab *t, struct chan *c, size_t n)
{
	c->local_window -= (uint32_t)n;
	return c->type == CH_DIRECT ? 0 : chan_stream_consumed(t, c, n);
}

static int on_data(struct chan_tab *t, struct wire_r *r)
{
	uint32_t id = 0;
	struct wire_view data;
	struct chan *c;
	const uint8_t *frame = NULL;
	size_t n = 0;

	wire_get_u32(r, &id);
	wire_get_string(r, &data);
	if (wire_end(r) || !(c = lookup(t, id)) || c->state != CH_OPEN) {
		return SSHTUN_ERR_PROTOCOL;
	}
	if (data.n > c->local_window || data.n > CHAN_MAX_PACKET) {
		LG_E(t->log, "server overran channel %u's window or maximum packet", id);
		return SSHTUN_ERR_PROTOCOL;
	}
	if (c->type == CH_TUN && c->got_eof == 0) {
		if (chan_tun_unframe(c->tun_mode, data.p, data.n, &frame, &n) == 0) {
			c->rx_frames++;
			c->rx_bytes += n;
			if (t->ev.frame) {
				t->ev.frame(t->ud, c, frame, n);
			}
		} else {
			c->drop_bad++;
			LG_D2(t->log, "dropped a malformed frame on channel %u", id);
		}
	} else if ((c->type == CH_SESSION || c->type == CH_DIRECT) && !c->got_eof && t->ev.data) {
		t->ev.data(t->ud, c, 0, data.p, data.n);
	} else if (c->type == CH_DIRECT) {
		return chan_stream_consumed(t, c, data.n);	/* after EOF (a protocol slip): dropped, the window kept right */
	}
	return consume_window(t, c, data.n);
}

static int on_window_adjust(struct chan_tab *t, struct wire_r *r)
{
	uint32_t id = 0, add = 0;
	struct chan *c;

	wire_get_u32(r, &id);
	wire_get_u32(r, &add);
	if (wire_end(r) || !(c = lookup(t, id))) {
		return SSHTUN_ERR_PROTOCOL;
	}
	c->remote_window += add;
	if (c->remote_window > 0xffffffffULL) {
		return SSHTUN_ERR_PROTOCOL;	/* RFC 4254 5.2: the window may not exceed 2^32 - 1 */
	}
	return 0;
}

static int on_eof_close(struct chan_tab *t, uint8_t type, struct wire_r *r)
{
	uint32_t id = 0;
	struct chan *c;
	int e = 0;

	wire_get_u32(r, &id);
	if (wire_end(r) || !(c = lookup(t, id)) || c->state != CH_OPEN) {
		return SSHTUN_ERR_PROTOCOL;
	}
	if (type == SSH_MSG_CHANNEL_EOF) {
		if (!c->got_eof) {
			c->got_eof = 1;
			if ((c->type == CH_SESSION || c->type == CH_DIRECT) && t->ev.eof) {
				t->ev.eof(t->ud, c);
			}
		}
		return 0;
	}
	c->got_close = 1;
	if (!c->sent_close) {
		c->sent_close = 1;
		e = chan_send_u32(t, SSH_MSG_CHANNEL_CLOSE, c->remote_id);
	}
	LG_D1(t->log, "channel %u closed", id);
	release(t, c);
	return e;
}

/* Requests we do not serve are refused when the server wants a reply (RFC 4254 4, 5.4). */
static int on_request(struct chan_tab *t, uint8_t type, struct wire_r *r)
{
	uint32_t id = 0;
	struct wire_view name;
	int want = 0;
	struct chan *c = NULL;

	if (type == SSH_MSG_CHANNEL_REQUEST) {
		wire_get_u32(r, &id);
	}
	wire_get_string(r, &name);
	wire_get_bool(r, &want);
	if (wire_err(r)) {
		return SSHTUN_ERR_PROTOCOL;
	}
	if (type == SSH_MSG_CHANNEL_REQUEST && !(c = lookup(t, id))) {
		return SSHTUN_ERR_PROTOCOL;
	}
	LG_D2(t->log, "server request %.*s (reply %s)", (int)(name.n > 64 ? 64 : name.n), (const char *)name.p, want ? "yes" : "no");
	if (c && c->type == CH_SESSION) {
		return chan_session_request(t, c, &name, want, r);
	}
	if (!want) {
		return 0;
	}
	if (c) {
		return chan_send_u32(t, SSH_MSG_CHANNEL_FAILURE, c->remote_id);
	}
	uint8_t fail = SSH_MSG_REQUEST_FAILURE;
	return tp_send(t->tp, &fail, 1);
}

int chan_handle(struct chan_tab *t, const struct tp_msg *m)
{
	struct wire_r r;
	uint8_t type = 0;

	wire_r_init(&r, m->payload, m->len);
	wire_get_u8(&r, &type);
	switch (type) {
	case SSH_MSG_GLOBAL_REQUEST:
	case SSH_MSG_CHANNEL_REQUEST:
		return on_request(t, type, &r);
	case SSH_MSG_REQUEST_SUCCESS:
	case SSH_MSG_REQUEST_FAILURE:
		if (t->keepalives_answered == t->keepalives_sent) {
			return SSHTUN_ERR_PROTOCOL;
		}
		t->keepalives_answered++;
		return 0;
	case SSH_MSG_CHANNEL_SUCCESS:
	case SSH_MSG_CHANNEL_FAILURE: {
		uint32_t id = 0;
		struct chan *c;

		wire_get_u32(&r, &id);
		if (wire_end(&r) || !(c = lookup(t, id)) || c->state != CH_OPEN || c->requests_pending == 0) {
			return SSHTUN_ERR_PROTOCOL;	/* a reply to nothing we asked */
		}
		c->requests_pending--;
		if (t->ev.reply) {
			t->ev.reply(t->ud, c, type == SSH_MSG_CHANNEL_SUCCESS);
		}
		return 0;
	}
	case SSH_MSG_CHANNEL_OPEN_CONFIRMATION:
		return on_confirm(t, &r);
	case SSH_MSG_CHANNEL_OPEN_FAILURE:
		return on_open_failure(t, &r);
	case SSH_MSG_CHANNEL_WINDOW_ADJUST:
		return on_window_adjust(t, &r);
	case SSH_MSG_CHANNEL_DATA:
		return on_data(t, &r);
	case SSH_MSG_CHANNEL_EXTENDED_DATA: {
		/* A session's stderr goes to its user; on other channels the data is dropped, the window kept right. */
		uint32_t id = 0, code = 0;
		struct wire_view data;
		struct chan *c;

		wire_get_u32(&r, &id);
		wire_get_u32(&r, &code);
		wire_get_string(&r, &data);
		if (wire_end(&r) || !(c = lookup(t, id)) || c->state != CH_OPEN || data.n > c->local_window) {
			return SSHTUN_ERR_PROTOCOL;
		}
		if (c->type == CH_SESSION && code == 1 && !c->got_eof && t->ev.data) {
			t->ev.data(t->ud, c, 1, data.p, data.n);
		}
		c->local_window -= (uint32_t)data.n;
		return chan_stream_consumed(t, c, data.n);
	}
	case SSH_MSG_CHANNEL_EOF:
	case SSH_MSG_CHANNEL_CLOSE:
		return on_eof_close(t, type, &r);
	case SSH_MSG_CHANNEL_OPEN: {
		/* The server may not open channels to us: refuse (RFC 4254 5.1). */
		struct wire_view ctype;
		uint32_t sender = 0;
		uint8_t buf[64];
		struct wire_w w;

		wire_get_string(&r, &ctype);
		wire_get_u32(&r, &sender);
		if (wire_err(&r)) {
			return SSHTUN_ERR_PROTOCOL;
		}
		wire_w_init_fixed(&w, buf, sizeof(buf));
		wire_put_u8(&w, SSH_MSG_CHANNEL_OPEN_FAILURE);
		wire_put_u32(&w, sender);
		wire_put_u32(&w, 1);	/* SSH_OPEN_ADMINISTRATIVELY_PROHIBITED */
		wire_put_cstring(&w, "sshtun accepts no channels");
		wire_put_cstring(&w, "");
		return tp_send(t->tp, buf, w.len);
	}
	default:
		return SSHTUN_ERR_PROTOCOL;
	}
}

int chan_send_open(struct chan_tab *t, struct chan *c, const char *type, const uint8_t *extra, size_t n)
{
	uint8_t buf[640];	/* a direct-tcpip open carries a host name (255 bytes at most) and an address */
	struct wire_w w;
	int r;

	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_OPEN);
	wire_put_cstring(&w, type);
	wire_put_u32(&w, c->local_id);
	wire_put_u32(&w, c->local_window);
	wire_put_u32(&w, CHAN_MAX_PACKET);
	wire_put_raw(&w, extra, n);
	r = wire_w_err(&w) ? wire_w_err(&w) : tp_send(t->tp, buf, w.len);
	if (r != 0) {
		c->state = CH_FREE;
	}
	return r;
}

struct chan *chan_alloc(struct chan_tab *t, int type)
{
	for (uint32_t i = 0; i < CHAN_MAX_CHANNELS; i++) {
		if (t->ch[i].state == CH_FREE) {
			struct chan *c = &t->ch[i];
			memset(c, 0, sizeof(*c));
			c->local_id = i;
			c->type = type;
			c->state = CH_OPENING;
			c->local_window = t->window;
			c->window_size = t->window;
			return c;
		}
	}
	return NULL;
}
