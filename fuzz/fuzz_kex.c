/*
 * sshtun: fuzz the server's messages of every key exchange method (transport/kex*.c over crypto/x25519.c,
 * ecdh.c, dh.c, mlkem768.c, sntrup761.c): the reply's fields, values of the wrong size, points off the curve,
 * DH values out of range, group-exchange groups of the wrong size, not safe primes or with a bad generator,
 * the hybrids' KEM ciphertexts (decapsulation of any bytes), NEWKEYS, EXT_INFO and a re-exchange under keys.
 *
 * The harness has played the start: it took the client's version line and KEXINIT (the client offers every
 * method, its defaults) and sent its own version line and a KEXINIT offering only the method the input picks
 * (with kex-strict-s-v00@openssh.com), ssh-ed25519 and chacha20-poly1305@openssh.com. A fuzzing build accepts
 * any Ed25519 signature but all zeros, so a reply with any signature reaches the end of the exchange.
 *
 * Input: fuzz/sshmsg.h records, handed to the client as the server's: a message record is framed by
 * fuzz/server.h (sealed under the keys the client derived once NEWKEYS went by), a raw record goes in as
 * socket bytes. A message record 31 (KEX_ECDH_REPLY, KEXDH_REPLY or GEX_GROUP) while no exchange runs after the
 * first one starts a re-exchange: the harness sends its KEXINIT again, so the record answers it.
 * Flags: bits 0-3 the method, tp_kex_algs[n % their count]; bit 4 the client starts a re-exchange itself
 * (tp_rekey) before the harness's KEXINIT; bit 5 the server does not offer strict kex; bit 6 the host key
 * callback defers (SSHTUN_ERR_AGAIN) and the harness then answers with tp_hostkey_answer; bit 7 the host key is
 * refused (by the callback, or with bit 6 by the answer).
 *
 * What bounds an input's cost: the group exchange's check of the server's group, a safe-prime test (some 25 ms
 * for 2048 bits, about a second for 8192, the most the client takes: a larger group is refused before any
 * arithmetic; a rekey that brings the group checked last is not checked again). A group that fails costs one
 * Miller-Rabin round at most (a random one fails at trial division) and ends the connection; only a real safe
 * prime costs the whole test, and the seeds carry one, RFC 3526's 2048-bit group. libFuzzer's default max_len
 * for this corpus is 4096 bytes, room for three or four exchanges of a 2048-bit group; an input of a million
 * bytes of 8192-bit safe primes would still end within minutes, under libFuzzer's default timeout (1200 s).
 *
 * The seeds (fuzz/corpus/kex/rec-*) are written by this program: SSHTUN_FUZZ_KEX_SEEDS=DIR build/fuzz/fuzz_kex
 * plays an honest server for every method (the method's own server function computes Q_S and K from the
 * client's Q_C) and writes what it sent, then exits. See fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/features.h"
#if SSHTUN_DH
#include <openssl/bn.h>
#endif

#include "fuzz/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
SSHMSG_USE_MUTATOR()

enum {
	FL_METHOD = 0x0f,
	FL_CLIENT_REKEY = 0x10,
	FL_NOT_STRICT = 0x20,
	FL_HOSTKEY_ASK = 0x40,
	FL_HOSTKEY_REFUSE = 0x80
};

static const char server_version[] = "SSH-2.0-OpenSSH_9.9\r\n";

struct kx {
	struct tp *tp;
	const struct tp_kex_alg *alg;
	uint8_t flags;
	struct fz_server srv;
	uint8_t kexinit[512];	/* the server's KEXINIT payload */
	size_t kexinit_len;
};

static size_t method_count(void)
{
	size_t n = 0;

	while (tp_kex_algs[n]) {
		n++;
	}
	return n;
}

static int hostkey(void *ud, const struct pubkey *key, const struct cert *cert)
{
	(void)key;
	(void)cert;
	uint8_t flags = *(const uint8_t *)ud;

	return flags & FL_HOSTKEY_ASK ? SSHTUN_ERR_AGAIN : flags & FL_HOSTKEY_REFUSE ? SSHTUN_ERR_HOSTKEY_UNKNOWN : 0;
}

/* Lets the client take in what it was fed; answers a deferred host key question; drops what it sends. */
static int run(struct kx *k)
{
	const uint8_t *out = NULL;
	struct tp_msg m;
	int r;

	do {
		while ((r = tp_poll(k->tp, &m)) == 1) {
			uint8_t *copy = fz_exact(&m);	/* an application message: only its bounds are checked */

			r = copy ? 0 : SSHTUN_ERR_NOMEM;
			free(copy);
			if (r != 0) {
				break;
			}
		}
	} while (r == 0 && tp_hostkey_waiting(k->tp) &&
		 (r = tp_hostkey_answer(k->tp, k->flags & FL_HOSTKEY_REFUSE ? SSHTUN_ERR_HOSTKEY_UNKNOWN : 0)) == 0);
	tp_output_consume(k->tp, tp_output(k->tp, &out));
	return r;
}

