/* sshtun: the tunnel's DNS through systemd-resolved, resolvconf or /etc/resolv.conf, undone exactly (dns.h). */
#include "ssh/dns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ssh/spawn.h"
#include "sshtun_err.h"
#include "util/text.h"
#include "util/wire.h"

#if SSHTUN_DNS

#define DNS_RESOLV_CONF "/etc/resolv.conf"
#define DNS_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define DNS_RESOLVED_SOCKET "/run/systemd/resolve/io.systemd.Resolve"

enum {
	OUT_KEEP = 1024,	/* a program's output kept for the error line */
	TEXT_MAX = 16 * 1024,	/* what we write: 8 servers, 16 names of 253 */
	ARGV_MAX = 3 + (DNS_SERVERS_MAX > DNS_DOMAINS_MAX ? DNS_SERVERS_MAX : DNS_DOMAINS_MAX) + 1,
	TICK_MS = 20,		/* how often a running program is checked on */
	PATH_TEXT_MAX = 1024	/* the PATH given to programs */
};

static const char *conf_path(const struct dns_state *s)
{
	return s->resolv_conf ? s->resolv_conf : DNS_RESOLV_CONF;
}

static const char *search_path(const struct dns_state *s)
{
	return s->path ? s->path : DNS_PATH;
}

/* ---- checking what reaches a program or a file ---- */

/*
 * A domain: labels of letters, digits and '-' (not first), 1-63 long, joined by '.', an optional final '.',
 * at most RCONF_NAME_MAX; after an optional '~' (routing-only), where "~." alone means every name.
 */
static int domain_ok(const char *d)
{
	const char *p = d[0] == '~' ? d + 1 : d;
	size_t n = strnlen(p, RCONF_NAME_MAX + 1), label = 0;

	if (d[0] == '~' && strcmp(p, ".") == 0) {
		return 1;
	}
	if (n == 0 || n > RCONF_NAME_MAX) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c == '.') {
			if (label == 0) {
				return 0;
			}
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			   (c == '-' && label > 0)) {
			if (++label > 63) {
				return 0;
			}
		} else {
			return 0;
		}
	}
	return 1;
}

/* An interface name that is safe as an argument and a file name: letters, digits, '-', '_', '.'; not '-' or '.' first. */
static int ifname_ok(const char *name)
{
	size_t n = strnlen(name, IFNAMSIZ);

	if (n == 0 || n >= IFNAMSIZ || name[0] == '-' || name[0] == '.') {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.')) {
			return 0;
		}
	}
	return 1;
}

/* ---- running a program ---- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Finds name in the absolute directories of the search path: 0 with its path in out, or -1. (posix_spawnp
 * would search the process's PATH, which a test cannot change without changing the process's environment.)
 */
static int find_prog(const struct dns_state *s, const char *name, char *out, size_t outlen)
{
	const char *p = search_path(s);
	struct stat st;

	while (*p) {
		size_t n = strcspn(p, ":");

		if (n > 0 && p[0] == '/' && (size_t)snprintf(out, outlen, "%.*s/%s", (int)n, p, name) < outlen &&
		    stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0) {
			return 0;
		}
		p += n + (p[n] == ':');
	}
	out[0] = '\0';
	return -1;
}

/* The output's lines, trimmed and joined with "; ", made printable: read through the wire reader. */
static void out_line(const uint8_t *out, size_t n, char *line, size_t linelen)
{
	struct wire_r r;
	struct wire_view v;
	char joined[OUT_KEEP + 64];
	size_t len = 0;

	wire_r_init(&r, out, n);
	while (text_line(&r, &v, 1) == 1) {
		struct wire_r lr;
		struct wire_view t;

		wire_r_init(&lr, v.p, v.n);
		text_skip_blanks(&lr);
		wire_get_raw(&lr, wire_left(&lr), &t);
		if (t.n == 0) {
			continue;
		}
		if (len > 0 && len + 2 < sizeof(joined)) {
			memcpy(joined + len, "; ", 2);
			len += 2;
		}
		if (t.n > sizeof(joined) - len) {
			t.n = sizeof(joined) - len;
		}
		memcpy(joined + len, t.p, t.n);
		len += t.n;
	}
	lg_sanitize(line, linelen, joined, len);
}

