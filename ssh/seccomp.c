/* sshtun: TunnelSeccomp's filter and sshtun_sandbox (ssh/seccomp.h). */
#include "ssh/seccomp.h"

#include <errno.h>
#include <string.h>

#include "ssh/conn_int.h"
#include "sshtun_err.h"
#include "util/features.h"

unsigned sc_needs(const struct cfg *c, unsigned flags)
{
	unsigned n = 0;
	int cmds = c->permit_local_command == 1 && ((c->local_command && c->local_command[0]) ||
						     (c->tunnel_down_command && c->tunnel_down_command[0]));

	if (cmds || (c->proxy_command && c->proxy_command[0]) || (flags & SSHTUN_SANDBOX_SPAWN)) {
		n |= SC_SPAWN;
	}
	/*
	 * The server's configuration may carry DNS lines: resolvectl or resolvconf run, or resolv.conf is replaced
	 * (not in a build without SSHTUN_DNS, which applies none).
	 */
	if (SSHTUN_DNS && (c->n_tunnel_dns > 0 || (c->tunnel_config_command && c->tunnel_config_command[0]))) {
		n |= SC_DNS | SC_SPAWN;
	}
	if (c->tunnel_kill_switch == 1) {
		n |= SC_NFT;
	}
	return n;
}

#if SSHTUN_SECCOMP

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "config.h"

#if defined(__x86_64__)
#define SC_ARCH AUDIT_ARCH_X86_64
/* The kernel's asm/unistd.h has it; musl's sys/syscall.h has its own numbers and does not include that header. */
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#elif defined(__aarch64__)
#define SC_ARCH AUDIT_ARCH_AARCH64
#endif

/* A sanitizer build's runtime needs more (SC_SANITIZER): configure's switch, or the compiler's own macros. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define SC_SANITIZED 1
#endif
#endif
#ifndef SC_SANITIZED
#define SC_SANITIZED (SSHTUN_SANITIZERS || SSHTUN_FUZZ)
#endif

/*
 * Calls aarch64 (the generic table) has only in their *at or newer forms, and x86-64's own: -1 (left out) where
 * the architecture has no such number. glibc uses the new forms on both; older code and other libraries may not.
 */
