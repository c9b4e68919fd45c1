/*
 * sshtun: NetworkManager test helper: a secret agent that does not take VPN hints, as an older agent, so that
 * NetworkManager calls the VPN service's Connect instead of ConnectInteractive and the service cannot ask.
 *
 *   test_agent SECONDS NAME=VALUE...
 *
 * Registers with NetworkManager on the system bus ($DBUS_SYSTEM_BUS_ADDRESS) and answers every request for the
 * vpn setting with these vpn.secrets items; prints one line per request ("request vpn flags=0x.. hints=..."),
 * "registered" once NetworkManager took it, and exits 0 after SECONDS (1 if it could not start).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <NetworkManager.h>
#include <nm-secret-agent-old.h>

typedef struct {
	NMSecretAgentOld parent;
} TestAgent;

typedef struct {
	NMSecretAgentOldClass parent;
} TestAgentClass;

GType test_agent_get_type(void);
G_DEFINE_TYPE(TestAgent, test_agent, NM_TYPE_SECRET_AGENT_OLD)

static char **answers;	/* NAME=VALUE, from the command line */

static void get_secrets(NMSecretAgentOld *agent, NMConnection *connection, const char *path, const char *setting,
			const char **hints, NMSecretAgentGetSecretsFlags flags, NMSecretAgentOldGetSecretsFunc callback,
			gpointer ud)
{
	GVariantBuilder secrets, vpn, all;
	char *h = hints ? g_strjoinv(",", (char **)hints) : g_strdup("");

	(void)path;
	printf("request %s flags=0x%x hints=%s\n", setting, (unsigned)flags, h);
	fflush(stdout);
	g_free(h);
	g_variant_builder_init(&all, G_VARIANT_TYPE("a{sa{sv}}"));
	if (!strcmp(setting, NM_SETTING_VPN_SETTING_NAME)) {
		g_variant_builder_init(&secrets, G_VARIANT_TYPE("a{ss}"));
		for (char **a = answers; *a; a++) {
			const char *eq = strchr(*a, '=');
			char *name;

			if (!eq) {
				continue;
			}
			name = g_strndup(*a, (gsize)(eq - *a));
			g_variant_builder_add(&secrets, "{ss}", name, eq + 1);
			g_free(name);
		}
		g_variant_builder_init(&vpn, G_VARIANT_TYPE_VARDICT);
		g_variant_builder_add(&vpn, "{sv}", NM_SETTING_VPN_SECRETS, g_variant_builder_end(&secrets));
		g_variant_builder_add(&all, "{s@a{sv}}", NM_SETTING_VPN_SETTING_NAME, g_variant_builder_end(&vpn));
	}
	callback(agent, connection, g_variant_builder_end(&all), NULL, ud);
}

static void cancel_get_secrets(NMSecretAgentOld *agent, const char *path, const char *setting)
{
	(void)agent;
	(void)path;
	(void)setting;
}

/* Nothing is kept: save and delete succeed without storing anything. */
static void save_secrets(NMSecretAgentOld *agent, NMConnection *connection, const char *path,
			 NMSecretAgentOldSaveSecretsFunc callback, gpointer ud)
{
	(void)path;
	callback(agent, connection, NULL, ud);
}

static void delete_secrets(NMSecretAgentOld *agent, NMConnection *connection, const char *path,
			   NMSecretAgentOldDeleteSecretsFunc callback, gpointer ud)
{
	(void)path;
	callback(agent, connection, NULL, ud);
}

static void test_agent_init(TestAgent *a)
{
	(void)a;
}

static void test_agent_class_init(TestAgentClass *klass)
{
	NMSecretAgentOldClass *c = NM_SECRET_AGENT_OLD_CLASS(klass);

	c->get_secrets = get_secrets;
	c->cancel_get_secrets = cancel_get_secrets;
	c->save_secrets = save_secrets;
	c->delete_secrets = delete_secrets;
}

static gboolean quit(gpointer loop)
{
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

/* Says "registered" once NetworkManager took the agent (auto-register registers in the background). */
static gboolean check_registered(gpointer agent)
{
	if (!nm_secret_agent_old_get_registered(agent)) {
		return G_SOURCE_CONTINUE;
	}
	printf("registered\n");
	fflush(stdout);
	return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
	GError *error = NULL;
	NMSecretAgentOld *agent;
	GMainLoop *loop;

	if (argc < 2 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: test_agent SECONDS NAME=VALUE...\n");
		return 2;
	}
	answers = argv + 2;
	agent = g_initable_new(test_agent_get_type(), NULL, &error, NM_SECRET_AGENT_OLD_IDENTIFIER,
			       "org.sshtun.test-agent", NM_SECRET_AGENT_OLD_CAPABILITIES, NM_SECRET_AGENT_CAPABILITY_NONE,
			       NULL);
	if (!agent) {
		fprintf(stderr, "test_agent: cannot start: %s\n", error ? error->message : "?");
		g_clear_error(&error);
		return 1;
	}
	loop = g_main_loop_new(NULL, FALSE);
	g_timeout_add(100, check_registered, agent);
	g_timeout_add_seconds((guint)atoi(argv[1]), quit, loop);
	g_main_loop_run(loop);
	g_main_loop_unref(loop);
	g_object_unref(agent);
	return 0;
}
