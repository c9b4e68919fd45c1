/* sshtun: tun offloads: TSO super-packets split into segments, TCP segments coalesced into super-packets. */
#include "tun/offload.h"

#include <string.h>

#include "sshtun_err.h"
#include "tun/tcpip.h"
#include "util/wire.h"

/* ---- the virtio-net header ---- */

int tun_vnet_parse(struct tun_vnet *v, const uint8_t *p, size_t n)
{
	struct wire_r r;

	wire_r_init(&r, p, n);
	wire_get_u8(&r, &v->flags);
	wire_get_u8(&r, &v->gso_type);
	/* Host byte order: copied as they are. */
	wire_get_bytes(&r, &v->hdr_len, 2);
	wire_get_bytes(&r, &v->gso_size, 2);
	wire_get_bytes(&r, &v->csum_start, 2);
	wire_get_bytes(&r, &v->csum_offset, 2);
	if (wire_err(&r) != 0) {
		memset(v, 0, sizeof(*v));
	}
	return wire_err(&r);
}

void tun_vnet_put(uint8_t *out, const struct tun_vnet *v)
{
	out[0] = v->flags;
	out[1] = v->gso_type;
	memcpy(out + 2, &v->hdr_len, 2);
	memcpy(out + 4, &v->gso_size, 2);
	memcpy(out + 6, &v->csum_start, 2);
	memcpy(out + 8, &v->csum_offset, 2);
}

/* ---- splitting ---- */

static int gso_init_none(struct tun_gso *g)
{
	const struct tun_vnet *v = &g->v;

	if (g->len == 0) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	if ((v->flags & TUN_VNET_F_NEEDS_CSUM) &&
	    (v->csum_start > g->len || g->len - v->csum_start < (size_t)v->csum_offset + 2)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	g->done = 0;
	return 0;
}

int tun_gso_init(struct tun_gso *g, const struct tun_vnet *v, const uint8_t *frame, size_t len, int l2)
{
	struct pkt k;

	memset(g, 0, sizeof(*g));
	g->done = 1;
	if ((l2 != 0 && l2 != O_ETH_LEN) || (frame == NULL && len > 0)) {
		return SSHTUN_ERR_INVAL;
	}
	g->v = *v;
	g->frame = frame;
	g->len = len;
	g->l2 = l2;
	if (v->gso_type == TUN_VNET_GSO_NONE) {
		return gso_init_none(g);
	}
	if (v->gso_type != TUN_VNET_GSO_TCPV4 && v->gso_type != TUN_VNET_GSO_TCPV6) {
		return SSHTUN_ERR_BAD_FORMAT;	/* UDP, ECN: not enabled, so not expected */
	}
	/* hdr_len is only checked for range: the kernel may count more than the headers in it. */
	if (v->gso_size == 0 || v->hdr_len > len || !pkt_parse(&k, frame, len, l2) ||
	    k.v6 != (v->gso_type == TUN_VNET_GSO_TCPV6) || k.iplen != len - (size_t)l2 || k.mf || k.plen == 0) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	if ((v->flags & TUN_VNET_F_NEEDS_CSUM) &&
	    (v->csum_start != (size_t)l2 + k.iphl || v->csum_offset != O_TCP_CSUM)) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	g->v.hdr_len = (uint16_t)k.hdrs;
	g->v.csum_start = (uint16_t)(l2 + k.iphl);
	g->v.csum_offset = O_TCP_CSUM;
	g->hdrs = k.hdrs;
	g->off = k.hdrs;
	g->done = 0;
	return 0;
}

size_t tun_gso_next_len(const struct tun_gso *g)
{
	size_t left;

	if (g->done) {
		return 0;
	}
	if (g->v.gso_type == TUN_VNET_GSO_NONE) {
		return g->len;
	}
	left = g->len - g->off;
	return g->hdrs + (left < g->v.gso_size ? left : g->v.gso_size);
}

/* The frame once, its checksum completed at csum_start + csum_offset if asked. */
static size_t gso_next_none(struct tun_gso *g, uint8_t *out)
{
	struct wire_r r;
	struct wire_view head, tail;
	size_t cs = g->v.csum_start;
	uint16_t c;

	g->done = 1;
	g->n = 1;
	if (!(g->v.flags & TUN_VNET_F_NEEDS_CSUM)) {
		memcpy(out, g->frame, g->len);
		return g->len;
	}
	wire_r_init(&r, g->frame, g->len);
	wire_get_raw(&r, cs, &head);
	wire_get_raw(&r, wire_left(&r), &tail);
	if (wire_err(&r) != 0) {
		return 0;
	}
	memcpy(out, head.p, head.n);
	/* The field holds the pseudo-header sum: it is summed as it is. */
	c = (uint16_t)~cs_fold(cs_copy(0, out + cs, tail.p, tail.n));
	put16(out + cs + g->v.csum_offset, c != 0 ? c : 0xffff);
	return g->len;
}

/* Fixes the IP header of a segment of length n in out: lengths, IPv4 ID and header checksum. */
static void gso_fix_ip(const struct tun_gso *g, uint8_t *out, size_t n, uint16_t id)
{
	uint8_t *ip = out + g->l2;
	size_t iphl = (size_t)g->v.csum_start - (size_t)g->l2;

	if (g->v.gso_type == TUN_VNET_GSO_TCPV6) {
		put16(ip + 4, (unsigned)(n - g->v.csum_start));
		return;
	}
	put16(ip + 2, (unsigned)(n - (size_t)g->l2));
	put16(ip + 4, (uint16_t)(id + g->n));
	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~cs_fold(cs_copy(0, NULL, ip, iphl)));
}

