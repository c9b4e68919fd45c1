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
#include "tests/unit/tp_fake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
SSHMSG_USE_MUTATOR()

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
	for (unsigned i = 0; i < 3; i++) {
		fz_identity(&ids[i], i, &flags);
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
