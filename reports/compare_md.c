/*
 * compare_md: the comparison (and the gate's verdict) as Markdown sized for
 * a pull-request comment (compare.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "report.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

static double pct(size_t k, size_t n)
{
	return 100.0 * ratio(k, n);
}

static void md_change(struct buf *out, const struct cmp_stat *s)
{
	double d = pct(s->cand_correct, s->pairs) - pct(s->base_correct, s->pairs);

	buf_addf(out, "%+.1f", d);
	if (s->has_ci)
		buf_addf(out, " [%+.1f, %+.1f]", 100 * s->ci_low, 100 * s->ci_high);
}

static void md_stat_row(struct buf *out, const struct cmp_stat *s, int bold)
{
	buf_adds(out, bold ? "| **" : "| ");
	buf_add_md(out, s->name, 60);
	buf_addf(out, "%s | %zu | %.1f%% | %.1f%% | ", bold ? "**" : "", s->pairs,
		 pct(s->base_correct, s->pairs), pct(s->cand_correct, s->pairs));
	md_change(out, s);
	buf_addf(out, " | %zu | %zu | %.2g |\n", s->b, s->c, s->p);
}

/*
 * The diagnosis' figures of both runs, paired by image: what a team
 * measuring instruction sensitivity compares two models on.
 */
static void md_sens(struct buf *out, const struct comparison *c)
{
	static const char *const what[CMP_SENS_N] = {
		"answers that move with the wording (lower: steadier)",
		"items right under every wording (higher is better)",
		"mirrored answers that flip as the truth does (higher: follows the image)",
		"mirrored answers that stay as the truth does (higher is better)",
		"accuracy the image adds, points (higher: uses the image)",
	};
	int any = 0;

	for (size_t i = 0; i < c->n_suites; i++)
		for (int f = 0; f < CMP_SENS_N; f++) {
			const struct sens_change *v = &c->suites[i].sens[f];
			int points = cmp_sens_figs[f] == SENS_BLIND_GAP;
			if (!v->present)
				continue;
			if (!any++)
				buf_adds(out, "\n### Diagnosis, paired by image\n\n"
					      "| suite | figure | images | base | candidate | "
					      "change, points [95% CI] |\n|---|---|---:|---:|---:|---|\n");
			buf_adds(out, "| ");
			buf_add_md(out, c->suites[i].all.name, 60);
			buf_addf(out, " | %s: %s | %zu | ", sens_names[cmp_sens_figs[f]], what[f],
				 v->images);
			buf_addf(out, points ? "%+.1f | %+.1f | %+.1f" : "%.1f%% | %.1f%% | %+.1f",
				 100 * v->base, 100 * v->cand, 100 * v->change);
			buf_addf(out, " [%+.1f, %+.1f] |\n", 100 * v->lo, 100 * v->hi);
		}
	if (any)
		buf_adds(out, "\nEach figure over the images both runs have its pairs on "
			      "(docs/diagnosis.md); the interval resamples those images, each with "
			      "both runs' answers, and is never narrower than the two figures' own "
			      "floors combined.\n");
}

struct mover {
	const char *suite, *by;
	const struct cmp_stat *s;
};

static int mover_cmp(const void *pa, const void *pb)
{
	const struct mover *a = pa, *b = pb;
	double x = fabs(cmp_stat_change(a->s)), y = fabs(cmp_stat_change(b->s));
	int r;

	if (x != y)
		return x > y ? -1 : 1;
	if (a->s->p != b->s->p)
		return a->s->p < b->s->p ? -1 : 1;
	if ((r = strcmp(a->suite, b->suite)) || (r = strcmp(a->by, b->by)))
		return r;
	return strcmp(a->s->name, b->s->name);
}

#define MD_MOVERS 8
#define MD_FLIPS 15