#ifdef __NR_open
#define SC_open __NR_open
#else
#define SC_open -1
#endif
#ifdef __NR_stat
#define SC_stat __NR_stat
#else
#define SC_stat -1
#endif
#ifdef __NR_lstat
#define SC_lstat __NR_lstat
#else
#define SC_lstat -1
#endif
#ifdef __NR_access
#define SC_access __NR_access
#else
#define SC_access -1
#endif
#ifdef __NR_readlink
#define SC_readlink __NR_readlink
#else
#define SC_readlink -1
#endif
#ifdef __NR_mkdir
#define SC_mkdir __NR_mkdir
#else
#define SC_mkdir -1
#endif
#ifdef __NR_rmdir
#define SC_rmdir __NR_rmdir
#else
#define SC_rmdir -1
#endif
#ifdef __NR_unlink
#define SC_unlink __NR_unlink
#else
#define SC_unlink -1
#endif
#ifdef __NR_rename
#define SC_rename __NR_rename
#else
#define SC_rename -1
#endif
#ifdef __NR_link
#define SC_link __NR_link
#else
#define SC_link -1
#endif
#ifdef __NR_symlink
#define SC_symlink __NR_symlink
#else
#define SC_symlink -1
#endif
#ifdef __NR_chmod
#define SC_chmod __NR_chmod
#else
#define SC_chmod -1
#endif
#ifdef __NR_chown
#define SC_chown __NR_chown
#else
#define SC_chown -1
#endif
#ifdef __NR_lchown
#define SC_lchown __NR_lchown
#else
#define SC_lchown -1
#endif
#ifdef __NR_utimes
#define SC_utimes __NR_utimes
#else
#define SC_utimes -1
#endif
#ifdef __NR_dup2
#define SC_dup2 __NR_dup2
#else
#define SC_dup2 -1
#endif
#ifdef __NR_pipe
#define SC_pipe __NR_pipe
#else
#define SC_pipe -1
#endif
#ifdef __NR_poll
#define SC_poll __NR_poll
#else
#define SC_poll -1
#endif
#ifdef __NR_select
#define SC_select __NR_select
#else
#define SC_select -1
#endif
#ifdef __NR_epoll_wait
#define SC_epoll_wait __NR_epoll_wait
#else
#define SC_epoll_wait -1
#endif
#ifdef __NR_epoll_create
#define SC_epoll_create __NR_epoll_create
#else
#define SC_epoll_create -1
#endif
#ifdef __NR_fork
#define SC_fork __NR_fork
#else
#define SC_fork -1
#endif
#ifdef __NR_vfork
#define SC_vfork __NR_vfork
#else
#define SC_vfork -1
#endif
#ifdef __NR_time
#define SC_time __NR_time
#else
#define SC_time -1
#endif
#ifdef __NR_alarm
#define SC_alarm __NR_alarm
#else
#define SC_alarm -1
#endif
#ifdef __NR_pause
#define SC_pause __NR_pause
#else
#define SC_pause -1
#endif
#ifdef __NR_getdents
#define SC_getdents __NR_getdents
#else
#define SC_getdents -1
#endif
#ifdef __NR_getpgrp
#define SC_getpgrp __NR_getpgrp
#else
#define SC_getpgrp -1
#endif
#ifdef __NR_arch_prctl
#define SC_arch_prctl __NR_arch_prctl
#else
#define SC_arch_prctl -1
#endif
#ifdef __NR_faccessat2
#define SC_faccessat2 __NR_faccessat2
#else
#define SC_faccessat2 -1
#endif
#ifdef __NR_close_range
#define SC_close_range __NR_close_range
#else
#define SC_close_range -1
#endif
#ifdef __NR_rseq
#define SC_rseq __NR_rseq
#else
#define SC_rseq -1
#endif
#ifdef __NR_pidfd_open
#define SC_pidfd_open __NR_pidfd_open
#else
#define SC_pidfd_open -1
#endif
#ifdef __NR_pidfd_send_signal
#define SC_pidfd_send_signal __NR_pidfd_send_signal
#else
#define SC_pidfd_send_signal -1
#endif
#ifdef __NR_clone3
#define SC_clone3 __NR_clone3
#else
#define SC_clone3 -1
#endif

/*
 * The calls every configuration needs, measured with strace -f over whole sessions (ARCHITECTURE.md, "Who runs
 * with which rights"). The data path's come first: the filter compares the number against the list in order.
 */
static const int base_hot[] = {
	__NR_epoll_pwait, SC_epoll_wait, __NR_read, __NR_write, __NR_readv, __NR_writev, __NR_recvfrom, __NR_sendto,
	__NR_recvmsg, __NR_sendmsg, __NR_getrandom, __NR_timerfd_settime, __NR_clock_gettime, __NR_epoll_ctl,
	__NR_setsockopt, __NR_getsockopt,
};