/* "resolvectl dns lo 198.18.0.53" for log lines (the arguments are checked values). */
static void argv_text(char *const argv[], char *out, size_t outlen)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; argv[i] && len < outlen; i++) {
		int k = snprintf(out + len, outlen - len, "%s%s", i ? " " : "", argv[i]);

		len += k > 0 ? (size_t)k : 0;
	}
}

/* Reads what the pipe holds now (non-blocking), keeping the first OUT_KEEP bytes; *eof at its end. */
static void drain(int fd, uint8_t *out, size_t *outlen, int *eof)
{
	uint8_t scratch[512];
	ssize_t n;

	for (;;) {
		n = read(fd, scratch, sizeof(scratch));
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			return;
		}
		if (n <= 0) {
			*eof = 1;
			return;
		}
		if (*outlen < OUT_KEEP) {
			size_t k = (size_t)n < OUT_KEEP - *outlen ? (size_t)n : OUT_KEEP - *outlen;

			memcpy(out + *outlen, scratch, k);
			*outlen += k;
		}
	}
}

/*
 * Runs prog with argv (argv[0] the program's name) and in on its stdin (or /dev/null), no shell, a fixed
 * environment, in a process group of its own; its stdout and stderr are kept (the first OUT_KEEP bytes).
 * 0 if it exits with status 0. Otherwise SSHTUN_ERR_DNS and one line at level: the command, how it ended,
 * its output. A program still running at the timeout is killed, with its group.
 */
