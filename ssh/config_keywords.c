/* sshtun: a config line as keyword and arguments (ssh's quoting), the keyword table and each keyword's handler. */
#include "ssh/config_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <sys/socket.h>

#include "sshtun_err.h"
#include "util/features.h"
#include "util/wire.h"

/* ---- words ---- */

static int is_space(uint8_t ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == '\v';
}

static int tok_end(struct cfg_toks *t, struct wire_w *w, size_t *start)
{
	if (t->argc >= CONFIG_MAX_ARGS) {
		return -1;
	}
	wire_put_u8(w, 0);
	t->argv[t->argc++] = (char *)w->p + *start;
	*start = w->len;
	return 0;
}

/*
 * The keyword: leading blanks skipped, then up to a blank or '='; then blanks,
 * at most one '=', blanks. Returns 1 when ch starts the arguments, 0 to go on,
 * -1 on error.
 */
static int tok_keyword(struct cfg_toks *t, struct wire_w *w, size_t *start, uint8_t ch, int *stage, int *in_word)
{
	if (*stage == 0) {
		if (!*in_word && is_space(ch)) {
			return 0;
		}
		if (!is_space(ch) && ch != '=') {
			wire_put_u8(w, ch);
			*in_word = 1;
			return 0;
		}
		if (!*in_word) {
			return -1;	/* '=' with no keyword before it */
		}
		tok_end(t, w, start);
		*in_word = 0;
		*stage = ch == '=' ? 2 : 1;
		return 0;
	}
	if (is_space(ch) || (ch == '=' && *stage == 1)) {
		*stage = ch == '=' ? 2 : *stage;
		return 0;
	}
	*stage = 3;
	return 1;
}

/* Splits a line into keyword and arguments as ssh does (the rules are in config_int.h). */
int cfg_tokenize(struct cfg_toks *t, const void *line, size_t len, const char **why)
{
	struct wire_r r;
	struct wire_w w;
	size_t start = 0;
	int stage = 0, in_word = 0, esc = 0;	/* stage 0: keyword, 1: after it, 2: after '=', 3: arguments */
	uint8_t ch = 0, quote = 0;

	t->argc = 0;
	t->rest[0] = '\0';
	wire_r_init(&r, line, len);
	wire_w_init_fixed(&w, t->buf, sizeof(t->buf));
	while (wire_left(&r) > 0 && wire_get_u8(&r, &ch) == 0) {
		if (stage == 0 && !in_word && ch == '#') {
			break;
		}
		if (stage < 3) {
			int k = tok_keyword(t, &w, &start, ch, &stage, &in_word);

			if (k < 0) {
				*why = "missing keyword before '='";
				return -1;
			}
			if (k == 0) {
				continue;
			}
			/* The arguments start at ch: keep them as written too. */
			struct wire_r q = r;
			size_t n = wire_left(&q);

			if (n + 1 < sizeof(t->rest) && wire_get_bytes(&q, t->rest + 1, n) == 0) {
				t->rest[0] = (char)ch;
				n++;
				while (n > 0 && is_space((uint8_t)t->rest[n - 1])) {
					n--;
				}
				t->rest[n] = '\0';
			}
		}
		if (esc) {
			esc = 0;
			if (ch == '\\' || ch == '"' || ch == '\'' || (ch == ' ' && !quote)) {
				wire_put_u8(&w, ch);
				continue;
			}
			wire_put_u8(&w, '\\');
		}
		if (ch == '\\') {
			esc = 1;
			in_word = 1;
		} else if (quote) {
			if (ch == quote) {
				quote = 0;
			} else {
				wire_put_u8(&w, ch);
			}
		} else if (is_space(ch)) {
			if (in_word && tok_end(t, &w, &start) != 0) {
				*why = "too many arguments";
				return -1;
			}
			in_word = 0;
		} else if (ch == '"' || ch == '\'') {
			quote = ch;
			in_word = 1;
		} else if (ch == '#' && !in_word) {
			break;
		} else {
			wire_put_u8(&w, ch);
			in_word = 1;
		}
	}
	if (quote) {
		*why = "unterminated quote";
		return -1;
	}
	if (esc) {
		wire_put_u8(&w, '\\');
	}
	if (in_word && tok_end(t, &w, &start) != 0) {
		*why = "too many arguments";
		return -1;
	}
	if (wire_w_err(&w) || wire_err(&r)) {
		*why = "line too long";
		return -1;
	}
	return 0;
}

