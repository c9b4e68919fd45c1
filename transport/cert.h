/*
 * sshtun: OpenSSH certificates (the *-cert-v01@openssh.com key types of PROTOCOL.certkeys): parsing, the CA's
 * signature, the checks a client makes before it trusts a host certificate or offers a user certificate, and
 * the names of the signature algorithms that go with them.
 *
 * A certificate is a key blob of its own type: the certified key's fields, then serial, type, key id,
 * principals, validity, critical options, extensions, reserved, the CA's key (the "signature key") and the
 * CA's signature over everything before the signature. The certified key and the CA key are kept as plain
 * struct pubkey (rebuilt and parsed by transport/pubkey.c, so every key check is the same as for a plain key);
 * everything else is views (offsets) into the certificate's own copy of the blob.
 */
#ifndef TRANSPORT_CERT_H
#define TRANSPORT_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sshtun_err.h"
#include "transport/pubkey.h"
#include "util/features.h"
#include "util/wire.h"

enum {
	CERT_USER = 1,			/* SSH_CERT_TYPE_USER */
	CERT_HOST = 2,			/* SSH_CERT_TYPE_HOST */
	CERT_MAX_PRINCIPALS = 256,	/* more is refused by cert_parse */
	CERT_KEY_ID_MAX = 256,		/* key_id's size: longer key ids are cut (the view has all of it) */
	CERT_BLOB_MAX = 16384,		/* largest certificate: two 16384-bit RSA keys and a signature fit */
	CERT_TEXT_MAX = 1024		/* a comfortable size for the *_text helpers' output */
};

/* Which list cert_option_next and cert_options_text read. */
enum { CERT_CRITICAL = 0, CERT_EXTENSIONS = 1 };

struct cert {
	struct pubkey key;	/* the certified key as a plain key (PK_*): pubkey_equal with a .pub key works */
	int type;		/* CERT_USER or CERT_HOST */
	uint64_t serial, valid_after, valid_before;	/* valid_before UINT64_MAX: forever */
	char key_id[CERT_KEY_ID_MAX];	/* printable: control and non-ASCII bytes are '?' */
	unsigned nprincipals;	/* 0 .. CERT_MAX_PRINCIPALS */
	unsigned ncritical, nextensions;
	struct pubkey ca;	/* the CA key ("signature key"), a plain key */
	/* Offsets and lengths in blob: the contents of the key id, principals, critical options and extensions
	 * strings; signed_len bytes from the start are what the CA signed; sig is the signature blob
	 * (string algorithm, string signature). */
	uint32_t key_id_off, key_id_len;
	uint32_t princ_off, princ_len;
	uint32_t crit_off, crit_len;
	uint32_t ext_off, ext_len;
	uint32_t signed_len;
	uint32_t sig_off, sig_len;
	uint8_t blob[CERT_BLOB_MAX];	/* the whole certificate blob */
	size_t bloblen;
};

#if SSHTUN_CERT
/*
 * Parses a certificate blob: ssh-ed25519-cert-v01@openssh.com, ecdsa-sha2-nistp256/384/521-cert-v01@openssh.com
 * (when the build has ECDSA) or ssh-rsa-cert-v01@openssh.com (when it has RSA). Checks the structure only: the
 * CA's signature is cert_verify_ca's, the validity, type and principals cert_check's. Refuses, with:
 *   SSHTUN_ERR_NOT_SUPPORTED  another type (ssh-dss-cert-v01, a plain key, anything else), or a CA key of a
 *                             type this build does not have;
 *   SSHTUN_ERR_TOO_LONG       a blob over CERT_BLOB_MAX bytes;
 *   SSHTUN_ERR_LIMIT          more than CERT_MAX_PRINCIPALS principals;
 *   SSHTUN_ERR_BAD_FORMAT     anything malformed: a short or over-long field, trailing bytes (after the
 *                             certificate or inside its principals, options or signature), an invalid certified
 *                             or CA key (transport/pubkey.c's checks), a type other than user or host, a NUL in
 *                             the key id, a principal or an option name, critical options or extensions not in
 *                             strictly increasing byte order of their names (out of order or repeated), a CA key
 *                             that is itself a certificate (PROTOCOL.certkeys: chains are not supported), a
 *                             signature that is not (string algorithm, string signature).
 * On failure *c is zeroed.
 */
int cert_parse(struct cert *c, const uint8_t *blob, size_t n);

/* The certificate's key type name as in its blob ("ssh-ed25519-cert-v01@openssh.com", ...). */
const char *cert_type_name(const struct cert *c);

