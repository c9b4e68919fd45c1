/* sshtun: glob patterns as ssh uses them ('*' and '?'), for Host lines and algorithm lists. */
#ifndef UTIL_MATCH_H
#define UTIL_MATCH_H

#include <stddef.h>

/* 1 if the n bytes of s match the NUL-terminated pattern pat ('*' any run, '?' one byte). Case-sensitive. */
int match_glob(const char *s, size_t n, const char *pat);

#endif