/* ---- keywords ---- */

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
	const char *rest;	/* the values as written */
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

/* One of the names in ch (case-insensitive), stored in field as its value. */
static int kw_choice(const struct kwctx *k, const struct choice *ch, int *field)
{
	for (size_t i = 0; ch[i].name; i++) {
		if (strcasecmp(ch[i].name, k->argv[0]) == 0) {
			set_int(k, field, ch[i].value);
			return 0;
		}
	}
	return bad_value(k, k->argv[0]);
}

static const struct choice yes_no[] = {
	{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 }, { NULL, 0 }
};

/* Stores the value in field if ok (it passed its syntax check), else reports it. */
static int kw_str_if(const struct kwctx *k, int ok, char **field)
{
	if (!ok) {
		return bad_value(k, k->argv[0]);
	}
	return set_str(k, field, k->argv[0]);
}

static int kw_hostname(const struct kwctx *k)
{
	return kw_str_if(k, cfg_plain(k->argv[0]), &k->c->hostname);
}

static int kw_user(const struct kwctx *k)
{
	return kw_str_if(k, cfg_plain(k->argv[0]), &k->c->user);
}

static int kw_identity_agent(const struct kwctx *k)
{
	return kw_str_if(k, cfg_plain(k->argv[0]), &k->c->identity_agent);
}

static int kw_port(const struct kwctx *k)
{
	int64_t v;

	if (cfg_parse_num(k->argv[0], 65535, &v) != 0 || v == 0) {
		return bad_value(k, k->argv[0]);
	}
	set_int(k, &k->c->port, (int)v);
	return 0;
}

/*
 * Adds v to a keyword's list (IdentityFile, CertificateFile, TunnelRoute, TunnelDNS): each value once (compared
 * ignoring case with nocase), at most max; what is "too many" of is named in the error.
 */
static int list_add(const struct kwctx *k, char **list, int *n, int max, const char *v, int nocase, const char *what)
{
	if (!k->apply) {
		return 0;
	}
	for (int i = 0; i < *n; i++) {
		if (nocase ? strcasecmp(list[i], v) == 0 : strcmp(list[i], v) == 0) {
			return 0;	/* as ssh: a file is listed once */
		}
	}
	if (*n >= max) {
		LG_E(k->log, "%s: %s: too many %s (at most %d)", k->where, k->kw->name, what, max);
		return SSHTUN_ERR_CONFIG;
	}
	list[*n] = strdup(v);
	if (!list[*n]) {
		return SSHTUN_ERR_NOMEM;
	}
	(*n)++;
	return 0;
}

/* IdentityFile, CertificateFile: each file once, at most CFG_MAX_IDENTITIES. */
static int kw_file_list(const struct kwctx *k, char **list, int *n)
{
	if (!cfg_plain(k->argv[0])) {
		return bad_value(k, k->argv[0]);
	}
	return list_add(k, list, n, CFG_MAX_IDENTITIES, k->argv[0], 0, "files");
}

static int kw_identity_file(const struct kwctx *k)
{
	return kw_file_list(k, k->c->identity_files, &k->c->n_identity_files);
}

static int kw_certificate_file(const struct kwctx *k)
{
	return kw_file_list(k, k->c->certificate_files, &k->c->n_certificate_files);
}

static int kw_identities_only(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->identities_only);
}

/*
 * A build without zlib refuses Compression yes wherever it appears, as ssh built without zlib does: a
 * configuration asking for it is one this build cannot carry out. (-C alone only warns, as ssh's: cli/options.c.)
 */
static int kw_compression(const struct kwctx *k)
{
	if (!SSHTUN_ZLIB && (strcasecmp(k->argv[0], "yes") == 0 || strcasecmp(k->argv[0], "true") == 0)) {
		LG_E(k->log, "%s: Compression %s: this build has no compression (built --without-zlib); set Compression no",
			k->where, k->argv[0]);
		return SSHTUN_ERR_CONFIG;
	}
	return kw_choice(k, yes_no, &k->c->compression);
}

static int kw_warn_weak_crypto(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->warn_weak_crypto);
}

static int kw_hash_known_hosts(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->hash_known_hosts);
}

static int kw_host_key_alias(const struct kwctx *k)
{
	const char *v = k->argv[0];
	int ok = v[0] != '\0' && strlen(v) < 256 && strpbrk(v, " \t*?!,[]|") == NULL;

	return kw_str_if(k, ok, &k->c->host_key_alias);
}

