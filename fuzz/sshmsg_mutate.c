/*
 * sshtun fuzzing: the structure-aware mutator of the message-stream format (fuzz/sshmsg.h).
 *
 * sshmsg_mutate reads the input into records that point into a private copy of it, applies one to three
 * mutations (a rewritten record gets a buffer of its own), and writes the records back with correct headers.
 * No global state: the same input and seed give the same output, for the same LLVMFuzzerMutate.
 */
#include "fuzz/sshmsg.h"

#include <stdlib.h>
#include <string.h>

#include "util/wire.h"

/* libFuzzer's byte-level mutator (the unit test brings its own). */
size_t LLVMFuzzerMutate(uint8_t *Data, size_t Size, size_t MaxSize);

enum {
	/* Buffers one sshmsg_mutate may own: the input copy, then at most two per mutation. */
	SSHMSG_OWN = 16,
	SSHMSG_NAMES_MAX = 128,	/* a list of up to three dictionary names */
	SSHMSG_SYNTH_MAX = 1 + 2 * (4 + SSHMSG_NAMES_MAX),	/* a message number and two fields */
	SSHMSG_ATTEMPTS = 16	/* draws before a step falls back to flipping flags */
};

/* The mutations; under the unit test each one has a counter. */
enum sshmsg_kind {
	MK_BYTES, MK_STR_MUTATE, MK_STR_LEN, MK_STR_DICT, MK_STR_DUP, MK_STR_DEL, MK_STR_CUT, MK_U32, MK_MSGNO,
	MK_REC_DEL, MK_REC_DUP, MK_REC_SWAP, MK_REC_MOVE, MK_REC_INSERT, MK_REC_SPLIT, MK_REC_JOIN, MK_REC_RAW,
	MK_FLAGS, MK_NKINDS
};

static const char *const names[] = {
	"curve25519-sha256", "curve25519-sha256@libssh.org", "sntrup761x25519-sha512@openssh.com",
	"mlkem768x25519-sha256", "diffie-hellman-group14-sha256", "ecdh-sha2-nistp256", "ssh-ed25519",
	"ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-ed25519-cert-v01@openssh.com",
	"sk-ssh-ed25519@openssh.com", "chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
	"aes256-gcm@openssh.com", "aes128-ctr", "aes256-ctr", "hmac-sha2-256", "hmac-sha2-256-etm@openssh.com",
	"none", "zlib", "zlib@openssh.com", "ext-info-c", "ext-info-s", "kex-strict-c-v00@openssh.com",
	"kex-strict-s-v00@openssh.com", "server-sig-algs", "ping@openssh.com", "publickey-hostbound@openssh.com",
	"publickey", "password", "keyboard-interactive", "ssh-userauth", "ssh-connection", "session",
	"tun@openssh.com", "keepalive@openssh.com", "hostkeys-00@openssh.com", "no-more-sessions@openssh.com",
	"exit-status", "exit-signal", "en", "",
};

static const uint8_t common_msgs[] = {
	1, 2, 3, 4, 5, 6, 7, 20, 21, 30, 31, 50, 51, 52, 53, 60, 61, 80, 81, 82,
	90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100,
};

static const uint32_t interesting[] = {
	0, 1, 2, 4, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
	0xfffffffe, 0xffffffff,
};

/* A record: a view into the input copy, an owned buffer or (crossover) a parent. */
struct rec {
	const uint8_t *p;
	uint16_t len;
	uint8_t raw;
};

/* A string candidate in a payload: a uint32 at off whose contents end within the payload. */
struct str {
	size_t off, len;
};

struct work {
	uint64_t rng;
	size_t max;	/* the output's bound */
	size_t n;
	uint8_t flags;
	size_t nown;
	uint8_t *own[SSHMSG_OWN];
	struct rec r[SSHMSG_MAX_RECORDS];
};

#ifdef SSHMSG_TEST
/* Under the unit test only: how often each mutation was applied, and forced choices (-1: none). */
static unsigned long sshmsg_test_count[MK_NKINDS];
static int sshmsg_test_kind = -1, sshmsg_test_str = -1;
#endif

