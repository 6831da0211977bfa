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
#include <stdint.h>

#include "../base/buf.h"
#include "../base/mime.h"
#include "suite.h"

/* Returned by image_resolve when the name is fine but no root holds it. */
#define IMAGE_MISSING (-1)

/*
 * Looks `name` up in cfg->image_dirs, in order.  0: *path is the file
 * (caller frees).  IMAGE_MISSING: no root has it (err says so).  VSR_EDATA:
 * the name is unsafe or a root is unusable (err says why).
 */
int image_resolve(const struct suite_config *cfg, const char *name, char **path, char *err);

/* The largest image file a suite reads. */
#define IMAGE_FILE_MAX ((size_t)64 << 20)

/* Reads an image file whole into out (out->max set here).  VSR_EDATA on failure. */
int image_read_file(const char *path, struct buf *out, char *err);
/* The digest of an image file's bytes, as suites put in item->image_digest. */
int image_digest_file(const char *path, uint64_t *digest, char *err);
/*
 * A suite_ops.load_image for suites whose items carry image_path: reads the
 * file, sniffs its type.  priv is unused.
 */
int image_load_path(void *priv, const struct item *it, struct image *img, char *err);

/*
 * Decodes the JPEG or PNG at path whole (a cut-short or non-image body
 * fails): 0, or VSR_EDATA with err naming label.  Used before a downloaded
 * image is renamed into place.
 */
int image_check_whole(const char *path, const char *label, char *err);

#endif
