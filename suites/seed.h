/*
 * seed: SEED-Bench (1 and 2) multiple-choice suites from the question file
 * as released (DATA/seed/SEED-Bench.json, or -S file=SEED-Bench_v2.json):
 * {"questions": [...], "question_type": {"Scene Understanding": 1, ...}}.
 *
 * Suites: seed (every single-image dimension) and seed-spatial (Spatial
 * Relation and Instance Location): presets of one loader, seed_suite_ops.  A
 * preset's parameter dimension=LIST (suites/registry.c) is its default
 * selection, in the syntax of -S dimension=, which replaces it.  Options (-S): file=NAME (under
 * DATA/seed/, or a path with a '/'), dimension=LIST (names as in the file's
 * question_type map, case ignored; "all").  Dimensions are always looked up
 * by NAME in the loaded file's own map: releases of SEED-Bench-1 differ in
 * which id Instance Location has (3 or 4).  A warning names the file when
 * Spatial Relation or Instance Location do not have SEED-Bench-1's 657 and
 * 978 questions.  Images: data_id (also with .jpg or .png added) under
 * --images, or in its SEED-Bench-image/ folder; without --images under
 * DATA/seed/images (where `data pull --from-zip` puts them) or
 * DATA/seed/SEED-Bench-image (the archive unpacked beside the question
 * file).  Items are question_id; category = the dimension's name.
 */
#ifndef VSR_SEED_H
#define VSR_SEED_H

/* The folder SEED-Bench's image archive, SEED-Bench-image.zip, unpacks to. */
#define SEED_IMAGE_FOLDER "SEED-Bench-image"

#include <stddef.h>

#include "item.h"
#include "suite.h"

extern const struct suite_ops seed_suite_ops;

struct seed_q {
	char *id;
	char *question;
	char *choices[4];
	char *data_id;         /* NULL when the question has several images */
	const char *dimension; /* borrowed from seed_file.dims */
	answer_t answer;       /* ANS_LETTER(0..3) */
	int image;             /* 1: one image (not a video, not several images) */
};

struct seed_dim {
	char *name;
	long id;
	size_t questions; /* loaded */
};

struct seed_file {
	char *path;
	struct seed_q *q;
	size_t n;
	struct seed_dim *dims; /* the file's question_type map */
	size_t n_dims;
	/*
	 * Read as vsrbench reads them, counted so that a literal computation's
	 * difference is explained (SEED-Bench-2 has both): answers with spaces
	 * around the letter ("A " reads A), and question ids seen before (the
	 * first question counts, later ones are left out).
	 */
	size_t answers_trimmed, duplicate_ids;
};

/*
 * Loads the questions of the dimensions named in want[0..n_want) (all when
 * n_want is 0).  VSR_EUSAGE for a name the file's map lacks (the message
 * lists the names it has), VSR_EDATA with FILE:LINE for bad JSON or a bad
 * question.
 */
int seed_file_load(const char *path, const char *const *want, size_t n_want, struct seed_file *f,
		   char *err);
void seed_file_release(struct seed_file *f);
/*
 * 0 when path is a SEED-Bench question file seed_file_load reads (every
 * dimension), else VSR_EDATA naming path and what is wrong.
 */
int seed_file_check(const char *path, char *err);
/* The dimension of a loaded dimension name, or NULL. */
const struct seed_dim *seed_dim_find(const struct seed_file *f, const char *name);

/* SEED-Bench-2's dimension names by id (DATASET.md), or NULL. */
const char *seed2_dimension_name(long id);
/*
 * A SEED question asks about a video: SEED-Bench-1's "v..." ids, or a video
 * dimension (SEED-Bench-2's 19-22; SEED-Bench-1's 10-12 have the same names).
 * Either argument may be NULL.
 */
int seed_is_video(const char *qid, const char *dim);

#endif
