/*
 * sshtun fuzzing: the server's side of the transport, session and userauth harnesses. The harness frames,
 * pads and seals each message of an input (fuzz/sshmsg.h) as sshd would, under the keys the client derived
 * (a fuzzing build's key exchange is fixed values, crypto/x25519.c), so a whole recorded session replays and
 * every mutated message reaches the parsers behind the MAC check.
 */
#ifndef FUZZ_SERVER_H
#define FUZZ_SERVER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel/channel.h"
#include "fuzz/sshmsg.h"
#include "sshtun_err.h"
#include "transport/tp_int.h"
#include "transport/userauth.h"

/* The identity the corpora were recorded with (fuzz/record/id_ed25519.pub): the harnesses offer it first. */
static const uint8_t fz_record_key[51] = {
	0x00, 0x00, 0x00, 0x0b, 0x73, 0x73, 0x68, 0x2d, 0x65, 0x64, 0x32, 0x35, 0x35, 0x31, 0x39, 0x00, 0x00,
	0x00, 0x20, 0x07, 0x01, 0x34, 0x98, 0x18, 0xcc, 0x99, 0x3e, 0xe1, 0x1e, 0x91, 0x8a, 0xd0, 0x4d, 0xa6,
	0x67, 0x6c, 0x3d, 0xa0, 0x76, 0x8c, 0xe3, 0x32, 0xb0, 0xbe, 0xe1, 0xc6, 0x98, 0xec, 0x2b, 0x91, 0xc2
};

/* A signature the server never checks; fails when ud points at flags with bit 2 set (fuzz_userauth). */
static inline int fz_sign(void *ud, const struct pubkey *key, const char *alg, const uint8_t *d, size_t n, struct wire_w *sig)
{
	(void)key;
	(void)alg;
	(void)d;
	(void)n;
	if (ud && *(const uint8_t *)ud & 4) {
		return SSHTUN_ERR_AGENT;
	}
	wire_put_cstring(sig, "ssh-ed25519");
	return wire_put_string(sig, "0123456789012345678901234567890123456789012345678901234567890123", 64);
}

/* Identity n of a harness: the recorded key for 0, keys the server has never seen after it. */
static inline void fz_identity(struct ua_identity *id, unsigned n, void *sign_ud)
{
	memset(id, 0, sizeof(*id));
	id->key.type = PK_ED25519;
	id->key.bloblen = sizeof(fz_record_key);
	memcpy(id->key.blob, fz_record_key, sizeof(fz_record_key));
	id->key.blob[50] ^= (uint8_t)n;
	id->sign = fz_sign;
	id->ud = sign_ud;
}

struct fz_server {
	struct tp_dir d;	/* server to client: plaintext until the harness sends NEWKEYS */
	uint8_t buf[5 + SSHMSG_LEN_MASK + 2 * 255 + CRY_MAC_TAG_MAX];
};

static inline void fz_server_init(struct fz_server *s)
{
	memset(&s->d, 0, sizeof(s->d));
}

static inline void fz_server_free(struct fz_server *s)
{
	tp_dir_clear(&s->d);
}

/*
 * Frames payload as one packet, sealed under the server's current keys, and feeds it to the client. With a CTR
 * cipher and a MAC: encrypt-then-MAC (length in clear) or encrypt-and-MAC (MAC over the plaintext, all of it
 * encrypted), as the client's packet layer expects them.
 */
