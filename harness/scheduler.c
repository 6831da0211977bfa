#include "scheduler.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "extract.h"
#include "imgvar.h"
#include "plugin_guard.h"
#include "../base/progress.h"
#include "../base/util.h"

#include "sched_int.h"

#define CONC_HIST_MAX 8192 /* values above count as this one */

void sched_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void sched_fail(struct sched *s, int code, const char *msg)
{
	pthread_mutex_lock(&s->mu);
	if (!s->failed) {
		s->failed = code ? code : VSR_EDATA;
		snprintf(s->err, sizeof(s->err), "%s", msg);
	}
	pthread_cond_broadcast(&s->not_empty);
	pthread_cond_broadcast(&s->not_full);
	pthread_cond_broadcast(&s->drained);
	pthread_mutex_unlock(&s->mu);
}

int sched_stopping(struct sched *s)
{
	int r;

	pthread_mutex_lock(&s->mu);
	r = s->failed || *s->cfg.stop;
	pthread_mutex_unlock(&s->mu);
	return r;
}

const struct sched_config *sched_get_config(const struct sched *s)
{
	return &s->cfg;
}

/* s->mu held: the time at the current value goes into the histogram. */
static void conc_account(struct sched *s, double now)
{
	if (!s->conc_hist)
		return;
	s->conc_hist[s->conc < CONC_HIST_MAX ? s->conc : CONC_HIST_MAX] += now - s->conc_t;
	s->conc_t = now;
}

void sched_concurrency_add(struct sched *s, long delta)
{
	double now = wall_seconds();

	pthread_mutex_lock(&s->mu);
	if (!s->conc_hist) {
		s->conc_hist = xcalloc(CONC_HIST_MAX + 1, sizeof(*s->conc_hist));
		s->conc_t = now;
		s->st.conc_known = 1;
		s->st.conc_min = LONG_MAX;
	}
	conc_account(s, now);
	s->conc += delta;
	if (s->conc < 0)
		s->conc = 0;
	s->progress.conc = s->conc;
	pthread_mutex_unlock(&s->mu);
}

void sched_concurrency_queue(struct sched *s)
{
	pthread_mutex_lock(&s->mu);
	s->st.conc_queue = 1;
	pthread_mutex_unlock(&s->mu);
}

/* min / median (time-weighted) / max so far, and the last (s->mu held, or the workers joined). */
static void conc_summary(struct sched *s)
{
	double total = 0, half, acc = 0;

	if (!s->conc_hist)
		return;
	conc_account(s, wall_seconds());
	s->st.conc_last = s->conc;
	s->st.conc_min = s->st.conc_max = s->st.conc_median = s->conc;
	for (long v = 0; v <= CONC_HIST_MAX; v++)
		total += s->conc_hist[v];
	half = total / 2;
	for (long v = 0; v <= CONC_HIST_MAX && total > 0; v++) {
		if (s->conc_hist[v] <= 0)
			continue;
		if (v < s->st.conc_min)
			s->st.conc_min = v;
		if (v > s->st.conc_max)
			s->st.conc_max = v;
		if (acc < half && acc + s->conc_hist[v] >= half)
			s->st.conc_median = v;
		acc += s->conc_hist[v];
	}
}

/* The queue's first job, now in progress (s->mu held, s->qlen > 0). */
struct job *sched_dequeue_locked(struct sched *s)
{
	struct job *j = s->q[s->qhead];

	s->qhead = (s->qhead + 1) % s->qcap;
	s->qlen--;
	s->active++;
	s->taken += j->n_tasks;
	/* The producer refills from half empty: no thread switch per job taken. */
	if (s->qlen <= s->qcap / 2)
		pthread_cond_signal(&s->not_full);
	return j;
}

/* Tokens in and out in the budget's unit. */
static double budget_used(const struct sched *s, double in, double out)
{
	if (s->cfg.budget_tokens > 0)
		return in + out;
	return (in * s->cfg.price_in + out * s->cfg.price_out) / 1e6;
}

