/*
 * The diagnosis metrics on hand-built journals (values worked out by hand in
 * the comments), the bootstrap's coverage on simulated data, and the hflip
 * image transform round trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <unistd.h>

#include "harness/imgvar.h"
#include "harness/journal.h"
#include "metrics/metrics.h"
#include "metrics/sensitivity.h"
#include "metrics/stats.h"
#include "base/util.h"
#include "scratch.h"


static void line(struct buf *b, const char *item, const char *image, const char *tpl,
		 const char *variant, answer_t label, answer_t answer)
{
	static uint64_t key = 1;
	struct sample_meta m;

	memset(&m, 0, sizeof(m));
	m.key = key++;
	m.suite = "s";
	m.item = item;
	m.tmpl = tpl;
	m.format = "yesno";
	m.variant = variant;
	m.relation = "left of";
	m.prompt = "p";
	m.image = image;
	m.label = label;
	sample_format_ok(b, &m, answer_name(answer), answer, 1);
}

static void metrics_of(const char *text, struct metrics *m)
{
	FILE *fp = fopen(path, "w");
	struct metrics_opts o = { .resamples = 200, .seed = 7 };
	char err[VSR_ERR_MAX];

	fputs(text, fp);
	fclose(fp);
	assert_int_equal(metrics_from_journal_opts(path, &o, m, err), 0);
	assert_int_equal(m->n_suites, 1);
}

#define Y ANS_YES
#define N ANS_NO

/*
 * Language: item A, three wordings answered yes, yes, no (label yes):
 * 3 pairs, 2 differ -> 2/3; not consistent.  Item B: yes, yes, yes -> 0;
 * consistent.  Language = (2/3 + 0) / 2 = 1/3; consistency = 1/2.
 */
static void test_language_by_hand(void **state)
{
	struct buf b = BUF_INIT;
	struct metrics m;
	const struct sens_value *f;

	(void)state;
	line(&b, "A", "a.jpg", "t1", "base", Y, Y);
	line(&b, "A", "a.jpg", "t2", "base", Y, Y);
	line(&b, "A", "a.jpg", "t1", "converse", Y, N);
	line(&b, "B", "b.jpg", "t1", "base", Y, Y);
	line(&b, "B", "b.jpg", "t2", "base", Y, Y);
	line(&b, "B", "b.jpg", "t1", "converse", Y, Y);
	metrics_of(b.ptr, &m);
	f = m.suites[0].sens.fig;
	assert_true(f[SENS_LANGUAGE].present);
	assert_true(fabs(f[SENS_LANGUAGE].value - 1.0 / 3) < 1e-12);
	assert_int_equal(f[SENS_LANGUAGE].n, 2);
	/* The numerator the gate's binomial test counts: A's 2/3 plus B's 0. */
	assert_true(fabs(f[SENS_LANGUAGE].num - 2.0 / 3) < 1e-12);
	assert_true(fabs(f[SENS_CONSISTENCY].value - 0.5) < 1e-12);
	assert_true(fabs(f[SENS_CONSISTENCY].num - 1.0) < 1e-12);
	/*
	 * Two images: resampling can only give 0, 1/3 or 2/3 for language; the
	 * floor, Wilson's interval of 1/3 over 2 images (by hand: centre
	 * (1/3 + z^2/4) / (1 + z^2/2) = 0.44294, half-width 0.39768), reaches
	 * higher: [0, 0.840618].
	 */
	assert_true(fabs(f[SENS_LANGUAGE].ci_low) < 1e-12);
	assert_true(fabs(f[SENS_LANGUAGE].ci_high - 0.840618) < 1e-6);
	assert_int_equal(f[SENS_LANGUAGE].images, 2);
	assert_false(f[SENS_FLIP].present);
	assert_false(f[SENS_BLIND_GAP].present);
	metrics_release(&m);
	buf_release(&b);
}

