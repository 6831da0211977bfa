/*
 * imgcheck: before any request, every image a suite will send is checked
 * to be one it can send, cheaply (base/imgfile.h: the first and last bytes,
 * no decoding): an empty file, a HEIC named .jpg or a JPEG cut in half is
 * bad data named up front (exit 3), not a model failure paid for and
 * retried on every resume.  When the run mirrors images (-p hflip), a type
 * that cannot be mirrored is refused the same way.  Used by every suite
 * that reads image files (vsr, mme, seed); the errors and the
 * --skip-missing-images warning have the shape of the missing-image ones.
 */
#ifndef VSR_IMGCHECK_H
#define VSR_IMGCHECK_H

#include <stddef.h>

#include "../base/buf.h"
#include "suite.h"

/* How many refused images an error names. */
#define IMAGE_BAD_FIRST 3

/* The images a suite refused, as it found them. */
struct image_bad {
	size_t images; /* distinct image files refused */
	size_t items;  /* the items whose image is one of them (the suite counts) */
	struct {
		char *item, *where, *path, *why; /* where: "file:line" or "file", or NULL */
	} first[IMAGE_BAD_FIRST];
};

/*
 * Checks the image file at path (found by image_resolve): 0 when it can be
 * sent (and mirrored, when `mirror`: suite_config.mirror_images), else
 * VSR_EDATA with what is wrong in why (VSR_ERR_MAX bytes, without the
 * file's name).
 */
int image_check_file(const char *path, int mirror, char *why);

/* Records a refused image (copies the strings) and counts it, its item too. */
void image_bad_note(struct image_bad *b, const char *item, const char *where, const char *path,
		    const char *why);
void image_bad_release(struct image_bad *b);

/*
 * The error naming the refused images (b->images > 0): the item, where it
 * was read, the file and what is wrong, for the first few.  VSR_EDATA.
 */
int image_bad_error(const struct image_bad *b, const char *suite, char *err);

/*
 * Every item skipped (--skip-missing-images) and some images refused: the
 * error saying so, with the first refused.  VSR_EDATA.
 */
int image_none_usable_error(const struct image_bad *b, const char *suite, size_t missing,
			    char *err);

/*
 * --skip-missing-images: one warning line on stderr when items were
 * skipped: how many of how many, the images missing and those refused
 * (the first named).  Nothing when none was.
 */
void image_skip_warn(const char *suite, size_t skipped, size_t items, size_t missing,
		     const struct image_bad *bad);

#endif
