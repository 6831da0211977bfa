#include "jpegmeta.h"

#include <stdint.h>
#include <string.h>
#include "banned.h" /* last: see banned.h */

struct segment {
	unsigned char marker;      /* the byte after 0xFF: 0xE1 for APP1 */
	const unsigned char *at;   /* the segment from its 0xFF */
	size_t size;               /* all of it: marker, length and payload */
	const unsigned char *data; /* the payload, after the length */
	size_t data_len;
};

/*
 * The marker segment at *pos (just after SOI, or after the previous
 * segment) into s, *pos moved past it: 1.  0 at the scan (SOS), the end of
 * the image, a marker without a length, or a length past the end.
 */
static int next_segment(const unsigned char *p, size_t n, size_t *pos, struct segment *s)
{
	size_t i = *pos, len;

	/* Fill bytes: any number of 0xFF before a marker. */
	while (i + 1 < n && p[i] == 0xff && p[i + 1] == 0xff)
		i++;
	if (i >= n || n - i < 4 || p[i] != 0xff)
		return 0;
	s->marker = p[i + 1];
	/* SOS, EOI, SOI, the stuffed 0x00, TEM and RSTn carry no length here. */
	if (s->marker == 0xda || s->marker == 0xd9 || s->marker == 0xd8 || s->marker == 0x00 ||
	    s->marker == 0x01 || (s->marker >= 0xd0 && s->marker <= 0xd7))
		return 0;
	len = (size_t)p[i + 2] << 8 | p[i + 3];
	if (len < 2 || len > n - i - 2)
		return 0;
	s->at = p + i;
	s->size = len + 2;
	s->data = p + i + 4;
	s->data_len = len - 2;
	*pos = i + 2 + len;
	return 1;
}

static int starts_soi(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0xff && p[1] == 0xd8;
}

