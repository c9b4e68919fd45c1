/* sshtun: unit tests of the transport: version exchange, packet limits, KEXINIT negotiation, strict kex, filters. */
#include "tests/unit/testutil.h"
#include "util/features.h"
#include "tests/unit/tp_fake.h"

/* An AEAD cipher of this build for the server's list (AES-GCM is libcrypto's; chacha20-poly1305 is in every build). */
#if SSHTUN_AESGCM
#define T_AEAD "aes128-gcm@openssh.com"
#define T_AEAD256 "aes256-gcm@openssh.com"
#else
#define T_AEAD "chacha20-poly1305@openssh.com"
#define T_AEAD256 "chacha20-poly1305@openssh.com"
#endif

static struct tp *new_started(const char *ciphers)
{
	struct tp_config cfg;
	struct tp *tp;
	const uint8_t *p = NULL;
	size_t n;

	memset(&cfg, 0, sizeof(cfg));
	cfg.ciphers = ciphers;
	tp = tp_new(&cfg);
	assert_non_null(tp);
	assert_int_equal(tp_start(tp), 0);
	/* Drop our banner line. */
	n = tp_output(tp, &p);
	const uint8_t *nl = memchr(p, '\n', n);
	assert_non_null(nl);
	tp_output_consume(tp, (size_t)(nl - p) + 1);
	return tp;
}

static size_t server_kexinit(uint8_t *out, size_t outlen, const char *kex, const char *ciphers, const char *comp)
{
	struct wire_w w;
	uint8_t cookie[16] = { 0 };

	wire_w_init_fixed(&w, out, outlen);
	wire_put_u8(&w, SSH_MSG_KEXINIT);
	wire_put_raw(&w, cookie, 16);
	wire_put_namelist(&w, kex);
	wire_put_namelist(&w, "rsa-sha2-512,ssh-ed25519");
	wire_put_namelist(&w, ciphers);
	wire_put_namelist(&w, ciphers);
	wire_put_namelist(&w, "hmac-sha2-256");
	wire_put_namelist(&w, "hmac-sha2-256");
	wire_put_namelist(&w, comp);
	wire_put_namelist(&w, comp);
	wire_put_namelist(&w, "");
	wire_put_namelist(&w, "");
	wire_put_bool(&w, 0);
	wire_put_u32(&w, 0);
	assert_int_equal(wire_w_err(&w), 0);
	return w.len;
}

static void test_banner_and_kexinit_sent(void **state)
{
	struct tp_config cfg;
	struct tp *tp;
	const uint8_t *p = NULL;
	uint8_t payload[2048];
	size_t n;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	tp = tp_new(&cfg);
	assert_int_equal(tp_start(tp), 0);
	n = tp_output(tp, &p);
	assert_true(n > 20);
	assert_memory_equal(p, "SSH-2.0-sshtun_", 15);
	const uint8_t *nl = memchr(p, '\n', n);
	assert_non_null(nl);
	assert_int_equal(nl[-1], '\r');
	tp_output_consume(tp, (size_t)(nl - p) + 1);
	n = fake_take(tp, payload, sizeof(payload));
	assert_true(n > 17);
	assert_int_equal(payload[0], SSH_MSG_KEXINIT);

	struct wire_r r;
	struct wire_view kex;
	wire_r_init(&r, payload + 17, n - 17);
	wire_get_namelist(&r, &kex);
	assert_true(wire_namelist_has(&kex, "curve25519-sha256"));
	assert_true(wire_namelist_has(&kex, "ext-info-c"));
	assert_true(wire_namelist_has(&kex, "kex-strict-c-v00@openssh.com"));
	tp_free(tp);
}

static void test_banner_after_lines(void **state)
{
	struct tp *tp = new_started(NULL);
	struct tp_msg m;
	static const char in[] = "hello there\r\nanother line\nSSH-2.0-OpenSSH_9.2p1 Debian\r\n";

	(void)state;
	assert_int_equal(tp_input(tp, in, strlen(in)), 0);
	assert_int_equal(tp_poll(tp, &m), 0);
	assert_string_equal(tp_server_version(tp), "SSH-2.0-OpenSSH_9.2p1 Debian");
	tp_free(tp);
}

