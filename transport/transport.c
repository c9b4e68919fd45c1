/* sshtun: the transport state machine: version exchange, message filter, transport messages, rekey policy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "sshtun_err.h"
#include "transport/tp_int.h"
#include "util/mem.h"

enum {
	IN_CAP = 2 * TP_MAX_PACKET_IN + 64,
	PENDING_MAX = 4 * 1024 * 1024,
	MAX_PACKETS_PER_KEY = 1U << 31
};

struct tp *tp_new(const struct tp_config *cfg)
{
	struct tp *tp = calloc(1, sizeof(*tp));

	if (!tp) {
		return NULL;
	}
	tp->cfg = *cfg;
	tp->log = cfg->log;
	tp->in_cap = IN_CAP;
	tp->in = malloc(tp->in_cap);
	tp->out_max = 8 * 1024 * 1024;
	tp->pad_pos = sizeof(tp->pad_pool);	/* empty: the first packet fills the pool */
	wire_w_init(&tp->pending, PENDING_MAX);
	wire_w_init(&tp->my_kexinit, 0);
	wire_w_init(&tp->peer_kexinit, 0);
	wire_w_init(&tp->pend_kmp, 0);
	wire_w_init(&tp->gex_p, CRY_DH_MAX_BYTES + 8);
	wire_w_init(&tp->gex_g, CRY_DH_MAX_BYTES + 8);
	snprintf(tp->client_version, sizeof(tp->client_version), "SSH-2.0-sshtun_%s", SSHTUN_VERSION);
	if (!tp->in || cry_init() != 0) {
		tp_free(tp);
		return NULL;
	}
	cry_prng_init(&tp->pad_rng);
	return tp;
}

void tp_free(struct tp *tp)
{
	if (!tp) {
		return;
	}
	tp_dir_clear(&tp->tx);
	tp_dir_clear(&tp->rx);
	tp_kex_wipe(tp);
	wire_w_free(&tp->pending);
	wire_w_free(&tp->my_kexinit);
	wire_w_free(&tp->peer_kexinit);
	if (tp->pend_kmp.p) {
		cry_wipe(tp->pend_kmp.p, tp->pend_kmp.cap);
	}
	wire_w_free(&tp->pend_kmp);
	tp_z_end(&tp->zout);
	tp_z_end(&tp->zin);
	if (tp->zin_buf) {
		cry_wipe(tp->zin_buf, TP_MAX_PACKET_IN);
		free(tp->zin_buf);
	}
	if (tp->zout_buf) {
		cry_wipe(tp->zout_buf, TP_MAX_PAYLOAD_OUT + TP_COMP_ROOM);
		free(tp->zout_buf);
	}
	wire_w_free(&tp->gex_p);
	wire_w_free(&tp->gex_g);
	cry_wipe(tp->pend_h, sizeof(tp->pend_h));
	/*
	 * Only what was ever filled: wiping the whole 512 KiB touched every page of a short-lived transport. The pages
	 * go back to the system before free(), which keeps a block carved from its heap resident for the next user.
	 */
	if (tp->in) {
		cry_wipe(tp->in, tp->in_used);
		mem_release(tp->in, tp->in_cap);
	}
	if (tp->out) {
		cry_wipe(tp->out, tp->out_used);
		mem_release(tp->out, tp->out_cap);
	}
	free(tp->in);
	free(tp->out);
	cry_wipe(tp->session_id, sizeof(tp->session_id));
	cry_prng_wipe(&tp->pad_rng);
	cry_wipe(tp->pad_pool, sizeof(tp->pad_pool));
	mem_release(tp, sizeof(*tp));	/* wiped; its pages go back rather than stay resident in malloc's heap */
	free(tp);
}

void tp_shrink(struct tp *tp)
{
	size_t kept;

	/* Between key exchanges only: a running one may still refer to what it received, and queues into pending. */
	if (tp->state != TP_RUN || tp->kx != KX_NONE || tp->open) {
		return;
	}
	if (tp->in_start == tp->in_end) {
		tp->in_start = tp->in_end = 0;
		kept = mem_release(tp->in, tp->in_cap);
		tp->in_used = tp->in_used < kept ? tp->in_used : kept;	/* the rest reads as zeros: nothing to wipe */
	}
	if (tp->out && tp->out_start == tp->out_end) {
		tp->out_start = tp->out_end = 0;
		kept = mem_release(tp->out, tp->out_cap);
		tp->out_used = tp->out_used < kept ? tp->out_used : kept;
	}
	/* The padding pool is drawn afresh when the next packet needs it (its unused bytes are never used again). */
	tp->pad_pos = sizeof(tp->pad_pool);
	mem_release(tp->pad_pool, sizeof(tp->pad_pool));
	if (tp->pending.p && tp->pending.len == 0) {
		wire_w_free(&tp->pending);	/* up to PENDING_MAX after a rekey under load; allocated again at the next */
		wire_w_init(&tp->pending, PENDING_MAX);
	}
}

