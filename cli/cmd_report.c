/* vsrbench report RUN_DIR [--format json,md]: rebuild reports from the journal. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "../metrics/metrics.h"
#include "../reports/rebuild.h"
#include "../base/util.h"

static void report_usage(FILE *fp)
{
	fprintf(fp, "usage: vsrbench report RUN_DIR [--format json,md,html,junit] [-q]\n"
		    "                       [--bootstrap N] [--bootstrap-seed S]\n"
		    "  -f, --format LIST   the reports to write (default: json,md,html,junit)\n"
		    "  --bootstrap N       resamples behind the sensitivity intervals (default 1000)\n"
		    "  --bootstrap-seed S  their seed (default 1): the same seed, the same intervals\n"
		    "  -q, --quiet         no summary table\n");
}

/* The getopt_long tables: parsed here, completed by cli/complete.c. */
const char report_shortopts[] = ":f:qhb:B:";
const struct option report_longopts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "bootstrap", required_argument, NULL, 'b' },
	{ "bootstrap-seed", required_argument, NULL, 'B' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_report(int argc, char **argv)
{
	const char *formats = NULL;
	struct metrics_opts mo = METRICS_OPTS_INIT;
	long v;
	char err[VSR_ERR_MAX] = "";
	int c, quiet = 0, r;
	struct stat st;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, report_shortopts, report_longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			formats = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'b':
			if (parse_long(optarg, 10, 1000000, &v)) {
				vsr_error("--bootstrap '%s': expected 10..1000000 resamples", optarg);
				return VSR_EUSAGE;
			}
			mo.resamples = (size_t)v;
			break;
		case 'B':
			if (parse_long(optarg, 0, 0x7fffffffffffffffL, &v)) {
				vsr_error("--bootstrap-seed '%s': expected a non-negative integer", optarg);
				return VSR_EUSAGE;
			}
			mo.seed = (uint64_t)v;
			break;
		case 'h':
			report_usage(stdout);
			return 0;
		default:
			return cmd_usage_error_opts(NULL, c, argv, "report", 0, report_longopts);
		}
	}
	if (optind + 1 != argc) {
		/* the same text as --help, on stderr */
		report_usage(stderr);
		return VSR_EUSAGE;
	}
	if (stat(argv[optind], &st) < 0 || !S_ISDIR(st.st_mode)) {
		vsr_error("%s: not a run directory", argv[optind]);
		return VSR_EDATA;
	}
	r = reports_rebuild(argv[optind], formats, !quiet, &mo, err);
	if (r)
		vsr_error("%s", err);
	return r;
}
