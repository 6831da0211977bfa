/*
 * report.json, schema "vsrbench.report/1" (documented in docs/report-json.md).
 * Numbers are rounded to 6 decimals so that the file is stable and diffable.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/rundir.h"
#include "judge_render.h"
#include "official_render.h"
#include "../metrics/stats.h"
#include "report.h"
#include "sources_render.h"
#include "../base/util.h" /* last: it includes banned.h */

/* k of n, with a's interval of that proportion and the tasks it counts. */
static cJSON *proportion(const struct acc *a, enum acc_prop p, size_t k, size_t n)
{
	cJSON *o = cJSON_CreateObject();
	double lo, hi;

	acc_ci(a, p, &lo, &hi);
	cJSON_AddNumberToObject(o, "value", json_round6(ratio(k, n)));
	cJSON_AddNumberToObject(o, "ci_low", json_round6(lo));
	cJSON_AddNumberToObject(o, "ci_high", json_round6(hi));
	cJSON_AddNumberToObject(o, "k", (double)k);
	cJSON_AddNumberToObject(o, "n", (double)n);
	cJSON_AddNumberToObject(o, "n_effective", json_round6(a->ci[p].n_eff));
	return o;
}

static cJSON *acc_json(const struct acc *a)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "tasks", (double)a->tasks);
	cJSON_AddNumberToObject(o, "errors", (double)a->errors);
	cJSON_AddNumberToObject(o, "cut_short", (double)a->cut_short);
	cJSON_AddNumberToObject(o, "refused", (double)a->refused);
	cJSON_AddNumberToObject(o, "cut_answered", (double)a->cut_answered);
	cJSON_AddNumberToObject(o, "images", (double)a->images);
	cJSON_AddItemToObject(o, "answered", proportion(a, PROP_ANSWERED, a->answered, a->tasks));
	/* acc_t: correct over all tasks; acc_a: correct over answered tasks. */
	cJSON_AddItemToObject(o, "accuracy", proportion(a, PROP_ACCURACY, a->correct, a->tasks));
	cJSON_AddItemToObject(o, "accuracy_answered",
			      proportion(a, PROP_ACC_ANSWERED, a->correct, a->answered));
	cJSON_AddItemToObject(o, "yes_rate", proportion(a, PROP_YES, a->yes, a->answered));
	cJSON_AddItemToObject(o, "accuracy_true_label",
			      proportion(a, PROP_TRUE_LABEL, a->pos_correct, a->pos));
	cJSON_AddItemToObject(o, "accuracy_false_label",
			      proportion(a, PROP_FALSE_LABEL, a->neg_correct, a->neg));
	return o;
}

static cJSON *groups_json(const struct groups *gs)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < gs->n; i++)
		cJSON_AddItemToObject(o, gs->g[i].name, acc_json(&gs->g[i].a));
	return o;
}

static cJSON *sensitivity_json(const struct metrics *m, const struct sens_result *sr)
{
	cJSON *o = cJSON_CreateObject(), *b = cJSON_AddObjectToObject(o, "bootstrap");

	cJSON_AddNumberToObject(b, "resamples", (double)m->resamples);
	cJSON_AddNumberToObject(b, "seed", (double)m->seed);
	cJSON_AddStringToObject(b, "unit", "image");
	cJSON_AddNumberToObject(b, "clusters", (double)sr->clusters);
	for (int f = 0; f < SENS_N; f++) {
		const struct sens_value *v = &sr->fig[f];
		cJSON *x;
		if (!v->present)
			continue;
		x = cJSON_AddObjectToObject(o, sens_names[f]);
		cJSON_AddNumberToObject(x, "value", json_round6(v->value));
		cJSON_AddNumberToObject(x, "ci_low", json_round6(v->ci_low));
		cJSON_AddNumberToObject(x, "ci_high", json_round6(v->ci_high));
		cJSON_AddNumberToObject(x, "n", (double)v->n);
		cJSON_AddNumberToObject(x, "images", (double)v->images);
	}
	if (sr->templates.present) {
		cJSON *t = cJSON_AddObjectToObject(o, "templates_differ");
		cJSON_AddStringToObject(t, "test", "cochran_q");
		cJSON_AddNumberToObject(t, "templates", (double)sr->templates.k);
		cJSON_AddNumberToObject(t, "items", (double)sr->templates.items);
		cJSON_AddNumberToObject(t, "images", (double)sr->templates.images);
		cJSON_AddNumberToObject(t, "q", json_round6(sr->templates.q));
		cJSON_AddNumberToObject(t, "p", json_round6(sr->templates.p));
	}
	return o;
}

