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
	const char *l2;       /* or NULL: the row's l2-category (an MMBench sheet that has one) */
	/*
	 * The other harness's own verdict on this reply, when the file carries
	 * one (VLMEvalKit's evaluated sheets: "extracted" of a yes/no set, its
	 * exact matching then its judge; "hit" of a multiple-choice set): the
	 * column, the cell as written, and whether that harness counted the row
	 * right.  theirs NULL: the file has no such column.
	 */
	const char *theirs_col;
	const char *theirs;
	int theirs_right;
};

/*
 * The callback: 0 to go on; anything else stops the import, which returns
 * it.  err is the importer's own: the callback may fill it.
 */
typedef int (*import_fn)(const struct import_answer *a, void *ctx, char *err);

struct import_mme_ref;   /* below */
struct import_mme_stats; /* below */

/*
 * lmms-eval's samples for its mme task (`*_samples_mme.jsonl`, one object a
 * line): the reply is "filtered_resps" (a string, or its first element),
 * else resps[0][0]; the question id ("<subtask>/<image>") and question from
 * "doc" (doc.question_id, doc.question, doc.category) or, in the newer
 * layout without doc, from "mme_*_score".question_id and "input" (the
 * prompt sent: LLaVA's short-answer suffix replaced as import_mme_llava
 * does).  "target" is checked against the lists (label_differs).
 */
int import_mme_lmms(const char *path, const struct import_mme_ref *ref, import_fn fn, void *ctx,
		    struct import_mme_stats *st, char *err);

struct xlsx_sheet; /* suites/xlsx.h */

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
	size_t no_truth;          /* of them, without "gt_answer": cannot be scored, left out */
	size_t video;             /* answers to video questions (ids "v...") */
	size_t gt_trimmed;        /* "gt_answer"s with spaces around the letter ("A " reads A) */
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

/* ---- MME answers matched to the question lists --------------------------- */

/*
 * The eval tool's question lists (Your_Results/<subtask>.txt) as the
 * reference every other MME format is matched to, by (subtask, image stem,
 * question) as LLaVA's convert_answer_to_mme.py matches.  Opaque.
 */
struct import_mme_ref;
/* Loads every list in dir (all 14 must be there); *out is the caller's to free. */
int import_mme_ref_load(struct import_mme_ref **out, const char *dir, char *err);
void import_mme_ref_free(struct import_mme_ref *r);

/* What a matched import found, for the caller to report. */
struct import_mme_stats {
	size_t matched;       /* answers matched to a question of the lists */
	size_t unmatched;     /* answers for no question of the lists: not scored */
	size_t duplicates;    /* a question answered again: the first answer counts */
	size_t missing;       /* questions of the subtasks answered that no line answers */
	size_t label_differs; /* the file's own ground truth differs from the lists' */
	size_t two_space;     /* LLaVA JSONL: matched only by the two-space variant */
	char unmatched_example[160];
	char missing_example[160];
};

/* For the sheet importers: forget which questions were answered. */
void import_mme_ref_reset(const struct import_mme_ref *r);
/*
 * One answer to (subtask, image, question), the question also tried with
 * the two-space variant: to fn when it matches (label, when not
 * ANS_INVALID, is checked against the lists'), else counted unmatched.
 */
int import_mme_ref_match(const struct import_mme_ref *r, const char *subtask, const char *image,
			 const char *question, size_t lineno, const char *response, answer_t label,
			 import_fn fn, void *ctx, struct import_mme_stats *st, char *err);
/* Counts the questions of t (NULL: of every subtask answered at all) no answer matched. */
void import_mme_ref_missing(const struct import_mme_ref *r, const struct mme_subtask *t,
			    struct import_mme_stats *st);

/*
 * An answered list of subtask t in any line order, with any image
 * extension (LLaVA's converter writes ".txt"), lines possibly missing:
 * `image \t question \t gt \t answer`.  Missing questions are counted in
 * st (never answered, never wrong); st is zeroed first.
 */
int import_mme_answers(const char *path, const struct mme_subtask *t,
		       const struct import_mme_ref *ref, import_fn fn, void *ctx,
		       struct import_mme_stats *st, char *err);

/*
 * LLaVA's MME answer JSONL (model_vqa_loader's output): "question_id" =
 * "<subtask>/<image path>", "prompt" = the question with " Please answer yes
 * or no." replaced by LLaVA's short-answer suffix, "text" = the reply.
 * Matched to the lists as LLaVA's converter does (the suffix restored, then
 * the two-space variant).  Missing counts every subtask's questions.
 */
int import_mme_llava(const char *path, const struct import_mme_ref *ref, import_fn fn, void *ctx,
		     struct import_mme_stats *st, char *err);


