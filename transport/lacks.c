/*
 * sshtun: the algorithms a full build has and this one may lack, each with the feature that carries it
 * (util/features.h), so that asking for one says "this build of sshtun lacks it" and why, rather than
 * nothing or "not supported". One row per name; a row whose feature is 1 is simply absent from the answer.
 */
#include <string.h>

#include "sshtun_err.h"
#include "util/features.h"
#include "transport/tp_int.h"

struct lack {
	const char *name;
	int present;
	int libcrypto;	/* the feature needs libcrypto, so a build without it lacks the name for that reason */
};

#define ECDSA_NAMES(x, also) \
	{ "ecdsa-sha2-nistp256" x, SSHTUN_ECDSA && (also), 1 }, { "ecdsa-sha2-nistp384" x, SSHTUN_ECDSA && (also), 1 }, \
	{ "ecdsa-sha2-nistp521" x, SSHTUN_ECDSA && (also), 1 }

static const struct lack lacks[] = {
	/* ciphers */
	{ "aes128-ctr", SSHTUN_CTR, 1 }, { "aes192-ctr", SSHTUN_CTR, 1 }, { "aes256-ctr", SSHTUN_CTR, 1 },
	{ "aes128-gcm@openssh.com", SSHTUN_AESGCM, 1 }, { "aes256-gcm@openssh.com", SSHTUN_AESGCM, 1 },
	/* MACs: only beside aes*-ctr */
	{ "hmac-sha2-256-etm@openssh.com", SSHTUN_CTR, 1 }, { "hmac-sha2-512-etm@openssh.com", SSHTUN_CTR, 1 },
	{ "hmac-sha2-256", SSHTUN_CTR, 1 }, { "hmac-sha2-512", SSHTUN_CTR, 1 },
	{ "hmac-sha1-etm@openssh.com", SSHTUN_CTR && SSHTUN_HMAC_SHA1, 1 },
	{ "hmac-sha1", SSHTUN_CTR && SSHTUN_HMAC_SHA1, 1 },
	{ "umac-64-etm@openssh.com", SSHTUN_UMAC, 1 }, { "umac-128-etm@openssh.com", SSHTUN_UMAC, 1 },
	{ "umac-64@openssh.com", SSHTUN_UMAC, 1 }, { "umac-128@openssh.com", SSHTUN_UMAC, 1 },
	/* key exchange */
	{ "mlkem768x25519-sha256", SSHTUN_MLKEM, 0 },
	{ "sntrup761x25519-sha512", SSHTUN_SNTRUP, 0 }, { "sntrup761x25519-sha512@openssh.com", SSHTUN_SNTRUP, 0 },
	{ "ecdh-sha2-nistp256", SSHTUN_ECDH_NIST, 1 }, { "ecdh-sha2-nistp384", SSHTUN_ECDH_NIST, 1 },
	{ "ecdh-sha2-nistp521", SSHTUN_ECDH_NIST, 1 },
	{ "diffie-hellman-group-exchange-sha256", SSHTUN_DH, 1 }, { "diffie-hellman-group16-sha512", SSHTUN_DH, 1 },
	{ "diffie-hellman-group18-sha512", SSHTUN_DH, 1 }, { "diffie-hellman-group14-sha256", SSHTUN_DH, 1 },
	/* host keys and signatures */
	ECDSA_NAMES("", 1), ECDSA_NAMES("-cert-v01@openssh.com", SSHTUN_CERT),
	{ "sk-ecdsa-sha2-nistp256@openssh.com", SSHTUN_ECDSA, 1 },
	{ "rsa-sha2-512", SSHTUN_RSA, 1 }, { "rsa-sha2-256", SSHTUN_RSA, 1 }, { "ssh-rsa", SSHTUN_RSA, 1 },
	{ "rsa-sha2-512-cert-v01@openssh.com", SSHTUN_RSA && SSHTUN_CERT, 1 },
	{ "rsa-sha2-256-cert-v01@openssh.com", SSHTUN_RSA && SSHTUN_CERT, 1 },
	{ "ssh-rsa-cert-v01@openssh.com", SSHTUN_RSA && SSHTUN_CERT, 1 },
	/* certificates (SSHTUN_CERT); those of ECDSA and RSA keys above, which need libcrypto too */
	{ "ssh-ed25519-cert-v01@openssh.com", SSHTUN_CERT, 0 },
	/* compression */
	{ "zlib@openssh.com", SSHTUN_ZLIB, 0 }, { "zlib", SSHTUN_ZLIB, 0 },
};

const char *tp_lacks(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(lacks) / sizeof(lacks[0]); i++) {
		if (!lacks[i].present && strlen(lacks[i].name) == n && memcmp(lacks[i].name, name, n) == 0) {
			return !SSHTUN_OPENSSL && lacks[i].libcrypto ? "built without OpenSSL" : "left out of this build";
		}
	}
	return NULL;
}

/*
 * The names a setting asks for (a list, "+list" or "^list"; "-patterns" ask for nothing) that a full build has and
 * this one lacks: each said once, as a warning when others are left (r == 0) and as the error when none is (r,
 * the list's resolution, failed): SSHTUN_ERR_NOT_SUPPORTED then, a setting this build cannot honour, rather than
 * no algorithm in common with a server it has not yet asked.
 */
int tp_alglist_lacking(const struct lg *log, const char *opt, const char *spec, int r)
{
	const char *p = spec && (spec[0] == '+' || spec[0] == '^') ? spec + 1 : spec;
	int lacking = 0;

	if (!p || spec[0] == '-') {
		return r;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		const char *why = tp_lacks(p, n);

		if (why && r != 0) {
			LG_E(log, "%s: this build of sshtun lacks %.*s (%s)", opt, (int)n, p, why);
		} else if (why) {
			LG_W(log, "%s: this build of sshtun lacks %.*s (%s); the others are used", opt, (int)n, p, why);
		}
		lacking |= why != NULL;
		p += n + (p[n] == ',');
	}
	return lacking && r != 0 ? SSHTUN_ERR_NOT_SUPPORTED : r;
}
