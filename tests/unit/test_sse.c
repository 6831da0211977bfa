/*
 * adapters/remote_sse.c: a chat completion streamed as server-sent events
 * (chat.completion.chunk events, "data: [DONE]") made whole again, and read
 * through remote_reply_read as the loop reads it.  The streams are written
 * here by hand in the shapes of OpenAI's reference (stream_options
 * include_usage: a last chunk with "choices": []), vLLM's stream generator
 * (a first chunk with role and content "", an error event then [DONE]),
 * llama.cpp's server (content null in the first chunk, the usage in the
 * finish chunk), OpenRouter (": OPENROUTER PROCESSING" comments, an error
 * with choices finishing "error"); the expected texts, meta and counts are
 * written by hand from the events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/http.h"
#include "adapters/remote_reply.h"
#include "adapters/remote_sse.h"
#include "base/buf.h"
#include "base/util.h"

#define KEY "sk-unit-0123456789abcdef"

static struct http_cfg cfg;
static cJSON *opts;

static int setup(void **state)
{
	const char *url = http_openai_proto.default_url, *key_env = http_openai_proto.key_env;
	int key_required = 0;
	char err[VSR_ERR_MAX];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	opts = cJSON_Parse("{\"model\":\"m\",\"base_url\":\"http://127.0.0.1:9/v1\"}");
	cfg.opts = opts;
	cfg.model = "m";
	buf_init(&cfg.path, 0);
	return http_openai_proto.setup(&cfg, &url, &key_required, &key_env, err);
}

static int teardown(void **state)
{
	(void)state;
	cJSON_Delete(opts);
	buf_release(&cfg.path);
	free(cfg.priv);
	return 0;
}

struct got {
	int r;
	char why[512];
	struct task_result res;
};

/* The body read as the loop reads a 2xx (both with and without the fast path: the same). */
static void read_body(const char *body, struct got *g)
{
	struct task_result fast;
	char why2[512] = "";

	memset(g, 0, sizeof(*g));
	memset(&fast, 0, sizeof(fast));
	g->r = remote_reply_read(&http_openai_proto, &cfg, body, strlen(body), KEY, 1, 0, NULL, &g->res,
				 g->why, sizeof(g->why));
	assert_int_equal(remote_reply_read(&http_openai_proto, &cfg, body, strlen(body), KEY, 1, 1, NULL,
					   &fast, why2, sizeof(why2)),
			 g->r);
	assert_string_equal(g->why, why2);
	assert_true(!fast.text == !g->res.text && (!fast.text || !strcmp(fast.text, g->res.text)));
	assert_true(!fast.meta_json == !g->res.meta_json &&
		    (!fast.meta_json || !strcmp(fast.meta_json, g->res.meta_json)));
	free(fast.text);
	free(fast.meta_json);
	free(fast.reasoning);
}

static void got_release(struct got *g)
{
	free(g->res.text);
	free(g->res.meta_json);
	free(g->res.reasoning);
}

/* A vLLM stream asked with include_usage, behind OpenRouter's keep-alives. */
static const char vllm[] =
	": OPENROUTER PROCESSING\n\n"
	"data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
	"\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
	"\"finish_reason\":null}]}\n\n"
	": OPENROUTER PROCESSING\n\n"
	"data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
	"\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ye\"},\"finish_reason\":null}]}\n\n"
	"data:{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
	"\"choices\":[{\"index\":0,\"delta\":{\"content\":\"s.\"},\"finish_reason\":null}]}\n\n"
	"data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
	"\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
	"data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
	"\"choices\":[],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":3,\"total_tokens\":103}}\n\n"
	"data: [DONE]\n\n";

static void test_whole_again(void **state)
{
	cJSON *o = NULL;
	char why[256] = "", *s;
	struct got g;

	(void)state;
	assert_int_equal(sse_openai(vllm, strlen(vllm), &o, why, sizeof(why)), 0);
	s = cJSON_PrintUnformatted(o);
	assert_string_equal(s, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
			       "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
			       "\"assistant\",\"content\":\"Yes.\"},\"finish_reason\":\"stop\"}],\"usage\":"
			       "{\"prompt_tokens\":100,\"completion_tokens\":3,\"total_tokens\":103}}");
	cJSON_free(s);
	cJSON_Delete(o);

	read_body(vllm, &g);
	assert_int_equal(g.r, VSRBENCH_OK);
	assert_string_equal(g.res.text, "Yes.");
	assert_string_equal(g.res.meta_json,
			    "{\"model\":\"m\",\"system_fingerprint\":\"fp_1\",\"usage\":{\"prompt_tokens\":100,"
			    "\"completion_tokens\":3,\"total_tokens\":103},\"finish_reason\":\"stop\",\"streamed\":true}");
	assert_int_equal(g.res.usage, 1);
	assert_int_equal(g.res.tok_in, 100);
	assert_int_equal(g.res.tok_out, 3);
	assert_null(g.res.reasoning);
	assert_int_equal(g.res.cut_short, 0);
	assert_int_equal(g.res.refused, 0);
	got_release(&g);
}