static size_t gso_next_tcp(struct tun_gso *g, uint8_t *out, size_t seg)
{
	struct wire_r r;
	struct wire_view pv;
	uint8_t hb[O_ETH_LEN + 60 + 60];	/* the headers, whose fields are read from this copy */
	size_t th = g->v.csum_start, n = g->hdrs + seg;
	uint64_t s;
	uint8_t fl;
	int v6 = g->v.gso_type == TUN_VNET_GSO_TCPV6;

	wire_r_init(&r, g->frame, g->len);
	if (g->hdrs > sizeof(hb) || wire_get_bytes(&r, hb, g->hdrs) != 0 || wire_skip(&r, g->off - g->hdrs) != 0 ||
	    wire_get_raw(&r, seg, &pv) != 0) {
		g->done = 1;	/* cannot happen: init checked the lengths */
		return 0;
	}
	memcpy(out, hb, g->hdrs);
	s = cs_copy(0, out + g->hdrs, pv.p, pv.n);
	gso_fix_ip(g, out, n, (uint16_t)be16(hb + g->l2 + 4));
	wire_poke_u32(out + th + 4, wire_peek_u32(hb + th + 4) + (uint32_t)(g->off - g->hdrs));
	fl = hb[th + O_TCP_FLAGS];
	if (g->off + seg < g->len) {
		fl &= (uint8_t)~(O_FIN | O_PSH);
	}
	if (g->n > 0) {
		fl &= (uint8_t)~O_CWR;
	}
	out[th + O_TCP_FLAGS] = fl;
	put16(out + th + O_TCP_CSUM, 0);
	s += cs_pseudo(out + g->l2 + (v6 ? 8 : 12), v6 ? 32 : 8, n - th) + cs_copy(0, NULL, out + th, g->hdrs - th);
	put16(out + th + O_TCP_CSUM, (uint16_t)~cs_fold(s));
	g->off += seg;
	g->n++;
	g->done = g->off == g->len;
	return n;
}

size_t tun_gso_next(struct tun_gso *g, uint8_t *out, size_t outmax)
{
	size_t n = tun_gso_next_len(g);

	if (n == 0 || out == NULL || outmax < n) {
		return 0;
	}
	if (g->v.gso_type == TUN_VNET_GSO_NONE) {
		return gso_next_none(g, out);
	}
	return gso_next_tcp(g, out, n - g->hdrs);
}

/* ---- coalescing ---- */

/* A segment that may start or extend a coalesced item (but for its TCP checksum, checked while copying). */
static int gro_candidate(const struct pkt *k, size_t len, int l2)
{
	if (k->iplen != len - (size_t)l2 || len - (size_t)l2 > O_IP_MAX || k->plen == 0) {
		return 0;
	}
	if (k->flags != O_ACK && k->flags != (O_ACK | O_PSH)) {
		return 0;
	}
	if (k->v6) {
		return 1;
	}
	return k->iphl == O_IP4_MIN && !k->mf && cs_fold(cs_copy(0, NULL, k->iph.p, k->iph.n)) == 0xffff;
}

/* The open item of a's connection (at most one is open per connection); h gets its first packet's headers. */
static struct tun_gro_item *gro_find(struct tun_gro *g, const struct tun_ack *a, struct pkt *h)
{
	struct tun_gro_item *it;
	size_t i;

	for (i = g->n; i-- > 0;) {
		it = &g->items[i];
		if (it->tcp && tun_ack_same_flow(a, &it->ak)) {
			return pkt_parse(h, g->buf + it->off + TUN_VNET_HDR_LEN, it->len, g->l2) ? it : NULL;
		}
	}
	return NULL;
}

