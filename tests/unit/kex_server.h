/*
 * sshtun tests: the server's side of a key exchange (any method of the client's table, through its row's
 * server function: curve25519-sha256 unless a test sets kex_algs; RFC 4253 7-8, RFC 4419) and of
 * userauth (RFC 4252), played in memory against the real client transport with real crypto. The server
 * derives its keys itself from what crossed the wire: it never reads the client's state, so a client that
 * computes the exchange hash, the keys or a signature wrongly fails here.
 *
 * The host key is a struct ks_key: its algorithm name, its public key blob (K_S) and a function that makes
 * an SSH signature blob under the name sig_alg. ks_key_ed25519 makes an Ed25519 one from a seed;
 * ks_key_private one of any type from a private key file's key (ssh/key.h), signing with the hash its own
 * table (ks_sigalgs) gives the name; ks_key_cert a host certificate (K_S the certificate blob, offered under
 * a *-cert-v01@openssh.com name, signing with the certified private key under the plain name ks_cert_plain
 * gives it, as PROTOCOL.certkeys says).
 *
 * Steps, for a test that wants to misbehave in one of them:
 *   ks_init        a client transport (tp_new, tp_start) whose host key callback records into the server;
 *                  ks_init_cfg with the client's configuration (HostKeyAlgorithms, RequiredRSASize, ...)
 *   ks_hello       version lines and KEXINITs both ways, (group exchange: the client's request, the server's
 *                  group,) the client's INIT (Q_C); makes Q_S and K with the negotiated method's row
 *   ks_hash        the exchange hash H over any K_S and Q_S (the rest as exchanged)
 *   ks_reply       KEX_ECDH_REPLY with any K_S and signature blob (and s->q_s)
 *   ks_take_keys   derives the next keys from H (and sets the session id on the first exchange)
 *   ks_send        frames (and seals, once NEWKEYS went out) a payload and feeds it to the client
 *   ks_recv        takes (and opens) the client's next packet from its output
 *   ks_rekey       a whole key exchange the server starts, once the first is done
 * With a CTR cipher (s->cipher aes*-ctr) the server offers the one MAC s->mac, derives its keys 'E' and 'F' and
 * frames with it, encrypt-then-MAC or encrypt-and-MAC as the MAC's name says (RFC 4253 6, PROTOCOL 1.5).
 * and the honest paths: ks_kex_reply (H, signature, reply, keys, NEWKEYS), ks_handshake (all of it, until
 * both sides have taken the new keys), ks_auth_run (the userauth server against struct ua). After ks_hello,
 * ks_namelist reads a name-list of either KEXINIT and ks_negotiated the algorithm RFC 4253 7.1 makes of them.
 * Every helper returns 0 (ks_recv: 1 with a packet, 0 if none) or a negative SSHTUN_ERR_*.
 */
#ifndef TESTS_KEX_SERVER_H
#define TESTS_KEX_SERVER_H

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/features.h"
#if SSHTUN_ZLIB
#include <zlib.h>
#else
typedef struct ks_no_zlib z_stream;	/* --without-zlib: only "none" is negotiated, no stream ever starts */
#endif
#if SSHTUN_DH
#include <openssl/bn.h>
#endif

#include "crypto/cipher.h"
#include "crypto/crypto.h"
#include "crypto/mac.h"
#include "ssh/key.h"
#include "sshtun_err.h"
#include "transport/cert.h"
#include "transport/tp_int.h"
#include "transport/transport.h"
#include "transport/userauth.h"
#include "util/wire.h"

enum {
	KS_BLOB_MAX = 4096,		/* a public key blob (a certificate too) or an SSH signature blob */
	KS_PKT_MAX = 35000,		/* the largest packet either side handles here (RFC 4253 6.1) */
	KS_BUF = KS_PKT_MAX + 4 + 255 + CRY_MAC_TAG_MAX,
	KS_X25519 = 32,
	KS_Q_MAX = 2048,		/* Q_C, Q_S or K of any method (a hybrid's public key, a DH value) */
	KS_H_LEN = 32,			/* SHA-256: the exchange hash of the default method */
	KS_H_MAX = 64
};

static const char ks_server_version[] = "SSH-2.0-TestServer";
static const char ks_ed25519[] = "ssh-ed25519";

/* ---- keys that sign: the host key, and the user's key of userauth ---- */

struct ks_key {
	/* The algorithm as offered in KEXINIT ("ssh-ed25519", "rsa-sha2-256", "ssh-ed25519-cert-v01@openssh.com"). */
	const char *alg;
	/*
	 * The signature algorithm its signatures are made with and named by (NULL: alg). A test sets another to
	 * make a server that signs under a name other than the negotiated one (ks_key_private then also hashes
	 * as that name says, whatever the key's type).
	 */
	const char *sig_alg;
	uint8_t blob[KS_BLOB_MAX];	/* the public key blob (K_S for a host key) */
	size_t bloblen;
	/* Appends the SSH signature blob (string algorithm name, string signature) of data to sig. */
	int (*sign)(const struct ks_key *k, const uint8_t *data, size_t n, struct wire_w *sig);
	uint8_t sk[64];			/* the Ed25519 signer's secret key (libsodium's seed || pk) */
	void *ud;			/* for other signers: their key (a struct privkey, a certificate's key) */
};

/* The name k's signatures carry. */
static inline const char *ks_sig_alg(const struct ks_key *k)
{
	return k->sig_alg ? k->sig_alg : k->alg;
}

static inline int ks_ed25519_sign(const struct ks_key *k, const uint8_t *data, size_t n, struct wire_w *sig)
{
	uint8_t raw[64];
	int r = cry_ed25519_sign(raw, k->sk, data, n);

	if (r == 0) {
		wire_put_cstring(sig, ks_sig_alg(k));
		r = wire_put_string(sig, raw, sizeof(raw));
	}
	cry_wipe(raw, sizeof(raw));
	return r;
}

/* An Ed25519 key from a seed of 32 bytes of the value seed: the same seed always gives the same key. */
static inline int ks_key_ed25519(struct ks_key *k, uint8_t seed)
{
	uint8_t s[32], pk[32];
	struct wire_w w;
	int r;

	memset(k, 0, sizeof(*k));
	memset(s, seed, sizeof(s));
	if ((r = cry_ed25519_from_seed(k->sk, pk, s)) != 0) {
		return r;
	}
	k->alg = ks_ed25519;
	k->sign = ks_ed25519_sign;
	wire_w_init_fixed(&w, k->blob, sizeof(k->blob));
	wire_put_cstring(&w, ks_ed25519);
	wire_put_string(&w, pk, sizeof(pk));
	k->bloblen = w.len;
	return wire_w_err(&w);
}

/*
 * The signature algorithms the server signs with, and the hash each name means (RFC 8709 Ed25519 hashes
 * inside; RFC 5656 6.2.1: P-256 SHA-256, P-384 SHA-384, P-521 SHA-512; RFC 8332 3; RFC 4253 6.6 ssh-rsa
 * SHA-1). The server's own table, not the client's: a client that hashes with another fails.
 */
static const struct ks_sigalg {
	const char *name;
	int hash;
} ks_sigalgs[] = {
	{ "ssh-ed25519", 0 },
	{ "ecdsa-sha2-nistp256", CRY_SHA256 },
	{ "ecdsa-sha2-nistp384", CRY_SHA384 },
	{ "ecdsa-sha2-nistp521", CRY_SHA512 },
	{ "rsa-sha2-512", CRY_SHA512 },
	{ "rsa-sha2-256", CRY_SHA256 },
	{ "ssh-rsa", CRY_SHA1 },
};

