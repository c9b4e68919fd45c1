/* sshtun: the key exchange driver (RFC 4253 7-8, RFC 5656 4 message flow, RFC 8731), strict kex, key derivation. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sshtun_err.h"
#include "transport/cert.h"
#include "transport/tp_int.h"

/* RequiredRSASize when the configuration names none: smaller RSA host keys are refused. */
enum { RSA_BITS_DEFAULT = 2048 };

void tp_kex_wipe(struct tp *tp)
{
	if (tp->kex_priv) {
		cry_wipe(tp->kex_priv, tp->kex_priv_len);
		free(tp->kex_priv);
		tp->kex_priv = NULL;
	}
	tp->kex_priv_len = 0;
	free(tp->kex_q);
	tp->kex_q = NULL;
	tp->kex_qlen = 0;
	cry_wipe(tp->next_tx_key, sizeof(tp->next_tx_key));
	cry_wipe(tp->next_rx_key, sizeof(tp->next_rx_key));
	cry_wipe(tp->next_tx_iv, sizeof(tp->next_tx_iv));
	cry_wipe(tp->next_rx_iv, sizeof(tp->next_rx_iv));
	cry_wipe(tp->next_tx_mac_key, sizeof(tp->next_tx_mac_key));
	cry_wipe(tp->next_rx_mac_key, sizeof(tp->next_rx_mac_key));
}

/* Sends our KEXINIT (if not yet sent for this exchange). */
int tp_kex_start(struct tp *tp)
{
	int r;

	if (tp->kx != KX_NONE) {
		return 0;
	}
	r = tp_kexinit_build(tp, &tp->my_kexinit);
	if (r == 0) {
		r = tp_pkt_send_raw(tp, tp->my_kexinit.p, tp->my_kexinit.len);
	}
	if (r == 0) {
		tp->kx = KX_SENT_INIT;
		tp->got_server_kexinit = 0;
		tp->rekey_wanted = 0;
		LG_D2(tp->log, "sent KEXINIT (exchange %u)", tp->kex_count + 1);
	}
	return r;
}

/* RFC 4253 7.2: key = HASH(K || H || X || session_id), extended with HASH(K || H || K1 || ...). */
static int derive(struct tp *tp, const struct wire_w *kmp, const uint8_t *h, size_t hlen, char x, uint8_t *out, size_t need)
{
	int alg = tp->choice.kex->hash;
	size_t hl = cry_hash_len(alg), have = 0;
	uint8_t buf[CRY_KEY_MAX + CRY_HASH_MAX];
	struct cry_hash_ctx c;
	int r = 0;

	while (have < need && r == 0) {
		r = cry_hash_init(&c, alg);
		if (r == 0) {
			r = cry_hash_update(&c, kmp->p, kmp->len);
		}
		if (r == 0) {
			r = cry_hash_update(&c, h, hlen);
		}
		if (r == 0 && have == 0) {
			if ((r = cry_hash_update(&c, &x, 1)) == 0) {
				r = cry_hash_update(&c, tp->session_id, tp->session_id_len);
			}
		} else if (r == 0) {
			r = cry_hash_update(&c, buf, have);
		}
		if (r == 0) {
			r = cry_hash_final(&c, buf + have);
		}
		cry_hash_free(&c);
		have += hl;
	}
	if (r == 0) {
		memcpy(out, buf, need);
	}
	cry_wipe(buf, sizeof(buf));
	return r;
}

/* The server's group of a group exchange, as the methods take it; NULL for the other flows. */
static const struct cry_dh_group *gex_group(const struct tp *tp, struct cry_dh_group *g)
{
	if (tp->choice.kex->flow != TP_KEX_GEX) {
		return NULL;
	}
	memset(g, 0, sizeof(*g));
	g->p = tp->gex_p.p;
	g->plen = tp->gex_p.len;
	g->g = tp->gex_g.p;
	g->glen = tp->gex_g.len;
	return g;
}

/* Puts a value of the method as it goes on the wire and into H: a string, or for DH an mpint. */
static void put_value(const struct tp_kex_alg *a, struct wire_w *w, const uint8_t *v, size_t n)
{
	if (a->q_mpint) {
		wire_put_mpint(w, v, n);
	} else {
		wire_put_string(w, v, n);
	}
}

