/*
 * mme: the MME benchmark (Fu et al. 2023, arXiv:2306.13394), 14 yes/no
 * subtasks, every image asked twice (one "Yes" and one "No" question).
 *
 * Suites: mme-<subtask> for each subtask (mme-position is the spatial one,
 * 30 images, 60 questions), mme-perception (10 subtasks), mme-cognition (4):
 * presets of one loader, mme_suite_ops, whose parameter (suites/registry.c)
 * is either subtask=NAME (an official name: "position", "OCR") or
 * group=perception|cognition.
 * Items are "<subtask>/<image>#1" and "#2", grouped by "<subtask>/<image>"
 * (the pair acc+ needs), category = the subtask's official name.
 *
 * Data, in either distributed layout (the first found wins):
 *   lists:   DIR/<subtask>.txt, lines `image \t question \t Yes|No` in pairs
 *            (the eval tool's Your_Results/; default
 *            DATA/mme/eval_tool/Your_Results), images under --images DIR
 *            (also DIR/<subtask>/ and DIR/<subtask>/images/);
 *   release: ROOT/<subtask>/images/ (the .jpg files) and
 *            ROOT/<subtask>/questions_answers_YN/ (a .txt per image), or images and .txt side by side in ROOT/<subtask>/, each
 *            .txt `question \t Yes|No` per line (default ROOT:
 *            DATA/mme/MME_Benchmark_release_version).
 * Option -S dir=PATH names either folder instead.
 */
#ifndef VSR_MME_H
#define VSR_MME_H

#include <stddef.h>

#include "../base/buf.h"
#include "item.h"
#include "suite.h"

struct mme_subtask {
	const char *name;  /* official name, the list's file stem: "position", "OCR" */
	const char *suite; /* its preset's name: "mme-position", "mme-ocr" */
	int cognition;     /* 0: perception */
};

/* The 14 subtasks in calculation.py's order (perception first). */
const struct mme_subtask *mme_subtasks(size_t *n);
/* By official name (exact), or NULL. */
const struct mme_subtask *mme_subtask_find(const char *name);

/* One line of an eval-tool list; strings are borrowed for the callback. */
struct mme_line {
	size_t lineno;
	const char *image, *question;
	answer_t label;       /* ANS_YES or ANS_NO */
	const char *response; /* the 4th column of an answered list, else NULL */
	int nth;              /* 1 or 2: first or second question of the image */
};

/* A ground truth as the eval tool reads it: yes or no, any case; -1 otherwise. */
int mme_label(const char *s, answer_t *out);

/* The longest line read from an MME list or release file. */
#define MME_LINE_MAX ((size_t)1 << 20)

/*
 * Calls fn for each line of a list (suites/mme_list.c), in order.  Bad lines (column count,
 * label, a pair split across two images, an odd line count) are VSR_EDATA
 * with FILE:LINE.  fn returns 0 to go on.
 */
int mme_list_scan(const char *path, int (*fn)(const struct mme_line *, void *), void *ctx,
		  char *err);

/* The item id and group of a question: "<subtask>/<image>#<nth>", "<subtask>/<image>". */
void mme_item_id(struct buf *out, const char *subtask, const char *image, int nth);
void mme_group(struct buf *out, const char *subtask, const char *image);

extern const struct suite_ops mme_suite_ops;

#endif
