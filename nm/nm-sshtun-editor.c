/*
 * nm-sshtun-editor: the GTK 3 page that edits an sshtun connection in nm-connection-editor and GNOME Settings.
 *
 * Built as libnm-vpn-plugin-sshtun-editor.so. The editor plugin (libnm-vpn-plugin-sshtun.so, which has no GTK
 * in it) dlopens this library from its own directory when a program asks for an editor and calls the one symbol
 * it exports, nm_vpn_editor_factory_sshtun(). That returns an object implementing libnm's NMVpnEditor: its
 * widget (get_widget), the connection written back from it (update_connection, which refuses values the service
 * would refuse, naming the field), and "changed" on every edit.
 *
 * Each field is the vpn.data item of the same name that nm/nm-sshtun-service.c reads (see its header comment), and
 * each widget has that name (gtk_widget_set_name), so a program or a test finds them: the text entries host, port,
 * user, identity-file, known-hosts, remote-command, jump-hosts, mtu, local-address, remote-address, routes; the
 * text view extra-options; the combo boxes auth-type (key, agent, password) and tunnel-mode (tun, tap); the secret
 * entries password and passphrase, with libnma's storage menu (the secret's -flags item); the buttons
 * identity-file-choose and known-hosts-choose, which fill the entries before them from a file chooser. Paths are
 * plain entries rather than file chooser buttons: the service runs as root and may read files this user cannot
 * (a chooser button drops a path it cannot see), and a typed path is kept as typed.
 *
 * The widgets are built in C, not from a GtkBuilder file: one table gives each item its label, its widget and
 * its check, so a name cannot be spelt two ways, and there is no resource to compile or find at run time.
 * Empty fields remove their item.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <gtk/gtk.h>
#include <NetworkManager.h>
#include <nma-ui-utils.h>

#define SSHTUN_NM_SERVICE "org.freedesktop.NetworkManager.sshtun"

/* How an entry's text is checked before it is written (update_connection). */
enum check {
	CHECK_NONE,
	CHECK_HOST,	/* required: a host name or address (no spaces) */
	CHECK_WORD,	/* no spaces (a user name) */
	CHECK_PORT,	/* 1..65535 */
	CHECK_MTU,	/* TunnelMTU: 68..65535 (ssh/config_keywords.c); empty leaves the device's MTU alone */
	CHECK_PATH,	/* a file name */
	CHECK_JUMP,	/* ProxyJump: [user@]host[:port] separated by commas */
	CHECK_ADDR_PREFIX,	/* TunnelAddress: address[/prefix] */
	CHECK_ADDR,	/* TunnelPeer: an address */
	CHECK_ROUTES,	/* TunnelRoute: address/prefix or "default", separated by spaces */
};

struct field {
	const char *key;	/* the vpn.data item, and the widget's name */
	const char *label;
	const char *hint;	/* shown while the entry is empty */
	const char *tip;
	enum check check;
	int chooser;		/* a button choosing a file into the entry */
	const char *heading;	/* a section starting at this row */
};

