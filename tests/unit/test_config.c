/* sshtun: unit tests for ssh_config parsing, -o lines and defaults (ssh/config.c). */
#include "tests/unit/testutil.h"

#include <pwd.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "ssh/config.h"
#include "ssh/conn_int.h"
#include "sshtun.h"
#include "util/features.h"
#include "util/limits.h"

/* An IdentityAgent this build takes (--without-agent: only none). */
#if SSHTUN_AGENT
#define T_AGENT "SSH_AUTH_SOCK"
#define T_AGENT_PATH "IdentityAgent ~/agent.sock\n"
#else
#define T_AGENT "none"
#define T_AGENT_PATH ""
#endif

/* Collects log lines so tests can check what the user would be told. */
struct logbuf {
	char text[8192];
};

static void log_fn(void *ud, int level, const char *msg)
{
	struct logbuf *b = ud;
	size_t n = strlen(b->text);

	(void)level;
	snprintf(b->text + n, sizeof(b->text) - n, "%s\n", msg);
}

struct fx {
	struct cfg c;
	struct logbuf lb;
	struct lg log;
	char dir[64];
};

static struct fx *fx_new(const char *host)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	cfg_init(&f->c);
	if (host) {
		f->c.host = strdup(host);
	}
	f->log.fn = log_fn;
	f->log.ud = &f->lb;
	f->log.level = LG_DEBUG3;
	return f;
}

static int rd(struct fx *f, const char *text)
{
	return cfg_read_buf(&f->c, text, strlen(text), "t.conf", &f->log);
}

static void fx_free(struct fx *f)
{
	cfg_free(&f->c);
	free(f);
}

static const char *local_user(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw ? pw->pw_name : "";
}

/* A private temp dir used as HOME, with HOME/.ssh. */
static void fx_home(struct fx *f)
{
	char p[128];

	snprintf(f->dir, sizeof(f->dir), "/tmp/sshtun_cfgXXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(p, sizeof(p), "%s/.ssh", f->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	setenv("HOME", f->dir, 1);
}

static void write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char p[256];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(p, mode), 0);
}

static void rm_tree(const char *dir)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_first_wins(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	assert_int_equal(cfg_apply(&f->c, "Port 5", "command line", &f->log), 0);
	assert_int_equal(rd(f, "Port 1\nPort 2\nUser alice\nUser bob\n"), 0);
	assert_int_equal(f->c.port, 5);
	assert_string_equal(f->c.user, "alice");
	fx_free(f);
}

static void test_equals_form_and_case(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	assert_int_equal(cfg_apply(&f->c, "pOrT=23", NULL, &f->log), 0);
	assert_int_equal(f->c.port, 23);
	assert_int_equal(cfg_apply(&f->c, "  user\t =\t bob  ", NULL, &f->log), 0);
	assert_string_equal(f->c.user, "bob");
	assert_int_equal(cfg_apply(&f->c, "HOSTNAME = h.example", NULL, &f->log), 0);
	assert_string_equal(f->c.hostname, "h.example");
	/* Only one '=' is a separator. */
	assert_int_equal(cfg_apply(&f->c, "ConnectTimeout==5", NULL, &f->log), SSHTUN_ERR_CONFIG);
	assert_int_equal(cfg_apply(&f->c, "=5", NULL, &f->log), SSHTUN_ERR_CONFIG);
	fx_free(f);
}

/* TunnelConfigCommand keeps the command as written (quotes and all); TunnelRoute accumulates, each network once. */
static void test_tunnel_config_command_and_routes(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	assert_int_equal(cfg_apply(&f->c, "TunnelConfigCommand sshtun-server --domain \"a b\"  --mtu 1400  ", NULL, &f->log), 0);
	assert_string_equal(f->c.tunnel_config_command, "sshtun-server --domain \"a b\"  --mtu 1400");
	assert_int_equal(rd(f, "TunnelConfigCommand other\nTunnelRoute 198.18.30.0/24 fd00:30::/64\n"
		"TunnelRoute default\nTunnelRoute 198.18.30.0/24\n"), 0);
	assert_string_equal(f->c.tunnel_config_command, "sshtun-server --domain \"a b\"  --mtu 1400");
	assert_int_equal(f->c.n_tunnel_routes, 3);
	assert_string_equal(f->c.tunnel_routes[0], "198.18.30.0/24");
	assert_string_equal(f->c.tunnel_routes[1], "fd00:30::/64");
	assert_string_equal(f->c.tunnel_routes[2], "default");
	/* "=" form */
	fx_free(f);
	f = fx_new("x");
	assert_int_equal(cfg_apply(&f->c, "TunnelConfigCommand=/usr/bin/sshtun-server", NULL, &f->log), 0);
	assert_string_equal(f->c.tunnel_config_command, "/usr/bin/sshtun-server");
	assert_int_equal(cfg_apply(&f->c, "TunnelRoute 198.18.30.0", NULL, &f->log), SSHTUN_ERR_CONFIG);
	assert_int_equal(cfg_apply(&f->c, "TunnelRoute 198.18.30.0/33", NULL, &f->log), SSHTUN_ERR_CONFIG);
	assert_int_equal(cfg_apply(&f->c, "TunnelRoute everything", NULL, &f->log), SSHTUN_ERR_CONFIG);
	fx_free(f);
}

static void test_quoting(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	assert_int_equal(rd(f, "User \"a b\"\nIdentityFile 'x y'\nIdentityFile a\\ b\n"
			       "IdentityFile \"q\\\"r\"\nIdentityFile \"s\\\\t\"\nIdentityFile ab\"c d\"e\n"
			       "IdentityFile p\\q\n"), 0);
	assert_string_equal(f->c.user, "a b");
	assert_int_equal(f->c.n_identity_files, 6);
	assert_string_equal(f->c.identity_files[0], "x y");
	assert_string_equal(f->c.identity_files[1], "a b");
	assert_string_equal(f->c.identity_files[2], "q\"r");
	assert_string_equal(f->c.identity_files[3], "s\\t");
	assert_string_equal(f->c.identity_files[4], "abc de");
	assert_string_equal(f->c.identity_files[5], "p\\q");
	assert_int_equal(rd(f, "HostName \"unterminated\n"), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "t.conf:1: unterminated quote"));
	/* Two words where one is expected. */
	assert_int_equal(cfg_apply(&f->c, "Port 1 2", NULL, &f->log), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "too many arguments"));
	fx_free(f);
}

static void test_comments_and_crlf(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	assert_int_equal(rd(f, "# comment\n   # indented\n\n\t\nPort 2222 # trailing comment\r\n"
			       "User a#b\r\n"), 0);
	assert_int_equal(f->c.port, 2222);
	assert_string_equal(f->c.user, "a#b");
	fx_free(f);
}

