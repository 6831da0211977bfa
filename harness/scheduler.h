/*
 * scheduler: feeds tasks to an in-process adapter from N worker threads.
 *
 * The producer (the caller's thread) submits jobs: one item with the tasks
 * still missing from the journal.  Workers take jobs from a bounded queue,
 * batching tasks up to the adapter's max_batch, load each item's image once,
 * call the adapter, retry transient failures, extract the answers and append
 * the finished lines to the journal.  A request that still fails after the
 * retries is journaled as an error, never as an answer.
 */
#ifndef VSR_SCHEDULER_H
#define VSR_SCHEDULER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "../adapters/loader.h"
#include "../suites/suite.h"
#include "../suites/template.h"
#include "item.h"
#include "journal.h"

struct task {
	uint64_t key;
	const struct template *tpl; /* borrowed from the template set */
	char *prompt;
};

struct job {
	struct item item;
	const struct suite *suite; /* borrowed */
	struct task *tasks;
	size_t n_tasks;
};

void job_free(struct job *j);

struct sched_config {
	struct model *model;
	struct journal *journal;
	size_t workers;
	int max_tokens;
	double temperature;
	uint64_t seed;
	int retries;                       /* extra attempts after a transient failure */
	volatile sig_atomic_t *stop;       /* set by SIGINT: finish in-flight work, stop */
	int progress;                      /* draw a progress line on stderr */
	size_t total;                      /* tasks in the run, for the progress line */
	size_t already;                    /* of which already in the journal */
};

struct sched_stats {
	size_t done, correct, answered, errors;
	double wall;
	double cpu_image;   /* thread CPU seconds spent loading/rendering images */
	double cpu_model;   /* thread CPU seconds inside the adapter */
	double cpu_harness; /* thread CPU seconds of workers outside those two */
};

struct sched;

int sched_start(struct sched **s, const struct sched_config *cfg, char *err);
/* Takes ownership of job.  Blocks while the queue is full.  Non-zero: stop submitting. */
int sched_submit(struct sched *s, struct job *job);
/* Waits for all submitted work (or for in-flight work after a stop), joins, frees. */
int sched_finish(struct sched *s, struct sched_stats *stats, char *err);

/* The stable task key of DESIGN.md. */
uint64_t task_key(const char *suite, const char *item_id, const char *variant,
		  const char *template_id, const char *prompt, uint64_t image_digest,
		  uint64_t model_fp, int max_tokens, double temperature, uint64_t seed);

#endif
