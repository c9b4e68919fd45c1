/*
 * sshtun: many connections in one process through the public API (issue 16): up to COUNT handles to one server,
 * all in one poll loop, started and stopped in ranges on command, so that tests/interop/test_many.sh can measure
 * the process's memory with one tunnel and with many, push traffic through them and stop some while the others
 * keep working.
 *
 * usage: many_tunnels CONFIG KEY TARGET COUNT CONTROL SERVERCMD
 *
 * Tunnel I (0 <= I < COUNT) gets the I-th /30 of 198.18.128.0/17: the client's end 198.18.128.0 + 4I + 2, the
 * server's + 1, configured on the server by its TunnelConfigCommand, SERVERCMD followed by "--client C --server
 * S" (tests/interop/test_many.sh passes server/sshtun-server with its options). CONTROL is a FIFO the program
 * reads commands from, one a line:
 *
 *   start A B   starts tunnels A to B (inclusive); prints "up I DEVICE CLIENT SERVER" as each comes up, then
 *               "started A B" once all of them are up
 *   stop A B    sshtun_stop and sshtun_del for each; prints "gone I" for each, then "stopped A B"
 *   quit        stops and frees the rest and exits
 *
 * A tunnel that fails prints "failed I: TEXT" and is freed. Exit status 0 if none failed, 1 if one did, 2 for
 * a bad command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sshtun.h"

enum { MAX_COUNT = 1000 };

/* What the program knows of one tunnel. */
enum { T_IDLE = 0, T_STARTED, T_UP, T_GONE };

struct tunnel {
	struct sshtun *h;
	int state;
	char tag[16];		/* for its log lines */
};

static volatile sig_atomic_t stop_all;

static void on_sig(int s)
{
	(void)s;
	stop_all = 1;
}

static void on_log(void *ud, int level, const char *line)
{
	(void)level;
	fprintf(stderr, "[%s] %s\n", (const char *)ud, line);
}