static int run(const struct dns_state *s, const struct lg *log, int level, const char *prog, char *const argv[],
	       const uint8_t *in, size_t inlen)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char pathvar[PATH_TEXT_MAX], cmd[512], why[64] = "", line[OUT_KEEP + 64];
	char *envp[] = { pathvar, (char *)"LC_ALL=C", NULL };
	int inp[2] = { -1, -1 }, outp[2] = { -1, -1 }, status = 0, eof = 0, e, rc;
	unsigned timeout = s->timeout_ms ? s->timeout_ms : DNS_TIMEOUT_MS;
	uint8_t out[OUT_KEEP];
	size_t outlen = 0;
	long long deadline;
	pid_t pid = -1, w;
	ssize_t n;

	argv_text(argv, cmd, sizeof(cmd));
	if ((size_t)snprintf(pathvar, sizeof(pathvar), "PATH=%s", search_path(s)) >= sizeof(pathvar)) {
		LG_E(log, "dns: cannot run %s: the search path is too long", argv[0]);
		return SSHTUN_ERR_DNS;
	}
	if (pipe2(outp, O_CLOEXEC | O_NONBLOCK) != 0 || (in && pipe2(inp, O_CLOEXEC) != 0)) {
		e = errno;
		LG_E(log, "dns: cannot run %s: pipe: %s", cmd, strerror(e));
		goto fail_pipes;
	}
	/*
	 * The input goes into the pipe before the program starts, so writing it can neither block nor raise
	 * SIGPIPE; it is small (TEXT_MAX), a pipe holds 64 KiB.
	 */
	if (in) {
		(void)fcntl(inp[1], F_SETPIPE_SZ, TEXT_MAX);	/* in case pipes were limited to a page */
		(void)fcntl(inp[1], F_SETFL, O_NONBLOCK);
		n = write(inp[1], in, inlen);
		if (n < 0 || (size_t)n != inlen) {
			e = n < 0 ? errno : EMSGSIZE;
			LG_E(log, "dns: cannot run %s: writing its input: %s", cmd, strerror(e));
			goto fail_pipes;
		}
		close(inp[1]);
		inp[1] = -1;
	}
	if (posix_spawn_file_actions_init(&fa) != 0) {
		LG_E(log, "dns: cannot run %s: out of memory", cmd);
		goto fail_pipes;
	}
	/* Signals as a fresh program expects them (the caller may block or ignore some); a group of its own. */
	if (spawn_attr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		LG_E(log, "dns: cannot run %s: out of memory", cmd);
		goto fail_pipes;
	}
	rc = in ? posix_spawn_file_actions_adddup2(&fa, inp[0], 0) :
		  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	rc = rc ? rc : posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	rc = rc ? rc : posix_spawn_file_actions_adddup2(&fa, outp[1], 2);
	rc = rc ? rc : spawn_close_from(&fa, 3);
	rc = rc ? rc : posix_spawn(&pid, prog, &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(outp[1]);
	outp[1] = -1;
	if (inp[0] >= 0) {
		close(inp[0]);
		inp[0] = -1;
	}
	if (rc != 0) {
		LG_E(log, "dns: cannot run %s (%s): %s", cmd, prog, strerror(rc));
		goto fail_pipes;
	}
	deadline = now_ms() + timeout;
	for (;;) {
		struct pollfd pfd = { .fd = outp[0], .events = POLLIN, .revents = 0 };
		long long left = deadline - now_ms();

		(void)poll(&pfd, eof ? 0 : 1, (int)(left < TICK_MS ? (left > 0 ? left : 0) : TICK_MS));
		if (!eof) {
			drain(outp[0], out, &outlen, &eof);
		}
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			if (!eof) {
				drain(outp[0], out, &outlen, &eof);	/* what it left in the pipe */
			}
			break;
		}
		if (w < 0 && errno != EINTR) {
			e = errno;
			LG_E(log, "dns: %s: cannot wait for it: %s", cmd, strerror(e));
			close(outp[0]);
			return SSHTUN_ERR_DNS;
		}
		if (now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
			}
			snprintf(why, sizeof(why), "killed after %u ms", timeout);
			break;
		}
	}
	close(outp[0]);
	if (!why[0] && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		return 0;
	}
	if (!why[0] && WIFEXITED(status)) {
		snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(status));
	} else if (!why[0] && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
		snprintf(why, sizeof(why), "killed by SIGSYS: a system call TunnelSeccomp's filter refuses");
	} else if (!why[0]) {
		snprintf(why, sizeof(why), "killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
	out_line(out, outlen, line, sizeof(line));
	lg_printf(log, level, "dns: %s failed (%s)%s%s", cmd, why, line[0] ? ": " : "", line);
	return SSHTUN_ERR_DNS;

fail_pipes:
	for (int i = 0; i < 2; i++) {
		if (inp[i] >= 0) {
			close(inp[i]);
		}
		if (outp[i] >= 0) {
			close(outp[i]);
		}
	}
	return SSHTUN_ERR_DNS;
}

/* ---- (a) systemd-resolved ---- */

/*
 * Whether systemd-resolved runs: its varlink socket accepts a connection. That the socket file exists proves
 * nothing (it stays when the service stops), and /etc/resolv.conf naming 127.0.0.53 says what the file says,
 * not that anyone answers there; a connection does, and it is what resolvectl itself needs.
 */
static int resolved_running(const struct dns_state *s)
{
	const char *path = s->resolved_socket ? s->resolved_socket : DNS_RESOLVED_SOCKET;
	struct sockaddr_un sa;
	int fd, ok;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		return 0;
	}
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		return 0;
	}
	/* EAGAIN: a full backlog, so someone listens. */
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno == EAGAIN;
	close(fd);
	return ok;
}

static int revert_resolved(struct dns_state *s, const struct lg *log, int level)
{
	char *argv[] = { (char *)"resolvectl", (char *)"revert", s->ifname, NULL };

	return run(s, log, level, s->prog, argv, NULL, 0);
}

