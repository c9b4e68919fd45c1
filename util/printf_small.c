/*
 * sshtun: a small printf of our own, for the smallest static programs (issue 17). musl's vfprintf.o is 7.2 KB and
 * pulls in its long double and wide-character helpers (frexpl, __fpclassifyl, __signbitl; wctomb, wcrtomb for %lc
 * and %ls): 8.5 KB of the x86-64 program, for a program whose formats are few. util/printf_small.h lists what this
 * one formats, which is every form sshtun's sources use (tests/unit/test_printf_small.c holds it against glibc's
 * printf). The core (pf_*) is compiled in every build, so that the test runs in the default one too; the C
 * library's names are defined only with SSHTUN_SMALL_PRINTF (util/features.h), where a static link takes them
 * from libsshtun.a before it looks in libc.a, and musl's vfprintf.lo is never linked (4 KB here instead).
 */
#include "util/printf_small.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "util/features.h"

enum {
	PF_LEFT = 1,	/* '-': pad on the right */
	PF_ZERO = 2,	/* '0': pad with zeros after the sign or 0x */
	PF_PLUS = 4,	/* '+': a sign on positive numbers too */
	PF_SPACE = 8,	/* ' ': a space where a positive number has no sign */
	PF_ALT = 16	/* '#': 0x before hexadecimal, a leading 0 in octal, the point in %.0f */
};

/* 32-bit words of a double's fraction: its bits go down to 2^-1074 (a subnormal's last). */
#define PF_LIMBS 34

/*
 * Where the text goes: buf, and when it is full either nowhere (snprintf: only counted on) or to file or fd, after
 * which buf takes the next piece. total counts the whole text, and stops at INT_MAX (err then: the call returns -1).
 */
struct pf_out {
	char *buf;
	size_t cap;	/* bytes buf holds: snprintf's size less the NUL's place */
	size_t used;
	size_t total;
	FILE *file;
	int fd;		/* -1: none */
	int err;	/* the text exceeds INT_MAX, or writing it failed */
};

