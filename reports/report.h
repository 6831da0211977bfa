/*
 * report: writers that turn metrics into files in the run directory.
 *
 * To add a format: write reports/report_FMT.c with a function of type
 * report_fn and add one line to the table in reports/report.c.
 * Every writer is a pure function of (metrics, run.json): the same journal
 * gives byte-identical reports, whatever order its tasks finished in.
 */
#ifndef VSR_REPORT_H
#define VSR_REPORT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "../base/buf.h"
#include "../metrics/metrics.h"
#include "model_label.h"

#define REPORT_SCHEMA "vsrbench.report/1"

struct rundir_progress;

/*
 * run: the parsed run.json, or NULL when the directory has none; pg: how far
 * the run went (status.json, harness/rundir.h), or NULL when not known.
 */
typedef int (*report_fn)(const struct metrics *m, const cJSON *run,
			 const struct rundir_progress *pg, struct buf *out);

int report_json(const struct metrics *m, const cJSON *run, const struct rundir_progress *pg,
		struct buf *out);
int report_md(const struct metrics *m, const cJSON *run, const struct rundir_progress *pg,
	      struct buf *out);
int report_html(const struct metrics *m, const cJSON *run, const struct rundir_progress *pg,
		struct buf *out);
int report_junit(const struct metrics *m, const cJSON *run, const struct rundir_progress *pg,
		 struct buf *out);

/*
 * A partial run: status.json (pg) says the run did not go through all its
 * tasks (interrupted, stopped by an error or the budget, or still going).
 * report_is_partial is 1 then, 0 for a complete run or one not known (pg
 * NULL, no status.json).  report_tasks_done: the base-variant tasks the
 * journal holds a reply for (answered, cut short or refused; failed ones
 * are asked again on resume), the number set against tasks_planned.
 * report_partial_text appends the sentence every report leads with,
 * "partial run: 16 of 60 planned tasks done (interrupted); ...", with the
 * resume command naming dir (NULL: "this run directory").
 */
int report_is_partial(const struct rundir_progress *pg);
/*
 * The counts and the reason of that sentence, which the gate says too: "16
 * of 60 planned tasks done, 2 failed (interrupted)" (planned 0: not known;
 * why: status.json's stopped_by, "" when none).
 */
void report_partial_what(struct buf *out, size_t done, size_t failed, size_t planned,
			 const char *why);
size_t report_tasks_done(const struct metrics *m);
void report_partial_text(struct buf *out, const struct metrics *m,
			 const struct rundir_progress *pg, const char *dir);
/*
 * A run with replies but not one scored answer (every reply cut short by the
 * token limit, or refused): appends the sentence every report then leads
 * with and returns 1; 0 (nothing appended) otherwise.
 */
int report_none_scored_text(struct buf *out, const struct metrics *m);
/*
 * Half or more of the run's base replies read as no answer: a sentence
 * saying so (the accuracies then measure the replies' form); 0 otherwise.
 */
int report_mostly_unread_text(struct buf *out, const struct metrics *m);
/* The warning above a run's numbers: report_none_scored_text, else report_mostly_unread_text. */
int report_headline_warning(struct buf *out, const struct metrics *m);
/* Does the comma list `formats` (NULL: all) ask for `format`? */
int reports_wanted(const char *formats, const char *format);
/*
 * Asks in o for the metrics beyond the default that the formats (NULL: all)
 * print: report.html's items wrong most often.  Read the metrics with o,
 * then reports_write.
 */
void reports_metrics_opts(const char *formats, struct metrics_opts *o);

/* VSR_EUSAGE naming the first unknown name in a comma list of formats. */
int reports_check(const char *formats, char *err);

/*
 * Writes the reports named in `formats` (comma list; NULL = all) into
 * run_dir, each atomically.  VSR_EUSAGE for an unknown format, VSR_EDATA
 * when a file cannot be written.
 */
int reports_write(const char *run_dir, const char *formats, const struct metrics *m,
		  const cJSON *run, const struct rundir_progress *pg, char *err);

/* The terminal summary table (at most 100 columns wide). */
void report_summary(FILE *fp, const struct metrics *m);
/*
 * The same, with run.json (borrowed, may be NULL) for what the run asked for
 * and status.json's progress (may be NULL): a partial run's line first,
 * its resume command naming dir (NULL: "this run directory").
 */
void report_summary_run(FILE *fp, const struct metrics *m, const cJSON *run,
			const struct rundir_progress *pg, const char *dir);

/* Accuracy across the groups (e.g. templates): the spread the paper shows. */
struct spread {
	double mean, sd, worst, best;
	const char *worst_name, *best_name; /* borrowed from the groups */
};
/* Returns 0 when there are fewer than two groups with tasks. */
int groups_spread(const struct groups *gs, struct spread *sp);
/* Are the worst and the best the same as printed (to 0.1 points)? Then say "no spread", not
 * "worst 100.0% (ab01), best 100.0% (ab01)". */
int spread_none(const struct spread *sp);

/* Whether the templates' accuracies differ beyond chance (Cochran's Q), as words
 * for the spread line; 0 when the run has no such test. */
int report_template_test(struct buf *out, const struct sens_result *sr);
/* Does the suite have any sensitivity figure? */
int sens_any(const struct sens_result *sr);
/* The plain-words diagnosis (one line per finding) for md and the summary. */
void sens_diagnosis(struct buf *out, const struct sens_result *sr, const char *indent);
/* Under the blind gap: the replies without the image that held no answer (nothing when none). */
void sens_blind_note(struct buf *out, const struct suite_metrics *sm, const char *indent);
/* The suite's verdict, one sentence (docs/diagnosis.md); 0 when there is nothing to judge. */
int sens_verdict(struct buf *out, const struct sens_result *sr);
/* The k-th perturbation run.json asked for and the base tasks of the suite it
 * left without their variant; -1 past the last, 0 nothing missing, 1 some. */
