/*
 * compare_pair: the tasks of two runs matched on (suite, item, template,
 * variant) in one open-addressing table (compare_int.h).  Task keys include
 * the model fingerprint, so two models never share one: the names match.
 */
#include <stdlib.h>
#include <string.h>

#include "../harness/journal.h"
#include "../base/util.h"
#include "compare_int.h"

static uint64_t pair_hash(const char *suite, const char *item, const char *tmpl,
			  const char *variant)
{
	uint64_t h = hash64_str(suite, HASH_SEED);

	h = hash64_str(item, h ^ 0x1f);
	h = hash64_str(tmpl, h ^ 0x2f);
	return hash64_str(variant, h ^ 0x3f);
}

static int pair_is(const struct pair *p, const struct sample *s)
{
	return !strcmp(p->suite, s->suite) && !strcmp(p->item, s->item) &&
	       !strcmp(p->tmpl, s->tmpl) && !strcmp(p->variant, s->variant);
}

static void table_grow(struct pair_table *t)
{
	size_t ns = t->n_slots ? t->n_slots * 2 : 1024;
	size_t *slots = xcalloc(ns, sizeof(*slots));

	for (size_t i = 0; i < t->n; i++) {
		size_t j = (size_t)t->p[i].h & (ns - 1);
		while (slots[j])
			j = (j + 1) & (ns - 1);
		slots[j] = i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->n_slots = ns;
}

/* The pool's copy of str (made on first sight): the pairs' repeated strings once each. */
static const char *pool_str(struct pair_table *t, const char *str)
{
	size_t j;

	if ((t->n_pool + 1) * 4 > t->pool_slots * 3) {
		size_t ns = t->pool_slots ? t->pool_slots * 2 : 256;
		char **slots = xcalloc(ns, sizeof(*slots));
		for (size_t i = 0; i < t->pool_slots; i++) {
			if (!t->pool[i])
				continue;
			j = (size_t)hash64_str(t->pool[i], HASH_SEED) & (ns - 1);
			while (slots[j])
				j = (j + 1) & (ns - 1);
			slots[j] = t->pool[i];
		}
		free(t->pool);
		t->pool = slots;
		t->pool_slots = ns;
	}
	for (j = (size_t)hash64_str(str, HASH_SEED) & (t->pool_slots - 1); t->pool[j];
	     j = (j + 1) & (t->pool_slots - 1))
		if (!strcmp(t->pool[j], str))
			return t->pool[j];
	t->n_pool++;
	return t->pool[j] = xstrdup(str);
}

static struct pair *table_get(struct pair_table *t, const struct sample *s)
{
	uint64_t h = pair_hash(s->suite, s->item, s->tmpl, s->variant);
	size_t j, ls, li, lt, lv;
	struct pair *p;

	if ((t->n + 1) * 4 > t->n_slots * 3)
		table_grow(t);
	for (j = (size_t)h & (t->n_slots - 1); t->slots[j]; j = (j + 1) & (t->n_slots - 1)) {
		p = &t->p[t->slots[j] - 1];
		if (p->h == h && pair_is(p, s))
			return p;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->p = xrealloc(t->p, t->cap * sizeof(*t->p));
	}
	p = &t->p[t->n];
	t->slots[j] = ++t->n;
	memset(p, 0, sizeof(*p));
	p->h = h;
	ls = strlen(s->suite) + 1;
	li = strlen(s->item) + 1;
	lt = strlen(s->tmpl) + 1;
	lv = strlen(s->variant) + 1;
	p->key = xmalloc(ls + li + lt + lv);
	memcpy(p->key, s->suite, ls);
	memcpy(p->key + ls, s->item, li);
	memcpy(p->key + ls + li, s->tmpl, lt);
	memcpy(p->key + ls + li + lt, s->variant, lv);
	p->suite = p->key;
	p->item = p->key + ls;
	p->tmpl = p->key + ls + li;
	p->variant = p->key + ls + li + lt;
	p->relation = s->relation ? pool_str(t, s->relation) : NULL;
	p->category = pool_str(t, s->category ? s->category : "(none)");
	/* The bootstrap's cluster: the image, or the item when it has no file. */
	p->cluster = pool_str(t, s->image ? s->image : s->item);
	p->prompt = pool_str(t, s->prompt ? s->prompt : "");
	return p;
}

void pair_table_add(struct pair_table *t, const struct sample *s, int side)
{
	struct pair *p = table_get(t, s);

	if (p->state[side] == ST_ANSWERED)
		return; /* the first answer counts */
	if (s->error) {
		p->state[side] = ST_FAILED;
		return;
	}
	p->state[side] = ST_ANSWERED;
	p->label[side] = s->label;
	p->ans[side] = s->answer;
	p->correct[side] = s->correct != 0;
}

void pair_table_release(struct pair_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->p[i].key);
	for (size_t i = 0; i < t->pool_slots; i++)
		free(t->pool[i]);
	free(t->pool);
	free(t->p);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static int pair_cmp(const void *pa, const void *pb)
{
	const struct pair *a = pa, *b = pb;
	int r;

	if ((r = strcmp(a->suite, b->suite)) || (r = strcmp(a->item, b->item)) ||
	    (r = strcmp(a->tmpl, b->tmpl)))
		return r;
	return strcmp(a->variant, b->variant);
}

void pair_table_sort(struct pair_table *t)
{
	if (t->n)
		qsort(t->p, t->n, sizeof(*t->p), pair_cmp);
}
