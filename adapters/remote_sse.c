/* remote_sse: a reply streamed as server-sent events, made whole (see remote_sse.h). */
#include "remote_sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../include/vsrbench_adapter.h"
#include "../base/util.h" /* last: it includes banned.h */

/* A UTF-8 byte order mark, which the framing allows before the first line. */
static size_t bom(const char *s, size_t len)
{
	return len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

static int starts(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - p) >= n && !memcmp(p, word, n);
}

int sse_is_stream(const char *body, size_t len)
{
	const char *p = body + bom(body, len), *end = body + len;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	/* A JSON value never starts so: the test cannot take a whole reply for a stream. */
	return p < end && (*p == ':' || starts(p, end, "data:") || starts(p, end, "event:") ||
			   starts(p, end, "id:") || starts(p, end, "retry:"));
}

void sse_iter_init(struct sse_iter *it, const char *body, size_t len)
{
	it->p = body + bom(body, len);
	it->end = body + len;
}

int sse_next(struct sse_iter *it, struct buf *data)
{
	int have = 0;

	buf_reset(data);
	while (it->p < it->end) {
		const char *line = it->p, *eol = line, *colon, *v;
		size_t n;

		while (eol < it->end && *eol != '\r' && *eol != '\n')
			eol++;
		it->p = eol;
		if (it->p < it->end && *it->p == '\r')
			it->p++;
		if (it->p < it->end && *it->p == '\n' && (it->p == eol || it->p[-1] == '\r'))
			it->p++;
		n = (size_t)(eol - line);
		if (!n) { /* a blank line ends the event */
			if (have)
				return 1;
			continue;
		}
		if (*line == ':') /* a comment: a keep-alive */
			continue;
		colon = memchr(line, ':', n);
		if ((colon ? (size_t)(colon - line) : n) != 4 || memcmp(line, "data", 4))
			continue; /* event:, id:, retry:, or a field the framing does not know */
		v = colon ? colon + 1 : eol;
		if (v < eol && *v == ' ')
			v++;
		if (have && buf_addch(data, '\n'))
			return -1;
		if (buf_add(data, v, (size_t)(eol - v)))
			return -1;
		have = 1;
	}
	return have; /* an event the body ends inside: read all the same */
}

/* ---------------------------------------------------------------- */
/* OpenAI's chat.completion.chunk events                              */

struct whole {
	struct buf content, reasoning_content, reasoning, refusal;
	int content_seen, reasoning_content_seen, reasoning_seen, refusal_seen;
	cJSON *parts;   /* content as parts, once a delta sent an array */
	cJSON *details; /* OpenRouter's reasoning_details, concatenated */
	cJSON *top;     /* id, created, model, system_fingerprint, usage: the last non-null of each */
	char *finish;   /* the last finish_reason that is not null */
};

/* Appends s to b when it is a string; says whether it was. */
static int add_piece(struct buf *b, const cJSON *v)
{
	if (!cJSON_IsString(v))
		return 0;
	buf_adds(b, v->valuestring);
	return 1;
}

/* Appends {"type": "text", "text": text} to parts. */
static void add_text_part(cJSON *parts, const char *text)
{
	cJSON *t = cJSON_CreateObject();

	cJSON_AddStringToObject(t, "type", "text");
	cJSON_AddStringToObject(t, "text", text);
	cJSON_AddItemToArray(parts, t);
}

/* A delta's content: text, or parts (Mistral's thinking parts) kept as parts. */
static void add_content(struct whole *w, const cJSON *c)
{
	const cJSON *part;

	if (cJSON_IsString(c) && !w->parts) {
		buf_adds(&w->content, c->valuestring);
		w->content_seen = 1;
		return;
	}
	if (!cJSON_IsString(c) && !cJSON_IsArray(c))
		return;
	if (!w->parts) { /* the text so far becomes the first part */
		w->parts = cJSON_CreateArray();
		if (w->content.len)
			add_text_part(w->parts, w->content.ptr);
	}
	if (cJSON_IsString(c)) {
		add_text_part(w->parts, c->valuestring);
		return;
	}
	cJSON_ArrayForEach(part, c)
		cJSON_AddItemToArray(w->parts, cJSON_Duplicate(part, 1));
}

/* choices[] member of index 0 (the first, when none says its index). */
static const cJSON *first_choice(const cJSON *chunk)
{
	const cJSON *ch;

	cJSON_ArrayForEach(ch, cJSON_GetObjectItemCaseSensitive(chunk, "choices")) {
		const cJSON *i = cJSON_GetObjectItemCaseSensitive(ch, "index");
		if (!cJSON_IsNumber(i) || i->valuedouble == 0)
			return ch;
	}
	return NULL;
}

static void add_chunk(struct whole *w, const cJSON *chunk)
{
	static const char *const kept[] = { "id", "created", "model", "system_fingerprint", "usage" };
	const cJSON *choice = first_choice(chunk), *delta, *v;

	for (size_t k = 0; k < sizeof(kept) / sizeof(kept[0]); k++) {
		v = cJSON_GetObjectItemCaseSensitive(chunk, kept[k]);
		if (!v || cJSON_IsNull(v))
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(w->top, kept[k]);
		cJSON_AddItemToObject(w->top, kept[k], cJSON_Duplicate(v, 1));
	}
	if (!choice)
		return; /* the closing usage chunk ("choices": []) */
	delta = cJSON_GetObjectItemCaseSensitive(choice, "delta");
	add_content(w, cJSON_GetObjectItemCaseSensitive(delta, "content"));
	w->reasoning_content_seen |= add_piece(&w->reasoning_content,
					       cJSON_GetObjectItemCaseSensitive(delta, "reasoning_content"));
	w->reasoning_seen |= add_piece(&w->reasoning, cJSON_GetObjectItemCaseSensitive(delta, "reasoning"));
	w->refusal_seen |= add_piece(&w->refusal, cJSON_GetObjectItemCaseSensitive(delta, "refusal"));
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(delta, "reasoning_details"))
		cJSON_AddItemToArray(w->details, cJSON_Duplicate(v, 1));
	v = cJSON_GetObjectItemCaseSensitive(choice, "finish_reason");
	if (cJSON_IsString(v)) {
		free(w->finish);
		w->finish = xstrdup(v->valuestring);
	}
}

