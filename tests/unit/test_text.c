/* sshtun: unit tests for the text scanning helpers over the wire reader (util/text.c). */
#include "tests/unit/testutil.h"

#include "util/text.h"
#include "util/wire.h"

/* A reader over a string literal (without its NUL). */
static void rd_str(struct wire_r *r, const char *s)
{
	wire_r_init(r, s, strlen(s));
}

static void assert_view(const struct wire_view *v, const char *want)
{
	assert_int_equal(v->n, strlen(want));
	if (v->n > 0) {
		assert_memory_equal(v->p, want, v->n);
	}
}

/* A reader whose sticky error is set. */
static void rd_failed(struct wire_r *r, const char *s)
{
	rd_str(r, s);
	wire_fail(r, SSHTUN_ERR_TRUNCATED);
}

static void test_is_blank(void **state)
{
	(void)state;
	assert_true(text_is_blank(' '));
	assert_true(text_is_blank('\t'));
	assert_true(text_is_blank('\r'));
	assert_true(text_is_blank('\n'));
	/* Only those four: other C isspace() bytes are not blanks of these formats. */
	assert_false(text_is_blank('\f'));
	assert_false(text_is_blank('\v'));
	assert_false(text_is_blank('\0'));
	assert_false(text_is_blank('a'));
	assert_false(text_is_blank(0xa0));
	assert_false(text_is_blank(0xff));
}

static void test_peek(void **state)
{
	struct wire_r r;
	static const uint8_t hi[] = { 0xff, 'x' };

	(void)state;
	rd_str(&r, "");
	assert_int_equal(text_peek(&r), -1);
	wire_r_init(&r, NULL, 0);
	assert_int_equal(text_peek(&r), -1);

	rd_str(&r, "ab");
	assert_int_equal(text_peek(&r), 'a');
	assert_int_equal(text_peek(&r), 'a');	/* nothing consumed */
	assert_int_equal(wire_left(&r), 2);
	wire_skip(&r, 2);
	assert_int_equal(text_peek(&r), -1);
	assert_int_equal(wire_err(&r), 0);	/* peeking at the end does not fail the reader */

	/* A byte over 0x7f comes back positive, never as -1. */
	wire_r_init(&r, hi, sizeof(hi));
	assert_int_equal(text_peek(&r), 0xff);

	rd_failed(&r, "ab");
	assert_int_equal(text_peek(&r), -1);
}

static void test_skip_blanks(void **state)
{
	struct wire_r r;

	(void)state;
	rd_str(&r, "");
	text_skip_blanks(&r);
	assert_int_equal(wire_left(&r), 0);
	assert_int_equal(wire_err(&r), 0);

	rd_str(&r, " \t\r\n x ");
	text_skip_blanks(&r);
	assert_int_equal(text_peek(&r), 'x');
	assert_int_equal(wire_left(&r), 2);

	rd_str(&r, " \t \r\n");
	text_skip_blanks(&r);
	assert_int_equal(wire_left(&r), 0);
	assert_int_equal(wire_err(&r), 0);

	/* Form feed and vertical tab are not skipped. */
	rd_str(&r, " \fx");
	text_skip_blanks(&r);
	assert_int_equal(text_peek(&r), '\f');

	rd_str(&r, "x  ");
	text_skip_blanks(&r);
	assert_int_equal(wire_left(&r), 3);

	rd_failed(&r, "  x");
	text_skip_blanks(&r);
	assert_int_equal(wire_err(&r), SSHTUN_ERR_TRUNCATED);
}

static void test_take_blanks(void **state)
{
	struct wire_r r;
	struct wire_view v;

	(void)state;
	rd_str(&r, "");
	text_take(&r, -1, &v);
	assert_int_equal(v.n, 0);
	assert_int_equal(wire_err(&r), 0);

	rd_str(&r, "word");
	text_take(&r, -1, &v);
	assert_view(&v, "word");
	assert_int_equal(wire_left(&r), 0);

	/* Each kind of blank ends the field and stays in the reader. */
	rd_str(&r, "a b");
	text_take(&r, -1, &v);
	assert_view(&v, "a");
	assert_int_equal(text_peek(&r), ' ');
	rd_str(&r, "ab\tc");
	text_take(&r, -1, &v);
	assert_view(&v, "ab");
	assert_int_equal(text_peek(&r), '\t');
	rd_str(&r, "abc\r\n");
	text_take(&r, -1, &v);
	assert_view(&v, "abc");
	assert_int_equal(text_peek(&r), '\r');
	rd_str(&r, "abcd\nx");
	text_take(&r, -1, &v);
	assert_view(&v, "abcd");
	assert_int_equal(text_peek(&r), '\n');

	/* Starting on a blank gives an empty field and consumes nothing. */
	rd_str(&r, " x");
	text_take(&r, -1, &v);
	assert_int_equal(v.n, 0);
	assert_int_equal(wire_left(&r), 2);

	/* Without a delimiter, commas and the like are ordinary bytes. */
	rd_str(&r, "a,b|c d");
	text_take(&r, -1, &v);
	assert_view(&v, "a,b|c");
}

