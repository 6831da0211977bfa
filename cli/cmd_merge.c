/*
 * vsrbench merge OUT RUN...: joins the shards of one evaluation.
 *
 * Refuses unless every RUN is complete (status.json), all share the
 * configuration hash of run.json, the shards are exactly 0..N-1 of one N,
 * the items of each suite add up to the suite's total, no task or item
 * appears in two runs, and every RUN was judged by the same judge (run.json
 * "judge", docs/judge.md) or none was.  OUT then holds a run directory like
 * a single machine's: run.json (without the shard), samples.jsonl,
 * judge.jsonl (the shards' judge journals joined), status.json and the
 * reports -- which equal the single-machine run's, with-judge numbers too.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "../base/keyset.h"
#include "../harness/journal.h"
#include "../base/gzin.h"
#include "../base/rawlines.h"
#include "../harness/rundir.h"
#include "../reports/judge_render.h"
#include "../reports/rebuild.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

struct shard {
	const char *dir;
	cJSON *run, *status;
	long index, count;
};

static double num(const cJSON *o, const char *k, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static const char *str(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/*
 * The shards' with-judge numbers add up only when one judge (model,
 * endpoint, options, prompt version: its fingerprint) judged them all, or
 * none did.
 */
static int check_judges(const struct shard *sh, size_t n, char *err)
{
	uint64_t f0 = 0, f;
	int j0 = rundir_judge_fp(sh[0].run, &f0), r = 0;

	for (size_t i = 1; i < n && !r; i++) {
		int ji = rundir_judge_fp(sh[i].run, &f);
		if (ji == j0 && (!ji || f == f0))
			continue;
		struct buf l0 = BUF_INIT, li = BUF_INIT;
		if (j0)
			judge_label(sh[0].run, &l0);
		else
			buf_adds(&l0, "no judge");
		if (ji)
			judge_label(sh[i].run, &li);
		else
			buf_adds(&li, "no judge");
		r = err_set(err, VSR_EUSAGE,
			    "%s was judged by %s, %s by %s%s: their with-judge numbers do not add up; "
			    "judge every shard alike (resume it with the same --judge), or merge and "
			    "judge the merged run",
			    sh[0].dir, l0.ptr, sh[i].dir, li.ptr,
			    j0 && ji ? " (another judge model, endpoint, options or prompt version)" : "");
		buf_release(&l0);
		buf_release(&li);
	}
	return r;
}

