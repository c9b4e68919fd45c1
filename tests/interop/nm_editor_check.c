/*
 * nm_editor_check: checks the connection editor's page (nm/nm-sshtun-editor.c) as NetworkManager's programs use
 * it. Loads the module with dlopen, as the editor plugin does, calls nm_vpn_editor_factory_sshtun on a connection,
 * shows its widget in a window, finds the fields by their widget names, checks they show the connection's
 * vpn.data, edits some (each edit must emit "changed") and checks what update_connection writes, and what it
 * refuses (naming the field). Run by tests/interop/test_nm_editor.sh under Xvfb.
 *   nm_editor_check MODULE.so
 * Prints "ok - ..." / "not ok - ..." lines; exit status 0 only if all passed.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <gtk/gtk.h>
#include <NetworkManager.h>
#include <nma-ui-utils.h>

#define SERVICE "org.freedesktop.NetworkManager.sshtun"

typedef NMVpnEditor *(*factory_fn)(NMVpnEditorPlugin *plugin, NMConnection *connection, GError **error);

static int passed, failed;

static void check(int ok, const char *name)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", name);
	ok ? passed++ : failed++;
}

static void check_str(const char *got, const char *want, const char *name)
{
	int ok = !g_strcmp0(got, want);

	check(ok, name);
	if (!ok) {
		printf("#   got \"%s\", want \"%s\"\n", got ? got : "(none)", want ? want : "(none)");
	}
}

static GtkWidget *find_in(GtkWidget *w, const char *name)
{
	GtkWidget *found = NULL;
	GList *kids;

	if (!strcmp(gtk_widget_get_name(w), name)) {
		return w;
	}
	if (!GTK_IS_CONTAINER(w)) {
		return NULL;
	}
	kids = gtk_container_get_children(GTK_CONTAINER(w));
	for (GList *l = kids; l && !found; l = l->next) {
		found = find_in(l->data, name);
	}
	g_list_free(kids);
	return found;
}

static GtkWidget *page;

/* The widget named name, of the given type; NULL (and a failed check) if there is none. */
static GtkWidget *widget(const char *name, GType type)
{
	GtkWidget *w = find_in(page, name);

	if (!w || !G_TYPE_CHECK_INSTANCE_TYPE(w, type)) {
		printf("not ok - the page has a %s named \"%s\"\n", g_type_name(type), name);
		failed++;
		return NULL;
	}
	return w;
}

static const char *entry_text(const char *name)
{
	GtkWidget *w = widget(name, GTK_TYPE_ENTRY);

	return w ? gtk_entry_get_text(GTK_ENTRY(w)) : NULL;
}

static int changes;
static int warnings;	/* GLib/GTK warnings and criticals so far */

static GLogWriterOutput count_warnings(GLogLevelFlags level, const GLogField *fields, gsize n, gpointer user_data)
{
	if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) {
		warnings++;
	}
	return g_log_writer_default(level, fields, n, user_data);
}

static void on_changed(NMVpnEditor *editor, gpointer user_data)
{
	(void)editor;
	(void)user_data;
	changes++;
}

/* Sets an entry's text as typing would, and checks the editor said "changed". */
static void edit(const char *name, const char *text)
{
	GtkWidget *w = widget(name, GTK_TYPE_ENTRY);
	int before = changes;
	char *what = g_strdup_printf("editing %s emits \"changed\"", name);

	if (w) {
		gtk_entry_set_text(GTK_ENTRY(w), text);
	}
	check(changes > before, what);
	g_free(what);
}

static void pump(void)
{
	while (gtk_events_pending()) {
		gtk_main_iteration();
	}
}

static const char *data(NMConnection *c, const char *key)
{
	NMSettingVpn *s = nm_connection_get_setting_vpn(c);

	return s ? nm_setting_vpn_get_data_item(s, key) : NULL;
}

