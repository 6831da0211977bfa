/*
 * official: each benchmark's own metric, computed from the journal exactly
 * the way the benchmark's authors compute it, so the numbers can be put
 * next to a leaderboard's.
 *
 *   MME (suites mme-*): calculation.py of the MME eval tool.  Per subtask:
 *     acc = right answers / questions; acc+ = images with both questions
 *     right / images; score = (acc + acc+) x 100; the perception total is
 *     the sum over its 10 subtasks, cognition over its 4.  "Right" uses
 *     MME's own rule on the raw reply (official_mme_rule); the same figures
 *     with vsrbench's extractor are kept beside them, with the number of
 *     replies on which the two disagree.
 *   MMBench (mmbench*): CircularEval.  A question (the items of one group,
 *     index % 1000000: the question and its option rotations) is right only
 *     when every rotation is; accuracy = right questions / questions, overall,
 *     per category and per l2-category; plus the accuracy on the original
 *     rows alone (VanillaEval).
 *   SEED-Bench (seed*): accuracy per dimension and over all questions; image
 *     and video questions apart (official_seed_totals).
 *
 * Only "base" variants count (perturbed variants are not the benchmark).
 * Each template is scored on its own.  A task that only ever failed is not
 * an answer: it is left out of acc and of the question counts, and its
 * image pair or CircularEval question is counted as incomplete instead of
 * right or wrong; so is an MME image with only one of its two questions in
 * the journal (acc+ is over whole pairs).
 *
 * Life cycle (metrics_from_journal drives it): official_new, official_add for
 * every journal line in order, official_finish, then the read functions,
 * official_free.  Everything here computes; the writers that print these
 * figures (report.json, report.md, the terminal summary) are in
 * reports/official_render.c.
 */
#ifndef VSR_OFFICIAL_H
#define VSR_OFFICIAL_H

#include <stddef.h>

#include "../suites/item.h"

struct sample;
struct official;

enum official_kind { OFFICIAL_NONE = 0, OFFICIAL_MME, OFFICIAL_MMBENCH, OFFICIAL_SEED };

/*
 * Which benchmark a suite belongs to.  This is the one place that decides
 * it: a table in official.c keyed by the suite name ("mme-*"; "mmbench" and
 * "mmbench-*"; "seed" and "seed-*").  To add a benchmark: a kind above, a
 * row in that table (its name prefix and compute function) and a row in the
 * writers' table of reports/official_render.c.
 */
enum official_kind official_kind_of(const char *suite);
/* The benchmark's name as the reports print it ("MME", "MMBench", "SEED-Bench"), or "none". */
const char *official_kind_name(enum official_kind kind);

/*
 * MME's yes/no rule (calculation.py parse_pred_ans) on a raw reply: lower-
 * case it; exactly "yes" or "no" is that; otherwise its first four
 * characters (Unicode code points, as Python slices) containing "yes" is
 * yes, else containing "no" is no, else "other" (ANS_INVALID).
 */
answer_t official_mme_rule(const char *response);

/* The l2-category of an MMBench category (VLMEvalKit's names), or NULL. */
const char *official_mmbench_l2(const char *category);

struct official *official_new(void);
void official_add(struct official *o, const struct sample *s);
void official_finish(struct official *o);
void official_free(struct official *o);

/* A count of right answers (or questions) out of n. */
struct off_acc {
	const char *name; /* borrowed */
	size_t right, n;
};

/* One MME subtask of one (suite, template). */
struct off_mme_sub {
	const char *name;
	int cognition, known; /* known: one of the 14 subtasks */
	size_t questions, images; /* answered questions; whole image pairs */
	size_t right, images_right;         /* MME's rule */
	size_t right_ext, images_right_ext; /* vsrbench's extractor */
	size_t other;     /* replies MME's rule reads as neither yes nor no */
	size_t disagree;  /* replies on which the rule and the extractor differ */
	size_t failed;
	size_t incomplete_images; /* left out of acc+: a question failed or not in the journal */
	double acc, acc_plus, score, acc_ext, acc_plus_ext, score_ext;
	/* acc's 95% interval, an image's questions one cluster (stats.h: clustered_wilson). */
	double acc_lo, acc_hi;
};

/* The official figures of one (suite, template). */
#define OFF_EXAMPLES 5
#define OFF_EXAMPLE_CHARS 120

struct off_unit {
	const char *suite, *tmpl; /* borrowed */
	enum official_kind kind;
	int rule_applies; /* MME: the template's format is yes/no */
	size_t failed;    /* tasks that only failed */
	/* MME */
	struct off_mme_sub *sub;
	size_t n_sub;
	double perception, cognition, perception_ext, cognition_ext;
	size_t n_perception, n_cognition;
	/* MMBench (per CircularEval question) and SEED (per question) */
	struct off_acc overall, vanilla;
	struct off_acc *by_cat, *by_l2;
	size_t n_cat, n_l2;
	size_t incomplete; /* MMBench questions with a failed rotation */
	/* MME: the first replies the rule and the extractor read differently */
	struct off_example {
		char *item, *response; /* owned; response cut at OFF_EXAMPLE_CHARS */
		signed char label, rule, ext;
	} examples[OFF_EXAMPLES];
	size_t n_examples;
};

/* Units sorted by suite, then template. */
const struct off_unit *official_units(const struct official *o, size_t *n);
const struct off_unit *official_find(const struct official *o, const char *suite,
				     const char *tmpl);

/*
 * MME across the run's MME suites, for one template: the leaderboard's two
 * numbers.  Each of the 14 known subtasks counts once (the first suite by
 * name that has it wins); perception and cognition are the sums of their
 * subtasks' scores, in subs order.
 */
struct off_mme_total {
	const char *tmpl; /* borrowed */
	size_t suites;    /* MME suites run with this template */
	const struct off_mme_sub **subs; /* borrowed from the units */
	size_t n_subs;
	double perception, cognition;
	size_t n_perception, n_cognition;
};

/* One per template, in the order of each template's first MME unit. */
const struct off_mme_total *official_mme_totals(const struct official *o, size_t *n);

/*
 * SEED-Bench's image and video questions, for one template.  vsrbench keeps
 * them in two suites: `seed` (image questions: the native suite asks only
 * those; `score` puts a result file's image answers there) and `seed-video`
 * (the video answers of a result file).  SEED-Bench-1's own "overall" mixes
 * the two (GPT-4V's recorded file: 67.29% over all, 69.08% over the image
 * questions, which is the published image figure); the image figure is the
 * headline, the video one and the mix are beside it.  Only when both suites
 * were scored with the template.
 */
struct off_seed_total {
	const char *tmpl;           /* borrowed */
	struct off_acc image, video, all;
};

/* One per template with both suites, in template order. */
const struct off_seed_total *official_seed_totals(const struct official *o, size_t *n);

#endif
