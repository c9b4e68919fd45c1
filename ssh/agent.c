/* sshtun: ssh-agent client (draft-miller-ssh-agent; PROTOCOL.agent). */
#include "ssh/agent.h"

#if SSHTUN_AGENT

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "sshtun_err.h"
#include "transport/cert.h"

enum {
	AGENT_MSG_FAILURE = 5,
	AGENTC_REQUEST_IDENTITIES = 11,
	AGENT_IDENTITIES_ANSWER = 12,
	AGENTC_SIGN_REQUEST = 13,
	AGENT_SIGN_RESPONSE = 14,
	AGENT_SUCCESS = 6,
	AGENTC_ADD_IDENTITY = 17,
	AGENTC_ADD_ID_CONSTRAINED = 25,
	AGENT_CONSTRAIN_LIFETIME = 1,
	AGENT_CONSTRAIN_CONFIRM = 2,
	AGENT_RSA_SHA2_256 = 0x02,	/* sign request flags (draft-miller-ssh-agent 4.5.1) */
	AGENT_RSA_SHA2_512 = 0x04,

	AGENT_MAX_REPLY = 256 * 1024,	/* largest reply we read */
	AGENT_MIN_ID_LEN = 8,		/* an identity is at least two empty strings */
	AGENT_IO_TIMEOUT_MS = 5000,
	AGENT_SIGN_TIMEOUT_MS = 30000,	/* the agent may ask the user to confirm (ssh-add -c) */
	AGENT_PATH_SHOW = 256
};

/*
 * Blocking use, for tools and tests: the same request as the event loop makes, waited for here with poll()
 * up to timeout_ms. Returns once agent_io says the reply is in (or the request failed).
 */
static int agent_wait_reply(struct agent *a, int timeout_ms)
{
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (agent_io(a) == 0) {
		struct pollfd pfd = { .fd = a->fd, .events = (short)agent_io_events(a), .revents = 0 };
		long ms;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = timeout_ms - ((long)(now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (ms <= 0 || (poll(&pfd, 1, (int)ms) < 0 && errno != EINTR)) {
			LG_W(a->log, "ssh-agent: no answer in time");
			agent_free(a);	/* the stream is out of step now */
			return SSHTUN_ERR_TIMEOUT;
		}
	}
	return 0;
}

/* ---- public API ---- */

int agent_open(struct agent *a, const char *path, const struct lg *log)
{
	struct sockaddr_un addr;
	char show[AGENT_PATH_SHOW];
	int fd = -1, fl;

	if (!a) {
		return SSHTUN_ERR_INVAL;
	}
	memset(a, 0, sizeof(*a));
	a->fd = -1;
	a->log = log;
	if (!path) {
		path = getenv("SSH_AUTH_SOCK");
	}
	if (!path || !path[0]) {
		LG_D1(log, "ssh-agent: SSH_AUTH_SOCK is not set");
		return SSHTUN_ERR_AGENT;
	}
	lg_sanitize(show, sizeof(show), path, strlen(path));
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		LG_D1(log, "ssh-agent: socket path %s is too long", show);
		return SSHTUN_ERR_AGENT;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)&addr, sizeof(addr)) != 0) {
		LG_D1(log, "ssh-agent: cannot connect to %s: %s", show, strerror(errno));
		goto fail;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
		goto fail;
	}
	a->fd = fd;
	LG_D2(log, "ssh-agent: connected to %s", show);
	return 0;
fail:
	if (fd >= 0) {
		close(fd);
	}
	return SSHTUN_ERR_AGENT;
}

void agent_close(struct agent *a)
{
	if (a && a->fd >= 0) {
		close(a->fd);
		a->fd = -1;
	}
}

void agent_free(struct agent *a)
{
	if (a) {
		agent_close(a);
		wire_w_free(&a->req);
		wire_w_free(&a->reply);
		a->busy = a->done = 0;
	}
}

/* 1 if a key blob's type name is a certificate's. */
static int agent_blob_is_cert(const struct wire_view *blob)
{
	struct wire_r r;
	struct wire_view type;

	wire_r_init(&r, blob->p, blob->n);
	return wire_get_string(&r, &type) == 0 && cert_is_name((const char *)type.p, type.n);
}

