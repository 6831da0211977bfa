/*
 * The VSR relation taxonomy: 70 relation names in 7 meta-categories, as the
 * VSR authors' rel_meta_category_dict.txt defines them.  Two quirks are kept
 * on purpose: "among" is listed under Topological and Unallocated, and the
 * authors' own script lets the later line win (Unallocated); "congruent"
 * occurs in the data but in no category (relation_category returns NULL).
 */
#include "taxonomy.h"

#include <string.h>
#include "../base/banned.h" /* last: see banned.h */

static const struct relation_info relations[] = {
	{ "adjacent to", "Adjacency" },
	{ "alongside", "Adjacency" },
	{ "at the side of", "Adjacency" },
	{ "at the right side of", "Adjacency" },
	{ "at the left side of", "Adjacency" },
	{ "attached to", "Adjacency" },
	{ "at the back of", "Adjacency" },
	{ "ahead of", "Adjacency" },
	{ "against", "Adjacency" },
	{ "at the edge of", "Adjacency" },
	{ "off", "Directional" },
	{ "past", "Directional" },
	{ "toward", "Directional" },
	{ "down", "Directional" },
	{ "deep down", "Directional" },
	{ "up", "Directional" },
	{ "away from", "Directional" },
	{ "along", "Directional" },
	{ "around", "Directional" },
	{ "from", "Directional" },
	{ "into", "Directional" },
	{ "to", "Directional" },
	{ "across", "Directional" },
	{ "across from", "Directional" },
	{ "through", "Directional" },
	{ "down from", "Directional" },
	{ "facing", "Orientation" },
	{ "facing away from", "Orientation" },
	{ "parallel to", "Orientation" },
	{ "perpendicular to", "Orientation" },
	{ "on top of", "Projective" },
	{ "beneath", "Projective" },
	{ "beside", "Projective" },
	{ "behind", "Projective" },
	{ "left of", "Projective" },
	{ "right of", "Projective" },
	{ "under", "Projective" },
	{ "in front of", "Projective" },
	{ "below", "Projective" },
	{ "above", "Projective" },
	{ "over", "Projective" },
	{ "in the middle of", "Projective" },
	{ "by", "Proximity" },
	{ "close to", "Proximity" },
	{ "near", "Proximity" },
	{ "far from", "Proximity" },
	{ "far away from", "Proximity" },
	{ "connected to", "Topological" },
	{ "detached from", "Topological" },
	{ "has as a part", "Topological" },
	{ "part of", "Topological" },
	{ "contains", "Topological" },
	{ "within", "Topological" },
	{ "at", "Topological" },
	{ "on", "Topological" },
	{ "in", "Topological" },
	{ "with", "Topological" },
	{ "surrounding", "Topological" },
	{ "among", "Unallocated" },
	{ "consists of", "Topological" },
	{ "out of", "Topological" },
	{ "between", "Topological" },
	{ "inside", "Topological" },
	{ "outside", "Topological" },
	{ "touching", "Topological" },
	{ "beyond", "Unallocated" },
	{ "next to", "Unallocated" },
	{ "opposite to", "Unallocated" },
	{ "after", "Unallocated" },
	{ "enclosed by", "Unallocated" },
};

const char *const relation_categories[] = {
	"Adjacency", "Directional", "Orientation", "Projective",
	"Proximity", "Topological", "Unallocated",
};
const size_t n_relation_categories = sizeof(relation_categories) / sizeof(relation_categories[0]);

const struct relation_info *relation_table(size_t *n)
{
	*n = sizeof(relations) / sizeof(relations[0]);
	return relations;
}

const char *relation_category(const char *relation)
{
	size_t n = sizeof(relations) / sizeof(relations[0]);

	if (!relation)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(relations[i].name, relation))
			return relations[i].category;
	return NULL;
}

int relation_known(const char *relation)
{
	size_t n;
	const struct relation_info *t = relation_table(&n);

	if (!strcmp(relation, "congruent"))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, relation))
			return 1;
	return 0;
}