/* splitmix64: small, fast, and all the randomness one input needs. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t rnd_below(uint64_t *s, size_t n)
{
	return n ? (size_t)(rnd(s) % n) : 0;
}

/* Reads at most SSHMSG_MAX_RECORDS records; a record cut short becomes a whole shorter one. */
static uint8_t recs_read(const uint8_t *d, size_t size, struct rec *r, size_t *n)
{
	struct sshmsg_iter it;
	const uint8_t *p;
	size_t len;
	int raw;
	uint8_t flags = sshmsg_begin(&it, d, size);

	*n = 0;
	while (*n < SSHMSG_MAX_RECORDS && sshmsg_next(&it, &p, &len, &raw)) {
		r[*n].p = p;
		r[*n].len = (uint16_t)len;
		r[*n].raw = (uint8_t)raw;
		(*n)++;
	}
	return flags;
}

/* Writes flags and records; the first record that does not fit ends the output, so none is torn. */
static size_t recs_write(uint8_t flags, const struct rec *r, size_t n, uint8_t *out, size_t max)
{
	size_t size = 1, next;

	if (max == 0) {
		return 0;
	}
	out[0] = flags;
	for (size_t i = 0; i < n; i++) {
		next = sshmsg_append(out, size, max, r[i].p, r[i].len, r[i].raw);
		if (next == 0) {
			break;
		}
		size = next;
	}
	return size;
}

/* LLVMFuzzerMutate within a buffer of cap bytes (cap >= 1, n <= cap), distrusting its result. */
static size_t bytes_mutate(uint8_t *b, size_t n, size_t cap)
{
	size_t m = LLVMFuzzerMutate(b, n, cap);

	return m <= cap ? m : cap;
}

static size_t work_size(const struct work *w)
{
	size_t s = 1;

	for (size_t i = 0; i < w->n; i++) {
		s += 2 + w->r[i].len;
	}
	return s;
}

/* How long record i may become: the output stays within max, the record within SSHMSG_LEN_MASK. */
static size_t work_room(const struct work *w, size_t i)
{
	size_t s = work_size(w), room = w->r[i].len;

	if (s < w->max) {
		room += w->max - s;
	}
	return room < SSHMSG_LEN_MASK ? room : SSHMSG_LEN_MASK;
}

/* Whether one more record of len bytes fits. */
static int work_fits(const struct work *w, size_t len)
{
	return w->n < SSHMSG_MAX_RECORDS && len <= SSHMSG_LEN_MASK && work_size(w) + 2 + len <= w->max;
}

static uint8_t *work_alloc(struct work *w, size_t n)
{
	uint8_t *b;

	if (w->nown == SSHMSG_OWN || (b = malloc(n ? n : 1)) == NULL) {
		return NULL;
	}
	w->own[w->nown++] = b;
	return b;
}

static void work_free(struct work *w)
{
	while (w->nown > 0) {
		free(w->own[--w->nown]);
	}
}

/* Record i in a buffer of its own, to be changed in place. */
static uint8_t *work_own(struct work *w, size_t i)
{
	uint8_t *b = work_alloc(w, w->r[i].len);

	if (b != NULL) {
		memcpy(b, w->r[i].p, w->r[i].len);
		w->r[i].p = b;
	}
	return b;
}

/* Callers check w->n < SSHMSG_MAX_RECORDS and at <= w->n. */
static void work_insert(struct work *w, size_t at, struct rec r)
{
	memmove(&w->r[at + 1], &w->r[at], (w->n - at) * sizeof(w->r[0]));
	w->r[at] = r;
	w->n++;
}

static struct rec work_remove(struct work *w, size_t at)
{
	struct rec r = w->r[at];

	memmove(&w->r[at], &w->r[at + 1], (w->n - at - 1) * sizeof(w->r[0]));
	w->n--;
	return r;
}

