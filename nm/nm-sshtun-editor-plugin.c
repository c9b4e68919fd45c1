/*
 * libnm-vpn-plugin-sshtun.so: NetworkManager's editor plugin for sshtun connections (NMVpnEditorPlugin). nmcli and
 * GNOME's programs load it with dlopen, through the [libnm] plugin= line of nm-sshtun-service.name, for
 * `nmcli connection import type sshtun file F`, `nmcli connection export NAME F`, and the editor page, which
 * lives in libnm-vpn-plugin-sshtun-editor.so beside it (GTK is never loaded into nmcli). It exports only
 * nm_vpn_editor_plugin_factory (nm/nm-sshtun-editor-plugin.map); the libsshtun.a it is linked with stays
 * hidden inside it. Built on the public API (include/sshtun.h) only.
 *
 * Import: the file is an ssh_config file, read by libsshtun's own parser (sshtun_read_config): the connection
 * is its first Host block whose pattern is a plain name (no * ? !), the alias it names being the connection's
 * id, with what the whole file gives that alias (Host * blocks, Match, Include, as ssh would), each value as
 * sshtun_get_option reports it (~, %h, %d expanded). Only what the file sets is taken, never a default:
 *   HostName -> host (else the alias)      Port -> port            User -> user
 *   IdentityFile -> identity-file (the first; the others go to extra-options)
 *   UserKnownHostsFile -> known-hosts (one file)
 *   Tunnel -> tunnel-mode (ethernet: tap, point-to-point: tun)    TunnelConfigCommand -> remote-command
 *   ProxyJump -> jump-hosts    TunnelMTU -> mtu    TunnelAddress -> local-address    TunnelPeer -> remote-address
 *   TunnelRoute -> routes (separated by spaces)
 * Keywords the service carries as they are go to extra-options, one "Keyword value" per line (lines separated by
 * ";"): algorithms, timeouts and keepalives, authentication methods, CertificateFile, IdentityAgent, BindAddress,
 * BindInterface, AddressFamily, TunnelDNS, TunnelDevice, ... (safe[] below). Keywords that would change where
 * the traffic goes or whom it trusts, and that a connection cannot carry, refuse the import with a message
 * naming them (refused[] below): ProxyCommand, LocalCommand, TunnelDownCommand, PermitLocalCommand yes,
 * HostKeyAlias, GlobalKnownHostsFile, StrictHostKeyChecking other than yes, more than one UserKnownHostsFile,
 * TunnelBridge, TunnelKillSwitch yes, TunnelSeccomp yes. What the service decides itself (TunnelConfigure,
 * TunnelReconnect; BatchMode: its questions go to NetworkManager's secret agents, which the connection's secret
 * flags govern) and logging (LogLevel, SyslogFacility) are left out. A file that does not
 * parse is refused with the parser's reason.
 *
 * Export: a Host block named after the connection's id holding those keywords, which imports back to the same
 * vpn.data.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <NetworkManager.h>

#include "sshtun.h"

#define SSHTUN_NM_SERVICE "org.freedesktop.NetworkManager.sshtun"
#define SSHTUN_NM_EDITOR "libnm-vpn-plugin-sshtun-editor.so"

/* The one symbol exported (-fvisibility=hidden elsewhere, and the version script). */
__attribute__((visibility("default"))) NMVpnEditorPlugin *nm_vpn_editor_plugin_factory(GError **error);

/* ---- the import ---- */

/* The last error line the library logged: the parser's reason for a file it refuses. */
struct lastlog {
	char line[512];
};

static void on_log(void *ud, int level, const char *line)
{
	struct lastlog *l = ud;

	if (level <= SSHTUN_LOG_ERROR) {
		g_strlcpy(l->line, line, sizeof(l->line));
	}
}

/* A handle with the file read, for host (NULL: none given). */
static struct sshtun *read_file(const char *path, const char *host, struct lastlog *l, GError **error)
{
	struct sshtun *h = NULL;
	int r;

