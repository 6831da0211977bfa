/*
 * sched_worker: the scheduler's in-process workers (builtin:NAME and lib:PATH
 * plug-ins), kept out of scheduler.c: each takes jobs, batches their tasks
 * up to the plug-in's max_batch, calls it under plugin_guard, and completes
 * the jobs.  A plug-in's earlier crashes (sched_config.crashed) make their
 * tasks go alone, last, or not at all (plugin_guard.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_guard.h"
#include "scheduler.h"
#include "../base/progress.h"
#include "../base/util.h" /* it includes banned.h: after every system header */
#include "sched_int.h"    /* its struct needs VSR_ERR_MAX */

/* One task of a batch on its way through the adapter. */
struct slot {
	struct job *job;
	size_t k;
	const struct image *img;
	struct task_result *res;
	char id[17];
	int status;
};

/* A plug-in's usage (ABI 2.1; 0 from an older adapter): 0 or less is "not counted" (-1). */
static void plugin_usage(const struct vsrbench_response *r, struct task_result *res)
{
	if (r->prompt_tokens <= 0 && r->completion_tokens <= 0)
		return;
	res->usage = 1;
	res->tok_in = r->prompt_tokens > 0 ? (long long)r->prompt_tokens : -1;
	res->tok_out = r->completion_tokens > 0 ? (long long)r->completion_tokens : -1;
	res->tok_reasoning = r->reasoning_tokens > 0 ? (long long)r->reasoning_tokens : -1;
}

/*
 * Calls the adapter for slots[0..n) until each is answered or out of attempts.
 * The ABI takes arrays of pointers (include/vsrbench_adapter.h): the structs
 * sit in arrays of the host's own stride, the adapter sees only reqp/respp.
 */
static void answer_slots(struct sched *s, struct slot *slots, size_t n, struct sched_batch *b)
{
	struct vsrbench_request *req = xcalloc(n, sizeof(*req));
	struct vsrbench_response *resp = xcalloc(n, sizeof(*resp));
	const struct vsrbench_request **reqp = xcalloc(n, sizeof(*reqp));
	struct vsrbench_response **respp = xcalloc(n, sizeof(*respp));
	size_t *idx = xmalloc(n * sizeof(*idx));
	int max_attempts = 1 + (s->cfg.retries > 0 ? s->cfg.retries : 0);

	for (int attempt = 1; attempt <= max_attempts; attempt++) {
		size_t m = 0;
		double t0, c0;
		int r;

		for (size_t i = 0; i < n; i++)
			if (slots[i].status == VSRBENCH_ERR_RETRY)
				idx[m++] = i;
		if (!m)
			break;
		if (attempt > 1) {
			long ms = 10L << (attempt < 8 ? attempt : 8);
			sched_sleep_ms(ms < MAX_RETRY_SLEEP_MS ? ms : MAX_RETRY_SLEEP_MS);
		}
		for (size_t k = 0; k < m; k++) {
			struct slot *sl = &slots[idx[k]];
			sched_request(s, sl->job, sl->k, sl->img, sl->id, &req[k]);
			memset(&resp[k], 0, sizeof(resp[k]));
			resp[k].struct_size = sizeof(resp[k]);
			resp[k].status = VSRBENCH_ERR_FATAL;
			reqp[k] = &req[k];
			respp[k] = &resp[k];
		}
		/* Its crash or exit() names it and these tasks (plugin_guard.h). */
		plugin_guard_prepare(s->cfg.model->path ? s->cfg.model->path : model_name(s->cfg.model));
		for (size_t k = 0; k < m; k++)
			plugin_guard_task(slots[idx[k]].id, slots[idx[k]].job->suite->name,
					  slots[idx[k]].job->item.id);
		t0 = wall_seconds();
		c0 = thread_cpu_seconds();
		plugin_guard_enter("answer_batch()");
		r = s->cfg.model->answer(s->cfg.model, reqp, respp, m);
		plugin_guard_leave();
		b->cpu_model += thread_cpu_seconds() - c0;
		t0 = (wall_seconds() - t0) * 1000.0 / (double)m;
		for (size_t k = 0; k < m; k++) {
			struct slot *sl = &slots[idx[k]];
			struct task_result *res = sl->res;
			res->attempts = attempt;
			res->ms += t0;
			if (r) {
				sl->status = VSRBENCH_ERR_RETRY;
				snprintf(res->error, sizeof(res->error), "adapter failed the whole batch");
				continue;
			}
			resp[k].error[sizeof(resp[k].error) - 1] = '\0';
			sl->status = resp[k].status;
			if (sl->status == VSRBENCH_OK && resp[k].text) {
				res->ok = 1;
				res->text = xstrdup(resp[k].text);
				plugin_usage(&resp[k], res);
			} else {
				if (sl->status != VSRBENCH_ERR_RETRY)
					sl->status = VSRBENCH_ERR_FATAL;
				model_no_answer_reason(&resp[k], res->error, sizeof(res->error));
			}
			plugin_guard_enter("free_response()");
			s->cfg.model->free_response(s->cfg.model, &resp[k]);
			plugin_guard_leave();
		}
	}
	free(req);
	free(resp);
	free(reqp);
	free(respp);
	free(idx);
}

