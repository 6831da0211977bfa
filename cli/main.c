/*
 * vsrbench: score vision-language models on visual spatial reasoning.
 *
 * main() only dispatches.  To add a subcommand: write harness/cmd_NAME.c
 * with `int cmd_NAME(int argc, char **argv)` (argv[0] is the subcommand),
 * declare it in harness/cmd.h and add one line to `commands` below.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/vsrbench_adapter.h"
#include "cmd.h"
#include "../base/suggest.h"
#include "../base/util.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "run", cmd_run, "score a model on suites (default: builtin:geometry on synth)" },
	{ "report", cmd_report, "rebuild the reports of a run directory from its journal" },
	{ "compare", cmd_compare, "compare two runs (paired) and gate on a significant drop" },
	{ "list", cmd_list, "list suites, templates, models or relations" },
	{ "score", cmd_score, "score recorded answers (MME lists, SEED results, journals), no model" },
	{ "merge", cmd_merge, "join the shards of one run (run --shard I/N) into one run directory" },
	{ "data", cmd_data, "datasets: data pull SUITE, data verify, data check vsr (leakage)" },
	{ "cache", cmd_cache, "the response cache: cache stats, cache prune --older-than D, cache clear" },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *fp)
{
	fprintf(fp, "usage: vsrbench <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(fp, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(fp, "\n'vsrbench <command> --help' describes a command's options.\n"
		    "Exit codes: 0 ok, 1 gate failed, 2 usage/configuration, 3 bad data, "
		    "4 model failed, 5 interrupted.\n");
}

int main(int argc, char **argv)
{
	int r = VSR_EUSAGE;
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
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		r = 0;
		goto out;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vsrbench %s (adapter ABI %d.%d)\n", VSR_VERSION, VSRBENCH_ABI_MAJOR,
		       VSRBENCH_ABI_MINOR);
		r = 0;
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