static void test_host_patterns(void **st)
{
	static const struct {
		const char *host;
		const char *block;
		int match;
	} cases[] = {
		{ "web1.example.com", "*.example.com", 1 },
		{ "WEB1.Example.COM", "*.example.com", 1 },
		{ "example.com", "*.example.com", 0 },
		{ "db", "web db", 1 },
		{ "db", "web,db", 1 },
		{ "a7", "a?", 1 },
		{ "a77", "a?", 0 },
		{ "bad.example.com", "!bad.example.com *.example.com", 0 },
		{ "good.example.com", "!bad.example.com *.example.com", 1 },
		{ "good.example.com", "*.example.com,!bad.*", 1 },
		{ "bad.example.com", "*.example.com,!bad.*", 0 },
		{ "other", "!foo", 0 },		/* a negation alone never matches */
		{ "other", "!foo *", 1 },
		{ "x", "*", 1 },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*a*a*a*a*a*c", 0 },
	};

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx *f = fx_new(cases[i].host);
		char text[256];

		snprintf(text, sizeof(text), "Host %s\n  Port 1000\nHost *\n  Port 2000\n", cases[i].block);
		assert_int_equal(rd(f, text), 0);
		if (f->c.port != (cases[i].match ? 1000 : 2000)) {
			fail_msg("host %s, Host %s: got port %d", cases[i].host, cases[i].block, f->c.port);
		}
		fx_free(f);
	}
}

static void test_host_block_values_checked(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	/* Lines in blocks that do not apply are still checked, as ssh does. */
	assert_int_equal(rd(f, "Host other\n  Port nope\n"), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "t.conf:2: Port: bad value \"nope\""));
	assert_int_equal(f->c.port, CFG_UNSET);
	assert_int_equal(rd(f, "Host\n"), SSHTUN_ERR_CONFIG);
	fx_free(f);
}

#if SSHTUN_CONFIG_MATCH
static void test_match(void **st)
{
	struct fx *f = fx_new("short");
	char text[512];

	(void)st;
	snprintf(text, sizeof(text),
		 "HostName short.example.com\n"
		 "Match originalhost short host *.example.com\n  Port 1\n"
		 "Match host short\n  User wrong\n"
		 "Match !user nobody-here localuser %s\n  IdentityFile a\n"
		 "Match all\n  ConnectTimeout 9\n"
		 "Match !all\n  ServerAliveInterval 9\n",
		 local_user());
	assert_int_equal(rd(f, text), 0);
	assert_int_equal(f->c.port, 1);
	assert_null(f->c.user);
	assert_int_equal(f->c.n_identity_files, 1);
	assert_int_equal(f->c.connect_timeout, 9);
	assert_int_equal(f->c.server_alive_interval, CFG_UNSET);
	fx_free(f);

	f = fx_new("h");
	assert_int_equal(rd(f, "User carol\nMatch user carol\n  Port 77\n"), 0);
	assert_int_equal(f->c.port, 77);
	fx_free(f);
}

static void test_match_refused(void **st)
{
	static const char *const bad[] = {
		"Match exec \"true\"\n", "Match canonical\n", "Match final all\n", "Match all host x\n",
		"Match host\n", "Match\n", "Match tagged x\n", "Match bogus x\n",
	};

	(void)st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fx *f = fx_new("x");

		assert_int_equal(rd(f, bad[i]), SSHTUN_ERR_CONFIG);
		assert_non_null(strstr(f->lb.text, "t.conf:1:"));
		if (i == 0) {
			assert_non_null(strstr(f->lb.text, "Match exec is not supported"));
		}
		fx_free(f);
	}
}
#else
/* --without-config-match: a Match line is refused where it stands, in a block that applies or not. */
static void test_match(void **st)
{
	static const char *const texts[] = { "Port 1\nMatch all\n  Port 2\n", "Host nomatch\nPort 1\nMatch host x\n" };

	(void)st;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct fx *f = fx_new("x");

		assert_int_equal(rd(f, texts[i]), SSHTUN_ERR_CONFIG);
		assert_non_null(strstr(f->lb.text, i == 0 ? "t.conf:2: Match: this build has no Match blocks" :
			"t.conf:3: Match: this build has no Match blocks"));
		fx_free(f);
	}
}

static void test_match_refused(void **st)
{
	(void)st;	/* every Match is refused: test_match */
}
#endif

#if SSHTUN_CONFIG_INCLUDE
static void test_include(void **st)
{
	struct fx *f = fx_new("x");
	char ssh[128], top[160], text[512];

	(void)st;
	fx_home(f);
	snprintf(ssh, sizeof(ssh), "%s/.ssh", f->dir);
	assert_int_equal(mkdir(strcat(strcpy(top, ssh), "/conf.d"), 0700), 0);
	write_file(ssh, "inc.conf", "Port 2200\n", 0600);
	write_file(ssh, "conf.d/20-b.conf", "IdentityFile b\nUser second\n", 0600);
	write_file(ssh, "conf.d/10-a.conf", "IdentityFile a\nUser first\n", 0600);
	write_file(ssh, "conf.d/other.txt", "Bogus\n", 0600);
	write_file(ssh, "off.conf", "Host *\n  HostName from-off\n", 0600);
	snprintf(text, sizeof(text),
		 "Include inc.conf conf.d/*.conf missing-*.conf\n"
		 "Host nomatch\n  Include off.conf\nHost *\n"
		 "Include %s/conf.d/10-a.conf\n", ssh);
	assert_int_equal(rd(f, text), 0);
	assert_int_equal(f->c.port, 2200);
	assert_string_equal(f->c.user, "first");
	assert_int_equal(f->c.n_identity_files, 2);
	assert_string_equal(f->c.identity_files[0], "a");
	assert_string_equal(f->c.identity_files[1], "b");
	/* A file included from a block that does not apply never matches, even with Host *. */
	assert_null(f->c.hostname);

	/* Errors inside an included file name that file and line. */
	write_file(ssh, "bad.conf", "\nFrobnicate yes\n", 0600);
	assert_int_equal(rd(f, "Include ~/.ssh/bad.conf\n"), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "bad.conf:2: Bad configuration option: Frobnicate"));

	/* A file that includes itself stops at the depth limit. */
	write_file(ssh, "loop.conf", "Include loop.conf\n", 0600);
	assert_int_equal(rd(f, "Include loop.conf\n"), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "nested too deeply"));
	assert_int_equal(rd(f, "Include\n"), SSHTUN_ERR_CONFIG);
	rm_tree(f->dir);
	fx_free(f);
}
#else
/* --without-config-include: an Include line is refused where it stands, even one that would match no file. */
static void test_include(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	assert_int_equal(rd(f, "Port 1\nHost nomatch\n  Include /nonexistent/*.conf\n"), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "t.conf:3: Include: this build cannot read included files"));
	fx_free(f);
}
#endif