/*
 * May a job of n tasks be taken (s->mu held)?  0: yes; 1: it could take the
 * run past its budget at the usage per task seen so far; 2: not yet (no
 * usage seen, a first request is in flight: wait for its count).  The
 * usage so far includes the earlier runs into the directory (a resume
 * after Ctrl-C or a budget stop does not get the whole budget again).
 */
int sched_budget_check_locked(struct sched *s, size_t n)
{
	double budget = s->cfg.budget_tokens > 0 ? s->cfg.budget_tokens : s->cfg.budget_usd;
	double now, before, per_task;
	size_t in_flight = s->taken - s->st.done;

	if (budget <= 0)
		return 0;
	now = budget_used(s, (double)s->st.tok_in, (double)s->st.tok_out);
	before = budget_used(s, s->cfg.before_in, s->cfg.before_out);
	if (s->st.tok_tasks)
		per_task = now / (double)s->st.tok_tasks;
	else if (s->cfg.before_tasks && !s->st.unmetered)
		per_task = before / (double)s->cfg.before_tasks;
	else
		/* A server that reports no usage cannot be held to a budget (cmd_run says so). */
		return s->st.unmetered ? 0 : in_flight ? 2 : 0;
	return before + now + per_task * (double)(in_flight + n) > budget ? 1 : 0;
}

struct job *sched_take(struct sched *s, int block)
{
	struct job *j = NULL;

	for (;;) {
		int b = 0;

		pthread_mutex_lock(&s->mu);
		while (block && !s->qlen && !s->closed && !s->failed && !*s->cfg.stop &&
		       !s->st.budget_stop)
			pthread_cond_wait(&s->not_empty, &s->mu);
		if (s->qlen && !s->failed && !*s->cfg.stop && !s->st.budget_stop &&
		    (b = sched_budget_check_locked(s, s->q[s->qhead]->n_tasks)) == 0) {
			j = sched_dequeue_locked(s);
		} else if (b == 1) {
			/* Taken no further: what is in flight finishes, the rest stays for a resume. */
			s->st.budget_stop = 1;
			pthread_cond_broadcast(&s->not_empty);
			pthread_cond_broadcast(&s->not_full);
			pthread_cond_broadcast(&s->drained);
		} else if (b == 2 && block) {
			pthread_cond_wait(&s->drained, &s->mu);
			pthread_mutex_unlock(&s->mu);
			continue;
		}
		pthread_mutex_unlock(&s->mu);
		/* Answers already paid for complete here, whatever the model's kind. */
		if (j && s->cfg.cache && !(j = sched_cache_serve(s, j)))
			continue;
		return j;
	}
}

int sched_load_image(struct sched *s, struct job *j, struct image *img,
		     struct sched_batch *b)
{
	char err[VSR_ERR_MAX];
	double c0 = thread_cpu_seconds();
	int r;

	/* Mirroring needs the bytes: no base64 pass-through then. */
	for (size_t k = 0; k < j->n_tasks; k++)
		if (j->tasks[k].image == IMG_HFLIP)
			img->want_b64 = 0;
	r = j->suite->ops->load_image(j->suite->priv, &j->item, img, err);

	for (size_t k = 0; !r && k < j->n_tasks; k++) {
		if (j->tasks[k].image != IMG_HFLIP)
			continue;
		if ((r = image_hflip(img, &j->hflip, err))) {
			char msg[VSR_ERR_MAX + 128];
			/* The image's file, or where the item holding it is (MMBench's base64). */
			const char *at = j->item.image_path ? j->item.image_path : j->item.where;
			snprintf(msg, sizeof(msg), "cannot mirror the image of %s %s%s%s%s: %s",
				 j->suite->name, j->item.id, at ? " (" : "", at ? at : "",
				 at ? ")" : "", err);
			size_t n = strlen(msg) < VSR_ERR_MAX ? strlen(msg) : VSR_ERR_MAX - 1;
			memcpy(err, msg, n);
			err[n] = '\0';
			image_release(img);
		}
		break;
	}
	b->cpu_image += thread_cpu_seconds() - c0;
	if (r)
		sched_fail(s, r, err);
	return r;
}

