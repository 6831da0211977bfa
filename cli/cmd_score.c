/*
 * vsrbench score: score answers a model already gave, without calling it.
 *
 *   vsrbench score [-o RUN_DIR] [-s SUITE]... [--data DIR] [--questions FILE] [-q] INPUT...
 *
 * INPUT is one of
 *   - an MME answered list (`image \t question \t Yes|No \t answer`, named
 *     <subtask>.txt as the eval tool wants) or a folder of them;
 *   - a SEED-Bench result file: one {"question_id": ..., "prediction": ...}
 *     object per line, as eval.py writes it, also the published files with a
 *     trailing comma after each object (and an optional "gt_answer");
 *   - a vsrbench journal (samples.jsonl) or run directory: its replies are
 *     read again with today's extractor.
 * The result is an ordinary run directory (run.json, status.json,
 * samples.jsonl, the reports), so report, compare and merge work on it.
 *
 * -s narrows or renames: -s mme-perception puts the perception lists under
 * that one suite, -s seed-spatial keeps SEED's two spatial dimensions.
 * SEED's ground truth and dimensions come from the question file
 * (--questions, else DATA/seed/SEED-Bench.json when present); without it, from
 * the result's "gt_answer" and, for SEED-Bench-2 ids ("<dimension>_<n>"),
 * DATASET.md's dimension names.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../suites/mme.h"
#include "../suites/seed.h"
#include "../suites/template.h"
#include "cmd.h"
#include "../harness/extract.h"
#include "../harness/journal.h"
#include "../harness/rundir.h"
#include "../base/keyset.h"
#include "../base/lines.h"
#include "../harness/task.h"
#include "../reports/rebuild.h"
#include "../base/util.h"

#define SCORE_MAX_INPUTS 256
#define SCORE_MAX_SUITES 64
#define SCORE_LINE_MAX ((size_t)16 << 20)

struct score_suite {
	char *name;
	uint64_t digest;
	size_t items;
};

struct score {
	const char *dir;
	const char *filters[SCORE_MAX_SUITES];
	size_t n_filters;
	const char *data_dir, *questions;
	int quiet;
	/* output */
	struct rundir_journal *jw;
	struct keyset keys;
	struct score_suite suites[SCORE_MAX_SUITES];
	size_t n_suites;
	char *templates[16];
	size_t n_templates;
	cJSON *sources; /* run.json "source" */
	cJSON *model;   /* a journal's own run.json model, else NULL */
	size_t lines, duplicates, changed;
	uint64_t model_fp;
	/* SEED */
	struct seed_file seed;
	int seed_loaded;
	struct u64map seed_at; /* hash(question_id) -> index + 1 */
};

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

static struct score_suite *suite_slot(struct score *s, const char *name, char *err)
{
	for (size_t i = 0; i < s->n_suites; i++)
		if (!strcmp(s->suites[i].name, name))
			return &s->suites[i];
	if (s->n_suites == SCORE_MAX_SUITES) {
		err_set(err, VSR_EUSAGE, "more than %d suites", SCORE_MAX_SUITES);
		return NULL;
	}
	s->suites[s->n_suites].name = xstrdup(name);
	s->suites[s->n_suites].digest = hash64_str(name, HASH_SEED);
	s->suites[s->n_suites].items = 0;
	return &s->suites[s->n_suites++];
}

static void note_template(struct score *s, const char *id)
{
	for (size_t i = 0; i < s->n_templates; i++)
		if (!strcmp(s->templates[i], id))
			return;
	if (s->n_templates < sizeof(s->templates) / sizeof(s->templates[0]))
		s->templates[s->n_templates++] = xstrdup(id);
}

/* One scored line; the key comes from what the task was. */
static int emit_ok(struct score *s, struct sample_meta *m, const char *response, answer_t answer,
		   double ms, char *err)
{
	struct score_suite *ss = suite_slot(s, m->suite, err);

	if (!ss)
		return VSR_EUSAGE;
	if (!m->key)
		m->key = task_key(m->suite, m->item, m->variant, m->tmpl, m->prompt, 0, s->model_fp, 0,
				  0.0, 0);
	if (!keyset_add(&s->keys, m->key)) {
		s->duplicates++;
		return 0;
	}
	ss->items++;
	ss->digest = hash64(&m->key, sizeof(m->key), ss->digest);
	note_template(s, m->tmpl);
	sample_format_ok(&s->jw->out, m, response, answer, ms);
	s->lines++;
	return rundir_journal_flush(s->jw, err);
}