static NMConnection *new_connection(int with_vpn)
{
	NMConnection *c = nm_simple_connection_new();
	NMSettingConnection *sc = NM_SETTING_CONNECTION(nm_setting_connection_new());

	g_object_set(sc, NM_SETTING_CONNECTION_ID, "st-editor", NM_SETTING_CONNECTION_TYPE, NM_SETTING_VPN_SETTING_NAME,
		     NULL);
	nm_connection_add_setting(c, NM_SETTING(sc));
	if (with_vpn) {
		NMSettingVpn *s = NM_SETTING_VPN(nm_setting_vpn_new());

		g_object_set(s, NM_SETTING_VPN_SERVICE_TYPE, SERVICE, NULL);
		nm_connection_add_setting(c, NM_SETTING(s));
	}
	return c;
}

/* update_connection on a fresh copy must fail with an error whose message starts with field. */
static void refused(NMVpnEditor *ed, NMConnection *orig, const char *field, const char *name)
{
	NMConnection *c = nm_simple_connection_new_clone(orig);
	GError *err = NULL;
	gboolean ok = nm_vpn_editor_update_connection(ed, c, &err);
	char *prefix = g_strdup_printf("%s:", field);
	int good = !ok && err && g_str_has_prefix(err->message, prefix) && nm_connection_compare(c, orig,
		NM_SETTING_COMPARE_FLAG_EXACT);

	check(good, name);
	if (!good) {
		printf("#   update_connection %s, error: %s\n", ok ? "succeeded" : "failed",
		       err ? err->message : "(none)");
	}
	g_clear_error(&err);
	g_free(prefix);
	g_object_unref(c);
}

/* update_connection into a fresh copy must succeed; returns the copy. */
static NMConnection *accepted(NMVpnEditor *ed, NMConnection *orig, const char *name)
{
	NMConnection *c = nm_simple_connection_new_clone(orig);
	GError *err = NULL;
	gboolean ok = nm_vpn_editor_update_connection(ed, c, &err);

	check(ok, name);
	if (!ok) {
		printf("#   error: %s\n", err ? err->message : "(none)");
	}
	g_clear_error(&err);
	return c;
}

