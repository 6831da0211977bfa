/*
 * The fast reading of an OpenAI-compatible reply (http_openai.c's
 * parse_fast over base/jscan) against the reference: the same bytes read
 * the cJSON way (parse() and the loop's meta), through remote_reply_read
 * with and without the fast path.  Every body must give the same text,
 * meta, flags and usage both ways; the shapes real servers send must take
 * the fast path (else the test would pass with a fast path that declines
 * everything); and a few results are written out by hand.  Also jscan's
 * grammar: JSON it must take and text it must refuse.
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
#include "base/jscan.h"
#include "base/util.h"

#define KEY "sk-unit-0123456789abcdef"

static struct http_cfg cfg;

static int setup(void **state)
{
	const char *url = http_openai_proto.default_url, *key_env = http_openai_proto.key_env;
	int key_required = 0;
	char err[VSR_ERR_MAX];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.opts = cJSON_Parse("{\"model\":\"m\",\"base_url\":\"http://127.0.0.1:9/v1\"}");
	cfg.model = "m";
	buf_init(&cfg.path, 0);
	return http_openai_proto.setup(&cfg, &url, &key_required, &key_env, err);
}

/* Both ways; returns whether the fast path took it. */
static int both(const char *body, struct task_result *out)
{
	struct task_result ref, fast;
	char why[1024] = "", why2[1024] = "", *t = NULL, *m = NULL;
	struct task_result probe;
	size_t n = strlen(body);
	int rr, rf, took;

	memset(&ref, 0, sizeof(ref));
	memset(&fast, 0, sizeof(fast));
	memset(&probe, 0, sizeof(probe));
	rr = remote_reply_read(&http_openai_proto, &cfg, body, n, KEY, 1, 0, NULL, &ref, why, sizeof(why));
	rf = remote_reply_read(&http_openai_proto, &cfg, body, n, KEY, 1, 1, NULL, &fast, why2, sizeof(why2));
	assert_int_equal(rr, rf);
	assert_string_equal(why, why2);
	assert_int_equal(ref.cut_short, fast.cut_short);
	assert_int_equal(ref.refused, fast.refused);
	assert_int_equal(ref.usage, fast.usage);
	if (ref.usage) {
		assert_int_equal(ref.tok_in, fast.tok_in);
		assert_int_equal(ref.tok_out, fast.tok_out);
		assert_int_equal(ref.tok_reasoning, fast.tok_reasoning);
	}
	assert_int_equal(!ref.text, !fast.text);
	if (ref.text)
		assert_string_equal(ref.text, fast.text);
	assert_int_equal(!ref.meta_json, !fast.meta_json);
	if (ref.meta_json)
		assert_string_equal(ref.meta_json, fast.meta_json);
	assert_int_equal(!ref.reasoning, !fast.reasoning);
	if (ref.reasoning)
		assert_string_equal(ref.reasoning, fast.reasoning);
	took = http_openai_proto.parse_fast(body, n, KEY, &t, &m, &probe);
	free(t);
	free(m);
	free(fast.text);
	free(fast.meta_json);
	free(fast.reasoning);
	if (out)
		*out = ref;
	else {
		free(ref.text);
		free(ref.meta_json);
		free(ref.reasoning);
	}
	return took;
}

