/* sshtun: Blowfish (Schneier, FSE 1993) and the key-schedule steps of bcrypt's EksBlowfish; internal to crypto/. */
#ifndef CRYPTO_BLOWFISH_H
#define CRYPTO_BLOWFISH_H

#include <stddef.h>
#include <stdint.h>

enum { BF_ROUNDS = 16, BF_P_WORDS = BF_ROUNDS + 2, BF_S_BOXES = 4, BF_S_WORDS = 256, BF_BLOCK = 8 };

/*
 * The whole key-dependent state: 18 subkeys and four 8x32 S-boxes (4168
 * bytes). It is derived from a key, so it is secret: bf_wipe it when done.
 */
struct bf_ctx {
	uint32_t P[BF_P_WORDS];
	uint32_t S[BF_S_BOXES][BF_S_WORDS];
};

/* Sets the state to its fixed initial value: P, then S[0..3], filled with the hex digits of pi's fraction. */
void bf_init(struct bf_ctx *c);

/*
 * Blowfish's key schedule over the current state (EksBlowfish's ExpandKey with
 * a zero salt): P[i] ^= the next 32-bit big-endian word of key, read
 * cyclically (keylen bytes, keylen > 0); then, from an all-zero block, each
 * encryption's output replaces the next two words of P and then of S[0..3], in
 * order, and is the next encryption's input. bf_init followed by this is
 * standard Blowfish keying (keys of 1 to 72 bytes).
 */
void bf_expand0(struct bf_ctx *c, const uint8_t *key, size_t keylen);

/*
 * EksBlowfish's ExpandKey(state, salt, key): as bf_expand0, but before each
 * encryption the block is XORed with the next 8 bytes of salt (two big-endian
 * words, read cyclically and continuing from the P-array into the S-boxes;
 * saltlen > 0).
 */
void bf_expand(struct bf_ctx *c, const uint8_t *salt, size_t saltlen, const uint8_t *key, size_t keylen);

/* Encrypts nblocks blocks in place, each given as two words (left, right): w[2 * nblocks]. */
void bf_encrypt_words(const struct bf_ctx *c, uint32_t *w, size_t nblocks);

/* Encrypts one 8-byte block (the halves big-endian, as in the published test vectors); in and out may alias. */
void bf_encrypt_block(const struct bf_ctx *c, uint8_t out[BF_BLOCK], const uint8_t in[BF_BLOCK]);

/* Wipes the state. */
void bf_wipe(struct bf_ctx *c);

#endif
