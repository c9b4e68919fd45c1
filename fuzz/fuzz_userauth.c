/* sshtun: fuzz the userauth client: server replies of every kind, in any order. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tests/unit/tp_fake.h"
#include "transport/userauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fake_sign(void *ud, const struct pubkey *key, const uint8_t *d, size_t n, struct wire_w *sig)
{
	(void)ud;
	(void)key;
	(void)d;
	(void)n;
	wire_put_cstring(sig, "ssh-ed25519");
	return wire_put_string(sig, "0123456789012345678901234567890123456789012345678901234567890123", 64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ua_identity ids[2];
	struct tp *tp = fake_tp_ready(NULL);
	struct ua ua;
	struct tp_msg m;
	const uint8_t *out = NULL;
	size_t off = 0;

	if (!tp) {
		return 0;
	}
	memset(ids, 0, sizeof(ids));
	for (int i = 0; i < 2; i++) {
		ids[i].key.type = PK_ED25519;
		ids[i].key.bloblen = 51;
		memset(ids[i].key.blob, 'k' + i, 51);
		ids[i].sign = fake_sign;
	}
	ua_init(&ua, tp, "root", ids, 2, NULL);
	ua_start(&ua);
	while (off + 1 <= size) {
		size_t len = data[off++];
		if (len > size - off || len == 0) {
			break;
		}
		m.type = data[off];
		m.payload = data + off;
		m.len = len;
		off += len;
		int r = ua_handle(&ua, &m);
		tp_output_consume(tp, tp_output(tp, &out));
		if (r != 0) {
			break;
		}
	}
	tp_free(tp);
	return 0;
}
