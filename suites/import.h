/*
 * import: answers a model already gave, read from other tools' files, for
 * `vsrbench score`.
 *
 * Each importer is a parser of one untrusted file and nothing more: it calls
 * back once per recorded answer with what the answered task was (struct
 * import_answer) and prints nothing.  It does not read the reply (the caller
 * extracts the answer, computes the task key and writes the journal) and
 * only counts oddities the caller may warn about.  Every importer has a
 * fuzz target (tests/fuzz/fuzz_import_NAME.c).
 */
#ifndef VSR_IMPORT_H
#define VSR_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "../base/keyset.h"
#include "item.h"
#include "mme.h"
#include "seed.h"

/* The longest line read from an imported file. */
#define IMPORT_LINE_MAX ((size_t)16 << 20)

/* One recorded answer.  Strings are borrowed for the callback's duration. */
struct import_answer {
	size_t lineno;
	const char *item;
	const char *group;    /* or NULL */
	const char *category; /* or NULL */
	const char *tmpl;     /* the template the suite's own tasks use ("q01"), or "recorded" */
	const char *format;   /* "yesno", "choice" */
	const char *prompt;   /* "" when it is not known */
	const char *image;    /* or NULL */
	answer_t label;
	const char *response; /* the reply as recorded */
	const char *const *choices; /* the options to read the reply against, or NULL */
	size_t n_choices;
};

/*
 * The callback: 0 to go on; anything else stops the import, which returns
 * it.  err is the importer's own: the callback may fill it.
 */
typedef int (*import_fn)(const struct import_answer *a, void *ctx, char *err);

/* ---- MME answered lists -------------------------------------------------- */

/* The subtask an answered list is for, from its name <subtask>.txt; NULL if none. */
const struct mme_subtask *import_mme_subtask_of(const char *path);
/*
 * An MME answered list of subtask t: `image \t question \t Yes|No \t answer`
 * per line, the lines in pairs (the eval tool's Your_Results with the
 * model's answers).  Items and groups are the mme suites' own; the template
 * is q01 (MME's question as it is).  VSR_EDATA with FILE:LINE for a bad
 * line or one without its answer.
 */
int import_mme_list(const char *path, const struct mme_subtask *t, import_fn fn, void *ctx,
		    char *err);

/* ---- SEED-Bench result files --------------------------------------------- */

/* A SEED-Bench question file, indexed by question id. */
struct import_seed_questions {
	struct seed_file f;
	struct u64map at; /* hash of question_id -> index + 1 */
};
/* Loads every question of the file (seed_file_load's errors). */
int import_seed_questions_load(struct import_seed_questions *q, const char *path, char *err);
void import_seed_questions_release(struct import_seed_questions *q);

/* What a result file held that the caller may warn about. */
struct import_seed_stats {
	size_t duplicates;        /* question ids seen before: the first answer counts */
	size_t duplicates_differ; /* of them, with another prediction */
	size_t gt_differs;        /* "gt_answer" differs from the question file's answer */
	size_t no_question;       /* ids not in the (non-empty) question file */
};

/*
 * A SEED-Bench result file: one {"question_id": ..., "prediction": ...}
 * object per line as eval.py writes it, also the published files with a ','
 * after each object, inside [ ], and with an optional "gt_answer".  The
 * ground truth and dimension come from q (NULL or empty: none), else from
 * "gt_answer" (A-D) and, for SEED-Bench-2 ids "<dimension>_<n>", the
 * dimension's name.  spatial_only keeps Spatial Relation and Instance
 * Location.  Answers are "choice" tasks of template "recorded" (the prompt
 * the model saw is not known).  st is zeroed first.  VSR_EDATA with
 * FILE:LINE for a line that is not such an object or a question without
 * ground truth.
 */
int import_seed_results(const char *path, const struct import_seed_questions *q,
			int spatial_only, import_fn fn, void *ctx, struct import_seed_stats *st,
			char *err);

#endif
