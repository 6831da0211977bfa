/*
 * http_body: the shared body of the fuzz_http_* targets.  An input is an
 * HTTP response body as a server sends it: parsed with cJSON as remote_loop.c
 * does, handed to the protocol's parse() (configured once by its own
 * setup(), as `-m KIND -M model=fuzz` would), the text it returns run
 * through the extractor and the meta printed, as a journal line needs.  The
 * same bytes then go the error-body way: the excerpt of a non-2xx body
 * and the key redaction every message passes.
 */
#ifndef VSR_FUZZ_HTTP_BODY_H
#define VSR_FUZZ_HTTP_BODY_H

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "../../adapters/http.h"
#include "../../adapters/remote_hint.h"
#include "../../adapters/remote_retry.h"
#include "../../adapters/remote_msg.h"
#include "../../adapters/remote_reply.h"
#include "../../harness/extract.h"
#include "../../base/util.h"
#include "fuzz.h"

#define FUZZ_KEY "sk-fuzz-0123456789"

static struct http_cfg *fuzz_http_cfg(const struct http_proto *p)
{
	static struct http_cfg c;
	static int ready;
	const char *url, *key_env;
	int key_required;
	char err[VSR_ERR_MAX];

	if (ready)
		return &c;
	memset(&c, 0, sizeof(c));
	c.opts = cJSON_Parse("{\"model\":\"fuzz\",\"base_url\":\"http://127.0.0.1:9/v1\"}");
	c.model = "fuzz";
	c.key_env = p->key_env;
	buf_init(&c.path, 0);
	url = p->default_url;
	key_env = p->key_env;
	key_required = p->key_required;
	if (p->setup(&c, &url, &key_required, &key_env, err))
		abort(); /* the options above are valid for every protocol */
	ready = 1;
	return &c;
}

static void fuzz_http_body(const struct http_proto *p, const uint8_t *data, size_t size)
{
	const struct http_cfg *c = fuzz_http_cfg(p);
	cJSON *body = cJSON_ParseWithLength((const char *)data, size);

	if (body) {
		cJSON *meta = cJSON_CreateObject();
		char *text = NULL, *reasoning = NULL, why[256] = "";
		int r = p->parse(c, body, &text, &reasoning, meta, why, sizeof(why));

		if (r == VSRBENCH_OK) {
			const cJSON *rc = cJSON_GetObjectItemCaseSensitive(meta, "reasoning_chars");
			char *mj;
			if (!text)
				abort(); /* parse() promised a text */
			/* The reasoning's text exactly when its length, and of that length. */
			if (!reasoning != !rc ||
			    (reasoning && (!cJSON_IsNumber(rc) || (size_t)rc->valuedouble != strlen(reasoning))))
				abort();
			(void)extract_answer(text, NULL, NULL, 0);
			mj = cJSON_PrintUnformatted(meta);
			cJSON_free(mj);
		} else if (!why[0] || reasoning) {
			abort(); /* a failure says why, and leaves no reasoning to free */
		}
		free(text);
		free(reasoning);
		cJSON_Delete(meta);
		cJSON_Delete(body);
	}
	if (p->parse_fast) {
		/* The fast path: the same result as the cJSON path, or it declines. */
		struct task_result ref, fast;
		char why[1024] = "", why2[1024] = "";
		int rr, rf;

		memset(&ref, 0, sizeof(ref));
		memset(&fast, 0, sizeof(fast));
		rr = remote_reply_read(p, c, (const char *)data, size, FUZZ_KEY, 1, 0, NULL, &ref, why,
				       sizeof(why));
		rf = remote_reply_read(p, c, (const char *)data, size, FUZZ_KEY, 1, 1, NULL, &fast, why2,
				       sizeof(why2));
		if (rr != rf || strcmp(why, why2) || ref.cut_short != fast.cut_short ||
		    ref.refused != fast.refused || ref.usage != fast.usage ||
		    (ref.usage && (ref.tok_in != fast.tok_in || ref.tok_out != fast.tok_out ||
				   ref.tok_reasoning != fast.tok_reasoning)) ||
		    !ref.text != !fast.text || (ref.text && strcmp(ref.text, fast.text)) ||
		    !ref.meta_json != !fast.meta_json ||
		    (ref.meta_json && strcmp(ref.meta_json, fast.meta_json)) ||
		    !ref.reasoning != !fast.reasoning ||
		    (ref.reasoning && strcmp(ref.reasoning, fast.reasoning)))
			abort();
		free(ref.text);
		free(ref.meta_json);
		free(ref.reasoning);
		free(fast.text);
		free(fast.meta_json);
		free(fast.reasoning);
	}
	{
		struct buf b = BUF_INIT;
		char ex[REMOTE_EXCERPT + 8], *s; /* as the loop has it */

		char hint[300];
		double w;

		buf_add(&b, data, size);
		remote_body_excerpt(&b, FUZZ_KEY, ex, sizeof(ex));
		/* What a refusal's body may say: a wait (Gemini), no eyes, the fix. */
		w = retry_body_delay((const char *)data, size);
		if (!(w == -1 || (w > 0 && w <= RETRY_MAX_SERVER_WAIT_S)))
			abort();
		(void)hint_no_image((const char *)data, size);
		hint_4xx(404, (const char *)data, size, "openai", "http://127.0.0.1:9", hint, sizeof(hint));
		if (strlen(hint) >= sizeof(hint))
			abort();
		/* A request over the context; the same failure for every request. */
		{
			struct hint_ctx hc;
			if (hint_context_parse((const char *)data, size, &hc))
				hint_context(&hc, "openai", 1024, hint, sizeof(hint));
			hint_5xx(500, (const char *)data, size, NULL, "ollama", hint, sizeof(hint));
			hint_5xx(200, (const char *)data, size, "why", "openai", hint, sizeof(hint));
			(void)hint_signature(400, (const char *)data, size);
			(void)hint_signature_200((const char *)data, size, NULL);
		}
		remote_redact(ex, FUZZ_KEY);
		s = fuzz_strndup(data, size);
		remote_redact(s, FUZZ_KEY);
		if (strlen(s) > size)
			abort();
		free(s);
		buf_release(&b);
	}
}

#endif