/* Is `name` wanted (no -s: everything)? */
static int wanted(const struct score *s, const char *name)
{
	if (!s->n_filters)
		return 1;
	for (size_t i = 0; i < s->n_filters; i++)
		if (!strcmp(s->filters[i], name))
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* MME answered lists                                                  */
/* ------------------------------------------------------------------ */

struct mme_ctx {
	struct score *s;
	const struct mme_subtask *t;
	const char *suite, *path;
	struct buf id, group;
	char err[VSR_ERR_MAX];
};

static int mme_answer(const struct mme_line *ml, void *p)
{
	struct mme_ctx *c = p;
	struct sample_meta m;

	if (!ml->response)
		return err_set(c->err, VSR_EDATA,
			       "%s:%zu: no answer (a 4th tab-separated column) to score", c->path,
			       ml->lineno);
	buf_reset(&c->id);
	buf_reset(&c->group);
	mme_item_id(&c->id, c->t->name, ml->image, ml->nth);
	mme_group(&c->group, c->t->name, ml->image);
	memset(&m, 0, sizeof(m));
	m.suite = c->suite;
	m.item = c->id.ptr;
	m.tmpl = "q01"; /* MME asks its question as it is: what q01 sends */
	m.format = "yesno";
	m.variant = "base";
	m.category = c->t->name;
	m.group = c->group.ptr;
	m.prompt = ml->question;
	m.image = ml->image;
	m.label = ml->label;
	return emit_ok(c->s, &m, ml->response, extract_answer(ml->response, NULL, NULL, 0), 0,
		       c->err);
}

/* The suite a subtask's answers go under: -s may name it or a group of it. */
static const char *mme_target(const struct score *s, const struct mme_subtask *t)
{
	if (!s->n_filters)
		return t->suite;
	if (wanted(s, t->suite))
		return t->suite;
	if (!t->cognition && wanted(s, "mme-perception"))
		return "mme-perception";
	if (t->cognition && wanted(s, "mme-cognition"))
		return "mme-cognition";
	return NULL;
}

static int score_mme_file(struct score *s, const char *path, const struct mme_subtask *t,
			  char *err)
{
	struct mme_ctx c;
	cJSON *src;
	size_t before = s->lines;
	int r;

	memset(&c, 0, sizeof(c));
	buf_init(&c.id, 0); /* a zeroed buf has a NULL ptr, against buf.h's invariant */
	buf_init(&c.group, 0);
	c.s = s;
	c.t = t;
	c.path = path;
	c.suite = mme_target(s, t);
	if (!c.suite)
		return 0;
	r = mme_list_scan(path, mme_answer, &c, err);
	if (r && c.err[0])
		memcpy(err, c.err, VSR_ERR_MAX);
	buf_release(&c.id);
	buf_release(&c.group);
	if (r)
		return r;
	src = cJSON_CreateObject();
	cJSON_AddStringToObject(src, "path", path);
	cJSON_AddStringToObject(src, "format", "mme-answered-list");
	cJSON_AddStringToObject(src, "suite", c.suite);
	cJSON_AddNumberToObject(src, "answers", (double)(s->lines - before));
	cJSON_AddItemToArray(s->sources, src);
	return 0;
}

/* MME's subtask from a list's file name (<subtask>.txt). */
static const struct mme_subtask *subtask_of(const char *path)
{
	const char *base = strrchr(path, '/');
	char stem[64];
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n < 5 || n - 4 >= sizeof(stem) || strcmp(base + n - 4, ".txt"))
		return NULL;
	memcpy(stem, base, n - 4);
	stem[n - 4] = '\0';
	return mme_subtask_find(stem);
}

static int score_mme_dir(struct score *s, const char *dir, char *err)
{
	size_t n;
	const struct mme_subtask *t = mme_subtasks(&n);
	size_t found = 0;
	int r = 0;

	for (size_t i = 0; i < n && !r; i++) {
		struct buf p = BUF_INIT;
		struct stat st;
		buf_addf(&p, "%s/%s.txt", dir, t[i].name);
		if (!stat(p.ptr, &st) && S_ISREG(st.st_mode)) {
			found++;
			r = score_mme_file(s, p.ptr, &t[i], err);
		}
		buf_release(&p);
	}
	if (!r && !found)
		r = err_set(err, VSR_EDATA,
			    "%s: no samples.jsonl and no MME answered lists (<subtask>.txt, e.g. "
			    "position.txt) in it",
			    dir);
	return r;
}