int main(int argc, char **argv)
{
	void *mod;
	factory_fn factory;
	NMConnection *conn, *c;
	NMSettingVpn *s;
	NMVpnEditor *ed;
	GError *err = NULL;
	GtkWidget *win, *w;
	GObject *obj;
	NMSettingSecretFlags flags = 0;
	int before;

	if (argc != 2) {
		fprintf(stderr, "usage: nm_editor_check MODULE.so\n");
		return 2;
	}
	g_log_set_writer_func(count_warnings, NULL, NULL);
	if (!gtk_init_check(&argc, &argv)) {
		printf("not ok - GTK starts (no display?)\n");
		return 1;
	}

	mod = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	check(mod != NULL, "dlopen of the module");
	if (!mod) {
		printf("#   %s\n", dlerror());
		return 1;
	}
	factory = (factory_fn)dlsym(mod, "nm_vpn_editor_factory_sshtun");
	check(factory != NULL, "the module exports nm_vpn_editor_factory_sshtun");
	if (!factory) {
		return 1;
	}

	conn = new_connection(1);
	s = nm_connection_get_setting_vpn(conn);
	nm_setting_vpn_add_data_item(s, "host", "vpn.example.org");
	nm_setting_vpn_add_data_item(s, "port", "2222");
	nm_setting_vpn_add_data_item(s, "user", "alice");
	nm_setting_vpn_add_data_item(s, "auth-type", "key");
	nm_setting_vpn_add_data_item(s, "identity-file", "/home/alice/.ssh/id_ed25519");
	nm_setting_vpn_add_data_item(s, "known-hosts", "/home/alice/.ssh/known_hosts");
	nm_setting_vpn_add_data_item(s, "jump-hosts", "bob@bastion:2022,gw");
	nm_setting_vpn_add_data_item(s, "remote-command", "sshtun-server");
	nm_setting_vpn_add_data_item(s, "tunnel-mode", "tun");
	nm_setting_vpn_add_data_item(s, "mtu", "1400");
	nm_setting_vpn_add_data_item(s, "local-address", "10.9.0.2/24");
	nm_setting_vpn_add_data_item(s, "remote-address", "10.9.0.1");
	nm_setting_vpn_add_data_item(s, "routes", "10.10.0.0/16 fd00:10::/64");
	nm_setting_vpn_add_data_item(s, "extra-options", "Compression yes\nServerAliveInterval 10");
	nm_setting_vpn_add_secret(s, "passphrase", "sekrit");
	nm_setting_set_secret_flags(NM_SETTING(s), "passphrase", NM_SETTING_SECRET_FLAG_AGENT_OWNED, NULL);

	ed = factory(NULL, conn, &err);
	check(ed != NULL && NM_IS_VPN_EDITOR(ed) && !err, "the factory returns an NMVpnEditor");
	if (!ed) {
		printf("#   %s\n", err ? err->message : "(no error)");
		return 1;
	}
	g_signal_connect(ed, "changed", G_CALLBACK(on_changed), NULL);
	obj = nm_vpn_editor_get_widget(ed);
	check(obj && GTK_IS_WIDGET(obj), "get_widget gives a GtkWidget");
	if (!obj || !GTK_IS_WIDGET(obj)) {
		return 1;
	}
	page = GTK_WIDGET(obj);
	win = gtk_window_new(GTK_WINDOW_TOPLEVEL);
	gtk_container_add(GTK_CONTAINER(win), page);
	gtk_widget_show_all(win);
	gtk_widget_realize(win);
	pump();
	check(gtk_widget_get_realized(page) && gtk_widget_get_mapped(page), "the page is realized and mapped in a window");

	/* ---- the connection's values are shown ---- */
	check_str(entry_text("host"), "vpn.example.org", "host shows the connection's host");
	check_str(entry_text("port"), "2222", "port shows the connection's port");
	check_str(entry_text("user"), "alice", "user shows the connection's user");
	check_str(entry_text("identity-file"), "/home/alice/.ssh/id_ed25519", "identity-file shows the key file");
	check_str(entry_text("known-hosts"), "/home/alice/.ssh/known_hosts", "known-hosts shows its file");
	check_str(entry_text("jump-hosts"), "bob@bastion:2022,gw", "jump-hosts shows the jump hosts");
	check_str(entry_text("remote-command"), "sshtun-server", "remote-command shows the command");
	check_str(entry_text("mtu"), "1400", "mtu shows the MTU");
	check_str(entry_text("local-address"), "10.9.0.2/24", "local-address shows the address");
	check_str(entry_text("remote-address"), "10.9.0.1", "remote-address shows the peer");
	check_str(entry_text("routes"), "10.10.0.0/16 fd00:10::/64", "routes shows the routes");
	check_str(entry_text("passphrase"), "sekrit", "passphrase shows the secret");
	if ((w = widget("extra-options", GTK_TYPE_TEXT_VIEW))) {
		GtkTextBuffer *b = gtk_text_view_get_buffer(GTK_TEXT_VIEW(w));
		GtkTextIter i, j;
		char *t;

		gtk_text_buffer_get_bounds(b, &i, &j);
		t = gtk_text_buffer_get_text(b, &i, &j, FALSE);
		check_str(t, "Compression yes\nServerAliveInterval 10", "extra-options shows the options");
		g_free(t);
	}
	if ((w = widget("tunnel-mode", GTK_TYPE_COMBO_BOX))) {
		check_str(gtk_combo_box_get_active_id(GTK_COMBO_BOX(w)), "tun", "tunnel-mode shows tun");
	}
	if ((w = widget("auth-type", GTK_TYPE_COMBO_BOX))) {
		check_str(gtk_combo_box_get_active_id(GTK_COMBO_BOX(w)), "key", "auth-type shows key");
	}
	if ((w = widget("passphrase", GTK_TYPE_ENTRY))) {
		check(nma_utils_menu_to_secret_flags(w) == NM_SETTING_SECRET_FLAG_AGENT_OWNED,
		      "the passphrase's storage menu shows the connection's passphrase-flags (this user)");
	}
	check(widget("identity-file-choose", GTK_TYPE_BUTTON) && widget("known-hosts-choose", GTK_TYPE_BUTTON),
	      "the file choosers' buttons are there");
	if ((w = widget("password", GTK_TYPE_ENTRY))) {
		check(!gtk_widget_get_sensitive(w) && gtk_widget_get_sensitive(find_in(page, "identity-file")),
		      "with key authentication the password is greyed out, the key file is not");
	}

	/* ---- an unchanged page writes what it read ---- */
	c = accepted(ed, conn, "update_connection of the unchanged page succeeds");
	check(nm_connection_compare(c, conn, NM_SETTING_COMPARE_FLAG_EXACT),
	      "the unchanged page writes the connection back as it was");
	g_object_unref(c);

	/* ---- edits ---- */
	changes = 0;
	edit("host", "  tunnel.example.net ");
	edit("port", "2200");
	edit("routes", "default 192.0.2.0/24");
	edit("user", "");
	edit("mtu", "");
	if ((w = widget("tunnel-mode", GTK_TYPE_COMBO_BOX))) {
		before = changes;
		gtk_combo_box_set_active_id(GTK_COMBO_BOX(w), "tap");
		check(changes > before, "choosing tap emits \"changed\"");
	}
	if ((w = widget("extra-options", GTK_TYPE_TEXT_VIEW))) {
		before = changes;
		gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(w)), "", -1);
		check(changes > before, "emptying extra-options emits \"changed\"");
	}
	if ((w = widget("passphrase", GTK_TYPE_ENTRY))) {
		before = changes;
		nma_utils_update_password_storage(w, NM_SETTING_SECRET_FLAG_NOT_SAVED, NULL, NULL);
		check(changes > before, "asking for the passphrase every time emits \"changed\"");
	}
	pump();

	c = accepted(ed, conn, "update_connection after the edits succeeds");
	s = nm_connection_get_setting_vpn(c);
	check_str(s ? nm_setting_vpn_get_service_type(s) : NULL, SERVICE, "the service type is sshtun's");
	check_str(data(c, "host"), "tunnel.example.net", "vpn.data host is the new host (spaces trimmed)");
	check_str(data(c, "port"), "2200", "vpn.data port is the new port");
	check_str(data(c, "tunnel-mode"), "tap", "vpn.data tunnel-mode is tap");
	check_str(data(c, "routes"), "default 192.0.2.0/24", "vpn.data routes are the new routes");
	check(!data(c, "user") && !data(c, "mtu") && !data(c, "extra-options"),
	      "emptied fields (user, mtu, extra-options) are removed from vpn.data");
	check_str(data(c, "known-hosts"), "/home/alice/.ssh/known_hosts", "untouched items keep their values");
	check_str(data(c, "auth-type"), "key", "vpn.data auth-type stays key");
	if (s) {
		nm_setting_get_secret_flags(NM_SETTING(s), "passphrase", &flags, NULL);
	}
	check(s && flags == NM_SETTING_SECRET_FLAG_NOT_SAVED && !nm_setting_vpn_get_secret(s, "passphrase"),
	      "a passphrase asked for every time: passphrase-flags 2 (not saved), no secret written");
	g_object_unref(c);

	/* ---- refused values name their field, and leave the connection alone ---- */
	edit("port", "70000");
	refused(ed, conn, "port", "port 70000 is refused, naming port");
	edit("port", "0");
	refused(ed, conn, "port", "port 0 is refused");
	edit("port", "22");
	edit("mtu", "x");
	refused(ed, conn, "mtu", "mtu x is refused, naming mtu");
	edit("mtu", "67");
	refused(ed, conn, "mtu", "mtu 67 is refused (sshtun's TunnelMTU is 68..65535)");
	edit("mtu", "68");
	c = accepted(ed, conn, "mtu 68 is accepted");
	g_object_unref(c);
	edit("mtu", "1280");	/* the checks below fail only for their own field */
	edit("local-address", "1.2.3");
	refused(ed, conn, "local-address", "local-address 1.2.3 is refused, naming local-address");
	edit("local-address", "10.9.0.2/33");
	refused(ed, conn, "local-address", "local-address with prefix 33 is refused");
	edit("local-address", "fd00:9::2/64");
	edit("remote-address", "10.9.0.1/24");
	refused(ed, conn, "remote-address", "remote-address with a prefix is refused (TunnelPeer takes none)");
	edit("remote-address", "fd00:9::1");
	edit("routes", "10.1.0.0");
	refused(ed, conn, "routes", "a route without /prefix is refused, naming routes");
	edit("routes", "default");
	edit("jump-hosts", "a b");
	refused(ed, conn, "jump-hosts", "jump-hosts with a space is refused");
	edit("jump-hosts", "");
	edit("host", " ");
	refused(ed, conn, "host", "an empty host is refused, naming host");
	edit("host", "tunnel.example.net");
	edit("known-hosts", "");
	refused(ed, conn, "known-hosts", "an empty known-hosts is refused for a connection without an owner");
	{
		/* One user's connection: the service uses the owner's ~/.ssh/known_hosts, so none is needed. */
		NMConnection *owned = nm_simple_connection_new_clone(conn);

		nm_setting_connection_add_permission(nm_connection_get_setting_connection(owned), "user", "alice", NULL);
		c = accepted(ed, owned, "an empty known-hosts is taken for a connection with one owner");
		check(!data(c, "known-hosts"), "... and the known-hosts item is removed");
		g_object_unref(c);
		g_object_unref(owned);
	}
	edit("known-hosts", "/etc/sshtun/known_hosts");

	/* ---- password authentication ---- */
	if ((w = widget("auth-type", GTK_TYPE_COMBO_BOX))) {
		before = changes;
		gtk_combo_box_set_active_id(GTK_COMBO_BOX(w), "password");
		check(changes > before, "choosing password authentication emits \"changed\"");
		check(gtk_widget_get_sensitive(find_in(page, "password")) &&
		      !gtk_widget_get_sensitive(find_in(page, "passphrase")),
		      "with password authentication the password entry is usable, the passphrase greyed out");
	}
	edit("password", "hunter2");
	c = accepted(ed, conn, "update_connection with password authentication succeeds");
	s = nm_connection_get_setting_vpn(c);
	check_str(data(c, "auth-type"), "password", "vpn.data auth-type is password");
	check_str(s ? nm_setting_vpn_get_secret(s, "password") : NULL, "hunter2", "the password secret is written");
	flags = 99;
	if (s) {
		nm_setting_get_secret_flags(NM_SETTING(s), "password", &flags, NULL);
	}
	check(flags == NM_SETTING_SECRET_FLAG_AGENT_OWNED,
	      "password-flags of a connection that had none: kept for this user (agent-owned, 1)");
	check(s && !nm_setting_vpn_get_secret(s, "passphrase") && !data(c, "passphrase-flags"),
	      "the key's passphrase and its flags are dropped");
	check_str(data(c, "local-address"), "fd00:9::2/64", "an IPv6 local-address with a prefix is written");
	g_object_unref(c);

	/* The page outlives its editor (its container keeps it): typing into it reaches no freed editor (ASan). */
	g_object_unref(ed);
	before = changes;
	if ((w = widget("host", GTK_TYPE_ENTRY))) {
		gtk_entry_set_text(GTK_ENTRY(w), "after.example");
	}
	pump();
	check(changes == before, "an edit in a page whose editor is gone goes nowhere");
	gtk_widget_destroy(win);

	/* And the editor outlives its page: its container destroyed it first. */
	ed = factory(NULL, conn, NULL);
	if (ed) {
		int w0 = warnings;

		win = gtk_window_new(GTK_WINDOW_TOPLEVEL);
		gtk_container_add(GTK_CONTAINER(win), GTK_WIDGET(nm_vpn_editor_get_widget(ed)));
		gtk_widget_show_all(win);
		pump();
		gtk_widget_destroy(win);
		pump();
		g_object_unref(ed);
		check(warnings == w0, "an editor whose page was destroyed first goes away cleanly (no GLib warning; ASan)");
	}
	g_object_unref(conn);

	/* ---- a secret without a -flags item is the system's (NetworkManager's rule) ---- */
	conn = new_connection(1);
	s = nm_connection_get_setting_vpn(conn);
	nm_setting_vpn_add_data_item(s, "host", "h");
	nm_setting_vpn_add_data_item(s, "auth-type", "password");
	nm_setting_vpn_add_data_item(s, "known-hosts", "/kh");
	nm_setting_vpn_add_secret(s, "password", "pw");
	ed = factory(NULL, conn, NULL);
	if (ed) {
		page = GTK_WIDGET(nm_vpn_editor_get_widget(ed));
		g_object_ref_sink(page);
		if ((w = widget("password", GTK_TYPE_ENTRY))) {
			check(nma_utils_menu_to_secret_flags(w) == NM_SETTING_SECRET_FLAG_NONE &&
			      !strcmp(gtk_entry_get_text(GTK_ENTRY(w)), "pw"),
			      "a password without password-flags shows as stored for all users (flags 0)");
		}
		c = accepted(ed, conn, "a password connection is accepted without a key file");
		check_str(data(c, "password-flags"), "0", "and password-flags 0 is written with the password");
		g_object_unref(c);
		g_object_unref(ed);
		g_object_unref(page);
	}
	g_object_unref(conn);

	/* ---- a new connection (no vpn setting yet): defaults, and update_connection adds the setting ---- */
	conn = new_connection(0);
	ed = factory(NULL, conn, &err);
	check(ed != NULL, "the factory takes a connection without a vpn setting");
	if (ed) {
		g_signal_connect(ed, "changed", G_CALLBACK(on_changed), NULL);
		page = GTK_WIDGET(nm_vpn_editor_get_widget(ed));
		g_object_ref_sink(page);
		if ((w = widget("tunnel-mode", GTK_TYPE_COMBO_BOX))) {
			check_str(gtk_combo_box_get_active_id(GTK_COMBO_BOX(w)), "tun", "a new connection is tun");
		}
		if ((w = widget("auth-type", GTK_TYPE_COMBO_BOX))) {
			check_str(gtk_combo_box_get_active_id(GTK_COMBO_BOX(w)), "key", "a new connection uses a key file");
		}
		refused(ed, conn, "host", "a new connection's empty page is refused, naming host");
		edit("host", "h");
		edit("identity-file", "/k");
		edit("known-hosts", "/kh");
		c = accepted(ed, conn, "a new connection with host, key file and known hosts is accepted");
		check_str(data(c, "host"), "h", "update_connection adds the vpn setting with host");
		check_str(nm_connection_get_setting_vpn(c) ? nm_setting_vpn_get_service_type(
				  nm_connection_get_setting_vpn(c)) : NULL, SERVICE, "and sshtun's service type");
		g_object_unref(c);
		g_object_unref(ed);
		g_object_unref(page);
	}
	g_object_unref(conn);
	g_clear_error(&err);

	printf("# nm_editor_check: %d ok, %d not ok\n", passed, failed);
	return failed ? 1 : 0;
}
