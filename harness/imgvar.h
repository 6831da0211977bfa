/*
 * imgvar: image variants for the vision-side perturbations.
 *
 * hflip mirrors an image left-right as a viewer shows it.  A JPEG with an
 * EXIF orientation keeps its tag: orientations 1 to 4 get their stored
 * pixels mirrored left-right, 5 to 8 (a quarter turn or a transpose, which
 * make stored rows displayed columns) top-bottom, which mirrors what is
 * shown.  The flip is libturbojpeg's lossless transform when the side it
 * moves is a whole number of MCUs (no re-compression, the DCT blocks are
 * just reordered); otherwise the JPEG is decoded, flipped and re-encoded at
 * quality 95 in its own colour space (grey, RGB or CMYK), with its APP1 and
 * APP2 segments (EXIF, XMP, ICC profile) put back.  A PNG is decoded and
 * re-encoded through libpng at 8 bits a sample, grey or colour and alpha as
 * the file has them: lossless for 8-bit files; 16-bit samples are scaled,
 * taken as sRGB when the file names no gamma.  A PNG's EXIF orientation
 * (its eXIf chunk) counts as a JPEG's does, and the chunk is kept.
 */
#ifndef VSR_IMGVAR_H
#define VSR_IMGVAR_H

#include <stdint.h>

/*
 * The pixel cap (image_max_pixels, --max-pixels) is declared in
 * suites/images.h, beside the cap on image files that follows it: every
 * decoder here checks an image's sides against it before any allocation.
 */
#include "../suites/images.h"
#include "../suites/item.h"

/* Bumped whenever the bytes hflip produces could change. */
#define IMGVAR_VERSION 3

/* Fills out (caller releases) with the mirrored image.  VSR_EDATA on failure. */
int image_hflip(const struct image *in, struct image *out, char *err);

#endif
