/*
 * The image files' check before any request (base/imgfile.c): whole images
 * of each type pass with their sides; empty files, other formats and files
 * cut short are refused with what is wrong; padding after an image's end
 * is no cut.  Images made here (libturbojpeg, libpng) or written byte by
 * byte; each case is checked in memory and through a file, which must agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/imgfile.h"
#include "base/util.h"

/*
 * A w x h JPEG with busy pixels (its entropy-coded data is most of it, with
 * many a stuffed FF 00), libturbojpeg's flags (TJFLAG_PROGRESSIVE: several
 * scans with tables between them); caller frees.
 */
static unsigned char *make_jpeg_flags(int w, int h, int flags, size_t *n)
{
	tjhandle tj = tjInitCompress();
	unsigned char *px = malloc((size_t)w * (size_t)h * 3), *out = NULL, *copy;
	unsigned long len = 0;
	uint32_t x = 12345;

	assert_non_null(tj);
	for (size_t i = 0; i < (size_t)w * (size_t)h * 3; i++) {
		x = x * 1103515245u + 12345u;
		px[i] = (unsigned char)(x >> 24);
	}
	assert_int_equal(tjCompress2(tj, px, w, 0, h, TJPF_RGB, &out, &len, TJSAMP_420, 90, flags), 0);
	copy = malloc(len);
	memcpy(copy, out, len);
	*n = len;
	tjFree(out);
	tjDestroy(tj);
	free(px);
	return copy;
}

static unsigned char *make_jpeg(int w, int h, size_t *n)
{
	return make_jpeg_flags(w, h, 0, n);
}

static unsigned char *make_png(int w, int h, size_t *n)
{
	png_image img;
	unsigned char *px = calloc((size_t)w * (size_t)h, 3), *out;
	png_alloc_size_t len = 0;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)w;
	img.height = (png_uint_32)h;
	img.format = PNG_FORMAT_RGB;
	assert_true(png_image_write_to_memory(&img, NULL, &len, 0, px, 0, NULL));
	out = malloc(len);
	assert_true(png_image_write_to_memory(&img, out, &len, 0, px, 0, NULL));
	*n = len;
	free(px);
	return out;
}

/*
 * Checks p[0..n) in memory and as a file: the same verdict and message;
 * returns the verdict, the message in err.
 */
static int check(const unsigned char *p, size_t n, struct imgfile_facts *f, char *err)
{
	char path[] = "/tmp/vsr-test-imgfile-XXXXXX", e2[VSR_ERR_MAX] = "";
	struct imgfile_facts f2;
	int fd = mkstemp(path), r, r2;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	err[0] = '\0';
	r = imgfile_check_mem(p, n, f, err);
	r2 = imgfile_check(fd, n, &f2, e2);
	close(fd);
	unlink(path);
	assert_int_equal(r, r2);
	assert_string_equal(err, e2);
	assert_int_equal(f->width, f2.width);
	assert_int_equal(f->height, f2.height);
	assert_int_equal(f->image_end, f2.image_end);
	assert_true(f->trailer == f2.trailer);
	assert_int_equal(f->no_trailer, f2.no_trailer);
	return r;
}

static void refused(const unsigned char *p, size_t n, const char *why)
{
	struct imgfile_facts f;
	char err[VSR_ERR_MAX];

	assert_int_equal(check(p, n, &f, err), VSR_EDATA);
	if (!strstr(err, why))
		fail_msg("expected '%s' in '%s'", why, err);
}

static void test_jpeg(void **state)
{
	struct imgfile_facts f;
	char err[VSR_ERR_MAX];
	size_t n;
	unsigned char *j = make_jpeg(320, 240, &n), *padded;

	(void)state;
	assert_true(n > 20000);
	assert_int_equal(check(j, n, &f, err), 0);
	assert_string_equal(f.mime, "image/jpeg");
	assert_int_equal(f.width, 320);
	assert_int_equal(f.height, 240);
	/* Cut in its data (in half, and short of its last byte), or in its headers. */
	refused(j, n / 2, "the JPEG is cut short: no end-of-image marker");
	refused(j, n - 1, "the JPEG is cut short: no end-of-image marker");
	refused(j, 100, "the JPEG is cut short: it ends in its headers");
	/* Padding after the end-of-image marker (zeros, a writer's filler): whole. */
	padded = calloc(n + 1000, 1);
	memcpy(padded, j, n);
	assert_int_equal(check(padded, n + 1000, &f, err), 0);
	/* The frame header's width patched to 0. */
	for (size_t i = 2; i + 9 < n; i++)
		if (j[i] == 0xff && j[i + 1] == 0xc0) {
			j[i + 7] = j[i + 8] = 0;
			break;
		}
	refused(j, n, "the JPEG's header says 0 x 240 pixels");
	free(padded);
	free(j);
}

