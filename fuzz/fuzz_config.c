/* sshtun: libFuzzer target for ssh_config text (cfg_read_buf, cfg_apply, cfg_finish, cfg_get). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ssh/config.h"
#include "util/features.h"
#include "util/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void discard(void *ud, int level, const char *msg)
{
	(void)ud;
	(void)level;
	(void)msg;
}

/* Every keyword's value as text (sshtun_get_option's), set or finished: a value there is never empty. */
static void get_all(const struct cfg *c)
{
#if SSHTUN_CONFIG_GET	/* else no table to read values with */
	const char *kw;

	for (size_t i = 0; (kw = cfg_get_keyword(i)) != NULL; i++) {
		struct wire_w w;

		wire_w_init(&w, 0);
		if (cfg_get(c, kw, &w) == 1 && (wire_w_err(&w) != 0 || w.len == 0)) {
			__builtin_trap();
		}
		wire_w_free(&w);
	}
#else
	(void)c;
#endif
}

/* Include reads the file system; leave it out so that runs are repeatable. */
static int has_include(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 7 <= size; i++) {
		if (strncasecmp((const char *)data + i, "include", 7) == 0) {
			return 1;
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lg log = { discard, NULL, LG_DEBUG3 };
	struct cfg c;
	char *line;

	if (has_include(data, size)) {
		return 0;
	}
	setenv("HOME", "/nonexistent-sshtun-fuzz", 1);
	cfg_init(&c);
	c.host = strdup("fuzz.example");
	if (c.host && cfg_read_buf(&c, (const char *)data, size, "fuzz", &log) == 0 && (get_all(&c), 1) &&
	    cfg_finish(&c, &log) == 0) {
		get_all(&c);
		/* What the rest of sshtun relies on after a successful cfg_finish. */
		if (!c.hostname || !c.user || c.port < 1 || c.port > 65535 || c.tunnel == CFG_TUNNEL_NO ||
		    c.n_identity_files < 0 || c.n_identity_files > CFG_MAX_IDENTITIES ||
		    c.n_user_known_hosts > CFG_MAX_FILES || c.n_global_known_hosts > CFG_MAX_FILES ||
		    c.rekey_bytes < 0 || c.rekey_seconds < 0 || c.tun_local < 0 || c.tun_remote < 0 ||
		    (c.tunnel_mtu != 0 && (c.tunnel_mtu < 68 || c.tunnel_mtu > 65535))) {
			__builtin_trap();
		}
	}
	cfg_free(&c);

	/* The same bytes as one -o option. */
	line = malloc(size + 1);
	if (line) {
		memcpy(line, data, size);
		line[size] = '\0';
		cfg_init(&c);
		cfg_apply(&c, line, "-o", &log);
		cfg_free(&c);
		free(line);
	}
	return 0;
}
