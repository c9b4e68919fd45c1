/* sshtun: the keys we offer: ssh-agent's, then IdentityFile's (as ssh orders them). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "ssh/conn_int.h"
#include "transport/cert.h"

#if SSHTUN_KEY_ENCRYPTED
static int ask_passphrase(struct conn_file *f);
#endif
static int load_files(struct sshtun *h);
#if SSHTUN_AGENT
static int added_to_agent(struct conn_file *f);
#endif

#if SSHTUN_KEY_ENCRYPTED	/* without it no key file is ever locked: load_files refuses encrypted ones */
/* The passphrase (or none) came: unlock the key, ask again after a wrong one, then let userauth go on. */
static int on_passphrase(struct sshtun *h, void *ctx, const char *const *answers, unsigned n)
{
	struct conn_file *f = ctx;
	int r;

	(void)n;
	if (!answers) {
		LG_I(&h->log, "no passphrase given for %s: key skipped", f->path);
		snprintf(h->auth_note, sizeof(h->auth_note), "; no passphrase was given for %s", f->path);
		f->gave_up = 1;
		return conn_auth_resume(h);
	}
	r = key_load_private(&f->key, f->path, answers[0], &h->log);
	if (r == 0 && !pubkey_equal(&f->key.pub, &f->pub)) {
		LG_W(&h->log, "%s does not hold the key its .pub file names", f->path);
		key_wipe(&f->key);
		r = SSHTUN_ERR_KEY_FILE;
	}
	if (r == 0) {
		f->locked = 0;
		return conn_auth_resume(h);
	}
	if (r == SSHTUN_ERR_KEY_BAD_PASS && ++f->tries < h->cfg.password_prompts) {
		r = ask_passphrase(f);
		if (r == SSHTUN_ERR_AGAIN) {
			return 0;
		}
	}
	LG_W(&h->log, "skipping %s: %s", f->path, r == SSHTUN_ERR_KEY_BAD_PASS ? "wrong passphrase" : sshtun_strerror(r));
	snprintf(h->auth_note, sizeof(h->auth_note), "; the passphrase for %s was %s", f->path,
		r == SSHTUN_ERR_KEY_BAD_PASS ? "wrong" : "not usable");
	f->gave_up = 1;
	return conn_auth_resume(h);
}

/* Asks for the passphrase of f: SSHTUN_ERR_AGAIN while asked, another error if nothing may be asked. */
static int ask_passphrase(struct conn_file *f)
{
	char q[600];
	const char *qs[1] = { q };
	int echo[1] = { 0 };

	snprintf(q, sizeof(q), f->tries ? "Bad passphrase, try again for %s: " : "Enter passphrase for key '%s': ", f->path);
	return conn_ask(f->h, SSHTUN_PROMPT_PASSPHRASE, f->path, "", 1, qs, echo, on_passphrase, f);
}
#endif

#if SSHTUN_AGENT
/*
 * AddKeysToAgent: the key, now loaded from its file, goes to the agent (with confirm and lifetime as set), on
 * the event loop: SSHTUN_ERR_AGAIN while the agent has not answered (f->adding), 0 once it did or could not.
 */
static int add_to_agent(struct conn_file *f)
{
	struct sshtun *h = f->h;
	struct wire_w w;
	int r;

	wire_w_init(&w, 0);
	r = key_put_private(&f->key, &w);
	if (r == 0) {
		r = agent_add_start(&h->agent, &w, f->path, (uint32_t)h->cfg.add_keys_lifetime,
			h->cfg.add_keys_to_agent == CFG_ADD_CONFIRM);
	}
	if (w.p) {
		cry_wipe(w.p, w.cap);
	}
	wire_w_free(&w);
	if (r != 0) {
		LG_W(&h->log, "could not add %s to ssh-agent: %s", f->path, sshtun_strerror(r));
		return 0;
	}
	f->adding = 1;
	if (agent_io(&h->agent) == 0) {
		return io_watch_agent(h) == 0 ? SSHTUN_ERR_AGAIN : 0;
	}
	return added_to_agent(f);
}

