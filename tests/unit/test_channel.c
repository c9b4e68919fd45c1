/* sshtun: unit tests of the channel layer: tun@openssh.com open, framing both ways, windows, close, requests. */
#include "channel/channel.h"
#include "tests/unit/testutil.h"
#include "tests/unit/tp_fake.h"

struct seen {
	int opened, failed, closed, frames;
	int eofs, exits, status, replies, ok;
	char signal[32];
	uint8_t out[256], err[256];
	size_t out_n, err_n;
	uint8_t last[2048];
	size_t last_n;
};

static void ev_opened(void *ud, struct chan *c) { (void)c; ((struct seen *)ud)->opened++; }
static void ev_failed(void *ud, struct chan *c) { (void)c; ((struct seen *)ud)->failed++; }
static void ev_closed(void *ud, struct chan *c) { (void)c; ((struct seen *)ud)->closed++; }
static void ev_frame(void *ud, struct chan *c, const uint8_t *p, size_t n)
{
	struct seen *s = ud;

	(void)c;
	s->frames++;
	s->last_n = n < sizeof(s->last) ? n : sizeof(s->last);
	memcpy(s->last, p, s->last_n);
}

static void ev_data(void *ud, struct chan *c, int ext, const uint8_t *p, size_t n)
{
	struct seen *s = ud;
	uint8_t *to = ext ? s->err : s->out;
	size_t *at = ext ? &s->err_n : &s->out_n;

	(void)c;
	assert_true(*at + n <= sizeof(s->out));
	memcpy(to + *at, p, n);
	*at += n;
}
static void ev_eof(void *ud, struct chan *c) { (void)c; ((struct seen *)ud)->eofs++; }
static void ev_exited(void *ud, struct chan *c, int status, const char *signal)
{
	struct seen *s = ud;

	(void)c;
	s->exits++;
	s->status = status;
	snprintf(s->signal, sizeof(s->signal), "%s", signal);
}
static void ev_reply(void *ud, struct chan *c, int ok)
{
	(void)c;
	((struct seen *)ud)->replies++;
	((struct seen *)ud)->ok = ok;
}

static const struct chan_events EV = { ev_opened, ev_failed, ev_frame, ev_closed, ev_data, ev_eof, ev_exited, ev_reply };

struct fix {
	struct tp *tp;
	struct chan_tab t;
	struct seen seen;
	struct chan *c;
};

/* Delivers one payload to the channel layer as the server would send it. */
static int deliver(struct fix *f, const void *payload, size_t len)
{
	struct tp_msg m;
	int r;

	fake_feed(f->tp, payload, len);
	r = tp_poll(f->tp, &m);
	assert_int_equal(r, 1);
	return chan_handle(&f->t, &m);
}

static int setup_open(void **state, int mode)
{
	struct fix *f = calloc(1, sizeof(*f));
	uint8_t out[256], buf[64];
	struct wire_w w;
	size_t n;

	f->tp = fake_tp_ready(NULL);
	chan_init(&f->t, f->tp, &EV, &f->seen, NULL);
	assert_int_equal(chan_tun_open(&f->t, mode, CH_TUN_ANY, &f->c), 0);
	n = fake_take(f->tp, out, sizeof(out));
	/* CHANNEL_OPEN "tun@openssh.com" sender window maxpkt mode unit */
	assert_int_equal(out[0], SSH_MSG_CHANNEL_OPEN);
	assert_int_equal(n, 1 + 4 + 15 + 4 * 5);
	assert_memory_equal(out + 5, "tun@openssh.com", 15);
	assert_int_equal(wire_peek_u32(out + 20 + 12), (uint32_t)mode);
	assert_int_equal(wire_peek_u32(out + 20 + 16), CH_TUN_ANY);
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_OPEN_CONFIRMATION);
	wire_put_u32(&w, f->c->local_id);
	wire_put_u32(&w, 77);
	wire_put_u32(&w, 4096);
	wire_put_u32(&w, 2048);
	assert_int_equal(deliver(f, buf, w.len), 0);
	assert_int_equal(f->seen.opened, 1);
	*state = f;
	return 0;
}

