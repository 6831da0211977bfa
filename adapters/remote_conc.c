/*
 * remote_conc: the adaptive concurrency limit of one endpoint in one loop
 * (the scheme and its references: remote_conc.h, docs/performance.md).
 */
#include "remote_conc.h"

#include <math.h>
#include <string.h>

#include "../base/banned.h"

#define CONC_CALM 4         /* probe cycles without a cut before the ceiling creeps up */
#define CONC_MIN_WIN 0.02   /* seconds: a window is at least this long ... */
#define CONC_MIN_OK 16      /* ... and holds at least this many successes (or the limit's worth) */
#define CONC_SS_EXIT 0.5    /* slow start ends when a doubling paid less than this share */
#define CONC_SS_CSS 0.75    /* ... and grows by CONC_CSS_GROWTH per window when it paid less than this */
#define CONC_CSS_GROWTH 1.25 /* conservative slow start (RFC 9406): a quarter of a doubling */
#define CONC_HOLD_MAX 8     /* at most this many base windows between probes once settled */
#define CONC_EARLY 1.02     /* an up-step is judged early when its latency is this far past the bound */
#define CONC_BUSY 0.8       /* a window with fewer in flight than this share of the limit is not judged */
#define CONC_SS_QUEUE 1.2   /* slow start with the server's queue in view: growth per empty reading */

static double clamp(const struct conc *c, double l)
{
	l = floor(l);
	if (l > c->max)
		l = c->max;
	return l < 1 ? 1 : l;
}

static void open_window(struct conc *c, double now)
{
	c->w_open = now;
	/*
	 * Measured from the first answer to a request sent after the change:
	 * before it, the answers are to requests sent under the old limit
	 * (after a cut, those beyond the new limit drain first: nothing is
	 * sent until then).  A smoothed latency would not do: after a
	 * doubling it still holds the old, shorter latency, the window would
	 * start early and count part of the ramp.
	 */
	c->w_meas = 1e300;
	c->w_t = now;
	c->w_area = 0;
	c->w_ok = 0;
	c->w_lat = 0;
}

/* Sets the limit and opens a new window; 1 when the limit changed. */
static int set_limit(struct conc *c, double l, double now)
{
	double old = c->limit;

	c->limit = clamp(c, l);
	open_window(c, now);
	return c->limit != old;
}

void conc_init(struct conc *c, double max, int fixed, double now)
{
	memset(c, 0, sizeof(*c));
	c->fixed = fixed;
	c->max = max < 1 ? 1 : floor(max);
	c->limit = fixed ? c->max : clamp(c, CONC_START);
	c->slow_start = 1;
	c->step = 1;
	c->cut_at = -1e300;
	open_window(c, now);
}

size_t conc_limit(const struct conc *c)
{
	return (size_t)(c->fixed ? c->max : c->limit);
}

/* In-flight time integrated over the measured part of the window. */
static void integrate(struct conc *c, double now)
{
	double from = c->w_t > c->w_meas ? c->w_t : c->w_meas;

	if (now > from)
		c->w_area += (double)c->in_flight * (now - from);
	if (now > c->w_t)
		c->w_t = now;
}

void conc_sent(struct conc *c, double now)
{
	integrate(c, now);
	c->in_flight++;
}

/*
 * The first step after a change of direction: 1/16 of the limit, at least
 * 1.  Its effect on throughput (a 2% change is the least a step up past
 * 0.3 of it must show) stands out of the noise of a window's mean; a step
 * up past a batching server's knee queues the step for a window, and every
 * request sent meanwhile waits behind it (the tail latency): 1/8 queued
 * twice as many for no faster convergence (bench/adaptive.sh, the
 * simulation of tests/unit/test_conc.c).  Accepted steps up double, up to
 * 1/8.
 */
static double first_step(const struct conc *c)
{
	double s = floor(c->limit / 16);
	return s < 1 ? 1 : s;
}

/* Starts the next probe from the base just measured. */
static int next_probe(struct conc *c, double now)
{
	int dir = c->last_dir ? c->last_dir : 1;
	double target, room = 0;

	if (c->slow_start && c->queue_shown) {
		open_window(c, now); /* it grows by the queue's readings (conc_queue) */
		return 0;
	}

	if (c->ceiling > 0) {
		room = c->ceiling - 1 - c->limit;
		if (room < 1 && dir > 0)
			dir = -1;
	}
	if (dir > 0 && c->limit >= c->max)
		dir = -1;
	if (dir < 0 && c->limit <= 1)
		dir = 1;
	if ((dir > 0 && c->limit >= c->max) || (c->ceiling > 0 && dir > 0 && room < 1)) {
		open_window(c, now); /* neither way to go: measure again */
		return 0;
	}
	if (dir != c->last_dir)
		c->step = first_step(c);
	if (c->slow_start) {
		target = c->limit * (c->css ? CONC_CSS_GROWTH : 2);
	} else if (dir > 0) {
		double s = c->step;
		if (c->ceiling > 0 && s > ceil(room / 2))
			s = ceil(room / 2);
		target = c->limit + s;
	} else {
		target = c->limit - (c->step < c->limit / 2 ? c->step : c->limit / 2);
	}
	if (c->ceiling > 0 && target > c->ceiling - 1)
		target = c->ceiling - 1;
	c->probe = dir;
	return set_limit(c, target, now);
}

