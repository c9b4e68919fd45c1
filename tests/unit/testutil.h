/* sshtun: shared includes for the cmocka unit tests. */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sshtun_err.h"

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

#endif
