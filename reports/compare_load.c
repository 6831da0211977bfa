/*
 * compare_load: every read of a run directory that the comparison and the
 * gate make: both journals (samples.jsonl) into the pair table, run.json
 * (the model and the suites' content digests), status.json (how far each
 * run went) and the candidate's metrics.
 * Nothing else in reports/compare_*.c or gate*.c opens a run's file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../harness/journal.h"
#include "../harness/rundir.h"
#include "../base/util.h"
#include "compare_int.h"
#include "judge_render.h"
#include "model_label.h"
#include "report.h"

static char *model_spec(const cJSON *run)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(run, "model"), "spec"));

	return s ? xstrdup(s) : NULL;
}

/* The suites of both runs whose content digests differ, at most max of them. */
struct digest_diff {
	const char *name, *base, *cand;
	/* run.json's suites[].data.version (VSR's zero-shot test), NULL when not recorded */
	const char *base_version, *cand_version;
};

static const char *data_version(const cJSON *suite)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(suite, "data"), "version"));
}

/* 1 when both runs recorded a data version for the suite and the two differ. */
static int versions_differ(const struct digest_diff *d)
{
	return d->base_version && d->cand_version && strcmp(d->base_version, d->cand_version);
}

static size_t digest_diffs(const cJSON *base, const cJSON *cand, struct digest_diff *d, size_t max)
{
	const cJSON *bs, *cs;
	size_t n = 0;

	cJSON_ArrayForEach(bs, cJSON_GetObjectItemCaseSensitive(base, "suites")) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(bs, "name"));
		const char *bd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(bs, "digest"));
		cJSON_ArrayForEach(cs, cJSON_GetObjectItemCaseSensitive(cand, "suites")) {
			const char *n2 = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cs, "name"));
			const char *cd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cs, "digest"));
			if (!name || !n2 || strcmp(name, n2) || !bd || !cd || !strcmp(bd, cd))
				continue;
			if (n < max) {
				d[n].name = name;
				d[n].base = bd;
				d[n].cand = cd;
				d[n].base_version = data_version(bs);
				d[n].cand_version = data_version(cs);
				n++;
			}
		}
	}
	return n;
}

/*
 * Items are matched by id: when a suite's content digest differs between the
 * runs (another seed, options or dataset version), one id may name two
 * different items.  `compare` refuses that (comparison_check_content)
 * unless told --allow-different-content; then, and in `run --baseline`,
 * it is a warning.
 */
static void check_digests(struct comparison *c, const cJSON *base, const cJSON *cand)
{
	struct digest_diff d[64];
	size_t n = digest_diffs(base, cand, d, sizeof(d) / sizeof(d[0]));

	for (size_t i = 0; i < n; i++) {
		if (c->warnings.len)
			buf_addch(&c->warnings, '\n');
		if (versions_differ(&d[i])) {
			buf_addf(&c->warnings,
				 "suite %s ran on different versions of its data (base: %s, candidate: "
				 "%s): the two numbers are not on the same test set",
				 d[i].name, d[i].base_version, d[i].cand_version);
			continue;
		}
		buf_addf(&c->warnings,
			 "suite %s has different content in the two runs (digest %.16s vs %.16s: "
			 "another seed, options or data version); tasks are matched by item id, "
			 "which may name different items",
			 d[i].name, d[i].base, d[i].cand);
	}
}

int comparison_check_content(const char *base_dir, const char *cand_dir, char *err)
{
	cJSON *rb = rundir_load_run(base_dir), *rc = rundir_load_run(cand_dir);
	struct digest_diff d[1] = { { 0 } };
	int r = 0;

	if (digest_diffs(rb, rc, d, 1) && versions_differ(&d[0]))
		r = err_set(err, VSR_EUSAGE,
			    "suite %s ran on different versions of its data (%s: %s, %s: %s), so the "
			    "two numbers are not on the same test set; compare runs of the same version, "
			    "or pass --allow-different-content",
			    d[0].name, base_dir, d[0].base_version, cand_dir, d[0].cand_version);
	else if (d[0].name)
		r = err_set(err, VSR_EUSAGE,
			    "suite %s has different content in %s and %s (digest %.16s vs %.16s: another "
			    "seed, options or data version), so an item id may name different items; "
			    "compare runs of the same data, or pass --allow-different-content",
			    d[0].name, base_dir, cand_dir, d[0].base, d[0].cand);
	cJSON_Delete(rb);
	cJSON_Delete(rc);
	return r;
}

