/* sshtun: the keys we offer: ssh-agent's, then IdentityFile's (as ssh orders them). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ssh/conn_int.h"

static int sign_file(void *ud, const struct pubkey *key, const char *alg, const uint8_t *data, size_t n, struct wire_w *sig)
{
	(void)key;
	return key_sign(ud, alg, data, n, sig);
}

static int sign_agent(void *ud, const struct pubkey *key, const char *alg, const uint8_t *data, size_t n, struct wire_w *sig)
{
	return agent_sign(ud, key, alg, data, n, sig);
}

/* As ssh: an RSA key under RequiredRSASize is never offered. */
static int too_small(const struct sshtun *h, const struct pubkey *k, const char *label)
{
	if (k->type == PK_RSA && k->bits < (unsigned)h->cfg.required_rsa_size) {
		LG_W(&h->log, "skipping %s: its RSA key has %u bits, fewer than RequiredRSASize %d", label, k->bits,
			h->cfg.required_rsa_size);
		return 1;
	}
	return 0;
}

static int have_key(const struct sshtun *h, const struct pubkey *k)
{
	for (size_t i = 0; i < h->n_ids; i++) {
		if (pubkey_equal(&h->ids[i].key, k)) {
			return 1;
		}
	}
	return 0;
}

/* 1 if k is the public key of one of the IdentityFiles (from its .pub file, as ssh reads it). */
static int is_identity_file_key(const struct sshtun *h, const struct pubkey *k)
{
	struct pubkey *pub = malloc(sizeof(*pub));
	char path[1024];
	int found = 0;

	for (int i = 0; pub && !found && i < h->cfg.n_identity_files; i++) {
		if (snprintf(path, sizeof(path), "%s.pub", h->cfg.identity_files[i]) < (int)sizeof(path) &&
		    key_load_public(pub, path) == 0 && pubkey_equal(pub, k)) {
			found = 1;
		}
	}
	free(pub);
	return found;
}

static void add_agent_keys(struct sshtun *h)
{
	struct agent_id *list = calloc(AGENT_MAX_IDS, sizeof(*list));
	const char *path = h->cfg.identity_agent;
	size_t n = 0;

	if (!list) {
		return;
	}
	if (path && strcmp(path, "none") == 0) {
		goto out;
	}
	if (path && strcmp(path, "SSH_AUTH_SOCK") == 0) {
		path = NULL;
	}
	if (!path && !getenv("SSH_AUTH_SOCK")) {
		goto out;
	}
	if (agent_open(&h->agent, path, &h->log) != 0) {
		LG_D1(&h->log, "ssh-agent not reachable; using key files only");
		goto out;
	}
	h->have_agent = 1;
	if (agent_list(&h->agent, list, AGENT_MAX_IDS, &n) != 0) {
		n = 0;
	}
	for (size_t i = 0; i < n && h->n_ids < CONN_MAX_IDS; i++) {
		struct ua_identity *id = &h->ids[h->n_ids];

		if (h->cfg.identities_only && !is_identity_file_key(h, &list[i].key)) {
			continue;	/* IdentitiesOnly: the agent may sign only for the configured files */
		}
		snprintf(id->label, sizeof(id->label), "agent: %s", list[i].comment);
		if (too_small(h, &list[i].key, id->label)) {
			continue;
		}
		id->key = list[i].key;
		id->sign = sign_agent;
		id->ud = &h->agent;
		h->n_ids++;
	}
out:
	free(list);
}

int conn_load_identities(struct sshtun *h)
{
	add_agent_keys(h);
	h->privs = calloc(CFG_MAX_IDENTITIES, sizeof(*h->privs));
	if (!h->privs) {
		return SSHTUN_ERR_NOMEM;
	}
	for (int i = 0; i < h->cfg.n_identity_files && h->n_ids < CONN_MAX_IDS; i++) {
		const char *path = h->cfg.identity_files[i];
		struct privkey *k = &h->privs[i];
		struct ua_identity *id = &h->ids[h->n_ids];
		int r;

		if (access(path, F_OK) != 0 && errno == ENOENT) {
			LG_D1(&h->log, "identity file %s not present", path);
			continue;
		}
		r = key_load_private(k, path, &h->log);
		if (r == SSHTUN_ERR_KEY_ENCRYPTED) {
			LG_W(&h->log, "skipping %s: it is passphrase-protected; load it with ssh-add to use it", path);
			continue;
		}
		if (r != 0) {
			LG_W(&h->log, "skipping %s: %s", path, sshtun_strerror(r));
			continue;
		}
		if (have_key(h, &k->pub) || too_small(h, &k->pub, path)) {
			continue;	/* the agent holds it already, or it is not to be used */
		}
		id->key = k->pub;
		snprintf(id->label, sizeof(id->label), "%s", path);
		id->sign = sign_file;
		id->ud = k;
		h->n_ids++;
	}
	LG_D1(&h->log, "%zu key(s) to offer", h->n_ids);
	return 0;
}

void conn_free_identities(struct sshtun *h)
{
	if (h->privs) {
		for (int i = 0; i < CFG_MAX_IDENTITIES; i++) {
			key_wipe(&h->privs[i]);
		}
		free(h->privs);
		h->privs = NULL;
	}
	if (h->have_agent) {
		agent_close(&h->agent);
		h->have_agent = 0;
	}
	h->n_ids = 0;
}
