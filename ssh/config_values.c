/* sshtun: ssh_config values: their syntax, the local user, defaults and %-token/~/${VAR} expansion (cfg_finish). */
#include "ssh/config_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "sshtun_err.h"
#include "util/features.h"
#include "util/text.h"
#include "util/wire.h"

/* ---- the syntax of values ---- */

int cfg_parse_num(const char *s, int64_t max, int64_t *out)
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

int cfg_parse_time(const char *s, int *out)
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
	/* frac * scale / fdiv, split so that no product overflows: frac * scale can pass 2^63 (2.22222222T). */
	return whole * scale + frac * (scale / fdiv) + frac * (scale % fdiv) / fdiv;
}

int cfg_plain(const char *s)
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

int cfg_algo_list_ok(const char *s)
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

int cfg_parse_addr(const char *s, int want_prefix)
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
	if (slash && (cfg_parse_num(slash + 1, af == AF_INET ? 32 : 128, &prefix) != 0 || prefix == 0)) {
		return 0;
	}
	return af;
}

int cfg_parse_tun_unit(const char *s, size_t n, int *out)
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
	if (cfg_parse_num(buf, CFG_TUN_ANY - 2, &v) != 0) {
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* ---- ProxyJump (a build without SSHTUN_JUMP refuses a list unread: ssh/config_keywords.c kw_proxy) ---- */
#if SSHTUN_JUMP

/* Copies a view into out as a C string if it fits and its bytes pass ok(); 0 or -1. */
static int view_str(const struct wire_view *v, char *out, size_t outlen, int (*ok)(int c))
{
	if (v->n == 0 || v->n >= outlen) {
		return -1;
	}
	for (size_t i = 0; i < v->n; i++) {
		if (!ok(v->p[i])) {
			return -1;
		}
	}
	memcpy(out, v->p, v->n);
	out[v->n] = '\0';
	return 0;
}

static int host_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		c == '_';
}

static int host6_char(int c)
{
	return host_char(c) || c == ':' || c == '%';
}

static int user_char(int c)
{
	return c > 0x20 && c < 0x7f && c != ',' && c != '/' && c != '\'' && c != '"' && c != '\\';
}

/* One hop, [ssh://][user@]host[:port], in the view v. */
static int parse_hop(const struct wire_view *v, struct cfg_hop *hop, const char **why)
{
	struct wire_r r;
	struct wire_view user = { NULL, 0 }, host, port = { NULL, 0 }, skip;
	size_t at = 0, i;

	memset(hop, 0, sizeof(*hop));
	wire_r_init(&r, v->p, v->n);
	if (v->n >= 6 && memcmp(v->p, "ssh://", 6) == 0) {
		wire_skip(&r, 6);
	}
	/* The user is everything up to the last '@' (a user name may hold one). */
	for (i = r.pos; i < r.len; i++) {
		if (r.p[i] == '@') {
			at = i - r.pos + 1;
		}
	}
	if (at) {
		wire_get_raw(&r, at - 1, &user);
		wire_skip(&r, 1);
		if (view_str(&user, hop->user, sizeof(hop->user), user_char) != 0) {
			*why = "a bad user name";
			return -1;
		}
	}
	if (text_peek(&r) == '[') {
		wire_skip(&r, 1);
		text_take(&r, ']', &host);
		if (text_peek(&r) != ']' || view_str(&host, hop->host, sizeof(hop->host), host6_char) != 0) {
			*why = "a bad address in brackets";
			return -1;
		}
		wire_skip(&r, 1);
	} else {
		text_take(&r, ':', &host);
		if (view_str(&host, hop->host, sizeof(hop->host), host_char) != 0) {
			*why = host.n ? "a bad host name (an IPv6 address goes in brackets)" : "an empty host";
			return -1;
		}
	}
	if (text_peek(&r) == ':') {
		char num[8];
		int64_t p = 0;

		wire_skip(&r, 1);
		wire_get_raw(&r, wire_left(&r), &port);
		if (view_str(&port, num, sizeof(num), host_char) != 0 || cfg_parse_num(num, 65535, &p) != 0 || p == 0) {
			*why = "a bad port";
			return -1;
		}
		hop->port = (int)p;
	}
	wire_get_raw(&r, wire_left(&r), &skip);
	if (skip.n) {
		*why = "something after the host";
		return -1;
	}
	return 0;
}