/* The chat.completion the chunks make, as a server answers it unstreamed. */
static cJSON *whole_reply(struct whole *w)
{
	static const char *const named[] = { "created", "model", "system_fingerprint" };
	cJSON *o = cJSON_CreateObject(), *choices, *choice, *msg, *v;

	if ((v = cJSON_GetObjectItemCaseSensitive(w->top, "id")))
		cJSON_AddItemToObject(o, "id", cJSON_Duplicate(v, 1));
	cJSON_AddStringToObject(o, "object", "chat.completion");
	for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++)
		if ((v = cJSON_GetObjectItemCaseSensitive(w->top, named[k])))
			cJSON_AddItemToObject(o, named[k], cJSON_Duplicate(v, 1));
	choices = cJSON_AddArrayToObject(o, "choices");
	choice = cJSON_CreateObject();
	cJSON_AddItemToArray(choices, choice);
	cJSON_AddNumberToObject(choice, "index", 0);
	msg = cJSON_AddObjectToObject(choice, "message");
	cJSON_AddStringToObject(msg, "role", "assistant");
	if (w->parts) {
		cJSON_AddItemToObject(msg, "content", w->parts);
		w->parts = NULL;
	} else if (w->content_seen) {
		cJSON_AddStringToObject(msg, "content", w->content.ptr);
	} else {
		cJSON_AddNullToObject(msg, "content");
	}
	if (w->refusal_seen)
		cJSON_AddStringToObject(msg, "refusal", w->refusal.ptr);
	if (w->reasoning_content_seen)
		cJSON_AddStringToObject(msg, "reasoning_content", w->reasoning_content.ptr);
	if (w->reasoning_seen)
		cJSON_AddStringToObject(msg, "reasoning", w->reasoning.ptr);
	if (cJSON_GetArraySize(w->details)) {
		cJSON_AddItemToObject(msg, "reasoning_details", w->details);
		w->details = NULL;
	}
	if (w->finish)
		cJSON_AddStringToObject(choice, "finish_reason", w->finish);
	else
		cJSON_AddNullToObject(choice, "finish_reason");
	if ((v = cJSON_GetObjectItemCaseSensitive(w->top, "usage")))
		cJSON_AddItemToObject(o, "usage", cJSON_Duplicate(v, 1));
	return o;
}

/* An error event: {"error": ...} (OpenRouter, vLLM), or vLLM's older {"object": "error", ...}. */
static cJSON *error_event(const cJSON *c)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(c, "error");
	const char *obj = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "object"));
	cJSON *o;

	if (obj && !strcmp(obj, "error") && !cJSON_GetObjectItemCaseSensitive(c, "choices"))
		return cJSON_Duplicate(c, 1);
	if (!e || cJSON_IsNull(e) || cJSON_IsFalse(e))
		return NULL;
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "error", cJSON_Duplicate(e, 1));
	return o;
}

static int blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return !*s;
}

int sse_openai(const char *body, size_t len, cJSON **out, char *why, size_t whylen)
{
	struct whole w = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, 0, 0, 0, 0, NULL, NULL, NULL, NULL };
	struct buf d = BUF_INIT;
	struct sse_iter it;
	size_t events = 0, chunks = 0, foreign = 0;
	int done = 0, r = 0, n;

	*out = NULL;
	w.top = cJSON_CreateObject();
	w.details = cJSON_CreateArray();
	sse_iter_init(&it, body, len);
	while (!done && (n = sse_next(&it, &d)) == 1) {
		cJSON *c;
		events++;
		if (blank(d.ptr))
			continue;
		if (!strcmp(d.ptr, "[DONE]")) {
			done = 1;
			break;
		}
		if (!(c = cJSON_ParseWithLength(d.ptr, d.len))) {
			snprintf(why, whylen, "event %zu of the stream of events is not JSON: %.60s", events,
				 d.ptr);
			r = VSRBENCH_ERR_RETRY;
			goto out;
		}
		if ((*out = error_event(c))) { /* parse() says "error in a 200 response" */
			cJSON_Delete(c);
			goto out;
		}
		if (cJSON_IsObject(c) && (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(c, "choices")) ||
					  cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(c, "usage")))) {
			add_chunk(&w, c);
			chunks++;
		} else {
			foreign++;
		}
		cJSON_Delete(c);
	}
	if (!chunks && foreign) {
		r = SSE_FOREIGN;
	} else if (!done && !w.finish) {
		/* What came is no answer: the rest of it never came. */
		snprintf(why, whylen, "a stream of events cut short: it ended with neither a finish_reason "
			 "nor data: [DONE]");
		r = VSRBENCH_ERR_RETRY;
	} else if (!chunks) {
		snprintf(why, whylen, "a stream of events with no chat.completion.chunk before data: [DONE]");
		r = VSRBENCH_ERR_RETRY;
	} else {
		*out = whole_reply(&w);
	}
out:
	buf_release(&d);
	buf_release(&w.content);
	buf_release(&w.reasoning_content);
	buf_release(&w.reasoning);
	buf_release(&w.refusal);
	cJSON_Delete(w.parts);
	cJSON_Delete(w.details);
	cJSON_Delete(w.top);
	free(w.finish);
	return r;
}
