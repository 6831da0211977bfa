/*
 * remote_pace: how fast a loop may send and where: its share of -M rpm and
 * -M tpm (token buckets), the choice of endpoint for a task, and each
 * endpoint's circuit breaker.  An endpoint that stops answering is taken
 * out of rotation for a growing while and its tasks go to the others;
 * up to the endpoint's concurrency limit in flight (remote_conc.c; -j
 * with --fixed).
 */
#include <string.h>

#include "remote_loop.h"
#include "remote_msg.h"
#include "remote_retry.h"
#include "../base/util.h" /* last: it includes banned.h */

#define BREAKER_AFTER 3 /* consecutive transport failures before a pause */

/* A uniform draw in [0, 1) from the loop's own generator (xorshift64), for jitter. */
double pace_rnd(struct loop *L)
{
	L->rng ^= L->rng << 13;
	L->rng ^= L->rng >> 7;
	L->rng ^= L->rng << 17;
	return (double)(L->rng >> 11) / 9007199254740992.0;
}

/* ---- rate limits -------------------------------------------------------- */

double pace_estimate_tokens(const struct vsrbench_request *req)
{
	return (double)strlen(req->prompt) / 4.0 + (req->image ? 800.0 : 0.0) + req->max_tokens;
}

double pace_usage_tokens(const cJSON *meta)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(meta, "usage");
	static const char *const total[] = { "total_tokens", "totalTokenCount", NULL };
	static const char *const parts[] = { "input_tokens", "output_tokens", "prompt_eval_count",
					     "eval_count", NULL };
	double sum = 0;

	for (size_t i = 0; total[i]; i++) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(u, total[i]);
		if (cJSON_IsNumber(n))
			return n->valuedouble;
	}
	for (size_t i = 0; parts[i]; i++) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(u, parts[i]);
		if (cJSON_IsNumber(n))
			sum += n->valuedouble;
	}
	return sum > 0 ? sum : -1;
}

void pace_refill(struct loop *L, double now)
{
	double dt = now - L->rate_t;
	L->rate_t = now;
	if (L->rpm > 0) {
		double cap = L->rpm / 60.0 > 1 ? L->rpm / 60.0 : 1;
		L->rpm_tokens += dt * L->rpm / 60.0;
		if (L->rpm_tokens > cap)
			L->rpm_tokens = cap;
	}
	if (L->tpm > 0) {
		double cap = L->tpm / 60.0;
		L->tpm_tokens += dt * L->tpm / 60.0;
		if (L->tpm_tokens > cap)
			L->tpm_tokens = cap;
	}
}

double pace_wait(const struct loop *L)
{
	double w = 0;

	if (L->rpm > 0 && L->rpm_tokens < 1)
		w = (1 - L->rpm_tokens) * 60.0 / L->rpm;
	/* tpm is a debt: send while the balance is positive, pay after. */
	if (L->tpm > 0 && L->tpm_tokens < 0) {
		double w2 = -L->tpm_tokens * 60.0 / L->tpm;
		if (w2 > w)
			w = w2;
	}
	return w;
}

/* ---- endpoints ---------------------------------------------------------- */

/*
 * The endpoint for a task: usable (not paused, breaker closed or half open
 * with nothing in flight), a free slot, the fewest requests in flight, not
 * the one that just failed it when another will do.  -1: none now.
 */
int pace_pick_endpoint(struct loop *L, const struct htask *t, double now)
{
	const struct http_state *st = L->st;
	int best = -1;

	for (size_t i = 0; i < st->n_eps; i++) {
		const struct epstate *e = &L->es[i];
		if (e->in_flight >= conc_limit(&e->conc) || e->pause_until > now || e->down_until > now)
			continue;
		if (e->trips && e->in_flight)
			continue; /* half open: one probe at a time */
		if (best < 0 || (best == t->last_ep && (int)i != t->last_ep) ||
		    ((int)i != t->last_ep && e->in_flight < L->es[best].in_flight))
			best = (int)i;
	}
	return best;
}

double pace_endpoints_next(const struct loop *L, double now)
{
	double t = now + 1;

	for (size_t i = 0; i < L->st->n_eps; i++) {
		const struct epstate *e = &L->es[i];
		double u = e->pause_until > e->down_until ? e->pause_until : e->down_until;
		if (u > now && u < t)
			t = u;
	}
	return t;
}

