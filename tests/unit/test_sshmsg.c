/*
 * sshtun: unit tests of the fuzzing message-stream format and its mutator (fuzz/sshmsg.c,
 * fuzz/sshmsg_mutate.c). They are not in libsshtun.a, so the files are included whole, with the test
 * counters and hooks compiled in.
 */
#include "tests/unit/testutil.h"

#define SSHMSG_TEST 1
#include "fuzz/sshmsg.c"
#include "fuzz/sshmsg_mutate.c"

enum {
	T_MUTATIONS = 25000,
	T_CROSSOVERS = 6000,
	T_POOL = 64,
	T_MAXLEN = 4096
};

/*
 * libFuzzer's byte mutator stands in: flips, inserts or erases bytes. Its choices come from a hash of its
 * arguments, so a mutation repeats for the same input and seed. It checks libFuzzer's contract as it goes.
 */
size_t LLVMFuzzerMutate(uint8_t *Data, size_t Size, size_t MaxSize)
{
	uint64_t s = 0xcbf29ce484222325ULL ^ Size ^ ((uint64_t)MaxSize << 24);
	size_t at;

	assert_true(MaxSize >= 1);
	assert_true(Size <= MaxSize);
	for (size_t i = 0; i < Size; i++) {
		s = (s ^ Data[i]) * 0x100000001b3ULL;
	}
	for (size_t n = 1 + rnd_below(&s, 4); n > 0; n--) {
		at = rnd_below(&s, Size + 1);
		switch (rnd_below(&s, 3)) {
		case 0:
			if (at < Size) {
				Data[at] ^= (uint8_t)(1u << rnd_below(&s, 8));
			}
			break;
		case 1:
			if (Size < MaxSize) {
				memmove(Data + at + 1, Data + at, Size - at);
				Data[at] = (uint8_t)rnd(&s);
				Size++;
			}
			break;
		default:
			if (at < Size) {
				memmove(Data + at, Data + at + 1, Size - at - 1);
				Size--;
			}
		}
	}
	return Size;
}

/* A growing test input: a byte array with an SSH-style writer. */
struct t_buf {
	uint8_t b[T_MAXLEN];
	size_t n;
};

static void t_u8(struct t_buf *t, uint8_t v)
{
	assert_true(t->n < sizeof(t->b));
	t->b[t->n++] = v;
}

static void t_u32(struct t_buf *t, uint32_t v)
{
	assert_true(sizeof(t->b) - t->n >= 4);
	wire_poke_u32(t->b + t->n, v);
	t->n += 4;
}

