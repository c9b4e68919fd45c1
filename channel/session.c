/* sshtun: session channels (RFC 4254 6): one command run on the server, its output read, its exit status. */
#include <string.h>

#include "channel/chan_int.h"
#include "sshtun_err.h"

int chan_session_open(struct chan_tab *t, struct chan **out)
{
	struct chan *c = chan_alloc(t, CH_SESSION);
	int r;

	if (!c) {
		return SSHTUN_ERR_LIMIT;
	}
	if ((r = chan_send_open(t, c, "session", NULL, 0)) != 0) {
		return r;
	}
	*out = c;
	return 0;
}

int chan_exec(struct chan_tab *t, struct chan *c, const char *cmd)
{
	static const char req[] = "exec";
	size_t n = strlen(cmd);
	uint8_t buf[64 + CHAN_EXEC_MAX];
	struct wire_w w;
	int r;

	if (c->type != CH_SESSION || c->state != CH_OPEN || c->sent_close) {
		return SSHTUN_ERR_STATE;
	}
	if (n > CHAN_EXEC_MAX) {
		return SSHTUN_ERR_TOO_LONG;
	}
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_REQUEST);
	wire_put_u32(&w, c->remote_id);
	wire_put_cstring(&w, req);
	wire_put_bool(&w, 1);
	wire_put_string(&w, cmd, n);
	r = wire_w_err(&w) ? wire_w_err(&w) : tp_send(t->tp, buf, w.len);
	if (r == 0) {
		c->requests_pending++;
	}
	return r;
}

static int is(const struct wire_view *v, const char *s)
{
	return v->n == strlen(s) && memcmp(v->p, s, v->n) == 0;
}

int chan_session_request(struct chan_tab *t, struct chan *c, const struct wire_view *name, int want, struct wire_r *r)
{
	if (is(name, "exit-status")) {
		uint32_t status = 0;

		wire_get_u32(r, &status);
		if (wire_end(r) != 0) {
			return SSHTUN_ERR_PROTOCOL;
		}
		if (t->ev.exited) {
			t->ev.exited(t->ud, c, status > 255 ? 255 : (int)status, "");
		}
	} else if (is(name, "exit-signal")) {
		struct wire_view sig, msg, lang;
		int core = 0;
		char text[32];

		wire_get_string(r, &sig);
		wire_get_bool(r, &core);
		wire_get_string(r, &msg);
		wire_get_string(r, &lang);
		if (wire_end(r) != 0) {
			return SSHTUN_ERR_PROTOCOL;
		}
		lg_sanitize(text, sizeof(text), sig.p, sig.n);
		if (t->ev.exited) {
			t->ev.exited(t->ud, c, -1, text);
		}
	}
	/* exit-status and exit-signal never want a reply; anything else that does is refused. */
	return want ? chan_send_u32(t, SSH_MSG_CHANNEL_FAILURE, c->remote_id) : 0;
}
