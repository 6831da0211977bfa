/*
 * vsrbench score: score answers a model already gave, without calling it.
 *
 *   vsrbench score [-o RUN_DIR] [-s SUITE]... [--data DIR] [--questions FILE] [-q] INPUT...
 *
 * INPUT is one of (the format is read from the content; see docs/scoring.md)
 *   - an MME answered list (`image \t question \t Yes|No \t answer`, named
 *     <subtask>.txt as the eval tool wants) or a folder of them: matched to
 *     the eval tool's lists (any line order, any image extension, missing
 *     lines counted);
 *   - LLaVA's MME answer JSONL (question_id "<subtask>/<image>");
 *   - lmms-eval's MME samples (*_samples_mme.jsonl);
 *   - a SEED-Bench result file: one {"question_id": ..., "prediction": ...}
 *     object per line, as eval.py writes it, also the published files with a
 *     trailing comma after each object (and an optional "gt_answer");
 *   - a prediction xlsx: VLMEvalKit's {model}_MME.xlsx or
 *     {model}_SEEDBench_IMG.xlsx, or an MMBench sheet with its circular copies;
 *   - a vsrbench journal (samples.jsonl) or run directory: its replies are
 *     read again with today's extractor.
 * The result is an ordinary run directory (run.json, status.json,
 * samples.jsonl, the reports), so report, compare and merge work on it.
 *
 * -s narrows or renames: -s mme-perception puts the perception lists under
 * that one suite, -s seed-spatial keeps SEED's two spatial dimensions.
 * SEED's ground truth and dimensions come from the question file
 * (--questions: SEED-Bench.json, or a VLMEvalKit SEEDBench_IMG xlsx, which
 * holds the image questions; else DATA/seed/SEED-Bench.json when present);
 * without it, from the result's "gt_answer" and, for SEED-Bench-2 ids
 * ("<dimension>_<n>"), DATASET.md's dimension names.  Answers with no ground
 * truth anywhere are counted and left out.  Video answers (SEED-Bench-1's
 * "v..." ids, SEED-Bench-2's video dimensions 19-22) go to seed-video, apart
 * from the image ones.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../suites/import.h"
#include "../suites/suite.h"
#include "../suites/template.h"
#include "../suites/xlsx.h"
#include "cmd.h"
#include "run_judge.h"
#include "score_formats.h"
#include "../adapters/loader.h"
#include "../harness/extract.h"
#include "../harness/journal.h"
#include "../harness/rundir.h"
#include "../base/gzin.h"
#include "../base/keyset.h"
#include "../base/lines.h"
#include "../harness/task.h"
#include "../reports/rebuild.h"
#include "../base/util.h"

#define SCORE_MAX_INPUTS 256

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

struct score_suite *score_suite_slot(struct score *s, const char *name, char *err)
{
	for (size_t i = 0; i < s->n_suites; i++)
		if (!strcmp(s->suites[i].name, name))
			return &s->suites[i];
	if (s->n_suites == SCORE_MAX_SUITES) {
		err_set(err, VSR_EUSAGE, "more than %d suites", SCORE_MAX_SUITES);
		return NULL;
	}
	s->suites[s->n_suites].name = xstrdup(name);
	s->suites[s->n_suites].content_sum = 0;
	s->suites[s->n_suites].items = 0;
	return &s->suites[s->n_suites++];
}

void score_note_template(struct score *s, const char *id)
{
	for (size_t i = 0; i < s->n_templates; i++)
		if (!strcmp(s->templates[i], id))
			return;
	if (s->n_templates < sizeof(s->templates) / sizeof(s->templates[0]))
		s->templates[s->n_templates++] = xstrdup(id);
}

void score_note_question(struct score *s, struct score_suite *ss, const struct sample_meta *m)
{
	int32_t label = (int32_t)m->label;
	/* Field by field, each chained on the last with its own tweak: "ab"+"c" is not "a"+"bc". */
	uint64_t h = hash64_str(ss->name, HASH_SEED);

	h = hash64_str(m->item, h ^ 0x11);
	h = hash64_str(m->variant, h ^ 0x22);
	h = hash64_str(m->tmpl, h ^ 0x33);
	h = hash64_str(m->prompt ? m->prompt : "", h ^ 0x44);
	h = hash64(&label, sizeof(label), h ^ 0x55);
	/* A sum of the distinct questions' hashes: the same set in any order, the same sum. */
	if (keyset_add(&s->asked, h))
		ss->content_sum += h;
}

