/*
 * sshtun: the tunnel's DNS servers and domains (issue 14), applied to the system and undone exactly.
 *
 * dns_apply picks the first of, in order:
 *   (a) systemd-resolved, when it runs (its varlink socket accepts a connection) and resolvectl is found:
 *       `resolvectl dns IF SERVER...` and `resolvectl domain IF DOMAIN...` (each only if something is given;
 *       "~name" stays a routing-only domain), undone with `resolvectl revert IF`;
 *   (b) resolvconf, when found: `resolvconf -a IF.sshtun` fed "nameserver" and "search" lines on stdin, undone
 *       with `resolvconf -d IF.sshtun`;
 *   (c) /etc/resolv.conf itself: replaced (atomically, mode 0644) by one holding our servers and search
 *       domains; the old one (its bytes, mode and owner, or the symbolic link it was, or its absence) is put
 *       back by dns_restore, but only if the file still holds what we wrote.
 * Routing-only domains mean nothing to (b) and (c) and are left out there. Programs are run without a shell,
 * with a fixed argument vector and environment, and killed if they take longer than the timeout.
 */
#ifndef SSH_DNS_H
#define SSH_DNS_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ssh/rconf.h"
#include "tun/tun.h"
#include "util/features.h"
#include "util/log.h"

enum {
	DNS_SERVERS_MAX = RCONF_DNS_MAX,
	DNS_DOMAINS_MAX = RCONF_DOMAINS_MAX,
	DNS_FILE_MAX = 64 * 1024,	/* the largest resolv.conf kept (and put back) */
	DNS_LINK_MAX = 1024,		/* the longest symbolic link target kept */
	DNS_TIMEOUT_MS = 5000		/* per program run */
};

enum dns_method {
	DNS_NONE = 0,
	DNS_RESOLVED,
	DNS_RESOLVCONF,
	DNS_FILE
};

/*
 * All the module needs to undo what it did; lives in the caller's struct. Zero it, optionally set the
 * overrides (tests point them into a temp dir), then dns_apply; dns_restore when done.
 */
struct dns_state {
	/* Overrides, set by the caller before dns_apply; NULL or 0 means the system's. */
	const char *resolv_conf;	/* "/etc/resolv.conf" */
	const char *path;		/* directories searched for resolvectl and resolvconf, ':'-separated;
					 * also the programs' PATH. Default: /usr/local/sbin:...:/bin */
	const char *resolved_socket;	/* "/run/systemd/resolve/io.systemd.Resolve" */
	unsigned timeout_ms;		/* per program run: DNS_TIMEOUT_MS */

	/* What dns_apply did (ssh/dns.c's own). */
	int method;			/* enum dns_method */
	int ifindex;
	char ifname[IFNAMSIZ];
	char prog[256];			/* the program found for (a) or (b), as run */
	/* (c): what was there before, and what we wrote. */
	int had_file;			/* 1 if there was a file (or a link) at all */
	int was_link;
	char link_target[DNS_LINK_MAX];
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint8_t *old;			/* the old file's bytes (heap), old_len of them */
	size_t old_len;
	uint8_t *ours;			/* the file we wrote (heap) */
	size_t ours_len;
};

/*
 * Applies servers and domains for the link ifname (ifindex; 0: not checked, else it must be ifname's now, and
 * dns_restore skips resolvectl revert once ifname is no longer that link). domains are "name" (search) or "~name"
 * (routing-only; "~." routes all queries to these servers). Every value is checked first (names of letters,
 * digits, '-', '.', labels of 1-63 not starting with '-', at most 253; an interface name of
 * letters, digits, '-', '_', '.'): SSHTUN_ERR_CONFIG with nothing run. A failing program or file operation is
 * one log line (the program and its output) and SSHTUN_ERR_DNS, with whatever was applied undone. Nothing to
 * apply (no servers, no domains) is 0 and does nothing. Calling it again without dns_restore is
 * SSHTUN_ERR_STATE. Blocks while a program runs (up to timeout_ms each); programs are waited for by pid, so
 * a process that ignores SIGCHLD (children reaped unseen) gets SSHTUN_ERR_DNS.
 */
#if SSHTUN_DNS
int dns_apply(struct dns_state *s, const char *ifname, int ifindex, const struct tun_addr *servers,
	      unsigned nservers, const char (*domains)[RCONF_NAME_MAX + 2], unsigned ndomains, const struct lg *log);

/*
 * Undoes what dns_apply did, and only that; idempotent (a second call, or one without dns_apply, is 0). A
 * resolv.conf that no longer holds what we wrote is left as it is, with a warning. SSHTUN_ERR_DNS (logged)
 * if the undo failed; the state is cleared either way (the overrides stay).
 */
int dns_restore(struct dns_state *s, const struct lg *log);

/*
 * The way dns_apply would take if it ran now (DNS_RESOLVED, DNS_RESOLVCONF or DNS_FILE), by the same tests
 * and overrides; runs nothing. For a program that gives up rights after the start: (b) and (c) write files root
 * owns, (a) asks systemd-resolved, which takes CAP_NET_ADMIN.
 */
int dns_method_now(const struct dns_state *s);
#else
/* A build without the tunnel's DNS (SSHTUN_DNS=0): nothing is ever applied, so there is nothing to undo. */
static inline int dns_restore(struct dns_state *s, const struct lg *log)
{
	(void)s;
	(void)log;
	return 0;
}
#endif

#endif
