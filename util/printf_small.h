/*
 * sshtun: a small printf of our own (util/printf_small.c). With SSHTUN_SMALL_PRINTF (util/features.h) it stands in
 * for the C library's snprintf, fprintf and the rest in a static program; its core, declared here, is compiled in
 * every build so that tests/unit/test_printf_small.c can hold it against the C library's own printf. Nothing else
 * calls these: the code calls snprintf & co. by their standard names.
 *
 * What it formats: flags - 0 + space #; a width and a precision, as digits or *; the lengths hh h l ll z j t; the
 * conversions d i u x X o c s p % and f F (fixed point, exact in the range util/printf_small.c states). Anything
 * else (%e %g %a, %n, %lc %ls, %Lf, positional arguments, a % at the end) is written out as it stands from that %
 * to the end of the format, and no further argument is read: visible, and never a wrong type taken from the list.
 * The return values are the C library's: the length of the whole text, or -1 when it would exceed INT_MAX or a
 * write failed; errno is never set by the formatting itself.
 */
#ifndef UTIL_PRINTF_SMALL_H
#define UTIL_PRINTF_SMALL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* vsnprintf: writes at most size bytes, the text's first size-1 and a NUL (nothing when size is 0). */
int pf_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* vfprintf: to f through fwrite, in pieces of at most 1 KiB. */
int pf_vfprintf(FILE *f, const char *fmt, va_list ap);
/* vdprintf: to the descriptor through write(2). */
int pf_vdprintf(int fd, const char *fmt, va_list ap);

#endif
