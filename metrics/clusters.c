/* clusters: counts per image (clusters.h). */
#include "clusters.h"

#include <stdlib.h>
#include <string.h>

#include "../harness/journal.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

uint64_t task_cluster(const struct sample *s)
{
	if (s->image)
		return hash64_str(s->image, 0x696d616765ULL);
	return hash64_str(s->item, hash64_str(s->suite, 0x6974656dULL));
}

uint32_t *cluster_row(struct cluster_tally *t, size_t width, uint64_t id)
{
	uint64_t at;
	uint32_t *row;

	if (!t->width)
		t->width = width;
	if (u64map_get(&t->at, id, &at))
		return t->c + (at - 1) * t->width;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->c = xrealloc(t->c, t->cap * t->width * sizeof(*t->c));
	}
	row = t->c + t->n * t->width;
	memset(row, 0, t->width * sizeof(*row));
	u64map_put(&t->at, id, ++t->n);
	return row;
}

void cluster_sums(const struct cluster_tally *t, size_t num, size_t den, struct clustered *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < t->n; i++) {
		const uint32_t *row = t->c + i * t->width;
		if (row[den])
			clustered_add(out, row[num], row[den]);
	}
}

void cluster_tally_release(struct cluster_tally *t)
{
	u64map_release(&t->at);
	free(t->c);
	memset(t, 0, sizeof(*t));
}

void cluster_tally_free(struct cluster_tally **t)
{
	if (*t) {
		cluster_tally_release(*t);
		free(*t);
		*t = NULL;
	}
}
