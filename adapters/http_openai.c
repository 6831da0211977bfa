/*
 * -m openai: the OpenAI chat-completions protocol, which vLLM, SGLang,
 * LMDeploy, TGI, llama.cpp's server, LM Studio, Ollama (/v1) and Azure
 * OpenAI all speak.  POST {base_url}/chat/completions with the image as a
 * data: URI; the reply is choices[0].message.content.
 *
 * -M preset=NAME gives the usual base URL and key variable of a server
 * (table below); -M base_url overrides the URL.  Azure: the deployment is
 * in the base URL, the key goes in an `api-key` header, and the
 * api-version query is -M api_version.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "remote_msg.h"
#include "remote_sse.h"
#include "../base/jscan.h"
#include "../harness/scheduler.h"
#include "../base/util.h" /* last: it includes banned.h */

struct preset {
	const char *name, *url, *key_env;
	int key_required, api_key_header;
};

static const struct preset presets[] = {
	{ "openai", "https://api.openai.com/v1", "OPENAI_API_KEY", 1, 0 },
	{ "azure", NULL, "AZURE_OPENAI_API_KEY", 1, 1 },
	{ "vllm", "http://127.0.0.1:8000/v1", "OPENAI_API_KEY", 0, 0 },
	{ "sglang", "http://127.0.0.1:30000/v1", "OPENAI_API_KEY", 0, 0 },
	{ "lmdeploy", "http://127.0.0.1:23333/v1", "OPENAI_API_KEY", 0, 0 },
	{ "tgi", "http://127.0.0.1:3000/v1", "OPENAI_API_KEY", 0, 0 }, /* the launcher's default port */
	{ "llamacpp", "http://127.0.0.1:8080/v1", "OPENAI_API_KEY", 0, 0 },
	{ "ollama", "http://127.0.0.1:11434/v1", "OPENAI_API_KEY", 0, 0 },
	{ "lmstudio", "http://127.0.0.1:1234/v1", "OPENAI_API_KEY", 0, 0 },
};

int http_openai_preset(const char *name, const char **preset, const char **url)
{
	char folded[32];
	size_t n = 0;

	/* "vLLM", "llama.cpp", "LM-Studio": letters and digits, lower case */
	for (; *name && n + 1 < sizeof(folded); name++)
		if (isalnum((unsigned char)*name))
			folded[n++] = (char)tolower((unsigned char)*name);
	if (*name)
		return 0;
	folded[n] = '\0';
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (!strcmp(presets[i].name, folded)) {
			*preset = presets[i].name;
			*url = presets[i].url;
			return 1;
		}
	return 0;
}

struct openai {
	const char *detail;
	const char *max_tokens_field;
	int send_seed;
	int official; /* OpenAI's own endpoint (not a server speaking its protocol) */
	int stream;   /* -M stream=on: the reply asked for as a stream of events */
};

static const char *const keys[] = {
	"preset", "detail", "auth", "api_version", "max_tokens_field", "send_seed", "stream", NULL,
};
static const char *const answer_keys[] = { "detail", "api_version", "send_seed", NULL };
static const char *const body_keys[] = {
	"model=-M model", "messages=the prompt and image", "max_tokens=--max-tokens",
	"max_completion_tokens=--max-tokens", "temperature=--temperature",
	"seed=--seed, -M send_seed=0", "stream=-M stream=on|off", "stream_options=-M stream=on|off",
	NULL,
};
static const char *const reasoning_keys[] = { "reasoning_effort", "chat_template_kwargs", NULL };
/* What OpenAI's own endpoint takes (its vision guide); compatible servers read more. */
static const char *const official_mimes[] = { "image/png", "image/jpeg", "image/webp", "image/gif",
					      NULL };

/*
 * An Azure OpenAI resource's URL: 2 for its deployments API
 * (https://RES.openai.azure.com/openai/deployments/NAME: the model is in
 * the path, the key in an api-key header, an api-version query), 1 for its
 * v1 API (.../openai/v1: a model name, no api-version), 0 for another host.
 * Given without -M preset=azure, it was sent with OPENAI_API_KEY as a
 * Bearer token and no api-version, and Azure's 401 or 404 said nothing of
 * either.
 */
