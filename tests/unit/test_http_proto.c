/*
 * The HTTP protocols' request bodies and reply parsing, checked against the
 * shapes the providers document (expected values written by hand from their
 * API references), base64 against RFC 4648's vectors, key redaction, and
 * the exec reply parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/exec.h"
#include "adapters/http.h"
#include "adapters/remote_msg.h"
#include "base/util.h"

#define KEY "sk-unit-0123456789abcdef"

static void test_base64_rfc4648(void **state)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		struct buf b = BUF_INIT;
		assert_int_equal(buf_add_base64(&b, (const unsigned char *)in[i], strlen(in[i])), 0);
		assert_string_equal(b.ptr, out[i]);
		buf_release(&b);
	}
}

static void test_redact(void **state)
{
	char s[] = "auth failed for " KEY "; headers: Authorization: Bearer abc.def-123 "
		   "x-api-key: zzz999 url ?key=AIzaSecret&x=1 done";
	size_t n = strlen(s);

	(void)state;
	remote_redact(s, KEY);
	assert_int_equal(strlen(s), n); /* length-preserving: buffers keep their size */
	assert_null(strstr(s, KEY));
	assert_null(strstr(s, "abc.def-123"));
	assert_null(strstr(s, "zzz999"));
	assert_null(strstr(s, "AIzaSecret"));
	assert_non_null(strstr(s, "auth failed for *****"));
	assert_non_null(strstr(s, "&x=1 done"));
}

/*
 * Every credential mark, alone and in another case, masks what follows it
 * (each string holds one mark, so none rides on another's); compact JSON
 * without a mark comes back as it was.  Expected strings by hand.
 */
static void test_redact_each_mark(void **state)
{
	static const char *const in[][2] = {
		{ "said BEARER tok1 then", "said BEARER **** then" },
		{ "X-Api-Key:tok2", "X-Api-Key:****" },
		{ "x-goog-api-key: tok3", "x-goog-api-key: ****" },
		{ "api-key: \"tok4\"", "api-key: \"****\"" },
		{ "AUTHORIZATION:tok5", "AUTHORIZATION:****" },
		{ "/v1?KEY=tok6&a=b", "/v1?KEY=****&a=b" },
		{ "api_key='tok7'", "api_key='****'" },
		{ "Token=tok8", "Token=****" },
		{ "{\"model\":\"m\",\"usage\":{\"total_tokens\":3}}",
		  "{\"model\":\"m\",\"usage\":{\"total_tokens\":3}}" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char s[64];
		snprintf(s, sizeof(s), "%s", in[i][0]);
		remote_redact(s, NULL);
		assert_string_equal(s, in[i][1]);
	}
}

/* A message is formatted whole, masked, then cut: a key across the cut leaves no prefix. */
static void test_msg_masks_before_cut(void **state)
{
	char dst[32];

	(void)state;
	remote_msgf(dst, sizeof(dst), KEY, "%s%s (quoted)", "0123456789012345678901", KEY);
	assert_string_equal(dst, "0123456789012345678901*********");
	remote_msgf(dst, sizeof(dst), NULL, "HTTP %d: Bearer %s", 401, "abc.def");
	assert_string_equal(dst, "HTTP 401: Bearer *******");
}

/* An error body quoting the key across the excerpt's cut: masked whole, first. */
static void test_excerpt_masks_before_cut(void **state)
{
	struct buf b = BUF_INIT, want = BUF_INIT;
	char ex[REMOTE_EXCERPT + 8];

	(void)state;
	/* JSON: the message, cut at 307 bytes; the key starts at byte 291. */
	buf_adds(&b, "{\"error\":{\"message\":\"");
	for (int i = 0; i < 290; i++)
		buf_addch(&b, 'x');
	buf_adds(&b, " " KEY " was refused\"}}");
	remote_body_excerpt(&b, KEY, ex, sizeof(ex));
	for (int i = 0; i < 290; i++)
		buf_addch(&want, 'x');
	buf_adds(&want, " ****************"); /* 16 of the key's 24 bytes fit */
	assert_string_equal(ex, want.ptr);
	/* Not JSON: the first 300 bytes and "..."; the key starts at byte 296. */
	buf_reset(&b);
	buf_reset(&want);
	for (int i = 0; i < 295; i++)
		buf_addch(&b, 'y');
	buf_adds(&b, " " KEY " <html>");
	remote_body_excerpt(&b, KEY, ex, sizeof(ex));
	for (int i = 0; i < 295; i++)
		buf_addch(&want, 'y');
	buf_adds(&want, " ****...");
	assert_string_equal(ex, want.ptr);
	buf_release(&b);
	buf_release(&want);
}

/* The journal meta of an answer goes out masked, as compact JSON. */
static void test_meta_masked(void **state)
{
	cJSON *meta = cJSON_Parse("{\"model\":\"m-1\",\"system_fingerprint\":\"" KEY "\","
				  "\"note\":\"Bearer abc\",\"usage\":{\"total_tokens\":12}}");
	char *s;

	(void)state;
	assert_non_null(meta);
	s = remote_meta_json(meta, KEY);
	assert_string_equal(s, "{\"model\":\"m-1\",\"system_fingerprint\":\"************************\","
			       "\"note\":\"Bearer ***\",\"usage\":{\"total_tokens\":12}}");
	free(s);
	cJSON_Delete(meta);
}

/* A protocol configured as `-m KIND -M model=m-1 -M base_url=http://h/v1` with a key. */
struct proto_cfg {
	struct http_cfg c;
	cJSON *opts;
};

static void setup_proto(const struct http_proto *p, struct proto_cfg *pc, const char *opts_json)
{
	const char *url = p->default_url, *key_env = p->key_env;
	int key_required = p->key_required;
	char err[VSR_ERR_MAX];

	memset(pc, 0, sizeof(*pc));
	pc->opts = cJSON_Parse(opts_json);
	pc->c.opts = pc->opts;
	pc->c.model = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pc->opts, "model"));
	pc->c.system = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pc->opts, "system"));
	pc->c.path = (struct buf)BUF_INIT;
	assert_int_equal(p->setup(&pc->c, &url, &key_required, &key_env, err), 0);
	http_add_auth(&pc->c, KEY); /* as remote_open does after reading the key */
}