	if ((r = sshtun_new(&h)) != 0) {
		g_set_error(error, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_FAILED, "sshtun: %s", sshtun_strerror(r));
		return NULL;
	}
	sshtun_set_log(h, on_log, l, SSHTUN_LOG_ERROR);
	if ((host && (r = sshtun_set_params(h, "Host", host, NULL)) != 0) || (r = sshtun_read_config(h, path)) != 0) {
		g_set_error(error, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_FAILED, "%s",
			    l->line[0] ? l->line : sshtun_strerror(r));
		sshtun_del(h);
		return NULL;
	}
	return h;
}

/* The handle with the file read for the alias, and the first error in asking it. */
struct imp {
	struct sshtun *h;
	int err;
	const char *err_keyword;
};

/*
 * The value the file sets for keyword, or NULL when it sets none (a default is never taken) or asking failed
 * (im->err set: nothing may be dropped unseen, a ProxyCommand least of all). Free with g_free.
 */
static char *got(struct imp *im, const char *keyword)
{
	for (gsize len = 4096; len <= 1u << 20; len *= 4) {
		char *buf = g_malloc(len);
		int r = sshtun_get_option(im->h, keyword, buf, len);

		if (r == 0) {
			return buf;
		}
		g_free(buf);
		if (r == SSHTUN_OPTION_DEFAULT || r == SSHTUN_ERR_NO_VALUE) {
			return NULL;
		}
		if (r != SSHTUN_ERR_TOO_LONG || len == 1u << 20) {
			if (!im->err) {
				im->err = r;
				im->err_keyword = keyword;
			}
			return NULL;
		}
	}
	return NULL;
}

