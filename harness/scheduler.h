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

#include "../base/buf.h"
#include "../include/vsrbench_adapter.h"
#include "journal.h"
#include "model.h"
#include "task.h"


struct sched_stats;

struct sched_config {
	struct model *model;
	struct journal *journal;
	size_t workers;
	int max_tokens;
	double temperature;
	uint64_t seed;
	int retries;                       /* extra attempts after a transient failure */
	volatile sig_atomic_t *stop;       /* set by SIGINT: finish in-flight work, stop */
	int progress;                      /* enum progress_mode (base/progress.h) */
	double progress_interval;          /* seconds between plain lines; 0: default */
	size_t total;                      /* tasks in the run, for the progress line */
	size_t already;                    /* of which already in the journal */
	/* Reasoning (issue 14): the tag pair removed before extraction (NULL:
	 * <think>,</think>; an empty think_open: none); its length is journaled
	 * as reasoning_chars, its text too with keep_reasoning (as "reasoning",
	 * after the reasoning the server sent apart, task_result.reasoning). */
	const char *think_open, *think_close;
	int keep_reasoning;
	const char *run;                   /* run.json's config_hash, written on each line */
	/* The response cache (issue 16; harness/cache.h), NULL: none.  Borrowed. */
	struct cache *cache;
	int cache_writes;                  /* 0: --cache read */
	/*
	 * Budgets (0: none): no job is taken that, at the tokens (or dollars)
	 * per task seen so far, could take the run's usage past them; the run
	 * then ends as if stopped, with sched_stats.budget_stop set.
	 */
	double budget_tokens, budget_usd;
	double price_in, price_out;        /* USD per million tokens; 0: unknown */
	/*
	 * What the earlier runs into the same directory were paid for (the
	 * journal's answers with usage, struct journal's paid): the budgets
	 * hold over resumes, and until this run's first count, their usage per
	 * answer is the estimate.  0: a new run.
	 */
	size_t before_tasks;
	double before_in, before_out;
	/*
	 * While the run goes on, status(status_ctx, counts so far) every
	 * status_interval seconds (0: 5), from the thread that submits jobs,
	 * outside the scheduler's lock (cmd_run writes status.json).  NULL: none.
	 */
	void (*status)(void *ctx, const struct sched_stats *st);
	void *status_ctx;
	double status_interval;
	int fixed;                         /* --fixed: a served model keeps `workers` in flight */
	int order_dataset;                 /* --order dataset: jobs run as submitted (no grouping) */
	/*
	 * An in-process plug-in's earlier crashes (plugin_guard.h): task key ->
	 * crashes it was in flight at, read from crashed_path.  A task at one is
	 * asked alone, at two or more journaled as failed without asking.
	 * NULL: none.  Borrowed.
	 */
	const struct u64map *crashed;
	const char *crashed_path;
};

struct sched_stats {
	size_t done, correct, answered, errors;
	double wall;        /* seconds since sched_start: the request phase (so far, in a status snapshot) */
	double cpu_image;   /* thread CPU seconds spent loading/rendering images */
	double cpu_model;   /* thread CPU seconds inside the adapter */
	double cpu_harness; /* thread CPU seconds of workers outside those two */
	size_t cached;      /* of done: answers from the response cache */
	/* Usage the servers reported for the answers of this run (not the cached ones). */
	long long tok_in, tok_out, tok_reasoning;
	size_t tok_tasks;   /* answers that reported usage */
	size_t tok_reasoning_tasks; /* of them, those that counted reasoning (0: tok_reasoning unknown) */
	size_t unmetered;   /* answers asked (not cached) that reported none */
	int budget_stop;    /* the run stopped at --budget-tokens / --budget-usd */
	/* A served model's requests allowed in flight (all loops and endpoints),
	 * over the run's time: conc_known 0 when the model never reported one. */
	int conc_known;
	long conc_last, conc_min, conc_median, conc_max;
	int conc_queue;     /* the limit read the server's queue (its /metrics) */
};

struct sched;

int sched_start(struct sched **s, const struct sched_config *cfg, char *err);
/*
 * Takes ownership of job.  Blocks while the queue is full.  Non-zero: stop
 * submitting.  Unless cfg.order_dataset, jobs are held back in a window of
 * SCHED_GROUP_WINDOW and released grouped by image (every job of the
 * oldest held job's image, in submission order), so a server's prefix
 * cache sees one image's requests in a row; sched_finish releases the rest.
 */
int sched_submit(struct sched *s, struct job *job);
/*
 * The progress line's total from here on: the run's plan, refined as the
 * items are read (a perturbation's variants differ by item).
 */
void sched_set_total(struct sched *s, size_t total);
/* Waits for all submitted work (or for in-flight work after a stop), joins, frees. */
int sched_finish(struct sched *s, struct sched_stats *stats, char *err);

/* ---- for workers --------------------------------------------------------
 * The in-process worker threads (scheduler.c) and an event-loop worker of a
 * remote model (model->run_loop, e.g. the HTTP adapters) drive tasks through
 * the same five calls, so the journal, the counters and the failure rules are
 * one code path:
 *
 *   job = sched_take(s, block)             next job, NULL when there is no more
 *   sched_load_image(s, job, &img)         the item's image bytes (once per job)
 *   sched_request(s, job, k, &img, id, &req) the ABI request of task k
 *   sched_complete(s, job, res, &batch)    extract, format journal lines, free job
 *   sched_flush(s, &batch)                 append the lines, count them
 */
