/*
 * Internal to the synth suite (synth.c, synth_draw.c): the scene an item
 * carries and what the two files share.  Not for use outside suites/synth*.c.
 */
#ifndef VSR_SUITES_SYNTH_INT_H
#define VSR_SUITES_SYNTH_INT_H

#include <stdint.h>

#include "synth.h"

#define SYNTH_MAX_SHAPES 4
#define SYNTH_SCENE_MAGIC 0x73796e74u /* "synt" */

struct shape {
	int32_t kind;   /* SH_* */
	int32_t colour; /* palette index 1..8 */
	int32_t x, y;   /* top-left corner of the d x d box */
	int32_t d;      /* even, >= 12 */
};

/* s[0] is the subject, s[1] the object, s[2..n-1] distractors. */
struct scene {
	uint32_t magic;
	int32_t side;
	int32_t relation;
	int32_t label; /* 1 true, 0 false */
	int32_t n;
	struct shape s[SYNTH_MAX_SHAPES];
};

/* synth.c */
extern const struct synth_colour synth_colours[SYNTH_N_COLOURS];
int synth_row_span(const struct shape *sh, int32_t y, int32_t *x0, int32_t *x1);

/* synth_draw.c */
int synth_load_image(void *priv, const struct item *it, struct image *img, char *err);

#endif