/* A random record with raw == want (-1: either) and at least min bytes; -1 if there is none. */
static int work_pick(struct work *w, int want, size_t min)
{
	size_t count = 0, k;

	for (size_t i = 0; i < w->n; i++) {
		count += (want < 0 || w->r[i].raw == want) && w->r[i].len >= min;
	}
	if (count == 0) {
		return -1;
	}
	k = rnd_below(&w->rng, count);
	for (size_t i = 0; i < w->n; i++) {
		if ((want < 0 || w->r[i].raw == want) && w->r[i].len >= min && k-- == 0) {
			return (int)i;
		}
	}
	return -1;
}

static int str_at(const uint8_t *p, size_t plen, size_t off, struct str *s)
{
	uint32_t l;

	if (off < 1 || off > plen || plen - off < 4) {
		return 0;
	}
	l = wire_peek_u32(p + off);
	if (l > plen - off - 4) {
		return 0;
	}
	s->off = off;
	s->len = l;
	return 1;
}

/* One of the string candidates of a payload, nested ones included; 0 if it has none. */
/*
 * Picks a string candidate. Any four zero bytes read as an empty string, so a payload with zeros in it (an
 * IP header, a window of 0) has many false empty candidates: three times in four only non-empty ones count.
 */
static int str_pick(struct work *w, const uint8_t *p, size_t plen, struct str *s)
{
	size_t count = 0, full = 0, k, off;
	int only_full;

	for (off = 1; off + 4 <= plen; off++) {
		if (str_at(p, plen, off, s)) {
			count++;
			full += s->len > 0;
		}
	}
	if (count == 0) {
		return 0;
	}
	only_full = full > 0 && rnd_below(&w->rng, 4) != 0;
	k = rnd_below(&w->rng, only_full ? full : count);
#ifdef SSHMSG_TEST
	if (sshmsg_test_str >= 0) {
		only_full = 0;
		k = (size_t)sshmsg_test_str % count;
	}
#endif
	for (off = 1; off + 4 <= plen; off++) {
		if (str_at(p, plen, off, s) && (!only_full || s->len > 0) && k-- == 0) {
			return 1;
		}
	}
	return 0;
}

/*
 * After s's extent grew by delta (mod 2^32), adds delta to the length of every string that held s whole, so
 * nested structure (a key blob in a string) stays consistent. Lengths are read from the old payload: they lie
 * before s, at the same offsets in the new one. Of overlapping prefixes (a false one among zero bytes) only
 * the innermost is rewritten.
 */
static void str_fix_outer(const uint8_t *old, size_t oldlen, struct str s, uint8_t *nbuf, uint32_t delta)
{
	size_t last = s.off;
	struct str t;

	for (size_t j = s.off; j-- > 1;) {
		if (j + 4 > last || !str_at(old, oldlen, j, &t) || t.off + 4 + t.len < s.off + 4 + s.len) {
			continue;
		}
		wire_poke_u32(nbuf + j, (uint32_t)t.len + delta);
		last = j;
	}
}

/*
 * Rewrites payload record i so that bytes [at, at + cut) become ins[0..m), and fixes the strings around s.
 * Returns the new payload (s's own length is the caller's to set), or NULL if it would not fit.
 */
static uint8_t *str_edit(struct work *w, size_t i, struct str s, size_t at, size_t cut, const uint8_t *ins,
	size_t m)
{
	const struct rec old = w->r[i];
	size_t room = work_room(w, i), nlen;
	uint8_t *b;

	if (at > old.len || cut > old.len - at || m > room || old.len - cut > room - m) {
		return NULL;
	}
	nlen = old.len - cut + m;
	if ((b = work_alloc(w, nlen)) == NULL) {
		return NULL;
	}
	memcpy(b, old.p, at);
	if (m > 0) {
		memcpy(b + at, ins, m);
	}
	memcpy(b + at + m, old.p + at + cut, old.len - at - cut);
	str_fix_outer(old.p, old.len, s, b, (uint32_t)m - (uint32_t)cut);
	w->r[i].p = b;
	w->r[i].len = (uint16_t)nlen;
	return b;
}

/* Replaces a string's contents with m bytes from ins (which may lie in the old payload) and sets its length. */
static int str_set(struct work *w, size_t i, struct str s, const uint8_t *ins, size_t m)
{
	uint8_t *b = str_edit(w, i, s, s.off + 4, s.len, ins, m);

	if (b == NULL) {
		return 0;
	}
	wire_poke_u32(b + s.off, (uint32_t)m);
	return 1;
}

