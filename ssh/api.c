/* sshtun: the public libsshtun API (include/sshtun.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include "crypto/crypto.h"
#include "ssh/conn_int.h"
#include "util/features.h"
#include "util/mem.h"

int sshtun_new(struct sshtun **out)
{
	struct sshtun *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h) {
		return SSHTUN_ERR_NOMEM;
	}
	if (cry_init() != 0) {
		free(h);
		return SSHTUN_ERR_CRYPTO;
	}
	cfg_init(&h->cfg);
	h->epfd = h->sock = h->timerfd = h->flushfd = h->wakefd = -1;
	h->dev.fd = -1;
	h->nl.fd = -1;
	h->lc_pidfd = -1;
	h->jump.fd = -1;
	h->resolve_fd = -1;
	*out = h;
	return 0;
}

static void release_all(struct sshtun *h)
{
	conn_teardown_device(h);
	ks_disable(&h->ks, &h->log);	/* the kill switch last: nothing leaked while the device went */
	conn_remote_free(h);
	conn_prompt_free(h);
	conn_free_identities(h);
	tp_free(h->tp);
	h->tp = NULL;
	io_close(h);
}

void sshtun_del(struct sshtun *h)
{
	if (!h) {
		return;
	}
	release_all(h);
	cfg_free(&h->cfg);
	for (size_t i = 0; i < h->nsettings; i++) {
		free(h->settings[i].key);
		free(h->settings[i].value);
	}
	free(h->settings);
	free(h->jump.to_host);
	if (h->jump.buf) {
		mem_release(h->jump.buf, h->jump.cap);
	}
	free(h->jump.buf);
	/* 88 KiB, from malloc's heap: its pages go back now rather than stay resident until a block there is reused. */
	mem_release(h, sizeof(*h));
	free(h);
}

void sshtun_set_log(struct sshtun *h, sshtun_log_fn fn, void *ud, int level)
{
	h->log.fn = fn;
	h->log.ud = ud;
	h->log.level = level;
}

void sshtun_set_status_cb(struct sshtun *h, sshtun_status_fn fn, void *ud)
{
	h->status_cb = fn;
	h->status_ud = ud;
}

/* "Host" takes "[user@]host" as ssh does; everything else is an ssh_config line. */
static int set_one(struct cfg *c, const char *key, const char *value, const struct lg *log)
{
	char line[FILE_MAX_LINE];

	if (strcasecmp(key, "Host") == 0) {
		const char *at = strrchr(value, '@');
		free(c->host);
		c->host = strdup(at ? at + 1 : value);
		if (!c->host) {
			return SSHTUN_ERR_NOMEM;
		}
		if (at && !c->user) {
			c->user = strndup(value, (size_t)(at - value));
			if (!c->user) {
				return SSHTUN_ERR_NOMEM;
			}
		}
		return 0;
	}
	/* The value is taken as ssh_config takes the rest of a line; "" as key passes a whole line. */
	if (snprintf(line, sizeof(line), "%s%s%s", key, *key ? " " : "", value) >= (int)sizeof(line)) {
		return SSHTUN_ERR_TOO_LONG;
	}
	return cfg_apply(c, line, "parameter", log);
}

/* The files as sshtun_read_config reads them (path NULL: the user's, then the system's). */
static int read_files(struct cfg *c, const char *path, const struct lg *log)
{
	char user[1024];
	const char *home = getenv("HOME");
	int r;

	if (path && strcmp(path, "none") == 0) {
		return 0;	/* -F none: no configuration file at all, as in ssh */
	}
	if (path) {
		return cfg_read_file(c, path, 0, log);
	}
	if (home && snprintf(user, sizeof(user), "%s/.ssh/config", home) < (int)sizeof(user)) {
		if ((r = cfg_read_file(c, user, 1, log)) != 0) {
			return r;
		}
	}
	return cfg_read_file(c, "/etc/ssh/ssh_config", 1, log);
}

int conn_apply_setting(struct cfg *c, const struct conn_setting *s, const struct lg *log)
{
	if (s->read == 2) {
		return cfg_read_buf(c, s->value, strlen(s->value), s->key, log);
	}
	return s->read ? read_files(c, s->value, log) : set_one(c, s->key, s->value, log);
}

