/*
 * remote_msg: every string the HTTP adapter lets out, and the one place
 * where secrets are masked in them.
 *
 * A string leaves the adapter as a task's error (task_result.error, into
 * the journal), a task's journal meta, the run's failure (sched_fail, on
 * stderr), a warning (stderr) or remote_open's error.  Each is written by
 * a function of this file, and each of those masks through remote_redact:
 * the API key itself and whatever follows a credential marker (a server
 * may quote the headers it received).  A message is formatted whole,
 * masked, and only then cut to its buffer, so a key is not cut in two
 * before it is found.  The adapter never formats the key into a message;
 * the masking is for what servers send back.
 *
 * `key` is borrowed and may be NULL (no key: only the markers are masked).
 */
#ifndef VSR_REMOTE_MSG_H
#define VSR_REMOTE_MSG_H

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stddef.h>

#include "../base/buf.h"

/* Bytes of an error body quoted in a message (its excerpt is up to this + 7). */
#define REMOTE_EXCERPT 300

/* Writes the message into dst[0..n) (n > 0), masked, cut to fit. */
void remote_msgf(char *dst, size_t n, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void remote_vmsgf(char *dst, size_t n, const char *key, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
/* A warning on stderr (vsr_warn), masked. */
void remote_warn(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The journal meta of an answer as compact JSON, masked: malloc'd, NULL when out of memory. */
char *remote_meta_json(const cJSON *meta, const char *key);

/*
 * A one-line excerpt of an HTTP error body (its "error.message" when it is
 * JSON, else its first REMOTE_EXCERPT bytes) into out[0..n), masked before
 * it is cut.  Exposed for the fuzz target.
 */
void remote_body_excerpt(const struct buf *b, const char *key, char *out, size_t n);

/*
 * The masking itself, in place and length-preserving: the key (when it has
 * 4 bytes or more) and every token after a credential marker become '*'.
 * Exposed for the unit and fuzz tests; the adapter calls it only here.
 */
void remote_redact(char *s, const char *key);

#endif
