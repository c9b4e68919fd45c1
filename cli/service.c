/* sshtun: running as a service (cli/service.h). Only the program does this; the library knows nothing of it. */
#include "cli/service.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "sshtun.h"

/* The program's one process-wide state, in cli/ where it is allowed: the pipe to the waiting parent, the pidfile. */
static int up_fd = -1;
static int detached;
static char pid_path[4096];
static int log_fd = -1;		/* the datagram socket connected to /dev/log, once detached */
static int log_facility;

int svc_fork(void)
{
	int p[2], status = 0;
	pid_t pid;
	char c;

	if (pipe(p) != 0) {
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		up_fd = p[1];
		fcntl(up_fd, F_SETFD, FD_CLOEXEC);
		return 0;
	}
	/* The parent: a byte when the tunnel is up; end of file if the child ended first. */
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], &c, 1);

		if (n == 1) {
			_exit(0);	/* up and in the background */
		}
		if (n == 0 || errno != EINTR) {
			break;
		}
	}
	/* The child ended before the tunnel came up (it said why): its status is ours. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/*
 * syslog(3)'s work, done here: a datagram socket connected to /dev/log. The C library's syslog stamps every line
 * with the local time, which links its time zone code into a static program for a field that syslogd, journald and
 * busybox's syslogd all fill in themselves when it is absent ("<PRI>sshtun[PID]: text", RFC 3164 without
 * TIMESTAMP and HOSTNAME).
 */
static void log_connect(void)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, "/dev/log", sizeof("/dev/log"));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		return;
	}
	if (connect(fd, (struct sockaddr *)&sa, (socklen_t)sizeof(sa)) != 0) {
		close(fd);	/* no syslog daemon (yet): the next line tries again */
		return;
	}
	log_fd = fd;
}

void svc_detach(int facility)
{
	int fd;

	if (up_fd < 0) {
		return;
	}
	setsid();
	log_facility = facility;	/* SyslogFacility */
	log_connect();
	detached = 1;
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2) {
			close(fd);
		}
	}
	if (write(up_fd, "u", 1) != 1) {
		/* the parent is gone already: nothing to tell */
	}
	close(up_fd);
	up_fd = -1;
}

int svc_detached(void)
{
	return detached;
}

void svc_syslog(int level, const char *line)
{
	int pri = level == SSHTUN_LOG_ERROR ? LOG_ERR : level == SSHTUN_LOG_WARN ? LOG_WARNING :
		level == SSHTUN_LOG_INFO ? LOG_INFO : LOG_DEBUG;

	char buf[2048];
	int n = snprintf(buf, sizeof(buf), "<%d>sshtun[%ld]: %s", log_facility | pri, (long)getpid(), line);

	if (n < 0) {
		return;
	}
	if ((size_t)n >= sizeof(buf)) {
		n = (int)sizeof(buf) - 1;
	}
	/* A daemon restarted since: connect again, once per line. */
	for (int i = 0; i < 2; i++) {
		if (log_fd < 0) {
			log_connect();
		}
		if (log_fd < 0 || send(log_fd, buf, (size_t)n, MSG_NOSIGNAL) >= 0) {
			return;
		}
		close(log_fd);
		log_fd = -1;
	}
}

int svc_pidfile_write(const char *path)
{
	FILE *f;

	if (strlen(path) >= sizeof(pid_path)) {
		fprintf(stderr, "sshtun: --pidfile %s: the name is too long\n", path);
		return -1;
	}
	if (!(f = fopen(path, "we"))) {
		fprintf(stderr, "sshtun: cannot write the pidfile %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0) {
		fprintf(stderr, "sshtun: cannot write the pidfile %s: %s\n", path, strerror(errno));
		return -1;
	}
	snprintf(pid_path, sizeof(pid_path), "%s", path);
	return 0;
}

void svc_pidfile_remove(void)
{
	if (pid_path[0]) {
		unlink(pid_path);
		pid_path[0] = '\0';
	}
}

void svc_notify(const char *text)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	size_t n;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || (n = strlen(path)) >= sizeof(sa.sun_path)) {
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@') {
		sa.sun_path[0] = '\0';	/* an abstract socket */
	}
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		return;
	}
	if (sendto(fd, text, strlen(text), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0) {
		/* no listener: systemd is not waiting for us */
	}
	close(fd);
}
