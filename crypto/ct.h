/*
 * sshtun: a value computed from a secret that the algorithm makes public (ML-KEM's rho, which goes out in the
 * public key) is declassified with CRY_DECLASSIFY, so that the constant-time check (tests/ct, valgrind) does not
 * report the branches later taken on it. Only the check's build (make ct: -DSSHTUN_CT_CHECK=1) gives it a body;
 * everywhere else it is nothing. Declassify only what the protocol publishes anyway.
 */
#ifndef CRYPTO_CT_H
#define CRYPTO_CT_H

#ifndef SSHTUN_CT_CHECK
#define SSHTUN_CT_CHECK 0
#endif

#if SSHTUN_CT_CHECK
#include <valgrind/memcheck.h>
#define CRY_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define CRY_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

#endif
