/*
 * The scheduler's batching and retries, with a real plug-in
 * ($VSR_BUILD/tests/adapters/batchlog.so, tests/adapters/batchlog.c) that
 * logs every answer_batch call: batches never exceed the plug-in's
 * max_batch, every task is asked and journaled exactly once, and a
 * VSRBENCH_ERR_RETRY is asked again up to `retries` more times, then
 * journaled as an error with its attempts.  Items come from the synth suite
 * through the expander, as `run` makes them.  Without VSR_BUILD the tests
 * are skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapters/loader.h"
#include "base/keyset.h"
#include "base/util.h"
#include "harness/expand.h"
#include "harness/journal.h"
#include "harness/scheduler.h"
#include "suites/suite.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vsr-test-sched-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* One run and what came of it. */
struct run {
	/* in */
	size_t max_batch, workers, items;
	const char *templates;
	long fail_first;
	int retries;
	/* out */
	struct keyset keys; /* the expanded tasks */
	size_t n_tasks;
	struct sched_stats st;
	size_t *batches; /* sizes, in the order the plug-in saw them */
	size_t n_batches;
	uint64_t *asked_keys; /* every id the plug-in saw, in order of first appearance */
	size_t *asked;        /* how many times each was asked */
	size_t n_asked;
	size_t journal_lines, journal_errors;
};

static void run_release(struct run *r)
{
	keyset_release(&r->keys);
	free(r->batches);
	free(r->asked);
	free(r->asked_keys);
}

static void count_asked(struct run *r, uint64_t key)
{
	for (size_t i = 0; i < r->n_asked; i++)
		if (r->asked_keys[i] == key) {
			r->asked[i]++;
			return;
		}
	r->asked_keys = xrealloc(r->asked_keys, (r->n_asked + 1) * sizeof(*r->asked_keys));
	r->asked = xrealloc(r->asked, (r->n_asked + 1) * sizeof(*r->asked));
	r->asked_keys[r->n_asked] = key;
	r->asked[r->n_asked++] = 1;
}

/* Reads the plug-in's log: "N ID ID ...", one line per call. */
static void read_log(struct run *r, const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[8192];

	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp)) {
		char *save = NULL, *tok = strtok_r(line, " \n", &save);
		size_t n = 0, ids = 0;
		long v;
		assert_non_null(tok);
		assert_int_equal(parse_long(tok, 1, 1000, &v), 0);
		n = (size_t)v;
		r->batches = xrealloc(r->batches, (r->n_batches + 1) * sizeof(*r->batches));
		r->batches[r->n_batches++] = n;
		while ((tok = strtok_r(NULL, " \n", &save))) {
			uint64_t key;
			char *end;
			assert_int_equal(strlen(tok), 16);
			key = strtoull(tok, &end, 16);
			assert_true(*end == '\0');
			count_asked(r, key);
			ids++;
		}
		assert_int_equal(ids, n);
	}
	fclose(fp);
}

static int journal_line(const struct sample *s, void *p)
{
	struct run *r = p;

	assert_true(keyset_has(&r->keys, s->key));
	r->journal_lines++;
	r->journal_errors += s->error != NULL;
	if (s->error)
		assert_string_equal(s->error, "batchlog: not yet");
	else
		assert_string_equal(s->response, "Yes.");
	return 0;
}

