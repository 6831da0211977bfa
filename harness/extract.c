/*
 * extract: model free text -> answer code, with PCRE2.
 *
 * The procedure is the one in extract.h and, step by step with every table,
 * in docs/extraction.md; this file follows the same order:
 *
 *   strip_think()     reasoning between the think tags is removed;
 *   normalize()       markdown, quotes, tags and full-width punctuation out,
 *                     blanks collapsed (newlines kept: they end sentences);
 *   find_*()          every candidate signal with its span: hedges, neutral
 *                     phrases (echoes like "yes or no", negated letters),
 *                     yes/no words, option letters, option texts;
 *   resolve()         overlapping candidates: the longest span wins, then the
 *                     stronger kind ("not true" beats "true", "None of the
 *                     above" beats the option "above");
 *   decide()          signals mapped through the options, echoes, lists and
 *                     questions set aside, then: a hedge or an unmapped letter
 *                     is invalid; the explicit signals (yes/no words, letters,
 *                     option texts next to a letter or after "answer:") must
 *                     all agree; without any, the options' texts mentioned in
 *                     passing must all agree.
 *
 * Patterns are compiled once and shared read-only; each call has its own
 * match data and buffers, so extract_answer is safe from any number of
 * threads.  They are compiled without PCRE2_UTF: model output is not
 * guaranteed to be valid UTF-8, the Chinese words are matched as byte
 * sequences, and other non-ASCII bytes are simply non-word characters, which
 * is what \b needs.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "extract.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/buf.h"
#include "../base/util.h"

/* Replies longer than this are judged on their first EXTRACT_TEXT_MAX bytes. */
#define EXTRACT_TEXT_MAX ((size_t)64 * 1024)

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

/* Clause start: the reply's start, or after punctuation (and one blank). */
#define CS "(?:^|(?<=[\\n.!?,;:(\\[>'])|(?<=[\\n.!?,;:(\\[>'\\-] ))"
/* Clause end: punctuation, " - " or the end. */
#define CE "(?=\\s*(?:[\\n.!?,;:)\\]']|-\\s|$))"
/* The same, but "No. 5" is a number, not an answer. */
#define CE_NO "(?=\\s*(?:[\\n!?,;:)\\]'(\\[]|\\.(?!\\s?\\d)|-\\s|$))"
/* Chinese words count only as a whole clause: "是。", "是的，", never the copula in "答案是C". */
#define CJK_CS "(?:^|(?<=[\\s.!?,;:(\\[>'\\-]))"
#define CJK_CE "(?=[\\s.!?,;:)\\]'\\-]|$)"
#define COPULA "\\b(?:is|are|was|were|'s|be|been|seems?|appears?|sounds?|remains?|say|answer)\\s+"
#define ADV \
	"(?:(?:entirely|completely|absolutely|totally|clearly|definitely|simply|factually|quite" \
	"|probably|obviously|indeed|perfectly|certainly|actually|really|also|likely)\\s+)?"
#define NEG_ADV \
	"(?:(?:entirely|completely|quite|actually|really|exactly|strictly|totally|fully|at\\s+all)\\s+)?"
#define LEAN \
	"(?:probably|likely|possibly|perhaps|maybe|definitely|certainly|absolutely|surely" \
	"|of\\s+course|clearly|obviously|most\\s+likely|most\\s+certainly|almost\\s+certainly)"
#define POLAR_WORD "(?:yes|no|true|false|correct|incorrect|right|wrong)"
#define LETTER_MARKER \
	"(?i:\\b(?:answer|option|choice|response|letter|pick|picked|choose|chose|select|selected)\\b" \
	"(?:\\s+(?:is|was|would\\s+be|should\\s+be|will\\s+be|must\\s+be))?" \
	"(?:\\s+(?:option|choice|letter))?)\\s*[:=>\\-]?\\s*"

struct pattern {
	const char *src;
	enum kind kind;
	int value;    /* K_POLAR: ANS_YES / ANS_NO; K_LETTER: enum lshape */
	int priority; /* P_* */
	int cased;    /* 1: matched with case (letters); 0: caseless */
};

