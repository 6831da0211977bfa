/*
 * The run directory: its paths, run.json written and checked on resume,
 * status.json's exact text, the lock that refuses a second writer, and
 * that no temporary file is left behind by a write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "harness/rundir.h"

static char dir[64];

/* The names in dir, sorted, comma-separated (".", ".." left out). */
static void listing(struct buf *out)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	assert_true(n >= 0);
	buf_reset(out);
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, ".."))
			buf_addf(out, "%s%s", out->len ? "," : "", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
}

static void slurp(const char *name, struct buf *out)
{
	struct buf p = BUF_INIT;

	buf_addf(&p, "%s/%s", dir, name);
	buf_reset(out);
	assert_int_equal(buf_read_file(out, p.ptr), 0);
	buf_release(&p);
}

static void put(const char *name, const char *text)
{
	struct buf p = BUF_INIT;
	char err[VSR_ERR_MAX];

	buf_addf(&p, "%s/%s", dir, name);
	assert_int_equal(write_file_atomic(p.ptr, text, strlen(text), err), 0);
	buf_release(&p);
}

static void test_paths(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_string_equal(rundir_path(&b, "runs/x", RUNDIR_RUN_JSON), "runs/x/run.json");
	assert_string_equal(rundir_path(&b, "runs/x", RUNDIR_STATUS_JSON), "runs/x/status.json");
	assert_string_equal(rundir_path(&b, "runs/x", RUNDIR_SAMPLES), "runs/x/samples.jsonl");
	assert_string_equal(rundir_path(&b, "/r", RUNDIR_LOCK), "/r/.lock");
	assert_string_equal(rundir_path(&b, "r", RUNDIR_REPORT_JSON), "r/report.json");
	assert_string_equal(rundir_path(&b, "r", RUNDIR_REPORT_MD), "r/report.md");
	assert_string_equal(rundir_path(&b, "r", RUNDIR_REPORT_HTML), "r/report.html");
	assert_string_equal(rundir_path(&b, "r", RUNDIR_JUNIT), "r/junit.xml");
	assert_string_equal(rundir_path(&b, "r", RUNDIR_COMPARE_MD), "r/compare.md");
	assert_string_equal(rundir_path(&b, "r", RUNDIR_COMPARE_JSON), "r/compare.json");
	/* The buffer is reset, not appended to. */
	assert_string_equal(b.ptr, "r/compare.json");
	assert_string_equal(rundir_file_name(RUNDIR_SAMPLES), "samples.jsonl");
	buf_release(&b);
}

static void test_default_path(void **state)
{
	struct buf b = BUF_INIT;
	char want[128];
	const char *stamp;

	(void)state;
	rundir_default_path(&b, "score");
	/* runs/score-YYYYmmdd-HHMMSS */
	assert_int_equal(b.len, strlen("runs/score-") + 15);
	assert_memory_equal(b.ptr, "runs/score-", 11);
	stamp = b.ptr + 11;
	for (int i = 0; i < 15; i++)
		assert_true(i == 8 ? stamp[i] == '-' : stamp[i] >= '0' && stamp[i] <= '9');

	/* Unique: -2, -3 while the name is taken; as it is when free. */
	buf_reset(&b);
	buf_addf(&b, "%s/r", dir);
	rundir_make_unique(&b);
	snprintf(want, sizeof(want), "%s/r", dir);
	assert_string_equal(b.ptr, want);
	assert_int_equal(mkdir(b.ptr, 0755), 0);
	rundir_make_unique(&b);
	snprintf(want, sizeof(want), "%s/r-2", dir);
	assert_string_equal(b.ptr, want);
	assert_int_equal(mkdir(b.ptr, 0755), 0);
	buf_reset(&b);
	buf_addf(&b, "%s/r", dir);
	rundir_make_unique(&b);
	snprintf(want, sizeof(want), "%s/r-3", dir);
	assert_string_equal(b.ptr, want);
	buf_release(&b);
}

static cJSON *config(const char *model)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(cJSON_AddObjectToObject(c, "model"), "spec", model);
	cJSON_AddNumberToObject(c, "seed", 1);
	return c;
}

