/*
 * Unit tests of the synth suite and of the builtin:geometry plug-in.
 *
 * The truth checks decode each PNG with libpng's simplified API and recompute
 * the relation from the pixels with deliberately simple rules of their own
 * (colour table, centroids, boxes, 4-adjacency written here), never with the
 * generator's code.  The geometry plug-in is loaded as a real .so from
 * $VSR_BUILD/adapters; without VSR_BUILD those tests are skipped and the
 * program exits 77 once everything else has passed.
 */
#include <dlfcn.h>
#include <math.h>
#include <png.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "include/vsrbench_adapter.h"
#include "suites/item.h"
#include "base/util.h"
#include "suites/suite.h"
#include "suites/synth.h"

static int geometry_skipped;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* The colours a reader of the images would name (independent of synth.c). */
static const struct {
	const char *name;
	unsigned char rgb[3];
} tcol[] = {
	{ "white", { 255, 255, 255 } },
	{ "red", { 220, 20, 20 } },
	{ "green", { 20, 160, 40 } },
	{ "blue", { 30, 60, 220 } },
	{ "yellow", { 240, 220, 20 } },
	{ "purple", { 120, 40, 160 } },
	{ "orange", { 250, 140, 0 } },
	{ "cyan", { 0, 200, 220 } },
	{ "magenta", { 230, 20, 200 } },
};
#define N_TCOL 9

static const struct {
	const char *relation, *category;
} tcat[] = {
	{ "left of", "Projective" }, { "right of", "Projective" },
	{ "above", "Projective" },   { "below", "Projective" },
	{ "near", "Proximity" },     { "far from", "Proximity" },
	{ "touching", "Topological" }, { "inside", "Topological" },
};
#define N_TCAT 8

/* Opens synth with seed and "key=value" options (NULL-terminated). */
static int open_synth(void **priv, char *err, uint64_t seed, ...)
{
	struct kv opts[8];
	char store[8][64];
	struct suite_config cfg;
	size_t n = 0;
	const char *s;
	va_list ap;

	memset(&cfg, 0, sizeof(cfg));
	va_start(ap, seed);
	while ((s = va_arg(ap, const char *)) && n < 8) {
		const char *eq = strchr(s, '=');
		size_t k = eq ? (size_t)(eq - s) : strlen(s);

		snprintf(store[n], sizeof(store[n]), "%.*s", (int)k, s);
		opts[n].key = store[n];
		opts[n].value = eq ? eq + 1 : "";
		n++;
	}
	va_end(ap);
	cfg.seed = seed;
	cfg.opts = opts;
	cfg.n_opts = n;
	*priv = NULL;
	err[0] = '\0';
	return synth_suite_ops.open(suite_lookup("synth"), &cfg, priv, err);
}

static void *must_open(uint64_t seed, const char *o1, const char *o2, const char *o3)
{
	char err[VSR_ERR_MAX];
	void *priv;
	int rc = open_synth(&priv, err, seed, o1, o2, o3, (const char *)NULL);

	if (rc)
		fail_msg("open: %s", err);
	assert_non_null(priv);
	return priv;
}

static void must_next(void *priv, struct item *it)
{
	char err[VSR_ERR_MAX] = "";
	int rc = synth_suite_ops.next(priv, it, err);

	if (rc != 1)
		fail_msg("next returned %d: %s", rc, err);
}

static void must_image(void *priv, const struct item *it, struct image *img)
{
	char err[VSR_ERR_MAX] = "";

	if (synth_suite_ops.load_image(priv, it, img, err))
		fail_msg("load_image %s: %s", it->id, err);
	assert_non_null(img->bytes);
	assert_string_equal(img->mime, "image/png");
}

/* A decoded image as colour indices into tcol (255: a colour not in it). */
struct timg {
	int w, h;
	unsigned char *idx;
};

static void decode(const struct image *img, struct timg *t)
{
	png_image pi;
	unsigned char *rgb;

	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&pi, img->bytes, img->len));
	pi.format = PNG_FORMAT_RGB;
	rgb = malloc(PNG_IMAGE_SIZE(pi));
	assert_non_null(rgb);
	assert_true(png_image_finish_read(&pi, NULL, rgb, 0, NULL));
	t->w = (int)pi.width;
	t->h = (int)pi.height;
	t->idx = malloc((size_t)t->w * (size_t)t->h);
	assert_non_null(t->idx);
	for (size_t i = 0; i < (size_t)t->w * (size_t)t->h; i++) {
		t->idx[i] = 255;
		for (int c = 0; c < N_TCOL; c++)
			if (!memcmp(rgb + 3 * i, tcol[c].rgb, 3))
				t->idx[i] = (unsigned char)c;
	}
	free(rgb);
}