static void test_banner_refusals(void **state)
{
	static const char *const bad[] = { "SSH-1.5-old\r\n", "SSH-2.0-nul\0x\r\n" };
	struct tp_msg m;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct tp *tp = new_started(NULL);
		size_t len = i == 1 ? 15 : strlen(bad[i]);
		tp_input(tp, bad[i], len);
		assert_int_equal(tp_poll(tp, &m), SSHTUN_ERR_BANNER);
		assert_true(tp_is_closed(tp));
		tp_free(tp);
	}
	/* An endless line is refused once it passes the limit. */
	struct tp *tp = new_started(NULL);
	char line[300];
	memset(line, 'x', sizeof(line));
	tp_input(tp, line, sizeof(line));
	assert_int_equal(tp_poll(tp, &m), SSHTUN_ERR_BANNER);
	tp_free(tp);
	/* Too many lines before the banner. */
	tp = new_started(NULL);
	int r = 0;
	for (int i = 0; i < TP_MAX_PREBANNER_LINES + 2 && r == 0; i++) {
		tp_input(tp, "x\n", 2);
		r = tp_poll(tp, &m);
	}
	assert_int_equal(r, SSHTUN_ERR_BANNER);
	tp_free(tp);
}

static void banner(struct tp *tp)
{
	struct tp_msg m;

	tp_input(tp, "SSH-2.0-Test\r\n", 14);
	assert_int_equal(tp_poll(tp, &m), 0);
}

static void test_negotiation_sends_ecdh_init(void **state)
{
	struct tp *tp = new_started(NULL);
	uint8_t ki[1024], out[2048];
	struct tp_msg m;
	size_t n;

	(void)state;
	n = fake_take(tp, out, sizeof(out));	/* our KEXINIT */
	assert_int_equal(out[0], SSH_MSG_KEXINIT);
	banner(tp);
	n = server_kexinit(ki, sizeof(ki), "curve25519-sha256,kex-strict-s-v00@openssh.com", T_AEAD256 ",aes128-ctr", "none");
	fake_feed(tp, ki, n);
	assert_int_equal(tp_poll(tp, &m), 0);
	assert_string_equal(tp->choice.enc_c2s->name, T_AEAD256);
	assert_int_equal(tp->strict, 1);
	n = fake_take(tp, out, sizeof(out));
	assert_int_equal(n, 1 + 4 + 32);
	assert_int_equal(out[0], SSH_MSG_KEX_ECDH_INIT);
	assert_int_equal(wire_peek_u32(out + 1), 32);
	tp_free(tp);
}