/* The hash name means (0 for Ed25519), or SSHTUN_ERR_NOT_SUPPORTED. */
static inline int ks_sigalg_hash(const char *name)
{
	for (size_t i = 0; name && i < sizeof(ks_sigalgs) / sizeof(ks_sigalgs[0]); i++) {
		if (strcmp(ks_sigalgs[i].name, name) == 0) {
			return ks_sigalgs[i].hash;
		}
	}
	return SSHTUN_ERR_NOT_SUPPORTED;
}

/*
 * The signer of ks_key_private: k->ud is a struct privkey. The raw signature as its type makes it: Ed25519's
 * 64 bytes; ECDSA's mpint r, mpint s (RFC 5656 3.1.2); RSA's PKCS #1 v1.5 signature, as long as the modulus
 * (RFC 8332 3). Hashed as ks_sig_alg(k) says, even when that is not the key's own algorithm.
 */
static inline int ks_privkey_sign(const struct ks_key *k, const uint8_t *data, size_t n, struct wire_w *sig)
{
	const struct privkey *pk = k->ud;
	const char *alg = ks_sig_alg(k);
	int hash = ks_sigalg_hash(alg), r;
	struct wire_w raw;

	if (hash < 0) {
		return hash;
	}
	wire_w_init(&raw, 0);
	if (pk->pub.type == PK_ED25519) {
		uint8_t *p = wire_put_space(&raw, 64);

		r = p ? cry_ed25519_sign(p, pk->ed25519_sk, data, n) : wire_w_err(&raw);
#if SSHTUN_RSA
	} else if (pk->pub.type == PK_RSA) {
		uint8_t *p = wire_put_space(&raw, CRY_RSA_SIG_MAX);
		size_t len = 0;

		r = p ? cry_rsa_sign(pk->pk, hash, data, n, p, CRY_RSA_SIG_MAX, &len) : wire_w_err(&raw);
		raw.len = r == 0 ? len : 0;
#endif
#if SSHTUN_ECDSA
	} else if (pk->pub.type != PK_ED25519) {
		uint8_t er[CRY_ECDSA_SCALAR_MAX], es[CRY_ECDSA_SCALAR_MAX];
		size_t rlen = 0, slen = 0;

		r = cry_ecdsa_sign(pk->pk, hash, data, n, er, &rlen, es, &slen);
		if (r == 0) {
			wire_put_mpint(&raw, er, rlen);
			r = wire_put_mpint(&raw, es, slen);
		}
#endif
	} else {
		r = SSHTUN_ERR_NOT_SUPPORTED;
	}
	if (r == 0) {
		wire_put_cstring(sig, alg);
		r = wire_put_string(sig, raw.p, raw.len);
	}
	wire_w_free(&raw);
	return r;
}

/*
 * A key of any type from a private key (key_load_private; it must outlive k), offered as alg (NULL: the key
 * type's own algorithm, rsa-sha2-512 for RSA) and signing under alg.
 */
static inline int ks_key_private(struct ks_key *k, const struct privkey *pk, const char *alg)
{
	memset(k, 0, sizeof(*k));
	if (pk->pub.bloblen > sizeof(k->blob)) {
		return SSHTUN_ERR_TOO_LONG;
	}
	k->alg = alg ? alg : pk->pub.type == PK_RSA ? "rsa-sha2-512" : pubkey_type_name(pk->pub.type);
	k->sign = ks_privkey_sign;
	k->ud = (void *)pk;
	memcpy(k->blob, pk->pub.blob, pk->pub.bloblen);
	k->bloblen = pk->pub.bloblen;
	return 0;
}

/*
 * The certificate algorithms the server offers and the plain signature algorithm each one signs H with
 * (PROTOCOL.certkeys: the certified key signs, under the plain name; the RSA ones by the signature they make).
 * The server's own table, not the client's cert_sigalg_plain.
 */
static const struct ks_certalg {
	const char *name, *plain;
} ks_certalgs[] = {
	{ "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519" },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256" },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384" },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521" },
	{ "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-512" },
	{ "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-256" },
	{ "ssh-rsa-cert-v01@openssh.com", "ssh-rsa" },
};

/* The plain signature algorithm of certificate algorithm name, or NULL. */
static inline const char *ks_cert_plain(const char *name)
{
	for (size_t i = 0; name && i < sizeof(ks_certalgs) / sizeof(ks_certalgs[0]); i++) {
		if (strcmp(ks_certalgs[i].name, name) == 0) {
			return ks_certalgs[i].plain;
		}
	}
	return NULL;
}

/*
 * A host certificate: K_S is the certificate blob (n bytes, as ssh-keygen -s wrote it), offered as certalg (a
 * *-cert-v01@openssh.com name), and H is signed by pk, the certified key (key_load_private; it must outlive
 * k), under certalg's plain name. Nothing checks that pk is the key the certificate certifies: a test may pair
 * them wrongly on purpose.
 */
static inline int ks_key_cert(struct ks_key *k, const struct privkey *pk, const char *certalg, const uint8_t *blob,
	size_t n)
{
	const char *plain = ks_cert_plain(certalg);

	memset(k, 0, sizeof(*k));
	if (!plain) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	if (n > sizeof(k->blob)) {
		return SSHTUN_ERR_TOO_LONG;
	}
	k->alg = certalg;
	k->sig_alg = plain;
	k->sign = ks_privkey_sign;
	k->ud = (void *)pk;
	memcpy(k->blob, blob, n);
	k->bloblen = n;
	return 0;
}

/* Splits an SSH signature blob into its algorithm name and raw signature (views into blob). */
static inline int ks_sig_split(const uint8_t *blob, size_t n, struct wire_view *alg, struct wire_view *raw)
{
	struct wire_r r;

	wire_r_init(&r, blob, n);
	wire_get_string(&r, alg);
	wire_get_string(&r, raw);
	return wire_end(&r);
}

/* For struct ua_identity.sign: ud is the struct ks_key. */
static inline int ks_ua_sign(void *ud, const struct pubkey *key, const char *alg, const uint8_t *data, size_t n,
	struct wire_w *sig)
{
	const struct ks_key *k = ud;

	(void)key;
	(void)alg;
	return k->sign(k, data, n, sig);
}

/* A userauth identity that signs with k (which must outlive it). */
static inline int ks_identity(struct ua_identity *id, const struct ks_key *k, const char *label)
{
	int r;

	memset(id, 0, sizeof(*id));
	if ((r = pubkey_from_blob(&id->key, k->blob, k->bloblen)) != 0) {
		return r;
	}
	snprintf(id->label, sizeof(id->label), "%s", label);
	id->sign = ks_ua_sign;
	id->ud = (void *)k;
	return 0;
}

/* ---- the server ---- */

/*
 * What the specifications say of a method, written here from them and not read from the client's row, so a
 * wrong row fails against this server: the hash (RFC 8731, 5656, 8268, 4419, the hybrids' drafts), whether
 * Q_C/Q_S are DH mpints, whether K is hashed as a string (the hybrids), whether it is a group exchange.
 */
struct ks_method {
	int hash, q_mpint, k_string, gex;
};

