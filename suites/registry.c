/*
 * The suite registry: every suite a user can name, as a preset of a loader
 * (see suite.h).  To add a suite of an existing format, add one line to
 * `presets` below; the loader's header documents its parameters.  The order
 * is the order of `vsrbench list suites` and of the "known:" list in the
 * unknown-suite error; an alias is listed right after its suite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/suggest.h"
#include "../base/util.h"
#include "suite.h"
#include "mmbench.h"
#include "mme.h"
#include "seed.h"
#include "synth.h"
#include "vsr.h"

#define NO_ALIAS { NULL }
#define NO_PARAMS { { NULL, NULL } }
/* An MME subtask by its official name (the eval tool's file stem). */
#define MME_SUBTASK(t) { { "subtask", t } }

static const struct suite_preset presets[] = {
	{ "synth", NO_ALIAS, &synth_suite_ops, NO_PARAMS,
	  "generated shapes scenes: left/right/above/below, near/far, touching, inside" },

	/* VSR: the split file is the VSR loader's table, by suite name (vsr.h). */
	{ "vsr-zeroshot-test", { "vsr-unified" }, &vsr_suite_ops, NO_PARAMS,
	  "VSR zero-shot test: the unified test set (1,222 captions, 715 COCO images)" },
	{ "vsr-zeroshot-dev", NO_ALIAS, &vsr_suite_ops, NO_PARAMS, "VSR zero-shot dev (340)" },
	{ "vsr-zeroshot-train", NO_ALIAS, &vsr_suite_ops, NO_PARAMS, "VSR zero-shot train (3,489)" },
	{ "vsr-random-test", NO_ALIAS, &vsr_suite_ops, NO_PARAMS, "VSR random test (2,195)" },
	{ "vsr-random-dev", NO_ALIAS, &vsr_suite_ops, NO_PARAMS, "VSR random dev (1,097)" },
	{ "vsr-random-train", NO_ALIAS, &vsr_suite_ops, NO_PARAMS, "VSR random train (7,680)" },
	{ "vsr-validated", NO_ALIAS, &vsr_suite_ops, NO_PARAMS,
	  "every validated VSR caption (10,972; the pool both splits were drawn from)" },

	/* MME: subtask=NAME or group=perception|cognition (mme.h). */
	{ "mme-position", NO_ALIAS, &mme_suite_ops, MME_SUBTASK("position"),
	  "MME position: the spatial subtask (60 questions, 30 COCO images)" },
	{ "mme-existence", NO_ALIAS, &mme_suite_ops, MME_SUBTASK("existence"),
	  "MME existence (60 questions, 30 images)" },
	{ "mme-count", NO_ALIAS, &mme_suite_ops, MME_SUBTASK("count"),
	  "MME count (60 questions, 30 images)" },
	{ "mme-color", NO_ALIAS, &mme_suite_ops, MME_SUBTASK("color"),
	  "MME color (60 questions, 30 images)" },
	{ "mme-posters", NO_ALIAS, &mme_suite_ops, MME_SUBTASK("posters"),
	  "MME posters (294 questions, 147 images)" },
	{ "mme-celebrity", NO_ALIAS, &mme_suite_ops, MME_SUBTASK("celebrity"),
	  "MME celebrity (340 questions, 170 images)" },
	{ "mme-scene", NO_ALIAS, &mme_suite_ops, MME_SUBTASK("scene"),
	  "MME scene (400 questions, 200 images)" },
	{ "mme-landmark", NO_ALIAS, &mme_suite_ops, MME_SUBTASK("landmark"),
	  "MME landmark (400 questions, 200 images)" },
	{ "mme-artwork", NO_ALIAS, &mme_suite_ops, MME_SUBTASK("artwork"),
	  "MME artwork (400 questions, 200 images)" },
	{ "mme-ocr", { "mme-OCR" }, &mme_suite_ops, MME_SUBTASK("OCR"),
	  "MME OCR (40 questions, 20 images)" },
	{ "mme-commonsense_reasoning", NO_ALIAS, &mme_suite_ops,
	  MME_SUBTASK("commonsense_reasoning"),
	  "MME commonsense reasoning (140 questions, 70 images)" },
	{ "mme-numerical_calculation", NO_ALIAS, &mme_suite_ops,
	  MME_SUBTASK("numerical_calculation"),
	  "MME numerical calculation (40 questions, 20 images)" },
	{ "mme-text_translation", NO_ALIAS, &mme_suite_ops, MME_SUBTASK("text_translation"),
	  "MME text translation (40 questions, 20 images)" },
	{ "mme-code_reasoning", NO_ALIAS, &mme_suite_ops, MME_SUBTASK("code_reasoning"),
	  "MME code reasoning (40 questions, 20 images)" },
	{ "mme-perception", NO_ALIAS, &mme_suite_ops, { { "group", "perception" } },
	  "MME perception: its 10 perception subtasks (2,114 questions)" },
	{ "mme-cognition", NO_ALIAS, &mme_suite_ops, { { "group", "cognition" } },
	  "MME cognition: its 4 cognition subtasks (260 questions)" },

	/* MMBench: category=LIST is the default selection -S category=/l2= replace (mmbench.h). */
	{ "mmbench-spatial", NO_ALIAS, &mmbench_suite_ops,
	  { { "category", "spatial_relationship,object_localization" } },
	  "MMBench spatial_relationship + object_localization (126 dev-EN questions)" },
	{ "mmbench", NO_ALIAS, &mmbench_suite_ops, NO_PARAMS,
	  "MMBench, every category, CircularEval (-S file=, category=, l2=, circular=)" },

	/* SEED-Bench: dimension=LIST is the default selection -S dimension= replaces (seed.h). */
	{ "seed-spatial", NO_ALIAS, &seed_suite_ops,
	  { { "dimension", "Spatial Relation,Instance Location" } },
	  "SEED-Bench Spatial Relation + Instance Location (657 + 978), by name" },
	{ "seed", NO_ALIAS, &seed_suite_ops, NO_PARAMS,
	  "SEED-Bench, every single-image dimension (-S file=, dimension=)" },
};
#define N_PRESETS (sizeof(presets) / sizeof(presets[0]))

