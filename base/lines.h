/*
 * lines: a capped line reader over plain or gzip-compressed files (a gzip
 * file is told by its magic bytes; several members in a row are one
 * stream, as gzip reads them), counting lines so every error can name
 * FILE:LINE.  Anything after the last gzip member that is not another
 * member is an error (zlib's gzread ignored it silently).
 */
#ifndef VSR_LINES_H
#define VSR_LINES_H

#include <stddef.h>

#include "buf.h"
#include "gzin.h"

struct lines {
	int fd;
	struct gzin gz;   /* the file's bytes, inflated when it is gzip */
	char *path;
	size_t lineno;    /* of the line in `line` */
	struct buf line;  /* the current line, without '\n' or '\r' */
	char *rbuf;       /* decompressed bytes not yet returned */
	size_t rpos, rlen;
	/*
	 * Set by the caller: blank lines (empty, or a lone '\r') are passed
	 * over in bulk, never returned; lineno still counts them.  A file of
	 * gigabytes of newlines then costs a pass over its bytes, not a call
	 * per line.
	 */
	int skip_blank;
};

#define LINES_RBUF (64u << 10)

/* VSR_EDATA when the file cannot be opened.  max caps one line's length. */
int lines_open(struct lines *l, const char *path, size_t max, char *err);
/*
 * 1: a line is in l->line; 0: end of file; VSR_EDATA: a read error, a line
 * over max, a NUL byte (a text file has none), corrupt or truncated gzip
 * data, or data after the gzip stream.  A UTF-8 byte-order mark at the
 * start of the file is dropped.
 */
int lines_next(struct lines *l, char *err);
void lines_close(struct lines *l);

#endif
