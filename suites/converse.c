#include "converse.h"

#include <ctype.h>
#include <string.h>
#include "../base/banned.h" /* last: see banned.h */

/*
 * Pairs whose converse is unambiguous in English.  Relations such as "on",
 * "on top of" or "at" imply contact or support that a converse would lose,
 * so they have none.
 */
static const struct converse_rule rules[] = {
	{ "left of", "right of", "is" },
	{ "right of", "left of", "is" },
	{ "at the left side of", "at the right side of", "is" },
	{ "at the right side of", "at the left side of", "is" },
	{ "above", "below", "is" },
	{ "below", "above", "is" },
	{ "over", "under", "is" },
	{ "under", "over", "is" },
	{ "in front of", "behind", "is" },
	{ "behind", "in front of", "is" },
	{ "ahead of", "behind", "is" },
	{ "inside", "contains", "" },
	{ "within", "contains", "" },
	{ "contains", "inside", "is" },
	{ "has as a part", "part of", "is" },
	{ "part of", "has as a part", "" },
	/* symmetric */
	{ "near", "near", "is" },
	{ "close to", "close to", "is" },
	{ "far from", "far from", "is" },
	{ "far away from", "far away from", "is" },
	{ "touching", "touching", "is" },
	{ "next to", "next to", "is" },
	{ "beside", "beside", "is" },
	{ "adjacent to", "adjacent to", "is" },
	{ "alongside", "alongside", "is" },
	{ "connected to", "connected to", "is" },
	{ "detached from", "detached from", "is" },
	{ "parallel to", "parallel to", "is" },
	{ "perpendicular to", "perpendicular to", "is" },
	{ "across from", "across from", "is" },
	{ "opposite to", "opposite to", "is" },
};

const struct converse_rule *converse_find(const char *relation)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].relation, relation))
			return &rules[i];
	return NULL;
}

const struct converse_rule *converse_table(size_t *n)
{
	*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

int converse_caption(const char *subject, const char *relation, const char *object,
		     struct buf *out)
{
	const struct converse_rule *r = converse_find(relation);

	if (!r || !subject || !object)
		return -1;
	buf_addf(out, "The %s %s%s%s the %s.", object, r->copula, *r->copula ? " " : "",
		 r->converse, subject);
	return 0;
}

int relation_flips_with_hflip(const char *relation)
{
	return relation && (!strcmp(relation, "left of") || !strcmp(relation, "right of") ||
			    !strcmp(relation, "at the left side of") ||
			    !strcmp(relation, "at the right side of"));
}