static const struct pattern patterns[] = {
	/* Hedges: the reply withdraws its answer. */
	{ "\\b(?:can\\s*not|can't|cannot|could\\s+not|couldn't|unable\\s+to|not\\s+able\\s+to"
	  "|impossible\\s+to|not\\s+possible\\s+to|hard\\s+to|difficult\\s+to|no\\s+way\\s+(?:to|of)"
	  "|too\\s+\\w+\\s+to)\\s+(?:\\w+\\s+){0,3}?"
	  "(?:tell|say|determine|answer|confirm|verify|know|knowing|see|decide|judge|be\\s+determined"
	  "|be\\s+sure|be\\s+certain|assess|infer|conclude|establish|identify|make\\s+out|view|access"
	  "|process|provide|help|assist|distinguish|discern|be\\s+seen|be\\s+told)\\b",
	  K_HEDGE, 0, P_HEDGE, 0 },
	{ "\\b(?:unclear|uncertain|unsure|ambiguous|indeterminate|undetermined|inconclusive"
	  "|undecidable|unanswerable|insufficient|unknowable|indistinguishable)\\b",
	  K_HEDGE, 0, P_HEDGE, 0 },
	{ "\\bnot\\s+(?:(?:entirely|completely|quite|very|fully|totally|really|100%|absolutely|too|so)\\s+)?"
	  "(?:sure|certain|clear|visible|possible|determinable|conclusive|specified|discernible"
	  "|sufficient|confident)\\b",
	  K_HEDGE, 0, P_HEDGE, 0 },
	{ "\\bnot\\s+(?:\\w+\\s+){0,2}?enough\\s+(?:information|info|detail|details|context|evidence"
	  "|resolution|data)\\b",
	  K_HEDGE, 0, P_HEDGE, 0 },
	{ "\\b(?:not\\s+necessarily|no\\s+idea|no\\s+clue|(?:it|that)\\s+(?:all\\s+)?depends|don't\\s+know"
	  "|do\\s+not\\s+know|dunno|as\\s+an\\s+ai|may\\s+or\\s+may\\s+not|might\\s+or\\s+might\\s+not"
	  "|either\\s+way|neither|not\\s+applicable|none\\s+of\\s+the\\s+above|all\\s+of\\s+the\\s+above)\\b",
	  K_HEDGE, 0, P_HEDGE, 0 },
	{ "(?<![a-z0-9])n\\s*/\\s*a(?![a-z0-9])", K_HEDGE, 0, P_HEDGE, 0 },
	{ "\\bwithout\\s+(?:the|an|a|seeing\\s+the|more|further|additional|access\\s+to\\s+the)\\s+"
	  "(?:image|picture|photo|information|context|details)\\b",
	  K_HEDGE, 0, P_HEDGE, 0 },
	{ "\\bno\\s+(?:image|picture|photo)\\s+(?:is\\s+|was\\s+|has\\s+been\\s+)?"
	  "(?:provided|attached|given|available|shown|uploaded|included)\\b",
	  K_HEDGE, 0, P_HEDGE, 0 },
	{ "\xe6\x97\xa0\xe6\xb3\x95\xe5\x88\xa4\xe6\x96\xad"     /* 无法判断 */
	  "|\xe6\x97\xa0\xe6\xb3\x95\xe7\xa1\xae\xe5\xae\x9a"    /* 无法确定 */
	  "|\xe6\x97\xa0\xe6\xb3\x95\xe5\x9b\x9e\xe7\xad\x94"    /* 无法回答 */
	  "|\xe4\xb8\x8d\xe7\xa1\xae\xe5\xae\x9a"                /* 不确定 */
	  "|\xe4\xb8\x8d\xe7\x9f\xa5\xe9\x81\x93"                /* 不知道 */
	  "|\xe7\x9c\x8b\xe4\xb8\x8d\xe6\xb8\x85"                /* 看不清 */
	  "|\xe9\x9a\xbe\xe4\xbb\xa5\xe5\x88\xa4\xe6\x96\xad"    /* 难以判断 */
	  "|\xe8\xaf\xb4\xe4\xb8\x8d\xe6\xb8\x85"                /* 说不清 */
	  "|\xe4\xb8\x8d\xe6\xb8\x85\xe6\xa5\x9a",               /* 不清楚 */
	  K_HEDGE, 0, P_HEDGE, 1 },

	/* Neutral: echoes of the question and words about options, not answers. */
	{ "\\b" POLAR_WORD "\\s*(?:/|\\bor\\b|\\bnor\\b|\\bvs\\b\\.?|\\bversus\\b)\\s*(?:not|" POLAR_WORD ")\\b",
	  K_NEUTRAL, 0, P_NEUTRAL, 0 },
	{ "\xe6\x98\xaf\xe5\x90\xa6"                             /* 是否 */
	  "|\xe6\x98\xaf\xe6\x88\x96\xe5\x90\xa6"                /* 是或否 */
	  "|\xe6\x98\xaf\xe4\xb8\x8d\xe6\x98\xaf"                /* 是不是 */
	  "|\xe5\xaf\xb9\xe6\x88\x96\xe9\x94\x99",               /* 对或错 */
	  K_NEUTRAL, 0, P_NEUTRAL, 1 },
	{ "\\b(?:correct|right|true|best|wrong|incorrect|false|final)\\s+"
	  "(?:answer|option|choice|letter|response)s?\\b",
	  K_NEUTRAL, 0, P_NEUTRAL, 0 },
	/* A letter ruled out is no pick: "Not A.", "A is wrong". */
	{ "(?i:\\bnot\\s+(?:option\\s+|choice\\s+)?)[(\\[]?[A-Z](?![A-Za-z0-9'\\-])[)\\]]?",
	  K_NEUTRAL, 0, P_VERDICT, 1 },
	{ "(?<![A-Za-z0-9'.\\-])(?:(?i:option|choice)\\s+)?[(\\[]?[A-Z][)\\]]?\\s+"
	  "(?i:(?:is|was|seems|appears)\\s+(?:not\\s+(?:the\\s+)?(?:correct|right|true|accurate|answer|best)"
	  "(?:\\s+(?:answer|option|choice|one))?|incorrect|wrong|false|inaccurate))\\b",
	  K_NEUTRAL, 0, P_VERDICT, 1 },

	/* No. */
	{ "\\b(?:i\\s+)?(?:don't|do\\s+not|doesn't|does\\s+not)\\s+(?:think|believe|seem|appear)\\s+so\\b",
	  K_POLAR, ANS_NO, P_POLAR, 0 },
	{ "\\bi\\s+(?:think|believe|guess|suppose)\\s+not\\b|\\bi\\s+doubt\\s+it\\b",
	  K_POLAR, ANS_NO, P_POLAR, 0 },
	{ CS LEAN "\\s+not" CE, K_POLAR, ANS_NO, P_POLAR, 0 },
	{ CS "not(?:\\s+(?:really|at\\s+all|quite|so|likely|exactly))?" CE, K_POLAR, ANS_NO, P_POLAR, 0 },
	{ "\\b(?:not|isn't|aren't|wasn't|weren't|never)\\s+" NEG_ADV "(?:true|correct|accurate|the\\s+case)\\b",
	  K_POLAR, ANS_NO, P_POLAR, 0 },
	{ "\\b(?:that's|that\\s+is|it's|it\\s+is|you're|you\\s+are)\\s+not\\s+right\\b",
	  K_POLAR, ANS_NO, P_POLAR, 0 },
	{ COPULA ADV "\\K(?:false|incorrect|inaccurate|untrue|wrong)\\b", K_POLAR, ANS_NO, P_POLAR, 0 },
	{ CS "(?:false|incorrect|inaccurate|untrue|wrong|negative|never|no\\s+way|nay)" CE,
	  K_POLAR, ANS_NO, P_POLAR, 0 },
	{ "\\b(?:nope|nah)\\b", K_POLAR, ANS_NO, P_POLAR, 0 },
	{ "\\b(?:a|an)\\s+(?:false|incorrect|inaccurate|untrue|wrong)\\s+"
	  "(?:statement|description|claim|caption|assertion|sentence)\\b",
	  K_POLAR, ANS_NO, P_POLAR, 0 },
	{ "\\bno\\b" CE_NO, K_POLAR, ANS_NO, P_POLAR, 0 },
	/* Right after an option letter: "A. no B. yes". */
	{ "(?:(?<=\\b[A-Za-z][.):\\]] )|(?<=\\b[A-Za-z][.):\\]])|(?<=\\b[A-Za-z] - ))no\\b",
	  K_POLAR, ANS_NO, P_POLAR, 0 },
	{ CS "no(?=\\s+(?:it|it's|its|the|there|there's|this|that|that's|they|they're|these|those|he"
	  "|he's|she|she's|i|i'm|we|we're|you|you're|not|because|since|but|unfortunately|actually"
	  "|sorry|definitely|absolutely)\\b)",
	  K_POLAR, ANS_NO, P_POLAR, 0 },
	{ CJK_CS "(?:\xe4\xb8\x8d\xe6\x98\xaf\xe7\x9a\x84"       /* 不是的 */
	  "|\xe4\xb8\x8d\xe6\x98\xaf"                            /* 不是 */
	  "|\xe4\xb8\x8d\xe5\xaf\xb9"                            /* 不对 */
	  "|\xe4\xb8\x8d\xe6\xad\xa3\xe7\xa1\xae"                /* 不正确 */
	  "|\xe9\x94\x99\xe8\xaf\xaf"                            /* 错误 */
	  "|\xe9\x94\x99"                                        /* 错 */
	  "|\xe5\x90\xa6"                                        /* 否 */
	  "|\xe4\xb8\x8d)" CJK_CE,                               /* 不 */
	  K_POLAR, ANS_NO, P_POLAR, 1 },

	/* Yes. */
	{ "\\bi(?:\\s+(?:think|believe|guess|suppose|would\\s+say)|'d\\s+say)\\s+so\\b"
	  "|\\b(?:it\\s+)?(?:seems|appears)\\s+so\\b",
	  K_POLAR, ANS_YES, P_POLAR, 0 },
	{ CS "(?:absolutely|definitely|certainly|surely|sure|of\\s+course|indeed|exactly|affirmative"
	  "|correct|true|precisely|very\\s+much\\s+so|most\\s+certainly|yes\\s+indeed)" CE,
	  K_POLAR, ANS_YES, P_POLAR, 0 },
	{ "\\b(?:that's|that\\s+is|you're|you\\s+are|quite|exactly|absolutely)\\s+right\\b",
	  K_POLAR, ANS_YES, P_POLAR, 0 },
	{ COPULA ADV "\\K(?:true|correct|accurate)\\b", K_POLAR, ANS_YES, P_POLAR, 0 },
	{ "\\bnot\\s+(?:false|incorrect|wrong|inaccurate|untrue)\\b", K_POLAR, ANS_YES, P_POLAR, 0 },
	{ "\\b(?:a|an)\\s+(?:true|correct|accurate)\\s+"
	  "(?:statement|description|claim|caption|assertion|sentence)\\b",
	  K_POLAR, ANS_YES, P_POLAR, 0 },
	{ "\\b(?:yes|yeah|yep|yup|yea|aye|affirmative)\\b", K_POLAR, ANS_YES, P_POLAR, 0 },
	{ CJK_CS "(?:\xe6\x98\xaf\xe7\x9a\x84"                   /* 是的 */
	  "|\xe6\x98\xaf"                                        /* 是 */
	  "|\xe5\xaf\xb9\xe7\x9a\x84"                            /* 对的 */
	  "|\xe5\xaf\xb9"                                        /* 对 */
	  "|\xe6\xad\xa3\xe7\xa1\xae"                            /* 正确 */
	  "|\xe6\xb2\xa1\xe9\x94\x99"                            /* 没错 */
	  "|\xe5\xbd\x93\xe7\x84\xb6)" CJK_CE,                   /* 当然 */
	  K_POLAR, ANS_YES, P_POLAR, 1 },

	/* Letters. */
	{ "(?<![A-Za-z0-9'.\\-])(?:(?i:option|choice)\\s+)?[(\\[]?([A-Z])[)\\]]?\\s+"
	  "(?i:(?:is|seems|appears)\\s+(?:the\\s+)?(?:correct|right|best|true|accurate)"
	  "(?:\\s+(?:answer|option|choice|one))?)\\b",
	  K_LETTER, L_MARKED, P_VERDICT, 1 },
	{ LETTER_MARKER "\\K[(\\[]?\\s*([A-Za-z])\\s*[)\\]]?(?![A-Za-z0-9'\\-])", K_LETTER, L_MARKED,
	  P_LETTER, 1 },
	{ "(?:\xe7\xad\x94\xe6\xa1\x88\xe6\x98\xaf"              /* 答案是 */
	  "|\xe7\xad\x94\xe6\xa1\x88\xe4\xb8\xba"                /* 答案为 */
	  "|\xe7\xad\x94\xe6\xa1\x88"                            /* 答案 */
	  "|\xe9\x80\x89\xe9\xa1\xb9"                            /* 选项 */
	  "|\xe9\x80\x89\xe6\x8b\xa9"                            /* 选择 */
	  "|\xe9\x80\x89)\\s*:?\\s*\\K([A-Za-z])(?![A-Za-z0-9])", /* 选 */
	  K_LETTER, L_MARKED, P_LETTER, 1 },
	{ "(?<![A-Za-z0-9])[(\\[]\\s*([A-Za-z])\\s*[)\\]]", K_LETTER, L_MARKED, P_LETTER, 1 },
	{ "(?<![A-Za-z0-9'.\\-/&(\\[])([A-Za-z])\\)(?=\\s|$|[.,:;])", K_LETTER, L_MARKED, P_LETTER, 1 },
	{ "(?<![A-Za-z0-9'.\\-/&_])([A-Z])(?![A-Za-z0-9'\\-&_/]|\\.[A-Za-z]\\.)", K_LETTER, L_BARE,
	  P_LETTER, 1 },
};

