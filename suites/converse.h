/*
 * converse: restating a caption with the converse relation and subject and
 * object swapped ("the cat is left of the dog" -> "the dog is right of the
 * cat"); the truth of the statement does not change.  The table is data:
 * `vsrbench list relations` prints it.
 */
#ifndef VSR_CONVERSE_H
#define VSR_CONVERSE_H

#include <stddef.h>

#include "../base/buf.h"

struct converse_rule {
	const char *relation;
	const char *converse;
	const char *copula; /* verb before the converse relation: "is", or "" ("contains") */
};

/* The rule for a relation, or NULL when it has no converse in the table. */
const struct converse_rule *converse_find(const char *relation);
const struct converse_rule *converse_table(size_t *n);

/* "The OBJ is CONVERSE the SUBJ." into out.  -1 when the relation has none. */
int converse_caption(const char *subject, const char *relation, const char *object,
		     struct buf *out);

/* Does mirroring the image left-right flip the truth of this relation? */
int relation_flips_with_hflip(const char *relation);

#endif
