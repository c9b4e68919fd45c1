/* sshtun: the connection as a whole: from transport to authentication to the tunnel, and the local device. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ssh/conn_int.h"
#include "util/mem.h"

void conn_set_status(struct sshtun *h, int status)
{
	if (h->status == status) {
		return;
	}
	h->status = status;
	if (h->status_cb) {
		h->status_cb(h->status_ud, status);
	}
}

void conn_fail(struct sshtun *h, int err, const char *fmt, ...)
{
	va_list ap;

	if (h->err) {
		return;	/* the first cause is the one the user needs */
	}
	h->err = err;
	va_start(ap, fmt);
	vsnprintf(h->errtext, sizeof(h->errtext), fmt, ap);
	va_end(ap);
	LG_D1(&h->log, "failing: %s", h->errtext);
}

/*
 * The tunnel's DNS servers (TunnelDNS, else the server's) and the server's domains. A build without SSHTUN_DNS
 * refuses TunnelDNS and only names the server's (ssh/remote.c): nothing to do here.
 */
static int configure_dns(struct sshtun *h)
{
#if !SSHTUN_DNS
	(void)h;
	return 0;
#else
	struct tun_addr servers[RCONF_DNS_MAX];
	const struct rconf *rc = h->rc.state == RC_APPLIED ? &h->rc.conf : NULL;
	unsigned n = 0;

	for (int i = 0; i < h->cfg.n_tunnel_dns && n < RCONF_DNS_MAX; i++) {
		if (tun_addr_parse(&servers[n], h->cfg.tunnel_dns[i]) == 0) {
			n++;
		}
	}
	if (n == 0 && rc) {	/* TunnelDNS replaces the server's list */
		for (unsigned i = 0; i < rc->ndns; i++) {
			servers[n++] = rc->dns[i];
		}
	}
	if (n == 0 && (!rc || rc->ndomains == 0)) {
		return 0;
	}
	return dns_apply(&h->dns, h->dev.name, h->dev.ifindex, servers, n, rc ? (const char(*)[RCONF_NAME_MAX + 2])rc->domains : NULL,
		rc ? rc->ndomains : 0, &h->log);
#endif
}

/* Configures the local device: addresses, MTU, link up, bridge, routes (netcfg.c), DNS (dns.c). */
/* 1 if the process may configure interfaces (CAP_NET_ADMIN in its effective set). */
static int have_net_admin(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0) {
		return 1;	/* unknown: try, and let the kernel say */
	}
	return (data[CAP_NET_ADMIN / 32].effective >> (CAP_NET_ADMIN % 32)) & 1;
}

/*
 * Without CAP_NET_ADMIN, on a persistent device root made for this user (ip tuntap add ... user NAME): the
 * device is used as root configured it, and what sshtun would have set is said, once, with how to get it set.
 */
static void say_unconfigured(struct sshtun *h)
{
	char what[512] = "", a[64];
	size_t n = 0;

	for (unsigned i = 0; i < h->net.naddr && n < sizeof(what); i++) {
		tun_addr_format(a, sizeof(a), &h->net.addr[i].a);
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%saddress %s", n ? ", " : "", a);
	}
	if (h->net.mtu > 0 && n < sizeof(what)) {
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%sMTU %d", n ? ", " : "", h->net.mtu);
	}
	if (h->net.nroute > 0 && n < sizeof(what)) {
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%s%u routes", n ? ", " : "", h->net.nroute);
	}
	if (h->net.bridge[0] && n < sizeof(what)) {
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%sbridge %s", n ? ", " : "", h->net.bridge);
	}
	LG_W(&h->log, "no CAP_NET_ADMIN: %s is used as it was set up%s%s, and no DNS is set; to have sshtun set them, "
		"run it as root or give it the capability (setcap cap_net_admin+ep sshtun, make install-caps)", h->dev.name,
		n ? "; not set: " : "", what);
}

