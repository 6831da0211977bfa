/*
 * remote_metrics: the server's own queue, from its Prometheus /metrics
 * (issue 16).  vLLM, SGLang (--enable-metrics), text-generation-inference,
 * llama.cpp's llama-server (--metrics) and LMDeploy (--enable-metrics) serve
 * /metrics on the API's port, with a gauge of the requests waiting for a
 * batch slot.  A request waiting there only adds latency: the
 * concurrency limit drops by what waits (conc_queue, remote_conc.c), so it
 * settles at the server's batch instead of a step beyond it.
 *
 * Each loop asks each endpoint's /metrics every half round trip (0.1 s to
 * 1 s apart), on a handle of its own in the loop's multi handle.  A server
 * whose first answer shows no such gauge (a hosted API: 404; a server
 * without metrics) is not asked again; the limit then learns from
 * throughput alone.  -M server_metrics=off never asks.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "remote_loop.h"
#include "../base/util.h"

#define MX_MIN 0.1       /* seconds between two polls, at least ... */
#define MX_MAX 1.0       /* ... and at most */
#define MX_TIMEOUT 2000L /* ms: a poll slower than this is a failed one */
#define MX_RESP_MAX (8u << 20)
#define MX_FAILS 10      /* failed polls in a row that stop the polling */

/* The gauges of requests waiting for a batch slot, by server. */
static const char *const queue_gauges[] = {
	"vllm:num_requests_waiting",     /* vLLM */
	"sglang:num_queue_reqs",         /* SGLang */
	"tgi_queue_size",                /* text-generation-inference */
	"llamacpp:requests_deferred",    /* llama.cpp's llama-server: no slot free */
	"lmdeploy:num_requests_waiting", /* LMDeploy */
	NULL,
};

/* p at a sample line's labels or value: past the labels, if any; NULL: malformed. */
static const char *skip_labels(const char *p, const char *end)
{
	int quoted = 0;

	if (p >= end || *p != '{')
		return p;
	for (p++; p < end && *p != '\n'; p++) {
		if (quoted && *p == '\\' && p + 1 < end)
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '}')
			return p + 1;
	}
	return NULL;
}

int srvq_parse(const char *text, size_t len, double *waiting)
{
	const char *p = text, *end = text + len;
	double sum = 0;
	int found = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *q;
		if (!eol)
			eol = end;
		for (size_t g = 0; *p != '#' && queue_gauges[g]; g++) {
			size_t n = strlen(queue_gauges[g]);
			char num[64];
			double v;
			char *stop;
			size_t k = 0;
			if ((size_t)(eol - p) <= n || memcmp(p, queue_gauges[g], n) ||
			    (p[n] != '{' && p[n] != ' ' && p[n] != '\t'))
				continue;
			if (!(q = skip_labels(p + n, eol)))
				break;
			while (q < eol && (*q == ' ' || *q == '\t'))
				q++;
			while (q < eol && k + 1 < sizeof(num) && *q != ' ' && *q != '\t' && *q != '\r')
				num[k++] = *q++;
			num[k] = 0;
			v = strtod(num, &stop);
			if (k && !*stop && isfinite(v) && v >= 0) {
				sum += v;
				found = 1;
			}
			break;
		}
		p = eol + 1;
	}
	if (found)
		*waiting = sum;
	return found;
}

static size_t on_metrics(char *data, size_t size, size_t n, void *ctx)
{
	return buf_add(ctx, data, size * n) ? 0 : size * n;
}

void srvq_init(struct loop *L)
{
	for (size_t e = 0; e < L->st->n_eps; e++) {
		struct epstate *es = &L->es[e];
		const char *url = L->st->eps[e].metrics;
		if (!url || es->conc.fixed || !(es->mx = curl_easy_init()))
			continue;
		buf_init(&es->mx_resp, MX_RESP_MAX);
		curl_easy_setopt(es->mx, CURLOPT_URL, url);
		curl_easy_setopt(es->mx, CURLOPT_WRITEFUNCTION, on_metrics);
		curl_easy_setopt(es->mx, CURLOPT_WRITEDATA, &es->mx_resp);
		curl_easy_setopt(es->mx, CURLOPT_TIMEOUT_MS, MX_TIMEOUT);
		xfer_common(L->st, es->mx);
		xfer_verify(es->mx, &L->st->eps[e]);
		sock_easy(L, es->mx);
	}
}

double srvq_tick(struct loop *L, double now, double next)
{
	for (size_t e = 0; e < L->st->n_eps; e++) {
		struct epstate *es = &L->es[e];
		if (!es->mx || es->mx_busy)
			continue;
		if (es->mx_next <= now) {
			buf_reset(&es->mx_resp);
			if (curl_multi_add_handle(L->multi, es->mx))
				continue;
			es->mx_busy = 1;
		} else if (es->mx_next < next) {
			next = es->mx_next;
		}
	}
	return next;
}

/* Not asked again: it never showed a queue, or stopped answering. */
static void srvq_stop(struct epstate *es)
{
	curl_easy_cleanup(es->mx);
	es->mx = NULL;
	buf_release(&es->mx_resp);
}

void srvq_done(struct loop *L, CURL *easy, CURLcode rc, double now)
{
	struct epstate *es = NULL;
	long status = 0;
	double waiting, gap;

	for (size_t e = 0; e < L->st->n_eps && !es; e++)
		if (L->es[e].mx == easy)
			es = &L->es[e];
	if (!es)
		return;
	curl_multi_remove_handle(L->multi, easy);
	es->mx_busy = 0;
	gap = es->conc.srtt / 2;
	es->mx_next = now + (gap < MX_MIN ? MX_MIN : gap > MX_MAX ? MX_MAX : gap);
	if (rc == CURLE_OK)
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200 || !srvq_parse(es->mx_resp.ptr, es->mx_resp.len, &waiting)) {
		if (!es->mx_shown || ++es->mx_fails >= MX_FAILS) {
			srvq_stop(es);
			conc_queue_gone(&es->conc);
		}
		return;
	}
	if (!es->mx_shown)
		sched_concurrency_queue(L->r.s);
	es->mx_shown = 1;
	es->mx_fails = 0;
	{
		size_t before = conc_limit(&es->conc);
		/* Every loop sees the whole queue: each takes its share. */
		if (conc_queue(&es->conc, waiting / (double)L->n_loops, now))
			sched_concurrency_add(L->r.s, (long)conc_limit(&es->conc) - (long)before);
	}
}

void srvq_release(struct loop *L)
{
	for (size_t e = 0; e < L->st->n_eps; e++) {
		struct epstate *es = &L->es[e];
		if (!es->mx)
			continue;
		if (es->mx_busy)
			curl_multi_remove_handle(L->multi, es->mx);
		srvq_stop(es);
	}
}
