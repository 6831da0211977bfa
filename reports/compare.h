/*
 * compare: two runs side by side, and the CI gate.
 *
 * Tasks are matched across runs on (suite, item, template, variant): task
 * keys include the model fingerprint, so two models never share one.  Only
 * base-variant tasks are compared (the headline rule, docs/report-json.md);
 * perturbation variants are counted and left out.  In
 * each run the first answered line of a task counts (as in metrics.h).  A
 * pair is used only when both runs answered the task; a task that only ever
 * failed in either run is dropped from both sides and counted, and so are
 * tasks present in one run only.
 *
 * For each suite and for all suites together: both accuracies on the paired
 * tasks, the change (candidate - base) with a paired bootstrap interval that
 * resamples images (the journal's "image", else the item id: tasks that share
 * an image are not independent), and the exact McNemar test on the discordant
 * pairs.  Per relation and meta-category, the same without the interval (the
 * movers).  The tasks that went from right to wrong.
 *
 * The gate (`vsrbench compare --max-drop ...`, `vsrbench run --baseline ...`)
 * fails on: a drop larger than --max-drop points that is also significant at
 * --alpha (McNemar); an accuracy below a --min-accuracy floor; a language
 * sensitivity above --max-language-sensitivity, or none measured.  A check
 * that cannot be made fails: a gate never passes silently.  Whenever two
 * runs are compared, also on the runs themselves: a partial run (status.json
 * "complete": false) fails unless --allow-partial, and more failed tasks
 * than --max-error-rate (run's meaning and default) fail; accepted, either
 * is a check that passes with a warning.
 *
 * Ownership: every struct here owns its strings; the *_release functions
 * free them.  Functions return 0 or an exit code with a one-line err.
 *
 * Files: gate_opts.c (the options), compare_load.c (every read of a run
 * directory), compare_pair.c (matching), compare_stats.c (the paired
 * statistics), gate.c (the checks), gate_run.c (the driver `compare` and
 * `run --baseline` share), compare_md.c and compare_json.c (the writers);
 * compare_int.h is what they share among themselves.
 */
#ifndef VSR_COMPARE_H
#define VSR_COMPARE_H

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "../base/buf.h"
#include "../suites/item.h"
#include "../metrics/metrics.h"

struct rundir_progress;

#define GATE_ALPHA_DEFAULT 0.05
/* The share of failed tasks a run may have: `run --max-error-rate`'s default too. */
#define GATE_MAX_ERROR_RATE_DEFAULT 0.05
#define GATE_MAX_FLOORS 32
#define COMPARE_REPS_DEFAULT 2000
#define COMPARE_LEVEL 0.95
/* Right-to-wrong tasks kept in memory and in the JSON (all are counted). */
#define COMPARE_FLIPS_MAX 1000

/* ---- the gate's options ------------------------------------------------ */

struct gate_floor {
	char suite[128]; /* "" : every suite together */
	double min;      /* a share, 0..1 */
};

/* All zero is "no gate"; alpha 0 means GATE_ALPHA_DEFAULT. */
struct gate_opts {
	const char *baseline; /* run --baseline DIR (borrowed from argv) */
	int has_max_drop;
	double max_drop; /* points, 0..100 */
	double alpha;
	struct gate_floor floors[GATE_MAX_FLOORS];
	size_t n_floors;
	int has_max_lang;
	double max_lang; /* a share, 0..1 */
	int has_max_lang_rise;
	double max_lang_rise; /* points, 0..100 */
	int allow_partial;      /* --allow-partial: a partial run warns instead of failing */
	int has_max_error_rate; /* else GATE_MAX_ERROR_RATE_DEFAULT */
	double max_error_rate;  /* a share of a run's tasks, 0..1 */
};

/*
 * The gate's long options, the one table of their names: a command puts
 * GATE_LONGOPTS (and `run` GATE_LONGOPT_BASELINE) into its getopt_long
 * table and hands what getopt_long returns for them to gate_opts_getopt.
 */
enum {
	GATE_OPT_BASELINE = 400,
	GATE_OPT_MAX_DROP,
	GATE_OPT_ALPHA,
	GATE_OPT_MIN_ACCURACY,
	GATE_OPT_MAX_LANG,
	GATE_OPT_ALLOW_PARTIAL,
	GATE_OPT_MAX_ERROR_RATE,
	GATE_OPT_MAX_LANG_RISE,
};
#define GATE_LONGOPT_BASELINE { "baseline", required_argument, NULL, GATE_OPT_BASELINE }
#define GATE_LONGOPTS                                                                      \
	{ "max-drop", required_argument, NULL, GATE_OPT_MAX_DROP },                        \
	{ "alpha", required_argument, NULL, GATE_OPT_ALPHA },                              \
	{ "min-accuracy", required_argument, NULL, GATE_OPT_MIN_ACCURACY },                \
	{ "max-language-sensitivity", required_argument, NULL, GATE_OPT_MAX_LANG },         \
	{ "max-language-rise", required_argument, NULL, GATE_OPT_MAX_LANG_RISE },          \
	{ "allow-partial", no_argument, NULL, GATE_OPT_ALLOW_PARTIAL }
