/*
 * sshtun fuzzing: reading and writing the message-stream format (fuzz/sshmsg.h). Kept apart from the mutator
 * (fuzz/sshmsg_mutate.c), which needs libFuzzer: the recorder (fuzz/record/record.c) writes with this file in
 * a normal build.
 */
#include "fuzz/sshmsg.h"

#include <string.h>

uint8_t sshmsg_begin(struct sshmsg_iter *it, const uint8_t *data, size_t size)
{
	it->p = data;
	it->n = data ? size : 0;
	it->off = it->n ? 1 : 0;
	return it->n ? data[0] : 0;
}

int sshmsg_next(struct sshmsg_iter *it, const uint8_t **p, size_t *len, int *raw)
{
	size_t h;

	/* One byte left is a header cut short: the end, like no bytes at all. */
	if (it->off >= it->n || it->n - it->off < 2) {
		it->off = it->n;
		return 0;
	}
	h = (size_t)it->p[it->off] << 8 | it->p[it->off + 1];
	it->off += 2;
	*len = h & SSHMSG_LEN_MASK;
	if (*len > it->n - it->off) {
		*len = it->n - it->off;
	}
	*p = it->p + it->off;
	*raw = (h & SSHMSG_RAW) != 0;
	it->off += *len;
	return 1;
}

size_t sshmsg_append(uint8_t *out, size_t size, size_t max, const void *p, size_t len, int raw)
{
	size_t need = (size == 0) + 2 + len;

	if (len > SSHMSG_LEN_MASK || size > max || max - size < need) {
		return 0;
	}
	if (size == 0) {
		out[size++] = 0;
	}
	out[size] = (uint8_t)((len >> 8) | (raw ? SSHMSG_RAW >> 8 : 0));
	out[size + 1] = (uint8_t)len;
	if (len > 0) {
		memcpy(out + size + 2, p, len);
	}
	return size + 2 + len;
}
