/*
 * nm-sshtun-service: NetworkManager's VPN service for sshtun (service org.freedesktop.NetworkManager.sshtun).
 *
 * NetworkManager starts this program as root (the program= of nm-sshtun-service.name) when a connection of
 * vpn-type sshtun goes up, and calls Connect with the connection's settings. The tunnel is a libsshtun handle
 * with TunnelConfigure no: the library opens the device and the SSH connection, NetworkManager configures the
 * device, its addresses, routes and DNS from what this service hands it (set_config, set_ip4_config,
 * set_ip6_config) once sshtun reports SSHTUN_UP, i.e. once the tunnel carries packets. The handle's one event
 * fd is a GLib source, as in examples/glib_loop.c. Built on the public API (include/sshtun.h) only.
 *
 * The connection's vpn.data items (all strings):
 *   host            the server (required)
 *   port            its SSH port
 *   user            the login user
 *   auth-type       how to log in: "key" (publickey only: identity-file or the agent), "agent" (the same, the
 *                   agent's keys), "password" (password or keyboard-interactive: the password secret is
 *                   required before connecting); unset: every method the server offers, in ssh's order
 *                   (publickey, keyboard-interactive, password), with questions asked as they come
 *   identity-file   the private key file (its passphrase: the passphrase secret)
 *   password-flags, passphrase-flags, answer-flags
 *                   NetworkManager's secret flags (NM_SETTING_SECRET_FLAG_*) of the secrets below: 0 kept by
 *                   NetworkManager (in its connection file), 1 agent-owned, 2 not saved (asked each time), 4 not
 *                   required (never asked for). answer-flags should be 2: NetworkManager keeps what an agent
 *                   returns for a secret without flags in its connection file
 *   known-hosts     the known_hosts file holding the server's key (StrictHostKeyChecking yes); required for a
 *                   connection without an owner, the owner's ~/.ssh/known_hosts (and /etc/ssh/ssh_known_hosts)
 *                   by default for one with
 *   agent           the ssh-agent socket: a path, or "none"; by default, for a connection with an owner, the
 *                   owner's agent at its usual place (/run/user/UID/: openssh_agent, ssh-agent.socket, gcr/ssh,
 *                   keyring/ssh), none for one without
 *   jump-hosts      ProxyJump: [user@]host[:port] jump hosts, separated by commas, checked against the same
 *                   known_hosts and logged in with the same key and agent as the server
 *   remote-command  TunnelConfigCommand: the server's command printing the client's configuration
 *   tunnel-mode     tun (default) or tap
 *   mtu             TunnelMTU
 *   local-address   TunnelAddress (address[/prefix])
 *   remote-address  TunnelPeer
 *   routes          TunnelRoute (networks separated by spaces, or "default")
 *   extra-options   further ssh_config lines, separated by ";" or newlines
 *
 * The connection's owner: a connection whose permissions name one user (connection.permissions user:NAME, as
 * a desktop user's own connections have) is that user's. Its tunnel reads files and reaches its agent as that
 * user: the service sets its filesystem uid and gid to the owner's around every library call, so the kernel
 * refuses a key file, known_hosts or agent socket that the owner could not open (root's key, another user's
 * agent); ~ is the owner's home, the login user the owner unless user says otherwise. A connection without
 * an owner (a system connection, which only an administrator may make) runs with root's rights.
 *
 * The connection's vpn.secrets items, from NetworkManager's secret agents (nmcli --ask or passwd-file, a desktop's
 * dialogs, through nm-sshtun-auth-dialog); this service keeps them in memory only and wipes them when the tunnel
 * ends:
 *   password        the login password: answers "user@host's password:" and a keyboard-interactive question
 *                   that asks for a password (PAM's "Password:")
 *   passphrase      the identity-file's passphrase
 *   answer          an answer to any other keyboard-interactive question (a one-time code): asked for when the
 *                   server asks, one question at a time, never stored by this service
 * A secret the server refused is not sent again: the service asks NetworkManager for a new one with the server's
 * words (ConnectInteractive: nm_vpn_service_plugin_secrets_required), or, without a secret agent that takes
 * such questions (Connect), fails with the reason. Host keys are never asked about: known-hosts decides.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>
#include <NetworkManager.h>

#include "sshtun.h"

#define SSHTUN_NM_SERVICE "org.freedesktop.NetworkManager.sshtun"

#define NM_TYPE_SSHTUN_PLUGIN (nm_sshtun_plugin_get_type())
G_DECLARE_FINAL_TYPE(NMSshtunPlugin, nm_sshtun_plugin, NM, SSHTUN_PLUGIN, NMVpnServicePlugin)

/* A secret of the connection's, in memory only: wiped when dropped. */
struct secret {
	char *value;		/* NULL: none */
	guint flags;		/* NM_SETTING_SECRET_FLAG_* from vpn.data NAME-flags */
	gboolean given;		/* handed to sshtun in this login: asked for again means refused */
};

struct _NMSshtunPlugin {
	NMVpnServicePlugin parent;
	struct sshtun *h;	/* the running tunnel, NULL when none */
	guint fd_source;	/* the handle's event fd in the main loop */
	guint tick_source;	/* a one-second tick: covers a loop that slept through a wakeup */
	gboolean reported;	/* the IP configuration went to NetworkManager */
	gboolean stopping;	/* NetworkManager asked for the disconnect: its end is no failure */
	gboolean up;		/* the status was SSHTUN_UP at the last look */
	struct sshtun_ipconfig sent;	/* what NetworkManager was last handed */
	gboolean owned;		/* the connection has an owner: the library's calls run with the owner's fsuid */
	uid_t uid;
	gid_t gid;
	gboolean interactive;	/* ConnectInteractive: questions may go to NetworkManager's secret agents */
	struct secret password, passphrase;
	guint answer_flags;	/* answer-flags */
	unsigned asking;	/* the question (prompt id) waiting for NewSecrets; 0: none */
	const char *asked;	/* the secret asked for then: "password", "passphrase" or "answer" */
	unsigned next;		/* keyboard-interactive: the question asked for or answered next */
	char *answers[SSHTUN_PROMPT_MAX];	/* keyboard-interactive: the answers so far */
};

