/* sshtun: the public libsshtun API: a VPN over SSH, asynchronous, one handle per connection. */
#ifndef SSHTUN_H
#define SSHTUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "sshtun_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Use:
 *   struct sshtun *h;
 *   sshtun_new(&h);
 *   sshtun_set_params(h, "Host", "root@server", "Tunnel", "ethernet", NULL);
 *   sshtun_read_config(h, NULL);          // ~/.ssh/config, then /etc/ssh/ssh_config
 *   sshtun_start(h);
 *   while (sshtun_status(h) < SSHTUN_STOPPED) {
 *       poll on sshtun_event_fd(h) for POLLIN, with sshtun_timeout_ms(h);
 *       sshtun_dispatch_event(h);
 *   }
 *   sshtun_stop(h) (from anywhere) begins a clean close; sshtun_del(h) frees.
 * No function blocks for long: all network and device I/O is non-blocking,
 * ssh-agent requests included (an agent may wait for its user's
 * confirmation), and the server's name is resolved in a thread of its own.
 * Questions for the
 * user (passphrases, passwords, keyboard-interactive, a new host key) are
 * events: see sshtun_set_prompt_cb. Handles are independent; a
 * process may run many. A handle is not thread-safe: call it from one thread.
 * Functions return 0 or a negative SSHTUN_ERR_* (see sshtun_err.h).
 */

struct sshtun;

enum sshtun_status {
	SSHTUN_IDLE = 0,	/* created, not started */
	SSHTUN_CONNECTING,	/* TCP connect and key exchange */
	SSHTUN_AUTHENTICATING,
	SSHTUN_OPENING,		/* asking the server for the tunnel */
	SSHTUN_UP,		/* packets flow */
	SSHTUN_RECONNECTING,	/* the connection was lost and is made again after a pause (TunnelReconnect): the
				   device stays configured; then CONNECTING ... UP again */
	SSHTUN_STOPPING,	/* closing cleanly */
	SSHTUN_STOPPED,		/* ended after sshtun_stop or the server's close: sshtun_error() is 0 */
	SSHTUN_FAILED		/* ended with an error: see sshtun_error() and sshtun_error_text() */
};

/* Log levels passed to the log callback. */
enum { SSHTUN_LOG_ERROR = 0, SSHTUN_LOG_WARN, SSHTUN_LOG_INFO, SSHTUN_LOG_DEBUG1, SSHTUN_LOG_DEBUG2, SSHTUN_LOG_DEBUG3 };

typedef void (*sshtun_log_fn)(void *ud, int level, const char *line);
typedef void (*sshtun_status_fn)(void *ud, int status);

/* Allocates a handle. */
SSHTUN_API int sshtun_new(struct sshtun **h);
/* Frees the handle; if still running, the tunnel is torn down at once (no clean close). */
SSHTUN_API void sshtun_del(struct sshtun *h);

/* Where log lines go (default: nowhere) and up to which level. */
SSHTUN_API void sshtun_set_log(struct sshtun *h, sshtun_log_fn fn, void *ud, int level);
/* Called on every status change, from within sshtun_start/sshtun_dispatch_event/sshtun_stop. */
SSHTUN_API void sshtun_set_status_cb(struct sshtun *h, sshtun_status_fn fn, void *ud);

/*
 * Sets options as pairs of strings, ended by NULL: keys are ssh_config keywords
 * (HostName, Port, User, IdentityFile, Tunnel, TunnelDevice, StrictHostKeyChecking,
 * Ciphers, ...) and sshtun's own (TunnelAddress, TunnelPeer, TunnelMTU), plus
 * "Host" for the destination as given to ssh ("[user@]host"). A value is read as
 * the rest of an ssh_config line (quote it if it holds spaces); the key "" takes
 * a whole line ("Port 2222" or "Port=2222"). As in ssh, the
 * first value set for an option wins, so set options before reading files.
 */
SSHTUN_API int sshtun_set_params(struct sshtun *h, ...);
/* Reads an ssh_config file; NULL reads ~/.ssh/config (if present) and then /etc/ssh/ssh_config; "none" reads none. */
SSHTUN_API int sshtun_read_config(struct sshtun *h, const char *path);
/*
 * Reads ssh_config text held in memory (a program that keeps its settings elsewhere, and wants some of them to
 * apply to jump hosts too: a file's "Host *" block does, sshtun_set_params' values do not). name is what
 * messages call it ("name:line"). Kept as sshtun_read_config's files are: jump hosts and sshtun_reload read it
 * again. SSHTUN_ERR_CONFIG (the whole text refused, the reason logged), SSHTUN_ERR_STATE after sshtun_start.
 */