/* Line ends "\r\n" and "\r", event: and id: fields, a data field over two lines. */
static void test_framing(void **state)
{
	static const char crlf[] =
		"\xEF\xBB\xBF" "event: message\r\nid: 7\r\n"
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"},\r\n"
		"data: \"finish_reason\":null}]}\r\n\r\n"
		"retry: 1000\r\n: a comment\r\n\r\n"
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"B\"},\"finish_reason\":\"stop\"}]}\r\r"
		"data: [DONE]\r\n\r\n";
	struct sse_iter it;
	struct buf d = BUF_INIT;
	struct got g;

	(void)state;
	sse_iter_init(&it, crlf, strlen(crlf));
	assert_int_equal(sse_next(&it, &d), 1);
	assert_string_equal(d.ptr, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"},\n\"finish_reason\":null}]}");
	assert_int_equal(sse_next(&it, &d), 1);
	assert_string_equal(d.ptr, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"B\"},\"finish_reason\":\"stop\"}]}");
	assert_int_equal(sse_next(&it, &d), 1);
	assert_string_equal(d.ptr, "[DONE]");
	assert_int_equal(sse_next(&it, &d), 0);
	/* The last event without its blank line is read all the same. */
	sse_iter_init(&it, "data: x\n\ndata: y", 16);
	assert_int_equal(sse_next(&it, &d), 1);
	assert_string_equal(d.ptr, "x");
	assert_int_equal(sse_next(&it, &d), 1);
	assert_string_equal(d.ptr, "y");
	assert_int_equal(sse_next(&it, &d), 0);
	buf_release(&d);

	read_body(crlf, &g);
	assert_int_equal(g.r, VSRBENCH_OK);
	assert_string_equal(g.res.text, "AB");
	assert_string_equal(g.res.meta_json, "{\"finish_reason\":\"stop\",\"streamed\":true}");
	got_release(&g);

	assert_true(sse_is_stream("data: {}", 8));
	assert_true(sse_is_stream("\n\n  event: x\n", 13));
	assert_true(sse_is_stream(": OPENROUTER PROCESSING\n\n", 25));
	assert_true(sse_is_stream("\xEF\xBB\xBF" "data:[DONE]", 14));
	assert_false(sse_is_stream("{\"choices\":[]}", 14));
	assert_false(sse_is_stream("", 0));
	assert_false(sse_is_stream(" \n ", 3));
	assert_false(sse_is_stream("dat", 3));
	assert_false(sse_is_stream("<html>data:</html>", 18));
}

/* Reasoning streamed apart stays apart; a refusal; cut by the token limit; content parts. */
static void test_apart(void **state)
{
	/* DeepSeek's and vLLM's reasoning_content, llama.cpp's content null first; both fields at once. */
	static const char think[] =
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null},\"finish_reason\":null}]}\n\n"
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"Left \",\"reasoning\":\"L\"}}]}\n\n"
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"of it.\",\"reasoning\":null}}]}\n\n"
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"No\"}}]}\n\n"
		"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
		"\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5,\"total_tokens\":12}}\n\n"
		"data: [DONE]\n\n";
	/* vLLM's reasoning only, cut by the token limit, no content ever. */
	static const char cut[] =
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"Hmm\"},\"finish_reason\":null}]}\n\n"
		"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
		"data: [DONE]\n\n";
	static const char refusal[] =
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"refusal\":\"I can\"}}]}\n\n"
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"'t.\"},\"finish_reason\":\"stop\"}]}\n\n"
		"data: [DONE]\n\n";
	/* Mistral's thinking parts, then text. */
	static const char parts[] =
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"thinking\",\"thinking\":"
		"[{\"type\":\"text\",\"text\":\"T1\"}]}]}}]}\n\n"
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ye\"}}]}\n\n"
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"s\"},\"finish_reason\":\"stop\"}]}\n\n";
	struct got g;

	(void)state;
	read_body(think, &g);
	assert_int_equal(g.r, VSRBENCH_OK);
	assert_string_equal(g.res.text, "No");
	assert_string_equal(g.res.reasoning, "Left of it."); /* reasoning_content first, as whole */
	assert_string_equal(g.res.meta_json,
			    "{\"reasoning_chars\":11,\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5,"
			    "\"total_tokens\":12},\"finish_reason\":\"stop\",\"streamed\":true}");
	assert_int_equal(g.res.tok_out, 5);
	got_release(&g);

	read_body(cut, &g);
	assert_int_equal(g.r, VSRBENCH_OK);
	assert_string_equal(g.res.text, "");
	assert_string_equal(g.res.reasoning, "Hmm");
	assert_int_equal(g.res.cut_short, 1);
	got_release(&g);

	read_body(refusal, &g);
	assert_int_equal(g.r, VSRBENCH_OK);
	assert_string_equal(g.res.text, "");
	assert_int_equal(g.res.refused, 1);
	assert_string_equal(g.res.meta_json,
			    "{\"refused\":true,\"refusal\":\"I can't.\",\"finish_reason\":\"stop\",\"streamed\":true}");
	got_release(&g);

	read_body(parts, &g); /* ended by its finish_reason, no [DONE]: whole */
	assert_int_equal(g.r, VSRBENCH_OK);
	assert_string_equal(g.res.text, "Yes");
	assert_string_equal(g.res.reasoning, "T1");
	got_release(&g);
}

