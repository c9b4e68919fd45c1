/* sshtun: shared includes for the cmocka unit tests. */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sshtun_err.h"
#include "util/features.h"

/* What code under test writes to stderr: t_stderr_begin before it, t_stderr_end after (buf gets it, NUL-ended). */
struct t_stderr {
	FILE *tmp;
	int saved;
};

static inline void t_stderr_begin(struct t_stderr *c)
{
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	fflush(stderr);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_int_equal(dup2(fileno(c->tmp), STDERR_FILENO), STDERR_FILENO);
}

static inline void t_stderr_end(struct t_stderr *c, char *buf, size_t len)
{
	size_t n;

	fflush(stderr);
	assert_int_equal(dup2(c->saved, STDERR_FILENO), STDERR_FILENO);
	close(c->saved);
	rewind(c->tmp);
	n = fread(buf, 1, len - 1, c->tmp);
	buf[n] = '\0';
	fclose(c->tmp);
}

/* Skips a test whose cases need what this build left out, e.g. T_NEED(SSHTUN_RSA) (cmocka reports it skipped). */
#define T_NEED(cond) do { if (!(cond)) { skip(); } } while (0)

/* The main of a test program whose module this build leaves out: one case, reported as skipped. */
#define T_LEFT_OUT_MAIN()                                                       \
	static void t_left_out(void **state)                                    \
	{                                                                       \
		(void)state;                                                    \
		skip();                                                         \
	}                                                                       \
	int main(void)                                                          \
	{                                                                       \
		const struct CMUnitTest tests[] = { cmocka_unit_test(t_left_out) }; \
		return cmocka_run_group_tests(tests, NULL, NULL);               \
	}

/* Parses a hex string into out; returns the byte count. Test-only helper. */
static inline size_t t_unhex(uint8_t *out, size_t outlen, const char *hex)
{
	size_t n = 0;

	while (hex[0] && hex[1] && n < outlen) {
		unsigned v;
		char b[3] = { hex[0], hex[1], 0 };

		if (hex[0] == ' ') {
			hex++;
			continue;
		}
		v = (unsigned)strtoul(b, NULL, 16);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

/* got's n bytes are the bytes hex spells, and hex spells exactly n (at most 64). */
static inline void t_hex_eq_n(const uint8_t *got, size_t n, const char *hex)
{
	uint8_t want[64];

	assert_int_equal(t_unhex(want, sizeof(want), hex), n);
	assert_memory_equal(got, want, n);
}

/*
 * Reads tests/unit/data/NAME (next to this header, so the path holds from any test) into buf, NUL-terminated;
 * returns its length. The file must fit: a truncated read fails the test.
 */
static inline size_t t_read_data(const char *name, char *buf, size_t len)
{
	char path[512];
	const char *slash = strrchr(__FILE__, '/');
	int dirlen = slash != NULL ? (int)(slash - __FILE__ + 1) : 0;
	FILE *f;
	size_t n;

	assert_true(snprintf(path, sizeof(path), "%.*sdata/%s", dirlen, __FILE__, name) < (int)sizeof(path));
	f = fopen(path, "r");
	if (f == NULL) {
		fail_msg("cannot open %s (run the test from the source tree's top directory)", path);
	}
	n = fread(buf, 1, len - 1, f);
	assert_true(feof(f));
	fclose(f);
	buf[n] = '\0';
	return n;
}

/* A log that keeps its last line and counts them: tests check what a module said. */
struct t_cap {
	char last[1024];
	int n;
};

static inline void t_cap_fn(void *ud, int level, const char *msg)
{
	struct t_cap *c = ud;

	(void)level;
	snprintf(c->last, sizeof(c->last), "%s", msg);
	c->n++;
}

/* Declares a capture c and a struct lg log that writes into it, at every level. */
#define CAP_LOG(c, log) struct t_cap c = { .n = 0 }; struct lg log = { t_cap_fn, &c, LG_DEBUG3 }

#endif
