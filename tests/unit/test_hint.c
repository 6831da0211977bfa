/*
 * What a refused request says about the run (adapters/remote_hint.h) and
 * the wait a 429's body names (retry_body_delay): the bodies are the
 * servers' own words, copied from their documentation and source:
 *
 *  - llama.cpp's server without --mmproj (tools/server/utils.hpp):
 *    "image input is not supported - hint: if this is unexpected, you may
 *    need to provide the mmproj";
 *  - OpenAI's 400 for a parameter a reasoning model rejects:
 *    {"error":{"message":"Unsupported parameter: 'max_tokens' is not
 *    supported with this model. Use 'max_completion_tokens' instead.",
 *    "type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}};
 *  - the Gemini API's 429 (ai.google.dev, rate limits): RESOURCE_EXHAUSTED
 *    with error.details[] holding a google.rpc.RetryInfo "retryDelay": "58s".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "adapters/remote_hint.h"
#include "adapters/remote_retry.h"

static double delay(const char *s)
{
	return retry_body_delay(s, strlen(s));
}

static void test_gemini_retry_info(void **state)
{
	(void)state;
	assert_true(delay("{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"details\":["
			  "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[]},"
			  "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"58s\"}]}}") ==
		    58.0);
	/* Google also writes fractions: "2.5s" */
	assert_true(delay("{\"error\":{\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
			  "\"retryDelay\":\"2.5s\"}]}}") == 2.5);
	/* capped like Retry-After */
	assert_true(delay("{\"error\":{\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
			  "\"retryDelay\":\"90000s\"}]}}") == RETRY_MAX_SERVER_WAIT_S);
	/* no RetryInfo, another type, no JSON, a bad duration: none */
	assert_true(delay("{\"error\":{\"message\":\"Rate limit reached\"}}") == -1);
	assert_true(delay("{\"error\":{\"details\":[{\"@type\":\"x.Help\",\"retryDelay\":\"5s\"}]}}") == -1);
	assert_true(delay("<html>429</html>") == -1);
	assert_true(delay("{\"error\":{\"details\":[{\"@type\":\"google.rpc.RetryInfo\",\"retryDelay\":\"soon\"}]}}") ==
		    -1);
	assert_true(retry_body_delay("", 0) == -1);
}

static void test_no_image(void **state)
{
	static const char llama[] = "{\"error\":{\"code\":500,\"message\":\"image input is not supported - "
				    "hint: if this is unexpected, you may need to provide the mmproj\","
				    "\"type\":\"server_error\"}}";
	(void)state;
	assert_true(hint_no_image(llama, strlen(llama)));
	assert_true(hint_no_image("Qwen/Qwen2-7B is not a multimodal model", 39));
	{
		static const char other[] = "{\"error\":{\"message\":\"Invalid image: fake rejection\"}}";
		assert_false(hint_no_image(other, strlen(other)));
	}
	/* the length is respected: the phrase past it is not seen */
	assert_false(hint_no_image(llama, 40));
}

static void hint(long status, const char *body, const char *kind, const char *base, const char *want)
{
	char out[300];

	hint_4xx(status, body, strlen(body), kind, base, out, sizeof(out));
	assert_string_equal(out, want);
}