static const int base[] = {
	/* memory (malloc, libcrypto; mprotect for the resolver's and the user database's modules) */
	__NR_brk, __NR_mmap, __NR_munmap, __NR_mremap, __NR_mprotect, __NR_madvise,
	/* signals: the program's handlers and masks, abort() (tgkill) */
	__NR_rt_sigaction, __NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_sigaltstack, __NR_restart_syscall,
	__NR_tgkill,
	/* time */
	__NR_clock_getres, __NR_gettimeofday, SC_time, __NR_nanosleep, __NR_clock_nanosleep,
	/* descriptors and events (epoll, the timers, the eventfd of answers) */
	__NR_close, __NR_fcntl, __NR_dup, SC_dup2, __NR_dup3, __NR_lseek, __NR_pread64, __NR_epoll_create1,
	__NR_timerfd_create, __NR_timerfd_gettime, __NR_eventfd2,
	/*
	 * files: key files and known_hosts read on every connect, a host key added to known_hosts (~/.ssh made),
	 * libcrypto's openssl.cnf, the resolver's and the user database's files, /dev/tty for questions, the
	 * program's pidfile removed
	 */
	__NR_openat, SC_open, __NR_newfstatat, __NR_fstat, SC_stat, SC_lstat, __NR_statx, SC_access, __NR_faccessat,
	SC_faccessat2, SC_readlink, __NR_readlinkat, __NR_getcwd, SC_mkdir, __NR_mkdirat, SC_unlink, __NR_unlinkat,
	/*
	 * connections: the server (again after a loss; BindAddress), ssh-agent, getaddrinfo (UDP to the name server,
	 * rtnetlink for AI_ADDRCONFIG), the device's configuration over rtnetlink, syslog and systemd's notify socket
	 * (socket and socketpair are checked further down, by family)
	 */
	__NR_connect, __NR_bind, __NR_getsockname, __NR_getpeername, __NR_shutdown, __NR_sendmmsg, __NR_recvmmsg,
	SC_poll, __NR_ppoll,
	/* the process: ids, capabilities (what may be configured), the host name, exit; -f's setsid */
	__NR_getpid, __NR_gettid, __NR_getppid, __NR_getuid, __NR_geteuid, __NR_getgid, __NR_getegid, __NR_capget,
	__NR_uname, __NR_sysinfo, __NR_sched_yield, __NR_futex, __NR_exit, __NR_exit_group, __NR_setsid,
	/* the resolver's thread (ssh/resolve.c: clone, checked below, as a thread only; glibc's start and exit) */
	__NR_set_robust_list, SC_rseq,
};

/* TunnelKillSwitch: libnftables (its netlink socket is checked by protocol with the others). */
static const int nft[] = {
	SC_select, __NR_pselect6,
};

/* The system's DNS: /etc/resolv.conf written beside itself and renamed, or its link put back (ssh/dns.c). */
static const int dns[] = {
	SC_rename, __NR_renameat, __NR_renameat2, __NR_fchmod, __NR_fchown, __NR_fsync, __NR_fdatasync, SC_symlink,
	__NR_symlinkat,
};

/*
 * Starting programs (posix_spawn: clone, which is checked for its flags, execve, a pidfd, waiting, a signal to a
 * ProxyCommand or a DNS tool that takes too long) and what the programs run under the same filter need: /bin/sh,
 * ip, sleep as measured, and the common calls of ordinary command-line programs (files, processes, pipes,
 * terminals, user ids). Left out: the kernel's administrative and debugging interfaces (mount, ptrace, bpf,
 * perf, modules, keys, namespaces, reboot, swap, clocks, quotas, io_uring, userfaultfd ...).
 */
