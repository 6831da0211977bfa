#include "mdblock.h"

#include <string.h>
#include "banned.h" /* last: see banned.h */

void md_update(struct mdblock *b, uint32_t *state, md_compress_fn compress, const void *data,
	       size_t n)
{
	const unsigned char *p = data;

	b->bytes += n;
	if (b->fill) {
		size_t take = 64 - b->fill < n ? 64 - b->fill : n;
		memcpy(b->block + b->fill, p, take);
		b->fill += take, p += take, n -= take;
		if (b->fill < 64)
			return;
		compress(state, b->block);
		b->fill = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		compress(state, p);
	memcpy(b->block, p, n);
	b->fill = n;
}

void md_pad(struct mdblock *b, uint32_t *state, md_compress_fn compress, int big_endian)
{
	uint64_t bits = b->bytes * 8;

	b->block[b->fill++] = 0x80;
	if (b->fill > 56) {
		memset(b->block + b->fill, 0, 64 - b->fill);
		compress(state, b->block);
		b->fill = 0;
	}
	memset(b->block + b->fill, 0, 56 - b->fill);
	for (int i = 0; i < 8; i++)
		b->block[56 + i] = (unsigned char)(bits >> (big_endian ? 56 - 8 * i : 8 * i));
	compress(state, b->block);
}

void md_hex(const unsigned char *d, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}
