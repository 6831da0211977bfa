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
	/* OpenAI's, SGLang's and vLLM's words for a model without vision */
	{
		static const char *const says[] = {
			"{\"error\":{\"message\":\"Invalid content type. image_url is only supported by certain "
			"models.\",\"type\":\"invalid_request_error\",\"param\":\"messages.[0].content.[1].type\"}}",
			"{\"object\":\"error\",\"message\":\"Multimodal inputs are not supported by this model.\"}",
			"{\"error\":{\"message\":\"Qwen2ForCausalLM does not support multimodal inputs\"}}",
			"{\"object\":\"error\",\"message\":\"At most 0 image(s) may be provided in one request.\"}",
		};
		for (size_t i = 0; i < sizeof(says) / sizeof(says[0]); i++)
			assert_true(hint_no_image(says[i], strlen(says[i])));
	}
	/* a server loading its model, not an overloaded one */
	{
		static const char loading[] = "{\"error\":{\"code\":503,\"message\":\"Loading model\","
					      "\"type\":\"unavailable_error\"}}";
		static const char busy[] = "{\"error\":{\"code\":503,\"message\":\"The model is overloaded. "
					   "Please try again later.\",\"status\":\"UNAVAILABLE\"}}";
		assert_true(hint_loading(loading, strlen(loading)));
		assert_false(hint_loading(busy, strlen(busy)));
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
	/* over the model's output limit: no unknown parameter, a lower --max-tokens (OpenAI's, Anthropic's words) */
	hint(400,
	     "{\"error\":{\"message\":\"max_tokens is too large: 8192. This model supports at most 4096 completion "
	     "tokens, whereas you provided 8192.\",\"type\":\"invalid_request_error\",\"param\":\"max_tokens\","
	     "\"code\":null}}",
	     "openai", "https://api.openai.com/v1", "lower --max-tokens to at most 4096, the model's output limit");
	hint(400,
	     "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: 70000 > "
	     "64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5-20250929\"}}",
	     "anthropic", "https://api.anthropic.com/v1", "lower --max-tokens to at most 64000, the model's output limit");
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
	/* Google's 404 page names the path, and a Gemini path holds /models/: the base, not -M model */
	hint(404, "<!DOCTYPE html><html lang=en><title>Error 404 (Not Found)!!1</title><p><b>404.</b> "
		  "<ins>That\u2019s an error.</ins><p>The requested URL <code>/models/gemini-2.5-flash:"
		  "generateContent</code> was not found on this server.  <ins>That\u2019s all we know.</ins>",
	     "gemini", "https://generativelanguage.googleapis.com",
	     "does base_url need /v1beta? (try -M base_url=https://generativelanguage.googleapis.com/v1beta)");
	/* the Gemini API's own 404 for a model it does not have, under a versioned base */
	hint(404, "{\"error\":{\"code\":404,\"message\":\"models/gemini-9 is not found for API version v1beta, "
		  "or is not supported for generateContent. Call ListModels to see the list of available models "
		  "and their supported methods.\",\"status\":\"NOT_FOUND\"}}",
	     "gemini", "https://generativelanguage.googleapis.com/v1beta",
	     "is -M model the name the server serves? (e.g. GET https://generativelanguage.googleapis.com/v1beta/models)");
	hint(422, "{\"detail\":\"bad\"}", "openai", "http://h/v1",
	     "every request is refused the same way: fix the settings it names");
	/* LiteLLM: Python's None as the param, a model it does not route */
	hint(400, "{\"error\":{\"message\":\"{'error': '/chat/completions: Invalid model name passed in "
		  "model=qwen-vl. Call `/v1/models` to view available models for your key.'}\",\"type\":\"None\","
		  "\"param\":\"None\",\"code\":\"400\"}}",
	     "openai", "http://h/v1", "is -M model the name the server serves? (e.g. GET http://h/v1/models)");
	hint(400, "{\"error\":{\"message\":\"x\",\"param\":\"null\"}}", "openai", "http://h/v1",
	     "every request is refused the same way: fix the settings it names");
	/* vLLM: "param": "model" is -M model */
	hint(404, "{\"error\":{\"message\":\"The model `qwen-vl` does not exist.\",\"type\":\"NotFoundError\","
		  "\"param\":\"model\",\"code\":404}}",
	     "openai", "http://h/v1", "is -M model the name the server serves? (e.g. GET http://h/v1/models)");
	/* Ollama's words through its OpenAI API */
	hint(404, "{\"error\":{\"message\":\"model \\\"llava\\\" not found, try pulling it first\"}}", "openai",
	     "http://127.0.0.1:11434/v1", "is the model pulled? (ollama pull NAME; see 'ollama list')");
	/* over the context, without the run's --max-tokens */
	hint(400, "{\"error\":{\"message\":\"This model's maximum context length is 4096 tokens. However, you "
		  "requested 4524 tokens (3500 in the messages, 1024 in the completion).\"}}", "openai", "http://h/v1",
	     "the prompt and image take 3500 tokens of the model's context of 4096: lower --max-tokens to at "
	     "most 596, or serve the model with a longer context (vLLM --max-model-len, llama.cpp -c) or send "
	     "fewer image tokens (-M detail=low where the server reads it, or smaller images)");
}

