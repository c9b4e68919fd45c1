/*
 * sshtun: bcrypt-pbkdf, the passphrase KDF of OpenSSH's "openssh-key-v1" private key files (T. Unangst,
 * bcrypt_pbkdf(3), OpenBSD 5.5): PBKDF2's structure with a bcrypt-based hash in place of HMAC.
 *
 *   sha2pass = SHA-512(pass)
 *   for each 32-byte block c = 1, 2, ...:
 *       u = bcrypt_hash(sha2pass, SHA-512(salt || c as a big-endian uint32))
 *       out = u; rounds - 1 times: u = bcrypt_hash(sha2pass, SHA-512(u)); out ^= u
 *       byte i of out is key byte i * stride + (c - 1)
 *
 * where stride = ceil(keylen / 32), so the blocks are interleaved through the key and every block
 * decides a share of each part of it, and each block gives ceil(keylen / stride) bytes (the last ones fewer
 * when that runs past the end). bcrypt_hash (below) is EksBlowfish with a fixed cost of 64.
 */
#include <string.h>
#include "util/features.h"

/* The KDF of passphrase-protected key files: left out with them (SSHTUN_KEY_ENCRYPTED 0). */
#if SSHTUN_KEY_ENCRYPTED

#include "sshtun_err.h"
#include "crypto/blowfish.h"
#include "crypto/crypto.h"
#include "crypto/kdf.h"
#include "util/wire.h"

enum {
	BH_LEN = 32,		/* bcrypt_hash output */
	BH_WORDS = BH_LEN / 4,
	BH_EXPANSIONS = 64,	/* rounds of expansion with the salt, then the passphrase */
	BH_ENCRYPTIONS = 64,	/* times the magic text is encrypted */
	SHA512_LEN = 64,
};

/* 32 bytes, the text bcrypt_hash encrypts (EksBlowfish's "OrpheanBeholderScryDoubt", made longer). */
static const char bh_magic[BH_LEN + 1] = "OxychromaticBlowfishSwatDynamite";

/*
 * bcrypt_hash: EksBlowfishSetup with both inputs already hashed (so each is 64
 * bytes) and 64 rounds, then the magic text encrypted 64 times as four ECB
 * blocks. The eight words come out least significant byte first. bf is the
 * caller's, so that one state is reused and wiped once.
 */
static void bcrypt_hash(struct bf_ctx *bf, const uint8_t sha2pass[SHA512_LEN], const uint8_t sha2salt[SHA512_LEN],
			uint8_t out[BH_LEN])
{
	uint32_t w[BH_WORDS];

	bf_init(bf);
	bf_expand(bf, sha2salt, SHA512_LEN, sha2pass, SHA512_LEN);
	for (int i = 0; i < BH_EXPANSIONS; i++) {
		bf_expand0(bf, sha2salt, SHA512_LEN);
		bf_expand0(bf, sha2pass, SHA512_LEN);
	}
	for (int i = 0; i < BH_WORDS; i++) {
		w[i] = wire_peek_u32((const uint8_t *)bh_magic + 4 * i);
	}
	for (int i = 0; i < BH_ENCRYPTIONS; i++) {
		bf_encrypt_words(bf, w, BH_WORDS / 2);
	}
	for (int i = 0; i < BH_WORDS; i++) {
		out[4 * i] = (uint8_t)w[i];
		out[4 * i + 1] = (uint8_t)(w[i] >> 8);
		out[4 * i + 2] = (uint8_t)(w[i] >> 16);
		out[4 * i + 3] = (uint8_t)(w[i] >> 24);
	}
	cry_wipe(w, sizeof(w));
}

/* SHA-512(salt || be32(count)). */
static int salt_hash(const uint8_t *salt, size_t saltlen, uint32_t count, uint8_t out[SHA512_LEN])
{
	struct cry_hash_ctx h = { NULL, 0 };
	uint8_t be[4];
	int r;

	wire_poke_u32(be, count);
	if ((r = cry_hash_init(&h, CRY_SHA512)) != 0 ||
	    (r = cry_hash_update(&h, salt, saltlen)) != 0 ||
	    (r = cry_hash_update(&h, be, sizeof(be))) != 0 ||
	    (r = cry_hash_final(&h, out)) != 0) {
		cry_hash_free(&h);
		return r;
	}
	cry_hash_free(&h);
	return 0;
}

int cry_bcrypt_pbkdf(const char *pass, size_t passlen, const uint8_t *salt, size_t saltlen, uint8_t *key, size_t keylen,
		     unsigned rounds)
{
	struct bf_ctx bf;
	uint8_t sha2pass[SHA512_LEN];
	uint8_t sha2salt[SHA512_LEN];
	uint8_t u[BH_LEN];
	uint8_t out[BH_LEN];
	size_t stride, amt, left;
	uint32_t count;
	int r;

	if (rounds == 0 || salt == NULL || saltlen == 0 || saltlen > CRY_BCRYPT_SALT_MAX || key == NULL || keylen == 0 ||
	    keylen > CRY_BCRYPT_KEY_MAX || (pass == NULL && passlen != 0)) {
		return SSHTUN_ERR_INVAL;
	}
	stride = (keylen + BH_LEN - 1) / BH_LEN;
	amt = (keylen + stride - 1) / stride;
	if ((r = cry_hash(CRY_SHA512, pass, passlen, sha2pass)) != 0) {
		goto out;
	}
	for (count = 1, left = keylen; left > 0; count++) {
		size_t n = amt < left ? amt : left;
		size_t i;

		if ((r = salt_hash(salt, saltlen, count, sha2salt)) != 0) {
			goto out;
		}
		bcrypt_hash(&bf, sha2pass, sha2salt, u);
		memcpy(out, u, sizeof(out));
		for (unsigned k = 1; k < rounds; k++) {
			if ((r = cry_hash(CRY_SHA512, u, sizeof(u), sha2salt)) != 0) {
				goto out;
			}
			bcrypt_hash(&bf, sha2pass, sha2salt, u);
			for (i = 0; i < sizeof(out); i++) {
				out[i] ^= u[i];
			}
		}
		/* Block count fills key[count - 1], key[count - 1 + stride], ...: the stride blocks cover the key once. */
		for (i = 0; i < n; i++) {
			size_t dest = i * stride + (count - 1);

			if (dest >= keylen) {
				break;
			}
			key[dest] = out[i];
		}
		left -= i;
	}
	r = 0;
out:
	if (r != 0) {
		cry_wipe(key, keylen);
	}
	bf_wipe(&bf);
	cry_wipe(sha2pass, sizeof(sha2pass));
	cry_wipe(sha2salt, sizeof(sha2salt));
	cry_wipe(u, sizeof(u));
	cry_wipe(out, sizeof(out));
	return r;
}

#endif /* SSHTUN_KEY_ENCRYPTED */
