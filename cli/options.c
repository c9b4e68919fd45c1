/* sshtun: command-line parsing (getopt) into a library handle, through the public API only; the --help text. */
#include "cli/options.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "sshtun.h"

/* Keeps the first error the library logs about an option, so that exactly one line is printed. */
struct errcap {
	char msg[512];
};

static void cap_fn(void *ud, int level, const char *msg)
{
	struct errcap *e = ud;

	if (level <= SSHTUN_LOG_WARN && e->msg[0] == '\0') {
		snprintf(e->msg, sizeof(e->msg), "%s", msg);
	}
}

/* Makes untrusted text printable for an error line (control and non-ASCII bytes become '?'). */
static void printable(char *out, size_t outlen, const char *in)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < outlen; i++) {
		unsigned char c = (unsigned char)in[i];

		out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[i] = '\0';
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	char msg[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "sshtun: %s; see sshtun --help\n", msg);
	return SSHTUN_ERR_CONFIG;
}

/*
 * Gives one config line to the handle (sshtun_set_params checks it at once), in command-line order,
 * so that the first value obtained wins.
 */
static int apply_line(struct cli_opts *o, const char *line, const char *where)
{
	struct errcap e = { { 0 } };
	int r;

	if (o->n_lines >= CLI_MAX_LINES) {
		return usage_error("too many options (at most %d)", CLI_MAX_LINES);
	}
	sshtun_set_log(o->h, cap_fn, &e, SSHTUN_LOG_WARN);
	r = sshtun_set_params(o->h, "", line, NULL);
	sshtun_set_log(o->h, NULL, NULL, SSHTUN_LOG_ERROR);
	if (r == SSHTUN_ERR_NOMEM) {
		fprintf(stderr, "sshtun: out of memory\n");
		return r;
	}
	if (r != 0) {
		/* The library names the source "parameter"; the user gave it as -o, -p, ...: say that. */
		static const char lib_where[] = "parameter: ";
		const char *msg = e.msg[0] ? e.msg : sshtun_strerror(r);

		if (strncmp(msg, lib_where, sizeof(lib_where) - 1) == 0) {
			msg += sizeof(lib_where) - 1;
		}
		return usage_error("%s: %s", where, msg);
	}
	o->n_lines++;
	return 0;
}

/* Applies "Keyword value" with the value quoted, so blanks, quotes and '#' in it stay literal. */
static int apply_kv(struct cli_opts *o, const char *kw, const char *val, const char *where)
{
	size_t n = strlen(kw) + 2 * strlen(val) + 4, j;
	char *line = malloc(n);
	int r;

	if (!line) {
		fprintf(stderr, "sshtun: out of memory\n");
		return SSHTUN_ERR_NOMEM;
	}
	j = (size_t)snprintf(line, n, "%s \"", kw);
	for (size_t i = 0; val[i]; i++) {
		if (val[i] == '"' || val[i] == '\\') {
			line[j++] = '\\';
		}
		line[j++] = val[i];
	}
	line[j++] = '"';
	line[j] = '\0';
	r = apply_line(o, line, where);
	free(line);
	return r;
}

/* What ssh refuses in a user or host name given on the command line. */
static int valid_name(const char *s)
{
	if (!s[0] || s[0] == '-') {
		return 0;
	}
	for (size_t i = 0; s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch <= ' ' || ch == 0x7f || strchr("'`\"$\\;&<>|(){}", ch)) {
			return 0;
		}
	}
	return 1;
}

static int set_destination(struct cli_opts *o, const char *dest)
{
	const char *at = strrchr(dest, '@'), *host = at ? at + 1 : dest;
	char user[256];
	int r;

	if (!valid_name(host)) {
		return usage_error("bad host name \"%.64s\"", host);
	}
	if (at) {
		size_t n = (size_t)(at - dest);

		if (n == 0 || n >= sizeof(user)) {
			return usage_error("bad user name in \"%.64s\"", dest);
		}
		memcpy(user, dest, n);
		user[n] = '\0';
		if (!valid_name(user)) {
			return usage_error("bad user name \"%.64s\"", user);
		}
		if ((r = apply_kv(o, "User", user, "user@host")) != 0) {
			return r;
		}
	}
	o->host = strdup(host);
	if (!o->host || sshtun_set_params(o->h, "Host", host, NULL) != 0) {
		fprintf(stderr, "sshtun: out of memory\n");
		return SSHTUN_ERR_NOMEM;
	}
	return 0;
}