uint64_t score_suite_digest(const struct score_suite *ss)
{
	return hash64(&ss->content_sum, sizeof(ss->content_sum), hash64_str(ss->name, HASH_SEED));
}

/* One scored line; the key comes from what the task was. */
int score_emit_ok(struct score *s, struct sample_meta *m, const char *response, answer_t answer,
		  double ms, char *err)
{
	struct score_suite *ss = score_suite_slot(s, m->suite, err);

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
	score_note_question(s, ss, m);
	score_note_template(s, m->tmpl);
	sample_format_ok(&s->jw->out, m, response, answer, ms);
	s->lines++;
	return rundir_journal_flush(s->jw, err);
}

/* Is `name` wanted (no -s: everything)? */
int score_wanted(const struct score *s, const char *name)
{
	if (!s->n_filters)
		return 1;
	/* By the preset, so an alias ("mme-OCR") is its suite ("mme-ocr"). */
	for (size_t i = 0; i < s->n_filters; i++)
		if (!strcmp(s->filters[i], name) ||
		    (suite_lookup(name) && suite_lookup(s->filters[i]) == suite_lookup(name)))
			return 1;
	return 0;
}

/* One imported answer (suites/import.h), scored under `suite`. */
struct import_ctx {
	struct score *s;
	const char *suite;
};

static int import_answer(const struct import_answer *a, void *p, char *err)
{
	struct import_ctx *c = p;
	struct sample_meta m;
	size_t before = c->s->lines;
	answer_t ours;
	int r;

	memset(&m, 0, sizeof(m));
	m.suite = c->suite;
	m.item = a->item;
	m.tmpl = a->tmpl;
	m.format = a->format;
	m.variant = "base";
	m.category = a->category;
	m.l2 = a->l2 && *a->l2 ? a->l2 : NULL;
	m.group = a->group;
	m.prompt = a->prompt;
	m.image = a->image;
	m.label = a->label;
	ours = extract_answer(a->response, a->choices, NULL, a->n_choices);
	if ((r = score_emit_ok(c->s, &m, a->response, ours, 0, err)) || c->s->lines == before ||
	    !a->theirs)
		return r;
	score_their_verdict_note(&c->s->theirs, a, ours);
	return 0;
}

/* ------------------------------------------------------------------ */
/* MME answered lists                                                  */
/* ------------------------------------------------------------------ */

/* The suite a subtask's answers go under: -s may name it or a group of it. */
static const char *mme_target(const struct score *s, const struct mme_subtask *t)
{
	if (!s->n_filters)
		return t->suite;
	if (score_wanted(s, t->suite))
		return t->suite;
	if (!t->cognition && score_wanted(s, "mme-perception"))
		return "mme-perception";
	if (t->cognition && score_wanted(s, "mme-cognition"))
		return "mme-cognition";
	return NULL;
}

/* DATA/mme/eval_tool/Your_Results, once; NULL (not an error) when it is not there. */
static const struct import_mme_ref *mme_ref(struct score *s, char *err, int *r)
{
	struct buf p = BUF_INIT;
	struct stat st;

	*r = 0;
	if (s->mme_ref_loaded)
		return s->mme_ref;
	s->mme_ref_loaded = 1;
	buf_addf(&p, "%s/mme/eval_tool/Your_Results", s->data_dir);
	if (!stat(p.ptr, &st) && S_ISDIR(st.st_mode))
		*r = import_mme_ref_load(&s->mme_ref, p.ptr, err);
	buf_release(&p);
	return s->mme_ref;
}