/* The server's KEXINIT: the method alone (and strict kex), the host key, cipher and MAC the harness uses. */
static int build_kexinit(struct kx *k)
{
	char kex[128];
	struct wire_w w;

	snprintf(kex, sizeof(kex), "%s%s", k->alg->name,
		k->flags & FL_NOT_STRICT ? "" : ",kex-strict-s-v00@openssh.com");
	wire_w_init_fixed(&w, k->kexinit, sizeof(k->kexinit));
	wire_put_u8(&w, SSH_MSG_KEXINIT);
	wire_put_raw(&w, "fuzz_kex cookie.", 16);
	wire_put_namelist(&w, kex);
	wire_put_namelist(&w, "ssh-ed25519");
	wire_put_namelist(&w, "chacha20-poly1305@openssh.com");
	wire_put_namelist(&w, "chacha20-poly1305@openssh.com");
	wire_put_namelist(&w, "hmac-sha2-256-etm@openssh.com");
	wire_put_namelist(&w, "hmac-sha2-256-etm@openssh.com");
	wire_put_namelist(&w, "none");
	wire_put_namelist(&w, "none");
	wire_put_namelist(&w, "");
	wire_put_namelist(&w, "");
	wire_put_bool(&w, 0);
	wire_put_u32(&w, 0);
	k->kexinit_len = w.len;
	return wire_w_err(&w);
}

/* The client's transport, started, with the version lines and KEXINITs crossed (it has sent its INIT). */
static int kx_begin(struct kx *k, uint8_t flags)
{
	struct tp_config cfg;
	size_t n = method_count();
	int r;

	memset(k, 0, sizeof(*k));
	k->flags = flags;
	if (n == 0) {
		return SSHTUN_ERR_NOT_SUPPORTED;
	}
	k->alg = tp_kex_algs[(flags & FL_METHOD) % n];
	memset(&cfg, 0, sizeof(cfg));
	cfg.hostkey_cb = hostkey;
	cfg.ud = &k->flags;
	fz_server_init(&k->srv);
	if ((r = build_kexinit(k)) != 0) {
		return r;
	}
	k->tp = tp_new(&cfg);
	if (!k->tp) {
		return SSHTUN_ERR_NOMEM;
	}
	if ((r = tp_start(k->tp)) != 0 || (r = run(k)) != 0 ||
	    (r = tp_input(k->tp, server_version, sizeof(server_version) - 1)) != 0 ||
	    (r = fz_server_send(&k->srv, k->tp, k->kexinit, k->kexinit_len)) != 0) {
		return r;
	}
	return run(k);
}

static void kx_end(struct kx *k)
{
	fz_server_free(&k->srv);
	tp_free(k->tp);
	k->tp = NULL;
}

/* A re-exchange: the client's KEXINIT first if the flags say so, then the server's, under the keys in use. */
static int kx_restart(struct kx *k)
{
	int r = 0;

	if (k->flags & FL_CLIENT_REKEY) {
		r = tp_rekey(k->tp);
	}
	if (r == 0) {
		r = fz_server_send(&k->srv, k->tp, k->kexinit, k->kexinit_len);
	}
	return r == 0 ? run(k) : r;
}

/* One record of the input. */
static int kx_feed(struct kx *k, const uint8_t *p, size_t len, int raw)
{
	int r;

	if (!raw && len > 0 && p[0] == SSH_MSG_KEX_ECDH_REPLY && k->tp->first_kex_done && k->tp->kx == KX_NONE &&
	    (r = kx_restart(k)) != 0) {
		return r;
	}
	r = raw ? tp_input(k->tp, p, len) : fz_server_send(&k->srv, k->tp, p, len);
	return r == 0 ? run(k) : r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kx k;
	struct sshmsg_iter it;
	const uint8_t *p = NULL;
	size_t len = 0;
	unsigned records = 0;
	int raw = 0;
	uint8_t flags = sshmsg_begin(&it, data, size);
	int r = kx_begin(&k, flags);

	while (r >= 0 && sshmsg_next(&it, &p, &len, &raw)) {
		records++;
		r = kx_feed(&k, p, len, raw);
	}
	fz_show("kex", records, (unsigned)(size - it.off), k.tp, 0, NULL, r);
	kx_end(&k);
	return 0;
}

