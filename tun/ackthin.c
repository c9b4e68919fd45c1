/* sshtun: ACK thinning: recognising pure TCP ACKs that a later one makes redundant, and holding them for a batch. */
#include "tun/ackthin.h"

#include <string.h>

#include "tun/tcpip.h"

enum { OPT_EOL = 0, OPT_NOP = 1, OPT_TS = 8, OPT_TS_LEN = 10 };

/* Only NOP, EOL (and the zeros after it) and timestamps: anything else (SACK above all) may carry news. */
static int plain_options(const uint8_t *o, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (o[i] == OPT_EOL) {
			return 1;
		}
		if (o[i] == OPT_NOP) {
			i++;
			continue;
		}
		if (o[i] != OPT_TS || n - i < OPT_TS_LEN || o[i + 1] != OPT_TS_LEN) {
			return 0;
		}
		i += OPT_TS_LEN;
	}
	return 1;
}

static int checksums_ok(const struct pkt *k)
{
	if (!k->v6 && cs_fold(cs_copy(0, NULL, k->iph.p, k->iph.n)) != 0xffff) {
		return 0;
	}
	return cs_fold(cs_copy(cs_pseudo(k->addrs, k->alen, k->seg.n), NULL, k->seg.p, k->seg.n)) == 0xffff;
}

void tun_ack_parse(struct tun_ack *a, const uint8_t *frame, size_t len, int l2, int check_csum)
{
	struct pkt k;

	if (frame == NULL || (l2 != 0 && l2 != O_ETH_LEN) || !pkt_parse(&k, frame, len, l2)) {
		memset(a, 0, sizeof(*a));
		a->len = len;
		return;
	}
	tun_ack_from_pkt(a, &k, len, l2, check_csum);
}

void tun_ack_from_pkt(struct tun_ack *a, const struct pkt *k, size_t len, int l2, int check_csum)
{
	memset(a, 0, sizeof(*a));
	a->len = len;
	a->flow[0] = k->v6 ? 6 : 4;
	memcpy(a->flow + 1, k->addrs, k->alen);
	memcpy(a->flow + 1 + k->alen, k->ports, 4);
	a->flowlen = (uint8_t)(1 + k->alen + 4);
	a->seq = k->seq;
	a->ack = k->ack;
	if (k->plen != 0 || k->flags != O_ACK || k->iplen != len - (size_t)l2 || (!k->v6 && (k->iphl != O_IP4_MIN || k->mf))) {
		return;
	}
	if (!plain_options(k->opts, k->thl - O_TCP_MIN) || (check_csum && !checksums_ok(k))) {
		return;
	}
	a->pure = 1;
}

int tun_ack_same_flow(const struct tun_ack *a, const struct tun_ack *b)
{
	return a->flowlen != 0 && a->flowlen == b->flowlen && memcmp(a->flow, b->flow, a->flowlen) == 0;
}

int tun_ack_supersedes(const struct tun_ack *newer, const struct tun_ack *older)
{
	/* Serial-number order (RFC 1982): newer->ack is ahead of older->ack by less than 2^31. */
	return newer->pure && older->pure && tun_ack_same_flow(newer, older) && newer->seq == older->seq &&
	       newer->len == older->len && (int32_t)(newer->ack - older->ack) > 0;
}

void tun_ackq_init(struct tun_ackq *q)
{
	q->head = 0;
	q->n = 0;
	q->pend = TUN_ACKQ_SLOTS;
	q->thinned = 0;
}

uint8_t *tun_ackq_place(struct tun_ackq *q, const struct tun_ack *a)
{
	size_t i;

	q->pend = TUN_ACKQ_SLOTS;
	if (!a->pure || a->len > TUN_ACKQ_FRAME) {
		return NULL;
	}
	/* Only the newest held ACK of a's connection can be the one it replaces. */
	for (i = q->n; i-- > q->head;) {
		if (tun_ack_same_flow(a, &q->s[i].a)) {
			if (tun_ack_supersedes(a, &q->s[i].a)) {
				q->pend = i;
			}
			break;
		}
	}
	if (q->pend == TUN_ACKQ_SLOTS) {
		if (q->n == TUN_ACKQ_SLOTS) {
			return NULL;
		}
		q->pend = q->n;
	}
	return q->s[q->pend].frame;
}

void tun_ackq_commit(struct tun_ackq *q, const struct tun_ack *a, size_t len)
{
	size_t i = q->pend;

	q->pend = TUN_ACKQ_SLOTS;
	if (i >= TUN_ACKQ_SLOTS || len == 0 || len > TUN_ACKQ_FRAME) {
		return;
	}
	if (i < q->n) {
		q->thinned++;	/* the held one it replaces is dropped */
	} else {
		q->n++;
	}
	q->s[i].a = *a;
	q->s[i].len = len;
}

int tun_ackq_peek(const struct tun_ackq *q, const uint8_t **p, size_t *len)
{
	if (q->head >= q->n) {
		*p = NULL;
		*len = 0;
		return 0;
	}
	*p = q->s[q->head].frame;
	*len = q->s[q->head].len;
	return 1;
}

void tun_ackq_pop(struct tun_ackq *q)
{
	if (q->head < q->n) {
		q->head++;
	}
	if (q->head == q->n) {
		q->head = 0;
		q->n = 0;
	}
}

size_t tun_ackq_held(const struct tun_ackq *q)
{
	return q->n - q->head;
}
