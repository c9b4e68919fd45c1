/* sshtun: the one glob matcher (linear backtracking on the last '*', no recursion). */
#include "util/match.h"

#include <string.h>

static unsigned char match_fold(unsigned char c, int nocase)
{
	return nocase && c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

int match_glob_n(const char *s, size_t n, const char *pat, size_t patn, int nocase)
{
	size_t si = 0, pi = 0, star_p = 0, star_s = 0;
	int have_star = 0;

	while (si < n) {
		if (pi < patn && pat[pi] == '*') {
			have_star = 1;
			star_p = ++pi;	/* where the pattern resumes after the star */
			star_s = si;
		} else if (pi < patn && (pat[pi] == '?' ||
			   match_fold((unsigned char)pat[pi], nocase) == match_fold((unsigned char)s[si], nocase))) {
			pi++;
			si++;
		} else if (have_star) {
			/* Let the last star swallow one more byte and retry from there. */
			pi = star_p;
			si = ++star_s;
		} else {
			return 0;
		}
	}
	while (pi < patn && pat[pi] == '*') {
		pi++;
	}
	return pi == patn;
}

int match_glob(const char *s, size_t n, const char *pat)
{
	return match_glob_n(s, n, pat, strlen(pat), 0);
}
