#include "sensitivity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "../base/keyset.h"
#include "../base/util.h"

const char *const sens_names[SENS_N] = {
	"language", "consistency", "visual_flip", "visual_flip_pair_accuracy",
	"visual_keep", "blind_gap", "accuracy_image", "accuracy_blind",
	"language_invalid", "visual_flip_invalid", "visual_keep_invalid", "repeat", "repeat_invalid",
};

/*
 * Two internal sums beyond the figures: of the blind pairs, those right only
 * with the image (gain) and those right only without it (loss).  The blind
 * gap is their difference; its interval's floor needs them apart.
 */
#define SENS_GAIN SENS_N
#define SENS_LOSS (SENS_N + 1)

struct sens_rec {
	uint64_t item;    /* hash of the item id */
	uint64_t cluster; /* hash of the image (or the item when it has none) */
	uint64_t text;    /* hash of (template, text variant, rotation): one language variant */
	uint32_t suite;
	uint8_t img;      /* 0 original, 1 mirrored, 2 blind, 3 repeat (original, asked again) */
	int8_t label, answer;
	uint8_t correct;
	uint8_t base;     /* the variant is "base": a template as the run asked it */
};

/* "converse+hflip+rot2" -> image part and the rest (text part). */
static uint8_t image_part(const char *variant)
{
	if (strstr(variant, "repeat"))
		return 3;
	if (strstr(variant, "hflip"))
		return 1;
	if (strstr(variant, "blind"))
		return 2;
	return 0;
}

void sens_add(struct sens_collector *c, const struct sample *s, uint32_t suite_id)
{
	struct sens_rec *r;
	uint64_t h;
	const char *v = s->variant;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->r = xrealloc(c->r, c->cap * sizeof(*c->r));
	}
	r = &c->r[c->n++];
	c->sorted = 0;
	r->item = hash64_str(s->item, HASH_SEED);
	r->cluster = s->image ? hash64_str(s->image, HASH_SEED ^ 1) : r->item;
	r->suite = suite_id;
	r->img = image_part(v);
	/* The language variant: template plus the variant without its image part. */
	h = hash64_str(s->tmpl, HASH_SEED);
	h = hash64(&(int){ strstr(v, "converse") != NULL }, sizeof(int), h);
	{
		const char *rot = strstr(v, "rot");
		h = hash64_str(rot ? rot : "", h);
	}
	r->text = h;
	r->label = (int8_t)s->label;
	r->answer = (int8_t)s->answer;
	r->correct = (uint8_t)(s->correct != 0);
	r->base = !strcmp(v, "base");
}

int sens_counts(struct keyset *seen, const struct sample *s)
{
	return !s->error && keyset_add(seen, s->key) && s->outcome == SAMPLE_ANSWER;
}

static int by_item(const void *pa, const void *pb)
{
	const struct sens_rec *a = pa, *b = pb;

	if (a->suite != b->suite)
		return a->suite < b->suite ? -1 : 1;
	if (a->item != b->item)
		return a->item < b->item ? -1 : 1;
	if (a->text != b->text)
		return a->text < b->text ? -1 : 1;
	return a->img - b->img;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return a < b ? -1 : a > b;
}

void sens_bootstrap(const double *num, const double *den, size_t n, size_t resamples,
		    uint64_t seed, double *lo, double *hi)
{
	double *stat = xmalloc((resamples ? resamples : 1) * sizeof(*stat));
	size_t m = 0;
	uint64_t st = seed;

	for (size_t b = 0; b < resamples; b++) {
		double sn = 0, sd = 0;
		for (size_t i = 0; i < n; i++) {
			/* Lemire's multiply-shift: an unbiased-enough index for n << 2^32. */
			size_t k = (size_t)(((splitmix(&st) >> 32) * (uint64_t)n) >> 32);
			sn += num[k];
			sd += den[k];
		}
		if (sd > 0)
			stat[m++] = sn / sd;
	}
	if (!m) {
		*lo = *hi = NAN;
	} else {
		qsort(stat, m, sizeof(*stat), cmp_double);
		*lo = stat[(size_t)floor(0.025 * (double)(m - 1))];
		*hi = stat[(size_t)ceil(0.975 * (double)(m - 1))];
	}
	free(stat);
}

