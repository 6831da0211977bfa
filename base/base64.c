#include "base64.h"

#include <pthread.h>
#include <stdint.h>
#include "banned.h" /* last: see banned.h */

static signed char b64_val[256];
static pthread_once_t b64_once = PTHREAD_ONCE_INIT;

static void b64_init(void)
{
	signed char *val = b64_val;

	for (int c = 0; c < 256; c++)
		val[c] = -1;
	for (int c = 0; c < 26; c++) {
		val['A' + c] = (signed char)c;
		val['a' + c] = (signed char)(26 + c);
	}
	for (int c = 0; c < 10; c++)
		val['0' + c] = (signed char)(52 + c);
	val['+'] = 62;
	val['/'] = 63;
	val['='] = -2;
	val[' '] = val['\n'] = val['\r'] = val['\t'] = -3;
}

int b64_decode(const char *in, size_t n, unsigned char *out, size_t *out_len)
{
	const unsigned char *p = (const unsigned char *)in;
	uint32_t acc = 0;
	size_t o = 0, k = 0, pad = 0, i = 0;

	pthread_once(&b64_once, b64_init);
	while (i < n) {
		int v;
		/* Four plain characters at a time: the whole of a well-formed image. */
		if (!k && !pad) {
			while (i + 4 <= n) {
				int a = b64_val[p[i]], b = b64_val[p[i + 1]], c = b64_val[p[i + 2]],
				    d = b64_val[p[i + 3]];
				uint32_t w;
				if ((a | b | c | d) < 0)
					break;
				w = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
				out[o] = (unsigned char)(w >> 16);
				out[o + 1] = (unsigned char)(w >> 8);
				out[o + 2] = (unsigned char)w;
				o += 3;
				i += 4;
			}
			if (i >= n)
				break;
		}
		v = b64_val[p[i++]];
		if (v >= 0 && !pad) {
			acc = acc << 6 | (uint32_t)v;
			if (++k == 4) {
				out[o++] = (unsigned char)(acc >> 16);
				out[o++] = (unsigned char)(acc >> 8);
				out[o++] = (unsigned char)acc;
				acc = 0;
				k = 0;
			}
		} else if (v == -2) {
			pad++;
		} else if (v != -3) {
			return -1; /* a bad character, or data after the padding */
		}
	}
	if (k == 1 || pad > 2 || (pad && (k + pad) % 4))
		return -1;
	if (k == 2) {
		out[o++] = (unsigned char)(acc >> 4);
	} else if (k == 3) {
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	}
	*out_len = o;
	return 0;
}