static int configure_device(struct sshtun *h)
{
	struct tun_addr server;
	int r;

	if (h->cfg.tunnel_configure == 0) {
		/* The program configures the device itself (sshtun_get_ipconfig): the plan, complete, is only reported. */
		LG_D1(&h->log, "TunnelConfigure no: %s is left for the program to configure", h->dev.name);
		return net_plan_finish(&h->net) != 0 ? SSHTUN_ERR_LIMIT : 0;
	}
	if (!h->dev.created && !have_net_admin()) {
		say_unconfigured(h);
		return 0;
	}
	if (h->nl.fd <= 0 && (r = tun_nl_open(&h->nl, &h->log)) != 0) {
		return r;
	}
	if (io_peer_addr(h, &server) != 0) {
		memset(&server, 0, sizeof(server));
	}
	if ((r = net_apply(&h->net, &h->nl, h->dev.ifindex, &server)) != 0) {
		return r;
	}
	return configure_dns(h);
}

void conn_teardown_device(struct sshtun *h)
{
	conn_local_down(h);	/* while the device and its configuration are still there */
	if (h->dev.fd >= 0 && h->tun_chan) {
		LG_D1(&h->log, "device %s: %llu frames to the tunnel, %llu from it, %llu redundant ACKs not relayed",
			h->dev.name, (unsigned long long)h->tun_chan->tx_frames, (unsigned long long)h->tun_chan->rx_frames,
			(unsigned long long)(h->gro.thinned + h->ackq.thinned));
	}
	if (h->tp && strcmp(tp_comp_name(h->tp), "none") != 0) {
		uint64_t z[4];

		tp_comp_stats(h->tp, z);
		LG_D1(&h->log, "compression %s: out %llu bytes as %llu (%.2f), in %llu bytes from %llu (%.2f)",
			tp_comp_name(h->tp), (unsigned long long)z[0], (unsigned long long)z[1],
			z[1] ? (double)z[0] / (double)z[1] : 0.0, (unsigned long long)z[2], (unsigned long long)z[3],
			z[3] ? (double)z[2] / (double)z[3] : 0.0);
	}
	if (h->pings_sent > 0) {
		LG_D1(&h->log, "pings: %llu sent, %llu answered, last round trip %u.%03u ms", (unsigned long long)h->pings_sent,
			(unsigned long long)h->pongs, h->rtt_us / 1000, h->rtt_us % 1000);
	}
	if (h->chans.keepalives_sent > 0) {
		LG_D1(&h->log, "keepalives: %llu sent, %llu answered", (unsigned long long)h->chans.keepalives_sent,
			(unsigned long long)h->chans.keepalives_answered);
	}
	dns_restore(&h->dns, &h->log);
	if (h->dev.fd >= 0 && h->nl.fd > 0) {
		/* Exactly what was added goes; a device we found stays, but down. */
		net_undo(&h->net, &h->nl, h->dev.ifindex, !h->dev.created);
	}
	if (h->nl.fd > 0) {
		tun_nl_close(&h->nl);
		h->nl.fd = -1;
	}
	tun_close(&h->dev);
	/* Back to the system before free(), which would keep pages of a block from its heap resident. */
	mem_release(h->gso_buf, GSO_BUF);
	mem_release(h->gro_buf, GRO_BUF);
	free(h->gso_buf);
	free(h->gro_buf);
	h->gso_buf = NULL;
	h->gro_buf = NULL;
	h->gso_active = 0;
}

/* After a reconnect: the device is configured; what changed in the server's configuration is done again. */
static int reconfigure(struct sshtun *h, const struct net_plan *want, int dns_changed)
{
	struct net_plan w = *want;
	int r;

	if (net_plan_finish(&w) != 0) {
		return SSHTUN_ERR_LIMIT;
	}
	if (h->cfg.tunnel_configure == 0) {
		h->net = w;	/* nothing was applied: the program reads the new plan at the next SSHTUN_UP */
		return 0;
	}
	if (!net_plan_same(&h->net, &w)) {
		LG_W(&h->log, "the configuration changed (the server's, or ours on a reload): %s is configured again to match",
			h->dev.name);
		dns_restore(&h->dns, &h->log);
		net_undo(&h->net, &h->nl, h->dev.ifindex, 0);
		h->net = w;
		return configure_device(h);
	}
	if (dns_changed) {
		LG_W(&h->log, "the server's DNS servers or domains changed: set again");
		dns_restore(&h->dns, &h->log);
		if ((r = configure_dns(h)) != 0) {
			return r;
		}
	}
	return 0;
}

