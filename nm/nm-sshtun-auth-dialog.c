/*
 * nm-sshtun-auth-dialog: the auth dialog of sshtun's NetworkManager VPN service: a secret agent (nmcli or
 * a desktop's agent) runs it to learn which secrets an sshtun connection needs, and it asks for them on the
 * terminal. No GUI: in external-UI mode the agent asks, with its own prompts or dialog.
 *
 *   nm-sshtun-auth-dialog -u UUID -n NAME -s SERVICE [-i] [-r] [-t HINT]... [--external-ui-mode]
 *
 * The agent writes the connection's vpn.data and vpn.secrets on stdin (DATA_KEY=/DATA_VAL=, SECRET_KEY=/
 * SECRET_VAL= lines, continuation lines start with "=", an empty line after each pair, DONE at the end). -i allows
 * asking, -r asks again for what is stored, -t names a secret the service asks for (sshtun's service sends the
 * secret's name and "x-vpn-message:" with the server's words, whose last line is the question itself).
 *
 * With --external-ui-mode it writes what to ask as a key file and exits: a group "VPN Plugin UI" (Version=2,
 * Title, Description), then one group per secret (Value, Label, IsSecret, ShouldAsk). Otherwise it asks on the
 * controlling terminal (/dev/tty, not echoed) and writes each secret as its name and value on lines of their own,
 * then an empty line, and waits for QUIT on stdin (the agent's word that it read them). Without a terminal, or
 * without -i, it fails and says why (exit status 1).
 *
 * Which secrets: the hinted ones (-t: password, passphrase, answer); without hints, the password for
 * auth-type=password, else the passphrase of an identity-file. A secret whose NAME-flags say not required
 * (NM_SETTING_SECRET_FLAG_NOT_REQUIRED) is not asked for; one that is stored is asked for only with -r.
 * Secrets are held in memory only and wiped before exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib.h>
#include <NetworkManager.h>

#define SSHTUN_NM_SERVICE "org.freedesktop.NetworkManager.sshtun"
#define VPN_MSG_HINT "x-vpn-message:"
#define UI_GROUP "VPN Plugin UI"

enum { WANT_MAX = 3, ANSWER_MAX = 1024 };

struct want {
	const char *name;	/* the vpn.secrets key */
	char *label;		/* what to ask */
	const char *stored;	/* the value the agent sent, or NULL */
	gboolean ask;
	char *value;		/* typed on the terminal (wiped) */
};

struct request {
	GHashTable *data, *secrets;
	char *message;		/* from x-vpn-message:, or NULL */
	gboolean hinted;	/* the service named the secrets */
	gboolean reprompt;
	struct want want[WANT_MAX];
	unsigned n;
};

static const char *default_label(const char *name)
{
	if (!strcmp(name, "password")) {
		return "Password";
	}
	if (!strcmp(name, "passphrase")) {
		return "Key passphrase";
	}
	return "Answer";
}

/* The message's last line without its trailing ": ", or NULL. */
static char *last_line(const char *message)
{
	const char *nl;
	char *l;

	if (!message || !*message) {
		return NULL;
	}
	nl = strrchr(message, '\n');
	l = g_strstrip(g_strdup(nl && nl[1] ? nl + 1 : message));
	g_strchomp(l);
	if (*l && l[strlen(l) - 1] == ':') {
		l[strlen(l) - 1] = '\0';
	}
	if (!*l) {
		g_free(l);
		return NULL;
	}
	return l;
}

static void want_add(struct request *rq, const char *name)
{
	NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;
	const char *stored = g_hash_table_lookup(rq->secrets, name);
	struct want *w;

	for (unsigned i = 0; i < rq->n; i++) {
		if (!strcmp(rq->want[i].name, name)) {
			return;
		}
	}
	if (rq->n >= WANT_MAX) {
		return;
	}
	w = &rq->want[rq->n++];
	w->name = name;
	w->stored = stored && *stored ? stored : NULL;
	w->label = rq->hinted ? last_line(rq->message) : NULL;
	if (!w->label) {
		w->label = g_strdup(default_label(name));
	}
	(void)nm_vpn_service_plugin_get_secret_flags(rq->data, name, &flags);
	/* Asked for: what the service named (the stored one was refused), or what is missing, or all with -r. */
	w->ask = !(flags & NM_SETTING_SECRET_FLAG_NOT_REQUIRED) && (rq->hinted || !w->stored || rq->reprompt);
}

