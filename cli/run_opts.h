/*
 * run_opts: the options of `vsrbench run` (moved out of cli/cmd_run.c):
 * the usage text, the parsing of argv, and the -S options per suite.
 */
#ifndef VSR_RUN_OPTS_H
#define VSR_RUN_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "../base/kv.h"
#include "../reports/compare.h"

#define MAX_LIST 64

struct run_opts {
	const char *suites[MAX_LIST];
	size_t n_suites;
	struct kv sopts[MAX_LIST];
	size_t n_sopts;
	const char *model;
	struct kv mopts[MAX_LIST];
	size_t n_mopts;
	const char *templates;
	const char *data_dir;
	const char *images[MAX_LIST];
	size_t n_images;
	long jobs;
	long limit;
	const char *out;
	uint64_t seed;
	long max_tokens;         /* --max-tokens; 0: not given (the model kind's default) */
	double temperature;
	int temperature_given;   /* --temperature was given (else vsrbench's default 0) */
	const char *reasoning;   /* --reasoning, passed to a served model as -M reasoning */
	long retries;
	double max_error_rate;
	int jobs_given;
	int fixed;             /* --fixed: a served model keeps -j in flight, not adapted */
	int order_dataset;     /* --order dataset: no grouping by image */
	int timings;
	int quiet;
	int skip_missing_images;
	int allow_unknown_relations;
	int dry_run;
	int progress;            /* enum progress_mode */
	double progress_interval; /* --progress-interval, 0: the default */
	unsigned perturb;
	long shard_i, shard_n; /* this run takes the items whose shard hash % n == i */
	char think_tags[128];  /* --think-tags OPEN,CLOSE ("" with --think-tags none) */
	char *think_close;     /* into think_tags; NULL: the default pair */
	int keep_reasoning;
	struct gate_opts gate; /* --baseline, --max-drop, ... (reports/compare.h) */
	int cache_mode;        /* enum cache_mode (harness/cache.h); --cache or $VSRBENCH_CACHE */
	const char *cache_dir; /* --cache DIR; NULL: the default */
	int cache_given;       /* --cache on the command line (a plug-in's cache is opt-in) */
	double budget_tokens, budget_usd; /* 0: none */
	double price_in, price_out;       /* -M price_in / price_out, USD per million tokens */
	unsigned prices_given;            /* 1: price_in given, 2: price_out given */
	const char *judge;     /* --judge KIND: a model kind, NULL: no judge (docs/judge.md) */
	struct kv jopts[MAX_LIST]; /* -J KEY=VALUE: the judge's model options */
	size_t n_jopts;
	int judge_all;         /* --judge-all: judge every reply, not only invalid ones */
	char *owned[4 * MAX_LIST]; /* the KEY copies of -S, -M and -J; -t's joined lists */
	size_t n_t;                /* -t options given */
	size_t n_owned;
};

/* Fills o from argv; -1 after --help (printed), else 0 or an error in err. */
int run_opts_parse(int argc, char **argv, struct run_opts *o, char *err);
void run_opts_free(struct run_opts *o);
/* The -S options meant for one suite: unprefixed ones, and SUITE.KEY ones. */
size_t run_opts_suite_options(const struct run_opts *o, const char *suite, struct kv *out);
/* Every suite -S SUITE.KEY and --min-accuracy SUITE=X name is in the run (aliases too). */
int run_opts_check_prefixes(const struct run_opts *o, char *err);

#endif