/* What a build without zlib or without ssh-agent support refuses, and what it still takes. */
static void test_build_switches(void **st)
{
	struct fx *f = fx_new("x");
	int r;

	(void)st;
	/* As ssh built without zlib: Compression yes is refused wherever it stands. */
	r = rd(f, "Host elsewhere\n  Compression yes\n");
	assert_int_equal(r, SSHTUN_ZLIB ? 0 : SSHTUN_ERR_CONFIG);
	if (!SSHTUN_ZLIB) {
		assert_non_null(strstr(f->lb.text, "t.conf:2: Compression yes: this build has no compression"));
	}
	fx_free(f);
	f = fx_new("x");
	assert_int_equal(rd(f, "Compression no\n"), 0);
	fx_free(f);

	/* An IdentityAgent that applies is refused; AddKeysToAgent only says the keys stay in their files. */
	f = fx_new("x");
	assert_int_equal(rd(f, "IdentityAgent /run/agent.sock\nAddKeysToAgent yes\n"), 0);
	r = cfg_finish(&f->c, &f->log);
	assert_int_equal(r, SSHTUN_AGENT ? 0 : SSHTUN_ERR_CONFIG);
	if (!SSHTUN_AGENT) {
		assert_non_null(strstr(f->lb.text, "IdentityAgent /run/agent.sock: this build has no ssh-agent support"));
	}
	fx_free(f);
	f = fx_new("x");
	assert_int_equal(rd(f, "IdentityAgent none\nAddKeysToAgent yes\n"), 0);
	assert_int_equal(cfg_finish(&f->c, &f->log), 0);
	assert_true(SSHTUN_AGENT || strstr(f->lb.text, "AddKeysToAgent: this build has no ssh-agent support"));
	fx_free(f);

	/* sshtun_algorithms("feature") (-Q feature) names exactly the parts this build has. */
	char feat[256];

	assert_int_equal(sshtun_algorithms("feature", feat, sizeof(feat)), 0);
	assert_int_equal(strstr(feat, "agent") != NULL, SSHTUN_AGENT);
	assert_int_equal(strstr(feat, "compression") != NULL, SSHTUN_ZLIB);
	assert_int_equal(strstr(feat, "config-match") != NULL, SSHTUN_CONFIG_MATCH);
	assert_int_equal(strstr(feat, "config-include") != NULL, SSHTUN_CONFIG_INCLUDE);
	assert_int_equal(strstr(feat, "killswitch") != NULL, SSHTUN_KILLSWITCH);
	assert_int_equal(strstr(feat, "seccomp") != NULL, SSHTUN_SECCOMP);
	assert_int_equal(strstr(feat, "jump") != NULL, SSHTUN_JUMP);
	assert_int_equal(strstr(feat, "config-get") != NULL, SSHTUN_CONFIG_GET);
	assert_int_equal(strstr(feat, "dns") != NULL, SSHTUN_DNS);
	assert_true(!feat[0] || feat[strlen(feat) - 1] != ',');
}

/*
 * ProxyJump and TunnelDNS, in a build with them and one without: taken, or refused with SSHTUN_ERR_CONFIG and a
 * line naming the keyword and the build, where they would apply; "none" and other hosts' blocks stay accepted.
 */
static void test_jump_dns_switches(void **st)
{
	struct fx *f = fx_new("gw");

	(void)st;
	assert_int_equal(rd(f, "Host gw\n  ProxyJump jump.example\n"), SSHTUN_JUMP ? 0 : SSHTUN_ERR_CONFIG);
	if (!SSHTUN_JUMP) {
		assert_non_null(strstr(f->lb.text, "t.conf:2: ProxyJump jump.example: this build has no ProxyJump"));
		assert_non_null(strstr(f->lb.text, "ProxyCommand ssh -W %h:%p jumphost"));
	}
	fx_free(f);
	f = fx_new("gw");
	assert_int_equal(cfg_apply(&f->c, "ProxyJump a,b", "-J", &f->log), SSHTUN_JUMP ? 0 : SSHTUN_ERR_CONFIG);
	assert_true(SSHTUN_JUMP || strstr(f->lb.text, "-J: ProxyJump a,b: this build has no ProxyJump"));
	fx_free(f);
	f = fx_new("gw");
	assert_int_equal(rd(f, "Host other\n  ProxyJump jump.example\nHost gw\n  ProxyJump none\n  ProxyCommand nc %h %p\n"), 0);
	assert_string_equal(f->c.proxy_jump, "");
	assert_null(f->c.proxy_command);
	fx_free(f);
	/* ProxyCommand first: the ProxyJump after it is not used, so not refused either. */
	f = fx_new("gw");
	assert_int_equal(rd(f, "ProxyCommand nc %h %p\nProxyJump jump.example\n"), 0);
	assert_string_equal(f->c.proxy_command, "nc %h %p");
	fx_free(f);

	f = fx_new("gw");
	assert_int_equal(rd(f, "Host gw\n  TunnelDNS 198.18.0.53\n"), SSHTUN_DNS ? 0 : SSHTUN_ERR_CONFIG);
	if (SSHTUN_DNS) {
		assert_int_equal(f->c.n_tunnel_dns, 1);
		assert_string_equal(f->c.tunnel_dns[0], "198.18.0.53");
	} else {
		assert_non_null(strstr(f->lb.text, "t.conf:2: TunnelDNS 198.18.0.53: this build does not set DNS"));
		assert_non_null(strstr(f->lb.text, "LocalCommand"));
	}
	fx_free(f);
	f = fx_new("gw");
	assert_int_equal(rd(f, "Host other\n  TunnelDNS 198.18.0.53\n"), 0);
	assert_int_equal(f->c.n_tunnel_dns, 0);
	fx_free(f);
}

static void test_read_file(void **st)
{
	struct fx *f = fx_new("x");
	char path[160];

	(void)st;
	fx_home(f);
	snprintf(path, sizeof(path), "%s/missing", f->dir);
	assert_int_equal(cfg_read_file(&f->c, path, 1, &f->log), 0);
	assert_int_equal(cfg_read_file(&f->c, path, 0, &f->log), SSHTUN_ERR_CONFIG);
	write_file(f->dir, "cfg", "Port 4022\n", 0644);
	snprintf(path, sizeof(path), "%s/cfg", f->dir);
	assert_int_equal(cfg_read_file(&f->c, path, 0, &f->log), 0);
	assert_int_equal(f->c.port, 4022);
	/* Writable by others: refused as ssh does. */
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(cfg_read_file(&f->c, path, 1, &f->log), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "permissions"));
	assert_int_equal(cfg_read_file(&f->c, f->dir, 0, &f->log), SSHTUN_ERR_CONFIG);
	/* -F /dev/null: a character device (owned by root, writable by all) is read as an empty file, as ssh reads it. */
	assert_int_equal(cfg_read_file(&f->c, "/dev/null", 0, &f->log), 0);
	assert_int_equal(cfg_read_file(&f->c, "/dev/null", 1, &f->log), 0);
	rm_tree(f->dir);
	fx_free(f);
}

