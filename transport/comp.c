/* sshtun: packet compression: the method table and the zlib streams (RFC 4253 6.2, RFC 1950/1951). */
#include "transport/comp.h"

#include <stdlib.h>
#include <string.h>

#include "sshtun_err.h"
#include "util/features.h"

#if SSHTUN_ZLIB
#include <zlib.h>
#endif

static const struct tp_comp_alg comp_none = { "none", 0, 0 };
#if SSHTUN_ZLIB
static const struct tp_comp_alg comp_delayed = { "zlib@openssh.com", 1, 1 };
static const struct tp_comp_alg comp_zlib = { "zlib", 1, 0 };
#endif

const struct tp_comp_alg *const tp_comp_algs[] = {
	&comp_none,
#if SSHTUN_ZLIB
	&comp_delayed,
	&comp_zlib,
#endif
	NULL
};

const struct tp_comp_alg *tp_comp_find(const char *name, size_t n)
{
	for (size_t i = 0; tp_comp_algs[i]; i++) {
		if (strlen(tp_comp_algs[i]->name) == n && memcmp(tp_comp_algs[i]->name, name, n) == 0) {
			return tp_comp_algs[i];
		}
	}
	return NULL;
}

int tp_z_active(const struct tp_zstream *s)
{
	return s->z != NULL;
}

#if SSHTUN_ZLIB
void tp_z_end(struct tp_zstream *s)
{
	if (s->z) {
		if (s->inflate) {
			inflateEnd(s->z);
		} else {
			deflateEnd(s->z);
		}
		free(s->z);
	}
	memset(s, 0, sizeof(*s));
}

int tp_z_start(struct tp_zstream *s, int inflate)
{
	uint64_t in = s->in, out = s->out;	/* the counts run on across restarts */
	z_stream *z;
	int r;

	tp_z_end(s);
	s->in = in;
	s->out = out;
	z = calloc(1, sizeof(*z));
	if (!z) {
		return SSHTUN_ERR_NOMEM;
	}
	/* Level 6, zlib's default and what OpenSSH uses; the default window and memory. */
	r = inflate ? inflateInit(z) : deflateInit(z, 6);
	if (r != Z_OK) {
		free(z);
		return SSHTUN_ERR_NOMEM;
	}
	s->z = z;
	s->inflate = inflate;
	return 0;
}

int tp_z_run(struct tp_zstream *s, const uint8_t *in, size_t n, uint8_t *out, size_t max, size_t *outlen)
{
	z_stream *z = s->z;
	int r;

	if (!z) {
		return SSHTUN_ERR_STATE;
	}
	z->next_in = (Bytef *)(uintptr_t)in;
	z->avail_in = (uInt)n;
	z->next_out = out;
	z->avail_out = (uInt)max;
	if (s->inflate) {
		/* All of the packet, and no more output than max: a packet that inflates further is refused. */
		do {
			r = inflate(z, Z_SYNC_FLUSH);
		} while (r == Z_OK && z->avail_in > 0 && z->avail_out > 0);
		if (r == Z_BUF_ERROR && z->avail_in == 0) {
			r = Z_OK;	/* nothing more to do: the packet had no output left */
		}
		if (r == Z_OK && z->avail_in > 0) {
			return SSHTUN_ERR_LIMIT;
		}
		*outlen = max - z->avail_out;
		if (r == Z_OK && z->avail_out == 0) {
			/* Output filled exactly: refuse if zlib still holds more for this packet. */
			uint8_t extra;

			z->next_out = &extra;
			z->avail_out = 1;
			r = inflate(z, Z_SYNC_FLUSH);
			if (z->avail_out == 0) {
				return SSHTUN_ERR_LIMIT;
			}
			if (r == Z_BUF_ERROR) {
				r = Z_OK;
			}
		}
		if (r != Z_OK) {
			return SSHTUN_ERR_PROTOCOL;
		}
	} else {
		r = deflate(z, Z_PARTIAL_FLUSH);
		if (r == Z_BUF_ERROR && n == 0) {
			r = Z_OK;	/* nothing in, nothing pending: zlib reports no progress, which is no error */
		}
		if (r != Z_OK || z->avail_in > 0 || z->avail_out == 0) {
			return r == Z_OK ? SSHTUN_ERR_LIMIT : SSHTUN_ERR_CRYPTO;
		}
		*outlen = max - z->avail_out;
	}
	s->in += s->inflate ? *outlen : n;
	s->out += s->inflate ? n : *outlen;
	return 0;
}
#else
void tp_z_end(struct tp_zstream *s)
{
	memset(s, 0, sizeof(*s));
}

int tp_z_start(struct tp_zstream *s, int inflate)
{
	(void)s, (void)inflate;
	return SSHTUN_ERR_NOT_SUPPORTED;
}

int tp_z_run(struct tp_zstream *s, const uint8_t *in, size_t n, uint8_t *out, size_t max, size_t *outlen)
{
	(void)s, (void)in, (void)n, (void)out, (void)max, (void)outlen;
	return SSHTUN_ERR_NOT_SUPPORTED;
}
#endif
