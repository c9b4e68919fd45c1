/* sshtun: fuzz the transport from the first byte: version exchange, plaintext packets, KEXINIT, the state filter. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "transport/tp_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tp_config cfg;
	struct tp *tp;
	struct tp_msg m;
	const uint8_t *out = NULL;
	size_t off = 0;

	memset(&cfg, 0, sizeof(cfg));
	tp = tp_new(&cfg);
	if (!tp || tp_start(tp) != 0) {
		tp_free(tp);
		return 0;
	}
	/* Feed in uneven pieces so every partial-input path runs. */
	while (off < size) {
		size_t n = 1 + (data[off] % 61);
		if (n > size - off) {
			n = size - off;
		}
		if (tp_input(tp, data + off, n) != 0) {
			break;
		}
		off += n;
		int r;
		while ((r = tp_poll(tp, &m)) == 1) {
			if (m.len == 0 || m.payload[0] != m.type) {
				__builtin_trap();
			}
		}
		tp_output_consume(tp, tp_output(tp, &out));
		if (r < 0) {
			break;
		}
	}
	tp_free(tp);
	return 0;
}
