/* sshtun: ssh-agent client (draft-miller-ssh-agent; PROTOCOL.agent). */
#ifndef SSH_AGENT_H
#define SSH_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "transport/pubkey.h"
#include "util/log.h"
#include "util/wire.h"

enum { AGENT_MAX_IDS = 64 };

struct agent_id {
	struct pubkey key;
	char comment[256];
};

struct agent {
	int fd;
	const struct lg *log;
};

/* Connects to the agent at path (NULL: $SSH_AUTH_SOCK). SSHTUN_ERR_AGENT if unset or unreachable. */
int agent_open(struct agent *a, const char *path, const struct lg *log);
void agent_close(struct agent *a);
/* Lists identities (SSH2_AGENTC_REQUEST_IDENTITIES); keys of types we cannot use are skipped. */
int agent_list(struct agent *a, struct agent_id *ids, size_t max, size_t *n);
/*
 * Asks the agent to sign data with key under signature algorithm alg (for RSA keys it asks for SHA-2 with
 * the protocol's flags); appends the signature blob (string alg, string sig) to sig once it verifies.
 */
int agent_sign(struct agent *a, const struct pubkey *key, const char *alg, const uint8_t *data, size_t n, struct wire_w *sig);
/* Parses an IDENTITIES_ANSWER message body (after the length, incl. the type byte). Exposed for fuzzing. */
int agent_parse_identities(const uint8_t *msg, size_t len, struct agent_id *ids, size_t max, size_t *n);

#endif
