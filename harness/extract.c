/*
 * extract: model free text -> answer code, with PCRE2.
 *
 * The rules, in the order they are tried, are written out above
 * decide_yesno() and decide_letter().  The guiding principle is the one in
 * the header: never guess.  A reply that hedges, contradicts itself or does
 * not commit is ANS_INVALID, because an invalid answer is visible in the
 * report while a wrong guess silently moves the accuracy.
 *
 * Every reply is first normalised into a private buffer: markdown emphasis,
 * code ticks and double quotes dropped, curly apostrophes made straight,
 * runs of blanks collapsed (newlines kept, they end sentences).  The yes/no
 * rules then run on a lower-cased copy; the letter rules on the cased one,
 * because "A" the option and "a" the article differ in case more often than
 * not.
 *
 * Patterns are compiled once and shared read-only; each call creates its own
 * match data, so extract_answer is safe from any number of threads.  The
 * patterns are compiled without PCRE2_UTF: model output is not guaranteed to
 * be valid UTF-8, every pattern is ASCII, and non-ASCII bytes are simply
 * non-word characters, which is what \b needs.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "extract.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include "../base/buf.h"
#include "../base/util.h"

/* Replies longer than this are judged on their first EXTRACT_TEXT_MAX bytes. */
#define EXTRACT_TEXT_MAX ((size_t)64 * 1024)

enum {
	RX_YN_PREFIX,   /* "answer:", "the answer is" ... at the start */
	RX_YN_LEAD,     /* a yes/no word opening the reply */
	RX_YN_EXPLICIT, /* "answer is no" anywhere */
	RX_YN_POLAR,    /* any yes-ish or no-ish word or phrase */
	RX_YN_CONTRA,   /* "yes or no", "true or not" */
	RX_HEDGE,       /* "cannot tell", "unclear", "not sure" ... */
	RX_L_PREFIX,    /* "Answer:", "The correct option is" ... at the start */
	RX_L_LONE,      /* the whole reply is one letter */
	RX_L_STRONG,    /* "answer is B" anywhere */
	RX_L_TOKEN,     /* a standalone capital letter, "(b)", "b)" */
	RX_N
};

/* Word lists shared by several patterns. */
#define YES_WORDS "yes|yeah|yep|yup|true|affirmative"
#define NOT_ADVERBS "(?:(?:entirely|completely|quite|actually|really|at\\s+all)\\s+)?"
#define NO_LEAD_EXCEPT \
	"(?!\\s+(?:way|idea|clue|doubt|one|image|information|info|clear|definitive|" \
	"conclusive|answer|visible|picture|photo|object|objects|such|data|context|sure)\\b)"
#define NO_LIST_AFTER "(?!\\s*/)(?!\\s*,?\\s*(?:or|nor|and|versus|vs)\\b)"

