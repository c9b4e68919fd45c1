/* sshtun: the one thin I/O module: the socket, the tun fd, a timer and epoll. The protocol core never sees an fd. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "ssh/conn_int.h"
#include "ssh/spawn.h"

extern char **environ;

enum {
	TUN_BUDGET = 64,		/* frames read from tun per wakeup before the socket gets a turn */
	SOCK_READS = 4,			/* reads from the socket per wakeup */
	OUT_HIGH = 512 * 1024,		/* unsent bytes above which tun reads pause */
	TICK_MS = 1000,
	/*
	 * Receive coalescing. Under a heavy download the server's packets arrive one per wakeup, so none
	 * can be coalesced for the device and the receiving stack acknowledges every other one; each ACK
	 * costs the server (sshd, the bottleneck) a packet. While more than COALESCE_ON frames a second
	 * of at least COALESCE_MIN_AVG bytes on average arrive (a download, not the ACKs of an upload),
	 * the socket wakes us only once COALESCE_BYTES are queued (SO_RCVLOWAT), and a timer every
	 * COALESCE_US takes whatever is there, so no packet waits longer. Otherwise it is off.
	 */
	COALESCE_MIN_AVG = 512,
	COALESCE_ON = 8000,
	COALESCE_OFF = 3000,
	COALESCE_BYTES = 512 * 1024,
	COALESCE_US = 500,
	/*
	 * Memory: after SHRINK_IDLE_S ticks in a row that each moved no more than SHRINK_TRICKLE bytes on the wire
	 * (keepalives, a ping now and then), the buffers a transfer grew give their pages back (conn_shrink), and
	 * again every SHRINK_IDLE_S seconds while it stays so. A busy tunnel never gets there, so the data path
	 * pays nothing; the first burst after a quiet spell faults the pages in again (a few MiB: about a millisecond).
	 */
	SHRINK_IDLE_S = 5,
	SHRINK_TRICKLE = 64 * 1024
};

enum { EV_SOCK = 1, EV_TUN = 2, EV_TIMER = 3, EV_FLUSH = 4, EV_WAKE = 5, EV_AGENT = 6, EV_CHILD = 7, EV_JUMP = 8, EV_RELAY = 9, EV_RESOLVED = 10 };

uint64_t io_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t io_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int ep_set(struct sshtun *h, int op, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = tag;
	return epoll_ctl(h->epfd, op, fd, &ev);
}

int io_setup(struct sshtun *h)
{
	struct itimerspec its;

	h->epfd = epoll_create1(EPOLL_CLOEXEC);
	h->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (h->epfd < 0 || h->timerfd < 0) {
		return SSHTUN_ERR_SYS;
	}
	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = TICK_MS / 1000;
	its.it_value.tv_sec = TICK_MS / 1000;
	if (timerfd_settime(h->timerfd, 0, &its, NULL) != 0 || ep_set(h, EPOLL_CTL_ADD, h->timerfd, EPOLLIN, EV_TIMER) != 0) {
		return SSHTUN_ERR_SYS;
	}
	h->flushfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (h->flushfd < 0 || ep_set(h, EPOLL_CTL_ADD, h->flushfd, EPOLLIN, EV_FLUSH) != 0) {
		return SSHTUN_ERR_SYS;
	}
	/* An answer to a question (sshtun_answer) wakes the program's poll through this. */
	h->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h->wakefd < 0 || ep_set(h, EPOLL_CTL_ADD, h->wakefd, EPOLLIN, EV_WAKE) != 0) {
		return SSHTUN_ERR_SYS;
	}
	return 0;
}

/* Turns receive coalescing on or off (see COALESCE_ON). */
static void set_coalesce(struct sshtun *h, int on)
{
	struct itimerspec its;
	int lowat = on ? COALESCE_BYTES : 1;

	if (on == h->coalescing || h->sock < 0) {
		return;
	}
	memset(&its, 0, sizeof(its));
	if (on) {
		its.it_interval.tv_nsec = COALESCE_US * 1000;
		its.it_value.tv_nsec = COALESCE_US * 1000;
	}
	if (setsockopt(h->sock, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat)) != 0 ||
	    timerfd_settime(h->flushfd, 0, &its, NULL) != 0) {
		return;
	}
	h->coalescing = on;
	LG_D1(&h->log, "receive coalescing %s", on ? "on" : "off");
}

