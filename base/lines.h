/*
 * lines: a capped line reader over plain or gzip-compressed files (zlib's
 * gzopen reads both), counting lines so every error can name FILE:LINE.
 */
#ifndef VSR_LINES_H
#define VSR_LINES_H

#include <stddef.h>

#include "buf.h"

struct lines {
	void *gz;         /* gzFile */
	char *path;
	size_t lineno;    /* of the line in `line` */
	struct buf line;  /* the current line, without '\n' or '\r' */
	char *rbuf;       /* decompressed bytes not yet returned */
	size_t rpos, rlen;
};

#define LINES_RBUF (64u << 10)

/* VSR_EDATA when the file cannot be opened.  max caps one line's length. */
int lines_open(struct lines *l, const char *path, size_t max, char *err);
/*
 * 1: a line is in l->line; 0: end of file; VSR_EDATA: a read error, a line
 * over max, or a NUL byte (a text file has none).  A UTF-8 byte-order mark
 * at the start of the file is dropped.
 */
int lines_next(struct lines *l, char *err);
void lines_close(struct lines *l);

#endif