static void task_meta(const struct job *j, size_t k, struct sample_meta *m)
{
	const struct item *it = &j->item;
	const struct template *t = j->tasks[k].tpl;

	memset(m, 0, sizeof(*m));
	m->key = j->tasks[k].key;
	m->suite = j->suite->name;
	m->item = it->id;
	m->tmpl = t->id;
	m->format = tfmt_name(t->fmt);
	m->variant = j->tasks[k].variant;
	m->relation = it->relation;
	m->category = it->category;
	m->l2 = it->l2;
	m->group = it->group;
	m->prompt = j->tasks[k].prompt;
	m->image = it->image_path;
	m->label = j->tasks[k].label;
}

/* Task k of j: its journal line into b, its counts; frees res[k]'s strings. */
static void complete_task(struct sched *s, struct job *j, size_t k, struct task_result *res,
			  struct sched_batch *b)
{
	const char *topen = s->cfg.think_open ? s->cfg.think_open : EXTRACT_THINK_OPEN;
	const char *tclose = s->cfg.think_close ? s->cfg.think_close : EXTRACT_THINK_CLOSE;
	struct extract_opts xo = { topen, tclose };

	{
		const struct template *t = j->tasks[k].tpl;
		struct sample_meta m;

		task_meta(j, k, &m);
		m.meta_json = res[k].meta_json;
		m.run = s->cfg.run;
		if (res[k].ok) {
			size_t n = j->item.n_choices, rot = j->tasks[k].rotation;
			answer_t a = n
				? extract_answer_ex(res[k].text,
						    (const char *const *)sched_rotated_choices(j, k), NULL, n,
						    &xo, NULL)
				: extract_answer_ex(res[k].text, t->n_choices ? t->choices : NULL,
						    t->choice_answer, t->n_choices, &xo, NULL);
			struct sample_extra x = { SAMPLE_ANSWER, -1, NULL, 0, 0, -1, -1, -1, 0 };
			struct buf kept = BUF_INIT;

			if (!res[k].cached && !res[k].usage)
				sched_usage_from_meta(&res[k]);
			if (!res[k].cached && s->cfg.cache && s->cfg.cache_writes)
				sched_cache_store(s, j, k, &res[k]);
			x.cached = res[k].cached;
			if (res[k].usage) {
				x.usage = 1;
				x.tok_in = res[k].tok_in;
				x.tok_out = res[k].tok_out;
				x.tok_reasoning = res[k].tok_reasoning;
			}
			if (res[k].cached) {
				b->cached++;
			} else if (res[k].usage) {
				/* Paid in this run: the totals and the budget count it. */
				b->tok_tasks++;
				b->tok_in += res[k].tok_in > 0 ? res[k].tok_in : 0;
				b->tok_out += res[k].tok_out > 0 ? res[k].tok_out : 0;
				if (res[k].tok_reasoning >= 0) { /* -1: not reported, not 0 */
					b->tok_reasoning_tasks++;
					b->tok_reasoning += res[k].tok_reasoning;
				}
			} else {
				b->unmetered++;
			}

			/* Journal letters refer to the options as the dataset orders them. */
			if (n && rot && ANS_IS_LETTER(a))
				a = ANS_LETTER((answer_t)(((size_t)(a - ANS_LETTER(0)) + rot) % n));
			/* Neither is an answer: counted apart, out of every accuracy. */
			if (res[k].refused)
				x.outcome = SAMPLE_REFUSED;
			else if (res[k].cut_short && a == ANS_INVALID)
				x.outcome = SAMPLE_CUT_SHORT;
			else if (res[k].cut_short)
				x.cut_answered = 1;
			sched_reasoning(res[k].text, res[k].reasoning, &xo, s->cfg.keep_reasoning,
					&x, &kept);
			sample_format_ok_ex(&b->lines, &m, res[k].text, a, res[k].ms, &x);
			buf_release(&kept);
			if (x.outcome == SAMPLE_ANSWER) {
				b->answered += a != ANS_INVALID;
				b->correct += a == m.label;
			}
		} else {
			sample_format_error(&b->lines, &m, res[k].error, res[k].attempts);
			b->errors++;
		}
		b->done++;
		/* Lines are up to JOURNAL_LINE_MAX each: a batch of long ones goes out
		 * before it could reach the batch buffer's cap. */
		if (b->lines.len > b->lines.max / 2 - JOURNAL_LINE_MAX)
			sched_flush(s, b);
		free(res[k].text);
		res[k].text = NULL;
		free(res[k].meta_json);
		res[k].meta_json = NULL;
		free(res[k].reasoning);
		res[k].reasoning = NULL;
	}
}