static int setup_l3(void **state) { return setup_open(state, CH_TUN_POINTOPOINT); }
static int setup_l2(void **state) { return setup_open(state, CH_TUN_ETHERNET); }

static int teardown(void **state)
{
	struct fix *f = *state;

	tp_free(f->tp);
	free(f);
	return 0;
}

/* A minimal IPv4 header of total length n. */
static void ipv4(uint8_t *p, size_t n)
{
	memset(p, 0, n);
	p[0] = 0x45;
	p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
}

static void test_send_frame_l3(void **state)
{
	struct fix *f = *state;
	uint8_t pkt[100], out[256];
	size_t n;

	ipv4(pkt, sizeof(pkt));
	assert_int_equal(chan_tun_send(&f->t, f->c, pkt, sizeof(pkt)), 0);
	n = fake_take(f->tp, out, sizeof(out));
	assert_int_equal(n, 1 + 4 + 4 + 4 + 100);
	assert_int_equal(out[0], SSH_MSG_CHANNEL_DATA);
	assert_int_equal(wire_peek_u32(out + 1), 77);
	assert_int_equal(wire_peek_u32(out + 5), 104);
	assert_int_equal(wire_peek_u32(out + 9), SSH_TUN_AF_INET);
	assert_memory_equal(out + 13, pkt, 100);
	assert_int_equal(f->c->remote_window, 4096 - 104);
	/* IPv6 gets family 24. */
	uint8_t v6[60] = { 0x60 };
	v6[5] = 20;
	assert_int_equal(chan_tun_send(&f->t, f->c, v6, sizeof(v6)), 0);
	n = fake_take(f->tp, out, sizeof(out));
	assert_int_equal(wire_peek_u32(out + 9), SSH_TUN_AF_INET6);
	/* Neither IPv4 nor IPv6: dropped and counted. */
	uint8_t junk[40] = { 0x10 };
	assert_int_equal(chan_tun_send(&f->t, f->c, junk, sizeof(junk)), 0);
	assert_int_equal(fake_take(f->tp, out, sizeof(out)), 0);
	assert_int_equal(f->c->drop_bad, 1);
}

static void test_window_and_maxpkt_drop(void **state)
{
	struct fix *f = *state;
	uint8_t pkt[2100], out[4096];

	/* Over the server's maximum packet (2048): dropped, never split. */
	ipv4(pkt, sizeof(pkt));
	assert_int_equal(chan_tun_send(&f->t, f->c, pkt, sizeof(pkt)), 0);
	assert_int_equal(fake_take(f->tp, out, sizeof(out)), 0);
	assert_int_equal(f->c->drop_size, 1);
	/* Fill the 4096-byte window with 1000-byte frames: the fifth does not fit. */
	for (int i = 0; i < 4; i++) {
		ipv4(pkt, 1000);
		assert_int_equal(chan_tun_send(&f->t, f->c, pkt, 1000), 0);
		assert_true(fake_take(f->tp, out, sizeof(out)) > 0);
	}
	assert_int_equal(chan_tun_send(&f->t, f->c, pkt, 1000), 0);
	assert_int_equal(fake_take(f->tp, out, sizeof(out)), 0);
	assert_int_equal(f->c->drop_window, 1);
	/* WINDOW_ADJUST opens it again. */
	uint8_t adj[9] = { SSH_MSG_CHANNEL_WINDOW_ADJUST };
	wire_poke_u32(adj + 1, f->c->local_id);
	wire_poke_u32(adj + 5, 5000);
	assert_int_equal(deliver(f, adj, sizeof(adj)), 0);
	assert_int_equal(chan_tun_send(&f->t, f->c, pkt, 1000), 0);
	assert_true(fake_take(f->tp, out, sizeof(out)) > 0);
	/* A window past 2^32-1 is a protocol error. */
	wire_poke_u32(adj + 5, 0xffffffff);
	assert_int_equal(deliver(f, adj, sizeof(adj)), SSHTUN_ERR_PROTOCOL);
}