/*
 * The tokens reported (issue 16); nothing when none were and no answer was
 * cached.  tokens_reasoning only when some answer reported it (as usage
 * itself: an unknown total is left out, never written as 0), summed over
 * answers_reasoning_reported of them.
 */
static void usage_json(cJSON *o, const struct usage_sum *u)
{
	cJSON *x;

	if (!u->reported && !u->cached)
		return;
	x = cJSON_AddObjectToObject(o, "usage");
	cJSON_AddNumberToObject(x, "answers_reported", (double)u->reported);
	cJSON_AddNumberToObject(x, "tokens_in", u->in);
	cJSON_AddNumberToObject(x, "tokens_out", u->out);
	cJSON_AddNumberToObject(x, "answers_reasoning_reported", (double)u->reasoning_reported);
	if (u->reasoning_reported)
		cJSON_AddNumberToObject(x, "tokens_reasoning", u->reasoning);
	cJSON_AddNumberToObject(x, "answers_cached", (double)u->cached);
}

/* The seed paper's Test-S / Test-G figures of the unified test set (issue 13 §9). */
static void protocols_json(cJSON *o, const struct suite_metrics *sm)
{
	struct vsr_protocols p;
	cJSON *ps, *x;

	if (!report_vsr_protocols(sm, &p))
		return;
	ps = cJSON_AddObjectToObject(o, "protocols");
	if (p.s) {
		x = acc_json(p.s);
		cJSON_AddStringToObject(x, "template", p.s_template);
		cJSON_AddBoolToObject(x, "headline", !p.g);
		cJSON_AddItemToObject(ps, "Test-S", x);
	}
	if (p.g) {
		x = acc_json(p.g);
		cJSON_AddNumberToObject(x, "templates", (double)p.g_templates);
		cJSON_AddBoolToObject(x, "headline", 1);
		cJSON_AddItemToObject(ps, "Test-G", x);
	}
}

static void copy_field(cJSON *dst, const cJSON *run, const char *key)
{
	const cJSON *v = run ? cJSON_GetObjectItemCaseSensitive(run, key) : NULL;

	if (v)
		cJSON_AddItemToObject(dst, key, cJSON_Duplicate(v, 1));
}

/* run.json's suites[NAME].data.version (VSR's zero-shot test: which published version), or NULL. */
static const char *data_version(const cJSON *run, const char *suite)
{
	const cJSON *s, *suites = run ? cJSON_GetObjectItemCaseSensitive(run, "suites") : NULL;

	cJSON_ArrayForEach(s, suites) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "name"));
		if (name && !strcmp(name, suite))
			return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(s, "data"), "version"));
	}
	return NULL;
}

/*
 * How far the run went (status.json), at the top: "complete", and for a
 * partial run the tasks done, the tasks planned when known, why it stopped
 * and the sentence the other reports lead with.  Nothing when not known.
 */
static void progress_json(cJSON *root, const struct metrics *m, const struct rundir_progress *pg)
{
	struct buf p = BUF_INIT;

	if (!pg || !pg->known)
		return;
	cJSON_AddBoolToObject(root, "complete", pg->complete);
	if (pg->complete)
		return;
	cJSON_AddNumberToObject(root, "tasks_done", (double)report_tasks_done(m));
	if (pg->tasks_planned)
		cJSON_AddNumberToObject(root, "tasks_planned", (double)pg->tasks_planned);
	if (pg->stopped_by[0])
		cJSON_AddStringToObject(root, "stopped_by", pg->stopped_by);
	report_partial_text(&p, m, pg, NULL);
	cJSON_AddStringToObject(root, "partial", p.ptr);
	buf_release(&p);
}