/* The entries, in the order the page shows them (the combo boxes and secrets are placed among them by key). */
static const struct field fields[] = {
	{ "host", "_Server", "vpn.example.org", "The SSH server: a host name or address (required)", CHECK_HOST, 0, "SSH" },
	{ "port", "_Port", "22", "Its SSH port (22 when empty)", CHECK_PORT, 0, NULL },
	{ "user", "_User name", NULL, "The login user on the server (when empty: the connection's owner, or root for "
	  "a connection shared by all users)",
	  CHECK_WORD, 0, NULL },
	{ "identity-file", "_Key file", NULL, "The private key file that logs in (read with the connection owner's rights)",
	  CHECK_PATH, 1, NULL },
	{ "known-hosts", "Known _hosts file", NULL,
	  "The known_hosts file holding the server's host key (when empty: the owner's ~/.ssh/known_hosts; required "
	  "for a connection shared by all users)", CHECK_PATH, 1,
	  NULL },
	{ "jump-hosts", "_Jump hosts", "user@bastion:22",
	  "Hosts to go through on the way, as ssh's ProxyJump: [user@]host[:port], comma-separated", CHECK_JUMP, 0,
	  NULL },
	{ "remote-command", "Server _command", "sshtun-server",
	  "TunnelConfigCommand: the server's command that prints this client's tunnel configuration (addresses, "
	  "routes, DNS); when empty, the fields below configure the tunnel", CHECK_NONE, 0, "Tunnel" },
	{ "mtu", "_MTU", NULL, "The tunnel device's MTU, 68 to 65535 (left as it is when empty)", CHECK_MTU, 0, NULL },
	{ "local-address", "_Local address", "10.0.0.2/24", "This end's address on the tunnel, address[/prefix]",
	  CHECK_ADDR_PREFIX, 0, NULL },
	{ "remote-address", "_Remote address", "10.0.0.1", "The server's address on the tunnel", CHECK_ADDR, 0, NULL },
	{ "routes", "R_outes", "10.1.0.0/16 fd00:1::/64, or default",
	  "Networks routed through the tunnel, address/prefix separated by spaces, or default", CHECK_ROUTES, 0, NULL },
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

/* The secrets: one for each authentication that has one. */
enum { SECRET_PASSWORD, SECRET_PASSPHRASE, N_SECRETS };
static const char *const secret_key[N_SECRETS] = { "password", "passphrase" };

#define SSHTUN_TYPE_EDITOR (sshtun_editor_get_type())
G_DECLARE_FINAL_TYPE(SshtunEditor, sshtun_editor, SSHTUN, EDITOR, GObject)

struct _SshtunEditor {
	GObject parent;
	GtkWidget *page;		/* the grid get_widget returns (a reference of ours) */
	GtkWidget *entry[N_FIELDS];
	GtkWidget *extra;		/* extra-options: a GtkTextView */
	GtkWidget *auth;		/* auth-type */
	GtkWidget *mode;		/* tunnel-mode */
	GtkWidget *secret[N_SECRETS];
	GtkWidget *key_row[2];		/* the key file's entry and button: sensitive for key authentication */
	GPtrArray *kept;		/* a reference to each widget above: valid while the editor is, even if the
					 * page's container destroyed the page first */
};

static void sshtun_editor_iface_init(NMVpnEditorInterface *iface);

G_DEFINE_TYPE_WITH_CODE(SshtunEditor, sshtun_editor, G_TYPE_OBJECT,
			G_IMPLEMENT_INTERFACE(NM_TYPE_VPN_EDITOR, sshtun_editor_iface_init))

static void emit_changed(SshtunEditor *self)
{
	g_signal_emit_by_name(self, "changed");
}

static GtkWidget *keep(SshtunEditor *self, GtkWidget *w)
{
	g_ptr_array_add(self->kept, g_object_ref(w));
	return w;
}

static void on_edited(GtkWidget *w, gpointer user_data)
{
	(void)w;
	emit_changed(SSHTUN_EDITOR(user_data));
}

/* The rows that only one authentication uses are greyed out for the others. */
static void auth_sensitivity(SshtunEditor *self)
{
	const char *a = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->auth));
	gboolean key = !g_strcmp0(a, "key");

	gtk_widget_set_sensitive(self->key_row[0], key);
	gtk_widget_set_sensitive(self->key_row[1], key);
	gtk_widget_set_sensitive(self->secret[SECRET_PASSPHRASE], key);
	gtk_widget_set_sensitive(self->secret[SECRET_PASSWORD], !g_strcmp0(a, "password"));
}

static void on_auth_changed(GtkComboBox *c, gpointer user_data)
{
	SshtunEditor *self = SSHTUN_EDITOR(user_data);

	(void)c;
	auth_sensitivity(self);
	emit_changed(self);
}

/* ---- choosing a file ---- */