/*
 * Verifies the CA's signature (c->ca) over the first signed_len bytes of the blob. The signature's algorithm
 * must be one of the CA key's type; ssh-rsa (RSA with SHA-1) is refused unless allow_sha1. 0 if valid;
 * SSHTUN_ERR_NOT_SUPPORTED for an ssh-rsa signature without allow_sha1; SSHTUN_ERR_HOSTKEY_SIG if it does not
 * verify (wrong key, altered certificate, an algorithm of another key type); SSHTUN_ERR_BAD_FORMAT if the
 * signature is malformed. Whether c->ca is a CA the user trusts is the caller's question (pubkey_equal).
 */
int cert_verify_ca(const struct cert *c, int allow_sha1);

/*
 * Checks that the certificate may be used as type (CERT_USER or CERT_HOST) for name at time now (seconds since
 * 1970, UTC). Refuses, writing one printable line without a newline into why[whylen] (always written; "" if
 * the certificate passes):
 *   - a certificate of the other type;
 *   - now before valid_after ("certificate is not valid until 2026-11-20 12:00:00 UTC") or at or after
 *     valid_before ("certificate expired on ..."); valid_before UINT64_MAX never expires;
 *   - a name that is not among the principals ("principal \"x\" not in the certificate (it names: a, b)").
 *     Host certificates: name is the host name as the user typed it (lower-cased, as ssh does) or HostKeyAlias,
 *     and must not be NULL. A principal may hold the wildcards '*' and '?' (util/match.c, case-sensitive), as
 *     OpenSSH 10.3's ssh allows. A host certificate with no principals is refused: PROTOCOL.certkeys says an
 *     empty list means any host, but ssh refuses such certificates and so do we (one certificate that is valid
 *     for every host the CA is trusted for is too easy to issue by mistake).
 *     User certificates: name is the user name, compared exactly; NULL skips the check (the server decides);
 *     an empty list means any user, as PROTOCOL.certkeys says (sshd 10.3 and later refuse such certificates).
 *   - a host certificate with any critical option (none is defined for host certificates, and an unknown
 *     critical option must make the certificate unusable). A user certificate's critical options
 *     (force-command, source-address, verify-required, ...) are the server's to enforce: they are not checked
 *     here; cert_options_text describes them for the log.
 * Returns 0; SSHTUN_ERR_HOSTKEY_SIG if the certificate does not cover this use (type, time, principal);
 * SSHTUN_ERR_NOT_SUPPORTED for a critical option of a host certificate; SSHTUN_ERR_INVAL for bad arguments.
 */
int cert_check(const struct cert *c, int type, const char *name, uint64_t now, char *why, size_t whylen);

/*
 * Verifies a signature blob (string algorithm, string signature) made by the certified key over data: what a
 * server with a host certificate signs the exchange hash with, and what a user certificate's key signs a
 * userauth request with. The signature's algorithm is the plain one (rsa-sha2-512, ssh-ed25519, ...), never a
 * certificate name. certalg is the negotiated certificate algorithm ("rsa-sha2-512-cert-v01@openssh.com"): the
 * signature must be under its plain algorithm, and it must go with the certified key's type; NULL accepts any
 * algorithm of the key's type but ssh-rsa. Returns as pubkey_verify_alg.
 */
int cert_verify(const struct cert *c, const char *certalg, const uint8_t *sig, size_t siglen, const uint8_t *data,
	size_t n);

/* Iterates the principals: on each call sets *name (a view into c->blob) and returns 1, or returns 0 at the
 * end. *pos starts at 0. */
int cert_principal_next(const struct cert *c, size_t *pos, struct wire_view *name);
/* 1 if name (n bytes) is exactly one of the principals. */
int cert_has_principal(const struct cert *c, const char *name, size_t n);
/* Iterates the critical options (which = CERT_CRITICAL) or extensions (CERT_EXTENSIONS): sets *name and *data
 * (the option's data string, still encoded: e.g. a string inside for force-command) and returns 1, or 0. */
int cert_option_next(const struct cert *c, int which, size_t *pos, struct wire_view *name, struct wire_view *data);
/* 1 if the certificate has the critical option / extension name (NUL-terminated); its data into *data if non-NULL. */
int cert_has_option(const struct cert *c, int which, const char *name, struct wire_view *data);

/*
 * Printable descriptions for logs, always NUL-terminated, cut with "..." if out is too small (CERT_TEXT_MAX
 * is plenty for ordinary certificates). Each returns the length written.
 *   cert_principals_text: "a, b, c" or "(none)";
 *   cert_options_text:    "force-command \"/bin/true\", source-address \"10.0.0.0/8\", verify-required" or
 *                         "(none)": an option whose data is one string shows it, an empty one just its name,
 *                         other data its length;
 *   cert_time_text:       "2026-11-20 12:00:00 UTC", "forever" for UINT64_MAX, seconds for times past 9999.
 */
