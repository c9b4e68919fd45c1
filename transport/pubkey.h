/*
 * sshtun: public keys in SSH wire form (RFC 4253 6.6; RFC 8709 Ed25519; RFC 5656 ECDSA; RFC 8332 RSA with
 * SHA-2): parsing, signature checks, fingerprints. Each key type is a row of transport/pubkey.c's table, its
 * code in one file per algorithm (pk_ed25519.c, pk_ecdsa.c, pk_rsa.c).
 */
#ifndef TRANSPORT_PUBKEY_H
#define TRANSPORT_PUBKEY_H

#include <stddef.h>
#include <stdint.h>

enum pubkey_type {
	PK_NONE = 0,
	PK_ED25519,
	PK_ECDSA_P256,
	PK_ECDSA_P384,
	PK_ECDSA_P521,
	PK_RSA,
	PK_SK_ED25519,		/* FIDO security keys (sk-*@openssh.com): through ssh-agent only */
	PK_SK_ECDSA
};
enum { PK_BLOB_MAX = 4096, PK_FP_MAX = 64, PK_NAME_MAX = 64 };

struct pubkey {
	int type;
	unsigned bits;		/* 256 for Ed25519 and P-256, 384, 521; the modulus' bits for RSA */
	/*
	 * The key's numbers, as offsets into blob: the Ed25519 key, the ECDSA point or the RSA exponent (a); RSA's
	 * modulus, or a security key's application string (b).
	 */
	uint16_t a_off, a_len, b_off, b_len;
	uint8_t blob[PK_BLOB_MAX];	/* the key blob as sent on the wire */
	size_t bloblen;
};

/*
 * Parses a key blob (string type, then type-specific fields; refuses trailing bytes, non-minimal numbers,
 * points off the curve, RSA moduli under 1024 or over 16384 bits). SSHTUN_ERR_NOT_SUPPORTED for types
 * this build lacks.
 */
int pubkey_from_blob(struct pubkey *k, const uint8_t *blob, size_t n);
/* The key type's name as in blobs and .pub files ("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"), or "unknown". */
const char *pubkey_type_name(int type);
/* The key type with this name, or PK_NONE. */
int pubkey_type_by_name(const char *name, size_t n);
/* 1 if the keys are the same. */
int pubkey_equal(const struct pubkey *a, const struct pubkey *b);

/*
 * Signature algorithms (the names in signature blobs, HostKeyAlgorithms and PubkeyAcceptedAlgorithms):
 * "ssh-ed25519", "ecdsa-sha2-nistp256/384/521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" (SHA-1).
 */
/* The key type that signs with algorithm name, or PK_NONE if we do not know the name. */
int pubkey_sigalg_key_type(const char *name, size_t n);
/* The hash (CRY_SHA*) algorithm name signs with; 0 for Ed25519 (which hashes inside); negative if unknown. */
int pubkey_sigalg_hash(const char *name, size_t n);
/* Every signature algorithm this build can verify and make, comma-separated, in our order of preference. */
const char *pubkey_sigalgs_supported(void);

/*
 * Verifies an SSH signature blob (string algorithm name, string signature) over data. The algorithm must
 * be alg when alg is non-NULL, else any algorithm of the key's type (RSA: SHA-2 only). 0 if valid;
 * SSHTUN_ERR_HOSTKEY_SIG if not (wrong algorithm, wrong key, wrong data); SSHTUN_ERR_BAD_FORMAT if malformed.
 */
int pubkey_verify_alg(const struct pubkey *k, const char *alg, const uint8_t *sig, size_t siglen,
	const uint8_t *data, size_t n);
int pubkey_verify(const struct pubkey *k, const uint8_t *sig, size_t siglen, const uint8_t *data, size_t n);
/* "SHA256:<base64 without padding>" as ssh-keygen -l prints it. */
int pubkey_fingerprint(const struct pubkey *k, char *out, size_t outlen);

#endif
