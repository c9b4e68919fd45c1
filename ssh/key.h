/* sshtun: user keys: OpenSSH private key files (PROTOCOL.key), .pub files, signing. */
#ifndef SSH_KEY_H
#define SSH_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "transport/pubkey.h"
#include "util/log.h"
#include "util/wire.h"

struct privkey {
	struct pubkey pub;
	uint8_t ed25519_sk[64];	/* libsodium form: seed || public */
	char comment[256];
};

/*
 * Parses the text of an "openssh-key-v1" private key file (the PEM-like armour with
 * base64 inside). Unencrypted ed25519 only for now: SSHTUN_ERR_KEY_ENCRYPTED for a
 * key with a passphrase, SSHTUN_ERR_NOT_SUPPORTED for other types, SSHTUN_ERR_KEY_FILE
 * for anything malformed (bad armour, check-ints that differ, bad padding, trailing data).
 */
int key_parse_private(struct privkey *k, const uint8_t *text, size_t n);
/* Reads and parses a private key file (at most FILE_MAX_SIZE); logs the cause with the path on failure. */
int key_load_private(struct privkey *k, const char *path, const struct lg *log);
/* Parses one public key line "ssh-ed25519 AAAA... [comment]" (as in .pub files and authorized_keys without options). */
int key_parse_public_line(struct pubkey *k, const char *line, size_t n);
/* Reads a .pub file. */
int key_load_public(struct pubkey *k, const char *path);
/* Signs data: appends the SSH signature blob (string "ssh-ed25519", string sig) to sig. */
int key_sign(const struct privkey *k, const uint8_t *data, size_t n, struct wire_w *sig);
/* Wipes the secret. */
void key_wipe(struct privkey *k);

#endif
