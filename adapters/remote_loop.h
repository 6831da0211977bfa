/*
 * remote_loop: the HTTP adapter's state and the insides of its loop, shared
 * by the files that make it up:
 *
 *   remote.c        opens: options, key, endpoints -> struct http_state
 *   remote_loop.c   the loop: tasks, dispatch, each finished transfer
 *   remote_xfer.c   one transfer: its easy handle and its streamed body
 *   remote_sock.c   the sockets libcurl asks to watch (epoll) and its timer
 *   remote_pace.c   rate limits, the choice of endpoint, the circuit breaker
 *   remote_conc.c   how many requests in flight per endpoint (adaptive, pure)
 *   remote_metrics.c the server's own queue, from its /metrics (for remote_conc)
 *   remote_same.c   the same bad reply to every request: the run stops
 *
 * The protocol files never see this header (they see http.h only).
 */
#ifndef VSR_REMOTE_LOOP_H
#define VSR_REMOTE_LOOP_H

#include <curl/curl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../harness/scheduler.h"
#include "http.h"
#include "remote_conc.h"
#include "rjob.h"

#define RESP_MAX (16u << 20) /* a chat completion is small; cap hostile bodies */

struct endpoint {
	char *url;        /* base URL + protocol path */
	char *shown;      /* the base URL, for messages */
	char *metrics;    /* the server's Prometheus /metrics; NULL: not asked */
	int insecure;     /* TLS verification off (-M insecure_host) */
	int local;        /* on this machine: never through a proxy (xfer_verify) */
	double shown_pause; /* end of the last rate-limit pause shown (warn_mu) */
	double shown_unavail; /* when its 503 was last shown (warn_mu); 0: never */
};

/* What one loop knows of an endpoint (each loop thread has its own view). */
struct epstate {
	size_t in_flight;
	int fails;        /* consecutive transport failures, breaker closed */
	int trips;        /* breaker openings since the last response; 0: closed */
	int answered;     /* has ever sent an HTTP response */
	double opened_at;   /* when the breaker last opened */
	double down_until;  /* open until then, then one probe at a time */
	double pause_until; /* rate limit */
	double down_since;  /* start of the current failure streak */
	double rl_since;    /* first 429 or 503 since the last answer; 0: none */
	double ok_at;       /* the last answer; 0: none yet */
	struct conc conc;   /* how many may be in flight (remote_conc.h) */
	/* The server's queue from its /metrics (remote_metrics.c). */
	CURL *mx;           /* the request; NULL: not asked (off, fixed, or it showed none) */
	struct buf mx_resp;
	double mx_next;     /* when to ask next */
	int mx_busy;        /* the request is in the multi handle */
	int mx_shown;       /* it has shown a queue gauge; 0: not yet */
	int mx_fails;       /* failed polls in a row since */
	char pause_why[128]; /* why pause_until: "HTTP 429, Retry-After" ... */
};

/*
 * An opened HTTP model (the model's remote_state): filled by remote_open,
 * read by every loop, freed by remote.c's close.  Only warn_mu's fields
 * change once the loops run.
 */
struct http_state {
	const struct http_proto *proto;
	struct http_cfg cfg;
	cJSON *opts;
	char *key;
	struct endpoint *eps;
	size_t n_eps;
	double timeout, connect_timeout, deadline, backoff, give_up;
	long retries; /* -1: the run's --retries */
	double rpm, tpm;
	char *ca_file;
	char *listed;            /* the models the server lists ("a, b"), or NULL (remote_served) */
	unsigned char shown[600]; /* HTTP statuses whose body was shown */
	int shown_rl;
	size_t loops;            /* -M loops; 0: by -j */
	int conc_fixed;          /* -M concurrency: 1 fixed, 0 adaptive, -1 not given */
	int metrics;             /* -M server_metrics=auto (the default for openai) */
	pthread_mutex_t warn_mu; /* shown, shown_rl: loops share them */
};

/* One task on its way: several attempts, maybe on several endpoints. */
struct htask {
	struct rtask base; /* job, index; next: the ready queue or the waiting list */
	int attempts;    /* attempts that count against --retries */
	int waits;       /* rate-limit waits */
	double rl_first; /* the first of them (0: none yet) */
	int sent;
	int last_ep;     /* endpoint of the last failure, -1 */
	double first;    /* queued: the deadline counts from here */
	double not_before;
	double ms;
	double est_tokens;
	char why[256];   /* the last failure */
};

static inline struct htask *htask_of(struct rtask *t)
{
	return (struct htask *)t; /* base is the first member */
}

