/*
 * sshtun example: the smallest program on libsshtun's public API: one tunnel driven by poll(2).
 *
 *   cc -o poll_loop poll_loop.c $(pkg-config --cflags --libs sshtun)
 *   ./poll_loop [user@]host [ssh_config line ...]      e.g. ./poll_loop root@gw "TunnelAddress 10.9.0.2/24"
 *
 * The ssh_config files are read as ssh reads them; questions (passphrases, host keys) are not asked here, so
 * the user's agent or an unencrypted key is needed (see glib_loop.c and sshtun(3) for answering them).
 * SIGINT or SIGTERM stops it cleanly. Exit status: 0 after a clean stop, 1 when the tunnel failed, 2 usage.
 */
#define _POSIX_C_SOURCE 200809L	/* sigaction, and sigset_t in sshtun.h */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <sshtun.h>

static volatile sig_atomic_t stop_asked;

static void on_signal(int sig)
{
	(void)sig;
	stop_asked = 1;
}

static void on_log(void *ud, int level, const char *line)
{
	(void)ud;
	fprintf(stderr, "%s%s\n", level == SSHTUN_LOG_ERROR ? "error: " : level == SSHTUN_LOG_WARN ? "warning: " : "",
		line);
}

static void on_status(void *ud, int status)
{
	struct sshtun *h = *(struct sshtun **)ud;
	struct sshtun_info info;

	if (status == SSHTUN_UP && sshtun_get_info(h, &info, sizeof(info)) == 0) {
		printf("up: %s %s via %s\n", info.device, info.address, info.server);
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	struct sshtun *h = NULL;
	struct sigaction sa;
	char kex[2048];
	int r, stopping = 0;

	if (argc < 2) {
		sshtun_algorithms("kex", kex, sizeof(kex));
		fprintf(stderr, "usage: poll_loop [user@]host [ssh_config line ...]\nkey exchange methods: %s\n", kex);
		return 2;
	}
	if ((r = sshtun_new(&h)) != 0) {
		fprintf(stderr, "poll_loop: %s\n", sshtun_strerror(r));
		return 1;
	}
	sshtun_set_log(h, on_log, NULL, SSHTUN_LOG_INFO);
	sshtun_set_status_cb(h, on_status, &h);
	/* Options first (the first value wins, as in ssh), then the files. */
	r = sshtun_set_params(h, "Host", argv[1], NULL);
	for (int i = 2; r == 0 && i < argc; i++) {
		r = sshtun_set_params(h, "", argv[i], NULL);	/* a whole ssh_config line */
	}
	if (r == 0) {
		r = sshtun_read_config(h, NULL);
	}
	if (r == 0) {
		r = sshtun_start(h);
	}
	if (r != 0) {
		fprintf(stderr, "poll_loop: %s\n", sshtun_error_text(h)[0] ? sshtun_error_text(h) : sshtun_strerror(r));
		sshtun_del(h);
		return r == SSHTUN_ERR_CONFIG || r == SSHTUN_ERR_INVAL ? 2 : 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (sshtun_status(h) < SSHTUN_STOPPED) {
		struct pollfd pfd = { sshtun_event_fd(h), POLLIN, 0 };

		if (stop_asked && !stopping) {
			stopping = 1;
			sshtun_stop(h);
			continue;
		}
		if (poll(&pfd, 1, sshtun_timeout_ms(h)) < 0 && errno != EINTR) {
			perror("poll");
			break;
		}
		sshtun_dispatch_event(h);
	}
	r = sshtun_error(h);
	if (r != 0) {
		fprintf(stderr, "poll_loop: %s\n", sshtun_error_text(h));
	}
	sshtun_del(h);
	return r != 0;
}
