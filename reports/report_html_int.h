/*
 * report_html_int: the pieces of report.html, shared by report_html.c (the
 * page and its order), report_html_parts.c (charts, tables, the diagnosis,
 * the items wrong most often) and report_html_official.c (the benchmarks'
 * own figures).  Every function appends to out; every string from a
 * dataset, a model or the command line goes through html_esc.
 */
#ifndef VSR_REPORT_HTML_INT_H
#define VSR_REPORT_HTML_INT_H

#include <stddef.h>

#include "../base/buf.h"
#include "../metrics/metrics.h"
#include "../metrics/official.h"
#include "../metrics/worst.h"

/* Charts and tables longer than this are folded (<details>) past their worst rows. */
#define HTML_FOLD_ROWS 16
/* The worst rows a folded chart still shows open. */
#define HTML_FOLD_SHOW 8

void html_esc(struct buf *out, const char *s);
/* Escaped, at most max bytes cut on a UTF-8 boundary, with an ellipsis. */
void html_esc_cut(struct buf *out, const char *s, size_t max);
/* "50.0% <span class=ci>[49.5, 50.4]</span>" */
void html_pct_ci(struct buf *out, const struct acc *a);

/*
 * One breakdown (by category, relation, template, format, variant): a bar
 * chart worst first (sorted when sort is set) with `chance` dashed (< 0:
 * none), folded past HTML_FOLD_ROWS, and every number report.md has in a
 * folded table.  `id` names the section (an HTML id, ours).
 */
void html_breakdown(struct buf *out, const char *id, const char *title, const char *first,
		    const struct groups *gs, int sort, double chance);
/* The table of report.md's columns for the suites (and all suites when more than one). */
void html_overall_table(struct buf *out, const struct metrics *m);

/* The diagnosis of one suite: the figures with their reference points (bars, then words). */
void html_diagnosis(struct buf *out, const struct suite_metrics *sm, const struct metrics *m);

/* The items wrong most often, folded; w may be NULL (not collected). */
void html_worst_items(struct buf *out, const struct worst_items *w);

/* The benchmark's own headline number for a suite ("MME score 123.33 ..."); 0 when none. */
int html_official_headline(struct buf *out, const struct official *o, const char *suite);
/* The benchmark's own tables for a suite, one per template. */
void html_official_suite(struct buf *out, const struct official *o, const char *suite);
/* MME's totals across suites as a card for the top of the page (one per template). */
void html_official_run_headline(struct buf *out, const struct official *o);
/* MME's totals across suites (when several MME suites ran with one template). */
void html_official_run(struct buf *out, const struct official *o);

#endif
