/*
 * What makes a headline comparable: the seed paper's names for the unified
 * test set's two protocols, Test-S (one template) and Test-G (a template
 * pool), from the suite's templates; the share of the suite asked (-n); the
 * line to quote a suite's headline by.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "../metrics/metrics.h"
#include "../metrics/stats.h"
#include "../harness/rundir.h"
#include "../suites/template.h"
#include "report.h"
#include "../base/banned.h" /* last: see banned.h */

/* The suite name of the unified test set (vsr-unified is its alias). */
#define UNIFIED "vsr-zeroshot-test"

/*
 * The rule (docs/report-json.md, "Test-S and Test-G"): on the unified test
 * set, the templates that were asked (base variant, at least one task) decide.
 * One template: Test-S is the suite's headline.  Several: Test-G is the
 * headline, and when `-t single`'s template (yn01) is among them, Test-S is
 * that template's own figure, so a pool run gives both.  Decided from the
 * journal, not from run.json's -t, so that a file of templates, an id list
 * or -p instr/format are read the same way.
 */
int report_vsr_protocols(const struct suite_metrics *sm, struct vsr_protocols *p)
{
	const char *canon = template_canonical_id();
	const struct group *one = NULL, *single = NULL;
	size_t n = 0;

	memset(p, 0, sizeof(*p));
	if (!sm || strcmp(sm->name, UNIFIED))
		return 0;
	for (size_t i = 0; i < sm->by_template.n; i++) {
		const struct group *g = &sm->by_template.g[i];
		if (!g->a.tasks)
			continue;
		n++;
		one = g;
		if (!strcmp(g->name, canon))
			single = g;
	}
	if (n == 1) {
		p->s = &sm->all;
		p->s_template = one->name;
	} else if (n > 1) {
		p->g = &sm->all;
		p->g_templates = n;
		if (single) {
			p->s = &single->a;
			p->s_template = single->name;
		}
	}
	return p->s || p->g;
}

const struct suite_metrics *report_unified_suite(const struct metrics *m)
{
	for (size_t i = 0; m && i < m->n_suites; i++)
		if (!strcmp(m->suites[i].name, UNIFIED))
			return &m->suites[i];
	return NULL;
}

const char *report_vsr_protocol(const struct metrics *m)
{
	struct vsr_protocols p;

	if (!report_vsr_protocols(report_unified_suite(m), &p))
		return NULL;
	return p.s && p.g ? "Test-S and Test-G" : p.g ? "Test-G" : "Test-S";
}

int report_slice(struct buf *out, const char *suite, const cJSON *run)
{
	const cJSON *lim = run ? cJSON_GetObjectItemCaseSensitive(run, "limit") : NULL, *s;
	double items = -1;

	if (!cJSON_IsNumber(lim) || lim->valuedouble <= 0)
		return 0;
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(run, "suites")) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(s, "data"), "items");
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "name"));
		if (name && !strcmp(name, suite) && cJSON_IsNumber(n))
			items = n->valuedouble;
	}
	if (items >= 0 && items <= lim->valuedouble)
		return 0; /* -n above the suite's size: every item was asked */
	if (items >= 0)
		buf_addf(out, "the first %.0f of %.0f items (-n %.0f)", lim->valuedouble, items,
			 lim->valuedouble);
	else
		buf_addf(out, "at most the first %.0f items (-n %.0f)", lim->valuedouble,
			 lim->valuedouble);
	return 1;
}

/* One row of report.md's table of the paper's numbers. */
static void protocol_row_md(struct buf *out, const char *name, const char *tpl,
			    const struct acc *a)
{
	double lo, hi;

	acc_ci(a, PROP_ACCURACY, &lo, &hi);
	buf_addf(out, "| %s | ", name);
	buf_add_md(out, tpl, 0);
	buf_addf(out, " | %zu | %.1f%% [%.1f, %.1f] | %.1f%% |\n", a->tasks,
		 100 * ratio(a->correct, a->tasks), 100 * lo, 100 * hi,
		 100 * ratio(a->correct, a->answered));
}

