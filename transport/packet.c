/* sshtun: the binary packet protocol (RFC 4253 6): framing, padding, in-place encryption. */
#include <stdlib.h>
#include <string.h>

#include "sshtun_err.h"
#include "transport/tp_int.h"

enum {
	HDR = 5,			/* uint32 packet_length + byte padding_length */
	PAD_ROOM = 4 + 16 + 16,		/* worst-case padding, rounded up */
	TAG_ROOM = (int)CRY_MAC_TAG_MAX > (int)CRY_TAG_MAX ? (int)CRY_MAC_TAG_MAX : (int)CRY_TAG_MAX,
	BLOCK_MAX = 16,			/* the largest cipher block: the first block of an encrypt-and-MAC packet */
	OUT_INITIAL = 256 * 1024,
	OUT_MAX = 8 * 1024 * 1024
};

/*
 * Takes keys into use for one direction. An AEAD cipher ignores mac (its tag is its own); a cipher that is only a
 * cipher (crypt) is refused without one, so no direction ever runs unauthenticated.
 */
int tp_dir_set(struct tp_dir *d, const struct cry_cipher *c, const uint8_t *key, const uint8_t *iv,
	const struct cry_mac *mac, const uint8_t *mac_key, int enc)
{
	int r;

	tp_dir_clear(d);
	if (c == NULL || (c->crypt != NULL && (mac == NULL || mac_key == NULL))) {
		return SSHTUN_ERR_INVAL;
	}
	d->cipher = c;
	if ((r = c->init(d->ctx, key, iv, enc)) != 0) {
		tp_dir_clear(d);
		return r;
	}
	if (c->crypt != NULL) {
		d->mac = mac;
		if ((r = mac->init(d->mac_ctx, mac_key)) != 0) {
			d->mac = NULL;
			tp_dir_clear(d);
			return r;
		}
	}
	return 0;
}

void tp_dir_clear(struct tp_dir *d)
{
	if (d->cipher) {
		d->cipher->cleanup(d->ctx);
	}
	cry_wipe(d->ctx, sizeof(d->ctx));
	if (d->mac) {
		d->mac->cleanup(d->mac_ctx);
		cry_wipe(d->mac_ctx, sizeof(d->mac_ctx));
	}
	d->cipher = NULL;
	d->mac = NULL;
	d->first_open = 0;
	d->discard = 0;
	d->first_len = 0;
	d->bytes = 0;
	d->packets = 0;
}

static int out_room(struct tp *tp, size_t n);

/* Makes room for n more bytes at out_end; compacts or grows the buffer. Remembers how far out was used. */
int tp_out_reserve(struct tp *tp, size_t n)
{
	int r = out_room(tp, n);

	if (r == 0 && tp->out_end + n > tp->out_used) {
		tp->out_used = tp->out_end + n;
	}
	return r;
}

static int out_room(struct tp *tp, size_t n)
{
	if (tp->out_start == tp->out_end && !tp->open) {
		tp->out_start = tp->out_end = 0;
	}
	if (tp->out_cap - tp->out_end >= n) {
		return 0;
	}
	if (tp->out_start > 0 && !tp->open) {
		memmove(tp->out, tp->out + tp->out_start, tp->out_end - tp->out_start);
		tp->out_end -= tp->out_start;
		tp->out_start = 0;
		if (tp->out_cap - tp->out_end >= n) {
			return 0;
		}
	}
	if (tp->out_end + n > tp->out_max) {
		return SSHTUN_ERR_LIMIT;
	}
	size_t ncap = tp->out_cap ? tp->out_cap : OUT_INITIAL;
	while (ncap < tp->out_end + n) {
		ncap *= 2;
	}
	if (ncap > tp->out_max) {
		ncap = tp->out_max;
	}
	uint8_t *p = realloc(tp->out, ncap);
	if (!p) {
		return SSHTUN_ERR_NOMEM;
	}
	tp->out = p;
	tp->out_cap = ncap;
	return 0;
}

/* Reserves a packet at out_end and returns where its payload goes; *off marks the packet. */
uint8_t *tp_pkt_begin(struct tp *tp, size_t max, size_t *off)
{
	if (max > TP_MAX_PAYLOAD_OUT) {
		return NULL;
	}
	if (tp_out_reserve(tp, HDR + max + TP_COMP_ROOM + PAD_ROOM + TAG_ROOM) != 0) {
		return NULL;
	}
	*off = tp->out_end;
	return tp->out + tp->out_end + HDR;
}

