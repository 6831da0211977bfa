/*
 * vsrbench run: suites -> expander -> scheduler -> journal -> metrics -> reports.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../adapters/loader.h"
#include "../adapters/remote.h"
#include "../reports/ci_github.h"
#include "../reports/compare.h"
#include "../reports/rebuild.h"
#include "../reports/report.h"
#include "../suites/suite.h"
#include "../suites/template.h"
#include "cmd.h"
#include "run_judge.h"
#include "run_plan.h"
#include "run_status.h"
#include "run_opts.h"
#include "../base/suggest.h"
#include "../harness/cache.h"
#include "../harness/expand.h"
#include "../harness/extract.h"
#include "../harness/imgvar.h"
#include "../harness/journal.h"
#include "../harness/plugin_guard.h"
#include "../harness/rundir.h"
#include "../harness/scheduler.h"
#include "../base/progress.h"
#include "../base/util.h"

static volatile sig_atomic_t interrupted;

/*
 * Ctrl-C, and the SIGTERM a cluster's scheduler (Slurm, Kubernetes) sends to
 * preempt a job, and SIGHUP: finish the journal's current write, close the
 * model (an exec child is reaped), write the status and exit 5, resumable.
 */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void on_sigint(int sig)
{
	interrupted = 1;
	/*
	 * A second Ctrl-C kills at once: a person who means it.  A second SIGTERM
	 * or SIGHUP does not: timeout(1) sends its signal to the command and to
	 * its process group, a batch system may signal every process of a job and
	 * the job's step too, so one preemption can arrive twice; the run keeps
	 * stopping, and its final status.json and reports are written.
	 */
	if (sig == SIGINT)
		signal(sig, SIG_DFL);
}

static void catch_stop_signals(void (*fn)(int))
{
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		signal(stop_signals[i], fn);
}

/* Which shard an item belongs to: every variant of it lands in the same one. */
static long shard_of(const char *suite, const char *item, long n)
{
	return (long)(hash64_str(item, hash64_str(suite, HASH_SEED ^ 0x5a4dULL)) % (uint64_t)n);
}

/* ---- templates per suite ------------------------------------------------ */

/*
 * The -t spec a suite runs with when none is given: its own (q01 for MME,
 * mc01 for multiple choice), else single; -p instr widens single to the
 * pool, -p format to FORMAT_FAMILY.
 */
static const char *own_templates(const char *suite, unsigned perturb)
{
	const struct suite_ops *so = suite_find(suite);
	const char *t = so && so->default_templates ? so->default_templates : "single";

	if ((perturb & PERTURB_INSTR) && !strcmp(t, "single"))
		t = "pool";
	if ((perturb & PERTURB_FORMAT) && !strcmp(t, "single"))
		t = FORMAT_FAMILY;
	return t;
}

static int id_listed(const char *list, const char *id)
{
	size_t len = strlen(id);

	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',') {
		if (strcspn(p, ",") == len && !strncmp(p, id, len))
			return 1;
	}
	return 0;
}

/*
 * Without -t every suite asks with its own templates.  When the suites of a
 * run differ in that, the run's set is the union of their ids; each
 * template is then asked only of the suites whose items it is made for
 * (suite_view).
 */
static int default_templates(const struct run_opts *o, struct buf *spec, char *err)
{
	const char *first = own_templates(o->suites[0], o->perturb);
	size_t i;

	for (i = 1; i < o->n_suites; i++)
		if (strcmp(own_templates(o->suites[i], o->perturb), first))
			break;
	if (i == o->n_suites) {
		buf_adds(spec, first);
		return 0;
	}
	for (i = 0; i < o->n_suites; i++) {
		struct template_set one = { 0 };
		int r = template_set_load(&one, own_templates(o->suites[i], o->perturb), err);
		if (r)
			return r;
		for (size_t k = 0; k < one.n; k++)
			if (!id_listed(spec->ptr, one.t[k].id))
				buf_addf(spec, "%s%s", spec->len ? "," : "", one.t[k].id);
		template_set_release(&one);
	}
	return 0;
}

#define CAPTION_FIELDS (TPL_NEEDS_CAPTION | TPL_NEEDS_SUBJECT | TPL_NEEDS_RELATION | TPL_NEEDS_OBJECT)
#define QUESTION_FIELDS (TPL_NEEDS_QUESTION | TPL_NEEDS_HINT | TPL_NEEDS_OPTIONS)