/* Once a second: is the tunnel busy enough for receive coalescing? */
static void judge_coalesce(struct sshtun *h)
{
	uint64_t frames = h->tun_chan ? h->tun_chan->rx_frames : 0;
	uint64_t bytes = h->tun_chan ? h->tun_chan->rx_bytes : 0;
	uint64_t rate = frames - h->rx_frames_mark;
	uint64_t avg = rate ? (bytes - h->rx_bytes_mark) / rate : 0;

	h->rx_frames_mark = frames;
	h->rx_bytes_mark = bytes;
	if (h->status != SSHTUN_UP || avg < COALESCE_MIN_AVG || rate < COALESCE_OFF * (TICK_MS / 1000)) {
		set_coalesce(h, 0);
	} else if (rate > COALESCE_ON * (TICK_MS / 1000)) {
		set_coalesce(h, 1);
	}
}

/* Once a second: has the tunnel been quiet long enough for its buffers to give their memory back? */
static void judge_shrink(struct sshtun *h)
{
	uint64_t bytes = tp_bytes_in(h->tp) + tp_bytes_out(h->tp);

	if (h->status != SSHTUN_UP || bytes - h->quiet_mark > SHRINK_TRICKLE) {
		h->quiet_ticks = 0;
	} else if (++h->quiet_ticks >= SHRINK_IDLE_S * (1000 / TICK_MS)) {
		h->quiet_ticks = 0;
		conn_shrink(h);
	}
	h->quiet_mark = bytes;
}

/* The connection's socket (connecting, or ProxyCommand's end) into the epoll set, for its outcome and its data. */
static int watch_sock(struct sshtun *h, int fd)
{
	h->sock = fd;
	h->sock_want_out = 1;
	return ep_set(h, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLOUT, EV_SOCK) == 0 ? 0 : SSHTUN_ERR_SYS;
}

/*
 * ProxyCommand: the command's stdin and stdout are the connection, one end of a socketpair (so the rest of the
 * I/O is the same as over TCP). Run as ssh runs it: "exec COMMAND" by /bin/sh, %h %p %r %n expanded, stderr
 * shared with ours, in a process group of its own; ended with SIGHUP when the connection is closed.
 */
static int connect_proxy(struct sshtun *h)
{
	char *cmd = NULL, *full = NULL;
	char *argv[4];
	int sv[2] = { -1, -1 }, e;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	size_t n;

	if (cfg_expand_command(&h->cfg, h->cfg.proxy_command, NULL, &cmd) != 0) {
		conn_fail(h, SSHTUN_ERR_CONFIG, "ProxyCommand: cannot expand its %%-tokens");
		return SSHTUN_ERR_CONFIG;
	}
	n = strlen(cmd) + 6;
	if (!(full = malloc(n))) {
		free(cmd);
		return SSHTUN_ERR_NOMEM;
	}
	snprintf(full, n, "exec %s", cmd);
	free(cmd);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		free(full);
		return SSHTUN_ERR_SYS;
	}
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = full;
	argv[3] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	LG_D1(&h->log, "running ProxyCommand: %s", full);
	if ((e = spawn_attr_init(&attr)) == 0) {
		e = posix_spawn(&h->proxy_pid, "/bin/sh", &fa, &attr, argv, environ);
		posix_spawnattr_destroy(&attr);
	}
	posix_spawn_file_actions_destroy(&fa);
	free(full);
	close(sv[1]);
	if (e != 0) {
		close(sv[0]);
		h->proxy_pid = 0;
		conn_fail(h, SSHTUN_ERR_CONNECT, "cannot run ProxyCommand: %s", strerror(e));
		return SSHTUN_ERR_CONNECT;
	}
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) != 0) {
		close(sv[0]);
		return SSHTUN_ERR_SYS;
	}
	return watch_sock(h, sv[0]);
}

/* A resolution still running is given up (its thread frees what it has when getaddrinfo returns). */
static void stop_resolving(struct sshtun *h)
{
	if (!h->resolving) {
		return;
	}
	if (h->epfd >= 0) {
		epoll_ctl(h->epfd, EPOLL_CTL_DEL, h->resolve_fd, NULL);
	}
	resolve_abandon(h->resolving);
	h->resolving = NULL;
	h->resolve_fd = -1;
}

