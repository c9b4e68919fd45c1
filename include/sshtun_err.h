/* sshtun: error codes shared by every layer and the public API. */
#ifndef SSHTUN_ERR_H
#define SSHTUN_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every function that can fail returns 0 (SSHTUN_OK) or one of these negative
 * codes. sshtun_strerror() gives a one-line cause, sshtun_errhint() what to do,
 * sshtun_errclass() the class that the command line maps to an exit status.
 */
#define SSHTUN_ERRORS(X) \
	X(OK,              0,  CLASS_OK,       "success", "") \
	X(NOMEM,          -1,  CLASS_INTERNAL, "out of memory", "free memory or lower limits") \
	X(INVAL,          -2,  CLASS_INTERNAL, "invalid argument", "this is a bug in the caller; please report it") \
	X(SYS,            -3,  CLASS_SYSTEM,   "system call failed", "see the preceding message for the system error") \
	X(TRUNCATED,      -4,  CLASS_PROTOCOL, "message truncated", "the peer or file sent a short message") \
	X(TOO_LONG,       -5,  CLASS_PROTOCOL, "field longer than allowed", "the peer or file sent an oversized field") \
	X(BAD_FORMAT,     -6,  CLASS_PROTOCOL, "malformed data", "the peer or file sent data that does not parse") \
	X(TRAILING,       -7,  CLASS_PROTOCOL, "unexpected trailing data", "the peer or file sent extra bytes after a message") \
	X(PROTOCOL,       -8,  CLASS_PROTOCOL, "protocol violation by the server", "the server does not speak SSH-2 as expected; check its version") \
	X(MAC,            -9,  CLASS_PROTOCOL, "message authentication failed", "the data was corrupted or tampered with in transit") \
	X(BANNER,        -10,  CLASS_PROTOCOL, "no SSH-2 version banner", "check that the port is an SSH server's") \
	X(KEX_NOMATCH,   -11,  CLASS_PROTOCOL, "no algorithm in common with the server", "adjust Ciphers, KexAlgorithms or HostKeyAlgorithms as the line above says, or update the server") \
	X(KEX_FAILED,    -12,  CLASS_PROTOCOL, "key exchange failed", "the server sent a bad key exchange reply") \
	X(HOSTKEY_SIG,   -13,  CLASS_HOSTKEY,  "server's host key signature does not verify", "the server or the path to it is compromised or broken") \
	X(DISCONNECTED,  -14,  CLASS_PROTOCOL, "server disconnected", "see the server's reason") \
	X(HOSTKEY_UNKNOWN, -15, CLASS_HOSTKEY, "host key is not known", "verify the fingerprint, then add it to known_hosts or use StrictHostKeyChecking=accept-new") \
	X(HOSTKEY_CHANGED, -16, CLASS_HOSTKEY, "host key has changed", "if the change is expected, remove the old entry from known_hosts") \
	X(AUTH_FAILED,   -17,  CLASS_AUTH,     "authentication failed", "check the user name and that the server accepts one of your keys") \
	X(KEY_FILE,      -18,  CLASS_AUTH,     "cannot use key file", "check the IdentityFile path, permissions and format") \
	X(KEY_ENCRYPTED, -19,  CLASS_AUTH,     "key file is passphrase-protected", "load it into ssh-agent (ssh-add) or use an unencrypted key") \
	X(AGENT,         -20,  CLASS_AUTH,     "ssh-agent failed", "check SSH_AUTH_SOCK and that the agent runs") \
	X(TUN_REFUSED,   -21,  CLASS_TUNNEL,   "server refused the tunnel", "check PermitTunnel in sshd_config, and that the server may open the device") \
	X(TUN_DEVICE,    -22,  CLASS_DEVICE,   "cannot open the local tun/tap device", "run as root (CAP_NET_ADMIN), load the tun module, or pick a free unit") \
	X(NETLINK,       -23,  CLASS_DEVICE,   "cannot configure the local interface", "check the address, prefix and MTU; run as root (CAP_NET_ADMIN)") \
	X(CONFIG,        -24,  CLASS_CONFIG,   "invalid configuration", "fix the option or config line named above") \
	X(CONNECT,       -25,  CLASS_CONNECT,  "cannot connect to the server", "check host, port and that sshd runs") \
	X(RESOLVE,       -26,  CLASS_CONNECT,  "cannot resolve host name", "check the host name or HostName in ssh_config") \
	X(TIMEOUT,       -27,  CLASS_CONNECT,  "timed out", "check that the server is reachable and answers") \
	X(CLOSED,        -28,  CLASS_CONNECT,  "connection closed by the server", "see the server's log for the reason") \
	X(CRYPTO,        -29,  CLASS_INTERNAL, "cryptographic library failed", "this is a bug or a broken libcrypto/libsodium; please report it") \
	X(STATE,         -30,  CLASS_INTERNAL, "call not valid in this state", "this is a bug in the caller; please report it") \
	X(LIMIT,         -31,  CLASS_PROTOCOL, "a limit was exceeded", "the peer sent more than the configured limit allows") \
	X(NOT_SUPPORTED, -32,  CLASS_CONFIG,   "not supported", "this algorithm, key type or feature is not supported yet") \
	X(FUZZ_BUILD,    -33,  CLASS_CONFIG,   "this is a fuzzing build: its key exchange uses fixed values and accepts any host key", "rebuild without ./configure --enable-fuzz to connect to a server") \
	X(KEY_BAD_PASS,  -34,  CLASS_AUTH,     "wrong passphrase for the key file", "type the key's passphrase again (or check that the file is the key you mean)") \
	X(HOSTKEY_WEAK,  -35,  CLASS_HOSTKEY,  "server's host key is too weak", "the server should use an Ed25519, ECDSA or 2048-bit RSA host key; RequiredRSASize lowers the limit") \
	X(AGAIN,         -36,  CLASS_INTERNAL, "waiting for an answer", "answer the pending prompt (sshtun_answer)") \
	X(NO_PROMPT,     -37,  CLASS_AUTH,     "a question for the user could not be asked", "run sshtun on a terminal, set SSH_ASKPASS, or drop BatchMode") \
	X(REMOTE_CONFIG, -38,  CLASS_REMOTE,   "the server's tunnel configuration failed", "see the server's message; check TunnelConfigCommand and the command in authorized_keys") \
	X(DNS,           -39,  CLASS_DEVICE,   "cannot set the tunnel's DNS servers", "see the message above (resolvectl, resolvconf or /etc/resolv.conf); run as root") \
	X(ROUTE_EXISTS,  -40,  CLASS_DEVICE,   "a route to that network exists already", "remove the route that is there, or leave this one out (TunnelRoute, the server's ROUTE lines)") \
	X(NO_VALUE,      -41,  CLASS_CONFIG,   "the option has no value", "the configuration does not set it and sshtun has no default for it")

