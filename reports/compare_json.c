/*
 * compare_json: the comparison and the gate's checks as JSON, schema
 * "vsrbench.compare/1" (docs/ci.md).
 */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "report.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

static cJSON *stat_json(const struct cmp_stat *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "pairs", (double)s->pairs);
	cJSON_AddNumberToObject(o, "base_accuracy", json_round6(ratio(s->base_correct, s->pairs)));
	cJSON_AddNumberToObject(o, "candidate_accuracy", json_round6(ratio(s->cand_correct, s->pairs)));
	cJSON_AddNumberToObject(o, "change", json_round6(cmp_stat_change(s)));
	if (s->has_ci) {
		cJSON_AddNumberToObject(o, "change_ci_low", json_round6(s->ci_low));
		cJSON_AddNumberToObject(o, "change_ci_high", json_round6(s->ci_high));
	}
	cJSON_AddNumberToObject(o, "right_to_wrong", (double)s->b);
	cJSON_AddNumberToObject(o, "wrong_to_right", (double)s->c);
	cJSON_AddNumberToObject(o, "mcnemar_p", s->p);
	cJSON_AddNumberToObject(o, "mcnemar_p_tasks", s->p_tasks);
	cJSON_AddNumberToObject(o, "images", (double)s->images);
	return o;
}

/* The diagnosis' figures of both runs, paired by image: "sensitivity" when any. */
static void sens_json(cJSON *suite, const struct cmp_suite *cs)
{
	cJSON *o = NULL;

	for (int f = 0; f < CMP_SENS_N; f++) {
		const struct sens_change *v = &cs->sens[f];
		cJSON *x;
		if (!v->present)
			continue;
		if (!o)
			o = cJSON_AddObjectToObject(suite, "sensitivity");
		x = cJSON_AddObjectToObject(o, sens_names[cmp_sens_figs[f]]);
		cJSON_AddNumberToObject(x, "images", (double)v->images);
		cJSON_AddNumberToObject(x, "base", json_round6(v->base));
		cJSON_AddNumberToObject(x, "candidate", json_round6(v->cand));
		cJSON_AddNumberToObject(x, "change", json_round6(v->change));
		cJSON_AddNumberToObject(x, "change_ci_low", json_round6(v->lo));
		cJSON_AddNumberToObject(x, "change_ci_high", json_round6(v->hi));
	}
}

static cJSON *groups_json(const struct cmp_stat *g, size_t n)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToObject(o, g[i].name, stat_json(&g[i]));
	return o;
}

static void add_counts(cJSON *o, size_t base_only, size_t cand_only, size_t failed,
		       size_t label)
{
	cJSON_AddNumberToObject(o, "tasks_only_in_base", (double)base_only);
	cJSON_AddNumberToObject(o, "tasks_only_in_candidate", (double)cand_only);
	cJSON_AddNumberToObject(o, "pairs_dropped_failed", (double)failed);
	cJSON_AddNumberToObject(o, "pairs_dropped_label_mismatch", (double)label);
}

/* A run: its directory, model, how far it went (status.json) and its tasks. */
static cJSON *run_json(const char *dir, const char *model, const struct cmp_run *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "dir", dir);
	if (model)
		cJSON_AddStringToObject(o, "model", model);
	else
		cJSON_AddNullToObject(o, "model");
	if (r->known)
		cJSON_AddBoolToObject(o, "complete", r->complete);
	else
		cJSON_AddNullToObject(o, "complete"); /* no status.json: not known */
	cJSON_AddNumberToObject(o, "tasks_done", (double)r->done);
	if (r->planned)
		cJSON_AddNumberToObject(o, "tasks_planned", (double)r->planned);
	if (r->stopped_by[0])
		cJSON_AddStringToObject(o, "stopped_by", r->stopped_by);
	cJSON_AddNumberToObject(o, "tasks", (double)r->tasks);
	cJSON_AddNumberToObject(o, "tasks_failed", (double)r->failed);
	return o;
}

static void add_lines(cJSON *arr, const char *text)
{
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *one = xmalloc(len + 1);
		memcpy(one, p, len);
		one[len] = '\0';
		cJSON_AddItemToArray(arr, cJSON_CreateString(one));
		free(one);
		p += len + (e ? 1 : 0);
	}
}