int agent_parse_identities(const uint8_t *msg, size_t len, struct agent_id *ids, size_t max, size_t *n)
{
	struct cert *cert;
	struct wire_r r;
	struct wire_view blob, comment;
	struct pubkey k;
	uint8_t type = 0;
	uint32_t count = 0;
	int err;

	if (!n || (!msg && len) || (!ids && max)) {
		return SSHTUN_ERR_INVAL;
	}
	*n = 0;
	wire_r_init(&r, msg, len);
	wire_get_u8(&r, &type);
	if (wire_err(&r) == 0 && type == AGENT_MSG_FAILURE) {
		return SSHTUN_ERR_AGENT;
	}
	wire_get_u32(&r, &count);
	if (wire_err(&r) || type != AGENT_IDENTITIES_ANSWER || count > wire_left(&r) / AGENT_MIN_ID_LEN) {
		return wire_err(&r) ? wire_err(&r) : SSHTUN_ERR_BAD_FORMAT;
	}
	for (uint32_t i = 0; i < count; i++) {
		wire_get_string(&r, &blob);
		if (wire_get_string(&r, &comment)) {
			break;
		}
		cert = NULL;
		if (!SSHTUN_CERT && agent_blob_is_cert(&blob)) {
			continue;	/* certificates left out of this build: the agent's plain keys are still offered */
		}
		if (agent_blob_is_cert(&blob)) {
			cert = malloc(sizeof(*cert));
			err = cert ? cert_parse(cert, blob.p, blob.n) : SSHTUN_ERR_NOMEM;
			if (err == 0 && cert->type != CERT_USER) {
				err = SSHTUN_ERR_NOT_SUPPORTED;	/* a host certificate is no login */
			}
			if (err == 0) {
				k = cert->key;
			} else {
				free(cert);
				cert = NULL;
			}
		} else {
			err = pubkey_from_blob(&k, blob.p, blob.n);
		}
		if (err == SSHTUN_ERR_NOT_SUPPORTED) {
			continue;	/* DSA, and certificates of types we lack: not ours to use */
		}
		if (err) {
			agent_ids_free(ids, *n);
			*n = 0;
			return SSHTUN_ERR_BAD_FORMAT;
		}
		if (*n >= max) {
			free(cert);
		} else {
			ids[*n].cert = cert;
			ids[*n].key = k;
			lg_sanitize(ids[*n].comment, sizeof(ids[*n].comment), comment.p, comment.n);
			(*n)++;
		}
	}
	err = wire_end(&r);
	if (err) {
		agent_ids_free(ids, *n);
		*n = 0;
	}
	return err;
}

void agent_ids_free(struct agent_id *ids, size_t n)
{
	for (size_t i = 0; ids && i < n; i++) {
		free(ids[i].cert);
		ids[i].cert = NULL;
	}
}

int agent_list(struct agent *a, struct agent_id *ids, size_t max, size_t *n)
{
	int err;

	if (!a || !n || (!ids && max)) {
		return SSHTUN_ERR_INVAL;
	}
	*n = 0;
	err = agent_list_start(a);
	if (err == 0) {
		err = agent_wait_reply(a, AGENT_IO_TIMEOUT_MS);
	}
	if (err == 0) {
		err = agent_list_finish(a, ids, max, n);
	}
	return err ? SSHTUN_ERR_AGENT : 0;
}

static int agent_start(struct agent *a, struct wire_w *body);

/* ADD_IDENTITY (or ADD_ID_CONSTRAINED with a lifetime or confirmation) for keyfields. */
static void agent_add_body(struct wire_w *body, const struct wire_w *keyfields, const char *comment, uint32_t lifetime,
	int confirm)
{
	wire_put_u8(body, lifetime || confirm ? AGENTC_ADD_ID_CONSTRAINED : AGENTC_ADD_IDENTITY);
	wire_put_raw(body, keyfields->p, keyfields->len);
	wire_put_cstring(body, comment);
	if (lifetime) {
		wire_put_u8(body, AGENT_CONSTRAIN_LIFETIME);
		wire_put_u32(body, lifetime);
	}
	if (confirm) {
		wire_put_u8(body, AGENT_CONSTRAIN_CONFIRM);
	}
}

int agent_add_start(struct agent *a, const struct wire_w *keyfields, const char *comment, uint32_t lifetime, int confirm)
{
	struct wire_w body;
	int err;

	if (!a || !keyfields || !comment) {
		return SSHTUN_ERR_INVAL;
	}
	wire_w_init(&body, 0);
	agent_add_body(&body, keyfields, comment, lifetime, confirm);
	err = agent_start(a, &body);
	return err;
}

