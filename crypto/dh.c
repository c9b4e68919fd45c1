/*
 * sshtun: finite-field Diffie-Hellman (RFC 4253 8) over the MODP groups of RFC 3526 (RFC 8268's group14/16/18)
 * and over a server's group-exchange group (RFC 4419), with libcrypto's BIGNUM.
 */
#include "util/features.h"

#if SSHTUN_DH
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "sshtun_err.h"
#include "crypto/crypto.h"

enum {
	MR_ROUNDS = 16,		/* Miller-Rabin rounds for q = (p-1)/2 of a server's group: see cry_dh_check_group */
	SIEVE_LIMIT = 4096	/* trial division by the odd primes below this first */
};

/* p and g of grp as BIGNUMs; SSHTUN_ERR_BAD_FORMAT for an unknown fixed group. */
static int dh_params(const struct cry_dh_group *grp, BIGNUM **p, BIGNUM **g)
{
	*p = NULL;
	*g = BN_new();
	if (!*g) {
		return SSHTUN_ERR_NOMEM;
	}
	switch (grp->id) {
	case CRY_DH_GROUP14:
		*p = BN_get_rfc3526_prime_2048(NULL);
		break;
	case CRY_DH_GROUP16:
		*p = BN_get_rfc3526_prime_4096(NULL);
		break;
	case CRY_DH_GROUP18:
		*p = BN_get_rfc3526_prime_8192(NULL);
		break;
	case 0:
		*p = BN_bin2bn(grp->p, (int)grp->plen, NULL);
		if (*p && !BN_bin2bn(grp->g, (int)grp->glen, *g)) {
			BN_free(*p);
			*p = NULL;
		}
		break;
	default:
		break;
	}
	if (grp->id != 0 && *p && BN_set_word(*g, 2) != 1) {
		BN_free(*p);
		*p = NULL;
	}
	if (!*p) {
		BN_free(*g);
		*g = NULL;
		ERR_clear_error();
		return grp->id > 0 && grp->id != CRY_DH_GROUP14 && grp->id != CRY_DH_GROUP16 && grp->id != CRY_DH_GROUP18 ?
			SSHTUN_ERR_BAD_FORMAT : SSHTUN_ERR_NOMEM;
	}
	return 0;
}

/* 1 if 1 < v < p - 1 (RFC 4253 8: values outside are not to be sent or accepted). */
static int dh_in_range(const BIGNUM *v, const BIGNUM *p, BIGNUM *tmp)
{
	if (!BN_copy(tmp, p) || !BN_sub_word(tmp, 1)) {
		return 0;
	}
	return BN_cmp(v, BN_value_one()) > 0 && BN_cmp(v, tmp) < 0;
}

size_t cry_dh_group_bytes(const struct cry_dh_group *grp)
{
	switch (grp->id) {
	case CRY_DH_GROUP14:
		return 2048 / 8;
	case CRY_DH_GROUP16:
		return 4096 / 8;
	case CRY_DH_GROUP18:
		return 8192 / 8;
	default:
		return grp->plen;
	}
}

/*
 * out = base^x mod p (base NULL: the group's generator), x a secret of CRY_DH_EXP_BYTES, as a minimal big-endian
 * magnitude. A peer's base must be in (1, p-1) (0, 1 and p-1 would fix the result, RFC 4253 8), and so must
 * the result, or SSHTUN_ERR_KEX_FAILED.
 */
static int dh_power(const struct cry_dh_group *grp, const uint8_t x[CRY_DH_EXP_BYTES], const uint8_t *base,
	size_t baselen, uint8_t *out, size_t outmax, size_t *outlen)
{
	BIGNUM *p = NULL, *g = NULL, *bx = BN_secure_new(), *bb = BN_new(), *res = BN_secure_new(), *tmp = BN_new();
	BN_CTX *ctx = BN_CTX_secure_new();
	int r = dh_params(grp, &p, &g);

	if (r != 0) {
		goto out;
	}
	r = SSHTUN_ERR_CRYPTO;
	if (!bx || !bb || !res || !tmp || !ctx || !BN_bin2bn(x, CRY_DH_EXP_BYTES, bx) ||
	    !(base ? BN_bin2bn(base, (int)baselen, bb) : BN_copy(bb, g))) {
		goto out;
	}
	r = SSHTUN_ERR_KEX_FAILED;
	if (base && !dh_in_range(bb, p, tmp)) {
		goto out;
	}
	BN_set_flags(bx, BN_FLG_CONSTTIME);
	if (BN_mod_exp_mont_consttime(res, bb, bx, p, ctx, NULL) != 1) {
		r = SSHTUN_ERR_CRYPTO;
		goto out;
	}
	if (!dh_in_range(res, p, tmp)) {
		goto out;
	}
	if ((size_t)BN_num_bytes(res) > outmax) {
		r = SSHTUN_ERR_INVAL;
		goto out;
	}
	*outlen = (size_t)BN_bn2bin(res, out);
	r = 0;
out:
	BN_clear_free(bx);
	BN_clear_free(res);
	BN_free(bb);
	BN_free(tmp);
	BN_free(p);
	BN_free(g);
	BN_CTX_free(ctx);
	ERR_clear_error();
	return r;
}

int cry_dh_keypair(const struct cry_dh_group *grp, uint8_t x[CRY_DH_EXP_BYTES], uint8_t *e, size_t emax, size_t *elen)
{
	/*
	 * A random exponent of CRY_DH_EXP_BYTES * 8 bits, top bit set: twice the security of the strongest cipher
	 * (RFC 4419 6.2, as OpenSSH does), far below the groups' orders.
	 */
	if (RAND_priv_bytes(x, CRY_DH_EXP_BYTES) != 1) {
		ERR_clear_error();
		return SSHTUN_ERR_CRYPTO;
	}
	x[0] |= 0x80;
	return dh_power(grp, x, NULL, 0, e, emax, elen);
}

