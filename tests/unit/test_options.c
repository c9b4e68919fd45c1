/* sshtun: unit tests for command-line parsing (cli/options.c). */
#include "tests/unit/testutil.h"

#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * cli/ is not in libsshtun.a, which the Makefile links tests against, so the
 * parser is compiled in here (as wireguard-tools' fuzzers include ../config.c).
 */
#include "cli/options.h"
/* The test looks into the handle the options went into (the CLI itself only uses the public API). */
#include "ssh/conn_int.h"

#define CFG(rn) (((struct sshtun *)(rn).o.h)->cfg)

/* Runs cli_parse on a NULL-terminated list, capturing what it prints to stderr. */
struct run {
	struct cli_opts o;
	int r;
	char err[1024];
};

static void run_args(struct run *rn, const char *const *args)
{
	char *argv[CLI_MAX_LINES + 8];
	int argc = 0;
	struct t_stderr cap;

	argv[argc++] = "sshtun";
	while (args[argc - 1]) {
		argv[argc] = (char *)args[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	t_stderr_begin(&cap);
	rn->r = cli_parse(&rn->o, argc, argv);
	t_stderr_end(&cap, rn->err, sizeof(rn->err));
}

#define RUN(rn, ...) do { const char *const a_[] = { __VA_ARGS__, NULL }; run_args((rn), a_); } while (0)

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++) {
		n += *s == '\n';
	}
	return n;
}

/* A usage error is one line: "sshtun: <what>; see sshtun --help". */
static void assert_usage_error(struct run *rn, const char *what)
{
	assert_int_equal(rn->r, SSHTUN_ERR_CONFIG);
	assert_int_equal(lines(rn->err), 1);
	assert_int_equal(strncmp(rn->err, "sshtun: ", 8), 0);
	assert_non_null(strstr(rn->err, "; see sshtun --help\n"));
	if (!strstr(rn->err, what)) {
		fail_msg("expected \"%s\" in: %s", what, rn->err);
	}
	/* After an error the struct can still be freed. */
	cli_opts_free(&rn->o);
}

static void test_basic(void **st)
{
	struct run rn;

	(void)st;
	RUN(&rn, "-p", "2222", "-l", "alice", "-i", "/k/a", "-i", "/k b", "-m", "umac-64-etm@openssh.com,hmac-sha2-256",
		"gw.example");
	assert_int_equal(rn.r, 0);
	assert_string_equal(CFG(rn).macs, "umac-64-etm@openssh.com,hmac-sha2-256");
	assert_string_equal(rn.err, "");
	assert_string_equal(rn.o.host, "gw.example");
	assert_int_equal(CFG(rn).port, 2222);
	assert_string_equal(CFG(rn).user, "alice");
	assert_int_equal(CFG(rn).n_identity_files, 2);
	assert_string_equal(CFG(rn).identity_files[1], "/k b");
	assert_null(rn.o.config_file);
	assert_int_equal(rn.o.verbose, 0);
	/* Each option went into the handle as one config line. */
	assert_int_equal(rn.o.n_lines, 5);
	cli_opts_free(&rn.o);
}

static void test_user_at_host(void **st)
{
	struct run rn;

	(void)st;
	RUN(&rn, "root@198.18.0.2");
	assert_int_equal(rn.r, 0);
	assert_string_equal(rn.o.host, "198.18.0.2");
	assert_string_equal(CFG(rn).user, "root");
	cli_opts_free(&rn.o);

	/* As ssh: -l wins over user@ wherever it stands; the last '@' splits. */
	RUN(&rn, "bob@h", "-l", "carol");
	assert_int_equal(rn.r, 0);
	assert_string_equal(CFG(rn).user, "carol");
	cli_opts_free(&rn.o);
	RUN(&rn, "me@corp@h");
	assert_int_equal(rn.r, 0);
	assert_string_equal(CFG(rn).user, "me@corp");
	assert_string_equal(rn.o.host, "h");
	cli_opts_free(&rn.o);

	RUN(&rn, "@h");
	assert_usage_error(&rn, "bad user name");
	RUN(&rn, "u@");
	assert_usage_error(&rn, "bad host name");
	RUN(&rn, "a;b@h");
	assert_usage_error(&rn, "bad user name");
	RUN(&rn, "h$(x)");
	assert_usage_error(&rn, "bad host name");
}

static void test_missing_and_extra(void **st)
{
	struct run rn;

	(void)st;
	RUN(&rn, "-p", "22");
	assert_usage_error(&rn, "no host given");
	RUN(&rn, "h", "ls");
	assert_usage_error(&rn, "unexpected argument \"ls\"");
	RUN(&rn, "--", "-h");
	assert_usage_error(&rn, "bad host name");
}

static void test_bad_port(void **st)
{
	static const char *const bad[] = { "0", "65536", "x", "", "22 23", "-1" };
	struct run rn;

	(void)st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RUN(&rn, "-p", bad[i], "h");
		assert_usage_error(&rn, "-p: Port: ");
	}
	RUN(&rn, "h", "-p");
	assert_usage_error(&rn, "option -p needs an argument");
}

