/* vsrbench list suites|templates|models|relations */
#include <stdio.h>
#include <string.h>

#include "../adapters/loader.h"
#include "../suites/suite.h"
#include "../suites/taxonomy.h"
#include "../suites/template.h"
#include "cmd.h"
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

int cmd_list(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : NULL;
	int verbose = argc > 2 && (!strcmp(argv[2], "-v") || !strcmp(argv[2], "--verbose"));

	if (!what || (argc > 2 && !verbose) || argc > 3) {
		vsr_error("usage: vsrbench list suites|templates|models|relations [--verbose]");
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
		vsr_error("cannot list '%s' (expected suites, templates, models or relations)", what);
		return VSR_EUSAGE;
	}
	return 0;
}
