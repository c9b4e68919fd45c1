/*
 * sshtun: ProxyJump in process. The last jump host of the list is a hop: a connection of its own (a handle
 * with no device), configured from the same files for its own name, authenticated and checked against
 * known_hosts like any, whose direct-tcpip channel to the server carries the connection's bytes. Between the
 * two is a socketpair, so the connection runs over one end exactly as it runs over ProxyCommand's; the hop
 * relays the other end. Jump hosts before the last are the hop's own ProxyJump, so a chain is hops of hops.
 * No ssh program is run; the hop's events come through its epoll fd, which sits in its parent's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ssh/conn_int.h"
#include "util/features.h"

#if SSHTUN_JUMP

enum {
	RELAY_WINDOW = 2 * 1024 * 1024,	/* the window the hop grants the server: at most this much is buffered */
	RELAY_READS = 16,		/* reads from the socketpair per wakeup */
	RELAY_OUT_HIGH = 512 * 1024,	/* the hop's unsent bytes above which it stops reading the socketpair */
	RELAY_SOCKBUF = 1024 * 1024
};

/* The hop's lines go to its parent's log, named. */
static void hop_log(void *ud, int level, const char *line)
{
	struct sshtun *j = ud;
	struct sshtun *h = j->jump.parent;

	if (h && h->log.fn) {
		char buf[1200];

		snprintf(buf, sizeof(buf), "jump host %s: %s", j->jump.name, line);
		h->log.fn(h->log.ud, level, buf);
	}
}

/* The answer to a hop's question, asked through the parent's program, goes back to the hop. */
static int hop_answered(struct sshtun *h, void *ctx, const char *const *answers, unsigned n)
{
	struct sshtun *j = h->jump.hop;
	const struct sshtun_prompt *p;

	if (!j || j != ctx || !(p = sshtun_prompt(j))) {
		return 0;	/* the hop went (a reconnect) while the question was open */
	}
	sshtun_answer(j, p->id, answers, answers ? n : 0);
	return 0;
}

/* A hop's question (its key's passphrase, its host key, its password) is the parent's, asked of the program. */
static void hop_prompt(void *ud, const struct sshtun_prompt *p)
{
	struct sshtun *j = ud;
	struct sshtun *h = j->jump.parent;

	h->deadline_ms = 0;	/* as for the server's own questions: the user may take their time */
	if (conn_ask(h, p->kind, p->name, p->instruction, p->n, p->question, p->echo, hop_answered, j) != SSHTUN_ERR_AGAIN) {
		sshtun_answer(j, p->id, NULL, 0);	/* nothing may be asked: declined */
	}
}