int cry_dh_shared(const struct cry_dh_group *grp, const uint8_t x[CRY_DH_EXP_BYTES], const uint8_t *f, size_t flen,
	uint8_t *k, size_t kmax, size_t *klen)
{
	return dh_power(grp, x, f, flen, k, kmax, klen);
}

/* 0 if v has no odd prime factor below SIEVE_LIMIT (v itself larger). */
static int dh_trial_division(const BIGNUM *v)
{
	static const int limit = SIEVE_LIMIT;
	uint8_t composite[SIEVE_LIMIT] = { 0 };

	for (int i = 3; i < limit; i += 2) {
		if (composite[i]) {
			continue;
		}
		for (int j = i * i; j < limit; j += 2 * i) {
			composite[j] = 1;
		}
		if (BN_mod_word(v, (BN_ULONG)i) == 0) {
			return SSHTUN_ERR_KEX_FAILED;
		}
	}
	return 0;
}

/* Miller-Rabin with rounds random bases (FIPS 186-4 C.3.1): 0 if v is probably prime. v odd, > SIEVE_LIMIT. */
static int dh_miller_rabin(const BIGNUM *v, int rounds, BN_CTX *ctx)
{
	BIGNUM *d = BN_new(), *vm1 = BN_new(), *a = BN_new(), *y = BN_new(), *range = BN_new();
	BN_MONT_CTX *mont = BN_MONT_CTX_new();
	int r = SSHTUN_ERR_CRYPTO, s = 0;

	if (!d || !vm1 || !a || !y || !range || !mont || !BN_MONT_CTX_set(mont, v, ctx) || !BN_copy(vm1, v) ||
	    !BN_sub_word(vm1, 1) || !BN_copy(d, vm1) || !BN_copy(range, v) || !BN_sub_word(range, 3)) {
		goto out;
	}
	while (!BN_is_bit_set(d, s)) {
		s++;
	}
	if (!BN_rshift(d, d, s)) {
		goto out;
	}
	r = 0;
	for (int i = 0; i < rounds && r == 0; i++) {
		/* a in [2, v-2] */
		if (!BN_rand_range(a, range) || !BN_add_word(a, 2) || !BN_mod_exp_mont(y, a, d, v, ctx, mont)) {
			r = SSHTUN_ERR_CRYPTO;
			break;
		}
		if (BN_is_one(y) || BN_cmp(y, vm1) == 0) {
			continue;
		}
		r = SSHTUN_ERR_KEX_FAILED;	/* composite unless some y^(2^j) is -1 */
		for (int j = 1; j < s; j++) {
			if (!BN_mod_sqr(y, y, v, ctx)) {
				r = SSHTUN_ERR_CRYPTO;
				break;
			}
			if (BN_cmp(y, vm1) == 0) {
				r = 0;
				break;
			}
		}
	}
out:
	BN_free(d);
	BN_free(vm1);
	BN_free(a);
	BN_free(y);
	BN_free(range);
	BN_MONT_CTX_free(mont);
	return r;
}

int cry_dh_check_group(const struct cry_dh_group *grp, unsigned min_bits, unsigned max_bits, unsigned *bits)
{
	BIGNUM *p = NULL, *g = NULL, *q = BN_new(), *tmp = BN_new(), *two = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	int r = grp->id == 0 ? dh_params(grp, &p, &g) : SSHTUN_ERR_INVAL;

	if (r != 0) {
		goto out;
	}
	r = SSHTUN_ERR_CRYPTO;
	if (!q || !tmp || !two || !ctx || !BN_set_word(two, 2)) {
		goto out;
	}
	*bits = (unsigned)BN_num_bits(p);
	r = SSHTUN_ERR_KEX_FAILED;
	/* The size asked for (RFC 4419 3), odd, and a generator that is neither 0, 1 nor p-1. */
	if (*bits < min_bits || *bits > max_bits || !BN_is_odd(p) || !dh_in_range(g, p, tmp)) {
		goto out;
	}
	/*
	 * p must be a safe prime: q = (p-1)/2 prime (trial division, then Miller-Rabin), and then p prime by
	 * Pocklington's criterion with the factor q > sqrt(p): 2^(p-1) = 1 mod p and gcd(2^2 - 1, p) = 1. With p
	 * safe, every g in (1, p-1) has order q or 2q, so it generates a subgroup as large as the group allows.
	 * MR_ROUNDS random bases leave at most 4^-16 for a composite q: the group is the server's own choice,
	 * signed with the exchange hash, so this catches a broken or weak server configuration, not an attacker
	 * on the path (one who controls the server controls the session anyway); 64 rounds would take some
	 * 11 s for an 8192-bit group.
	 */
	if (!BN_rshift1(q, p) || BN_mod_word(p, 3) == 0) {
		goto out;
	}
	if (dh_trial_division(q) != 0 || dh_miller_rabin(q, MR_ROUNDS, ctx) != 0) {
		goto out;
	}
	if (!BN_copy(tmp, p) || !BN_sub_word(tmp, 1) || BN_mod_exp(tmp, two, tmp, p, ctx) != 1 || !BN_is_one(tmp)) {
		goto out;
	}
	r = 0;
out:
	BN_free(p);
	BN_free(g);
	BN_free(q);
	BN_free(tmp);
	BN_free(two);
	BN_CTX_free(ctx);
	ERR_clear_error();
	return r;
}

#endif