static const char *const rx_src[RX_N] = {
	[RX_YN_PREFIX] =
		"^(?:(?:the\\s+|my\\s+)?(?:final\\s+|correct\\s+|short\\s+|right\\s+)?"
		"(?:answer|response|verdict|reply)\\b(?:\\s+(?:is|would\\s+be|will\\s+be))?"
		"\\s*[:>=\\-]?|a\\s*:|assistant\\s*:|output\\s*:)\\s*",
	[RX_YN_LEAD] =
		"^(?:(" YES_WORDS "|correct)"
		"|(no" NO_LEAD_EXCEPT "|nope|nah|false|incorrect|wrong|untrue"
		"|not\\s+(?:true|correct|accurate|right|the\\s+case)))\\b" NO_LIST_AFTER,
	[RX_YN_EXPLICIT] =
		"\\b(?:answer|response|verdict|reply)\\b\\s*"
		"(?:is|would\\s+be|will\\s+be|should\\s+be|=|:|-|>)?\\s*:?\\s*[(\\['\\s]*"
		"(?:(yes|true|correct)|(no|false|incorrect))\\b" NO_LIST_AFTER,
	[RX_YN_POLAR] =
		"\\b(" YES_WORDS ")\\b"
		"|(?:\\b(?:is|are|was|were|be|seems|appears)|'s)\\s+"
		"(?:(?:indeed|entirely|completely|absolutely|totally|factually|quite|perfectly)\\s+)?"
		"(correct|accurate)\\b"
		"|\\b(not|isn't|aren't|wasn't|weren't|never)\\s+" NOT_ADVERBS
		"(?:true|correct|accurate|the\\s+case)\\b"
		"|\\b(incorrect|inaccurate|false|untrue|nope)\\b"
		"|(?:\\b(?:is|are|was|were)|'s)\\s+(wrong)\\b"
		"|\\b(?:absolutely|definitely|certainly|surely|of\\s+course)\\s+(not)\\b"
		"|\\b(not)\\s+at\\s+all\\b"
		"|\\b(no)\\b(?=\\s*(?:[,.;:!?)]|$))",
	[RX_YN_CONTRA] =
		"\\b(?:yes|no|true|false|correct|incorrect)"
		"(?:\\s*/\\s*|\\s*,?\\s*\\b(?:or|nor|versus|vs)\\b\\.?\\s*)"
		"(?:not|yes|no|true|false|correct|incorrect)\\b",
	[RX_HEDGE] =
		"\\b(?:can\\s*not|can't|cannot|could\\s+not|couldn't|unable\\s+to|not\\s+able\\s+to"
		"|impossible\\s+to|not\\s+possible\\s+to|hard\\s+to|difficult\\s+to|no\\s+way\\s+(?:to|of))"
		"\\s+(?:\\w+\\s+){0,3}?"
		"(?:tell|say|determine|answer|confirm|verify|know|knowing|see|decide|judge"
		"|be\\s+determined|be\\s+sure|be\\s+certain|assess|infer|conclude|establish|identify"
		"|make\\s+out|view|access|process)\\b"
		"|\\b(?:unclear|uncertain|unsure|ambiguous|indeterminate|undetermined|inconclusive"
		"|undecidable|unanswerable|insufficient|unknowable)\\b"
		"|\\bnot\\s+(?:\\w+\\s+)?(?:sure|certain|clear|visible|enough|possible|determinable"
		"|conclusive)\\b"
		"|\\bnot\\s+necessarily\\b"
		"|\\b(?:no\\s+idea|no\\s+clue|it\\s+depends|depends\\s+on|don't\\s+know|do\\s+not\\s+know"
		"|dunno|sorry|apologi[sz]e|as\\s+an\\s+ai|may\\s+or\\s+may\\s+not|either\\s+way"
		"|hard\\s+to\\s+say|difficult\\s+to\\s+say|neither)\\b"
		"|\\bno\\s+(?:image|picture|photo)\\b"
		"|\\bwithout\\s+(?:the|an|a|seeing\\s+the|more|further|additional)\\s+"
		"(?:image|picture|photo|information|context|details)\\b",
	[RX_L_PREFIX] =
		"^(?i:(?:the\\s+|my\\s+)?(?:final\\s+|correct\\s+|best\\s+|right\\s+)?"
		"(?:answer|option|choice|response)\\b(?:\\s+(?:is|would\\s+be|should\\s+be|will\\s+be))?)"
		"\\s*[:>=\\-]?\\s*",
	[RX_L_LONE] =
		"^[(\\[{<]?\\s*([A-Za-z])\\s*[)\\]}>]?\\s*[.:,!;]?\\s*$",
	[RX_L_STRONG] =
		"(?i:\\b(?:answer|response)\\b(?:\\s+(?:is|would\\s+be|should\\s+be|will\\s+be))?)"
		"\\s*(?i:(?:option|choice)\\s*)?[:>=\\-]?\\s*[(\\[]?\\s*([A-Za-z])(?![A-Za-z0-9'\\-])",
	[RX_L_TOKEN] =
		"(?<![A-Za-z0-9'.\\-])(?:\\(([A-Za-z])\\)|([A-Z])(?![A-Za-z0-9'\\-]|\\.[A-Za-z0-9])"
		"|([a-z])\\)(?=\\s|$))",
};

