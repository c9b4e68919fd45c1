/* sshtun: known_hosts files: plain and hashed (|1|) host patterns, [host]:port, markers. */
#ifndef SSH_KNOWN_HOSTS_H
#define SSH_KNOWN_HOSTS_H

#include <stddef.h>

#include "transport/pubkey.h"
#include "transport/transport.h"
#include "util/log.h"

enum kh_status {
	KH_MATCH = 0,		/* an entry for this host holds this key */
	KH_NOT_FOUND = 1,	/* no entry for this host with a key of this type */
	KH_CHANGED = 2,		/* an entry for this host has a different key of the same type */
	KH_REVOKED = 3		/* the key is marked @revoked */
};

struct kh_result {
	int status;
	char file[512];		/* for KH_CHANGED/KH_REVOKED: the file and line of the entry */
	unsigned line;
	/*
	 * KH_NOT_FOUND in a build without certificates (SSHTUN_CERT 0) only: 1 if a @cert-authority line names the
	 * host, which this build skips; file and line are then the first such line, for the message that says so.
	 */
	int ca_unused;
};

/*
 * Checks key for host (port 22 means the plain name, any other "[host]:port")
 * against each file in turn; files that do not exist are skipped. REVOKED wins
 * (a revoked key is never accepted), then MATCH, then CHANGED. Lines that do not parse are skipped with
 * a debug message (as ssh does); @cert-authority lines are kh_check_ca's (a build without certificates skips
 * them: they only ever add trust, so the key is at most not found; res->ca_unused tells where one was).
 */
int kh_check(const char *const *files, size_t nfiles, const char *host, int port,
	const struct pubkey *key, struct kh_result *res, const struct lg *log);
/*
 * Whether a @cert-authority line for host names ca (KH_MATCH, with its file and line), or @revoked marks it
 * (KH_REVOKED); KH_NOT_FOUND otherwise.
 */
int kh_check_ca(const char *const *files, size_t nfiles, const char *host, int port,
	const struct pubkey *ca, struct kh_result *res, const struct lg *log);
/*
 * The key types (type names, comma-separated) of the plain entries for host in files, and KH_PREFER_CERTS if
 * a @cert-authority line names the host, in the order first
 * seen; "" if none. Unreadable files are skipped: this only orders what we ask the server for.
 */
int kh_known_types(const char *const *files, size_t nfiles, const char *host, int port, char *out, size_t outlen);
/*
 * Appends "host key-type base64" to file, creating it (0600) and its directory (0700); with hashed the name
 * is written as ssh's HashKnownHosts writes it ("|1|salt|hash").
 */
int kh_add(const char *file, const char *host, int port, const struct pubkey *key, int hashed);
/*
 * Matches one known_hosts line. 1 if the line names host (the name as kh_check
 * forms it) and sets *key, *marker (0 none, 1 @revoked, 2 @cert-authority);
 * 0 if it does not name host; negative on a malformed line. Exposed for fuzzing.
 */
int kh_match_line(const char *line, size_t n, const char *hostname, struct pubkey *key, int *marker);

#endif