/* ------------------------------------------------------------------ */
/* SEED-Bench result files                                             */
/* ------------------------------------------------------------------ */

static int load_seed_questions(struct score *s, char *err)
{
	struct buf p = BUF_INIT;
	struct stat st;
	int r = 0;

	if (s->seed_loaded)
		return 0;
	s->seed_loaded = 1;
	if (s->questions)
		buf_adds(&p, s->questions);
	else
		buf_addf(&p, "%s/seed/SEED-Bench.json", s->data_dir);
	if (!s->questions && (stat(p.ptr, &st) || !S_ISREG(st.st_mode))) {
		buf_release(&p);
		return 0; /* no question file: gt_answer and id prefixes */
	}
	r = seed_file_load(p.ptr, NULL, 0, &s->seed, err);
	for (size_t i = 0; !r && i < s->seed.n; i++)
		u64map_put(&s->seed_at, hash64_str(s->seed.q[i].id, HASH_SEED), i + 1);
	buf_release(&p);
	return r;
}

static const struct seed_q *seed_question(const struct score *s, const char *id)
{
	uint64_t at;

	if (!s->seed.n || !u64map_get(&s->seed_at, hash64_str(id, HASH_SEED), &at))
		return NULL;
	return strcmp(s->seed.q[at - 1].id, id) ? NULL : &s->seed.q[at - 1];
}

/* A SEED-Bench-2 id "<dimension>_<n>": the dimension's name. */
static const char *seed2_dim_of(const char *id)
{
	const char *us = strchr(id, '_');
	char num[16];
	long v;

	if (!us || us == id || (size_t)(us - id) >= sizeof(num))
		return NULL;
	memcpy(num, id, (size_t)(us - id));
	num[us - id] = '\0';
	if (parse_long(num, 1, 1000, &v))
		return NULL;
	return seed2_dimension_name(v);
}

static int letter_of(const char *a, answer_t *out)
{
	while (a && *a == ' ')
		a++;
	if (!a || *a < 'A' || *a > 'D')
		return -1;
	for (const char *p = a + 1; *p; p++)
		if (*p != ' ')
			return -1;
	*out = ANS_LETTER(*a - 'A');
	return 0;
}

