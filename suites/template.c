/*
 * template: the built-in instruction bank, -t selection, user template files
 * and prompt expansion.
 *
 * The bank is written in our own words.  It follows the kinds of prompt the
 * VSR expansion paper (Xie et al. 2024) compared: caption-based ("[caption]
 * ...") and question-based ("Is the [subject] [relation] the [object]?"),
 * asked as yes/no, true/false, or as two lettered options in both orders.
 * Every template mentions subject, relation and object in that order and at
 * most once each: the builtin geometry model reads prompts that way.
 *
 * Ids are stable (reports group by them): never renumber, only append.
 */
#include "template.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/util.h"

/* ------------------------------------------------------------------ */
/* The bank                                                            */
/* ------------------------------------------------------------------ */

enum letter_order {
	LO_NONE = 0,
	LO_YES_NO, /* A. yes  B. no */
	LO_NO_YES, /* A. no   B. yes */
};

struct builtin {
	const char *id;
	enum tfmt fmt;
	enum letter_order order;
	const char *text;
};

#define TEMPLATE_CANONICAL_ID "yn01"

static const struct builtin bank[] = {
	/* yes / no */
	{ "yn01", TF_YESNO, LO_NONE,
	  "[caption] Is this statement correct? Answer yes or no." },
	{ "yn02", TF_YESNO, LO_NONE,
	  "[caption] Does this sentence describe the image correctly? Reply with yes or no." },
	{ "yn03", TF_YESNO, LO_NONE,
	  "Look at the picture. [caption] Is that so? Please answer yes or no." },
	{ "yn04", TF_YESNO, LO_NONE,
	  "Here is a claim about the image: [caption] Does the image support it? Answer with yes or no." },
	{ "yn05", TF_YESNO, LO_NONE,
	  "Statement: [caption] Is the statement consistent with the picture? Answer yes or no." },
	{ "yn06", TF_YESNO, LO_NONE,
	  "[caption] Answer yes if the image shows this, otherwise answer no." },
	{ "yn07", TF_YESNO, LO_NONE,
	  "Is the [subject] [relation] the [object]? Answer yes or no." },
	{ "yn08", TF_YESNO, LO_NONE,
	  "Is the [subject] [relation] the [object] in this image? Please reply with a single word, yes or no." },
	{ "yn09", TF_YESNO, LO_NONE,
	  "Looking at the image, would you say the [subject] is [relation] the [object]? Yes or no?" },
	{ "yn10", TF_YESNO, LO_NONE,
	  "Check the spatial arrangement in the image: is the [subject] [relation] the [object]? Respond with yes or no only." },
	{ "yn11", TF_YESNO, LO_NONE,
	  "Based on what you see, is the [subject] [relation] the [object]? Give a yes or no answer." },
	{ "yn12", TF_YESNO, LO_NONE,
	  "Does the image show the [subject] [relation] the [object]? Answer yes or no." },
	{ "yn13", TF_YESNO, LO_NONE,
	  "In this photo, is the [subject] [relation] the [object]? Respond with yes or no." },
	{ "yn14", TF_YESNO, LO_NONE,
	  "Think about where the objects are. Is the [subject] [relation] the [object]? Say yes or no." },

	/* true / false */
	{ "tf01", TF_TRUEFALSE, LO_NONE,
	  "[caption] Is this statement true or false?" },
	{ "tf02", TF_TRUEFALSE, LO_NONE,
	  "[caption] True or false? Answer with one word." },
	{ "tf03", TF_TRUEFALSE, LO_NONE,
	  "Decide whether the following description of the image is true or false: [caption]" },
	{ "tf04", TF_TRUEFALSE, LO_NONE,
	  "Based on the image, is the following claim true or false? [caption]" },
	{ "tf05", TF_TRUEFALSE, LO_NONE,
	  "[caption] Reply true if the image agrees with this sentence and false if it does not." },
	{ "tf06", TF_TRUEFALSE, LO_NONE,
	  "Is it true or false that the [subject] is [relation] the [object]? Answer true or false." },
	{ "tf07", TF_TRUEFALSE, LO_NONE,
	  "True or false: the [subject] is [relation] the [object] in this image." },
	{ "tf08", TF_TRUEFALSE, LO_NONE,
	  "The [subject] is [relation] the [object]. Based on the image, is this true or false?" },
	{ "tf09", TF_TRUEFALSE, LO_NONE,
	  "Is the [subject] [relation] the [object]? Answer true or false." },
	{ "tf10", TF_TRUEFALSE, LO_NONE,
	  "Judge the sentence against the picture and answer true or false. [caption]" },

	/* letter options, A = yes */
	{ "ab01", TF_LETTER, LO_YES_NO,
	  "[caption] Is this statement correct? A. yes B. no Answer with the letter of your choice." },
	{ "ab02", TF_LETTER, LO_YES_NO,
	  "Does this sentence match the image? [caption]\nA. yes\nB. no\nGive only the letter." },
	{ "ab03", TF_LETTER, LO_YES_NO,
	  "[caption] Is this description accurate for the picture?\n(A) yes\n(B) no\nAnswer with A or B." },
	{ "ab04", TF_LETTER, LO_YES_NO,
	  "Is the [subject] [relation] the [object]? A. yes B. no Reply with the option letter only." },
	{ "ab05", TF_LETTER, LO_YES_NO,
	  "Choose the option that fits the image. Is the [subject] [relation] the [object]?\nA. yes\nB. no\nAnswer with A or B." },
	{ "ab06", TF_LETTER, LO_YES_NO,
	  "Select the correct answer by its letter. Question: is the [subject] [relation] the [object]? Options: A. yes B. no" },

	/* letter options, A = no */
	{ "ab07", TF_LETTER, LO_NO_YES,
	  "[caption] Is this statement correct? A. no B. yes Answer with the letter of your choice." },
	{ "ab08", TF_LETTER, LO_NO_YES,
	  "Does the picture agree with this sentence? [caption]\nA. no\nB. yes\nGive only the letter." },
	{ "ab09", TF_LETTER, LO_NO_YES,
	  "Here is a description: [caption] Is it accurate?\n(A) no\n(B) yes\nAnswer with A or B." },
	{ "ab10", TF_LETTER, LO_NO_YES,
	  "Is the [subject] [relation] the [object]? A. no B. yes Reply with the option letter only." },
	{ "ab11", TF_LETTER, LO_NO_YES,
	  "Pick one option for the image. Is the [subject] [relation] the [object]?\nA. no\nB. yes\nAnswer with A or B." },
	{ "ab12", TF_LETTER, LO_NO_YES,
	  "Answer the two-way question below with the capital letter of your pick. Is the [subject] [relation] the [object]? A. no B. yes" },
};

