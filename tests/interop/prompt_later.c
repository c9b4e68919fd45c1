/*
 * sshtun: interop helper: questions are events. A program on the public API that answers the library's
 * questions later, from its own poll loop, as a dialog would: the prompt callback only notes the question;
 * ANSWER_MS later the loop answers it (after dispatching, so the connection is seen waiting, not blocked).
 * Prints "asked KIND: QUESTION", "answered after N ms (M dispatches)", then "up DEVICE" and "longest dispatch
 * N ms" (no call may block: an agent waiting for its user's confirmation must not stall it), and stops there.
 * usage: prompt_later CONFIG TARGET ANSWER_MS ANSWER [OPTION=VALUE...]
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sshtun.h"

struct later {
	unsigned id;
	int have;
	long asked_ms;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_prompt(void *ud, const struct sshtun_prompt *p)
{
	struct later *l = ud;

	printf("asked %s: %s\n", p->kind == SSHTUN_PROMPT_HOSTKEY ? "hostkey" : "passphrase", p->question[0]);
	fflush(stdout);
	l->id = p->id;
	l->have = 1;
	l->asked_ms = now_ms();
}

static void on_log(void *ud, int level, const char *line)
{
	(void)ud;
	(void)level;
	fprintf(stderr, "%s\n", line);
}

int main(int argc, char **argv)
{
	struct sshtun *h = NULL;
	struct later l = { 0, 0, 0 };
	struct sshtun_info info;
	long wait_ms, longest = 0, t0;
	unsigned dispatches = 0;

	if (argc < 5) {
		fprintf(stderr, "usage: prompt_later CONFIG TARGET ANSWER_MS ANSWER [OPTION=VALUE...]\n");
		return 2;
	}
	wait_ms = atol(argv[3]);
	if (sshtun_new(&h) != 0) {
		return 1;
	}
	sshtun_set_log(h, on_log, NULL, SSHTUN_LOG_WARN);
	sshtun_set_prompt_cb(h, on_prompt, &l);
	for (int i = 5; i < argc; i++) {
		if (sshtun_set_params(h, "", argv[i], NULL) != 0) {
			fprintf(stderr, "bad option %s\n", argv[i]);
			return 2;
		}
	}
	if (sshtun_set_params(h, "Host", argv[2], "Tunnel", "point-to-point", "TunnelDevice", "any:any", NULL) != 0 ||
	    sshtun_read_config(h, argv[1]) != 0 || sshtun_start(h) != 0) {
		fprintf(stderr, "start: %s\n", sshtun_error_text(h));
		return 1;
	}
	while (sshtun_status(h) < SSHTUN_UP) {
		struct pollfd p = { sshtun_event_fd(h), POLLIN, 0 };

		poll(&p, 1, 50);
		t0 = now_ms();
		sshtun_dispatch_event(h);
		if (now_ms() - t0 > longest) {
			longest = now_ms() - t0;
		}
		if (l.have) {
			dispatches++;
			if (sshtun_prompt(h) == NULL) {
				printf("the question vanished before it was answered\n");
				return 1;
			}
			if (now_ms() - l.asked_ms >= wait_ms) {
				const char *answer[1] = { argv[4] };

				l.have = 0;
				printf("answered after %ld ms (%u dispatches while waiting)\n", now_ms() - l.asked_ms, dispatches);
				fflush(stdout);
				if (sshtun_answer(h, l.id, answer, 1) != 0 || sshtun_answer(h, l.id, answer, 1) != SSHTUN_ERR_STATE) {
					printf("sshtun_answer misbehaved\n");
					return 1;
				}
				dispatches = 0;
			}
		}
	}
	if (sshtun_status(h) != SSHTUN_UP) {
		fprintf(stderr, "failed: %s\n", sshtun_error_text(h));
		sshtun_del(h);
		return 1;
	}
	sshtun_get_info(h, &info, sizeof(info));
	printf("up %s\n", info.device);
	printf("longest dispatch %ld ms\n", longest);
	sshtun_stop(h);
	sshtun_del(h);
	return 0;
}