/* -C: as ssh built without zlib, a build without compression says so and goes on (Compression yes is refused). */
static int compress_option(struct cli_opts *o)
{
	char algs[256];

	if (sshtun_algorithms("compression", algs, sizeof(algs)) == 0 && !strstr(algs, "zlib")) {
		fprintf(stderr, "sshtun: -C: this build has no compression (built --without-zlib); ignored\n");
		return 0;
	}
	return apply_line(o, "Compression yes", "-C");
}

static int one_option(struct cli_opts *o, int ch, const char *arg, int *saw_w)
{
	switch (ch) {
	case '4': return apply_line(o, "AddressFamily inet", "-4");
	case '6': return apply_line(o, "AddressFamily inet6", "-6");
	case 'C': return compress_option(o);
	case 'f': o->background = 1; return 0;
	case 'G': o->print_config = 1; return 0;
	case 'P':
		if (!arg[0] || arg[0] != '/') {
			return usage_error("--pidfile needs an absolute file name");
		}
		o->pidfile = arg;
		return 0;
	case 'K': o->cleanup = 1; return 0;
	case 'U':
		if (!arg[0]) {
			return usage_error("--user needs a user name or uid");
		}
		o->user = arg;
		return 0;
	case 'h': o->help = 1; return 0;
	case 'q': o->quiet = 1; return 0;
	case 'V': o->version = 1; return 0;
	case 'v': o->verbose++; return 0;
	case 'F':
		if (!arg[0]) {
			return usage_error("-F needs a file name");
		}
		o->config_file = arg;
		return 0;
	case 'i': return apply_kv(o, "IdentityFile", arg, "-i");
	case 'J': return apply_kv(o, "ProxyJump", arg, "-J");
	case 'l': return apply_kv(o, "User", arg, "-l");
	case 'm': return apply_kv(o, "MACs", arg, "-m");
	case 'o': return apply_line(o, arg, "-o");
	case 'p': return apply_kv(o, "Port", arg, "-p");
	case 'Q':
		o->query = arg;
		return 0;
	case 'w':
		*saw_w = 1;
		return apply_kv(o, "TunnelDevice", arg, "-w");
	default: return usage_error("internal error in option parsing");
	}
}

static int parse(struct cli_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "pidfile", required_argument, NULL, 'P' },
		{ "cleanup", no_argument, NULL, 'K' },
		{ "user", required_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 },
	};
	char bad[64];
	int ch, r, saw_w = 0;

	optind = 0;	/* glibc: start afresh, so the parser can run more than once */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":46CfGhqVvF:i:J:l:m:o:p:Q:w:", longopts, NULL)) != -1) {
		if (ch == ':') {
			return usage_error("option -%c needs an argument", optopt);
		}
		if (ch == '?') {
			/* musl leaves optind at argc + 1 after a missing argument (":" above): argv is read here only, checked. */
			const char *what = optind >= 1 && optind <= argc ? argv[optind - 1] : "";

			printable(bad, sizeof(bad), what);
			if (!optopt) {
				return usage_error("unknown option %s", bad);
			}
			if (strncmp(what, "--", 2) == 0 && strchr(what, '=')) {
				return usage_error("option %.*s takes no argument", (int)strcspn(bad, "="), bad);
			}
			return usage_error("unknown option -%c", optopt);
		}
		if ((r = one_option(o, ch, optarg, &saw_w)) != 0) {
			return r;
		}
		/* As ssh: -w turns the tunnel on in the default mode unless a mode came before it. */
		if (ch == 'w' && (r = apply_line(o, "Tunnel point-to-point", "-w")) != 0) {
			return r;
		}
	}
	if (o->help || o->version || o->query || o->cleanup) {
		return 0;
	}
	if (optind >= argc) {
		return usage_error("no host given");
	}
	if (optind + 1 < argc) {
		printable(bad, sizeof(bad), argv[optind + 1]);
		return usage_error("unexpected argument \"%s\" (sshtun runs no remote command)", bad);
	}
	if ((r = set_destination(o, argv[optind])) != 0) {
		return r;
	}
	/* -v and -q are LogLevel given on the command line: first value wins, as with -o LogLevel. */
	if (o->verbose > 0) {
		static const char *const levels[] = { "LogLevel DEBUG1", "LogLevel DEBUG2", "LogLevel DEBUG3" };

		return apply_line(o, levels[o->verbose >= 3 ? 2 : o->verbose - 1], "-v");
	}
	return o->quiet ? apply_line(o, "LogLevel QUIET", "-q") : 0;
}

