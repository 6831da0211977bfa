/*
 * rundir: the run directory's layout, its lock, run.json and status.json,
 * and a journal written whole.
 */
#include "rundir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/buildinfo.h"
#include "../include/vsrbench_adapter.h"
#include "../base/redact.h"
#include "../base/util.h"
#include "journal.h"

#define RUNDIR_FLUSH ((size_t)1 << 20)
#define RUNDIR_JOURNAL_BUF ((size_t)64 << 20)

/* ---- paths --------------------------------------------------------------- */

static const char *const names[] = {
	[RUNDIR_RUN_JSON] = "run.json",
	[RUNDIR_STATUS_JSON] = "status.json",
	[RUNDIR_SAMPLES] = "samples.jsonl",
	[RUNDIR_LOCK] = ".lock",
	[RUNDIR_REPORT_JSON] = "report.json",
	[RUNDIR_REPORT_MD] = "report.md",
	[RUNDIR_REPORT_HTML] = "report.html",
	[RUNDIR_JUNIT] = "junit.xml",
	[RUNDIR_COMPARE_MD] = "compare.md",
	[RUNDIR_COMPARE_JSON] = "compare.json",
	[RUNDIR_JUDGE] = "judge.jsonl",
	[RUNDIR_CRASHED] = "crashed.txt",
};

const char *rundir_file_name(enum rundir_file f)
{
	return (size_t)f < sizeof(names) / sizeof(names[0]) && names[f] ? names[f] : "?";
}

const char *rundir_path(struct buf *out, const char *dir, enum rundir_file f)
{
	buf_reset(out);
	buf_addf(out, "%s/%s", dir, rundir_file_name(f));
	return out->ptr;
}

/* The time now, UTC: for a file name, or ISO 8601 for run.json. */
static void stamp_now(char out[32], int iso)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	if (iso)
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		strftime(out, 32, "%Y%m%d-%H%M%S", &tm);
}

void rundir_default_path(struct buf *out, const char *label)
{
	char stamp[32];

	stamp_now(stamp, 0);
	buf_addf(out, "runs/%s-%s", label, stamp);
}

void rundir_make_unique(struct buf *out)
{
	size_t base = out->len;
	struct stat st;

	for (int i = 2; !stat(out->ptr, &st) && i < 1000; i++) {
		buf_setlen(out, base);
		buf_addf(out, "-%d", i);
	}
}

/* ---- the lock -------------------------------------------------------------- */

/*
 * A writer killed between creating NAME.tmp.PID (write_file_atomic, the
 * journal written whole) and renaming it leaves that file behind: SIGKILL
 * after a CI job's grace period, a lost node.  The one who takes the lock
 * removes those of run-directory files whose process is gone, or whose PID
 * is now its own (a new container numbers its processes from 1 again, and
 * this process has written nothing yet).  A live process's file is left.
 */
static void remove_stale_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct buf p = BUF_INIT;

	if (!d)
		return;
	while ((e = readdir(d))) {
		const char *dot = strstr(e->d_name, ".tmp."), *digits;
		char *end;
		long pid;
		size_t k, len;

		if (!dot)
			continue;
		len = (size_t)(dot - e->d_name);
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (names[k] && strlen(names[k]) == len && !strncmp(names[k], e->d_name, len))
				break;
		digits = dot + 5;
		if (k == sizeof(names) / sizeof(names[0]) || *digits < '1' || *digits > '9')
			continue;
		errno = 0;
		pid = strtol(digits, &end, 10);
		if (errno || *end || pid <= 0 || pid != (long)(pid_t)pid)
			continue;
		if (pid != (long)getpid() && !(kill((pid_t)pid, 0) < 0 && errno == ESRCH))
			continue;
		buf_reset(&p);
		buf_addf(&p, "%s/%s", dir, e->d_name);
		unlink(p.ptr);
	}
	closedir(d);
	buf_release(&p);
}

