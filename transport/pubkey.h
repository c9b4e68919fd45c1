/* sshtun: public keys in SSH wire form (RFC 4253 6.6, RFC 8709): parsing, signature checks, fingerprints. */
#ifndef TRANSPORT_PUBKEY_H
#define TRANSPORT_PUBKEY_H

#include <stddef.h>
#include <stdint.h>

enum pubkey_type { PK_NONE = 0, PK_ED25519 = 1 };
enum { PK_BLOB_MAX = 4096, PK_FP_MAX = 64 };

struct pubkey {
	int type;
	uint8_t ed25519[32];
	uint8_t blob[PK_BLOB_MAX];	/* the key blob as sent on the wire */
	size_t bloblen;
};

/* Parses a key blob (string type, then type-specific fields; refuses trailing bytes). SSHTUN_ERR_NOT_SUPPORTED for types we lack. */
int pubkey_from_blob(struct pubkey *k, const uint8_t *blob, size_t n);
/* "ssh-ed25519", or "unknown". */
const char *pubkey_type_name(int type);
/* 1 if the keys are the same. */
int pubkey_equal(const struct pubkey *a, const struct pubkey *b);
/*
 * Verifies an SSH signature blob (string algorithm name, string signature) over
 * data. The algorithm must fit the key. 0 if valid; SSHTUN_ERR_HOSTKEY_SIG if
 * not; SSHTUN_ERR_BAD_FORMAT if the blob is malformed.
 */
int pubkey_verify(const struct pubkey *k, const uint8_t *sig, size_t siglen, const uint8_t *data, size_t n);
/* "SHA256:<base64 without padding>" as ssh-keygen -l prints it. */
int pubkey_fingerprint(const struct pubkey *k, char *out, size_t outlen);

#endif