/* AddKeysToAgent yes|no|ask|confirm [time], or a time alone (meaning yes for that long), as ssh reads it. */
static int kw_add_keys(const struct kwctx *k)
{
	static const struct { const char *name; int v; } vals[] = {
		{ "no", CFG_ADD_NO }, { "yes", CFG_ADD_YES }, { "confirm", CFG_ADD_CONFIRM }, { "ask", CFG_ADD_ASK },
	};
	int v = -1, secs = 0;

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		if (strcasecmp(k->argv[0], vals[i].name) == 0) {
			v = vals[i].v;
		}
	}
	if (v < 0) {
		if (cfg_parse_time(k->argv[0], &secs) != 0 || secs <= 0 || k->argc > 1) {
			return bad_value(k, k->argv[0]);
		}
		v = CFG_ADD_YES;
	} else if (k->argc > 1 && (v == CFG_ADD_NO || cfg_parse_time(k->argv[1], &secs) != 0 || secs <= 0)) {
		return bad_value(k, k->argv[1]);
	}
	if (k->apply && k->c->add_keys_to_agent == CFG_UNSET) {
		k->c->add_keys_to_agent = v;
		k->c->add_keys_lifetime = secs;
	}
	return 0;
}

/*
 * Keywords sshtun does not implement whose effect is where traffic goes or whom it trusts: accepted with their
 * neutral values only, refused otherwise (for this host), so nothing connects elsewhere or trusts more than the
 * user asked.
 */
static int kw_refused(const struct kwctx *k, unsigned bit, const char *const *neutral, const char *what)
{
	/* First value wins, as for every keyword: once a neutral value is set, later lines change nothing. */
	int is_neutral = 0;

	for (size_t i = 0; neutral[i]; i++) {
		is_neutral |= strcasecmp(k->argv[0], neutral[i]) == 0;
	}
	if (!k->apply || (k->c->refused_set & bit)) {
		return 0;
	}
	if (is_neutral) {
		k->c->refused_set |= bit;
		return 0;
	}
	LG_E(k->log, "%s: %s %s is not supported by sshtun (it %s); remove it for this host or set it to %s", k->where,
		k->kw->name, k->argv[0], what, neutral[0]);
	return SSHTUN_ERR_CONFIG;
}

/*
 * ProxyJump and ProxyCommand: as in ssh, whichever comes first decides (one bit for both), "none" included.
 * A ProxyJump list is checked whole here; ssh/jump.c connects through it (a build without it refuses one).
 */
static int kw_proxy(const struct kwctx *k)
{
	int jump = strcasecmp(k->kw->name, "ProxyJump") == 0;
	const char *v = !jump && k->rest && k->rest[0] ? k->rest : k->argv[0];	/* a command as written */

	if (!cfg_plain(v) || strlen(v) > FILE_MAX_LINE) {
		return bad_value(k, k->argv[0]);
	}
#if SSHTUN_JUMP
	if (jump && strcasecmp(v, "none") != 0) {
		struct cfg_hop hops[CFG_MAX_HOPS];
		const char *why = "";
		int n = 0;

		if (k->argc != 1 || cfg_parse_jump(v, hops, &n, &why) != 0) {
			LG_E(k->log, "%s: ProxyJump %.200s: %s; write [user@]host[:port] for each jump host, separated by commas",
				k->where, v, k->argc != 1 ? "one list without blanks is expected" : why);
			return SSHTUN_ERR_CONFIG;
		}
	}
#endif
	if (!k->apply || (k->c->refused_set & 1u)) {
		return 0;
	}
#if !SSHTUN_JUMP
	/*
	 * Refused where it would decide how the server is reached (not in a Host block for another host, nor after a
	 * ProxyCommand that came first): ignored, the connection would go straight to the server instead.
	 */
	if (jump && strcasecmp(v, "none") != 0) {
		LG_E(k->log, "%s: ProxyJump %.200s: this build has no ProxyJump (built with -DSSHTUN_JUMP=0, so no -J "
			"either); use ProxyCommand, e.g. ProxyCommand ssh -W %%h:%%p jumphost", k->where, v);
		return SSHTUN_ERR_CONFIG;
	}
#endif
	k->c->refused_set |= 1u;
	return set_str(k, jump ? &k->c->proxy_jump : &k->c->proxy_command, strcasecmp(v, "none") == 0 ? "" : v);
}

static int kw_revoked_host_keys(const struct kwctx *k)
{
	static const char *const none[] = { "none", NULL };

	return kw_refused(k, 1u << 1, none, "names revoked keys sshtun would not know of; use @revoked lines in known_hosts");
}

