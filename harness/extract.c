/*
 * extract: model free text -> answer code, with PCRE2.
 *
 * The procedure is the one in extract.h and, step by step with every table,
 * in docs/extraction.md; this file follows the same order:
 *
 *   extract_strip_think()  (extract_think.c) reasoning is removed: between
 *                     the think tags, or gpt-oss's analysis channel;
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
#include "extract_int.h"
#include "../base/util.h"

/* The signal table and step 3 (candidate signals): extract_signals.c. */

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

int extract_is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

int extract_is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\n';
}

/* Does the word at s (length len) equal w, ignoring ASCII case? */
int extract_word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && !strncasecmp(s, w, len);
}

/* Step 1 (reasoning out, extract_strip_think): extract_think.c. */

/* ------------------------------------------------------------------ */
/* Step 2: normalisation                                               */
/* ------------------------------------------------------------------ */

/* Length of an HTML-like tag at s ("<answer>", "</b>"), or 0. */
static size_t tag_len(const unsigned char *s)
{
	size_t i = 1, name = 0;

	if (s[i] == '/')
		i++;
	while (i < 40 && (extract_is_alnum((char)s[i]) || s[i] == '_' || s[i] == '|' || s[i] == '-')) {
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
		if (extract_word_is(s + a, b - a, words[k]))
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
		while (i > 0 && (extract_is_alpha(r->s[i - 1]) || r->s[i - 1] == '\''))
			i--;
		b = i;
		if (b == e)
			return 0;
		if (extract_word_is(r->s + b, e - b, "not") || extract_word_is(r->s + b, e - b, "never") ||
		    (e - b > 3 && !strncasecmp(r->s + e - 3, "n't", 3)))
			return 1;
		for (k = 0; k < sizeof(skip) / sizeof(skip[0]); k++)
			if (extract_word_is(r->s + b, e - b, skip[k]))
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
		if (pcre2_match(extract_rx[RX_TEXT_MARK], (PCRE2_SPTR)r->s, s->start, from, 0, r->md, NULL) > 0)
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
		p = extract_option_polarity(r->opt[k].ptr);
		if (p != ANS_INVALID)
			/* Two options meaning yes: a yes word names neither. */
			r->polar_opt[p] = r->polar_opt[p] == -1 ? (int)k : -2;
	}
	if (r->polar_opt[ANS_YES] < 0)
		r->polar_opt[ANS_YES] = -1;
	if (r->polar_opt[ANS_NO] < 0)
		r->polar_opt[ANS_NO] = -1;

	extract_find_patterns(r);
	extract_find_option_texts(r);
	if (r->oom || resolve(r)) {
		*why = EXTRACT_EMPTY;
		return ANS_INVALID;
	}
	a = decide(r, why);
	if (a != ANS_INVALID && r->n && choice_answer)
		a = choice_answer[a - ANS_LETTER(0)];
	return a;
}

static answer_t read_text(const char *text, const char *const *choices,
			  const answer_t *choice_answer, size_t n_choices,
			  const struct extract_opts *opts, enum extract_why *why, int *oom)
{
	struct buf body = BUF_INIT, norm = BUF_INIT;
	struct buf opt[26];
	struct reader r;
	enum extract_why w = EXTRACT_EMPTY;
	answer_t ans = ANS_INVALID;
	int unclosed;
	size_t k;

	for (k = 0; k < 26; k++)
		buf_init(&opt[k], 0);

	*oom = 1;
	unclosed = extract_strip_think(text, opts, &body);
	if (unclosed < 0 || normalize(body.ptr, body.len, &norm))
		goto out;
	*oom = 0;
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
	r.md = pcre2_match_data_create(extract_ovec_pairs, NULL);
	if (r.md) {
		r.ov = pcre2_get_ovector_pointer(r.md);
		ans = read_reply(&r, choice_answer, &w);
		pcre2_match_data_free(r.md);
	}
	*oom = !r.md || r.oom;
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

/*
 * Replies repeat: a yes/no run reads "Yes" and "No" thousands of times, and
 * reading one costs some forty pattern matches.  Each thread keeps the last
 * short replies it read in a small table, keyed by every input the result
 * depends on (the reply, the think tags, each option's text and meaning;
 * the patterns are fixed), and answers a repeat from there.  A key longer
 * than MEMO_KEY is read afresh every time.
 */
#define MEMO_SLOTS 32
#define MEMO_KEY 200

struct memo {
	size_t len; /* 0: an empty slot */
	answer_t ans;
	enum extract_why why;
	char key[MEMO_KEY];
};

static _Thread_local struct memo memo[MEMO_SLOTS];

static int key_add(char *key, size_t *len, const void *p, size_t n)
{
	if (*len + n > MEMO_KEY)
		return -1;
	memcpy(key + *len, p, n);
	*len += n;
	return 0;
}

/* The key: each string as S, its bytes and its NUL; a NULL string as N. */
static size_t memo_key(char *key, const char *text, const char *const *choices,
		       const answer_t *choice_answer, size_t n, const struct extract_opts *opts)
{
	const char *strs[3] = { text, opts ? opts->think_open : NULL, opts ? opts->think_close : NULL };
	size_t len = 0, k;
	unsigned char flags = (unsigned char)((choices ? 1 : 0) | (choice_answer ? 2 : 0) | (opts ? 4 : 0));

	if (key_add(key, &len, &flags, 1) || key_add(key, &len, &n, sizeof(n)))
		return 0;
	for (k = 0; k < 3 + (choices ? n : 0); k++) {
		const char *s = k < 3 ? strs[k] : choices[k - 3];
		if (key_add(key, &len, s ? "S" : "N", 1) || (s && key_add(key, &len, s, strlen(s) + 1)))
			return 0;
	}
	if (choice_answer && key_add(key, &len, choice_answer, n * sizeof(*choice_answer)))
		return 0;
	return len;
}

answer_t extract_answer_ex(const char *text, const char *const *choices,
			   const answer_t *choice_answer, size_t n_choices,
			   const struct extract_opts *opts, enum extract_why *why)
{
	char key[MEMO_KEY];
	size_t klen;
	struct memo *m;
	enum extract_why w;
	answer_t a;

	if (why)
		*why = EXTRACT_EMPTY;
	if (!text)
		return ANS_INVALID;
	if (!atomic_load(&extract_ready) && extract_init(NULL))
		return ANS_INVALID;
	if (n_choices > 26)
		n_choices = 26;
	klen = memo_key(key, text, choices, choice_answer, n_choices, opts);
	m = klen ? &memo[hash64(key, klen, 0) % MEMO_SLOTS] : NULL;
	if (m && m->len == klen && !memcmp(m->key, key, klen)) {
		w = m->why;
		a = m->ans;
	} else {
		int oom;
		a = read_text(text, choices, choice_answer, n_choices, opts, &w, &oom);
		if (m && !oom) { /* a read cut short by memory is not the reply's answer */
			memcpy(m->key, key, klen);
			m->len = klen;
			m->ans = a;
			m->why = w;
		}
	}
	if (why)
		*why = w;
	return a;
}

answer_t extract_answer(const char *text, const char *const *choices,
			const answer_t *choice_answer, size_t n_choices)
{
	return extract_answer_ex(text, choices, choice_answer, n_choices, NULL, NULL);
}