int comparison_check_judge(const char *base_dir, const char *cand_dir, char *err)
{
	cJSON *rb = rundir_load_run(base_dir), *rc = rundir_load_run(cand_dir);
	uint64_t fb = 0, fc = 0;
	int jb = rundir_judge_fp(rb, &fb), jc = rundir_judge_fp(rc, &fc), r = 0;

	if (jb != jc || fb != fc) {
		struct buf lb = BUF_INIT, lc = BUF_INIT;
		if (jb)
			judge_label(rb, &lb);
		else
			buf_adds(&lb, "no judge");
		if (jc)
			judge_label(rc, &lc);
		else
			buf_adds(&lc, "no judge");
		r = err_set(err, VSR_EUSAGE,
			    "%s was judged by %s, %s by %s%s: their with-judge numbers do not compare; "
			    "judge both alike, or pass --allow-judge-mismatch",
			    base_dir, lb.ptr, cand_dir, lc.ptr,
			    jb && jc ? " (another judge model, endpoint, options or prompt version)" : "");
		buf_release(&lb);
		buf_release(&lc);
	}
	cJSON_Delete(rb);
	cJSON_Delete(rc);
	return r;
}

/* A number from an older extractor is never compared silently with a newer one. */
static void check_extractor(struct comparison *c, const cJSON *base, const cJSON *cand)
{
	const cJSON *vb = base ? cJSON_GetObjectItemCaseSensitive(base, "extractor_version") : NULL;
	const cJSON *vc = cand ? cJSON_GetObjectItemCaseSensitive(cand, "extractor_version") : NULL;
	/* run.json before the field: the first extractor. */
	int b = cJSON_IsNumber(vb) ? vb->valueint : 1, k = cJSON_IsNumber(vc) ? vc->valueint : 1;

	if (b == k)
		return;
	if (c->warnings.len)
		buf_addch(&c->warnings, '\n');
	buf_addf(&c->warnings,
		 "the runs' replies were read by different extractors (base: version %d, candidate: "
		 "version %d); the same reply may read differently, so a change may be the "
		 "extractor's: run the baseline again with this vsrbench to compare the models alone",
		 b, k);
}

/* run.json's "created" when it is the stamp rundir writes (YYYY-MM-DDTHH:MM:SSZ), else NULL. */
static const char *created_of(const cJSON *run)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(run, "created"));
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

	if (!s || strlen(s) != sizeof(shape) - 1)
		return NULL;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return NULL;
	return s;
}

/*
 * The change reads candidate minus base, so runs given in the wrong order
 * show a drop as a rise and pass the gate.  A base made after its
 * candidate is the one sign of that the runs carry: a warning, not a
 * failure, as a baseline run again later (after a harness update) is
 * fine.  Stamps of one shape compare as strings.
 */
static void check_order(struct comparison *c, const cJSON *base, const cJSON *cand)
{
	const char *tb = created_of(base), *tc = created_of(cand);
	struct buf w1 = BUF_INIT, w2 = BUF_INIT;

	if (!tb || !tc || strcmp(tb, tc) <= 0)
		return;
	if (c->warnings.len)
		buf_addch(&c->warnings, '\n');
	buf_addf(&c->warnings,
		 "the base %s (given first) is newer than the candidate %s: run.json created %s "
		 "vs %s. The change is candidate minus base, so with the two swapped a drop reads "
		 "as a rise; if %s is the older reference, give it first: vsrbench compare %s %s",
		 c->base_dir, c->cand_dir, tb, tc, c->cand_dir, sh_word(&w1, c->cand_dir),
		 sh_word(&w2, c->base_dir));
	buf_release(&w1);
	buf_release(&w2);
}

const int cmp_sens_figs[CMP_SENS_N] = { SENS_LANGUAGE, SENS_CONSISTENCY, SENS_FLIP, SENS_KEEP,
					 SENS_BLIND_GAP };

/* What a run's journal gives the sensitivity figures (every variant, as the reports count). */
struct sens_side {
	struct sens_collector col;
	struct keyset seen;
};

static uint32_t suite_tag(const char *name)
{
	return (uint32_t)hash64_str(name, 0x5e45);
}

struct scan_ctx {
	struct pair_table *t;
	struct sens_side *sens;
	int side;
};

static int on_line(const struct sample *s, void *arg)
{
	struct scan_ctx *c = arg;

	pair_table_add(c->t, s, c->side);
	if (sens_counts(&c->sens->seen, s))
		sens_add(&c->sens->col, s, suite_tag(s->suite));
	return 0;
}

/* Each suite's figures of both runs, paired by image (struct cmp_suite's sens). */
static void sens_fill(struct comparison *c, struct sens_side *side)
{
	for (size_t i = 0; i < c->n_suites; i++) {
		struct sens_cluster *cl[2];
		size_t n[2];
		for (int k = 0; k < 2; k++)
			n[k] = sens_clusters(&side[k].col, suite_tag(c->suites[i].all.name), &cl[k]);
		for (int f = 0; f < CMP_SENS_N; f++)
			sens_paired(cl[0], n[0], cl[1], n[1], cmp_sens_figs[f], c->reps,
				    sens_stream(c->seed, f), &c->suites[i].sens[f]);
		free(cl[0]);
		free(cl[1]);
	}
	for (int k = 0; k < 2; k++) {
		sens_release(&side[k].col);
		keyset_release(&side[k].seen);
	}
}

