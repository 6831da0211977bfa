/*
 * builtin:geometry -- a perception baseline that actually looks at the image.
 *
 * It reads the two object mentions "<colour> <shape>" of the prompt (the
 * first is the subject, the second the object) and the relation phrase
 * between them, finds each object by its exact colour in the decoded PNG,
 * checks that the named shape matches the blob (fill ratio of its rows), and
 * decides the relation from masks, bounding boxes and centroids.  It knows
 * the colours, shapes and relations of the `synth` suite, so on synth it
 * should be (nearly) perfect: it anchors the top of the scale the way
 * builtin:yes/no/random anchor the bottom.
 *
 * It never sees item metadata: only the prompt, the image bytes and the
 * choices.  Anything it cannot resolve (no image, unknown colour or shape,
 * object absent, no known relation) gets "I cannot tell.", which the harness
 * scores as invalid; an image that is not a readable PNG is a fatal error.
 *
 * Built against the public headers (vsrbench_adapter.h and
 * vsrbench_adapter_options.h), libpng and libc only; no global mutable
 * state, so answer_batch() may run on many threads at once.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin_reply.h"
#include "vsrbench_adapter.h"
#include "vsrbench_adapter_options.h"

#define GEOM_EXPORT __attribute__((visibility("default")))
#define GEOM_MAX_BATCH 16
#define GEOM_MAX_SIDE 16384
#define GEOM_MAX_PIXELS (64u * 1024u * 1024u)

/* The synth palette (suites/synth.c): exact RGB values. */
static const struct {
	const char *name;
	unsigned char r, g, b;
} colours[] = {
	{ "red", 220, 20, 20 },
	{ "green", 20, 160, 40 },
	{ "blue", 30, 60, 220 },
	{ "yellow", 240, 220, 20 },
	{ "purple", 120, 40, 160 },
	{ "orange", 250, 140, 0 },
	{ "cyan", 0, 200, 220 },
	{ "magenta", 230, 20, 200 },
};
#define N_COLOURS (sizeof(colours) / sizeof(colours[0]))

enum { SH_CIRCLE, SH_SQUARE, SH_TRIANGLE, N_SHAPES };
static const char *const shape_names[N_SHAPES] = { "circle", "square", "triangle" };

enum rel {
	REL_LEFT, REL_RIGHT, REL_ABOVE, REL_BELOW, REL_NEAR, REL_FAR,
	REL_TOUCHING, REL_INSIDE, REL_CONTAINS, REL_OUTSIDE,
};

/* Relation phrases; the longest one found between the mentions wins. */
static const struct {
	const char *phrase;
	enum rel rel;
} phrases[] = {
	{ "left of", REL_LEFT },
	{ "to the left of", REL_LEFT },
	{ "right of", REL_RIGHT },
	{ "to the right of", REL_RIGHT },
	{ "above", REL_ABOVE },
	{ "over", REL_ABOVE },
	{ "on top of", REL_ABOVE },
	{ "below", REL_BELOW },
	{ "under", REL_BELOW },
	{ "beneath", REL_BELOW },
	{ "underneath", REL_BELOW },
	{ "near", REL_NEAR },
	{ "near to", REL_NEAR },
	{ "close to", REL_NEAR },
	{ "far from", REL_FAR },
	{ "far away from", REL_FAR },
	{ "away from", REL_FAR },
	{ "touching", REL_TOUCHING },
	{ "in contact with", REL_TOUCHING },
	{ "inside", REL_INSIDE },
	{ "inside of", REL_INSIDE },
	{ "within", REL_INSIDE },
	{ "in", REL_INSIDE },
	{ "contains", REL_CONTAINS },
	{ "containing", REL_CONTAINS },
	{ "surrounding", REL_CONTAINS },
	{ "surrounds", REL_CONTAINS },
	{ "encloses", REL_CONTAINS },
	{ "enclosing", REL_CONTAINS },
	{ "outside", REL_OUTSIDE },
	{ "outside of", REL_OUTSIDE },
};
#define N_PHRASES (sizeof(phrases) / sizeof(phrases[0]))