/*
 * An FF D9 inside a header segment (an EXIF thumbnail's end) near the end
 * of a small file cut in its image data: not the image's end.
 */
static void test_jpeg_thumbnail_end_is_not_the_end(void **state)
{
	size_t n, sos = 0;
	unsigned char *j = make_jpeg(32, 32, &n), *b = malloc(n + 64);
	static const unsigned char app1[] = { 0xff, 0xe1, 0x00, 0x08, 'E', 'x', 0xff, 0xd8, 0xff, 0xd9 };

	(void)state;
	memcpy(b, j, 2);
	memcpy(b + 2, app1, sizeof(app1));
	memcpy(b + 2 + sizeof(app1), j + 2, n - 2);
	n += sizeof(app1);
	for (size_t i = 2; i + 1 < n && !sos; i++)
		if (b[i] == 0xff && b[i + 1] == 0xda)
			sos = i;
	/* Cut in the scan, the whole file in the 2 KiB read from its end. */
	assert_true(n - 200 <= 2048 && sos && sos + 100 < n - 200);
	refused(b, n - 200, "the JPEG is cut short: no end-of-image marker");
	free(b);
	free(j);
}

/*
 * What follows a JPEG's picture: a phone's motion photo (an MP4 after the
 * end-of-image marker; Samsung's behind "MotionPhoto_Data"), an MPO's next
 * picture, other bytes: the file is whole, image_end is the picture's
 * length (the JPEG as the encoder wrote it), the trailer is named.
 * Baseline and progressive (its scans and tables are walked through).
 * Zero padding is no trailer; a picture cut short is still refused, with
 * a video after it or not.
 */
static void test_jpeg_trailer(void **state)
{
	static const unsigned char mp4[] = "\0\0\0\x18" "ftypmp42\0\0\0\0isommp42\0\0\0\x08mdat";
	static const unsigned char mpf[] = "\xff\xe2\0\x0a" "MPF\0MM\0*";
	struct imgfile_facts f;
	char err[VSR_ERR_MAX];

	(void)state;
	for (int flags = 0; flags <= TJFLAG_PROGRESSIVE; flags += TJFLAG_PROGRESSIVE) {
		size_t n, m = 0, k;
		unsigned char *j = make_jpeg_flags(320, 240, flags, &n), *b = malloc(2 * n + 8192);
		/* Google: the MP4 right after the picture, 4 KiB of it (past the last bytes read). */
		memcpy(b, j, n);
		for (m = n; m + sizeof(mp4) - 1 <= n + 4096; m += sizeof(mp4) - 1)
			memcpy(b + m, mp4, sizeof(mp4) - 1);
		assert_int_equal(check(b, m, &f, err), 0);
		assert_int_equal(f.image_end, n);
		assert_string_equal(f.trailer, "a video (a phone's motion photo)");
		assert_int_equal(f.width, 320);
		/* Samsung: its marker, then the MP4 (the same bytes after it). */
		memcpy(b + n, "MotionPhoto_Data", 16);
		assert_int_equal(check(b, m, &f, err), 0);
		assert_int_equal(f.image_end, n);
		assert_string_equal(f.trailer, "a video (a phone's motion photo)");
		/*
		 * An MPO: its first picture says so (an APP2 "MPF" segment, CIPA
		 * DC-007), a second follows; the last bytes end the second.
		 */
		memcpy(b, j, 2);
		memcpy(b + 2, mpf, sizeof(mpf) - 1);
		memcpy(b + 2 + sizeof(mpf) - 1, j + 2, n - 2);
		memcpy(b + n + sizeof(mpf) - 1, j, n);
		assert_int_equal(check(b, 2 * n + sizeof(mpf) - 1, &f, err), 0);
		assert_int_equal(f.image_end, n + sizeof(mpf) - 1);
		assert_string_equal(f.trailer, "more JPEG pictures (an MPO: a 3D camera's other view, "
					       "an HDR photo's gain map)");
		/*
		 * An MPF segment, then a byte where a marker belongs: the header walk
		 * stops without a verdict, and the file is judged by its last bytes,
		 * as one without the index is (the decoder's to take or not).
		 */
		b[2 + sizeof(mpf) - 1] = 0x00;
		memcpy(b + 2 + sizeof(mpf), j + 2, n - 2);
		assert_int_equal(check(b, n + sizeof(mpf), &f, err), 0);
		assert_int_equal(f.image_end, 0);
		memcpy(b, j, n);
		/* Zeros: padding, not named within the last 2 KiB, named past them. */
		memset(b + n, 0, 3072);
		assert_int_equal(check(b, n + 1000, &f, err), 0);
		assert_int_equal(f.image_end, 0);
		assert_null(f.trailer);
		assert_int_equal(check(b, n + 3072, &f, err), 0);
		assert_int_equal(f.image_end, n);
		assert_string_equal(f.trailer, "zero bytes (padding)");
		/* Other bytes past the last 2 KiB: named. */
		memset(b + n, 'x', 3072);
		assert_int_equal(check(b, n + 3072, &f, err), 0);
		assert_int_equal(f.image_end, n);
		assert_string_equal(f.trailer, "other data");
		/* Cut in its data, the video's bytes after the cut. */
		k = n / 2;
		for (m = k; m + sizeof(mp4) - 1 <= k + 4096; m += sizeof(mp4) - 1)
			memcpy(b + m, mp4, sizeof(mp4) - 1);
		refused(b, m, "the JPEG is cut short: no end-of-image marker");
		free(b);
		free(j);
	}
}

