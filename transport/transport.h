/* sshtun: the SSH transport layer (RFC 4253), sans-IO: it eats bytes and yields bytes. */
#ifndef TRANSPORT_TRANSPORT_H
#define TRANSPORT_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "transport/pubkey.h"
#include "util/log.h"
#include "util/wire.h"

/* Message numbers (RFC 4250 4.1, RFC 8308, RFC 8731). */
enum {
	SSH_MSG_DISCONNECT = 1,
	SSH_MSG_IGNORE = 2,
	SSH_MSG_UNIMPLEMENTED = 3,
	SSH_MSG_DEBUG = 4,
	SSH_MSG_SERVICE_REQUEST = 5,
	SSH_MSG_SERVICE_ACCEPT = 6,
	SSH_MSG_EXT_INFO = 7,
	SSH_MSG_KEXINIT = 20,
	SSH_MSG_NEWKEYS = 21,
	SSH_MSG_KEX_ECDH_INIT = 30,
	SSH_MSG_KEX_ECDH_REPLY = 31,
	SSH_MSG_KEX_DH_GEX_GROUP = 31,		/* the same number as the ECDH reply: by method (RFC 4419) */
	SSH_MSG_KEX_DH_GEX_INIT = 32,
	SSH_MSG_KEX_DH_GEX_REPLY = 33,
	SSH_MSG_KEX_DH_GEX_REQUEST = 34,
	SSH_MSG_USERAUTH_REQUEST = 50,
	SSH_MSG_USERAUTH_FAILURE = 51,
	SSH_MSG_USERAUTH_SUCCESS = 52,
	SSH_MSG_USERAUTH_BANNER = 53,
	SSH_MSG_USERAUTH_PK_OK = 60,		/* the same number means INFO_REQUEST and PASSWD_CHANGEREQ: by method */
	SSH_MSG_USERAUTH_INFO_REQUEST = 60,
	SSH_MSG_USERAUTH_PASSWD_CHANGEREQ = 60,
	SSH_MSG_USERAUTH_INFO_RESPONSE = 61,
	SSH_MSG_GLOBAL_REQUEST = 80,
	SSH_MSG_REQUEST_SUCCESS = 81,
	SSH_MSG_REQUEST_FAILURE = 82,
	SSH_MSG_CHANNEL_OPEN = 90,
	SSH_MSG_CHANNEL_OPEN_CONFIRMATION = 91,
	SSH_MSG_CHANNEL_OPEN_FAILURE = 92,
	SSH_MSG_CHANNEL_WINDOW_ADJUST = 93,
	SSH_MSG_CHANNEL_DATA = 94,
	SSH_MSG_CHANNEL_EXTENDED_DATA = 95,
	SSH_MSG_CHANNEL_EOF = 96,
	SSH_MSG_CHANNEL_CLOSE = 97,
	SSH_MSG_CHANNEL_REQUEST = 98,
	SSH_MSG_CHANNEL_SUCCESS = 99,
	SSH_MSG_CHANNEL_FAILURE = 100,
	SSH_MSG_PING = 192,			/* ping@openssh.com (PROTOCOL 1.9) */
	SSH_MSG_PONG = 193
};

/* Disconnect reason codes (RFC 4253 11.1). */
enum {
	SSH_DISCONNECT_PROTOCOL_ERROR = 2,
	SSH_DISCONNECT_KEY_EXCHANGE_FAILED = 3,
	SSH_DISCONNECT_MAC_ERROR = 5,
	SSH_DISCONNECT_SERVICE_NOT_AVAILABLE = 7,
	SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE = 9,
	SSH_DISCONNECT_BY_APPLICATION = 11,
	SSH_DISCONNECT_AUTH_CANCELLED_BY_USER = 13,
	SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE = 14
};

struct tp;

/* In tp_config.hostkey_prefer: known_hosts trusts a CA for this host, so certificates are asked for first. */
#define KH_PREFER_CERTS "@cert-authority"

/*
 * Called once per key exchange with the server's host key, after its signature
 * over the exchange hash verified. Return 0 to trust it, or a negative
 * SSHTUN_ERR_* to refuse (the transport then disconnects with that error), or
 * SSHTUN_ERR_AGAIN to decide later: the transport then takes no input until
 * tp_hostkey_answer() (key and cert are valid only during the call: copy them).
 * With a certificate the transport has checked its structure and that the certified key signed the exchange;
 * whether its CA is trusted, its signature, validity and principals are the callback's to check.
 */
