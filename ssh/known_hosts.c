/* sshtun: known_hosts files: plain and hashed (|1|) host patterns, [host]:port, markers. */
#include "ssh/known_hosts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "ssh/key.h"
#include "sshtun_err.h"
#include "util/features.h"
#include "util/limits.h"
#include "util/match.h"
#include "util/text.h"
#include "util/wire.h"

enum {
	KH_SHA1_LEN = 20,	/* salt and HMAC-SHA1 of a |1| entry */
	KH_HASH_B64_MAX = 64,	/* longest base64 salt or hash we look at */
	KH_NAME_MAX = 300,	/* "[host]:port" with a 255-byte host name */
	KH_MARK_REVOKED = 1,
	KH_MARK_CA = 2
};

static const char kh_hash_magic[] = "|1|";

/* ---- host matching ---- */

/* Plain pattern list "a,b*,!c": 1 if a positive pattern matches and no negated one does. */
static int kh_match_patterns(const struct wire_view *hosts, const char *name)
{
	struct wire_r r;
	struct wire_view pat;
	size_t nn = strlen(name);
	int found = 0, neg;

	wire_r_init(&r, hosts->p, hosts->n);
	while (wire_left(&r) > 0) {
		neg = text_peek(&r) == '!';
		if (neg) {
			wire_skip(&r, 1);
		}
		text_take(&r, ',', &pat);
		if (text_peek(&r) == ',') {
			wire_skip(&r, 1);
		}
		if (wire_err(&r)) {
			return 0;
		}
		if (pat.n > 0 && match_glob_n(name, nn, (const char *)pat.p, pat.n, 1)) {
			if (neg) {
				return 0;	/* a negated match excludes the host, whatever else matches */
			}
			found = 1;
		}
	}
	return found;
}

/* Decodes one base64 part of a hashed entry that must hold exactly KH_SHA1_LEN bytes. */
static int kh_decode20(const struct wire_view *b64, uint8_t out[KH_SHA1_LEN])
{
	uint8_t buf[KH_HASH_B64_MAX];
	size_t n = 0;

	if (b64->n == 0 || b64->n > KH_HASH_B64_MAX ||
	    cry_base64_decode(buf, sizeof(buf), &n, (const char *)b64->p, b64->n) != 0 || n != KH_SHA1_LEN) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	memcpy(out, buf, KH_SHA1_LEN);
	return 0;
}

