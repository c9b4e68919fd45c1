/*
 * sshtun: loads the editor plugin as nmcli and GNOME's programs do (libnm's nm_vpn_editor_plugin_load_from_file:
 * dlopen, the factory, the service checked) and prints what it offers, one "key: value" per line, for
 * tests/interop/test_nm_import.sh: name, service, capabilities, the suggested file name for a connection whose id
 * has a slash, and what asking for the editor page gives ("editor: ..." with the error when there is none); then
 * loads it a second time once libnm closed the first ("reload: ..."), as a program does that imports twice.
 *   plugin_probe PLUGIN import FILE              "id: ID" and the vpn.data items as "key=value", sorted; or "error: ..."
 *   plugin_probe PLUGIN export FILE ID KEY=VALUE...   exports a connection with that id and vpn.data, or "error: ..."
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <NetworkManager.h>

static int cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int do_import(NMVpnEditorPlugin *p, const char *file)
{
	GError *err = NULL;
	NMConnection *c = nm_vpn_editor_plugin_import(p, file, &err);
	NMSettingVpn *s;
	const char **keys;
	guint n = 0;

	if (!c) {
		printf("error: %s\n", err ? err->message : "(none)");
		g_clear_error(&err);
		return 1;
	}
	s = nm_connection_get_setting_vpn(c);
	printf("id: %s\n", nm_connection_get_id(c));
	keys = nm_setting_vpn_get_data_keys(s, &n);
	qsort(keys, n, sizeof(*keys), cmp);
	for (guint i = 0; i < n; i++) {
		printf("%s=%s\n", keys[i], nm_setting_vpn_get_data_item(s, keys[i]));
	}
	g_free(keys);
	g_object_unref(c);
	return 0;
}

static int do_export(NMVpnEditorPlugin *p, const char *file, const char *id, int n, char **items)
{
	NMConnection *c = nm_simple_connection_new();
	NMSetting *s = nm_setting_connection_new(), *vpn = nm_setting_vpn_new();
	GError *err = NULL;
	int r = 0;

	g_object_set(s, NM_SETTING_CONNECTION_ID, id, NULL);
	g_object_set(vpn, NM_SETTING_VPN_SERVICE_TYPE, "org.freedesktop.NetworkManager.sshtun", NULL);
	for (int i = 0; i < n; i++) {
		char **kv = g_strsplit(items[i], "=", 2);

		if (kv[0] && kv[1]) {
			nm_setting_vpn_add_data_item(NM_SETTING_VPN(vpn), kv[0], kv[1]);
		}
		g_strfreev(kv);
	}
	nm_connection_add_setting(c, s);
	nm_connection_add_setting(c, vpn);
	if (!nm_vpn_editor_plugin_export(p, file, c, &err)) {
		printf("error: %s\n", err ? err->message : "(none)");
		g_clear_error(&err);
		r = 1;
	}
	g_object_unref(c);
	return r;
}

int main(int argc, char **argv)
{
	NMVpnEditorPlugin *p;
	NMVpnEditor *ed;
	NMConnection *c;
	NMSetting *s;
	GError *err = NULL;
	char *name = NULL, *service = NULL, *file;
	unsigned caps;

	if (argc != 2 && !(argc == 4 && !strcmp(argv[2], "import")) && !(argc >= 5 && !strcmp(argv[2], "export"))) {
		fprintf(stderr, "usage: plugin_probe PLUGIN [import FILE | export FILE ID KEY=VALUE...]\n");
		return 2;
	}
	p = nm_vpn_editor_plugin_load_from_file(argv[1], "org.freedesktop.NetworkManager.sshtun", (int)geteuid(), NULL,
						NULL, &err);
	if (!p) {
		printf("load: %s\n", err->message);
		return 1;
	}
	if (argc > 2) {
		int r = !strcmp(argv[2], "import") ? do_import(p, argv[3]) : do_export(p, argv[3], argv[4], argc - 5, argv + 5);

		g_object_unref(p);
		return r;
	}
	g_object_get(p, NM_VPN_EDITOR_PLUGIN_NAME, &name, NM_VPN_EDITOR_PLUGIN_SERVICE, &service, NULL);
	caps = nm_vpn_editor_plugin_get_capabilities(p);
	printf("name: %s\nservice: %s\ncapabilities:%s%s%s\n", name, service,
	       caps & NM_VPN_EDITOR_PLUGIN_CAPABILITY_IMPORT ? " import" : "",
	       caps & NM_VPN_EDITOR_PLUGIN_CAPABILITY_EXPORT ? " export" : "",
	       caps & NM_VPN_EDITOR_PLUGIN_CAPABILITY_IPV6 ? " ipv6" : "");
	c = nm_simple_connection_new();
	s = nm_setting_connection_new();
	g_object_set(s, NM_SETTING_CONNECTION_ID, "office/vpn", NULL);
	nm_connection_add_setting(c, s);
	file = nm_vpn_editor_plugin_get_suggested_filename(p, c);
	printf("suggested: %s\n", file ? file : "(none)");
	ed = nm_vpn_editor_plugin_get_editor(p, c, &err);
	printf("editor: %s\n", ed ? "a page" : err ? err->message : "(no error)");
	g_clear_error(&err);
	g_clear_object(&ed);
	g_free(file);
	g_free(name);
	g_free(service);
	g_object_unref(c);
	g_object_unref(p);	/* libnm closes the module with its last plugin object */
	p = nm_vpn_editor_plugin_load_from_file(argv[1], "org.freedesktop.NetworkManager.sshtun", (int)geteuid(), NULL,
						NULL, &err);
	printf("reload: %s\n", p ? "ok" : err->message);
	g_clear_error(&err);
	g_clear_object(&p);
	return 0;
}
