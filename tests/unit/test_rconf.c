/* sshtun: unit tests for ssh/rconf.c, the remote IP configuration a server's config command prints. */
#include "tests/unit/testutil.h"

#include <stdio.h>
#include <sys/socket.h>

#include "ssh/rconf.h"

static int parse(struct rconf *c, const char *text, char *err, size_t errlen)
{
	return rconf_parse(c, (const uint8_t *)text, strlen(text), err, errlen);
}

static void addr_is(const struct tun_addr *a, const char *want)
{
	char s[64];

	tun_addr_format(s, sizeof(s), a);
	assert_string_equal(s, want);
}

/* NetworkManager-sshtun's sshtun_config, as its README prints it (with the gateway filled in). */
static void t_seed(void **state)
{
	static const char seed[] = "ADDR 10.0.1.1\nPEER_ADDR 10.0.1.3\nNETMASK 255.255.255.0\nGW_ADDR 198.18.0.2\n";
	struct rconf c;
	char err[128];

	(void)state;
	assert_int_equal(parse(&c, seed, err, sizeof(err)), 0);
	addr_is(&c.addr4, "10.0.1.1/24");
	addr_is(&c.peer4, "10.0.1.3");
	addr_is(&c.gw, "198.18.0.2");
	assert_int_equal(c.addr6.family, 0);
	assert_int_equal(c.nroutes + c.ndns + c.ndomains + c.nunknown + c.mtu, 0);
}

/* The seed's script as its README prints it, placeholder and all: the gateway is noted and ignored. */
static void t_seed_unchanged(void **state)
{
	static const char seed[] = "ADDR 10.0.1.1\nPEER_ADDR 10.0.1.3\nNETMASK 255.255.255.0\nGW_ADDR <remote-ip>\n";
	struct rconf c;
	char err[128];

	(void)state;
	assert_int_equal(parse(&c, seed, err, sizeof(err)), 0);
	addr_is(&c.addr4, "10.0.1.1/24");
	addr_is(&c.peer4, "10.0.1.3");
	assert_int_equal(c.gw.family, 0);
	assert_int_equal(c.gw_ignored, 1);
	/* still one GW_ADDR only */
	assert_int_equal(parse(&c, "ADDR 10.0.1.1\nGW_ADDR x\nGW_ADDR 198.18.0.2\n", err, sizeof(err)), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(err, "line 3"));
}

/* The superset: IPv6, MTU, routes with and without a gateway, DNS, search and routing-only domains. */
static void t_superset(void **state)
{
	static const char text[] = "# from sshtun-server\r\n"
		"ADDR 10.9.0.2/24\n"
		"  PEER_ADDR\t10.9.0.1\n"
		"ADDR6 fd00:9::2/64\n"
		"PEER_ADDR6 fd00:9::1\n"
		"MTU 16000\n"
		"ROUTE 198.19.0.0/16\n"
		"ROUTE fd00:77::/48 via fd00:9::1\n"
		"ROUTE 198.18.60.0/24 mtu 1500\n"
		"ROUTE fd00:60::/64 via fd00:9::1 mtu 1280\n"
		"DNS 10.9.0.1\n"
		"DNS fd00:9::1\n"
		"DOMAIN corp.example\n"
		"DOMAIN ~lab.example.\n"
		"DOMAIN ~.\n"
		"\n";
	struct rconf c;
	char err[128];

	(void)state;
	assert_int_equal(parse(&c, text, err, sizeof(err)), 0);
	addr_is(&c.addr4, "10.9.0.2/24");
	addr_is(&c.peer4, "10.9.0.1");
	addr_is(&c.addr6, "fd00:9::2/64");
	addr_is(&c.peer6, "fd00:9::1");
	assert_int_equal(c.mtu, 16000);
	assert_int_equal(c.nroutes, 4);
	addr_is(&c.routes[0].dst, "198.19.0.0/16");
	assert_int_equal(c.routes[0].via.family, 0);
	addr_is(&c.routes[1].dst, "fd00:77::/48");
	addr_is(&c.routes[1].via, "fd00:9::1");
	assert_int_equal(c.routes[1].mtu, 0);
	addr_is(&c.routes[2].dst, "198.18.60.0/24");
	assert_int_equal(c.routes[2].via.family, 0);
	assert_int_equal(c.routes[2].mtu, 1500);
	addr_is(&c.routes[3].via, "fd00:9::1");
	assert_int_equal(c.routes[3].mtu, 1280);
	assert_int_equal(c.ndns, 2);
	assert_int_equal(c.ndomains, 3);
	assert_string_equal(c.domains[0], "corp.example");
	assert_string_equal(c.domains[1], "~lab.example.");
	assert_string_equal(c.domains[2], "~.");
}

/* An unknown keyword is remembered once and its line ignored; the rest still counts. */
static void t_unknown(void **state)
{
	struct rconf c;
	char err[128];

	(void)state;
	assert_int_equal(parse(&c, "ADDR 10.0.0.2\nNTP 10.0.0.1\nNTP 10.0.0.5\nWINS x y\n", err, sizeof(err)), 0);
	assert_int_equal(c.nunknown, 2);
	assert_string_equal(c.unknown[0], "NTP");
	assert_string_equal(c.unknown[1], "WINS");
	addr_is(&c.addr4, "10.0.0.2");
	/* Only unknown keywords, or nothing: no configuration. */
	assert_int_equal(parse(&c, "NTP 10.0.0.1\n", err, sizeof(err)), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(err, "only unknown keywords"));
	assert_int_equal(parse(&c, "", err, sizeof(err)), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(err, "empty"));
}