#define N_BANK (sizeof(bank) / sizeof(bank[0]))

/*
 * Question templates: the dataset's own question, for MME, MMBench and SEED.
 * Not in "pool" (they do not apply to caption items); picked by id or as a
 * suite's default.  q01 is MME's protocol (its questions already end with
 * "Please answer yes or no.").  mc01 is the multiple-choice prompt of
 * LLaVA's MMBench/SEED evaluation: hint, question, one "A. text" line per
 * option, then the instruction.
 */
static const struct builtin qbank[] = {
	{ "q01", TF_YESNO, LO_NONE, "[question]" },
	{ "mc01", TF_CHOICE, LO_NONE,
	  "[hint][question]\n[options]\nAnswer with the option's letter from the given choices directly." },
};

#define N_QBANK (sizeof(qbank) / sizeof(qbank[0]))

/*
 * The seed paper's diagnostic templates (VSRE, Xie et al., AAAI 2025,
 * appendix Tables 3 and 6: phase 1, 1-15, and phase 4, 49-69, which adds
 * the objects' boxes), with the paper's numbering and its exact wording,
 * case and punctuation (a protocol, not prose: "[caption], Yes or no."
 * keeps the caption's own full stop before the comma).  Transcribed from
 * the slides of peijin360/vsre@e70e588; test_template checks this copy
 * against ../shared/data/vsre/templates_phase1_phase4.TRANSCRIBED.tsv.
 * Phases 2-3 (16-48) are only in the paper's appendix, which is not
 * available.  `-t vsre` selects them all; items without boxes leave the
 * box templates out (counted, as any inapplicable template).
 */