/* An MME answer matched to the lists: under its subtask's suite (or -s's group). */
static int mme_answer(const struct import_answer *a, void *p, char *err)
{
	struct import_ctx *c = p;
	const struct mme_subtask *t = a->category ? mme_subtask_find(a->category) : NULL;
	struct import_ctx one = { c->s, t ? mme_target(c->s, t) : NULL };

	return one.suite ? import_answer(a, &one, err) : 0;
}

/* What a matched MME import found: warned about and kept in run.json's source. */
static void mme_stats_report(const char *path, const struct import_mme_stats *st, cJSON *src)
{
	if (st->missing)
		vsr_warn("%s: %zu questions of the MME lists have no answer in it (e.g. %s): "
			 "counted as missing, not scored",
			 path, st->missing, st->missing_example);
	if (st->unmatched)
		vsr_warn("%s: %zu answers match no question of the MME lists (e.g. %s): not scored",
			 path, st->unmatched, st->unmatched_example);
	if (st->duplicates)
		vsr_warn("%s: %zu questions answered more than once; the first answer counts", path,
			 st->duplicates);
	if (st->label_differs)
		vsr_warn("%s: %zu ground-truth answers differ from the MME lists'; the lists' count",
			 path, st->label_differs);
	cJSON_AddNumberToObject(src, "matched", (double)st->matched);
	cJSON_AddNumberToObject(src, "missing", (double)st->missing);
	cJSON_AddNumberToObject(src, "unmatched", (double)st->unmatched);
	cJSON_AddNumberToObject(src, "duplicate_answers", (double)st->duplicates);
	cJSON_AddNumberToObject(src, "label_differs", (double)st->label_differs);
	cJSON_AddNumberToObject(src, "two_space_matches", (double)st->two_space);
}

static cJSON *source_new(struct score *s, const char *path, const char *format, const char *suite,
			 size_t before)
{
	cJSON *src = cJSON_CreateObject();

	cJSON_AddStringToObject(src, "path", path);
	cJSON_AddStringToObject(src, "format", format);
	if (suite)
		cJSON_AddStringToObject(src, "suite", suite);
	cJSON_AddNumberToObject(src, "answers", (double)(s->lines - before));
	cJSON_AddItemToArray(s->sources, src);
	return src;
}

