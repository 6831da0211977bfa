/* judge_render: the judge's effect in the reports (judge_render.h). */
#include "judge_render.h"

#include "../metrics/judged.h"
#include "../metrics/stats.h"
#include "report.h"
#include "../base/banned.h" /* last: see banned.h */

void judge_label(const cJSON *run, struct buf *out)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(run, "judge");
	const char *spec = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "spec"));
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(j, "config");
	const char *model = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cfg, "model"));
	const cJSON *pv = cJSON_GetObjectItemCaseSensitive(j, "prompt_version");

	buf_addf(out, "%s%s%s, prompt v%d", spec ? spec : "?", model ? " " : "", model ? model : "",
		 cJSON_IsNumber(pv) ? pv->valueint : 0);
}

static double with_judge(const struct judged_counts *c)
{
	return ratio(c->correct + c->rescued_correct, c->tasks);
}

static void summary_line(FILE *fp, const char *name, const struct judged_counts *c)
{
	fprintf(fp, "  %-28s exact %5.1f%%  with judge %5.1f%%  (%zu invalid: %zu judged, "
		    "%zu rescued, %zu right%s",
		name, 100 * ratio(c->correct, c->tasks), 100 * with_judge(c), c->invalid, c->judged,
		c->rescued, c->rescued_correct, c->failed || c->not_asked ? "" : ")\n");
	if (c->failed)
		fprintf(fp, ", %zu judge calls failed", c->failed);
	if (c->not_asked)
		fprintf(fp, ", %zu not asked", c->not_asked);
	if (c->failed || c->not_asked)
		fputs(")\n", fp);
}

void judge_summary(FILE *fp, const struct metrics *m, const cJSON *run)
{
	struct buf l = BUF_INIT;

	if (!m->judged)
		return;
	judge_label(run, &l);
	fprintf(fp, "  judge (%s): replies exact matching could not read\n", l.ptr);
	for (size_t i = 0; i < m->judged->n_suites; i++)
		summary_line(fp, m->judged->suites[i].name, &m->judged->suites[i].c);
	buf_release(&l);
}

void judge_md(const struct metrics *m, const cJSON *run, struct buf *out)
{
	struct buf l = BUF_INIT;

	if (!m->judged)
		return;
	judge_label(run, &l);
	buf_adds(out, "\n## Judge\n\nReplies the extractor read as invalid were sent to the judge ");
	buf_add_md(out, l.ptr, 200);
	buf_adds(out, " (docs/judge.md); it never picks an answer itself, so a reply it could not "
		      "read stays invalid.\n\n"
		      "| suite | tasks | invalid | judged | rescued | rescued right | judge failed "
		      "| not asked | accuracy (exact) | accuracy (with judge) |\n"
		      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < m->judged->n_suites; i++) {
		const struct judged_counts *c = &m->judged->suites[i].c;
		double lo = c->lo, hi = c->hi, lo2 = c->lo_judge, hi2 = c->hi_judge;
		buf_adds(out, "| ");
		buf_add_md(out, m->judged->suites[i].name, 200);
		buf_addf(out, " | %zu | %zu | %zu | %zu | %zu | %zu | %zu | %.1f%% [%.1f, %.1f] | %.1f%% [%.1f, %.1f] |\n",
			 c->tasks, c->invalid, c->judged, c->rescued, c->rescued_correct, c->failed,
			 c->not_asked,
			 100 * ratio(c->correct, c->tasks), 100 * lo, 100 * hi, 100 * with_judge(c),
			 100 * lo2, 100 * hi2);
	}
	buf_release(&l);
}

void judge_html(const struct metrics *m, const cJSON *run, struct buf *out)
{
	struct buf l = BUF_INIT;

	if (!m->judged)
		return;
	judge_label(run, &l);
	buf_adds(out, "<section><h2>Judge</h2>\n<p>Replies the extractor read as invalid were sent "
		      "to the judge ");
	buf_add_xml_str(out, l.ptr);
	buf_adds(out, " (docs/judge.md); a reply it could not read stays invalid.</p>\n<table>"
		      "<tr><th>suite</th><th>tasks</th><th>invalid</th><th>judged</th><th>rescued</th>"
		      "<th>rescued right</th><th>judge failed</th><th>not asked</th><th>accuracy (exact)</th>"
		      "<th>accuracy (with judge)</th></tr>\n");
	for (size_t i = 0; i < m->judged->n_suites; i++) {
		const struct judged_counts *c = &m->judged->suites[i].c;
		buf_adds(out, "<tr><td>");
		buf_add_xml_str(out, m->judged->suites[i].name);
		buf_addf(out, "</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td>"
			      "<td>%zu</td><td>%zu</td><td>%.1f%%</td><td>%.1f%%</td></tr>\n",
			 c->tasks, c->invalid, c->judged, c->rescued, c->rescued_correct, c->failed,
			 c->not_asked,
			 100 * ratio(c->correct, c->tasks), 100 * with_judge(c));
	}
	buf_adds(out, "</table></section>\n");
	buf_release(&l);
}

static cJSON *counts_json(const struct judged_counts *c)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "tasks", (double)c->tasks);
	cJSON_AddNumberToObject(o, "invalid", (double)c->invalid);
	cJSON_AddNumberToObject(o, "judged", (double)c->judged);
	cJSON_AddNumberToObject(o, "rescued", (double)c->rescued);
	cJSON_AddNumberToObject(o, "rescued_correct", (double)c->rescued_correct);
	cJSON_AddNumberToObject(o, "failed", (double)c->failed);
	cJSON_AddNumberToObject(o, "not_asked", (double)c->not_asked);
	cJSON_AddNumberToObject(o, "accuracy_exact", json_round6(ratio(c->correct, c->tasks)));
	cJSON_AddNumberToObject(o, "accuracy_with_judge", json_round6(with_judge(c)));
	return o;
}

cJSON *judge_json(const struct metrics *m, const cJSON *run)
{
	cJSON *o, *s;
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(run, "judge");

	if (!m->judged)
		return NULL;
	o = cJSON_CreateObject();
	if (j)
		cJSON_AddItemToObject(o, "model", cJSON_Duplicate(j, 1));
	cJSON_AddItemToObject(o, "all", counts_json(&m->judged->all));
	s = cJSON_AddObjectToObject(o, "suites");
	for (size_t i = 0; i < m->judged->n_suites; i++)
		cJSON_AddItemToObject(s, m->judged->suites[i].name, counts_json(&m->judged->suites[i].c));
	return o;
}
