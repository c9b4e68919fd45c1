/* sshtun: the bounds-checked SSH wire reader and the growable writer. */
#include "util/wire.h"

#include <stdlib.h>
#include <string.h>

#include "sshtun_err.h"
#include "util/limits.h"

void wire_r_init(struct wire_r *r, const void *p, size_t len)
{
	r->p = p;
	r->len = p ? len : 0;
	r->pos = 0;
	r->err = 0;
}

size_t wire_left(const struct wire_r *r)
{
	return r->err ? 0 : r->len - r->pos;
}

int wire_err(const struct wire_r *r)
{
	return r->err;
}

int wire_fail(struct wire_r *r, int err)
{
	if (r->err == 0) {
		r->err = err;
	}
	return r->err;
}

int wire_end(struct wire_r *r)
{
	if (r->err) {
		return r->err;
	}
	if (r->pos != r->len) {
		return wire_fail(r, SSHTUN_ERR_TRAILING);
	}
	return 0;
}

/* The one place that forms a pointer into the buffer: checks n against what is left. */
static const uint8_t *take(struct wire_r *r, size_t n)
{
	const uint8_t *p;

	if (r->err) {
		return NULL;
	}
	if (n > r->len - r->pos) {
		wire_fail(r, SSHTUN_ERR_TRUNCATED);
		return NULL;
	}
	if (!r->p) {
		return (const uint8_t *)"";	/* an empty reader over no memory: a valid zero-length view */
	}
	p = r->p + r->pos;
	r->pos += n;
	return p;
}

int wire_get_u8(struct wire_r *r, uint8_t *out)
{
	const uint8_t *p = take(r, 1);

	*out = p ? p[0] : 0;
	return r->err;
}

int wire_get_bool(struct wire_r *r, int *out)
{
	uint8_t v = 0;

	wire_get_u8(r, &v);
	*out = v != 0;
	return r->err;
}

int wire_get_u32(struct wire_r *r, uint32_t *out)
{
	const uint8_t *p = take(r, 4);

	*out = p ? wire_peek_u32(p) : 0;
	return r->err;
}

int wire_get_u64(struct wire_r *r, uint64_t *out)
{
	const uint8_t *p = take(r, 8);

	*out = p ? ((uint64_t)wire_peek_u32(p) << 32) | wire_peek_u32(p + 4) : 0;
	return r->err;
}

int wire_get_u16le(struct wire_r *r, uint16_t *out)
{
	const uint8_t *p = take(r, 2);

	*out = p ? (uint16_t)(p[0] | (p[1] << 8)) : 0;
	return r->err;
}

int wire_get_u32le(struct wire_r *r, uint32_t *out)
{
	const uint8_t *p = take(r, 4);

	*out = p ? (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24) : 0;
	return r->err;
}

int wire_get_raw(struct wire_r *r, size_t n, struct wire_view *out)
{
	const uint8_t *p = take(r, n);

	out->p = p;
	out->n = p ? n : 0;
	return r->err;
}

int wire_get_bytes(struct wire_r *r, void *out, size_t n)
{
	const uint8_t *p = take(r, n);

	if (p) {
		memcpy(out, p, n);
	} else if (n) {
		memset(out, 0, n);
	}
	return r->err;
}

int wire_skip(struct wire_r *r, size_t n)
{
	take(r, n);
	return r->err;
}

int wire_get_string(struct wire_r *r, struct wire_view *out)
{
	uint32_t n = 0;

	out->p = NULL;
	out->n = 0;
	if (wire_get_u32(r, &n)) {
		return r->err;
	}
	if (n > WIRE_MAX_STRING) {
		return wire_fail(r, SSHTUN_ERR_TOO_LONG);
	}
	return wire_get_raw(r, n, out);
}

int wire_get_string_exact(struct wire_r *r, void *out, size_t n)
{
	struct wire_view v;

	if (wire_get_string(r, &v) == 0 && v.n != n) {
		wire_fail(r, SSHTUN_ERR_BAD_FORMAT);
	}
	if (r->err) {
		memset(out, 0, n);
		return r->err;
	}
	memcpy(out, v.p, n);
	return 0;
}

