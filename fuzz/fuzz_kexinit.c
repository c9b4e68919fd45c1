/* sshtun: fuzz KEXINIT parsing and algorithm negotiation, and algorithm list specs. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "transport/tp_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tp_config cfg;
	struct tp_choice choice;
	struct tp *tp;
	char spec[256], out[1024];
	size_t n = size < sizeof(spec) - 1 ? size : sizeof(spec) - 1;

	memset(&cfg, 0, sizeof(cfg));
	tp = tp_new(&cfg);
	if (!tp) {
		return 0;
	}
	if (tp_kexinit_negotiate(tp, data, size, &choice) == 0) {
		if (!choice.kex || !choice.enc_c2s || !choice.enc_s2c) {
			__builtin_trap();
		}
	}
	/* The same bytes as a Ciphers spec. */
	memcpy(spec, data, n);
	spec[n] = '\0';
	if (tp_alglist_resolve(spec, "a,b,c", "a,b,c,d", out, sizeof(out)) == 0 && out[0] == '\0') {
		__builtin_trap();
	}
	tp_free(tp);
	return 0;
}
