/* sshtun: the sshtun program: options, logging to stderr, signals, exit statuses; built on the public API. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "cli/ask.h"
#include "cli/options.h"
#include "cli/privdrop.h"
#include "cli/service.h"
#include "config.h"
#include "sshtun.h"

/* Exit statuses by error class (documented in sshtun.1). */
static int exit_status(int err)
{
	switch (sshtun_errclass(err)) {
	case SSHTUN_CLASS_OK:
		return 0;
	case SSHTUN_CLASS_CONFIG:
		return 2;
	case SSHTUN_CLASS_CONNECT:
		return 3;
	case SSHTUN_CLASS_HOSTKEY:
		return 4;
	case SSHTUN_CLASS_AUTH:
		return 5;
	case SSHTUN_CLASS_TUNNEL:
		return 6;
	case SSHTUN_CLASS_DEVICE:
		return 7;
	case SSHTUN_CLASS_PROTOCOL:
		return 8;
	case SSHTUN_CLASS_REMOTE:
		return 9;
	default:
		return 1;
	}
}

static void log_stderr(void *ud, int level, const char *line)
{
	(void)ud;
	if (svc_detached()) {
		svc_syslog(level, line);
		return;
	}
	if (level >= SSHTUN_LOG_DEBUG1) {
		fprintf(stderr, "debug%d: %s\n", level - SSHTUN_LOG_DEBUG1 + 1, line);
	} else if (level == SSHTUN_LOG_WARN) {
		fprintf(stderr, "sshtun: warning: %s\n", line);
	} else {
		fprintf(stderr, "sshtun: %s\n", line);
	}
}

static void syslog_up(const struct sshtun_info *info)
{
	char line[512];

	snprintf(line, sizeof(line), "tunnel up again: %s %s via %s (%u reconnects)", info->device, info->address,
		info->server, info->reconnects);
	svc_syslog(SSHTUN_LOG_INFO, line);
}

static void on_status(void *ud, int status)
{
	struct sshtun *h = *(struct sshtun **)ud;
	struct sshtun_info info;
	char text[600];

	sshtun_get_info(h, &info, sizeof(info));
	if (status == SSHTUN_RECONNECTING) {
		snprintf(text, sizeof(text), "STATUS=reconnecting: %.500s", info.last_loss);
		svc_notify(text);
		return;
	}
	if (status != SSHTUN_UP) {
		return;
	}
	snprintf(text, sizeof(text), "READY=1\nSTATUS=tunnel up: %s %s via %s", info.device, info.address, info.server);
	svc_notify(text);
	if (svc_detached()) {
		syslog_up(&info);
		return;
	}
	printf("sshtun: tunnel up: %s%s%s%s%s%s%s%s%s via %s (%s, %s%s%s%s%s)\n", info.device, info.address[0] ? " " : "",
		info.address, info.peer[0] ? " peer " : "", info.peer,
		info.address6[0] && strcmp(info.address6, info.address) ? " " : "",
		info.address6[0] && strcmp(info.address6, info.address) ? info.address6 : "",
		info.peer6[0] && strcmp(info.address6, info.address) ? " peer " : "",
		info.peer6[0] && strcmp(info.address6, info.address) ? info.peer6 : "", info.server, info.kex, info.cipher,
		info.mac[0] ? " " : "", info.mac, strcmp(info.compression, "none") ? ", " : "",
		strcmp(info.compression, "none") ? info.compression : "");
	fflush(stdout);
	svc_detach(sshtun_syslog_facility(h));	/* -f: now to the background (nothing happens without it) */
}

/*
 * The command line went into the handle as it was parsed (first wins); the files come after it; then the
 * program's own defaults where nothing set them: a VPN left running reconnects (TunnelReconnect yes).
 */
static int apply_options(struct sshtun *h, const struct cli_opts *o, const struct priv_user *pu)
{
	int r;

	/*
	 * Root that will become a user reads the files as that user: with its rights, ~/.ssh/config as its own.
	 * (SSHTUN_HAVE_PRIVDROP, here and below: a build without the drop never drops, and keeps none of its code.)
	 */
	if (SSHTUN_HAVE_PRIVDROP && pu->drop && priv_files_begin() != 0) {
		return SSHTUN_ERR_SYS;
	}
	r = sshtun_read_config(h, o->config_file);
	if (SSHTUN_HAVE_PRIVDROP && pu->drop && priv_files_end() != 0) {
		return SSHTUN_ERR_SYS;
	}
	return r != 0 ? r : sshtun_set_params(h, "TunnelReconnect", "yes", NULL);
}