static void test_hints(void **state)
{
	(void)state;
	hint(400,
	     "{\"error\":{\"message\":\"Unsupported parameter: 'max_tokens' is not supported with this model. "
	     "Use 'max_completion_tokens' instead.\",\"type\":\"invalid_request_error\",\"param\":\"max_tokens\","
	     "\"code\":\"unsupported_parameter\"}}",
	     "openai", "https://api.openai.com/v1",
	     "the option that changes 'max_tokens': -M max_tokens_field=max_completion_tokens (OpenAI's reasoning models)");
	/* no "param": the first member the message quotes */
	hint(400, "{\"error\":{\"message\":\"Unsupported value: 'temperature' does not support 0 with this model.\"}}",
	     "openai", "http://h/v1",
	     "the option that changes 'temperature': --temperature default (not sent) or --temperature 1");
	/* a nested param names its member */
	hint(400, "{\"error\":{\"message\":\"x\",\"param\":\"generationConfig.thinkingConfig\"}}", "gemini",
	     "http://h/v1beta", "the option that changes 'generationConfig.thinkingConfig': --reasoning (leave it out, or another level)");
	hint(400, "{\"error\":{\"message\":\"x\",\"param\":\"top_k\"}}", "openai", "http://h/v1",
	     "the server rejects 'top_k' (set by -M extra_body?)");
	hint(404, "{\"error\":{\"message\":\"no route /chat/completions\"}}", "openai", "http://127.0.0.1:8000",
	     "does base_url need /v1? (try -M base_url=http://127.0.0.1:8000/v1)");
	/* another version in the path is replaced, not extended (".../v2/v1" cannot help) */
	hint(404, "{\"error\":{\"message\":\"no route /v2/chat/completions\"}}", "openai",
	     "http://127.0.0.1:8000/v2", "does base_url need /v1? (try -M base_url=http://127.0.0.1:8000/v1)");
	hint(404, "Not Found", "gemini", "https://generativelanguage.googleapis.com/v1",
	     "does base_url need /v1beta? (try -M base_url=https://generativelanguage.googleapis.com/v1beta)");
	hint(404, "{\"error\":{\"message\":\"The model `gpt-9` does not exist\"}}", "openai", "http://h/v1",
	     "is -M model the name the server serves? (e.g. GET http://h/v1/models)");
	hint(404, "Not Found", "openai", "http://h/v1", "check -M base_url and -M model");
	/* Ollama's words for a model not pulled */
	hint(404, "{\"error\":\"model \\\"llava:7b\\\" not found, try pulling it first\"}", "ollama",
	     "http://127.0.0.1:11434", "is the model pulled? (ollama pull NAME; see 'ollama list')");
	hint(404, "Not Found", "gemini", "https://generativelanguage.googleapis.com",
	     "does base_url need /v1beta? (try -M base_url=https://generativelanguage.googleapis.com/v1beta)");
	hint(422, "{\"detail\":\"bad\"}", "openai", "http://h/v1",
	     "every request is refused the same way: fix the settings it names");
}

/* Issue 21 §3: the same refusal with a request id of its own each time is still the same. */
static void test_signature(void **state)
{
	static const char a1[] = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
				 "\"message\":\"`temperature` is deprecated for this model.\"},"
				 "\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}";
	static const char a2[] = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
				 "\"message\":\"`temperature` is deprecated for this model.\"},"
				 "\"request_id\":\"req_011CSHoZz9aPq77LmNnWw1Qa\"}";
	static const char other[] = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
				    "\"message\":\"`top_k` is deprecated for this model.\"},"
				    "\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}";
	static const char t1[] = "{\"error\":\"bad\",\"created\":1732963200}";
	static const char t2[] = "{\"error\":\"bad\",\"created\":1732963261}";
	(void)state;
	assert_true(hint_signature(400, a1, strlen(a1)) == hint_signature(400, a2, strlen(a2)));
	assert_true(hint_signature(400, a1, strlen(a1)) != hint_signature(400, other, strlen(other)));
	assert_true(hint_signature(400, a1, strlen(a1)) != hint_signature(422, a1, strlen(a1)));
	assert_true(hint_signature(400, t1, strlen(t1)) == hint_signature(400, t2, strlen(t2)));
	/* short numbers are the message's own: "4096 tokens" and "8192 tokens" differ */
	assert_true(hint_signature(400, "max 4096", 8) != hint_signature(400, "max 8192", 8));
}

/* The parameter named in the providers' own words, without "param". */
static void test_hints_words(void **state)
{
	(void)state;
	/* Anthropic: backquotes */
	hint(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":"
		  "\"`temperature` is deprecated for this model.\"},\"request_id\":\"req_1\"}",
	     "anthropic", "http://h/v1",
	     "the option that changes 'temperature': --temperature default (not sent) or --temperature 1");
	/* Anthropic: bare */
	hint(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":"
		  "\"thinking.budget_tokens: Input should be greater than or equal to 1024\"}}",
	     "anthropic", "http://h/v1",
	     "the option that changes 'budget_tokens': --reasoning (another budget) and --max-tokens");
	/* Ollama: a model that does not think */
	hint(400, "{\"error\":\"\\\"gemma3:4b\\\" does not support thinking\"}", "ollama",
	     "http://127.0.0.1:11434",
	     "the option that changes 'think': --reasoning (leave it out, or another level)");
	/* Gemini: a budget of 0 for a model that always thinks */
	hint(400, "{\"error\":{\"code\":400,\"message\":\"Budget 0 is invalid. This model only works in "
		  "thinking mode.\",\"status\":\"INVALID_ARGUMENT\"}}",
	     "gemini", "http://h/v1beta",
	     "the option that changes 'thinkingConfig': --reasoning (leave it out, or another level)");
	/* English words alone name no parameter */
	hint(400, "{\"error\":{\"message\":\"the system is thinking about your seed\"}}", "openai",
	     "http://h/v1", "every request is refused the same way: fix the settings it names");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gemini_retry_info),
		cmocka_unit_test(test_no_image),
		cmocka_unit_test(test_hints),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_hints_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