static int score_seed_file(struct score *s, const char *path, char *err)
{
	struct lines l;
	struct keyset seen = KEYSET_INIT;
	struct u64map first_pred = U64MAP_INIT;
	size_t before = s->lines, dups = 0, dups_differ = 0, gt_differs = 0, no_question = 0;
	const char *suite = "seed";
	cJSON *src;
	int r;

	if (s->n_filters) {
		if (wanted(s, "seed-spatial") && !wanted(s, "seed"))
			suite = "seed-spatial";
		else if (!wanted(s, "seed"))
			return err_set(err, VSR_EUSAGE,
				       "%s holds SEED-Bench answers: -s may be seed or seed-spatial",
				       path);
	}
	if ((r = load_seed_questions(s, err)))
		return r;
	if ((r = lines_open(&l, path, SCORE_LINE_MAX, err)))
		return r;
	while ((r = lines_next(&l, err)) == 1) {
		char *p = l.line.ptr, *e;
		cJSON *o;
		char *qid = NULL;
		const char *pred, *gt, *dim = NULL;
		const struct seed_q *q;
		struct sample_meta m;
		answer_t label;
		uint64_t h;

		r = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		/* One object per line; the published files add a ',' (and may sit in [ ]). */
		if (e > p && e[-1] == ',')
			*--e = '\0';
		if (!*p || !strcmp(p, "[") || !strcmp(p, "]"))
			continue;
		o = cJSON_Parse(p);
		if (!cJSON_IsObject(o)) {
			cJSON_Delete(o);
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: expected one JSON object per line "
				    "({\"question_id\": ..., \"prediction\": ...})",
				    path, l.lineno);
			break;
		}
		{
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "question_id");
			char tmp[32];
			if (cJSON_IsString(v))
				qid = xstrdup(v->valuestring);
			else if (cJSON_IsNumber(v)) {
				snprintf(tmp, sizeof(tmp), "%lld", (long long)v->valuedouble);
				qid = xstrdup(tmp);
			}
		}
		pred = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "prediction"));
		gt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "gt_answer"));
		if (!qid || !pred) {
			r = err_set(err, VSR_EDATA, "%s:%zu: needs \"question_id\" and \"prediction\"",
				    path, l.lineno);
			goto next;
		}
		/* A question answered twice: the first answer counts (as in a journal). */
		h = hash64_str(qid, HASH_SEED);
		if (!keyset_add(&seen, h)) {
			uint64_t ph = 0;
			dups++;
			u64map_get(&first_pred, h, &ph);
			dups_differ += ph != hash64_str(pred, HASH_SEED);
			goto next;
		}
		u64map_put(&first_pred, h, hash64_str(pred, HASH_SEED));
		q = seed_question(s, qid);
		if (q) {
			answer_t g;
			dim = q->dimension;
			if (gt && (letter_of(gt, &g) || g != q->answer))
				gt_differs++;
			label = q->answer;
		} else {
			no_question += s->seed.n > 0;
			if (!gt || letter_of(gt, &label)) {
				r = err_set(err, VSR_EDATA,
					    "%s:%zu: question %s: no ground truth (no \"gt_answer\" A-D, "
					    "and %s)",
					    path, l.lineno, qid,
					    s->seed.n ? "not in the question file"
						      : "no question file: give --questions SEED-Bench.json");
				goto next;
			}
			dim = seed2_dim_of(qid);
		}
		if (!strcmp(suite, "seed-spatial") &&
		    (!dim || (strcasecmp(dim, "Spatial Relation") && strcasecmp(dim, "Instance Location"))))
			goto next;
		memset(&m, 0, sizeof(m));
		m.suite = suite;
		m.item = qid;
		m.tmpl = "recorded"; /* the prompt the model saw is not known */
		m.format = "choice";
		m.variant = "base";
		m.category = dim;
		m.prompt = q ? q->question : "";
		m.image = q ? q->data_id : NULL;
		m.label = label;
		r = emit_ok(s, &m, pred,
			    extract_answer(pred, q ? (const char *const *)q->choices : NULL, NULL, 4), 0,
			    err);
	next:
		free(qid);
		cJSON_Delete(o);
		if (r)
			break;
	}
	lines_close(&l);
	keyset_release(&seen);
	u64map_release(&first_pred);
	if (r)
		return r;
	if (dups)
		vsr_warn("%s: %zu question ids appear more than once (%zu with another prediction); "
			 "the first answer counts",
			 path, dups, dups_differ);
	if (gt_differs)
		vsr_warn("%s: %zu gt_answer values differ from the question file's answer; the question "
			 "file's count",
			 path, gt_differs);
	if (no_question)
		vsr_warn("%s: %zu questions are not in the question file; scored with their gt_answer",
			 path, no_question);
	src = cJSON_CreateObject();
	cJSON_AddStringToObject(src, "path", path);
	cJSON_AddStringToObject(src, "format", "seed-results");
	cJSON_AddStringToObject(src, "suite", suite);
	cJSON_AddNumberToObject(src, "answers", (double)(s->lines - before));
	cJSON_AddNumberToObject(src, "duplicate_ids", (double)dups);
	if (s->seed.n)
		cJSON_AddStringToObject(src, "questions", s->seed.path);
	cJSON_AddItemToArray(s->sources, src);
	return 0;
}

/* ------------------------------------------------------------------ */
/* vsrbench journals                                                   */
/* ------------------------------------------------------------------ */

struct journal_ctx {
	struct score *s;
	char err[VSR_ERR_MAX];
};

/* Reads the reply again where the journal says enough to: yes/no, true/false, A/B letters. */
static answer_t reextract(const struct sample *x)
{
	if (!strcmp(x->format, "yesno") || !strcmp(x->format, "truefalse"))
		return extract_answer(x->response ? x->response : "", NULL, NULL, 0);
	if (!strcmp(x->format, "letter")) {
		struct template_set one;
		char err[VSR_ERR_MAX];
		answer_t a = x->answer;
		if (!template_set_load(&one, x->tmpl, err)) {
			if (one.n == 1 && one.t[0].fmt == TF_LETTER)
				a = extract_answer(x->response ? x->response : "", one.t[0].choices,
						   one.t[0].choice_answer, one.t[0].n_choices);
			template_set_release(&one);
		}
		return a;
	}
	/* A choice among the item's own options: the options are not in the journal. */
	return x->answer;
}

