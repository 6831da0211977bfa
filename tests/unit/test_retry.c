/*
 * The HTTP adapter's retry decisions (adapters/remote_retry.h), each value
 * worked out by hand from the rule it implements:
 *
 *  - durations as OpenAI's x-ratelimit-reset-* headers write them ("1s",
 *    "6m0s", "20ms"; platform.openai.com/docs/guides/rate-limits);
 *  - Retry-After (RFC 9110, 10.2.3) arrives already in seconds: libcurl
 *    parses both of its forms, delay-seconds and HTTP-date
 *    (CURLINFO_RETRY_AFTER), so the HTTP-date form is libcurl's to test;
 *    retry-after-ms is milliseconds (Azure OpenAI);
 *  - which libcurl errors are worth another attempt.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "adapters/remote_retry.h"

#define near(got, want)                                                                   \
	do {                                                                              \
		double g_ = (got), w_ = (want);                                           \
		if (!(fabs(g_ - w_) <= 1e-9 * (fabs(w_) > 1 ? fabs(w_) : 1)))             \
			fail_msg("%s = %.17g, want %.17g", #got, g_, w_);                 \
	} while (0)

static void test_duration_forms(void **state)
{
	(void)state;
	near(retry_parse_duration("1s"), 1);
	near(retry_parse_duration("6m0s"), 360);
	near(retry_parse_duration("20ms"), 0.02);
	near(retry_parse_duration("17ms"), 0.017);
	near(retry_parse_duration("1h2m"), 3720);
	near(retry_parse_duration("1h1m1s"), 3661);
	near(retry_parse_duration("7.66s"), 7.66);
	near(retry_parse_duration("1m0.5s"), 60.5);
	near(retry_parse_duration("0s"), 0);
	/* A bare number is seconds (Retry-After style). */
	near(retry_parse_duration("17"), 17);
	near(retry_parse_duration("0.5"), 0.5);
}

static void test_duration_not_one(void **state)
{
	(void)state;
	near(retry_parse_duration(NULL), -1);
	near(retry_parse_duration(""), -1);
	near(retry_parse_duration("abc"), -1);
	near(retry_parse_duration("s"), -1);
	near(retry_parse_duration("5x"), -1);
	near(retry_parse_duration("1d"), -1);
	near(retry_parse_duration("1s!"), -1);
	/* Numbers strtod takes that no duration is written as. */
	near(retry_parse_duration("nan"), -1);
	near(retry_parse_duration("nans"), -1);
	near(retry_parse_duration("inf"), -1);
	near(retry_parse_duration("-5s"), -1);
	near(retry_parse_duration("+5s"), -1);
	near(retry_parse_duration(" 1s"), -1);
	near(retry_parse_duration("1s 2s"), -1);
	near(retry_parse_duration("0x10s"), -1);
	near(retry_parse_duration("1e3s"), -1);
	near(retry_parse_duration(".s"), -1);
	near(retry_parse_duration("1.2.3s"), -1);
	near(retry_parse_duration(".5s"), 0.5);
}

static void test_duration_huge(void **state)
{
	(void)state;
	/* Parsed as written (99999999999 * 3600 is exact in a double); the callers cap it. */
	near(retry_parse_duration("99999999999h"), 359999999996400.0);
}

static void test_server_wait_retry_after(void **state)
{
	struct retry_hints h;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.retry_after = 7;
	near(retry_server_wait(&h, 503), 7);
	near(retry_server_wait(&h, 429), 7);

	memset(&h, 0, sizeof(h));
	h.retry_after_ms = "1500";
	near(retry_server_wait(&h, 503), 1.5);

	/* Both: retry-after-ms, the precise one (Retry-After is whole seconds). */
	h.retry_after = 2;
	h.retry_after_ms = "1500";
	near(retry_server_wait(&h, 503), 1.5);
	h.retry_after = 1;
	h.retry_after_ms = "10";
	near(retry_server_wait(&h, 429), 0.01);

	/* A retry-after-ms that is not a positive number is no wait. */
	memset(&h, 0, sizeof(h));
	h.retry_after_ms = "soon";
	near(retry_server_wait(&h, 503), 0);
	h.retry_after_ms = "-100";
	near(retry_server_wait(&h, 503), 0);
}

