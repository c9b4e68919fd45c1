/* sshtun: the one bounds-checked reader and the growable writer for the SSH wire format (RFC 4251 5). */
#ifndef UTIL_WIRE_H
#define UTIL_WIRE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reader: a view over caller memory. Every get checks bounds before it forms a
 * pointer. The first failure is sticky: r->err keeps it and every later get
 * fails with it and zeroes its outputs, so a caller may parse a whole message
 * and check once, with wire_end() or wire_err().
 * Strings come back as views into the buffer (never allocated, not NUL-terminated).
 */
struct wire_r {
	const uint8_t *p;
	size_t len;
	size_t pos;
	int err;	/* 0 or the first SSHTUN_ERR_* */
};

/* A view of bytes: (p, n). p is never NULL after a successful get (points into the buffer). */
struct wire_view {
	const uint8_t *p;
	size_t n;
};

void wire_r_init(struct wire_r *r, const void *p, size_t len);
size_t wire_left(const struct wire_r *r);
int wire_err(const struct wire_r *r);
/* 0 if no error and every byte was consumed; else the sticky error or SSHTUN_ERR_TRAILING. */
int wire_end(struct wire_r *r);
/* Marks the reader failed with err (if not already failed); returns the sticky error. */
int wire_fail(struct wire_r *r, int err);

int wire_get_u8(struct wire_r *r, uint8_t *out);
/* boolean: any non-zero byte is true (RFC 4251 5). */
int wire_get_bool(struct wire_r *r, int *out);
int wire_get_u32(struct wire_r *r, uint32_t *out);
int wire_get_u64(struct wire_r *r, uint64_t *out);
/* Little-endian / host fields for non-SSH formats (netlink). */
int wire_get_u16le(struct wire_r *r, uint16_t *out);
int wire_get_u32le(struct wire_r *r, uint32_t *out);
/* n raw bytes as a view. */
int wire_get_raw(struct wire_r *r, size_t n, struct wire_view *out);
/* n raw bytes copied into out. */
int wire_get_bytes(struct wire_r *r, void *out, size_t n);
/* Skips n bytes. */
int wire_skip(struct wire_r *r, size_t n);
/* string: uint32 length, then bytes; length capped at WIRE_MAX_STRING. */
int wire_get_string(struct wire_r *r, struct wire_view *out);
/* string that must be exactly n bytes long (keys, signatures). */
int wire_get_string_exact(struct wire_r *r, void *out, size_t n);
/* string that must not contain NUL; copied NUL-terminated into out[outlen] (TOO_LONG if it does not fit). */
int wire_get_cstring(struct wire_r *r, char *out, size_t outlen);
/* string as a nested reader (for blobs that hold SSH encodings). */
int wire_get_sub(struct wire_r *r, struct wire_r *sub);
/*
 * mpint (RFC 4251 5): two's complement. Refuses negative numbers (flag
 * neg_ok=0), non-minimal encodings (a needless leading 0x00, or 0xff) and values
 * over WIRE_MAX_MPINT bytes. The view is the magnitude without a leading zero
 * (n == 0 for zero).
 */
int wire_get_mpint(struct wire_r *r, struct wire_view *out);
/*
 * name-list: a string of comma-separated names, each 1..WIRE_MAX_NAME printable
 * US-ASCII bytes without commas; an empty list is allowed. The view is the whole
 * list; iterate with wire_namelist_next().
 */
int wire_get_namelist(struct wire_r *r, struct wire_view *out);
/*
 * Iterates a validated name-list: on each call sets *name to the next name and
 * returns 1, or returns 0 at the end. *pos starts at 0.
 */
int wire_namelist_next(const struct wire_view *list, size_t *pos, struct wire_view *name);
/* 1 if the list contains exactly name (a NUL-terminated string). */
int wire_namelist_has(const struct wire_view *list, const char *name);
/* 1 if the view equals the NUL-terminated string s. */
int wire_view_eq(const struct wire_view *v, const char *s);

/*
 * Writer: either growable (heap, capped at max) or fixed over caller memory.
 * Errors are sticky like the reader's. wire_w_free() wipes the memory, since
 * writers carry secrets (kex, signatures).
 */
struct wire_w {
	uint8_t *p;
	size_t len;
	size_t cap;
	size_t max;
	int fixed;
	int err;
};

/* Growable writer, capped at max bytes (0: WIRE_MAX_BUFFER). Allocates lazily. */
void wire_w_init(struct wire_w *w, size_t max);
/* Fixed writer over caller memory; never allocates. */
void wire_w_init_fixed(struct wire_w *w, void *buf, size_t cap);
/* Wipes and frees a growable writer (no-op for memory of a fixed one, which is wiped). */
void wire_w_free(struct wire_w *w);
/* Drops the contents (wiping them) but keeps the memory. */
void wire_w_reset(struct wire_w *w);
int wire_w_err(const struct wire_w *w);
/* Makes room for n more bytes and returns a pointer to them (len advanced), or NULL on failure. */
uint8_t *wire_put_space(struct wire_w *w, size_t n);

int wire_put_u8(struct wire_w *w, uint8_t v);
int wire_put_bool(struct wire_w *w, int v);
int wire_put_u32(struct wire_w *w, uint32_t v);
int wire_put_u64(struct wire_w *w, uint64_t v);
int wire_put_raw(struct wire_w *w, const void *p, size_t n);
int wire_put_string(struct wire_w *w, const void *p, size_t n);
int wire_put_cstring(struct wire_w *w, const char *s);
/* mpint from an unsigned big-endian magnitude: strips leading zeros, adds 0x00 if the top bit is set. */
int wire_put_mpint(struct wire_w *w, const void *mag, size_t n);
/* name-list from a NUL-terminated comma-separated string (checked like the reader does). */
int wire_put_namelist(struct wire_w *w, const char *list);

/* Big-endian helpers for code that fills headers in place (packet framing). */
static inline uint32_t wire_peek_u32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void wire_poke_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
