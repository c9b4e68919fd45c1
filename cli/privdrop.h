/*
 * sshtun: least privilege (issue 15). Run as root, the program opens and configures the device as root, then
 * becomes an ordinary user (--user, or the user who ran sudo) keeping CAP_NET_ADMIN alone (and, only when the
 * tunnel's DNS goes to /etc/resolv.conf, the file rights that needs), before the first byte from the server is
 * parsed. A process-wide act: the program's, in cli/, never the library's.
 */
#ifndef CLI_PRIVDROP_H
#define CLI_PRIVDROP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"	/* SSHTUN_HAVE_PRIVDROP: configure's --without-privdrop */

enum { PRIV_NAME_MAX = 256, PRIV_HOME_MAX = 4096, PRIV_GROUPS_MAX = 256 };

/* Who the process becomes, and its identity until then. */
struct priv_user {
	int drop;			/* 1: running as root and a user to become is known */
	uid_t uid;
	gid_t gid;
	char name[PRIV_NAME_MAX];
	char home[PRIV_HOME_MAX];
	const char *from;		/* "--user" or "SUDO_UID": where the user came from, for messages */
	gid_t groups[PRIV_GROUPS_MAX];	/* the user's groups (initgroups' list), ngroups of them */
	int ngroups;
};

/* Capabilities as bits (1 << CAP_*), as /proc shows them. */
enum {
	PRIV_CAP_CHOWN = 1 << 0,
	PRIV_CAP_DAC_OVERRIDE = 1 << 1,
	PRIV_CAP_FOWNER = 1 << 3,
	PRIV_CAP_NET_ADMIN = 1 << 12
};

/*
 * Who to become: opt (--user NAME or UID, NULL if not given), else SUDO_UID (the user who ran sudo). No one
 * (drop 0) when the process is not root, or the user is root. 0, or -1 with one line printed (a usage error:
 * an unknown user, --user for another user without root).
 * In a build without the drop it never finds anyone (drop 0): what would have made it become a user (--user
 * other than root; sudo from a user, without --user) is refused with one line instead, rather than run on as
 * root with root's ~/.ssh in the user's place.
 */
int priv_target(struct priv_user *u, const char *opt);

#if SSHTUN_HAVE_PRIVDROP

/*
 * Takes the user's identity short of the drop: HOME, USER and LOGNAME become the user's, and the real and
 * effective uid and gid and the groups, while the saved uid stays root's and root's capabilities stay effective.
 * So ~, %u, %d, %i, the default User and the owner check of ~/.ssh/config are the user's, and a ProxyCommand
 * runs as the user (the capabilities do not survive its exec), while sshtun_start still opens the device and
 * puts the kill switch in with root's rights. 0, or -1 with one line printed.
 */
int priv_assume(const struct priv_user *u);

/* Undoes priv_assume (but not the environment): root again, for a program that stays root after all. */
int priv_restore(void);

/* Around reading the configuration files: no capability effective, so they are read with the user's rights. */
int priv_files_begin(void);
int priv_files_end(void);

/*
 * The drop, for good: the user's groups, gid and uid (real, effective, saved), then capabilities: permitted
 * and effective = keep, inheritable and ambient = ambient (a subset of keep: what programs sshtun runs keep),
 * PR_SET_KEEPCAPS cleared after. Verified (getresuid, getresgid, capget, ambient, and root cannot be taken
 * back). 0, or -1 with one line printed; then the process may be half-way and should stop.
 */
int priv_drop(const struct priv_user *u, uint64_t keep, uint64_t ambient);

/* After a failed priv_drop: what is still permitted made effective, so the teardown can undo the start. */
void priv_rescue(void);

/* "CAP_NET_ADMIN", "CAP_NET_ADMIN CAP_DAC_OVERRIDE ...": the names of the bits in caps, for messages. */
void priv_caps_text(uint64_t caps, char *out, size_t outlen);

#else
/*
 * Built --without-privdrop (a router's smallest build, which runs as root): cli/privdrop.c is left out but for
 * priv_target, whose drop is then always 0. The callers test SSHTUN_HAVE_PRIVDROP with drop, so at -O2 nothing
 * below is called or kept; these stand in for an unoptimised build, which still emits the code behind them.
 */
static inline int priv_assume(const struct priv_user *u) { (void)u; return -1; }
static inline int priv_restore(void) { return -1; }
static inline int priv_files_begin(void) { return -1; }
static inline int priv_files_end(void) { return -1; }
static inline int priv_drop(const struct priv_user *u, uint64_t keep, uint64_t ambient)
{
	(void)u, (void)keep, (void)ambient;
	return -1;
}
static inline void priv_rescue(void) {}
static inline void priv_caps_text(uint64_t caps, char *out, size_t outlen)
{
	(void)caps;
	if (outlen) {
		out[0] = '\0';
	}
}
#endif

#endif
