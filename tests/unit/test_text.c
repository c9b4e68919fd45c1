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

/* Collects the lines of s, joined by '|', into out. */
static int lines_of(const char *s, size_t n, int trim, char *out, size_t outlen)
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
	return count;
}

#define LINES(s, trim, buf) lines_of((s), sizeof(s) - 1, (trim), (buf), sizeof(buf))

static void test_line_basic(void **state)
{
	char b[256];
	struct wire_r r;
	struct wire_view v;

	(void)state;
	assert_int_equal(LINES("", 0, b), 0);
	assert_int_equal(LINES("", 1, b), 0);
	wire_r_init(&r, NULL, 0);
	assert_int_equal(text_line(&r, &v, 1), 0);
	assert_int_equal(v.n, 0);

	assert_int_equal(LINES("one", 0, b), 1);	/* no final newline */
	assert_string_equal(b, "one");
	assert_int_equal(LINES("one\n", 0, b), 1);	/* a final newline adds no empty line */
	assert_string_equal(b, "one");
	assert_int_equal(LINES("a\nb\nc", 1, b), 3);
	assert_string_equal(b, "a|b|c");
	assert_int_equal(LINES("\n", 0, b), 1);
	assert_string_equal(b, "");
	assert_int_equal(LINES("\n\n\nx\n\n", 0, b), 5);
	assert_string_equal(b, "|||x|");
	/* NUL bytes stay inside the line. */
	assert_int_equal(LINES("a\0b\nc", 0, b), 2);
	assert_memory_equal(b, "a\0b|c", 5);
}

static void test_line_blanks(void **state)
{
	char b[256];

	(void)state;
	/* CRLF: the CR stays without trimming, goes with it. */
	assert_int_equal(LINES("a\r\nb\r\n", 0, b), 2);
	assert_string_equal(b, "a\r|b\r");
	assert_int_equal(LINES("a\r\nb\r\n", 1, b), 2);
	assert_string_equal(b, "a|b");
	assert_int_equal(LINES("\r\n\r\n", 1, b), 2);
	assert_string_equal(b, "|");
	/* A lone CR does not end a line. */
	assert_int_equal(LINES("a\rb\n", 1, b), 1);
	assert_string_equal(b, "a\rb");
	/* Trailing spaces and tabs are trimmed, leading and inner ones kept. */
	assert_int_equal(LINES("  x y \t \nz\t", 1, b), 2);
	assert_string_equal(b, "  x y|z");
	assert_int_equal(LINES("  x y \t \nz\t", 0, b), 2);
	assert_string_equal(b, "  x y \t |z\t");
	/* A line of blanks only is empty after trimming, but is still a line. */
	assert_int_equal(LINES(" \t\r\n", 1, b), 1);
	assert_string_equal(b, "");
	/* Form feed is not a blank here, so it is not trimmed. */
	assert_int_equal(LINES("x\f\n", 1, b), 1);
	assert_string_equal(b, "x\f");
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

/* The helpers together, as the key and known_hosts parsers use them. */
static void test_fields_of_line(void **state)
{
	struct wire_r r, lr;
	struct wire_view line, f;
	static const char text[] = "\n  @marker host1,host2\tssh-ed25519 AAAA comment here \r\nlast";

	(void)state;
	wire_r_init(&r, text, sizeof(text) - 1);
	assert_int_equal(text_line(&r, &line, 1), 1);
	assert_int_equal(line.n, 0);
	assert_int_equal(text_line(&r, &line, 1), 1);
	wire_r_init(&lr, line.p, line.n);
	text_skip_blanks(&lr);
	text_take(&lr, -1, &f);
	assert_view(&f, "@marker");
	text_skip_blanks(&lr);
	text_take(&lr, ',', &f);
	assert_view(&f, "host1");
	assert_int_equal(text_peek(&lr), ',');
	wire_skip(&lr, 1);
	text_take(&lr, ',', &f);
	assert_view(&f, "host2");
	text_skip_blanks(&lr);
	text_take(&lr, -1, &f);
	assert_view(&f, "ssh-ed25519");
	text_skip_blanks(&lr);
	text_take(&lr, -1, &f);
	assert_view(&f, "AAAA");
	text_skip_blanks(&lr);
	text_take(&lr, -1, &f);
	assert_view(&f, "comment");
	text_skip_blanks(&lr);
	text_take(&lr, -1, &f);
	assert_view(&f, "here");
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
		cmocka_unit_test(test_line_basic),
		cmocka_unit_test(test_line_blanks),
		cmocka_unit_test(test_line_long),
		cmocka_unit_test(test_line_failed),
		cmocka_unit_test(test_fields_of_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
