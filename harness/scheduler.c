#include "scheduler.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extract.h"
#include "progress.h"
#include "util.h"

#define MAX_JOBS_PER_BATCH 64
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
};

uint64_t task_key(const char *suite, const char *item_id, const char *variant,
		  const char *template_id, const char *prompt, uint64_t image_digest,
		  uint64_t model_fp, int max_tokens, double temperature, uint64_t seed)
{
	uint64_t h = hash64_str(suite, HASH_SEED);
	uint64_t tail[5];

	h = hash64_str(item_id, h);
	h = hash64_str(variant, h);
	h = hash64_str(template_id, h);
	h = hash64_str(prompt, h);
	tail[0] = image_digest;
	tail[1] = model_fp;
	tail[2] = (uint64_t)(int64_t)max_tokens;
	memcpy(&tail[3], &temperature, sizeof(double));
	tail[4] = seed;
	return hash64(tail, sizeof(tail), h);
}

void job_free(struct job *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n_tasks; i++)
		free(j->tasks[i].prompt);
	free(j->tasks);
	item_release(&j->item);
	free(j);
}

static void fail(struct sched *s, int code, const char *msg)
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

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* One task of a batch, with what the journal line needs. */
struct slot {
	struct job *job;
	struct task *task;
	struct sample_meta meta;
	char id[17];
	int status;  /* VSRBENCH_OK, or the last failure */
	int attempts;
	char *text;  /* copied response */
	char error[256];
	double ms;
};

static void fill_meta(struct slot *sl)
{
	const struct item *it = &sl->job->item;
	const struct template *t = sl->task->tpl;

	snprintf(sl->id, sizeof(sl->id), "%016llx", (unsigned long long)sl->task->key);
	sl->meta.key = sl->task->key;
	sl->meta.suite = sl->job->suite->name;
	sl->meta.item = it->id;
	sl->meta.tmpl = t->id;
	sl->meta.format = tfmt_name(t->fmt);
	sl->meta.variant = "base";
	sl->meta.relation = it->relation;
	sl->meta.category = it->category;
	sl->meta.prompt = sl->task->prompt;
	sl->meta.image = it->image_path;
	sl->meta.label = it->label;
}

/* Calls the adapter for slots[0..n) until each is answered or out of attempts. */
static void answer_slots(struct sched *s, struct slot *slots, size_t n, struct image *imgs,
			 struct job **jobs, size_t n_jobs, double *cpu_model)
{
	struct vsrbench_request *req = xcalloc(n, sizeof(*req));
	struct vsrbench_response *resp = xcalloc(n, sizeof(*resp));
	size_t *idx = xmalloc(n * sizeof(*idx));
	int max_attempts = 1 + (s->cfg.retries > 0 ? s->cfg.retries : 0);