static void test_take_delim(void **state)
{
	struct wire_r r;
	struct wire_view v;
	static const uint8_t bin[] = { 'a', 0, 'b', 0xff, 'c' };

	(void)state;
	rd_str(&r, "a,b");
	text_take(&r, ',', &v);
	assert_view(&v, "a");
	assert_int_equal(text_peek(&r), ',');
	wire_skip(&r, 1);
	text_take(&r, ',', &v);
	assert_view(&v, "b");
	assert_int_equal(wire_left(&r), 0);

	/* A delimiter at the start: empty field. */
	rd_str(&r, ",x");
	text_take(&r, ',', &v);
	assert_int_equal(v.n, 0);
	assert_int_equal(wire_left(&r), 2);

	/* A blank still ends the field when a delimiter is given. */
	rd_str(&r, "ab cd,e");
	text_take(&r, ',', &v);
	assert_view(&v, "ab");

	/* No delimiter in the text: up to the end. */
	rd_str(&r, "salt|hash");
	text_take(&r, '|', &v);
	assert_view(&v, "salt");
	rd_str(&r, "nodelim");
	text_take(&r, '|', &v);
	assert_view(&v, "nodelim");

	/* NUL is an ordinary byte; a delimiter over 0x7f works. */
	wire_r_init(&r, bin, sizeof(bin));
	text_take(&r, 0xff, &v);
	assert_int_equal(v.n, 3);
	assert_memory_equal(v.p, bin, 3);
	assert_int_equal(text_peek(&r), 0xff);

	rd_failed(&r, "abc");
	text_take(&r, -1, &v);
	assert_int_equal(v.n, 0);
	assert_null(v.p);
}

/* Collects the lines of s, joined by '|', into out (*outn bytes); returns how many lines. */
static int lines_of(const char *s, size_t n, int trim, char *out, size_t outlen, size_t *outn)
{
	struct wire_r r;
	struct wire_view v;
	size_t used = 0;
	int count = 0;

	wire_r_init(&r, s, n);
	out[0] = '\0';
	while (text_line(&r, &v, trim)) {
		assert_true(used + v.n + 2 <= outlen);
		if (count > 0) {
			out[used++] = '|';
		}
		if (v.n > 0) {
			memcpy(out + used, v.p, v.n);
		}
		used += v.n;
		out[used] = '\0';
		count++;
	}
	assert_int_equal(wire_left(&r), 0);
	assert_int_equal(wire_err(&r), 0);
	assert_int_equal(v.n, 0);
	*outn = used;
	return count;
}

/* Input (with its length, so NUL bytes may be in it), trim flag, expected line count and lines joined by '|'. */
struct line_case {
	const char *in;
	size_t n;
	int trim;
	int count;
	const char *want;
	size_t wantn;
};

#define LC(in, trim, count, want) { (in), sizeof(in) - 1, (trim), (count), (want), sizeof(want) - 1 }

static const struct line_case line_cases[] = {
	LC("", 0, 0, ""),
	LC("", 1, 0, ""),
	LC("one", 0, 1, "one"),			/* no final newline */
	LC("one\n", 0, 1, "one"),		/* a final newline adds no empty line */
	LC("a\nb\nc", 1, 3, "a|b|c"),
	LC("\n", 0, 1, ""),
	LC("\n\n\nx\n\n", 0, 5, "|||x|"),
	LC("a\0b\nc", 0, 2, "a\0b|c"),	/* NUL bytes stay inside the line */
	/* CRLF: the CR stays without trimming, goes with it. */
	LC("a\r\nb\r\n", 0, 2, "a\r|b\r"),
	LC("a\r\nb\r\n", 1, 2, "a|b"),
	LC("\r\n\r\n", 1, 2, "|"),
	LC("a\rb\n", 1, 1, "a\rb"),		/* a lone CR does not end a line */
	/* Trailing spaces and tabs are trimmed, leading and inner ones kept. */
	LC("  x y \t \nz\t", 1, 2, "  x y|z"),
	LC("  x y \t \nz\t", 0, 2, "  x y \t |z\t"),
	LC(" \t\r\n", 1, 1, ""),		/* only blanks: empty after trimming, still a line */
	LC("x\f\n", 1, 1, "x\f"),		/* form feed is not a blank here */
};

