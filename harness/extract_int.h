/*
 * Internal to the extractor (extract.c, extract_signals.c): the kinds of
 * signal, the reader of one reply, and the functions and compiled patterns
 * the two files share.  Not for use outside harness/extract*.c.
 */
#ifndef VSR_HARNESS_EXTRACT_INT_H
#define VSR_HARNESS_EXTRACT_INT_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif

#include <pcre2.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "extract.h"

/* Replies longer than this are judged on their first EXTRACT_TEXT_MAX bytes. */
#define EXTRACT_TEXT_MAX ((size_t)64 * 1024)

/*
 * Step 1 (extract_think.c): copies text without its reasoning into out (at
 * most EXTRACT_TEXT_MAX bytes).  Returns 1 when the reply ends in reasoning
 * that never closed (nothing of it is kept), 0 otherwise, -1 when out of
 * memory.
 */
int extract_strip_think(const char *text, const struct extract_opts *o, struct buf *out);

/* ------------------------------------------------------------------ */
/* The signal table                                                    */
/* ------------------------------------------------------------------ */

enum kind {
	K_HEDGE,   /* withdraws the answer */
	K_NEUTRAL, /* looks like a signal but is none: claims its span, says nothing */
	K_POLAR,   /* yes or no */
	K_LETTER,  /* an option letter, group 1 */
	K_TEXT,    /* an option's own text (found in code, not by a pattern) */
};

/* Letter shapes that check more than the pattern can. */
enum lshape {
	L_MARKED = 1, /* "answer: b", "(B)", "b)", "option B": counts in any question */
	L_BARE,       /* a standalone capital: only an option in range, never the article */
};

/*
 * Ties between spans of the same length go to the lower priority number:
 * an option's own text first ("D. Cannot be determined" picks D rather than
 * hedging), then a letter with its verdict ("A is correct"), hedges, neutral
 * phrases, yes/no words, and plain letters last.
 */
enum { P_TEXT = 1, P_VERDICT, P_HEDGE, P_NEUTRAL, P_POLAR, P_LETTER };

/* Patterns used by the code around the table. */
enum {
	RX_LONE,      /* the whole reply is one letter */
	RX_TEXT_MARK, /* "answer:", "the answer is" right before an option's text */
	RX_N
};

struct sig {
	size_t start, end;
	unsigned char kind, priority;
	unsigned char marked;   /* K_LETTER: a marked shape, counts even out of range */
	unsigned char explicit_; /* K_TEXT: next to a letter or after "answer:" */
	unsigned char drop;     /* set aside (echo, list, question, negated) */
	int value;              /* K_POLAR: ANS_YES/NO; K_LETTER, K_TEXT: option index */
	answer_t target;        /* after mapping: ANS_YES/NO (no options) or ANS_LETTER(k) */
};

/* A letter that names no option of the question. */
#define TARGET_UNMAPPED (-1)

struct reader {
	const char *s; /* normalised reply */
	size_t len;
	const char *const *choices;
	size_t n;       /* options (0: a yes/no question) */
	struct buf *opt; /* the options' texts, normalised: opt[k] */
	int polar_opt[3]; /* [ANS_YES], [ANS_NO]: the one option with that meaning, or -1 */
	pcre2_match_data *md;
	PCRE2_SIZE *ov;
	struct sig *v;
	size_t nv, cap;
	int oom;
};

/* extract_signals.c */
extern pcre2_code *extract_rx[RX_N];
extern uint32_t extract_ovec_pairs; /* enough ovector pairs for every pattern */
extern atomic_int extract_ready;
answer_t extract_option_polarity(const char *s);
void extract_find_patterns(struct reader *r);
void extract_find_option_texts(struct reader *r);

/* extract.c */
int extract_is_alnum(char ch);
int extract_is_alpha(char ch);
int extract_word_is(const char *s, size_t len, const char *w);

#endif
