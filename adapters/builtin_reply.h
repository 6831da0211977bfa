/*
 * Shared by the builtin reference plug-ins (header-only, so each .so stays
 * self-contained, built against the public ABI header alone): phrase a
 * yes/no decision the way the prompt asks for it.
 */
#ifndef VSR_BUILTIN_REPLY_H
#define VSR_BUILTIN_REPLY_H

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vsrbench_adapter.h"

#define BUILTIN_CANNOT_TELL "I cannot tell."

/*
 * Does a batch hold what the builtins use: n requests and responses, none
 * NULL, each covering every ABI 2.0 field (any 2.x host's do; a newer
 * host's are larger, and their appended fields are left alone)?
 */
static int builtin_batch_ok(const struct vsrbench_request *const *req,
			    struct vsrbench_response *const *resp, size_t n)
{
	if (n && (!req || !resp))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!req[i] || !resp[i] ||
		    !VSRBENCH_HAS_FIELD(req[i], struct vsrbench_request, seed) ||
		    !VSRBENCH_HAS_FIELD(resp[i], struct vsrbench_response, error))
			return 0;
	return 1;
}

static char *builtin_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* Case-insensitive equality after trimming blanks and a final period. */
static int builtin_same_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	while (isspace((unsigned char)*s))
		s++;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)s[i]) != word[i])
			return 0;
	s += n;
	if (*s == '.')
		s++;
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* Does the prompt contain the word "true" (any case)? */
static int builtin_mentions_true(const char *p)
{
	for (size_t i = 0; p[i]; i++) {
		if (i > 0 && (isalnum((unsigned char)p[i - 1]) || p[i - 1] == '_'))
			continue;
		if (tolower((unsigned char)p[i]) == 't' && tolower((unsigned char)p[i + 1]) == 'r' &&
		    tolower((unsigned char)p[i + 2]) == 'u' && tolower((unsigned char)p[i + 3]) == 'e' &&
		    !isalnum((unsigned char)p[i + 4]) && p[i + 4] != '_')
			return 1;
	}
	return 0;
}

/*
 * A letter question gets the letter of the option meaning yes (or no), a
 * question that mentions "true" gets True/False, anything else Yes/No.
 * The string is static.
 */
static const char *builtin_phrase(const struct vsrbench_request *req, int yes)
{
	static const char *const letters[] = {
		"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
		"N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z",
	};

	if (req->n_choices > 0) {
		for (size_t k = 0; k < req->n_choices && k < 26; k++) {
			const char *c = req->choices ? req->choices[k] : NULL;

			if (c && (builtin_same_word(c, yes ? "yes" : "no") ||
				  builtin_same_word(c, yes ? "true" : "false")))
				return letters[k];
		}
		return BUILTIN_CANNOT_TELL;
	}
	if (req->prompt && builtin_mentions_true(req->prompt))
		return yes ? "True" : "False";
	return yes ? "Yes" : "No";
}

#endif
