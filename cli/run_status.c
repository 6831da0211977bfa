/*
 * run_status: what `vsrbench run` says of its progress and its end
 * (split out of cmd_run.c): status.json while the run goes on and at its end,
 * the lines after the summary (in flight, cache, tokens, cost), and the final
 * status and partial reports after a fatal stop.
 */
#include <stdio.h>
#include <string.h>

#include "run_status.h"
#include "../reports/ci_github.h"
#include "../reports/rebuild.h"
#include "../reports/report.h"
#include "../harness/rundir.h"
#include "../base/util.h"

/* The run's usage in dollars at -M price_in / price_out; -1 without prices. */
double run_cost(const struct run_opts *o, const struct sched_stats *st)
{
	if (!(o->price_in > 0 || o->price_out > 0))
		return -1;
	return ((double)st->tok_in * o->price_in + (double)st->tok_out * o->price_out) / 1e6;
}

int run_budget_stop(const struct run_opts *o, const struct sched_stats *st, double before_in,
		    double before_out, const char *dir, char *err)
{
	int usd = o->budget_usd > 0;
	double now = usd ? run_cost(o, st) : (double)(st->tok_in + st->tok_out);
	double before = usd ? (before_in * o->price_in + before_out * o->price_out) / 1e6
			    : before_in + before_out;
	struct buf w = BUF_INIT, used = BUF_INIT;
	int r;

	if (usd)
		buf_addf(&used, "%.4f USD", now + before);
	else
		buf_addf(&used, "%.0f", now + before);
	if (before > 0) {
		buf_adds(&used, " in all: ");
		buf_addf(&used, usd ? "%.4f" : "%.0f", now);
		buf_addf(&used, " by %zu new tasks, ", st->done);
		buf_addf(&used, usd ? "%.4f" : "%.0f", before);
		buf_adds(&used, " by the earlier runs into the directory (the budget counts them)");
	} else {
		buf_addf(&used, " used by %zu new tasks", st->done);
	}
	if (usd)
		r = err_set(err, VSR_EMODEL, "stopped before the budget of %g USD: %s; resume with a "
			    "larger --budget-usd and -o %s", o->budget_usd, used.ptr, sh_word(&w, dir));
	else
		r = err_set(err, VSR_EMODEL, "stopped before the budget of %.0f tokens: %s; resume with "
			    "a larger --budget-tokens and -o %s", o->budget_tokens, used.ptr, sh_word(&w, dir));
	buf_release(&w);
	buf_release(&used);
	return r;
}

/* "fixed" or "adaptive": --fixed, or -M concurrency (the later wins, as for every -M). */
const char *run_conc_mode(const struct run_opts *o)
{
	const char *mode = o->fixed ? "fixed" : "adaptive";

	for (size_t i = 0; i < o->n_mopts; i++)
		if (!strcmp(o->mopts[i].key, "concurrency"))
			mode = !strcmp(o->mopts[i].value, "fixed") ? "fixed" : "adaptive";
	return mode;
}

/*
 * The lines after the summary: requests in flight (the number to pass as
 * -j next time), answers from the cache, the tokens, a budget stop.
 */
void run_print_usage(const struct run_opts *o, const struct sched_stats *st,
		     const struct cache *cache, int said, double before_in, double before_out)
{
	double cost = run_cost(o, st);

	if (st->conc_known && !strcmp(run_conc_mode(o), "fixed"))
		printf("in flight: %ld (fixed)\n", st->conc_max);
	else if (st->conc_known)
		printf("in flight: adaptive, %ld to %ld, median %ld over the run's time; %s\n",
		       st->conc_min, st->conc_max, st->conc_median,
		       st->conc_queue ? "it read the server's queue at /metrics"
				      : "learned from throughput alone (no server queue read at /metrics)");

	if (cache || st->cached)
		printf("cache: %zu of %zu answers from the response cache, %zu asked\n", st->cached,
		       st->done, st->done - st->cached);
	if (st->tok_tasks && (!said || cost >= 0)) {
		struct buf r = BUF_INIT;
		report_reasoning_tokens(&r, (double)st->tok_reasoning, st->tok_reasoning_tasks,
					st->tok_tasks);
		printf("tokens: %lld in, %lld out (%s) over %zu answers", st->tok_in, st->tok_out, r.ptr,
		       st->tok_tasks);
		buf_release(&r);
		if (cost >= 0)
			printf("; cost %.4f USD at %g/%g USD per million", cost, o->price_in, o->price_out);
		if (cost >= 0 && before_in + before_out > 0)
			printf(" (%.4f USD with the earlier runs into the directory)",
			       cost + (before_in * o->price_in + before_out * o->price_out) / 1e6);
		printf("\n");
	} else if (!st->tok_tasks && st->unmetered && (o->budget_tokens > 0 || o->budget_usd > 0)) {
		vsr_warn("the model reported no token usage: the budget could not be applied");
	}
}