static void md_movers(struct buf *out, const struct comparison *c)
{
	struct mover *mv = NULL;
	size_t n = 0, shown = 0;

	for (size_t i = 0; i < c->n_suites; i++) {
		const struct cmp_suite *s = &c->suites[i];
		mv = xrealloc(mv, (n + s->n_rel + s->n_cat + 1) * sizeof(*mv));
		for (size_t k = 0; k < s->n_rel; k++)
			if (s->rel[k].b + s->rel[k].c)
				mv[n++] = (struct mover){ s->all.name, "relation", &s->rel[k] };
		for (size_t k = 0; k < s->n_cat; k++)
			if (s->cat[k].b + s->cat[k].c)
				mv[n++] = (struct mover){ s->all.name, "category", &s->cat[k] };
	}
	if (n) {
		qsort(mv, n, sizeof(*mv), mover_cmp);
		buf_adds(out, "\n### Largest movers\n\n| suite | by | group | pairs | base | candidate "
			      "| change | right→wrong | wrong→right | McNemar p |\n"
			      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
		for (size_t i = 0; i < n && shown < MD_MOVERS; i++, shown++) {
			const struct cmp_stat *s = mv[i].s;
			buf_adds(out, "| ");
			buf_add_md(out, mv[i].suite, 40);
			buf_addf(out, " | %s | ", mv[i].by);
			buf_add_md(out, s->name, 40);
			buf_addf(out, " | %zu | %.1f%% | %.1f%% | %+.1f | %zu | %zu | %.2g |\n", s->pairs,
				 pct(s->base_correct, s->pairs), pct(s->cand_correct, s->pairs),
				 100 * cmp_stat_change(s), s->b, s->c, s->p);
		}
		if (n > shown)
			buf_addf(out, "\n%zu more groups changed; all are in the JSON output.\n",
				 n - shown);
	}
	free(mv);
}

static int same_item(const struct cmp_flip *a, const struct cmp_flip *b)
{
	return !strcmp(a->suite, b->suite) && !strcmp(a->item, b->item);
}

/* Grouped by item: with many templates one item is many tasks. */
static void md_flips(struct buf *out, const struct comparison *c)
{
	size_t shown = 0, i = 0;

	if (!c->total_flips) {
		buf_adds(out, "\nNo task went from right to wrong.\n");
		return;
	}
	buf_addf(out, "\n### Right → wrong: %zu task%s in %zu item%s\n\n", c->total_flips,
		 c->total_flips == 1 ? "" : "s", c->flip_items, c->flip_items == 1 ? "" : "s");
	buf_adds(out, "| suite | item | expected | tasks | template·variant: candidate's answer | "
		      "prompt |\n|---|---|---|---:|---|---|\n");
	while (i < c->n_flips && shown < MD_FLIPS) {
		const struct cmp_flip *f = &c->flips[i];
		size_t j = i;
		while (j < c->n_flips && same_item(&c->flips[j], f))
			j++;
		buf_adds(out, "| ");
		buf_add_md(out, f->suite, 40);
		buf_adds(out, " | ");
		buf_add_md(out, f->item, 40);
		buf_addf(out, " | %s | %zu | ", answer_name(f->label), j - i);
		for (size_t k = i; k < j && k < i + 6; k++) {
			buf_add_md(out, c->flips[k].tmpl, 20);
			if (strcmp(c->flips[k].variant, "base")) {
				buf_adds(out, "·");
				buf_add_md(out, c->flips[k].variant, 20);
			}
			buf_addf(out, ": %s%s", answer_name(c->flips[k].cand_answer),
				 k + 1 < j ? ", " : "");
		}
		if (j - i > 6)
			buf_adds(out, "…");
		buf_adds(out, " | ");
		buf_add_md(out, f->prompt, 90);
		buf_adds(out, " |\n");
		shown++;
		i = j;
	}
	if (c->flip_items > shown)
		buf_addf(out, "\n… and %zu more items (the JSON output lists up to %d tasks).\n",
			 c->flip_items - shown, COMPARE_FLIPS_MAX);
}

/*
 * A gate line as Markdown: escaped, but its comparisons (" < ") kept as they
 * read, in the terminal too: a '<' before a space starts no HTML tag.
 */
static void md_line(struct buf *out, const char *s)
{
	struct buf seg = BUF_INIT;
	const char *p;

	while ((p = strstr(s, " < "))) {
		buf_reset(&seg);
		buf_add(&seg, s, (size_t)(p - s));
		buf_add_md(out, seg.ptr, 0);
		buf_adds(out, " < ");
		s = p + 3;
	}
	buf_add_md(out, s, 0);
	buf_release(&seg);
}

static void md_gate(struct buf *out, const struct gate_result *gr)
{
	if (!gr || !gr->n)
		return;
	if (gr->n_failed)
		buf_addf(out, "**Gate: failed** (%zu of %zu check%s)\n\n", gr->n_failed, gr->n,
			 gr->n == 1 ? "" : "s");
	else {
		size_t warned = 0;
		for (size_t i = 0; i < gr->n; i++)
			warned += gr->c[i].warn != 0;
		/* a caveat is said in the headline too: a reader may stop there */
		buf_addf(out, "**Gate: passed** (%zu check%s", gr->n, gr->n == 1 ? "" : "s");
		if (warned)
			buf_addf(out, ", %zu with a warning ⚠️", warned);
		buf_adds(out, ")\n\n");
	}
	for (size_t i = 0; i < gr->n; i++) {
		buf_adds(out, gr->c[i].failed ? "- ❌ " : gr->c[i].warn ? "- ⚠️ " : "- ✅ ");
		md_line(out, gr->c[i].line);
		buf_addch(out, '\n');
	}
	buf_addch(out, '\n');
}

void comparison_md(const struct comparison *c, const struct gate_result *gr, struct buf *out)
{
	buf_adds(out, "## vsrbench compare\n\n");
	md_gate(out, gr);
	buf_adds(out, "Base ");
	buf_add_md_code(out, c->base_label ? c->base_label : "?", 120, 0);
	buf_adds(out, " (");
	buf_add_md(out, c->base_dir, 80);
	buf_adds(out, ") → candidate ");
	buf_add_md_code(out, c->cand_label ? c->cand_label : "?", 120, 0);
	buf_adds(out, " (");
	buf_add_md(out, c->cand_dir, 80);
	buf_addf(out, "): %zu paired task%s", c->all.pairs, c->all.pairs == 1 ? "" : "s");
	if (c->base_only || c->cand_only)
		buf_addf(out, "; %zu only in base and %zu only in the candidate (not compared)",
			 c->base_only, c->cand_only);
	if (c->dropped_failed)
		buf_addf(out, "; %zu pairs dropped because a request failed in either run",
			 c->dropped_failed);
	if (c->dropped_label)
		buf_addf(out, "; %zu pairs dropped because the runs disagree on the label",
			 c->dropped_label);
	if (c->variant_tasks)
		buf_addf(out, "; %zu task%s of perturbation variants left out (the figures are the "
			      "base variant's, as the reports' headline)",
			 c->variant_tasks, c->variant_tasks == 1 ? "" : "s");
	buf_adds(out, ".\n\n");
	if (c->warnings.len) {
		const char *p = c->warnings.ptr;
		while (*p) {
			const char *e = strchr(p, '\n');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			char *one = xmalloc(len + 1);
			memcpy(one, p, len);
			one[len] = '\0';
			buf_adds(out, "> ⚠ ");
			buf_add_md(out, one, 1000);
			buf_adds(out, "\n\n");
			free(one);
			p += len + (e ? 1 : 0);
		}
	}
	buf_adds(out, "| suite | pairs | base | candidate | change, points [95% CI] | "
		      "right→wrong | wrong→right | McNemar p |\n"
		      "|---|---:|---:|---:|---|---:|---:|---:|\n");
	for (size_t i = 0; i < c->n_suites; i++)
		md_stat_row(out, &c->suites[i].all, 0);
	if (c->n_suites > 1)
		md_stat_row(out, &c->all, 1);
	md_sens(out, c);
	md_movers(out, c);
	md_flips(out, c);
	buf_addf(out, "\n<sub>Accuracy on the tasks both runs answered. Interval: paired bootstrap "
		      "over images, %zu resamples, seed %llu. p: two-sided McNemar test on "
		      "the discordant pairs, taken by image (exact; docs/ci.md).</sub>\n",
		 c->reps, (unsigned long long)c->seed);
}