static int by_cluster(const void *pa, const void *pb)
{
	const struct sens_cluster *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

/* Items are contiguous after sorting; adds one item's contributions. */
static void item_figures(const struct sens_rec *r, size_t n, double *num, double *den)
{
	size_t n_orig = 0, yes = 0, no = 0, inv = 0, right = 0;

	for (size_t i = 0; i < n; i++) {
		if (r[i].img != 0)
			continue;
		n_orig++;
		right += r[i].correct;
		if (r[i].answer == ANS_YES)
			yes++;
		else if (r[i].answer == ANS_NO)
			no++;
		else if (r[i].answer == ANS_INVALID)
			inv++;
	}
	if (n_orig >= 2) {
		/* Valid pairs only: two unparseable replies do not "agree". */
		size_t n_valid = n_orig - inv;
		double pairs = (double)n_orig * (double)(n_orig - 1) / 2;
		double vpairs = (double)n_valid * (double)(n_valid ? n_valid - 1 : 0) / 2, same = 0;
		if (yes + no + inv == n_orig) {
			same = (double)(yes * (yes ? yes - 1 : 0) + no * (no ? no - 1 : 0)) / 2;
		} else {
			/* Letters of multiple-choice answers: count equal pairs directly. */
			for (size_t i = 0; i < n; i++)
				for (size_t j = i + 1; j < n; j++)
					if (!r[i].img && !r[j].img && r[i].answer == r[j].answer &&
					    r[i].answer != ANS_INVALID)
						same++;
		}
		if (vpairs > 0) {
			num[SENS_LANGUAGE] += (vpairs - same) / vpairs;
			den[SENS_LANGUAGE] += 1;
		}
		num[SENS_LANGUAGE_INVALID] += (pairs - vpairs) / pairs;
		den[SENS_LANGUAGE_INVALID] += 1;
		num[SENS_CONSISTENCY] += right == n_orig;
		den[SENS_CONSISTENCY] += 1;
	}
	/* Records of one language variant are adjacent, ordered orig, hflip, blind. */
	for (size_t i = 0; i < n; i++) {
		const struct sens_rec *o = &r[i];
		if (o->img != 0)
			continue;
		for (size_t j = i + 1; j < n && r[j].text == o->text; j++) {
			const struct sens_rec *v = &r[j];
			int valid = v->answer != ANS_INVALID && o->answer != ANS_INVALID;
			if (v->img == 1 && v->label != o->label) {
				if (valid) {
					num[SENS_FLIP] += v->answer != o->answer;
					den[SENS_FLIP] += 1;
				}
				num[SENS_FLIP_INVALID] += !valid;
				den[SENS_FLIP_INVALID] += 1;
				num[SENS_FLIP_PAIR] += v->correct && o->correct;
				den[SENS_FLIP_PAIR] += 1;
			} else if (v->img == 1) {
				if (valid) {
					num[SENS_KEEP] += v->answer == o->answer;
					den[SENS_KEEP] += 1;
				}
				num[SENS_KEEP_INVALID] += !valid;
				den[SENS_KEEP_INVALID] += 1;
			} else if (v->img == 3) {
				if (valid) {
					num[SENS_REPEAT] += v->answer != o->answer;
					den[SENS_REPEAT] += 1;
				}
				num[SENS_REPEAT_INVALID] += !valid;
				den[SENS_REPEAT_INVALID] += 1;
			} else if (v->img == 2) {
				num[SENS_BLIND_GAP] += (double)o->correct - (double)v->correct;
				den[SENS_BLIND_GAP] += 1;
				num[SENS_ACC_IMAGE] += o->correct;
				den[SENS_ACC_IMAGE] += 1;
				num[SENS_ACC_BLIND] += v->correct;
				den[SENS_ACC_BLIND] += 1;
				num[SENS_GAIN] += o->correct && !v->correct;
				den[SENS_GAIN] += 1;
				num[SENS_LOSS] += v->correct && !o->correct;
				den[SENS_LOSS] += 1;
			}
		}
	}
}

/*
 * The floor under a bootstrap interval (docs/diagnosis.md): it is never
 * narrower than Wilson's interval with each image one trial.  A percentile
 * bootstrap over few images, or over images that all agree (every pair
 * flipped, no pair moved), collapses to a point: 3 images of which every
 * mirrored pair flipped gave [100, 100] and the verdict "follows the image";
 * Wilson's 3 of 3 is [44, 100].  Many pairs of one image are not many
 * images, so the floor counts images, not pairs.
 */
static void sens_floor(struct sens_value *v)
{
	double lo, hi;

	if (!v->images)
		return;
	wilson_share(v->value, (double)v->images, Z95, &lo, &hi);
	v->ci_low = isnan(v->ci_low) ? lo : fmin(v->ci_low, lo);
	v->ci_high = isnan(v->ci_high) ? hi : fmax(v->ci_high, hi);
}

/*
 * The blind gap is gain - loss (shares of its pairs right only with the
 * image, right only without it); its floor combines their Wilson intervals,
 * each image one trial, by Newcombe's square-and-add (MOVER).  A model whose
 * answers never change without the image has gain = loss = 0 and a floor of
 * +-(Wilson's upper end of 0 of n images): +-56 points over 3 images, +-1.9
 * over 200.
 */
static void sens_floor_gap(double gain, double loss, size_t images, struct sens_value *v)
{
	double gl, gh, ll, lh, lo, hi;

	if (!images)
		return;
	wilson_share(gain, (double)images, Z95, &gl, &gh);
	wilson_share(loss, (double)images, Z95, &ll, &lh);
	lo = v->value - sqrt((gain - gl) * (gain - gl) + (lh - loss) * (lh - loss));
	hi = v->value + sqrt((gh - gain) * (gh - gain) + (loss - ll) * (loss - ll));
	v->ci_low = isnan(v->ci_low) ? lo : fmin(v->ci_low, lo);
	v->ci_high = isnan(v->ci_high) ? hi : fmax(v->ci_high, hi);
}

/* An item asked with every template: its image and where its row starts. */
struct q_row {
	uint64_t cluster;
	size_t at;
};

static int by_q_cluster(const void *pa, const void *pb)
{
	const struct q_row *a = pa, *b = pb;

	if (a->cluster != b->cluster)
		return a->cluster < b->cluster ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

/*
 * Cochran's Q over the suite's records (sorted by item), an image's items
 * added up into one block: see sensitivity.h and cochran_blocks.
 */
static void template_test(const struct sens_rec *r, size_t n, struct sens_cochran *out)
{
	struct u64map col = U64MAP_INIT; /* template (text) -> column + 1 */
	struct q_row *rows = NULL;
	uint8_t *right = NULL; /* items x ncol: 1 when the item was right under the template */
	double *x = NULL;      /* blocks x ncol: the same summed over an image's items */
	size_t ncol = 0, items = 0, cap = 0, blocks = 0;
	uint64_t at;

	for (size_t i = 0; i < n; i++)
		if (r[i].base && !u64map_get(&col, r[i].text, &at))
			u64map_put(&col, r[i].text, ++ncol);
	memset(out, 0, sizeof(*out));
	if (ncol < 2)
		goto out;
	for (size_t i = 0, j; i < n; i = j) {
		size_t m = 0;
		uint64_t cluster = 0;
		for (j = i; j < n && r[j].item == r[i].item; j++)
			if (r[j].base) {
				m++;
				cluster = r[j].cluster;
			}
		if (m != ncol) /* not asked (or not answered) under every template */
			continue;
		if (items == cap) {
			cap = cap ? 2 * cap : 64;
			rows = xrealloc(rows, cap * sizeof(*rows));
			right = xrealloc(right, cap * ncol);
		}
		rows[items] = (struct q_row){ cluster, items * ncol };
		memset(right + items * ncol, 0, ncol);
		for (size_t t = i; t < j; t++)
			if (r[t].base && r[t].correct && u64map_get(&col, r[t].text, &at))
				right[items * ncol + at - 1] = 1;
		items++;
	}
	if (items < 2)
		goto out;
	qsort(rows, items, sizeof(*rows), by_q_cluster);
	x = xcalloc(items * ncol, sizeof(*x));
	for (size_t i = 0; i < items; i++) {
		if (i && rows[i].cluster != rows[i - 1].cluster)
			blocks++;
		for (size_t t = 0; t < ncol; t++)
			x[blocks * ncol + t] += right[rows[i].at + t];
	}
	blocks++;
	if (blocks < 2) /* one image: its templates' order is all there is */
		goto out;
	out->present = 1;
	out->k = ncol;
	out->items = items;
	out->images = blocks;
	cochran_blocks(x, blocks, ncol, &out->q, &out->p);
out:
	free(x);
	free(right);
	free(rows);
	u64map_release(&col);
}

/*
 * One run's figure over the common images with its floor alone (the
 * interval sens_compute gives it before the bootstrap widens it): sums are
 * that run's num, den, gain and loss.
 */
static void floor_of(int f, const double *sum, size_t images, struct sens_value *v)
{
	memset(v, 0, sizeof(*v));
	v->value = sum[0] / sum[1];
	v->images = images;
	v->ci_low = v->ci_high = NAN;
	if (f == SENS_BLIND_GAP)
		sens_floor_gap(sum[2] / sum[1], sum[3] / sum[1], images, v);
	else
		sens_floor(v);
}

void sens_paired(const struct sens_cluster *b, size_t nb, const struct sens_cluster *c, size_t nc,
		 int f, size_t resamples, uint64_t seed, struct sens_change *out)
{
	/* Per common image: base num, den, cand num, den. */
	double (*v)[4] = xmalloc((nb < nc ? nb : nc) * sizeof(*v) + 1);
	double sb[4] = { 0 }, sc[4] = { 0 }; /* num, den, gain, loss of each run */
	struct sens_value fb, fc;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0, j = 0; i < nb && j < nc;) {
		if (b[i].id != c[j].id) {
			b[i].id < c[j].id ? i++ : j++;
			continue;
		}
		if (b[i].den[f] > 0 && c[j].den[f] > 0) {
			const struct sens_cluster *side[2] = { &b[i], &c[j] };
			double *sum[2] = { sb, sc };
			for (int k = 0; k < 2; k++) {
				v[n][2 * k] = side[k]->num[f];
				v[n][2 * k + 1] = side[k]->den[f];
				sum[k][0] += side[k]->num[f];
				sum[k][1] += side[k]->den[f];
				sum[k][2] += side[k]->num[SENS_GAIN];
				sum[k][3] += side[k]->num[SENS_LOSS];
			}
			n++;
		}
		i++;
		j++;
	}
	if (!n) {
		free(v);
		return;
	}
	out->present = 1;
	out->images = n;
	out->base = sb[0] / sb[1];
	out->cand = sc[0] / sc[1];
	out->change = out->cand - out->base;
	/*
	 * The floor: each run's own floor (Wilson's with each image one trial),
	 * combined by Newcombe's square-and-add, so the change is never known
	 * better than the figures it is made of; a bootstrap over images that
	 * all agree would collapse to a point.
	 */
	floor_of(f, sb, n, &fb);
	floor_of(f, sc, n, &fc);
	out->lo = out->change - sqrt((fc.value - fc.ci_low) * (fc.value - fc.ci_low) +
				     (fb.ci_high - fb.value) * (fb.ci_high - fb.value));
	out->hi = out->change + sqrt((fc.ci_high - fc.value) * (fc.ci_high - fc.value) +
				     (fb.value - fb.ci_low) * (fb.value - fb.ci_low));
	if (resamples && n >= 2) {
		double *stat = xmalloc(resamples * sizeof(*stat));
		uint64_t st = seed;
		for (size_t r = 0; r < resamples; r++) {
			double t[4] = { 0 };
			for (size_t i = 0; i < n; i++) {
				size_t k = (size_t)(((splitmix(&st) >> 32) * (uint64_t)n) >> 32);
				for (int q = 0; q < 4; q++)
					t[q] += v[k][q];
			}
			stat[r] = t[2] / t[3] - t[0] / t[1]; /* every image has both dens > 0 */
		}
		qsort(stat, resamples, sizeof(*stat), cmp_double);
		out->lo = fmin(out->lo, stat[(size_t)floor(0.025 * (double)(resamples - 1))]);
		out->hi = fmax(out->hi, stat[(size_t)ceil(0.975 * (double)(resamples - 1))]);
		free(stat);
	}
	free(v);
}

uint64_t sens_stream(uint64_t seed, int figure)
{
	return seed + (uint64_t)figure * 0x632be59bd9b4e019ULL;
}

/* Sorts c's records by item (once); [*s0, *s1) are suite_id's. */
static void suite_span(struct sens_collector *c, uint32_t suite_id, size_t *s0, size_t *s1)
{
	if (c->n && !c->sorted) /* qsort's pointer must not be NULL, even for no elements */
		qsort(c->r, c->n, sizeof(*c->r), by_item);
	c->sorted = 1;
	for (*s0 = 0; *s0 < c->n && c->r[*s0].suite != suite_id; ++*s0)
		;
	for (*s1 = *s0; *s1 < c->n && c->r[*s1].suite == suite_id; ++*s1)
		;
}

/* The per-image sums of the records [s0, s1) of one suite, sorted by item. */
static size_t clusters_of(const struct sens_rec *r, size_t s0, size_t s1, struct sens_cluster **out)
{
	struct sens_cluster *cl = NULL;
	struct u64map at = U64MAP_INIT; /* cluster id -> index + 1 */
	size_t n_cl = 0, cap = 0, i = s0;

	while (i < s1) {
		size_t j = i;
		double num[SENS_ALL] = { 0 }, den[SENS_ALL] = { 0 };
		uint64_t k;

		while (j < s1 && r[j].item == r[i].item)
			j++;
		item_figures(&r[i], j - i, num, den);
		/* The items of one image add up into one cluster. */
		if (!u64map_get(&at, r[i].cluster, &k)) {
			if (n_cl == cap) {
				cap = cap ? cap * 2 : 256;
				cl = xrealloc(cl, cap * sizeof(*cl));
			}
			memset(&cl[n_cl], 0, sizeof(cl[n_cl]));
			cl[n_cl].id = r[i].cluster;
			u64map_put(&at, r[i].cluster, ++n_cl);
			k = n_cl;
		}
		for (int f = 0; f < SENS_ALL; f++) {
			cl[k - 1].num[f] += num[f];
			cl[k - 1].den[f] += den[f];
		}
		i = j;
	}
	u64map_release(&at);
	/* Resampling order must not depend on the journal's order. */
	if (n_cl)
		qsort(cl, n_cl, sizeof(*cl), by_cluster);
	*out = cl;
	return n_cl;
}

size_t sens_clusters(struct sens_collector *c, uint32_t suite_id, struct sens_cluster **out)
{
	size_t s0, s1;

	suite_span(c, suite_id, &s0, &s1);
	return clusters_of(c->r, s0, s1, out);
}

/* The trials the figure counts as, its images' items not independent (clustered_wilson). */
static double effective_n(const double *num, const double *den, size_t n_cl)
{
	struct clustered cs = { 0 };
	double lo, hi, eff;

	for (size_t k = 0; k < n_cl; k++)
		if (den[k] > 0)
			clustered_add(&cs, num[k], den[k]);
	clustered_wilson(&cs, Z95, &lo, &hi, &eff);
	return eff;
}

void sens_compute(struct sens_collector *c, uint32_t suite_id, size_t resamples, uint64_t seed,
		  struct sens_result *out)
{
	struct sens_cluster *cl;
	size_t n_cl, s0, s1;
	double tot_num[SENS_ALL] = { 0 }, tot_den[SENS_ALL] = { 0 };
	size_t imgs[SENS_ALL] = { 0 }; /* images with pairs of each figure */

	memset(out, 0, sizeof(*out));
	suite_span(c, suite_id, &s0, &s1);
	/* No records: no pointer to offset (c->r may be NULL). */
	template_test(s1 > s0 ? c->r + s0 : NULL, s1 - s0, &out->templates);
	n_cl = clusters_of(c->r, s0, s1, &cl);
	out->clusters = n_cl;
	for (size_t k = 0; k < n_cl; k++)
		for (int f = 0; f < SENS_ALL; f++) {
			tot_num[f] += cl[k].num[f];
			tot_den[f] += cl[k].den[f];
			imgs[f] += cl[k].den[f] > 0;
		}
	for (int f = 0; f < SENS_N; f++) {
		double *num, *den;
		if (tot_den[f] <= 0)
			continue;
		num = xmalloc(n_cl * sizeof(*num));
		den = xmalloc(n_cl * sizeof(*den));
		for (size_t k = 0; k < n_cl; k++) {
			num[k] = cl[k].num[f];
			den[k] = cl[k].den[f];
		}
		out->fig[f].present = 1;
		out->fig[f].value = tot_num[f] / tot_den[f];
		out->fig[f].n = (size_t)tot_den[f];
		out->fig[f].num = tot_num[f];
		out->fig[f].images = imgs[f];
		if (f != SENS_BLIND_GAP)
			out->fig[f].n_eff = effective_n(num, den, n_cl);
		sens_bootstrap(num, den, n_cl, resamples, sens_stream(seed, f), &out->fig[f].ci_low,
			       &out->fig[f].ci_high);
		free(num);
		free(den);
		if (f == SENS_BLIND_GAP)
			sens_floor_gap(tot_num[SENS_GAIN] / tot_den[f], tot_num[SENS_LOSS] / tot_den[f],
				       imgs[f], &out->fig[f]);
		else
			sens_floor(&out->fig[f]);
	}
	free(cl);
}

void sens_release(struct sens_collector *c)
{
	free(c->r);
	memset(c, 0, sizeof(*c));
}
