/* sshtun: connection options, ssh_config files (ssh_config(5) semantics) and -o Key=Value. */
#ifndef SSH_CONFIG_H
#define SSH_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "util/log.h"

enum { CFG_MAX_HOPS = 8, CFG_MAX_FILES = 8, CFG_MAX_IDENTITIES = 16, CFG_MAX_ROUTES = 32, CFG_MAX_DNS = 8, CFG_MAX_ALIASES = 64 };

enum cfg_tunnel { CFG_TUNNEL_UNSET = -1, CFG_TUNNEL_NO = 0, CFG_TUNNEL_P2P = 1, CFG_TUNNEL_ETHERNET = 2 };
enum cfg_strict { CFG_STRICT_UNSET = -1, CFG_STRICT_NO = 0, CFG_STRICT_YES = 1, CFG_STRICT_ACCEPT_NEW = 2, CFG_STRICT_ASK = 3 };
enum { CFG_TUN_ANY = 0x7fffffff, CFG_UNSET = -1 };
enum cfg_add_keys { CFG_ADD_NO = 0, CFG_ADD_YES = 1, CFG_ADD_CONFIRM = 2, CFG_ADD_ASK = 3 };

/*
 * Every option sshtun uses. Strings are heap copies owned by the struct (NULL =
 * unset). As in ssh, the first value obtained for an option wins: command-line
 * options are applied first, then the user's config, then the system's; only
 * IdentityFile accumulates. cfg_finish() fills defaults for what stays unset.
 */
struct cfg {
	char *host;			/* the name given on the command line (for Host matching) */
	char *hostname;			/* HostName (%h expanded), default: host */
	int port;			/* Port, default 22 */
	char *user;			/* User, default: the local user */
	char *identity_files[CFG_MAX_IDENTITIES];	/* IdentityFile, ~ and %d %u %h %r expanded */
	int n_identity_files;
	char *certificate_files[CFG_MAX_IDENTITIES];	/* CertificateFile, expanded as IdentityFile */
	int n_certificate_files;
	int identities_only;		/* IdentitiesOnly yes/no, default no */
	char *identity_agent;		/* IdentityAgent (path, SSH_AUTH_SOCK or none) */
	int tunnel;			/* Tunnel yes|point-to-point|ethernet|no; -w implies point-to-point */
	int tun_local;			/* TunnelDevice local unit or CFG_TUN_ANY */
	int tun_remote;			/* TunnelDevice remote unit or CFG_TUN_ANY */
	char *user_known_hosts[CFG_MAX_FILES];	/* UserKnownHostsFile (several allowed) */
	int n_user_known_hosts;
	char *global_known_hosts[CFG_MAX_FILES];	/* GlobalKnownHostsFile */
	int n_global_known_hosts;
	int strict_host_key_checking;	/* default ask: the user is asked (through the prompt callback) */
	char *ciphers;			/* Ciphers: list with optional +, -, ^ prefix, kept as given */
	char *macs;			/* MACs: the same form */
	char *kex_algorithms;		/* KexAlgorithms, likewise */
	char *hostkey_algorithms;	/* HostKeyAlgorithms, likewise (unset: defaults, known_hosts' types first) */
	char *pubkey_algorithms;	/* PubkeyAcceptedAlgorithms, likewise */
	unsigned refused_set;		/* keywords refused unless neutral (ProxyJump none, ...) already set, by first letter */
	char *ca_signature_algorithms;	/* CASignatureAlgorithms: what a CA may sign certificates with, likewise */
	int required_rsa_size;
	int hash_known_hosts;		/* HashKnownHosts yes/no, default no: names added are hashed */
	int compression;		/* Compression yes/no, default no: zlib@openssh.com or zlib first */
	int warn_weak_crypto;		/* WarnWeakCrypto yes/no, default yes: warn of a key exchange that is not post-quantum */
	char *host_key_alias;		/* HostKeyAlias: the name known_hosts is searched and written under */
	int add_keys_to_agent;		/* AddKeysToAgent: CFG_ADD_* (default no) */
	int add_keys_lifetime;		/* its time interval in seconds, 0 for none */
	int batch_mode;			/* BatchMode yes/no, default no: yes asks nothing at all */
	int password_prompts;		/* NumberOfPasswordPrompts, default 3 (passphrases too) */
	int pubkey_auth;		/* PubkeyAuthentication yes/no, default yes */
	int kbdint_auth;		/* KbdInteractiveAuthentication, default yes */
	int password_auth;		/* PasswordAuthentication, default yes */
	char *preferred_auth;		/* PreferredAuthentications, default publickey,keyboard-interactive,password */		/* RequiredRSASize: smallest RSA key used or accepted, default 2048 */
	int64_t rekey_bytes;		/* RekeyLimit first field ("default" or size with K/M/G) ; -1 unset, 0 default */
	int64_t rekey_seconds;		/* RekeyLimit second field ("none" -> 0); -1 unset */
	int connect_timeout;		/* ConnectTimeout seconds; -1 unset, 0 none */
	int server_alive_interval;	/* ServerAliveInterval; default 0 */
	int server_alive_count_max;	/* ServerAliveCountMax; default 3 */
	int log_level;			/* LogLevel mapped to LG_*; -1 unset */
	int syslog_facility;		/* SyslogFacility as <syslog.h>'s LOG_* value; default LOG_USER */
	int address_family;		/* AddressFamily any|inet|inet6 as 0, AF_INET, AF_INET6 */
	char *tunnel_address;		/* sshtun: TunnelAddress ADDR[/PREFIX] */
	char *tunnel_peer;		/* sshtun: TunnelPeer ADDR */
	int tunnel_mtu;			/* sshtun: TunnelMTU, default 1500 (0 = leave as is) */
	int tunnel_ack_thinning;	/* sshtun: TunnelAckThinning yes|no, default yes */
	int tunnel_configure;		/* sshtun: TunnelConfigure yes|no, default yes; no: the program configures the device */
	int tunnel_kill_switch;		/* sshtun: TunnelKillSwitch yes|no, default no */
	int tunnel_seccomp;		/* sshtun: TunnelSeccomp yes|no, default no: the seccomp filter (sshtun_sandbox) */
	int tunnel_reconnect;		/* sshtun: TunnelReconnect yes|no: reconnect once a tunnel has been up */
	int tcp_keepalive;		/* TCPKeepAlive yes|no, default yes (SO_KEEPALIVE) */
	char *bind_address;		/* BindAddress: the local address to connect from ("" none) */
	char *bind_interface;		/* BindInterface: the interface to connect through ("" none) */
	int connection_attempts;	/* ConnectionAttempts: tries of the whole address list, a second apart; default 1 */
	char *proxy_command;		/* ProxyCommand: the connection is its stdin and stdout ("" none) */
	char *proxy_jump;		/* ProxyJump: jump hosts, [ssh://][user@]host[:port],... ("" none) */
	char *tunnel_config_command;	/* sshtun: TunnelConfigCommand, run on the server for the IP configuration */
	int permit_local_command;	/* PermitLocalCommand yes/no, default no */
	char *local_command;		/* LocalCommand: run once the tunnel is up and configured (%T the device) */
	char *tunnel_down_command;	/* sshtun: TunnelDownCommand, run when the tunnel goes down */
	char *tunnel_dns[CFG_MAX_DNS];	/* sshtun: TunnelDNS servers (accumulate; replace the server's DNS lines) */
	int n_tunnel_dns;
	char *tunnel_bridge;		/* sshtun: TunnelBridge BR, a bridge the local tap joins */
	char *tunnel_routes[CFG_MAX_ROUTES];	/* sshtun: TunnelRoute CIDR... or default (accumulates) */
	int n_tunnel_routes;
	char *aliases;			/* the Host patterns of the files read that are plain names (no * ? !), in order,
					   each once, one per line; at most CFG_MAX_ALIASES (sshtun_get_option HostAliases) */
};

