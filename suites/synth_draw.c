/*
 * synth, rendering: a scene drawn row by row into palette indices
 * (synth_render_indexed) and encoded as an indexed PNG (the suite's
 * load_image).  Split out of synth.c, which samples the scenes.
 */
#include "synth.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../base/buf.h"
#include "synth_int.h"
#include "../base/util.h"

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

/* Draw order: object, subject (on top: "inside"), distractors. */
static void render_row(const struct scene *sc, int32_t y, unsigned char *row)
{
	static const int order[SYNTH_MAX_SHAPES] = { 1, 0, 2, 3 };

	memset(row, 0, (size_t)sc->side);
	for (int k = 0; k < SYNTH_MAX_SHAPES; k++) {
		const struct shape *sh;
		int32_t x0, x1;

		if (order[k] >= sc->n)
			continue;
		sh = &sc->s[order[k]];
		if (!synth_row_span(sh, y, &x0, &x1))
			continue;
		if (x0 < 0)
			x0 = 0;
		if (x1 > sc->side)
			x1 = sc->side;
		if (x1 > x0)
			memset(row + x0, sh->colour, (size_t)(x1 - x0));
	}
}

static const struct scene *item_scene(const struct item *it, char *err)
{
	const struct scene *sc = it->priv;

	if (!sc || it->priv_free != free || sc->magic != SYNTH_SCENE_MAGIC) {
		err_set(err, VSR_EDATA, "synth: item %s carries no synth scene",
			it->id ? it->id : "?");
		return NULL;
	}
	return sc;
}

int synth_render_indexed(const struct item *it, unsigned char *pixels, size_t side, char *err)
{
	const struct scene *sc = item_scene(it, err);

	if (!sc)
		return VSR_EDATA;
	if (side != (size_t)sc->side)
		return err_set(err, VSR_EDATA, "synth: item %s is %d pixels wide, not %zu",
			       it->id, (int)sc->side, side);
	for (int32_t y = 0; y < sc->side; y++)
		render_row(sc, y, pixels + (size_t)y * side);
	return 0;
}

struct encoder {
	png_structp png;
	png_infop info;
	const struct scene *sc;
	unsigned char *row;
	struct buf out;
	char msg[200];
};

static void enc_write(png_structp png, png_bytep data, size_t n)
{
	struct encoder *e = png_get_io_ptr(png);

	if (buf_add(&e->out, data, n))
		png_error(png, "out of memory");
}

static void enc_flush(png_structp png)
{
	(void)png;
}

static void enc_error(png_structp png, png_const_charp msg)
{
	struct encoder *e = png_get_error_ptr(png);

	snprintf(e->msg, sizeof(e->msg), "%s", msg);
	png_longjmp(png, 1);
}

static void enc_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/*
 * The libpng calls, alone in their own function: its only local state is
 * set before setjmp or not read after a longjmp, and everything the caller
 * must clean up lives in *e.
 */
static int encode_rows(struct encoder *e)
{
	png_color plte[SYNTH_N_COLOURS];
	png_uint_32 side = (png_uint_32)e->sc->side;

	if (setjmp(png_jmpbuf(e->png)))
		return -1;
	for (int i = 0; i < SYNTH_N_COLOURS; i++) {
		plte[i].red = synth_colours[i].r;
		plte[i].green = synth_colours[i].g;
		plte[i].blue = synth_colours[i].b;
	}
	png_set_write_fn(e->png, e, enc_write, enc_flush);
	png_set_IHDR(e->png, e->info, side, side, 8, PNG_COLOR_TYPE_PALETTE,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_PLTE(e->png, e->info, plte, SYNTH_N_COLOURS);
	png_set_filter(e->png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	png_set_compression_level(e->png, 1);
	png_set_compression_strategy(e->png, Z_RLE);
	png_set_compression_mem_level(e->png, 6); /* smaller tables: about 2x faster */
	png_set_compression_buffer_size(e->png, 65536);
#ifdef PNG_CHECK_FOR_INVALID_INDEX_SUPPORTED
	/* Our indices are < SYNTH_N_COLOURS by construction; the check costs 30%. */
	png_set_check_for_invalid_index(e->png, 0);
#endif
	png_write_info(e->png, e->info);
	for (int32_t y = 0; y < e->sc->side; y++) {
		render_row(e->sc, y, e->row);
		png_write_row(e->png, e->row);
	}
	png_write_end(e->png, NULL);
	return 0;
}

int synth_load_image(void *priv, const struct item *it, struct image *img, char *err)
{
	struct encoder e;
	int rc;

	(void)priv;
	memset(img, 0, sizeof(*img));
	memset(&e, 0, sizeof(e));
	e.sc = item_scene(it, err);
	if (!e.sc)
		return VSR_EDATA;
	buf_init(&e.out, 0);
	e.row = malloc((size_t)e.sc->side);
	if (!e.row)
		return err_set(err, VSR_EDATA, "synth: out of memory rendering %s", it->id);
	e.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &e, enc_error, enc_warning);
	if (e.png)
		e.info = png_create_info_struct(e.png);
	if (!e.png || !e.info) {
		png_destroy_write_struct(&e.png, NULL);
		free(e.row);
		return err_set(err, VSR_EDATA, "synth: cannot start the PNG encoder for %s", it->id);
	}
	rc = encode_rows(&e);
	png_destroy_write_struct(&e.png, &e.info);
	free(e.row);
	if (rc) {
		buf_release(&e.out);
		return err_set(err, VSR_EDATA, "synth: cannot encode the PNG of %s: %s", it->id,
			       e.msg[0] ? e.msg : "libpng error");
	}
	img->bytes = (unsigned char *)buf_detach(&e.out, &img->len);
	if (!img->bytes) {
		img->len = 0;
		return err_set(err, VSR_EDATA, "synth: out of memory rendering %s", it->id);
	}
	img->mime = "image/png";
	return 0;
}
