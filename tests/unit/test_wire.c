/* sshtun: unit tests of the wire reader and writer (util/wire.c). */
#include "tests/unit/testutil.h"

#include <stdio.h>

#include "util/limits.h"
#include "util/wire.h"

/* ---- a uniform way to call every getter, for the truncation and sticky tests ---- */

enum kind {
	K_U8, K_BOOL, K_U32, K_U64, K_U16LE, K_U32LE, K_RAW, K_BYTES, K_SKIP,
	K_STRING, K_STRING_EXACT, K_CSTRING, K_SUB, K_MPINT, K_NAMELIST, K_COUNT
};

static const char *const kind_name[K_COUNT] = {
	"u8", "bool", "u32", "u64", "u16le", "u32le", "raw", "bytes", "skip",
	"string", "string_exact", "cstring", "sub", "mpint", "namelist"
};

/* A valid encoding per kind (hex); raw, bytes and skip take 3 bytes, string_exact 3. */
static const char *const kind_valid[K_COUNT] = {
	"7f", "01", "deadbeef", "0123456789abcdef", "3412", "78563412", "aabbcc", "aabbcc", "aabbcc",
	"00000007 74657374696e67", "00000003 010203", "00000005 68656c6c6f", "00000008 00000004 01020304",
	"00000008 09a378f9b2e332a7", "00000009 7a6c69622c6e6f6e65"
};

struct outs {
	uint8_t u8;
	int b;
	uint32_t u32;
	uint64_t u64;
	uint16_t u16;
	struct wire_view v;
	uint8_t bytes[3];
	char cs[16];
	struct wire_r sub;
};

/* Fills every output with garbage so a test can see what a getter zeroed. */
static void outs_dirty(struct outs *o)
{
	static const uint8_t junk = 0xa5;

	memset(o, 0xa5, sizeof(*o));
	o->v.p = &junk;
	o->sub.p = &junk;
}

static int get_kind(enum kind k, struct wire_r *r, struct outs *o)
{
	switch (k) {
	case K_U8: return wire_get_u8(r, &o->u8);
	case K_BOOL: return wire_get_bool(r, &o->b);
	case K_U32: return wire_get_u32(r, &o->u32);
	case K_U64: return wire_get_u64(r, &o->u64);
	case K_U16LE: return wire_get_u16le(r, &o->u16);
	case K_U32LE: return wire_get_u32le(r, &o->u32);
	case K_RAW: return wire_get_raw(r, 3, &o->v);
	case K_BYTES: return wire_get_bytes(r, o->bytes, 3);
	case K_SKIP: return wire_skip(r, 3);
	case K_STRING: return wire_get_string(r, &o->v);
	case K_STRING_EXACT: return wire_get_string_exact(r, o->bytes, 3);
	case K_CSTRING: return wire_get_cstring(r, o->cs, sizeof(o->cs));
	case K_SUB: return wire_get_sub(r, &o->sub);
	case K_MPINT: return wire_get_mpint(r, &o->v);
	case K_NAMELIST: return wire_get_namelist(r, &o->v);
	default: return -1000;
	}
}

/* Asserts that a failed getter of kind k left its outputs zeroed. */
static void assert_zeroed(enum kind k, const struct outs *o, int err)
{
	static const uint8_t zero3[3];

	switch (k) {
	case K_U8: assert_int_equal(o->u8, 0); break;
	case K_BOOL: assert_int_equal(o->b, 0); break;
	case K_U32: case K_U32LE: assert_int_equal(o->u32, 0); break;
	case K_U64: assert_true(o->u64 == 0); break;
	case K_U16LE: assert_int_equal(o->u16, 0); break;
	case K_RAW: case K_STRING: case K_MPINT: case K_NAMELIST:
		assert_null(o->v.p);
		assert_int_equal(o->v.n, 0);
		break;
	case K_BYTES: case K_STRING_EXACT: assert_memory_equal(o->bytes, zero3, 3); break;
	case K_CSTRING: assert_int_equal(o->cs[0], '\0'); break;
	case K_SUB:
		assert_int_equal(o->sub.len, 0);
		assert_int_equal(o->sub.pos, 0);
		assert_int_equal(wire_left(&o->sub), 0);
		assert_int_equal(wire_err(&o->sub), err);
		break;
	case K_SKIP: case K_COUNT: break;
	}
}

static size_t unhex(uint8_t *buf, size_t len, const char *hex)
{
	size_t n = t_unhex(buf, len, hex);

	assert_true(n < len);	/* the buffers are sized with room to spare */
	return n;
}

/* Every kind parses its valid encoding completely. */
static void test_all_kinds_valid(void **state)
{
	for (int k = 0; k < K_COUNT; k++) {
		uint8_t buf[64];
		size_t n = unhex(buf, sizeof(buf), kind_valid[k]);
		struct wire_r r;
		struct outs o;

		outs_dirty(&o);
		wire_r_init(&r, buf, n);
		if (get_kind((enum kind)k, &r, &o) != 0 || wire_end(&r) != 0) {
			fail_msg("kind %s did not parse its valid encoding", kind_name[k]);
		}
	}
}

/* Each proper prefix of each valid encoding fails with TRUNCATED and zeroes the outputs. */
static void test_all_kinds_truncated(void **state)
{
	for (int k = 0; k < K_COUNT; k++) {
		uint8_t buf[64];
		size_t n = unhex(buf, sizeof(buf), kind_valid[k]);

		for (size_t cut = 0; cut < n; cut++) {
			struct wire_r r;
			struct outs o;
			int rc;

			outs_dirty(&o);
			wire_r_init(&r, buf, cut);
			rc = get_kind((enum kind)k, &r, &o);
			if (rc != SSHTUN_ERR_TRUNCATED) {
				fail_msg("kind %s, prefix %zu: got %d, want TRUNCATED", kind_name[k], cut, rc);
			}
			assert_int_equal(wire_err(&r), SSHTUN_ERR_TRUNCATED);
			assert_int_equal(wire_left(&r), 0);
			assert_zeroed((enum kind)k, &o, SSHTUN_ERR_TRUNCATED);
			assert_int_equal(wire_end(&r), SSHTUN_ERR_TRUNCATED);
		}
	}
}