int agent_add_finish(struct agent *a)
{
	int err;

	if (!a->busy || !a->done) {
		return SSHTUN_ERR_STATE;
	}
	a->busy = 0;
	err = a->err ? SSHTUN_ERR_AGENT :
		a->reply.len == 5 && a->reply.p[4] == AGENT_SUCCESS ? 0 : SSHTUN_ERR_AGENT;
	if (a->req.p) {
		cry_wipe(a->req.p, a->req.cap);	/* it held the private key */
	}
	wire_w_free(&a->req);
	wire_w_free(&a->reply);
	return err;
}

/* Checks a SIGN_RESPONSE and appends its signature blob to sig once it verifies. */
static int agent_take_signature(struct agent *a, const struct wire_w *reply, const struct pubkey *key,
	const char *alg, const uint8_t *data, size_t n, struct wire_w *sig)
{
	struct wire_r r;
	struct wire_view blob;
	uint8_t type = 0;

	wire_r_init(&r, reply->p, reply->len);
	wire_get_u8(&r, &type);
	if (wire_err(&r) == 0 && type == AGENT_MSG_FAILURE) {
		LG_W(a->log, "ssh-agent refused to sign (key not loaded, or confirmation denied)");
		return SSHTUN_ERR_AGENT;
	}
	wire_get_string(&r, &blob);
	if (type != AGENT_SIGN_RESPONSE || wire_end(&r)) {
		LG_W(a->log, "ssh-agent: bad sign response (type %u)", type);
		return SSHTUN_ERR_AGENT;
	}
	/* Never pass on a signature that does not verify: the server would only fail us later. */
	if (pubkey_verify_alg(key, alg, blob.p, blob.n, data, n) != 0) {
		LG_W(a->log, "ssh-agent returned a signature that does not verify as %s", alg);
		return SSHTUN_ERR_AGENT;
	}
	return wire_put_raw(sig, blob.p, blob.n);
}

/* SIGN_REQUEST: the key blob, the data, and for RSA the SHA-2 flag of the algorithm wanted. */
static void agent_sign_body(struct wire_w *body, const uint8_t *blob, size_t bloblen, const char *alg, const uint8_t *data,
	size_t n)
{
	uint32_t flags = 0;

	if (strcmp(alg, "rsa-sha2-256") == 0) {
		flags = AGENT_RSA_SHA2_256;
	} else if (strcmp(alg, "rsa-sha2-512") == 0) {
		flags = AGENT_RSA_SHA2_512;
	}
	wire_put_u8(body, AGENTC_SIGN_REQUEST);
	wire_put_string(body, blob, bloblen);
	wire_put_string(body, data, n);
	wire_put_u32(body, flags);
}

/* Queues one request (body: type byte and payload) for agent_io. */
static int agent_start(struct agent *a, struct wire_w *body)
{
	int err;

	if (a->fd < 0 || a->busy) {
		if (body->p) {
			cry_wipe(body->p, body->cap);
		}
		wire_w_free(body);
		return SSHTUN_ERR_STATE;
	}
	wire_w_free(&a->req);
	wire_w_free(&a->reply);
	wire_w_init(&a->req, 0);
	wire_w_init(&a->reply, AGENT_MAX_REPLY + 4);
	wire_put_u32(&a->req, (uint32_t)body->len);
	wire_put_raw(&a->req, body->p, body->len);
	err = wire_w_err(body) ? wire_w_err(body) : wire_w_err(&a->req);
	if (body->p) {
		cry_wipe(body->p, body->cap);	/* an ADD_IDENTITY holds a private key */
	}
	wire_w_free(body);
	if (err) {
		return err;
	}
	a->req_off = 0;
	a->busy = 1;
	a->done = 0;
	a->err = 0;
	return 0;
}

int agent_sign_start(struct agent *a, const uint8_t *blob, size_t bloblen, const char *alg, const uint8_t *data, size_t n)
{
	struct wire_w body;

	if (!a || !blob || !alg || (!data && n) || bloblen == 0 || bloblen > CERT_BLOB_MAX) {
		return SSHTUN_ERR_INVAL;
	}
	wire_w_init(&body, 0);
	agent_sign_body(&body, blob, bloblen, alg, data, n);
	return agent_start(a, &body);
}

int agent_list_start(struct agent *a)
{
	struct wire_w body;

	if (!a) {
		return SSHTUN_ERR_INVAL;
	}
	wire_w_init(&body, 0);
	wire_put_u8(&body, AGENTC_REQUEST_IDENTITIES);
	return agent_start(a, &body);
}

