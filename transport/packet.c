/* sshtun: the binary packet protocol (RFC 4253 6): framing, padding, in-place encryption. */
#include <stdlib.h>
#include <string.h>

#include "sshtun_err.h"
#include "transport/tp_int.h"

enum {
	HDR = 5,			/* uint32 packet_length + byte padding_length */
	PAD_ROOM = 4 + 16 + 16,		/* worst-case padding, rounded up */
	OUT_INITIAL = 256 * 1024,
	OUT_MAX = 8 * 1024 * 1024
};

void tp_dir_set(struct tp_dir *d, const struct cry_cipher *c, const uint8_t *key, const uint8_t *iv, int enc)
{
	tp_dir_clear(d);
	d->cipher = c;
	c->init(d->ctx, key, iv, enc);
}

void tp_dir_clear(struct tp_dir *d)
{
	if (d->cipher) {
		d->cipher->cleanup(d->ctx);
	}
	cry_wipe(d->ctx, sizeof(d->ctx));
	d->cipher = NULL;
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
	if (tp_out_reserve(tp, HDR + max + PAD_ROOM + CRY_TAG_MAX) != 0) {
		return NULL;
	}
	*off = tp->out_end;
	return tp->out + tp->out_end + HDR;
}

/* Frames, pads and encrypts in place the packet at off with len payload bytes. */
int tp_pkt_end(struct tp *tp, size_t off, size_t len)
{
	struct tp_dir *d = &tp->tx;
	uint8_t *pkt = tp->out + off;
	size_t block = d->cipher ? d->cipher->block_size : 8;
	size_t taglen = d->cipher ? d->cipher->tag_len : 0;
	/* AEAD ciphers leave the length field out of the padded part (it is AAD or separately encrypted). */
	size_t covered = d->cipher ? HDR - 4 + len : HDR + len;
	size_t pad = block - (covered % block);
	int r;

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
	if (d->cipher) {
		r = d->cipher->seal(d->ctx, d->seq, pkt, 4 + plen, pkt + 4 + plen);
		if (r != 0) {
			return r;
		}
	}
	tp->out_end = off + 4 + plen + taglen;
	d->seq++;
	d->packets++;
	d->bytes += 4 + plen + taglen;
	tp->total_out += 4 + plen + taglen;
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
 * Decodes the next whole packet in the input buffer, in place. Returns 1 with
 * the payload view, 0 if more bytes are needed, or a negative error.
 */
int tp_pkt_next(struct tp *tp, const uint8_t **payload, size_t *len)
{
	struct tp_dir *d = &tp->rx;
	uint8_t *pkt = tp->in + tp->in_start;
	size_t avail = tp->in_end - tp->in_start;
	size_t block = d->cipher ? d->cipher->block_size : 8;
	size_t taglen = d->cipher ? d->cipher->tag_len : 0;
	uint32_t plen = 0;
	int r;

	if (avail < 4) {
		return 0;
	}
	if (d->cipher) {
		r = d->cipher->length(d->ctx, d->seq, pkt, &plen);
		if (r != 0) {
			return r;
		}
	} else {
		plen = wire_peek_u32(pkt);
	}
	/* Length checks come before any wait for more data, so a lie is caught at once. */
	size_t covered = d->cipher ? plen : 4 + (size_t)plen;
	if (plen < 8 || plen > TP_MAX_PACKET_IN || covered % block != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	size_t total = 4 + (size_t)plen + taglen;
	if (avail < total) {
		return 0;
	}
	if (d->cipher) {
		r = d->cipher->open(d->ctx, d->seq, pkt, 4 + plen, pkt + 4 + plen);
		if (r != 0) {
			return r;
		}
	}
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