G_DEFINE_TYPE(NMSshtunPlugin, nm_sshtun_plugin, NM_TYPE_VPN_SERVICE_PLUGIN)

static int log_level = SSHTUN_LOG_INFO;

static void on_log(void *ud, int level, const char *line)
{
	(void)ud;
	g_printerr("nm-sshtun-service[%ld]: %s%s\n", (long)getpid(), level <= SSHTUN_LOG_WARN ? "sshtun: " : "",
		   line);
}

static void say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_printerr("nm-sshtun-service[%ld]: %s\n", (long)getpid(), s);
	g_free(s);
}

/* ---- secrets: kept in memory only, wiped when dropped ---- */

static void wipe_str(char **v)
{
	if (*v) {
		explicit_bzero(*v, strlen(*v));
		g_free(*v);
		*v = NULL;
	}
}

static void secret_set(struct secret *x, const char *v)
{
	wipe_str(&x->value);
	x->value = v && *v ? g_strdup(v) : NULL;
}

static void answers_clear(NMSshtunPlugin *p)
{
	for (unsigned i = 0; i < SSHTUN_PROMPT_MAX; i++) {
		wipe_str(&p->answers[i]);
	}
	p->next = 0;
}

static void secrets_clear(NMSshtunPlugin *p)
{
	secret_set(&p->password, NULL);
	secret_set(&p->passphrase, NULL);
	p->password.given = p->passphrase.given = FALSE;
	p->password.flags = p->passphrase.flags = p->answer_flags = 0;
	answers_clear(p);
	p->asking = 0;
	p->asked = NULL;
}

/* Removes the handle and its sources (never from within one of its callbacks), and wipes the secrets. */
static void tunnel_free(NMSshtunPlugin *p)
{
	if (p->fd_source) {
		g_source_remove(p->fd_source);
		p->fd_source = 0;
	}
	if (p->tick_source) {
		g_source_remove(p->tick_source);
		p->tick_source = 0;
	}
	if (p->h) {
		sshtun_del(p->h);
		p->h = NULL;
	}
	p->reported = FALSE;
	p->stopping = FALSE;
	p->interactive = FALSE;
	secrets_clear(p);
}

/*
 * The library's calls for an owned connection run with the owner's filesystem ids: files and sockets are
 * opened with the owner's rights (CAP_DAC_OVERRIDE and the other file capabilities leave the effective set
 * while the fsuid is not 0, and come back with it); CAP_NET_ADMIN, which the device needs, stays.
 */
static void as_owner(NMSshtunPlugin *p)
{
	if (p->owned) {
		setfsgid(p->gid);
		setfsuid(p->uid);
	}
}

static void as_root(NMSshtunPlugin *p)
{
	if (p->owned) {
		setfsuid(0);
		setfsgid(0);
	}
}

/* ---- the IP configuration as NetworkManager takes it (nm-vpn-dbus-interface.h) ---- */

static gboolean ip4(const char *s, guint32 *a)
{
	struct in_addr in;

	if (!s || !*s || inet_pton(AF_INET, s, &in) != 1) {
		return FALSE;
	}
	*a = in.s_addr;	/* network byte order, as NetworkManager wants it */
	return TRUE;
}

static GVariant *ip6(const char *s)
{
	struct in6_addr in;

	if (!s || !*s || inet_pton(AF_INET6, s, &in) != 1) {
		return NULL;
	}
	return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, &in, sizeof(in), 1);
}

/* The half-default routes TunnelRoute default adds: NetworkManager makes its own default route instead. */
static gboolean half_default(const char *dest, unsigned prefix)
{
	return prefix == 1 && (!strcmp(dest, "0.0.0.0") || !strcmp(dest, "128.0.0.0") || !strcmp(dest, "::") ||
			       !strcmp(dest, "8000::"));
}

