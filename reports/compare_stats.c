/*
 * compare_stats: the paired statistics of two runs' matched tasks
 * (compare.h): per suite and over all suites both accuracies, the change
 * with a paired bootstrap interval that resamples images, the exact McNemar
 * test; per relation and meta-category the same without the interval; the
 * tasks that went from right to wrong.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/keyset.h"
#include "../metrics/clusters.h"
#include "../metrics/stats.h"
#include "compare_int.h"
#include "report.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

/* A pair of image `cluster` (hash64 of suite and image: suites have images of their own). */
static void stat_add(struct cmp_stat *s, const struct pair *p, uint64_t cluster)
{
	uint32_t *row;

	if (!s->tally)
		s->tally = xcalloc(1, sizeof(*s->tally));
	row = cluster_row(s->tally, 2, cluster);
	row[0] += p->correct[SIDE_BASE] && !p->correct[SIDE_CAND];
	row[1] += !p->correct[SIDE_BASE] && p->correct[SIDE_CAND];
	s->pairs++;
	s->base_correct += p->correct[SIDE_BASE];
	s->cand_correct += p->correct[SIDE_CAND];
	s->b += p->correct[SIDE_BASE] && !p->correct[SIDE_CAND];
	s->c += !p->correct[SIDE_BASE] && p->correct[SIDE_CAND];
}

