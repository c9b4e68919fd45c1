/*
 * sshtun: sshtun_reload, SIGHUP's work: the configuration is made again from what was given (the parameters and
 * the files, in their order) and the connection made again under it, the device kept. What belongs to the
 * device or to this process's setup (the tunnel's layer and local unit, the bridge, the kill switch and, with
 * it, the server's address) stays as it was, with a warning; a configuration that no longer parses leaves the
 * old one in place.
 */
#include <stdlib.h>
#include <string.h>

#include "ssh/conn_int.h"

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_dns(const struct cfg *a, const struct cfg *b)
{
	if (a->n_tunnel_dns != b->n_tunnel_dns) {
		return 0;
	}
	for (int i = 0; i < a->n_tunnel_dns; i++) {
		if (strcmp(a->tunnel_dns[i], b->tunnel_dns[i]) != 0) {
			return 0;
		}
	}
	return 1;
}

/* Puts the old value of what cannot change while sshtun runs back into n, saying so. */
static int keep_fixed(struct sshtun *h, struct cfg *n)
{
	const struct cfg *o = &h->cfg;

	if (n->tunnel != o->tunnel || n->tun_local != o->tun_local) {
		LG_W(&h->log, "reload: Tunnel and the local TunnelDevice belong to the device and stay as they were until "
			"sshtun is restarted");
		n->tunnel = o->tunnel;
		n->tun_local = o->tun_local;
	}
	if (!same_str(n->tunnel_bridge, o->tunnel_bridge)) {
		LG_W(&h->log, "reload: TunnelBridge stays as it was until sshtun is restarted");
		free(n->tunnel_bridge);
		if (o->tunnel_bridge && !(n->tunnel_bridge = strdup(o->tunnel_bridge))) {
			return SSHTUN_ERR_NOMEM;
		}
		if (!o->tunnel_bridge) {
			n->tunnel_bridge = NULL;
		}
	}
	if (n->tunnel_kill_switch != o->tunnel_kill_switch) {
		LG_W(&h->log, "reload: TunnelKillSwitch stays %s until sshtun is restarted", o->tunnel_kill_switch == 1 ? "on" : "off");
		n->tunnel_kill_switch = o->tunnel_kill_switch;
	}
	if (h->ks.on && (!same_str(n->hostname, o->hostname) || n->port != o->port)) {
		/* The kill switch lets through the addresses resolved at start: the server stays the one it lets through. */
		LG_W(&h->log, "reload: with TunnelKillSwitch the server stays %s port %d until sshtun is restarted",
			o->hostname, o->port);
		free(n->hostname);
		if (!(n->hostname = strdup(o->hostname))) {
			return SSHTUN_ERR_NOMEM;
		}
		n->port = o->port;
	}
	return 0;
}

int sshtun_reload(struct sshtun *h)
{
	struct cfg n;
	int r = 0, log_level;

	if (h->status < SSHTUN_CONNECTING || h->status >= SSHTUN_STOPPING || !h->was_up || h->dev.fd < 0) {
		return SSHTUN_ERR_STATE;
	}
	cfg_init(&n);
	for (size_t i = 0; i < h->nsettings && r == 0; i++) {
		r = conn_apply_setting(&n, &h->settings[i], &h->log);
	}
	log_level = n.log_level;
	h->mtu_explicit = n.tunnel_mtu != CFG_UNSET;
	if (r == 0) {
		r = cfg_finish(&n, &h->log);
	}
	if (r == 0) {
		r = keep_fixed(h, &n);
	}
	if (r != 0) {
		LG_E(&h->log, "reload: the configuration is not valid (see above); the one in use stays");
		h->mtu_explicit = h->cfg.tunnel_mtu != CFG_UNSET;
		cfg_free(&n);
		return r;
	}
	h->dns_stale = !same_dns(&n, &h->cfg);
	if (log_level != CFG_UNSET) {
		h->log.level = log_level;
	}
	cfg_free(&h->cfg);
	h->cfg = n;
	return conn_reconnect_now(h, "configuration read again, reconnecting as asked");
}