/* Halfway between synth's near band (<= 5% of the side) and far band (>= 35%). */
#define NEAR_FAR_THRESHOLD 0.20

struct geom_state {
	int unused;
};

/* ------------------------------------------------------------------ */
/* Prompt                                                              */

struct mention {
	int colour, shape;
	size_t start, end; /* byte range in the prompt */
};

static int is_word_char(int c)
{
	return isalnum((unsigned char)c) != 0;
}

/* Case-insensitive prefix match of `word` at s, followed by a non-letter. */
static size_t match_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)s[i]) != word[i])
			return 0;
	return is_word_char(s[n]) ? 0 : n;
}

/* Finds up to two "<colour> <shape>" mentions; returns how many. */
static int find_mentions(const char *p, struct mention m[2])
{
	int found = 0;

	for (size_t i = 0; p[i] && found < 2; i++) {
		if (i > 0 && is_word_char(p[i - 1]))
			continue;
		for (size_t c = 0; c < N_COLOURS; c++) {
			size_t n = match_word(p + i, colours[c].name), j;

			if (!n)
				continue;
			j = i + n;
			if (p[j] != ' ' && p[j] != '\t')
				continue;
			while (p[j] == ' ' || p[j] == '\t')
				j++;
			for (int s = 0; s < N_SHAPES; s++) {
				size_t k = match_word(p + j, shape_names[s]);

				if (k) {
					m[found].colour = (int)c;
					m[found].shape = s;
					m[found].start = i;
					m[found].end = j + k;
					found++;
					i = j + k - 1;
					break;
				}
			}
			break;
		}
	}
	return found;
}

/* The longest known relation phrase in p[lo, hi), as a whole word; -1: none. */
static int find_relation(const char *p, size_t lo, size_t hi)
{
	int best = -1;
	size_t best_len = 0;

	for (size_t i = lo; i < hi; i++) {
		if (i > 0 && is_word_char(p[i - 1]))
			continue;
		for (size_t k = 0; k < N_PHRASES; k++) {
			size_t n = strlen(phrases[k].phrase);
			size_t j;

			if (n <= best_len || i + n > hi)
				continue;
			for (j = 0; j < n; j++)
				if (tolower((unsigned char)p[i + j]) != phrases[k].phrase[j])
					break;
			if (j == n && !is_word_char(p[i + n])) {
				best = (int)k;
				best_len = n;
			}
		}
	}
	return best < 0 ? -1 : (int)phrases[best].rel;
}

/* ------------------------------------------------------------------ */
/* PNG decoding                                                        */

struct decoder {
	png_structp png;
	png_infop info;
	const unsigned char *data;
	size_t len, off;
	unsigned char *pixels; /* RGBA, width * height * 4 */
	png_bytep *rows;
	png_uint_32 width, height;
	char msg[200];
};

static void dec_read(png_structp png, png_bytep out, size_t n)
{
	struct decoder *d = png_get_io_ptr(png);

	if (n > d->len - d->off)
		png_error(png, "truncated PNG data");
	memcpy(out, d->data + d->off, n);
	d->off += n;
}

static void dec_error(png_structp png, png_const_charp msg)
{
	struct decoder *d = png_get_error_ptr(png);

	snprintf(d->msg, sizeof(d->msg), "%s", msg);
	png_longjmp(png, 1);
}

static void dec_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/*
 * The libpng calls, alone in their own function so that nothing local is
 * modified between setjmp and a longjmp; what the caller frees is in *d.
 */