#define N_PATTERNS (sizeof(patterns) / sizeof(patterns[0]))

/* Patterns used by the code around the table. */
enum {
	RX_LONE,      /* the whole reply is one letter */
	RX_TEXT_MARK, /* "answer:", "the answer is" right before an option's text */
	RX_N
};

static const char *const rx_src[RX_N] = {
	[RX_LONE] = "^[(\\[{<]?\\s*([A-Za-z])\\s*[)\\]}>]?\\s*[.:,!;]?\\s*$",
	[RX_TEXT_MARK] = "(?i:\\b(?:answer|option|choice|pick|choose|select)\\b"
			 "(?:\\s+(?:is|was|would\\s+be|should\\s+be|will\\s+be|must\\s+be))?)"
			 "\\s*[:=\\-]?\\s*$",
};

static pcre2_code *rx_table[N_PATTERNS];
static pcre2_code *rx[RX_N];
static uint32_t ovec_pairs; /* enough ovector pairs for every pattern */
static atomic_int ready;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

static void free_patterns(void)
{
	size_t i;

	for (i = 0; i < N_PATTERNS; i++) {
		pcre2_code_free(rx_table[i]);
		rx_table[i] = NULL;
	}
	for (i = 0; i < RX_N; i++) {
		pcre2_code_free(rx[i]);
		rx[i] = NULL;
	}
}

