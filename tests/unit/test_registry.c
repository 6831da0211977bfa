/*
 * The suite registry (suites/registry.c): names and aliases resolve to
 * presets, every preset is well formed, the presets agree with the tables
 * other code keeps by suite name (MME's subtasks, VSR's splits), and a suite
 * opened by an alias carries its public name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/util.h"
#include "suites/manifest.h"
#include "suites/mmbench.h"
#include "suites/mme.h"
#include "suites/seed.h"
#include "suites/suite.h"
#include "suites/synth.h"
#include "suites/vsr.h"

static void test_lookup(void **state)
{
	const struct suite_preset *p;

	(void)state;
	p = suite_lookup("mme-position");
	assert_non_null(p);
	assert_string_equal(p->name, "mme-position");
	assert_ptr_equal(p->ops, &mme_suite_ops);
	assert_string_equal(suite_param(p, "subtask"), "position");
	assert_null(suite_param(p, "group"));
	/* Aliases give the preset itself, with its public name. */
	assert_ptr_equal(suite_lookup("vsr-unified"), suite_lookup("vsr-zeroshot-test"));
	assert_string_equal(suite_lookup("vsr-unified")->name, "vsr-zeroshot-test");
	assert_ptr_equal(suite_lookup("mme-OCR"), suite_lookup("mme-ocr"));
	assert_string_equal(suite_param(suite_lookup("mme-OCR"), "subtask"), "OCR");
	/* Names are exact: no case folding, no prefixes. */
	assert_null(suite_lookup("MME-position"));
	assert_null(suite_lookup("mme-Ocr"));
	assert_null(suite_lookup("mme"));
	assert_null(suite_lookup("mme-position "));
	assert_null(suite_lookup(""));
	/* suite_find is the loader of the same lookup. */
	assert_ptr_equal(suite_find("vsr-unified"), &vsr_suite_ops);
	assert_ptr_equal(suite_find("synth"), &synth_suite_ops);
	assert_ptr_equal(suite_find("seed-spatial"), &seed_suite_ops);
	assert_ptr_equal(suite_find("mmbench"), &mmbench_suite_ops);
	assert_null(suite_find("nope"));
}

static void test_defaults(void **state)
{
	(void)state;
	/* The selections the variants had before they were presets. */
	assert_string_equal(suite_param(suite_lookup("mmbench-spatial"), "category"),
			    "spatial_relationship,object_localization");
	assert_null(suite_param(suite_lookup("mmbench"), "category"));
	assert_string_equal(suite_param(suite_lookup("seed-spatial"), "dimension"),
			    "Spatial Relation,Instance Location");
	assert_null(suite_param(suite_lookup("seed"), "dimension"));
	assert_string_equal(suite_param(suite_lookup("mme-perception"), "group"), "perception");
	assert_string_equal(suite_param(suite_lookup("mme-cognition"), "group"), "cognition");
	assert_null(suite_param(suite_lookup("mme-cognition"), "subtask"));
	/* Default prompts are the loader's. */
	assert_string_equal(suite_find("mme-cognition")->default_templates, "q01");
	assert_string_equal(suite_find("mmbench-spatial")->default_templates, "mc01");
	assert_string_equal(suite_find("seed")->default_templates, "mc01");
	assert_null(suite_find("vsr-validated")->default_templates);
}

/* Every name and alias is unique, every preset complete. */
static void test_well_formed(void **state)
{
	size_t n, names = 0;
	const struct suite_preset *ps = suite_presets(&n);
	const char *all[64];

	(void)state;
	assert_int_equal(n, 28); /* 1 synth + 7 VSR + 16 MME + 2 MMBench + 2 SEED */
	for (size_t i = 0; i < n; i++) {
		const struct suite_preset *p = &ps[i];
		assert_non_null(p->name);
		assert_non_null(p->ops);
		assert_non_null(p->ops->open);
		assert_non_null(p->summary);
		assert_true(p->summary[0] != '\0');
		assert_ptr_equal(suite_lookup(p->name), p);
		assert_true(names < 64);
		all[names++] = p->name;
		for (size_t a = 0; a < SUITE_MAX_ALIASES && p->aliases[a]; a++) {
			assert_ptr_equal(suite_lookup(p->aliases[a]), p);
			assert_true(names < 64);
			all[names++] = p->aliases[a];
		}
	}
	assert_int_equal(names, 30);
	for (size_t i = 0; i < names; i++)
		for (size_t j = i + 1; j < names; j++)
			if (!strcmp(all[i], all[j]))
				fail_msg("'%s' names two suites", all[i]);
}

/* MME's subtask table (which `score` reads) and the MME presets agree. */
static void test_mme_presets(void **state)
{
	size_t n, n_presets, n_groups = 0, n_subtasks = 0;
	const struct mme_subtask *t = mme_subtasks(&n);
	const struct suite_preset *ps = suite_presets(&n_presets);

	(void)state;
	assert_int_equal(n, 14);
	for (size_t i = 0; i < n; i++) {
		const struct suite_preset *p = suite_lookup(t[i].suite);
		if (!p)
			fail_msg("MME subtask %s: no suite %s", t[i].name, t[i].suite);
		assert_ptr_equal(p->ops, &mme_suite_ops);
		assert_string_equal(suite_param(p, "subtask"), t[i].name);
	}
	for (size_t i = 0; i < n_presets; i++) {
		const char *sub, *group;
		if (ps[i].ops != &mme_suite_ops)
			continue;
		sub = suite_param(&ps[i], "subtask");
		group = suite_param(&ps[i], "group");
		assert_true(!sub != !group); /* exactly one */
		if (sub) {
			assert_non_null(mme_subtask_find(sub));
			assert_string_equal(mme_subtask_find(sub)->suite, ps[i].name);
			n_subtasks++;
		} else {
			assert_true(!strcmp(group, "perception") || !strcmp(group, "cognition"));
			n_groups++;
		}
	}
	assert_int_equal(n_subtasks, 14);
	assert_int_equal(n_groups, 2);
}

