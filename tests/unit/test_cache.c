/*
 * The response cache (harness/cache.c) and the usage read from a reply's
 * meta (harness/sched_cache.c):
 *  - the key changes when any part of the request changes (fingerprint,
 *    prompt, image digest, with or without the image, the options, their
 *    order, max_tokens, temperature, seed) and not otherwise;
 *  - an answer stored is read back whole (text, meta, flags, tokens), in a
 *    second connection too;
 *  - a file that is not a database gives NULL (the run goes on without);
 *    --cache read on a missing file creates nothing;
 *  - prune and clear delete what they say;
 *  - the four providers' usage shapes, with counts written here by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "harness/cache.h"
#include "harness/scheduler.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vsr-cache-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *const yn[] = { "yes", "no" };
static const char *const ny[] = { "no", "yes" };
static const char *const yn3[] = { "yes", "no", "maybe" };

static struct cache_req base_req(void)
{
	struct cache_req r;

	memset(&r, 0, sizeof(r));
	r.fingerprint = "openai/1 urls=http://127.0.0.1:8000/v1 model=\"m\"";
	r.prompt = "Is the cat left of the dog?";
	r.image_digest = 0x0123456789abcdefULL;
	r.has_image = 1;
	r.choices = yn;
	r.n_choices = 2;
	r.max_tokens = 32;
	r.temperature = 0;
	r.seed = 1;
	return r;
}

static void key_of(const struct cache_req *r, unsigned char *k)
{
	cache_key(r, k);
}

static void test_key_parts(void **state)
{
	enum { N = 13 };
	unsigned char k[N][CACHE_KEY_LEN], again[CACHE_KEY_LEN];
	struct cache_req r[N];

	(void)state;
	for (int i = 0; i < N; i++)
		r[i] = base_req();
	r[1].fingerprint = "openai/1 urls=http://127.0.0.1:8000/v1 model=\"m2\"";
	r[2].prompt = "Is the cat right of the dog?";
	r[3].image_digest ^= 1;
	r[4].has_image = 0;                 /* blind */
	r[5].choices = ny;                  /* the same options, rotated */
	r[6].choices = yn3, r[6].n_choices = 3;
	r[7].n_choices = 0, r[7].choices = NULL;
	r[8].max_tokens = 33;
	r[9].temperature = 0.5;
	r[10].temperature = -1;             /* --temperature default: not sent */
	r[11].seed = 2;
	r[12].prompt = "Is the cat left of the dog?\x1f"; /* a byte more */
	for (int i = 0; i < N; i++)
		key_of(&r[i], k[i]);
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			if (!memcmp(k[i], k[j], CACHE_KEY_LEN))
				fail_msg("requests %d and %d share a key", i, j);
	/* The same request, built again from other pointers: the same key. */
	{
		struct cache_req c = base_req();
		char prompt[64];
		const char *opts[2] = { "yes", "no" };
		snprintf(prompt, sizeof(prompt), "%s", "Is the cat left of the dog?");
		c.prompt = prompt;
		c.choices = opts;
		key_of(&c, again);
		assert_memory_equal(again, k[0], CACHE_KEY_LEN);
	}
	/* Without the image its digest does not matter (there is none to send). */
	{
		struct cache_req a = base_req(), b = base_req();
		unsigned char ka[CACHE_KEY_LEN], kb[CACHE_KEY_LEN];
		a.has_image = b.has_image = 0;
		b.image_digest = 42;
		key_of(&a, ka);
		key_of(&b, kb);
		assert_memory_equal(ka, kb, CACHE_KEY_LEN);
	}
	/* The option boundaries count: ("ab","c") is not ("a","bc"). */
	{
		const char *const o1[] = { "ab", "c" }, *const o2[] = { "a", "bc" };
		struct cache_req a = base_req(), b = base_req();
		unsigned char ka[CACHE_KEY_LEN], kb[CACHE_KEY_LEN];
		a.choices = o1;
		b.choices = o2;
		key_of(&a, ka);
		key_of(&b, kb);
		assert_memory_not_equal(ka, kb, CACHE_KEY_LEN);
	}
}