static void run_sched(struct run *r)
{
	char log[128], jpath[128], spec[256], cfg_json[256], err[VSR_ERR_MAX], mb[16];
	const char *build = getenv("VSR_BUILD");
	static volatile sig_atomic_t stop;
	struct kv count_opt;
	char count[16];
	struct suite_config scfg;
	struct suite suite;
	struct template_set ts;
	struct expander ex;
	struct journal jr;
	struct model model;
	struct sched_config sc;
	struct sched *sched;

	if (!build) {
		fprintf(stderr, "VSR_BUILD is unset: scheduler test skipped\n");
		skip();
	}
	snprintf(log, sizeof(log), "%s/batches.log", dir);
	snprintf(jpath, sizeof(jpath), "%s/samples.jsonl", dir);
	unlink(log);
	unlink(jpath);
	snprintf(mb, sizeof(mb), "%zu", r->max_batch);
	setenv("VSR_TEST_MAX_BATCH", mb, 1);
	snprintf(spec, sizeof(spec), "lib:%s/tests/adapters/batchlog.so", build);
	snprintf(cfg_json, sizeof(cfg_json), "{\"log\":\"%s\",\"fail_first\":\"%ld\"}", log,
		 r->fail_first);
	memset(&model, 0, sizeof(model));
	if (model_open(&model, spec, cfg_json, err))
		fail_msg("%s", err);
	assert_int_equal(model.max_batch, r->max_batch);

	snprintf(count, sizeof(count), "%zu", r->items);
	count_opt.key = "count";
	count_opt.value = count;
	memset(&scfg, 0, sizeof(scfg));
	scfg.opts = &count_opt;
	scfg.n_opts = 1;
	assert_int_equal(suite_open(&suite, "synth", &scfg, err), 0);
	assert_int_equal(template_set_load(&ts, r->templates, err), 0);
	assert_int_equal(journal_open(&jr, jpath, err), 0);
	memset(&ex, 0, sizeof(ex));
	ex.ts = &ts;
	ex.model_fp = model.fingerprint_hash;
	ex.max_tokens = 16;
	ex.journal = &jr;

	memset(&sc, 0, sizeof(sc));
	sc.model = &model;
	sc.journal = &jr;
	sc.workers = r->workers;
	sc.max_tokens = 16;
	sc.retries = r->retries;
	stop = 0;
	sc.stop = &stop;
	assert_int_equal(sched_start(&sched, &sc, err), 0);
	for (;;) {
		struct job *j = xcalloc(1, sizeof(*j));
		int got = suite.ops->next(suite.priv, &j->item, err);
		if (got != 1) {
			assert_int_equal(got, 0);
			free(j);
			break;
		}
		j->suite = &suite;
		assert_int_equal(expand_job(&ex, j, err), 0);
		for (size_t k = 0; k < j->n_tasks; k++)
			keyset_add(&r->keys, j->tasks[k].key);
		r->n_tasks += j->n_tasks;
		assert_int_equal(sched_submit(sched, j), 0);
	}
	assert_int_equal(sched_finish(sched, &r->st, err), 0);
	assert_int_equal(journal_close(&jr, err), 0);
	expander_release(&ex);
	template_set_release(&ts);
	suite_close(&suite);
	model_close(&model);

	read_log(r, log);
	assert_int_equal(journal_scan(jpath, 0, journal_line, r, NULL, err), 0);
	/* Every task once in the journal, nothing else. */
	assert_int_equal(r->journal_lines, r->n_tasks);
	assert_int_equal(r->st.done, r->n_tasks);
	/* Every task asked, and only tasks. */
	assert_int_equal(r->n_asked, r->n_tasks);
	for (size_t i = 0; i < r->n_asked; i++)
		assert_true(keyset_has(&r->keys, r->asked_keys[i]));
	/* Never more than max_batch at once. */
	for (size_t i = 0; i < r->n_batches; i++)
		if (r->batches[i] < 1 || r->batches[i] > r->max_batch)
			fail_msg("batch %zu has %zu requests, max_batch is %zu", i, r->batches[i],
				 r->max_batch);
}

/* Times every task was asked: all the same, `want`. */
static void assert_asked(const struct run *r, size_t want)
{
	for (size_t i = 0; i < r->n_asked; i++)
		if (r->asked[i] != want)
			fail_msg("task %016" PRIx64 " asked %zu times, want %zu", r->asked_keys[i],
				 r->asked[i], want);
}

static void assert_batches(const struct run *r, const size_t *want, size_t n)
{
	assert_int_equal(r->n_batches, n);
	for (size_t i = 0; i < n; i++)
		if (r->batches[i] != want[i])
			fail_msg("batch %zu: %zu requests, want %zu", i, r->batches[i], want[i]);
}

