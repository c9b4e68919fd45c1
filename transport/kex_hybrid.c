/*
 * sshtun: the post-quantum hybrids: a KEM and X25519 side by side, K = HASH(KEM key || X25519 key) hashed as a
 * string. mlkem768x25519-sha256 (ML-KEM-768, FIPS 203; draft-ietf-sshm-mlkem-hybrid-kex) and
 * sntrup761x25519-sha512 (also @openssh.com; Streamlined NTRU Prime 761; draft-ietf-sshm-ntruprime-ssh).
 * The client's value is KEM public key || X25519 public key, the server's KEM ciphertext || X25519 public key.
 * Both parts must succeed: an X25519 key that gives an all-zero secret refuses the exchange, whatever the KEM.
 */
#include "util/features.h"

#if SSHTUN_MLKEM || SSHTUN_SNTRUP
#include <string.h>

#include "config.h"
#include "sshtun_err.h"
#include "crypto/mlkem.h"
#include "crypto/sntrup.h"
#include "transport/tp_int.h"

enum { X_LEN = 32, SS_MAX = 32 };

/* A KEM as the hybrid uses it. */
struct kem {
	size_t pk_len, sk_len, ct_len, ss_len;
	int (*keypair)(uint8_t *pk, uint8_t *sk);
	int (*enc)(uint8_t *ct, uint8_t *ss, const uint8_t *pk);
	int (*dec)(uint8_t *ss, const uint8_t *ct, const uint8_t *sk);
};

/* K = HASH(kem_ss || x_ss). */
static int hybrid_k(const struct tp_kex_alg *a, const uint8_t *kem_ss, size_t kem_len, const uint8_t *x_ss,
	uint8_t *k, size_t *klen)
{
	uint8_t buf[SS_MAX + X_LEN];
	int r;

	memcpy(buf, kem_ss, kem_len);
	memcpy(buf + kem_len, x_ss, X_LEN);
	r = cry_hash(a->hash, buf, kem_len + X_LEN, k);
	*klen = cry_hash_len(a->hash);
	cry_wipe(buf, sizeof(buf));
	return r;
}

#if SSHTUN_FUZZ
enum { PK_MAX = CRY_MLKEM768_PK_LEN, SK_MAX = CRY_MLKEM768_SK_LEN };	/* the larger of the two KEMs' */

/*
 * UNSAFE, fuzzing builds only (SSHTUN_FUZZ; see crypto/x25519.c): there cry_random gives the same bytes every
 * time, so a KEM's key pair is always the same one. It is made once and copied after: sntrup761's takes some
 * 200 ms under the sanitizers, which would hold a fuzzer to a few inputs a second. Decapsulation, what
 * fuzz_kex is for, still runs on every input.
 */
static int kem_keypair(const struct kem *m, uint8_t *pk, uint8_t *sk)
{
	static struct {
		const struct kem *m;
		uint8_t pk[PK_MAX], sk[SK_MAX];
	} made[2];
	size_t i = 0;
	int r;

	while (i < sizeof(made) / sizeof(made[0]) && made[i].m && made[i].m != m) {
		i++;
	}
	if (i == sizeof(made) / sizeof(made[0]) || m->pk_len > PK_MAX || m->sk_len > SK_MAX) {
		return m->keypair(pk, sk);
	}
	if (!made[i].m) {
		if ((r = m->keypair(made[i].pk, made[i].sk)) != 0) {
			return r;
		}
		made[i].m = m;
	}
	memcpy(pk, made[i].pk, m->pk_len);
	memcpy(sk, made[i].sk, m->sk_len);
	return 0;
}
#else
static int kem_keypair(const struct kem *m, uint8_t *pk, uint8_t *sk)
{
	return m->keypair(pk, sk);
}
#endif

/* priv = KEM secret key || X25519 secret; q = KEM public key || X25519 public key. */
static int hybrid_init(const struct tp_kex_alg *a, const struct cry_dh_group *grp, uint8_t *priv, uint8_t *q,
	size_t *qlen)
{
	const struct kem *m = a->param;
	int r;

	(void)grp;
	if ((r = kem_keypair(m, q, priv)) != 0 || (r = cry_x25519_keypair(priv + m->sk_len, q + m->pk_len)) != 0) {
		return r;
	}
	*qlen = m->pk_len + X_LEN;
	return 0;
}

