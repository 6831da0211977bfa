/*
 * template: the instruction template bank.
 *
 * A template turns an item into a prompt.  Placeholders: [caption],
 * [subject], [relation], [object] (caption items: VSR, synth) and
 * [question], [hint], [options] (question items: MME, MMBench, SEED); any
 * other [word] is an error at load time.  [hint] is the item's hint and a
 * newline, or nothing when a question item has no hint; [options] is
 * "A. text\nB. text..." from the item's own choices.
 * Each template has an answer format: yes/no, true/false, letter options
 * (for letters the template also says which choice each letter stands for),
 * or "choice": a letter among the item's own options (multiple-choice items).
 * A choice template applies only to items with options and the others only
 * to items without (template_applies).
 *
 * Selection (-t): "single" (the canonical template), "pool" (the whole
 * built-in bank), "vsre" (the seed paper's templates vsre01-15 and
 * vsre49-69, whose [subject box]/[object box] apply only to items with
 * boxes), "ID,ID,..." (chosen built-in ids), or a path to a file of
 * the user's own: one template per line, `ID<TAB>FORMAT<TAB>TEXT`, FORMAT one
 * of yesno, truefalse, letter-yes-no, letter-no-yes, choice; '#' starts a
 * comment.  "pool" is the caption bank; the question templates (q01, mc01)
 * are chosen by id or by a suite's default (suite_ops.default_templates).
 */
#ifndef VSR_TEMPLATE_H
#define VSR_TEMPLATE_H

#include <stddef.h>

#include "../base/buf.h"
#include "item.h"

enum tfmt {
	TF_YESNO = 0,
	TF_TRUEFALSE,
	TF_LETTER, /* options A/B; choices[] says what each letter means */
	TF_CHOICE, /* a letter among the item's own options (MMBench, SEED) */
};

struct template {
	char *id;
	enum tfmt fmt;
	char *text;
	/* For TF_LETTER: choice texts ("yes","no" or "no","yes"), else NULL/0. */
	const char *choices[2];
	size_t n_choices;
	answer_t choice_answer[2]; /* ANS_YES/ANS_NO for each letter */
	unsigned needs; /* bit set of placeholders used (TPL_NEEDS_*) */
};

#define TPL_NEEDS_CAPTION 1u
#define TPL_NEEDS_SUBJECT 2u
#define TPL_NEEDS_RELATION 4u
#define TPL_NEEDS_OBJECT 8u
#define TPL_NEEDS_QUESTION 16u
#define TPL_NEEDS_HINT 32u
#define TPL_NEEDS_OPTIONS 64u
#define TPL_NEEDS_SUBJECT_BOX 128u
#define TPL_NEEDS_OBJECT_BOX 256u

struct template_set {
	struct template *t;
	size_t n;
	char *spec; /* what the user asked for, for run.json */
};

const char *tfmt_name(enum tfmt f);
/* The user-file FORMAT name of t: yesno, truefalse, letter-yes-no, letter-no-yes. */
const char *template_format_name(const struct template *t);
/* The id `-t single` selects ("yn01"), and the size of the built-in bank. */
const char *template_canonical_id(void);
size_t template_builtin_count(void);
/* The id of built-in template i (the pool, the question templates, the
 * vsre bank, in that order), NULL past the last: for shell completion. */
const char *template_builtin_id(size_t i);

/*
 * Fills set from a -t spec (NULL means "single").  VSR_EUSAGE (bad spec,
 * unknown id, a bad or unreadable file: the message names FILE:LINE and
 * what was expected) with err on failure, and then set holds nothing.  The set owns
 * its strings; template_set_release frees them.  A spec with '/' is a file;
 * otherwise an id list, or an existing file when the ids are not all known.
 */
int template_set_load(struct template_set *set, const char *spec, char *err);
void template_set_release(struct template_set *set);

/*
 * Appends the prompt for `it` to out.  Returns 0, or VSR_EDATA when the
 * template needs a field the item lacks (e.g. [subject] on a caption that
 * could not be split).
 */
int template_expand(const struct template *t, const struct item *it, struct buf *out,
		    char *err);

/*
 * 1 when the item has every field the template needs.  A template that does
 * not apply to an item (e.g. [subject] on a caption that could not be split)
 * is left out for that item and counted, not an error.
 */
int template_applies(const struct template *t, const struct item *it);

/* What the seed paper (VSRE) reported for LLaVA-1.5-13B with one of its templates. */
struct template_reported {
	const char *id; /* "vsre01" */
	double answered, acc_t, acc_a;
};
/* The paper's numbers for template id, or NULL when it is not one of the paper's. */
const struct template_reported *template_reported_find(const char *id);
/* The number of templates `-t vsre` selects. */
size_t template_vsre_count(void);

/* `vsrbench list templates` */
void template_list(FILE *fp);

#endif