static void on_choose(GtkButton *button, gpointer user_data)
{
	GtkEntry *entry = GTK_ENTRY(user_data);
	GtkWidget *top = gtk_widget_get_toplevel(GTK_WIDGET(button));
	GtkFileChooserNative *fc;
	const char *cur = gtk_entry_get_text(entry);

	fc = gtk_file_chooser_native_new("Choose a file", gtk_widget_is_toplevel(top) ? GTK_WINDOW(top) : NULL,
					 GTK_FILE_CHOOSER_ACTION_OPEN, "_Choose", "_Cancel");
	gtk_file_chooser_set_show_hidden(GTK_FILE_CHOOSER(fc), TRUE);	/* keys live in ~/.ssh */
	if (*cur) {
		gtk_file_chooser_set_filename(GTK_FILE_CHOOSER(fc), cur);
	}
	if (gtk_native_dialog_run(GTK_NATIVE_DIALOG(fc)) == GTK_RESPONSE_ACCEPT) {
		char *f = gtk_file_chooser_get_filename(GTK_FILE_CHOOSER(fc));

		if (f) {
			gtk_entry_set_text(entry, f);	/* the entry's "changed" tells the editor */
			g_free(f);
		}
	}
	g_object_unref(fc);
}

/* ---- building the page ---- */

static GtkWidget *label_for(GtkWidget *grid, int row, const char *text, GtkWidget *target)
{
	GtkWidget *l = gtk_label_new_with_mnemonic(text);

	gtk_label_set_mnemonic_widget(GTK_LABEL(l), target);
	gtk_label_set_xalign(GTK_LABEL(l), 1.0f);
	gtk_grid_attach(GTK_GRID(grid), l, 0, row, 1, 1);
	return l;
}

static const char *item(NMSettingVpn *s, const char *key)
{
	const char *v = s ? nm_setting_vpn_get_data_item(s, key) : NULL;

	return v ? v : "";
}

/* A secret's entry, filled from the connection, with libnma's menu choosing where the secret is kept. */
static GtkWidget *secret_entry(SshtunEditor *self, NMSettingVpn *s, int i, gboolean may_be_unneeded)
{
	GtkWidget *e = keep(self, gtk_entry_new());
	NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_AGENT_OWNED;
	char *flags_key = g_strdup_printf("%s-flags", secret_key[i]);
	const char *v = s ? nm_setting_vpn_get_secret(s, secret_key[i]) : NULL;

	/*
	 * Where the secret is kept: its -flags item; a secret without one is the system's (NetworkManager's rule);
	 * a connection with neither (a new one) keeps it for this user, in the user's keyring.
	 */
	if (s && (v || nm_setting_vpn_get_data_item(s, flags_key))) {
		nm_setting_get_secret_flags(NM_SETTING(s), secret_key[i], &flags, NULL);
	}
	g_free(flags_key);
	gtk_widget_set_name(e, secret_key[i]);
	gtk_entry_set_visibility(GTK_ENTRY(e), FALSE);
	gtk_entry_set_input_purpose(GTK_ENTRY(e), GTK_INPUT_PURPOSE_PASSWORD);
	gtk_widget_set_hexpand(e, TRUE);
	if (v) {
		gtk_entry_set_text(GTK_ENTRY(e), v);
	}
	/* No setting given: the menu changes only the entry, and update_connection writes the flags it shows. */
	nma_utils_setup_password_storage(e, flags, NULL, NULL, may_be_unneeded, FALSE);
	g_signal_connect_object(e, "changed", G_CALLBACK(on_edited), self, 0);
	return e;
}