static void test_run_json(void **state)
{
	char a0[] = "vsrbench", a1[] = "run", a2[] = "-q";
	char *argv[] = { a0, a1, a2 };
	char err[VSR_ERR_MAX], hash[17];
	struct buf first = BUF_INIT, again = BUF_INIT, l = BUF_INIT;
	cJSON *cfg, *run;
	const cJSON *cmd;

	(void)state;
	assert_null(rundir_load_run(dir));
	cfg = config("builtin:yes");
	assert_int_equal(rundir_prepare_run(dir, cfg, 0, 1, 3, argv, err), 0);
	cJSON_Delete(cfg);
	run = rundir_load_run(dir);
	assert_non_null(run);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(run, "model"), "spec")->valuestring,
			    "builtin:yes");
	assert_string_equal(cJSON_GetObjectItem(run, "schema")->valuestring, "vsrbench.run/1");
	assert_string_equal(cJSON_GetObjectItem(run, "harness_version")->valuestring, VSR_VERSION);
	assert_int_equal(strlen(cJSON_GetObjectItem(run, "created")->valuestring), 20);
	assert_null(cJSON_GetObjectItem(run, "shard")); /* one shard of one: not written */
	cmd = cJSON_GetObjectItem(run, "command");
	assert_int_equal(cJSON_GetArraySize(cmd), 3);
	assert_string_equal(cJSON_GetArrayItem(cmd, 2)->valuestring, "-q");
	assert_int_equal(strlen(cJSON_GetObjectItem(run, "config_hash")->valuestring), 16);
	snprintf(hash, sizeof(hash), "%s", cJSON_GetObjectItem(run, "config_hash")->valuestring);
	cJSON_Delete(run);
	slurp("run.json", &first);

	/*
	 * Resuming the same configuration (another command line) keeps run.json
	 * and adds the resume's time and command: the last 20 of them, all counted.
	 */
	cfg = config("builtin:yes");
	assert_int_equal(rundir_prepare_run(dir, cfg, 0, 1, 2, argv, err), 0);
	assert_null(cJSON_GetObjectItem(cfg, "config_hash")); /* cfg left as it was */
	cJSON_Delete(cfg);
	run = rundir_load_run(dir);
	assert_int_equal(cJSON_GetObjectItem(run, "resumes_total")->valueint, 1);
	cmd = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(run, "resumes"), 0), "command");
	assert_int_equal(cJSON_GetArraySize(cmd), 2);
	assert_string_equal(cJSON_GetArrayItem(cmd, 1)->valuestring, "run");
	assert_int_equal(strlen(cJSON_GetStringValue(cJSON_GetObjectItem(
				 cJSON_GetArrayItem(cJSON_GetObjectItem(run, "resumes"), 0), "at"))),
			 20);
	cJSON_DeleteItemFromObject(run, "resumes");
	cJSON_DeleteItemFromObject(run, "resumes_total");
	{
		cJSON *was = cJSON_Parse(first.ptr);
		assert_true(cJSON_Compare(was, run, 1)); /* the rest as it was */
		cJSON_Delete(was);
	}
	cJSON_Delete(run);
	for (int i = 1; i <= 25; i++) {
		cfg = config("builtin:yes");
		assert_int_equal(rundir_prepare_run(dir, cfg, 0, 1, i % 2 ? 3 : 1, argv, err), 0);
		cJSON_Delete(cfg);
	}
	run = rundir_load_run(dir);
	assert_int_equal(cJSON_GetObjectItem(run, "resumes_total")->valueint, 26);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(run, "resumes")), 20);
	/* The last, the 25th of the loop (odd: three words), is last. */
	cmd = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(run, "resumes"), 19), "command");
	assert_int_equal(cJSON_GetArraySize(cmd), 3);
	cJSON_Delete(run);
	/* A "resumes" that is not a list (an edited file) is started again. */
	slurp("run.json", &again);
	{
		cJSON *edited = cJSON_Parse(again.ptr);
		cJSON_ReplaceItemInObject(edited, "resumes", cJSON_CreateString("x"));
		cJSON_DeleteItemFromObject(edited, "resumes_total");
		char *t = cJSON_Print(edited);
		put("run.json", t);
		free(t);
		cJSON_Delete(edited);
	}
	cfg = config("builtin:yes");
	assert_int_equal(rundir_prepare_run(dir, cfg, 0, 1, 2, argv, err), 0);
	cJSON_Delete(cfg);
	run = rundir_load_run(dir);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(run, "resumes")), 1);
	assert_int_equal(cJSON_GetObjectItem(run, "resumes_total")->valueint, 1);
	cJSON_Delete(run);

	/* Another configuration or another shard is refused, naming the directory. */
	cfg = config("builtin:no");
	assert_int_equal(rundir_prepare_run(dir, cfg, 0, 1, 3, argv, err), VSR_EUSAGE);
	assert_non_null(strstr(err, "holds a run with a different configuration"));
	assert_non_null(strstr(err, dir));
	cJSON_Delete(cfg);
	cfg = config("builtin:yes");
	assert_int_equal(rundir_prepare_run(dir, cfg, 1, 2, 3, argv, err), VSR_EUSAGE);
	assert_non_null(strstr(err, "holds another shard"));
	cJSON_Delete(cfg);

	/* Not ours: refused.  Written over, the same configuration hashes alike; a shard is written. */
	put("run.json", "[1, 2]");
	cfg = config("builtin:yes");
	assert_int_equal(rundir_prepare_run(dir, cfg, 0, 1, 3, argv, err), VSR_EDATA);
	assert_non_null(strstr(err, "run.json: not a vsrbench run.json"));
	assert_int_equal(rundir_write_run(dir, cfg, 1, 2, 3, argv, err), 0);
	cJSON_Delete(cfg);
	run = rundir_load_run(dir);
	assert_string_equal(cJSON_GetObjectItem(run, "config_hash")->valuestring, hash);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(run, "shard"), "index")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(run, "shard"), "count")->valueint, 2);
	cJSON_Delete(run);
	cfg = config("builtin:yes");
	assert_int_equal(rundir_prepare_run(dir, cfg, 1, 2, 3, argv, err), 0);
	cJSON_Delete(cfg);

	listing(&l);
	assert_string_equal(l.ptr, "run.json");
	buf_release(&first);
	buf_release(&again);
	buf_release(&l);
}

