/*
 * vsrbench data check vsr [--data DIR]
 *
 * Validates every VSR split file (file:line errors) and prints what a user
 * should know before trusting a number: items and label balance per split,
 * subject/object coverage, relation and meta-category counts, and leakage:
 * how many zero-shot test items (same image, caption and label) also occur
 * in the random split's train, dev or test files.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../suites/taxonomy.h"
#include "../suites/vsr.h"
#include "cmd.h"
#include "data_pull.h"
#include "../base/keyset.h"
#include "../base/suggest.h"
#include "../base/util.h"

struct split_stats {
	size_t items, yes, with_subj, fixed, disagree;
	size_t by_category[8]; /* 7 categories + none */
	struct keyset triples; /* hash(image, caption, label) */
	struct keyset relations;
	size_t in_random_train, in_random_any, in_zeroshot_train;
};

static uint64_t triple(const struct vsr_line *vl)
{
	uint64_t h = hash64_str(vl->image, HASH_SEED);
	int label = vl->label;

	h = hash64_str(vl->caption, h);
	return hash64(&label, sizeof(label), h);
}

static int collect(const struct vsr_line *vl, void *p)
{
	struct split_stats *s = p;
	const char *cat = relation_category(vl->relation);
	size_t c = n_relation_categories;

	s->items++;
	s->yes += vl->label == 1;
	s->with_subj += vl->subj != NULL;
	s->fixed += vl->subj_fixed;
	s->disagree += vl->subj_disagrees;
	for (size_t i = 0; cat && i < n_relation_categories; i++)
		if (!strcmp(cat, relation_categories[i]))
			c = i;
	s->by_category[c]++;
	keyset_add(&s->triples, triple(vl));
	keyset_add(&s->relations, hash64_str(vl->relation, HASH_SEED));
	return 0;
}

struct leak_ctx {
	struct split_stats *test;
	const struct keyset *rtrain, *rdev, *rtest, *ztrain;
};

static int leak(const struct vsr_line *vl, void *p)
{
	struct leak_ctx *c = p;
	uint64_t t = triple(vl);
	int in_train = keyset_has(c->rtrain, t);

	c->test->in_random_train += in_train;
	c->test->in_random_any += in_train || keyset_has(c->rdev, t) || keyset_has(c->rtest, t);
	c->test->in_zeroshot_train += keyset_has(c->ztrain, t);
	return 0;
}