/* Closes the transport with err; queues a DISCONNECT with reason if the transport can still send. */
int tp_fail(struct tp *tp, int err, uint32_t reason, const char *why)
{
	if (tp->state == TP_CLOSED) {
		return tp->err ? tp->err : err;
	}
	if (reason && tp->state == TP_RUN && !tp->open) {
		uint8_t buf[300];
		struct wire_w w;

		wire_w_init_fixed(&w, buf, sizeof(buf));
		wire_put_u8(&w, SSH_MSG_DISCONNECT);
		wire_put_u32(&w, reason);
		wire_put_cstring(&w, why);
		wire_put_cstring(&w, "");
		if (wire_w_err(&w) == 0) {
			tp_pkt_send_raw(tp, buf, w.len);
		}
	}
	LG_D1(tp->log, "transport closed: %s (%s)", why, sshtun_strerror(err));
	tp->state = TP_CLOSED;
	tp->err = err;
	return err;
}

int tp_disconnect(struct tp *tp, uint32_t reason, const char *desc)
{
	tp_fail(tp, SSHTUN_ERR_CLOSED, reason, desc);
	return 0;
}

int tp_start(struct tp *tp)
{
	size_t n = strlen(tp->client_version);
	int r = tp_out_reserve(tp, n + 2);

	if (r != 0) {
		return r;
	}
	memcpy(tp->out + tp->out_end, tp->client_version, n);
	memcpy(tp->out + tp->out_end + n, "\r\n", 2);
	tp->out_end += n + 2;
	return tp_kex_start(tp);
}

int tp_input_space(struct tp *tp, uint8_t **p, size_t *n)
{
	if (tp->in_start == tp->in_end) {
		tp->in_start = tp->in_end = 0;
	} else if (tp->in_start > 0 && tp->in_cap - tp->in_end < TP_MAX_PACKET_IN + 64) {
		memmove(tp->in, tp->in + tp->in_start, tp->in_end - tp->in_start);
		tp->in_end -= tp->in_start;
		tp->in_start = 0;
	}
	*p = tp->in + tp->in_end;
	*n = tp->in_cap - tp->in_end;
	return *n ? 0 : SSHTUN_ERR_LIMIT;
}

int tp_input_commit(struct tp *tp, size_t n)
{
	if (n > tp->in_cap - tp->in_end) {
		return SSHTUN_ERR_INVAL;
	}
	tp->in_end += n;
	if (tp->in_end > tp->in_used) {
		tp->in_used = tp->in_end;
	}
	return 0;
}

int tp_input(struct tp *tp, const void *data, size_t len)
{
	const uint8_t *d = data;

	while (len > 0) {
		uint8_t *p = NULL;
		size_t room = 0;
		int r = tp_input_space(tp, &p, &room);

		if (r != 0) {
			return r;
		}
		if (room > len) {
			room = len;
		}
		memcpy(p, d, room);
		tp_input_commit(tp, room);
		d += room;
		len -= room;
	}
	return 0;
}

