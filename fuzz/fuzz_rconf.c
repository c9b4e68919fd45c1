/*
 * sshtun: libFuzzer target for the remote IP configuration (ssh/rconf.c): any text a server's config command
 * could print. What parses is written back as text and parsed again: the second result must be the first
 * (the unknown keywords aside, which are not written back); what does not parse leaves one printable line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssh/rconf.h"
#include "sshtun_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t put_addr(char *out, size_t cap, size_t n, const char *key, const struct tun_addr *a)
{
	char s[64];

	if (!a->family || n >= cap) {
		return n;
	}
	tun_addr_format(s, sizeof(s), a);
	return n + (size_t)snprintf(out + n, cap - n, "%s %s\n", key, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rconf a, b;
	static char text[RCONF_TEXT_MAX];
	char err[256];
	size_t n = 0;

	if (rconf_parse(&a, data, size, err, sizeof(err)) != 0) {
		for (const char *p = err; *p; p++) {
			if (*p < 0x20 || *p > 0x7e) {
				abort();
			}
		}
		if (!err[0]) {
			abort();
		}
		return 0;
	}
	if (a.nroutes > RCONF_ROUTES_MAX || a.ndns > RCONF_DNS_MAX || a.ndomains > RCONF_DOMAINS_MAX ||
	    a.nunknown > RCONF_UNKNOWN_MAX) {
		abort();
	}
	n = put_addr(text, sizeof(text), n, "ADDR", &a.addr4);
	n = put_addr(text, sizeof(text), n, "PEER_ADDR", &a.peer4);
	n = put_addr(text, sizeof(text), n, "GW_ADDR", &a.gw);
	if (a.gw_ignored) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "GW_ADDR <remote-ip>\n");
	}
	n = put_addr(text, sizeof(text), n, "ADDR6", &a.addr6);
	n = put_addr(text, sizeof(text), n, "PEER_ADDR6", &a.peer6);
	if (a.mtu) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "MTU %u\n", a.mtu);
	}
	for (unsigned i = 0; i < a.nroutes; i++) {
		char d[64], v[64];

		tun_addr_format(d, sizeof(d), &a.routes[i].dst);
		tun_addr_format(v, sizeof(v), &a.routes[i].via);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "ROUTE %s%s%s", d, a.routes[i].via.family ? " via " : "",
			a.routes[i].via.family ? v : "");
		n += (size_t)(a.routes[i].mtu ? snprintf(text + n, sizeof(text) - n, " mtu %u\n", a.routes[i].mtu) :
			snprintf(text + n, sizeof(text) - n, "\n"));
	}
	for (unsigned i = 0; i < a.ndns; i++) {
		n = put_addr(text, sizeof(text), n, "DNS", &a.dns[i]);
	}
	for (unsigned i = 0; i < a.ndomains; i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "DOMAIN %s\n", a.domains[i]);
	}
	if (n >= sizeof(text)) {
		abort();
	}
	if (a.nunknown && n == 0) {
		return 0;	/* only unknown keywords and nothing else is refused; cannot happen, but is not ours */
	}
	if (rconf_parse(&b, (const uint8_t *)text, n, err, sizeof(err)) != 0) {
		fprintf(stderr, "re-parse failed: %s\n%s", err, text);
		abort();
	}
	b.nunknown = a.nunknown;
	memcpy(b.unknown, a.unknown, sizeof(b.unknown));
	if (memcmp(&a, &b, sizeof(a)) != 0) {
		fprintf(stderr, "re-parse differs:\n%s", text);
		abort();
	}
	return 0;
}