static void build(SshtunEditor *self, NMConnection *connection)
{
	NMSettingVpn *s = connection ? nm_connection_get_setting_vpn(connection) : NULL;
	GtkWidget *grid = gtk_grid_new(), *sw;
	GtkTextBuffer *buf;
	const char *a;
	int row = 0;

	gtk_widget_set_name(grid, "sshtun-page");
	gtk_grid_set_row_spacing(GTK_GRID(grid), 6);
	gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
	gtk_container_set_border_width(GTK_CONTAINER(grid), 12);

	for (size_t i = 0; i < N_FIELDS; i++) {
		const struct field *f = &fields[i];
		GtkWidget *e = keep(self, gtk_entry_new());

		self->entry[i] = e;
		gtk_widget_set_name(e, f->key);
		gtk_widget_set_tooltip_text(e, f->tip);
		if (f->hint) {
			gtk_entry_set_placeholder_text(GTK_ENTRY(e), f->hint);
		}
		gtk_entry_set_activates_default(GTK_ENTRY(e), TRUE);
		gtk_entry_set_text(GTK_ENTRY(e), item(s, f->key));
		if (f->check == CHECK_PORT || f->check == CHECK_MTU) {
			gtk_entry_set_input_purpose(GTK_ENTRY(e), GTK_INPUT_PURPOSE_DIGITS);
			gtk_entry_set_width_chars(GTK_ENTRY(e), 7);
			gtk_widget_set_halign(e, GTK_ALIGN_START);
		} else {
			gtk_widget_set_hexpand(e, TRUE);
		}
		if (f->heading) {
			GtkWidget *h = gtk_label_new(NULL);
			char *m = g_markup_printf_escaped("<b>%s</b>", f->heading);

			gtk_label_set_markup(GTK_LABEL(h), m);
			g_free(m);
			gtk_label_set_xalign(GTK_LABEL(h), 0.0f);
			if (row) {
				gtk_widget_set_margin_top(h, 12);
			}
			gtk_grid_attach(GTK_GRID(grid), h, 0, row++, 3, 1);
		}
		g_signal_connect_object(e, "changed", G_CALLBACK(on_edited), self, 0);

		if (!strcmp(f->key, "identity-file")) {
			/* Authentication comes before the key file it chooses between. */
			self->auth = keep(self, gtk_combo_box_text_new());
			gtk_widget_set_name(self->auth, "auth-type");
			gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(self->auth), "key", "Key file");
			gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(self->auth), "agent", "SSH agent");
			gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(self->auth), "password", "Password");
			a = item(s, "auth-type");
			if (!gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->auth), *a ? a : "key")) {
				gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->auth), "key");
			}
			label_for(grid, row, "_Authentication", self->auth);
			gtk_grid_attach(GTK_GRID(grid), self->auth, 1, row++, 2, 1);
		}

		label_for(grid, row, f->label, e);
		if (f->chooser) {
			GtkWidget *b = gtk_button_new_with_mnemonic("_Choose...");
			char *name = g_strdup_printf("%s-choose", f->key);

			gtk_widget_set_name(b, name);
			g_free(name);
			g_signal_connect(b, "clicked", G_CALLBACK(on_choose), e);
			gtk_grid_attach(GTK_GRID(grid), e, 1, row, 1, 1);
			gtk_grid_attach(GTK_GRID(grid), b, 2, row++, 1, 1);
			if (!strcmp(f->key, "identity-file")) {
				self->key_row[0] = e;
				self->key_row[1] = keep(self, b);
				self->secret[SECRET_PASSPHRASE] = secret_entry(self, s, SECRET_PASSPHRASE, TRUE);
				gtk_widget_set_tooltip_text(self->secret[SECRET_PASSPHRASE],
							    "The key file's passphrase, if it has one");
				label_for(grid, row, "Key pass_phrase", self->secret[SECRET_PASSPHRASE]);
				gtk_grid_attach(GTK_GRID(grid), self->secret[SECRET_PASSPHRASE], 1, row++, 2, 1);
				self->secret[SECRET_PASSWORD] = secret_entry(self, s, SECRET_PASSWORD, FALSE);
				gtk_widget_set_tooltip_text(self->secret[SECRET_PASSWORD], "The login user's password");
				label_for(grid, row, "Pass_word", self->secret[SECRET_PASSWORD]);
				gtk_grid_attach(GTK_GRID(grid), self->secret[SECRET_PASSWORD], 1, row++, 2, 1);
			}
		} else {
			gtk_grid_attach(GTK_GRID(grid), e, 1, row++, 2, 1);
		}

		if (!strcmp(f->key, "remote-command")) {
			/* The tunnel's kind comes after the server's command, before the device's settings. */
			self->mode = keep(self, gtk_combo_box_text_new());
			gtk_widget_set_name(self->mode, "tunnel-mode");
			gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(self->mode), "tun", "tun (IP packets)");
			gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(self->mode), "tap", "tap (Ethernet frames)");
			a = item(s, "tunnel-mode");
			if (!gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->mode), *a ? a : "tun")) {
				gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->mode), "tun");
			}
			label_for(grid, row, "_Tunnel mode", self->mode);
			gtk_grid_attach(GTK_GRID(grid), self->mode, 1, row++, 2, 1);
			g_signal_connect_object(self->mode, "changed", G_CALLBACK(on_edited), self, 0);
		}
	}

	/* extra-options: ssh_config lines, one a line (the service also splits on ";"). */
	self->extra = keep(self, gtk_text_view_new());
	gtk_widget_set_name(self->extra, "extra-options");
	gtk_widget_set_tooltip_text(self->extra, "Further ssh_config options, one a line (or separated by ;)");
	gtk_text_view_set_monospace(GTK_TEXT_VIEW(self->extra), TRUE);
	buf = gtk_text_view_get_buffer(GTK_TEXT_VIEW(self->extra));
	gtk_text_buffer_set_text(buf, item(s, "extra-options"), -1);
	g_signal_connect_object(buf, "changed", G_CALLBACK(on_edited), self, 0);
	sw = gtk_scrolled_window_new(NULL, NULL);
	gtk_scrolled_window_set_shadow_type(GTK_SCROLLED_WINDOW(sw), GTK_SHADOW_IN);
	gtk_scrolled_window_set_min_content_height(GTK_SCROLLED_WINDOW(sw), 60);
	gtk_widget_set_hexpand(sw, TRUE);
	gtk_container_add(GTK_CONTAINER(sw), self->extra);
	gtk_widget_set_valign(label_for(grid, row, "_Extra options", self->extra), GTK_ALIGN_START);
	gtk_grid_attach(GTK_GRID(grid), sw, 1, row++, 2, 1);

	auth_sensitivity(self);
	g_signal_connect_object(self->auth, "changed", G_CALLBACK(on_auth_changed), self, 0);
	gtk_widget_show_all(grid);
	self->page = g_object_ref_sink(grid);
}