/* ---- the seeds: an honest server for every method ---- */

/* A KEX_ECDH_REPLY / KEXDH_REPLY / GEX_REPLY: K_S (the harnesses' Ed25519 key), Q_S, a signature. */
static int put_reply(struct wire_w *w, const struct tp_kex_alg *a, const uint8_t *qs, size_t qslen)
{
	uint8_t sig[64];

	/* Not a signature of H: a fuzzing build takes any Ed25519 signature but all zeros (crypto/ed25519.c). */
	memset(sig, 0x5a, sizeof(sig));
	wire_put_u8(w, a->flow == TP_KEX_GEX ? SSH_MSG_KEX_DH_GEX_REPLY : SSH_MSG_KEX_ECDH_REPLY);
	wire_put_string(w, fz_record_key, sizeof(fz_record_key));
	if (a->q_mpint) {
		wire_put_mpint(w, qs, qslen);
	} else {
		wire_put_string(w, qs, qslen);
	}
	/* The signature blob: string "ssh-ed25519", string sig. */
	wire_put_u32(w, (uint32_t)(4 + 11 + 4 + sizeof(sig)));
	wire_put_cstring(w, "ssh-ed25519");
	wire_put_string(w, sig, sizeof(sig));
	return wire_w_err(w);
}

struct seed {
	uint8_t buf[16384];
	size_t len;
};

/* Appends a message record and feeds it to the client. */
static int seed_send(struct seed *s, struct kx *k, const uint8_t *p, size_t len)
{
	size_t n = sshmsg_append(s->buf, s->len, sizeof(s->buf), p, len, 0);

	if (n == 0) {
		return SSHTUN_ERR_TOO_LONG;
	}
	s->len = n;
	return kx_feed(k, p, len, 0);
}

/* One honest exchange (the harness's KEXINIT already crossed): [GEX_GROUP (generator gen),] the reply, NEWKEYS. */
static int seed_exchange(struct seed *s, struct kx *k, uint8_t gen)
{
	const struct tp_kex_alg *a = k->alg;
	uint8_t *qs = malloc(a->qs_max), *kk = malloc(a->k_max);
#if SSHTUN_DH
	uint8_t gp[256], gg = gen;	/* the group grp names, alive until the server's reply is made */
#endif
	static const uint8_t newkeys = SSH_MSG_NEWKEYS;
	struct cry_dh_group grp = { 0 };
	size_t qslen = 0, klen = 0;
	struct wire_w w;
	int r = qs && kk ? 0 : SSHTUN_ERR_NOMEM;

	wire_w_init(&w, 0);
#if SSHTUN_DH
	if (r == 0 && a->flow == TP_KEX_GEX) {
		/* RFC 3526's 2048-bit group: a safe prime the smallest size the client takes, the quickest to check. */
		BIGNUM *bp = BN_get_rfc3526_prime_2048(NULL);

		grp.p = gp;
		grp.plen = bp ? (size_t)BN_bn2bin(bp, gp) : 0;
		grp.g = &gg;
		grp.glen = 1;
		BN_free(bp);
		wire_put_u8(&w, SSH_MSG_KEX_DH_GEX_GROUP);
		wire_put_mpint(&w, grp.p, grp.plen);
		wire_put_mpint(&w, grp.g, grp.glen);
		r = grp.plen ? wire_w_err(&w) : SSHTUN_ERR_NOMEM;
		if (r == 0) {
			r = seed_send(s, k, w.p, w.len);
		}
		wire_w_reset(&w);
	}
#endif
	if (r == 0 && k->tp->kx != KX_WAIT_REPLY) {
		r = SSHTUN_ERR_STATE;
	}
	if (r == 0) {
		r = a->server(a, a->flow == TP_KEX_GEX ? &grp : NULL, k->tp->kex_q, k->tp->kex_qlen, qs, &qslen, kk,
			&klen);
	}
	if (r == 0 && (r = put_reply(&w, a, qs, qslen)) == 0 && (r = seed_send(s, k, w.p, w.len)) == 0) {
		r = seed_send(s, k, &newkeys, 1);
	}
	wire_w_free(&w);
	free(qs);
	free(kk);
	return r;
}

/*
 * A seed: the first exchange, EXT_INFO (as OpenSSH sends it after its first NEWKEYS) and an IGNORE, then
 * exchanges - 1 re-exchanges (for the group exchange, their group's generator is gen2, or 2 if 0). Written with
 * the flags byte as_flags: the same messages under other flags (a host key refused) end the exchange early.
 */
