/*
 * sshtun: the remote IP configuration a server's TunnelConfigCommand prints (issue 14): the format of
 * NetworkManager-sshtun's sshtun_config script, one "KEY VALUE" per line, and a documented superset.
 *
 *   ADDR a.b.c.d[/len]       the client's IPv4 address (the seed's)
 *   PEER_ADDR a.b.c.d        the server's end of the tunnel, IPv4 (the seed's)
 *   NETMASK a.b.c.d          ADDR's netmask, contiguous (the seed's); or give ADDR a /len, not both
 *   GW_ADDR addr             the gateway the server names (the seed's), IPv4 or IPv6; informational (the server
 *                            is reached at the address connected to). A value that is not an address (the seed's
 *                            example prints "<remote-ip>" for the user to fill in) is noted and ignored.
 *   ADDR6 addr[/len]         the client's IPv6 address (/128 without a length)
 *   PEER_ADDR6 addr          the server's end, IPv6
 *   MTU n                    68..65535
 *   ROUTE cidr [via addr] [mtu n]  a route through the tunnel, IPv4 or IPv6, with an optional gateway of its
 *                            family and the MTU of the path beyond the server (68..65535)
 *   DNS addr                 a DNS server, IPv4 or IPv6
 *   DOMAIN name              a search domain; "~name" a routing-only domain (DNS for it goes to these servers)
 *
 * Blank lines and lines starting with '#' are skipped. A line that does not parse refuses the whole text (the
 * message names its number and what is wrong); a keyword this version does not know is remembered (rconf.unknown,
 * each name once) and its line ignored, so a newer server works with an older client.
 */
#ifndef SSH_RCONF_H
#define SSH_RCONF_H

#include <stddef.h>
#include <stdint.h>

#include "tun/tun.h"

enum {
	RCONF_TEXT_MAX = 64 * 1024,	/* the whole configuration */
	RCONF_LINE_MAX = 512,
	RCONF_ROUTES_MAX = 64,
	RCONF_DNS_MAX = 8,
	RCONF_DOMAINS_MAX = 16,
	RCONF_NAME_MAX = 253,		/* a DNS name */
	RCONF_UNKNOWN_MAX = 8,		/* distinct unknown keywords remembered */
	RCONF_KEYWORD_MAX = 31
};

struct rconf_route {
	struct tun_addr dst;	/* with its prefix */
	struct tun_addr via;	/* family 0: none */
	unsigned mtu;		/* the path's MTU beyond the server ("mtu N"); 0: the tunnel's */
};

struct rconf {
	struct tun_addr addr4, peer4, gw, addr6, peer6;	/* family 0: not given */
	int gw_ignored;					/* GW_ADDR was not an address */
	unsigned mtu;					/* 0: not given */
	struct rconf_route routes[RCONF_ROUTES_MAX];
	unsigned nroutes;
	struct tun_addr dns[RCONF_DNS_MAX];
	unsigned ndns;
	char domains[RCONF_DOMAINS_MAX][RCONF_NAME_MAX + 2];	/* "~name" for routing-only */
	unsigned ndomains;
	char unknown[RCONF_UNKNOWN_MAX][RCONF_KEYWORD_MAX + 1];
	unsigned nunknown;
};

/*
 * Parses text (n bytes) into c. 0, or SSHTUN_ERR_CONFIG with err (errlen bytes) holding one printable line:
 * "line N: what is wrong", or what is missing for the whole.
 */
int rconf_parse(struct rconf *c, const uint8_t *text, size_t n, char *err, size_t errlen);

#endif