void io_close_sock(struct sshtun *h)
{
	stop_resolving(h);
	conn_jump_free(h);
	if (SSHTUN_JUMP && h->jump.fd >= 0) {	/* a hop's end of the socketpair */
		close(h->jump.fd);
		h->jump.fd = -1;
		h->jump.fd_events = 0;
	}
	if (h->sock >= 0) {
		if (h->epfd >= 0) {
			epoll_ctl(h->epfd, EPOLL_CTL_DEL, h->sock, NULL);
		}
		close(h->sock);
		h->sock = -1;
	}
	if (h->proxy_pid > 0) {
		int status = 0;
		pid_t w = 0;

		/* As ssh ends its ProxyCommand; reaped if it is gone by now (else init will, once we exit). */
		kill(h->proxy_pid, SIGHUP);
		for (int i = 0; i < 50 && (w = waitpid(h->proxy_pid, &status, WNOHANG)) == 0; i++) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
		if (w == h->proxy_pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS && h->sandboxed) {
			LG_W(&h->log, "ProxyCommand was killed by SIGSYS: it made a system call TunnelSeccomp's filter refuses "
				"(programs sshtun starts run under it); set TunnelSeccomp no to run it");
		}
		h->proxy_pid = 0;
	}
}

/*
 * The numeric form of an address of the list, for messages, as getnameinfo's NI_NUMERICHOST gives it (a link-local
 * IPv6 address with its "%interface"), from inet_ntop: getnameinfo would link the C library's reverse lookup into a
 * static program for nothing.
 */
static void ai_text(const struct addrinfo *ai, char *out, size_t len)
{
	const void *a = NULL;
	uint32_t scope = 0;

	if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(struct sockaddr_in)) {
		a = &((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr;
	} else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)ai->ai_addr;

		a = &s6->sin6_addr;
		scope = s6->sin6_scope_id;
	}
	if (a == NULL || len > INT_MAX || inet_ntop(ai->ai_family, a, out, (socklen_t)len) == NULL) {
		snprintf(out, len, "?");
		return;
	}
	if (scope != 0) {
		char ifn[IF_NAMESIZE];
		size_t n = strlen(out);

		if (if_indextoname(scope, ifn) != NULL) {
			snprintf(out + n, len - n, "%%%s", ifn);
		} else {
			snprintf(out + n, len - n, "%%%" PRIu32, scope);
		}
	}
}

/* BindAddress and BindInterface on a socket of family fam: 0, or an errno (the address is of another family: skip). */
static int bind_local(struct sshtun *h, int fd, int fam)
{
	const char *ba = h->cfg.bind_address, *bi = h->cfg.bind_interface;

	if (bi && bi[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, bi, (socklen_t)strlen(bi)) != 0) {
		return errno;
	}
	if (ba && ba[0]) {
		struct sockaddr_storage ss;
		socklen_t sl;

		memset(&ss, 0, sizeof(ss));
		if (fam == AF_INET && inet_pton(AF_INET, ba, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
			ss.ss_family = AF_INET;
			sl = sizeof(struct sockaddr_in);
		} else if (fam == AF_INET6 && inet_pton(AF_INET6, ba, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
			ss.ss_family = AF_INET6;
			sl = sizeof(struct sockaddr_in6);
		} else {
			return EAFNOSUPPORT;
		}
		if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
			return errno;
		}
	}
	return 0;
}

/*
 * Starts a non-blocking connect to the next address of the list that takes one; the connection's outcome comes
 * in on_connected, which tries the next address on failure. When the list is used up, ConnectionAttempts
 * starts it again a second later; after the last attempt the connection fails with the last address's error.
 */
static int try_next(struct sshtun *h)
{
	char where[INET6_ADDRSTRLEN + 8];
	int fd, e;

	for (; h->ai_cur; h->ai_cur = h->ai_cur->ai_next) {
		struct addrinfo *ai = h->ai_cur;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			h->ai_errno = errno;
			continue;
		}
		if ((e = bind_local(h, fd, ai->ai_family)) != 0) {
			if (e != EAFNOSUPPORT) {
				ai_text(ai, where, sizeof(where));
				LG_I(&h->log, "cannot bind to %s%s%s for %s: %s", h->cfg.bind_address ? h->cfg.bind_address : "",
					h->cfg.bind_interface && h->cfg.bind_interface[0] ? " interface " : "",
					h->cfg.bind_interface ? h->cfg.bind_interface : "", where, strerror(e));
			}
			h->ai_errno = e;
			close(fd);
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
			int one = 1;

			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			if (h->cfg.tcp_keepalive == 1) {
				setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));	/* TCPKeepAlive, as ssh sets it */
			}
			ai_text(ai, where, sizeof(where));
			LG_D1(&h->log, "connecting to %s port %d", where, h->cfg.port);
			return watch_sock(h, fd);
		}
		h->ai_errno = errno;
		ai_text(ai, where, sizeof(where));
		LG_I(&h->log, "cannot connect to %s port %d: %s", where, h->cfg.port, strerror(errno));
		close(fd);
	}
	if (h->attempts_left > 0) {
		h->attempts_left--;
		h->retry_at_ms = io_now_ms() + 1000;	/* ConnectionAttempts: the list again in a second */
		return 0;
	}
	conn_fail(h, SSHTUN_ERR_CONNECT, "cannot connect to %s port %d: %s; check the host, the port and that sshd runs",
		h->cfg.hostname, h->cfg.port, strerror(h->ai_errno ? h->ai_errno : ECONNREFUSED));
	return SSHTUN_ERR_CONNECT;
}