const struct suite_preset *suite_presets(size_t *n)
{
	*n = N_PRESETS;
	return presets;
}

const struct suite_preset *suite_lookup(const char *name)
{
	for (size_t i = 0; i < N_PRESETS; i++) {
		if (!strcmp(presets[i].name, name))
			return &presets[i];
		for (size_t a = 0; a < SUITE_MAX_ALIASES && presets[i].aliases[a]; a++)
			if (!strcmp(presets[i].aliases[a], name))
				return &presets[i];
	}
	return NULL;
}

const char *suite_param(const struct suite_preset *p, const char *key)
{
	for (size_t i = 0; i < SUITE_MAX_PARAMS && p->params[i].key; i++)
		if (!strcmp(p->params[i].key, key))
			return p->params[i].value;
	return NULL;
}

const struct suite_ops *suite_find(const char *name)
{
	const struct suite_preset *p = suite_lookup(name);

	return p ? p->ops : NULL;
}

void suite_list(int verbose, const char *data_dir)
{
	for (size_t i = 0; i < N_PRESETS; i++) {
		const struct suite_preset *p = &presets[i];

		printf("%-22s %s\n", p->name, p->summary);
		if (verbose && p->ops->inspect) {
			struct suite_config cfg = { 0 };
			char err[VSR_ERR_MAX];
			cfg.data_dir = data_dir;
			printf("%-22s ", "");
			if (p->ops->inspect(p, &cfg, stdout, err))
				printf("(%s)\n", err);
		}
		for (size_t a = 0; a < SUITE_MAX_ALIASES && p->aliases[a]; a++)
			printf("%-22s alias of %s\n", p->aliases[a], p->name);
	}
}

const char *suite_suggest(const char *name)
{
	const char *names[N_PRESETS * (1 + SUITE_MAX_ALIASES)];
	size_t n = 0;

	for (size_t i = 0; i < N_PRESETS; i++) {
		names[n++] = presets[i].name;
		for (size_t a = 0; a < SUITE_MAX_ALIASES && presets[i].aliases[a]; a++)
			names[n++] = presets[i].aliases[a];
	}
	return suggest_nearest(name, names, n);
}

int suite_unknown_error(const char *name, char *err)
{
	const char *near = suite_suggest(name);

	if (near)
		return err_set(err, VSR_EUSAGE,
			       "unknown suite '%s'; did you mean '%s'? (see 'vsrbench list suites')",
			       name, near);
	return err_set(err, VSR_EUSAGE, "unknown suite '%s' (see 'vsrbench list suites')", name);
}

int suite_open(struct suite *s, const char *name, const struct suite_config *cfg, char *err)
{
	const struct suite_preset *p = suite_lookup(name);
	int r;

	memset(s, 0, sizeof(*s));
	if (!p)
		return suite_unknown_error(name, err);
	r = p->ops->open(p, cfg, &s->priv, err);
	if (r)
		return r;
	s->ops = p->ops;
	s->name = p->name;
	return 0;
}

void suite_close(struct suite *s)
{
	if (s->ops)
		s->ops->close(s->priv);
	memset(s, 0, sizeof(*s));
}
