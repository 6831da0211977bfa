/*
 * vsrbench score: the format of an input, and the driver for vsrbench
 * journals (see cli/cmd_score.c for the command).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../suites/import.h"
#include "../suites/suite.h"
#include "../suites/template.h"
#include "../suites/xlsx.h"
#include "score_formats.h"
#include "../harness/extract.h"
#include "../harness/journal.h"
#include "../harness/rundir.h"
#include "../base/keyset.h"
#include "../base/lines.h"
#include "../harness/task.h"
#include "../reports/rebuild.h"
#include "../base/util.h"

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

	if (!score_wanted(s, x->suite))
		return 0;
	if (!(ss = score_suite_slot(s, x->suite, c->err)))
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
	m.l2 = x->l2; /* MMBench's l2-category, kept when a journal is scored again */
	m.group = x->group;
	m.prompt = x->prompt ? x->prompt : "";
	m.image = x->image;
	m.label = x->label;
	if (x->error) {
		/* A failure stays a failure: never an answer. */
		score_note_template(s, x->tmpl);
		score_note_question(s, ss, &m);
		sample_format_error(&s->jw->out, &m, x->error, 0);
		s->lines++;
		return rundir_journal_flush(s->jw, c->err);
	}
	a = reextract(x);
	s->changed += a != x->answer;
	return score_emit_ok(s, &m, x->response ? x->response : "", a, x->ms, c->err);
}

/* A journal; run_dir (or NULL) is the run directory it is in, for its model. */
int score_formats_journal(struct score *s, const char *path, const char *run_dir, char *err)
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
int score_formats_first_char(const char *path, int *has_tab, int *is_journal)
{
	struct lines l;
	char err[VSR_ERR_MAX];
	int c = 0;

	*has_tab = *is_journal = 0;
	if (lines_open(&l, path, IMPORT_LINE_MAX, err))
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
			/* import_json_parse_py: lmms-eval's samples may hold Python's NaN. */
			cJSON *o = import_json_parse_py(p, strlen(p));
			const char *qid = cJSON_GetStringValue(
				cJSON_GetObjectItemCaseSensitive(o, "question_id"));
			*is_journal = cJSON_IsObject(o) && cJSON_GetObjectItemCaseSensitive(o, "key") &&
				      cJSON_GetObjectItemCaseSensitive(o, "suite");
			/* LLaVA's answer JSONL: "<subtask>/<image>", "prompt", "text". */
			if (!*is_journal && qid && strchr(qid, '/') &&
			    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "prompt")) &&
			    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "text")))
				*is_journal = 2;
			/* lmms-eval samples: "doc_id" with "target" and the replies. */
			if (!*is_journal && cJSON_GetObjectItemCaseSensitive(o, "doc_id") &&
			    cJSON_GetObjectItemCaseSensitive(o, "target") &&
			    (cJSON_GetObjectItemCaseSensitive(o, "filtered_resps") ||
			     cJSON_GetObjectItemCaseSensitive(o, "resps")))
				*is_journal = 3;
			cJSON_Delete(o);
		}
		break;
	}
	lines_close(&l);
	return c;
}

/* Is `field` one of the TAB-separated fields of the file's first line? */
int score_formats_first_line_has(const char *path, const char *field)
{
	struct lines l;
	char err[VSR_ERR_MAX];
	int found = 0;

	if (lines_open(&l, path, IMPORT_LINE_MAX, err))
		return 0;
	if (lines_next(&l, err) == 1) {
		size_t n = strlen(field);
		for (const char *p = l.line.ptr; p; p = strchr(p, '\t')) {
			if (*p == '\t')
				p++;
			if (!strncmp(p, field, n) && (p[n] == '\t' || !p[n]))
				found = 1;
			/* Quoted: VLMEvalKit's dump_tsv writes csv.QUOTE_ALL. */
			if (*p == '"' && !strncmp(p + 1, field, n) && p[n + 1] == '"' &&
			    (p[n + 2] == '\t' || !p[n + 2]))
				found = 1;
		}
	}
	lines_close(&l);
	return found;
}

enum import_lmms_kind score_formats_lmms_kind(const char *path)
{
	struct lines l;
	char err[VSR_ERR_MAX];
	enum import_lmms_kind k = LMMS_MME;

	if (lines_open(&l, path, IMPORT_LINE_MAX, err))
		return k;
	while (lines_next(&l, err) == 1) {
		if (!l.line.len)
			continue;
		k = import_lmms_kind_of(l.line.ptr);
		break;
	}
	lines_close(&l);
	return k;
}
