/*
 * Number parsing: base/util.c's strict parse_long and parse_double, and the
 * options built on them as a user types them: synth's -S count/size/
 * distractors, and -M numbers of the HTTP adapters (remote.c) and of exec.
 * Boundaries, garbage, overflow; the expected values are the documented
 * ranges (synth.h, the adapters' messages), written out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "adapters/loader.h"
#include "base/util.h"
#include "suites/suite.h"

static void test_parse_long(void **state)
{
	static const char *const bad[] = {
		"",	"-",	     "+",    " 5",   "5 ",   "\t5",	"5\n",	"5x",  "x5",
		"0x10", "1e3",	     "1.0",  "1,000", "--5", "+-5",	"\xd9\xa3" /* an Arabic-Indic 3 */,	"5 5", "0b1",
	};
	long v;

	(void)state;
	/* In range, at both ends. */
	assert_int_equal(parse_long("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_long("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(parse_long("-10", -10, 10, &v), 0);
	assert_int_equal(v, -10);
	assert_int_equal(parse_long("-0", 0, 0, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_long("007", 0, 10, &v), 0); /* decimal, not octal */
	assert_int_equal(v, 7);
	assert_int_equal(parse_long("+5", 0, 10, &v), 0); /* strtol's sign */
	assert_int_equal(v, 5);
	/* Just outside: the value is left alone. */
	v = 42;
	assert_int_equal(parse_long("11", 0, 10, &v), -1);
	assert_int_equal(parse_long("-1", 0, 10, &v), -1);
	assert_int_equal(parse_long("-11", -10, 10, &v), -1);
	assert_int_equal(v, 42);
	/* Garbage. */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_long(bad[i], LONG_MIN, LONG_MAX, &v) != -1)
			fail_msg("'%s' was taken as %ld", bad[i], v);
	assert_int_equal(parse_long(NULL, 0, 10, &v), -1);
	assert_int_equal(v, 42);
	/* The ends of long, and one past them (overflow, not wrap-around). */
	assert_int_equal(parse_long("9223372036854775807", 0, LONG_MAX, &v), 0);
	assert_true(v == LONG_MAX);
	assert_int_equal(parse_long("-9223372036854775808", LONG_MIN, 0, &v), 0);
	assert_true(v == LONG_MIN);
	v = 42;
	assert_int_equal(parse_long("9223372036854775808", 0, LONG_MAX, &v), -1);
	assert_int_equal(parse_long("-9223372036854775809", LONG_MIN, 0, &v), -1);
	assert_int_equal(parse_long("99999999999999999999999", LONG_MIN, LONG_MAX, &v), -1);
	assert_int_equal(v, 42);
}

static void test_parse_double(void **state)
{
	static const char *const bad[] = {
		"",	 "-",	" 1",  "1 ",  "1\n", "1,5",  "1.5.2", "e5",	  "1e", "abc",
		"nan",	 "NaN", "inf", "-inf", "infinity", "1e309", "-1e309", "1.5x", ".", "--1",
	};
	double v;

	(void)state;
	assert_int_equal(parse_double("0", &v), 0);
	assert_true(v == 0.0);
	assert_int_equal(parse_double("-2.5", &v), 0);
	assert_true(v == -2.5);
	assert_int_equal(parse_double(".5", &v), 0);
	assert_true(v == 0.5);
	assert_int_equal(parse_double("5.", &v), 0);
	assert_true(v == 5.0);
	assert_int_equal(parse_double("1e3", &v), 0);
	assert_true(v == 1000.0);
	assert_int_equal(parse_double("1.7976931348623157e308", &v), 0); /* DBL_MAX */
	assert_true(isfinite(v) && v > 1e308);
	v = 42;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_double(bad[i], &v) != -1)
			fail_msg("'%s' was taken as %g", bad[i], v);
	assert_int_equal(parse_double(NULL, &v), -1);
	assert_true(v == 42);
}

/* synth's -S numbers: count 1..10000000, size 64..2048, distractors 0..2 (synth.h). */
static int open_synth(const char *key, const char *value, char *err)
{
	struct suite s;
	struct suite_config cfg;
	struct kv o = { key, value };
	int r;

	memset(&cfg, 0, sizeof(cfg));
	cfg.opts = &o;
	cfg.n_opts = 1;
	r = suite_open(&s, "synth", &cfg, err);
	if (!r)
		suite_close(&s);
	return r;
}

