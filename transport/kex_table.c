/* sshtun: the key exchange methods of this build, one row each, in our order of preference (OpenSSH 10's). */
#include <string.h>

#include "util/features.h"
#include "transport/tp_int.h"

extern const struct tp_kex_alg tp_kex_mlkem768x25519, tp_kex_sntrup761x25519, tp_kex_sntrup761x25519_openssh,
	tp_kex_curve25519, tp_kex_curve25519_libssh, tp_kex_ecdh_p256, tp_kex_ecdh_p384, tp_kex_ecdh_p521, tp_kex_dhgex,
	tp_kex_dh16, tp_kex_dh18, tp_kex_dh14;

const struct tp_kex_alg *const tp_kex_algs[] = {
#if SSHTUN_MLKEM
	&tp_kex_mlkem768x25519,
#endif
#if SSHTUN_SNTRUP
	&tp_kex_sntrup761x25519,
	&tp_kex_sntrup761x25519_openssh,
#endif
	&tp_kex_curve25519,
	&tp_kex_curve25519_libssh,
#if SSHTUN_ECDH_NIST
	&tp_kex_ecdh_p256,
	&tp_kex_ecdh_p384,
	&tp_kex_ecdh_p521,
#endif
#if SSHTUN_DH
	&tp_kex_dhgex,
	&tp_kex_dh16,
	&tp_kex_dh18,
	&tp_kex_dh14,
#endif
	NULL
};

const struct tp_kex_alg *tp_kex_find(const char *name, size_t n)
{
	for (size_t i = 0; tp_kex_algs[i]; i++) {
		if (strlen(tp_kex_algs[i]->name) == n && memcmp(tp_kex_algs[i]->name, name, n) == 0) {
			return tp_kex_algs[i];
		}
	}
	return NULL;
}