static int check_shards(struct shard *sh, size_t n, char *err)
{
	const char *hash0 = str(sh[0].run, "config_hash");
	const cJSON *suites0 = cJSON_GetObjectItemCaseSensitive(sh[0].status, "suites");
	size_t *holder; /* per shard index: 1 + the position of the run that is it, or 0 */
	int r = 0;

	if (!hash0) {
		struct buf p = BUF_INIT;
		err_set(err, VSR_EDATA, "%s has no config_hash", rundir_path(&p, sh[0].dir, RUNDIR_RUN_JSON));
		buf_release(&p);
		return VSR_EDATA;
	}
	for (size_t i = 0; i < n; i++) {
		const char *h = str(sh[i].run, "config_hash");
		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sh[i].status, "complete")))
			return err_set(err, VSR_EDATA, "%s did not finish (resume it first)", sh[i].dir);
		if (!h || strcmp(h, hash0)) {
			struct buf what = BUF_INIT;
			rundir_config_difference(sh[0].run, sh[i].run, &what);
			r = err_set(err, VSR_EUSAGE,
				    "%s has configuration %s but %s has %s: not shards of one run (from "
				    "%s to %s: %s); run every shard with the same options",
				    sh[i].dir, h ? h : "(none)", sh[0].dir, hash0, sh[0].dir, sh[i].dir,
				    what.ptr);
			buf_release(&what);
			return r;
		}
		sh[i].index = (long)num(sh[i].status, "shard_index", 0);
		sh[i].count = (long)num(sh[i].status, "shard_count", 1);
		if (sh[i].count != sh[0].count && (sh[i].count == 1 || sh[0].count == 1))
			return err_set(err, VSR_EUSAGE,
				       "%s is a whole run (made without --shard), %s a shard of %ld: merge "
				       "joins the shards of one run",
				       sh[i].count == 1 ? sh[i].dir : sh[0].dir,
				       sh[i].count == 1 ? sh[0].dir : sh[i].dir,
				       sh[i].count == 1 ? sh[0].count : sh[i].count);
		if (sh[i].count != sh[0].count)
			return err_set(err, VSR_EUSAGE, "%s is a shard of %ld, %s of %ld", sh[i].dir,
				       sh[i].count, sh[0].dir, sh[0].count);
	}
	/*
	 * Which shard each run is: one given twice or missing is named (a CI
	 * matrix's failed or misnamed artifact), not only counted.
	 */
	if (sh[0].count < 1 || sh[0].count > 1000000)
		return err_set(err, VSR_EDATA, "%s: shard_count %ld in status.json", sh[0].dir,
			       sh[0].count);
	holder = xcalloc((size_t)sh[0].count, sizeof(*holder));
	for (size_t i = 0; i < n && !r; i++) {
		long k = sh[i].index;
		if (k < 0 || k >= sh[0].count)
			r = err_set(err, VSR_EDATA, "%s: shard_index %ld in status.json, not 0..%ld",
				    sh[i].dir, k, sh[0].count - 1);
		else if (holder[k])
			r = err_set(err, VSR_EUSAGE, "shard %ld/%ld is given twice (%s and %s)", k,
				    sh[0].count, sh[holder[k] - 1].dir, sh[i].dir);
		else
			holder[k] = i + 1;
	}
	if (!r && (size_t)sh[0].count != n) {
		struct buf miss = BUF_INIT;
		size_t n_miss = 0;
		for (long k = 0; k < sh[0].count; k++) {
			if (holder[k])
				continue;
			if (n_miss++ < 8)
				buf_addf(&miss, "%s%ld", n_miss > 1 ? ", " : "", k);
			else if (n_miss == 9)
				buf_adds(&miss, ", ...");
		}
		if (n_miss == 1)
			r = err_set(err, VSR_EUSAGE,
				    "the runs are shards of %ld but %zu %s given: shard %s of %ld is "
				    "missing (run it with --shard %s/%ld, or pass its run directory)",
				    sh[0].count, n, n == 1 ? "was" : "were", miss.ptr, sh[0].count,
				    miss.ptr, sh[0].count);
		else
			r = err_set(err, VSR_EUSAGE,
				    "the runs are shards of %ld but %zu %s given: shards %s of %ld are "
				    "missing (run them with --shard I/%ld, or pass their run directories)",
				    sh[0].count, n, n == 1 ? "was" : "were", miss.ptr, sh[0].count,
				    sh[0].count);
		buf_release(&miss);
	}
	free(holder);
	if (!r)
		r = check_judges(sh, n, err);
	/* Every suite's items must add up over the shards. */
	for (const cJSON *s0 = suites0 ? suites0->child : NULL; s0 && !r; s0 = s0->next) {
		const char *name = str(s0, "name");
		double total = num(s0, "items_total", -1), sum = 0;
		for (size_t i = 0; i < n; i++) {
			const cJSON *ss = cJSON_GetObjectItemCaseSensitive(sh[i].status, "suites"), *s;
			int found = 0;
			cJSON_ArrayForEach(s, ss) {
				if (!name || !str(s, "name") || strcmp(str(s, "name"), name))
					continue;
				found = 1;
				sum += num(s, "items_in_shard", 0);
				if (num(s, "items_total", -2) != total)
					r = err_set(err, VSR_EDATA, "%s saw %.0f items of %s, %s saw %.0f",
						    sh[i].dir, num(s, "items_total", 0), name, sh[0].dir, total);
			}
			if (!found && !r)
				r = err_set(err, VSR_EDATA, "%s has no suite %s", sh[i].dir, name ? name : "?");
		}
		if (!r && sum != total)
			r = err_set(err, VSR_EDATA, "the shards hold %.0f of the %.0f items of %s", sum, total,
				    name);
	}
	return r;
}

static int parse_key(const char *s, uint64_t *out)
{
	char *end;

	if (!s || strlen(s) != 16)
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 16);
	return errno || *end ? -1 : 0;
}

