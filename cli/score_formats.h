/*
 * score_formats: what `vsrbench score` reads (moved out of cli/cmd_score.c):
 * the format of an input, read from its first line, and the driver that
 * scores a vsrbench journal again.  struct score is the state of one
 * `vsrbench score`; cli/cmd_score.c owns it and the output helpers below.
 */
#ifndef VSR_SCORE_FORMATS_H
#define VSR_SCORE_FORMATS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "../suites/import.h"
#include "../harness/journal.h"
#include "../harness/rundir.h"
#include "../base/keyset.h"

#define SCORE_MAX_SUITES 64

struct score_suite {
	char *name;
	/*
	 * The content digest's running part: the sum (mod 2^64) of one hash per
	 * distinct question (item, variant, template, prompt, label), so that it
	 * depends on the set of questions only, not on their order nor on the
	 * model that answered them; score_suite_digest finishes it.
	 */
	uint64_t content_sum;
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
	struct keyset asked; /* score_note_question's hashes, each counted once */
	struct score_suite suites[SCORE_MAX_SUITES];
	size_t n_suites;
	char *templates[16];
	size_t n_templates;
	cJSON *sources; /* run.json "source" */
	cJSON *model;   /* a journal's own run.json model, else NULL */
	size_t lines, duplicates, changed;
	uint64_t model_fp;
	/* SEED */
	struct import_seed_questions seed;
	int seed_loaded;
	/* MME: the eval tool's lists every other MME format is matched to */
	struct import_mme_ref *mme_ref;
	int mme_ref_loaded;
	/*
	 * The other harness's own verdicts in the sheet being read (VLMEvalKit's
	 * "extracted" / "hit", struct import_answer's theirs), set to zero
	 * before each sheet.
	 */
	struct score_theirs {
		const char *col;
		size_t rows, right, ours_right, differ;
		cJSON *examples;
	} theirs;
};

/* cli/cmd_score.c: the output */
struct score_suite *score_suite_slot(struct score *s, const char *name, char *err);
void score_note_template(struct score *s, const char *id);
/*
 * Counts the question m asks (item, variant, template, prompt, label) into
 * its suite's content digest, once however many lines carry it (a failed
 * line too: the question was asked).  run.json's digest of a `run` means
 * "the same questions"; this one means the same for what was scored.
 */
void score_note_question(struct score *s, struct score_suite *ss, const struct sample_meta *m);
/* The suite's content digest for run.json. */
uint64_t score_suite_digest(const struct score_suite *ss);
int score_emit_ok(struct score *s, struct sample_meta *m, const char *response, answer_t answer,
		  double ms, char *err);
int score_wanted(const struct score *s, const char *name);
/* score_verdicts.c: the other harness's verdict on one reply, counted */
void score_their_verdict_note(struct score_theirs *t, const struct import_answer *a,
			      answer_t ours);
/* ... and the counts in run.json's source of PATH and on the terminal */
void score_their_verdicts_report(struct score *s, const char *path);
/* score_files.c: run.json and status.json of what was scored. */
int score_write_run_files(struct score *s, int argc, char **argv, char *err);

/* cli/score_formats.c */
int score_formats_journal(struct score *s, const char *path, const char *run_dir, char *err);
int score_formats_first_char(const char *path, int *has_tab, int *is_journal);
int score_formats_first_line_has(const char *path, const char *field);
/* The lmms-eval task of a samples file, from its first non-blank line. */
enum import_lmms_kind score_formats_lmms_kind(const char *path);

#endif
