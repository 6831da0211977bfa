/*
 * report.html: the benchmarks' own figures (metrics/official.h), the same as
 * report.md prints them (reports/official_render.c), as HTML: a headline
 * number for the top of the page and the tables for the suite's section.
 */
#include <string.h>

#include "official_render.h"
#include "report.h"
#include "report_html_int.h"
#include "../metrics/stats.h"
#include "../base/banned.h" /* last: see banned.h */

static void accs_html(struct buf *out, const char *title, const struct off_acc *v, size_t n)
{
	if (!n)
		return;
	buf_addf(out, "<div class=\"scroll\"><table class=\"nums\"><thead><tr><th>%s</th>"
		      "<th>questions</th><th>right</th><th>accuracy</th><th>95%% CI</th></tr></thead>"
		      "<tbody>\n",
		 title);
	for (size_t i = 0; i < n; i++) {
		double lo, hi;
		wilson_interval(v[i].right, v[i].n, Z95, &lo, &hi);
		buf_adds(out, "<tr><td>");
		html_esc(out, v[i].name);
		buf_addf(out, "</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
			      "<td class=\"num\">%.2f%%</td><td class=\"num\">[%.2f, %.2f]</td></tr>\n",
			 v[i].n, v[i].right, 100 * ratio(v[i].right, v[i].n), 100 * lo, 100 * hi);
	}
	buf_adds(out, "</tbody></table></div>\n");
}

/* ---- headlines ------------------------------------------------------------ */

static void mme_headline(const struct off_unit *u, struct buf *out)
{
	if (u->n_sub == 1) {
		const struct off_mme_sub *s = &u->sub[0];
		buf_addf(out, "score <b>%.2f</b> (acc %.2f%%, acc+ %.2f%%)", s->score, 100 * s->acc,
			 100 * s->acc_plus);
	} else {
		buf_addf(out, "perception <b>%.2f</b> (%zu subtask%s), cognition <b>%.2f</b> (%zu)",
			 u->perception, u->n_perception, u->n_perception == 1 ? "" : "s",
			 u->cognition, u->n_cognition);
	}
}

static void mmbench_headline(const struct off_unit *u, struct buf *out)
{
	double lo, hi;

	wilson_interval(u->overall.right, u->overall.n, Z95, &lo, &hi);
	buf_addf(out, "CircularEval <b>%.2f%%</b> (%zu of %zu questions; 95%% CI [%.2f, %.2f]), "
		      "vanilla %.2f%%",
		 100 * ratio(u->overall.right, u->overall.n), u->overall.right, u->overall.n,
		 100 * lo, 100 * hi, 100 * ratio(u->vanilla.right, u->vanilla.n));
}

static void seed_headline(const struct off_unit *u, struct buf *out)
{
	double lo, hi;

	wilson_interval(u->overall.right, u->overall.n, Z95, &lo, &hi);
	buf_addf(out, "accuracy <b>%.2f%%</b> (%zu of %zu questions; 95%% CI [%.2f, %.2f])",
		 100 * ratio(u->overall.right, u->overall.n), u->overall.right, u->overall.n,
		 100 * lo, 100 * hi);
}

/* ---- tables ---------------------------------------------------------------- */