static int colour_of(const char *mention)
{
	for (int c = 1; c < N_TCOL; c++) {
		size_t n = strlen(tcol[c].name);
		if (!strncmp(mention, tcol[c].name, n) && mention[n] == ' ')
			return c;
	}
	fail_msg("no colour in \"%s\"", mention);
	return -1;
}

struct tblob {
	int count, minx, maxx, miny, maxy;
	double cx, cy; /* centroid */
};

static void blobs(const struct timg *t, struct tblob b[N_TCOL])
{
	memset(b, 0, N_TCOL * sizeof(*b));
	for (int c = 0; c < N_TCOL; c++) {
		b[c].minx = b[c].miny = 1 << 30;
		b[c].maxx = b[c].maxy = -1;
	}
	for (int y = 0; y < t->h; y++)
		for (int x = 0; x < t->w; x++) {
			int c = t->idx[(size_t)y * (size_t)t->w + (size_t)x];

			assert_int_not_equal(c, 255); /* only exact palette colours */
			b[c].count++;
			b[c].cx += x;
			b[c].cy += y;
			if (x < b[c].minx)
				b[c].minx = x;
			if (x > b[c].maxx)
				b[c].maxx = x;
			if (y < b[c].miny)
				b[c].miny = y;
			if (y > b[c].maxy)
				b[c].maxy = y;
		}
	for (int c = 0; c < N_TCOL; c++)
		if (b[c].count) {
			b[c].cx /= (double)b[c].count;
			b[c].cy /= (double)b[c].count;
		}
}

/* 1 when some pixel of colour a has a 4-neighbour of colour b. */
static int adjacent(const struct timg *t, int a, int b)
{
	for (int y = 0; y < t->h; y++)
		for (int x = 0; x < t->w; x++) {
			size_t i = (size_t)y * (size_t)t->w + (size_t)x;

			if (t->idx[i] != a)
				continue;
			if ((x + 1 < t->w && t->idx[i + 1] == b) || (x > 0 && t->idx[i - 1] == b) ||
			    (y + 1 < t->h && t->idx[i + (size_t)t->w] == b) ||
			    (y > 0 && t->idx[i - (size_t)t->w] == b))
				return 1;
		}
	return 0;
}

/* Euclidean gap between two pixel boxes (0 when they overlap or abut). */
static double gap(const struct tblob *a, const struct tblob *b)
{
	double gx = 0, gy = 0;

	if (b->minx > a->maxx)
		gx = (double)(b->minx - a->maxx - 1);
	if (a->minx > b->maxx)
		gx = (double)(a->minx - b->maxx - 1);
	if (b->miny > a->maxy)
		gy = (double)(b->miny - a->maxy - 1);
	if (a->miny > b->maxy)
		gy = (double)(a->miny - b->maxy - 1);
	return sqrt(gx * gx + gy * gy);
}

static int boxes_intersect(const struct tblob *a, const struct tblob *b)
{
	return a->minx <= b->maxx && b->minx <= a->maxx && a->miny <= b->maxy && b->miny <= a->maxy;
}

/* The shape named after the colour, judged by how much of its box it fills. */
static void check_shape(const struct tblob *b, const char *mention)
{
	double fill = (double)b->count /
		      ((double)(b->maxx - b->minx + 1) * (double)(b->maxy - b->miny + 1));

	if (strstr(mention, "square"))
		assert_true(fill > 0.97);
	else if (strstr(mention, "circle"))
		assert_true(fill > 0.72 && fill < 0.9);
	else if (strstr(mention, "triangle"))
		assert_true(fill > 0.45 && fill < 0.65);
	else
		fail_msg("unknown shape in \"%s\"", mention);
}

/*
 * Recomputes the truth of one item from its pixels and compares it with the
 * label; also checks the margins the suite promises and that distractors
 * stay clear of subject and object.
 */
