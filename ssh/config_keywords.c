/* sshtun: the ssh_config keyword table and the parsers for each keyword's value. */
#include "ssh/config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "sshtun_err.h"
#include "util/limits.h"

/*
 * The one entry point config.c calls (declared identically there). argv[0] is
 * the keyword. Returns 0, SSHTUN_ERR_CONFIG / SSHTUN_ERR_NOMEM after logging why,
 * or CFG_KW_UNKNOWN (nothing logged) when the keyword is not in the table.
 * apply=0 checks the value without storing it (lines in blocks that do not match).
 */
enum { CFG_KW_UNKNOWN = 1 };
int cfg_kw_set(struct cfg *c, char **argv, int argc, int apply, const char *where, const struct lg *log);

struct kwctx;
typedef int (*kw_fn)(const struct kwctx *k);

struct kw {
	const char *name;
	kw_fn fn;		/* NULL: a keyword of ssh that sshtun accepts and ignores */
	int min_args, max_args;	/* not counting the keyword */
	const char *expect;	/* the expected form, for error messages */
};

struct kwctx {
	const struct kw *kw;
	struct cfg *c;
	char **argv;		/* values only (the keyword is dropped) */
	int argc;
	int apply;
	const char *where;
	const struct lg *log;
};

struct choice {
	const char *name;
	int value;
};

static int bad_value(const struct kwctx *k, const char *val)
{
	char s[128];

	lg_sanitize(s, sizeof(s), val, strlen(val));
	LG_E(k->log, "%s: %s: bad value \"%s\" (expected %s)", k->where, k->kw->name, s, k->kw->expect);
	return SSHTUN_ERR_CONFIG;
}

static int set_str(const struct kwctx *k, char **field, const char *val)
{
	if (!k->apply || *field) {
		return 0;
	}
	*field = strdup(val);
	if (!*field) {
		LG_E(k->log, "%s: %s: out of memory", k->where, k->kw->name);
		return SSHTUN_ERR_NOMEM;
	}
	return 0;
}

static void set_int(const struct kwctx *k, int *field, int v)
{
	if (k->apply && *field == CFG_UNSET) {
		*field = v;
	}
}

