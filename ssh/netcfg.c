/* sshtun: the local end's addresses, MTU and routes: planned from the options and the server's configuration. */
#include "ssh/netcfg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "sshtun_err.h"

static int why_fmt(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int why_fmt(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return SSHTUN_ERR_CONFIG;
}

static struct net_addr *addr_of(struct net_plan *p, int family)
{
	for (unsigned i = 0; i < p->naddr; i++) {
		if (p->addr[i].a.family == family) {
			return &p->addr[i];
		}
	}
	return NULL;
}

/* Clears the host bits of a network address. */
static void mask(struct tun_addr *a)
{
	int len = a->family == AF_INET6 ? 16 : 4;

	for (int i = 0; i < len; i++) {
		int bits = a->prefix - 8 * i;

		if (bits <= 0) {
			a->a[i] = 0;
		} else if (bits < 8) {
			a->a[i] &= (uint8_t)(0xff << (8 - bits));
		}
	}
}

static int add_route(struct net_plan *p, const struct tun_addr *dst, const struct tun_addr *gw, unsigned mtu)
{
	struct net_route rt;

	memset(&rt, 0, sizeof(rt));
	rt.mtu = mtu;
	rt.dst = *dst;
	mask(&rt.dst);
	if (gw && gw->family) {
		rt.gw = *gw;
		rt.gw.prefix = -1;
	}
	for (unsigned i = 0; i < p->nroute; i++) {
		if (memcmp(&p->route[i].dst, &rt.dst, sizeof(rt.dst)) == 0) {
			return 0;	/* the first route to a network wins: the command line's */
		}
	}
	if (p->nroute == NET_ROUTES_MAX) {
		return SSHTUN_ERR_LIMIT;
	}
	p->route[p->nroute++] = rt;
	return 0;
}

int net_plan_local(struct net_plan *p, const struct cfg *c, int mtu_explicit, int tap, char *why, size_t whylen)
{
	struct tun_addr a, peer;

	memset(p, 0, sizeof(*p));
	p->mtu = c->tunnel_mtu > 0 ? c->tunnel_mtu : 0;
	p->mtu_explicit = mtu_explicit;
	if (c->tunnel_address) {
		if (tun_addr_parse(&a, c->tunnel_address) != 0) {
			return why_fmt(why, whylen, "TunnelAddress %s is not an address[/prefix]", c->tunnel_address);
		}
		p->addr[p->naddr].a = a;
		p->naddr++;
	}
	if (c->tunnel_peer) {
		if (tun_addr_parse(&peer, c->tunnel_peer) != 0 || peer.prefix >= 0 || (p->naddr && peer.family != a.family)) {
			return why_fmt(why, whylen, "TunnelPeer %s must be one address of the same family as TunnelAddress",
				c->tunnel_peer);
		}
		if (!p->naddr || tap) {
			return why_fmt(why, whylen, "TunnelPeer needs TunnelAddress and a point-to-point tunnel");
		}
		p->addr[0].peer = peer;
	}
	if (c->tunnel_bridge) {
		snprintf(p->bridge, sizeof(p->bridge), "%s", c->tunnel_bridge);
	}
	for (int i = 0; i < c->n_tunnel_routes; i++) {
		if (strcasecmp(c->tunnel_routes[i], "default") == 0) {
			p->want_default = 1;
			continue;
		}
		if (tun_addr_parse(&a, c->tunnel_routes[i]) != 0 || a.prefix < 0) {
			return why_fmt(why, whylen, "TunnelRoute %s is not a network (address/prefix)", c->tunnel_routes[i]);
		}
		if (add_route(p, &a, NULL, 0) != 0) {
			return why_fmt(why, whylen, "too many routes");
		}
	}
	return 0;
}

/* One address family of the server's configuration, unless the command line gave that family. */
static void take_addr(struct net_plan *p, const struct tun_addr *a, const struct tun_addr *peer)
{
	struct net_addr *x;

	if (!a->family || addr_of(p, a->family) || p->naddr == NET_ADDRS_MAX) {
		return;
	}
	x = &p->addr[p->naddr++];
	memset(x, 0, sizeof(*x));
	x->a = *a;
	if (x->a.prefix < 0) {
		x->a.prefix = a->family == AF_INET6 ? 128 : 32;
	}
	if (peer && peer->family) {
		x->peer = *peer;
		x->peer.prefix = -1;
	}
}

int net_plan_remote(struct net_plan *p, const struct rconf *rc, int tap, char *why, size_t whylen)
{
	if (tap && (rc->peer4.family || rc->peer6.family)) {
		return why_fmt(why, whylen, "the server gave a point-to-point peer (PEER_ADDR) for an Ethernet tunnel");
	}
	take_addr(p, &rc->addr4, &rc->peer4);
	take_addr(p, &rc->addr6, &rc->peer6);
	if (rc->mtu && !p->mtu_explicit) {
		p->mtu = (int)rc->mtu;
	}
	for (unsigned i = 0; i < rc->nroutes; i++) {
		if (add_route(p, &rc->routes[i].dst, &rc->routes[i].via, rc->routes[i].mtu) != 0) {
			return why_fmt(why, whylen, "too many routes");
		}
	}
	return 0;
}

int net_plan_finish(struct net_plan *p)
{
	static const uint8_t hi = 0x80;

	if (!p->want_default || p->finished) {
		p->finished = 1;
		return 0;
	}
	p->finished = 1;
	for (int fam = AF_INET; fam; fam = fam == AF_INET ? AF_INET6 : 0) {
		struct tun_addr half;

		if (!addr_of(p, fam)) {
			continue;
		}
		memset(&half, 0, sizeof(half));
		half.family = fam;
		half.prefix = 1;
		if (add_route(p, &half, NULL, 0) != 0) {
			return SSHTUN_ERR_LIMIT;
		}
		half.a[0] = hi;
		if (add_route(p, &half, NULL, 0) != 0) {
			return SSHTUN_ERR_LIMIT;
		}
	}
	return 0;
}

/* TunnelRoute default: the server keeps the path it has now, with a host route, before the half-defaults. */
static int keep_server(struct net_plan *p, struct tun_nl *nl, int ifindex, const struct tun_addr *server)
{
	struct tun_route_info ri;
	int r;

	if (!server || !server->family || !addr_of(p, server->family)) {
		return 0;
	}
	if ((r = tun_nl_get_route(nl, server, &ri)) != 0) {
		return r;
	}
	if (ri.oif == ifindex || (ri.type != RTN_UNICAST && ri.type != 0)) {
		return 0;
	}
	memset(&p->keep, 0, sizeof(p->keep));
	p->keep.dst = *server;
	p->keep.dst.prefix = server->family == AF_INET6 ? 128 : 32;
	p->keep.gw = ri.gw;
	p->keep.ifindex = ri.oif;
	r = tun_nl_route2(nl, 1, &p->keep);
	if (r != 0 && r != SSHTUN_ERR_ROUTE_EXISTS) {
		return r;
	}
	p->keep_set = r == 0;	/* a host route to the server that is there already keeps it too */
	return 0;
}

int net_apply(struct net_plan *p, struct tun_nl *nl, int ifindex, const struct tun_addr *server)
{
	int r;

	/*
	 * The link first: an IPv6 address with a peer added to a device that is down gets no route to its peer when
	 * the device comes up (Linux 6.1), so the MTU is set and the link brought up, then the addresses added.
	 */
	if ((r = tun_nl_link(nl, ifindex, 1, p->mtu)) != 0) {
		return r;
	}
	p->up = 1;
	if (p->bridge[0]) {
		int br = (int)if_nametoindex(p->bridge);

		if (br <= 0 || tun_nl_is_bridge(nl, br) != 0) {
			LG_E(nl->log, "TunnelBridge %s: no such bridge; create it first (ip link add %s type bridge)", p->bridge,
				p->bridge);
			return SSHTUN_ERR_CONFIG;
		}
		if ((r = tun_nl_set_master(nl, ifindex, br)) != 0) {
			return r;
		}
		p->bridged = 1;
	}
	for (unsigned i = 0; i < p->naddr; i++) {
		struct net_addr *x = &p->addr[i];

		if ((r = tun_nl_addr(nl, 1, ifindex, &x->a, x->peer.family ? &x->peer : NULL)) != 0) {
			return r;
		}
		x->set = 1;
	}
	if ((r = net_plan_finish(p)) != 0 || (p->want_default && (r = keep_server(p, nl, ifindex, server)) != 0)) {
		return r;
	}
	for (unsigned i = 0; i < p->nroute; i++) {
		struct net_route *rt = &p->route[i];

		r = tun_nl_route2(nl, 1, &(struct tun_route){ .dst = rt->dst, .gw = rt->gw, .ifindex = ifindex, .mtu = rt->mtu });
		if (r == SSHTUN_ERR_ROUTE_EXISTS) {
			char t[64];

			/* Another's route (another tunnel's, the admin's): left as it is, and not removed at the end. */
			tun_addr_format(t, sizeof(t), &rt->dst);
			LG_W(nl->log, "a route to %s is there already: left as it is, not through this tunnel", t);
			continue;
		}
		if (r != 0) {
			return r;
		}
		rt->set = 1;
	}
	return 0;
}

int net_plan_same(const struct net_plan *a, const struct net_plan *b)
{
	if (a->naddr != b->naddr || a->mtu != b->mtu || a->nroute != b->nroute || a->want_default != b->want_default ||
	    strcmp(a->bridge, b->bridge) != 0) {
		return 0;
	}
	for (unsigned i = 0; i < a->naddr; i++) {
		if (memcmp(&a->addr[i].a, &b->addr[i].a, sizeof(a->addr[i].a)) != 0 ||
		    memcmp(&a->addr[i].peer, &b->addr[i].peer, sizeof(a->addr[i].peer)) != 0) {
			return 0;
		}
	}
	for (unsigned i = 0; i < a->nroute; i++) {
		if (memcmp(&a->route[i].dst, &b->route[i].dst, sizeof(a->route[i].dst)) != 0 ||
		    memcmp(&a->route[i].gw, &b->route[i].gw, sizeof(a->route[i].gw)) != 0 || a->route[i].mtu != b->route[i].mtu) {
			return 0;
		}
	}
	return 1;
}

void net_undo(struct net_plan *p, struct tun_nl *nl, int ifindex, int link_down)
{
	for (unsigned i = p->nroute; i-- > 0;) {
		struct net_route *rt = &p->route[i];

		if (rt->set) {
			tun_nl_route2(nl, 0, &(struct tun_route){ .dst = rt->dst, .gw = rt->gw, .ifindex = ifindex });
			rt->set = 0;
		}
	}
	if (p->keep_set) {
		tun_nl_route2(nl, 0, &p->keep);
		p->keep_set = 0;
	}
	for (unsigned i = p->naddr; i-- > 0;) {
		struct net_addr *x = &p->addr[i];

		if (x->set) {
			tun_nl_addr(nl, 0, ifindex, &x->a, x->peer.family ? &x->peer : NULL);
			x->set = 0;
		}
	}
	if (p->bridged) {
		tun_nl_set_master(nl, ifindex, 0);
		p->bridged = 0;
	}
	if (p->up && link_down) {
		tun_nl_link(nl, ifindex, 0, 0);
	}
	p->up = 0;
}
