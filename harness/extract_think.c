/*
 * extract_think: step 1 of reading a reply (docs/extraction.md), the
 * reasoning taken out before any signal is looked for, and the same span
 * for the journal (extract_reasoning).  Two shapes:
 *
 *  - think tags (default <think> ... </think>, or Kimi-VL's ◁think▷ ...
 *    ◁/think▷ or Magistral's [THINK] ... [/THINK] in a reply that has
 *    them; --think-tags): a block is
 *    dropped; so is everything before a close tag without an open one (a
 *    chat template that put the open tag into the prompt: Qwen3-VL Thinking,
 *    the DeepSeek-R1 distills); an open tag that never closes drops the rest;
 *  - gpt-oss's harmony format reaching the client unparsed (a server without
 *    its reasoning parser): "<|channel|>analysis<|message|>...<|end|>
 *    <|start|>assistant<|channel|>final<|message|>No", or the same with the
 *    special tokens left out of the text, "analysisThe user asks ...
 *    assistantfinalNo" (SGLang and vLLM skip special tokens by default).
 *    Only the final channel's message is the reply; a reply without one was
 *    cut while it thought.
 */
#include <string.h>
#include <strings.h>

#include "extract_int.h"
#include "../base/util.h" /* last: it includes banned.h */

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

/* The last occurrence of needle in text (both NUL-terminated), or NULL. */
static const char *find_last(const char *text, const char *needle)
{
	const char *p, *last = NULL;

	for (p = strstr(text, needle); p; p = strstr(p + 1, needle))
		last = p;
	return last;
}

/* ------------------------------------------------------------------ */
/* gpt-oss's harmony format                                            */
/* ------------------------------------------------------------------ */

#define H_CHANNEL "<|channel|>"
#define H_FINAL "<|channel|>final"
#define H_MESSAGE "<|message|>"
#define H_STRIPPED_THOUGHT "analysis"
#define H_STRIPPED_FINAL "assistantfinal"

struct span {
	const char *p;
	size_t len;
};

/* The end of the harmony message at p: <|end|>, <|return|>, <|call|>, else the text's end. */
static const char *harmony_message_end(const char *p)
{
	static const char *const ends[] = { "<|end|>", "<|return|>", "<|call|>" };
	const char *z = p + strlen(p);

	for (size_t k = 0; k < sizeof(ends) / sizeof(ends[0]); k++) {
		const char *e = strstr(p, ends[k]);
		if (e && e < z)
			z = e;
	}
	return z;
}

/*
 * Is text in harmony format?  0: no.  1: yes, *answer is the final
 * channel's message.  2: yes, without a final message (cut while thinking;
 * *answer is empty).  *thought is the analysis (len 0 when there is none).
 */
static int harmony_split(const char *text, struct span *answer, struct span *thought)
{
	const char *s = text, *fin, *msg, *z;

	answer->p = thought->p = text;
	answer->len = thought->len = 0;
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	if (strstr(s, H_CHANNEL)) {
		fin = find_last(s, H_FINAL);
		/* The analysis: the first message, up to its end or the final channel. */
		if ((msg = strstr(s, H_MESSAGE)) && (!fin || msg < fin)) {
			thought->p = msg + strlen(H_MESSAGE);
			z = harmony_message_end(thought->p);
			if (fin && fin < z)
				z = fin;
			thought->len = (size_t)(z - thought->p);
		}
		/* "<|channel|>final <|constrain|>json<|message|>": more in the header. */
		if (!fin || !(msg = strstr(fin, H_MESSAGE)))
			return 2;
		answer->p = msg + strlen(H_MESSAGE);
		answer->len = (size_t)(harmony_message_end(answer->p) - answer->p);
		return 1;
	}
	/*
	 * The special tokens left out: "analysis" glued to the thought's first
	 * word, "assistantfinal" before the reply.
	 */
	if (!strncmp(s, H_STRIPPED_FINAL, strlen(H_STRIPPED_FINAL))) {
		answer->p = s + strlen(H_STRIPPED_FINAL);
		answer->len = strlen(answer->p);
		return 1;
	}
	if (strncmp(s, H_STRIPPED_THOUGHT, strlen(H_STRIPPED_THOUGHT)))
		return 0;
	thought->p = s + strlen(H_STRIPPED_THOUGHT);
	fin = find_last(thought->p, H_STRIPPED_FINAL);
	if (!fin) {
		/* "analysisThe user asks": glued to a capital, no reply of any other model starts so. */
		if (!(*thought->p >= 'A' && *thought->p <= 'Z'))
			return 0;
		thought->len = strlen(thought->p);
		return 2;
	}
	thought->len = (size_t)(fin - thought->p);
	answer->p = fin + strlen(H_STRIPPED_FINAL);
	answer->len = strlen(answer->p);
	return 1;
}

