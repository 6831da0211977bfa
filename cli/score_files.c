/*
 * score_files: run.json and status.json of a `vsrbench score` run (split
 * out of cmd_score.c).
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>

#include "score_formats.h"
#include "../harness/rundir.h"
#include "../base/buf.h"
#include "../base/util.h" /* last: it includes banned.h */

/* ------------------------------------------------------------------ */
/* The run directory                                                   */
/* ------------------------------------------------------------------ */

/* run.json and status.json of what was scored. */
int score_write_run_files(struct score *s, int argc, char **argv, char *err)
{
	cJSON *run = cJSON_CreateObject(), *mo, *arr;
	struct rundir_suite_count counts[SCORE_MAX_SUITES];
	struct rundir_status st = { 0 };
	char hex[17];
	int r;

	if (s->model) {
		cJSON_AddItemToObject(run, "model", s->model);
		s->model = NULL;
	} else {
		mo = cJSON_AddObjectToObject(run, "model");
		cJSON_AddStringToObject(mo, "spec", "replay");
		cJSON_AddStringToObject(mo, "name", "replay");
		cJSON_AddStringToObject(mo, "version", "");
		cJSON_AddStringToObject(mo, "fingerprint", "replay: recorded answers");
		cJSON_AddItemToObject(mo, "config", cJSON_CreateObject());
	}
	arr = cJSON_AddArrayToObject(run, "suites");
	for (size_t i = 0; i < s->n_suites; i++) {
		cJSON *so = cJSON_CreateObject();
		cJSON_AddStringToObject(so, "name", s->suites[i].name);
		cJSON_AddItemToObject(so, "options", cJSON_CreateObject());
		snprintf(hex, sizeof(hex), "%016" PRIx64, score_suite_digest(&s->suites[i]));
		cJSON_AddStringToObject(so, "digest", hex);
		cJSON_AddItemToArray(arr, so);
	}
	{
		struct buf t = BUF_INIT;
		for (size_t i = 0; i < s->n_templates; i++)
			buf_addf(&t, "%s%s", i ? "," : "", s->templates[i]);
		cJSON_AddStringToObject(run, "templates", t.ptr);
		buf_release(&t);
	}
	arr = cJSON_AddArrayToObject(run, "template_ids");
	for (size_t i = 0; i < s->n_templates; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(s->templates[i]));
	mo = cJSON_AddObjectToObject(run, "generation");
	cJSON_AddNumberToObject(mo, "max_tokens", 0);
	cJSON_AddNumberToObject(mo, "temperature", 0);
	cJSON_AddNumberToObject(run, "seed", 0);
	cJSON_AddNumberToObject(run, "limit", -1);
	cJSON_AddItemToObject(run, "source", s->sources);
	s->sources = NULL;
	r = rundir_write_run(s->dir, run, 0, 1, argc, argv, err);
	cJSON_Delete(run);
	if (r)
		return r;
	for (size_t i = 0; i < s->n_suites; i++) {
		counts[i].name = s->suites[i].name;
		counts[i].items_total = s->suites[i].items;
		counts[i].items_in_shard = s->suites[i].items;
	}
	st.complete = 1;
	st.shard_index = 0;
	st.shard_count = 1;
	st.suites = counts;
	st.n_suites = s->n_suites;
	st.tasks_done_now = s->lines;
	return rundir_write_status(s->dir, &st, err);
}

