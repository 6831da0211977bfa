#include "imgvar.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

#include "../base/bmp.h"
#include "../base/jpegmeta.h"
#include "../base/util.h"

/*
 * The cap, checked on the header's sides before any decoder allocates: a
 * 2 KB JPEG may claim 65,535 x 65,535 pixels.
 */
static int check_pixels(const char *kind, uint64_t w, uint64_t h, char *err)
{
	uint64_t max_pixels = image_max_pixels();

	if (w * h <= max_pixels)
		return 0;
	return err_set(err, VSR_EDATA,
		       "%s of %llu x %llu pixels is over the cap of %llu pixels (--max-pixels)", kind,
		       (unsigned long long)w, (unsigned long long)h, (unsigned long long)max_pixels);
}

/* The decoded pixels: a large allocation that may fail, a data error then. */
static unsigned char *pixel_buffer(size_t n, char *err)
{
	unsigned char *p = malloc(n);

	if (!p)
		err_set(err, VSR_EDATA, "not enough memory to decode the image (%zu bytes of pixels)", n);
	return p;
}

static void mirror_rows(unsigned char *px, int w, int h, int bpp)
{
	for (int y = 0; y < h; y++) {
		unsigned char *row = px + (size_t)y * (size_t)w * (size_t)bpp;
		for (int a = 0, b = w - 1; a < b; a++, b--)
			for (int c = 0; c < bpp; c++) {
				unsigned char t = row[a * bpp + c];
				row[a * bpp + c] = row[b * bpp + c];
				row[b * bpp + c] = t;
			}
	}
}

/* Top-bottom: row y trades places with row h - 1 - y. */
static void flip_rows(unsigned char *px, int w, int h, int bpp)
{
	size_t stride = (size_t)w * (size_t)bpp;

	for (int a = 0, b = h - 1; a < b; a++, b--) {
		unsigned char *ra = px + (size_t)a * stride, *rb = px + (size_t)b * stride;
		for (size_t i = 0; i < stride; i++) {
			unsigned char t = ra[i];
			ra[i] = rb[i];
			rb[i] = t;
		}
	}
}

/*
 * The pixel format a JPEG is decoded to and re-encoded from, by the colour
 * space its header names: grey stays grey; CMYK and YCCK stay CMYK (a
 * decoder cannot make RGB of them: "Unsupported color conversion request";
 * the encoder writes CMYK as YCCK again); the rest is RGB.
 */
static void jpeg_pixels(int cs, int *pf, int *bpp, int *samp)
{
	*samp = TJSAMP_444;
	if (cs == TJCS_GRAY) {
		*pf = TJPF_GRAY;
		*bpp = 1;
		*samp = TJSAMP_GRAY;
	} else if (cs == TJCS_CMYK || cs == TJCS_YCCK) {
		*pf = TJPF_CMYK;
		*bpp = 4;
	} else {
		*pf = TJPF_RGB;
		*bpp = 3;
	}
}

/*
 * A viewer shows a JPEG's stored pixels turned by its EXIF orientation
 * (browsers, vLLM and PIL's exif_transpose apply it).  The mirror keeps the
 * tag, so it flips the stored pixels by what mirrors the image as shown:
 * with the turn T of the orientation, the flip is T^-1 H T (H: left-right).
 * Orientations 1 to 4 keep the sides in place and commute with H: H.  5 to
 * 8 make stored rows displayed columns: T^-1 H T is a top-bottom flip.  (A
 * left-right flip of the stored pixels of a photo taken upright with the
 * phone turned, orientation 6, shows it upside down, not mirrored.)
 */
