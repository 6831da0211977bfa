/*
 * worst: the items answered wrongly most often (report.html's table), from
 * the journal like every other metric.
 *
 * An item's count is over its answered tasks (each task's first answer, as
 * metrics.h counts them): how many were wrong, of how many.  The items with
 * the most wrong tasks win, then the larger share wrong; only items with a
 * wrong task are kept, at most WORST_ITEMS.  For those, every answered task
 * is kept with the model's words.
 *
 * The first pass keeps no names (16 bytes per item, so a run of a million
 * items stays small); the chosen items' details come from the second pass
 * over the journal (the one the sensitivity makes anyway when it needs it).
 * metrics_from_journal_opts drives the collector below when
 * metrics_opts.worst_items is set; the result is metrics.worst.
 */
#ifndef VSR_WORST_H
#define VSR_WORST_H

#include <stddef.h>
#include <stdint.h>

#include "../suites/item.h"

struct sample;

#define WORST_ITEMS 25

/* One answered task of a chosen item. */
struct worst_answer {
	char *tmpl, *variant, *response; /* response: "" when the line had none */
	answer_t answer;
	int correct;
};

struct worst_item {
	char *suite, *item, *prompt; /* prompt: of the first task seen; "" when none */
	char *image, *relation;      /* may be NULL */
	answer_t label;
	uint32_t wrong, total; /* answered tasks wrong, of all answered */
	struct worst_answer *answers; /* wrong first, then by variant, then template */
	size_t n_answers;
};

struct worst_items {
	struct worst_item *items; /* most wrong first, then larger share, then suite and item */
	size_t n;
	size_t items_answered; /* distinct items with an answered task */
};

/* Frees everything (NULL is fine). */
void worst_items_free(struct worst_items *w);

/* ---- the collector (metrics.c drives it) ------------------------------- */

struct worst_collector;
struct worst_collector *worst_collector_new(void);
/* Pass 1: one answered task, the first answer of its key. */
void worst_count(struct worst_collector *c, const struct sample *s);
/* Between the passes: chooses the items.  1 when pass 2 is needed. */
int worst_choose(struct worst_collector *c);
/* Pass 2: every journal line. */
void worst_detail(struct worst_collector *c, const struct sample *s);
/* Frees the collector and returns the result (caller frees with worst_items_free). */
struct worst_items *worst_finish(struct worst_collector *c);
/* Frees the collector without a result (a failed read). */
void worst_collector_free(struct worst_collector *c);

#endif
