/* run_judge: the judge as `run` and `score` use it (run_judge.h). */
#include "run_judge.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../adapters/loader.h"
#include "../base/buf.h"
#include "../harness/judge.h"
#include "../harness/rundir.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

int run_judge_open(const char *kind, const struct kv *opts, size_t n, struct model *m, char *err)
{
	char *cfg = NULL;
	int r;

	memset(m, 0, sizeof(*m));
	if (!(r = model_config_json(opts, n, &cfg, err)))
		r = model_open(m, kind, cfg, err);
	free(cfg);
	if (r) {
		/* The message was written for -m and -M: name --judge and -J instead. */
		struct buf msg = BUF_INIT;
		for (const char *p = err; *p; p++) {
			if ((p[0] == '-' && (p[1] == 'M' || p[1] == 'm') && p[2] == ' ') &&
			    (p == err || p[-1] == ' ' || p[-1] == '(')) {
				buf_adds(&msg, p[1] == 'M' ? "-J " : "--judge ");
				p += 2;
			} else {
				buf_addch(&msg, *p);
			}
		}
		snprintf(err, VSR_ERR_MAX, "%s%s%s", strncmp(msg.ptr, "--judge ", 8) ? "--judge " : "",
			 strncmp(msg.ptr, "--judge ", 8) ? kind : "", strncmp(msg.ptr, "--judge ", 8) ? ": " : "");
		snprintf(err + strlen(err), VSR_ERR_MAX - strlen(err), "%s", msg.ptr);
		buf_release(&msg);
	}
	return r;
}

static cJSON *judge_json(const struct model *m)
{
	cJSON *o = cJSON_CreateObject();
	char hex[17];

	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)m->fingerprint_hash);
	cJSON_AddStringToObject(o, "spec", m->spec);
	cJSON_AddStringToObject(o, "name", model_name(m));
	cJSON_AddStringToObject(o, "version", model_version(m));
	cJSON_AddStringToObject(o, "fingerprint", m->fingerprint);
	cJSON_AddStringToObject(o, "fingerprint_hash", hex);
	cJSON_AddItemToObject(o, "config", cJSON_Parse(m->config_json));
	cJSON_AddNumberToObject(o, "prompt_version", JUDGE_PROMPT_VERSION);
	return o;
}

int run_judge_pass(const struct run_judge *j, char *err)
{
	struct buf samples = BUF_INIT, jpath = BUF_INIT;
	struct judge_config c = { 0 };
	struct judge_stats st;
	char jerr[VSR_ERR_MAX] = "";
	int r;

	if ((r = rundir_set_judge(j->dir, judge_json(j->model), err)))
		return r;
	c.judge = j->model;
	c.samples = rundir_path(&samples, j->dir, RUNDIR_SAMPLES);
	c.journal = rundir_path(&jpath, j->dir, RUNDIR_JUDGE);
	c.run = j->run;
	c.workers = j->workers;
	c.retries = j->retries;
	c.all = j->all;
	c.stop = j->stop;
	c.progress = j->progress;
	r = judge_pass(&c, &st, jerr);
	if (r == VSR_EINTR || (j->stop && *j->stop)) {
		r = VSR_EINTR;
	} else if (r == VSR_EDATA && !st.asked && jerr[0]) {
		/* The journals themselves: that is the run's failure, not the judge's. */
		memcpy(err, jerr, VSR_ERR_MAX);
	} else {
		if (r)
			vsr_warn("the judge stopped: %s; the replies it did not judge stay invalid", jerr);
		r = 0;
	}
	if (!r && !j->quiet)
		printf("judge: %zu repl%s to judge, %zu judged before, %zu asked now: %zu answered, "
		       "%zu failed (they stay invalid)\n",
		       st.candidates, st.candidates == 1 ? "y" : "ies", st.already, st.asked,
		       st.answered, st.errors);
	buf_release(&samples);
	buf_release(&jpath);
	return r;
}
