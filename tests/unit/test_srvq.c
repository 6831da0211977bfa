/*
 * The server's queue read from its Prometheus /metrics
 * (adapters/remote_metrics.c, srvq_parse).  The expositions are written by
 * hand in the shape the servers document: vLLM's gauges carry engine and
 * model_name labels (one line per engine), SGLang's and LMDeploy's a
 * model_name, text-generation-inference's and llama.cpp's none; the
 * expected sums are counted by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "adapters/remote_loop.h"

static int parse(const char *text, double *w)
{
	*w = -1;
	return srvq_parse(text, strlen(text), w);
}

static void test_vllm(void **state)
{
	double w;
	const char *t =
		"# HELP vllm:num_requests_running Number of requests in model execution batches.\n"
		"# TYPE vllm:num_requests_running gauge\n"
		"vllm:num_requests_running{engine=\"0\",model_name=\"Qwen/Qwen2.5-VL-7B-Instruct\"} 12.0\n"
		"# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n"
		"# TYPE vllm:num_requests_waiting gauge\n"
		"vllm:num_requests_waiting{engine=\"0\",model_name=\"Qwen/Qwen2.5-VL-7B-Instruct\"} 3.0\n"
		"vllm:num_requests_waiting{engine=\"1\",model_name=\"Qwen/Qwen2.5-VL-7B-Instruct\"} 4.0\n"
		"vllm:num_requests_waiting_by_reason{reason=\"capacity\"} 100.0\n"
		"vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"Qwen/Qwen2.5-VL-7B-Instruct\"} 0.93\n";

	(void)state;
	assert_int_equal(parse(t, &w), 1);
	assert_true(w == 7.0); /* 3 + 4: both engines; the _by_reason gauge is another one */
}

static void test_sglang_tgi(void **state)
{
	double w;

	(void)state;
	assert_int_equal(parse("# TYPE sglang:num_queue_reqs gauge\n"
			       "sglang:num_running_reqs{model_name=\"llava\"} 32.0\n"
			       "sglang:num_queue_reqs{model_name=\"llava\"} 5.0\n", &w), 1);
	assert_true(w == 5.0);
	/* No labels, a timestamp, CRLF line ends, no final newline. */
	assert_int_equal(parse("tgi_batch_current_size 8\r\ntgi_queue_size 2 1700000000000\r\n"
			       "tgi_queue_size 1.5e+01", &w), 1);
	assert_true(w == 17.0);
}

static void test_llamacpp_lmdeploy(void **state)
{
	double w;

	(void)state;
	/* llama-server --metrics: requests waiting for a free slot are "deferred". */
	assert_int_equal(parse("# HELP llamacpp:requests_processing Number of requests processing.\n"
			       "# TYPE llamacpp:requests_processing gauge\n"
			       "llamacpp:requests_processing 4\n"
			       "# HELP llamacpp:requests_deferred Number of requests deferred.\n"
			       "# TYPE llamacpp:requests_deferred gauge\n"
			       "llamacpp:requests_deferred 11\n", &w), 1);
	assert_true(w == 11.0);
	/* LMDeploy --enable-metrics: the API server's own wait is another gauge, not counted. */
	assert_int_equal(parse("lmdeploy:num_api_requests_waiting{model_name=\"internvl\"} 3.0\n"
			       "lmdeploy:num_requests_running{model_name=\"internvl\"} 64.0\n"
			       "lmdeploy:num_requests_waiting{model_name=\"internvl\"} 10.0\n", &w), 1);
	assert_true(w == 10.0);
	assert_int_equal(parse("lmdeploy:num_api_requests_waiting{model_name=\"internvl\"} 3.0\n", &w), 0);
}

static void test_labels_quoted(void **state)
{
	double w;

	(void)state;
	/* A '}' and an escaped quote inside a label value do not end the labels. */
	assert_int_equal(parse("vllm:num_requests_waiting{model_name=\"a}\\\"b\"} 9\n", &w), 1);
	assert_true(w == 9.0);
	/* Zero waiting is a reading (the queue is empty), not a missing gauge. */
	assert_int_equal(parse("vllm:num_requests_waiting{engine=\"0\"} 0.0\n", &w), 1);
	assert_true(w == 0.0);
}

static void test_no_queue(void **state)
{
	double w;

	(void)state;
	/* A 404 page, an empty body, other gauges, only comments: no queue shown. */
	assert_int_equal(parse("<html><body>Not Found</body></html>", &w), 0);
	assert_int_equal(parse("", &w), 0);
	assert_int_equal(parse("process_cpu_seconds_total 12.5\nvllm:num_requests_running 3\n", &w), 0);
	assert_int_equal(parse("# HELP vllm:num_requests_waiting waiting\n"
			       "# TYPE vllm:num_requests_waiting gauge\n", &w), 0);
	/* Values that are no count: NaN, infinite, negative, garbage, none; unterminated labels. */
	assert_int_equal(parse("vllm:num_requests_waiting NaN\n"
			       "vllm:num_requests_waiting +Inf\n"
			       "vllm:num_requests_waiting -3\n"
			       "vllm:num_requests_waiting 3x\n"
			       "vllm:num_requests_waiting\n"
			       "vllm:num_requests_waiting{model_name=\"x\" 4\n", &w), 0);
	assert_true(w == -1); /* untouched */
	/* One good line among them counts alone. */
	assert_int_equal(parse("vllm:num_requests_waiting NaN\nvllm:num_requests_waiting 6\n", &w), 1);
	assert_true(w == 6.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vllm),
		cmocka_unit_test(test_sglang_tgi),
		cmocka_unit_test(test_llamacpp_lmdeploy),
		cmocka_unit_test(test_labels_quoted),
		cmocka_unit_test(test_no_queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
