/* sshtun: ssh_config files and -o options: lines, Host/Match blocks, Include, defaults. */
#include "ssh/config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "sshtun_err.h"
#include "util/limits.h"
#include "util/match.h"
#include "util/text.h"
#include "util/wire.h"

/* Defined in config_keywords.c (declared identically there). */
enum { CFG_KW_UNKNOWN = 1 };
int cfg_kw_set(struct cfg *c, char **argv, int argc, int apply, const char *where, const struct lg *log);

/* One line split into words: argv[0] is the keyword. */
struct toks {
	char buf[FILE_MAX_LINE + 2];
	char *argv[CONFIG_MAX_ARGS];
	int argc;
};

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
	struct toks t;
};

/* The local user: name and home ($HOME first), "" where unknown. */
struct who {
	char name[256];
	char home[PATH_MAX];
};

static void get_who(struct who *w)
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
	c->address_family = CFG_UNSET;
	c->tunnel_mtu = CFG_UNSET;
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
	free(c->identity_agent);
	free_list(c->user_known_hosts, &c->n_user_known_hosts);
	free_list(c->global_known_hosts, &c->n_global_known_hosts);
	free(c->ciphers);
	free(c->kex_algorithms);
	free(c->tunnel_address);
	free(c->tunnel_peer);
	cfg_init(c);
}

/* ---- words ---- */

static int is_space(uint8_t ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == '\v';
}

static int tok_end(struct toks *t, struct wire_w *w, size_t *start)
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
static int tok_keyword(struct toks *t, struct wire_w *w, size_t *start, uint8_t ch, int *stage, int *in_word)
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

/*
 * Splits a line as ssh does: "Keyword args" or "Keyword=args"; arguments
 * separated by blanks, grouped by double or single quotes; a backslash escapes
 * \ " ' (and a blank outside quotes); an unquoted '#' at the start of a word
 * begins a comment. Returns 0 or -1 with *why set.
 */
static int tokenize(struct toks *t, const void *line, size_t len, const char **why)
{
	struct wire_r r;
	struct wire_w w;
	size_t start = 0;
	int stage = 0, in_word = 0, esc = 0;	/* stage 0: keyword, 1: after it, 2: after '=', 3: arguments */
	uint8_t ch = 0, quote = 0;

	t->argc = 0;
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

/* An Include argument as a path: ~ (user files), else relative to ~/.ssh or /etc/ssh. */
static int include_path(const struct rd *rd, const char *a, char *path, size_t size)
{
	struct who w;
	int n;

	get_who(&w);
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
	}
	rd->active = !rd->nevermatch && any && !veto;
	return 0;
}

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

static int match_one(struct rd *rd, const char *attr, const char *arg, const struct who *who, int *m)
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
	struct who who;
	int result = 1;

	if (argc < 2) {
		return rd_error(rd, "Match: missing criteria", "");
	}
	get_who(&who);
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

static int do_line(struct rd *rd, const struct wire_view *line)
{
	struct toks *t = &rd->t;
	const char *why = NULL, *kw;
	char where[PATH_MAX + 32];
	int r;

	if (tokenize(t, line->p, line->n, &why) != 0) {
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
	r = cfg_kw_set(rd->c, t->argv, t->argc, rd->active, where, rd->log);
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
	struct toks *t = NULL;
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
	} else if (tokenize(t, line, len, &why) == 0 && t->argc == 0) {
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
	r = cfg_kw_set(c, t->argv, t->argc, 1, where, log);
	if (r == CFG_KW_UNKNOWN) {
		LG_E(log, "%s: Bad configuration option: %s", where, safe);
		r = SSHTUN_ERR_CONFIG;
	}
out:
	free(t);
	return r;
}

/* ---- defaults and expansion (cfg_finish) ---- */

enum { EXP_TILDE = 1, EXP_TOKENS = 2, EXP_ENV = 4, EXP_HOSTNAME = 8 };

/* What the tokens of ssh_config(5) TOKENS stand for. */
struct exp {
	const struct who *who;
	const char *host;	/* %h */
	const char *orig;	/* %n %k */
	const char *ruser;	/* %r */
	int port;		/* %p */
	char lhost[256];	/* %l, and %L up to the first dot */
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
static int put_tilde(struct wire_w *w, const char *in, const struct who *who, const char **why)
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
	static const char *const ids[] = { "~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa" };
	static const char *const ukh[] = { "~/.ssh/known_hosts", "~/.ssh/known_hosts2" };
	static const char *const gkh[] = { "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2" };
	struct who who;
	struct exp x;
	int r;

	if (!c->host || !c->host[0]) {
		LG_E(log, "no host given");
		return SSHTUN_ERR_CONFIG;
	}
	get_who(&who);
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
	if ((r = finish_list(c->identity_files, &c->n_identity_files, ids, 3, &x, "IdentityFile", log)) != 0 ||
	    (r = finish_list(c->user_known_hosts, &c->n_user_known_hosts, ukh, 2, &x, "UserKnownHostsFile", log)) != 0 ||
	    (r = finish_list(c->global_known_hosts, &c->n_global_known_hosts, gkh, 2, &x, "GlobalKnownHostsFile", log)) != 0 ||
	    (r = finish_agent(c, &x, log)) != 0 || (r = finish_tunnel(c, log)) != 0) {
		return r;
	}
	def_int(&c->identities_only, 0);
	def_int(&c->strict_host_key_checking, CFG_STRICT_ASK);
	c->rekey_bytes = c->rekey_bytes == CFG_UNSET ? 0 : c->rekey_bytes;
	c->rekey_seconds = c->rekey_seconds == CFG_UNSET ? 0 : c->rekey_seconds;
	def_int(&c->connect_timeout, 0);
	def_int(&c->server_alive_interval, 0);
	def_int(&c->server_alive_count_max, 3);
	def_int(&c->log_level, LG_INFO);
	def_int(&c->address_family, 0);
	return 0;
}