static void test_png(void **state)
{
	struct imgfile_facts f;
	char err[VSR_ERR_MAX];
	size_t n;
	unsigned char *p = make_png(7, 5, &n), *padded;

	(void)state;
	assert_int_equal(check(p, n, &f, err), 0);
	assert_string_equal(f.mime, "image/png");
	assert_int_equal(f.width, 7);
	assert_int_equal(f.height, 5);
	refused(p, n - 12, "the PNG has no IEND chunk");
	refused(p, 30, "the PNG is cut short: no whole IHDR header");
	padded = calloc(n + 4096, 1);
	memcpy(padded, p, n);
	assert_int_equal(check(padded, n + 50, &f, err), 0);
	assert_int_equal(f.image_end, 0);
	/*
	 * Data appended after IEND, more than the last bytes read: every decoder
	 * stops at IEND, so the chunks are followed to it and the rest named.
	 */
	memset(padded + n, 'z', 4096);
	assert_int_equal(check(padded, n + 4096, &f, err), 0);
	assert_int_equal(f.image_end, n);
	assert_string_equal(f.trailer, "other data");
	/* Without its IEND chunk, the same bytes after it: cut short. */
	memmove(padded + n - 12, padded + n, 4096);
	refused(padded, n - 12 + 4096, "the PNG has no IEND chunk: it is cut short");
	free(padded);
	free(p);
}

/*
 * A GIF whose last bytes are not its trailer is walked block by block
 * (GIF89a: a global colour table of 2 entries, a graphic control extension,
 * one image descriptor with 5 bytes of LZW data in two sub-blocks).
 */
static void test_gif_blocks(void **state)
{
	static const unsigned char g[] = "GIF89a\x04\x00\x03\x00\x80\x00\x00"
					 "\x00\x00\x00\xff\xff\xff"
					 "\x21\xf9\x04\x00\x0a\x00\x00\x00"
					 "\x2c\x00\x00\x00\x00\x04\x00\x03\x00\x00"
					 "\x02\x03\x84\x1d\x81\x02\x7a\x50\x00"
					 ";";
	size_t n = sizeof(g) - 1;
	unsigned char more[sizeof(g) + 16];
	struct imgfile_facts f;
	char err[VSR_ERR_MAX];

	(void)state;
	assert_int_equal(check(g, n, &f, err), 0);
	assert_int_equal(f.no_trailer, 0);
	/* Without its trailer: whole blocks to the end. */
	assert_int_equal(check(g, n - 1, &f, err), 0);
	assert_int_equal(f.no_trailer, 1);
	assert_int_equal(f.image_end, 0);
	/* Data after the trailer: the picture ends at it. */
	memcpy(more, g, n);
	memcpy(more + n, "appended bytes!", 15);
	assert_int_equal(check(more, n + 15, &f, err), 0);
	assert_int_equal(f.image_end, n);
	assert_string_equal(f.trailer, "other data");
	assert_int_equal(f.no_trailer, 0);
	/* Cut inside the picture's data, or in the extension before it. */
	refused(g, n - 4, "the GIF is cut short: it stops before its first picture is whole and has "
			  "no trailer (3B)");
	refused(g, 23, "the GIF is cut short: it stops before its first picture is whole and has "
		       "no trailer (3B)");
	/* A byte that starts no block after the picture. */
	memcpy(more, g, n - 1);
	memcpy(more + n - 1, "\x99x", 2);
	refused(more, n + 1, "the GIF is damaged: no trailer (3B) at its end, and byte 46 (99) "
			     "starts no block");
	/* The blocks whole, but no picture among them. */
	refused(g, 27, "the GIF is cut short: it holds no picture");
}