/* Every implemented keyword with a good and a bad value. */
static void test_keyword_values(void **st)
{
	static const struct {
		const char *line;
		int ok;
	} cases[] = {
		{ "HostName 192.0.2.1", 1 }, { "HostName", 0 },
		{ "Port 22", 1 }, { "Port 65535", 1 }, { "Port 0", 0 }, { "Port 65536", 0 }, { "Port -1", 0 },
		{ "Port 22x", 0 }, { "Port 99999999999999999999", 0 },
		{ "User root", 1 }, { "User \"\"", 0 },
		{ "IdentityFile ~/.ssh/id_ed25519", 1 }, { "IdentityFile a b", 0 },
		{ "IdentitiesOnly yes", 1 }, { "IdentitiesOnly no", 1 }, { "IdentitiesOnly maybe", 0 },
		{ "IdentityAgent none", 1 }, { "IdentityAgent", 0 },
		{ "Tunnel yes", 1 }, { "Tunnel point-to-point", 1 }, { "Tunnel ethernet", 1 }, { "Tunnel no", 1 },
		{ "Tunnel layer3", 0 },
		{ "TunnelDevice any", 1 }, { "TunnelDevice 5:7", 1 }, { "TunnelDevice any:3", 1 },
		{ "TunnelDevice 0:any", 1 }, { "TunnelDevice 5:", 0 }, { "TunnelDevice :5", 0 },
		{ "TunnelDevice x", 0 }, { "TunnelDevice 1:2:3", 0 }, { "TunnelDevice -1", 0 },
		{ "UserKnownHostsFile a b c", 1 }, { "UserKnownHostsFile none", 1 },
		{ "UserKnownHostsFile a none", 0 }, { "UserKnownHostsFile 1 2 3 4 5 6 7 8 9", 0 },
		{ "GlobalKnownHostsFile /etc/ssh/k", 1 }, { "GlobalKnownHostsFile", 0 },
		{ "StrictHostKeyChecking yes", 1 }, { "StrictHostKeyChecking no", 1 },
		{ "StrictHostKeyChecking off", 1 }, { "StrictHostKeyChecking accept-new", 1 },
		{ "StrictHostKeyChecking ask", 1 }, { "StrictHostKeyChecking sometimes", 0 },
		{ "Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com", 1 },
		{ "Ciphers +aes128-ctr", 1 }, { "Ciphers -aes*-cbc", 1 }, { "Ciphers ^aes256-ctr", 1 },
		{ "Ciphers a,,b", 0 }, { "Ciphers a,", 0 }, { "Ciphers +", 0 }, { "Ciphers a;b", 0 },
		{ "MACs umac-64-etm@openssh.com,hmac-sha2-256", 1 }, { "MACs +hmac-sha1", 1 }, { "MACs -umac*", 1 },
		{ "MACs ^hmac-sha2-512-etm@openssh.com", 1 }, { "MACs a,,b", 0 }, { "MACs -", 0 }, { "MACs", 0 },
		{ "MACs a b", 0 },
		{ "KexAlgorithms curve25519-sha256,sntrup761x25519-sha512@openssh.com", 1 },
		{ "KexAlgorithms \"a b\"", 0 },
		{ "RekeyLimit 1G", 1 }, { "RekeyLimit default none", 1 }, { "RekeyLimit 500M 1h", 1 },
		{ "RekeyLimit 10", 0 }, { "RekeyLimit 1G soon", 0 }, { "RekeyLimit 1Q", 0 },
		{ "RekeyLimit 1G 1h 2", 0 },
		{ "ConnectTimeout 10", 1 }, { "ConnectTimeout none", 1 }, { "ConnectTimeout 1m30s", 1 },
		{ "ConnectTimeout ten", 0 }, { "ConnectTimeout -5", 0 },
		{ "ServerAliveInterval 15", 1 }, { "ServerAliveInterval 1x", 0 },
		{ "ServerAliveCountMax 3", 1 }, { "ServerAliveCountMax three", 0 },
		{ "LogLevel QUIET", 1 }, { "LogLevel debug3", 1 }, { "LogLevel VERBOSE", 1 }, { "LogLevel LOUD", 0 },
		{ "AddressFamily any", 1 }, { "AddressFamily inet6", 1 }, { "AddressFamily ipx", 0 },
		{ "TunnelAddress 198.18.9.1/30", 1 }, { "TunnelAddress 198.18.9.1", 1 },
		{ "TunnelAddress fd00::1/64", 1 }, { "TunnelAddress 198.18.9.1/33", 0 },
		{ "TunnelAddress fd00::1/129", 0 }, { "TunnelAddress 198.18.9.256/24", 0 },
		{ "TunnelAddress 198.18.9.1/", 0 }, { "TunnelAddress host.example/24", 0 },
		{ "TunnelPeer 198.18.9.2", 1 }, { "TunnelPeer fd00::2", 1 }, { "TunnelPeer 198.18.9.2/30", 0 },
		{ "TunnelMTU 1400", 1 }, { "TunnelMTU 68", 1 }, { "TunnelMTU 65535", 1 }, { "TunnelMTU 0", 1 },
		{ "TunnelMTU 67", 0 }, { "TunnelMTU 65536", 0 },
		{ "TunnelAckThinning no", 1 }, { "TunnelAckThinning yes", 1 }, { "TunnelAckThinning maybe", 0 },
		{ "HostKeyAlgorithms +ssh-rsa", 1 }, { "HostKeyAlgorithms ssh-ed25519,,x", 0 },
		{ "PubkeyAcceptedAlgorithms -ssh-rsa*", 1 }, { "PubkeyAcceptedKeyTypes ssh-ed25519", 1 },
		{ "RequiredRSASize 2048", 1 }, { "RequiredRSASize 1023", 0 }, { "RequiredRSASize 16385", 0 },
		{ "BatchMode yes", 1 }, { "BatchMode sometimes", 0 },
		{ "NumberOfPasswordPrompts 0", 1 }, { "NumberOfPasswordPrompts 101", 0 },
		{ "PasswordAuthentication no", 1 }, { "KbdInteractiveAuthentication yes", 1 },
		{ "ChallengeResponseAuthentication no", 1 }, { "PubkeyAuthentication maybe", 0 },
		{ "PreferredAuthentications password,publickey", 1 }, { "PreferredAuthentications +password", 0 },
		{ "HashKnownHosts yes", 1 }, { "HostKeyAlias vpn-gw", 1 }, { "HostKeyAlias *.gw", 0 },
		{ "HostKeyAlias \"a b\"", 0 },
		{ "WarnWeakCrypto no", 1 }, { "WarnWeakCrypto quietly", 0 },
		{ "KexAlgorithms mlkem768x25519-sha256,diffie-hellman-group-exchange-sha256", 1 },
		{ "KexAlgorithms -*nistp*", 1 }, { "KexAlgorithms ^sntrup761x25519-sha512", 1 },
		{ "AddKeysToAgent yes", 1 }, { "AddKeysToAgent confirm 1h", 1 }, { "AddKeysToAgent 30m", 1 },
		{ "AddKeysToAgent ask", 1 }, { "AddKeysToAgent no 1h", 0 }, { "AddKeysToAgent 30m 1h", 0 },
		{ "AddKeysToAgent sometimes", 0 }, { "AddKeysToAgent confirm soon", 0 },
		{ "BindAddress 198.18.0.1", 1 }, { "BindAddress fd00::1", 1 }, { "BindAddress host.example", 0 },
		{ "BindInterface eth0", 1 }, { "BindInterface \"a b\"", 0 }, { "BindInterface waytoolonginterfacename", 0 },
		{ "ConnectionAttempts 3", 1 }, { "ConnectionAttempts 0", 0 }, { "ConnectionAttempts x", 0 },
	};

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx *f = fx_new("x");
		int r = cfg_apply(&f->c, cases[i].line, "here", &f->log);

		if ((r == 0) != cases[i].ok) {
			fail_msg("\"%s\": got %d, log: %s", cases[i].line, r, f->lb.text);
		}
		if (!cases[i].ok && !strstr(f->lb.text, "here: ")) {
			fail_msg("\"%s\": error does not name the place: %s", cases[i].line, f->lb.text);
		}
		fx_free(f);
	}
}