void io_free_addrs(struct sshtun *h, int force)
{
	h->ai_cur = NULL;
	h->retry_at_ms = 0;
	if (h->ks.on && !force) {
		return;	/* the kill switch lets only these through: a reconnect uses them, resolving nothing anew */
	}
	if (h->ai_list) {
		freeaddrinfo(h->ai_list);
	}
	h->ai_list = NULL;
}

/* The addresses are known: the kill switch, then the first connect. */
static int connect_addrs(struct sshtun *h)
{
	int r;

	/* The kill switch goes on before the first packet leaves: from here only the server's addresses are reached. */
	if (h->cfg.tunnel_kill_switch == 1 && !h->jump.parent && !h->ks.on && (r = ks_enable(&h->ks, h->dev.name, h->ai_list, &h->log)) != 0) {
		conn_fail(h, r, "cannot put the kill switch in place (TunnelKillSwitch); see the line above");
		return r;
	}
	h->ai_cur = h->ai_list;
	h->ai_errno = 0;
	h->attempts_left = h->cfg.connection_attempts > 1 ? h->cfg.connection_attempts - 1 : 0;
	return try_next(h);
}

/* The resolver's thread is done (its eventfd is readable). */
static int on_resolved(struct sshtun *h)
{
	struct resolve_job *job = h->resolving;
	int rc;

	if (!job) {
		return 0;
	}
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, h->resolve_fd, NULL);
	h->resolving = NULL;
	h->resolve_fd = -1;
	rc = resolve_finish(job, &h->ai_list);
	if (rc != 0) {
		h->ai_list = NULL;
		conn_fail(h, SSHTUN_ERR_RESOLVE, "cannot resolve %s: %s; check the host name or HostName in ssh_config",
			h->cfg.hostname, gai_strerror(rc));
		return SSHTUN_ERR_RESOLVE;
	}
	return connect_addrs(h);
}

/*
 * Resolves the server (in a thread of its own: the event loop never waits for DNS) and connects to its
 * addresses in the order the resolver gives them.
 */
