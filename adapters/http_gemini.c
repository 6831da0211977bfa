/*
 * -m gemini: the Gemini API's generateContent.  POST
 * {base_url}/models/MODEL:generateContent with the key in an
 * x-goog-api-key header (never in the URL, where logs would keep it), the
 * image as inline_data before the text; the reply is the text parts of
 * candidates[0].content.
 */
#include <ctype.h>
#include <string.h>

#include "http.h"
#include "../base/util.h" /* last: it includes banned.h */

static const char *const keys[] = { NULL };
static const char *const answer_keys[] = { NULL };
static const char *const body_keys[] = {
	"contents=the prompt and image", "systemInstruction=-M system",
	"generationConfig=--max-tokens, --temperature, --seed, --reasoning", NULL,
};
/* The image types the Gemini API takes inline. */
static const char *const mimes[] = { "image/png", "image/jpeg", "image/webp", "image/heic",
				     "image/heif", NULL };

static int gemini_setup(struct http_cfg *c, const char **default_url, int *key_required,
			const char **key_env, char *err)
{
	const char *m = c->model;

	(void)default_url;
	(void)key_required;
	(void)key_env;
	if (!m)
		return err_set(err, VSR_EUSAGE, "-m gemini needs -M model=NAME (e.g. gemini-2.5-flash)");
	if (!strncmp(m, "models/", 7))
		m += 7;
	for (const char *p = m; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
			return err_set(err, VSR_EUSAGE, "-M model=%s: expected letters, digits, '-', '.', '_'",
				       c->model);
	c->mimes = mimes;
	buf_addf(&c->path, "/models/%s:generateContent", m);
	c->auth = "x-goog-api-key: ";
	return 0;
}

/* A Gemini 3 model ("gemini-3-flash-preview", "models/gemini-3.1-pro-preview"). */
static int gemini3(const char *model)
{
	if (model && !strncmp(model, "models/", 7))
		model += 7;
	return model && !strncmp(model, "gemini-3", 8) && (model[8] == '-' || model[8] == '.');
}

static int gemini_build(const struct http_cfg *c, const struct vsrbench_request *req,
			const struct http_image *img, struct buf *body)
{
	struct jw w = { body, 0 };

	jw_raw(&w, "{\"contents\":[{\"role\":\"user\",\"parts\":[");
	if (img->b64) {
		jw_kstr(&w, "{\"inline_data\":{\"mime_type\":", http_image_mime(img));
		jw_raw(&w, ",\"data\":");
		jw_image(&w, 0, img);
		jw_raw(&w, "}},");
	}
	jw_kstr(&w, "{\"text\":", req->prompt);
	jw_raw(&w, "}]}]");
	if (c->system) {
		jw_kstr(&w, ",\"systemInstruction\":{\"parts\":[{\"text\":", c->system);
		jw_raw(&w, "}]}");
	}
	jw_knum(&w, ",\"generationConfig\":{\"maxOutputTokens\":", req->max_tokens);
	if (req->temperature >= 0)
		jw_knum(&w, ",\"temperature\":", req->temperature);
	jw_ku64(&w, ",\"seed\":", req->seed & 0x7fffffff);
	/*
	 * --reasoning: a thinking budget in tokens, 0 turns thinking off where
	 * the model allows it.  Gemini 3 models take a level as thinkingLevel
	 * (Google: thinkingBudget is accepted there for backward compatibility
	 * only, and may do worse); a budget and off stay budgets.
	 */
	if (c->reasoning.level && gemini3(c->model) && http_reasoning_effort(&c->reasoning)) {
		jw_kstr(&w, ",\"thinkingConfig\":{\"thinkingLevel\":",
			http_reasoning_effort(&c->reasoning));
		jw_raw(&w, "}");
	} else if (c->reasoning.level) {
		jw_knum(&w, ",\"thinkingConfig\":{\"thinkingBudget\":",
			(double)http_reasoning_budget(&c->reasoning));
		jw_raw(&w, "}");
	}
	jw_raw(&w, "}");
	jw_extra(&w, c);
	jw_raw(&w, "}");
	return w.bad ? -1 : 0;
}

static int gemini_parse(const struct http_cfg *c, const cJSON *body, char **text,
			char **reasoning, cJSON *meta, char *why, size_t whylen)
{
	const cJSON *cand = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(body, "candidates"), 0);
	const cJSON *parts = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cand, "content"), "parts");
	const cJSON *part, *v;
	struct buf b = BUF_INIT, th = BUF_INIT;

	(void)c;
	if (cJSON_GetObjectItemCaseSensitive(body, "error") && !cand) {
		const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(body, "error"), "message"));
		snprintf(why, whylen, "error in a 200 response: %s", m ? m : "(no message)");
		return VSRBENCH_ERR_RETRY;
	}
	if (!cand) {
		const char *block = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(body, "promptFeedback"), "blockReason"));
		if (!block) {
			snprintf(why, whylen, "no candidates");
			return VSRBENCH_ERR_FATAL;
		}
		/* The prompt was blocked: a safety block, counted as a refusal. */
		*text = xstrdup("");
		cJSON_AddStringToObject(meta, "finish_reason", block);
		cJSON_AddStringToObject(meta, "block_reason", block);
		cJSON_AddTrueToObject(meta, "refused");
		return VSRBENCH_OK;
	}
	cJSON_ArrayForEach(part, parts) {
		const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(part, "text"));
		if (s && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(part, "thought")))
			buf_adds(&b, s);
		else if (s)
			buf_adds(&th, s); /* several thought parts: joined, as the answer's are */
	}
	if (th.len) {
		cJSON_AddNumberToObject(meta, "reasoning_chars", (double)th.len);
		*reasoning = buf_detach(&th, NULL);
	}
	buf_release(&th);
	*text = buf_detach(&b, NULL);
	if ((v = cJSON_GetObjectItemCaseSensitive(body, "modelVersion")) && cJSON_IsString(v))
		cJSON_AddStringToObject(meta, "model", v->valuestring);
	if ((v = cJSON_GetObjectItemCaseSensitive(body, "usageMetadata")) && cJSON_IsObject(v))
		cJSON_AddItemToObject(meta, "usage", cJSON_Duplicate(v, 1));
	if ((v = cJSON_GetObjectItemCaseSensitive(cand, "finishReason")) && cJSON_IsString(v)) {
		/* The reasons Google lists for a blocked candidate. */
		static const char *const blocked[] = { "SAFETY", "RECITATION", "BLOCKLIST",
						       "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" };
		cJSON_AddStringToObject(meta, "finish_reason", v->valuestring);
		if (!strcmp(v->valuestring, "MAX_TOKENS"))
			cJSON_AddTrueToObject(meta, "cut_short");
		for (size_t i = 0; i < sizeof(blocked) / sizeof(blocked[0]); i++)
			if (!strcmp(v->valuestring, blocked[i]))
				cJSON_AddTrueToObject(meta, "refused");
	}
	return VSRBENCH_OK;
}

const struct http_proto http_gemini_proto = {
	.kind = "gemini",
	.what = "Google Gemini API generateContent (GEMINI_API_KEY)",
	.default_url = "https://generativelanguage.googleapis.com/v1beta",
	.key_env = "GEMINI_API_KEY",
	.key_required = 1,
	.keys = keys,
	.answer_keys = answer_keys,
	.body_keys = body_keys,
	.setup = gemini_setup,
	.build = gemini_build,
	.parse = gemini_parse,
};