/*
 * Is t made for items of it's kind (caption or question, with options or
 * without)?  Coarser than template_applies: a caption template fits a
 * caption suite even where one caption could not be split into [subject]
 * (those few are left out and counted, as before).
 */
static int fits_kind(const struct template *t, const struct item *it)
{
	if ((t->fmt == TF_CHOICE) != (it->n_choices > 0))
		return 0;
	if ((t->needs & CAPTION_FIELDS) && !it->caption)
		return 0;
	if ((t->needs & QUESTION_FIELDS) && !it->question)
		return 0;
	return 1;
}

/* Why the first template of ts is not for items like it: "needs [question], ..." */
static void why_not(const struct template *t, const struct item *it, struct buf *out)
{
	static const struct {
		unsigned bit;
		const char *name;
	} fields[] = {
		{ TPL_NEEDS_CAPTION, "[caption]" },   { TPL_NEEDS_SUBJECT, "[subject]" },
		{ TPL_NEEDS_RELATION, "[relation]" }, { TPL_NEEDS_OBJECT, "[object]" },
		{ TPL_NEEDS_QUESTION, "[question]" }, { TPL_NEEDS_HINT, "[question]" },
		{ TPL_NEEDS_OPTIONS, "[options]" },
	};

	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
		unsigned b = fields[k].bit;
		int has = b & CAPTION_FIELDS ? it->caption != NULL : it->question != NULL;
		if (b == TPL_NEEDS_OPTIONS)
			has = it->n_choices > 0;
		if ((t->needs & b) && !has) {
			buf_addf(out, "template %s needs %s, which its items lack", t->id, fields[k].name);
			return;
		}
	}
	if (t->fmt == TF_CHOICE)
		buf_addf(out, "template %s asks for one of an item's [options], and its items have none",
			 t->id);
	else
		buf_addf(out, "template %s asks yes or no, and its items are multiple choice (mc01 fits them)",
			 t->id);
}

/*
 * The templates of ts that suite s gets: those made for its first item's
 * kind, all of them when it has none.  A view: the strings stay ts's; free
 * view->t only.  VSR_EUSAGE naming the suite and the missing field when
 * none fits.
 */
static int suite_view(const struct template_set *ts, const struct suite *s, const struct job *first,
		      struct template_set *view, char *err)
{
	view->t = xcalloc(ts->n ? ts->n : 1, sizeof(*view->t));
	view->n = 0;
	view->spec = ts->spec;
	for (size_t k = 0; k < ts->n; k++)
		if (!first || fits_kind(&ts->t[k], &first->item))
			view->t[view->n++] = ts->t[k];
	if (!view->n && ts->n) {
		struct buf why = BUF_INIT;
		int r;
		why_not(&ts->t[0], &first->item, &why);
		r = err_set(err, VSR_EUSAGE,
			    "suite '%s' gets no task from -t '%s': %s; leave out -t to use each "
			    "suite's own templates, or add one that fits ('vsrbench list templates')",
			    s->name, ts->spec, why.ptr);
		buf_release(&why);
		return r;
	}
	return 0;
}

/* The next item of a suite as a job (the one read ahead first): 1, 0 at its end, or an error. */
static int next_job(struct suite *s, struct job **ahead, struct job **out, char *err)
{
	struct job *job = *ahead;
	int got;

	if (job) {
		*ahead = NULL;
		*out = job;
		return 1;
	}
	job = xcalloc(1, sizeof(*job));
	got = s->ops->next(s->priv, &job->item, err);
	if (got != 1) {
		free(job);
		return got;
	}
	job->suite = s;
	*out = job;
	return 1;
}

/* -t NAME that is no template nor file: "did you mean" the nearest spec or id (pol -> pool). */
static void template_suggest(const char *spec, char *err)
{
	struct template_set pool = { 0 };
	const char *cands[128];
	const char *near;
	char e2[VSR_ERR_MAX];
	size_t n = 0;

	if (strpbrk(spec, ",/") || template_set_load(&pool, "pool", e2))
		return;
	cands[n++] = "single";
	cands[n++] = "pool";
	cands[n++] = "q01";
	cands[n++] = "mc01";
	for (size_t k = 0; k < pool.n && n < sizeof(cands) / sizeof(cands[0]); k++)
		cands[n++] = pool.t[k].id;
	if ((near = suggest_nearest(spec, cands, n)))
		err_set(err, VSR_EUSAGE,
			"unknown template '%s' (not a file either); did you mean '%s'? (see 'vsrbench "
			"list templates')",
			spec, near);
	template_set_release(&pool);
}