static void job_done(struct sched *s, struct job *j)
{
	job_free(j);
	pthread_mutex_lock(&s->mu);
	if (!--s->active) /* only sched_finish waits for this, for the last one */
		pthread_cond_broadcast(&s->drained);
	pthread_mutex_unlock(&s->mu);
}

void sched_complete(struct sched *s, struct job *j, struct task_result *res,
		    struct sched_batch *b)
{
	for (size_t k = 0; k < j->n_tasks; k++)
		complete_task(s, j, k, res, b);
	job_done(s, j);
}

size_t sched_complete_some(struct sched *s, struct job *j, struct task_result *res,
			   const unsigned char *done, struct sched_batch *b)
{
	size_t w = 0, n = j->n_tasks;

	for (size_t k = 0; k < n; k++)
		if (done[k])
			complete_task(s, j, k, res, b);
	/* The rest move up: the job goes on with only them. */
	for (size_t k = 0; k < n; k++) {
		if (done[k])
			free(j->tasks[k].prompt);
		else
			j->tasks[w++] = j->tasks[k];
	}
	j->n_tasks = w;
	if (!w)
		job_done(s, j);
	return w;
}

int sched_flush(struct sched *s, struct sched_batch *b)
{
	char err[VSR_ERR_MAX];

	if (b->lines.capped) {
		sched_fail(s, VSR_EDATA, "a batch of journal lines exceeded its size cap");
		return VSR_EDATA;
	}
	if (b->lines.len && journal_append(s->cfg.journal, b->lines.ptr, b->lines.len, err)) {
		sched_fail(s, VSR_EDATA, err);
		return VSR_EDATA;
	}
	pthread_mutex_lock(&s->mu);
	s->st.done += b->done;
	s->st.correct += b->correct;
	s->st.answered += b->answered;
	s->st.errors += b->errors;
	s->st.cpu_image += b->cpu_image;
	s->st.cpu_model += b->cpu_model;
	s->st.cached += b->cached;
	s->st.tok_tasks += b->tok_tasks;
	s->st.unmetered += b->unmetered;
	s->st.tok_in += b->tok_in;
	s->st.tok_out += b->tok_out;
	s->st.tok_reasoning += b->tok_reasoning;
	s->st.tok_reasoning_tasks += b->tok_reasoning_tasks;
	if (b->done && (s->cfg.budget_tokens > 0 || s->cfg.budget_usd > 0))
		pthread_cond_broadcast(&s->drained); /* a budget's first count may have come */
	pthread_mutex_unlock(&s->mu);
	buf_reset(&b->lines);
	b->done = b->correct = b->answered = b->errors = 0;
	b->cpu_image = b->cpu_model = 0;
	b->cached = b->tok_tasks = b->unmetered = 0;
	b->tok_in = b->tok_out = b->tok_reasoning = 0;
	b->tok_reasoning_tasks = 0;
	return 0;
}

void sched_batch_release(struct sched_batch *b)
{
	buf_release(&b->lines);
}

static void *loop_worker(void *arg)
{
	struct sched *s = arg;
	int r = s->cfg.model->run_loop(s->cfg.model->remote_state, s);

	if (r && !sched_stopping(s))
		sched_fail(s, r, "the model's event loop failed");
	return NULL;
}

