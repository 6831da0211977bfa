/*
 * The adaptive concurrency limit (adapters/remote_conc.h), driven by
 * synthetic completions: a small discrete-event simulation in virtual time
 * of a closed loop (send while below the limit, wait for the next
 * completion) against three server models whose best concurrency is known
 * from their formulas, not from running the controller:
 *
 *  - continuous batching: a request joining a batch of b runs t0 + c*b
 *    seconds, at most B run, the rest queue.  Throughput b/(t0 + c*b)
 *    rises up to b = B and is flat beyond, so the best limit is B;
 *  - a rate limit of N requests per second (a token bucket holding at most
 *    N/2), latency R: beyond N*R in flight the bucket empties and the
 *    excess is answered 429 at once, with the wait until the next token;
 *  - a server that slows down: B drops from 64 to 8 halfway;
 *  - the batching server showing its queue (the requests beyond B), sampled
 *    every qpoll seconds as the loop polls a vLLM server's /metrics.
 *
 * Assertions are on counts (limits, 429s, successes), never on wall time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "adapters/remote_conc.h"

#define SLOTS 1100

struct req {
	double sent, done_at;
	int running, queued, waited;
	enum conc_outcome o;
};

struct sim {
	double now;
	struct req r[SLOTS];
	size_t n;           /* in flight (running, queued or answered 429) */
	size_t running;
	/* the batching server */
	double t0, c;
	size_t B;
	/* the rate limit */
	double rate_n, lat;
	double tokens, tok_t;
	double pause_until; /* after a 429: the loop waits as Retry-After asks */
	uint64_t rng;
	/* counts */
	size_t ok, over, over_late, ok_late, max_limit, max_seen;
	size_t waited;      /* answered after waiting in the server's queue (beyond B) */
	double late;        /* "late": after this time */
	double qpoll, next_poll; /* the queue shown every qpoll seconds; 0: never */
	double slow_at;     /* answers slower than this are counted in slow */
	size_t slow;
};

static double jitter(struct sim *s)
{
	s->rng = s->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return 0.95 + 0.1 * (double)(s->rng >> 11) / 9007199254740992.0;
}

static void batch_start(struct sim *s, struct req *q)
{
	s->running++;
	q->running = 1;
	q->queued = 0;
	q->done_at = s->now + (s->t0 + s->c * (double)s->running) * jitter(s);
	q->o = CONC_OK;
}

static void arrive(struct sim *s, struct req *q)
{
	q->sent = s->now;
	q->running = q->queued = 0;
	if (s->rate_n > 0) {
		/* A token bucket: N per second, at most N/2 saved up. */
		s->tokens += (s->now - s->tok_t) * s->rate_n;
		s->tok_t = s->now;
		if (s->tokens > s->rate_n / 2)
			s->tokens = s->rate_n / 2;
		if (s->tokens < 1) {
			q->done_at = s->now + 0.001;
			q->o = CONC_OVERLOAD;
			/* retry-after-ms: until the next token */
			s->pause_until = s->now + (1 - s->tokens) / s->rate_n;
			return;
		}
		s->tokens -= 1;
		q->done_at = s->now + s->lat * jitter(s);
		q->o = CONC_OK;
		return;
	}
	q->waited = 0;
	if (s->running < s->B)
		batch_start(s, q);
	else
		q->queued = q->waited = 1;
}

