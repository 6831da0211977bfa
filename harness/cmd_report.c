/* vsrbench report RUN_DIR [--format json,md]: rebuild reports from the journal. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "util.h"

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *formats = NULL;
	char err[VSR_ERR_MAX] = "";
	int c, quiet = 0, r;
	struct stat st;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			formats = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			printf("usage: vsrbench report RUN_DIR [--format json,md] [-q]\n");
			return 0;
		case ':':
			vsr_error("option '%s' needs a value", argv[optind - 1]);
			return VSR_EUSAGE;
		default:
			vsr_error("unknown option '%s' (see 'vsrbench report --help')", argv[optind - 1]);
			return VSR_EUSAGE;
		}
	}
	if (optind + 1 != argc) {
		vsr_error("usage: vsrbench report RUN_DIR [--format json,md]");
		return VSR_EUSAGE;
	}
	if (stat(argv[optind], &st) < 0 || !S_ISDIR(st.st_mode)) {
		vsr_error("%s: not a run directory", argv[optind]);
		return VSR_EDATA;
	}
	r = run_reports(argv[optind], formats, !quiet, err);
	if (r)
		vsr_error("%s", err);
	return r;
}
