/*
 * remote_hint: the fix a refused request points at (see remote_hint.h).
 */
#include "remote_hint.h"
#include "remote_sse.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/util.h" /* last: it includes banned.h */

/* A case-insensitive search in the first len bytes of s (not NUL-terminated). */
static int has(const char *s, size_t len, const char *what)
{
	size_t w = strlen(what);

	for (size_t i = 0; i + w <= len; i++)
		if (!strncasecmp(s + i, what, w))
			return 1;
	return 0;
}

static int id_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

uint64_t hint_signature(long status, const char *body, size_t len)
{
	uint64_t h = hash64(&status, sizeof(status), HASH_SEED);
	struct hint_ctx c;
	size_t i = 0;

	/*
	 * A request over the model's context names its own token counts, which
	 * differ with each prompt and image: the same refusal is the same
	 * context size.
	 */
	if (hint_context_parse(body, len, &c))
		return hash64(&c.context, sizeof(c.context), hash64("context", 7, h));
	while (i < len) {
		size_t j = i, digits = 0;
		if (!id_char((unsigned char)body[i])) {
			h = hash64(body + i, 1, h);
			i++;
			continue;
		}
		for (; j < len && id_char((unsigned char)body[j]); j++)
			if (body[j] >= '0' && body[j] <= '9')
				digits++;
		/* An id (a run with digits of 16+ bytes) or a timestamp (8+ digits): left out. */
		if (!((j - i >= 16 && digits) || (digits >= 8 && digits == j - i)))
			h = hash64(body + i, j - i, h);
		else
			h = hash64("#", 1, h);
		i = j;
	}
	return h;
}

int hint_no_image(const char *body, size_t len)
{
	/*
	 * llama.cpp's server: "image input is not supported - hint: ... mmproj";
	 * vLLM: "... is not a multimodal model", "Qwen2ForCausalLM does not
	 * support multimodal inputs", and "At most 0 image(s) may be provided"
	 * (--limit-mm-per-prompt image=0); SGLang: "Multimodal inputs are not
	 * supported by this model."; OpenAI: "Invalid content type. image_url
	 * is only supported by certain models."; Ollama and proxies: "does not
	 * support images", "model cannot take images", "vision is not supported".
	 */
	static const char *const says[] = {
		"image input is not supported", "not a multimodal model", "does not support image",
		"doesn't support image", "cannot take image", "can't take image",
		"images are not supported", "vision is not supported", "does not support vision",
		"multimodal input is not supported", "multimodal inputs are not supported",
		"does not support multimodal", "image_url is only supported by certain models",
		"at most 0 image(s) may be provided", NULL,
	};

	for (size_t i = 0; says[i]; i++)
		if (has(body, len, says[i]))
			return 1;
	return 0;
}

int hint_loading(const char *body, size_t len)
{
	/* llama.cpp's server: "Loading model"; Hugging Face: "Model X is currently loading" */
	return has(body, len, "loading model") || has(body, len, "is currently loading") ||
	       has(body, len, "model is loading");
}

int hint_quota_used_up(const char *body, size_t len)
{
	/*
	 * Not "exceeded your current quota": Gemini's 429 for a per-minute
	 * limit says that too, with the wait in RetryInfo.
	 */
	static const char *const says[] = {
		"insufficient_quota", "credit balance is too low", "enforced_spend_limit_reached",
		"organization_spend_limit_exceeded", "project_spend_limit_exceeded",
		"organization_usage_limit_exceeded", "credit_balance_exhausted",
		"reached your specified api usage limits",
		"reached your specified workspace api usage limits", NULL,
	};

	for (size_t i = 0; says[i]; i++)
		if (has(body, len, says[i]))
			return 1;
	return 0;
}

