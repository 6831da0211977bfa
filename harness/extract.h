/*
 * extract: model free text -> answer code.
 *
 * One procedure for every question format (docs/extraction.md has it step by
 * step, with the table of signals and the list of hedges):
 *
 *  1. reasoning is removed: between the think tags, or gpt-oss's analysis
 *     channel before its final one (an unclosed block leaves no answer);
 *  2. every answer signal is found: yes/no words and their synonyms and
 *     negations, true/false, option letters in their usual shapes, the
 *     options' own texts, and hedges ("I can't tell", "not sure");
 *  3. each signal is mapped to an answer through the question's own options;
 *  4. the reply has an answer only when every signal agrees.  A hedge, two
 *     signals that disagree, or a letter that names no option give
 *     ANS_INVALID.
 *
 * extract_answer never guesses: an invalid reply is visible in the report
 * (it counts in acc_t's denominator, not in acc_a's), a wrong guess silently
 * moves the accuracy.
 *
 * The regular expressions are compiled once (extract_init, JIT where PCRE2
 * has it) and shared read-only by all threads.
 */
#ifndef VSR_EXTRACT_H
#define VSR_EXTRACT_H

#include <stddef.h>

#include "../suites/item.h"

/*
 * The version of the reading procedure.  run.json records it, so that two
 * runs whose replies were read by different procedures are not compared as
 * if they were read alike.  Bump it whenever some reply may read differently.
 * 1: first word decides (implicit, before the number existed);
 * 2: all signals must agree, think blocks removed;
 * 3: a clause also ends at "}", a TeX "$", a closing quote or bracket, a
 *    symbol or emoji ("\boxed{No}", "{"answer": "no"}", "No 👎" read no);
 *    a polar word labelling the answer after it is none ("Correct: no");
 * 4: gpt-oss's harmony format unparsed: only the final channel is read, an
 *    analysis without one is unclosed reasoning; a TeX box opens a clause
 *    ("\boxed{False}" reads no, "\boxed{True}" yes: version 3 read neither);
 *    with the default tags, Kimi-VL's ◁think▷ ... ◁/think▷ and Magistral's
 *    [THINK] ... [/THINK] are think tags too.
 */
#define EXTRACT_VERSION 4

/* The default reasoning tags (DeepSeek-R1, Qwen3, QwQ ...). */
#define EXTRACT_THINK_OPEN "<think>"
#define EXTRACT_THINK_CLOSE "</think>"

/*
 * Options of one reading; NULL everywhere means the defaults.  Fields are
 * only appended.
 */
struct extract_opts {
	/*
	 * The tag pair around reasoning to remove before reading (matched
	 * without regard to ASCII case).  NULL: EXTRACT_THINK_OPEN /
	 * EXTRACT_THINK_CLOSE.  An empty think_open: nothing is removed.
	 */
	const char *think_open;
	const char *think_close;
};

/* Why a reply read the way it did. */
enum extract_why {
	EXTRACT_OK = 0,         /* every signal agreed */
	EXTRACT_EMPTY,          /* nothing to read (after removing reasoning) */
	EXTRACT_THINK_UNCLOSED, /* the reply is reasoning that never closed */
	EXTRACT_NO_SIGNAL,      /* no yes/no word, letter or option text */
	EXTRACT_HEDGE,          /* "I can't tell", "not sure", "N/A" ... */
	EXTRACT_CONFLICT,       /* signals that disagree */
	EXTRACT_UNMAPPED,       /* a letter that names no option of the question */
};

/* "ok", "empty", "think-unclosed", "no-signal", "hedge", "conflict", "unmapped". */
const char *extract_why_name(enum extract_why why);

/*
 * Call extract_init once before starting worker threads (it is idempotent;
 * extract_answer also initialises lazily, but a compile error is then only
 * visible as ANS_INVALID).  extract_free only after every thread is done.
 */
int extract_init(char *err);
void extract_free(void);

/*
 * The reasoning step 1 removes from text (a pointer into text, borrowed;
 * *len its length): the first think block (to the end when it never
 * closes), everything before a close tag without an open one, or gpt-oss's
 * analysis channel.  NULL when there is none or the tags are off.
 */
const char *extract_reasoning(const char *text, const struct extract_opts *opts, size_t *len);

/*
 * text: the model's reply (borrowed).  For letter questions, choices[k] is the
 * text of option k (A = 0) and choice_answer[k] what picking it means
 * (ANS_YES/ANS_NO); the result is then that meaning.  For yes/no and
 * true/false questions pass n_choices = 0: "true"/"false" count as yes/no,
 * and any option letter makes the reply ANS_INVALID.  choice_answer may be
 * NULL: the result is then ANS_LETTER(k) (MCQ suites).  choices may be NULL
 * with n_choices > 0: only letters are read then.  Thread-safe; only the
 * first 64 KiB after the reasoning count.
 */
answer_t extract_answer(const char *text, const char *const *choices,
			const answer_t *choice_answer, size_t n_choices);

/*
 * The same with options (opts may be NULL) and, when why is not NULL, the
 * reason for the result.
 */
answer_t extract_answer_ex(const char *text, const char *const *choices,
			   const answer_t *choice_answer, size_t n_choices,
			   const struct extract_opts *opts, enum extract_why *why);

#endif
