/* sshtun: TunnelKillSwitch over libnftables (ssh/killswitch.h). */
#include "ssh/killswitch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sshtun_err.h"
#include "util/wire.h"

#if SSHTUN_KILLSWITCH
#include <nftables/libnftables.h>

enum { KS_RULES_MAX = 16384 };

/* Runs nft commands; 0, or SSHTUN_ERR_SYS with nftables' first error line logged. */
static int run(const char *cmds, const struct lg *log, int quiet)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *err;
	int r;

	if (!ctx) {
		return SSHTUN_ERR_NOMEM;
	}
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	r = nft_run_cmd_from_buffer(ctx, cmds);
	err = nft_ctx_get_error_buffer(ctx);
	if (r != 0 && !quiet) {
		char line[300];

		lg_sanitize(line, sizeof(line), err ? err : "", err ? strcspn(err, "\n") : 0);
		LG_E(log, "kill switch: nftables refused the table: %s", line[0] ? line : "no reason given");
	}
	nft_ctx_free(ctx);
	return r == 0 ? 0 : SSHTUN_ERR_SYS;
}

/* Appends the accept rules for the server's addresses in one direction. */
static void server_rules(struct wire_w *w, const struct addrinfo *servers, int out)
{
	char a[INET6_ADDRSTRLEN], rule[256];

	for (const struct addrinfo *ai = servers; ai; ai = ai->ai_next) {
		int v6 = ai->ai_family == AF_INET6;
		unsigned port;
		const void *p;

		if (ai->ai_family == AF_INET) {
			p = &((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
			port = ntohs(((const struct sockaddr_in *)ai->ai_addr)->sin_port);
		} else if (v6) {
			p = &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
			port = ntohs(((const struct sockaddr_in6 *)ai->ai_addr)->sin6_port);
		} else {
			continue;
		}
		if (!inet_ntop(ai->ai_family, p, a, sizeof(a))) {
			continue;
		}
		snprintf(rule, sizeof(rule), "\t\t%s %s %s tcp %s %u accept\n", v6 ? "ip6" : "ip", out ? "daddr" : "saddr", a,
			out ? "dport" : "sport", port);
		wire_put_raw(w, rule, strlen(rule));
	}
}

static void put(struct wire_w *w, const char *s)
{
	wire_put_raw(w, s, strlen(s));
}

int ks_enable(struct ks_state *ks, const char *dev, const struct addrinfo *servers, const struct lg *log)
{
	uint8_t buf[KS_RULES_MAX];
	char line[160];
	struct wire_w w;
	int r;

	if (ks->on) {
		return 0;
	}
	/* "add table" would quietly join a table that is there: ask first. */
	if (run("list table inet " KS_TABLE "\n", log, 1) == 0) {
		LG_E(log, "kill switch: the nftables table inet %s is there already: another sshtun runs with "
			"TunnelKillSwitch, or one ended without removing it (sshtun --cleanup removes it)", KS_TABLE);
		return SSHTUN_ERR_CONFIG;
	}
	wire_w_init_fixed(&w, buf, sizeof(buf) - 1);
	put(&w, "table inet " KS_TABLE " {\n\tchain ks_out {\n\t\ttype filter hook output priority -10; policy drop;\n"
		"\t\toifname \"lo\" accept\n");
	snprintf(line, sizeof(line), "\t\toifname \"%s\" accept\n", dev);
	put(&w, line);
	server_rules(&w, servers, 1);
	put(&w, "\t\tudp sport 68 udp dport 67 accept\n\t\tudp sport 546 udp dport 547 accept\n"
		"\t\ticmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept\n\t}\n"
		"\tchain ks_in {\n\t\ttype filter hook input priority -10; policy drop;\n\t\tiifname \"lo\" accept\n");
	snprintf(line, sizeof(line), "\t\tiifname \"%s\" accept\n", dev);
	put(&w, line);
	server_rules(&w, servers, 0);
	put(&w, "\t\tudp sport 67 udp dport 68 accept\n\t\tudp sport 547 udp dport 546 accept\n"
		"\t\ticmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept\n\t}\n"
		"\tchain ks_fwd {\n\t\ttype filter hook forward priority -10; policy drop;\n");
	snprintf(line, sizeof(line), "\t\tiifname \"%s\" accept\n\t\toifname \"%s\" accept\n\t}\n}\n", dev, dev);
	put(&w, line);
	if (wire_w_err(&w)) {
		return SSHTUN_ERR_TOO_LONG;
	}
	buf[w.len] = '\0';
	if ((r = run((const char *)buf, log, 0)) != 0) {
		return r;
	}
	ks->on = 1;
	LG_I(log, "kill switch on: only %s, loopback and the connection to the server carry traffic", dev);
	return 0;
}

void ks_disable(struct ks_state *ks, const struct lg *log)
{
	if (!ks->on) {
		return;
	}
	run("delete table inet " KS_TABLE "\n", log, 0);
	ks->on = 0;
}

int ks_cleanup(const struct lg *log)
{
	if (run("list table inet " KS_TABLE "\n", log, 1) != 0) {
		return 0;	/* nothing to remove */
	}
	return run("delete table inet " KS_TABLE "\n", log, 0);
}

#else

int ks_enable(struct ks_state *ks, const char *dev, const struct addrinfo *servers, const struct lg *log)
{
	(void)ks;
	(void)dev;
	(void)servers;
	LG_E(log, "TunnelKillSwitch: this build has no kill switch (built without libnftables: apt-get install "
		"libnftables-dev, then ./configure again)");
	return SSHTUN_ERR_NOT_SUPPORTED;
}

void ks_disable(struct ks_state *ks, const struct lg *log)
{
	(void)ks;
	(void)log;
}

int ks_cleanup(const struct lg *log)
{
	(void)log;
	return 0;
}

#endif