static int score_mme_file(struct score *s, const char *path, const struct mme_subtask *t,
			  char *err)
{
	struct import_ctx c = { s, mme_target(s, t) };
	const struct import_mme_ref *ref;
	struct import_mme_stats ms;
	cJSON *src;
	size_t before = s->lines;
	int r;

	if (!c.suite)
		return 0;
	/*
	 * Matched to the lists when they are there: any line order, any image
	 * extension, missing lines counted.  A list of other questions (none
	 * match) is read as it is, in pairs.
	 */
	ref = mme_ref(s, err, &r);
	if (r)
		return r;
	if (ref) {
		if ((r = import_mme_answers(path, t, ref, import_answer, &c, &ms, err)))
			return r;
		if (ms.matched) {
			src = source_new(s, path, "mme-answered-list", c.suite, before);
			mme_stats_report(path, &ms, src);
			return 0;
		}
	}
	if ((r = import_mme_list(path, t, import_answer, &c, err)))
		return r;
	src = cJSON_CreateObject();
	cJSON_AddStringToObject(src, "path", path);
	cJSON_AddStringToObject(src, "format", "mme-answered-list");
	cJSON_AddStringToObject(src, "suite", c.suite);
	cJSON_AddNumberToObject(src, "answers", (double)(s->lines - before));
	cJSON_AddItemToArray(s->sources, src);
	return 0;
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

/* An MME importer whose file names questions the MME lists answer. */
typedef int (*mme_import_fn)(const char *path, const struct import_mme_ref *ref, import_fn fn,
			     void *ctx, struct import_mme_stats *st, char *err);

/*
 * A file of MME replies without ground truth, matched to the MME question
 * lists: `what` says what the file is in the error when the lists are absent.
 */
static int score_mme_matched(struct score *s, const char *path, const char *what,
			     const char *format, mme_import_fn import, char *err)
{
	struct import_ctx c = { s, NULL };
	struct import_mme_stats ms;
	const struct import_mme_ref *ref;
	size_t before = s->lines;
	int r = 0;

	ref = mme_ref(s, err, &r);
	if (r)
		return r;
	if (!ref)
		return err_set(err, VSR_EDATA,
			       "%s: %s matched to the MME question lists, "
			       "%s/mme/eval_tool/Your_Results, which is not there (--data DIR)",
			       path, what, s->data_dir);
	if ((r = import(path, ref, mme_answer, &c, &ms, err)))
		return r;
	mme_stats_report(path, &ms, source_new(s, path, format, NULL, before));
	return 0;
}

/* LLaVA's MME answer JSONL (question_id "<subtask>/<image>"). */
static int score_llava_mme(struct score *s, const char *path, char *err)
{
	return score_mme_matched(s, path, "LLaVA MME answers carry no ground truth; they are",
				 "llava-mme-jsonl", import_mme_llava, err);
}

/*
 * lmms-eval samples.  Only its mme task is read so far: MMBench and SEED
 * samples are named as such in the error (their doc carries other keys).
 */
static int score_lmms(struct score *s, const char *path, char *err)
{
	return score_mme_matched(s, path, "lmms-eval MME samples are", "lmms-eval-mme-samples",
				 import_mme_lmms, err);
}

/* ------------------------------------------------------------------ */
/* SEED-Bench result files                                             */
/* ------------------------------------------------------------------ */

/* --questions, else DATA/seed/SEED-Bench.json when it is there; once. */
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
	if (xlsx_is_zip(p.ptr)) {
		/* A VLMEvalKit SEEDBench_IMG sheet: the image questions' truth and dimensions. */
		struct xlsx_sheet sh;
		if (!(r = xlsx_read(&sh, p.ptr, err))) {
			r = import_seed_questions_from_sheet(&s->seed, &sh, p.ptr, err);
			xlsx_release(&sh);
		}
	} else {
		r = import_seed_questions_load(&s->seed, p.ptr, err);
	}
	buf_release(&p);
	return r;
}

/* MMBench answers: the category from --questions' TSV when the sheet has none. */
struct mmb_ctx {
	struct import_ctx c;
	struct import_mmbench_cats cats;
};

static int mmbench_answer(const struct import_answer *a, void *p, char *err)
{
	struct mmb_ctx *m = p;
	struct import_answer b = *a;

	if (!b.category) {
		b.category = import_mmbench_cat(&m->cats, b.item);
		b.l2 = import_mmbench_l2(&m->cats, b.item);
	}
	return import_answer(&b, &m->c, err);
}

/*
 * SEED answers: video questions (SEED-Bench-1's "v..." ids, a video
 * dimension) under seed-video, apart from the image ones.
 */
static int seed_answer(const struct import_answer *a, void *p, char *err)
{
	struct import_ctx *c = p;
	struct import_ctx v = { c->s, "seed-video" };

	if (seed_is_video(a->item, a->category) && !strcmp(c->suite, "seed"))
		return import_answer(a, &v, err);
	return import_answer(a, c, err);
}

static void seed_stats_report(const char *path, const struct import_seed_stats *st, cJSON *src)
{
	if (st->duplicates)
		vsr_warn("%s: %zu question ids appear more than once (%zu with another prediction); "
			 "the first answer counts",
			 path, st->duplicates, st->duplicates_differ);
	if (st->gt_differs)
		vsr_warn("%s: %zu ground-truth answers differ from the question file's; the question "
			 "file's count",
			 path, st->gt_differs);
	if (st->no_truth)
		vsr_warn("%s: %zu answers have no ground truth (not in the question file, no "
			 "gt_answer): counted, not scored",
			 path, st->no_truth);
	else if (st->no_question)
		vsr_warn("%s: %zu questions are not in the question file; scored with their gt_answer",
			 path, st->no_question);
	if (st->gt_trimmed)
		vsr_warn("%s: %zu ground-truth answers have spaces around the letter; read trimmed "
			 "(\"A \" is A)",
			 path, st->gt_trimmed);
	cJSON_AddNumberToObject(src, "duplicate_ids", (double)st->duplicates);
	cJSON_AddNumberToObject(src, "duplicate_ids_differ", (double)st->duplicates_differ);
	cJSON_AddNumberToObject(src, "gt_answers_trimmed", (double)st->gt_trimmed);
	cJSON_AddNumberToObject(src, "gt_differs", (double)st->gt_differs);
	cJSON_AddNumberToObject(src, "no_ground_truth", (double)st->no_truth);
	cJSON_AddNumberToObject(src, "video_answers", (double)st->video);
}

