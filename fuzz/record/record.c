/*
 * sshtun: records a real session's server messages as fuzz corpora (fuzz/sshmsg.h format). It is the sshtun
 * program (the same options) with the transport's trace hook set; it runs until SIGINT or SIGTERM, then writes
 *   PREFIX.transport  the whole session: the version line (raw), then every message   (fuzz_transport)
 *   PREFIX.userauth   SERVICE_ACCEPT up to USERAUTH_SUCCESS, flags 1 (one identity)  (fuzz_userauth)
 *   PREFIX.session    every message after it (channel messages, rekeying)             (fuzz_session)
 * each with the flags those harnesses read (the cipher and kex method the session negotiated, a tap tunnel),
 * from the first RECORD_MAX messages. Built by a normal build (`make record`): a fuzzing build cannot
 * connect. Run by fuzz/record/record.sh against the rig's sshd.
 *
 *   record PREFIX [sshtun options] [user@]host
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "crypto/cipher.h"
#include "fuzz/sshmsg.h"
#include "ssh/conn_int.h"
#include "sshtun.h"

enum { RECORD_MAX = 400, RECORD_BYTES = 256 * 1024 };

/* One corpus file being built: a flags byte, then records. */
struct out {
	uint8_t buf[RECORD_BYTES];
	size_t len;
};

struct rec {
	struct out transport, userauth, session;
	int stage;	/* 0 before SERVICE_ACCEPT, 1 authenticating, 2 connected */
	unsigned n;
	char cipher[64], kex[64];	/* what the session negotiated */
	struct sshtun *h;
};

/* Appends a record; one that does not fit is left out. */
static void put(struct out *o, int raw, const uint8_t *p, size_t n)
{
	size_t len = sshmsg_append(o->buf, o->len, sizeof(o->buf), p, n, raw);

	if (len) {
		o->len = len;
	}
}

static void on_trace(void *ud, int raw, const uint8_t *p, size_t n)
{
	struct rec *r = ud;

	if (r->n++ >= RECORD_MAX) {
		return;
	}
	put(&r->transport, raw, p, n);
	if (raw || n == 0) {
		return;
	}
	if (p[0] == SSH_MSG_SERVICE_ACCEPT && r->stage == 0) {
		r->stage = 1;
	}
	if (r->stage == 1 && (p[0] == SSH_MSG_SERVICE_ACCEPT || (p[0] >= 50 && p[0] <= 79))) {
		put(&r->userauth, 0, p, n);
		if (p[0] == SSH_MSG_USERAUTH_SUCCESS) {
			r->stage = 2;
		}
	} else if (r->stage == 2) {
		put(&r->session, 0, p, n);
	}
}

static int save(const char *prefix, const char *name, const struct out *o)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s.%s", prefix, name);
	f = fopen(path, "wb");
	if (!f || fwrite(o->buf, 1, o->len, f) != o->len || fclose(f) != 0) {
		fprintf(stderr, "record: cannot write %s\n", path);
		return 1;
	}
	printf("record: %s: %zu bytes\n", path, o->len);
	return 0;
}

/* The flags of fuzz_transport and fuzz_session that make them negotiate or use what this session did. */
static void set_flags(struct rec *r, int tap)
{
	for (int i = 0; cry_ciphers[i]; i++) {
		if (strcmp(r->cipher, cry_ciphers[i]->name) == 0) {
			r->session.buf[0] |= (uint8_t)i;		/* fuzz_session: bits 0-1 index cry_ciphers */
			r->transport.buf[0] |= (uint8_t)((i + 1) << 4);	/* fuzz_transport: bits 4-5, 1 + that index */
		}
	}
	if (strcmp(r->kex, "curve25519-sha256@libssh.org") == 0) {
		r->transport.buf[0] |= 64;
	}
	if (tap) {
		r->transport.buf[0] |= 8;
		r->session.buf[0] |= 8;
	}
}

static void log_stderr(void *ud, int level, const char *line)
{
	(void)ud;
	(void)level;
	fprintf(stderr, "record: %s\n", line);
}

static void on_status(void *ud, int status)
{
	struct rec *r = ud;
	struct sshtun_info info;

	if (status == SSHTUN_UP && sshtun_get_info(r->h, &info, sizeof(info)) == 0) {
		snprintf(r->cipher, sizeof(r->cipher), "%s", info.cipher);
		snprintf(r->kex, sizeof(r->kex), "%s", info.kex);
		printf("record: tunnel up\n");
		fflush(stdout);
	}
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

int main(int argc, char **argv)
{
	static struct rec rec;
	struct cli_opts o;
	struct sshtun *h = NULL;
	int r, stopping = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: record PREFIX [sshtun options] [user@]host\n");
		return 2;
	}
	if (cli_parse(&o, argc - 1, argv + 1) != 0) {
		return 2;
	}
	h = o.h;	/* the command line went into this handle as it was parsed */
	o.h = NULL;
	sshtun_set_log(h, log_stderr, NULL, SSHTUN_LOG_INFO);
	sshtun_set_status_cb(h, on_status, &rec);
	rec.h = h;
	h->trace = on_trace;
	h->trace_ud = &rec;
	rec.transport.buf[rec.transport.len++] = 0;
	rec.userauth.buf[rec.userauth.len++] = 1;
	rec.session.buf[rec.session.len++] = 0;
	r = sshtun_read_config(h, o.config_file);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (r == 0) {
		r = sshtun_start(h);
	}
	while (r == 0 && sshtun_status(h) < SSHTUN_STOPPED) {
		if (got_signal && !stopping) {
			stopping = 1;
			sshtun_stop(h);
		}
		sshtun_dispatch_wait(h, 100, NULL);
	}
	set_flags(&rec, h->cfg.tunnel == CFG_TUNNEL_ETHERNET);
	if (r != 0 || sshtun_error(h)) {
		fprintf(stderr, "record: %s\n", sshtun_strerror(r ? r : sshtun_error(h)));
	}
	sshtun_del(h);
	cli_opts_free(&o);
	r = save(argv[1], "transport", &rec.transport) | save(argv[1], "userauth", &rec.userauth) |
		save(argv[1], "session", &rec.session);
	return r;
}
