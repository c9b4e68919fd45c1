/* sshtun: ssh_config files and -o options: lines, Host/Match blocks, Include, IgnoreUnknown. */
#include "ssh/config_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "sshtun_err.h"
#include "util/features.h"
#include "util/match.h"
#include "util/text.h"
#include "util/wire.h"

#if SSHTUN_CONFIG_INCLUDE
#include <glob.h>
#endif

/* A file being read (one per Include level). */
struct rd {
	struct cfg *c;
	const struct lg *log;
	char **ignore_unknown;	/* IgnoreUnknown patterns, shared by the files of one read */
	const char *name;
	int lineno;
	int depth;
	int system;		/* relative Include paths are in /etc/ssh rather than ~/.ssh */
	int active;		/* the current Host/Match block applies */
	int nevermatch;		/* included from a block that does not apply */
	struct cfg_toks t;
};

/* ---- the options ---- */

void cfg_init(struct cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->port = CFG_UNSET;
	c->identities_only = CFG_UNSET;
	c->tunnel = CFG_TUNNEL_UNSET;
	c->tun_local = CFG_UNSET;
	c->tun_remote = CFG_UNSET;
	c->strict_host_key_checking = CFG_STRICT_UNSET;
	c->rekey_bytes = CFG_UNSET;
	c->rekey_seconds = CFG_UNSET;
	c->connect_timeout = CFG_UNSET;
	c->server_alive_interval = CFG_UNSET;
	c->server_alive_count_max = CFG_UNSET;
	c->log_level = CFG_UNSET;
	c->syslog_facility = CFG_UNSET;
	c->address_family = CFG_UNSET;
	c->tunnel_mtu = CFG_UNSET;
	c->permit_local_command = CFG_UNSET;
	c->tunnel_reconnect = CFG_UNSET;
	c->tunnel_kill_switch = CFG_UNSET;
	c->tunnel_seccomp = CFG_UNSET;
	c->tcp_keepalive = CFG_UNSET;
	c->connection_attempts = CFG_UNSET;
	c->tunnel_ack_thinning = CFG_UNSET;
	c->tunnel_configure = CFG_UNSET;
	c->required_rsa_size = CFG_UNSET;
	c->batch_mode = CFG_UNSET;
	c->add_keys_to_agent = CFG_UNSET;
	c->hash_known_hosts = CFG_UNSET;
	c->warn_weak_crypto = CFG_UNSET;
	c->compression = CFG_UNSET;
	c->password_prompts = CFG_UNSET;
	c->pubkey_auth = CFG_UNSET;
	c->kbdint_auth = CFG_UNSET;
	c->password_auth = CFG_UNSET;
}

static void free_list(char **list, int *n)
{
	for (int i = 0; i < *n; i++) {
		free(list[i]);
		list[i] = NULL;
	}
	*n = 0;
}

void cfg_free(struct cfg *c)
{
	free(c->host);
	free(c->hostname);
	free(c->user);
	free_list(c->identity_files, &c->n_identity_files);
	free_list(c->certificate_files, &c->n_certificate_files);
	free(c->identity_agent);
	free_list(c->user_known_hosts, &c->n_user_known_hosts);
	free_list(c->global_known_hosts, &c->n_global_known_hosts);
	free(c->ciphers);
	free(c->macs);
	free(c->kex_algorithms);
	free(c->hostkey_algorithms);
	free(c->pubkey_algorithms);
	free(c->preferred_auth);
	free(c->ca_signature_algorithms);
	free(c->host_key_alias);
	free(c->tunnel_address);
	free(c->tunnel_peer);
	free(c->tunnel_config_command);
	free(c->proxy_command);
	free(c->proxy_jump);
	free(c->bind_address);
	free(c->bind_interface);
	free(c->local_command);
	free(c->tunnel_down_command);
	free_list(c->tunnel_routes, &c->n_tunnel_routes);
	free_list(c->tunnel_dns, &c->n_tunnel_dns);
	free(c->tunnel_bridge);
	free(c->aliases);
	cfg_init(c);
}

/* ---- patterns (ssh_config(5) PATTERNS) ---- */