static void check_item(void *priv, const struct item *it, int distractors)
{
	struct image img = { 0 };
	struct timg t;
	struct tblob b[N_TCOL];
	int cs = colour_of(it->subject), co = colour_of(it->object), present = 0;
	int yes = it->label == ANS_YES, truth = -1;
	const struct tblob *s, *o;
	double S, g;

	assert_true(it->label == ANS_YES || it->label == ANS_NO);
	must_image(priv, it, &img);
	decode(&img, &t);
	assert_int_equal(t.w, t.h);
	S = t.w;
	blobs(&t, b);
	s = &b[cs];
	o = &b[co];
	assert_int_not_equal(cs, co);
	assert_true(s->count > 0);
	assert_true(o->count > 0);
	for (int c = 1; c < N_TCOL; c++)
		present += b[c].count > 0;
	assert_int_equal(present, 2 + distractors);
	check_shape(s, it->subject);
	if (strcmp(it->relation, "inside") != 0)
		check_shape(o, it->object);

	g = gap(s, o);
	if (!strcmp(it->relation, "left of") || !strcmp(it->relation, "right of")) {
		double dc = (o->minx + o->maxx) / 2.0 - (s->minx + s->maxx) / 2.0;

		truth = !strcmp(it->relation, "left of") ? s->cx < o->cx : s->cx > o->cx;
		assert_true(fabs(dc) >= 0.12 * S - 0.5);
		assert_false(adjacent(&t, cs, co));
	} else if (!strcmp(it->relation, "above") || !strcmp(it->relation, "below")) {
		double dc = (o->miny + o->maxy) / 2.0 - (s->miny + s->maxy) / 2.0;

		truth = !strcmp(it->relation, "above") ? s->cy < o->cy : s->cy > o->cy;
		assert_true(fabs(dc) >= 0.12 * S - 0.5);
		assert_false(adjacent(&t, cs, co));
	} else if (!strcmp(it->relation, "near") || !strcmp(it->relation, "far from")) {
		int close = g <= 0.05 * S + 1e-9;

		assert_true(close || g >= 0.35 * S - 1e-9);
		assert_true(g >= 2.0);
		truth = !strcmp(it->relation, "near") ? close : !close;
	} else if (!strcmp(it->relation, "touching")) {
		truth = adjacent(&t, cs, co);
		if (!truth)
			assert_true(g >= 0.06 * S - 1e-9);
		else
			assert_false(boxes_intersect(s, o));
	} else if (!strcmp(it->relation, "inside")) {
		truth = s->minx > o->minx && s->maxx < o->maxx && s->miny > o->miny && s->maxy < o->maxy;
		if (truth) {
			/* A ring of 2 px around the subject's box is all object. */
			for (int y = s->miny - 2; y <= s->maxy + 2; y++)
				for (int x = s->minx - 2; x <= s->maxx + 2; x++) {
					int c = t.idx[(size_t)y * (size_t)t.w + (size_t)x];
					assert_true(c == cs || c == co);
				}
		} else {
			assert_false(boxes_intersect(s, o));
			assert_false(adjacent(&t, cs, co));
		}
	} else {
		fail_msg("unexpected relation \"%s\"", it->relation);
	}
	if (truth != yes)
		fail_msg("%s \"%s\": label %s but the pixels say %s", it->id, it->caption,
			 yes ? "yes" : "no", truth ? "yes" : "no");

	/* Distractors touch nothing named in the caption. */
	for (int c = 1; c < N_TCOL; c++) {
		if (c == cs || c == co || !b[c].count)
			continue;
		assert_false(boxes_intersect(&b[c], s));
		assert_false(boxes_intersect(&b[c], o));
		assert_false(adjacent(&t, c, cs));
		assert_false(adjacent(&t, c, co));
	}
	free(t.idx);
	image_release(&img);
}

static void items_equal(const struct item *a, const struct item *b)
{
	assert_string_equal(a->suite, b->suite);
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->caption, b->caption);
	assert_string_equal(a->subject, b->subject);
	assert_string_equal(a->relation, b->relation);
	assert_string_equal(a->object, b->object);
	assert_ptr_equal(a->category, b->category);
	assert_int_equal(a->label, b->label);
	assert_true(a->image_digest == b->image_digest);
}

/* ------------------------------------------------------------------ */
/* The suite                                                           */

static void test_item_fields(void **state)
{
	void *p = must_open(5, "count=16", NULL, NULL);
	struct item it;
	char err[VSR_ERR_MAX];
	char want[160];

	(void)state;
	assert_int_equal(synth_suite_ops.count(p), 16);
	for (int i = 0; i < 16; i++) {
		const char *cat = NULL;

		must_next(p, &it);
		snprintf(want, sizeof(want), "synth-%06d", i);
		assert_string_equal(it.id, want);
		assert_string_equal(it.suite, "synth");
		snprintf(want, sizeof(want), "The %s is %s the %s.", it.subject, it.relation, it.object);
		assert_string_equal(it.caption, want);
		for (int k = 0; k < N_TCAT; k++)
			if (!strcmp(tcat[k].relation, it.relation))
				cat = tcat[k].category;
		assert_non_null(cat);
		assert_non_null(it.category);
		assert_string_equal(it.category, cat);
		assert_null(it.image_path);
		assert_non_null(it.priv);
		assert_non_null(it.priv_free);
		item_release(&it);
	}
	assert_int_equal(synth_suite_ops.next(p, &it, err), 0);
	synth_suite_ops.close(p);
}