static int score_seed_file(struct score *s, const char *path, char *err)
{
	struct import_ctx c = { s, "seed" };
	struct import_seed_stats st;
	size_t before = s->lines;
	cJSON *src;
	int r;

	if (s->n_filters) {
		if (score_wanted(s, "seed-spatial") && !score_wanted(s, "seed"))
			c.suite = "seed-spatial";
		else if (!score_wanted(s, "seed"))
			return err_set(err, VSR_EUSAGE,
				       "%s holds SEED-Bench answers: -s may be seed or seed-spatial",
				       path);
	}
	if ((r = load_seed_questions(s, err)))
		return r;
	r = import_seed_results(path, &s->seed, !strcmp(c.suite, "seed-spatial"), seed_answer, &c,
				&st, err);
	if (r)
		return r;
	src = source_new(s, path, "seed-results", c.suite, before);
	seed_stats_report(path, &st, src);
	if (s->seed.f.n)
		cJSON_AddStringToObject(src, "questions", s->seed.f.path);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Prediction sheets (xlsx)                                            */
/* ------------------------------------------------------------------ */

/* How a prediction sheet is stored. */
enum sheet_file { SHEET_XLSX, SHEET_TSV, SHEET_JSON, SHEET_LMMS_MMBENCH, SHEET_LMMS_SEED };

static const char *sheet_file_name(enum sheet_file how, enum import_sheet_kind k)
{
	static const char *const mmb[] = { "mmbench-xlsx", "vlmevalkit-mmbench-tsv",
					   "vlmevalkit-mmbench-json", "lmms-eval-mmbench-samples",
					   "lmms-eval-seed-samples" };
	if (how == SHEET_LMMS_MMBENCH || how == SHEET_LMMS_SEED)
		return mmb[how];
	if (how == SHEET_XLSX)
		return import_sheet_kind_name(k);
	if (k == SHEET_VLMEVAL_MME)
		return how == SHEET_TSV ? "vlmevalkit-mme-tsv" : "vlmevalkit-mme-json";
	if (k == SHEET_VLMEVAL_SEED)
		return how == SHEET_TSV ? "vlmevalkit-seed-tsv" : "vlmevalkit-seed-json";
	return mmb[how];
}

static int score_xlsx(struct score *s, const char *path, enum sheet_file how, char *err)
{
	struct xlsx_sheet sh;
	enum import_sheet_kind k;
	size_t before = s->lines, video = 0;
	cJSON *src;
	int r;

	switch (how) {
	case SHEET_TSV:
		r = import_tsv_sheet(&sh, path, err);
		break;
	case SHEET_JSON:
		r = import_json_sheet(&sh, path, err);
		break;
	case SHEET_LMMS_MMBENCH:
	case SHEET_LMMS_SEED:
		r = import_lmms_sheet(&sh, path, how == SHEET_LMMS_SEED ? LMMS_SEED : LMMS_MMBENCH,
				      &video, err);
		break;
	default:
		r = xlsx_read(&sh, path, err);
	}
	if (r)
		return r;
	memset(&s->theirs, 0, sizeof(s->theirs));
	s->theirs.examples = cJSON_CreateArray();
	k = how == SHEET_LMMS_SEED ? SHEET_VLMEVAL_SEED
	    : how == SHEET_LMMS_MMBENCH ? SHEET_MMBENCH : import_sheet_kind(&sh);
	if (k == SHEET_VLMEVAL_MME) {
		struct import_ctx c = { s, NULL };
		struct import_mme_stats ms;
		const struct import_mme_ref *ref = mme_ref(s, err, &r);
		if (!r)
			r = import_sheet_mme(&sh, path, ref, mme_answer, &c, &ms, err);
		if (!r) {
			src = source_new(s, path, sheet_file_name(how, k), NULL, before);
			cJSON_AddStringToObject(src, "ground_truth",
						ref ? "MME lists (sheet's answer cross-checked)"
						    : "the sheet's answer column");
			mme_stats_report(path, &ms, src);
		}
	} else if (k == SHEET_VLMEVAL_SEED) {
		struct import_ctx c = { s, "seed" };
		struct import_seed_stats st;
		if (s->n_filters && score_wanted(s, "seed-spatial") && !score_wanted(s, "seed"))
			c.suite = "seed-spatial";
		else if (s->n_filters && !score_wanted(s, "seed"))
			r = err_set(err, VSR_EUSAGE,
				    "%s holds SEED-Bench answers: -s may be seed or seed-spatial", path);
		if (!r && s->questions)
			r = load_seed_questions(s, err);
		if (!r)
			r = import_sheet_seed(&sh, path, s->seed_loaded ? &s->seed : NULL,
					      !strcmp(c.suite, "seed-spatial"), seed_answer, &c, &st,
					      err);
		if (!r) {
			src = source_new(s, path, sheet_file_name(how, k), c.suite, before);
			seed_stats_report(path, &st, src);
			if (video) {
				vsr_warn("%s: %zu answers to SEED-Bench video questions not scored "
					 "(vsrbench's seed suites are the image questions)", path, video);
				cJSON_AddNumberToObject(src, "video_not_scored", (double)video);
			}
		}
	} else if (k == SHEET_MMBENCH) {
		struct mmb_ctx c = { { s, "mmbench" }, { U64MAP_INIT, NULL, NULL, 0 } };
		if (s->n_filters && !score_wanted(s, "mmbench"))
			r = err_set(err, VSR_EUSAGE, "%s holds MMBench answers: -s may be mmbench",
				    path);
		/* --questions MMBench_DEV_EN.tsv: the categories a submission sheet lacks. */
		if (!r && s->questions)
			r = import_mmbench_cats_load(&c.cats, s->questions, err);
		if (!r)
			r = import_sheet_mmbench(&sh, path, mmbench_answer, &c, err);
		if (!r) {
			src = source_new(s, path, sheet_file_name(how, k), c.c.suite, before);
			if (s->questions)
				cJSON_AddStringToObject(src, "categories", s->questions);
		}
		import_mmbench_cats_release(&c.cats);
	} else {
		struct buf h = BUF_INIT;
		for (size_t c = 0; c < sh.cols && c < 12; c++)
			buf_addf(&h, "%s%s", c ? ", " : "",
				 xlsx_cell(&sh, 0, c) ? xlsx_cell(&sh, 0, c) : "");
		r = err_set(err, VSR_EDATA,
			    "%s: a sheet of unknown columns (%s): not a VLMEvalKit MME or "
			    "SEEDBench_IMG prediction file nor an MMBench sheet",
			    path, h.ptr);
		buf_release(&h);
	}
	if (!r && s->theirs.rows)
		score_their_verdicts_report(s, path);
	cJSON_Delete(s->theirs.examples);
	s->theirs.examples = NULL;
	xlsx_release(&sh);
	return r;
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
			r = score_formats_journal(s, p.ptr, in, err);
		else if (!(r = gzin_explain(p.ptr, 0, err))) /* a samples.jsonl.gz: the gunzip to run */
			r = score_mme_dir(s, in, err);
		buf_release(&p);
		return r;
	}
	if (xlsx_is_zip(in))
		return score_xlsx(s, in, SHEET_XLSX, err);
	c = score_formats_first_char(in, &tab, &journal);
	if (journal == 2)
		return score_llava_mme(s, in, err);
	if (journal == 3) {
		/* lmms-eval samples: which task, from the first line. */
		enum import_lmms_kind k = score_formats_lmms_kind(in);
		if (k == LMMS_MMBENCH)
			return score_xlsx(s, in, SHEET_LMMS_MMBENCH, err);
		if (k == LMMS_SEED)
			return score_xlsx(s, in, SHEET_LMMS_SEED, err);
		return score_lmms(s, in, err);
	}
	if (journal)
		return score_formats_journal(s, in, NULL, err);
	if (c == '[' && import_json_is_sheet(in))
		return score_xlsx(s, in, SHEET_JSON, err); /* a VLMEvalKit .json: rows as objects */
	if (c == '{' || c == '[')
		return score_seed_file(s, in, err);
	if (tab && score_formats_first_line_has(in, "prediction"))
		return score_xlsx(s, in, SHEET_TSV, err); /* a VLMEvalKit .tsv: a header with "prediction" */
	if (tab) {
		const struct mme_subtask *t = import_mme_subtask_of(in);
		if (!t)
			return err_set(err, VSR_EUSAGE,
				       "%s looks like an MME list, but its name is not <subtask>.txt "
				       "(e.g. position.txt), which says the subtask",
				       in);
		return score_mme_file(s, in, t, err);
	}
	return err_set(err, VSR_EDATA,
		       "%s: unknown format: not an MME answered list, LLaVA MME answers (JSONL), a "
		       "SEED-Bench result file, a prediction xlsx (VLMEvalKit MME/SEEDBench_IMG, "
		       "MMBench) or a vsrbench journal",
		       in);
}