/* The server's KEXINIT leaves nothing to agree on: the exchange fails and the server is told why. */
static void expect_no_match(const char *kex, const char *ciphers, const char *comp)
{
	struct tp *tp = new_started(NULL);
	uint8_t ki[1024], out[2048];
	struct tp_msg m;
	size_t n;

	fake_take(tp, out, sizeof(out));
	banner(tp);
	n = server_kexinit(ki, sizeof(ki), kex, ciphers, comp);
	fake_feed(tp, ki, n);
	assert_int_equal(tp_poll(tp, &m), SSHTUN_ERR_KEX_NOMATCH);
	n = fake_take(tp, out, sizeof(out));
	assert_true(n >= 5);
	assert_int_equal(out[0], SSH_MSG_DISCONNECT);
	assert_int_equal(wire_peek_u32(out + 1), SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
	tp_free(tp);
}

static void test_no_common_cipher(void **state)
{
	(void)state;
	expect_no_match("curve25519-sha256", "aes128-cbc,3des-cbc", "none");
}

static void test_no_common_kex(void **state)
{
	(void)state;
	/* Methods sshtun leaves out on purpose: SHA-1 and a 1024-bit group, and a curve it does not have. */
	expect_no_match("diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,ecdh-sha2-1.3.132.0.10",
		T_AEAD, "none");
}

static void test_no_common_compression(void **state)
{
	(void)state;
	/* A server that insists on a compression method sshtun lacks. */
	expect_no_match("curve25519-sha256", T_AEAD, "lz4@example.com");
}

static void test_strict_kex_first_packet(void **state)
{
	uint8_t ki[1024], out[2048];
	static const uint8_t ignore[] = { SSH_MSG_IGNORE, 0, 0, 0, 0 };
	struct tp_msg m;
	size_t n;

	(void)state;
	/* Strict: an IGNORE before the server's KEXINIT is a violation. */
	struct tp *tp = new_started(NULL);
	fake_take(tp, out, sizeof(out));
	banner(tp);
	fake_feed(tp, ignore, sizeof(ignore));
	n = server_kexinit(ki, sizeof(ki), "curve25519-sha256,kex-strict-s-v00@openssh.com", T_AEAD, "none");
	fake_feed(tp, ki, n);
	assert_int_equal(tp_poll(tp, &m), SSHTUN_ERR_PROTOCOL);
	tp_free(tp);
	/* Without strict kex the same is fine. */
	tp = new_started(NULL);
	fake_take(tp, out, sizeof(out));
	banner(tp);
	fake_feed(tp, ignore, sizeof(ignore));
	n = server_kexinit(ki, sizeof(ki), "curve25519-sha256", T_AEAD, "none");
	fake_feed(tp, ki, n);
	assert_int_equal(tp_poll(tp, &m), 0);
	assert_int_equal(tp->kx, KX_WAIT_REPLY);
	/* Strict: after the server's KEXINIT, an IGNORE is a violation too. */
	tp_free(tp);
	tp = new_started(NULL);
	fake_take(tp, out, sizeof(out));
	banner(tp);
	n = server_kexinit(ki, sizeof(ki), "curve25519-sha256,kex-strict-s-v00@openssh.com", T_AEAD, "none");
	fake_feed(tp, ki, n);
	fake_feed(tp, ignore, sizeof(ignore));
	assert_int_equal(tp_poll(tp, &m), SSHTUN_ERR_PROTOCOL);
	tp_free(tp);
}

static void test_application_message_before_kex_refused(void **state)
{
	struct tp *tp = new_started(NULL);
	uint8_t out[2048];
	static const uint8_t data[] = { SSH_MSG_CHANNEL_DATA, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct tp_msg m;

	(void)state;
	fake_take(tp, out, sizeof(out));
	banner(tp);
	fake_feed(tp, data, sizeof(data));
	assert_int_equal(tp_poll(tp, &m), SSHTUN_ERR_PROTOCOL);
	tp_free(tp);
}

static void test_packet_length_limits(void **state)
{
	static const uint32_t lens[] = { 0, 4, TP_MAX_PACKET_IN + 8, 0xffffffff, 13 /* not a block multiple */ };
	struct tp_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct tp *tp = new_started(NULL);
		uint8_t hdr[8] = { 0 };
		banner(tp);
		wire_poke_u32(hdr, lens[i]);
		tp_input(tp, hdr, sizeof(hdr));
		assert_int_equal(tp_poll(tp, &m), SSHTUN_ERR_PROTOCOL);
		tp_free(tp);
	}
}

static void test_padding_rules(void **state)
{
	struct tp *tp = fake_tp_ready(NULL);
	uint8_t pkt[16] = { 0 };
	struct tp_msg m;

	(void)state;
	/* packet_length 12, padding 3 (< 4): refused. */
	wire_poke_u32(pkt, 12);
	pkt[4] = 3;
	pkt[5] = SSH_MSG_IGNORE;
	tp_input(tp, pkt, sizeof(pkt));
	assert_int_equal(tp_poll(tp, &m), SSHTUN_ERR_PROTOCOL);
	tp_free(tp);
	/* padding as long as the packet: no payload left, refused. */
	tp = fake_tp_ready(NULL);
	wire_poke_u32(pkt, 12);
	pkt[4] = 11;
	tp_input(tp, pkt, sizeof(pkt));
	assert_int_equal(tp_poll(tp, &m), SSHTUN_ERR_PROTOCOL);
	tp_free(tp);
}

static void test_transport_messages(void **state)
{
	struct tp *tp = fake_tp_ready(NULL);
	uint8_t buf[256], out[256];
	struct wire_w w;
	struct tp_msg m;

	(void)state;
	/* DEBUG and IGNORE are swallowed; an application message comes through. */
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_DEBUG);
	wire_put_bool(&w, 1);
	wire_put_cstring(&w, "hello");
	wire_put_cstring(&w, "");
	fake_feed(tp, buf, w.len);
	static const uint8_t req[] = { SSH_MSG_REQUEST_FAILURE };
	fake_feed(tp, req, 1);
	assert_int_equal(tp_poll(tp, &m), 1);
	assert_int_equal(m.type, SSH_MSG_REQUEST_FAILURE);
	/* An unknown transport message gets UNIMPLEMENTED with its sequence number. */
	static const uint8_t unk[] = { 15, 1, 2 };
	fake_feed(tp, unk, sizeof(unk));
	assert_int_equal(tp_poll(tp, &m), 0);
	size_t n = fake_take(tp, out, sizeof(out));
	assert_int_equal(n, 5);
	assert_int_equal(out[0], SSH_MSG_UNIMPLEMENTED);
	assert_int_equal(wire_peek_u32(out + 1), 2);
	/* EXT_INFO is parsed. */
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_EXT_INFO);
	wire_put_u32(&w, 2);
	wire_put_cstring(&w, "server-sig-algs");
	wire_put_cstring(&w, "ssh-ed25519,rsa-sha2-256");
	wire_put_cstring(&w, "ping@openssh.com");
	wire_put_cstring(&w, "0");
	fake_feed(tp, buf, w.len);
	assert_int_equal(tp_poll(tp, &m), 0);
	assert_string_equal(tp_server_sig_algs(tp), "ssh-ed25519,rsa-sha2-256");
	assert_true(tp_server_has_ext(tp, "ping@openssh.com"));
	/* A DISCONNECT ends it with the server's reason. */
	wire_w_init_fixed(&w, buf, sizeof(buf));
	wire_put_u8(&w, SSH_MSG_DISCONNECT);
	wire_put_u32(&w, 11);
	wire_put_cstring(&w, "bye\x1b[31m");
	wire_put_cstring(&w, "");
	fake_feed(tp, buf, w.len);
	assert_int_equal(tp_poll(tp, &m), SSHTUN_ERR_DISCONNECTED);
	assert_string_equal(tp_disconnect_reason(tp), "bye?[31m");
	tp_free(tp);
}