int conn_tunnel_ready(struct sshtun *h, const struct net_plan *want, int dns_changed)
{
	char addr[64] = "", peer[64] = "";
	int r;

	if (!h->was_up) {
		if (want) {
			h->net = *want;
		}
		r = configure_device(h);
	} else {
		r = want ? reconfigure(h, want, dns_changed || h->dns_stale) : 0;
		h->dns_stale = 0;
	}
	if (r != 0) {
		conn_fail(h, r, "cannot configure %s: %s; %s", h->dev.name, sshtun_strerror(r), sshtun_errhint(r));
		return r;
	}
	if (io_add_tun(h) != 0) {
		conn_fail(h, SSHTUN_ERR_SYS, "cannot watch %s for packets", h->dev.name);
		return SSHTUN_ERR_SYS;
	}
	if (h->net.naddr) {
		tun_addr_format(addr, sizeof(addr), &h->net.addr[0].a);
		if (h->net.addr[0].peer.family) {
			tun_addr_format(peer, sizeof(peer), &h->net.addr[0].peer);
		}
	}
	LG_D1(&h->log, "tunnel up: %s%s%s%s%s via %s@%s:%d (%s)", h->dev.name, *addr ? " " : "", addr,
		*peer ? " peer " : "", peer, h->cfg.user, h->cfg.hostname, h->cfg.port, tp_cipher_name(h->tp));
	conn_ping(h);	/* a first round trip for the connection's info, where the server answers pings */
	h->up_since_ms = io_now_ms();
	if (h->was_up) {
		h->reconnects++;
		conn_set_status(h, SSHTUN_UP);
		return 0;	/* LocalCommand ran when the tunnel first came up; the device never went away */
	}
	h->was_up = 1;
	h->first_up_ms = h->up_since_ms;
	h->local_up_ran = 1;
	conn_set_status(h, SSHTUN_UP);
	return conn_local_up(h);
}

static void on_opened(void *ud, struct chan *c)
{
	struct sshtun *h = ud;
	int r;

	if (c->type == CH_SESSION) {
		conn_remote_opened(h, c);
		return;
	}
	if (SSHTUN_JUMP && c->type == CH_DIRECT) {
		conn_jump_opened(h, c);
		return;
	}
	/* With TunnelConfigCommand the device waits for the server's configuration; else it is configured now. */
	if (h->cfg.tunnel_config_command && h->cfg.tunnel_config_command[0]) {
		if ((r = conn_remote_start(h)) != 0) {
			conn_fail(h, r, "cannot ask the server for the tunnel's configuration: %s", sshtun_strerror(r));
		}
		return;
	}
	if (!h->was_up) {
		r = conn_tunnel_ready(h, NULL, 0);
	} else {
		/* Again after a loss: the plan from the configuration, which sshtun_reload may have changed. */
		struct net_plan want;
		char why[300];

		if ((r = net_plan_local(&want, &h->cfg, h->mtu_explicit, h->cfg.tunnel == CFG_TUNNEL_ETHERNET, why,
			     sizeof(why))) != 0) {
			conn_fail(h, r, "%s", why);
		} else {
			r = conn_tunnel_ready(h, &want, 0);
		}
	}
	if (r != 0) {
		chan_close(&h->chans, c);
	}
}

static void on_open_failed(void *ud, struct chan *c)
{
	struct sshtun *h = ud;

	if (SSHTUN_JUMP && c->type == CH_DIRECT) {
		conn_jump_open_failed(h, c);
		return;
	}
	if (c->type == CH_SESSION) {
		conn_fail(h, SSHTUN_ERR_REMOTE_CONFIG, "the server refused a session for TunnelConfigCommand (%s, code %u); "
			"check that the server allows sessions for this key (no restrict without permit-open...)",
			c->fail_msg[0] ? c->fail_msg : "no reason given", c->fail_code);
		return;
	}

	conn_fail(h, SSHTUN_ERR_TUN_REFUSED,
		"server refused the tunnel (%s, code %u); check PermitTunnel in sshd_config (or tunnel= in authorized_keys), "
		"and that the server may open the %s device", c->fail_msg[0] ? c->fail_msg : "no reason given", c->fail_code,
		h->cfg.tunnel == CFG_TUNNEL_ETHERNET ? "tap" : "tun");
}

