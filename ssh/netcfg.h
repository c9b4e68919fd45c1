/*
 * sshtun: the local end's network configuration: what the command line and the server's remote configuration
 * ask for, merged (the command line wins), applied to the device over rtnetlink, and undone exactly (only what
 * was added is removed, also after an error half way).
 */
#ifndef SSH_NETCFG_H
#define SSH_NETCFG_H

#include "ssh/config.h"
#include "ssh/rconf.h"
#include "tun/tun.h"

enum {
	NET_ADDRS_MAX = 2,	/* one IPv4 and one IPv6 */
	NET_ROUTES_MAX = CFG_MAX_ROUTES + RCONF_ROUTES_MAX
};

struct net_addr {
	struct tun_addr a;	/* with its prefix */
	struct tun_addr peer;	/* family 0: none */
	int set;		/* added to the device (undo removes it) */
};

struct net_route {
	struct tun_addr dst;	/* network with its prefix, host bits cleared */
	struct tun_addr gw;	/* family 0: none */
	unsigned mtu;		/* the path's MTU beyond the server; 0: the tunnel's */
	int set;
};

struct net_plan {
	struct net_addr addr[NET_ADDRS_MAX];
	unsigned naddr;
	int mtu;		/* 0: leave the device's */
	int mtu_explicit;	/* TunnelMTU was given: the server's MTU does not replace it */
	struct net_route route[NET_ROUTES_MAX];
	unsigned nroute;
	int want_default;	/* TunnelRoute default */
	int finished;		/* net_plan_finish ran: the half-default routes are in route[] */
	struct tun_route keep;	/* with it: the host route keeping the server on its old path */
	int keep_set;
	char bridge[IFNAMSIZ];	/* TunnelBridge: the bridge the tap joins ("" none) */
	int bridged;		/* joined it (undo leaves it) */
	int up;			/* the link was set up by us */
};

/*
 * The command line's part: TunnelAddress, TunnelPeer, TunnelMTU, TunnelRoute. mtu_explicit says whether
 * TunnelMTU was given (before defaults were filled). 0, or SSHTUN_ERR_CONFIG with why (one line) filled.
 */
int net_plan_local(struct net_plan *p, const struct cfg *c, int mtu_explicit, int tap, char *why, size_t whylen);
/*
 * Adds the server's configuration where the command line left a value open: an address family TunnelAddress
 * did not give, the MTU unless TunnelMTU was given, its routes. 0, or SSHTUN_ERR_CONFIG with why filled.
 */
int net_plan_remote(struct net_plan *p, const struct rconf *rc, int tap, char *why, size_t whylen);
/*
 * Applies the plan to ifindex: MTU and link up, the bridge, addresses, routes. With TunnelRoute default, each
 * family the tunnel has an address of gets two half-default routes (0.0.0.0/1 and 128.0.0.0/1, ::/1 and
 * 8000::/1: more specific than any default route, which stays) and, first, server (the address connected to)
 * a host route on the path it has now, so the SSH connection does not follow the default into the tunnel.
 * 0 or the first error (logged); undo with net_undo.
 */
int net_apply(struct net_plan *p, struct tun_nl *nl, int ifindex, const struct tun_addr *server);
/* Completes a plan once its addresses are known: TunnelRoute default's half-default routes. 0 or SSHTUN_ERR_LIMIT. */
int net_plan_finish(struct net_plan *p);
/* 1 if a and b ask for the same configuration (what was applied aside). */
int net_plan_same(const struct net_plan *a, const struct net_plan *b);
/* Removes what net_apply added, in reverse; link_down also sets the link down (a device we did not create). */
void net_undo(struct net_plan *p, struct tun_nl *nl, int ifindex, int link_down);

#endif