int cli_parse(struct cli_opts *o, int argc, char **argv)
{
	int r;

	memset(o, 0, sizeof(*o));
	if (sshtun_new(&o->h) != 0) {
		fprintf(stderr, "sshtun: out of memory\n");
		return SSHTUN_ERR_NOMEM;
	}
	r = parse(o, argc, argv);
	if (r != 0) {
		cli_opts_free(o);
	}
	return r;
}

void cli_opts_free(struct cli_opts *o)
{
	sshtun_del(o->h);
	o->h = NULL;
	free(o->host);
	o->host = NULL;
	o->n_lines = 0;
}

static const char usage_text[] =
"usage: sshtun [-46CfGhqVv] [-F configfile] [-i identity_file] [-l login_name]\n"
"              [-m mac_spec] [-o option] [-p port] [-w local_tun[:remote_tun]]\n"
"              [--pidfile file] [--user user] [user@]host\n"
"       sshtun -Q query\n"
"       sshtun --cleanup\n"
"\n"
"A VPN over SSH: sshtun logs in to an OpenSSH server that allows tunnels\n"
"(PermitTunnel), creates and configures the local tun/tap device itself and\n"
"relays packets until SIGINT or SIGTERM.\n"
"\n"
"Options:\n"
"  -4               use IPv4 addresses only (AddressFamily inet)\n"
"  -6               use IPv6 addresses only (AddressFamily inet6)\n"
"  -C               compress (Compression yes): zlib@openssh.com, started after login\n"
"  -f               go to the background once the tunnel is up and configured (the\n"
"                   command exits 0 then, or non-zero with the reason); logs to syslog\n"
"  --pidfile file   write the running process's pid to file (removed at exit)\n"
"  --user user      run as root: once the device is open, become this user (a name or\n"
"                   uid) keeping CAP_NET_ADMIN alone (with the rights to write\n"
"                   /etc/resolv.conf too when the tunnel's DNS goes there); the\n"
"                   user's HOME, ~/.ssh/config, keys and known_hosts are used.\n"
"                   Default under sudo: the user who ran it; root: stay root\n"
"  --cleanup        remove the kill switch's nftables table a crashed sshtun left\n"
"  -G               print the configuration for the host as sshtun would use it\n"
"                   (one \"keyword value\" per line, as ssh -G) and exit\n"
"  -F configfile    read this file instead of ~/.ssh/config and /etc/ssh/ssh_config\n"
"                   (none: read no configuration file)\n"
"  -h, --help       print this help and exit\n"
"  -i identity_file private key to try (may be repeated; IdentityFile)\n"
"  -J destination   reach the server through jump hosts, [user@]host[:port],\n"
"                   comma-separated (ProxyJump)\n"
"  -l login_name    user to log in as (User)\n"
"  -m mac_spec      MACs to offer, comma-separated, in order (MACs)\n"
"  -o option        a configuration line, e.g. -o Port=2222 (may be repeated)\n"
"  -p port          port to connect to (Port)\n"
"  -Q query         list what this build supports, one per line, and exit:\n"
"                   kex, cipher, mac, compression, key, key-plain, key-cert, sig\n"
"  -q               quiet: print errors only\n"
"  -V, --version    print the version and exit\n"
"  -v               more messages (up to -vvv)\n"
"  -w local[:remote]\n"
"                   tun device units, each a number or \"any\" (TunnelDevice);\n"
"                   sets Tunnel point-to-point unless a mode was given before\n"
"\n";