/* Decimal digits only, no sign, value <= max. */
static int parse_num(const char *s, int64_t max, int64_t *out)
{
	int64_t v = 0;

	*out = 0;
	if (!s[0]) {
		return -1;
	}
	for (size_t i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		if (v > (max - (s[i] - '0')) / 10) {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int64_t time_unit(char ch)
{
	switch (ch) {
	case '\0': case 's': case 'S': return 1;
	case 'm': case 'M': return 60;
	case 'h': case 'H': return 3600;
	case 'd': case 'D': return 86400;
	case 'w': case 'W': return 604800;
	default: return 0;
	}
}

/* sshd_config(5) TIME FORMATS: one or more NUMBER[smhdw]; a bare number is seconds. */
static int parse_time(const char *s, int *out)
{
	int64_t total = 0, num = 0, mul;
	int digits = 0;

	*out = 0;
	for (size_t i = 0;; i++) {
		char ch = s[i];

		if (ch >= '0' && ch <= '9') {
			if (num > (INT32_MAX - (ch - '0')) / 10) {
				return -1;
			}
			num = num * 10 + (ch - '0');
			digits++;
			continue;
		}
		if (ch == '\0' && digits == 0 && i > 0) {
			break;	/* ended right after a unit */
		}
		mul = time_unit(ch);
		if (mul == 0 || digits == 0 || num > (INT32_MAX - total) / mul) {
			return -1;
		}
		total += num * mul;
		num = 0;
		digits = 0;
		if (ch == '\0') {
			break;
		}
	}
	*out = (int)total;
	return 0;
}

int64_t cfg_parse_size(const char *s)
{
	const int64_t max = INT64_C(1) << 62;
	int64_t whole = 0, frac = 0, fdiv = 1, scale = 1;
	size_t i = 0;

	if (!s || !s[0]) {
		return -1;
	}
	if (strcasecmp(s, "default") == 0) {
		return 0;
	}
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		if (whole > (max - (s[i] - '0')) / 10) {
			return -1;
		}
		whole = whole * 10 + (s[i] - '0');
	}
	if (i == 0) {
		return -1;
	}
	if (s[i] == '.') {
		for (i++; s[i] >= '0' && s[i] <= '9'; i++) {
			if (fdiv >= 1000000000) {
				return -1;
			}
			frac = frac * 10 + (s[i] - '0');
			fdiv *= 10;
		}
		if (fdiv == 1) {
			return -1;
		}
	}
	switch (s[i]) {
	case '\0': break;
	case 'k': case 'K': scale = INT64_C(1) << 10; break;
	case 'm': case 'M': scale = INT64_C(1) << 20; break;
	case 'g': case 'G': scale = INT64_C(1) << 30; break;
	case 't': case 'T': scale = INT64_C(1) << 40; break;
	default: return -1;
	}
	if (s[i] != '\0' && s[i + 1] != '\0') {
		return -1;
	}
	if ((fdiv > 1 && scale == 1) || whole > max / scale) {
		return -1;	/* a fraction of a byte, or too large */
	}
	return whole * scale + frac * scale / fdiv;
}

static int pick(const struct kwctx *k, const struct choice *ch, int *out)
{
	for (size_t i = 0; ch[i].name; i++) {
		if (strcasecmp(ch[i].name, k->argv[0]) == 0) {
			*out = ch[i].value;
			return 0;
		}
	}
	return bad_value(k, k->argv[0]);
}

static const struct choice yes_no[] = {
	{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 }, { NULL, 0 }
};

/* No control characters, not empty: names and paths. */
static int plain(const char *s)
{
	if (!s[0]) {
		return 0;
	}
	for (size_t i = 0; s[i]; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			return 0;
		}
	}
	return 1;
}

static int kw_string(const struct kwctx *k, char **field)
{
	if (!plain(k->argv[0])) {
		return bad_value(k, k->argv[0]);
	}
	return set_str(k, field, k->argv[0]);
}

static int kw_hostname(const struct kwctx *k)
{
	return kw_string(k, &k->c->hostname);
}

static int kw_user(const struct kwctx *k)
{
	return kw_string(k, &k->c->user);
}

static int kw_identity_agent(const struct kwctx *k)
{
	return kw_string(k, &k->c->identity_agent);
}

static int kw_port(const struct kwctx *k)
{
	int64_t v;

	if (parse_num(k->argv[0], 65535, &v) != 0 || v == 0) {
		return bad_value(k, k->argv[0]);
	}
	set_int(k, &k->c->port, (int)v);
	return 0;
}

static int kw_identity_file(const struct kwctx *k)
{
	struct cfg *c = k->c;
	const char *v = k->argv[0];

	if (!plain(v)) {
		return bad_value(k, v);
	}
	if (!k->apply) {
		return 0;
	}
	for (int i = 0; i < c->n_identity_files; i++) {
		if (strcmp(c->identity_files[i], v) == 0) {
			return 0;	/* as ssh: a file is listed once */
		}
	}
	if (c->n_identity_files >= CFG_MAX_IDENTITIES) {
		LG_E(k->log, "%s: IdentityFile: too many identity files (at most %d)", k->where, CFG_MAX_IDENTITIES);
		return SSHTUN_ERR_CONFIG;
	}
	c->identity_files[c->n_identity_files] = strdup(v);
	if (!c->identity_files[c->n_identity_files]) {
		return SSHTUN_ERR_NOMEM;
	}
	c->n_identity_files++;
	return 0;
}

static int kw_identities_only(const struct kwctx *k)
{
	int v = 0, r = pick(k, yes_no, &v);

	if (r == 0) {
		set_int(k, &k->c->identities_only, v);
	}
	return r;
}

static int kw_tunnel(const struct kwctx *k)
{
	static const struct choice ch[] = {
		{ "yes", CFG_TUNNEL_P2P }, { "point-to-point", CFG_TUNNEL_P2P },
		{ "ethernet", CFG_TUNNEL_ETHERNET }, { "no", CFG_TUNNEL_NO },
		{ "true", CFG_TUNNEL_P2P }, { "false", CFG_TUNNEL_NO }, { NULL, 0 }
	};
	int v = 0, r = pick(k, ch, &v);

	if (r == 0) {
		set_int(k, &k->c->tunnel, v);
	}
	return r;
}

static int tun_unit(const char *s, size_t n, int *out)
{
	char buf[16];
	int64_t v;

	if (n == 0 || n >= sizeof(buf)) {
		return -1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (strcasecmp(buf, "any") == 0) {
		*out = CFG_TUN_ANY;
		return 0;
	}
	if (parse_num(buf, CFG_TUN_ANY - 2, &v) != 0) {
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int kw_tunnel_device(const struct kwctx *k)
{
	const char *s = k->argv[0], *colon = strchr(s, ':');
	int local = 0, remote = CFG_TUN_ANY;

	if (tun_unit(s, colon ? (size_t)(colon - s) : strlen(s), &local) != 0 ||
	    (colon && tun_unit(colon + 1, strlen(colon + 1), &remote) != 0)) {
		return bad_value(k, s);
	}
	if (k->apply && k->c->tun_local == CFG_UNSET) {
		k->c->tun_local = local;
		k->c->tun_remote = remote;
	}
	return 0;
}

static int kw_files(const struct kwctx *k, char **list, int *n)
{
	for (int i = 0; i < k->argc; i++) {
		if (!plain(k->argv[i]) || (k->argc > 1 && strcmp(k->argv[i], "none") == 0)) {
			return bad_value(k, k->argv[i]);
		}
	}
	if (!k->apply || *n > 0) {
		return 0;
	}
	for (int i = 0; i < k->argc; i++) {
		list[i] = strdup(k->argv[i]);
		if (!list[i]) {
			return SSHTUN_ERR_NOMEM;
		}
		*n = i + 1;
	}
	return 0;
}

static int kw_user_known_hosts(const struct kwctx *k)
{
	return kw_files(k, k->c->user_known_hosts, &k->c->n_user_known_hosts);
}

static int kw_global_known_hosts(const struct kwctx *k)
{
	return kw_files(k, k->c->global_known_hosts, &k->c->n_global_known_hosts);
}

static int kw_strict(const struct kwctx *k)
{
	static const struct choice ch[] = {
		{ "yes", CFG_STRICT_YES }, { "no", CFG_STRICT_NO }, { "off", CFG_STRICT_NO },
		{ "accept-new", CFG_STRICT_ACCEPT_NEW }, { "ask", CFG_STRICT_ASK },
		{ "true", CFG_STRICT_YES }, { "false", CFG_STRICT_NO }, { NULL, 0 }
	};
	int v = 0, r = pick(k, ch, &v);

	if (r == 0) {
		set_int(k, &k->c->strict_host_key_checking, v);
	}
	return r;
}

/* An algorithm list as ssh takes it: [+-^]name[,name...]; names of [A-Za-z0-9._@-] plus wildcards. */
static int algo_list_ok(const char *s)
{
	size_t i = 0, namelen = 0;

	if (s[0] == '+' || s[0] == '-' || s[0] == '^') {
		i = 1;
	}
	for (; s[i]; i++) {
		char ch = s[i];

		if (ch == ',') {
			if (namelen == 0) {
				return 0;
			}
			namelen = 0;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '-' || ch == '.' || ch == '_' || ch == '@' || ch == '*' || ch == '?')) {
			return 0;
		}
		if (++namelen > WIRE_MAX_NAME || i > WIRE_MAX_NAMELIST) {
			return 0;
		}
	}
	return namelen > 0;
}

static int kw_algos(const struct kwctx *k, char **field)
{
	if (!algo_list_ok(k->argv[0])) {
		return bad_value(k, k->argv[0]);
	}
	return set_str(k, field, k->argv[0]);
}

static int kw_ciphers(const struct kwctx *k)
{
	return kw_algos(k, &k->c->ciphers);
}

static int kw_kex(const struct kwctx *k)
{
	return kw_algos(k, &k->c->kex_algorithms);
}

static int kw_rekey(const struct kwctx *k)
{
	int64_t bytes = cfg_parse_size(k->argv[0]);
	int secs = 0;

	if (bytes < 0 || (bytes > 0 && bytes < 16)) {
		return bad_value(k, k->argv[0]);
	}
	if (k->argc > 1 && strcasecmp(k->argv[1], "none") != 0 && parse_time(k->argv[1], &secs) != 0) {
		return bad_value(k, k->argv[1]);
	}
	if (k->apply && k->c->rekey_bytes == CFG_UNSET) {
		k->c->rekey_bytes = bytes;
	}
	if (k->apply && k->argc > 1 && k->c->rekey_seconds == CFG_UNSET) {
		k->c->rekey_seconds = secs;
	}
	return 0;
}

static int kw_time(const struct kwctx *k, int *field, int allow_none)
{
	int v = 0;

	if (!(allow_none && strcasecmp(k->argv[0], "none") == 0) && parse_time(k->argv[0], &v) != 0) {
		return bad_value(k, k->argv[0]);
	}
	set_int(k, field, v);
	return 0;
}

static int kw_connect_timeout(const struct kwctx *k)
{
	return kw_time(k, &k->c->connect_timeout, 1);
}

static int kw_alive_interval(const struct kwctx *k)
{
	return kw_time(k, &k->c->server_alive_interval, 0);
}

static int kw_alive_count(const struct kwctx *k)
{
	int64_t v;

	if (parse_num(k->argv[0], INT32_MAX, &v) != 0) {
		return bad_value(k, k->argv[0]);
	}
	set_int(k, &k->c->server_alive_count_max, (int)v);
	return 0;
}

static int kw_log_level(const struct kwctx *k)
{
	static const struct choice ch[] = {
		{ "QUIET", LG_ERROR }, { "FATAL", LG_ERROR }, { "ERROR", LG_ERROR },
		{ "INFO", LG_INFO }, { "VERBOSE", LG_INFO }, { "DEBUG", LG_DEBUG1 },
		{ "DEBUG1", LG_DEBUG1 }, { "DEBUG2", LG_DEBUG2 }, { "DEBUG3", LG_DEBUG3 }, { NULL, 0 }
	};
	int v = 0, r = pick(k, ch, &v);

	if (r == 0) {
		set_int(k, &k->c->log_level, v);
	}
	return r;
}

static int kw_address_family(const struct kwctx *k)
{
	static const struct choice ch[] = {
		{ "any", 0 }, { "inet", AF_INET }, { "inet6", AF_INET6 }, { NULL, 0 }
	};
	int v = 0, r = pick(k, ch, &v);

	if (r == 0) {
		set_int(k, &k->c->address_family, v);
	}
	return r;
}

/* ADDR[/PREFIX] (want_prefix) or ADDR: returns the family, or 0 if it does not parse. */
static int parse_addr(const char *s, int want_prefix)
{
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char bin[sizeof(struct in6_addr)];
	const char *slash = want_prefix ? strchr(s, '/') : NULL;
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	int af = AF_INET;
	int64_t prefix;

	if (n == 0 || n >= sizeof(buf)) {
		return 0;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, bin) != 1) {
		af = AF_INET6;
		if (inet_pton(AF_INET6, buf, bin) != 1) {
			return 0;
		}
	}
	if (slash && (parse_num(slash + 1, af == AF_INET ? 32 : 128, &prefix) != 0 || prefix == 0)) {
		return 0;
	}
	return af;
}

static int kw_tunnel_address(const struct kwctx *k)
{
	if (parse_addr(k->argv[0], 1) == 0) {
		return bad_value(k, k->argv[0]);
	}
	return set_str(k, &k->c->tunnel_address, k->argv[0]);
}

static int kw_tunnel_peer(const struct kwctx *k)
{
	if (parse_addr(k->argv[0], 0) == 0) {
		return bad_value(k, k->argv[0]);
	}
	return set_str(k, &k->c->tunnel_peer, k->argv[0]);
}

static int kw_tunnel_mtu(const struct kwctx *k)
{
	int64_t v;

	if (parse_num(k->argv[0], 65535, &v) != 0 || (v != 0 && v < 68)) {
		return bad_value(k, k->argv[0]);
	}
	set_int(k, &k->c->tunnel_mtu, (int)v);
	return 0;
}

#define IGN(name) { name, NULL, 1, CONFIG_MAX_ARGS, "an argument" }

static const struct kw keywords[] = {
	{ "HostName", kw_hostname, 1, 1, "a host name or address (%h is the name given)" },
	{ "Port", kw_port, 1, 1, "a port number 1..65535" },
	{ "User", kw_user, 1, 1, "a user name" },
	{ "IdentityFile", kw_identity_file, 1, 1, "a file name" },
	{ "IdentitiesOnly", kw_identities_only, 1, 1, "yes or no" },
	{ "IdentityAgent", kw_identity_agent, 1, 1, "a socket path, SSH_AUTH_SOCK, $VARIABLE or none" },
	{ "Tunnel", kw_tunnel, 1, 1, "yes, point-to-point, ethernet or no" },
	{ "TunnelDevice", kw_tunnel_device, 1, 1, "local_tun[:remote_tun], each a number or any" },
	{ "UserKnownHostsFile", kw_user_known_hosts, 1, CFG_MAX_FILES, "one or more file names, or none" },
	{ "GlobalKnownHostsFile", kw_global_known_hosts, 1, CFG_MAX_FILES, "one or more file names, or none" },
	{ "StrictHostKeyChecking", kw_strict, 1, 1, "yes, no, off, accept-new or ask" },
	{ "Ciphers", kw_ciphers, 1, 1, "a comma-separated list of ciphers, optionally prefixed by +, - or ^" },
	{ "KexAlgorithms", kw_kex, 1, 1, "a comma-separated list of algorithms, optionally prefixed by +, - or ^" },
	{ "RekeyLimit", kw_rekey, 1, 2, "a size with K, M or G (at least 16) or default, then optionally a time or none" },
	{ "ConnectTimeout", kw_connect_timeout, 1, 1, "seconds, a time like 1m30s, or none" },
	{ "ServerAliveInterval", kw_alive_interval, 1, 1, "seconds or a time like 1m30s" },
	{ "ServerAliveCountMax", kw_alive_count, 1, 1, "a number" },
	{ "LogLevel", kw_log_level, 1, 1, "QUIET, FATAL, ERROR, INFO, VERBOSE, DEBUG, DEBUG1, DEBUG2 or DEBUG3" },
	{ "AddressFamily", kw_address_family, 1, 1, "any, inet or inet6" },
	{ "TunnelAddress", kw_tunnel_address, 1, 1, "an IPv4 or IPv6 address with an optional /prefix" },
	{ "TunnelPeer", kw_tunnel_peer, 1, 1, "an IPv4 or IPv6 address" },
	{ "TunnelMTU", kw_tunnel_mtu, 1, 1, "a number 68..65535, or 0 to leave the MTU alone" },
	/* Keywords of ssh_config(5) that sshtun accepts and ignores. */
	IGN("AddKeysToAgent"), IGN("BatchMode"), IGN("BindAddress"), IGN("BindInterface"),
	IGN("CanonicalDomains"), IGN("CanonicalizeFallbackLocal"), IGN("CanonicalizeHostname"),
	IGN("CanonicalizeMaxDots"), IGN("CanonicalizePermittedCNAMEs"), IGN("CASignatureAlgorithms"),
	IGN("CertificateFile"), IGN("ChannelTimeout"), IGN("CheckHostIP"), IGN("ClearAllForwardings"),
	IGN("Compression"), IGN("ConnectionAttempts"), IGN("ControlMaster"), IGN("ControlPath"),
	IGN("ControlPersist"), IGN("DynamicForward"), IGN("EnableEscapeCommandline"),
	IGN("EnableSSHKeysign"), IGN("EscapeChar"), IGN("ExitOnForwardFailure"), IGN("FingerprintHash"),
	IGN("ForkAfterAuthentication"), IGN("ForwardAgent"), IGN("ForwardX11"), IGN("ForwardX11Timeout"),
	IGN("ForwardX11Trusted"), IGN("GatewayPorts"), IGN("GSSAPIAuthentication"),
	IGN("GSSAPIClientIdentity"), IGN("GSSAPIDelegateCredentials"), IGN("GSSAPIKeyExchange"),
	IGN("GSSAPIRenewalForcesRekey"), IGN("GSSAPIServerIdentity"), IGN("GSSAPITrustDns"),
	IGN("GSSAPIKexAlgorithms"), IGN("HashKnownHosts"), IGN("HostbasedAcceptedAlgorithms"),
	IGN("HostbasedAuthentication"), IGN("HostKeyAlgorithms"), IGN("HostKeyAlias"), IGN("IPQoS"),
	IGN("KbdInteractiveAuthentication"), IGN("KbdInteractiveDevices"), IGN("KnownHostsCommand"),
	IGN("LocalCommand"), IGN("LocalForward"), IGN("LogVerbose"), IGN("MACs"),
	IGN("NoHostAuthenticationForLocalhost"), IGN("NumberOfPasswordPrompts"),
	IGN("ObscureKeystrokeTiming"), IGN("PasswordAuthentication"), IGN("PermitLocalCommand"),
	IGN("PermitRemoteOpen"), IGN("PKCS11Provider"), IGN("PreferredAuthentications"),
	IGN("ProxyCommand"), IGN("ProxyJump"), IGN("ProxyUseFdpass"), IGN("PubkeyAcceptedAlgorithms"),
	IGN("PubkeyAuthentication"), IGN("RefuseConnection"), IGN("RemoteCommand"), IGN("RemoteForward"),
	IGN("RequestTTY"), IGN("RequiredRSASize"), IGN("RevokedHostKeys"), IGN("SecurityKeyProvider"),
	IGN("SendEnv"), IGN("SessionType"), IGN("SetEnv"), IGN("StdinNull"), IGN("StreamLocalBindMask"),
	IGN("StreamLocalBindUnlink"), IGN("SyslogFacility"), IGN("Tag"), IGN("TCPKeepAlive"),
	IGN("UpdateHostKeys"), IGN("VerifyHostKeyDNS"), IGN("VisualHostKey"), IGN("WarnWeakCrypto"),
	IGN("XAuthLocation"),
	/* Old names that ssh still accepts. */
	IGN("ChallengeResponseAuthentication"), IGN("Cipher"), IGN("CompressionLevel"),
	IGN("DSAAuthentication"), IGN("FallBackToRsh"), IGN("GlobalKnownHostsFile2"),
	IGN("HostbasedKeyTypes"), IGN("KeepAlive"), IGN("Protocol"), IGN("PubkeyAcceptedKeyTypes"),
	IGN("RhostsRSAAuthentication"), IGN("RSAAuthentication"), IGN("SmartcardDevice"),
	IGN("UsePrivilegedPort"), IGN("UseRoaming"), IGN("UseRsh"), IGN("UserKnownHostsFile2"),
};

static const struct kw *kw_find(const char *name)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (strcasecmp(keywords[i].name, name) == 0) {
			return &keywords[i];
		}
	}
	return NULL;
}

