/* sshtun: IPv4/IPv6 addresses with an optional prefix, parsed from and formatted to user text. */
#include "tun/tun.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sshtun_err.h"
#include "util/wire.h"

enum {
	ADDR_TEXT_MAX = INET6_ADDRSTRLEN,	/* longest address part accepted, incl. NUL */
	PREFIX_DIGITS_MAX = 3			/* "128" */
};

/*
 * Reads the decimal prefix after '/': 1..3 digits, no sign, no leading zero
 * (except "0" itself), nothing after it, at most max. -1 on bad text.
 */
static int parse_prefix(struct wire_r *r, int max)
{
	int val = 0;
	size_t ndig = 0;
	uint8_t c = 0;

	while (wire_left(r) > 0) {
		wire_get_u8(r, &c);
		if (c < '0' || c > '9' || ndig == PREFIX_DIGITS_MAX) {
			return -1;
		}
		if (ndig == 1 && val == 0) {
			return -1;	/* leading zero: "024" */
		}
		val = val * 10 + (c - '0');
		ndig++;
	}
	if (ndig == 0 || wire_err(r) || val > max) {
		return -1;
	}
	return val;
}

int tun_addr_parse(struct tun_addr *out, const char *s)
{
	char text[ADDR_TEXT_MAX];
	struct wire_r r;
	size_t n = 0;
	uint8_t c = 0;
	int slash = 0, family, max;

	memset(out, 0, sizeof(*out));
	out->prefix = -1;
	if (!s) {
		return SSHTUN_ERR_CONFIG;
	}
	/* The address part, up to '/' or the end, copied so inet_pton sees it alone. */
	wire_r_init(&r, s, strlen(s));
	while (wire_left(&r) > 0) {
		wire_get_u8(&r, &c);
		if (c == '/') {
			slash = 1;
			break;
		}
		if (n + 1 >= sizeof(text)) {
			return SSHTUN_ERR_CONFIG;
		}
		text[n++] = (char)c;
	}
	text[n] = '\0';
	family = memchr(text, ':', n) ? AF_INET6 : AF_INET;
	max = family == AF_INET6 ? 128 : 32;
	if (n == 0 || inet_pton(family, text, out->a) != 1) {
		goto bad;
	}
	if (slash) {
		out->prefix = parse_prefix(&r, max);
		if (out->prefix < 0) {
			goto bad;
		}
	}
	out->family = family;
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	out->prefix = -1;
	return SSHTUN_ERR_CONFIG;
}

void tun_addr_format(char *out, size_t outlen, const struct tun_addr *a)
{
	char text[ADDR_TEXT_MAX];

	if (outlen == 0) {
		return;
	}
	if ((a->family != AF_INET && a->family != AF_INET6) ||
	    !inet_ntop(a->family, a->a, text, sizeof(text))) {
		snprintf(out, outlen, "?");
		return;
	}
	if (a->prefix >= 0) {
		snprintf(out, outlen, "%s/%d", text, a->prefix);
	} else {
		snprintf(out, outlen, "%s", text);
	}
}
