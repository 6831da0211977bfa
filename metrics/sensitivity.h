/*
 * sensitivity: the diagnosis of issue 6, from the journal alone.
 *
 * Language side (the answer must not move): for each item, the answers
 * under its meaning-preserving variants -- instruction templates, answer
 * formats, the converse caption, rotated options -- all with the original
 * image.  `language` is the share of variant pairs whose parsed answers
 * differ, averaged over items, over valid pairs only (both sides parsed); `consistency` the share of items answered
 * correctly under every variant.
 *
 * Vision side: hflip pairs (same item, template and text, image mirrored).
 * Where the truth flips (left/right relations) `visual_flip` is the share of
 * valid pairs whose answer flipped and `visual_flip_pair_accuracy` the
 * share with both answers right; where it does not, `visual_keep` is the
 * share of valid pairs whose answer stayed.  Each of language, visual_flip
 * and visual_keep has an `*_invalid` figure beside it: the share of its
 * pairs with an unparseable side, left out of it.  `repeat` is the share of
 * valid (base, repeat) pairs -- the same prompt and image sent twice -- that
 * disagree: the model's own noise, shown beside language.  `blind_gap` is accuracy with the image minus accuracy
 * without it, over matched pairs.
 *
 * Intervals: a percentile bootstrap that resamples images (VSR has several
 * captions per image, so resampling captions would be too narrow), seeded,
 * so the same journal always gives the same interval; never narrower than
 * Wilson's interval with each image one trial (few images, or images that
 * all agree, collapse a bootstrap to a point).
 */
#ifndef VSR_SENSITIVITY_H
#define VSR_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "../harness/journal.h"

struct keyset;

enum sens_figure {
	SENS_LANGUAGE = 0,
	SENS_CONSISTENCY,
	SENS_FLIP,
	SENS_FLIP_PAIR,
	SENS_KEEP,
	SENS_BLIND_GAP,
	SENS_ACC_IMAGE, /* accuracy of the image side of the blind pairs */
	SENS_ACC_BLIND,
	/* Appended (issue 14): invalid pairs' shares and the model's own noise. */
	SENS_LANGUAGE_INVALID, /* pairs with an unparseable side, over all language pairs */
	SENS_FLIP_INVALID,     /* the same over the hflip pairs whose truth flips */
	SENS_KEEP_INVALID,     /* the same over the hflip pairs whose truth stays */
	SENS_REPEAT,           /* valid (base, repeat) pairs that disagree: the model's noise */
	SENS_REPEAT_INVALID,
	SENS_N
};
/* Inside sensitivity.c two more sums ride along (the blind pairs' gains and losses). */
#define SENS_ALL (SENS_N + 2)

/* Names used in report.json ("language", "visual_flip", ...). */
extern const char *const sens_names[SENS_N];

struct sens_value {
	int present;   /* 0: the run has no such pairs */
	double value, ci_low, ci_high; /* an interval may be NaN: no resample had pairs */
	size_t n;      /* items or pairs behind the value */
	double num;    /* value = num / n: pairs, or (language) items' shares, summed */
	size_t images; /* images with such pairs: the floor under the interval counts them */
	/*
	 * The independent trials n counts as, an image's items moving together:
	 * clustered_wilson's effective n over the images' sums (metrics/stats.h);
	 * 0 for the blind gap, a difference of two shares.
	 */
	double n_eff;
};

/*
 * Do the templates' accuracies differ beyond chance?  Cochran's Q over the
 * items answered (base variant) under every template of the suite, an
 * image's items added up into one block (cochran_blocks, metrics/stats.h):
 * Q = (k - 1) sum_j (C_j - N / k)^2 / sum_i sum_j (x_ij - R_i / k)^2, x_ij
 * the items of image i template j got right, R_i their sum over templates,
 * C_j over images, N the sum of all; p from chi-square with k - 1 degrees of
 * freedom.  With one item per image this is Cochran's Q over the items.
 */
struct sens_cochran {
	int present;             /* 0: fewer than 2 templates, or such items on fewer than 2 images */
	size_t k, items, images; /* templates; items asked with all k; their images */
	double q, p;             /* q 0 and p 1 when every image's count is the same under every template */
};

struct sens_result {
	struct sens_value fig[SENS_N];
	size_t clusters; /* images resampled */
	struct sens_cochran templates;
};

struct sens_rec;
struct sens_collector {
	struct sens_rec *r;
	size_t n, cap;
	int sorted; /* r is in by-item order (sens_add clears it) */
};

/* Keeps what one answered journal line says about variants (counted once per key). */
void sens_add(struct sens_collector *c, const struct sample *s, uint32_t suite_id);
/* The figures of one suite; resamples `resamples` times with `seed`. */
void sens_compute(struct sens_collector *c, uint32_t suite_id, size_t resamples, uint64_t seed,
		  struct sens_result *out);
void sens_release(struct sens_collector *c);

/*
 * Does s count (sens_add it)?  The first reply of its task key that is an
 * answer; seen holds the keys met so far (an error leaves its key unmarked).
 */
int sens_counts(struct keyset *seen, const struct sample *s);

/* One image's sums of every figure: what the bootstrap resamples. */
struct sens_cluster {
	uint64_t id; /* hash of the image (or of the item without one) */
	double num[SENS_ALL], den[SENS_ALL];
};
/* The per-image sums of one suite, sorted by id; *out is the caller's to free. */
size_t sens_clusters(struct sens_collector *c, uint32_t suite_id, struct sens_cluster **out);

/*
 * One figure of two runs over the images both have (compare): each run's
 * value there, the change (candidate - base) and its 95% interval: a
 * percentile bootstrap that resamples those images, each image carrying both
 * runs' sums (what the runs share cancels), never narrower than the two
 * runs' own floors (Wilson's with each image one trial; the blind gap's from
 * its gains and losses) combined by Newcombe's square-and-add.
 */
struct sens_change {
	int present; /* both runs have pairs of the figure on some common image */
	double base, cand, change, lo, hi;
	size_t images; /* common images with pairs of the figure in both runs */
};
void sens_paired(const struct sens_cluster *b, size_t nb, const struct sens_cluster *c, size_t nc,
		 int figure, size_t resamples, uint64_t seed, struct sens_change *out);
/* The seed of one figure's resamples: each figure its own stream, so adding one never moves another. */
uint64_t sens_stream(uint64_t seed, int figure);

/* For tests: the percentile bootstrap of a ratio of cluster sums. */
void sens_bootstrap(const double *num, const double *den, size_t n_clusters, size_t resamples,
		    uint64_t seed, double *lo, double *hi);

#endif