static void test_synth_options(void **state)
{
	static const struct {
		const char *key, *value;
		int ok;
	} cases[] = {
		{ "count", "1", 1 },	     { "count", "10000000", 1 }, { "count", "0", 0 },
		{ "count", "10000001", 0 },  { "count", "-1", 0 },	 { "count", "", 0 },
		{ "count", " 5", 0 },	     { "count", "5 ", 0 },	 { "count", "5k", 0 },
		{ "count", "1e3", 0 },	     { "count", "18446744073709551617", 0 },
		{ "size", "64", 1 },	     { "size", "2048", 1 },	 { "size", "63", 0 },
		{ "size", "2049", 0 },	     { "size", "256.0", 0 },	 { "distractors", "0", 1 },
		{ "distractors", "2", 1 },   { "distractors", "3", 0 },	 { "distractors", "-0", 1 },
		{ "distractors", "two", 0 },
	};
	char err[VSR_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = open_synth(cases[i].key, cases[i].value, err);
		if (cases[i].ok && r)
			fail_msg("%s=%s refused: %s", cases[i].key, cases[i].value, err);
		if (!cases[i].ok && r != VSR_EUSAGE)
			fail_msg("%s=%s: %d, want a usage error", cases[i].key, cases[i].value, r);
	}
	assert_int_equal(open_synth("count", "0", err), VSR_EUSAGE);
	assert_string_equal(err, "synth: option count=0: expected an integer from 1 to 10000000");
	assert_int_equal(open_synth("size", "4096", err), VSR_EUSAGE);
	assert_string_equal(err, "synth: option size=4096: expected an integer from 64 to 2048");
}

/* -M numbers: refused at open, with the option and the range in the message. */
static void expect_model_error(const char *spec, const char *json, const char *want)
{
	struct model m;
	char err[VSR_ERR_MAX];
	int r;

	memset(&m, 0, sizeof(m));
	r = model_open(&m, spec, json, err);
	if (!r) {
		model_close(&m);
		fail_msg("%s %s: opened, want '%s'", spec, json, want);
	}
	assert_int_equal(r, VSR_EUSAGE);
	if (!strstr(err, want))
		fail_msg("%s %s: '%s', want '%s'", spec, json, err, want);
}

static void expect_model_ok(const char *spec, const char *json)
{
	struct model m;
	char err[VSR_ERR_MAX];

	memset(&m, 0, sizeof(m));
	if (model_open(&m, spec, json, err))
		fail_msg("%s %s: %s", spec, json, err);
	model_close(&m);
}

#define OPENAI(k, v) "{\"base_url\":\"http://127.0.0.1:9/v1\",\"model\":\"m\",\"" k "\":\"" v "\"}"
#define EXEC(k, v) "{\"cmd\":\"true\",\"" k "\":\"" v "\"}"

static void test_model_options(void **state)
{
	(void)state;
	/* HTTP: timeout 0.001..86400 seconds, retries 0..100. */
	expect_model_ok("openai", OPENAI("timeout", "0.001"));
	expect_model_ok("openai", OPENAI("timeout", "86400"));
	expect_model_ok("openai", OPENAI("retries", "0"));
	expect_model_ok("openai", OPENAI("retries", "100"));
	expect_model_error("openai", OPENAI("timeout", "0"),
			   "-M timeout=0: expected a number from 0.001 to 86400");
	expect_model_error("openai", OPENAI("timeout", "86400.5"),
			   "-M timeout=86400.5: expected a number from 0.001 to 86400");
	expect_model_error("openai", OPENAI("timeout", "abc"),
			   "-M timeout=abc: expected a number from 0.001 to 86400");
	expect_model_error("openai", OPENAI("timeout", "1e999"),
			   "-M timeout=1e999: expected a number from 0.001 to 86400");
	expect_model_error("openai", OPENAI("timeout", "nan"),
			   "-M timeout=nan: expected a number from 0.001 to 86400");
	expect_model_error("openai", OPENAI("timeout", " 5"),
			   "-M timeout= 5: expected a number from 0.001 to 86400");
	expect_model_error("openai", OPENAI("retries", "101"),
			   "-M retries=101: expected a number from 0 to 100");
	expect_model_error("openai", OPENAI("retries", "-1"),
			   "-M retries=-1: expected a number from 0 to 100");
	/* exec: procs 1..64, timeout > 0 seconds, retries 0..100 integers. */
	expect_model_error("exec", EXEC("procs", "0"), "-M procs=0: expected 1..64");
	expect_model_error("exec", EXEC("procs", "65"), "-M procs=65: expected 1..64");
	expect_model_error("exec", EXEC("procs", "2.5"), "-M procs=2.5: expected 1..64");
	expect_model_error("exec", EXEC("procs", "99999999999999999999"),
			   "-M procs=99999999999999999999: expected 1..64");
	expect_model_error("exec", EXEC("timeout", "0"), "-M timeout=0: expected seconds > 0");
	expect_model_error("exec", EXEC("timeout", "-1"), "-M timeout=-1: expected seconds > 0");
	expect_model_error("exec", EXEC("timeout", "5s"), "-M timeout=5s: expected seconds > 0");
	expect_model_error("exec", EXEC("retries", "101"), "-M retries=101: expected 0..100");
	expect_model_error("exec", EXEC("retries", "3x"), "-M retries=3x: expected 0..100");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_parse_double),
		cmocka_unit_test(test_synth_options),
		cmocka_unit_test(test_model_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
