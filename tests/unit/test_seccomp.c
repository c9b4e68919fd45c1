/*
 * sshtun: unit tests of ssh/seccomp.c (TunnelSeccomp). Each case forks a child that installs the filter for a set
 * of needs and then makes calls: the allowed ones must work, a refused one must raise SIGSYS (without a handler
 * the child dies of it; with a handler like the sshtun program's, the call fails with EPERM and the handler sees
 * its number), and a call under another architecture's numbering kills the child. The parent checks how the
 * child ended. Without the filter every "refused" case fails. Also: what a configuration needs, the keyword, and
 * sshtun_sandbox's refusals.
 */
#include "tests/unit/testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "ssh/config.h"
#include "ssh/seccomp.h"
#include "sshtun.h"
#include "config.h"
#include "util/features.h"

#if SSHTUN_SECCOMP

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

/* A sanitizer build's filter lets clone and ptrace through for LeakSanitizer (ssh/seccomp.c, SC_SANITIZER). */
#if SSHTUN_SANITIZERS || SSHTUN_FUZZ || defined(__SANITIZE_ADDRESS__)
#define T_SANITIZED 1
#else
#define T_SANITIZED 0
#endif

/* What the child's handler saw: the first refused call's number (as the sshtun program's handler keeps it). */
static volatile sig_atomic_t refused = -1;

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	if (si->si_code != SYS_SECCOMP) {
		return;
	}
	if (refused < 0) {
		refused = si->si_syscall;
	}
#if defined(__x86_64__)
	uc->uc_mcontext.gregs[REG_RAX] = -EPERM;
#else
	uc->uc_mcontext.regs[0] = (unsigned long long)-EPERM;
#endif
}

enum { HANDLER = 1, NO_HANDLER = 0, INSTALL_FAILED = 100 };

/*
 * Runs body in a child under the filter for needs (with the handler if asked); returns the child's wait status.
 * The child ends with body's value through exit(), so that a sanitizer build's exit (LeakSanitizer) runs under
 * the filter too.
 */
static int in_child(unsigned needs, int handler, int (*body)(void))
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sigaction sa;
		static const int sigs[] = { SIGSYS, SIGSEGV, SIGILL, SIGFPE, SIGBUS, SIGABRT };

		/* cmocka catches these to report a crashed test and goes on with the next one: not in the child. */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
			sigaction(sigs[i], &sa, NULL);
		}
		if (handler) {
			sa.sa_sigaction = on_sigsys;
			sa.sa_flags = SA_SIGINFO;
			sigaction(SIGSYS, &sa, NULL);
		}
		if (sc_install(needs, NULL) != 0) {
			_exit(INSTALL_FAILED);
		}
		exit(body());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void assert_exited(int status, int code)
{
	if (!WIFEXITED(status)) {
		fail_msg("the child was killed by signal %d (expected exit status %d)", WIFSIGNALED(status) ? WTERMSIG(status) : -1,
			code);
	}
	assert_int_equal(WEXITSTATUS(status), code);
}