/* Shapes servers send: each must take the fast path. */
static const char *const taken[] = {
	/* nginx in bench/http.sh */
	"{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"bench\","
	"\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
	"\"content\":\"Yes\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":100,"
	"\"completion_tokens\":1,\"total_tokens\":101}}",
	/* vLLM: nulls, a tool list, usage details null */
	"{\"id\":\"chatcmpl-9a\",\"object\":\"chat.completion\",\"created\":1733000000,"
	"\"model\":\"Qwen/Qwen2.5-VL-7B-Instruct\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
	"\"assistant\",\"reasoning_content\":null,\"content\":\"No, the cat is to the right of the dog.\","
	"\"tool_calls\":[]},\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":null}],"
	"\"usage\":{\"prompt_tokens\":1290,\"total_tokens\":1299,\"completion_tokens\":9,"
	"\"prompt_tokens_details\":null},\"prompt_logprobs\":null,\"kv_transfer_params\":null}",
	/* Python's json.dumps spacing, a newline after, escapes in the reply */
	"{\"id\": \"x\", \"model\": \"llava\", \"choices\": [{\"index\": 0, \"message\": {\"role\": "
	"\"assistant\", \"content\": \"Yes.\\n\\n\\\"Left\\\" \\\\ \\/ \\t done\"}, \"finish_reason\": "
	"\"stop\"}], \"usage\": {\"prompt_tokens\": 12, \"completion_tokens\": 7}}\n",
	/* OpenAI: reasoning tokens in the details, refusal null, raw UTF-8 in the reply */
	"{\"model\":\"gpt-x\",\"choices\":[{\"message\":{\"content\":\"Oui, \xc3\xa0 gauche.\","
	"\"refusal\":null},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":50,"
	"\"completion_tokens\":30,\"completion_tokens_details\":{\"reasoning_tokens\":24,"
	"\"audio_tokens\":0},\"prompt_tokens_details\":{\"cached_tokens\":0}}}",
	/* no usage, no model: no meta but finish_reason */
	"{\"choices\":[{\"message\":{\"content\":\"\"},\"finish_reason\":\"stop\"}]}",
	/* nothing to copy: no meta at all */
	"{\"choices\":[{\"message\":{\"content\":\"no\"}}]}",
	/* the first of two members of one name, as cJSON reads it */
	"{\"model\":\"first\",\"model\":\"second\",\"choices\":[{\"message\":{\"content\":\"a\","
	"\"content\":\"b\"}}],\"usage\":{\"prompt_tokens\":1,\"prompt_tokens\":2}}",
	/* odd but plain members: usage a number, model a number, arrays in usage */
	"{\"model\":7,\"choices\":[{\"message\":{\"content\":\"y\"},\"finish_reason\":null}],"
	"\"usage\":5}",
	"{\"choices\":[{\"message\":{\"content\":\"y\"}}],\"usage\":{\"input_tokens\":3,"
	"\"cache_read_input_tokens\":4,\"output_tokens\":2,\"list\":[1,true,false,null,\"s\",[]],"
	"\"o\":{}}}",
	/* a key the server quotes back, masked in the meta */
	"{\"model\":\"" KEY "\",\"system_fingerprint\":\"Bearer abc123\",\"choices\":[{\"message\":"
	"{\"content\":\"yes\"}}]}",
	/* a second choice is not read */
	"{\"choices\":[{\"message\":{\"content\":\"one\"}},{\"message\":{\"content\":\"two\"}}]}",
};

/* Shapes it must leave to parse(): the reference reads them. */
static const char *const declined[] = {
	"{\"choices\":[{\"message\":{\"content\":\"caf\\u00e9\"}}]}",           /* \u escape */
	"{\"choices\":[{\"message\":{\"content\":\"cut\"},\"finish_reason\":\"length\"}]}",
	"{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"content_filter\"}]}",
	"{\"choices\":[{\"message\":{\"content\":\"\",\"refusal\":\"I can't help.\"}}]}",
	"{\"choices\":[{\"message\":{\"content\":\"Yes\",\"reasoning_content\":\"hmm\"}}]}",
	"{\"choices\":[{\"message\":{\"content\":\"Yes\",\"reasoning\":\"\"}}]}",
	"{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"Yes\"}]}}]}",
	"{\"error\":{\"message\":\"upstream failed\"}}",
	"{\"error\":null,\"choices\":[{\"message\":{\"content\":\"Yes\"}}]}",
	"{\"choices\":[]}",
	"{\"choices\":{\"a\":{\"message\":{\"content\":\"Yes\"}}}}",
	"{\"choices\":[{\"message\":{\"content\":\"Yes\"}}],\"usage\":{\"cost\":0.0012}}",
	"{\"choices\":[{\"message\":{\"content\":\"Yes\"}}],\"usage\":{\"prompt_tokens\":-1}}",
	"{\"choices\":[{\"message\":{\"content\":\"Yes\"}}],\"usage\":{\"prompt_tokens\":1234567890123456}}",
	"{\"choices\":[{\"message\":{\"content\":\"Yes\"}}],\"usage\":{\"prompt_tokens\":1e2}}",
	"{\"choices\":[{\"message\":{\"content\":\"Yes\"}}],\"usage\":{\"a\\tb\":1}}",
	"{\"model\":\"m\\u00e9\",\"choices\":[{\"message\":{\"content\":\"Yes\"}}]}",
	"{\"model\":\"caf\xc3\xa9\",\"choices\":[{\"message\":{\"content\":\"Yes\"}}]}",
	"{\"model\":\"a\\\"b\",\"choices\":[{\"message\":{\"content\":\"Yes\"}}]}",
	"{\"choices\":[{\"message\":{\"content\":\"Yes\"}}]} trailing",
	"{\"choices\":[{\"message\":{\"content\":\"tab\tinside\"}}]}",                   /* raw control byte */
	"{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"
	"\"choices\":[{\"message\":{\"content\":\"Yes\"}}]}",                         /* deeper than 32 */
	"[1,2]",
	"not json",
	"",
	"{\"content\":[{\"type\":\"text\",\"text\":\"Yes\"}],\"stop_reason\":\"end_turn\"}", /* Anthropic's */
	/* a server whose generation failed: no answer (an error, retried) */
	"{\"choices\":[{\"message\":{\"content\":\"Generation failed: Model.__call__() missing 1 "
	"required positional argument: 'pixel_values'\"},\"finish_reason\":\"error\"}]}",
	"{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"stop\"}]}",
	"{\"choices\":[{\"message\":{\"content\":\"Yes\\u0000 and \\\\u0000 more\"}}]}",
	"{\"object\":\"error\",\"message\":\"CUDA error: out of memory\",\"code\":500}",
};

