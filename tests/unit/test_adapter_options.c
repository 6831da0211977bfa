/*
 * include/vsrbench_adapter_options.h: reading the -M options an adapter's
 * open() receives.  Tables of cases; every expected value is written out
 * by hand (UTF-8 as \x bytes), none is computed by the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "include/vsrbench_adapter_options.h"

#define FOUND VSRBENCH_OPT_FOUND
#define ABSENT VSRBENCH_OPT_ABSENT
#define EJSON VSRBENCH_OPT_EJSON
#define ETOOLONG VSRBENCH_OPT_ETOOLONG
#define EUNKNOWN VSRBENCH_OPT_EUNKNOWN

struct get_case {
	const char *json, *key;
	int rc;
	const char *value; /* what out holds afterwards */
};

static const struct get_case get_cases[] = {
	/* shapes and blanks */
	{ "{\"seed\":\"7\"}", "seed", FOUND, "7" },
	{ "{\"seed\":\"7\"}", "model", ABSENT, "" },
	{ NULL, "seed", ABSENT, "" },
	{ "{}", "seed", ABSENT, "" },
	{ " \t\r\n{ \n } \n", "seed", ABSENT, "" },
	{ "{\"a\":\"1\",\"b\":\"2\"}", "b", FOUND, "2" },
	{ " { \"a\" : \"x y\" ,\n\t\"b\":\"\" } ", "a", FOUND, "x y" },
	{ " { \"a\" : \"x y\" ,\n\t\"b\":\"\" } ", "b", FOUND, "" },
	{ "{\"\":\"empty key\"}", "", FOUND, "empty key" },
	/* keys: whole, case-sensitive, decoded; the last of two wins */
	{ "{\"seeds\":\"1\"}", "seed", ABSENT, "" },
	{ "{\"see\":\"1\"}", "seed", ABSENT, "" },
	{ "{\"Seed\":\"1\"}", "seed", ABSENT, "" },
	{ "{\"se\\u0065d\":\"9\"}", "seed", FOUND, "9" },
	{ "{\"a\":\"1\",\"a\":\"2\"}", "a", FOUND, "2" },
	{ "{\"a\\/b\":\"v\"}", "a/b", FOUND, "v" },
	/* the short escapes */
	{ "{\"k\":\"q\\\"b\\\\s\\/n\\bf\\fn\\nr\\rt\\t\"}", "k", FOUND,
	  "q\"b\\s/n\bf\fn\nr\rt\t" },
	/* \u: one, two and three UTF-8 bytes, a surrogate pair four */
	{ "{\"k\":\"\\u0041\"}", "k", FOUND, "A" },
	{ "{\"k\":\"\\u007f\"}", "k", FOUND, "\x7f" },
	{ "{\"k\":\"\\u0080\"}", "k", FOUND, "\xc2\x80" },
	{ "{\"k\":\"\\u00e9t\\u00E9\"}", "k", FOUND, "\xc3\xa9t\xc3\xa9" },
	{ "{\"k\":\"\\u07FF\"}", "k", FOUND, "\xdf\xbf" },
	{ "{\"k\":\"\\u0800\"}", "k", FOUND, "\xe0\xa0\x80" },
	{ "{\"k\":\"\\u20AC\"}", "k", FOUND, "\xe2\x82\xac" },
	{ "{\"k\":\"\\uFFFF\"}", "k", FOUND, "\xef\xbf\xbf" },
	{ "{\"k\":\"\\ud83d\\ude00\"}", "k", FOUND, "\xf0\x9f\x98\x80" },
	{ "{\"k\":\"\\uD834\\uDD1E\"}", "k", FOUND, "\xf0\x9d\x84\x9e" },
	{ "{\"k\":\"\\ud800\\udc00\"}", "k", FOUND, "\xf0\x90\x80\x80" },
	{ "{\"k\":\"\\udbff\\udfff\"}", "k", FOUND, "\xf4\x8f\xbf\xbf" },
	/* raw bytes above 0x7f and DEL pass as they are */
	{ "{\"k\":\"\xc3\xa9t\xc3\xa9\x7f\"}", "k", FOUND, "\xc3\xa9t\xc3\xa9\x7f" },
	/* malformed: the whole object is checked, whatever the key */
	{ "", "k", EJSON, "" },
	{ "[]", "k", EJSON, "" },
	{ "\"k\"", "k", EJSON, "" },
	{ "{", "k", EJSON, "" },
	{ "{\"k\"}", "k", EJSON, "" },
	{ "{\"k\" \"v\"}", "k", EJSON, "" },
	{ "{k:\"v\"}", "k", EJSON, "" },
	{ "{\"k\":1}", "k", EJSON, "" },
	{ "{\"k\":null}", "k", EJSON, "" },
	{ "{\"k\":{\"a\":\"b\"}}", "k", EJSON, "" },
	{ "{\"k\":[\"v\"]}", "k", EJSON, "" },
	{ "{,}", "k", EJSON, "" },
	{ "{\"k\":\"v\",}", "k", EJSON, "" },
	{ "{\"k\":\"v\" \"a\":\"b\"}", "k", EJSON, "" },
	{ "{\"k\":\"v\"} x", "k", EJSON, "" },
	{ "{\"k\":\"v\"}{}", "k", EJSON, "" },
	{ "{\"k\":\"v\",", "k", EJSON, "" },
	{ "{\"k\":\"v", "k", EJSON, "" },
	{ "{\"k\":\"v\\", "k", EJSON, "" },
	{ "{\"k\":\"a\nb\"}", "k", EJSON, "" },
	{ "{\"k\":\"a\tb\"}", "k", EJSON, "" },
	{ "{\"k\":\"\\q\"}", "k", EJSON, "" },
	{ "{\"k\":\"\\x41\"}", "k", EJSON, "" },
	{ "{\"k\":\"\\u12\"}", "k", EJSON, "" },
	{ "{\"k\":\"\\u12G4\"}", "k", EJSON, "" },
	{ "{\"k\":\"\\u0000\"}", "k", EJSON, "" },
	{ "{\"k\":\"\\ud83d\"}", "k", EJSON, "" },
	{ "{\"k\":\"\\ud83dx\"}", "k", EJSON, "" },
	{ "{\"k\":\"\\ud83d\\u0041\"}", "k", EJSON, "" },
	{ "{\"k\":\"\\ud83d\\ud83d\"}", "k", EJSON, "" },
	{ "{\"k\":\"\\ude00\"}", "k", EJSON, "" },
	{ "{\"k\":\"\\ude00\\ud83d\"}", "k", EJSON, "" },
	{ "{\"\\u0000\":\"v\"}", "k", EJSON, "" },
};