static int scan_run(struct pair_table *t, struct sens_side *sens, const char *dir, int side,
		    char *err)
{
	struct scan_ctx ctx = { t, sens, side };
	struct buf path = BUF_INIT;
	struct stat st;
	int r;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		int e = errno;
		r = err_set(err, VSR_EDATA,
			    "%s: not a run directory (%s); give the directory a run wrote "
			    "(vsrbench run ... -o %s)",
			    dir, e == ENOENT ? "no such directory" : "not a directory",
			    sh_word(&path, dir));
		buf_release(&path);
		return r;
	}
	r = journal_scan(rundir_path(&path, dir, RUNDIR_SAMPLES), 0, on_line, &ctx, NULL, err);
	buf_release(&path);
	return r;
}

static int scan_runs(struct pair_table *t, struct sens_side *sens, const char *base_dir,
		     const char *cand_dir, char *err)
{
	int r;

	if ((r = scan_run(t, &sens[SIDE_BASE], base_dir, SIDE_BASE, err)))
		return r;
	return scan_run(t, &sens[SIDE_CAND], cand_dir, SIDE_CAND, err);
}

static char *label_of(const cJSON *run)
{
	struct buf b = BUF_INIT;

	model_label(run, &b);
	return buf_detach(&b, NULL);
}

/* How far a run went (status.json); its counts come with the journal. */
static void read_progress(struct cmp_run *r, const char *dir)
{
	struct rundir_progress pg;

	rundir_read_progress(dir, &pg);
	r->known = pg.known;
	r->complete = pg.complete;
	r->planned = pg.tasks_planned;
	memcpy(r->stopped_by, pg.stopped_by, sizeof(r->stopped_by));
}

/* run.json "shard": {"index", "count"} of a run made with --shard I/N (merge drops it). */
static void read_shard(struct cmp_run *r, const cJSON *run)
{
	const cJSON *sh = cJSON_GetObjectItemCaseSensitive(run, "shard");
	const cJSON *i = cJSON_GetObjectItemCaseSensitive(sh, "index");
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(sh, "count");

	if (cJSON_IsNumber(i) && cJSON_IsNumber(n) && n->valuedouble > 1 && n->valuedouble < 1e9 &&
	    i->valuedouble >= 0 && i->valuedouble < n->valuedouble) {
		r->shard_index = (long)i->valuedouble;
		r->shard_count = (long)n->valuedouble;
	}
}

static const char *str_of(const cJSON *o, const char *key)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));

	return v ? v : "?";
}

static int has_id(const cJSON *ids, const char *id)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, ids)
		if (cJSON_IsString(e) && !strcmp(e->valuestring, id))
			return 1;
	return 0;
}

/*
 * Runs of other templates share no task (tasks pair on the template): when
 * no pair is found, say so with each run's -t, rather than counts alone.
 */
static void templates_note(struct comparison *c, const cJSON *rb, const cJSON *rc)
{
	const cJSON *ib = cJSON_GetObjectItemCaseSensitive(rb, "template_ids");
	const cJSON *ic = cJSON_GetObjectItemCaseSensitive(rc, "template_ids");
	const cJSON *e;
	struct buf b = BUF_INIT;

	if (!cJSON_IsArray(ib) || !cJSON_IsArray(ic) || !cJSON_GetArraySize(ib) ||
	    !cJSON_GetArraySize(ic))
		return;
	cJSON_ArrayForEach(e, ib)
		if (cJSON_IsString(e) && has_id(ic, e->valuestring))
			return;
	buf_addf(&b, "; they share no template (%s: -t %s; %s: -t %s): run the candidate with "
		     "the baseline's -t",
		 c->base_dir, str_of(rb, "templates"), c->cand_dir,
		 str_of(rc, "templates"));
	c->templates_note = buf_detach(&b, NULL);
}

static void read_run_json(struct comparison *c)
{
	cJSON *rb = rundir_load_run(c->base_dir), *rc = rundir_load_run(c->cand_dir);

	c->base_model = model_spec(rb);
	c->cand_model = model_spec(rc);
	c->base_label = label_of(rb);
	c->cand_label = label_of(rc);
	check_digests(c, rb, rc);
	check_extractor(c, rb, rc);
	check_order(c, rb, rc);
	templates_note(c, rb, rc);
	read_progress(&c->base_run, c->base_dir);
	read_progress(&c->cand_run, c->cand_dir);
	read_shard(&c->base_run, rb);
	read_shard(&c->cand_run, rc);
	cJSON_Delete(rb);
	cJSON_Delete(rc);
}