/*
 * Vision: two left/right items whose truth flips when mirrored.
 * C: orig yes (label yes), hflip no (label no): flipped, both right.
 * D: orig yes (label yes), hflip yes (label no): not flipped, one wrong.
 * -> visual_flip 1/2, pair accuracy 1/2.  Keep: relation must not flip;
 * our journal keeps relation "left of" for all, so "should stay" pairs are
 * those whose labels agree: E orig no / hflip no (labels no, no): kept;
 * F orig yes / hflip no (labels yes, yes): not kept -> keep 1/2.
 * Blind: G orig right, blind wrong; H orig right, blind right ->
 * gap (1 - 0 + 1 - 1) / 2 = 1/2, accuracy with image 1, without 1/2.
 */
static void test_vision_by_hand(void **state)
{
	struct buf b = BUF_INIT;
	struct metrics m;
	const struct sens_value *f;

	(void)state;
	line(&b, "C", "c.jpg", "t1", "base", Y, Y);
	line(&b, "C", "c.jpg", "t1", "hflip", N, N);
	line(&b, "D", "d.jpg", "t1", "base", Y, Y);
	line(&b, "D", "d.jpg", "t1", "hflip", N, Y);
	line(&b, "E", "e.jpg", "t1", "base", N, N);
	line(&b, "E", "e.jpg", "t1", "hflip", N, N);
	line(&b, "F", "f.jpg", "t1", "base", Y, Y);
	line(&b, "F", "f.jpg", "t1", "hflip", Y, N);
	line(&b, "G", "g.jpg", "t1", "base", Y, Y);
	line(&b, "G", "g.jpg", "t1", "blind", Y, N);
	line(&b, "H", "h.jpg", "t1", "base", N, N);
	line(&b, "H", "h.jpg", "t1", "blind", N, N);
	metrics_of(b.ptr, &m);
	f = m.suites[0].sens.fig;
	assert_true(fabs(f[SENS_FLIP].value - 0.5) < 1e-12);
	assert_int_equal(f[SENS_FLIP].n, 2);
	assert_true(f[SENS_FLIP].num == 1.0);
	assert_true(fabs(f[SENS_FLIP_PAIR].value - 0.5) < 1e-12);
	assert_true(fabs(f[SENS_KEEP].value - 0.5) < 1e-12);
	assert_int_equal(f[SENS_KEEP].n, 2);
	assert_true(fabs(f[SENS_BLIND_GAP].value - 0.5) < 1e-12);
	assert_true(fabs(f[SENS_ACC_IMAGE].value - 1.0) < 1e-12);
	assert_true(fabs(f[SENS_ACC_BLIND].value - 0.5) < 1e-12);
	/* One variant per item: no language figure. */
	assert_false(f[SENS_LANGUAGE].present);
	assert_int_equal(m.suites[0].sens.clusters, 6);
	metrics_release(&m);
	buf_release(&b);
}

/*
 * docs/diagnosis.md: valid pairs only, the invalid pairs' shares beside each
 * figure, the repeat noise floor.  I = invalid (an unparseable reply).
 *
 * Language (base variant, four or two wordings):
 *   A: y, I, y, n (label y): 6 pairs, 3 with an I; of the 3 valid pairs
 *      (y,y) same, (y,n) (y,n) differ -> 2/3; invalid share 3/6.
 *   B: I, I: no valid pair (two unparseable replies do not "agree"): no
 *      language value; invalid share 1/1.
 *   C: n, n (label n): 1 valid pair, same -> 0; invalid share 0.
 *   language = (2/3 + 0) / 2 = 1/3 over 2 items; language_invalid =
 *   (1/2 + 1 + 0) / 3 = 1/2; consistency (right under every wording): C
 *   only -> 1/3.
 * Mirroring (one wording each):
 *   D: base y (label y), hflip I (label n): truth flips, pair invalid.
 *   E: base y (label y), hflip n (label n): flips, valid, flipped, both right.
 *   -> visual_flip 1/1; visual_flip_invalid 1/2; pair accuracy 1/2.
 *   F: base I, hflip I (labels y, y): truth stays, pair invalid (not "stayed").
 *   G: base n, hflip n (labels n, n): stayed.  H: base y, hflip n (y, y): moved.
 *   -> visual_keep 1/2; visual_keep_invalid 1/3.
 * Repeat: J y/y same, K y/n differ, L I/I invalid ->
 *   repeat 1/2 over 2; repeat_invalid 1/3.
 */