/* One name or a comma-joined list of two or three, within cap bytes. */
static size_t dict_pick(struct work *w, uint8_t *b, size_t cap)
{
	size_t n = 0, k = rnd_below(&w->rng, 4) ? 1 : 2 + rnd_below(&w->rng, 2);

	for (; k > 0; k--) {
		const char *s = names[rnd_below(&w->rng, sizeof(names) / sizeof(names[0]))];
		size_t l = strlen(s);

		if (n + (n > 0) + l > cap) {
			break;
		}
		if (n > 0) {
			b[n++] = ',';
		}
		memcpy(b + n, s, l);
		n += l;
	}
	return n;
}

static uint8_t msgno_pick(struct work *w)
{
	if (rnd_below(&w->rng, 2)) {
		return common_msgs[rnd_below(&w->rng, sizeof(common_msgs))];
	}
	return (uint8_t)(1 + rnd_below(&w->rng, 100));
}

static uint32_t interesting_pick(struct work *w)
{
	return interesting[rnd_below(&w->rng, sizeof(interesting) / sizeof(interesting[0]))];
}

/* A short message: IGNORE with a few random bytes, or a common message number and up to two fields. */
static size_t synth_msg(struct work *w, uint8_t b[static SSHMSG_SYNTH_MAX])
{
	size_t n = 1, k;

	if (rnd_below(&w->rng, 2)) {
		b[0] = 2;
		k = rnd_below(&w->rng, 17);
		wire_poke_u32(b + n, (uint32_t)k);
		for (n += 4; k > 0; k--) {
			b[n++] = (uint8_t)rnd(&w->rng);
		}
		return n;
	}
	b[0] = msgno_pick(w);
	/* Up to two fields, each a uint32 or a string of names. */
	for (size_t f = rnd_below(&w->rng, 3); f > 0; f--) {
		k = rnd_below(&w->rng, 2) ? dict_pick(w, b + n + 4, SSHMSG_NAMES_MAX) : 0;
		wire_poke_u32(b + n, k ? (uint32_t)k : interesting_pick(w));
		n += 4 + k;
	}
	return n;
}

/* A non-raw record and one of its strings. */
static int str_target(struct work *w, size_t *i, struct str *s)
{
	int k = work_pick(w, 0, 5);

	if (k < 0 || !str_pick(w, w->r[k].p, w->r[k].len, s)) {
		return 0;
	}
	*i = (size_t)k;
	return 1;
}

static int mut_bytes(struct work *w)
{
	int i = work_pick(w, -1, 0);
	size_t room;
	uint8_t *b;

	if (i < 0 || (room = work_room(w, (size_t)i)) == 0 || (b = work_alloc(w, room)) == NULL) {
		return 0;
	}
	memcpy(b, w->r[i].p, w->r[i].len);
	w->r[i].len = (uint16_t)bytes_mutate(b, w->r[i].len, room);
	w->r[i].p = b;
	return 1;
}

static int mut_str_mutate(struct work *w)
{
	size_t i, cap, m;
	struct str s;
	uint8_t *tmp;

	if (!str_target(w, &i, &s)) {
		return 0;
	}
	cap = work_room(w, i) - (w->r[i].len - s.len);
	if (cap == 0 || (tmp = work_alloc(w, cap)) == NULL) {
		return 0;
	}
	memcpy(tmp, w->r[i].p + s.off + 4, s.len);
	m = bytes_mutate(tmp, s.len, cap);
	return str_set(w, i, s, tmp, m);
}

/* A length that lies: the parser must refuse it without reading past the payload. */
static int mut_str_len(struct work *w)
{
	size_t i;
	struct str s;
	uint8_t *b;

	if (!str_target(w, &i, &s) || (b = work_own(w, i)) == NULL) {
		return 0;
	}
	/* One off either way, all that is left of the payload, or an interesting value. */
	const uint32_t v[4] = { (uint32_t)s.len - 1, (uint32_t)s.len + 1, (uint32_t)(w->r[i].len - s.off - 4),
		interesting_pick(w) };
	wire_poke_u32(b + s.off, v[rnd_below(&w->rng, 4)]);
	return 1;
}