/*
 * The keywords and examples: left out of the smallest builds (-DSSHTUN_SMALL_CODE=1, as embedded/build.sh makes
 * them), which point to the manual page instead; 6 KB of a program that must stay small.
 */
#ifndef SSHTUN_SMALL_CODE
#define SSHTUN_SMALL_CODE 0
#endif
#if SSHTUN_SMALL_CODE
static const char usage_keywords[] =
"Configuration keywords (ssh_config(5) syntax, also with -o) and examples: see sshtun(1).\n"
"\n";
#else
static const char usage_keywords[] =
"Options on the command line come first, then ~/.ssh/config, then\n"
"/etc/ssh/ssh_config; for each keyword the first value obtained wins.\n"
"\n"
"Configuration keywords sshtun uses (ssh_config(5) syntax, also with -o):\n"
"  Host, Match       blocks (Match all, host, originalhost, user, localuser)\n"
"  Include           further files (glob patterns, relative to ~/.ssh)\n"
"  HostName          real host to connect to (%h: the name given)\n"
"  Port              port, default 22\n"
"  User              remote user, default: the local user\n"
"  IdentityFile      private key (repeatable; ~, %d %u %h %r %% expanded);\n"
"                    default ~/.ssh/id_rsa, id_ecdsa, id_ed25519; Ed25519, ECDSA\n"
"                    and RSA keys, passphrase-protected ones asked for on the\n"
"                    terminal or through SSH_ASKPASS (SSH_ASKPASS_REQUIRE)\n"
"  CertificateFile   a user certificate (repeatable); KEY-cert.pub is also tried\n"
"  IdentitiesOnly    yes: offer only IdentityFile keys, not all agent keys\n"
"  IdentityAgent     agent socket path, SSH_AUTH_SOCK or none\n"
"  Tunnel            point-to-point (yes, default: layer 3) or ethernet (layer 2)\n"
"  TunnelDevice      local_tun[:remote_tun], numbers or any (default any:any)\n"
"  TunnelAddress     local address on the tunnel: ADDR[/PREFIX], IPv4 or IPv6\n"
"  TunnelPeer        the server's address on a point-to-point tunnel\n"
"  TunnelMTU         MTU of the local device, 68..65535 (default 1500; 0 leaves it)\n"
"  TunnelAckThinning yes (default): a TCP ACK that a later one in the same batch\n"
"                    makes redundant is not relayed; no: relay every packet\n"
"  TunnelConfigCommand  run on the server once the tunnel is open (or the key's\n"
"                    forced command: sshtun-server); its output configures\n"
"                    the tunnel (ADDR, PEER_ADDR, ADDR6, MTU, ROUTE, DNS, ...)\n"
"  TunnelRoute       networks routed through the tunnel (repeatable), or default:\n"
"                    everything, the SSH connection keeping its own path\n"
"  TunnelDNS         DNS servers for the tunnel (repeatable; replace the server's)\n"
"  TunnelBridge      a bridge the local tap joins (Tunnel ethernet)\n"
"  PermitLocalCommand  yes: LocalCommand and TunnelDownCommand run (default no)\n"
"  LocalCommand      run when the tunnel is up and configured (%T the device,\n"
"                    the configuration in SSHTUN_* variables)\n"
"  TunnelDownCommand run when the tunnel goes down\n"
"  UserKnownHostsFile    default ~/.ssh/known_hosts ~/.ssh/known_hosts2\n"
"  GlobalKnownHostsFile  default /etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2\n"
"  StrictHostKeyChecking yes, accept-new, no/off, or ask (default: asks about a\n"
"                    host key known_hosts lacks, and adds it on yes)\n"
"  HashKnownHosts    yes: host names added to known_hosts are hashed\n"
"  HostKeyAlias      the name known_hosts holds the server under\n"
"  BatchMode         yes: never ask anything (passphrases, passwords, host keys)\n"
"  NumberOfPasswordPrompts  tries for a passphrase or password (default 3)\n"
"  PreferredAuthentications  order of publickey, keyboard-interactive, password\n"
"  PubkeyAuthentication, KbdInteractiveAuthentication, PasswordAuthentication\n"
"                    yes (default) or no\n"
"  AddKeysToAgent    no (default), yes, ask, confirm [time], or a time: keys\n"
"                    loaded from files are added to ssh-agent\n"
"  Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms, PubkeyAcceptedAlgorithms\n"
"                    algorithm lists; a leading +, - or ^ changes the default\n"
"                    (ssh-rsa, RSA with SHA-1, only if added: +ssh-rsa; the\n"
"                    same for hmac-sha1); MACs count with aes*-ctr only\n"
"  RequiredRSASize   smallest RSA key used or accepted (default 2048)\n"
"  RekeyLimit        bytes (K, M, G) or default, then optionally a time or none\n"
"  ConnectTimeout    seconds to connect and finish key exchange (default none)\n"
"  ServerAliveInterval, ServerAliveCountMax  keepalives (default 0 and 3)\n"
"  ConnectionAttempts  tries of the server's addresses, a second apart (default 1);\n"
"                    every address of the name is tried in order\n"
"  BindAddress, BindInterface  where the connection leaves from\n"
"  ProxyCommand      the connection is this command's stdin and stdout\n"
"                    (%h %p %r %n expanded), e.g. nc %h %p; or none\n"
"  ProxyJump         jump hosts, [user@]host[:port],...: each is connected to\n"
"                    in process (its own Host block, keys, known_hosts), none\n"
"  TunnelReconnect   yes (default): a lost connection is made again, the device\n"
"                    and its configuration kept; no: the loss ends sshtun\n"
"  TCPKeepAlive      yes (default) or no\n"
"  TunnelKillSwitch  yes: while sshtun runs, only the tunnel, loopback and the\n"
"                    connection to the server carry traffic (nftables)\n"
"  TunnelSeccomp     yes: once started, only the system calls the configuration\n"
"                    needs are allowed (seccomp); a call refused stops sshtun\n"
"                    with a line naming it (default no)\n"
"  LogLevel          QUIET FATAL ERROR INFO VERBOSE DEBUG DEBUG1 DEBUG2 DEBUG3\n"
"  SyslogFacility    DAEMON, USER (default), AUTH, LOCAL0..LOCAL7: for -f's syslog\n"
"  AddressFamily     any, inet or inet6\n"
"  IgnoreUnknown     patterns of unknown keywords to accept\n"
"Other ssh_config keywords (ForwardAgent, ControlMaster, SendEnv, ...) are\n"
"accepted and ignored; RevokedHostKeys, KnownHostsCommand and\n"
"CanonicalizeHostname are refused unless none (no).\n"
"\n"
"Examples:\n"
"  sshtun -w any -o TunnelConfigCommand=sshtun-server root@198.18.0.2\n"
"  sshtun -w any root@198.18.0.2 -o TunnelAddress=198.18.9.1/30 -o TunnelPeer=198.18.9.2\n"
"  sshtun -w 0:0 -o Tunnel=ethernet -o TunnelAddress=10.9.0.1/24 gw.example.org\n"
"  sshtun -p 2222 -i ~/.ssh/vpn_ed25519 -o TunnelAddress=fd00:9::1/64 vpn@gw\n"
"\n";
#endif

static const char usage_tail[] =
"The server needs PermitTunnel yes (or point-to-point/ethernet) in sshd_config.\n"
"Signals: INT and TERM stop, HUP reads the configuration again and reconnects,\nUSR1 prints a status line.\n"
"Exit status: 0 ok, 2 usage or configuration, 3 connection, 4 host key,\n"
"5 authentication, 6 tunnel refused, 7 local device, 8 protocol, 9 the server's\n"
"configuration command, 1 internal (and a system call TunnelSeccomp refused).\n"
"See sshtun(1).\n";

void cli_usage(void)
{
	printf("sshtun %s\n%s%s%s", SSHTUN_VERSION, usage_text, usage_keywords, usage_tail);
}