static int azure_url(const char *url)
{
	static const char *const hosts[] = { ".openai.azure.com", ".cognitiveservices.azure.com",
					     ".services.ai.azure.com" };
	const char *h = url ? strstr(url, "://") : NULL, *path;
	size_t n;

	if (!h)
		return 0;
	h += 3;
	n = strcspn(h, ":/");
	path = h + strcspn(h, "/");
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		size_t k = strlen(hosts[i]);
		if (n > k && !strncasecmp(h + n - k, hosts[i], k))
			return strstr(path, "/openai/deployments/") ? 2 : !strncmp(path, "/openai/v1", 10) ? 1 : 0;
	}
	return 0;
}

static int openai_setup(struct http_cfg *c, const char **default_url, int *key_required,
			const char **key_env, char *err)
{
	const char *name = http_opt(c, "preset"), *v;
	const struct preset *p = NULL;
	struct openai *o = xcalloc(1, sizeof(*o));
	int api_key_header = 0, azure;

	c->priv = o;
	if (name) {
		struct buf known = BUF_INIT;
		for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
			if (!strcmp(presets[i].name, name))
				p = &presets[i];
			buf_addf(&known, "%s%s", i ? ", " : "", presets[i].name);
		}
		if (!p) {
			err_set(err, VSR_EUSAGE, "-M preset=%s: unknown (known: %s)", name, known.ptr);
			buf_release(&known);
			return VSR_EUSAGE;
		}
		buf_release(&known);
	} else if (!http_opt(c, "base_url")) {
		p = &presets[0]; /* no URL, no preset: OpenAI itself */
	} else if (azure_url(http_opt(c, "base_url"))) {
		p = &presets[1]; /* an Azure resource's URL: the azure preset's key and header */
	}
	if (p) {
		*default_url = p->url;
		*key_required = p->key_required;
		if (!http_opt(c, "api_key_env"))
			*key_env = p->key_env;
		api_key_header = p->api_key_header;
	}
	if (p && !p->url && !http_opt(c, "base_url"))
		return err_set(err, VSR_EUSAGE,
			       "-M preset=%s needs -M base_url=https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT",
			       p->name);
	if ((v = http_opt(c, "auth"))) {
		if (!strcmp(v, "bearer"))
			api_key_header = 0;
		else if (!strcmp(v, "api-key"))
			api_key_header = 1;
		else
			return err_set(err, VSR_EUSAGE, "-M auth=%s: expected bearer or api-key", v);
	}
	o->detail = http_opt(c, "detail");
	if (o->detail && strcmp(o->detail, "low") && strcmp(o->detail, "high") &&
	    strcmp(o->detail, "auto"))
		return err_set(err, VSR_EUSAGE, "-M detail=%s: expected low, high or auto", o->detail);
	o->max_tokens_field = http_opt(c, "max_tokens_field");
	/*
	 * OpenAI's own endpoint: max_completion_tokens (max_tokens is deprecated
	 * there, and its reasoning models reject it); the servers that speak its
	 * protocol (the other presets, any -M base_url) may know only max_tokens.
	 */
	o->official = p == &presets[0] ||
		      (!p && (v = http_opt(c, "base_url")) && strstr(v, "://api.openai.com"));
	if (o->official)
		c->mimes = official_mimes;
	if (!o->max_tokens_field)
		o->max_tokens_field = o->official ? "max_completion_tokens" : "max_tokens";
	else if (strcmp(o->max_tokens_field, "max_tokens") &&
		 strcmp(o->max_tokens_field, "max_completion_tokens"))
		return err_set(err, VSR_EUSAGE,
			       "-M max_tokens_field=%s: expected max_tokens or max_completion_tokens",
			       o->max_tokens_field);
	o->send_seed = 1;
	if ((v = http_opt(c, "send_seed"))) {
		if (strcmp(v, "0") && strcmp(v, "1"))
			return err_set(err, VSR_EUSAGE, "-M send_seed=%s: expected 0 or 1", v);
		o->send_seed = v[0] == '1';
	}
	/*
	 * -M stream=on: the reply comes as events while it is generated, so a
	 * proxy whose idle timeout cuts a silent connection (nginx's
	 * proxy_read_timeout of 60 s, Cloudflare's 100 s) does not cut a model
	 * that thinks for minutes.  Not in answer_keys: streamed or not, the
	 * answer is the same (fingerprint, task keys and cache keys alike).
	 */
	if ((v = http_opt(c, "stream"))) {
		if (strcmp(v, "on") && strcmp(v, "off"))
			return err_set(err, VSR_EUSAGE, "-M stream=%s: expected on or off", v);
		o->stream = !strcmp(v, "on");
	}
	/*
	 * --reasoning: reasoning_effort, which OpenAI and vLLM, SGLang and
	 * llama.cpp's server read; "off" is effort "none" at OpenAI, and on the
	 * servers the chat template's switch (Qwen3's enable_thinking).  No
	 * OpenAI-compatible API takes a budget in tokens.
	 */
	if (c->reasoning.level == REASONING_BUDGET)
		return err_set(err, VSR_EUSAGE,
			       "--reasoning %ld: the OpenAI chat API takes no thinking budget in tokens; use "
			       "--reasoning off, low, medium or high (or a server's own field with -M extra_body=JSON)",
			       c->reasoning.budget);
	azure = p == &presets[1] ? azure_url(http_opt(c, "base_url")) : 0;
	/* An Azure deployment's URL names its model; Azure's v1 API takes it as model. */
	/* A server of one's own (a local preset, a -M base_url): the one model it lists. */
	c->model_later = !c->model && p != &presets[0] && p != &presets[1];
	if (!c->model && !c->model_later && (p != &presets[1] || azure == 1))
		return err_set(err, VSR_EUSAGE, "-m openai needs -M model=NAME (%s)",
			       azure == 1 ? "with Azure's v1 API, .../openai/v1: the deployment's name" :
					    "the served model's name, e.g. the one vLLM was started with");
	buf_adds(&c->path, "/chat/completions");
	if ((v = http_opt(c, "api_version"))) {
		char *esc = curl_easy_escape(NULL, v, 0);
		buf_addf(&c->path, "?api-version=%s", esc ? esc : "");
		curl_free(esc);
	} else if (p && p->api_key_header && azure != 1) {
		buf_adds(&c->path, "?api-version=2024-10-21"); /* Azure's v1 API takes none */
	}
	c->auth = api_key_header ? "api-key: " : "Authorization: Bearer ";
	return 0;
}

