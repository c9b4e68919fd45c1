/* sshtun: client user authentication (RFC 4252): "none", then publickey, sans-IO over the transport. */
#ifndef TRANSPORT_USERAUTH_H
#define TRANSPORT_USERAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "transport/pubkey.h"
#include "transport/transport.h"

/*
 * A key we may offer; sign() makes an SSH signature blob with algorithm alg over data (from a file or an
 * agent). It may return SSHTUN_ERR_AGAIN when it must wait (for a passphrase, for the agent): the exchange
 * then waits until ua_resume(), which calls sign() again. Any other error skips to the next key.
 */
struct ua_identity {
	struct pubkey key;
	char label[300];	/* for messages: a path or "agent: comment" */
	int (*sign)(void *ud, const struct pubkey *key, const char *alg, const uint8_t *data, size_t n, struct wire_w *sig);
	void *ud;
};

enum ua_state { UA_IDLE = 0, UA_SERVICE, UA_NONE, UA_QUERY, UA_SIGNED, UA_DONE, UA_FAILED, UA_SIGNING };

struct ua {
	struct tp *tp;
	const struct lg *log;
	const char *user;
	const struct ua_identity *ids;
	size_t n_ids;
	size_t cur;
	int state;
	char methods[256];	/* what the server said it allows, for the final message */
	unsigned tries;
	char accepted[1024];	/* PubkeyAcceptedAlgorithms, resolved */
	char alg[72];		/* the signature algorithm for the current key */
};

/* Prepares; ids must outlive the exchange. */
void ua_init(struct ua *ua, struct tp *tp, const char *user, const struct ua_identity *ids, size_t n, const struct lg *log);
/*
 * Sets PubkeyAcceptedAlgorithms (an ssh_config spec with +, - or ^; NULL: the defaults, which leave out
 * ssh-rsa's SHA-1). SSHTUN_ERR_KEX_NOMATCH if nothing we implement is left. Call after ua_init.
 */
int ua_set_algorithms(struct ua *ua, const char *spec);
/* Sends the service request; call once the transport is ready. */
int ua_start(struct ua *ua);
/* Goes on after a sign() that returned SSHTUN_ERR_AGAIN: signs again (0, or an error as ua_handle's). */
int ua_resume(struct ua *ua);
/* 1 while a sign() is waiting. */
int ua_waiting(const struct ua *ua);
/*
 * Handles one message from the server (SERVICE_ACCEPT or 50-79). Returns 1 when
 * authenticated, 0 to go on, SSHTUN_ERR_AUTH_FAILED when every key was refused
 * (having logged which methods the server allows), or another negative error.
 */
int ua_handle(struct ua *ua, const struct tp_msg *m);

#endif
