/* sshtun: libFuzzer target for ssh-agent IDENTITIES_ANSWER messages (agent_parse_identities). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/features.h"
#if SSHTUN_OPENSSL
#include <openssl/err.h>
#endif

#include "crypto/crypto.h"
#include "ssh/agent.h"
#include "transport/pubkey.h"
#include "util/features.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if SSHTUN_AGENT

/* A key of a type the build knows: its name maps back to it. */
static int real_key(const struct pubkey *k)
{
	const char *name = pubkey_type_name(k->type);

	return k->type != PK_NONE && pubkey_type_by_name(name, strlen(name)) == k->type;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agent_id ids[4];
	struct pubkey k2;
	size_t n = 0, n1 = 0;
	int err, cert0 = 0;

	if (cry_init() != 0) {
		return 0;
	}
	err = agent_parse_identities(data, size, ids, 4, &n);
	/*
	 * On success every identity returned is a usable key (a real type, whose own blob parses to the same
	 * key; for a certificate, the certified key) with a terminated comment.
	 */
	if (err == 0) {
		if (n > 4) {
			__builtin_trap();
		}
		for (size_t i = 0; i < n; i++) {
			if (!real_key(&ids[i].key) || memchr(ids[i].comment, 0, sizeof(ids[i].comment)) == NULL) {
				__builtin_trap();
			}
			if (pubkey_from_blob(&k2, ids[i].key.blob, ids[i].key.bloblen) != 0 ||
			    !pubkey_equal(&k2, &ids[i].key)) {
				__builtin_trap();
			}
		}
		cert0 = n > 0 && ids[0].cert != NULL;
		agent_ids_free(ids, n);
	} else if (n != 0) {
		__builtin_trap();
	}
	/* Fewer slots than keys: the same answer, cut to the first identity. */
	if (agent_parse_identities(data, size, ids + 1, 1, &n1) != err || n1 != (n > 0) ||
	    (n1 == 1 && (!pubkey_equal(&ids[0].key, &ids[1].key) || strcmp(ids[0].comment, ids[1].comment) != 0 ||
	    (ids[1].cert != NULL) != cert0))) {
		__builtin_trap();
	}
	agent_ids_free(ids + 1, n1);
#if SSHTUN_OPENSSL
	ERR_clear_error();	/* see fuzz_pubkey.c */
#endif
	return 0;
}
#else
/* --without-agent: no agent parser to fuzz. */
#include "fuzz/left_out.h"
FUZZ_LEFT_OUT()
#endif