static inline struct ks_method ks_method_of(const char *name)
{
	struct ks_method m = { CRY_SHA256, 0, 0, 0 };

	if (strncmp(name, "mlkem768x25519-", 15) == 0) {
		m.k_string = 1;
	} else if (strncmp(name, "sntrup761x25519-", 16) == 0) {
		m.hash = CRY_SHA512;
		m.k_string = 1;
	} else if (strcmp(name, "ecdh-sha2-nistp384") == 0) {
		m.hash = CRY_SHA384;
	} else if (strcmp(name, "ecdh-sha2-nistp521") == 0) {
		m.hash = CRY_SHA512;
	} else if (strncmp(name, "diffie-hellman-", 15) == 0) {
		m.q_mpint = 1;
		m.hash = strstr(name, "sha512") ? CRY_SHA512 : CRY_SHA256;
		m.gex = strstr(name, "group-exchange") != NULL;
	}
	return m;
}

/* One direction's packet protection on the server's side. cipher NULL: plaintext; mac NULL: an AEAD cipher. */
struct ks_dir {
	const struct cry_cipher *cipher;
	alignas(16) uint8_t ctx[CRY_CIPHER_CTX_MAX];
	const struct cry_mac *mac;
	alignas(16) uint8_t mac_ctx[CRY_MAC_CTX_MAX];
	uint32_t seq;
	/* Derived, taken into use at NEWKEYS. */
	const struct cry_cipher *next;
	const struct cry_mac *next_mac;
	uint8_t next_key[CRY_KEY_MAX];
	uint8_t next_iv[CRY_IV_MAX];
	uint8_t next_mac_key[CRY_MAC_KEY_MAX];
};

struct ks {
	struct tp *tp;			/* the client under test */
	const struct ks_key *hostkey;
	/* What the server's KEXINIT offers: set by ks_init, a test may change them before ks_hello. */
	const char *kex_algs;
	const char *hostkey_algs;
	const char *cipher;		/* the one cipher offered, so the one chosen */
	const char *mac;		/* the MAC list offered (one name: the one chosen with a CTR cipher) */
	int strict;			/* offer kex-strict-s-v00@openssh.com: sequence numbers restart at NEWKEYS */
	const char *comp;		/* the compression methods offered (NULL: "none") */

	/*
	 * Compression, zlib directly (not the client's wrapper): a stream each way while it runs. "zlib" starts at
	 * each NEWKEYS, zlib@openssh.com at the first NEWKEYS after the server sent USERAUTH_SUCCESS, or at it.
	 */
	z_stream *ztx, *zrx;
	int authed;
	uint8_t zbuf[KS_BUF];

	/* The client's host key callback: what it returns, what it saw. */
	int hostkey_ret;
	unsigned hostkey_calls;
	uint8_t hostkey_seen[KS_BLOB_MAX];	/* the key (for a certificate: the certified key, a plain key) */
	size_t hostkey_seen_len;
	/* Of the calls, how many came with a certificate; the last one's type, key id and blob. */
	unsigned hostkey_cert_calls;
	int hostkey_cert_type;
	char hostkey_cert_id[CERT_KEY_ID_MAX];
	uint8_t hostkey_cert_blob[KS_BLOB_MAX];
	size_t hostkey_cert_len;

	/* The exchange. */
	char v_c[256];			/* the client's version line without CR LF */
	struct wire_w i_c, i_s;		/* the KEXINIT payloads */
	const struct tp_kex_alg *kex;	/* the negotiated method (its server function computes Q_S and K) */
	struct ks_method m;		/* and what its specification says of its encodings */
	uint8_t q_c[KS_Q_MAX], q_s[KS_Q_MAX], k[KS_Q_MAX];
	size_t q_c_len, q_s_len, k_len, h_len;
	/* Group exchange: what the client asked for, and the group the server sends (RFC 3526's 2048-bit one). */
	uint32_t gex_min, gex_n, gex_max;
	uint8_t gex_p[KS_Q_MAX], gex_g[KS_Q_MAX];	/* a test may set these (gex_plen != 0) before ks_hello */
	size_t gex_plen, gex_glen;
	uint8_t h[KS_H_MAX];		/* H of the last ks_take_keys */
	uint8_t session_id[KS_H_MAX];
	size_t session_id_len;

	struct ks_dir tx, rx;		/* server to client, client to server */
	uint8_t buf[KS_BUF];		/* a packet being sealed; a payload ks_hello or ks_handshake took */
	uint8_t rbuf[KS_BUF];		/* a packet being opened */
	uint8_t msg[KS_BUF];		/* a payload ks_auth_serve took */
};

static inline int ks_hostkey_cb(void *ud, const struct pubkey *key, const struct cert *cert)
{
	struct ks *s = ud;

	s->hostkey_calls++;
	s->hostkey_seen_len = 0;
	if (key->bloblen <= sizeof(s->hostkey_seen)) {
		memcpy(s->hostkey_seen, key->blob, key->bloblen);
		s->hostkey_seen_len = key->bloblen;
	}
	if (cert) {
		s->hostkey_cert_calls++;
		s->hostkey_cert_type = cert->type;
		snprintf(s->hostkey_cert_id, sizeof(s->hostkey_cert_id), "%s", cert->key_id);
		s->hostkey_cert_len = 0;
		if (cert->bloblen <= sizeof(s->hostkey_cert_blob)) {
			memcpy(s->hostkey_cert_blob, cert->blob, cert->bloblen);
			s->hostkey_cert_len = cert->bloblen;
		}
	}
	return s->hostkey_ret;
}

/*
 * A client transport configured as base (NULL: all defaults; its host key callback and ud are replaced by
 * the server's recorder), started (its version line and KEXINIT queued), and a server that will offer
 * curve25519-sha256, hostkey's algorithm and cipher (NULL: chacha20-poly1305@openssh.com); strict kex if
 * strict. hostkey and base's strings must outlive s.
 */
static inline int ks_init_cfg(struct ks *s, const struct ks_key *hostkey, const char *cipher, int strict,
	const struct tp_config *base)
{
	struct tp_config cfg;

	memset(s, 0, sizeof(*s));
	if (cry_init() != 0) {
		return SSHTUN_ERR_CRYPTO;
	}
	s->hostkey = hostkey;
	s->kex_algs = strict ? "curve25519-sha256,kex-strict-s-v00@openssh.com" : "curve25519-sha256";
	s->hostkey_algs = hostkey->alg;
	s->cipher = cipher ? cipher : "chacha20-poly1305@openssh.com";
	s->mac = "hmac-sha2-256";
	s->strict = strict;
	wire_w_init(&s->i_c, 0);
	wire_w_init(&s->i_s, 0);
	if (base) {
		cfg = *base;
	} else {
		memset(&cfg, 0, sizeof(cfg));
	}
	cfg.hostkey_cb = ks_hostkey_cb;
	cfg.ud = s;
	s->tp = tp_new(&cfg);
	if (!s->tp) {
		return SSHTUN_ERR_NOMEM;
	}
	return tp_start(s->tp);
}

/* ks_init_cfg with the client's default configuration. */
static inline int ks_init(struct ks *s, const struct ks_key *hostkey, const char *cipher, int strict)
{
	return ks_init_cfg(s, hostkey, cipher, strict, NULL);
}

static inline void ks_dir_wipe(struct ks_dir *d)
{
	if (d->cipher) {
		d->cipher->cleanup(d->ctx);
	}
	if (d->mac) {
		d->mac->cleanup(d->mac_ctx);
	}
	cry_wipe(d, sizeof(*d));
}

static inline void ks_z_end(z_stream **z, int inflating);

