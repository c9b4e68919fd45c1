/* sshtun: unit tests for the glob matcher (util/match.c). */
#include "tests/unit/testutil.h"

#include <time.h>

#include "util/match.h"

/* match_glob_n over NUL-terminated subject and pattern. */
static int gn(const char *s, const char *pat, int nocase)
{
	return match_glob_n(s, strlen(s), pat, strlen(pat), nocase);
}

/* Subject, pattern and whether match_glob matches them. */
static const struct {
	const char *s, *pat;
	int want;
} glob_cases[] = {
	{ "abc", "abc", 1 },
	{ "abc", "abd", 0 },
	{ "abc", "ab", 0 },
	{ "ab", "abc", 0 },
	{ "", "", 1 },
	{ "a", "", 0 },
	{ "", "a", 0 },
	{ "ABC", "abc", 0 },	/* match_glob is case-sensitive */
	{ "", "*", 1 },
	{ "", "**", 1 },
	{ "", "?", 0 },
	{ "anything", "*", 1 },
	{ "a", "?", 1 },
	{ "ab", "?", 0 },
	{ "ab", "??", 1 },
	{ "host.example.com", "*.example.com", 1 },
	{ "example.com", "*.example.com", 0 },
	{ "aes128-ctr", "aes*-ctr", 1 },
	{ "aes128-gcm@openssh.com", "aes*-ctr", 0 },
	{ "abc", "a*c", 1 },
	{ "ac", "a*c", 1 },
	{ "abcbd", "a*b?", 1 },	/* needs backtracking past the first 'b' */
	{ "abcbdb", "a*b*b", 1 },
	{ "abcbd", "a*b*b", 0 },
	{ "mississippi", "m*iss*ppi", 1 },
	{ "mississippi", "m*iss*ppix", 0 },
	{ "abc", "*?*?*?*", 1 },
	{ "ab", "*?*?*?*", 0 },
	/* '?' and '*' in the subject are ordinary bytes. */
	{ "a*", "a?", 1 },
	{ "*", "a", 0 },
};

static void test_glob_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(glob_cases) / sizeof(glob_cases[0]); i++) {
		const char *s = glob_cases[i].s, *pat = glob_cases[i].pat;

		if (match_glob(s, strlen(s), pat) != glob_cases[i].want) {
			fail_msg("\"%s\" against \"%s\": want %d", s, pat, glob_cases[i].want);
		}
	}
}

static void test_lengths(void **state)
{
	static const char nul[] = { 'a', '\0', 'b' };
	static const char list[] = "abc,def";

	(void)state;
	/* Only n bytes of the subject count. */
	assert_int_equal(match_glob("abcdef", 3, "abc"), 1);
	assert_int_equal(match_glob("abcdef", 3, "abc*"), 1);
	assert_int_equal(match_glob("abcdef", 3, "abcd"), 0);
	assert_int_equal(match_glob("abc", 0, ""), 1);
	assert_int_equal(match_glob(NULL, 0, "*"), 1);
	/* A NUL byte in the subject is an ordinary byte. */
	assert_int_equal(match_glob(nul, 3, "a?b"), 1);
	assert_int_equal(match_glob(nul, 3, "a*"), 1);
	assert_int_equal(match_glob(nul, 3, "a"), 0);
	/* Only patn bytes of the pattern count: a slice of a list. */
	assert_int_equal(match_glob_n("abc", 3, list, 3, 0), 1);
	assert_int_equal(match_glob_n("def", 3, &list[4], 3, 0), 1);
	assert_int_equal(match_glob_n("abc", 3, list, 2, 0), 0);
	assert_int_equal(match_glob_n("ab", 2, "ab*", 2, 0), 1);
	assert_int_equal(match_glob_n("", 0, "xyz", 0, 0), 1);
	assert_int_equal(match_glob_n("x", 1, "xyz", 0, 0), 0);
	/* A NUL byte in the pattern slice matches only a NUL byte. */
	assert_int_equal(match_glob_n(nul, 3, nul, 3, 0), 1);
	assert_int_equal(match_glob_n("axb", 3, nul, 3, 0), 0);
}