int io_connect(struct sshtun *h)
{
	struct addrinfo hints;
	char port[16];
	int r;

	if (h->cfg.connect_timeout > 0) {
		h->deadline_ms = io_now_ms() + (uint64_t)h->cfg.connect_timeout * 1000;
	}
	if (h->cfg.proxy_command && h->cfg.proxy_command[0]) {
		return connect_proxy(h);
	}
	if (SSHTUN_JUMP && h->cfg.proxy_jump && h->cfg.proxy_jump[0]) {
		int fd = -1;

		if ((r = conn_jump_start(h, &fd)) != 0) {
			return r;
		}
		return watch_sock(h, fd);
	}
	io_free_addrs(h, 0);
	if (h->ai_list) {
		return connect_addrs(h);	/* kept for the kill switch: nothing is resolved again */
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = h->cfg.address_family > 0 ? h->cfg.address_family : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", h->cfg.port);
	if ((r = resolve_start(h->cfg.hostname, port, &hints, &h->resolving, &h->resolve_fd)) != 0 ||
	    (r = ep_set(h, EPOLL_CTL_ADD, h->resolve_fd, EPOLLIN, EV_RESOLVED) != 0 ? SSHTUN_ERR_SYS : 0) != 0) {
		stop_resolving(h);
		conn_fail(h, r, "cannot start resolving %s: %s", h->cfg.hostname, sshtun_strerror(r));
		return r;
	}
	LG_D1(&h->log, "resolving %s", h->cfg.hostname);
	return 0;
}

/* From the timer: ConnectionAttempts' next walk of the address list. */
static int retry_connect(struct sshtun *h, uint64_t now)
{
	if (!h->retry_at_ms || now < h->retry_at_ms || h->sock >= 0 || !h->ai_list) {
		return 0;
	}
	h->retry_at_ms = 0;
	h->ai_cur = h->ai_list;
	LG_I(&h->log, "connecting to %s port %d again (ConnectionAttempts)", h->cfg.hostname, h->cfg.port);
	return try_next(h);
}

int io_add_tun(struct sshtun *h)
{
	h->tun_paused = 0;
	if (ep_set(h, h->tun_watched ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, h->dev.fd, EPOLLIN, EV_TUN) != 0) {
		return SSHTUN_ERR_SYS;
	}
	h->tun_watched = 1;
	return 0;
}

void io_close(struct sshtun *h)
{
	io_close_sock(h);
	io_free_addrs(h, 1);
	if (h->timerfd >= 0) {
		close(h->timerfd);
		h->timerfd = -1;
	}
	if (h->flushfd >= 0) {
		close(h->flushfd);
		h->flushfd = -1;
	}
	if (h->wakefd >= 0) {
		close(h->wakefd);
		h->wakefd = -1;
	}
	h->coalescing = 0;
	if (h->epfd >= 0) {
		close(h->epfd);
		h->epfd = -1;
	}
}

static size_t frame_max(const struct sshtun *h)
{
	/* The MTU set on the device: TunnelMTU's or the server's (sshtun-server: 16000), else the default. */
	size_t mtu = h->net.mtu > 0 ? (size_t)h->net.mtu : TUN_DEFAULT_MTU;
	size_t max = mtu + 32;	/* Ethernet header and VLAN tag in tap mode */

	return max > CHAN_MAX_PACKET - CH_TUN_HEADROOM ? CHAN_MAX_PACKET - CH_TUN_HEADROOM : max;
}

/* Writes what the transport has for the socket, and decides whether tun may be read (backpressure). */
int io_flush(struct sshtun *h)
{
	const uint8_t *p = NULL;
	size_t n;
	int want_out = 0;

	while (h->sock >= 0 && (n = tp_output(h->tp, &p)) > 0) {
		ssize_t w = send(h->sock, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			want_out = 1;
			break;
		}
		if (w < 0) {
			conn_fail(h, SSHTUN_ERR_CLOSED, "connection to %s lost: %s", h->cfg.hostname, strerror(errno));
			return SSHTUN_ERR_CLOSED;
		}
		tp_output_consume(h->tp, (size_t)w);
	}
	if (h->sock >= 0 && want_out != h->sock_want_out) {
		h->sock_want_out = want_out;
		ep_set(h, EPOLL_CTL_MOD, h->sock, EPOLLIN | (want_out ? EPOLLOUT : 0), EV_SOCK);
	}
	if (SSHTUN_JUMP && h->jump.parent) {
		conn_jump_rearm(h);	/* a hop: its relay reads while the server's window and our output allow */
	}
	if (h->dev.fd >= 0 && h->status == SSHTUN_UP) {
		const struct chan *c = h->tun_chan;
		int pause = !c || tp_output(h->tp, &p) > OUT_HIGH || tp_send_room(h->tp) < 2 * frame_max(h) ||
			c->remote_window < frame_max(h) + CH_TUN_HEADROOM;
		if (pause != h->tun_paused) {
			h->tun_paused = pause;
			ep_set(h, EPOLL_CTL_MOD, h->dev.fd, pause ? 0 : EPOLLIN, EV_TUN);
		}
	}
	return 0;
}

static int read_sock(struct sshtun *h)
{
	for (int i = 0; i < SOCK_READS; i++) {
		uint8_t *p = NULL;
		size_t room = 0;
		ssize_t n;

		if (tp_input_space(h->tp, &p, &room) != 0) {
			break;
		}
		n = recv(h->sock, p, room, 0);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			break;
		}
		if (n <= 0) {
			if (h->status == SSHTUN_STOPPING) {
				return 0;
			}
			conn_fail(h, SSHTUN_ERR_CLOSED, "connection closed by %s%s%s", h->cfg.hostname,
				n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
			return SSHTUN_ERR_CLOSED;
		}
		tp_input_commit(h->tp, (size_t)n);
		if ((size_t)n < room) {
			break;
		}
	}
	return conn_process(h);
}

/* Sends the pure ACKs held back in this batch, oldest first; 0 if room ran out (the rest stay held). */
static int send_held_acks(struct sshtun *h)
{
	const uint8_t *f = NULL;
	size_t n = 0;

	while (h->tun_chan && tun_ackq_peek(&h->ackq, &f, &n)) {
		uint8_t *p = chan_tun_begin(&h->chans, h->tun_chan, n);

		if (!p) {
			return 0;
		}
		memcpy(p, f, n);
		tun_ackq_pop(&h->ackq);
		if (chan_tun_end(&h->chans, h->tun_chan, n) != 0) {
			return 0;
		}
	}
	return 1;
}

/* A plain frame that is a pure TCP ACK is held (replacing one it makes redundant): 1 if it was. */
static int hold_ack(struct sshtun *h, const uint8_t *frame, size_t len)
{
	struct tun_ack a;
	uint8_t *slot;
	size_t n;

	if (len > TUN_ACKQ_FRAME) {
		return 0;
	}
	tun_ack_parse(&a, frame, len, h->dev.tap ? 14 : 0, 0);
	if (!a.pure) {
		return 0;
	}
	if (!(slot = tun_ackq_place(&h->ackq, &a))) {
		if (!send_held_acks(h) || !(slot = tun_ackq_place(&h->ackq, &a))) {
			return 0;
		}
	}
	/* Completes the checksum the kernel left to us on the way into the slot. */
	n = tun_gso_next(&h->gso, slot, TUN_ACKQ_FRAME);
	tun_ackq_commit(&h->ackq, &a, n);
	return n > 0;
}

/* With offloads: each read may be a TCP super-packet, split into datagrams straight into the output buffer. */
static void read_tun_vnet(struct sshtun *h)
{
	for (int i = 0; i < TUN_BUDGET && h->tun_chan; i++) {
		size_t len;

		if (!h->gso_active) {
			struct tun_vnet v;
			ssize_t n = read(h->dev.fd, h->gso_buf, TUN_VNET_HDR_LEN + TUN_GSO_MAX);

			if (n <= 0) {
				break;
			}
			if (tun_vnet_parse(&v, h->gso_buf, (size_t)n) != 0 ||
			    tun_gso_init(&h->gso, &v, h->gso_buf + TUN_VNET_HDR_LEN, (size_t)n - TUN_VNET_HDR_LEN,
				    h->dev.tap ? 14 : 0) != 0) {
				h->dev_drops++;
				continue;
			}
			h->gso_active = 1;
			if (h->cfg.tunnel_ack_thinning == 1 && v.gso_type == TUN_VNET_GSO_NONE &&
			    hold_ack(h, h->gso_buf + TUN_VNET_HDR_LEN, (size_t)n - TUN_VNET_HDR_LEN)) {
				h->gso_active = 0;
				continue;
			}
		}
		/* Anything else goes out after the ACKs held before it. */
		if (tun_ackq_held(&h->ackq) > 0 && !send_held_acks(h)) {
			return;
		}
		while ((len = tun_gso_next_len(&h->gso)) > 0) {
			uint8_t *p = chan_tun_begin(&h->chans, h->tun_chan, len);

			if (!p) {
				return;	/* no room: the rest of this super-packet goes out when there is */
			}
			len = tun_gso_next(&h->gso, p, len);
			if (chan_tun_end(&h->chans, h->tun_chan, len) != 0) {
				return;
			}
		}
		h->gso_active = 0;
	}
	send_held_acks(h);
}

static void read_tun(struct sshtun *h)
{
	size_t max = frame_max(h);

	if (h->dev.vnet) {
		read_tun_vnet(h);
		return;
	}
	for (int i = 0; i < TUN_BUDGET && h->tun_chan; i++) {
		uint8_t *p = chan_tun_begin(&h->chans, h->tun_chan, max);
		ssize_t n;

		if (!p) {
			break;
		}
		n = read(h->dev.fd, p, max);
		if (n <= 0) {
			tp_send_cancel(h->tp);
			break;
		}
		if (chan_tun_end(&h->chans, h->tun_chan, (size_t)n) != 0) {
			break;
		}
	}
}

static int on_connected(struct sshtun *h)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (getsockopt(h->sock, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
		if (!h->ai_cur) {	/* ProxyCommand's or a jump host's socket: no list to go on with */
			conn_fail(h, SSHTUN_ERR_CONNECT, "cannot connect through %s: %s", SSHTUN_JUMP && h->jump.hop ? "ProxyJump" : "ProxyCommand",
				strerror(soerr ? soerr : errno));
			return SSHTUN_ERR_CONNECT;
		}
		char where[INET6_ADDRSTRLEN + 8];

		ai_text(h->ai_cur, where, sizeof(where));
		h->ai_errno = soerr ? soerr : errno;
		LG_I(&h->log, "cannot connect to %s port %d: %s", where, h->cfg.port, strerror(h->ai_errno));
		io_close_sock(h);
		h->ai_cur = h->ai_cur->ai_next;
		return try_next(h);	/* the next address of the name */
	}
	LG_D1(&h->log, "connected to %s port %d", h->cfg.hostname, h->cfg.port);
	io_free_addrs(h, 0);
	return conn_protocol_start(h);
}

static int on_tick(struct sshtun *h)
{
	uint64_t exp, now = io_now_ms();

	if (read(h->timerfd, &exp, sizeof(exp)) < 0 && errno != EAGAIN) {
		return 0;
	}
	if (h->deadline_ms && now >= h->deadline_ms) {
		h->deadline_ms = 0;
		if (h->status < SSHTUN_UP) {
			conn_fail(h, SSHTUN_ERR_TIMEOUT, "timed out connecting to %s (ConnectTimeout %d s)", h->cfg.hostname,
				h->cfg.connect_timeout);
			return SSHTUN_ERR_TIMEOUT;
		}
	}
	if (h->agent_listing && now >= h->agent_list_deadline) {
		return conn_agent_listed(h);	/* it did not answer: on with the key files */
	}
	if (!h->tp) {
		return h->retry_at_ms ? retry_connect(h, now) : conn_reconnect_tick(h, now);
	}
	if (conn_remote_tick(h, now) != 0) {
		return h->err;
	}
	judge_coalesce(h);
	judge_shrink(h);
	/*
	 * ServerAlive, as ssh(1) does it: anything from the server since the last check (data, an ACK, a reply)
	 * shows it is alive, so under load nothing is sent; after a silent interval a keepalive goes out (a PING
	 * when the server has ping@openssh.com: it also measures the round trip), and
	 * more than ServerAliveCountMax silent intervals in a row end the connection.
	 */
	if (h->status == SSHTUN_UP && h->cfg.server_alive_interval > 0 && now >= h->next_alive_ms) {
		uint64_t in = tp_bytes_in(h->tp);

		if (!h->next_alive_ms || in != h->alive_bytes_in) {
			h->alive_missed = 0;
		} else if (++h->alive_missed > (unsigned)h->cfg.server_alive_count_max) {
			conn_fail(h, SSHTUN_ERR_TIMEOUT, "server %s stopped answering: silent for %d s (ServerAliveInterval %d s, "
				"ServerAliveCountMax %d); check the server and the network, or raise ServerAliveCountMax", h->cfg.hostname,
				h->cfg.server_alive_interval * (h->cfg.server_alive_count_max + 1), h->cfg.server_alive_interval,
				h->cfg.server_alive_count_max);
			return SSHTUN_ERR_TIMEOUT;
		} else if (conn_ping(h) != 0) {
			chan_keepalive(&h->chans);	/* no ping@openssh.com: a global request as ssh sends */
		}
		h->alive_bytes_in = in;
		h->next_alive_ms = now + (uint64_t)h->cfg.server_alive_interval * 1000;
	}
	return tp_tick(h->tp, now / 1000);
}

int io_peer_addr(struct sshtun *h, struct tun_addr *out)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(out, 0, sizeof(*out));
	if (SSHTUN_JUMP && h->jump.hop) {
		return io_peer_addr(h->jump.hop, out);	/* the connection that leaves this machine is the first jump host's */
	}
	if (h->sock < 0 || getpeername(h->sock, (struct sockaddr *)&ss, &len) != 0) {
		return SSHTUN_ERR_SYS;
	}
	if (ss.ss_family == AF_INET) {
		memcpy(out->a, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else if (ss.ss_family == AF_INET6) {
		const struct in6_addr *a6 = &((struct sockaddr_in6 *)&ss)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			ss.ss_family = AF_INET;
			memcpy(out->a, a6->s6_addr + 12, 4);
		} else {
			memcpy(out->a, a6->s6_addr, 16);
		}
	} else {
		return SSHTUN_ERR_SYS;
	}
	out->family = ss.ss_family;
	out->prefix = -1;
	return 0;
}

int io_watch_child(struct sshtun *h, int pidfd)
{
	return ep_set(h, EPOLL_CTL_ADD, pidfd, EPOLLIN, EV_CHILD) == 0 ? 0 : SSHTUN_ERR_SYS;
}

void io_unwatch_child(struct sshtun *h, int pidfd)
{
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, pidfd, NULL);
}