static void score_usage(FILE *fp)
{
	fprintf(fp,
		"usage: vsrbench score [-o RUN_DIR] [-s SUITE]... [--data DIR] [--questions FILE] [-q]\n"
		"                      [--judge KIND [-J KEY=VALUE]... [--judge-all]] INPUT...\n"
		"\n"
		"Scores answers a model already gave, without calling it, into a run directory.\n"
		"INPUT: an MME answered list (<subtask>.txt with the answer as a 4th column) or a\n"
		"folder of them; LLaVA MME answers (JSONL); lmms-eval MME samples (JSONL); a\n"
		"SEED-Bench result file ({\"question_id\",\"prediction\"} per line, trailing commas\n"
		"allowed); a prediction xlsx (VLMEvalKit MME or SEEDBench_IMG, an MMBench sheet);\n"
		"a vsrbench journal or run directory (replies re-read).  See docs/scoring.md.\n"
		"\n"
		"  -o, --output DIR     run directory to create (default runs/score-TIME)\n"
		"  -s, --suite SUITE    keep or group: mme-position, mme-perception, seed-spatial ...\n"
		"      --data DIR       dataset root, for DATA/seed/SEED-Bench.json\n"
		"      --questions FILE SEED-Bench question file (or a SEEDBench_IMG xlsx): ground\n"
		"                       truth and dimensions; for an MMBench sheet without a\n"
		"                       category column, MMBench's TSV (its categories)\n"
		"      --judge KIND     send the replies the extractor reads as invalid to a judge\n"
		"                       model of any kind (docs/judge.md)\n"
		"  -J, --judge-opt K=V  the judge's model option (as run's -M)\n"
		"      --judge-all      judge every reply (only invalid ones change the score)\n"
		"  -q, --quiet          no summary table\n");
}