/* Hashed entry "|1|salt|hash": 1 if HMAC-SHA1(salt, name) is hash (compared in constant time). */
static int kh_match_hashed(const struct wire_view *field, const char *name)
{
	struct wire_r r;
	struct wire_view magic, salt64, hash64;
	uint8_t salt[KH_SHA1_LEN], want[KH_SHA1_LEN], got[KH_SHA1_LEN];
	int err;

	wire_r_init(&r, field->p, field->n);
	wire_get_raw(&r, sizeof(kh_hash_magic) - 1, &magic);
	text_take(&r, '|', &salt64);
	if (text_peek(&r) != '|') {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	wire_skip(&r, 1);
	wire_get_raw(&r, wire_left(&r), &hash64);
	if (wire_err(&r) || !wire_view_eq(&magic, kh_hash_magic)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	if (kh_decode20(&salt64, salt) || kh_decode20(&hash64, want)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	err = cry_hmac(CRY_SHA1, salt, sizeof(salt), name, strlen(name), got);
	if (err) {
		return err;
	}
	return cry_memeq(got, want, sizeof(got));
}

int kh_match_line(const char *line, size_t n, const char *hostname, struct pubkey *key, int *marker)
{
	struct wire_r r;
	struct wire_view first, hosts, rest;
	int m;

	if (!key || !marker || !hostname || (!line && n)) {
		return SSHTUN_ERR_INVAL;
	}
	memset(key, 0, sizeof(*key));
	*marker = 0;
	wire_r_init(&r, line, n);
	text_skip_blanks(&r);
	if (wire_left(&r) == 0 || text_peek(&r) == '#') {
		return 0;
	}
	text_take(&r, -1, &first);
	hosts = first;
	if (first.n > 0 && first.p[0] == '@') {
		if (wire_view_eq(&first, "@revoked")) {
			*marker = KH_MARK_REVOKED;
		} else if (wire_view_eq(&first, "@cert-authority")) {
			*marker = KH_MARK_CA;
		} else {
			return SSHTUN_ERR_BAD_FORMAT;
		}
		text_skip_blanks(&r);
		text_take(&r, -1, &hosts);
	}
	text_skip_blanks(&r);
	wire_get_raw(&r, wire_left(&r), &rest);
	if (wire_err(&r) || hosts.n == 0 || rest.n == 0) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	if (hosts.p[0] == '|') {
		m = kh_match_hashed(&hosts, hostname);
	} else {
		m = kh_match_patterns(&hosts, hostname);
	}
	if (m <= 0) {
		*marker = 0;
		return m;
	}
	m = key_parse_public_line(key, (const char *)rest.p, rest.n);
	if (m < 0) {
		*marker = 0;
		return m;
	}
	return 1;
}

/* ---- files ---- */

static uint8_t kh_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c - 'A' + 'a') : c;
}

/* The name entries are matched against: lower-case host for port 22, else "[host]:port". */
static int kh_hostname(char *out, size_t outlen, const char *host, int port)
{
	size_t n, i;
	int w;

	if (!host || port < 1 || port > 65535) {
		return SSHTUN_ERR_INVAL;
	}
	n = strlen(host);
	if (n == 0 || n > 255) {
		return SSHTUN_ERR_INVAL;
	}
	for (i = 0; i < n; i++) {
		uint8_t c = (uint8_t)host[i];

		/* Nothing that would split the line or turn the name into a pattern. */
		if (c <= 0x20 || c >= 0x7f || c == ',' || c == '*' || c == '?' || c == '!' || c == '#' || c == '|') {
			return SSHTUN_ERR_INVAL;
		}
	}
	if (port == 22) {
		w = snprintf(out, outlen, "%s", host);
	} else {
		w = snprintf(out, outlen, "[%s]:%d", host, port);
	}
	if (w < 0 || (size_t)w >= outlen) {
		return SSHTUN_ERR_INVAL;
	}
	for (i = 0; out[i]; i++) {
		out[i] = (char)kh_lower((uint8_t)out[i]);
	}
	return 0;
}

/* Reads a whole file (at most FILE_MAX_SIZE) into w; 1 if it does not exist, 0 if read, else an error (logged). */
static int kh_read_file(const char *path, struct wire_w *w, const struct lg *log)
{
	uint8_t chunk[4096];
	ssize_t got;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
		LG_D2(log, "known hosts file %s does not exist", path);
		return 1;
	}
	if (fd < 0) {
		LG_E(log, "cannot open known hosts file %s: %s", path, strerror(errno));
		return SSHTUN_ERR_SYS;
	}
	for (;;) {
		got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR) {
			continue;
		}
		if (got < 0) {
			LG_E(log, "cannot read known hosts file %s: %s", path, strerror(errno));
			err = SSHTUN_ERR_SYS;
			break;
		}
		if (got == 0) {
			break;
		}
		if (wire_put_raw(w, chunk, (size_t)got)) {
			LG_E(log, "known hosts file %s is larger than %d bytes", path, (int)FILE_MAX_SIZE);
			err = SSHTUN_ERR_TOO_LONG;
			break;
		}
	}
	close(fd);
	return err;
}

/* What the entries seen so far say about the key. */
struct kh_scan {
	int match, revoked, changed;
	struct kh_result match_at, revoked_at, changed_at;
	int ca_unused;			/* SSHTUN_CERT 0: @cert-authority lines for the host, skipped */
	struct kh_result ca_unused_at;
};

static void kh_note(struct kh_result *at, const char *file, unsigned line)
{
	snprintf(at->file, sizeof(at->file), "%s", file);
	at->line = line;
}

static void kh_scan_file(struct kh_scan *s, const char *file, const struct wire_w *text, const char *name,
	const struct pubkey *key, int want_ca, const struct lg *log)
{
	struct wire_r r;
	struct wire_view line;
	struct pubkey k;
	unsigned lineno = 0;
	int marker, m;

	wire_r_init(&r, text->p, text->len);
	while (text_line(&r, &line, 0)) {
		lineno++;
		if (line.n > FILE_MAX_LINE) {
			LG_D1(log, "%s:%u: line too long, skipped", file, lineno);
			continue;
		}
		m = kh_match_line((const char *)line.p, line.n, name, &k, &marker);
		if (m < 0) {
			LG_D1(log, "%s:%u: entry skipped: %s", file, lineno, sshtun_strerror(m));
			continue;
		}
		if (!SSHTUN_CERT && m == 1 && marker == KH_MARK_CA) {
			/* Skipped, never taken as trust: without certificates the line can only be noted for the message. */
			LG_D1(log, "%s:%u: @cert-authority line skipped: this build of sshtun lacks certificates", file, lineno);
			if (!s->ca_unused++) {
				kh_note(&s->ca_unused_at, file, lineno);
			}
			continue;
		}
		/* Looking for a CA: only @cert-authority (and @revoked) lines count; for a host key, not those. */
		if (m == 0 || (marker == KH_MARK_CA) != (want_ca != 0) || k.type != key->type) {
			if (!(m == 1 && marker == KH_MARK_REVOKED && k.type == key->type)) {
				continue;
			}
		}
		if (marker == KH_MARK_REVOKED) {
			if (pubkey_equal(&k, key) && !s->revoked++) {
				kh_note(&s->revoked_at, file, lineno);
			}
		} else if (pubkey_equal(&k, key)) {
			if (!s->match++) {
				kh_note(&s->match_at, file, lineno);
			}
		} else if (!s->changed++) {
			kh_note(&s->changed_at, file, lineno);
		}
	}
}