static void test_determinism(void **state)
{
	void *a = must_open(42, "count=60", "distractors=2", NULL);
	void *b = must_open(42, "count=60", "distractors=2", NULL);
	void *c = must_open(43, "count=60", "distractors=2", NULL);
	void *pre = must_open(42, "count=10", "distractors=2", NULL);
	struct item ia, ib, ic, ir;
	int differ = 0, png_differ = 0;
	uint64_t digests[60];
	char err[VSR_ERR_MAX];

	(void)state;
	assert_true(synth_suite_ops.digest(a) == synth_suite_ops.digest(b));
	assert_true(synth_suite_ops.digest(a) != synth_suite_ops.digest(c));
	assert_true(synth_suite_ops.digest(a) != synth_suite_ops.digest(pre));
	for (int i = 0; i < 60; i++) {
		must_next(a, &ia);
		must_next(b, &ib);
		must_next(c, &ic);
		items_equal(&ia, &ib);
		if (strcmp(ia.caption, ic.caption) || ia.image_digest != ic.image_digest)
			differ++;
		if (i < 10) { /* a shorter run is a prefix */
			must_next(pre, &ir);
			items_equal(&ia, &ir);
			item_release(&ir);
		}
		if (i == 37) { /* random access agrees with streaming */
			assert_int_equal(synth_item_at(a, 37, &ir, err), 0);
			items_equal(&ia, &ir);
			item_release(&ir);
		}
		digests[i] = ia.image_digest;
		for (int j = 0; j < i; j++)
			assert_true(digests[j] != digests[i]);
		if (i % 6 == 0) {
			struct image ma, mb, mc;

			must_image(a, &ia, &ma);
			must_image(b, &ib, &mb);
			must_image(c, &ic, &mc);
			assert_int_equal(ma.len, mb.len);
			assert_memory_equal(ma.bytes, mb.bytes, ma.len);
			if (ma.len != mc.len || memcmp(ma.bytes, mc.bytes, ma.len))
				png_differ++;
			/* Loading twice gives the same bytes. */
			image_release(&mb);
			must_image(a, &ia, &mb);
			assert_int_equal(ma.len, mb.len);
			assert_memory_equal(ma.bytes, mb.bytes, ma.len);
			image_release(&ma);
			image_release(&mb);
			image_release(&mc);
		}
		item_release(&ia);
		item_release(&ib);
		item_release(&ic);
	}
	assert_true(differ >= 55);
	assert_true(png_differ >= 9);
	synth_suite_ops.close(a);
	synth_suite_ops.close(b);
	synth_suite_ops.close(c);
	synth_suite_ops.close(pre);
}

static void test_label_balance(void **state)
{
	void *p = must_open(7, "count=800", NULL, NULL);
	int n[N_TCAT] = { 0 }, yes[N_TCAT] = { 0 };
	struct item it;

	(void)state;
	for (int i = 0; i < 800; i++) {
		int k;

		must_next(p, &it);
		for (k = 0; k < N_TCAT; k++)
			if (!strcmp(it.relation, tcat[k].relation))
				break;
		assert_true(k < N_TCAT);
		n[k]++;
		yes[k] += it.label == ANS_YES;
		item_release(&it);
	}
	for (int k = 0; k < N_TCAT; k++) {
		double share = (double)yes[k] / n[k];

		assert_true(n[k] >= 80 && n[k] <= 120);
		if (share < 0.35 || share > 0.65)
			fail_msg("%s: true share %.2f", tcat[k].relation, share);
	}
	synth_suite_ops.close(p);
}

/* Truth from the pixels, at the default size, the smallest and a large one. */
static void run_truth(uint64_t seed, const char *size, const char *distr, int nd, int count)
{
	char copt[32];
	void *p;
	struct item it;

	snprintf(copt, sizeof(copt), "count=%d", count);
	p = must_open(seed, copt, size, distr);
	for (int i = 0; i < count; i++) {
		must_next(p, &it);
		check_item(p, &it, nd);
		item_release(&it);
	}
	synth_suite_ops.close(p);
}

static void test_truth_default(void **state)
{
	(void)state;
	run_truth(11, "size=256", "distractors=1", 1, 400);
}

static void test_truth_small(void **state)
{
	(void)state;
	run_truth(12, "size=64", "distractors=2", 2, 240);
}

static void test_truth_odd_size(void **state)
{
	(void)state;
	run_truth(13, "size=301", "distractors=0", 0, 80);
	run_truth(14, "size=1024", "distractors=2", 2, 16);
}

