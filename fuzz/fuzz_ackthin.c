/* sshtun: libFuzzer target for ACK thinning: any frames classified and offered to the hold queue, as the device path does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tun/ackthin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
	if (!cond) {
		abort();
	}
}

/* Input: [flags byte: bit0 tap, bit1 check checksums] then frames as [u8 action][u16 length][bytes]...;
 * action bit0: drain the queue before this frame. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tun_ackq *q = malloc(sizeof(*q));
	size_t pos = 1, fl, held, n;
	const uint8_t *p;
	struct tun_ack a, b;
	uint8_t *slot;
	int l2, csum;

	check(q != NULL);
	if (size < 1) {
		free(q);
		return 0;
	}
	l2 = (data[0] & 1) ? 14 : 0;
	csum = (data[0] >> 1) & 1;
	tun_ackq_init(q);
	while (pos + 3 <= size) {
		int drain = data[pos] & 1;

		fl = (size_t)((data[pos + 1] << 8) | data[pos + 2]);
		pos += 3;
		fl = fl < size - pos ? fl : size - pos;
		tun_ack_parse(&a, data + pos, fl, l2, csum);
		check(!a.pure || a.flowlen > 0);
		tun_ack_parse(&b, data + pos, fl, l2, csum);
		check(!tun_ack_supersedes(&a, &b));	/* nothing replaces itself */
		while (drain && tun_ackq_peek(q, &p, &n)) {
			check(n > 0 && n <= TUN_ACKQ_FRAME);
			tun_ackq_pop(q);
		}
		held = tun_ackq_held(q);
		slot = tun_ackq_place(q, &a);
		if (slot != NULL) {
			check(a.pure && fl <= TUN_ACKQ_FRAME);
			memcpy(slot, data + pos, fl);
			tun_ackq_commit(q, &a, fl);
			check(tun_ackq_held(q) == held || tun_ackq_held(q) == held + 1);
		}
		check(tun_ackq_held(q) <= TUN_ACKQ_SLOTS);
		pos += fl;
	}
	while (tun_ackq_peek(q, &p, &n)) {
		tun_ackq_pop(q);
	}
	check(tun_ackq_held(q) == 0);
	free(q);
	return 0;
}
