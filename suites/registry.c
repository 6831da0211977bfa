/*
 * The suite registry: name -> loader.  To add a suite, write its loader in
 * suites/NAME.c and add one line to `registry` below (aliases are extra lines
 * pointing at the same ops).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/util.h"
#include "suite.h"
#include "mmbench.h"
#include "mme.h"
#include "seed.h"
#include "synth.h"
#include "vsr.h"

static const struct {
	const char *name;
	const struct suite_ops *ops;
	const char *alias_of; /* NULL for a primary name */
} registry[] = {
	{ "synth", &synth_suite_ops, NULL },
	{ "vsr-zeroshot-test", &vsr_zeroshot_test_ops, NULL },
	{ "vsr-unified", &vsr_zeroshot_test_ops, "vsr-zeroshot-test" },
	{ "vsr-zeroshot-dev", &vsr_zeroshot_dev_ops, NULL },
	{ "vsr-zeroshot-train", &vsr_zeroshot_train_ops, NULL },
	{ "vsr-random-test", &vsr_random_test_ops, NULL },
	{ "vsr-random-dev", &vsr_random_dev_ops, NULL },
	{ "vsr-random-train", &vsr_random_train_ops, NULL },
	{ "vsr-validated", &vsr_validated_ops, NULL },
	{ "mme-position", &mme_position_ops, NULL },
	{ "mme-existence", &mme_existence_ops, NULL },
	{ "mme-count", &mme_count_ops, NULL },
	{ "mme-color", &mme_color_ops, NULL },
	{ "mme-posters", &mme_posters_ops, NULL },
	{ "mme-celebrity", &mme_celebrity_ops, NULL },
	{ "mme-scene", &mme_scene_ops, NULL },
	{ "mme-landmark", &mme_landmark_ops, NULL },
	{ "mme-artwork", &mme_artwork_ops, NULL },
	{ "mme-ocr", &mme_ocr_ops, NULL },
	{ "mme-OCR", &mme_ocr_ops, "mme-ocr" },
	{ "mme-commonsense_reasoning", &mme_commonsense_reasoning_ops, NULL },
	{ "mme-numerical_calculation", &mme_numerical_calculation_ops, NULL },
	{ "mme-text_translation", &mme_text_translation_ops, NULL },
	{ "mme-code_reasoning", &mme_code_reasoning_ops, NULL },
	{ "mme-perception", &mme_perception_ops, NULL },
	{ "mme-cognition", &mme_cognition_ops, NULL },
	{ "mmbench-spatial", &mmbench_spatial_ops, NULL },
	{ "mmbench", &mmbench_ops, NULL },
	{ "seed-spatial", &seed_spatial_ops, NULL },
	{ "seed", &seed_ops, NULL },
};
#define N_REGISTRY (sizeof(registry) / sizeof(registry[0]))

const struct suite_ops *suite_find(const char *name)
{
	for (size_t i = 0; i < N_REGISTRY; i++)
		if (!strcmp(registry[i].name, name))
			return registry[i].ops;
	return NULL;
}

void suite_list(int verbose, const char *data_dir)
{
	for (size_t i = 0; i < N_REGISTRY; i++) {
		if (registry[i].alias_of)
			printf("%-22s alias of %s\n", registry[i].name, registry[i].alias_of);
		else
			printf("%-22s %s\n", registry[i].name, registry[i].ops->summary);
		if (verbose && !registry[i].alias_of && registry[i].ops->inspect) {
			struct suite_config cfg = { 0 };
			char err[VSR_ERR_MAX];
			cfg.data_dir = data_dir;
			printf("%-22s ", "");
			if (registry[i].ops->inspect(&cfg, stdout, err))
				printf("(%s)\n", err);
		}
	}
}

int suite_open(struct suite *s, const char *name, const struct suite_config *cfg, char *err)
{
	const struct suite_ops *ops = suite_find(name);
	int r;

	memset(s, 0, sizeof(*s));
	if (!ops) {
		struct buf known = BUF_INIT;
		for (size_t i = 0; i < N_REGISTRY; i++)
			buf_addf(&known, "%s%s", i ? ", " : "", registry[i].name);
		r = err_set(err, VSR_EUSAGE, "unknown suite '%s' (known: %s)", name, known.ptr);
		buf_release(&known);
		return r;
	}
	r = ops->open(cfg, &s->priv, err);
	if (r)
		return r;
	s->ops = ops;
	s->name = ops->name;
	return 0;
}

void suite_close(struct suite *s)
{
	if (s->ops)
		s->ops->close(s->priv);
	memset(s, 0, sizeof(*s));
}