static size_t data_msg(uint8_t *buf, uint32_t id, uint32_t af, const uint8_t *frame, size_t n, int l3)
{
	buf[0] = SSH_MSG_CHANNEL_DATA;
	wire_poke_u32(buf + 1, id);
	wire_poke_u32(buf + 5, (uint32_t)(n + (l3 ? 4 : 0)));
	if (l3) {
		wire_poke_u32(buf + 9, af);
	}
	memcpy(buf + 9 + (l3 ? 4 : 0), frame, n);
	return 9 + (l3 ? 4 : 0) + n;
}

static void test_receive_frames_l3(void **state)
{
	struct fix *f = *state;
	uint8_t pkt[64], buf[256];
	size_t n;

	ipv4(pkt, sizeof(pkt));
	n = data_msg(buf, f->c->local_id, SSH_TUN_AF_INET, pkt, sizeof(pkt), 1);
	assert_int_equal(deliver(f, buf, n), 0);
	assert_int_equal(f->seen.frames, 1);
	assert_int_equal(f->seen.last_n, 64);
	assert_memory_equal(f->seen.last, pkt, 64);
	/* Family that does not match the IP version: dropped. */
	n = data_msg(buf, f->c->local_id, SSH_TUN_AF_INET6, pkt, sizeof(pkt), 1);
	assert_int_equal(deliver(f, buf, n), 0);
	assert_int_equal(f->seen.frames, 1);
	/* IPv4 header claiming more than was carried: dropped. */
	pkt[2] = 0x10;
	n = data_msg(buf, f->c->local_id, SSH_TUN_AF_INET, pkt, sizeof(pkt), 1);
	assert_int_equal(deliver(f, buf, n), 0);
	assert_int_equal(f->seen.frames, 1);
	assert_int_equal(f->c->drop_bad, 2);
	/* Data for a channel that does not exist: protocol error. */
	n = data_msg(buf, 9, SSH_TUN_AF_INET, pkt, sizeof(pkt), 1);
	assert_int_equal(deliver(f, buf, n), SSHTUN_ERR_PROTOCOL);
}

static void test_receive_window_adjust(void **state)
{
	struct fix *f = *state;
	uint8_t pkt[1400], buf[1500], out[64];
	size_t n, sent = 0;
	int adjusted = 0;

	ipv4(pkt, sizeof(pkt));
	/* Consume more than half our window: exactly one WINDOW_ADJUST comes back, for what was used. */
	while (sent <= CHAN_WINDOW / 2) {
		n = data_msg(buf, f->c->local_id, SSH_TUN_AF_INET, pkt, sizeof(pkt), 1);
		assert_int_equal(deliver(f, buf, n), 0);
		sent += 1404;
		while ((n = fake_take(f->tp, out, sizeof(out))) > 0) {
			assert_int_equal(out[0], SSH_MSG_CHANNEL_WINDOW_ADJUST);
			assert_int_equal(wire_peek_u32(out + 1), 77);
			assert_int_equal(wire_peek_u32(out + 5), sent);
			adjusted++;
		}
	}
	assert_int_equal(adjusted, 1);
	assert_int_equal(f->c->local_window, CHAN_WINDOW);
}

static void test_overrun_refused(void **state)
{
	struct fix *f = *state;
	uint8_t *buf = calloc(1, CHAN_MAX_PACKET + 64);
	uint8_t *pkt = calloc(1, CHAN_MAX_PACKET + 1);
	size_t n;

	ipv4(pkt, CHAN_MAX_PACKET + 1);
	n = data_msg(buf, f->c->local_id, SSH_TUN_AF_INET, pkt, CHAN_MAX_PACKET + 1, 1);
	assert_int_equal(deliver(f, buf, n), SSHTUN_ERR_PROTOCOL);
	free(buf);
	free(pkt);
}