	for (int attempt = 1; attempt <= max_attempts; attempt++) {
		size_t m = 0;
		double t0, c0;
		int r;

		for (size_t i = 0; i < n; i++)
			if (slots[i].status != VSRBENCH_OK && slots[i].status != VSRBENCH_ERR_FATAL &&
			    slots[i].attempts < attempt)
				idx[m++] = i;
		if (!m)
			break;
		if (attempt > 1) {
			long ms = 10L << (attempt < 8 ? attempt : 8);
			sleep_ms(ms < MAX_RETRY_SLEEP_MS ? ms : MAX_RETRY_SLEEP_MS);
		}
		for (size_t k = 0; k < m; k++) {
			struct slot *sl = &slots[idx[k]];
			const struct template *t = sl->task->tpl;
			const struct image *img = NULL;

			for (size_t j = 0; j < n_jobs; j++)
				if (jobs[j] == sl->job)
					img = &imgs[j];
			memset(&req[k], 0, sizeof(req[k]));
			req[k].struct_size = sizeof(req[k]);
			req[k].id = sl->id;
			req[k].prompt = sl->task->prompt;
			req[k].image = img && img->bytes ? img->bytes : NULL;
			req[k].image_len = img ? img->len : 0;
			req[k].image_mime = req[k].image ? img->mime : NULL;
			req[k].choices = t->n_choices ? t->choices : NULL;
			req[k].n_choices = t->n_choices;
			req[k].max_tokens = s->cfg.max_tokens;
			req[k].temperature = s->cfg.temperature;
			req[k].seed = s->cfg.seed;
			memset(&resp[k], 0, sizeof(resp[k]));
			resp[k].struct_size = sizeof(resp[k]);
			resp[k].status = VSRBENCH_ERR_FATAL;
		}
		t0 = wall_seconds();
		c0 = thread_cpu_seconds();
		r = model_answer(s->cfg.model, req, resp, m);
		*cpu_model += thread_cpu_seconds() - c0;
		t0 = (wall_seconds() - t0) * 1000.0 / (double)m;
		for (size_t k = 0; k < m; k++) {
			struct slot *sl = &slots[idx[k]];
			sl->attempts = attempt;
			sl->ms += t0;
			if (r) {
				sl->status = VSRBENCH_ERR_RETRY;
				snprintf(sl->error, sizeof(sl->error), "adapter failed the whole batch");
				continue;
			}
			resp[k].error[sizeof(resp[k].error) - 1] = '\0';
			sl->status = resp[k].status;
			if (sl->status == VSRBENCH_OK && !resp[k].text) {
				sl->status = VSRBENCH_ERR_FATAL;
				snprintf(sl->error, sizeof(sl->error), "adapter returned no text");
			} else if (sl->status == VSRBENCH_OK) {
				sl->text = xstrdup(resp[k].text);
			} else {
				if (sl->status != VSRBENCH_ERR_RETRY)
					sl->status = VSRBENCH_ERR_FATAL;
				snprintf(sl->error, sizeof(sl->error), "%s",
					 resp[k].error[0] ? resp[k].error : "adapter reported an error");
			}
			if (!r)
				model_free_response(s->cfg.model, &resp[k]);
		}
	}
	free(req);
	free(resp);
	free(idx);
}

static void process(struct sched *s, struct job **jobs, size_t n_jobs, struct buf *lines)
{
	struct image *imgs = xcalloc(n_jobs, sizeof(*imgs));
	struct slot *slots;
	size_t n = 0, done = 0, correct = 0, answered = 0, errors = 0;
	double c_start = thread_cpu_seconds(), c_img, cpu_model = 0;
	char err[VSR_ERR_MAX];

	for (size_t j = 0; j < n_jobs; j++)
		n += jobs[j]->n_tasks;
	slots = xcalloc(n, sizeof(*slots));
	for (size_t j = 0, k = 0; j < n_jobs; j++)
		for (size_t t = 0; t < jobs[j]->n_tasks; t++, k++) {
			slots[k].job = jobs[j];
			slots[k].task = &jobs[j]->tasks[t];
			slots[k].status = VSRBENCH_ERR_RETRY;
			fill_meta(&slots[k]);
		}
	c_img = thread_cpu_seconds();
	for (size_t j = 0; j < n_jobs; j++) {
		const struct suite *su = jobs[j]->suite;
		int r = su->ops->load_image(su->priv, &jobs[j]->item, &imgs[j], err);
		if (r) {
			fail(s, r, err);
			goto out;
		}
	}
	c_img = thread_cpu_seconds() - c_img;
	for (size_t off = 0; off < n; off += s->cfg.model->max_batch) {
		size_t m = n - off < s->cfg.model->max_batch ? n - off : s->cfg.model->max_batch;
		answer_slots(s, slots + off, m, imgs, jobs, n_jobs, &cpu_model);
	}
	buf_reset(lines);
	for (size_t k = 0; k < n; k++) {
		struct slot *sl = &slots[k];
		if (sl->status == VSRBENCH_OK) {
			const struct template *t = sl->task->tpl;
			answer_t a = extract_answer(sl->text, t->n_choices ? t->choices : NULL,
						    t->choice_answer, t->n_choices);
			sample_format_ok(lines, &sl->meta, sl->text, a, sl->ms);
			answered += a != ANS_INVALID;
			correct += a == sl->meta.label;
		} else {
			sample_format_error(lines, &sl->meta, sl->error, sl->attempts);
			errors++;
		}
		done++;
	}
	if (lines->capped || journal_append(s->cfg.journal, lines->ptr, lines->len, err)) {
		if (lines->capped)
			snprintf(err, sizeof(err), "a batch of journal lines exceeded its size cap");
		fail(s, VSR_EDATA, err);
		goto out;
	}
	pthread_mutex_lock(&s->mu);
	s->st.done += done;
	s->st.correct += correct;
	s->st.answered += answered;
	s->st.errors += errors;
	s->st.cpu_image += c_img;
	s->st.cpu_model += cpu_model;
	s->st.cpu_harness += thread_cpu_seconds() - c_start - c_img - cpu_model;
	pthread_mutex_unlock(&s->mu);
out:
	for (size_t k = 0; k < n; k++)
		free(slots[k].text);
	free(slots);
	for (size_t j = 0; j < n_jobs; j++)
		image_release(&imgs[j]);
	free(imgs);
}