int report_json(const struct metrics *m, const cJSON *run, const struct rundir_progress *pg,
		struct buf *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *suites, *runo;

	cJSON_AddStringToObject(root, "schema", REPORT_SCHEMA);
	cJSON_AddStringToObject(root, "harness_version", VSR_VERSION);
	progress_json(root, m, pg);
	{
		struct buf p = BUF_INIT;
		if (report_none_scored_text(&p, m)) /* every reply cut short or refused */
			cJSON_AddStringToObject(root, "none_scored", p.ptr);
		buf_reset(&p);
		if (report_mostly_unread_text(&p, m)) /* half the replies or more read as none */
			cJSON_AddStringToObject(root, "mostly_not_read", p.ptr);
		buf_release(&p);
	}
	runo = cJSON_AddObjectToObject(root, "run");
	copy_field(runo, run, "model");
	copy_field(runo, run, "suites");
	copy_field(runo, run, "templates");
	{
		/* The headline's protocol; both are under the suite's "protocols". */
		struct vsr_protocols p;
		if (report_vsr_protocols(report_unified_suite(m), &p))
			cJSON_AddStringToObject(runo, "protocol", p.g ? "Test-G" : "Test-S");
	}
	copy_field(runo, run, "generation");
	copy_field(runo, run, "seed");
	copy_field(runo, run, "limit");
	copy_field(runo, run, "perturbations");
	{
		cJSON *src = sources_json(run);
		if (src)
			cJSON_AddItemToObject(runo, "sources", src);
	}
	cJSON_AddItemToObject(root, "overall", acc_json(&m->all));
	suites = cJSON_AddObjectToObject(root, "suites");
	for (size_t i = 0; i < m->n_suites; i++) {
		const struct suite_metrics *sm = &m->suites[i];
		cJSON *o = acc_json(&sm->all);
		const char *version = data_version(run, sm->name);
		if (version)
			cJSON_AddStringToObject(o, "data_version", version);
		cJSON_AddItemToObject(o, "by_category", groups_json(&sm->by_category));
		cJSON_AddItemToObject(o, "by_relation", groups_json(&sm->by_relation));
		cJSON_AddItemToObject(o, "by_template", groups_json(&sm->by_template));
		cJSON_AddItemToObject(o, "by_format", groups_json(&sm->by_format));
		cJSON_AddItemToObject(o, "by_variant", groups_json(&sm->by_variant));
		if (sens_any(&sm->sens))
			cJSON_AddItemToObject(o, "sensitivity", sensitivity_json(m, &sm->sens));
		protocols_json(o, sm);
		{
			const char *p;
			size_t missing, base;
			cJSON *na = NULL;
			for (size_t k = 0; report_not_applied(sm, run, k, &p, &missing, &base) >= 0; k++)
				if (missing) {
					if (!na)
						na = cJSON_AddObjectToObject(o, "not_applied");
					cJSON_AddNumberToObject(na, p, (double)missing);
				}
		}
		{
			struct buf v = BUF_INIT;
			if (sens_verdict(&v, &sm->sens))
				cJSON_AddStringToObject(o, "verdict", v.ptr);
			buf_release(&v);
		}
		{
			struct buf q = BUF_INIT;
			report_quote(&q, sm, run, pg, m);
			cJSON_AddStringToObject(o, "quote", q.ptr);
			buf_release(&q);
		}
		{
			cJSON *off = official_suite_json(m->official, sm->name);
			if (off)
				cJSON_AddItemToObject(o, "official", off);
		}
		if (sm->n_unread_ex) {
			cJSON *ex = cJSON_AddArrayToObject(o, "not_read_examples");
			for (size_t k = 0; k < sm->n_unread_ex; k++)
				cJSON_AddItemToArray(ex, cJSON_CreateString(sm->unread_ex[k]));
		}
		usage_json(o, &sm->usage);
		cJSON_AddItemToObject(suites, sm->name, o);
	}
	{
		cJSON *off = official_run_json(m->official);
		if (off)
			cJSON_AddItemToObject(root, "official", off);
	}
	usage_json(root, &m->usage);
	{
		cJSON *jo = judge_json(m, run);
		if (jo)
			cJSON_AddItemToObject(root, "judge", jo);
	}
	cJSON_AddNumberToObject(root, "journal_lines", (double)m->lines);
	cJSON_AddNumberToObject(root, "duplicate_lines", (double)m->duplicates);
	if (m->skipped)
		cJSON_AddNumberToObject(root, "skipped_lines", (double)m->skipped);
	return report_json_out(root, out);
}
