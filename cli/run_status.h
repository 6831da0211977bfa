/*
 * run_status: what `vsrbench run` says of its progress and its end: status.json,
 * the usage lines after the summary, the reports after a fatal stop.
 */
#ifndef VSR_RUN_STATUS_H
#define VSR_RUN_STATUS_H

#include <stddef.h>

#include "../harness/cache.h"
#include "../harness/expand.h"
#include "../harness/scheduler.h"
#include "../suites/suite.h"
#include "run_opts.h"

/* What status.json is written from, while the run goes on and at its end. */
struct live_status {
	const char *dir;
	const struct run_opts *o;
	const struct suite *suites;
	size_t n;
	const size_t *seen, *mine;
	const struct template_set *views; /* the templates each suite gets (a shard's plan) */
	const struct expander *ex;
	size_t total; /* base tasks: the items after -n x the templates each suite gets */
	int items_read; /* every item has been read: a shard's own plan is known */
	double request_seconds_before; /* the earlier invocations' request phase (a resume) */
	int warned;
};

/* The run's usage in dollars at -M price_in / price_out; -1 without prices. */
double run_cost(const struct run_opts *o, const struct sched_stats *st);
/*
 * The error after a budget stop (VSR_EMODEL): the budget, what was used
 * against it (this run's tokens st, and before_in / before_out, the earlier
 * runs' into dir, which the budget counts too) and how to resume.
 */
int run_budget_stop(const struct run_opts *o, const struct sched_stats *st, double before_in,
		    double before_out, const char *dir, char *err);
/* "fixed" or "adaptive": --fixed, or -M concurrency (the later wins, as for every -M). */
const char *run_conc_mode(const struct run_opts *o);
/* The lines after the summary: requests in flight, answers from the cache, tokens and cost. */
/* said: the summary just printed has the same token totals (one suite, every task new).
 * before_in, before_out: the tokens the earlier runs into the directory were paid for: with
 * prices, the cost line adds the directory's total. */
void run_print_usage(const struct run_opts *o, const struct sched_stats *st, const struct cache *cache,
		     int said, double before_in, double before_out);
/*
 * status.json.  why: NULL when the run went through all its items, "" while it goes on
 * (live), else why it stopped ("interrupted", "error"); a budget stop is "budget" either way.
 */
int run_write_status(const struct live_status *ls, const struct sched_stats *st, const char *why,
		     int live, char *err);
/* status.json while the run goes on (the scheduler's status callback; ctx: a live_status). */
void run_live_status(void *ctx, const struct sched_stats *st);
/* After a fatal stop: the final status.json and the partial reports, or how to rebuild them. */
void run_fatal_reports(const struct live_status *ls, const struct sched_stats *st);

#endif