/* No answer: an error event, a cut stream, an event that is not JSON, another API's events. */
static void test_no_answer(void **state)
{
	static const struct {
		const char *body, *why;
	} cases[] = {
		/* vLLM: an error event, then [DONE] */
		{ "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ye\"}}]}\n\n"
		  "data: {\"error\":{\"message\":\"engine died\",\"type\":\"InternalServerError\",\"code\":500}}\n\n"
		  "data: [DONE]\n\n",
		  "error in a 200 response: engine died" },
		/* OpenRouter: the error beside choices finishing "error" */
		{ ": OPENROUTER PROCESSING\n\n"
		  "data: {\"id\":\"g\",\"object\":\"chat.completion.chunk\",\"error\":{\"code\":\"server_error\","
		  "\"message\":\"Provider disconnected\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
		  "\"finish_reason\":\"error\"}]}\n\n",
		  "error in a 200 response: Provider disconnected" },
		/* vLLM before its errors had an "error" member */
		{ "data: {\"object\":\"error\",\"message\":\"old shape\",\"type\":\"BadRequestError\",\"code\":400}\n\n"
		  "data: [DONE]\n\n",
		  "error in a 200 response: old shape" },
		/* cut: no finish_reason, no [DONE] (the piece that came is no answer) */
		{ "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
		  "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"No\"},\"finish_reason\":null}]}\n\n",
		  "a stream of events cut short: it ended with neither a finish_reason nor data: [DONE]" },
		{ ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n",
		  "a stream of events cut short: it ended with neither a finish_reason nor data: [DONE]" },
		/* cut inside an event */
		{ "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"No\"}}]}\n\ndata: {\"choi",
		  "event 2 of the stream of events is not JSON: {\"choi" },
		{ "data: [DONE]\n\n", "a stream of events with no chat.completion.chunk before data: [DONE]" },
	};
	static const char foreign[] = "event: response.created\ndata: {\"type\":\"response.created\"}\n\n";
	cJSON *o = (cJSON *)1;
	char why[256];
	struct got g;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		read_body(cases[i].body, &g);
		assert_int_equal(g.r, VSRBENCH_ERR_RETRY);
		assert_string_equal(g.why, cases[i].why);
		assert_null(g.res.text);
		assert_null(g.res.meta_json);
		got_release(&g);
	}
	assert_int_equal(sse_openai(foreign, strlen(foreign), &o, why, sizeof(why)), SSE_FOREIGN);
	assert_null(o);
	read_body(foreign, &g);
	assert_int_equal(g.r, REMOTE_NOT_JSON);
	got_release(&g);
}

/* A NUL inside a streamed piece is kept as U+FFFD, as in a whole reply; another kind reads no stream. */
static void test_nul_and_kinds(void **state)
{
	static const char nul[] =
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\\u0000b\"},\"finish_reason\":\"stop\"}]}\n\n"
		"data: [DONE]\n\n";
	struct task_result res;
	char why[256] = "";
	struct got g;

	(void)state;
	read_body(nul, &g);
	assert_int_equal(g.r, VSRBENCH_OK);
	assert_string_equal(g.res.text, "a\xEF\xBF\xBD" "b");
	assert_string_equal(g.res.meta_json, "{\"finish_reason\":\"stop\",\"streamed\":true,\"nul_chars\":1}");
	got_release(&g);

	assert_null(http_ollama_proto.sse);
	memset(&res, 0, sizeof(res));
	assert_int_equal(remote_reply_read(&http_ollama_proto, &cfg, vllm, strlen(vllm), KEY, 1, 1, NULL, &res,
					   why, sizeof(why)),
			 REMOTE_NOT_JSON);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_again),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_apart),
		cmocka_unit_test(test_no_answer),
		cmocka_unit_test(test_nul_and_kinds),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
