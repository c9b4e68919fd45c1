/* sshtun: IPv4/IPv6 TCP header parsing for the tun offload modules. */
#include "tun/tcpip.h"

static int ip_fields(struct pkt *k)
{
	uint8_t b[O_IP6_LEN];
	struct wire_r r;

	wire_r_init(&r, k->iph.p, k->iph.n);
	if (wire_get_bytes(&r, b, k->v6 ? O_IP6_LEN : O_IP4_MIN) != 0) {
		return 0;
	}
	if (k->v6) {
		memcpy(k->ipa, b, 4);
		k->iplen = be16(b + 4) + (size_t)O_IP6_LEN;
		k->ttl = b[7];
		k->alen = 32;
		memcpy(k->addrs, b + 8, 32);
		/* Extension headers are not followed: such packets are passed on as they are. */
		return b[6] == O_PROTO_TCP;
	}
	memcpy(k->ipa, b, 2);
	k->iplen = be16(b + 2);
	k->id = (uint16_t)be16(b + 4);
	k->ipfl = b[6] & 0xe0;
	k->mf = (b[6] & O_MF) != 0;
	k->ttl = b[8];
	k->alen = 8;
	memcpy(k->addrs, b + 12, 8);
	/* A later fragment has no TCP header. */
	return b[9] == O_PROTO_TCP && (b[6] & 0x1f) == 0 && b[7] == 0;
}

static int tcp_fields(struct pkt *k)
{
	uint8_t b[60];
	struct wire_r r;

	wire_r_init(&r, k->tcph.p, k->tcph.n);
	if (k->thl > sizeof(b) || wire_get_bytes(&r, b, k->thl) != 0) {
		return 0;
	}
	memcpy(k->ports, b, 4);
	k->seq = wire_peek_u32(b + 4);
	k->ack = wire_peek_u32(b + 8);
	k->doff = b[12];
	k->flags = b[13];
	k->win = (uint16_t)be16(b + 14);
	memcpy(k->opts, b + O_TCP_MIN, k->thl - O_TCP_MIN);
	return 1;
}

int pkt_parse(struct pkt *k, const uint8_t *p, size_t n, int l2)
{
	struct wire_r r, t;
	uint8_t eh[O_ETH_LEN], b0 = 0, b12[13];
	unsigned etype = 0;

	memset(k, 0, sizeof(*k));
	wire_r_init(&r, p, n);
	if (wire_get_raw(&r, (size_t)l2, &k->eth) != 0) {
		return 0;
	}
	if (l2 > 0) {
		wire_r_init(&t, k->eth.p, k->eth.n);
		wire_get_bytes(&t, eh, sizeof(eh));
		etype = be16(eh + 12);
	}
	t = r;
	if (wire_get_u8(&t, &b0) != 0 || (b0 >> 4 != 4 && b0 >> 4 != 6)) {
		return 0;
	}
	k->v6 = b0 >> 4 == 6;
	if (l2 > 0 && etype != (k->v6 ? O_ETH_IP6 : O_ETH_IP4)) {
		return 0;
	}
	k->iphl = k->v6 ? O_IP6_LEN : (size_t)(b0 & 15) * 4;
	if (k->iphl < O_IP4_MIN || wire_get_raw(&r, k->iphl, &k->iph) != 0 || !ip_fields(k)) {
		return 0;
	}
	t = r;
	if (wire_get_bytes(&t, b12, sizeof(b12)) != 0) {
		return 0;
	}
	k->thl = (size_t)(b12[12] >> 4) * 4;
	t = r;
	wire_get_raw(&t, wire_left(&t), &k->seg);
	if (k->thl < O_TCP_MIN || wire_get_raw(&r, k->thl, &k->tcph) != 0 || !tcp_fields(k)) {
		return 0;
	}
	wire_get_raw(&r, wire_left(&r), &k->payload);
	k->hdrs = (size_t)l2 + k->iphl + k->thl;
	k->plen = k->payload.n;
	return 1;
}