#define I ANS_INVALID
static void test_invalid_pairs_by_hand(void **state)
{
	struct buf b = BUF_INIT;
	struct metrics m;
	const struct sens_value *f;

	(void)state;
	line(&b, "A", "a.jpg", "t1", "base", Y, Y);
	line(&b, "A", "a.jpg", "t2", "base", Y, I);
	line(&b, "A", "a.jpg", "t3", "base", Y, Y);
	line(&b, "A", "a.jpg", "t4", "base", Y, N);
	line(&b, "B", "b.jpg", "t1", "base", Y, I);
	line(&b, "B", "b.jpg", "t2", "base", Y, I);
	line(&b, "C", "c.jpg", "t1", "base", N, N);
	line(&b, "C", "c.jpg", "t2", "base", N, N);
	line(&b, "D", "d.jpg", "t1", "base", Y, Y);
	line(&b, "D", "d.jpg", "t1", "hflip", N, I);
	line(&b, "E", "e.jpg", "t1", "base", Y, Y);
	line(&b, "E", "e.jpg", "t1", "hflip", N, N);
	line(&b, "F", "f.jpg", "t1", "base", Y, I);
	line(&b, "F", "f.jpg", "t1", "hflip", Y, I);
	line(&b, "G", "g.jpg", "t1", "base", N, N);
	line(&b, "G", "g.jpg", "t1", "hflip", N, N);
	line(&b, "H", "h.jpg", "t1", "base", Y, Y);
	line(&b, "H", "h.jpg", "t1", "hflip", Y, N);
	line(&b, "J", "j.jpg", "t1", "base", Y, Y);
	line(&b, "J", "j.jpg", "t1", "repeat", Y, Y);
	line(&b, "K", "k.jpg", "t1", "base", Y, Y);
	line(&b, "K", "k.jpg", "t1", "repeat", Y, N);
	line(&b, "L", "l.jpg", "t1", "base", Y, I);
	line(&b, "L", "l.jpg", "t1", "repeat", Y, I);
	metrics_of(b.ptr, &m);
	f = m.suites[0].sens.fig;
	assert_true(fabs(f[SENS_LANGUAGE].value - 1.0 / 3) < 1e-12);
	assert_int_equal(f[SENS_LANGUAGE].n, 2);
	assert_true(fabs(f[SENS_LANGUAGE_INVALID].value - 0.5) < 1e-12);
	assert_int_equal(f[SENS_LANGUAGE_INVALID].n, 3);
	assert_true(fabs(f[SENS_CONSISTENCY].value - 1.0 / 3) < 1e-12);
	assert_true(fabs(f[SENS_FLIP].value - 1.0) < 1e-12);
	assert_int_equal(f[SENS_FLIP].n, 1);
	assert_true(fabs(f[SENS_FLIP_INVALID].value - 0.5) < 1e-12);
	assert_int_equal(f[SENS_FLIP_INVALID].n, 2);
	assert_true(fabs(f[SENS_FLIP_PAIR].value - 0.5) < 1e-12);
	assert_int_equal(f[SENS_FLIP_PAIR].n, 2);
	assert_true(fabs(f[SENS_KEEP].value - 0.5) < 1e-12);
	assert_int_equal(f[SENS_KEEP].n, 2);
	assert_true(fabs(f[SENS_KEEP_INVALID].value - 1.0 / 3) < 1e-12);
	assert_int_equal(f[SENS_KEEP_INVALID].n, 3);
	assert_true(fabs(f[SENS_REPEAT].value - 0.5) < 1e-12);
	assert_int_equal(f[SENS_REPEAT].n, 2);
	assert_true(fabs(f[SENS_REPEAT_INVALID].value - 1.0 / 3) < 1e-12);
	assert_int_equal(f[SENS_REPEAT_INVALID].n, 3);
	/* No blind variant: no blind figure. */
	assert_false(f[SENS_BLIND_GAP].present);
	metrics_release(&m);
	buf_release(&b);
}
#undef I

