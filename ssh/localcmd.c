/*
 * sshtun: LocalCommand (with PermitLocalCommand, as ssh(1) has it) once the tunnel is up and configured, and
 * TunnelDownCommand when it goes down. Run by /bin/sh -c with ssh's %-tokens (%T the device) and the tunnel's
 * configuration in the environment (SSHTUN_*). The up command is not waited for: its pidfd joins the epoll set
 * and it is reaped when it ends (a failure is logged). The down command runs while the connection is torn down
 * and is waited for at most LC_DOWN_WAIT_MS, so that what it undoes is undone before the program goes on.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ssh/conn_int.h"
#include "ssh/spawn.h"

extern char **environ;

enum { LC_ENV_EXTRA = 16, LC_DOWN_WAIT_MS = 5000, LC_VALUE_MAX = 2048 };

/* One "NAME=value" string for the command's environment. */
static char *env_pair(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 2;
	char *s = malloc(n);

	if (s) {
		snprintf(s, n, "%s=%s", name, value);
	}
	return s;
}

/* Appends a to a space-separated list in buf. */
static void list_add(char *buf, size_t len, const struct tun_addr *a)
{
	char t[64];
	size_t at = strlen(buf);

	tun_addr_format(t, sizeof(t), a);
	snprintf(buf + at, len - at, "%s%s", at ? " " : "", t);
}

/* The tunnel's configuration as SSHTUN_* variables after the inherited environment; NULL on no memory. */
static char **make_env(const struct sshtun *h, const char *event)
{
	size_t n = 0, k = 0;
	char **env;
	char a4[64] = "", p4[64] = "", a6[64] = "", p6[64] = "", mtu[16] = "", routes[LC_VALUE_MAX] = "";
	char dns[LC_VALUE_MAX] = "", domains[LC_VALUE_MAX] = "", server[300];
	const struct rconf *rc = h->rc.state == RC_APPLIED ? &h->rc.conf : NULL;

	while (environ && environ[n]) {
		n++;
	}
	env = calloc(n + LC_ENV_EXTRA + 1, sizeof(*env));
	if (!env) {
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (strncmp(environ[i], "SSHTUN_", 7) != 0) {
			env[k++] = strdup(environ[i]);
			if (!env[k - 1]) {
				goto nomem;
			}
		}
	}
	for (unsigned i = 0; i < h->net.naddr; i++) {
		const struct net_addr *x = &h->net.addr[i];
		int v6 = x->a.family == AF_INET6;

		tun_addr_format(v6 ? a6 : a4, 64, &x->a);
		if (x->peer.family) {
			tun_addr_format(v6 ? p6 : p4, 64, &x->peer);
		}
	}
	if (h->net.mtu > 0) {
		snprintf(mtu, sizeof(mtu), "%d", h->net.mtu);
	}
	for (unsigned i = 0; i < h->net.nroute; i++) {
		list_add(routes, sizeof(routes), &h->net.route[i].dst);
	}
	for (unsigned i = 0; rc && i < rc->ndns; i++) {
		list_add(dns, sizeof(dns), &rc->dns[i]);
	}
	for (unsigned i = 0; rc && i < rc->ndomains; i++) {
		size_t at = strlen(domains);

		snprintf(domains + at, sizeof(domains) - at, "%s%s", at ? " " : "", rc->domains[i]);
	}
	snprintf(server, sizeof(server), "%s", h->cfg.hostname ? h->cfg.hostname : "");
	{
		const char *pairs[][2] = {
			{ "SSHTUN_EVENT", event }, { "SSHTUN_DEVICE", h->dev.name }, { "SSHTUN_ADDRESS", a4 },
			{ "SSHTUN_PEER", p4 }, { "SSHTUN_ADDRESS6", a6 }, { "SSHTUN_PEER6", p6 }, { "SSHTUN_MTU", mtu },
			{ "SSHTUN_ROUTES", routes }, { "SSHTUN_DNS", dns }, { "SSHTUN_DOMAINS", domains },
			{ "SSHTUN_SERVER", server },
		};

		for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
			if (!(env[k++] = env_pair(pairs[i][0], pairs[i][1]))) {
				goto nomem;
			}
		}
	}
	return env;
nomem:
	for (size_t i = 0; i < k; i++) {
		free(env[i]);
	}
	free(env);
	return NULL;
}

static void free_env(char **env)
{
	for (size_t i = 0; env && env[i]; i++) {
		free(env[i]);
	}
	free(env);
}