static void test_get_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(get_cases) / sizeof(get_cases[0]); i++) {
		const struct get_case *c = &get_cases[i];
		char out[64];
		int rc;

		memset(out, 'X', sizeof(out));
		rc = vsrbench_opt_get(c->json, c->key, out, sizeof(out));
		if (rc != c->rc || strcmp(out, c->value))
			fail_msg("case %zu (%s, key %s): got %d \"%s\", want %d \"%s\"", i,
				 c->json ? c->json : "NULL", c->key, rc, out, c->rc, c->value);
	}
}

/* The value and its NUL must fit; a multi-byte character is never cut. */
static void test_get_too_long(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(vsrbench_opt_get("{\"k\":\"abcd\"}", "k", out, 5), FOUND);
	assert_string_equal(out, "abcd");
	memset(out, 'X', sizeof(out));
	assert_int_equal(vsrbench_opt_get("{\"k\":\"abcd\"}", "k", out, 4), ETOOLONG);
	assert_string_equal(out, "");
	assert_int_equal(vsrbench_opt_get("{\"k\":\"\"}", "k", out, 1), FOUND);
	assert_string_equal(out, "");
	assert_int_equal(vsrbench_opt_get("{\"k\":\"\\u20ac\"}", "k", out, 4), FOUND);
	assert_string_equal(out, "\xe2\x82\xac");
	memset(out, 'X', sizeof(out));
	assert_int_equal(vsrbench_opt_get("{\"k\":\"\\u20ac\"}", "k", out, 3), ETOOLONG);
	assert_string_equal(out, "");
	/* A missing key still says ABSENT, a malformed object EJSON. */
	assert_int_equal(vsrbench_opt_get("{\"k\":\"abcd\"}", "x", out, 1), ABSENT);
	assert_int_equal(vsrbench_opt_get("{\"k\":\"abcd\"", "k", out, 1), EJSON);
}

/* out NULL, outlen 0: only whether the key is there. */
static void test_get_presence_only(void **state)
{
	(void)state;
	assert_int_equal(vsrbench_opt_get("{\"k\":\"a long value\"}", "k", NULL, 0), FOUND);
	assert_int_equal(vsrbench_opt_get("{\"k\":\"v\"}", "x", NULL, 0), ABSENT);
	assert_int_equal(vsrbench_opt_get("{\"k\":1}", "k", NULL, 0), EJSON);
}

struct known_case {
	const char *json;
	const char *const *known;
	int rc;
	const char *err;
};

static const char *const seed_model[] = { "seed", "model", NULL };
static const char *const seed_only[] = { "seed", NULL };
static const char *const none[] = { NULL };

