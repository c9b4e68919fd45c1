/* sshtun: libFuzzer target for the netlink reply parsers (ack, route lookup, link) and the tun address parser. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sshtun_err.h"
#include "tun/tun.h"
#include "util/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ack(const uint8_t *data, size_t size, uint32_t seq)
{
	int err = -1;
	int rc = tun_nl_parse_ack(data, size, seq, &err);

	/* 0 is an ack with no errno; anything else is NETLINK with an errno (0: read on). */
	if ((rc == 0 && err != 0) || (rc != 0 && rc != SSHTUN_ERR_NETLINK) || err < 0 || err > 4095) {
		abort();
	}
}

static int all_zero(const void *p, size_t n)
{
	static const uint8_t zero[sizeof(struct tun_link_info) > sizeof(struct tun_route_info) ?
				  sizeof(struct tun_link_info) : sizeof(struct tun_route_info)];

	return n <= sizeof(zero) && memcmp(p, zero, n) == 0;
}

static int addr_sane(const struct tun_addr *a)
{
	return (a->family == 0 && a->prefix == 0) || ((a->family == AF_INET || a->family == AF_INET6) && a->prefix == -1);
}

/* An answer: 0 with no errno and sane fields; else NETLINK with an errno (0: read on) and nothing filled in. */
static void check_route(const uint8_t *data, size_t size, uint32_t seq)
{
	struct tun_route_info ri;
	int err = -1;
	int rc = tun_nl_parse_route(data, size, seq, &ri, &err);

	if ((rc == 0 && (err != 0 || ri.oif < 0 || !addr_sane(&ri.gw) || !addr_sane(&ri.src))) ||
	    (rc != 0 && (rc != SSHTUN_ERR_NETLINK || !all_zero(&ri, sizeof(ri)))) || err < 0 || err > 4095) {
		abort();
	}
}

static void check_link(const uint8_t *data, size_t size, uint32_t seq)
{
	struct tun_link_info li;
	int err = -1;
	int rc = tun_nl_parse_link(data, size, seq, &li, &err);

	if ((rc == 0 && (err != 0 || li.ifindex <= 0 || li.master < 0 || memchr(li.name, 0, sizeof(li.name)) == NULL ||
			 memchr(li.kind, 0, sizeof(li.kind)) == NULL)) ||
	    (rc != 0 && (rc != SSHTUN_ERR_NETLINK || !all_zero(&li, sizeof(li)))) || err < 0 || err > 4095) {
		abort();
	}
}

/* Parse, and if it parses, format and parse again: the result must not change. */
static void check_addr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct tun_addr a, b;
	char text[64];

	if (!s) {
		return;
	}
	memcpy(s, data, size);
	s[size] = '\0';
	if (tun_addr_parse(&a, s) == 0) {
		tun_addr_format(text, sizeof(text), &a);
		if (tun_addr_parse(&b, text) != 0 || memcmp(&a, &b, sizeof(a)) != 0) {
			abort();
		}
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_r r;
	uint32_t seq = 0;

	check_ack(data, size, 1);
	/* Also with the first message's seq, so the matching paths are reached at once. */
	wire_r_init(&r, data, size);
	wire_skip(&r, 8);
	if (wire_get_bytes(&r, &seq, sizeof(seq)) == 0) {	/* host order, like netlink */
		check_ack(data, size, seq);
		check_route(data, size, seq);
		check_link(data, size, seq);
	}
	check_addr(data, size);
	return 0;
}