static void test_gif_webp_bmp(void **state)
{
	static const unsigned char gif[] = "GIF89a\x02\x00\x03\x00\x00\x00\x00;";
	static const unsigned char webp[] = "RIFF\x12\x00\x00\x00WEBPVP8L\x05\x00\x00\x00\x2f\x00\x00\x00\x00\x00";
	/* 24 bits, 2 x 2: rows of 6 bytes padded to 8, 16 bytes of pixels at offset 54. */
	unsigned char bmp[70] = { 'B', 'M', 70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0,
				  2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0 };
	struct imgfile_facts f;
	char err[VSR_ERR_MAX];

	(void)state;
	assert_int_equal(check(gif, sizeof(gif) - 1, &f, err), 0);
	assert_int_equal(f.width, 2);
	assert_int_equal(f.height, 3);
	refused(gif, sizeof(gif) - 2, "the GIF is cut short: it holds no picture");
	assert_int_equal(check(webp, sizeof(webp) - 1, &f, err), 0);
	assert_string_equal(f.mime, "image/webp");
	assert_int_equal(f.width, 1);
	refused(webp, sizeof(webp) - 3, "the WebP is cut short: its header says 26 bytes, the file has 24");
	assert_int_equal(check(bmp, sizeof(bmp), &f, err), 0);
	assert_int_equal(f.width, 2);
	assert_int_equal(f.bmp_compression, 0);
	refused(bmp, sizeof(bmp) - 4, "the BMP is cut short: its 2 x 2 pixels need 70 bytes, the file has 66");
	bmp[30] = 1; /* RLE8: its size is not the rows', left to the decoder; the type is told */
	assert_int_equal(check(bmp, 60, &f, err), 0);
	assert_int_equal(f.bmp_compression, 1);
}

static void test_not_images(void **state)
{
#define C(bytes, why) { bytes, sizeof(bytes) - 1, why }
	static const struct {
		const char *bytes;
		size_t n;
		const char *why;
	} cases[] = {
		C("", "empty file"),
		C("\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", "looks like HEIC"),
		C("\0\0\0\x1c" "ftypavif\0\0\0\0avifmif1", "looks like AVIF"),
		C("II*\0\x08\0\0\0", "looks like TIFF"),
		C("%PDF-1.7\n", "looks like PDF"),
		C("\n  <!DOCTYPE html><html>", "looks like an HTML page"),
		C("{\"error\": \"not found\"}", "looks like JSON text"),
		C("version https://git-lfs.github.com/spec/v1\n", "looks like a Git LFS pointer"),
		C("\0\0\0\0\0\0\0\0", "looks like zero bytes"),
		C("\x01\x02\x03\x04\x05", "its first bytes are 01 02 03 04"),
	};
#undef C

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		refused((const unsigned char *)cases[i].bytes, cases[i].n, cases[i].why);
		if (cases[i].n)
			refused((const unsigned char *)cases[i].bytes, cases[i].n,
				"not an image vsrbench can send (JPEG, PNG, GIF, WebP, BMP): ");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jpeg),
		cmocka_unit_test(test_jpeg_thumbnail_end_is_not_the_end),
		cmocka_unit_test(test_jpeg_trailer),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_gif_blocks),
		cmocka_unit_test(test_gif_webp_bmp),
		cmocka_unit_test(test_not_images),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
