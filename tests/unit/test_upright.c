/*
 * base/upright: a JPEG stored turned, made upright.  A JPEG drawn here (a
 * red 8 x 8 block in the stored top-left corner, the rest blue) with an
 * EXIF orientation put in after its SOI; where the block must be shown,
 * by hand from EXIF's definitions (6: a quarter turn clockwise, so the
 * stored top-left corner is shown top right; 8 anticlockwise: bottom left;
 * 5 transposed: top left; 7 transverse: bottom right; 2 to 4 flips): the
 * upright copy must have it there, its sides swapped for 5 to 8, and no
 * turn left in its tag.  Whole MCUs (32 x 16: the lossless transform) and
 * partial ones (34 x 18: decoded, turned, re-encoded).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orientations),
		cmocka_unit_test(test_nothing_to_turn_and_the_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