static void test_keyword_results(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	assert_int_equal(rd(f, "IdentitiesOnly yes\nTunnel ethernet\nTunnelDevice any:3\n"
			       "StrictHostKeyChecking accept-new\nCiphers ^aes256-ctr\nKexAlgorithms -*sha1\nMACs +hmac-sha1\n"
			       "ConnectTimeout 1m30s\nServerAliveInterval 15\nServerAliveCountMax 0\n"
			       "LogLevel DEBUG2\nAddressFamily inet6\nTunnelAddress fd00::1/64\n"
			       "TunnelMTU 1400\nIdentityAgent " T_AGENT "\nTunnelAckThinning no\n"
			       "UserKnownHostsFile /a /b\nUserKnownHostsFile /c\n"), 0);
	assert_int_equal(f->c.identities_only, 1);
	assert_int_equal(f->c.tunnel_ack_thinning, 0);
	assert_int_equal(f->c.tunnel, CFG_TUNNEL_ETHERNET);
	assert_int_equal(f->c.tun_local, CFG_TUN_ANY);
	assert_int_equal(f->c.tun_remote, 3);
	assert_int_equal(f->c.strict_host_key_checking, CFG_STRICT_ACCEPT_NEW);
	assert_string_equal(f->c.ciphers, "^aes256-ctr");
	assert_string_equal(f->c.macs, "+hmac-sha1");
	assert_string_equal(f->c.kex_algorithms, "-*sha1");
	assert_int_equal(f->c.connect_timeout, 90);
	assert_int_equal(f->c.server_alive_interval, 15);
	assert_int_equal(f->c.server_alive_count_max, 0);
	assert_int_equal(f->c.log_level, LG_DEBUG2);
	assert_int_equal(f->c.address_family, AF_INET6);
	assert_string_equal(f->c.tunnel_address, "fd00::1/64");
	assert_int_equal(f->c.tunnel_mtu, 1400);
	assert_int_equal(f->c.n_user_known_hosts, 2);
	assert_string_equal(f->c.user_known_hosts[1], "/b");
	assert_int_equal(cfg_finish(&f->c, &f->log), 0);
	assert_string_equal(f->c.identity_agent, T_AGENT);
	fx_free(f);

	f = fx_new("x");
	assert_int_equal(rd(f, "TunnelDevice 5\nTunnelDevice 6:6\nStrictHostKeyChecking off\nLogLevel quiet\n"
			       "TunnelPeer fd00::2\n"), 0);
	assert_string_equal(f->c.tunnel_peer, "fd00::2");
	assert_int_equal(f->c.tun_local, 5);
	assert_int_equal(f->c.tun_remote, CFG_TUN_ANY);
	assert_int_equal(f->c.strict_host_key_checking, CFG_STRICT_NO);
	assert_int_equal(f->c.log_level, LG_ERROR);
	fx_free(f);
}

static void test_unknown_and_ignored(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	assert_int_equal(rd(f, "Port 22\n\nFrobnicate yes\n"), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "t.conf:3: Bad configuration option: Frobnicate"));
	assert_int_equal(cfg_apply(&f->c, "Frob=1", "-o", &f->log), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "-o: Bad configuration option: Frob"));
	f->lb.text[0] = '\0';
	assert_int_equal(rd(f, "ForwardAgent yes\nSendEnv LANG LC_*\nControlMaster auto\n"
			       "HashKnownHosts yes\nPubkeyAuthentication yes\ngssapiauthentication no\n"
			       "ServerAliveInterval 5\n"), 0);
	assert_non_null(strstr(f->lb.text, "t.conf:1: ForwardAgent is not used by sshtun"));
	assert_non_null(strstr(f->lb.text, "SendEnv"));
	/* ssh's keywords still need an argument. */
	assert_int_equal(rd(f, "ForwardAgent\n"), SSHTUN_ERR_CONFIG);
	/* IgnoreUnknown applies to the lines after it. */
	assert_int_equal(rd(f, "IgnoreUnknown UseKeychain,Frob*\nUseKeychain yes\nfrobnicate 1\n"), 0);
	assert_int_equal(rd(f, "UseKeychain yes\nIgnoreUnknown UseKeychain\n"), SSHTUN_ERR_CONFIG);
	assert_int_equal(rd(f, "IgnoreUnknown a b\n"), SSHTUN_ERR_CONFIG);
	fx_free(f);
}

/* SyslogFacility: ssh's names, as <syslog.h>'s values; anything else refused. */
static void test_syslog_facility(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	assert_int_equal(cfg_apply(&f->c, "SyslogFacility local3", "-o", &f->log), 0);
	assert_int_equal(f->c.syslog_facility, LOG_LOCAL3);
	assert_int_equal(cfg_apply(&f->c, "SyslogFacility KERN", "-o", &f->log), SSHTUN_ERR_CONFIG);
	fx_free(f);
	f = fx_new("x");
	assert_int_equal(cfg_finish(&f->c, &f->log), 0);
	assert_int_equal(f->c.syslog_facility, LOG_USER);
	fx_free(f);
}

/* ProxyJump lists: [ssh://][user@]host[:port], comma-separated, IPv6 in brackets; each bad form refused. */
static void test_jump_list(void **st)
{
#if !SSHTUN_JUMP
	(void)st;
	skip();	/* no list parser in a build without ProxyJump: test_build_switches checks the refusal */
#else
	struct cfg_hop h[CFG_MAX_HOPS];
	const char *why = "";
	int n = 0;
	static const char *const bad[] = {
		"", ",", "a,", ",a", "a:0", "a:65536", "a:x", "a:22:1", "fd00::1", "[fd00::1", "[fd00::1]x", "@a",
		"u@", "a b", "a/b", "ssh://", "u'x@a", "a,b,c,d,e,f,g,h,i", "a:-1", "[]",
	};

	(void)st;
	assert_int_equal(cfg_parse_jump("bastion", h, &n, &why), 0);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].host, "bastion");
	assert_string_equal(h[0].user, "");
	assert_int_equal(h[0].port, 0);
	assert_int_equal(h[0].start, 0);
	assert_int_equal(cfg_parse_jump("alice@b1.example:2222,ssh://bob@[fd00::5]:22,me@corp@198.18.0.1", h, &n, &why), 0);
	assert_int_equal(n, 3);
	assert_string_equal(h[0].user, "alice");
	assert_string_equal(h[0].host, "b1.example");
	assert_int_equal(h[0].port, 2222);
	assert_string_equal(h[1].user, "bob");
	assert_string_equal(h[1].host, "fd00::5");
	assert_int_equal(h[1].port, 22);
	assert_int_equal(h[1].start, 22);
	assert_string_equal(h[2].user, "me@corp");
	assert_string_equal(h[2].host, "198.18.0.1");
	assert_int_equal(h[2].start, 45);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = "";
		if (cfg_parse_jump(bad[i], h, &n, &why) != -1 || !why[0]) {
			fail_msg("ProxyJump \"%s\" was not refused with a reason", bad[i]);
		}
	}