static void test_line_cases(void **state)
{
	char b[256];
	size_t bn = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++) {
		const struct line_case *c = &line_cases[i];
		int count = lines_of(c->in, c->n, c->trim, b, sizeof(b), &bn);

		if (count != c->count || bn != c->wantn || memcmp(b, c->want, bn) != 0) {
			fail_msg("case %zu: %d lines, want %d", i, count, c->count);
		}
	}
}

static void test_line_null(void **state)
{
	struct wire_r r;
	struct wire_view v;

	(void)state;
	wire_r_init(&r, NULL, 0);
	assert_int_equal(text_line(&r, &v, 1), 0);
	assert_int_equal(v.n, 0);
}

static void test_line_long(void **state)
{
	enum { LONG = 200000 };
	struct wire_r r;
	struct wire_view v;
	char *s = malloc(2 * LONG + 8);
	size_t n = 0;

	(void)state;
	assert_non_null(s);
	memset(s, 'x', LONG);
	n = LONG;
	memcpy(s + n, "  \r\n", 4);
	n += 4;
	memset(s + n, 'y', LONG);
	n += LONG;
	wire_r_init(&r, s, n);
	assert_int_equal(text_line(&r, &v, 1), 1);
	assert_int_equal(v.n, LONG);
	assert_ptr_equal(v.p, s);
	assert_int_equal(text_line(&r, &v, 0), 1);
	assert_int_equal(v.n, LONG);
	assert_ptr_equal(v.p, s + LONG + 4);
	assert_int_equal(v.p[LONG - 1], 'y');
	assert_int_equal(text_line(&r, &v, 0), 0);
	free(s);
}

static void test_line_failed(void **state)
{
	struct wire_r r;
	struct wire_view v;

	(void)state;
	rd_failed(&r, "abc\ndef\n");
	assert_int_equal(text_line(&r, &v, 0), 0);
	assert_int_equal(v.n, 0);
	assert_null(v.p);
}

/* Skips blanks, takes the next field up to delim and checks it is want. */
static void expect_field(struct wire_r *r, int delim, const char *want)
{
	struct wire_view f;

	text_skip_blanks(r);
	text_take(r, delim, &f);
	assert_view(&f, want);
}

/* The helpers together, as the key and known_hosts parsers use them. */
static void test_fields_of_line(void **state)
{
	struct wire_r r, lr;
	struct wire_view line;
	static const char text[] = "\n  @marker host1,host2\tssh-ed25519 AAAA comment here \r\nlast";

	(void)state;
	wire_r_init(&r, text, sizeof(text) - 1);
	assert_int_equal(text_line(&r, &line, 1), 1);
	assert_int_equal(line.n, 0);
	assert_int_equal(text_line(&r, &line, 1), 1);
	wire_r_init(&lr, line.p, line.n);
	expect_field(&lr, -1, "@marker");
	expect_field(&lr, ',', "host1");
	assert_int_equal(text_peek(&lr), ',');
	wire_skip(&lr, 1);
	expect_field(&lr, ',', "host2");
	expect_field(&lr, -1, "ssh-ed25519");
	expect_field(&lr, -1, "AAAA");
	expect_field(&lr, -1, "comment");
	expect_field(&lr, -1, "here");
	text_skip_blanks(&lr);
	assert_int_equal(wire_end(&lr), 0);	/* trailing blanks were trimmed off the line */
	assert_int_equal(text_line(&r, &line, 1), 1);
	assert_view(&line, "last");
	assert_int_equal(text_line(&r, &line, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_blank),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_skip_blanks),
		cmocka_unit_test(test_take_blanks),
		cmocka_unit_test(test_take_delim),
		cmocka_unit_test(test_line_cases),
		cmocka_unit_test(test_line_null),
		cmocka_unit_test(test_line_long),
		cmocka_unit_test(test_line_failed),
		cmocka_unit_test(test_fields_of_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