static const struct builtin vsre_bank[] = {
	{ "vsre01", TF_YESNO, LO_NONE,
	  "[caption], Yes or no." },
	{ "vsre02", TF_TRUEFALSE, LO_NONE,
	  "[caption], True or not." },
	{ "vsre03", TF_TRUEFALSE, LO_NONE,
	  "[caption], True or false." },
	{ "vsre04", TF_YESNO, LO_NONE,
	  "Whether the [subject] is [relation] [object]? Yes or no." },
	{ "vsre05", TF_TRUEFALSE, LO_NONE,
	  "Whether the [subject] is [relation] [object]? True or not." },
	{ "vsre06", TF_TRUEFALSE, LO_NONE,
	  "Whether the [subject] is [relation] [object]? True or false." },
	{ "vsre07", TF_YESNO, LO_NONE,
	  "Is the [subject] [relation] [object]? yes or no." },
	{ "vsre08", TF_TRUEFALSE, LO_NONE,
	  "Is the [subject] [relation] [object]? True or not." },
	{ "vsre09", TF_TRUEFALSE, LO_NONE,
	  "Is the [subject] [relation] [object]? True or false." },
	{ "vsre10", TF_YESNO, LO_NONE,
	  "Whether [caption]? Answer the question with yes or no." },
	{ "vsre11", TF_YESNO, LO_NONE,
	  "Is the [subject] [relation] [object]? Answer the question with yes or no." },
	{ "vsre12", TF_LETTER, LO_YES_NO,
	  "Whether [caption]? A. yes B. no Answer with the option's letter from the given choices directly." },
	{ "vsre13", TF_LETTER, LO_YES_NO,
	  "Is the [subject] [relation] [object]? A. yes B. no Answer with the option's letter from the given choices directly." },
	{ "vsre14", TF_LETTER, LO_YES_NO,
	  "Answer the following binary question with the capital letter of the answer list below. Whether [caption]? A.yes B.no." },
	{ "vsre15", TF_LETTER, LO_YES_NO,
	  "Answer the following binary question with the capital letter of the answer list below. Is the [subject] [relation] [object]? A.yes B.no." },
	{ "vsre49", TF_YESNO, LO_NONE,
	  "The [subject] [subject box] is [relation] [object] [object box], yes or no." },
	{ "vsre50", TF_TRUEFALSE, LO_NONE,
	  "The [subject] [subject box] is [relation] [object] [object box], True or not." },
	{ "vsre51", TF_TRUEFALSE, LO_NONE,
	  "The [subject] [subject box] is [relation] [object] [object box], True or false." },
	{ "vsre52", TF_YESNO, LO_NONE,
	  "Whether the [subject] [subject box] is [relation] [object] [object box]? Yes or no." },
	{ "vsre53", TF_TRUEFALSE, LO_NONE,
	  "Whether the [subject] [subject box] is [relation] [object] [object box]? True or not." },
	{ "vsre54", TF_TRUEFALSE, LO_NONE,
	  "Whether the [subject] [subject box] is [relation] [object] [object box]? True or false." },
	{ "vsre55", TF_YESNO, LO_NONE,
	  "Is the [subject] [subject box] [relation] [object] [object box]? yes or no." },
	{ "vsre56", TF_TRUEFALSE, LO_NONE,
	  "Is the [subject] [subject box] [relation] [object] [object box]? True or not." },
	{ "vsre57", TF_TRUEFALSE, LO_NONE,
	  "Is the [subject] [subject box] [relation] [object] [object box]? True or false." },
	{ "vsre58", TF_YESNO, LO_NONE,
	  "Distinguish the positional relation between the [subject] [subject box] and the [object] [object box] in the image, whether [caption]?" },
	{ "vsre59", TF_YESNO, LO_NONE,
	  "Focus on the positional relation between the [subject] [subject box] and the [object] [object box] in the image, whether [caption]?" },
	{ "vsre60", TF_YESNO, LO_NONE,
	  "Reason on the spatial relation between the [subject] [subject box] and the [object] [object box] in the image, whether [caption]?" },
	{ "vsre61", TF_YESNO, LO_NONE,
	  "Distinguish the positional relation between the [subject] [subject box] and the [object] [object box] in the image, is the [subject] [relation] the [object]?" },
	{ "vsre62", TF_YESNO, LO_NONE,
	  "Focus on the positional relation between the [subject] [subject box] and the [object] [object box] in the image, is the [subject] [relation] the [object]?" },
	{ "vsre63", TF_YESNO, LO_NONE,
	  "Reason on the spatial relation between the [subject] [subject box] and the [object] [object box] in the image, is the [subject] [relation] the [object]?" },
	{ "vsre64", TF_YESNO, LO_NONE,
	  "Distinguish the positional relation between the [subject] and the [object] in the image, Bounding box list: [subject] [subject box] , [object] [object box], whether [caption]?" },
	{ "vsre65", TF_YESNO, LO_NONE,
	  "Focus on the positional relation between the [subject] and the [object] in the image, Bounding box list: [subject] [subject box] , [object] [object box], whether [caption]?" },
	{ "vsre66", TF_YESNO, LO_NONE,
	  "Reason on the spatial relation between the [subject] and the [object] in the image, Bounding box list: [subject] [subject box] , [object] [object box], whether [caption]?" },
	{ "vsre67", TF_YESNO, LO_NONE,
	  "Distinguish the positional relation between the [subject] and the [object] in the image, Bounding box list: [subject] [subject box] , [object] [object box], is the [subject] [relation] the [object]?" },
	{ "vsre68", TF_YESNO, LO_NONE,
	  "Focus on the positional relation between the [subject] and the [object] in the image, Bounding box list: [subject] [subject box] , [object] [object box], is the [subject] [relation] the [object]?" },
	{ "vsre69", TF_YESNO, LO_NONE,
	  "Reason on the spatial relation between the [subject] and the [object] in the image, Bounding box list: [subject] [subject box] , [object] [object box], is the [subject] [relation] the [object]?" },
};