/* Zeroes every field and marks numbers unset. */
void cfg_init(struct cfg *c);
void cfg_free(struct cfg *c);
/*
 * Applies one "Key Value" or "Key=Value" line (as -o takes it; keywords are
 * case-insensitive; quotes as ssh_config allows). Unknown keywords are refused
 * with SSHTUN_ERR_CONFIG, keywords ssh knows but sshtun ignores are accepted
 * with a debug message. where (e.g. "command line" or "file:line") is used in the
 * error logged.
 */
int cfg_apply(struct cfg *c, const char *line, const char *where, const struct lg *log);
/*
 * Reads an ssh_config file: Host blocks with patterns (* ? ! and lists) matched
 * against c->host, Match blocks (host, originalhost, user, all; others refused),
 * Include (glob, relative to ~/.ssh or /etc/ssh, depth-limited). A missing file is
 * not an error if optional=1. The first bad line refuses the whole file with one
 * error naming path:line and the cause.
 */
int cfg_read_file(struct cfg *c, const char *path, int optional, const struct lg *log);
/* Same over text in memory (fuzzing and tests); name is used in messages. */
int cfg_read_buf(struct cfg *c, const char *buf, size_t len, const char *name, const struct lg *log);
/* Fills defaults (port 22, current user, default identity files, known_hosts files, ...). */
int cfg_finish(struct cfg *c, const struct lg *log);
/* Expands a local command's %-tokens, ~ and ${VAR} as ssh does, %T as tundev; 0 or SSHTUN_ERR_CONFIG. */
int cfg_expand_command(const struct cfg *c, const char *cmd, const char *tundev, char **out);
/* One jump host of a ProxyJump list. */
struct cfg_hop {
	char user[256];		/* "" if not given */
	char host[256];		/* a name or an address (an IPv6 one without its brackets) */
	int port;		/* 0 if not given */
	size_t start;		/* where it begins in the list (the hops before it are list[0 .. start-1], comma included) */
};
/*
 * Parses a ProxyJump list, [ssh://][user@]host[:port] separated by commas (an IPv6 address in brackets), into
 * at most CFG_MAX_HOPS hops; 0 with *n set, or -1 with *why saying what is wrong.
 */
int cfg_parse_jump(const char *list, struct cfg_hop *hops, int *n, const char **why);
/*
 * A keyword's value in c, as text, for sshtun_get_option: several values one per line, an empty string (a "none")
 * as "none", numbers in decimal, choices by their first name. 1 if c has a value (written to w, not terminated),
 * 0 if it has none, -1 if the keyword is not one it reports (ssh/config_get.c).
 */
struct wire_w;
int cfg_get(const struct cfg *c, const char *keyword, struct wire_w *w);
/* The i-th keyword cfg_get reports, or NULL past the last (the fuzzer asks for each). */
const char *cfg_get_keyword(size_t i);
/* Parses a byte size as RekeyLimit does ("1G", "500M", "default"); -1 on error. */
int64_t cfg_parse_size(const char *s);

#endif