/* Patterns matched on the lower-cased text may as well ignore case. */
static const uint32_t rx_opts[RX_N] = {
	[RX_YN_PREFIX] = PCRE2_CASELESS,
	[RX_YN_LEAD] = PCRE2_CASELESS,
	[RX_YN_EXPLICIT] = PCRE2_CASELESS,
	[RX_YN_POLAR] = PCRE2_CASELESS,
	[RX_YN_CONTRA] = PCRE2_CASELESS,
	[RX_HEDGE] = PCRE2_CASELESS,
};

static pcre2_code *rx[RX_N];
static uint32_t ovec_pairs; /* enough ovector pairs for every pattern */
static atomic_int ready;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

static void free_patterns(void)
{
	size_t i;

	for (i = 0; i < RX_N; i++) {
		pcre2_code_free(rx[i]);
		rx[i] = NULL;
	}
}

int extract_init(char *err)
{
	int rc = 0;
	size_t i;

	pthread_mutex_lock(&init_lock);
	if (atomic_load(&ready))
		goto out;
	ovec_pairs = 1;
	for (i = 0; i < RX_N; i++) {
		int ec;
		PCRE2_SIZE off;
		uint32_t groups = 0;

		rx[i] = pcre2_compile((PCRE2_SPTR)rx_src[i], PCRE2_ZERO_TERMINATED, rx_opts[i], &ec,
				      &off, NULL);
		if (!rx[i]) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(ec, msg, sizeof(msg));
			free_patterns();
			rc = err_set(err, VSR_EUSAGE,
				     "internal error: answer pattern %zu does not compile at offset %zu: %s",
				     i, (size_t)off, (const char *)msg);
			goto out;
		}
		/* JIT is an optimisation: without it the interpreter runs. */
		(void)pcre2_jit_compile(rx[i], PCRE2_JIT_COMPLETE);
		pcre2_pattern_info(rx[i], PCRE2_INFO_CAPTURECOUNT, &groups);
		if (groups + 1 > ovec_pairs)
			ovec_pairs = groups + 1;
	}
	atomic_store(&ready, 1);
out:
	pthread_mutex_unlock(&init_lock);
	return rc;
}

void extract_free(void)
{
	pthread_mutex_lock(&init_lock);
	if (atomic_load(&ready))
		free_patterns();
	atomic_store(&ready, 0);
	pthread_mutex_unlock(&init_lock);
}

/* ------------------------------------------------------------------ */
/* Matching helpers                                                    */
/* ------------------------------------------------------------------ */

struct ctx {
	pcre2_match_data *md;
	PCRE2_SIZE *ov;
};

/*
 * rx_at: matches pattern `which` against s[start, end) as its own subject, so
 * that ^ anchors at start.  rx_find: searches s[0, end) from `from` on, so
 * that \b and look-behinds see the text before `from`.  Both return 1 on a
 * match, with the offsets in c->ov relative to s, else 0.
 */
static int rx_at(struct ctx *c, int which, const char *s, size_t start, size_t end)
{
	int r, i;

	if (start > end)
		return 0;
	r = pcre2_match(rx[which], (PCRE2_SPTR)(s + start), end - start, 0, 0, c->md, NULL);
	if (r <= 0)
		return 0;
	for (i = 0; i < (int)ovec_pairs * 2; i++)
		if (i >= r * 2)
			c->ov[i] = PCRE2_UNSET;
		else if (c->ov[i] != PCRE2_UNSET)
			c->ov[i] += start;
	return 1;
}

static int rx_find(struct ctx *c, int which, const char *s, size_t from, size_t end)
{
	int r, i;

	if (from > end)
		return 0;
	r = pcre2_match(rx[which], (PCRE2_SPTR)s, end, from, 0, c->md, NULL);
	if (r <= 0)
		return 0;
	for (i = r * 2; i < (int)ovec_pairs * 2; i++)
		c->ov[i] = PCRE2_UNSET;
	return 1;
}