int rundir_lock(const char *dir, int *fd, char *err)
{
	struct buf p = BUF_INIT;

	*fd = open(rundir_path(&p, dir, RUNDIR_LOCK), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	buf_release(&p);
	if (*fd < 0)
		return err_set(err, VSR_EUSAGE, "cannot create a lock in %s: %s", dir, strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		close(*fd);
		*fd = -1;
		return err_set(err, VSR_EUSAGE, "another vsrbench is running in %s", dir);
	}
	remove_stale_tmp(dir);
	return 0;
}

void rundir_unlock(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ---- run.json and status.json ---------------------------------------------- */

int rundir_read_json(const char *dir, enum rundir_file f, cJSON **out, char *err)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	int r = 0;

	*out = NULL;
	text.max = RUNDIR_JSON_MAX;
	rundir_path(&path, dir, f);
	if (buf_read_file(&text, path.ptr))
		r = err_set(err, VSR_EDATA, "%s: %s%s", path.ptr, strerror(errno),
			    f == RUNDIR_STATUS_JSON ? " (an unfinished run: resume it first)" : "");
	else if (!(*out = cJSON_Parse(text.ptr)))
		r = err_set(err, VSR_EDATA, "%s: not valid JSON", path.ptr);
	buf_release(&path);
	buf_release(&text);
	return r;
}

cJSON *rundir_load_run(const char *dir)
{
	char err[VSR_ERR_MAX];
	cJSON *run;

	return rundir_read_json(dir, RUNDIR_RUN_JSON, &run, err) ? NULL : run;
}

int rundir_write_json(const char *dir, enum rundir_file f, const cJSON *o, char *err)
{
	struct buf path = BUF_INIT;
	char *text = cJSON_Print(o);
	int r;

	r = write_file_atomic(rundir_path(&path, dir, f), text, strlen(text), err);
	cJSON_free(text);
	buf_release(&path);
	return r;
}

/*
 * The configuration's hash: what tells one run from another.  Not
 * "served_model": what a server said it serves is checked apart (a server
 * not up when the run began said nothing; its answer later is no change).
 */
static void config_hash(const cJSON *cfg, char hex[17])
{
	cJSON *c = cJSON_Duplicate(cfg, 1);
	char *canon;

	cJSON_DeleteItemFromObjectCaseSensitive(c, "served_model");
	canon = cJSON_PrintUnformatted(c);
	snprintf(hex, 17, "%016" PRIx64, hash64_str(canon, HASH_SEED));
	cJSON_free(canon);
	cJSON_Delete(c);
}

/*
 * "build": what --version prints, so that a number can be traced to the
 * exact binary: ABI, commit ("" when not built from git), library versions.
 */
static void add_build(cJSON *cfg)
{
	struct buildinfo_lib libs[16];
	size_t n = buildinfo_libs(libs, sizeof(libs) / sizeof(libs[0]));
	cJSON *b = cJSON_AddObjectToObject(cfg, "build");
	cJSON *l = cJSON_AddObjectToObject(b, "libraries");
	char abi[32];

	snprintf(abi, sizeof(abi), "%d.%d", VSRBENCH_ABI_MAJOR, VSRBENCH_ABI_MINOR);
	cJSON_AddStringToObject(b, "version", VSR_VERSION);
	cJSON_AddStringToObject(b, "abi", abi);
	cJSON_AddStringToObject(b, "commit", buildinfo_commit());
	for (size_t i = 0; i < n; i++)
		cJSON_AddStringToObject(l, libs[i].name, libs[i].version);
}

static cJSON *command_array(int argc, char **argv)
{
	cJSON *cmd = cJSON_CreateArray();

	for (int i = 0; i < argc; i++)
		cJSON_AddItemToArray(cmd, cJSON_CreateString(argv[i]));
	return cmd;
}

#define RESUMES_KEPT 20

/*
 * A resume's time and command line added to run.json's "resumes" (the last
 * RESUMES_KEPT; "resumes_total" counts them all), so the file says how the
 * run was finished, with which transport options, not only how it began.
 */
static int note_resume(const char *dir, cJSON *prev, int argc, char **argv, char *err)
{
	char stamp[32];
	cJSON *list = cJSON_GetObjectItemCaseSensitive(prev, "resumes"), *one, *total;
	double n = 0;

	if (!cJSON_IsArray(list)) {
		cJSON_DeleteItemFromObjectCaseSensitive(prev, "resumes");
		list = cJSON_AddArrayToObject(prev, "resumes");
	}
	total = cJSON_GetObjectItemCaseSensitive(prev, "resumes_total");
	n = cJSON_IsNumber(total) && total->valuedouble >= 0 ? total->valuedouble
							      : (double)cJSON_GetArraySize(list);
	cJSON_DeleteItemFromObjectCaseSensitive(prev, "resumes_total");
	cJSON_AddNumberToObject(prev, "resumes_total", n + 1);
	while (cJSON_GetArraySize(list) >= RESUMES_KEPT)
		cJSON_DeleteItemFromArray(list, 0);
	stamp_now(stamp, 1);
	one = cJSON_CreateObject();
	cJSON_AddStringToObject(one, "at", stamp);
	cJSON_AddItemToObject(one, "command", command_array(argc, argv));
	cJSON_AddItemToArray(list, one);
	return rundir_write_json(dir, RUNDIR_RUN_JSON, prev, err);
}

static int stamp_and_write(const char *dir, cJSON *cfg, const char *hex, long shard_index,
			   long shard_count, int argc, char **argv, char *err)
{
	char stamp[32];

	stamp_now(stamp, 1);
	cJSON_AddStringToObject(cfg, "config_hash", hex);
	cJSON_AddStringToObject(cfg, "harness_version", VSR_VERSION);
	cJSON_AddStringToObject(cfg, "created", stamp);
	cJSON_AddStringToObject(cfg, "schema", "vsrbench.run/1");
	add_build(cfg);
	if (shard_count > 1) {
		cJSON *sh = cJSON_AddObjectToObject(cfg, "shard");
		cJSON_AddNumberToObject(sh, "index", (double)shard_index);
		cJSON_AddNumberToObject(sh, "count", (double)shard_count);
	}
	cJSON_AddItemToObject(cfg, "command", command_array(argc, argv));
	return rundir_write_json(dir, RUNDIR_RUN_JSON, cfg, err);
}

int rundir_write_run(const char *dir, cJSON *cfg, long shard_index, long shard_count, int argc,
		     char **argv, char *err)
{
	char hex[17];

	config_hash(cfg, hex);
	return stamp_and_write(dir, cfg, hex, shard_index, shard_count, argc, argv, err);
}

/* Is the shard in an existing run.json another one than this run's? */
static int shard_differs(const cJSON *prev, long shard_index, long shard_count)
{
	const cJSON *sh = cJSON_GetObjectItemCaseSensitive(prev, "shard");
	const cJSON *i = cJSON_GetObjectItemCaseSensitive(sh, "index");
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(sh, "count");

	if (!sh)
		return shard_count > 1;
	/* Compared as numbers: a cast of an edited file's 1e300 would be undefined. */
	return !cJSON_IsNumber(i) || !cJSON_IsNumber(n) || i->valuedouble != (double)shard_index ||
	       n->valuedouble != (double)shard_count;
}

/* Top-level keys stamp_and_write adds: not part of the configuration. */
static int stamped_key(const char *k)
{
	static const char *const keys[] = { "config_hash", "harness_version", "created", "schema",
					    "build", "shard", "command", "concurrency", "served_model",
					    "resumes", "resumes_total" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(k, keys[i]))
			return 1;
	return 0;
}

/* A value for a message: its JSON, cut at 80 bytes; "(none)" when absent. */
static void add_value(struct buf *out, const cJSON *v)
{
	char *t = v ? cJSON_PrintUnformatted(v) : NULL;

	if (!t) {
		buf_adds(out, "(none)");
		return;
	}
	buf_addf(out, "%.80s%s", t, strlen(t) > 80 ? "..." : "");
	cJSON_free(t);
}

/*
 * The first difference between the configuration a run directory holds
 * (was) and this run's (now): "model.config.model was "a", now "b"".  Keys
 * named skip are passed over (the fingerprint repeats the options that
 * differ).  0 when none.
 */
static int config_diff(const cJSON *was, const cJSON *now, struct buf *at, const char *skip,
		       struct buf *out)
{
	size_t len = at->len;

	if (cJSON_IsObject(was) && cJSON_IsObject(now)) {
		const cJSON *k;
		for (int pass = 0; pass < 2; pass++) {
			const cJSON *keys = pass ? was : now;
			cJSON_ArrayForEach(k, keys) {
				const cJSON *other = cJSON_GetObjectItemCaseSensitive(pass ? now : was,
										      k->string);
				if ((!len && stamped_key(k->string)) || (skip && !strcmp(k->string, skip)))
					continue;
				if (pass && other)
					continue; /* compared in the first pass */
				buf_addf(at, "%s%s", len ? "." : "", k->string);
				if (config_diff(pass ? k : other, pass ? other : k, at, skip, out))
					return 1;
				buf_setlen(at, len);
			}
		}
		return 0;
	}
	if (cJSON_IsArray(was) && cJSON_IsArray(now) &&
	    cJSON_GetArraySize(was) == cJSON_GetArraySize(now)) {
		for (int i = 0; i < cJSON_GetArraySize(was); i++) {
			buf_addf(at, "[%d]", i);
			if (config_diff(cJSON_GetArrayItem(was, i), cJSON_GetArrayItem(now, i), at, skip,
					out))
				return 1;
			buf_setlen(at, len);
		}
		return 0;
	}
	if (was && now && cJSON_Compare(was, now, 1))
		return 0;
	buf_addf(out, "%s was ", at->len ? at->ptr : "the configuration");
	add_value(out, was);
	buf_adds(out, ", now ");
	add_value(out, now);
	return 1;
}

/* config_diff without the fingerprint first (it repeats the options), then with it. */
static void first_difference(const cJSON *was, const cJSON *now, struct buf *at, struct buf *out)
{
	if (!config_diff(was, now, at, "fingerprint", out)) {
		buf_reset(at);
		if (!config_diff(was, now, at, NULL, out))
			buf_adds(out, "model, suites, templates, options or limit differ");
	}
}

void rundir_config_difference(const cJSON *was, const cJSON *now, struct buf *out)
{
	struct buf at = BUF_INIT;

	first_difference(was, now, &at, out);
	buf_release(&at);
}

/*
 * Did the server say it serves another model than when the run began?  Both
 * must have said: a name alone (or a server that was down) is no evidence.
 */
static int served_differs(const cJSON *prev, const cJSON *cfg, const char *dir, char *err)
{
	const char *was = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(prev, "served_model"));
	const char *now = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cfg, "served_model"));

	if (!was || !now || !strcmp(was, now))
		return 0;
	err_set(err, VSR_EUSAGE,
		"%s holds answers of another model: under the same name the server now serves %.200s, "
		"the run began with %.200s; use another -o for this one", dir, now, was);
	return 1;
}

