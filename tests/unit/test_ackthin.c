/* sshtun: unit tests of ACK thinning (tun/ackthin.c) and its use by the coalescer (tun/offload.c). */
#include "tests/unit/testutil.h"

#include "tests/unit/t_packets.h"
#include "tun/ackthin.h"
#include "tun/offload.h"

enum { GBUF = 1 << 20 };

/* A pure ACK with timestamps (NOP NOP TS), as Linux sends them. */
static struct tp ack_tp(int v6, int l2, uint32_t ack)
{
	struct tp t = tp_make(v6, l2, 0);

	t.optlen = 12;
	t.ack = ack;
	return t;
}

/* Rewrites the TCP checksum after a test changed the segment. */
static void refresh_csum(const struct tp *t, uint8_t *p, size_t n)
{
	size_t th = (size_t)t->l2 + t_iphl(t);

	t_put16(p + th + 16, 0);
	t_put16(p + th + 16, (uint16_t)~t_fold(t_pseudo(p, t->l2, t->v6, 6, n - th) + t_sum(p + th, n - th, 0)));
}

static int pure_of(const struct tp *t, int check)
{
	uint8_t p[200];
	size_t n = build(t, p);
	struct tun_ack a;

	tun_ack_parse(&a, p, n, t->l2, check);
	assert_true(a.flowlen > 0);
	return a.pure;
}

static void test_parse_pure(void **state)
{
	struct tp t = ack_tp(0, 0, 1000);

	(void)state;
	assert_true(pure_of(&t, 1));
	t = ack_tp(1, 0, 1000);
	assert_true(pure_of(&t, 1));
	t = ack_tp(0, 14, 1000);
	assert_true(pure_of(&t, 1));
	t = ack_tp(1, 14, 1000);
	assert_true(pure_of(&t, 1));
	t = ack_tp(0, 0, 1000);
	t.optlen = 0;
	assert_true(pure_of(&t, 1));
}

static void test_parse_not_pure(void **state)
{
	static const uint8_t flags[] = { 0x18, 0x11, 0x12, 0x14, 0x30, 0x50, 0x90 };	/* PSH FIN SYN RST URG ECE CWR */
	struct tp t;
	size_t i;

	(void)state;
	t = ack_tp(0, 0, 1000);
	t.plen = 1;
	assert_false(pure_of(&t, 1));
	for (i = 0; i < sizeof(flags); i++) {
		t = ack_tp(0, 0, 1000);
		t.flags = flags[i];
		assert_false(pure_of(&t, 1));
	}
	t = ack_tp(0, 0, 1000);
	t.ipopt = 1;
	assert_false(pure_of(&t, 1));
	t = ack_tp(0, 0, 1000);
	t.mf = 1;
	assert_false(pure_of(&t, 1));
}

static void test_parse_sack_and_checksums(void **state)
{
	struct tp t = ack_tp(0, 0, 1000);
	uint8_t p[200];
	size_t n, th = 20;
	struct tun_ack a;

	(void)state;
	/* NOP NOP TS, then NOP NOP SACK with one block. */
	t.optlen = 24;
	n = build(&t, p);
	p[th + 32] = 1;
	p[th + 33] = 1;
	p[th + 34] = 5;
	p[th + 35] = 10;
	refresh_csum(&t, p, n);
	tun_ack_parse(&a, p, n, 0, 1);
	assert_true(a.flowlen > 0);
	assert_false(a.pure);

	/* A wrong TCP checksum: not pure when checked, pure when the kernel left it to us. */
	t = ack_tp(0, 0, 1000);
	n = build(&t, p);
	p[th + 16] ^= 0x5a;
	tun_ack_parse(&a, p, n, 0, 1);
	assert_false(a.pure);
	tun_ack_parse(&a, p, n, 0, 0);
	assert_true(a.pure);

	/* A wrong IPv4 header checksum. */
	n = build(&t, p);
	p[10] ^= 1;
	tun_ack_parse(&a, p, n, 0, 1);
	assert_false(a.pure);

	/* Trailing bytes after the IP packet (e.g. Ethernet padding). */
	n = build(&t, p);
	tun_ack_parse(&a, p, n + 4, 0, 1);
	assert_false(a.pure);

	/* Not TCP, truncated, nothing. */
	t.proto = 17;
	n = build(&t, p);
	tun_ack_parse(&a, p, n, 0, 1);
	assert_int_equal(a.flowlen, 0);
	assert_false(a.pure);
	t = ack_tp(0, 0, 1000);
	n = build(&t, p);
	tun_ack_parse(&a, p, 30, 0, 1);
	assert_int_equal(a.flowlen, 0);
	tun_ack_parse(&a, NULL, 0, 0, 1);
	assert_int_equal(a.flowlen, 0);
}