static void test_ethernet_frames(void **state)
{
	struct fix *f = *state;
	uint8_t frame[60], buf[128], out[128];
	size_t n;

	memset(frame, 0xab, sizeof(frame));
	assert_int_equal(chan_tun_send(&f->t, f->c, frame, sizeof(frame)), 0);
	n = fake_take(f->tp, out, sizeof(out));
	assert_int_equal(n, 9 + 60);
	assert_int_equal(wire_peek_u32(out + 5), 60);
	assert_memory_equal(out + 9, frame, 60);
	n = data_msg(buf, f->c->local_id, 0, frame, sizeof(frame), 0);
	assert_int_equal(deliver(f, buf, n), 0);
	assert_int_equal(f->seen.frames, 1);
	assert_memory_equal(f->seen.last, frame, 60);
	/* Shorter than an Ethernet header: dropped. */
	n = data_msg(buf, f->c->local_id, 0, frame, 10, 0);
	assert_int_equal(deliver(f, buf, n), 0);
	assert_int_equal(f->seen.frames, 1);
}

static void test_close_both_ways(void **state)
{
	struct fix *f = *state;
	uint8_t out[64], msg[5] = { SSH_MSG_CHANNEL_CLOSE };

	assert_int_equal(chan_close(&f->t, f->c), 0);
	/* EOF first (nothing more will be sent), then CLOSE, each to the server's channel id. */
	assert_int_equal(fake_take(f->tp, out, sizeof(out)), 5);
	assert_int_equal(out[0], SSH_MSG_CHANNEL_EOF);
	assert_int_equal(wire_peek_u32(out + 1), 77);
	assert_int_equal(fake_take(f->tp, out, sizeof(out)), 5);
	assert_int_equal(out[0], SSH_MSG_CHANNEL_CLOSE);
	assert_int_equal(wire_peek_u32(out + 1), 77);
	assert_int_equal(chan_close(&f->t, f->c), 0);	/* only once */
	assert_int_equal(fake_take(f->tp, out, sizeof(out)), 0);
	assert_int_equal(f->c->state, CH_OPEN);
	wire_poke_u32(msg + 1, f->c->local_id);
	assert_int_equal(deliver(f, msg, sizeof(msg)), 0);
	assert_int_equal(f->seen.closed, 1);
	assert_int_equal(f->c->state, CH_FREE);
	assert_int_equal(fake_take(f->tp, out, sizeof(out)), 0);	/* no second CLOSE */
}

static void test_server_close_answered(void **state)
{
	struct fix *f = *state;
	uint8_t out[64], msg[5] = { SSH_MSG_CHANNEL_CLOSE };

	wire_poke_u32(msg + 1, f->c->local_id);
	assert_int_equal(deliver(f, msg, sizeof(msg)), 0);
	assert_int_equal(fake_take(f->tp, out, sizeof(out)), 5);
	assert_int_equal(out[0], SSH_MSG_CHANNEL_CLOSE);
	assert_int_equal(f->c->state, CH_FREE);
}

static void test_requests_refused(void **state)
{
	struct fix *f = *state;
	uint8_t buf[128], out[64];
	struct wire_w w;

	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_GLOBAL_REQUEST);
	wire_put_cstring(&w, "keepalive@openssh.com");
	wire_put_bool(&w, 1);
	assert_int_equal(deliver(f, buf, w.len), 0);
	assert_int_equal(fake_take(f->tp, out, sizeof(out)), 1);
	assert_int_equal(out[0], SSH_MSG_REQUEST_FAILURE);
	/* No reply wanted: none sent. */
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_GLOBAL_REQUEST);
	wire_put_cstring(&w, "hostkeys-00@openssh.com");
	wire_put_bool(&w, 0);
	assert_int_equal(deliver(f, buf, w.len), 0);
	assert_int_equal(fake_take(f->tp, out, sizeof(out)), 0);
	/* A channel request that wants a reply gets CHANNEL_FAILURE to the server's id. */
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_REQUEST);
	wire_put_u32(&w, f->c->local_id);
	wire_put_cstring(&w, "keepalive@openssh.com");
	wire_put_bool(&w, 1);
	assert_int_equal(deliver(f, buf, w.len), 0);
	assert_int_equal(fake_take(f->tp, out, sizeof(out)), 5);
	assert_int_equal(out[0], SSH_MSG_CHANNEL_FAILURE);
	assert_int_equal(wire_peek_u32(out + 1), 77);
	/* The server may not open channels to us. */
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_OPEN);
	wire_put_cstring(&w, "x11");
	wire_put_u32(&w, 5);
	wire_put_u32(&w, 1000);
	wire_put_u32(&w, 1000);
	assert_int_equal(deliver(f, buf, w.len), 0);
	assert_true(fake_take(f->tp, out, sizeof(out)) > 0);
	assert_int_equal(out[0], SSH_MSG_CHANNEL_OPEN_FAILURE);
	assert_int_equal(wire_peek_u32(out + 1), 5);
	/* An answer to a request we never sent is a protocol error. */
	static const uint8_t ok[] = { SSH_MSG_REQUEST_SUCCESS };
	assert_int_equal(deliver(f, ok, 1), SSHTUN_ERR_PROTOCOL);
}