const char *hint_key_other(const char *kind, const char *key)
{
	if (!key)
		return NULL;
	if (!strncmp(key, "sk-ant-", 7) && strcmp(kind, "anthropic"))
		return ", which looks like an Anthropic key (sk-ant-...; -m anthropic reads ANTHROPIC_API_KEY)";
	if (!strncmp(key, "AIza", 4) && strcmp(kind, "gemini"))
		return ", which looks like a Google API key (AIza...; -m gemini reads GEMINI_API_KEY)";
	if (!strncmp(key, "sk-", 3) && strncmp(key, "sk-ant-", 7) && strcmp(kind, "openai"))
		return ", which looks like an OpenAI key (sk-...; -m openai reads OPENAI_API_KEY)";
	return NULL;
}

void hint_unreachable(int resolve_failed, int dropped, int https, int local, char *out, size_t n)
{
	/* As libcurl reads them: the lower-case name first; HTTP_PROXY never (CGI's httpoxy). */
	static const char *const vars[2][4] = { { "http_proxy", "all_proxy", "ALL_PROXY", NULL },
						{ "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" } };
	const char *proxy = NULL, *v;

	for (size_t i = 0; !local && i < 4 && !proxy; i++)
		if (vars[https][i] && (v = getenv(vars[https][i])) && *v)
			proxy = vars[https][i];
	snprintf(out, n, "%s%s%s%s", resolve_failed ? "is the host name in -M base_url right?" :
			 dropped && !https && !proxy ?
			 "something on this port took the connection and dropped the request: a server "
			 "speaking HTTPS? then -M base_url=https://..." :
			 "is the server running?", proxy ? " The requests go through the proxy in $" : "",
		 proxy ? proxy : "", proxy ? " (NO_PROXY=HOST bypasses it): is the proxy reachable?" : "");
}

int hint_bad_key(const char *body, size_t len)
{
	return has(body, len, "API_KEY_INVALID") || has(body, len, "API key not valid") ||
	       has(body, len, "invalid_api_key") || has(body, len, "Incorrect API key");
}

/* A request member, the vsrbench option that changes it. */
static const struct {
	const char *param, *option;
} options[] = {
	{ "max_completion_tokens", "-M max_tokens_field=max_tokens" },
	{ "max_tokens", "-M max_tokens_field=max_completion_tokens (OpenAI's reasoning models)" },
	{ "temperature", "--temperature default (not sent) or --temperature 1" },
	{ "reasoning_effort", "--reasoning (leave it out, or another level)" },
	{ "chat_template_kwargs", "--reasoning (leave it out, or another level)" },
	{ "thinkingConfig", "--reasoning (leave it out, or another level)" },
	{ "budget_tokens", "--reasoning (another budget) and --max-tokens" },
	{ "thinking", "--reasoning (leave it out, or another level)" },
	{ "think", "--reasoning (leave it out, or another level)" },
	{ "seed", "-M send_seed=0" },
	{ "stream_options", "-M stream=off (this API version takes no stream_options)" },
	{ "detail", "-M detail" },
	{ "keep_alive", "-M keep_alive" },
	{ "systemInstruction", "-M system" },
	{ "system", "-M system" },
	{ "maxOutputTokens", "--max-tokens" },
	{ "num_predict", "--max-tokens" },
};

/* What a provider says of a parameter without naming it as a parameter. */
static const struct {
	const char *says, *param;
} phrases[] = {
	{ "does not support thinking", "think" },      /* Ollama */
	{ "thinking is not supported", "thinking" },   /* Anthropic, Gemini */
	{ "only works in thinking mode", "thinkingConfig" }, /* Gemini: a budget of 0 */
	{ "thinking budget", "thinkingConfig" },
	{ "reasoning effort", "reasoning_effort" },
	{ NULL, NULL },
};

static int has_upper(const char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			return 1;
	return 0;
}

