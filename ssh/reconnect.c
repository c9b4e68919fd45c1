/*
 * sshtun: TunnelReconnect. When a connection whose tunnel was up is lost (closed, reset, silent past
 * ServerAliveCountMax, a protocol error), the device stays as it is (its ifindex, addresses, routes and DNS), so
 * programs see a pause, not a vanished interface; the connection alone is dropped and made again after a
 * backoff (1 s doubling to 60 s, with jitter; back to 1 s after a minute up). A refusal that would happen again
 * (authentication, the host key, the tunnel refused, the configuration) ends the connection as before.
 */
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "ssh/conn_int.h"

enum {
	RC_BACKOFF_MIN_MS = 1000,
	RC_BACKOFF_MAX_MS = 60000,
	RC_STABLE_MS = 60000,		/* up this long: the next loss starts the backoff again from its start */
	RC_CONNECT_TIMEOUT_S = 15	/* each attempt's ConnectTimeout when none is set (a blackholed path) */
};

int conn_should_reconnect(const struct sshtun *h)
{
	int cls = sshtun_errclass(h->err);

	if (h->cfg.tunnel_reconnect != 1 || !h->was_up || h->status == SSHTUN_STOPPING || h->status >= SSHTUN_STOPPED ||
	    h->dev.fd < 0) {
		return 0;
	}
	/* The connection was lost or broken: worth another try. A refusal would come again: it ends it. */
	return cls == SSHTUN_CLASS_CONNECT || cls == SSHTUN_CLASS_PROTOCOL || cls == SSHTUN_CLASS_SYSTEM;
}

/* The delay before attempt number n (0 first): 1, 2, 4 ... 60 s, each 75-125%. */
static uint64_t backoff_ms(unsigned n)
{
	uint64_t d = RC_BACKOFF_MIN_MS;
	uint16_t jitter = 0;

	while (n-- > 0 && d < RC_BACKOFF_MAX_MS) {
		d *= 2;
	}
	if (d > RC_BACKOFF_MAX_MS) {
		d = RC_BACKOFF_MAX_MS;
	}
	cry_random(&jitter, sizeof(jitter));
	return d * 3 / 4 + d * (jitter % 501) / 1000;
}

/* Drops the connection and everything that belongs to it; the device and its configuration stay. */
static void drop_connection(struct sshtun *h)
{
	conn_flush_frames(h);
	io_close_sock(h);
	io_free_addrs(h, 0);
	if (h->dev.fd >= 0 && h->tun_watched) {
		epoll_ctl(h->epfd, EPOLL_CTL_DEL, h->dev.fd, NULL);	/* read again once the tunnel is back */
		h->tun_watched = 0;
	}
	conn_free_identities(h);
	conn_prompt_free(h);
	tp_free(h->tp);
	h->tp = NULL;
	memset(&h->chans, 0, sizeof(h->chans));
	h->tun_chan = NULL;
	h->rc.chan = NULL;
	if (h->rc.state == RC_WAITING) {
		h->rc.state = RC_NONE;	/* asked again on the next connection */
	}
	conn_remote_free(h);
	h->gso_active = 0;
	if (h->gro_buf) {
		tun_gro_reset(&h->gro);
	}
	tun_ackq_init(&h->ackq);
	h->coalescing = 0;
	h->sock_want_out = 0;
	h->tun_paused = 0;
	h->deadline_ms = 0;
	h->next_alive_ms = 0;
	h->alive_missed = 0;
	h->alive_bytes_in = 0;
	h->agent_listing = 0;
}

void conn_reconnect_begin(struct sshtun *h, uint64_t delay_ms)
{
	uint64_t now = io_now_ms();

	if (h->up_since_ms && now - h->up_since_ms >= RC_STABLE_MS) {
		h->reconnect_attempt = 0;
	}
	if (delay_ms == UINT64_MAX) {
		delay_ms = backoff_ms(h->reconnect_attempt);
	}
	h->reconnect_attempt++;
	LG_W(&h->log, "%s; reconnecting in %llu.%llu s (TunnelReconnect)", h->errtext[0] ? h->errtext : "connection lost",
		(unsigned long long)(delay_ms / 1000), (unsigned long long)(delay_ms % 1000 / 100));
	snprintf(h->last_loss, sizeof(h->last_loss), "%s", h->errtext);
	drop_connection(h);
	h->err = 0;
	h->errtext[0] = '\0';
	h->up_since_ms = 0;
	h->reconnect_at_ms = now + delay_ms;
	conn_set_status(h, SSHTUN_RECONNECTING);
}

int conn_reconnect_tick(struct sshtun *h, uint64_t now_ms)
{
	int r;

	if (h->status != SSHTUN_RECONNECTING || now_ms < h->reconnect_at_ms) {
		return 0;
	}
	LG_I(&h->log, "reconnecting to %s port %d (attempt %u)", h->cfg.hostname, h->cfg.port, h->reconnect_attempt);
	conn_set_status(h, SSHTUN_CONNECTING);
	if ((r = io_connect(h)) != 0) {
		return r;
	}
	if (h->cfg.connect_timeout <= 0) {
		h->deadline_ms = now_ms + RC_CONNECT_TIMEOUT_S * 1000;
	}
	return 0;
}