/* Every VSR preset has a split file (vsr.c's table), and every split a preset. */
static void test_vsr_presets(void **state)
{
	static const char *const splits[] = { "vsr-zeroshot-test", "vsr-zeroshot-dev",
					      "vsr-zeroshot-train", "vsr-random-test",
					      "vsr-random-dev", "vsr-random-train", "vsr-validated" };
	size_t n, n_vsr = 0;
	const struct suite_preset *ps = suite_presets(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		if (ps[i].ops != &vsr_suite_ops)
			continue;
		n_vsr++;
		if (!vsr_split_find(ps[i].name))
			fail_msg("VSR preset %s has no split", ps[i].name);
	}
	assert_int_equal(n_vsr, 7);
	for (size_t i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
		assert_non_null(vsr_split_find(splits[i]));
		assert_ptr_equal(suite_find(splits[i]), &vsr_suite_ops);
	}
	/* The split table is by public name: an alias is the registry's business. */
	assert_null(vsr_split_find("vsr-unified"));
}

static void test_open(void **state)
{
	struct suite s;
	struct suite_config cfg;
	struct kv count = { "count", "3" };
	char err[VSR_ERR_MAX];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	/* Unknown: usage error pointing at the list, or at the nearest name. */
	assert_int_equal(suite_open(&s, "nope", &cfg, err), VSR_EUSAGE);
	assert_string_equal(err, "unknown suite 'nope' (see 'vsrbench list suites')");
	assert_int_equal(suite_open(&s, "synt", &cfg, err), VSR_EUSAGE);
	assert_string_equal(err, "unknown suite 'synt'; did you mean 'synth'? (see 'vsrbench list suites')");
	assert_int_equal(suite_open(&s, "mme-postion", &cfg, err), VSR_EUSAGE);
	assert_non_null(strstr(err, "did you mean 'mme-position'?"));
	assert_null(s.ops);
	/* By an alias: the loader speaks of the public name. */
	/* No data folder at all (no --data, no HOME): a configuration error (exit 2). */
	assert_int_equal(suite_open(&s, "vsr-unified", &cfg, err), VSR_EUSAGE);
	assert_non_null(strstr(err, "suite vsr-zeroshot-test: no data folder: pass --data DIR"));
	assert_null(s.ops);
	/* A data folder without the data and no --images: missing data (exit 3), naming `data pull`. */
	cfg.data_dir = "/nonexistent/vsrbench-data";
	assert_int_equal(suite_open(&s, "vsr-unified", &cfg, err), VSR_EDATA);
	assert_non_null(strstr(err, "suite vsr-zeroshot-test: /nonexistent/vsrbench-data/vsr/data/"
				    "splits/zeroshot/test.jsonl not found"));
	assert_non_null(strstr(err, "vsrbench data pull vsr-zeroshot-test"));
	assert_null(s.ops);
	cfg.data_dir = NULL;
	/* A suite that needs no data. */
	cfg.opts = &count;
	cfg.n_opts = 1;
	assert_int_equal(suite_open(&s, "synth", &cfg, err), 0);
	assert_ptr_equal(s.ops, &synth_suite_ops);
	assert_string_equal(s.name, "synth");
	assert_int_equal(s.ops->count(s.priv), 3);
	suite_close(&s);
	assert_null(s.ops);
	/* The loader's own -S check, with the preset's name. */
	count.key = "dir";
	count.value = "/nonexistent";
	assert_int_equal(suite_open(&s, "mme-OCR", &cfg, err), VSR_EDATA);
	assert_non_null(strstr(err, "MME subtask OCR: neither /nonexistent/OCR.txt"));
	count.key = "bogus";
	assert_int_equal(suite_open(&s, "mme-cognition", &cfg, err), VSR_EUSAGE);
	assert_non_null(strstr(err, "suite mme-cognition: unknown option 'bogus'"));
}

/* `data pull SUITE`: the dataset is the loader's. */
static void test_datasets(void **state)
{
	static const char *const want[][2] = {
		{ "vsr-unified", "vsr" },	  { "vsr-validated", "vsr" },
		{ "mme-OCR", "mme" },		  { "mme-perception", "mme" },
		{ "mmbench-spatial", "mmbench" }, { "mmbench", "mmbench" },
		{ "seed-spatial", "seed" },	  { "seed", "seed" },
	};
	char err[VSR_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct manifest_dataset *ds = manifest_for(want[i][0], err);
		if (!ds)
			fail_msg("%s: %s", want[i][0], err);
		assert_string_equal(ds->name, want[i][1]);
	}
	assert_null(manifest_for("synth", err));
	assert_string_equal(err, "suite synth is generated by vsrbench: there is nothing to download");
	assert_null(manifest_for("mme-", err));
	assert_non_null(strstr(err, "unknown dataset or suite 'mme-'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),     cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_well_formed), cmocka_unit_test(test_mme_presets),
		cmocka_unit_test(test_vsr_presets), cmocka_unit_test(test_open),
		cmocka_unit_test(test_datasets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