static int apply_resolved(struct dns_state *s, char addrs[][INET6_ADDRSTRLEN], unsigned nservers,
			  const char (*domains)[RCONF_NAME_MAX + 2], unsigned ndomains, const struct lg *log)
{
	char *argv[ARGV_MAX];
	int rc = 0;

	argv[0] = (char *)"resolvectl";
	argv[2] = s->ifname;
	if (nservers > 0) {
		argv[1] = (char *)"dns";
		for (unsigned i = 0; i < nservers; i++) {
			argv[3 + i] = addrs[i];
		}
		argv[3 + nservers] = NULL;
		rc = run(s, log, LG_ERROR, s->prog, argv, NULL, 0);
	}
	if (rc == 0 && ndomains > 0) {
		argv[1] = (char *)"domain";
		for (unsigned i = 0; i < ndomains; i++) {
			argv[3 + i] = (char *)domains[i];
		}
		argv[3 + ndomains] = NULL;
		rc = run(s, log, LG_ERROR, s->prog, argv, NULL, 0);
	}
	if (rc != 0) {
		(void)revert_resolved(s, log, LG_DEBUG1);	/* leave nothing half set */
	}
	return rc;
}

/* ---- (b) resolvconf ---- */

static int resolvconf_del(struct dns_state *s, const struct lg *log, int level)
{
	char rec[IFNAMSIZ + 8];
	char *argv[] = { (char *)"resolvconf", (char *)"-d", rec, NULL };

	snprintf(rec, sizeof(rec), "%s.sshtun", s->ifname);
	return run(s, log, level, s->prog, argv, NULL, 0);
}

static int apply_resolvconf(struct dns_state *s, const uint8_t *text, size_t len, const struct lg *log)
{
	char rec[IFNAMSIZ + 8];
	char *argv[] = { (char *)"resolvconf", (char *)"-a", rec, NULL };
	int rc;

	snprintf(rec, sizeof(rec), "%s.sshtun", s->ifname);
	rc = run(s, log, LG_ERROR, s->prog, argv, text, len);
	if (rc != 0) {
		(void)resolvconf_del(s, log, LG_DEBUG1);	/* -a may have stored the record before failing */
	}
	return rc;
}

/* ---- (c) resolv.conf itself ---- */

/*
 * Reads the regular file at path (not through a link) whole: 0 with a heap copy, -1 with errno set (EFBIG
 * past DNS_FILE_MAX). Its bytes are kept and compared, never interpreted, so they need no parsing.
 */