static int openai_build(const struct http_cfg *c, const struct vsrbench_request *req,
			const struct http_image *img, struct buf *body)
{
	const struct openai *o = c->priv;
	struct jw w = { body, 0 };

	jw_raw(&w, "{");
	if (c->model) {
		jw_kstr(&w, "\"model\":", c->model);
		jw_raw(&w, ",");
	}
	jw_chat_messages(&w, c->system);
	jw_raw(&w, "{\"role\":\"user\",\"content\":");
	if (img->b64) {
		/* The image first: a server's prefix cache then reuses its tokens (issue 16). */
		jw_raw(&w, "[{\"type\":\"image_url\",\"image_url\":{\"url\":");
		jw_image(&w, 1, img);
		if (o->detail)
			jw_kstr(&w, ",\"detail\":", o->detail);
		jw_kstr(&w, "}},{\"type\":\"text\",\"text\":", req->prompt);
		jw_raw(&w, "}]");
	} else {
		jw_str(&w, req->prompt); /* blind */
	}
	jw_raw(&w, "}],\"");
	jw_raw(&w, o->max_tokens_field);
	jw_knum(&w, "\":", req->max_tokens);
	if (req->temperature >= 0)
		jw_knum(&w, ",\"temperature\":", req->temperature);
	if (o->send_seed)
		jw_ku64(&w, ",\"seed\":", req->seed);
	if (c->reasoning.level == REASONING_OFF && !o->official)
		jw_raw(&w, ",\"chat_template_kwargs\":{\"enable_thinking\":false}");
	else if (c->reasoning.level == REASONING_OFF)
		jw_raw(&w, ",\"reasoning_effort\":\"none\"");
	else if (c->reasoning.level)
		jw_kstr(&w, ",\"reasoning_effort\":", http_reasoning_effort(&c->reasoning));
	if (o->stream) /* the usage comes in a last chunk only when asked for */
		jw_raw(&w, ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
	jw_extra(&w, c);
	jw_raw(&w, "}");
	return w.bad ? -1 : 0;
}

static void copy_item(cJSON *meta, const cJSON *from, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, key);

	if (v && !cJSON_IsNull(v))
		cJSON_AddItemToObject(meta, key, cJSON_Duplicate(v, 1));
}

/*
 * The reasoning a server sent apart from the content, appended to th: the
 * first non-empty of reasoning_content (DeepSeek, SGLang, vLLM before early
 * 2026) and reasoning (vLLM since, OpenRouter; e2e/http_outcomes sends
 * both), else OpenRouter's reasoning_details (the text of its
 * "reasoning.text" items, the summary of its "reasoning.summary" ones);
 * then the thinking parts of a content array (Mistral's Magistral:
 * {"type": "thinking", "thinking": [{"type": "text", "text": ...}]}).
 */
