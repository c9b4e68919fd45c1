/* sshtun: the table of packet MACs, lookup by SSH name, and the constant-time check. */
#include <string.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"
#include "crypto/mac.h"

/* Every MAC built in; the order offered is the transport's default list, not this one. */
const struct cry_mac *const cry_macs[] = {
#if SSHTUN_CTR && SSHTUN_UMAC
	&cry_umac64_etm,
	&cry_umac128_etm,
#endif
#if SSHTUN_CTR
	&cry_hmac_sha256_etm,
	&cry_hmac_sha512_etm,
#endif
#if SSHTUN_CTR && SSHTUN_HMAC_SHA1
	&cry_hmac_sha1_etm,
#endif
#if SSHTUN_CTR && SSHTUN_UMAC
	&cry_umac64,
	&cry_umac128,
#endif
#if SSHTUN_CTR
	&cry_hmac_sha256,
	&cry_hmac_sha512,
#endif
#if SSHTUN_CTR && SSHTUN_HMAC_SHA1
	&cry_hmac_sha1,
#endif
	NULL,
};

const struct cry_mac *cry_mac_find(const char *name, size_t n)
{
	if (name == NULL) {
		return NULL;
	}
	for (size_t i = 0; cry_macs[i] != NULL; i++) {
		const char *mn = cry_macs[i]->name;

		if (strlen(mn) == n && memcmp(mn, name, n) == 0) {
			return cry_macs[i];
		}
	}
	return NULL;
}

int cry_mac_verify(const struct cry_mac *m, void *ctx, uint32_t seq, const uint8_t *data, size_t len, const uint8_t *tag)
{
	uint8_t want[CRY_MAC_TAG_MAX];
	int r;

	if (m == NULL || tag == NULL) {
		return SSHTUN_ERR_INVAL;
	}
	if ((r = m->compute(ctx, seq, data, len, want)) != 0) {
		return r;
	}
	r = cry_memeq(want, tag, m->tag_len) ? 0 : SSHTUN_ERR_MAC;
	cry_wipe(want, m->tag_len);
	return r;
}
