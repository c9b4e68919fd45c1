/* sshtun: two tunnels from one process through the public API (no global state below cli/). */
/*
 * sshtun: two connections in one process through the public API (no global state below cli/): both
 * tunnels come up, and the program prints "up DEVICE" for each, then runs until SIGTERM and stops both.
 * usage: two_tunnels CONFIG KEY TARGET ADDR1 PEER1 ADDR2 PEER2
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "sshtun.h"

static volatile sig_atomic_t stop;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static void on_log(void *ud, int level, const char *line)
{
	fprintf(stderr, "[%s] %s\n", (const char *)ud, line);
	(void)level;
}

int main(int argc, char **argv)
{
	struct sshtun *h[2] = { NULL, NULL };
	int reported[2] = { 0, 0 }, stopping = 0;

	if (argc != 8) {
		fprintf(stderr, "usage: two_tunnels CONFIG KEY TARGET ADDR1 PEER1 ADDR2 PEER2\n");
		return 2;
	}
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	for (int i = 0; i < 2; i++) {
		if (sshtun_new(&h[i]) != 0) {
			return 1;
		}
		sshtun_set_log(h[i], on_log, i ? "two" : "one", SSHTUN_LOG_WARN);
		if (sshtun_set_params(h[i], "Host", argv[3], "IdentityFile", argv[2], "Tunnel", "point-to-point",
			"TunnelDevice", "any:any", "TunnelAddress", argv[4 + 2 * i], "TunnelPeer", argv[5 + 2 * i], NULL) != 0 ||
		    sshtun_read_config(h[i], argv[1]) != 0 || sshtun_start(h[i]) != 0) {
			fprintf(stderr, "connection %d: %s\n", i, sshtun_error_text(h[i]));
			return 1;
		}
	}
	while (sshtun_status(h[0]) < SSHTUN_STOPPED || sshtun_status(h[1]) < SSHTUN_STOPPED) {
		struct pollfd p[2] = { { sshtun_event_fd(h[0]), POLLIN, 0 }, { sshtun_event_fd(h[1]), POLLIN, 0 } };

		poll(p, 2, 200);
		if (stop && !stopping) {
			stopping = 1;
			sshtun_stop(h[0]);
			sshtun_stop(h[1]);
		}
		for (int i = 0; i < 2; i++) {
			struct sshtun_info info;

			sshtun_dispatch_event(h[i]);
			if (sshtun_status(h[i]) == SSHTUN_UP && !reported[i]) {
				reported[i] = 1;
				sshtun_get_info(h[i], &info, sizeof(info));
				printf("up %s\n", info.device);
				fflush(stdout);
			}
			if (sshtun_status(h[i]) == SSHTUN_FAILED && !stopping) {
				fprintf(stderr, "connection %d failed: %s\n", i, sshtun_error_text(h[i]));
				stop = 1;
			}
		}
	}
	int rc = sshtun_error(h[0]) || sshtun_error(h[1]) ? 1 : 0;
	sshtun_del(h[0]);
	sshtun_del(h[1]);
	return rc;
}
