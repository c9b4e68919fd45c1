/*
 * sshtun: fuzz a whole connection from the first byte, as the server's side of it: version exchange, key
 * exchange (fixed values in a fuzzing build, so a recorded session replays), rekeying, the state filter,
 * EXT_INFO, userauth and the tun channel, driven as ssh/conn.c drives them.
 *
 * Input: fuzz/sshmsg.h records. A raw record goes to the client as socket bytes (the version line, torn or
 * forged packets); a message record is framed and sealed by fuzz/server.h under the keys the client derived.
 * Flags: bit 0 the host key is refused; bit 1 the client rekeys every 4 KiB; bit 2 its rekey clock jumps an
 * hour after each record; bit 3 a tap (Ethernet) tunnel; bits 4-5 the client offers only cry_ciphers[n - 1]
 * (0: every cipher); bit 6 it offers only curve25519-sha256@libssh.org; bit 7 instead of bits 4-5's AEAD
 * cipher it offers only one CTR cipher and one MAC, both picked by bits 4-5 (fz_ctr), so the cipher + MAC
 * framing, encrypt-then-MAC and encrypt-and-MAC, is fuzzed too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "channel/channel.h"
#include "fuzz/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
SSHMSG_USE_MUTATOR()

/* Bit 7's cipher + MAC pairs: both MAC families, both framings, each CTR key size. */
static const struct {
	const char *cipher, *mac;
} fz_ctr[4] = {
	{ "aes128-ctr", "umac-64-etm@openssh.com" },
	{ "aes192-ctr", "hmac-sha2-256" },
	{ "aes256-ctr", "umac-128@openssh.com" },
	{ "aes128-ctr", "hmac-sha2-512-etm@openssh.com" },
};

static int hostkey(void *ud, const struct pubkey *key, const struct cert *cert)
{
	(void)key;
	(void)cert;
	return *(const uint8_t *)ud & 1 ? SSHTUN_ERR_HOSTKEY_UNKNOWN : 0;
}

/* One application message, by stage, as ssh/conn.c dispatches it. */
static int dispatch(struct ua *ua, struct chan_tab *t, uint8_t flags, const struct tp_msg *m, struct chan **c)
{
	int r;

	if (ua->state != UA_DONE) {
		if (m->type != SSH_MSG_SERVICE_ACCEPT && (m->type < 50 || m->type > 79)) {
			return SSHTUN_ERR_PROTOCOL;
		}
		r = ua_handle(ua, m);
		if (r == 1) {
			r = chan_tun_open(t, flags & 8 ? CH_TUN_ETHERNET : CH_TUN_POINTOPOINT, CH_TUN_ANY, c);
		}
		return r;
	}
	return m->type < 80 ? SSHTUN_ERR_PROTOCOL : chan_handle(t, m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_server srv;
	struct sshmsg_iter it;
	struct ua_identity id;
	struct tp_config cfg;
	struct chan_tab t;
	struct chan *c = NULL;
	struct ua ua;
	struct tp *tp;
	struct tp_msg m;
	const uint8_t *p = NULL, *out = NULL;
	size_t len = 0;
	uint64_t now = 0;
	int raw = 0, r = 0, started = 0;
	unsigned records = 0;
	uint8_t flags = sshmsg_begin(&it, data, size);

	memset(&cfg, 0, sizeof(cfg));
	cfg.hostkey_cb = hostkey;
	cfg.ud = &flags;
	cfg.rekey_bytes = flags & 2 ? 4096 : 0;
	cfg.rekey_seconds = flags & 4 ? 60 : 0;
	if (flags & 0x80) {
		cfg.ciphers = fz_ctr[(flags >> 4) & 3].cipher;
		cfg.macs = fz_ctr[(flags >> 4) & 3].mac;
	} else if (flags & 0x30) {
		cfg.ciphers = cry_ciphers[((flags >> 4) & 3) - 1]->name;
	}
	cfg.kex_algorithms = flags & 64 ? "curve25519-sha256@libssh.org" : NULL;
	tp = tp_new(&cfg);
	if (!tp || tp_start(tp) != 0) {
		tp_free(tp);
		return 0;
	}
	fz_identity(&id, 0, NULL);
	ua_init(&ua, tp, "root", &id, 1, NULL);
	chan_init(&t, tp, fz_chan_events(), NULL, NULL);
	fz_server_init(&srv);
	while (r >= 0 && sshmsg_next(&it, &p, &len, &raw)) {
		records++;
		r = raw ? tp_input(tp, p, len) : fz_server_send(&srv, tp, p, len);
		while (r >= 0 && (r = tp_poll(tp, &m)) == 1) {
			if (m.len == 0 || m.payload[0] != m.type) {
				__builtin_trap();
			}
			uint8_t *copy = fz_exact(&m);
			r = copy ? dispatch(&ua, &t, flags, &m, &c) : -1;
			free(copy);
		}
		if (r >= 0 && !started && tp_is_ready(tp)) {
			started = 1;
			r = ua_start(&ua);
		}
		if (r >= 0 && flags & 4) {
			now += 3600;
			r = tp_tick(tp, now);
		}
		tp_output_consume(tp, tp_output(tp, &out));
	}
	fz_show("transport", records, (unsigned)(size - it.off), tp, ua.state == UA_DONE, c, r);
	fz_server_free(&srv);
	tp_free(tp);
	return 0;
}