int wire_get_cstring(struct wire_r *r, char *out, size_t outlen)
{
	struct wire_view v;

	if (outlen) {
		out[0] = '\0';
	}
	if (wire_get_string(r, &v)) {
		return r->err;
	}
	if (memchr(v.p, 0, v.n)) {
		return wire_fail(r, SSHTUN_ERR_BAD_FORMAT);
	}
	if (v.n >= outlen) {
		return wire_fail(r, SSHTUN_ERR_TOO_LONG);
	}
	memcpy(out, v.p, v.n);
	out[v.n] = '\0';
	return 0;
}

int wire_get_sub(struct wire_r *r, struct wire_r *sub)
{
	struct wire_view v;

	wire_get_string(r, &v);
	wire_r_init(sub, v.p, v.n);
	sub->err = r->err;
	return r->err;
}

int wire_get_mpint(struct wire_r *r, struct wire_view *out)
{
	struct wire_view v;

	out->p = NULL;
	out->n = 0;
	if (wire_get_string(r, &v)) {
		return r->err;
	}
	if (v.n > WIRE_MAX_MPINT) {
		return wire_fail(r, SSHTUN_ERR_TOO_LONG);
	}
	if (v.n == 0) {
		out->p = v.p;
		return 0;
	}
	if (v.p[0] & 0x80) {
		return wire_fail(r, SSHTUN_ERR_BAD_FORMAT);	/* negative */
	}
	if (v.p[0] == 0) {
		/* A leading zero is only allowed to keep the sign bit of the next byte clear. */
		if (v.n == 1 || !(v.p[1] & 0x80)) {
			return wire_fail(r, SSHTUN_ERR_BAD_FORMAT);
		}
		v.p++;
		v.n--;
	}
	*out = v;
	return 0;
}

static int namelist_valid(const uint8_t *p, size_t n)
{
	size_t namelen = 0;

	if (n == 0) {
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i] == ',') {
			if (namelen == 0) {
				return 0;
			}
			namelen = 0;
			continue;
		}
		if (p[i] <= 0x20 || p[i] >= 0x7f || ++namelen > WIRE_MAX_NAME) {
			return 0;
		}
	}
	return namelen != 0;
}

int wire_get_namelist(struct wire_r *r, struct wire_view *out)
{
	struct wire_view v;

	out->p = NULL;
	out->n = 0;
	if (wire_get_string(r, &v)) {
		return r->err;
	}
	if (v.n > WIRE_MAX_NAMELIST) {
		return wire_fail(r, SSHTUN_ERR_TOO_LONG);
	}
	if (!namelist_valid(v.p, v.n)) {
		return wire_fail(r, SSHTUN_ERR_BAD_FORMAT);
	}
	*out = v;
	return 0;
}

int wire_namelist_next(const struct wire_view *list, size_t *pos, struct wire_view *name)
{
	size_t start = *pos, end;

	if (start >= list->n) {
		return 0;
	}
	end = start;
	while (end < list->n && list->p[end] != ',') {
		end++;
	}
	name->p = list->p + start;
	name->n = end - start;
	*pos = end + 1;
	return 1;
}

int wire_view_eq(const struct wire_view *v, const char *s)
{
	size_t n = strlen(s);

	return v->n == n && (n == 0 || memcmp(v->p, s, n) == 0);
}

int wire_namelist_has(const struct wire_view *list, const char *name)
{
	size_t pos = 0;
	struct wire_view nm;

	while (wire_namelist_next(list, &pos, &nm)) {
		if (wire_view_eq(&nm, name)) {
			return 1;
		}
	}
	return 0;
}

/* ---- writer ---- */

void wire_w_init(struct wire_w *w, size_t max)
{
	memset(w, 0, sizeof(*w));
	w->max = max ? max : WIRE_MAX_BUFFER;
}

void wire_w_init_fixed(struct wire_w *w, void *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->p = buf;
	w->cap = cap;
	w->max = cap;
	w->fixed = 1;
}