static void reasoning_apart(const cJSON *msg, struct buf *th)
{
	static const char *const names[] = { "reasoning_content", "reasoning" };
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content"), *d;

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]) && !th->len; k++) {
		const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, names[k]));
		if (s)
			buf_adds(th, s);
	}
	if (!th->len)
		cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(msg, "reasoning_details")) {
			const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "type"));
			const char *s = !t ? NULL
				: !strcmp(t, "reasoning.text")
				? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "text"))
				: !strcmp(t, "reasoning.summary")
				? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "summary"))
				: NULL;
			if (s)
				buf_adds(th, s);
		}
	if (!cJSON_IsArray(content))
		return;
	cJSON_ArrayForEach(d, content) {
		const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "type"));
		const cJSON *thinking = cJSON_GetObjectItemCaseSensitive(d, "thinking"), *x;
		if (!t || strcmp(t, "thinking"))
			continue;
		if (cJSON_IsString(thinking))
			buf_adds(th, thinking->valuestring);
		if (!cJSON_IsArray(thinking))
			continue;
		cJSON_ArrayForEach(x, thinking) {
			const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "text"));
			if (s)
				buf_adds(th, s);
		}
	}
}

/* Is s empty or only blanks? */
static int blank(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	return !*s;
}

static int openai_parse(const struct http_cfg *c, const cJSON *body, char **text, char **reasoning,
			cJSON *meta, char *why, size_t whylen)
{
	const cJSON *choice = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(body, "choices"), 0);
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(choice, "message");
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content");
	const cJSON *errobj = cJSON_GetObjectItemCaseSensitive(body, "error");
	const char *obj = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(body, "object"));
	const char *fin, *refusal, *apart;
	struct buf th = BUF_INIT;

	if (!choice && !errobj && obj && !strcmp(obj, "error"))
		errobj = body; /* vLLM's own error shape: {"object": "error", "message": ...} */
	if (errobj && !choice) {
		/* Some proxies answer 200 with an error object when upstream failed. */
		const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(errobj, "message"));
		snprintf(why, whylen, "error in a 200 response: %s",
			 m ? m : cJSON_GetStringValue(errobj) ? cJSON_GetStringValue(errobj) : "(no message)");
		return VSRBENCH_ERR_RETRY;
	}
	fin = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(choice, "finish_reason"));
	if (fin && !strcmp(fin, "error")) {
		/*
		 * The server failed to generate and says so in the content (e.g.
		 * "Generation failed: Model.__call__() missing 1 required
		 * positional argument: 'pixel_values'"): no answer, never scored
		 * nor cached; retried, as the failure may pass.
		 */
		snprintf(why, whylen, "finish_reason \"error\": %s",
			 cJSON_IsString(content) ? content->valuestring : "(no content)");
		return VSRBENCH_ERR_RETRY;
	}
	refusal = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "refusal"));
	/* vLLM / SGLang with a reasoning parser, DeepSeek, OpenRouter, Mistral: the thinking apart. */
	reasoning_apart(msg, &th);
	apart = th.len ? th.ptr : NULL;
	if (cJSON_IsString(content)) {
		*text = xstrdup(content->valuestring);
	} else if (cJSON_IsArray(content)) {
		/* Content as parts: the text parts, joined. */
		struct buf b = BUF_INIT;
		const cJSON *part;
		cJSON_ArrayForEach(part, content) {
			const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(part, "text"));
			if (t)
				buf_adds(&b, t);
		}
		*text = buf_detach(&b, NULL);
	} else if (choice && (cJSON_IsNull(content) || !content) &&
		   (refusal || apart || (fin && (!strcmp(fin, "length") ||
						     !strcmp(fin, "content_filter"))))) {
		/* No content, but a reply all the same: a refusal, thinking only, cut short. */
		*text = xstrdup("");
	} else if (cJSON_IsObject(msg) && cJSON_IsNull(content) && fin && !strcmp(fin, "stop") &&
		   !cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(msg, "tool_calls"))) {
		/*
		 * A model that stopped at once: content null is the empty reply
		 * (as "" is), scored invalid, not an error that every run asks
		 * again and that at temperature 0 never ends.
		 */
		*text = xstrdup("");
	} else {
		snprintf(why, whylen, "no choices[0].message.content%s%s", fin ? "; finish_reason " : "",
			 fin ? fin : "");
		buf_release(&th);
		return VSRBENCH_ERR_FATAL;
	}
	if (apart && *apart && blank(*text) && c->reasoning.level == REASONING_OFF) {
		/*
		 * Thinking turned off, yet the reply came as reasoning and no
		 * content: a reasoning parser that takes every reply to start
		 * inside a think block (vLLM's deepseek_r1 with Qwen3, SGLang's
		 * with Nemotron 3) files a reply that has no block there.  Nothing
		 * was thought: it is the reply, read as such, and meta says so.
		 */
		free(*text);
		*text = xstrdup(apart);
		apart = NULL;
		cJSON_AddTrueToObject(meta, "reasoning_as_content");
	}
	if (fin && !strcmp(fin, "length"))
		cJSON_AddTrueToObject(meta, "cut_short");
	if ((refusal && *refusal) || (fin && !strcmp(fin, "content_filter"))) {
		cJSON_AddTrueToObject(meta, "refused");
		if (refusal)
			cJSON_AddStringToObject(meta, "refusal", refusal);
	}
	if (apart) {
		cJSON_AddNumberToObject(meta, "reasoning_chars", (double)strlen(apart));
		*reasoning = xstrdup(apart);
	}
	buf_release(&th);
	copy_item(meta, body, "model");
	copy_item(meta, body, "system_fingerprint");
	copy_item(meta, body, "usage");
	copy_item(meta, choice, "finish_reason");
	return VSRBENCH_OK;
}

