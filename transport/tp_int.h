/* sshtun: the transport's internal state, shared by the files of transport/ only. */
#ifndef TRANSPORT_TP_INT_H
#define TRANSPORT_TP_INT_H

#include <stdalign.h>

#include "crypto/cipher.h"
#include "crypto/crypto.h"
#include "transport/comp.h"
#include "crypto/mac.h"
#include "transport/transport.h"
#include "util/limits.h"

enum tp_state {
	TP_BANNER = 0,	/* waiting for the server's version line */
	TP_RUN,		/* packets flow (first kex may still be running) */
	TP_CLOSED
};

/* Where the key exchange stands. */
enum tp_kex_state {
	KX_NONE = 0,	/* no exchange running */
	KX_SENT_INIT,	/* our KEXINIT sent, server's not yet seen */
	KX_WAIT_GROUP,	/* group exchange: our GEX_REQUEST sent, waiting for the server's group */
	KX_WAIT_REPLY,	/* both KEXINITs seen, our INIT (Q_C) sent */
	KX_WAIT_NEWKEYS,	/* our NEWKEYS sent, waiting for the server's */
	KX_WAIT_HOSTKEY		/* the reply checked out; the host key callback asks the user (tp_hostkey_answer) */
};

/*
 * One direction's packet protection. cipher NULL: plaintext (before the first NEWKEYS). mac NULL: the cipher is
 * an AEAD; else the cipher is only a cipher (AES-CTR) and mac protects the packets (packet.c's second framing).
 */
struct tp_dir {
	const struct cry_cipher *cipher;
	alignas(16) uint8_t ctx[CRY_CIPHER_CTX_MAX];
	uint32_t seq;
	uint64_t bytes;		/* since the keys were taken into use */
	uint64_t packets;
	const struct cry_mac *mac;
	/* Encrypt-and-MAC input: the next packet's first block is decrypted (once), its length read, and whether
	   the packet is being discarded (an implausible length or a MAC failure: see packet.c). */
	int first_open;
	int discard;
	uint32_t first_len;
	alignas(16) uint8_t mac_ctx[CRY_MAC_CTX_MAX];
};

/*
 * Key exchange method descriptor (one row per method; the code of a method is its own transport/kex_*.c, the
 * table is transport/kex_table.c). The driver (kex.c) never names a method: it sizes its buffers from the row,
 * sends the client's value, parses the reply and hashes by the row's flags.
 */
enum tp_kex_flow {
	TP_KEX_DIRECT = 0,	/* KEX(DH|ECDH)_INIT (30) -> REPLY (31): ECDH, X25519, fixed DH groups, hybrids */
	TP_KEX_GEX		/* RFC 4419: GEX_REQUEST (34) -> GROUP (31), GEX_INIT (32) -> GEX_REPLY (33) */
};
struct tp_kex_alg {
	const char *name;
	int hash;		/* CRY_SHA256 ...: the exchange hash and key derivation */
	int flow;		/* enum tp_kex_flow */
	int pq;			/* resists a quantum computer (the hybrid KEMs) */
	int k_string;		/* K is hashed as a string (the hybrids), not as an mpint */
	int q_mpint;		/* Q_C, Q_S are mpints (DH's e and f), not strings */
	size_t priv_len;	/* the client's secret state between init and shared */
	size_t q_max;		/* the client's value, Q_C */
	size_t qs_max;		/* the server's value, Q_S */
	size_t k_max;		/* the shared secret as the method yields it (before its encoding) */
	const void *param;	/* the method's own constant: a curve, a group */
	/*
	 * grp is the server's group for TP_KEX_GEX, NULL otherwise. Buffers are as large as the row says; values
	 * are raw bytes (for mpints, big-endian magnitudes), the driver encodes them.
	 */
	/* Makes the client's ephemeral secret (priv) and value Q_C (q, *qlen). */
	int (*client_init)(const struct tp_kex_alg *a, const struct cry_dh_group *grp, uint8_t *priv, uint8_t *q,
		size_t *qlen);
	/* The shared secret K from priv and the server's value; SSHTUN_ERR_KEX_FAILED for a bad value. */
	int (*shared)(const struct tp_kex_alg *a, const struct cry_dh_group *grp, const uint8_t *priv, const uint8_t *qs,
		size_t qslen, uint8_t *k, size_t *klen);
	/* Group exchange only: 0 if the server's group is one to use (bits between min and max, safe prime). */
	int (*check_group)(const struct cry_dh_group *grp, unsigned min_bits, unsigned max_bits, unsigned *bits);
	/* The server's side, for tests and for the server a test plays: Q_S and K from Q_C. */
	int (*server)(const struct tp_kex_alg *a, const struct cry_dh_group *grp, const uint8_t *qc, size_t qclen,
		uint8_t *qs, size_t *qslen, uint8_t *k, size_t *klen);
};
/*
 * What compression may add to a payload (zlib's stored blocks and the flush marker: deflateBound's 5 bytes per
 * 16 KiB and its fixed overhead, rounded up). Reserved with every packet so compressing never moves it.
 */