SSHTUN_API int sshtun_read_config_text(struct sshtun *h, const char *name, const char *text);
/*
 * Whether the private key file at path needs a passphrase (a program that asks for secrets before it connects,
 * as NetworkManager does): 1 encrypted, 0 a key usable as it is, SSHTUN_ERR_KEY_FILE when it cannot be read,
 * is open to others (as ssh, sshtun wants 0600), is no key file or a damaged one, SSHTUN_ERR_NOT_SUPPORTED for
 * a key type sshtun does not take. The library's key parser reads it, with the caller's rights; nothing of it
 * is kept.
 */
SSHTUN_API int sshtun_key_file_encrypted(const char *path);

/*
 * The effective value of an option, as `ssh -G` prints it: the configuration made from what sshtun_set_params
 * and sshtun_read_config were given, in their order (the files read again), and finished as sshtun_start
 * finishes it: defaults filled in, and HostName, IdentityFile, CertificateFile, UserKnownHostsFile,
 * GlobalKnownHostsFile and IdentityAgent with ~, %-tokens (%h the HostName, %d the home, %u the local user, %r
 * the remote user, ...) and ${VAR} expanded. Commands (ProxyCommand, LocalCommand, TunnelConfigCommand,
 * TunnelDownCommand) are reported as written: their tokens are expanded when they run. The handle is not
 * changed; any status.
 *   keyword  an ssh_config keyword sshtun uses (case-insensitive: HostName, Port, User, IdentityFile, Tunnel,
 *            ProxyJump, ProxyCommand, TunnelConfigCommand, TunnelAddress, TunnelPeer, TunnelMTU, TunnelRoute,
 *            ... : every keyword sshtun_set_params takes except the ones it accepts and ignores), or:
 *            "Host", the name given (as "Host" to sshtun_set_params, without its user@), and "HostAliases", the
 *            Host patterns of the files read that are plain names (no *, ? or !), in the order met, each once,
 *            at most 64 (these two are reported as given; no host need be set for HostAliases).
 *   buf      receives the value, NUL-terminated, written as the keyword takes it back: several values (IdentityFile,
 *            UserKnownHostsFile, TunnelRoute, TunnelDNS, HostAliases) one per line, yes/no for flags, choices by
 *            name (Tunnel point-to-point or ethernet), "none" for an option set to none. "" on any error.
 *   len      buf's size in bytes.
 * Returns 0 if the configuration sets the option; SSHTUN_OPTION_DEFAULT (1) if it does not and buf holds
 * sshtun's default; SSHTUN_ERR_NO_VALUE if it has neither (ProxyCommand unset, UserKnownHostsFile none);
 * SSHTUN_ERR_NOT_SUPPORTED for a keyword it does not report; SSHTUN_ERR_TOO_LONG if buf is too small;
 * SSHTUN_ERR_CONFIG if the configuration does not read or finish (a file that no longer parses, no host given:
 * the reason is logged); SSHTUN_ERR_INVAL for a NULL argument or len 0; SSHTUN_ERR_NOMEM. A build without it
 * (-DSSHTUN_CONFIG_GET=0: sshtun_algorithms("feature") has no config-get) reads and finishes the configuration as
 * above, then returns SSHTUN_ERR_NOT_SUPPORTED for every keyword.
 */
enum { SSHTUN_OPTION_DEFAULT = 1 };
SSHTUN_API int sshtun_get_option(const struct sshtun *h, const char *keyword, char *buf, size_t len);

/* Opens the local device and starts connecting. */
SSHTUN_API int sshtun_start(struct sshtun *h);
/* An fd that becomes readable when sshtun_dispatch_event has work. */
SSHTUN_API int sshtun_event_fd(struct sshtun *h);
/* How long the caller may wait at most before calling sshtun_dispatch_event again (-1: no limit). */
SSHTUN_API int sshtun_timeout_ms(struct sshtun *h);
/* Does all pending work without blocking. Returns the status (enum sshtun_status). */
SSHTUN_API int sshtun_dispatch_event(struct sshtun *h);
/*
 * For programs whose loop is sshtun's alone: waits up to timeout_ms (-1: no limit; the handle wakes at
 * least every second anyway) for work and does it, in one system call per wakeup instead of a poll and a
 * dispatch. With sigmask non-NULL the wait runs with that signal mask (epoll_pwait), so signals the caller
 * keeps blocked are taken only while waiting; a signal ends the wait early. Returns the status.
 */
