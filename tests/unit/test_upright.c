/*
 * base/upright: a JPEG stored turned, made upright.  A JPEG drawn here (a
 * red 8 x 8 block in the stored top-left corner, the rest blue) with an
 * EXIF orientation put in after its SOI; where the block must be shown,
 * by hand from EXIF's definitions (6: a quarter turn clockwise, so the
 * stored top-left corner is shown top right; 8 anticlockwise: bottom left;
 * 5 transposed: top left; 7 transverse: bottom right; 2 to 4 flips): the
 * upright copy must have it there, its sides swapped for 5 to 8, and no
 * turn left in its tag.  Whole MCUs (32 x 16: the lossless transform) and
 * partial ones (34 x 18: decoded, turned, re-encoded).  A PNG with its
 * orientation in an eXIf chunk (written here, its CRC by zlib): the same
 * corners, pixel for pixel, and no orientation left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include <turbojpeg.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/jpegmeta.h"
#include "base/upright.h"
#include "base/util.h"

/* A w x h JPEG, 4:4:4, the block top left, with orientation o in an EXIF APP1 (0: none). */
static unsigned char *make(int w, int h, int o, size_t *n)
{
	unsigned char app1[36] = { 0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
				   'I', 'I', 0x2a, 0, 8, 0, 0, 0, 1, 0,
				   0x12, 0x01, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	unsigned char *px = malloc((size_t)w * (size_t)h * 3), *jpeg = NULL, *out;
	unsigned long len = 0;
	tjhandle tj = tjInitCompress();

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = px + ((size_t)y * (size_t)w + (size_t)x) * 3;
			int red = x < 8 && y < 8;
			p[0] = red ? 230 : 20;
			p[1] = 20;
			p[2] = red ? 20 : 230;
		}
	assert_int_equal(tjCompress2(tj, px, w, 0, h, TJPF_RGB, &jpeg, &len, TJSAMP_444, 95, 0), 0);
	app1[28] = (unsigned char)o; /* the SHORT value, first of its four bytes */
	out = malloc(len + sizeof(app1));
	memcpy(out, jpeg, 2);
	memcpy(out + 2, app1, o ? sizeof(app1) : 0);
	memcpy(out + 2 + (o ? sizeof(app1) : 0), jpeg + 2, len - 2);
	*n = len - 2 + 2 + (o ? sizeof(app1) : 0);
	tjFree(jpeg);
	tjDestroy(tj);
	free(px);
	return out;
}

/* Whether the 8 x 8 corner (cx, cy: 0 left/top, 1 right/bottom) of the decoded p is red. */
static int red_at(const unsigned char *px, int w, int h, int cx, int cy)
{
	int x = cx ? w - 4 : 3, y = cy ? h - 4 : 3;
	const unsigned char *p = px + ((size_t)y * (size_t)w + (size_t)x) * 3;

	return p[0] > 180 && p[2] < 80;
}

static void test_orientations(void **state)
{
	/* Where the stored top-left block is shown, orientation by orientation (by hand). */
	static const int corner[9][2] = { { 0, 0 }, { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 },
					  { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 } };
	static const int sides[2][2] = { { 32, 16 }, { 34, 18 } };
	char err[VSR_ERR_MAX];

	(void)state;
	for (int s = 0; s < 2; s++)
		for (int o = 1; o <= 8; o++) {
			int w = sides[s][0], h = sides[s][1], W, H, sub, cs;
			size_t n;
			unsigned char *j = make(w, h, o, &n), *px;
			struct buf out = BUF_INIT;
			tjhandle tj = tjInitDecompress();

			if (o == 1) {
				assert_int_equal(jpeg_upright(j, n, 1u << 20, &out, err), 1);
				assert_int_equal(out.len, 0);
				free(j);
				tjDestroy(tj);
				continue;
			}
			assert_int_equal(jpeg_upright(j, n, 1u << 20, &out, err), 0);
			assert_int_equal(jpeg_exif_orientation((unsigned char *)out.ptr, out.len), 1);
			assert_int_equal(tjDecompressHeader3(tj, (unsigned char *)out.ptr, out.len, &W, &H,
							     &sub, &cs), 0);
			assert_int_equal(W, o >= 5 ? h : w);
			assert_int_equal(H, o >= 5 ? w : h);
			px = malloc((size_t)W * (size_t)H * 3);
			assert_int_equal(tjDecompress2(tj, (unsigned char *)out.ptr, out.len, px, W, 0, H,
						       TJPF_RGB, 0), 0);
			if (!red_at(px, W, H, corner[o][0], corner[o][1]))
				fail_msg("%d x %d, orientation %d: the block is not at corner (%d, %d)", w, h,
					 o, corner[o][0], corner[o][1]);
			for (int c = 0; c < 4; c++)
				if ((c & 1) != corner[o][0] || (c >> 1) != corner[o][1])
					assert_false(red_at(px, W, H, c & 1, c >> 1));
			free(px);
			buf_release(&out);
			tjDestroy(tj);
			free(j);
		}
}