static void *worker(void *arg)
{
	struct sched *s = arg;
	struct job *batch[MAX_JOBS_PER_BATCH];
	struct buf lines = BUF_INIT;

	lines.max = 256u << 20;
	for (;;) {
		size_t n = 0, tasks = 0;

		pthread_mutex_lock(&s->mu);
		while (!s->qlen && !s->closed && !s->failed && !*s->cfg.stop)
			pthread_cond_wait(&s->not_empty, &s->mu);
		if (s->failed || *s->cfg.stop || (!s->qlen && s->closed)) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		/* Batch whole jobs up to max_batch tasks (at least one job). */
		while (s->qlen && n < MAX_JOBS_PER_BATCH) {
			struct job *j = s->q[s->qhead];
			if (n && tasks + j->n_tasks > s->cfg.model->max_batch)
				break;
			batch[n++] = j;
			tasks += j->n_tasks;
			s->qhead = (s->qhead + 1) % s->qcap;
			s->qlen--;
		}
		s->active++;
		pthread_cond_signal(&s->not_full);
		pthread_mutex_unlock(&s->mu);

		process(s, batch, n, &lines);
		for (size_t i = 0; i < n; i++)
			job_free(batch[i]);

		pthread_mutex_lock(&s->mu);
		s->active--;
		pthread_cond_broadcast(&s->drained);
		pthread_mutex_unlock(&s->mu);
	}
	buf_release(&lines);
	return NULL;
}

int sched_start(struct sched **out, const struct sched_config *cfg, char *err)
{
	struct sched *s = xcalloc(1, sizeof(*s));

	s->cfg = *cfg;
	if (!s->cfg.workers)
		s->cfg.workers = 1;
	if (!s->cfg.model->thread_safe)
		s->cfg.workers = 1;
	s->qcap = s->cfg.workers * (s->cfg.model->max_batch + 2) * 2;
	if (s->qcap < 16)
		s->qcap = 16;
	s->q = xcalloc(s->qcap, sizeof(*s->q));
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->not_empty, NULL);
	pthread_cond_init(&s->not_full, NULL);
	pthread_cond_init(&s->drained, NULL);
	progress_init(&s->progress, cfg->progress, cfg->total, cfg->already);
	s->threads = xcalloc(s->cfg.workers, sizeof(*s->threads));
	for (size_t i = 0; i < s->cfg.workers; i++) {
		int e = pthread_create(&s->threads[i], NULL, worker, s);
		if (e) {
			fail(s, VSR_EUSAGE, "cannot start a worker thread");
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

static void tick(struct sched *s)
{
	progress_update(&s->progress, s->st.done, s->st.correct, s->st.answered, s->st.errors, 0);
}

static void timed_wait(pthread_cond_t *c, pthread_mutex_t *mu)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 200 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(c, mu, &ts);
}

int sched_submit(struct sched *s, struct job *job)
{
	int r = 0;

	pthread_mutex_lock(&s->mu);
	while (s->qlen == s->qcap && !s->failed && !*s->cfg.stop) {
		timed_wait(&s->not_full, &s->mu);
		tick(s);
	}
	if (s->failed || *s->cfg.stop) {
		r = 1;
		job_free(job);
	} else {
		s->q[(s->qhead + s->qlen) % s->qcap] = job;
		s->qlen++;
		pthread_cond_signal(&s->not_empty);
	}
	tick(s);
	pthread_mutex_unlock(&s->mu);
	return r;
}

int sched_finish(struct sched *s, struct sched_stats *stats, char *err)
{
	int r;

	pthread_mutex_lock(&s->mu);
	s->closed = 1;
	pthread_cond_broadcast(&s->not_empty);
	while ((s->qlen || s->active) && !s->failed && !*s->cfg.stop) {
		timed_wait(&s->drained, &s->mu);
		tick(s);
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