int sched_start(struct sched **out, const struct sched_config *cfg, char *err)
{
	struct sched *s = xcalloc(1, sizeof(*s));

	s->cfg = *cfg;
	if (!s->cfg.workers)
		s->cfg.workers = 1;
	/*
	 * Plug-ins: `workers` threads (one if not thread-safe).  A remote model's
	 * event loop is one thread; `workers` is then its requests in flight.
	 */
	if (!s->cfg.model->run_loop && !s->cfg.model->thread_safe)
		s->cfg.workers = 1;
	s->qcap = s->cfg.model->run_loop ? s->cfg.workers * 2
					 : s->cfg.workers * (s->cfg.model->max_batch + 2) * 2;
	if (s->qcap < 16)
		s->qcap = 16;
	s->q = xcalloc(s->qcap, sizeof(*s->q));
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->not_empty, NULL);
	pthread_cond_init(&s->not_full, NULL);
	pthread_cond_init(&s->drained, NULL);
	progress_init(&s->progress, cfg->progress, cfg->progress_interval, cfg->total, cfg->already);
	s->threads = xcalloc(s->cfg.workers, sizeof(*s->threads));
	for (size_t i = 0; i < (cfg->model->run_loop ? 1 : s->cfg.workers); i++) {
		int e = pthread_create(&s->threads[i], NULL, cfg->model->run_loop ? loop_worker : sched_worker, s);
		if (e) {
			sched_fail(s, VSR_EUSAGE, "cannot start a worker thread");
			err_set(err, VSR_EUSAGE, "cannot start a worker thread: %s", strerror(e));
			s->n_threads = i;
			sched_finish(s, NULL, NULL);
			return VSR_EUSAGE;
		}
		s->n_threads = i + 1;
	}
	*out = s;
	return 0;
}

/* s->mu held, on the submitting thread. */
static void tick(struct sched *s)
{
	double now;

	progress_update(&s->progress, s->st.done, s->st.correct, s->st.answered, s->st.errors, 0);
	if (s->cfg.status && (now = wall_seconds()) >= s->status_next) {
		s->status_next = now + (s->cfg.status_interval > 0 ? s->cfg.status_interval : 5);
		conc_summary(s); /* the concurrency so far, for status.json while running */
		s->status_snap = s->st;
		s->status_snap.wall = progress_elapsed(&s->progress); /* the request phase so far */
		s->status_pending = 1;
	}
}

/* s->mu not held: the status callback, when tick() found it due. */
static void status_flush(struct sched *s)
{
	if (s->status_pending) {
		s->status_pending = 0;
		s->cfg.status(s->cfg.status_ctx, &s->status_snap);
	}
}

static void timed_wait(pthread_cond_t *c, pthread_mutex_t *mu)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 100 * 1000000L; /* progress and status.json stay on time while it waits */
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(c, mu, &ts);
}

/* Puts job on the queue (blocks while it is full).  Non-zero: stop submitting. */
static int enqueue(struct sched *s, struct job *job)
{
	int r = 0;

	pthread_mutex_lock(&s->mu);
	while (s->qlen == s->qcap && !s->failed && !*s->cfg.stop && !s->st.budget_stop) {
		timed_wait(&s->not_full, &s->mu);
		tick(s);
		if (s->status_pending) {
			pthread_mutex_unlock(&s->mu);
			status_flush(s);
			pthread_mutex_lock(&s->mu);
		}
	}
	if (s->failed || *s->cfg.stop || s->st.budget_stop) {
		r = 1;
		job_free(job);
	} else {
		s->q[(s->qhead + s->qlen) % s->qcap] = job;
		s->qlen++;
		pthread_cond_signal(&s->not_empty);
	}
	tick(s);
	pthread_mutex_unlock(&s->mu);
	status_flush(s);
	return r;
}

static int same_image(const struct job *a, const struct job *b)
{
	return a->suite == b->suite && a->item.image_path && b->item.image_path &&
	       !strcmp(a->item.image_path, b->item.image_path);
}

/*
 * Releases the oldest held job and every later held job of the same image,
 * in submission order.  The order is a function of the submission order
 * alone (never of timing), so a run is as reproducible as before.
 */
