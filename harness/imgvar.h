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

#include <stdint.h>

#include "../suites/item.h"

/* Bumped whenever the bytes hflip produces could change. */
#define IMGVAR_VERSION 1

/*
 * No image with more pixels than this is decoded or transformed: the sides
 * in its header are checked before any allocation (a decompression bomb is
 * a data error naming the image, not 12 GB of memory).  64 megapixels by
 * default (8192 x 8192), `--max-pixels N` to change it.
 */
#define IMAGE_MAX_PIXELS_DEFAULT ((uint64_t)64 << 20)
void image_set_max_pixels(uint64_t n); /* 0: the default */
uint64_t image_max_pixels(void);       /* the cap in force (the BMP conversion checks it too) */

/* Fills out (caller releases) with the mirrored image.  VSR_EDATA on failure. */
int image_hflip(const struct image *in, struct image *out, char *err);

#endif