/*
 * --pidfile when root becomes a user: the file is written after the change, by the user, so that the user can
 * remove it at the end; its directory must let the user do both. Checked before anything starts (access()
 * asks as the real uid, the user's by now, and without capabilities). 0, or 2 with one line.
 */
static int pidfile_dir_ok(const char *path, const struct priv_user *pu)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int n = (int)(slash - path);

	snprintf(dir, sizeof(dir), "%.*s", n > 0 ? n : 1, path);
	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "sshtun: --pidfile %s: %s, whom sshtun becomes after the start, cannot write in %s (it "
			"writes and removes the file); give a directory %s may write, or --user root\n", path, pu->name,
			dir, pu->name);
		return 2;
	}
	return 0;
}

/*
 * After sshtun_start (the device open, the kill switch in, the connection only begun: nothing from the server
 * parsed yet), as root with a user to become: the drop. CAP_NET_ADMIN is kept for what a reconnect or the
 * teardown changes (addresses, routes, the kill switch, resolvectl); programs sshtun runs get it as an ambient
 * capability. Where the tunnel's DNS may go to /etc/resolv.conf, the process alone also keeps what creating,
 * renaming and giving root's owner to files in /etc takes; through resolvconf (a program writing root's files)
 * sshtun stays root and says so. Then --pidfile, written by whoever sshtun now is. 0, or -1 with one line.
 */
static int after_start(struct sshtun *h, const struct priv_user *pu, const char *pidfile, int level)
{
	uint64_t keep = PRIV_CAP_NET_ADMIN;
	char caps[160], line[1024];
	int way = sshtun_dns_way(h);

	if (way == SSHTUN_DNS_RESOLVCONF) {
		snprintf(line, sizeof(line), "staying root, not becoming %s: the tunnel's DNS goes through resolvconf, "
			"which writes files only root may; with systemd-resolved running, or without TunnelDNS and "
			"TunnelConfigCommand, sshtun runs as %s", pu->name, pu->name);
		if (level >= SSHTUN_LOG_WARN) {
			log_stderr(NULL, SSHTUN_LOG_WARN, line);
		}
		if (priv_restore() != 0) {
			return -1;
		}
	} else {
		if (way == SSHTUN_DNS_FILE) {
			keep |= PRIV_CAP_DAC_OVERRIDE | PRIV_CAP_CHOWN | PRIV_CAP_FOWNER;
		}
		if (priv_drop(pu, keep, PRIV_CAP_NET_ADMIN) != 0) {
			priv_rescue();
			return -1;
		}
		if (level >= SSHTUN_LOG_DEBUG1) {
			priv_caps_text(keep, caps, sizeof(caps));
			snprintf(line, sizeof(line), "running as %s (uid %u, gid %u, from %s) from here on, keeping %s",
				pu->name, (unsigned)pu->uid, (unsigned)pu->gid, pu->from, caps);
			log_stderr(NULL, SSHTUN_LOG_DEBUG1, line);
		}
	}
	return pidfile && svc_pidfile_write(pidfile) != 0 ? -1 : 0;
}

/* SIGUSR1: one line on how the tunnel does. */
static void status_line(struct sshtun *h)
{
	static const char *const names[] = { "idle", "connecting", "authenticating", "opening", "up", "reconnecting",
		"stopping", "stopped", "failed" };
	struct sshtun_info info;
	int st = sshtun_status(h);
	char line[1400];

	sshtun_get_info(h, &info, sizeof(info));
	snprintf(line, sizeof(line), "status: %s, %s%s%s, up %llu s (first up %llu s ago), %llu bytes out, %llu in, "
		"%u rekeys, last round trip %u.%03u ms, %u reconnects%s%s",
		st >= 0 && st < (int)(sizeof(names) / sizeof(names[0])) ? names[st] : "?", info.device,
		info.address[0] ? " " : "", info.address, (unsigned long long)info.uptime_s,
		(unsigned long long)info.first_up_s, (unsigned long long)info.bytes_out, (unsigned long long)info.bytes_in,
		info.rekeys, info.rtt_us / 1000, info.rtt_us % 1000, info.reconnects, info.last_loss[0] ? "; last lost: " : "",
		info.last_loss);
	log_stderr(NULL, SSHTUN_LOG_INFO, line);	/* to syslog once in the background */
}