struct task_result {
	int ok;          /* 1: text holds the model's reply */
	char *text;      /* malloc'd reply; sched_complete frees it */
	char error[256]; /* why, when !ok */
	int attempts;
	double ms;       /* model latency of this task */
	char *meta_json; /* NULL, or malloc'd JSON object for the journal's "meta"; sched_complete frees it */
	/* Set by adapters (shared interface, issue 14): */
	int cut_short;   /* 1: the reply was cut by the token limit (finish_reason length,
			    Anthropic max_tokens, Gemini MAX_TOKENS) */
	int refused;     /* 1: a refusal or safety block */
	/* Usage (issue 16): set usage = 1 with the counts the server reported
	 * (-1: that count was not reported).  Without it, sched_complete reads
	 * them from meta_json's "usage" (harness/sched_cache.c). */
	int usage;
	long long tok_in, tok_out, tok_reasoning;
	int cached;      /* 1: the reply came from the response cache */
	/*
	 * NULL, or malloc'd: reasoning the server sent apart from the reply
	 * (the HTTP adapters: vLLM's reasoning, Anthropic thinking ...), whose
	 * length the adapter put in meta's reasoning_chars; journaled as
	 * "reasoning" with keep_reasoning.  sched_complete frees it.
	 */
	char *reasoning;
};

struct sched_batch {
	struct buf lines;
	size_t done, correct, answered, errors;
	double cpu_image, cpu_model;
	size_t cached, tok_tasks, unmetered;
	long long tok_in, tok_out, tok_reasoning;
	size_t tok_reasoning_tasks;
};
#define SCHED_BATCH_INIT { BUF_INIT, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

struct job *sched_take(struct sched *s, int block);
/*
 * Loads the item's image into img (caller releases it) and, when a task of
 * the job needs it, makes the mirrored copy the job keeps.  0, or fails the
 * whole run (sched_fail) and returns the error code.
 */
int sched_load_image(struct sched *s, struct job *j, struct image *img,
		     struct sched_batch *b);
/*
 * Fills req for task k of j: the variant's image (none for blind), the
 * options in the task's rotation.  id must hold 17 bytes; req borrows from
 * j and img until the next sched_request on the same job.
 */
void sched_request(const struct sched *s, struct job *j, size_t k,
		   const struct image *img, char *id, struct vsrbench_request *req);
/* Takes res[0..j->n_tasks) and the job; lines go to b until sched_flush. */
void sched_complete(struct sched *s, struct job *j, struct task_result *res,
		    struct sched_batch *b);
/* Appends b's lines to the journal and adds its counts; empties b. */
int sched_flush(struct sched *s, struct sched_batch *b);
void sched_batch_release(struct sched_batch *b);
/* Stops the run with an error (the first one wins). */
void sched_fail(struct sched *s, int code, const char *msg);
/* Non-zero once the run is stopping (SIGINT or a failure). */
int sched_stopping(struct sched *s);
const struct sched_config *sched_get_config(const struct sched *s);
/*
 * A served model's loop changed how many requests it allows in flight by
 * delta (its first call: its starting limit).  The sum over the loops is
 * shown in the progress line and summarised (time-weighted) in the stats.
 */
void sched_concurrency_add(struct sched *s, long delta);
/* The limit reads the server's own queue (remote_metrics.c): said in run.json. */
void sched_concurrency_queue(struct sched *s);

/*
 * Completes the tasks k of j with done[k] set (results in res[k], as for
 * sched_complete) and removes them from the job.  Returns how many tasks
 * are left; at 0 the job is finished and freed, as by sched_complete.
 */
size_t sched_complete_some(struct sched *s, struct job *j, struct task_result *res,
			   const unsigned char *done, struct sched_batch *b);

/*
 * harness/sched_request.c: task t's options, shifted left by its rotation
 * (option k shows original (k + r) % n); the item's own when not rotated.
 */
char **sched_rotated_choices(struct job *j, size_t t);

/* ---- harness/sched_cache.c: the response cache and usage at dispatch --------- */

/*
 * Serves from the cache the tasks of a job just taken; returns the job
 * still to be asked, or NULL when the cache answered all of it.
 */
struct job *sched_cache_serve(struct sched *s, struct job *j);
/* Stores the answer of task k (not one served from the cache). */
void sched_cache_store(struct sched *s, struct job *j, size_t k,
		       const struct task_result *res);
/* Fills res's usage from its meta_json when the adapter did not set it. */
void sched_usage_from_meta(struct task_result *res);
/* The same from the meta object itself (an adapter that has it parsed: no second parse). */
struct cJSON;
void sched_usage_from_object(const struct cJSON *meta, struct task_result *res);
/*
 * The same from any reader of the usage object u: num(u, sub, name) is the
 * number >= 0 at u.name (u.sub.name when sub is not NULL), else -1.
 */
typedef long long (*usage_num_fn)(const void *u, const char *sub, const char *name);
void sched_usage_read(usage_num_fn num, const void *u, struct task_result *res);

/* ---- harness/sched_reasoning.c: a reply's reasoning in its journal line ------ */

/*
 * Sets x->reasoning_chars to the length of the reasoning inline in text
 * (what the extractor reads past with opts: extract_reasoning) and, with
 * keep, x->reasoning to the reasoning's text: apart (what the server sent
 * apart from the reply, NULL: none), then a blank line and the inline one
 * when there are both.  That text is built in kept (the caller's,
 * BUF_INIT; x->reasoning borrows it until the caller releases it).
 */
struct extract_opts;
void sched_reasoning(const char *text, const char *apart, const struct extract_opts *opts,
		     int keep, struct sample_extra *x, struct buf *kept);

#endif