/* Hands the configuration to NetworkManager; FALSE if it has no usable address. */
static gboolean report_config(NMSshtunPlugin *p)
{
	NMVpnServicePlugin *plugin = NM_VPN_SERVICE_PLUGIN(p);
	struct sshtun_ipconfig c;
	GVariantBuilder cfg, b4, b6, r4, r6, d4, d6, dom;
	gboolean has4 = FALSE, has6 = FALSE;
	guint32 a, peer;
	GVariant *v;
	int r;

	memset(&c, 0, sizeof(c));
	if ((r = sshtun_get_ipconfig(p->h, &c, sizeof(c))) != 0) {
		say("no IP configuration: %s", sshtun_strerror(r));
		return FALSE;
	}
	g_variant_builder_init(&b4, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_init(&b6, G_VARIANT_TYPE_VARDICT);
	for (unsigned i = 0; i < c.naddr && i < SSHTUN_IPC_ADDRS; i++) {
		if (c.addr[i].family == AF_INET && !has4 && ip4(c.addr[i].address, &a)) {
			has4 = TRUE;
			g_variant_builder_add(&b4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_ADDRESS, g_variant_new_uint32(a));
			g_variant_builder_add(&b4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_PREFIX,
					      g_variant_new_uint32(c.addr[i].prefix));
			if (ip4(c.addr[i].peer, &peer)) {
				g_variant_builder_add(&b4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_PTP,
						      g_variant_new_uint32(peer));
			}
		} else if (c.addr[i].family == AF_INET6 && !has6 && (v = ip6(c.addr[i].address))) {
			has6 = TRUE;
			g_variant_builder_add(&b6, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_ADDRESS, v);
			g_variant_builder_add(&b6, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_PREFIX,
					      g_variant_new_uint32(c.addr[i].prefix));
			if ((v = ip6(c.addr[i].peer))) {
				g_variant_builder_add(&b6, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_PTP, v);
			}
		}
	}
	if (!has4 && !has6) {
		say("the tunnel has no address: give local-address, or a remote-command that hands one out");
		g_variant_builder_clear(&b4);
		g_variant_builder_clear(&b6);
		return FALSE;
	}

	/* Routes: ip4 as aau [dest, prefix, next hop, metric], ip6 as a(ayuayu). */
	g_variant_builder_init(&r4, G_VARIANT_TYPE("aau"));
	g_variant_builder_init(&r6, G_VARIANT_TYPE("a(ayuayu)"));
	for (unsigned i = 0; i < c.nroute && i < SSHTUN_IPC_ROUTES; i++) {
		if (c.default_route && half_default(c.route[i].dest, c.route[i].prefix)) {
			continue;
		}
		if (c.route[i].family == AF_INET && ip4(c.route[i].dest, &a)) {
			guint32 gw = 0, rt[4];

			(void)ip4(c.route[i].gateway, &gw);
			rt[0] = a;
			rt[1] = c.route[i].prefix;
			rt[2] = gw;
			rt[3] = 0;
			g_variant_builder_add_value(&r4, g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, rt, 4,
										   sizeof(guint32)));
		} else if (c.route[i].family == AF_INET6 && (v = ip6(c.route[i].dest))) {
			GVariant *gw = ip6(c.route[i].gateway);

			if (!gw) {
				gw = ip6("::");
			}
			g_variant_builder_add(&r6, "(@ayu@ayu)", v, c.route[i].prefix, gw, 0u);
		}
	}
	g_variant_builder_add(&b4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_ROUTES, g_variant_builder_end(&r4));
	g_variant_builder_add(&b6, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_ROUTES, g_variant_builder_end(&r6));

	/* DNS: by family; the domains go with whichever configuration there is. */
	g_variant_builder_init(&d4, G_VARIANT_TYPE("au"));
	g_variant_builder_init(&d6, G_VARIANT_TYPE("aay"));
	for (unsigned i = 0; i < c.ndns && i < SSHTUN_IPC_DNS; i++) {
		if (ip4(c.dns[i], &a)) {
			g_variant_builder_add(&d4, "u", a);
		} else if ((v = ip6(c.dns[i]))) {
			g_variant_builder_add_value(&d6, v);
		}
	}
	g_variant_builder_add(&b4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_DNS, g_variant_builder_end(&d4));
	g_variant_builder_add(&b6, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_DNS, g_variant_builder_end(&d6));
	if (c.ndomains) {
		g_variant_builder_init(&dom, G_VARIANT_TYPE_STRING_ARRAY);
		for (unsigned i = 0; i < c.ndomains && i < SSHTUN_IPC_DOMAINS; i++) {
			g_variant_builder_add(&dom, "s", c.domains[i]);
		}
		v = g_variant_builder_end(&dom);
		g_variant_ref_sink(v);
		g_variant_builder_add(&b4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_DOMAINS, v);
		g_variant_builder_add(&b6, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_DOMAINS, v);
		g_variant_unref(v);
	}
	/* The default route only with TunnelRoute default. */
	g_variant_builder_add(&b4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_NEVER_DEFAULT, g_variant_new_boolean(!c.default_route));
	g_variant_builder_add(&b6, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_NEVER_DEFAULT, g_variant_new_boolean(!c.default_route));

	/* The generic configuration first: the device, the server (kept off the tunnel), the MTU, the families. */
	g_variant_builder_init(&cfg, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&cfg, "{sv}", NM_VPN_PLUGIN_CONFIG_TUNDEV, g_variant_new_string(c.device));
	if (ip4(c.server, &a)) {
		g_variant_builder_add(&cfg, "{sv}", NM_VPN_PLUGIN_CONFIG_EXT_GATEWAY, g_variant_new_uint32(a));
	} else if ((v = ip6(c.server))) {
		g_variant_builder_add(&cfg, "{sv}", NM_VPN_PLUGIN_CONFIG_EXT_GATEWAY, v);
	}
	if (c.mtu) {
		g_variant_builder_add(&cfg, "{sv}", NM_VPN_PLUGIN_CONFIG_MTU, g_variant_new_uint32(c.mtu));
	}
	g_variant_builder_add(&cfg, "{sv}", NM_VPN_PLUGIN_CONFIG_HAS_IP4, g_variant_new_boolean(has4));
	g_variant_builder_add(&cfg, "{sv}", NM_VPN_PLUGIN_CONFIG_HAS_IP6, g_variant_new_boolean(has6));
	p->sent = c;
	say("tunnel up on %s (server %s): handing NetworkManager %s%s%s, %u route(s), %u DNS server(s)", c.device,
	    c.server, has4 ? "IPv4" : "", has4 && has6 ? " and " : "", has6 ? "IPv6" : "", c.nroute, c.ndns);
	nm_vpn_service_plugin_set_config(plugin, g_variant_builder_end(&cfg));
	if (has4) {
		nm_vpn_service_plugin_set_ip4_config(plugin, g_variant_builder_end(&b4));
	} else {
		g_variant_builder_clear(&b4);
	}
	if (has6) {
		nm_vpn_service_plugin_set_ip6_config(plugin, g_variant_builder_end(&b6));
	} else {
		g_variant_builder_clear(&b6);
	}
	return TRUE;
}

/* ---- the tunnel in the main loop ---- */

/*
 * Tells NetworkManager why the VPN failed. While the service is STARTING, libnm's failure() sends a failure of its
 * own (connect-failed) after ours, and NetworkManager keeps the last reason: nmcli would say "Unknown reason" for
 * a refused login. From STARTED it sends none, so the service moves there first.
 */
static void report_failure(NMSshtunPlugin *p, NMVpnPluginFailure why)
{
	NMVpnServicePlugin *plugin = NM_VPN_SERVICE_PLUGIN(p);
	NMVpnServiceState st = NM_VPN_SERVICE_STATE_UNKNOWN;

	g_object_get(plugin, NM_VPN_SERVICE_PLUGIN_STATE, &st, NULL);
	if (st == NM_VPN_SERVICE_STATE_STARTING) {
		g_object_set(plugin, NM_VPN_SERVICE_PLUGIN_STATE, NM_VPN_SERVICE_STATE_STARTED, NULL);
	}
	nm_vpn_service_plugin_failure(plugin, why);
}