enum { TP_COMP_ROOM = 128 };

/* Group exchange sizes asked for (RFC 4419 3; OpenSSH's client's bounds). */
enum { TP_GEX_MIN = 2048, TP_GEX_MAX = 8192 };

/* The result of negotiation (RFC 4253 7.1). */
struct tp_choice {
	const struct tp_kex_alg *kex;
	char hostkey[WIRE_MAX_NAME + 1];	/* the host key (signature) algorithm */
	const struct cry_cipher *enc_c2s;
	const struct cry_cipher *enc_s2c;
	const struct cry_mac *mac_c2s;	/* NULL when the direction's cipher is an AEAD (its MAC is implied) */
	const struct cry_mac *mac_s2c;
	const struct tp_comp_alg *comp_c2s;	/* "none" unless compression was agreed */
	const struct tp_comp_alg *comp_s2c;
	int strict;		/* both sides offered strict kex */
	int ext_info;		/* server may send EXT_INFO (we offered ext-info-c) */
	int guess_wrong;	/* server sent a wrong guess: drop its next kex packet */
};

struct tp {
	struct tp_config cfg;
	const struct lg *log;
	int state;
	int err;		/* the sticky error once closed */

	/* Received bytes: [in_start, in_end) unprocessed. */
	uint8_t *in;
	size_t in_cap, in_start, in_end;
	size_t in_used;		/* the most of in ever filled: tp_free wipes that much, not the whole buffer */
	/* Bytes for the socket: [out_start, out_end). */
	uint8_t *out;
	size_t out_cap, out_start, out_end;
	size_t out_used;	/* the most of out ever reserved (and so maybe written) */
	size_t out_max;
	/* A message opened by tp_send_begin: payload at out + open_off, or in pending when queued. */
	int open;
	int open_queued;
	size_t open_off;
	size_t open_max;
	/* Application payloads queued during a key exchange: u32 length + payload each. */
	struct wire_w pending;

	struct tp_dir tx, rx;
	/* Keys derived but not yet in use (until NEWKEYS each way). */
	const struct cry_cipher *next_tx_cipher, *next_rx_cipher;
	uint8_t next_tx_key[CRY_KEY_MAX], next_rx_key[CRY_KEY_MAX];
	uint8_t next_tx_iv[CRY_IV_MAX], next_rx_iv[CRY_IV_MAX];
	const struct cry_mac *next_tx_mac, *next_rx_mac;	/* NULL with an AEAD cipher */
	uint8_t next_tx_mac_key[CRY_MAC_KEY_MAX], next_rx_mac_key[CRY_MAC_KEY_MAX];

	/* Version exchange. */
	char client_version[64];
	char server_version[TP_MAX_BANNER_LINE + 1];
	unsigned prebanner_lines;