/*
 * status.json: what `vsrbench merge` checks and the reports read to mark a partial run.
 * why: NULL when the run went through all its items, "" while it goes on (live), else
 * why it stopped ("interrupted", "error"); a budget stop is "budget" either way.
 */
int run_write_status(const struct live_status *ls, const struct sched_stats *st,
			const char *why, int live, char *err)
{
	const struct run_opts *o = ls->o;
	struct rundir_suite_count counts[MAX_LIST];
	struct rundir_status rs = { 0 };

	for (size_t i = 0; i < ls->n; i++) {
		counts[i].name = ls->suites[i].name;
		counts[i].items_total = ls->seen[i];
		counts[i].items_in_shard = ls->mine[i];
	}
	rs.complete = !why && !st->budget_stop;
	rs.shard_index = o->shard_i;
	rs.shard_count = o->shard_n;
	rs.suites = counts;
	rs.n_suites = ls->n;
	rs.tasks_done_now = st->done;
	rs.tasks_done_before = ls->ex->done;
	rs.errors_now = st->errors;
	rs.cached_now = st->cached;
	rs.tokens_in = st->tok_in;
	rs.tokens_out = st->tok_out;
	rs.tokens_reasoning = st->tok_reasoning_tasks ? st->tok_reasoning : -1;
	rs.cost_usd = run_cost(o, st);
	rs.stopped_by = st->budget_stop ? "budget" : why && *why ? why : NULL;
	rs.request_seconds = ls->request_seconds_before + st->wall;
	/*
	 * A shard's items are known only once read: no plan until the last is
	 * read, then its own base tasks (also when it stops early after that),
	 * which `merge` adds up to the whole run's.
	 */
	if (o->shard_n == 1 && ls->total > ls->ex->not_applicable) {
		rs.tasks_planned = ls->total - ls->ex->not_applicable;
	} else if (o->shard_n > 1 && ls->items_read && ls->views) {
		size_t mine = 0;
		for (size_t i = 0; i < ls->n; i++)
			mine += ls->mine[i] * ls->views[i].n;
		if (mine > ls->ex->not_applicable)
			rs.tasks_planned = mine - ls->ex->not_applicable;
	}
	if (st->conc_known) {
		rs.conc_mode = run_conc_mode(o);
		rs.conc_last = st->conc_last;
		rs.conc_min = st->conc_min;
		rs.conc_median = st->conc_median;
		rs.conc_max = st->conc_max;
		rs.conc_queue = st->conc_queue;
	}
	{
		int r = rundir_write_status(ls->dir, &rs, err);
		/* run.json's summary once, at the end (not every live update) */
		return r || live ? r : rundir_note_concurrency(ls->dir, &rs, err);
	}
}

/* status.json while the run goes on (the scheduler's status callback). */
void run_live_status(void *ctx, const struct sched_stats *st)
{
	struct live_status *ls = ctx;
	char err[VSR_ERR_MAX];

	if (run_write_status(ls, st, "", 1, err) && !ls->warned) {
		ls->warned = 1;
		vsr_warn("%s", err);
	}
}

/*
 * After a fatal stop (every request refused the same way, the server gone, a bad item):
 * the final status.json and the reports of the journal, marked partial, before the
 * error is printed (its exit code stays); when they cannot be, how to rebuild them.
 */
void run_fatal_reports(const struct live_status *ls, const struct sched_stats *st)
{
	char err[VSR_ERR_MAX];
	struct buf md = BUF_INIT;

	if (run_write_status(ls, st, "error", 0, err))
		vsr_warn("%s", err);
	if (reports_rebuild(ls->dir, NULL, !ls->o->quiet, NULL, err))
		vsr_warn("the reports of the tasks done could not be written (%s); 'vsrbench report "
			 "%s' rebuilds them", err, ls->dir);
	else {
		printf("stopped by an error after %zu new task%s (%zu failed); the reports of the "
		       "tasks done, marked partial: %s\n", st->done, st->done == 1 ? "" : "s",
		       st->errors, rundir_path(&md, ls->dir, RUNDIR_REPORT_MD));
		github_step_summary_file(md.ptr, "report.md");
	}
	buf_release(&md);
	fflush(stdout);
}
