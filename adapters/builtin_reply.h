/*
 * Shared by the builtin reference plug-ins (header-only, so each .so stays
 * self-contained): phrase a yes/no decision the way the prompt asks for it.
 */
#ifndef VSR_BUILTIN_REPLY_H
#define VSR_BUILTIN_REPLY_H

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vsrbench_adapter.h"

static int builtin_mentions_true(const char *s)
{
	for (; *s; s++)
		if ((*s == 't' || *s == 'T') && !strncmp(s + 1, "rue", 3) &&
		    !isalpha((unsigned char)s[4]))
			return 1;
	return 0;
}

static char *builtin_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/*
 * A letter question gets the letter of the matching option, a question that
 * mentions "true" gets True/False, anything else Yes/No.  Caller frees.
 */
static char *builtin_reply(const struct vsrbench_request *req, int yes)
{
	static const char *const letters[] = { "A", "B", "C", "D", "E", "F" };

	if (req->n_choices && req->choices) {
		for (size_t k = 0; k < req->n_choices && k < 6; k++)
			if (!strcmp(req->choices[k], yes ? "yes" : "no"))
				return builtin_strdup(letters[k]);
		return builtin_strdup("I cannot tell.");
	}
	if (builtin_mentions_true(req->prompt))
		return builtin_strdup(yes ? "True" : "False");
	return builtin_strdup(yes ? "Yes" : "No");
}

#endif