/* Ignored keywords that change where sshtun connects deserve more than a debug line. */
static void kw_ignored(const struct kw *kw, const char *arg, const char *where, const struct lg *log)
{
	if ((strcmp(kw->name, "ProxyJump") == 0 || strcmp(kw->name, "ProxyCommand") == 0) &&
	    strcasecmp(arg, "none") != 0) {
		LG_W(log, "%s: %s is not supported by sshtun; connecting directly", where, kw->name);
		return;
	}
	LG_D1(log, "%s: %s is not used by sshtun; ignored", where, kw->name);
}

int cfg_kw_set(struct cfg *c, char **argv, int argc, int apply, const char *where, const struct lg *log)
{
	struct kwctx k;
	const struct kw *kw = kw_find(argv[0]);

	if (!kw) {
		return CFG_KW_UNKNOWN;
	}
	if (argc - 1 < kw->min_args) {
		LG_E(log, "%s: %s: missing argument (expected %s)", where, kw->name, kw->expect);
		return SSHTUN_ERR_CONFIG;
	}
	if (argc - 1 > kw->max_args) {
		LG_E(log, "%s: %s: too many arguments (expected %s)", where, kw->name, kw->expect);
		return SSHTUN_ERR_CONFIG;
	}
	if (!kw->fn) {
		if (apply) {
			kw_ignored(kw, argv[1], where, log);
		}
		return 0;
	}
	k.kw = kw;
	k.c = c;
	k.argv = argv + 1;
	k.argc = argc - 1;
	k.apply = apply;
	k.where = where;
	k.log = log;
	return kw->fn(&k);
}
