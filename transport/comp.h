/*
 * sshtun: packet compression (RFC 4253 6.2; zlib@openssh.com, PROTOCOL 2.1 / OpenSSH's delayed compression):
 * one row per method, one zlib stream per direction. Present with SSHTUN_ZLIB.
 */
#ifndef TRANSPORT_COMP_H
#define TRANSPORT_COMP_H

#include <stddef.h>
#include <stdint.h>

struct tp_comp_alg {
	const char *name;
	int zlib;		/* 0: none */
	int delayed;		/* zlib@openssh.com: starts once the server accepted the login */
};

/* The methods this build has, "none" first, NULL-terminated; and the one with this name, or NULL. */
extern const struct tp_comp_alg *const tp_comp_algs[];
const struct tp_comp_alg *tp_comp_find(const char *name, size_t n);

/*
 * One direction's stream. The compressor flushes at each packet's end (Z_PARTIAL_FLUSH, as OpenSSH), so each
 * packet decompresses on its own against the history of the ones before; a new stream starts at each
 * NEWKEYS that takes compression into use (OpenSSH restarts it then).
 */
struct tp_zstream {
	void *z;		/* z_stream, allocated by tp_z_start */
	int inflate;
	uint64_t in, out;	/* bytes before and after, for the statistics */
};

/* Starts a stream (inflate 1: decompress); ends the previous one if any. */
int tp_z_start(struct tp_zstream *s, int inflate);
/* Frees the stream. */
void tp_z_end(struct tp_zstream *s);
/* 1 if the stream runs. */
int tp_z_active(const struct tp_zstream *s);
/*
 * Compresses (or, on an inflate stream, decompresses) in[0..n) into out (max bytes), setting *outlen.
 * SSHTUN_ERR_LIMIT if the result would be larger than max: a decompression bomb is stopped at the packet
 * size limit, not at the memory's; SSHTUN_ERR_PROTOCOL for data zlib cannot decompress.
 */
int tp_z_run(struct tp_zstream *s, const uint8_t *in, size_t n, uint8_t *out, size_t max, size_t *outlen);

#endif
