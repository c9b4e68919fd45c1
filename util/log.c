/* sshtun: logging through a callback. */
#include "util/log.h"

#include <stdio.h>

void lg_vprintf(const struct lg *l, int level, const char *fmt, va_list ap)
{
	char line[1024];

	if (!lg_on(l, level)) {
		return;
	}
	vsnprintf(line, sizeof(line), fmt, ap);
	l->fn(l->ud, level, line);
}

void lg_printf(const struct lg *l, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lg_vprintf(l, level, fmt, ap);
	va_end(ap);
}

void lg_sanitize(char *out, unsigned long outlen, const void *in, unsigned long inlen)
{
	const unsigned char *p = in;
	unsigned long i;

	if (outlen == 0) {
		return;
	}
	for (i = 0; i < inlen && i + 1 < outlen; i++) {
		out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	}
	out[i] = '\0';
}

void lg_sanitize_lines(char *out, unsigned long outlen, const void *in, unsigned long inlen)
{
	const unsigned char *p = in;
	unsigned long i, o = 0;

	if (outlen == 0) {
		return;
	}
	for (i = 0; i < inlen && o + 1 < outlen; i++) {
		if (p[i] == '\r') {
			continue;
		}
		out[o++] = p[i] == '\n' ? '\n' : p[i] == '\t' ? ' ' : (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	}
	out[o] = '\0';
}
