/*
 * sshtun: unit tests of ssh/dns.c. Everything happens in a temp dir: the resolv.conf is a file there, the
 * programs are scripts there (the module's search path is that dir alone) that record their arguments, their
 * environment and their input, and systemd-resolved "runs" when a socket there listens. The system's own
 * resolv.conf, resolvectl and resolvconf are never touched.
 */
#include "tests/unit/testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ssh/dns.h"

#if SSHTUN_DNS

/* ---- fixture ---- */

struct fx {
	char dir[64];
	char bin[96];
	char conf[96];
	char sock[96];
	char calls[96];		/* what the scripts record */
	int listen_fd;
	struct dns_state s;
	char log[8192];		/* every log line, one per line */
	struct lg lg;
};

static void log_fn(void *ud, int level, const char *msg)
{
	struct fx *f = ud;
	size_t len = strlen(f->log);

	(void)level;
	snprintf(f->log + len, sizeof(f->log) - len, "%s\n", msg);
}

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/sshtun-dns.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->bin, sizeof(f->bin), "%s/bin", f->dir);
	snprintf(f->conf, sizeof(f->conf), "%s/resolv.conf", f->dir);
	snprintf(f->sock, sizeof(f->sock), "%s/resolved.sock", f->dir);
	snprintf(f->calls, sizeof(f->calls), "%s/calls", f->dir);
	assert_int_equal(mkdir(f->bin, 0755), 0);
	f->listen_fd = -1;
	f->s.resolv_conf = f->conf;
	f->s.path = f->bin;
	f->s.resolved_socket = f->sock;
	f->s.timeout_ms = 3000;
	f->lg.fn = log_fn;
	f->lg.ud = f;
	f->lg.level = LG_DEBUG3;
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	char cmd[160];

	(void)dns_restore(&f->s, NULL);
	if (f->listen_fd >= 0) {
		close(f->listen_fd);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void write_bytes(const char *path, const void *p, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* The file's bytes (NUL-terminated in buf), or -1 if it cannot be read. */
static ssize_t read_bytes(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		buf[0] = '\0';
		return -1;
	}
	n = read(fd, buf, len - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return n;
}

/* A fake program NAME in the fixture's bin: records "NAME [arg]..." and runs extra (shell text) after. */
static void script(struct fx *f, const char *name, const char *extra)
{
	char path[160], text[2048];
	int n;

	snprintf(path, sizeof(path), "%s/%s", f->bin, name);
	n = snprintf(text, sizeof(text),
		     "#!/bin/sh\n"
		     "{ printf '%%s' '%s'; for a in \"$@\"; do printf ' [%%s]' \"$a\"; done; printf '\\n'; } >> '%s'\n"
		     "%s\n"
		     "exit 0\n",
		     name, f->calls, extra ? extra : "");
	assert_true(n > 0 && (size_t)n < sizeof(text));
	write_bytes(path, text, (size_t)n, 0755);
}

/* What the scripts recorded ("" if none ran). */
static const char *calls(struct fx *f)
{
	static char buf[8192];

	if (read_bytes(f->calls, buf, sizeof(buf)) < 0) {
		buf[0] = '\0';
	}
	return buf;
}

static void resolved_listens(struct fx *f, int listening)
{
	struct sockaddr_un sa;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->sock);
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(f->listen_fd >= 0);
	assert_int_equal(bind(f->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (listening) {
		assert_int_equal(listen(f->listen_fd, 8), 0);
	}
}

/* Entries in the fixture dir other than bin, the socket and calls: the conf files a test made, and no temp files. */
static int dir_entries(struct fx *f)
{
	char cmd[160], out[64];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -v -x -e bin -e resolved.sock -e calls | wc -l", f->dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (fgets(out, sizeof(out), p)) {
		n = atoi(out);
	}
	pclose(p);
	return n;
}

static struct tun_addr A(const char *s)
{
	struct tun_addr a;

	assert_int_equal(tun_addr_parse(&a, s), 0);
	return a;
}

/* The servers and domains most tests apply. */
static struct tun_addr servers[2];
static char domains[3][RCONF_NAME_MAX + 2];

static int apply(struct fx *f, unsigned nservers, unsigned ndomains)
{
	servers[0] = A("198.18.0.53");
	servers[1] = A("fd00::53/64");	/* the prefix is not written */
	snprintf(domains[0], sizeof(domains[0]), "example.test");
	snprintf(domains[1], sizeof(domains[1]), "~corp.test");
	snprintf(domains[2], sizeof(domains[2]), "b.test");
	return dns_apply(&f->s, "lo", 1, servers, nservers, (const char (*)[RCONF_NAME_MAX + 2])domains, ndomains,
			 &f->lg);
}

static const char OURS[] = "# Written by sshtun for lo; the file before it comes back when the tunnel closes.\n"
			   "nameserver 198.18.0.53\n"
			   "nameserver fd00::53\n"
			   "search example.test b.test\n";

/* ---- (c) resolv.conf ---- */

static void test_file_plain(void **state)
{
	struct fx *f = *state;
	static const char old[] = "nameserver 192.0.2.1\r\nsearch old.example\n\n# no newline at the end\t";
	char buf[4096];
	struct stat st;

	write_bytes(f->conf, old, sizeof(old) - 1, 0600);
	assert_int_equal(apply(f, 2, 3), 0);
	assert_int_equal(f->s.method, DNS_FILE);
	assert_int_equal(read_bytes(f->conf, buf, sizeof(buf)), (ssize_t)strlen(OURS));
	assert_string_equal(buf, OURS);
	assert_int_equal(lstat(f->conf, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(dir_entries(f), 1);	/* no temp file left beside it */
	assert_string_equal(calls(f), "");
	/* A second apply without a restore is a caller's mistake. */
	assert_int_equal(apply(f, 2, 3), SSHTUN_ERR_STATE);
	/* Restored byte for byte, with its mode; a second restore does nothing. */
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_int_equal(f->s.method, DNS_NONE);
	assert_int_equal(read_bytes(f->conf, buf, sizeof(buf)), (ssize_t)sizeof(old) - 1);
	assert_memory_equal(buf, old, sizeof(old) - 1);
	assert_int_equal(lstat(f->conf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(dir_entries(f), 1);
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_int_equal(read_bytes(f->conf, buf, sizeof(buf)), (ssize_t)sizeof(old) - 1);
	assert_null(strstr(f->log, "changed"));
}

static void test_file_symlink(void **state)
{
	struct fx *f = *state;
	static const char real[] = "nameserver 192.0.2.9\n";
	char buf[4096], real_path[160];
	struct stat st;
	ssize_t n;

	snprintf(real_path, sizeof(real_path), "%s/real.conf", f->dir);
	write_bytes(real_path, real, sizeof(real) - 1, 0644);
	assert_int_equal(symlink("real.conf", f->conf), 0);
	assert_int_equal(apply(f, 2, 3), 0);
	/* The link is replaced by our file; its target is not written through. */
	assert_int_equal(lstat(f->conf, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(read_bytes(f->conf, buf, sizeof(buf)), (ssize_t)strlen(OURS));
	assert_int_equal(read_bytes(real_path, buf, sizeof(buf)), (ssize_t)sizeof(real) - 1);
	assert_string_equal(buf, real);
	/* Back as the same link. */
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_int_equal(lstat(f->conf, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(f->conf, buf, sizeof(buf) - 1);
	assert_int_equal(n, 9);
	buf[n] = '\0';
	assert_string_equal(buf, "real.conf");
	assert_int_equal(read_bytes(real_path, buf, sizeof(buf)), (ssize_t)sizeof(real) - 1);
	assert_int_equal(dir_entries(f), 2);
	/* A dangling link (the target of a stopped service) is put back as well. */
	assert_int_equal(unlink(f->conf), 0);
	assert_int_equal(symlink("/nonexistent/stub-resolv.conf", f->conf), 0);
	assert_int_equal(apply(f, 1, 0), 0);
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	n = readlink(f->conf, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "/nonexistent/stub-resolv.conf");
}

static void test_file_changed_meanwhile(void **state)
{
	struct fx *f = *state;
	static const char old[] = "nameserver 192.0.2.1\n", other[] = "nameserver 192.0.2.77\n";
	char buf[4096];
	struct stat st;

	write_bytes(f->conf, old, sizeof(old) - 1, 0644);
	assert_int_equal(apply(f, 2, 3), 0);
	/* Someone else writes it while the tunnel is up: theirs stays. */
	write_bytes(f->conf, other, sizeof(other) - 1, 0644);
	f->log[0] = '\0';
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_non_null(strstr(f->log, "changed since sshtun wrote it; left as it is"));
	assert_non_null(strstr(f->log, f->conf));
	read_bytes(f->conf, buf, sizeof(buf));
	assert_string_equal(buf, other);
	assert_int_equal(f->s.method, DNS_NONE);
	/* Removed meanwhile: it stays removed. */
	assert_int_equal(apply(f, 1, 0), 0);
	assert_int_equal(unlink(f->conf), 0);
	f->log[0] = '\0';
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_non_null(strstr(f->log, "changed since"));
	assert_int_equal(lstat(f->conf, &st), -1);
	/* Replaced by a link to a file with our very bytes: not ours either. */
	write_bytes(f->conf, old, sizeof(old) - 1, 0644);
	assert_int_equal(apply(f, 2, 3), 0);
	snprintf(buf, sizeof(buf), "%s/copy", f->dir);
	write_bytes(buf, OURS, strlen(OURS), 0644);
	assert_int_equal(unlink(f->conf), 0);
	assert_int_equal(symlink("copy", f->conf), 0);
	f->log[0] = '\0';
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_non_null(strstr(f->log, "changed since"));
	assert_int_equal(lstat(f->conf, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
}

static void test_file_absent_and_limits(void **state)
{
	struct fx *f = *state;
	char buf[4096], *big;
	struct stat st;

	/* None before: ours while up, none after. */
	assert_int_equal(apply(f, 2, 3), 0);
	assert_int_equal(read_bytes(f->conf, buf, sizeof(buf)), (ssize_t)strlen(OURS));
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_int_equal(lstat(f->conf, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* Only routing-only domains, or no servers: a resolv.conf without servers would lose them all. */
	write_bytes(f->conf, "x\n", 2, 0644);
	assert_int_equal(apply(f, 0, 3), 0);
	assert_int_equal(f->s.method, DNS_NONE);
	read_bytes(f->conf, buf, sizeof(buf));
	assert_string_equal(buf, "x\n");
	/* Larger than can be kept: refused, left alone. */
	big = malloc(DNS_FILE_MAX + 1);
	assert_non_null(big);
	memset(big, '#', DNS_FILE_MAX + 1);
	write_bytes(f->conf, big, DNS_FILE_MAX + 1, 0644);
	f->log[0] = '\0';
	assert_int_equal(apply(f, 2, 3), SSHTUN_ERR_DNS);
	assert_non_null(strstr(f->log, "larger than 64 KiB"));
	assert_int_equal(f->s.method, DNS_NONE);
	assert_int_equal(lstat(f->conf, &st), 0);
	assert_int_equal(st.st_size, DNS_FILE_MAX + 1);
	/* Exactly the limit is kept and put back. */
	write_bytes(f->conf, big, DNS_FILE_MAX, 0644);
	assert_int_equal(apply(f, 2, 3), 0);
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_int_equal(lstat(f->conf, &st), 0);
	assert_int_equal(st.st_size, DNS_FILE_MAX);
	free(big);
	/* A directory where the file should be. */
	assert_int_equal(unlink(f->conf), 0);
	assert_int_equal(mkdir(f->conf, 0755), 0);
	f->log[0] = '\0';
	assert_int_equal(apply(f, 2, 3), SSHTUN_ERR_DNS);
	assert_non_null(strstr(f->log, "not a regular file"));
	assert_int_equal(rmdir(f->conf), 0);
	/* Nothing at all to apply: nothing done. */
	assert_int_equal(apply(f, 0, 0), 0);
	assert_int_equal(lstat(f->conf, &st), -1);
}

/* ---- (b) resolvconf ---- */

static const char RECORD_ENV[] = "printf 'env [%s] [%s] [%s]\\n' \"$PATH\" \"$LC_ALL\" \"${HOME-unset}\" >> CALLS";

/* RECORD_ENV with CALLS replaced, plus more shell text. */
static void env_and(struct fx *f, char *out, size_t outlen, const char *more)
{
	const char *at = strstr(RECORD_ENV, "CALLS");

	snprintf(out, outlen, "%.*s'%s'\n%s", (int)(at - RECORD_ENV), RECORD_ENV, f->calls, more ? more : "");
}

static void test_resolvconf(void **state)
{
	struct fx *f = *state;
	char extra[1024], want[1024], buf[256];

	env_and(f, extra, sizeof(extra), "");
	snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
		 "if [ \"$1\" = -a ]; then printf 'stdin<<' >> '%s'; /bin/cat >> '%s'; printf '>>\\n' >> '%s'; fi",
		 f->calls, f->calls, f->calls);
	script(f, "resolvconf", extra);
	write_bytes(f->conf, "keep\n", 5, 0644);
	/* A socket file nobody listens on (resolved stopped) is not a running resolved. */
	resolved_listens(f, 0);
	script(f, "resolvectl", NULL);
	assert_int_equal(apply(f, 2, 3), 0);
	assert_int_equal(f->s.method, DNS_RESOLVCONF);
	snprintf(want, sizeof(want),
		 "resolvconf [-a] [lo.sshtun]\n"
		 "env [%s] [C] [unset]\n"
		 "stdin<<nameserver 198.18.0.53\nnameserver fd00::53\nsearch example.test b.test\n>>\n",
		 f->bin);
	assert_string_equal(calls(f), want);
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
		 "resolvconf [-d] [lo.sshtun]\nenv [%s] [C] [unset]\n", f->bin);
	assert_string_equal(calls(f), want);
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_string_equal(calls(f), want);
	read_bytes(f->conf, buf, sizeof(buf));
	assert_string_equal(buf, "keep\n");
	/* Search domains without servers go to resolvconf; routing-only ones alone do not. */
	assert_int_equal(unlink(f->calls), 0);
	assert_int_equal(apply(f, 0, 1), 0);
	assert_non_null(strstr(calls(f), "stdin<<search example.test\n>>\n"));
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_int_equal(unlink(f->calls), 0);
	snprintf(domains[0], sizeof(domains[0]), "~corp.test");
	assert_int_equal(dns_apply(&f->s, "lo", 1, servers, 0, (const char (*)[RCONF_NAME_MAX + 2])domains, 1,
				   &f->lg), 0);
	assert_int_equal(f->s.method, DNS_NONE);
	assert_string_equal(calls(f), "");
}

/* ---- (a) systemd-resolved ---- */

static void test_resolvectl(void **state)
{
	struct fx *f = *state;
	char buf[256], extra[256];

	/* resolvconf is there too: resolved comes first. Its stdin is empty (/dev/null). */
	snprintf(extra, sizeof(extra), "printf 'stdin [%%s]\\n' \"$(/bin/cat)\" >> '%s'", f->calls);
	script(f, "resolvectl", extra);
	script(f, "resolvconf", NULL);
	resolved_listens(f, 1);
	write_bytes(f->conf, "keep\n", 5, 0644);
	assert_int_equal(apply(f, 2, 2), 0);
	assert_int_equal(f->s.method, DNS_RESOLVED);
	assert_string_equal(calls(f), "resolvectl [dns] [lo] [198.18.0.53] [fd00::53]\nstdin []\n"
				      "resolvectl [domain] [lo] [example.test] [~corp.test]\nstdin []\n");
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_string_equal(calls(f), "resolvectl [dns] [lo] [198.18.0.53] [fd00::53]\nstdin []\n"
				      "resolvectl [domain] [lo] [example.test] [~corp.test]\nstdin []\n"
				      "resolvectl [revert] [lo]\nstdin []\n");
	read_bytes(f->conf, buf, sizeof(buf));
	assert_string_equal(buf, "keep\n");
	/* Only what is given is set: servers alone, domains alone ("~." asks for every name). */
	assert_int_equal(unlink(f->calls), 0);
	assert_int_equal(apply(f, 1, 0), 0);
	assert_string_equal(calls(f), "resolvectl [dns] [lo] [198.18.0.53]\nstdin []\n");
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_int_equal(unlink(f->calls), 0);
	snprintf(domains[0], sizeof(domains[0]), "~.");
	assert_int_equal(dns_apply(&f->s, "lo", 0, servers, 0, (const char (*)[RCONF_NAME_MAX + 2])domains, 1,
				   &f->lg), 0);
	assert_string_equal(calls(f), "resolvectl [domain] [lo] [~.]\nstdin []\n");
	/* The link went away meanwhile (here: the state says another ifindex): nothing left to revert. */
	f->s.ifindex = 99999;
	assert_int_equal(unlink(f->calls), 0);
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_string_equal(calls(f), "");
	assert_non_null(strstr(f->log, "is gone"));
}

/* What dns_apply would take, asked without running anything: the same order (a), (b), (c). */
static void test_method_now(void **state)
{
	struct fx *f = *state;

	assert_int_equal(dns_method_now(&f->s), DNS_FILE);
	script(f, "resolvectl", NULL);
	assert_int_equal(dns_method_now(&f->s), DNS_FILE);	/* resolvectl, but resolved does not answer */
	script(f, "resolvconf", NULL);
	assert_int_equal(dns_method_now(&f->s), DNS_RESOLVCONF);
	resolved_listens(f, 1);
	assert_int_equal(dns_method_now(&f->s), DNS_RESOLVED);
	assert_string_equal(calls(f), "");
}

/* The file written keeps the owner of the one it replaces (root's stays root's when the writer is not root). */
static void test_file_keeps_owner(void **state)
{
	struct fx *f = *state;
	struct stat st;

	if (geteuid() != 0) {
		skip();
	}
	write_bytes(f->conf, "nameserver 192.0.2.1\n", 21, 0644);
	assert_int_equal(chown(f->conf, 65534, 65534), 0);
	assert_int_equal(apply(f, 1, 0), 0);
	assert_int_equal(lstat(f->conf, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	assert_int_equal(st.st_gid, 65534);
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_int_equal(lstat(f->conf, &st), 0);
	assert_int_equal(st.st_uid, 65534);
}

/* ---- failures ---- */

static void test_tool_fails(void **state)
{
	struct fx *f = *state;

	script(f, "resolvectl",
	       "if [ \"$1\" = domain ]; then echo 'Failed to set domain: nope' >&2; echo; echo '  second line ' >&2; "
	       "exit 3; fi");
	resolved_listens(f, 1);
	f->log[0] = '\0';
	assert_int_equal(apply(f, 2, 2), SSHTUN_ERR_DNS);
	assert_int_equal(f->s.method, DNS_NONE);
	/* One line names the command, how it ended and what it said. */
	assert_non_null(strstr(f->log, "dns: resolvectl domain lo example.test ~corp.test failed (exit status 3): "
					"Failed to set domain: nope; second line\n"));
	/* What was set is undone. */
	assert_string_equal(calls(f), "resolvectl [dns] [lo] [198.18.0.53] [fd00::53]\n"
				      "resolvectl [domain] [lo] [example.test] [~corp.test]\n"
				      "resolvectl [revert] [lo]\n");
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_string_equal(calls(f), "resolvectl [dns] [lo] [198.18.0.53] [fd00::53]\n"
				      "resolvectl [domain] [lo] [example.test] [~corp.test]\n"
				      "resolvectl [revert] [lo]\n");
	/* A signal, and output on stdout count too. */
	assert_int_equal(unlink(f->calls), 0);
	script(f, "resolvectl", "echo 'on stdout'; kill -TERM $$");
	f->log[0] = '\0';
	assert_int_equal(apply(f, 1, 0), SSHTUN_ERR_DNS);
	assert_non_null(strstr(f->log, "dns: resolvectl dns lo 198.18.0.53 failed (killed by signal 15): on stdout\n"));
}

static void test_resolvconf_fails_and_hangs(void **state)
{
	struct fx *f = *state;
	struct timespec t0, t1;
	char path[160];
	long ms;

	script(f, "resolvconf", "if [ \"$1\" = -a ]; then /bin/cat > /dev/null; echo 'resolvconf: bad' >&2; exit 1; fi");
	f->log[0] = '\0';
	assert_int_equal(apply(f, 2, 3), SSHTUN_ERR_DNS);
	assert_non_null(strstr(f->log, "dns: resolvconf -a lo.sshtun failed (exit status 1): resolvconf: bad\n"));
	assert_string_equal(calls(f), "resolvconf [-a] [lo.sshtun]\nresolvconf [-d] [lo.sshtun]\n");
	assert_int_equal(f->s.method, DNS_NONE);
	/* A program that does not end is killed at the timeout (with what it started). */
	assert_int_equal(unlink(f->calls), 0);
	script(f, "resolvconf", "if [ \"$1\" = -a ]; then /bin/sleep 30 & /bin/sleep 30; fi");
	f->s.timeout_ms = 300;
	f->log[0] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(apply(f, 2, 3), SSHTUN_ERR_DNS);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 300 && ms < 3000);
	assert_non_null(strstr(f->log, "dns: resolvconf -a lo.sshtun failed (killed after 300 ms)"));
	assert_string_equal(calls(f), "resolvconf [-a] [lo.sshtun]\nresolvconf [-d] [lo.sshtun]\n");
	/* A program that is there but cannot be run (no execute bit) is not taken: the next way is (the file). */
	assert_int_equal(unlink(f->calls), 0);
	snprintf(path, sizeof(path), "%s/resolvconf", f->bin);
	assert_int_equal(chmod(path, 0644), 0);
	f->s.timeout_ms = 3000;
	assert_int_equal(apply(f, 2, 3), 0);
	assert_int_equal(f->s.method, DNS_FILE);
	assert_string_equal(calls(f), "");
}

/* ---- what is refused before anything runs ---- */

static void test_bad_values(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {
		"", "~", "-x.test", "x.-y", "a..b", ".a", "a b", "x;rm", "a/b", "~~a", "~-a", "é.test", "a_b", "..",
		"~..", ".", "x\n",
	};
	static const char *const good[] = { "x", "a-b.c.", "~.", "~corp.test", "9.example", "a-.b" };
	static const char *const badif[] = { "", "-lo", ".lo", "a/b", "lo x", "abcdefghijklmnop", "l;o" };
	char d[1][RCONF_NAME_MAX + 2];
	struct tun_addr many[DNS_SERVERS_MAX + 1];
	char buf[64];

	script(f, "resolvconf", "/bin/cat > /dev/null");
	write_bytes(f->conf, "keep\n", 5, 0644);
	servers[0] = A("198.18.0.53");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(d[0], sizeof(d[0]), "%s", bad[i]);
		assert_int_equal(dns_apply(&f->s, "lo", 1, servers, 0, (const char (*)[RCONF_NAME_MAX + 2])d, 1, &f->lg),
				 SSHTUN_ERR_CONFIG);
	}
	/* Too long: a label of 64, a name of 254. */
	memset(d[0], 'a', 64);
	d[0][64] = '\0';
	assert_int_equal(dns_apply(&f->s, "lo", 1, servers, 0, (const char (*)[RCONF_NAME_MAX + 2])d, 1, &f->lg),
			 SSHTUN_ERR_CONFIG);
	for (int i = 0; i < 254; i++) {
		d[0][i] = i % 2 ? '.' : 'a';
	}
	d[0][253] = 'a';
	d[0][254] = '\0';
	assert_int_equal(dns_apply(&f->s, "lo", 1, servers, 0, (const char (*)[RCONF_NAME_MAX + 2])d, 1, &f->lg),
			 SSHTUN_ERR_CONFIG);
	d[0][253] = '\0';
	assert_int_equal(dns_apply(&f->s, "lo", 1, servers, 0, (const char (*)[RCONF_NAME_MAX + 2])d, 1, &f->lg), 0);
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	assert_int_equal(unlink(f->calls), 0);	/* that one was good: it ran */
	/* No terminating NUL within the array element. */
	memset(d[0], 'a', sizeof(d[0]));
	assert_int_equal(dns_apply(&f->s, "lo", 1, servers, 0, (const char (*)[RCONF_NAME_MAX + 2])d, 1, &f->lg),
			 SSHTUN_ERR_CONFIG);
	for (size_t i = 0; i < sizeof(badif) / sizeof(badif[0]); i++) {
		assert_int_equal(dns_apply(&f->s, badif[i], 0, servers, 1, NULL, 0, &f->lg), SSHTUN_ERR_CONFIG);
	}
	/* An interface that is not that ifindex; too many servers; a server that is no address. */
	assert_int_equal(dns_apply(&f->s, "lo", 99999, servers, 1, NULL, 0, &f->lg), SSHTUN_ERR_INVAL);
	for (int i = 0; i <= DNS_SERVERS_MAX; i++) {
		many[i] = A("198.18.0.53");
	}
	assert_int_equal(dns_apply(&f->s, "lo", 1, many, DNS_SERVERS_MAX + 1, NULL, 0, &f->lg), SSHTUN_ERR_CONFIG);
	memset(&many[1], 0, sizeof(many[1]));
	assert_int_equal(dns_apply(&f->s, "lo", 1, many, 2, NULL, 0, &f->lg), SSHTUN_ERR_CONFIG);
	/* Nothing ran, nothing changed. */
	assert_string_equal(calls(f), "");
	read_bytes(f->conf, buf, sizeof(buf));
	assert_string_equal(buf, "keep\n");
	assert_int_equal(f->s.method, DNS_NONE);
	/* The names the check lets through. */
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(d[0], sizeof(d[0]), "%s", good[i]);
		assert_int_equal(dns_apply(&f->s, "lo", 1, many, 1, (const char (*)[RCONF_NAME_MAX + 2])d, 1, &f->lg), 0);
		assert_int_equal(dns_restore(&f->s, &f->lg), 0);
	}
	/* A restore of a state that applied nothing does nothing. */
	assert_int_equal(dns_restore(&f->s, &f->lg), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_plain, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_file_symlink, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_file_changed_meanwhile, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_file_absent_and_limits, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_resolvconf, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_resolvectl, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_method_now, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_file_keeps_owner, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_tool_fails, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_resolvconf_fails_and_hangs, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_values, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests_name("dns", tests, NULL, NULL);
}
#else
/* Built without SSHTUN_DNS (-DSSHTUN_DNS=0): no DNS module to test; reported as one skipped case. */
T_LEFT_OUT_MAIN()
#endif
