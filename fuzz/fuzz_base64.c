/* sshtun: libFuzzer target for cry_base64_decode, checking that what decodes re-encodes to the same text. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/crypto.h"

enum { FZ_MAX_IN = 8192 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t dec[FZ_MAX_IN];
	static char enc[FZ_MAX_IN + 8];
	const char *in = (const char *)data;
	size_t n = 0;
	size_t small = 0;
	int pad = 0;
	int k;

	if (size > FZ_MAX_IN || cry_init() != 0) {
		return 0;
	}
	/* Decode into a buffer exactly as big as needed, or a byte short, to exercise the bound. */
	if (cry_base64_decode(dec, sizeof(dec), &n, in, size) != 0) {
		if (n != 0) {
			__builtin_trap();	/* failure must leave *outn at 0 */
		}
		return 0;
	}
	if (n > size) {
		__builtin_trap();
	}
	if (n > 0 && cry_base64_decode(dec, n - 1, &small, in, size) == 0) {
		__builtin_trap();	/* decoded into less room than it needs */
	}
	/* The decoder is strict (canonical trailing bits, exact padding), so the text must come back. */
	pad = memchr(in, '=', size) != NULL;
	k = cry_base64_encode(enc, sizeof(enc), dec, n, pad);
	if (k < 0 || (size_t)k != size || memcmp(enc, in, size) != 0) {
		__builtin_trap();
	}
	/* Padded input must have a length that is a multiple of 4. */
	if (pad && size % 4 != 0) {
		__builtin_trap();
	}
	return 0;
}
