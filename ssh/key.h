/* sshtun: user keys: OpenSSH private key files (PROTOCOL.key), .pub files, signing. */
#ifndef SSH_KEY_H
#define SSH_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "transport/pubkey.h"
#include "util/features.h"
#include "util/log.h"
#include "util/wire.h"

struct privkey {
	struct pubkey pub;
	uint8_t ed25519_sk[64];	/* Ed25519, libsodium form: seed || public */
	struct cry_pkey *pk;	/* ECDSA and RSA: held by libcrypto */
	char comment[256];
};

/*
 * Parses the text of an "openssh-key-v1" private key file (the PEM-like armour with
 * base64 inside): ssh-ed25519, ecdsa-sha2-nistp256/384/521 and ssh-rsa keys, unencrypted or
 * protected by a passphrase (bcrypt-pbkdf with aes128/192/256-ctr or aes128/256-gcm@openssh.com).
 * pass is the passphrase, NULL if none is known yet: an encrypted file then gives
 * SSHTUN_ERR_KEY_ENCRYPTED with k->pub set (the public key is stored unencrypted).
 * SSHTUN_ERR_KEY_BAD_PASS: wrong passphrase (check-ints differ, or the GCM tag fails);
 * SSHTUN_ERR_NOT_SUPPORTED: another key type or cipher; SSHTUN_ERR_LIMIT: more bcrypt rounds
 * than we spend; SSHTUN_ERR_KEY_FILE: anything malformed (bad armour, parts that do not make
 * one key, bad padding, trailing data). A build without passphrase-protected keys (SSHTUN_KEY_ENCRYPTED 0)
 * decrypts nothing: an encrypted file gives SSHTUN_ERR_KEY_ENCRYPTED (k->pub set) whatever pass is.
 */
int key_parse_private(struct privkey *k, const uint8_t *text, size_t n, const char *pass);
/* Reads and parses a private key file (at most FILE_MAX_SIZE); logs the cause with the path on failure. */
int key_load_private(struct privkey *k, const char *path, const char *pass, const struct lg *log);
/* Parses one public key line "TYPE AAAA... [comment]" (as in .pub files and authorized_keys without options). */
int key_parse_public_line(struct pubkey *k, const char *line, size_t n);
/* Reads a certificate file (KEY-cert.pub, CertificateFile): its first line, "TYPE-cert-v01@openssh.com BASE64 [comment]". */
#if SSHTUN_CERT
struct cert;
int key_load_cert(struct cert *c, const char *path);
#endif
/* Reads a .pub file. */
int key_load_public(struct pubkey *k, const char *path);
/*
 * Signs data with signature algorithm alg ("rsa-sha2-256", ...; NULL: the key's own, rsa-sha2-512 for RSA):
 * appends the SSH signature blob (string alg, string signature) to sig. SSHTUN_ERR_NOT_SUPPORTED if alg
 * is not one of the key's.
 */
int key_sign(const struct privkey *k, const char *alg, const uint8_t *data, size_t n, struct wire_w *sig);
#if SSHTUN_AGENT
/* Writes the key as ssh-agent's ADD_IDENTITY takes it (type, then the private key's fields); the caller wipes w. */
int key_put_private(const struct privkey *k, struct wire_w *w);
#endif
/* Wipes the secret. */
void key_wipe(struct privkey *k);

#endif