/* The raw render and the PNG show the same pixels. */
static void test_render_indexed(void **state)
{
	void *p = must_open(3, "count=8", "size=96", NULL);
	size_t n, side = synth_image_side(p);
	const struct synth_colour *pal = synth_palette(&n);
	unsigned char *px = malloc(side * side);
	char err[VSR_ERR_MAX];
	struct item it;

	(void)state;
	assert_int_equal(side, 96);
	assert_int_equal(n, N_TCOL);
	for (int i = 0; i < N_TCOL; i++) {
		assert_string_equal(pal[i].name, tcol[i].name);
		assert_int_equal(pal[i].r, tcol[i].rgb[0]);
	}
	for (int i = 0; i < 8; i++) {
		struct image img = { 0 };
		struct timg t;

		must_next(p, &it);
		assert_int_equal(synth_render_indexed(&it, px, side, err), 0);
		assert_int_not_equal(synth_render_indexed(&it, px, side + 1, err), 0);
		must_image(p, &it, &img);
		decode(&img, &t);
		assert_memory_equal(px, t.idx, side * side);
		free(t.idx);
		image_release(&img);
		item_release(&it);
	}
	free(px);
	synth_suite_ops.close(p);
}

/* load_image from several threads at once gives the bytes of a serial run. */
struct loader_job {
	void *priv;
	struct item *items;
	struct image *want;
	int n, bad;
};

static void *load_images(void *arg)
{
	struct loader_job *job = arg;
	char err[VSR_ERR_MAX];

	for (int round = 0; round < 4; round++)
		for (int i = 0; i < job->n; i++) {
			struct image img = { 0 };

			if (synth_suite_ops.load_image(job->priv, &job->items[i], &img, err)) {
				job->bad++;
				continue;
			}
			if (img.len != job->want[i].len || memcmp(img.bytes, job->want[i].bytes, img.len))
				job->bad++;
			image_release(&img);
		}
	return NULL;
}

static void test_load_image_threads(void **state)
{
	enum { N = 24, T = 4 };
	void *p = must_open(8, "count=24", "distractors=2", NULL);
	struct item items[N];
	struct image want[N];
	struct loader_job jobs[T];
	pthread_t th[T];

	(void)state;
	for (int i = 0; i < N; i++) {
		must_next(p, &items[i]);
		must_image(p, &items[i], &want[i]);
	}
	for (int t = 0; t < T; t++) {
		jobs[t].priv = p;
		jobs[t].items = items;
		jobs[t].want = want;
		jobs[t].n = N;
		jobs[t].bad = 0;
		assert_int_equal(pthread_create(&th[t], NULL, load_images, &jobs[t]), 0);
	}
	for (int t = 0; t < T; t++) {
		assert_int_equal(pthread_join(th[t], NULL), 0);
		assert_int_equal(jobs[t].bad, 0);
	}
	for (int i = 0; i < N; i++) {
		image_release(&want[i]);
		item_release(&items[i]);
	}
	synth_suite_ops.close(p);
}

static void expect_usage(const char *needle1, const char *needle2, const char *o1, const char *o2)
{
	char err[VSR_ERR_MAX];
	void *p;
	int rc = open_synth(&p, err, 1, o1, o2, (const char *)NULL);

	if (rc != VSR_EUSAGE)
		fail_msg("options %s %s: rc %d (%s)", o1, o2 ? o2 : "", rc, err);
	assert_null(p);
	if (!strstr(err, needle1) || (needle2 && !strstr(err, needle2)))
		fail_msg("message \"%s\" lacks \"%s\"/\"%s\"", err, needle1, needle2 ? needle2 : "");
}

static void test_option_errors(void **state)
{
	(void)state;
	expect_usage("colour", "relations", "colour=red", NULL); /* names the known keys */
	expect_usage("sideways", "left of", "relations=left_of,sideways", NULL);
	expect_usage("relations", NULL, "relations=", NULL);
	expect_usage("size", "63", "size=63", NULL);
	expect_usage("size", "4096", "count=5", "size=4096");
	expect_usage("size", "abc", "size=abc", NULL);
	expect_usage("count", "0", "count=0", NULL);
	expect_usage("count", "10000001", "count=10000001", NULL);
	expect_usage("count", "-3", "count=-3", NULL);
	expect_usage("distractors", "3", "distractors=3", NULL);
	expect_usage("distractors", "-1", "distractors=-1", NULL);
}

static void test_relation_spellings(void **state)
{
	void *p = must_open(9, "relations=Left_of, far-from ,INSIDE", "count=6", NULL);
	static const char *const want[] = { "left of", "far from", "inside" };
	struct item it;

	(void)state;
	for (int i = 0; i < 6; i++) {
		must_next(p, &it);
		assert_string_equal(it.relation, want[i % 3]);
		item_release(&it);
	}
	synth_suite_ops.close(p);
	p = must_open(9, "count=10000000", "size=2048", NULL);
	assert_int_equal(synth_suite_ops.count(p), 10000000);
	synth_suite_ops.close(p);
}

