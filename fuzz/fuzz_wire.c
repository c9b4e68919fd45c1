/* sshtun: libFuzzer target for the wire reader and writer: parse, re-encode, re-parse, compare. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshtun_err.h"
#include "util/limits.h"
#include "util/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_DEPTH = 3 };

static void check(int cond)
{
	if (!cond) {
		abort();
	}
}

static int roundtrip(const uint8_t *p, size_t n, struct wire_w *w, int depth);

/* Little-endian fields have no putter: write them by hand. */
static void put_le(struct wire_w *w, uint32_t v, size_t n)
{
	uint8_t *q = wire_put_space(w, n);

	for (size_t i = 0; q && i < n; i++) {
		q[i] = (uint8_t)(v >> (8 * i));
	}
}

static void put_namelist_view(struct wire_w *w, const struct wire_view *v)
{
	char *s = malloc(v->n + 1);
	char name[WIRE_MAX_NAME + 1];
	struct wire_view nm;
	size_t pos = 0;

	check(s != NULL);
	memcpy(s, v->p, v->n);
	s[v->n] = '\0';
	while (wire_namelist_next(v, &pos, &nm)) {
		check(nm.n >= 1 && nm.n <= WIRE_MAX_NAME && memchr(nm.p, ',', nm.n) == NULL);
		memcpy(name, nm.p, nm.n);
		name[nm.n] = '\0';
		check(wire_namelist_has(v, name) && wire_view_eq(&nm, name));
	}
	check(wire_put_namelist(w, s) == 0);	/* what the reader accepts, the writer accepts */
	free(s);
}

/* One getter chosen by sel; on success writes sel and the value. Returns the reader's error. */
static int step(struct wire_r *r, uint8_t sel, struct wire_w *w, int depth)
{
	size_t n = sel >> 4;
	uint8_t u8 = 0, buf[16];
	uint16_t u16 = 0;
	uint32_t u32 = 0;
	uint64_t u64 = 0;
	int b = 0;
	char cs[128];
	struct wire_view v;
	struct wire_r sub, copy;
	struct wire_w in;

	switch (sel & 15) {
	case 0: if (!wire_get_u8(r, &u8)) { wire_put_u8(w, sel); wire_put_u8(w, u8); } break;
	case 1: if (!wire_get_bool(r, &b)) { wire_put_u8(w, sel); wire_put_bool(w, b); } break;
	case 2: if (!wire_get_u32(r, &u32)) { wire_put_u8(w, sel); wire_put_u32(w, u32); } break;
	case 3: if (!wire_get_u64(r, &u64)) { wire_put_u8(w, sel); wire_put_u64(w, u64); } break;
	case 4: if (!wire_get_u16le(r, &u16)) { wire_put_u8(w, sel); put_le(w, u16, 2); } break;
	case 5: if (!wire_get_u32le(r, &u32)) { wire_put_u8(w, sel); put_le(w, u32, 4); } break;
	case 6: if (!wire_get_string(r, &v)) { wire_put_u8(w, sel); wire_put_string(w, v.p, v.n); } break;
	case 7: if (!wire_get_string_exact(r, buf, n)) { wire_put_u8(w, sel); wire_put_string(w, buf, n); } break;
	case 8:
		if (!wire_get_cstring(r, cs, 1 + n * 8)) {
			check(strlen(cs) < 1 + n * 8);
			wire_put_u8(w, sel);
			wire_put_cstring(w, cs);
		}
		break;
	case 9:
		if (!wire_get_sub(r, &sub)) {
			wire_put_u8(w, sel);
			wire_w_init(&in, 0);
			if (depth < MAX_DEPTH && roundtrip(sub.p, sub.len, &in, depth + 1) == 0) {
				wire_put_string(w, in.p, in.len);
			} else {
				wire_put_string(w, sub.p, sub.len);
			}
			wire_w_free(&in);
		}
		break;
	case 10:
		if (!wire_get_mpint(r, &v)) {
			check(v.n <= WIRE_MAX_MPINT && (v.n == 0 || v.p[0] != 0));
			wire_put_u8(w, sel);
			wire_put_mpint(w, v.p, v.n);
		}
		break;
	case 11: if (!wire_get_namelist(r, &v)) { wire_put_u8(w, sel); put_namelist_view(w, &v); } break;
	case 12: if (!wire_get_raw(r, n, &v)) { wire_put_u8(w, sel); wire_put_raw(w, v.p, v.n); } break;
	case 13: if (!wire_get_bytes(r, buf, n)) { wire_put_u8(w, sel); wire_put_raw(w, buf, n); } break;
	case 14:
		if (!wire_skip(r, n)) {
			uint8_t *z;

			wire_put_u8(w, sel);
			z = wire_put_space(w, n);
			if (z) {
				memset(z, 0, n);
			}
		}
		break;
	default:	/* wire_end on a copy: clean exactly when nothing is left */
		copy = *r;
		check((wire_end(&copy) == 0) == (wire_left(r) == 0));
		wire_put_u8(w, sel);
		break;
	}
	return wire_err(r);
}

/* Parses p as a selector-driven sequence of getters, writing what parsed to w; 0 if all of it parsed. */
static int parse(const uint8_t *p, size_t n, struct wire_w *w, int depth)
{
	struct wire_r r;
	struct wire_view v = { p, 1 };
	uint32_t u32 = 1;
	uint8_t sel = 0;
	int e;

	wire_r_init(&r, p, n);
	while (wire_left(&r) > 0 && wire_get_u8(&r, &sel) == 0 && step(&r, sel, w, depth) == 0) {
	}
	e = wire_err(&r);
	if (e == 0) {
		check(wire_end(&r) == 0);
		return 0;
	}
	/* A failure is one of the reader's own errors, and it sticks. */
	check(e == SSHTUN_ERR_TRUNCATED || e == SSHTUN_ERR_TOO_LONG || e == SSHTUN_ERR_BAD_FORMAT);
	check(wire_left(&r) == 0);
	check(wire_get_u32(&r, &u32) == e && u32 == 0);
	check(wire_get_string(&r, &v) == e && v.p == NULL && v.n == 0);
	check(wire_end(&r) == e);
	return e;
}

/* Parses p into w, then parses w: that must parse completely and re-encode to the same bytes. */
static int roundtrip(const uint8_t *p, size_t n, struct wire_w *w, int depth)
{
	struct wire_w w2;
	int rc = parse(p, n, w, depth);

	check(wire_w_err(w) == 0);
	wire_w_init(&w2, 0);
	check(parse(w->p, w->len, &w2, depth) == 0);
	check(wire_w_err(&w2) == 0 && w2.len == w->len);
	check(w->len == 0 || memcmp(w->p, w2.p, w->len) == 0);
	wire_w_free(&w2);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_w w;

	wire_w_init(&w, 0);
	roundtrip(data, size, &w, 0);
	wire_w_free(&w);
	return 0;
}
