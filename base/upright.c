#include "upright.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

#include "jpegmeta.h"
#include "util.h" /* last: it includes banned.h */

/*
 * Where a stored pixel (x, y) of a w x h image is shown under orientation
 * o (EXIF's numbering, base/jpegmeta.h): 6 is a quarter turn clockwise, so
 * the stored top-left corner is shown top right.
 */
static void shown_at(int o, size_t w, size_t h, size_t x, size_t y, size_t *dx, size_t *dy)
{
	switch (o) {
	case 2: *dx = w - 1 - x; *dy = y; break;
	case 3: *dx = w - 1 - x; *dy = h - 1 - y; break;
	case 4: *dx = x; *dy = h - 1 - y; break;
	case 5: *dx = y; *dy = x; break;
	case 6: *dx = h - 1 - y; *dy = x; break;
	case 7: *dx = h - 1 - y; *dy = w - 1 - x; break;
	case 8: *dx = y; *dy = w - 1 - x; break;
	default: *dx = x; *dy = y; break;
	}
}

/* px (w x h, bpp bytes a pixel) as shown under orientation o, in a new buffer (NULL: no memory). */
static unsigned char *turn(const unsigned char *px, size_t w, size_t h, size_t bpp, int o)
{
	size_t W = o >= 5 ? h : w;
	unsigned char *t = malloc(w * h * bpp);

	for (size_t y = 0; t && y < h; y++)
		for (size_t x = 0; x < w; x++) {
			size_t dx, dy;
			shown_at(o, w, h, x, y, &dx, &dy);
			memcpy(t + (dy * W + dx) * bpp, px + (y * w + x) * bpp, bpp);
		}
	return t;
}

/* The decode-turn-encode path: the turned JPEG into *dst (tjFree), its size in *dlen. */
static int reencode(tjhandle *tj, const unsigned char *p, size_t n, int o, int w, int h, int cs,
		    unsigned char **dst, unsigned long *dlen, char *err)
{
	int pf = TJPF_RGB, bpp = 3, samp = TJSAMP_444, r = 0;
	size_t W = o >= 5 ? (size_t)h : (size_t)w, H = o >= 5 ? (size_t)w : (size_t)h;
	unsigned char *px, *turned;

	/* Grey stays grey; CMYK and YCCK stay CMYK (no RGB is made of them). */
	if (cs == TJCS_GRAY) {
		pf = TJPF_GRAY;
		bpp = 1;
		samp = TJSAMP_GRAY;
	} else if (cs == TJCS_CMYK || cs == TJCS_YCCK) {
		pf = TJPF_CMYK;
		bpp = 4;
	}
	turned = NULL;
	px = malloc((size_t)w * (size_t)h * (size_t)bpp);
	if (!px) {
		r = err_set(err, VSR_EDATA, "not enough memory to turn the image upright (%d x %d)", w,
			    h);
		goto out;
	}
	if (tjDecompress2(*tj, p, (unsigned long)n, px, w, 0, h, pf, 0)) {
		r = err_set(err, VSR_EDATA, "cannot decode JPEG: %s", tjGetErrorStr2(*tj));
		goto out;
	}
	if (!(turned = turn(px, (size_t)w, (size_t)h, (size_t)bpp, o))) {
		r = err_set(err, VSR_EDATA, "not enough memory to turn the image upright (%d x %d)", w,
			    h);
		goto out;
	}
	tjDestroy(*tj);
	*tj = tjInitCompress();
	if (!*tj || tjCompress2(*tj, turned, (int)W, 0, (int)H, pf, dst, dlen, samp, 95, 0))
		r = err_set(err, VSR_EDATA, "cannot encode JPEG: %s",
			    *tj ? tjGetErrorStr2(*tj) : "no handle");
out:
	free(px);
	free(turned);
	return r;
}