/* Each bad line refuses the whole text, naming its line and what is wrong. */
static void t_refused(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "ADDR 10.0.0.2\nADDR 10.0.0.3\n", "line 2: ADDR is given twice" },
		{ "ADDR 10.0.0.300\n", "line 1: ADDR: \"10.0.0.300\" is not an IPv4 address" },
		{ "ADDR fd00::1\n", "not an IPv4 address" },
		{ "ADDR 10.0.0.2\nPEER_ADDR 10.0.0.1/24\n", "line 2: PEER_ADDR: \"10.0.0.1/24\" takes no /length" },
		{ "ADDR 10.0.0.2\nNETMASK 255.0.255.0\n", "line 2: NETMASK: \"255.0.255.0\" is not a contiguous netmask" },
		{ "ADDR 10.0.0.2/24\nNETMASK 255.255.255.0\n", "ADDR has a /length and NETMASK is given too" },
		{ "NETMASK 255.255.255.0\n", "NETMASK is given without ADDR" },
		{ "PEER_ADDR 10.0.0.1\n", "PEER_ADDR is given without ADDR" },
		{ "ADDR 10.0.0.2 10.0.0.3\n", "line 1: ADDR takes one value, not 2" },
		{ "ADDR\n", "line 1: ADDR has no value" },
		{ "ADDR6 fd00::2\nMTU 67\n", "line 2: MTU: \"67\" is not a number from 68 to 65535" },
		{ "ADDR6 fd00::2\nMTU 1e3\n", "is not a number" },
		{ "ADDR6 fd00::2\nROUTE 10.0.0.0\n", "line 2: ROUTE: \"10.0.0.0\" needs a /length" },
		{ "ADDR6 fd00::2\nROUTE 10.0.0.0/8 via fd00::1\n", "ROUTE: \"fd00::1\" is not an IPv4 address" },
		{ "ADDR6 fd00::2\nROUTE 10.0.0.0/8 by 10.0.0.1\n", "ROUTE takes a network, then optionally \"via\"" },
		{ "ADDR6 fd00::2\nROUTE 10.0.0.0/8 mtu 1500 via 10.0.0.1\n", "ROUTE takes a network, then optionally" },
		{ "ADDR6 fd00::2\nROUTE 10.0.0.0/8 mtu 1500 mtu 1400\n", "ROUTE takes a network, then optionally" },
		{ "ADDR6 fd00::2\nROUTE 10.0.0.0/8 mtu\n", "ROUTE takes a network, then optionally" },
		{ "ADDR6 fd00::2\nROUTE 10.0.0.0/8 mtu 67\n", "mtu \"67\" is not a number from 68 to 65535" },
		{ "ADDR6 fd00::2\nROUTE 10.0.0.0/8 mtu 15x\n", "is not a number" },
		{ "ADDR6 fd00::2\nDOMAIN exa_mple.com\n", "line 2: DOMAIN: \"exa_mple.com\" is not a domain name" },
		{ "ADDR6 fd00::2\nDOMAIN a..b\n", "has an empty label" },
		{ "ADDR6 fd00::2\nDOMAIN a..\n", "has an empty label" },
		{ "ADDR6 fd00::2\nDOMAIN .\n", "has an empty label" },
		{ "ADDR6 fd00::2\nDOMAIN -x.example\n", "is not a domain name" },
		{ "ADDR6 fd00::2\nDOMAIN x.-y\n", "is not a domain name" },
		{ "ADDR 10.0.0.2\nDNS 10.0.0.1\x01\n", "line 2: byte 0x01 is not printable text" },
		{ "ADDR 10.0.0.2\nDNS 10.0.0.1\xc3\xa9\n", "byte 0xc3 is not printable text" },
	};
	struct rconf c;
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(&c, cases[i].text, err, sizeof(err)), SSHTUN_ERR_CONFIG);
		if (!strstr(err, cases[i].want)) {
			fail_msg("\"%s\": got \"%s\", wanted \"%s\"", cases[i].text, err, cases[i].want);
		}
	}
}

/* The limits: routes, DNS servers, domains, line length, the whole text. */
static void t_limits(void **state)
{
	static char text[RCONF_TEXT_MAX + 64];
	struct rconf c;
	char err[160];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "ADDR 10.0.0.2\n");
	for (int i = 0; i < RCONF_ROUTES_MAX; i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "ROUTE 10.%d.0.0/16\n", i);
	}
	assert_int_equal(rconf_parse(&c, (uint8_t *)text, n, err, sizeof(err)), 0);
	assert_int_equal(c.nroutes, RCONF_ROUTES_MAX);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "ROUTE 11.0.0.0/8\n");
	assert_int_equal(rconf_parse(&c, (uint8_t *)text, n, err, sizeof(err)), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(err, "more than 64 routes"));
	memset(text, 'x', RCONF_LINE_MAX + 1);
	memcpy(text, "ADDR 10.0.0.2 ", 14);
	assert_int_equal(rconf_parse(&c, (uint8_t *)text, RCONF_LINE_MAX + 1, err, sizeof(err)), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(err, "line 1: longer than"));
	memset(text, '\n', sizeof(text));
	assert_int_equal(rconf_parse(&c, (uint8_t *)text, RCONF_TEXT_MAX + 1, err, sizeof(err)), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(err, "more than 65536"));
	/* A small error buffer is filled, not overrun. */
	assert_int_equal(rconf_parse(&c, (const uint8_t *)"ADDR x\n", 7, err, 8), SSHTUN_ERR_CONFIG);
	assert_int_equal(strlen(err), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_seed),
		cmocka_unit_test(t_seed_unchanged),
		cmocka_unit_test(t_superset),
		cmocka_unit_test(t_unknown),
		cmocka_unit_test(t_refused),
		cmocka_unit_test(t_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