static void check_status(NMSshtunPlugin *p)
{
	int st = sshtun_status(p->h);
	NMVpnPluginFailure why;

	if (st == SSHTUN_UP && !p->reported) {
		p->reported = TRUE;
		p->up = TRUE;
		if (!report_config(p)) {
			tunnel_free(p);
			report_failure(p, NM_VPN_PLUGIN_FAILURE_BAD_IP_CONFIG);
		}
		return;
	}
	if (st == SSHTUN_UP && !p->up) {
		/* Up again after a reconnect: the server may hand out another configuration (its command's output
		 * changed); NetworkManager gets it if it differs from what it has. */
		struct sshtun_ipconfig c;

		p->up = TRUE;
		memset(&c, 0, sizeof(c));
		if (sshtun_get_ipconfig(p->h, &c, sizeof(c)) == 0 && memcmp(&c, &p->sent, sizeof(c)) != 0) {
			say("reconnected with a changed IP configuration");
			if (!report_config(p)) {
				tunnel_free(p);
				nm_vpn_service_plugin_failure(NM_VPN_SERVICE_PLUGIN(p), NM_VPN_PLUGIN_FAILURE_BAD_IP_CONFIG);
			}
		}
		return;
	}
	if (st != SSHTUN_UP) {
		p->up = FALSE;
	}
	if (st < SSHTUN_STOPPED) {
		return;
	}
	if (p->stopping) {
		say("the tunnel is closed");
		tunnel_free(p);
		return;
	}
	if (st == SSHTUN_FAILED) {
		say("the tunnel failed: %s", sshtun_error_text(p->h));
	} else {
		say("the server ended the tunnel");
	}
	/* A refused login is NetworkManager's "login failed" (nmcli: "Login to VPN failed"). */
	why = st == SSHTUN_FAILED && sshtun_errclass(sshtun_error(p->h)) == SSHTUN_CLASS_AUTH ?
		NM_VPN_PLUGIN_FAILURE_LOGIN_FAILED : NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED;
	tunnel_free(p);
	/* Failed before the configuration went out, or ended after (the server closed): both stop the VPN. */
	report_failure(p, why);
}

static gboolean on_event(gint fd, GIOCondition cond, gpointer ud)
{
	NMSshtunPlugin *p = ud;

	(void)fd;
	(void)cond;
	if (!p->h) {
		p->fd_source = 0;
		return G_SOURCE_REMOVE;
	}
	as_owner(p);
	sshtun_dispatch_event(p->h);
	as_root(p);
	check_status(p);
	return G_SOURCE_CONTINUE;	/* tunnel_free removed the source if the tunnel ended */
}

static gboolean on_tick(gpointer ud)
{
	NMSshtunPlugin *p = ud;

	if (!p->h) {
		p->tick_source = 0;
		return G_SOURCE_REMOVE;
	}
	as_owner(p);
	sshtun_dispatch_event(p->h);
	as_root(p);
	check_status(p);
	return G_SOURCE_CONTINUE;
}

/* ---- Connect and Disconnect ---- */

static const char *item(NMSettingVpn *s, const char *key)
{
	const char *v = nm_setting_vpn_get_data_item(s, key);

	return v && *v ? v : NULL;
}

static gboolean fail(GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean fail(GError **error, int code, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	say("%s", s);
	g_set_error_literal(error, NM_VPN_PLUGIN_ERROR, code, s);
	g_free(s);
	return FALSE;
}

/* One ssh_config option for the handle; FALSE (and error set) if sshtun refuses it. */
static gboolean opt(struct sshtun *h, const char *key, const char *value, GError **error)
{
	int r = sshtun_set_params(h, key, value, NULL);

	if (r != 0) {
		return fail(error, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, "sshtun refuses %s%s%s: %s", key,
			    *key ? " " : "", value, sshtun_strerror(r));
	}
	return TRUE;
}

/*
 * The connection's owner: the one user its permissions name (user:NAME), whose files and agent the tunnel
 * uses. FALSE (error set) if that user does not exist; p->owned FALSE for a connection without one owner.
 */
static gboolean find_owner(NMSshtunPlugin *p, NMConnection *connection, char **home, char **name, GError **error)
{
	NMSettingConnection *sc = nm_connection_get_setting_connection(connection);
	const char *type = NULL, *user = NULL, *who = NULL;
	struct passwd pw, *res = NULL;
	char buf[16384];
	guint n = sc ? nm_setting_connection_get_num_permissions(sc) : 0, users = 0;

	p->owned = FALSE;
	for (guint i = 0; i < n; i++) {
		if (nm_setting_connection_get_permission(sc, i, &type, &user, NULL) && type && !strcmp(type, "user")) {
			users++;
			who = user;
		}
	}
	if (users != 1) {
		return TRUE;	/* a system connection, or one shared by several users: no one's files */
	}
	if (getpwnam_r(who, &pw, buf, sizeof(buf), &res) != 0 || !res) {
		return fail(error, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, "the connection's owner %s is not a user here", who);
	}
	p->owned = TRUE;
	p->uid = pw.pw_uid;
	p->gid = pw.pw_gid;
	*home = g_strdup(pw.pw_dir);
	*name = g_strdup(pw.pw_name);
	return TRUE;
}

/* The owner's agent where desktops and ssh-agent's user unit put it: a socket of the owner's, or NULL. */
static char *owner_agent(NMSshtunPlugin *p)
{
	static const char *const where[] = { "openssh_agent", "ssh-agent.socket", "gcr/ssh", "keyring/ssh" };
	struct stat st;
	char features[256];

	/* A library built --without-agent refuses any IdentityAgent but none: then there is none to look for. */
	if (sshtun_algorithms("feature", features, sizeof(features)) != 0 || !strstr(features, "agent")) {
		return NULL;
	}

	for (size_t i = 0; i < G_N_ELEMENTS(where); i++) {
		char *path = g_strdup_printf("/run/user/%lu/%s", (unsigned long)p->uid, where[i]);
		int r;

		as_owner(p);
		r = lstat(path, &st);
		as_root(p);
		if (r == 0 && S_ISSOCK(st.st_mode) && st.st_uid == p->uid) {
			return path;
		}
		g_free(path);
	}
	return NULL;
}

/* "Keyword "value"" for the connection-wide text; FALSE if the value cannot be written as one word. */
static gboolean text_line(GString *t, const char *kw, const char *value, GError **error)
{
	for (const char *c = value; *c; c++) {
		if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20 || *c == 0x7f) {
			return fail(error, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, "%s: \"%s\" holds a quote, backslash or "
				    "control character", kw, value);
		}
	}
	g_string_append_printf(t, "\t%s \"%s\"\n", kw, value);
	return TRUE;
}

