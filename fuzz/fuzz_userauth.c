/*
 * sshtun: fuzz the userauth client: server replies of every kind, in any order.
 *
 * Input: fuzz/sshmsg.h records; each record is one message for ua_handle (no transport framing here, so the
 * raw bit means nothing). Flags: bits 0-1 how many identities (0-3; the first is the recorded corpus's key);
 * bit 2 signing fails.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/server.h"
#include "sshtun_err.h"
#include "tests/unit/tp_fake.h"
#include "transport/userauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
SSHMSG_USE_MUTATOR()

static int fake_sign(void *ud, const struct pubkey *key, const uint8_t *d, size_t n, struct wire_w *sig)
{
	(void)key;
	(void)d;
	(void)n;
	if (*(const uint8_t *)ud & 4) {
		return SSHTUN_ERR_AGENT;
	}
	wire_put_cstring(sig, "ssh-ed25519");
	return wire_put_string(sig, "0123456789012345678901234567890123456789012345678901234567890123", 64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ua_identity ids[3];
	struct sshmsg_iter it;
	struct tp *tp = fake_tp_ready(NULL);
	struct ua ua;
	struct tp_msg m;
	const uint8_t *p = NULL, *out = NULL;
	size_t len = 0;
	int raw = 0, r = 0;
	unsigned records = 0;
	uint8_t flags = sshmsg_begin(&it, data, size);

	if (!tp) {
		return 0;
	}
	memset(ids, 0, sizeof(ids));
	for (int i = 0; i < 3; i++) {
		ids[i].key.type = PK_ED25519;
		ids[i].key.bloblen = sizeof(fz_record_key);
		memcpy(ids[i].key.blob, fz_record_key, sizeof(fz_record_key));
		ids[i].key.blob[50] ^= (uint8_t)i;
		ids[i].sign = fake_sign;
		ids[i].ud = &flags;
	}
	ua_init(&ua, tp, "root", ids, flags & 3, NULL);
	ua_start(&ua);
	while (r == 0 && sshmsg_next(&it, &p, &len, &raw)) {
		records++;
		if (len == 0) {
			continue;
		}
		m.type = p[0];
		m.payload = p;
		m.len = len;
		uint8_t *copy = fz_exact(&m);
		r = copy ? ua_handle(&ua, &m) : -1;
		free(copy);
		tp_output_consume(tp, tp_output(tp, &out));
	}
	fz_show("userauth", records, (unsigned)(size - it.off), NULL, ua.state == UA_DONE, NULL, r);
	tp_free(tp);
	return 0;
}