void wire_w_free(struct wire_w *w)
{
	if (w->p) {
		explicit_bzero(w->p, w->cap);
		if (!w->fixed) {
			free(w->p);
		}
	}
	memset(w, 0, sizeof(*w));
}

void wire_w_reset(struct wire_w *w)
{
	if (w->p) {
		explicit_bzero(w->p, w->len);
	}
	w->len = 0;
	w->err = 0;
}

int wire_w_err(const struct wire_w *w)
{
	return w->err;
}

uint8_t *wire_put_space(struct wire_w *w, size_t n)
{
	uint8_t *p;

	if (w->err) {
		return NULL;
	}
	if (n > w->max || w->len > w->max - n) {
		w->err = SSHTUN_ERR_LIMIT;
		return NULL;
	}
	/* A fresh writer allocates even for n == 0, so the pointer returned is never NULL + 0. */
	if (w->len + n > w->cap || !w->p) {
		size_t ncap = w->cap ? w->cap : 256;
		uint8_t *np;

		if (w->fixed) {
			w->err = SSHTUN_ERR_LIMIT;
			return NULL;
		}
		while (ncap < w->len + n) {
			ncap = ncap > w->max / 2 ? w->max : ncap * 2;
		}
		/* Not realloc: the old block may hold secrets and must be wiped. */
		np = malloc(ncap);
		if (!np) {
			w->err = SSHTUN_ERR_NOMEM;
			return NULL;
		}
		if (w->p) {
			memcpy(np, w->p, w->len);
			explicit_bzero(w->p, w->cap);
			free(w->p);
		}
		w->p = np;
		w->cap = ncap;
	}
	p = w->p + w->len;
	w->len += n;
	return p;
}

int wire_put_u8(struct wire_w *w, uint8_t v)
{
	uint8_t *p = wire_put_space(w, 1);

	if (p) {
		p[0] = v;
	}
	return w->err;
}

int wire_put_bool(struct wire_w *w, int v)
{
	return wire_put_u8(w, v ? 1 : 0);
}

int wire_put_u32(struct wire_w *w, uint32_t v)
{
	uint8_t *p = wire_put_space(w, 4);

	if (p) {
		wire_poke_u32(p, v);
	}
	return w->err;
}

int wire_put_u64(struct wire_w *w, uint64_t v)
{
	uint8_t *p = wire_put_space(w, 8);

	if (p) {
		wire_poke_u32(p, (uint32_t)(v >> 32));
		wire_poke_u32(p + 4, (uint32_t)v);
	}
	return w->err;
}

int wire_put_raw(struct wire_w *w, const void *src, size_t n)
{
	uint8_t *p = wire_put_space(w, n);

	if (p && n) {
		memcpy(p, src, n);
	}
	return w->err;
}

int wire_put_string(struct wire_w *w, const void *src, size_t n)
{
	if (n > WIRE_MAX_STRING && !w->err) {
		w->err = SSHTUN_ERR_TOO_LONG;
	}
	wire_put_u32(w, (uint32_t)n);
	return wire_put_raw(w, src, n);
}

int wire_put_cstring(struct wire_w *w, const char *s)
{
	return wire_put_string(w, s, strlen(s));
}

int wire_put_mpint(struct wire_w *w, const void *mag, size_t n)
{
	const uint8_t *p = mag;
	int pad;

	while (n > 0 && p[0] == 0) {
		p++;
		n--;
	}
	pad = n > 0 && (p[0] & 0x80);
	wire_put_u32(w, (uint32_t)(n + (size_t)pad));
	if (pad) {
		wire_put_u8(w, 0);
	}
	return wire_put_raw(w, p, n);
}

int wire_put_namelist(struct wire_w *w, const char *list)
{
	size_t n = strlen(list);

	if (!w->err && (n > WIRE_MAX_NAMELIST || !namelist_valid((const uint8_t *)list, n))) {
		w->err = SSHTUN_ERR_BAD_FORMAT;
	}
	return wire_put_string(w, list, n);
}
