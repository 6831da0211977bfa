/*
 * sha256: SHA-256 (FIPS 180-4), streaming.  Used to pin downloaded dataset
 * files (harness/fetch.c); no dependency on a crypto library.
 *
 *   struct sha256 h; sha256_init(&h); sha256_update(&h, p, n)...;
 *   sha256_final(&h, digest) or sha256_final_hex(&h, hex)
 *
 * The context is plain data: no allocation, nothing to release.
 */
#ifndef VSR_SHA256_H
#define VSR_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "mdblock.h"

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64 /* hex digits; the hex buffer needs one more for the NUL */

struct sha256 {
	uint32_t state[8];
	struct mdblock mb;
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t n);
/* Finishes the digest; h must be re-initialised before reuse. */
void sha256_final(struct sha256 *h, unsigned char out[SHA256_LEN]);
/* The same as lowercase hex, NUL-terminated. */
void sha256_final_hex(struct sha256 *h, char out[SHA256_HEX_LEN + 1]);

#endif
