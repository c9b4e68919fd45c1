/*
 * sshtun: TunnelKillSwitch. While sshtun runs (and while it reconnects), an nftables table of its own lets only
 * the tunnel device, loopback, the SSH connection to the server's addresses and port, and what keeps the local
 * link alive (DHCP, IPv6 neighbour discovery) through; everything else, sent, received or forwarded, is dropped.
 * The table is removed at the end, whatever the end; after a crash, `sshtun --cleanup` removes it.
 */
#ifndef SSH_KILLSWITCH_H
#define SSH_KILLSWITCH_H

#include <netdb.h>
#include <stddef.h>

#include "util/features.h"
#include "util/log.h"

#define KS_TABLE "sshtun_killswitch"

struct ks_state {
	int on;		/* the table is ours and in place */
};

/*
 * Puts the table in place for device dev and the server's addresses (the list getaddrinfo gave; the port is
 * in each). SSHTUN_ERR_CONFIG if one is there already (another sshtun with a kill switch, or a crash: --cleanup),
 * SSHTUN_ERR_NOT_SUPPORTED in a build without libnftables, SSHTUN_ERR_SYS if nftables refuses (logged).
 */
int ks_enable(struct ks_state *ks, const char *dev, const struct addrinfo *servers, const struct lg *log);
/* Removes the table if it is ours. */
void ks_disable(struct ks_state *ks, const struct lg *log);
/* Removes the table whoever made it (after a crash): 0, or SSHTUN_ERR_SYS with nftables' reason logged. */
int ks_cleanup(const struct lg *log);

#endif
