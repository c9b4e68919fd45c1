/*
 * sshtun: libFuzzer target for private key files, OpenSSH's and PEM (key_parse_private, then key_sign with what
 * parsed); encrypted ones are also tried with the passphrase the seeds use ("fuzzpass"; a fuzzing build spends
 * at most 2 bcrypt rounds).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/features.h"
#if SSHTUN_OPENSSL
#include <openssl/err.h>
#endif

#include "crypto/crypto.h"
#include "ssh/key.h"
#include "sshtun_err.h"
#include "util/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_MAX_BINARY = 64 * 1024 };

/*
 * Parses text as a key file. A key that parses is one key of a real type whose private half makes
 * signatures its public half verifies (Ed25519 verification is a stub in a fuzzing build, ECDSA and RSA
 * are real): the file's parts belong together.
 */
static void parse(const uint8_t *text, size_t n)
{
	static const uint8_t msg[] = "sshtun fuzz: data to sign";
	struct privkey k;
	struct wire_w sig;
	int r = key_parse_private(&k, text, n, NULL);

	/* An encrypted file: once more with the seeds' passphrase, so decryption (bcrypt-pbkdf, AES-CTR/GCM, PEM's) runs. */
	if (r == SSHTUN_ERR_KEY_ENCRYPTED) {
		key_wipe(&k);
		r = key_parse_private(&k, text, n, "fuzzpass");
	}
	if (r == 0) {
		if (k.pub.type < PK_ED25519 || k.pub.type > PK_RSA || (k.pub.type != PK_ED25519 && k.pk == NULL) ||
		    memchr(k.comment, 0, sizeof(k.comment)) == NULL) {
			__builtin_trap();
		}
		wire_w_init(&sig, 0);
		if (key_sign(&k, NULL, msg, sizeof(msg) - 1, &sig) != 0 ||
		    pubkey_verify(&k.pub, sig.p, sig.len, msg, sizeof(msg) - 1) != 0) {
			__builtin_trap();
		}
		wire_w_free(&sig);
	}
	key_wipe(&k);
#if SSHTUN_OPENSSL
	ERR_clear_error();	/* see fuzz_pubkey.c */
#endif
}

/*
 * A first byte 0x00 means the rest is the decoded binary: it is wrapped in
 * base64 and the armour here, so mutations reach the binary parser. Anything
 * else is parsed as the text of a key file.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_w text;
	char *b64 = NULL;
	size_t b64max;
	int len;

	if (cry_init() != 0) {
		return 0;
	}
	if (size == 0 || data[0] != 0) {
		parse(data, size);
		return 0;
	}
	if (size - 1 > FUZZ_MAX_BINARY) {
		return 0;
	}
	b64max = (size + 2) / 3 * 4 + 1;
	b64 = malloc(b64max);
	if (!b64) {
		return 0;
	}
	len = cry_base64_encode(b64, b64max, data + 1, size - 1, 1);
	wire_w_init(&text, 0);
	wire_put_raw(&text, "-----BEGIN OPENSSH PRIVATE KEY-----\n", 36);
	for (int i = 0; len > 0 && i < len; i += 70) {
		wire_put_raw(&text, b64 + i, (size_t)(len - i < 70 ? len - i : 70));
		wire_put_u8(&text, '\n');
	}
	wire_put_raw(&text, "-----END OPENSSH PRIVATE KEY-----\n", 34);
	if (len >= 0 && wire_w_err(&text) == 0) {
		parse(text.p, text.len);
	}
	wire_w_free(&text);
	free(b64);
	return 0;
}
