/*
 * sshtun: what an embedder that configures the device itself sees (TunnelConfigure no; NetworkManager's way):
 * one handle through the public API; at each SSHTUN_UP it prints sshtun_get_ipconfig line by line, then
 * "end", and runs until SIGTERM, which stops it cleanly.
 * usage: ipconfig_dump CONFIG DESTINATION [ssh_config line ...]
 * Lines: "device NAME", "applied 0|1", "mtu N", "addr FAMILY ADDRESS PREFIX PEER|-", "route FAMILY DEST PREFIX
 * GATEWAY|- MTU", "default 0|1", "server ADDRESS", "dns ADDRESS", "domain NAME", "end".
 */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sshtun.h"

static volatile sig_atomic_t stop;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static void on_log(void *ud, int level, const char *line)
{
	(void)ud;
	(void)level;
	fprintf(stderr, "%s\n", line);
}

static void on_status(void *ud, int status)
{
	struct sshtun *h = *(struct sshtun **)ud;
	struct sshtun_ipconfig c;

	if (status != SSHTUN_UP || sshtun_get_ipconfig(h, &c, sizeof(c)) != 0) {
		return;
	}
	printf("device %s\napplied %d\nmtu %u\n", c.device, c.applied, c.mtu);
	for (unsigned i = 0; i < c.naddr; i++) {
		printf("addr %d %s %u %s\n", c.addr[i].family == AF_INET6 ? 6 : 4, c.addr[i].address, c.addr[i].prefix,
			c.addr[i].peer[0] ? c.addr[i].peer : "-");
	}
	for (unsigned i = 0; i < c.nroute; i++) {
		printf("route %d %s %u %s %u\n", c.route[i].family == AF_INET6 ? 6 : 4, c.route[i].dest, c.route[i].prefix,
			c.route[i].gateway[0] ? c.route[i].gateway : "-", c.route[i].mtu);
	}
	printf("default %d\nserver %s\n", c.default_route, c.server);
	for (unsigned i = 0; i < c.ndns; i++) {
		printf("dns %s\n", c.dns[i]);
	}
	for (unsigned i = 0; i < c.ndomains; i++) {
		printf("domain %s\n", c.domains[i]);
	}
	printf("end\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct sshtun *h = NULL;
	int r, stopping = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: ipconfig_dump CONFIG DESTINATION [ssh_config line ...]\n");
		return 2;
	}
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	if (sshtun_new(&h) != 0) {
		return 1;
	}
	sshtun_set_log(h, on_log, NULL, SSHTUN_LOG_INFO);
	sshtun_set_status_cb(h, on_status, &h);
	r = sshtun_set_params(h, "Host", argv[2], NULL);
	for (int i = 3; r == 0 && i < argc; i++) {
		r = sshtun_set_params(h, "", argv[i], NULL);
	}
	if (r == 0) {
		r = sshtun_read_config(h, argv[1]);
	}
	if (r == 0) {
		r = sshtun_start(h);
	}
	while (r == 0 && sshtun_status(h) < SSHTUN_STOPPED) {
		struct pollfd p = { sshtun_event_fd(h), POLLIN, 0 };

		if (stop && !stopping) {
			stopping = 1;
			sshtun_stop(h);
			continue;
		}
		poll(&p, 1, sshtun_timeout_ms(h));
		sshtun_dispatch_event(h);
	}
	r = sshtun_error(h);
	if (r) {
		fprintf(stderr, "ipconfig_dump: %s\n", sshtun_error_text(h));
	}
	sshtun_del(h);
	return r != 0;
}