static void parse_tp(const struct tp *t, struct tun_ack *a)
{
	uint8_t p[200];
	size_t n = build(t, p);

	tun_ack_parse(a, p, n, t->l2, 1);
}

static void test_supersedes(void **state)
{
	struct tun_ack a1, a2, x;
	struct tp t = ack_tp(0, 0, 1000);

	(void)state;
	parse_tp(&t, &a1);
	t.ack = 2000;
	parse_tp(&t, &a2);
	assert_true(tun_ack_supersedes(&a2, &a1));
	assert_false(tun_ack_supersedes(&a1, &a2));	/* older ack number */
	assert_false(tun_ack_supersedes(&a1, &a1));	/* duplicate ACK */

	t.win = 7;	/* a new window with a newer ack: still says more */
	parse_tp(&t, &x);
	assert_true(tun_ack_supersedes(&x, &a1));

	t = ack_tp(0, 0, 2000);
	t.sport = 40001;
	parse_tp(&t, &x);
	assert_false(tun_ack_same_flow(&x, &a1));
	assert_false(tun_ack_supersedes(&x, &a1));

	t = ack_tp(0, 0, 2000);
	t.seq += 10;	/* the other side's data moved in between */
	parse_tp(&t, &x);
	assert_false(tun_ack_supersedes(&x, &a1));

	t = ack_tp(0, 0, 2000);
	t.optlen = 0;	/* another length */
	parse_tp(&t, &x);
	assert_false(tun_ack_supersedes(&x, &a1));

	t = ack_tp(1, 0, 2000);	/* IPv6 is another connection */
	parse_tp(&t, &x);
	assert_false(tun_ack_same_flow(&x, &a1));

	/* Sequence space wraps. */
	t = ack_tp(0, 0, 0xfffffff0u);
	parse_tp(&t, &a1);
	t.ack = 0x10;
	parse_tp(&t, &a2);
	assert_true(tun_ack_supersedes(&a2, &a1));
	assert_false(tun_ack_supersedes(&a1, &a2));

	/* A packet with data never replaces or is replaced. */
	t = ack_tp(0, 0, 5000);
	t.plen = 10;
	parse_tp(&t, &x);
	assert_false(tun_ack_supersedes(&x, &a1));
	assert_false(tun_ack_supersedes(&a2, &x));
}

/* Offers t to q as the device path does: place, write, commit. Returns whether it was taken. */
static int hold(struct tun_ackq *q, const struct tp *t)
{
	uint8_t p[200];
	size_t n = build(t, p);
	struct tun_ack a;
	uint8_t *slot;

	tun_ack_parse(&a, p, n, t->l2, 0);
	slot = tun_ackq_place(q, &a);
	if (slot == NULL) {
		return 0;
	}
	memcpy(slot, p, n);
	tun_ackq_commit(q, &a, n);
	return 1;
}

static uint32_t held_ack(const uint8_t *p)
{
	return t_get32(p + 20 + 8);
}

static uint16_t held_sport(const uint8_t *p)
{
	return (uint16_t)t_get16(p + 20);
}

static void test_queue(void **state)
{
	struct tun_ackq q;
	struct tp a = ack_tp(0, 0, 1000), b = ack_tp(0, 0, 500);
	const uint8_t *p = NULL;
	size_t n = 0, i;

	(void)state;
	tun_ackq_init(&q);
	b.sport = 40001;
	assert_false(tun_ackq_peek(&q, &p, &n));
	assert_true(hold(&q, &a));
	assert_true(hold(&q, &b));
	a.ack = 3000;
	assert_true(hold(&q, &a));	/* replaces the first, keeps its place */
	b.ack = 500;
	assert_true(hold(&q, &b));	/* a duplicate: kept */
	assert_int_equal(tun_ackq_held(&q), 3);
	assert_int_equal(q.thinned, 1);

	assert_true(tun_ackq_peek(&q, &p, &n));
	assert_int_equal(held_sport(p), 40000);
	assert_int_equal(held_ack(p), 3000);
	tun_ackq_pop(&q);
	assert_true(tun_ackq_peek(&q, &p, &n));
	assert_int_equal(held_sport(p), 40001);
	assert_int_equal(held_ack(p), 500);
	tun_ackq_pop(&q);
	assert_true(tun_ackq_peek(&q, &p, &n));
	assert_int_equal(held_ack(p), 500);
	tun_ackq_pop(&q);
	assert_false(tun_ackq_peek(&q, &p, &n));
	assert_int_equal(tun_ackq_held(&q), 0);

	/* Full: one connection per slot, then no room for another; a later ACK of a held one still fits. */
	for (i = 0; i < TUN_ACKQ_SLOTS; i++) {
		b = ack_tp(0, 0, 100);
		b.sport = (uint16_t)(1000 + i);
		assert_true(hold(&q, &b));
	}
	b.sport = 999;
	assert_false(hold(&q, &b));
	b.sport = 1000;
	b.ack = 200;
	assert_true(hold(&q, &b));
	assert_int_equal(tun_ackq_held(&q), TUN_ACKQ_SLOTS);

	/* Not pure: never taken. */
	b.plen = 5;
	assert_false(hold(&q, &b));
}