static struct cmp_stat *group_get(struct cmp_stat **gs, size_t *n, const char *name)
{
	size_t lo = 0, hi = *n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp((*gs)[mid].name, name);
		if (!c)
			return &(*gs)[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*gs = xrealloc(*gs, (*n + 1) * sizeof(**gs));
	memmove(*gs + lo + 1, *gs + lo, (*n - lo) * sizeof(**gs));
	memset(&(*gs)[lo], 0, sizeof((*gs)[lo]));
	(*gs)[lo].name = xstrdup(name);
	(*n)++;
	return &(*gs)[lo];
}

static void stat_finish(struct cmp_stat *s)
{
	double d2 = 0;

	for (size_t i = 0; s->tally && i < s->tally->n; i++) {
		double d = (double)s->tally->c[2 * i] - (double)s->tally->c[2 * i + 1];
		d2 += d * d;
	}
	s->images = s->tally ? s->tally->n : 0;
	s->p_tasks = mcnemar_exact_p(s->b, s->c);
	s->p = mcnemar_clustered_p(s->b, s->c, d2);
	cluster_tally_free(&s->tally);
}

/* Clusters of one suite, appended to growing arrays shared by all suites. */
struct clusters {
	size_t *n;
	long *d;
	size_t len, cap;
	struct u64map index; /* hash of the cluster name -> position + 1 */
};

/* A pair of image h (stat_add's). */
static void cluster_add(struct clusters *cl, const struct pair *p, uint64_t h)
{
	uint64_t at;

	if (!u64map_get(&cl->index, h, &at)) {
		if (cl->len == cl->cap) {
			cl->cap = cl->cap ? cl->cap * 2 : 256;
			cl->n = xrealloc(cl->n, cl->cap * sizeof(*cl->n));
			cl->d = xrealloc(cl->d, cl->cap * sizeof(*cl->d));
		}
		cl->n[cl->len] = 0;
		cl->d[cl->len] = 0;
		at = ++cl->len;
		u64map_put(&cl->index, h, at);
	}
	cl->n[at - 1]++;
	cl->d[at - 1] += (long)p->correct[SIDE_CAND] - (long)p->correct[SIDE_BASE];
}

static void stat_interval(struct cmp_stat *s, const struct clusters *cl, size_t from,
			  size_t reps, uint64_t seed)
{
	if (!s->pairs)
		return;
	s->has_ci = !paired_bootstrap(cl->n + from, cl->d + from, cl->len - from, reps, seed,
				      COMPARE_LEVEL, &s->ci_low, &s->ci_high);
}

static void flip_add(struct comparison *c, const struct pair *p)
{
	struct cmp_flip *f;

	/* Pairs arrive sorted, so an item's flips are consecutive. */
	if (!c->total_flips++ || strcmp(c->last_flip_suite, p->suite) ||
	    strcmp(c->last_flip_item, p->item)) {
		c->flip_items++;
		free(c->last_flip_suite);
		free(c->last_flip_item);
		c->last_flip_suite = xstrdup(p->suite);
		c->last_flip_item = xstrdup(p->item);
	}
	if (c->n_flips == COMPARE_FLIPS_MAX)
		return;
	if (!c->flips)
		c->flips = xcalloc(COMPARE_FLIPS_MAX, sizeof(*c->flips));
	f = &c->flips[c->n_flips++];
	f->suite = xstrdup(p->suite);
	f->item = xstrdup(p->item);
	f->tmpl = xstrdup(p->tmpl);
	f->variant = xstrdup(p->variant);
	f->prompt = xstrdup(p->prompt);
	f->label = p->label[SIDE_CAND];
	f->base_answer = p->ans[SIDE_BASE];
	f->cand_answer = p->ans[SIDE_CAND];
}

/* What the gate checks of each run: its tasks of every variant, those that only failed. */
static void run_count(struct cmp_run *r, const struct pair *p, int side)
{
	int base = !strcmp(p->variant, "base");

	if (p->state[side] == ST_ABSENT)
		return;
	r->tasks++;
	if (p->state[side] == ST_FAILED) {
		r->failed++;
		r->done_failed += base;
	} else {
		r->done += base;
	}
}

void comparison_fill(struct comparison *c, struct pair_table *t)
{
	struct clusters cl = { 0 };
	size_t suite_from = 0;
	struct cmp_suite *cur = NULL;

	c->all.name = xstrdup("all suites");
	/* Sorted, so that suites are contiguous and the clusters' order (hence the
	 * bootstrap) does not depend on the order tasks finished in. */
	pair_table_sort(t);
	for (size_t i = 0; i < t->n; i++) {
		const struct pair *p = &t->p[i];
		uint64_t h;
		run_count(&c->base_run, p, SIDE_BASE);
		run_count(&c->cand_run, p, SIDE_CAND);
		if (!cur || strcmp(cur->all.name, p->suite)) {
			if (cur)
				stat_interval(&cur->all, &cl, suite_from, c->reps, c->seed);
			c->suites = xrealloc(c->suites, (c->n_suites + 1) * sizeof(*c->suites));
			cur = &c->suites[c->n_suites++];
			memset(cur, 0, sizeof(*cur));
			cur->all.name = xstrdup(p->suite);
			/* Images of different suites are different clusters. */
			u64map_release(&cl.index);
			memset(&cl.index, 0, sizeof(cl.index));
			suite_from = cl.len;
		}
		/* The headline is the base variant: perturbations are beside it. */
		if (strcmp(p->variant, "base")) {
			c->variant_tasks++;
			continue;
		}
		if (p->state[SIDE_CAND] == ST_ABSENT) {
			cur->base_only++;
			continue;
		}
		if (p->state[SIDE_BASE] == ST_ABSENT) {
			cur->cand_only++;
			continue;
		}
		if (p->state[SIDE_BASE] == ST_FAILED || p->state[SIDE_CAND] == ST_FAILED) {
			cur->dropped_failed++;
			continue;
		}
		if (p->label[SIDE_BASE] != p->label[SIDE_CAND]) {
			cur->dropped_label++;
			continue;
		}
		h = hash64_str(p->cluster, hash64_str(p->suite, HASH_SEED));
		stat_add(&cur->all, p, h);
		stat_add(&c->all, p, h);
		stat_add(group_get(&cur->cat, &cur->n_cat, p->category), p, h);
		if (p->relation)
			stat_add(group_get(&cur->rel, &cur->n_rel, p->relation), p, h);
		cluster_add(&cl, p, h);
		if (p->correct[SIDE_BASE] && !p->correct[SIDE_CAND])
			flip_add(c, p);
	}
	if (cur)
		stat_interval(&cur->all, &cl, suite_from, c->reps, c->seed);
	if (c->n_suites == 1) { /* the same clusters: the same resamples */
		c->all.has_ci = c->suites[0].all.has_ci;
		c->all.ci_low = c->suites[0].all.ci_low;
		c->all.ci_high = c->suites[0].all.ci_high;
	} else {
		stat_interval(&c->all, &cl, 0, c->reps, c->seed);
	}
	stat_finish(&c->all);
	for (size_t i = 0; i < c->n_suites; i++) {
		struct cmp_suite *s = &c->suites[i];
		stat_finish(&s->all);
		for (size_t k = 0; k < s->n_rel; k++)
			stat_finish(&s->rel[k]);
		for (size_t k = 0; k < s->n_cat; k++)
			stat_finish(&s->cat[k]);
		c->base_only += s->base_only;
		c->cand_only += s->cand_only;
		c->dropped_failed += s->dropped_failed;
		c->dropped_label += s->dropped_label;
	}
	u64map_release(&cl.index);
	free(cl.n);
	free(cl.d);
}

static void stat_release(struct cmp_stat *s)
{
	free(s->name);
	cluster_tally_free(&s->tally);
}

void comparison_release(struct comparison *c)
{
	for (size_t i = 0; i < c->n_suites; i++) {
		struct cmp_suite *s = &c->suites[i];
		stat_release(&s->all);
		for (size_t k = 0; k < s->n_rel; k++)
			stat_release(&s->rel[k]);
		for (size_t k = 0; k < s->n_cat; k++)
			stat_release(&s->cat[k]);
		free(s->rel);
		free(s->cat);
	}
	for (size_t i = 0; i < c->n_flips; i++) {
		free(c->flips[i].suite);
		free(c->flips[i].item);
		free(c->flips[i].tmpl);
		free(c->flips[i].variant);
		free(c->flips[i].prompt);
	}
	free(c->flips);
	free(c->last_flip_suite);
	free(c->last_flip_item);
	free(c->suites);
	stat_release(&c->all);
	free(c->base_dir);
	free(c->cand_dir);
	free(c->base_model);
	free(c->cand_model);
	free(c->base_label);
	free(c->templates_note);
	free(c->cand_label);
	buf_release(&c->warnings);
	memset(c, 0, sizeof(*c));
}

double cmp_stat_change(const struct cmp_stat *s)
{
	return ratio(s->cand_correct, s->pairs) - ratio(s->base_correct, s->pairs);
}