/* A digest for a message: "sha256:0123456789ab…", or "none" (absent). */
static void add_digest(struct buf *out, const cJSON *v)
{
	const char *d = cJSON_GetStringValue(v), *colon = d ? strchr(d, ':') : NULL;

	if (!d)
		buf_adds(out, "none");
	else
		buf_addf(out, "%.*s%s", (int)(colon && strlen(colon) > 13 ? colon - d + 13 : (int)strlen(d)),
			 d, colon && strlen(colon) > 13 ? "..." : "");
}

/*
 * The configuration differs at `at`: when that is one of the model's files
 * (run.json model.files, by content: an exec model's script, a lib: .so),
 * says so in the words of the case and returns VSR_EUSAGE; else 0.
 */
static int model_file_changed(const char *dir, const cJSON *was, const cJSON *now, const char *at,
			      char *err)
{
	static const char prefix[] = "model.files.";
	const cJSON *a, *b;
	const char *name = at + sizeof(prefix) - 1;
	struct buf d = BUF_INIT;
	int r;

	if (!strcmp(at, "model.files") &&
	    !cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(was, "model"), "files"))
		return err_set(err, VSR_EUSAGE,
			       "%s was begun by an older vsrbench, which did not record the content of the "
			       "model's files (its script, its .so): finish it with that version, or use "
			       "another -o",
			       dir);
	if (strncmp(at, prefix, sizeof(prefix) - 1))
		return 0;
	a = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(was, "model"), "files"), name);
	b = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(now, "model"), "files"), name);
	buf_adds(&d, "was ");
	add_digest(&d, a);
	buf_adds(&d, ", now ");
	add_digest(&d, b);
	r = err_set(err, VSR_EUSAGE,
		    "%s holds a run of another model: the model's file %.200s %s since the run began (%s), "
		    "and its answers may differ from those in the journal; finish the run with the file as "
		    "it was, or use another -o for the changed model",
		    dir, name, b ? "changed" : "is gone or no longer a regular file", d.ptr);
	buf_release(&d);
	return r;
}

