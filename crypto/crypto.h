/* sshtun: thin wrappers over libsodium and libcrypto. The only place that calls them (but util/ may wipe). */
#ifndef CRYPTO_CRYPTO_H
#define CRYPTO_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "util/features.h"

/* Initialises libsodium; call once per process before any other cry_ call (idempotent, thread-safe). */
int cry_init(void);
/* Fills buf with n bytes from the system CSPRNG. */
void cry_random(void *buf, size_t n);
/* Wipes n bytes so the compiler cannot elide it. */
void cry_wipe(void *p, size_t n);
/* Constant-time comparison: 1 if equal, 0 if not. */
int cry_memeq(const void *a, const void *b, size_t n);

/*
 * ---- user-space generator ----
 * For bytes that must be unpredictable but are needed often, in bulk (packet
 * padding): ChaCha20 keystream under a key from the OS, so a fill makes no
 * system call. The block counter never repeats under one key; after 2^32
 * blocks (256 GiB) the key is drawn afresh from the OS. Not for keys: use
 * cry_random. The state is not shared between threads, and a fork() copies it
 * (parent and child would draw the same bytes).
 */
struct cry_prng {
	uint8_t key[32];
	uint64_t block;		/* the next keystream block under key */
	int keyed;		/* 0: key not drawn yet (a zeroed or wiped generator keys itself on first fill) */
};
/* Draws the key from the OS (cry_init must have been called). */
void cry_prng_init(struct cry_prng *g);
/* Fills buf with n bytes of keystream, each never given out before. */
void cry_prng_fill(struct cry_prng *g, void *buf, size_t n);
/* Wipes the key and counter. */
void cry_prng_wipe(struct cry_prng *g);

/* ---- hashes ---- */
enum cry_hash_alg { CRY_SHA1 = 1, CRY_SHA256, CRY_SHA384, CRY_SHA512 };
enum { CRY_HASH_MAX = 64 };
/* Output length in bytes of alg, or 0 if unknown. */
size_t cry_hash_len(int alg);
/* One-shot hash of data into out (cry_hash_len(alg) bytes). */
int cry_hash(int alg, const void *data, size_t len, uint8_t *out);
/* Incremental hash. ctx is opaque; cry_hash_free must be called (also after final). */
struct cry_hash_ctx {
	void *md;	/* EVP_MD_CTX */
	int alg;
};
int cry_hash_init(struct cry_hash_ctx *c, int alg);
int cry_hash_update(struct cry_hash_ctx *c, const void *data, size_t len);
int cry_hash_final(struct cry_hash_ctx *c, uint8_t *out);
void cry_hash_free(struct cry_hash_ctx *c);
/* HMAC of data under key into out (cry_hash_len(alg) bytes). */
int cry_hmac(int alg, const void *key, size_t keylen, const void *data, size_t len, uint8_t *out);

/* ---- key exchange primitives ---- */
/* 1 in a fuzzing build (./configure --enable-fuzz), whose X25519 and Ed25519 verification are fixed values (UNSAFE). */
int cry_fixed_for_fuzzing(void);
/* New X25519 key pair. */
int cry_x25519_keypair(uint8_t priv[32], uint8_t pub[32]);
/* shared = X25519(priv, peer); SSHTUN_ERR_KEX_FAILED if the result is all zero (low-order point). */
int cry_x25519(uint8_t shared[32], const uint8_t priv[32], const uint8_t peer[32]);

/*
 * ---- ephemeral ECDH over NIST P-256/384/521 (RFC 5656 4), through libcrypto; present with SSHTUN_ECDH_NIST ----
 * d is the private scalar (the curve's scalar length, CRY_ECDSA_SCALAR_MAX at most); points are uncompressed.
 */
enum { CRY_ECDH_POINT_MAX = 1 + 2 * 66 };
/* A new key pair: d uniform in [1, n-1], q = d G. */
int cry_ecdh_keypair(int curve, uint8_t *d, uint8_t *q, size_t qmax, size_t *qlen);
/* k = the x coordinate of d * peer (the field's length); SSHTUN_ERR_KEX_FAILED if peer is no point of the curve. */
int cry_ecdh_shared(int curve, const uint8_t *d, const uint8_t *peer, size_t peerlen, uint8_t *k, size_t kmax,
	size_t *klen);

/*
 * ---- finite-field Diffie-Hellman (RFC 4253 8, RFC 3526 groups, RFC 4419 group exchange); with SSHTUN_DH ----
 * A group is a fixed RFC 3526 group (id) or, with id 0, a server's p and g (big-endian magnitudes). Numbers
 * come back as minimal big-endian magnitudes (an mpint without its sign byte).
 */