/* ------------------------------------------------------------------ */
/* Step 1: reasoning out                                               */
/* ------------------------------------------------------------------ */

/*
 * Other models' tag pairs, read when the default pair is in force and the
 * reply holds one of their tags (a reply has one kind): Kimi-VL Thinking's
 * (U+25C1 "◁", U+25B7 "▷"); Magistral's and Ministral 3 Reasoning's.
 */
static const char *const other_tags[][2] = {
	{ "\xe2\x97\x81think\xe2\x96\xb7", "\xe2\x97\x81/think\xe2\x96\xb7" },
	{ "[THINK]", "[/THINK]" },
};

/* The tag pair for text: opts's (the default when NULL), or one of other_tags (above). */
static void think_tags(const char *text, const struct extract_opts *o, const char **open,
		       const char **close)
{
	*open = o && o->think_open ? o->think_open : EXTRACT_THINK_OPEN;
	*close = o && o->think_close ? o->think_close : EXTRACT_THINK_CLOSE;
	if (strcasecmp(*open, EXTRACT_THINK_OPEN) || strcasecmp(*close, EXTRACT_THINK_CLOSE))
		return;
	for (size_t k = 0; k < sizeof(other_tags) / sizeof(other_tags[0]); k++)
		if (strstr(text, other_tags[k][1]) || strstr(text, other_tags[k][0])) {
			*open = other_tags[k][0];
			*close = other_tags[k][1];
			return;
		}
}

int extract_strip_think(const char *text, const struct extract_opts *o, struct buf *out)
{
	const char *open, *close, *p = text, *end, *a, *c;
	size_t ol, cl, len = strlen(text);
	struct span ans, thought;
	int unclosed = 0, h;

	think_tags(text, o, &open, &close);
	ol = strlen(open);
	cl = strlen(close);
	if (!ol || !cl)
		return buf_add(out, text, len < EXTRACT_TEXT_MAX ? len : EXTRACT_TEXT_MAX) ? -1 : 0;
	h = harmony_split(text, &ans, &thought);
	if (h) {
		p = ans.p;
		len = ans.len;
		unclosed = h == 2;
	}
	end = p + len;
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

const char *extract_reasoning(const char *text, const struct extract_opts *o, size_t *len)
{
	const char *open, *close, *a, *c;
	struct span ans, thought;
	size_t n;

	*len = 0;
	if (!text)
		return NULL;
	think_tags(text, o, &open, &close);
	if (!*open || !*close)
		return NULL;
	if (harmony_split(text, &ans, &thought)) {
		*len = thought.len;
		return thought.len ? thought.p : NULL;
	}
	n = strlen(text);
	a = find_ci(text, n, open);
	c = find_ci(text, n, close);
	if (c && (!a || c < a)) { /* the open tag was in the prompt */
		*len = (size_t)(c - text);
		return text;
	}
	if (!a)
		return NULL;
	a += strlen(open);
	c = find_ci(a, n - (size_t)(a - text), close);
	*len = c ? (size_t)(c - a) : n - (size_t)(a - text);
	return a;
}