int cfg_parse_jump(const char *list, struct cfg_hop *hops, int *n, const char **why)
{
	struct wire_r r;
	size_t len = strlen(list);

	*n = 0;
	wire_r_init(&r, list, len);
	for (;;) {
		struct wire_view v;
		size_t start = len - wire_left(&r);

		text_take(&r, ',', &v);
		if (*n >= CFG_MAX_HOPS) {
			*why = "more than 8 jump hosts";
			return -1;
		}
		if (!v.n) {
			*why = "an empty jump host";
			return -1;
		}
		if (parse_hop(&v, &hops[*n], why) != 0) {
			return -1;
		}
		hops[(*n)++].start = start;
		if (text_peek(&r) != ',') {
			break;
		}
		wire_skip(&r, 1);
	}
	if (wire_left(&r) != 0) {
		*why = "a blank in the list";
		return -1;
	}
	return 0;
}
#endif /* SSHTUN_JUMP */

/* ---- the local user ---- */

void cfg_get_who(struct cfg_who *w)
{
	struct passwd pw, *res = NULL;
	char buf[16384];
	const char *home = getenv("HOME");

	w->name[0] = '\0';
	w->home[0] = '\0';
	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) == 0 && res) {
		snprintf(w->name, sizeof(w->name), "%s", pw.pw_name);
		snprintf(w->home, sizeof(w->home), "%s", pw.pw_dir);
	}
	if (home && home[0] && strlen(home) < sizeof(w->home)) {
		snprintf(w->home, sizeof(w->home), "%s", home);
	}
}

/* ---- defaults and expansion (cfg_finish) ---- */

enum { EXP_TILDE = 1, EXP_TOKENS = 2, EXP_ENV = 4, EXP_HOSTNAME = 8 };

/* What the tokens of ssh_config(5) TOKENS stand for. */
struct exp {
	const struct cfg_who *who;
	const char *host;	/* %h */
	const char *orig;	/* %n %k */
	const char *ruser;	/* %r */
	int port;		/* %p */
	char lhost[256];	/* %l, and %L up to the first dot */
	const char *tundev;	/* %T: the local tunnel device (commands run once it is up) */
};

static int put_token(struct wire_w *w, char t, const struct exp *x, int flags, const char **why)
{
	char num[32];
	const char *v = NULL;

	switch (flags & EXP_HOSTNAME ? (t == 'h' || t == '%' ? t : 0) : t) {
	case '%': v = "%"; break;
	case 'h': v = x->host; break;
	case 'd': v = x->who->home[0] ? x->who->home : NULL; *why = "home directory unknown"; break;
	case 'u': v = x->who->name[0] ? x->who->name : NULL; *why = "local user name unknown"; break;
	case 'r': v = x->ruser; break;
	case 'n': case 'k': v = x->orig; break;
	case 'l': v = x->lhost; break;
	case 'p': snprintf(num, sizeof(num), "%d", x->port); v = num; break;
	case 'i': snprintf(num, sizeof(num), "%u", (unsigned)getuid()); v = num; break;
	case 'T': v = x->tundev; *why = "%T is only known once the tunnel is up"; break;
	case 'L': wire_put_raw(w, x->lhost, strcspn(x->lhost, ".")); return 0;
	default: *why = t ? "unknown or unsupported %-token" : "'%' at the end"; break;
	}
	if (!v) {
		return -1;
	}
	wire_put_raw(w, v, strlen(v));
	return 0;
}

/* ${NAME} from the environment; *i is at the '$' and ends on the '}'. */
static int put_env(struct wire_w *w, const char *in, size_t *i, const char **why)
{
	char name[256];
	size_t n = strcspn(in + *i + 2, "}");
	const char *v;

	if (in[*i + 2 + n] != '}' || n == 0 || n >= sizeof(name)) {
		*why = "bad ${VARIABLE}";
		return -1;
	}
	memcpy(name, in + *i + 2, n);
	name[n] = '\0';
	v = getenv(name);
	if (!v) {
		*why = "environment variable in ${} is not set";
		return -1;
	}
	wire_put_raw(w, v, strlen(v));
	*i += n + 2;
	return 0;
}

/* ~ or ~/... is the home directory, ~user/... that user's. Returns the bytes consumed, or -1. */
static int put_tilde(struct wire_w *w, const char *in, const struct cfg_who *who, const char **why)
{
	struct passwd pw, *res = NULL;
	char buf[16384], name[256];
	size_t n = strcspn(in + 1, "/");

	if (n == 0) {
		*why = "home directory unknown";
		wire_put_raw(w, who->home, strlen(who->home));
		return who->home[0] ? 1 : -1;
	}
	*why = "unknown user after ~";
	if (n >= sizeof(name)) {
		return -1;
	}
	memcpy(name, in + 1, n);
	name[n] = '\0';
	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || !res) {
		return -1;
	}
	wire_put_raw(w, pw.pw_dir, strlen(pw.pw_dir));
	return (int)n + 1;
}

