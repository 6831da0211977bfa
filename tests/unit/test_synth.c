/*
 * Unit tests of the synth suite (builtin:geometry's are in test_geometry.c).
 *
 * The truth checks decode each PNG with libpng's simplified API and recompute
 * the relation from the pixels with deliberately simple rules of their own
 * (colour table, centroids, boxes, 4-adjacency written here), never with the
 * generator's code.
 */
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

#include "suites/item.h"
#include "base/util.h"
#include "suites/suite.h"
#include "suites/synth.h"
#include "synth_open.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static const struct {
	const char *relation, *category;
} tcat[] = {
	{ "left of", "Projective" }, { "right of", "Projective" },
	{ "above", "Projective" },   { "below", "Projective" },
	{ "near", "Proximity" },     { "far from", "Proximity" },
	{ "touching", "Topological" }, { "inside", "Topological" },
};
#define N_TCAT 8

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

	return cmocka_run_group_tests_name("synth", suite_tests, NULL, NULL) ? 1 : 0;
}