/*
 * The connection's settings for the handle. Those that concern the server alone are parameters; those that
 * concern every host of the connection (known_hosts, the key, the agent: jump hosts log in as the server does)
 * are a "Host *" block read as configuration text, which jump hosts read too.
 */
static gboolean configure(NMSshtunPlugin *p, NMConnection *connection, NMSettingVpn *s, GError **error)
{
	struct sshtun *h = p->h;
	const char *host = item(s, "host"), *kh = item(s, "known-hosts"), *agent = item(s, "agent"), *v;
	char *home = NULL, *owner = NULL, *found = NULL;
	GString *all;
	gboolean ok;
	int r;

	if (!host) {
		return fail(error, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, "the connection has no host (vpn.data host=...)");
	}
	if (!find_owner(p, connection, &home, &owner, error)) {
		return FALSE;
	}
	if (!kh && !p->owned) {
		return fail(error, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
			    "the connection has no known-hosts file (vpn.data known-hosts=PATH) and no owner whose "
			    "~/.ssh/known_hosts would do: the server's host key cannot be checked without one");
	}
	if (p->owned) {
		/* One connection per service process: ~ (and the library's default files) are the owner's. */
		g_setenv("HOME", home, TRUE);
		say("the connection is %s's: files and agent are used with %s's rights", owner, owner);
	} else {
		/* A later Connect in the same process may be a system connection: ~ is root's again. */
		struct passwd pw, *res = NULL;
		char buf[4096];

		if (getpwuid_r(0, &pw, buf, sizeof(buf), &res) == 0 && res) {
			g_setenv("HOME", pw.pw_dir, TRUE);
		}
	}
	/*
	 * This service's own settings come first, since the first value set for an option wins (as in ssh): the
	 * connection's extra options cannot change them. NetworkManager configures the device; questions go to
	 * on_prompt (configure_auth); the host key is checked against known_hosts only (for jump hosts too, by
	 * the text below); a lost connection is made again.
	 */
	ok = opt(h, "TunnelConfigure", "no", error) &&
	     opt(h, "TunnelReconnect", "yes", error) && opt(h, "StrictHostKeyChecking", "yes", error) &&
	     opt(h, "Host", host, error) &&
	     (!(v = item(s, "port")) || opt(h, "Port", v, error)) &&
	     (!(v = item(s, "user") ? item(s, "user") : owner) || opt(h, "User", v, error)) &&
	     (!(v = item(s, "jump-hosts")) || opt(h, "ProxyJump", v, error));
	if (!ok) {
		goto out;
	}
	v = item(s, "tunnel-mode");
	if (v && strcmp(v, "tun") && strcmp(v, "tap")) {
		ok = fail(error, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, "tunnel-mode is tun or tap, not \"%s\"", v);
		goto out;
	}
	ok = opt(h, "Tunnel", v && !strcmp(v, "tap") ? "ethernet" : "point-to-point", error) &&
	     (!(v = item(s, "remote-command")) || opt(h, "TunnelConfigCommand", v, error)) &&
	     (!(v = item(s, "mtu")) || opt(h, "TunnelMTU", v, error)) &&
	     (!(v = item(s, "local-address")) || opt(h, "TunnelAddress", v, error)) &&
	     (!(v = item(s, "remote-address")) || opt(h, "TunnelPeer", v, error)) &&
	     (!(v = item(s, "routes")) || opt(h, "TunnelRoute", v, error));
	if (ok && (v = item(s, "extra-options"))) {
		char **lines = g_strsplit_set(v, ";\n", -1);

		for (char **l = lines; ok && *l; l++) {
			char *t = g_strstrip(*l);

			if (*t) {
				ok = opt(h, "", t, error);
			}
		}
		g_strfreev(lines);
	}
	if (!ok) {
		goto out;
	}
	/* Every host of the connection: the server and its jump hosts. */
	all = g_string_new("Host *\n\tStrictHostKeyChecking yes\n");
	if (kh) {
		ok = text_line(all, "UserKnownHostsFile", kh, error) && text_line(all, "GlobalKnownHostsFile", "/dev/null", error);
	}
	if (ok && (v = item(s, "identity-file"))) {
		ok = text_line(all, "IdentityFile", v, error) && text_line(all, "IdentitiesOnly", "yes", error);
	}
	if (ok && !agent && p->owned) {
		agent = found = owner_agent(p);
	}
	if (ok) {
		ok = text_line(all, "IdentityAgent", agent ? agent : "none", error);
	}
	if (ok && (r = sshtun_read_config_text(h, "the connection's settings", all->str)) != 0) {
		ok = fail(error, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, "sshtun refuses the connection's settings: %s",
			  sshtun_strerror(r));
	}
	if (ok && found) {
		say("using %s's agent at %s", owner, found);
	}
	g_string_free(all, TRUE);
out:
	g_free(found);
	g_free(home);
	g_free(owner);
	return ok;
}

/* ---- questions: answered from the connection's secrets, or asked of NetworkManager's secret agents ---- */

static guint secret_flags(NMSettingVpn *s, const char *name)
{
	NMSettingSecretFlags f = NM_SETTING_SECRET_FLAG_NONE;

	if (!nm_setting_get_secret_flags(NM_SETTING(s), name, &f, NULL)) {
		f = NM_SETTING_SECRET_FLAG_NONE;
	}
	return (guint)f;
}