/*
 * A job of 5 tasks (5 templates) and max_batch 3: a job is never split
 * across workers' batches with another, and is asked as 3 then 2.
 */
static void test_split_job(void **state)
{
	struct run r = { .max_batch = 3, .workers = 1, .items = 6,
			 .templates = "yn01,tf01,ab01,ab07,yn07" };
	size_t want[12];

	(void)state;
	run_sched(&r);
	assert_int_equal(r.n_tasks, 30);
	for (size_t i = 0; i < 12; i++)
		want[i] = i % 2 ? 2 : 3;
	assert_batches(&r, want, 12);
	assert_asked(&r, 1);
	assert_int_equal(r.st.errors, 0);
	assert_int_equal(r.st.answered, 30);
	run_release(&r);
}

/* One task per job, several workers: jobs are joined up to max_batch. */
static void test_join_jobs(void **state)
{
	static const size_t ks[] = { 1, 2, 4, 7 };

	(void)state;
	for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		struct run r = { .max_batch = ks[i], .workers = 2, .items = 40, .templates = "yn01" };
		size_t sum = 0;
		run_sched(&r);
		assert_int_equal(r.n_tasks, 40);
		for (size_t b = 0; b < r.n_batches; b++)
			sum += r.batches[b];
		assert_int_equal(sum, 40);
		if (ks[i] == 1)
			assert_int_equal(r.n_batches, 40);
		assert_asked(&r, 1);
		assert_int_equal(r.st.errors, 0);
		run_release(&r);
	}
}

/*
 * Every request fails twice with VSRBENCH_ERR_RETRY.  retries=2: asked 3
 * times each, all answered; the retried part of a batch is asked again as
 * it was (3, 3, 3, then 2, 2, 2 for a job of 5).
 */
static void test_retry_then_answer(void **state)
{
	struct run r = { .max_batch = 3, .workers = 1, .items = 2,
			 .templates = "yn01,tf01,ab01,ab07,yn07", .fail_first = 2, .retries = 2 };
	static const size_t want[] = { 3, 3, 3, 2, 2, 2, 3, 3, 3, 2, 2, 2 };

	(void)state;
	run_sched(&r);
	assert_int_equal(r.n_tasks, 10);
	assert_batches(&r, want, sizeof(want) / sizeof(want[0]));
	assert_asked(&r, 3);
	assert_int_equal(r.st.errors, 0);
	assert_int_equal(r.journal_errors, 0);
	assert_int_equal(r.st.answered, 10);
	run_release(&r);
}

/* Fewer retries than the plug-in needs: journaled as errors, with the attempts. */
static void test_retries_run_out(void **state)
{
	static const int retries[] = { 0, 1 };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct run r = { .max_batch = 3, .workers = 1, .items = 2, .templates = "yn01,yn07",
				 .fail_first = 2, .retries = retries[i] };
		char path[128], want[32];
		FILE *fp;
		char line[8192];
		size_t with_attempts = 0;

		run_sched(&r);
		assert_int_equal(r.n_tasks, 4);
		assert_asked(&r, (size_t)retries[i] + 1);
		assert_int_equal(r.st.errors, 4);
		assert_int_equal(r.journal_errors, 4);
		assert_int_equal(r.st.answered, 0);
		snprintf(path, sizeof(path), "%s/samples.jsonl", dir);
		snprintf(want, sizeof(want), "\"attempts\":%d}", retries[i] + 1);
		fp = fopen(path, "r");
		assert_non_null(fp);
		while (fgets(line, sizeof(line), fp))
			with_attempts += strstr(line, want) != NULL;
		fclose(fp);
		assert_int_equal(with_attempts, 4);
		run_release(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_job),
		cmocka_unit_test(test_join_jobs),
		cmocka_unit_test(test_retry_then_answer),
		cmocka_unit_test(test_retries_run_out),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
