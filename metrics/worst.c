/* worst: the items answered wrongly most often (see worst.h). */
#include "worst.h"

#include <stdlib.h>
#include <string.h>

#include "../harness/journal.h"
#include "../base/keyset.h"
#include "../base/util.h"

/* Pass 1 keeps no names: 16 bytes per item. */
struct item_count {
	uint64_t h; /* item_hash(suite, item) */
	uint32_t wrong, total;
};

struct worst_collector {
	struct u64map index; /* hash(suite, item) -> position in counts + 1 */
	struct item_count *counts;
	size_t n, cap;
	/* pass 2 */
	struct worst_item *w;
	size_t n_w;
	struct u64map chosen; /* hash(suite, item) -> position in w + 1 */
	struct keyset seen;   /* the chosen items' tasks already kept */
};

static uint64_t item_hash(const char *suite, const char *item)
{
	return hash64_str(item, hash64_str(suite, HASH_SEED) ^ 0x5f);
}

struct worst_collector *worst_collector_new(void)
{
	return xcalloc(1, sizeof(struct worst_collector));
}

void worst_count(struct worst_collector *c, const struct sample *s)
{
	uint64_t h, at;
	struct item_count *ic;

	/* A 64-bit collision between two items would merge them in this table
	 * only; it is not worth a string comparison. */
	h = item_hash(s->suite, s->item);
	if (!u64map_get(&c->index, h, &at)) {
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 256;
			c->counts = xrealloc(c->counts, c->cap * sizeof(*c->counts));
		}
		c->counts[c->n].h = h;
		c->counts[c->n].wrong = c->counts[c->n].total = 0;
		at = ++c->n;
		u64map_put(&c->index, h, at);
	}
	ic = &c->counts[at - 1];
	ic->total++;
	ic->wrong += !s->correct;
}

static double share(uint32_t k, uint32_t n)
{
	return n ? (double)k / (double)n : 0.0;
}

/* Most wrong first, then the larger share wrong; among equals, by hash (no names yet). */
static int count_cmp(const void *pa, const void *pb)
{
	const struct item_count *a = pa, *b = pb;
	double x = share(a->wrong, a->total), y = share(b->wrong, b->total);

	if (a->wrong != b->wrong)
		return a->wrong > b->wrong ? -1 : 1;
	if (x != y)
		return x > y ? -1 : 1;
	return a->h < b->h ? -1 : a->h > b->h;
}

int worst_choose(struct worst_collector *c)
{
	if (c->n)
		qsort(c->counts, c->n, sizeof(*c->counts), count_cmp);
	for (size_t i = 0; i < c->n && c->n_w < WORST_ITEMS && c->counts[i].wrong; i++)
		c->n_w++;
	if (!c->n_w)
		return 0;
	c->w = xcalloc(c->n_w, sizeof(*c->w));
	for (size_t i = 0; i < c->n_w; i++) {
		c->w[i].wrong = c->counts[i].wrong;
		c->w[i].total = c->counts[i].total;
		u64map_put(&c->chosen, c->counts[i].h, i + 1);
	}
	return 1;
}

void worst_detail(struct worst_collector *c, const struct sample *s)
{
	uint64_t at;
	struct worst_item *w;
	struct worst_answer *a;

	if (s->error || !c->n_w || !u64map_get(&c->chosen, item_hash(s->suite, s->item), &at) ||
	    !keyset_add(&c->seen, s->key))
		return;
	w = &c->w[at - 1];
	if (!w->prompt) {
		w->suite = xstrdup(s->suite);
		w->item = xstrdup(s->item);
		w->prompt = xstrdup(s->prompt ? s->prompt : "");
		w->image = s->image ? xstrdup(s->image) : NULL;
		w->relation = s->relation ? xstrdup(s->relation) : NULL;
		w->label = s->label;
	}
	w->answers = xrealloc(w->answers, (w->n_answers + 1) * sizeof(*w->answers));
	a = &w->answers[w->n_answers++];
	a->tmpl = xstrdup(s->tmpl);
	a->variant = xstrdup(s->variant);
	a->response = xstrdup(s->response ? s->response : "");
	a->answer = s->answer;
	a->correct = s->correct;
}

/* The table's order: as count_cmp, with the names breaking ties. */
static int item_cmp(const void *pa, const void *pb)
{
	const struct worst_item *a = pa, *b = pb;
	double x = share(a->wrong, a->total), y = share(b->wrong, b->total);
	int r;

	if (a->wrong != b->wrong)
		return a->wrong > b->wrong ? -1 : 1;
	if (x != y)
		return x > y ? -1 : 1;
	if ((r = strcmp(a->suite ? a->suite : "", b->suite ? b->suite : "")))
		return r;
	return strcmp(a->item ? a->item : "", b->item ? b->item : "");
}

/* Wrong answers first, then by variant and template. */
static int answer_cmp(const void *pa, const void *pb)
{
	const struct worst_answer *a = pa, *b = pb;
	int r;

	if (a->correct != b->correct)
		return a->correct ? 1 : -1;
	if ((r = strcmp(a->variant, b->variant)))
		return r;
	return strcmp(a->tmpl, b->tmpl);
}

static void collector_release(struct worst_collector *c)
{
	u64map_release(&c->index);
	u64map_release(&c->chosen);
	keyset_release(&c->seen);
	free(c->counts);
	free(c);
}

struct worst_items *worst_finish(struct worst_collector *c)
{
	struct worst_items *w = xcalloc(1, sizeof(*w));

	w->items = c->w;
	w->n = c->n_w;
	w->items_answered = c->n;
	c->w = NULL;
	if (w->n)
		qsort(w->items, w->n, sizeof(*w->items), item_cmp);
	for (size_t i = 0; i < w->n; i++)
		if (w->items[i].n_answers)
			qsort(w->items[i].answers, w->items[i].n_answers,
			      sizeof(*w->items[i].answers), answer_cmp);
	collector_release(c);
	return w;
}

static void items_release(struct worst_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct worst_item *it = &items[i];
		for (size_t k = 0; k < it->n_answers; k++) {
			free(it->answers[k].tmpl);
			free(it->answers[k].variant);
			free(it->answers[k].response);
		}
		free(it->answers);
		free(it->suite);
		free(it->item);
		free(it->prompt);
		free(it->image);
		free(it->relation);
	}
	free(items);
}

void worst_collector_free(struct worst_collector *c)
{
	if (!c)
		return;
	items_release(c->w, c->n_w);
	collector_release(c);
}

void worst_items_free(struct worst_items *w)
{
	if (!w)
		return;
	items_release(w->items, w->n);
	free(w);
}
