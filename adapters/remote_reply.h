/*
 * remote_reply: a 2xx body read into a task's result, the one way the loop,
 * the fuzz targets and the tests read it.  A stream of server-sent events
 * is made whole first by the protocol's sse() (a protocol without one
 * cannot read it: REMOTE_NOT_JSON).  Else the protocol's parse_fast may
 * answer first; else the body is parsed with cJSON and the protocol's
 * parse() reads it, as parse_fast's answers must equal.
 */
#ifndef VSR_REMOTE_REPLY_H
#define VSR_REMOTE_REPLY_H

#include <stddef.h>

#include "http.h"
#include "../harness/scheduler.h"

/* Not an error of the protocol's: the body is not JSON at all. */
#define REMOTE_NOT_JSON 1000

/*
 * Fills res's text, reasoning (what the server sent apart from the reply),
 * meta_json (masked with key; "attempts" when sent > 1; "nul_chars": the
 * NULs, "\u0000", of the body's strings, each read as U+FFFD; "streamed":
 * true for a reply that came as a stream of events),
 * cut_short, refused and usage.  VSRBENCH_OK; REMOTE_NOT_JSON; or parse()'s
 * VSRBENCH_ERR_RETRY / _FATAL with why.  tokens, when not NULL, gets the
 * tokens the usage names (-M tpm's pacing).  fast = 0 skips parse_fast.
 */
int remote_reply_read(const struct http_proto *p, const struct http_cfg *c, const char *body,
		      size_t len, const char *key, int sent, int fast, double *tokens,
		      struct task_result *res, char *why, size_t whylen);

#endif
