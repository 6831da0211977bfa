/*
 * -m anthropic: the Anthropic Messages API.  POST {base_url}/messages with
 * x-api-key and anthropic-version headers, the image as a base64 "source"
 * block before the text; the reply is the text blocks of "content".
 * The API has no seed: runs at temperature 0 are as repeatable as it gets.
 */
#include <string.h>

#include "http.h"
#include "../base/util.h" /* last: it includes banned.h */

static const char *const keys[] = { "anthropic_version", NULL };
static const char *const answer_keys[] = { "anthropic_version", NULL };
static const char *const body_keys[] = {
	"model=-M model", "max_tokens=--max-tokens", "temperature=--temperature",
	"system=-M system", "messages=the prompt and image", "stream=vsrbench reads whole replies",
	NULL,
};
static const char *const reasoning_keys[] = { "thinking", NULL };
/* The image types the Messages API takes. */
static const char *const mimes[] = { "image/jpeg", "image/png", "image/gif", "image/webp", NULL };

#define THINKING_MIN_BUDGET 1024 /* the API's minimum budget_tokens */

static int anthropic_setup(struct http_cfg *c, const char **default_url, int *key_required,
			   const char **key_env, char *err)
{
	const char *ver = http_opt(c, "anthropic_version");
	struct buf h = BUF_INIT;

	(void)default_url;
	(void)key_required;
	(void)key_env;
	if (!c->model)
		return err_set(err, VSR_EUSAGE,
			       "-m anthropic needs -M model=NAME (e.g. claude-sonnet-4-5)");
	if (c->reasoning.level > REASONING_OFF &&
	    http_reasoning_budget(&c->reasoning) < THINKING_MIN_BUDGET)
		return err_set(err, VSR_EUSAGE,
			       "--reasoning %ld: Anthropic's thinking budget is at least %d tokens",
			       c->reasoning.budget, THINKING_MIN_BUDGET);
	c->mimes = mimes;
	buf_adds(&c->path, "/messages");
	buf_addf(&h, "anthropic-version: %s", ver ? ver : "2023-06-01");
	c->headers = curl_slist_append(c->headers, h.ptr);
	buf_release(&h);
	c->auth = "x-api-key: ";
	return 0;
}

/*
 * Before any request: the API's temperature is 0 to 1; with thinking on,
 * its budget must be below max_tokens and the temperature 1 (not sent
 * when no --temperature was given).
 */
static int anthropic_check_gen(const struct http_cfg *c, long max_tokens, double *temperature,
			       int temperature_given, char *err)
{
	long budget = http_reasoning_budget(&c->reasoning);

	if (*temperature > 1)
		return err_set(err, VSR_EUSAGE,
			       "--temperature %g: Anthropic's temperature is 0 to 1 (or 'default': not sent)",
			       *temperature);
	if (c->reasoning.level <= REASONING_OFF)
		return 0;
	if (budget >= max_tokens)
		return err_set(err, VSR_EUSAGE,
			       "--reasoning %s: Anthropic's thinking budget (%ld tokens) must be below "
			       "--max-tokens (%ld): use --max-tokens %ld or more",
			       http_opt(c, "reasoning"), budget, max_tokens, budget + 1024);
	if (*temperature >= 0 && *temperature != 1) {
		if (temperature_given)
			return err_set(err, VSR_EUSAGE,
				       "--temperature %g: Anthropic's extended thinking (--reasoning) takes "
				       "only temperature 1: use --temperature 1 or --temperature default",
				       *temperature);
		*temperature = -1; /* vsrbench's default 0 is not sent */
	}
	return 0;
}