/* ------------------------------------------------------------------ */
/* builtin:geometry                                                    */

struct geo {
	void *dl;
	const struct vsrbench_adapter *ad;
	void *st;
};

static int geo_setup(void **state)
{
	const char *dir = getenv("VSR_BUILD");
	char path[4096], err[256] = "";
	struct geo *g;
	vsrbench_adapter_entry_fn entry;

	if (!dir || !*dir) {
		geometry_skipped = 1;
		*state = NULL;
		return 0;
	}
	g = calloc(1, sizeof(*g));
	snprintf(path, sizeof(path), "%s/adapters/builtin-geometry.so", dir);
	g->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!g->dl) {
		fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
		free(g);
		return -1;
	}
	entry = (vsrbench_adapter_entry_fn)dlsym(g->dl, VSRBENCH_ENTRY_SYMBOL);
	if (!entry || entry(VSRBENCH_ABI_MAJOR + 1) != NULL)
		goto fail;
	g->ad = entry(VSRBENCH_ABI_MAJOR);
	if (!g->ad || g->ad->open("{}", &g->st, err, sizeof(err))) {
		fprintf(stderr, "geometry open: %s\n", err);
		goto fail;
	}
	*state = g;
	return 0;
fail:
	dlclose(g->dl);
	free(g);
	return -1;
}

static int geo_teardown(void **state)
{
	struct geo *g = *state;

	if (g) {
		g->ad->close(g->st);
		dlclose(g->dl);
		free(g);
	}
	return 0;
}

#define SKIP_WITHOUT_GEOMETRY(g)                                                  \
	do {                                                                      \
		if (!(g)) {                                                       \
			fprintf(stderr, "VSR_BUILD is unset: geometry test skipped\n"); \
			skip();                                                   \
		}                                                                 \
	} while (0)

static void init_request(struct vsrbench_request *rq, const char *prompt, const struct image *img)
{
	memset(rq, 0, sizeof(*rq));
	rq->struct_size = sizeof(*rq);
	rq->id = "t";
	rq->prompt = prompt;
	if (img) {
		rq->image = img->bytes;
		rq->image_len = img->len;
		rq->image_mime = img->mime;
	}
	rq->max_tokens = 8;
}

/* Answers one request; returns the status and copies the text into out. */
static int ask(struct geo *g, const struct vsrbench_request *rq, char *out, size_t outlen)
{
	struct vsrbench_response rs, *rsp = &rs;
	int status;

	memset(&rs, 0, sizeof(rs));
	rs.struct_size = sizeof(rs);
	assert_int_equal(g->ad->answer_batch(g->st, &rq, &rsp, 1), 0);
	status = rs.status;
	snprintf(out, outlen, "%s", rs.text ? rs.text : rs.error);
	if (status == VSRBENCH_OK)
		assert_non_null(rs.text);
	g->ad->free_response(g->st, &rs);
	assert_null(rs.text);
	return status;
}

static void test_geometry_table(void **state)
{
	struct geo *g = *state;
	char err[256] = "";
	void *st = NULL;

	SKIP_WITHOUT_GEOMETRY(g);
	assert_int_equal(g->ad->abi_major, VSRBENCH_ABI_MAJOR);
	assert_true(g->ad->struct_size >= offsetof(struct vsrbench_adapter, version) + sizeof(char *));
	assert_string_equal(g->ad->name, "geometry");
	assert_int_equal(g->ad->max_batch, 16);
	assert_int_equal(g->ad->thread_safe, 1);
	assert_non_null(g->ad->version);

	assert_int_not_equal(g->ad->open("{\"temperature\":\"0.5\"}", &st, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "unknown option"));
	assert_non_null(strstr(err, "temperature"));
	assert_int_not_equal(g->ad->open("[1]", &st, err, sizeof(err)), 0);
	assert_int_equal(g->ad->open(" { \n } ", &st, err, sizeof(err)), 0);
	g->ad->close(st);
}