/* what in s[0..len) as a whole word (no letter, digit or '_' on either side). */
static int has_word(const char *s, size_t len, const char *what)
{
	size_t w = strlen(what);

	for (size_t i = 0; i + w <= len; i++)
		if (!strncmp(s + i, what, w) &&
		    (i == 0 || !(id_char((unsigned char)s[i - 1]) && s[i - 1] != '-')) &&
		    (i + w == len || !(id_char((unsigned char)s[i + w]) && s[i + w] != '-')))
			return 1;
	return 0;
}

/* The option that changes param, or NULL. */
static const char *option_of(const char *param)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (!strcmp(options[i].param, param) ||
		    (strlen(param) > strlen(options[i].param) &&
		     !strcmp(param + strlen(param) - strlen(options[i].param), options[i].param) &&
		     param[strlen(param) - strlen(options[i].param) - 1] == '.'))
			return options[i].option;
	return NULL;
}

/* The length of base's last segment when it is an API version ("/v2", "/v1beta"), else 0:
 * the hint replaces it ("/v2" -> "/v1") rather than appending to it ("/v2/v1"). */
static size_t version_tail(const char *base, size_t bl)
{
	const char *slash = base + bl;

	while (slash > base && slash[-1] != '/')
		slash--;
	if (slash == base)
		return 0;
	slash--;
	if (slash[1] != 'v' || !isdigit((unsigned char)slash[2]))
		return 0;
	for (const char *p = slash + 3; p < base + bl; p++)
		if (!isalnum((unsigned char)*p))
			return 0;
	return (size_t)(base + bl - slash);
}

/* The number written just before what (digits, then blanks), or -1. */
static long num_before(const char *s, size_t len, const char *what)
{
	size_t w = strlen(what);

	for (size_t i = 0; i + w <= len; i++) {
		size_t j = i, k;
		long v = 0;
		if (strncasecmp(s + i, what, w))
			continue;
		while (j > 0 && s[j - 1] == ' ')
			j--;
		for (k = j; k > 0 && isdigit((unsigned char)s[k - 1]); k--)
			;
		if (k == j || j - k > 9)
			continue;
		for (; k < j; k++)
			v = v * 10 + (s[k] - '0');
		return v;
	}
	return -1;
}

/* The number written just after what (blanks, then digits), or -1. */
static long num_after(const char *s, size_t len, const char *what)
{
	size_t w = strlen(what);

	for (size_t i = 0; i + w <= len; i++) {
		size_t j = i + w, k;
		long v = 0;
		if (strncasecmp(s + i, what, w))
			continue;
		while (j < len && s[j] == ' ')
			j++;
		for (k = j; k < len && isdigit((unsigned char)s[k]) && k - j < 9; k++)
			v = v * 10 + (s[k] - '0');
		if (k > j)
			return v;
	}
	return -1;
}

static long json_long(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e9 ? (long)v->valuedouble : -1;
}