/* ---- the breaker -------------------------------------------------------- */

/*
 * Closed breaker: the third transport failure in a row opens it.  Open or
 * half open: a failed probe opens it again for twice as long; requests
 * already in flight when it opened change nothing (a burst of timeouts is
 * one outage, not sixteen).
 */
void pace_endpoint_failed(struct loop *L, struct epstate *ep, double t0, double now)
{
	if (!ep->fails && !ep->trips)
		ep->down_since = now;
	if (ep->trips && t0 < ep->opened_at)
		return;
	if (!ep->trips && ++ep->fails < BREAKER_AFTER)
		return;
	ep->trips++;
	ep->fails = 0;
	ep->opened_at = now;
	ep->down_until = now + retry_breaker_pause(ep->trips, pace_rnd(L));
}

/*
 * At the start (no endpoint ever answered) this is a configuration error,
 * later an outage of more than -M give_up seconds.
 */
int pace_all_down(const struct loop *L, double now)
{
	const struct http_state *st = L->st;

	for (size_t i = 0; i < st->n_eps; i++) {
		const struct epstate *e = &L->es[i];
		if (!e->trips)
			return 0;
		if (e->answered && now - e->down_since < st->give_up)
			return 0;
	}
	return 1;
}

/* ---- pauses the servers ask for ------------------------------------------ */

double pace_endpoints_free_at(const struct loop *L, double now)
{
	double t = -1;

	for (size_t i = 0; i < L->st->n_eps; i++) {
		const struct epstate *e = &L->es[i];
		double u = e->pause_until > e->down_until ? e->pause_until : e->down_until;
		if (u <= now)
			return now;
		if (t < 0 || u < t)
			t = u;
	}
	return t < 0 ? now : t;
}

/*
 * Why give_up bounds a pause: a server that asks for an hour's pause is, for
 * this run, a server that does not answer (issue 18: a Retry-After of 1e9
 * held a run with give_up=20 past 100 s, printing nothing for a used-up
 * x-ratelimit-remaining).  Each pause is shown once: not again while the
 * pause shown last lasts, unless a longer one extends it by more than 1 s.
 */
int pace_hold(struct loop *L, size_t ep, double now, double wait, const char *why)
{
	struct epstate *es = &L->es[ep];

	if (now + wait > es->pause_until) {
		es->pause_until = now + wait;
		remote_msgf(es->pause_why, sizeof(es->pause_why), L->st->key, "%s", why);
	}
	return pace_endpoints_free_at(L, now) > now + L->st->give_up;
}

int pace_pause(struct loop *L, size_t ep, double now, double wait, const char *why, int asked)
{
	struct http_state *st = L->st;
	struct endpoint *e = &st->eps[ep];
	int show;

	if (pace_hold(L, ep, now, wait, why))
		return 1;
	pthread_mutex_lock(&st->warn_mu);
	show = e->shown_pause <= now || now + wait > e->shown_pause + 1;
	if (now + wait > e->shown_pause)
		e->shown_pause = now + wait;
	pthread_mutex_unlock(&st->warn_mu);
	if (show)
		remote_warn(st->key, "rate limited by %s (%s): no requests to it for %.6gs%s",
			    e->shown, why, wait,
			    asked ? ", as asked" : " (a backoff of ours: the server named no wait)");
	return 0;
}

/*
 * Said once, not at each of the pauses that follow (they grow from -M
 * backoff up to 10 s): again only after this loop had an answer from the
 * endpoint since.
 */
void pace_say_unavailable(struct loop *L, size_t ep, long status, double now, const char *why)
{
	struct http_state *st = L->st;
	struct endpoint *e = &st->eps[ep];
	int show;

	pthread_mutex_lock(&st->warn_mu);
	show = !e->shown_unavail || L->es[ep].ok_at > e->shown_unavail;
	if (show)
		e->shown_unavail = now;
	pthread_mutex_unlock(&st->warn_mu);
	if (show)
		remote_warn(st->key, "%s: the server is %s; vsrbench waits for it (its requests are paused "
			    "and retried, without using up their retries, for up to -M give_up=%gs with no "
			    "answer)", why, status == 529 ? "overloaded" : "loading the model or is unavailable",
			    st->give_up);
}

