/*
 * The seed paper's names for the unified test set's two protocols: Test-S
 * (one template) and Test-G (a template pool), from run.json.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "../metrics/metrics.h"
#include "../suites/template.h"
#include "report.h"
#include "../base/banned.h" /* last: see banned.h */

const char *report_vsr_protocol(const cJSON *run)
{
	const cJSON *suites = run ? cJSON_GetObjectItemCaseSensitive(run, "suites") : NULL;
	const char *tpl = run ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(run, "templates"))
			      : NULL;
	const cJSON *s;
	int unified = 0;

	cJSON_ArrayForEach(s, suites)
	{
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "name"));
		unified |= name && (!strcmp(name, "vsr-zeroshot-test") || !strcmp(name, "vsr-unified"));
	}
	if (!unified || !tpl)
		return NULL;
	if (!strcmp(tpl, "pool") || !strcmp(tpl, "vsre") || strchr(tpl, ','))
		return "Test-G";
	if (!strchr(tpl, '/'))
		return "Test-S"; /* "single" or one id */
	return NULL; /* a user's file: its size is not in run.json */
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
