/*
 * bmp: Windows bitmaps decoded, and pixels written as PNG (see bmp.h).
 *
 * Every size comes from the file, so each is checked before it is used:
 * the header against the file's length, the sides against the pixel cap
 * (in 64 bits, before any allocation), the pixel rows against what the
 * file holds.  The layout follows Microsoft's BITMAPINFOHEADER and
 * BITMAPV5HEADER documentation.
 */
#include "bmp.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "util.h" /* last: it includes banned.h */

enum { BI_RGB = 0, BI_RLE8 = 1, BI_RLE4 = 2, BI_BITFIELDS = 3, BI_JPEG = 4, BI_PNG = 5,
       BI_ALPHABITFIELDS = 6 };

static uint32_t u16le(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t u32le(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One channel of a BI_BITFIELDS pixel: its mask's shift and width, scaled to 8 bits. */
struct chan {
	uint32_t mask;
	unsigned shift;
	uint64_t max; /* (1 << width) - 1; 0: no such channel */
};

static int chan_init(struct chan *c, uint32_t mask)
{
	unsigned width = 0;

	c->mask = mask;
	c->shift = 0;
	c->max = 0;
	if (!mask)
		return 0;
	while (!(mask & 1u)) {
		mask >>= 1;
		c->shift++;
	}
	while (mask & 1u) {
		mask >>= 1;
		width++;
	}
	if (mask)
		return -1; /* not contiguous */
	c->max = ((uint64_t)1 << width) - 1;
	return 0;
}

static unsigned char chan_get(const struct chan *c, uint32_t px)
{
	uint64_t v;

	if (!c->max)
		return 0;
	v = (px & c->mask) >> c->shift;
	return (unsigned char)((v * 255 + c->max / 2) / c->max);
}

int bmp_decode(const unsigned char *p, size_t n, uint64_t max_pixels, struct bmp_image *out,
	       char *err)
{
	uint32_t off, hsize, bpp, comp = BI_RGB, n_pal = 0, pal_entry;
	int64_t w, h;
	int top_down = 0, has_alpha_mask = 0;
	uint32_t masks[4] = { 0, 0, 0, 0 };
	struct chan ch[4];
	const unsigned char *pal;
	uint64_t stride, need;
	size_t pal_at;

	memset(out, 0, sizeof(*out));
	if (n < 26 || p[0] != 'B' || p[1] != 'M')
		return err_set(err, VSR_EDATA, "not a BMP file (too short or no \"BM\" signature)");
	off = u32le(p + 10);
	hsize = u32le(p + 14);
	if (hsize == 12) {
		w = u16le(p + 18);
		h = u16le(p + 20);
		bpp = u16le(p + 24);
		pal_entry = 3;
	} else if (hsize >= 40 && hsize <= 124 && n >= 14 + (size_t)hsize) {
		w = (int32_t)u32le(p + 18);
		h = (int32_t)u32le(p + 22);
		bpp = u16le(p + 28);
		comp = u32le(p + 30);
		n_pal = u32le(p + 46);
		pal_entry = 4;
		if (hsize >= 52) {
			masks[0] = u32le(p + 54);
			masks[1] = u32le(p + 58);
			masks[2] = u32le(p + 62);
		}
		if (hsize >= 56) {
			masks[3] = u32le(p + 66);
			has_alpha_mask = 1;
		}
	} else {
		return err_set(err, VSR_EDATA, "BMP header of %u bytes is not one this decoder knows",
			       (unsigned)hsize);
	}
	if (h < 0) {
		top_down = 1;
		h = -h;
	}
	if (w <= 0 || h <= 0)
		return err_set(err, VSR_EDATA, "BMP of %lld x %lld pixels", (long long)w,
			       (long long)h);
	if ((uint64_t)w * (uint64_t)h > max_pixels)
		return err_set(err, VSR_EDATA,
			       "a BMP of %lld x %lld pixels is over the cap of %llu pixels (--max-pixels)",
			       (long long)w, (long long)h, (unsigned long long)max_pixels);
	if (comp == BI_RLE8 || comp == BI_RLE4 || comp == BI_JPEG || comp == BI_PNG)
		return err_set(err, VSR_EDATA, "BMP compression %s is not decoded (only uncompressed bitmaps)",
			       comp == BI_RLE8 ? "RLE8" : comp == BI_RLE4 ? "RLE4" :
			       comp == BI_JPEG ? "JPEG" : "PNG");
	if (comp != BI_RGB && comp != BI_BITFIELDS && comp != BI_ALPHABITFIELDS)
		return err_set(err, VSR_EDATA, "unknown BMP compression %u", (unsigned)comp);
	if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
		return err_set(err, VSR_EDATA, "BMP of %u bits per pixel", (unsigned)bpp);
	if (comp != BI_RGB && bpp != 16 && bpp != 32)
		return err_set(err, VSR_EDATA, "BMP bit fields with %u bits per pixel", (unsigned)bpp);

	/* Masks: after a 40-byte header for BI_BITFIELDS, in the header after it. */
	if (comp != BI_RGB && hsize == 40) {
		size_t nm = comp == BI_ALPHABITFIELDS ? 4 : 3;
		if (n < 54 + 4 * nm)
			return err_set(err, VSR_EDATA, "BMP cut short in its colour masks");
		for (size_t i = 0; i < nm; i++)
			masks[i] = u32le(p + 54 + 4 * i);
		has_alpha_mask = nm == 4;
	}
	if (comp == BI_RGB && bpp == 16) {
		masks[0] = 0x7c00;
		masks[1] = 0x03e0;
		masks[2] = 0x001f;
		masks[3] = 0;
	} else if (comp == BI_RGB && bpp == 32) {
		masks[0] = 0xff0000;
		masks[1] = 0xff00;
		masks[2] = 0xff;
		masks[3] = 0; /* the fourth byte of a BI_RGB pixel is unused */
	}
	if (comp == BI_RGB)
		has_alpha_mask = 0;
	for (int i = 0; i < 4; i++)
		if (chan_init(&ch[i], i < 3 || has_alpha_mask ? masks[i] : 0))
			return err_set(err, VSR_EDATA, "BMP colour mask 0x%08x is not contiguous",
				       (unsigned)masks[i]);

	/* The palette, right after the header (and its masks). */
	pal_at = 14 + (size_t)hsize;
	if (comp != BI_RGB && hsize == 40)
		pal_at += comp == BI_ALPHABITFIELDS ? 16 : 12;
	if (bpp <= 8) {
		uint32_t full = 1u << bpp;
		if (!n_pal || n_pal > full)
			n_pal = full;
		if (pal_at > n || (n - pal_at) / pal_entry < n_pal || pal_at + (size_t)n_pal * pal_entry > off)
			return err_set(err, VSR_EDATA, "BMP palette of %u colours cut short", (unsigned)n_pal);
	}
	pal = p + pal_at;

	stride = ((uint64_t)w * bpp + 31) / 32 * 4;
	need = stride * (uint64_t)h;
	if (off > n || n - off < need)
		return err_set(err, VSR_EDATA,
			       "BMP of %lld x %lld pixels cut short: %llu bytes of pixels, %llu in the file",
			       (long long)w, (long long)h, (unsigned long long)need,
			       (unsigned long long)(off > n ? 0 : n - off));

	out->width = (uint32_t)w;
	out->height = (uint32_t)h;
	out->rgba = malloc((size_t)w * (size_t)h * 4);
	if (!out->rgba)
		return err_set(err, VSR_EDATA, "out of memory decoding a BMP of %lld x %lld pixels",
			       (long long)w, (long long)h);

	int any_alpha = 0, all_zero_alpha = 1;
	for (int64_t y = 0; y < h; y++) {
		const unsigned char *row = p + off + stride * (uint64_t)(top_down ? y : h - 1 - y);
		unsigned char *d = out->rgba + (size_t)y * (size_t)w * 4;
		for (int64_t x = 0; x < w; x++, d += 4) {
			if (bpp <= 8) {
				uint64_t bit = (uint64_t)x * bpp;
				unsigned idx = (row[bit / 8] >> (8 - bpp - bit % 8)) & ((1u << bpp) - 1);
				if (idx >= n_pal) {
					free(out->rgba);
					out->rgba = NULL;
					return err_set(err, VSR_EDATA,
						       "BMP pixel (%lld, %lld) uses colour %u of a palette of %u",
						       (long long)x, (long long)y, idx, (unsigned)n_pal);
				}
				d[0] = pal[idx * pal_entry + 2];
				d[1] = pal[idx * pal_entry + 1];
				d[2] = pal[idx * pal_entry];
				d[3] = 255;
			} else if (bpp == 24) {
				d[0] = row[x * 3 + 2];
				d[1] = row[x * 3 + 1];
				d[2] = row[x * 3];
				d[3] = 255;
			} else {
				uint32_t px = bpp == 16 ? u16le(row + x * 2) : u32le(row + x * 4);
				for (int c = 0; c < 3; c++)
					d[c] = chan_get(&ch[c], px);
				d[3] = ch[3].max ? chan_get(&ch[3], px) : 255;
				if (d[3] != 255)
					any_alpha = 1;
				if (d[3])
					all_zero_alpha = 0;
			}
		}
	}
	/* An alpha channel of zeros only: a writer that left it unused, not a transparent image. */
	if (any_alpha && all_zero_alpha) {
		for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
			out->rgba[i * 4 + 3] = 255;
		any_alpha = 0;
	}
	out->alpha = any_alpha;
	return 0;
}

int image_convert_png(const unsigned char *p, size_t n, uint64_t max_pixels, struct buf *png,
		      char *err)
{
	struct bmp_image b;
	png_image img;
	png_alloc_size_t size = 0;
	int r;

	if ((r = bmp_decode(p, n, max_pixels, &b, err)))
		return r;
	if (!b.alpha) /* RGBA to RGB in place: each pixel moves down, never over one not read yet */
		for (size_t i = 0; i < (size_t)b.width * b.height; i++)
			memmove(b.rgba + i * 3, b.rgba + i * 4, 3);
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = b.width;
	img.height = b.height;
	img.format = b.alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
	if (!png_image_write_get_memory_size(img, size, 0, b.rgba, 0, NULL)) {
		r = err_set(err, VSR_EDATA, "cannot write the PNG: %s", img.message);
		goto out;
	}
	if (buf_grow(png, (size_t)size) ||
	    !png_image_write_to_memory(&img, png->ptr + png->len, &size, 0, b.rgba, 0, NULL)) {
		r = err_set(err, VSR_EDATA, "cannot write the PNG: %s",
			    img.message[0] ? img.message : "over the buffer's cap");
		goto out;
	}
	buf_setlen(png, png->len + (size_t)size);
out:
	png_image_free(&img);
	free(b.rgba);
	return r;
}
