/* base/redact: the key and every 8-byte run of it masked; expected strings by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/redact.h"

static void check(const char *in, const char *want, size_t want_n)
{
	char s[256];

	strcpy(s, in); /* test code: banned.h is not included here */
	assert_int_equal(redact_apply(s, strlen(s)), want_n);
	assert_string_equal(s, want);
}

static void test_runs(void **state)
{
	(void)state;
	redact_clear();
	check("sk-abcdefghij0123", "sk-abcdefghij0123", 0); /* nothing registered */
	redact_add_secret("sk-abcdefghij0123");             /* 17 bytes */
	assert_true(redact_active());
	check("key sk-abcdefghij0123 end", "key ***************** end", 17);
	/* The key minus its last byte, and a run from its middle. */
	check("[sk-abcdefghij012]", "[****************]", 16);
	check("x cdefghij01 y", "x ********** y", 10);
	/* 7 bytes of it are not a run worth masking; 8 are. */
	check("abcdefg", "abcdefg", 0);
	check("abcdefgh", "********", 8);
	/* Twice, overlapping windows, at both ends. */
	check("sk-abcdefghij0123sk-abcdefgh", "****************************", 28);
	check("", "", 0);
	redact_clear();
	assert_false(redact_active());
}

/* The key echoed escaped (issue 18, finding 6): every escape of it masked whole. */
static void test_escaped(void **state)
{
	(void)state;
	redact_clear();
	redact_add_secret("sk-ab/cd+efgh/0123");
	/* JSON's \/ (and \\/ : that string inside another JSON string). */
	check("k sk-ab\\/cd+efgh\\/0123 e", "k ******************** e", 20);
	check("sk-ab\\\\/cd+efgh", "***************", 15);
	/* \u00XX for any byte; 8 bytes of the key written so are a run too. */
	check("\\u0073\\u006b-ab/cd+e!", "********************!", 20);
	check("x \\u0063\\u0064+efgh/0 y", "x ******************* y", 19);
	/* Percent-encoded, once or twice, any case. */
	check("q=sk-ab%2Fcd%2befgh%2F0123&", "q=************************&", 24);
	check("sk-ab%252Fcd+e", "**************", 14);
	/* Escapes that spell nothing of the key stay. */
	check("a\\/b %41 \\u0041 \\\\n", "a\\/b %41 \\u0041 \\\\n", 0);
	/* Cut escapes at the end are bytes like any other. */
	check("cd+efgh/0%2", "*********%2", 9);
	check("cd+efgh/\\u00", "********\\u00", 8);
	redact_clear();
}

static void test_short_secret(void **state)
{
	(void)state;
	redact_clear();
	redact_add_secret("abc"); /* under 4 bytes: ignored */
	assert_false(redact_active());
	redact_add_secret("k3y5x"); /* under 8: whole occurrences only */
	check("a k3y5x b k3y5 c", "a ***** b k3y5 c", 5);
	redact_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_escaped),
		cmocka_unit_test(test_short_secret),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