/* Hands buf's bytes to the file or descriptor. After a failure nothing more is written (the call returns -1). */
static void pf_flush(struct pf_out *o)
{
	const char *p = o->buf;
	size_t n = o->used;

	o->used = 0;
	if (o->err || n == 0) {
		return;
	}
	if (o->file != NULL) {
		if (fwrite(p, 1, n, o->file) != n) {
			o->err = 1;
		}
		return;
	}
	while (n > 0) {
		ssize_t w = write(o->fd, p, n);

		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			o->err = 1;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* n bytes of s, or n times the byte c when s is NULL (padding: a width of INT_MAX costs no loop per byte). */
static void pf_emit(struct pf_out *o, const char *s, char c, size_t n)
{
	if (n > (size_t)INT_MAX - o->total) {
		o->err = 1;
		n = (size_t)INT_MAX - o->total;
	}
	o->total += n;
	while (n > 0) {
		size_t k = o->cap - o->used;

		if (k == 0) {
			if (o->file == NULL && o->fd < 0) {
				return;	/* snprintf's buffer is full: the rest is only counted */
			}
			pf_flush(o);
			k = o->cap;
		}
		if (k > n) {
			k = n;
		}
		if (s != NULL) {
			memcpy(o->buf + o->used, s, k);
			s += k;
		} else {
			memset(o->buf + o->used, c, k);
		}
		o->used += k;
		n -= k;
	}
}

/*
 * Starts a conversion whose text after pre (a sign, 0x) is len bytes long: the padding to width w, spaces before
 * pre or, with PF_ZERO (which the caller leaves set only where C says it applies), zeros after it; and pre.
 * Returns the spaces still to come after the text (PF_LEFT).
 */
static size_t pf_start(struct pf_out *o, int fl, size_t w, const char *pre, size_t len)
{
	size_t npre = strlen(pre), pad = w > npre + len ? w - npre - len : 0;

	if (!(fl & (PF_LEFT | PF_ZERO))) {
		pf_emit(o, NULL, ' ', pad);
	}
	pf_emit(o, pre, 0, npre);
	if ((fl & (PF_LEFT | PF_ZERO)) == PF_ZERO) {
		pf_emit(o, NULL, '0', pad);
	}
	return (fl & PF_LEFT) ? pad : 0;
}

/* A whole conversion: pre, zeros (a precision's), the n bytes of body, padded to w. */
static void pf_field(struct pf_out *o, int fl, size_t w, const char *pre, size_t zeros, const char *body, size_t n)
{
	size_t after = pf_start(o, fl, w, pre, zeros + n);

	pf_emit(o, NULL, '0', zeros);
	pf_emit(o, body, 0, n);
	pf_emit(o, NULL, ' ', after);
}

/* v's digits in base (8, 10, 16), written backwards ending at end; returns where they start. */
static char *pf_digits(char *end, uintmax_t v, unsigned base, int upper)
{
	const char *xd = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		*--end = xd[v % base];
		v /= base;
	} while (v != 0);
	return end;
}

/* The fraction in l (n words, l[0] the first 32 bits after the point) times ten: returns the digit that carries out. */
static unsigned pf_times10(uint32_t *l, int n)
{
	uint64_t t = 0;

	while (n-- > 0) {
		t = (uint64_t)l[n] * 10 + (t >> 32);
		l[n] = (uint32_t)t;
	}
	return (unsigned)(t >> 32);
}

/*
 * %f and %F: x with prec digits after the point, rounded to nearest, ties to even (as glibc and musl round in the
 * default rounding mode). Worked out from the double's bits in integers, no floating-point arithmetic: the integer
 * part in 64 bits, the fraction (at most 1074 bits) as 32-bit words, whose decimal digits come one by one as the
 * carry of times ten. Exact, digit for digit as glibc prints them, at every precision, for every |x| < 2^64 (sshtun
 * prints ratios and rates with 1 to 3 digits); beyond 2^64, returns 0 and the caller writes the conversion as it
 * stands. Infinity and NaN print as inf and nan (INF, NAN for %F), with their sign. Returns 1 when printed.
 */
static int pf_float(struct pf_out *o, double x, int fl, size_t w, size_t prec, int upper)
{
	uint32_t l[PF_LIMBS] = { 0 }, c[PF_LIMBS];
	char idig[20], *id, dig[16];
	const char *pre = "";
	uint64_t bits, mant, ip;
	int e, sh, n = 0, up, j;
	size_t nd, k, last = 0, after, m;	/* last: 1 + the place of the last digit that is not a 9 (0: none) */
	unsigned d = 0;

	memcpy(&bits, &x, sizeof(bits));
	mant = bits & ((UINT64_C(1) << 52) - 1);
	e = (int)(bits >> 52) & 0x7ff;
	if (bits >> 63) {
		pre = "-";
	} else if (fl & PF_PLUS) {
		pre = "+";
	} else if (fl & PF_SPACE) {
		pre = " ";
	}
	if (e == 0x7ff) {
		pf_field(o, fl & PF_LEFT, w, pre, 0, mant ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"), 3);
		return 1;
	}
	/* |x| = mant * 2^-sh, with the implicit bit for normal numbers (e 0: subnormal, as e 1). */
	if (e != 0) {
		mant |= UINT64_C(1) << 52;
	} else {
		e = 1;
	}
	sh = 1075 - e;
	if (sh < -11) {
		return 0;	/* mant < 2^53 shifted by at most 11 stays under 2^64 */
	}
	ip = sh <= 0 ? mant << -sh : sh < 64 ? mant >> sh : 0;
	if (sh > 0) {
		/* The fraction's bits: mant's bit j is 2^-(sh - j), in word (sh - j - 1) / 32. */
		n = (sh + 31) / 32;
		for (j = 0; j < 53 && j < sh; j++) {
			if ((mant >> j) & 1) {
				l[(sh - j - 1) / 32] |= UINT32_C(1) << (31 - (sh - j - 1) % 32);
			}
		}
	}
	/* An sh-bit fraction has sh decimal digits (2^-sh = 5^sh / 10^sh): past them, zeros. */
	nd = sh > 0 && prec > (size_t)sh ? (size_t)sh : sh > 0 ? prec : 0;
	memcpy(c, l, sizeof(l));
	for (k = 0; k < nd; k++) {
		d = pf_times10(c, n);
		if (d != 9) {
			last = k + 1;
		}
	}
	/* What is left decides: above half up, exactly half to an even last digit. */
	up = c[0] > UINT32_C(1) << 31;
	for (j = 1; !up && c[0] == UINT32_C(1) << 31 && j < n; j++) {
		up = c[j] != 0;
	}
	if (!up && n > 0 && c[0] == UINT32_C(1) << 31) {
		up = (int)((nd > 0 ? d : ip) & 1);
	}
	if (up && last == 0) {
		ip++;	/* every digit a 9 (or none): the carry reaches the integer part, < 2^53 with a fraction */
	}
	id = pf_digits(idig + sizeof(idig), ip, 10, 0);
	m = (size_t)(idig + sizeof(idig) - id);
	after = pf_start(o, fl, w, pre, m + (prec > 0 || (fl & PF_ALT)) + prec);
	pf_emit(o, id, 0, m);
	if (prec > 0 || (fl & PF_ALT)) {
		pf_emit(o, ".", 0, 1);
	}
	/* The digits again, from the start, rounded: the last that is not a 9 one up, the 9s after it zeros. */
	for (k = 0; k < nd; k++) {
		d = pf_times10(l, n);
		if (up && k + 1 >= last) {
			d = k + 1 == last ? d + 1 : 0;
		}
		dig[k % sizeof(dig)] = (char)('0' + d);
		if (k % sizeof(dig) == sizeof(dig) - 1 || k + 1 == nd) {
			pf_emit(o, dig, 0, k % sizeof(dig) + 1);
		}
	}
	pf_emit(o, NULL, '0', prec - nd);
	pf_emit(o, NULL, ' ', after);
	return 1;
}

/* Reads a width or precision's digits, up to INT_MAX + 1: more is an overflow either way (the call returns -1). */
static size_t pf_num(const char **pp)
{
	const char *p = *pp;
	size_t v = 0;

	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (size_t)(*p++ - '0');
		if (v > (size_t)INT_MAX) {
			v = (size_t)INT_MAX + 1;
		}
	}
	*pp = p;
	return v;
}

/* The lengths, numbered densely (a switch on them is a small table). */
enum { PF_INT, PF_HH, PF_H, PF_L, PF_LL, PF_Z, PF_J, PF_T };

/*
 * An integer conversion: v's digits in base, at least prec of them (hasprec; none for 0 at precision 0), after pre
 * (a sign, 0x), padded to w.
 */
static void pf_int(struct pf_out *o, int fl, size_t w, int hasprec, size_t prec, const char *pre, uintmax_t v,
	unsigned base, int upper)
{
	char num[3 * sizeof(uintmax_t)], *end = num + sizeof(num), *d = pf_digits(end, v, base, upper);
	size_t n = (size_t)(end - d), zeros;

	if (hasprec) {
		fl &= ~PF_ZERO;	/* a precision says how many digits: no zero padding beyond */
		if (prec == 0 && v == 0) {
			n = 0;	/* %.0d of 0 is no digit at all */
		}
	}
	zeros = hasprec && prec > n ? prec - n : 0;
	if (base == 8 && (fl & PF_ALT) && zeros == 0 && (n == 0 || *d != '0')) {
		zeros = 1;	/* %#o: the first digit is a 0 */
	}
	pf_field(o, fl, w, pre, zeros, d, n);
}

static void pf_format(struct pf_out *o, const char *fmt, va_list ap)
{
	const char *p = fmt;

	for (;;) {
		const char *lit = p, *spec, *s, *pre = "";
		int fl = 0, len = PF_INT, hasprec = 0, a;
		size_t w, prec = 0;
		uintmax_t v;
		char c;

		while (*p != '\0' && *p != '%') {
			p++;
		}
		pf_emit(o, lit, 0, (size_t)(p - lit));
		if (*p == '\0') {
			return;
		}
		spec = p++;
		for (;; p++) {
			if (*p == '-') {
				fl |= PF_LEFT;
			} else if (*p == '0') {
				fl |= PF_ZERO;
			} else if (*p == '+') {
				fl |= PF_PLUS;
			} else if (*p == ' ') {
				fl |= PF_SPACE;
			} else if (*p == '#') {
				fl |= PF_ALT;
			} else {
				break;
			}
		}
		if (*p == '*') {
			p++;
			a = va_arg(ap, int);
			if (a < 0) {
				fl |= PF_LEFT;	/* a negative width is a '-' flag and the width */
				w = (size_t)(0u - (unsigned)a);
			} else {
				w = (size_t)a;
			}
		} else {
			w = pf_num(&p);
		}
		if (*p == '.') {
			p++;
			hasprec = 1;
			if (*p == '*') {
				p++;
				a = va_arg(ap, int);
				hasprec = a >= 0;	/* a negative precision is none */
				prec = a >= 0 ? (size_t)a : 0;
			} else {
				prec = pf_num(&p);
			}
		}
		if (*p == 'h') {
			len = p[1] == 'h' ? PF_HH : PF_H;
		} else if (*p == 'l') {
			len = p[1] == 'l' ? PF_LL : PF_L;
		} else if (*p == 'z') {
			len = PF_Z;
		} else if (*p == 'j') {
			len = PF_J;
		} else if (*p == 't') {
			len = PF_T;
		}
		p += len == PF_INT ? 0 : len == PF_HH || len == PF_LL ? 2 : 1;
		c = *p;
		if (c == '%') {
			pf_emit(o, "%", 0, 1);
		} else if (c == 'd' || c == 'i') {
			intmax_t sv;

			switch (len) {
			case PF_HH: sv = (signed char)va_arg(ap, int); break;
			case PF_H: sv = (short)va_arg(ap, int); break;
			case PF_L: sv = va_arg(ap, long); break;
			case PF_LL: sv = va_arg(ap, long long); break;
			case PF_Z: sv = va_arg(ap, ssize_t); break;
			case PF_J: sv = va_arg(ap, intmax_t); break;
			case PF_T: sv = va_arg(ap, ptrdiff_t); break;
			default: sv = va_arg(ap, int); break;
			}
			pre = sv < 0 ? "-" : (fl & PF_PLUS) ? "+" : (fl & PF_SPACE) ? " " : "";
			pf_int(o, fl, w, hasprec, prec, pre, sv < 0 ? 0 - (uintmax_t)sv : (uintmax_t)sv, 10, 0);
		} else if (c == 'o' || c == 'u' || c == 'x' || c == 'X') {
			switch (len) {
			case PF_HH: v = (unsigned char)va_arg(ap, unsigned); break;
			case PF_H: v = (unsigned short)va_arg(ap, unsigned); break;
			case PF_L: v = va_arg(ap, unsigned long); break;
			case PF_LL: v = va_arg(ap, unsigned long long); break;
			case PF_Z: v = va_arg(ap, size_t); break;
			case PF_J: v = va_arg(ap, uintmax_t); break;
			case PF_T: v = (size_t)va_arg(ap, ptrdiff_t); break;
			default: v = va_arg(ap, unsigned); break;
			}
			if ((fl & PF_ALT) && (c == 'x' || c == 'X') && v != 0) {
				pre = c == 'X' ? "0X" : "0x";
			}
			pf_int(o, fl, w, hasprec, prec, pre, v, c == 'o' ? 8 : c == 'u' ? 10 : 16, c == 'X');
		} else if (c == 'p' && len == PF_INT) {
			v = (uintptr_t)va_arg(ap, const void *);
			if (v == 0) {
				pf_field(o, fl & PF_LEFT, w, "", 0, "(nil)", 5);	/* glibc's, whatever the precision */
			} else {
				pf_int(o, fl, w, hasprec, prec, "0x", v, 16, 0);
			}
		} else if (c == 'c' && len == PF_INT) {
			c = (char)va_arg(ap, int);
			pf_field(o, fl & PF_LEFT, w, "", 0, &c, 1);
		} else if (c == 's' && len == PF_INT) {
			s = va_arg(ap, const char *);
			if (s == NULL) {
				s = hasprec && prec < 6 ? "" : "(null)";	/* glibc's: (null) whole or not at all */
			}
			pf_field(o, fl & PF_LEFT, w, "", 0, s, hasprec ? strnlen(s, prec) : strlen(s));
		} else if ((c == 'f' || c == 'F') && (len == PF_INT || len == PF_L)) {
			/* %lf is %f; a value beyond pf_float's range is written as the conversion itself */
			if (!pf_float(o, va_arg(ap, double), fl, w, hasprec ? prec : 6, c == 'F')) {
				pf_emit(o, spec, 0, (size_t)(p + 1 - spec));
			}
		} else {
			/* The argument's type is unknown: the rest of the format is written as it is, no argument read. */
			pf_emit(o, spec, 0, strlen(spec));
			return;
		}
		p++;
	}
}

int pf_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct pf_out o = { buf, size > 0 ? size - 1 : 0, 0, 0, NULL, -1, 0 };

	pf_format(&o, fmt, ap);
	if (size > 0) {
		buf[o.used] = '\0';
	}
	return o.err ? -1 : (int)o.total;
}