/* After a failure every getter fails with the first error, zeroes its outputs and consumes nothing. */
static void test_sticky_errors(void **state)
{
	static const int first[] = { SSHTUN_ERR_TRUNCATED, SSHTUN_ERR_TOO_LONG, SSHTUN_ERR_PROTOCOL };
	uint8_t buf[64];
	size_t n = unhex(buf, sizeof(buf), "00000003 616263 00000003 616263 00000003 616263");

	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++) {
		for (int k = 0; k < K_COUNT; k++) {
			struct wire_r r;
			struct outs o;
			size_t pos;

			wire_r_init(&r, buf, n);
			assert_int_equal(wire_skip(&r, 2), 0);
			assert_int_equal(wire_fail(&r, first[i]), first[i]);
			/* A second failure does not replace the first. */
			assert_int_equal(wire_fail(&r, SSHTUN_ERR_BAD_FORMAT), first[i]);
			pos = r.pos;
			outs_dirty(&o);
			assert_int_equal(get_kind((enum kind)k, &r, &o), first[i]);
			assert_zeroed((enum kind)k, &o, first[i]);
			assert_int_equal(r.pos, pos);
			assert_int_equal(wire_left(&r), 0);
			assert_int_equal(wire_err(&r), first[i]);
			assert_int_equal(wire_end(&r), first[i]);
		}
	}
}

/* A real failure (not wire_fail) is just as sticky, even when later data would parse. */
static void test_sticky_after_real_failure(void **state)
{
	uint8_t buf[32];
	size_t n = unhex(buf, sizeof(buf), "00000004 6100 6263 00000001 41");
	struct wire_r r;
	char cs[8];
	uint32_t v = 7;

	wire_r_init(&r, buf, n);
	assert_int_equal(wire_get_cstring(&r, cs, sizeof(cs)), SSHTUN_ERR_BAD_FORMAT);
	assert_int_equal(wire_get_u32(&r, &v), SSHTUN_ERR_BAD_FORMAT);
	assert_int_equal(v, 0);
	assert_int_equal(wire_get_cstring(&r, cs, sizeof(cs)), SSHTUN_ERR_BAD_FORMAT);
	assert_string_equal(cs, "");
	assert_int_equal(wire_end(&r), SSHTUN_ERR_BAD_FORMAT);
}