/* Index of the first set capture group (1-based), or 0. */
static int first_group(const struct ctx *c, int ngroups)
{
	int g;

	for (g = 1; g <= ngroups; g++)
		if (c->ov[2 * g] != PCRE2_UNSET)
			return g;
	return 0;
}

static int is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static int is_lower(char ch)
{
	return ch >= 'a' && ch <= 'z';
}

/*
 * Markdown out, quotes straight, blanks collapsed, optionally lower-cased.
 * Bytes above EXTRACT_TEXT_MAX are ignored.  `out` must be fresh (BUF_INIT):
 * it is not reset, because buf_reset on an unallocated buffer writes to the
 * shared buf_empty, a data race between threads.
 */
static void normalize(const char *text, struct buf *out, int lower)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = 0;

	for (; *p && n < EXTRACT_TEXT_MAX; p++, n++) {
		unsigned char ch = *p;
		char last = out->len ? out->ptr[out->len - 1] : '\n';

		if (ch == 0xE2 && p[1] == 0x80 && p[2]) {
			unsigned char k = p[2];

			if (k == 0x98 || k == 0x99) { /* curly single quotes */
				buf_addch(out, '\'');
				p += 2;
				continue;
			}
			if (k == 0x9C || k == 0x9D) { /* curly double quotes */
				p += 2;
				continue;
			}
			if (k == 0x93 || k == 0x94) { /* en and em dashes */
				p += 2;
				ch = ' ';
			}
		} else if (ch == 0xC2 && p[1] == 0xA0) { /* no-break space */
			p++;
			ch = ' ';
		}
		switch (ch) {
		case '*': case '`': case '"': case '#': case '_': case '~':
			continue;
		case ' ': case '\t': case '\r': case '\f': case '\v':
			if (last != ' ' && last != '\n')
				buf_addch(out, ' ');
			continue;
		case '\n':
			if (last == ' ')
				buf_setlen(out, out->len - 1);
			if (out->len && out->ptr[out->len - 1] != '\n')
				buf_addch(out, '\n');
			continue;
		default:
			break;
		}
		if (lower && ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		buf_addch(out, ch);
	}
	while (out->len && (out->ptr[out->len - 1] == ' ' || out->ptr[out->len - 1] == '\n'))
		buf_setlen(out, out->len - 1);
}

/* Sentences end at '!', '?', a newline, or a '.' followed by a blank or the end. */
static int ends_sentence(const char *s, size_t len, size_t i)
{
	char ch = s[i];

	if (ch == '\n' || ch == '!' || ch == '?')
		return 1;
	return ch == '.' && (i + 1 >= len || s[i + 1] == ' ' || s[i + 1] == '\n');
}

static size_t sentence_start(const char *s, size_t len, size_t from, size_t i)
{
	while (i > from && !ends_sentence(s, len, i - 1))
		i--;
	return i;
}

static size_t sentence_end(const char *s, size_t len, size_t i)
{
	while (i < len && !ends_sentence(s, len, i))
		i++;
	return i;
}

/* ------------------------------------------------------------------ */
/* Yes / no / true / false                                             */
/* ------------------------------------------------------------------ */

/* RX_YN_POLAR groups 1-2 say yes, 3-8 say no. */
#define POLAR_GROUPS 8
#define POLAR_YES_LAST 2

static answer_t polar_class(const struct ctx *c)
{
	int g = first_group(c, POLAR_GROUPS);

	if (!g)
		return ANS_INVALID;
	return g <= POLAR_YES_LAST ? ANS_YES : ANS_NO;
}

