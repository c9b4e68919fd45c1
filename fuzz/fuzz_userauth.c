/*
 * sshtun: fuzz the userauth client: server replies of every kind, in any order.
 *
 * Input: fuzz/sshmsg.h records; each record is one message for ua_handle (no transport framing here, so the
 * raw bit means nothing). Flags: bits 0-1 how many identities (0-3; the first is the recorded corpus's key);
 * bit 2 signing fails; bit 3 the user declines every question; bit 4 nothing can be asked (BatchMode);
 * bit 5 PreferredAuthentications password,keyboard-interactive,publickey. Password and keyboard-interactive
 * are enabled, so INFO_REQUEST and PASSWD_CHANGEREQ (message 60 by method) are parsed; questions are answered
 * at once, after ua_handle returns, as the library's prompt events would be.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/server.h"
#include "tests/unit/tp_fake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
SSHMSG_USE_MUTATOR()

/* The user: remembers how many answers were asked for; never blocks. */
struct fz_user {
	unsigned n;
	int asked;
	uint8_t flags;
};

static int fz_ask(void *ud, int kind, const char *name, const char *instruction, unsigned n, const char *const *q,
	const int *echo)
{
	struct fz_user *u = ud;

	(void)kind;
	(void)echo;
	/* Every question must be printable text: the library made it so. */
	for (const char *t = name; *t; t++) {
		if ((unsigned char)*t < 0x20 || (unsigned char)*t >= 0x7f) {
			__builtin_trap();
		}
	}
	for (unsigned i = 0; i < n; i++) {
		for (const char *t = q[i]; *t; t++) {
			if ((unsigned char)*t < 0x20 || (unsigned char)*t >= 0x7f) {
				__builtin_trap();
			}
		}
	}
	(void)instruction;
	if (u->flags & 16) {
		return SSHTUN_ERR_NO_PROMPT;
	}
	u->n = n;
	u->asked = 1;
	return SSHTUN_ERR_AGAIN;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const answers[16] = { "hunter2", "123456", "", "x", "y", "z", "a", "b", "c", "d", "e", "f", "g",
		"h", "i", "j" };
	struct fz_user user = { 0, 0, 0 };
	struct ua_opts opts;
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
	user.flags = flags;
	memset(&opts, 0, sizeof(opts));
	opts.host = "fuzz";
	opts.preferred = flags & 32 ? "password,keyboard-interactive,publickey" : NULL;
	opts.pubkey = opts.kbdint = opts.password = 1;
	opts.prompts = 3;
	opts.ask = fz_ask;
	opts.ask_ud = &user;
	ua_set_opts(&ua, &opts);
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
		/* A question asked: answered (or declined) now, as sshtun_answer would make it in the next dispatch. */
		while (r == 0 && user.asked && ua.state == UA_ASKING) {
			user.asked = 0;
			r = ua_answer(&ua, flags & 8 ? NULL : answers, user.n);
		}
		user.asked = 0;
		tp_output_consume(tp, tp_output(tp, &out));
	}
	fz_show("userauth", records, (unsigned)(size - it.off), NULL, ua.state == UA_DONE, NULL, r);
	ua_free(&ua);
	tp_free(tp);
	return 0;
}