/* Starts kw's command by /bin/sh -c; its pid, or -1 (logged). */
static pid_t spawn(struct sshtun *h, const char *kw, const char *tmpl, const char *event)
{
	char *cmd = NULL, **env = NULL;
	char *argv[4];
	posix_spawnattr_t attr;
	pid_t pid = -1;
	int e;

	if (cfg_expand_command(&h->cfg, tmpl, h->dev.name, &cmd) != 0) {
		LG_E(&h->log, "%s: cannot expand its %%-tokens; not run", kw);
		return -1;
	}
	if (!(env = make_env(h, event))) {
		LG_E(&h->log, "%s: out of memory; not run", kw);
		free(cmd);
		return -1;
	}
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = cmd;
	argv[3] = NULL;
	LG_D1(&h->log, "running %s: %s", kw, cmd);
	/*
	 * In a process group of its own: a signal meant for sshtun's group (Ctrl-C on the terminal, a supervisor's
	 * TERM while sshtun stops) does not cut short the command that undoes things (TunnelDownCommand).
	 */
	if ((e = spawn_attr_init(&attr)) == 0) {
		e = posix_spawn(&pid, "/bin/sh", NULL, &attr, argv, env);
		posix_spawnattr_destroy(&attr);
	}
	if (e != 0) {
		LG_E(&h->log, "%s: cannot run /bin/sh: %s", kw, strerror(e));
		pid = -1;
	}
	free(cmd);
	free_env(env);
	return pid;
}

static void report(struct sshtun *h, const char *kw, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		LG_W(&h->log, "%s exited with status %d", kw, WEXITSTATUS(status));
	} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS && h->sandboxed) {
		LG_W(&h->log, "%s was killed by SIGSYS: it made a system call TunnelSeccomp's filter refuses (programs "
			"sshtun starts run under it); set TunnelSeccomp no to run it", kw);
	} else if (WIFSIGNALED(status)) {
		LG_W(&h->log, "%s was killed by signal %d", kw, WTERMSIG(status));
	}
}

int conn_local_up(struct sshtun *h)
{
	pid_t pid;
	int fd;

	if (h->cfg.permit_local_command != 1 || !h->cfg.local_command || !h->cfg.local_command[0]) {
		return 0;
	}
	if ((pid = spawn(h, "LocalCommand", h->cfg.local_command, "up")) < 0) {
		return 0;	/* as ssh: a LocalCommand that cannot run does not end the connection */
	}
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0 || io_watch_child(h, fd) != 0) {
		int status;

		if (fd >= 0) {
			close(fd);
		}
		LG_D1(&h->log, "LocalCommand: cannot watch pid %d (%s); waiting for it", (int)pid, strerror(errno));
		waitpid(pid, &status, 0);
		report(h, "LocalCommand", status);
		return 0;
	}
	h->lc_pid = pid;
	h->lc_pidfd = fd;
	return 0;
}

void conn_local_reap(struct sshtun *h)
{
	int status = 0;

	if (h->lc_pid <= 0 || waitpid(h->lc_pid, &status, WNOHANG) != h->lc_pid) {
		return;
	}
	report(h, "LocalCommand", status);
	io_unwatch_child(h, h->lc_pidfd);
	close(h->lc_pidfd);
	h->lc_pidfd = -1;
	h->lc_pid = 0;
}

void conn_local_down(struct sshtun *h)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	pid_t pid;
	int status = 0;

	if (h->lc_pid > 0) {
		/* Still running: it is not waited for any more, and its pidfd goes. */
		if (h->lc_pidfd >= 0) {
			close(h->lc_pidfd);
		}
		h->lc_pidfd = -1;
		h->lc_pid = 0;
	}
	if (h->cfg.permit_local_command != 1 || !h->cfg.tunnel_down_command || !h->cfg.tunnel_down_command[0] ||
	    !h->local_up_ran) {
		return;
	}
	h->local_up_ran = 0;
	if ((pid = spawn(h, "TunnelDownCommand", h->cfg.tunnel_down_command, "down")) < 0) {
		return;
	}
	for (int waited = 0; waited < LC_DOWN_WAIT_MS; waited += 10) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			report(h, "TunnelDownCommand", status);
			return;
		}
		nanosleep(&ts, NULL);
	}
	LG_W(&h->log, "TunnelDownCommand still runs after %d s: left running (pid %d)", LC_DOWN_WAIT_MS / 1000, (int)pid);
}