/* Keeps what was given, for sshtun_reload. */
static int remember(struct sshtun *h, int read, const char *key, const char *value)
{
	struct conn_setting *n = realloc(h->settings, (h->nsettings + 1) * sizeof(*n));

	if (!n) {
		return SSHTUN_ERR_NOMEM;
	}
	h->settings = n;
	n = &h->settings[h->nsettings];
	n->read = read;
	n->key = key ? strdup(key) : NULL;
	n->value = value ? strdup(value) : NULL;
	if ((key && !n->key) || (value && !n->value)) {
		free(n->key);
		free(n->value);
		return SSHTUN_ERR_NOMEM;
	}
	h->nsettings++;
	return 0;
}

int sshtun_set_params(struct sshtun *h, ...)
{
	va_list ap;
	const char *key;
	int r = 0;

	if (h->status != SSHTUN_IDLE) {
		return SSHTUN_ERR_STATE;
	}
	va_start(ap, h);
	while (r == 0 && (key = va_arg(ap, const char *)) != NULL) {
		const char *value = va_arg(ap, const char *);
		if (!value) {
			r = SSHTUN_ERR_INVAL;
			break;
		}
		struct conn_setting one = { 0, (char *)key, (char *)value };

		if ((r = conn_apply_setting(&h->cfg, &one, &h->log)) == 0) {
			r = remember(h, 0, key, value);
		}
	}
	va_end(ap);
	return r;
}

int sshtun_read_config(struct sshtun *h, const char *path)
{
	struct conn_setting one = { 1, NULL, (char *)path };
	int r;

	/* Remembered (h->settings) for sshtun_reload and for jump hosts, whose Host blocks come from the same files. */
	if ((r = conn_apply_setting(&h->cfg, &one, &h->log)) != 0) {
		return r;
	}
	return remember(h, 1, NULL, path);
}

int sshtun_key_file_encrypted(const char *path)
{
	struct privkey k;
	int r;

	if (!path) {
		return SSHTUN_ERR_INVAL;
	}
	memset(&k, 0, sizeof(k));
	r = key_load_private(&k, path, NULL, NULL);
	key_wipe(&k);
	return r == SSHTUN_ERR_KEY_ENCRYPTED ? 1 : r;
}

int sshtun_read_config_text(struct sshtun *h, const char *name, const char *text)
{
	struct conn_setting one = { 2, (char *)(name ? name : "text"), (char *)text };
	int r;

	if (!text) {
		return SSHTUN_ERR_INVAL;
	}
	if (h->status != SSHTUN_IDLE) {
		return SSHTUN_ERR_STATE;
	}
	if ((r = conn_apply_setting(&h->cfg, &one, &h->log)) != 0) {
		return r;
	}
	return remember(h, 2, one.key, text);
}

static int start(struct sshtun *h)
{
	int tap = h->cfg.tunnel == CFG_TUNNEL_ETHERNET;
	int unit = h->cfg.tun_local < 0 || h->cfg.tun_local == CFG_TUN_ANY ? TUN_ANY : h->cfg.tun_local;
	int r;

	int log_level = h->cfg.log_level;	/* LogLevel as the configuration gave it, CFG_UNSET if not */

	h->mtu_explicit = h->cfg.tunnel_mtu != CFG_UNSET;	/* before defaults fill it: the server's MTU yields to it */

	if ((r = cfg_finish(&h->cfg, &h->log)) != 0) {
		conn_fail(h, r, "invalid configuration (see the message above)");
		return r;
	}
	/* An explicit LogLevel (QUIET hides the server's banner, DEBUG3 shows everything) rules the log from here. */
	if (log_level != CFG_UNSET) {
		h->log.level = log_level;
	}
	{
		char why[300];

		if ((r = net_plan_local(&h->net, &h->cfg, h->mtu_explicit, tap, why, sizeof(why))) != 0) {
			conn_fail(h, r, "%s", why);
			return r;
		}
	}
	/* The device first: without it there is no point in connecting. */
	if ((r = tun_open(&h->dev, tap, unit, 1, &h->log)) != 0) {
		conn_fail(h, r, "cannot open a local %s device: %s", tap ? "tap" : "tun", sshtun_errhint(r));
		return r;
	}
	if ((r = conn_offload_setup(h)) != 0) {
		conn_fail(h, r, "out of memory for the device buffers");
		return r;
	}
	if ((r = io_setup(h)) != 0) {
		conn_fail(h, r, "cannot set up event handling");
		return r;
	}
	conn_set_status(h, SSHTUN_CONNECTING);
	return io_connect(h);
}

static void finish(struct sshtun *h)
{
	release_all(h);
	conn_set_status(h, h->err ? SSHTUN_FAILED : SSHTUN_STOPPED);
}

