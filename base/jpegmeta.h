/*
 * jpegmeta: the metadata segments of a JPEG file, read without decoding
 * it: the EXIF orientation, and the APP1/APP2 segments carried over to a
 * re-encoded copy.  Knows no suite and no model.
 *
 * The bytes are untrusted (a dataset's file): every length and offset is
 * checked against the bytes at hand, and a segment that cannot be read is
 * taken as absent, never as an error (the decoder judges the image).  The
 * segments are those before the first scan (SOS); walking stops at the
 * first malformed marker.
 */
#ifndef VSR_JPEGMETA_H
#define VSR_JPEGMETA_H

#include <stddef.h>

#include "buf.h"

/*
 * The EXIF orientation of the JPEG p[0..n): TIFF tag 0x0112 (a SHORT, count
 * 1) in IFD0 of the first APP1 segment that starts "Exif\0\0".  1 to 8 as
 * EXIF numbers them; 1 when the file has none or it cannot be read.  What a
 * viewer applying the tag shows, from the stored pixels:
 *   1 as stored               5 transposed (rows become columns)
 *   2 mirrored left-right     6 turned 90 degrees clockwise
 *   3 turned 180 degrees      7 transverse (transposed, then turned 180)
 *   4 mirrored top-bottom     8 turned 90 degrees anticlockwise
 * 5 to 8 swap the sides: a stored row is a displayed column.
 */
int jpeg_exif_orientation(const unsigned char *p, size_t n);

/*
 * A PNG's eXIf chunk (its EXIF data, PNG 1.5 extensions), found by walking
 * the chunks of p[0..n) from after the signature: the chunk whole (length,
 * type, data, CRC) in *chunk, *chunk_len: 1.  0 when it has none (or its
 * chunks cannot be followed to it).
 */
int png_exif_chunk(const unsigned char *p, size_t n, const unsigned char **chunk,
		   size_t *chunk_len);
/* The orientation in the eXIf chunk of the PNG p[0..n), as jpeg_exif_orientation; 1 without. */
int png_exif_orientation(const unsigned char *p, size_t n);

/*
 * Sets the orientation jpeg_exif_orientation reads (one other than 1) to 1,
 * in place: 0, or -1 when there is none to set.
 */
int jpeg_reset_orientation(unsigned char *p, size_t n);

/*
 * The same tag read from a bare EXIF payload t[0..n): the TIFF structure
 * (II or MM first), as a PNG's eXIf chunk holds it; one that starts
 * "Exif\0\0" (some writers put JPEG's prefix in) is read past it.
 */
int exif_orientation(const unsigned char *t, size_t n);

/*
 * Removes from the JPEG p[0..n), in place, its multi-picture index (the
 * APP2 segments that start "MPF\0", CIPA DC-007) and returns the new
 * length (n when it has none).  For the first picture of an MPO cut from
 * the others: its index would name pictures no longer there.
 */
size_t jpeg_drop_mpf(unsigned char *p, size_t n);

/*
 * Appends to out (no cap) the JPEG jpeg[0..n) with every APP1 (EXIF, XMP)
 * and APP2 (ICC profile) segment of the JPEG from[0..from_n) put in after
 * its SOI marker and a JFIF APP0 segment that directly follows it.  0, or
 * -1 (out unchanged) when jpeg does not start with SOI.
 */
int jpeg_copy_meta(const unsigned char *from, size_t from_n, const unsigned char *jpeg,
		   size_t n, struct buf *out);

#endif