/*
 * Streams every complete line of each shard's journal `f` (samples.jsonl,
 * or judge.jsonl: same line format) into `final` (through a temporary
 * file, fsynced and renamed: never a half-written journal under the final
 * name), checking that no item is in two runs.  A shard without the file
 * adds nothing when `optional` (a judge that had nothing to judge).
 */
static int join_journals(struct shard *sh, size_t n, enum rundir_file f, int optional,
			 const char *final, char *err)
{
	struct buf tmp = BUF_INIT;
	FILE *out;
	struct u64map items = U64MAP_INIT;
	struct buf path = BUF_INIT;
	int r = 0;

	buf_addf(&tmp, "%s.tmp.%ld", final, (long)getpid());
	if (!(out = fopen(tmp.ptr, "wb"))) {
		r = err_set(err, VSR_EDATA, "cannot create %s: %s", tmp.ptr, strerror(errno));
		buf_release(&tmp);
		return r;
	}
	for (size_t i = 0; i < n && !r; i++) {
		struct rawlines rl;
		struct rawline ln;
		size_t lineno = 0, skipped = 0;
		int got;

		/* The journal's reader: a gzip'd journal reads as the plain one (report reads it so). */
		if (rawlines_open(&rl, rundir_path(&path, sh[i].dir, f), JOURNAL_LINE_MAX)) {
			if (!(r = gzin_explain(path.ptr, 0, err)) && optional && errno == ENOENT)
				continue;
			if (!r)
				r = err_set(err, VSR_EDATA, "cannot open %s: %s", path.ptr, strerror(errno));
			break;
		}
		while ((got = rawlines_next(&rl, &ln)) > 0) {
			cJSON *o;
			uint64_t key, item, other;
			const char *suite, *id;

			if (!ln.complete) /* a torn last line: it never happened */
				break;
			lineno++;
			if (ln.over) {
				/* Over-long (never written by vsrbench): skipped as report does. */
				if (!skipped++)
					vsr_warn("%s:%zu: line longer than %u bytes skipped", path.ptr,
						 lineno, JOURNAL_LINE_MAX);
				continue;
			}
			if (memchr(ln.ptr, '\0', ln.len)) {
				r = err_set(err, VSR_EDATA, "%s:%zu: a NUL byte in the line", path.ptr, lineno);
				break;
			}
			if (ln.len && ln.ptr[ln.len - 1] == '\r')
				ln.ptr[--ln.len] = '\0';
			if (!ln.len)
				continue;
			o = cJSON_ParseWithLength(ln.ptr, ln.len);
			suite = str(o, "suite");
			id = str(o, "item");
			if (!o || parse_key(str(o, "key"), &key) || !suite || !id) {
				cJSON_Delete(o);
				r = err_set(err, VSR_EDATA, "%s:%zu: not a journal line", path.ptr, lineno);
				break;
			}
			/* A line names its run (config_hash); lines of another run do not merge. */
			{
				const char *lr = str(o, "run"), *want = str(sh[i].run, "config_hash");
				if (lr && want && strcmp(lr, want)) {
					r = err_set(err, VSR_EDATA,
						    "%s:%zu: a line of another run (run %.20s; this run is %s)",
						    path.ptr, lineno, lr, want);
					cJSON_Delete(o);
					break;
				}
			}
			/* Task keys include the item, so one item per run keeps tasks apart too. */
			item = hash64_str(id, hash64_str(suite, HASH_SEED));
			if (u64map_get(&items, item, &other) && other != i)
				r = err_set(err, VSR_EDATA, "item %s of %s is in both %s and %s", id, suite,
					    sh[other].dir, sh[i].dir);
			u64map_put(&items, item, i);
			cJSON_Delete(o);
			if (r)
				break;
			if (fwrite(ln.ptr, 1, ln.len, out) != ln.len || putc('\n', out) == EOF) {
				r = err_set(err, VSR_EDATA, "cannot write %s: %s", tmp.ptr, strerror(errno));
				break;
			}
		}
		if (!r && got < 0) {
			char why[160];
			r = err_set(err, VSR_EDATA, "cannot read %s: %s", path.ptr,
				    rawlines_strerror(&rl, why, sizeof(why)));
		}
		rawlines_release(&rl);
	}
	if (fflush(out) || fsync(fileno(out)) < 0) {
		if (!r)
			r = err_set(err, VSR_EDATA, "cannot write %s: %s", tmp.ptr, strerror(errno));
	}
	if (fclose(out) && !r)
		r = err_set(err, VSR_EDATA, "cannot write %s: %s", tmp.ptr, strerror(errno));
	if (!r && rename(tmp.ptr, final) < 0)
		r = err_set(err, VSR_EDATA, "cannot rename %s: %s", tmp.ptr, strerror(errno));
	if (r)
		unlink(tmp.ptr);
	buf_release(&tmp);
	u64map_release(&items);
	buf_release(&path);
	return r;
}

