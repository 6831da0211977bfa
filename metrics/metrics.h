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
struct worst_items;
struct judged;

/*
 * The proportions of an acc, each with a 95% interval that counts the tasks
 * of one image as one cluster (stats.h: clustered_wilson).
 */
enum acc_prop {
	PROP_ANSWERED,     /* answered / tasks */
	PROP_ACCURACY,     /* correct / tasks: the headline */
	PROP_ACC_ANSWERED, /* correct / answered */
	PROP_YES,          /* yes / answered */
	PROP_TRUE_LABEL,   /* pos_correct / pos */
	PROP_FALSE_LABEL,  /* neg_correct / neg */
	PROP_N
};

struct prop_ci {
	double lo, hi;
	double n_eff; /* the tasks the interval counts, for the clusters (0: none) */
};

struct acc_tally;

struct acc {
	size_t tasks;    /* answered by the model (parsed or not) */
	size_t errors;   /* failed requests: not in tasks */
	size_t answered; /* the reply parsed to an answer */
	size_t correct;
	size_t yes;      /* parsed answers that were "yes" */
	size_t pos, pos_correct; /* items whose label is yes */
	size_t neg, neg_correct; /* items whose label is no (a letter is neither) */
	double ms;       /* summed model latency */
	/* Replies that are not answers (journal "outcome"), like errors not in tasks: */
	size_t cut_short; /* cut by the token limit with no answer in the text */
	size_t refused;   /* refusals and safety blocks */
	/* Answers (in tasks) read from a reply cut by the token limit (journal "cut_answered"). */
	size_t cut_answered;
	size_t images;               /* distinct images (the item, without one) among tasks */
	struct prop_ci ci[PROP_N];   /* set when the journal is read */
	struct acc_tally *tally;     /* the intervals' sums while they are added up (metrics.c) */
};

/* The interval of a proportion of a (metrics_from_journal's). */
void acc_ci(const struct acc *a, enum acc_prop p, double *lo, double *hi);

struct group {
	char *name;
	struct acc a;
};

struct groups {
	struct group *g;
	size_t n, cap;
};

/*
 * The headline rule: `all` and every by_* table but by_variant hold the
 * base variant only (original image, the run's templates); by_variant holds
 * every variant, base included.
 */
/*
 * The tokens the servers reported for the answers of a journal (issue 16):
 * each answered line counted once; a line answered from the response cache
 * ("cached") is counted apart and its tokens are not, since this run did not
 * pay them.
 */
struct usage_sum {
	size_t reported;  /* answers with a usage */
	size_t cached;    /* answers from the response cache */
	/*
	 * Of reported, the answers whose usage counted reasoning tokens
	 * (Anthropic and Ollama never do): reasoning is their sum, and means
	 * "not reported", not 0, while this is 0.
	 */
	size_t reasoning_reported;
	double in, out, reasoning;
};

#define METRICS_UNREAD_EX 3
#define METRICS_UNREAD_CUT 160

struct suite_metrics {
	char *name;
	struct usage_sum usage;
	uint32_t id; /* order of first appearance, for the sensitivity records */
	struct acc all;
	struct groups by_category, by_relation, by_template, by_format, by_variant;
	struct sens_result sens;
	int lettered; /* some answered task has a lettered label (multiple choice) */
	/*
	 * Replies read as no answer (answer "invalid"), any variant, for the
	 * reports to show what the model said (report_not_answers_text): up to
	 * METRICS_UNREAD_EX distinct ones, blanks collapsed, control bytes as
	 * '?', cut to METRICS_UNREAD_CUT bytes ("..." after a cut).  Those of
	 * the smallest task keys (unread_key, ascending), so that the journal's
	 * order (a merge of shards) does not change them.
	 */
	char *unread_ex[METRICS_UNREAD_EX];
	uint64_t unread_key[METRICS_UNREAD_EX];
	size_t n_unread_ex;
};

struct metrics {
	struct suite_metrics *suites; /* sorted by name */
	size_t n_suites;
	struct acc all;    /* every suite's base variant together */
	struct usage_sum usage; /* every suite's, every variant */
	size_t lines;      /* journal lines read */
	size_t duplicates; /* answered lines for a key already counted */
	int torn;          /* the journal ended in a torn line */
	size_t skipped;    /* lines over JOURNAL_LINE_MAX, not read */
	size_t first_skipped; /* the first one's line number */
	char *journal;     /* the path it was read from (owned) */
	size_t resamples;  /* bootstrap resamples behind the sensitivity intervals */
	uint64_t seed;     /* and their seed */
	struct official *official; /* the benchmarks' own metrics (official.h) */
	struct worst_items *worst; /* the items wrong most often (worst.h); NULL unless asked */
	struct judged *judged;     /* the judge's effect (judged.h); NULL without a judge */
};

struct metrics_opts {
	size_t resamples; /* bootstrap resamples (default 1000) */
	uint64_t seed;    /* bootstrap seed (default 1) */
	/* Also the items wrong most often (metrics.worst): when any item was
	 * answered wrongly, a second pass over the journal for their details. */
	int worst_items;
	/* Non-NULL: the run's config_hash; a journal line of another run is an error. */
	const char *run;
	/* Non-NULL: the judge's journal; metrics.judged is computed for the judge
	 * of fingerprint hash judge_fp (run.json "judge"). */
	const char *judge_journal;
	uint64_t judge_fp;
};

#define METRICS_OPTS_INIT { 1000, 1, 0, NULL, NULL, 0 }

/* With the default options. */
int metrics_from_journal(const char *path, struct metrics *m, char *err);
int metrics_from_journal_opts(const char *path, const struct metrics_opts *o, struct metrics *m,
			      char *err);
void metrics_release(struct metrics *m);

/* 1 when a variant name is the base variant (the headline's); NULL is base. */
int metrics_is_base(const char *variant);

/*
 * Accumulates one scored task; exposed for tests.  label: 1 a yes label, 0
 * a no label, -1 neither (an option letter: counted in neither pos nor neg).
 */
void acc_add(struct acc *a, int label, int answered, int answer_yes, int correct, double ms);

#endif