/* Runs until `total` requests have been answered (429s are re-sent, as the loop does). */
static void drive(struct sim *s, struct conc *c, size_t total, double slow_at)
{
	size_t answered = 0;

	while (answered < total) {
		size_t k = SIZE_MAX;
		struct req q;

		while (s->n < conc_limit(c) && s->now >= s->pause_until) {
			arrive(s, &s->r[s->n++]);
			conc_sent(c, s->now);
		}
		if (s->n > s->max_seen)
			s->max_seen = s->n;
		if (conc_limit(c) > s->max_limit)
			s->max_limit = conc_limit(c);
		for (size_t i = 0; i < s->n; i++)
			if (!s->r[i].queued && (k == SIZE_MAX || s->r[i].done_at < s->r[k].done_at))
				k = i;
		if (k == SIZE_MAX || s->r[k].done_at > s->pause_until) {
			if (s->now < s->pause_until) {
				s->now = s->pause_until; /* nothing ends before the pause does */
				continue;
			}
		}
		if (s->qpoll > 0 && s->next_poll <= s->now)
			s->next_poll = s->now + s->qpoll;
		if (s->qpoll > 0 && (k == SIZE_MAX || s->r[k].done_at > s->next_poll)) {
			/* The loop reads the server's queue. */
			size_t waiting = 0;
			for (size_t i = 0; i < s->n; i++)
				waiting += (size_t)s->r[i].queued;
			s->now = s->next_poll;
			s->next_poll += s->qpoll;
			conc_queue(c, (double)waiting, s->now);
			continue;
		}
		assert_true(k != SIZE_MAX);
		q = s->r[k];
		s->r[k] = s->r[--s->n];
		s->now = q.done_at;
		if (slow_at > 0 && s->now >= slow_at)
			s->B = 8;
		if (q.running) {
			s->running--;
			/* The oldest queued requests join the batch (first come, first served). */
			while (s->running < s->B) {
				size_t j = SIZE_MAX;
				for (size_t i = 0; i < s->n; i++)
					if (s->r[i].queued && (j == SIZE_MAX || s->r[i].sent < s->r[j].sent))
						j = i;
				if (j == SIZE_MAX)
					break;
				batch_start(s, &s->r[j]);
			}
		}
		conc_done(c, q.sent, s->now, q.o);
		if (q.o == CONC_OK) {
			answered++;
			s->ok++;
			s->waited += q.waited;
			s->slow += s->slow_at > 0 && s->now - q.sent > s->slow_at;
			s->ok_late += s->now >= s->late;
		} else {
			s->over++;
			s->over_late += s->now >= s->late;
		}
	}
}

static void sim_init(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	s->rng = 42;
	s->late = 1e300;
}

/* The batching server of bench/adaptive.sh: 100 ms + 1 ms per sequence, at most B at once. */
static void sim_batching(struct sim *s, size_t B)
{
	sim_init(s);
	s->t0 = 0.1;
	s->c = 0.001;
	s->B = B;
}

/* Batching: 100 ms + 1 ms per sequence, B = 128: it goes up to about B and stays there. */
static void test_batching_converges_up(void **state)
{
	static struct sim s;
	struct conc c;

	(void)state;
	sim_batching(&s, 128);
	/* The slowest answer -j B can get (test_queue_shown): counted, for docs/performance.md. */
	s.slow_at = (s.t0 + s.c * (double)s.B) * 1.05;
	conc_init(&c, 256, 0, 0);
	assert_int_equal(conc_limit(&c), CONC_START);
	/*
	 * 8000 answers, as bench/adaptive.sh's batch part: from the start
	 * (slow start included) within 0.9 of the best fixed, 561/s at B.
	 */
	drive(&s, &c, 8000, 0);
	assert_true((double)s.ok / s.now >= 0.9 * 128 / (0.1 + 0.001 * 128));
	/*
	 * Without the server's queue the knee is found by stepping past it:
	 * each step up to 136 delays the answers sent during it (printed; 1%
	 * of 8000 is 80).
	 */
	print_message("no queue shown, B 128: %.1f/s of 561.4, %zu of %zu answers slower than -j 128's slowest, "
		      "%zu waited\n", (double)s.ok / s.now, s.slow, s.ok, s.waited);
	/*
	 * Slow start stopped at the knee (the doubling 64 -> 128 paid 1.44x,
	 * less than half in proportion), so nothing doubled past it: the
	 * highest limit is one probe step (a sixteenth, at most an eighth) above B.  Probes past B
	 * queue; few answers waited in the queue (the tail latency): a
	 * doubling to 256 would have queued half of a window's requests.
	 */
	assert_true(s.max_limit <= 128 + 128 / 8);
	assert_true(s.waited <= s.ok / 10);
	drive(&s, &c, 12000, 0);
	/* Throughput at 96 is 96/0.196 = 490/s against 561/s at B: within 0.9 of the best. */
	assert_in_range(conc_limit(&c), 96, 192);
	assert_true(s.max_limit <= 128 + 128 / 8);
	assert_int_equal(c.cuts, 0);
	/* The second half: the mean throughput is within 0.9 of the best fixed (B). */
	{
		double t1 = s.now;
		size_t ok1 = s.ok;
		drive(&s, &c, 20000, 0);
		assert_true((double)(s.ok - ok1) / (s.now - t1) >= 0.9 * 128 / (0.1 + 0.001 * 128));
	}
}

/*
 * Slow start ended at the start (as a noisy window can end it): steps up
 * that pay in proportion resume the doubling, so the limit still reaches B
 * within the bench's 8000 answers (an eighth per window would take
 * ln(16)/ln(1.125) = 24 windows from 8 to 128: 387/s here).
 */
