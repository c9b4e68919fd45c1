/*
 * sshtun: unit tests for util/printf_small.c, the printf of our own that SSHTUN_SMALL_PRINTF puts in place of the
 * C library's in the smallest static programs (util/features.h).
 *
 * The reference: a table of formats and arguments, every form sshtun's sources use and the edges around them, with
 * the text each must give written out (generated once from glibc 2.36's snprintf by a throwaway program, pasted
 * here). Each row is checked at every buffer size from 0 to its length + 2: the return value is always the whole
 * length, the bytes before the NUL are the text's first ones, nothing is written before the buffer or after the
 * NUL, errno stays; and the same text must come out through pf_vfprintf (a file) and pf_vdprintf (a descriptor).
 * The C library's vsnprintf, vfprintf and vdprintf go through the same checks where they are a reference: glibc's
 * in the default build, which so also vouches for the table; with SSHTUN_SMALL_PRINTF they are util/printf_small.c's
 * definitions, checked so to lead to the same core (and t_linked shows they are: the C library's would format
 * %a). musl's own differ from glibc on %p and a NULL %s, and are not held to the table. The default build (glibc,
 * 64 bits) also compares the core with glibc on 200000 random formats.
 */
#include "tests/unit/testutil.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/printf_small.h"

/* Whether the C library's printf is a reference for the table (see above). */
#if defined(__GLIBC__) || SSHTUN_SMALL_PRINTF
#define T_LIBC_REF 1
#else
#define T_LIBC_REF 0
#endif

/* A printf family under test: ours, or the C library's names. */
struct t_printer {
	const char *name;
	int (*sn)(char *, size_t, const char *, va_list);
	int (*f)(FILE *, const char *, va_list);
	int (*d)(int, const char *, va_list);
	int ours;	/* errno must stay as it was */
};

static const struct t_printer t_pf = { "pf_*", pf_vsnprintf, pf_vfprintf, pf_vdprintf, 1 };
static const struct t_printer t_libc = { "libc", vsnprintf, vfprintf, vdprintf, SSHTUN_SMALL_PRINTF };

/* Reads back what was written to fd from its start: at most cap bytes. */
static size_t t_read_back(int fd, char *buf, size_t cap)
{
	ssize_t n = pread(fd, buf, cap, 0);

	assert_true(n >= 0);
	return (size_t)n;
}

/* The checks of one row with one printer (see the top of the file). */
static void t_run(const struct t_printer *pr, int line, const char *want, size_t n, const char *fmt, va_list ap)
{
	size_t size, k, j, cap = n + 16;
	char *buf = malloc(cap + 1);
	FILE *f = tmpfile(), *g = tmpfile();
	va_list aq;
	int r;

	assert_non_null(buf);
	assert_non_null(f);
	assert_non_null(g);
	for (size = 0; size <= n + 2; size++) {
		memset(buf, '#', cap + 1);
		va_copy(aq, ap);
		errno = EDOM;
		r = pr->sn(buf + 1, size, fmt, aq);
		va_end(aq);
		if (r != (int)n || (pr->ours && errno != EDOM)) {
			fail_msg("line %d, %s, size %zu: \"%s\" returned %d (want %zu), errno %d", line, pr->name, size, fmt,
				r, n, errno);
		}
		k = size == 0 ? 0 : size - 1 < n ? size - 1 : n;	/* text bytes written */
		if (buf[0] != '#' || memcmp(buf + 1, want, k) != 0 || (size > 0 && buf[1 + k] != '\0')) {
			buf[cap] = '\0';
			fail_msg("line %d, %s, size %zu: \"%s\" gave \"%s\", want \"%s\"", line, pr->name, size, fmt, buf,
				want);
		}
		for (j = 1 + k + (size > 0); j <= cap; j++) {
			if (buf[j] != '#') {
				fail_msg("line %d, %s, size %zu: \"%s\" wrote at %zu, past its NUL", line, pr->name, size,
					fmt, j - 1);
			}
		}
	}
	va_copy(aq, ap);
	r = pr->sn(NULL, 0, fmt, aq);	/* C: size 0 may come with a null pointer */
	va_end(aq);
	assert_int_equal(r, (int)n);

	va_copy(aq, ap);
	r = pr->f(f, fmt, aq);
	va_end(aq);
	assert_int_equal(fflush(f), 0);
	if (r != (int)n || t_read_back(fileno(f), buf, cap) != n || memcmp(buf, want, n) != 0) {
		fail_msg("line %d, %s: \"%s\" to a file: returned %d, want \"%s\"", line, pr->name, fmt, r, want);
	}
	va_copy(aq, ap);
	r = pr->d(fileno(g), fmt, aq);
	va_end(aq);
	if (r != (int)n || t_read_back(fileno(g), buf, cap) != n || memcmp(buf, want, n) != 0) {
		fail_msg("line %d, %s: \"%s\" to a descriptor: returned %d, want \"%s\"", line, pr->name, fmt, r, want);
	}
	fclose(f);
	fclose(g);
	free(buf);
}

