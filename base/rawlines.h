/*
 * rawlines: a line reader over a file descriptor that hands out each line
 * in place, in its own read buffer (no copy, no call per byte), for a
 * reader that decides itself what a bad line is (the journal's: an
 * over-long line is skipped, a torn last line ignored, a NUL an error).
 * Unlike lines.h it judges nothing: it says how each line ended.
 *
 *   struct rawlines r;
 *   rawlines_init(&r, fd, max);
 *   while ((got = rawlines_next(&r, &line)) > 0) ... line.ptr[0..line.len)
 *   rawlines_release(&r);
 *
 * Invariants: the buffer never holds more than max bytes of one line plus
 * a read's worth; a line over max is passed over (its bytes dropped as
 * they come), reported with `over` set and no text.
 */
#ifndef VSR_RAWLINES_H
#define VSR_RAWLINES_H

#include <stddef.h>

struct rawline {
	char *ptr;        /* the line, NUL-terminated where its '\n' was; borrowed until the next call */
	size_t len;       /* its bytes, without the '\n' ('\r' and NUL bytes kept) */
	int complete;     /* it ended in '\n' (0: the file ended first) */
	int over;         /* longer than max: ptr is NULL, len 0 */
	long long end;    /* the file offset just after the line (after its '\n') */
};

struct gzin;

struct rawlines {
	int fd;           /* borrowed: the caller opens and closes it */
	struct gzin *gz;  /* rawlines_open's (owned, as is fd then), or NULL */
	int err_no;       /* errno of a failed read() */
	size_t max;
	char *buf;        /* owned */
	size_t cap, pos, end, scanned; /* buf[pos..end) unread; [pos..pos+scanned) has no '\n' */
	long long base;   /* the file offset of buf[0] */
	int eof, skipping;
};

void rawlines_init(struct rawlines *r, int fd, size_t max);
/*
 * Opens path and reads it as rawlines_init does, a gzip-compressed file
 * inflated (gzin.h); offsets (`end`) then count the inflated bytes.
 * rawlines_release closes it.  0, or -1 with errno.
 */
int rawlines_open(struct rawlines *r, const char *path, size_t max);
/* 1 when rawlines_open found the file gzip-compressed. */
int rawlines_is_gzip(const struct rawlines *r);
/* After rawlines_next returned -1: what went wrong, in words (returns buf). */
const char *rawlines_strerror(const struct rawlines *r, char *buf, size_t len);
/*
 * 1: the next line is in *out; 0: the end of the file; -1: a read error
 * (errno says which; over a gzin, its `why`: also corrupt gzip data).
 */
int rawlines_next(struct rawlines *r, struct rawline *out);
/* Frees the buffer; closes what rawlines_open opened. */
void rawlines_release(struct rawlines *r);

#endif