int report_not_applied(const struct suite_metrics *sm, const cJSON *run, size_t k,
		       const char **perturbation, size_t *missing, size_t *base);
/*
 * One line to quote a suite's headline by, with what makes it comparable:
 *   vsr-zeroshot-test, Test-G (36 templates): acc_t 51.5% (95% CI 48.6-54.4;
 *   43992 tasks on 715 images), model builtin:yes; vsrbench 0.1.0, run
 *   076b55f16e711b6d
 * and "partial run: 16 of 60 planned tasks done, 2 failed (interrupted); "
 * first when pg says so, as the reports' first sentence says it (pg and
 * run may be NULL).  Plain text, no newline; each writer escapes it.
 */
void report_quote(struct buf *out, const struct suite_metrics *sm, const cJSON *run,
		  const struct rundir_progress *pg, const struct metrics *m);
/*
 * When some image of the headline has several tasks (templates, captions),
 * one line after indent saying what the interval counts: "the CI counts
 * 108 tasks on 3 images as 23 independent ones: ...".  0 and
 * nothing written when each image has one task.  No newline.
 */
int report_interval_note(struct buf *out, const struct acc *a, const char *indent);
/*
 * Replies of a suite (every variant) that are not answers, one line each
 * kind: read as none (with up to METRICS_UNREAD_EX examples, as Markdown
 * code spans when md), cut short, refused.
 */
void report_not_answers_text(struct buf *out, const struct suite_metrics *sm, const char *indent,
			     int md);
/*
 * The reasoning part of a token total over `answers` answers with usage, of
 * which `with` counted reasoning tokens (sum): "31 reasoning", "reasoning not
 * reported" (none did: Anthropic, Ollama), or "31 reasoning, reported by 3
 * answers" (some did).  The terminal's summaries say it this one way.
 */
void report_reasoning_tokens(struct buf *out, double sum, size_t with, size_t answers);
/* One line per perturbation that was not applied everywhere. */
void report_not_applied_text(struct buf *out, const struct suite_metrics *sm, const cJSON *run,
			     const char *indent);

/* Prints root (indented, newline-terminated) into out and deletes it. */
int report_json_out(cJSON *root, struct buf *out);

/* Shared by writers: ratio or 0 for an empty denominator. */
double ratio(size_t k, size_t n);
/*
 * k of n as "12.5%" (one decimal) in out, right-aligned to width (0: as
 * is), or "-" when n is 0: a rate of nothing (the yes-rate and the true- and
 * false-label accuracies of a multiple-choice suite) is not a 0.
 */
void report_pct(struct buf *out, size_t k, size_t n, int width);
/* The yes-rate's denominator: the answered tasks, or 0 when none has a yes/no label. */
size_t report_yes_base(const struct acc *a);
/*
 * A table row's cells after tasks and errors, `between` each: answered,
 * acc_t with its interval (between ci_open and ci_close), acc_a, then
 * report_rate_cells; "-" for a share of nothing.
 */
void report_acc_cells(struct buf *out, const struct acc *a, const char *between,
		      const char *ci_open, const char *ci_close);
/* A table row's last three cells: yes-rate, true-label and false-label accuracy, `between` each. */
void report_rate_cells(struct buf *out, const struct acc *a, const char *between);
/* JSON outputs round numbers to 6 decimals, so that files are stable and diffable. */
double json_round6(double x);

/*
 * The seed paper's two numbers on the unified test set (vsr-zeroshot-test),
 * decided by the templates the suite was asked with (docs/report-json.md):
 * one template is Test-S; several are Test-G, and Test-S too when `-t
 * single`'s template is among them (its own figure).  Everything borrowed
 * from the suite.
 */
struct vsr_protocols {
	const struct acc *s, *g; /* the base variant's figures; NULL: not this protocol */
	const char *s_template;  /* Test-S's template id */
	size_t g_templates;      /* the templates behind Test-G */
};
/* 1 and p filled when sm is the unified test set with a figure; else 0. */
int report_vsr_protocols(const struct suite_metrics *sm, struct vsr_protocols *p);
/* The unified test set's suite in m, or NULL. */
const struct suite_metrics *report_unified_suite(const struct metrics *m);
/* "Test-S", "Test-G", "Test-S and Test-G", or NULL: for the reports' headers. */
const char *report_vsr_protocol(const struct metrics *m);
/*
 * When -n cut the suite's items (run.json's "limit" below the suite's item
 * count, or the count unknown): "the first 40 of 1222 items (-n 40)" ("at
 * most the first 40 items (-n 40)" when the data named no count) written,
 * and 1.  0 and nothing written otherwise.  A headline over a slice is not
 * the benchmark's number: whoever quotes it must see that.
 */
int report_slice(struct buf *out, const char *suite, const cJSON *run);
/* report.md: the suite's Test-S / Test-G table (nothing for another suite). */
void report_protocols_md(struct buf *out, const struct suite_metrics *sm, const cJSON *run);

/*
 * report.md: for templates of the seed paper (-t vsre), a table of this run's
 * answered / acc_t / acc_a beside the paper's LLaVA-1.5-13B numbers.
 * Writes nothing when no template of the group is one of the paper's.
 */
void report_paper_templates_md(struct buf *out, const struct groups *by_template);

#endif