enum { CRY_DH_GROUP14 = 14, CRY_DH_GROUP16 = 16, CRY_DH_GROUP18 = 18 };
enum { CRY_DH_EXP_BYTES = 64, CRY_DH_MAX_BYTES = 8192 / 8 };
struct cry_dh_group {
	int id;
	const uint8_t *p, *g;
	size_t plen, glen;
};
/* Bytes of the group's modulus. */
size_t cry_dh_group_bytes(const struct cry_dh_group *grp);
/* A random exponent x and e = g^x mod p. */
int cry_dh_keypair(const struct cry_dh_group *grp, uint8_t x[CRY_DH_EXP_BYTES], uint8_t *e, size_t emax, size_t *elen);
/* k = f^x mod p; SSHTUN_ERR_KEX_FAILED unless 1 < f < p-1. */
int cry_dh_shared(const struct cry_dh_group *grp, const uint8_t x[CRY_DH_EXP_BYTES], const uint8_t *f, size_t flen,
	uint8_t *k, size_t kmax, size_t *klen);
/*
 * A server's group (id 0): 0 if p has min_bits..max_bits bits, is a safe prime, and 1 < g < p-1; *bits is set.
 * SSHTUN_ERR_KEX_FAILED otherwise. Takes about a second for 8192 bits.
 */
int cry_dh_check_group(const struct cry_dh_group *grp, unsigned min_bits, unsigned max_bits, unsigned *bits);

/* ---- signatures ---- */
/* 0 if sig (64 bytes) is a valid Ed25519 signature of msg under pk; SSHTUN_ERR_HOSTKEY_SIG if not. */
int cry_ed25519_verify(const uint8_t pk[32], const uint8_t sig[64], const void *msg, size_t len);
/* sk is libsodium's 64-byte secret key (seed || pk). */
int cry_ed25519_sign(uint8_t sig[64], const uint8_t sk[64], const void *msg, size_t len);
/* Derives the 64-byte secret key and public key from a 32-byte seed. */
int cry_ed25519_from_seed(uint8_t sk[64], uint8_t pk[32], const uint8_t seed[32]);

/*
 * ---- ECDSA (FIPS 186-4 over NIST P-256/384/521) and RSA (PKCS #1 v1.5), through libcrypto ----
 * Present when util/features.h has SSHTUN_ECDSA / SSHTUN_RSA. Numbers are big-endian magnitudes (an SSH mpint
 * without its sign byte); points are uncompressed (04 || x || y). Verification returns 0 or
 * SSHTUN_ERR_HOSTKEY_SIG (also for a key that is no valid key), so one code means "does not verify".
 */
enum cry_curve { CRY_P256 = 1, CRY_P384, CRY_P521 };
enum {
	CRY_ECDSA_SCALAR_MAX = 66,	/* bytes of a P-521 scalar */
	CRY_RSA_MIN_BITS = 1024,	/* smaller moduli are not keys at all; policy (RequiredRSASize) is above */
	CRY_RSA_MAX_BITS = 16384,
	CRY_RSA_SIG_MAX = CRY_RSA_MAX_BITS / 8
};
/* A private key held by libcrypto (ECDSA or RSA); freed (and its numbers cleared) by cry_pkey_free. */
struct cry_pkey;
void cry_pkey_free(struct cry_pkey *k);

/* Bytes of a scalar or coordinate of curve (32, 48, 66), or 0 for an unknown curve. */
size_t cry_ecdsa_scalar_len(int curve);
/* 0 if q is an uncompressed point of curve, not infinity; SSHTUN_ERR_BAD_FORMAT if not. */
int cry_ecdsa_check_public(int curve, const uint8_t *q, size_t qlen);
/* Verifies the signature (r, s) over msg, hashed with hash (CRY_SHA*), under the public point q. */
int cry_ecdsa_verify(int curve, const uint8_t *q, size_t qlen, int hash, const uint8_t *r, size_t rlen,
	const uint8_t *s, size_t slen, const void *msg, size_t len);
/* A private key from q and the scalar d; SSHTUN_ERR_BAD_FORMAT unless q = d G with d in [1, n-1]. */
int cry_ecdsa_private(struct cry_pkey **out, int curve, const uint8_t *q, size_t qlen, const uint8_t *d, size_t dlen);
/* Signs msg hashed with hash; r and s get their minimal big-endian bytes. */
int cry_ecdsa_sign(const struct cry_pkey *k, int hash, const void *msg, size_t len,
	uint8_t r[CRY_ECDSA_SCALAR_MAX], size_t *rlen, uint8_t s[CRY_ECDSA_SCALAR_MAX], size_t *slen);

/* The size in bits of the modulus n (leading zero bytes ignored); over CRY_RSA_MAX_BITS for longer ones. */
unsigned cry_rsa_bits(const uint8_t *n, size_t nlen);
/* 0 if (n, e) can be an RSA public key: CRY_RSA_MIN_BITS..CRY_RSA_MAX_BITS, n odd, e odd and >= 3. */
int cry_rsa_check_public(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen);
/* Verifies a PKCS #1 v1.5 signature over msg hashed with hash (CRY_SHA1/256/512). */
int cry_rsa_verify(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen, int hash, const uint8_t *sig,
	size_t siglen, const void *msg, size_t len);