/* Several captions of one image are one cluster. */
static void test_clusters_are_images(void **state)
{
	struct buf b = BUF_INIT;
	struct metrics m;

	(void)state;
	line(&b, "I1", "same.jpg", "t1", "base", Y, Y);
	line(&b, "I1", "same.jpg", "t2", "base", Y, N);
	line(&b, "I2", "same.jpg", "t1", "base", Y, Y);
	line(&b, "I2", "same.jpg", "t2", "base", Y, Y);
	metrics_of(b.ptr, &m);
	assert_int_equal(m.suites[0].sens.clusters, 1);
	/*
	 * One cluster: every resample is the whole data, a point at 0.5; the
	 * interval is the floor, Wilson's for 0.5 of one image (by hand: centre
	 * 0.5, half-width z sqrt(1/4 + z^2/4) / (1 + z^2) = 0.445379).
	 */
	assert_true(fabs(m.suites[0].sens.fig[SENS_LANGUAGE].value - 0.5) < 1e-12);
	assert_true(fabs(m.suites[0].sens.fig[SENS_LANGUAGE].ci_low - 0.054621) < 1e-6);
	assert_true(fabs(m.suites[0].sens.fig[SENS_LANGUAGE].ci_high - 0.945379) < 1e-6);
	metrics_release(&m);
	buf_release(&b);
}

/*
 * Few images, all agreeing: the bootstrap collapses to a point, the floor
 * does not.  Three images, each with two wordings of a left/right item
 * whose every mirrored answer flipped and is right, and a blind pair that
 * changed nothing (right with and without the image).
 *   visual_flip 6/6 over 3 images: Wilson's 3 of 3 is [3 / (3 + z^2), 1]
 *   = [0.438503, 1] (the bootstrap alone: [1, 1]).
 *   blind_gap 0: gain = loss = 0 over 3 images, each floored at Wilson's
 *   0 of 3, [0, z^2 / (3 + z^2)] = [0, 0.561497]; square-and-add gives
 *   +-0.561497 (the bootstrap alone: [0, 0]).
 */
static void test_small_samples_are_wide(void **state)
{
	struct buf b = BUF_INIT;
	struct metrics m;
	const struct sens_value *f;
	static const char *const img[] = { "a.jpg", "b.jpg", "c.jpg" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		char item[2] = { (char)('A' + i), 0 };
		line(&b, item, img[i], "t1", "base", Y, Y);
		line(&b, item, img[i], "t1", "hflip", N, N);
		line(&b, item, img[i], "t2", "base", Y, Y);
		line(&b, item, img[i], "t2", "hflip", N, N);
		line(&b, item, img[i], "t1", "blind", Y, Y);
	}
	metrics_of(b.ptr, &m);
	f = m.suites[0].sens.fig;
	assert_true(fabs(f[SENS_FLIP].value - 1) < 1e-12);
	assert_int_equal(f[SENS_FLIP].n, 6);
	assert_int_equal(f[SENS_FLIP].images, 3);
	assert_true(fabs(f[SENS_FLIP].ci_low - 0.438503) < 1e-6);
	assert_true(fabs(f[SENS_FLIP].ci_high - 1) < 1e-12);
	assert_true(fabs(f[SENS_BLIND_GAP].value) < 1e-12);
	assert_true(fabs(f[SENS_BLIND_GAP].ci_low + 0.561497) < 1e-6);
	assert_true(fabs(f[SENS_BLIND_GAP].ci_high - 0.561497) < 1e-6);
	metrics_release(&m);
	buf_release(&b);
}

