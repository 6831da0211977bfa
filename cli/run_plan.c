/* run_plan: the tasks a run asks in all (run_plan.h). */
#include "run_plan.h"

#include "../base/banned.h"

void run_plan_suite(struct run_plan *p, size_t i, long items, size_t per_item)
{
	p->s[i].items = items;
	p->s[i].per_item = per_item;
	p->s[i].seen = p->s[i].mine = p->s[i].tasks = 0;
	if (p->n <= i)
		p->n = i + 1;
}

void run_plan_item(struct run_plan *p, size_t i, int mine, size_t tasks)
{
	p->s[i].seen++;
	if (mine) {
		p->s[i].mine++;
		p->s[i].tasks += tasks;
	}
}

size_t run_plan_total(const struct run_plan *p)
{
	size_t total = 0, shards = p->shard_n ? p->shard_n : 1;

	for (size_t i = 0; i < p->n; i++) {
		double left, avg;

		total += p->s[i].tasks;
		if (p->s[i].items < 0 || (size_t)p->s[i].items <= p->s[i].seen)
			continue;
		/* The items not read yet, this shard's share of them. */
		left = (double)((size_t)p->s[i].items - p->s[i].seen) / (double)shards;
		avg = p->s[i].mine ? (double)p->s[i].tasks / (double)p->s[i].mine
				   : (double)p->s[i].per_item;
		total += (size_t)(left * avg + 0.5);
	}
	return total;
}