#if SSHTUN_JUMP
int io_watch_relay(struct sshtun *h, int fd, uint32_t events, uint32_t old)
{
	if (!events) {
		return epoll_ctl(h->epfd, EPOLL_CTL_DEL, fd, NULL) == 0 ? 0 : SSHTUN_ERR_SYS;
	}
	return ep_set(h, old ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, events, EV_RELAY) == 0 ? 0 : SSHTUN_ERR_SYS;
}

int io_watch_hop(struct sshtun *h, int epfd)
{
	return ep_set(h, EPOLL_CTL_ADD, epfd, EPOLLIN, EV_JUMP) == 0 ? 0 : SSHTUN_ERR_SYS;
}
#endif

size_t io_pending_out(struct sshtun *h)
{
	const uint8_t *p = NULL;

	return h->tp ? tp_output(h->tp, &p) : 0;
}

int io_watch_agent(struct sshtun *h)
{
	unsigned ev = agent_io_events(&h->agent);
	int r = 0;

	if (ev && !h->agent_watched) {
		r = ep_set(h, EPOLL_CTL_ADD, h->agent.fd, ev, EV_AGENT);
	} else if (ev) {
		r = ep_set(h, EPOLL_CTL_MOD, h->agent.fd, ev, EV_AGENT);
	} else if (h->agent_watched && h->agent.fd >= 0) {
		r = epoll_ctl(h->epfd, EPOLL_CTL_DEL, h->agent.fd, NULL);
	}
	h->agent_watched = ev != 0;
	return r == 0 ? 0 : SSHTUN_ERR_SYS;
}