/* Our keepalives: a request that wants a reply; either answer counts, and no more answers than requests. */
static void test_keepalive(void **state)
{
	struct fix *f = *state;
	static const uint8_t ok[] = { SSH_MSG_REQUEST_SUCCESS };
	static const uint8_t no[] = { SSH_MSG_REQUEST_FAILURE };
	uint8_t out[128];

	assert_int_equal(chan_keepalive(&f->t), 0);
	assert_int_equal(chan_keepalive(&f->t), 0);
	assert_true(fake_take(f->tp, out, sizeof(out)) > 0);
	assert_int_equal(out[0], SSH_MSG_GLOBAL_REQUEST);
	assert_int_equal(wire_peek_u32(out + 1), 21);
	assert_memory_equal(out + 5, "keepalive@openssh.com", 21);
	assert_int_equal(out[26], 1);
	assert_int_equal(f->t.keepalives_sent, 2);
	assert_int_equal(deliver(f, ok, 1), 0);
	assert_int_equal(deliver(f, no, 1), 0);
	assert_int_equal(f->t.keepalives_answered, 2);
	assert_int_equal(deliver(f, ok, 1), SSHTUN_ERR_PROTOCOL);
}

static void test_open_failure(void **state)
{
	struct tp *tp = fake_tp_ready(NULL);
	struct chan_tab t;
	struct seen seen;
	struct chan *c = NULL;
	uint8_t buf[128], out[128];
	struct wire_w w;
	struct tp_msg m;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	chan_init(&t, tp, &EV, &seen, NULL);
	assert_int_equal(chan_tun_open(&t, CH_TUN_POINTOPOINT, 5, &c), 0);
	fake_take(tp, out, sizeof(out));
	assert_int_equal(wire_peek_u32(out + 20 + 16), 5);
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_OPEN_FAILURE);
	wire_put_u32(&w, c->local_id);
	wire_put_u32(&w, 1);
	wire_put_cstring(&w, "Administratively prohibited");
	wire_put_cstring(&w, "");
	fake_feed(tp, buf, w.len);
	assert_int_equal(tp_poll(tp, &m), 1);
	assert_int_equal(chan_handle(&t, &m), 0);
	assert_int_equal(seen.failed, 1);
	assert_int_equal(c->fail_code, 1);
	assert_string_equal(c->fail_msg, "Administratively prohibited");
	assert_int_equal(c->state, CH_FREE);
	assert_int_equal(chan_tun_open(&t, 3, 5, &c), SSHTUN_ERR_INVAL);
	tp_free(tp);
}

