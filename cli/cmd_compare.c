/*
 * vsrbench compare BASE_RUN CAND_RUN: the paired comparison and the CI gate.
 * Exit 0, or 1 when a gate check failed, 2 usage (also: a suite's content
 * differs between the runs), 3 a run cannot be read.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../reports/compare.h"
#include "cmd.h"
#include "../base/util.h"

static void compare_usage(FILE *fp)
{
	fprintf(fp,
		"usage: vsrbench compare BASE_RUN CAND_RUN [--max-drop POINTS] [--alpha A]\n"
		"                        [--min-accuracy [SUITE=]X]... [--max-language-sensitivity X]\n"
		"                        [--max-language-rise POINTS]\n"
		"                        [--markdown FILE] [--json FILE] [--junit FILE] [--reps N]\n"
		"                        [--seed N] [--allow-different-content] [--allow-judge-mismatch]\n"
		"                        [--allow-partial] [--max-error-rate R] [-q]\n"
		"\n"
		"Matches the two runs' tasks on (suite, item, template, variant) and prints, as\n"
		"Markdown for a pull-request comment: both accuracies, the change with a paired\n"
		"bootstrap interval over images, the exact McNemar test, the diagnosis' figures of\n"
		"both runs paired by image (language sensitivity and the rest, when the runs have\n"
		"several templates or perturbations), the largest movers and the tasks that went\n"
		"from right to wrong.  A partial run (status.json \"complete\": false)\n"
		"fails, and so do one shard of a run (--shard I/N, not merged) and a run with more\n"
		"failed tasks than --max-error-rate.  The base comes first: one made after the\n"
		"candidate (run.json \"created\") gets a warning, as runs given the wrong way\n"
		"round read a drop as a rise.\n"
		"\n"
		"  --max-drop POINTS        fail when accuracy drops by more than POINTS and the drop is\n"
		"                           significant (McNemar p < alpha), per suite and overall;\n"
		"                           a larger drop that is not significant is a warning\n"
		"  --alpha A                significance level for --max-drop (default 0.05)\n"
		"  --min-accuracy [SUITE=]X fail when the candidate's accuracy is below X (0..1);\n"
		"                           without SUITE, over every suite together (repeatable)\n"
		"  --max-language-sensitivity X\n"
		"                           fail when the candidate's language sensitivity is above X,\n"
		"                           or was not measured (-p instr/format/converse)\n"
		"  --max-language-rise POINTS\n"
		"                           fail when the candidate's language sensitivity rose by\n"
		"                           more than POINTS over the base's, the 95%% interval of the\n"
		"                           rise above zero; a larger rise that is not, a warning\n"
		"  --markdown FILE          write the Markdown to FILE instead of standard output\n"
		"  --json FILE              write the comparison as JSON ('-': standard output,\n"
		"                           instead of the Markdown)\n"
		"  --junit FILE             write the checks as JUnit XML ('-' as for --json)\n"
		"  --reps N                 bootstrap resamples (default %d)\n"
		"  --seed N                 bootstrap seed (default 1)\n"
		"  --allow-different-content\n"
		"                           compare even when a suite's content differs between the\n"
		"                           runs (another seed, options or data; default: exit 2)\n"
		"  --allow-judge-mismatch   compare a judged run with an unjudged one, or runs judged\n"
		"                           by different judges (docs/judge.md; default: exit 2)\n"
		"  --allow-partial          a partial run (interrupted, stopped by an error or the\n"
		"                           budget) or one shard of a run is a warning instead of\n"
		"                           a failure\n"
		"  --max-error-rate R       fail when more than this share of a run's tasks failed\n"
		"                           (default %g, as for run); fewer: a warning\n"
		"  -q, --quiet              no Markdown on standard output\n"
		"\n"
		"Exit codes: 0 passed, 1 a check failed, 2 usage, 3 a run cannot be read.\n",
		COMPARE_REPS_DEFAULT, GATE_MAX_ERROR_RATE_DEFAULT);
}

enum { O_MD = 256, O_JSON, O_JUNIT, O_REPS, O_SEED, O_ALLOW_DIFF, O_ALLOW_JUDGE };

/* The getopt_long tables: parsed here, completed by cli/complete.c. */
const char compare_shortopts[] = ":qh";
const struct option compare_longopts[] = {
	GATE_LONGOPTS,
	GATE_LONGOPT_MAX_ERROR_RATE,
	{ "markdown", required_argument, NULL, O_MD },
	{ "json", required_argument, NULL, O_JSON },
	{ "junit", required_argument, NULL, O_JUNIT },
	{ "reps", required_argument, NULL, O_REPS },
	{ "seed", required_argument, NULL, O_SEED },
	{ "allow-different-content", no_argument, NULL, O_ALLOW_DIFF },
	{ "allow-judge-mismatch", no_argument, NULL, O_ALLOW_JUDGE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_compare(int argc, char **argv)
{
	struct gate_opts g;
	struct gate_run_opts o;
	char err[VSR_ERR_MAX] = "";
	long reps = COMPARE_REPS_DEFAULT, seed = 1;
	int c, r = 0, allow_diff = 0, allow_judge = 0;

	memset(&g, 0, sizeof(g));
	memset(&o, 0, sizeof(o));
	o.md_stdout = 1;
	o.warn = 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, compare_shortopts, compare_longopts, NULL)) != -1) {
		switch (c) {
		case GATE_OPT_MAX_DROP:
		case GATE_OPT_ALPHA:
		case GATE_OPT_MIN_ACCURACY:
		case GATE_OPT_MAX_LANG:
		case GATE_OPT_MAX_LANG_RISE:
		case GATE_OPT_ALLOW_PARTIAL:
		case GATE_OPT_MAX_ERROR_RATE:
			if ((r = gate_opts_getopt(&g, c, optarg, err)))
				goto out;
			break;
		case O_MD:
			o.md_file = optarg;
			break;
		case O_JSON:
			o.json_file = optarg;
			break;
		case O_JUNIT:
			o.junit_file = optarg;
			break;
		case O_REPS:
			if (parse_long(optarg, 1, 1000000, &reps)) {
				r = err_set(err, VSR_EUSAGE, "--reps '%s': expected 1..1000000", optarg);
				goto out;
			}
			break;
		case O_SEED:
			if (parse_long(optarg, 0, 0x7fffffffffffffffL, &seed)) {
				r = err_set(err, VSR_EUSAGE, "--seed '%s': expected a non-negative integer",
					    optarg);
				goto out;
			}
			break;
		case O_ALLOW_DIFF:
			allow_diff = 1;
			break;
		case O_ALLOW_JUDGE:
			allow_judge = 1;
			break;
		case 'q':
			o.md_stdout = 0;
			break;
		case 'h':
			compare_usage(stdout);
			return 0;
		default: /* ':' too: a value missing */
			r = cmd_usage_error_opts(err, c, argv, "compare", 1, compare_longopts);
			goto out;
		}
	}
	if (optind + 2 != argc) {
		r = err_set(err, VSR_EUSAGE, "expected two run directories: vsrbench compare BASE_RUN "
					     "CAND_RUN (see 'vsrbench compare --help')");
		goto out;
	}
	if ((r = gate_opts_check(&g, 0, err)))
		goto out;
	/*
	 * One document on standard output: --json - (or --junit -) there keeps the
	 * Markdown off it, so that `compare ... --json - | jq` reads JSON; two
	 * asked for there is a usage error.
	 */
	{
		int to_out = 0;
		to_out += o.md_file && !strcmp(o.md_file, "-");
		to_out += o.json_file && !strcmp(o.json_file, "-");
		to_out += o.junit_file && !strcmp(o.junit_file, "-");
		if (to_out > 1) {
			r = err_set(err, VSR_EUSAGE, "--markdown, --json and --junit: only one of them may "
						     "be '-' (standard output); give the others a FILE");
			goto out;
		}
		if (to_out)
			o.md_stdout = 0;
	}
	o.base_dir = argv[optind];
	o.cand_dir = argv[optind + 1];
	o.reps = (size_t)reps;
	o.seed = (uint64_t)seed;
	if (!allow_diff && (r = comparison_check_content(o.base_dir, o.cand_dir, err)))
		goto out;
	if (!allow_judge && (r = comparison_check_judge(o.base_dir, o.cand_dir, err)))
		goto out;
	r = gate_run(&g, &o, err);
out:
	if (r && r != VSR_EGATE && err[0])
		vsr_error("%s", err);
	return r;
}
