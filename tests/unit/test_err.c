/* sshtun: unit tests of the error table (util/err.c). */
#include "tests/unit/testutil.h"

#include <limits.h>
#include <stdio.h>

/* The table as the header declares it, to check err.c against. */
struct want {
	int code;
	int cls;
	const char *name;
};

#define WANT_ROW(name, val, cls, msg, hint) { (val), SSHTUN_##cls, #name },
static const struct want want[] = { SSHTUN_ERRORS(WANT_ROW) };
#undef WANT_ROW
#define NWANT (sizeof(want) / sizeof(want[0]))

/* Every code has a cause and, except success, a hint that says what to do. */
static void test_every_code_has_message_and_hint(void **state)
{
	for (size_t i = 0; i < NWANT; i++) {
		const char *msg = sshtun_strerror(want[i].code);
		const char *hint = sshtun_errhint(want[i].code);

		assert_non_null(msg);
		assert_non_null(hint);
		if (msg[0] == '\0' || strcmp(msg, "unknown error") == 0) {
			fail_msg("SSHTUN_ERR_%s (%d) has no message", want[i].name, want[i].code);
		}
		if (want[i].code != SSHTUN_OK && hint[0] == '\0') {
			fail_msg("SSHTUN_ERR_%s (%d) has no hint", want[i].name, want[i].code);
		}
		/* one line each */
		assert_null(strchr(msg, '\n'));
		assert_null(strchr(hint, '\n'));
	}
	assert_string_equal(sshtun_strerror(SSHTUN_OK), "success");
	assert_string_equal(sshtun_strerror(SSHTUN_ERR_TRUNCATED), "message truncated");
}

/* Codes are 0, -1, -2, ... without gaps or duplicates, and SSHTUN_ERR_MIN_ lies just below the last. */
static void test_codes_dense_and_unique(void **state)
{
	for (size_t i = 0; i < NWANT; i++) {
		assert_int_equal(want[i].code, -(int)i);
	}
	assert_int_equal(SSHTUN_ERR_MIN_, -(int)NWANT);
	assert_int_equal(SSHTUN_OK, 0);
}

/* Different causes read differently. */
static void test_messages_distinct(void **state)
{
	for (size_t i = 0; i < NWANT; i++) {
		for (size_t j = i + 1; j < NWANT; j++) {
			if (strcmp(sshtun_strerror(want[i].code), sshtun_strerror(want[j].code)) == 0) {
				fail_msg("%s and %s share a message", want[i].name, want[j].name);
			}
		}
	}
}

static void test_unknown_codes(void **state)
{
	static const int unknown[] = { 1, 2, 100, SSHTUN_ERR_MIN_, SSHTUN_ERR_MIN_ - 1, -1000, INT_MIN, INT_MAX };

	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		assert_string_equal(sshtun_strerror(unknown[i]), "unknown error");
		assert_non_null(sshtun_errhint(unknown[i]));
		assert_string_equal(sshtun_errhint(unknown[i]), "");
		assert_int_equal(sshtun_errclass(unknown[i]), SSHTUN_CLASS_INTERNAL);
	}
}

static void test_classes(void **state)
{
	for (size_t i = 0; i < NWANT; i++) {
		int cls = sshtun_errclass(want[i].code);

		assert_int_equal(cls, want[i].cls);
		assert_in_range(cls, SSHTUN_CLASS_OK, SSHTUN_CLASS_REMOTE);
		/* only success is class OK */
		assert_int_equal(cls == SSHTUN_CLASS_OK, want[i].code == SSHTUN_OK);
	}
	assert_int_equal(sshtun_errclass(SSHTUN_OK), SSHTUN_CLASS_OK);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_NOMEM), SSHTUN_CLASS_INTERNAL);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_SYS), SSHTUN_CLASS_SYSTEM);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_MAC), SSHTUN_CLASS_PROTOCOL);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_TRUNCATED), SSHTUN_CLASS_PROTOCOL);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_HOSTKEY_CHANGED), SSHTUN_CLASS_HOSTKEY);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_HOSTKEY_UNKNOWN), SSHTUN_CLASS_HOSTKEY);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_AUTH_FAILED), SSHTUN_CLASS_AUTH);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_KEY_ENCRYPTED), SSHTUN_CLASS_AUTH);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_TUN_REFUSED), SSHTUN_CLASS_TUNNEL);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_TUN_DEVICE), SSHTUN_CLASS_DEVICE);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_NETLINK), SSHTUN_CLASS_DEVICE);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_CONFIG), SSHTUN_CLASS_CONFIG);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_CONNECT), SSHTUN_CLASS_CONNECT);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_TIMEOUT), SSHTUN_CLASS_CONNECT);
	assert_int_equal(sshtun_errclass(SSHTUN_ERR_REMOTE_CONFIG), SSHTUN_CLASS_REMOTE);
}

/* Every class that the command line maps to an exit status has at least one code. */
static void test_every_class_used(void **state)
{
	for (int cls = SSHTUN_CLASS_OK; cls <= SSHTUN_CLASS_REMOTE; cls++) {
		int found = 0;

		for (size_t i = 0; i < NWANT; i++) {
			found |= sshtun_errclass(want[i].code) == cls;
		}
		if (!found) {
			fail_msg("class %d has no error code", cls);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_has_message_and_hint),
		cmocka_unit_test(test_codes_dense_and_unique),
		cmocka_unit_test(test_messages_distinct),
		cmocka_unit_test(test_unknown_codes),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_every_class_used),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