/* runs/SUITE-MODEL-TIME, or with -2, -3 ... when that exists. */
static void default_out_dir(struct buf *b, const struct run_opts *o, const struct model *m)
{
	struct buf label = BUF_INIT;

	buf_addf(&label, "%s-%s", o->n_suites == 1 ? o->suites[0] : "multi", model_name(m));
	rundir_default_path(b, label.ptr);
	rundir_make_unique(b);
	buf_release(&label);
}

/*
 * Opens the response cache when this run should use it: a served model
 * (HTTP, exec) unless --cache off; an in-process plug-in only when --cache
 * was given (its answer costs about what a look-up does); deterministic
 * requests only (temperature 0) unless --cache always.
 */
static struct cache *run_cache(const struct run_opts *o, const struct model *m)
{
	if (o->cache_mode == CACHE_OFF || (!m->run_loop && !o->cache_given))
		return NULL;
	if (o->cache_mode != CACHE_ALWAYS && o->temperature != 0) {
		if (o->cache_given)
			vsr_warn("--cache: not used at --temperature %s (not deterministic); "
				 "--cache always uses it anyway",
				 o->temperature < 0 ? "default" : "above 0");
		return NULL;
	}
	return cache_open(o->cache_dir, o->cache_mode != CACHE_READ);
}

/* run.json without the fields that may differ between resumes of one run. */
static cJSON *run_config(const struct run_opts *o, const struct model *m,
			 const struct suite *suites, const struct template_set *ts)
{
	cJSON *root = cJSON_CreateObject(), *arr, *mo, *gen;
	char hex[17];

	mo = cJSON_AddObjectToObject(root, "model");
	cJSON_AddStringToObject(mo, "spec", m->spec);
	cJSON_AddStringToObject(mo, "name", model_name(m));
	cJSON_AddStringToObject(mo, "version", model_version(m));
	cJSON_AddStringToObject(mo, "fingerprint", m->fingerprint);
	cJSON_AddItemToObject(mo, "config", cJSON_Parse(m->config_json));
	if (m->files_json) /* the files it is made of, by content: which one changed */
		cJSON_AddItemToObject(mo, "files", cJSON_Parse(m->files_json));
	/* Not in the configuration's hash (rundir.c): compared apart on resume. */
	if (m->served)
		cJSON_AddStringToObject(root, "served_model", m->served);
	arr = cJSON_AddArrayToObject(root, "suites");
	for (size_t i = 0; i < o->n_suites; i++) {
		cJSON *so = cJSON_CreateObject(), *opts;
		struct kv kv[MAX_LIST];
		size_t n = run_opts_suite_options(o, o->suites[i], kv);
		cJSON_AddStringToObject(so, "name", suites[i].name);
		opts = cJSON_AddObjectToObject(so, "options");
		for (size_t k = 0; k < n; k++) {
			cJSON_DeleteItemFromObjectCaseSensitive(opts, kv[k].key);
			cJSON_AddStringToObject(opts, kv[k].key, kv[k].value);
		}
		snprintf(hex, sizeof(hex), "%016" PRIx64, suites[i].ops->digest(suites[i].priv));
		cJSON_AddStringToObject(so, "digest", hex);
		if (suites[i].ops->describe)
			suites[i].ops->describe(suites[i].priv, cJSON_AddObjectToObject(so, "data"));
		cJSON_AddItemToArray(arr, so);
	}
	cJSON_AddStringToObject(root, "templates", ts->spec);
	{
		struct buf pn = BUF_INIT;
		perturb_names(o->perturb, &pn);
		cJSON_AddStringToObject(root, "perturbations", pn.ptr);
		buf_release(&pn);
	}
	arr = cJSON_AddArrayToObject(root, "template_ids");
	for (size_t i = 0; i < ts->n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(ts->t[i].id));
	gen = cJSON_AddObjectToObject(root, "generation");
	cJSON_AddNumberToObject(gen, "max_tokens", (double)o->max_tokens);
	if (o->temperature < 0)
		cJSON_AddNullToObject(gen, "temperature"); /* --temperature default: not sent */
	else
		cJSON_AddNumberToObject(gen, "temperature", o->temperature);
	cJSON_AddNumberToObject(root, "extractor_version", EXTRACT_VERSION);
	cJSON_AddNumberToObject(root, "seed", (double)o->seed);
	cJSON_AddNumberToObject(root, "limit", (double)o->limit);
	return root;
}