static void test_unframe(void **state)
{
	uint8_t d[64] = { 0 };
	const uint8_t *fr = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(chan_tun_unframe(CH_TUN_POINTOPOINT, d, 3, &fr, &n), SSHTUN_ERR_BAD_FORMAT);
	wire_poke_u32(d, 2);
	ipv4(d + 4, 20);
	assert_int_equal(chan_tun_unframe(CH_TUN_POINTOPOINT, d, 24, &fr, &n), 0);
	assert_int_equal(n, 20);
	assert_int_equal(chan_tun_unframe(CH_TUN_POINTOPOINT, d, 23, &fr, &n), SSHTUN_ERR_BAD_FORMAT);
	wire_poke_u32(d, 7);
	assert_int_equal(chan_tun_unframe(CH_TUN_POINTOPOINT, d, 24, &fr, &n), SSHTUN_ERR_BAD_FORMAT);
	/* Linux's own AF_INET6 number is read too. */
	memset(d, 0, sizeof(d));
	wire_poke_u32(d, 10);
	d[4] = 0x60;
	assert_int_equal(chan_tun_unframe(CH_TUN_POINTOPOINT, d, 44, &fr, &n), 0);
}

/* A session channel as TunnelConfigCommand uses it: open, exec, stdout and stderr, EOF, exit status, close. */
static void test_session(void **state)
{
	struct fix f;
	uint8_t out[512], buf[128];
	struct wire_w w;
	size_t n;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.tp = fake_tp_ready(NULL);
	chan_init(&f.t, f.tp, &EV, &f.seen, NULL);
	assert_int_equal(chan_session_open(&f.t, &f.c), 0);
	n = fake_take(f.tp, out, sizeof(out));
	/* CHANNEL_OPEN "session" sender window maxpkt */
	assert_int_equal(n, 1 + 4 + 7 + 12);
	assert_int_equal(out[0], SSH_MSG_CHANNEL_OPEN);
	assert_memory_equal(out + 5, "session", 7);
	/* exec before the channel is open: refused, nothing sent */
	assert_int_equal(chan_exec(&f.t, f.c, "x"), SSHTUN_ERR_STATE);
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_OPEN_CONFIRMATION);
	wire_put_u32(&w, f.c->local_id);
	wire_put_u32(&w, 5);
	wire_put_u32(&w, 65536);
	wire_put_u32(&w, 32768);
	assert_int_equal(deliver(&f, buf, w.len), 0);
	assert_int_equal(f.seen.opened, 1);
	/* A reply to a request never made is a protocol error. */
	uint8_t succ[5] = { SSH_MSG_CHANNEL_SUCCESS };
	wire_poke_u32(succ + 1, f.c->local_id);
	assert_int_equal(deliver(&f, succ, sizeof(succ)), SSHTUN_ERR_PROTOCOL);
	/* exec "sshtun-server --pool x", wanting a reply */
	assert_int_equal(chan_exec(&f.t, f.c, "sshtun-server --pool x"), 0);
	n = fake_take(f.tp, out, sizeof(out));
	assert_int_equal(out[0], SSH_MSG_CHANNEL_REQUEST);
	assert_int_equal(wire_peek_u32(out + 1), 5);
	assert_int_equal(wire_peek_u32(out + 5), 4);
	assert_memory_equal(out + 9, "exec", 4);
	assert_int_equal(out[13], 1);
	assert_int_equal(wire_peek_u32(out + 14), 22);
	assert_memory_equal(out + 18, "sshtun-server --pool x", 22);
	assert_int_equal(n, 18 + 22);
	uint8_t fail[5] = { SSH_MSG_CHANNEL_FAILURE };
	wire_poke_u32(fail + 1, f.c->local_id);
	assert_int_equal(deliver(&f, fail, sizeof(fail)), 0);
	assert_int_equal(f.seen.replies, 1);
	assert_int_equal(f.seen.ok, 0);
	assert_int_equal(chan_exec(&f.t, f.c, "again"), 0);
	fake_take(f.tp, out, sizeof(out));
	assert_int_equal(deliver(&f, succ, sizeof(succ)), 0);
	assert_int_equal(f.seen.ok, 1);
	/* stdout and stderr */
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_DATA);
	wire_put_u32(&w, f.c->local_id);
	wire_put_cstring(&w, "ADDR 198.18.100.2/32\n");
	assert_int_equal(deliver(&f, buf, w.len), 0);
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_EXTENDED_DATA);
	wire_put_u32(&w, f.c->local_id);
	wire_put_u32(&w, 1);
	wire_put_cstring(&w, "oops\n");
	assert_int_equal(deliver(&f, buf, w.len), 0);
	assert_int_equal(f.seen.out_n, 21);
	assert_memory_equal(f.seen.out, "ADDR 198.18.100.2/32\n", 21);
	assert_int_equal(f.seen.err_n, 5);
	assert_memory_equal(f.seen.err, "oops\n", 5);
	/* EOF once; then exit-status; a request wanting a reply is refused */
	uint8_t eof[5] = { SSH_MSG_CHANNEL_EOF };
	wire_poke_u32(eof + 1, f.c->local_id);
	assert_int_equal(deliver(&f, eof, sizeof(eof)), 0);
	assert_int_equal(f.seen.eofs, 1);
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_DATA);
	wire_put_u32(&w, f.c->local_id);
	wire_put_cstring(&w, "late");
	assert_int_equal(deliver(&f, buf, w.len), 0);
	assert_int_equal(f.seen.out_n, 21);	/* nothing after EOF */
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_REQUEST);
	wire_put_u32(&w, f.c->local_id);
	wire_put_cstring(&w, "exit-status");
	wire_put_bool(&w, 0);
	wire_put_u32(&w, 3);
	assert_int_equal(deliver(&f, buf, w.len), 0);
	assert_int_equal(f.seen.exits, 1);
	assert_int_equal(f.seen.status, 3);
	assert_int_equal(fake_take(f.tp, out, sizeof(out)), 0);
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_REQUEST);
	wire_put_u32(&w, f.c->local_id);
	wire_put_cstring(&w, "exit-signal");
	wire_put_bool(&w, 0);
	wire_put_cstring(&w, "KILL");
	wire_put_bool(&w, 0);
	wire_put_cstring(&w, "");
	wire_put_cstring(&w, "");
	assert_int_equal(deliver(&f, buf, w.len), 0);
	assert_int_equal(f.seen.status, -1);
	assert_string_equal(f.seen.signal, "KILL");
	/* a truncated exit-status is a protocol error */
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_REQUEST);
	wire_put_u32(&w, f.c->local_id);
	wire_put_cstring(&w, "exit-status");
	wire_put_bool(&w, 0);
	wire_put_u8(&w, 3);
	assert_int_equal(deliver(&f, buf, w.len), SSHTUN_ERR_PROTOCOL);
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_CHANNEL_REQUEST);
	wire_put_u32(&w, f.c->local_id);
	wire_put_cstring(&w, "keepalive@openssh.com");
	wire_put_bool(&w, 1);
	assert_int_equal(deliver(&f, buf, w.len), 0);
	n = fake_take(f.tp, out, sizeof(out));
	assert_int_equal(n, 5);
	assert_int_equal(out[0], SSH_MSG_CHANNEL_FAILURE);
	assert_int_equal(wire_peek_u32(out + 1), 5);
	/* too long a command is refused before anything is sent */
	char longcmd[CHAN_EXEC_MAX + 2];
	memset(longcmd, 'a', sizeof(longcmd) - 1);
	longcmd[sizeof(longcmd) - 1] = '\0';
	assert_int_equal(chan_exec(&f.t, f.c, longcmd), SSHTUN_ERR_TOO_LONG);
	assert_int_equal(fake_take(f.tp, out, sizeof(out)), 0);
	tp_free(f.tp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_send_frame_l3, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_window_and_maxpkt_drop, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_receive_frames_l3, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_receive_window_adjust, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_overrun_refused, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_ethernet_frames, setup_l2, teardown),
		cmocka_unit_test_setup_teardown(test_close_both_ways, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_server_close_answered, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_requests_refused, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_keepalive, setup_l3, teardown),
		cmocka_unit_test(test_open_failure),
		cmocka_unit_test(test_unframe),
		cmocka_unit_test(test_session),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