static int read_file(const char *path, uint8_t **out, size_t *outlen, struct stat *st)
{
	uint8_t *buf;
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), e;

	*out = NULL;
	*outlen = 0;
	if (fd < 0) {
		return -1;
	}
	if (fstat(fd, st) != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	buf = malloc(DNS_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	while (len <= DNS_FILE_MAX && (n = read(fd, buf + len, DNS_FILE_MAX + 1 - len)) != 0) {
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			e = errno;
			free(buf);
			close(fd);
			errno = e;
			return -1;
		}
		len += (size_t)n;
	}
	close(fd);
	if (len > DNS_FILE_MAX) {
		free(buf);
		errno = EFBIG;
		return -1;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* A name in path's directory for a file of ours: "DIR/.BASE.sshtun-XXXXXX". */
static int temp_name(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;

	return (size_t)snprintf(out, outlen, "%.*s.%s.sshtun-XXXXXX", dirlen, path, slash ? slash + 1 : path) <
			       outlen ? 0 : -1;
}

/* Rewrites the existing file path with data (truncated first). 0, or -1 with errno. */
static int write_in_place(const char *path, const uint8_t *data, size_t len)
{
	size_t done = 0;
	ssize_t n;
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW), e;

	if (fd < 0) {
		return -1;
	}
	while (done < len) {
		n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			e = errno ? errno : EIO;
			close(fd);
			errno = e;
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd);
}

/*
 * Writes data as path atomically: a temp file beside it with mode and owner, then rename (in place where path is
 * a mount point). 0, or -1 with errno.
 */
static int write_atomic(const char *path, const uint8_t *data, size_t len, mode_t mode, uid_t uid, gid_t gid)
{
	char tmp[PATH_MAX];
	size_t done = 0;
	ssize_t n;
	int fd, e;

	if (temp_name(path, tmp, sizeof(tmp)) != 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	/* A chown that changes nothing may fail harmlessly (no CAP_CHOWN); one that does must not. */
	if (fchown(fd, uid, gid) != 0 && (uid != geteuid() || gid != getegid())) {
		goto fail;
	}
	if (fchmod(fd, mode) != 0) {
		goto fail;
	}
	while (done < len) {
		n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			goto fail;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		if (errno != EBUSY) {
			goto fail;
		}
		/*
		 * path is a mount point (`ip netns exec` bind-mounts /etc/netns/NAME/resolv.conf over it, containers
		 * do the same): it cannot be replaced, only rewritten in place.
		 */
		unlink(tmp);
		return write_in_place(path, data, len);
	}
	return 0;
fail:
	e = errno ? errno : EIO;
	if (fd >= 0) {
		close(fd);
	}
	unlink(tmp);
	errno = e;
	return -1;
}

/* Puts the symbolic link back atomically: a link under a fresh name beside path, then rename. */
static int link_atomic(const char *path, const char *target, uid_t uid, gid_t gid)
{
	char tmp[PATH_MAX];
	int fd, e;

	for (int tries = 0; tries < 8; tries++) {
		if (temp_name(path, tmp, sizeof(tmp)) != 0) {
			errno = ENAMETOOLONG;
			return -1;
		}
		/* mkostemp picks a free name; the link takes it (EEXIST if someone else did meanwhile: again). */
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0) {
			return -1;
		}
		close(fd);
		unlink(tmp);
		if (symlink(target, tmp) == 0) {
			(void)lchown(tmp, uid, gid);
			if (rename(tmp, path) == 0) {
				return 0;
			}
			e = errno;
			unlink(tmp);
			errno = e;
			return -1;
		}
		if (errno != EEXIST) {
			return -1;
		}
	}
	errno = EEXIST;
	return -1;
}

static void file_forget(struct dns_state *s)
{
	free(s->old);
	free(s->ours);
	s->old = s->ours = NULL;
	s->old_len = s->ours_len = 0;
	s->had_file = s->was_link = 0;
	s->link_target[0] = '\0';
}

static int apply_file(struct dns_state *s, const uint8_t *text, size_t len, const struct lg *log)
{
	const char *path = conf_path(s);
	struct stat st;
	ssize_t n;
	int e;

	if (lstat(path, &st) != 0) {
		e = errno;
		if (e != ENOENT) {
			LG_E(log, "dns: cannot look at %s: %s", path, strerror(e));
			return SSHTUN_ERR_DNS;
		}
		s->had_file = 0;
	} else if (S_ISLNK(st.st_mode)) {
		n = readlink(path, s->link_target, sizeof(s->link_target));
		if (n <= 0 || (size_t)n >= sizeof(s->link_target)) {
			e = n < 0 ? errno : ENAMETOOLONG;
			LG_E(log, "dns: cannot read the link %s: %s", path, strerror(e));
			s->link_target[0] = '\0';
			return SSHTUN_ERR_DNS;
		}
		s->link_target[n] = '\0';
		s->had_file = s->was_link = 1;
		s->uid = st.st_uid;
		s->gid = st.st_gid;
	} else if (read_file(path, &s->old, &s->old_len, &st) == 0) {
		s->had_file = 1;
		s->mode = st.st_mode & 07777;
		s->uid = st.st_uid;
		s->gid = st.st_gid;
	} else {
		e = errno;
		LG_E(log, "dns: cannot keep %s to put it back later: %s", path,
		     e == EFBIG ? "larger than 64 KiB" : e == EINVAL ? "not a regular file" : strerror(e));
		return SSHTUN_ERR_DNS;
	}
	s->ours = malloc(len ? len : 1);
	if (!s->ours) {
		file_forget(s);
		return SSHTUN_ERR_NOMEM;
	}
	memcpy(s->ours, text, len);
	s->ours_len = len;
	/*
	 * Ours keeps the owner of the file it replaces (root's stays root's even when the process is no longer root:
	 * cli/privdrop.c keeps CAP_CHOWN and CAP_FOWNER for this); with none there, ours.
	 */
	if (write_atomic(path, text, len, 0644, s->had_file ? s->uid : geteuid(), s->had_file ? s->gid : getegid()) != 0) {
		e = errno;
		LG_E(log, "dns: cannot write %s: %s", path, strerror(e));
		file_forget(s);
		return SSHTUN_ERR_DNS;
	}
	return 0;
}

static int restore_file(struct dns_state *s, const struct lg *log)
{
	const char *path = conf_path(s);
	uint8_t *now = NULL;
	size_t nowlen = 0;
	struct stat st;
	int rc = 0, e, same;

	same = read_file(path, &now, &nowlen, &st) == 0 && nowlen == s->ours_len &&
	       memcmp(now, s->ours, nowlen) == 0;
	free(now);
	if (!same) {
		LG_W(log, "dns: %s changed since sshtun wrote it; left as it is (the one from before is not put back)",
		     path);
		return 0;
	}
	if (!s->had_file) {
		rc = unlink(path);
	} else if (s->was_link) {
		rc = link_atomic(path, s->link_target, s->uid, s->gid);
	} else {
		rc = write_atomic(path, s->old, s->old_len, s->mode, s->uid, s->gid);
	}
	if (rc != 0) {
		e = errno;
		LG_E(log, "dns: cannot put %s back: %s", path, strerror(e));
		return SSHTUN_ERR_DNS;
	}
	return 0;
}

/* ---- the API ---- */

/* "nameserver" lines, then one "search" line of the search (not routing-only) domains; after a header if given. */
static void write_conf(struct wire_w *w, const char *header, char addrs[][INET6_ADDRSTRLEN], unsigned nservers,
		       const char (*domains)[RCONF_NAME_MAX + 2], unsigned ndomains)
{
	int search = 0;

	if (header) {
		wire_put_raw(w, header, strlen(header));
	}
	for (unsigned i = 0; i < nservers; i++) {
		wire_put_raw(w, "nameserver ", 11);
		wire_put_raw(w, addrs[i], strlen(addrs[i]));
		wire_put_raw(w, "\n", 1);
	}
	for (unsigned i = 0; i < ndomains; i++) {
		if (domains[i][0] == '~') {
			continue;
		}
		wire_put_raw(w, search ? " " : "search ", search ? 1 : 7);
		wire_put_raw(w, domains[i], strlen(domains[i]));
		search = 1;
	}
	if (search) {
		wire_put_raw(w, "\n", 1);
	}
}

static int nsearch(const char (*domains)[RCONF_NAME_MAX + 2], unsigned ndomains)
{
	int n = 0;

	for (unsigned i = 0; i < ndomains; i++) {
		n += domains[i][0] != '~';
	}
	return n;
}

int dns_apply(struct dns_state *s, const char *ifname, int ifindex, const struct tun_addr *servers,
	      unsigned nservers, const char (*domains)[RCONF_NAME_MAX + 2], unsigned ndomains, const struct lg *log)
{
	char addrs[DNS_SERVERS_MAX][INET6_ADDRSTRLEN], header[128];
	struct wire_w w;
	const char *how;
	int rc;

	if (s->method != DNS_NONE) {
		return SSHTUN_ERR_STATE;
	}
	if (!ifname || !ifname_ok(ifname) || ifindex < 0 || nservers > DNS_SERVERS_MAX ||
	    ndomains > DNS_DOMAINS_MAX || (nservers && !servers) || (ndomains && !domains)) {
		LG_E(log, "dns: refused: a bad interface name, or too many servers or domains");
		return SSHTUN_ERR_CONFIG;
	}
	if (ifindex > 0 && if_nametoindex(ifname) != (unsigned)ifindex) {
		LG_E(log, "dns: %s is not ifindex %d", ifname, ifindex);
		return SSHTUN_ERR_INVAL;
	}
	for (unsigned i = 0; i < nservers; i++) {
		struct tun_addr a = servers[i];

		if (a.family != AF_INET && a.family != AF_INET6) {
			LG_E(log, "dns: refused: server %u is not an address", i + 1);
			return SSHTUN_ERR_CONFIG;
		}
		a.prefix = -1;
		tun_addr_format(addrs[i], sizeof(addrs[i]), &a);
	}
	for (unsigned i = 0; i < ndomains; i++) {
		if (!domain_ok(domains[i])) {
			char shown[64];

			lg_sanitize(shown, sizeof(shown), domains[i], strnlen(domains[i], RCONF_NAME_MAX + 2));
			LG_E(log, "dns: refused: \"%s\" is not a domain name", shown);
			return SSHTUN_ERR_CONFIG;
		}
	}
	if (nservers == 0 && ndomains == 0) {
		return 0;
	}
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->ifindex = ifindex;
	wire_w_init(&w, TEXT_MAX);
	if (resolved_running(s) && find_prog(s, "resolvectl", s->prog, sizeof(s->prog)) == 0) {
		how = "resolvectl";
		rc = apply_resolved(s, addrs, nservers, domains, ndomains, log);
		s->method = rc == 0 ? DNS_RESOLVED : DNS_NONE;
	} else if (find_prog(s, "resolvconf", s->prog, sizeof(s->prog)) == 0) {
		how = "resolvconf";
		write_conf(&w, NULL, addrs, nservers, domains, ndomains);
		if (nservers == 0 && nsearch(domains, ndomains) == 0) {
			rc = 0;	/* routing-only domains alone: nothing resolvconf can take */
		} else if ((rc = wire_w_err(&w)) == 0) {
			rc = apply_resolvconf(s, w.p, w.len, log);
			s->method = rc == 0 ? DNS_RESOLVCONF : DNS_NONE;
		}
	} else {
		how = conf_path(s);
		snprintf(header, sizeof(header), "# Written by sshtun for %s; the file before it comes back when the "
			 "tunnel closes.\n", ifname);
		write_conf(&w, header, addrs, nservers, domains, ndomains);
		if (nservers == 0) {
			rc = 0;	/* a resolv.conf of search lines alone would lose every server */
		} else if ((rc = wire_w_err(&w)) == 0) {
			rc = apply_file(s, w.p, w.len, log);
			s->method = rc == 0 ? DNS_FILE : DNS_NONE;
		}
	}
	wire_w_free(&w);
	if (rc != 0) {
		return rc;
	}
	if (s->method == DNS_NONE) {
		LG_D1(log, "dns: nothing applied through %s: no servers, and its domains are routing-only or need "
		      "servers there", how);
	} else {
		LG_D1(log, "dns: %u servers and %u domains for %s through %s", nservers, ndomains, ifname, how);
	}
	return 0;
}

int dns_method_now(const struct dns_state *s)
{
	char prog[sizeof(s->prog)];

	if (resolved_running(s) && find_prog(s, "resolvectl", prog, sizeof(prog)) == 0) {
		return DNS_RESOLVED;
	}
	return find_prog(s, "resolvconf", prog, sizeof(prog)) == 0 ? DNS_RESOLVCONF : DNS_FILE;
}

int dns_restore(struct dns_state *s, const struct lg *log)
{
	int rc = 0;

	switch (s->method) {
	case DNS_RESOLVED:
		/* resolved forgets a link's settings with the link: nothing to revert once it is gone. */
		if (s->ifindex > 0 && if_nametoindex(s->ifname) != (unsigned)s->ifindex) {
			LG_D1(log, "dns: %s (ifindex %d) is gone, and its DNS settings with it", s->ifname, s->ifindex);
		} else {
			rc = revert_resolved(s, log, LG_ERROR);
		}
		break;
	case DNS_RESOLVCONF:
		rc = resolvconf_del(s, log, LG_ERROR);
		break;
	case DNS_FILE:
		rc = restore_file(s, log);
		break;
	default:
		break;
	}
	if (s->method != DNS_NONE && rc == 0) {
		LG_D1(log, "dns: settings for %s undone", s->ifname);
	}
	file_forget(s);
	s->method = DNS_NONE;
	s->prog[0] = '\0';
	return rc;
}
#endif /* SSHTUN_DNS */
