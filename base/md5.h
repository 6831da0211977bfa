/*
 * md5: MD5 (RFC 1321), streaming.  Only to check files against the MD5 sums
 * their upstream publishes (VLMEvalKit pins the MMBench TSVs by MD5); never
 * used where we choose the digest ourselves (that is SHA-256, sha256.h).
 * The context is plain data: no allocation, nothing to release.
 */
#ifndef VSR_MD5_H
#define VSR_MD5_H

#include <stddef.h>
#include <stdint.h>

#include "mdblock.h"

#define MD5_LEN 16
#define MD5_HEX_LEN 32

struct md5 {
	uint32_t state[4];
	struct mdblock mb;
};

void md5_init(struct md5 *h);
void md5_update(struct md5 *h, const void *data, size_t n);
void md5_final(struct md5 *h, unsigned char out[MD5_LEN]);
void md5_final_hex(struct md5 *h, char out[MD5_HEX_LEN + 1]);

#endif
