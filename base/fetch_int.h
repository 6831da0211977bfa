/*
 * fetch_int: what fetch.c, fetch_unzip.c and fetch_rzip.c share (internal to base/).
 */
#ifndef VSR_FETCH_INT_H
#define VSR_FETCH_INT_H

#include <curl/curl.h>

#include "buf.h"

/*
 * The options every download shares: url, the error buffer, redirects
 * (http and https only), the user agent, the connect timeout and the
 * stalled-server limit.
 */
void fetch_easy_defaults(CURL *c, const char *url, char *cerr);

/* The folder part of path into out ("." when none). */
void fetch_dir_of(const char *path, struct buf *out);

#endif