/* Hands sshtun the answers to question id (NULL: declined); sshtun copies them. */
static void answer(NMSshtunPlugin *p, unsigned id, const char *const *answers, unsigned n)
{
	int r = sshtun_answer(p->h, id, answers, n);

	if (r != 0) {
		say("sshtun takes no answer now: %s", sshtun_strerror(r));
	}
}

static void decline(NMSshtunPlugin *p, const struct sshtun_prompt *q, const char *why)
{
	say("not answered: %s", why);
	answers_clear(p);
	p->asking = 0;
	answer(p, q->id, NULL, 0);
}

/*
 * Asks NetworkManager's secret agents for secret name (hints: the name and the message), or declines where no
 * one can be asked. The message's last line is the question itself: the auth dialog labels the field with it.
 */
static void ask_agents(NMSshtunPlugin *p, const struct sshtun_prompt *q, const char *name, guint flags,
		       const char *question)
{
	const char *hints[2] = { name, NULL };
	char *why = NULL, *msg;

	if (flags & NM_SETTING_SECRET_FLAG_NOT_REQUIRED) {
		why = g_strdup_printf("the server asks \"%s\", but %s-flags say not required: not asking for it",
				      question, name);
	} else if (!p->interactive) {
		why = g_strdup_printf("the server asks \"%s\", and no secret agent can be asked (NetworkManager "
				      "called Connect: an agent without VPN hints is registered)", question);
	} else if (p->reported) {
		why = g_strdup_printf("the server asks \"%s\" as the tunnel comes back: NetworkManager takes "
				      "questions only while the VPN connects", question);
	}
	if (why) {
		decline(p, q, why);
		g_free(why);
		return;
	}
	msg = g_strdup_printf("%s%s%s%s%s", q->name, *q->name ? "\n" : "", q->instruction,
			      *q->instruction && q->instruction[strlen(q->instruction) - 1] != '\n' ? "\n" : "",
			      question);
	p->asking = q->id;
	p->asked = name;
	say("asking NetworkManager's secret agents for the %s secret: \"%s\"", name, question);
	nm_vpn_service_plugin_secrets_required(NM_VPN_SERVICE_PLUGIN(p), msg, hints);
	g_free(msg);
}

/* A passphrase or password question: the stored secret once, then the agents. */
static void ask_secret(NMSshtunPlugin *p, const struct sshtun_prompt *q, struct secret *x, const char *name)
{
	if (x->value && !x->given) {
		const char *a[1] = { x->value };

		x->given = TRUE;
		answer(p, q->id, a, 1);
		return;
	}
	if (x->value) {
		char *said = g_strchomp(g_strdup(q->instruction[0] ? q->instruction : q->question[0]));

		say("the %s was refused (%s): not sent again", name, said);
		g_free(said);
	}
	ask_agents(p, q, name, x->flags, q->question[0]);
}

/* A keyboard-interactive question that asks for the login password (PAM's "Password:"). */
static gboolean password_question(const struct sshtun_prompt *q, unsigned i)
{
	return !q->echo[i] && strcasestr(q->question[i], "password") != NULL;
}

/* Answers keyboard-interactive's questions from p->next on, asking the agents for what is not known. */
static void keyboard_next(NMSshtunPlugin *p, const struct sshtun_prompt *q)
{
	while (p->next < q->n) {
		const char *question = q->question[p->next];

		if (password_question(q, p->next)) {
			if (!p->password.value || p->password.given) {
				ask_agents(p, q, "password", p->password.flags, question);
				return;
			}
			p->password.given = TRUE;
			p->answers[p->next++] = g_strdup(p->password.value);
			continue;
		}
		ask_agents(p, q, "answer", p->answer_flags, question);
		return;
	}
	answer(p, q->id, (const char *const *)p->answers, q->n);
	answers_clear(p);
}

static void on_prompt(void *ud, const struct sshtun_prompt *q)
{
	NMSshtunPlugin *p = ud;

	answers_clear(p);
	p->asking = 0;
	switch (q->kind) {
	case SSHTUN_PROMPT_PASSPHRASE:
		ask_secret(p, q, &p->passphrase, "passphrase");
		break;
	case SSHTUN_PROMPT_PASSWORD:
		ask_secret(p, q, &p->password, "password");
		break;
	case SSHTUN_PROMPT_KEYBOARD:
		keyboard_next(p, q);
		break;
	case SSHTUN_PROMPT_NEW_PASSWORD:
		decline(p, q, "the server wants the password changed: change it with ssh, then the connection's secret");
		break;
	case SSHTUN_PROMPT_HOSTKEY:
		decline(p, q, "the server's host key is not in known-hosts: add it there");
		break;
	default:
		decline(p, q, q->n ? q->question[0] : "a question NetworkManager cannot be asked");
		break;
	}
}

/* NewSecrets: the agents' answer to the question ask_agents put. */
static gboolean real_new_secrets(NMVpnServicePlugin *plugin, NMConnection *connection, GError **error)
{
	NMSshtunPlugin *p = NM_SSHTUN_PLUGIN(plugin);
	NMSettingVpn *s = nm_connection_get_setting_vpn(connection);
	const struct sshtun_prompt *q = p->h ? sshtun_prompt(p->h) : NULL;
	struct secret *x = NULL;
	const char *v;

	if (!p->asking || !q || q->id != p->asking) {
		return fail(error, NM_VPN_PLUGIN_ERROR_WRONG_STATE, "new secrets, but no question waits for them");
	}
	p->asking = 0;
	v = s ? nm_setting_vpn_get_secret(s, p->asked) : NULL;
	if (!v || !*v) {
		char *why = g_strdup_printf("no %s came from the secret agent", p->asked);

		decline(p, q, why);
		g_free(why);
		return TRUE;
	}
	if (!strcmp(p->asked, "password")) {
		x = &p->password;
	} else if (!strcmp(p->asked, "passphrase")) {
		x = &p->passphrase;
	}
	if (x && x->value && x->given && !strcmp(x->value, v)) {
		char *why = g_strdup_printf("the agent sent the %s that was refused: not sent again", p->asked);

		decline(p, q, why);
		g_free(why);
		return TRUE;
	}
	say("the secret agent sent the %s secret", p->asked);
	if (x) {
		secret_set(x, v);
		x->given = TRUE;
	}
	if (q->kind == SSHTUN_PROMPT_KEYBOARD) {
		p->answers[p->next++] = g_strdup(v);
		keyboard_next(p, q);
	} else {
		const char *a[1] = { v };

		answer(p, q->id, a, 1);
	}
	return TRUE;
}

