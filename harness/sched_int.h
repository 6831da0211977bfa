/*
 * sched_int: what scheduler.c shares with its own parts (sched_worker.c);
 * nothing else includes it.  Included after ../base/util.h (VSR_ERR_MAX).
 */
#ifndef VSR_SCHED_INT_H
#define VSR_SCHED_INT_H

#include <pthread.h>

#include "scheduler.h"
#include "../base/progress.h"

#define MAX_JOBS_PER_BATCH 64
/*
 * Jobs looked ahead to group the tasks of one image (docs/performance.md):
 * enough for the captions of one VSR image, few enough that the held
 * items stay a small, fixed amount of memory.
 */
#define SCHED_GROUP_WINDOW 256
#define MAX_RETRY_SLEEP_MS 2000

struct sched {
	struct sched_config cfg;
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full, drained;
	struct job **q;
	size_t qcap, qhead, qlen;
	size_t active; /* workers inside a batch */
	int closed;
	int failed;
	char err[VSR_ERR_MAX];
	pthread_t *threads;
	size_t n_threads;
	struct sched_stats st;
	struct progress progress;
	size_t taken;    /* tasks of the jobs taken so far (the budget's tasks in flight) */
	/* The status callback's next time and its copy of the counts (the
	 * submitting thread's alone: tick() fills them, status_flush() calls). */
	double status_next;
	int status_pending;
	struct sched_stats status_snap;
	/* sched_concurrency_add: the sum now, since when, seconds spent at each value */
	long conc;
	double conc_t;
	double *conc_hist;
	/* Image-grouped order (sched_submit): jobs held back, in submission order. */
	struct job *stage[SCHED_GROUP_WINDOW];
	size_t n_stage;
	/* Jobs with a task in flight at an earlier crash (sched_crashed_job): submitted last. */
	struct job **later;
	size_t n_later, cap_later;
};

void sched_sleep_ms(long ms);
/* s->mu held: the next queued job (the queue is not empty). */
struct job *sched_dequeue_locked(struct sched *s);
/* s->mu held: 0 when n more tasks fit the budgets, 1 when they never will, 2 not yet known. */
int sched_budget_check_locked(struct sched *s, size_t n);
/* Has job j a task in flight at an earlier crash of the plug-in (sched_config.crashed)? */
int sched_crashed_job(const struct sched *s, const struct job *j);
/* An in-process worker thread (arg: the struct sched). */
void *sched_worker(void *arg);

#endif
