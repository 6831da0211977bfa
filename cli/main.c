/*
 * vsrbench: score vision-language models on visual spatial reasoning.
 *
 * main() only dispatches.  To add a subcommand: write cli/cmd_NAME.c
 * with `int cmd_NAME(int argc, char **argv)` (argv[0] is the subcommand) and
 * its getopt_long tables at file scope, declare them in cli/cmd.h and add
 * one entry to `commands` below: the shell completion follows from it.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/vsrbench_adapter.h"
#include "cmd.h"
#include "../base/buildinfo.h"
#include "../base/suggest.h"
#include "../base/util.h"

static const struct cmd_entry commands[] = {
	{ "run", cmd_run, "score a model on suites (default: builtin:geometry on synth)",
	  run_longopts, run_shortopts },
	{ "report", cmd_report, "rebuild the reports of a run directory from its journal",
	  report_longopts, report_shortopts },
	{ "compare", cmd_compare, "compare two runs (paired) and gate on a significant drop",
	  compare_longopts, compare_shortopts },
	{ "list", cmd_list, "list suites, templates, models or relations", list_longopts,
	  list_shortopts },
	{ "score", cmd_score, "score recorded answers (MME lists, SEED results, journals), no model",
	  score_longopts, score_shortopts },
	{ "merge", cmd_merge, "join the shards of one run (run --shard I/N) into one run directory",
	  NULL, NULL },
	{ "data", cmd_data, "datasets: data pull SUITE, data verify, data check vsr (leakage)",
	  data_longopts, data_shortopts },
	{ "cache", cmd_cache, "the response cache: cache stats, cache prune --older-than D, cache clear",
	  NULL, NULL },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *fp)
{
	fprintf(fp, "usage: vsrbench <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(fp, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(fp, "\n'vsrbench <command> --help' (or 'vsrbench help <command>') describes a command's\n"
		    "options; 'vsrbench --version' names the build.\n"
		    "Exit codes: 0 ok, 1 gate failed, 2 usage/configuration, 3 bad data, "
		    "4 model failed, 5 interrupted.\n");
}

/*
 * As `curl --version` does: the program, the ABI, the commit, then each
 * library as name/version, the version it runs with (base/buildinfo.h).
 */
static void print_version(void)
{
	struct buildinfo_lib libs[16];
	size_t n = buildinfo_libs(libs, sizeof(libs) / sizeof(libs[0]));

	printf("vsrbench %s (adapter ABI %d.%d)\n", VSR_VERSION, VSRBENCH_ABI_MAJOR,
	       VSRBENCH_ABI_MINOR);
	if (*buildinfo_commit())
		printf("commit: %s\n", buildinfo_commit());
	printf("libraries:");
	for (size_t i = 0; i < n; i++)
		printf(" %s/%s%s", libs[i].name, libs[i].version,
		       libs[i].compile_time ? " (compile-time)" : "");
	printf("\n");
}

int main(int argc, char **argv)
{
	int r = VSR_EUSAGE;
	char help_arg[] = "--help";
	char *help_argv[4] = { NULL };
	/* cJSON allocates with xmalloc: out of memory ends the process there
	 * too, so no JSON document is ever printed with a node missing (the
	 * failure rule of base/buf.h). */
	cJSON_Hooks hooks = { xmalloc, free };

	cJSON_InitHooks(&hooks);
	if (argc < 2) {
		/* `vsrbench` alone runs the embedded default job. */
		char run_arg[] = "run";
		char *def[] = { run_arg, NULL };
		r = cmd_run(1, def);
		goto out;
	}
	if (argc >= 3 && !strcmp(argv[1], "help")) {
		/* `vsrbench help run` is `vsrbench run --help`, as git does it. */
		help_argv[0] = argv[0];
		help_argv[1] = argv[2];
		help_argv[2] = help_arg;
		argc = 3;
		argv = help_argv;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		r = 0;
		goto out;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") || !strcmp(argv[1], "version")) {
		print_version();
		r = 0;
		goto out;
	}
	if (!strcmp(argv[1], "__complete")) {
		r = cmd_complete(argc - 1, argv + 1, commands, N_COMMANDS);
		goto out;
	}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name)) {
			r = commands[i].fn(argc - 1, argv + 1);
			goto out;
		}
	{
		const char *near = suggest_nearest_field(argv[1], commands, N_COMMANDS, sizeof(commands[0]));
		if (near) {
			vsr_error("unknown command '%s'; did you mean '%s'? (see 'vsrbench --help')", argv[1],
				  near);
			goto out;
		}
	}
	vsr_error("unknown command '%s'", argv[1]);
	usage(stderr);
out:
	/* A report cut short by a full disk or a closed pipe is a failure. */
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			vsr_error("write failure on standard output: %s", strerror(errno));
		if (!r)
			r = VSR_EDATA;
	}
	return r;
}