/* The tunnel came up: a reconnect may give the stored secrets again. */
static void on_status(void *ud, int status)
{
	NMSshtunPlugin *p = ud;

	if (status == SSHTUN_UP) {
		p->password.given = p->passphrase.given = FALSE;
	}
}

/* A secret the connection lacks and may ask for: no value, and its flags do not say not required. */
static gboolean secret_wanted(NMSettingVpn *s, const char *name)
{
	const char *v = nm_setting_vpn_get_secret(s, name);

	return (!v || !*v) && !(secret_flags(s, name) & NM_SETTING_SECRET_FLAG_NOT_REQUIRED);
}

/*
 * NeedSecrets: the vpn setting when auth-type=password has no password, or the identity-file is
 * passphrase-protected and there is no passphrase. Anything else is asked as the server asks (ConnectInteractive).
 */
static gboolean real_need_secrets(NMVpnServicePlugin *plugin, NMConnection *connection, const char **setting_name,
				  GError **error)
{
	NMSshtunPlugin *p = NM_SSHTUN_PLUGIN(plugin);
	NMSettingVpn *s = nm_connection_get_setting_vpn(connection);
	const char *auth, *key, *missing = NULL;

	if (!s) {
		return fail(error, NM_VPN_PLUGIN_ERROR_INVALID_CONNECTION, "the connection has no vpn setting");
	}
	auth = item(s, "auth-type");
	key = item(s, "identity-file");
	if (auth && !strcmp(auth, "password")) {
		missing = secret_wanted(s, "password") ? "password" : NULL;
	} else if (key && (!auth || !strcmp(auth, "key")) && secret_wanted(s, "passphrase") && !p->h) {
		/* The library reads the key's header, with the owner's rights for an owned connection (as later). */
		char *home = NULL, *name = NULL;
		int enc = 0;

		if (find_owner(p, connection, &home, &name, NULL)) {
			/* ~/ is the owner's home, as the library will take it once HOME is the owner's. */
			char *path = !strncmp(key, "~/", 2) && home ? g_build_filename(home, key + 2, NULL) : g_strdup(key);

			as_owner(p);
			enc = sshtun_key_file_encrypted(path);
			as_root(p);
			g_free(path);
		}
		g_free(home);
		g_free(name);
		missing = enc == 1 ? "passphrase" : NULL;
	}
	if (!missing) {
		return FALSE;
	}
	say("the connection needs its %s secret", missing);
	*setting_name = NM_SETTING_VPN_SETTING_NAME;
	return TRUE;
}

/* auth-type, the secrets, and where questions go; before configure(): the first value set wins. */
static gboolean configure_auth(NMSshtunPlugin *p, NMSettingVpn *s, GError **error)
{
	const char *auth = item(s, "auth-type");

	secret_set(&p->password, nm_setting_vpn_get_secret(s, "password"));
	secret_set(&p->passphrase, nm_setting_vpn_get_secret(s, "passphrase"));
	p->password.flags = secret_flags(s, "password");
	p->passphrase.flags = secret_flags(s, "passphrase");
	p->answer_flags = secret_flags(s, "answer");
	p->password.given = p->passphrase.given = FALSE;
	sshtun_set_prompt_cb(p->h, on_prompt, p);
	sshtun_set_status_cb(p->h, on_status, p);
	if (!auth) {
		return TRUE;
	}
	if (!strcmp(auth, "key") || !strcmp(auth, "agent")) {
		return opt(p->h, "PreferredAuthentications", "publickey", error);
	}
	if (!strcmp(auth, "password")) {
		return opt(p->h, "PreferredAuthentications", "keyboard-interactive,password", error) &&
		       opt(p->h, "PubkeyAuthentication", "no", error);
	}
	return fail(error, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, "auth-type is key, agent or password, not \"%s\"", auth);
}

static gboolean connect_common(NMVpnServicePlugin *plugin, NMConnection *connection, gboolean interactive,
			       GError **error)
{
	NMSshtunPlugin *p = NM_SSHTUN_PLUGIN(plugin);
	NMSettingVpn *s = nm_connection_get_setting_vpn(connection);
	int r;

	if (!s) {
		return fail(error, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, "the connection has no vpn setting");
	}
	if (p->h) {
		return fail(error, NM_VPN_PLUGIN_ERROR_WRONG_STATE, "a tunnel is running already");
	}
	if ((r = sshtun_new(&p->h)) != 0) {
		return fail(error, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED, "sshtun_new: %s", sshtun_strerror(r));
	}
	sshtun_set_log(p->h, on_log, p, log_level);
	p->interactive = interactive;
	if (!configure_auth(p, s, error) || !configure(p, connection, s, error)) {
		tunnel_free(p);
		return FALSE;
	}
	as_owner(p);
	r = sshtun_start(p->h);
	as_root(p);
	if (r != 0) {
		fail(error, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED, "cannot start the tunnel: %s",
		     *sshtun_error_text(p->h) ? sshtun_error_text(p->h) : sshtun_strerror(r));
		tunnel_free(p);
		return FALSE;
	}
	say("connecting to %s (%s)", item(s, "host"), interactive ? "questions go to NetworkManager's secret agents" :
	    "NetworkManager called Connect, not ConnectInteractive: only the secrets it sent can be used");
	p->reported = FALSE;
	p->fd_source = g_unix_fd_add(sshtun_event_fd(p->h), G_IO_IN, on_event, p);
	p->tick_source = g_timeout_add(1000, on_tick, p);
	return TRUE;
}