static void test_status_json(void **state)
{
	static const char want[] =
		"{\n"
		"\t\"schema\":\t\"vsrbench.status/1\",\n"
		"\t\"complete\":\tfalse,\n"
		"\t\"shard_index\":\t1,\n"
		"\t\"shard_count\":\t4,\n"
		"\t\"suites\":\t[{\n"
		"\t\t\t\"name\":\t\"synth\",\n"
		"\t\t\t\"items_total\":\t200,\n"
		"\t\t\t\"items_in_shard\":\t48\n"
		"\t\t}, {\n"
		"\t\t\t\"name\":\t\"mme-position\",\n"
		"\t\t\t\"items_total\":\t60,\n"
		"\t\t\t\"items_in_shard\":\t17\n"
		"\t\t}],\n"
		"\t\"tasks_done_now\":\t7,\n"
		"\t\"tasks_done_before\":\t58,\n"
		"\t\"errors_now\":\t2\n"
		"}";
	const struct rundir_suite_count counts[] = { { "synth", 200, 48 }, { "mme-position", 60, 17 } };
	struct rundir_status st = { 0 };
	struct buf text = BUF_INIT, l = BUF_INIT;
	char err[VSR_ERR_MAX];
	cJSON *got;

	(void)state;
	/* Not written yet: a run that did not finish. */
	assert_int_equal(rundir_read_json(dir, RUNDIR_STATUS_JSON, &got, err), VSR_EDATA);
	assert_null(got);
	assert_non_null(strstr(err, "status.json: No such file or directory (an unfinished run: "
				    "resume it first)"));
	st.complete = 0;
	st.shard_index = 1;
	st.shard_count = 4;
	st.suites = counts;
	st.n_suites = 2;
	st.tasks_done_now = 7;
	st.tasks_done_before = 58;
	st.errors_now = 2;
	assert_int_equal(rundir_write_status(dir, &st, err), 0);
	slurp("status.json", &text);
	assert_string_equal(text.ptr, want);
	/* Written again in place: still one file, no temporary left. */
	st.complete = 1;
	assert_int_equal(rundir_write_status(dir, &st, err), 0);
	listing(&l);
	assert_string_equal(l.ptr, "status.json");
	assert_int_equal(rundir_read_json(dir, RUNDIR_STATUS_JSON, &got, err), 0);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(got, "complete")));
	cJSON_Delete(got);

	put("status.json", "{\"complete\": tru");
	assert_int_equal(rundir_read_json(dir, RUNDIR_STATUS_JSON, &got, err), VSR_EDATA);
	assert_non_null(strstr(err, "status.json: not valid JSON"));
	buf_release(&text);
	buf_release(&l);
}