static const struct known_case known_cases[] = {
	{ "{\"seed\":\"1\",\"model\":\"x\"}", seed_model, 0, "" },
	{ "{\"model\":\"x\"}", seed_model, 0, "" },
	{ "{}", NULL, 0, "" },
	{ "{}", none, 0, "" },
	{ NULL, none, 0, "" },
	{ "{\"se\\u0065d\":\"1\"}", seed_only, 0, "" },
	{ "{\"colour\":\"blue\"}", seed_only, EUNKNOWN, "unknown option \"colour\"" },
	{ "{\"seed\":\"1\",\"a\":\"1\",\"b\":\"2\"}", seed_only, EUNKNOWN, "unknown option \"a\"" },
	{ "{\"seed\":\"1\"}", NULL, EUNKNOWN, "unknown option \"seed\"" },
	{ "{\"seed\":\"1\"}", none, EUNKNOWN, "unknown option \"seed\"" },
	{ "{\"Seed\":\"1\"}", seed_only, EUNKNOWN, "unknown option \"Seed\"" },
	{ "{\"\":\"1\"}", seed_only, EUNKNOWN, "unknown option \"\"" },
	/* decoded; control characters shown as '?' so the message stays one line */
	{ "{\"a\\nb\\u007f\":\"1\"}", none, EUNKNOWN, "unknown option \"a?b?\"" },
	{ "{\"\\u00e9t\\u00e9\":\"1\"}", none, EUNKNOWN, "unknown option \"\xc3\xa9t\xc3\xa9\"" },
	{ "{\"q\\\"uote\":\"1\"}", none, EUNKNOWN, "unknown option \"q\"uote\"" },
	/* malformed beats unknown: the whole object is checked first */
	{ "{\"x\":\"1\",", seed_only, EJSON, "the configuration is not a JSON object of strings" },
	{ "{\"seed\":7}", seed_only, EJSON, "the configuration is not a JSON object of strings" },
	{ "", seed_only, EJSON, "the configuration is not a JSON object of strings" },
};

static void test_check_known_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(known_cases) / sizeof(known_cases[0]); i++) {
		const struct known_case *c = &known_cases[i];
		char err[256];
		int rc;

		memset(err, 'X', sizeof(err));
		rc = vsrbench_opt_check_known(c->json, c->known, err, sizeof(err));
		if (rc != c->rc || strcmp(err, c->err))
			fail_msg("case %zu (%s): got %d \"%s\", want %d \"%s\"", i,
				 c->json ? c->json : "NULL", rc, err, c->rc, c->err);
	}
}

/* A small err buffer: the key is cut at a whole character, the quote kept. */
static void test_check_known_small_err(void **state)
{
	char err[32];

	(void)state;
	/* 16 bytes of 'unknown option "', room for 2 of the key, the quote, the NUL */
	memset(err, 'X', sizeof(err));
	assert_int_equal(vsrbench_opt_check_known("{\"abcdefgh\":\"1\"}", NULL, err, 20), EUNKNOWN);
	assert_string_equal(err, "unknown option \"ab\"");
	/* a two-byte character that does not fit is left out whole */
	memset(err, 'X', sizeof(err));
	assert_int_equal(vsrbench_opt_check_known("{\"\\u00e9\\u00e9\":\"1\"}", NULL, err, 20),
			 EUNKNOWN);
	assert_string_equal(err, "unknown option \"\xc3\xa9\"");
	memset(err, 'X', sizeof(err));
	assert_int_equal(vsrbench_opt_check_known("{\"abc\":\"1\"}", NULL, err, 5), EUNKNOWN);
	assert_string_equal(err, "unkn");
	memset(err, 'X', sizeof(err));
	assert_int_equal(vsrbench_opt_check_known("{\"abc\":\"1\"}", NULL, err, 1), EUNKNOWN);
	assert_string_equal(err, "");
	assert_int_equal(vsrbench_opt_check_known("{\"abc\":\"1\"}", NULL, NULL, 0), EUNKNOWN);
	assert_int_equal(vsrbench_opt_check_known("{\"abc\":1}", NULL, NULL, 0), EJSON);
	assert_int_equal(vsrbench_opt_check_known("{}", NULL, NULL, 0), 0);
}

/* What vsrbench itself sends (adapters/loader.c: model_config_json, cJSON). */
static void test_host_config(void **state)
{
	static const char *const known[] = { "base_url", "model", "prompt", NULL };
	const char *cfg = "{\"base_url\":\"http://127.0.0.1:8000/v1\",\"model\":\"Qwen/Qwen2-VL\","
			  "\"prompt\":\"Say \\\"yes\\\"\\nor no \\u00e9\"}";
	char out[64];

	(void)state;
	assert_int_equal(vsrbench_opt_check_known(cfg, known, out, sizeof(out)), 0);
	assert_int_equal(vsrbench_opt_get(cfg, "base_url", out, sizeof(out)), FOUND);
	assert_string_equal(out, "http://127.0.0.1:8000/v1");
	assert_int_equal(vsrbench_opt_get(cfg, "model", out, sizeof(out)), FOUND);
	assert_string_equal(out, "Qwen/Qwen2-VL");
	assert_int_equal(vsrbench_opt_get(cfg, "prompt", out, sizeof(out)), FOUND);
	assert_string_equal(out, "Say \"yes\"\nor no \xc3\xa9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_table),
		cmocka_unit_test(test_get_too_long),
		cmocka_unit_test(test_get_presence_only),
		cmocka_unit_test(test_check_known_table),
		cmocka_unit_test(test_check_known_small_err),
		cmocka_unit_test(test_host_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
