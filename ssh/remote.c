/*
 * sshtun: TunnelConfigCommand. Once the tunnel channel is open, a session channel runs the command on the server
 * (sshd runs an authorized_keys forced command instead, with SSH_TUNNEL naming its end of the tunnel); its stdout
 * is the IP configuration (ssh/rconf.h), complete at the channel's EOF, which sshd sends when the command has
 * closed stdout and stderr; its stderr is shown to the user. The session stays open while the tunnel lives (we
 * never send EOF), so the server side can undo its work when its stdin ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssh/conn_int.h"

static const char *cmd_of(const struct sshtun *h)
{
	return h->cfg.tunnel_config_command ? h->cfg.tunnel_config_command : "";
}

/* What the command said on stderr, for the message that ends the connection. */
static const char *err_text(const struct sshtun *h)
{
	return h->rc.errlen ? h->rc.err : "it printed nothing on stderr";
}

static void rc_fail(struct sshtun *h, int err, const char *what)
{
	h->rc.state = RC_NONE;
	conn_fail(h, err, "TunnelConfigCommand \"%s\" %s: %s; check the command (or the forced command in the server's "
		"authorized_keys) and its log", cmd_of(h), what, err_text(h));
}

int conn_remote_start(struct sshtun *h)
{
	int secs = h->cfg.connect_timeout > 0 ? h->cfg.connect_timeout : RC_DEFAULT_TIMEOUT_S;
	int r;

	/* A new session; the configuration applied before (a reconnect's) stays in rc.conf to compare with. */
	free(h->rc.out);
	h->rc.out = NULL;
	h->rc.len = 0;
	h->rc.got_eof = h->rc.exited = h->rc.status = 0;
	h->rc.signal[0] = '\0';
	h->rc.errlen = h->rc.linelen = 0;
	h->rc.err[0] = '\0';
	if ((r = chan_session_open(&h->chans, &h->rc.chan)) != 0) {
		return r;
	}
	h->rc.state = RC_WAITING;
	h->rc.deadline_ms = io_now_ms() + (uint64_t)secs * 1000;
	LG_D1(&h->log, "asking the server for the tunnel's configuration: %s", cmd_of(h));
	return 0;
}

void conn_remote_opened(struct sshtun *h, struct chan *c)
{
	int r;

	if (c != h->rc.chan || h->rc.state != RC_WAITING) {
		chan_close(&h->chans, c);
		return;
	}
	if ((r = chan_exec(&h->chans, c, cmd_of(h))) != 0) {
		conn_fail(h, r, "cannot run TunnelConfigCommand: %s", sshtun_strerror(r));
	}
}

void conn_remote_reply(struct sshtun *h, struct chan *c, int ok)
{
	if (c == h->rc.chan && !ok && h->rc.state == RC_WAITING) {
		rc_fail(h, SSHTUN_ERR_REMOTE_CONFIG, "was refused by the server (no exec on this connection)");
	}
}

/* A line of stderr: shown to the user, and kept for a failure's message. */
static void err_line(struct sshtun *h)
{
	struct conn_remote *rc = &h->rc;
	char safe[RC_LINE_MAX * 4];
	size_t n;

	while (rc->linelen && (rc->line[rc->linelen - 1] == '\r' || rc->line[rc->linelen - 1] == ' ')) {
		rc->linelen--;
	}
	if (rc->linelen == 0) {
		return;
	}
	lg_sanitize(safe, sizeof(safe), rc->line, rc->linelen);
	rc->linelen = 0;
	LG_W(&h->log, "server: %s", safe);
	n = strlen(safe);
	if (n + 3 > sizeof(rc->err)) {
		n = sizeof(rc->err) - 3;
	}
	/* The newest lines count most: drop old ones from the front when full. */
	while (rc->errlen && rc->errlen + 2 + n + 1 > sizeof(rc->err)) {
		char *semi = strstr(rc->err, "; ");
		size_t cut = semi ? (size_t)(semi - rc->err) + 2 : rc->errlen;

		memmove(rc->err, rc->err + cut, rc->errlen - cut + 1);
		rc->errlen -= cut;
	}
	if (rc->errlen) {
		memcpy(rc->err + rc->errlen, "; ", 2);
		rc->errlen += 2;
	}
	memcpy(rc->err + rc->errlen, safe, n);
	rc->errlen += n;
	rc->err[rc->errlen] = '\0';
}