static inline int fz_server_send(struct fz_server *s, struct tp *tp, const uint8_t *p, size_t len)
{
	const struct cry_cipher *c = s->d.cipher, *next = NULL;
	const struct cry_mac *m = s->d.mac, *next_mac = NULL;
	int len_outside = c && (!m || m->etm);
	size_t block = c ? c->block_size : 8, covered = len_outside ? 1 + len : 5 + len, pad = block - covered % block;
	size_t tag = m ? m->tag_len : c ? c->tag_len : 0;
	uint8_t next_key[CRY_KEY_MAX], next_iv[CRY_IV_MAX], next_mac_key[CRY_MAC_KEY_MAX];

	if (pad < TP_MIN_PADDING) {
		pad += block;
	}
	/* NEWKEYS goes out under the old keys, and the client wipes the new ones when it takes them in: keep them. */
	if (len > 0 && p[0] == SSH_MSG_NEWKEYS && tp->next_rx_cipher) {
		next = tp->next_rx_cipher;
		memcpy(next_key, tp->next_rx_key, sizeof(next_key));
		memcpy(next_iv, tp->next_rx_iv, sizeof(next_iv));
		next_mac = tp->next_rx_mac;
		memcpy(next_mac_key, tp->next_rx_mac_key, sizeof(next_mac_key));
	}
	wire_poke_u32(s->buf, (uint32_t)(1 + len + pad));
	s->buf[4] = (uint8_t)pad;
	memcpy(s->buf + 5, p, len);
	memset(s->buf + 5 + len, 0, pad);
	if (c) {
		uint8_t *pkt = s->buf, *t = s->buf + 5 + len + pad;
		size_t n = 5 + len + pad;
		int e;

		/* The client has taken in everything fed so far: its count is the server's. */
		s->d.seq = tp->rx.seq;
		if (m && m->etm) {
			e = c->crypt(s->d.ctx, pkt + 4, n - 4) || m->compute(s->d.mac_ctx, s->d.seq, pkt, n, t);
		} else if (m) {
			e = m->compute(s->d.mac_ctx, s->d.seq, pkt, n, t) || c->crypt(s->d.ctx, pkt, n);
		} else {
			e = c->seal(s->d.ctx, s->d.seq, pkt, n, t);
		}
		if (e != 0) {
			return -1;
		}
	}
	int r = tp_input(tp, s->buf, 5 + len + pad + tag);
	if (next) {
		tp_dir_set(&s->d, next, next_key, next_iv, next_mac, next_mac_key, 1);
		cry_wipe(next_mac_key, sizeof(next_mac_key));
	}
	return r;
}

static inline void fz_on_frame(void *ud, struct chan *c, const uint8_t *p, size_t n)
{
	(void)ud;
	(void)c;
	if (n > 0 && p[0] == 0 && p[n - 1] == 0xff) {
		return;	/* touch the frame so ASan checks its bounds */
	}
}

static inline void fz_on_data(void *ud, struct chan *c, int ext, const uint8_t *p, size_t n)
{
	fz_on_frame(ud, c, p, n);
	(void)ext;
}

static inline void fz_on_exited(void *ud, struct chan *c, int status, const char *signal)
{
	(void)ud;
	(void)c;
	if (status < -1 || status > 255 || strlen(signal) >= 32) {
		abort();
	}
}

/* The channel layer's events for a harness: frames and session output are touched, the rest ignored. */
static inline const struct chan_events *fz_chan_events(void)
{
	static const struct chan_events ev = { .frame = fz_on_frame, .data = fz_on_data, .exited = fz_on_exited };

	return &ev;
}

/*
 * A message as the transport hands it up is a view into its 512 KiB input buffer, where reading past its end
 * is no memory error. Handing each one up in a heap copy of exactly its size makes ASan catch a parser that
 * reads one byte too far. Returns the copy (free it), or NULL.
 */
static inline uint8_t *fz_exact(struct tp_msg *m)
{
	uint8_t *copy = malloc(m->len ? m->len : 1);

	if (copy) {
		memcpy(copy, m->payload, m->len);
		m->payload = copy;
	}
	return copy;
}

/*
 * With SSHTUN_FUZZ_SHOW set, a harness says how far an input got (tests/fuzz-replay.sh checks that the
 * recorded sessions replay to the end): records taken, key exchanges done, the stage, the tunnel's frames.
 */
static inline void fz_show(const char *target, unsigned records, unsigned left, const struct tp *tp, int authed,
	const struct chan *c, int r)
{
	static int show = -1;

	if (show < 0) {
		show = getenv("SSHTUN_FUZZ_SHOW") != NULL;
	}
	if (show) {
		fprintf(stderr, "%s: records %u, left %u, kex %u, authenticated %d, channel %s, frames %llu, result %d\n",
			target, records, left, tp ? tp->kex_count : 0, authed,
			!c ? "none" : c->state == CH_OPEN ? "open" : c->state == CH_OPENING ? "opening" : "closed",
			c ? (unsigned long long)c->rx_frames : 0ULL, r);
	}
}

#endif