int hint_context_parse(const char *body, size_t len, struct hint_ctx *c)
{
	/* Each server's words, and where it writes the numbers. */
	static const char *const says[] = {
		"maximum context length",         /* vLLM, SGLang, OpenAI, LiteLLM quoting them */
		"exceeds the available context size", /* llama.cpp's server */
		"exceed_context_size_error",
		"context_length_exceeded",        /* OpenAI's code */
		"ContextWindowExceededError",     /* LiteLLM */
		"exceed context limit",           /* Anthropic: input length and `max_tokens` */
		"prompt is too long",             /* Anthropic */
		"`inputs` tokens + `max_new_tokens` must be", /* TGI */
		NULL,
	};
	size_t i;

	c->context = c->prompt = -1;
	for (i = 0; says[i] && !has(body, len, says[i]); i++)
		;
	if (!says[i])
		return 0;
	/* vLLM and OpenAI: "maximum context length is 4096 tokens. However, you
	 * requested 5139 tokens (4115 in the messages, 1024 in the completion)" */
	if ((c->context = num_after(body, len, "maximum context length is")) >= 0) {
		c->prompt = num_before(body, len, "in the messages");
		if (c->prompt < 0)
			c->prompt = num_after(body, len, "your messages resulted in");
		if (c->prompt < 0) /* vLLM since 0.10: "and your request has 3500 input tokens" */
			c->prompt = num_after(body, len, "your request has");
	} else if ((c->context = num_after(body, len, "maximum context length of")) >= 0) {
		/* SGLang: "... of 4096 tokens. You requested a total of 5139 tokens:
		 * 4115 tokens from the input messages and 1024 tokens for the completion" */
		c->prompt = num_before(body, len, "tokens from the input");
	} else if ((c->context = num_before(body, len, "maximum")) >= 0) {
		/* Anthropic: "prompt is too long: 215000 tokens > 200000 maximum" */
		c->prompt = num_after(body, len, "prompt is too long:");
	} else if ((c->context = num_after(body, len, "must be <=")) >= 0) {
		/* TGI: "... must be <= 4096. Given: 4115 `inputs` tokens and 1024 `max_new_tokens`" */
		c->prompt = num_before(body, len, "`inputs` tokens and");
	} else {
		/* llama.cpp's server: the numbers as members, the prompt alone. */
		cJSON *root = cJSON_ParseWithLength(body, len);
		const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
		c->context = json_long(err, "n_ctx");
		c->prompt = json_long(err, "n_prompt_tokens");
		cJSON_Delete(root);
		if (c->context < 0) {
			/* Anthropic: "input length and `max_tokens` exceed context
			 * limit: 197000 + 8192 > 200000" */
			c->prompt = num_after(body, len, "exceed context limit:");
			c->context = num_after(body, len, " > ");
		}
	}
	return 1;
}

void hint_context(const struct hint_ctx *c, const char *kind, long max_tokens, char *out, size_t n)
{
	char now[48] = "", longer[224];

	if (max_tokens > 0)
		snprintf(now, sizeof(now), " (now %ld)", max_tokens);
	snprintf(longer, sizeof(longer),
		 "serve the model with a longer context (vLLM --max-model-len, llama.cpp -c) or send "
		 "fewer image tokens (%s)",
		 !strcmp(kind, "openai") ? "-M detail=low where the server reads it, or smaller images" :
					   "smaller images");
	if (c->prompt > 0 && c->context > 0 && c->prompt >= c->context)
		snprintf(out, n, "the prompt and image alone take %ld tokens of the model's context of %ld, "
			 "so no --max-tokens%s can fit: %s", c->prompt, c->context, now, longer);
	else if (c->prompt > 0 && c->context > 0)
		snprintf(out, n, "the prompt and image take %ld tokens of the model's context of %ld: lower "
			 "--max-tokens%s to at most %ld, or %s", c->prompt, c->context, now,
			 c->context - c->prompt, longer);
	else
		snprintf(out, n, "the prompt, the image and --max-tokens%s do not fit in the model's "
			 "context: lower --max-tokens, or %s", now, longer);
}

/* A model the server does not serve, in its own words (param "model" aside). */
static int names_model(const char *body, size_t len)
{
	static const char *const says[] = {
		"invalid model name", "model_not_found", "unknown model", "no such model",
		"model not found", "try pulling it", NULL,
	};

	for (size_t i = 0; says[i]; i++)
		if (has(body, len, says[i]))
			return 1;
	return has(body, len, "model") && has(body, len, "does not exist");
}