static void test_malformed_ext_info(void **state)
{
	struct tp *tp = fake_tp_ready(NULL);
	static const uint8_t bad[] = { SSH_MSG_EXT_INFO, 0, 0, 0, 5, 0, 0 };
	struct tp_msg m;

	(void)state;
	fake_feed(tp, bad, sizeof(bad));
	assert_int_equal(tp_poll(tp, &m), SSHTUN_ERR_PROTOCOL);
	tp_free(tp);
}

/*
 * ping@openssh.com: a PING from the server is answered at once with a PONG of the same data; the server's PONG
 * is handed up; tp_ping is refused until the server's EXT_INFO names the extension, then sends a PING.
 */
static void test_ping_pong(void **state)
{
	struct tp *tp = fake_tp_ready(NULL);
	static const uint8_t ping[] = { SSH_MSG_PING, 0, 0, 0, 3, 'a', 'b', 'c' };
	static const uint8_t pong[] = { SSH_MSG_PONG, 0, 0, 0, 2, 'o', 'k' };
	static const uint8_t bad[] = { SSH_MSG_PING, 0, 0, 0, 9, 'x' };
	uint8_t out[256], ext[128];
	struct wire_w w;
	struct tp_msg m;

	(void)state;
	fake_feed(tp, ping, sizeof(ping));
	assert_int_equal(tp_poll(tp, &m), 0);
	assert_int_equal(fake_take(tp, out, sizeof(out)), sizeof(ping));
	assert_int_equal(out[0], SSH_MSG_PONG);
	assert_memory_equal(out + 1, ping + 1, sizeof(ping) - 1);
	fake_feed(tp, pong, sizeof(pong));
	assert_int_equal(tp_poll(tp, &m), 1);
	assert_int_equal(m.type, SSH_MSG_PONG);
	assert_int_equal(m.len, sizeof(pong));
	assert_int_equal(tp_ping(tp, "t", 1), SSHTUN_ERR_NOT_SUPPORTED);
	assert_int_equal(fake_take(tp, out, sizeof(out)), 0);
	wire_w_init_fixed(&w, ext, sizeof(ext));
	wire_put_u8(&w, SSH_MSG_EXT_INFO);
	wire_put_u32(&w, 1);
	wire_put_cstring(&w, "ping@openssh.com");
	wire_put_cstring(&w, "0");
	fake_feed(tp, ext, w.len);
	assert_int_equal(tp_poll(tp, &m), 0);
	assert_int_equal(tp_ping(tp, "t", 1), 0);
	assert_int_equal(fake_take(tp, out, sizeof(out)), 6);
	assert_int_equal(out[0], SSH_MSG_PING);
	/* A PING whose string runs past its end closes the connection. */
	fake_feed(tp, bad, sizeof(bad));
	assert_int_equal(tp_poll(tp, &m), SSHTUN_ERR_PROTOCOL);
	tp_free(tp);
}