/* The numbers of an RSA private key as OpenSSH's key format holds them. */
struct cry_rsa_parts {
	const uint8_t *n, *e, *d, *iqmp, *p, *q;
	size_t n_len, e_len, d_len, iqmp_len, p_len, q_len;
};
/* A private key; SSHTUN_ERR_BAD_FORMAT if the numbers do not make one key (n = p q, e d = 1, ...). */
int cry_rsa_private(struct cry_pkey **out, const struct cry_rsa_parts *parts);
/* Signs msg hashed with hash into sig (the modulus' length); *siglen is set. */
int cry_rsa_sign(const struct cry_pkey *k, int hash, const void *msg, size_t len, uint8_t *sig, size_t sigmax, size_t *siglen);

/*
 * A private key in PEM (PKCS#1 RSA, SEC1 EC, PKCS#8; each maybe encrypted with pass), read by libcrypto.
 * RSA and EC keys come back as *out (kind CRY_PEM_RSA / CRY_PEM_EC); an Ed25519 key as its 32-byte seed
 * (kind CRY_PEM_ED25519, *out NULL). SSHTUN_ERR_KEY_ENCRYPTED without pass for an encrypted file,
 * SSHTUN_ERR_KEY_BAD_PASS when pass does not decrypt it, SSHTUN_ERR_NOT_SUPPORTED for other key types.
 */
enum { CRY_PEM_RSA = 1, CRY_PEM_EC, CRY_PEM_ED25519 };
int cry_pem_private(const uint8_t *text, size_t n, const char *pass, struct cry_pkey **out, int *kind,
	uint8_t ed25519_seed[32]);
/* The public numbers of an RSA key (big-endian magnitudes). */
int cry_pkey_rsa_public(const struct cry_pkey *k, uint8_t *n, size_t nmax, size_t *nlen, uint8_t *e, size_t emax, size_t *elen);
/* The curve (CRY_P256...) and public point of an EC key. */
int cry_pkey_ec_public(const struct cry_pkey *k, int *curve, uint8_t *q, size_t qmax, size_t *qlen);

/* The private numbers of an RSA key (to hand it to ssh-agent); wipe after use. */
struct cry_rsa_out {
	uint8_t n[CRY_RSA_SIG_MAX], e[CRY_RSA_SIG_MAX], d[CRY_RSA_SIG_MAX], iqmp[CRY_RSA_SIG_MAX], p[CRY_RSA_SIG_MAX],
		q[CRY_RSA_SIG_MAX];
	size_t n_len, e_len, d_len, iqmp_len, p_len, q_len;
};
int cry_pkey_rsa_private(const struct cry_pkey *k, struct cry_rsa_out *o);
/* The private scalar d of an EC key. */
int cry_pkey_ec_private(const struct cry_pkey *k, uint8_t *d, size_t dmax, size_t *dlen);

#if SSHTUN_KEY_ENCRYPTED	/* passphrase-protected key files only: left out with them */
/* ---- one-shot AES (key files; packet ciphers are in crypto/cipher.h) ---- */
/*
 * AES-CTR (128/192/256-bit key by keylen) over buf in place, the whole 16-byte block a big-endian counter
 * starting at iv: libcrypto's, or crypto/aes_ct.c's in a build without it.
 */
int cry_aes_ctr(const uint8_t *key, size_t keylen, const uint8_t iv[16], uint8_t *buf, size_t n);
/* The same, always crypto/aes_ct.c's: constant time, no tables, some 40 us a block (key files, never packets). */
int cry_aes_ct_ctr(const uint8_t *key, size_t keylen, const uint8_t iv[16], uint8_t *buf, size_t n);
/* AES-GCM decryption in place, no associated data; SSHTUN_ERR_MAC (buf wiped) if tag does not verify. libcrypto's. */
int cry_aes_gcm_open(const uint8_t *key, size_t keylen, const uint8_t iv[12], uint8_t *buf, size_t n, const uint8_t tag[16]);

/*
 * chacha20-poly1305@openssh.com over a key file's private section (ssh-keygen -Z), in place: key is the 64 bytes
 * bcrypt-pbkdf gives; SSHTUN_ERR_MAC (buf left as it was) if tag does not verify. libsodium's, in every build.
 */
int cry_chachapoly_keyfile_open(const uint8_t key[64], uint8_t *buf, size_t n, const uint8_t tag[16]);
#endif /* SSHTUN_KEY_ENCRYPTED */

/* ---- base64 (RFC 4648, standard alphabet) ---- */
/* Encodes n bytes into out (NUL-terminated). With pad=0 no '=' padding (as SHA256 fingerprints). Returns the length or a negative error if outlen is too small. */
int cry_base64_encode(char *out, size_t outlen, const void *in, size_t n, int pad);
/* Decodes constant-time (for keys); ignores no characters (no whitespace). Sets *outn. SSHTUN_ERR_BAD_FORMAT on bad input. */
int cry_base64_decode(uint8_t *out, size_t outlen, size_t *outn, const char *in, size_t n);

#endif