static void assert_sigsys(int status)
{
	if (!WIFSIGNALED(status)) {
		fail_msg("the child exited with status %d: the call was not refused", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	assert_int_equal(WTERMSIG(status), SIGSYS);
}

/* ---- the calls the tunnel makes, each checked to work ---- */

static int data_path_calls(void)
{
	struct epoll_event ev;
	struct itimerspec its = { { 0, 0 }, { 0, 1000000 } };
	struct timespec ts;
	struct utsname u;
	char buf[64];
	uint8_t rnd[16];
	int ep, tfd, efd, sv[2], fd, n = 0;
	void *big;

	ep = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ep < 0 || tfd < 0 || efd < 0) {
		return 1;
	}
	ev.events = EPOLLIN;
	ev.data.fd = tfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) != 0 || timerfd_settime(tfd, 0, &its, NULL) != 0 ||
	    epoll_pwait(ep, &ev, 1, 1000, NULL) != 1) {
		return 2;
	}
	if (syscall(SYS_getrandom, rnd, sizeof(rnd), 0) != (long)sizeof(rnd) ||
	    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) != 0 || uname(&u) != 0 || getpid() <= 0) {
		return 3;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 || write(sv[0], "x", 1) != 1 ||
	    read(sv[1], buf, 1) != 1) {
		return 4;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 || close(fd) != 0 ||
	    (fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 || close(fd) != 0 ||
	    (fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0 || close(fd) != 0) {
		return 5;
	}
	/* if_nametoindex: an ioctl on a local socket; the terminal's requests on a file answer ENOTTY, not SIGSYS. */
	if (if_nametoindex("lo") == 0 || (fd = open("/etc/hosts", O_RDONLY | O_CLOEXEC)) < 0 || read(fd, buf, 1) < 0 ||
	    (isatty(fd) == 0 && errno != ENOTTY) || close(fd) != 0) {
		return 6;
	}
	/* malloc's large blocks and growing ones. */
	if (!(big = malloc(4 << 20))) {
		return 7;
	}
	memset(big, 1, 4 << 20);
	free(big);
	if ((big = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED ||
	    mremap(big, 65536, 131072, MREMAP_MAYMOVE) == MAP_FAILED) {
		return 8;
	}
	n += fprintf(stderr, "%s", "");	/* stdio on stderr */
	return n == 0 && refused < 0 ? 0 : 9;
}

static void test_allowed(void **state)
{
	(void)state;
	assert_exited(in_child(0, NO_HANDLER, data_path_calls), 0);
	assert_exited(in_child(SC_SPAWN | SC_DNS | SC_NFT, NO_HANDLER, data_path_calls), 0);
}

/* ---- calls no configuration needs: refused ---- */

static int call_mount(void)
{
	return mount("none", "/mnt", "tmpfs", 0, NULL) == 0 ? 0 : 10 + (errno == EPERM);
}

static int call_packet_socket(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	return fd >= 0 ? 0 : 10 + (errno == EPERM);
}

static int call_unshare(void)
{
	return unshare(CLONE_NEWUSER) == 0 ? 0 : 10 + (errno == EPERM);
}

static int call_keyctl(void)
{
	return syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0) >= 0 ? 0 : 10 + (errno == EPERM);
}

static int call_bpf(void)
{
	return syscall(SYS_bpf, 0, NULL, 0) >= 0 ? 0 : 10 + (errno == EPERM);
}

static void test_refused(void **state)
{
	int (*const calls[])(void) = { call_mount, call_unshare, call_keyctl, call_bpf, call_packet_socket };
	size_t n = sizeof(calls) / sizeof(calls[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_sigsys(in_child(0, NO_HANDLER, calls[i]));
		/* the widest filter too, but for AF_PACKET (let through with programs: test_spawn) */
		if (i + 1 < n) {
			assert_sigsys(in_child(SC_SPAWN | SC_DNS | SC_NFT, NO_HANDLER, calls[i]));
		}
	}
}

/* With a handler like the sshtun program's: the call fails with EPERM, the handler has its number, the child goes on. */
static int mount_then_report(void)
{
	int r = call_mount();

	return r == 11 && refused == SYS_mount ? 42 : r;
}

static void test_refused_with_handler(void **state)
{
	(void)state;
	assert_exited(in_child(0, HANDLER, mount_then_report), 42);
}

/* ptrace: refused except in a sanitizer build, whose LeakSanitizer stops the process with it at exit. */
static int call_ptrace(void)
{
	/* PTRACE_PEEKDATA of a process we do not trace: ESRCH if let through, and nothing changes. */
	return syscall(SYS_ptrace, 2 /* PTRACE_PEEKDATA */, getppid(), 0, 0) == -1 && errno == ESRCH ? 0 : 10 + (errno == EPERM);
}

static void test_ptrace(void **state)
{
	int st = in_child(0, NO_HANDLER, call_ptrace);

	(void)state;
	if (T_SANITIZED) {
		assert_exited(st, 0);
	} else {
		assert_sigsys(st);
	}
}

/* ---- what depends on the configuration ---- */

/* Starting a program: refused without SC_SPAWN; with it /bin/sh runs, under the filter, and exits 7. */
static int run_sh(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		return 10 + (errno == EPERM);
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "exit 7", (char *)NULL);
		_exit(errno == EPERM ? 21 : 20);
	}
	if (waitpid(pid, &status, 0) != pid) {
		return 30;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 40 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static int call_execve(void)
{
	execl("/bin/true", "true", (char *)NULL);
	return 10 + (errno == EPERM);
}

/* posix_spawn tries clone3 first: ENOSYS sends it to clone, which the filter can check. */
static int call_clone3(void)
{
	long r = syscall(SYS_clone3, NULL, 0);

	return r < 0 && errno == ENOSYS ? 0 : 1;
}

/* A new namespace through clone, even where programs may be started. */
static int call_clone_newuser(void)
{
	long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);

	if (r == 0) {
		_exit(0);
	}
	return r > 0 ? 0 : 10 + (errno == EPERM);
}

static void test_spawn(void **state)
{
	(void)state;
	assert_sigsys(in_child(0, NO_HANDLER, call_execve));
	/* fork refused (EPERM); in a sanitizer build clone is let through and execve is refused in the child */
#if defined(__GLIBC__)
	assert_exited(in_child(0, HANDLER, run_sh), T_SANITIZED ? 21 : 11);
#else
	/*
	 * musl's fork blocks every signal around the system call, and a SIGSYS the filter raises while it is blocked
	 * kills the process (the handler cannot run). sshtun never forks: it starts programs with posix_spawn, and only
	 * where programs run, which the filter then allows.
	 */
	assert_sigsys(in_child(0, HANDLER, run_sh));
#endif
	assert_exited(in_child(SC_SPAWN, NO_HANDLER, run_sh), 7);
	assert_exited(in_child(0, NO_HANDLER, call_clone3), 0);
	assert_exited(in_child(SC_SPAWN, NO_HANDLER, call_clone3), 0);
	assert_sigsys(in_child(SC_SPAWN, NO_HANDLER, call_clone_newuser));
	/* with programs, AF_PACKET is let through (dhclient, arping on a tap device) */
	assert_exited(in_child(SC_SPAWN, HANDLER, call_packet_socket), 0);
}

/* ioctl: a request outside the list is refused unless programs run (they need any). */
static int call_tiocsti_like(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int r = ioctl(fd, TIOCGPGRP, &(pid_t){ 0 });

	return r == 0 ? 0 : errno == ENOTTY ? 0 : 10 + (errno == EPERM);
}

static void test_ioctl(void **state)
{
	(void)state;
	assert_sigsys(in_child(0, NO_HANDLER, call_tiocsti_like));
	assert_exited(in_child(SC_SPAWN, NO_HANDLER, call_tiocsti_like), 0);
}

/* netlink: rtnetlink always, nftables' with the kill switch, others (here sock_diag) only with programs. */
static int netfilter_socket(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

	return fd >= 0 ? 0 : 10 + (errno == EPERM);
}

static int sock_diag_socket(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	return fd >= 0 ? 0 : 10 + (errno == EPERM);
}

static void test_netlink(void **state)
{
	(void)state;
	assert_sigsys(in_child(0, NO_HANDLER, netfilter_socket));
	assert_exited(in_child(SC_NFT, NO_HANDLER, netfilter_socket), 0);
	assert_sigsys(in_child(SC_NFT, NO_HANDLER, sock_diag_socket));
	assert_exited(in_child(SC_SPAWN, NO_HANDLER, sock_diag_socket), 0);
}

/* DNS through resolv.conf: a file written beside it, its mode and owner set, synced, renamed over it, removed. */
static char dns_dir[64];

static int resolv_conf_dance(void)
{
	char tmp[128], dst[128];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/.resolv.conf.tmp", dns_dir);
	snprintf(dst, sizeof(dst), "%s/resolv.conf", dns_dir);
	if ((fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 || write(fd, "nameserver 198.18.0.53\n", 23) != 23 ||
	    fchmod(fd, 0644) != 0 || fchown(fd, getuid(), getgid()) != 0 || fsync(fd) != 0 || close(fd) != 0) {
		return 10 + (errno == EPERM);
	}
	if (rename(tmp, dst) != 0) {
		return 20 + (errno == EPERM);
	}
	return unlink(dst) == 0 ? 0 : 30 + (errno == EPERM);
}

static void test_dns_files(void **state)
{
	(void)state;
	T_NEED(SSHTUN_DNS);	/* a build without the tunnel's DNS allows none of its calls */
	snprintf(dns_dir, sizeof(dns_dir), "/tmp/sshtun-seccomp.XXXXXX");
	assert_non_null(mkdtemp(dns_dir));
	assert_exited(in_child(SC_DNS, NO_HANDLER, resolv_conf_dance), 0);
	assert_exited(in_child(0, HANDLER, resolv_conf_dance), 11);	/* fchmod refused: EPERM */
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/.resolv.conf.tmp", dns_dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/resolv.conf", dns_dir);
		unlink(p);
	}
	assert_int_equal(rmdir(dns_dir), 0);
}