/*
 * Do the templates differ?  Cochran's Q by hand.  Items (rows) right (1) or
 * wrong (0) under templates t1 t2 t3, base variant:
 *   A 1 1 0,  B 1 0 0,  C 1 1 1,  D 0 0 0,  E 1 (t1 only: not asked with all three)
 * Each on its own image: over A-D, C_j = 3, 2, 1 (sum of squares 14), N = 6,
 * R_i = 2, 1, 3, 0 (sum of squares 14), k = 3: Q = 2 (3 * 14 - 36) / (3 * 6 -
 * 14) = 3; with 2 degrees of freedom p = exp(-3 / 2) = 0.223130.  The
 * converse lines are other wordings, not templates: left out.
 * A and B on one image, C and D on another: the blocks are A + B = 2 1 0 and
 * C + D = 1 1 1; C_j the same, sum (C_j - 2)^2 = 2, the blocks' squared
 * deviations from their means 2 and 0: Q = 2 * 2 / 2 = 2, p = exp(-1) =
 * 0.367879.  All four on one image: no test (one block).
 */
static void templates_case(const char *const img[4], struct metrics *m)
{
	struct buf b = BUF_INIT;
	static const int right[4][3] = { { 1, 1, 0 }, { 1, 0, 0 }, { 1, 1, 1 }, { 0, 0, 0 } };
	static const char *const tpl[3] = { "t1", "t2", "t3" };

	for (int i = 0; i < 4; i++) {
		char item[2] = { (char)('A' + i), 0 };
		for (int j = 0; j < 3; j++)
			line(&b, item, img[i], tpl[j], "base", Y, right[i][j] ? Y : N);
		line(&b, item, img[i], "t1", "converse", Y, N);
	}
	line(&b, "E", "e.jpg", "t1", "base", Y, Y);
	metrics_of(b.ptr, m);
	buf_release(&b);
}

static void test_templates_cochran_by_hand(void **state)
{
	static const char *const own[4] = { "a.jpg", "b.jpg", "c.jpg", "d.jpg" };
	static const char *const two[4] = { "x.jpg", "x.jpg", "y.jpg", "y.jpg" };
	static const char *const one[4] = { "x.jpg", "x.jpg", "x.jpg", "x.jpg" };
	struct metrics m;
	const struct sens_cochran *t;

	(void)state;
	templates_case(own, &m);
	t = &m.suites[0].sens.templates;
	assert_true(t->present);
	assert_int_equal(t->k, 3);
	assert_int_equal(t->items, 4);
	assert_int_equal(t->images, 4);
	assert_true(fabs(t->q - 3) < 1e-12);
	assert_true(fabs(t->p - 0.223130) < 1e-6);
	metrics_release(&m);

	templates_case(two, &m);
	t = &m.suites[0].sens.templates;
	assert_true(t->present);
	assert_int_equal(t->items, 4);
	assert_int_equal(t->images, 2);
	assert_true(fabs(t->q - 2) < 1e-12);
	assert_true(fabs(t->p - 0.367879) < 1e-6);
	metrics_release(&m);

	templates_case(one, &m);
	assert_false(m.suites[0].sens.templates.present);
	metrics_release(&m);
}

/*
 * Two runs' figure paired by image (compare).  By hand, z = 1.959964:
 * 1. The same 30 images, every image's language 0.5 in both runs: change 0,
 *    every resample 0, so the interval is the floor: each run's Wilson
 *    interval of 0.5 over 30 images, 0.5 +- 0.168459 (center (p + z^2/2n) /
 *    (1 + z^2/n) = 0.5, half z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)),
 *    combined by square-and-add: +-0.168459 sqrt(2) = +-0.238237.  Images
 *    of one run only (id 100, 101) are left out.
 * 2. 40 images: 20 right in the candidate only, 20 wrong in both.  Change
 *    0.5.  Floor: base 0 of 40, Wilson [0, z^2/(n + z^2)] = [0, 0.087622];
 *    candidate 0.5 of 40, [0.351995, 0.648005]; lower end 0.5 -
 *    sqrt(0.148005^2 + 0.087622^2) = 0.328003, upper 0.648005.  The
 *    bootstrap's upper end is the 97.5% point of Binomial(40, 1/2) / 40:
 *    26/40 (P(X <= 25) = 0.9597, P(X <= 26) = 0.9808), above the floor's
 *    0.648005; 27/40 allowed for the 2000 resamples' own spread.
 */
