/*
 * mdblock: what MD5 and SHA-256 share (the Merkle-Damgard construction):
 * 64-byte blocks buffered from arbitrary pieces of input, and the final
 * padding (0x80, zeros to 56 mod 64, the message length in bits in 8
 * bytes, little-endian for MD5, big-endian for SHA-256).  Each hash brings
 * its state and its compression function.
 */
#ifndef VSR_MDBLOCK_H
#define VSR_MDBLOCK_H

#include <stddef.h>
#include <stdint.h>

struct mdblock {
	uint64_t bytes;          /* message length so far */
	unsigned char block[64];
	size_t fill;             /* bytes waiting in block */
};

typedef void (*md_compress_fn)(uint32_t *state, const unsigned char block[64]);

void md_update(struct mdblock *b, uint32_t *state, md_compress_fn compress, const void *data,
	       size_t n);
void md_pad(struct mdblock *b, uint32_t *state, md_compress_fn compress, int big_endian);
/* Lower-case hex of d[0..n) into out[0..2n], NUL-terminated. */
void md_hex(const unsigned char *d, size_t n, char *out);

#endif