static const int spawn[] = {
	SC_fork, SC_vfork, __NR_execve, __NR_execveat, __NR_wait4, __NR_waitid, __NR_kill, __NR_tkill, SC_pidfd_open,
	SC_pidfd_send_signal, __NR_setpgid, __NR_getpgid, SC_getpgrp, __NR_getsid, SC_pipe, __NR_pipe2,
	SC_close_range, SC_arch_prctl, __NR_set_tid_address, __NR_set_robust_list, __NR_get_robust_list, SC_rseq,
	__NR_prlimit64, __NR_getrlimit, __NR_setrlimit, __NR_getrusage, __NR_times, __NR_prctl, __NR_umask,
	__NR_chdir, __NR_fchdir, __NR_sched_getaffinity, __NR_sched_setaffinity, __NR_sched_getparam,
	__NR_sched_getscheduler, __NR_getpriority, __NR_setpriority, __NR_membarrier,
	__NR_getgroups, __NR_setgroups, __NR_getresuid, __NR_getresgid, __NR_setuid, __NR_setgid, __NR_setreuid,
	__NR_setregid, __NR_setresuid, __NR_setresgid, __NR_setfsuid, __NR_setfsgid, __NR_capset,
	SC_rename, __NR_renameat, __NR_renameat2, SC_link, __NR_linkat, SC_symlink, __NR_symlinkat, SC_rmdir,
	SC_chmod, __NR_fchmod, __NR_fchmodat, SC_chown, SC_lchown, __NR_fchown, __NR_fchownat, __NR_utimensat,
	SC_utimes, __NR_truncate, __NR_ftruncate, __NR_fsync, __NR_fdatasync, __NR_flock, __NR_fadvise64,
	__NR_statfs, __NR_fstatfs, SC_getdents, __NR_getdents64, __NR_sendfile, __NR_copy_file_range, __NR_splice,
	__NR_pwrite64, __NR_preadv, __NR_pwritev, __NR_memfd_create, __NR_fallocate,
	SC_select, __NR_pselect6, SC_epoll_create, __NR_signalfd4, SC_pause, __NR_rt_sigsuspend,
	__NR_rt_sigtimedwait, __NR_rt_sigqueueinfo, SC_alarm, __NR_setitimer, __NR_getitimer, __NR_timer_create,
	__NR_timer_settime, __NR_timer_delete, __NR_listen, __NR_accept, __NR_accept4,
};

/*
 * ASan's runtime: LeakSanitizer stops the process at exit from a tracer (clone, ptrace) that lists
 * /proc/self/task with the old getdents on x86-64. The tracer blocks every signal, so a call refused there kills
 * it silently and the process waits for it forever: found by bisecting the list (tests/unit/test_seccomp.c runs
 * LeakSanitizer under the filter).
 */
static const int sanitizer[] = {
	__NR_ptrace, __NR_wait4, __NR_waitid, __NR_prctl, SC_getdents, __NR_getdents64, __NR_sched_getaffinity,
	__NR_prlimit64, __NR_getrlimit, __NR_tkill, __NR_set_robust_list, SC_arch_prctl, __NR_process_vm_readv,
};

/* The ioctl requests let through when no program runs (with one, ioctl is not limited). */
static const uint32_t ioctls[] = {
	TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ, FIONREAD, FIONBIO, FIOCLEX, FIONCLEX, SIOCGIFINDEX,
	SIOCGIFNAME, SIOCGIFFLAGS, SIOCGIFMTU,
};

/* Namespaces are the kernel's largest surface for a process that holds capabilities: clone may make none. */
#define SC_CLONE_NS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | \
	CLONE_NEWNET)

/* The filter handled by number: the others in the lists above, each once, in order. */
enum { SC_LIST_MAX = 320, SC_PROG_MAX = 1024 };
struct sc_list {
	int nr[SC_LIST_MAX];
	size_t n;
	size_t hot;	/* the first hot ones are the data path's: compared first */
};

static int special(int nr)
{
	return nr == __NR_socket || nr == __NR_socketpair || nr == __NR_ioctl || nr == __NR_clone || nr == SC_clone3;
}

static void list_add(struct sc_list *l, const int *nrs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t j;

		if (nrs[i] < 0 || special(nrs[i])) {
			continue;
		}
		for (j = 0; j < l->n && l->nr[j] != nrs[i]; j++) {
		}
		if (j == l->n && l->n < SC_LIST_MAX) {
			l->nr[l->n++] = nrs[i];
		}
	}
}

#define ADD(l, a) list_add((l), (a), sizeof(a) / sizeof((a)[0]))

static void make_list(struct sc_list *l, unsigned needs)
{
	l->n = 0;
	ADD(l, base_hot);
	l->hot = l->n;
	ADD(l, base);
	if (needs & SC_NFT) {
		ADD(l, nft);
	}
	if (SSHTUN_DNS && (needs & SC_DNS)) {
		ADD(l, dns);
	}
	if (needs & SC_SPAWN) {
		ADD(l, spawn);
	}
	if (needs & SC_SANITIZER) {
		ADD(l, sanitizer);
	}
}

