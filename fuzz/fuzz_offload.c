/* sshtun: libFuzzer target for the tun offloads: any vnet header + frame split, any frames coalesced. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshtun_err.h"
#include "tun/offload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
	if (!cond) {
		abort();
	}
}

/* Splits the frame; each segment is written flush against the end of a buffer of n bytes, so a byte too many is caught. */
static void split(const struct tun_vnet *v, const uint8_t *f, size_t n, int l2, int must)
{
	struct tun_gso g;
	uint8_t *out;
	size_t nl, got, segs = 0, pay = 0;

	if (tun_gso_init(&g, v, f, n, l2) != 0) {
		check(!must && tun_gso_next_len(&g) == 0);
		return;
	}
	out = malloc(n);
	check(out != NULL);
	while ((nl = tun_gso_next_len(&g)) > 0) {
		check(nl <= n);
		check(tun_gso_next(&g, out + n - nl, nl - 1) == 0);
		got = tun_gso_next(&g, out + n - nl, nl);
		check(got == nl);
		pay += got - g.hdrs;
		segs++;
	}
	check(segs >= 1);
	check(pay + g.hdrs == n);	/* every payload byte once (hdrs is 0 for GSO_NONE) */
	free(out);
}

/* Yields every item: each lies in the buffer, and a coalesced one is a super-packet that splits. */
static void drain(struct tun_gro *g, const uint8_t *buf, size_t cap, int l2)
{
	const uint8_t *it;
	struct tun_vnet v;
	size_t len;

	while (tun_gro_next(g, &it, &len)) {
		check(it >= buf && len > TUN_VNET_HDR_LEN && len <= cap && it + len <= buf + cap);
		check(tun_vnet_parse(&v, it, len) == 0);
		if (v.gso_type != TUN_VNET_GSO_NONE) {
			split(&v, it + TUN_VNET_HDR_LEN, len - TUN_VNET_HDR_LEN, l2, 1);
		}
	}
	tun_gro_reset(g);
}

/* Frames as [u16 length][bytes]... added to one batch. */
static void coalesce(const uint8_t *p, size_t n, int l2, size_t cap)
{
	uint8_t *buf = malloc(cap);
	struct tun_gro *g = malloc(sizeof(*g));
	size_t fl, pos = 0;
	int rc;

	check(buf != NULL && g != NULL);
	tun_gro_init(g, buf, cap, l2);
	while (pos + 2 <= n) {
		fl = (size_t)((p[pos] << 8) | p[pos + 1]);
		pos += 2;
		fl = fl < n - pos ? fl : n - pos;
		rc = tun_gro_add(g, p + pos, fl);
		check(rc == 0 || rc == SSHTUN_ERR_LIMIT || rc == SSHTUN_ERR_TOO_LONG || rc == SSHTUN_ERR_INVAL);
		if (rc == SSHTUN_ERR_LIMIT) {
			drain(g, buf, cap, l2);
			check(tun_gro_add(g, p + pos, fl) == 0);	/* an empty batch takes it */
		}
		pos += fl;
	}
	drain(g, buf, cap, l2);
	free(buf);
	free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tun_vnet v;
	int l2;

	if (size < 1 + TUN_VNET_HDR_LEN) {
		return 0;
	}
	l2 = (data[0] & 1) ? 14 : 0;
	check(tun_vnet_parse(&v, data + 1, TUN_VNET_HDR_LEN) == 0);
	split(&v, data + 1 + TUN_VNET_HDR_LEN, size - 1 - TUN_VNET_HDR_LEN, l2, 0);
	coalesce(data + 1, size - 1, l2, (data[0] & 2) ? 3000 : 140000);
	return 0;
}
