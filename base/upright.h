/*
 * upright: a JPEG stored turned (an EXIF orientation other than 1, as
 * phones store portrait photos) made into the picture a viewer shows: its
 * pixels turned or flipped by the orientation, the tag set to 1 (a PNG
 * with an orientation in its eXIf chunk: turned, the chunk left out).  A server
 * that applies the tag (vLLM, browsers, PIL's exif_transpose) and one that
 * does not (SGLang, a script that opens the file with PIL's Image.open) then
 * see the same picture, the one the user labelled.  Knows no suite and no
 * model.
 *
 * Lossless (libturbojpeg's transform: the DCT blocks reordered) when the
 * sides the turn moves are whole MCUs, as a phone's 4032 x 3024 are;
 * otherwise decoded, turned and re-encoded at quality 95 in the file's own
 * colour space (grey, RGB or CMYK) with its APP1 and APP2 segments (EXIF,
 * XMP, ICC profile) kept.
 */
#ifndef VSR_UPRIGHT_H
#define VSR_UPRIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Bumped whenever the bytes jpeg_upright makes could change. */
#define UPRIGHT_VERSION 1

/*
 * The JPEG p[0..n) upright, appended to out (caller releases): 0.  1 when
 * there is nothing to turn (no JPEG, no orientation or 1); out untouched.
 * VSR_EDATA with err (VSR_ERR_MAX bytes) when it cannot be decoded, or has
 * more than max_pixels pixels (checked on its header's sides before any
 * allocation).
 */
int jpeg_upright(const unsigned char *p, size_t n, uint64_t max_pixels, struct buf *out,
		 char *err);

/*
 * The same for a PNG with an EXIF orientation (its eXIf chunk): decoded,
 * turned and written again, losslessly at 8 bits a sample (grey or colour
 * and alpha as the file has them; 16-bit samples scaled, read as sRGB
 * without a gamma, as -p hflip reads them), without the chunk.
 */
int png_upright(const unsigned char *p, size_t n, uint64_t max_pixels, struct buf *out,
		char *err);

#endif