static volatile sig_atomic_t got_signal, got_hup, got_usr1;

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		got_hup = 1;
	} else if (sig == SIGUSR1) {
		got_usr1 = 1;
	} else {
		got_signal = sig;
	}
}

/*
 * TunnelSeccomp: a system call outside the filter is not made; it raises SIGSYS in the thread that made it
 * (SECCOMP_RET_TRAP). The handler makes the call fail with EPERM and says which call it was, in one line written
 * at once (whatever state the process is in); the loop then stops the tunnel cleanly, so that the addresses,
 * routes, DNS and kill switch are undone rather than left behind by a killed process (what
 * SECCOMP_RET_KILL_PROCESS would do). Exit status 1.
 */
static volatile sig_atomic_t sigsys_nr = -1;

#if defined(__x86_64__)
#define ARCH_NAME "x86_64"
#elif defined(__aarch64__)
#define ARCH_NAME "aarch64"
#endif

#ifdef ARCH_NAME
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1	/* si_code of a SIGSYS from seccomp (linux/asm-generic/siginfo.h; glibc lacks it) */
#endif

/* "... system call N (arch) ...": the line, formatted with async-signal-safe code only. */
static size_t sigsys_line(char *buf, size_t len, int nr)
{
	static const char head[] = "sshtun: TunnelSeccomp: system call ";
	static const char tail[] = " (" ARCH_NAME ") is not on the filter's list: it was refused and sshtun stops; "
		"run with -o TunnelSeccomp=no, and please report the number\n";
	char digits[16];
	size_t n = 0, d = 0;
	unsigned v = nr < 0 ? 0u : (unsigned)nr;

	do {
		digits[d++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && d < sizeof(digits));
	if (sizeof(head) - 1 + d + sizeof(tail) - 1 > len) {
		return 0;
	}
	memcpy(buf, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	while (d) {
		buf[n++] = digits[--d];
	}
	memcpy(buf + n, tail, sizeof(tail) - 1);
	return n + sizeof(tail) - 1;
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	int saved = errno;

	(void)sig;
	if (si->si_code != SYS_SECCOMP) {
		return;	/* sent by someone (kill -SYS): nothing was refused */
	}
	if (sigsys_nr < 0) {
		char line[300];
		size_t n = sigsys_line(line, sizeof(line), si->si_syscall);

		sigsys_nr = si->si_syscall;
		if (n && write(STDERR_FILENO, line, n) < 0) {
			/* nowhere to say it: the exit status still does */
		}
	}
	/* The return value register holds the call's number now: make it the error a refused call gives. */
#if defined(__x86_64__)
	uc->uc_mcontext.gregs[REG_RAX] = -EPERM;
#else
	uc->uc_mcontext.regs[0] = (unsigned long long)-EPERM;
#endif
	errno = saved;
}
#endif

/* 1 if the filter refused a call; in the background (stderr is /dev/null) the line goes to syslog, once. */
static int sigsys_seen(void)
{
	static int logged;

	if (sigsys_nr < 0) {
		return 0;
	}
#ifdef ARCH_NAME
	if (svc_detached() && !logged) {
		char line[300];
		size_t n = sigsys_line(line, sizeof(line), sigsys_nr);

		logged = 1;
		if (n > 8) {
			line[n - 1] = '\0';	/* no newline, and no "sshtun: ": syslog names us */
			svc_syslog(SSHTUN_LOG_ERROR, line + 8);
		}
	}
#endif
	return 1;
}

/* TunnelSeccomp's filter for the whole process (nothing without it); 0, or 1 after the library's one line. */
static int sandbox(struct sshtun *h)
{
#ifdef ARCH_NAME
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSYS, &sa, NULL);
#endif
	/* An askpass program answering a question later runs under the filter too: say so. */
	return sshtun_sandbox(h, cli_ask_may_spawn() ? SSHTUN_SANDBOX_SPAWN : 0) == 0 ? 0 : 1;
}

/*
 * SIGINT, SIGTERM, SIGHUP and SIGUSR1 stay blocked except while the library waits (epoll_pwait), so a signal is
 * never lost between checking the flag and waiting: one system call per wakeup. INT and TERM stop cleanly, HUP
 * reconnects now (before a tunnel was up: it stops), USR1 prints a status line.
 */
static int run(struct sshtun **hp, const struct priv_user *pu, const char *pidfile, int level)
{
	struct sshtun *h = *hp;
	struct sigaction sa;
	sigset_t block, waitmask;
	int r, stopping = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGHUP);
	sigdelset(&waitmask, SIGUSR1);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sshtun_set_status_cb(h, on_status, hp);
	sshtun_set_prompt_cb(h, cli_ask, h);
	cli_ask_set_sigmask(&waitmask);
	r = sshtun_start(h);
	if (r == 0 && SSHTUN_HAVE_PRIVDROP && pu->drop && after_start(h, pu, pidfile, level) != 0) {
		sshtun_stop(h);	/* with what rights are left: the device, routes and kill switch go */
		return 1;
	}
	/* After start and any privilege drop: the seccomp filter comes last, once everything is set up. */
	if (r == 0 && sandbox(h) != 0) {
		sshtun_stop(h);
		return 1;
	}
	while (r == 0 && sshtun_status(h) < SSHTUN_STOPPED) {
		if (sigsys_seen() && !got_signal) {
			got_signal = SIGSYS;
		}
		if (got_usr1) {
			got_usr1 = 0;
			status_line(h);
		}
		if (got_hup) {
			got_hup = 0;
			svc_notify("RELOADING=1");
			/* The files read again, then a reconnect; a configuration that no longer parses: the old one, reconnected. */
			r = sshtun_reload(h);
			if (r != 0 && r != SSHTUN_ERR_STATE) {
				r = sshtun_reconnect(h);
			}
			if (r != 0) {
				got_signal = SIGHUP;	/* no tunnel yet to keep: as ssh, the signal ends it */
			}
			r = 0;
		}
		if (got_signal && !stopping) {
			stopping = 1;
			svc_notify("STOPPING=1");
			sshtun_stop(h);
			continue;
		}
		sshtun_dispatch_wait(h, sshtun_timeout_ms(h), &waitmask);
	}
	if (sigsys_seen()) {
		return 1;
	}
	if (sshtun_error(h)) {
		fprintf(stderr, "sshtun: %s\n", sshtun_error_text(h)[0] ? sshtun_error_text(h) : sshtun_strerror(sshtun_error(h)));
		return exit_status(sshtun_error(h));
	}
	if (r != 0) {
		fprintf(stderr, "sshtun: %s; %s\n", sshtun_strerror(r), sshtun_errhint(r));
		return exit_status(r);
	}
	return 0;
}

