/*
 * sshtun: combinations of the util/features.h switches that cannot work, stopped at compile time (Dropbear's
 * sysoptions.h does the same). Included at the end of util/features.h only; every switch is defined by then.
 * A check belongs here when the build would otherwise fail late (a link error), or quietly build something
 * other than what the switches say (a MAC table row that can never be negotiated).
 */
#ifndef UTIL_FEATURES_CHECK_H
#define UTIL_FEATURES_CHECK_H

#include "config.h"	/* SSHTUN_HAVE_*: what configure found */

/* Every switch is 0 or 1: -DSSHTUN_RSA=2 or -DSSHTUN_RSA (empty, an error in #if anyway) is a typo. */
#if (SSHTUN_ECDSA | SSHTUN_RSA | SSHTUN_MLKEM | SSHTUN_SNTRUP | SSHTUN_ECDH_NIST | SSHTUN_DH | SSHTUN_CTR | \
	SSHTUN_UMAC | SSHTUN_HMAC_SHA1 | SSHTUN_ZLIB | SSHTUN_AGENT | SSHTUN_CONFIG_MATCH | SSHTUN_CONFIG_INCLUDE | \
	SSHTUN_KILLSWITCH | SSHTUN_SECCOMP | SSHTUN_OPENSSL | SSHTUN_AESGCM | SSHTUN_PEM | \
	SSHTUN_JUMP | SSHTUN_CONFIG_GET | SSHTUN_DNS | SSHTUN_SMALL_CODE | SSHTUN_SODIUM_LEAN | SSHTUN_CERT | \
	SSHTUN_KEY_ENCRYPTED | SSHTUN_SMALL_PRINTF | SSHTUN_SODIUM_SIMD) & ~1
#error "an SSHTUN_* feature switch is neither 0 nor 1 (see util/features.h)"
#endif

/*
 * The separate MACs serve only the aes*-ctr ciphers: chacha20-poly1305 and aes-gcm carry their own tags. A MAC
 * switched on without SSHTUN_CTR could never be used (left unset, they follow SSHTUN_CTR).
 */
#if SSHTUN_UMAC && !SSHTUN_CTR
#error "SSHTUN_UMAC needs SSHTUN_CTR (the MACs go with the aes*-ctr ciphers only); add -DSSHTUN_UMAC=0"
#endif
#if SSHTUN_HMAC_SHA1 && !SSHTUN_CTR
#error "SSHTUN_HMAC_SHA1 needs SSHTUN_CTR (the MACs go with the aes*-ctr ciphers only); add -DSSHTUN_HMAC_SHA1=0"
#endif

/*
 * Something must be left to negotiate. No switch can empty a list today: curve25519-sha256 (kex),
 * chacha20-poly1305 (cipher) and ssh-ed25519 (host keys, user keys) are always built. A switch that can take
 * out one of those adds its check here, e.g.
 *   #if !SSHTUN_CHACHAPOLY && !SSHTUN_AESGCM && !SSHTUN_CTR  -> #error "no cipher left"
 */

/* A library switched on that configure did not find (or was told to leave out) would fail only at link time. */
#if SSHTUN_ZLIB && !SSHTUN_HAVE_ZLIB
#error "SSHTUN_ZLIB: this build was configured --without-zlib (no -lz is linked); drop -DSSHTUN_ZLIB=1"
#endif
#if SSHTUN_KILLSWITCH && !SSHTUN_HAVE_NFTABLES
#error "SSHTUN_KILLSWITCH: configure found no libnftables (or was given --without-nftables); drop -DSSHTUN_KILLSWITCH=1"
#endif

/*
 * The NetworkManager editor plugin (nm/, built where configure found libnm) imports ssh_config files through
 * sshtun_get_option: without SSHTUN_CONFIG_GET its import would fail on every file.
 */
#if !SSHTUN_CONFIG_GET && SSHTUN_HAVE_NM
#error "SSHTUN_CONFIG_GET=0: the NetworkManager editor plugin needs sshtun_get_option; configure --without-networkmanager"
#endif

/*
 * SSHTUN_SMALL_PRINTF defines the C library's snprintf & co.: fine in a static program, wrong in libsshtun.so (its
 * objects are compiled -fPIC) or anything else that position-independent code goes into.
 */
#if SSHTUN_SMALL_PRINTF && (defined(__PIC__) || defined(__PIE__))
#error "SSHTUN_SMALL_PRINTF=1 is for static programs compiled -fno-PIC (embedded/build.sh): drop it, or add -fno-PIC"
#endif

#if SSHTUN_SECCOMP && !(defined(__x86_64__) && !defined(__ILP32__)) && !defined(__aarch64__)
#error "SSHTUN_SECCOMP: the filter is written for x86-64 and aarch64 only; build with -DSSHTUN_SECCOMP=0"
#endif

/* ---- libcrypto (SSHTUN_OPENSSL): what needs it, and what is left without it ---- */
#if !SSHTUN_OPENSSL && SSHTUN_ECDSA
#error "SSHTUN_ECDSA needs libcrypto: build with SSHTUN_OPENSSL (configure --with-openssl) or -DSSHTUN_ECDSA=0"
#endif
#if !SSHTUN_OPENSSL && SSHTUN_RSA
#error "SSHTUN_RSA needs libcrypto: build with SSHTUN_OPENSSL (configure --with-openssl) or -DSSHTUN_RSA=0"
#endif
#if !SSHTUN_OPENSSL && SSHTUN_ECDH_NIST
#error "SSHTUN_ECDH_NIST needs libcrypto: build with SSHTUN_OPENSSL (configure --with-openssl) or -DSSHTUN_ECDH_NIST=0"
#endif
#if !SSHTUN_OPENSSL && SSHTUN_DH
#error "SSHTUN_DH needs libcrypto's BIGNUM: build with SSHTUN_OPENSSL (configure --with-openssl) or -DSSHTUN_DH=0"
#endif
#if !SSHTUN_OPENSSL && SSHTUN_CTR
#error "SSHTUN_CTR needs libcrypto's AES: build with SSHTUN_OPENSSL (configure --with-openssl) or -DSSHTUN_CTR=0"
#endif
#if !SSHTUN_OPENSSL && SSHTUN_AESGCM
#error "SSHTUN_AESGCM needs libcrypto's AES: build with SSHTUN_OPENSSL (configure --with-openssl) or -DSSHTUN_AESGCM=0"
#endif
#if !SSHTUN_OPENSSL && SSHTUN_PEM
#error "SSHTUN_PEM needs libcrypto: build with SSHTUN_OPENSSL (configure --with-openssl) or -DSSHTUN_PEM=0"
#endif
/*
 * What cannot be switched off, so needs no check: chacha20-poly1305@openssh.com (libsodium) is always built, so a
 * packet cipher is always left; SHA-256 and SHA-512, the hashes of every key exchange this build can have
 * (curve25519-sha256, sntrup761x25519-sha512, mlkem768x25519-sha256), are always built (crypto/hash.c over
 * libcrypto, or crypto/hash_sodium.c), and SHA-384 (ecdh-sha2-nistp384) is needed only with SSHTUN_ECDH_NIST,
 * which needs libcrypto, checked above.
 */

#endif
