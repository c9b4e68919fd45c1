/*
 * sshtun fuzzing: the message-stream input format of the transport, session and userauth targets, and its
 * structure-aware mutator.
 *
 * An input is one flags byte (each target gives its bits a meaning), then records. A record is a 2-byte
 * big-endian header and its bytes: bit 15 set (SSHMSG_RAW) means the bytes go to the target as they are
 * (raw socket bytes: a version line, a torn or forged packet); clear means they are one SSH message payload
 * (message number first) that the harness frames, pads and seals as a server would. Bits 0-14 are the length.
 * A record cut short by the end of the input is taken as far as it goes.
 *
 * The harness owns the framing, so the fuzzer never has to get packet lengths, padding or MACs right; the
 * mutator (sshmsg_mutate) works on records and on the SSH fields inside a payload (strings, u32s, the message
 * number) and writes every record length back consistently, as Dropbear's packet mutator does for its packets.
 */
#ifndef FUZZ_SSHMSG_H
#define FUZZ_SSHMSG_H

#include <stddef.h>
#include <stdint.h>

enum {
	SSHMSG_RAW = 0x8000,
	SSHMSG_LEN_MASK = 0x7fff,
	SSHMSG_MAX_RECORDS = 512	/* the mutator keeps at most this many records */
};

struct sshmsg_iter {
	const uint8_t *p;
	size_t n, off;
};

/* Starts reading data; returns the flags byte (0 for an empty input). */
uint8_t sshmsg_begin(struct sshmsg_iter *it, const uint8_t *data, size_t size);
/* The next record: returns 1 and sets *p, *len and *raw, or 0 at the end of the input. */
int sshmsg_next(struct sshmsg_iter *it, const uint8_t **p, size_t *len, int *raw);
/*
 * Appends one record (len <= SSHMSG_LEN_MASK) to out, which holds size bytes of max; an empty out gets a
 * flags byte of 0 first. Returns the new size, or 0 if it does not fit.
 */
size_t sshmsg_append(uint8_t *out, size_t size, size_t max, const void *p, size_t len, int raw);

/* The bodies of LLVMFuzzerCustomMutator and LLVMFuzzerCustomCrossOver for this format. */
size_t sshmsg_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t sshmsg_crossover(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2, uint8_t *out, size_t max_out,
	unsigned int seed);

/* Put once in a harness that takes this format: libFuzzer then mutates through sshmsg_mutate. */
#define SSHMSG_USE_MUTATOR()                                                                                         \
	size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);              \
	size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)               \
	{                                                                                                            \
		return sshmsg_mutate(data, size, max_size, seed);                                                    \
	}                                                                                                            \
	size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2, uint8_t *out,   \
		size_t max_out, unsigned int seed);                                                                  \
	size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2, uint8_t *out,   \
		size_t max_out, unsigned int seed)                                                                   \
	{                                                                                                            \
		return sshmsg_crossover(d1, s1, d2, s2, out, max_out, seed);                                         \
	}

#endif