/*
 * s is normalised and lower-cased.  In order:
 *  1. an opening "answer:", "the answer is" ... and punctuation are skipped;
 *  2. a reply that opens with a yes/no word is decided by it ("No, it is
 *     not."), unless the word is part of "yes or no", "yes/no", or "no" opens
 *     a hedge ("no way to tell", "no idea");
 *  3. else an explicit "answer is X" / "answer: X" anywhere decides, unless a
 *     hedge comes before it in the text or in its sentence;
 *  4. else the first sentence with a yes/no word or phrase ("it's true",
 *     "that is not correct", "false", "..., so no.") decides, unless the text
 *     up to the end of that sentence hedges, or the sentence holds both a
 *     yes and a no, or a "yes or no" / "true or not" pair (a sentence
 *     that is such a pair and ends in '?' echoes the question: skipped);
 *  5. else ANS_INVALID.
 * A bare "no" in the middle of a sentence counts only before punctuation or
 * the end: "there is no dog" is not an answer.
 */
static answer_t decide_yesno(struct ctx *c, const char *s, size_t len)
{
	size_t p = 0, start, end, at, from;
	answer_t cls;
	int round;

	for (round = 0; round < 3; round++) {
		while (p < len && !is_alnum(s[p]))
			p++;
		if (!rx_at(c, RX_YN_PREFIX, s, p, len) || c->ov[1] == p)
			break;
		p = c->ov[1];
	}
	if (p >= len)
		return ANS_INVALID;

	if (rx_at(c, RX_YN_LEAD, s, p, len))
		return first_group(c, 2) == 1 ? ANS_YES : ANS_NO;

	if (rx_find(c, RX_YN_EXPLICIT, s, p, len)) {
		cls = first_group(c, 2) == 1 ? ANS_YES : ANS_NO;
		end = sentence_end(s, len, c->ov[1]);
		if (rx_find(c, RX_HEDGE, s, p, end))
			return ANS_INVALID;
		return cls;
	}

	for (from = p;;) {
		if (!rx_find(c, RX_YN_POLAR, s, from, len))
			return ANS_INVALID;
		cls = polar_class(c);
		start = sentence_start(s, len, p, c->ov[0]);
		end = sentence_end(s, len, c->ov[1]);
		if (rx_find(c, RX_HEDGE, s, p, end))
			return ANS_INVALID;
		if (!rx_find(c, RX_YN_CONTRA, s, start, end))
			break;
		/* "Yes or no? No.": an echo of the question, look further. */
		if (end < len && s[end] == '?') {
			from = end + 1;
			continue;
		}
		return ANS_INVALID;
	}
	for (at = start; at < end && rx_find(c, RX_YN_POLAR, s, at, end);) {
		if (polar_class(c) != cls)
			return ANS_INVALID;
		at = c->ov[1] > at ? c->ov[1] : at + 1;
	}
	return cls;
}

/* ------------------------------------------------------------------ */
/* Letter options                                                      */
/* ------------------------------------------------------------------ */

/* Does s (at a word start) begin with word w, case-insensitively? */
static int starts_with_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	return n && !strncasecmp(s, w, n) && !is_alnum(s[n]);
}

static int choice_is(const char *const *choices, size_t n, size_t k, const char *s)
{
	return choices && k < n && choices[k] && starts_with_word(s, choices[k]);
}

/*
 * Decides whether a standalone capital A or I is an option letter or the
 * article / pronoun: "A cat is ..." and "I think ..." are words; "A or B",
 * "A is right", "A yes" (A's own text), "A." and "A" at the end are letters.
 */
static int article_like(const char *s, size_t len, size_t after, char letter,
			const char *const *choices, size_t n)
{
	static const char *const letter_verbs[] = {
		"or", "and", "nor", "vs", "versus", "is", "was", "seems", "appears", "because",
		"since", "would", "should", "will", "matches", "fits", "describes", "says",
		"means", "states", "corresponds", "stands",
	};
	size_t i = after, k;

	if (letter != 'A' && letter != 'I')
		return 0;
	while (i < len && s[i] == ' ')
		i++;
	if (i == after || i >= len || !is_lower(s[i]))
		return 0;
	if (letter == 'I')
		return 1;
	for (k = 0; k < sizeof(letter_verbs) / sizeof(letter_verbs[0]); k++)
		if (starts_with_word(s + i, letter_verbs[k]))
			return 0;
	return !choice_is(choices, n, 0, s + i);
}

