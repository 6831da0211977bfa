/* vsrbench list suites|templates|models|relations */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../adapters/loader.h"
#include "../suites/suite.h"
#include "../suites/taxonomy.h"
#include "../suites/template.h"
#include "cmd.h"
#include "../base/suggest.h"
#include "../base/util.h"

static void list_relations(void)
{
	size_t n;
	const struct relation_info *t = relation_table(&n);

	printf("%-22s %s\n", "relation", "meta-category (VSR taxonomy)");
	for (size_t c = 0; c < n_relation_categories; c++)
		for (size_t i = 0; i < n; i++)
			if (!strcmp(t[i].category, relation_categories[c]))
				printf("%-22s %s\n", t[i].name, t[i].category);
}

/* The topics, in the order usage names them; to add one, add it here and below. */
const char *const list_topics[] = { "suites", "templates", "models", "relations", NULL };
#define N_TOPICS (sizeof(list_topics) / sizeof(list_topics[0]) - 1)

/* The options after the topic (cli/complete.c completes them from here). */
const char list_shortopts[] = "v";
const struct option list_longopts[] = {
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The option arg names in the tables above (its val), or 0. */
static int list_opt(const char *arg)
{
	if (arg[0] == '-' && arg[1] && !arg[2] && strchr(list_shortopts, arg[1]))
		return arg[1];
	for (size_t i = 0; list_longopts[i].name; i++)
		if (!strncmp(arg, "--", 2) && !strcmp(arg + 2, list_longopts[i].name))
			return list_longopts[i].val;
	return 0;
}

static void list_usage(FILE *fp)
{
	fprintf(fp, "usage: vsrbench list TOPIC [--verbose]\n\ntopics:\n"
		    "  suites     the suites a run can name (--verbose: what is in the data)\n"
		    "  templates  the instruction templates (-t)\n"
		    "  models     the model kinds (-m)\n"
		    "  relations  the VSR relations and their meta-categories\n");
}

int cmd_list(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : NULL;
	int verbose = argc > 2 && list_opt(argv[2]) == 'v';

	if (what && (!strcmp(what, "-h") || !strcmp(what, "--help"))) {
		list_usage(stdout);
		return 0;
	}
	if (!what || (argc > 2 && !verbose) || argc > 3) {
		list_usage(stderr);
		return VSR_EUSAGE;
	}
	if (!strcmp(what, "suites"))
		suite_list(verbose, data_dir_resolve(NULL));
	else if (!strcmp(what, "templates"))
		template_list(stdout);
	else if (!strcmp(what, "models"))
		model_list(stdout);
	else if (!strcmp(what, "relations"))
		list_relations();
	else {
		const char *near = suggest_nearest(what, list_topics, N_TOPICS);
		if (near)
			vsr_error("cannot list '%s'; did you mean '%s'? (see 'vsrbench list --help')", what,
				  near);
		else
			vsr_error("cannot list '%s' (expected suites, templates, models or relations)", what);
		return VSR_EUSAGE;
	}
	return 0;
}
