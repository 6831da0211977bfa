/*
 * remote_hint: the fix a refused request points at (see remote_hint.h).
 */
#include "remote_hint.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
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
	size_t i = 0;

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
	 * vLLM: "... is not a multimodal model"; Ollama and proxies: "does not
	 * support images", "model cannot take images", "vision is not supported".
	 */
	static const char *const says[] = {
		"image input is not supported", "not a multimodal model", "does not support image",
		"doesn't support image", "cannot take image", "can't take image",
		"images are not supported", "vision is not supported", "does not support vision",
		"multimodal input is not supported", NULL,
	};

	for (size_t i = 0; says[i]; i++)
		if (has(body, len, says[i]))
			return 1;
	return 0;
}

int hint_quota_used_up(const char *body, size_t len)
{
	/*
	 * Not "exceeded your current quota": Gemini's 429 for a per-minute
	 * limit says that too, with the wait in RetryInfo.
	 */
	return has(body, len, "insufficient_quota") || has(body, len, "credit balance is too low");
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

void hint_4xx(long status, const char *body, size_t len, const char *kind, const char *base,
	      char *out, size_t n)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
	const char *param = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(err, "param"));
	const char *opt = NULL;
	size_t bl = strlen(base);

	out[0] = '\0';
	if (param)
		opt = option_of(param);
	/*
	 * No "param": the first member the message names, quoted ('max_tokens',
	 * \"thinkingConfig\" in a JSON string, `temperature` in Anthropic's
	 * words), or bare where the name is no English word; else a provider's
	 * own phrase (Ollama: "does not support thinking").
	 */
	for (size_t i = 0; !opt && i < sizeof(options) / sizeof(options[0]); i++) {
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
	for (size_t i = 0; !opt && phrases[i].says; i++)
		if (has(body, len, phrases[i].says)) {
			param = phrases[i].param;
			opt = option_of(param);
		}
	if (opt) {
		snprintf(out, n, "the option that changes '%s': %s", param, opt);
	} else if (param) {
		snprintf(out, n, "the server rejects '%s' (set by -M extra_body?)", param);
	} else if (status == 404 && has(body, len, "model") && !strcmp(kind, "ollama")) {
		snprintf(out, n, "is the model pulled? (ollama pull NAME; see 'ollama list')");
	} else if (status == 404 && has(body, len, "model")) {
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
}
