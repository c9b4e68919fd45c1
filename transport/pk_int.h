/* sshtun: the key-type descriptor that transport/pubkey.c's table is made of (transport/ only). */
#ifndef TRANSPORT_PK_INT_H
#define TRANSPORT_PK_INT_H

#include "transport/pubkey.h"
#include "util/features.h"
#include "util/wire.h"

struct pk_type {
	int type;		/* PK_* */
	const char *name;	/* in blobs and .pub lines */
	int curve;		/* CRY_P256... for ECDSA, else 0 */
	const char *curve_id;	/* ECDSA: the blob's second field ("nistp256") */
	/* Parses the fields after the type name (r reads k->blob); sets bits and the a/b views. */
	int (*parse)(const struct pk_type *t, struct pubkey *k, struct wire_r *r);
	/* Checks sig, the signature blob's second string, over data hashed with hash (0 for Ed25519). */
	int (*verify)(const struct pk_type *t, const struct pubkey *k, int hash, const struct wire_view *sig,
		const uint8_t *data, size_t n);
	int sk;			/* a FIDO security key: signatures carry flags and a counter (PROTOCOL.u2f) */
};

/* One row per signature algorithm. */
struct pk_sigalg {
	const char *name;
	int type;		/* the key type that makes it */
	int hash;		/* CRY_SHA*; 0 for Ed25519, which hashes inside */
	int sha1;		/* 1 for ssh-rsa: used only where the user's list names it */
};

/* Sets an a/b view of k to v (a view into k->blob). */
static inline void pk_set_view(const struct pubkey *k, const struct wire_view *v, uint16_t *off, uint16_t *len)
{
	*off = (uint16_t)(v->p - k->blob);
	*len = (uint16_t)v->n;
}

#if SSHTUN_ECDSA
int pk_ecdsa_parse(const struct pk_type *t, struct pubkey *k, struct wire_r *r);
int pk_ecdsa_verify(const struct pk_type *t, const struct pubkey *k, int hash, const struct wire_view *sig,
	const uint8_t *data, size_t n);
#endif
#if SSHTUN_RSA
int pk_rsa_parse(const struct pk_type *t, struct pubkey *k, struct wire_r *r);
int pk_rsa_verify(const struct pk_type *t, const struct pubkey *k, int hash, const struct wire_view *sig,
	const uint8_t *data, size_t n);
#endif
int pk_sk_ed25519_parse(const struct pk_type *t, struct pubkey *k, struct wire_r *r);
#if SSHTUN_ECDSA
int pk_sk_ecdsa_parse(const struct pk_type *t, struct pubkey *k, struct wire_r *r);
#endif
/* What a security key signs: SHA256(application) || flags || counter || SHA256(data), into msg (69 bytes). */
int pk_sk_message(const struct pubkey *k, uint8_t flags, uint32_t counter, const uint8_t *data, size_t n, uint8_t msg[69]);
int pk_ed25519_parse(const struct pk_type *t, struct pubkey *k, struct wire_r *r);
int pk_ed25519_verify(const struct pk_type *t, const struct pubkey *k, int hash, const struct wire_view *sig,
	const uint8_t *data, size_t n);

#endif