/* ---- another architecture's numbering: the process is killed, whatever the call ---- */

#if defined(__x86_64__)
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000	/* the kernel's asm/unistd.h; musl's sys/syscall.h does not include it */
#endif
static int x32_getpid(void)
{
	return syscall(__X32_SYSCALL_BIT | SYS_getpid) >= 0 ? 0 : 1;
}

/* getpid (20) through the i386 entry: allowed by number, but under another arch. */
static int i386_getpid(void)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	return r > 0 ? 0 : 1;
}

static int i386_works(void)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		_exit(i386_getpid());
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
#endif

static void test_other_arch(void **state)
{
	(void)state;
#if defined(__x86_64__)
	assert_sigsys(in_child(0, HANDLER, x32_getpid));	/* killed: the handler never runs */
	if (!i386_works()) {
		skip();	/* the kernel has no IA32 emulation: int 0x80 never reaches seccomp */
	}
	assert_sigsys(in_child(0, HANDLER, i386_getpid));
#else
	skip();
#endif
}

static void test_count(void **state)
{
	(void)state;
	/* Each need adds calls; the base alone is much smaller than with programs. */
	assert_true(sc_count(0) > 50);
	assert_true(sc_count(SC_DNS) > sc_count(0) || !SSHTUN_DNS);
	assert_true(sc_count(SC_NFT) > sc_count(0));
	assert_true(sc_count(SC_SPAWN) > sc_count(0) + 60);
	assert_true(sc_count(SC_SPAWN | SC_DNS | SC_NFT) < 320);
}