/* Which sheet a header row says this is. */
enum import_sheet_kind {
	SHEET_UNKNOWN,
	SHEET_VLMEVAL_MME,  /* index, category, image_path, question, answer, prediction */
	SHEET_VLMEVAL_SEED, /* answer, question, A-D, index, category, prediction */
	SHEET_MMBENCH,      /* index, question, A-D, prediction, answer (submission or VLMEvalKit) */
};
enum import_sheet_kind import_sheet_kind(const struct xlsx_sheet *s);
/*
 * A VLMEvalKit .tsv prediction file (pandas' to_csv with sep="\t": quoted
 * fields may hold TABs and newlines) read into a sheet, so the importers
 * below read it as they read an xlsx.  An "image" column is skipped.
 */
int import_tsv_sheet(struct xlsx_sheet *s, const char *path, char *err);
const char *import_sheet_kind_name(enum import_sheet_kind k);

/*
 * A VLMEvalKit .json prediction file (PRED_FORMAT=json: an array of row
 * objects, Python's bare NaN for an empty cell) read into a sheet, as
 * import_tsv_sheet; the _mem form parses data[0..len) and names `name` in
 * its errors (FILE:LINE).  An "image" key is skipped.
 * import_json_is_sheet: does the file start as such an array ('[', the
 * first rows with "index" and "prediction", no "question_id")?
 */
int import_json_sheet(struct xlsx_sheet *s, const char *path, char *err);
int import_json_sheet_mem(struct xlsx_sheet *s, const char *name, const char *data, size_t len,
			  char *err);
int import_json_is_sheet(const char *path);
/* JSON as Python writes it: bare NaN, Infinity, -Infinity read as null.  Caller deletes. */
struct cJSON;
struct cJSON *import_json_parse_py(const char *text, size_t len);

/*
 * lmms-eval's logged samples (one object a line; suites/import_json.c
 * says which fields are read).  import_lmms_kind_of tells the task from a
 * line; import_lmms_sheet reads every sample of an MMBench or SEED-Bench
 * file into a sheet with the columns of an MMBench sheet or of VLMEvalKit's
 * SEEDBench_IMG sheet, so import_sheet_mmbench / import_sheet_seed score
 * it.  SEED's video questions are counted in *video, not read (vsrbench's
 * seed suites are image questions).  VSR_EDATA with FILE:LINE for a line
 * that is not a sample of that task.
 */
enum import_lmms_kind { LMMS_MME, LMMS_MMBENCH, LMMS_SEED };
enum import_lmms_kind import_lmms_kind_of(const char *line);
int import_lmms_sheet(struct xlsx_sheet *s, const char *path, enum import_lmms_kind want,
		      size_t *video, char *err);

/*
 * A VLMEvalKit MME sheet.  The ground truth is the sheet's own "answer";
 * with ref (may be NULL) each row is matched to the lists for its item id
 * and its answer checked against theirs (label_differs); without, the item
 * is "<subtask>/<image>#<n>" by order of appearance.  name is the file's.
 */
int import_sheet_mme(const struct xlsx_sheet *s, const char *name,
		     const struct import_mme_ref *ref, import_fn fn, void *ctx,
		     struct import_mme_stats *st, char *err);

/*
 * The questions of a VLMEvalKit SEEDBench_IMG sheet (index, category,
 * question, A-D, answer) as a SEED question file: ground truth and
 * dimensions of the image questions, for a result file that has neither.
 */
int import_seed_questions_from_sheet(struct import_seed_questions *q, const struct xlsx_sheet *s,
				     const char *name, char *err);

/*
 * A VLMEvalKit SEEDBench_IMG sheet: index = SEED question_id, category =
 * dimension, answer = ground truth (cross-checked against q when given:
 * gt_differs), the options A-D the reply is read against.
 */
int import_sheet_seed(const struct xlsx_sheet *s, const char *name,
		      const struct import_seed_questions *q, int spatial_only, import_fn fn,
		      void *ctx, struct import_seed_stats *st, char *err);

/*
 * An MMBench sheet with every circular copy as its own row: the item is
 * the row's index (copies >= 1,000,000), the group index % 1,000,000, the
 * label the row's "answer"; category from a "category" column when there.
 */
int import_sheet_mmbench(const struct xlsx_sheet *s, const char *name, import_fn fn, void *ctx,
			 char *err);

/*
 * The categories of MMBench's questions from its TSV (MMBench_DEV_EN.tsv:
 * the columns index and category; the base64 images are passed over, not
 * held), for a submission sheet without a category column: question
 * index % 1,000,000 -> category.
 */
struct import_mmbench_cats {
	struct u64map at; /* index -> position + 1 in cat */
	char **cat;
	char **l2; /* the row's l2-category, or NULL (no column, or empty) */
	size_t n;
};
int import_mmbench_cats_load(struct import_mmbench_cats *c, const char *path, char *err);
/* The category of question index (any circular copy), or NULL. */
const char *import_mmbench_cat(const struct import_mmbench_cats *c, const char *index);
/* Its l2-category as the TSV gives it, or NULL. */
const char *import_mmbench_l2(const struct import_mmbench_cats *c, const char *index);
void import_mmbench_cats_release(struct import_mmbench_cats *c);

#endif