int agent_list_finish(struct agent *a, struct agent_id *ids, size_t max, size_t *n)
{
	int err;

	*n = 0;
	if (!a->busy || !a->done) {
		return SSHTUN_ERR_STATE;
	}
	a->busy = 0;
	err = a->err ? SSHTUN_ERR_AGENT : agent_parse_identities(a->reply.p + 4, a->reply.len - 4, ids, max, n);
	if (err && err != SSHTUN_ERR_AGENT) {
		LG_W(a->log, "ssh-agent: bad identities answer: %s", sshtun_strerror(err));
	} else if (err == 0) {
		LG_D1(a->log, "ssh-agent: %zu usable identities", *n);
	}
	wire_w_free(&a->req);
	wire_w_free(&a->reply);
	return err ? SSHTUN_ERR_AGENT : 0;
}

/* Ends the request in flight with err (the stream is out of step after a failure: closed). */
static int agent_io_end(struct agent *a, int err)
{
	a->done = 1;
	a->err = err;
	if (err) {
		LG_W(a->log, "ssh-agent: %s", err == SSHTUN_ERR_LIMIT ? "reply too large" : "connection lost");
		agent_close(a);
	}
	return 1;
}

int agent_io(struct agent *a)
{
	if (!a->busy || a->done) {
		return 1;
	}
	while (a->req_off < a->req.len) {
		ssize_t put = send(a->fd, a->req.p + a->req_off, a->req.len - a->req_off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (put > 0) {
			a->req_off += (size_t)put;
			continue;
		}
		if (put < 0 && errno == EINTR) {
			continue;
		}
		if (put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return 0;
		}
		return agent_io_end(a, SSHTUN_ERR_CLOSED);
	}
	for (;;) {
		size_t want = a->reply.len < 4 ? 4 - a->reply.len : 4 + wire_peek_u32(a->reply.p) - a->reply.len;
		uint8_t *space;
		ssize_t got;

		if (a->reply.len >= 4 && (wire_peek_u32(a->reply.p) == 0 || wire_peek_u32(a->reply.p) > AGENT_MAX_REPLY)) {
			return agent_io_end(a, SSHTUN_ERR_LIMIT);
		}
		if (want == 0) {
			return agent_io_end(a, 0);
		}
		space = wire_put_space(&a->reply, want);
		if (!space) {
			return agent_io_end(a, SSHTUN_ERR_LIMIT);
		}
		got = recv(a->fd, space, want, MSG_DONTWAIT);
		a->reply.len -= want - (got > 0 ? (size_t)got : 0);
		if (got > 0) {
			continue;
		}
		if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
			return errno == EINTR ? agent_io(a) : 0;
		}
		return agent_io_end(a, SSHTUN_ERR_CLOSED);
	}
}

unsigned agent_io_events(const struct agent *a)
{
	if (!a->busy || a->done || a->fd < 0) {
		return 0;
	}
	return a->req_off < a->req.len ? POLLOUT : POLLIN;
}

int agent_sign_finish(struct agent *a, const struct pubkey *key, const char *alg, const uint8_t *data, size_t n,
	struct wire_w *sig)
{
	struct wire_w body;
	int err;

	if (!a->busy || !a->done) {
		return SSHTUN_ERR_STATE;
	}
	a->busy = 0;
	err = a->err;
	if (err == 0) {
		/* The reply without its length, as agent_take_signature reads it. */
		wire_w_init_fixed(&body, a->reply.p + 4, a->reply.len - 4);
		body.len = a->reply.len - 4;
		err = agent_take_signature(a, &body, key, alg, data, n, sig);
	} else {
		err = SSHTUN_ERR_AGENT;
	}
	wire_w_free(&a->req);
	wire_w_free(&a->reply);
	return err;
}

int agent_sign(struct agent *a, const struct pubkey *key, const char *alg, const uint8_t *data, size_t n, struct wire_w *sig)
{
	int err;

	if (!a || !key || !alg || !sig || (!data && n) || key->bloblen == 0 || key->bloblen > PK_BLOB_MAX) {
		return SSHTUN_ERR_INVAL;
	}
	err = agent_sign_start(a, key->blob, key->bloblen, alg, data, n);
	if (err == 0) {
		err = agent_wait_reply(a, AGENT_SIGN_TIMEOUT_MS);
	}
	return err ? SSHTUN_ERR_AGENT : agent_sign_finish(a, key, alg, data, n, sig);
}

#endif /* SSHTUN_AGENT */