/* A comma-separated pattern list: 1 if a pattern matches and no negated one does, -1 if a negated one does, else 0. */
static int match_list(const char *s, const char *list, int nocase)
{
	size_t sn = strlen(s);
	int got = 0;
	size_t i = 0;

	while (list[i]) {
		size_t n = strcspn(list + i, ",");
		int neg = list[i] == '!';

		if (match_glob_n(s, sn, list + i + neg, n - (size_t)neg, nocase)) {
			if (neg) {
				return -1;
			}
			got = 1;
		}
		i += n;
		if (list[i] == ',') {
			i++;
		}
	}
	return got;
}

/* 1 if the newline-separated list (may be NULL) holds the name of n bytes. */
static int alias_known(const char *list, const char *name, size_t n)
{
	while (list && *list) {
		size_t k = strcspn(list, "\n");

		if (k == n && memcmp(list, name, n) == 0) {
			return 1;
		}
		list += k;
		list += *list == '\n';
	}
	return 0;
}

/* ---- reading ---- */

static int read_text(struct rd *rd, const void *buf, size_t len);

static void where_of(const struct rd *rd, char *out, size_t n)
{
	snprintf(out, n, "%s:%d", rd->name, rd->lineno);
}

static int rd_error(const struct rd *rd, const char *msg, const char *arg)
{
	char where[PATH_MAX + 32], safe[128];

	where_of(rd, where, sizeof(where));
	lg_sanitize(safe, sizeof(safe), arg, strlen(arg));
	LG_E(rd->log, "%s: %s%s", where, msg, safe);
	return SSHTUN_ERR_CONFIG;
}

static int load_file(const char *path, int user_file, int optional, const struct lg *log, char **out, size_t *outlen)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, r = SSHTUN_ERR_CONFIG;

	*out = NULL;
	*outlen = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (optional && (errno == ENOENT || errno == ENOTDIR)) {
			LG_D2(log, "%s: no such file", path);
			return 1;
		}
		LG_E(log, "%s: cannot open: %s", path, strerror(errno));
		return SSHTUN_ERR_CONFIG;
	}
	if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode)) {
		/* -F /dev/null: a character device is an empty configuration, as ssh reads it. */
		LG_D2(log, "%s: a character device, read as empty", path);
		buf = malloc(1);
		if (!buf) {
			r = SSHTUN_ERR_NOMEM;
			goto out;
		}
		*out = buf;
		buf = NULL;
		r = 0;
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		LG_E(log, "%s: not a regular file", path);
		goto out;
	}
	if (user_file && ((st.st_uid != 0 && st.st_uid != getuid()) || (st.st_mode & 022) != 0)) {
		LG_E(log, "%s: bad owner or permissions (must be yours or root's, and not writable by others)", path);
		goto out;
	}
	if (st.st_size > FILE_MAX_SIZE) {
		LG_E(log, "%s: larger than %d bytes", path, FILE_MAX_SIZE);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		r = SSHTUN_ERR_NOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size + 1 - got);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			LG_E(log, "%s: read: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0) {
			break;
		}
		got += (size_t)n;
		if (got > (size_t)st.st_size) {
			LG_E(log, "%s: file grew while being read", path);
			goto out;
		}
	}
	*out = buf;
	*outlen = got;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

/* Reads one file as part of rd's read (top level or Include). A missing file is fine if optional. */
static int read_path(struct rd *parent, const char *path, int optional, int depth)
{
	struct rd *rd = NULL;
	char *buf = NULL;
	size_t len = 0;
	int r;

	r = load_file(path, !parent->system, optional, parent->log, &buf, &len);
	if (r != 0) {
		return r > 0 ? 0 : r;
	}
	rd = calloc(1, sizeof(*rd));
	if (!rd) {
		r = SSHTUN_ERR_NOMEM;
		goto out;
	}
	rd->c = parent->c;
	rd->log = parent->log;
	rd->ignore_unknown = parent->ignore_unknown;
	rd->name = path;
	rd->depth = depth;
	rd->system = parent->system;
	rd->active = parent->active;
	rd->nevermatch = parent->nevermatch || !parent->active;
	LG_D2(rd->log, "reading configuration %s", path);
	r = read_text(rd, buf, len);
out:
	free(rd);
	free(buf);
	return r;
}

