/* sshtun: parsing the remote IP configuration (ssh/rconf.h has the format). */
#include "ssh/rconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sshtun_err.h"
#include "util/text.h"
#include "util/wire.h"

enum { FIELD_MAX = 80, FIELDS_MAX = 6 };

/* What a keyword's value may be. */
enum { PFX_NO, PFX_OPTIONAL, PFX_REQUIRED };

struct line_ctx {
	struct rconf *c;
	unsigned lineno;
	char *err;
	size_t errlen;
	char key[RCONF_KEYWORD_MAX + 1];
	char field[FIELDS_MAX][FIELD_MAX];
	unsigned nfields;	/* the values after the keyword */
	int netmask_prefix;	/* -1 until NETMASK */
	int addr4_had_len;
	int known;		/* lines with a keyword this version knows */
};

static int fail(struct line_ctx *x, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (x->lineno) {
		n = snprintf(x->err, x->errlen, "line %u: ", x->lineno);
	}
	if (n >= 0 && (size_t)n < x->errlen) {
		va_start(ap, fmt);
		vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return SSHTUN_ERR_CONFIG;
}

/* An address of family (0: either), its prefix as pfx says; the field is named in an error. */
static int addr(struct line_ctx *x, const char *text, int family, int pfx, struct tun_addr *out)
{
	if (tun_addr_parse(out, text) != 0 || (family && out->family != family)) {
		return fail(x, "%s: \"%s\" is not an %s address", x->key, text,
			family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "IP");
	}
	if (pfx == PFX_NO && out->prefix >= 0) {
		return fail(x, "%s: \"%s\" takes no /length", x->key, text);
	}
	if (pfx == PFX_REQUIRED && out->prefix < 0) {
		return fail(x, "%s: \"%s\" needs a /length", x->key, text);
	}
	return 0;
}

/* A single-valued keyword given once, with exactly one value. */
static int single(struct line_ctx *x, int given)
{
	if (given) {
		return fail(x, "%s is given twice", x->key);
	}
	if (x->nfields != 1) {
		return fail(x, "%s takes one value, not %u", x->key, x->nfields);
	}
	return 0;
}

/* A contiguous dotted netmask: its prefix length. */
static int netmask(struct line_ctx *x, const char *text)
{
	struct tun_addr m;
	uint32_t v;
	int len = 0;

	if (addr(x, text, AF_INET, PFX_NO, &m) != 0) {
		return -1;
	}
	v = (uint32_t)m.a[0] << 24 | (uint32_t)m.a[1] << 16 | (uint32_t)m.a[2] << 8 | m.a[3];
	while (len < 32 && (v & 0x80000000u)) {
		v <<= 1;
		len++;
	}
	if (v != 0) {
		fail(x, "NETMASK: \"%s\" is not a contiguous netmask", text);
		return -1;
	}
	return len;
}

/* A DNS name (letters, digits, '-', '.'; labels of 1-63), optionally after '~'. */
static int domain(struct line_ctx *x, const char *text)
{
	const char *p = text[0] == '~' ? text + 1 : text;
	size_t n = strlen(p), label = 0;

	if (text[0] == '~' && strcmp(p, ".") == 0) {
		return 0;	/* "~.": every query goes to these servers */
	}
	if (n == 0 || n > RCONF_NAME_MAX) {
		return fail(x, "DOMAIN: \"%s\" is not a domain name", text);
	}
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];

		if (ch == '.') {
			if (label == 0) {
				return fail(x, "DOMAIN: \"%s\" has an empty label", text);
			}
			label = 0;
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			   (ch == '-' && label > 0)) {
			if (++label > 63) {
				return fail(x, "DOMAIN: \"%s\" has a label over 63 characters", text);
			}
		} else {
			return fail(x, "DOMAIN: \"%s\" is not a domain name", text);
		}
	}
	return 0;
}

static void remember_unknown(struct rconf *c, const char *key)
{
	for (unsigned i = 0; i < c->nunknown; i++) {
		if (strcmp(c->unknown[i], key) == 0) {
			return;
		}
	}
	if (c->nunknown < RCONF_UNKNOWN_MAX) {
		snprintf(c->unknown[c->nunknown++], sizeof(c->unknown[0]), "%s", key);
	}
}

