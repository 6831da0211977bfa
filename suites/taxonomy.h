/* The VSR relation -> meta-category taxonomy (static data, no allocation). */
#ifndef VSR_TAXONOMY_H
#define VSR_TAXONOMY_H

#include <stddef.h>

struct relation_info {
	const char *name;     /* e.g. "left of" */
	const char *category; /* e.g. "Projective" */
};

extern const char *const relation_categories[];
extern const size_t n_relation_categories;

/* The meta-category of a relation, or NULL when it has none. Borrowed. */
const char *relation_category(const char *relation);
const struct relation_info *relation_table(size_t *n);
/* Non-zero for a relation VSR has: one of the table's, or "congruent" (in the data, in no category). */
int relation_known(const char *relation);

#endif