static void release_proto(struct proto_cfg *pc)
{
	curl_slist_free_all(pc->c.headers);
	buf_release(&pc->c.path);
	free(pc->c.priv);
	cJSON_Delete(pc->opts);
}

static int has_header(const struct http_cfg *c, const char *h)
{
	for (const struct curl_slist *l = c->headers; l; l = l->next)
		if (!strcmp(l->data, h))
			return 1;
	return 0;
}

/* Builds the body of one request with a (fake) PNG image and parses it. */
static cJSON *build(const struct http_proto *p, const struct http_cfg *c, int with_image)
{
	struct vsrbench_request req;
	struct http_image img = { "iVBORw0KGgo=", 12, "image/png", NULL };
	struct buf body = BUF_INIT;
	cJSON *j;

	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.id = "0123456789abcdef";
	req.prompt = "Is the \"cat\" left of the dog?\nAnswer yes or no.";
	req.max_tokens = 32;
	req.temperature = 0;
	req.seed = 7;
	if (!with_image)
		img.b64 = NULL;
	assert_int_equal(p->build(c, &req, &img, &body), 0);
	j = cJSON_Parse(body.ptr);
	assert_non_null(j);
	buf_release(&body);
	return j;
}

static const cJSON *at(const cJSON *j, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(j, k);
}
static const cJSON *nth(const cJSON *j, int i)
{
	return cJSON_GetArrayItem(j, i);
}

