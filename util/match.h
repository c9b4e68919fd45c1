/* sshtun: glob patterns as ssh uses them ('*' and '?'), for Host lines, known_hosts and algorithm lists. */
#ifndef UTIL_MATCH_H
#define UTIL_MATCH_H

#include <stddef.h>

/*
 * 1 if the n bytes of s match the patn bytes of pat, else 0. '*' matches any run
 * of bytes (also none), '?' exactly one; every other byte matches itself, or with
 * nocase its ASCII upper/lower-case other. Neither string need be NUL-terminated
 * (a NUL byte is an ordinary byte). Linear backtracking on the last '*', no
 * recursion: hostile patterns cannot make it blow up.
 */
int match_glob_n(const char *s, size_t n, const char *pat, size_t patn, int nocase);

/* 1 if the n bytes of s match the NUL-terminated pattern pat. Case-sensitive. */
int match_glob(const char *s, size_t n, const char *pat);

#endif