int conn_offload_setup(struct sshtun *h)
{
	if (!h->dev.vnet) {
		return 0;
	}
	h->gso_buf = malloc(GSO_BUF);
	h->gro_buf = h->dev.tso ? malloc(GRO_BUF) : NULL;
	if (!h->gso_buf || (h->dev.tso && !h->gro_buf)) {
		return SSHTUN_ERR_NOMEM;
	}
	if (h->gro_buf) {
		tun_gro_init(&h->gro, h->gro_buf, GRO_BUF, h->dev.tap ? 14 : 0);
		h->gro.thin = h->cfg.tunnel_ack_thinning == 1;
	}
	tun_ackq_init(&h->ackq);
	return 0;
}

void conn_shrink(struct sshtun *h)
{
	if (h->tp) {
		tp_shrink(h->tp);
	}
	/* The offload buffers between batches: no super-packet half split, no frame batched for the device. */
	if (h->gso_buf && !h->gso_active) {
		mem_release(h->gso_buf, GSO_BUF);
	}
	if (h->gro_buf && h->gro.n == 0) {
		mem_release(h->gro_buf, GRO_BUF);
	}
	/* A jump host's relay: what the jump host sent us is all written on. */
	if (SSHTUN_JUMP && h->jump.buf && h->jump.len == 0) {
		h->jump.off = 0;
		mem_release(h->jump.buf, h->jump.cap);
	}
}

/* One write per item; a device that cannot take a packet drops it, like a full link. Returns the writes made. */
size_t conn_flush_frames(struct sshtun *h)
{
	const uint8_t *p = NULL;
	size_t n = 0, writes = 0;

	if (!h->gro_buf) {
		return 0;
	}
	while (tun_gro_next(&h->gro, &p, &n)) {
		if (write(h->dev.fd, p, n) != (ssize_t)n) {
			h->dev_drops++;
		}
		writes++;
	}
	tun_gro_reset(&h->gro);
	return writes;
}

static void on_frame(void *ud, struct chan *c, const uint8_t *p, size_t n)
{
	struct sshtun *h = ud;

	(void)c;
	if (h->gro_buf) {
		if (tun_gro_add(&h->gro, p, n) == SSHTUN_ERR_LIMIT) {
			conn_flush_frames(h);
			if (tun_gro_add(&h->gro, p, n) != 0) {
				h->dev_drops++;
			}
		}
		return;
	}
	if (h->dev.vnet) {
		static const uint8_t none[TUN_VNET_HDR_LEN];
		struct iovec iov[2] = { { (void *)none, sizeof(none) }, { (void *)p, n } };
		if (writev(h->dev.fd, iov, 2) != (ssize_t)(n + sizeof(none))) {
			h->dev_drops++;
		}
		return;
	}
	if (write(h->dev.fd, p, n) != (ssize_t)n) {
		h->dev_drops++;	/* device queue full or down: like a full link, the packet is lost */
	}
}

static void on_closed(void *ud, struct chan *c)
{
	struct sshtun *h = ud;

	if (c->type == CH_SESSION) {
		conn_remote_closed(h, c);
		return;
	}
	if (SSHTUN_JUMP && c->type == CH_DIRECT) {
		conn_jump_closed(h, c);
		return;
	}
	if (c == h->tun_chan) {
		h->tun_chan = NULL;
		if (h->status == SSHTUN_UP) {
			LG_I(&h->log, "server closed the tunnel");
		}
	}
}

static void on_data(void *ud, struct chan *c, int ext, const uint8_t *p, size_t n)
{
	if (SSHTUN_JUMP && c->type == CH_DIRECT) {
		conn_jump_data(ud, c, p, n);
		return;
	}
	conn_remote_data(ud, c, ext, p, n);
}

static void on_eof(void *ud, struct chan *c)
{
	if (SSHTUN_JUMP && c->type == CH_DIRECT) {
		conn_jump_eof(ud, c);
		return;
	}
	conn_remote_eof(ud, c);
}

static void on_exited(void *ud, struct chan *c, int status, const char *signal)
{
	conn_remote_exited(ud, c, status, signal);
}

static void on_reply(void *ud, struct chan *c, int ok)
{
	conn_remote_reply(ud, c, ok);
}