/* 1 if the DNS servers and domains of a and b are the same. */
static int same_dns(const struct rconf *a, const struct rconf *b)
{
	return a->ndns == b->ndns && a->ndomains == b->ndomains &&
		memcmp(a->dns, b->dns, sizeof(a->dns[0]) * a->ndns) == 0 &&
		memcmp(a->domains, b->domains, sizeof(a->domains[0]) * a->ndomains) == 0;
}

/* The configuration is complete: parse it whole, plan it, configure the device, the tunnel is up. */
static void finish(struct sshtun *h)
{
	struct conn_remote *rc = &h->rc;
	struct rconf *fresh = malloc(sizeof(*fresh));
	struct net_plan *want = malloc(sizeof(*want));
	char why[300];
	int tap = h->cfg.tunnel == CFG_TUNNEL_ETHERNET, r, dns_changed;

	if (rc->linelen) {
		err_line(h);
	}
	if (!fresh || !want) {
		free(fresh);
		free(want);
		conn_fail(h, SSHTUN_ERR_NOMEM, "out of memory for the server's configuration");
		return;
	}
	r = rconf_parse(fresh, rc->out, rc->len, why, sizeof(why));
	free(rc->out);
	rc->out = NULL;
	rc->len = 0;
	if (r != 0) {
		rc->state = RC_NONE;
		conn_fail(h, SSHTUN_ERR_REMOTE_CONFIG, "the server's tunnel configuration (TunnelConfigCommand \"%s\") is "
			"refused, nothing was applied: %s; fix the command's output (the format is in sshtun(1))", cmd_of(h), why);
		goto out;
	}
	for (unsigned i = 0; i < fresh->nunknown; i++) {
		LG_W(&h->log, "the server's tunnel configuration has %s, which this version does not know: ignored",
			fresh->unknown[i]);
	}
	if (fresh->gw_ignored) {
		LG_I(&h->log, "the server's configuration has GW_ADDR that is not an address: ignored (the server is "
			"reached at the address connected to)");
	}
#if !SSHTUN_DNS
	if (fresh->ndns > 0 || fresh->ndomains > 0) {
		/* Named, not applied: the user learns why names do not resolve through the tunnel, and what to do. */
		char list[768] = "";
		size_t at;

		for (unsigned i = 0; i < fresh->ndns; i++) {
			at = strlen(list);
			list[at] = at ? ' ' : '\0';
			tun_addr_format(list + at + (at > 0), sizeof(list) - at - (at > 0), &fresh->dns[i]);
		}
		for (unsigned i = 0; i < fresh->ndomains; i++) {
			at = strlen(list);
			snprintf(list + at, sizeof(list) - at, "%s%s", at ? " " : "", fresh->domains[i]);
		}
		LG_W(&h->log, "the server's configuration names DNS %s: this build does not apply DNS (built with "
			"-DSSHTUN_DNS=0); LocalCommand gets them in SSHTUN_DNS and SSHTUN_DOMAINS", list);
	}
#endif
	/* The plan anew: the command line's part, then the server's (a reconnect compares it with what is applied). */
	if (net_plan_local(want, &h->cfg, h->mtu_explicit, tap, why, sizeof(why)) != 0 ||
	    net_plan_remote(want, fresh, tap, why, sizeof(why)) != 0) {
		rc->state = RC_NONE;
		conn_fail(h, SSHTUN_ERR_REMOTE_CONFIG, "the server's tunnel configuration cannot be used: %s", why);
		goto out;
	}
	dns_changed = h->was_up && !same_dns(&rc->conf, fresh);
	rc->conf = *fresh;
	rc->state = RC_APPLIED;
	LG_D1(&h->log, "the server's configuration is in");
	conn_tunnel_ready(h, want, dns_changed);
out:
	free(fresh);
	free(want);
}

