/*
 * remote_loop: the HTTP models' loop.  A loop thread runs one libcurl multi
 * handle for its share of the requests, like curl's own parallel mode
 * (src/tool_operate.c) but on the socket interface (remote_sock.c):
 * epoll_wait -> curl_multi_socket_action on the ready sockets (and on
 * curl's timer) -> drain curl_multi_info_read, each easy handle mapped back
 * to its task with CURLOPT_PRIVATE, a per-transfer CURLOPT_ERRORBUFFER,
 * retries re-queued with a not-before time.
 *
 * Why each rule (the peers' failure modes, issue 4):
 *  - a failed request is an error with its reason, never an answer;
 *  - what the server asks to wait is waited for, never less (remote_retry.c);
 *    a 429's pause applies to the whole endpoint, since its next requests
 *    would be refused too;
 *  - connection errors, timeouts, 408, 409, 429 and 5xx are retried with
 *    exponential backoff and jitter; other 4xx are not (the body is shown
 *    once); 401/403 stop the run: no later request can succeed;
 *  - an endpoint that stops answering is taken out of rotation by its
 *    circuit breaker (remote_pace.c); rate-limit waits and a broken
 *    endpoint do not use up a task's retries.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "remote_hint.h"
#include "remote_loop.h"
#include "remote_sse.h"
#include "remote_reply.h"
#include "remote_msg.h"
#include "remote_retry.h"
#include "../base/util.h"

/*
 * A task rate limited this many times, over more than -M give_up seconds,
 * fails: the server keeps refusing (besides the deadline).  Both: a fixed
 * -j far above a rate limit makes its tasks race for each token, and one
 * can lose a hundred races in a second to a server that asks for
 * millisecond waits while it answers the others.
 */
#define RL_MAX_WAITS 100

/* ====================================================================== */
/* Tasks                                                                    */

/* A task is final: its result is filled; the job completes after its last. */
static void task_final(struct loop *L, struct htask *t)
{
	struct task_result *res = &t->base.rj->res[t->base.k];

	res->ms = t->ms;
	res->attempts = t->sent;
	L->n_final++;
	/* After the job's last task this frees the htask array, t included. */
	rloop_task_done(&L->r, &t->base);
}