#define SSHTUN_ERR_ENUM(name, val, cls, msg, hint) SSHTUN_ERR_##name = (val),
enum sshtun_err {
	SSHTUN_ERRORS(SSHTUN_ERR_ENUM)
	SSHTUN_ERR_MIN_ = -42
};
#undef SSHTUN_ERR_ENUM
#define SSHTUN_OK SSHTUN_ERR_OK

/* Classes of failure; the command line gives each its own exit status. */
enum sshtun_errclass {
	SSHTUN_CLASS_OK = 0,
	SSHTUN_CLASS_INTERNAL,
	SSHTUN_CLASS_SYSTEM,
	SSHTUN_CLASS_PROTOCOL,
	SSHTUN_CLASS_HOSTKEY,
	SSHTUN_CLASS_AUTH,
	SSHTUN_CLASS_TUNNEL,
	SSHTUN_CLASS_DEVICE,
	SSHTUN_CLASS_CONFIG,
	SSHTUN_CLASS_CONNECT,
	SSHTUN_CLASS_REMOTE	/* the server's configuration command (TunnelConfigCommand) failed */
};

#if defined(__GNUC__)
#define SSHTUN_API __attribute__((visibility("default")))
#else
#define SSHTUN_API
#endif

/* The cause as a short phrase; never NULL, also for unknown codes. */
SSHTUN_API const char *sshtun_strerror(int err);
/* What the user can do about it; never NULL, may be "". */
SSHTUN_API const char *sshtun_errhint(int err);
/* The class of the error (enum sshtun_errclass). */
SSHTUN_API int sshtun_errclass(int err);

#ifdef __cplusplus
}
#endif
#endif