int sshtun_start(struct sshtun *h)
{
	int r;

	if (h->status != SSHTUN_IDLE) {
		return SSHTUN_ERR_STATE;
	}
	if (!h->cfg.host) {
		return SSHTUN_ERR_INVAL;
	}
	if (cry_fixed_for_fuzzing()) {
		return SSHTUN_ERR_FUZZ_BUILD;	/* its key exchange is fixed values: never connect */
	}
	r = start(h);
	if (r != 0) {
		finish(h);
	}
	return r;
}

int sshtun_event_fd(struct sshtun *h)
{
	return h->epfd;
}

int sshtun_timeout_ms(struct sshtun *h)
{
	return h->status >= SSHTUN_STOPPED ? -1 : 1000;
}

/* Turns a transport error into the user's line, unless a more specific cause was recorded. */
static void note_transport_error(struct sshtun *h, int r)
{
	if (r == SSHTUN_ERR_DISCONNECTED) {
		conn_fail(h, r, "server %s disconnected: %s", h->cfg.hostname, tp_disconnect_reason(h->tp));
	} else if (r == SSHTUN_ERR_BANNER) {
		conn_fail(h, r, "%s port %d did not answer as an SSH-2 server; check the port", h->cfg.hostname, h->cfg.port);
	} else {
		conn_fail(h, r, "connection to %s failed: %s; %s", h->cfg.hostname, sshtun_strerror(r), sshtun_errhint(r));
	}
}

static int dispatch(struct sshtun *h, int timeout_ms, const sigset_t *sigmask)
{
	int r;

	if (h->status == SSHTUN_IDLE || h->status >= SSHTUN_STOPPED) {
		return h->status;
	}
	r = io_dispatch(h, timeout_ms, sigmask);
	if (r < 0 || h->err) {
		if (h->tp && r < 0) {
			note_transport_error(h, r);
			io_flush(h);	/* a DISCONNECT may be queued: tell the server why */
		}
		if (conn_should_reconnect(h)) {
			conn_reconnect_begin(h, UINT64_MAX);	/* the device and its configuration stay */
			return h->status;
		}
		finish(h);
		return h->status;
	}
	return h->status;
}

int sshtun_dispatch_event(struct sshtun *h)
{
	return dispatch(h, 0, NULL);
}

int sshtun_dispatch_wait(struct sshtun *h, int timeout_ms, const sigset_t *sigmask)
{
	return dispatch(h, timeout_ms, sigmask);
}

/*
 * A stop ends the connection: EOF and CLOSE for the tunnel, then DISCONNECT, then the device is
 * removed. The server's CLOSE is not awaited: sshd (9.2) sends it for an idle tun channel only once
 * something else wakes it, which can be never.
 */
int sshtun_stop(struct sshtun *h)
{
	if (h->status == SSHTUN_IDLE || h->status >= SSHTUN_STOPPING) {
		return 0;
	}
	conn_set_status(h, SSHTUN_STOPPING);
	if (h->tp && !tp_is_closed(h->tp)) {
		if (h->tun_chan) {
			chan_close(&h->chans, h->tun_chan);
		}
		if (h->rc.chan) {
			chan_close(&h->chans, h->rc.chan);	/* the server's command sees its stdin end and undoes its work */
		}
		if (tp_is_ready(h->tp)) {
			tp_disconnect(h->tp, SSH_DISCONNECT_BY_APPLICATION, "disconnected by user");
		}
		io_flush(h);
	}
	finish(h);
	return 0;
}

int conn_reconnect_now(struct sshtun *h, const char *why)
{
	if (h->status < SSHTUN_CONNECTING || h->status >= SSHTUN_STOPPING || !h->was_up || h->dev.fd < 0) {
		return SSHTUN_ERR_STATE;
	}
	if (h->status == SSHTUN_RECONNECTING) {
		h->reconnect_at_ms = 0;	/* now, at the next tick */
		return 0;
	}
	if (h->tp && tp_is_ready(h->tp) && !tp_is_closed(h->tp)) {
		tp_disconnect(h->tp, SSH_DISCONNECT_BY_APPLICATION, "reconnecting");
		io_flush(h);
	}
	snprintf(h->errtext, sizeof(h->errtext), "%s", why);
	conn_reconnect_begin(h, 0);
	return 0;
}

int sshtun_reconnect(struct sshtun *h)
{
	return conn_reconnect_now(h, "reconnecting as asked");
}