#endif /* SSHTUN_SECCOMP */

/* ---- what a configuration needs (no filter involved) ---- */

static unsigned needs_of(const char *const *lines, unsigned flags)
{
	CAP_LOG(c, log);
	struct cfg cfg;
	unsigned n;

	cfg_init(&cfg);
	for (size_t i = 0; lines[i]; i++) {
		assert_int_equal(cfg_apply(&cfg, lines[i], "test", &log), 0);
	}
	n = sc_needs(&cfg, flags);
	cfg_free(&cfg);
	return n;
}

static void test_needs(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const lc_only[] = { "LocalCommand ip link", NULL };
	static const char *const lc[] = { "LocalCommand ip link", "PermitLocalCommand yes", NULL };
	static const char *const down[] = { "TunnelDownCommand true", "PermitLocalCommand yes", NULL };
	static const char *const proxy[] = { "ProxyCommand nc %h %p", NULL };
	static const char *const proxy_none[] = { "ProxyCommand none", NULL };
	static const char *const dns[] = { "TunnelDNS 198.18.0.53", NULL };
	static const char *const rc[] = { "TunnelConfigCommand sshtun-server", NULL };
	static const char *const ks[] = { "TunnelKillSwitch yes", NULL };

	(void)state;
	assert_int_equal(needs_of(none, 0), 0);
	assert_int_equal(needs_of(none, SSHTUN_SANDBOX_SPAWN), SC_SPAWN);
	assert_int_equal(needs_of(lc_only, 0), 0);	/* not run without PermitLocalCommand */
	assert_int_equal(needs_of(lc, 0), SC_SPAWN);
	assert_int_equal(needs_of(down, 0), SC_SPAWN);
	assert_int_equal(needs_of(proxy, 0), SC_SPAWN);
	assert_int_equal(needs_of(proxy_none, 0), 0);
	if (SSHTUN_DNS) {	/* else TunnelDNS is refused (tests/unit/test_config.c) */
		assert_int_equal(needs_of(dns, 0), SC_DNS | SC_SPAWN);
	}
	/* The server's DNS lines: nothing is run for them in a build that does not apply DNS. */
	assert_int_equal(needs_of(rc, 0), SSHTUN_DNS ? SC_DNS | SC_SPAWN : 0);
	assert_int_equal(needs_of(ks, 0), SC_NFT);
}

