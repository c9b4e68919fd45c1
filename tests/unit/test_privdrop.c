/*
 * sshtun: unit tests for whom the program becomes (priv_target, cli/privdrop.c), and for what a build without the
 * change (configure --without-privdrop) refuses in its place. Only the choice is tested here: the change itself
 * (ids, capabilities) is tests/interop/test_privdrop.sh's. cli/ is not a feature of util/features.h, so the
 * cases test config.h's SSHTUN_HAVE_PRIVDROP directly.
 */
#include "tests/unit/testutil.h"

#include <pwd.h>
#include <unistd.h>

#include "cli/privdrop.h"
#include "config.h"

/* priv_target(opt) with what it prints to stderr captured. */
struct run {
	struct priv_user u;
	int r;
	char err[1024];
};

static void run_target(struct run *rn, const char *opt)
{
	struct t_stderr cap;

	t_stderr_begin(&cap);
	rn->r = priv_target(&rn->u, opt);
	t_stderr_end(&cap, rn->err, sizeof(rn->err));
}

/* One line: the refusal is said once, whole. */
static void assert_one_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	assert_non_null(nl);
	assert_string_equal(nl + 1, "");
}

/* A uid other than root's that the passwd file has (nobody's on Debian), for SUDO_UID; NULL if none. */
static const char *some_user_uid(char *buf, size_t len)
{
	struct passwd *pw = getpwuid(65534);

	if (!pw) {
		return NULL;
	}
	snprintf(buf, len, "%u", (unsigned)pw->pw_uid);
	return buf;
}

static int setup(void **st)
{
	(void)st;
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	return 0;
}

/* --user root, or uid 0, means stay who it is, in every build: no one to become, no line. */
static void test_user_root_stays(void **st)
{
	static const char *const roots[] = { "root", "0" };
	struct run rn;

	(void)st;
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		run_target(&rn, roots[i]);
		assert_int_equal(rn.r, 0);
		assert_int_equal(rn.u.drop, 0);
		assert_string_equal(rn.err, "");
	}
	/* Under sudo too: --user root is how a build without the change is told to stay root. */
	setenv("SUDO_UID", "65534", 1);
	run_target(&rn, "root");
	assert_int_equal(rn.r, 0);
	assert_int_equal(rn.u.drop, 0);
	assert_string_equal(rn.err, "");
}

/* Neither sudo nor --user (or sudo from root): no one to become, no line, in every build. */
static void test_no_user_stays(void **st)
{
	struct run rn;

	(void)st;
	run_target(&rn, NULL);
	assert_int_equal(rn.r, 0);
	assert_int_equal(rn.u.drop, 0);
	assert_string_equal(rn.err, "");
	setenv("SUDO_UID", "0", 1);
	run_target(&rn, NULL);
	assert_int_equal(rn.r, 0);
	assert_int_equal(rn.u.drop, 0);
	assert_string_equal(rn.err, "");
}

/* With the change: --user names the user to become (as root), sudo's user is the default, --user wins. */
static void test_drop_target(void **st)
{
	char uid[16];
	struct run rn;

	(void)st;
	T_NEED(SSHTUN_HAVE_PRIVDROP);
	run_target(&rn, "no-such-user-sshtun-test");
	assert_int_equal(rn.r, -1);
	assert_non_null(strstr(rn.err, "sshtun: --user no-such-user-sshtun-test: no such user"));
	assert_one_line(rn.err);
	T_NEED(geteuid() == 0 && some_user_uid(uid, sizeof(uid)));
	run_target(&rn, uid);
	assert_int_equal(rn.r, 0);
	assert_int_equal(rn.u.drop, 1);
	assert_int_equal(rn.u.uid, 65534);
	assert_string_equal(rn.u.from, "--user");
	setenv("SUDO_UID", uid, 1);
	run_target(&rn, NULL);
	assert_int_equal(rn.r, 0);
	assert_int_equal(rn.u.drop, 1);
	assert_int_equal(rn.u.uid, 65534);
	assert_string_equal(rn.u.from, "SUDO_UID");
}

/* Without the change: any --user but root is refused, one line naming --user, this build and the fix. */
static void test_without_user_refused(void **st)
{
	static const char *const users[] = { "nobody", "65534", "no-such-user-sshtun-test" };
	char want[256];
	struct run rn;

	(void)st;
	T_NEED(!SSHTUN_HAVE_PRIVDROP);
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		run_target(&rn, users[i]);
		assert_int_equal(rn.r, -1);
		assert_int_equal(rn.u.drop, 0);
		snprintf(want, sizeof(want), "sshtun: --user %s: this build cannot change user (built --without-privdrop); "
			"run sshtun as that user with the file capability (make install-caps)", users[i]);
		assert_non_null(strstr(rn.err, want));
		assert_non_null(strstr(rn.err, "or give --user root"));
		assert_one_line(rn.err);
	}
}

/*
 * Without the change, as root through sudo from a user and without --user: refused (staying root would use root's
 * ~/.ssh where the user's was meant), the line saying that --user root is the way to stay root.
 */
static void test_without_sudo_refused(void **st)
{
	struct run rn;

	(void)st;
	T_NEED(!SSHTUN_HAVE_PRIVDROP && geteuid() == 0);
	setenv("SUDO_UID", "1000", 1);
	run_target(&rn, NULL);
	assert_int_equal(rn.r, -1);
	assert_int_equal(rn.u.drop, 0);
	assert_non_null(strstr(rn.err, "sshtun: run through sudo (SUDO_UID=1000), sshtun would become that user and use "
		"its ~/.ssh, but this build cannot change user (built --without-privdrop); give --user root to run as "
		"root with root's ~/.ssh"));
	assert_one_line(rn.err);
	/* sudo's variable, but an empty one: not run through sudo, as priv_target reads it. */
	setenv("SUDO_UID", "", 1);
	run_target(&rn, NULL);
	assert_int_equal(rn.r, 0);
	assert_string_equal(rn.err, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_user_root_stays, setup),
		cmocka_unit_test_setup(test_no_user_stays, setup),
		cmocka_unit_test_setup(test_drop_target, setup),
		cmocka_unit_test_setup(test_without_user_refused, setup),
		cmocka_unit_test_setup(test_without_sudo_refused, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