static void test_same_both_ways(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++)
		assert_int_equal(both(taken[i], NULL), 1);
	for (size_t i = 0; i < sizeof(declined) / sizeof(declined[0]); i++)
		assert_int_equal(both(declined[i], NULL), 0);
}

/* A few results written out by hand from the bodies above. */
static void test_by_hand(void **state)
{
	struct task_result r;

	(void)state;
	assert_int_equal(both(taken[0], &r), 1);
	assert_string_equal(r.text, "Yes");
	assert_string_equal(r.meta_json, "{\"model\":\"bench\",\"system_fingerprint\":\"fp_bench\","
					 "\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":1,"
					 "\"total_tokens\":101},\"finish_reason\":\"stop\"}");
	assert_true(r.usage && r.tok_in == 100 && r.tok_out == 1 && r.tok_reasoning == -1);
	free(r.text);
	free(r.meta_json);

	assert_int_equal(both(taken[2], &r), 1);
	assert_string_equal(r.text, "Yes.\n\n\"Left\" \\ / \t done");
	free(r.text);
	free(r.meta_json);

	assert_int_equal(both(taken[3], &r), 1);
	assert_true(r.tok_in == 50 && r.tok_out == 30 && r.tok_reasoning == 24);
	free(r.text);
	free(r.meta_json);

	assert_int_equal(both(taken[5], &r), 1);
	assert_null(r.meta_json);
	assert_string_equal(r.text, "no");
	free(r.text);

	assert_int_equal(both(taken[6], &r), 1);
	assert_string_equal(r.text, "a");
	assert_string_equal(r.meta_json, "{\"model\":\"first\",\"usage\":{\"prompt_tokens\":1,"
					 "\"prompt_tokens\":2}}");
	assert_int_equal(r.tok_in, 1);
	free(r.text);
	free(r.meta_json);

	assert_int_equal(both(taken[8], &r), 1);
	assert_true(r.tok_in == 7 && r.tok_out == 2); /* input + cache reads */
	free(r.text);
	free(r.meta_json);

	assert_int_equal(both(taken[9], &r), 1);
	assert_null(strstr(r.meta_json, KEY));
	assert_null(strstr(r.meta_json, "abc123"));
	free(r.text);
	free(r.meta_json);
}

