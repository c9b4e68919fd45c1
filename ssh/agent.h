/* sshtun: ssh-agent client (draft-miller-ssh-agent; PROTOCOL.agent). */
#ifndef SSH_AGENT_H
#define SSH_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "sshtun_err.h"
#include "transport/pubkey.h"
#include "util/features.h"
#include "util/log.h"
#include "util/wire.h"

enum { AGENT_MAX_IDS = 64 };

struct cert;
struct agent_id {
	struct pubkey key;	/* for a certificate, the certified key */
	struct cert *cert;	/* a certificate the agent holds (allocated; agent_ids_free), or NULL */
	char comment[256];
};

struct agent {
	int fd;
	const struct lg *log;
	/* One request in flight on the event loop (agent_sign_start / agent_io / agent_sign_finish). */
	struct wire_w req;	/* length-prefixed request */
	size_t req_off;		/* bytes of it sent */
	struct wire_w reply;	/* length-prefixed reply as it arrives */
	int busy;		/* a request is in flight */
	int done;		/* its reply is complete (or failed: err) */
	int err;
};

#if SSHTUN_AGENT
/* Connects to the agent at path (NULL: $SSH_AUTH_SOCK). SSHTUN_ERR_AGENT if unset or unreachable. */
int agent_open(struct agent *a, const char *path, const struct lg *log);
void agent_close(struct agent *a);
/* Closes and frees what a request in flight holds. */
void agent_free(struct agent *a);
/*
 * Blocking forms of the requests below, for tools and tests (the library itself only uses the event-loop
 * forms): list identities (keys of types we cannot use are skipped), and sign.
 */
int agent_list(struct agent *a, struct agent_id *ids, size_t max, size_t *n);
/*
 * Signs data with key under signature algorithm alg (for RSA keys SHA-2 through the protocol's flags); appends
 * the signature blob (string alg, string sig) to sig once it verifies.
 */
int agent_sign(struct agent *a, const struct pubkey *key, const char *alg, const uint8_t *data, size_t n, struct wire_w *sig);
/*
 * Non-blocking signing, for the event loop: agent_sign_start queues the request for the key blob (a
 * certificate's blob for a certificate; alg is the plain signature algorithm); agent_io moves bytes
 * whenever the socket is ready (1: the reply is complete or the request failed, 0: more to do;
 * agent_io_events says what to wait for); agent_sign_finish then checks the reply for the same key, alg
 * and data and appends the signature blob. The agent may take its time (ssh-add -c asks the user).
 */
int agent_sign_start(struct agent *a, const uint8_t *blob, size_t bloblen, const char *alg, const uint8_t *data, size_t n);
int agent_io(struct agent *a);
/* The same for REQUEST_IDENTITIES: start, agent_io until it returns 1, then the identities (as agent_list). */
int agent_list_start(struct agent *a);
int agent_list_finish(struct agent *a, struct agent_id *ids, size_t max, size_t *n);
/* EPOLLIN / EPOLLOUT bits for the request in flight; 0 if none. */
unsigned agent_io_events(const struct agent *a);
int agent_sign_finish(struct agent *a, const struct pubkey *key, const char *alg, const uint8_t *data, size_t n,
	struct wire_w *sig);
/*
 * Hands a private key to the agent (AddKeysToAgent) on the event loop: keyfields as key_put_private writes
 * them; lifetime in seconds (0: none) and confirm (ask before each use) as constraints. Start, agent_io until
 * it returns 1, then finish (0 if the agent took the key).
 */
int agent_add_start(struct agent *a, const struct wire_w *keyfields, const char *comment, uint32_t lifetime, int confirm);
int agent_add_finish(struct agent *a);
/* Frees the certificates agent_list or agent_parse_identities allocated for n identities. */
void agent_ids_free(struct agent_id *ids, size_t n);
/* Parses an IDENTITIES_ANSWER message body (after the length, incl. the type byte). Exposed for fuzzing. */
int agent_parse_identities(const uint8_t *msg, size_t len, struct agent_id *ids, size_t max, size_t *n);

#else
/*
 * --without-agent: ssh/agent.c compiles to nothing, and these stand-ins say "no agent" (never open, never busy),
 * so that the callers' agent paths are dead code the compiler drops (identity.c returns before them).
 */
static inline int agent_open(struct agent *a, const char *path, const struct lg *log)
{
	(void)path, (void)log;
	a->fd = -1;
	return SSHTUN_ERR_AGENT;
}
static inline void agent_close(struct agent *a) { (void)a; }
static inline void agent_free(struct agent *a) { (void)a; }
static inline int agent_io(struct agent *a) { (void)a; return 1; }
static inline unsigned agent_io_events(const struct agent *a) { (void)a; return 0; }
static inline int agent_list_start(struct agent *a) { (void)a; return SSHTUN_ERR_AGENT; }
static inline int agent_list_finish(struct agent *a, struct agent_id *ids, size_t max, size_t *n)
{
	(void)a, (void)ids, (void)max;
	*n = 0;
	return SSHTUN_ERR_AGENT;
}
static inline void agent_ids_free(struct agent_id *ids, size_t n) { (void)ids, (void)n; }
static inline int agent_sign_start(struct agent *a, const uint8_t *blob, size_t bloblen, const char *alg,
	const uint8_t *data, size_t n)
{
	(void)a, (void)blob, (void)bloblen, (void)alg, (void)data, (void)n;
	return SSHTUN_ERR_AGENT;
}
static inline int agent_sign_finish(struct agent *a, const struct pubkey *key, const char *alg, const uint8_t *data,
	size_t n, struct wire_w *sig)
{
	(void)a, (void)key, (void)alg, (void)data, (void)n, (void)sig;
	return SSHTUN_ERR_AGENT;
}
static inline int agent_add_start(struct agent *a, const struct wire_w *keyfields, const char *comment,
	uint32_t lifetime, int confirm)
{
	(void)a, (void)keyfields, (void)comment, (void)lifetime, (void)confirm;
	return SSHTUN_ERR_AGENT;
}
static inline int agent_add_finish(struct agent *a) { (void)a; return SSHTUN_ERR_AGENT; }
#endif

#endif
