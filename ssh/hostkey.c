/* sshtun: host key trust: known_hosts lookup and the StrictHostKeyChecking policy. */
#include <string.h>

#include "ssh/conn_int.h"
#include "ssh/known_hosts.h"

/* The known_hosts files to read, user's first; returns how many. */
static size_t kh_files(const struct sshtun *h, const char **files)
{
	size_t n = 0;

	for (int i = 0; i < h->cfg.n_user_known_hosts; i++) {
		files[n++] = h->cfg.user_known_hosts[i];
	}
	for (int i = 0; i < h->cfg.n_global_known_hosts; i++) {
		files[n++] = h->cfg.global_known_hosts[i];
	}
	return n;
}

void conn_known_types(struct sshtun *h, char *out, size_t outlen)
{
	const char *files[2 * CFG_MAX_FILES];
	size_t n = kh_files(h, files);

	if (kh_known_types(files, n, h->cfg.hostname, h->cfg.port, out, outlen) != 0) {
		out[0] = '\0';
	}
	if (out[0]) {
		LG_D1(&h->log, "known_hosts holds %s key(s) for %s: asking for those first", out, h->cfg.hostname);
	}
}

int conn_check_hostkey(void *ud, const struct pubkey *key)
{
	struct sshtun *h = ud;
	const char *files[2 * CFG_MAX_FILES];
	size_t n = kh_files(h, files);
	struct kh_result res;
	char fp[PK_FP_MAX];
	int r;

	pubkey_fingerprint(key, fp, sizeof(fp));
	memset(&res, 0, sizeof(res));
	r = kh_check(files, n, h->cfg.hostname, h->cfg.port, key, &res, &h->log);
	if (r < 0) {
		return r;
	}
	switch (res.status) {
	case KH_MATCH:
		LG_D1(&h->log, "host key %s %s found in known_hosts", pubkey_type_name(key->type), fp);
		return 0;
	case KH_REVOKED:
		conn_fail(h, SSHTUN_ERR_HOSTKEY_CHANGED, "host key %s %s for %s is marked revoked in %s:%u; refusing to connect",
			pubkey_type_name(key->type), fp, h->cfg.hostname, res.file, res.line);
		return SSHTUN_ERR_HOSTKEY_CHANGED;
	case KH_CHANGED:
		LG_W(&h->log, "WARNING: the host key for %s has changed: someone could be eavesdropping, or the key was replaced",
			h->cfg.hostname);
		conn_fail(h, SSHTUN_ERR_HOSTKEY_CHANGED,
			"host key for %s has changed (server now offers %s %s); if that is expected, remove the old entry at %s:%u",
			h->cfg.hostname, pubkey_type_name(key->type), fp, res.file, res.line);
		return SSHTUN_ERR_HOSTKEY_CHANGED;
	default:
		break;
	}
	if (h->cfg.strict_host_key_checking == CFG_STRICT_ACCEPT_NEW || h->cfg.strict_host_key_checking == CFG_STRICT_NO) {
		const char *file = h->cfg.n_user_known_hosts ? h->cfg.user_known_hosts[0] : NULL;

		if (file && kh_add(file, h->cfg.hostname, h->cfg.port, key) == 0) {
			LG_W(&h->log, "Permanently added %s (%s %s) to %s", h->cfg.hostname, pubkey_type_name(key->type), fp, file);
		} else {
			LG_W(&h->log, "could not add the host key of %s to %s", h->cfg.hostname, file ? file : "known_hosts");
		}
		return 0;
	}
	conn_fail(h, SSHTUN_ERR_HOSTKEY_UNKNOWN,
		"host key for %s is not known (%s %s); verify it, then add it to known_hosts or use -o StrictHostKeyChecking=accept-new",
		h->cfg.hostname, pubkey_type_name(key->type), fp);
	return SSHTUN_ERR_HOSTKEY_UNKNOWN;
}