static void test_lock(void **state)
{
	char err[VSR_ERR_MAX], want[128];
	int a = -1, b = -1;

	(void)state;
	assert_int_equal(rundir_lock(dir, &a, err), 0);
	assert_true(a >= 0);
	/* A second holder (another open file, as another process has) is refused. */
	assert_int_equal(rundir_lock(dir, &b, err), VSR_EUSAGE);
	assert_int_equal(b, -1);
	snprintf(want, sizeof(want), "another vsrbench is running in %s", dir);
	assert_string_equal(err, want);
	rundir_unlock(&a);
	assert_int_equal(a, -1);
	rundir_unlock(&a); /* twice: nothing */
	assert_int_equal(rundir_lock(dir, &b, err), 0);
	rundir_unlock(&b);

	snprintf(want, sizeof(want), "%s/no/such/dir", dir);
	assert_int_equal(rundir_lock(want, &a, err), VSR_EUSAGE);
	assert_int_equal(a, -1);
	assert_non_null(strstr(err, "cannot create a lock in"));
}

static void test_journal_whole(void **state)
{
	struct rundir_journal j = RUNDIR_JOURNAL_INIT;
	struct buf l = BUF_INIT, text = BUF_INIT, want = BUF_INIT;
	char err[VSR_ERR_MAX];

	(void)state;
	assert_int_equal(rundir_journal_create(&j, dir, err), 0);
	buf_addf(&want, "samples.jsonl.tmp.%ld", (long)getpid());
	listing(&l);
	assert_string_equal(l.ptr, want.ptr);
	buf_adds(&j.out, "{\"a\":1}\n");
	assert_int_equal(rundir_journal_flush(&j, err), 0); /* small: kept in memory */
	assert_int_equal(j.out.len, 8);
	buf_adds(&j.out, "{\"b\":2}\n");
	assert_int_equal(rundir_journal_finish(&j, err), 0);
	listing(&l);
	assert_string_equal(l.ptr, want.ptr); /* not under the final name yet */
	assert_int_equal(rundir_journal_commit(&j, err), 0);
	rundir_journal_release(&j);
	listing(&l);
	assert_string_equal(l.ptr, "samples.jsonl");
	slurp("samples.jsonl", &text);
	assert_string_equal(text.ptr, "{\"a\":1}\n{\"b\":2}\n");

	/* Not committed (a failure on the way): nothing is left. */
	j = (struct rundir_journal)RUNDIR_JOURNAL_INIT;
	unlink(rundir_path(&text, dir, RUNDIR_SAMPLES));
	assert_int_equal(rundir_journal_create(&j, dir, err), 0);
	buf_adds(&j.out, "{\"a\":1}\n");
	rundir_journal_release(&j);
	listing(&l);
	assert_string_equal(l.ptr, "");
	/* Released without being created: nothing to do. */
	j = (struct rundir_journal)RUNDIR_JOURNAL_INIT;
	rundir_journal_release(&j);
	buf_release(&l);
	buf_release(&text);
	buf_release(&want);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vsr-rundir-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test_setup_teardown(test_default_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_whole, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