static void test_nothing_to_turn_and_the_cap(void **state)
{
	char err[VSR_ERR_MAX];
	struct buf out = BUF_INIT;
	size_t n;
	unsigned char *j = make(32, 16, 0, &n);

	(void)state;
	assert_int_equal(jpeg_upright(j, n, 1u << 20, &out, err), 1); /* no EXIF */
	assert_int_equal(jpeg_upright((const unsigned char *)"\x89PNG", 4, 1u << 20, &out, err), 1);
	free(j);
	j = make(32, 16, 6, &n);
	assert_int_equal(jpeg_upright(j, n, 100, &out, err), VSR_EDATA);
	assert_non_null(strstr(err, "over the cap of 100 pixels"));
	assert_int_equal(out.len, 0);
	free(j);
}

/* A 6 x 4 RGB PNG, its stored top-left pixel red, the rest blue, orientation o in an eXIf chunk. */
static unsigned char *make_png(int o, size_t *n)
{
	unsigned char exif[12 + 26] = { 0, 0, 0, 26, 'e', 'X', 'I', 'f', 'I', 'I', 0x2a, 0, 8, 0, 0, 0,
					1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	unsigned char px[6 * 4 * 3], *out;
	png_image img;
	png_alloc_size_t len = 0;
	uLong crc;

	for (size_t i = 0; i < sizeof(px); i += 3) {
		px[i] = i ? 20 : 230;
		px[i + 1] = 20;
		px[i + 2] = i ? 230 : 20;
	}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = 6;
	img.height = 4;
	img.format = PNG_FORMAT_RGB;
	assert_true(png_image_write_to_memory(&img, NULL, &len, 0, px, 0, NULL));
	out = malloc(len + sizeof(exif));
	assert_true(png_image_write_to_memory(&img, out, &len, 0, px, 0, NULL));
	exif[26] = (unsigned char)o; /* the SHORT value (8 + 18 into the chunk) */
	crc = crc32(0, exif + 4, 4 + 26);
	for (int k = 0; k < 4; k++)
		exif[34 + k] = (unsigned char)(crc >> (24 - 8 * k));
	/* After the signature and IHDR (8 + 25 bytes). */
	memmove(out + 33 + sizeof(exif), out + 33, len - 33);
	memcpy(out + 33, exif, sizeof(exif));
	*n = len + sizeof(exif);
	return out;
}

static void test_png(void **state)
{
	static const int corner[9][2] = { { 0, 0 }, { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 },
					  { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 } };
	char err[VSR_ERR_MAX];

	(void)state;
	for (int o = 1; o <= 8; o++) {
		size_t n;
		unsigned char *p = make_png(o, &n), px[6 * 4 * 3];
		struct buf out = BUF_INIT;
		png_image img;
		int W, H;

		assert_int_equal(png_exif_orientation(p, n), o);
		if (o == 1) {
			assert_int_equal(png_upright(p, n, 1u << 20, &out, err), 1);
			free(p);
			continue;
		}
		assert_int_equal(png_upright(p, n, 1u << 20, &out, err), 0);
		assert_int_equal(png_exif_orientation((unsigned char *)out.ptr, out.len), 1);
		memset(&img, 0, sizeof(img));
		img.version = PNG_IMAGE_VERSION;
		assert_true(png_image_begin_read_from_memory(&img, out.ptr, out.len));
		W = o >= 5 ? 4 : 6;
		H = o >= 5 ? 6 : 4;
		assert_int_equal(img.width, W);
		assert_int_equal(img.height, H);
		img.format = PNG_FORMAT_RGB;
		assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				int red = x == (corner[o][0] ? W - 1 : 0) && y == (corner[o][1] ? H - 1 : 0);
				if ((px[(y * W + x) * 3] == 230) != red)
					fail_msg("orientation %d: pixel (%d, %d) %s red", o, x, y,
						 red ? "is not" : "is");
			}
		buf_release(&out);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orientations),
		cmocka_unit_test(test_nothing_to_turn_and_the_cap),
		cmocka_unit_test(test_png),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