/*
 * Writes packet_length and padding_length and the random padding after len payload bytes, so that covered + pad
 * is a multiple of block; returns packet_length.
 */
static inline size_t pkt_pad(struct tp *tp, uint8_t *pkt, size_t len, size_t block, size_t covered)
{
	size_t pad = block - (covered % block);

	if (pad < TP_MIN_PADDING) {
		pad += block;
	}
	size_t plen = 1 + len + pad;
	wire_poke_u32(pkt, (uint32_t)plen);
	pkt[4] = (uint8_t)pad;
	/* Random padding from a pool refilled a block at a time (user-space ChaCha20, no syscall); each byte is used once. */
	if (tp->pad_pos + pad > sizeof(tp->pad_pool)) {
		cry_prng_fill(&tp->pad_rng, tp->pad_pool, sizeof(tp->pad_pool));
		tp->pad_pos = 0;
	}
	memcpy(pkt + HDR + len, tp->pad_pool + tp->pad_pos, pad);
	tp->pad_pos += pad;
	return plen;
}

/* The packet at off, total bytes with its tag, is out: count it. */
static inline void pkt_sent(struct tp *tp, struct tp_dir *d, size_t off, size_t total)
{
	tp->out_end = off + total;
	d->seq++;
	d->packets++;
	d->bytes += total;
	tp->total_out += total;
}

/*
 * The cipher + MAC framing (RFC 4253 6; PROTOCOL 1.5 for -etm). Encrypt-and-MAC pads the whole packet, length
 * field included, to the cipher's block, MACs seq || the plaintext packet and then encrypts all of it;
 * encrypt-then-MAC leaves the length in clear and out of the padded part, encrypts the rest and MACs seq || the
 * packet as sent. The tag follows the packet, in place.
 */
static int pkt_end_mac(struct tp *tp, size_t off, size_t len)
{
	struct tp_dir *d = &tp->tx;
	const struct cry_mac *m = d->mac;
	uint8_t *pkt = tp->out + off;
	size_t plen = pkt_pad(tp, pkt, len, d->cipher->block_size, m->etm ? HDR - 4 + len : HDR + len);
	uint8_t *tag = pkt + 4 + plen;
	int r;

	if (m->etm) {
		if ((r = d->cipher->crypt(d->ctx, pkt + 4, plen)) == 0) {
			r = m->compute(d->mac_ctx, d->seq, pkt, 4 + plen, tag);
		}
	} else if ((r = m->compute(d->mac_ctx, d->seq, pkt, 4 + plen, tag)) == 0) {
		r = d->cipher->crypt(d->ctx, pkt, 4 + plen);
	}
	if (r != 0) {
		return r;
	}
	pkt_sent(tp, d, off, 4 + plen + m->tag_len);
	return 0;
}

/*
 * The stream buffers, allocated once when compression starts: out as large as our largest payload compressed,
 * in as large as the largest packet the server may send (a payload inflating past it is refused).
 */
static int zbuf_ready(struct tp *tp)
{
	if (!tp->zin_buf) {
		tp->zin_buf = malloc(TP_MAX_PACKET_IN);
	}
	if (!tp->zout_buf) {
		tp->zout_buf = malloc(TP_MAX_PAYLOAD_OUT + TP_COMP_ROOM);
	}
	return tp->zin_buf && tp->zout_buf ? 0 : SSHTUN_ERR_NOMEM;
}

int tp_comp_switch(struct tp *tp, int tx)
{
	const struct tp_comp_alg *a = tx ? tp->comp_tx : tp->comp_rx;
	struct tp_zstream *z = tx ? &tp->zout : &tp->zin;
	int r;

	if (!a || !a->zlib || (a->delayed && !tp->authenticated)) {
		tp_z_end(z);
		return 0;
	}
	if ((r = zbuf_ready(tp)) != 0) {
		return r;
	}
	return tp_z_start(z, !tx);
}

/* Compresses the payload at pkt + HDR in place (through zbuf); *len becomes its compressed length. */
static int pkt_compress(struct tp *tp, uint8_t *pkt, size_t *len)
{
	size_t n = 0;
	int r = tp_z_run(&tp->zout, pkt + HDR, *len, tp->zout_buf, *len + TP_COMP_ROOM, &n);

	if (r == 0) {
		memcpy(pkt + HDR, tp->zout_buf, n);
		*len = n;
	}
	return r;
}

