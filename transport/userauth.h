/*
 * sshtun: client user authentication, sans-IO over the transport: "none", then publickey (RFC 4252 7),
 * keyboard-interactive (RFC 4256) and password (RFC 4252 8) in PreferredAuthentications' order, with
 * partial success (AuthenticationMethods publickey,password).
 */
#ifndef TRANSPORT_USERAUTH_H
#define TRANSPORT_USERAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "transport/pubkey.h"
#include "transport/transport.h"

/*
 * A key we may offer; sign() makes an SSH signature blob with algorithm alg over data (from a file or an
 * agent); for a certificate alg is the plain algorithm (the certified key signs). It may return SSHTUN_ERR_AGAIN when it must wait (for a passphrase, for the agent): the exchange
 * then waits until ua_resume(), which calls sign() again. Any other error skips to the next key.
 */
struct cert;
struct ua_identity {
	struct pubkey key;	/* the key (for a certificate: the certified key, which signs) */
	const struct cert *cert;	/* a user certificate offered instead of the plain key, or NULL */
	char label[300];	/* for messages: a path or "agent: comment" */
	int (*sign)(void *ud, const struct pubkey *key, const char *alg, const uint8_t *data, size_t n, struct wire_w *sig);
	void *ud;
};

enum ua_state {
	UA_IDLE = 0,
	UA_SERVICE,	/* service request sent */
	UA_NONE,	/* "none" sent */
	UA_QUERY,	/* publickey: key offered without signature */
	UA_SIGNED,	/* publickey: signed request sent */
	UA_KBD,		/* keyboard-interactive: request or responses sent */
	UA_PASSWORD,	/* password (or password change) sent */
	UA_DONE,
	UA_FAILED,
	UA_SIGNING,	/* waiting: a sign() callback */
	UA_ASKING	/* waiting: the user's answers (ua_answer) */
};

/* What ua asks the user for (the asker maps these to its own kinds). */
enum ua_ask_kind { UA_ASK_PASSWORD = 1, UA_ASK_NEW_PASSWORD, UA_ASK_KBDINT };
enum { UA_ASK_MAX = 16 };

/* How to log in beyond the keys (ssh_config's names). */
struct ua_opts {
	const char *host;	/* for "user@host's password: " */
	const char *preferred;	/* PreferredAuthentications; NULL: publickey,keyboard-interactive,password */
	int pubkey, kbdint, password;	/* PubkeyAuthentication, KbdInteractiveAuthentication, PasswordAuthentication */
	int prompts;		/* NumberOfPasswordPrompts: tries for a password, rounds of keyboard-interactive */
	/*
	 * Asks the user n questions (n may be 0 for keyboard-interactive's text alone is not asked: see ua.c).
	 * Returns SSHTUN_ERR_AGAIN, and ua_answer() follows later; any other error: nothing can be asked,
	 * the method is given up.
	 */
	int (*ask)(void *ud, int kind, const char *name, const char *instruction, unsigned n, const char *const *questions,
		const int *echo);
	void *ask_ud;
};

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
	char alg[72];		/* the algorithm named in the request for the current key (a certificate's name) */
	char sig_alg[72];	/* the signature algorithm it signs with (the plain one) */
	struct ua_opts opts;
	int method;		/* the method under way (UA_M_*, userauth.c) */
	int ask_kind;		/* what the user is being asked (UA_ASK_*) while UA_ASKING */
	unsigned kbd_rounds;	/* keyboard-interactive attempts that failed */
	unsigned pw_tries;	/* passwords refused */
	int kbd_off, pw_off;	/* given up (not askable, declined) */
	char *old_password;	/* kept for a password change request, wiped after */
	char tried[128];	/* methods tried, for the final message */
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
/* Sets how to log in beyond the keys (copied; strings must outlive ua). Call after ua_init. */
void ua_set_opts(struct ua *ua, const struct ua_opts *o);
/* The user's answers (NULL: declined) to what opts.ask asked; goes on as ua_handle does. */
int ua_answer(struct ua *ua, const char *const *answers, unsigned n);
/* Wipes what ua holds (a password kept for a change request). */
void ua_free(struct ua *ua);
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
