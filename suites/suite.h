/*
 * suite: a named source of items.
 *
 * Two parts.  A loader (struct suite_ops) reads one dataset format:
 * suites/vsr.c, mme.c, mmbench.c, seed.c, synth.c, one ops each.  A preset
 * (struct suite_preset) is a suite the user can name: a public name and its
 * aliases, the loader, the loader's fixed parameters and a summary line.
 * mme-position and mme-perception are two presets of one loader, MME's.
 * The registry (suites/registry.c) is the table of presets; suite_lookup()
 * is the one way from a name to a suite.
 *
 * To add a suite of an existing format: one line in registry.c.  To add a
 * format: write suites/NAME.c with a `const struct suite_ops NAME_suite_ops`,
 * document its parameters in NAME.h, and add its presets to registry.c.
 *
 * A suite streams: next() yields one item at a time, so memory does not grow
 * with the suite's size.  load_image() must be callable from several worker
 * threads at once for different items.
 */
#ifndef VSR_SUITE_H
#define VSR_SUITE_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "../base/kv.h"
#include "item.h"

struct suite_config {
	const char *data_dir;          /* borrowed, may be NULL */
	const char *const *image_dirs; /* borrowed, n_image_dirs entries */
	size_t n_image_dirs;
	uint64_t seed;
	const struct kv *opts; /* -S options, in command-line order */
	size_t n_opts;
	int skip_missing_images; /* --skip-missing-images: run the items that have one */
	int allow_unknown_relations; /* --allow-unknown-relations: run (and count) them */
	/*
	 * -p hflip: the run mirrors the images, so each must be of a type the
	 * mirroring takes (harness/imgvar.c: JPEG, PNG, uncompressed BMP); the
	 * suite refuses the others before any request (suites/imgcheck.h).
	 */
	int mirror_images;
	/*
	 * -n N: the run takes the suite's first N items only (0: all), so a
	 * loader need not look for the images of the items after them: a user
	 * with the images of those N alone can run them.
	 */
	long only_first;
};

struct suite_preset;

struct suite_ops {
	/*
	 * The loader's name, which is the name of the dataset it reads in
	 * manifest.c ("vsr", "mme", "mmbench", "seed"; "synth" downloads nothing).
	 */
	const char *name;
	/*
	 * Opens the suite `p` names (p->ops is these ops): validates options
	 * and data, prepares to stream.  The loader reads its variant from
	 * p->params and names the suite p->name (in items, messages and the
	 * digest).  Unknown -S keys are an error (VSR_EUSAGE); missing or bad
	 * data VSR_EDATA.  On success sets *priv; on failure leaves nothing
	 * allocated.  `p` is static: the loader may keep pointers into it.
	 */
	int (*open)(const struct suite_preset *p, const struct suite_config *cfg, void **priv,
		    char *err);
	/* Number of items next() will yield, or -1 when unknown before reading. */
	long (*count)(void *priv);
	/* 1: an item was filled; 0: end; otherwise an error code with err set. */
	int (*next)(void *priv, struct item *it, char *err);
	/*
	 * Fills img with the item's image bytes.  Thread-safe.  The caller
	 * zeroes img first and may set img->want_b64 (see struct image).
	 */
	int (*load_image)(void *priv, const struct item *it, struct image *img, char *err);
	/* A stable digest of everything that defines the suite's content. */
	uint64_t (*digest)(void *priv);
	void (*close)(void *priv);
	/*
	 * Optional: facts about the loaded data for run.json (items, items
	 * skipped for a missing image, captions that could not be split ...).
	 * `obj` is a cJSON object.
	 */
	void (*describe)(void *priv, void *obj);
	/*
	 * Optional: reads the data without needing images and prints a line of
	 * facts for `vsrbench list suites --verbose` (items, unsplit captions).
	 */
	int (*inspect)(const struct suite_preset *p, const struct suite_config *cfg, FILE *fp,
		       char *err);
	/* The -t spec `run` uses when none is given (NULL: "single"). */
	const char *default_templates;
};

#define SUITE_MAX_ALIASES 2
#define SUITE_MAX_PARAMS 2

/*
 * A suite by name.  Names are stable: reports, journals and CI configs
 * refer to them.  The parameters are the loader's, not the user's: -S
 * options come separately in suite_config.opts, and each loader's header
 * says what its parameters mean and how -S options combine with them (for
 * mmbench-spatial, category= is the default selection that -S category=
 * replaces; for mme-position, subtask= is fixed).
 */
struct suite_preset {
	const char *name;                       /* public name: "mme-position" */
	const char *aliases[SUITE_MAX_ALIASES]; /* other names, NULL after the last */
	const struct suite_ops *ops;            /* its loader */
	struct kv params[SUITE_MAX_PARAMS];     /* fixed parameters, { NULL } after the last */
	const char *summary;                    /* one line for `vsrbench list suites` */
};

struct suite {
	const struct suite_ops *ops;
	void *priv;
	const char *name; /* the preset's public name (also when opened by an alias) */
};

/*
 * The registry's lookup: the preset a public name or an alias stands for
 * ("vsr-unified" gives the vsr-zeroshot-test preset), or NULL.  Names are
 * case-sensitive.  The result is static.  Every caller that needs to know
 * whether a name is a suite, or what it is, asks here.
 */
const struct suite_preset *suite_lookup(const char *name);
/* The name or alias nearest to a mistyped `name` ("synt" gives "synth"), or NULL. */
const char *suite_suggest(const char *name);
/*
 * The error for a name suite_lookup does not know: "unknown suite 'synt';
 * did you mean 'synth'? (see 'vsrbench list suites')".  Returns VSR_EUSAGE.
 */
int suite_unknown_error(const char *name, char *err);
/* The presets in registry order (the order `list suites` prints); sets *n. */
const struct suite_preset *suite_presets(size_t *n);
/* The value of the fixed parameter `key` of a preset, or NULL when it has none. */
const char *suite_param(const struct suite_preset *p, const char *key);
/* The loader of a name: suite_lookup(name)->ops, or NULL when unknown. */
const struct suite_ops *suite_find(const char *name);
/* Prints the registry to stdout; verbose adds what inspect() finds in data_dir. */
void suite_list(int verbose, const char *data_dir);

/*
 * Opens the suite a name (or alias) stands for.  VSR_EUSAGE
 * (suite_unknown_error) when there is none; otherwise what the loader's open() returns.
 */
int suite_open(struct suite *s, const char *name, const struct suite_config *cfg, char *err);
void suite_close(struct suite *s);

#endif
