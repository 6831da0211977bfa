/*
 * run_plan: how many tasks a run asks in all, for the progress line's total
 * and its ETA.  Each suite's items (its count after -n) times the tasks its
 * first item makes with every perturbation (expand_count), then, as the
 * items are read, the tasks they made plus the rest at their average: the
 * variants differ by item (no mirrored variant for an MME question that
 * speaks of left or right, no converse for some relations, a rotation per
 * option), so the plan is exact once every item is read.
 */
#ifndef VSR_RUN_PLAN_H
#define VSR_RUN_PLAN_H

#include <stddef.h>

#include "run_opts.h"

struct run_plan {
	size_t n, shard_n;
	struct {
		long items;      /* the suite's items after -n; < 0: not known before reading */
		size_t per_item; /* the tasks of its first item */
		size_t seen;     /* items read, in every shard */
		size_t mine;     /* of them, this shard's */
		size_t tasks;    /* the tasks those made, done before or not */
	} s[MAX_LIST];
};

/* Suite i (in order, from 0): items < 0 when its count is not known. */
void run_plan_suite(struct run_plan *p, size_t i, long items, size_t per_item);
/* Suite i read an item: this shard's (mine) with its tasks, or another shard's. */
void run_plan_item(struct run_plan *p, size_t i, int mine, size_t tasks);
/* The tasks the run (this shard) asks in all, as far as known now. */
size_t run_plan_total(const struct run_plan *p);

#endif