/* `compare` only: `run` has its own --max-error-rate, which its gate reuses. */
#define GATE_LONGOPT_MAX_ERROR_RATE                                                        \
	{ "max-error-rate", required_argument, NULL, GATE_OPT_MAX_ERROR_RATE }

/*
 * Sets one option, opt a GATE_OPT_* value: --baseline DIR, --max-drop
 * POINTS, --alpha A, --min-accuracy [SUITE=]X (without SUITE: every suite
 * together), --max-language-sensitivity X, --max-language-rise POINTS,
 * --allow-partial (value ignored),
 * --max-error-rate R.  VSR_EUSAGE with err for a bad value.
 */
int gate_opts_getopt(struct gate_opts *g, int opt, const char *value, char *err);
/* The same by the option's long name ("max-drop"). */
int gate_opts_set(struct gate_opts *g, const char *name, const char *value, char *err);
/* 1 when any check was asked for. */
int gate_opts_any(const struct gate_opts *g);
/*
 * Checks that the options make sense together: in `run` (in_run set)
 * --max-drop, --max-language-rise and --allow-partial need --baseline and
 * --baseline must be a run directory; --alpha needs --max-drop.  VSR_EUSAGE or VSR_EDATA with err.
 */
int gate_opts_check(const struct gate_opts *g, int in_run, char *err);

/* ---- the comparison ---------------------------------------------------- */

struct cluster_tally;

struct cmp_stat {
	char *name;        /* suite, relation or category */
	size_t pairs;      /* tasks both runs answered */
	size_t base_correct, cand_correct;
	size_t b;          /* right in base, wrong in the candidate */
	size_t c;          /* wrong in base, right in the candidate */
	double p;          /* McNemar, two-sided, clustered by image (stats.h: mcnemar_clustered_p) */
	double p_tasks;    /* exact McNemar as if every pair were independent */
	size_t images;     /* clusters (images, or items without one) of the pairs */
	int has_ci;        /* bootstrap interval of the change */
	double ci_low, ci_high;
	struct cluster_tally *tally; /* per image b and c, until the pairs are all read */
};

/* The diagnosis' figures compare shows, in order (metrics/sensitivity.h). */
#define CMP_SENS_N 5
extern const int cmp_sens_figs[CMP_SENS_N];
struct cmp_suite {
	struct cmp_stat all;
	/* Each of cmp_sens_figs over the images both runs have pairs of it on, paired by image. */
	struct sens_change sens[CMP_SENS_N];
	struct cmp_stat *rel, *cat; /* sorted by name */
	size_t n_rel, n_cat;
	size_t base_only, cand_only;   /* tasks in one run only */
	size_t dropped_failed;         /* a request failed in either run */
	size_t dropped_label;          /* the runs disagree on the label */
};

/*
 * One run as the gate sees it: how far it went (status.json) and its tasks
 * (its journal, read with the comparison).
 */
struct cmp_run {
	int known;          /* it has a status.json: else nothing is said either way */
	int complete;       /* status.json "complete": true */
	size_t planned;     /* status.json tasks_planned (base tasks); 0: not known */
	char stopped_by[16]; /* status.json stopped_by, "" when none */
	size_t done;        /* base-variant tasks with a reply (report.json tasks_done) */
	size_t done_failed; /* base-variant tasks that only ever failed */
	size_t tasks;       /* every variant's tasks in the journal */
	size_t failed;      /* of them, those that only ever failed (not answers) */
	long shard_index, shard_count; /* run.json "shard" (one shard of --shard I/N); count 0: none */
};

/* A task right in base and wrong in the candidate. */
struct cmp_flip {
	char *suite, *item, *tmpl, *variant, *prompt;
	answer_t label, base_answer, cand_answer;
};

struct comparison {
	char *base_dir, *cand_dir;
	char *base_model, *cand_model; /* run.json model.spec, or NULL */
	char *base_label, *cand_label; /* model_label() of each, for headings */
	char *templates_note; /* "; they share no template (...)", or NULL */
	struct cmp_run base_run, cand_run;
	struct cmp_suite *suites;      /* sorted by name */
	size_t n_suites;
	struct cmp_stat all; /* every suite together */
	size_t base_only, cand_only, dropped_failed, dropped_label;
	struct cmp_flip *flips; /* sorted; at most COMPARE_FLIPS_MAX */
	size_t n_flips, total_flips;
	size_t flip_items; /* distinct (suite, item) among all flips */
	char *last_flip_suite, *last_flip_item; /* while loading */
	size_t reps;
	uint64_t seed;
	/* One line each: suites whose content differs between the runs. */
	struct buf warnings;
	/*
	 * Tasks of perturbation variants (hflip, blind, converse, repeat ...),
	 * in either run: left out, as the headline is the base variant
	 * (docs/report-json.md).
	 */
	size_t variant_tasks;
	int same_dir; /* base and candidate are one directory (same device and inode) */
};