static int hybrid_shared(const struct tp_kex_alg *a, const struct cry_dh_group *grp, const uint8_t *priv,
	const uint8_t *qs, size_t qslen, uint8_t *k, size_t *klen)
{
	const struct kem *m = a->param;
	uint8_t kem_ss[SS_MAX], x_ss[X_LEN];
	int r;

	(void)grp;
	if (qslen != m->ct_len + X_LEN) {
		return SSHTUN_ERR_KEX_FAILED;
	}
	if ((r = m->dec(kem_ss, qs, priv)) == 0 && (r = cry_x25519(x_ss, priv + m->sk_len, qs + m->ct_len)) == 0) {
		r = hybrid_k(a, kem_ss, m->ss_len, x_ss, k, klen);
	}
	cry_wipe(kem_ss, sizeof(kem_ss));
	cry_wipe(x_ss, sizeof(x_ss));
	return r;
}

static int hybrid_server(const struct tp_kex_alg *a, const struct cry_dh_group *grp, const uint8_t *qc, size_t qclen,
	uint8_t *qs, size_t *qslen, uint8_t *k, size_t *klen)
{
	const struct kem *m = a->param;
	uint8_t kem_ss[SS_MAX], x_ss[X_LEN], x_priv[X_LEN];
	int r;

	(void)grp;
	if (qclen != m->pk_len + X_LEN) {
		return SSHTUN_ERR_KEX_FAILED;
	}
	if ((r = m->enc(qs, kem_ss, qc)) == 0 && (r = cry_x25519_keypair(x_priv, qs + m->ct_len)) == 0 &&
	    (r = cry_x25519(x_ss, x_priv, qc + m->pk_len)) == 0) {
		*qslen = m->ct_len + X_LEN;
		r = hybrid_k(a, kem_ss, m->ss_len, x_ss, k, klen);
	}
	cry_wipe(kem_ss, sizeof(kem_ss));
	cry_wipe(x_ss, sizeof(x_ss));
	cry_wipe(x_priv, sizeof(x_priv));
	return r;
}

/*
 * The sizes come as the KEM's constants, not from its struct kem: a member of a const object is no constant
 * expression in C, and clang refuses it in a static initializer (gcc takes it as an extension).
 */
#define HYBRID_ROW(nm, h, kem, pk, sk, ct, hlen) { .name = nm, .hash = h, .flow = TP_KEX_DIRECT, .pq = 1, \
	.k_string = 1, .priv_len = (sk) + X_LEN, .q_max = (pk) + X_LEN, .qs_max = (ct) + X_LEN, .k_max = hlen, \
	.param = &(kem), .client_init = hybrid_init, .shared = hybrid_shared, .server = hybrid_server }

#if SSHTUN_MLKEM
static const struct kem mlkem768 = { CRY_MLKEM768_PK_LEN, CRY_MLKEM768_SK_LEN, CRY_MLKEM768_CT_LEN, CRY_MLKEM_SS_LEN,
	cry_mlkem768_keypair, cry_mlkem768_encaps, cry_mlkem768_decaps };
const struct tp_kex_alg tp_kex_mlkem768x25519 = HYBRID_ROW("mlkem768x25519-sha256", CRY_SHA256, mlkem768,
	CRY_MLKEM768_PK_LEN, CRY_MLKEM768_SK_LEN, CRY_MLKEM768_CT_LEN, 32);
#endif

#if SSHTUN_SNTRUP
static const struct kem sntrup761 = { CRY_SNTRUP761_PK_LEN, CRY_SNTRUP761_SK_LEN, CRY_SNTRUP761_CT_LEN,
	CRY_SNTRUP761_SS_LEN, cry_sntrup761_keypair, cry_sntrup761_enc, cry_sntrup761_dec };
const struct tp_kex_alg tp_kex_sntrup761x25519 = HYBRID_ROW("sntrup761x25519-sha512", CRY_SHA512, sntrup761,
	CRY_SNTRUP761_PK_LEN, CRY_SNTRUP761_SK_LEN, CRY_SNTRUP761_CT_LEN, 64);
const struct tp_kex_alg tp_kex_sntrup761x25519_openssh = HYBRID_ROW("sntrup761x25519-sha512@openssh.com", CRY_SHA512,
	sntrup761, CRY_SNTRUP761_PK_LEN, CRY_SNTRUP761_SK_LEN, CRY_SNTRUP761_CT_LEN, 64);
#endif

#endif