#endif
}

/*
 * Keywords that would change where the connection goes or whom it trusts, which sshtun does not implement:
 * refused for this host with one line, unless neutral; first value wins; other hosts' blocks do not matter.
 */
static void test_refused_keywords(void **st)
{
	static const char *const refused[] = {
		"RevokedHostKeys /etc/ssh/krl",
		"KnownHostsCommand /bin/true", "CanonicalizeHostname yes",
	};
	static const char *const neutral[] = {
		"ProxyJump none", "ProxyCommand none", "RevokedHostKeys none", "KnownHostsCommand none",
		"CanonicalizeHostname no", "BindAddress none",
	};
	struct fx *f;

	(void)st;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		f = fx_new("x");
		assert_int_equal(cfg_apply(&f->c, refused[i], "-o", &f->log), SSHTUN_ERR_CONFIG);
		assert_non_null(strstr(f->lb.text, "is not supported by sshtun"));
		fx_free(f);
	}
	for (size_t i = 0; i < sizeof(neutral) / sizeof(neutral[0]); i++) {
		f = fx_new("x");
		assert_int_equal(cfg_apply(&f->c, neutral[i], "-o", &f->log), 0);
		fx_free(f);
	}
	f = fx_new("gw");
	/* -o ProxyJump=none first: the file's ProxyJump changes nothing (first value wins). */
	assert_int_equal(cfg_apply(&f->c, "ProxyJump none", "-o", &f->log), 0);
	assert_int_equal(rd(f, "ProxyJump jump.example\n"), 0);
	assert_string_equal(f->c.proxy_jump, "");
	fx_free(f);
	/* In another host's block: not this connection's business; in its own, kept. */
	f = fx_new("gw");
	assert_int_equal(rd(f, "Host other\n\tProxyJump jump.example\nHost gw\n\tPort 2222\n"), 0);
	assert_null(f->c.proxy_jump);
	/* (A build without ProxyJump refuses it here: test_build_switches.) */
	assert_int_equal(rd(f, "Host gw\n\tProxyJump jump.example\n"), SSHTUN_JUMP ? 0 : SSHTUN_ERR_CONFIG);
	assert_true(!SSHTUN_JUMP || strcmp(f->c.proxy_jump, "jump.example") == 0);
	fx_free(f);
	/* A bad list is refused whole with its reason, even in another host's block (unread without ProxyJump). */
	f = fx_new("gw");
	assert_int_equal(rd(f, "Host other\n\tProxyJump a,,b\n"), SSHTUN_JUMP ? SSHTUN_ERR_CONFIG : 0);
	assert_true(!SSHTUN_JUMP || strstr(f->lb.text, "an empty jump host"));
	fx_free(f);
	f = fx_new("gw");
	assert_int_equal(cfg_apply(&f->c, "ProxyJump a b", "-o", &f->log), SSHTUN_ERR_CONFIG);
	fx_free(f);
	/* ProxyCommand is kept as written; whichever of it and ProxyJump comes first decides. */
	f = fx_new("gw");
	assert_int_equal(cfg_apply(&f->c, "ProxyCommand nc -q0 %h %p", "-o", &f->log), 0);
	assert_string_equal(f->c.proxy_command, "nc -q0 %h %p");
	assert_int_equal(rd(f, "ProxyJump jump.example\nProxyCommand other\n"), 0);
	assert_string_equal(f->c.proxy_command, "nc -q0 %h %p");
	fx_free(f);
	f = fx_new("gw");
	assert_int_equal(rd(f, "ProxyJump none\nProxyCommand nc %h %p\n"), 0);
	assert_null(f->c.proxy_command);
	fx_free(f);
	f = fx_new("x");
	assert_int_equal(cfg_apply(&f->c, "CASignatureAlgorithms ssh-ed25519", "-o", &f->log), 0);
	assert_string_equal(f->c.ca_signature_algorithms, "ssh-ed25519");
	fx_free(f);
}

static void test_command_line_refusals(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	assert_int_equal(cfg_apply(&f->c, "Host foo", "-o", &f->log), SSHTUN_ERR_CONFIG);
	assert_int_equal(cfg_apply(&f->c, "Match all", "-o", &f->log), SSHTUN_ERR_CONFIG);
	assert_int_equal(cfg_apply(&f->c, "Include /etc/passwd", "-o", &f->log), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "Include is only allowed in configuration files"));
	assert_int_equal(cfg_apply(&f->c, "", "-o", &f->log), SSHTUN_ERR_CONFIG);
	assert_int_equal(cfg_apply(&f->c, "   # just a comment", "-o", &f->log), SSHTUN_ERR_CONFIG);
	assert_int_equal(cfg_apply(&f->c, "Port", "-o", &f->log), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "-o: Port: missing argument"));
	fx_free(f);
}

static void test_identity_files(void **st)
{
	struct fx *f = fx_new("x");
	char text[64];

	(void)st;
	assert_int_equal(cfg_apply(&f->c, "IdentityFile first", NULL, &f->log), 0);
	assert_int_equal(rd(f, "IdentityFile second\nIdentityFile first\nIdentityFile third\n"), 0);
	assert_int_equal(f->c.n_identity_files, 3);
	assert_string_equal(f->c.identity_files[0], "first");
	assert_string_equal(f->c.identity_files[2], "third");
	for (int i = f->c.n_identity_files; i < CFG_MAX_IDENTITIES; i++) {
		snprintf(text, sizeof(text), "IdentityFile k%d", i);
		assert_int_equal(cfg_apply(&f->c, text, NULL, &f->log), 0);
	}
	assert_int_equal(cfg_apply(&f->c, "IdentityFile one-too-many", NULL, &f->log), SSHTUN_ERR_CONFIG);
	fx_free(f);
}