static int decode_rows(struct decoder *d)
{
	int color, depth;

	if (setjmp(png_jmpbuf(d->png)))
		return -1;
	png_set_read_fn(d->png, d, dec_read);
	png_set_user_limits(d->png, GEOM_MAX_SIDE, GEOM_MAX_SIDE);
	png_read_info(d->png, d->info);
	d->width = png_get_image_width(d->png, d->info);
	d->height = png_get_image_height(d->png, d->info);
	color = png_get_color_type(d->png, d->info);
	depth = png_get_bit_depth(d->png, d->info);
	if ((uint64_t)d->width * d->height > GEOM_MAX_PIXELS)
		png_error(d->png, "image too large");

	/* Whatever the input, read 8-bit RGBA. */
	if (color == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(d->png);
	if (color == PNG_COLOR_TYPE_GRAY && depth < 8)
		png_set_expand_gray_1_2_4_to_8(d->png);
	if (png_get_valid(d->png, d->info, PNG_INFO_tRNS))
		png_set_tRNS_to_alpha(d->png);
	if (depth == 16)
		png_set_strip_16(d->png);
	if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA)
		png_set_gray_to_rgb(d->png);
	png_set_filler(d->png, 0xff, PNG_FILLER_AFTER);
	png_set_interlace_handling(d->png);
	png_read_update_info(d->png, d->info);
	if (png_get_rowbytes(d->png, d->info) != (size_t)d->width * 4)
		png_error(d->png, "unexpected row layout after conversion");

	d->pixels = malloc((size_t)d->width * d->height * 4);
	d->rows = malloc(sizeof(*d->rows) * d->height);
	if (!d->pixels || !d->rows)
		png_error(d->png, "out of memory");
	for (png_uint_32 y = 0; y < d->height; y++)
		d->rows[y] = d->pixels + (size_t)y * d->width * 4;
	png_read_image(d->png, d->rows);
	png_read_end(d->png, NULL);
	return 0;
}

