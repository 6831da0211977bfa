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

#include "../suites/item.h"

/*
 * Call extract_init once before starting worker threads (it is idempotent;
 * extract_answer also initialises lazily, but a compile error is then only
 * visible as ANS_INVALID).  extract_free only after every thread is done.
 */
int extract_init(char *err);
void extract_free(void);

/*
 * text: the model's reply (borrowed).  For letter questions, choices[k] is the
 * text of option k (A = 0) and choice_answer[k] what picking it means
 * (ANS_YES/ANS_NO); the result is then that meaning.  For yes/no and
 * true/false questions pass n_choices = 0: "true"/"false" count as yes/no.
 * choice_answer may be NULL: the result is then ANS_LETTER(k) (MCQ suites).
 * Thread-safe; about a microsecond per call; only the first 64 KiB count.
 */
answer_t extract_answer(const char *text, const char *const *choices,
			const answer_t *choice_answer, size_t n_choices);

#endif