int conn_protocol_start(struct sshtun *h)
{
	static const struct chan_events ev = { on_opened, on_open_failed, on_frame, on_closed, on_data, on_eof, on_exited,
		on_reply };
	struct tp_config tc;

	memset(&tc, 0, sizeof(tc));
	tc.ciphers = h->cfg.ciphers;
	tc.macs = h->cfg.macs;
	tc.kex_algorithms = h->cfg.kex_algorithms;
	tc.hostkey_algorithms = h->cfg.hostkey_algorithms;
	conn_known_types(h, h->hostkey_prefer, sizeof(h->hostkey_prefer));
	tc.hostkey_prefer = h->hostkey_prefer;
	tc.required_rsa_bits = (unsigned)h->cfg.required_rsa_size;
	tc.warn_not_pq = h->cfg.warn_weak_crypto != 0;
	tc.compression = h->cfg.compression == 1;
	tc.rekey_bytes = h->cfg.rekey_bytes > 0 ? (uint64_t)h->cfg.rekey_bytes : 0;
	tc.rekey_seconds = h->cfg.rekey_seconds > 0 ? (uint32_t)h->cfg.rekey_seconds : 0;
	tc.hostkey_cb = conn_check_hostkey;
	tc.ud = h;
	tc.log = &h->log;
	tc.trace = h->trace;
	tc.trace_ud = h->trace_ud;
	h->tp = tp_new(&tc);
	if (!h->tp) {
		return SSHTUN_ERR_NOMEM;
	}
	chan_init(&h->chans, h->tp, &ev, h, &h->log);
	return tp_start(h->tp);
}

static int on_authenticated(struct sshtun *h)
{
	int mode = h->cfg.tunnel == CFG_TUNNEL_ETHERNET ? CH_TUN_ETHERNET : CH_TUN_POINTOPOINT;
	uint32_t unit = h->cfg.tun_remote < 0 || h->cfg.tun_remote == CFG_TUN_ANY ? CH_TUN_ANY : (uint32_t)h->cfg.tun_remote;

	conn_free_identities(h);	/* keys are not needed any more: wipe them now */
	if (SSHTUN_JUMP && h->jump.parent) {
		return conn_jump_open(h);	/* a jump host: a channel to the next host, no tunnel */
	}
	conn_set_status(h, SSHTUN_OPENING);
	return chan_tun_open(&h->chans, mode, unit, &h->tun_chan);
}

/* What userauth said: 1 authenticated, 0 go on, or the error that ends the connection (named for the user). */
static int auth_result(struct sshtun *h, int r)
{
	if (r == SSHTUN_ERR_AUTH_FAILED) {
		const char *allows = h->ua.methods[0] ? h->ua.methods : "no method sshtun offers";

		if (h->auth_note[0]) {
			conn_fail(h, r, "authentication as %s@%s failed (server allows %s)%s", h->cfg.user, h->cfg.hostname,
				allows, h->auth_note);
		} else if (h->ua.tried[0] && strcmp(h->ua.tried, "publickey") != 0) {
			conn_fail(h, r, "authentication as %s@%s failed: server allows %s, tried %s; check the user, the password "
				"or answers, and the keys in the server's authorized_keys", h->cfg.user, h->cfg.hostname, allows,
				h->ua.tried);
		} else {
			conn_fail(h, r, "authentication as %s@%s failed: server allows %s; check the user and that one of your keys "
				"is in the server's authorized_keys", h->cfg.user, h->cfg.hostname, allows);
		}
	}
	return r == 1 ? on_authenticated(h) : r;
}

/* The user's answers to a password or keyboard-interactive question. */
static int on_auth_answer(struct sshtun *h, void *ctx, const char *const *answers, unsigned n)
{
	(void)ctx;
	if (h->status != SSHTUN_AUTHENTICATING || h->ua.state != UA_ASKING) {
		return 0;
	}
	return auth_result(h, ua_answer(&h->ua, answers, n));
}

/* Userauth's questions become the library's prompt events. */
static int auth_ask(void *ud, int kind, const char *name, const char *instruction, unsigned n, const char *const *q,
	const int *echo)
{
	struct sshtun *h = ud;
	int k = kind == UA_ASK_PASSWORD ? SSHTUN_PROMPT_PASSWORD :
		kind == UA_ASK_NEW_PASSWORD ? SSHTUN_PROMPT_NEW_PASSWORD : SSHTUN_PROMPT_KEYBOARD;

	return conn_ask(h, k, name, instruction, n, q, echo, on_auth_answer, NULL);
}

int conn_auth_resume(struct sshtun *h)
{
	if (h->status != SSHTUN_AUTHENTICATING || !ua_waiting(&h->ua)) {
		return 0;	/* the connection moved on (or ended) while the question was open */
	}
	return auth_result(h, ua_resume(&h->ua));
}

