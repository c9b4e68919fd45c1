/*
 * sshtun: libFuzzer target for public key blobs, signature blobs and .pub lines (pubkey_from_blob,
 * pubkey_verify, pubkey_verify_alg, key_parse_public_line), for every key type.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/features.h"
#if SSHTUN_OPENSSL
#include <openssl/err.h>
#endif

#include "crypto/crypto.h"
#include "ssh/key.h"
#include "sshtun_err.h"
#include "transport/pubkey.h"
#include "util/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Fixed valid keys, one of each type (ssh-keygen test keys, not secrets: their private halves are the privkey
 * seeds fuzz/corpus/privkey/seed-ed25519, seed-ecdsa256, ...), so that signature blobs of every algorithm
 * reach each type's verify code even when the input's own key blob is not valid. The pubkey seeds
 * seed-*-sig hold valid signatures by these keys. The security keys (sk-*@openssh.com, application "ssh:")
 * are the ECDSA P-256 and Ed25519 keys standing in for a FIDO token's; a build that lacks a type skips it.
 */
static const char *const fixed_lines[] = {
	"ssh-ed25519 "
		"AAAAC3NzaC1lZDI1NTE5AAAAIFZh9NIuY1Y1oE/muW510ZhzAWFgPOTh2WAdM3CgPPi2"
	,
	"ecdsa-sha2-nistp256 "
		"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNKcrKQN2W2+h6rw/Q/3BPdIr77iKtI0lL0YVcJAD7FV"
		"mfl4LFh23xizkW9WZVyC3uhZx8bpAX28minEFvXDD8U="
	,
	"ecdsa-sha2-nistp384 "
		"AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBNJSpRoGGKcEtP/bmsKRTIQwHszJp3gerh5o66TAi8IH"
		"gcAQGQuOzrRT/5G3wplMcPQ0uoYZ7MyRQ3IXdQjulBTzuYefi3MAQ/XeOMzBEhde0IwL02oKtH9qtWd9Dtr6Eg=="
	,
	"ecdsa-sha2-nistp521 "
		"AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAFxPeJeT/w8jwlik3amCSwtKiDX1FNr80m/Trgmruz+"
		"TuE+bjVG3+ziuVx/eNH+btv+tGA7PVZ7MfFACxVhsU7mGgGg2tMC0Xx9CyDW/G3k5QMi7l5UlHg9weOb0UEqmSEhzE5QoSlG"
		"TldbisNVhNloAjLjlPtDq9/j4EvZfw1I2NOUYg=="
	,
	"ssh-rsa "
		"AAAAB3NzaC1yc2EAAAADAQABAAABAQDz+iFs/9FRUrgWg6baGRR69TIQq4iJOXmYon29ZUqmrqBOJRbDxeBirJ0fzV4Sy/Ar"
		"VN1s5xjjxBPflvG9NB3l2v53149CtV4ls7tiVMt36iBrvn0fR6qsdx2O/2XLnnRHJ0i/NIPFhxXHIx8us/DuIEX4oKtTQOvq"
		"MJpnzK3VQvh/BhyGm+tNOYyT/IJX2aB0VLpy7V42om2okmaFPc4CowiWoZZRfivEP88NkeFYq8+8aFIaXzy7qnMi/M2ftGbd"
		"+dK/goFEnbr0qzntCyRbsMrKIcXoFduDh+BoH59xgz/kbhmPtUXEM77S+sHTpZKjFLidOnWO80I10w1Fwfq3"
	,
	"sk-ecdsa-sha2-nistp256@openssh.com "
		"AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZAb3BlbnNzaC5jb20AAAAIbmlzdHAyNTYAAABBBNKcrKQN2W2+h6rw/Q/3BPdI"
		"r77iKtI0lL0YVcJAD7FVmfl4LFh23xizkW9WZVyC3uhZx8bpAX28minEFvXDD8UAAAAEc3NoOg=="
	,
	"sk-ssh-ed25519@openssh.com "
		"AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIFZh9NIuY1Y1oE/muW510ZhzAWFgPOTh2WAdM3CgPPi2AAAABHNz"
		"aDo="
	,
};

/* Every signature algorithm name, those a build without ECDSA or RSA lacks included. */
static const char *const alg_names[] = {
	"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"
};

static struct pubkey fixed[COUNT(fixed_lines)];
static size_t nfixed;

/* Parses the fixed keys, once; a key of a type this build has that does not parse is a harness bug. */
static int fixed_init(void)
{
	static int done;

	if (done) {
		return done > 0;
	}
	done = -1;
	if (cry_init() != 0) {
		return 0;
	}
	for (size_t i = 0; i < COUNT(fixed_lines); i++) {
		int err = key_parse_public_line(&fixed[nfixed], fixed_lines[i], strlen(fixed_lines[i]));

		if (err == SSHTUN_ERR_NOT_SUPPORTED) {
			continue;	/* built without ECDSA or RSA */
		}
		if (err != 0) {
			__builtin_trap();
		}
		nfixed++;
	}
	done = 1;
	return 1;
}

/*
 * A parsed key is a usable key: a real type whose name maps back to it, the size of its type, a fingerprint,
 * and its own blob parses to the same key, as does a .pub line made of it.
 */