/* One keyword line whose fields are split. */
static int keyword(struct line_ctx *x)
{
	struct rconf *c = x->c;
	const char *v = x->field[0];
	unsigned long n;
	char *end;

	x->known++;
	if (strcmp(x->key, "ADDR") == 0) {
		if (single(x, c->addr4.family) != 0 || addr(x, v, AF_INET, PFX_OPTIONAL, &c->addr4) != 0) {
			return SSHTUN_ERR_CONFIG;
		}
		x->addr4_had_len = c->addr4.prefix >= 0;
	} else if (strcmp(x->key, "PEER_ADDR") == 0) {
		return single(x, c->peer4.family) ? SSHTUN_ERR_CONFIG : addr(x, v, AF_INET, PFX_NO, &c->peer4);
	} else if (strcmp(x->key, "NETMASK") == 0) {
		if (single(x, x->netmask_prefix >= 0) != 0 || (x->netmask_prefix = netmask(x, v)) < 0) {
			return SSHTUN_ERR_CONFIG;
		}
	} else if (strcmp(x->key, "GW_ADDR") == 0) {
		if (single(x, c->gw.family || c->gw_ignored) != 0) {
			return SSHTUN_ERR_CONFIG;
		}
		if (x->nfields == 1 && tun_addr_parse(&c->gw, v) == 0 && c->gw.prefix < 0) {
			return 0;
		}
		memset(&c->gw, 0, sizeof(c->gw));
		c->gw_ignored = 1;	/* the seed's "<remote-ip>", left for the user to fill in */
	} else if (strcmp(x->key, "ADDR6") == 0) {
		if (single(x, c->addr6.family) != 0 || addr(x, v, AF_INET6, PFX_OPTIONAL, &c->addr6) != 0) {
			return SSHTUN_ERR_CONFIG;
		}
		if (c->addr6.prefix < 0) {
			c->addr6.prefix = 128;
		}
	} else if (strcmp(x->key, "PEER_ADDR6") == 0) {
		return single(x, c->peer6.family) ? SSHTUN_ERR_CONFIG : addr(x, v, AF_INET6, PFX_NO, &c->peer6);
	} else if (strcmp(x->key, "MTU") == 0) {
		if (single(x, c->mtu != 0) != 0) {
			return SSHTUN_ERR_CONFIG;
		}
		n = strtoul(v, &end, 10);
		if (*v < '0' || *v > '9' || *end || n < 68 || n > 65535) {
			return fail(x, "MTU: \"%s\" is not a number from 68 to 65535", v);
		}
		c->mtu = (unsigned)n;
	} else if (strcmp(x->key, "ROUTE") == 0) {
		struct rconf_route *rt = &c->routes[c->nroutes];

		if (c->nroutes == RCONF_ROUTES_MAX) {
			return fail(x, "more than %d routes", RCONF_ROUTES_MAX);
		}
		memset(rt, 0, sizeof(*rt));
		if (addr(x, v, 0, PFX_REQUIRED, &rt->dst) != 0) {
			return SSHTUN_ERR_CONFIG;
		}
		/* Then "via GATEWAY" and "mtu N", each at most once, in this order. */
		for (unsigned f = 1; f < x->nfields; f += 2) {
			const char *what = x->field[f];

			if (f + 1 >= x->nfields || (strcmp(what, "via") != 0 && strcmp(what, "mtu") != 0) ||
			    (strcmp(what, "via") == 0 && (f != 1 || rt->via.family)) || (strcmp(what, "mtu") == 0 && rt->mtu)) {
				return fail(x, "ROUTE takes a network, then optionally \"via\" a gateway and \"mtu\" a number");
			}
			if (strcmp(what, "via") == 0) {
				if (addr(x, x->field[f + 1], rt->dst.family, PFX_NO, &rt->via) != 0) {
					return SSHTUN_ERR_CONFIG;
				}
			} else {
				const char *m = x->field[f + 1];

				n = strtoul(m, &end, 10);
				if (*m < '0' || *m > '9' || *end || n < 68 || n > 65535) {
					return fail(x, "ROUTE: mtu \"%s\" is not a number from 68 to 65535", m);
				}
				rt->mtu = (unsigned)n;
			}
		}
		c->nroutes++;
	} else if (strcmp(x->key, "DNS") == 0) {
		if (c->ndns == RCONF_DNS_MAX) {
			return fail(x, "more than %d DNS servers", RCONF_DNS_MAX);
		}
		if (x->nfields != 1 || addr(x, v, 0, PFX_NO, &c->dns[c->ndns]) != 0) {
			return x->nfields != 1 ? fail(x, "DNS takes one address") : SSHTUN_ERR_CONFIG;
		}
		c->ndns++;
	} else if (strcmp(x->key, "DOMAIN") == 0) {
		if (c->ndomains == RCONF_DOMAINS_MAX) {
			return fail(x, "more than %d domains", RCONF_DOMAINS_MAX);
		}
		if (x->nfields != 1) {
			return fail(x, "DOMAIN takes one name");
		}
		if (domain(x, v) != 0) {
			return SSHTUN_ERR_CONFIG;
		}
		snprintf(c->domains[c->ndomains++], sizeof(c->domains[0]), "%s", v);
	} else {
		x->known--;
		remember_unknown(c, x->key);
	}
	return 0;
}