static int compile_one(pcre2_code **out, const char *src, uint32_t opts, size_t index,
		       char *err)
{
	int ec;
	PCRE2_SIZE off;
	uint32_t groups = 0;

	*out = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, opts, &ec, &off, NULL);
	if (!*out) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ec, msg, sizeof(msg));
		return err_set(err, VSR_EUSAGE,
			       "internal error: answer pattern %zu does not compile at offset %zu: %s",
			       index, (size_t)off, (const char *)msg);
	}
	/* JIT is an optimisation: without it the interpreter runs. */
	(void)pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(*out, PCRE2_INFO_CAPTURECOUNT, &groups);
	if (groups + 1 > ovec_pairs)
		ovec_pairs = groups + 1;
	return 0;
}

int extract_init(char *err)
{
	int rc = 0;
	size_t i;

	pthread_mutex_lock(&init_lock);
	if (atomic_load(&ready))
		goto out;
	ovec_pairs = 1;
	for (i = 0; i < N_PATTERNS && !rc; i++)
		rc = compile_one(&rx_table[i], patterns[i].src,
				 patterns[i].cased ? 0 : PCRE2_CASELESS, i, err);
	for (i = 0; i < RX_N && !rc; i++)
		rc = compile_one(&rx[i], rx_src[i], 0, N_PATTERNS + i, err);
	if (rc) {
		free_patterns();
		goto out;
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

const char *extract_why_name(enum extract_why why)
{
	switch (why) {
	case EXTRACT_OK: return "ok";
	case EXTRACT_EMPTY: return "empty";
	case EXTRACT_THINK_UNCLOSED: return "think-unclosed";
	case EXTRACT_NO_SIGNAL: return "no-signal";
	case EXTRACT_HEDGE: return "hedge";
	case EXTRACT_CONFLICT: return "conflict";
	case EXTRACT_UNMAPPED: return "unmapped";
	}
	return "unknown";
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static int is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static int is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\n';
}

/* Case-insensitive (ASCII) search of needle in hay[0, len). */
static const char *find_ci(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	if (!n || n > len)
		return NULL;
	for (i = 0; i + n <= len; i++)
		if (!strncasecmp(hay + i, needle, n))
			return hay + i;
	return NULL;
}

/* Does the word at s (length len) equal w, ignoring ASCII case? */
static int word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && !strncasecmp(s, w, len);
}

/* ------------------------------------------------------------------ */
/* Step 1: reasoning out                                               */
/* ------------------------------------------------------------------ */

/*
 * Copies text without its reasoning into out (at most EXTRACT_TEXT_MAX
 * bytes).  A block open..close is dropped; so is everything before a close
 * tag that has no open tag before it (templates that put the open tag into
 * the prompt); an open tag that never closes drops the rest of the reply.
 * Returns 1 when such an unclosed block was dropped, 0 otherwise, -1 when out
 * of memory.
 */
static int strip_think(const char *text, const struct extract_opts *o, struct buf *out)
{
	const char *open = o && o->think_open ? o->think_open : EXTRACT_THINK_OPEN;
	const char *close = o && o->think_close ? o->think_close : EXTRACT_THINK_CLOSE;
	size_t ol = strlen(open), cl = strlen(close), len = strlen(text);
	const char *p = text, *end = text + len, *a, *c;
	int unclosed = 0;

	if (!ol || !cl)
		return buf_add(out, text, len < EXTRACT_TEXT_MAX ? len : EXTRACT_TEXT_MAX) ? -1 : 0;
	/* a and c are the next open and close tags at or after p (each search moves forward only). */
	a = find_ci(p, len, open);
	c = find_ci(p, len, close);
	while (p < end && out->len < EXTRACT_TEXT_MAX) {
		size_t keep;

		if (c && (!a || c < a)) {
			/* A close without an open: what came before was reasoning. */
			buf_setlen(out, 0);
			p = c + cl;
			c = find_ci(p, (size_t)(end - p), close);
			if (a && a < p)
				a = find_ci(p, (size_t)(end - p), open);
			continue;
		}
		keep = a ? (size_t)(a - p) : (size_t)(end - p);
		if (keep > EXTRACT_TEXT_MAX - out->len)
			keep = EXTRACT_TEXT_MAX - out->len;
		if (buf_add(out, p, keep))
			return -1;
		if (!a)
			break;
		c = find_ci(a + ol, (size_t)(end - a - ol), close);
		if (!c) {
			unclosed = 1;
			break;
		}
		p = c + cl;
		a = find_ci(p, (size_t)(end - p), open);
		c = find_ci(p, (size_t)(end - p), close);
	}
	return unclosed;
}

/* ------------------------------------------------------------------ */
/* Step 2: normalisation                                               */
/* ------------------------------------------------------------------ */

/* Length of an HTML-like tag at s ("<answer>", "</b>"), or 0. */
static size_t tag_len(const unsigned char *s)
{
	size_t i = 1, name = 0;

	if (s[i] == '/')
		i++;
	while (i < 40 && (is_alnum((char)s[i]) || s[i] == '_' || s[i] == '|' || s[i] == '-')) {
		i++;
		name++;
	}
	if (!name)
		return 0;
	/* One-letter tags only as lower-case HTML (<b>, <i>): "<B>" is an option. */
	if (name == 1 && !strchr("biups", (char)s[i - 1]))
		return 0;
	while (i < 64 && s[i] && s[i] != '>' && s[i] != '<' && s[i] != '\n')
		i++;
	return s[i] == '>' ? i + 1 : 0;
}

/*
 * Markdown out, quotes straight, tags and full-width punctuation made ASCII,
 * blanks collapsed (newlines kept), case kept.  Reads text[0, len).  `out`
 * must be fresh (BUF_INIT): buf_reset on an unallocated buffer would write to
 * the shared buf_empty, a data race between threads.  Returns -1 when out of
 * memory.
 */
static int normalize(const char *text, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	int rc = 0;

	for (; p < end; p++) {
		unsigned char ch = *p;
		char last = out->len ? out->ptr[out->len - 1] : '\n';
		size_t left = (size_t)(end - p);

		if (ch == 0xE2 && left >= 3 && p[1] == 0x80) {
			unsigned char k = p[2];

			if (k == 0x98 || k == 0x99) { /* curly single quotes */
				rc |= buf_addch(out, '\'');
				p += 2;
				continue;
			}
			if (k == 0x9C || k == 0x9D) { /* curly double quotes */
				p += 2;
				continue;
			}
			if (k == 0x93 || k == 0x94 || k == 0xA6) { /* dashes, ellipsis */
				p += 2;
				ch = k == 0xA6 ? '.' : ' ';
			}
		} else if (ch == 0xC2 && left >= 2 && p[1] == 0xA0) { /* no-break space */
			p++;
			ch = ' ';
		} else if (ch == 0xEF && left >= 3 && p[1] == 0xBC) { /* full-width forms */
			static const char map[] = { [0x81] = '!', [0x88] = '(', [0x89] = ')',
						    [0x8C] = ',', [0x9A] = ':', [0x9B] = ';',
						    [0x9F] = '?' };
			unsigned char k = p[2];

			if (k < sizeof(map) && map[k]) {
				ch = (unsigned char)map[k];
				p += 2;
			} else if (k >= 0xA1 && k <= 0xBA) { /* Ａ..Ｚ */
				ch = (unsigned char)('A' + (k - 0xA1));
				p += 2;
			}
		} else if (ch == 0xE3 && left >= 3 && p[1] == 0x80 && (p[2] == 0x82 || p[2] == 0x81)) {
			ch = p[2] == 0x82 ? '.' : ','; /* 。 、 */
			p += 2;
		} else if (ch == '<') {
			size_t t = tag_len(p);

			if (t) {
				p += t - 1;
				ch = '\n';
			}
		}
		switch (ch) {
		case '*': case '`': case '"': case '#': case '_': case '~':
			continue;
		case ' ': case '\t': case '\r': case '\f': case '\v':
			if (last != ' ' && last != '\n')
				rc |= buf_addch(out, ' ');
			continue;
		case '\n':
			if (last == ' ')
				buf_setlen(out, out->len - 1);
			if (out->len && out->ptr[out->len - 1] != '\n')
				rc |= buf_addch(out, '\n');
			continue;
		default:
			break;
		}
		rc |= buf_addch(out, ch);
	}
	while (out->len && is_blank(out->ptr[out->len - 1]))
		buf_setlen(out, out->len - 1);
	return rc ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Step 3: candidate signals                                           */
/* ------------------------------------------------------------------ */

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

static void push(struct reader *r, size_t start, size_t end, enum kind kind, int priority,
		 int value, int marked)
{
	struct sig *s;

	if (end <= start || r->oom)
		return;
	if (r->nv == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct sig *v = realloc(r->v, cap * sizeof(*v));

		if (!v) {
			r->oom = 1;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	s = &r->v[r->nv++];
	memset(s, 0, sizeof(*s));
	s->start = start;
	s->end = end;
	s->kind = (unsigned char)kind;
	s->priority = (unsigned char)priority;
	s->value = value;
	s->marked = (unsigned char)marked;
}

/* Words after a capital A that make it a letter, not the article: "A or B", "A is right". */
static int letter_word(const char *w, size_t n)
{
	static const char *const words[] = {
		"or", "and", "nor", "vs", "versus", "is", "was", "seems", "appears", "because",
		"since", "would", "should", "will", "matches", "fits", "describes", "says",
		"means", "states", "corresponds", "stands", "yes", "no", "true", "false", "correct",
		"incorrect", "right", "wrong",
	};
	size_t k;

	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (word_is(w, n, words[k]))
			return 1;
	return 0;
}

/*
 * A bare capital at s[i]: is it an option letter?  Out of range, the pronoun
 * I, and the article A before a word ("A cat is ...") are not.
 */
static int bare_letter_ok(const struct reader *r, size_t i)
{
	char ch = r->s[i];
	size_t j = i + 1, w;

	if (!r->n || (size_t)(ch - 'A') >= r->n || ch == 'I')
		return 0;
	if (ch != 'A' || j >= r->len || r->s[j] != ' ')
		return 1;
	j++;
	for (w = j; w < r->len && is_alpha(r->s[w]); w++)
		;
	if (w - j < 2)
		return 1; /* "A B", "A 2" */
	return letter_word(r->s + j, w - j);
}

/* A marked lower-case letter followed by a word is the article: "the answer is a cat". */
static int marked_letter_ok(const struct reader *r, size_t li, size_t end)
{
	char ch = r->s[li];

	if (ch < 'a' || ch > 'z')
		return 1;
	return !(end + 1 < r->len && r->s[end] == ' ' && is_alpha(r->s[end + 1]) && end == li + 1);
}

static void find_patterns(struct reader *r)
{
	size_t i;

	for (i = 0; i < N_PATTERNS && !r->oom; i++) {
		const struct pattern *pt = &patterns[i];
		size_t off = 0;

		while (off <= r->len) {
			int rc = pcre2_match(rx_table[i], (PCRE2_SPTR)r->s, r->len, off, 0, r->md, NULL);
			size_t start, end;

			if (rc <= 0)
				break;
			start = r->ov[0];
			end = r->ov[1];
			off = end > off ? end : off + 1;
			if (pt->kind != K_LETTER) {
				push(r, start, end, pt->kind, pt->priority, pt->value, 0);
				continue;
			}
			{
				size_t li = r->ov[2];
				char ch = r->s[li];
				int k = ch >= 'a' ? ch - 'a' : ch - 'A';

				if (pt->value == L_BARE && !bare_letter_ok(r, li))
					continue;
				if (pt->value == L_MARKED && pt->priority == P_LETTER &&
				    !marked_letter_ok(r, li, r->ov[3]))
					continue;
				push(r, start, end, K_LETTER, pt->priority, k, pt->value == L_MARKED);
			}
		}
	}
	/* The whole reply is one letter: "B", "(b)", "A.". */
	if (pcre2_match(rx[RX_LONE], (PCRE2_SPTR)r->s, r->len, 0, 0, r->md, NULL) > 0) {
		char ch = r->s[r->ov[2]];

		push(r, 0, r->len, K_LETTER, P_LETTER, ch >= 'a' ? ch - 'a' : ch - 'A', 1);
	}
}

/* Is the option text yes/no-like?  ANS_YES, ANS_NO or ANS_INVALID. */
static answer_t option_polarity(const char *s)
{
	static const char *const yes[] = { "yes", "true", "correct" };
	static const char *const no[] = { "no", "false", "incorrect" };
	size_t k, n = strlen(s);

	for (k = 0; k < 3; k++) {
		if (word_is(s, n, yes[k]))
			return ANS_YES;
		if (word_is(s, n, no[k]))
			return ANS_NO;
	}
	return ANS_INVALID;
}

static const char *const number_words[] = {
	"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
	"nineteen", "twenty",
};

/* "3" -> "three" for an option that is a small number, else NULL. */
static const char *number_word(const char *s)
{
	char *e;
	long v;

	if (!*s || *s < '0' || *s > '9')
		return NULL;
	v = strtol(s, &e, 10);
	if (*e || v < 0 || v > 20)
		return NULL;
	return number_words[v];
}

/* Option k's text (or word) at s[i, i + wl) as a whole word. */
static void match_text_at(struct reader *r, size_t i, const char *w, size_t wl, int k)
{
	if (!wl || i + wl > r->len || strncasecmp(r->s + i, w, wl))
		return;
	if (is_alnum(w[wl - 1]) && i + wl < r->len && is_alnum(r->s[i + wl]))
		return;
	push(r, i, i + wl, K_TEXT, P_TEXT, k, 0);
}

/* Every place an option's own text stands as whole words. */
static void find_option_texts(struct reader *r)
{
	size_t i, k;

	if (!r->choices)
		return;
	for (i = 0; i < r->len && !r->oom; i++) {
		if (i && is_alnum(r->s[i - 1]) && is_alnum(r->s[i]))
			continue;
		for (k = 0; k < r->n; k++) {
			const struct buf *o = &r->opt[k];
			const char *word;

			if (!o->len || option_polarity(o->ptr) != ANS_INVALID)
				continue;
			if (is_alnum(o->ptr[0]) && i && is_alnum(r->s[i - 1]))
				continue;
			match_text_at(r, i, o->ptr, o->len, (int)k);
			word = number_word(o->ptr);
			if (word)
				match_text_at(r, i, word, strlen(word), (int)k);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Step 4: overlaps                                                    */
/* ------------------------------------------------------------------ */

static int by_strength(const void *a, const void *b)
{
	const struct sig *x = a, *y = b;
	size_t lx = x->end - x->start, ly = y->end - y->start;

	if (lx != ly)
		return lx > ly ? -1 : 1;
	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int by_position(const void *a, const void *b)
{
	const struct sig *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Keeps the strongest of overlapping candidates, in text order. */
static int resolve(struct reader *r)
{
	unsigned char *owned;
	size_t i, kept = 0;

	if (!r->nv)
		return 0;
	owned = calloc(r->len, 1);
	if (!owned)
		return -1;
	qsort(r->v, r->nv, sizeof(r->v[0]), by_strength);
	for (i = 0; i < r->nv; i++) {
		struct sig *s = &r->v[i];
		size_t b;
		int free_span = 1;

		for (b = s->start; b < s->end && free_span; b++)
			free_span = !owned[b];
		if (!free_span)
			continue;
		memset(owned + s->start, 1, s->end - s->start);
		r->v[kept++] = *s;
	}
	free(owned);
	r->nv = kept;
	qsort(r->v, r->nv, sizeof(r->v[0]), by_position);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Step 5: decision                                                    */
/* ------------------------------------------------------------------ */

/* Is s[a, b) made only of characters in set? */
static int only(const char *s, size_t a, size_t b, const char *set)
{
	for (; a < b; a++)
		if (!strchr(set, s[a]))
			return 0;
	return 1;
}

/*
 * q[i] for i in [0, len]: does the sentence holding s[i] end with a question
 * mark?  One pass from the end, so that thousands of signals in a long reply
 * do not each scan to the end of their sentence.
 */
static unsigned char *question_map(const struct reader *r)
{
	unsigned char *q = malloc(r->len + 1);
	size_t i;

	if (!q)
		return NULL;
	q[r->len] = 0;
	for (i = r->len; i-- > 0;) {
		char ch = r->s[i];

		if (ch == '?')
			q[i] = 1;
		else if (ch == '\n' || ch == '!' ||
			 (ch == '.' && (i + 1 >= r->len || is_blank(r->s[i + 1]))))
			q[i] = 0;
		else
			q[i] = q[i + 1];
	}
	return q;
}

/* Is s[a, b) a list joiner: blanks, commas, slashes, "or", "and", "nor", "vs"? */
static int joiner(const char *s, size_t a, size_t b)
{
	static const char *const words[] = { "or", "and", "nor", "vs", "vs.", "versus", "and/or" };
	size_t k;

	while (a < b && strchr(" \n,/&", s[a]))
		a++;
	while (b > a && strchr(" \n,/&", s[b - 1]))
		b--;
	if (a == b)
		return 1;
	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (word_is(s + a, b - a, words[k]))
			return 1;
	return 0;
}

/* The words before s[i]: is an option text there negated ("not on the left")? */
static int negated_before(const struct reader *r, size_t i)
{
	static const char *const skip[] = { "the", "on", "to", "in", "at", "of", "a", "an", "its",
					     "by", "be" };
	int words = 0;

	while (words < 4) {
		size_t e, b, k;
		int skipped = 0;

		while (i > 0 && r->s[i - 1] == ' ')
			i--;
		e = i;
		while (i > 0 && (is_alpha(r->s[i - 1]) || r->s[i - 1] == '\''))
			i--;
		b = i;
		if (b == e)
			return 0;
		if (word_is(r->s + b, e - b, "not") || word_is(r->s + b, e - b, "never") ||
		    (e - b > 3 && !strncasecmp(r->s + e - 3, "n't", 3)))
			return 1;
		for (k = 0; k < sizeof(skip) / sizeof(skip[0]); k++)
			if (word_is(r->s + b, e - b, skip[k]))
				skipped = 1;
		if (!skipped)
			return 0;
		words++;
	}
	return 0;
}

/* The letter-shaped separators between a letter and its option's text: "C. ", "C) ", "(C) ". */
#define AFTER_LETTER " \n.:)]-,="

static int map_signals(struct reader *r)
{
	unsigned char *q = question_map(r);
	size_t i;

	if (!q)
		return -1;

	for (i = 0; i < r->nv; i++) {
		struct sig *s = &r->v[i];

		switch (s->kind) {
		case K_NEUTRAL:
			s->drop = 1;
			break;
		case K_POLAR:
			if (!r->n) {
				s->target = s->value;
			} else if (r->polar_opt[s->value] >= 0) {
				s->target = ANS_LETTER(r->polar_opt[s->value]);
			} else {
				s->drop = 1; /* "Yes, it is B": no option means yes */
			}
			break;
		case K_LETTER:
			if (!r->n || (size_t)s->value >= r->n)
				s->target = TARGET_UNMAPPED;
			else
				s->target = ANS_LETTER(s->value);
			break;
		case K_TEXT:
			s->target = ANS_LETTER(s->value);
			break;
		default:
			break;
		}
		if (s->kind != K_HEDGE && q[s->end])
			s->drop = 1;
	}
	free(q);
	return 0;
}

/* An option text right after its letter, before a bracketed letter, or after "answer:". */
static void mark_explicit_texts(struct reader *r)
{
	size_t i;

	for (i = 0; i < r->nv; i++) {
		struct sig *s = &r->v[i];
		size_t from;

		if (s->kind != K_TEXT)
			continue;
		if (i > 0 && r->v[i - 1].kind == K_LETTER &&
		    only(r->s, r->v[i - 1].end, s->start, AFTER_LETTER))
			s->explicit_ = 1;
		if (i + 1 < r->nv && r->v[i + 1].kind == K_LETTER &&
		    only(r->s, s->end, r->v[i + 1].start, " ") &&
		    (r->s[r->v[i + 1].start] == '(' || r->s[r->v[i + 1].start] == '['))
			s->explicit_ = 1;
		from = s->start > 64 ? s->start - 64 : 0;
		if (pcre2_match(rx[RX_TEXT_MARK], (PCRE2_SPTR)r->s, s->start, from, 0, r->md, NULL) > 0)
			s->explicit_ = 1;
	}
}

/* Does signal t say option k, right after letter signal l ("A. yes", "B) right")? */
static int own_text(const struct reader *r, const struct sig *l, const struct sig *t, int k)
{
	return (t->kind == K_TEXT || t->kind == K_POLAR) && t->target == ANS_LETTER(k) &&
	       only(r->s, l->end, t->start, AFTER_LETTER);
}

/* "A. yes B. no" / "A. left B. right ...": the options read back, not a choice. */
static void drop_option_echo(struct reader *r)
{
	size_t i = 0;

	while (r->n && i + 3 < r->nv) {
		size_t j = i, pairs = 0;
		int k;

		if (r->v[i].kind != K_LETTER || r->v[i].target == TARGET_UNMAPPED) {
			i++;
			continue;
		}
		k = r->v[i].value;
		while (j + 1 < r->nv && r->v[j].kind == K_LETTER && r->v[j].value == k &&
		       own_text(r, &r->v[j], &r->v[j + 1], k)) {
			pairs++;
			k++;
			j += 2;
			if (j >= r->nv || !only(r->s, r->v[j - 1].end, r->v[j].start, " \n.,;|/-"))
				break;
		}
		if (pairs >= 2) {
			size_t m;

			for (m = i; m < i + 2 * pairs; m++)
				r->v[m].drop = 1;
			i += 2 * pairs;
		} else {
			i++;
		}
	}
}

static int same_class(const struct sig *a, const struct sig *b)
{
	return a->kind == b->kind && (a->kind == K_POLAR || a->kind == K_LETTER || a->kind == K_TEXT);
}

/*
 * Runs of same-kind signals joined by lists ("left or right", "A, B or C",
 * "brick, wood, and glass") that name two different answers are echoes or
 * enumerations: set aside.
 */
static void drop_lists(struct reader *r)
{
	size_t i = 0;

	while (i < r->nv) {
		size_t j = i, m, prev = i;
		int distinct = 0;

		if (r->v[i].drop || r->v[i].kind == K_HEDGE) {
			i++;
			continue;
		}
		for (m = i + 1; m < r->nv; m++) {
			if (r->v[m].drop)
				continue;
			if (!same_class(&r->v[prev], &r->v[m]) ||
			    !joiner(r->s, r->v[prev].end, r->v[m].start))
				break;
			if (r->v[m].target != r->v[i].target)
				distinct = 1;
			prev = m;
			j = m;
		}
		if (distinct)
			for (m = i; m <= j; m++)
				r->v[m].drop = 1;
		i = j + 1;
	}
}

static answer_t decide(struct reader *r, enum extract_why *why)
{
	answer_t strong = ANS_INVALID, weak = ANS_INVALID;
	int strong_conflict = 0, weak_conflict = 0;
	size_t i;

	if (map_signals(r)) {
		*why = EXTRACT_EMPTY;
		return ANS_INVALID;
	}
	mark_explicit_texts(r);
	drop_option_echo(r);
	for (i = 0; i < r->nv; i++)
		if (r->v[i].kind == K_TEXT && !r->v[i].explicit_ && negated_before(r, r->v[i].start))
			r->v[i].drop = 1;
	drop_lists(r);

	for (i = 0; i < r->nv; i++)
		if (r->v[i].kind == K_HEDGE) {
			*why = EXTRACT_HEDGE;
			return ANS_INVALID;
		}
	for (i = 0; i < r->nv; i++) {
		const struct sig *s = &r->v[i];
		answer_t *slot;
		int *conflict;

		if (s->drop)
			continue;
		if (s->target == TARGET_UNMAPPED) {
			*why = EXTRACT_UNMAPPED;
			return ANS_INVALID;
		}
		if (s->kind == K_TEXT && !s->explicit_) {
			slot = &weak;
			conflict = &weak_conflict;
		} else {
			slot = &strong;
			conflict = &strong_conflict;
		}
		if (*slot == ANS_INVALID)
			*slot = s->target;
		else if (*slot != s->target)
			*conflict = 1;
	}
	if (strong != ANS_INVALID) {
		*why = strong_conflict ? EXTRACT_CONFLICT : EXTRACT_OK;
		return strong_conflict ? ANS_INVALID : strong;
	}
	if (weak != ANS_INVALID) {
		*why = weak_conflict ? EXTRACT_CONFLICT : EXTRACT_OK;
		return weak_conflict ? ANS_INVALID : weak;
	}
	*why = EXTRACT_NO_SIGNAL;
	return ANS_INVALID;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

static answer_t read_reply(struct reader *r, const answer_t *choice_answer, enum extract_why *why)
{
	size_t k;
	answer_t a;

	r->polar_opt[ANS_YES] = r->polar_opt[ANS_NO] = -1;
	for (k = 0; k < r->n && r->choices; k++) {
		answer_t p;

		if (!r->choices[k] || normalize(r->choices[k], strlen(r->choices[k]), &r->opt[k]))
			continue;
		while (r->opt[k].len && strchr(" .", r->opt[k].ptr[r->opt[k].len - 1]))
			buf_setlen(&r->opt[k], r->opt[k].len - 1);
		p = option_polarity(r->opt[k].ptr);
		if (p != ANS_INVALID)
			/* Two options meaning yes: a yes word names neither. */
			r->polar_opt[p] = r->polar_opt[p] == -1 ? (int)k : -2;
	}
	if (r->polar_opt[ANS_YES] < 0)
		r->polar_opt[ANS_YES] = -1;
	if (r->polar_opt[ANS_NO] < 0)
		r->polar_opt[ANS_NO] = -1;

	find_patterns(r);
	find_option_texts(r);
	if (r->oom || resolve(r)) {
		*why = EXTRACT_EMPTY;
		return ANS_INVALID;
	}
	a = decide(r, why);
	if (a != ANS_INVALID && r->n && choice_answer)
		a = choice_answer[a - ANS_LETTER(0)];
	return a;
}

answer_t extract_answer_ex(const char *text, const char *const *choices,
			   const answer_t *choice_answer, size_t n_choices,
			   const struct extract_opts *opts, enum extract_why *why)
{
	struct buf body = BUF_INIT, norm = BUF_INIT;
	struct buf opt[26];
	struct reader r;
	enum extract_why w = EXTRACT_EMPTY;
	answer_t ans = ANS_INVALID;
	int unclosed;
	size_t k;

	if (why)
		*why = EXTRACT_EMPTY;
	if (!text)
		return ANS_INVALID;
	if (!atomic_load(&ready) && extract_init(NULL))
		return ANS_INVALID;
	if (n_choices > 26)
		n_choices = 26;
	for (k = 0; k < 26; k++)
		buf_init(&opt[k], 0);

	unclosed = strip_think(text, opts, &body);
	if (unclosed < 0 || normalize(body.ptr, body.len, &norm))
		goto out;
	if (!norm.len) {
		w = unclosed ? EXTRACT_THINK_UNCLOSED : EXTRACT_EMPTY;
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.s = norm.ptr;
	r.len = norm.len;
	r.choices = choices;
	r.n = n_choices;
	r.opt = opt;
	r.md = pcre2_match_data_create(ovec_pairs, NULL);
	if (r.md) {
		r.ov = pcre2_get_ovector_pointer(r.md);
		ans = read_reply(&r, choice_answer, &w);
		pcre2_match_data_free(r.md);
	}
	free(r.v);
out:
	for (k = 0; k < 26; k++)
		buf_release(&opt[k]);
	buf_release(&body);
	buf_release(&norm);
	if (why)
		*why = w;
	return ans;
}

answer_t extract_answer(const char *text, const char *const *choices,
			const answer_t *choice_answer, size_t n_choices)
{
	return extract_answer_ex(text, choices, choice_answer, n_choices, NULL, NULL);
}