#define N_VSRE (sizeof(vsre_bank) / sizeof(vsre_bank[0]))

/* What the paper reported for LLaVA-1.5-13B on each (same source). */
static const struct template_reported vsre_reported[] = {
	{ "vsre01", 1.00, 0.61, 0.61 },
	{ "vsre02", 0.96, 0.50, 0.53 },
	{ "vsre03", 1.00, 0.72, 0.72 },
	{ "vsre04", 1.00, 0.64, 0.64 },
	{ "vsre05", 0.80, 0.45, 0.56 },
	{ "vsre06", 1.00, 0.67, 0.67 },
	{ "vsre07", 1.00, 0.65, 0.65 },
	{ "vsre08", 0.91, 0.61, 0.67 },
	{ "vsre09", 0.98, 0.65, 0.66 },
	{ "vsre10", 0.77, 0.47, 0.61 },
	{ "vsre11", 0.80, 0.48, 0.59 },
	{ "vsre12", 1.00, 0.62, 0.62 },
	{ "vsre13", 1.00, 0.68, 0.68 },
	{ "vsre14", 1.00, 0.65, 0.65 },
	{ "vsre15", 1.00, 0.68, 0.68 },
	{ "vsre49", 1.00, 0.58, 0.58 },
	{ "vsre50", 0.94, 0.54, 0.57 },
	{ "vsre51", 1.00, 0.68, 0.68 },
	{ "vsre52", 0.97, 0.55, 0.56 },
	{ "vsre53", 1.00, 0.62, 0.62 },
	{ "vsre54", 1.00, 0.62, 0.62 },
	{ "vsre55", 0.96, 0.56, 0.58 },
	{ "vsre56", 1.00, 0.62, 0.62 },
	{ "vsre57", 1.00, 0.64, 0.64 },
	{ "vsre58", 0.50, 0.32, 0.64 },
	{ "vsre59", 0.75, 0.43, 0.58 },
	{ "vsre60", 0.63, 0.34, 0.53 },
	{ "vsre61", 0.76, 0.50, 0.66 },
	{ "vsre62", 0.98, 0.61, 0.62 },
	{ "vsre63", 0.82, 0.50, 0.61 },
	{ "vsre64", 0.74, 0.48, 0.64 },
	{ "vsre65", 0.88, 0.53, 0.59 },
	{ "vsre66", 0.83, 0.47, 0.56 },
	{ "vsre67", 0.95, 0.59, 0.62 },
	{ "vsre68", 1.00, 0.63, 0.63 },
	{ "vsre69", 0.96, 0.60, 0.62 },
};

const struct template_reported *template_reported_find(const char *id)
{
	for (size_t i = 0; i < sizeof(vsre_reported) / sizeof(vsre_reported[0]); i++)
		if (!strcmp(vsre_reported[i].id, id))
			return &vsre_reported[i];
	return NULL;
}

size_t template_vsre_count(void)
{
	return N_VSRE;
}

/* Placeholders, in the order of their TPL_NEEDS_* bits. */
static const struct {
	const char *name; /* with brackets */
	size_t len;
	unsigned bit;
} placeholders[] = {
	{ "[caption]", 9, TPL_NEEDS_CAPTION },
	{ "[subject]", 9, TPL_NEEDS_SUBJECT },
	{ "[relation]", 10, TPL_NEEDS_RELATION },
	{ "[object]", 8, TPL_NEEDS_OBJECT },
	{ "[question]", 10, TPL_NEEDS_QUESTION },
	{ "[hint]", 6, TPL_NEEDS_HINT },
	{ "[options]", 9, TPL_NEEDS_OPTIONS },
	{ "[subject box]", 13, TPL_NEEDS_SUBJECT_BOX },
	{ "[object box]", 12, TPL_NEEDS_OBJECT_BOX },
};

#define KNOWN_PLACEHOLDERS \
	"[caption], [subject], [relation], [object], [question], [hint], [options], " \
	"[subject box], [object box]"


#define N_PLACEHOLDERS (sizeof(placeholders) / sizeof(placeholders[0]))

#define TPL_LINE_MAX ((size_t)64 * 1024)
#define TPL_ID_MAX 64

const char *tfmt_name(enum tfmt f)
{
	switch (f) {
	case TF_YESNO: return "yesno";
	case TF_TRUEFALSE: return "truefalse";
	case TF_LETTER: return "letter";
	case TF_CHOICE: return "choice";
	}
	return "unknown";
}

