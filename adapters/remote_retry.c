/*
 * remote_retry: when to try a request again and how long to wait first
 * (see remote_retry.h).  Why each rule (the peers' failure modes, issue 4):
 *  - Retry-After (seconds or HTTP-date), retry-after-ms and
 *    x-ratelimit-reset-* are waited for, never less;
 *  - connection errors and timeouts are retried with exponential backoff and
 *    jitter, errors no later request can escape (TLS verification, a bad
 *    URL) are not;
 *  - an endpoint that stops answering is paused for a growing while.
 */
#include "remote_retry.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../base/util.h" /* last: it includes banned.h */

#define BACKOFF_MAX_S 60.0
#define BREAKER_MAX_S 30.0
#define UNAVAILABLE_MAX_S 10.0

double retry_parse_duration(const char *s)
{
	double total = 0;
	char *end;

	if (!s || !*s)
		return -1;
	while (*s) {
		/*
		 * Decimal digits and a point only: strtod alone would also take
		 * "nan", "inf", a sign, blanks, hex and exponents, and a NaN
		 * slips past every "> 0" check after it.
		 */
		size_t n = strspn(s, "0123456789.");
		double v;
		if (!n || strspn(s, ".") == n)
			return -1;
		v = strtod(s, &end);
		if (end != s + n)
			return -1;
		s = end;
		if (!*s)
			return total + v;
		if (!strncmp(s, "ms", 2)) {
			total += v / 1000;
			s += 2;
		} else if (*s == 's') {
			total += v;
			s++;
		} else if (*s == 'm') {
			total += v * 60;
			s++;
		} else if (*s == 'h') {
			total += v * 3600;
			s++;
		} else {
			return -1;
		}
	}
	return total;
}

double retry_server_wait(const struct retry_hints *h, long status)
{
	double w = 0, v;

	/*
	 * Both: retry-after-ms, the same wait to the millisecond (Retry-After
	 * rounds it up to whole seconds), as OpenAI's and Azure's SDKs read
	 * them; waiting the rounded second after every 429 of a per-second
	 * limit idled the endpoint for most of that second.
	 */
	if (h->retry_after_ms && (v = strtod(h->retry_after_ms, NULL)) > 0)
		w = v / 1000;
	else if (h->retry_after > 0)
		w = h->retry_after;
	if (status == 429 && w <= 0) {
		/* The limit that ran out, else the later of the two resets. */
		double rr = retry_parse_duration(h->reset_requests);
		double rt = retry_parse_duration(h->reset_tokens);
		if (h->remaining_requests && !strcmp(h->remaining_requests, "0") && rr > 0)
			w = rr;
		else if (h->remaining_tokens && !strcmp(h->remaining_tokens, "0") && rt > 0)
			w = rt;
		else
			w = rr > rt ? rr : rt;
	}
	return w > RETRY_MAX_SERVER_WAIT_S ? RETRY_MAX_SERVER_WAIT_S : w;
}

const char *retry_server_wait_why(const struct retry_hints *h, long status)
{
	double v;

	if (h->retry_after_ms && (v = strtod(h->retry_after_ms, NULL)) > 0)
		return "retry-after-ms";
	if (h->retry_after > 0)
		return "Retry-After";
	if (status == 429 && (retry_parse_duration(h->reset_requests) > 0 ||
			      retry_parse_duration(h->reset_tokens) > 0))
		return h->remaining_tokens && !strcmp(h->remaining_tokens, "0") &&
				       !(h->remaining_requests && !strcmp(h->remaining_requests, "0")) ?
			       "x-ratelimit-reset-tokens" :
			       "x-ratelimit-reset-requests";
	return NULL;
}

const char *retry_limit_pause_why(const struct retry_hints *h)
{
	if (h->remaining_requests && !strcmp(h->remaining_requests, "0") &&
	    retry_parse_duration(h->reset_requests) > 0)
		return "x-ratelimit-remaining-requests: 0";
	return "x-ratelimit-remaining-tokens: 0";
}

double retry_limit_pause(const struct retry_hints *h)
{
	const char *const rem[2] = { h->remaining_requests, h->remaining_tokens };
	const char *const reset[2] = { h->reset_requests, h->reset_tokens };
	double pause = 0;

	for (size_t i = 0; i < 2; i++) {
		double w;
		if (rem[i] && !strcmp(rem[i], "0") && (w = retry_parse_duration(reset[i])) > 0) {
			if (w > RETRY_MAX_SERVER_WAIT_S)
				w = RETRY_MAX_SERVER_WAIT_S;
			if (w > pause)
				pause = w;
		}
	}
	return pause;
}

int retry_transient_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_HTTP3:
	case CURLE_QUIC_CONNECT_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
		return 1;
	default:
		return 0;
	}
}

int retry_asks_wait(long status)
{
	return status == 429 || status == 503 || status == 529;
}

double retry_backoff(double base, int n, double u)
{
	double delay = base * pow(2, n > 1 ? n - 1 : 0);

	if (delay > BACKOFF_MAX_S)
		delay = BACKOFF_MAX_S;
	return delay * (0.5 + 0.5 * u);
}

double retry_jitter(double wait, double u)
{
	return wait + u * (wait * 0.1 < 1 ? wait * 0.1 : 1);
}

double retry_rate_limited_wait(double base, int waits)
{
	double w = base * pow(2, waits < 8 ? waits : 8);

	return w > BACKOFF_MAX_S ? BACKOFF_MAX_S : w; /* -M backoff's cap, as documented */
}

double retry_unavailable_wait(double base, int waits)
{
	double w = base * pow(2, waits < 8 ? waits : 8);

	return w > UNAVAILABLE_MAX_S ? UNAVAILABLE_MAX_S : w;
}

double retry_breaker_pause(int trips, double u)
{
	double d = 0.5 * pow(2, trips < 8 ? trips - 1 : 7);

	return (d > BREAKER_MAX_S ? BREAKER_MAX_S : d) * (0.75 + 0.25 * u);
}

double retry_body_delay(const char *body, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
	const cJSON *d;
	double w = -1;

	if (cJSON_IsArray(err)) /* some proxies wrap it in a list */
		err = cJSON_GetArrayItem(err, 0);
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(err, "details")) {
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "@type"));
		double v;
		if (!type || !strstr(type, "google.rpc.RetryInfo"))
			continue;
		v = retry_parse_duration(
			cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "retryDelay")));
		if (v > 0) {
			w = v < RETRY_MAX_SERVER_WAIT_S ? v : RETRY_MAX_SERVER_WAIT_S;
			break;
		}
	}
	cJSON_Delete(root);
	return w;
}
