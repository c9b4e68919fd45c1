/*
 * sshtun: a keyword's value in a struct cfg as text (cfg_get), for sshtun_get_option and `sshtun -G`: one table
 * row per keyword, naming its field and how it is written. The text is what the keyword takes back as input, so
 * a value read here can be set again (an export of a NetworkManager connection writes it to an ssh_config file).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <syslog.h>

#include "ssh/config.h"
#include "util/features.h"
#include "util/log.h"
#include "util/wire.h"

/* sshtun -G and sshtun_get_option only: a build without them (SSHTUN_CONFIG_GET=0) has no table. */
#if SSHTUN_CONFIG_GET

/* A choice's name for a stored number (the first name the parser takes for it). */
struct gname {
	const char *name;
	int value;
};

enum gkind { G_STR, G_INT, G_BOOL, G_CHOICE, G_LIST, G_FN };

struct getter {
	const char *name;
	enum gkind kind;
	size_t off;			/* the field */
	size_t noff;			/* G_LIST: its count */
	const struct gname *names;	/* G_CHOICE: NULL-ended */
	int (*fn)(const struct cfg *c, struct wire_w *w);	/* G_FN: 1 value written, 0 none */
};

static const struct gname tunnel_names[] = {
	{ "point-to-point", CFG_TUNNEL_P2P }, { "ethernet", CFG_TUNNEL_ETHERNET }, { "no", CFG_TUNNEL_NO }, { NULL, 0 }
};
static const struct gname strict_names[] = {
	{ "yes", CFG_STRICT_YES }, { "no", CFG_STRICT_NO }, { "accept-new", CFG_STRICT_ACCEPT_NEW },
	{ "ask", CFG_STRICT_ASK }, { NULL, 0 }
};
static const struct gname family_names[] = { { "any", 0 }, { "inet", AF_INET }, { "inet6", AF_INET6 }, { NULL, 0 } };
static const struct gname level_names[] = {
	{ "ERROR", LG_ERROR }, { "INFO", LG_INFO }, { "DEBUG1", LG_DEBUG1 }, { "DEBUG2", LG_DEBUG2 },
	{ "DEBUG3", LG_DEBUG3 }, { NULL, 0 }
};
static const struct gname facility_names[] = {
	{ "DAEMON", LOG_DAEMON }, { "USER", LOG_USER }, { "AUTH", LOG_AUTH }, { "LOCAL0", LOG_LOCAL0 },
	{ "LOCAL1", LOG_LOCAL1 }, { "LOCAL2", LOG_LOCAL2 }, { "LOCAL3", LOG_LOCAL3 }, { "LOCAL4", LOG_LOCAL4 },
	{ "LOCAL5", LOG_LOCAL5 }, { "LOCAL6", LOG_LOCAL6 }, { "LOCAL7", LOG_LOCAL7 }, { NULL, 0 }
};
static const struct gname add_keys_names[] = {
	{ "no", CFG_ADD_NO }, { "yes", CFG_ADD_YES }, { "confirm", CFG_ADD_CONFIRM }, { "ask", CFG_ADD_ASK }, { NULL, 0 }
};

static void put_str(struct wire_w *w, const char *s)
{
	wire_put_raw(w, s, strlen(s));
}

static void put_num(struct wire_w *w, long long v)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", v);
	put_str(w, num);
}

/* The name given for Host matching (sshtun_set_params' "Host", without its user@). */
static int get_host(const struct cfg *c, struct wire_w *w)
{
	if (!c->host || !c->host[0]) {
		return 0;
	}
	put_str(w, c->host);
	return 1;
}

static int get_aliases(const struct cfg *c, struct wire_w *w)
{
	if (!c->aliases || !c->aliases[0]) {
		return 0;
	}
	put_str(w, c->aliases);
	return 1;
}

/* TunnelDevice local[:remote], each a number or any. */
static int get_tun_device(const struct cfg *c, struct wire_w *w)
{
	if (c->tun_local == CFG_UNSET) {
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		int unit = i == 0 ? c->tun_local : c->tun_remote;

		if (i == 1) {
			if (unit == CFG_UNSET) {
				break;
			}
			wire_put_u8(w, ':');
		}
		if (unit == CFG_TUN_ANY) {
			put_str(w, "any");
		} else {
			put_num(w, unit);
		}
	}
	return 1;
}

/* RekeyLimit bytes [seconds]: 0 bytes is "default", 0 seconds "none". */
static int get_rekey(const struct cfg *c, struct wire_w *w)
{
	if (c->rekey_bytes == CFG_UNSET && c->rekey_seconds == CFG_UNSET) {
		return 0;
	}
	if (c->rekey_bytes > 0) {
		put_num(w, c->rekey_bytes);
	} else {
		put_str(w, "default");
	}
	if (c->rekey_seconds > 0) {
		wire_put_u8(w, ' ');
		put_num(w, c->rekey_seconds);
	} else if (c->rekey_seconds == 0) {
		put_str(w, " none");
	}
	return 1;
}

#define S(kw, f) { kw, G_STR, offsetof(struct cfg, f), 0, NULL, NULL }
#define I(kw, f) { kw, G_INT, offsetof(struct cfg, f), 0, NULL, NULL }
#define B(kw, f) { kw, G_BOOL, offsetof(struct cfg, f), 0, NULL, NULL }
#define C(kw, f, names) { kw, G_CHOICE, offsetof(struct cfg, f), 0, names, NULL }
#define L(kw, f) { kw, G_LIST, offsetof(struct cfg, f), offsetof(struct cfg, n_##f), NULL, NULL }
#define F(kw, fn) { kw, G_FN, 0, 0, NULL, fn }

