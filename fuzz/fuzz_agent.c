/* sshtun: libFuzzer target for ssh-agent IDENTITIES_ANSWER messages (agent_parse_identities). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/crypto.h"
#include "ssh/agent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agent_id ids[4];
	size_t n = 0;
	int err;

	if (cry_init() != 0) {
		return 0;
	}
	err = agent_parse_identities(data, size, ids, 4, &n);
	/* On success every identity returned is a usable key with a terminated comment. */
	if (err == 0) {
		if (n > 4) {
			__builtin_trap();
		}
		for (size_t i = 0; i < n; i++) {
			if (ids[i].key.type == PK_NONE || memchr(ids[i].comment, 0, sizeof(ids[i].comment)) == NULL) {
				__builtin_trap();
			}
		}
		agent_ids_free(ids, n);
	} else if (n != 0) {
		__builtin_trap();
	}
	/* Fewer slots than keys. */
	if (agent_parse_identities(data, size, ids, 1, &n) == 0) {
		agent_ids_free(ids, n);
	}
	return 0;
}
