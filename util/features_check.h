/*
 * sshtun: combinations of util/features.h that cannot build or cannot work stop here with #error (Dropbear's
 * sysoptions.h does the same). Included by util/features.h after every default is set; one block per concern.
 */
#ifndef UTIL_FEATURES_CHECK_H
#define UTIL_FEATURES_CHECK_H

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
#if SSHTUN_UMAC && !SSHTUN_CTR
#error "SSHTUN_UMAC: UMAC is keyed with AES and protects only aes*-ctr packets; it needs SSHTUN_CTR"
#endif
/*
 * What cannot be switched off, so needs no check: chacha20-poly1305@openssh.com (libsodium) is always built, so a
 * packet cipher is always left; SHA-256 and SHA-512, the hashes of every key exchange this build can have
 * (curve25519-sha256, sntrup761x25519-sha512, mlkem768x25519-sha256), are always built (crypto/hash.c over
 * libcrypto, or crypto/hash_sodium.c), and SHA-384 (ecdh-sha2-nistp384) is needed only with SSHTUN_ECDH_NIST,
 * which needs libcrypto, checked above.
 */

#endif