/*
 * Only -n differs: the first thing a user does after a trial slice is the
 * whole set into the same -o.  Say it in -n's words ("limit ... now -1" read
 * as a bug), and that another -o costs nothing twice.
 */
static int limit_changed(const char *dir, const cJSON *prev, const cJSON *cfg, char *err)
{
	double was = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(prev, "limit"));
	double now = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cfg, "limit"));
	char a[48], b[48];

	snprintf(a, sizeof(a), was > 0 ? "-n %.0f" : "no -n", was);
	snprintf(b, sizeof(b), now > 0 ? "-n %.0f" : "no -n", now);
	return err_set(err, VSR_EUSAGE,
		       "%s holds a run made with %s, now %s: another number of items is another run; "
		       "give it another -o (the response cache, on by default for a served model at "
		       "temperature 0, answers there the tasks this run already asked, without a "
		       "request), or resume this one with %s",
		       dir, a, b, a);
}

int rundir_prepare_run(const char *dir, cJSON *cfg, long shard_index, long shard_count, int argc,
		       char **argv, char *err)
{
	struct buf path = BUF_INIT, old = BUF_INIT;
	char hex[17];
	int r = 0;

	config_hash(cfg, hex);
	rundir_path(&path, dir, RUNDIR_RUN_JSON);
	old.max = RUNDIR_JSON_MAX;
	if (!buf_read_file(&old, path.ptr)) {
		cJSON *prev = cJSON_Parse(old.ptr);
		const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(prev, "config_hash"));
		if (!prev || !h)
			r = err_set(err, VSR_EDATA, "%s: not a vsrbench run.json", path.ptr);
		else if (strcmp(h, hex)) {
			struct buf at = BUF_INIT, what = BUF_INIT;
			first_difference(prev, cfg, &at, &what);
			if (!strcmp(at.ptr, "limit"))
				r = limit_changed(dir, prev, cfg, err);
			else if (!(r = model_file_changed(dir, prev, cfg, at.ptr, err)))
				r = err_set(err, VSR_EUSAGE,
					    "%s holds a run with a different configuration: %s; resume it with "
					    "its own options or use another -o",
					    dir, what.ptr);
			buf_release(&at);
			buf_release(&what);
		}
		else if (served_differs(prev, cfg, dir, err))
			r = VSR_EUSAGE;
		else if (shard_differs(prev, shard_index, shard_count))
			r = err_set(err, VSR_EUSAGE, "%s holds another shard; resume it with its own --shard",
				    dir);
		else
			r = note_resume(dir, prev, argc, argv, err);
		cJSON_Delete(prev);
	} else if (errno != ENOENT) {
		r = err_set(err, VSR_EDATA, "cannot read %s: %s", path.ptr, strerror(errno));
	} else {
		r = stamp_and_write(dir, cfg, hex, shard_index, shard_count, argc, argv, err);
	}
	buf_release(&path);
	buf_release(&old);
	return r;
}