static void task_error(struct loop *L, struct htask *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void task_error(struct loop *L, struct htask *t, const char *fmt, ...)
{
	struct task_result *res = &t->base.rj->res[t->base.k];
	va_list ap;

	va_start(ap, fmt);
	remote_vmsgf(res->error, sizeof(res->error), L->st->key, fmt, ap);
	va_end(ap);
	res->ok = 0;
	task_final(L, t);
}

void loop_fail(struct loop *L, const char *fmt, ...)
{
	char msg[VSR_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	remote_vmsgf(msg, sizeof(msg), L->st->key, fmt, ap);
	va_end(ap);
	sched_fail(L->r.s, VSR_EMODEL, msg);
}

/* Does the API take images of this type (cfg.mimes, set by the protocol)? */
static int image_type_taken(const struct http_state *st, const char *mime)
{
	if (!st->cfg.mimes)
		return 1;
	for (const char *const *m = st->cfg.mimes; *m; m++)
		if (mime && !strcmp(*m, mime))
			return 1;
	return 0;
}

/* An image the API would refuse: the run stops before it is sent (a data error). */
static void image_type_refused(struct loop *L, const struct rjob *rj, const char *mime,
			       const char *conv_why)
{
	struct buf list = BUF_INIT;
	char msg[VSR_ERR_MAX];

	for (const char *const *m = L->st->cfg.mimes; *m; m++)
		buf_addf(&list, "%s%s", list.len ? ", " : "", *m + 6); /* without "image/" */
	remote_msgf(msg, sizeof(msg), L->st->key,
		    "%s item %s: its image is %s, which -m %s does not take (only %s)%s%s; "
		    "convert the images to PNG or JPEG first (e.g. mogrify -format png *.bmp)",
		    rj->job->item.suite, rj->job->item.id, mime ? mime : "of an unknown type",
		    L->st->proto->kind, list.ptr, conv_why[0] ? " and cannot be converted: " : "",
		    conv_why);
	buf_release(&list);
	sched_fail(L->r.s, VSR_EDATA, msg);
}

/* ====================================================================== */
/* Concurrency (remote_conc.c)                                              */

/* The limit of x's endpoint learns how its request ended. */
static void conc_note(struct loop *L, const struct xfer *x, double now, enum conc_outcome o)
{
	struct conc *c = &L->es[x->ep].conc;
	size_t before = conc_limit(c);

	if (conc_done(c, x->t0, now, o))
		sched_concurrency_add(L->r.s, (long)conc_limit(c) - (long)before);
}

/* What a transfer's end (rc, status, body) says about the server's load. */
static enum conc_outcome conc_outcome_of(CURLcode rc, long status, const struct buf *body)
{
	if (rc != CURLE_OK) {
		switch (rc) {
		case CURLE_OPERATION_TIMEDOUT:
		case CURLE_COULDNT_CONNECT:
		case CURLE_GOT_NOTHING:
		case CURLE_RECV_ERROR:
		case CURLE_SEND_ERROR:
			return CONC_FAILED;
		default:
			return CONC_NEUTRAL;
		}
	}
	if (status >= 200 && status < 300)
		return CONC_OK;
	if (status == 503 && hint_loading(body->ptr ? body->ptr : "", body->len))
		return CONC_NEUTRAL; /* not ready yet, not overloaded: the limit it learnt would crawl after */
	if (retry_asks_wait(status))
		return CONC_OVERLOAD;
	if (status == 408 || status == 504)
		return CONC_FAILED;
	return CONC_NEUTRAL;
}

/*
 * Tasks to hold (taken from the scheduler, not final): a few more than may
 * be in flight, so the limit binds; with an adaptive limit, twice the
 * current limits, so a low limit does not hold -j images in memory.
 */
static size_t tasks_wanted(const struct loop *L)
{
	size_t sum = 0, cap = L->n_xf + L->per_ep;

	for (size_t i = 0; i < L->st->n_eps; i++)
		sum += conc_limit(&L->es[i].conc);
	return 2 * sum + 4 < cap ? 2 * sum + 4 : cap;
}

/* The tasks of a newly taken job join the ready queue. */
static void add_job(struct loop *L, struct rjob *rj)
{
	struct htask *ts = xcalloc(rj->job->n_tasks, sizeof(*ts));
	double now = wall_seconds();

	rj->priv = ts; /* freed with the job */
	for (size_t k = 0; k < rj->job->n_tasks; k++) {
		ts[k].base.rj = rj;
		ts[k].base.k = k;
		ts[k].last_ep = -1;
		ts[k].first = now; /* the deadline counts waiting in the queue too */
	}
	/* The image's tasks, then the mirrored image's, then the blind ones:
	 * each image's requests in a row for the server's prefix cache. */
	for (int v = IMG_ORIG; v <= IMG_BLIND; v++)
		for (size_t k = 0; k < rj->job->n_tasks; k++)
			if ((int)rj->job->tasks[k].image == v)
				rloop_push(&L->r, &ts[k].base);
	L->r.active += rj->job->n_tasks;
}

/* ====================================================================== */
/* Sending                                                                  */

static int start(struct loop *L, struct htask *t, size_t ep, double now)
{
	struct http_state *st = L->st;
	struct xfer *x = L->free_xf;
	struct rjob *rj = t->base.rj;
	struct vsrbench_request req;
	size_t split = SIZE_MAX;
	struct http_image img = { NULL, 0, NULL, &split };
	char id[17], conv_why[VSR_ERR_MAX];
	double left;
	long ms;

	sched_request(L->r.s, rj->job, t->base.k, &rj->img, id, &req);
	/* A type the API does not take is converted when it can be (BMP to PNG). */
	if (rjob_request_image_for(rj, &req, st->cfg.mimes, &img.b64, &img.b64_len, &img.mime,
				   conv_why)) {
		task_error(L, t, "%s", "out of memory encoding an image");
		return 0;
	}
	if (img.b64 && !image_type_taken(st, img.mime)) {
		image_type_refused(L, rj, img.mime, conv_why);
		rloop_push_front(&L->r, &t->base); /* not sent: the run stops */
		return -1;
	}
	if (xfer_build(st, x, &req, &img)) {
		task_error(L, t, "%s", "cannot build the request body (out of memory?)");
		return 0;
	}
	left = t->first + st->deadline - now;
	if (left <= 0) {
		task_error(L, t, "deadline of %gs passed before it could be sent%s%s", st->deadline,
			   t->why[0] ? ": " : "", t->why);
		return 0;
	}
	ms = (long)(1000 * (st->timeout < left ? st->timeout : left));
	if (ms < 1)
		ms = 1;
	L->free_xf = x->next_free;
	x->next_free = NULL;
	x->t = t;
	x->ep = ep;
	x->t0 = now;
	xfer_arm(x, &st->eps[ep], ms);
	if (curl_multi_add_handle(L->multi, x->easy)) {
		x->next_free = L->free_xf;
		L->free_xf = x;
		task_error(L, t, "%s", "libcurl refused the transfer");
		return 0;
	}
	if (L->tpm > 0) {
		t->est_tokens = pace_estimate_tokens(&req);
		L->tpm_tokens -= t->est_tokens;
	}
	if (L->rpm > 0)
		L->rpm_tokens -= 1;
	L->es[ep].in_flight++;
	conc_sent(&L->es[ep].conc, now);
	L->in_flight++;
	t->sent++;
	return 0;
}

/*
 * No endpoint takes requests before free_at: the queued tasks whose
 * deadline comes first fail now, saying what they waited for, rather than
 * waiting to fail.
 */
static void expire_ready(struct loop *L, double now, double free_at)
{
	const struct http_state *st = L->st;
	const struct epstate *why = NULL;
	struct rtask **pp = &L->r.ready, *prev = NULL;

	for (size_t i = 0; i < st->n_eps; i++)
		if (L->es[i].pause_until > now && (!why || L->es[i].pause_until < why->pause_until))
			why = &L->es[i];
	while (*pp) {
		struct htask *t = htask_of(*pp);
		if (t->first + st->deadline >= free_at) {
			prev = *pp;
			pp = &(*pp)->next;
			continue;
		}
		*pp = t->base.next;
		if (L->r.ready_tail == &t->base)
			L->r.ready_tail = prev;
		t->base.next = NULL;
		if (why && why->pause_until >= free_at)
			task_error(L, t, "deadline of %gs would pass during the rate limit's pause (%s, %.3gs)",
				   st->deadline, why->pause_why, free_at - now);
		else
			task_error(L, t, "deadline of %gs would pass before a server takes requests again (in %.3gs)%s%s",
				   st->deadline, free_at - now, t->why[0] ? ": " : "", t->why);
	}
}

/* Starts what may start now; returns when the next attempt is possible. */
static double dispatch(struct loop *L, double now)
{
	double next = now + 1;

	pace_refill(L, now);
	while (L->r.ready && L->free_xf) {
		double w = pace_wait(L);
		int ep;
		if (w > 0) {
			next = now + w;
			break;
		}
		ep = pace_pick_endpoint(L, htask_of(L->r.ready), now);
		if (ep < 0) {
			double free_at = pace_endpoints_free_at(L, now);
			if (free_at > now)
				expire_ready(L, now, free_at);
			next = pace_endpoints_next(L, now);
			break;
		}
		if (start(L, htask_of(rloop_pop(&L->r)), (size_t)ep, now) < 0)
			break;
	}
	return next;
}

/* ====================================================================== */
/* Finishing                                                                */

static const char *header(CURL *e, const char *name)
{
	struct curl_header *h;

	if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
		return h->value;
	return NULL;
}

/*
 * The response's headers about waiting (the strings live until the handle's
 * next request).  After a success only a used-up limit matters: the resets
 * are read only then, Retry-After not at all.
 */
static void read_hints(CURL *e, struct retry_hints *h, int success)
{
	curl_off_t ra = 0;

	memset(h, 0, sizeof(*h));
	h->remaining_requests = header(e, "x-ratelimit-remaining-requests");
	h->remaining_tokens = header(e, "x-ratelimit-remaining-tokens");
	if (success) {
		if (h->remaining_requests && !strcmp(h->remaining_requests, "0"))
			h->reset_requests = header(e, "x-ratelimit-reset-requests");
		if (h->remaining_tokens && !strcmp(h->remaining_tokens, "0"))
			h->reset_tokens = header(e, "x-ratelimit-reset-tokens");
		return;
	}
	/* curl parses both forms of Retry-After: delta-seconds and an HTTP-date. */
	if (!curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra) && ra > 0)
		h->retry_after = (double)ra;
	h->retry_after_ms = header(e, "retry-after-ms");
	h->reset_requests = header(e, "x-ratelimit-reset-requests");
	h->reset_tokens = header(e, "x-ratelimit-reset-tokens");
}

/* A transfer failed in a way worth another attempt. */
static void retry_later(struct loop *L, struct htask *t, double now, double wait, int counts,
			const char *why)
{
	struct http_state *st = L->st;
	double delay;

	remote_msgf(t->why, sizeof(t->why), st->key, "%s", why);
	if (counts && ++t->attempts > L->r.retries) {
		task_error(L, t, "gave up after %d attempt%s: %s", t->sent, t->sent == 1 ? "" : "s",
			   t->why);
		return;
	}
	if (!counts && !t->waits++)
		t->rl_first = now;
	if (!counts && t->waits > RL_MAX_WAITS && now - t->rl_first > st->give_up) {
		task_error(L, t, "rate limited %d times over %.0fs (more than -M give_up=%gs): %s",
			   t->waits, now - t->rl_first, st->give_up, t->why);
		return;
	}
	if (wait > 0)
		delay = retry_jitter(wait, pace_rnd(L)); /* never less than the server asked */
	else
		delay = retry_backoff(st->backoff, t->attempts + t->waits, pace_rnd(L));
	if (now + delay > t->first + st->deadline) {
		if (wait > 0)
			task_error(L, t, "deadline of %gs would pass during the %.3gs wait the server asked for, after %d attempt%s: %s",
				   st->deadline, wait, t->sent, t->sent == 1 ? "" : "s", t->why);
		else
			task_error(L, t, "deadline of %gs passed after %d attempt%s: %s", st->deadline,
				   t->sent, t->sent == 1 ? "" : "s", t->why);
		return;
	}
	t->not_before = now + delay;
	t->base.next = L->waiting;
	L->waiting = &t->base;
}

/* retry_later after a reply of the streak (remote_same.c): a task it makes final counts there. */
static void retry_same(struct loop *L, struct htask *t, double now, double wait, const char *why)
{
	size_t before = L->n_final;

	retry_later(L, t, now, wait, 1, why);
	L->same_tasks += L->n_final - before;
}

/* A task's error after a reply of the streak. */
static void task_same(struct loop *L, struct htask *t, const char *why)
{
	L->same_tasks++;
	task_error(L, t, "%s", why);
}

/* A transfer that ended without an HTTP response (rc != CURLE_OK). */
static void finish_transport(struct loop *L, struct xfer *x, struct htask *t, CURLcode rc,
			     long status, double now)
{
	curl_off_t got = 0, sent = 0;
	struct http_state *st = L->st;
	struct endpoint *ep = &st->eps[x->ep];
	const char *what = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
	char why[512];

	if (rc == CURLE_WRITE_ERROR && x->resp.capped) {
		task_error(L, t, "%s: the response is larger than %u MiB", ep->shown, RESP_MAX >> 20);
		return;
	}
	curl_easy_getinfo(x->easy, CURLINFO_SIZE_DOWNLOAD_T, &got);
	if (rc == CURLE_OUT_OF_MEMORY && !x->errbuf[0]) {
		/* libcurl 7.x's word for a response header over its 100 KB limit. */
		loop_fail(L, "%s: the server sent a response header larger than libcurl accepts (100 KB), or memory ran out",
			  ep->shown);
		return;
	}
	remote_msgf(why, sizeof(why), st->key, "%s: %s", ep->shown, what);
	curl_easy_getinfo(x->easy, CURLINFO_SIZE_UPLOAD_T, &sent);
	if (rc == CURLE_OPERATION_TIMEDOUT && (status > 0 || got > 0 || sent > 0)) {
		/*
		 * The server took the request (and maybe was still sending):
		 * slow (a long reasoning), not unreachable, so no breaker and
		 * never "cannot reach".
		 */
		L->es[x->ep].answered = 1;
		if (status > 0 || got > 0)
			remote_msgf(why, sizeof(why), st->key,
				    "%s: HTTP %ld, still sending after the timeout (%ld bytes of body so far): %s",
				    ep->shown, status, (long)got, what);
		else
			remote_msgf(why, sizeof(why), st->key,
				    "%s: no answer within -M timeout=%gs (the request was sent; a slow "
				    "model? raise -M timeout): %s",
				    ep->shown, st->timeout, what);
		t->last_ep = (int)x->ep;
		retry_later(L, t, now, 0, 1, why);
		return;
	}
	if (!retry_transient_curl(rc)) {
		/* TLS verification, bad URL ...: no request can succeed. */
		loop_fail(L, "%s", why);
		return;
	}
	if (rc == CURLE_SSL_CONNECT_ERROR && !strncmp(ep->shown, "https://", 8) &&
	    (strstr(what, "wrong version number") || strstr(what, "packet length too long") ||
	     strstr(what, "unexpected TLS packet"))) {
		/*
		 * The TLS handshake met plain HTTP (OpenSSL's "wrong version
		 * number", GnuTLS's "unexpected TLS packet"): a server that is up,
		 * on a port without TLS (vLLM, Ollama, llama.cpp serve http://).
		 */
		loop_fail(L, "%.400s (the server on this port speaks plain HTTP, not TLS: use -M base_url=http://%s)",
			  why, ep->shown + 8);
		return;
	}
	if (rc != CURLE_PARTIAL_FILE && rc != CURLE_BAD_CONTENT_ENCODING) {
		pace_endpoint_failed(L, &L->es[x->ep], x->t0, now);
		if (pace_all_down(L, now)) {
			char check[200];
			/* A TLS server sent plain HTTP resets it, or answers with an alert (read as HTTP/0.9). */
			hint_unreachable(rc == CURLE_COULDNT_RESOLVE_HOST,
					 rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING ||
						 rc == CURLE_WEIRD_SERVER_REPLY,
					 !strncmp(ep->shown, "https:", 6),
					 ep->local, check, sizeof(check));
			loop_fail(L, "%s %.400s (-m %s; %s)",
				  L->es[0].answered || st->n_eps > 1 ? "no server answered:" :
				  "cannot reach the server:", why, st->proto->kind, check);
			return;
		}
	}
	t->last_ep = (int)x->ep;
	/* Another endpoint can take it at once; the breaker paces this one. */
	retry_later(L, t, now, 0, 1, why);
}

/* A 2xx response: the protocol's parse() makes it an answer. */
static void finish_ok(struct loop *L, struct xfer *x, struct htask *t, long status, double now)
{
	struct http_state *st = L->st;
	struct task_result *res = &t->base.rj->res[t->base.k];
	struct retry_hints h;
	/*
	 * pwhy is longer than the part of any message it goes into can show,
	 * so that a key it quotes is masked whole, never cut first.
	 */
	char pwhy[1024] = "", why[512], ex[REMOTE_EXCERPT + 8];
	double pause, used = 0;
	int pr;

	/* Pause the endpoint when a limit is used up until it resets. */
	read_hints(x->easy, &h, 1);
	if ((pause = retry_limit_pause(&h)) > 0 && now + pause > L->es[x->ep].pause_until &&
	    pace_pause(L, x->ep, now, pause, retry_limit_pause_why(&h), 1))
		loop_fail(L, "rate limit of %s used up (%s): it takes no requests for %s%.6gs, longer than -M give_up=%gs",
			  st->eps[x->ep].shown, retry_limit_pause_why(&h),
			  pause >= RETRY_MAX_SERVER_WAIT_S ? "at least " : "", pause, st->give_up);
	pr = remote_reply_read(st->proto, &st->cfg, x->resp.ptr, x->resp.len, st->key, t->sent, 1,
			       L->tpm > 0 ? &used : NULL, res, pwhy, sizeof(pwhy));
	if (pr != VSRBENCH_OK) {
		/* No answer: retried (a body that is not JSON, an error object) or this task's error. */
		struct same_reply r = { status, x->resp.ptr ? x->resp.ptr : "", x->resp.len, pwhy, NULL,
					x->ep, 1 };
		if (pr == REMOTE_NOT_JSON) {
			remote_body_excerpt(&x->resp, st->key, ex, sizeof(ex));
			remote_msgf(pwhy, sizeof(pwhy), st->key, HINT_NOT_JSON ": %.*s", r.len &&
				    sse_is_stream(r.body, r.len) ? 60 : (int)sizeof(ex), ex);
			remote_msgf(why, sizeof(why), st->key, "HTTP %ld with %s", status, pwhy);
		} else {
			remote_msgf(why, sizeof(why), st->key, "unexpected %s response: %s", st->proto->kind,
				    pwhy);
		}
		if (same_reply(L, &r, now))
			task_error(L, t, "%s", why);
		else if (pr == REMOTE_NOT_JSON || pr == VSRBENCH_ERR_RETRY)
			retry_same(L, t, now, 0, why);
		else
			task_same(L, t, why);
		return;
	}
	if (L->tpm > 0)
		L->tpm_tokens -= used > 0 ? used : t->est_tokens;
	same_reset(L); /* an answer: the refusals before it were not all alike */
	L->es[x->ep].rl_since = 0;
	L->es[x->ep].ok_at = now;
	res->ok = 1;
	task_final(L, t);
}

/* The first body of each status is shown on stderr; the rest are only journaled. */
static void show_first(struct http_state *st, long status, const char *why, const char *fate)
{
	pthread_mutex_lock(&st->warn_mu);
	if (status > 0 && status < 600 && !st->shown[status]) {
		st->shown[status] = 1;
		remote_warn(st->key, "%s (%s; later HTTP %ld errors are only in the journal)", why, fate,
			    status);
	}
	pthread_mutex_unlock(&st->warn_mu);
}

/* Any other HTTP status: retried, stopping the run, or this task's error. */
static void finish_status(struct loop *L, struct xfer *x, struct htask *t, long status, double now)
{
	struct http_state *st = L->st;
	struct endpoint *ep = &st->eps[x->ep];
	char why[512], ex[REMOTE_EXCERPT + 8];

	if (L->tpm > 0)
		L->tpm_tokens -= t->est_tokens;
	remote_body_excerpt(&x->resp, st->key, ex, sizeof(ex));
	remote_msgf(why, sizeof(why), st->key, "HTTP %ld from %s: %s", status, ep->shown, ex);
	if (status >= 400 && hint_no_image(x->resp.ptr, x->resp.len)) {
		/* No later request with an image can succeed: say how to give the model eyes. */
		loop_fail(L, "%.400s (%s)", why,
			  !strcmp(st->proto->kind, "openai")
				  ? "the served model takes no images: llama.cpp's server needs --mmproj FILE "
				    "(the model's vision projector); vLLM, SGLang, Ollama: serve a vision model"
				  : "the model takes no images: choose a vision model with -M model");
		return;
	}
	if (status >= 300 && status < 400) {
		/* Not followed: a POST re-sent to another address is the user's call. */
		const char *loc = header(x->easy, "location");
		char to[300];
		remote_msgf(to, sizeof(to), st->key, "%s", loc ? loc : "");
		loop_fail(L, "%s: HTTP %ld, a redirect%s%s, which vsrbench does not follow: give the "
			  "address it names as -M base_url (https:// where it says so)",
			  ep->shown, status, loc ? " to " : " (no Location)", to);
		return;
	}
	if (status >= 400 && status < 500 && hint_quota_used_up(x->resp.ptr, x->resp.len)) {
		loop_fail(L, "%.400s (the account's quota, credit or spend limit is used up: no request "
			  "can succeed until it is topped up or raised, or the period the server names "
			  "is over, so waiting does not help; the run resumes with the same -o)", why);
		return;
	}
	if (status == 429 || status == 408 || status == 409 || status >= 500) {
		struct retry_hints h;
		double w;
		int asked, wait = retry_asks_wait(status);
		read_hints(x->easy, &h, 0);
		w = retry_server_wait(&h, status);
		if (w <= 0) /* Gemini names its wait in the body (RetryInfo), not in a header */
			w = retry_body_delay(x->resp.ptr, x->resp.len);
		asked = w > 0;
		/* The server asks to wait (a 429, 503, 529): the endpoint pauses, retries are not used up. */
		if (wait && (w = pace_asked_wait(L, x->ep, status, w,
						 asked ? retry_server_wait_why(&h, status) : NULL, t->waits,
						 now, why)) < 0)
			return;
		t->last_ep = (int)x->ep;
		if (status >= 500 && !wait) {
			/* A server error's own words (out of memory, a crash), and the same one again and again. */
			struct same_reply r = { status, x->resp.ptr ? x->resp.ptr : "", x->resp.len, NULL,
						ex, x->ep, 1 };
			show_first(st, status, why, "retried");
			if (same_reply(L, &r, now))
				task_error(L, t, "%s", why);
			else
				retry_same(L, t, now, w, why);
			return;
		}
		retry_later(L, t, now, w, !wait, why);
		return;
	}
	if (status == 401 || status == 403 || (status == 400 && hint_bad_key(x->resp.ptr, x->resp.len))) {
		const char *other = hint_key_other(st->proto->kind, st->key);
		loop_fail(L, "%.400s (check %s%s%s)", why, st->cfg.key_env ? st->cfg.key_env : "the API key",
			  st->key ? "" : st->cfg.key_env && getenv(st->cfg.key_env) ? ", which is empty or blank" :
					 ", which is not set", other ? other : "");
		return;
	}
	/*
	 * Another 4xx: this request is wrong.  The same refusal a few times in
	 * a row is the configuration's (a base URL without /v1, a parameter
	 * the model rejects, a request over the model's context): every other
	 * task would meet it too, so the run stops with the URL that failed
	 * and the likely fix (remote_same.c).
	 */
	{
		struct same_reply r = { status, x->resp.ptr ? x->resp.ptr : "", x->resp.len, NULL, ex,
					x->ep, 0 };
		if (same_reply(L, &r, now)) {
			task_error(L, t, "%s", why);
			return;
		}
	}
	show_first(st, status, why, "not retried");
	task_same(L, t, why);
}

static void finish(struct loop *L, struct xfer *x, CURLcode rc, double now)
{
	struct htask *t = x->t;
	struct epstate *es = &L->es[x->ep];
	long status = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(L->multi, x->easy);
	conc_note(L, x, now, conc_outcome_of(rc, status, &x->resp));
	es->in_flight--;
	L->in_flight--;
	x->next_free = L->free_xf;
	L->free_xf = x;
	x->t = NULL;
	t->ms += (now - x->t0) * 1000.0;
	if (L->tpm > 0)
		L->tpm_tokens += t->est_tokens; /* re-debited below from "usage" when known */

	if (rc != CURLE_OK) {
		finish_transport(L, x, t, rc, status, now);
		return;
	}
	es->fails = 0;
	es->trips = 0;
	es->answered = 1;
	es->down_until = 0;
	if (status >= 200 && status < 300)
		finish_ok(L, x, t, status, now);
	else
		finish_status(L, x, t, status, now);
}

/* ====================================================================== */
/* The loop                                                                 */

/* One loop: its own multi handle, its share of the connections. */
static int loop_run(struct loop *L)
{
	struct http_state *st = L->st;
	int no_more = 0, r = 0;
	long idle_ms = 1;

	if (sock_init(L)) {
		loop_fail(L, "cannot create a libcurl multi handle");
		return VSR_EMODEL;
	}
	curl_multi_setopt(L->multi, CURLMOPT_MAXCONNECTS, (long)(L->n_xf + st->n_eps));
	L->xf = xcalloc(L->n_xf, sizeof(*L->xf));
	if (pf_start(L))
		L->pf = NULL; /* no thread: the loop loads the images itself */
	for (size_t i = 0; i < L->n_xf; i++) {
		struct xfer *x = &L->xf[i];
		if (xfer_init(L, x)) {
			loop_fail(L, "cannot create a libcurl handle");
			r = VSR_EMODEL;
			goto out;
		}
		sock_easy(L, x->easy);
		x->next_free = L->free_xf;
		L->free_xf = x;
	}
	srvq_init(L);

	for (;;) {
		double now = wall_seconds(), next;
		long timeout;
		int running, took = 0;
		CURLMsg *msg;

		if (sched_stopping(L->r.s))
			break;
		/* Retries whose time has come go first. */
		for (struct rtask **pp = &L->waiting; *pp;) {
			struct rtask *t = *pp;
			if (htask_of(t)->not_before <= now) {
				*pp = t->next;
				rloop_push_front(&L->r, t);
			} else {
				pp = &t->next;
			}
		}
		/* Keep a few more tasks taken than may be in flight. */
		while (!no_more && L->r.active < tasks_wanted(L)) {
			struct rjob *rj;
			int block = L->r.active == 0;
			if ((r = L->pf ? pf_take(L, block, &rj) : rloop_take(&L->r, block, 1, &rj)))
				goto out;
			if (!rj) {
				if (block)
					no_more = 1;
				break;
			}
			took = 1;
			add_job(L, rj);
		}
		if (no_more && !L->r.active)
			break;
		next = srvq_tick(L, now, dispatch(L, now));
		sock_run_timer(L, now);
		if (L->timer_at >= 0 && L->timer_at < next)
			next = L->timer_at;
		for (struct rtask *t = L->waiting; t; t = t->next)
			if (htask_of(t)->not_before < next)
				next = htask_of(t)->not_before;
		timeout = (long)ceil((next - now) * 1000);
		if (!no_more && L->r.active < tasks_wanted(L)) {
			/* Starved: look at the job queue again soon (it cannot wake us). */
			idle_ms = took ? 1 : (idle_ms < 64 ? idle_ms * 2 : 64);
			if (timeout > idle_ms)
				timeout = idle_ms;
		}
		if (timeout > 100)
			timeout = 100; /* notice a Ctrl-C */
		if (timeout < 0)
			timeout = 0;
		sock_wait(L, timeout);
		now = wall_seconds();
		sock_run_timer(L, now);
		while ((msg = curl_multi_info_read(L->multi, &running))) {
			struct xfer *x = NULL;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			if (x)
				finish(L, x, msg->data.result, now);
			else /* no transfer slot: a /metrics poll */
				srvq_done(L, msg->easy_handle, msg->data.result, now);
		}
		if ((r = rloop_flush(&L->r)))
			goto out;
	}
	/* A run too short for the stop whose every task met the same reply: it ends as the stop does. */
	if (!r && no_more && !sched_stopping(L->r.s))
		same_at_end(L, wall_seconds());
out:
	/* Stopping: abandon what is in flight (not journaled, so redone on resume). */
	for (size_t i = 0; i < L->n_xf; i++) {
		if (L->xf[i].t)
			curl_multi_remove_handle(L->multi, L->xf[i].easy);
		xfer_release(&L->xf[i]);
	}
	srvq_release(L);
	pf_stop(L);
	rloop_release(&L->r);
	free(L->xf);
	sock_release(L);
	return r;
}

static void *loop_thread(void *arg)
{
	struct loop *L = arg;

	L->rc = loop_run(L);
	return NULL;
}

/*
 * The model's run_loop.  One loop thread drives thousands of requests per
 * second; a server that answers instantly is kept busy by several (each
 * with its own connections, breaker view, concurrency limits and share of
 * -j and -M rpm/tpm: they share nothing, so nothing is locked), -M
 * loops=N; by default one with the adaptive limit, else (--fixed) one per
 * 32 requests in flight, at most one per CPU.
 */
int http_run(void *state, struct sched *s)
{
	struct http_state *st = state;
	const struct sched_config *sc = sched_get_config(s);
	size_t per_ep = sc->workers ? sc->workers : 16, n = st->loops, started = 1;
	int fixed = st->conc_fixed >= 0 ? st->conc_fixed : sc->fixed;
	long start_total = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct loop *Ls;
	pthread_t *th;
	int r = 0;

	if (!n && !fixed) {
		/*
		 * Adaptive: one loop, one limit per endpoint.  Loops sharing a
		 * server would each see their share of it grow when they raise
		 * their own limit, and raise it against each other.
		 */
		n = 1;
	} else if (!n) {
		n = per_ep * st->n_eps / 32;
		if (cpus > 0 && n > (size_t)cpus)
			n = (size_t)cpus;
		if (n > 8)
			n = 8;
	}
	if (n > per_ep)
		n = per_ep;
	if (n < 1)
		n = 1;
	Ls = xcalloc(n, sizeof(*Ls));
	th = xcalloc(n, sizeof(*th));
	for (size_t i = 0; i < n; i++) {
		struct loop *L = &Ls[i];
		rloop_init(&L->r, s, st->retries);
		L->st = st;
		L->n_loops = n;
		L->per_ep = per_ep / n + (i < per_ep % n);
		L->n_xf = L->per_ep * st->n_eps;
		L->es = xcalloc(st->n_eps, sizeof(*L->es));
		for (size_t e = 0; e < st->n_eps; e++) {
			conc_init(&L->es[e].conc, (double)L->per_ep, fixed, wall_seconds());
			start_total += (long)conc_limit(&L->es[e].conc);
		}
		L->rpm = st->rpm / (double)n;
		L->tpm = st->tpm / (double)n;
		L->rng = ((uint64_t)getpid() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(wall_seconds() * 1e9)) +
			 i * 0x632be59bd9b4e019ULL;
		if (!L->rng)
			L->rng = 1;
		L->rate_t = wall_seconds();
		L->rpm_tokens = 1;
	}
	sched_concurrency_add(s, start_total); /* all loops' starting limits at once */
	for (; started < n; started++)
		if (pthread_create(&th[started], NULL, loop_thread, &Ls[started]))
			break; /* fewer loops: the others' tasks wait in the queue */
	Ls[0].rc = loop_run(&Ls[0]);
	for (size_t i = 1; i < started; i++)
		pthread_join(th[i], NULL);
	if (!r && st->n_eps > 1)
		pace_warn_silent(st, Ls, n);
	for (size_t i = 0; i < n; i++) {
		if (!r)
			r = Ls[i].rc;
		free(Ls[i].es);
	}
	free(Ls);
	free(th);
	return r;
}