int hint_4xx(long status, const char *body, size_t len, const char *kind, const char *base,
	     char *out, size_t n)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
	const char *param = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(err, "param"));
	const char *opt = NULL;
	size_t bl = strlen(base);
	struct hint_ctx ctx;
	int model = 0;
	/*
	 * A 404 that says "model": the model is not served -- unless it is the
	 * Gemini API's path echoed back (every one holds /models/NAME) for a
	 * base URL without its version, which is the base's fault.
	 */
	int says_model = status == 404 && has(body, len, "model") &&
			 !(!strcmp(kind, "gemini") && !(bl >= 7 && !strcmp(base + bl - 7, "/v1beta")) &&
			   !(bl >= 3 && !strcmp(base + bl - 3, "/v1")));

	out[0] = '\0';
	/* Python's None written as a string (LiteLLM: "param": "None") names no parameter. */
	if (param && (!*param || !strcasecmp(param, "None") || !strcasecmp(param, "null")))
		param = NULL;
	if (hint_context_parse(body, len, &ctx)) {
		hint_context(&ctx, kind, -1, out, n);
		cJSON_Delete(root);
		return 0;
	}
	/*
	 * A token limit over the model's output limit, which is no unknown
	 * parameter (the table's max_tokens fix would be wrong): OpenAI's
	 * "max_tokens is too large: 8192. This model supports at most 4096
	 * completion tokens", Anthropic's "max_tokens: 70000 > 64000, which is
	 * the maximum allowed number of output tokens for ...".
	 */
	if ((has(body, len, "max_tokens") || has(body, len, "max_completion_tokens") ||
	     has(body, len, "maxOutputTokens")) &&
	    (has(body, len, "is too large") || has(body, len, "maximum allowed number of output tokens"))) {
		long lim = num_after(body, len, "supports at most");
		if (lim < 0 && has(body, len, "maximum allowed number of output tokens"))
			lim = num_after(body, len, " > ");
		if (lim > 0)
			snprintf(out, n, "lower --max-tokens to at most %ld, the model's output limit", lim);
		else
			snprintf(out, n, "lower --max-tokens: it is over the model's output limit");
		cJSON_Delete(root);
		return 0;
	}
	/* "model" is -M model, never a member of -M extra_body. */
	if ((param && !strcmp(param, "model")) || names_model(body, len)) {
		param = NULL;
		model = 1;
	}
	if (param)
		opt = option_of(param);
	/*
	 * No "param": the first member the message names, quoted ('max_tokens',
	 * \"thinkingConfig\" in a JSON string, `temperature` in Anthropic's
	 * words), or bare where the name is no English word; else a provider's
	 * own phrase (Ollama: "does not support thinking").
	 */
	for (size_t i = 0; !model && !opt && i < sizeof(options) / sizeof(options[0]); i++) {
		/* Each quote as it opens and closes. */
		static const char *const quotes[][2] = { { "'", "'" }, { "\\\"", "\\\"" }, { "`", "`" } };
		const char *pn = options[i].param;
		char q[64];
		for (size_t k = 0; !opt && k < sizeof(quotes) / sizeof(quotes[0]); k++) {
			snprintf(q, sizeof(q), "%s%s%s", quotes[k][0], pn, quotes[k][1]);
			if (has(body, len, q))
				opt = options[i].option;
		}
		if (!opt && (strchr(pn, '_') || !strcmp(pn, "temperature") || has_upper(pn)) &&
		    has_word(body, len, pn))
			opt = options[i].option;
		if (opt)
			param = pn;
	}
	for (size_t i = 0; !model && !opt && phrases[i].says; i++)
		if (has(body, len, phrases[i].says)) {
			param = phrases[i].param;
			opt = option_of(param);
		}
	if (!opt && !param && (model || says_model))
		model = 1;
	if (opt) {
		snprintf(out, n, "the option that changes '%s': %s", param, opt);
	} else if (param) {
		snprintf(out, n, "the server rejects '%s' (set by -M extra_body?)", param);
	} else if ((model || says_model) &&
		   (!strcmp(kind, "ollama") || has(body, len, "try pulling it"))) {
		snprintf(out, n, "is the model pulled? (ollama pull NAME; see 'ollama list')");
	} else if (model || says_model) {
		snprintf(out, n, "is -M model the name the server serves? (e.g. GET %s/models)", base);
	} else if (status == 404 && (!strcmp(kind, "openai") || !strcmp(kind, "anthropic")) &&
		   !(bl >= 3 && !strcmp(base + bl - 3, "/v1"))) {
		snprintf(out, n, "does base_url need /v1? (try -M base_url=%.*s/v1)",
			 (int)(bl - version_tail(base, bl)), base);
	} else if (status == 404 && !strcmp(kind, "gemini") &&
		   !(bl >= 7 && !strcmp(base + bl - 7, "/v1beta"))) {
		snprintf(out, n, "does base_url need /v1beta? (try -M base_url=%.*s/v1beta)",
			 (int)(bl - version_tail(base, bl)), base);
	} else if (status == 404) {
		snprintf(out, n, "check -M base_url and -M model");
	} else {
		snprintf(out, n, "every request is refused the same way: fix the settings it names");
	}
	cJSON_Delete(root);
	return model && !opt && !param;
}