static void test_sens_paired_by_hand(void **state)
{
	struct sens_cluster b[32], c[32], b2[40], c2[40];
	struct sens_change ch;

	(void)state;
	memset(b, 0, sizeof(b));
	memset(c, 0, sizeof(c));
	for (int i = 0; i < 32; i++) {
		b[i].id = (uint64_t)(i < 30 ? i : 100 + i); /* sorted; 130, 131 in base only */
		c[i].id = (uint64_t)(i < 30 ? i : 200 + i);
		b[i].num[SENS_LANGUAGE] = c[i].num[SENS_LANGUAGE] = 1.5;
		b[i].den[SENS_LANGUAGE] = c[i].den[SENS_LANGUAGE] = 3;
	}
	sens_paired(b, 32, c, 32, SENS_LANGUAGE, 2000, 1, &ch);
	assert_true(ch.present);
	assert_int_equal(ch.images, 30);
	assert_true(fabs(ch.base - 0.5) < 1e-12 && fabs(ch.cand - 0.5) < 1e-12 && fabs(ch.change) < 1e-12);
	assert_true(fabs(ch.lo + 0.238237) < 1e-6 && fabs(ch.hi - 0.238237) < 1e-6);

	memset(b2, 0, sizeof(b2));
	memset(c2, 0, sizeof(c2));
	for (int i = 0; i < 40; i++) {
		b2[i].id = c2[i].id = (uint64_t)i;
		b2[i].den[SENS_CONSISTENCY] = c2[i].den[SENS_CONSISTENCY] = 1;
		c2[i].num[SENS_CONSISTENCY] = i % 2;
	}
	sens_paired(b2, 40, c2, 40, SENS_CONSISTENCY, 2000, 7, &ch);
	assert_int_equal(ch.images, 40);
	assert_true(fabs(ch.change - 0.5) < 1e-12);
	assert_true(fabs(ch.lo - 0.328003) < 1e-6);
	assert_true(fabs(ch.hi - 26.0 / 40) < 1e-12 || fabs(ch.hi - 27.0 / 40) < 1e-12);

	/* No image in common: nothing to say. */
	sens_paired(b2, 20, c2 + 20, 20, SENS_CONSISTENCY, 2000, 7, &ch);
	assert_false(ch.present);
}

/* The chi-square tail against printed tables (95% points) and closed forms. */
static void test_chi2_sf(void **state)
{
	(void)state;
	assert_true(fabs(chi2_sf(3.841459, 1) - 0.05) < 1e-6);
	assert_true(fabs(chi2_sf(5.991465, 2) - 0.05) < 1e-6);
	assert_true(fabs(chi2_sf(49.801850, 35) - 0.05) < 1e-6);
	assert_true(fabs(chi2_sf(6.635, 1) - 0.0100) < 1e-4);
	/* Below the mean (the series' side) and far above it (the fraction's). */
	assert_true(fabs(chi2_sf(1, 10) - 0.999828) < 1e-6);
	assert_true(fabs(chi2_sf(100, 2) - exp(-50)) < 1e-25);
	assert_true(chi2_sf(0, 5) == 1);
}

