/*
 * vsrbench compare BASE_RUN CAND_RUN: the paired comparison and the CI gate.
 * Exit 0, or 1 when a gate check failed, 2 usage, 3 a run cannot be read.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../reports/compare.h"
#include "../reports/report.h"
#include "cmd.h"
#include "../base/util.h"

static void compare_usage(FILE *fp)
{
	fprintf(fp,
		"usage: vsrbench compare BASE_RUN CAND_RUN [--max-drop POINTS] [--alpha A]\n"
		"                        [--min-accuracy [SUITE=]X]... [--max-language-sensitivity X]\n"
		"                        [--markdown FILE] [--json FILE] [--junit FILE] [--reps N]\n"
		"                        [--seed N] [-q]\n"
		"\n"
		"Matches the two runs' tasks on (suite, item, template, variant) and prints, as\n"
		"Markdown for a pull-request comment: both accuracies, the change with a paired\n"
		"bootstrap interval over images, the exact McNemar test, the largest movers and the\n"
		"tasks that went from right to wrong.\n"
		"\n"
		"  --max-drop POINTS        fail when accuracy drops by more than POINTS and the drop is\n"
		"                           significant (McNemar p < alpha), per suite and overall\n"
		"  --alpha A                significance level for --max-drop (default 0.05)\n"
		"  --min-accuracy [SUITE=]X fail when the candidate's accuracy is below X (0..1);\n"
		"                           without SUITE, over every suite together (repeatable)\n"
		"  --max-language-sensitivity X\n"
		"                           fail when the candidate's language sensitivity is above X,\n"
		"                           or was not measured (-p instr/format/converse)\n"
		"  --markdown FILE          write the Markdown to FILE instead of standard output\n"
		"  --json FILE              write the comparison as JSON ('-': standard output)\n"
		"  --junit FILE             write the checks as JUnit XML\n"
		"  --reps N                 bootstrap resamples (default %d)\n"
		"  --seed N                 bootstrap seed (default 1)\n"
		"  -q, --quiet              no Markdown on standard output\n"
		"\n"
		"Exit codes: 0 passed, 1 a check failed, 2 usage, 3 a run cannot be read.\n",
		COMPARE_REPS_DEFAULT);
}

static int write_out(const char *path, const struct buf *b, char *err)
{
	if (!strcmp(path, "-")) {
		fwrite(b->ptr, 1, b->len, stdout);
		return 0;
	}
	return write_file_atomic(path, b->ptr, b->len, err);
}

int cmd_compare(int argc, char **argv)
{
	enum { O_MAXDROP = 256, O_ALPHA, O_MINACC, O_MAXLANG, O_MD, O_JSON, O_JUNIT, O_REPS,
	       O_SEED };
	static const struct option longopts[] = {
		{ "max-drop", required_argument, NULL, O_MAXDROP },
		{ "alpha", required_argument, NULL, O_ALPHA },
		{ "min-accuracy", required_argument, NULL, O_MINACC },
		{ "max-language-sensitivity", required_argument, NULL, O_MAXLANG },
		{ "markdown", required_argument, NULL, O_MD },
		{ "json", required_argument, NULL, O_JSON },
		{ "junit", required_argument, NULL, O_JUNIT },
		{ "reps", required_argument, NULL, O_REPS },
		{ "seed", required_argument, NULL, O_SEED },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gate_opts g;
	struct comparison cmp;
	struct gate_result res = { 0 };
	struct metrics m;
	struct buf path = BUF_INIT, text = BUF_INIT;
	const char *md_file = NULL, *json_file = NULL, *junit_file = NULL;
	char err[VSR_ERR_MAX] = "";
	cJSON *run = NULL;
	long reps = COMPARE_REPS_DEFAULT, seed = 1;
	int c, quiet = 0, r = 0, have_cmp = 0, have_m = 0;

	memset(&g, 0, sizeof(g));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
		switch (c) {
		case O_MAXDROP:
		case O_ALPHA:
		case O_MINACC:
		case O_MAXLANG:
			for (size_t k = 0; longopts[k].name; k++)
				if (longopts[k].val == c && (r = gate_opts_set(&g, longopts[k].name, optarg, err)))
					goto out;
			break;
		case O_MD:
			md_file = optarg;
			break;
		case O_JSON:
			json_file = optarg;
			break;
		case O_JUNIT:
			junit_file = optarg;
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
		case 'q':
			quiet = 1;
			break;
		case 'h':
			compare_usage(stdout);
			return 0;
		case ':':
			r = err_set(err, VSR_EUSAGE, "option '%s' needs a value (see 'vsrbench compare --help')",
				    argv[optind - 1]);
			goto out;
		default:
			r = err_set(err, VSR_EUSAGE, "unknown option '%s' (see 'vsrbench compare --help')",
				    argv[optind - 1]);
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
	if ((r = comparison_load(&cmp, argv[optind], argv[optind + 1], (size_t)reps, (uint64_t)seed,
				 err)))
		goto out;
	have_cmp = 1;
	for (const char *w = cmp.warnings.ptr; *w;) { /* one warning per line */
		const char *e = strchr(w, '\n');
		int len = (int)(e ? (size_t)(e - w) : strlen(w));
		vsr_warn("%.*s", len, w);
		w += len + (e ? 1 : 0);
	}
	/* The candidate's own metrics: floors apply to all its tasks, not only the paired ones. */
	buf_addf(&path, "%s/samples.jsonl", argv[optind + 1]);
	if ((r = metrics_from_journal(path.ptr, &m, err)))
		goto out;
	have_m = 1;
	buf_reset(&path);
	buf_addf(&path, "%s/run.json", argv[optind + 1]);
	text.max = 16u << 20;
	if (!buf_read_file(&text, path.ptr))
		run = cJSON_Parse(text.ptr);
	text.max = 0;
	gate_evaluate(&g, &cmp, &m, &res);

	buf_reset(&text);
	comparison_md(&cmp, &res, &text);
	if (md_file && (r = write_out(md_file, &text, err)))
		goto out;
	if (!md_file && !quiet)
		fwrite(text.ptr, 1, text.len, stdout);
	if (json_file) {
		buf_reset(&text);
		if ((r = comparison_json(&cmp, &res, &text)) || (r = write_out(json_file, &text, err)))
			goto out;
	}
	if (junit_file) {
		buf_reset(&text);
		if ((r = junit_build(&m, run, &res, &text)) || (r = write_out(junit_file, &text, err)))
			goto out;
	}
	fflush(stdout);
	gate_print_failures(stderr, &res);
	if (res.n_failed)
		r = VSR_EGATE;
out:
	if (r && r != VSR_EGATE && err[0])
		vsr_error("%s", err);
	gate_result_release(&res);
	if (have_cmp)
		comparison_release(&cmp);
	if (have_m)
		metrics_release(&m);
	cJSON_Delete(run);
	buf_release(&path);
	buf_release(&text);
	return r;
}
