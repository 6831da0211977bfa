/*
 * fuzz_jpegmeta: the JPEG segment walker (base/jpegmeta.c) that reads the
 * EXIF orientation of a dataset's JPEG and carries its APP1/APP2 segments
 * over to a re-encoded mirror (-p hflip).  The input is the file.  Beyond
 * not crashing, the target checks the promises: an orientation is 1 to 8;
 * the input's metadata put into a small JPEG leaves that JPEG's bytes
 * around it (its SOI and JFIF APP0 before, the rest after, nothing lost);
 * the input as the target of a copy is refused unless it starts with SOI,
 * and is otherwise kept whole.
 */
#include <stdlib.h>
#include <string.h>

#include "../../base/jpegmeta.h"
#include "fuzz.h"

/* SOI, a JFIF APP0, an APP1 "Exif" with orientation 6 (II), SOS, EOI: as an encoder writes. */
static const unsigned char small[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
	0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0,
	1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xda, 0x00, 0x02, 0xff, 0xd9,
};

/* out is jpeg[0..n) with small's APP1 segment put in at one place after its SOI. */
static int inserted(const unsigned char *jpeg, size_t n, const unsigned char *out, size_t len)
{
	const unsigned char *app1 = small + 20;
	const size_t a = 36;

	if (len != n + a)
		return 0;
	for (size_t p = 2; p <= n; p++)
		if (!memcmp(out, jpeg, p) && !memcmp(out + p, app1, a) &&
		    !memcmp(out + p + a, jpeg + p, n - p))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT;
	int o = jpeg_exif_orientation(data, size);
	const size_t head = 20; /* SOI and the APP0 of small */

	if (o < 1 || o > 8 || jpeg_exif_orientation(small, sizeof(small)) != 6)
		abort();
	o = exif_orientation(data, size);
	if (o < 1 || o > 8)
		abort();
	if (jpeg_copy_meta(data, size, small, sizeof(small), &out) ||
	    out.len < sizeof(small) || memcmp(out.ptr, small, head) ||
	    memcmp(out.ptr + out.len - (sizeof(small) - head), small + head, sizeof(small) - head))
		abort();
	buf_release(&out);
	if (jpeg_copy_meta(small, sizeof(small), data, size, &out)) {
		if ((size >= 2 && data[0] == 0xff && data[1] == 0xd8) || out.len)
			abort();
	} else if (!inserted(data, size, (const unsigned char *)out.ptr, out.len)) {
		abort();
	}
	buf_release(&out);
	/* The index dropped: never longer, and a second pass finds none. */
	{
		unsigned char *c = malloc(size ? size : 1);
		size_t m;
		if (!c)
			abort();
		memcpy(c, data, size);
		m = jpeg_drop_mpf(c, size);
		if (m > size || jpeg_drop_mpf(c, m) != m)
			abort();
		/* The orientation reset: 1 after, and only when there was another. */
		memcpy(c, data, size);
		if (jpeg_reset_orientation(c, size) ? jpeg_exif_orientation(data, size) != 1
						    : jpeg_exif_orientation(c, size) != 1)
			abort();
		free(c);
	}
	return 0;
}