struct cert;
/* key is the plain host key; cert the server's host certificate when a certificate algorithm was negotiated (else NULL). */
typedef int (*tp_hostkey_fn)(void *ud, const struct pubkey *key, const struct cert *cert);

struct tp_config {
	const char *ciphers;		/* ssh_config Ciphers spec (+,-,^ allowed); NULL: defaults */
	int compression;		/* Compression yes: offer zlib@openssh.com and zlib first */
	const char *macs;		/* MACs spec (+,-,^); NULL: defaults (used only beside a CTR cipher) */
	const char *kex_algorithms;	/* KexAlgorithms spec; NULL: defaults */
	const char *hostkey_algorithms;	/* HostKeyAlgorithms spec; NULL: defaults, reordered by hostkey_prefer */
	const char *hostkey_prefer;	/* key type names known_hosts holds for this host (comma-separated), and
					   KH_PREFER_CERTS if a @cert-authority line names it; or NULL */
	unsigned required_rsa_bits;	/* RequiredRSASize: smaller RSA host keys are refused; 0: 2048 */
	int warn_not_pq;		/* WarnWeakCrypto: warn when the key exchange is not post-quantum */
	uint64_t rekey_bytes;		/* 0: the cipher's safe default */
	uint32_t rekey_seconds;		/* 0: none */
	tp_hostkey_fn hostkey_cb;
	void *ud;
	const struct lg *log;
	/*
	 * Sees what the server sent as it is taken in: the lines of its version exchange, each with its line end
	 * (raw 1), then every packet's payload, decrypted (raw 0). For recording fuzz corpora
	 * (fuzz/record/record.c); NULL in normal use.
	 */
	void (*trace)(void *trace_ud, int raw, const uint8_t *p, size_t n);
	void *trace_ud;
};

/* An application message (number >= 50), a view into the transport's input buffer valid until the next tp_poll. */
struct tp_msg {
	uint8_t type;
	const uint8_t *payload;	/* whole payload, incl. the message number byte */
	size_t len;
};

/*
 * Resolves an ssh_config algorithm spec ("+list" appends to defaults, "-patterns" removes, "^list" prepends, a
 * plain list replaces) into out, keeping only names in supported; SSHTUN_ERR_KEX_NOMATCH if none is left.
 */
int tp_alglist_resolve(const char *spec, const char *defaults, const char *supported, char *out, size_t outlen);
/* 1 if name is one of the comma-separated list. */
int tp_alglist_has(const char *list, const char *name);
/*
 * What this build supports of a kind ("kex", "cipher", "mac", "compression", "sig", "key", "key-plain",
 * "key-cert"; as ssh -Q),
 * comma-separated in our order of preference, into out. SSHTUN_ERR_NOT_SUPPORTED for an unknown kind.
 */
int tp_supported(const char *kind, char *out, size_t outlen);
/*
 * If a full build has the algorithm name[0..n) and this one lacks it: why, as a phrase ("built without OpenSSL",
 * "left out of this build"); NULL for a name this build has or no build knows (transport/lacks.c).
 */
const char *tp_lacks(const char *name, size_t n);
/*
 * After tp_alglist_resolve of setting opt (r, its result): the names spec asks for that this build lacks, each
 * logged once (a warning if others are left, an error if none is); SSHTUN_ERR_NOT_SUPPORTED instead of r when
 * the list came out empty and asked for one, else r.
 */
struct lg;
int tp_alglist_lacking(const struct lg *log, const char *opt, const char *spec, int r);

/* Creates a transport; copies cfg (strings must outlive it). NULL on allocation failure. */
struct tp *tp_new(const struct tp_config *cfg);
void tp_free(struct tp *tp);
/* Queues our version banner and first KEXINIT. */
int tp_start(struct tp *tp);

/*
 * Gives back the memory of the buffers a transfer grew and the idle tunnel does not need (the caller decides
 * when: ssh/io.c after some quiet seconds): the pages of the input and output buffers if they are empty, the
 * queue of messages held during a key exchange if it is empty. Nothing happens during a key exchange or while a
 * message is open. The buffers keep their size; a page is faulted in again when the next packet needs it.
 */
void tp_shrink(struct tp *tp);