static gboolean refuse(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean refuse(GError **error, const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error_literal(error, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_FAILED, why);
	g_free(why);
	return FALSE;
}

/* Keywords a connection cannot carry; with ok, a value that is harmless (the keyword is refused otherwise). */
static const struct {
	const char *keyword;
	const char *ok;
	const char *why;
} refused[] = {
	{ "ProxyCommand", "none", "the connection would go through a command, which a NetworkManager connection cannot "
				  "run (use ProxyJump)" },
	{ "LocalCommand", "none", "a command on this machine, which NetworkManager's service (root) never runs" },
	{ "TunnelDownCommand", "none", "a command on this machine, which NetworkManager's service (root) never runs" },
	{ "PermitLocalCommand", "no", "local commands, which NetworkManager's service (root) never runs" },
	{ "HostKeyAlias", NULL, "the server's key would be looked up under another name than its own" },
	{ "GlobalKnownHostsFile", NULL, "a connection trusts only its one known-hosts file" },
	{ "StrictHostKeyChecking", "yes", "a connection always checks the server's key against its known-hosts file "
					  "(StrictHostKeyChecking yes)" },
	{ "TunnelBridge", NULL, "NetworkManager configures the device itself" },
	{ "TunnelKillSwitch", "no", "NetworkManager decides where traffic goes" },
	{ "TunnelSeccomp", "no", "it would confine NetworkManager's service as a whole" },
};

/* Keywords the service takes unchanged in extra-options. */
static const char *const safe[] = {
	"IdentitiesOnly", "CertificateFile", "IdentityAgent", "Ciphers", "MACs", "KexAlgorithms", "HostKeyAlgorithms",
	"PubkeyAcceptedAlgorithms", "CASignatureAlgorithms", "RequiredRSASize", "RekeyLimit", "Compression",
	"ConnectTimeout", "ServerAliveInterval", "ServerAliveCountMax", "TCPKeepAlive", "ConnectionAttempts",
	"AddressFamily", "BindAddress", "BindInterface", "PreferredAuthentications", "PubkeyAuthentication",
	"KbdInteractiveAuthentication", "PasswordAuthentication", "NumberOfPasswordPrompts", "AddKeysToAgent",
	"HashKnownHosts", "WarnWeakCrypto", "TunnelDNS", "TunnelDevice", "TunnelAckThinning",
};

static gboolean check_refused(struct imp *im, GError **error)
{
	for (gsize i = 0; i < G_N_ELEMENTS(refused); i++) {
		char *v = got(im, refused[i].keyword);
		gboolean bad = v && (!refused[i].ok || g_ascii_strcasecmp(v, refused[i].ok) != 0);

		if (bad) {
			refuse(error, "%s %s: %s", refused[i].keyword, v, refused[i].why);
		}
		g_free(v);
		if (bad) {
			return FALSE;
		}
	}
	return TRUE;
}

/* A value written so that an ssh_config line reads it back whole: in double quotes if it has blanks or quotes. */
static void put_value(GString *s, const char *v)
{
	if (!*v || strpbrk(v, " \t\"'\\#")) {
		g_string_append_c(s, '"');
		for (const char *p = v; *p; p++) {
			if (*p == '"' || *p == '\\') {
				g_string_append_c(s, '\\');
			}
			g_string_append_c(s, *p);
		}
		g_string_append_c(s, '"');
	} else {
		g_string_append(s, v);
	}
}

/* Adds "Keyword value" lines to extra-options (one per value of a list); FALSE if a value cannot be carried. */
static gboolean add_extra(GString *extra, const char *keyword, const char *values, gboolean one_line, GError **error)
{
	char **v = g_strsplit(values, "\n", -1);

	for (char **p = v; *p; p++) {
		if (strchr(*p, ';')) {
			g_strfreev(v);
			return refuse(error, "%s %s: extra-options cannot carry a \";\"", keyword, *p);
		}
		if (p == v || !one_line) {
			g_string_append_printf(extra, "%s%s ", extra->len ? ";" : "", keyword);
		} else {
			g_string_append_c(extra, ' ');
		}
		put_value(extra, *p);
	}
	g_strfreev(v);
	return TRUE;
}

static gboolean take_extra(struct imp *im, const char *idfiles, GString *extra, GError **error)
{
	const char *rest = idfiles ? strchr(idfiles, '\n') : NULL;

	if (rest && !add_extra(extra, "IdentityFile", rest + 1, FALSE, error)) {
		return FALSE;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(safe); i++) {
		char *v = got(im, safe[i]);
		gboolean ok = !v || add_extra(extra, safe[i], v, !strcmp(safe[i], "TunnelDNS"), error);

		g_free(v);
		if (!ok) {
			return FALSE;
		}
	}
	return TRUE;
}

/* item = the first line of what the file sets for keyword (all lines joined by spaces with join). */
static void take(NMSettingVpn *s, struct imp *im, const char *item, const char *keyword, gboolean join)
{
	char *v = got(im, keyword);

	if (v && strcmp(v, "none") != 0) {
		if (join) {
			g_strdelimit(v, "\n", ' ');
		} else {
			v[strcspn(v, "\n")] = '\0';
		}
		nm_setting_vpn_add_data_item(s, item, v);
	}
	g_free(v);
}

/* vpn.data from the file's values for the alias the handle was given. */
static gboolean fill_vpn(NMSettingVpn *s, struct imp *im, const char *host, GError **error)
{
	char *v, *kh = got(im, "UserKnownHostsFile"), *ids = got(im, "IdentityFile");
	GString *extra = g_string_new(NULL);
	gboolean ok = FALSE;

	if (kh && strchr(kh, '\n')) {
		refuse(error, "UserKnownHostsFile names several files: a connection trusts only one (known-hosts)");
		goto out;
	}
	if (!check_refused(im, error) || !take_extra(im, ids, extra, error)) {
		goto out;
	}
	nm_setting_vpn_add_data_item(s, "host", host);
	take(s, im, "port", "Port", FALSE);
	take(s, im, "user", "User", FALSE);
	take(s, im, "identity-file", "IdentityFile", FALSE);
	take(s, im, "known-hosts", "UserKnownHostsFile", FALSE);
	if ((v = got(im, "Tunnel"))) {
		nm_setting_vpn_add_data_item(s, "tunnel-mode", !strcmp(v, "ethernet") ? "tap" : "tun");
		g_free(v);
	}
	take(s, im, "remote-command", "TunnelConfigCommand", FALSE);
	take(s, im, "jump-hosts", "ProxyJump", FALSE);
	take(s, im, "mtu", "TunnelMTU", FALSE);
	take(s, im, "local-address", "TunnelAddress", FALSE);
	take(s, im, "remote-address", "TunnelPeer", FALSE);
	take(s, im, "routes", "TunnelRoute", TRUE);
	if (extra->len) {
		nm_setting_vpn_add_data_item(s, "extra-options", extra->str);
	}
	if (im->err) {
		refuse(error, "%s: %s", im->err_keyword, sshtun_strerror(im->err));
		goto out;
	}
	ok = TRUE;
out:
	g_string_free(extra, TRUE);
	g_free(kh);
	g_free(ids);
	return ok;
}

static NMConnection *new_connection(const char *id)
{
	NMConnection *c = nm_simple_connection_new();
	NMSetting *s;
	char *uuid = nm_utils_uuid_generate();

	s = nm_setting_connection_new();
	g_object_set(s, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, uuid, NM_SETTING_CONNECTION_TYPE,
		     NM_SETTING_VPN_SETTING_NAME, NULL);
	nm_connection_add_setting(c, s);
	g_free(uuid);
	s = nm_setting_vpn_new();
	g_object_set(s, NM_SETTING_VPN_SERVICE_TYPE, SSHTUN_NM_SERVICE, NULL);
	nm_connection_add_setting(c, s);
	s = nm_setting_ip4_config_new();
	g_object_set(s, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_AUTO, NULL);
	nm_connection_add_setting(c, s);
	s = nm_setting_ip6_config_new();
	g_object_set(s, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP6_CONFIG_METHOD_AUTO, NULL);
	nm_connection_add_setting(c, s);
	return c;
}

static NMConnection *import_from_file(NMVpnEditorPlugin *plugin, const char *path, GError **error)
{
	struct lastlog l = { "" };
	struct imp im = { NULL, 0, NULL };
	struct sshtun *h;
	NMConnection *c = NULL;
	char aliases[4096], host[1024];
	int r;

	/* The file read once for its Host names, then again for the first plain one, as ssh reads it for a host. */
	if (!(h = read_file(path, NULL, &l, error))) {
		return NULL;
	}
	r = sshtun_get_option(h, "HostAliases", aliases, sizeof(aliases));
	sshtun_del(h);
	if (r != 0) {
		refuse(error, "%s", r == SSHTUN_ERR_NO_VALUE ? "no Host block names a host without wildcards" :
									sshtun_strerror(r));
		return NULL;
	}
	aliases[strcspn(aliases, "\n")] = '\0';
	if (!(h = read_file(path, aliases, &l, error))) {
		return NULL;
	}
	/* HostName, else the alias: also where a configuration that does not finish (TunnelPeer alone) says why. */
	if ((r = sshtun_get_option(h, "HostName", host, sizeof(host))) < 0) {
		refuse(error, "%s", l.line[0] ? l.line : sshtun_strerror(r));
		sshtun_del(h);
		return NULL;
	}
	c = new_connection(aliases);
	im.h = h;
	if (!fill_vpn(nm_connection_get_setting_vpn(c), &im, host, error)) {
		g_clear_object(&c);
	} else if (!nm_connection_verify(c, error)) {
		g_clear_object(&c);
	}
	sshtun_del(h);
	return c;
}

/* ---- the export ---- */

/* "\tKeyword value\n", with % doubled where the value is expanded on reading (paths, HostName). */
static void put_line(GString *out, const char *keyword, const char *v, gboolean quote, gboolean percent)
{
	if (!v || !*v) {
		return;
	}
	g_string_append_printf(out, "\t%s ", keyword);
	if (percent && strchr(v, '%')) {
		char **parts = g_strsplit(v, "%", -1);
		char *doubled = g_strjoinv("%%", parts);

		put_value(out, doubled);
		g_free(doubled);
		g_strfreev(parts);
	} else if (quote) {
		put_value(out, v);
	} else {
		g_string_append(out, v);
	}
	g_string_append_c(out, '\n');
}

static gboolean export_fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean export_fail(GError **error, const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(error, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_FAILED, "cannot export: %s", why);
	g_free(why);
	return FALSE;
}

static void no_line_break(const char *key, const char *value, gpointer ud)
{
	const char **bad = ud;

	if (!*bad && strcmp(key, "extra-options") != 0 && strpbrk(value, "\r\n")) {
		*bad = key;
	}
}

static gboolean export_to_file(NMVpnEditorPlugin *plugin, const char *path, NMConnection *connection, GError **error)
{
	NMSettingVpn *s = nm_connection_get_setting_vpn(connection);
	const char *id = nm_connection_get_id(connection), *v, *bad = NULL;
	GString *out;
	gboolean ok;

	if (!s || g_strcmp0(nm_setting_vpn_get_service_type(s), SSHTUN_NM_SERVICE) != 0) {
		return export_fail(error, "not an sshtun connection");
	}
	if (!id || !*id || strpbrk(id, "*?!,\"'\\#\r\n")) {
		return export_fail(error, "the connection's name \"%s\" cannot name a Host block (no * ? ! , quotes, # or "
				   "backslash)", id ? id : "");
	}
	if (!nm_setting_vpn_get_data_item(s, "host")) {
		return export_fail(error, "the connection has no host");
	}
	nm_setting_vpn_foreach_data_item(s, no_line_break, &bad);
	if (bad) {
		return export_fail(error, "vpn.data %s holds a line break", bad);
	}
	out = g_string_new("# An sshtun connection exported from NetworkManager ");
	g_string_append(out, "(nmcli connection import type sshtun file FILE reads it back).\nHost ");
	put_value(out, id);
	g_string_append_c(out, '\n');
	put_line(out, "HostName", nm_setting_vpn_get_data_item(s, "host"), TRUE, TRUE);
	put_line(out, "Port", nm_setting_vpn_get_data_item(s, "port"), TRUE, FALSE);
	put_line(out, "User", nm_setting_vpn_get_data_item(s, "user"), TRUE, FALSE);
	put_line(out, "IdentityFile", nm_setting_vpn_get_data_item(s, "identity-file"), TRUE, TRUE);
	put_line(out, "UserKnownHostsFile", nm_setting_vpn_get_data_item(s, "known-hosts"), TRUE, TRUE);
	if ((v = nm_setting_vpn_get_data_item(s, "tunnel-mode")) && *v) {
		put_line(out, "Tunnel", !strcmp(v, "tap") ? "ethernet" : "point-to-point", FALSE, FALSE);
	}
	/* As the service passes them: the rest of an ssh_config line. */
	put_line(out, "TunnelConfigCommand", nm_setting_vpn_get_data_item(s, "remote-command"), FALSE, FALSE);
	put_line(out, "ProxyJump", nm_setting_vpn_get_data_item(s, "jump-hosts"), FALSE, FALSE);
	put_line(out, "TunnelMTU", nm_setting_vpn_get_data_item(s, "mtu"), FALSE, FALSE);
	put_line(out, "TunnelAddress", nm_setting_vpn_get_data_item(s, "local-address"), FALSE, FALSE);
	put_line(out, "TunnelPeer", nm_setting_vpn_get_data_item(s, "remote-address"), FALSE, FALSE);
	put_line(out, "TunnelRoute", nm_setting_vpn_get_data_item(s, "routes"), FALSE, FALSE);
	if ((v = nm_setting_vpn_get_data_item(s, "extra-options"))) {
		char **lines = g_strsplit_set(v, ";\n", -1);

		for (char **l = lines; *l; l++) {
			char *t = g_strstrip(*l);

			if (*t) {
				g_string_append_printf(out, "\t%s\n", t);
			}
		}
		g_strfreev(lines);
	}
	ok = g_file_set_contents_full(path, out->str, (gssize)out->len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
	g_string_free(out, TRUE);
	return ok;
}

static char *get_suggested_filename(NMVpnEditorPlugin *plugin, NMConnection *connection)
{
	const char *id = connection ? nm_connection_get_id(connection) : NULL;
	char *name = g_strdup_printf("%s.ssh_config", id && *id ? id : "sshtun");

	return g_strdelimit(name, "/\\", '_');
}

/* ---- the editor page, from its own library beside this one (GTK is not loaded into nmcli) ---- */

static const char here = 0;	/* an address inside this library, for dladdr */

typedef NMVpnEditor *(*editor_factory)(NMVpnEditorPlugin *plugin, NMConnection *connection, GError **error);

static NMVpnEditor *get_editor(NMVpnEditorPlugin *plugin, NMConnection *connection, GError **error)
{
	Dl_info info;
	char *dir, *file;
	void *dl, *sym;
	editor_factory fn;

	if (!dladdr(&here, &info) || !info.dli_fname) {
		g_set_error(error, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_FAILED, "cannot find the sshtun plugin's directory");
		return NULL;
	}
	dir = g_path_get_dirname(info.dli_fname);
	file = g_build_filename(dir, SSHTUN_NM_EDITOR, NULL);
	g_free(dir);
	if (!g_file_test(file, G_FILE_TEST_EXISTS)) {
		g_set_error(error, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_FAILED,
			    "this build has no GTK editor page (%s is not installed); use nmcli", file);
		g_free(file);
		return NULL;
	}
	/* Kept loaded: the page registers GTypes. */
	if (!(dl = dlopen(file, RTLD_LAZY | RTLD_LOCAL)) || !(sym = dlsym(dl, "nm_vpn_editor_factory_sshtun"))) {
		g_set_error(error, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_FAILED, "cannot load the editor page %s: %s",
			    file, dlerror());
		g_free(file);
		return NULL;
	}
	g_free(file);
	memcpy(&fn, &sym, sizeof(fn));
	return fn(plugin, connection, error);
}

/* ---- the GObject ---- */

#define SSHTUN_TYPE_VPN_EDITOR_PLUGIN (sshtun_vpn_editor_plugin_get_type())
G_DECLARE_FINAL_TYPE(SshtunVpnEditorPlugin, sshtun_vpn_editor_plugin, SSHTUN, VPN_EDITOR_PLUGIN, GObject)

struct _SshtunVpnEditorPlugin {
	GObject parent;
};

static void plugin_iface_init(NMVpnEditorPluginInterface *iface);

G_DEFINE_TYPE_WITH_CODE(SshtunVpnEditorPlugin, sshtun_vpn_editor_plugin, G_TYPE_OBJECT,
			G_IMPLEMENT_INTERFACE(NM_TYPE_VPN_EDITOR_PLUGIN, plugin_iface_init))

enum { PROP_0, PROP_NAME, PROP_DESC, PROP_SERVICE };

static NMVpnEditorPluginCapability get_capabilities(NMVpnEditorPlugin *plugin)
{
	return NM_VPN_EDITOR_PLUGIN_CAPABILITY_IMPORT | NM_VPN_EDITOR_PLUGIN_CAPABILITY_EXPORT |
	       NM_VPN_EDITOR_PLUGIN_CAPABILITY_IPV6;
}

static void get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	switch (prop_id) {
	case PROP_NAME:
		g_value_set_string(value, "sshtun");
		break;
	case PROP_DESC:
		g_value_set_string(value, "A VPN over SSH to an OpenSSH server (its tun@openssh.com tunnel)");
		break;
	case PROP_SERVICE:
		g_value_set_string(value, SSHTUN_NM_SERVICE);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void sshtun_vpn_editor_plugin_init(SshtunVpnEditorPlugin *plugin)
{
}

static void sshtun_vpn_editor_plugin_class_init(SshtunVpnEditorPluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = get_property;
	g_object_class_override_property(object_class, PROP_NAME, NM_VPN_EDITOR_PLUGIN_NAME);
	g_object_class_override_property(object_class, PROP_DESC, NM_VPN_EDITOR_PLUGIN_DESCRIPTION);
	g_object_class_override_property(object_class, PROP_SERVICE, NM_VPN_EDITOR_PLUGIN_SERVICE);
}

static void plugin_iface_init(NMVpnEditorPluginInterface *iface)
{
	iface->get_editor = get_editor;
	iface->get_capabilities = get_capabilities;
	iface->import_from_file = import_from_file;
	iface->export_to_file = export_to_file;
	iface->get_suggested_filename = get_suggested_filename;
}

NMVpnEditorPlugin *nm_vpn_editor_plugin_factory(GError **error)
{
	g_return_val_if_fail(!error || !*error, NULL);
	return g_object_new(SSHTUN_TYPE_VPN_EDITOR_PLUGIN, NULL);
}