static int mut_str_dict(struct work *w)
{
	uint8_t name[SSHMSG_NAMES_MAX];
	size_t i, m;
	struct str s;

	if (!str_target(w, &i, &s)) {
		return 0;
	}
	m = dict_pick(w, name, sizeof(name));
	return str_set(w, i, s, name, m);
}

/* The copy goes right after the string; ins stays valid, as str_edit never frees the old payload. */
static int mut_str_dup(struct work *w)
{
	size_t i;
	struct str s;

	if (!str_target(w, &i, &s)) {
		return 0;
	}
	return str_edit(w, i, s, s.off + 4 + s.len, 0, w->r[i].p + s.off, 4 + s.len) != NULL;
}

/*
 * Cuts a string down to its first 0-7 bytes (prefixes fixed): a short field is where a parser reads too far,
 * and shrinking a 100-byte field that far by erasing random chunks takes many steps no coverage rewards.
 */
static int mut_str_cut(struct work *w)
{
	size_t i, keep;
	struct str s;

	if (!str_target(w, &i, &s)) {
		return 0;
	}
	keep = rnd_below(&w->rng, s.len < 8 ? s.len + 1 : 8);
	return str_set(w, i, s, w->r[i].p + s.off + 4, keep);
}

static int mut_str_del(struct work *w)
{
	size_t i;
	struct str s;

	if (!str_target(w, &i, &s)) {
		return 0;
	}
	return str_edit(w, i, s, s.off, 4 + s.len, NULL, 0) != NULL;
}

/* Any 4 bytes, aligned or not, as a uint32: an interesting value or a small step from what is there. */
static int mut_u32(struct work *w)
{
	int i = work_pick(w, -1, 4);
	size_t off;
	uint32_t d;
	uint8_t *b;

	if (i < 0 || (b = work_own(w, (size_t)i)) == NULL) {
		return 0;
	}
	off = rnd_below(&w->rng, w->r[i].len - 3u);
	d = 1 + (uint32_t)rnd_below(&w->rng, 16);
	const uint32_t v[3] = { wire_peek_u32(b + off) + d, wire_peek_u32(b + off) - d, interesting_pick(w) };
	wire_poke_u32(b + off, v[rnd_below(&w->rng, 3)]);
	return 1;
}

static int mut_msgno(struct work *w)
{
	int i = work_pick(w, 0, 1);
	uint8_t *b;

	if (i < 0 || (b = work_own(w, (size_t)i)) == NULL) {
		return 0;
	}
	b[0] = msgno_pick(w);
	return 1;
}

static int mut_rec_del(struct work *w)
{
	if (w->n < 2) {
		return 0;
	}
	work_remove(w, rnd_below(&w->rng, w->n));
	return 1;
}

/* A copy next to the original (a replayed message) or anywhere. */
static int mut_rec_dup(struct work *w)
{
	size_t i;

	if (w->n == 0) {
		return 0;
	}
	i = rnd_below(&w->rng, w->n);
	if (!work_fits(w, w->r[i].len)) {
		return 0;
	}
	work_insert(w, rnd_below(&w->rng, 2) ? i + 1 : rnd_below(&w->rng, w->n + 1), w->r[i]);
	return 1;
}

/* Two different records; 0 if there are not two. */
static int two_recs(struct work *w, size_t *i, size_t *j)
{
	if (w->n < 2) {
		return 0;
	}
	*i = rnd_below(&w->rng, w->n);
	*j = (*i + 1 + rnd_below(&w->rng, w->n - 1)) % w->n;
	return 1;
}

static int mut_rec_swap(struct work *w)
{
	size_t i, j;
	struct rec t;

	if (!two_recs(w, &i, &j)) {
		return 0;
	}
	t = w->r[i];
	w->r[i] = w->r[j];
	w->r[j] = t;
	return 1;
}

static int mut_rec_move(struct work *w)
{
	size_t i, j;

	if (!two_recs(w, &i, &j)) {
		return 0;
	}
	work_insert(w, j, work_remove(w, i));
	return 1;
}

