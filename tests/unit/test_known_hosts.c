/* sshtun: tests for known_hosts matching, checked against files written and hashed by ssh-keygen. */
#include "tests/unit/testutil.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "ssh/key.h"
#include "ssh/known_hosts.h"

/* Group state: a temporary directory, three ed25519 keys and the base64 of their blobs, one RSA .pub line. */
struct khfix {
	char dir[64];
	struct pubkey k[3];
	char b64[3][128];
	char rsa_line[1024];
};

static struct khfix *fx(void **state)
{
	return *state;
}

static void t_path(void **state, char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", fx(state)->dir, name);
}

static int gen_key(struct khfix *f, const char *name, const char *type)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "ssh-keygen -q -t %s -N '' -f %s/%s </dev/null >/dev/null", type, f->dir, name);
	return system(cmd);
}

static int group_setup(void **state)
{
	static struct khfix f;
	char p[128];
	FILE *fp;

	strcpy(f.dir, "/tmp/sshtun-kh-XXXXXX");
	if (!mkdtemp(f.dir) || cry_init() != 0) {
		return -1;
	}
	*state = &f;
	for (int i = 0; i < 3; i++) {
		char name[8];

		snprintf(name, sizeof(name), "k%d", i);
		snprintf(p, sizeof(p), "%s/k%d.pub", f.dir, i);
		if (gen_key(&f, name, "ed25519") != 0 || key_load_public(&f.k[i], p) != 0) {
			return -1;
		}
		if (cry_base64_encode(f.b64[i], sizeof(f.b64[i]), f.k[i].blob, f.k[i].bloblen, 1) < 0) {
			return -1;
		}
	}
	if (gen_key(&f, "kr", "rsa") != 0) {
		return -1;
	}
	snprintf(p, sizeof(p), "%s/kr.pub", f.dir);
	fp = fopen(p, "r");
	if (!fp || !fgets(f.rsa_line, sizeof(f.rsa_line), fp)) {
		return -1;
	}
	fclose(fp);
	f.rsa_line[strcspn(f.rsa_line, "\n")] = '\0';
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx(state)->dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to dir/name; "%0".."%2" in text become the base64 of key 0..2 and "%r" the RSA key (type and base64). */
static void write_kh(void **state, const char *name, const char *text)
{
	char p[128];
	FILE *f;

	t_path(state, p, sizeof(p), name);
	f = fopen(p, "w");
	assert_non_null(f);
	for (const char *s = text; *s; s++) {
		if (s[0] == '%' && s[1] >= '0' && s[1] <= '2') {
			fputs(fx(state)->b64[s[1] - '0'], f);
			s++;
		} else if (s[0] == '%' && s[1] == 'r') {
			fputs(fx(state)->rsa_line, f);
			s++;
		} else {
			fputc(*s, f);
		}
	}
	assert_int_equal(fclose(f), 0);
}

/* kh_check on one file; returns the status and fills res. */
static int check1(void **state, const char *name, const char *host, int port, int key, struct kh_result *res)
{
	char p[128];
	const char *files[1] = { p };

	t_path(state, p, sizeof(p), name);
	assert_int_equal(kh_check(files, 1, host, port, &fx(state)->k[key], res, NULL), 0);
	return res->status;
}

static void test_plain(void **state)
{
	struct kh_result res;
	char p[128];

	write_kh(state, "plain", "# a comment\n\n   \nhost1 ssh-ed25519 %0 user@box\nhost2,host3 ssh-ed25519 %1\n");
	assert_int_equal(check1(state, "plain", "host1", 22, 0, &res), KH_MATCH);
	assert_int_equal(check1(state, "plain", "HOST1", 22, 0, &res), KH_MATCH);
	assert_int_equal(check1(state, "plain", "host3", 22, 1, &res), KH_MATCH);
	assert_int_equal(check1(state, "plain", "host3", 22, 0, &res), KH_CHANGED);
	t_path(state, p, sizeof(p), "plain");
	assert_string_equal(res.file, p);
	assert_int_equal(res.line, 5);
	assert_int_equal(check1(state, "plain", "host4", 22, 0, &res), KH_NOT_FOUND);
	assert_int_equal(check1(state, "plain", "host", 22, 0, &res), KH_NOT_FOUND);
	assert_int_equal(check1(state, "plain", "host1", 2222, 0, &res), KH_NOT_FOUND);
}

static void test_hashed_by_ssh_keygen(void **state)
{
	struct kh_result res;
	char p[128], cmd[300], buf[4096];
	FILE *f;
	size_t n;

	write_kh(state, "hashed", "example.com ssh-ed25519 %0\n[example.com]:2222 ssh-ed25519 %1\n");
	t_path(state, p, sizeof(p), "hashed");
	snprintf(cmd, sizeof(cmd), "ssh-keygen -q -H -f %s >/dev/null 2>&1", p);
	assert_int_equal(system(cmd), 0);
	f = fopen(p, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_null(strstr(buf, "example.com"));
	assert_int_equal(strncmp(buf, "|1|", 3), 0);

	assert_int_equal(check1(state, "hashed", "example.com", 22, 0, &res), KH_MATCH);
	assert_int_equal(check1(state, "hashed", "Example.COM", 22, 0, &res), KH_MATCH);
	assert_int_equal(check1(state, "hashed", "example.com", 22, 1, &res), KH_CHANGED);
	assert_int_equal(res.line, 1);
	assert_int_equal(check1(state, "hashed", "example.com", 2222, 1, &res), KH_MATCH);
	assert_int_equal(check1(state, "hashed", "example.com", 2222, 0, &res), KH_CHANGED);
	assert_int_equal(res.line, 2);
	assert_int_equal(check1(state, "hashed", "example.org", 22, 0, &res), KH_NOT_FOUND);

	/* A damaged hash (one base64 character of the HMAC changed) no longer names the host. */
	n = (size_t)(strchr(buf + 3, '|') - buf) + 2;
	buf[n] = buf[n] == 'A' ? 'B' : 'A';
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(buf, f);
	fclose(f);
	assert_int_equal(check1(state, "hashed", "example.com", 22, 0, &res), KH_NOT_FOUND);
}

static void test_ports_and_wildcards(void **state)
{
	struct kh_result res;

	write_kh(state, "pat",
		"[gw]:2222 ssh-ed25519 %0\n"
		"*.example.org,!bad.example.org ssh-ed25519 %0\n"
		"10.0.0.? ssh-ed25519 %0\n"
		"[*.vpn]:22?? ssh-ed25519 %1\n"
		"!*.corp,*.corp ssh-ed25519 %0\n");
	assert_int_equal(check1(state, "pat", "gw", 2222, 0, &res), KH_MATCH);
	assert_int_equal(check1(state, "pat", "gw", 22, 0, &res), KH_NOT_FOUND);
	assert_int_equal(check1(state, "pat", "gw", 2223, 0, &res), KH_NOT_FOUND);
	assert_int_equal(check1(state, "pat", "a.example.org", 22, 0, &res), KH_MATCH);
	assert_int_equal(check1(state, "pat", "x.y.example.org", 22, 0, &res), KH_MATCH);
	assert_int_equal(check1(state, "pat", "example.org", 22, 0, &res), KH_NOT_FOUND);
	assert_int_equal(check1(state, "pat", "bad.example.org", 22, 0, &res), KH_NOT_FOUND);
	assert_int_equal(check1(state, "pat", "10.0.0.5", 22, 0, &res), KH_MATCH);
	assert_int_equal(check1(state, "pat", "10.0.0.55", 22, 0, &res), KH_NOT_FOUND);
	assert_int_equal(check1(state, "pat", "a.vpn", 2201, 1, &res), KH_MATCH);
	assert_int_equal(check1(state, "pat", "a.vpn", 2201, 0, &res), KH_CHANGED);
	assert_int_equal(res.line, 4);
	assert_int_equal(check1(state, "pat", "a.vpn", 22, 1, &res), KH_NOT_FOUND);
	assert_int_equal(check1(state, "pat", "x.corp", 22, 0, &res), KH_NOT_FOUND);
}

static void test_changed_across_files(void **state)
{
	struct kh_result res;
	char p1[128], p2[128], p3[128];
	const char *files[3] = { p1, p2, p3 };

	write_kh(state, "f1", "other ssh-ed25519 %0\n");
	write_kh(state, "f2", "x ssh-ed25519 %0\n# c\nsrv ssh-ed25519 %1\nsrv ssh-ed25519 %2\n");
	t_path(state, p1, sizeof(p1), "f1");
	t_path(state, p2, sizeof(p2), "missing-file");
	t_path(state, p3, sizeof(p3), "f2");
	assert_int_equal(kh_check(files, 3, "srv", 22, &fx(state)->k[0], &res, NULL), 0);
	assert_int_equal(res.status, KH_CHANGED);
	assert_string_equal(res.file, p3);
	assert_int_equal(res.line, 3);
	/* Several keys for one host: any of them matches. */
	assert_int_equal(kh_check(files, 3, "srv", 22, &fx(state)->k[2], &res, NULL), 0);
	assert_int_equal(res.status, KH_MATCH);
	assert_int_equal(kh_check(files, 3, "other", 22, &fx(state)->k[0], &res, NULL), 0);
	assert_int_equal(res.status, KH_MATCH);
	/* Only missing files: not found, no error. */
	assert_int_equal(kh_check(files + 1, 1, "srv", 22, &fx(state)->k[0], &res, NULL), 0);
	assert_int_equal(res.status, KH_NOT_FOUND);
	assert_int_equal(kh_check(files, 0, "srv", 22, &fx(state)->k[0], &res, NULL), 0);
	assert_int_equal(res.status, KH_NOT_FOUND);
	/* A file that cannot be read is an error, not an empty file. */
	files[0] = fx(state)->dir;
	assert_int_not_equal(kh_check(files, 1, "srv", 22, &fx(state)->k[0], &res, NULL), 0);
}

static void test_revoked(void **state)
{
	struct kh_result res;

	write_kh(state, "rev", "h1 ssh-ed25519 %0\nh1 ssh-ed25519 %1\n@revoked * ssh-ed25519 %0\n@cert-authority * ssh-ed25519 %2\n");
	assert_int_equal(check1(state, "rev", "h1", 22, 0, &res), KH_REVOKED);
	assert_int_equal(res.line, 3);
	assert_int_equal(check1(state, "rev", "h1", 22, 1, &res), KH_MATCH);
	assert_int_equal(res.line, 2);
	assert_int_equal(check1(state, "rev", "h9", 22, 0, &res), KH_REVOKED);
	/* A CA line is not a host key for the host. */
	assert_int_equal(check1(state, "rev", "h9", 22, 2, &res), KH_NOT_FOUND);
	assert_int_equal(check1(state, "rev", "h1", 22, 2, &res), KH_CHANGED);
	assert_int_equal(res.line, 1);
}

static void test_other_types_and_bad_lines(void **state)
{
	struct kh_result res;

	write_kh(state, "mixed",
		"h2 %r\n"
		"h2 ssh-ed25519 %1\n"
		"h3 %r\n"
		"h4 ssh-ed25519 !!notbase64!!\n"
		"@bogus h4 ssh-ed25519 %0\n"
		"h4 ssh-ed25519\n"
		"h4 ssh-ed25519 %0 trailing comment\n");
	assert_int_equal(check1(state, "mixed", "h2", 22, 1, &res), KH_MATCH);
	assert_int_equal(check1(state, "mixed", "h2", 22, 0, &res), KH_CHANGED);
	assert_int_equal(res.line, 2);
	/* An RSA entry says nothing about an ed25519 key. */
	assert_int_equal(check1(state, "mixed", "h3", 22, 0, &res), KH_NOT_FOUND);
	/* Malformed lines are skipped; the good one still counts. */
	assert_int_equal(check1(state, "mixed", "h4", 22, 0, &res), KH_MATCH);
	assert_int_equal(res.line, 7);
}

static void test_match_line(void **state)
{
	struct pubkey k;
	int marker = -1;
	char line[512];

	assert_int_equal(kh_match_line("", 0, "h", &k, &marker), 0);
	assert_int_equal(kh_match_line("  # x", 5, "h", &k, &marker), 0);
	snprintf(line, sizeof(line), "h ssh-ed25519 %s\r\n", fx(state)->b64[0]);
	assert_int_equal(kh_match_line(line, strlen(line), "h", &k, &marker), 1);
	assert_int_equal(marker, 0);
	assert_true(pubkey_equal(&k, &fx(state)->k[0]));
	assert_int_equal(kh_match_line(line, strlen(line), "g", &k, &marker), 0);
	snprintf(line, sizeof(line), "@cert-authority h ssh-ed25519 %s", fx(state)->b64[0]);
	assert_int_equal(kh_match_line(line, strlen(line), "h", &k, &marker), 1);
	assert_int_equal(marker, 2);
	snprintf(line, sizeof(line), "@revoked\th\tssh-ed25519\t%s", fx(state)->b64[0]);
	assert_int_equal(kh_match_line(line, strlen(line), "h", &k, &marker), 1);
	assert_int_equal(marker, 1);
	assert_true(kh_match_line("@revoked", 8, "h", &k, &marker) < 0);
	assert_true(kh_match_line("h", 1, "h", &k, &marker) < 0);
	assert_true(kh_match_line("|1|abc|def ssh-ed25519 AAAA", 27, "h", &k, &marker) < 0);
	assert_true(kh_match_line("|2|abc ssh-ed25519 AAAA", 23, "h", &k, &marker) < 0);
	/* A NUL inside the line is just a byte that does not match. */
	assert_int_equal(kh_match_line("h\0x ssh-ed25519 AAAA", 20, "h", &k, &marker), 0);
}

static void test_add_then_check(void **state)
{
	struct kh_result res;
	struct stat st;
	char dir[128], p[160], want[512], buf[1024], cmd[400];
	FILE *f;
	size_t n;

	t_path(state, dir, sizeof(dir), "newdir");
	snprintf(p, sizeof(p), "%s/known_hosts", dir);
	assert_int_equal(check1(state, "newdir/known_hosts", "New.Host", 22, 0, &res), KH_NOT_FOUND);
	assert_int_equal(kh_add(p, "New.Host", 22, &fx(state)->k[0], 0), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(kh_add(p, "gw", 2222, &fx(state)->k[1], 0), 0);
	f = fopen(p, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	snprintf(want, sizeof(want), "new.host ssh-ed25519 %s\n[gw]:2222 ssh-ed25519 %s\n",
		fx(state)->b64[0], fx(state)->b64[1]);
	assert_string_equal(buf, want);
	assert_int_equal(check1(state, "newdir/known_hosts", "new.host", 22, 0, &res), KH_MATCH);
	assert_int_equal(check1(state, "newdir/known_hosts", "gw", 2222, 1, &res), KH_MATCH);
	assert_int_equal(check1(state, "newdir/known_hosts", "gw", 2222, 0, &res), KH_CHANGED);
	/* ssh-keygen finds what we wrote. */
	snprintf(cmd, sizeof(cmd), "ssh-keygen -F '[gw]:2222' -f %s >/dev/null 2>&1", p);
	assert_int_equal(system(cmd), 0);
	/* A last line without its newline is ended before the new entry. */
	write_kh(state, "nonl", "h ssh-ed25519 %0");
	t_path(state, p, sizeof(p), "nonl");
	assert_int_equal(kh_add(p, "h2", 22, &fx(state)->k[1], 0), 0);
	assert_int_equal(check1(state, "nonl", "h", 22, 0, &res), KH_MATCH);
	assert_int_equal(check1(state, "nonl", "h2", 22, 1, &res), KH_MATCH);
	/* Names that would corrupt the file or become patterns are refused. */
	assert_int_equal(kh_add(p, "a b", 22, &fx(state)->k[1], 0), SSHTUN_ERR_INVAL);
	assert_int_equal(kh_add(p, "*", 22, &fx(state)->k[1], 0), SSHTUN_ERR_INVAL);
	assert_int_equal(kh_add(p, "a\nb", 22, &fx(state)->k[1], 0), SSHTUN_ERR_INVAL);
	assert_int_equal(kh_add(p, "h", 0, &fx(state)->k[1], 0), SSHTUN_ERR_INVAL);
	/* HashKnownHosts: the name is hashed as ssh does; we find it, ssh-keygen -F finds it, the name is not in the file. */
	t_path(state, p, sizeof(p), "hashed_new");
	assert_int_equal(kh_add(p, "Secret.Host", 2222, &fx(state)->k[2], 1), 0);
	f = fopen(p, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_int_equal(strncmp(buf, "|1|", 3), 0);
	assert_null(strstr(buf, "secret"));
	assert_int_equal(check1(state, "hashed_new", "secret.host", 2222, 2, &res), KH_MATCH);
	assert_int_equal(check1(state, "hashed_new", "secret.host", 22, 2, &res), KH_NOT_FOUND);
	snprintf(cmd, sizeof(cmd), "ssh-keygen -F '[secret.host]:2222' -f %s >/dev/null 2>&1", p);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_hashed_by_ssh_keygen),
		cmocka_unit_test(test_ports_and_wildcards),
		cmocka_unit_test(test_changed_across_files),
		cmocka_unit_test(test_revoked),
		cmocka_unit_test(test_other_types_and_bad_lines),
		cmocka_unit_test(test_match_line),
		cmocka_unit_test(test_add_then_check),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
