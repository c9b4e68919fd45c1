/*
 * sshtun: what this build contains. Each feature is 0 or 1 and is tested with #if, never #ifdef: the build
 * uses -Wundef, so a file that tests a feature without including this header, or a misspelt name, is a
 * warning (an error under --enable-werror), not a silent 0. An embedded build overrides a default with
 * -DSSHTUN_RSA=0 and the like (the descriptor tables then simply have no row for it).
 */
#ifndef UTIL_FEATURES_H
#define UTIL_FEATURES_H

/*
 * libcrypto (OpenSSL 3): configure's --without-openssl builds with libsodium alone (and zlib). The algorithms
 * below that need libcrypto then default to 0: they disappear from the tables, -Q and the manual page, and
 * asking for one names what this build lacks (transport/lacks.c). crypto/hash.c then hashes with libsodium
 * and crypto/sha1.c, and chacha20-poly1305 runs over libsodium only.
 */
#ifndef SSHTUN_OPENSSL
#include "config.h"
#define SSHTUN_OPENSSL SSHTUN_HAVE_OPENSSL
#endif

/* ECDSA keys and signatures over NIST P-256/384/521 (libcrypto). */
#ifndef SSHTUN_ECDSA
#define SSHTUN_ECDSA SSHTUN_OPENSSL
#endif

/* RSA keys: rsa-sha2-256/512 signatures, and ssh-rsa (SHA-1) when the user enables it (libcrypto). */
#ifndef SSHTUN_RSA
#define SSHTUN_RSA SSHTUN_OPENSSL
#endif

/*
 * Key exchange: mlkem768x25519-sha256 (ML-KEM-768, FIPS 203, written in crypto/mlkem768.c, over Keccak in
 * crypto/keccak.c; libcrypto's instead when the one loaded has it, OpenSSL 3.5 on: crypto/mlkem_ossl.c).
 */
#ifndef SSHTUN_MLKEM
#define SSHTUN_MLKEM 1
#endif

/* Key exchange: sntrup761x25519-sha512(@openssh.com) (Streamlined NTRU Prime 761, written in crypto/sntrup761.c). */
#ifndef SSHTUN_SNTRUP
#define SSHTUN_SNTRUP 1
#endif

/* Key exchange: ecdh-sha2-nistp256/384/521 (libcrypto). */
#ifndef SSHTUN_ECDH_NIST
#define SSHTUN_ECDH_NIST SSHTUN_OPENSSL
#endif

/* Key exchange: diffie-hellman-group14-sha256, group16/18-sha512 and group-exchange-sha256 (libcrypto's BIGNUM). */
#ifndef SSHTUN_DH
#define SSHTUN_DH SSHTUN_OPENSSL
#endif

/* Ciphers aes128/192/256-ctr with the HMAC-SHA2 MACs (libcrypto). */
#ifndef SSHTUN_CTR
#define SSHTUN_CTR SSHTUN_OPENSSL
#endif

/* MACs umac-64 and umac-128 (@openssh.com, plain and -etm; RFC 4418, written in crypto/umac.c). Needs SSHTUN_CTR. */
#ifndef SSHTUN_UMAC
#define SSHTUN_UMAC SSHTUN_CTR
#endif

/* Ciphers aes128-gcm@openssh.com and aes256-gcm@openssh.com (libcrypto). */
#ifndef SSHTUN_AESGCM
#define SSHTUN_AESGCM SSHTUN_OPENSSL
#endif

/*
 * Private key files in PEM (PKCS#1, SEC1, PKCS#8), read by libcrypto. (OpenSSH key files encrypted with
 * aes*-gcm@openssh.com need libcrypto too; aes*-ctr ones are decrypted by crypto/aes_ct.c without it.)
 */
#ifndef SSHTUN_PEM
#define SSHTUN_PEM SSHTUN_OPENSSL
#endif