static int check_vsr(const char *data_dir)
{
	static const char *const names[] = {
		"vsr-random-train", "vsr-random-dev", "vsr-random-test",
		"vsr-zeroshot-train", "vsr-zeroshot-dev", "vsr-zeroshot-test",
	};
	struct split_stats st[6];
	char err[VSR_ERR_MAX];
	char *path = NULL;
	int r = 0;

	memset(st, 0, sizeof(st));
	printf("%-20s %7s %7s %7s %9s %9s %9s\n", "split", "items", "true", "true%", "subj/obj",
	       "relations", "subj fix");
	for (size_t i = 0; i < 6 && !r; i++) {
		r = vsr_split_path(vsr_split_find(names[i]), data_dir, &path, err);
		if (!r)
			r = vsr_scan(path, collect, &st[i], err);
		free(path);
		path = NULL;
		if (r)
			break;
		printf("%-20s %7zu %7zu %6.1f%% %9zu %9zu %9zu\n", names[i], st[i].items, st[i].yes,
		       st[i].items ? 100.0 * (double)st[i].yes / (double)st[i].items : 0.0,
		       st[i].with_subj, st[i].relations.n + (size_t)st[i].relations.has_zero,
		       st[i].fixed);
	}
	if (!r) {
		struct leak_ctx c = { &st[5], &st[0].triples, &st[1].triples, &st[2].triples,
				      &st[3].triples };
		r = vsr_split_path(vsr_split_find("vsr-zeroshot-test"), data_dir, &path, err);
		if (!r)
			r = vsr_scan(path, leak, &c, err);
		free(path);
	}
	if (!r) {
		char hex[65];
		const char *ver;

		r = vsr_split_path(vsr_split_find("vsr-zeroshot-test"), data_dir, &path, err);
		if (!r) {
			ver = vsr_test_version(path, st[5].items, hex);
			printf("\nversion of vsr-zeroshot-test: %s (%zu items%s%s)%s\n", ver, st[5].items,
			       hex[0] ? ", sha256 " : "", hex,
			       !strcmp(ver, "tacl-1222") ? ": the TACL release, the seed paper's test set"
			       : !strcmp(ver, "unknown") ? ": neither published release; numbers on it "
							   "compare with nothing published"
							 : "");
		}
		free(path);
		path = NULL;
	}
	if (!r) {
		printf("\nmeta-categories of vsr-zeroshot-test (the unified test set):\n");
		for (size_t c = 0; c <= n_relation_categories; c++)
			printf("  %-12s %5zu\n", c < n_relation_categories ? relation_categories[c] : "(none)",
			       st[5].by_category[c]);
		printf("\nleakage: %zu of the %zu zero-shot test items (same image, caption and label) "
		       "also occur in random train;\n         %zu occur somewhere in random train/dev/test; "
		       "%zu in zero-shot train.\n",
		       st[5].in_random_train, st[5].items, st[5].in_random_any, st[5].in_zeroshot_train);
		if (st[5].in_random_train)
			printf("         A model fine-tuned on random train has seen those items: its "
			       "vsr-unified score is not zero-shot.\n");
		if (st[3].fixed + st[4].fixed + st[5].fixed)
			printf("\nnote: %zu zero-shot subjects in the files lost their first letters upstream "
			       "(\"orse\" for \"horse\");\n      vsrbench takes the subject from the caption "
			       "instead.\n",
			       st[3].fixed + st[4].fixed + st[5].fixed);
	}
	for (size_t i = 0; i < 6; i++) {
		keyset_release(&st[i].triples);
		keyset_release(&st[i].relations);
	}
	if (r)
		vsr_error("%s", err);
	return r;
}

/* The getopt_long tables: parsed here, completed by cli/complete.c. */
const char data_shortopts[] = ":h";
const struct option data_longopts[] = {
	{ "data", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry data_commands[] = {
	{ "pull", data_pull_main, "fetch a dataset", data_pull_longopts, data_pull_shortopts },
	{ "verify", data_verify_main, "re-hash the pulled files", data_verify_longopts,
	  data_verify_shortopts },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cmd_data(int argc, char **argv)
{
	const char *data = NULL;
	int c;

	for (size_t i = 0; argc > 1 && data_commands[i].name; i++)
		if (!strcmp(argv[1], data_commands[i].name))
			return data_commands[i].fn(argc - 1, argv + 1);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, data_shortopts, data_longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			data = optarg;
			break;
		case 'h':
			printf("usage: vsrbench data check vsr [--data DIR]\n"
			       "       vsrbench data pull SUITE|DATASET|all [--data DIR] [--mirror URL]\n"
			       "       vsrbench data verify [DATASET] [--data DIR]\n");
			return 0;
		default:
			return cmd_usage_error_opts(NULL, c, argv, "data", 0, data_longopts);
		}
	}
	if (optind + 2 == argc && !strcmp(argv[optind], "check") && !strcmp(argv[optind + 1], "vsr"))
		return check_vsr(data_dir_resolve(data));
	if (optind < argc && strcmp(argv[optind], "check")) {
		char hint[96];
		vsr_error("unknown data command '%s'%s (see 'vsrbench data --help')", argv[optind],
			  suggest_hint(argv[optind], "check, pull, verify", hint, sizeof(hint)));
		return VSR_EUSAGE;
	}
	vsr_error("usage: vsrbench data check vsr|pull SUITE|verify [DATASET] [--data DIR] (see "
		  "vsrbench data --help)");
	return VSR_EUSAGE;
}