SSHTUN_API int sshtun_dispatch_wait(struct sshtun *h, int timeout_ms, const sigset_t *sigmask);
/*
 * With a tunnel that has been up: drops the connection and connects again now (the device and its configuration
 * stay; the server's configuration is fetched again). SSHTUN_ERR_STATE before the first tunnel or once stopping.
 */
SSHTUN_API int sshtun_reconnect(struct sshtun *h);
/*
 * Reads the configuration again from what sshtun_set_params and sshtun_read_config were given (the files read
 * anew), then reconnects as sshtun_reconnect does: the new server, user, keys, algorithms, addresses, routes and
 * DNS take effect. What belongs to the device (Tunnel, the local TunnelDevice, TunnelBridge) and TunnelKillSwitch
 * stay as they were, with a warning. A configuration that does not parse leaves the one in use (logged; the
 * error is returned and nothing else happens). SSHTUN_ERR_STATE as for sshtun_reconnect.
 */
SSHTUN_API int sshtun_reload(struct sshtun *h);
/*
 * Least privilege (TunnelSeccomp yes): confines the whole process, every thread, for good, to the system calls this
 * handle's configuration needs, with a seccomp filter. Call it once sshtun_start succeeded (and after any drop of
 * privileges): what is left then (connecting again, the device's configuration and DNS, LocalCommand, the
 * teardown) is what the filter was measured against. Does nothing and returns 0 unless TunnelSeccomp is yes.
 * Programs started later (LocalCommand, TunnelDownCommand, ProxyCommand, the DNS tools) run under the filter
 * too. A call outside it raises SIGSYS (SECCOMP_RET_TRAP) in the thread that made it: without a handler the
 * process dies; the sshtun program's handler makes the call fail with EPERM, names it (siginfo's si_syscall)
 * and stops the tunnel cleanly. One filter per process: with several handles, call it with the one whose
 * configuration needs most. flags: SSHTUN_SANDBOX_SPAWN if the program itself starts other programs (an
 * askpass program answering questions). 0, SSHTUN_ERR_STATE before sshtun_start, SSHTUN_ERR_SYS if the kernel
 * refuses the filter (logged), SSHTUN_ERR_NOT_SUPPORTED in a build without it.
 */
enum { SSHTUN_SANDBOX_SPAWN = 1 };
SSHTUN_API int sshtun_sandbox(struct sshtun *h, unsigned flags);
/*
 * Removes what a handle that ended without its clean close left in the system (a crash, kill -9): today the
 * TunnelKillSwitch nftables table. Lines go to fn (may be NULL). 0, or SSHTUN_ERR_SYS.
 */
SSHTUN_API int sshtun_cleanup(sshtun_log_fn fn, void *ud);
/*
 * How this handle would set the tunnel's DNS if it set it now, for a program that gives up rights after
 * sshtun_start (the sshtun program drops from root to a user): SSHTUN_DNS_NONE when its configuration can bring
 * no DNS (no TunnelDNS and no TunnelConfigCommand), else the way the system offers: SSHTUN_DNS_RESOLVECTL
 * (systemd-resolved runs and resolvectl is found; resolved takes CAP_NET_ADMIN), SSHTUN_DNS_RESOLVCONF (the
 * resolvconf program, which writes files root owns) or SSHTUN_DNS_FILE (/etc/resolv.conf, written and put back
 * by this process: it needs to create and rename files in /etc and give them root's owner and mode). Runs
 * nothing; the answer may change if the system's DNS service starts or stops later. SSHTUN_DNS_NONE always in a
 * build without the tunnel's DNS (sshtun_algorithms("feature") has no dns).
 */
enum sshtun_dns_way { SSHTUN_DNS_NONE = 0, SSHTUN_DNS_RESOLVECTL, SSHTUN_DNS_RESOLVCONF, SSHTUN_DNS_FILE };
SSHTUN_API int sshtun_dns_way(const struct sshtun *h);
/* Begins a clean close: the channel is closed, what was configured removed, the server told. */
SSHTUN_API int sshtun_stop(struct sshtun *h);

