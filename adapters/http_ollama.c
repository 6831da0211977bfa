/*
 * -m ollama: Ollama's native chat API.  POST {base_url}/api/chat with
 * "stream": false, the image as raw base64 in messages[].images, the
 * generation settings in "options"; the reply is message.content.
 * (Ollama also speaks -m openai at {base_url}/v1.)
 */
#include <string.h>

#include "../harness/util.h"
#include "remote.h"

static const char *const keys[] = { "keep_alive", NULL };
static const char *const answer_keys[] = { NULL };

static int ollama_setup(struct http_cfg *c, const char **default_url, int *key_required,
			const char **key_env, char *err)
{
	(void)default_url;
	(void)key_required;
	(void)key_env;
	if (!c->model)
		return err_set(err, VSR_EUSAGE, "-m ollama needs -M model=NAME (e.g. llava:7b; see 'ollama list')");
	buf_adds(&c->path, "/api/chat");
	/* No key by default; a proxy in front of Ollama may want one (-M api_key_env). */
	if (c->key) {
		struct buf h = BUF_INIT;
		buf_addf(&h, "Authorization: Bearer %s", c->key);
		c->headers = curl_slist_append(c->headers, h.ptr);
		memset(h.ptr, 0, h.len);
		buf_release(&h);
	}
	return 0;
}

static int ollama_build(const struct http_cfg *c, const struct vsrbench_request *req,
			const struct http_image *img, struct buf *body)
{
	cJSON *root = cJSON_CreateObject(), *msgs, *m, *opts;
	const char *keep = http_opt(c, "keep_alive");
	int r;

	cJSON_AddStringToObject(root, "model", c->model);
	msgs = http_chat_messages(root, c->system);
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "role", "user");
	cJSON_AddStringToObject(m, "content", req->prompt);
	if (img->b64)
		cJSON_AddItemToArray(cJSON_AddArrayToObject(m, "images"), http_image_slot());
	cJSON_AddItemToArray(msgs, m);
	cJSON_AddFalseToObject(root, "stream");
	if (keep)
		cJSON_AddStringToObject(root, "keep_alive", keep);
	opts = cJSON_AddObjectToObject(root, "options");
	cJSON_AddNumberToObject(opts, "temperature", req->temperature);
	cJSON_AddNumberToObject(opts, "seed", (double)req->seed);
	cJSON_AddNumberToObject(opts, "num_predict", req->max_tokens);
	r = http_print(body, root, "", img);
	cJSON_Delete(root);
	return r;
}

static int ollama_parse(const struct http_cfg *c, const cJSON *body, char **text, cJSON *meta,
			char *why, size_t whylen)
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
	if ((v = cJSON_GetObjectItemCaseSensitive(body, "done_reason")) && cJSON_IsString(v))
		cJSON_AddStringToObject(meta, "finish_reason", v->valuestring);
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
	.setup = ollama_setup,
	.build = ollama_build,
	.parse = ollama_parse,
};