static void t_raw(struct t_buf *t, const void *p, size_t n)
{
	assert_true(sizeof(t->b) - t->n >= n);
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static void t_str(struct t_buf *t, const void *p, size_t n)
{
	t_u32(t, (uint32_t)n);
	t_raw(t, p, n);
}

static void t_cstr(struct t_buf *t, const char *s)
{
	t_str(t, s, strlen(s));
}

static void t_rec(struct t_buf *in, const struct t_buf *payload, int raw)
{
	in->n = sshmsg_append(in->b, in->n, sizeof(in->b), payload->b, payload->n, raw);
	assert_true(in->n > 0);
}

/* flags, the version line, a KEXINIT, an ECDH reply (a key blob and a signature in strings), a torn packet. */
static void t_seed_session(struct t_buf *in)
{
	static const char *const lists[10] = {
		"curve25519-sha256,curve25519-sha256@libssh.org,ext-info-s,kex-strict-s-v00@openssh.com",
		"ssh-ed25519,rsa-sha2-512", "chacha20-poly1305@openssh.com,aes128-ctr",
		"chacha20-poly1305@openssh.com,aes128-ctr", "hmac-sha2-256", "hmac-sha2-256", "none,zlib@openssh.com",
		"none", "", "",
	};
	struct t_buf p = { .n = 0 }, blob = { .n = 0 }, sig = { .n = 0 };
	uint8_t k[64];

	in->n = 0;
	t_u8(in, 0x03);
	t_raw(&p, "SSH-2.0-x\r\n", 11);
	t_rec(in, &p, 1);
	p.n = 0;
	t_u8(&p, 20);
	memset(k, 0x5c, sizeof(k));
	t_raw(&p, k, 16);
	for (int i = 0; i < 10; i++) {
		t_cstr(&p, lists[i]);
	}
	t_u8(&p, 0);
	t_u32(&p, 0);
	t_rec(in, &p, 0);
	t_cstr(&blob, "ssh-ed25519");
	t_str(&blob, k, 32);
	t_cstr(&sig, "ssh-ed25519");
	t_str(&sig, k, 64);
	p.n = 0;
	t_u8(&p, 31);
	t_str(&p, blob.b, blob.n);
	t_str(&p, k, 32);
	t_str(&p, sig.b, sig.n);
	t_rec(in, &p, 0);
	p.n = 0;
	t_u32(&p, 0x1c);
	t_raw(&p, "\x06\x05\x00\x00", 4);
	t_rec(in, &p, 1);
}

/*
 * Whether d is flags and whole records (every header's length within the input, no stray header byte); sets
 * *count to the number of records.
 */
static int t_well_formed(const uint8_t *d, size_t n, size_t *count)
{
	size_t off = 1, len;

	*count = 0;
	if (n == 0) {
		return 1;
	}
	while (off < n) {
		if (n - off < 2) {
			return 0;
		}
		len = ((size_t)d[off] << 8 | d[off + 1]) & SSHMSG_LEN_MASK;
		if (len > n - off - 2) {
			return 0;
		}
		off += 2 + len;
		(*count)++;
	}
	return 1;
}

/* The first record of d, which must be there. */
static struct rec t_first(const uint8_t *d, size_t n)
{
	struct sshmsg_iter it;
	struct rec r;
	const uint8_t *p = NULL;
	size_t len = 0;
	int raw = 0;

	sshmsg_begin(&it, d, n);
	assert_true(sshmsg_next(&it, &p, &len, &raw));
	r.p = p;
	r.len = (uint16_t)len;
	r.raw = (uint8_t)raw;
	return r;
}

static void t_iter_expect(struct sshmsg_iter *it, const uint8_t *at, size_t len, int raw)
{
	const uint8_t *p = NULL;
	size_t n = 99;
	int r = 99;

	assert_int_equal(sshmsg_next(it, &p, &n, &r), 1);
	assert_ptr_equal(p, at);
	assert_int_equal(n, len);
	assert_int_equal(r, raw);
}

static void t_iter_end(struct sshmsg_iter *it)
{
	const uint8_t *p;
	size_t n;
	int r;

	assert_int_equal(sshmsg_next(it, &p, &n, &r), 0);
	assert_int_equal(sshmsg_next(it, &p, &n, &r), 0);
}

static void t_iter(void **state)
{
	static const uint8_t in[] = { 0x5a, 0x00, 0x03, 'a', 'b', 'c', 0x80, 0x02, 'x', 'y', 0x00, 0x00, 0x00, 0x05,
		'h', 'i' };
	static const uint8_t stray[] = { 0x01, 0x00, 0x01, 'z', 0x80 };
	static const uint8_t bare[] = { 0x00, 0xff, 0xff };
	static const uint8_t flags_only[] = { 0x07 };
	struct sshmsg_iter it;

	/* Records in order, the raw bit apart from the length, a last record cut short taken as far as it goes. */
	assert_int_equal(sshmsg_begin(&it, in, sizeof(in)), 0x5a);
	t_iter_expect(&it, in + 3, 3, 0);
	t_iter_expect(&it, in + 8, 2, 1);
	t_iter_expect(&it, in + 12, 0, 0);
	t_iter_expect(&it, in + 14, 2, 0);
	t_iter_end(&it);
	/* One stray header byte is the end. */
	assert_int_equal(sshmsg_begin(&it, stray, sizeof(stray)), 0x01);
	t_iter_expect(&it, stray + 3, 1, 0);
	t_iter_end(&it);
	/* A whole header and no bytes: an empty raw record of the longest length. */
	assert_int_equal(sshmsg_begin(&it, bare, sizeof(bare)), 0);
	t_iter_expect(&it, bare + 3, 0, 1);
	t_iter_end(&it);
	assert_int_equal(sshmsg_begin(&it, flags_only, sizeof(flags_only)), 7);
	t_iter_end(&it);
	assert_int_equal(sshmsg_begin(&it, NULL, 0), 0);
	t_iter_end(&it);
	assert_int_equal(sshmsg_begin(&it, in, 0), 0);
	t_iter_end(&it);
}

static void t_append(void **state)
{
	static uint8_t big[SSHMSG_LEN_MASK + 1];
	uint8_t b[17];
	struct sshmsg_iter it;
	size_t n;

	memset(b, 0xee, sizeof(b));
	n = sshmsg_append(b, 0, 16, "abc", 3, 0);
	assert_int_equal(n, 6);
	assert_memory_equal(b, "\x00\x00\x03" "abc", 6);
	n = sshmsg_append(b, n, 16, "xy", 2, 1);
	assert_int_equal(n, 10);
	assert_memory_equal(b + 6, "\x80\x02xy", 4);
	/* 9 bytes do not fit in 6: nothing is written. */
	assert_int_equal(sshmsg_append(b, n, 16, "1234567", 7, 0), 0);
	assert_int_equal(b[10], 0xee);
	n = sshmsg_append(b, n, 16, "1234", 4, 0);
	assert_int_equal(n, 16);
	assert_int_equal(b[16], 0xee);
	assert_int_equal(sshmsg_append(b, n, 16, NULL, 0, 0), 0);
	assert_int_equal(sshmsg_append(b, 17, 16, NULL, 0, 0), 0);
	/* The reader reads back what was written. */
	assert_int_equal(sshmsg_begin(&it, b, n), 0);
	t_iter_expect(&it, b + 3, 3, 0);
	t_iter_expect(&it, b + 8, 2, 1);
	t_iter_expect(&it, b + 12, 4, 0);
	t_iter_end(&it);
	/* An empty output gets its flags byte, which must fit too. */
	assert_int_equal(sshmsg_append(b, 0, 2, NULL, 0, 1), 0);
	assert_int_equal(sshmsg_append(b, 0, 3, NULL, 0, 1), 3);
	assert_memory_equal(b, "\x00\x80\x00", 3);
	/* The longest record fits; one byte more is refused whatever the room. */
	assert_int_equal(sshmsg_append(b, 0, SIZE_MAX, big, SSHMSG_LEN_MASK + 1, 0), 0);
	{
		uint8_t *out = malloc(SSHMSG_LEN_MASK + 3);

		assert_non_null(out);
		assert_int_equal(sshmsg_append(out, 0, SSHMSG_LEN_MASK + 3, big, SSHMSG_LEN_MASK, 1),
			SSHMSG_LEN_MASK + 3);
		assert_int_equal(out[1], 0xff);
		assert_int_equal(out[2], 0xff);
		free(out);
	}
}

/* Seeds for the long runs: the session, one small message, nothing, flags only, noise, many tiny records. */
static size_t t_seeds(struct t_buf *seeds, size_t max)
{
	struct t_buf p = { .n = 0 };
	uint64_t s = 7;
	size_t i;

	assert_true(max >= 6);
	t_seed_session(&seeds[0]);
	seeds[1].n = 0;
	t_u8(&seeds[1], 0);
	t_u8(&p, 2);
	t_cstr(&p, "abc");
	t_rec(&seeds[1], &p, 0);
	seeds[2].n = 0;
	seeds[3].n = 1;
	seeds[3].b[0] = 0xa5;
	for (i = 0; i < 300; i++) {
		seeds[4].b[i] = (uint8_t)rnd(&s);
	}
	seeds[4].n = i;
	seeds[5].n = 0;
	t_u8(&seeds[5], 0);
	for (i = 0; i < 600; i++) {
		p.n = 1;
		p.b[0] = (uint8_t)i;
		t_rec(&seeds[5], &p, 1);
	}
	return 6;
}

static void t_mutate(void **state)
{
	static struct t_buf seeds[6], cur;
	size_t nseeds = t_seeds(seeds, 6), max, n1, n2, cap, count, same = 0;
	uint64_t s = 1;
	uint8_t *b1, *b2;
	unsigned seed;

	memset(sshmsg_test_count, 0, sizeof(sshmsg_test_count));
	for (int i = 0; i < T_MUTATIONS; i++) {
		/* Chains of mutations, restarted from a seed now and then. */
		if (i % 16 == 0) {
			cur = seeds[rnd_below(&s, nseeds)];
		}
		max = 1 + rnd_below(&s, T_MAXLEN);
		seed = (unsigned)rnd(&s);
		/* libFuzzer's buffer holds max bytes; an input longer than that is tried too. */
		cap = cur.n > max ? cur.n : max;
		b1 = malloc(cap);
		b2 = malloc(cap);
		assert_true(b1 != NULL && b2 != NULL);
		if (cur.n > 0) {
			memcpy(b1, cur.b, cur.n);
			memcpy(b2, cur.b, cur.n);
		}
		n1 = sshmsg_mutate(b1, cur.n, max, seed);
		n2 = sshmsg_mutate(b2, cur.n, max, seed);
		assert_true(n1 >= 1 && n1 <= max);
		assert_true(t_well_formed(b1, n1, &count));
		assert_true(count <= SSHMSG_MAX_RECORDS);
		/* The same input and seed give the same output. */
		assert_int_equal(n1, n2);
		assert_memory_equal(b1, b2, n1);
		same += n1 == cur.n && memcmp(b1, cur.b, n1) == 0;
		memcpy(cur.b, b1, n1);
		cur.n = n1;
		free(b1);
		free(b2);
	}
	/* Every mutation happened (both runs count), and an output rarely equals its input. */
	for (int k = 0; k < MK_NKINDS; k++) {
		assert_true(sshmsg_test_count[k] >= 2);
	}
	assert_true(same < T_MUTATIONS / 20);
	/* No room at all: nothing written. */
	assert_int_equal(sshmsg_mutate(cur.b, cur.n, 0, 1), 0);
}

/* An empty input comes back as flags and one small record, given room. */
static void t_mutate_empty(void **state)
{
	uint8_t b[T_MAXLEN];
	size_t n, count;

	for (unsigned seed = 0; seed < 200; seed++) {
		n = sshmsg_mutate(b, 0, sizeof(b), seed);
		assert_true(t_well_formed(b, n, &count));
		assert_true(count >= 1);
	}
}

/* Whether p[0..n) is strings, end to end; returns how many, or -1. */
static int t_strings(const uint8_t *p, size_t n)
{
	size_t off = 0;
	uint32_t l;
	int count = 0;

	while (off < n) {
		if (n - off < 4 || (l = wire_peek_u32(p + off)) > n - off - 4) {
			return -1;
		}
		off += 4 + l;
		count++;
	}
	return count;
}

/* Runs mutate on in with the kind and string forced; returns the one record of the output. */
static struct rec t_forced(const struct t_buf *in, uint8_t *out, int kind, int str, unsigned seed)
{
	unsigned long before = sshmsg_test_count[kind];
	size_t n, count;

	memcpy(out, in->b, in->n);
	sshmsg_test_kind = kind;
	sshmsg_test_str = str;
	n = sshmsg_mutate(out, in->n, T_MAXLEN, seed);
	sshmsg_test_kind = -1;
	sshmsg_test_str = -1;
	assert_int_equal(sshmsg_test_count[kind], before + 1);
	assert_true(t_well_formed(out, n, &count));
	assert_int_equal(count, 1);
	return t_first(out, n);
}

static size_t t_candidates(const uint8_t *p, size_t n)
{
	size_t count = 0;
	struct str s;

	for (size_t off = 1; off + 4 <= n; off++) {
		count += (size_t)str_at(p, n, off, &s);
	}
	return count;
}

/*
 * A host key blob in a string, then a signature string: after a change to a string inside the blob (new
 * contents, a name, a copy, a deletion, a cut), the blob's length is the bytes of its strings, and the signature
 * that follows is whole.
 */
static void t_fixup_blob(void **state)
{
	static const int kinds_fixed[] = { MK_STR_MUTATE, MK_STR_DICT, MK_STR_DUP, MK_STR_DEL, MK_STR_CUT };
	static const int strings_after[] = { 2, 2, 3, 1, 2 };
	static uint8_t out[T_MAXLEN];
	struct t_buf in = { .n = 0 }, p = { .n = 0 }, blob = { .n = 0 };
	uint8_t key[32];
	uint32_t outer;
	int changed[2] = { 0, 0 };

	memset(key, 0xaa, sizeof(key));
	t_cstr(&blob, "ssh-ed25519");
	t_str(&blob, key, sizeof(key));
	t_u8(&p, 31);
	t_str(&p, blob.b, blob.n);
	t_cstr(&p, "sigX");
	/* Four candidates: the blob, its two strings, the signature; nothing false among them. */
	assert_int_equal(t_candidates(p.b, p.n), 4);
	t_u8(&in, 0);
	t_rec(&in, &p, 0);
	for (size_t k = 0; k < sizeof(kinds_fixed) / sizeof(kinds_fixed[0]); k++) {
		for (int str = 1; str <= 2; str++) {
			for (unsigned seed = 0; seed < 100; seed++) {
				struct rec r = t_forced(&in, out, kinds_fixed[k], str, seed);

				assert_false(r.raw);
				assert_true(r.len >= 5 + 8);
				assert_int_equal(r.p[0], 31);
				outer = wire_peek_u32(r.p + 1);
				assert_int_equal(5 + (size_t)outer + 8, r.len);
				assert_memory_equal(r.p + 5 + outer, "\x00\x00\x00\x04sigX", 8);
				assert_int_equal(t_strings(r.p + 5, outer), strings_after[k]);
				/* The string not chosen is as it was. */
				if (kinds_fixed[k] == MK_STR_MUTATE && str == 1) {
					assert_memory_equal(r.p + outer + 5 - 36, "\x00\x00\x00\x20", 4);
					changed[0] += wire_peek_u32(r.p + 5) != 11;
				} else if (kinds_fixed[k] == MK_STR_MUTATE) {
					assert_memory_equal(r.p + 5, "\x00\x00\x00\x0bssh-ed25519", 15);
					changed[1] += wire_peek_u32(r.p + 20) != 32;
				}
			}
		}
	}
	/* The stand-in mutator did change lengths, so the fix-up was needed. */
	assert_true(changed[0] > 10 && changed[1] > 10);
}

/* Three strings, each inside the next: a change to the innermost rewrites both lengths around it. */
static void t_fixup_nested(void **state)
{
	static uint8_t out[T_MAXLEN];
	struct t_buf in = { .n = 0 }, p = { .n = 0 };
	uint32_t a, b, c;
	int grew = 0;

	t_u8(&p, 50);
	t_u32(&p, 16);
	t_u32(&p, 12);
	t_cstr(&p, "abcdefgh");
	assert_int_equal(t_candidates(p.b, p.n), 3);
	t_u8(&in, 0);
	t_rec(&in, &p, 0);
	for (unsigned seed = 0; seed < 300; seed++) {
		struct rec r = t_forced(&in, out, seed % 2 ? MK_STR_MUTATE : MK_STR_DICT, 2, seed);

		a = wire_peek_u32(r.p + 1);
		b = wire_peek_u32(r.p + 5);
		c = wire_peek_u32(r.p + 9);
		assert_int_equal(r.len, 5 + (size_t)a);
		assert_int_equal(a, 4 + b);
		assert_int_equal(b, 4 + c);
		grew += c > 8;
	}
	assert_true(grew > 0);
}

/*
 * A zero byte before a real length makes a false candidate that overlaps it and also holds the string:
 * only the real length is rewritten, so its bytes are not torn by the false one's.
 */
static void t_fixup_overlap(void **state)
{
	static uint8_t out[T_MAXLEN];
	struct t_buf in = { .n = 0 }, p = { .n = 0 };
	uint8_t rest[3072 - 11];
	size_t inner;

	memset(rest, 0xaa, sizeof(rest));
	t_u8(&p, 20);
	t_u8(&p, 0);
	t_u32(&p, 3072);
	t_cstr(&p, "ssh-rsa");
	t_raw(&p, rest, sizeof(rest));
	/* At 1 (false, 12), 2 (real), 5 (false, 0), 6 (ours), 7 (false, 0x773). */
	assert_int_equal(t_candidates(p.b, p.n), 5);
	t_u8(&in, 0);
	t_rec(&in, &p, 0);
	for (unsigned seed = 0; seed < 100; seed++) {
		struct rec r = t_forced(&in, out, seed % 2 ? MK_STR_MUTATE : MK_STR_DICT, 3, seed);

		inner = wire_peek_u32(r.p + 6);
		assert_int_equal(r.p[1], 0);
		assert_int_equal(wire_peek_u32(r.p + 2), 4 + inner + sizeof(rest));
		assert_int_equal(r.len, 10 + inner + sizeof(rest));
		assert_memory_equal(r.p + 10 + inner, rest, sizeof(rest));
	}
}

/* Whether r is, bytes and raw bit, one of the records of d. */
static int t_has_record(const uint8_t *d, size_t n, struct rec r)
{
	struct sshmsg_iter it;
	const uint8_t *p;
	size_t len;
	int raw;

	sshmsg_begin(&it, d, n);
	while (sshmsg_next(&it, &p, &len, &raw)) {
		if (len == r.len && raw == r.raw && memcmp(p, r.p, len) == 0) {
			return 1;
		}
	}
	return 0;
}

static void t_crossover(void **state)
{
	static struct t_buf seeds[6], pool[T_POOL];
	size_t nseeds = t_seeds(seeds, 6), max, n, count;
	uint64_t s = 3;
	struct sshmsg_iter it;
	struct rec r;
	const uint8_t *p;
	size_t len;
	int raw, mixed = 0;

	/* A pool of parents: the seeds and mutants of them. */
	for (size_t i = 0; i < T_POOL; i++) {
		pool[i] = seeds[i % nseeds];
		for (int m = 0; m < 8 && i >= nseeds; m++) {
			pool[i].n = sshmsg_mutate(pool[i].b, pool[i].n, sizeof(pool[i].b), (unsigned)rnd(&s));
		}
	}
	for (int i = 0; i < T_CROSSOVERS; i++) {
		const struct t_buf *x = &pool[rnd_below(&s, T_POOL)], *y = &pool[rnd_below(&s, T_POOL)];
		int from_x = 0, from_y = 0;
		uint8_t *out;

		max = 1 + rnd_below(&s, T_MAXLEN);
		out = malloc(max);
		assert_non_null(out);
		n = sshmsg_crossover(x->b, x->n, y->b, y->n, out, max, (unsigned)rnd(&s));
		assert_true(n >= 1 && n <= max);
		assert_true(t_well_formed(out, n, &count));
		assert_true(out[0] == (x->n ? x->b[0] : 0) || out[0] == (y->n ? y->b[0] : 0));
		/* Every record comes whole from a parent. */
		sshmsg_begin(&it, out, n);
		while (sshmsg_next(&it, &p, &len, &raw)) {
			r.p = p;
			r.len = (uint16_t)len;
			r.raw = (uint8_t)raw;
			from_x |= t_has_record(x->b, x->n, r);
			from_y |= t_has_record(y->b, y->n, r);
			assert_true(t_has_record(x->b, x->n, r) || t_has_record(y->b, y->n, r));
		}
		mixed += from_x && from_y && x != y;
		free(out);
	}
	assert_true(mixed > T_CROSSOVERS / 10);
	assert_int_equal(sshmsg_crossover(pool[0].b, pool[0].n, pool[1].b, pool[1].n, NULL, 0, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_iter),
		cmocka_unit_test(t_append),
		cmocka_unit_test(t_mutate),
		cmocka_unit_test(t_mutate_empty),
		cmocka_unit_test(t_fixup_blob),
		cmocka_unit_test(t_fixup_nested),
		cmocka_unit_test(t_fixup_overlap),
		cmocka_unit_test(t_crossover),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