int conn_ping(struct sshtun *h)
{
	uint8_t stamp[8];
	uint64_t now = io_now_us();
	int r;

	if (!h->tp || !tp_server_has_ext(h->tp, "ping@openssh.com")) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	for (int i = 0; i < 8; i++) {
		stamp[i] = (uint8_t)(now >> (56 - 8 * i));
	}
	if ((r = tp_ping(h->tp, stamp, sizeof(stamp))) == 0) {
		h->pings_sent++;
	}
	return r;
}

/* A PONG: if it carries one of our stamps, the round trip it took. Anything else in it is ignored. */
static void on_pong(struct sshtun *h, const struct tp_msg *m)
{
	struct wire_r r;
	uint8_t type = 0, stamp[8];
	uint64_t sent = 0, now = io_now_us();

	wire_r_init(&r, m->payload, m->len);
	wire_get_u8(&r, &type);
	wire_get_string_exact(&r, stamp, sizeof(stamp));
	if (wire_end(&r) != 0) {
		return;
	}
	for (int i = 0; i < 8; i++) {
		sent = sent << 8 | stamp[i];
	}
	if (sent <= now && now - sent < 3600ULL * 1000000) {
		h->pongs++;
		h->rtt_us = (uint32_t)(now - sent);
		LG_D2(&h->log, "ping: round trip %u.%03u ms", h->rtt_us / 1000, h->rtt_us % 1000);
	}
}

/* One application message from the transport, by connection stage. */
static int dispatch(struct sshtun *h, const struct tp_msg *m)
{
	if (m->type == SSH_MSG_PONG) {
		on_pong(h, m);
		return 0;
	}
	if (h->status == SSHTUN_AUTHENTICATING) {
		if (m->type != SSH_MSG_SERVICE_ACCEPT && (m->type < 50 || m->type > 79)) {
			return SSHTUN_ERR_PROTOCOL;
		}
		return auth_result(h, ua_handle(&h->ua, m));
	}
	if (m->type < 80) {
		return SSHTUN_ERR_PROTOCOL;	/* no userauth or transport messages after authentication */
	}
	return chan_handle(&h->chans, m);
}

int conn_process(struct sshtun *h)
{
	struct tp_msg m;
	int r;

	while ((r = tp_poll(h->tp, &m)) == 1) {
		if ((r = dispatch(h, &m)) < 0) {
			conn_flush_frames(h);
			if (r == SSHTUN_ERR_PROTOCOL) {
				LG_D1(&h->log, "unexpected message %u (%zu bytes) from the server", m.type, m.len);
				tp_disconnect(h->tp, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected message");
			}
			return r;
		}
		if (h->err) {
			return h->err;
		}
	}
	/* Frames batched for the device stay batched: the I/O loop writes them after its send (io_dispatch). */
	if (r < 0) {
		conn_flush_frames(h);
		return r;
	}
	if (h->status == SSHTUN_CONNECTING && tp_is_ready(h->tp)) {
		conn_set_status(h, SSHTUN_AUTHENTICATING);
		/* As ssh's ConnectTimeout: connecting and the key exchange. Questions for the user may take their time. */
		h->deadline_ms = 0;
		r = conn_load_identities(h);
		if (r != 0) {
			return r > 0 ? 0 : r;	/* 1: the agent is being asked; userauth starts when it answers */
		}
		return conn_auth_start(h);
	}
	return h->err;
}

int conn_auth_start(struct sshtun *h)
{
	struct ua_opts opts;
	int r;

	ua_init(&h->ua, h->tp, h->cfg.user, h->ids, h->n_ids, &h->log);
	if ((r = ua_set_algorithms(&h->ua, h->cfg.pubkey_algorithms)) != 0) {
		return r;
	}
	memset(&opts, 0, sizeof(opts));
	opts.host = h->cfg.hostname;
	opts.preferred = h->cfg.preferred_auth;
	opts.pubkey = h->cfg.pubkey_auth == 1;
	opts.kbdint = h->cfg.kbdint_auth == 1;
	opts.password = h->cfg.password_auth == 1;
	opts.prompts = h->cfg.password_prompts;
	opts.ask = auth_ask;
	opts.ask_ud = h;
	ua_set_opts(&h->ua, &opts);
	return ua_start(&h->ua);
}
