/*
 * The VSR suites and the reading of VSR split files (also used by `data check`).
 *
 * Suites: vsr-zeroshot-test (alias vsr-unified) and the other splits of
 * the split table below, presets of one loader, vsr_suite_ops, with no
 * parameter: the loader finds its split file by the preset's name in that
 * table, which `vsrbench data check` reads too.  No -S options.
 */
#ifndef VSR_VSR_H
#define VSR_VSR_H

#include <stddef.h>

#include "suite.h"

extern const struct suite_ops vsr_suite_ops;

struct vsr_split {
	const char *suite; /* "vsr-zeroshot-test" */
	const char *split; /* "zeroshot"; NULL for the validated pool */
	const char *part;  /* "test" */
};

/* Counts for run.json and `vsrbench data check vsr`. */
struct vsr_stats {
	size_t items;
	size_t unsplit;                /* captions not splittable into subject/relation/object */
	size_t unknown_relations;      /* items whose relation VSR does not have (--allow-unknown-relations) */
	size_t subject_fixed;          /* upstream subj quirk corrected from the caption */
	size_t missing_images;         /* distinct image names with no file */
	size_t skipped_missing_images; /* items skipped for that reason */
};

/* One validated line, as vsr_scan hands it over (all strings borrowed). */
struct vsr_line {
	size_t lineno;
	const char *image, *caption, *relation;
	const char *image_link; /* NULL when the line has none */
	int label; /* 0 or 1 */
	const char *upstream_subj, *upstream_obj; /* zero-shot only, else NULL */
	char *subj, *obj; /* derived from the caption, NULL when it cannot be split */
	int subj_fixed;     /* upstream subj was the lstrip("The ") form of subj */
	int subj_disagrees; /* upstream subj/obj differ from the caption otherwise */
	const char *raw;
	size_t raw_len;
};

/* The split of a VSR suite's public name ("vsr-zeroshot-test", not an alias), or NULL. */
const struct vsr_split *vsr_split_find(const char *suite);
/*
 * DATA/vsr/data/splits/<split>/<part>.jsonl, or .jsonl.gz if only that
 * exists (suites/vsr_where.c).  VSR_EDATA when neither is there, saying what
 * the folder holds when it holds VSR in another layout (a clone of VSR's
 * repository given as --data; a split copied flat from Hugging Face).
 */
int vsr_split_path(const struct vsr_split *sp, const char *data_dir, char **out, char *err);

/* The image folders a VSR suite looks in without --images. */
struct vsr_image_roots {
	char dir[3][4096];
	const char *roots[3];
	size_t n;
};
/*
 * DATA/vsr/images (where `data pull` puts them), then those of VSR's own
 * data/README in a clone kept as DATA/vsr (DATA/vsr/data/images,
 * DATA/vsr/data/trainval2017) when they exist; returns how many.
 */
size_t vsr_default_image_roots(const char *data_dir, struct vsr_image_roots *out);
/*
 * Calls fn for each line of a VSR file in order; bad lines are VSR_EDATA with
 * FILE:LINE.  fn returns 0 to go on.
 */
int vsr_scan(const char *path, int (*fn)(const struct vsr_line *, void *), void *ctx, char *err);
/*
 * Splits "The car is behind the suitcase." with relation "behind" into
 * "car" and "suitcase" (caller frees both).  -1 (both NULL) when the caption
 * does not contain the relation between two non-empty parts.
 */
int vsr_split_caption(const char *caption, const char *relation, char **subj, char **obj);

/*
 * DATA/vsr/boxes.jsonl (suites/boxes.h) keys a box by image and COCO
 * category: the name split from the caption (VSR's captions use COCO's
 * category names; every split has a caption, only the zero-shot files an
 * upstream subj/obj), else the upstream subj/obj.
 */
#define VSR_BOXES_FILE "boxes.jsonl"
const char *vsr_box_category(const char *upstream, const char *from_caption);

/*
 * Which published version of the zero-shot test the file at path (items
 * lines) is: "tacl-1222" (its sha256 is the pinned one of the TACL
 * release), "tacl-1222-by-count" / "pre-tacl-731-by-count" (no digest match:
 * told by the item count; no digest of the 731-item release is on record),
 * or "unknown".  sha256_hex (65 bytes) gets the file's digest, or "".
 */
const char *vsr_test_version(const char *path, size_t items, char *sha256_hex);

#endif