/* Frames, pads and encrypts in place the packet at off with len payload bytes. */
int tp_pkt_end(struct tp *tp, size_t off, size_t len)
{
	struct tp_dir *d = &tp->tx;
	int r;

	if (tp->zout.z && (r = pkt_compress(tp, tp->out + off, &len)) != 0) {
		return r;
	}

	if (d->mac) {
		return pkt_end_mac(tp, off, len);
	}
	uint8_t *pkt = tp->out + off;
	size_t block = d->cipher ? d->cipher->block_size : 8;
	size_t taglen = d->cipher ? d->cipher->tag_len : 0;
	/* AEAD ciphers leave the length field out of the padded part (it is AAD or separately encrypted). */
	size_t plen = pkt_pad(tp, pkt, len, block, d->cipher ? HDR - 4 + len : HDR + len);

	if (d->cipher) {
		r = d->cipher->seal(d->ctx, d->seq, pkt, 4 + plen, pkt + 4 + plen);
		if (r != 0) {
			return r;
		}
	}
	pkt_sent(tp, d, off, 4 + plen + taglen);
	return 0;
}

int tp_pkt_send_raw(struct tp *tp, const void *payload, size_t len)
{
	size_t off = 0;
	uint8_t *p = tp_pkt_begin(tp, len, &off);

	if (!p) {
		return len > TP_MAX_PAYLOAD_OUT ? SSHTUN_ERR_TOO_LONG : SSHTUN_ERR_LIMIT;
	}
	memcpy(p, payload, len);
	return tp_pkt_end(tp, off, len);
}

/*
 * A decrypted, authenticated packet of packet_length plen (total bytes with its tag) at the start of the input:
 * checks its padding, hands out the payload view and counts it. 1, or a negative error.
 */
static inline int pkt_take(struct tp *tp, struct tp_dir *d, const uint8_t *pkt, uint32_t plen, size_t total,
	const uint8_t **payload, size_t *len)
{
	struct wire_r rd;
	uint8_t padlen = 0;
	wire_r_init(&rd, pkt + 4, plen);
	wire_get_u8(&rd, &padlen);
	if (padlen < TP_MIN_PADDING || (size_t)padlen + 2 > plen) {
		return SSHTUN_ERR_PROTOCOL;
	}
	struct wire_view body;
	wire_get_raw(&rd, plen - 1 - padlen, &body);
	if (wire_err(&rd)) {
		return wire_err(&rd);
	}
	tp->in_start += total;
	d->seq++;
	d->packets++;
	d->bytes += total;
	tp->total_in += total;
	*payload = body.p;
	*len = body.n;
	return 1;
}

/* Encrypt-then-MAC input: the length is in clear, the MAC over seq || the packet as received is checked first. */
static int pkt_next_etm(struct tp *tp, struct tp_dir *d, uint8_t *pkt, size_t avail, const uint8_t **payload,
	size_t *len)
{
	uint32_t plen = wire_peek_u32(pkt);
	size_t total = 4 + (size_t)plen + d->mac->tag_len;
	int r;

	/*
	 * The MAC covers the length: one that cannot be right fails as the MAC would, at once (it is in clear, so
	 * refusing it tells the sender nothing it did not know).
	 */
	if (plen < 8 || plen > TP_MAX_PACKET_IN || plen % d->cipher->block_size != 0) {
		return SSHTUN_ERR_MAC;
	}
	if (avail < total) {
		return 0;
	}
	if ((r = cry_mac_verify(d->mac, d->mac_ctx, d->seq, pkt, 4 + plen, pkt + 4 + plen)) != 0 ||
	    (r = d->cipher->crypt(d->ctx, pkt + 4, plen)) != 0) {
		return r;
	}
	return pkt_take(tp, d, pkt, plen, total, payload, len);
}

/*
 * Encrypt-and-MAC input: the length is encrypted, so the first block is decrypted (once, in place) to learn it,
 * before the MAC can be checked. How the transport then behaves must not tell the sender anything about that
 * decrypted length, or a forged first block becomes a decryption oracle for 32 bits of any earlier ciphertext
 * block. So a packet is refused in one way only, whatever is wrong with it: a length that cannot be a packet, or
 * a MAC that does not verify over what the length said, both leave the transport taking input and answering
 * nothing until discard_limit bytes from the packet's start are in (the end of the longest packet whose length
 * would be taken), and then fail with SSHTUN_ERR_MAC. OpenSSH discards up to 256 KiB the same way.
 */
static size_t discard_limit(const struct tp_dir *d)
{
	return 4 + (size_t)TP_MAX_PACKET_IN + d->mac->tag_len;
}