/* To a file or descriptor, through a buffer that holds a usual log line whole (one write for stderr's). */
static int pf_vout(FILE *f, int fd, const char *fmt, va_list ap)
{
	char chunk[1024];
	struct pf_out o = { chunk, sizeof(chunk), 0, 0, f, fd, 0 };

	pf_format(&o, fmt, ap);
	pf_flush(&o);
	return o.err ? -1 : (int)o.total;
}

int pf_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	return pf_vout(f, -1, fmt, ap);
}

int pf_vdprintf(int fd, const char *fmt, va_list ap)
{
	return fd < 0 ? -1 : pf_vout(NULL, fd, fmt, ap);
}

#if SSHTUN_SMALL_PRINTF
/*
 * The C library's names, for a static program (util/features.h): every printf-family function that sshtun and the
 * parts of musl it links call, so that the link takes nothing of musl's vfprintf. (sprintf and vsprintf are not
 * called; musl's would call vsnprintf, this one, anyway.)
 */
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	return pf_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pf_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	return pf_vfprintf(f, fmt, ap);
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pf_vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	return pf_vfprintf(stdout, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pf_vfprintf(stdout, fmt, ap);
	va_end(ap);
	return r;
}

int vdprintf(int fd, const char *restrict fmt, va_list ap)
{
	return pf_vdprintf(fd, fmt, ap);
}

int dprintf(int fd, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pf_vdprintf(fd, fmt, ap);
	va_end(ap);
	return r;
}
#endif
