/*
 * The seed paper's names for the unified test set's two protocols: Test-S
 * (one template) and Test-G (a template pool), from the suite's templates.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "../metrics/metrics.h"
#include "../metrics/stats.h"
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