SSHTUN_API int sshtun_status(const struct sshtun *h);
/* The error that ended the connection (0 if none). */
SSHTUN_API int sshtun_error(const struct sshtun *h);
/* One line naming the cause and what to do, for the error that ended the connection ("" if none). */
SSHTUN_API const char *sshtun_error_text(const struct sshtun *h);

/*
 * Questions for the user. When the connection needs something only the user can give, it stops where it
 * is and calls the prompt callback; the program answers with sshtun_answer() whenever it likes: from the
 * callback, or later from its own event loop (a dialog). Until then the connection waits and nothing
 * blocks; other handles run on. Without a callback, or with BatchMode yes, nothing is asked: a key whose
 * passphrase is unknown is skipped, an unknown host key refused.
 */
enum sshtun_prompt_kind {
	SSHTUN_PROMPT_PASSPHRASE = 1,	/* a key file's passphrase; name: the file */
	SSHTUN_PROMPT_HOSTKEY,		/* a host key known_hosts does not hold (StrictHostKeyChecking ask):
					   instruction says which; answer "yes" to trust and add it, or its fingerprint */
	SSHTUN_PROMPT_PASSWORD,		/* the login password ("user@host's password: ") */
	SSHTUN_PROMPT_NEW_PASSWORD,	/* the server wants the password changed: the new one, twice */
	SSHTUN_PROMPT_KEYBOARD,		/* keyboard-interactive: the server's name, instruction and questions
					   (a one-time code, a second factor, ...), each with its echo flag */
	SSHTUN_PROMPT_CONFIRM		/* a yes/no question (AddKeysToAgent ask): "yes" agrees */
};
enum { SSHTUN_PROMPT_MAX = 16 };
struct sshtun_prompt {
	int kind;			/* enum sshtun_prompt_kind */
	unsigned id;			/* new for each question: sshtun_answer names it, so a late answer is refused */
	const char *name;		/* printable, may be "" */
	const char *instruction;	/* printable text to show before the questions, may be "" (lines end with \n) */
	unsigned n;			/* how many answers are wanted */
	const char *question[SSHTUN_PROMPT_MAX];	/* what to print before each answer ("Enter passphrase ...: ") */
	int echo[SSHTUN_PROMPT_MAX];	/* 1: the answer may be shown as typed; 0: a secret */
};
typedef void (*sshtun_prompt_fn)(void *ud, const struct sshtun_prompt *p);
/* Where questions go (default: nowhere, so nothing is ever asked). */
SSHTUN_API void sshtun_set_prompt_cb(struct sshtun *h, sshtun_prompt_fn fn, void *ud);
/* The question waiting for an answer, or NULL; valid until it is answered or the connection ends. */
SSHTUN_API const struct sshtun_prompt *sshtun_prompt(const struct sshtun *h);
/*
 * Answers question id with n answers (n as the prompt asked), or declines it with answers NULL (the key is
 * skipped, the host key refused). The strings are copied and the copies wiped after use. The connection
 * goes on in the next sshtun_dispatch_event (the event fd becomes readable). SSHTUN_ERR_STATE if id is not
 * the question waiting.
 */
SSHTUN_API int sshtun_answer(struct sshtun *h, unsigned id, const char *const *answers, unsigned n);