/* Which secrets: the hinted ones, else those the connection's auth-type and identity-file call for. */
static void choose(struct request *rq, char **hints)
{
	static const char *const names[] = { "password", "passphrase", "answer" };
	const char *auth = g_hash_table_lookup(rq->data, "auth-type");
	const char *key = g_hash_table_lookup(rq->data, "identity-file");

	for (char **h = hints; h && *h; h++) {
		if (g_str_has_prefix(*h, VPN_MSG_HINT)) {
			g_free(rq->message);
			rq->message = g_strdup(*h + strlen(VPN_MSG_HINT));
		}
	}
	for (char **h = hints; h && *h; h++) {
		for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
			if (!strcmp(*h, names[i])) {
				rq->hinted = TRUE;
				want_add(rq, names[i]);
			}
		}
	}
	if (rq->hinted) {
		return;
	}
	if (auth && !strcmp(auth, "password")) {
		want_add(rq, "password");
	} else if (key && *key && (!auth || !strcmp(auth, "key"))) {
		want_add(rq, "passphrase");
	}
}

/* --external-ui-mode: what to ask, as a key file; the agent asks. */
static int external_ui(struct request *rq, const char *conn_name)
{
	GKeyFile *kf = g_key_file_new();
	const char *host = g_hash_table_lookup(rq->data, "host");
	char *title = g_strdup_printf("Authenticate VPN %s", conn_name ? conn_name : "");
	char *desc = rq->message ? g_strdup(rq->message) :
		g_strdup_printf("The SSH login to %s for the VPN connection \"%s\" needs a secret.", host ? host : "the server",
				conn_name ? conn_name : "");
	gsize len = 0;
	char *out;

	g_key_file_set_integer(kf, UI_GROUP, "Version", 2);
	g_key_file_set_string(kf, UI_GROUP, "Title", title);
	g_key_file_set_string(kf, UI_GROUP, "Description", desc);
	for (unsigned i = 0; i < rq->n; i++) {
		const struct want *w = &rq->want[i];

		/* A refused secret is not offered as the default answer. */
		g_key_file_set_string(kf, w->name, "Value", w->stored && !rq->hinted ? w->stored : "");
		g_key_file_set_string(kf, w->name, "Label", w->label);
		g_key_file_set_boolean(kf, w->name, "IsSecret", TRUE);
		g_key_file_set_boolean(kf, w->name, "ShouldAsk", w->ask);
	}
	out = g_key_file_to_data(kf, &len, NULL);
	fwrite(out, 1, len, stdout);
	fflush(stdout);
	explicit_bzero(out, len);
	g_free(out);
	g_key_file_free(kf);
	g_free(title);
	g_free(desc);
	return 0;
}

/* Reads one line from the terminal tty without echo; NULL on end of input. */
static char *ask_tty(FILE *tty, const char *label)
{
	struct termios old, quiet;
	char buf[ANSWER_MAX];
	gboolean restore = FALSE;
	char *v = NULL;

	/*
	 * Echo off before the prompt shows: an answer typed as soon as the prompt appears must neither be echoed
	 * nor be discarded by the flush of what was typed before the prompt (a race the test's pty lost once).
	 */
	if (tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	fprintf(tty, "%s: ", label);
	fflush(tty);
	if (fgets(buf, sizeof(buf), tty)) {
		buf[strcspn(buf, "\r\n")] = '\0';
		v = g_strdup(buf);
	}
	if (restore) {
		(void)tcsetattr(fileno(tty), TCSAFLUSH, &old);
	}
	fputc('\n', tty);
	explicit_bzero(buf, sizeof(buf));
	return v;
}

/* The agent's QUIT (or the end of stdin): it has read the answers. */
static void wait_quit(void)
{
	char line[256];

	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "QUIT", 4)) {
			break;
		}
	}
}

