/*
 * mime: an image's media type from its first bytes (magic numbers), for the
 * HTTP bodies and the reports.  Knows no suite and no model.
 */
#ifndef VSR_MIME_H
#define VSR_MIME_H

#include <stddef.h>

/* "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", else
 * "application/octet-stream"; a static string. */
const char *image_sniff_mime(const unsigned char *p, size_t n);

#endif