static void test_server_wait_ratelimit_headers(void **state)
{
	struct retry_hints h;

	(void)state;
	/* The requests limit ran out: its reset, not the tokens'. */
	memset(&h, 0, sizeof(h));
	h.remaining_requests = "0";
	h.remaining_tokens = "100";
	h.reset_requests = "1s";
	h.reset_tokens = "6m0s";
	near(retry_server_wait(&h, 429), 1);

	/* The tokens limit ran out. */
	memset(&h, 0, sizeof(h));
	h.remaining_requests = "3";
	h.remaining_tokens = "0";
	h.reset_requests = "2s";
	h.reset_tokens = "20ms";
	near(retry_server_wait(&h, 429), 0.02);

	/* Neither says 0: the later reset. */
	memset(&h, 0, sizeof(h));
	h.remaining_requests = "3";
	h.remaining_tokens = "10";
	h.reset_requests = "1s";
	h.reset_tokens = "2m";
	near(retry_server_wait(&h, 429), 120);
	h.remaining_requests = h.remaining_tokens = NULL;
	near(retry_server_wait(&h, 429), 120);

	/* Retry-After wins over them. */
	memset(&h, 0, sizeof(h));
	h.retry_after = 3;
	h.remaining_requests = "0";
	h.reset_requests = "10s";
	near(retry_server_wait(&h, 429), 3);

	/* Only a 429 reads them: a 503 asked for nothing. */
	memset(&h, 0, sizeof(h));
	h.remaining_requests = "0";
	h.reset_requests = "10s";
	near(retry_server_wait(&h, 503), 0);

	/* A 429 that asks for nothing: no wait (the caller backs off). */
	memset(&h, 0, sizeof(h));
	assert_true(retry_server_wait(&h, 429) <= 0);
	/* Nor one whose reset is not a duration (a NaN here was "waiting nans"). */
	h.remaining_tokens = "0";
	h.reset_tokens = "nan";
	assert_true(retry_server_wait(&h, 429) <= 0);
	h.reset_requests = "nan";
	h.remaining_tokens = NULL;
	assert_true(retry_server_wait(&h, 429) <= 0);
	h.reset_tokens = "-5s";
	assert_true(retry_server_wait(&h, 429) <= 0);
}

static void test_server_wait_cap(void **state)
{
	struct retry_hints h;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.retry_after = 86400;
	near(retry_server_wait(&h, 503), RETRY_MAX_SERVER_WAIT_S);
	memset(&h, 0, sizeof(h));
	h.retry_after_ms = "99999999";
	near(retry_server_wait(&h, 503), RETRY_MAX_SERVER_WAIT_S);
	memset(&h, 0, sizeof(h));
	h.remaining_requests = "0";
	h.reset_requests = "2h";
	near(retry_server_wait(&h, 429), RETRY_MAX_SERVER_WAIT_S);
	h.reset_requests = "99999999999h";
	near(retry_server_wait(&h, 429), RETRY_MAX_SERVER_WAIT_S);
	near(RETRY_MAX_SERVER_WAIT_S, 3600);
}

static void test_limit_pause(void **state)
{
	struct retry_hints h;

	(void)state;
	memset(&h, 0, sizeof(h));
	near(retry_limit_pause(&h), 0);
	h.remaining_requests = "0";
	h.reset_requests = "1s";
	near(retry_limit_pause(&h), 1);
	/* Both used up: the longer. */
	h.remaining_tokens = "0";
	h.reset_tokens = "6m0s";
	near(retry_limit_pause(&h), 360);
	/* Not used up: no pause, whatever the reset says. */
	memset(&h, 0, sizeof(h));
	h.remaining_requests = "5";
	h.reset_requests = "1s";
	near(retry_limit_pause(&h), 0);
	/* Used up without a reset: nothing to wait for. */
	h.remaining_requests = "0";
	h.reset_requests = NULL;
	near(retry_limit_pause(&h), 0);
	h.reset_requests = "3h";
	near(retry_limit_pause(&h), RETRY_MAX_SERVER_WAIT_S);
}