int sshtun_dns_way(const struct sshtun *h)
{
	const char *cmd = h->cfg.tunnel_config_command;

	if (!SSHTUN_DNS || (h->cfg.n_tunnel_dns == 0 && (!cmd || !cmd[0]))) {
		return SSHTUN_DNS_NONE;	/* nothing can bring DNS servers or domains, or this build never applies them */
	}
#if SSHTUN_DNS
	switch (dns_method_now(&h->dns)) {
	case DNS_RESOLVED:
		return SSHTUN_DNS_RESOLVECTL;
	case DNS_RESOLVCONF:
		return SSHTUN_DNS_RESOLVCONF;
	default:
		return SSHTUN_DNS_FILE;
	}
#endif
}

int sshtun_cleanup(sshtun_log_fn fn, void *ud)
{
	struct lg log = { (lg_fn)fn, ud, LG_INFO };

	return ks_cleanup(&log);
}

int sshtun_status(const struct sshtun *h)
{
	return h->status;
}

int sshtun_error(const struct sshtun *h)
{
	return h->err;
}

const char *sshtun_error_text(const struct sshtun *h)
{
	return h->errtext;
}

int sshtun_syslog_facility(const struct sshtun *h)
{
	return h->cfg.syslog_facility == CFG_UNSET ? LOG_USER : h->cfg.syslog_facility;
}

/* Everything sshtun_get_info reports, in this build's struct. */
static void get_info(const struct sshtun *h, struct sshtun_info *info)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->device, sizeof(info->device), "%s", h->dev.name);
	info->ethernet = h->cfg.tunnel == CFG_TUNNEL_ETHERNET;
	{
		const struct net_addr *a4 = NULL, *a6 = NULL, *first;

		for (unsigned i = 0; i < h->net.naddr; i++) {
			if (h->net.addr[i].a.family == AF_INET6) {
				a6 = &h->net.addr[i];
			} else {
				a4 = &h->net.addr[i];
			}
		}
		/* address and peer: IPv4 when there is one, else IPv6; address6 and peer6: IPv6. */
		first = a4 ? a4 : a6;
		if (first) {
			tun_addr_format(info->address, sizeof(info->address), &first->a);
			if (first->peer.family) {
				tun_addr_format(info->peer, sizeof(info->peer), &first->peer);
			}
		}
		if (a6) {
			tun_addr_format(info->address6, sizeof(info->address6), &a6->a);
			if (a6->peer.family) {
				tun_addr_format(info->peer6, sizeof(info->peer6), &a6->peer);
			}
		}
	}
	info->mtu = (unsigned)(h->net.mtu > 0 ? h->net.mtu : 0);
	info->reconnects = h->reconnects;
	info->uptime_s = h->up_since_ms ? (io_now_ms() - h->up_since_ms) / 1000 : 0;
	info->first_up_s = h->first_up_ms ? (io_now_ms() - h->first_up_ms) / 1000 : 0;
	snprintf(info->last_loss, sizeof(info->last_loss), "%.*s", (int)sizeof(info->last_loss) - 1, h->last_loss);
	snprintf(info->server, sizeof(info->server), "%s@%s:%d", h->cfg.user ? h->cfg.user : "",
		h->cfg.hostname ? h->cfg.hostname : "", h->cfg.port);
	if (h->tp) {
		snprintf(info->server_version, sizeof(info->server_version), "%s", tp_server_version(h->tp));
		snprintf(info->cipher, sizeof(info->cipher), "%s", tp_cipher_name(h->tp));
		snprintf(info->kex, sizeof(info->kex), "%s", tp_kex_name(h->tp));
		info->bytes_out = tp_bytes_out(h->tp);
		info->bytes_in = tp_bytes_in(h->tp);
		info->rekeys = tp_kex_count(h->tp) ? tp_kex_count(h->tp) - 1 : 0;
	}
	if (h->tun_chan) {
		info->frames_out = h->tun_chan->tx_frames;
		info->frames_in = h->tun_chan->rx_frames;
		info->drops = h->tun_chan->drop_bad + h->tun_chan->drop_size + h->tun_chan->drop_window;
	}
	info->drops += h->dev_drops;
	info->acks_thinned = h->gro.thinned + h->ackq.thinned;
	info->rtt_us = h->rtt_us;
	if (h->tp) {
		snprintf(info->mac, sizeof(info->mac), "%s", tp_mac_name(h->tp) ? tp_mac_name(h->tp) : "");
		snprintf(info->compression, sizeof(info->compression), "%s", tp_comp_name(h->tp));
	}
}

int sshtun_get_info(const struct sshtun *h, struct sshtun_info *info, size_t size)
{
	struct sshtun_info all;

	/* The caller's struct may be an older, shorter one: only its size is written. */
	if (!info || size < offsetof(struct sshtun_info, mtu)) {
		return SSHTUN_ERR_INVAL;
	}
	get_info(h, &all);
	memcpy(info, &all, size < sizeof(all) ? size : sizeof(all));
	return 0;
}

