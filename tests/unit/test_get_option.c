/* sshtun: unit tests for sshtun_get_option (ssh/config_get.c, ssh/api.c): values as ssh -G gives them. */
#include "tests/unit/testutil.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sshtun.h"
#include "util/features.h"

struct logbuf {
	char text[4096];
};

static void log_fn(void *ud, int level, const char *line)
{
	struct logbuf *b = ud;
	size_t n = strlen(b->text);

	(void)level;
	snprintf(b->text + n, sizeof(b->text) - n, "%s\n", line);
}

static char home[64];
static char conf[128];

/* A HOME of its own (~ and %d expand to it) and the configuration file conf holding text. */
static void write_conf(const char *text)
{
	FILE *f;

	if (!home[0]) {
		snprintf(home, sizeof(home), "/tmp/sshtun_getoptXXXXXX");
		assert_non_null(mkdtemp(home));
		setenv("HOME", home, 1);
		snprintf(conf, sizeof(conf), "%s/config", home);
	}
	f = fopen(conf, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(conf, 0600);
}

/* The sample's jump host, where the build has ProxyJump (else the file would be refused). */
#if SSHTUN_JUMP
#define SAMPLE_JUMP "\tProxyJump jump@gw.example.org:2200\n"
#else
#define SAMPLE_JUMP ""
#endif

static const char sample[] =
	"Host vpn other\n"
	"\tHostName %h.example.org\n"
	"\tPort 2222\n"
	"\tIdentityFile ~/.ssh/id_vpn\n"
	"\tTunnel ethernet\n"
	"\tTunnelConfigCommand sshtun-server --pool 10.9.0.0/24\n"
	"\tTunnelRoute 10.1.0.0/16 10.2.0.0/16\n"
	SAMPLE_JUMP
	"Host *.lan !bad.lan\n"
	"\tUser lanuser\n"
	"Host *\n"
	"\tUser everyone\n"
	"\tIdentityFile %d/.ssh/id_all\n"
	"\tUserKnownHostsFile ~/kh/%h\n";

static struct sshtun *handle(const char *host, struct logbuf *lb)
{
	struct sshtun *h = NULL;

	assert_int_equal(sshtun_new(&h), 0);
	if (lb) {
		sshtun_set_log(h, log_fn, lb, SSHTUN_LOG_ERROR);
	}
	if (host) {
		assert_int_equal(sshtun_set_params(h, "Host", host, NULL), 0);
	}
	assert_int_equal(sshtun_read_config(h, conf), 0);
	return h;
}

static void want(struct sshtun *h, const char *kw, int r, const char *value)
{
	char buf[1024];

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(sshtun_get_option(h, kw, buf, sizeof(buf)), r);
	assert_string_equal(buf, value);
}

/* Values set in a matching block and a Host * block, finished: %h, ~ and %d expanded, lists one per line. */
static void test_values(void **state)
{
	char idall[256], ids[512], kh[256];
	struct sshtun *h;

	(void)state;
	T_NEED(SSHTUN_CONFIG_GET);
	write_conf(sample);
	h = handle("vpn", NULL);
	want(h, "Host", 0, "vpn");
	want(h, "hostname", 0, "vpn.example.org");
	want(h, "Port", 0, "2222");
	want(h, "User", 0, "everyone");
	snprintf(idall, sizeof(idall), "%s/.ssh/id_all", home);
	snprintf(ids, sizeof(ids), "%s/.ssh/id_vpn\n%s", home, idall);
	want(h, "IdentityFile", 0, ids);
	snprintf(kh, sizeof(kh), "%s/kh/vpn.example.org", home);
	want(h, "UserKnownHostsFile", 0, kh);
	want(h, "Tunnel", 0, "ethernet");
	want(h, "TunnelConfigCommand", 0, "sshtun-server --pool 10.9.0.0/24");
	want(h, "TunnelRoute", 0, "10.1.0.0/16\n10.2.0.0/16");
	if (SSHTUN_JUMP) {
		want(h, "ProxyJump", 0, "jump@gw.example.org:2200");
	}
	/* Unset with a default, and unset without one. */
	want(h, "TunnelMTU", SSHTUN_OPTION_DEFAULT, "1500");
	want(h, "StrictHostKeyChecking", SSHTUN_OPTION_DEFAULT, "ask");
	want(h, "ProxyCommand", SSHTUN_ERR_NO_VALUE, "");
	want(h, "TunnelAddress", SSHTUN_ERR_NO_VALUE, "");
	/* The aliases: plain names only, in order, each once. */
	want(h, "HostAliases", 0, "vpn\nother");
	sshtun_del(h);
}

/* The first value wins, as in ssh: parameters before the file. */
static void test_params_first(void **state)
{
	struct sshtun *h = NULL;

	(void)state;
	T_NEED(SSHTUN_CONFIG_GET);
	write_conf(sample);
	assert_int_equal(sshtun_new(&h), 0);
	assert_int_equal(sshtun_set_params(h, "Host", "alice@other", "Port", "22", "TunnelMTU", "1400", NULL), 0);
	assert_int_equal(sshtun_read_config(h, conf), 0);
	want(h, "User", 0, "alice");
	want(h, "Port", 0, "22");
	want(h, "TunnelMTU", 0, "1400");
	want(h, "HostName", 0, "other.example.org");
	sshtun_del(h);
}

/* Defaults of a host no block names: HostName is the name, the user the local one. */
static void test_defaults(void **state)
{
	struct passwd *pw = getpwuid(getuid());
	char ids[512];
	struct sshtun *h;

	(void)state;
	T_NEED(SSHTUN_CONFIG_GET);
	write_conf("Host vpn\n\tPort 2\n");
	h = handle("plain.example", NULL);
	want(h, "HostName", SSHTUN_OPTION_DEFAULT, "plain.example");
	want(h, "Port", SSHTUN_OPTION_DEFAULT, "22");
	assert_non_null(pw);
	want(h, "User", SSHTUN_OPTION_DEFAULT, pw->pw_name);
	snprintf(ids, sizeof(ids), "%s/.ssh/id_rsa\n%s/.ssh/id_ecdsa\n%s/.ssh/id_ed25519", home, home, home);
	want(h, "IdentityFile", SSHTUN_OPTION_DEFAULT, ids);
	want(h, "Tunnel", SSHTUN_OPTION_DEFAULT, "point-to-point");
	want(h, "Compression", SSHTUN_OPTION_DEFAULT, "no");
	sshtun_del(h);
}

/* "none" is reported as such; a list set to none has no value. */
static void test_none(void **state)
{
	struct sshtun *h;

	(void)state;
	T_NEED(SSHTUN_CONFIG_GET);
	write_conf("Host vpn\n\tProxyJump none\n\tUserKnownHostsFile none\n\tProxyCommand none\n");
	h = handle("vpn", NULL);
	want(h, "ProxyJump", 0, "none");
	want(h, "ProxyCommand", SSHTUN_ERR_NO_VALUE, "");	/* ProxyJump came first: the first of the two wins */
	want(h, "UserKnownHostsFile", SSHTUN_ERR_NO_VALUE, "");
	sshtun_del(h);
}

static void test_errors(void **state)
{
	struct logbuf lb = { "" };
	char small[4], buf[256];
	struct sshtun *h;

	(void)state;
	T_NEED(SSHTUN_CONFIG_GET);
	write_conf(sample);
	h = handle("vpn", NULL);
	want(h, "NoSuchKeyword", SSHTUN_ERR_NOT_SUPPORTED, "");
	want(h, "ForwardAgent", SSHTUN_ERR_NOT_SUPPORTED, "");	/* accepted and ignored: nothing to report */
	memset(small, 'x', sizeof(small));
	assert_int_equal(sshtun_get_option(h, "HostName", small, sizeof(small)), SSHTUN_ERR_TOO_LONG);
	assert_string_equal(small, "");
	assert_int_equal(sshtun_get_option(h, "Port", small, sizeof(small)), SSHTUN_ERR_TOO_LONG);	/* "2222" needs 5 */
	assert_int_equal(sshtun_get_option(h, "Port", buf, 5), 0);
	assert_string_equal(buf, "2222");
	assert_int_equal(sshtun_get_option(h, "HostName", buf, 0), SSHTUN_ERR_INVAL);
	assert_int_equal(sshtun_get_option(h, NULL, buf, sizeof(buf)), SSHTUN_ERR_INVAL);
	assert_int_equal(sshtun_get_option(NULL, "Port", buf, sizeof(buf)), SSHTUN_ERR_INVAL);
	sshtun_del(h);

	/* No host given: the aliases are there, a finished value is not (the reason is logged). */
	h = handle(NULL, &lb);
	want(h, "HostAliases", 0, "vpn\nother");
	want(h, "Host", SSHTUN_ERR_NO_VALUE, "");
	want(h, "Port", SSHTUN_ERR_CONFIG, "");
	assert_non_null(strstr(lb.text, "no host given"));

	/* A file that no longer parses: the configuration is read again, so the call says so. */
	write_conf("Host vpn\n\tNoSuchOption 1\n");
	lb.text[0] = '\0';
	want(h, "HostAliases", SSHTUN_ERR_CONFIG, "");
	assert_non_null(strstr(lb.text, "NoSuchOption"));
	sshtun_del(h);
}

/* Asking changes nothing: the same answer twice, and a value that may be set again as it reads. */
static void test_round_trip(void **state)
{
	char buf[256], line[300];
	struct sshtun *h, *h2 = NULL;

	(void)state;
	T_NEED(SSHTUN_CONFIG_GET);
	write_conf("Host vpn\n\tRekeyLimit 1G 1h\n\tTunnelDevice 3:any\n\tStrictHostKeyChecking accept-new\n"
		   "\tAddressFamily inet6\n\tLogLevel DEBUG2\n");
	h = handle("vpn", NULL);
	assert_int_equal(sshtun_new(&h2), 0);
	assert_int_equal(sshtun_set_params(h2, "Host", "vpn", NULL), 0);
	static const char *const kws[] = { "RekeyLimit", "TunnelDevice", "StrictHostKeyChecking", "AddressFamily",
					   "LogLevel" };
	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
		char again[256];

		assert_int_equal(sshtun_get_option(h, kws[i], buf, sizeof(buf)), 0);
		assert_int_equal(sshtun_get_option(h, kws[i], again, sizeof(again)), 0);
		assert_string_equal(buf, again);
		snprintf(line, sizeof(line), "%s %s", kws[i], buf);
		assert_int_equal(sshtun_set_params(h2, "", line, NULL), 0);
		assert_int_equal(sshtun_get_option(h2, kws[i], again, sizeof(again)), 0);
		assert_string_equal(buf, again);
	}
	want(h, "RekeyLimit", 0, "1073741824 3600");
	want(h, "TunnelDevice", 0, "3:any");
	sshtun_del(h);
	sshtun_del(h2);
}