/*
 * Tasks in flight at an earlier crash of the plug-in (sched_config.crashed)
 * go after the others, each to be asked alone; those at two crashes are
 * failed here, never asked.  Returns how many go in batches (the first).
 */
static size_t crashed_last(struct sched *s, struct slot *slots, size_t n)
{
	struct slot *order;
	uint64_t *times;
	size_t plain = 0, last;

	if (!s->cfg.crashed || !s->cfg.crashed->n)
		return n;
	order = xmalloc(n * sizeof(*order));
	times = xcalloc(n, sizeof(*times));
	for (size_t i = 0; i < n; i++)
		if (!u64map_get(s->cfg.crashed, slots[i].job->tasks[slots[i].k].key, &times[i]) ||
		    !times[i])
			order[plain++] = slots[i];
	last = plain;
	for (size_t i = 0; i < n; i++) {
		if (!times[i])
			continue;
		if (times[i] >= 2) {
			slots[i].status = VSRBENCH_ERR_FATAL;
			snprintf(slots[i].res->error, sizeof(slots[i].res->error),
				 "the plug-in crashed with this task in flight %llu times; not asked again "
				 "(delete %s to ask it)", (unsigned long long)times[i], s->cfg.crashed_path);
		}
		order[last++] = slots[i];
	}
	memcpy(slots, order, n * sizeof(*slots));
	free(order);
	free(times);
	return plain;
}

/* Completes and journals the jobs whose every task is final (jobs[j] then NULL). */
static void complete_final(struct sched *s, struct job **jobs, struct task_result **res,
			   size_t n_jobs, const struct slot *slots, size_t n, struct sched_batch *b)
{
	int any = 0;

	for (size_t j = 0; j < n_jobs; j++) {
		size_t i = 0;
		if (!jobs[j])
			continue;
		while (i < n && (slots[i].job != jobs[j] || slots[i].status != VSRBENCH_ERR_RETRY))
			i++;
		if (i < n)
			continue;
		sched_complete(s, jobs[j], res[j], b);
		jobs[j] = NULL;
		any = 1;
	}
	if (any)
		sched_flush(s, b);
}

int sched_crashed_job(const struct sched *s, const struct job *j)
{
	uint64_t times;

	if (!s->cfg.crashed || !s->cfg.crashed->n)
		return 0;
	for (size_t k = 0; k < j->n_tasks; k++)
		if (u64map_get(s->cfg.crashed, j->tasks[k].key, &times) && times)
			return 1;
	return 0;
}