/* A stream of events the protocol could not read (not one it read and found wanting). */
static int sse_unread(const char *body, size_t len, const char *why)
{
	return sse_is_stream(body, len) && (!why || !strncmp(why, HINT_NOT_JSON, strlen(HINT_NOT_JSON)));
}

uint64_t hint_signature_200(const char *body, size_t len, const char *why)
{
	if (sse_unread(body, len, why)) /* each event holds a piece of its own answer */
		return hint_signature(200, "text/event-stream", 17);
	return why ? hint_signature(200, why, strlen(why)) : hint_signature(200, body, len);
}

void hint_5xx(long status, const char *body, size_t len, const char *why, const char *kind,
	      char *out, size_t n)
{
	static const char *const memory[] = {
		"requires more system memory", "out of memory", "outofmemory", "not enough memory",
		"insufficient memory", "failed to allocate", "cudaMalloc", NULL,
	};
	static const char *const unreached[] = {
		"APIConnectionError", "Connection error", "connection refused", "upstream connect error",
		"ServiceUnavailableError", NULL,
	};

	if (status >= 200 && status < 300 && sse_unread(body, len, why)) {
		if (!strcmp(kind, "openai"))
			snprintf(out, n, "the server streams its replies (text/event-stream) as events that "
				 "are not chat.completion chunks, which vsrbench cannot read: is -M base_url "
				 "the chat completions API? else switch streaming off in the server or in the "
				 "proxy before it");
		else
			snprintf(out, n, "the server streams its replies (text/event-stream) where -m %s "
				 "asks for whole ones (only -m openai reads a stream): switch streaming off in "
				 "the server or in the proxy before it", kind);
		return;
	}
	if (why && has(why, strlen(why), "stream of events cut short")) {
		snprintf(out, n, "something cuts the streamed replies before their end: a proxy's timeout "
			 "(nginx's proxy_read_timeout, a load balancer's idle timeout) or the server's own; "
			 "raise it, then run the same command again (the run resumes)");
		return;
	}
	if (why) { /* a 2xx: what was wrong with it says more than the reply */
		body = why;
		len = strlen(why);
	}
	for (size_t i = 0; memory[i]; i++)
		if (has(body, len, memory[i])) {
			snprintf(out, n, "the model does not fit in the server's memory: serve a smaller model "
				 "or a smaller quantisation (e.g. 4-bit), or free GPU and system memory (other "
				 "models the server holds%s)", !strcmp(kind, "ollama") ? ": ollama ps" : "");
			return;
		}
	if (why && has(body, len, "finish_reason \"error\"")) {
		snprintf(out, n, "the server fails to generate: its log says why (a model the server "
			 "cannot run as configured?); once it answers, run the same command again");
		return;
	}
	for (size_t i = 0; unreached[i]; i++)
		if (has(body, len, unreached[i])) {
			snprintf(out, n, "the proxy cannot reach the model server behind it: check that "
				 "server, then run the same command again (the run resumes)");
			return;
		}
	snprintf(out, n, "the server fails every request the same way: its log says why; once it is "
		 "fixed, run the same command again (the run resumes)");
}