static uint64_t rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Coverage: 300 simulated studies of 150 images with 1-4 items each, each
 * item "changes" with probability 0.3 shared per image (a cluster effect:
 * the image's own rate is 0.3 +- 0.15).  The 95% interval should cover the
 * true mean 0.3 in about 95% of studies; we accept 90%..99%.
 */
static void test_bootstrap_coverage(void **state)
{
	size_t covered = 0, studies = 300, n = 150;
	uint64_t s = 12345;
	double num[150], den[150];

	(void)state;
	for (size_t st = 0; st < studies; st++) {
		double lo, hi;
		for (size_t i = 0; i < n; i++) {
			double p = 0.15 + 0.3 * (double)(rng(&s) >> 11) / 9007199254740992.0;
			size_t items = 1 + rng(&s) % 4;
			num[i] = 0;
			den[i] = (double)items;
			for (size_t k = 0; k < items; k++)
				num[i] += (double)(rng(&s) >> 11) / 9007199254740992.0 < p;
		}
		sens_bootstrap(num, den, n, 400, st + 1, &lo, &hi);
		covered += lo <= 0.3 && 0.3 <= hi;
	}
	if (covered < studies * 90 / 100 || covered > studies * 99 / 100)
		fail_msg("bootstrap covered the truth in %zu of %zu studies", covered, studies);
}

/* ---- hflip ---------------------------------------------------------------- */

static unsigned char *pattern(int w, int h)
{
	unsigned char *px = malloc((size_t)w * (size_t)h * 3);

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = px + 3 * (y * w + x);
			p[0] = (unsigned char)(x * 255 / w);
			p[1] = (unsigned char)(y * 255 / h);
			p[2] = (unsigned char)((x < w / 3) ? 200 : 20);
		}
	return px;
}

static void encode_jpeg(const unsigned char *px, int w, int h, struct image *out)
{
	tjhandle tj = tjInitCompress();
	unsigned char *buf = NULL;
	unsigned long len = 0;

	assert_int_equal(tjCompress2(tj, px, w, 0, h, TJPF_RGB, &buf, &len, TJSAMP_420, 90, 0), 0);
	out->bytes = malloc(len);
	memcpy(out->bytes, buf, len);
	out->len = len;
	out->mime = "image/jpeg";
	tjFree(buf);
	tjDestroy(tj);
}

static unsigned char *decode_jpeg(const struct image *in, int w, int h)
{
	tjhandle tj = tjInitDecompress();
	unsigned char *px = malloc((size_t)w * (size_t)h * 3);

	assert_int_equal(tjDecompress2(tj, in->bytes, (unsigned long)in->len, px, w, 0, h, TJPF_RGB, 0), 0);
	tjDestroy(tj);
	return px;
}

static void test_jpeg_lossless_round_trip(void **state)
{
	int w = 64, h = 48; /* whole MCUs: the lossless transform applies */
	unsigned char *px = pattern(w, h), *a, *c, *once;
	struct image in = { 0 }, f1, f2;
	char err[VSR_ERR_MAX];

	(void)state;
	encode_jpeg(px, w, h, &in);
	assert_int_equal(image_hflip(&in, &f1, err), 0);
	assert_int_equal(image_hflip(&f1, &f2, err), 0);
	a = decode_jpeg(&in, w, h);
	c = decode_jpeg(&f2, w, h);
	/* Mirroring twice gives the original pixels exactly (DCT blocks reordered). */
	assert_memory_equal(a, c, (size_t)w * (size_t)h * 3);
	/* And once mirrors: pixel (x, y) of the flip is pixel (w-1-x, y) of the original. */
	once = decode_jpeg(&f1, w, h);
	for (int y = 0; y < h; y += 7)
		for (int x = 0; x < w; x += 5)
			for (int k = 0; k < 3; k++) {
				int d = once[3 * (y * w + x) + k] - a[3 * (y * w + (w - 1 - x)) + k];
				if (abs(d) > 2)
					fail_msg("pixel (%d,%d) not mirrored: %d", x, y, d);
			}
	free(px);
	free(a);
	free(c);
	free(once);
	image_release(&in);
	image_release(&f1);
	image_release(&f2);
}