static void test_expansion(void **st)
{
	struct fx *f = fx_new("box");
	char want[512];

	(void)st;
	fx_home(f);
	setenv("SSHTUN_TEST_DIR", "/keys", 1);
	assert_int_equal(rd(f, "HostName %h.example.com\nUser bob\nPort 2022\n"
			       "IdentityFile ~/.ssh/%h_%r_%u\nIdentityFile %d/k%%1\nIdentityFile ${SSHTUN_TEST_DIR}/%n-%p\n"
			       "IdentityFile /abs/~notilde\nUserKnownHostsFile ~/kh %d/kh2\n" T_AGENT_PATH
			       "IdentityFile /l/%l/%L/%i\n"), 0);
	assert_int_equal(cfg_finish(&f->c, &f->log), 0);
	assert_string_equal(f->c.hostname, "box.example.com");
	snprintf(want, sizeof(want), "%s/.ssh/box.example.com_bob_%s", f->dir, local_user());
	assert_string_equal(f->c.identity_files[0], want);
	snprintf(want, sizeof(want), "%s/k%%1", f->dir);
	assert_string_equal(f->c.identity_files[1], want);
	assert_string_equal(f->c.identity_files[2], "/keys/box-2022");
	assert_string_equal(f->c.identity_files[3], "/abs/~notilde");
	{
		char lh[256] = "";

		assert_int_equal(gethostname(lh, sizeof(lh) - 1), 0);
		snprintf(want, sizeof(want), "/l/%s/%.*s/%u", lh, (int)strcspn(lh, "."), lh, (unsigned)getuid());
		assert_string_equal(f->c.identity_files[4], want);
	}
	snprintf(want, sizeof(want), "%s/kh2", f->dir);
	assert_string_equal(f->c.user_known_hosts[1], want);
	snprintf(want, sizeof(want), "%s/agent.sock", f->dir);
	assert_true(!SSHTUN_AGENT || strcmp(f->c.identity_agent, want) == 0);
	rm_tree(f->dir);
	fx_free(f);

	static const char *const bad[] = {
		"IdentityFile %C\n", "IdentityFile abc%\n", "IdentityFile ${SSHTUN_NOT_SET_XYZ}/k\n",
		"IdentityFile ${unterminated\n", "HostName %u.example\n", "IdentityFile ~no-such-user-xyz/k\n",
		"IdentityAgent $SSHTUN_NOT_SET_XYZ\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = fx_new("box");
		assert_int_equal(rd(f, bad[i]), 0);
		if (cfg_finish(&f->c, &f->log) != SSHTUN_ERR_CONFIG) {
			fail_msg("%s expanded without error", bad[i]);
		}
		fx_free(f);
	}
}

static void test_rekey(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	assert_int_equal(cfg_parse_size("default"), 0);
	assert_int_equal(cfg_parse_size("0"), 0);
	assert_int_equal(cfg_parse_size("100"), 100);
	assert_int_equal(cfg_parse_size("1K"), 1024);
	assert_int_equal(cfg_parse_size("1.5K"), 1536);
	assert_int_equal(cfg_parse_size("500M"), 500LL << 20);
	assert_int_equal(cfg_parse_size("4g"), 4LL << 30);
	/* Long fractions of large units: exact, and no overflow on the way (found by fuzz_config). */
	assert_int_equal(cfg_parse_size("2.22222222T"), INT64_C(2443359170392));
	assert_int_equal(cfg_parse_size("0.999999999T"), INT64_C(1099511626676));
	assert_int_equal(cfg_parse_size("0.5T"), INT64_C(1) << 39);
	assert_int_equal(cfg_parse_size(""), -1);
	assert_int_equal(cfg_parse_size("G"), -1);
	assert_int_equal(cfg_parse_size("1.5"), -1);
	assert_int_equal(cfg_parse_size("1KB"), -1);
	assert_int_equal(cfg_parse_size("-1"), -1);
	assert_int_equal(cfg_parse_size("99999999999999999999"), -1);
	assert_int_equal(cfg_parse_size("99999999999G"), -1);
	assert_int_equal(cfg_parse_size(NULL), -1);

	assert_int_equal(rd(f, "RekeyLimit 1G\nRekeyLimit 2G 1h30m\nRekeyLimit 3G 5\n"), 0);
	assert_int_equal(f->c.rekey_bytes, 1LL << 30);
	assert_int_equal(f->c.rekey_seconds, 5400);
	fx_free(f);

	f = fx_new("x");
	assert_int_equal(rd(f, "RekeyLimit default none\n"), 0);
	assert_int_equal(f->c.rekey_bytes, 0);
	assert_int_equal(f->c.rekey_seconds, 0);
	fx_free(f);
}

static void test_finish_defaults(void **st)
{
	struct fx *f = fx_new("gw.example");
	char want[256];

	(void)st;
	fx_home(f);
	assert_int_equal(cfg_finish(&f->c, &f->log), 0);
	assert_string_equal(f->c.hostname, "gw.example");
	assert_int_equal(f->c.port, 22);
	assert_string_equal(f->c.user, local_user());
	assert_int_equal(f->c.n_identity_files, 3);
	/* ssh's order. */
	snprintf(want, sizeof(want), "%s/.ssh/id_rsa", f->dir);
	assert_string_equal(f->c.identity_files[0], want);
	snprintf(want, sizeof(want), "%s/.ssh/id_ecdsa", f->dir);
	assert_string_equal(f->c.identity_files[1], want);
	snprintf(want, sizeof(want), "%s/.ssh/id_ed25519", f->dir);
	assert_string_equal(f->c.identity_files[2], want);
	assert_int_equal(f->c.required_rsa_size, 2048);
	assert_int_equal(f->c.identities_only, 0);
	assert_int_equal(f->c.tunnel_ack_thinning, 1);
	assert_null(f->c.identity_agent);
	assert_int_equal(f->c.n_user_known_hosts, 2);
	snprintf(want, sizeof(want), "%s/.ssh/known_hosts", f->dir);
	assert_string_equal(f->c.user_known_hosts[0], want);
	snprintf(want, sizeof(want), "%s/.ssh/known_hosts2", f->dir);
	assert_string_equal(f->c.user_known_hosts[1], want);
	assert_int_equal(f->c.n_global_known_hosts, 2);
	assert_string_equal(f->c.global_known_hosts[0], "/etc/ssh/ssh_known_hosts");
	assert_string_equal(f->c.global_known_hosts[1], "/etc/ssh/ssh_known_hosts2");
	assert_int_equal(f->c.strict_host_key_checking, CFG_STRICT_ASK);
	assert_int_equal(f->c.tunnel, CFG_TUNNEL_P2P);
	assert_int_equal(f->c.tun_local, CFG_TUN_ANY);
	assert_int_equal(f->c.tun_remote, CFG_TUN_ANY);
	assert_int_equal(f->c.tunnel_mtu, 1500);
	assert_int_equal(f->c.rekey_bytes, 0);
	assert_int_equal(f->c.rekey_seconds, 0);
	assert_int_equal(f->c.connect_timeout, 0);
	assert_int_equal(f->c.server_alive_interval, 0);
	assert_int_equal(f->c.server_alive_count_max, 3);
	assert_int_equal(f->c.log_level, LG_INFO);
	assert_int_equal(f->c.address_family, 0);
	assert_null(f->c.tunnel_address);
	rm_tree(f->dir);
	fx_free(f);
}