static void mme_tables(const struct off_unit *u, struct buf *out)
{
	buf_adds(out, "<div class=\"scroll\"><table class=\"nums\"><thead><tr><th>subtask</th>"
		      "<th>questions</th><th>acc</th><th>acc+</th><th>score</th><th>other</th>"
		      "<th>failed</th><th>score (vsrbench extractor)</th>"
		      "<th>replies read differently</th><th>score 95% CI</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < u->n_sub; i++) {
		const struct off_mme_sub *s = &u->sub[i];
		double lo, hi;
		buf_adds(out, "<tr><td>");
		html_esc(out, s->name);
		buf_addf(out, "</td><td class=\"num\">%zu</td><td class=\"num\">%.2f%%</td>"
			      "<td class=\"num\">%.2f%%</td><td class=\"num\">%.2f</td>"
			      "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
			      "<td class=\"num\">%.2f</td><td class=\"num\">%zu</td>",
			 s->questions, 100 * s->acc, 100 * s->acc_plus, s->score, s->other, s->failed,
			 s->score_ext, s->disagree);
		if (official_mme_score_ci(s, &lo, &hi))
			buf_addf(out, "<td class=\"num\">[%.2f, %.2f]</td></tr>\n", lo, hi);
		else
			buf_adds(out, "<td></td></tr>\n");
	}
	for (int c = 0; c < 2; c++) {
		size_t k = c ? u->n_cognition : u->n_perception;
		double lo, hi;
		if (!k)
			continue;
		buf_addf(out, "<tr><td><b>%s</b> (%zu subtask%s)</td><td></td><td></td><td></td>"
			      "<td class=\"num\"><b>%.2f</b></td><td></td><td></td>"
			      "<td class=\"num\">%.2f</td><td></td>",
			 c ? "cognition" : "perception", k, k == 1 ? "" : "s",
			 c ? u->cognition : u->perception, c ? u->cognition_ext : u->perception_ext);
		if (official_mme_sum_ci(u, c, &lo, &hi))
			buf_addf(out, "<td class=\"num\">[%.2f, %.2f]</td></tr>\n", lo, hi);
		else
			buf_adds(out, "<td></td></tr>\n");
	}
	buf_adds(out, "</tbody></table></div>\n");
	{
		struct buf note = BUF_INIT;
		official_mme_incomplete_note(u, &note);
		if (note.len)
			buf_addf(out, "<p class=\"note\">%s</p>\n", note.ptr);
		buf_release(&note);
	}
	if (!u->rule_applies)
		buf_adds(out, "<p class=\"note\">This template does not ask yes/no, so MME's rule does "
			      "not apply: the figures use vsrbench's extractor.</p>\n");
	else {
		size_t q = 0, differ = 0;
		for (size_t i = 0; i < u->n_sub; i++) {
			q += u->sub[i].questions;
			differ += u->sub[i].disagree;
		}
		buf_addf(out, "<p class=\"note\">Rule: MME's calculation.py (the reply lower-cased is "
			      "\"yes\" or \"no\", else \"yes\"/\"no\" within its first 4 characters; "
			      "anything else is \"other\", wrong), on the raw reply: acc, acc+, score. "
			      "vsrbench's extractor on the same replies: the extractor column and the "
			      "suite's acc<sub>t</sub>. They read <b>%zu of %zu replies</b> "
			      "differently.</p>\n",
			 differ, q);
	}
	if (u->n_examples) {
		buf_adds(out, "<details class=\"fold\"><summary>replies read differently (first "
			      "few)</summary><div class=\"scroll\"><table class=\"nums\"><thead><tr>"
			      "<th>item</th><th>reply</th><th>truth</th><th>MME rule</th>"
			      "<th>extractor</th></tr></thead><tbody>\n");
		for (size_t i = 0; i < u->n_examples; i++) {
			const struct off_example *e = &u->examples[i];
			buf_adds(out, "<tr><td>");
			html_esc(out, e->item);
			buf_adds(out, "</td><td>");
			html_esc(out, e->response);
			buf_addf(out, "</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
				 answer_name(e->label), answer_name(e->rule), answer_name(e->ext));
		}
		buf_adds(out, "</tbody></table></div></details>\n");
	}
}

static void mmbench_tables(const struct off_unit *u, struct buf *out)
{
	buf_adds(out, "<p>");
	mmbench_headline(u, out);
	if (u->incomplete)
		buf_addf(out, "; %zu questions left out for a failed request", u->incomplete);
	buf_adds(out, ".</p><p class=\"note\">Rule: MMBench's CircularEval (a question counts only "
		      "when every rotation of its options is right), each reply read by vsrbench's "
		      "extractor (a letter, or one option's text).</p>\n");
	accs_html(out, "l2-category", u->by_l2, u->n_l2);
	accs_html(out, "category", u->by_cat, u->n_cat);
}

static void seed_tables(const struct off_unit *u, struct buf *out)
{
	buf_adds(out, "<p>");
	seed_headline(u, out);
	if (u->failed)
		buf_addf(out, "; %zu failed requests left out", u->failed);
	buf_adds(out, ".</p><p class=\"note\">Rule: SEED-Bench's accuracy per dimension (image and "
		      "video questions are apart: video under seed-video), each reply read by "
		      "vsrbench's extractor (a letter, or one option's text).</p>\n");
	accs_html(out, "dimension", u->by_cat, u->n_cat);
}

/* One row per benchmark (metrics/official.h lists them). */
static const struct {
	enum official_kind kind;
	void (*headline)(const struct off_unit *u, struct buf *out);
	void (*tables)(const struct off_unit *u, struct buf *out);
} writers[] = {
	{ OFFICIAL_MME, mme_headline, mme_tables },
	{ OFFICIAL_MMBENCH, mmbench_headline, mmbench_tables },
	{ OFFICIAL_SEED, seed_headline, seed_tables },
};

static size_t writer_of(enum official_kind kind)
{
	size_t i;

	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (writers[i].kind == kind)
			break;
	return i;
}
#define N_WRITERS (sizeof(writers) / sizeof(writers[0]))

