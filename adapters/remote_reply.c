/* remote_reply: a 2xx body read into a task's result (see remote_reply.h). */
#include "remote_reply.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "remote_loop.h"
#include "remote_msg.h"
#include "remote_sse.h"
#include "../base/util.h" /* last: it includes banned.h */

/*
 * A "\u0000" in a reply would end its text there (the text is a C string
 * from here on, and the journal kept what came before the NUL): each is
 * written "\ufffd" (U+FFFD) in a copy of the body, counted in *n.  NULL
 * when the body has none (and *n is 0).
 */
static char *nul_escapes(const char *body, size_t len, size_t *n)
{
	const char *p = body, *end = body + len;
	char *copy = NULL;

	*n = 0;
	while ((p = memchr(p, '\\', (size_t)(end - p))) && end - p >= 6) {
		if (memcmp(p + 1, "u0000", 5)) {
			p += 2; /* an escape, of a backslash too: what follows it is not one */
			continue;
		}
		if (!copy) {
			copy = xmalloc(len + 1);
			memcpy(copy, body, len);
			copy[len] = '\0';
		}
		memcpy(copy + (p - body) + 2, "fffd", 4);
		(*n)++;
		p += 6;
	}
	return copy;
}

int remote_reply_read(const struct http_proto *p, const struct http_cfg *c, const char *body,
		      size_t len, const char *key, int sent, int fast, double *tokens,
		      struct task_result *res, char *why, size_t whylen)
{
	cJSON *b, *meta;
	char *text = NULL, *reasoning = NULL;
	size_t nuls;
	char *fixed = nul_escapes(body, len, &nuls);
	int pr, streamed = 0;

	if (p->sse && sse_is_stream(body, len)) {
		/* A streamed reply: its events made whole, then read as one. */
		pr = p->sse(fixed ? fixed : body, len, &b, why, whylen);
		free(fixed);
		if (pr == SSE_FOREIGN)
			return REMOTE_NOT_JSON;
		if (pr != VSRBENCH_OK)
			return pr;
		streamed = 1;
	} else if (fast && !fixed && !tokens && sent <= 1 && p->parse_fast &&
		   p->parse_fast(body, len, key, &text, &res->meta_json, res)) {
		/* The fast path knows neither pacing nor retries: both need the meta object. */
		res->text = text;
		return VSRBENCH_OK;
	} else {
		b = cJSON_ParseWithLength(fixed ? fixed : body, len);
		free(fixed);
		if (!b)
			return REMOTE_NOT_JSON;
	}
	meta = cJSON_CreateObject();
	pr = p->parse(c, b, &text, &reasoning, meta, why, whylen);
	cJSON_Delete(b);
	if (pr != VSRBENCH_OK) {
		free(text);
		free(reasoning);
		cJSON_Delete(meta);
		return pr;
	}
	if (streamed)
		cJSON_AddTrueToObject(meta, "streamed");
	if (nuls) /* as the journal counts the bytes it writes as U+FFFD ("invalid_utf8") */
		cJSON_AddNumberToObject(meta, "nul_chars", (double)nuls);
	if (tokens)
		*tokens = pace_usage_tokens(meta);
	res->cut_short = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(meta, "cut_short"));
	res->refused = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(meta, "refused"));
	if (sent > 1)
		cJSON_AddNumberToObject(meta, "attempts", sent);
	sched_usage_from_object(meta, res); /* read here, not parsed again from meta_json */
	if (meta->child)
		res->meta_json = remote_meta_json(meta, key);
	cJSON_Delete(meta);
	res->text = text;
	res->reasoning = reasoning;
	return VSRBENCH_OK;
}