static void test_openai(void **state)
{
	struct proto_cfg pc;
	cJSON *j, *r, *meta;
	const cJSON *content;
	char *text = NULL, *rs = NULL, why[256]; /* no reply here sends reasoning apart */

	(void)state;
	setup_proto(&http_openai_proto, &pc, "{\"model\":\"m-1\",\"base_url\":\"http://h/v1\",\"detail\":\"low\"}");
	assert_string_equal(pc.c.path.ptr, "/chat/completions");
	assert_true(has_header(&pc.c, "Authorization: Bearer " KEY));
	j = build(&http_openai_proto, &pc.c, 1);
	assert_string_equal(cJSON_GetStringValue(at(j, "model")), "m-1");
	content = at(nth(at(j, "messages"), 0), "content");
	/* The image before the text (a server's prefix cache: issue 16). */
	assert_string_equal(cJSON_GetStringValue(at(nth(content, 1), "type")), "text");
	assert_string_equal(cJSON_GetStringValue(at(nth(content, 1), "text")),
			    "Is the \"cat\" left of the dog?\nAnswer yes or no.");
	assert_string_equal(cJSON_GetStringValue(at(nth(content, 0), "type")), "image_url");
	assert_string_equal(cJSON_GetStringValue(at(at(nth(content, 0), "image_url"), "url")),
			    "data:image/png;base64,iVBORw0KGgo=");
	assert_string_equal(cJSON_GetStringValue(at(at(nth(content, 0), "image_url"), "detail")), "low");
	assert_int_equal(at(j, "max_tokens")->valueint, 32);
	assert_true(at(j, "temperature")->valuedouble == 0);
	assert_int_equal(at(j, "seed")->valueint, 7);
	cJSON_Delete(j);
	/* Streaming: the body without the image, and where it goes, reassemble to the same body. */
	{
		struct vsrbench_request req;
		size_t split = SIZE_MAX;
		struct http_image whole = { "iVBORw0KGgo=", 12, "image/png", NULL };
		struct http_image cut = { "iVBORw0KGgo=", 12, "image/png", &split };
		struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;

		memset(&req, 0, sizeof(req));
		req.struct_size = sizeof(req);
		req.prompt = "p";
		req.max_tokens = 1;
		assert_int_equal(http_openai_proto.build(&pc.c, &req, &whole, &a), 0);
		assert_int_equal(http_openai_proto.build(&pc.c, &req, &cut, &b), 0);
		assert_true(split < b.len);
		buf_add(&c, b.ptr, split);
		buf_adds(&c, "iVBORw0KGgo=");
		buf_adds(&c, b.ptr + split);
		assert_string_equal(a.ptr, c.ptr);
		buf_release(&a);
		buf_release(&b);
		buf_release(&c);
	}
	/* Blind: content is the prompt string. */
	j = build(&http_openai_proto, &pc.c, 0);
	assert_string_equal(cJSON_GetStringValue(at(nth(at(j, "messages"), 0), "content")),
			    "Is the \"cat\" left of the dog?\nAnswer yes or no.");
	cJSON_Delete(j);
	/* The reply example of OpenAI's chat completions reference. */
	r = cJSON_Parse("{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion\",\"created\":1677652288,"
			"\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,"
			"\"message\":{\"role\":\"assistant\",\"content\":\"Yes, it is.\"},\"logprobs\":null,"
			"\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,"
			"\"total_tokens\":21}}");
	meta = cJSON_CreateObject();
	assert_int_equal(http_openai_proto.parse(&pc.c, r, &text, &rs, meta, why, sizeof(why)), VSRBENCH_OK);
	assert_string_equal(text, "Yes, it is.");
	assert_string_equal(cJSON_GetStringValue(at(meta, "model")), "gpt-4o-mini");
	assert_string_equal(cJSON_GetStringValue(at(meta, "system_fingerprint")), "fp_44709d6fcb");
	assert_int_equal(at(at(meta, "usage"), "total_tokens")->valueint, 21);
	free(text);
	text = NULL;
	cJSON_Delete(meta);
	cJSON_Delete(r);
	/* A content filter: a reply with no text, flagged refused (issue 21 §4). */
	r = cJSON_Parse("{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"content_filter\"}]}");
	meta = cJSON_CreateObject();
	assert_int_equal(http_openai_proto.parse(&pc.c, r, &text, &rs, meta, why, sizeof(why)), VSRBENCH_OK);
	assert_string_equal(text, "");
	assert_true(cJSON_IsTrue(at(meta, "refused")));
	free(text);
	text = NULL;
	cJSON_Delete(r);
	/* content null, stopped: the empty reply, as "" (scored invalid, not an error asked again). */
	r = cJSON_Parse("{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"stop\"}]}");
	assert_int_equal(http_openai_proto.parse(&pc.c, r, &text, &rs, meta, why, sizeof(why)), VSRBENCH_OK);
	assert_string_equal(text, "");
	free(text);
	text = NULL;
	cJSON_Delete(r);
	/* No content and no reason for it (tool calls): a final error saying why; an error object in a 200: retried. */
	r = cJSON_Parse("{\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":[{\"id\":\"c\"}]},"
			"\"finish_reason\":\"stop\"}]}");
	assert_int_equal(http_openai_proto.parse(&pc.c, r, &text, &rs, meta, why, sizeof(why)), VSRBENCH_ERR_FATAL);
	assert_non_null(strstr(why, "stop"));
	cJSON_Delete(r);
	r = cJSON_Parse("{\"error\":{\"message\":\"upstream overloaded\"}}");
	assert_int_equal(http_openai_proto.parse(&pc.c, r, &text, &rs, meta, why, sizeof(why)), VSRBENCH_ERR_RETRY);
	assert_non_null(strstr(why, "upstream overloaded"));
	cJSON_Delete(r);
	cJSON_Delete(meta);
	assert_null(rs);
	release_proto(&pc);

	/* Azure: api-key header, api-version query, no model needed. */
	setup_proto(&http_openai_proto, &pc,
		    "{\"preset\":\"azure\",\"base_url\":\"https://r.openai.azure.com/openai/deployments/d\"}");
	assert_string_equal(pc.c.path.ptr, "/chat/completions?api-version=2024-10-21");
	assert_true(has_header(&pc.c, "api-key: " KEY));
	release_proto(&pc);
}

static void test_ollama(void **state)
{
	struct proto_cfg pc;
	cJSON *j, *r, *meta = cJSON_CreateObject();
	const cJSON *msg;
	char *text = NULL, *rs = NULL, why[256]; /* no reply here sends reasoning apart */

	(void)state;
	setup_proto(&http_ollama_proto, &pc, "{\"model\":\"llava:7b\",\"system\":\"Be brief.\"}");
	assert_string_equal(pc.c.path.ptr, "/api/chat");
	j = build(&http_ollama_proto, &pc.c, 1);
	assert_string_equal(cJSON_GetStringValue(at(j, "model")), "llava:7b");
	assert_true(cJSON_IsFalse(at(j, "stream")));
	assert_string_equal(cJSON_GetStringValue(at(nth(at(j, "messages"), 0), "role")), "system");
	msg = nth(at(j, "messages"), 1);
	assert_string_equal(cJSON_GetStringValue(at(msg, "role")), "user");
	assert_string_equal(cJSON_GetStringValue(nth(at(msg, "images"), 0)), "iVBORw0KGgo=");
	assert_int_equal(at(at(j, "options"), "num_predict")->valueint, 32);
	assert_int_equal(at(at(j, "options"), "seed")->valueint, 7);
	cJSON_Delete(j);
	/* Ollama's documented /api/chat non-streaming reply. */
	r = cJSON_Parse("{\"model\":\"llava:7b\",\"created_at\":\"2023-12-12T14:13:43.416799Z\","
			"\"message\":{\"role\":\"assistant\",\"content\":\"No.\"},\"done\":true,"
			"\"total_duration\":5191566416,\"prompt_eval_count\":26,\"eval_count\":298}");
	assert_int_equal(http_ollama_proto.parse(&pc.c, r, &text, &rs, meta, why, sizeof(why)), VSRBENCH_OK);
	assert_string_equal(text, "No.");
	assert_int_equal(at(at(meta, "usage"), "eval_count")->valueint, 298);
	free(text);
	cJSON_Delete(r);
	cJSON_Delete(meta);
	assert_null(rs);
	release_proto(&pc);
}

static void test_anthropic(void **state)
{
	struct proto_cfg pc;
	cJSON *j, *r, *meta = cJSON_CreateObject();
	const cJSON *content, *src;
	char *text = NULL, *rs = NULL, why[256]; /* no reply here sends reasoning apart */

	(void)state;
	setup_proto(&http_anthropic_proto, &pc, "{\"model\":\"claude-x\"}");
	assert_string_equal(pc.c.path.ptr, "/messages");
	assert_true(has_header(&pc.c, "x-api-key: " KEY));
	assert_true(has_header(&pc.c, "anthropic-version: 2023-06-01"));
	j = build(&http_anthropic_proto, &pc.c, 1);
	assert_int_equal(at(j, "max_tokens")->valueint, 32);
	assert_null(at(j, "seed")); /* the API has none */
	content = at(nth(at(j, "messages"), 0), "content");
	assert_string_equal(cJSON_GetStringValue(at(nth(content, 0), "type")), "image");
	src = at(nth(content, 0), "source");
	assert_string_equal(cJSON_GetStringValue(at(src, "type")), "base64");
	assert_string_equal(cJSON_GetStringValue(at(src, "media_type")), "image/png");
	assert_string_equal(cJSON_GetStringValue(at(src, "data")), "iVBORw0KGgo=");
	assert_string_equal(cJSON_GetStringValue(at(nth(content, 1), "type")), "text");
	cJSON_Delete(j);
	/* The Messages API reference's example reply. */
	r = cJSON_Parse("{\"content\":[{\"text\":\"Hi! My name is Claude.\",\"type\":\"text\"}],"
			"\"id\":\"msg_013Zva2CMHLNnXjNJJKqJ2EF\",\"model\":\"claude-3-7-sonnet-20250219\","
			"\"role\":\"assistant\",\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
			"\"type\":\"message\",\"usage\":{\"input_tokens\":2095,\"output_tokens\":503}}");
	assert_int_equal(http_anthropic_proto.parse(&pc.c, r, &text, &rs, meta, why, sizeof(why)), VSRBENCH_OK);
	assert_string_equal(text, "Hi! My name is Claude.");
	assert_string_equal(cJSON_GetStringValue(at(meta, "model")), "claude-3-7-sonnet-20250219");
	assert_int_equal(at(at(meta, "usage"), "output_tokens")->valueint, 503);
	free(text);
	cJSON_Delete(r);
	cJSON_Delete(meta);
	assert_null(rs);
	release_proto(&pc);
}

static void test_gemini(void **state)
{
	struct proto_cfg pc;
	cJSON *j, *r, *meta = cJSON_CreateObject();
	const cJSON *parts;
	char *text = NULL, *rs = NULL, why[256]; /* no reply here sends reasoning apart */

	(void)state;
	setup_proto(&http_gemini_proto, &pc, "{\"model\":\"models/gemini-2.0-flash\"}");
	assert_string_equal(pc.c.path.ptr, "/models/gemini-2.0-flash:generateContent");
	assert_true(has_header(&pc.c, "x-goog-api-key: " KEY));
	j = build(&http_gemini_proto, &pc.c, 1);
	parts = at(nth(at(j, "contents"), 0), "parts");
	assert_string_equal(cJSON_GetStringValue(at(at(nth(parts, 0), "inline_data"), "mime_type")),
			    "image/png");
	assert_string_equal(cJSON_GetStringValue(at(at(nth(parts, 0), "inline_data"), "data")),
			    "iVBORw0KGgo=");
	assert_non_null(cJSON_GetStringValue(at(nth(parts, 1), "text")));
	assert_int_equal(at(at(j, "generationConfig"), "maxOutputTokens")->valueint, 32);
	cJSON_Delete(j);
	/* generateContent's documented reply shape. */
	r = cJSON_Parse("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"True\"}],\"role\":\"model\"},"
			"\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":265,"
			"\"candidatesTokenCount\":1,\"totalTokenCount\":266},\"modelVersion\":\"gemini-2.0-flash\"}");
	assert_int_equal(http_gemini_proto.parse(&pc.c, r, &text, &rs, meta, why, sizeof(why)), VSRBENCH_OK);
	assert_string_equal(text, "True");
	assert_int_equal(at(at(meta, "usage"), "totalTokenCount")->valueint, 266);
	free(text);
	text = NULL;
	cJSON_Delete(r);
	/* A blocked prompt: no candidates, a reply with no text flagged refused. */
	r = cJSON_Parse("{\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}");
	cJSON_Delete(meta);
	meta = cJSON_CreateObject();
	assert_int_equal(http_gemini_proto.parse(&pc.c, r, &text, &rs, meta, why, sizeof(why)), VSRBENCH_OK);
	assert_string_equal(text, "");
	assert_true(cJSON_IsTrue(at(meta, "refused")));
	assert_string_equal(cJSON_GetStringValue(at(meta, "block_reason")), "SAFETY");
	free(text);
	text = NULL;
	cJSON_Delete(r);
	r = cJSON_Parse("{\"usageMetadata\":{}}");
	assert_int_equal(http_gemini_proto.parse(&pc.c, r, &text, &rs, meta, why, sizeof(why)), VSRBENCH_ERR_FATAL);
	assert_non_null(strstr(why, "no candidates"));
	cJSON_Delete(r);
	cJSON_Delete(meta);
	assert_null(rs);
	release_proto(&pc);
}

/*
 * Reasoning the server sends apart from the reply, in each API's documented
 * shape: never in the text; its length in meta.reasoning_chars and its
 * text handed back (journaled with --keep-reasoning).  Lengths counted by
 * hand (bytes; all ASCII here).
 */
static const struct reasoning_case {
	const struct http_proto *proto;
	const char *opts, *body, *text, *reasoning;
	int chars;
} reasoning_cases[] = {
	/* DeepSeek, SGLang, vLLM before early 2026 */
	{ &http_openai_proto, "{\"model\":\"m\",\"base_url\":\"http://h/v1\"}",
	  "{\"choices\":[{\"message\":{\"content\":\"No.\",\"reasoning_content\":\"The cat is right.\"},"
	  "\"finish_reason\":\"stop\"}]}",
	  "No.", "The cat is right.", 17 },
	/* vLLM now: reasoning, and no content when cut short while thinking */
	{ &http_openai_proto, "{\"model\":\"m\",\"base_url\":\"http://h/v1\"}",
	  "{\"choices\":[{\"message\":{\"content\":null,\"reasoning\":\"Hmm, left\"},"
	  "\"finish_reason\":\"length\"}]}",
	  "", "Hmm, left", 9 },
	/* Anthropic: thinking blocks joined, a redacted one has no text */
	{ &http_anthropic_proto, "{\"model\":\"claude-x\"}",
	  "{\"type\":\"message\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"Left? \",\"signature\":\"s\"},"
	  "{\"type\":\"redacted_thinking\",\"data\":\"xyz\"},"
	  "{\"type\":\"thinking\",\"thinking\":\"No.\",\"signature\":\"s\"},{\"type\":\"text\",\"text\":\"No\"}],"
	  "\"stop_reason\":\"end_turn\"}",
	  "No", "Left? No.", 9 },
	/* Gemini: parts with "thought": true */
	{ &http_gemini_proto, "{\"model\":\"models/gemini-2.5-flash\"}",
	  "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Look left.\",\"thought\":true},"
	  "{\"text\":\"Yes\"}],\"role\":\"model\"},\"finishReason\":\"STOP\"}]}",
	  "Yes", "Look left.", 10 },
	/* Ollama: message.thinking */
	{ &http_ollama_proto, "{\"model\":\"qwen3-vl\"}",
	  "{\"model\":\"qwen3-vl\",\"message\":{\"role\":\"assistant\",\"content\":\"Yes\","
	  "\"thinking\":\"It is left.\"},\"done\":true,\"done_reason\":\"stop\"}",
	  "Yes", "It is left.", 11 },
};

static void test_reasoning_apart(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(reasoning_cases) / sizeof(reasoning_cases[0]); i++) {
		const struct reasoning_case *t = &reasoning_cases[i];
		struct proto_cfg pc;
		cJSON *r = cJSON_Parse(t->body), *meta = cJSON_CreateObject();
		char *text = NULL, *rs = NULL, why[256] = "";

		assert_non_null(r);
		setup_proto(t->proto, &pc, t->opts);
		assert_int_equal(t->proto->parse(&pc.c, r, &text, &rs, meta, why, sizeof(why)), VSRBENCH_OK);
		assert_string_equal(text, t->text);
		assert_non_null(rs);
		assert_string_equal(rs, t->reasoning);
		assert_int_equal(at(meta, "reasoning_chars")->valueint, t->chars);
		free(text);
		free(rs);
		cJSON_Delete(meta);
		cJSON_Delete(r);
		release_proto(&pc);
	}
}

static void test_exec_reply(void **state)
{
	struct exec_reply rep;
	char ok[] = "  {\"id\":\"ab\",\"text\":\"Yes\",\"meta\":{\"t\":1}}";
	char err[] = "{\"id\":\"ab\",\"error\":\"oom\",\"retry\":true}";
	char noise[] = "loading weights";
	char bad[] = "{\"id\":";

	(void)state;
	assert_int_equal(exec_reply_parse(ok, &rep), EXEC_REPLY_OK);
	assert_string_equal(rep.id, "ab");
	assert_string_equal(rep.text, "Yes");
	assert_string_equal(rep.meta_json, "{\"t\":1}");
	exec_reply_release(&rep);
	assert_int_equal(exec_reply_parse(err, &rep), EXEC_REPLY_OK);
	assert_string_equal(rep.error, "oom");
	assert_true(rep.retry);
	exec_reply_release(&rep);
	assert_int_equal(exec_reply_parse(noise, &rep), EXEC_REPLY_NOISE);
	assert_int_equal(exec_reply_parse(bad, &rep), EXEC_REPLY_BAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_rfc4648), cmocka_unit_test(test_redact),
		cmocka_unit_test(test_redact_each_mark),
		cmocka_unit_test(test_openai),         cmocka_unit_test(test_ollama),
		cmocka_unit_test(test_anthropic),      cmocka_unit_test(test_gemini),
		cmocka_unit_test(test_exec_reply),     cmocka_unit_test(test_msg_masks_before_cut),
		cmocka_unit_test(test_meta_masked),    cmocka_unit_test(test_excerpt_masks_before_cut),
		cmocka_unit_test(test_reasoning_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