void conn_remote_data(struct sshtun *h, struct chan *c, int ext, const uint8_t *p, size_t n)
{
	struct conn_remote *rc = &h->rc;

	if (c != rc->chan) {
		return;
	}
	if (ext) {
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '\n') {
				err_line(h);
			} else if (rc->linelen < sizeof(rc->line)) {
				rc->line[rc->linelen++] = (char)p[i];
			}
		}
		return;
	}
	if (rc->state != RC_WAITING) {
		return;	/* once applied, further output is not read */
	}
	if (rc->len + n > RCONF_TEXT_MAX) {
		rc_fail(h, SSHTUN_ERR_REMOTE_CONFIG, "printed more than 64 KiB of configuration");
		return;
	}
	if (!rc->out && !(rc->out = malloc(RCONF_TEXT_MAX))) {
		conn_fail(h, SSHTUN_ERR_NOMEM, "out of memory for the server's configuration");
		return;
	}
	memcpy(rc->out + rc->len, p, n);
	rc->len += n;
}

void conn_remote_eof(struct sshtun *h, struct chan *c)
{
	if (c != h->rc.chan) {
		return;
	}
	h->rc.got_eof = 1;
	if (h->rc.state == RC_WAITING && h->rc.len > 0) {
		finish(h);
	}
	/* Nothing printed: the exit status says why. */
}

void conn_remote_exited(struct sshtun *h, struct chan *c, int status, const char *signal)
{
	struct conn_remote *rc = &h->rc;
	char what[96];

	if (c != rc->chan) {
		return;
	}
	rc->exited = 1;
	rc->status = status;
	snprintf(rc->signal, sizeof(rc->signal), "%s", signal);
	if (rc->linelen) {
		err_line(h);
	}
	if (rc->state == RC_APPLIED) {
		if (status < 0) {
			LG_W(&h->log, "TunnelConfigCommand was killed by signal %s on the server", rc->signal);
		} else if (status != 0) {
			LG_W(&h->log, "TunnelConfigCommand ended with exit status %d on the server", status);
		}
		return;
	}
	if (rc->state != RC_WAITING) {
		return;
	}
	if (status < 0) {
		snprintf(what, sizeof(what), "was killed by signal %s on the server", rc->signal);
	} else if (status != 0) {
		snprintf(what, sizeof(what), "failed on the server (exit status %d)", status);
	} else if (rc->len == 0) {
		snprintf(what, sizeof(what), "printed no configuration");
	} else {
		finish(h);
		return;
	}
	rc_fail(h, SSHTUN_ERR_REMOTE_CONFIG, what);
}

void conn_remote_closed(struct sshtun *h, struct chan *c)
{
	if (c != h->rc.chan) {
		return;
	}
	h->rc.chan = NULL;
	if (h->rc.state != RC_WAITING) {
		return;
	}
	if (h->rc.len > 0) {
		finish(h);
	} else {
		rc_fail(h, SSHTUN_ERR_REMOTE_CONFIG, "ended without printing a configuration");
	}
}

int conn_remote_tick(struct sshtun *h, uint64_t now_ms)
{
	if (h->rc.state != RC_WAITING || now_ms < h->rc.deadline_ms) {
		return 0;
	}
	rc_fail(h, SSHTUN_ERR_REMOTE_CONFIG, h->rc.got_eof ? "did not exit after printing nothing" :
		"did not finish its configuration in time (ConnectTimeout, or 30 s; it must close its stdout and stderr)");
	return SSHTUN_ERR_REMOTE_CONFIG;
}

void conn_remote_free(struct sshtun *h)
{
	free(h->rc.out);
	h->rc.out = NULL;
	h->rc.len = 0;
}