	/* Key exchange. */
	int kx;
	int first_kex_done;	/* 1 after the first NEWKEYS received */
	int got_server_kexinit;
	unsigned kex_count;
	struct wire_w my_kexinit;	/* I_C: our KEXINIT payload */
	struct wire_w peer_kexinit;	/* I_S */
	struct tp_choice choice;
	int strict;		/* strict kex in force for this connection */
	/* This exchange's secret and value, allocated at the sizes of the method's row. */
	uint8_t *kex_priv;
	size_t kex_priv_len;
	uint8_t *kex_q;
	size_t kex_qlen;
	/* Group exchange: the sizes asked for, the server's group, and the last group that passed its check. */
	uint32_t gex_min, gex_n, gex_max;
	struct wire_w gex_p, gex_g;
	uint8_t gex_checked[CRY_HASH_MAX];
	/* While the user is asked about the host key: the shared secret (as mpint) and the exchange hash. */
	struct wire_w pend_kmp;
	uint8_t pend_h[CRY_HASH_MAX];
	size_t pend_hlen;
	uint8_t session_id[CRY_HASH_MAX];
	size_t session_id_len;
	uint64_t kex_time;	/* when the last kex finished (tp_tick clock) */
	uint64_t now;
	int rekey_wanted;
	const char *cipher_name;
	const char *kex_name;

	/* EXT_INFO. */
	char server_sig_algs[512];
	int ext_ping;
	int ext_hostbound;	/* publickey-hostbound@openssh.com "0" */
	uint8_t hostkey_blob[PK_BLOB_MAX];	/* the server's host key of the first exchange (K_S) */
	size_t hostkey_len;
	char disconnect_reason[256];

	/* Padding bytes, drawn in blocks from a user-space ChaCha20 generator keyed from the OS (no syscall per refill). */
	uint8_t pad_pool[16384];
	size_t pad_pos;
	struct cry_prng pad_rng;

	/*
	 * Compression: the method in use each way (from NEWKEYS on), a stream while it runs, and the buffer a
	 * packet's payload is (de)compressed through. zlib@openssh.com's streams start once USERAUTH_SUCCESS has
	 * been seen (authenticated); a NEWKEYS restarts them, as OpenSSH does.
	 */
	const struct tp_comp_alg *comp_tx, *comp_rx;
	struct tp_zstream zout, zin;
	/*
	 * One buffer each way: a received payload handed out of zin_buf stays valid while the caller answers it
	 * (a packet sent then is compressed through zout_buf).
	 */
	uint8_t *zin_buf, *zout_buf;
	int authenticated;

	uint64_t total_out, total_in;
	uint64_t rekey_limit;
};

/* packet.c */
int tp_pkt_send_raw(struct tp *tp, const void *payload, size_t len);
uint8_t *tp_pkt_begin(struct tp *tp, size_t max, size_t *off);
int tp_pkt_end(struct tp *tp, size_t off, size_t len);
int tp_pkt_next(struct tp *tp, const uint8_t **payload, size_t *len);
/* Takes the negotiated compression into use for one direction (tx 1) at its NEWKEYS, or at USERAUTH_SUCCESS. */
int tp_comp_switch(struct tp *tp, int tx);
int tp_out_reserve(struct tp *tp, size_t n);
int tp_dir_set(struct tp_dir *d, const struct cry_cipher *c, const uint8_t *key, const uint8_t *iv,
	const struct cry_mac *mac, const uint8_t *mac_key, int enc);
void tp_dir_clear(struct tp_dir *d);

/* kexinit.c */
int tp_kexinit_build(struct tp *tp, struct wire_w *w);
int tp_kexinit_negotiate(struct tp *tp, const uint8_t *peer, size_t len, struct tp_choice *out);

/* kex_table.c: every key exchange method this build has, in our order of preference, NULL-terminated. */
extern const struct tp_kex_alg *const tp_kex_algs[];
const struct tp_kex_alg *tp_kex_find(const char *name, size_t n);

/* kex.c */
int tp_kex_start(struct tp *tp);
int tp_kex_handle(struct tp *tp, uint8_t type, const uint8_t *p, size_t len);
void tp_kex_wipe(struct tp *tp);

/* transport.c */
int tp_fail(struct tp *tp, int err, uint32_t reason, const char *why);

#endif