#if SSHTUN_CONFIG_INCLUDE
/* An Include argument as a path: ~ (user files), else relative to ~/.ssh or /etc/ssh. */
static int include_path(const struct rd *rd, const char *a, char *path, size_t size)
{
	struct cfg_who w;
	int n;

	cfg_get_who(&w);
	if (a[0] == '/') {
		n = snprintf(path, size, "%s", a);
	} else if (rd->system) {
		n = snprintf(path, size, "/etc/ssh/%s", a);
	} else if (!w.home[0]) {
		return -1;
	} else if (a[0] == '~' && (a[1] == '/' || a[1] == '\0')) {
		n = snprintf(path, size, "%s%s", w.home, a + 1);
	} else {
		n = snprintf(path, size, "%s/.ssh/%s", w.home, a);
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int do_include(struct rd *rd, char **argv, int argc)
{
	char path[PATH_MAX];
	int r = 0;

	if (argc < 2) {
		return rd_error(rd, "Include: missing file name", "");
	}
	if (rd->depth >= CONFIG_MAX_INCLUDE_DEPTH) {
		char msg[64];

		snprintf(msg, sizeof(msg), "Include nested too deeply (at most %d levels)", CONFIG_MAX_INCLUDE_DEPTH);
		return rd_error(rd, msg, "");
	}
	for (int i = 1; i < argc && r == 0; i++) {
		glob_t gl;
		int g;

		if (include_path(rd, argv[i], path, sizeof(path)) != 0) {
			return rd_error(rd, "Include: cannot make a path of ", argv[i]);
		}
		memset(&gl, 0, sizeof(gl));
		g = glob(path, 0, NULL, &gl);
		if (g == GLOB_NOMATCH) {
			LG_D2(rd->log, "%s:%d: Include %s matches no file", rd->name, rd->lineno, path);
			continue;
		}
		if (g != 0) {
			globfree(&gl);
			return rd_error(rd, "Include: cannot expand ", argv[i]);
		}
		for (size_t j = 0; j < gl.gl_pathc && r == 0; j++) {
			struct stat st;

			if (stat(gl.gl_pathv[j], &st) == 0 && S_ISDIR(st.st_mode)) {
				continue;	/* as ssh: a directory reads as empty */
			}
			r = read_path(rd, gl.gl_pathv[j], 0, rd->depth + 1);
		}
		globfree(&gl);
	}
	return r;
}
#else
/* --without-config-include: refused, never skipped (the settings in the file left unread would be missing). */
static int do_include(struct rd *rd, char **argv, int argc)
{
	(void)argv;
	(void)argc;
	return rd_error(rd, "Include: this build cannot read included files (built --without-config-include); "
		"put their lines in this file, or give one file with -F", "");
}
#endif

/* Records the plain names among a Host line's patterns (one argument, comma-separated) in c->aliases. */
static int note_aliases(struct cfg *c, const char *list)
{
	size_t have = c->aliases ? strlen(c->aliases) : 0, i = 0;
	int count = 0;

	for (size_t k = 0; k < have; k++) {
		count += c->aliases[k] == '\n';
	}
	count += have > 0;
	while (list[i] && count < CFG_MAX_ALIASES) {
		size_t n = strcspn(list + i, ",");
		char *grown;

		if (n > 0 && n < 256 && !memchr(list + i, '*', n) && !memchr(list + i, '?', n) && !memchr(list + i, '!', n) &&
		    !alias_known(c->aliases, list + i, n)) {
			if (!(grown = realloc(c->aliases, have + n + 2))) {
				return SSHTUN_ERR_NOMEM;
			}
			c->aliases = grown;
			if (have > 0) {
				grown[have++] = '\n';
			}
			memcpy(grown + have, list + i, n);
			have += n;
			grown[have] = '\0';
			count++;
		}
		i += n;
		i += list[i] == ',';
	}
	return 0;
}

/* Host pattern...: whitespace- or comma-separated patterns; a matching negated one vetoes. */
static int do_host(struct rd *rd, char **argv, int argc)
{
	const char *host = rd->c->host ? rd->c->host : "";
	int any = 0, veto = 0;

	if (argc < 2) {
		return rd_error(rd, "Host: missing pattern", "");
	}
	for (int i = 1; i < argc; i++) {
		int m = match_list(host, argv[i], 1);

		veto |= m < 0;
		any |= m > 0;
		if (note_aliases(rd->c, argv[i]) != 0) {
			return SSHTUN_ERR_NOMEM;
		}
	}
	rd->active = !rd->nevermatch && any && !veto;
	return 0;
}

#if SSHTUN_CONFIG_MATCH
/* The name Match host compares: HostName with %h expanded, else the name given. */
static int match_hostname(const struct cfg *c, struct wire_w *w)
{
	const char *h = c->host ? c->host : "", *s = c->hostname ? c->hostname : "%h";

	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '%' && s[i + 1] == 'h') {
			wire_put_raw(w, h, strlen(h));
			i++;
		} else if (s[i] == '%' && s[i + 1] == '%') {
			wire_put_u8(w, '%');
			i++;
		} else {
			wire_put_u8(w, (uint8_t)s[i]);
		}
	}
	wire_put_u8(w, 0);
	return wire_w_err(w);
}

