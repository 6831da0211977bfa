/*
 * sched_reasoning: a reply's reasoning in its journal line (issue 14), kept
 * out of scheduler.c: the length of the reasoning inline (between the think
 * tags, or gpt-oss's analysis channel: extract_reasoning), and with
 * --keep-reasoning the text of that and of the reasoning a served model
 * sent apart (vLLM's reasoning, Anthropic thinking, Gemini
 * thought parts, Ollama message.thinking: task_result.reasoning).
 */
#include "extract.h"
#include "scheduler.h"
#include "../base/util.h" /* last: it includes banned.h */

void sched_reasoning(const char *text, const char *apart, const struct extract_opts *opts,
		     int keep, struct sample_extra *x, struct buf *kept)
{
	size_t rlen;
	const char *rs = extract_reasoning(text, opts, &rlen);

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
