/*
 * suite: a named source of items.  One loader per dataset format; the
 * registry (suites/registry.c) maps names to loaders.  To add a suite: write
 * suites/NAME.c with a `const struct suite_ops NAME_suite_ops` and add one
 * line to the table in registry.c.
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
};

struct suite;

struct suite_ops {
	const char *name;
	const char *summary; /* one line for `vsrbench list suites` */
	/*
	 * Validates options and data, prepares to stream.  Unknown -S keys are an
	 * error (VSR_EUSAGE); missing or bad data VSR_EDATA.  On success sets
	 * *priv; on failure leaves nothing allocated.
	 */
	int (*open)(const struct suite_config *cfg, void **priv, char *err);
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
	int (*inspect)(const struct suite_config *cfg, FILE *fp, char *err);
	/* The -t spec `run` uses when none is given (NULL: "single"). */
	const char *default_templates;
};

struct suite {
	const struct suite_ops *ops;
	void *priv;
	const char *name; /* the name the user asked for (an alias maps to ops) */
};

const struct suite_ops *suite_find(const char *name);
/* Prints the registry to stdout; verbose adds what inspect() finds in data_dir. */
void suite_list(int verbose, const char *data_dir);

int suite_open(struct suite *s, const char *name, const struct suite_config *cfg, char *err);
void suite_close(struct suite *s);

#endif