/* One transfer slot: an easy handle reused request after request. */
struct xfer {
	CURL *easy;
	struct htask *t;
	size_t ep;
	struct buf body, resp;
	/* The body sent: body[0..split) + img[0..img_len) + body[split..); pos: sent so far. */
	const char *img;
	size_t img_len, split, pos;
	int small;
	char errbuf[CURL_ERROR_SIZE];
	double t0;
	struct xfer *next_free;
};

/* One loop thread: its own multi handle, connections, breaker view and share of the limits. */
struct loop {
	struct rloop r;     /* scheduler, jobs, ready queue, journal lines */
	struct http_state *st;
	CURLM *multi;
	struct xfer *xf, *free_xf;
	size_t n_xf, in_flight, per_ep;
	struct rtask *waiting; /* retries not due yet (htasks) */
	uint64_t rng;
	double rpm_tokens, tpm_tokens, rate_t;
	struct epstate *es; /* this loop's view of st->eps */
	int epfd;           /* the sockets curl asked us to watch */
	unsigned char *fdst; /* by fd: FD_ bits (on_socket) */
	size_t n_fdst;
	double timer_at;    /* curl's timeout, absolute; < 0: none */
	double rpm, tpm;    /* this loop's share of -M rpm, tpm */
	/* The same reply no answer came from, again and again (remote_same.c). */
	uint64_t same_sig;  /* its signature (hint_signature), same_n times in a row */
	size_t same_n;
	size_t same_need;   /* same_n that stops the run: 0 until reached, then that plus what was in flight */
	size_t same_tasks;  /* tasks it made final (errors) */
	double same_t0;     /* when the first of them came */
	int same_failure;   /* 1: failures (5xx, 2xx without an answer); 0: refusals (4xx) */
	size_t n_final;     /* tasks made final by this loop */
	char same_msg[640]; /* that reply, for the stop message */
	char same_fix[512]; /* and its likely fix (with the models the server lists) */
	struct prefetch *pf; /* the thread that loads and encodes the images (remote_loop.c) */
	size_t n_loops;      /* loops sharing the endpoints (each takes its share of a queue) */
	int rc;
};

/* ---- remote_loop.c ------------------------------------------------------ */

/* The model's run_loop: one or more loop threads over the scheduler's jobs. */
int http_run(void *state, struct sched *s);

/* ---- remote_xfer.c ------------------------------------------------------ */

/*
 * Creates x's easy handle with the options every request shares (the
 * socket callbacks are sock_easy's).  0 or -1.
 */
int xfer_init(struct loop *L, struct xfer *x);
/* The options every easy handle of a loop shares (requests and /metrics polls). */
void xfer_common(const struct http_state *st, CURL *e);
/* What endpoint ep asks of a connection: TLS verification (-M insecure_host), no proxy to a local server. */
void xfer_verify(CURL *e, const struct endpoint *ep);
/*
 * Writes the body of req into x with the protocol's build(); img->split
 * set, the image's base64 is streamed from the job (on_read) instead of
 * copied, unless the whole body is small.  0, or -1 when the body cannot
 * be built (out of memory).
 */
int xfer_build(const struct http_state *st, struct xfer *x, const struct vsrbench_request *req,
	       const struct http_image *img);
/* Points x at endpoint e with a timeout of ms, ready for curl_multi_add_handle. */
void xfer_arm(struct xfer *x, const struct endpoint *e, long ms);
void xfer_release(struct xfer *x);

/* ---- remote_sock.c ------------------------------------------------------ */