/* A window is over: x successes per second, r their mean latency, at the current limit. */
static int judge(struct conc *c, double x, double r, double now)
{
	int accept, up;
	double gain, grow;

	c->windows++;
	c->rate = x;
	if (!c->probe) {
		int slower = c->base_r > 0 && c->base_limit == c->limit && r > 2 * c->base_r &&
			     x < 0.9 * c->base_x && c->limit > 1;
		c->base_limit = c->limit;
		c->base_x = x;
		c->base_r = r;
		if (slower) {
			/* Latency doubled, throughput fell: a quarter down, judged as a probe. */
			c->slow_start = 0;
			c->last_dir = -1;
			c->probe = -1;
			c->hold = c->held = 0;
			c->step = floor(c->limit / 4) > 1 ? floor(c->limit / 4) : 1;
			return set_limit(c, c->limit - c->step, now);
		}
		if (c->held < c->hold) {
			/* Settled: measure the base again (a slowdown shows here) before probing. */
			c->held++;
			open_window(c, now);
			return 0;
		}
		c->held = 0;
		return next_probe(c, now);
	}
	/* The relative change of throughput, and of the limit, from the base. */
	gain = x / c->base_x - 1;
	grow = c->limit / c->base_limit - 1;
	up = c->probe > 0;
	accept = up ? gain >= CONC_THETA * grow : -gain <= CONC_THETA * -grow;
	/* Calm for a while: the ceiling creeps up (limits get raised, bursts pass). */
	if (c->ceiling > 0 && ++c->calm % CONC_CALM == 0)
		c->ceiling += c->ceil_fine ? 1 : floor(c->ceiling / 16) + 1;
	if (accept && up && c->slow_start && gain < CONC_SS_CSS * grow)
		/*
		 * The step paid, but latency rose with it (HyStart++'s
		 * delay signal, RFC 9406): the knee may be one doubling away,
		 * and a doubling past it queues the old limit's worth of
		 * requests for a window (the tail latency).  Slow start goes on
		 * by a quarter per window (its conservative slow start), so a
		 * step past the knee queues a quarter of the limit at most.
		 */
		c->css = 1;
	if (accept && up && c->slow_start && gain < CONC_SS_EXIT * grow) {
		/*
		 * Diminishing returns (HyStart's idea, Ha & Rhee 2011): the
		 * doubling paid, but less than in proportion, so the knee is
		 * near; another doubling would queue as many as it adds.
		 * Linear probes from here.
		 */
		c->slow_start = 0;
		c->step = first_step(c);
		c->last_dir = 0;
	}
	else if (accept && up && !c->slow_start && c->ceiling <= 0 && gain >= CONC_SS_EXIT * grow) {
		/*
		 * A step up that paid at least half in proportion: far below the
		 * knee (slow start ended on a noisy window, or the server grew),
		 * so doubling resumes.
		 */
		c->slow_start = 1;
	}
	if (accept) {
		/* The probe is the new base; go on the same way with a longer step. */
		c->hold /= 2;
		c->base_limit = c->limit;
		c->base_x = x;
		c->base_r = r;
		if (c->last_dir == c->probe && c->probe > 0 && c->step * 2 <= c->limit / 8)
			c->step *= 2;
		if (c->step > c->limit / 4 && c->limit >= 8)
			c->step = floor(c->limit / 4);
		c->last_dir = c->probe;
		return next_probe(c, now);
	}
	/*
	 * Back to the base, measured again, then the other way.  Both ways
	 * rejected from the same base: the limit is where it belongs, and each
	 * probe costs (a step down, throughput; a step up, queueing, so the
	 * tail latency), so the next ones wait longer, doubling up to
	 * CONC_HOLD_MAX base windows.
	 */
	if (c->hold < CONC_HOLD_MAX)
		c->hold++;
	c->slow_start = 0;
	c->last_dir = -c->probe;
	c->probe = 0;
	accept = set_limit(c, c->base_limit, now);
	c->step = first_step(c);
	return accept; /* whether the limit changed */
}

/* What every cut does first: a new cycle from no base. */
static void cut_reset(struct conc *c, double now)
{
	c->cuts++;
	c->cut_at = now;
	c->hold = c->held = 0;
	c->calm = 0;
	c->slow_start = 0;
	c->probe = 0;
	c->last_dir = 0;
}

/* ... and last: the new limit, measured from scratch. */
static int cut_to(struct conc *c, double target, double now)
{
	int r;

	c->base_limit = 0;
	c->base_x = 0;
	c->base_r = 0;
	r = set_limit(c, target, now);
	c->step = first_step(c);
	return r;
}