static void test_transient_curl(void **state)
{
	/* The server or the network may recover. */
	static const CURLcode again[] = {
		CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT,
		CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
		CURLE_SSL_CONNECT_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3,
		CURLE_QUIC_CONNECT_ERROR, CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING,
	};
	/* No later request can succeed (or it is not a transport failure at all). */
	static const CURLcode never[] = {
		CURLE_OK, CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT,
		CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
		CURLE_WRITE_ERROR, CURLE_READ_ERROR, CURLE_OUT_OF_MEMORY, CURLE_TOO_MANY_REDIRECTS,
		CURLE_ABORTED_BY_CALLBACK, CURLE_LOGIN_DENIED, CURLE_COULDNT_RESOLVE_PROXY,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(again) / sizeof(again[0]); i++)
		if (!retry_transient_curl(again[i]))
			fail_msg("%s is not retried", curl_easy_strerror(again[i]));
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (retry_transient_curl(never[i]))
			fail_msg("%s is retried", curl_easy_strerror(never[i]));
}

static void test_backoff(void **state)
{
	(void)state;
	/* base * 2^(n-1), at most 60 s, times 0.5 + 0.5u. */
	near(retry_backoff(0.5, 1, 0), 0.25);
	near(retry_backoff(0.5, 1, 1), 0.5);
	near(retry_backoff(0.5, 0, 0.5), 0.375);
	near(retry_backoff(0.5, 3, 0), 1);
	near(retry_backoff(0.5, 4, 0.5), 3);
	near(retry_backoff(1, 7, 0), 30);
	near(retry_backoff(0.5, 100, 0), 30);
	near(retry_backoff(0, 5, 0.3), 0);
	/* A server-asked wait: never less, at most 10% or 1 s more. */
	near(retry_jitter(5, 0), 5);
	near(retry_jitter(5, 0.5), 5.25);
	near(retry_jitter(30, 0.5), 30.5);
	near(retry_jitter(0.2, 0.5), 0.21);
	/* A 429 without a wait: base * 2^waits, waits counted up to 8, at most 60 s. */
	near(retry_rate_limited_wait(0.5, 0), 0.5);
	near(retry_rate_limited_wait(0.5, 3), 4);
	near(retry_rate_limited_wait(0.5, 6), 32);
	near(retry_rate_limited_wait(0.5, 7), 60); /* 64 capped */
	near(retry_rate_limited_wait(0.5, 50), 60);
	near(retry_rate_limited_wait(0.1, 50), 25.6); /* 0.1 * 256: under the cap */
	/* A 503 without a wait (a server loading its model): base * 2^waits, at most 10 s. */
	near(retry_unavailable_wait(0.5, 0), 0.5);
	near(retry_unavailable_wait(0.5, 4), 8);
	near(retry_unavailable_wait(0.5, 5), 10); /* 16 capped */
	near(retry_unavailable_wait(0.5, 50), 10);
	/* The breaker: 0.5 s doubling per trip, at most 30 s, times 0.75 + 0.25u. */
	near(retry_breaker_pause(1, 1), 0.5);
	near(retry_breaker_pause(1, 0), 0.375);
	near(retry_breaker_pause(3, 0), 1.5);
	near(retry_breaker_pause(6, 1), 16);
	near(retry_breaker_pause(7, 1), 30);
	near(retry_breaker_pause(7, 0), 22.5);
	near(retry_breaker_pause(100, 0), 22.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_forms),
		cmocka_unit_test(test_duration_not_one),
		cmocka_unit_test(test_duration_huge),
		cmocka_unit_test(test_server_wait_retry_after),
		cmocka_unit_test(test_server_wait_ratelimit_headers),
		cmocka_unit_test(test_server_wait_cap),
		cmocka_unit_test(test_limit_pause),
		cmocka_unit_test(test_transient_curl),
		cmocka_unit_test(test_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
