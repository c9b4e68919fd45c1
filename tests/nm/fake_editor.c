/*
 * sshtun: a stand-in for the GTK editor page's library (libnm-vpn-plugin-sshtun-editor.so) in
 * tests/interop/test_nm_import.sh: its factory answers with an error naming the connection, which shows that the
 * editor plugin found the library beside itself, looked up the factory and called it with the connection.
 */
#include <NetworkManager.h>

__attribute__((visibility("default"))) NMVpnEditor *nm_vpn_editor_factory_sshtun(NMVpnEditorPlugin *plugin,
										   NMConnection *connection,
										   GError **error);

NMVpnEditor *nm_vpn_editor_factory_sshtun(NMVpnEditorPlugin *plugin, NMConnection *connection, GError **error)
{
	g_set_error(error, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_FAILED, "stand-in page asked for %s",
		    nm_connection_get_id(connection));
	return NULL;
}