/* Decodes a PNG into d->pixels; 0, or -1 with d->msg set. */
static int decode_png(struct decoder *d, const unsigned char *data, size_t len)
{
	int rc;

	memset(d, 0, sizeof(*d));
	d->data = data;
	d->len = len;
	if (len < 8 || png_sig_cmp(data, 0, 8)) {
		snprintf(d->msg, sizeof(d->msg), "not a PNG image (builtin:geometry reads PNG only)");
		return -1;
	}
	d->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, d, dec_error, dec_warning);
	if (d->png)
		d->info = png_create_info_struct(d->png);
	if (!d->png || !d->info) {
		png_destroy_read_struct(&d->png, NULL, NULL);
		snprintf(d->msg, sizeof(d->msg), "out of memory");
		return -1;
	}
	rc = decode_rows(d);
	png_destroy_read_struct(&d->png, &d->info, NULL);
	free(d->rows);
	d->rows = NULL;
	if (rc) {
		free(d->pixels);
		d->pixels = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Geometry                                                            */

struct blob {
	uint64_t count;
	double sx, sy;          /* sums of pixel centres */
	long minx, maxx, miny, maxy;
	uint64_t span_area;     /* sum over rows of (rightmost - leftmost + 1) */
};

/* Fill ratio of the blob's rows within its box: holes (a shape drawn on top)
 * do not count against it.  Square ~1, circle ~0.785, triangle ~0.5. */
static int blob_shape(const struct blob *b)
{
	double area = (double)(b->maxx - b->minx + 1) * (double)(b->maxy - b->miny + 1);
	double fill = (double)b->span_area / area;

	if (fill >= 0.92)
		return SH_SQUARE;
	if (fill >= 0.68)
		return SH_CIRCLE;
	return SH_TRIANGLE;
}

/*
 * Measures the two colours' blobs in one pass.  *touch is set when a pixel
 * of one is 4-adjacent to a pixel of the other.  Returns 0, or -1 when out
 * of memory.
 */
static int measure(const struct decoder *d, int ca, int cb, struct blob bl[2], int *touch)
{
	size_t w = d->width, h = d->height;
	unsigned char *lab = calloc(2, w); /* labels of the previous and this row */

	if (!lab)
		return -1;
	memset(bl, 0, 2 * sizeof(*bl));
	for (int k = 0; k < 2; k++) {
		bl[k].minx = bl[k].miny = LONG_MAX;
		bl[k].maxx = bl[k].maxy = -1;
	}
	*touch = 0;
	for (size_t y = 0; y < h; y++) {
		const unsigned char *px = d->pixels + y * w * 4;
		unsigned char *row = lab + (y & 1) * w, *up = lab + ((y + 1) & 1) * w;
		long lo[2] = { -1, -1 }, hi[2] = { -1, -1 };

		for (size_t x = 0; x < w; x++, px += 4) {
			int k = -1;

			row[x] = 0;
			if (px[3] < 128)
				continue;
			if (px[0] == colours[ca].r && px[1] == colours[ca].g && px[2] == colours[ca].b)
				k = 0;
			else if (px[0] == colours[cb].r && px[1] == colours[cb].g && px[2] == colours[cb].b)
				k = 1;
			if (k < 0)
				continue;
			row[x] = (unsigned char)(k + 1);
			bl[k].count++;
			bl[k].sx += (double)x + 0.5;
			bl[k].sy += (double)y + 0.5;
			if (lo[k] < 0)
				lo[k] = (long)x;
			hi[k] = (long)x;
			/* 4-adjacency: look left and up (already labelled). */
			if ((x > 0 && row[x - 1] && row[x - 1] != row[x]) ||
			    (y > 0 && up[x] && up[x] != row[x]))
				*touch = 1;
		}
		for (int k = 0; k < 2; k++) {
			if (lo[k] < 0)
				continue;
			bl[k].span_area += (uint64_t)(hi[k] - lo[k] + 1);
			if (lo[k] < bl[k].minx)
				bl[k].minx = lo[k];
			if (hi[k] > bl[k].maxx)
				bl[k].maxx = hi[k];
			if ((long)y < bl[k].miny)
				bl[k].miny = (long)y;
			bl[k].maxy = (long)y;
		}
	}
	free(lab);
	return 0;
}

static double box_gap(const struct blob *a, const struct blob *b)
{
	double gx = 0, gy = 0;

	if (b->minx > a->maxx)
		gx = (double)(b->minx - a->maxx - 1);
	else if (a->minx > b->maxx)
		gx = (double)(a->minx - b->maxx - 1);
	if (b->miny > a->maxy)
		gy = (double)(b->miny - a->maxy - 1);
	else if (a->miny > b->maxy)
		gy = (double)(a->miny - b->maxy - 1);
	return sqrt(gx * gx + gy * gy);
}

static int box_within(const struct blob *in, const struct blob *out)
{
	return in->minx >= out->minx && in->maxx <= out->maxx &&
	       in->miny >= out->miny && in->maxy <= out->maxy;
}

/* 1 true, 0 false. */
static int decide(enum rel rel, const struct blob *s, const struct blob *o, int touch,
		  double side)
{
	double sx = s->sx / (double)s->count, sy = s->sy / (double)s->count;
	double ox = o->sx / (double)o->count, oy = o->sy / (double)o->count;

	switch (rel) {
	case REL_LEFT:
		return sx < ox;
	case REL_RIGHT:
		return sx > ox;
	case REL_ABOVE:
		return sy < oy;
	case REL_BELOW:
		return sy > oy;
	case REL_NEAR:
		return box_gap(s, o) < NEAR_FAR_THRESHOLD * side;
	case REL_FAR:
		return box_gap(s, o) >= NEAR_FAR_THRESHOLD * side;
	case REL_TOUCHING:
		return touch;
	case REL_INSIDE:
		return box_within(s, o);
	case REL_CONTAINS:
		return box_within(o, s);
	case REL_OUTSIDE:
		return !box_within(s, o);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Replies                                                             */

/* Fills one response; resp->text stays NULL only on failure. */
static void answer_one(const struct vsrbench_request *req, struct vsrbench_response *resp)
{
	struct mention m[2];
	struct decoder d;
	struct blob bl[2];
	const char *reply = BUILTIN_CANNOT_TELL;
	int rel, touch;

	if (!req->prompt || !req->image || !req->image_len ||
	    find_mentions(req->prompt, m) < 2 || m[0].colour == m[1].colour ||
	    (rel = find_relation(req->prompt, m[0].end, m[1].start)) < 0)
		goto reply;
	if (decode_png(&d, req->image, req->image_len)) {
		resp->status = VSRBENCH_ERR_FATAL;
		snprintf(resp->error, sizeof(resp->error), "cannot decode the image: %s", d.msg);
		return;
	}
	if (measure(&d, m[0].colour, m[1].colour, bl, &touch)) {
		free(d.pixels);
		resp->status = VSRBENCH_ERR_RETRY;
		snprintf(resp->error, sizeof(resp->error), "out of memory");
		return;
	}
	if (bl[0].count && bl[1].count && blob_shape(&bl[0]) == m[0].shape &&
	    blob_shape(&bl[1]) == m[1].shape) {
		double side = d.width > d.height ? (double)d.width : (double)d.height;

		reply = builtin_phrase(req, decide((enum rel)rel, &bl[0], &bl[1], touch, side));
	}
	free(d.pixels);
reply:
	resp->text = builtin_strdup(reply);
	if (!resp->text) {
		resp->status = VSRBENCH_ERR_RETRY;
		snprintf(resp->error, sizeof(resp->error), "out of memory");
	}
}

/* ------------------------------------------------------------------ */
/* ABI                                                                 */

static int geom_open(const char *config_json, void **state, char *err, size_t errlen)
{
	struct geom_state *st;
	int r = vsrbench_opt_check_known(config_json, NULL, err, errlen);

	if (r == VSRBENCH_OPT_EJSON) {
		snprintf(err, errlen, "configuration is not a JSON object");
		return 1;
	}
	if (r) {
		size_t len = strlen(err);
		snprintf(err + len, errlen - len, " (builtin:geometry takes no options)");
		return 1;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	*state = st;
	return 0;
}

static int geom_answer_batch(void *state, const struct vsrbench_request *const *req,
			     struct vsrbench_response *const *resp, size_t n)
{
	(void)state;
	/* Refuse the whole batch before allocating anything. */
	if (n > GEOM_MAX_BATCH || !builtin_batch_ok(req, resp, n))
		return 1;
	for (size_t i = 0; i < n; i++) {
		resp[i]->text = NULL;
		resp[i]->choice_logprobs = NULL;
		resp[i]->status = VSRBENCH_OK;
		resp[i]->error[0] = '\0';
		answer_one(req[i], resp[i]);
	}
	return 0;
}

static void geom_free_response(void *state, struct vsrbench_response *resp)
{
	(void)state;
	free(resp->text);
	free(resp->choice_logprobs);
	resp->text = NULL;
	resp->choice_logprobs = NULL;
}

static void geom_close(void *state)
{
	free(state);
}

static const struct vsrbench_adapter geometry_adapter = {
	.abi_major = VSRBENCH_ABI_MAJOR,
	.abi_minor = VSRBENCH_ABI_MINOR,
	.struct_size = sizeof(struct vsrbench_adapter),
	.name = "geometry",
	.max_batch = GEOM_MAX_BATCH,
	.thread_safe = 1,
	.open = geom_open,
	.answer_batch = geom_answer_batch,
	.free_response = geom_free_response,
	.close = geom_close,
	.version = "1",
};

GEOM_EXPORT const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major);

GEOM_EXPORT const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
	if (host_abi_major != VSRBENCH_ABI_MAJOR)
		return NULL;
	return &geometry_adapter;
}
