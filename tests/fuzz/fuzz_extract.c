/*
 * fuzz_extract: a model's reply through extract_answer, in the three ways
 * the harness calls it.  Input: the reply, then optionally a NUL byte and
 * option texts separated by NUL bytes.  Without options: yes/no.  With
 * options: as letters meaning yes/no (the first two options, letter
 * templates) and as a multiple-choice question (up to 26 options).  Then
 * once more through extract_answer_ex with the first two options as the
 * think tag pair.  The answer must be in range for the question asked, and
 * only an answer comes with EXTRACT_OK.
 */
#include <stdlib.h>
#include <string.h>

#include "../../harness/extract.h"
#include "fuzz.h"

#define MAX_CHOICES 26

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const answer_t yn[2] = { ANS_YES, ANS_NO };
	const uint8_t *rest;
	size_t rest_len, text_len = fuzz_split(data, size, 0, &rest, &rest_len);
	char *text = fuzz_strndup(data, text_len);
	char *choices[MAX_CHOICES];
	size_t n = 0;
	answer_t a;
	enum extract_why why;

	while (rest_len && n < MAX_CHOICES) {
		const uint8_t *next;
		size_t next_len, len = fuzz_split(rest, rest_len, 0, &next, &next_len);
		choices[n++] = fuzz_strndup(rest, len);
		rest = next;
		rest_len = next_len;
	}
	a = extract_answer(text, NULL, NULL, 0);
	if (a != ANS_INVALID && a != ANS_YES && a != ANS_NO)
		abort();
	if (n >= 2) {
		a = extract_answer(text, (const char *const *)choices, yn, 2);
		if (a != ANS_INVALID && a != ANS_YES && a != ANS_NO)
			abort();
		a = extract_answer(text, (const char *const *)choices, NULL, n);
		if (a != ANS_INVALID && !(ANS_IS_LETTER(a) && (size_t)(a - ANS_LETTER(0)) < n))
			abort();
		{
			struct extract_opts o = { choices[0], choices[1] };

			a = extract_answer_ex(text, NULL, NULL, 0, &o, &why);
			if ((a != ANS_INVALID && a != ANS_YES && a != ANS_NO) ||
			    (a == ANS_INVALID) == (why == EXTRACT_OK) || why > EXTRACT_UNMAPPED)
				abort();
		}
	}
	for (size_t i = 0; i < n; i++)
		free(choices[i]);
	free(text);
	return 0;
}