/* The agent's answer to the key handed over. */
static int added_to_agent(struct conn_file *f)
{
	struct sshtun *h = f->h;
	int r = agent_add_finish(&h->agent);

	f->adding = 0;
	io_watch_agent(h);
	if (r == 0) {
		LG_I(&h->log, "Identity added: %s (%s)", f->path, pubkey_type_name(f->key.pub.type));
	} else {
		LG_W(&h->log, "could not add %s to ssh-agent: %s", f->path, sshtun_strerror(r));
	}
	return 0;
}

static int on_add_answer(struct sshtun *h, void *ctx, const char *const *answers, unsigned n)
{
	struct conn_file *f = ctx;

	(void)n;
	if (answers && strcasecmp(answers[0], "yes") == 0 && h->have_agent && add_to_agent(f) == SSHTUN_ERR_AGAIN) {
		return 0;	/* the agent's answer resumes userauth */
	}
	return conn_auth_resume(h);
}

/* Before a file key signs: hand it to the agent if AddKeysToAgent says so. SSHTUN_ERR_AGAIN while asking. */
static int maybe_add_to_agent(struct conn_file *f)
{
	struct sshtun *h = f->h;
	char q[700];
	const char *qs[1] = { q };
	int echo[1] = { 1 }, r;

	if (f->adding) {
		return h->agent.busy && h->agent.done ? added_to_agent(f) : SSHTUN_ERR_AGAIN;
	}
	if (f->agent_decided || h->cfg.add_keys_to_agent == CFG_ADD_NO) {
		return 0;
	}
	f->agent_decided = 1;
	if (!h->have_agent || h->agent.fd < 0) {
		LG_D1(&h->log, "AddKeysToAgent: no agent to add %s to", f->path);
		return 0;
	}
	if (h->cfg.add_keys_to_agent != CFG_ADD_ASK) {
		return add_to_agent(f);
	}
	snprintf(q, sizeof(q), "Add key %s (%s) to agent? (yes/no) ", f->path, pubkey_type_name(f->key.pub.type));
	r = conn_ask(h, SSHTUN_PROMPT_CONFIRM, f->path, "", 1, qs, echo, on_add_answer, f);
	return r == SSHTUN_ERR_AGAIN ? r : 0;
}
#else
/* --without-agent: AddKeysToAgent has nothing to hand keys to (config_values.c says so once). */
static int maybe_add_to_agent(struct conn_file *f)
{
	(void)f;
	return 0;
}
#endif

/* Signs with a key file; a locked one asks for its passphrase first (as ssh: only once the server accepts the key). */
static int sign_file(void *ud, const struct pubkey *key, const char *alg, const uint8_t *data, size_t n, struct wire_w *sig)
{
	struct conn_file *f = ud;
	int r;

	(void)key;
	if (f->gave_up) {
		return SSHTUN_ERR_KEY_BAD_PASS;
	}
#if SSHTUN_KEY_ENCRYPTED
	if (f->locked) {
		if (f->h->cfg.password_prompts <= 0) {
			r = SSHTUN_ERR_NO_PROMPT;
		} else {
			r = ask_passphrase(f);
		}
		if (r == SSHTUN_ERR_NO_PROMPT) {
			LG_W(&f->h->log, "skipping %s: it is passphrase-protected and no passphrase can be asked for (%s)", f->path,
				f->h->cfg.batch_mode == 1 ? "BatchMode" : "no terminal or SSH_ASKPASS; or load it with ssh-add");
			snprintf(f->h->auth_note, sizeof(f->h->auth_note), "; %s needs its passphrase, which could not be asked for%s",
				f->path, f->h->cfg.batch_mode == 1 ? " (BatchMode)" : "");
			f->gave_up = 1;
		}
		return r;
	}
#endif
	r = maybe_add_to_agent(f);
	if (r == SSHTUN_ERR_AGAIN) {
		return r;
	}
	return key_sign(&f->key, alg, data, n, sig);
}

/*
 * Signs through the agent without blocking: the first call sends the request and answers "wait"; the
 * event loop moves it (io.c, on_agent) and resumes userauth, which calls again for the signature.
 */