struct prog {
	struct sock_filter f[SC_PROG_MAX];
	size_t n;
};

static void put(struct prog *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (p->n < SC_PROG_MAX) {
		p->f[p->n].code = code;
		p->f[p->n].jt = jt;
		p->f[p->n].jf = jf;
		p->f[p->n].k = k;
	}
	p->n++;
}

#define LD(p, off) put((p), BPF_LD | BPF_W | BPF_ABS, (uint32_t)(off), 0, 0)
#define RET(p, v) put((p), BPF_RET | BPF_K, (uint32_t)(v), 0, 0)
/* A 32-bit argument (the low half: little-endian only, which both architectures are here). */
#define ARG(i) (offsetof(struct seccomp_data, args) + (size_t)(i) * sizeof(uint64_t))
#define DENY SECCOMP_RET_TRAP

/* If A equals v: return ALLOW; else go on (two instructions, so no jump is ever longer than one). */
static void allow_if(struct prog *p, uint32_t v)
{
	put(p, BPF_JMP | BPF_JEQ | BPF_K, v, 0, 1);
	RET(p, SECCOMP_RET_ALLOW);
}

/* "if nr == the call, run the block that follows (which returns on every path), else skip it". */
static size_t block_begin(struct prog *p, int nr)
{
	put(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 0);
	return p->n - 1;
}

static void block_end(struct prog *p, size_t at)
{
	if (at < SC_PROG_MAX && p->n - at - 1 <= 255) {
		p->f[at].jf = (uint8_t)(p->n - at - 1);
	} else {
		p->n = SC_PROG_MAX + 1;	/* refused by the caller */
	}
}