static void ctx(const char *body, long context, long prompt)
{
	struct hint_ctx c;

	assert_int_equal(hint_context_parse(body, strlen(body), &c), 1);
	assert_int_equal(c.context, context);
	assert_int_equal(c.prompt, prompt);
}

/* Each server's words for a request over the model's context, and the fix. */
static void test_context(void **state)
{
	static const char vllm[] = "{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096 "
				   "tokens. However, you requested 5139 tokens (4115 in the messages, 1024 in the "
				   "completion). Please reduce the length of the messages or completion.\"}";
	static const char vllm2[] = "{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096 "
				    "tokens. However, you requested 5200 tokens (4176 in the messages, 1024 in the "
				    "completion). Please reduce the length of the messages or completion.\"}";
	struct hint_ctx c;
	char out[400];

	(void)state;
	ctx(vllm, 4096, 4115);
	ctx("{\"error\":{\"message\":\"'max_tokens' or 'max_completion_tokens' is too large: 1024. This model's "
	    "maximum context length is 4096 tokens and your request has 3500 input tokens (1024 > 4096 - 3500).\"}}",
	    4096, 3500);
	ctx("{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens. However, your "
	    "messages resulted in 130012 tokens. Please reduce the length of the messages.\",\"code\":"
	    "\"context_length_exceeded\"}}", 128000, 130012);
	ctx("{\"object\":\"error\",\"message\":\"Requested token count exceeds the model's maximum context length "
	    "of 4096 tokens. You requested a total of 5139 tokens: 4115 tokens from the input messages and 1024 "
	    "tokens for the completion.\"}", 4096, 4115);
	ctx("{\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size, try "
	    "increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":5139,\"n_ctx\":4096}}",
	    4096, 5139);
	ctx("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: "
	    "215000 tokens > 200000 maximum\"}}", 200000, 215000);
	ctx("{\"error\":\"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: "
	    "4115 `inputs` tokens and 1024 `max_new_tokens`\",\"error_type\":\"validation\"}", 4096, 4115);
	ctx("{\"error\":{\"message\":\"litellm.ContextWindowExceededError: OpenAIException - context_length_exceeded\"}}",
	    -1, -1);
	assert_int_equal(hint_context_parse("{\"error\":{\"message\":\"max 4096\"}}", 27, &c), 0);
	/* the run's --max-tokens, named */
	ctx(vllm, 4096, 4115);
	hint_context_parse(vllm, strlen(vllm), &c);
	hint_context(&c, "openai", 1024, out, sizeof(out));
	assert_string_equal(out, "the prompt and image alone take 4115 tokens of the model's context of 4096, so "
			    "no --max-tokens (now 1024) can fit: serve the model with a longer context (vLLM "
			    "--max-model-len, llama.cpp -c) or send fewer image tokens (-M detail=low where the "
			    "server reads it, or smaller images)");
	c.context = c.prompt = -1;
	hint_context(&c, "gemini", 1024, out, sizeof(out));
	assert_string_equal(out, "the prompt, the image and --max-tokens (now 1024) do not fit in the model's "
			    "context: lower --max-tokens, or serve the model with a longer context (vLLM "
			    "--max-model-len, llama.cpp -c) or send fewer image tokens (smaller images)");
	/* each prompt's own count: still the same refusal */
	assert_true(hint_signature(400, vllm, strlen(vllm)) == hint_signature(400, vllm2, strlen(vllm2)));
}

static void fix5(long status, const char *body, const char *why, const char *kind, const char *want)
{
	char out[400];

	hint_5xx(status, body, strlen(body), why, kind, out, sizeof(out));
	assert_string_equal(out, want);
}

