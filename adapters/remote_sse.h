/*
 * remote_sse: a reply sent as server-sent events (Content-Type:
 * text/event-stream), read back into the one whole reply a protocol's
 * parse() reads.  A server streams when asked (-M stream=on: a proxy's
 * idle timeout cuts a silent connection, and a streamed reply is never
 * silent for long) or when a gateway in front of it streams every reply.
 *
 * The framing is the WHATWG "server-sent events" one: lines ended by
 * "\r\n", "\n" or "\r"; "data:" lines (one space after the colon
 * optional), several of them joined by "\n" into one event's data; a blank
 * line ends an event; lines starting with ':' are comments (keep-alives
 * such as OpenRouter's ": OPENROUTER PROCESSING"); other fields ("event:",
 * "id:", "retry:") are read over.
 *
 * Pure: no I/O, no clock; the body is borrowed.
 */
#ifndef VSR_REMOTE_SSE_H
#define VSR_REMOTE_SSE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "../base/buf.h"

/*
 * Non-zero for a body that is a stream of events, not one JSON value: its
 * first line (after a byte order mark and blank lines) is a data:, event:,
 * id: or retry: field, or a comment.
 */
int sse_is_stream(const char *body, size_t len);

/* The events of a body, one at a time (sse_next). */
struct sse_iter {
	const char *p, *end;
};
void sse_iter_init(struct sse_iter *it, const char *body, size_t len);
/*
 * The data of the next event that has some, into *data (reset first,
 * NUL-terminated; the caller owns it).  An event the body ends inside,
 * without its blank line, is read all the same (a cut stream is the
 * caller's to judge).  1: an event; 0: no more; -1: out of memory (data's cap).
 */
int sse_next(struct sse_iter *it, struct buf *data);

/* sse_openai's outcomes besides 0 and the VSRBENCH_ERR_ codes. */
#define SSE_FOREIGN 1001 /* events, but not an OpenAI chat completion's chunks */

/*
 * An OpenAI chat completion streamed as chat.completion.chunk events made
 * whole again: *out (caller deletes) is a chat.completion as a server
 * answers it unstreamed, choices[0].message built from the deltas of
 * choices[0]: content, reasoning_content and reasoning (kept apart),
 * refusal and reasoning_details concatenated; content parts (a delta whose
 * content is an array) kept as parts; the last finish_reason that is not
 * null; the last usage (the closing chunk with "choices": [] that
 * stream_options.include_usage asks for, or one in any chunk); id, model,
 * system_fingerprint and created as the chunks give them.
 *
 * An event holding an error ({"error": {...}}, as OpenRouter and vLLM send
 * one mid-stream, or vLLM's older {"object": "error", ...}) ends the
 * reading: *out is {"error": ...}, which parse() reports as an error in a
 * 200.  Returns 0 then too.
 *
 * VSRBENCH_ERR_RETRY with why: a stream cut short (it ended with neither a
 * finish_reason nor "data: [DONE]"), an event that is not JSON.
 * SSE_FOREIGN: no event was a chat completion chunk (another API's
 * stream).  *out is NULL on every outcome but 0.
 */
int sse_openai(const char *body, size_t len, cJSON **out, char *why, size_t whylen);

#endif
