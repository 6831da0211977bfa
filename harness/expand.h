/*
 * expand: the expander of DESIGN.md.  One item becomes its tasks: one per
 * (instruction template x text variant x image variant x option rotation),
 * each with its stable key, its prompt and the answer it expects.  Tasks
 * already in the journal are left out (resume); a template that does not
 * apply to an item is left out and counted.
 *
 * Perturbations (-p):
 *   instr     the template pool (all built-ins unless -t says otherwise)
 *   format    the canonical wording in every answer format (yn01 tf01 ab01 ab07)
 *   converse  the caption restated with the converse relation (label kept)
 *   hflip     the image mirrored (label flips for left/right relations)
 *   blind     no image at all
 *   circular  multiple-choice options rotated (every rotation asked)
 *   repeat    the base task sent again, variant "repeat" (same prompt and
 *             image): the model's own disagreement with itself, the noise
 *             floor beside language sensitivity
 */
#ifndef VSR_EXPAND_H
#define VSR_EXPAND_H

#include <stddef.h>
#include <stdint.h>

#include "../suites/template.h"
#include "journal.h"
#include "scheduler.h"

enum {
	PERTURB_INSTR = 1u << 0,
	PERTURB_FORMAT = 1u << 1,
	PERTURB_CONVERSE = 1u << 2,
	PERTURB_HFLIP = 1u << 3,
	PERTURB_BLIND = 1u << 4,
	PERTURB_CIRCULAR = 1u << 5,
	PERTURB_REPEAT = 1u << 6,
};

/* The template ids -p format adds: the same wording in every answer format. */
#define FORMAT_FAMILY "yn01,tf01,ab01,ab07"

/* Parses a comma list of perturbation names.  VSR_EUSAGE for an unknown one. */
int perturb_parse(const char *spec, unsigned *flags, char *err);
/* Appends the names of the set flags ("instr,hflip") to out. */
void perturb_names(unsigned flags, struct buf *out);

struct expander {
	const struct template_set *ts;
	unsigned perturb;
	uint64_t model_fp;
	int max_tokens;
	double temperature;
	uint64_t seed;
	const struct journal *journal; /* NULL: keep every task (dry run) */
	struct buf prompt;             /* scratch */
	size_t done;                   /* tasks left out: already in the journal */
	size_t not_applicable;         /* tasks left out: the template needs a missing field */
	size_t no_converse;            /* items whose relation has no converse */
	size_t no_hflip;               /* tasks without a mirrored variant: left/right in a question */
};

/* Fills job->tasks from job->item.  VSR_EDATA when a prompt cannot be built. */
int expand_job(struct expander *e, struct job *job, char *err);
/*
 * The tasks item makes with e's templates and perturbations, whether the
 * journal holds them or not (the run's plan: the progress line's total).
 * Borrows item; 0 when a prompt cannot be built (expand_job says why).
 */
size_t expand_count(const struct expander *e, const struct item *item);
void expander_release(struct expander *e);

#endif