static size_t gro_items(struct tun_gro *g, uint32_t *acks, size_t max)
{
	const uint8_t *p = NULL;
	size_t n = 0, k = 0;

	while (tun_gro_next(g, &p, &n)) {
		if (k < max) {
			acks[k] = t_get32(p + TUN_VNET_HDR_LEN + 20 + 8);
		}
		k++;
	}
	tun_gro_reset(g);
	return k;
}

static void gro_add_tp(struct tun_gro *g, const struct tp *t)
{
	uint8_t p[2000];
	size_t n = build(t, p);

	assert_int_equal(tun_gro_add(g, p, n), 0);
}

static void test_gro_thinning(void **state)
{
	uint8_t *buf = malloc(GBUF);
	struct tun_gro g;
	struct tp t = ack_tp(0, 0, 1000), d;
	uint32_t acks[8];

	(void)state;
	assert_non_null(buf);
	tun_gro_init(&g, buf, GBUF, 0);
	gro_add_tp(&g, &t);
	t.ack = 2000;
	gro_add_tp(&g, &t);
	t.ack = 3000;
	gro_add_tp(&g, &t);
	assert_int_equal(gro_items(&g, acks, 8), 1);
	assert_int_equal(acks[0], 3000);
	assert_int_equal(g.thinned, 2);

	/* Data of the same connection in between: both ACKs stay, in order. */
	t.ack = 4000;
	gro_add_tp(&g, &t);
	d = tp_make(0, 0, 100);
	d.seq = t.seq;
	d.ack = 4000;
	gro_add_tp(&g, &d);
	t.ack = 5000;
	t.seq += 100;
	gro_add_tp(&g, &t);
	assert_int_equal(gro_items(&g, acks, 8), 3);
	assert_int_equal(acks[0], 4000);
	assert_int_equal(acks[2], 5000);

	/* Duplicate ACKs all pass. */
	t.ack = 6000;
	gro_add_tp(&g, &t);
	gro_add_tp(&g, &t);
	gro_add_tp(&g, &t);
	assert_int_equal(gro_items(&g, acks, 8), 3);

	/* Another connection between two ACKs of one: the later replaces the earlier. */
	d = ack_tp(0, 0, 70);
	d.dport = 23;
	t.ack = 7000;
	gro_add_tp(&g, &t);
	gro_add_tp(&g, &d);
	t.ack = 8000;
	gro_add_tp(&g, &t);
	assert_int_equal(gro_items(&g, acks, 8), 2);
	assert_int_equal(acks[0], 8000);
	assert_int_equal(acks[1], 70);

	/* Switched off: every ACK is written. */
	g.thin = 0;
	t.ack = 9000;
	gro_add_tp(&g, &t);
	t.ack = 9500;
	gro_add_tp(&g, &t);
	assert_int_equal(gro_items(&g, acks, 8), 2);
	free(buf);
}

static void test_gro_bad_checksum_kept(void **state)
{
	uint8_t *buf = malloc(GBUF), p[200];
	struct tun_gro g;
	struct tp t = ack_tp(0, 0, 1000);
	uint32_t acks[4];
	size_t n;

	(void)state;
	assert_non_null(buf);
	tun_gro_init(&g, buf, GBUF, 0);
	gro_add_tp(&g, &t);
	t.ack = 2000;
	n = build(&t, p);
	p[20 + 16] ^= 1;	/* corrupt TCP checksum: not an ACK we trust to replace another */
	assert_int_equal(tun_gro_add(&g, p, n), 0);
	assert_int_equal(gro_items(&g, acks, 4), 2);
	assert_int_equal(acks[0], 1000);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_pure),
		cmocka_unit_test(test_parse_not_pure),
		cmocka_unit_test(test_parse_sack_and_checksums),
		cmocka_unit_test(test_supersedes),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_gro_thinning),
		cmocka_unit_test(test_gro_bad_checksum_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