/* Input: where the next read from the socket may go (zero-copy), then how many bytes arrived. */
int tp_input_space(struct tp *tp, uint8_t **p, size_t *n);
int tp_input_commit(struct tp *tp, size_t n);
/* Copying input, for tests and fuzzers. */
int tp_input(struct tp *tp, const void *data, size_t len);
/*
 * Runs the protocol over buffered input. Returns 1 and fills m with the next
 * application message, 0 when more input is needed, or a negative error (after
 * which the transport is closed; a DISCONNECT may be queued for output).
 */
int tp_poll(struct tp *tp, struct tp_msg *m);

/* Output: bytes ready for the socket, then how many were written. */
size_t tp_output(struct tp *tp, const uint8_t **p);
void tp_output_consume(struct tp *tp, size_t n);

/*
 * Sending an application message. tp_send_begin returns where up to max
 * payload bytes may be written (the message number first), or NULL if the
 * output buffer is full (write it out first) or the transport is closed; at
 * most one message may be open. tp_send_end frames, pads and encrypts it in
 * place. While a key exchange runs the message is queued and sent after it.
 */
uint8_t *tp_send_begin(struct tp *tp, size_t max);
int tp_send_end(struct tp *tp, size_t len);
/* Where the open message's payload starts, or NULL if none is open. */
uint8_t *tp_send_open_ptr(struct tp *tp);
/* Abandons the open message (nothing is sent). Returns 0. */
int tp_send_cancel(struct tp *tp);
/* Copies and sends one payload. */
int tp_send(struct tp *tp, const void *payload, size_t len);
/* Room for this many more payload bytes before tp_send_begin would fail. */
size_t tp_send_room(const struct tp *tp);

/* 1 once the first key exchange completed (messages are encrypted and authenticated). */
int tp_is_ready(const struct tp *tp);
/* 1 while a key exchange is under way (application data is queued, not sent). */
int tp_in_kex(const struct tp *tp);
/* The decision the host key callback put off: 0 trusts the key, an error refuses it (and closes the transport). */
int tp_hostkey_answer(struct tp *tp, int err);
/* 1 while the transport waits for tp_hostkey_answer. */
int tp_hostkey_waiting(const struct tp *tp);
/* Starts a key exchange now (if none is running). */
int tp_rekey(struct tp *tp);
/* Lets the transport start a rekey due to time; now is CLOCK_MONOTONIC seconds. */
int tp_tick(struct tp *tp, uint64_t now);
/* Queues a DISCONNECT and closes the transport. */
int tp_disconnect(struct tp *tp, uint32_t reason, const char *desc);
/* 1 once closed (after an error, a DISCONNECT either way). */
int tp_is_closed(const struct tp *tp);

/* Facts about the session, for messages and for userauth. */
const char *tp_server_version(const struct tp *tp);
const char *tp_cipher_name(const struct tp *tp);	/* client to server */
/* The MAC in use client to server, or NULL (plaintext, or an AEAD cipher, whose tag is its MAC). */
const char *tp_mac_name(const struct tp *tp);
/* The compression method in use client to server ("none" before compression was agreed). */
const char *tp_comp_name(const struct tp *tp);
/* Bytes through the running streams: out before and after compressing, in after and before decompressing. */
void tp_comp_stats(const struct tp *tp, uint64_t stats[4]);
const char *tp_kex_name(const struct tp *tp);
const uint8_t *tp_session_id(const struct tp *tp, size_t *len);
/* 1 if the server announced ext ("ping@openssh.com", "publickey-hostbound@openssh.com") in EXT_INFO. */
/*
 * Sends SSH_MSG_PING with data (ping@openssh.com; queued during a key exchange). SSHTUN_ERR_NOT_SUPPORTED if
 * the server did not announce the extension. The server's PONG comes back from tp_poll as a message.
 */
int tp_ping(struct tp *tp, const void *data, size_t len);
int tp_server_has_ext(const struct tp *tp, const char *name);
/* The server's host key blob as the first key exchange received it (len 0 before). */
const uint8_t *tp_hostkey_blob(const struct tp *tp, size_t *len);
/* The server's server-sig-algs (empty if none). */
const char *tp_server_sig_algs(const struct tp *tp);
/* The DISCONNECT reason text the server sent, or "". */
const char *tp_disconnect_reason(const struct tp *tp);
/* Counters since the start. */
uint64_t tp_bytes_out(const struct tp *tp);
uint64_t tp_bytes_in(const struct tp *tp);
unsigned tp_kex_count(const struct tp *tp);

#endif