/*
 * A run directory made with another --max-tokens (an older default: 32 for
 * every kind before issue 14) refused on resume while no --max-tokens was
 * given: the message says which number resumes it.
 */
static void maxtok_resume_hint(const char *dir, const struct run_opts *o, char *err)
{
	cJSON *rj = rundir_load_run(dir);
	const cJSON *mt = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(rj, "generation"), "max_tokens");
	size_t len = strlen(err);

	if (cJSON_IsNumber(mt) && mt->valuedouble != (double)o->max_tokens && mt->valuedouble >= 1)
		snprintf(err + len, VSR_ERR_MAX - len,
			 " (without --max-tokens, -m %s sends %ld: add --max-tokens %.0f)",
			 o->model, o->max_tokens, mt->valuedouble);
	cJSON_Delete(rj);
}

/*
 * rundir_prepare_run refused DIR (err says why): when its journal holds no
 * answer, what it holds is set aside and the run starts over there (a first
 * run stopped by a wrong option, run again with the option mended).
 */
static int start_over(const char *dir, cJSON *cfg, const struct run_opts *o, int argc, char **argv,
		      char *err)
{
	struct buf kept = BUF_INIT;
	char why[VSR_ERR_MAX];
	size_t failed;
	int r;

	snprintf(why, sizeof(why), "%s", err);
	r = rundir_set_aside(dir, &failed, &kept, err);
	if (r == 1) {
		vsr_warn("%s held no answer, only %zu failed task%s of a run with other options (or "
			 "another model): its files were moved to %s, and the run starts over there",
			 dir, failed, failed == 1 ? "" : "s", kept.ptr);
		r = rundir_prepare_run(dir, cfg, o->shard_i, o->shard_n, argc, argv, err);
	} else if (!r) {
		snprintf(err, VSR_ERR_MAX, "%s", why);
		r = VSR_EUSAGE;
	}
	buf_release(&kept);
	return r;
}

/* --dry-run: every item loaded and every prompt expanded, nothing asked. */
static int dry_run(const struct run_opts *o, struct suite *suites, size_t n, struct job **ahead,
		   const struct template_set *views, struct expander *e, char *err)
{
	double t0 = wall_seconds();
	size_t all = 0, n_tpl = e->ts->n;

	for (size_t i = 0; i < n; i++) {
		size_t items = 0, tasks = 0;
		e->ts = &views[i];
		for (long k = 0; o->limit < 0 || k < o->limit; k++) {
			struct job *job;
			int r, got = next_job(&suites[i], &ahead[i], &job, err);

			if (got != 1) {
				if (got)
					return got;
				break;
			}
			items++;
			r = expand_job(e, job, err);
			tasks += job->n_tasks;
			job_free(job);
			if (r)
				return r;
		}
		printf("%-22s %8zu items %9zu tasks\n", suites[i].name, items, tasks);
		all += tasks;
	}
	printf("%zu tasks in all (%zu template%s), expanded in %.3f s; no model was called\n", all,
	       n_tpl, n_tpl == 1 ? "" : "s", wall_seconds() - t0);
	return 0;
}

