/*
 * metrics: everything the reports print, computed from the journal alone.
 *
 * A task counts once (its first answered line); a task that only ever failed
 * counts as an error, never as a wrong answer.  Groups are kept sorted by
 * name so that the reports do not depend on the order tasks finished in.
 */
#ifndef VSR_METRICS_H
#define VSR_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "sensitivity.h"

struct official;

struct acc {
	size_t tasks;    /* answered by the model (parsed or not) */
	size_t errors;   /* failed requests: not in tasks */
	size_t answered; /* the reply parsed to an answer */
	size_t correct;
	size_t yes;      /* parsed answers that were "yes" */
	size_t pos, pos_correct; /* items whose label is yes */
	size_t neg, neg_correct; /* items whose label is no */
	double ms;       /* summed model latency */
};

struct group {
	char *name;
	struct acc a;
};

struct groups {
	struct group *g;
	size_t n, cap;
};

struct suite_metrics {
	char *name;
	uint32_t id; /* order of first appearance, for the sensitivity records */
	struct acc all;
	struct groups by_category, by_relation, by_template, by_format, by_variant;
	struct sens_result sens;
};

struct metrics {
	struct suite_metrics *suites; /* sorted by name */
	size_t n_suites;
	struct acc all;
	size_t lines;      /* journal lines read */
	size_t duplicates; /* answered lines for a key already counted */
	int torn;          /* the journal ended in a torn line */
	char *journal;     /* the path it was read from (owned) */
	size_t resamples;  /* bootstrap resamples behind the sensitivity intervals */
	uint64_t seed;     /* and their seed */
	struct official *official; /* the benchmarks' own metrics (official.h) */
	void *tap_ctx;     /* metrics_opts.tap's ctx, when there was one */
};

/*
 * Another reader riding on the metrics' passes over the journal, so that a
 * report needing its own look at every line (report.html's items wrong
 * most often) does not read and parse the journal again: pass1 sees each
 * answered task of the first pass once (its first answer, as the metrics
 * count it); then, when need_pass2 says so, pass2 sees every line of a
 * second pass (the one the sensitivity makes anyway when it needs it).
 * A non-zero return from pass1/pass2 stops the scan with that code.
 */
struct journal_tap {
	int (*pass1)(const struct sample *s, void *ctx);
	int (*need_pass2)(void *ctx);
	int (*pass2)(const struct sample *s, void *ctx);
	void *ctx;
};

struct metrics_opts {
	size_t resamples; /* bootstrap resamples (default 1000) */
	uint64_t seed;    /* bootstrap seed (default 1) */
	const struct journal_tap *tap; /* NULL: none */
};

/* With the default options. */
int metrics_from_journal(const char *path, struct metrics *m, char *err);
int metrics_from_journal_opts(const char *path, const struct metrics_opts *o, struct metrics *m,
			      char *err);
void metrics_release(struct metrics *m);

/* Accumulates one scored task; exposed for tests. */
void acc_add(struct acc *a, int label_yes, int answered, int answer_yes, int correct, double ms);

#endif