/*
 * A 429: a rate limit.  A 503: a server loading its model or overloaded
 * (llama.cpp answers "Loading model" for as long as the load takes; a task
 * that spent its retries on it failed though the server came up seconds
 * later); a 529, Anthropic's API overloaded.  Either way no request to the
 * endpoint can succeed before the wait, so the endpoint pauses and the
 * task's retries are not used up; 429s, 503s or 529s and nothing else for
 * longer than -M give_up stop the run.
 */
double pace_asked_wait(struct loop *L, size_t ep, long status, double w, const char *hw, int waits,
		       double now, const char *why)
{
	const struct http_state *st = L->st;
	struct epstate *es = &L->es[ep];
	const char *what = status == 429 ? "rate limited" :
			   status == 529 ? "overloaded" : "unavailable (loading its model?)";
	char pw[64], msg[VSR_ERR_MAX];
	int asked = w > 0;

	if (w <= 0 && status == 429)
		w = retry_rate_limited_wait(st->backoff, waits);
	else if (w <= 0 && (w = retry_unavailable_wait(st->backoff, waits)) > st->give_up)
		w = st->give_up; /* a wait of ours: never one that would stop the run by itself */
	if (!hw && asked)
		hw = "RetryInfo in the body"; /* Gemini names its wait in the body */
	if (!es->rl_since) {
		es->rl_since = now;
	} else if (pace_all_rate_limited(L, now)) { /* this endpoint among them */
		remote_msgf(msg, sizeof(msg), st->key,
			    "%s for %.0fs with no answer in between, longer than -M give_up=%gs: %.400s", what,
			    now - es->rl_since, st->give_up, why);
		sched_fail(L->r.s, VSR_EMODEL, msg);
		return -1;
	}
	remote_msgf(pw, sizeof(pw), NULL, "HTTP %ld%s%s", status, hw ? ", " : ", no wait named",
		    hw ? hw : "");
	if (status != 429)
		pace_say_unavailable(L, ep, status, now, why);
	if (now + w > es->pause_until &&
	    (status == 429 ? pace_pause(L, ep, now, w, pw, asked) : pace_hold(L, ep, now, w, pw))) {
		/* A wait past the cap was read as the cap: "at least" it. */
		remote_msgf(msg, sizeof(msg), st->key,
			    "%s%s%s (%s): it asks for a pause of %s%.6gs, longer than -M give_up=%gs",
			    status == 429 ? "rate limited by " : "", st->eps[ep].shown,
			    status == 429 ? "" : status == 529 ? " is overloaded" : " is unavailable", pw,
			    w >= RETRY_MAX_SERVER_WAIT_S ? "at least " : "", w, st->give_up);
		sched_fail(L->r.s, VSR_EMODEL, msg);
		return -1;
	}
	return w;
}

/* Every endpoint has answered only 429s (or 503s) for longer than -M give_up. */
int pace_all_rate_limited(const struct loop *L, double now)
{
	for (size_t i = 0; i < L->st->n_eps; i++)
		if (!L->es[i].rl_since || now - L->es[i].rl_since <= L->st->give_up)
			return 0;
	return 1;
}

/* Has endpoint e answered any of the n loops? */
static int heard_from(const struct loop *Ls, size_t n, size_t e)
{
	for (size_t i = 0; i < n; i++)
		if (Ls[i].es[e].answered)
			return 1;
	return 0;
}

/* Of several endpoints, one that never answered while others did is said, not hidden. */
void pace_warn_silent(const struct http_state *st, const struct loop *Ls, size_t n)
{
	size_t heard = 0;

	for (size_t e = 0; e < st->n_eps; e++)
		heard += (size_t)heard_from(Ls, n, e);
	if (!heard || heard == st->n_eps)
		return;
	for (size_t e = 0; e < st->n_eps; e++) {
		if (!heard_from(Ls, n, e))
			remote_warn(st->key, "%s never answered during the run (refused or timed out "
				    "every connection): the other servers took its share; check it, or "
				    "leave it out of -M base_url", st->eps[e].shown);
	}
}