/* want (n bytes: it may hold a NUL) is what fmt gives, from ours, and from the C library where it is a reference. */
static void t_ours_and_libc(int line, int libc, const char *want, size_t n, const char *fmt, va_list ap)
{
	t_run(&t_pf, line, want, n, fmt, ap);
	if (libc) {
		t_run(&t_libc, line, want, n, fmt, ap);
	}
}

static void t_row(int line, int libc, const char *want, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t_ours_and_libc(line, libc, want, n, fmt, ap);
	va_end(ap);
}

/* The same with the compiler checking the arguments against the format. */
static void t_row_checked(int line, const char *want, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void t_row_checked(int line, const char *want, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t_ours_and_libc(line, T_LIBC_REF, want, n, fmt, ap);
	va_end(ap);
}

/* A row of the table (want a string literal); T_OWN: a form the C library formats otherwise, ours only. */
#define T(want, ...) t_row_checked(__LINE__, want, sizeof(want) - 1, __VA_ARGS__)
/*
 * A legal format the compiler warns about (flags it calls redundant; for clang, an int beyond %hd's or %hhu's
 * range, which C converts): the same as T, unchecked.
 */
#define T_UNCHECKED(want, ...) t_row(__LINE__, T_LIBC_REF, want, sizeof(want) - 1, __VA_ARGS__)
#define T_OWN(want, ...) t_row(__LINE__, SSHTUN_SMALL_PRINTF, want, sizeof(want) - 1, __VA_ARGS__)

/* A pointer the compiler cannot see is NULL (a literal NULL for %s is a warning of its own). */
static const char *t_null(void)
{
	static const char *const volatile p = NULL;

	return p;
}

/* The table: glibc's texts. */
static void t_table(void **state)
{
	T("abc", "%s", "abc");
	T("", "%s", "");
	T("[       abc]", "[%10s]", "abc");
	T("[abc       ]", "[%-10s]", "abc");
	T("[abc]", "[%.*s]", 3, "abcdef");
	T("[]", "[%.*s]", 0, "abcdef");
	T("[abc]", "[%.*s]", 10, "abc");
	T("[abcdef]", "[%.*s]", -1, "abcdef");
	T("[short]", "[%.140s]", "short");
	T("[abcdefghijklmnop]", "[%.16s]", "abcdefghijklmnopqrstuvwxyz");
	T("[]", "[%.2s]", "");
	T("[]", "[%.0s]", "abc");
	T("[    ab]", "[%*s]", 6, "ab");
	T("[ab    ]", "[%*s]", -6, "ab");
	T("[ab    ]", "[%-*s]", 6, "ab");
	T("[     abc]", "[%*.*s]", 8, 3, "abcdef");
	T("[abc     ]", "[%-8.3s]", "abcdef");
	T("user@host.example:22", "%s@%s:%d", "user", "host.example", 22);
	T("ac", "%s%s%s", "a", "", "c");
	T("0", "%d", 0);
	T("42", "%d", 42);
	T("-42", "%d", -42);
	T("2147483647", "%d", INT_MAX);
	T("-2147483648", "%d", INT_MIN);
	T("-7", "%i", -7);
	T("0", "%u", 0u);
	T("4000000000", "%u", 4000000000u);
	T("4294967295", "%u", UINT_MAX);
	T("-9223372036854775808", "%ld", LONG_MIN);
	T("9223372036854775807", "%ld", LONG_MAX);
	T("-1", "%ld", -1L);
	T("18446744073709551615", "%lu", ULONG_MAX);
	T("-9223372036854775808", "%lld", LLONG_MIN);
	T("9223372036854775807", "%lld", LLONG_MAX);
	T("-1234567890123", "%lld", -1234567890123LL);
	T("18446744073709551615", "%llu", ULLONG_MAX);
	T("0", "%llu", 0ULL);
	T("18446744073709551615", "%" PRIu64, UINT64_MAX);
	T("1700000000 seconds after 1970", "%" PRIu64 " seconds after 1970", (uint64_t)1700000000);
	T("-9223372036854775808", "%" PRId64, INT64_MIN);
	T("ffffffffffffffff", "%" PRIx64, UINT64_MAX);
	T("deadbeef12345678", "%" PRIx64, (uint64_t)0xdeadbeef12345678ULL);
	T("%4294967295", "%%%" PRIu32, (uint32_t)4294967295u);
	T("7", "%" PRIu32, (uint32_t)7);
	T("0", "%zu", (size_t)0);
	T("18446744073709551615", "%zu", SIZE_MAX);
	T(" (1234 bytes)", " (%zu bytes)", (size_t)1234);
	T("-5", "%zd", (ssize_t)-5);
	T("-9223372036854775808", "%jd", INTMAX_MIN);
	T("18446744073709551615", "%ju", UINTMAX_MAX);
	T("-99", "%td", (ptrdiff_t)-99);
	T("99", "%tu", (ptrdiff_t)99);
	T("-32768", "%hd", (short)-32768);
	T("65535", "%hu", (unsigned short)65535);
	T_UNCHECKED("4464", "%hd", 70000);
	T_UNCHECKED("4464", "%hu", 70000);
	T("-128", "%hhd", (signed char)-128);
	T("255", "%hhu", (unsigned char)255);
	T_UNCHECKED("-56", "%hhd", 200);
	T_UNCHECKED("44", "%hhu", 300);
	T_UNCHECKED("ff", "%hhx", 0x1ff);
	T("00", "%02x", 0);
	T("07", "%02x", 7);
	T("ab", "%02x", 0xab);
	T("1234", "%02x", 0x1234);
	T("byte 0x7f is not printable text", "byte 0x%02x is not printable text", 0x7f);
	T("000", "%03u", 0u);
	T("005", "%03u", 5u);
	T("999", "%03u", 999u);
	T("12345", "%03u", 12345u);
	T("12.034 ms", "%u.%03u ms", 12u, 34u);
	T("0600", "%04o", 0600u);
	T("0000", "%04o", 0u);
	T("12345", "%04o", 012345u);
	T("10", "%o", 8u);
	T("0", "%x", 0u);
	T("ff", "%x", 255u);
	T("FF", "%X", 255u);
	T("ffffffff", "%x", UINT_MAX);
	T("ffffffffffffffff", "%lx", ULONG_MAX);
	T("ABCDEF0123456789", "%llX", 0xABCDEF0123456789ULL);
	T("A", "%c", 'A');
	T("[  x]", "[%3c]", 'x');
	T("[x  ]", "[%-3c]", 'x');
	T("option -p needs an argument", "option -%c needs an argument", 'p');
	T("%", "%%");
	T("100%", "100%%");
	T("%5%", "%%%d%%", 5);
	T("0.00", "%.2f", 0.0);
	T("1.00", "%.2f", 1.0);
	T("2.50", "%.2f", 2.5);
	T("3.14", "%.2f", 3.14159);
	T("1.00", "%.2f", 1.005);
	T("0.12", "%.2f", 0.125);
	T("0.38", "%.2f", 0.375);
	T("123456.79", "%.2f", 123456.789);
	T("-0.00", "%.2f", -0.001);
	T("-0.00", "%.2f", -0.0);
	T("100.00", "%.2f", 99.995);
	T("10.00", "%.2f", 9.999);
	T("0.1", "%.1f", 0.05);
	T("0.2", "%.1f", 0.25);
	T("0.3", "%.1f", 0.35);
	T("10.0", "%.1f", 9.96);
	T("1.000", "%.3f", 1.0005);
	T("2.062", "%.3f", 2.0625);
	T("0.000", "%.3f", 0.0004);
	T("0.001", "%.3f", 0.0005);
	T("0.000", "%.3f", 0.000488);
	T("0", "%.0f", 0.5);
	T("2", "%.0f", 1.5);
	T("2", "%.0f", 2.5);
	T("4", "%.0f", 3.5);
	T("0", "%.0f", 0.49999999999999994);
	T("1000000000000000", "%.0f", 1e15 + 0.5);
	T("9007199254740991", "%.0f", 9007199254740991.0);
	T("18446744073709549568", "%.0f", 18446744073709549568.0);
	T("18446744073709549568.00", "%.2f", 18446744073709549568.0);
	T("1.000000", "%f", 1.0);
	T("-2.500000", "%f", -2.5);
	T("0.000000", "%f", 1e-7);
	T("0.000000", "%f", 5e-7);
	T("0.000002", "%f", 1.5e-6);
	T("3.000000", "%lf", 3.0);
	T("1.250000", "%F", 1.25);
	T("0.1000000000", "%.10f", 0.1);
	T("0.10000000000000001", "%.17f", 0.1);
	T("0.10000000000000000555", "%.20f", 0.1);
	T("0.333333333333333314829616256247", "%.30f", 1.0 / 3.0);
	T("0.100000000000000005551115123125782702118158340454101562500000", "%.60f", 0.1);
	T("0.1000000000000000055511151231257827021181583404541015625000000000000000", "%.70f", 0.1);
	T("0.000", "%.3f", 1e-300);
	T("0.000", "%.3f", 4.9406564584124654e-324);
	T("0.00048828125000000000", "%.20f", 0x1p-11);
	T("10000000000.00", "%.2f", 1e10);
	T("12345678901234568.00", "%.2f", 12345678901234567.0);
	T("[    3.14]", "[%8.2f]", 3.14159);
	T("[3.14    ]", "[%-8.2f]", 3.14159);
	T("[-0003.14]", "[%08.2f]", -3.14159);
	T("[+3.14]", "[%+.2f]", 3.14159);
	T("[ 3.14]", "[% .2f]", 3.14159);
	T("[-3.14]", "[%+.2f]", -3.14159);
	T("[3.]", "[%#.0f]", 3.0);
	T("[3]", "[%.0f]", 3.0);
	T("[     2.000]", "[%*.*f]", 10, 3, 2.0);
	T("inf", "%f", INFINITY);
	T("-inf", "%f", -INFINITY);
	T("INF", "%F", INFINITY);
	T("[     inf]", "[%8f]", INFINITY);
	T("[-inf    ]", "[%-8f]", -INFINITY);
	T("[     inf]", "[%08f]", INFINITY);
	T("[+inf]", "[%+f]", INFINITY);
	T("nan", "%f", NAN);
	T("-nan", "%f", -NAN);
	T("NAN", "%F", NAN);
	T("[   nan]", "[%6.2f]", NAN);
	T("[   42]", "[%5d]", 42);
	T("[42   ]", "[%-5d]", 42);
	T("[00042]", "[%05d]", 42);
	T("[-0042]", "[%05d]", -42);
	T_UNCHECKED("[-42  ]", "[%-05d]", -42);
	T("[+42]", "[%+d]", 42);
	T("[-42]", "[%+d]", -42);
	T("[+0]", "[%+d]", 0);
	T("[ 42]", "[% d]", 42);
	T("[-42]", "[% d]", -42);
	T_UNCHECKED("[+42]", "[%+ d]", 42);
	T("[   42]", "[% 5d]", 42);
	T("[+0042]", "[%+05d]", 42);
	T("[00042]", "[%.5d]", 42);
	T("[-00042]", "[%.5d]", -42);
	T("[  -00042]", "[%8.5d]", -42);
	T("[-00042  ]", "[%-8.5d]", -42);
	T_UNCHECKED("[  -00042]", "[%08.5d]", -42);
	T("[]", "[%.0d]", 0);
	T("[     ]", "[%5.0d]", 0);
	T("[]", "[%.0u]", 0u);
	T("[]", "[%.0x]", 0u);
	T("[1]", "[%.0d]", 1);
	T("[]", "[%.d]", 0);
	T("[0]", "[%#.0o]", 0u);
	T("[0]", "[%#o]", 0u);
	T("[010]", "[%#o]", 8u);
	T("[00010]", "[%#.5o]", 8u);
	T("[0]", "[%#x]", 0u);
	T("[0xff]", "[%#x]", 255u);
	T("[0XFF]", "[%#X]", 255u);
	T("[0x000000ff]", "[%#010x]", 255u);
	T("[      0xff]", "[%#10x]", 255u);
	T("[0xff      ]", "[%-#10x]", 255u);
	T("[0x00ff]", "[%#.4x]", 255u);
	T("[   42]", "[%*d]", 5, 42);
	T("[42   ]", "[%*d]", -5, 42);
	T("[42   ]", "[%-*d]", -5, 42);
	T("[0007]", "[%.*d]", 4, 7);
	T("[7]", "[%.*d]", -4, 7);
	T("[-0007]", "[%0*d]", 5, -7);
	T("[   007]", "[%*.*d]", 6, 3, 7);
	T("[         -2147483648]", "[%20d]", INT_MIN);
	T("[-9223372036854775808     ]", "[%-25lld]", LLONG_MIN);
	T("[000000000018446744073709551615]", "[%030llu]", ULLONG_MAX);
	T("[0000018446744073709551615]", "[%.25llu]", ULLONG_MAX);
	T("[0x1234]", "[%p]", (void *)0x1234);
	T("[          0xdeadbeef]", "[%20p]", (void *)0xdeadbeef);
	T("[0xdeadbeef          ]", "[%-20p]", (void *)0xdeadbeef);
	T("[(nil)]", "[%p]", (void *)0);
	T("[     (nil)]", "[%10p]", (void *)0);
	T("[(null)]", "[%s]", t_null());
	T("[]", "[%.3s]", t_null());
	T("[(null)]", "[%.6s]", t_null());
	T("[    (null)]", "[%10s]", t_null());
	T("[(null)    ]", "[%-10.8s]", t_null());
	T("\000", "%c", 0);
	T("a\000b", "a%cb", 0);
	T("-1 two 3 4 5 % 6 7 8 9.50|", "%d %s %u %x %c %% %ld %lld %zu %.2f|", -1, "two", 3u, 0x4u, '5', 6L, 7LL, (size_t)8, 9.5);
	T("a longer string that is longer than the small buffers are: 0123456789 abcdefghijklmnopqrstuvwxyz", "%s", "a longer string that is longer than the small buffers are: 0123456789 abcdefghijklmnopqrstuvwxyz");
	T("[                                                                                                   1]", "[%100d]", 1);
	T("[left                                                                                                ]", "[%-100s]", "left");
}

/* out = before, then n times c, then after; returns its length. */
static size_t t_pad(char *out, const char *before, char c, size_t n, const char *after)
{
	size_t k = strlen(before);

	memcpy(out, before, k);
	memset(out + k, c, n);
	strcpy(out + k + n, after);
	return k + n + strlen(after);
}

/* Texts longer than vfprintf's 1 KiB pieces and than every buffer above: built here, not pasted. */
static void t_long(void **state)
{
	enum { W = 5000 };
	char *want = malloc(W + 16);
	size_t n;

	assert_non_null(want);
	n = t_pad(want, "[", ' ', W - 3, "far]");
	t_row_checked(__LINE__, want, n, "[%5000s]", "far");
	n = t_pad(want, "[left", ' ', W - 4, "]");
	t_row_checked(__LINE__, want, n, "[%-5000s]", "left");
	n = t_pad(want, "[-", '0', W - 1, "3]");
	t_row_checked(__LINE__, want, n, "[%.5000d]", -3);
	n = t_pad(want, "[", ' ', W - 4, "1.50]");
	t_row_checked(__LINE__, want, n, "[%5000.2f]", 1.5);
	n = t_pad(want, "[1.50", ' ', W - 4, "]");
	t_row_checked(__LINE__, want, n, "[%-5000.2f]", 1.5);
	n = t_pad(want, "[0.5", '0', W - 1, "]");
	t_row_checked(__LINE__, want, n, "[%.5000f]", 0.5);
	n = t_pad(want, "[-", '0', W - 6, "3.250]");
	t_row_checked(__LINE__, want, n, "[%05000.3f]", -3.25);
	free(want);
}

/*
 * What ours leaves as it stands (util/printf_small.h): from the % on, the rest of the format is written out and no
 * argument is read. Never a crash, never a wrong type taken: %n writes nothing. And %f beyond 2^64 is printed as
 * the conversion itself, the rest formatted.
 */
static void t_unsupported(void **state)
{
	int n = 12345;
	const char *f;

	f = "%d %y %d";
	T_OWN("1 %y %d", f, 1, 2);
	f = "[%5.2e]|%d";
	T_OWN("[%5.2e]|%d", f, 1.0, 2);
	f = "%a|%d";
	T_OWN("%a|%d", f, 1.0, 5);
	f = "%g";
	T_OWN("%g", f, 1.0);
	f = "x%ny";
	T_OWN("x%ny", f, &n);
	assert_int_equal(n, 12345);
	f = "%ls";
	T_OWN("%ls", f, L"wide");
	f = "%lc";
	T_OWN("%lc", f, 0x263a);
	f = "%Lf";
	T_OWN("%Lf", f, 1.0L);
	f = "%hf|%jf";
	T_OWN("%hf|%jf", f, 1.0);
	f = "%zs";
	T_OWN("%zs", f, "x");
	f = "%lp";
	T_OWN("%lp", f, f);
	f = "%1$d";
	T_OWN("%1$d", f, 5);
	f = "abc%";
	T_OWN("abc%", f);
	f = "a%-5";
	T_OWN("a%-5", f);
	f = "%.2f|%d";
	T_OWN("%.2f|7", f, 1e20, 7);
	f = "%f|%F|%.0f";
	T_OWN("%f|%F|%.0f", f, 18446744073709551616.0, -1e300, 1.7976931348623157e308);
	f = "[%5%]";
	T_OWN("[%]", f);
}

/* pf_vsnprintf with the arguments in the call, unchecked: the formats below are extreme on purpose. */
static int t_sn(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pf_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

/*
 * Past INT_MAX the C library returns -1 (glibc and musl also set errno to EOVERFLOW; ours leaves errno alone): a
 * width of INT_MAX is the most, and is only counted once the buffer is full, never written byte by byte.
 */
static void t_int_max(void **state)
{
	char buf[8];

	assert_int_equal(t_sn(buf, sizeof(buf), "%2147483647d", 1), INT_MAX);
	assert_string_equal(buf, "       ");
	assert_int_equal(t_sn(buf, sizeof(buf), "%2147483647dx", 1), -1);
	assert_int_equal(t_sn(buf, sizeof(buf), "x%2147483647d", 1), -1);
	assert_int_equal(t_sn(buf, sizeof(buf), "%2147483648d", 1), -1);
	assert_int_equal(t_sn(buf, sizeof(buf), "%99999999999999999999d", 1), -1);
	assert_int_equal(t_sn(buf, sizeof(buf), "%.2147483647d", 1), INT_MAX);
	assert_int_equal(t_sn(buf, sizeof(buf), "%.2147483648d", 1), -1);
	assert_int_equal(t_sn(buf, sizeof(buf), "%*d", INT_MIN, 1), -1);
	assert_int_equal(t_sn(buf, sizeof(buf), "%.*s|", INT_MAX, "ab"), 3);
	assert_string_equal(buf, "ab|");
	assert_int_equal(t_sn(buf, 0, "%2147483647s", ""), INT_MAX);
}

/* The C library's names lead to ours where SSHTUN_SMALL_PRINTF defines them (%a is left as it stands), printf too. */
static void t_linked(void **state)
{
	char buf[32];
	char path[] = "/tmp/sshtun-printf-XXXXXX";
	int fd, saved;

	T_NEED(SSHTUN_SMALL_PRINTF);
	assert_int_equal(snprintf(buf, sizeof(buf), "%a|%d", 1.0, 5), 5);
	assert_string_equal(buf, "%a|%d");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(fflush(stdout), 0);
	saved = dup(1);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 1), 1);
	assert_int_equal(printf("%s %d|%a", "x", 1, 2.0), 6);
	assert_int_equal(fflush(stdout), 0);
	assert_int_equal(dup2(saved, 1), 1);
	close(saved);
	assert_int_equal(t_read_back(fd, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "x 1|%a", 6);
	close(fd);
}

#if defined(__GLIBC__) && !SSHTUN_SMALL_PRINTF && ULONG_MAX == UINT64_MAX && SIZE_MAX == UINT64_MAX
/* xorshift64*: the random formats are the same on every run. */
static uint64_t t_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/* fmt with its arguments, from ours and from glibc, whole and cut to size: the same text and return value. */
static void t_both(size_t size, const char *fmt, ...)
{
	char a[512], b[512];
	va_list ap, aq;
	int ra, rb;

	va_start(ap, fmt);
	va_copy(aq, ap);
	ra = pf_vsnprintf(a, sizeof(a), fmt, aq);
	va_end(aq);
	va_copy(aq, ap);
	rb = vsnprintf(b, sizeof(b), fmt, aq);
	va_end(aq);
	if (ra != rb || strcmp(a, b) != 0) {
		fail_msg("\"%s\": ours \"%s\" (%d), glibc's \"%s\" (%d)", fmt, a, ra, b, rb);
	}
	memset(a, '#', sizeof(a));
	memset(b, '#', sizeof(b));
	va_copy(aq, ap);
	ra = pf_vsnprintf(a, size, fmt, aq);
	va_end(aq);
	rb = vsnprintf(b, size, fmt, ap);
	va_end(ap);
	if (ra != rb || memcmp(a, b, sizeof(a)) != 0) {
		fail_msg("\"%s\" in %zu bytes: ours \"%.*s\", glibc's \"%.*s\"", fmt, size, (int)size, a, (int)size, b);
	}
}

/* A random integer: an edge value, or random bits of a random width with a random sign. */
static uint64_t t_rand_int(uint64_t *s)
{
	static const uint64_t edge[] = { 0, 1, 7, 8, 9, 10, 15, 16, 99, 100, 127, 128, 255, 256, 32767, 32768, 65535,
		INT_MAX, (uint64_t)INT_MAX + 1, UINT_MAX, (uint64_t)LLONG_MAX, (uint64_t)LLONG_MAX + 1, UINT64_MAX };
	uint64_t r = t_rand(s), v;

	if (r % 4 == 0) {
		v = edge[(r >> 8) % (sizeof(edge) / sizeof(edge[0]))];
	} else {
		v = t_rand(s) >> ((r >> 8) % 64);
	}
	return ((r >> 16) & 1) ? 0 - v : v;
}

/*
 * A random double below 2^64 (%f's range, util/printf_small.c): random bits with an exponent from 2^-11 to 2^63,
 * tiny ones (from 2^-12 down to subnormals), halfway cases (k / 2^j), zeros, infinities and NaNs.
 */
static double t_rand_double(uint64_t *s)
{
	uint64_t r = t_rand(s), bits;
	double x;

	switch (r % 8) {
	case 0:
		x = (double)(t_rand(s) >> (12 + (r >> 8) % 52)) / (double)(UINT64_C(1) << (r >> 16) % 12);
		break;
	case 1:
		bits = (uint64_t)(1023 - 12 - (r >> 8) % 1012) << 52 | (t_rand(s) >> 12);
		memcpy(&x, &bits, sizeof(x));
		break;
	case 2:
		x = (r >> 8) % 4 == 0 ? INFINITY : (r >> 8) % 4 == 1 ? NAN : 0.0;
		break;
	default:
		bits = (uint64_t)(1023 - 11 + (r >> 8) % 75) << 52 | (t_rand(s) >> 12);
		memcpy(&x, &bits, sizeof(x));
		break;
	}
	return ((r >> 20) & 1) ? -x : x;
}

/* t_both with 0, 1 or 2 of star's values before the argument (for the *s in the format). */
#define T_BOTH(size, fmt, nstar, star, arg)                                          \
	do {                                                                           \
		if ((nstar) == 0) {                                                    \
			t_both(size, fmt, arg);                                        \
		} else if ((nstar) == 1) {                                             \
			t_both(size, fmt, (star)[0], arg);                             \
		} else {                                                               \
			t_both(size, fmt, (star)[0], (star)[1], arg);                  \
		}                                                                      \
	} while (0)

/* Many random formats: flags, widths and precisions (digits or *), lengths, the conversions, against glibc. */
static void t_random(void **state)
{
	static const char convs[] = "diuxXocsfF", flags[] = "-0+ #";
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z", "j", "t" };
	static const char *const strs[] = { "", "a", "abc", "sshtun", "a longer string of forty characters...." };
	uint64_t s = UINT64_C(0x5eed5eed12345678);

	for (int i = 0; i < 200000; i++) {
		char fmt[48], *p = fmt;
		uint64_t r = t_rand(&s);
		char conv = convs[r % (sizeof(convs) - 1)];
		const char *len = "";
		int nstar = 0, star[2] = { 0, 0 }, numeric = strchr("diuxXo", conv) != NULL;
		int fp = conv == 'f' || conv == 'F';
		double x = fp ? t_rand_double(&s) : 0.0;
		size_t size;

		*p++ = '%';
		for (int k = 0; k < 5; k++) {
			/* only the flags C defines for the conversion: '0' for numbers, '#' for o x X f F */
			if (((r >> (8 + k)) & 1) && (flags[k] != '0' || numeric || fp) &&
				(flags[k] != '#' || strchr("oxXfF", conv) != NULL)) {
				*p++ = flags[k];
			}
		}
		if (((r >> 13) & 3) == 1) {
			p += sprintf(p, "%u", (unsigned)((r >> 16) % 30));
		} else if (((r >> 13) & 3) == 2) {
			*p++ = '*';
			star[nstar++] = (int)((r >> 16) % 61) - 30;
		}
		r = t_rand(&s);
		if (conv != 'c' && (r & 3) == 1) {
			p += sprintf(p, ".%u", (unsigned)((r >> 8) % (fp ? 41 : 30)));
		} else if (conv != 'c' && (r & 3) == 2) {
			*p++ = '.';
			*p++ = '*';
			star[nstar++] = (int)((r >> 8) % 34) - 4;
		} else if (conv != 'c' && !fp && (r & 3) == 3) {
			*p++ = '.';
		}
		if (numeric) {
			len = lens[(r >> 16) % 8];
		} else if (fp && ((r >> 19) & 1)) {
			len = "l";
		}
		sprintf(p, "%s%c", len, conv);
		size = (size_t)((r >> 24) % 48);
		if (fp) {
			T_BOTH(size, fmt, nstar, star, x);
		} else if (numeric && (len[0] == 'l' || len[0] == 'z' || len[0] == 'j' || len[0] == 't')) {
			T_BOTH(size, fmt, nstar, star, t_rand_int(&s));	/* all 64 bits here (see the #if) */
		} else if (numeric) {
			T_BOTH(size, fmt, nstar, star, (int)t_rand_int(&s));	/* hh and h take an int too */
		} else if (conv == 'c') {
			T_BOTH(size, fmt, nstar, star, (int)(t_rand(&s) % 255) + 1);
		} else {
			T_BOTH(size, fmt, nstar, star, strs[t_rand(&s) % 5]);
		}
	}
}
#else
/* The reference is a 64-bit glibc's printf, apart from ours: not in this build. */
static void t_random(void **state)
{
	skip();
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_table),
		cmocka_unit_test(t_long),
		cmocka_unit_test(t_unsupported),
		cmocka_unit_test(t_int_max),
		cmocka_unit_test(t_linked),
		cmocka_unit_test(t_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
