/*
 * official_render: the benchmarks' own figures in report.json, report.md
 * and the terminal summary (see official_render.h).  The figures are
 * computed in metrics/official.c; this file only prints them.
 */
#include "official_render.h"

#include <math.h>
#include <string.h>

#include "report.h"
#include "../metrics/stats.h"
#include "../base/banned.h" /* last: see banned.h */

/* ------------------------------------------------------------------ */
/* Intervals                                                           */
/* ------------------------------------------------------------------ */

/*
 * The standard error of an MME subtask's score.  The score is 100 * (acc +
 * acc+) = the mean over its images of 0, 50 or 200 (no, one or both of the
 * image's two questions right), so its interval is the normal one over
 * images: score +- 1.96 * sd / sqrt(images).  0 (no interval) unless every
 * answered question is in a complete pair and there are 2 images or more.
 */
static int mme_score_se(const struct off_mme_sub *s, double *se)
{
	size_t n = s->images, n2 = s->images_right, n1;
	double mean, var;

	if (n < 2 || s->incomplete_images || s->questions != 2 * n || s->right < 2 * n2)
		return 0;
	n1 = s->right - 2 * n2;
	if (n1 + n2 > n)
		return 0;
	mean = (50.0 * (double)n1 + 200.0 * (double)n2) / (double)n;
	var = ((double)n1 * (50 - mean) * (50 - mean) + (double)n2 * (200 - mean) * (200 - mean) +
	       (double)(n - n1 - n2) * mean * mean) /
	      (double)(n - 1);
	*se = sqrt(var / (double)n);
	return 1;
}

/* A score's 95% interval, clamped to [0, top]. */
static void score_ci(double score, double se, double top, double *lo, double *hi)
{
	*lo = score - Z95 * se < 0 ? 0 : score - Z95 * se;
	*hi = score + Z95 * se > top ? top : score + Z95 * se;
}

/* The perception (cognition) sum's standard error: the subtasks' are independent. */
static int mme_sum_se(const struct off_unit *u, int cognition, double *se)
{
	double v = 0, e;

	for (size_t i = 0; i < u->n_sub; i++) {
		if (!u->sub[i].known || u->sub[i].cognition != cognition)
			continue;
		if (!mme_score_se(&u->sub[i], &e))
			return 0;
		v += e * e;
	}
	*se = sqrt(v);
	return 1;
}

/* The same across the suites of one template (official_mme_totals). */
static int mme_total_se(const struct off_mme_total *t, int cognition, double *se)
{
	double v = 0, e;

	for (size_t i = 0; i < t->n_subs; i++) {
		if (!t->subs[i]->known || t->subs[i]->cognition != cognition)
			continue;
		if (!mme_score_se(t->subs[i], &e))
			return 0;
		v += e * e;
	}
	*se = sqrt(v);
	return 1;
}

int official_mme_score_ci(const struct off_mme_sub *s, double *lo, double *hi)
{
	double se;

	if (!mme_score_se(s, &se))
		return 0;
	score_ci(s->score, se, 200, lo, hi);
	return 1;
}

int official_mme_sum_ci(const struct off_unit *u, int cognition, double *lo, double *hi)
{
	size_t k = cognition ? u->n_cognition : u->n_perception;
	double se;

	if (!k || !mme_sum_se(u, cognition, &se))
		return 0;
	score_ci(cognition ? u->cognition : u->perception, se, 200.0 * (double)k, lo, hi);
	return 1;
}

void official_mme_incomplete_note(const struct off_unit *u, struct buf *out)
{
	size_t left = 0, whole = 0;

	for (size_t i = 0; i < u->n_sub; i++) {
		left += u->sub[i].incomplete_images;
		whole += u->sub[i].images;
	}
	if (left)
		buf_addf(out, "acc+ is over the %zu whole image pair%s: %zu image%s left out of it "
			      "(one of the two questions failed or is not in the journal), and the "
			      "score intervals of their subtasks are not given.",
			 whole, whole == 1 ? "" : "s", left, left == 1 ? " is" : "s are");
}

