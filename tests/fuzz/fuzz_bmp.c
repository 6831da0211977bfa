/*
 * fuzz_bmp: the BMP decoder and PNG writer (base/bmp.c) that convert an
 * image an API does not take (issue 21).  The input is the file; the cap is
 * small so that a header claiming huge sides is refused, not allocated.
 * Beyond not crashing, the target checks the decoder's promise: a decoded
 * image has sides within the cap and its pixels are all there (the last
 * byte is read), and a PNG comes out of every image that decodes.
 */
#include <stdlib.h>
#include <string.h>

#include "../../base/bmp.h"
#include "../../base/util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bmp_image b;
	struct buf png = BUF_INIT;
	char err[VSR_ERR_MAX];
	const uint64_t cap = 1 << 16;

	if (!bmp_decode(data, size, cap, &b, err)) {
		size_t n = (size_t)b.width * b.height * 4;
		if (!b.width || !b.height || (uint64_t)b.width * b.height > cap || !b.rgba)
			abort();
		volatile unsigned sum = 0;
		for (size_t i = 0; i < n; i++) /* every byte read (ASan, MSan) */
			sum += b.rgba[i];
		free(b.rgba);
		if (image_convert_png(data, size, cap, &png, err) ||
		    png.len < 8 || memcmp(png.ptr, "\x89PNG\r\n\x1a\n", 8))
			abort();
	}
	buf_release(&png);
	return 0;
}
