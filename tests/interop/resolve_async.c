/*
 * sshtun: name resolution does not stop the event loop. Handle "slow" names a server whose name only a DNS
 * server that never answers could resolve; handle "fast" a numeric address. Prints how long sshtun_start took
 * for the slow one, then runs both in one poll loop: the fast tunnel comes up while the slow one still
 * resolves. The slow handle is then freed in mid-resolution (its thread finishes later, on its own), the fast
 * one stopped; the program keeps running past the resolver's timeout so that a use of freed memory by the
 * thread would be seen (ASan).
 * usage: resolve_async CONFIG (Host blocks "slow" and "fast"); exit 0 when all of that happened.
 */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <stdio.h>
#include <time.h>

#include "sshtun.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void on_log(void *ud, int level, const char *line)
{
	(void)level;
	fprintf(stderr, "[%s] %s\n", (const char *)ud, line);
}

static struct sshtun *open_one(const char *host, const char *config)
{
	struct sshtun *h = NULL;

	if (sshtun_new(&h) != 0) {
		return NULL;
	}
	sshtun_set_log(h, on_log, (void *)host, SSHTUN_LOG_DEBUG1);
	if (sshtun_set_params(h, "Host", host, NULL) != 0 || sshtun_read_config(h, config) != 0) {
		sshtun_del(h);
		return NULL;
	}
	return h;
}

int main(int argc, char **argv)
{
	struct sshtun *slow, *fast;
	long t0, t1, end;
	int up = 0, slow_st = -1;

	if (argc != 2 || !(slow = open_one("slow", argv[1])) || !(fast = open_one("fast", argv[1]))) {
		fprintf(stderr, "usage: resolve_async CONFIG\n");
		return 2;
	}
	t0 = now_ms();
	if (sshtun_start(slow) != 0) {
		fprintf(stderr, "start slow: %s\n", sshtun_error_text(slow));
		return 1;
	}
	t1 = now_ms();
	printf("start_ms=%ld\n", t1 - t0);
	if (sshtun_start(fast) != 0) {
		fprintf(stderr, "start fast: %s\n", sshtun_error_text(fast));
		return 1;
	}
	for (end = now_ms() + 20000; now_ms() < end && !up;) {
		struct pollfd p[2] = { { sshtun_event_fd(slow), POLLIN, 0 }, { sshtun_event_fd(fast), POLLIN, 0 } };

		poll(p, 2, 1000);
		slow_st = sshtun_dispatch_event(slow);
		up = sshtun_dispatch_event(fast) == SSHTUN_UP;
		if (sshtun_status(fast) >= SSHTUN_STOPPED) {
			fprintf(stderr, "fast: %s\n", sshtun_error_text(fast));
			return 1;
		}
	}
	printf("fast_up=%d after_ms=%ld slow_status=%d\n", up, now_ms() - t1, slow_st);
	fflush(stdout);
	sshtun_del(slow);	/* still resolving: the thread is on its own now */
	sshtun_stop(fast);
	sshtun_del(fast);
	/* Past the resolver's timeout (resolv.conf: 2 s, 2 attempts): the thread returns and frees its job. */
	for (end = now_ms() + 6000; now_ms() < end;) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	printf("done\n");
	return up && slow_st == SSHTUN_CONNECTING ? 0 : 1;
}