static cJSON *ci_json(double lo, double hi)
{
	cJSON *a = cJSON_CreateArray();

	cJSON_AddItemToArray(a, cJSON_CreateNumber(json_round6(lo)));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(json_round6(hi)));
	return a;
}

/*
 * PARENT's "perception" or "cognition": the sum of K subtasks' scores and,
 * when its standard error is known (HAS_SE), its 95% interval.
 */
static cJSON *mme_sum_json(cJSON *parent, int cognition, double sum, size_t k, int has_se,
			   double se)
{
	cJSON *p = cJSON_AddObjectToObject(parent, cognition ? "cognition" : "perception");
	double lo, hi;

	cJSON_AddNumberToObject(p, "score", json_round6(sum));
	cJSON_AddNumberToObject(p, "subtasks", (double)k);
	if (has_se) {
		score_ci(sum, se, 200.0 * (double)k, &lo, &hi);
		cJSON_AddItemToObject(p, "score_ci95", ci_json(lo, hi));
	}
	return p;
}

/* ------------------------------------------------------------------ */
/* report.json                                                         */
/* ------------------------------------------------------------------ */

static cJSON *acc_json(const struct off_acc *a, const char *unit)
{
	cJSON *o = cJSON_CreateObject();

	double lo, hi;

	cJSON_AddNumberToObject(o, "accuracy", json_round6(ratio(a->right, a->n)));
	cJSON_AddNumberToObject(o, "right", (double)a->right);
	cJSON_AddNumberToObject(o, unit, (double)a->n);
	wilson_interval(a->right, a->n, Z95, &lo, &hi);
	cJSON_AddItemToObject(o, "ci95", ci_json(lo, hi));
	return o;
}

static cJSON *accs_json(const struct off_acc *v, size_t n, const char *unit)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToObject(o, v[i].name, acc_json(&v[i], unit));
	return o;
}

static cJSON *mme_json(const struct off_unit *u)
{
	cJSON *o = cJSON_CreateObject(), *subs, *p;

	cJSON_AddStringToObject(o, "rule", u->rule_applies
						   ? "MME calculation.py (acc, acc+, score)"
						   : "vsrbench's extractor (the template does not ask yes/no)");
	subs = cJSON_AddObjectToObject(o, "subtasks");
	for (size_t i = 0; i < u->n_sub; i++) {
		const struct off_mme_sub *s = &u->sub[i];
		cJSON *so = cJSON_AddObjectToObject(subs, s->name), *ex;
		double lo, hi, se;
		cJSON_AddNumberToObject(so, "questions", (double)s->questions);
		cJSON_AddNumberToObject(so, "images", (double)s->images);
		cJSON_AddNumberToObject(so, "acc", json_round6(s->acc));
		cJSON_AddNumberToObject(so, "acc_plus", json_round6(s->acc_plus));
		cJSON_AddNumberToObject(so, "score", json_round6(s->score));
		lo = s->acc_lo;
		hi = s->acc_hi;
		cJSON_AddItemToObject(so, "acc_ci95", ci_json(lo, hi));
		if (mme_score_se(s, &se)) {
			score_ci(s->score, se, 200, &lo, &hi);
			cJSON_AddItemToObject(so, "score_ci95", ci_json(lo, hi));
		}
		cJSON_AddNumberToObject(so, "other", (double)s->other);
		cJSON_AddNumberToObject(so, "disagreements", (double)s->disagree);
		cJSON_AddNumberToObject(so, "failed", (double)s->failed);
		cJSON_AddNumberToObject(so, "incomplete_images", (double)s->incomplete_images);
		ex = cJSON_AddObjectToObject(so, "extractor");
		cJSON_AddNumberToObject(ex, "acc", json_round6(s->acc_ext));
		cJSON_AddNumberToObject(ex, "acc_plus", json_round6(s->acc_plus_ext));
		cJSON_AddNumberToObject(ex, "score", json_round6(s->score_ext));
	}
	for (int c = 0; c < 2; c++) {
		double sum = c ? u->cognition : u->perception, se = 0;
		size_t k = c ? u->n_cognition : u->n_perception;
		int has_se = k && mme_sum_se(u, c, &se);

		p = mme_sum_json(o, c, sum, k, has_se, se);
		cJSON_AddNumberToObject(p, "extractor_score",
					json_round6(c ? u->cognition_ext : u->perception_ext));
	}
	cJSON_AddNumberToObject(o, "total", json_round6(u->perception + u->cognition));
	return o;
}