int sshtun_algorithms(const char *kind, char *buf, size_t len)
{
	char tmp[2048];
	int r;

	if (!kind || !buf || len == 0) {
		return SSHTUN_ERR_INVAL;
	}
	if (strcmp(kind, "feature") == 0) {
		/* The optional parts this build has (util/features.h), for a program that must not ask for others. */
		snprintf(tmp, sizeof(tmp), "%s%s%s%s%s%s", SSHTUN_AGENT ? "agent," : "", SSHTUN_ZLIB ? "compression," : "",
			SSHTUN_CONFIG_MATCH ? "config-match," : "", SSHTUN_CONFIG_INCLUDE ? "config-include," : "",
			SSHTUN_KILLSWITCH ? "killswitch," : "", SSHTUN_SECCOMP ? "seccomp," : "");
		/* The parts a router's build may leave out (issue 17). */
		snprintf(tmp + strlen(tmp), sizeof(tmp) - strlen(tmp), "%s%s%s", SSHTUN_JUMP ? "jump," : "",
			SSHTUN_CONFIG_GET ? "config-get," : "", SSHTUN_DNS ? "dns," : "");
		/* Certificates and passphrase-protected key files (SSHTUN_CERT, SSHTUN_KEY_ENCRYPTED). */
		snprintf(tmp + strlen(tmp), sizeof(tmp) - strlen(tmp), "%s%s", SSHTUN_CERT ? "cert," : "",
			SSHTUN_KEY_ENCRYPTED ? "key-encrypted," : "");
		tmp[strlen(tmp) - (tmp[0] != '\0')] = '\0';	/* the last comma */
	} else if ((r = tp_supported(kind, tmp, sizeof(tmp))) != 0) {
		return r;
	}
	if (strlen(tmp) >= len) {
		return SSHTUN_ERR_TOO_LONG;
	}
	memcpy(buf, tmp, strlen(tmp) + 1);
	return 0;
}

/*
 * The configuration is made again from what the handle was given (as sshtun_reload makes it), so that asking
 * changes nothing: read once as given to tell a value set from a default, then finished as sshtun_start
 * finishes it (defaults, ~ and %-tokens) for the value itself.
 */
int sshtun_get_option(const struct sshtun *h, const char *keyword, char *buf, size_t len)
{
	struct cfg c;
	struct wire_w w;
	int r = 0, set, got;

	if (!h || !keyword || !buf || len == 0) {
		return SSHTUN_ERR_INVAL;
	}
	buf[0] = '\0';
	cfg_init(&c);
	wire_w_init(&w, 0);
	for (size_t i = 0; i < h->nsettings && r == 0; i++) {
		r = conn_apply_setting(&c, &h->settings[i], &h->log);
	}
	if (r != 0) {
		goto out;
	}
#if !SSHTUN_CONFIG_GET
	/*
	 * This build has no table to write values with (ssh/config_get.c); the configuration is finished all the same,
	 * so that what it refuses is said (sshtun -G checks a configuration this way), and only then is the call refused.
	 */
	(void)set;
	(void)got;
	if ((r = cfg_finish(&c, &h->log)) == 0) {
		LG_I(&h->log, "%.64s: this build cannot report configuration values (built with -DSSHTUN_CONFIG_GET=0)",
			keyword);
		r = SSHTUN_ERR_NOT_SUPPORTED;
	}
	goto out;
#else
	if ((set = got = cfg_get(&c, keyword, &w)) < 0) {
		r = SSHTUN_ERR_NOT_SUPPORTED;
		goto out;
	}
	/* The name given and the aliases of the files are what was given: nothing to finish (and no host needed). */
	if (strcasecmp(keyword, "Host") != 0 && strcasecmp(keyword, "HostAliases") != 0) {
		if ((r = cfg_finish(&c, &h->log)) != 0) {
			goto out;
		}
		wire_w_reset(&w);
		got = cfg_get(&c, keyword, &w);
	}
	if (!got) {
		r = SSHTUN_ERR_NO_VALUE;
	} else if (wire_w_err(&w) != 0 || w.len >= len) {
		r = SSHTUN_ERR_TOO_LONG;
	} else {
		memcpy(buf, w.p, w.len);
		buf[w.len] = '\0';
		r = set ? 0 : SSHTUN_OPTION_DEFAULT;
	}
#endif
out:
	wire_w_free(&w);
	cfg_free(&c);
	return r;
}