static int expand(const char *in, const struct exp *x, int flags, char **out, const char **why)
{
	struct wire_w w;
	size_t i = 0;
	int r = 0;

	*out = NULL;
	wire_w_init(&w, PATH_MAX);
	if ((flags & EXP_TILDE) && in[0] == '~') {
		r = put_tilde(&w, in, x->who, why);
		i = r > 0 ? (size_t)r : 0;
		r = r < 0 ? -1 : 0;
	}
	for (; r == 0 && in[i]; i++) {
		if (in[i] == '%' && (flags & (EXP_TOKENS | EXP_HOSTNAME))) {
			r = put_token(&w, in[i + 1], x, flags, why);
			i += in[i + 1] != '\0';
		} else if (in[i] == '$' && in[i + 1] == '{' && (flags & EXP_ENV)) {
			r = put_env(&w, in, &i, why);
		} else {
			wire_put_u8(&w, (uint8_t)in[i]);
		}
	}
	wire_put_u8(&w, 0);
	if (r == 0 && wire_w_err(&w)) {
		*why = "result too long";
		r = -1;
	}
	if (r == 0 && !(*out = strdup((const char *)w.p))) {
		*why = "out of memory";
		r = -1;
	}
	wire_w_free(&w);
	return r;
}

static int expand_field(char **field, const struct exp *x, int flags, const char *kw, const struct lg *log)
{
	char *v = NULL, safe[128];
	const char *why = "";

	if (expand(*field, x, flags, &v, &why) != 0) {
		lg_sanitize(safe, sizeof(safe), *field, strlen(*field));
		LG_E(log, "%s \"%s\": %s", kw, safe, why);
		return SSHTUN_ERR_CONFIG;
	}
	free(*field);
	*field = v;
	return 0;
}

/* Fills an unset list with defaults, drops "none", expands the rest. */
static int finish_list(char **list, int *n, const char *const *defs, int ndefs, const struct exp *x,
		       const char *kw, const struct lg *log)
{
	int r = 0, k = 0, unset = *n == 0;

	for (int i = 0; unset && i < ndefs; i++) {
		if (!(list[i] = strdup(defs[i]))) {
			return SSHTUN_ERR_NOMEM;
		}
		*n = i + 1;
	}
	for (int i = 0; i < *n; i++) {
		if (strcmp(list[i], "none") == 0) {
			free(list[i]);
			list[i] = NULL;
			continue;
		}
		list[k] = list[i];
		if (k != i) {
			list[i] = NULL;
		}
		if (r == 0) {
			r = expand_field(&list[k], x, EXP_TILDE | EXP_TOKENS | EXP_ENV, kw, log);
		}
		k++;
	}
	*n = k;
	return r;
}

static int finish_agent(struct cfg *c, const struct exp *x, const struct lg *log)
{
	const char *v = c->identity_agent;

	if (!SSHTUN_AGENT && v && strcmp(v, "none") != 0) {
		/* Refused, not ignored: the keys would silently be other than the ones configured. */
		LG_E(log, "IdentityAgent %.64s: this build has no ssh-agent support (built --without-agent); set "
			"IdentityAgent none or use IdentityFile", v);
		return SSHTUN_ERR_CONFIG;
	}
	if (!v || strcmp(v, "none") == 0 || strcmp(v, "SSH_AUTH_SOCK") == 0) {
		return 0;
	}
	if (v[0] == '$') {
		const char *e = getenv(v + 1);

		if (!e || !e[0]) {
			LG_E(log, "IdentityAgent: environment variable %.64s is not set", v + 1);
			return SSHTUN_ERR_CONFIG;
		}
		free(c->identity_agent);
		c->identity_agent = strdup(e);
		return c->identity_agent ? 0 : SSHTUN_ERR_NOMEM;
	}
	return expand_field(&c->identity_agent, x, EXP_TILDE | EXP_TOKENS | EXP_ENV, "IdentityAgent", log);
}

static void def_int(int *field, int v)
{
	if (*field == CFG_UNSET) {
		*field = v;
	}
}

/* A command run locally (LocalCommand ...): expanded when it runs, since %T is known only then; checked now. */
static int finish_command(const char *cmd, struct exp *x, const char *kw, const struct lg *log)
{
	char *v = NULL, safe[128];
	const char *why = "";

	if (!cmd || !cmd[0]) {
		return 0;
	}
	x->tundev = "tun0";
	if (expand(cmd, x, EXP_TILDE | EXP_TOKENS | EXP_ENV, &v, &why) != 0) {
		lg_sanitize(safe, sizeof(safe), cmd, strlen(cmd));
		LG_E(log, "%s \"%s\": %s", kw, safe, why);
		x->tundev = NULL;
		return SSHTUN_ERR_CONFIG;
	}
	x->tundev = NULL;
	free(v);
	return 0;
}