/* Whether k continues the item headed by h: same headers but for lengths, IDs, seq and checksums. */
static int gro_fits(const struct tun_gro *g, const struct tun_gro_item *it, const struct pkt *h, const struct pkt *k)
{
	if (memcmp(h->eth.p, k->eth.p, k->eth.n) != 0 || memcmp(h->ipa, k->ipa, 4) != 0 || h->ttl != k->ttl ||
	    h->ipfl != k->ipfl) {
		return 0;
	}
	/* Without DF the IDs must run on, as the kernel will number the segments it cuts. */
	if (!k->v6 && !(k->ipfl & O_DF) && k->id != (uint16_t)(h->id + it->segs)) {
		return 0;
	}
	if (h->doff != k->doff || h->ack != k->ack || h->win != k->win ||
	    memcmp(h->opts, k->opts, k->thl - O_TCP_MIN) != 0) {
		return 0;
	}
	if (k->seq != it->next_seq || k->plen > it->mss) {
		return 0;
	}
	return it->len + k->plen <= (size_t)g->l2 + O_IP_MAX && TUN_VNET_HDR_LEN + it->len + k->plen <= it->cap;
}

/* Appends k's payload to the item, checking k's TCP checksum on the way; 0 if it is wrong. */
static int gro_append(struct tun_gro *g, struct tun_gro_item *it, const struct pkt *h, const struct pkt *k)
{
	uint8_t *head = g->buf + it->off + TUN_VNET_HDR_LEN;
	uint64_t s;

	s = cs_pseudo(k->addrs, k->alen, k->seg.n);
	s = cs_copy(s, NULL, k->tcph.p, k->tcph.n);
	s = cs_copy(s, head + it->len, k->payload.p, k->payload.n);
	if (cs_fold(s) != 0xffff) {
		return 0;
	}
	it->len += k->plen;
	it->segs++;
	it->next_seq += (uint32_t)k->plen;
	if (k->flags & O_PSH) {
		head[h->hdrs - h->thl + O_TCP_FLAGS] |= O_PSH;	/* PSH ends an item */
		it->tcp = 0;
	}
	if (k->plen < it->mss) {
		it->tcp = 0;	/* nothing follows a short segment */
	}
	return 1;
}

/* Makes room for need bytes at the end of the batch, taking back what the last item reserved but did not use. */
static int gro_room(struct tun_gro *g, size_t need)
{
	struct tun_gro_item *last;

	if (g->n == TUN_GRO_MAX_ITEMS) {
		return SSHTUN_ERR_LIMIT;
	}
	if (g->cap - g->used < need && g->n > 0) {
		last = &g->items[g->n - 1];
		last->cap = TUN_VNET_HDR_LEN + last->len;
		g->used = last->off + last->cap;
	}
	return g->cap - g->used < need ? SSHTUN_ERR_LIMIT : 0;
}

/* Adds frame as an item of its own; an open one (it may grow) reserves room for a whole super-packet. */
static int gro_new(struct tun_gro *g, const uint8_t *frame, size_t len, const struct pkt *k, int cand,
	const struct tun_ack *a)
{
	struct tun_gro_item *it;
	size_t need = TUN_VNET_HDR_LEN + len, want = need;
	uint8_t *dst;
	int open = cand && !(k->flags & O_PSH), rc;

	if ((rc = gro_room(g, need)) != 0) {
		return rc;
	}
	if (open) {
		want = TUN_VNET_HDR_LEN + (size_t)g->l2 + O_IP_MAX;
	}
	it = &g->items[g->n];
	it->off = g->used;
	it->cap = want < g->cap - g->used ? want : g->cap - g->used;
	dst = g->buf + it->off;
	memset(dst, 0, TUN_VNET_HDR_LEN);
	dst += TUN_VNET_HDR_LEN;
	if (cand) {
		memcpy(dst, k->eth.p, k->eth.n);
		memcpy(dst + k->eth.n, k->iph.p, k->iph.n);
		if (cs_fold(cs_copy(cs_pseudo(k->addrs, k->alen, k->seg.n), dst + k->eth.n + k->iph.n,
				    k->seg.p, k->seg.n)) != 0xffff) {
			open = 0;
			it->cap = need;
		}
	} else {
		memcpy(dst, frame, len);
	}
	it->len = len;
	it->mss = (uint16_t)k->plen;
	it->segs = 1;
	it->tcp = open;
	it->next_seq = k->seq + (uint32_t)k->plen;
	it->ak = *a;
	g->used = it->off + it->cap;
	g->n++;
	return 0;
}

