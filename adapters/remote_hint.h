/*
 * remote_hint: what a refused request says about the run's configuration,
 * as pure functions over the reply (no I/O, no state), so the loop can stop
 * a run that no retry can help and name the fix:
 *
 *   - the model cannot take images (llama.cpp's server without --mmproj
 *     answers 500 "image input is not supported"; others say so in their
 *     own words): fatal for the run;
 *   - the same 4xx for every request (a base URL without /v1: 404; a
 *     parameter the model rejects: 400 "unsupported_parameter"; a request
 *     over the model's context): the run stops after a few, with the
 *     vsrbench option that changes it;
 *   - the same 5xx, or the same 200 without an answer, for every request
 *     (Ollama's "model requires more system memory", a proxy that lost its
 *     server, a reply streamed as events): the run stops after more of
 *     them and a while, with the likely fix.
 *
 * Strings are borrowed; out is always NUL-terminated.
 */
#ifndef VSR_REMOTE_HINT_H
#define VSR_REMOTE_HINT_H

#include <stddef.h>
#include <stdint.h>

/* Refusals (4xx) this many times the same (status and body) in a row stop the run. */
#define HINT_SAME_4XX 4
/*
 * Failures that are retried (a 5xx, a 200 without an answer) stop it when
 * this many in a row are the same AND the first of them came this many
 * seconds before (or -M give_up, when that is shorter).  Why both: a server
 * or a proxy restarting answers 500/502 for a few seconds, to every request
 * in flight (hundreds at -j 256), and its tasks' own retries, spread over
 * 3.5 s by default (0.5 + 1 + 2), ride that out; 10 s of nothing but the
 * same failure is no hiccup.  16: more than a few tasks' worth of attempts
 * (4 each by default), so one task failing alone never stops a run.
 */
#define HINT_SAME_5XX 16
#define HINT_SAME_5XX_S 10.0

/*
 * What makes two refusals "the same": the status and the body, without the
 * tokens that differ per request (request ids such as Anthropic's
 * "request_id": "req_011C...", UUIDs, timestamps: a run of letters, digits,
 * '_' and '-' of 16 bytes or more with a digit in it, or 8 digits or more).
 */
uint64_t hint_signature(long status, const char *body, size_t len);

/*
 * How the loop's why of a 2xx body that is not JSON at all begins (a
 * stream of events the protocol cannot read is one): the hints tell it
 * from a stream that was read and failed for a reason of its own (cut
 * short, an error event).
 */
#define HINT_NOT_JSON "a body that is not JSON"

/*
 * The signature of a 2xx no answer came from: a stream of events that
 * could not be read (each holds a piece of its own answer) is one, else
 * why (what was wrong with it; NULL: the body itself) as hint_signature
 * reads it.
 */
uint64_t hint_signature_200(const char *body, size_t len, const char *why);

/* Non-zero when the error body says the model cannot take images. */
int hint_no_image(const char *body, size_t len);

/*
 * Non-zero when a 503's body says the server is still loading the model
 * (llama.cpp's "Loading model"): not ready, rather than overloaded.
 */
int hint_loading(const char *body, size_t len);

/*
 * Non-zero when the error body says the account's quota, credit or spend
 * limit is used up (OpenAI's 429 "insufficient_quota" and its hard spend
 * limits' "organization_spend_limit_exceeded" / "project_spend_limit_exceeded"
 * and the other codes of its 429s that no wait mends;
 * Anthropic's "credit balance is too low", its tier's monthly cap, a 429
 * rate_limit_error with details.error_code "enforced_spend_limit_reached" and
 * no retry-after, and a limit the user set, a 400 "You have reached your
 * specified API usage limits"): no request can succeed until it is topped up
 * or raised, or the month the server names is over, so no wait helps.
 */
int hint_quota_used_up(const char *body, size_t len);

/*
 * When key (may be NULL) has another provider's prefix than -m kind's
 * API takes: ", which looks like an Anthropic key (sk-ant-...; ...)"
 * (static); else NULL.  The prefix is public; the key is never quoted.
 * "Looks like": a server speaking another's API may take such keys.
 */
const char *hint_key_other(const char *kind, const char *key);

/*
 * What to check when a server cannot be reached, into out[0..n): the host
 * name when it did not resolve; a connection taken and dropped (dropped 1:
 * reset, nothing, or not HTTP back) on an http:// URL, whether the port
 * speaks HTTPS; else whether the server runs; and, for a
 * server not on this machine (local 0) while the environment names a proxy
 * for its scheme (https 1: https_proxy, else http_proxy; ALL_PROXY), that
 * the requests went through that proxy (the address in curl's error is the
 * proxy's, not the server's).  The variable is named, never its value.
 */
void hint_unreachable(int resolve_failed, int dropped, int https, int local, char *out, size_t n);

/* Non-zero when the error body says the API key is wrong (Gemini answers 400 API_KEY_INVALID). */
int hint_bad_key(const char *body, size_t len);

/*
 * The likely fix of a 4xx answered to every request (status, the body,
 * -m kind, the base URL as given) into out[0..n): e.g. "does -M base_url
 * need /v1? (try -M base_url=http://host:8000/v1)" or "the option that
 * changes 'max_tokens': -M max_tokens_field=max_completion_tokens".
 * 1 when the fix is -M model (a model the server does not serve), else 0.
 */
int hint_4xx(long status, const char *body, size_t len, const char *kind, const char *base,
	     char *out, size_t n);

/* What a refusal says of a request over the model's context: the numbers it names, -1 when not. */
struct hint_ctx {
	long context; /* the model's context, in tokens */
	long prompt;  /* the prompt and image's tokens */
};
/*
 * 1 when the body refuses a request longer than the model's context
 * (vLLM's, SGLang's, OpenAI's, TGI's, Anthropic's words, llama.cpp's
 * exceed_context_size_error, LiteLLM quoting them), with the numbers in *c.
 */
int hint_context_parse(const char *body, size_t len, struct hint_ctx *c);
/*
 * Its fix into out[0..n): lower --max-tokens (max_tokens, the run's; < 0:
 * not known) when the prompt leaves room, else a longer context or fewer
 * image tokens.
 */
void hint_context(const struct hint_ctx *c, const char *kind, long max_tokens, char *out, size_t n);

/*
 * The likely fix of the same failure answered to every request into
 * out[0..n): a 5xx (status and body; why NULL), or a 2xx without an
 * answer (its body, and why: what was wrong with it).  The memory the model
 * lacks and a reply streamed as events the kind cannot read need a change
 * first, and say so without advising to run the same command again; a
 * proxy that lost its server, streams cut short and an unknown failure may
 * pass.
 */
void hint_5xx(long status, const char *body, size_t len, const char *why, const char *kind,
	      char *out, size_t n);

#endif