static int kh_check_any(const char *const *files, size_t nfiles, const char *host, int port,
	const struct pubkey *key, int want_ca, struct kh_result *res, const struct lg *log);

int kh_check(const char *const *files, size_t nfiles, const char *host, int port,
	const struct pubkey *key, struct kh_result *res, const struct lg *log)
{
	return kh_check_any(files, nfiles, host, port, key, 0, res, log);
}

int kh_check_ca(const char *const *files, size_t nfiles, const char *host, int port,
	const struct pubkey *ca, struct kh_result *res, const struct lg *log)
{
	int r = kh_check_any(files, nfiles, host, port, ca, 1, res, log);

	/* Another CA for the host is not a changed key: the certificate is just not vouched for by it. */
	if (r == 0 && res->status == KH_CHANGED) {
		res->status = KH_NOT_FOUND;
	}
	return r;
}

static int kh_check_any(const char *const *files, size_t nfiles, const char *host, int port,
	const struct pubkey *key, int want_ca, struct kh_result *res, const struct lg *log)
{
	struct kh_scan s;
	struct wire_w text;
	char name[KH_NAME_MAX];
	int err;

	if (!res || !key || (!files && nfiles)) {
		return SSHTUN_ERR_INVAL;
	}
	memset(res, 0, sizeof(*res));
	res->status = KH_NOT_FOUND;
	if (key->type == PK_NONE) {
		return SSHTUN_ERR_INVAL;
	}
	err = kh_hostname(name, sizeof(name), host, port);
	if (err) {
		return err;
	}
	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < nfiles; i++) {
		if (!files[i]) {
			continue;
		}
		wire_w_init(&text, FILE_MAX_SIZE);
		err = kh_read_file(files[i], &text, log);
		if (err == 0) {
			kh_scan_file(&s, files[i], &text, name, key, want_ca, log);
		}
		wire_w_free(&text);
		if (err < 0) {
			/* Fail closed: an unreadable file might hold the entry that says the key changed. */
			return err;
		}
	}
	/* As ssh: a revoked key is refused even where another entry lists it. */
	if (s.revoked) {
		*res = s.revoked_at;
		res->status = KH_REVOKED;
	} else if (s.match) {
		*res = s.match_at;
		res->status = KH_MATCH;
	} else if (s.changed) {
		*res = s.changed_at;
		res->status = KH_CHANGED;
	} else if (!SSHTUN_CERT && s.ca_unused) {
		*res = s.ca_unused_at;
		res->status = KH_NOT_FOUND;
		res->ca_unused = 1;
	}
	return 0;
}

/* Appends the type names of the keys in text's plain entries for name to out (comma-separated, each once). */
static void kh_types_in(const struct wire_w *text, const char *name, char *out, size_t outlen)
{
	struct wire_r r;
	struct wire_view line;
	struct pubkey k;
	int marker;

	wire_r_init(&r, text->p, text->len);
	while (text_line(&r, &line, 0)) {
		const char *type;
		size_t cur = strlen(out), tlen;

		if (line.n > FILE_MAX_LINE || kh_match_line((const char *)line.p, line.n, name, &k, &marker) != 1 ||
		    marker == KH_MARK_REVOKED || (!SSHTUN_CERT && marker == KH_MARK_CA)) {
			continue;	/* SSHTUN_CERT 0: no certificate algorithm to ask for first */
		}
		type = marker == KH_MARK_CA ? KH_PREFER_CERTS : pubkey_type_name(k.type);
		tlen = strlen(type);
		if (tp_alglist_has(out, type) || cur + tlen + 2 > outlen) {
			continue;
		}
		snprintf(out + cur, outlen - cur, "%s%s", cur ? "," : "", type);
	}
}