void report_protocols_md(struct buf *out, const struct suite_metrics *sm, const cJSON *run)
{
	struct vsr_protocols p;
	const char *spec = cJSON_GetStringValue(
		run ? cJSON_GetObjectItemCaseSensitive(run, "templates") : NULL);
	struct buf g = BUF_INIT;

	if (!report_vsr_protocols(sm, &p))
		return;
	buf_adds(out, "\n### The seed paper's numbers on the unified test set\n\n"
		      "| protocol | templates | tasks | acc_t [95% CI] | acc_a |\n"
		      "|---|---|---:|---|---:|\n");
	if (p.s)
		protocol_row_md(out, "Test-S", p.s_template, p.s);
	if (p.g) {
		buf_addf(&g, "%s (%zu templates)", spec ? spec : "this run's", p.g_templates);
		protocol_row_md(out, "Test-G", g.ptr, p.g);
	}
	buf_release(&g);
	if (report_slice(&g, sm->name, run)) /* not the set the paper's numbers are over */
		buf_addf(out, "\n**Over %s only, not the whole test set: not the paper's protocol "
			      "and not comparable with its numbers.**\n", g.ptr);
	buf_release(&g);
	buf_addf(out, "\n%s\n",
		 p.s && p.g ? "Test-G is every template of the run (the headline); Test-S is the "
			      "single template (`-t single`) alone, asked in the same run."
		 : p.g ? "Test-G: every template of the run (the headline). No Test-S: the run's "
			 "templates do not include `-t single`'s."
		       : "Test-S: the run's one template (the headline).");
}

void report_paper_templates_md(struct buf *out, const struct groups *by_template)
{
	size_t shown = 0;

	for (size_t i = 0; i < by_template->n; i++) {
		const struct group *g = &by_template->g[i];
		const struct template_reported *p = template_reported_find(g->name);
		const struct acc *a = &g->a;

		if (!p)
			continue;
		if (!shown++)
			buf_adds(out, "\n### The seed paper's templates: this run beside the paper's "
				      "LLaVA-1.5-13B\n\n"
				      "| template | answered | acc_t | acc_a | paper answered | paper acc_t "
				      "| paper acc_a |\n|---|---:|---:|---:|---:|---:|---:|\n");
		buf_addf(out, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", g->name,
			 ratio(a->answered, a->tasks), ratio(a->correct, a->tasks),
			 ratio(a->correct, a->answered), p->answered, p->acc_t, p->acc_a);
	}
	if (shown)
		buf_adds(out, "\n(The paper's numbers were typed from its slides; see "
			      "suites/template.c.)\n");
}

/*
 * The headline's tasks that are in no denominator, as the quote's last
 * words: "; not counted: 4 refused, 1 cut short, 2 failed" (the failed ones
 * only when the run is whole: a partial run's sentence counts them).
 */
static void quote_left_out(struct buf *out, const struct acc *a, int partial)
{
	const char *sep = "; not counted: ";

	if (a->refused) {
		buf_addf(out, "%s%zu refused", sep, a->refused);
		sep = ", ";
	}
	if (a->cut_short) {
		buf_addf(out, "%s%zu cut short", sep, a->cut_short);
		sep = ", ";
	}
	if (a->errors && !partial)
		buf_addf(out, "%s%zu failed", sep, a->errors);
}

void report_quote(struct buf *out, const struct suite_metrics *sm, const cJSON *run,
		  const struct rundir_progress *pg, const struct metrics *m)
{
	const struct acc *a = &sm->all;
	const char *hash = cJSON_GetStringValue(run ? cJSON_GetObjectItemCaseSensitive(run, "config_hash") : NULL);
	struct vsr_protocols p;
	double lo, hi;
	int partial = report_is_partial(pg);

	if (partial) {
		buf_adds(out, "partial run: ");
		report_partial_what(out, report_tasks_done(m), m->all.errors, pg->tasks_planned,
				    pg->stopped_by);
		buf_adds(out, "; ");
	}
	acc_ci(a, PROP_ACCURACY, &lo, &hi);
	buf_adds(out, sm->name);
	if (report_vsr_protocols(sm, &p))
		buf_adds(out, p.g ? ", Test-G" : ", Test-S");
	buf_addf(out, " (%zu template%s)", sm->by_template.n, sm->by_template.n == 1 ? "" : "s");
	if (run && cJSON_GetObjectItemCaseSensitive(run, "limit")) {
		struct buf sl = BUF_INIT;
		if (report_slice(&sl, sm->name, run))
			buf_addf(out, ", %s", sl.ptr);
		buf_release(&sl);
	}
	buf_adds(out, ": ");
	if (a->tasks) {
		buf_addf(out, "acc_t %.1f%% (95%% CI %.1f-%.1f; %zu task%s on %zu image%s",
			 100 * ratio(a->correct, a->tasks), 100 * lo, 100 * hi, a->tasks,
			 a->tasks == 1 ? "" : "s", a->images, a->images == 1 ? "" : "s");
		quote_left_out(out, a, partial);
		buf_adds(out, ")");
	} else
		buf_adds(out, "acc_t - (no task answered)");
	if (run && cJSON_GetObjectItemCaseSensitive(run, "model")) {
		buf_adds(out, ", model ");
		model_label(run, out);
	}
	buf_addf(out, "; vsrbench %s", VSR_VERSION);
	if (hash)
		buf_addf(out, ", run %s", hash);
}