static void test_nocase(void **state)
{
	static const char upper[] = { (char)0xc4, 'X' };	/* Latin-1 A-umlaut, X */
	static const char lower[] = { (char)0xe4, 'x' };

	(void)state;
	assert_int_equal(gn("Host.EXAMPLE.com", "host.example.COM", 1), 1);
	assert_int_equal(gn("Host.EXAMPLE.com", "host.example.COM", 0), 0);
	assert_int_equal(gn("WEB7.Example.org", "web?.*.ORG", 1), 1);
	assert_int_equal(gn("WEB7.Example.org", "web?.*.ORG", 0), 0);
	assert_int_equal(gn("abc", "ABC", 1), 1);
	/* Only ASCII letters fold; '@' and '[' (next to 'A' and 'Z') do not. */
	assert_int_equal(gn("@", "`", 1), 0);
	assert_int_equal(gn("[", "{", 1), 0);
	assert_int_equal(match_glob_n(upper, 2, lower, 2, 1), 0);
	assert_int_equal(match_glob_n(upper + 1, 1, lower + 1, 1, 1), 1);
}

/* Straightforward recursive matcher: the definition the fast one must agree with. */
static int ref_match(const char *s, size_t n, const char *p, size_t pn, int nocase)
{
	if (pn == 0) {
		return n == 0;
	}
	if (p[0] == '*') {
		for (size_t k = 0; k <= n; k++) {
			if (ref_match(s + k, n - k, p + 1, pn - 1, nocase)) {
				return 1;
			}
		}
		return 0;
	}
	if (n == 0) {
		return 0;
	}
	if (p[0] != '?' && p[0] != s[0] &&
	    !(nocase && (p[0] | 0x20) == (s[0] | 0x20) && (s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z')) {
		return 0;
	}
	return ref_match(s + 1, n - 1, p + 1, pn - 1, nocase);
}

/* Writes the idx-th string over alphabet (base len(alphabet), length len) into out. */
static void nth(char *out, size_t len, unsigned idx, const char *alphabet)
{
	size_t na = strlen(alphabet);

	for (size_t i = 0; i < len; i++) {
		out[i] = alphabet[idx % na];
		idx /= (unsigned)na;
	}
}

/* Every pattern up to 4 bytes over {a,B,*,?} against every subject up to 4 bytes over {a,A,b,B}. */
static void test_against_reference(void **state)
{
	char s[4], p[4];
	unsigned checked = 0;

	(void)state;
	for (size_t pl = 0; pl <= 4; pl++) {
		for (unsigned pi = 0; pi < (1u << (2 * pl)); pi++) {
			nth(p, pl, pi, "aB*?");
			for (size_t sl = 0; sl <= 4; sl++) {
				for (unsigned si = 0; si < (1u << (2 * sl)); si++) {
					nth(s, sl, si, "aAbB");
					for (int nc = 0; nc <= 1; nc++) {
						int want = ref_match(s, sl, p, pl, nc);

						if (match_glob_n(s, sl, p, pl, nc) != want) {
							fail_msg("pattern \"%.*s\" subject \"%.*s\" nocase %d: want %d",
								 (int)pl, p, (int)sl, s, nc, want);
						}
						checked++;
					}
				}
			}
		}
	}
	assert_true(checked > 100000);
}

/* Patterns built to make a naive matcher exponential finish at once here. */
static void test_hostile(void **state)
{
	enum { N = 4000 };
	char *s = malloc(N + 1), *p = malloc(2 * N + 2);
	clock_t t0;
	size_t k = 0;

	(void)state;
	assert_non_null(s);
	assert_non_null(p);
	memset(s, 'a', N);
	s[N] = '\0';
	for (int i = 0; i < 30; i++) {
		p[k++] = 'a';
		p[k++] = '*';
	}
	p[k++] = 'b';
	p[k] = '\0';
	t0 = clock();
	assert_int_equal(match_glob(s, N, p), 0);
	assert_int_equal(match_glob_n(s, N, p, k, 1), 0);
	p[k - 1] = 'a';
	assert_int_equal(match_glob(s, N, p), 1);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	free(s);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob_cases),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_nocase),
		cmocka_unit_test(test_against_reference),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
