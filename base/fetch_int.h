/*
 * fetch_int: what fetch.c and fetch_unzip.c share (internal to base/).
 */
#ifndef VSR_FETCH_INT_H
#define VSR_FETCH_INT_H

#include "buf.h"

/* The folder part of path into out ("." when none). */
void fetch_dir_of(const char *path, struct buf *out);

#endif