/* Creates the epoll set and hooks the multi handle's socket and timer callbacks.  0 or -1. */
int sock_init(struct loop *L);
/* The socket callbacks an easy handle of L needs (CURLOPT_OPENSOCKETFUNCTION ...). */
void sock_easy(struct loop *L, CURL *easy);
/* Stops the run with the message (the key masked; the scheduler's first failure wins). */
void loop_fail(struct loop *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Waits up to timeout_ms for socket activity and hands it to curl. */
void sock_wait(struct loop *L, long timeout_ms);
/* Runs curl's timer when it is due. */
void sock_run_timer(struct loop *L, double now);
void sock_release(struct loop *L);

/* ---- remote_pace.c ------------------------------------------------------ */

/* A uniform draw in [0, 1) from the loop's own generator, for jitter. */
double pace_rnd(struct loop *L);

/* Estimated tokens of a request, for -M tpm (corrected by "usage" afterwards). */
double pace_estimate_tokens(const struct vsrbench_request *req);
/* What a "usage" object of the meta reports, for -M tpm; -1: nothing. */
double pace_usage_tokens(const cJSON *meta);
void pace_refill(struct loop *L, double now);
/* Seconds until -M rpm / tpm allow the next request (0: now). */
double pace_wait(const struct loop *L);
/* The endpoint for task t now, or -1 (see the comment in remote_pace.c). */
int pace_pick_endpoint(struct loop *L, const struct htask *t, double now);
/* When the next endpoint becomes usable, if none is now. */
double pace_endpoints_next(const struct loop *L, double now);
/* A transport failure of a request sent at t0 (the breaker). */
void pace_endpoint_failed(struct loop *L, struct epstate *ep, double t0, double now);
/* Every endpoint is failing: a configuration error or an outage longer than -M give_up. */
int pace_all_down(const struct loop *L, double now);
/*
 * The server of endpoint ep asked for a pause of `wait` seconds (`why`:
 * "HTTP 429, Retry-After" ...): no request goes to it before then, and the
 * pause is shown once on stderr.  Returns 1 instead (nothing shown) when
 * every endpoint is then paused for longer than -M give_up: the caller
 * stops the run.
 */
int pace_pause(struct loop *L, size_t ep, double now, double wait, const char *why, int asked);
/* The same pause, not shown (a 503 or 529: pace_say_unavailable). */
int pace_hold(struct loop *L, size_t ep, double now, double wait, const char *why);
/*
 * The server of endpoint ep answered 503 or 529 (why: the status, the URL and its
 * words): said once on stderr, that it is loading, unavailable or overloaded, and that
 * vsrbench waits; again only after an answer from it since.
 */
void pace_say_unavailable(struct loop *L, size_t ep, long status, double now, const char *why);
/*
 * The server of endpoint ep answered status 429 or 503 (why: the status,
 * the URL and its words), asking for w seconds (<= 0: none named; hw: where
 * it named it) after the task's waits earlier ones: the endpoint pauses.
 * The wait to retry the task after, or -1 when the run stops (sched_fail
 * done): 429s or 503s only for longer than -M give_up, or a pause longer.
 */
double pace_asked_wait(struct loop *L, size_t ep, long status, double w, const char *hw, int waits,
		       double now, const char *why);
/* When some endpoint is neither paused nor down (now when one is). */
double pace_endpoints_free_at(const struct loop *L, double now);
/* Every endpoint has answered only 429s or 503s (no answer in between) for longer than -M give_up. */
int pace_all_rate_limited(const struct loop *L, double now);
/* After the run: an endpoint of several that never answered while others did, named on stderr. */
void pace_warn_silent(const struct http_state *st, const struct loop *Ls, size_t n);

/* ---- remote_metrics.c --------------------------------------------------- */

/*
 * Sums the queue gauges of a Prometheus text exposition (vLLM's
 * vllm:num_requests_waiting, SGLang's sglang:num_queue_reqs, TGI's
 * tgi_queue_size; over all their label sets) into *waiting.  1 when one
 * was found, else 0.
 */
int srvq_parse(const char *text, size_t len, double *waiting);
/* Readies the /metrics requests of L's endpoints (adaptive limits only). */
void srvq_init(struct loop *L);
/* Sends the polls that are due; returns the earlier of next and the next one's time. */
double srvq_tick(struct loop *L, double now, double next);
/* A poll of L ended (its easy handle has no CURLOPT_PRIVATE): the limit learns the queue. */
void srvq_done(struct loop *L, CURL *easy, CURLcode rc, double now);
void srvq_release(struct loop *L);

/* ---- remote_same.c ------------------------------------------------------ */

/* A reply no answer came from, as same_reply reads it (strings borrowed). */
struct same_reply {
	long status;
	const char *body;    /* the reply's body */
	size_t len;
	const char *why;     /* a 2xx: what was wrong with it; NULL for other statuses */
	const char *excerpt; /* the body's excerpt (remote_body_excerpt) */
	size_t ep;           /* the endpoint that sent it */
	int failure;         /* 1: a 5xx or a 2xx (the slower rule); 0: a 4xx refusal */
};
/*
 * Counts the reply in L's streak of alike ones; 1 when the streak stops
 * the run (sched_fail done, with the reply and its likely fix): the caller
 * then makes the task an error.  Once per reply, before the task goes on.
 */
int same_reply(struct loop *L, const struct same_reply *r, double now);
/* An answer: the replies before it were not all alike. */
void same_reset(struct loop *L);
/* After the loop: every task it made final met the streak's reply: the run stops as same_reply does. */
void same_at_end(struct loop *L, double now);

/* remote_prefetch.c: images loaded and encoded off the loop's thread. */
int pf_start(struct loop *L);
/* rloop_take's contract from the ring: 0 with *out (NULL: none now, or no
 * more when block), or the error the prefetcher met. */
int pf_take(struct loop *L, int block, struct rjob **out);
/* Stops and joins the prefetcher; the jobs it holds are dropped (not journaled). */
void pf_stop(struct loop *L);

#endif