static int jpeg_hflip(const struct image *in, struct image *out, char *err)
{
	tjhandle tj = tjInitTransform();
	unsigned char *dst = NULL, *px = NULL;
	unsigned long dlen = 0;
	tjtransform xf;
	struct buf b = BUF_INIT;
	int w, h, sub, cs, pf, bpp, samp, r = 0;
	int turned = jpeg_exif_orientation(in->bytes, in->len) >= 5;

	if (!tj)
		return err_set(err, VSR_EDATA, "cannot start libturbojpeg");
	if (tjDecompressHeader3(tj, in->bytes, (unsigned long)in->len, &w, &h, &sub, &cs) ||
	    w <= 0 || h <= 0 || w > 65535 || h > 65535) {
		r = err_set(err, VSR_EDATA, "not a readable JPEG: %s", tjGetErrorStr2(tj));
		goto out;
	}
	if ((r = check_pixels("a JPEG", (uint64_t)w, (uint64_t)h, err)))
		goto out;
	memset(&xf, 0, sizeof(xf));
	xf.op = turned ? TJXOP_VFLIP : TJXOP_HFLIP;
	/*
	 * PERFECT: refuse rather than drop a partial MCU at the edge the flip
	 * moves (the right one for HFLIP, the bottom one for VFLIP).  The
	 * segments before the image (EXIF, ICC profile) are copied as they are.
	 */
	xf.options = TJXOPT_PERFECT;
	if (!tjTransform(tj, in->bytes, (unsigned long)in->len, 1, &dst, &dlen, &xf, 0)) {
		out->bytes = xmalloc(dlen);
		memcpy(out->bytes, dst, dlen);
		out->len = dlen;
		out->mime = "image/jpeg";
		goto out;
	}
	/*
	 * Not losslessly flippable: decode, flip as above, re-encode at quality
	 * 95, and put the original's APP1 and APP2 segments back (the EXIF tag
	 * with its orientation, XMP, the ICC profile).  Rather than this, the
	 * pixels could be turned upright by the orientation, mirrored, and sent
	 * without a tag; keeping the tag is simpler (one of the two flips above,
	 * no turn or transpose that changes the buffer's shape), and it
	 * is the lossless path's result, so a reader that honours the tag and
	 * one that ignores it each see the same relation between an image and
	 * its mirror whichever path made it.
	 */
	jpeg_pixels(cs, &pf, &bpp, &samp);
	px = pixel_buffer((size_t)w * (size_t)h * (size_t)bpp, err);
	if (!px) {
		r = VSR_EDATA;
		goto out;
	}
	if (tjDecompress2(tj, in->bytes, (unsigned long)in->len, px, w, 0, h, pf, 0)) {
		r = err_set(err, VSR_EDATA, "cannot decode JPEG: %s", tjGetErrorStr2(tj));
		goto out;
	}
	if (turned)
		flip_rows(px, w, h, bpp);
	else
		mirror_rows(px, w, h, bpp);
	tjDestroy(tj);
	tj = tjInitCompress();
	tjFree(dst);
	dst = NULL;
	if (!tj || tjCompress2(tj, px, w, 0, h, pf, &dst, &dlen, samp, 95, 0)) {
		r = err_set(err, VSR_EDATA, "cannot encode JPEG: %s", tj ? tjGetErrorStr2(tj) : "no handle");
		goto out;
	}
	if (jpeg_copy_meta(in->bytes, in->len, dst, dlen, &b)) {
		r = err_set(err, VSR_EDATA, "cannot encode JPEG: the encoder wrote no SOI marker");
		goto out;
	}
	out->bytes = (unsigned char *)buf_detach(&b, &out->len);
	out->mime = "image/jpeg";
out:
	buf_release(&b);
	free(px);
	tjFree(dst);
	if (tj)
		tjDestroy(tj);
	return r;
}

/*
 * A PNG with an eXIf chunk is shown turned by its orientation (PIL's
 * exif_transpose, browsers), as a JPEG is: the mirror is made by the rule
 * of jpeg_hflip (a top-bottom flip of the stored pixels for orientations
 * 5 to 8) and keeps the chunk, put back after IHDR (libpng's simplified
 * writer drops every chunk it does not make).
 */
