/*
 * run_judge: the judge as `run` and `score` use it (harness/judge.h,
 * docs/judge.md): open the judge model from --judge KIND and -J options (a
 * missing key is a usage error before any request), record it in run.json,
 * and run one judge pass over a run directory.
 */
#ifndef VSR_RUN_JUDGE_H
#define VSR_RUN_JUDGE_H

#include <signal.h>
#include <stddef.h>

#include "../base/kv.h"
#include "../harness/model.h"

/* Opens the judge; VSR_EUSAGE with "--judge KIND: ..." when it cannot. */
int run_judge_open(const char *kind, const struct kv *opts, size_t n, struct model *m, char *err);

struct run_judge {
	struct model *model;
	const char *dir;   /* the run directory */
	const char *run;   /* its config_hash, or NULL */
	size_t workers;
	int retries, all, quiet, progress;
	volatile sig_atomic_t *stop;
};

/*
 * Writes run.json's "judge" and judges the run's invalid replies.  A judge
 * that fails (a crashed exec judge, an endpoint that went away) is a
 * warning: its tasks stay invalid and the reports count them.  Returns an
 * error only when the run directory cannot be read or written, or
 * VSR_EINTR after a stop.
 */
int run_judge_pass(const struct run_judge *j, char *err);

#endif