static int seed_write(const char *dir, const char *tag, uint8_t flags, uint8_t as_flags, unsigned exchanges,
	uint8_t gen2)
{
	static const uint8_t ignore[] = { SSH_MSG_IGNORE, 0, 0, 0, 4, 'f', 'u', 'z', 'z' };
	static struct seed s;
	uint8_t ext[256];
	struct kx k;
	struct wire_w w;
	char path[512];
	FILE *f;
	int r;

	memset(&k, 0, sizeof(k));
	s.buf[0] = flags;
	s.len = 1;
	wire_w_init_fixed(&w, ext, sizeof(ext));
	wire_put_u8(&w, SSH_MSG_EXT_INFO);
	wire_put_u32(&w, 3);
	wire_put_cstring(&w, "server-sig-algs");
	wire_put_cstring(&w, "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256");
	wire_put_cstring(&w, "publickey-hostbound@openssh.com");
	wire_put_cstring(&w, "0");
	wire_put_cstring(&w, "ping@openssh.com");
	wire_put_cstring(&w, "0");
	if ((r = wire_w_err(&w)) != 0 || (r = kx_begin(&k, flags)) != 0) {
		goto out;
	}
	for (unsigned i = 0; i < exchanges && r == 0; i++) {
		if (i > 0) {
			r = kx_restart(&k);
		}
		if (r == 0) {
			r = seed_exchange(&s, &k, i > 0 && gen2 ? gen2 : 2);
		}
		if (r == 0 && i == 0 && (r = seed_send(&s, &k, ext, w.len)) == 0) {
			r = seed_send(&s, &k, ignore, sizeof(ignore));
		}
	}
	if (r == 0 && (tp_kex_count(k.tp) != exchanges || tp_is_closed(k.tp))) {
		r = SSHTUN_ERR_STATE;
	}
out:
	kx_end(&k);
	snprintf(path, sizeof(path), "%s/rec-%s%s", dir, k.alg ? k.alg->name : "?", tag);
	if (r != 0) {
		fprintf(stderr, "fuzz_kex: %s: the honest exchange failed (%d)\n", path, r);
		return r;
	}
	s.buf[0] = as_flags;
	if (!(f = fopen(path, "wb")) || fwrite(s.buf, 1, s.len, f) != s.len || fclose(f) != 0) {
		fprintf(stderr, "fuzz_kex: cannot write %s\n", path);
		return SSHTUN_ERR_SYS;
	}
	fprintf(stderr, "fuzz_kex: %s: %zu bytes, %u exchanges\n", path, s.len, as_flags == flags ? exchanges : 0);
	return 0;
}

/* With SSHTUN_FUZZ_KEX_SEEDS=DIR: writes the seeds into DIR and exits (0 if every method's exchange worked). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("SSHTUN_FUZZ_KEX_SEEDS");
	size_t n = method_count();
	int bad = 0;

	(void)argc;
	(void)argv;
	if (!dir) {
		return 0;
	}
	uint8_t x25519 = 0;

	for (size_t i = 0; i < n; i++) {
		int gex = tp_kex_algs[i]->flow == TP_KEX_GEX;

		if (strcmp(tp_kex_algs[i]->name, "curve25519-sha256") == 0) {
			x25519 = (uint8_t)i;
		}
		/* Every method with a re-exchange; the group exchange's brings the same group, not checked again. */
		bad |= seed_write(dir, "", (uint8_t)i, (uint8_t)i, 2, 0) != 0;
		if (gex) {
			/* The same prime with another generator: checked again. */
			bad |= seed_write(dir, "-g5", (uint8_t)i, (uint8_t)i, 2, 5) != 0;
		}
	}
	/*
	 * The other flags, on the quickest method: the client re-exchanges, no strict kex, a deferred host key; and
	 * the host key refused, by the callback and by the deferred answer.
	 */
	const uint8_t ask = (uint8_t)(x25519 | FL_HOSTKEY_ASK | FL_CLIENT_REKEY);

	bad |= seed_write(dir, "-client-rekey", x25519 | FL_CLIENT_REKEY, x25519 | FL_CLIENT_REKEY, 2, 0) != 0;
	bad |= seed_write(dir, "-not-strict", x25519 | FL_NOT_STRICT, x25519 | FL_NOT_STRICT, 2, 0) != 0;
	bad |= seed_write(dir, "-hostkey-ask", ask, ask, 2, 0) != 0;
	bad |= seed_write(dir, "-hostkey-refused", x25519, x25519 | FL_HOSTKEY_REFUSE, 2, 0) != 0;
	bad |= seed_write(dir, "-hostkey-ask-refused", ask, ask | FL_HOSTKEY_REFUSE, 2, 0) != 0;
	exit(bad ? 1 : 0);
}