static const struct getter getters[] = {
	F("Host", get_host),
	F("HostAliases", get_aliases),
	S("HostName", hostname),
	I("Port", port),
	S("User", user),
	L("IdentityFile", identity_files),
	L("CertificateFile", certificate_files),
	B("IdentitiesOnly", identities_only),
	S("IdentityAgent", identity_agent),
	B("BatchMode", batch_mode),
	S("ProxyJump", proxy_jump),
	S("ProxyCommand", proxy_command),
	S("BindAddress", bind_address),
	S("BindInterface", bind_interface),
	I("ConnectionAttempts", connection_attempts),
	S("CASignatureAlgorithms", ca_signature_algorithms),
	C("AddKeysToAgent", add_keys_to_agent, add_keys_names),
	B("HashKnownHosts", hash_known_hosts),
	B("WarnWeakCrypto", warn_weak_crypto),
	B("Compression", compression),
	S("HostKeyAlias", host_key_alias),
	I("NumberOfPasswordPrompts", password_prompts),
	B("PubkeyAuthentication", pubkey_auth),
	B("KbdInteractiveAuthentication", kbdint_auth),
	B("PasswordAuthentication", password_auth),
	S("PreferredAuthentications", preferred_auth),
	C("Tunnel", tunnel, tunnel_names),
	F("TunnelDevice", get_tun_device),
	L("UserKnownHostsFile", user_known_hosts),
	L("GlobalKnownHostsFile", global_known_hosts),
	C("StrictHostKeyChecking", strict_host_key_checking, strict_names),
	S("Ciphers", ciphers),
	S("MACs", macs),
	S("KexAlgorithms", kex_algorithms),
	S("HostKeyAlgorithms", hostkey_algorithms),
	S("PubkeyAcceptedAlgorithms", pubkey_algorithms),
	I("RequiredRSASize", required_rsa_size),
	F("RekeyLimit", get_rekey),
	I("ConnectTimeout", connect_timeout),
	I("ServerAliveInterval", server_alive_interval),
	I("ServerAliveCountMax", server_alive_count_max),
	C("LogLevel", log_level, level_names),
	C("AddressFamily", address_family, family_names),
	C("SyslogFacility", syslog_facility, facility_names),
	S("TunnelAddress", tunnel_address),
	S("TunnelPeer", tunnel_peer),
	I("TunnelMTU", tunnel_mtu),
	B("TunnelAckThinning", tunnel_ack_thinning),
	B("TunnelConfigure", tunnel_configure),
	S("TunnelConfigCommand", tunnel_config_command),
	S("LocalCommand", local_command),
	B("PermitLocalCommand", permit_local_command),
	B("TunnelReconnect", tunnel_reconnect),
	B("TunnelKillSwitch", tunnel_kill_switch),
	B("TunnelSeccomp", tunnel_seccomp),
	B("TCPKeepAlive", tcp_keepalive),
	S("TunnelDownCommand", tunnel_down_command),
	L("TunnelDNS", tunnel_dns),
	S("TunnelBridge", tunnel_bridge),
	L("TunnelRoute", tunnel_routes),
};

static int get_choice(const struct gname *names, int v, struct wire_w *w)
{
	for (const struct gname *n = names; n->name; n++) {
		if (n->value == v) {
			put_str(w, n->name);
			return 1;
		}
	}
	put_num(w, v);
	return 1;
}

static int get_list(char *const *list, int n, struct wire_w *w)
{
	int got = 0;

	for (int i = 0; i < n; i++) {
		if (!list[i]) {
			continue;
		}
		if (got++) {
			wire_put_u8(w, '\n');
		}
		put_str(w, list[i]);
	}
	return got > 0;
}

const char *cfg_get_keyword(size_t i)
{
	return i < sizeof(getters) / sizeof(getters[0]) ? getters[i].name : NULL;
}

int cfg_get(const struct cfg *c, const char *keyword, struct wire_w *w)
{
	const char *base = (const char *)c;

	for (size_t i = 0; i < sizeof(getters) / sizeof(getters[0]); i++) {
		const struct getter *g = &getters[i];
		const char *s;
		int v;

		if (strcasecmp(keyword, g->name) != 0) {
			continue;
		}
		switch (g->kind) {
		case G_STR:
			memcpy(&s, base + g->off, sizeof(s));
			if (!s) {
				return 0;
			}
			put_str(w, s[0] ? s : "none");
			return 1;
		case G_INT:
		case G_BOOL:
		case G_CHOICE:
			memcpy(&v, base + g->off, sizeof(v));
			if (v == CFG_UNSET && g->kind != G_CHOICE) {
				return 0;
			}
			if (g->kind == G_INT) {
				put_num(w, v);
				return 1;
			}
			if (g->kind == G_BOOL) {
				put_str(w, v ? "yes" : "no");
				return 1;
			}
			return v == CFG_UNSET ? 0 : get_choice(g->names, v, w);
		case G_LIST:
			memcpy(&v, base + g->noff, sizeof(v));
			return get_list((char *const *)(const void *)(base + g->off), v, w);
		case G_FN:
			return g->fn(c, w);
		}
	}
	return -1;
}
#endif /* SSHTUN_CONFIG_GET */