/* ---- checking and writing the connection ---- */

static gboolean bad(GError **error, const char *key, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean bad(GError **error, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* The item's name leads the message: the page's owner shows it, and it says which field to fix. */
	g_set_error(error, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_INVALID_PROPERTY, "%s: %s", key, s);
	g_free(s);
	return FALSE;
}

/* A decimal number in lo..hi, digits only. */
static gboolean number_in(const char *s, long lo, long hi)
{
	char *end;
	long v;

	if (!g_ascii_isdigit(*s) || strlen(s) > 6) {
		return FALSE;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	return !errno && !*end && v >= lo && v <= hi;
}

/*
 * An address as sshtun reads it: prefix 0 for TunnelPeer (no /prefix), 1 for TunnelAddress (optional), 2 for a
 * TunnelRoute network (needed); a prefix is 1..32 or 1..128.
 */
static gboolean address_ok(const char *s, int prefix)
{
	unsigned char bin[sizeof(struct in6_addr)];
	const char *slash = strchr(s, '/');
	char *a = g_strndup(s, slash ? (size_t)(slash - s) : strlen(s));
	int af = AF_INET;
	gboolean ok;

	if (inet_pton(AF_INET, a, bin) != 1) {
		af = AF_INET6;
	}
	ok = inet_pton(af, a, bin) == 1;
	g_free(a);
	if (!ok || (slash && !prefix) || (!slash && prefix == 2)) {
		return FALSE;
	}
	return !slash || number_in(slash + 1, 1, af == AF_INET ? 32 : 128);
}

static gboolean has_space_or_control(const char *s)
{
	for (; *s; s++) {
		if (g_ascii_isspace(*s) || g_ascii_iscntrl(*s)) {
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean has_control(const char *s)
{
	for (; *s; s++) {
		if (g_ascii_iscntrl(*s)) {
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean check_field(const struct field *f, const char *v, GError **error)
{
	if (!*v) {
		return f->check == CHECK_HOST ? bad(error, f->key, "the server is required") : TRUE;
	}
	switch (f->check) {
	case CHECK_HOST:
	case CHECK_WORD:
		return has_space_or_control(v) ? bad(error, f->key, "\"%s\" has spaces in it", v) : TRUE;
	case CHECK_PORT:
		return number_in(v, 1, 65535) ? TRUE : bad(error, f->key, "\"%s\" is not a port number 1-65535", v);
	case CHECK_MTU:
		return number_in(v, 68, 65535) ? TRUE : bad(error, f->key, "\"%s\" is not an MTU 68-65535", v);
	case CHECK_PATH:
	case CHECK_NONE:
		return has_control(v) ? bad(error, f->key, "control characters in \"%s\"", v) : TRUE;
	case CHECK_JUMP: {
		char **hops = g_strsplit(v, ",", -1);
		gboolean ok = TRUE;

		for (char **h = hops; ok && *h; h++) {
			ok = **h && !has_space_or_control(*h);
		}
		g_strfreev(hops);
		return ok ? TRUE : bad(error, f->key, "\"%s\" is not a comma-separated list of [user@]host[:port]", v);
	}
	case CHECK_ADDR_PREFIX:
		return address_ok(v, 1) ? TRUE : bad(error, f->key, "\"%s\" is not an address[/prefix]", v);
	case CHECK_ADDR:
		return address_ok(v, 0) ? TRUE : bad(error, f->key, "\"%s\" is not an address", v);
	case CHECK_ROUTES: {
		char **nets = g_strsplit_set(v, " \t", -1);
		gboolean ok = TRUE;

		for (char **n = nets; ok && *n; n++) {
			if (**n && g_ascii_strcasecmp(*n, "default") && !address_ok(*n, 2)) {
				ok = bad(error, f->key, "\"%s\" is not a network (address/prefix) or default", *n);
			}
		}
		g_strfreev(nets);
		return ok;
	}
	}
	return TRUE;
}

static void set_item(NMSettingVpn *s, const char *key, const char *v)
{
	if (v && *v) {
		nm_setting_vpn_add_data_item(s, key, v);
	} else {
		nm_setting_vpn_remove_data_item(s, key);
	}
}

/* A secret and where it is kept; the authentication that has no use for it drops both. */
static void write_secret(SshtunEditor *self, NMSettingVpn *s, int i, gboolean used)
{
	const char *key = secret_key[i];
	const char *v = gtk_entry_get_text(GTK_ENTRY(self->secret[i]));
	NMSettingSecretFlags flags = nma_utils_menu_to_secret_flags(self->secret[i]);

	if (!used) {
		char *flags_key = g_strdup_printf("%s-flags", key);

		nm_setting_vpn_remove_secret(s, key);
		nm_setting_vpn_remove_data_item(s, flags_key);
		g_free(flags_key);
		return;
	}
	nm_setting_set_secret_flags(NM_SETTING(s), key, flags, NULL);
	if (*v && !(flags & (NM_SETTING_SECRET_FLAG_NOT_SAVED | NM_SETTING_SECRET_FLAG_NOT_REQUIRED))) {
		nm_setting_vpn_add_secret(s, key, v);
	} else {
		nm_setting_vpn_remove_secret(s, key);
	}
}

static char *extra_text(SshtunEditor *self)
{
	GtkTextBuffer *buf = gtk_text_view_get_buffer(GTK_TEXT_VIEW(self->extra));
	GtkTextIter a, b;

	gtk_text_buffer_get_bounds(buf, &a, &b);
	return g_strstrip(gtk_text_buffer_get_text(buf, &a, &b, FALSE));
}

/* The connection is one user's (permissions user:NAME, one user): the service uses that user's known_hosts. */
static gboolean one_owner(NMConnection *connection)
{
	NMSettingConnection *sc = nm_connection_get_setting_connection(connection);
	guint n = sc ? nm_setting_connection_get_num_permissions(sc) : 0, users = 0;
	const char *type;

	for (guint i = 0; i < n; i++) {
		if (nm_setting_connection_get_permission(sc, i, &type, NULL, NULL) && type && !strcmp(type, "user")) {
			users++;
		}
	}
	return users == 1;
}

static gboolean update_connection(NMVpnEditor *editor, NMConnection *connection, GError **error)
{
	SshtunEditor *self = SSHTUN_EDITOR(editor);
	char *v[N_FIELDS], *extra;
	const char *auth = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->auth));
	const char *mode = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->mode));
	NMSettingVpn *s;
	gboolean ok = TRUE;
	size_t i;

	/* Everything is checked before anything is written: a refused page leaves the connection as it was. */
	for (i = 0; i < N_FIELDS; i++) {
		v[i] = g_strstrip(g_strdup(gtk_entry_get_text(GTK_ENTRY(self->entry[i]))));
	}
	for (i = 0; ok && i < N_FIELDS; i++) {
		ok = check_field(&fields[i], v[i], error);
	}
	for (i = 0; ok && i < N_FIELDS; i++) {
		if (!strcmp(fields[i].key, "identity-file") && !*v[i] && !g_strcmp0(auth, "key")) {
			ok = bad(error, fields[i].key, "key authentication needs a key file");
		} else if (!strcmp(fields[i].key, "known-hosts") && !*v[i] && !one_owner(connection)) {
			ok = bad(error, fields[i].key, "a connection shared by all users has no owner whose ~/.ssh/known_hosts "
				 "would do: the service checks the server's key against this file");
		}
	}
	extra = extra_text(self);
	if (ok && (s = nm_connection_get_setting_vpn(connection)) == NULL) {
		s = NM_SETTING_VPN(nm_setting_vpn_new());
		nm_connection_add_setting(connection, NM_SETTING(s));
	}
	if (ok) {
		g_object_set(s, NM_SETTING_VPN_SERVICE_TYPE, SSHTUN_NM_SERVICE, NULL);
		for (i = 0; i < N_FIELDS; i++) {
			/* A key file stays written while another authentication is chosen: switching back finds it. */
			set_item(s, fields[i].key, v[i]);
		}
		set_item(s, "extra-options", extra);
		set_item(s, "auth-type", auth);
		set_item(s, "tunnel-mode", mode);
		write_secret(self, s, SECRET_PASSWORD, !g_strcmp0(auth, "password"));
		write_secret(self, s, SECRET_PASSPHRASE, !g_strcmp0(auth, "key"));
	}
	for (i = 0; i < N_FIELDS; i++) {
		g_free(v[i]);
	}
	g_free(extra);
	return ok;
}

static GObject *get_widget(NMVpnEditor *editor)
{
	return G_OBJECT(SSHTUN_EDITOR(editor)->page);
}

/* ---- the object ---- */

static void sshtun_editor_dispose(GObject *object)
{
	SshtunEditor *self = SSHTUN_EDITOR(object);

	/* The page may live on in its container: its handlers into the editor went with it (g_signal_connect_object). */
	g_clear_pointer(&self->kept, g_ptr_array_unref);
	g_clear_object(&self->page);
	G_OBJECT_CLASS(sshtun_editor_parent_class)->dispose(object);
}

static void sshtun_editor_init(SshtunEditor *self)
{
	self->kept = g_ptr_array_new_with_free_func(g_object_unref);
}

static void sshtun_editor_class_init(SshtunEditorClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = sshtun_editor_dispose;
}

static void sshtun_editor_iface_init(NMVpnEditorInterface *iface)
{
	iface->get_widget = get_widget;
	iface->update_connection = update_connection;
}

NMVpnEditor *nm_vpn_editor_factory_sshtun(NMVpnEditorPlugin *editor_plugin, NMConnection *connection,
					  GError **error) __attribute__((visibility("default")));

NMVpnEditor *nm_vpn_editor_factory_sshtun(NMVpnEditorPlugin *editor_plugin, NMConnection *connection,
					  GError **error)
{
	SshtunEditor *self;

	(void)editor_plugin;
	g_return_val_if_fail(connection == NULL || NM_IS_CONNECTION(connection), NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);
	self = g_object_new(SSHTUN_TYPE_EDITOR, NULL);
	build(self, connection);
	return NM_VPN_EDITOR(self);
}