/* ---------------------------------------------------------------- */
/* The fast path: the common reply read by jscan (see parse_fast)      */

#define FAST_TOKENS 128

/*
 * Whether container i's bytes are already what fast_copy would write: no
 * blank (nor control byte), escape or non-ASCII byte anywhere in them, and
 * only numbers it copies as they are.  Its tokens follow it in t[0..n).
 */
static int compact_as_is(const char *s, const struct jtok *t, int n, int i)
{
	const unsigned char *p = (const unsigned char *)s + t[i].start;
	unsigned end = t[i].start + t[i].len;

	for (unsigned k = 0; k < t[i].len; k++)
		if (p[k] <= ' ' || p[k] >= 0x80 || p[k] == '\\')
			return 0;
	for (int j = i + 1; j < n && t[j].start < end; j++)
		if (t[j].type == JT_NUM && (!(t[j].flags & JT_INT) || t[j].len > 15))
			return 0;
	return 1;
}

/*
 * A value written as json_compact writes its cJSON copy, or -1 when that
 * could differ from its bytes: numbers other than plain integers of up to
 * 15 digits (strtod and back), strings with escapes or non-ASCII bytes.
 * t holds n tokens.
 */
static int fast_copy(struct buf *b, const char *s, const struct jtok *t, int n, int i)
{
	const char *p = s + t[i].start;
	int r = 0;

	switch (t[i].type) {
	case JT_NUM:
		return (t[i].flags & JT_INT) && t[i].len <= 15 ? buf_add(b, p, t[i].len) : -1;
	case JT_STR:
		if (t[i].flags & JT_ESC)
			return -1;
		for (unsigned k = 0; k < t[i].len; k++)
			if ((unsigned char)p[k] >= 0x80)
				return -1;
		return buf_addch(b, '"') || buf_add(b, p, t[i].len) || buf_addch(b, '"') ? -1 : 0;
	case JT_ARR:
	case JT_OBJ:
		if (compact_as_is(s, t, n, i))
			return buf_add(b, p, t[i].len);
		r = buf_addch(b, t[i].type == JT_OBJ ? '{' : '[');
		for (int k = t[i].child; k >= 0 && !r; k = t[k].next) {
			if (k != t[i].child)
				r = buf_addch(b, ',');
			if (!r && t[i].type == JT_OBJ)
				r = fast_copy(b, s, t, n, k) || buf_addch(b, ':') ||
				    fast_copy(b, s, t, n, t[k].child);
			else if (!r)
				r = fast_copy(b, s, t, n, k);
		}
		return r || buf_addch(b, t[i].type == JT_OBJ ? '}' : ']') ? -1 : 0;
	default:
		return buf_add(b, p, t[i].len); /* null, true, false */
	}
}

struct fast_usage {
	const char *s;
	const struct jtok *t;
	int obj;
};