int cfg_expand_command(const struct cfg *c, const char *cmd, const char *tundev, char **out)
{
	struct cfg_who who;
	struct exp x;
	const char *why = "";

	cfg_get_who(&who);
	memset(&x, 0, sizeof(x));
	x.who = &who;
	x.orig = c->host;
	x.host = c->hostname;
	x.ruser = c->user;
	x.port = c->port;
	x.tundev = tundev;
	if (gethostname(x.lhost, sizeof(x.lhost) - 1) != 0) {
		snprintf(x.lhost, sizeof(x.lhost), "localhost");
	}
	return expand(cmd, &x, EXP_TILDE | EXP_TOKENS | EXP_ENV, out, &why) == 0 ? 0 : SSHTUN_ERR_CONFIG;
}

static int finish_tunnel(struct cfg *c, const struct lg *log)
{
	int v6 = c->tunnel_address && strchr(c->tunnel_address, ':');

	if (c->tunnel == CFG_TUNNEL_NO) {
		LG_E(log, "Tunnel no: sshtun always opens a tunnel; use point-to-point (the default) or ethernet");
		return SSHTUN_ERR_CONFIG;
	}
	if (c->tunnel == CFG_TUNNEL_UNSET) {
		c->tunnel = CFG_TUNNEL_P2P;
	}
	def_int(&c->tun_local, CFG_TUN_ANY);
	def_int(&c->tun_remote, CFG_TUN_ANY);
	def_int(&c->tunnel_mtu, TUN_DEFAULT_MTU);
	if (c->tunnel_bridge && c->tunnel != CFG_TUNNEL_ETHERNET) {
		LG_E(log, "TunnelBridge %.16s joins a tap device to a bridge: it needs Tunnel ethernet", c->tunnel_bridge);
		return SSHTUN_ERR_CONFIG;
	}
	if (c->tunnel_peer && c->tunnel == CFG_TUNNEL_ETHERNET) {
		LG_E(log, "TunnelPeer is for point-to-point tunnels; with Tunnel ethernet give only TunnelAddress");
		return SSHTUN_ERR_CONFIG;
	}
	if (c->tunnel_peer && !c->tunnel_address) {
		LG_E(log, "TunnelPeer %.64s needs a TunnelAddress for the local end", c->tunnel_peer);
		return SSHTUN_ERR_CONFIG;
	}
	if (c->tunnel_peer && v6 != (strchr(c->tunnel_peer, ':') != NULL)) {
		LG_E(log, "TunnelAddress %.64s and TunnelPeer %.64s are not of the same address family",
		     c->tunnel_address, c->tunnel_peer);
		return SSHTUN_ERR_CONFIG;
	}
	if (v6 && c->tunnel_mtu != 0 && c->tunnel_mtu < 1280) {
		LG_E(log, "TunnelMTU %d is below 1280, the minimum for IPv6 (TunnelAddress %.64s)",
		     c->tunnel_mtu, c->tunnel_address);
		return SSHTUN_ERR_CONFIG;
	}
	return 0;
}

