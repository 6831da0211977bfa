/*
 * judged: the judge's effect on a run, from its two journals (docs/judge.md).
 *
 * Over the tasks the headline counts (base variant, the first answer line of
 * each key, not cut short or refused): how many replies read invalid by exact
 * matching, how many of those the judge (the one run.json names) judged, how
 * many it gave an allowed answer for ("rescued"), how many of those were
 * right, how many judge calls failed, and how many were never asked (a judge
 * that stopped answering: the pass ended before them).  invalid = judged +
 * failed + not_asked.  The judge only ever replaces an
 * invalid reading: accuracy with the judge = (exact correct + rescued
 * correct) / tasks.
 */
#ifndef VSR_JUDGED_H
#define VSR_JUDGED_H

#include <stddef.h>
#include <stdint.h>

struct cluster_tally;

struct judged_counts {
	size_t tasks, correct;     /* as the headline: exact matching */
	size_t invalid;            /* of the tasks, read invalid by exact matching */
	size_t judged;             /* of those, judged (a judge answer line exists) */
	size_t rescued;            /* of those, the judge gave an allowed answer */
	size_t rescued_correct;    /* of those, the right one */
	size_t failed;             /* invalid tasks whose judge call failed (error line only) */
	size_t not_asked;          /* invalid tasks the judge has no line for (it stopped first) */
	/* 95% intervals of the two accuracies, an image's tasks one cluster (as metrics.h's). */
	double lo, hi, lo_judge, hi_judge;
	struct cluster_tally *tally; /* while the journal is read */
};

struct judged_suite {
	char *name;
	struct judged_counts c;
};

struct judged {
	struct judged_suite *suites; /* sorted by name */
	size_t n_suites;
	struct judged_counts all;
};

/*
 * Reads the run's journal `samples` and the judge's `judge_journal` (a
 * missing one: nothing judged) for the judge of fingerprint hash judge_fp.
 * run: the run's config_hash or NULL.  *out is malloc'd (judged_free).
 */
int judged_compute(const char *samples, const char *judge_journal, uint64_t judge_fp,
		   const char *run, struct judged **out, char *err);
void judged_free(struct judged *j);

#endif