static void check_key(const struct pubkey *k)
{
	static char line[PK_NAME_MAX + PK_BLOB_MAX / 3 * 4 + 8];
	struct pubkey k2;
	char fp[PK_FP_MAX];
	const char *name = pubkey_type_name(k->type);
	size_t nlen = strlen(name);
	int len;

	if (k->type == PK_NONE || pubkey_type_by_name(name, nlen) != k->type) {
		__builtin_trap();
	}
	if (k->type == PK_RSA ? k->bits < CRY_RSA_MIN_BITS || k->bits > CRY_RSA_MAX_BITS :
	    k->bits != (k->type == PK_ECDSA_P384 ? 384u : k->type == PK_ECDSA_P521 ? 521u : 256u)) {
		__builtin_trap();
	}
	if (pubkey_fingerprint(k, fp, sizeof(fp)) != 0 || strncmp(fp, "SHA256:", 7) != 0) {
		__builtin_trap();
	}
	if (pubkey_from_blob(&k2, k->blob, k->bloblen) != 0 || !pubkey_equal(k, &k2) || !pubkey_equal(&k2, k)) {
		__builtin_trap();
	}
	/* A .pub line holds at most PK_BLOB_MAX / 3 * 4 base64 characters: a 4096-byte blob does not fit. */
	if (k->bloblen > PK_BLOB_MAX / 3 * 3 || nlen >= PK_NAME_MAX) {
		return;
	}
	memcpy(line, name, nlen);
	line[nlen] = ' ';
	len = cry_base64_encode(line + nlen + 1, sizeof(line) - nlen - 1, k->blob, k->bloblen, 1);
	if (len < 0 || key_parse_public_line(&k2, line, nlen + 1 + (size_t)len) != 0 || !pubkey_equal(k, &k2)) {
		__builtin_trap();
	}
}

/*
 * Verifies sig over msg with k, first with any algorithm of the key's type, then as each algorithm name in
 * turn (only the name the blob holds, of the key's type, gets to the key's verify code). What verifies
 * must be consistent: without a name asked for only the key's own type and never SHA-1 (ssh-rsa); with a
 * name only that name; and what verified without a name verifies under its own.
 */
static void verify_all(const struct pubkey *k, const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t n)
{
	struct wire_r r;
	struct wire_view name;
	int any, ok;

	wire_r_init(&r, sig, siglen);
	if (wire_get_string(&r, &name)) {
		name.p = NULL;
		name.n = 0;
	}
	any = pubkey_verify(k, sig, siglen, msg, n) == 0;
	if (any &&
	    (pubkey_sigalg_key_type((const char *)name.p, name.n) != k->type || wire_view_eq(&name, "ssh-rsa"))) {
		__builtin_trap();
	}
	for (size_t i = 0; i < COUNT(alg_names); i++) {
		int same = wire_view_eq(&name, alg_names[i]);

		ok = pubkey_verify_alg(k, alg_names[i], sig, siglen, msg, n) == 0;
		if (ok && (!same || pubkey_sigalg_key_type(alg_names[i], strlen(alg_names[i])) != k->type)) {
			__builtin_trap();
		}
		if (any && same && !ok) {
			__builtin_trap();
		}
	}
}

/*
 * libcrypto keeps the errors it raises (with allocated file and function names) in a per-thread queue until
 * someone clears it, and the library clears it only in places (crypto/pem.c), so an input's errors could
 * stay allocated after it, and libFuzzer runs a whole-heap leak scan after every input that allocated more
 * than it freed (privkey ran at about 1,000 inputs/s instead of 8,400). Clearing the queue after each input keeps
 * its allocations its own.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_r r;
	struct wire_view blob, sig, msg;
	struct pubkey k, line;

	if (!fixed_init()) {
		return 0;
	}
	/* Input: string key blob, string signature blob, then the signed data. */
	wire_r_init(&r, data, size);
	wire_get_string(&r, &blob);
	wire_get_string(&r, &sig);
	wire_get_raw(&r, wire_left(&r), &msg);
	if (wire_err(&r) == 0) {
		if (pubkey_from_blob(&k, blob.p, blob.n) == 0) {
			check_key(&k);
			for (size_t i = 0; i < nfixed; i++) {
				if (pubkey_equal(&k, &fixed[i]) != pubkey_equal(&fixed[i], &k)) {
					__builtin_trap();
				}
			}
			verify_all(&k, sig.p, sig.n, msg.p, msg.n);
		}
		for (size_t i = 0; i < nfixed; i++) {
			verify_all(&fixed[i], sig.p, sig.n, msg.p, msg.n);
		}
	}
	/* The whole input as a blob, a signature and a .pub line. */
	if (pubkey_from_blob(&k, data, size) == 0) {
		check_key(&k);
	}
	for (size_t i = 0; i < nfixed; i++) {
		pubkey_verify(&fixed[i], data, size, data, size);
	}
	if (key_parse_public_line(&line, (const char *)data, size) == 0) {
		check_key(&line);
	}
#if SSHTUN_OPENSSL
	ERR_clear_error();
#endif
	return 0;
}
