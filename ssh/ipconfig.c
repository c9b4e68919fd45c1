/*
 * sshtun: sshtun_get_ipconfig, the tunnel's IP configuration for the program: the merged plan (net_plan: the
 * command line and the server's TunnelConfigCommand), with TunnelRoute default's routes, the DNS servers and
 * domains, as text. With TunnelConfigure no it is what the program applies itself (NetworkManager does).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ssh/conn_int.h"

/* An address without its prefix, as text. */
static void addr_text(char *out, size_t len, const struct tun_addr *a)
{
	struct tun_addr bare = *a;

	bare.prefix = -1;
	if (a->family) {
		tun_addr_format(out, len, &bare);
	} else {
		out[0] = '\0';
	}
}

static void fill(const struct sshtun *h, struct sshtun_ipconfig *c)
{
	const struct net_plan *p = &h->net;
	const struct rconf *rc = h->rc.state == RC_APPLIED ? &h->rc.conf : NULL;
	struct tun_addr server;

	memset(c, 0, sizeof(*c));
	snprintf(c->device, sizeof(c->device), "%s", h->dev.name);
	c->ethernet = h->dev.tap;
	c->applied = h->cfg.tunnel_configure != 0;
	c->mtu = p->mtu > 0 ? (unsigned)p->mtu : 0;
	for (unsigned i = 0; i < p->naddr && c->naddr < SSHTUN_IPC_ADDRS; i++) {
		const struct net_addr *a = &p->addr[i];

		c->addr[c->naddr].family = a->a.family;
		addr_text(c->addr[c->naddr].address, sizeof(c->addr[0].address), &a->a);
		c->addr[c->naddr].prefix = a->a.prefix >= 0 ? (unsigned)a->a.prefix : (a->a.family == AF_INET ? 32 : 128);
		addr_text(c->addr[c->naddr].peer, sizeof(c->addr[0].peer), &a->peer);
		c->naddr++;
	}
	for (unsigned i = 0; i < p->nroute && c->nroute < SSHTUN_IPC_ROUTES; i++) {
		const struct net_route *r = &p->route[i];

		c->route[c->nroute].family = r->dst.family;
		addr_text(c->route[c->nroute].dest, sizeof(c->route[0].dest), &r->dst);
		c->route[c->nroute].prefix = r->dst.prefix >= 0 ? (unsigned)r->dst.prefix : 0;
		addr_text(c->route[c->nroute].gateway, sizeof(c->route[0].gateway), &r->gw);
		c->route[c->nroute].mtu = r->mtu;
		c->nroute++;
	}
	c->default_route = p->want_default;
	if (io_peer_addr((struct sshtun *)h, &server) == 0) {
		addr_text(c->server, sizeof(c->server), &server);
	}
	/* TunnelDNS wins over the server's DNS lines, as dns_apply takes them. */
	for (int i = 0; i < h->cfg.n_tunnel_dns && c->ndns < SSHTUN_IPC_DNS; i++) {
		snprintf(c->dns[c->ndns++], sizeof(c->dns[0]), "%s", h->cfg.tunnel_dns[i]);
	}
	for (unsigned i = 0; rc && h->cfg.n_tunnel_dns == 0 && i < rc->ndns && c->ndns < SSHTUN_IPC_DNS; i++) {
		addr_text(c->dns[c->ndns++], sizeof(c->dns[0]), &rc->dns[i]);
	}
	for (unsigned i = 0; rc && i < rc->ndomains && c->ndomains < SSHTUN_IPC_DOMAINS; i++) {
		snprintf(c->domains[c->ndomains++], sizeof(c->domains[0]), "%s", rc->domains[i]);
	}
}

int sshtun_get_ipconfig(const struct sshtun *h, struct sshtun_ipconfig *c, size_t size)
{
	struct sshtun_ipconfig all;

	if (!c || size < offsetof(struct sshtun_ipconfig, ndomains)) {
		return SSHTUN_ERR_INVAL;
	}
	if (!h->was_up) {
		return SSHTUN_ERR_STATE;
	}
	fill(h, &all);
	memcpy(c, &all, size < sizeof(all) ? size : sizeof(all));
	return 0;
}