/*
 * OpenSSH certificates (transport/cert.c): user certificates (CertificateFile, KEY-cert.pub, the agent's) and host
 * certificates (the *-cert-v01@openssh.com host key algorithms, @cert-authority lines in known_hosts). Left out,
 * CertificateFile is refused and @cert-authority lines are skipped: they only ever add trust, so a host they alone
 * vouch for is unknown, never trusted.
 */
#ifndef SSHTUN_CERT
#define SSHTUN_CERT 1
#endif

/*
 * Passphrase-protected private key files: bcrypt-pbkdf (crypto/bcrypt_pbkdf.c, blowfish.c) and the key-file
 * ciphers (aes*-ctr through crypto/aes_ct.c or libcrypto, aes*-gcm, chacha20-poly1305), and encrypted PEM keys.
 * Left out, an encrypted key file is refused when it is tried (its header is still read: sshtun_key_file_encrypted).
 */
#ifndef SSHTUN_KEY_ENCRYPTED
#define SSHTUN_KEY_ENCRYPTED 1
#endif

/* MACs hmac-sha1 and hmac-sha1-etm@openssh.com: built in, but offered only when MACs names them. */
#ifndef SSHTUN_HMAC_SHA1
#define SSHTUN_HMAC_SHA1 SSHTUN_CTR
#endif

/* Compression: zlib@openssh.com and zlib (zlib; configure finds it, --without-zlib leaves it out and links no -lz). */
#ifndef SSHTUN_ZLIB
#include "config.h"
#define SSHTUN_ZLIB SSHTUN_HAVE_ZLIB
#endif

/* ssh-agent: its keys and signatures, AddKeysToAgent (ssh/agent.c; --without-agent leaves it out). */
#ifndef SSHTUN_AGENT
#include "config.h"
#define SSHTUN_AGENT SSHTUN_HAVE_AGENT
#endif

/* ssh_config Match blocks (--without-config-match: a file with Match is refused, never read past). */
#ifndef SSHTUN_CONFIG_MATCH
#include "config.h"
#define SSHTUN_CONFIG_MATCH SSHTUN_HAVE_CONFIG_MATCH
#endif

/* ssh_config Include (--without-config-include: a file with Include is refused, never read past). */
#ifndef SSHTUN_CONFIG_INCLUDE
#include "config.h"
#define SSHTUN_CONFIG_INCLUDE SSHTUN_HAVE_CONFIG_INCLUDE
#endif

/*
 * TunnelKillSwitch: an nftables table of its own that drops everything but the tunnel, loopback and the SSH
 * connection (libnftables; configure finds it, --without-nftables leaves it out).
 */
#ifndef SSHTUN_KILLSWITCH
#include "config.h"
#define SSHTUN_KILLSWITCH SSHTUN_HAVE_NFTABLES
#endif

/*
 * TunnelSeccomp: a seccomp filter (classic BPF written in ssh/seccomp.c, no libseccomp) that confines the process
 * to the system calls its configuration needs, once set up (sshtun_sandbox). x86-64 and aarch64 Linux only: the
 * filter names the architecture it allows. configure finds the kernel's headers; --without-seccomp leaves it out.
 */
#ifndef SSHTUN_SECCOMP
#include "config.h"
#define SSHTUN_SECCOMP SSHTUN_HAVE_SECCOMP
#endif

/*
 * Parts a router's smallest build does without (issue 17), each left out with -DSSHTUN_X=0 in CFLAGS:
 *   SSHTUN_JUMP        ProxyJump and -J in process (ssh/jump.c, channel/direct.c). Without it ProxyJump other than
 *                      none is refused (ProxyCommand ssh -W %h:%p jumphost does the same through an ssh program).
 *   SSHTUN_CONFIG_GET  sshtun -G and sshtun_get_option (ssh/config_get.c): the call stays, answering
 *                      SSHTUN_ERR_NOT_SUPPORTED; -G still reads and checks the configuration, then says it cannot print.
 *   SSHTUN_DNS         the tunnel's DNS (ssh/dns.c: systemd-resolved, resolvconf or resolv.conf): TunnelDNS is
 *                      refused; DNS servers from the server's configuration are named in a warning and passed on
 *                      (LocalCommand's environment, the IP-configuration event), not applied.
 */