/* The text right after an option letter and its bracket or dot. */
static size_t skip_after_letter(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ')' || s[i] == ']' || s[i] == '.' || s[i] == ':' ||
			   s[i] == ',' || s[i] == ' ' || s[i] == '-'))
		i++;
	return i;
}

/* Is s a yes/no-ish option text?  ANS_YES, ANS_NO or ANS_INVALID. */
static answer_t yesno_text(const char *s)
{
	static const char *const yes[] = { "yes", "true", "correct" };
	static const char *const no[] = { "no", "false", "incorrect" };
	size_t k;

	if (!s)
		return ANS_INVALID;
	for (k = 0; k < 3; k++) {
		if (!strcasecmp(s, yes[k]))
			return ANS_YES;
		if (!strcasecmp(s, no[k]))
			return ANS_NO;
	}
	return ANS_INVALID;
}

/* Option k contained as a word in the lower-cased text s, for exactly one k. */
static int unique_option_text(const char *s, const char *const *choices, size_t n)
{
	size_t k;
	int found = -1;

	if (!choices)
		return -1;
	for (k = 0; k < n; k++) {
		const char *w = choices[k], *p;
		size_t wl;
		int hit = 0;

		if (!w)
			continue;
		while (*w == ' ')
			w++;
		wl = strlen(w);
		while (wl && (w[wl - 1] == ' ' || w[wl - 1] == '.'))
			wl--;
		if (!wl)
			continue;
		for (p = s; *p; p++) {
			if (!strncasecmp(p, w, wl) && (p == s || !is_alnum(p[-1])) &&
			    !is_alnum(p[wl])) {
				hit = 1;
				break;
			}
		}
		if (hit) {
			if (found >= 0)
				return -1;
			found = (int)k;
		}
	}
	return found;
}

/*
 * s is normalised with its case kept, low the same lower-cased.  In order:
 *  1. an opening "Answer:", "The correct option is" ... is skipped, and a
 *     reply that is then a single letter ("B", "(b)", "A.") is that letter;
 *  2. "answer is B" / "Answer: (B)" anywhere; two different letters so
 *     named are ANS_INVALID;
 *  3. a hedge ("cannot tell", "not sure") makes the reply ANS_INVALID;
 *  4. standalone capital letters of the options ("B) no", "I pick B",
 *     "(A) yes"): exactly one distinct letter decides, two is ANS_INVALID.
 *     A and I followed by a lower-case word are the article and the pronoun
 *     ("A cat is ...", "I think ..."), except before "or", "is", "says" and the like
 *     or before the option's own text.  A reply opening with a letter whose
 *     text then names another option ("A. no" when A is yes) is ANS_INVALID;
 *  5. else the options' texts: for yes/no options the yes/no rules above
 *     decide and the matching option is chosen; for other options, exactly
 *     one option text contained as a word.
 * A letter outside the options is ANS_INVALID.  Returns the option index or
 * -1.
 */