static int mut_rec_insert(struct work *w)
{
	uint8_t tmp[SSHMSG_SYNTH_MAX], *b;
	size_t n = synth_msg(w, tmp);
	struct rec r;

	if (!work_fits(w, n) || (b = work_alloc(w, n)) == NULL) {
		return 0;
	}
	memcpy(b, tmp, n);
	r.p = b;
	r.len = (uint16_t)n;
	r.raw = 0;
	work_insert(w, rnd_below(&w->rng, w->n + 1), r);
	return 1;
}

/* Raw bytes in two records: the target reads them in two pieces. */
static int mut_rec_split(struct work *w)
{
	int i = work_pick(w, 1, 2);
	size_t at;
	struct rec tail;

	if (i < 0 || !work_fits(w, 0)) {
		return 0;
	}
	at = 1 + rnd_below(&w->rng, w->r[i].len - 1u);
	tail = w->r[i];
	tail.p += at;
	tail.len = (uint16_t)(tail.len - at);
	w->r[i].len = (uint16_t)at;
	work_insert(w, (size_t)i + 1, tail);
	return 1;
}

static int mut_rec_join(struct work *w)
{
	size_t count = 0, k, i, len;
	uint8_t *b;

	for (i = 0; i + 1 < w->n; i++) {
		count += w->r[i].raw && w->r[i + 1].raw;
	}
	if (count == 0) {
		return 0;
	}
	k = rnd_below(&w->rng, count);
	for (i = 0; i + 1 < w->n; i++) {
		if (w->r[i].raw && w->r[i + 1].raw && k-- == 0) {
			break;
		}
	}
	len = (size_t)w->r[i].len + w->r[i + 1].len;
	if (len > SSHMSG_LEN_MASK || (b = work_alloc(w, len)) == NULL) {
		return 0;
	}
	memcpy(b, w->r[i].p, w->r[i].len);
	memcpy(b + w->r[i].len, w->r[i + 1].p, w->r[i + 1].len);
	w->r[i].p = b;
	w->r[i].len = (uint16_t)len;
	work_remove(w, i + 1);
	return 1;
}

static int mut_rec_raw(struct work *w)
{
	int i = work_pick(w, -1, 0);

	if (i < 0) {
		return 0;
	}
	w->r[i].raw ^= 1;
	return 1;
}

/* Mostly one bit, sometimes several. */
static int mut_flags(struct work *w)
{
	w->flags ^= (uint8_t)(rnd_below(&w->rng, 4) ? 1u << rnd_below(&w->rng, 8) : 1 + rnd_below(&w->rng, 255));
	return 1;
}

/* Field-level and payload mutations dominate; record and flags mutations reshape the stream now and then. */
static const struct {
	int (*fn)(struct work *);
	uint8_t weight;
} kinds[MK_NKINDS] = {
	[MK_BYTES] = { mut_bytes, 20 }, [MK_STR_MUTATE] = { mut_str_mutate, 12 }, [MK_STR_LEN] = { mut_str_len, 5 },
	[MK_STR_DICT] = { mut_str_dict, 8 }, [MK_STR_DUP] = { mut_str_dup, 3 }, [MK_STR_DEL] = { mut_str_del, 3 },
	[MK_STR_CUT] = { mut_str_cut, 6 },
	[MK_U32] = { mut_u32, 7 }, [MK_MSGNO] = { mut_msgno, 6 }, [MK_REC_DEL] = { mut_rec_del, 2 },
	[MK_REC_DUP] = { mut_rec_dup, 2 }, [MK_REC_SWAP] = { mut_rec_swap, 2 }, [MK_REC_MOVE] = { mut_rec_move, 2 },
	[MK_REC_INSERT] = { mut_rec_insert, 3 }, [MK_REC_SPLIT] = { mut_rec_split, 2 },
	[MK_REC_JOIN] = { mut_rec_join, 2 }, [MK_REC_RAW] = { mut_rec_raw, 2 }, [MK_FLAGS] = { mut_flags, 2 },
};