int comparison_json(const struct comparison *c, const struct gate_result *gr, struct buf *out)
{
	cJSON *root = cJSON_CreateObject(), *o, *suites, *arr;

	cJSON_AddStringToObject(root, "schema", "vsrbench.compare/1");
	cJSON_AddItemToObject(root, "base", run_json(c->base_dir, c->base_model, &c->base_run));
	cJSON_AddItemToObject(root, "candidate",
			      run_json(c->cand_dir, c->cand_model, &c->cand_run));
	arr = cJSON_AddArrayToObject(root, "warnings");
	add_lines(arr, c->warnings.ptr);
	/* The gate's checks that passed with a caveat are warnings as well. */
	for (size_t i = 0; gr && i < gr->n; i++)
		if (gr->c[i].warn)
			cJSON_AddItemToArray(arr, cJSON_CreateString(gr->c[i].line));
	o = cJSON_AddObjectToObject(root, "bootstrap");
	cJSON_AddNumberToObject(o, "resamples", (double)c->reps);
	cJSON_AddNumberToObject(o, "seed", (double)c->seed);
	cJSON_AddNumberToObject(o, "level", COMPARE_LEVEL);
	cJSON_AddStringToObject(o, "cluster", "image (item when the task has no image file)");
	o = stat_json(&c->all);
	add_counts(o, c->base_only, c->cand_only, c->dropped_failed, c->dropped_label);
	cJSON_AddNumberToObject(o, "variant_tasks_left_out", (double)c->variant_tasks);
	cJSON_AddItemToObject(root, "overall", o);
	suites = cJSON_AddObjectToObject(root, "suites");
	for (size_t i = 0; i < c->n_suites; i++) {
		const struct cmp_suite *cs = &c->suites[i];
		o = stat_json(&cs->all);
		add_counts(o, cs->base_only, cs->cand_only, cs->dropped_failed, cs->dropped_label);
		cJSON_AddItemToObject(o, "by_category", groups_json(cs->cat, cs->n_cat));
		cJSON_AddItemToObject(o, "by_relation", groups_json(cs->rel, cs->n_rel));
		sens_json(o, cs);
		cJSON_AddItemToObject(suites, cs->all.name, o);
	}
	o = cJSON_AddObjectToObject(root, "right_to_wrong");
	cJSON_AddNumberToObject(o, "total", (double)c->total_flips);
	cJSON_AddNumberToObject(o, "items", (double)c->flip_items);
	arr = cJSON_AddArrayToObject(o, "tasks");
	for (size_t i = 0; i < c->n_flips; i++) {
		const struct cmp_flip *f = &c->flips[i];
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "suite", f->suite);
		cJSON_AddStringToObject(t, "item", f->item);
		cJSON_AddStringToObject(t, "template", f->tmpl);
		cJSON_AddStringToObject(t, "variant", f->variant);
		cJSON_AddStringToObject(t, "label", answer_name(f->label));
		cJSON_AddStringToObject(t, "base_answer", answer_name(f->base_answer));
		cJSON_AddStringToObject(t, "candidate_answer", answer_name(f->cand_answer));
		cJSON_AddStringToObject(t, "prompt", f->prompt);
		cJSON_AddItemToArray(arr, t);
	}
	if (gr && gr->n) {
		o = cJSON_AddObjectToObject(root, "gate");
		cJSON_AddBoolToObject(o, "passed", !gr->n_failed);
		arr = cJSON_AddArrayToObject(o, "checks");
		for (size_t i = 0; i < gr->n; i++) {
			cJSON *t = cJSON_CreateObject();
			cJSON_AddStringToObject(t, "suite", gr->c[i].suite);
			cJSON_AddStringToObject(t, "type", gr->c[i].type);
			cJSON_AddStringToObject(t, "name", gr->c[i].name);
			cJSON_AddBoolToObject(t, "passed", !gr->c[i].failed);
			cJSON_AddBoolToObject(t, "warning", gr->c[i].warn);
			cJSON_AddStringToObject(t, "message", gr->c[i].line);
			cJSON_AddItemToArray(arr, t);
		}
	} else {
		cJSON_AddNullToObject(root, "gate");
	}
	return report_json_out(root, out);
}

