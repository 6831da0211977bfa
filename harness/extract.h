/*
 * extract: model free text -> answer code.
 *
 * The regular expressions are compiled once (extract_init, JIT where PCRE2
 * has it) and shared read-only by all threads.  extract_answer never guesses:
 * when the text does not say yes/no (or a single option letter), the answer is
 * ANS_INVALID.
 */
#ifndef VSR_EXTRACT_H
#define VSR_EXTRACT_H

#include <stddef.h>

#include "item.h"

int extract_init(char *err);
void extract_free(void);

/*
 * text: the model's reply (borrowed).  For letter questions, choices[k] is the
 * text of option k (A = 0) and choice_answer[k] what picking it means
 * (ANS_YES/ANS_NO); the result is then that meaning.  For yes/no and
 * true/false questions pass n_choices = 0: "true"/"false" count as yes/no.
 */
answer_t extract_answer(const char *text, const char *const *choices,
			const answer_t *choice_answer, size_t n_choices);

#endif