/* Reads lines until the server's version line (RFC 4253 4.2). 1 when found, 0 if more input is needed. */
static int read_banner(struct tp *tp)
{
	while (tp->in_start < tp->in_end) {
		uint8_t *line = tp->in + tp->in_start;
		size_t avail = tp->in_end - tp->in_start;
		uint8_t *nl = memchr(line, '\n', avail < TP_MAX_BANNER_LINE ? avail : TP_MAX_BANNER_LINE);
		size_t len;

		if (!nl) {
			if (avail >= TP_MAX_BANNER_LINE) {
				return tp_fail(tp, SSHTUN_ERR_BANNER, 0, "version line too long");
			}
			return 0;
		}
		len = (size_t)(nl - line);
		tp->in_start += len + 1;
		if (tp->cfg.trace) {
			tp->cfg.trace(tp->cfg.trace_ud, 1, line, len + 1);
		}
		if (len > 0 && line[len - 1] == '\r') {
			len--;
		}
		if (memchr(line, 0, len)) {
			return tp_fail(tp, SSHTUN_ERR_BANNER, 0, "NUL in version exchange");
		}
		if (len >= 4 && memcmp(line, "SSH-", 4) == 0) {
			if (!(len >= 8 && memcmp(line, "SSH-2.0-", 8) == 0) && !(len >= 9 && memcmp(line, "SSH-1.99-", 9) == 0)) {
				char clean[TP_MAX_BANNER_LINE + 1];
				lg_sanitize(clean, sizeof(clean), line, len);
				LG_E(tp->log, "server speaks an unsupported protocol version: %s", clean);
				return tp_fail(tp, SSHTUN_ERR_BANNER, 0, "protocol version");
			}
			memcpy(tp->server_version, line, len);
			tp->server_version[len] = '\0';
			tp->state = TP_RUN;
			LG_D1(tp->log, "server version: %s", tp->server_version);
			return 1;
		}
		if (++tp->prebanner_lines > TP_MAX_PREBANNER_LINES) {
			return tp_fail(tp, SSHTUN_ERR_BANNER, 0, "too many lines before the version line");
		}
	}
	return 0;
}

static int send_unimplemented(struct tp *tp)
{
	uint8_t buf[5];

	buf[0] = SSH_MSG_UNIMPLEMENTED;
	wire_poke_u32(buf + 1, tp->rx.seq - 1);
	return tp_pkt_send_raw(tp, buf, sizeof(buf));
}

static int on_disconnect(struct tp *tp, const uint8_t *p, size_t len)
{
	struct wire_r r;
	struct wire_view desc;
	uint32_t code = 0;

	wire_r_init(&r, p + 1, len - 1);
	wire_get_u32(&r, &code);
	wire_get_string(&r, &desc);
	lg_sanitize(tp->disconnect_reason, sizeof(tp->disconnect_reason), desc.p, desc.n);
	LG_D1(tp->log, "server disconnected (code %u): %s", code, tp->disconnect_reason);
	tp->state = TP_CLOSED;
	tp->err = SSHTUN_ERR_DISCONNECTED;
	return tp->err;
}

