/*
 * gate_run: the gate's driver, one for `vsrbench compare` and for `vsrbench
 * run --baseline ...` (compare.h): load, evaluate, write, tell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/rundir.h"
#include "ci_github.h"
#include "compare_int.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

static int write_out(const char *path, const struct buf *b, char *err)
{
	if (!strcmp(path, "-")) {
		fwrite(b->ptr, 1, b->len, stdout);
		return 0;
	}
	return write_file_atomic(path, b->ptr, b->len, err);
}

/*
 * One vsr_warn per line of the comparison's warnings (content that differs,
 * another extractor), and on GitHub Actions a ::warning each: they say the
 * figures may not compare, which a passing gate would otherwise hide.
 */
static void warn_lines(const struct comparison *c)
{
	for (const char *w = c->warnings.ptr; *w;) {
		const char *e = strchr(w, '\n');
		int len = (int)(e ? (size_t)(e - w) : strlen(w));
		char *one = xmalloc((size_t)len + 1);
		memcpy(one, w, (size_t)len);
		one[len] = '\0';
		vsr_warn("%s", one);
		github_annotate_warning(stderr, "vsrbench compare", one);
		free(one);
		w += len + (e ? 1 : 0);
	}
}

int gate_run(const struct gate_opts *g, const struct gate_run_opts *o, char *err)
{
	struct comparison cmp;
	struct gate_result res = { 0 };
	struct rundir_progress pg;
	struct metrics m;
	struct buf text = BUF_INIT;
	cJSON *run = NULL;
	int r, have_cmp = 0, have_m = 0;

	if (o->base_dir) {
		if ((r = comparison_load(&cmp, o->base_dir, o->cand_dir, o->reps, o->seed, err)))
			goto out;
		have_cmp = 1;
		if (o->warn)
			warn_lines(&cmp);
	}
	/* The candidate's own metrics: floors apply to all its tasks, not only the paired ones. */
	if ((r = gate_load_candidate(o->cand_dir, &m, &run, err)))
		goto out;
	have_m = 1;
	gate_evaluate(g, have_cmp ? &cmp : NULL, &m, &res);
	if (have_cmp) {
		comparison_md(&cmp, &res, &text);
		if (o->md_file && (r = write_out(o->md_file, &text, err)))
			goto out;
		if (!o->md_file && o->md_stdout)
			fwrite(text.ptr, 1, text.len, stdout);
		github_step_summary(text.ptr, text.len, "the comparison's Markdown");
		buf_reset(&text);
		if (o->json_file &&
		    ((r = comparison_json(&cmp, &res, &text)) || (r = write_out(o->json_file, &text, err))))
			goto out;
	}
	buf_reset(&text);
	/* The candidate's junit.xml says so when it is a partial run, as reports_write's does. */
	rundir_read_progress(o->cand_dir, &pg);
	if (o->junit_file &&
	    ((r = junit_build(&m, run, &pg, &res, &text)) || (r = write_out(o->junit_file, &text, err))))
		goto out;
	fflush(stdout);
	/* The gate's own warnings (an accepted partial run, a few failed tasks) in `run` too. */
	gate_print_warnings(&res);
	gate_print_failures(stderr, &res);
	github_annotate_gate(stderr, &res);
	if (res.n_failed) {
		err[0] = '\0';
		r = VSR_EGATE;
	} else if (o->say_passed) {
		size_t warned = 0;
		for (size_t i = 0; i < res.n; i++)
			warned += res.c[i].warn != 0;
		printf("gate passed: %zu check%s", res.n, res.n == 1 ? "" : "s");
		if (warned)
			printf(" (%zu with a warning, above)", warned);
		putchar('\n');
	}
out:
	gate_result_release(&res);
	if (have_cmp)
		comparison_release(&cmp);
	if (have_m)
		metrics_release(&m);
	cJSON_Delete(run);
	buf_release(&text);
	return r;
}

int gate_after_run(const char *run_dir, const struct gate_opts *g, char *err)
{
	struct buf md = BUF_INIT, json = BUF_INIT, junit = BUF_INIT;
	struct gate_run_opts o;
	int r;

	memset(&o, 0, sizeof(o));
	o.base_dir = g->baseline;
	o.cand_dir = run_dir;
	o.seed = 1;
	o.md_file = rundir_path(&md, run_dir, RUNDIR_COMPARE_MD);
	o.json_file = rundir_path(&json, run_dir, RUNDIR_COMPARE_JSON);
	o.junit_file = rundir_path(&junit, run_dir, RUNDIR_JUNIT);
	o.say_passed = 1;
	o.warn = 1; /* a baseline of other content or another extractor is said, as compare says it */
	r = gate_run(g, &o, err);
	buf_release(&md);
	buf_release(&json);
	buf_release(&junit);
	return r;
}