int cfg_finish(struct cfg *c, const struct lg *log)
{
	/* ssh's order (the FIDO, XMSS and DSA files it also tries hold keys sshtun cannot use from a file). */
	static const char *const ids[] = { "~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ed25519" };
	static const char *const ukh[] = { "~/.ssh/known_hosts", "~/.ssh/known_hosts2" };
	static const char *const gkh[] = { "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2" };
	struct cfg_who who;
	struct exp x;
	int r;

	if (!c->host || !c->host[0]) {
		LG_E(log, "no host given");
		return SSHTUN_ERR_CONFIG;
	}
	cfg_get_who(&who);
	memset(&x, 0, sizeof(x));
	x.who = &who;
	x.host = x.orig = c->host;
	if (!c->user && !who.name[0]) {
		LG_E(log, "cannot find the name of the local user (uid %u); set User", (unsigned)getuid());
		return SSHTUN_ERR_CONFIG;
	}
	if (!c->user && !(c->user = strdup(who.name))) {
		return SSHTUN_ERR_NOMEM;
	}
	if (!c->hostname && !(c->hostname = strdup(c->host))) {
		return SSHTUN_ERR_NOMEM;
	}
	if ((r = expand_field(&c->hostname, &x, EXP_HOSTNAME, "HostName", log)) != 0) {
		return r;
	}
	def_int(&c->port, 22);
	x.host = c->hostname;
	x.ruser = c->user;
	x.port = c->port;
	if (gethostname(x.lhost, sizeof(x.lhost) - 1) != 0) {
		snprintf(x.lhost, sizeof(x.lhost), "localhost");
	}
	if (!SSHTUN_CERT && c->n_certificate_files > 0) {
		/* Refused, not ignored: the login would be with other keys than the ones configured. */
		LG_E(log, "CertificateFile %.64s: this build of sshtun lacks certificates (left out of this build); remove "
			"CertificateFile and log in with the plain key, or use a build with certificates", c->certificate_files[0]);
		return SSHTUN_ERR_CONFIG;
	}
	if ((r = finish_list(c->identity_files, &c->n_identity_files, ids, 3, &x, "IdentityFile", log)) != 0 ||
	    (r = finish_list(c->certificate_files, &c->n_certificate_files, NULL, 0, &x, "CertificateFile", log)) != 0 ||
	    (r = finish_list(c->user_known_hosts, &c->n_user_known_hosts, ukh, 2, &x, "UserKnownHostsFile", log)) != 0 ||
	    (r = finish_list(c->global_known_hosts, &c->n_global_known_hosts, gkh, 2, &x, "GlobalKnownHostsFile", log)) != 0 ||
	    (r = finish_agent(c, &x, log)) != 0 || (r = finish_tunnel(c, log)) != 0 ||
	    (r = finish_command(c->local_command, &x, "LocalCommand", log)) != 0 ||
	    (r = finish_command(c->tunnel_down_command, &x, "TunnelDownCommand", log)) != 0 ||
	    (r = finish_command(c->proxy_command, &x, "ProxyCommand", log)) != 0) {
		return r;
	}
	def_int(&c->permit_local_command, 0);
	def_int(&c->tunnel_reconnect, 0);
	def_int(&c->tunnel_kill_switch, 0);
	if (c->tunnel_kill_switch == 1 && ((c->proxy_command && c->proxy_command[0]) || (c->proxy_jump && c->proxy_jump[0]))) {
		LG_E(log, "TunnelKillSwitch yes with %s: the kill switch lets through only a direct connection to the server; "
			"drop one of them", c->proxy_jump && c->proxy_jump[0] ? "ProxyJump" : "ProxyCommand");
		return SSHTUN_ERR_CONFIG;
	}
	def_int(&c->tunnel_seccomp, 0);
	if (c->tunnel_seccomp == 1 && !SSHTUN_SECCOMP) {
		LG_E(log, "TunnelSeccomp yes: this build has no seccomp filter (built with --without-seccomp, or for an "
			"architecture other than x86-64 and aarch64); set TunnelSeccomp no");
		return SSHTUN_ERR_CONFIG;
	}
	def_int(&c->tcp_keepalive, 1);
	def_int(&c->connection_attempts, 1);
	def_int(&c->identities_only, 0);
	def_int(&c->required_rsa_size, 2048);
	def_int(&c->batch_mode, 0);
	def_int(&c->add_keys_to_agent, CFG_ADD_NO);
	if (!SSHTUN_AGENT && c->add_keys_to_agent != CFG_ADD_NO) {
		/* Not refused: as with no agent running, the keys are used from their files all the same. */
		LG_D1(log, "AddKeysToAgent: this build has no ssh-agent support (built --without-agent); keys stay in files");
	}
	def_int(&c->hash_known_hosts, 0);
	def_int(&c->warn_weak_crypto, 1);
	def_int(&c->compression, 0);
	def_int(&c->password_prompts, 3);
	def_int(&c->pubkey_auth, 1);
	def_int(&c->kbdint_auth, 1);
	def_int(&c->password_auth, 1);
	def_int(&c->tunnel_ack_thinning, 1);
	def_int(&c->tunnel_configure, 1);
	def_int(&c->strict_host_key_checking, CFG_STRICT_ASK);
	c->rekey_bytes = c->rekey_bytes == CFG_UNSET ? 0 : c->rekey_bytes;
	c->rekey_seconds = c->rekey_seconds == CFG_UNSET ? 0 : c->rekey_seconds;
	def_int(&c->connect_timeout, 0);
	def_int(&c->server_alive_interval, 0);
	def_int(&c->server_alive_count_max, 3);
	def_int(&c->log_level, LG_INFO);
	def_int(&c->syslog_facility, LOG_USER);
	def_int(&c->address_family, 0);
	return 0;
}