static gboolean real_connect(NMVpnServicePlugin *plugin, NMConnection *connection, GError **error)
{
	return connect_common(plugin, connection, FALSE, error);
}

static gboolean real_connect_interactive(NMVpnServicePlugin *plugin, NMConnection *connection, GVariant *details,
					 GError **error)
{
	(void)details;
	return connect_common(plugin, connection, TRUE, error);
}

static gboolean real_disconnect(NMVpnServicePlugin *plugin, GError **error)
{
	NMSshtunPlugin *p = NM_SSHTUN_PLUGIN(plugin);

	(void)error;
	if (p->h && sshtun_status(p->h) < SSHTUN_STOPPING) {
		say("disconnecting");
		p->stopping = TRUE;
		/* A clean close: the channel closed (the server undoes its side), the device removed. The loop runs
		 * on until it ends (check_status frees the handle then); the quit handler frees what is left. */
		as_owner(p);
		sshtun_stop(p->h);
		as_root(p);
		if (sshtun_status(p->h) >= SSHTUN_STOPPED) {
			say("the tunnel is closed");
			tunnel_free(p);
		}
	}
	return TRUE;
}

static void nm_sshtun_plugin_init(NMSshtunPlugin *p)
{
	p->h = NULL;
	p->fd_source = 0;
	p->tick_source = 0;
	p->reported = FALSE;
	p->stopping = FALSE;
	p->interactive = FALSE;
	memset(&p->password, 0, sizeof(p->password));
	memset(&p->passphrase, 0, sizeof(p->passphrase));
	p->answer_flags = 0;
	p->asking = 0;
	p->asked = NULL;
	p->next = 0;
	memset(p->answers, 0, sizeof(p->answers));
}

static void dispose(GObject *obj)
{
	tunnel_free(NM_SSHTUN_PLUGIN(obj));
	G_OBJECT_CLASS(nm_sshtun_plugin_parent_class)->dispose(obj);
}

static void nm_sshtun_plugin_class_init(NMSshtunPluginClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = dispose;
	NM_VPN_SERVICE_PLUGIN_CLASS(klass)->connect = real_connect;
	NM_VPN_SERVICE_PLUGIN_CLASS(klass)->connect_interactive = real_connect_interactive;
	NM_VPN_SERVICE_PLUGIN_CLASS(klass)->need_secrets = real_need_secrets;
	NM_VPN_SERVICE_PLUGIN_CLASS(klass)->new_secrets = real_new_secrets;
	NM_VPN_SERVICE_PLUGIN_CLASS(klass)->disconnect = real_disconnect;
}

/* ---- main ---- */

static GMainLoop *loop;
static NMSshtunPlugin *plugin_obj;

static void on_quit(NMVpnServicePlugin *plugin, gpointer ud)
{
	(void)plugin;
	(void)ud;
	g_main_loop_quit(loop);
}

/* SIGTERM/SIGINT: close the tunnel cleanly, then quit; at most 5 s of waiting for the close. */
static gboolean wait_stopped(gpointer ud)
{
	static int waited;

	(void)ud;
	if (!plugin_obj->h || sshtun_status(plugin_obj->h) >= SSHTUN_STOPPED || ++waited > 50) {
		g_main_loop_quit(loop);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean on_signal(gpointer ud)
{
	(void)ud;
	say("asked to exit%s", plugin_obj->h ? ": closing the tunnel first" : "");
	if (plugin_obj->h) {
		plugin_obj->stopping = TRUE;
		as_owner(plugin_obj);
		sshtun_stop(plugin_obj->h);
		as_root(plugin_obj);
	}
	g_timeout_add(100, wait_stopped, NULL);
	return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
	gboolean debug = FALSE;
	char *bus_name = NULL;
	GError *error = NULL;
	const char *lvl;
	GOptionEntry entries[] = {
		{ "debug", 0, 0, G_OPTION_ARG_NONE, &debug, "Stay alive when NetworkManager goes, log more", NULL },
		{ "bus-name", 0, 0, G_OPTION_ARG_STRING, &bus_name, "D-Bus name to own", "NAME" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new(NULL);

	g_option_context_set_summary(ctx, "NetworkManager's VPN service for sshtun (an SSH-2 tun/tap VPN).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		g_printerr("nm-sshtun-service: %s\n", error->message);
		g_option_context_free(ctx);
		return 1;
	}
	g_option_context_free(ctx);
	/* NetworkManager passes its log level (syslog's 0-7) in the environment. */
	if (debug || ((lvl = getenv("NM_VPN_LOG_LEVEL")) && atoi(lvl) >= 7)) {
		log_level = SSHTUN_LOG_DEBUG1;
	}
	/* A write to a closed SSH socket is an error to handle, not a signal to die of. */
	signal(SIGPIPE, SIG_IGN);

	plugin_obj = g_initable_new(NM_TYPE_SSHTUN_PLUGIN, NULL, &error, NM_VPN_SERVICE_PLUGIN_DBUS_SERVICE_NAME,
				    bus_name ? bus_name : SSHTUN_NM_SERVICE, NM_VPN_SERVICE_PLUGIN_DBUS_WATCH_PEER,
				    !debug, NULL);
	g_free(bus_name);
	if (!plugin_obj) {
		g_printerr("nm-sshtun-service: cannot start the service: %s\n", error ? error->message : "?");
		g_clear_error(&error);
		return 1;
	}
	loop = g_main_loop_new(NULL, FALSE);
	g_signal_connect(plugin_obj, "quit", G_CALLBACK(on_quit), NULL);
	g_unix_signal_add(SIGTERM, on_signal, NULL);
	g_unix_signal_add(SIGINT, on_signal, NULL);
	g_main_loop_run(loop);
	if (plugin_obj->h) {
		say("exiting with the tunnel still open: it is torn down at once");
	}
	g_object_unref(plugin_obj);	/* dispose frees a tunnel still there */
	g_main_loop_unref(loop);
	return 0;
}