/* What a resume does with the tasks an earlier crash of the plug-in held (plugin_guard.h). */
static void crashed_note(const struct u64map *m, const struct keyset *done, const char *path)
{
	size_t once = 0, more = 0;

	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i] && !keyset_has(done, m->keys[i]))
			m->vals[i] >= 2 ? more++ : once++;
	if (m->has_zero && !keyset_has(done, 0))
		m->zero_val >= 2 ? more++ : once++;
	if (once)
		vsr_warn("%s: %zu task%s in flight at a crash of the plug-in: each is asked alone", path,
			 once, once == 1 ? " was" : "s were");
	if (more)
		vsr_warn("%s: %zu task%s in flight at two crashes or more: journaled as failed, not asked "
			 "(delete the file to ask again)", path, more, more == 1 ? " was" : "s were");
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct template_set ts = { 0 };
	struct model model, judge;
	struct suite suites[MAX_LIST];
	size_t n_open = 0, total = 0, i_suite;
	int submit_stopped = 0; /* the scheduler stopped taking items: some were not read */
	size_t items_seen[MAX_LIST] = { 0 }, items_mine[MAX_LIST] = { 0 };
	struct expander ex;
	struct journal jr;
	char run_hash[65] = "";
	const char *line_run = NULL; /* the hash the lines carry (NULL: an older journal) */
	struct sched *sched = NULL;
	struct sched_stats st = { 0 };
	struct buf dir = BUF_INIT, path = BUF_INIT, tspec = BUF_INIT;
	struct job *ahead[MAX_LIST] = { 0 };     /* each suite's first item, read ahead */
	struct template_set views[MAX_LIST] = { { 0 } }; /* the templates each suite gets */
	char err[VSR_ERR_MAX] = "";
	char *config_json = NULL;
	cJSON *cfg = NULL;
	int r, lockfd = -1, model_open_ok = 0, journal_ok = 0, judge_ok = 0, maxtok_default = 0;
	int stopped_fatal = 0; /* the run stopped on an error: run_fatal_reports */
	struct cache *cache = NULL;
	struct live_status ls = { 0 };
	struct run_plan plan = { 0 };
	long n_items[MAX_LIST]; /* each suite's items after -n; < 0: not known before reading */
	struct u64map crashed = U64MAP_INIT;
	struct buf crashed_path = BUF_INIT;
	double cpu0 = cpu_seconds();
	long rss_run = 0;

	memset(&model, 0, sizeof(model));
	memset(&judge, 0, sizeof(judge));
	memset(&ex, 0, sizeof(ex));
	/* From the start: a background job's inherited SIG_IGN for SIGINT, or a
	 * SIGTERM during set-up, must not be lost (the run then stops cleanly
	 * before its first task). */
	catch_stop_signals(on_sigint);
	r = run_opts_parse(argc, argv, &o, err);
	if (r < 0) {
		run_opts_free(&o);
		return 0;
	}
	if (r)
		goto out;
	if (!o.templates) { /* each suite's own prompt, e.g. q01 for MME */
		if ((r = default_templates(&o, &tspec, err)))
			goto out;
		o.templates = tspec.ptr;
	}
	/* -t single names one template, which pairs nothing: -p instr widens it to
	 * the pool, as it widens a suite's own single template; -p format to the
	 * formats' family (after instr: the pool holds every format already). */
	if ((o.perturb & PERTURB_INSTR) && !strcmp(o.templates, "single"))
		o.templates = "pool";
	if ((o.perturb & PERTURB_FORMAT) && !strcmp(o.templates, "single"))
		o.templates = FORMAT_FAMILY;
	if ((r = template_set_load(&ts, o.templates, err))) {
		template_suggest(o.templates, err);
		goto out;
	}
	if ((r = run_opts_check_prefixes(&o, err)) || (r = extract_init(err)) ||
	    (r = model_config_json(o.mopts, o.n_mopts, &config_json, err)) ||
	    (r = model_open(&model, o.model, config_json, err)))
		goto out;
	model_open_ok = 1;
	/* No --max-tokens: the model kind's default (remote.h; docs/models.md). */
	maxtok_default = !o.max_tokens;
	if (maxtok_default)
		o.max_tokens = remote_default_max_tokens(&model);
	/* The API's own limits on the generation settings, before any request. */
	if ((r = remote_check_generation(&model, o.max_tokens, &o.temperature, o.temperature_given,
					 err)))
		goto out;
	/* The judge opens before any request: a missing key is a usage error now. */
	if (o.judge) {
		if ((r = run_judge_open(o.judge, o.jopts, o.n_jopts, &judge, err)))
			goto out;
		judge_ok = 1;
	}
	/* A served model's -j is requests in flight, not CPU threads: over
	 * HTTP the most the adaptive limit may reach (issue 16). */
	if (model.run_loop && !o.jobs_given)
		o.jobs = strcmp(model.spec, "exec") && !o.fixed ? 256 : 16;
	for (size_t i = 0; i < o.n_suites; i++) {
		struct kv kv[MAX_LIST];
		struct suite_config sc = { 0 };
		sc.data_dir = o.data_dir;
		sc.image_dirs = o.images;
		sc.n_image_dirs = o.n_images;
		sc.seed = o.seed;
		sc.skip_missing_images = o.skip_missing_images;
		sc.allow_unknown_relations = o.allow_unknown_relations;
		/* -p hflip: an image that cannot be mirrored is refused before any request. */
		sc.mirror_images = (o.perturb & PERTURB_HFLIP) != 0;
		sc.only_first = o.limit > 0 ? o.limit : 0;
		sc.opts = kv;
		sc.n_opts = run_opts_suite_options(&o, o.suites[i], kv);
		if ((r = suite_open(&suites[i], o.suites[i], &sc, err)))
			goto out;
		n_open++;
		/* Its first item, read ahead: which of the templates are for it. */
		r = next_job(&suites[i], &ahead[i], &ahead[i], err);
		if (r < 0 || r > 1)
			goto out;
		if ((r = suite_view(&ts, &suites[i], ahead[i], &views[i], err)))
			goto out;
		{
			long c = suites[i].ops->count ? suites[i].ops->count(suites[i].priv) : -1;
			n_items[i] = o.limit >= 0 && c > o.limit ? o.limit : c;
			if (c >= 0) /* ahead[i] is one of them */
				total += (size_t)n_items[i] * views[i].n;
		}
	}
	ex.ts = &ts;
	ex.perturb = o.perturb;
	ex.model_fp = model.fingerprint_hash;
	ex.max_tokens = (int)o.max_tokens;
	ex.temperature = o.temperature;
	ex.seed = o.seed;
	if (o.dry_run) {
		r = dry_run(&o, suites, n_open, ahead, views, &ex, err);
		goto out;
	}
	if (o.out)
		buf_adds(&dir, o.out);
	else
		default_out_dir(&dir, &o, &model);
	if (mkdir_p(dir.ptr) < 0) {
		r = err_set(err, VSR_EUSAGE, "cannot create run directory %s: %s", dir.ptr, strerror(errno));
		goto out;
	}
	if ((r = rundir_lock(dir.ptr, &lockfd, err)))
		goto out;
	cfg = run_config(&o, &model, suites, &ts);
	if ((r = rundir_prepare_run(dir.ptr, cfg, o.shard_i, o.shard_n, argc, argv, err)) == VSR_EUSAGE)
		r = start_over(dir.ptr, cfg, &o, argc, argv, err);
	if (r) {
		if (maxtok_default)
			maxtok_resume_hint(dir.ptr, &o, err);
		goto out;
	}
	{
		/* Each line carries the run's config_hash; lines of another run are refused. */
		cJSON *rj = rundir_load_run(dir.ptr);
		const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rj, "config_hash"));
		if (h)
			snprintf(run_hash, sizeof(run_hash), "%s", h);
		cJSON_Delete(rj);
	}
	if ((r = journal_open_run(&jr, rundir_path(&path, dir.ptr, RUNDIR_SAMPLES),
				  run_hash[0] ? run_hash : NULL, err)))
		goto out;
	journal_ok = 1;
	ex.journal = &jr;
	if (jr.torn)
		vsr_warn("%s ended in a torn line (an earlier crash); it was cut off", path.ptr);
	if (jr.skipped)
		vsr_warn("%s:%zu: %zu line(s) longer than %u bytes skipped", path.ptr,
			 jr.first_skipped, jr.skipped, JOURNAL_LINE_MAX);
	{
		struct sched_config sc = { 0 };
		sc.model = &model;
		sc.journal = &jr;
		sc.workers = (size_t)o.jobs;
		sc.max_tokens = (int)o.max_tokens;
		sc.temperature = o.temperature;
		sc.seed = o.seed;
		sc.retries = (int)o.retries;
		sc.stop = &interrupted;
		/* An older journal without hashes is resumed without them (journal.h). */
		sc.run = run_hash[0] && !(jr.lines && jr.untagged == jr.lines) ? run_hash : NULL;
		line_run = sc.run;
		sc.progress = o.progress;
		sc.progress_interval = o.progress_interval;
		sc.think_open = o.think_close ? o.think_tags : NULL;
		sc.think_close = o.think_close;
		sc.keep_reasoning = o.keep_reasoning;
		sc.fixed = o.fixed;
		sc.order_dataset = o.order_dataset;
		/* Every task, each perturbation's variants too (total: the base tasks). */
		plan.shard_n = (size_t)o.shard_n;
		for (size_t i = 0; i < n_open; i++) {
			ex.ts = &views[i];
			run_plan_suite(&plan, i, n_items[i], ahead[i] ? expand_count(&ex, &ahead[i]->item) : 0);
		}
		sc.total = run_plan_total(&plan);
		cache = run_cache(&o, &model);
		sc.cache = cache;
		sc.cache_writes = o.cache_mode != CACHE_READ;
		sc.budget_tokens = o.budget_tokens;
		sc.budget_usd = o.budget_usd;
		sc.price_in = o.price_in;
		sc.price_out = o.price_out;
		sc.before_tasks = jr.paid;
		sc.before_in = jr.paid_in;
		sc.before_out = jr.paid_out;
		ls.dir = dir.ptr;
		ls.o = &o;
		ls.suites = suites;
		ls.n = n_open;
		ls.seen = items_seen;
		ls.mine = items_mine;
		ls.views = views;
		ls.ex = &ex;
		ls.total = total;
		/* A resume adds its request phase to the earlier ones' (status.json's). */
		if (jr.lines) {
			struct rundir_progress prev;
			rundir_read_progress(dir.ptr, &prev);
			ls.request_seconds_before = prev.request_seconds;
		}
		sc.status = run_live_status;
		sc.status_ctx = &ls;
		/* An in-process plug-in's earlier crashes, and where the next ones go (plugin_guard.h). */
		rundir_path(&crashed_path, dir.ptr, RUNDIR_CRASHED);
		if ((r = plugin_guard_crashed_read(crashed_path.ptr, &crashed, err)))
			goto out;
		plugin_guard_crash_file(crashed_path.ptr);
		crashed_note(&crashed, &jr.done, crashed_path.ptr);
		sc.crashed = &crashed;
		sc.crashed_path = crashed_path.ptr;
		sc.already = jr.done.n < sc.total ? jr.done.n : sc.total;
		if ((r = sched_start(&sched, &sc, err)))
			goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	for (i_suite = 0; i_suite < o.n_suites && !r && !interrupted; i_suite++) {
		size_t i = i_suite;
		ex.ts = &views[i];
		for (long k = 0; o.limit < 0 || k < o.limit; k++) {
			struct job *job;
			int got = next_job(&suites[i], &ahead[i], &job, err);
			if (got != 1) {
				r = got;
				break;
			}
			items_seen[i]++;
			if (o.shard_n > 1 && shard_of(suites[i].name, job->item.id, o.shard_n) != o.shard_i) {
				run_plan_item(&plan, i, 0, 0);
				job_free(job);
				continue;
			}
			items_mine[i]++;
			{
				size_t done_before = ex.done;
				if ((r = expand_job(&ex, job, err))) {
					job_free(job);
					break;
				}
				run_plan_item(&plan, i, 1, job->n_tasks + ex.done - done_before);
				sched_set_total(sched, run_plan_total(&plan));
			}
			if (!job->n_tasks) {
				job_free(job);
				continue;
			}
			if (sched_submit(sched, job)) {
				submit_stopped = 1;
				break;
			}
		}
	}
	/* Every item read: a shard's own plan is known from here on (status.json). */
	ls.items_read = !r && !submit_stopped && i_suite == o.n_suites;
	{
		char serr[VSR_ERR_MAX];
		int sr = sched_finish(sched, &st, serr);
		struct rusage ru;
		sched = NULL;
		/* The peak of the request phase, before the reports read the journal. */
		if (!getrusage(RUSAGE_SELF, &ru))
			rss_run = ru.ru_maxrss;
		if (sr && !r) {
			r = sr;
			memcpy(err, serr, sizeof(err));
		}
	}
	catch_stop_signals(SIG_DFL);
	journal_ok = 0;
	{
		char jerr[VSR_ERR_MAX];
		int jr_r = journal_close(&jr, jerr);
		if (jr_r && !r) {
			r = jr_r;
			memcpy(err, jerr, sizeof(err));
		}
	}
	if ((stopped_fatal = r != 0))
		goto out;
	if (!st.done && !ex.done && ex.not_applicable) {
		r = err_set(err, VSR_EUSAGE,
			    "none of the templates applies to these items (they need fields such as "
			    "[subject] the items lack); pick others with -t");
		goto out;
	}
	if (judge_ok && !interrupted) {
		struct run_judge rj = { 0 };
		rj.model = &judge;
		rj.dir = dir.ptr;
		rj.run = line_run;
		rj.workers = judge.run_loop ? 8 : 1;
		rj.retries = (int)o.retries;
		rj.all = o.judge_all;
		rj.quiet = o.quiet;
		rj.progress = o.progress;
		rj.stop = &interrupted;
		catch_stop_signals(on_sigint);
		r = run_judge_pass(&rj, err);
		catch_stop_signals(SIG_DFL);
		if (r == VSR_EINTR)
			r = 0; /* reported below, as an interrupted run */
		else if (r)
			goto out;
	}
	if ((r = run_write_status(&ls, &st, interrupted ? "interrupted" : NULL, 0, err)))
		goto out;
	if ((r = reports_rebuild(dir.ptr, NULL, !o.quiet, NULL, err)))
		goto out;
	{
		struct buf md = BUF_INIT;
		github_step_summary_file(rundir_path(&md, dir.ptr, RUNDIR_REPORT_MD), "report.md");
		buf_release(&md);
	}
	if (o.timings) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr,
			"{\"tasks\":%zu,\"skipped\":%zu,\"wall_s\":%.6f,\"cpu_s\":%.6f,"
			"\"cpu_image_s\":%.6f,\"cpu_model_s\":%.6f,\"cpu_worker_harness_s\":%.6f,"
			"\"max_rss_run_kb\":%ld,\"max_rss_kb\":%ld}\n",
			st.done, ex.done, st.wall, cpu_seconds() - cpu0, st.cpu_image, st.cpu_model,
			st.cpu_harness, rss_run, ru.ru_maxrss);
	}
	run_print_usage(&o, &st, cache, !o.quiet && !ex.done && ls.n == 1, jr.paid_in, jr.paid_out);
	if (interrupted) {
		struct buf w = BUF_INIT;
		printf("interrupted after %zu new tasks; resume with: vsrbench run ... -o %s\n", st.done,
		       sh_word(&w, dir.ptr));
		buf_release(&w);
		r = VSR_EINTR;
		goto out;
	}
	if (st.budget_stop) {
		r = run_budget_stop(&o, &st, jr.paid_in, jr.paid_out, dir.ptr, err);
		goto out;
	}
	printf("run directory: %s (%zu new task%s, %zu already done)\n", dir.ptr, st.done,
	       st.done == 1 ? "" : "s", ex.done);
	{
		struct buf html = BUF_INIT;
		rundir_path(&html, dir.ptr, RUNDIR_REPORT_HTML);
		if (st.done) /* a resume with nothing left has no time or rate to speak of */
			printf("%zu task%s in %.1fs (%.1f tasks/s); report: %s\n", st.done,
			       st.done == 1 ? "" : "s", st.wall,
			       st.wall > 0 ? (double)st.done / st.wall : 0.0, html.ptr);
		else
			printf("nothing left to run; report: %s\n", html.ptr);
		buf_release(&html);
	}
	if (ex.not_applicable)
		vsr_warn("%zu tasks left out: their template needs a field (e.g. [subject]) the item lacks",
			 ex.not_applicable);
	if (ex.no_hflip)
		vsr_warn("%zu tasks have no mirrored variant: their question speaks of left or right "
			 "and has no relation to mirror", ex.no_hflip);
	if (ex.no_converse)
		vsr_warn("%zu items have no converse variant: their relation has no converse "
			 "('vsrbench list relations')", ex.no_converse);
	/* The share of the run's tasks that are failed now (earlier errors were retried). */
	if (st.errors && (double)st.errors > o.max_error_rate * (double)(st.done + ex.done)) {
		r = err_set(err, VSR_EMODEL,
			    "%zu of %zu tasks failed (see \"error\" in %s); run the same command again to retry them",
			    st.errors, st.done, path.ptr);
	} else if (st.errors) {
		vsr_warn("%zu of %zu tasks failed (below --max-error-rate %g; see \"error\" in %s); "
			 "run the same command again to retry them",
			 st.errors, st.done + ex.done, o.max_error_rate, path.ptr);
	}
	/* The gate, on the reports just written (reports/compare.h). */
	if (!r && gate_opts_any(&o.gate))
		r = gate_after_run(dir.ptr, &o.gate, err);
out:
	if (sched)
		sched_finish(sched, NULL, NULL);
	if (journal_ok)
		journal_close(&jr, NULL);
	if (stopped_fatal)
		run_fatal_reports(&ls, &st);
	if (r && r != VSR_EINTR && err[0])
		vsr_error("%s", err);
	for (size_t i = 0; i < n_open; i++) {
		job_free(ahead[i]);
		free(views[i].t);
		suite_close(&suites[i]);
	}
	cache_close(cache);
	if (model_open_ok)
		model_close(&model);
	if (judge_ok)
		model_close(&judge);
	rundir_unlock(&lockfd);
	cJSON_Delete(cfg);
	free(config_json);
	template_set_release(&ts);
	extract_free();
	buf_release(&dir);
	buf_release(&path);
	buf_release(&tspec);
	buf_release(&crashed_path);
	u64map_release(&crashed);
	expander_release(&ex);
	run_opts_free(&o);
	return r;
}
