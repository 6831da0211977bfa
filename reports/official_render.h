/*
 * official_render: the benchmarks' own figures (metrics/official.h) in
 * report.json, report.md and the terminal summary.
 *
 * One writer per benchmark and format, chosen through one table in
 * official_render.c keyed by the benchmark (official_kind_of decides which
 * benchmark a suite belongs to).  Each function prints nothing, and returns
 * NULL, for a suite without an official metric.
 */
#ifndef VSR_OFFICIAL_RENDER_H
#define VSR_OFFICIAL_RENDER_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "../base/buf.h"
#include "../metrics/official.h"

/* report.json: the "official" object of a suite (caller deletes), or NULL. */
cJSON *official_suite_json(const struct official *o, const char *suite);
/* report.json: run-level MME totals per template (caller deletes), or NULL. */
cJSON *official_run_json(const struct official *o);
/* report.md: the section of a suite. */
void official_suite_md(const struct official *o, const char *suite, struct buf *out);
/* report.md: MME totals across suites, when several MME suites ran with a template. */
void official_run_md(const struct official *o, struct buf *out);
/* The terminal summary: one line per template of the suite, at most 100 columns. */
void official_summary(FILE *fp, const struct official *o, const char *suite);
/* The terminal summary: MME totals across suites, as official_run_md. */
void official_run_summary(FILE *fp, const struct official *o);
/*
 * The 95% interval of an MME subtask's score (the normal one over its
 * images' 0/50/200 scores) and of the perception (cognition: 1) sum of a
 * unit: 0 when there is none (an incomplete image pair, under 2 images).
 */
int official_mme_score_ci(const struct off_mme_sub *s, double *lo, double *hi);
int official_mme_sum_ci(const struct off_unit *u, int cognition, double *lo, double *hi);
/*
 * The sentence under an MME table when images were left out of acc+ (one of
 * their two questions failed or is not in the journal), "" when none were.
 */
void official_mme_incomplete_note(const struct off_unit *u, struct buf *out);

#endif
