/*
 * extract, step 3: the signal table, its patterns compiled once (extract_init,
 * extract_free), and every candidate signal of a reply found with its span.
 * Split out of extract.c; the procedure is described there and in
 * docs/extraction.md.
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
#include "extract_int.h"
#include "../base/util.h"

/* ------------------------------------------------------------------ */
/* The signal table                                                    */
/* ------------------------------------------------------------------ */

/*
 * Clause start: the reply's start, or after punctuation (and one blank), or
 * inside a TeX box, "\boxed{True}", "\boxed{\text{False}}" (reasoning models
 * box their answer; a bare "{" is not one: the key of {"correct": "no"} is
 * no answer).
 */
#define CS \
	"(?:^|(?<=[\\n.!?,;:(\\[>'])|(?<=[\\n.!?,;:(\\[>'\\-] )" \
	"|(?<=\\\\boxed\\{|\\\\text\\{|\\\\textbf\\{|\\\\mathrm\\{))"
/*
 * More clause ends, shared by CE and CE_NO: a closing brace ("\boxed{No}",
 * "{"answer": "no"}" once step 2 has dropped the double quotes), a TeX dollar
 * ("$No$", but "no $5" is a price), guillemets and CJK quotes and brackets
 * (« » 「 」 『 』 【 】), and a symbol or emoji as UTF-8 bytes: U+2010-205E
 * (dashes, bullets, ‼; not the spaces and invisible marks around them),
 * U+2190-23FF (arrows, operators, technical),
 * U+2500-2BFF (shapes, dingbats, misc symbols), U+1F000-1FFFF (emoji).  Left
 * out on purpose: letters of any script, currency, number forms and enclosed
 * digits ("No ①" is a number like "No. 5").  Without them "\boxed{No}"
 * and "No 👎" read as nothing while "\boxed{Yes}" and "Yes 👍" read yes
 * ("yes" needs no clause end): a bias towards yes.
 */
#define CE_MORE \
	"\\}|\\$(?!\\s?\\d)|\\xC2[\\xAB\\xBB]|\\xE3\\x80[\\x8C-\\x91]|\\xF0\\x9F" \
	"|\\xE2(?:\\x80[\\x90-\\xBF]|\\x81[\\x80-\\x9E]|\\x86[\\x90-\\xBF]|[\\x87-\\x8F\\x94-\\xAF])"
