/* sshtun: glob matching without recursion (linear backtracking on the last '*'). */
#include "util/match.h"

int match_glob(const char *s, size_t n, const char *pat)
{
	size_t si = 0, star_s = 0;
	const char *star_p = 0;

	while (si < n) {
		if (*pat == '*') {
			star_p = ++pat;
			star_s = si;
		} else if (*pat && (*pat == '?' || *pat == s[si])) {
			pat++;
			si++;
		} else if (star_p) {
			pat = star_p;
			si = ++star_s;
		} else {
			return 0;
		}
	}
	while (*pat == '*') {
		pat++;
	}
	return *pat == '\0';
}