/* The replies that are no answer, or a whole one, as servers send them. */
static void test_server_words(void **state)
{
	size_t nd = sizeof(declined) / sizeof(declined[0]);
	struct task_result r;
	char why[256] = "";

	(void)state;
	/* finish_reason "error": retried, never scored, with the server's words */
	memset(&r, 0, sizeof(r));
	assert_int_equal(remote_reply_read(&http_openai_proto, &cfg, declined[nd - 4], strlen(declined[nd - 4]),
					   KEY, 1, 1, NULL, &r, why, sizeof(why)),
			 VSRBENCH_ERR_RETRY);
	assert_string_equal(why, "finish_reason \"error\": Generation failed: Model.__call__() missing 1 "
				 "required positional argument: 'pixel_values'");
	assert_null(r.text);
	/* content null, finish_reason "stop": the empty reply */
	assert_int_equal(both(declined[nd - 3], &r), 0);
	assert_string_equal(r.text, "");
	assert_string_equal(r.meta_json, "{\"finish_reason\":\"stop\"}");
	free(r.text);
	free(r.meta_json);
	/* a NUL: the text after it kept, the NUL written U+FFFD and counted (an escaped
	 * backslash before "u0000" is no NUL) */
	assert_int_equal(both(declined[nd - 2], &r), 0);
	assert_string_equal(r.text, "Yes\xef\xbf\xbd and \\u0000 more");
	assert_string_equal(r.meta_json, "{\"nul_chars\":1}");
	free(r.text);
	free(r.meta_json);
	/* vLLM's error object in a 200: retried with its message */
	memset(&r, 0, sizeof(r));
	assert_int_equal(remote_reply_read(&http_openai_proto, &cfg, declined[nd - 1], strlen(declined[nd - 1]),
					   KEY, 1, 1, NULL, &r, why, sizeof(why)),
			 VSRBENCH_ERR_RETRY);
	assert_string_equal(why, "error in a 200 response: CUDA error: out of memory");
}

/* Each body cut at every length: whatever the fast path takes, it reads alike. */
static void test_every_prefix(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
		size_t n = strlen(taken[i]);
		for (size_t k = 0; k < n; k++) {
			char *cut = xmalloc(k + 1);
			memcpy(cut, taken[i], k);
			cut[k] = '\0';
			(void)both(cut, NULL);
			free(cut);
		}
	}
}

static void test_jscan_grammar(void **state)
{
	static const char *const good[] = {
		"0", "-0", "1.5e-3", "-12E+2", "\"\"", "\"a\\\"b\"", "[]", "{}", " [ 1 , [ ] , { } ] ",
		"{\"a\":{\"b\":[null,true,false]}}", "\"\xff\xfe\"",
	};
	static const char *const bad[] = {
		"", " ", "01", "1.", ".5", "+1", "1e", "-", "--1", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}",
		"{a:1}", "{\"a\":1,}", "[1 2]", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u0041\"", "[1]]",
		"{}{}", "\"\x01\"", "NaN", "Infinity", "0x10",
	};
	struct jtok t[16];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(jscan(good[i], strlen(good[i]), t, 16) > 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(jscan(bad[i], strlen(bad[i]), t, 16), -1);
	/* More tokens than room: refused, not overrun. */
	assert_int_equal(jscan("[1,2,3,4]", 9, t, 4), -1);
	assert_int_equal(jscan("[1,2,3,4]", 9, t, 5), 5);
	assert_int_equal(jscan_int("123456789012345", t, 0), -1); /* t[0] is the array */
}

/*
 * A string's end, escape or control byte at every offset of an eight-byte
 * word: the token's text runs from after the opening quote to before the
 * closing one, an escape marks it, a control byte refuses the document, and
 * a string cut before its closing quote is refused.
 */
static void test_jscan_string_offsets(void **state)
{
	struct jtok t[4];

	(void)state;
	for (size_t at = 0; at < 19; at++) {
		char s[64];
		size_t n = 0;

		s[n++] = '"';
		for (size_t i = 0; i < at; i++)
			s[n++] = (char)(i % 2 ? 'x' : '\xc3'); /* bytes >= 0x80 are text */
		s[n++] = '"';
		assert_int_equal(jscan(s, n, t, 4), 1);
		assert_int_equal(t[0].start, 1);
		assert_int_equal(t[0].len, at);
		assert_int_equal(t[0].flags & JT_ESC, 0);
		assert_int_equal(jscan(s, n - 1, t, 4), -1);
		s[at + 1] = '\\'; /* an escaped quote where the text ended: then "x" more and the end */
		s[at + 2] = '"';
		s[at + 3] = 'x';
		s[at + 4] = '"';
		assert_int_equal(jscan(s, at + 5, t, 4), 1);
		assert_int_equal(t[0].len, at + 3);
		assert_int_not_equal(t[0].flags & JT_ESC, 0);
		s[at + 1] = '\x1f';
		assert_int_equal(jscan(s, at + 5, t, 4), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_both_ways),
		cmocka_unit_test(test_by_hand),
		cmocka_unit_test(test_server_words),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_jscan_grammar),
		cmocka_unit_test(test_jscan_string_offsets),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