static int kw_known_hosts_command(const struct kwctx *k)
{
	static const char *const none[] = { "none", NULL };

	return kw_refused(k, 1u << 2, none, "decides which host keys are trusted");
}

static int kw_canonicalize(const struct kwctx *k)
{
	static const char *const no[] = { "no", "none", NULL };

	return kw_refused(k, 1u << 3, no, "would change the host name connected to");
}

/* BindAddress: a local address the connection leaves from; BindInterface: the interface (SO_BINDTODEVICE). */
static int kw_bind(const struct kwctx *k)
{
	const char *v = k->argv[0];
	int addr = strcasecmp(k->kw->name, "BindAddress") == 0;
	size_t n = strlen(v);

	if (strcasecmp(v, "none") == 0) {
		return set_str(k, addr ? &k->c->bind_address : &k->c->bind_interface, "");
	}
	if (addr ? cfg_parse_addr(v, 0) == 0 :
		   n == 0 || n >= 16 || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@:") != n) {
		return bad_value(k, v);
	}
	return set_str(k, addr ? &k->c->bind_address : &k->c->bind_interface, v);
}

static int kw_connection_attempts(const struct kwctx *k)
{
	int64_t v;

	if (cfg_parse_num(k->argv[0], 1000, &v) != 0 || v < 1) {
		return bad_value(k, k->argv[0]);
	}
	set_int(k, &k->c->connection_attempts, (int)v);
	return 0;
}

static int kw_ca_sig_algs(const struct kwctx *k)
{
	return kw_str_if(k, cfg_algo_list_ok(k->argv[0]), &k->c->ca_signature_algorithms);
}

static int kw_batch_mode(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->batch_mode);
}

static int kw_pubkey_auth(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->pubkey_auth);
}

static int kw_kbdint_auth(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->kbdint_auth);
}

static int kw_password_auth(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->password_auth);
}

static int kw_preferred_auth(const struct kwctx *k)
{
	return kw_str_if(k, cfg_algo_list_ok(k->argv[0]) && strchr("+-^", k->argv[0][0]) == NULL, &k->c->preferred_auth);
}

static int kw_password_prompts(const struct kwctx *k)
{
	int64_t v;

	if (cfg_parse_num(k->argv[0], 100, &v) != 0) {
		return bad_value(k, k->argv[0]);
	}
	set_int(k, &k->c->password_prompts, (int)v);
	return 0;
}

static int kw_ack_thinning(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->tunnel_ack_thinning);
}

static int kw_tunnel_configure(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->tunnel_configure);
}

static int kw_tunnel(const struct kwctx *k)
{
	static const struct choice ch[] = {
		{ "yes", CFG_TUNNEL_P2P }, { "point-to-point", CFG_TUNNEL_P2P },
		{ "ethernet", CFG_TUNNEL_ETHERNET }, { "no", CFG_TUNNEL_NO },
		{ "true", CFG_TUNNEL_P2P }, { "false", CFG_TUNNEL_NO }, { NULL, 0 }
	};

	return kw_choice(k, ch, &k->c->tunnel);
}