static int pkt_next_eam(struct tp *tp, struct tp_dir *d, uint8_t *pkt, size_t avail, const uint8_t **payload,
	size_t *len)
{
	size_t block = d->cipher->block_size;
	int r;

	if (!d->first_open) {
		if (avail < block) {
			return 0;
		}
		if ((r = d->cipher->crypt(d->ctx, pkt, block)) != 0) {
			return r;
		}
		d->first_open = 1;
		d->first_len = wire_peek_u32(pkt);
		d->discard = d->first_len < 8 || d->first_len > TP_MAX_PACKET_IN || (4 + (size_t)d->first_len) % block != 0;
	}
	if (!d->discard) {
		uint32_t plen = d->first_len;
		size_t total = 4 + (size_t)plen + d->mac->tag_len;

		if (avail < total) {
			return 0;
		}
		if ((r = d->cipher->crypt(d->ctx, pkt + block, 4 + plen - block)) != 0) {
			return r;
		}
		if (cry_mac_verify(d->mac, d->mac_ctx, d->seq, pkt, 4 + plen, pkt + 4 + plen) == 0) {
			d->first_open = 0;
			return pkt_take(tp, d, pkt, plen, total, payload, len);
		}
		d->discard = 1;
	}
	return avail < discard_limit(d) ? 0 : SSHTUN_ERR_MAC;
}

/* Before the first NEWKEYS: packets in clear, padded to 8 with the length field. */
static int pkt_next_plain(struct tp *tp, struct tp_dir *d, uint8_t *pkt, size_t avail, const uint8_t **payload,
	size_t *len)
{
	uint32_t plen = wire_peek_u32(pkt);

	if (plen < 8 || plen > TP_MAX_PACKET_IN || (4 + (size_t)plen) % 8 != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	if (avail < 4 + (size_t)plen) {
		return 0;
	}
	return pkt_take(tp, d, pkt, plen, 4 + (size_t)plen, payload, len);
}

/*
 * Decodes the next whole packet in the input buffer, in place. Returns 1 with
 * the payload view, 0 if more bytes are needed, or a negative error. The AEAD
 * path (the data path's) is tested for first and branches on nothing else.
 */
static int pkt_next(struct tp *tp, const uint8_t **payload, size_t *len);

/*
 * The next packet's payload, decompressed into zbuf when compression runs this way: a payload that would
 * inflate past TP_MAX_PACKET_IN is refused (SSHTUN_ERR_LIMIT) there, whatever its compressed size.
 */
int tp_pkt_next(struct tp *tp, const uint8_t **payload, size_t *len)
{
	size_t n = 0;
	int r = pkt_next(tp, payload, len);

	if (r != 1 || !tp->zin.z) {
		return r;
	}
	if ((r = tp_z_run(&tp->zin, *payload, *len, tp->zin_buf, TP_MAX_PACKET_IN, &n)) != 0) {
		return r;
	}
	if (n == 0) {
		return SSHTUN_ERR_PROTOCOL;	/* every message has at least its number */
	}
	*payload = tp->zin_buf;
	*len = n;
	return 1;
}

static int pkt_next(struct tp *tp, const uint8_t **payload, size_t *len)
{
	struct tp_dir *d = &tp->rx;
	uint8_t *pkt = tp->in + tp->in_start;
	size_t avail = tp->in_end - tp->in_start;
	const struct cry_cipher *c = d->cipher;
	uint32_t plen = 0;
	int r;

	if (avail < 4) {
		return 0;
	}
	if (c == NULL) {
		return pkt_next_plain(tp, d, pkt, avail, payload, len);
	}
	if (d->mac) {
		return d->mac->etm ? pkt_next_etm(tp, d, pkt, avail, payload, len) : pkt_next_eam(tp, d, pkt, avail, payload, len);
	}
	if ((r = c->length(d->ctx, d->seq, pkt, &plen)) != 0) {
		return r;
	}
	/* Length checks come before any wait for more data, so a lie is caught at once. */
	if (plen < 8 || plen > TP_MAX_PACKET_IN || plen % c->block_size != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	size_t total = 4 + (size_t)plen + c->tag_len;
	if (avail < total) {
		return 0;
	}
	if ((r = c->open(d->ctx, d->seq, pkt, 4 + plen, pkt + 4 + plen)) != 0) {
		return r;
	}
	return pkt_take(tp, d, pkt, plen, total, payload, len);
}