void tun_gro_init(struct tun_gro *g, uint8_t *buf, size_t cap, int l2)
{
	g->buf = buf;
	g->cap = buf ? cap : 0;
	g->l2 = l2;
	g->thin = 1;
	g->thinned = 0;
	tun_gro_reset(g);
}

/* A pure ACK replaces the newest item of its connection if that is an ACK it makes redundant. */
static int gro_thin(struct tun_gro *g, const uint8_t *frame, size_t len, const struct tun_ack *a)
{
	struct tun_gro_item *it;
	size_t i;

	for (i = g->n; i-- > g->iter;) {
		it = &g->items[i];
		if (!tun_ack_same_flow(a, &it->ak)) {
			continue;
		}
		/* A pure item is one uncoalesced frame; supersedes also means len == it->len. */
		if (!tun_ack_supersedes(a, &it->ak)) {
			return 0;
		}
		memcpy(g->buf + it->off + TUN_VNET_HDR_LEN, frame, len);
		it->ak = *a;
		g->thinned++;
		return 1;
	}
	return 0;
}

int tun_gro_add(struct tun_gro *g, const uint8_t *frame, size_t len)
{
	struct pkt k, h;
	struct tun_gro_item *it = NULL;
	struct tun_ack a;
	int cand = 0;

	if (frame == NULL || len == 0) {
		return SSHTUN_ERR_INVAL;
	}
	if (len > g->cap || g->cap - len < TUN_VNET_HDR_LEN) {
		return SSHTUN_ERR_TOO_LONG;	/* would not fit an empty batch either */
	}
	memset(&a, 0, sizeof(a));
	if (pkt_parse(&k, frame, len, g->l2)) {
		tun_ack_from_pkt(&a, &k, len, g->l2, 1);
		if (g->thin && a.pure && gro_thin(g, frame, len, &a)) {
			return 0;
		}
		cand = gro_candidate(&k, len, g->l2);
		it = gro_find(g, &a, &h);
	}
	if (it != NULL) {
		if (cand && gro_fits(g, it, &h, &k) && gro_append(g, it, &h, &k)) {
			return 0;
		}
		it->tcp = 0;	/* later segments of this connection must not overtake this one */
	}
	return gro_new(g, frame, len, &k, cand, &a);
}

/* Turns a coalesced item into a super-packet: lengths, IPv4 header checksum, pseudo-header sum, vnet header. */
static void gro_finish(struct tun_gro *g, const struct tun_gro_item *it)
{
	uint8_t *p = g->buf + it->off + TUN_VNET_HDR_LEN, *ip = p + g->l2;
	struct tun_vnet v;
	struct pkt h;
	size_t th, l4;

	if (!pkt_parse(&h, p, it->len, g->l2)) {
		return;	/* cannot happen: the head parsed when it was added */
	}
	th = h.hdrs - h.thl;
	l4 = it->len - th;
	if (h.v6) {
		put16(ip + 4, (unsigned)l4);
	} else {
		put16(ip + 2, (unsigned)(it->len - (size_t)g->l2));
		put16(ip + 10, 0);
		put16(ip + 10, (uint16_t)~cs_fold(cs_copy(0, NULL, ip, h.iphl)));
	}
	put16(p + th + O_TCP_CSUM, cs_fold(cs_pseudo(h.addrs, h.alen, l4)));
	v.flags = TUN_VNET_F_NEEDS_CSUM;
	v.gso_type = h.v6 ? TUN_VNET_GSO_TCPV6 : TUN_VNET_GSO_TCPV4;
	v.hdr_len = (uint16_t)h.hdrs;
	v.gso_size = it->mss;
	v.csum_start = (uint16_t)th;
	v.csum_offset = O_TCP_CSUM;
	tun_vnet_put(g->buf + it->off, &v);
}

int tun_gro_next(struct tun_gro *g, const uint8_t **p, size_t *len)
{
	struct tun_gro_item *it;

	if (g->iter >= g->n) {
		*p = NULL;
		*len = 0;
		return 0;
	}
	it = &g->items[g->iter++];
	if (it->segs > 1) {
		gro_finish(g, it);
	}
	it->tcp = 0;	/* yielded: nothing more may be appended */
	*p = g->buf + it->off;
	*len = TUN_VNET_HDR_LEN + it->len;
	return 1;
}

void tun_gro_reset(struct tun_gro *g)
{
	g->used = 0;
	g->n = 0;
	g->iter = 0;
}