static void test_send_queues_during_rekey(void **state)
{
	struct tp *tp = fake_tp_ready(NULL);
	uint8_t out[2048];
	static const uint8_t msg[] = { SSH_MSG_IGNORE, 0, 0, 0, 1, 'x' };

	(void)state;
	assert_int_equal(tp_rekey(tp), 0);
	assert_true(tp_in_kex(tp));
	assert_int_equal(fake_take(tp, out, sizeof(out)) > 0, 1);
	assert_int_equal(out[0], SSH_MSG_KEXINIT);
	/* Sent while the exchange runs: queued, nothing goes out. */
	assert_int_equal(tp_send(tp, msg, sizeof(msg)), 0);
	assert_int_equal(fake_take(tp, out, sizeof(out)), 0);
	assert_true(tp->pending.len > 0);
	/* The exchange ends: the queued message goes out, in order. */
	tp->kx = KX_NONE;
	tp_output_consume(tp, 0);
	assert_int_equal(fake_take(tp, out, sizeof(out)), sizeof(msg));
	assert_memory_equal(out, msg, sizeof(msg));
	tp_free(tp);
}

static void test_zero_copy_send(void **state)
{
	struct tp *tp = fake_tp_ready(NULL);
	uint8_t out[64];
	uint8_t *p;

	(void)state;
	p = tp_send_begin(tp, 32);
	assert_non_null(p);
	assert_null(tp_send_begin(tp, 8));	/* one open message at a time */
	memcpy(p, "\x02\0\0\0\x02hi", 7);
	assert_ptr_equal(tp_send_open_ptr(tp), p);
	assert_int_equal(tp_send_end(tp, 7), 0);
	assert_int_equal(fake_take(tp, out, sizeof(out)), 7);
	assert_memory_equal(out, "\x02\0\0\0\x02hi", 7);
	/* Over the payload limit: refused. */
	assert_null(tp_send_begin(tp, TP_MAX_PAYLOAD_OUT + 1));
	/* A cancelled message sends nothing. */
	assert_non_null(tp_send_begin(tp, 10));
	tp_send_cancel(tp);
	assert_int_equal(fake_take(tp, out, sizeof(out)), 0);
	tp_free(tp);
}

/* Feeds count IGNORE packets of len payload bytes each, then takes them (IGNORE never reaches the caller). */
static void feed_ignores(struct tp *tp, unsigned count, size_t len)
{
	uint8_t *msg = calloc(1, len);
	struct tp_msg m;

	assert_non_null(msg);
	msg[0] = SSH_MSG_IGNORE;
	wire_poke_u32(msg + 1, (uint32_t)(len - 5));
	for (unsigned i = 0; i < count; i++) {
		assert_int_equal(fake_feed(tp, msg, len), 0);
		assert_int_equal(tp_poll(tp, &m), 0);
	}
	free(msg);
}