/* The agent's socket is ready: move the request on; once its reply is in, userauth goes on. */
static int on_agent(struct sshtun *h)
{
	if (agent_io(&h->agent) == 0) {
		return io_watch_agent(h);
	}
	io_watch_agent(h);
	return h->agent_listing ? conn_agent_listed(h) : conn_auth_resume(h);
}

/* Handles every ready event. Returns < 0 on a fatal error, else 0. */
int io_dispatch(struct sshtun *h, int timeout_ms, const sigset_t *sigmask)
{
	struct epoll_event evs[8];
	int n = epoll_pwait(h->epfd, evs, 8, timeout_ms, sigmask);
	int r = 0;
	size_t wrote;

	for (int i = 0; i < n && r == 0; i++) {
		uint32_t e = evs[i].events;

		switch (evs[i].data.u64) {
		case EV_SOCK:
			if (!h->tp && (e & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
				r = on_connected(h);
			} else if (h->tp && (e & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
				r = read_sock(h);
			}
			break;
		case EV_TUN:
			if (h->status == SSHTUN_UP) {
				read_tun(h);
			}
			break;
		case EV_TIMER:
			r = on_tick(h);
			break;
		case EV_AGENT:
			r = on_agent(h);
			break;
		case EV_CHILD:
			conn_local_reap(h);
			break;
#if SSHTUN_JUMP
		case EV_JUMP:
			r = conn_jump_dispatch(h);
			break;
#endif
		case EV_RESOLVED:
			r = on_resolved(h);
			break;
#if SSHTUN_JUMP
		case EV_RELAY:
			if (h->tp) {
				r = conn_jump_io(h, e);
			}
			break;
#endif
		case EV_WAKE: {
			uint64_t count;

			if (read(h->wakefd, &count, sizeof(count)) < 0) {
				count = 0;	/* nothing to read: the answer is taken below all the same */
			}
			break;
		}
		case EV_FLUSH: {
			uint64_t exp;
			/* Coalescing: take what is queued below the low-water mark (recv does not wait for it). */
			if (read(h->flushfd, &exp, sizeof(exp)) > 0 && h->tp) {
				r = read_sock(h);
			}
			break;
		}
		default:
			break;
		}
	}
	/* An answer to a question: the connection goes on where it stopped (never inside sshtun_answer). */
	if (r >= 0 && h->prompt.answered) {
		r = conn_prompt_run(h);
		if (r >= 0 && h->err) {
			r = h->err;
		}
	}
	if (r >= 0 && h->tp && io_flush(h) != 0) {
		r = h->err;
	}
	/*
	 * Frames for the device go last, after our send: writing them (on an upload, the ACKs) wakes the local
	 * sender, which often takes this CPU at once; by then sshd has its data. What the sender answers with is
	 * usually queued when the writes return, so the device is read once more. Also read again for a
	 * super-packet half sent when room ran out: the device will not wake us for it.
	 */
	wrote = conn_flush_frames(h);
	if (r >= 0 && (wrote > 0 || h->gso_active || tun_ackq_held(&h->ackq) > 0) && !h->tun_paused &&
	    h->status == SSHTUN_UP) {
		read_tun(h);
		if (io_flush(h) != 0) {
			r = h->err;
		}
	}
	return r;
}