/* HostAliases: comma lists and blanks split, patterns and negations left out, each name once, in order. */
static void test_aliases(void **state)
{
	struct sshtun *h;

	(void)state;
	T_NEED(SSHTUN_CONFIG_GET);
	write_conf(SSHTUN_CONFIG_MATCH ? "Host a,b c\n\tPort 1\nHost *.x !d e?\n\tPort 2\nHost c f\n\tPort 3\nMatch all\n\tUser u\n" :
		"Host a,b c\n\tPort 1\nHost *.x !d e?\n\tPort 2\nHost c f\n\tPort 3\n");
	h = handle(NULL, NULL);
	want(h, "HostAliases", 0, "a\nb\nc\nf");
	want(h, "hostaliases", 0, "a\nb\nc\nf");
	sshtun_del(h);
	write_conf("Host *\n\tPort 1\n");
	h = handle(NULL, NULL);
	want(h, "HostAliases", SSHTUN_ERR_NO_VALUE, "");
	sshtun_del(h);

	/* At most 64. */
	char text[2048] = "", buf[2048];
	int lines = 1;

	for (int i = 0; i < 70; i++) {
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "Host n%d\n", i);
	}
	write_conf(text);
	h = handle(NULL, NULL);
	assert_int_equal(sshtun_get_option(h, "HostAliases", buf, sizeof(buf)), 0);
	for (const char *p = buf; *p; p++) {
		lines += *p == '\n';
	}
	assert_int_equal(lines, 64);
	assert_non_null(strstr(buf, "\nn63"));
	assert_null(strstr(buf, "n64"));
	sshtun_del(h);
}

