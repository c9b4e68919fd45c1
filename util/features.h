/*
 * sshtun: what this build contains. Each feature is 0 or 1 and is tested with #if, never #ifdef: the build
 * uses -Wundef, so a file that tests a feature without including this header, or a misspelt name, is a
 * warning (an error under --enable-werror), not a silent 0. An embedded build overrides a default with
 * -DSSHTUN_RSA=0 and the like (the descriptor tables then simply have no row for it).
 */
#ifndef UTIL_FEATURES_H
#define UTIL_FEATURES_H

/* ECDSA keys and signatures over NIST P-256/384/521 (libcrypto). */
#ifndef SSHTUN_ECDSA
#define SSHTUN_ECDSA 1
#endif

/* RSA keys: rsa-sha2-256/512 signatures, and ssh-rsa (SHA-1) when the user enables it (libcrypto). */
#ifndef SSHTUN_RSA
#define SSHTUN_RSA 1
#endif

#endif