/* A 429/503 or a failure, at most once per round trip. */
static int cut(struct conc *c, double now, enum conc_outcome o)
{
	double l = c->limit, target;

	cut_reset(c, now);
	if (o == CONC_OVERLOAD) {
		/* What the server just sustained (Little's law): successes/s x latency. */
		double est = c->rate > 0 && c->srtt > 0 ? c->rate * c->srtt : l;
		if (est > l)
			est = l;
		c->ceiling = l;
		/* Below the last base that was judged fine, if that is lower still. */
		target = c->base_limit > 0 && c->base_limit < l ? c->base_limit : 0.9 * est;
		if (target >= l)
			target = l - 1;
	} else {
		target = l / 2;
	}
	c->ceil_fine = 0;
	return cut_to(c, target, now);
}

/*
 * The server queues: the requests beyond its batch only wait, so the limit
 * drops by what waits, and where it drops to is the knee: probes creep
 * past it one request at a time (a probe of a whole step would queue the
 * step for a window).
 */
int conc_queue(struct conc *c, double waiting, double now)
{
	double target;

	if (c->fixed)
		return 0;
	c->queue_shown = 1;
	if (waiting < 1 && c->slow_start) {
		/*
		 * Slow start with the queue in view: nothing waits, so the batch
		 * has room; a fifth more per reading (two readings a round trip),
		 * not a doubling per window: the step that crosses the knee
		 * shows in the next reading, and what it queued meanwhile is a
		 * fifth of the limit, not all of it (the tail latency).  Not
		 * when the limit did not bind (application-limited).
		 */
		if ((double)c->in_flight < CONC_BUSY * c->limit || c->limit >= c->max)
			return 0;
		return set_limit(c, c->limit * CONC_SS_QUEUE + 1, now);
	}
	if (waiting < 1 || now < c->cut_at + c->srtt)
		return 0; /* the queue after a cut shows a round trip later */
	target = (double)c->in_flight - waiting;
	if (target > c->limit - 1)
		target = c->limit - 1;
	if (target < c->limit / 2)
		target = c->limit / 2;
	cut_reset(c, now);
	c->ceiling = floor(target) + 1;
	c->ceil_fine = 1;
	return cut_to(c, target, now);
}

void conc_queue_gone(struct conc *c)
{
	c->queue_shown = 0;
}

int conc_done(struct conc *c, double t_sent, double now, enum conc_outcome o)
{
	double span, r, lat = now - t_sent;

	integrate(c, now);
	if (c->in_flight)
		c->in_flight--;
	if (c->fixed)
		return 0;
	if (c->w_meas > 1e299 && t_sent >= c->w_open) {
		c->w_meas = now;
		c->w_t = now;
	}
	if (o == CONC_OVERLOAD || o == CONC_FAILED)
		return t_sent >= c->cut_at ? cut(c, now, o) : 0;
	if (o != CONC_OK)
		return 0;
	if (lat < 0)
		lat = 0;
	c->srtt = c->srtt > 0 ? 0.875 * c->srtt + 0.125 * lat : lat;
	if (now < c->w_meas || t_sent < c->w_open)
		return 0; /* only requests sent under this limit tell about it */
	c->w_ok++;
	c->w_lat += lat;
	span = now - c->w_meas;
	r = c->w_lat / (double)c->w_ok;
	if (c->probe > 0 && c->w_ok >= CONC_MIN_OK && span > 0 && c->w_area / span >= CONC_BUSY * c->limit) {
		/*
		 * A step up whose answers already wait longer than a step that
		 * pays would let them (Little's law: throughput rises with the
		 * limit only if latency rises less): judged now, so the
		 * requests it queued are few (the tail latency).
		 */
		double g = c->limit / c->base_limit;
		if (r > CONC_EARLY * c->base_r * g / (1 + CONC_THETA * (g - 1)))
			return judge(c, c->w_area / span / r, r, now);
	}
	if (span < CONC_MIN_WIN || span < 2 * c->srtt)
		return 0;
	if (c->w_ok < CONC_MIN_OK || (double)c->w_ok < c->limit) {
		if (span < 8 * c->srtt + 1 || c->w_ok < 4)
			return 0; /* a slow server: judge on fewer, but not on too few */
	}
	if (c->w_area / span < CONC_BUSY * c->limit) {
		/* Not enough to send: the limit did not bind, so it says nothing. */
		if (c->probe) {
			c->probe = 0;
			return set_limit(c, c->base_limit, now);
		}
		open_window(c, now);
		return 0;
	}
	/*
	 * Throughput by Little's law, the mean in flight over the mean latency,
	 * rather than answers counted over the span: a batching server answers
	 * in waves, and where the span cuts a wave moved the count by several
	 * per cent, as much as a probe's effect; both means are steady.
	 */
	return judge(c, c->w_area / span / r, r, now);
}