/* The keyword: yes or no (default no); a build without the filter refuses yes in one line. */
static void test_keyword(void **state)
{
	CAP_LOG(c, log);
	struct cfg cfg;

	(void)state;
	cfg_init(&cfg);
	assert_int_equal(cfg_apply(&cfg, "TunnelSeccomp maybe", "test", &log), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(c.last, "TunnelSeccomp"));
	cfg_free(&cfg);

	cfg_init(&cfg);
	cfg.host = strdup("server");
	cfg.user = strdup("u");
	assert_int_equal(cfg_finish(&cfg, &log), 0);
	assert_int_equal(cfg.tunnel_seccomp, 0);
	cfg_free(&cfg);

	cfg_init(&cfg);
	cfg.host = strdup("server");
	cfg.user = strdup("u");
	assert_int_equal(cfg_apply(&cfg, "TunnelSeccomp=yes", "test", &log), 0);
	c.n = 0;
#if SSHTUN_SECCOMP
	assert_int_equal(cfg_finish(&cfg, &log), 0);
	assert_int_equal(cfg.tunnel_seccomp, 1);
#else
	assert_int_equal(cfg_finish(&cfg, &log), SSHTUN_ERR_CONFIG);
	assert_int_equal(c.n, 1);
	assert_non_null(strstr(c.last, "this build has no seccomp filter"));
	assert_int_equal(sc_install(0, &log), SSHTUN_ERR_NOT_SUPPORTED);
#endif
	cfg_free(&cfg);
}

/* sshtun_sandbox: nothing without TunnelSeccomp yes; with it, only once started (the configuration is complete). */
static void test_api(void **state)
{
	struct sshtun *h;

	(void)state;
	assert_int_equal(sshtun_new(&h), 0);
	assert_int_equal(sshtun_sandbox(h, 0), 0);
	assert_int_equal(sshtun_set_params(h, "Host", "server", "TunnelSeccomp", "yes", NULL), 0);
	assert_int_equal(sshtun_sandbox(h, 0), SSHTUN_ERR_STATE);
	sshtun_del(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#if SSHTUN_SECCOMP
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_refused_with_handler),
		cmocka_unit_test(test_ptrace),
		cmocka_unit_test(test_spawn),
		cmocka_unit_test(test_ioctl),
		cmocka_unit_test(test_netlink),
		cmocka_unit_test(test_dns_files),
		cmocka_unit_test(test_other_arch),
		cmocka_unit_test(test_count),
#endif
		cmocka_unit_test(test_needs),
		cmocka_unit_test(test_keyword),
		cmocka_unit_test(test_api),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
