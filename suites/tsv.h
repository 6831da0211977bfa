/*
 * tsv: a streaming reader of tab-separated files as pandas writes them
 * (MMBench's TSVs): a header row, fields separated by TAB, rows by LF (a CR
 * before it is dropped), and RFC 4180-style double quotes around a field
 * that holds a TAB, a newline or a quote, with "" standing for one quote.
 * Blank lines are skipped.
 *
 * Memory does not grow with the file: the reader keeps one read buffer, and
 * a field is either captured into the caller's struct buf (whose `max` caps
 * it) or only located (its file offset and length), so a multi-megabyte
 * base64 image can be passed over without being held.  Every error names
 * FILE:LINE.  Not thread-safe: one reader per thread.
 */
#ifndef VSR_TSV_H
#define VSR_TSV_H

#include <stddef.h>
#include <sys/types.h>

#include "../base/buf.h"

#define TSV_HEAD 64 /* bytes of every field kept in tsv_field.head */

struct tsv_field {
	struct buf *text; /* in: where to capture the value, or NULL to only locate it */
	/* out: */
	off_t off;        /* file offset of the first content byte (after a quote) */
	size_t len;       /* raw content bytes (quotes excluded, "" counted as 2) */
	int quoted;       /* the field was in double quotes */
	int escaped;      /* it held "": the raw bytes are not the value */
	size_t head_len;  /* min(value length, TSV_HEAD) */
	char head[TSV_HEAD + 1]; /* the value's first bytes, NUL-terminated */
};

struct tsv {
	int fd;
	char *path;
	unsigned char *buf;
	size_t cap, pos, end;
	off_t buf_off; /* file offset of buf[0] */
	size_t line;   /* line number of buf[pos] */
	int eof;
	size_t next_read; /* bytes the next refill reads (0: a whole buffer) */
};

/* VSR_EDATA when the file cannot be opened. */
int tsv_open(struct tsv *t, const char *path, char *err);
/* Goes to a row start found earlier (tsv_row's row_off and row_line). */
int tsv_seek(struct tsv *t, off_t off, size_t line, char *err);
/*
 * The same for a row known to be len bytes long (tsv_tell after it minus its
 * start): a seek outside the buffer then reads that much, not a whole buffer.
 */
int tsv_seek_row(struct tsv *t, off_t off, size_t line, size_t len, char *err);
/* The file offset the next row starts at (or a blank line before it). */
off_t tsv_tell(const struct tsv *t);
/* 1 when the byte at off is in the read buffer (a seek there reads nothing). */
int tsv_buffered(const struct tsv *t, off_t off);
/*
 * Reads one row.  Field k < nf is described in f[k] (captured into
 * f[k].text when that is not NULL; its max applies); further fields are
 * counted only.  Returns 1 with *n_fields, *row_off and *row_line set, 0 at
 * the end of the file, VSR_EDATA with "FILE:LINE: why" on bad input.
 */
int tsv_row(struct tsv *t, struct tsv_field *f, size_t nf, size_t *n_fields, off_t *row_off,
	    size_t *row_line, char *err);
void tsv_close(struct tsv *t);

#endif