/*
 * Every build: with the table (SSHTUN_CONFIG_GET) a value; without it SSHTUN_ERR_NOT_SUPPORTED for every keyword,
 * and only after the configuration was read and finished, so that what it refuses is still said (sshtun -G).
 */
static void test_build_switch(void **state)
{
	struct logbuf lb = { "" };
	char buf[256], feat[256];
	struct sshtun *h;

	(void)state;
	assert_int_equal(sshtun_algorithms("feature", feat, sizeof(feat)), 0);
	assert_int_equal(strstr(feat, "config-get") != NULL, SSHTUN_CONFIG_GET);
	write_conf("Host vpn\n\tPort 2222\n");
	h = handle("vpn", &lb);
	sshtun_set_log(h, log_fn, &lb, SSHTUN_LOG_INFO);
	assert_int_equal(sshtun_get_option(h, "Port", buf, sizeof(buf)), SSHTUN_CONFIG_GET ? 0 : SSHTUN_ERR_NOT_SUPPORTED);
	assert_string_equal(buf, SSHTUN_CONFIG_GET ? "2222" : "");
	assert_int_equal(sshtun_get_option(h, "Host", buf, sizeof(buf)), SSHTUN_CONFIG_GET ? 0 : SSHTUN_ERR_NOT_SUPPORTED);
	assert_true(SSHTUN_CONFIG_GET || strstr(lb.text, "Host: this build cannot report configuration values"));
	sshtun_del(h);

	/* A configuration that does not finish: its reason, in either build. */
	lb.text[0] = '\0';
	write_conf("Host vpn\n\tIdentityAgent $SSHTUN_TEST_UNSET_VARIABLE\n");
	unsetenv("SSHTUN_TEST_UNSET_VARIABLE");
	h = handle("vpn", &lb);
	assert_int_equal(sshtun_get_option(h, "Port", buf, sizeof(buf)), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(lb.text, "IdentityAgent"));
	sshtun_del(h);
}

static int teardown(void **state)
{
	(void)state;
	if (home[0]) {
		unlink(conf);
		rmdir(home);
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_params_first),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_build_switch),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