static void addr(char *out, size_t n, int i, int host)
{
	unsigned a = (198u << 24 | 18u << 16 | 128u << 8) + 4u * (unsigned)i + (unsigned)host;

	snprintf(out, n, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
}

static int start_one(struct tunnel *t, int i, char **argv)
{
	char client[16], server[16], cmd[1024];

	addr(client, sizeof(client), i, 2);
	addr(server, sizeof(server), i, 1);
	snprintf(cmd, sizeof(cmd), "%s --client %s --server %s", argv[6], client, server);
	snprintf(t->tag, sizeof(t->tag), "%d", i);
	if (sshtun_new(&t->h) != 0) {
		fprintf(stderr, "tunnel %d: out of memory\n", i);
		return -1;
	}
	sshtun_set_log(t->h, on_log, t->tag, SSHTUN_LOG_WARN);
	if (sshtun_set_params(t->h, "Host", argv[3], "IdentityFile", argv[2], "Tunnel", "point-to-point", "TunnelDevice",
		    "any:any", "TunnelConfigCommand", cmd, NULL) != 0 ||
	    sshtun_read_config(t->h, argv[1]) != 0 || sshtun_start(t->h) != 0) {
		printf("failed %d: %s\n", i, sshtun_error_text(t->h));
		sshtun_del(t->h);
		t->h = NULL;
		t->state = T_GONE;
		return -1;
	}
	t->state = T_STARTED;
	return 0;
}

/* Stops and frees one tunnel (sshtun_stop ends it at once: the server's CLOSE is not awaited). */
static void stop_one(struct tunnel *t, int i)
{
	if (!t->h) {
		return;
	}
	sshtun_stop(t->h);
	sshtun_del(t->h);
	t->h = NULL;
	t->state = T_GONE;
	printf("gone %d\n", i);
}

/* Reads what the control FIFO has; runs each whole line. Returns 1 on "quit". */
static int control(int fd, char *buf, size_t *len, size_t cap, struct tunnel *t, int count, char **argv,
	int *pend_a, int *pend_b, int *failed)
{
	ssize_t n = read(fd, buf + *len, cap - 1 - *len);
	char *nl;

	if (n <= 0) {
		return 0;
	}
	*len += (size_t)n;
	buf[*len] = 0;
	while ((nl = strchr(buf, '\n'))) {
		char word[16] = "";
		int a = -1, b = -1;

		*nl = 0;
		if (sscanf(buf, "%15s %d %d", word, &a, &b) >= 1) {
			if (strcmp(word, "quit") == 0) {
				return 1;
			}
			if (a < 0 || b < a || b >= count) {
				fprintf(stderr, "bad command: %s\n", buf);
			} else if (strcmp(word, "start") == 0) {
				for (int i = a; i <= b; i++) {
					if (t[i].state == T_IDLE && start_one(&t[i], i, argv) != 0) {
						*failed = 1;
					}
				}
				*pend_a = a;
				*pend_b = b;
			} else if (strcmp(word, "stop") == 0) {
				for (int i = a; i <= b; i++) {
					stop_one(&t[i], i);
				}
				printf("stopped %d %d\n", a, b);
			} else {
				fprintf(stderr, "bad command: %s\n", buf);
			}
			fflush(stdout);
		}
		*len -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, *len + 1);
	}
	if (*len == cap - 1) {
		*len = 0;	/* a line too long for any command */
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct tunnel t[MAX_COUNT];
	static struct pollfd p[MAX_COUNT + 1];
	static int idx[MAX_COUNT + 1];
	char buf[256];
	size_t len = 0;
	int count, ctl, quit = 0, failed = 0, pend_a = -1, pend_b = -1;

	if (argc != 7 || (count = atoi(argv[4])) < 1 || count > MAX_COUNT) {
		fprintf(stderr, "usage: many_tunnels CONFIG KEY TARGET COUNT CONTROL SERVERCMD (COUNT 1..%d)\n", MAX_COUNT);
		return 2;
	}
	/* Read and write: the FIFO never reports EOF when the test's writer closes it between commands. */
	if ((ctl = open(argv[5], O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
		fprintf(stderr, "many_tunnels: %s: %s\n", argv[5], strerror(errno));
		return 2;
	}
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	signal(SIGPIPE, SIG_IGN);
	while (!quit && !stop_all) {
		int n = 0;

		p[n] = (struct pollfd){ ctl, POLLIN, 0 };
		idx[n++] = -1;
		for (int i = 0; i < count; i++) {
			if (t[i].h) {
				p[n] = (struct pollfd){ sshtun_event_fd(t[i].h), POLLIN, 0 };
				idx[n++] = i;
			}
		}
		if (poll(p, (nfds_t)n, 1000) < 0 && errno != EINTR) {
			break;
		}
		for (int k = 1; k < n; k++) {
			struct tunnel *x = &t[idx[k]];
			int i = idx[k];

			if (!p[k].revents) {
				continue;
			}
			sshtun_dispatch_event(x->h);
			if (sshtun_status(x->h) == SSHTUN_UP && x->state == T_STARTED) {
				struct sshtun_info info;
				char client[16], server[16];

				x->state = T_UP;
				sshtun_get_info(x->h, &info, sizeof(info));
				addr(client, sizeof(client), i, 2);
				addr(server, sizeof(server), i, 1);
				printf("up %d %s %s %s\n", i, info.device, client, server);
			} else if (sshtun_status(x->h) >= SSHTUN_STOPPED) {
				printf("failed %d: %s\n", i, sshtun_error_text(x->h));
				sshtun_del(x->h);
				x->h = NULL;
				x->state = T_GONE;
				failed = 1;
			}
		}
		if (pend_a >= 0) {
			int all = 1;

			for (int i = pend_a; i <= pend_b; i++) {
				all &= t[i].state != T_STARTED;
			}
			if (all) {
				printf("started %d %d\n", pend_a, pend_b);
				pend_a = pend_b = -1;
			}
		}
		fflush(stdout);
		if (p[0].revents & POLLIN) {
			quit = control(ctl, buf, &len, sizeof(buf), t, count, argv, &pend_a, &pend_b, &failed);
		}
	}
	for (int i = 0; i < count; i++) {
		if (t[i].h) {
			sshtun_stop(t[i].h);
			sshtun_del(t[i].h);
		}
	}
	close(ctl);
	printf("quit %d\n", failed);
	return failed;
}
