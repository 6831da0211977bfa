/*
 * imgvar: image variants for the vision-side perturbations.
 *
 * hflip mirrors an image left-right.  A JPEG is mirrored with libturbojpeg's
 * lossless transform when its width is a whole number of MCUs (no
 * re-compression, the DCT blocks are just reordered); otherwise it is
 * decoded, mirrored and re-encoded at quality 95.  A PNG is decoded and
 * re-encoded losslessly through libpng.
 */
#ifndef VSR_IMGVAR_H
#define VSR_IMGVAR_H

#include "../suites/item.h"

/* Bumped whenever the bytes hflip produces could change. */
#define IMGVAR_VERSION 1

/* Fills out (caller releases) with the mirrored image.  VSR_EDATA on failure. */
int image_hflip(const struct image *in, struct image *out, char *err);

#endif