static cJSON *mmbench_json(const struct off_unit *u)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "method", "CircularEval: a question is right only if every "
					     "rotation of its options is");
	cJSON_AddItemToObject(o, "overall", acc_json(&u->overall, "questions"));
	cJSON_AddItemToObject(o, "by_l2", accs_json(u->by_l2, u->n_l2, "questions"));
	cJSON_AddItemToObject(o, "by_category", accs_json(u->by_cat, u->n_cat, "questions"));
	cJSON_AddItemToObject(o, "vanilla", acc_json(&u->vanilla, "questions"));
	cJSON_AddNumberToObject(o, "incomplete", (double)u->incomplete);
	cJSON_AddNumberToObject(o, "failed", (double)u->failed);
	return o;
}

static cJSON *seed_json(const struct off_unit *u)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "overall", acc_json(&u->overall, "questions"));
	cJSON_AddItemToObject(o, "by_dimension", accs_json(u->by_cat, u->n_cat, "questions"));
	cJSON_AddNumberToObject(o, "failed", (double)u->failed);
	return o;
}

/* ------------------------------------------------------------------ */
/* report.md                                                           */
/* ------------------------------------------------------------------ */

/* A table of v; title NULL: more rows of the table above. */
static void accs_md(struct buf *out, const char *title, const struct off_acc *v, size_t n)
{
	if (title)
		buf_addf(out, "| %s | questions | right | accuracy | 95%% CI |\n"
			      "|---|---:|---:|---:|---|\n",
			 title);
	for (size_t i = 0; i < n; i++) {
		double lo, hi;
		wilson_interval(v[i].right, v[i].n, Z95, &lo, &hi);
		buf_adds(out, "| ");
		buf_add_md(out, v[i].name, 0);
		buf_addf(out, " | %zu | %zu | %.2f%% | [%.2f, %.2f] |\n", v[i].n, v[i].right,
			 100 * ratio(v[i].right, v[i].n), 100 * lo, 100 * hi);
	}
}