enum { O_DATA = 256, O_QUESTIONS, O_JUDGE, O_JUDGE_ALL };

/* The getopt_long tables: parsed here, completed by cli/complete.c. */
const char score_shortopts[] = ":o:s:J:qh";
const struct option score_longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "suite", required_argument, NULL, 's' },
	{ "data", required_argument, NULL, O_DATA },
	{ "questions", required_argument, NULL, O_QUESTIONS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "judge", required_argument, NULL, O_JUDGE },
	{ "judge-opt", required_argument, NULL, 'J' },
	{ "judge-all", no_argument, NULL, O_JUDGE_ALL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_score(int argc, char **argv)
{
	struct score s;
	struct rundir_journal jw = RUNDIR_JOURNAL_INIT;
	struct buf dir = BUF_INIT, final = BUF_INIT;
	char err[VSR_ERR_MAX] = "";
	const char *out = NULL, *judge_kind = NULL;
	struct kv jopts[64];
	char *jkeys[64];
	size_t n_jopts = 0;
	struct model judge;
	int c, r = 0, judge_ok = 0, judge_all = 0;
	static volatile sig_atomic_t never;
	struct stat st;

	memset(&s, 0, sizeof(s));
	memset(&judge, 0, sizeof(judge));
	s.jw = &jw;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, score_shortopts, score_longopts, NULL)) != -1) {
		switch (c) {
		case O_JUDGE:
			judge_kind = optarg;
			break;
		case O_JUDGE_ALL:
			judge_all = 1;
			break;
		case 'J': {
			const char *eq = strchr(optarg, '=');
			if (n_jopts == 64 || !eq || eq == optarg) {
				r = err_set(err, VSR_EUSAGE, n_jopts == 64 ? "too many -J options"
						: "-J '%s': expected KEY=VALUE", optarg);
				goto out;
			}
			jkeys[n_jopts] = xstrdup(optarg);
			jkeys[n_jopts][eq - optarg] = '\0';
			jopts[n_jopts].key = jkeys[n_jopts];
			jopts[n_jopts].value = eq + 1;
			n_jopts++;
			break;
		}
		case 'o':
			out = optarg;
			break;
		case 's':
			if (s.n_filters == SCORE_MAX_SUITES) {
				r = err_set(err, VSR_EUSAGE, "too many -s options");
				goto out;
			}
			if (!suite_lookup(optarg)) {
				r = suite_unknown_error(optarg, err);
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
	if (!judge_kind && (n_jopts || judge_all)) {
		r = err_set(err, VSR_EUSAGE, "%s without --judge KIND", n_jopts ? "-J" : "--judge-all");
		goto out;
	}
	s.data_dir = data_dir_resolve(s.data_dir);
	if ((r = extract_init(err)))
		goto out;
	/* Before anything is read or written: a judge without its key is a usage error. */
	if (judge_kind) {
		if ((r = run_judge_open(judge_kind, jopts, n_jopts, &judge, err)))
			goto out;
		judge_ok = 1;
	}
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
	if ((r = score_write_run_files(&s, argc, argv, err)) || (r = rundir_journal_commit(&jw, err)))
		goto out;
	if (s.duplicates)
		vsr_warn("%zu answers were for a task already scored; the first counts", s.duplicates);
	if (judge_ok) {
		struct run_judge rj = { 0 };
		rj.model = &judge;
		rj.dir = dir.ptr;
		rj.workers = judge.run_loop ? 8 : 1;
		rj.retries = 3;
		rj.all = judge_all;
		rj.quiet = s.quiet;
		rj.stop = &never;
		if ((r = run_judge_pass(&rj, err)))
			goto out;
	}
	if ((r = reports_rebuild(dir.ptr, NULL, !s.quiet, NULL, err)))
		goto out;
	printf("run directory: %s (%zu recorded answers scored)\n", dir.ptr, s.lines);
	if (s.changed)
		printf("%zu answers read differently by today's extractor than in the journal\n",
		       s.changed);
out:
	rundir_journal_release(&jw);
	if (judge_ok)
		model_close(&judge);
	for (size_t i = 0; i < n_jopts; i++)
		free(jkeys[i]);
	if (r && err[0])
		vsr_error("%s", err);
	for (size_t i = 0; i < s.n_templates; i++)
		free(s.templates[i]);
	for (size_t i = 0; i < s.n_suites; i++)
		free(s.suites[i].name);
	cJSON_Delete(s.sources);
	cJSON_Delete(s.model);
	keyset_release(&s.keys);
	keyset_release(&s.asked);
	if (s.seed_loaded)
		import_seed_questions_release(&s.seed);
	import_mme_ref_free(s.mme_ref);
	buf_release(&dir);
	buf_release(&final);
	extract_free();
	return r;
}
