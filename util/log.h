/* sshtun: logging through a callback on the context (the library never prints). */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

#include <stdarg.h>

/* Levels: ERROR and WARN always reach the callback; the DEBUG levels match ssh's -v, -vv, -vvv. */
enum {
	LG_ERROR = 0,
	LG_WARN = 1,
	LG_INFO = 2,
	LG_DEBUG1 = 3,
	LG_DEBUG2 = 4,
	LG_DEBUG3 = 5
};

typedef void (*lg_fn)(void *ud, int level, const char *msg);

struct lg {
	lg_fn fn;	/* NULL: discard */
	void *ud;
	int level;	/* highest level passed on */
};

/* Formats one line (no trailing newline) and passes it to l->fn if level <= l->level. l may be NULL. */
void lg_printf(const struct lg *l, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void lg_vprintf(const struct lg *l, int level, const char *fmt, va_list ap);

static inline int lg_on(const struct lg *l, int level)
{
	return l && l->fn && level <= l->level;
}

#define LG_E(l, ...) lg_printf((l), LG_ERROR, __VA_ARGS__)
#define LG_W(l, ...) lg_printf((l), LG_WARN, __VA_ARGS__)
#define LG_I(l, ...) lg_printf((l), LG_INFO, __VA_ARGS__)
#define LG_D1(l, ...) do { if (lg_on((l), LG_DEBUG1)) lg_printf((l), LG_DEBUG1, __VA_ARGS__); } while (0)
#define LG_D2(l, ...) do { if (lg_on((l), LG_DEBUG2)) lg_printf((l), LG_DEBUG2, __VA_ARGS__); } while (0)
#define LG_D3(l, ...) do { if (lg_on((l), LG_DEBUG3)) lg_printf((l), LG_DEBUG3, __VA_ARGS__); } while (0)

/* Makes untrusted text printable: copies at most outlen-1 bytes, replacing control and non-ASCII bytes by '?'. */
void lg_sanitize(char *out, unsigned long outlen, const void *in, unsigned long inlen);
/* The same, but line ends stay (\r is dropped, a tab becomes a space): for text meant to be shown as lines. */
void lg_sanitize_lines(char *out, unsigned long outlen, const void *in, unsigned long inlen);

#endif