static void mme_md(const struct off_unit *u, struct buf *out)
{
	double se, lo, hi;

	buf_adds(out, "| subtask | questions | acc | acc+ | score | other | failed | "
		      "score (vsrbench extractor) | replies read differently | acc 95% CI | "
		      "score 95% CI |\n"
		      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
	for (size_t i = 0; i < u->n_sub; i++) {
		const struct off_mme_sub *s = &u->sub[i];
		buf_adds(out, "| ");
		buf_add_md(out, s->name, 0);
		lo = s->acc_lo;
		hi = s->acc_hi;
		buf_addf(out, " | %zu | %.2f%% | %.2f%% | %.2f | %zu | %zu | %.2f | %zu | [%.2f, %.2f] | ",
			 s->questions, 100 * s->acc, 100 * s->acc_plus, s->score, s->other, s->failed,
			 s->score_ext, s->disagree, 100 * lo, 100 * hi);
		if (mme_score_se(s, &se)) {
			score_ci(s->score, se, 200, &lo, &hi);
			buf_addf(out, "[%.2f, %.2f] |\n", lo, hi);
		} else {
			buf_adds(out, "- |\n");
		}
	}
	for (int c = 0; c < 2; c++) {
		size_t k = c ? u->n_cognition : u->n_perception;
		double sum = c ? u->cognition : u->perception;
		if (!k)
			continue;
		buf_addf(out, "| **%s** (%zu subtask%s) | | | | **%.2f** | | | %.2f | | | ",
			 c ? "cognition" : "perception", k, k == 1 ? "" : "s", sum,
			 c ? u->cognition_ext : u->perception_ext);
		if (mme_sum_se(u, c, &se)) {
			score_ci(sum, se, 200.0 * (double)k, &lo, &hi);
			buf_addf(out, "[%.2f, %.2f] |\n", lo, hi);
		} else {
			buf_adds(out, "- |\n");
		}
	}
	{
		struct buf note = BUF_INIT;
		official_mme_incomplete_note(u, &note);
		if (note.len)
			buf_addf(out, "\n%s\n", note.ptr);
		buf_release(&note);
	}
	if (!u->rule_applies)
		buf_adds(out, "\nThis template does not ask yes/no, so MME's rule does not apply: "
			      "the figures use vsrbench's extractor.\n");
	else {
		size_t q = 0, differ = 0, other = 0;
		for (size_t i = 0; i < u->n_sub; i++) {
			q += u->sub[i].questions;
			differ += u->sub[i].disagree;
			other += u->sub[i].other;
		}
		buf_adds(out, "\nRule: MME's calculation.py (the reply lower-cased is \"yes\" or "
			      "\"no\", else \"yes\"/\"no\" within its first 4 characters; anything "
			      "else is \"other\", wrong), on the raw reply. Beside it, vsrbench's "
			      "extractor on the same replies.\n");
		/* Issue 14 §5: which rule is behind which number, and how far apart they are. */
		buf_addf(out, "\nWhich rule each number uses: acc, acc+, score and the perception / "
			      "cognition sums use MME's rule; \"score (vsrbench extractor)\" and this "
			      "suite's acc_t / acc_a tables (Overall, by category, by template) use "
			      "vsrbench's extractor. The two read **%zu of %zu replies** differently "
			      "(%zu replies are \"other\" to MME's rule).\n",
			 differ, q, other);
	}
	if (u->n_examples) {
		buf_adds(out, "\nReplies read differently (first few):\n\n"
			      "| item | reply | truth | MME rule | extractor |\n|---|---|---|---|---|\n");
		for (size_t i = 0; i < u->n_examples; i++) {
			const struct off_example *e = &u->examples[i];
			buf_adds(out, "| ");
			buf_add_md(out, e->item, 0);
			buf_adds(out, " | ");
			buf_add_md(out, e->response, 0);
			buf_addf(out, " | %s | %s | %s |\n", answer_name(e->label),
				 answer_name(e->rule), answer_name(e->ext));
		}
	}
}

static void mmbench_md(const struct off_unit *u, struct buf *out)
{
	double lo, hi;

	wilson_interval(u->overall.right, u->overall.n, Z95, &lo, &hi);
	buf_addf(out,
		 "CircularEval: **%.2f%%** (%zu of %zu questions right in every rotation "
		 "of their options), 95%% CI [%.2f, %.2f]; the original rows alone: %.2f%% "
		 "(%zu of %zu)",
		 100 * ratio(u->overall.right, u->overall.n), u->overall.right, u->overall.n,
		 100 * lo, 100 * hi, 100 * ratio(u->vanilla.right, u->vanilla.n), u->vanilla.right,
		 u->vanilla.n);
	if (u->incomplete)
		buf_addf(out, "; %zu questions left out for a failed request", u->incomplete);
	buf_adds(out, ".\nRule: MMBench's CircularEval (a question counts only when every rotation "
		      "is right), each reply read by vsrbench's extractor (a letter, or one option's "
		      "text).\n\n");
	accs_md(out, "l2-category", u->by_l2, u->n_l2);
	buf_adds(out, "\n");
	accs_md(out, "category", u->by_cat, u->n_cat);
}

static void seed_md(const struct off_unit *u, struct buf *out)
{
	double lo, hi;

	wilson_interval(u->overall.right, u->overall.n, Z95, &lo, &hi);
	buf_addf(out, "Accuracy over all questions: **%.2f%%** (%zu of %zu), 95%% CI [%.2f, %.2f]",
		 100 * ratio(u->overall.right, u->overall.n), u->overall.right, u->overall.n,
		 100 * lo, 100 * hi);
	if (u->failed)
		buf_addf(out, "; %zu failed requests left out", u->failed);
	buf_adds(out, ".\nRule: SEED-Bench's accuracy per dimension (image and video questions "
		      "are apart: video under seed-video), each reply read by vsrbench's extractor "
		      "(a letter, or one option's text).\n\n");
	accs_md(out, "dimension", u->by_cat, u->n_cat);
}

/* ------------------------------------------------------------------ */
/* The terminal summary                                                */
/* ------------------------------------------------------------------ */

static void mme_summary(const struct off_unit *u, struct buf *b)
{
	if (u->n_sub == 1) {
		const struct off_mme_sub *s = &u->sub[0];
		buf_addf(b, "score %.2f (acc %.2f%%, acc+ %.2f%%)", s->score, 100 * s->acc,
			 100 * s->acc_plus);
		if (s->disagree)
			buf_addf(b, "; extractor %.2f, %zu replies differ", s->score_ext, s->disagree);
	} else {
		size_t differ = 0;
		for (size_t k = 0; k < u->n_sub; k++)
			differ += u->sub[k].disagree;
		buf_addf(b, "perception %.2f (%zu), cognition %.2f (%zu)", u->perception,
			 u->n_perception, u->cognition, u->n_cognition);
		if (differ)
			buf_addf(b, "; extractor %.2f/%.2f, %zu replies differ", u->perception_ext,
				 u->cognition_ext, differ);
	}
}

static void mmbench_summary(const struct off_unit *u, struct buf *b)
{
	buf_addf(b, "CircularEval %.2f%% (%zu/%zu), vanilla %.2f%%",
		 100 * ratio(u->overall.right, u->overall.n), u->overall.right, u->overall.n,
		 100 * ratio(u->vanilla.right, u->vanilla.n));
}

static void seed_summary(const struct off_unit *u, struct buf *b)
{
	buf_addf(b, "%.2f%% (%zu/%zu)", 100 * ratio(u->overall.right, u->overall.n),
		 u->overall.right, u->overall.n);
	for (size_t k = 0; k < u->n_cat && u->n_cat <= 4; k++)
		buf_addf(b, "; %s %.1f%%", u->by_cat[k].name,
			 100 * ratio(u->by_cat[k].right, u->by_cat[k].n));
}

/* ------------------------------------------------------------------ */
/* The writers of each benchmark                                       */
/* ------------------------------------------------------------------ */

/* One row per benchmark (metrics/official.h lists them). */
static const struct writers {
	enum official_kind kind;
	cJSON *(*json)(const struct off_unit *u);
	void (*md)(const struct off_unit *u, struct buf *out);
	void (*summary)(const struct off_unit *u, struct buf *line);
} writers[] = {
	{ OFFICIAL_MME, mme_json, mme_md, mme_summary },
	{ OFFICIAL_MMBENCH, mmbench_json, mmbench_md, mmbench_summary },
	{ OFFICIAL_SEED, seed_json, seed_md, seed_summary },
};

static const struct writers *writers_of(enum official_kind kind)
{
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (writers[i].kind == kind)
			return &writers[i];
	return NULL;
}

cJSON *official_suite_json(const struct official *o, const char *suite)
{
	cJSON *root = NULL, *tpl = NULL;
	size_t n;
	const struct off_unit *units = official_units(o, &n);

	for (size_t i = 0; i < n; i++) {
		const struct off_unit *u = &units[i];
		const struct writers *w = writers_of(u->kind);
		if (strcmp(u->suite, suite) || !w)
			continue;
		if (!root) {
			root = cJSON_CreateObject();
			cJSON_AddStringToObject(root, "benchmark", official_kind_name(u->kind));
			tpl = cJSON_AddObjectToObject(root, "templates");
		}
		cJSON_AddItemToObject(tpl, u->tmpl, w->json(u));
	}
	return root;
}

void official_suite_md(const struct official *o, const char *suite, struct buf *out)
{
	size_t n;
	const struct off_unit *units = official_units(o, &n);

	for (size_t i = 0; i < n; i++) {
		const struct off_unit *u = &units[i];
		const struct writers *w = writers_of(u->kind);
		if (strcmp(u->suite, suite) || !w)
			continue;
		buf_addf(out, "\n### Official metric: %s (template ", official_kind_name(u->kind));
		buf_add_md(out, u->tmpl, 0);
		buf_adds(out, ")\n\n");
		w->md(u, out);
	}
}

/* Prints at most 100 columns. */
static void line100(FILE *fp, const char *s)
{
	fprintf(fp, "%.100s\n", s);
}

void official_summary(FILE *fp, const struct official *o, const char *suite)
{
	size_t n;
	const struct off_unit *units = official_units(o, &n);

	for (size_t i = 0; i < n; i++) {
		const struct off_unit *u = &units[i];
		const struct writers *w = writers_of(u->kind);
		struct buf b = BUF_INIT;

		if (strcmp(u->suite, suite) || !w)
			continue;
		buf_addf(&b, "  official %s [%.16s]: ", official_kind_name(u->kind), u->tmpl);
		w->summary(u, &b);
		line100(fp, b.ptr);
		buf_release(&b);
	}
}

/* ------------------------------------------------------------------ */
/* MME across suites                                                   */
/* ------------------------------------------------------------------ */

/* SEED's image and video questions side by side: {"<template>": {"image", "video", "all", "headline"}}. */
static cJSON *seed_run_json(const struct official *o)
{
	size_t n;
	const struct off_seed_total *st = official_seed_totals(o, &n);
	cJSON *seed = n ? cJSON_CreateObject() : NULL;

	for (size_t i = 0; i < n; i++) {
		cJSON *to = cJSON_AddObjectToObject(seed, st[i].tmpl);
		cJSON_AddItemToObject(to, "image", acc_json(&st[i].image, "questions"));
		cJSON_AddItemToObject(to, "video", acc_json(&st[i].video, "questions"));
		cJSON_AddItemToObject(to, "all", acc_json(&st[i].all, "questions"));
		cJSON_AddStringToObject(to, "headline", "image");
	}
	return seed;
}

cJSON *official_run_json(const struct official *o)
{
	cJSON *root = NULL, *mme = NULL, *seed = seed_run_json(o);
	size_t n;
	const struct off_mme_total *tot = official_mme_totals(o, &n);

	if (seed) {
		root = cJSON_CreateObject();
		cJSON_AddItemToObject(root, "seed", seed);
	}

	for (size_t i = 0; i < n; i++) {
		const struct off_mme_total *t = &tot[i];
		cJSON *to, *so;

		if (!root)
			root = cJSON_CreateObject();
		if (!mme)
			mme = cJSON_AddObjectToObject(root, "mme");
		to = cJSON_AddObjectToObject(mme, t->tmpl);
		so = cJSON_CreateObject();
		for (size_t k = 0; k < t->n_subs; k++)
			cJSON_AddNumberToObject(so, t->subs[k]->name, json_round6(t->subs[k]->score));
		for (int c = 0; c < 2; c++) {
			double sum = c ? t->cognition : t->perception, se = 0;
			size_t k = c ? t->n_cognition : t->n_perception;
			int has_se = k && mme_total_se(t, c, &se);

			mme_sum_json(to, c, sum, k, has_se, se);
		}
		cJSON_AddNumberToObject(to, "total", json_round6(t->perception + t->cognition));
		cJSON_AddItemToObject(to, "subtask_scores", so);
	}
	return root;
}

void official_run_summary(FILE *fp, const struct official *o)
{
	size_t n, ns;
	const struct off_mme_total *tot = official_mme_totals(o, &n);
	const struct off_seed_total *st = official_seed_totals(o, &ns);

	for (size_t i = 0; i < ns; i++) {
		char line[200];
		snprintf(line, sizeof(line),
			 "  official SEED-Bench [%.16s]: image %.2f%% (the headline), video %.2f%%, "
			 "all questions %.2f%%",
			 st[i].tmpl, 100 * ratio(st[i].image.right, st[i].image.n),
			 100 * ratio(st[i].video.right, st[i].video.n),
			 100 * ratio(st[i].all.right, st[i].all.n));
		line100(fp, line);
	}

	for (size_t i = 0; i < n; i++) {
		char line[160];

		if (tot[i].suites < 2)
			continue;
		snprintf(line, sizeof(line),
			 "  official MME across suites [%.16s]: perception %.2f (%zu subtask%s), "
			 "cognition %.2f (%zu)",
			 tot[i].tmpl, tot[i].perception, tot[i].n_perception,
			 tot[i].n_perception == 1 ? "" : "s", tot[i].cognition, tot[i].n_cognition);
		line100(fp, line);
	}
}

void official_run_md(const struct official *o, struct buf *out)
{
	size_t n, ns;
	const struct off_mme_total *tot = official_mme_totals(o, &n);
	const struct off_seed_total *st = official_seed_totals(o, &ns);

	for (size_t i = 0; i < ns; i++) {
		buf_adds(out, "\n## Official SEED-Bench: image and video questions apart (template ");
		buf_add_md(out, st[i].tmpl, 0);
		buf_adds(out, ")\n\n");
		accs_md(out, "question type", &st[i].image, 1);
		accs_md(out, NULL, &st[i].video, 1);
		accs_md(out, NULL, &st[i].all, 1);
		buf_adds(out, "\nThe headline is the image figure (suite `seed`; SEED-Bench's image "
			      "column); video is suite `seed-video`. \"all\" mixes the two, as SEED-Bench-1's "
			      "own overall does: it is not the image figure.\n");
	}

	for (size_t i = 0; i < n; i++) {
		double ext[2] = { 0, 0 };
		size_t q = 0, differ = 0;

		if (tot[i].suites < 2)
			continue;
		for (size_t k = 0; k < tot[i].n_subs; k++) {
			const struct off_mme_sub *sb = tot[i].subs[k];
			ext[sb->cognition != 0] += sb->score_ext;
			q += sb->questions;
			differ += sb->disagree;
		}
		buf_adds(out, "\n## Official MME totals across suites (template ");
		buf_add_md(out, tot[i].tmpl, 0);
		buf_adds(out, ")\n\n| | subtasks | score (MME's rule) | score (vsrbench extractor) | "
			      "95% CI (MME's rule) |\n|---|---:|---:|---:|---|\n");
		for (int c = 0; c < 2; c++) {
			double sum = c ? tot[i].cognition : tot[i].perception, se, lo, hi;
			buf_addf(out, "| %s | %zu | %.2f | %.2f | ", c ? "cognition" : "perception",
				 c ? tot[i].n_cognition : tot[i].n_perception, sum, ext[c]);
			if ((c ? tot[i].n_cognition : tot[i].n_perception) &&
			    mme_total_se(&tot[i], c, &se)) {
				score_ci(sum, se,
					 200.0 * (double)(c ? tot[i].n_cognition : tot[i].n_perception),
					 &lo, &hi);
				buf_addf(out, "[%.2f, %.2f] |\n", lo, hi);
			} else {
				buf_adds(out, "- |\n");
			}
		}
		buf_addf(out, "\nThe leaderboard's numbers are the MME's-rule column (calculation.py on "
			      "the raw reply); the extractor column reads the same replies with "
			      "vsrbench's extractor. They read %zu of %zu replies differently.\n",
			 differ, q);
	}
}