static int on_ext_info(struct tp *tp, const uint8_t *p, size_t len)
{
	struct wire_r r;
	uint32_t n = 0;

	wire_r_init(&r, p + 1, len - 1);
	wire_get_u32(&r, &n);
	for (uint32_t i = 0; i < n && !wire_err(&r); i++) {
		struct wire_view name, value;

		wire_get_string(&r, &name);
		wire_get_string(&r, &value);
		if (wire_view_eq(&name, "server-sig-algs")) {
			lg_sanitize(tp->server_sig_algs, sizeof(tp->server_sig_algs), value.p, value.n);
		} else if (wire_view_eq(&name, "ping@openssh.com")) {
			tp->ext_ping = 1;
		} else if (wire_view_eq(&name, "publickey-hostbound@openssh.com") && wire_view_eq(&value, "0")) {
			tp->ext_hostbound = 1;
		}
	}
	if (wire_end(&r) != 0) {
		return tp_fail(tp, SSHTUN_ERR_PROTOCOL, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed EXT_INFO");
	}
	LG_D2(tp->log, "server-sig-algs: %s%s", tp->server_sig_algs, tp->ext_ping ? "; ping@openssh.com" : "");
	return 0;
}

/* Moves queued payloads into the output under the current keys, as far as room allows. */
static int flush_pending(struct tp *tp)
{
	size_t off = 0;
	int r = 0;

	while (off + 4 <= tp->pending.len) {
		uint32_t n = wire_peek_u32(tp->pending.p + off);
		if ((r = tp_pkt_send_raw(tp, tp->pending.p + off + 4, n)) != 0) {
			break;
		}
		off += 4 + n;
	}
	if (off > 0) {
		memmove(tp->pending.p, tp->pending.p + off, tp->pending.len - off);
		tp->pending.len -= off;
	}
	return r == SSHTUN_ERR_LIMIT ? 0 : r;
}

/* Starts a rekey when the byte, packet or time limit is reached. */
static int check_rekey(struct tp *tp)
{
	uint64_t limit = tp->rekey_limit;

	if (!tp->first_kex_done || tp->kx != KX_NONE || tp->state != TP_RUN) {
		return 0;
	}
	if (tp->tx.bytes >= limit || tp->rx.bytes >= limit || tp->tx.packets >= MAX_PACKETS_PER_KEY ||
	    tp->rx.packets >= MAX_PACKETS_PER_KEY || tp->rekey_wanted ||
	    (tp->cfg.rekey_seconds && tp->now >= tp->kex_time + tp->cfg.rekey_seconds)) {
		LG_D1(tp->log, "rekeying after %llu bytes out, %llu in", (unsigned long long)tp->tx.bytes,
			(unsigned long long)tp->rx.bytes);
		return tp_kex_start(tp);
	}
	return 0;
}

static void set_rekey_limit(struct tp *tp)
{
	uint64_t def = tp->tx.cipher && tp->tx.cipher->block_size >= 16 ? (1ULL << 32) * 16 : TP_REKEY_BYTES_DEFAULT;

	tp->rekey_limit = tp->cfg.rekey_bytes && tp->cfg.rekey_bytes < def ? tp->cfg.rekey_bytes : def;
}

/* The state filter: which message numbers the server may send now. Returns 0 if allowed. */
static int filter(struct tp *tp, uint8_t type)
{
	int initial = !tp->first_kex_done;
	int kex_msg = type >= 20 && type <= 49;

	if (type == SSH_MSG_DISCONNECT) {
		return 0;
	}
	if (initial && tp->strict && !kex_msg) {
		return tp_fail(tp, SSHTUN_ERR_PROTOCOL, SSH_DISCONNECT_PROTOCOL_ERROR, "strict KEX violation");
	}
	if (type >= 1 && type <= 4) {
		return 0;
	}
	if (kex_msg) {
		if (type != SSH_MSG_KEXINIT && tp->kx == KX_NONE) {
			return tp_fail(tp, SSHTUN_ERR_PROTOCOL, SSH_DISCONNECT_PROTOCOL_ERROR, "key exchange message outside a key exchange");
		}
		return 0;
	}
	if (initial || (tp->kx != KX_NONE && tp->got_server_kexinit)) {
		return tp_fail(tp, SSHTUN_ERR_PROTOCOL, SSH_DISCONNECT_PROTOCOL_ERROR, "message during key exchange");
	}
	return 0;
}

/* byte type, string data: a PING or PONG (PROTOCOL 1.9), sent or queued as any message. */
static int send_ping_pong(struct tp *tp, uint8_t type, const void *data, size_t len)
{
	struct wire_w w;
	int r;

	wire_w_init(&w, 0);
	wire_put_u8(&w, type);
	wire_put_string(&w, data, len);
	if ((r = wire_w_err(&w)) == 0) {
		r = tp_send(tp, w.p, w.len);
	}
	wire_w_free(&w);
	return r;
}

/* PING: answered with a PONG carrying the same data, in order (queued while rekeying). */
static int on_ping(struct tp *tp, const uint8_t *p, size_t len)
{
	struct wire_r r;
	struct wire_view data;
	uint8_t type = 0;

	wire_r_init(&r, p, len);
	wire_get_u8(&r, &type);
	wire_get_string(&r, &data);
	if (wire_end(&r) != 0) {
		return tp_fail(tp, SSHTUN_ERR_PROTOCOL, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed PING");
	}
	return send_ping_pong(tp, SSH_MSG_PONG, data.p, data.n);
}

int tp_ping(struct tp *tp, const void *data, size_t len)
{
	return tp->ext_ping ? send_ping_pong(tp, SSH_MSG_PING, data, len) : SSHTUN_ERR_NOT_SUPPORTED;
}

/*
 * The login went through: zlib@openssh.com starts now, each way, for every packet after this one (PROTOCOL,
 * OpenSSH's delayed compression: the server starts its own at the same point).
 */
static int on_auth_success(struct tp *tp)
{
	int r;

	tp->authenticated = 1;
	if ((r = tp_comp_switch(tp, 1)) != 0 || (r = tp_comp_switch(tp, 0)) != 0) {
		return tp_fail(tp, r, SSH_DISCONNECT_PROTOCOL_ERROR, "cannot start compression");
	}
	return 0;
}

int tp_poll(struct tp *tp, struct tp_msg *m)
{
	const uint8_t *p = NULL;
	size_t len = 0;
	int r;

	if (tp->state == TP_CLOSED) {
		return tp->err ? tp->err : SSHTUN_ERR_CLOSED;
	}
	if (tp->state == TP_BANNER && (r = read_banner(tp)) <= 0) {
		return r;
	}
	for (;;) {
		if (tp->kx == KX_WAIT_HOSTKEY) {
			return 0;	/* the rest of the input waits for the host key decision */
		}
		r = tp_pkt_next(tp, &p, &len);
		if (r <= 0) {
			if (r < 0) {
				return tp_fail(tp, r, r == SSHTUN_ERR_MAC ? SSH_DISCONNECT_MAC_ERROR : SSH_DISCONNECT_PROTOCOL_ERROR,
					r == SSHTUN_ERR_MAC ? "message authentication failed" :
					r == SSHTUN_ERR_LIMIT ? "packet decompresses past the limit" : "bad packet");
			}
			return 0;
		}
		if (tp->cfg.trace) {
			tp->cfg.trace(tp->cfg.trace_ud, 0, p, len);
		}
		uint8_t type = p[0];
		if ((r = filter(tp, type)) != 0) {
			return r;
		}
		switch (type) {
		case SSH_MSG_DISCONNECT:
			return on_disconnect(tp, p, len);
		case SSH_MSG_IGNORE:
		case SSH_MSG_DEBUG:
			continue;
		case SSH_MSG_UNIMPLEMENTED:
			LG_D1(tp->log, "server sent UNIMPLEMENTED");
			continue;
		case SSH_MSG_EXT_INFO:
			if ((r = on_ext_info(tp, p, len)) != 0) {
				return r;
			}
			continue;
		case SSH_MSG_PING:
			if ((r = on_ping(tp, p, len)) != 0) {
				return r;
			}
			continue;
		default:
			break;
		}
		if (type >= 20 && type <= 49) {
			int was_initial = !tp->first_kex_done;
			if ((r = tp_kex_handle(tp, type, p, len)) != 0) {
				return r;
			}
			if (tp->kx == KX_NONE && type == SSH_MSG_NEWKEYS) {
				set_rekey_limit(tp);
				if (was_initial) {
					LG_D2(tp->log, "transport ready");
				}
			}
			if ((tp->kx == KX_NONE || tp->kx == KX_WAIT_NEWKEYS) && (r = flush_pending(tp)) != 0) {
				return r;
			}
			continue;
		}
		if ((type >= 8 && type <= 19) || type == SSH_MSG_SERVICE_REQUEST) {
			if ((r = send_unimplemented(tp)) != 0) {
				return r;
			}
			continue;
		}
		if ((r = check_rekey(tp)) != 0) {
			return r;
		}
		if (type == SSH_MSG_USERAUTH_SUCCESS && !tp->authenticated && (r = on_auth_success(tp)) != 0) {
			return r;
		}
		m->type = type;
		m->payload = p;
		m->len = len;
		return 1;
	}
}

size_t tp_output(struct tp *tp, const uint8_t **p)
{
	*p = tp->out + tp->out_start;
	return tp->out_end - tp->out_start;
}

void tp_output_consume(struct tp *tp, size_t n)
{
	if (n > tp->out_end - tp->out_start) {
		n = tp->out_end - tp->out_start;
	}
	tp->out_start += n;
	if (tp->pending.len && !tp_in_kex(tp) && tp->state == TP_RUN && !tp->open) {
		flush_pending(tp);
	}
}

uint8_t *tp_send_begin(struct tp *tp, size_t max)
{
	uint8_t *p = NULL;

	if (tp->state != TP_RUN || tp->open || max > TP_MAX_PAYLOAD_OUT) {
		return NULL;
	}
	if (tp_in_kex(tp) || tp->pending.len || !tp->first_kex_done) {
		size_t mark = tp->pending.len;
		if (!wire_put_space(&tp->pending, 4 + max)) {
			tp->pending.err = 0;
			tp->pending.len = mark;
			return NULL;
		}
		tp->pending.len = mark;
		tp->open_queued = 1;
		tp->open_off = mark;
		p = tp->pending.p + mark + 4;
	} else {
		p = tp_pkt_begin(tp, max, &tp->open_off);
		tp->open_queued = 0;
	}
	if (p) {
		tp->open = 1;
		tp->open_max = max;
	}
	return p;
}

int tp_send_end(struct tp *tp, size_t len)
{
	int r;

	if (!tp->open || len > tp->open_max || len == 0) {
		return SSHTUN_ERR_STATE;
	}
	tp->open = 0;
	if (tp->open_queued) {
		wire_poke_u32(tp->pending.p + tp->open_off, (uint32_t)len);
		tp->pending.len = tp->open_off + 4 + len;
		return 0;
	}
	if ((r = tp_pkt_end(tp, tp->open_off, len)) != 0) {
		return tp_fail(tp, r, 0, "encryption failed");
	}
	return check_rekey(tp);
}

uint8_t *tp_send_open_ptr(struct tp *tp)
{
	if (!tp->open) {
		return NULL;
	}
	return tp->open_queued ? tp->pending.p + tp->open_off + 4 : tp->out + tp->open_off + 5;
}

int tp_send_cancel(struct tp *tp)
{
	tp->open = 0;
	return 0;
}

int tp_send(struct tp *tp, const void *payload, size_t len)
{
	uint8_t *p = tp_send_begin(tp, len);

	if (!p) {
		return tp->state == TP_RUN ? SSHTUN_ERR_LIMIT : SSHTUN_ERR_CLOSED;
	}
	memcpy(p, payload, len);
	return tp_send_end(tp, len);
}

size_t tp_send_room(const struct tp *tp)
{
	size_t used;

	if (tp->state != TP_RUN) {
		return 0;
	}
	if (tp_in_kex(tp) || tp->pending.len || !tp->first_kex_done) {
		return PENDING_MAX - tp->pending.len;
	}
	used = tp->out_end - tp->out_start;
	return used >= tp->out_max ? 0 : tp->out_max - used;
}

int tp_hostkey_waiting(const struct tp *tp)
{
	return tp->kx == KX_WAIT_HOSTKEY;
}

int tp_is_ready(const struct tp *tp)
{
	return tp->first_kex_done && tp->state == TP_RUN;
}

int tp_in_kex(const struct tp *tp)
{
	return tp->kx == KX_SENT_INIT || tp->kx == KX_WAIT_GROUP || tp->kx == KX_WAIT_REPLY;
}

int tp_rekey(struct tp *tp)
{
	if (tp->state != TP_RUN || !tp->first_kex_done) {
		return SSHTUN_ERR_STATE;
	}
	tp->rekey_wanted = 1;
	return check_rekey(tp);
}

int tp_tick(struct tp *tp, uint64_t now)
{
	tp->now = now;
	if (tp->kex_time == 0) {
		tp->kex_time = now;
	}
	return check_rekey(tp);
}

int tp_is_closed(const struct tp *tp)
{
	return tp->state == TP_CLOSED;
}

const char *tp_server_version(const struct tp *tp)
{
	return tp->server_version;
}

const char *tp_cipher_name(const struct tp *tp)
{
	return tp->cipher_name ? tp->cipher_name : "none";
}

const char *tp_comp_name(const struct tp *tp)
{
	return tp->comp_tx ? tp->comp_tx->name : "none";
}

void tp_comp_stats(const struct tp *tp, uint64_t stats[4])
{
	stats[0] = tp->zout.in;
	stats[1] = tp->zout.out;
	stats[2] = tp->zin.in;
	stats[3] = tp->zin.out;
}

const char *tp_mac_name(const struct tp *tp)
{
	return tp->tx.mac ? tp->tx.mac->name : NULL;
}

const char *tp_kex_name(const struct tp *tp)
{
	return tp->kex_name ? tp->kex_name : "none";
}

const uint8_t *tp_session_id(const struct tp *tp, size_t *len)
{
	*len = tp->session_id_len;
	return tp->session_id;
}

int tp_server_has_ext(const struct tp *tp, const char *name)
{
	return (strcmp(name, "ping@openssh.com") == 0 && tp->ext_ping) ||
	       (strcmp(name, "publickey-hostbound@openssh.com") == 0 && tp->ext_hostbound);
}

const uint8_t *tp_hostkey_blob(const struct tp *tp, size_t *len)
{
	*len = tp->hostkey_len;
	return tp->hostkey_blob;
}

const char *tp_server_sig_algs(const struct tp *tp)
{
	return tp->server_sig_algs;
}

const char *tp_disconnect_reason(const struct tp *tp)
{
	return tp->disconnect_reason;
}

uint64_t tp_bytes_out(const struct tp *tp)
{
	return tp->total_out;
}

uint64_t tp_bytes_in(const struct tp *tp)
{
	return tp->total_in;
}

unsigned tp_kex_count(const struct tp *tp)
{
	return tp->kex_count;
}