static inline void ks_free(struct ks *s)
{
	ks_z_end(&s->ztx, 0);
	ks_z_end(&s->zrx, 1);
	tp_free(s->tp);
	s->tp = NULL;
	ks_dir_wipe(&s->tx);
	ks_dir_wipe(&s->rx);
	wire_w_free(&s->i_c);
	wire_w_free(&s->i_s);
	cry_wipe(s->k, sizeof(s->k));
}

/* Takes the keys derived for d into use (at NEWKEYS); with strict kex its sequence number restarts. */
static inline int ks_dir_switch(struct ks_dir *d, int strict, int enc)
{
	int r;

	if (!d->next) {
		return SSHTUN_ERR_STATE;
	}
	if (d->cipher) {
		d->cipher->cleanup(d->ctx);
	}
	if (d->mac) {
		d->mac->cleanup(d->mac_ctx);
	}
	memset(d->ctx, 0, sizeof(d->ctx));
	memset(d->mac_ctx, 0, sizeof(d->mac_ctx));
	d->cipher = d->next;
	d->mac = d->next_mac;
	d->next = NULL;
	d->next_mac = NULL;
	r = d->cipher->init(d->ctx, d->next_key, d->next_iv, enc);
	if (r == 0 && d->mac) {
		r = d->mac->init(d->mac_ctx, d->next_mac_key);
	}
	cry_wipe(d->next_key, sizeof(d->next_key));
	cry_wipe(d->next_iv, sizeof(d->next_iv));
	cry_wipe(d->next_mac_key, sizeof(d->next_mac_key));
	if (strict) {
		d->seq = 0;
	}
	return r;
}

/*
 * Frames payload as one packet under the server's current keys into out (cap bytes): random padding of at
 * least 4 bytes to the cipher's block (8 in plaintext), the length field outside the padded part for the
 * AEAD ciphers and for -etm MACs, then the tag. With a MAC: encrypt-then-MAC encrypts all but the length and
 * MACs seq || what is sent; encrypt-and-MAC MACs seq || the plaintext packet, then encrypts all of it. Sets
 * *outlen. Counts a sequence number.
 */
static inline int ks_negotiated(const struct ks *s, unsigned i, char *out, size_t cap);

/* Ends a stream of the server's. */
static inline void ks_z_end(z_stream **z, int inflating)
{
#if SSHTUN_ZLIB
	if (*z) {
		if (inflating) {
			inflateEnd(*z);
		} else {
			deflateEnd(*z);
		}
		free(*z);
		*z = NULL;
	}
#else
	(void)z;
	(void)inflating;
#endif
}

/* (Re)starts the server's stream of one direction if the negotiated method runs now, as OpenSSH does. */
static inline int ks_z_switch(struct ks *s, int tx)
{
	char name[64];
	z_stream **z = tx ? &s->ztx : &s->zrx;

	ks_z_end(z, !tx);
	if (ks_negotiated(s, tx ? 7 : 6, name, sizeof(name)) != 0 || strcmp(name, "none") == 0 ||
	    (strcmp(name, "zlib@openssh.com") == 0 && !s->authed)) {
		return 0;
	}
#if !SSHTUN_ZLIB
	return SSHTUN_ERR_PROTOCOL;	/* a method the build does not have was negotiated */
#else
	*z = calloc(1, sizeof(**z));
	if (!*z || (tx ? deflateInit(*z, 6) : inflateInit(*z)) != Z_OK) {
		return SSHTUN_ERR_NOMEM;
	}
	return 0;
#endif
}

