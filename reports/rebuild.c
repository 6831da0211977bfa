/* rebuild: the reports of a run directory from its journal. */
#include "rebuild.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#include "../harness/journal.h"
#include "../harness/rundir.h"
#include "../metrics/metrics.h"
#include "report.h"
#include "ci_github.h"
#include "../base/buf.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

int reports_rebuild(const char *dir, const char *formats, int summary,
		    const struct metrics_opts *mo, char *err)
{
	static const struct metrics_opts defaults = METRICS_OPTS_INIT;
	struct metrics_opts o = mo ? *mo : defaults;
	struct buf path = BUF_INIT, jpath = BUF_INIT;
	struct metrics m;
	struct rundir_progress pg;
	cJSON *run;
	int r;

	if ((r = reports_check(formats, err)))
		return r;
	reports_metrics_opts(formats, &o);
	run = rundir_load_run(dir);
	/* Only this run's lines count (a line of another run names FILE:LINE). */
	o.run = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(run, "config_hash"));
	if (rundir_judge_fp(run, &o.judge_fp))
		o.judge_journal = rundir_path(&jpath, dir, RUNDIR_JUDGE);
	r = metrics_from_journal_opts(rundir_path(&path, dir, RUNDIR_SAMPLES), &o, &m, err);
	if (r) {
		cJSON_Delete(run);
		buf_release(&path);
		buf_release(&jpath);
		return r;
	}
	/* Whether the run is partial: from the directory, whoever wrote it and whenever. */
	rundir_read_progress(dir, &pg);
	r = reports_write(dir, formats, &m, run, &pg, err);
	if (!r && summary) {
		/* A partial run's line and the verdict first, then which model it is about. */
		struct buf label = BUF_INIT;
		report_summary_run(stdout, &m, run, &pg, dir);
		model_label(run, &label);
		printf("  model: %s\n", label.ptr);
		buf_release(&label);
	}
	if (!r) {
		/*
		 * Most replies not read: said on stderr too when the summary is not
		 * shown (-q, as CI runs it), and as an annotation on GitHub Actions.
		 */
		struct buf w = BUF_INIT;
		if (report_mostly_unread_text(&w, &m)) {
			if (!summary)
				vsr_warn("%s", w.ptr);
			github_annotate_warning(stderr, "vsrbench (replies not read)", w.ptr);
		}
		buf_release(&w);
	}
	if (m.torn)
		vsr_warn("%s ends in a torn line (a crash); it was ignored", path.ptr);
	if (m.skipped)
		vsr_warn("%s:%zu: %zu line(s) longer than %u bytes skipped (not written by vsrbench)",
			 path.ptr, m.first_skipped, m.skipped, JOURNAL_LINE_MAX);
	cJSON_Delete(run);
	metrics_release(&m);
	buf_release(&path);
	buf_release(&jpath);
	return r;
}