static void test_unknown_option(void **st)
{
	struct run rn;

	(void)st;
	RUN(&rn, "-x", "h");
	assert_usage_error(&rn, "unknown option -x");
	RUN(&rn, "--frobnicate", "h");
	assert_usage_error(&rn, "unknown option --frobnicate");
	RUN(&rn, "--help=yes");
	assert_usage_error(&rn, "option --help takes no argument");
	RUN(&rn, "-vL", "h");
	assert_usage_error(&rn, "unknown option -L");
}

static void test_o_options(void **st)
{
	struct run rn;

	(void)st;
	RUN(&rn, "-o", "Port=7", "-p", "8", "-o", "TunnelAddress 198.18.9.1/30", "-o", "TunnelPeer=198.18.9.2",
	    "-o", "ServerAliveInterval = 15", "h");
	assert_int_equal(rn.r, 0);
	assert_int_equal(CFG(rn).port, 7);	/* first wins */
	assert_string_equal(CFG(rn).tunnel_address, "198.18.9.1/30");
	assert_string_equal(CFG(rn).tunnel_peer, "198.18.9.2");
	assert_int_equal(CFG(rn).server_alive_interval, 15);
	assert_int_equal(rn.o.n_lines, 5);
	cli_opts_free(&rn.o);

	RUN(&rn, "-o", "Frobnicate=yes", "h");
	assert_usage_error(&rn, "-o: Bad configuration option: Frobnicate");
	RUN(&rn, "-o", "Host=x", "h");
	assert_usage_error(&rn, "Host is only allowed in configuration files");
	RUN(&rn, "-o", "TunnelMTU=20", "h");
	assert_usage_error(&rn, "TunnelMTU");
	RUN(&rn, "-o", "ForwardAgent=yes", "h");
	assert_int_equal(rn.r, 0);
	assert_string_equal(rn.err, "");
	cli_opts_free(&rn.o);
}

static void test_w_variants(void **st)
{
	static const struct {
		const char *arg;
		int local, remote;
	} ok[] = {
		{ "any", CFG_TUN_ANY, CFG_TUN_ANY },
		{ "5", 5, CFG_TUN_ANY },
		{ "5:7", 5, 7 },
		{ "any:3", CFG_TUN_ANY, 3 },
		{ "0:any", 0, CFG_TUN_ANY },
		{ "ANY:any", CFG_TUN_ANY, CFG_TUN_ANY },
	};
	static const char *const bad[] = { "", "x", "5:", ":5", "1:2:3", "-1", "5:y", "99999999999" };
	struct run rn;

	(void)st;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		RUN(&rn, "-w", ok[i].arg, "h");
		assert_int_equal(rn.r, 0);
		assert_int_equal(CFG(rn).tun_local, ok[i].local);
		assert_int_equal(CFG(rn).tun_remote, ok[i].remote);
		assert_int_equal(CFG(rn).tunnel, CFG_TUNNEL_P2P);
		cli_opts_free(&rn.o);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RUN(&rn, "-w", bad[i], "h");
		assert_usage_error(&rn, "-w: TunnelDevice: ");
	}
	/* A mode given before -w stays; without -w the tunnel mode is left for the files. */
	RUN(&rn, "-o", "Tunnel=ethernet", "-w", "1:1", "h");
	assert_int_equal(rn.r, 0);
	assert_int_equal(CFG(rn).tunnel, CFG_TUNNEL_ETHERNET);
	cli_opts_free(&rn.o);
	RUN(&rn, "h");
	assert_int_equal(rn.r, 0);
	assert_int_equal(CFG(rn).tunnel, CFG_TUNNEL_UNSET);
	assert_int_equal(CFG(rn).tun_local, CFG_UNSET);
	cli_opts_free(&rn.o);
}

