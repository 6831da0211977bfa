/*
 * sched_reasoning: a reply's reasoning in its journal line (issue 14), kept
 * out of scheduler.c: the length of the reasoning inline between the think
 * tags, and with --keep-reasoning the text of that and of the reasoning a
 * served model sent apart (vLLM's reasoning, Anthropic thinking, Gemini
 * thought parts, Ollama message.thinking: task_result.reasoning).
 */
#include <string.h>
#include <strings.h>

#include "scheduler.h"
#include "../base/util.h" /* last: it includes banned.h */

/* The first occurrence of needle in h, ASCII case ignored; NULL if none. */
static const char *find_nocase(const char *h, const char *needle)
{
	size_t n = strlen(needle);

	for (; n && *h; h++)
		if (!strncasecmp(h, needle, n))
			return h;
	return NULL;
}

/*
 * The reasoning of a reply: the text between the first opening tag and the
 * closing tag after it (to the end when it never closes).  NULL when none.
 */
static const char *reasoning_span(const char *text, const char *open, const char *close,
				  size_t *len)
{
	const char *a, *z;

	*len = 0;
	if (!text || !open || !*open || !(a = find_nocase(text, open)))
		return NULL;
	a += strlen(open);
	z = close && *close ? find_nocase(a, close) : NULL;
	*len = z ? (size_t)(z - a) : strlen(a);
	return a;
}

void sched_reasoning(const char *text, const char *apart, const char *open, const char *close,
		     int keep, struct sample_extra *x, struct buf *kept)
{
	size_t rlen;
	const char *rs = reasoning_span(text, open, close, &rlen);

	if (rs)
		x->reasoning_chars = (long)rlen;
	if (!keep || (!apart && !rs))
		return;
	/* Uncapped: the appends cannot fail (base/buf.h); the journal cuts the text to its room. */
	buf_adds(kept, apart ? apart : "");
	if (apart && rs)
		buf_adds(kept, "\n\n");
	if (rs)
		buf_add(kept, rs, rlen);
	x->reasoning = kept->ptr;
}
