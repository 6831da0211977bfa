/*
 * synth: the built-in synthetic suite.
 *
 * Each item is a procedurally drawn scene of 2-4 flat shapes (circle, square,
 * triangle) in distinct colours on a white background, and a caption
 * "The <colour> <shape> is <relation> the <colour> <shape>." whose truth is
 * computed from the geometry.  Item i is a pure function of (seed, i, size,
 * distractors, relations): the suite streams without holding past items, and
 * a run with count=N is a prefix of a run with count=M > N.
 *
 * Options (-S KEY=VALUE):
 *   count=N         items, 1..10000000 (default 200)
 *   relations=LIST  comma-separated relation names (default: all eight);
 *                   words may be joined by spaces, '_' or '-' ("left_of"),
 *                   case is ignored, "all" stands for every relation;
 *                   the order given is the round-robin order
 *   size=N          square image side in pixels, 64..2048 (default 256)
 *   distractors=N   extra shapes besides subject and object, 0..2 (default 1)
 *
 * Geometry guarantees (S = image side; sizes are even, all shapes fill a
 * d x d box, triangles point up; every box lies inside the image):
 *   left of/right of/above/below: the box centres differ by >= 12% of S
 *       along the axis, in the stated direction when true and in the
 *       opposite direction when false; the boxes are >= max(3, 2% of S) px
 *       apart;
 *   near/far from: the Euclidean gap between the two boxes is <= 5% of S
 *       (but >= max(2, 1% of S) px) or >= 35% of S, nothing in between;
 *   touching: true = the boxes abut and at least one subject pixel is
 *       4-adjacent to an object pixel (no overlap); false = gap >= 6% of S;
 *   inside: true = the subject's box grown by a margin of max(3, S/64) px
 *       lies within the object's pixels (the subject is drawn on top);
 *       false = the boxes are >= max(3, 2% of S) px apart;
 *   distractors keep a gap of >= max(3, 2% of S) px from every other shape.
 */
#ifndef VSR_SYNTH_H
#define VSR_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "item.h"
#include "suite.h"

extern const struct suite_ops synth_suite_ops;

/* Changes whenever the pixels drawn for a given scene would change. */
#define SYNTH_RENDERER_VERSION 1

/* Palette entry: index 0 is the white background, 1..8 the shape colours. */
struct synth_colour {
	const char *name; /* "white", "red", ... */
	unsigned char r, g, b;
};
#define SYNTH_N_COLOURS 9
const struct synth_colour *synth_palette(size_t *n);

/* The relation names the suite knows, in their canonical spelling. */
const char *const *synth_relations(size_t *n);

/*
 * Fills `it` with item `index` of the open suite `priv`, independently of
 * next() (random access; index may exceed count()).  Returns 0, or an error
 * code with err set; on error `it` is left empty.  Caller releases `it`.
 */
int synth_item_at(void *priv, unsigned long index, struct item *it, char *err);

/* The image side in pixels of an open suite. */
size_t synth_image_side(void *priv);

/*
 * Renders the scene of a synth item as palette indices (see synth_palette),
 * row-major, into `pixels` of side*side bytes where side is the image side
 * the item was made with.  Returns 0, or VSR_EDATA when it is not a synth
 * item or `side` does not match.
 */
int synth_render_indexed(const struct item *it, unsigned char *pixels, size_t side, char *err);

#endif