/*
 * The merged run's request_seconds (junit.xml's time): the longest shard's.
 * Shards are run side by side (a Slurm array, a Kubernetes indexed job), so
 * the run took as long as its slowest shard, not the sum of their times;
 * docs/cluster.md says so.  Left out when a shard did not record its own.
 */
static void merge_request_seconds(cJSON *status, const struct shard *sh, size_t n)
{
	double longest = 0;

	cJSON_DeleteItemFromObjectCaseSensitive(status, "request_seconds");
	for (size_t i = 0; i < n; i++) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(sh[i].status, "request_seconds");
		if (!cJSON_IsNumber(s))
			return;
		longest = s->valuedouble > longest ? s->valuedouble : longest;
	}
	cJSON_AddNumberToObject(status, "request_seconds", longest);
}

/*
 * Sets status.json's `key` in `into` to the sum of the shards' (those in `of`,
 * each shard's status or its tokens_now), as the single-machine run's would
 * count; left out when no shard has it.
 */
static void merge_sum(cJSON *into, const char *key, const cJSON *const *of, size_t n)
{
	double sum = 0;
	size_t seen = 0;

	cJSON_DeleteItemFromObjectCaseSensitive(into, key);
	for (size_t i = 0; i < n; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(of[i], key);
		if (cJSON_IsNumber(v)) {
			sum += v->valuedouble;
			seen++;
		}
	}
	if (seen)
		cJSON_AddNumberToObject(into, key, sum);
}

/*
 * The merged run's counts in status.json: each the sum of the shards', as one
 * machine's run would have written them -- tasks_planned (every shard's own
 * plan, written once it has read its items; left out when a shard has none
 * but items: a shard of an older vsrbench), the tasks and errors, the cached
 * answers and the tokens and cost.
 */
static void merge_counts(cJSON *status, const struct shard *sh, size_t n)
{
	static const char *const counts[] = { "tasks_done_now", "tasks_done_before", "errors_now",
					       "cached_now" };
	static const char *const tokens[] = { "in", "out", "reasoning", "cost_usd" };
	const cJSON **of = xcalloc(n, sizeof(*of));
	cJSON *tok = cJSON_CreateObject();

	for (size_t i = 0; i < n; i++)
		of[i] = sh[i].status;
	{
		/* A shard with no item has nothing planned, and writes no plan (0: not known). */
		double planned = 0;
		int known = 1;
		for (size_t i = 0; i < n && known; i++) {
			const cJSON *p = cJSON_GetObjectItemCaseSensitive(sh[i].status, "tasks_planned"), *su;
			double items = 0;
			cJSON_ArrayForEach(su, cJSON_GetObjectItemCaseSensitive(sh[i].status, "suites"))
				items += num(su, "items_in_shard", 1);
			if (cJSON_IsNumber(p))
				planned += p->valuedouble;
			else
				known = items == 0;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(status, "tasks_planned");
		if (known && planned > 0)
			cJSON_AddNumberToObject(status, "tasks_planned", planned);
	}
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++)
		merge_sum(status, counts[k], of, n);
	for (size_t i = 0; i < n; i++)
		of[i] = cJSON_GetObjectItemCaseSensitive(sh[i].status, "tokens_now");
	for (size_t k = 0; k < sizeof(tokens) / sizeof(tokens[0]); k++)
		merge_sum(tok, tokens[k], of, n);
	cJSON_DeleteItemFromObjectCaseSensitive(status, "tokens_now");
	if (tok->child)
		cJSON_AddItemToObject(status, "tokens_now", tok);
	else
		cJSON_Delete(tok);
	free(of);
}