/* Clause end: punctuation, " - " or the end. */
#define CE "(?=\\s*(?:[\\n.!?,;:)\\]']|-\\s|" CE_MORE "|$))"
/* The same, but "No. 5" is a number, not an answer. */
#define CE_NO "(?=\\s*(?:[\\n!?,;:)\\]'(\\[]|\\.(?!\\s?\\d)|-\\s|" CE_MORE "|$))"
/* A word that labels the answer after it ("Correct: no") is no answer of its own. */
#define LABEL_OF "(?!\\s*:\\s*" POLAR_WORD "\\b)"
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
	{ CS "(?:false|incorrect|inaccurate|untrue|wrong|negative|never|no\\s+way|nay)" LABEL_OF CE,
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
	  "|correct|true|precisely|very\\s+much\\s+so|most\\s+certainly|yes\\s+indeed)" LABEL_OF CE,
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

static const char *const rx_src[RX_N] = {
	[RX_LONE] = "^[(\\[{<]?\\s*([A-Za-z])\\s*[)\\]}>]?\\s*[.:,!;]?\\s*$",
	[RX_TEXT_MARK] = "(?i:\\b(?:answer|option|choice|pick|choose|select)\\b"
			 "(?:\\s+(?:is|was|would\\s+be|should\\s+be|will\\s+be|must\\s+be))?)"
			 "\\s*[:=\\-]?\\s*$",
};

static pcre2_code *rx_table[N_PATTERNS];
pcre2_code *extract_rx[RX_N];
uint32_t extract_ovec_pairs; /* enough ovector pairs for every pattern */
atomic_int extract_ready;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

static void free_patterns(void)
{
	size_t i;

	for (i = 0; i < N_PATTERNS; i++) {
		pcre2_code_free(rx_table[i]);
		rx_table[i] = NULL;
	}
	for (i = 0; i < RX_N; i++) {
		pcre2_code_free(extract_rx[i]);
		extract_rx[i] = NULL;
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
	if (groups + 1 > extract_ovec_pairs)
		extract_ovec_pairs = groups + 1;
	return 0;
}

int extract_init(char *err)
{
	int rc = 0;
	size_t i;

	pthread_mutex_lock(&init_lock);
	if (atomic_load(&extract_ready))
		goto out;
	extract_ovec_pairs = 1;
	for (i = 0; i < N_PATTERNS && !rc; i++)
		rc = compile_one(&rx_table[i], patterns[i].src,
				 patterns[i].cased ? 0 : PCRE2_CASELESS, i, err);
	for (i = 0; i < RX_N && !rc; i++)
		rc = compile_one(&extract_rx[i], rx_src[i], 0, N_PATTERNS + i, err);
	if (rc) {
		free_patterns();
		goto out;
	}
	atomic_store(&extract_ready, 1);
out:
	pthread_mutex_unlock(&init_lock);
	return rc;
}

void extract_free(void)
{
	pthread_mutex_lock(&init_lock);
	if (atomic_load(&extract_ready))
		free_patterns();
	atomic_store(&extract_ready, 0);
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
/* Step 3: candidate signals                                           */
/* ------------------------------------------------------------------ */

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
		if (extract_word_is(w, n, words[k]))
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
	for (w = j; w < r->len && extract_is_alpha(r->s[w]); w++)
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
	return !(end + 1 < r->len && r->s[end] == ' ' && extract_is_alpha(r->s[end + 1]) && end == li + 1);
}

void extract_find_patterns(struct reader *r)
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
	if (pcre2_match(extract_rx[RX_LONE], (PCRE2_SPTR)r->s, r->len, 0, 0, r->md, NULL) > 0) {
		char ch = r->s[r->ov[2]];

		push(r, 0, r->len, K_LETTER, P_LETTER, ch >= 'a' ? ch - 'a' : ch - 'A', 1);
	}
}

/* Is the option text yes/no-like?  ANS_YES, ANS_NO or ANS_INVALID. */
answer_t extract_option_polarity(const char *s)
{
	static const char *const yes[] = { "yes", "true", "correct" };
	static const char *const no[] = { "no", "false", "incorrect" };
	size_t k, n = strlen(s);

	for (k = 0; k < 3; k++) {
		if (extract_word_is(s, n, yes[k]))
			return ANS_YES;
		if (extract_word_is(s, n, no[k]))
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
	if (extract_is_alnum(w[wl - 1]) && i + wl < r->len && extract_is_alnum(r->s[i + wl]))
		return;
	push(r, i, i + wl, K_TEXT, P_TEXT, k, 0);
}

/* Every place an option's own text stands as whole words. */
void extract_find_option_texts(struct reader *r)
{
	size_t i, k;

	if (!r->choices)
		return;
	for (i = 0; i < r->len && !r->oom; i++) {
		if (i && extract_is_alnum(r->s[i - 1]) && extract_is_alnum(r->s[i]))
			continue;
		for (k = 0; k < r->n; k++) {
			const struct buf *o = &r->opt[k];
			const char *word;

			if (!o->len || extract_option_polarity(o->ptr) != ANS_INVALID)
				continue;
			if (extract_is_alnum(o->ptr[0]) && i && extract_is_alnum(r->s[i - 1]))
				continue;
			match_text_at(r, i, o->ptr, o->len, (int)k);
			word = number_word(o->ptr);
			if (word)
				match_text_at(r, i, word, strlen(word), (int)k);
		}
	}
}