const char *template_format_name(const struct template *t)
{
	if (t->fmt != TF_LETTER)
		return tfmt_name(t->fmt);
	if (t->n_choices == 2 && t->choice_answer[0] == ANS_NO)
		return "letter-no-yes";
	return "letter-yes-no";
}

const char *template_canonical_id(void)
{
	return TEMPLATE_CANONICAL_ID;
}

size_t template_builtin_count(void)
{
	return N_BANK;
}

/* ------------------------------------------------------------------ */
/* Building and releasing                                              */
/* ------------------------------------------------------------------ */

static void set_letters(struct template *t, enum letter_order order)
{
	t->choices[0] = t->choices[1] = NULL;
	t->choice_answer[0] = t->choice_answer[1] = ANS_INVALID;
	t->n_choices = 0;
	if (order == LO_YES_NO) {
		t->choices[0] = "yes";
		t->choices[1] = "no";
		t->choice_answer[0] = ANS_YES;
		t->choice_answer[1] = ANS_NO;
		t->n_choices = 2;
	} else if (order == LO_NO_YES) {
		t->choices[0] = "no";
		t->choices[1] = "yes";
		t->choice_answer[0] = ANS_NO;
		t->choice_answer[1] = ANS_YES;
		t->n_choices = 2;
	}
}

/*
 * Scans text for placeholders.  Returns 0 and sets *needs, or -1 with a
 * description of the first problem in why (no file or line: the caller adds
 * them).
 */
static int scan_placeholders(const char *text, unsigned *needs, char *why, size_t whylen)
{
	const char *p = text;

	*needs = 0;
	while ((p = strpbrk(p, "[]")) != NULL) {
		const char *close;
		size_t k, len;

		if (*p == ']') {
			snprintf(why, whylen, "unbalanced ']' at column %zu", (size_t)(p - text) + 1);
			return -1;
		}
		close = strpbrk(p + 1, "[]");
		if (!close || *close == '[') {
			snprintf(why, whylen, "unbalanced '[' at column %zu", (size_t)(p - text) + 1);
			return -1;
		}
		len = (size_t)(close - p) + 1;
		for (k = 0; k < N_PLACEHOLDERS; k++)
			if (len == placeholders[k].len && !memcmp(p, placeholders[k].name, len))
				break;
		if (k == N_PLACEHOLDERS) {
			snprintf(why, whylen,
				 "unknown placeholder '%.*s' (known: " KNOWN_PLACEHOLDERS ")",
				 len > 80 ? 80 : (int)len, p);
			return -1;
		}
		*needs |= placeholders[k].bit;
		p = close + 1;
	}
	return 0;
}

static void template_fill(struct template *t, const char *id, enum tfmt fmt,
			  enum letter_order order, const char *text, unsigned needs)
{
	t->id = xstrdup(id);
	t->text = xstrdup(text);
	t->fmt = fmt;
	t->needs = needs;
	set_letters(t, order);
}

static void add_builtin(struct template_set *set, size_t *cap, const struct builtin *b)
{
	unsigned needs = 0;
	char why[256];

	if (*cap == set->n) {
		*cap = *cap ? *cap * 2 : 8;
		set->t = xrealloc(set->t, *cap * sizeof(*set->t));
	}
	/* The bank is checked by the unit test; scanning cannot fail here. */
	if (scan_placeholders(b->text, &needs, why, sizeof(why)))
		abort();
	template_fill(&set->t[set->n++], b->id, b->fmt, b->order, b->text, needs);
}

const char *template_builtin_id(size_t i)
{
	if (i < N_BANK)
		return bank[i].id;
	i -= N_BANK;
	if (i < N_QBANK)
		return qbank[i].id;
	i -= N_QBANK;
	return i < N_VSRE ? vsre_bank[i].id : NULL;
}

void template_set_release(struct template_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		free(set->t[i].id);
		free(set->t[i].text);
	}
	free(set->t);
	free(set->spec);
	set->t = NULL;
	set->n = 0;
	set->spec = NULL;
}