int kh_known_types(const char *const *files, size_t nfiles, const char *host, int port, char *out, size_t outlen)
{
	struct wire_w text;
	char name[KH_NAME_MAX];
	int err;

	if (!out || outlen == 0 || (!files && nfiles)) {
		return SSHTUN_ERR_INVAL;
	}
	out[0] = '\0';
	err = kh_hostname(name, sizeof(name), host, port);
	if (err) {
		return err;
	}
	for (size_t i = 0; i < nfiles; i++) {
		if (!files[i]) {
			continue;
		}
		wire_w_init(&text, FILE_MAX_SIZE);
		if (kh_read_file(files[i], &text, NULL) == 0) {
			kh_types_in(&text, name, out, outlen);
		}
		wire_w_free(&text);
	}
	return 0;
}

/* Creates the directory that will hold file (one level, mode 0700) if it is missing. */
static int kh_make_dir(const char *file)
{
	char dir[4096];
	const char *slash = strrchr(file, '/');
	size_t n;

	if (!slash || slash == file) {
		return 0;
	}
	n = (size_t)(slash - file);
	if (n >= sizeof(dir)) {
		return SSHTUN_ERR_INVAL;
	}
	memcpy(dir, file, n);
	dir[n] = '\0';
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		return SSHTUN_ERR_SYS;
	}
	return 0;
}

static int kh_write_all(int fd, const uint8_t *p, size_t n)
{
	size_t off = 0;
	ssize_t put;

	while (off < n) {
		put = write(fd, p + off, n - off);
		if (put < 0 && errno == EINTR) {
			continue;
		}
		if (put <= 0) {
			return SSHTUN_ERR_SYS;
		}
		off += (size_t)put;
	}
	return 0;
}

/* "|1|salt|HMAC-SHA1(salt, name)" in base64, as ssh writes a hashed name (HashKnownHosts). */
static int kh_hash_name(const char *name, char *out, size_t outlen)
{
	uint8_t salt[KH_SHA1_LEN], mac[KH_SHA1_LEN];
	char s64[32], m64[32];
	int err;

	cry_random(salt, sizeof(salt));
	err = cry_hmac(CRY_SHA1, salt, sizeof(salt), name, strlen(name), mac);
	if (err == 0 && (cry_base64_encode(s64, sizeof(s64), salt, sizeof(salt), 1) < 0 ||
			 cry_base64_encode(m64, sizeof(m64), mac, sizeof(mac), 1) < 0 ||
			 snprintf(out, outlen, "%s%s|%s", kh_hash_magic, s64, m64) >= (int)outlen)) {
		err = SSHTUN_ERR_TOO_LONG;
	}
	return err;
}

int kh_add(const char *file, const char *host, int port, const struct pubkey *key, int hashed)
{
	char name[KH_NAME_MAX], b64[(PK_BLOB_MAX + 2) / 3 * 4 + 1];
	struct wire_w line;
	struct stat st;
	uint8_t last = '\n';
	int fd = -1, err;

	if (!file || !key || key->type == PK_NONE || key->bloblen == 0) {
		return SSHTUN_ERR_INVAL;
	}
	err = kh_hostname(name, sizeof(name), host, port);
	if (err == 0 && hashed) {
		char plain[KH_NAME_MAX];

		memcpy(plain, name, sizeof(plain));
		err = kh_hash_name(plain, name, sizeof(name));
	}
	if (err) {
		return err;
	}
	if (cry_base64_encode(b64, sizeof(b64), key->blob, key->bloblen, 1) < 0) {
		return SSHTUN_ERR_INVAL;
	}
	wire_w_init(&line, 0);
	err = kh_make_dir(file);
	if (err) {
		goto out;
	}
	fd = open(file, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0 || fstat(fd, &st) != 0) {
		err = SSHTUN_ERR_SYS;
		goto out;
	}
	/* If the last line lacks its newline, end it first so the entries stay apart. */
	if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1) {
		err = SSHTUN_ERR_SYS;
		goto out;
	}
	if (last != '\n') {
		wire_put_u8(&line, '\n');
	}
	wire_put_raw(&line, name, strlen(name));
	wire_put_u8(&line, ' ');
	wire_put_raw(&line, pubkey_type_name(key->type), strlen(pubkey_type_name(key->type)));
	wire_put_u8(&line, ' ');
	wire_put_raw(&line, b64, strlen(b64));
	wire_put_u8(&line, '\n');
	err = wire_w_err(&line);
	if (err == 0) {
		err = kh_write_all(fd, line.p, line.len);
	}
out:
	if (fd >= 0 && close(fd) != 0 && err == 0) {
		err = SSHTUN_ERR_SYS;
	}
	wire_w_free(&line);
	return err;
}