static int sign_agent(void *ud, const struct pubkey *key, const char *alg, const uint8_t *data, size_t n, struct wire_w *sig)
{
	const struct conn_agent_ref *ref = ud;
	struct sshtun *h = ref->h;
	const uint8_t *blob = ref->cert ? ref->cert->blob : key->blob;
	size_t bloblen = ref->cert ? ref->cert->bloblen : key->bloblen;
	int r;

	if (h->agent.busy && h->agent.done) {
		return agent_sign_finish(&h->agent, key, alg, data, n, sig);
	}
	if (h->agent.busy) {
		return SSHTUN_ERR_AGAIN;
	}
	r = agent_sign_start(&h->agent, blob, bloblen, alg, data, n);
	if (r == 0 && agent_io(&h->agent) == 1) {
		/* Done at once (or failed at once). */
		io_watch_agent(h);
		return agent_sign_finish(&h->agent, key, alg, data, n, sig);
	}
	if (r == 0) {
		r = io_watch_agent(h);
	}
	return r == 0 ? SSHTUN_ERR_AGAIN : SSHTUN_ERR_AGENT;
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

/*
 * The next free slot of the keys to offer, or NULL when the list is full or memory is out. The list grows a few
 * slots at a time: all CONN_MAX_IDS of them would be half a MiB, and it lives only until userauth is over.
 */
static struct ua_identity *next_id(struct sshtun *h)
{
	if (h->n_ids >= CONN_MAX_IDS) {
		return NULL;
	}
	if (h->n_ids == h->ids_cap) {
		size_t cap = h->ids_cap ? 2 * h->ids_cap : 4;
		struct ua_identity *p;

		cap = cap < CONN_MAX_IDS ? cap : CONN_MAX_IDS;
		if (!(p = realloc(h->ids, cap * sizeof(*p)))) {
			return NULL;
		}
		memset(p + h->ids_cap, 0, (cap - h->ids_cap) * sizeof(*p));
		h->ids = p;
		h->ids_cap = cap;
	}
	return &h->ids[h->n_ids];
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

/* Takes ownership of *c for the handle; returns it. */
static const struct cert *keep_cert(struct sshtun *h, struct cert **c)
{
	struct cert *kept = *c;

	if (h->n_certs >= CONN_MAX_IDS) {
		return NULL;
	}
	h->certs[h->n_certs++] = kept;
	*c = NULL;
	return kept;
}

/* A user certificate is offered only while it is valid (ssh says why it skips one). */
static int cert_usable(struct sshtun *h, const struct cert *c, const char *label)
{
	char why[600];

	if (cert_check(c, CERT_USER, NULL, (uint64_t)time(NULL), why, sizeof(why)) != 0) {
		LG_W(&h->log, "certificate %s skipped: %s", label, why);
		return 0;
	}
	return 1;
}

#if SSHTUN_CERT
/* A key file's certificates (CertificateFile entries and KEY-cert.pub) that certify its key, offered before it. */
static void add_file_certs(struct sshtun *h, struct conn_file *f)
{
	char path[1100];

	for (int i = -1; i < h->cfg.n_certificate_files && h->n_ids < CONN_MAX_IDS; i++) {
		struct ua_identity *id = next_id(h);
		struct cert *c;
		const char *p = path;

		if (!id) {
			return;
		}
		if (i < 0) {
			if (snprintf(path, sizeof(path), "%s-cert.pub", f->path) >= (int)sizeof(path)) {
				continue;
			}
		} else {
			p = h->cfg.certificate_files[i];
		}
		if (access(p, F_OK) != 0) {
			continue;
		}
		c = malloc(sizeof(*c));
		if (!c) {
			return;
		}
		if (key_load_cert(c, p) != 0 || c->type != CERT_USER || !pubkey_equal(&c->key, &f->key.pub)) {
			if (i >= 0 && pubkey_equal(&c->key, &f->key.pub)) {
				LG_W(&h->log, "certificate %s: not a user certificate", p);
			}
			free(c);
			continue;	/* not this key's (another IdentityFile's, or no certificate at all) */
		}
		snprintf(id->label, sizeof(id->label), "%.140s (certificate %.140s)", f->path, p);
		if (!cert_usable(h, c, p)) {
			free(c);
			continue;
		}
		id->key = f->key.pub;
		id->cert = keep_cert(h, &c);
		free(c);
		id->sign = sign_file;
		id->ud = f;
		h->n_ids++;
	}
}
#else
/*
 * Certificates left out of this build: a KEY-cert.pub beside the key is not used, as ssh passes over what it
 * cannot use (fewer ways in, never more trust); the plain key is still offered. CertificateFile was refused with
 * the configuration (config_values.c).
 */
static void add_file_certs(struct sshtun *h, struct conn_file *f)
{
	char path[1100];

	if (snprintf(path, sizeof(path), "%s-cert.pub", f->path) < (int)sizeof(path) && access(path, F_OK) == 0) {
		LG_D1(&h->log, "certificate %s not used: this build of sshtun lacks certificates (left out of this build)",
			path);
	}
}
#endif

/* Opens the agent (IdentityAgent, SSH_AUTH_SOCK) if there is one to use; 0 if it is open. */
static int open_agent(struct sshtun *h)
{
	const char *path = h->cfg.identity_agent;

	if (path && strcmp(path, "none") == 0) {
		return -1;
	}
	if (path && strcmp(path, "SSH_AUTH_SOCK") == 0) {
		path = NULL;
	}
	if (!path && !getenv("SSH_AUTH_SOCK")) {
		return -1;
	}
	if (!SSHTUN_AGENT) {
		/* An IdentityAgent other than none was refused with the configuration (config_values.c). */
		LG_D1(&h->log, "this build has no ssh-agent support (built --without-agent): SSH_AUTH_SOCK ignored");
		return -1;
	}
	if (agent_open(&h->agent, path, &h->log) != 0) {
		LG_D1(&h->log, "ssh-agent not reachable; using key files only");
		return -1;
	}
	h->have_agent = 1;
	return 0;
}

/* The agent's identities, as it listed them, become ours (IdentitiesOnly, RequiredRSASize and validity applied). */
static void add_agent_keys(struct sshtun *h, struct agent_id *list, size_t n)
{
	for (size_t i = 0; i < n && h->n_ids < CONN_MAX_IDS; i++) {
		struct ua_identity *id = next_id(h);

		if (!id) {
			return;
		}
		if (h->cfg.identities_only && !is_identity_file_key(h, &list[i].key)) {
			continue;	/* IdentitiesOnly: the agent may sign only for the configured files */
		}
		snprintf(id->label, sizeof(id->label), "agent: %s%s", list[i].comment, list[i].cert ? " (certificate)" : "");
		if (too_small(h, &list[i].key, id->label) || (list[i].cert && !cert_usable(h, list[i].cert, id->label))) {
			continue;
		}
		id->key = list[i].key;
		id->cert = list[i].cert ? keep_cert(h, &list[i].cert) : NULL;
		h->agent_refs[h->n_ids] = (struct conn_agent_ref){ h, id->cert };
		id->sign = sign_agent;
		id->ud = &h->agent_refs[h->n_ids];
		h->n_ids++;
	}
}

int conn_load_identities(struct sshtun *h)
{
	int r;

	/* The agent's keys come first: ask it on the event loop (conn_agent_listed follows), never waiting here. */
	if (open_agent(h) == 0 && agent_list_start(&h->agent) == 0) {
		if (agent_io(&h->agent) == 0) {
			h->agent_listing = 1;
			h->agent_list_deadline = io_now_ms() + AGENT_LIST_TIMEOUT_MS;
			return io_watch_agent(h) == 0 ? 1 : SSHTUN_ERR_SYS;
		}
		/* Answered at once: userauth starts from here. */
		r = conn_agent_listed(h);
		return r ? r : 1;
	}
	return load_files(h);
}

int conn_agent_listed(struct sshtun *h)
{
	struct agent_id *list = calloc(AGENT_MAX_IDS, sizeof(*list));
	size_t n = 0;
	int r;

	h->agent_listing = 0;
	if (h->agent.busy && !h->agent.done) {
		LG_W(&h->log, "ssh-agent did not answer in time; using key files only");
		h->agent.busy = 0;
		io_watch_agent(h);
		agent_free(&h->agent);
		h->have_agent = 0;
	}
	io_watch_agent(h);
	if (!list) {
		return SSHTUN_ERR_NOMEM;
	}
	if (h->agent.busy && h->agent.done && agent_list_finish(&h->agent, list, AGENT_MAX_IDS, &n) == 0) {
		add_agent_keys(h, list, n);
	}
	agent_ids_free(list, n);
	free(list);
	r = load_files(h);
	return r ? r : conn_auth_start(h);
}

/* The IdentityFiles, after the agent's keys. */
static int load_files(struct sshtun *h)
{
	/* As many as there are files: all CFG_MAX_IDENTITIES would be 135 KiB cleared per connection. */
	h->n_files = h->cfg.n_identity_files;
	h->files = calloc(h->n_files > 0 ? (size_t)h->n_files : 1, sizeof(*h->files));
	if (!h->files) {
		return SSHTUN_ERR_NOMEM;
	}
	for (int i = 0; i < h->cfg.n_identity_files && h->n_ids < CONN_MAX_IDS; i++) {
		const char *path = h->cfg.identity_files[i];
		struct conn_file *f = &h->files[i];
		struct ua_identity *id;
		int r;

		if (access(path, F_OK) != 0 && errno == ENOENT) {
			LG_D1(&h->log, "identity file %s not present", path);
			continue;
		}
		f->h = h;
		f->path = path;
		r = key_load_private(&f->key, path, NULL, &h->log);
		if (!SSHTUN_KEY_ENCRYPTED && r == SSHTUN_ERR_KEY_ENCRYPTED) {
			key_wipe(&f->key);
			continue;	/* refused: key_load_private said why and what to do; no passphrase is asked for */
		}
		if (r == SSHTUN_ERR_KEY_ENCRYPTED && f->key.pub.type == PK_NONE) {
			/* An encrypted PEM file hides its public key: offer the one in KEY.pub, as ssh does. */
			char pubpath[1100];

			if (snprintf(pubpath, sizeof(pubpath), "%s.pub", path) >= (int)sizeof(pubpath) ||
			    key_load_public(&f->key.pub, pubpath) != 0) {
				LG_W(&h->log, "skipping %s: it is encrypted and its public key is not readable without the passphrase; "
					"put it beside the key (ssh-keygen -y -f %s > %s.pub)", path, path, path);
				continue;
			}
		}
		if (r == SSHTUN_ERR_KEY_ENCRYPTED) {
			f->locked = 1;	/* its public key is offered; the passphrase is asked for if the server accepts it */
			f->pub = f->key.pub;
		} else if (r != 0) {
			LG_W(&h->log, "skipping %s: %s", path, sshtun_strerror(r));
			continue;
		}
		if (have_key(h, &f->key.pub) || too_small(h, &f->key.pub, path)) {
			continue;	/* the agent holds it already, or it is not to be used */
		}
		add_file_certs(h, f);
		if (!(id = next_id(h))) {
			break;
		}
		id->key = f->key.pub;
		snprintf(id->label, sizeof(id->label), "%s", path);
		id->sign = sign_file;
		id->ud = f;
		h->n_ids++;
	}
	LG_D1(&h->log, "%zu key(s) to offer", h->n_ids);
	return 0;
}

void conn_free_identities(struct sshtun *h)
{
	ua_free(&h->ua);
	if (h->files) {
		for (int i = 0; i < h->n_files; i++) {
			key_wipe(&h->files[i].key);
		}
		free(h->files);
		h->files = NULL;
	}
	for (size_t i = 0; i < h->n_certs; i++) {
		free(h->certs[i]);
		h->certs[i] = NULL;
	}
	h->n_certs = 0;
	if (h->have_agent) {
		h->agent.busy = 0;
		io_watch_agent(h);
		agent_free(&h->agent);
		h->have_agent = 0;
	}
	free(h->ids);	/* public keys and labels: nothing to wipe */
	h->ids = NULL;
	h->ids_cap = 0;
	h->n_ids = 0;
}