/*
 * -G: the configuration as sshtun would use it, "keyword value" per line with the keyword in lower case (a list
 * one line per value), as ssh -G prints it; options without a value are left out.
 */
static int print_config(struct sshtun *h)
{
	static const char *const keywords[] = {
		"Host", "HostName", "Port", "User", "IdentityFile", "CertificateFile", "IdentitiesOnly", "IdentityAgent",
		"AddKeysToAgent", "PreferredAuthentications", "PubkeyAuthentication", "KbdInteractiveAuthentication",
		"PasswordAuthentication", "NumberOfPasswordPrompts", "BatchMode", "UserKnownHostsFile",
		"GlobalKnownHostsFile", "StrictHostKeyChecking", "HashKnownHosts", "HostKeyAlias", "Ciphers", "MACs",
		"KexAlgorithms", "HostKeyAlgorithms", "PubkeyAcceptedAlgorithms", "CASignatureAlgorithms",
		"RequiredRSASize", "WarnWeakCrypto", "RekeyLimit", "Compression", "ConnectTimeout", "ConnectionAttempts",
		"ServerAliveInterval", "ServerAliveCountMax", "TCPKeepAlive", "AddressFamily", "BindAddress",
		"BindInterface", "ProxyCommand", "ProxyJump", "LogLevel", "SyslogFacility", "Tunnel", "TunnelDevice",
		"TunnelAddress", "TunnelPeer", "TunnelMTU", "TunnelRoute", "TunnelDNS", "TunnelBridge",
		"TunnelConfigCommand", "TunnelConfigure", "TunnelAckThinning", "TunnelReconnect", "TunnelKillSwitch",
		"TunnelSeccomp", "PermitLocalCommand", "LocalCommand", "TunnelDownCommand",
	};
	char buf[8192], name[64];

	/*
	 * A build without sshtun_get_option's table (-DSSHTUN_CONFIG_GET=0): the configuration is still read and
	 * finished, so what it refuses is said, and only then does -G say it cannot print.
	 */
	if (sshtun_algorithms("feature", buf, sizeof(buf)) == 0 && !strstr(buf, "config-get")) {
		int r = sshtun_get_option(h, "HostName", buf, sizeof(buf));

		if (r != SSHTUN_ERR_NOT_SUPPORTED) {
			fprintf(stderr, "sshtun: -G: %s\n", sshtun_strerror(r));
			return exit_status(r);
		}
		fprintf(stderr, "sshtun: -G: this build cannot print its configuration (built with -DSSHTUN_CONFIG_GET=0); "
			"the configuration was read and checked\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		int r = sshtun_get_option(h, keywords[i], buf, sizeof(buf));
		size_t k;

		if (r == SSHTUN_ERR_NO_VALUE || r == SSHTUN_ERR_NOT_SUPPORTED) {
			continue;
		}
		if (r < 0) {
			fprintf(stderr, "sshtun: -G: %s: %s\n", keywords[i], sshtun_strerror(r));
			return exit_status(r);
		}
		for (k = 0; keywords[i][k] && k + 1 < sizeof(name); k++) {
			name[k] = (char)tolower((unsigned char)keywords[i][k]);
		}
		name[k] = '\0';
		for (char *p = buf, *end; p;) {
			end = strchr(p, '\n');
			printf("%s %.*s\n", name, end ? (int)(end - p) : (int)strlen(p), p);
			p = end ? end + 1 : NULL;
		}
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

/* -Q KIND: what this build supports, one per line (as ssh -Q). */
static int query(const char *kind)
{
	char buf[4096];
	int r = sshtun_algorithms(kind, buf, sizeof(buf));

	if (r == SSHTUN_ERR_NOT_SUPPORTED) {
		fprintf(stderr, "sshtun: -Q %s: unknown query; try kex, cipher, mac, compression, key, key-plain, key-cert, "
			"sig or feature\n", kind);
		return 2;
	}
	if (r != 0) {
		fprintf(stderr, "sshtun: -Q %s: %s\n", kind, sshtun_strerror(r));
		return 1;
	}
	for (char *p = buf; *p;) {
		size_t n = strcspn(p, ",");

		printf("%.*s\n", (int)n, p);
		p += n + (p[n] == ',');
	}
	/* The library knows its own parts only: the program's privilege drop (cli/privdrop.c) is named here. */
	if (SSHTUN_HAVE_PRIVDROP && strcmp(kind, "feature") == 0) {
		printf("privdrop\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_opts o;
	struct priv_user pu;
	struct sshtun *h = NULL;
	int r, level;

	r = cli_parse(&o, argc, argv);
	if (r != 0) {
		return 2;
	}
	if (o.help) {
		cli_usage();
		cli_opts_free(&o);
		return 0;
	}
	if (o.version) {
		printf("sshtun %s\n", SSHTUN_VERSION);
		cli_opts_free(&o);
		return 0;
	}
	if (o.query) {
		r = query(o.query);
		cli_opts_free(&o);
		return r;
	}
	if (o.cleanup) {
		r = sshtun_cleanup(log_stderr, NULL);
		cli_opts_free(&o);
		return r == 0 ? 0 : exit_status(r);
	}
	h = o.h;	/* the handle cli_parse filled: ours now */
	o.h = NULL;
	level = o.quiet ? SSHTUN_LOG_ERROR : SSHTUN_LOG_WARN + o.verbose + (o.verbose > 0);
	sshtun_set_log(h, log_stderr, NULL, level);
	if (priv_target(&pu, o.user) != 0) {
		r = 2;
	} else if (SSHTUN_HAVE_PRIVDROP && pu.drop && priv_assume(&pu) != 0) {
		r = 1;
	} else if (SSHTUN_HAVE_PRIVDROP && pu.drop && o.pidfile && pidfile_dir_ok(o.pidfile, &pu) != 0) {
		r = 2;
	} else if ((r = apply_options(h, &o, &pu)) != 0) {
		if (r != SSHTUN_ERR_SYS) {
			fprintf(stderr, "sshtun: %s; %s\n", sshtun_strerror(r), sshtun_errhint(r));
		}
		r = exit_status(r);
	} else if (o.print_config) {
		r = print_config(h);
	} else if (o.background && svc_fork() != 0) {
		fprintf(stderr, "sshtun: -f: cannot fork: %s\n", strerror(errno));
		r = 1;
	} else if (!pu.drop && o.pidfile && svc_pidfile_write(o.pidfile) != 0) {
		r = 1;
	} else {
		r = run(&h, &pu, o.pidfile, level);
		svc_pidfile_remove();
	}
	sshtun_del(h);
	cli_opts_free(&o);
	return r;
}