static int release_group(struct sched *s)
{
	struct job *first = s->stage[0], *group[SCHED_GROUP_WINDOW];
	size_t keep = 0, n = s->n_stage, ng = 0;
	int r = 0;

	/* The group is chosen before any of it is queued: a queued job may be
	 * answered and freed by a worker at once (first among them). */
	for (size_t i = 0; i < n; i++) {
		struct job *j = s->stage[i];
		if (i == 0 || same_image(first, j))
			group[ng++] = j;
		else
			s->stage[keep++] = j;
	}
	s->n_stage = keep;
	for (size_t i = 0; i < ng; i++) {
		if (r)
			job_free(group[i]); /* stopping: the rest are dropped, not journaled */
		else
			r = enqueue(s, group[i]);
	}
	return r;
}

/* Drops what is held (a stop or a failure: not journaled, so resumable). */
static void drop_stage(struct sched *s)
{
	for (size_t i = 0; i < s->n_stage; i++)
		job_free(s->stage[i]);
	s->n_stage = 0;
}

int sched_submit(struct sched *s, struct job *job)
{
	int r;

	if (sched_crashed_job(s, job)) {
		/* After every other job: what it crashes on ends the run (plugin_guard.h). */
		if (s->n_later == s->cap_later) {
			s->cap_later = s->cap_later ? 2 * s->cap_later : 16;
			s->later = xrealloc(s->later, s->cap_later * sizeof(*s->later));
		}
		s->later[s->n_later++] = job;
		return 0;
	}
	if (s->cfg.order_dataset)
		return enqueue(s, job);
	s->stage[s->n_stage++] = job;
	if (s->n_stage < SCHED_GROUP_WINDOW)
		return 0;
	if ((r = release_group(s)))
		drop_stage(s);
	return r;
}

void sched_set_total(struct sched *s, size_t total)
{
	pthread_mutex_lock(&s->mu);
	s->progress.total = total;
	pthread_mutex_unlock(&s->mu);
}

int sched_finish(struct sched *s, struct sched_stats *stats, char *err)
{
	int r;

	while (s->n_stage)
		if (release_group(s))
			drop_stage(s);
	for (size_t i = 0; i < s->n_later; i++)
		if (enqueue(s, s->later[i])) { /* it freed that one: a stop or a failure */
			while (++i < s->n_later)
				job_free(s->later[i]);
		}
	free(s->later);
	s->later = NULL;
	s->n_later = 0;

	pthread_mutex_lock(&s->mu);
	s->closed = 1;
	pthread_cond_broadcast(&s->not_empty);
	while (((s->qlen && !s->st.budget_stop) || s->active) && !s->failed && !*s->cfg.stop) {
		timed_wait(&s->drained, &s->mu);
		tick(s);
		if (s->status_pending) {
			pthread_mutex_unlock(&s->mu);
			status_flush(s);
			pthread_mutex_lock(&s->mu);
		}
	}
	pthread_cond_broadcast(&s->not_empty);
	pthread_mutex_unlock(&s->mu);
	for (size_t i = 0; i < s->n_threads; i++)
		pthread_join(s->threads[i], NULL);
	/* Jobs never started (a stop or a failure): not journaled, so resumable. */
	while (s->qlen) {
		job_free(s->q[s->qhead]);
		s->qhead = (s->qhead + 1) % s->qcap;
		s->qlen--;
	}
	progress_update(&s->progress, s->st.done, s->st.correct, s->st.answered, s->st.errors, 1);
	s->st.wall = progress_elapsed(&s->progress);
	conc_summary(s);
	free(s->conc_hist);
	if (stats)
		*stats = s->st;
	r = s->failed;
	if (r && err)
		snprintf(err, VSR_ERR_MAX, "%s", s->err);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->not_empty);
	pthread_cond_destroy(&s->not_full);
	pthread_cond_destroy(&s->drained);
	free(s->threads);
	free(s->q);
	free(s);
	return r;
}