/* Makes our ephemeral secret and value, sized by the method's row, and sends it (KEX*_INIT or GEX_INIT). */
static int send_init(struct tp *tp)
{
	const struct tp_kex_alg *a = tp->choice.kex;
	struct cry_dh_group g;
	struct wire_w w;
	int r;

	tp_kex_wipe(tp);
	tp->kex_priv = malloc(a->priv_len);
	tp->kex_q = malloc(a->q_max);
	if (!tp->kex_priv || !tp->kex_q) {
		return SSHTUN_ERR_NOMEM;
	}
	tp->kex_priv_len = a->priv_len;
	if ((r = a->client_init(a, gex_group(tp, &g), tp->kex_priv, tp->kex_q, &tp->kex_qlen)) != 0) {
		return r;
	}
	wire_w_init(&w, 0);
	wire_put_u8(&w, a->flow == TP_KEX_GEX ? SSH_MSG_KEX_DH_GEX_INIT : SSH_MSG_KEX_ECDH_INIT);
	put_value(a, &w, tp->kex_q, tp->kex_qlen);
	if ((r = wire_w_err(&w)) == 0) {
		r = tp_pkt_send_raw(tp, w.p, w.len);
	}
	wire_w_free(&w);
	tp->kx = KX_WAIT_REPLY;
	return r;
}

/*
 * The group size to ask for (RFC 4419 3), as OpenSSH's client estimates it: strong enough for the largest
 * key, block or IV of the ciphers and key of the MACs negotiated (NIST SP 800-57 equivalences).
 */
static uint32_t gex_wanted(const struct tp_choice *c)
{
	size_t need = 0;
	const struct cry_cipher *cs[2] = { c->enc_c2s, c->enc_s2c };

	const struct cry_mac *ms[2] = { c->mac_c2s, c->mac_s2c };

	for (int i = 0; i < 2; i++) {
		need = cs[i]->key_len > need ? cs[i]->key_len : need;
		need = cs[i]->block_size > need ? cs[i]->block_size : need;
		need = cs[i]->iv_len > need ? cs[i]->iv_len : need;
		need = ms[i] && ms[i]->key_len > need ? ms[i]->key_len : need;
	}
	need *= 8;
	return need <= 112 ? 2048 : need <= 128 ? 3072 : need <= 192 ? 7680 : 8192;
}

static int send_gex_request(struct tp *tp)
{
	uint8_t m[16];
	struct wire_w w;
	int r;

	tp->gex_min = TP_GEX_MIN;
	tp->gex_max = TP_GEX_MAX;
	tp->gex_n = gex_wanted(&tp->choice);
	wire_w_init_fixed(&w, m, sizeof(m));
	wire_put_u8(&w, SSH_MSG_KEX_DH_GEX_REQUEST);
	wire_put_u32(&w, tp->gex_min);
	wire_put_u32(&w, tp->gex_n);
	wire_put_u32(&w, tp->gex_max);
	if ((r = wire_w_err(&w)) == 0) {
		r = tp_pkt_send_raw(tp, w.p, w.len);
	}
	tp->kx = KX_WAIT_GROUP;
	return r;
}

