/*
 * mmbench: MMBench multiple-choice suites from the TSV files VLMEvalKit and
 * OpenCompass distribute (DATA/mmbench/MMBench_DEV_EN.tsv by default).
 *
 * Suites: mmbench (every category) and mmbench-spatial (spatial_relationship
 * and object_localization): presets of one loader, mmbench_suite_ops.  A
 * preset's parameter category=LIST (suites/registry.c) is its default
 * selection, in the syntax of -S category=.  Options (-S):
 *   file=NAME        a file under DATA/mmbench/ (e.g. MMBench_DEV_EN_V11.tsv),
 *                    or a path when NAME has a '/'
 *   category=LIST    categories to run (comma list, case ignored; "all")
 *   l2=LIST          l2-categories to run ("finegrained_perception (cross-instance)")
 *                    category= and l2= replace the suite's default and are
 *                    united: a row is run when either names it
 *   circular=on|off  CircularEval (default on): each N-option question is asked
 *                    in its N rotations, from the copies baked into the file
 *                    (index + k*1000000) or generated when it has none; off
 *                    asks the originals only
 *
 * The file is streamed, never held: open() scans every row (column count,
 * quotes, options, answers, image references) and keeps, for the selected
 * rows only, where each row and its base64 image are (about 60 bytes a row;
 * an image another row refers to is found by a further pass only when that
 * row is not selected); next() reads just those rows; load_image() reads one
 * image with pread and decodes it.  Items are "<index>" (a rotation k is
 * index + k*1000000, as in the files), grouped by index % 1000000,
 * category = the row's category.
 */
#ifndef VSR_MMBENCH_H
#define VSR_MMBENCH_H

#include <stddef.h>

#include "suite.h"

extern const struct suite_ops mmbench_suite_ops;

#endif
