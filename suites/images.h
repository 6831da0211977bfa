/*
 * images: finding a dataset's image files safely, shared by every suite.
 *
 * A name from a data file is untrusted.  It may contain sub-folders, but it
 * can never resolve outside the --images roots: absolute names, ".."
 * components and symlinks that lead out of a root are rejected.
 */
#ifndef VSR_IMAGES_H
#define VSR_IMAGES_H

#include <stddef.h>

#include "suite.h"

/* Returned by image_resolve when the name is fine but no root holds it. */
#define IMAGE_MISSING (-1)

/*
 * Looks `name` up in cfg->image_dirs, in order.  0: *path is the file
 * (caller frees).  IMAGE_MISSING: no root has it (err says so).  VSR_EDATA:
 * the name is unsafe or a root is unusable (err says why).
 */
int image_resolve(const struct suite_config *cfg, const char *name, char **path, char *err);

/* "image/jpeg", "image/png", ... from the first bytes; a static string. */
const char *image_sniff_mime(const unsigned char *p, size_t n);

#endif