static void test_init_and_left(void **state)
{
	uint8_t buf[4] = { 1, 2, 3, 4 };
	struct wire_r r;
	uint8_t b = 9;

	wire_r_init(&r, buf, sizeof(buf));
	assert_int_equal(wire_left(&r), 4);
	assert_int_equal(wire_err(&r), 0);
	assert_int_equal(wire_get_u8(&r, &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(wire_left(&r), 3);
	assert_int_equal(wire_end(&r), SSHTUN_ERR_TRAILING);

	/* A NULL buffer is an empty one, whatever length is claimed. */
	wire_r_init(&r, NULL, 100);
	assert_int_equal(wire_left(&r), 0);
	assert_int_equal(wire_end(&r), 0);
	assert_int_equal(wire_get_u8(&r, &b), SSHTUN_ERR_TRUNCATED);
	assert_int_equal(b, 0);

	/* Empty input: nothing to read, and nothing trailing. */
	wire_r_init(&r, buf, 0);
	assert_int_equal(wire_end(&r), 0);
}

static void test_u8_bool(void **state)
{
	static const uint8_t buf[] = { 0x00, 0x01, 0x02, 0x7f, 0x80, 0xff };
	static const int want[] = { 0, 1, 1, 1, 1, 1 };
	struct wire_r r;
	uint8_t u = 0;

	wire_r_init(&r, buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++) {
		int b = 42;

		assert_int_equal(wire_get_bool(&r, &b), 0);
		assert_int_equal(b, want[i]);
	}
	assert_int_equal(wire_end(&r), 0);

	wire_r_init(&r, buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++) {
		assert_int_equal(wire_get_u8(&r, &u), 0);
		assert_int_equal(u, buf[i]);
	}
	assert_int_equal(wire_get_u8(&r, &u), SSHTUN_ERR_TRUNCATED);
	assert_int_equal(u, 0);
}

static void test_integers(void **state)
{
	uint8_t buf[64];
	size_t n = unhex(buf, sizeof(buf),
		"00000000 ffffffff 29b7f4aa 0000000000000000 ffffffffffffffff 0102030405060708 3412 78563412");
	struct wire_r r;
	uint32_t u32 = 1;
	uint64_t u64 = 1;
	uint16_t u16 = 1;

	wire_r_init(&r, buf, n);
	assert_int_equal(wire_get_u32(&r, &u32), 0);
	assert_int_equal(u32, 0);
	assert_int_equal(wire_get_u32(&r, &u32), 0);
	assert_int_equal(u32, 0xffffffffu);
	assert_int_equal(wire_get_u32(&r, &u32), 0);
	assert_int_equal(u32, 699921578u);	/* RFC 4251 5 example */
	assert_int_equal(wire_get_u64(&r, &u64), 0);
	assert_true(u64 == 0);
	assert_int_equal(wire_get_u64(&r, &u64), 0);
	assert_true(u64 == UINT64_MAX);
	assert_int_equal(wire_get_u64(&r, &u64), 0);
	assert_true(u64 == 0x0102030405060708ull);
	assert_int_equal(wire_get_u16le(&r, &u16), 0);
	assert_int_equal(u16, 0x1234);
	assert_int_equal(wire_get_u32le(&r, &u32), 0);
	assert_int_equal(u32, 0x12345678u);
	assert_int_equal(wire_end(&r), 0);
}

static void test_raw_bytes_skip(void **state)
{
	static const uint8_t buf[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct wire_r r;
	struct wire_view v = { NULL, 99 };
	uint8_t out[4];

	wire_r_init(&r, buf, sizeof(buf));
	assert_int_equal(wire_get_raw(&r, 0, &v), 0);
	assert_ptr_equal(v.p, buf);
	assert_int_equal(v.n, 0);
	assert_int_equal(wire_get_raw(&r, 2, &v), 0);
	assert_ptr_equal(v.p, buf);	/* a view into the buffer, not a copy */
	assert_int_equal(v.n, 2);
	assert_int_equal(wire_skip(&r, 1), 0);
	assert_int_equal(wire_get_bytes(&r, out, 3), 0);
	assert_memory_equal(out, buf + 3, 3);
	assert_int_equal(wire_skip(&r, 0), 0);
	assert_int_equal(wire_left(&r), 2);
	assert_int_equal(wire_skip(&r, 2), 0);
	assert_int_equal(wire_end(&r), 0);

	/* Huge counts fail without wrapping around. */
	wire_r_init(&r, buf, sizeof(buf));
	assert_int_equal(wire_skip(&r, 3), 0);
	assert_int_equal(wire_skip(&r, SIZE_MAX), SSHTUN_ERR_TRUNCATED);
	wire_r_init(&r, buf, sizeof(buf));
	assert_int_equal(wire_skip(&r, 3), 0);
	assert_int_equal(wire_skip(&r, SIZE_MAX - 2), SSHTUN_ERR_TRUNCATED);
	wire_r_init(&r, buf, sizeof(buf));
	assert_int_equal(wire_get_raw(&r, 0xffffffffu, &v), SSHTUN_ERR_TRUNCATED);
	assert_null(v.p);
	assert_int_equal(v.n, 0);
	wire_r_init(&r, buf, 3);
	memset(out, 0xee, sizeof(out));
	assert_int_equal(wire_get_bytes(&r, out, 4), SSHTUN_ERR_TRUNCATED);
	assert_memory_equal(out, "\0\0\0\0", 4);
}

static void test_string(void **state)
{
	uint8_t buf[32];
	size_t n = unhex(buf, sizeof(buf), "00000000 00000007 74657374696e67");
	struct wire_r r;
	struct wire_view v;

	wire_r_init(&r, buf, n);
	assert_int_equal(wire_get_string(&r, &v), 0);
	assert_int_equal(v.n, 0);
	assert_non_null(v.p);
	assert_int_equal(wire_get_string(&r, &v), 0);
	assert_ptr_equal(v.p, buf + 8);
	assert_int_equal(v.n, 7);
	assert_true(wire_view_eq(&v, "testing"));
	assert_false(wire_view_eq(&v, "testin"));
	assert_false(wire_view_eq(&v, "testing!"));
	assert_int_equal(wire_end(&r), 0);
}

/* Lengths over the cap are TOO_LONG (checked before the data), others past the end TRUNCATED. */
static void test_string_lengths(void **state)
{
	static const struct {
		const char *hex;
		int want;
	} cases[] = {
		{ "00040001", SSHTUN_ERR_TOO_LONG },		/* WIRE_MAX_STRING + 1 */
		{ "ffffffff", SSHTUN_ERR_TOO_LONG },
		{ "80000000", SSHTUN_ERR_TOO_LONG },
		{ "00040000", SSHTUN_ERR_TRUNCATED },		/* WIRE_MAX_STRING, but no data */
		{ "00000005 61626364", SSHTUN_ERR_TRUNCATED },	/* one byte short */
		{ "00000001", SSHTUN_ERR_TRUNCATED },
	};

	assert_int_equal(WIRE_MAX_STRING, 0x40000);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[32];
		size_t n = unhex(buf, sizeof(buf), cases[i].hex);
		struct wire_r r;
		struct outs o;

		for (int k = K_STRING; k <= K_NAMELIST; k++) {
			outs_dirty(&o);
			wire_r_init(&r, buf, n);
			int rc = get_kind((enum kind)k, &r, &o);
			/* mpint and name-list have their own smaller caps; any length here exceeds none of them wrongly. */
			if (rc != cases[i].want && !(cases[i].want == SSHTUN_ERR_TRUNCATED && rc == SSHTUN_ERR_TOO_LONG &&
						      (k == K_MPINT || k == K_NAMELIST))) {
				fail_msg("case %zu kind %s: got %d want %d", i, kind_name[k], rc, cases[i].want);
			}
			assert_zeroed((enum kind)k, &o, rc);
		}
	}
}

/* A string of exactly WIRE_MAX_STRING bytes is accepted. */
static void test_string_max(void **state)
{
	size_t n = 4 + WIRE_MAX_STRING;
	uint8_t *buf = calloc(1, n + 1);
	struct wire_r r;
	struct wire_view v;

	assert_non_null(buf);
	wire_poke_u32(buf, WIRE_MAX_STRING);
	wire_r_init(&r, buf, n);
	assert_int_equal(wire_get_string(&r, &v), 0);
	assert_int_equal(v.n, WIRE_MAX_STRING);
	assert_int_equal(wire_end(&r), 0);
	/* One more length unit is refused even with the data present. */
	wire_poke_u32(buf, WIRE_MAX_STRING + 1);
	wire_r_init(&r, buf, n + 1);
	assert_int_equal(wire_get_string(&r, &v), SSHTUN_ERR_TOO_LONG);
	free(buf);
}

static void test_string_exact(void **state)
{
	uint8_t buf[32];
	uint8_t out[4];
	struct wire_r r;
	size_t n = unhex(buf, sizeof(buf), "00000004 01020304");

	wire_r_init(&r, buf, n);
	assert_int_equal(wire_get_string_exact(&r, out, 4), 0);
	assert_memory_equal(out, buf + 4, 4);
	assert_int_equal(wire_end(&r), 0);

	memset(out, 0xee, sizeof(out));
	wire_r_init(&r, buf, n);
	assert_int_equal(wire_get_string_exact(&r, out, 3), SSHTUN_ERR_BAD_FORMAT);	/* longer than wanted */
	assert_memory_equal(out, "\0\0\0", 3);
	assert_int_equal(out[3], 0xee);		/* nothing past n is touched */

	n = unhex(buf, sizeof(buf), "00000002 0102 0304");
	memset(out, 0xee, sizeof(out));
	wire_r_init(&r, buf, n);
	assert_int_equal(wire_get_string_exact(&r, out, 4), SSHTUN_ERR_BAD_FORMAT);	/* shorter than wanted */
	assert_memory_equal(out, "\0\0\0\0", 4);

	n = unhex(buf, sizeof(buf), "00000000");
	wire_r_init(&r, buf, n);
	assert_int_equal(wire_get_string_exact(&r, out, 0), 0);
	assert_int_equal(wire_end(&r), 0);
}

static void test_cstring(void **state)
{
	uint8_t buf[64];
	char out[6];
	struct wire_r r;
	size_t n;

	n = unhex(buf, sizeof(buf), "00000005 68656c6c6f 00000000");
	wire_r_init(&r, buf, n);
	assert_int_equal(wire_get_cstring(&r, out, sizeof(out)), 0);	/* 5 bytes + NUL fit exactly */
	assert_string_equal(out, "hello");
	assert_int_equal(wire_get_cstring(&r, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(wire_end(&r), 0);

	/* Too long for the buffer: needs room for the NUL. */
	n = unhex(buf, sizeof(buf), "00000006 68656c6c6f21");
	memcpy(out, "xxxxx", 6);
	wire_r_init(&r, buf, n);
	assert_int_equal(wire_get_cstring(&r, out, sizeof(out)), SSHTUN_ERR_TOO_LONG);
	assert_string_equal(out, "");
	wire_r_init(&r, buf, n);
	assert_int_equal(wire_get_cstring(&r, out, 0), SSHTUN_ERR_TOO_LONG);

	/* NUL anywhere inside is refused. */
	static const char *const nul[] = { "00000003 610062", "00000001 00", "00000003 616200", "00000003 006162" };
	for (size_t i = 0; i < sizeof(nul) / sizeof(nul[0]); i++) {
		n = unhex(buf, sizeof(buf), nul[i]);
		memcpy(out, "xxxxx", 6);
		wire_r_init(&r, buf, n);
		assert_int_equal(wire_get_cstring(&r, out, sizeof(out)), SSHTUN_ERR_BAD_FORMAT);
		assert_string_equal(out, "");
	}
}

static void test_sub(void **state)
{
	uint8_t buf[64];
	size_t n = unhex(buf, sizeof(buf), "0000000c 0000000565642d3235 01 ab aa 00000000");
	struct wire_r r;
	struct wire_r sub;
	struct wire_view v;
	uint8_t b = 0;
	int flag = 0;

	wire_r_init(&r, buf, n);
	assert_int_equal(wire_get_sub(&r, &sub), 0);
	assert_ptr_equal(sub.p, buf + 4);
	assert_int_equal(wire_left(&sub), 12);
	assert_int_equal(wire_get_string(&sub, &v), 0);
	assert_true(wire_view_eq(&v, "ed-25"));
	assert_int_equal(wire_get_bool(&sub, &flag), 0);
	assert_int_equal(flag, 1);
	assert_int_equal(wire_get_u8(&sub, &b), 0);
	assert_int_equal(b, 0xab);
	/* The sub-reader ends at its string: one byte left inside, the parent continues after it. */
	assert_int_equal(wire_end(&sub), SSHTUN_ERR_TRAILING);
	assert_int_equal(wire_err(&r), 0);	/* the parent is not affected by the sub's error */
	assert_int_equal(wire_get_sub(&r, &sub), 0);
	assert_int_equal(wire_left(&sub), 0);
	assert_int_equal(wire_end(&sub), 0);
	assert_int_equal(wire_get_u8(&sub, &b), SSHTUN_ERR_TRUNCATED);	/* reading past the sub's end */
	assert_int_equal(wire_end(&r), 0);

	/* A failed parent hands its error to the sub-reader. */
	wire_r_init(&r, buf, n);
	wire_fail(&r, SSHTUN_ERR_MAC);
	assert_int_equal(wire_get_sub(&r, &sub), SSHTUN_ERR_MAC);
	assert_int_equal(wire_err(&sub), SSHTUN_ERR_MAC);
	assert_int_equal(wire_get_u8(&sub, &b), SSHTUN_ERR_MAC);
}

static void test_wire_end(void **state)
{
	static const uint8_t buf[] = { 0, 0, 0, 1, 'x', 0xff };
	struct wire_r r;
	struct wire_view v;

	wire_r_init(&r, buf, sizeof(buf));
	assert_int_equal(wire_get_string(&r, &v), 0);
	assert_int_equal(wire_end(&r), SSHTUN_ERR_TRAILING);
	/* TRAILING is sticky too. */
	assert_int_equal(wire_err(&r), SSHTUN_ERR_TRAILING);
	assert_int_equal(wire_skip(&r, 1), SSHTUN_ERR_TRAILING);
	assert_int_equal(wire_end(&r), SSHTUN_ERR_TRAILING);

	wire_r_init(&r, buf, sizeof(buf));
	assert_int_equal(wire_skip(&r, sizeof(buf)), 0);
	assert_int_equal(wire_end(&r), 0);
	assert_int_equal(wire_end(&r), 0);	/* repeatable */
}

/* ---- mpint (RFC 4251 section 5) ---- */

static int mpint_parse(const char *hex, struct wire_view *v, uint8_t *buf, size_t buflen)
{
	size_t n = unhex(buf, buflen, hex);
	struct wire_r r;
	int rc;

	wire_r_init(&r, buf, n);
	rc = wire_get_mpint(&r, v);
	if (rc == 0) {
		rc = wire_end(&r);
	}
	return rc;
}

static void test_mpint_rfc_examples(void **state)
{
	uint8_t buf[32];
	uint8_t want[16];
	struct wire_view v;
	size_t wn;

	assert_int_equal(mpint_parse("00000000", &v, buf, sizeof(buf)), 0);
	assert_int_equal(v.n, 0);

	assert_int_equal(mpint_parse("00000008 09a378f9b2e332a7", &v, buf, sizeof(buf)), 0);
	wn = unhex(want, sizeof(want), "09a378f9b2e332a7");
	assert_int_equal(v.n, wn);
	assert_memory_equal(v.p, want, wn);
	assert_ptr_equal(v.p, buf + 4);

	/* 0x80 needs a zero byte so it is not negative; the view is the magnitude without it. */
	assert_int_equal(mpint_parse("00000002 0080", &v, buf, sizeof(buf)), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.p[0], 0x80);
	assert_ptr_equal(v.p, buf + 5);

	/* Negative numbers are refused: -1234 and -deadbeef. */
	assert_int_equal(mpint_parse("00000002 edcc", &v, buf, sizeof(buf)), SSHTUN_ERR_BAD_FORMAT);
	assert_null(v.p);
	assert_int_equal(v.n, 0);
	assert_int_equal(mpint_parse("00000005 ff21524111", &v, buf, sizeof(buf)), SSHTUN_ERR_BAD_FORMAT);
	assert_int_equal(mpint_parse("00000001 80", &v, buf, sizeof(buf)), SSHTUN_ERR_BAD_FORMAT);
	assert_int_equal(mpint_parse("00000001 ff", &v, buf, sizeof(buf)), SSHTUN_ERR_BAD_FORMAT);
}

static void test_mpint_leading_zeros(void **state)
{
	static const struct {
		const char *hex;
		int want;
		size_t n;
	} cases[] = {
		{ "00000003 000001", SSHTUN_ERR_BAD_FORMAT, 0 },
		{ "00000002 007f", SSHTUN_ERR_BAD_FORMAT, 0 },
		{ "00000001 00", SSHTUN_ERR_BAD_FORMAT, 0 },
		{ "00000002 0000", SSHTUN_ERR_BAD_FORMAT, 0 },
		{ "00000003 000080", SSHTUN_ERR_BAD_FORMAT, 0 },
		{ "00000002 ff80", SSHTUN_ERR_BAD_FORMAT, 0 },
		{ "00000002 0080", 0, 1 },
		{ "00000003 00ffff", 0, 2 },
		{ "00000001 7f", 0, 1 },
		{ "00000001 01", 0, 1 },
		{ "00000002 0100", 0, 2 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[32];
		struct wire_view v;
		int rc = mpint_parse(cases[i].hex, &v, buf, sizeof(buf));

		if (rc != cases[i].want) {
			fail_msg("mpint %s: got %d want %d", cases[i].hex, rc, cases[i].want);
		}
		assert_int_equal(v.n, cases[i].n);
		if (rc == 0) {
			assert_true(v.p[0] != 0);
		}
	}
}

static void test_mpint_size_cap(void **state)
{
	uint8_t buf[4 + WIRE_MAX_MPINT + 2];
	struct wire_r r;
	struct wire_view v;

	memset(buf, 0x80, sizeof(buf));
	/* WIRE_MAX_MPINT bytes: a zero byte and a 16384-bit magnitude with the top bit set. */
	wire_poke_u32(buf, WIRE_MAX_MPINT);
	buf[4] = 0;
	wire_r_init(&r, buf, 4 + WIRE_MAX_MPINT);
	assert_int_equal(wire_get_mpint(&r, &v), 0);
	assert_int_equal(v.n, WIRE_MAX_MPINT - 1);
	assert_int_equal(wire_end(&r), 0);

	wire_poke_u32(buf, WIRE_MAX_MPINT + 1);
	buf[4] = 0x01;
	wire_r_init(&r, buf, 4 + WIRE_MAX_MPINT + 1);
	assert_int_equal(wire_get_mpint(&r, &v), SSHTUN_ERR_TOO_LONG);
	assert_null(v.p);
}

/* ---- name-lists (RFC 4251 section 5) ---- */

static int namelist_parse_str(const char *s, size_t slen, struct wire_view *v, uint8_t *buf, size_t buflen)
{
	struct wire_r r;
	int rc;

	assert_true(slen + 4 <= buflen);
	wire_poke_u32(buf, (uint32_t)slen);
	memcpy(buf + 4, s, slen);
	wire_r_init(&r, buf, slen + 4);
	rc = wire_get_namelist(&r, v);
	if (rc == 0) {
		rc = wire_end(&r);
	}
	return rc;
}

static void test_namelist_valid(void **state)
{
	static const char *const ok[] = { "", "a", "a,b", "zlib,none", "curve25519-sha256,kex-strict-c-v00@openssh.com",
		"!\"#$%&'()*+-./:;<=>?@[\\]^_`{|}~" };
	uint8_t buf[128];
	struct wire_view v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (namelist_parse_str(ok[i], strlen(ok[i]), &v, buf, sizeof(buf)) != 0) {
			fail_msg("name-list \"%s\" refused", ok[i]);
		}
		assert_int_equal(v.n, strlen(ok[i]));
		assert_ptr_equal(v.p, buf + 4);
	}
}

static void test_namelist_invalid(void **state)
{
	static const char *const bad[] = { ",", ",a", "a,", "a,,b", ",,", "a b", " a", "a\tb", "a\nb", "a\x01", "a\x7f",
		"a\x80", "\xff", "caf\xc3\xa9" };
	uint8_t buf[128];
	struct wire_view v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v.p = buf;
		v.n = 5;
		if (namelist_parse_str(bad[i], strlen(bad[i]), &v, buf, sizeof(buf)) != SSHTUN_ERR_BAD_FORMAT) {
			fail_msg("name-list #%zu \"%s\" not refused", i, bad[i]);
		}
		assert_null(v.p);
		assert_int_equal(v.n, 0);
	}
	/* A NUL inside a name. */
	assert_int_equal(namelist_parse_str("a\0b", 3, &v, buf, sizeof(buf)), SSHTUN_ERR_BAD_FORMAT);
}

static void test_namelist_name_length(void **state)
{
	char name[WIRE_MAX_NAME + 8];
	char list[2 * WIRE_MAX_NAME + 8];
	uint8_t buf[2 * WIRE_MAX_NAME + 16];
	struct wire_view v;

	assert_int_equal(WIRE_MAX_NAME, 64);
	memset(name, 'n', sizeof(name));
	assert_int_equal(namelist_parse_str(name, 64, &v, buf, sizeof(buf)), 0);
	assert_int_equal(namelist_parse_str(name, 65, &v, buf, sizeof(buf)), SSHTUN_ERR_BAD_FORMAT);
	/* The limit is per name, not per list. */
	memset(list, 'n', sizeof(list));
	list[64] = ',';
	assert_int_equal(namelist_parse_str(list, 129, &v, buf, sizeof(buf)), 0);
	assert_int_equal(namelist_parse_str(list, 130, &v, buf, sizeof(buf)), SSHTUN_ERR_BAD_FORMAT);
	/* A long name after a short one: "a," then 64 (ok) or 65 (refused) bytes. */
	memset(list, 'n', sizeof(list));
	list[0] = 'a';
	list[1] = ',';
	assert_int_equal(namelist_parse_str(list, 66, &v, buf, sizeof(buf)), 0);
	assert_int_equal(namelist_parse_str(list, 67, &v, buf, sizeof(buf)), SSHTUN_ERR_BAD_FORMAT);
}

static void test_namelist_total_cap(void **state)
{
	size_t n = WIRE_MAX_NAMELIST + 1;
	uint8_t *buf = malloc(n + 4);
	struct wire_r r;
	struct wire_view v;

	assert_non_null(buf);
	memset(buf + 4, 'a', n);
	for (size_t i = 4 + 10; i < n + 4; i += 11) {
		buf[i] = ',';
	}
	buf[n + 3] = 'z';
	wire_poke_u32(buf, (uint32_t)n);
	wire_r_init(&r, buf, n + 4);
	assert_int_equal(wire_get_namelist(&r, &v), SSHTUN_ERR_TOO_LONG);
	/* One byte shorter is within the cap. */
	wire_poke_u32(buf + 1, (uint32_t)(n - 1));
	wire_r_init(&r, buf + 1, n + 3);
	assert_int_equal(wire_get_namelist(&r, &v), 0);
	assert_int_equal(v.n, WIRE_MAX_NAMELIST);
	assert_int_equal(wire_end(&r), 0);
	free(buf);
}

static void test_namelist_iterate(void **state)
{
	static const char list[] = "zlib,none,zlib@openssh.com";
	struct wire_view l = { (const uint8_t *)list, sizeof(list) - 1 };
	struct wire_view nm;
	size_t pos = 0;

	assert_int_equal(wire_namelist_next(&l, &pos, &nm), 1);
	assert_true(wire_view_eq(&nm, "zlib"));
	assert_int_equal(wire_namelist_next(&l, &pos, &nm), 1);
	assert_true(wire_view_eq(&nm, "none"));
	assert_int_equal(wire_namelist_next(&l, &pos, &nm), 1);
	assert_true(wire_view_eq(&nm, "zlib@openssh.com"));
	assert_int_equal(wire_namelist_next(&l, &pos, &nm), 0);
	assert_int_equal(wire_namelist_next(&l, &pos, &nm), 0);

	assert_true(wire_namelist_has(&l, "zlib"));
	assert_true(wire_namelist_has(&l, "none"));
	assert_true(wire_namelist_has(&l, "zlib@openssh.com"));
	assert_false(wire_namelist_has(&l, "zli"));
	assert_false(wire_namelist_has(&l, "zlib,none"));
	assert_false(wire_namelist_has(&l, "non"));
	assert_false(wire_namelist_has(&l, ""));
	assert_false(wire_namelist_has(&l, "zlib@openssh.co"));

	/* An empty list has no names. */
	struct wire_view e = { (const uint8_t *)"", 0 };
	pos = 0;
	assert_int_equal(wire_namelist_next(&e, &pos, &nm), 0);
	assert_false(wire_namelist_has(&e, ""));
	assert_false(wire_namelist_has(&e, "a"));

	/* One name. */
	struct wire_view one = { (const uint8_t *)"a", 1 };
	pos = 0;
	assert_int_equal(wire_namelist_next(&one, &pos, &nm), 1);
	assert_true(wire_view_eq(&nm, "a"));
	assert_int_equal(wire_namelist_next(&one, &pos, &nm), 0);
}

/* ---- writer ---- */

static void assert_written(const struct wire_w *w, const char *hex)
{
	uint8_t want[256];
	size_t n = unhex(want, sizeof(want), hex);

	assert_int_equal(wire_w_err(w), 0);
	assert_int_equal(w->len, n);
	if (n) {
		assert_memory_equal(w->p, want, n);
	}
}

static void test_writer_basic(void **state)
{
	struct wire_w w;

	wire_w_init(&w, 0);
	assert_int_equal(w.max, WIRE_MAX_BUFFER);
	assert_null(w.p);	/* allocates lazily */
	assert_int_equal(wire_put_u8(&w, 0xab), 0);
	assert_int_equal(wire_put_bool(&w, 0), 0);
	assert_int_equal(wire_put_bool(&w, 7), 0);
	assert_int_equal(wire_put_u32(&w, 699921578u), 0);
	assert_int_equal(wire_put_u64(&w, 0x0102030405060708ull), 0);
	assert_int_equal(wire_put_raw(&w, "xy", 2), 0);
	assert_int_equal(wire_put_raw(&w, NULL, 0), 0);
	assert_int_equal(wire_put_string(&w, "testing", 7), 0);
	assert_int_equal(wire_put_string(&w, NULL, 0), 0);
	assert_int_equal(wire_put_cstring(&w, "ok"), 0);
	assert_written(&w, "ab 00 01 29b7f4aa 0102030405060708 7879 00000007 74657374696e67 00000000 00000002 6f6b");
	wire_w_free(&w);
	assert_null(w.p);
	assert_int_equal(w.len, 0);
	assert_int_equal(w.cap, 0);
}

static void test_writer_grows(void **state)
{
	struct wire_w w;
	uint8_t *p;

	wire_w_init(&w, 0);
	for (uint32_t i = 0; i < 10000; i++) {
		assert_int_equal(wire_put_u32(&w, i), 0);
	}
	assert_int_equal(w.len, 40000);
	assert_true(w.cap >= w.len);
	for (uint32_t i = 0; i < 10000; i++) {
		assert_int_equal(wire_peek_u32(w.p + 4 * i), i);
	}
	p = wire_put_space(&w, 3);
	assert_non_null(p);
	assert_ptr_equal(p, w.p + 40000);
	assert_int_equal(w.len, 40003);

	/* reset: empty, no error, memory kept. */
	size_t cap = w.cap;
	wire_w_reset(&w);
	assert_int_equal(w.len, 0);
	assert_int_equal(w.cap, cap);
	assert_int_equal(w.p[0], 0);	/* old contents wiped */
	assert_int_equal(wire_put_u8(&w, 1), 0);
	assert_written(&w, "01");
	wire_w_free(&w);
}

static void test_writer_max(void **state)
{
	struct wire_w w;

	wire_w_init(&w, 10);
	assert_int_equal(wire_put_u64(&w, 1), 0);
	assert_int_equal(wire_put_u8(&w, 2), 0);
	assert_int_equal(wire_put_u8(&w, 3), 0);	/* exactly max */
	assert_int_equal(w.len, 10);
	assert_int_equal(wire_put_u8(&w, 4), SSHTUN_ERR_LIMIT);
	/* sticky: even a zero-length put fails now, and nothing is appended */
	assert_int_equal(wire_put_raw(&w, NULL, 0), SSHTUN_ERR_LIMIT);
	assert_null(wire_put_space(&w, 0));
	assert_int_equal(wire_put_string(&w, "", 0), SSHTUN_ERR_LIMIT);
	assert_int_equal(w.len, 10);
	assert_int_equal(wire_w_err(&w), SSHTUN_ERR_LIMIT);
	/* reset clears the error */
	wire_w_reset(&w);
	assert_int_equal(wire_w_err(&w), 0);
	assert_int_equal(wire_put_u32(&w, 5), 0);
	wire_w_free(&w);

	/* Huge requests fail without wrapping. */
	wire_w_init(&w, 0);
	assert_int_equal(wire_put_u8(&w, 1), 0);
	assert_null(wire_put_space(&w, SIZE_MAX));
	assert_int_equal(wire_w_err(&w), SSHTUN_ERR_LIMIT);
	wire_w_free(&w);
	wire_w_init(&w, 0);
	assert_null(wire_put_space(&w, (size_t)WIRE_MAX_BUFFER + 1));
	assert_int_equal(wire_w_err(&w), SSHTUN_ERR_LIMIT);
	wire_w_free(&w);
}

static void test_writer_fixed(void **state)
{
	uint8_t buf[9];
	struct wire_w w;

	memset(buf, 0xee, sizeof(buf));
	wire_w_init_fixed(&w, buf, 8);
	assert_int_equal(wire_put_u32(&w, 0x01020304), 0);
	assert_int_equal(wire_put_u32(&w, 0x05060708), 0);
	assert_ptr_equal(w.p, buf);	/* never reallocated */
	assert_int_equal(wire_put_u8(&w, 9), SSHTUN_ERR_LIMIT);
	assert_int_equal(wire_put_u8(&w, 9), SSHTUN_ERR_LIMIT);
	assert_int_equal(w.len, 8);
	assert_ptr_equal(w.p, buf);
	assert_memory_equal(buf, "\x01\x02\x03\x04\x05\x06\x07\x08\xee", 9);
	/* free wipes the caller's memory but does not free it */
	wire_w_free(&w);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0\xee", 9);
	assert_null(w.p);

	/* A string that does not fit writes nothing partial that counts: the error sticks. */
	wire_w_init_fixed(&w, buf, 8);
	assert_int_equal(wire_put_string(&w, "hello", 5), SSHTUN_ERR_LIMIT);
	assert_int_equal(wire_w_err(&w), SSHTUN_ERR_LIMIT);
	assert_int_equal(wire_put_u8(&w, 1), SSHTUN_ERR_LIMIT);
	wire_w_free(&w);

	/* Zero capacity. */
	wire_w_init_fixed(&w, buf, 0);
	assert_int_equal(wire_put_raw(&w, NULL, 0), 0);
	assert_int_equal(wire_put_u8(&w, 1), SSHTUN_ERR_LIMIT);
	wire_w_free(&w);
}

static void test_writer_string_too_long(void **state)
{
	struct wire_w w;
	uint8_t *big = calloc(1, (size_t)WIRE_MAX_STRING + 1);

	assert_non_null(big);
	wire_w_init(&w, 0);
	assert_int_equal(wire_put_string(&w, big, WIRE_MAX_STRING + 1), SSHTUN_ERR_TOO_LONG);
	assert_int_equal(w.len, 0);
	assert_int_equal(wire_put_u8(&w, 1), SSHTUN_ERR_TOO_LONG);
	wire_w_free(&w);
	wire_w_init(&w, 0);
	assert_int_equal(wire_put_string(&w, big, WIRE_MAX_STRING), 0);
	assert_int_equal(w.len, 4 + WIRE_MAX_STRING);
	wire_w_free(&w);
	free(big);
}

static void test_writer_mpint(void **state)
{
	static const struct {
		const char *mag;
		const char *want;
	} cases[] = {
		{ "", "00000000" },
		{ "00", "00000000" },
		{ "000000", "00000000" },
		{ "09a378f9b2e332a7", "00000008 09a378f9b2e332a7" },
		{ "0009a378f9b2e332a7", "00000008 09a378f9b2e332a7" },
		{ "80", "00000002 0080" },
		{ "000080", "00000002 0080" },
		{ "7f", "00000001 7f" },
		{ "0000ffff", "00000003 00ffff" },
		{ "0100", "00000002 0100" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t mag[32];
		size_t n = unhex(mag, sizeof(mag), cases[i].mag);
		struct wire_w w;

		wire_w_init(&w, 0);
		assert_int_equal(wire_put_mpint(&w, mag, n), 0);
		assert_written(&w, cases[i].want);
		wire_w_free(&w);
	}
}

static void test_writer_namelist(void **state)
{
	static const char *const ok[] = { "", "a", "a,b", "zlib,none" };
	static const char *const bad[] = { ",", ",a", "a,", "a,,b", "a b", "a\x01", "a\x7f", "\xc3\xa9",
		"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" /* 65 */ };
	struct wire_w w;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		wire_w_init(&w, 0);
		assert_int_equal(wire_put_namelist(&w, ok[i]), 0);
		assert_int_equal(w.len, 4 + strlen(ok[i]));
		assert_int_equal(wire_peek_u32(w.p), strlen(ok[i]));
		wire_w_free(&w);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wire_w_init(&w, 0);
		if (wire_put_namelist(&w, bad[i]) != SSHTUN_ERR_BAD_FORMAT) {
			fail_msg("writer accepted name-list #%zu", i);
		}
		assert_int_equal(w.len, 0);
		wire_w_free(&w);
	}
	wire_w_init(&w, 0);
	assert_int_equal(wire_put_namelist(&w, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn,x"), 0);
	wire_w_free(&w);
}

/* Everything the writer writes, the reader reads back as the same values. */
static void test_round_trip(void **state)
{
	static const uint8_t blob[] = { 0, 1, 2, 0xfe, 0xff };
	static const uint8_t mag[] = { 0x00, 0x80, 0x00, 0x01 };
	static const uint8_t key[32] = { 1, 2, 3 };
	struct wire_w w, inner;
	struct wire_r r, sub;
	struct wire_view v;
	uint8_t u8 = 0, k32[32], raw[3];
	uint32_t u32 = 0;
	uint64_t u64 = 0;
	int b = 0;
	char cs[32];

	wire_w_init(&inner, 0);
	wire_put_cstring(&inner, "ssh-ed25519");
	wire_put_string(&inner, key, sizeof(key));
	assert_int_equal(wire_w_err(&inner), 0);

	wire_w_init(&w, 0);
	wire_put_u8(&w, 94);
	wire_put_bool(&w, 1);
	wire_put_bool(&w, 0);
	wire_put_u32(&w, 0xcafebabe);
	wire_put_u64(&w, 0xfedcba9876543210ull);
	wire_put_string(&w, blob, sizeof(blob));
	wire_put_string(&w, key, sizeof(key));
	wire_put_cstring(&w, "tun@openssh.com");
	wire_put_string(&w, inner.p, inner.len);
	wire_put_mpint(&w, mag, sizeof(mag));
	wire_put_mpint(&w, NULL, 0);
	wire_put_namelist(&w, "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com");
	wire_put_raw(&w, "abc", 3);
	assert_int_equal(wire_w_err(&w), 0);

	wire_r_init(&r, w.p, w.len);
	assert_int_equal(wire_get_u8(&r, &u8), 0);
	assert_int_equal(u8, 94);
	assert_int_equal(wire_get_bool(&r, &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(wire_get_bool(&r, &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(wire_get_u32(&r, &u32), 0);
	assert_int_equal(u32, 0xcafebabe);
	assert_int_equal(wire_get_u64(&r, &u64), 0);
	assert_true(u64 == 0xfedcba9876543210ull);
	assert_int_equal(wire_get_string(&r, &v), 0);
	assert_int_equal(v.n, sizeof(blob));
	assert_memory_equal(v.p, blob, sizeof(blob));
	assert_int_equal(wire_get_string_exact(&r, k32, sizeof(k32)), 0);
	assert_memory_equal(k32, key, sizeof(key));
	assert_int_equal(wire_get_cstring(&r, cs, sizeof(cs)), 0);
	assert_string_equal(cs, "tun@openssh.com");
	assert_int_equal(wire_get_sub(&r, &sub), 0);
	assert_int_equal(wire_get_cstring(&sub, cs, sizeof(cs)), 0);
	assert_string_equal(cs, "ssh-ed25519");
	assert_int_equal(wire_get_string_exact(&sub, k32, sizeof(k32)), 0);
	assert_memory_equal(k32, key, sizeof(key));
	assert_int_equal(wire_end(&sub), 0);
	assert_int_equal(wire_get_mpint(&r, &v), 0);
	assert_int_equal(v.n, 3);
	assert_memory_equal(v.p, mag + 1, 3);
	assert_int_equal(wire_get_mpint(&r, &v), 0);
	assert_int_equal(v.n, 0);
	assert_int_equal(wire_get_namelist(&r, &v), 0);
	assert_true(wire_namelist_has(&v, "aes256-gcm@openssh.com"));
	assert_true(wire_namelist_has(&v, "chacha20-poly1305@openssh.com"));
	assert_int_equal(wire_get_bytes(&r, raw, 3), 0);
	assert_memory_equal(raw, "abc", 3);
	assert_int_equal(wire_end(&r), 0);

	wire_w_free(&inner);
	wire_w_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_kinds_valid),
		cmocka_unit_test(test_all_kinds_truncated),
		cmocka_unit_test(test_sticky_errors),
		cmocka_unit_test(test_sticky_after_real_failure),
		cmocka_unit_test(test_init_and_left),
		cmocka_unit_test(test_u8_bool),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_raw_bytes_skip),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_string_lengths),
		cmocka_unit_test(test_string_max),
		cmocka_unit_test(test_string_exact),
		cmocka_unit_test(test_cstring),
		cmocka_unit_test(test_sub),
		cmocka_unit_test(test_wire_end),
		cmocka_unit_test(test_mpint_rfc_examples),
		cmocka_unit_test(test_mpint_leading_zeros),
		cmocka_unit_test(test_mpint_size_cap),
		cmocka_unit_test(test_namelist_valid),
		cmocka_unit_test(test_namelist_invalid),
		cmocka_unit_test(test_namelist_name_length),
		cmocka_unit_test(test_namelist_total_cap),
		cmocka_unit_test(test_namelist_iterate),
		cmocka_unit_test(test_writer_basic),
		cmocka_unit_test(test_writer_grows),
		cmocka_unit_test(test_writer_max),
		cmocka_unit_test(test_writer_fixed),
		cmocka_unit_test(test_writer_string_too_long),
		cmocka_unit_test(test_writer_mpint),
		cmocka_unit_test(test_writer_namelist),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