static int match_one(struct rd *rd, const char *attr, const char *arg, const struct cfg_who *who, int *m)
{
	struct wire_w w;
	int r = 0;

	wire_w_init(&w, FILE_MAX_LINE);
	if (strcasecmp(attr, "host") == 0) {
		r = match_hostname(rd->c, &w);
		*m = r == 0 && match_list((const char *)w.p, arg, 1) == 1;
	} else if (strcasecmp(attr, "originalhost") == 0) {
		*m = match_list(rd->c->host ? rd->c->host : "", arg, 1) == 1;
	} else if (strcasecmp(attr, "user") == 0) {
		*m = match_list(rd->c->user ? rd->c->user : who->name, arg, 0) == 1;
	} else {
		*m = match_list(who->name, arg, 0) == 1;
	}
	wire_w_free(&w);
	return r;
}

/* Match criteria: all, or [!]host|originalhost|user|localuser pattern-list, ANDed. */
static int do_match(struct rd *rd, char **argv, int argc)
{
	static const char *const known[] = { "host", "originalhost", "user", "localuser" };
	struct cfg_who who;
	int result = 1;

	if (argc < 2) {
		return rd_error(rd, "Match: missing criteria", "");
	}
	cfg_get_who(&who);
	for (int i = 1; i < argc; i++) {
		const char *attr = argv[i] + (argv[i][0] == '!');
		int neg = argv[i][0] == '!', m = 0, ok = 0;

		if (strcasecmp(attr, "all") == 0) {
			if (argc != 2) {
				return rd_error(rd, "Match all must appear alone", "");
			}
			result = !neg;
			break;
		}
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
			ok |= strcasecmp(attr, known[k]) == 0;
		}
		if (!ok) {
			char msg[160], safe[64];

			lg_sanitize(safe, sizeof(safe), attr, strlen(attr));
			snprintf(msg, sizeof(msg), "Match %s is not supported (sshtun knows all, host, "
				 "originalhost, user and localuser)", safe);
			return rd_error(rd, msg, "");
		}
		if (i + 1 >= argc) {
			return rd_error(rd, "Match: missing pattern after ", attr);
		}
		if (match_one(rd, attr, argv[++i], &who, &m) != 0) {
			return rd_error(rd, "Match: cannot expand HostName", "");
		}
		result &= neg ? !m : m;
	}
	rd->active = !rd->nevermatch && result;
	return 0;
}
#else
/* --without-config-match: refused, never skipped (skipping the block would change which settings apply). */
static int do_match(struct rd *rd, char **argv, int argc)
{
	(void)argv;
	(void)argc;
	return rd_error(rd, "Match: this build has no Match blocks (built --without-config-match); use Host blocks", "");
}
#endif

static int do_line(struct rd *rd, const struct wire_view *line)
{
	struct cfg_toks *t = &rd->t;
	const char *why = NULL, *kw;
	char where[PATH_MAX + 32];
	int r;

	if (cfg_tokenize(t, line->p, line->n, &why) != 0) {
		return rd_error(rd, why, "");
	}
	if (t->argc == 0) {
		return 0;
	}
	kw = t->argv[0];
	if (strcasecmp(kw, "Host") == 0) {
		return do_host(rd, t->argv, t->argc);
	}
	if (strcasecmp(kw, "Match") == 0) {
		return do_match(rd, t->argv, t->argc);
	}
	if (strcasecmp(kw, "Include") == 0) {
		return do_include(rd, t->argv, t->argc);
	}
	if (strcasecmp(kw, "IgnoreUnknown") == 0) {
		if (t->argc != 2) {
			return rd_error(rd, "IgnoreUnknown: expected one pattern-list", "");
		}
		if (rd->active && !*rd->ignore_unknown && !(*rd->ignore_unknown = strdup(t->argv[1]))) {
			return SSHTUN_ERR_NOMEM;
		}
		return 0;
	}
	where_of(rd, where, sizeof(where));
	r = cfg_kw_set(rd->c, t->argv, t->argc, t->rest, rd->active, where, rd->log);
	if (r != CFG_KW_UNKNOWN) {
		return r;
	}
	if (*rd->ignore_unknown && match_list(kw, *rd->ignore_unknown, 1) == 1) {
		LG_D1(rd->log, "%s: ignoring unknown option %s (IgnoreUnknown)", where, kw);
		return 0;
	}
	return rd_error(rd, "Bad configuration option: ", kw);
}

