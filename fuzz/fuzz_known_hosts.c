/* sshtun: libFuzzer target for known_hosts lines (kh_match_line). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/features.h"
#if SSHTUN_OPENSSL
#include <openssl/err.h>
#endif

#include "crypto/crypto.h"
#include "ssh/known_hosts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Names as kh_check forms them: a plain host, an address, a [host]:port. */
static const char *const names[] = { "example.com", "10.0.0.5", "[gw.example.org]:2222" };

/* A key of a type the build knows: its name maps back to it. */
static int real_key(const struct pubkey *k)
{
	const char *name = pubkey_type_name(k->type);

	return k->type != PK_NONE && pubkey_type_by_name(name, strlen(name)) == k->type;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pubkey k, k2;
	int marker = 0;

	if (cry_init() != 0) {
		return 0;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int m = kh_match_line((const char *)data, size, names[i], &k, &marker);

		/*
		 * A match always comes with a usable key (a real type, whose own blob parses to the same key)
		 * and a known marker.
		 */
		if (m == 1 && (!real_key(&k) || marker < 0 || marker > 2)) {
			__builtin_trap();
		}
		if (m == 1 && (pubkey_from_blob(&k2, k.blob, k.bloblen) != 0 || !pubkey_equal(&k2, &k))) {
			__builtin_trap();
		}
		/* No match, no key left behind (the marker may be: callers look at it only on a match). */
		if (m != 1 && k.type != PK_NONE) {
			__builtin_trap();
		}
	}
#if SSHTUN_OPENSSL
	ERR_clear_error();	/* see fuzz_pubkey.c */
#endif
	return 0;
}