static size_t kind_pick(struct work *w)
{
	size_t total = 0, x, k;

#ifdef SSHMSG_TEST
	if (sshmsg_test_kind >= 0 && sshmsg_test_kind < MK_NKINDS) {
		return (size_t)sshmsg_test_kind;
	}
#endif
	for (k = 0; k < MK_NKINDS; k++) {
		total += kinds[k].weight;
	}
	x = rnd_below(&w->rng, total);
	for (k = 0; k + 1 < MK_NKINDS && x >= kinds[k].weight; k++) {
		x -= kinds[k].weight;
	}
	return k;
}

/* One mutation; one that does not apply to this input is drawn again, and flags always apply. */
static void mutate_once(struct work *w)
{
	size_t k = MK_FLAGS;
	int done = 0;

	for (int a = 0; a < SSHMSG_ATTEMPTS && !done; a++) {
		k = kind_pick(w);
		done = kinds[k].fn(w);
	}
	if (!done) {
		k = MK_FLAGS;
		mut_flags(w);
	}
#ifdef SSHMSG_TEST
	sshmsg_test_count[k]++;
#endif
}

size_t sshmsg_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	struct work w;
	uint8_t *in;
	size_t steps, out;

	if (max_size == 0) {
		return 0;
	}
	w.rng = seed;
	w.max = max_size;
	w.nown = 0;
	if ((in = work_alloc(&w, size)) == NULL) {
		data[0] = size ? data[0] : 0;
		return 1;
	}
	/* The output overwrites data, so the records point into a copy. */
	if (size > 0) {
		memcpy(in, data, size);
	}
	w.flags = recs_read(in, size, w.r, &w.n);
	if (w.n == 0) {
		mut_rec_insert(&w);
	}
	steps = rnd_below(&w.rng, 4) ? 1 : 2 + rnd_below(&w.rng, 2);
#ifdef SSHMSG_TEST
	steps = sshmsg_test_kind >= 0 ? 1 : steps;
#endif
	while (steps-- > 0) {
		mutate_once(&w);
	}
	out = recs_write(w.flags, w.r, w.n, data, max_size);
	work_free(&w);
	return out;
}

/* Appends src[from..to) to dst, up to SSHMSG_MAX_RECORDS. */
static void recs_cat(struct rec *dst, size_t *n, const struct rec *src, size_t from, size_t to)
{
	for (size_t i = from; i < to && *n < SSHMSG_MAX_RECORDS; i++) {
		dst[(*n)++] = src[i];
	}
}

size_t sshmsg_crossover(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2, uint8_t *out, size_t max_out,
	unsigned int seed)
{
	struct rec a[SSHMSG_MAX_RECORDS], b[SSHMSG_MAX_RECORDS], c[SSHMSG_MAX_RECORDS];
	uint64_t rng = seed;
	size_t na, nb, nc = 0, i = 0, j = 0;
	uint8_t fa = recs_read(d1, s1, a, &na), fb = recs_read(d2, s2, b, &nb);
	int swap = (int)rnd_below(&rng, 2);
	const struct rec *x = swap ? b : a, *y = swap ? a : b;
	size_t nx = swap ? nb : na, ny = swap ? na : nb;

	switch (rnd_below(&rng, 3)) {
	case 0:	/* x's first records, then y's last ones */
		recs_cat(c, &nc, x, 0, rnd_below(&rng, nx + 1));
		recs_cat(c, &nc, y, rnd_below(&rng, ny + 1), ny);
		break;
	case 1:	/* both in their own order, interleaved at random */
		while ((i < nx || j < ny) && nc < SSHMSG_MAX_RECORDS) {
			if (j == ny || (i < nx && rnd_below(&rng, 2))) {
				c[nc++] = x[i++];
			} else {
				c[nc++] = y[j++];
			}
		}
		break;
	default:	/* x with one record taken from y */
		recs_cat(c, &nc, x, 0, nx);
		if (nc > 0 && ny > 0) {
			c[rnd_below(&rng, nc)] = y[rnd_below(&rng, ny)];
		}
	}
	return recs_write(rnd_below(&rng, 2) ? fa : fb, c, nc, out, max_out);
}
