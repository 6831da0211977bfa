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

/*
 * The pixel cap: no image with more pixels than this is decoded or
 * transformed (harness/imgvar.h, base/bmp.h); the sides in its header are
 * checked before any allocation (a decompression bomb is a data error
 * naming the image, not 12 GB of memory).  64 megapixels by default (8192
 * x 8192), `vsrbench run --max-pixels N` to change it.  Set once, before
 * any thread reads it.
 */
#define IMAGE_MAX_PIXELS_DEFAULT ((uint64_t)64 << 20)
void image_set_max_pixels(uint64_t n); /* 0: the default */
uint64_t image_max_pixels(void);       /* the cap in force */

/*
 * The largest image file read follows the pixel cap: IMAGE_FILE_SLACK plus
 * 4 bytes per pixel of it, the size of an uncompressed 8-bit RGBA image of
 * that many pixels with room for its container and metadata.  320 MiB at
 * the default cap; SIZE_MAX when the sum does not fit.
 */
#define IMAGE_FILE_SLACK ((size_t)64 << 20)
size_t image_file_max(void);

/*
 * Reads an image file whole into out (out->max set here).  VSR_EDATA on
 * failure; a file over image_file_max() is refused before it is read, the
 * error naming its size, the cap and --max-pixels.
 */
int image_read_file(const char *path, struct buf *out, char *err);
/*
 * The digest of an image file's bytes, as suites put in item->image_digest;
 * a JPEG's or PNG's EXIF orientation other than 1 is hashed in with UPRIGHT_VERSION
 * (it is sent turned: image_load_path).
 */
int image_digest_file(const char *path, uint64_t *digest, char *err);
/*
 * A digest of an image stored turned (orientation 2 to 8: it is sent
 * upright) that names the turn too, so that answers about the image as
 * stored (as an earlier version sent it) are neither resumed nor reused;
 * digest itself for orientation 1.
 */
uint64_t image_digest_turned(uint64_t digest, int orientation);
/* The EXIF orientation (1: none) of the JPEG or PNG whose base64 text is b[0..n). */
int image_b64_orientation(const char *b, size_t n);
/* The same for the image of item id of suite: an error names both (and where, when not NULL). */
int image_digest_item(const char *path, const char *suite, const char *id, const char *where,
		      uint64_t *digest, char *err);
/*
 * The image bytes b (of type mime, image_sniff_mime's) made what is sent:
 * a JPEG with more after its first picture, a PNG with data after its IEND
 * chunk or a GIF with data after its trailer, cut to that picture; a GIF
 * without its trailer given one; a JPEG or PNG stored turned (an EXIF
 * orientation) made upright (base/upright.h), each said once per run on
 * stderr with name (the image's path, or FILE:LINE of a dataset file that
 * holds it).  Other types are left as they are.  0, or VSR_EDATA with err
 * (b released) when the turn fails.
 */
int image_prepare(struct buf *b, const struct item *it, const char *name, const char *mime,
		  char *err);
/*
 * A suite_ops.load_image for suites whose items carry image_path: reads the
 * file, sniffs its type.  A JPEG with more after its first picture (a
 * motion photo's video, an MPO's other pictures; base/imgfile.h), or a PNG
 * with data after its IEND chunk, is cut to that picture, and a JPEG or
 * PNG stored turned (an EXIF orientation) is sent upright (base/upright.h),
 * each said once per run on stderr.  priv is unused.
 */
int image_load_path(void *priv, const struct item *it, struct image *img, char *err);

/*
 * Decodes the JPEG or PNG at path whole (a cut-short or non-image body
 * fails): 0, or VSR_EDATA with err naming label.  Used before a downloaded
 * image is renamed into place.
 */
int image_check_whole(const char *path, const char *label, char *err);

#endif