static const struct builtin *builtin_find(const char *id, size_t len)
{
	size_t i;

	for (i = 0; i < N_BANK; i++)
		if (strlen(bank[i].id) == len && !memcmp(bank[i].id, id, len))
			return &bank[i];
	for (i = 0; i < N_QBANK; i++)
		if (strlen(qbank[i].id) == len && !memcmp(qbank[i].id, id, len))
			return &qbank[i];
	for (i = 0; i < N_VSRE; i++)
		if (strlen(vsre_bank[i].id) == len && !memcmp(vsre_bank[i].id, id, len))
			return &vsre_bank[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Selection by id list                                                */
/* ------------------------------------------------------------------ */

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Parses "ID,ID,...".  Returns 0 when every id is a built-in one, -1 with
 * *bad and *badlen naming the first unknown (or empty) element, -2 for a
 * duplicate (also named).
 */
static int load_id_list(struct template_set *set, const char *spec, const char **bad,
			size_t *badlen)
{
	const char *p = spec;
	size_t cap = 0;

	for (;;) {
		const char *e = strchr(p, ',');
		const char *s = p, *t;
		const struct builtin *b;
		size_t i, len;

		if (!e)
			e = p + strlen(p);
		t = e;
		while (s < t && is_space(*s))
			s++;
		while (t > s && is_space(t[-1]))
			t--;
		len = (size_t)(t - s);
		*bad = s;
		*badlen = len;
		b = len ? builtin_find(s, len) : NULL;
		if (!b)
			return -1;
		for (i = 0; i < set->n; i++)
			if (!strcmp(set->t[i].id, b->id))
				return -2;
		add_builtin(set, &cap, b);
		if (!*e)
			return 0;
		p = e + 1;
	}
}

/* ------------------------------------------------------------------ */
/* User template files                                                 */
/* ------------------------------------------------------------------ */

static int parse_format(const char *s, enum tfmt *fmt, enum letter_order *order)
{
	static const struct {
		const char *name;
		enum tfmt fmt;
		enum letter_order order;
	} formats[] = {
		{ "yesno", TF_YESNO, LO_NONE },
		{ "truefalse", TF_TRUEFALSE, LO_NONE },
		{ "letter-yes-no", TF_LETTER, LO_YES_NO },
		{ "letter-no-yes", TF_LETTER, LO_NO_YES },
		{ "choice", TF_CHOICE, LO_NONE },
	};
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (!strcmp(s, formats[i].name)) {
			*fmt = formats[i].fmt;
			*order = formats[i].order;
			return 0;
		}
	}
	return -1;
}

static int valid_id(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return n > 0 && n <= TPL_ID_MAX;
}

static int is_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

static int blank_or_comment(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0' || *s == '#';
}

static int load_file(struct template_set *set, const char *path, char *err)
{
	struct buf line = BUF_INIT;
	size_t cap = 0, *first_line = NULL, lineno = 0;
	struct stat st;
	FILE *fp;
	int rc = 0;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return err_set(err, VSR_EUSAGE, "cannot read template file %s: it is a directory",
			       path);
	fp = fopen(path, "r");
	if (!fp)
		return err_set(err, VSR_EUSAGE, "cannot read template file %s: %s", path,
			       strerror(errno));
	buf_init(&line, TPL_LINE_MAX);
	for (;;) {
		char *cols[3], *p, *tab;
		enum tfmt fmt;
		enum letter_order order;
		unsigned needs;
		char why[256];
		size_t ncols = 0, i;
		int r = buf_getline(&line, fp, NULL);

		if (r == 0)
			break;
		lineno++;
		if (r < 0) {
			if (r == -2)
				rc = err_set(err, VSR_EUSAGE, "%s:%zu: a NUL byte in a text file", path,
					     lineno);
			else if (line.capped)
				rc = err_set(err, VSR_EUSAGE,
					     "%s:%zu: line longer than %zu bytes", path, lineno,
					     TPL_LINE_MAX);
			else
				rc = err_set(err, VSR_EUSAGE, "%s:%zu: read error: %s", path,
					     lineno, strerror(errno));
			goto out;
		}
		p = line.ptr;
		/* A UTF-8 byte order mark some editors put first. */
		if (lineno == 1 && !strncmp(p, "\xEF\xBB\xBF", 3)) /* stops at a short line's NUL */
			p += 3;
		if (blank_or_comment(p))
			continue;
		/* Split on tabs, counting every column so the message can say how many. */
		for (;;) {
			if (ncols < 3)
				cols[ncols] = p;
			ncols++;
			tab = strchr(p, '\t');
			if (!tab)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (ncols != 3) {
			rc = err_set(err, VSR_EUSAGE,
				     "%s:%zu: expected 3 tab-separated columns ID<TAB>FORMAT<TAB>TEXT, found %zu",
				     path, lineno, ncols);
			goto out;
		}
		if (!valid_id(cols[0])) {
			rc = err_set(err, VSR_EUSAGE,
				     "%s:%zu: bad template id '%.80s' (expected 1 to %d letters, digits, '-', '_' or '.')",
				     path, lineno, cols[0], TPL_ID_MAX);
			goto out;
		}
		for (i = 0; i < set->n; i++) {
			if (!strcmp(set->t[i].id, cols[0])) {
				rc = err_set(err, VSR_EUSAGE,
					     "%s:%zu: duplicate template id '%s' (first defined on line %zu)",
					     path, lineno, cols[0], first_line[i]);
				goto out;
			}
		}
		if (parse_format(cols[1], &fmt, &order)) {
			rc = err_set(err, VSR_EUSAGE,
				     "%s:%zu: unknown format '%.80s' (expected yesno, truefalse, letter-yes-no, letter-no-yes or choice)",
				     path, lineno, cols[1]);
			goto out;
		}
		if (is_blank(cols[2])) {
			rc = err_set(err, VSR_EUSAGE, "%s:%zu: empty template text", path, lineno);
			goto out;
		}
		if (scan_placeholders(cols[2], &needs, why, sizeof(why))) {
			rc = err_set(err, VSR_EUSAGE, "%s:%zu: %s", path, lineno, why);
			goto out;
		}
		if (!needs) {
			rc = err_set(err, VSR_EUSAGE,
				     "%s:%zu: template '%s' uses no placeholder (" KNOWN_PLACEHOLDERS "), so it would ask the same thing about every item",
				     path, lineno, cols[0]);
			goto out;
		}
		if (cap == set->n) {
			cap = cap ? cap * 2 : 8;
			set->t = xrealloc(set->t, cap * sizeof(*set->t));
			first_line = xrealloc(first_line, cap * sizeof(*first_line));
		}
		first_line[set->n] = lineno;
		template_fill(&set->t[set->n++], cols[0], fmt, order, cols[2], needs);
	}
	if (!set->n)
		rc = err_set(err, VSR_EUSAGE,
			     "%s: no templates (expected lines ID<TAB>FORMAT<TAB>TEXT; '#' starts a comment)",
			     path);
out:
	free(first_line);
	buf_release(&line);
	fclose(fp);
	return rc;
}

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

int template_set_load(struct template_set *set, const char *spec, char *err)
{
	size_t cap = 0, i;
	int rc = 0;

	set->t = NULL;
	set->n = 0;
	set->spec = NULL;
	if (!spec)
		spec = "single";
	if (!*spec)
		return err_set(err, VSR_EUSAGE,
			       "empty -t: use single, pool, a list of template ids or a template file (see `vsrbench list templates`)");

	if (!strcmp(spec, "single")) {
		add_builtin(set, &cap, builtin_find(TEMPLATE_CANONICAL_ID, strlen(TEMPLATE_CANONICAL_ID)));
	} else if (!strcmp(spec, "pool")) {
		for (i = 0; i < N_BANK; i++)
			add_builtin(set, &cap, &bank[i]);
	} else if (!strcmp(spec, "vsre")) {
		for (i = 0; i < N_VSRE; i++)
			add_builtin(set, &cap, &vsre_bank[i]);
	} else if (strchr(spec, '/')) {
		rc = load_file(set, spec, err);
	} else {
		const char *bad;
		size_t badlen;
		int r = load_id_list(set, spec, &bad, &badlen);

		if (r == -1 && file_exists(spec)) {
			template_set_release(set);
			rc = load_file(set, spec, err);
		} else if (r == -1 && badlen == 0) {
			rc = err_set(err, VSR_EUSAGE,
				     "empty template id in -t '%.200s' (see `vsrbench list templates`)",
				     spec);
		} else if (r == -1) {
			rc = err_set(err, VSR_EUSAGE,
				     "unknown template id '%.*s' in -t '%.200s' (not a file either; see `vsrbench list templates`)",
				     badlen > 64 ? 64 : (int)badlen, bad, spec);
		} else if (r == -2) {
			rc = err_set(err, VSR_EUSAGE, "template id '%.*s' listed twice in -t '%.200s'",
				     badlen > 64 ? 64 : (int)badlen, bad, spec);
		}
	}
	if (rc) {
		template_set_release(set);
		return rc;
	}
	set->spec = xstrdup(spec);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Expansion                                                           */
/* ------------------------------------------------------------------ */

/*
 * The text a placeholder stands for in an item, or NULL when the item lacks
 * it.  [hint] is optional on question items ("" when there is none);
 * [options] is built by add_options, here only "" says the item has some.
 */
static const char *item_field(const struct item *it, unsigned bit)
{
	switch (bit) {
	case TPL_NEEDS_CAPTION: return it->caption;
	case TPL_NEEDS_SUBJECT: return it->subject;
	case TPL_NEEDS_RELATION: return it->relation;
	case TPL_NEEDS_OBJECT: return it->object;
	case TPL_NEEDS_QUESTION: return it->question;
	case TPL_NEEDS_HINT: return it->question ? (it->hint ? it->hint : "") : NULL;
	case TPL_NEEDS_OPTIONS: return it->n_choices ? "" : NULL;
	/* Items without boxes (no boxes.jsonl, no instance): box templates left out, counted. */
	case TPL_NEEDS_SUBJECT_BOX: return it->subject_box;
	case TPL_NEEDS_OBJECT_BOX: return it->object_box;
	}
	return NULL;
}

/* A choice template needs an item with options; the others one without. */
static int format_fits(const struct template *t, const struct item *it)
{
	return (t->fmt == TF_CHOICE) == (it->n_choices > 0);
}

int template_applies(const struct template *t, const struct item *it)
{
	if (!format_fits(t, it))
		return 0;
	for (size_t k = 0; k < N_PLACEHOLDERS; k++)
		if ((t->needs & placeholders[k].bit) && !item_field(it, placeholders[k].bit))
			return 0;
	return 1;
}

/* "A. text\nB. text..." (no final newline), the options of a question item. */
static int add_options(struct buf *out, const struct item *it)
{
	for (size_t k = 0; k < it->n_choices && k < 26; k++)
		if (buf_addf(out, "%s%c. %s", k ? "\n" : "", (int)('A' + k),
			     it->choices[k] ? it->choices[k] : ""))
			return -1;
	return 0;
}

int template_expand(const struct template *t, const struct item *it, struct buf *out,
		    char *err)
{
	const char *p = t->text, *run = p;
	const char *id = it->id ? it->id : "(no id)";
	size_t k;

	if (!format_fits(t, it))
		return t->fmt == TF_CHOICE
			? err_set(err, VSR_EDATA,
				  "template %s asks for one of the item's options but item %s has none",
				  t->id, id)
			: err_set(err, VSR_EDATA,
				  "template %s asks for %s but item %s is multiple-choice (use a choice "
				  "template such as mc01)",
				  t->id, template_format_name(t), id);
	for (k = 0; k < N_PLACEHOLDERS; k++)
		if ((t->needs & placeholders[k].bit) && !item_field(it, placeholders[k].bit))
			return err_set(err, VSR_EDATA,
				       "template %s needs %s but item %s has none", t->id,
				       placeholders[k].name, id);
	while ((p = strchr(p, '[')) != NULL) {
		const char *val = NULL;
		size_t len = 0;
		int r;

		for (k = 0; k < N_PLACEHOLDERS; k++) {
			if (!strncmp(p, placeholders[k].name, placeholders[k].len)) {
				val = item_field(it, placeholders[k].bit);
				len = placeholders[k].len;
				break;
			}
		}
		if (!len) { /* not a placeholder: keep the '[' as text */
			p++;
			continue;
		}
		if (!val)
			return err_set(err, VSR_EDATA, "template %s needs %s but item %s has none",
				       t->id, placeholders[k].name, id);
		if (buf_add(out, run, (size_t)(p - run)))
			goto toolong;
		if (placeholders[k].bit == TPL_NEEDS_OPTIONS)
			r = add_options(out, it);
		else if (placeholders[k].bit == TPL_NEEDS_HINT)
			r = *val ? (buf_adds(out, val) || buf_addch(out, '\n')) : 0;
		else
			r = buf_adds(out, val);
		if (r)
			goto toolong;
		p += len;
		run = p;
	}
	if (buf_adds(out, run))
		goto toolong;
	return 0;
toolong:
	return err_set(err, VSR_EDATA, "prompt from template %s for item %s is too long", t->id,
		       id);
}

/* ------------------------------------------------------------------ */
/* Listing                                                             */
/* ------------------------------------------------------------------ */

void template_list(FILE *fp)
{
	size_t i;

	fprintf(fp, "%-6s %-14s %s\n", "ID", "FORMAT", "TEXT");
	for (i = 0; i < N_BANK + N_QBANK + N_VSRE; i++) {
		const struct builtin *b = i < N_BANK ? &bank[i]
				       : i < N_BANK + N_QBANK ? &qbank[i - N_BANK]
							      : &vsre_bank[i - N_BANK - N_QBANK];
		const char *f = b->order == LO_YES_NO ? "letter-yes-no"
			      : b->order == LO_NO_YES ? "letter-no-yes"
						      : tfmt_name(b->fmt);
		const char *s;

		fprintf(fp, "%-6s %-14s ", b->id, f);
		for (s = b->text; *s; s++) {
			if (*s == '\n')
				fputs("\\n", fp);
			else
				fputc(*s, fp);
		}
		fputc('\n', fp);
	}
	fprintf(fp,
		"\n-t single uses %s; -t pool uses the %zu caption ones; -t vsre the seed paper's\n"
		"(VSRE phases 1 and 4, its numbering and wording); -t ID,ID,... picks some.\n"
		"-t FILE reads your own: one per line, ID<TAB>FORMAT<TAB>TEXT, FORMAT one of\n"
		"yesno, truefalse, letter-yes-no, letter-no-yes, choice; '#' starts a comment.\n"
		"Placeholders: " KNOWN_PLACEHOLDERS ".\n",
		TEMPLATE_CANONICAL_ID, N_BANK);
}