static int png_hflip(const struct image *in, struct image *out, char *err)
{
	png_image img;
	unsigned char *px = NULL;
	png_alloc_size_t size = 0;
	int bpp, turned = 0;
	const unsigned char *exif = NULL;
	size_t exif_len = 0;

	if (png_exif_chunk(in->bytes, in->len, &exif, &exif_len))
		turned = exif_orientation(exif + 8, exif_len - 12) >= 5;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, in->bytes, in->len))
		return err_set(err, VSR_EDATA, "not a readable PNG: %s", img.message);
	if (check_pixels("a PNG", img.width, img.height, err)) {
		png_image_free(&img);
		return VSR_EDATA;
	}
	/*
	 * 8 bits a sample, the file's grey or colour and alpha kept (a grey
	 * image made RGB is three times the bytes for the same picture).  16-bit
	 * samples in a file without gAMA or sRGB are taken as sRGB, as viewers
	 * take an untagged image, so 8 bits keep their tones (v * 255 / 65535):
	 * without the flag libpng's simplified API takes them as linear light,
	 * and a 16-bit grey of 0.125 came out 99 instead of 32.
	 */
	img.format &= PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA;
	img.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
	bpp = (int)PNG_IMAGE_PIXEL_SIZE(img.format);
	/*
	 * Not PNG_IMAGE_SIZE: it multiplies in 32 bits, and wraps past 4 GiB (a
	 * 60,000^2 RGB image under a raised --max-pixels got a 2.2 GB buffer for
	 * its 10.8 GB of pixels).
	 */
	px = pixel_buffer((size_t)img.width * (size_t)img.height * (size_t)bpp, err);
	if (!px) {
		png_image_free(&img);
		return VSR_EDATA;
	}
	if (!png_image_finish_read(&img, NULL, px, 0, NULL)) {
		free(px);
		return err_set(err, VSR_EDATA, "cannot decode PNG: %s", img.message);
	}
	if (turned)
		flip_rows(px, (int)img.width, (int)img.height, bpp);
	else
		mirror_rows(px, (int)img.width, (int)img.height, bpp);
	if (!png_image_write_get_memory_size(img, size, 0, px, 0, NULL)) {
		free(px);
		return err_set(err, VSR_EDATA, "cannot encode PNG: %s", img.message);
	}
	out->bytes = xmalloc(size + exif_len);
	if (!png_image_write_to_memory(&img, out->bytes, &size, 0, px, 0, NULL)) {
		free(px);
		image_release(out);
		return err_set(err, VSR_EDATA, "cannot encode PNG: %s", img.message);
	}
	free(px);
	/* The signature (8 bytes) and IHDR (25) first, then the original's eXIf chunk. */
	if (exif && size > 33) {
		memmove(out->bytes + 33 + exif_len, out->bytes + 33, size - 33);
		memcpy(out->bytes + 33, exif, exif_len);
		size += exif_len;
	}
	out->len = size;
	out->mime = "image/png";
	return 0;
}

int image_hflip(const struct image *in, struct image *out, char *err)
{
	memset(out, 0, sizeof(*out));
	if (in->len >= 3 && in->bytes[0] == 0xff && in->bytes[1] == 0xd8 && in->bytes[2] == 0xff)
		return jpeg_hflip(in, out, err);
	if (in->len >= 8 && !memcmp(in->bytes, "\x89PNG\r\n\x1a\n", 8))
		return png_hflip(in, out, err);
	/* A BMP is mirrored as the PNG it converts to (lossless; base/bmp.h). */
	if (in->len >= 2 && in->bytes[0] == 'B' && in->bytes[1] == 'M') {
		struct buf png = BUF_INIT;
		char why[VSR_ERR_MAX];
		int r;
		if (image_convert_png(in->bytes, in->len, image_max_pixels(), &png, why)) {
			buf_release(&png);
			return err_set(err, VSR_EDATA, "cannot mirror a BMP image: %s", why);
		}
		struct image tmp = { .bytes = (unsigned char *)png.ptr, .len = png.len, .mime = "image/png" };
		r = png_hflip(&tmp, out, err);
		buf_release(&png);
		return r;
	}
	return err_set(err, VSR_EDATA, "cannot mirror a %s image (JPEG, PNG and BMP only)",
		       in->mime ? in->mime : "unknown");
}