/* One configuration line for the hop, written as printf writes it. */
static int hop_line(struct sshtun *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int hop_line(struct sshtun *j, const char *fmt, ...)
{
	char line[FILE_MAX_LINE + 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return cfg_apply(&j->cfg, line, "ProxyJump", &j->log);
}

static int hop_config(struct sshtun *j, const struct sshtun *h, const char *list, const struct cfg_hop *hop)
{
	int r = 0;

	/* As ssh runs "ssh -l user -p port -F file -J rest host": the list's values first (they win), then the files. */
	if (hop->start > 0) {
		r = hop_line(j, "ProxyJump %.*s", (int)(hop->start - 1), list);
	}
	if (r == 0 && hop->user[0]) {
		r = hop_line(j, "User %s", hop->user);
	}
	if (r == 0 && hop->port) {
		r = hop_line(j, "Port %d", hop->port);
	}
	if (r != 0) {
		return r;
	}
	if (!(j->cfg.host = strdup(hop->host))) {
		return SSHTUN_ERR_NOMEM;
	}
	/* The files (and texts) the parent read, in its order (its parameters are the server's only, as ssh's -o are). */
	for (size_t i = 0; i < h->nsettings; i++) {
		const struct conn_setting *s = &h->settings[i];

		if (s->read == 2 && (r = sshtun_read_config_text(j, s->key, s->value)) != 0) {
			return r;
		}
		if (s->read == 1 && (r = sshtun_read_config(j, s->value)) != 0) {
			return r;
		}
	}
	/* What the files left unset: the parent's BatchMode and connect timeout (a hop must not hang a reconnect). */
	if (h->cfg.batch_mode == 1 && (r = hop_line(j, "BatchMode yes")) != 0) {
		return r;
	}
	if (h->cfg.connect_timeout > 0 && (r = hop_line(j, "ConnectTimeout %d", h->cfg.connect_timeout)) != 0) {
		return r;
	}
	/* A hop opens no tunnel: what the files say of tunnels for that host does not concern it. */
	j->cfg.tunnel = CFG_TUNNEL_UNSET;
	j->cfg.tunnel_kill_switch = 0;
	j->cfg.tunnel_reconnect = 0;
	return cfg_finish(&j->cfg, &j->log);
}

/* Makes the hop for the last jump host of the list and starts its connection; *fd the connection's end. */
static int hop_start(struct sshtun *h, int *fd)
{
	struct cfg_hop hops[CFG_MAX_HOPS];
	const struct cfg_hop *last;
	const char *why = "";
	struct sshtun *j = NULL;
	int n = 0, r, sv[2] = { -1, -1 }, size = RELAY_SOCKBUF;

	if (cfg_parse_jump(h->cfg.proxy_jump, hops, &n, &why) != 0 || n == 0) {
		conn_fail(h, SSHTUN_ERR_CONFIG, "ProxyJump %.200s: %s", h->cfg.proxy_jump, why);
		return SSHTUN_ERR_CONFIG;
	}
	if (h->jump.depth >= CFG_MAX_HOPS) {
		conn_fail(h, SSHTUN_ERR_CONFIG, "ProxyJump: more than %d jump hosts in a row; does a Host block's ProxyJump "
			"name a host whose own block names it again?", CFG_MAX_HOPS);
		return SSHTUN_ERR_CONFIG;
	}
	last = &hops[n - 1];
	if ((r = sshtun_new(&j)) != 0) {
		return r;
	}
	h->jump.hop = j;
	j->jump.parent = h;
	j->jump.depth = h->jump.depth + 1;
	snprintf(j->jump.name, sizeof(j->jump.name), "%s%s%s", last->user, last->user[0] ? "@" : "", last->host);
	j->log.fn = hop_log;
	j->log.ud = j;
	j->log.level = h->log.level;
	sshtun_set_prompt_cb(j, hop_prompt, j);
	if ((r = hop_config(j, h, h->cfg.proxy_jump, last)) != 0) {
		conn_fail(h, r, "jump host %s: invalid configuration (see the message above)", j->jump.name);
		return r;
	}
	snprintf(j->jump.name, sizeof(j->jump.name), "%s@%s:%d", j->cfg.user, j->cfg.host, j->cfg.port);
	if (!(j->jump.to_host = strdup(h->cfg.hostname))) {
		return SSHTUN_ERR_NOMEM;
	}
	j->jump.to_port = h->cfg.port;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) {
		return SSHTUN_ERR_SYS;
	}
	for (int i = 0; i < 2; i++) {
		setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
		setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	j->jump.fd = sv[1];
	*fd = sv[0];
	if ((r = io_setup(j)) != 0 || (r = io_watch_hop(h, j->epfd)) != 0) {
		return r;
	}
	LG_D1(&h->log, "connecting through jump host %s", j->jump.name);
	conn_set_status(j, SSHTUN_CONNECTING);
	if ((r = io_connect(j)) != 0) {
		conn_fail(h, j->err ? j->err : r, "jump host %s: %s", j->jump.name, j->errtext[0] ? j->errtext : sshtun_strerror(r));
		return h->err;
	}
	return 0;
}

int conn_jump_start(struct sshtun *h, int *fd)
{
	int r;

	*fd = -1;
	if ((r = hop_start(h, fd)) != 0) {
		if (*fd >= 0) {
			close(*fd);
			*fd = -1;
		}
		conn_fail(h, r, "cannot connect through ProxyJump: %s", sshtun_strerror(r));	/* unless named already */
		conn_jump_free(h);
	}
	return r;
}

void conn_jump_free(struct sshtun *h)
{
	struct sshtun *j = h->jump.hop;

	if (!j) {
		return;
	}
	h->jump.hop = NULL;
	if (h->epfd >= 0 && j->epfd >= 0) {
		epoll_ctl(h->epfd, EPOLL_CTL_DEL, j->epfd, NULL);
	}
	/* Tell the jump host, if the hop got that far; nothing is waited for. */
	if (j->tp && tp_is_ready(j->tp) && !tp_is_closed(j->tp)) {
		tp_disconnect(j->tp, SSH_DISCONNECT_BY_APPLICATION, "disconnected by user");
		io_flush(j);
	}
	sshtun_del(j);
}

int conn_jump_dispatch(struct sshtun *h)
{
	struct sshtun *j = h->jump.hop;
	int st;

	if (!j) {
		return 0;
	}
	st = sshtun_dispatch_event(j);
	if (st == SSHTUN_FAILED) {
		conn_fail(h, sshtun_error(j), "jump host %s: %s", j->jump.name, sshtun_error_text(j));
		return h->err;
	}
	return 0;
}

int conn_jump_open(struct sshtun *h)
{
	LG_D1(&h->log, "asking for a channel to %s port %d", h->jump.to_host, h->jump.to_port);
	conn_set_status(h, SSHTUN_OPENING);
	return chan_direct_open(&h->chans, h->jump.to_host, (uint32_t)h->jump.to_port, RELAY_WINDOW, &h->jump.chan);
}

void conn_jump_opened(struct sshtun *h, struct chan *c)
{
	struct sshtun *p = h->jump.parent;

	if (c != h->jump.chan) {
		return;
	}
	if (!(h->jump.buf = malloc(RELAY_WINDOW))) {
		conn_fail(h, SSHTUN_ERR_NOMEM, "out of memory for the relay");
		return;
	}
	h->jump.cap = RELAY_WINDOW;
	LG_D1(&h->log, "relaying to %s port %d", h->jump.to_host, h->jump.to_port);
	conn_set_status(h, SSHTUN_UP);
	conn_jump_rearm(h);
	/* The server's ConnectTimeout runs from here at the latest: the path to it is open. */
	if (p && p->status == SSHTUN_CONNECTING && p->cfg.connect_timeout > 0 && !p->deadline_ms) {
		p->deadline_ms = io_now_ms() + (uint64_t)p->cfg.connect_timeout * 1000;
	}
}

void conn_jump_open_failed(struct sshtun *h, struct chan *c)
{
	if (c != h->jump.chan) {
		return;
	}
	h->jump.chan = NULL;
	conn_fail(h, SSHTUN_ERR_CONNECT, "cannot reach %s port %d from there (%s, code %u); check the name and port as the "
		"jump host sees them, and AllowTcpForwarding in its sshd_config", h->jump.to_host, h->jump.to_port,
		c->fail_msg[0] ? c->fail_msg : "no reason given", c->fail_code);
}

/* Writes what is buffered to the socketpair and gives the window back for it; 0 or an error. */
static int relay_out(struct sshtun *h)
{
	struct conn_jump *J = &h->jump;

	while (J->len > 0) {
		ssize_t w = send(J->fd, J->buf + J->off, J->len, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			break;
		}
		if (w < 0) {
			return 0;	/* the connection's end is gone: it is ending, and ends the hop */
		}
		J->off += (size_t)w;
		J->len -= (size_t)w;
		if (J->chan) {
			int r = chan_stream_consumed(&h->chans, J->chan, (size_t)w);
			if (r != 0) {
				return r;
			}
		}
	}
	if (J->len == 0) {
		J->off = 0;
		if (J->chan_eof) {
			shutdown(J->fd, SHUT_WR);	/* the server's side ended: the connection reads its end */
		}
	}
	return 0;
}

void conn_jump_data(struct sshtun *h, struct chan *c, const uint8_t *p, size_t n)
{
	struct conn_jump *J = &h->jump;

	if (c != J->chan || !J->buf) {
		return;
	}
	/* The channel's window bounds what is buffered: this cannot overflow, checked all the same. */
	if (J->len + n > J->cap) {
		conn_fail(h, SSHTUN_ERR_PROTOCOL, "the jump host sent more than the window allows");
		return;
	}
	if (J->off + J->len + n > J->cap) {
		memmove(J->buf, J->buf + J->off, J->len);
		J->off = 0;
	}
	memcpy(J->buf + J->off + J->len, p, n);
	J->len += n;
	if (relay_out(h) != 0) {
		conn_fail(h, SSHTUN_ERR_CLOSED, "cannot give the jump host's window back");
	}
}

void conn_jump_eof(struct sshtun *h, struct chan *c)
{
	if (c == h->jump.chan) {
		h->jump.chan_eof = 1;
		relay_out(h);
	}
}

void conn_jump_closed(struct sshtun *h, struct chan *c)
{
	if (c != h->jump.chan) {
		return;
	}
	h->jump.chan = NULL;
	h->jump.chan_eof = 1;
	relay_out(h);
	if (h->jump.fd >= 0 && h->jump.len == 0) {
		shutdown(h->jump.fd, SHUT_RDWR);
	}
	LG_D1(&h->log, "the channel to %s port %d closed", h->jump.to_host, h->jump.to_port);
}

/* Reads the connection's bytes from the socketpair straight into CHANNEL_DATA messages. */
static int relay_in(struct sshtun *h)
{
	struct conn_jump *J = &h->jump;

	for (int i = 0; i < RELAY_READS && J->chan && io_pending_out(h) < RELAY_OUT_HIGH; i++) {
		size_t max = CHAN_MAX_PACKET;
		uint8_t *p = chan_stream_begin(&h->chans, J->chan, &max);
		ssize_t n;

		if (!p) {
			break;
		}
		n = recv(J->fd, p, max, 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			tp_send_cancel(h->tp);
			break;
		}
		if (n <= 0) {
			tp_send_cancel(h->tp);
			/* The connection closed its end: so does the channel. */
			return chan_close(&h->chans, J->chan);
		}
		int r = chan_stream_end(&h->chans, J->chan, (size_t)n);
		if (r != 0) {
			return r;
		}
		if ((size_t)n < max) {
			break;
		}
	}
	return 0;
}

int conn_jump_io(struct sshtun *h, uint32_t events)
{
	int r = 0;

	if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
		r = relay_out(h);
	}
	if (r == 0 && (events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
		r = relay_in(h);
	}
	return r;
}

void conn_jump_rearm(struct sshtun *h)
{
	struct conn_jump *J = &h->jump;
	uint32_t ev = 0;

	if (J->fd < 0 || !J->buf) {
		return;
	}
	if (J->chan && J->chan->state == CH_OPEN && !J->chan->sent_eof && J->chan->remote_window > 0 &&
	    io_pending_out(h) < RELAY_OUT_HIGH) {
		ev |= EPOLLIN;
	}
	if (J->len > 0) {
		ev |= EPOLLOUT;
	}
	if (ev != J->fd_events && io_watch_relay(h, J->fd, ev, J->fd_events) == 0) {
		J->fd_events = ev;
	}
}
#endif /* SSHTUN_JUMP */
