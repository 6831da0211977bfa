/*
 * remote_retry: the HTTP adapter's retry decisions, as pure functions (no
 * clock, no randomness of their own, no I/O: the loop passes `now`-free
 * values and a uniform draw u in [0, 1)), so tests/unit/test_retry.c checks
 * them against the HTTP spec and the providers' documented headers.
 *
 * Every wait is in seconds.  Strings are borrowed; nothing is allocated.
 */
#ifndef VSR_REMOTE_RETRY_H
#define VSR_REMOTE_RETRY_H

#include <curl/curl.h>

/* A server-asked wait longer than this (Retry-After: 86400) is taken as this. */
#define RETRY_MAX_SERVER_WAIT_S 3600.0

/*
 * An OpenAI-style duration ("1s", "6m0s", "20ms", "1h2m", or plain seconds
 * such as "0.5") in seconds; -1 when s is NULL, empty or not a duration.
 */
double retry_parse_duration(const char *s);

/*
 * What a response said about waiting.  retry_after is Retry-After as
 * libcurl parsed it (CURLINFO_RETRY_AFTER: delta-seconds or an HTTP-date,
 * turned into seconds from now; <= 0: none); the others are the raw header
 * values, NULL when absent.
 */
struct retry_hints {
	double retry_after;
	const char *retry_after_ms;     /* retry-after-ms (Azure, OpenAI) */
	const char *remaining_requests; /* x-ratelimit-remaining-requests */
	const char *remaining_tokens;   /* x-ratelimit-remaining-tokens */
	const char *reset_requests;     /* x-ratelimit-reset-requests (a duration) */
	const char *reset_tokens;       /* x-ratelimit-reset-tokens */
};

/*
 * How long the server asks us to wait after a refused request: the longer
 * of Retry-After and retry-after-ms; for a 429 without either, the reset
 * of the limit that ran out (x-ratelimit-*), else the later of the two
 * resets.  At most RETRY_MAX_SERVER_WAIT_S; <= 0 when nothing was asked.
 */
double retry_server_wait(const struct retry_hints *h, long status);

/*
 * The wait a refusal's body names: Google's error.details[] entry of type
 * google.rpc.RetryInfo, its retryDelay ("58s"), at most
 * RETRY_MAX_SERVER_WAIT_S; -1 when the body names none (Gemini sends no
 * Retry-After header on a 429).
 */
double retry_body_delay(const char *body, size_t len);

/*
 * The header retry_server_wait took its wait from ("Retry-After",
 * "retry-after-ms", "x-ratelimit-reset-requests" ...), for messages; NULL
 * when the server named no wait.  A static string.
 */
const char *retry_server_wait_why(const struct retry_hints *h, long status);

/*
 * After a success: how long to pause the endpoint because a limit is used
 * up (remaining "0") until its reset, at most RETRY_MAX_SERVER_WAIT_S; 0
 * when no limit is used up.
 */
double retry_limit_pause(const struct retry_hints *h);
/* Which limit retry_limit_pause found used up ("x-ratelimit-remaining-requests: 0" ...): static. */
const char *retry_limit_pause_why(const struct retry_hints *h);

/* Non-zero for a transport error worth another attempt (the server or network may recover). */
int retry_transient_curl(CURLcode rc);
/*
 * A status that asks the client to wait, not to give up: 429 (a rate
 * limit), 503 (loading, or unavailable) and 529 (Anthropic's
 * overloaded_error: its API short of capacity for everyone, for seconds to
 * minutes).  The endpoint pauses; the task's retries are not used up.
 */
int retry_asks_wait(long status);

/*
 * Exponential backoff for attempt n (1: the first retry): base * 2^(n-1),
 * at most 60 s, times a jitter of 0.5 to 1 (u).
 */
double retry_backoff(double base, int n, double u);

/* A wait the server asked for, plus a little so clients spread: up to 10%, at most 1 s (u). */
double retry_jitter(double wait, double u);

/* A 429 that names no wait: base * 2^waits (the task's earlier 429s, up to 8), at most 60 s. */
double retry_rate_limited_wait(double base, int waits);

/*
 * A 503 that names no wait (a server loading its model: llama.cpp answers
 * "Loading model" until it is done): base * 2^waits, at most 10 s, so a
 * server that comes up is asked again within 10 s.
 */
double retry_unavailable_wait(double base, int waits);

/*
 * How long the circuit breaker of an endpoint stays open after its trips-th
 * opening: 0.5 s doubling per trip, at most 30 s, times 0.75 to 1 (u).
 */
double retry_breaker_pause(int trips, double u);

#endif
