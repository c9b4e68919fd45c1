/* sshtun: running as a service: -f (background once up), --pidfile, syslog, systemd's notify socket. */
#ifndef CLI_SERVICE_H
#define CLI_SERVICE_H

/*
 * -f: forks; the parent waits until the child says the tunnel is up (then exits 0) or the child ends (then
 * exits with the child's status: the child has printed why). Returns in the child only: 0, or -1 (fork failed).
 */
int svc_fork(void);
/* In the child, once the tunnel is up: a new session, stdio to /dev/null, logs to syslog; the parent exits 0. */
void svc_detach(int facility);
/* 1 once detached: log lines go to syslog. */
int svc_detached(void);
/* Logs one line to syslog (level: SSHTUN_LOG_*). */
void svc_syslog(int level, const char *line);

/* --pidfile: writes our pid (0, or -1 with the reason printed); svc_pidfile_remove at exit. */
int svc_pidfile_write(const char *path);
void svc_pidfile_remove(void);

/* systemd's notify socket (NOTIFY_SOCKET): one datagram "READY=1", "STATUS=...", "RELOADING=1", "STOPPING=1". */
void svc_notify(const char *text);

#endif