static void test_slow_start_resumes(void **state)
{
	static struct sim s;
	struct conc c;

	(void)state;
	sim_batching(&s, 128);
	conc_init(&c, 256, 0, 0);
	c.slow_start = 0;
	drive(&s, &c, 8000, 0);
	assert_true((double)s.ok / s.now >= 0.85 * 128 / (0.1 + 0.001 * 128));
	assert_in_range(conc_limit(&c), 96, 192);
}

/*
 * Batching servers whose knee a doubling would cross (64: slow start goes
 * 8, 16, 32, 64, then 128; 100: 64, then 128).  The latency rises with the
 * batch (t0 + c*b), so the doublings below the knee pay less than in
 * proportion (32 -> 64 pays 1.61x): slow start goes on by a quarter
 * (RFC 9406's conservative slow start), and the step that crosses the knee
 * is at most a quarter of the limit, not all of it (the requests that wait
 * behind a full batch: the tail latency).  Throughput within 0.9 of B's.
 */
static void test_conservative_slow_start(void **state)
{
	static struct sim s;
	struct conc c;
	static const size_t Bs[] = { 64, 100 };

	(void)state;
	for (size_t i = 0; i < sizeof(Bs) / sizeof(Bs[0]); i++) {
		sim_batching(&s, Bs[i]);
		conc_init(&c, 256, 0, 0);
		drive(&s, &c, 8000, 0);
		print_message("no queue shown, B %zu: %.1f/s of %.1f, max limit %zu, %zu waited\n", s.B,
			      (double)s.ok / s.now, (double)s.B / (s.t0 + s.c * (double)s.B), s.max_limit, s.waited);
		assert_true(s.max_limit <= s.B + s.B / 4);
		assert_true((double)s.ok / s.now >= 0.9 * (double)s.B / (s.t0 + s.c * (double)s.B));
	}
}

/*
 * The batching server of test_batching_converges_up showing its queue, as
 * vLLM's /metrics does, every 0.1 s: the limit drops by what waits, so the
 * step a probe queues lasts one poll, not a window.  The slowest answer the
 * best fixed setting (-j B) can get is its batch's, (t0 + c*B) with the
 * jitter's +5%: at most 1% of answers are slower (the p99 of the best
 * fixed setting, or better), and throughput stays within 0.9 of B's.
 */
static void test_queue_shown(void **state)
{
	static struct sim s;
	struct conc c;
	static const size_t Bs[] = { 128, 100, 40 };

	(void)state;
	for (size_t i = 0; i < sizeof(Bs) / sizeof(Bs[0]); i++) {
		double best, t1;
		size_t ok1;

		sim_batching(&s, Bs[i]);
		s.qpoll = 0.1;
		s.slow_at = (s.t0 + s.c * (double)s.B) * 1.05;
		best = (double)s.B / (s.t0 + s.c * (double)s.B);
		conc_init(&c, 256, 0, 0);
		drive(&s, &c, 8000, 0);
		assert_true((double)s.ok / s.now >= 0.9 * best);
		assert_true((double)s.slow <= 0.01 * (double)s.ok);
		assert_true(c.cuts >= 1); /* the queue was seen, and cut */
		/* Slow start grows by a fifth per reading from below B: a quarter past B at most. */
		print_message("B %zu: %.1f/s of %.1f, %zu slow, limit %zu, max %zu\n", s.B, (double)s.ok / s.now,
			      best, s.slow, conc_limit(&c), s.max_limit);
		assert_true(s.max_limit <= s.B + s.B / 4);
		t1 = s.now;
		ok1 = s.ok;
		drive(&s, &c, 20000, 0);
		/* Settled: at B or just under it, and as fast as B. */
		assert_in_range(conc_limit(&c), s.B - s.B / 8, s.B + 1);
		assert_true((double)(s.ok - ok1) / (s.now - t1) >= 0.95 * best);
		assert_true((double)s.slow <= 0.01 * (double)s.ok);
	}
}

/* A limit of `limit` with `sent` requests in flight, from time 0 (not fixed, -j 256). */
static void start_at(struct conc *c, double limit, int sent)
{
	conc_init(c, 256, 0, 0);
	c->limit = limit;
	for (int i = 0; i < sent; i++)
		conc_sent(c, 0);
}

/* Up to 600 answers 0.2 s after they were sent, each sent again at once; stops when the limit moves. */
static void answer_full(struct conc *c)
{
	size_t limit = conc_limit(c);

	for (int i = 0; i < 600 && conc_limit(c) == limit; i++) {
		double t = 0.1 + 0.001 * (double)i;
		conc_done(c, t, t + 0.2, CONC_OK);
		conc_sent(c, t + 0.2);
	}
}