struct sshtun_info {
	char device[16];	/* local interface name, e.g. "tun0" */
	int ethernet;		/* 1: layer 2 (tap) */
	char address[64];	/* local address as configured ("" if none) */
	char peer[64];		/* point-to-point peer ("" if none) */
	char server[300];	/* user@host:port */
	char server_version[256];
	char cipher[64];
	char kex[64];
	uint64_t bytes_out, bytes_in;	/* on the wire */
	uint64_t frames_out, frames_in;
	uint64_t drops;		/* frames dropped (window, size, malformed, device full) */
	unsigned rekeys;
	uint64_t acks_thinned;	/* pure TCP ACKs not relayed: a later one said more (TunnelAckThinning) */
	uint32_t rtt_us;	/* the last round trip to the server measured with ping@openssh.com; 0 none */
	char mac[64];		/* the MAC in use ("" with an AEAD cipher) */
	char compression[32];	/* "none", "zlib@openssh.com" or "zlib" */
	char address6[64];	/* the local IPv6 address as configured ("" if none; address holds IPv4 when both) */
	char peer6[64];		/* the IPv6 point-to-point peer ("" if none) */
	unsigned mtu;		/* the device's MTU as set (0: left as it was) */
	unsigned reconnects;	/* times the tunnel came back after the connection was lost (TunnelReconnect) */
	uint64_t uptime_s;	/* seconds since the tunnel (last) came up; 0 while it is down */
	uint64_t first_up_s;	/* seconds since it first came up */
	char last_loss[768];	/* why the connection was last lost ("" if never) */
};
/*
 * Facts about the running tunnel, at any time. size is sizeof(struct sshtun_info) as the caller was compiled:
 * the struct only grows at its end, and a library newer than the caller writes only that many bytes. 0, or
 * SSHTUN_ERR_INVAL for a NULL info or a size smaller than the first release's struct.
 */
SSHTUN_API int sshtun_get_info(const struct sshtun *h, struct sshtun_info *info, size_t size);
/*
 * The tunnel's IP configuration, as sshtun applied it or, with TunnelConfigure no, as the program should apply
 * it itself (a network manager does its own addressing, routes and DNS): the command line's TunnelAddress,
 * TunnelPeer, TunnelMTU, TunnelRoute and TunnelDNS merged with what the server's TunnelConfigCommand sent.
 * Valid from SSHTUN_UP on; after a reconnect (SSHTUN_UP again) it may have changed. Addresses are text, as
 * inet_ntop writes them; family is AF_INET or AF_INET6.
 */
enum { SSHTUN_IPC_ADDRS = 2, SSHTUN_IPC_ROUTES = 72, SSHTUN_IPC_DNS = 8, SSHTUN_IPC_DOMAINS = 8 };
struct sshtun_ipconfig {
	char device[16];	/* the interface */
	int ethernet;		/* 1: a tap device (layer 2) */
	int applied;		/* 1: sshtun configured the device (TunnelConfigure yes); 0: the program's to do */
	unsigned mtu;		/* 0: leave the device's */
	unsigned naddr;
	struct {
		int family;
		char address[48];
		unsigned prefix;
		char peer[48];	/* point-to-point peer, "" if none */
	} addr[SSHTUN_IPC_ADDRS];
	unsigned nroute;
	struct {
		int family;
		char dest[48];
		unsigned prefix;
		char gateway[48];	/* "" if none: through the device */
		unsigned mtu;		/* 0: the device's */
	} route[SSHTUN_IPC_ROUTES];
	int default_route;	/* TunnelRoute default: route[] has the half-default routes (0.0.0.0/1, 128.0.0.0/1 ...) */
	char server[48];	/* the address the SSH connection leaves this machine for (keep it off the tunnel) */
	unsigned ndns;
	char dns[SSHTUN_IPC_DNS][48];
	unsigned ndomains;
	char domains[SSHTUN_IPC_DOMAINS][256];	/* "~name": for routing lookups only, as resolvectl takes it */
};
/*
 * Fills c (size: sizeof(struct sshtun_ipconfig) as the caller was compiled; the struct only grows at its end).
 * 0; SSHTUN_ERR_STATE before the tunnel was first up; SSHTUN_ERR_INVAL for NULL or a size too small.
 */
SSHTUN_API int sshtun_get_ipconfig(const struct sshtun *h, struct sshtun_ipconfig *c, size_t size);
/* SyslogFacility as <syslog.h>'s LOG_* value (LOG_USER unless set), for a program that logs to syslog; after sshtun_start. */
SSHTUN_API int sshtun_syslog_facility(const struct sshtun *h);

/*
 * The algorithms this build supports of a kind, as ssh -Q lists them: "kex", "cipher", "mac", "compression",
 * "key" (key types, certificates too), "key-plain", "key-cert", "sig" (signature algorithms); or "feature", the
 * optional parts the build has: agent, compression, config-match, config-include, killswitch, seccomp, jump,
 * config-get, dns. Written
 * comma-separated in the order of preference into buf (len bytes). 0, or SSHTUN_ERR_NOT_SUPPORTED for a
 * kind it does not know, SSHTUN_ERR_TOO_LONG if buf is too small.
 */
SSHTUN_API int sshtun_algorithms(const char *kind, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