/* 400 items in batches of 16, caption + " Answer yes or no.". */
static void test_geometry_accuracy(void **state)
{
	struct geo *g = *state;
	void *p;
	enum { N = 400, B = 16 };
	struct item it[B];
	struct image img[B];
	char prompt[B][256];
	struct vsrbench_request rq[B];
	struct vsrbench_response rs[B];
	const struct vsrbench_request *rqp[B];
	struct vsrbench_response *rsp[B];
	int right = 0, done = 0;

	SKIP_WITHOUT_GEOMETRY(g);
	p = must_open(2024, "count=400", NULL, NULL);
	while (done < N) {
		for (int k = 0; k < B; k++) {
			must_next(p, &it[k]);
			must_image(p, &it[k], &img[k]);
			snprintf(prompt[k], sizeof(prompt[k]), "%s Answer yes or no.", it[k].caption);
			init_request(&rq[k], prompt[k], &img[k]);
			memset(&rs[k], 0, sizeof(rs[k]));
			rs[k].struct_size = sizeof(rs[k]);
			rqp[k] = &rq[k];
			rsp[k] = &rs[k];
		}
		assert_int_equal(g->ad->answer_batch(g->st, rqp, rsp, B), 0);
		for (int k = 0; k < B; k++) {
			const char *want = it[k].label == ANS_YES ? "Yes" : "No";

			assert_int_equal(rs[k].status, VSRBENCH_OK);
			assert_non_null(rs[k].text);
			right += !strcmp(rs[k].text, want);
			g->ad->free_response(g->st, &rs[k]);
			image_release(&img[k]);
			item_release(&it[k]);
		}
		done += B;
	}
	synth_suite_ops.close(p);
	if ((double)right / N < 0.97)
		fail_msg("geometry accuracy %d/%d", right, N);
}

/* The same decision phrased for true/false, letter and question prompts. */
static void test_geometry_formats(void **state)
{
	struct geo *g = *state;
	void *p;
	struct item it;
	struct image img = { 0 };
	struct vsrbench_request rq;
	char prompt[300], out[300];
	static const char *const yes_no[] = { "yes", "no" }, *const no_yes[] = { "no", "yes" };

	SKIP_WITHOUT_GEOMETRY(g);
	p = must_open(77, "count=48", NULL, NULL);
	for (int i = 0; i < 48; i++) {
		int yes;

		must_next(p, &it);
		must_image(p, &it, &img);
		yes = it.label == ANS_YES;

		snprintf(prompt, sizeof(prompt), "True or false: %s", it.caption);
		init_request(&rq, prompt, &img);
		assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
		assert_string_equal(out, yes ? "True" : "False");

		snprintf(prompt, sizeof(prompt), "Is the %s %s the %s? Answer with yes or no.",
			 it.subject, it.relation, it.object);
		init_request(&rq, prompt, &img);
		assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
		assert_string_equal(out, yes ? "Yes" : "No");

		snprintf(prompt, sizeof(prompt),
			 "Question: is it true that %s A. yes B. no. Answer with the letter.", it.caption);
		init_request(&rq, prompt, &img);
		rq.choices = yes_no;
		rq.n_choices = 2;
		assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
		assert_string_equal(out, yes ? "A" : "B");

		snprintf(prompt, sizeof(prompt), "%s Is this statement correct? A. no B. yes", it.caption);
		init_request(&rq, prompt, &img);
		rq.choices = no_yes;
		rq.n_choices = 2;
		assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
		assert_string_equal(out, yes ? "B" : "A");

		/* Blind: no image, no guess. */
		snprintf(prompt, sizeof(prompt), "%s Answer yes or no.", it.caption);
		init_request(&rq, prompt, NULL);
		assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
		assert_string_equal(out, "I cannot tell.");

		image_release(&img);
		item_release(&it);
	}
	synth_suite_ops.close(p);
}

/* Absent objects, wrong shapes and broken images. */
static void test_geometry_refusals(void **state)
{
	struct geo *g = *state;
	void *p;
	struct item it;
	static const unsigned char not_png[] = "GIF89a this is not a png at all";
	struct image img, bad;
	struct vsrbench_request rq;
	char prompt[300], out[300];
	const char *absent = NULL;
	char wrong_shape[64];

	SKIP_WITHOUT_GEOMETRY(g);
	p = must_open(5, "count=1", "distractors=0", NULL);
	must_next(p, &it);
	must_image(p, &it, &img);

	/* A colour that is not in the picture (only two colours are). */
	for (int c = 1; c < N_TCOL && !absent; c++)
		if (strncmp(it.subject, tcol[c].name, strlen(tcol[c].name)) &&
		    strncmp(it.object, tcol[c].name, strlen(tcol[c].name)))
			absent = tcol[c].name;
	snprintf(prompt, sizeof(prompt), "The %s square is %s the %s. Answer yes or no.", absent,
		 it.relation, it.object);
	init_request(&rq, prompt, &img);
	assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
	assert_string_equal(out, "I cannot tell.");

	/* The right colour with the wrong shape name. */
	snprintf(wrong_shape, sizeof(wrong_shape), "%.*s %s",
		 (int)(strchr(it.subject, ' ') - it.subject), it.subject,
		 strstr(it.subject, "circle") ? "square" : "circle");
	snprintf(prompt, sizeof(prompt), "The %s is %s the %s. Answer yes or no.", wrong_shape,
		 it.relation, it.object);
	init_request(&rq, prompt, &img);
	assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
	assert_string_equal(out, "I cannot tell.");

	/* No relation it knows. */
	snprintf(prompt, sizeof(prompt), "The %s is bigger than the %s. Answer yes or no.",
		 it.subject, it.object);
	init_request(&rq, prompt, &img);
	assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
	assert_string_equal(out, "I cannot tell.");

	/* Not a PNG, and a truncated PNG: fatal, with a reason. */
	snprintf(prompt, sizeof(prompt), "%s Answer yes or no.", it.caption);
	init_request(&rq, prompt, NULL);
	rq.image = not_png;
	rq.image_len = sizeof(not_png) - 1;
	rq.image_mime = "image/gif";
	assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_ERR_FATAL);
	assert_true(out[0] != '\0');
	bad.bytes = img.bytes;
	bad.len = img.len / 2;
	bad.mime = "image/png";
	init_request(&rq, prompt, &bad);
	assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_ERR_FATAL);
	assert_true(out[0] != '\0');

	image_release(&img);
	item_release(&it);
	synth_suite_ops.close(p);
}

