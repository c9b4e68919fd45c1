/*
 * sshtun: constant-time check of ML-KEM-768 under valgrind (tests/ct-check.sh). The secret inputs are marked
 * undefined with memcheck's client requests, so that any branch or memory index computed from them is reported
 * ("Conditional jump or move depends on uninitialised value(s)", "Use of uninitialised value of size 8"); the
 * outputs, public by then, are marked defined again before they are compared. Only the _derand functions are
 * measured: the OS generator behind cry_random is not ours to judge. They are the in-tree ones
 * (cry_mlkem768_intree_*, crypto/mlkem768.c), called by name, so the check is of our code whatever the libcrypto
 * loaded has: libcrypto's ML-KEM (OpenSSL 3.5) is not ours to judge either.
 *
 * Marked secret: d and z (key generation), m (encapsulation), and the parts of the secret key that are secret,
 * dk_pke and z (decapsulation); the ek and H(ek) inside the secret key are public, and the 7.3 hash check
 * branches on them by design. Decapsulation runs with a valid ciphertext and with a modified one, so both sides
 * of the implicit-rejection select are taken.
 */
#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "util/features.h"
#include "crypto/crypto.h"
#include "crypto/mlkem.h"

#if SSHTUN_MLKEM

enum { PK = CRY_MLKEM768_PK_LEN, SK = CRY_MLKEM768_SK_LEN, CT = CRY_MLKEM768_CT_LEN, SS = CRY_MLKEM_SS_LEN };

static void secret(const void *p, size_t n)
{
	(void)VALGRIND_MAKE_MEM_UNDEFINED(p, n);
}

static void public(const void *p, size_t n)
{
	(void)VALGRIND_MAKE_MEM_DEFINED(p, n);
}

/* The secret parts of a secret key: dk_pke (the first 1152 bytes) and z (the last 32). */
static void secret_sk(uint8_t sk[SK])
{
	secret(sk, 1152);
	secret(sk + SK - 32, 32);
}

static int check(void)
{
	static uint8_t pk[PK], sk[SK], ct[CT];
	uint8_t d[32], z[32], m[32], ss[SS], ss2[SS], ss3[SS];
	int bad = 0;

	memset(d, 0x11, sizeof(d));
	memset(z, 0x22, sizeof(z));
	memset(m, 0x33, sizeof(m));

	secret(d, sizeof(d));
	secret(z, sizeof(z));
	bad |= cry_mlkem768_intree_keypair_derand(pk, sk, d, z) != 0;
	public(pk, sizeof(pk));
	public(sk, sizeof(sk));

	secret(m, sizeof(m));
	bad |= cry_mlkem768_intree_encaps_derand(ct, ss, pk, m) != 0;
	public(ct, sizeof(ct));
	public(ss, sizeof(ss));

	secret_sk(sk);
	bad |= cry_mlkem768_intree_decaps(ss2, ct, sk) != 0;
	public(ss2, sizeof(ss2));
	bad |= memcmp(ss, ss2, SS) != 0;

	/* A modified ciphertext: re-encryption differs, the rejection key is selected. */
	ct[100] ^= 0x04;
	bad |= cry_mlkem768_intree_decaps(ss3, ct, sk) != 0;
	public(ss3, sizeof(ss3));
	bad |= memcmp(ss, ss3, SS) == 0;
	return bad;
}

int main(void)
{
	if (cry_init() != 0 || check() != 0) {
		printf("ct_mlkem: ML-KEM-768 gave wrong results\n");
		return 1;
	}
	printf("ct_mlkem: in-tree ML-KEM-768 keypair_derand, encaps_derand, decaps (valid and rejected ciphertext) ran\n");
	return 0;
}

#else

int main(void)
{
	printf("ct_mlkem: SSHTUN_MLKEM is 0 in this build: nothing to check\n");
	return 0;
}

#endif