static int on_kexinit(struct tp *tp, const uint8_t *p, size_t len)
{
	int r;

	if (tp->kx == KX_NONE) {
		/* The server started a (re)key exchange: answer with ours. */
		LG_D1(tp->log, "server started a key exchange");
		if ((r = tp_kex_start(tp)) != 0) {
			return r;
		}
	}
	if (tp->kx != KX_SENT_INIT || tp->got_server_kexinit) {
		return tp_fail(tp, SSHTUN_ERR_PROTOCOL, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected KEXINIT");
	}
	tp->got_server_kexinit = 1;
	wire_w_reset(&tp->peer_kexinit);
	if (wire_put_raw(&tp->peer_kexinit, p, len) != 0) {
		return wire_w_err(&tp->peer_kexinit);
	}
	if ((r = tp_kexinit_negotiate(tp, p, len, &tp->choice)) != 0) {
		return tp_fail(tp, r, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "no matching algorithm");
	}
	if (tp->kex_count == 0) {
		tp->strict = tp->choice.strict;
		/* Strict kex: the server's KEXINIT must have been its very first packet. */
		if (tp->strict && tp->rx.packets != 1) {
			return tp_fail(tp, SSHTUN_ERR_PROTOCOL, SSH_DISCONNECT_PROTOCOL_ERROR, "strict KEX: KEXINIT was not first");
		}
	}
	return tp->choice.kex->flow == TP_KEX_GEX ? send_gex_request(tp) : send_init(tp);
}

/* GEX_GROUP (RFC 4419 3): mpint p, mpint g. The group must be of the size asked for, p a safe prime. */
static int on_gex_group(struct tp *tp, const uint8_t *p, size_t len)
{
	struct wire_r r;
	struct wire_view vp, vg;
	struct cry_dh_group g;
	uint8_t type = 0, sum[CRY_HASH_MAX];
	unsigned bits = 0;
	int e;

	wire_r_init(&r, p, len);
	wire_get_u8(&r, &type);
	wire_get_mpint(&r, &vp);
	wire_get_mpint(&r, &vg);
	if ((e = wire_end(&r)) != 0) {
		return tp_fail(tp, e, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "malformed KEX_DH_GEX_GROUP");
	}
	/* mpints of positive numbers may carry a 0x00 sign byte: the magnitude without it. */
	while (vp.n && vp.p[0] == 0) {
		vp.p++, vp.n--;
	}
	while (vg.n && vg.p[0] == 0) {
		vg.p++, vg.n--;
	}
	if (vp.n > CRY_DH_MAX_BYTES || vg.n > vp.n) {
		LG_E(tp->log, "the server's Diffie-Hellman group has %zu bits, more than the %u asked for at most", vp.n * 8,
			tp->gex_max);
		return tp_fail(tp, SSHTUN_ERR_KEX_FAILED, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "DH group out of range");
	}
	wire_w_reset(&tp->gex_p);
	wire_w_reset(&tp->gex_g);
	wire_put_raw(&tp->gex_p, vp.p, vp.n);
	wire_put_raw(&tp->gex_g, vg.p, vg.n);
	if ((e = wire_w_err(&tp->gex_p)) != 0 || (e = wire_w_err(&tp->gex_g)) != 0) {
		return e;
	}
	/* A rekey that brings the group checked last is not checked again (about a second for 8192 bits). */
	if ((e = cry_hash(CRY_SHA256, p, len, sum)) != 0) {
		return e;
	}
	if (!cry_memeq(sum, tp->gex_checked, cry_hash_len(CRY_SHA256))) {
		if (tp->choice.kex->check_group(gex_group(tp, &g), tp->gex_min, tp->gex_max, &bits) != 0) {
			LG_E(tp->log, "the server's Diffie-Hellman group (%zu bits) is not a safe prime of %u to %u bits "
				"with a proper generator: refused; the server's moduli file needs repair",
				vp.n * 8, tp->gex_min, tp->gex_max);
			return tp_fail(tp, SSHTUN_ERR_KEX_FAILED, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "bad DH group");
		}
		memcpy(tp->gex_checked, sum, cry_hash_len(CRY_SHA256));
		LG_D1(tp->log, "group exchange: the server's %u-bit group checked", bits);
	}
	return send_init(tp);
}

/*
 * H = HASH(V_C, V_S, I_C, I_S, K_S, [group exchange: min, n, max, p, g,] Q_C, Q_S, K) (RFC 4253 8, RFC 4419 3,
 * RFC 5656 4, RFC 8731 3); the values and K encoded as the method's row says.
 */
static int exchange_hash(struct tp *tp, const struct wire_view *ks, const struct wire_view *qs, const struct wire_w *kmp,
	uint8_t *h, size_t *hlen)
{
	const struct tp_kex_alg *a = tp->choice.kex;
	struct wire_w w;
	int r;

	wire_w_init(&w, 0);
	wire_put_cstring(&w, tp->client_version);
	wire_put_cstring(&w, tp->server_version);
	wire_put_string(&w, tp->my_kexinit.p, tp->my_kexinit.len);
	wire_put_string(&w, tp->peer_kexinit.p, tp->peer_kexinit.len);
	wire_put_string(&w, ks->p, ks->n);
	if (a->flow == TP_KEX_GEX) {
		wire_put_u32(&w, tp->gex_min);
		wire_put_u32(&w, tp->gex_n);
		wire_put_u32(&w, tp->gex_max);
		wire_put_mpint(&w, tp->gex_p.p, tp->gex_p.len);
		wire_put_mpint(&w, tp->gex_g.p, tp->gex_g.len);
	}
	put_value(a, &w, tp->kex_q, tp->kex_qlen);
	put_value(a, &w, qs->p, qs->n);
	wire_put_raw(&w, kmp->p, kmp->len);
	r = wire_w_err(&w);
	if (r == 0) {
		r = cry_hash(a->hash, w.p, w.len, h);
		*hlen = cry_hash_len(a->hash);
	}
	wire_w_free(&w);
	return r;
}

/*
 * RFC 4253 7.2: IVs 'A' (client to server) and 'B', encryption keys 'C' and 'D', and, when a direction's cipher
 * needs a MAC (not an AEAD), integrity keys 'E' and 'F'.
 */
static int take_keys(struct tp *tp, const struct wire_w *kmp, const uint8_t *h, size_t hlen)
{
	const struct cry_cipher *tx = tp->choice.enc_c2s, *rx = tp->choice.enc_s2c;
	const struct cry_mac *mtx = tx->crypt ? tp->choice.mac_c2s : NULL, *mrx = rx->crypt ? tp->choice.mac_s2c : NULL;
	int r;

	/* derive() builds a key in a buffer sized for CRY_KEY_MAX. */
	static_assert((int)CRY_MAC_KEY_MAX <= (int)CRY_KEY_MAX, "MAC keys must fit derive()'s buffer");
	if ((tx->crypt && !mtx) || (rx->crypt && !mrx)) {
		return SSHTUN_ERR_KEX_NOMATCH;
	}
	if (tp->session_id_len == 0) {
		memcpy(tp->session_id, h, hlen);
		tp->session_id_len = hlen;
	}
	tp->next_tx_cipher = tx;
	tp->next_rx_cipher = rx;
	tp->next_tx_mac = mtx;
	tp->next_rx_mac = mrx;
	if ((r = derive(tp, kmp, h, hlen, 'A', tp->next_tx_iv, tx->iv_len)) != 0 ||
	    (r = derive(tp, kmp, h, hlen, 'B', tp->next_rx_iv, rx->iv_len)) != 0 ||
	    (r = derive(tp, kmp, h, hlen, 'C', tp->next_tx_key, tx->key_len)) != 0 ||
	    (r = derive(tp, kmp, h, hlen, 'D', tp->next_rx_key, rx->key_len)) != 0 ||
	    (mtx && (r = derive(tp, kmp, h, hlen, 'E', tp->next_tx_mac_key, mtx->key_len)) != 0) ||
	    (mrx && (r = derive(tp, kmp, h, hlen, 'F', tp->next_rx_mac_key, mrx->key_len)) != 0)) {
		return r;
	}
	return 0;
}

static int finish_reply(struct tp *tp, const struct wire_w *kmp, const uint8_t *h, size_t hlen);

static int on_reply(struct tp *tp, const uint8_t *p, size_t len)
{
	struct wire_r r;
	struct wire_view ks, qs, sig;
	struct pubkey *key = NULL;
	struct cert *cert = NULL;
	const struct tp_kex_alg *a = tp->choice.kex;
	struct cry_dh_group g;
	uint8_t type = 0, *k = NULL, h[CRY_HASH_MAX];
	size_t klen = 0, hlen = 0;
	struct wire_w kmp;
	int e;

	wire_w_init(&kmp, 0);
	wire_r_init(&r, p, len);
	wire_get_u8(&r, &type);
	wire_get_string(&r, &ks);
	if (a->q_mpint) {
		wire_get_mpint(&r, &qs);
	} else {
		wire_get_string(&r, &qs);
	}
	wire_get_string(&r, &sig);
	if ((e = wire_end(&r)) != 0) {
		e = tp_fail(tp, e, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "malformed key exchange reply");
		goto out;
	}
	if (a->q_mpint) {
		/* The magnitude (the hash takes the value again as an mpint, so the sign byte is not lost). */
		while (qs.n && qs.p[0] == 0) {
			qs.p++, qs.n--;
		}
	}
	key = calloc(1, sizeof(*key));
	if (!key) {
		e = SSHTUN_ERR_NOMEM;
		goto out;
	}
	/* Never negotiated without SSHTUN_CERT (no certificate algorithm is offered): the branch folds away. */
	if (SSHTUN_CERT && cert_is_name(tp->choice.hostkey, strlen(tp->choice.hostkey))) {
		/* A host certificate: its type must be the negotiated algorithm's; the certified key signs. */
		const char *want = cert_key_type_name(cert_sigalg_key_type(tp->choice.hostkey, strlen(tp->choice.hostkey)));

		cert = calloc(1, sizeof(*cert));
		if (!cert) {
			e = SSHTUN_ERR_NOMEM;
			goto out;
		}
		if ((e = cert_parse(cert, ks.p, ks.n)) != 0 || !want || strcmp(cert_type_name(cert), want) != 0 ||
		    cert->type != CERT_HOST) {
			e = tp_fail(tp, e ? e : SSHTUN_ERR_KEX_FAILED, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
				"server host certificate is not the negotiated type");
			goto out;
		}
		*key = cert->key;
	} else if ((e = pubkey_from_blob(key, ks.p, ks.n)) != 0 ||
		   key->type != pubkey_sigalg_key_type(tp->choice.hostkey, strlen(tp->choice.hostkey))) {
		e = tp_fail(tp, e ? e : SSHTUN_ERR_KEX_FAILED, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
			"server host key is not the negotiated type");
		goto out;
	}
	if (key->type == PK_RSA && key->bits < (tp->cfg.required_rsa_bits ? tp->cfg.required_rsa_bits : RSA_BITS_DEFAULT)) {
		LG_E(tp->log, "the server's RSA host key has %u bits, fewer than RequiredRSASize (%u): refused", key->bits,
			tp->cfg.required_rsa_bits ? tp->cfg.required_rsa_bits : RSA_BITS_DEFAULT);
		e = tp_fail(tp, SSHTUN_ERR_HOSTKEY_WEAK, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "RSA host key too small");
		goto out;
	}
	if (tp->session_id_len == 0 && ks.n <= sizeof(tp->hostkey_blob)) {
		memcpy(tp->hostkey_blob, ks.p, ks.n);	/* publickey-hostbound binds userauth to this key */
		tp->hostkey_len = ks.n;
	}
	if (!(k = malloc(a->k_max))) {
		e = SSHTUN_ERR_NOMEM;
		goto out;
	}
	if (qs.n > a->qs_max || (e = a->shared(a, gex_group(tp, &g), tp->kex_priv, qs.p, qs.n, k, &klen)) != 0) {
		e = tp_fail(tp, e ? e : SSHTUN_ERR_KEX_FAILED, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
			"bad server ephemeral key");
		goto out;
	}
	/* K: an mpint for the classic methods, a string for the hybrids (their K is a hash output). */
	if (a->k_string) {
		wire_put_string(&kmp, k, klen);
	} else {
		wire_put_mpint(&kmp, k, klen);
	}
	if ((e = wire_w_err(&kmp)) != 0 || (e = exchange_hash(tp, &ks, &qs, &kmp, h, &hlen)) != 0) {
		goto out;
	}
	e = cert ? cert_verify(cert, tp->choice.hostkey, sig.p, sig.n, h, hlen) :
		pubkey_verify_alg(key, tp->choice.hostkey, sig.p, sig.n, h, hlen);
	if (e != 0) {
		e = tp_fail(tp, SSHTUN_ERR_HOSTKEY_SIG, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "host key signature invalid");
		goto out;
	}
	if (tp->cfg.hostkey_cb && (e = tp->cfg.hostkey_cb(tp->cfg.ud, key, cert)) != 0) {
		if (e == SSHTUN_ERR_AGAIN) {
			/* The user is asked: keep what finishing needs, and take no more input until tp_hostkey_answer. */
			wire_w_reset(&tp->pend_kmp);
			e = wire_put_raw(&tp->pend_kmp, kmp.p, kmp.len);
			memcpy(tp->pend_h, h, hlen);
			tp->pend_hlen = hlen;
			tp->kx = KX_WAIT_HOSTKEY;
			goto out;
		}
		e = tp_fail(tp, e, SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE, "host key not accepted");
		goto out;
	}
	e = finish_reply(tp, &kmp, h, hlen);
out:
	if (k) {
		cry_wipe(k, a->k_max);
		free(k);
	}
	cry_wipe(h, sizeof(h));
	if (tp->kex_priv) {
		cry_wipe(tp->kex_priv, tp->kex_priv_len);
	}
	wire_w_free(&kmp);
	free(key);
	free(cert);
	return e;
}

int tp_hostkey_answer(struct tp *tp, int err)
{
	int e;

	if (tp->kx != KX_WAIT_HOSTKEY) {
		return SSHTUN_ERR_STATE;
	}
	if (err != 0) {
		e = tp_fail(tp, err, SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE, "host key not accepted");
	} else {
		e = finish_reply(tp, &tp->pend_kmp, tp->pend_h, tp->pend_hlen);
	}
	cry_wipe(tp->pend_kmp.p, tp->pend_kmp.cap);
	wire_w_reset(&tp->pend_kmp);
	cry_wipe(tp->pend_h, sizeof(tp->pend_h));
	return e;
}

/* The host key is trusted: derive the keys, send NEWKEYS and switch our direction. */
static int finish_reply(struct tp *tp, const struct wire_w *kmp, const uint8_t *h, size_t hlen)
{
	int e;

	if ((e = take_keys(tp, kmp, h, hlen)) != 0) {
		goto out;
	}
	/* NEWKEYS goes out under the old keys; everything after it under the new ones. */
	static const uint8_t newkeys = SSH_MSG_NEWKEYS;
	if ((e = tp_pkt_send_raw(tp, &newkeys, 1)) != 0) {
		goto out;
	}
	if ((e = tp_dir_set(&tp->tx, tp->next_tx_cipher, tp->next_tx_key, tp->next_tx_iv, tp->next_tx_mac,
		tp->next_tx_mac_key, 1)) != 0) {
		goto out;
	}
	if (tp->strict) {
		tp->tx.seq = 0;
	}
	tp->comp_tx = tp->choice.comp_c2s;
	if ((e = tp_comp_switch(tp, 1)) != 0) {
		goto out;
	}
	tp->cipher_name = tp->next_tx_cipher->name;
	tp->kex_name = tp->choice.kex->name;
	tp->kx = KX_WAIT_NEWKEYS;
out:
	return e;
}

static int on_newkeys(struct tp *tp, size_t len)
{
	if (len != 1) {
		return tp_fail(tp, SSHTUN_ERR_PROTOCOL, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed NEWKEYS");
	}
	int r = tp_dir_set(&tp->rx, tp->next_rx_cipher, tp->next_rx_key, tp->next_rx_iv, tp->next_rx_mac,
		tp->next_rx_mac_key, 0);

	if (r != 0) {
		return tp_fail(tp, r, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "cannot take the new keys into use");
	}
	if (tp->strict) {
		tp->rx.seq = 0;
	}
	tp->comp_rx = tp->choice.comp_s2c;
	if ((r = tp_comp_switch(tp, 0)) != 0) {
		return tp_fail(tp, r, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "cannot start decompression");
	}
	tp_kex_wipe(tp);
	tp->kx = KX_NONE;
	tp->first_kex_done = 1;
	tp->kex_count++;
	tp->kex_time = tp->now;
	LG_D1(tp->log, "key exchange %u done: %s, %s", tp->kex_count, tp->kex_name, tp->cipher_name);
	return 0;
}

/* Handles the key exchange messages 20, 21, 30-49; the state filter in transport.c already ran. */
int tp_kex_handle(struct tp *tp, uint8_t type, const uint8_t *p, size_t len)
{
	if (type == SSH_MSG_KEXINIT) {
		return on_kexinit(tp, p, len);
	}
	if (tp->choice.guess_wrong && type >= 30 && type <= 49) {
		tp->choice.guess_wrong = 0;	/* the server's guessed packet: ignore it (RFC 4253 7) */
		return 0;
	}
	if (tp->kx == KX_WAIT_GROUP && type == SSH_MSG_KEX_DH_GEX_GROUP) {
		return on_gex_group(tp, p, len);
	}
	if (tp->kx == KX_WAIT_REPLY &&
	    type == (tp->choice.kex->flow == TP_KEX_GEX ? SSH_MSG_KEX_DH_GEX_REPLY : SSH_MSG_KEX_ECDH_REPLY)) {
		return on_reply(tp, p, len);
	}
	if (type == SSH_MSG_NEWKEYS && tp->kx == KX_WAIT_NEWKEYS) {
		return on_newkeys(tp, len);
	}
	return tp_fail(tp, SSHTUN_ERR_PROTOCOL, SSH_DISCONNECT_PROTOCOL_ERROR, "key exchange message out of order");
}