/*
 * An RGB (not palette) PNG of the mirrored scene: left/right answers flip,
 * the others stay.  Written with libpng's simplified API from the raw render.
 */
static void test_geometry_mirrored(void **state)
{
	struct geo *g = *state;
	void *p;
	size_t side;
	unsigned char *px, *rgb;
	char prompt[300], out[300], err[VSR_ERR_MAX];
	int checked = 0;

	SKIP_WITHOUT_GEOMETRY(g);
	p = must_open(31, "count=64", "size=128", NULL);
	side = synth_image_side(p);
	px = malloc(side * side);
	rgb = malloc(side * side * 3);
	for (int i = 0; i < 64; i++) {
		struct item it;
		struct image img = { 0 };
		struct vsrbench_request rq;
		png_image pi;
		png_alloc_size_t len = 0;
		int yes, lr;

		must_next(p, &it);
		assert_int_equal(synth_render_indexed(&it, px, side, err), 0);
		for (size_t y = 0; y < side; y++)
			for (size_t x = 0; x < side; x++)
				memcpy(rgb + 3 * (y * side + x), tcol[px[y * side + (side - 1 - x)]].rgb, 3);
		memset(&pi, 0, sizeof(pi));
		pi.version = PNG_IMAGE_VERSION;
		pi.width = (png_uint_32)side;
		pi.height = (png_uint_32)side;
		pi.format = PNG_FORMAT_RGB;
		assert_true(png_image_write_get_memory_size(pi, len, 0, rgb, 0, NULL));
		img.bytes = malloc(len);
		assert_true(png_image_write_to_memory(&pi, img.bytes, &len, 0, rgb, 0, NULL));
		img.len = len;
		img.mime = "image/png";

		lr = !strcmp(it.relation, "left of") || !strcmp(it.relation, "right of");
		yes = (it.label == ANS_YES) != lr;
		snprintf(prompt, sizeof(prompt), "%s Answer yes or no.", it.caption);
		init_request(&rq, prompt, &img);
		assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
		if (strcmp(out, yes ? "Yes" : "No"))
			fail_msg("mirrored %s \"%s\": got %s", it.id, it.caption, out);
		checked++;
		free(img.bytes);
		item_release(&it);
	}
	assert_int_equal(checked, 64);
	free(px);
	free(rgb);
	synth_suite_ops.close(p);
}

int main(void)
{
	const struct CMUnitTest suite_tests[] = {
		cmocka_unit_test(test_item_fields),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_label_balance),
		cmocka_unit_test(test_truth_default),
		cmocka_unit_test(test_truth_small),
		cmocka_unit_test(test_truth_odd_size),
		cmocka_unit_test(test_render_indexed),
		cmocka_unit_test(test_load_image_threads),
		cmocka_unit_test(test_option_errors),
		cmocka_unit_test(test_relation_spellings),
	};
	const struct CMUnitTest geometry_tests[] = {
		cmocka_unit_test(test_geometry_table),
		cmocka_unit_test(test_geometry_accuracy),
		cmocka_unit_test(test_geometry_formats),
		cmocka_unit_test(test_geometry_refusals),
		cmocka_unit_test(test_geometry_mirrored),
	};
	int failed = cmocka_run_group_tests_name("synth", suite_tests, NULL, NULL);

	failed += cmocka_run_group_tests_name("builtin:geometry", geometry_tests, geo_setup,
					      geo_teardown);
	if (failed)
		return 1;
	if (geometry_skipped) {
		fprintf(stderr, "test_synth: VSR_BUILD is unset, so the geometry plug-in was not "
				"tested (set it to the build directory)\n");
		return 77;
	}
	return 0;
}