/*
 * Reads BASE/samples.jsonl and CAND/samples.jsonl (journal_scan) and fills
 * c.  VSR_EDATA when a run cannot be read (missing directory or journal, a
 * malformed line).  reps 0 means COMPARE_REPS_DEFAULT.
 */
int comparison_load(struct comparison *c, const char *base_dir, const char *cand_dir,
		    size_t reps, uint64_t seed, char *err);
void comparison_release(struct comparison *c);
/*
 * VSR_EUSAGE, naming the first suite and both digests, when a suite of both
 * runs has different content (run.json's digests differ): tasks are paired
 * by item id, which then may name different items.  0 otherwise, also when
 * a run.json cannot be read (comparison_load reports that).
 */
int comparison_check_content(const char *base_dir, const char *cand_dir, char *err);
/*
 * VSR_EUSAGE, naming both, when one run was judged (run.json "judge",
 * docs/judge.md) and the other not, or the two were judged by different
 * judges or judge prompts: their with-judge numbers do not compare.
 */
int comparison_check_judge(const char *base_dir, const char *cand_dir, char *err);
/* The change of accuracy on the pairs, candidate - base, as a share. */
double cmp_stat_change(const struct cmp_stat *s);

/* ---- gate results and outputs ------------------------------------------ */

struct gate_check {
	char *suite;   /* the testsuite it belongs to; "all suites" across suites */
	char *name;    /* e.g. "no drop > 2.0 points", "accuracy >= 62.0%" */
	char *type;    /* "max-drop", "min-accuracy", "max-language-sensitivity",
			  "partial-run" (also a shard), "task-errors", "same-run" */
	int failed;
	int warn;      /* passed with a caveat (an accepted partial run, a few failed
			  tasks): every output shows its line as a warning too */
	char *line;    /* one line: what, by how much, the p-value */
	char *detail;  /* NULL, or lines to show after a failure's line (which
			  items went from right to wrong), each ending in '\n' */
};

struct gate_result {
	struct gate_check *c;
	size_t n, n_failed;
};

/*
 * Evaluates the checks g asks for.  cmp (may be NULL when no --max-drop) is
 * the comparison with the baseline; cand the candidate's metrics (accuracy
 * floors and the language sensitivity are read from it).  With cmp, first
 * the checks of both runs (suite "run"): a partial run, failed tasks.
 */
void gate_evaluate(const struct gate_opts *g, const struct comparison *cmp,
		   const struct metrics *cand, struct gate_result *res);
void gate_result_release(struct gate_result *res);
/* One line per failing check on fp, "gate failed: ..." */
void gate_print_failures(FILE *fp, const struct gate_result *res);
/* One vsr_warn per check that passed with a warning. */
void gate_print_warnings(const struct gate_result *res);

/* Markdown sized for a pull-request comment; gr may be NULL (no gate). */
void comparison_md(const struct comparison *c, const struct gate_result *gr, struct buf *out);
/* JSON, schema "vsrbench.compare/1" (docs/ci.md); gr may be NULL. */
int comparison_json(const struct comparison *c, const struct gate_result *gr, struct buf *out);

/*
 * JUnit XML: one <testsuite> per vsrbench suite, a testcase "accuracy" in
 * each, and one testcase per gate check (failures carry the numbers).
 * gr may be NULL (reports_write's junit.xml): then a partial run (pg,
 * status.json's progress, may be NULL) adds a failing testsuite "run" and
 * failed tasks are an <error>.  With gr the gate decides both, as for the
 * exit code: its checks of the runs make the testsuite "run".  In report_junit.c.
 */
int junit_build(const struct metrics *m, const cJSON *run, const struct rundir_progress *pg,
		const struct gate_result *gr, struct buf *out);

/* ---- the driver `compare` and `run --baseline` share -------------------- */

/* What gate_run reads and writes; strings are borrowed. */
struct gate_run_opts {
	const char *base_dir;  /* NULL: no comparison (`run` without --baseline) */
	const char *cand_dir;
	size_t reps;           /* bootstrap of the comparison; 0: COMPARE_REPS_DEFAULT */
	uint64_t seed;
	/* Files to write ("-": standard output); NULL: not written.  The Markdown
	 * and the JSON are of the comparison, so only with base_dir. */
	const char *md_file, *json_file, *junit_file;
	int md_stdout;  /* without md_file: the Markdown on standard output */
	int warn;       /* the comparison's warnings on stderr */
	int say_passed; /* "gate passed: N checks" on standard output */
};

/*
 * Compares base_dir with cand_dir (when base_dir is set), reads the
 * candidate's metrics, evaluates every check g asks for, writes the files,
 * prints one line per failing check on stderr.  VSR_EGATE (err left empty:
 * the lines are printed) when a check failed; VSR_EDATA when a run cannot be
 * read or a file written.
 */
int gate_run(const struct gate_opts *g, const struct gate_run_opts *o, char *err);

/*
 * `vsrbench run` with gate options, after the reports are written: gate_run
 * with --baseline, writing RUN_DIR/compare.md and compare.json when there
 * is one and rewriting RUN_DIR/junit.xml with the checks.
 */
int gate_after_run(const char *run_dir, const struct gate_opts *g, char *err);

#endif