static int kw_tunnel_device(const struct kwctx *k)
{
	const char *s = k->argv[0], *colon = strchr(s, ':');
	int local = 0, remote = CFG_TUN_ANY;

	if (cfg_parse_tun_unit(s, colon ? (size_t)(colon - s) : strlen(s), &local) != 0 ||
	    (colon && cfg_parse_tun_unit(colon + 1, strlen(colon + 1), &remote) != 0)) {
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
		if (!cfg_plain(k->argv[i]) || (k->argc > 1 && strcmp(k->argv[i], "none") == 0)) {
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

	return kw_choice(k, ch, &k->c->strict_host_key_checking);
}

static int kw_ciphers(const struct kwctx *k)
{
	return kw_str_if(k, cfg_algo_list_ok(k->argv[0]), &k->c->ciphers);
}

static int kw_macs(const struct kwctx *k)
{
	return kw_str_if(k, cfg_algo_list_ok(k->argv[0]), &k->c->macs);
}

static int kw_kex(const struct kwctx *k)
{
	return kw_str_if(k, cfg_algo_list_ok(k->argv[0]), &k->c->kex_algorithms);
}

static int kw_hostkey_algs(const struct kwctx *k)
{
	return kw_str_if(k, cfg_algo_list_ok(k->argv[0]), &k->c->hostkey_algorithms);
}

static int kw_pubkey_algs(const struct kwctx *k)
{
	return kw_str_if(k, cfg_algo_list_ok(k->argv[0]), &k->c->pubkey_algorithms);
}

static int kw_required_rsa(const struct kwctx *k)
{
	int64_t v;

	/* As ssh: 1024 at least (smaller RSA keys are not keys), 16384 at most (larger ones are not read). */
	if (cfg_parse_num(k->argv[0], 16384, &v) != 0 || v < 1024) {
		return bad_value(k, k->argv[0]);
	}
	set_int(k, &k->c->required_rsa_size, (int)v);
	return 0;
}

static int kw_rekey(const struct kwctx *k)
{
	int64_t bytes = cfg_parse_size(k->argv[0]);
	int secs = 0;

	if (bytes < 0 || (bytes > 0 && bytes < 16)) {
		return bad_value(k, k->argv[0]);
	}
	if (k->argc > 1 && strcasecmp(k->argv[1], "none") != 0 && cfg_parse_time(k->argv[1], &secs) != 0) {
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

	if (!(allow_none && strcasecmp(k->argv[0], "none") == 0) && cfg_parse_time(k->argv[0], &v) != 0) {
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

	if (cfg_parse_num(k->argv[0], INT32_MAX, &v) != 0) {
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

	return kw_choice(k, ch, &k->c->log_level);
}

/* SyslogFacility: where the program's lines go once it runs in the background (-f). */
static int kw_syslog_facility(const struct kwctx *k)
{
	static const struct choice ch[] = {
		{ "DAEMON", LOG_DAEMON }, { "USER", LOG_USER }, { "AUTH", LOG_AUTH }, { "LOCAL0", LOG_LOCAL0 },
		{ "LOCAL1", LOG_LOCAL1 }, { "LOCAL2", LOG_LOCAL2 }, { "LOCAL3", LOG_LOCAL3 }, { "LOCAL4", LOG_LOCAL4 },
		{ "LOCAL5", LOG_LOCAL5 }, { "LOCAL6", LOG_LOCAL6 }, { "LOCAL7", LOG_LOCAL7 }, { NULL, 0 }
	};

	return kw_choice(k, ch, &k->c->syslog_facility);
}

static int kw_address_family(const struct kwctx *k)
{
	static const struct choice ch[] = {
		{ "any", 0 }, { "inet", AF_INET }, { "inet6", AF_INET6 }, { NULL, 0 }
	};

	return kw_choice(k, ch, &k->c->address_family);
}

static int kw_tunnel_address(const struct kwctx *k)
{
	return kw_str_if(k, cfg_parse_addr(k->argv[0], 1) != 0, &k->c->tunnel_address);
}

static int kw_tunnel_peer(const struct kwctx *k)
{
	return kw_str_if(k, cfg_parse_addr(k->argv[0], 0) != 0, &k->c->tunnel_peer);
}

static int kw_tunnel_mtu(const struct kwctx *k)
{
	int64_t v;

	if (cfg_parse_num(k->argv[0], 65535, &v) != 0 || (v != 0 && v < 68)) {
		return bad_value(k, k->argv[0]);
	}
	set_int(k, &k->c->tunnel_mtu, (int)v);
	return 0;
}

/* The command as written (quotes kept), printable, at most CHAN_EXEC_MAX bytes; "none" sets none. */
static int kw_tunnel_config_command(const struct kwctx *k)
{
	const char *v = k->rest && k->rest[0] ? k->rest : k->argv[0];

	if (!cfg_plain(v) || strlen(v) > CHAN_EXEC_MAX) {
		return bad_value(k, k->argv[0]);
	}
	if (k->apply && !k->c->tunnel_config_command && strcasecmp(v, "none") == 0) {
		return set_str(k, &k->c->tunnel_config_command, "");
	}
	return set_str(k, &k->c->tunnel_config_command, v);
}

/* LocalCommand, TunnelDownCommand: the command as written; tokens are expanded when it runs. */
static int kw_local_command(const struct kwctx *k)
{
	const char *v = k->rest && k->rest[0] ? k->rest : k->argv[0];
	char **field = strcasecmp(k->kw->name, "LocalCommand") == 0 ? &k->c->local_command : &k->c->tunnel_down_command;

	if (!cfg_plain(v)) {
		return bad_value(k, k->argv[0]);
	}
	return set_str(k, field, strcasecmp(v, "none") == 0 ? "" : v);
}

static int kw_tunnel_reconnect(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->tunnel_reconnect);
}

static int kw_kill_switch(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->tunnel_kill_switch);
}

static int kw_seccomp(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->tunnel_seccomp);
}

static int kw_tcp_keepalive(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->tcp_keepalive);
}

static int kw_permit_local_command(const struct kwctx *k)
{
	return kw_choice(k, yes_no, &k->c->permit_local_command);
}

/* TunnelDNS: DNS server addresses; every line adds, each once. */
static int kw_tunnel_dns(const struct kwctx *k)
{
	int r = 0;

	if (!SSHTUN_DNS && k->apply) {
		/* Refused, not ignored: names would resolve outside the tunnel, where the configuration meant them not to. */
		LG_E(k->log, "%s: TunnelDNS %.64s: this build does not set DNS (built with -DSSHTUN_DNS=0); set it from "
			"LocalCommand (PermitLocalCommand yes), which runs once the tunnel is up with its device in SSHTUN_DEVICE",
			k->where, k->argv[0]);
		return SSHTUN_ERR_CONFIG;
	}
	for (int i = 0; i < k->argc && r == 0; i++) {
		r = cfg_parse_addr(k->argv[i], 0) == 0 ? bad_value(k, k->argv[i]) :
			list_add(k, k->c->tunnel_dns, &k->c->n_tunnel_dns, CFG_MAX_DNS, k->argv[i], 1, "servers");
	}
	return r;
}

/* TunnelBridge: an interface name (checked to be a bridge when the tunnel comes up). */
static int kw_tunnel_bridge(const struct kwctx *k)
{
	const char *v = k->argv[0];
	size_t n = strlen(v);

	if (n == 0 || n >= 16 || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != n) {
		return bad_value(k, v);
	}
	return set_str(k, &k->c->tunnel_bridge, v);
}

/* TunnelRoute: networks (CIDR, IPv4 or IPv6) or "default"; every line adds, each network once. */
static int kw_tunnel_route(const struct kwctx *k)
{
	int r = 0;

	for (int i = 0; i < k->argc && r == 0; i++) {
		const char *v = k->argv[i];

		r = strcasecmp(v, "default") != 0 && (!strchr(v, '/') || cfg_parse_addr(v, 1) == 0) ? bad_value(k, v) :
			list_add(k, k->c->tunnel_routes, &k->c->n_tunnel_routes, CFG_MAX_ROUTES, v, 1, "routes");
	}
	return r;
}

#define IGN(name) { name, NULL, 1, CONFIG_MAX_ARGS, "an argument" }

static const struct kw keywords[] = {
	{ "HostName", kw_hostname, 1, 1, "a host name or address (%h is the name given)" },
	{ "Port", kw_port, 1, 1, "a port number 1..65535" },
	{ "User", kw_user, 1, 1, "a user name" },
	{ "IdentityFile", kw_identity_file, 1, 1, "a file name" },
	{ "IdentitiesOnly", kw_identities_only, 1, 1, "yes or no" },
	{ "CertificateFile", kw_certificate_file, 1, 1, "a file name" },
	{ "BatchMode", kw_batch_mode, 1, 1, "yes or no" },
	{ "ProxyJump", kw_proxy, 1, CONFIG_MAX_ARGS, "[user@]host[:port] jump hosts, comma-separated, or none" },
	{ "ProxyCommand", kw_proxy, 1, CONFIG_MAX_ARGS, "a command (%h %p %r %n expanded), or none" },
	{ "RevokedHostKeys", kw_revoked_host_keys, 1, 1, "none (revocation files are not supported yet)" },
	{ "KnownHostsCommand", kw_known_hosts_command, 1, CONFIG_MAX_ARGS, "none" },
	{ "CanonicalizeHostname", kw_canonicalize, 1, 1, "no" },
	{ "BindAddress", kw_bind, 1, 1, "a local address, or none" },
	{ "BindInterface", kw_bind, 1, 1, "an interface name, or none" },
	{ "ConnectionAttempts", kw_connection_attempts, 1, 1, "a number of tries, 1 or more" },
	{ "CASignatureAlgorithms", kw_ca_sig_algs, 1, 1, "a comma-separated list of algorithms, optionally prefixed by +, - or ^" },
	{ "AddKeysToAgent", kw_add_keys, 1, 2, "yes, no, ask, confirm (each but no optionally with a time), or a time" },
	{ "HashKnownHosts", kw_hash_known_hosts, 1, 1, "yes or no" },
	{ "WarnWeakCrypto", kw_warn_weak_crypto, 1, 1, "yes or no" },
	{ "Compression", kw_compression, 1, 1, "yes or no" },
	{ "HostKeyAlias", kw_host_key_alias, 1, 1, "a name without blanks or pattern characters" },
	{ "NumberOfPasswordPrompts", kw_password_prompts, 1, 1, "a number 0..100" },
	{ "PubkeyAuthentication", kw_pubkey_auth, 1, 1, "yes or no" },
	{ "KbdInteractiveAuthentication", kw_kbdint_auth, 1, 1, "yes or no" },
	{ "ChallengeResponseAuthentication", kw_kbdint_auth, 1, 1, "yes or no" },
	{ "PasswordAuthentication", kw_password_auth, 1, 1, "yes or no" },
	{ "PreferredAuthentications", kw_preferred_auth, 1, 1, "a comma-separated list of methods" },
	{ "IdentityAgent", kw_identity_agent, 1, 1, "a socket path, SSH_AUTH_SOCK, $VARIABLE or none" },
	{ "Tunnel", kw_tunnel, 1, 1, "yes, point-to-point, ethernet or no" },
	{ "TunnelDevice", kw_tunnel_device, 1, 1, "local_tun[:remote_tun], each a number or any" },
	{ "UserKnownHostsFile", kw_user_known_hosts, 1, CFG_MAX_FILES, "one or more file names, or none" },
	{ "GlobalKnownHostsFile", kw_global_known_hosts, 1, CFG_MAX_FILES, "one or more file names, or none" },
	{ "StrictHostKeyChecking", kw_strict, 1, 1, "yes, no, off, accept-new or ask" },
	{ "Ciphers", kw_ciphers, 1, 1, "a comma-separated list of ciphers, optionally prefixed by +, - or ^" },
	{ "MACs", kw_macs, 1, 1, "a comma-separated list of MACs, optionally prefixed by +, - or ^" },
	{ "KexAlgorithms", kw_kex, 1, 1, "a comma-separated list of algorithms, optionally prefixed by +, - or ^" },
	{ "HostKeyAlgorithms", kw_hostkey_algs, 1, 1, "a comma-separated list of algorithms, optionally prefixed by +, - or ^" },
	{ "PubkeyAcceptedAlgorithms", kw_pubkey_algs, 1, 1, "a comma-separated list of algorithms, optionally prefixed by +, - or ^" },
	{ "PubkeyAcceptedKeyTypes", kw_pubkey_algs, 1, 1, "a comma-separated list of algorithms, optionally prefixed by +, - or ^" },
	{ "RequiredRSASize", kw_required_rsa, 1, 1, "a number of bits, 1024..16384" },
	{ "RekeyLimit", kw_rekey, 1, 2, "a size with K, M or G (at least 16) or default, then optionally a time or none" },
	{ "ConnectTimeout", kw_connect_timeout, 1, 1, "seconds, a time like 1m30s, or none" },
	{ "ServerAliveInterval", kw_alive_interval, 1, 1, "seconds or a time like 1m30s" },
	{ "ServerAliveCountMax", kw_alive_count, 1, 1, "a number" },
	{ "LogLevel", kw_log_level, 1, 1, "QUIET, FATAL, ERROR, INFO, VERBOSE, DEBUG, DEBUG1, DEBUG2 or DEBUG3" },
	{ "AddressFamily", kw_address_family, 1, 1, "any, inet or inet6" },
	{ "SyslogFacility", kw_syslog_facility, 1, 1, "DAEMON, USER, AUTH or LOCAL0 ... LOCAL7" },
	{ "TunnelAddress", kw_tunnel_address, 1, 1, "an IPv4 or IPv6 address with an optional /prefix" },
	{ "TunnelPeer", kw_tunnel_peer, 1, 1, "an IPv4 or IPv6 address" },
	{ "TunnelMTU", kw_tunnel_mtu, 1, 1, "a number 68..65535, or 0 to leave the MTU alone" },
	{ "TunnelAckThinning", kw_ack_thinning, 1, 1, "yes or no" },
	{ "TunnelConfigure", kw_tunnel_configure, 1, 1, "yes or no" },
	{ "TunnelConfigCommand", kw_tunnel_config_command, 1, CONFIG_MAX_ARGS, "a command the server runs (or none)" },
	{ "LocalCommand", kw_local_command, 1, CONFIG_MAX_ARGS, "a command (with PermitLocalCommand yes)" },
	{ "PermitLocalCommand", kw_permit_local_command, 1, 1, "yes or no" },
	{ "TunnelReconnect", kw_tunnel_reconnect, 1, 1, "yes or no" },
	{ "TunnelKillSwitch", kw_kill_switch, 1, 1, "yes or no" },
	{ "TunnelSeccomp", kw_seccomp, 1, 1, "yes or no" },
	{ "TCPKeepAlive", kw_tcp_keepalive, 1, 1, "yes or no" },
	{ "TunnelDownCommand", kw_local_command, 1, CONFIG_MAX_ARGS, "a command (with PermitLocalCommand yes)" },
	{ "TunnelDNS", kw_tunnel_dns, 1, CONFIG_MAX_ARGS, "DNS server addresses" },
	{ "TunnelBridge", kw_tunnel_bridge, 1, 1, "a bridge's interface name" },
	{ "TunnelRoute", kw_tunnel_route, 1, CONFIG_MAX_ARGS, "networks as address/prefix, or default" },
	/* Keywords of ssh_config(5) that sshtun accepts and ignores. */

	IGN("CanonicalDomains"), IGN("CanonicalizeFallbackLocal"), 
	IGN("CanonicalizeMaxDots"), IGN("CanonicalizePermittedCNAMEs"), 
	IGN("ChannelTimeout"), IGN("CheckHostIP"), IGN("ClearAllForwardings"),
IGN("ControlMaster"), IGN("ControlPath"),
	IGN("ControlPersist"), IGN("DynamicForward"), IGN("EnableEscapeCommandline"),
	IGN("EnableSSHKeysign"), IGN("EscapeChar"), IGN("ExitOnForwardFailure"), IGN("FingerprintHash"),
	IGN("ForkAfterAuthentication"), IGN("ForwardAgent"), IGN("ForwardX11"), IGN("ForwardX11Timeout"),
	IGN("ForwardX11Trusted"), IGN("GatewayPorts"), IGN("GSSAPIAuthentication"),
	IGN("GSSAPIClientIdentity"), IGN("GSSAPIDelegateCredentials"), IGN("GSSAPIKeyExchange"),
	IGN("GSSAPIRenewalForcesRekey"), IGN("GSSAPIServerIdentity"), IGN("GSSAPITrustDns"),
	IGN("GSSAPIKexAlgorithms"), IGN("HostbasedAcceptedAlgorithms"),
	IGN("HostbasedAuthentication"), IGN("IPQoS"),
	IGN("KbdInteractiveDevices"), 
	IGN("LocalForward"), IGN("LogVerbose"),
	IGN("NoHostAuthenticationForLocalhost"), 
	IGN("ObscureKeystrokeTiming"), 
	IGN("PermitRemoteOpen"), IGN("PKCS11Provider"), 
	IGN("ProxyUseFdpass"), 
	IGN("RefuseConnection"), IGN("RemoteCommand"), IGN("RemoteForward"),
	IGN("RequestTTY"), IGN("SecurityKeyProvider"),
	IGN("SendEnv"), IGN("SessionType"), IGN("SetEnv"), IGN("StdinNull"), IGN("StreamLocalBindMask"),
	IGN("StreamLocalBindUnlink"), IGN("Tag"),
	IGN("UpdateHostKeys"), IGN("VerifyHostKeyDNS"), IGN("VisualHostKey"), IGN("WarnWeakCrypto"),
	IGN("XAuthLocation"),
	/* Old names that ssh still accepts. */
	IGN("Cipher"), IGN("CompressionLevel"),
	IGN("DSAAuthentication"), IGN("FallBackToRsh"), IGN("GlobalKnownHostsFile2"),
	IGN("HostbasedKeyTypes"), IGN("KeepAlive"), IGN("Protocol"), 
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

static void kw_ignored(const struct kw *kw, const char *where, const struct lg *log)
{
	LG_D1(log, "%s: %s is not used by sshtun; ignored", where, kw->name);
}

int cfg_kw_set(struct cfg *c, char **argv, int argc, const char *rest, int apply, const char *where, const struct lg *log)
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
			kw_ignored(kw, where, log);
		}
		return 0;
	}
	k.kw = kw;
	k.c = c;
	k.argv = argv + 1;
	k.argc = argc - 1;
	k.rest = rest;
	k.apply = apply;
	k.where = where;
	k.log = log;
	return kw->fn(&k);
}