static void test_finish_none_lists(void **st)
{
	struct fx *f = fx_new("x");

	(void)st;
	assert_int_equal(rd(f, "UserKnownHostsFile none\nGlobalKnownHostsFile none\nIdentityFile none\n"), 0);
	assert_int_equal(cfg_finish(&f->c, &f->log), 0);
	assert_int_equal(f->c.n_user_known_hosts, 0);
	assert_int_equal(f->c.n_global_known_hosts, 0);
	assert_int_equal(f->c.n_identity_files, 0);
	fx_free(f);
}

static void test_finish_errors(void **st)
{
	static const char *const bad[] = {
		"Tunnel no\n",
		"TunnelPeer 10.0.0.2\n",
		"TunnelAddress 10.0.0.1/30\nTunnelPeer fd00::2\n",
		"TunnelAddress fd00::1/64\nTunnelMTU 1000\n",
		"Tunnel ethernet\nTunnelAddress 10.0.0.1/24\nTunnelPeer 10.0.0.2\n",
	};
	struct fx *f;

	(void)st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = fx_new("x");
		assert_int_equal(rd(f, bad[i]), 0);
		assert_int_equal(cfg_finish(&f->c, &f->log), SSHTUN_ERR_CONFIG);
		if (i == 0) {
			assert_non_null(strstr(f->lb.text, "sshtun always opens a tunnel"));
		}
		fx_free(f);
	}
	f = fx_new(NULL);
	assert_int_equal(cfg_finish(&f->c, &f->log), SSHTUN_ERR_CONFIG);
	fx_free(f);
	f = fx_new("x");
	assert_int_equal(rd(f, "TunnelAddress 10.0.0.1/30\nTunnelPeer 10.0.0.2\nTunnelMTU 0\n"), 0);
	assert_int_equal(cfg_finish(&f->c, &f->log), 0);
	assert_int_equal(f->c.tunnel_mtu, 0);
	fx_free(f);
}

static void test_buf_limits(void **st)
{
	struct fx *f = fx_new("x");
	static const char nul[] = "Port 22\nUser a\0b\n";
	char *big = malloc(FILE_MAX_LINE + 64);
	size_t n;

	(void)st;
	assert_non_null(big);
	assert_int_equal(cfg_read_buf(&f->c, nul, sizeof(nul) - 1, "t.conf", &f->log), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "t.conf:2: NUL byte"));
	assert_null(f->c.user);

	/* A line of exactly FILE_MAX_LINE bytes is fine; one more is not. */
	memcpy(big, "User ", 5);
	memset(big + 5, 'u', FILE_MAX_LINE - 5);
	big[FILE_MAX_LINE] = '\n';
	assert_int_equal(cfg_read_buf(&f->c, big, FILE_MAX_LINE + 1, "t.conf", &f->log), 0);
	assert_int_equal(strlen(f->c.user), FILE_MAX_LINE - 5);
	memset(big + 5, 'v', FILE_MAX_LINE - 4);
	assert_int_equal(cfg_read_buf(&f->c, big, FILE_MAX_LINE + 1, "t.conf", &f->log), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "t.conf:1: line longer"));
	memset(big, 'p', FILE_MAX_LINE + 10);
	big[FILE_MAX_LINE + 10] = '\0';
	assert_int_equal(cfg_apply(&f->c, big, NULL, &f->log), SSHTUN_ERR_CONFIG);

	/* Too many words on a line. */
	n = (size_t)snprintf(big, FILE_MAX_LINE, "SendEnv");
	for (int i = 0; i < CONFIG_MAX_ARGS + 1; i++) {
		n += (size_t)snprintf(big + n, FILE_MAX_LINE - n, " v%d", i);
	}
	assert_int_equal(cfg_read_buf(&f->c, big, n, "t.conf", &f->log), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(f->lb.text, "too many arguments"));
	/* No newline at the end of the last line. */
	assert_int_equal(cfg_read_buf(&f->c, "ServerAliveCountMax 99", 22, "t.conf", &f->log), 0);
	assert_int_equal(f->c.server_alive_count_max, 99);
	assert_int_equal(cfg_read_buf(&f->c, "", 0, "t.conf", &f->log), 0);
	free(big);
	fx_free(f);
}

static void keep_line(void *ud, int level, const char *line)
{
	(void)level;
	snprintf(ud, 512, "%s", line);
}

/* sshtun_read_config_text: read as a file would be, named in messages, kept for jump hosts and reloads. */
static void test_read_text(void **st)
{
	struct sshtun *h;
	char last[512] = "";

	(void)st;
	assert_int_equal(sshtun_new(&h), 0);
	sshtun_set_log(h, keep_line, last, SSHTUN_LOG_INFO);
	/* A parameter set before wins over the text, as over a file; the text's Host * block applies. */
	assert_int_equal(sshtun_set_params(h, "Host", "server", "Port", "2200", NULL), 0);
	assert_int_equal(sshtun_read_config_text(h, "settings", "Host *\n\tPort 2222\n\tUser alice\n"), 0);
	assert_int_equal(h->cfg.port, 2200);
	assert_string_equal(h->cfg.user, "alice");
	assert_int_equal(h->settings[h->nsettings - 1].read, 2);
	assert_string_equal(h->settings[h->nsettings - 1].key, "settings");
	/* A block for another host does not apply. */
	assert_int_equal(sshtun_read_config_text(h, "other", "Host elsewhere\n\tTunnelMTU 1000\n"), 0);
	assert_int_not_equal(h->cfg.tunnel_mtu, 1000);
	/* A bad line refuses the whole text, and the message names it by name and line. */
	assert_int_equal(sshtun_read_config_text(h, "broken", "Host *\n\tNoSuchKeyword x\n"), SSHTUN_ERR_CONFIG);
	assert_non_null(strstr(last, "broken:2"));
	assert_int_equal(sshtun_read_config_text(h, "null", NULL), SSHTUN_ERR_INVAL);
	sshtun_del(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_wins),
		cmocka_unit_test(test_equals_form_and_case),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_comments_and_crlf),
		cmocka_unit_test(test_host_patterns),
		cmocka_unit_test(test_host_block_values_checked),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_match_refused),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_build_switches),
		cmocka_unit_test(test_jump_dns_switches),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_keyword_values),
		cmocka_unit_test(test_keyword_results),
		cmocka_unit_test(test_unknown_and_ignored),
		cmocka_unit_test(test_refused_keywords),
		cmocka_unit_test(test_jump_list),
		cmocka_unit_test(test_syslog_facility),
		cmocka_unit_test(test_command_line_refusals),
		cmocka_unit_test(test_identity_files),
		cmocka_unit_test(test_expansion),
		cmocka_unit_test(test_rekey),
		cmocka_unit_test(test_tunnel_config_command_and_routes),
		cmocka_unit_test(test_finish_defaults),
		cmocka_unit_test(test_finish_none_lists),
		cmocka_unit_test(test_finish_errors),
		cmocka_unit_test(test_buf_limits),
		cmocka_unit_test(test_read_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
