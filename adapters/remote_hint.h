/*
 * remote_hint: what a refused request says about the run's configuration,
 * as pure functions over the reply (no I/O, no state), so the loop can stop
 * a run that no retry can help and name the fix:
 *
 *   - the model cannot take images (llama.cpp's server without --mmproj
 *     answers 500 "image input is not supported"; others say so in their
 *     own words): fatal for the run;
 *   - the same 4xx for every request (a base URL without /v1: 404; a
 *     parameter the model rejects: 400 "unsupported_parameter"): the run
 *     stops after a few, with the vsrbench option that changes it.
 *
 * Strings are borrowed; out is always NUL-terminated.
 */
#ifndef VSR_REMOTE_HINT_H
#define VSR_REMOTE_HINT_H

#include <stddef.h>
#include <stdint.h>

/* Replies this many times the same (status and body) in a row stop the run. */
#define HINT_SAME_4XX 4

/*
 * What makes two refusals "the same": the status and the body, without the
 * tokens that differ per request (request ids such as Anthropic's
 * "request_id": "req_011C...", UUIDs, timestamps: a run of letters, digits,
 * '_' and '-' of 16 bytes or more with a digit in it, or 8 digits or more).
 */
uint64_t hint_signature(long status, const char *body, size_t len);

/* Non-zero when the error body says the model cannot take images. */
int hint_no_image(const char *body, size_t len);

/*
 * Non-zero when the error body says the account's quota or credit is used
 * up (OpenAI's 429 "insufficient_quota", Anthropic's "credit balance is too
 * low"): no request can succeed until it is topped up, so no wait helps.
 */
int hint_quota_used_up(const char *body, size_t len);

/* Non-zero when the error body says the API key is wrong (Gemini answers 400 API_KEY_INVALID). */
int hint_bad_key(const char *body, size_t len);

/*
 * The likely fix of a 4xx answered to every request (status, the body,
 * -m kind, the base URL as given) into out[0..n): e.g. "does -M base_url
 * need /v1? (try -M base_url=http://host:8000/v1)" or "the option that
 * changes 'max_tokens': -M max_tokens_field=max_completion_tokens".
 */
void hint_4xx(long status, const char *body, size_t len, const char *kind, const char *base,
	      char *out, size_t n);

#endif
