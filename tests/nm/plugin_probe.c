/*
 * sshtun: loads the editor plugin as nmcli and GNOME's programs do (libnm's nm_vpn_editor_plugin_load_from_file:
 * dlopen, the factory, the service checked) and prints what it offers, one "key: value" per line, for
 * tests/interop/test_nm_import.sh: name, service, capabilities, the suggested file name for a connection whose id
 * has a slash, and what asking for the editor page gives ("editor: ..." with the error when there is none); then
 * loads it a second time once libnm closed the first ("reload: ..."), as a program does that imports twice.
 */
#include <stdio.h>
#include <unistd.h>

#include <NetworkManager.h>

int main(int argc, char **argv)
{
	NMVpnEditorPlugin *p;
	NMVpnEditor *ed;
	NMConnection *c;
	NMSetting *s;
	GError *err = NULL;
	char *name = NULL, *service = NULL, *file;
	unsigned caps;

	if (argc != 2) {
		fprintf(stderr, "usage: plugin_probe /path/to/libnm-vpn-plugin-sshtun.so\n");
		return 2;
	}
	p = nm_vpn_editor_plugin_load_from_file(argv[1], "org.freedesktop.NetworkManager.sshtun", (int)geteuid(), NULL,
						NULL, &err);
	if (!p) {
		printf("load: %s\n", err->message);
		return 1;
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