int gate_load_candidate(const char *dir, struct metrics *m, cJSON **run, char *err)
{
	struct buf path = BUF_INIT;
	int r;

	*run = NULL;
	r = metrics_from_journal(rundir_path(&path, dir, RUNDIR_SAMPLES), m, err);
	buf_release(&path);
	if (!r)
		*run = rundir_load_run(dir);
	return r;
}

/*
 * "; DIR is a partial run: 0 of 60 planned tasks done (stopped by an error).
 * Finish it (vsrbench run ... -o DIR) ...", or, for a run whose every task
 * failed, that and how to retry them; else nothing.
 */
static void partial_note(struct buf *out, const char *dir, const struct cmp_run *r)
{
	struct buf w = BUF_INIT;

	if (r->known && !r->complete) {
		buf_addf(out, "; %s is a partial run: ", dir);
		report_partial_what(out, r->done, r->done_failed, r->planned, r->stopped_by);
		buf_addf(out, ". Finish it (vsrbench run ... -o %s, once the model answers) and "
			      "compare again",
			 sh_word(&w, dir));
	} else if (r->tasks && r->failed == r->tasks) {
		buf_addf(out, "; every task of %s failed (%zu): retry them (vsrbench run ... -o %s, "
			      "once the model answers) and compare again",
			 dir, r->tasks, sh_word(&w, dir));
	}
	buf_release(&w);
}

/*
 * "; they share no suite (base: synth; cand: mme-position)...", or nothing
 * when a suite is in both (then the items, templates or variants differ).
 * Called with no pair: a suite is in a run when it has a task there.
 */
static void suites_note(struct buf *out, const struct comparison *c)
{
	struct buf b = BUF_INIT, k = BUF_INIT;
	int shared = 0;

	for (size_t i = 0; i < c->n_suites; i++) {
		const struct cmp_suite *s = &c->suites[i];
		int in_b = s->base_only > 0, in_c = s->cand_only > 0;
		if ((in_b && in_c) || s->dropped_failed || s->dropped_label)
			shared = 1;
		if (in_b)
			buf_addf(&b, "%s%s", b.len ? ", " : "", s->all.name);
		if (in_c)
			buf_addf(&k, "%s%s", k.len ? ", " : "", s->all.name);
	}
	if (!c->base_run.tasks || !c->cand_run.tasks)
		buf_addf(out, "; %s/samples.jsonl holds no task (a run that never answered, or a "
			      "directory that is not the run)",
			 !c->base_run.tasks ? c->base_dir : c->cand_dir);
	else if (!shared && b.len && k.len)
		buf_addf(out, "; they share no suite (%s: %s; %s: %s): compare two runs of the same "
			      "suites (run -s)",
			 c->base_dir, b.ptr, c->cand_dir, k.ptr);
	buf_release(&b);
	buf_release(&k);
}

int comparison_load(struct comparison *c, const char *base_dir, const char *cand_dir,
		    size_t reps, uint64_t seed, char *err)
{
	struct pair_table t = { 0 };
	struct sens_side sens[2] = { { { 0 }, KEYSET_INIT }, { { 0 }, KEYSET_INIT } };
	int r;

	memset(c, 0, sizeof(*c));
	buf_init(&c->warnings, 0);
	c->reps = reps ? reps : COMPARE_REPS_DEFAULT;
	c->seed = seed;
	if ((r = scan_runs(&t, sens, base_dir, cand_dir, err))) {
		pair_table_release(&t);
		sens_fill(c, sens); /* no suite yet: only releases */
		return r;
	}
	c->base_dir = xstrdup(base_dir);
	c->cand_dir = xstrdup(cand_dir);
	{
		struct stat sb, sc;
		c->same_dir = !stat(base_dir, &sb) && !stat(cand_dir, &sc) && sb.st_dev == sc.st_dev &&
			      sb.st_ino == sc.st_ino;
	}
	read_run_json(c);
	comparison_fill(c, &t);
	pair_table_release(&t);
	sens_fill(c, sens);
	if (!c->all.pairs) {
		struct buf why = BUF_INIT;
		/* A run that stopped before its first answer is the likely reason: say so. */
		suites_note(&why, c);
		if (c->templates_note)
			buf_adds(&why, c->templates_note);
		partial_note(&why, base_dir, &c->base_run);
		partial_note(&why, cand_dir, &c->cand_run);
		r = err_set(err, VSR_EDATA,
			    "%s and %s have no answered task in common (matched on suite, item, "
			    "template and variant: %zu only in the first, %zu only in the second, "
			    "%zu failed in either)%s",
			    base_dir, cand_dir, c->base_only, c->cand_only, c->dropped_failed, why.ptr);
		buf_release(&why);
		comparison_release(c);
	}
	return r;
}