int jpeg_upright(const unsigned char *p, size_t n, uint64_t max_pixels, struct buf *out,
		 char *err)
{
	/* What turns a stored image of orientation o upright (libturbojpeg's names). */
	static const int ops[9] = { TJXOP_NONE, TJXOP_NONE, TJXOP_HFLIP, TJXOP_ROT180, TJXOP_VFLIP,
				    TJXOP_TRANSPOSE, TJXOP_ROT90, TJXOP_TRANSVERSE, TJXOP_ROT270 };
	int o = jpeg_exif_orientation(p, n), w, h, sub, cs, r = 0;
	unsigned char *dst = NULL;
	unsigned long dlen = 0;
	tjtransform xf;
	tjhandle tj;
	size_t at;

	if (o <= 1)
		return 1;
	if (!(tj = tjInitTransform()))
		return err_set(err, VSR_EDATA, "cannot start libturbojpeg");
	if (tjDecompressHeader3(tj, p, (unsigned long)n, &w, &h, &sub, &cs) || w <= 0 || h <= 0) {
		r = err_set(err, VSR_EDATA, "not a readable JPEG: %s", tjGetErrorStr2(tj));
		goto out;
	}
	if ((uint64_t)w * (uint64_t)h > max_pixels) {
		r = err_set(err, VSR_EDATA,
			    "a JPEG of %d x %d pixels is over the cap of %llu pixels (--max-pixels)", w,
			    h, (unsigned long long)max_pixels);
		goto out;
	}
	memset(&xf, 0, sizeof(xf));
	xf.op = ops[o];
	/* PERFECT: refuse rather than drop a partial MCU at an edge the turn moves. */
	xf.options = TJXOPT_PERFECT;
	at = out->len;
	if (!tjTransform(tj, p, (unsigned long)n, 1, &dst, &dlen, &xf, 0)) {
		/* The segments before the image were copied, the EXIF tag with them. */
		buf_add(out, dst, dlen);
	} else {
		tjFree(dst);
		dst = NULL;
		if ((r = reencode(&tj, p, n, o, w, h, cs, &dst, &dlen, err)))
			goto out;
		if (jpeg_copy_meta(p, n, dst, dlen, out)) {
			r = err_set(err, VSR_EDATA, "cannot encode JPEG: the encoder wrote no SOI marker");
			goto out;
		}
	}
	if (jpeg_reset_orientation((unsigned char *)out->ptr + at, out->len - at)) {
		buf_setlen(out, at);
		r = err_set(err, VSR_EDATA, "the turned JPEG lost its EXIF orientation tag");
	}
out:
	tjFree(dst);
	if (tj)
		tjDestroy(tj);
	return r;
}

int png_upright(const unsigned char *p, size_t n, uint64_t max_pixels, struct buf *out,
		char *err)
{
	int o = png_exif_orientation(p, n), r = 0;
	png_image img;
	unsigned char *px = NULL, *turned = NULL;
	png_alloc_size_t size = 0;
	size_t bpp;

	if (o <= 1)
		return 1;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, p, n))
		return err_set(err, VSR_EDATA, "not a readable PNG: %s", img.message);
	if ((uint64_t)img.width * img.height > max_pixels) {
		png_image_free(&img);
		return err_set(err, VSR_EDATA,
			       "a PNG of %u x %u pixels is over the cap of %llu pixels (--max-pixels)",
			       img.width, img.height, (unsigned long long)max_pixels);
	}
	/* As -p hflip reads a PNG (harness/imgvar.c): 8 bits, grey or colour and alpha kept. */
	img.format &= PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA;
	img.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
	bpp = PNG_IMAGE_PIXEL_SIZE(img.format);
	if (!(px = malloc((size_t)img.width * img.height * bpp))) {
		png_image_free(&img);
		return err_set(err, VSR_EDATA, "not enough memory to turn the image upright");
	}
	if (!png_image_finish_read(&img, NULL, px, 0, NULL)) {
		r = err_set(err, VSR_EDATA, "cannot decode PNG: %s", img.message);
		goto out;
	}
	if (!(turned = turn(px, img.width, img.height, bpp, o))) {
		r = err_set(err, VSR_EDATA, "not enough memory to turn the image upright");
		goto out;
	}
	if (o >= 5) {
		png_uint_32 t = img.width;
		img.width = img.height;
		img.height = t;
	}
	/* The simplified writer keeps no eXIf chunk: no turn is left to apply. */
	if (!png_image_write_get_memory_size(img, size, 0, turned, 0, NULL) ||
	    buf_grow(out, (size_t)size) ||
	    !png_image_write_to_memory(&img, out->ptr + out->len, &size, 0, turned, 0, NULL)) {
		r = err_set(err, VSR_EDATA, "cannot encode PNG: %s", img.message);
		goto out;
	}
	buf_setlen(out, out->len + (size_t)size);
out:
	free(px);
	free(turned);
	return r;
}
