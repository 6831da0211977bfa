/*
 * task: what the expander makes of an item and the scheduler runs.
 *
 * A job is one item with the tasks still missing from the journal; a task
 * is one (template, image variant, option order) of it, with its stable key
 * (DESIGN.md): the expander builds them, the scheduler runs them, `score`
 * recomputes the keys of answers given elsewhere.
 */
#ifndef VSR_TASK_H
#define VSR_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "../suites/item.h"
#include "../suites/suite.h"
#include "../suites/template.h"

/* Which image a task shows the model. */
enum image_variant {
	IMG_ORIG = 0,
	IMG_HFLIP, /* mirrored left-right */
	IMG_BLIND, /* no image at all */
};

struct task {
	uint64_t key;
	uint64_t image_digest;      /* the variant's image digest (part of key; the response cache's key) */
	const struct template *tpl; /* borrowed from the template set */
	char *prompt;
	const char *variant;        /* static: "base", "converse", "hflip", "converse+blind" ... */
	enum image_variant image;
	answer_t label;             /* the expected answer of this variant */
	size_t rotation;            /* multiple choice: options shifted by this much (0: as given) */
};

struct job {
	struct item item;
	const struct suite *suite; /* borrowed */
	struct task *tasks;
	size_t n_tasks;
	struct image hflip;        /* the mirrored image, made by sched_load_image when needed */
	char **rotated;            /* rotated options, n_choices per task (borrowed strings) */
};

void job_free(struct job *j);

/* The stable task key of DESIGN.md. */
uint64_t task_key(const char *suite, const char *item_id, const char *variant,
		  const char *template_id, const char *prompt, uint64_t image_digest,
		  uint64_t model_fp, int max_tokens, double temperature, uint64_t seed);

#endif