/* Normal mode: asks on the terminal, prints "name\nvalue\n" per secret and an empty line. */
static int ask_terminal(struct request *rq, const char *conn_name, gboolean interactive)
{
	gboolean any = FALSE;
	FILE *tty = NULL;

	for (unsigned i = 0; i < rq->n; i++) {
		any = any || rq->want[i].ask;
	}
	if (any && !interactive) {
		g_printerr("nm-sshtun-auth-dialog: secrets are needed, but the agent did not allow asking (-i)\n");
		return 1;
	}
	if (any && !(tty = fopen("/dev/tty", "r+"))) {
		g_printerr("nm-sshtun-auth-dialog: secrets are needed and there is no terminal to ask on; use a secret "
			   "agent that asks itself (nmcli --ask, or one that runs it in external UI mode)\n");
		return 1;
	}
	if (tty) {
		fprintf(tty, "VPN \"%s\"%s%s\n", conn_name ? conn_name : "", rq->message ? ": " : "",
			rq->message ? rq->message : "");
	}
	for (unsigned i = 0; i < rq->n; i++) {
		struct want *w = &rq->want[i];

		if (w->ask && !(w->value = ask_tty(tty, w->label))) {
			g_printerr("nm-sshtun-auth-dialog: no answer for %s\n", w->name);
			fclose(tty);
			return 1;
		}
	}
	if (tty) {
		fclose(tty);
	}
	for (unsigned i = 0; i < rq->n; i++) {
		const char *v = rq->want[i].value ? rq->want[i].value : rq->want[i].stored;

		if (v) {
			printf("%s\n%s\n", rq->want[i].name, v);
		}
	}
	printf("\n\n");
	fflush(stdout);
	wait_quit();
	return 0;
}

int main(int argc, char **argv)
{
	char *uuid = NULL, *name = NULL, *service = NULL, **hints = NULL;
	gboolean interactive = FALSE, reprompt = FALSE, external = FALSE;
	GOptionEntry entries[] = {
		{ "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid, "The connection's UUID", "UUID" },
		{ "name", 'n', 0, G_OPTION_ARG_STRING, &name, "The connection's name", "NAME" },
		{ "service", 's', 0, G_OPTION_ARG_STRING, &service, "The VPN service", "SERVICE" },
		{ "allow-interaction", 'i', 0, G_OPTION_ARG_NONE, &interactive, "Asking the user is allowed", NULL },
		{ "reprompt", 'r', 0, G_OPTION_ARG_NONE, &reprompt, "Ask again for stored secrets", NULL },
		{ "hint", 't', 0, G_OPTION_ARG_STRING_ARRAY, &hints, "A secret the service asks for", "HINT" },
		{ "external-ui-mode", 0, 0, G_OPTION_ARG_NONE, &external, "Describe what to ask; the agent asks", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new(NULL);
	struct request rq;
	GError *error = NULL;
	int rc = 1;

	memset(&rq, 0, sizeof(rq));
	g_option_context_set_summary(ctx, "The auth dialog of sshtun's NetworkManager VPN service.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		g_printerr("nm-sshtun-auth-dialog: %s\n", error->message);
		g_clear_error(&error);
		g_option_context_free(ctx);
		return 1;
	}
	g_option_context_free(ctx);
	if (!uuid || !name || !service) {
		g_printerr("nm-sshtun-auth-dialog: -u UUID, -n NAME and -s SERVICE are required\n");
		goto out;
	}
	if (strcmp(service, SSHTUN_NM_SERVICE) != 0) {
		g_printerr("nm-sshtun-auth-dialog: service %s is not %s\n", service, SSHTUN_NM_SERVICE);
		goto out;
	}
	if (!nm_vpn_service_plugin_read_vpn_details(STDIN_FILENO, &rq.data, &rq.secrets)) {
		g_printerr("nm-sshtun-auth-dialog: no connection details on stdin (DATA_KEY=... DONE)\n");
		goto out;
	}
	rq.reprompt = reprompt;
	choose(&rq, hints);
	rc = external ? external_ui(&rq, name) : ask_terminal(&rq, name, interactive);
out:
	for (unsigned i = 0; i < rq.n; i++) {
		g_free(rq.want[i].label);
		if (rq.want[i].value) {
			explicit_bzero(rq.want[i].value, strlen(rq.want[i].value));
			g_free(rq.want[i].value);
		}
	}
	g_free(rq.message);
	if (rq.data) {
		g_hash_table_unref(rq.data);
	}
	if (rq.secrets) {
		g_hash_table_unref(rq.secrets);	/* libnm's table wipes its values */
	}
	g_free(uuid);
	g_free(name);
	g_free(service);
	g_strfreev(hints);
	return rc;
}
