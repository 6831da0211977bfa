/* judge: the options read back from a prompt, the judge prompt, the judge key (by hand). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "harness/judge.h"

static void test_options(void **state)
{
	char *t[26];
	size_t n;
	(void)state;
	/* mc01's shape: question, then the options, then the instruction. */
	n = judge_prompt_options("Where is the cat?\nA. left\nB.  right of the dog \nC. above\n"
				 "Answer with the option's letter.", t, 26);
	assert_int_equal(n, 3);
	assert_string_equal(t[0], "left");
	assert_string_equal(t[1], "right of the dog");
	assert_string_equal(t[2], "above");
	for (size_t k = 0; k < n; k++)
		free(t[k]);
	/* A hint with an "A." line first: the last run of options wins. */
	n = judge_prompt_options("A. hint line\nQ?\nA. one\nB. two", t, 26);
	assert_int_equal(n, 2);
	assert_string_equal(t[0], "one");
	assert_string_equal(t[1], "two");
	for (size_t k = 0; k < n; k++)
		free(t[k]);
	/* Out of order or none: nothing. */
	assert_int_equal(judge_prompt_options("B. two\nC. three", t, 26), 0);
	assert_int_equal(judge_prompt_options("Is the cat left of the dog?", t, 26), 0);
	/* Never more than max. */
	n = judge_prompt_options("A. a\nB. b\nC. c", t, 2);
	assert_int_equal(n, 2);
	free(t[0]);
	free(t[1]);
}

static void test_prompt(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	judge_prompt(&b, "Is it? Answer yes or no.", "Well, maybe yes.", 0);
	assert_non_null(strstr(b.ptr, "Question:\n<<<\nIs it? Answer yes or no.\n>>>"));
	assert_non_null(strstr(b.ptr, "Reply:\n<<<\nWell, maybe yes.\n>>>"));
	assert_non_null(strstr(b.ptr, "give: yes, no?"));
	assert_non_null(strstr(b.ptr, "write only: none"));
	buf_reset(&b);
	judge_prompt(&b, "Q", "R", 4);
	assert_non_null(strstr(b.ptr, "give: A, B, C, D? Write only that answer (the letter)."));
	buf_release(&b);
}

static void test_key(void **state)
{
	(void)state;
	/* Depends on the task and on the judge, never the same as the task's own key. */
	assert_true(judge_key(1, 2) != judge_key(1, 3));
	assert_true(judge_key(1, 2) != judge_key(2, 2));
	assert_true(judge_key(1, 2) == judge_key(1, 2));
	assert_true(judge_key(1, 2) != 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_prompt),
		cmocka_unit_test(test_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