/* The same failure for every request: the fix, and run again only when it may pass. */
static void test_failures(void **state)
{
	static const char sse1[] = "data: {\"choices\":[{\"delta\":{\"content\":\"Ye\"}}]}\n\ndata: [DONE]\n\n";
	static const char sse2[] = "data: {\"choices\":[{\"delta\":{\"content\":\"No\"}}]}\n\ndata: [DONE]\n\n";

	(void)state;
	fix5(500, "{\"error\":\"model requires more system memory (9.8 GiB) than is available (5.2 GiB)\"}", NULL,
	     "ollama", "the model does not fit in the server's memory: serve a smaller model or a smaller "
	     "quantisation (e.g. 4-bit), or free GPU and system memory (other models the server holds: ollama ps)");
	fix5(200, "{}", "error in a 200 response: CUDA error: out of memory", "openai",
	     "the model does not fit in the server's memory: serve a smaller model or a smaller "
	     "quantisation (e.g. 4-bit), or free GPU and system memory (other models the server holds)");
	fix5(500, "{\"error\":{\"message\":\"litellm.APIConnectionError: OpenAIException - Connection error.\"}}",
	     NULL, "openai", "the proxy cannot reach the model server behind it: check that server, then run "
	     "the same command again (the run resumes)");
	/* A stream the kind cannot read (none but -m openai reads one), */
	fix5(200, sse1, "a body that is not JSON: data: ...", "ollama",
	     "the server streams its replies (text/event-stream) where -m ollama asks for whole ones (only "
	     "-m openai reads a stream): switch streaming off in the server or in the proxy before it");
	/* or events that are not chat completion chunks (e.g. another API's), */
	fix5(200, ": ping\n\nevent: response.created\ndata: {}\n\n", "a body that is not JSON: : ping", "openai",
	     "the server streams its replies (text/event-stream) as events that are not chat.completion "
	     "chunks, which vsrbench cannot read: is -M base_url the chat completions API? else switch "
	     "streaming off in the server or in the proxy before it");
	/* and a stream read, but cut short each time, which may pass. */
	fix5(200, sse1, "a stream of events cut short: it ended with neither a finish_reason nor data: [DONE]",
	     "openai", "something cuts the streamed replies before their end: a proxy's timeout (nginx's "
	     "proxy_read_timeout, a load balancer's idle timeout) or the server's own; raise it, then run the "
	     "same command again (the run resumes)");
	fix5(200, sse1, "error in a 200 response: upstream went away", "openai",
	     "the server fails every request the same way: its log says why; once it is fixed, run the same "
	     "command again (the run resumes)");
	fix5(200, "{}", "finish_reason \"error\": Generation failed", "openai",
	     "the server fails to generate: its log says why (a model the server cannot run as configured?); "
	     "once it answers, run the same command again");
	fix5(502, "<html>Bad Gateway</html>", NULL, "openai",
	     "the server fails every request the same way: its log says why; once it is fixed, run the same "
	     "command again (the run resumes)");
	/* an unread stream's events each hold their own piece: one signature */
	assert_true(hint_signature_200(sse1, strlen(sse1), "a body that is not JSON: data: {\"choices\":[{\"delta\":{\"content\":\"Ye") ==
		    hint_signature_200(sse2, strlen(sse2), "a body that is not JSON: data: {\"choices\":[{\"delta\":{\"content\":\"No"));
	/* a stream read and found wanting: what was wrong with it */
	assert_true(hint_signature_200(sse1, strlen(sse1), "a stream of events cut short") ==
		    hint_signature_200(sse2, strlen(sse2), "a stream of events cut short"));
	assert_true(hint_signature_200(sse1, strlen(sse1), "a stream of events cut short") !=
		    hint_signature_200(sse1, strlen(sse1), "error in a 200 response: x"));
	assert_true(hint_signature_200("{}", 2, "a") != hint_signature_200("{}", 2, "b"));
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
	/* -M stream=on against Azure OpenAI API versions without stream_options (its words, and OpenAI's) */
	hint(400, "{\"error\":{\"code\":null,\"message\":\"Unrecognized request argument supplied: "
		  "stream_options\",\"param\":null,\"type\":\"invalid_request_error\"}}",
	     "openai", "https://x.openai.azure.com/openai/deployments/d",
	     "the option that changes 'stream_options': -M stream=off (this API version takes no stream_options)");
	hint(400, "{\"error\":{\"message\":\"Unknown parameter: 'stream_options'.\",\"type\":"
		  "\"invalid_request_error\",\"param\":\"stream_options\",\"code\":\"unknown_parameter\"}}",
	     "openai", "http://h/v1",
	     "the option that changes 'stream_options': -M stream=off (this API version takes no stream_options)");
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
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