#ifndef SSHTUN_JUMP
#define SSHTUN_JUMP 1
#endif
#ifndef SSHTUN_CONFIG_GET
#define SSHTUN_CONFIG_GET 1
#endif
#ifndef SSHTUN_DNS
#define SSHTUN_DNS 1
#endif

/*
 * Size over speed, as Dropbear's DROPBEAR_SMALL_CODE (embedded/build.sh sets it): Ed25519 signing and key
 * derivation (crypto/ed25519.c) and the X25519 public key (crypto/x25519.c) do not call libsodium's fixed-base
 * multiplication (a 30 KB table) nor its sc25519_muladd (6 KB): B times a scalar by the variable-base
 * multiplication, S by a small multiplication of our own, the X25519 key by the ladder on u = 9. The same
 * results, from libsodium's public API only (any libsodium from 1.0.18, shared or static); a signature costs a
 * few times more (one per connection). Default 0: the faster calls. The table itself stays in a static link
 * as long as crypto_scalarmult_curve25519's table of functions names the fixed-base code: SSHTUN_SODIUM_LEAN's
 * link takes it out.
 */
#ifndef SSHTUN_SMALL_CODE
#define SSHTUN_SMALL_CODE 0
#endif

/*
 * A libsodium linked statically, and only what sshtun needs of it (embedded/build.sh sets it, with
 * SSHTUN_SMALL_CODE). cry_init (crypto/util.c) calls libsodium's own set-up steps for the CPU features, the
 * random generator, Poly1305, X25519 and ChaCha20 instead of sodium_init, which would also link every SIMD
 * variant of Argon2, BLAKE2b and Salsa20 (~55 KB) that sshtun never calls. Those steps are hidden symbols,
 * which only a static link resolves: with a shared libsodium the link fails. crypto/x25519.c then also
 * supplies the table-free ge25519_scalarmult_base that the link's -Wl,--wrap=ge25519_scalarmult_base asks
 * for (see there). Default 0.
 */
#ifndef SSHTUN_SODIUM_LEAN
#define SSHTUN_SODIUM_LEAN 0
#endif

/*
 * With SSHTUN_SODIUM_LEAN: whether libsodium's SIMD ChaCha20 (SSSE3) and Poly1305 (SSE2) are chosen at run time
 * on x86-64 (1, sodium_init's way) or its portable code always runs (0: 8.5 KB less; libsodium 1.0.18 has no SIMD
 * code for aarch64 at all). The smallest build (embedded/build.sh) sets 0: test_embedded.sh's CPU per GiB over a
 * tunnel at MTU 1500 moved within its noise between the two, the system calls and the kernel's packet work
 * outweighing the cipher there.
 */
#ifndef SSHTUN_SODIUM_SIMD
#define SSHTUN_SODIUM_SIMD 1
#endif

/*
 * A printf of our own instead of the C library's (util/printf_small.c; embedded/build.sh sets it): the static
 * program then defines snprintf, vsnprintf, fprintf, vfprintf, printf, vprintf, dprintf and vdprintf itself, and
 * the link takes those from libsshtun.a rather than libc.a, leaving out musl's vfprintf with its long double and
 * wide-character formatting (8.5 KB; ours is 4 KB). It formats what sshtun's own calls use (flags, width,
 * precision, the integer lengths, d i u x X o c s p % and a fixed-point f; util/printf_small.h); anything else is
 * printed as it stands. For static programs only: in a shared library, or a program linked against the shared C
 * library, the names would stand in for the C library's in every caller, so util/features_check.h refuses it in
 * code compiled -fPIC or -fPIE (the Makefile compiles the objects libsshtun.so is made of -fPIC; embedded/build.sh
 * compiles with -fno-PIC). Default 0.
 */
#ifndef SSHTUN_SMALL_PRINTF
#define SSHTUN_SMALL_PRINTF 0
#endif

/* Combinations that cannot work stop the build here. */
#include "util/features_check.h"

#endif