/*
 * Slow start with the queue in view: each reading with none waiting raises
 * the limit by a fifth (plus one), only while the limit binds; a window
 * that ends meanwhile does not double it; the first reading with a queue
 * cuts to what was in flight less the queue and ends slow start, and an
 * empty reading after that changes nothing.  The limits are counted by
 * hand: 64 * 1.2 + 1 = 77.8, 77 * 1.2 + 1 = 93.4.
 */
static void test_queue_slow_start(void **state)
{
	struct conc c;

	(void)state;
	start_at(&c, 64, 40);
	/* 40 of 64 in flight: the limit does not bind, so nothing is learned. */
	assert_int_equal(conc_queue(&c, 0, 0.05), 0);
	assert_int_equal(conc_limit(&c), 64);
	for (int i = 0; i < 24; i++)
		conc_sent(&c, 0);
	assert_int_equal(conc_queue(&c, 0, 0.1), 1);
	assert_int_equal(conc_limit(&c), 77);
	for (int i = 0; i < 13; i++)
		conc_sent(&c, 0.1);
	/* Windows of answers at 77 (0.2 s each, the limit kept full): no doubling. */
	answer_full(&c);
	assert_true(c.windows >= 1); /* judged, and kept */
	assert_int_equal(conc_limit(&c), 77);
	assert_int_equal(conc_queue(&c, 0, 1.0), 1);
	assert_int_equal(conc_limit(&c), 93);
	for (int i = 0; i < 16; i++)
		conc_sent(&c, 1.0);
	/* 93 in flight, 5 wait: 88, and slow start is over. */
	assert_int_equal(conc_queue(&c, 5, 1.05), 1);
	assert_int_equal(conc_limit(&c), 88);
	assert_int_equal(c.slow_start, 0);
	assert_int_equal(conc_queue(&c, 0, 1.5), 0);
	assert_int_equal(conc_limit(&c), 88);

	/* The queue no longer read (its /metrics stopped answering): windows double again. */
	start_at(&c, 64, 64);
	assert_int_equal(conc_queue(&c, 0, 0.1), 1);
	assert_int_equal(conc_limit(&c), 77);
	conc_queue_gone(&c);
	for (int i = 0; i < 13; i++)
		conc_sent(&c, 0.1);
	answer_full(&c);
	assert_int_equal(conc_limit(&c), 154);
}

/*
 * A queue that is not this loop's (another client's): each reading halves
 * the limit at most, at most once per round trip.
 */
static void test_queue_cut_bounded(void **state)
{
	struct conc c;

	(void)state;
	start_at(&c, 64, 64);
	c.slow_start = 0; /* (in slow start an empty queue raises the limit: test_queue_slow_start) */
	for (int i = 0; i < 10; i++)
		conc_done(&c, 0, 0.2, CONC_OK); /* srtt 0.2 s */
	for (int i = 0; i < 10; i++)
		conc_sent(&c, 0.2);
	assert_int_equal(conc_queue(&c, 0, 0.25), 0); /* nothing waits: nothing changes */
	assert_int_equal(conc_limit(&c), 64);
	assert_int_equal(conc_queue(&c, 500, 0.3), 1);
	assert_int_equal(conc_limit(&c), 32);
	/* Within the round trip after the cut: the queue has not seen it yet. */
	assert_int_equal(conc_queue(&c, 500, 0.4), 0);
	assert_int_equal(conc_limit(&c), 32);
	assert_int_equal(conc_queue(&c, 500, 0.51), 1);
	assert_int_equal(conc_limit(&c), 16);
	/* 64 in flight, 5 waiting: 59, at most limit - 1. */
	start_at(&c, 72, 64);
	assert_int_equal(conc_queue(&c, 5, 0.1), 1);
	assert_int_equal(conc_limit(&c), 59);
	/* Fixed: the queue changes nothing. */
	conc_init(&c, 16, 1, 0);
	assert_int_equal(conc_queue(&c, 100, 1), 0);
	assert_int_equal(conc_limit(&c), 16);
}

/* -j is the upper bound: a server that scales without end gets exactly max. */
static void test_never_exceeds_max(void **state)
{
	static struct sim s;
	struct conc c;

	(void)state;
	sim_init(&s);
	s.t0 = 0.05;
	s.c = 0;
	s.B = 100000 < SLOTS ? 100000 : SLOTS;
	conc_init(&c, 24, 0, 0);
	drive(&s, &c, 5000, 0);
	assert_int_equal(s.max_limit, 24);
	assert_int_equal(s.max_seen, 24);
	/* At the top it only probes down (one step of 24/16): 23 or 24. */
	assert_in_range(conc_limit(&c), 23, 24);
}