static void test_jpeg_partial_mcu_reencodes(void **state)
{
	int w = 61, h = 45; /* not whole MCUs: decoded, mirrored, re-encoded */
	unsigned char *px = pattern(w, h), *a, *c;
	struct image in = { 0 }, f1, f2;
	char err[VSR_ERR_MAX];
	double diff = 0;

	(void)state;
	encode_jpeg(px, w, h, &in);
	assert_int_equal(image_hflip(&in, &f1, err), 0);
	assert_int_equal(image_hflip(&f1, &f2, err), 0);
	a = decode_jpeg(&in, w, h);
	c = decode_jpeg(&f2, w, h);
	for (size_t i = 0; i < (size_t)w * (size_t)h * 3; i++)
		diff += abs(a[i] - c[i]);
	/* Two re-encodings at quality 95 stay close to the original. */
	assert_true(diff / ((double)w * h * 3) < 3.0);
	free(px);
	free(a);
	free(c);
	image_release(&in);
	image_release(&f1);
	image_release(&f2);
}

static void encode_png(const unsigned char *px, int w, int h, struct image *out)
{
	png_image img;
	png_alloc_size_t size = 0;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)w;
	img.height = (png_uint_32)h;
	img.format = PNG_FORMAT_RGB;
	assert_true(png_image_write_get_memory_size(img, size, 0, px, 0, NULL));
	out->bytes = malloc(size);
	assert_true(png_image_write_to_memory(&img, out->bytes, &size, 0, px, 0, NULL));
	out->len = size;
	out->mime = "image/png";
}

static unsigned char *decode_png(const struct image *in, int *w, int *h)
{
	png_image img;
	unsigned char *px;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&img, in->bytes, in->len));
	img.format = PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(img));
	assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
	*w = (int)img.width;
	*h = (int)img.height;
	return px;
}

static void test_png_round_trip(void **state)
{
	int w = 37, h = 20, w2, h2;
	unsigned char *px = pattern(w, h), *once, *twice;
	struct image in = { 0 }, f1, f2;
	char err[VSR_ERR_MAX];

	(void)state;
	encode_png(px, w, h, &in);
	assert_int_equal(image_hflip(&in, &f1, err), 0);
	assert_int_equal(image_hflip(&f1, &f2, err), 0);
	once = decode_png(&f1, &w2, &h2);
	assert_int_equal(w2, w);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			assert_memory_equal(once + 3 * (y * w + x), px + 3 * (y * w + (w - 1 - x)), 3);
	twice = decode_png(&f2, &w2, &h2);
	assert_memory_equal(twice, px, (size_t)w * (size_t)h * 3);
	free(px);
	free(once);
	free(twice);
	image_release(&in);
	image_release(&f1);
	image_release(&f2);
}

static void test_hflip_rejects_garbage(void **state)
{
	unsigned char junk[] = "GIF89a not really";
	struct image in = { .bytes = junk, .len = sizeof(junk), .mime = "image/gif" }, out;
	unsigned char bad_jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 0 };
	struct image in2 = { .bytes = bad_jpeg, .len = sizeof(bad_jpeg), .mime = "image/jpeg" };
	char err[VSR_ERR_MAX];

	(void)state;
	assert_int_equal(image_hflip(&in, &out, err), VSR_EDATA);
	assert_non_null(strstr(err, "JPEG, PNG and BMP only"));
	assert_int_equal(image_hflip(&in2, &out, err), VSR_EDATA);
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_language_by_hand),
		cmocka_unit_test(test_vision_by_hand),
		cmocka_unit_test(test_invalid_pairs_by_hand),
		cmocka_unit_test(test_clusters_are_images),
		cmocka_unit_test(test_small_samples_are_wide),
		cmocka_unit_test(test_templates_cochran_by_hand),
		cmocka_unit_test(test_sens_paired_by_hand),
		cmocka_unit_test(test_chi2_sf),
		cmocka_unit_test(test_bootstrap_coverage),
		cmocka_unit_test(test_jpeg_lossless_round_trip),
		cmocka_unit_test(test_jpeg_partial_mcu_reencodes),
		cmocka_unit_test(test_png_round_trip),
		cmocka_unit_test(test_hflip_rejects_garbage),
	};
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
