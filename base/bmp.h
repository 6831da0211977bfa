/*
 * bmp: Windows bitmaps (BMP) decoded to 8-bit RGBA pixels, and pixels
 * written as PNG (libpng), so that an image type an API does not take can
 * be sent as one it does (issue 21: Anthropic, Gemini, Ollama and OpenAI's
 * own endpoint take no BMP).  Knows no suite and no model.
 *
 * Decoded: the core (12-byte) and info (40, 52, 56, 64, 108, 124-byte)
 * headers; bottom-up and top-down rows; 1, 4 and 8 bits with a palette;
 * 16 and 32 bits (BI_RGB, or BI_BITFIELDS / BI_ALPHABITFIELDS masks); 24
 * bits.  Refused (a clear reason): RLE, embedded JPEG or PNG, truncated or
 * inconsistent files, and images over the pixel cap, which is checked on
 * the header's sides before any allocation (issue 18, finding 2).
 */
#ifndef VSR_BMP_H
#define VSR_BMP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct bmp_image {
	uint32_t width, height;
	unsigned char *rgba; /* width * height * 4, rows top first; caller frees */
	int alpha;           /* non-zero when some pixel is not opaque */
};

/*
 * Decodes p[0..n) into out (out->rgba malloc'd).  0, or VSR_EDATA with the
 * reason in err (VSR_ERR_MAX bytes, no file name: the caller adds it);
 * running out of memory for the pixels is such an error too.
 */
int bmp_decode(const unsigned char *p, size_t n, uint64_t max_pixels, struct bmp_image *out,
	       char *err);

/*
 * Converts p[0..n), an image of a type vsrbench decodes (today BMP), to a
 * PNG appended to png (lossless; RGB, or RGBA when some pixel is not
 * opaque).  0, or VSR_EDATA with the reason in err.
 */
int image_convert_png(const unsigned char *p, size_t n, uint64_t max_pixels, struct buf *png,
		      char *err);

#endif
