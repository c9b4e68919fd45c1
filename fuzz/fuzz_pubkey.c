/* sshtun: libFuzzer target for public key blobs, signature blobs and .pub lines (pubkey_from_blob, pubkey_verify). */
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "ssh/key.h"
#include "transport/pubkey.h"
#include "util/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fixed valid key, so signature blobs are parsed even when the input's own key blob is not valid. */
static const uint8_t fixed_blob[51] = {
	0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9', 0, 0, 0, 32,
	0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
	0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_r r;
	struct wire_view blob, sig, msg;
	struct pubkey k, fixed, line;
	char fp[PK_FP_MAX];

	if (cry_init() != 0 || pubkey_from_blob(&fixed, fixed_blob, sizeof(fixed_blob)) != 0) {
		return 0;
	}
	/* Input: string key blob, string signature blob, then the signed data. */
	wire_r_init(&r, data, size);
	wire_get_string(&r, &blob);
	wire_get_string(&r, &sig);
	wire_get_raw(&r, wire_left(&r), &msg);
	if (wire_err(&r) == 0) {
		if (pubkey_from_blob(&k, blob.p, blob.n) == 0) {
			pubkey_fingerprint(&k, fp, sizeof(fp));
			(void)pubkey_equal(&k, &fixed);
			pubkey_verify(&k, sig.p, sig.n, msg.p, msg.n);
		}
		pubkey_verify(&fixed, sig.p, sig.n, msg.p, msg.n);
	}
	/* The whole input as a blob, a signature and a .pub line. */
	pubkey_from_blob(&k, data, size);
	pubkey_verify(&fixed, data, size, data, size);
	key_parse_public_line(&line, (const char *)data, size);
	return 0;
}