static void test_flags(void **st)
{
	struct run rn;

	(void)st;
	RUN(&rn, "-vvv", "-4", "-F", "/tmp/cfg", "h");
	assert_int_equal(rn.r, 0);
	assert_int_equal(rn.o.verbose, 3);
	assert_int_equal(CFG(rn).log_level, LG_DEBUG3);	/* -v is LogLevel from the command line */
	assert_int_equal(CFG(rn).address_family, AF_INET);
	assert_string_equal(rn.o.config_file, "/tmp/cfg");
	cli_opts_free(&rn.o);

	RUN(&rn, "-v", "h", "-v", "-6");	/* options after the host, as ssh allows */
	assert_int_equal(rn.r, 0);
	assert_int_equal(rn.o.verbose, 2);
	assert_int_equal(CFG(rn).address_family, AF_INET6);
	cli_opts_free(&rn.o);

	RUN(&rn, "-q", "h");
	assert_int_equal(rn.r, 0);
	assert_int_equal(rn.o.quiet, 1);
	assert_int_equal(CFG(rn).log_level, LG_ERROR);
	cli_opts_free(&rn.o);

	RUN(&rn, "-F", "", "h");
	assert_usage_error(&rn, "-F needs a file name");
}

static void test_quoted_values(void **st)
{
	struct run rn;

	(void)st;
	/* Values from -i/-l/-p/-w reach cfg_apply quoted: blanks, quotes, '#' and '\\' stay literal. */
	RUN(&rn, "-i", "/k/a \"b\" #c\\d", "-l", "x#y", "h");
	assert_int_equal(rn.r, 0);
	assert_string_equal(CFG(rn).identity_files[0], "/k/a \"b\" #c\\d");
	assert_string_equal(CFG(rn).user, "x#y");
	cli_opts_free(&rn.o);
	/* Too many options for o->lines. */
	{
		const char *many[CLI_MAX_LINES + 3];

		for (int i = 0; i < CLI_MAX_LINES + 1; i++) {
			many[i] = "-4";
		}
		many[CLI_MAX_LINES + 1] = "h";
		many[CLI_MAX_LINES + 2] = NULL;
		run_args(&rn, many);
		assert_usage_error(&rn, "too many options");
		cli_opts_free(&rn.o);
	}
}

static void test_help_version(void **st)
{
	struct run rn;

	(void)st;
	RUN(&rn, "--help");
	assert_int_equal(rn.r, 0);
	assert_int_equal(rn.o.help, 1);
	assert_null(rn.o.host);
	cli_opts_free(&rn.o);
	RUN(&rn, "-h");
	assert_int_equal(rn.o.help, 1);
	cli_opts_free(&rn.o);
	RUN(&rn, "--version");
	assert_int_equal(rn.r, 0);
	assert_int_equal(rn.o.version, 1);
	cli_opts_free(&rn.o);
	RUN(&rn, "-V");
	assert_int_equal(rn.o.version, 1);
	cli_opts_free(&rn.o);
}

/*
 * --help names every option and every keyword sshtun implements; the smallest builds (SSHTUN_SMALL_CODE) name the
 * options and point to the manual page for the keywords.
 */
static void test_usage_text(void **st)
{
	static const char *const want[] = {
		"-4", "-6", "-F configfile", "-h", "-i identity_file", "-l login_name", "-m mac_spec", "-o option", "-p port",
		"-q", "-V", "-v", "-w local", "--help", "--version", "Exit status: 0 ok",
#if SSHTUN_SMALL_CODE
		"Configuration keywords (ssh_config(5) syntax, also with -o) and examples: see sshtun(1).",
#else
		"Host", "Match", "Include", "HostName", "Port", "User", "IdentityFile", "IdentitiesOnly",
		"IdentityAgent", "Tunnel ", "TunnelDevice", "TunnelAddress", "TunnelPeer", "TunnelMTU",
		"UserKnownHostsFile", "GlobalKnownHostsFile", "StrictHostKeyChecking", "Ciphers", "MACs", "KexAlgorithms",
		"RekeyLimit", "ConnectTimeout", "ServerAliveInterval", "ServerAliveCountMax", "LogLevel",
		"AddressFamily", "IgnoreUnknown",
		"sshtun -w any root@198.18.0.2 -o TunnelAddress=198.18.9.1/30 -o TunnelPeer=198.18.9.2",
#endif
	};
	char buf[16384];
	FILE *tmp = tmpfile();
	int saved;
	size_t n;

	(void)st;
	assert_non_null(tmp);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_int_equal(dup2(fileno(tmp), STDOUT_FILENO), STDOUT_FILENO);
	cli_usage();
	fflush(stdout);
	assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!strstr(buf, want[i])) {
			fail_msg("--help lacks \"%s\"", want[i]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_user_at_host),
		cmocka_unit_test(test_missing_and_extra),
		cmocka_unit_test(test_bad_port),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_o_options),
		cmocka_unit_test(test_w_variants),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_quoted_values),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_usage_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