/* journal_scan: counts failed tasks, stops at the first answer. */
static int count_failed(const struct sample *s, void *ctx)
{
	if (!s->error)
		return 1;
	++*(size_t *)ctx;
	return 0;
}

int rundir_set_aside(const char *dir, size_t *failed, struct buf *kept, char *err)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	cJSON *prev = rundir_load_run(dir);
	const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(prev, "config_hash"));
	int r;

	*failed = 0;
	r = journal_scan(rundir_path(&from, dir, RUNDIR_SAMPLES), 1, count_failed, failed, NULL, err);
	if (r) {
		r = r == 1 ? 0 : r; /* 1: an answer, nothing is set aside */
		goto out;
	}
	buf_reset(kept);
	buf_addf(kept, "%s/failed-%s", dir, h ? h : "run");
	rundir_make_unique(kept);
	if (mkdir(kept->ptr, 0755) < 0) {
		r = err_set(err, VSR_EUSAGE, "cannot create %s: %s", kept->ptr, strerror(errno));
		goto out;
	}
	for (int f = RUNDIR_RUN_JSON; f <= RUNDIR_CRASHED; f++) {
		if (f == RUNDIR_LOCK)
			continue;
		rundir_path(&from, dir, (enum rundir_file)f);
		buf_reset(&to);
		buf_addf(&to, "%s/%s", kept->ptr, rundir_file_name((enum rundir_file)f));
		if (rename(from.ptr, to.ptr) < 0 && errno != ENOENT) {
			r = err_set(err, VSR_EUSAGE, "cannot move %s to %s: %s", from.ptr, to.ptr,
				    strerror(errno));
			goto out;
		}
	}
	r = 1;
