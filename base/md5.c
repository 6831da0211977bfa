/* MD5 as specified in RFC 1321 (section 3); T[i] = floor(2^32 * |sin(i + 1)|). */
#include <string.h>

#include "md5.h"
#include "banned.h" /* last: see banned.h */

static const uint32_t T[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
	0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
	0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
	0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
	0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
	0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
	0xeb86d391,
};
static const unsigned S[4][4] = { { 7, 12, 17, 22 }, { 5, 9, 14, 20 }, { 4, 11, 16, 23 },
				  { 6, 10, 15, 21 } };

static uint32_t rotl(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static void compress(uint32_t *st, const unsigned char *p)
{
	uint32_t x[16], a = st[0], b = st[1], c = st[2], d = st[3];

	for (int i = 0; i < 16; i++)
		x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		       (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	for (int i = 0; i < 64; i++) {
		uint32_t f;
		int k, round = i / 16;

		switch (round) {
		case 0: f = (b & c) | (~b & d); k = i; break;
		case 1: f = (b & d) | (c & ~d); k = (5 * i + 1) % 16; break;
		case 2: f = b ^ c ^ d; k = (3 * i + 5) % 16; break;
		default: f = c ^ (b | ~d); k = (7 * i) % 16; break;
		}
		f = b + rotl(a + f + x[k] + T[i], S[round][i % 4]);
		a = d, d = c, c = b, b = f;
	}
	st[0] += a, st[1] += b, st[2] += c, st[3] += d;
}

void md5_init(struct md5 *h)
{
	h->state[0] = 0x67452301, h->state[1] = 0xefcdab89;
	h->state[2] = 0x98badcfe, h->state[3] = 0x10325476;
	memset(&h->mb, 0, sizeof(h->mb));
}

void md5_update(struct md5 *h, const void *data, size_t n)
{
	md_update(&h->mb, h->state, compress, data, n);
}

void md5_final(struct md5 *h, unsigned char out[MD5_LEN])
{
	md_pad(&h->mb, h->state, compress, 0); /* 3.1, 3.2: the length little-endian */
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (unsigned char)(h->state[i] >> (8 * j));
}

void md5_final_hex(struct md5 *h, char out[MD5_HEX_LEN + 1])
{
	unsigned char d[MD5_LEN];

	md5_final(h, d);
	md_hex(d, MD5_LEN, out);
}