static int decide_letter(struct ctx *c, const char *s, size_t len, const char *low,
			 const char *const *choices, size_t n)
{
	size_t p = 0, at;
	int letter = -1, k;
	answer_t yn;

	while (p < len && !is_alnum(s[p]) && s[p] != '(' && s[p] != '[')
		p++;
	if (rx_at(c, RX_L_PREFIX, s, p, len) && c->ov[1] > p)
		p = c->ov[1];
	while (p < len && !is_alnum(s[p]) && s[p] != '(' && s[p] != '[')
		p++;
	if (p >= len)
		return -1;
	if (rx_at(c, RX_L_LONE, s, p, len)) {
		char ch = s[c->ov[2]];
		k = is_lower(ch) ? ch - 'a' : ch - 'A';
		return (size_t)k < n ? k : -1;
	}

	for (at = 0; at < len && rx_find(c, RX_L_STRONG, s, at, len); at = c->ov[1]) {
		size_t li = c->ov[2], after = c->ov[3];
		char ch = s[li];

		/* "the answer is a cat": a lower-case letter before a word is the article. */
		if (is_lower(ch) && after + 1 < len && s[after] == ' ' && is_alnum(s[after + 1]))
			continue;
		if (ch == 'I' && article_like(s, len, after, ch, choices, n))
			continue;
		k = is_lower(ch) ? ch - 'a' : ch - 'A';
		if (letter >= 0 && letter != k)
			return -1;
		letter = k;
	}
	if (letter >= 0)
		return (size_t)letter < n ? letter : -1;

	if (rx_find(c, RX_HEDGE, low, 0, len))
		return -1;

	for (at = 0; at < len && rx_find(c, RX_L_TOKEN, s, at, len); at = c->ov[1]) {
		int g = first_group(c, 3);
		size_t li = c->ov[2 * g], after = c->ov[1];
		char ch = s[li];

		if (g == 2 && article_like(s, len, after, ch, choices, n))
			continue;
		k = is_lower(ch) ? ch - 'a' : ch - 'A';
		if ((size_t)k >= n) /* a capital that is no option: "T-shirt", "Plan C" */
			continue;
		if (letter >= 0 && letter != k)
			return -1;
		if (letter < 0 && li <= p + 1) {
			/* An opening letter whose text names another option. */
			size_t t = skip_after_letter(s, len, after);
			size_t j;

			for (j = 0; j < n; j++)
				if ((int)j != k && choice_is(choices, n, j, s + t) &&
				    !choice_is(choices, n, (size_t)k, s + t))
					return -1;
		}
		letter = k;
	}
	if (letter >= 0)
		return letter;

	/* The options' texts. */
	if (choices) {
		int yes_k = -1, no_k = -1, generic = 0;
		size_t j;

		for (j = 0; j < n; j++) {
			answer_t a = yesno_text(choices[j]);

			if (a == ANS_YES && yes_k < 0)
				yes_k = (int)j;
			else if (a == ANS_NO && no_k < 0)
				no_k = (int)j;
			else
				generic = 1;
		}
		if (!generic && yes_k >= 0 && no_k >= 0) {
			yn = decide_yesno(c, low, len);
			return yn == ANS_YES ? yes_k : yn == ANS_NO ? no_k : -1;
		}
		return unique_option_text(low, choices, n);
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                         */
/* ------------------------------------------------------------------ */

answer_t extract_answer(const char *text, const char *const *choices,
			const answer_t *choice_answer, size_t n_choices)
{
	struct buf norm = BUF_INIT, low = BUF_INIT;
	struct ctx c;
	answer_t ans = ANS_INVALID;

	if (!text)
		return ANS_INVALID;
	if (!atomic_load(&ready) && extract_init(NULL))
		return ANS_INVALID;
	c.md = pcre2_match_data_create(ovec_pairs, NULL);
	if (!c.md)
		return ANS_INVALID;
	c.ov = pcre2_get_ovector_pointer(c.md);
	if (n_choices > 26)
		n_choices = 26;

	if (n_choices == 0) {
		normalize(text, &low, 1);
		if (low.len)
			ans = decide_yesno(&c, low.ptr, low.len);
	} else {
		normalize(text, &norm, 0);
		if (norm.len && !buf_add(&low, norm.ptr, norm.len)) {
			int k;

			str_lower(low.ptr);
			k = decide_letter(&c, norm.ptr, norm.len, low.ptr, choices, n_choices);
			if (k >= 0)
				ans = choice_answer ? choice_answer[k] : ANS_LETTER(k);
		}
	}
	buf_release(&norm);
	buf_release(&low);
	pcre2_match_data_free(c.md);
	return ans;
}