/* Runs payload through a stream into s->zbuf (Z_PARTIAL_FLUSH out, Z_SYNC_FLUSH in); *n its length. */
static inline int ks_z_run(struct ks *s, z_stream *z, int inflating, const void *in, size_t len, size_t *n)
{
#if !SSHTUN_ZLIB
	(void)s, (void)z, (void)inflating, (void)in, (void)len, (void)n;
	return SSHTUN_ERR_PROTOCOL;
#else
	z->next_in = (Bytef *)(uintptr_t)in;
	z->avail_in = (uInt)len;
	z->next_out = s->zbuf;
	z->avail_out = sizeof(s->zbuf);
	if ((inflating ? inflate(z, Z_SYNC_FLUSH) : deflate(z, Z_PARTIAL_FLUSH)) != Z_OK || z->avail_in != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	*n = sizeof(s->zbuf) - z->avail_out;
	return 0;
#endif
}

static inline int ks_seal(struct ks *s, const void *payload, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
	const struct cry_cipher *c = s->tx.cipher;
	const struct cry_mac *m = s->tx.mac;
	int len_outside = c && (!m || m->etm);
	size_t block = c ? c->block_size : 8, covered = len_outside ? 1 + len : 5 + len, pad = block - covered % block;
	size_t plen, total;
	int r = 0;

	if (s->ztx) {
		if ((r = ks_z_run(s, s->ztx, 0, payload, len, &len)) != 0) {
			return r;
		}
		payload = s->zbuf;
		covered = len_outside ? 1 + len : 5 + len;
		pad = block - covered % block;
	}
	if (pad < 4) {
		pad += block;
	}
	plen = 1 + len + pad;
	total = 4 + plen + (m ? m->tag_len : c ? c->tag_len : 0);
	if (len > KS_PKT_MAX || total > cap) {
		return SSHTUN_ERR_TOO_LONG;
	}
	wire_poke_u32(out, (uint32_t)plen);
	out[4] = (uint8_t)pad;
	memcpy(out + 5, payload, len);
	cry_random(out + 5 + len, pad);
	if (m && m->etm) {
		if ((r = c->crypt(s->tx.ctx, out + 4, plen)) == 0) {
			r = m->compute(s->tx.mac_ctx, s->tx.seq, out, 4 + plen, out + 4 + plen);
		}
	} else if (m) {
		if ((r = m->compute(s->tx.mac_ctx, s->tx.seq, out, 4 + plen, out + 4 + plen)) == 0) {
			r = c->crypt(s->tx.ctx, out, 4 + plen);
		}
	} else if (c) {
		r = c->seal(s->tx.ctx, s->tx.seq, out, 4 + plen, out + 4 + plen);
	}
	if (r != 0) {
		return r;
	}
	s->tx.seq++;
	*outlen = total;
	return 0;
}

/* Seals payload and feeds it to the client. After a NEWKEYS the server's next keys are taken into use. */
static inline int ks_send(struct ks *s, const void *payload, size_t len)
{
	size_t n = 0;
	int r = ks_seal(s, payload, len, s->buf, sizeof(s->buf), &n);

	if (r == 0) {
		r = tp_input(s->tp, s->buf, n);
	}
	if (r == 0 && len == 1 && *(const uint8_t *)payload == SSH_MSG_NEWKEYS &&
	    (r = ks_dir_switch(&s->tx, s->strict, 1)) == 0) {
		r = ks_z_switch(s, 1);
	}
	if (r == 0 && len >= 1 && *(const uint8_t *)payload == SSH_MSG_USERAUTH_SUCCESS && !s->authed) {
		s->authed = 1;
		if ((r = ks_z_switch(s, 1)) == 0) {
			r = ks_z_switch(s, 0);
		}
	}
	return r;
}

/*
 * Takes the client's next packet from its output, checks its framing, opens it under the server's keys
 * and copies its payload to out (cap bytes; *n set). Returns 1, 0 if the client sent nothing more, or a
 * negative error (SSHTUN_ERR_MAC: it does not open). After the client's NEWKEYS the next keys are taken
 * into use.
 */
static inline int ks_recv(struct ks *s, uint8_t *out, size_t cap, size_t *n)
{
	const struct cry_cipher *c = s->rx.cipher;
	const struct cry_mac *m = s->rx.mac;
	const uint8_t *p = NULL;
	size_t avail = tp_output(s->tp, &p), block = c ? c->block_size : 8, total, len;
	size_t tag = m ? m->tag_len : c ? c->tag_len : 0;
	int len_outside = c && (!m || m->etm);
	uint32_t plen = 0;
	int r;

	*n = 0;
	if (avail == 0) {
		return 0;
	}
	if (avail < (m && !m->etm ? block : 4)) {
		return SSHTUN_ERR_TRUNCATED;
	}
	memcpy(s->rbuf, p, m && !m->etm ? block : 4);
	if (m && !m->etm) {
		/* Encrypt-and-MAC: the length is in the first block, decrypted here (once) into rbuf. */
		if ((r = c->crypt(s->rx.ctx, s->rbuf, block)) != 0) {
			return r;
		}
		plen = wire_peek_u32(s->rbuf);
	} else if (c && !m) {
		if ((r = c->length(s->rx.ctx, s->rx.seq, p, &plen)) != 0) {
			return r;
		}
	} else {
		plen = wire_peek_u32(p);
	}
	if (plen < 8 || plen > KS_BUF - 4 - tag || (len_outside ? plen : 4 + plen) % block != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	total = 4 + plen + tag;
	if (avail < total) {
		return SSHTUN_ERR_TRUNCATED;
	}
	if (m && !m->etm) {
		memcpy(s->rbuf + block, p + block, total - block);
		if ((r = c->crypt(s->rx.ctx, s->rbuf + block, 4 + plen - block)) != 0 ||
		    (r = cry_mac_verify(m, s->rx.mac_ctx, s->rx.seq, s->rbuf, 4 + plen, s->rbuf + 4 + plen)) != 0) {
			return r;
		}
	} else {
		memcpy(s->rbuf, p, total);
		if (m && ((r = cry_mac_verify(m, s->rx.mac_ctx, s->rx.seq, s->rbuf, 4 + plen, s->rbuf + 4 + plen)) != 0 ||
		    (r = c->crypt(s->rx.ctx, s->rbuf + 4, plen)) != 0)) {
			return r;
		}
		if (c && !m && (r = c->open(s->rx.ctx, s->rx.seq, s->rbuf, 4 + plen, s->rbuf + 4 + plen)) != 0) {
			return r;
		}
	}
	tp_output_consume(s->tp, total);
	s->rx.seq++;
	if (s->rbuf[4] < 4 || (size_t)s->rbuf[4] + 2 > plen) {
		return SSHTUN_ERR_PROTOCOL;
	}
	len = plen - 1 - s->rbuf[4];
	const uint8_t *body = s->rbuf + 5;
	if (s->zrx) {
		if ((r = ks_z_run(s, s->zrx, 1, body, len, &len)) != 0) {
			return r;
		}
		body = s->zbuf;
	}
	if (len > cap) {
		return SSHTUN_ERR_TOO_LONG;
	}
	memcpy(out, body, len);
	*n = len;
	if (len == 1 && out[0] == SSH_MSG_NEWKEYS &&
	    ((r = ks_dir_switch(&s->rx, s->strict, 0)) != 0 || (r = ks_z_switch(s, 0)) != 0)) {
		return r;
	}
	return 1;
}

/* The server's KEXINIT into s->i_s. */
static inline int ks_kexinit(struct ks *s)
{
	uint8_t cookie[16];

	cry_random(cookie, sizeof(cookie));
	wire_w_reset(&s->i_s);
	wire_put_u8(&s->i_s, SSH_MSG_KEXINIT);
	wire_put_raw(&s->i_s, cookie, sizeof(cookie));
	wire_put_namelist(&s->i_s, s->kex_algs);
	wire_put_namelist(&s->i_s, s->hostkey_algs);
	wire_put_namelist(&s->i_s, s->cipher);
	wire_put_namelist(&s->i_s, s->cipher);
	wire_put_namelist(&s->i_s, s->mac);
	wire_put_namelist(&s->i_s, s->mac);
	wire_put_namelist(&s->i_s, s->comp ? s->comp : "none");
	wire_put_namelist(&s->i_s, s->comp ? s->comp : "none");
	wire_put_namelist(&s->i_s, "");
	wire_put_namelist(&s->i_s, "");
	wire_put_bool(&s->i_s, 0);
	wire_put_u32(&s->i_s, 0);
	return wire_w_err(&s->i_s);
}

/* The value of the negotiated method as it goes on the wire and into H: a string, or for DH an mpint. */
static inline void ks_put_value(const struct ks *s, struct wire_w *w, const uint8_t *v, size_t n)
{
	if (s->m.q_mpint) {
		wire_put_mpint(w, v, n);
	} else {
		wire_put_string(w, v, n);
	}
}

/* K as the method hashes it: a string for the hybrids, an mpint for the rest. */
static inline void ks_put_k(const struct ks *s, struct wire_w *w)
{
	if (s->m.k_string) {
		wire_put_string(w, s->k, s->k_len);
	} else {
		wire_put_mpint(w, s->k, s->k_len);
	}
}

static inline int ks_negotiated(const struct ks *s, unsigned i, char *out, size_t cap);

/*
 * After both KEXINITs: the negotiated method; for the group exchange the client's GEX_REQUEST and the
 * server's group; then the client's INIT (Q_C), and Q_S and K by the method's server function.
 */
static inline int ks_kex_init(struct ks *s)
{
	char name[128];
	struct cry_dh_group grp = { 0 }, *g = NULL;
	struct wire_r r;
	struct wire_view v;
	uint8_t type = 0, want;
	size_t n = 0;
	int e;

	if ((e = ks_negotiated(s, 0, name, sizeof(name))) != 0) {
		return e;
	}
	if (!(s->kex = tp_kex_find(name, strlen(name)))) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	s->m = ks_method_of(name);
	want = SSH_MSG_KEX_ECDH_INIT;
	if (s->m.gex) {
		struct wire_w w;

		if ((e = ks_recv(s, s->buf, sizeof(s->buf), &n)) != 1) {
			return e < 0 ? e : SSHTUN_ERR_PROTOCOL;
		}
		wire_r_init(&r, s->buf, n);
		wire_get_u8(&r, &type);
		wire_get_u32(&r, &s->gex_min);
		wire_get_u32(&r, &s->gex_n);
		wire_get_u32(&r, &s->gex_max);
		if (wire_end(&r) != 0 || type != SSH_MSG_KEX_DH_GEX_REQUEST) {
			return SSHTUN_ERR_PROTOCOL;
		}
#if SSHTUN_DH
		if (s->gex_plen == 0) {
			/* RFC 3526's 2048-bit group, g = 2: a safe prime of a size the client accepts. */
			BIGNUM *p = BN_get_rfc3526_prime_2048(NULL);

			if (!p) {
				return SSHTUN_ERR_NOMEM;
			}
			s->gex_plen = (size_t)BN_bn2bin(p, s->gex_p);
			BN_free(p);
			s->gex_g[0] = 2;
			s->gex_glen = 1;
		}
#endif
		wire_w_init(&w, 0);
		wire_put_u8(&w, SSH_MSG_KEX_DH_GEX_GROUP);
		wire_put_mpint(&w, s->gex_p, s->gex_plen);
		wire_put_mpint(&w, s->gex_g, s->gex_glen);
		e = wire_w_err(&w) ? wire_w_err(&w) : ks_send(s, w.p, w.len);
		wire_w_free(&w);
		if (e != 0) {
			return e;
		}
		struct tp_msg m;
		if ((e = tp_poll(s->tp, &m)) != 0) {
			return e < 0 ? e : SSHTUN_ERR_PROTOCOL;
		}
		grp.p = s->gex_p;
		grp.plen = s->gex_plen;
		grp.g = s->gex_g;
		grp.glen = s->gex_glen;
		g = &grp;
		want = SSH_MSG_KEX_DH_GEX_INIT;
	}
	if ((e = ks_recv(s, s->buf, sizeof(s->buf), &n)) != 1) {
		return e < 0 ? e : SSHTUN_ERR_PROTOCOL;
	}
	wire_r_init(&r, s->buf, n);
	wire_get_u8(&r, &type);
	if (s->m.q_mpint) {
		wire_get_mpint(&r, &v);
	} else {
		wire_get_string(&r, &v);
	}
	while (s->m.q_mpint && v.n && v.p[0] == 0) {
		v.p++, v.n--;
	}
	if (wire_end(&r) != 0 || type != want || v.n > sizeof(s->q_c)) {
		return SSHTUN_ERR_PROTOCOL;
	}
	memcpy(s->q_c, v.p, v.n);
	s->q_c_len = v.n;
	s->h_len = cry_hash_len(s->m.hash);
	return s->kex->server(s->kex, g, s->q_c, s->q_c_len, s->q_s, &s->q_s_len, s->k, &s->k_len);
}

/*
 * The start of an exchange: takes the client's version line and KEXINIT, sends the server's version line
 * and KEXINIT, lets the client run (tp_poll must want more input), then ks_kex_init.
 */
static inline int ks_hello(struct ks *s)
{
	const uint8_t *p = NULL;
	size_t avail = tp_output(s->tp, &p), n = 0;
	const uint8_t *nl = avail ? memchr(p, '\n', avail) : NULL;
	struct tp_msg m;
	char line[64];
	int e;

	if (!nl || nl == p || nl[-1] != '\r' || (size_t)(nl - p) - 1 >= sizeof(s->v_c)) {
		return SSHTUN_ERR_BANNER;
	}
	memcpy(s->v_c, p, (size_t)(nl - p) - 1);
	s->v_c[nl - p - 1] = '\0';
	tp_output_consume(s->tp, (size_t)(nl - p) + 1);
	wire_w_reset(&s->i_c);
	if ((e = ks_recv(s, s->buf, sizeof(s->buf), &n)) != 1) {
		return e < 0 ? e : SSHTUN_ERR_PROTOCOL;
	}
	if (n < 1 || s->buf[0] != SSH_MSG_KEXINIT || wire_put_raw(&s->i_c, s->buf, n) != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	snprintf(line, sizeof(line), "%s\r\n", ks_server_version);
	if ((e = ks_kexinit(s)) != 0 || (e = tp_input(s->tp, line, strlen(line))) != 0 ||
	    (e = ks_send(s, s->i_s.p, s->i_s.len)) != 0) {
		return e;
	}
	if ((e = tp_poll(s->tp, &m)) != 0) {
		return e < 0 ? e : SSHTUN_ERR_PROTOCOL;
	}
	return ks_kex_init(s);
}

/*
 * The name-list i (0 kex, 1 host key, 2-3 ciphers, ...; RFC 4253 7.1) of a KEXINIT payload (s->i_c, s->i_s)
 * into out, NUL-terminated (cap bytes).
 */
static inline int ks_namelist(const struct wire_w *kexinit, unsigned i, char *out, size_t cap)
{
	struct wire_r r;
	struct wire_view v = { 0 };
	uint8_t type = 0;

	if (i >= 10 || cap == 0) {
		return SSHTUN_ERR_INVAL;
	}
	out[0] = '\0';
	wire_r_init(&r, kexinit->p, kexinit->len);
	wire_get_u8(&r, &type);
	wire_skip(&r, 16);
	for (unsigned j = 0; j <= i; j++) {
		wire_get_namelist(&r, &v);
	}
	if (wire_err(&r) != 0 || type != SSH_MSG_KEXINIT) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	if (v.n >= cap) {
		return SSHTUN_ERR_TOO_LONG;
	}
	memcpy(out, v.p, v.n);
	out[v.n] = '\0';
	return 0;
}

/*
 * The algorithm of name-list i that both KEXINITs lead to (RFC 4253 7.1): the first of the client's that
 * the server's list holds, into out. SSHTUN_ERR_KEX_NOMATCH if none.
 */
static inline int ks_negotiated(const struct ks *s, unsigned i, char *out, size_t cap)
{
	char c[1024], sv[1024];
	int r;

	if ((r = ks_namelist(&s->i_c, i, c, sizeof(c))) != 0 || (r = ks_namelist(&s->i_s, i, sv, sizeof(sv))) != 0) {
		return r;
	}
	for (const char *p = c; *p;) {
		size_t n = strcspn(p, ",");

		for (const char *q = sv; *q;) {
			size_t m = strcspn(q, ",");

			if (m == n && memcmp(p, q, n) == 0) {
				if (n >= cap) {
					return SSHTUN_ERR_TOO_LONG;
				}
				memcpy(out, p, n);
				out[n] = '\0';
				return 0;
			}
			q += m + (q[m] == ',');
		}
		p += n + (p[n] == ',');
	}
	return SSHTUN_ERR_KEX_NOMATCH;
}

/*
 * The exchange hash H = SHA-256(string V_C, string V_S, string I_C, string I_S, string K_S, string Q_C,
 * string Q_S, mpint K) (RFC 4253 8, RFC 5656 4, RFC 8731 3) with the given K_S and Q_S.
 */
static inline int ks_hash(const struct ks *s, const uint8_t *ks_blob, size_t ks_len, const uint8_t *qs, size_t qs_len,
	uint8_t h[KS_H_MAX])
{
	struct wire_w w;
	int r;

	wire_w_init(&w, 0);
	wire_put_cstring(&w, s->v_c);
	wire_put_cstring(&w, ks_server_version);
	wire_put_string(&w, s->i_c.p, s->i_c.len);
	wire_put_string(&w, s->i_s.p, s->i_s.len);
	wire_put_string(&w, ks_blob, ks_len);
	if (s->m.gex) {
		wire_put_u32(&w, s->gex_min);
		wire_put_u32(&w, s->gex_n);
		wire_put_u32(&w, s->gex_max);
		wire_put_mpint(&w, s->gex_p, s->gex_plen);
		wire_put_mpint(&w, s->gex_g, s->gex_glen);
	}
	ks_put_value(s, &w, s->q_c, s->q_c_len);
	ks_put_value(s, &w, qs, qs_len);
	ks_put_k(s, &w);
	r = wire_w_err(&w);
	if (r == 0) {
		r = cry_hash(s->m.hash, w.p, w.len, h);
	}
	wire_w_free(&w);
	return r;
}

/* KEX_ECDH_REPLY: string K_S, string Q_S (s->q_s), string signature. */
static inline int ks_reply(struct ks *s, const uint8_t *ks_blob, size_t ks_len, const uint8_t *sig, size_t sig_len)
{
	struct wire_w w;
	int r;

	wire_w_init(&w, 0);
	wire_put_u8(&w, s->m.gex ? SSH_MSG_KEX_DH_GEX_REPLY : SSH_MSG_KEX_ECDH_REPLY);
	wire_put_string(&w, ks_blob, ks_len);
	ks_put_value(s, &w, s->q_s, s->q_s_len);
	wire_put_string(&w, sig, sig_len);
	r = wire_w_err(&w);
	if (r == 0) {
		r = ks_send(s, w.p, w.len);
	}
	wire_w_free(&w);
	return r;
}

/* RFC 4253 7.2: HASH(K || H || x || session_id), extended by HASH(K || H || what came before) to need bytes. */
static inline int ks_derive(const struct ks *s, const uint8_t *h, char x, uint8_t *out, size_t need)
{
	uint8_t acc[CRY_KEY_MAX + KS_H_MAX];
	size_t have = 0;
	int r = 0;

	if (need > CRY_KEY_MAX) {
		return SSHTUN_ERR_INVAL;
	}
	while (have < need && r == 0) {
		struct wire_w w;

		wire_w_init(&w, 0);
		ks_put_k(s, &w);
		wire_put_raw(&w, h, s->h_len);
		if (have == 0) {
			wire_put_u8(&w, (uint8_t)x);
			wire_put_raw(&w, s->session_id, s->session_id_len);
		} else {
			wire_put_raw(&w, acc, have);
		}
		r = wire_w_err(&w);
		if (r == 0) {
			r = cry_hash(s->m.hash, w.p, w.len, acc + have);
		}
		wire_w_free(&w);
		have += s->h_len;
	}
	if (r == 0) {
		memcpy(out, acc, need);
	}
	cry_wipe(acc, sizeof(acc));
	return r;
}

/*
 * Derives both directions' next keys from H (kept in s->h; the first H is the session id): client to server
 * IV 'A' and key 'C', server to client IV 'B' and key 'D', and with a CTR cipher the MAC keys, client to
 * server 'E' and server to client 'F'. They are taken into use at each side's NEWKEYS.
 */
static inline int ks_take_keys(struct ks *s, const uint8_t h[KS_H_MAX])
{
	const struct cry_cipher *c = cry_cipher_find(s->cipher, strlen(s->cipher));
	const struct cry_mac *m = c && c->crypt ? cry_mac_find(s->mac, strlen(s->mac)) : NULL;
	int r;

	if (!c || (c->crypt && !m)) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	memcpy(s->h, h, s->h_len);
	if (s->session_id_len == 0) {
		memcpy(s->session_id, h, s->h_len);
		s->session_id_len = s->h_len;
	}
	s->rx.next = c;
	s->tx.next = c;
	if ((r = ks_derive(s, h, 'A', s->rx.next_iv, c->iv_len)) != 0 || (r = ks_derive(s, h, 'B', s->tx.next_iv, c->iv_len)) != 0 ||
	    (r = ks_derive(s, h, 'C', s->rx.next_key, c->key_len)) != 0 ||
	    (r = ks_derive(s, h, 'D', s->tx.next_key, c->key_len)) != 0) {
		return r;
	}
	s->rx.next_mac = m;
	s->tx.next_mac = m;
	if (m && ((r = ks_derive(s, h, 'E', s->rx.next_mac_key, m->key_len)) != 0 ||
	    (r = ks_derive(s, h, 'F', s->tx.next_mac_key, m->key_len)) != 0)) {
		return r;
	}
	return 0;
}

/* The honest end of the exchange: H, the host key's signature, KEX_ECDH_REPLY, the keys, NEWKEYS. */
static inline int ks_kex_reply(struct ks *s)
{
	static const uint8_t newkeys = SSH_MSG_NEWKEYS;
	uint8_t h[KS_H_MAX];
	struct wire_w sig;
	int r;

	wire_w_init(&sig, 0);
	if ((r = ks_hash(s, s->hostkey->blob, s->hostkey->bloblen, s->q_s, s->q_s_len, h)) == 0 &&
	    (r = s->hostkey->sign(s->hostkey, h, s->h_len, &sig)) == 0 && (r = wire_w_err(&sig)) == 0 &&
	    (r = ks_reply(s, s->hostkey->blob, s->hostkey->bloblen, sig.p, sig.len)) == 0 && (r = ks_take_keys(s, h)) == 0) {
		r = ks_send(s, &newkeys, 1);
	}
	wire_w_free(&sig);
	return r;
}

/*
 * A whole first key exchange: ks_hello, ks_kex_reply, the client runs (it must want more input), and the
 * server takes the client's NEWKEYS. The client's transport is then ready and both sides use the new keys.
 */
static inline int ks_handshake(struct ks *s)
{
	struct tp_msg m;
	size_t n = 0;
	int r;

	if ((r = ks_hello(s)) != 0 || (r = ks_kex_reply(s)) != 0) {
		return r;
	}
	if ((r = tp_poll(s->tp, &m)) != 0) {
		return r < 0 ? r : SSHTUN_ERR_PROTOCOL;
	}
	if ((r = ks_recv(s, s->buf, sizeof(s->buf), &n)) != 1) {
		return r < 0 ? r : SSHTUN_ERR_PROTOCOL;
	}
	if (n != 1 || s->buf[0] != SSH_MSG_NEWKEYS || !tp_is_ready(s->tp)) {
		return SSHTUN_ERR_PROTOCOL;
	}
	return 0;
}

/*
 * A key re-exchange the server starts, after the first: its KEXINIT, the client's answer, the exchange by the
 * method the lists give, NEWKEYS both ways. The session id stays the first exchange's.
 */
static inline int ks_rekey(struct ks *s)
{
	struct tp_msg m;
	size_t n = 0;
	int r;

	if ((r = ks_kexinit(s)) != 0 || (r = ks_send(s, s->i_s.p, s->i_s.len)) != 0) {
		return r;
	}
	if ((r = tp_poll(s->tp, &m)) != 0) {
		return r < 0 ? r : SSHTUN_ERR_PROTOCOL;
	}
	wire_w_reset(&s->i_c);
	if ((r = ks_recv(s, s->buf, sizeof(s->buf), &n)) != 1) {
		return r < 0 ? r : SSHTUN_ERR_PROTOCOL;
	}
	if (n < 1 || s->buf[0] != SSH_MSG_KEXINIT || wire_put_raw(&s->i_c, s->buf, n) != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	if ((r = ks_kex_init(s)) != 0 || (r = ks_kex_reply(s)) != 0) {
		return r;
	}
	if ((r = tp_poll(s->tp, &m)) != 0) {
		return r < 0 ? r : SSHTUN_ERR_PROTOCOL;
	}
	if ((r = ks_recv(s, s->buf, sizeof(s->buf), &n)) != 1) {
		return r < 0 ? r : SSHTUN_ERR_PROTOCOL;
	}
	return n == 1 && s->buf[0] == SSH_MSG_NEWKEYS && !tp_in_kex(s->tp) ? 0 : SSHTUN_ERR_PROTOCOL;
}

/* ---- userauth: the server's side (RFC 4252 5-7); it checks Ed25519 user keys' signatures (ks_auth_verify) ---- */

struct ks_auth {
	/* How the server answers, set before the run. */
	const uint8_t *pk_ok_blob;	/* NULL: PK_OK names the key queried; else this blob */
	size_t pk_ok_len;
	/* What it saw. */
	unsigned service_requests, nones, queries, signed_requests;
	char user[64];
	char alg[64];			/* of the last signed request */
	uint8_t blob[KS_BLOB_MAX];	/* its key blob */
	size_t bloblen;
	uint8_t sig[KS_BLOB_MAX];	/* its signature blob */
	size_t siglen;
	int verified;			/* 1: its signature verified under the server's session id (SUCCESS sent) */
};

/*
 * Checks the last signed request's signature as a server would, under session id sid: over string sid,
 * byte 50, string user, string "ssh-connection", string "publickey", bool TRUE, string alg, string blob
 * (RFC 4252 7), built here from the fields the request carried. 0 if it verifies.
 */
static inline int ks_auth_verify(const struct ks_auth *a, const uint8_t *sid, size_t sidlen)
{
	struct wire_r r;
	struct wire_view ktype, salg, raw;
	uint8_t pk[32];
	struct wire_w data;
	int e;

	wire_r_init(&r, a->blob, a->bloblen);
	wire_get_string(&r, &ktype);
	wire_get_string_exact(&r, pk, sizeof(pk));
	if (wire_end(&r) != 0 || !wire_view_eq(&ktype, ks_ed25519) || strcmp(a->alg, ks_ed25519) != 0) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	if (ks_sig_split(a->sig, a->siglen, &salg, &raw) != 0 || !wire_view_eq(&salg, ks_ed25519) || raw.n != 64) {
		return SSHTUN_ERR_BAD_FORMAT;
	}
	wire_w_init(&data, 0);
	wire_put_string(&data, sid, sidlen);
	wire_put_u8(&data, SSH_MSG_USERAUTH_REQUEST);
	wire_put_cstring(&data, a->user);
	wire_put_cstring(&data, "ssh-connection");
	wire_put_cstring(&data, "publickey");
	wire_put_bool(&data, 1);
	wire_put_cstring(&data, a->alg);
	wire_put_string(&data, a->blob, a->bloblen);
	e = wire_w_err(&data);
	if (e == 0) {
		e = cry_ed25519_verify(pk, raw.p, data.p, data.len);
	}
	wire_w_free(&data);
	return e;
}

static inline int ks_auth_failure(struct ks *s)
{
	uint8_t buf[32];
	struct wire_w w;

	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_USERAUTH_FAILURE);
	wire_put_namelist(&w, "publickey");
	wire_put_bool(&w, 0);
	return wire_w_err(&w) ? wire_w_err(&w) : ks_send(s, buf, w.len);
}

/* One USERAUTH_REQUEST: "none" is refused naming publickey, a query gets PK_OK, a signed request is checked. */
static inline int ks_auth_request(struct ks *s, struct ks_auth *a, const uint8_t *p, size_t n)
{
	struct wire_r r;
	struct wire_view service, method, alg, blob, sig;
	uint8_t type = 0;
	int has_sig = 0;
	struct wire_w w;
	int e;

	wire_r_init(&r, p, n);
	wire_get_u8(&r, &type);
	if (wire_get_cstring(&r, a->user, sizeof(a->user)) != 0) {
		return SSHTUN_ERR_PROTOCOL;
	}
	wire_get_string(&r, &service);
	wire_get_string(&r, &method);
	if (wire_err(&r) != 0 || !wire_view_eq(&service, "ssh-connection")) {
		return SSHTUN_ERR_PROTOCOL;
	}
	if (wire_view_eq(&method, "none")) {
		a->nones++;
		return wire_end(&r) != 0 ? SSHTUN_ERR_PROTOCOL : ks_auth_failure(s);
	}
	if (!wire_view_eq(&method, "publickey")) {
		return SSHTUN_ERR_PROTOCOL;
	}
	wire_get_bool(&r, &has_sig);
	wire_get_string(&r, &alg);
	wire_get_string(&r, &blob);
	if (has_sig) {
		wire_get_string(&r, &sig);
	}
	if (wire_end(&r) != 0 || alg.n >= sizeof(a->alg) || blob.n > sizeof(a->blob)) {
		return SSHTUN_ERR_PROTOCOL;
	}
	if (!has_sig) {
		a->queries++;
		wire_w_init(&w, 0);
		wire_put_u8(&w, SSH_MSG_USERAUTH_PK_OK);
		wire_put_string(&w, alg.p, alg.n);
		if (a->pk_ok_blob) {
			wire_put_string(&w, a->pk_ok_blob, a->pk_ok_len);
		} else {
			wire_put_string(&w, blob.p, blob.n);
		}
		e = wire_w_err(&w) ? wire_w_err(&w) : ks_send(s, w.p, w.len);
		wire_w_free(&w);
		return e;
	}
	a->signed_requests++;
	if (sig.n > sizeof(a->sig)) {
		return SSHTUN_ERR_PROTOCOL;
	}
	memcpy(a->alg, alg.p, alg.n);
	a->alg[alg.n] = '\0';
	memcpy(a->blob, blob.p, blob.n);
	a->bloblen = blob.n;
	memcpy(a->sig, sig.p, sig.n);
	a->siglen = sig.n;
	a->verified = ks_auth_verify(a, s->session_id, s->session_id_len) == 0;
	if (!a->verified) {
		return ks_auth_failure(s);
	}
	static const uint8_t success = SSH_MSG_USERAUTH_SUCCESS;
	return ks_send(s, &success, 1);
}

/* Answers everything the client sent. Returns how many packets it handled, or a negative error. */
static inline int ks_auth_serve(struct ks *s, struct ks_auth *a)
{
	uint8_t *p = s->msg;
	size_t n = 0;
	int handled = 0, r;

	while ((r = ks_recv(s, p, sizeof(s->msg), &n)) == 1) {
		handled++;
		if (n == 0) {
			return SSHTUN_ERR_PROTOCOL;
		}
		if (p[0] == SSH_MSG_SERVICE_REQUEST) {
			static const uint8_t accept[] = { SSH_MSG_SERVICE_ACCEPT, 0, 0, 0, 12, 's', 's', 'h', '-', 'u', 's', 'e', 'r',
				'a', 'u', 't', 'h' };
			a->service_requests++;
			if (n != sizeof(accept) || memcmp(p + 1, accept + 1, n - 1) != 0) {
				return SSHTUN_ERR_PROTOCOL;
			}
			r = ks_send(s, accept, sizeof(accept));
		} else if (p[0] == SSH_MSG_USERAUTH_REQUEST) {
			r = ks_auth_request(s, a, p, n);
		} else if (p[0] != SSH_MSG_IGNORE) {
			return SSHTUN_ERR_PROTOCOL;
		}
		if (r < 0) {
			return r;
		}
	}
	return r < 0 ? r : handled;
}

/*
 * Runs userauth to its end: starts ua if it has not started, then in turns the server answers what the
 * client sent and the client takes in the answers. Returns 1 once ua is authenticated, the client's (or the
 * server's) negative error, or SSHTUN_ERR_STATE if neither side has anything more to say.
 */
static inline int ks_auth_run(struct ks *s, struct ua *ua, struct ks_auth *a)
{
	int r;

	if (ua->state == UA_IDLE && (r = ua_start(ua)) != 0) {
		return r;
	}
	for (int round = 0; round < 32; round++) {
		int moved = 0;

		if ((r = ks_auth_serve(s, a)) < 0) {
			return r;
		}
		moved = r > 0;
		for (;;) {
			struct tp_msg m;

			if ((r = tp_poll(s->tp, &m)) < 0) {
				return r;
			}
			if (r == 0) {
				break;
			}
			moved = 1;
			if ((r = ua_handle(ua, &m)) != 0) {
				return r;
			}
		}
		if (!moved) {
			break;
		}
	}
	return SSHTUN_ERR_STATE;
}

#endif
