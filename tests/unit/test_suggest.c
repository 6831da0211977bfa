/* "Did you mean": edit distances by hand, and the typos of the journey issue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/suggest.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("", ""), 0);
	assert_int_equal(suggest_distance("abc", ""), 3);
	assert_int_equal(suggest_distance("kitten", "sitting"), 3); /* k->s, e->i, +g */
	assert_int_equal(suggest_distance("synt", "synth"), 1);
	assert_int_equal(suggest_distance("sed", "seed"), 1);
	assert_int_equal(suggest_distance("pool", "polo"), 1);      /* one transposition */
	assert_int_equal(suggest_distance("OpenAI", "openai"), 0);  /* case ignored */
	assert_int_equal(suggest_distance("ca", "abc"), 3);         /* OSA: no edit after a swap */
}

static void test_nearest(void **state)
{
	static const char *const suites[] = { "synth", "vsr-unified", "vsr-zeroshot-test",
					      "mme-position", "mmbench-spatial", "seed-spatial" };
	static const char *const cmds[] = { "run", "report", "compare", "merge", "list", "data", "score" };
	static const char *const models[] = { "builtin:geometry", "openai", "ollama", "anthropic",
					      "gemini", "exec" };
	static const char *const topics[] = { "suites", "templates", "models", "relations" };
	static const char *const opts[] = { "suite", "model", "seed", "data", "images", "limit" };
	(void)state;
	assert_string_equal(suggest_nearest("synt", suites, 6), "synth");
	assert_string_equal(suggest_nearest("vsr-unifed", suites, 6), "vsr-unified");
	assert_string_equal(suggest_nearest("mme-positon", suites, 6), "mme-position");
	assert_string_equal(suggest_nearest("reprot", cmds, 7), "report");
	assert_string_equal(suggest_nearest("opena", models, 6), "openai");
	assert_string_equal(suggest_nearest("suite", topics, 4), "suites");
	assert_string_equal(suggest_nearest("sed", opts, 6), "seed");
	/* Nothing close: no suggestion rather than a wrong one. */
	assert_null(suggest_nearest("xyzzy", suites, 6));
	assert_null(suggest_nearest("", cmds, 7));
	assert_null(suggest_nearest("ab", cmds, 7));
}

/* A list as messages print it: "a, b, c" (spaces optional). */
static void test_list(void **state)
{
	char out[32];
	(void)state;
	assert_string_equal(suggest_nearest_list("hflp", "instr, format, converse, hflip, blind", out,
						 sizeof(out)), "hflip");
	assert_string_equal(out, "hflip");
	assert_string_equal(suggest_nearest_list("cuont", "count,relations,size", out, sizeof(out)),
			    "count");
	assert_string_equal(suggest_nearest_list("stat", "stats, prune or clear", out, sizeof(out)),
			    "stats");
	/* nothing near: NULL and an empty out */
	assert_null(suggest_nearest_list("zzzz", "cmd, shell, image", out, sizeof(out)));
	assert_string_equal(out, "");
	assert_null(suggest_nearest_list("cmd", "", out, sizeof(out)));
	{
		char hint[64];
		assert_string_equal(suggest_hint("hflp", "instr, hflip", hint, sizeof(hint)),
				    "; did you mean 'hflip'?");
		assert_string_equal(suggest_hint("zzzz", "instr, hflip", hint, sizeof(hint)), "");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_nearest),
		cmocka_unit_test(test_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
