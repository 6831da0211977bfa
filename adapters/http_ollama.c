/*
 * -m ollama: Ollama's native chat API.  POST {base_url}/api/chat with
 * "stream": false, the image as raw base64 in messages[].images, the
 * generation settings in "options"; the reply is message.content.
 * (Ollama also speaks -m openai at {base_url}/v1.)
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "../base/util.h" /* last: it includes banned.h */

static const char *const keys[] = { "keep_alive", NULL };
static const char *const answer_keys[] = { NULL };
static const char *const body_keys[] = {
	"model=-M model", "messages=the prompt and image", "stream=vsrbench reads whole replies",
	"keep_alive=-M keep_alive", "options=--max-tokens, --temperature, --seed", NULL,
};
static const char *const reasoning_keys[] = { "think", NULL };
/* The image types Ollama decodes. */
static const char *const mimes[] = { "image/jpeg", "image/png", "image/gif", "image/webp", NULL };

static int ollama_setup(struct http_cfg *c, const char **default_url, int *key_required,
			const char **key_env, char *err)
{
	(void)default_url;
	(void)key_required;
	(void)key_env;
	c->model_later = !c->model; /* the one model GET /api/tags lists, else a usage error */
	if (c->reasoning.level == REASONING_BUDGET)
		return err_set(err, VSR_EUSAGE,
			       "--reasoning %ld: Ollama's think takes no budget in tokens; use --reasoning off, "
			       "low, medium or high",
			       c->reasoning.budget);
	c->mimes = mimes;
	buf_adds(&c->path, "/api/chat");
	/* No key by default; a proxy in front of Ollama may want one (-M api_key_env). */
	c->auth = "Authorization: Bearer ";
	return 0;
}

static int ollama_build(const struct http_cfg *c, const struct vsrbench_request *req,
			const struct http_image *img, struct buf *body)
{
	const char *keep = http_opt(c, "keep_alive");
	struct jw w = { body, 0 };

	jw_kstr(&w, "{\"model\":", c->model);
	jw_raw(&w, ",");
	jw_chat_messages(&w, c->system);
	jw_kstr(&w, "{\"role\":\"user\",\"content\":", req->prompt);
	if (img->b64) {
		jw_raw(&w, ",\"images\":[");
		jw_image(&w, 0, img);
		jw_raw(&w, "]");
	}
	jw_raw(&w, "}],\"stream\":false");
	if (keep) {
		/* A number is seconds and must travel as one ("-1" as a string is refused). */
		size_t i = keep[0] == '-', digits = strspn(keep + i, "0123456789");
		if (digits && digits < 10 && !keep[i + digits])
			jw_knum(&w, ",\"keep_alive\":", strtod(keep, NULL));
		else
			jw_kstr(&w, ",\"keep_alive\":", keep);
	}
	jw_ku64(&w, ",\"options\":{\"seed\":", req->seed);
	if (req->temperature >= 0)
		jw_knum(&w, ",\"temperature\":", req->temperature);
	jw_knum(&w, ",\"num_predict\":", req->max_tokens);
	jw_raw(&w, "}");
	/* --reasoning: think false, or the level (gpt-oss reads it; others think at all) */
	if (c->reasoning.level == REASONING_OFF)
		jw_raw(&w, ",\"think\":false");
	else if (c->reasoning.level)
		jw_kstr(&w, ",\"think\":", http_reasoning_effort(&c->reasoning));
	jw_extra(&w, c);
	jw_raw(&w, "}");
	return w.bad ? -1 : 0;
}

static int ollama_parse(const struct http_cfg *c, const cJSON *body, char **text,
			char **reasoning, cJSON *meta, char *why, size_t whylen)
{
	const cJSON *content =
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(body, "message"), "content");
	const char *e = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(body, "error"));
	const cJSON *v;
	cJSON *usage;

	(void)c;
	if (e) {
		snprintf(why, whylen, "error in a 200 response: %s", e);
		return VSRBENCH_ERR_RETRY;
	}
	if (!cJSON_IsString(content)) {
		snprintf(why, whylen, "no message.content");
		return VSRBENCH_ERR_FATAL;
	}
	*text = xstrdup(content->valuestring);
	if ((v = cJSON_GetObjectItemCaseSensitive(body, "model")) && cJSON_IsString(v))
		cJSON_AddStringToObject(meta, "model", v->valuestring);
	usage = cJSON_AddObjectToObject(meta, "usage");
	if ((v = cJSON_GetObjectItemCaseSensitive(body, "prompt_eval_count")) && cJSON_IsNumber(v))
		cJSON_AddNumberToObject(usage, "prompt_eval_count", v->valuedouble);
	if ((v = cJSON_GetObjectItemCaseSensitive(body, "eval_count")) && cJSON_IsNumber(v))
		cJSON_AddNumberToObject(usage, "eval_count", v->valuedouble);
	if (!usage->child)
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "usage");
	if ((v = cJSON_GetObjectItemCaseSensitive(body, "done_reason")) && cJSON_IsString(v)) {
		cJSON_AddStringToObject(meta, "finish_reason", v->valuestring);
		if (!strcmp(v->valuestring, "length"))
			cJSON_AddTrueToObject(meta, "cut_short");
	}
	/* A thinking model (think: true, the default for some): the thinking apart. */
	if ((v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(body, "message"),
						  "thinking")) && cJSON_IsString(v)) {
		cJSON_AddNumberToObject(meta, "reasoning_chars", (double)strlen(v->valuestring));
		*reasoning = xstrdup(v->valuestring);
	}
	return VSRBENCH_OK;
}

const struct http_proto http_ollama_proto = {
	.kind = "ollama",
	.what = "Ollama's native /api/chat (default http://127.0.0.1:11434)",
	.default_url = "http://127.0.0.1:11434",
	.key_env = NULL,
	.key_required = 0,
	.keys = keys,
	.answer_keys = answer_keys,
	.body_keys = body_keys,
	.reasoning_keys = reasoning_keys,
	.setup = ollama_setup,
	.build = ollama_build,
	.parse = ollama_parse,
};