static void test_put_get(void **state)
{
	struct cache_req r = base_req();
	unsigned char k[CACHE_KEY_LEN], other[CACHE_KEY_LEN];
	struct cache_entry in, out;
	struct cache *c, *c2;
	char text[] = "Yes, it is.", meta[] = "{\"model\":\"m\"}";

	(void)state;
	key_of(&r, k);
	r.seed = 7;
	key_of(&r, other);
	c = cache_open(dir, 1);
	assert_non_null(c);
	memset(&in, 0, sizeof(in));
	in.text = text;
	in.meta_json = meta;
	in.refused = 1;
	in.tok_in = 100, in.tok_out = 5, in.tok_reasoning = -1;
	assert_int_equal(cache_get(c, k, &out), 0);
	cache_put(c, k, "fp", &in);
	/* Another connection (as another process would) sees it. */
	c2 = cache_open(dir, 0);
	assert_non_null(c2);
	assert_int_equal(cache_get(c2, k, &out), 1);
	assert_string_equal(out.text, "Yes, it is.");
	assert_string_equal(out.meta_json, "{\"model\":\"m\"}");
	assert_int_equal(out.refused, 1);
	assert_int_equal(out.cut_short, 0);
	assert_int_equal(out.tok_in, 100);
	assert_int_equal(out.tok_out, 5);
	assert_int_equal(out.tok_reasoning, -1);
	cache_entry_release(&out);
	assert_int_equal(cache_get(c2, other, &out), 0);
	cache_close(c2);
	cache_close(c);
	{
		struct cache_stats st;
		char err[VSR_ERR_MAX];
		long long n;
		assert_int_equal(cache_stats_read(dir, &st, err), 0);
		assert_int_equal(st.rows, 1);
		assert_int_equal(st.tok_in, 100);
		assert_int_equal(st.n_models, 1);
		assert_string_equal(st.models[0].model, "fp");
		cache_stats_release(&st);
		assert_int_equal(cache_delete_older(dir, 86400, &n, err), 0);
		assert_int_equal(n, 0); /* stored just now */
		assert_int_equal(cache_delete_older(dir, -1, &n, err), 0);
		assert_int_equal(n, 1);
	}
}

static void test_not_a_database(void **state)
{
	char p[128];
	FILE *fp;
	struct cache_stats st;
	char err[VSR_ERR_MAX];

	(void)state;
	snprintf(p, sizeof(p), "%s/" CACHE_FILE, dir);
	fp = fopen(p, "w");
	assert_non_null(fp);
	for (int i = 0; i < 300; i++)
		fputs("this is not an SQLite file\n", fp);
	fclose(fp);
	assert_null(cache_open(dir, 1));
	assert_null(cache_open(dir, 0));
	/* The cache subcommand says so, exit 3. */
	assert_int_equal(cache_stats_read(dir, &st, err), VSR_EDATA);
	assert_non_null(strstr(err, p));
	cache_stats_release(&st);
}

static void test_read_only_missing(void **state)
{
	char p[128];
	struct stat sb;

	(void)state;
	snprintf(p, sizeof(p), "%s/sub/" CACHE_FILE, dir);
	{
		char sub[128];
		snprintf(sub, sizeof(sub), "%s/sub", dir);
		assert_null(cache_open(sub, 0));
	}
	assert_int_not_equal(stat(p, &sb), 0); /* nothing created */
}

static void usage_case(const char *meta, int usage, long long in, long long out, long long re)
{
	struct task_result res;

	memset(&res, 0, sizeof(res));
	res.meta_json = (char *)(uintptr_t)meta;
	sched_usage_from_meta(&res);
	assert_int_equal(res.usage, usage);
	if (!usage)
		return;
	assert_int_equal(res.tok_in, in);
	assert_int_equal(res.tok_out, out);
	assert_int_equal(res.tok_reasoning, re);
}

static void test_usage_shapes(void **state)
{
	(void)state;
	/* OpenAI, vLLM: completion includes reasoning. */
	usage_case("{\"usage\":{\"prompt_tokens\":812,\"completion_tokens\":40,\"total_tokens\":852,"
		   "\"completion_tokens_details\":{\"reasoning_tokens\":31}}}", 1, 812, 40, 31);
	/* Anthropic: input + cache creation + cache read. */
	usage_case("{\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":200,"
		   "\"cache_read_input_tokens\":3000,\"output_tokens\":7}}", 1, 3210, 7, -1);
	/* Gemini: thoughts are billed as output, apart from the candidates. */
	usage_case("{\"usage\":{\"promptTokenCount\":258,\"candidatesTokenCount\":2,"
		   "\"thoughtsTokenCount\":90,\"totalTokenCount\":350}}", 1, 258, 92, 90);
	/* Ollama. */
	usage_case("{\"usage\":{\"prompt_eval_count\":30,\"eval_count\":4}}", 1, 30, 4, -1);
	/* None, or not a usage. */
	usage_case("{\"model\":\"m\"}", 0, 0, 0, 0);
	usage_case("{\"usage\":{\"foo\":1}}", 0, 0, 0, 0);
	usage_case("{\"usage\":7}", 0, 0, 0, 0);
	usage_case("not json \"usage\"", 0, 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_parts),
		cmocka_unit_test_setup_teardown(test_put_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_missing, setup, teardown),
		cmocka_unit_test(test_usage_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
