/*
 * remote_conc: how many requests one loop keeps in flight to one endpoint
 * (issue 16).  Pure: no clock, no I/O; the loop passes the times in, the
 * unit test drives it with synthetic completions (tests/unit/test_conc.c).
 *
 * The scheme (docs/performance.md has the reasoning and the references):
 * a throughput-gradient probe with AIMD backoff.
 *
 *  - Slow start (Jacobson 1988): the limit doubles each measurement window
 *    while the completed requests per second rise with it, and stops at
 *    the knee: a doubling that paid less than half in proportion ends it
 *    (HyStart's idea, Ha & Rhee 2011), so it never doubles into the queue;
 *    a later step up that pays at least half in proportion resumes it.
 *    A doubling that paid less than three quarters in proportion (the
 *    latency rose by a seventh with it) goes on by a quarter per window
 *    instead (HyStart++'s conservative slow start, RFC 9406): the
 *    doubling that would cross the knee queues up to the old limit's
 *    worth of requests for a window, a quarter step a quarter of it.
 *  - Probing (a gradient hill-climb on throughput, after TCP Vegas,
 *    Brakmo & Peterson 1994, and Netflix's concurrency-limits "gradient"
 *    limiter): each cycle measures the current limit, then a step up or a
 *    step down.  A step up is kept when throughput rose by at least
 *    CONC_THETA of the relative step (the server had room: batch slots,
 *    connections); a step down is kept when throughput fell by less than
 *    CONC_THETA of it (the extra requests only queued: latency grew
 *    without throughput).  Steps are a sixteenth of the limit (an
 *    accepted step up may double, up to an eighth).  Each rejected probe
 *    makes the next one wait one more base window (up to CONC_HOLD_MAX; an
 *    accepted one halves the wait): once settled, probes are rare, so few requests
 *    pay for them (a step down in throughput, a step up in queueing).
 *    A step up whose first answers already wait longer than a step that
 *    pays would let them is judged at once, not after a full window.
 *    A base window whose latency doubled while throughput fell by a
 *    tenth since the last one steps down at once by a quarter (the server
 *    got slower: the requests beyond its capacity only queue).
 *  - Backoff (the multiplicative decrease of AIMD, Chiu & Jain 1989): a
 *    429 or 503 cuts the limit to 0.9 of the concurrency the server just
 *    sustained (successes per second times latency, Little's law) and
 *    remembers it as a ceiling that probes creep past only slowly; a
 *    timeout or a connection error halves the limit.  At most one cut per
 *    round trip: the requests already in flight when it was cut tell
 *    nothing new (TCP's fast recovery).
 *  - The server's own queue, when it shows it (vLLM's and SGLang's
 *    /metrics: requests waiting for a batch slot; remote_metrics.c reads
 *    it): any request waiting there only adds latency, so the limit drops
 *    at once by what waits (at most to half, once per round trip), and
 *    the knee found becomes a ceiling that probes creep past one request
 *    at a time.  The knee is then found by its first queued request, not
 *    by a window of throughput that queued a whole step (the tail
 *    latency); the server's batch limit is the limit to aim at.  Slow
 *    start, once the queue is in view, grows by a fifth at each reading
 *    that shows none waiting instead of doubling each window: the
 *    doubling that crossed the knee had queued up to the old limit's
 *    worth of requests for a round trip before a reading showed them.
 *
 * A window measures only the requests sent under its limit, and
 * throughput as the mean in flight over their mean latency (Little's law):
 * a batching server answers in waves, and counting answers over a span
 * varies by several per cent with where the span cuts a wave.
 *
 * A window is not judged when fewer requests were in flight than the limit
 * allowed (the loop had nothing more to send: RFC 7661's application-limited
 * rule), so a short queue never drives the limit up or down.
 *
 * `fixed`: the limit is max, always (-j N --fixed, -M concurrency=fixed).
 */
#ifndef VSR_REMOTE_CONC_H
#define VSR_REMOTE_CONC_H

#include <stddef.h>

#define CONC_START 8      /* first limit (capped by max) */
#define CONC_THETA 0.3    /* elasticity a step must show (see above) */

enum conc_outcome {
	CONC_OK,       /* an answer (2xx) */
	CONC_OVERLOAD, /* 429 or 503: the server asks for less */
	CONC_FAILED,   /* a timeout or a connection error */
	CONC_NEUTRAL,  /* anything else (a 4xx, a bad body): tells nothing about load */
};

struct conc {
	int fixed;
	double max;      /* -j: the limit never exceeds it */
	double limit;    /* requests allowed in flight now (>= 1) */
	int slow_start;
	int css;         /* slow start grows by a quarter, not a doubling (latency rose) */
	/* The window being measured. */
	double w_open;   /* when the limit last changed */
	double w_meas;   /* measurement starts here: w_open + one latency */
	double w_area;   /* integral of in-flight over [w_meas, w_t] */
	double w_t;
	size_t w_ok;
	double w_lat;    /* sum of the latencies of those successes */
	size_t in_flight;
	/* The cycle: base measured, then one probe. */
	int probe;       /* 0: measuring the base; +1 / -1: a step up / down */
	double base_limit, base_x;
	double base_r;   /* mean latency of the last base window; 0: none */
	double step;
	int last_dir;    /* direction of the last accepted probe */
	double srtt;     /* smoothed latency of successes; 0: none yet */
	double rate;     /* successes per second of the last judged window; 0: none */
	double cut_at;   /* the last cut: requests sent before it do not cut again */
	double ceiling;  /* after a 429/503 or a queue: probes stay below it; 0: none */
	int ceil_fine;   /* the ceiling is the server's queue's: it creeps by 1 */
	int queue_shown; /* the server's queue was read (conc_queue) */
	int calm;        /* cycles since the last cut (the ceiling creeps up) */
	/* Settled: both ways rejected from one base, probes grow rarer. */
	int hold;        /* base windows measured between two probes (0 .. CONC_HOLD_MAX) */
	int held;        /* of those, measured so far */
	/* Counters, for the tests and the run's summary. */
	size_t cuts, windows;
};

/* max >= 1; fixed: the limit is max. */
void conc_init(struct conc *c, double max, int fixed, double now);
/* The requests that may be in flight now (1 .. max). */
size_t conc_limit(const struct conc *c);
/* A request was sent at now. */
void conc_sent(struct conc *c, double now);
/*
 * A request sent at t_sent ended at now with outcome o.  Returns 1 when the
 * limit changed (the caller shows and records it), else 0.
 */
int conc_done(struct conc *c, double t_sent, double now, enum conc_outcome o);
/*
 * The server's queue at now: `waiting` requests wait for a batch slot
 * (its /metrics; from every client it serves, this loop's share).  Returns
 * 1 when the limit changed.
 */
int conc_queue(struct conc *c, double waiting, double now);
/* The server's queue is no longer read (its /metrics stopped answering): slow start doubles by windows again. */
void conc_queue_gone(struct conc *c);

#endif