static int journal_line(const struct sample *x, void *p)
{
	struct journal_ctx *c = p;
	struct score *s = c->s;
	struct sample_meta m;
	struct score_suite *ss;
	const char *suite;
	answer_t a;

	if (!wanted(s, x->suite))
		return 0;
	if (!(ss = suite_slot(s, x->suite, c->err)))
		return VSR_EUSAGE;
	suite = ss->name;
	memset(&m, 0, sizeof(m));
	m.key = x->key;
	m.suite = suite;
	m.item = x->item;
	m.tmpl = x->tmpl;
	m.format = x->format;
	m.variant = x->variant;
	m.relation = x->relation;
	m.category = x->category;
	m.group = x->group;
	m.prompt = x->prompt ? x->prompt : "";
	m.image = x->image;
	m.label = x->label;
	if (x->error) {
		/* A failure stays a failure: never an answer. */
		note_template(s, x->tmpl);
		sample_format_error(&s->jw->out, &m, x->error, 0);
		s->lines++;
		return rundir_journal_flush(s->jw, c->err);
	}
	a = reextract(x);
	s->changed += a != x->answer;
	return emit_ok(s, &m, x->response ? x->response : "", a, x->ms, c->err);
}

/* A journal; run_dir (or NULL) is the run directory it is in, for its model. */
static int score_journal(struct score *s, const char *path, const char *run_dir, char *err)
{
	struct journal_ctx c;
	size_t before = s->lines, changed = s->changed;
	cJSON *src;
	int r;

	memset(&c, 0, sizeof(c));
	c.s = s;
	r = journal_scan(path, 0, journal_line, &c, NULL, err);
	if (r && c.err[0])
		memcpy(err, c.err, VSR_ERR_MAX);
	if (r)
		return r;
	if (run_dir && !s->model) {
		cJSON *run = rundir_load_run(run_dir);
		cJSON *mo = cJSON_GetObjectItemCaseSensitive(run, "model");
		if (cJSON_IsObject(mo))
			s->model = cJSON_Duplicate(mo, 1);
		cJSON_Delete(run);
	}
	src = cJSON_CreateObject();
	cJSON_AddStringToObject(src, "path", path);
	cJSON_AddStringToObject(src, "format", "vsrbench-journal");
	cJSON_AddNumberToObject(src, "lines", (double)(s->lines - before));
	cJSON_AddNumberToObject(src, "answers_changed", (double)(s->changed - changed));
	cJSON_AddItemToArray(s->sources, src);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Inputs                                                              */
/* ------------------------------------------------------------------ */

/* The first non-blank line's first character, or 0. */
static int first_char(const char *path, int *has_tab, int *is_journal)
{
	struct lines l;
	char err[VSR_ERR_MAX];
	int c = 0;

	*has_tab = *is_journal = 0;
	if (lines_open(&l, path, SCORE_LINE_MAX, err))
		return 0;
	while (lines_next(&l, err) == 1) {
		const char *p = l.line.ptr;
		while (*p == ' ')
			p++;
		if (!*p)
			continue;
		c = *p;
		*has_tab = strchr(p, '\t') != NULL;
		if (c == '{') {
			cJSON *o = cJSON_Parse(p);
			*is_journal = cJSON_IsObject(o) && cJSON_GetObjectItemCaseSensitive(o, "key") &&
				      cJSON_GetObjectItemCaseSensitive(o, "suite");
			cJSON_Delete(o);
		}
		break;
	}
	lines_close(&l);
	return c;
}

static int score_input(struct score *s, const char *in, char *err)
{
	struct stat st;
	int c, tab, journal;

	if (stat(in, &st))
		return err_set(err, VSR_EDATA, "cannot read %s: %s", in, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		struct buf p = BUF_INIT;
		int r;
		rundir_path(&p, in, RUNDIR_SAMPLES);
		if (!stat(p.ptr, &st) && S_ISREG(st.st_mode))
			r = score_journal(s, p.ptr, in, err);
		else
			r = score_mme_dir(s, in, err);
		buf_release(&p);
		return r;
	}
	c = first_char(in, &tab, &journal);
	if (journal)
		return score_journal(s, in, NULL, err);
	if (c == '{' || c == '[')
		return score_seed_file(s, in, err);
	if (tab) {
		const struct mme_subtask *t = subtask_of(in);
		if (!t)
			return err_set(err, VSR_EUSAGE,
				       "%s looks like an MME list, but its name is not <subtask>.txt "
				       "(e.g. position.txt), which says the subtask",
				       in);
		return score_mme_file(s, in, t, err);
	}
	return err_set(err, VSR_EDATA,
		       "%s: not an MME answered list, a SEED-Bench result file or a vsrbench journal",
		       in);
}

/* ------------------------------------------------------------------ */
/* The run directory                                                   */
/* ------------------------------------------------------------------ */

/* run.json and status.json of what was scored. */
static int write_run_files(struct score *s, int argc, char **argv, char *err)
{
	cJSON *run = cJSON_CreateObject(), *mo, *arr;
	struct rundir_suite_count counts[SCORE_MAX_SUITES];
	struct rundir_status st = { 0 };
	char hex[17];
	int r;

	if (s->model) {
		cJSON_AddItemToObject(run, "model", s->model);
		s->model = NULL;
	} else {
		mo = cJSON_AddObjectToObject(run, "model");
		cJSON_AddStringToObject(mo, "spec", "replay");
		cJSON_AddStringToObject(mo, "name", "replay");
		cJSON_AddStringToObject(mo, "version", "");
		cJSON_AddStringToObject(mo, "fingerprint", "replay: recorded answers");
		cJSON_AddItemToObject(mo, "config", cJSON_CreateObject());
	}
	arr = cJSON_AddArrayToObject(run, "suites");
	for (size_t i = 0; i < s->n_suites; i++) {
		cJSON *so = cJSON_CreateObject();
		cJSON_AddStringToObject(so, "name", s->suites[i].name);
		cJSON_AddItemToObject(so, "options", cJSON_CreateObject());
		snprintf(hex, sizeof(hex), "%016" PRIx64, s->suites[i].digest);
		cJSON_AddStringToObject(so, "digest", hex);
		cJSON_AddItemToArray(arr, so);
	}
	{
		struct buf t = BUF_INIT;
		for (size_t i = 0; i < s->n_templates; i++)
			buf_addf(&t, "%s%s", i ? "," : "", s->templates[i]);
		cJSON_AddStringToObject(run, "templates", t.ptr);
		buf_release(&t);
	}
	arr = cJSON_AddArrayToObject(run, "template_ids");
	for (size_t i = 0; i < s->n_templates; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(s->templates[i]));
	mo = cJSON_AddObjectToObject(run, "generation");
	cJSON_AddNumberToObject(mo, "max_tokens", 0);
	cJSON_AddNumberToObject(mo, "temperature", 0);
	cJSON_AddNumberToObject(run, "seed", 0);
	cJSON_AddNumberToObject(run, "limit", -1);
	cJSON_AddItemToObject(run, "source", s->sources);
	s->sources = NULL;
	r = rundir_write_run(s->dir, run, 0, 1, argc, argv, err);
	cJSON_Delete(run);
	if (r)
		return r;
	for (size_t i = 0; i < s->n_suites; i++) {
		counts[i].name = s->suites[i].name;
		counts[i].items_total = s->suites[i].items;
		counts[i].items_in_shard = s->suites[i].items;
	}
	st.complete = 1;
	st.shard_index = 0;
	st.shard_count = 1;
	st.suites = counts;
	st.n_suites = s->n_suites;
	st.tasks_done_now = s->lines;
	return rundir_write_status(s->dir, &st, err);
}

static void score_usage(FILE *fp)
{
	fprintf(fp,
		"usage: vsrbench score [-o RUN_DIR] [-s SUITE]... [--data DIR] [--questions FILE] [-q]\n"
		"                      INPUT...\n"
		"\n"
		"Scores answers a model already gave, without calling it, into a run directory.\n"
		"INPUT: an MME answered list (<subtask>.txt with the answer as a 4th column) or a\n"
		"folder of them; a SEED-Bench result file ({\"question_id\",\"prediction\"} per line,\n"
		"trailing commas allowed); a vsrbench journal or run directory (replies re-read).\n"
		"\n"
		"  -o, --output DIR     run directory to create (default runs/score-TIME)\n"
		"  -s, --suite SUITE    keep or group: mme-position, mme-perception, seed-spatial ...\n"
		"      --data DIR       dataset root, for DATA/seed/SEED-Bench.json\n"
		"      --questions FILE SEED-Bench question file: ground truth and dimensions\n"
		"  -q, --quiet          no summary table\n");
}

int cmd_score(int argc, char **argv)
{
	enum { O_DATA = 256, O_QUESTIONS };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "suite", required_argument, NULL, 's' },
		{ "data", required_argument, NULL, O_DATA },
		{ "questions", required_argument, NULL, O_QUESTIONS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct score s;
	struct rundir_journal jw = RUNDIR_JOURNAL_INIT;
	struct buf dir = BUF_INIT, final = BUF_INIT;
	char err[VSR_ERR_MAX] = "";
	const char *out = NULL;
	int c, r = 0;
	struct stat st;

	memset(&s, 0, sizeof(s));
	s.jw = &jw;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:s:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 's':
			if (s.n_filters == SCORE_MAX_SUITES) {
				r = err_set(err, VSR_EUSAGE, "too many -s options");
				goto out;
			}
			s.filters[s.n_filters++] = optarg;
			break;
		case O_DATA:
			s.data_dir = optarg;
			break;
		case O_QUESTIONS:
			s.questions = optarg;
			break;
		case 'q':
			s.quiet = 1;
			break;
		case 'h':
			score_usage(stdout);
			return 0;
		default:
			r = cmd_usage_error(err, c, argv, "score", 1);
			goto out;
		}
	}
	if (optind >= argc) {
		r = err_set(err, VSR_EUSAGE, "no input to score (see 'vsrbench score --help')");
		goto out;
	}
	if (argc - optind > SCORE_MAX_INPUTS) {
		r = err_set(err, VSR_EUSAGE, "more than %d inputs", SCORE_MAX_INPUTS);
		goto out;
	}
	s.data_dir = data_dir_resolve(s.data_dir);
	if ((r = extract_init(err)))
		goto out;
	if (out)
		buf_adds(&dir, out);
	else
		rundir_default_path(&dir, "score");
	s.dir = dir.ptr;
	if (!stat(rundir_path(&final, dir.ptr, RUNDIR_SAMPLES), &st)) {
		r = err_set(err, VSR_EUSAGE, "%s already holds a journal; score into a new -o directory",
			    dir.ptr);
		goto out;
	}
	if (mkdir_p(dir.ptr) < 0) {
		r = err_set(err, VSR_EUSAGE, "cannot create %s: %s", dir.ptr, strerror(errno));
		goto out;
	}
	if ((r = rundir_journal_create(&jw, dir.ptr, err)))
		goto out;
	s.sources = cJSON_CreateArray();
	s.model_fp = hash64_str("replay", HASH_SEED);
	for (int i = optind; i < argc && !r; i++)
		r = score_input(&s, argv[i], err);
	if (!r && !s.lines)
		r = err_set(err, VSR_EDATA, "nothing to score%s", s.n_filters ? " for the -s given" : "");
	if (!r)
		r = rundir_journal_finish(&jw, err);
	if (r)
		goto out;
	if ((r = write_run_files(&s, argc, argv, err)) || (r = rundir_journal_commit(&jw, err)))
		goto out;
	if (s.duplicates)
		vsr_warn("%zu answers were for a task already scored; the first counts", s.duplicates);
	if ((r = reports_rebuild(dir.ptr, NULL, !s.quiet, NULL, err)))
		goto out;
	printf("run directory: %s (%zu recorded answers scored)\n", dir.ptr, s.lines);
	if (s.changed)
		printf("%zu answers read differently by today's extractor than in the journal\n",
		       s.changed);
out:
	rundir_journal_release(&jw);
	if (r && err[0])
		vsr_error("%s", err);
	for (size_t i = 0; i < s.n_templates; i++)
		free(s.templates[i]);
	for (size_t i = 0; i < s.n_suites; i++)
		free(s.suites[i].name);
	cJSON_Delete(s.sources);
	cJSON_Delete(s.model);
	keyset_release(&s.keys);
	if (s.seed_loaded)
		seed_file_release(&s.seed);
	u64map_release(&s.seed_at);
	buf_release(&dir);
	buf_release(&final);
	extract_free();
	return r;
}