int html_official_headline(struct buf *out, const struct official *o, const char *suite)
{
	size_t n, shown = 0;
	const struct off_unit *units = o ? official_units(o, &n) : NULL;

	for (size_t i = 0; units && i < n; i++) {
		const struct off_unit *u = &units[i];
		size_t w = writer_of(u->kind);
		if (strcmp(u->suite, suite) || w == N_WRITERS)
			continue;
		buf_addf(out, "<div class=\"official\">official %s <span class=\"muted\">(template ",
			 official_kind_name(u->kind));
		html_esc(out, u->tmpl);
		buf_adds(out, ")</span>: ");
		writers[w].headline(u, out);
		buf_adds(out, "</div>\n");
		shown++;
	}
	return shown > 0;
}

void html_official_suite(struct buf *out, const struct official *o, const char *suite)
{
	size_t n;
	const struct off_unit *units = o ? official_units(o, &n) : NULL;

	for (size_t i = 0; units && i < n; i++) {
		const struct off_unit *u = &units[i];
		size_t w = writer_of(u->kind);
		if (strcmp(u->suite, suite) || w == N_WRITERS)
			continue;
		buf_addf(out, "<div class=\"figure official-tables\"><h3>Official metric: %s "
			      "(template ",
			 official_kind_name(u->kind));
		html_esc(out, u->tmpl);
		buf_adds(out, ")</h3>\n");
		writers[w].tables(u, out);
		buf_adds(out, "</div>\n");
	}
}

void html_official_run(struct buf *out, const struct official *o)
{
	size_t n;
	const struct off_mme_total *tot = o ? official_mme_totals(o, &n) : NULL;

	for (size_t i = 0; tot && i < n; i++) {
		if (tot[i].suites < 2)
			continue;
		buf_adds(out, "<div class=\"figure\"><h3>Official MME totals across suites (template ");
		html_esc(out, tot[i].tmpl);
		buf_addf(out, ")</h3><div class=\"scroll\"><table class=\"nums\"><thead><tr><th></th>"
			      "<th>subtasks</th><th>score</th></tr></thead><tbody>"
			      "<tr><td>perception</td><td class=\"num\">%zu</td><td class=\"num\">%.2f</td></tr>"
			      "<tr><td>cognition</td><td class=\"num\">%zu</td><td class=\"num\">%.2f</td></tr>"
			      "</tbody></table></div></div>\n",
			 tot[i].n_perception, tot[i].perception, tot[i].n_cognition, tot[i].cognition);
	}
}

void html_official_run_headline(struct buf *out, const struct official *o)
{
	size_t n, ns;
	const struct off_mme_total *tot = o ? official_mme_totals(o, &n) : NULL;
	const struct off_seed_total *st = o ? official_seed_totals(o, &ns) : NULL;

	for (size_t i = 0; st && i < ns; i++) {
		buf_adds(out, "<div class=\"card total\"><div class=\"name\">official SEED-Bench "
			      "<span class=\"muted\">(template ");
		html_esc(out, st[i].tmpl);
		buf_addf(out, ")</span></div><div class=\"big\">%.2f%% <span class=\"unit\">image "
			      "questions</span></div><div class=\"ci\">the headline (%zu of %zu); "
			      "video %.2f%% (%zu of %zu) apart; all questions together %.2f%%, as "
			      "SEED-Bench-1's own overall mixes them</div></div>\n",
			 100 * ratio(st[i].image.right, st[i].image.n), st[i].image.right, st[i].image.n,
			 100 * ratio(st[i].video.right, st[i].video.n), st[i].video.right, st[i].video.n,
			 100 * ratio(st[i].all.right, st[i].all.n));
	}

	for (size_t i = 0; tot && i < n; i++) {
		if (tot[i].suites < 2)
			continue;
		buf_addf(out, "<div class=\"card total\"><div class=\"name\">official MME across %zu "
			      "suites <span class=\"muted\">(template ",
			 tot[i].suites);
		html_esc(out, tot[i].tmpl);
		buf_addf(out, ")</span></div><div class=\"big\">%.2f <span class=\"unit\">perception "
			      "(%zu subtask%s)</span> · %.2f <span class=\"unit\">cognition (%zu "
			      "subtask%s)</span></div><div class=\"ci\">MME's leaderboard figures: each "
			      "subtask's score (acc + acc+) × 100, summed</div></div>\n",
			 tot[i].perception, tot[i].n_perception, tot[i].n_perception == 1 ? "" : "s",
			 tot[i].cognition, tot[i].n_cognition, tot[i].n_cognition == 1 ? "" : "s");
	}
}
