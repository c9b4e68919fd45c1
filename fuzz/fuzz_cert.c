/*
 * sshtun: libFuzzer target for OpenSSH certificate blobs (transport/cert.c): cert_parse, then on a parsed
 * certificate the CA signature check, the use checks for a few names and times, the iterators and the text
 * helpers. Refusals are normal; the traps are for broken invariants (counts that disagree with the lists,
 * unprintable text, a host certificate accepted without principals or with a critical option, a parse that
 * does not repeat).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/crypto.h"
#include "transport/cert.h"
#include "transport/pubkey.h"
#include "util/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if SSHTUN_CERT

/* Host and user names as the callers pass them. */
static const char *const names[] = { "host.example.com", "a.example.net", "alice", "", "*" };

/* A NUL-terminated string of printable ASCII only. */
static void check_printable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n == cap) {
		__builtin_trap();
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) {
			__builtin_trap();
		}
	}
}

static unsigned count_options(const struct cert *c, int which)
{
	struct wire_view name, val;
	size_t pos = 0;
	unsigned n = 0;

	while (cert_option_next(c, which, &pos, &name, &val)) {
		n++;
	}
	return n;
}

static void check_cert(const struct cert *c, const uint8_t *data, size_t size)
{
	static struct cert again;
	struct wire_view p;
	size_t pos = 0;
	unsigned n = 0;
	char why[128], text[CERT_TEXT_MAX];
	uint64_t times[4];

	if (c->key.type == PK_NONE || c->ca.type == PK_NONE || c->signed_len > c->bloblen ||
		c->nprincipals > CERT_MAX_PRINCIPALS || (c->type != CERT_USER && c->type != CERT_HOST)) {
		__builtin_trap();
	}
	check_printable(c->key_id, sizeof(c->key_id));
	while (cert_principal_next(c, &pos, &p)) {
		n++;
	}
	if (n != c->nprincipals || count_options(c, CERT_CRITICAL) != c->ncritical ||
		count_options(c, CERT_EXTENSIONS) != c->nextensions) {
		__builtin_trap();
	}
	/* The same bytes parse the same way. */
	if (cert_parse(&again, c->blob, c->bloblen) != 0 || memcmp(&again, c, sizeof(again)) != 0) {
		__builtin_trap();
	}

	cert_verify_ca(c, 0);
	cert_verify_ca(c, 1);

	times[0] = 0;
	times[1] = c->valid_after;
	times[2] = c->valid_before ? c->valid_before - 1 : 0;
	times[3] = UINT64_MAX;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (size_t t = 0; t < 4; t++) {
			for (int type = CERT_USER; type <= CERT_HOST; type++) {
				int err = cert_check(c, type, names[i], times[t], why, sizeof(why));

				check_printable(why, sizeof(why));
				/* Accepted: the right type, in time; for a host, some principal and no critical option. */
				if (err == 0 && (c->type != type || times[t] < c->valid_after ||
					(c->valid_before != UINT64_MAX && times[t] >= c->valid_before) ||
					(type == CERT_HOST && (c->nprincipals == 0 || c->ncritical != 0)))) {
					__builtin_trap();
				}
				if (err == 0 && why[0] != '\0') {
					__builtin_trap();
				}
				if (err != 0 && why[0] == '\0') {
					__builtin_trap();
				}
			}
		}
	}
	cert_check(c, CERT_USER, NULL, c->valid_after, why, sizeof(why));
	cert_check(c, c->type, names[0], c->valid_after, why, 8);
	check_printable(why, 8);

	cert_principals_text(c, text, sizeof(text));
	check_printable(text, sizeof(text));
	cert_options_text(c, CERT_CRITICAL, text, sizeof(text));
	check_printable(text, sizeof(text));
	cert_options_text(c, CERT_EXTENSIONS, text, 24);
	check_printable(text, 24);
	cert_time_text(c->valid_before, text, sizeof(text));
	check_printable(text, sizeof(text));
	(void)cert_has_option(c, CERT_CRITICAL, "force-command", NULL);
	/* The type's names go together: the blob's, and a signature algorithm that signs for it. */
	if (strcmp(cert_type_name(c), cert_key_type_name(c->key.type)) != 0 ||
		!strstr(cert_sigalgs_supported(), cert_sigalg_from_plain(pubkey_type_name(c->key.type),
			strlen(pubkey_type_name(c->key.type))))) {
		__builtin_trap();
	}
	(void)cert_has_principal(c, "alice", 5);

	/* The certified key's signature: the CA's signature field as one, over the input. */
	cert_verify(c, NULL, c->blob + c->sig_off, c->sig_len, data, size);
	cert_verify(c, cert_sigalg_from_plain("rsa-sha2-256", 12), c->blob + c->sig_off, c->sig_len, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cert c;

	if (cry_init() != 0) {
		return 0;
	}
	if (cert_parse(&c, data, size) == 0) {
		check_cert(&c, data, size);
	} else if (c.bloblen != 0 || c.key.type != PK_NONE) {
		__builtin_trap();	/* a refused certificate leaves nothing behind */
	}
	/* The input as an algorithm name. */
	(void)cert_is_name((const char *)data, size);
	(void)cert_sigalg_plain((const char *)data, size);
	(void)cert_sigalg_from_plain((const char *)data, size);
	(void)cert_sigalg_key_type((const char *)data, size);
	return 0;
}
#else
/* SSHTUN_CERT 0: no certificate parser to fuzz. */
#include "fuzz/left_out.h"
FUZZ_LEFT_OUT()
#endif