size_t cert_principals_text(const struct cert *c, char *out, size_t outlen);
size_t cert_options_text(const struct cert *c, int which, char *out, size_t outlen);
size_t cert_time_text(uint64_t t, char *out, size_t outlen);

/*
 * Algorithm names. Certificate key types appear in blobs as "<plain type>-cert-v01@openssh.com"; in
 * HostKeyAlgorithms, KEXINIT and the userauth "public key algorithm name" the RSA certificate goes by the
 * signature it makes: rsa-sha2-512-cert-v01@openssh.com, rsa-sha2-256-cert-v01@openssh.com, and
 * ssh-rsa-cert-v01@openssh.com for ssh-rsa (SHA-1) (PROTOCOL.certkeys; OpenSSH's names). The blob of each of
 * those three is an ssh-rsa-cert-v01@openssh.com certificate.
 */
/* 1 if name (n bytes) has the form of a certificate type or algorithm name (ends in -cert-v01@openssh.com),
 * whether or not this build supports it. */
int cert_is_name(const char *name, size_t n);
/* The certified key's type (PK_*) for a certificate algorithm name this build supports, else PK_NONE. */
int cert_sigalg_key_type(const char *certalg, size_t n);
/* The plain signature algorithm for a certificate algorithm ("rsa-sha2-512-cert-v01@openssh.com" ->
 * "rsa-sha2-512", "ssh-ed25519-cert-v01@openssh.com" -> "ssh-ed25519"), or NULL if unknown. */
const char *cert_sigalg_plain(const char *certalg, size_t n);
/* The reverse: "rsa-sha2-256" -> "rsa-sha2-256-cert-v01@openssh.com", "ssh-rsa" -> "ssh-rsa-cert-v01@openssh.com";
 * NULL if unknown. */
const char *cert_sigalg_from_plain(const char *plainalg, size_t n);
/* The certificate blob type name for a plain key type (PK_RSA -> "ssh-rsa-cert-v01@openssh.com"), or NULL. */
const char *cert_key_type_name(int pktype);
/* Every certificate algorithm this build supports, comma-separated, in OpenSSH's order (ssh-rsa-cert-v01 last,
 * like ssh-rsa in pubkey_sigalgs_supported: for lists that name it explicitly). */
const char *cert_sigalgs_supported(void);
#else
/*
 * Certificates left out of this build (SSHTUN_CERT 0): transport/cert.c is not built. What the rest of the library
 * asks stays answerable, and answers "no certificate": no certificate algorithm is this build's (so none is offered
 * or negotiated, and -Q lists none), and every certificate blob is refused as not supported, so the callers'
 * certificate paths fold away at compile time. cert_is_name still tells a certificate name by its form.
 */
static inline int cert_is_name(const char *name, size_t n)
{
	static const char suffix[] = "-cert-v01@openssh.com";

	return name && n > sizeof(suffix) - 1 && memcmp(name + (n - (sizeof(suffix) - 1)), suffix, sizeof(suffix) - 1) == 0;
}
static inline int cert_parse(struct cert *c, const uint8_t *blob, size_t n)
{
	(void)c, (void)blob, (void)n;
	return SSHTUN_ERR_NOT_SUPPORTED;
}
static inline const char *cert_type_name(const struct cert *c)
{
	(void)c;
	return "";
}
static inline int cert_verify_ca(const struct cert *c, int allow_sha1)
{
	(void)c, (void)allow_sha1;
	return SSHTUN_ERR_NOT_SUPPORTED;
}
static inline int cert_check(const struct cert *c, int type, const char *name, uint64_t now, char *why, size_t whylen)
{
	(void)c, (void)type, (void)name, (void)now;
	if (why && whylen) {
		snprintf(why, whylen, "this build of sshtun lacks certificates (left out of this build)");
	}
	return SSHTUN_ERR_NOT_SUPPORTED;
}
static inline int cert_verify(const struct cert *c, const char *certalg, const uint8_t *sig, size_t siglen,
	const uint8_t *data, size_t n)
{
	(void)c, (void)certalg, (void)sig, (void)siglen, (void)data, (void)n;
	return SSHTUN_ERR_NOT_SUPPORTED;
}
static inline int cert_sigalg_key_type(const char *certalg, size_t n)
{
	(void)certalg, (void)n;
	return PK_NONE;
}
static inline const char *cert_sigalg_plain(const char *certalg, size_t n)
{
	(void)certalg, (void)n;
	return NULL;
}
static inline const char *cert_key_type_name(int pktype)
{
	(void)pktype;
	return NULL;
}
static inline const char *cert_sigalgs_supported(void)
{
	return "";
}
#endif

#endif