static int anthropic_build(const struct http_cfg *c, const struct vsrbench_request *req,
			   const struct http_image *img, struct buf *body)
{
	struct jw w = { body, 0 };

	jw_kstr(&w, "{\"model\":", c->model);
	jw_knum(&w, ",\"max_tokens\":", req->max_tokens);
	if (req->temperature >= 0)
		jw_knum(&w, ",\"temperature\":", req->temperature);
	if (c->system)
		jw_kstr(&w, ",\"system\":", c->system);
	if (c->reasoning.level == REASONING_OFF)
		jw_raw(&w, ",\"thinking\":{\"type\":\"disabled\"}");
	else if (c->reasoning.level)
		jw_knum(&w, ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":",
			(double)http_reasoning_budget(&c->reasoning));
	if (c->reasoning.level > REASONING_OFF)
		jw_raw(&w, "}");
	jw_raw(&w, ",\"messages\":[{\"role\":\"user\",\"content\":[");
	if (img->b64) {
		jw_kstr(&w, "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":",
			http_image_mime(img));
		jw_raw(&w, ",\"data\":");
		jw_image(&w, 0, img);
		jw_raw(&w, "}},");
	}
	jw_kstr(&w, "{\"type\":\"text\",\"text\":", req->prompt);
	jw_raw(&w, "}]}]");
	jw_extra(&w, c);
	jw_raw(&w, "}");
	return w.bad ? -1 : 0;
}

static int anthropic_parse(const struct http_cfg *c, const cJSON *body, char **text,
			   char **reasoning, cJSON *meta, char *why, size_t whylen)
{
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(body, "content"), *part, *v;
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(body, "type"));
	struct buf b = BUF_INIT, th = BUF_INIT;

	(void)c;
	if (type && !strcmp(type, "error")) {
		const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(body, "error"), "message"));
		snprintf(why, whylen, "error in a 200 response: %s", m ? m : "(no message)");
		return VSRBENCH_ERR_RETRY;
	}
	if (!cJSON_IsArray(content)) {
		snprintf(why, whylen, "no \"content\" array");
		return VSRBENCH_ERR_FATAL;
	}
	cJSON_ArrayForEach(part, content) {
		const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(part, "type"));
		const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(part, "text"));
		if (t && !strcmp(t, "text") && s)
			buf_adds(&b, s);
		else if (t && !strcmp(t, "thinking") &&
			 (s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(part, "thinking"))))
			buf_adds(&th, s); /* several blocks: joined, as the text blocks are */
	}
	if (th.len) {
		cJSON_AddNumberToObject(meta, "reasoning_chars", (double)th.len);
		*reasoning = buf_detach(&th, NULL);
	}
	buf_release(&th);
	*text = buf_detach(&b, NULL);
	if ((v = cJSON_GetObjectItemCaseSensitive(body, "model")) && cJSON_IsString(v))
		cJSON_AddStringToObject(meta, "model", v->valuestring);
	if ((v = cJSON_GetObjectItemCaseSensitive(body, "usage")) && cJSON_IsObject(v))
		cJSON_AddItemToObject(meta, "usage", cJSON_Duplicate(v, 1));
	if ((v = cJSON_GetObjectItemCaseSensitive(body, "stop_reason")) && cJSON_IsString(v)) {
		cJSON_AddStringToObject(meta, "finish_reason", v->valuestring);
		if (!strcmp(v->valuestring, "max_tokens"))
			cJSON_AddTrueToObject(meta, "cut_short");
		else if (!strcmp(v->valuestring, "refusal"))
			cJSON_AddTrueToObject(meta, "refused");
	}
	return VSRBENCH_OK;
}

const struct http_proto http_anthropic_proto = {
	.kind = "anthropic",
	.what = "Anthropic Messages API (ANTHROPIC_API_KEY)",
	.default_url = "https://api.anthropic.com/v1",
	.key_env = "ANTHROPIC_API_KEY",
	.key_required = 1,
	.keys = keys,
	.answer_keys = answer_keys,
	.body_keys = body_keys,
	.reasoning_keys = reasoning_keys,
	.setup = anthropic_setup,
	.build = anthropic_build,
	.parse = anthropic_parse,
	.check_gen = anthropic_check_gen,
};