out:
	cJSON_Delete(prev);
	buf_release(&from);
	buf_release(&to);
	return r;
}

int rundir_write_status(const char *dir, const struct rundir_status *st, char *err)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	int r;

	cJSON_AddStringToObject(root, "schema", "vsrbench.status/1");
	cJSON_AddBoolToObject(root, "complete", st->complete);
	cJSON_AddNumberToObject(root, "shard_index", (double)st->shard_index);
	cJSON_AddNumberToObject(root, "shard_count", (double)st->shard_count);
	arr = cJSON_AddArrayToObject(root, "suites");
	for (size_t i = 0; i < st->n_suites; i++) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "name", st->suites[i].name);
		cJSON_AddNumberToObject(s, "items_total", (double)st->suites[i].items_total);
		cJSON_AddNumberToObject(s, "items_in_shard", (double)st->suites[i].items_in_shard);
		cJSON_AddItemToArray(arr, s);
	}
	cJSON_AddNumberToObject(root, "tasks_done_now", (double)st->tasks_done_now);
	cJSON_AddNumberToObject(root, "tasks_done_before", (double)st->tasks_done_before);
	cJSON_AddNumberToObject(root, "errors_now", (double)st->errors_now);
	if (st->cached_now)
		cJSON_AddNumberToObject(root, "cached_now", (double)st->cached_now);
	if (st->tokens_in > 0 || st->tokens_out > 0) {
		cJSON *t = cJSON_AddObjectToObject(root, "tokens_now");
		cJSON_AddNumberToObject(t, "in", (double)(st->tokens_in > 0 ? st->tokens_in : 0));
		cJSON_AddNumberToObject(t, "out", (double)(st->tokens_out > 0 ? st->tokens_out : 0));
		if (st->tokens_reasoning >= 0) /* unknown (Anthropic, Ollama): left out, as in report.json */
			cJSON_AddNumberToObject(t, "reasoning", (double)st->tokens_reasoning);
		if (st->cost_usd > 0)
			cJSON_AddNumberToObject(t, "cost_usd", st->cost_usd);
	}
	if (st->stopped_by)
		cJSON_AddStringToObject(root, "stopped_by", st->stopped_by);
	if (st->tasks_planned)
		cJSON_AddNumberToObject(root, "tasks_planned", (double)st->tasks_planned);
	if (st->request_seconds > 0) /* to the millisecond, as junit.xml writes it */
		cJSON_AddNumberToObject(root, "request_seconds",
					(double)(long long)(st->request_seconds * 1000.0 + 0.5) / 1000.0);
	if (st->conc_mode) {
		cJSON *c = cJSON_AddObjectToObject(root, "concurrency");
		cJSON_AddStringToObject(c, "mode", st->conc_mode);
		cJSON_AddNumberToObject(c, "last", (double)st->conc_last);
		cJSON_AddNumberToObject(c, "min", (double)st->conc_min);
		cJSON_AddNumberToObject(c, "median", (double)st->conc_median);
		cJSON_AddNumberToObject(c, "max", (double)st->conc_max);
		if (st->conc_queue)
			cJSON_AddTrueToObject(c, "server_queue");
	}
	r = rundir_write_json(dir, RUNDIR_STATUS_JSON, root, err);
	cJSON_Delete(root);
	return r;
}

void rundir_read_progress(const char *dir, struct rundir_progress *p)
{
	char err[VSR_ERR_MAX];
	const cJSON *planned, *why, *secs;
	cJSON *st;

	memset(p, 0, sizeof(*p));
	if (rundir_read_json(dir, RUNDIR_STATUS_JSON, &st, err))
		return;
	p->known = 1;
	p->complete = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "complete"));
	planned = cJSON_GetObjectItemCaseSensitive(st, "tasks_planned");
	/* Compared as a double first: a cast of an edited file's 1e300 would be undefined. */
	if (cJSON_IsNumber(planned) && planned->valuedouble >= 1 && planned->valuedouble < 1e15)
		p->tasks_planned = (size_t)planned->valuedouble;
	secs = cJSON_GetObjectItemCaseSensitive(st, "request_seconds");
	if (cJSON_IsNumber(secs) && secs->valuedouble > 0 && secs->valuedouble < 1e12)
		p->request_seconds = secs->valuedouble;
	why = cJSON_GetObjectItemCaseSensitive(st, "stopped_by");
	if (cJSON_IsString(why))
		snprintf(p->stopped_by, sizeof(p->stopped_by), "%s", why->valuestring);
	cJSON_Delete(st);
}