static void build(struct prog *p, unsigned needs)
{
	struct sc_list l;
	size_t at;

	make_list(&l, needs);
	p->n = 0;
	LD(p, offsetof(struct seccomp_data, arch));
	put(p, BPF_JMP | BPF_JEQ | BPF_K, SC_ARCH, 1, 0);
	RET(p, SECCOMP_RET_KILL_PROCESS);
	LD(p, offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
	/* x32's numbers come with x86-64's arch value: a process of ours never makes them. */
	put(p, BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1);
	RET(p, SECCOMP_RET_KILL_PROCESS);
#endif
	for (size_t i = 0; i < l.hot; i++) {
		allow_if(p, (uint32_t)l.nr[i]);
	}

	/* socket: the families used, netlink for rtnetlink (and nftables) only unless programs run. */
	at = block_begin(p, __NR_socket);
	LD(p, ARG(0));
	allow_if(p, AF_UNIX);
	allow_if(p, AF_INET);
	allow_if(p, AF_INET6);
	if (needs & SC_SPAWN) {
		allow_if(p, AF_PACKET);
	}
	put(p, BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 1, 0);
	RET(p, DENY);
	if (needs & SC_SPAWN) {
		RET(p, SECCOMP_RET_ALLOW);
	} else {
		LD(p, ARG(2));
		allow_if(p, NETLINK_ROUTE);
		if (needs & SC_NFT) {
			allow_if(p, NETLINK_NETFILTER);
		}
		RET(p, DENY);
	}
	block_end(p, at);

	/* socketpair: local sockets only (ProxyCommand's connection). */
	at = block_begin(p, __NR_socketpair);
	LD(p, ARG(0));
	allow_if(p, AF_UNIX);
	RET(p, DENY);
	block_end(p, at);

	/* ioctl: any request with programs running (a shell, ip ...), else the terminal's and the interfaces'. */
	at = block_begin(p, __NR_ioctl);
	if (needs & SC_SPAWN) {
		RET(p, SECCOMP_RET_ALLOW);
	} else {
		LD(p, ARG(1));
		for (size_t i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++) {
			allow_if(p, ioctls[i]);
		}
		RET(p, DENY);
	}
	block_end(p, at);

	/*
	 * clone: never a new namespace; a process (posix_spawn, fork, the sanitizer's tracer) only where programs
	 * run, a thread (the resolver's, ssh/resolve.c) always.
	 */
	at = block_begin(p, __NR_clone);
	LD(p, ARG(0));
	put(p, BPF_JMP | BPF_JSET | BPF_K, SC_CLONE_NS, 0, 1);
	RET(p, DENY);
	if (!(needs & (SC_SPAWN | SC_SANITIZER))) {
		put(p, BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 1, 0);
		RET(p, DENY);
	}
	RET(p, SECCOMP_RET_ALLOW);
	block_end(p, at);
	/* clone3's flags are in memory a filter cannot read: ENOSYS makes libc fall back to clone. */
#if defined(__NR_clone3)
	put(p, BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1);
	RET(p, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
#endif

	for (size_t i = l.hot; i < l.n; i++) {
		allow_if(p, (uint32_t)l.nr[i]);
	}
	RET(p, DENY);
}

static unsigned with_runtime(unsigned needs)
{
	return needs | (SC_SANITIZED ? SC_SANITIZER : 0);
}

int sc_count(unsigned needs)
{
	struct sc_list l;

	make_list(&l, with_runtime(needs));
	return (int)l.n;
}

int sc_install(unsigned needs, const struct lg *log)
{
	static const char fix[] = "it needs Linux 3.17 or later built with CONFIG_SECCOMP_FILTER; set TunnelSeccomp no";
	struct prog p;
	struct sock_fprog fp;
	long r;

	build(&p, with_runtime(needs));
	if (p.n > SC_PROG_MAX) {
		LG_E(log, "TunnelSeccomp: the filter does not fit in %d instructions; set TunnelSeccomp no", SC_PROG_MAX);
		return SSHTUN_ERR_TOO_LONG;
	}
	fp.len = (unsigned short)p.n;
	fp.filter = p.f;
	/* Without it the kernel takes a filter only from a process holding CAP_SYS_ADMIN; it also keeps setuid
	 * programs started later from gaining rights. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		LG_E(log, "TunnelSeccomp: cannot set no_new_privs: %s; %s", strerror(errno), fix);
		return SSHTUN_ERR_SYS;
	}
	r = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fp);
	if (r != 0) {
		if (r > 0) {
			LG_E(log, "TunnelSeccomp: thread %ld of this process runs under another filter that cannot be "
				"joined; set TunnelSeccomp no", r);
		} else {
			LG_E(log, "TunnelSeccomp: the kernel refused the filter: %s; %s", strerror(errno), fix);
		}
		return SSHTUN_ERR_SYS;
	}
	return 0;
}

#else

int sc_count(unsigned needs)
{
	(void)needs;
	return 0;
}

int sc_install(unsigned needs, const struct lg *log)
{
	(void)needs;
	LG_E(log, "TunnelSeccomp: this build has no seccomp filter (built with --without-seccomp, or for an "
		"architecture other than x86-64 and aarch64); set TunnelSeccomp no");
	return SSHTUN_ERR_NOT_SUPPORTED;
}

#endif

int sshtun_sandbox(struct sshtun *h, unsigned flags)
{
	unsigned needs;
	int r;

	if (h->cfg.tunnel_seccomp != 1) {
		return 0;
	}
	if (h->status == SSHTUN_IDLE) {
		return SSHTUN_ERR_STATE;	/* the configuration is complete only once started */
	}
	if (h->sandboxed) {
		return 0;	/* one filter per process is enough; another would only repeat it */
	}
	needs = sc_needs(&h->cfg, flags);
	if ((r = sc_install(needs, &h->log)) != 0) {
		return r;
	}
	h->sandboxed = 1;
	LG_I(&h->log, "seccomp filter on: %d system calls allowed%s%s%s", sc_count(needs),
		needs & SC_SPAWN ? ", programs may run" : "", needs & SC_DNS ? ", DNS" : "",
		needs & SC_NFT ? ", the kill switch's nftables" : "");
	return 0;
}