static int read_text(struct rd *rd, const void *buf, size_t len)
{
	struct wire_r r;
	struct wire_view line;
	int ret = 0;

	if (len > FILE_MAX_SIZE) {
		return rd_error(rd, "file too large", "");
	}
	wire_r_init(&r, buf, len);
	while (ret == 0 && text_line(&r, &line, 0)) {
		rd->lineno++;
		if (line.n > 0 && memchr(line.p, 0, line.n)) {
			ret = rd_error(rd, "NUL byte in line", "");
		} else if (line.n > FILE_MAX_LINE) {
			char msg[64];

			snprintf(msg, sizeof(msg), "line longer than %d bytes", FILE_MAX_LINE);
			ret = rd_error(rd, msg, "");
		} else {
			ret = do_line(rd, &line);
		}
	}
	return ret;
}

static int read_top(struct cfg *c, const char *name, const char *path, const void *buf, size_t len,
		    int optional, const struct lg *log)
{
	struct rd *rd = calloc(1, sizeof(*rd));
	char *ignore = NULL;
	int r;

	if (!rd) {
		return SSHTUN_ERR_NOMEM;
	}
	rd->c = c;
	rd->log = log;
	rd->ignore_unknown = &ignore;
	rd->name = name;
	rd->active = 1;
	rd->system = path && strncmp(path, "/etc/", 5) == 0;
	r = path ? read_path(rd, path, optional, 0) : read_text(rd, buf, len);
	free(ignore);
	free(rd);
	return r;
}

int cfg_read_buf(struct cfg *c, const char *buf, size_t len, const char *name, const struct lg *log)
{
	return read_top(c, name ? name : "(buffer)", NULL, buf, len, 0, log);
}

int cfg_read_file(struct cfg *c, const char *path, int optional, const struct lg *log)
{
	return read_top(c, path, path, NULL, 0, optional, log);
}

int cfg_apply(struct cfg *c, const char *line, const char *where, const struct lg *log)
{
	struct cfg_toks *t = NULL;
	const char *why = NULL;
	char safe[128];
	size_t len = strnlen(line, FILE_MAX_LINE + 1);
	int r = SSHTUN_ERR_CONFIG;

	where = where ? where : "command line";
	t = malloc(sizeof(*t));
	if (!t) {
		return SSHTUN_ERR_NOMEM;
	}
	if (len > FILE_MAX_LINE) {
		why = "option too long";
	} else if (cfg_tokenize(t, line, len, &why) == 0 && t->argc == 0) {
		why = "empty option";
	}
	if (why) {
		LG_E(log, "%s: %s", where, why);
		goto out;
	}
	lg_sanitize(safe, sizeof(safe), t->argv[0], strlen(t->argv[0]));
	if (strcasecmp(safe, "Host") == 0 || strcasecmp(safe, "Match") == 0 || strcasecmp(safe, "Include") == 0) {
		LG_E(log, "%s: %s is only allowed in configuration files", where, safe);
		goto out;
	}
	if (strcasecmp(safe, "IgnoreUnknown") == 0) {
		LG_D1(log, "%s: IgnoreUnknown only applies within a configuration file; ignored", where);
		r = 0;
		goto out;
	}
	r = cfg_kw_set(c, t->argv, t->argc, t->rest, 1, where, log);
	if (r == CFG_KW_UNKNOWN) {
		LG_E(log, "%s: Bad configuration option: %s", where, safe);
		r = SSHTUN_ERR_CONFIG;
	}
out:
	free(t);
	return r;
}
