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
};

/* VSR_EDATA when the file cannot be opened.  max caps one line's length. */
int lines_open(struct lines *l, const char *path, size_t max, char *err);
/* 1: a line is in l->line; 0: end of file; VSR_EDATA: read error or a line over max. */
int lines_next(struct lines *l, char *err);
void lines_close(struct lines *l);

#endif