static void test_shrink(void **state)
{
	struct tp *tp = fake_tp_ready(NULL);
	static const uint8_t ping[] = { SSH_MSG_IGNORE, 0, 0, 0, 1, 'x' };
	static uint8_t big[30000];
	uint8_t out[64];
	const uint8_t *p = NULL;
	struct tp_msg m;

	(void)state;
	/* A burst each way grows what the buffers hold: 300 KB in, 600 KB out (the output buffer doubles). */
	feed_ignores(tp, 10, 30000);
	assert_true(tp->in_used >= 30000);
	big[0] = SSH_MSG_IGNORE;
	for (int i = 0; i < 20; i++) {
		assert_int_equal(tp_send(tp, big, sizeof(big)), 0);
	}
	assert_true(tp->out_cap > 512 * 1024);
	/* Not while a key exchange runs: what it queues stays. */
	assert_int_equal(tp_rekey(tp), 0);
	assert_int_equal(tp_send(tp, ping, sizeof(ping)), 0);
	tp_shrink(tp);
	assert_true(tp->pending.len > 0);
	tp->kx = KX_NONE;
	tp_output_consume(tp, tp_output(tp, &p));	/* the socket took everything, the queued message too */
	tp_output_consume(tp, tp_output(tp, &p));
	assert_int_equal(tp_output(tp, &p), 0);
	assert_non_null(tp->pending.p);
	/* Quiet: the pages go back, the queue is freed, the padding pool emptied; the buffers keep their size. */
	tp_shrink(tp);
	assert_true(tp->in_used < 4096 && tp->out_used < 4096);
	assert_null(tp->pending.p);
	assert_int_equal(tp->pad_pos, sizeof(tp->pad_pool));	/* drawn afresh for the next packet */
	assert_true(tp->out_cap > 512 * 1024);
	/* And everything works as before, each way. */
	feed_ignores(tp, 3, 30000);
	assert_int_equal(fake_feed(tp, "\x5e\0\0\0\x02hi", 7), 0);	/* CHANNEL_DATA: passed up */
	assert_int_equal(tp_poll(tp, &m), 1);
	assert_int_equal(m.len, 7);
	assert_int_equal(tp_send(tp, ping, sizeof(ping)), 0);
	assert_int_equal(fake_take(tp, out, sizeof(out)), sizeof(ping));
	assert_memory_equal(out, ping, sizeof(ping));
	/* Half a packet in: the input buffer is left alone, and the packet completes afterwards. */
	{
		uint8_t frame[64];
		size_t n = fake_frame(frame, "\x5e\0\0\0\x02ok", 7);

		assert_int_equal(tp_input(tp, frame, 5), 0);
		assert_int_equal(tp_poll(tp, &m), 0);
		tp_shrink(tp);
		assert_int_equal(tp_input(tp, frame + 5, n - 5), 0);
		assert_int_equal(tp_poll(tp, &m), 1);
		assert_memory_equal(m.payload, "\x5e\0\0\0\x02ok", 7);
	}
	tp_free(tp);
}

static void test_alglist_resolve(void **state)
{
	static const char *sup = "a,b,c,d";
	char out[128];

	(void)state;
	assert_int_equal(tp_alglist_resolve(NULL, "a,b", sup, out, sizeof(out)), 0);
	assert_string_equal(out, "a,b");
	assert_int_equal(tp_alglist_resolve("+c", "a,b", sup, out, sizeof(out)), 0);
	assert_string_equal(out, "a,b,c");
	assert_int_equal(tp_alglist_resolve("^c", "a,b", sup, out, sizeof(out)), 0);
	assert_string_equal(out, "c,a,b");
	assert_int_equal(tp_alglist_resolve("-a", "a,b", sup, out, sizeof(out)), 0);
	assert_string_equal(out, "b");
	assert_int_equal(tp_alglist_resolve("-*", "a,b", sup, out, sizeof(out)), SSHTUN_ERR_KEX_NOMATCH);
	assert_int_equal(tp_alglist_resolve("x,d,y", "a,b", sup, out, sizeof(out)), 0);
	assert_string_equal(out, "d");
	assert_int_equal(tp_alglist_resolve("x,y", "a,b", sup, out, sizeof(out)), SSHTUN_ERR_KEX_NOMATCH);
	assert_int_equal(tp_alglist_resolve("b,b,a", "a", sup, out, sizeof(out)), 0);
	assert_string_equal(out, "b,a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_banner_and_kexinit_sent),
		cmocka_unit_test(test_banner_after_lines),
		cmocka_unit_test(test_banner_refusals),
		cmocka_unit_test(test_negotiation_sends_ecdh_init),
		cmocka_unit_test(test_no_common_cipher),
		cmocka_unit_test(test_no_common_kex),
		cmocka_unit_test(test_no_common_compression),
		cmocka_unit_test(test_strict_kex_first_packet),
		cmocka_unit_test(test_application_message_before_kex_refused),
		cmocka_unit_test(test_packet_length_limits),
		cmocka_unit_test(test_padding_rules),
		cmocka_unit_test(test_transport_messages),
		cmocka_unit_test(test_malformed_ext_info),
		cmocka_unit_test(test_ping_pong),
		cmocka_unit_test(test_send_queues_during_rekey),
		cmocka_unit_test(test_zero_copy_send),
		cmocka_unit_test(test_shrink),
		cmocka_unit_test(test_alglist_resolve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