int cmd_merge(int argc, char **argv)
{
	struct shard *sh;
	struct buf path = BUF_INIT;
	char err[VSR_ERR_MAX] = "";
	const char *out;
	size_t n;
	struct stat st;
	uint64_t judge_fp;
	int r = 0;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: vsrbench merge OUT RUN...\n"
		       "Joins the shards of one run (vsrbench run --shard I/N) into OUT, their\n"
		       "judge journals too when they were judged (all by one judge).\n");
		return 0;
	}
	if (argc < 3) {
		vsr_error("usage: vsrbench merge OUT RUN...");
		return VSR_EUSAGE;
	}
	out = argv[1];
	n = (size_t)argc - 2;
	sh = xcalloc(n, sizeof(*sh));
	for (size_t i = 0; i < n && !r; i++) {
		sh[i].dir = argv[2 + i];
		{
			int gone = stat(sh[i].dir, &st) != 0;
			if (gone || !S_ISDIR(st.st_mode)) {
				r = err_set(err, VSR_EUSAGE,
					    "%s: %s (each RUN is the run directory of a shard: -o of "
					    "vsrbench run --shard I/N)",
					    sh[i].dir, !gone ? "not a directory" : errno == ENOENT ?
					    "no such directory" : strerror(errno));
				break;
			}
		}
		r = rundir_read_json(sh[i].dir, RUNDIR_RUN_JSON, &sh[i].run, err);
		if (!r)
			r = rundir_read_json(sh[i].dir, RUNDIR_STATUS_JSON, &sh[i].status, err);
	}
	if (!r)
		r = check_shards(sh, n, err);
	rundir_path(&path, out, RUNDIR_SAMPLES);
	if (!r && !stat(path.ptr, &st) && st.st_size > 0)
		r = err_set(err, VSR_EUSAGE, "%s already holds a run; merge into a new directory", out);
	if (!r && mkdir_p(out) < 0)
		r = err_set(err, VSR_EUSAGE, "cannot create %s: %s", out, strerror(errno));
	if (!r)
		r = join_journals(sh, n, RUNDIR_SAMPLES, 0, path.ptr, err);
	/* The judge's journals, when the shards were judged (one judge: check_judges). */
	if (!r && rundir_judge_fp(sh[0].run, &judge_fp)) {
		struct buf jpath = BUF_INIT;
		r = join_journals(sh, n, RUNDIR_JUDGE, 1, rundir_path(&jpath, out, RUNDIR_JUDGE), err);
		buf_release(&jpath);
	}
	if (!r) {
		cJSON *run = cJSON_Duplicate(sh[0].run, 1), *from = cJSON_CreateArray();
		cJSON *status = cJSON_Duplicate(sh[0].status, 1), *suites;
		cJSON_DeleteItemFromObjectCaseSensitive(run, "shard");
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(from, cJSON_CreateString(sh[i].dir));
		cJSON_AddItemToObject(run, "merged_from", from);
		merge_request_seconds(status, sh, n);
		merge_counts(status, sh, n);
		cJSON_ReplaceItemInObjectCaseSensitive(status, "shard_index", cJSON_CreateNumber(0));
		cJSON_ReplaceItemInObjectCaseSensitive(status, "shard_count", cJSON_CreateNumber(1));
		suites = cJSON_GetObjectItemCaseSensitive(status, "suites");
		for (cJSON *s = suites ? suites->child : NULL; s; s = s->next)
			cJSON_ReplaceItemInObjectCaseSensitive(
				s, "items_in_shard",
				cJSON_CreateNumber(num(s, "items_total", 0)));
		r = rundir_write_json(out, RUNDIR_RUN_JSON, run, err);
		if (!r)
			r = rundir_write_json(out, RUNDIR_STATUS_JSON, status, err);
		cJSON_Delete(run);
		cJSON_Delete(status);
	}
	if (!r)
		r = reports_rebuild(out, NULL, 1, NULL, err);
	if (!r)
		printf("merged %zu shard%s into %s\n", n, n == 1 ? "" : "s", out);
	if (r)
		vsr_error("%s", err);
	for (size_t i = 0; i < n; i++) {
		cJSON_Delete(sh[i].run);
		cJSON_Delete(sh[i].status);
	}
	free(sh);
	buf_release(&path);
	return r;
}