static long long fast_num(const void *u, const char *sub, const char *name)
{
	const struct fast_usage *f = u;
	int o = sub ? jscan_get(f->s, f->t, f->obj, sub) : f->obj;
	int v = jscan_get(f->s, f->t, o, name);

	return v < 0 ? -1 : jscan_int(f->s, f->t, v);
}

static int fast_is(const char *s, const struct jtok *t, int i, const char *word)
{
	return i >= 0 && t[i].type == JT_STR && t[i].len == strlen(word) &&
	       !memcmp(s + t[i].start, word, t[i].len);
}

/*
 * openai_parse's reading of the one shape most answers have: choices[0]'s
 * message with a string content, no refusal, no reasoning (nor
 * reasoning_details), not cut short,
 * filtered or failed (finish_reason "error"), no error member.  The meta holds what openai_parse copies,
 * in its order; anything it could write otherwise declines.
 */
static int openai_parse_fast(const char *body, size_t len, const char *key, char **text,
			     char **meta_json, struct task_result *res)
{
	static const char *const said[] = { "refusal", "reasoning_content", "reasoning" };
	/* copied[]'s last member is choice's, the others the root's */
	static const char *const copied[] = { "model", "system_fingerprint", "usage", "finish_reason" };
	enum { N_COPIED = sizeof(copied) / sizeof(copied[0]) };
	struct jtok t[FAST_TOKENS];
	struct buf m = BUF_INIT;
	int n = jscan(body, len, t, FAST_TOKENS), choices, choice, msg, content, fin, v[N_COPIED];

	if (n < 1 || t[0].type != JT_OBJ || jscan_get(body, t, 0, "error") >= 0)
		return 0;
	choices = jscan_get(body, t, 0, "choices");
	if (choices < 0 || t[choices].type != JT_ARR || (choice = t[choices].child) < 0)
		return 0;
	msg = jscan_get(body, t, choice, "message");
	content = jscan_get(body, t, msg, "content");
	fin = jscan_get(body, t, choice, "finish_reason");
	if (content < 0 || t[content].type != JT_STR || fast_is(body, t, fin, "length") ||
	    fast_is(body, t, fin, "content_filter") || fast_is(body, t, fin, "error"))
		return 0;
	for (size_t k = 0; k < sizeof(said) / sizeof(said[0]); k++) {
		int r = jscan_get(body, t, msg, said[k]);
		if (r >= 0 && t[r].type == JT_STR)
			return 0;
	}
	if (jscan_get(body, t, msg, "reasoning_details") >= 0) /* OpenRouter's: read by openai_parse */
		return 0;
	if (buf_grow(&m, len < 448 ? len + 64 : 512)) /* the meta is a part of the body: one allocation */
		return 0;
	for (int k = 0; k < N_COPIED; k++) {
		v[k] = jscan_get(body, t, k < N_COPIED - 1 ? 0 : choice, copied[k]);
		if (v[k] < 0 || t[v[k]].type == JT_NULL)
			continue;
		if (buf_addch(&m, m.len ? ',' : '{') || buf_addch(&m, '"') || buf_adds(&m, copied[k]) ||
		    buf_adds(&m, "\":") || fast_copy(&m, body, t, n, v[k])) {
			buf_release(&m);
			return 0;
		}
	}
	if (m.len && buf_addch(&m, '}')) {
		buf_release(&m);
		return 0;
	}
	if (v[2] >= 0 && t[v[2]].type == JT_OBJ) {
		struct fast_usage u = { body, t, v[2] };
		sched_usage_read(fast_num, &u, res);
	}
	*text = xmalloc(t[content].len + 1);
	jscan_unescape(body, t, content, *text);
	if (m.len)
		remote_redact(m.ptr, key);
	*meta_json = m.len ? buf_detach(&m, NULL) : NULL;
	buf_release(&m);
	return 1;
}

const struct http_proto http_openai_proto = {
	.kind = "openai",
	.what = "OpenAI chat completions: vLLM, SGLang, llama.cpp, LM Studio, Ollama /v1, OpenAI, Azure",
	.default_url = "https://api.openai.com/v1",
	.key_env = "OPENAI_API_KEY",
	.key_required = 1,
	.keys = keys,
	.answer_keys = answer_keys,
	.body_keys = body_keys,
	.reasoning_keys = reasoning_keys,
	.setup = openai_setup,
	.build = openai_build,
	.parse = openai_parse,
	.parse_fast = openai_parse_fast,
	.sse = sse_openai,
};