int rundir_note_concurrency(const char *dir, const struct rundir_status *st, char *err)
{
	cJSON *root, *c;
	int r;

	if (!st->conc_mode)
		return 0;
	if (!(root = rundir_load_run(dir)))
		return 0; /* nothing to annotate */
	cJSON_DeleteItemFromObjectCaseSensitive(root, "concurrency");
	c = cJSON_AddObjectToObject(root, "concurrency");
	cJSON_AddStringToObject(c, "mode", st->conc_mode);
	cJSON_AddNumberToObject(c, "min", (double)st->conc_min);
	cJSON_AddNumberToObject(c, "median", (double)st->conc_median);
	cJSON_AddNumberToObject(c, "max", (double)st->conc_max);
	if (st->conc_queue)
		cJSON_AddTrueToObject(c, "server_queue");
	r = rundir_write_json(dir, RUNDIR_RUN_JSON, root, err);
	cJSON_Delete(root);
	return r;
}

/* ---- a journal written whole ----------------------------------------------- */

int rundir_journal_create(struct rundir_journal *j, const char *dir, char *err)
{
	j->out.max = RUNDIR_JOURNAL_BUF;
	rundir_path(&j->final, dir, RUNDIR_SAMPLES);
	buf_addf(&j->tmp, "%s.tmp.%ld", j->final.ptr, (long)getpid());
	j->fd = open(j->tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (j->fd < 0)
		return err_set(err, VSR_EDATA, "cannot create %s: %s", j->tmp.ptr, strerror(errno));
	j->made = 1;
	return 0;
}

static int write_out(struct rundir_journal *j, char *err)
{
	size_t off = 0;
	redact_apply(j->out.ptr, j->out.len);

	while (off < j->out.len) {
		ssize_t w = write(j->fd, j->out.ptr + off, j->out.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return err_set(err, VSR_EDATA, "cannot write %s: %s", j->tmp.ptr,
				       w < 0 ? strerror(errno) : "short write");
		off += (size_t)w;
	}
	buf_reset(&j->out);
	return 0;
}

int rundir_journal_flush(struct rundir_journal *j, char *err)
{
	return j->out.len >= RUNDIR_FLUSH ? write_out(j, err) : 0;
}

int rundir_journal_finish(struct rundir_journal *j, char *err)
{
	int r = write_out(j, err);

	if (!r && fsync(j->fd) < 0 && errno != EINVAL)
		r = err_set(err, VSR_EDATA, "cannot sync %s: %s", j->tmp.ptr, strerror(errno));
	if (close(j->fd) < 0 && !r)
		r = err_set(err, VSR_EDATA, "cannot close %s: %s", j->tmp.ptr, strerror(errno));
	j->fd = -1;
	return r;
}

int rundir_journal_commit(struct rundir_journal *j, char *err)
{
	if (rename(j->tmp.ptr, j->final.ptr) < 0)
		return err_set(err, VSR_EDATA, "cannot rename %s: %s", j->tmp.ptr, strerror(errno));
	j->made = 0;
	return 0;
}

void rundir_journal_release(struct rundir_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	if (j->made)
		unlink(j->tmp.ptr);
	j->made = 0;
	buf_release(&j->out);
	buf_release(&j->tmp);
	buf_release(&j->final);
}

/* ---- the judge ----------------------------------------------------------- */

int rundir_judge_fp(const cJSON *run, uint64_t *fp)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(run, "judge");
	const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "fingerprint_hash"));
	char *end = NULL;
	unsigned long long v;

	if (!h || strlen(h) != 16)
		return 0;
	errno = 0;
	v = strtoull(h, &end, 16);
	if (errno || !end || *end)
		return 0;
	*fp = (uint64_t)v;
	return 1;
}

int rundir_set_judge(const char *dir, cJSON *judge, char *err)
{
	cJSON *run;
	int r;

	if ((r = rundir_read_json(dir, RUNDIR_RUN_JSON, &run, err))) {
		cJSON_Delete(judge);
		return r;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(run, "judge");
	cJSON_AddItemToObject(run, "judge", judge);
	r = rundir_write_json(dir, RUNDIR_RUN_JSON, run, err);
	cJSON_Delete(run);
	return r;
}