static unsigned rd16(const unsigned char *p, int be)
{
	return be ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

static uint32_t rd32(const unsigned char *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The orientation tag of the TIFF structure t[0..n) (an EXIF payload after "Exif\0\0"). */
static int tiff_orientation(const unsigned char *t, size_t n)
{
	size_t ifd, count;
	int be;

	if (n < 8)
		return 1;
	if (t[0] == 'I' && t[1] == 'I')
		be = 0;
	else if (t[0] == 'M' && t[1] == 'M')
		be = 1;
	else
		return 1;
	if (rd16(t + 2, be) != 42)
		return 1;
	ifd = rd32(t + 4, be);
	if (ifd > n - 2)
		return 1;
	count = rd16(t + ifd, be);
	for (size_t k = 0; k < count; k++) {
		size_t e = ifd + 2 + 12 * k; /* at most n + 786,422: no wrap */
		unsigned v;

		if (e > n || n - e < 12)
			return 1;
		if (rd16(t + e, be) != 0x0112)
			continue;
		if (rd16(t + e + 2, be) != 3 || rd32(t + e + 4, be) != 1)
			return 1;
		v = rd16(t + e + 8, be); /* a SHORT sits in the first two bytes of the value */
		return v >= 1 && v <= 8 ? (int)v : 1;
	}
	return 1;
}

/*
 * The orientation tag's value in the TIFF structure t[0..n), set to 1 in
 * place: 0, or -1 when it has no tag tiff_orientation reads.
 */
static int tiff_reset_orientation(unsigned char *t, size_t n)
{
	size_t ifd, count;
	int be;

	if (tiff_orientation(t, n) == 1 || n < 8)
		return -1;
	be = t[0] == 'M';
	ifd = rd32(t + 4, be);
	count = rd16(t + ifd, be);
	for (size_t k = 0; k < count; k++) {
		size_t e = ifd + 2 + 12 * k;
		if (rd16(t + e, be) == 0x0112) {
			t[e + 8] = be ? 0 : 1;
			t[e + 9] = be ? 1 : 0;
			return 0;
		}
	}
	return -1;
}

int jpeg_reset_orientation(unsigned char *p, size_t n)
{
	struct segment s;
	size_t pos = 2;

	if (!starts_soi(p, n))
		return -1;
	while (next_segment(p, n, &pos, &s))
		if (s.marker == 0xe1 && s.data_len >= 6 && !memcmp(s.data, "Exif\0\0", 6))
			return tiff_reset_orientation(p + (s.data - p) + 6, s.data_len - 6);
	return -1;
}

int exif_orientation(const unsigned char *t, size_t n)
{
	if (n >= 6 && !memcmp(t, "Exif\0\0", 6))
		return tiff_orientation(t + 6, n - 6);
	return tiff_orientation(t, n);
}

int png_exif_chunk(const unsigned char *p, size_t n, const unsigned char **chunk,
			  size_t *chunk_len)
{
	size_t pos = 8;

	while (pos + 12 <= n) {
		uint32_t len = (uint32_t)p[pos] << 24 | (uint32_t)p[pos + 1] << 16 |
			       (uint32_t)p[pos + 2] << 8 | p[pos + 3];
		if (len > n - pos - 12)
			return 0;
		if (!memcmp(p + pos + 4, "eXIf", 4)) {
			*chunk = p + pos;
			*chunk_len = (size_t)len + 12;
			return 1;
		}
		if (!memcmp(p + pos + 4, "IEND", 4))
			return 0;
		pos += (size_t)len + 12;
	}
	return 0;
}

int png_exif_orientation(const unsigned char *p, size_t n)
{
	const unsigned char *c;
	size_t len;

	if (n < 8 || memcmp(p, "\x89PNG\r\n\x1a\n", 8) || !png_exif_chunk(p, n, &c, &len))
		return 1;
	return exif_orientation(c + 8, len - 12);
}

int jpeg_exif_orientation(const unsigned char *p, size_t n)
{
	struct segment s;
	size_t pos = 2;

	if (!starts_soi(p, n))
		return 1;
	while (next_segment(p, n, &pos, &s))
		if (s.marker == 0xe1 && s.data_len >= 6 && !memcmp(s.data, "Exif\0\0", 6))
			return tiff_orientation(s.data + 6, s.data_len - 6);
	return 1;
}

size_t jpeg_drop_mpf(unsigned char *p, size_t n)
{
	/*
	 * One segment at a time, each time walking from the start: the walk
	 * resumed where a segment was cut out can read the bytes around the
	 * cut (fill bytes) otherwise than a walk from the start does, and leave
	 * an index that a second call finds (the fuzzer's regression input).
	 */
	for (;;) {
		struct segment s;
		size_t pos = 2, start;
		int found = 0;

		if (!starts_soi(p, n))
			return n;
		while (!found && next_segment(p, n, &pos, &s))
			found = s.marker == 0xe2 && s.data_len >= 4 && !memcmp(s.data, "MPF\0", 4);
		if (!found)
			return n;
		start = (size_t)(s.at - p); /* the segment from its 0xFF: gone */
		memmove(p + start, p + pos, n - pos);
		n -= pos - start;
	}
}

int jpeg_copy_meta(const unsigned char *from, size_t from_n, const unsigned char *jpeg,
		   size_t n, struct buf *out)
{
	struct segment s;
	size_t at = 2, pos = 2;

	if (!starts_soi(jpeg, n))
		return -1;
	/* JFIF asks for its APP0 right after SOI: the copied segments follow it. */
	if (next_segment(jpeg, n, &pos, &s) && s.marker == 0xe0)
		at = pos;
	buf_add(out, jpeg, at);
	pos = 2;
	while (starts_soi(from, from_n) && next_segment(from, from_n, &pos, &s))
		if (s.marker == 0xe1 || s.marker == 0xe2)
			buf_add(out, s.at, s.size);
	buf_add(out, jpeg + at, n - at);
	return 0;
}
