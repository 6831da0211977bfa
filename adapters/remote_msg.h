/*
 * remote_msg: what the HTTP adapter puts into messages: key redaction and
 * the excerpt of an error body.
 */
#ifndef VSR_REMOTE_MSG_H
#define VSR_REMOTE_MSG_H

#include <stddef.h>

#include "../base/buf.h"

/* Bytes of an error body quoted in a message (its excerpt is up to this + 7). */
#define REMOTE_EXCERPT 300

/*
 * A one-line excerpt of an HTTP error body (its "error.message" when it is
 * JSON) into out[0..n).  Exposed for the fuzz target.
 */
void remote_body_excerpt(const struct buf *b, char *out, size_t n);

/*
 * Replaces the key (when non-NULL and 4 bytes or more) and credential-looking
 * tokens in s with '*', in place and length-preserving.
 */
void remote_redact(char *s, const char *key);

#endif