/* Splits a line (printable, blanks between fields) into the keyword and its values. */
static int split(struct line_ctx *x, const struct wire_view *line)
{
	struct wire_r r;
	struct wire_view f;
	unsigned i = 0;

	for (size_t k = 0; k < line->n; k++) {
		if ((line->p[k] < 0x20 && line->p[k] != '\t') || line->p[k] > 0x7e) {
			return fail(x, "byte 0x%02x is not printable text", line->p[k]);
		}
	}
	wire_r_init(&r, line->p, line->n);
	x->nfields = 0;
	text_skip_blanks(&r);
	while (text_peek(&r) >= 0) {
		text_take(&r, -1, &f);
		text_skip_blanks(&r);
		if (i == 0) {
			snprintf(x->key, sizeof(x->key), "%.*s", (int)f.n, (const char *)f.p);
		} else {
			if (x->nfields == FIELDS_MAX) {
				return fail(x, "%s: too many values", x->key);
			}
			if (f.n >= FIELD_MAX) {
				return fail(x, "%s: a value of %zu characters is too long", x->key, f.n);
			}
			memcpy(x->field[x->nfields], f.p, f.n);
			x->field[x->nfields++][f.n] = '\0';
		}
		i++;
	}
	if (i > 0 && x->nfields == 0) {
		return fail(x, "%s has no value", x->key);
	}
	return 0;
}

int rconf_parse(struct rconf *c, const uint8_t *text, size_t n, char *err, size_t errlen)
{
	struct line_ctx x;
	struct wire_r r;
	struct wire_view line;
	int e;

	memset(c, 0, sizeof(*c));
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.err = err;
	x.errlen = errlen;
	x.netmask_prefix = -1;
	if (errlen) {
		err[0] = '\0';
	}
	if (n > RCONF_TEXT_MAX) {
		return fail(&x, "the configuration has %zu bytes, more than %d", n, RCONF_TEXT_MAX);
	}
	wire_r_init(&r, text, n);
	while (text_line(&r, &line, 1)) {
		x.lineno++;
		if (line.n > RCONF_LINE_MAX) {
			return fail(&x, "longer than %d characters", RCONF_LINE_MAX);
		}
		while (line.n && (line.p[0] == ' ' || line.p[0] == '\t')) {
			line.p++, line.n--;
		}
		if (line.n == 0 || line.p[0] == '#') {
			continue;
		}
		if ((e = split(&x, &line)) != 0 || (e = keyword(&x)) != 0) {
			return e;
		}
	}
	x.lineno = 0;
	if (x.netmask_prefix >= 0) {
		if (!c->addr4.family) {
			return fail(&x, "NETMASK is given without ADDR");
		}
		if (x.addr4_had_len) {
			return fail(&x, "ADDR has a /length and NETMASK is given too: give one");
		}
		c->addr4.prefix = x.netmask_prefix;
	}
	if (c->peer4.family && !c->addr4.family) {
		return fail(&x, "PEER_ADDR is given without ADDR");
	}
	if (c->peer6.family && !c->addr6.family) {
		return fail(&x, "PEER_ADDR6 is given without ADDR6");
	}
	if (x.known == 0) {
		return fail(&x, "no configuration this version knows (%s)",
			c->nunknown ? "only unknown keywords" : "the text is empty");
	}
	return 0;
}
