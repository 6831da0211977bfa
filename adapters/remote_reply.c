/* remote_reply: a 2xx body read into a task's result (see remote_reply.h). */
#include "remote_reply.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "remote_loop.h"
#include "remote_msg.h"
#include "../base/util.h" /* last: it includes banned.h */

int remote_reply_read(const struct http_proto *p, const struct http_cfg *c, const char *body,
		      size_t len, const char *key, int sent, int fast, double *tokens,
		      struct task_result *res, char *why, size_t whylen)
{
	cJSON *b, *meta;
	char *text = NULL, *reasoning = NULL;
	int pr;

	/* The fast path knows neither pacing nor retries: both need the meta object. */
	if (fast && !tokens && sent <= 1 && p->parse_fast &&
	    p->parse_fast(body, len, key, &text, &res->meta_json, res)) {
		res->text = text;
		return VSRBENCH_OK;
	}
	if (!(b = cJSON_ParseWithLength(body, len)))
		return REMOTE_NOT_JSON;
	meta = cJSON_CreateObject();
	pr = p->parse(c, b, &text, &reasoning, meta, why, whylen);
	cJSON_Delete(b);
	if (pr != VSRBENCH_OK) {
		free(text);
		free(reasoning);
		cJSON_Delete(meta);
		return pr;
	}
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