/* 100 requests/s at 0.4 s: 40 in flight is the most that is never refused. */
static void test_rate_limit_backs_off(void **state)
{
	static struct sim s;
	struct conc c;

	(void)state;
	sim_init(&s);
	s.rate_n = 100;
	s.tokens = 50; /* full */
	s.lat = 0.4;
	s.late = 10;
	conc_init(&c, 256, 0, 0);
	drive(&s, &c, 6000, 0);
	assert_true(c.cuts >= 1); /* it met the limit and backed off */
	assert_true(s.now > 30);
	/* After the first ten seconds: at most 1% refused, at least 0.95 N answered. */
	assert_true((double)s.over_late <= 0.01 * (double)(s.ok_late + s.over_late));
	assert_true((double)s.ok_late / (s.now - 10) >= 0.95 * 100);
	assert_in_range(conc_limit(&c), 32, 48);
}

/* A server whose batch shrinks from 64 to 8: the limit follows it down. */
static void test_slowing_server(void **state)
{
	static struct sim s;
	struct conc c;
	size_t high;

	(void)state;
	sim_init(&s);
	s.t0 = 0.05;
	s.c = 0.001;
	s.B = 64;
	conc_init(&c, 256, 0, 0);
	drive(&s, &c, 8000, 0);
	high = conc_limit(&c);
	assert_true(high >= 40); /* about B = 64, maybe in the middle of a probe */
	drive(&s, &c, 3000, s.now);
	assert_true(conc_limit(&c) <= 16);
	assert_int_equal(c.cuts, 0); /* no error: latency alone brought it down */
}

/* A timeout halves the limit; requests sent before the cut do not cut again. */
static void test_failure_halves_once(void **state)
{
	struct conc c;

	(void)state;
	conc_init(&c, 64, 0, 0);
	c.limit = 32;
	for (int i = 0; i < 32; i++)
		conc_sent(&c, 1.0);
	assert_int_equal(conc_done(&c, 1.0, 2.0, CONC_FAILED), 1);
	assert_int_equal(conc_limit(&c), 16);
	/* The rest of that burst (sent at 1.0, before the cut at 2.0): no second cut. */
	for (int i = 0; i < 10; i++)
		assert_int_equal(conc_done(&c, 1.0, 2.5, CONC_FAILED), 0);
	assert_int_equal(conc_limit(&c), 16);
	assert_int_equal(c.cuts, 1);
	/* A request sent after the cut that fails: cut again. */
	conc_sent(&c, 3.0);
	conc_done(&c, 3.0, 4.0, CONC_FAILED);
	assert_int_equal(conc_limit(&c), 8);
	/* Neither 4xx nor a bad body tells anything about load. */
	conc_sent(&c, 5.0);
	assert_int_equal(conc_done(&c, 5.0, 5.1, CONC_NEUTRAL), 0);
	assert_int_equal(conc_limit(&c), 8);
}

/* Fixed: always max, whatever happens. */
static void test_fixed(void **state)
{
	struct conc c;

	(void)state;
	conc_init(&c, 16, 1, 0);
	assert_int_equal(conc_limit(&c), 16);
	conc_sent(&c, 0);
	conc_done(&c, 0, 1, CONC_OVERLOAD);
	conc_sent(&c, 1);
	conc_done(&c, 1, 2, CONC_FAILED);
	assert_int_equal(conc_limit(&c), 16);
}

/* Never more than 2 requests to send: the limit did not bind, so it does not grow. */
static void test_app_limited(void **state)
{
	struct conc c;
	double now = 0;

	(void)state;
	conc_init(&c, 256, 0, 0);
	for (int i = 0; i < 2000; i++) {
		conc_sent(&c, now);
		conc_sent(&c, now);
		conc_done(&c, now, now + 0.05, CONC_OK);
		conc_done(&c, now, now + 0.05, CONC_OK);
		now += 0.05;
	}
	assert_int_equal(conc_limit(&c), CONC_START);
	assert_int_equal(c.windows, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batching_converges_up),
		cmocka_unit_test(test_conservative_slow_start),
		cmocka_unit_test(test_slow_start_resumes),
		cmocka_unit_test(test_never_exceeds_max),
		cmocka_unit_test(test_rate_limit_backs_off),
		cmocka_unit_test(test_slowing_server),
		cmocka_unit_test(test_failure_halves_once),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_app_limited),
		cmocka_unit_test(test_queue_shown),
		cmocka_unit_test(test_queue_slow_start),
		cmocka_unit_test(test_queue_cut_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