/* Answers the tasks of jobs[0..n_jobs) in batches of at most max_batch. */
static void process(struct sched *s, struct job **jobs, size_t n_jobs, struct sched_batch *b)
{
	struct image *imgs = xcalloc(n_jobs, sizeof(*imgs));
	struct task_result **res = xcalloc(n_jobs, sizeof(*res));
	struct slot *slots;
	size_t n = 0, loaded = 0;
	double c_start = thread_cpu_seconds(), c_img = b->cpu_image, c_model = b->cpu_model;

	for (size_t j = 0; j < n_jobs; j++)
		n += jobs[j]->n_tasks;
	slots = xcalloc(n, sizeof(*slots));
	for (; loaded < n_jobs; loaded++)
		if (sched_load_image(s, jobs[loaded], &imgs[loaded], b))
			break;
	if (loaded == n_jobs) {
		for (size_t j = 0, i = 0; j < n_jobs; j++) {
			res[j] = xcalloc(jobs[j]->n_tasks, sizeof(**res));
			for (size_t k = 0; k < jobs[j]->n_tasks; k++, i++) {
				slots[i].job = jobs[j];
				slots[i].k = k;
				slots[i].img = &imgs[j];
				slots[i].res = &res[j][k];
				slots[i].status = VSRBENCH_ERR_RETRY;
			}
		}
		size_t plain = crashed_last(s, slots, n);
		for (size_t off = 0; off < plain; off += s->cfg.model->max_batch) {
			size_t m = plain - off < s->cfg.model->max_batch ? plain - off : s->cfg.model->max_batch;
			answer_slots(s, slots + off, m, b);
		}
		for (size_t i = plain; i < n; i++) {
			/* Alone, and what is answered journaled first: it may be the one that crashes. */
			complete_final(s, jobs, res, n_jobs, slots, n, b);
			if (slots[i].status == VSRBENCH_ERR_RETRY)
				answer_slots(s, slots + i, 1, b);
		}
		for (size_t j = 0; j < n_jobs; j++) {
			if (jobs[j])
				sched_complete(s, jobs[j], res[j], b);
			jobs[j] = NULL;
		}
		sched_flush(s, b);
	}
	/* After a failure: jobs not journaled are dropped; the next run redoes them. */
	for (size_t j = 0; j < n_jobs; j++) {
		if (jobs[j]) {
			job_free(jobs[j]);
			pthread_mutex_lock(&s->mu);
			s->active--;
			pthread_cond_broadcast(&s->drained);
			pthread_mutex_unlock(&s->mu);
		}
		free(res[j]);
		image_release(&imgs[j]);
	}
	pthread_mutex_lock(&s->mu);
	s->st.cpu_harness += thread_cpu_seconds() - c_start - (b->cpu_image - c_img) -
			     (b->cpu_model - c_model);
	pthread_mutex_unlock(&s->mu);
	free(slots);
	free(res);
	free(imgs);
}

void *sched_worker(void *arg)
{
	struct sched *s = arg;
	struct job *batch[MAX_JOBS_PER_BATCH];
	struct sched_batch b = SCHED_BATCH_INIT;

	b.lines.max = 256u << 20;
	for (;;) {
		size_t n = 0, tasks = 0;
		struct job *j = sched_take(s, 1);

		if (!j)
			break;
		/* Batch whole jobs, up to max_batch tasks, from what is queued now. */
		batch[n++] = j;
		tasks = j->n_tasks;
		while (n < MAX_JOBS_PER_BATCH && tasks < s->cfg.model->max_batch) {
			pthread_mutex_lock(&s->mu);
			j = NULL;
			if (s->qlen && tasks + s->q[s->qhead]->n_tasks <= s->cfg.model->max_batch &&
			    !s->st.budget_stop && !sched_budget_check_locked(s, s->q[s->qhead]->n_tasks))
				j = sched_dequeue_locked(s);
			pthread_mutex_unlock(&s->mu);
			if (j && s->cfg.cache && !(j = sched_cache_serve(s, j)))
				continue; /* answered from the cache: look for another */
			if (!j)
				break;
			batch[n++] = j;
			tasks += j->n_tasks;
		}
		process(s, batch, n, &b);
	}
	sched_batch_release(&b);
	return NULL;
}

