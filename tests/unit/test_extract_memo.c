/*
 * Unit tests for extract.c's memo: each thread remembers the short replies
 * it has read, keyed by every input the answer depends on.  The same reply
 * asked again with one input changed must be read afresh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "harness/extract.h"

static const char *const opt_yes_no[] = { "yes", "no" };
static const answer_t ans_yes_no[] = { ANS_YES, ANS_NO };
static const char *const opt_no_yes[] = { "no", "yes" };
static const answer_t ans_no_yes[] = { ANS_NO, ANS_YES };

/*
 * Each pair below differs in one part of the memo's key only, asked alternately
 * so that each ask follows the other's, three times over.  Expected answers
 * by hand.
 */
static void test_repeats(void **state)
{
	static const struct extract_opts none = { "", "" };
	static char long_reply[400];
	const struct {
		const char *text;
		const char *const *opts;
		const answer_t *means;
		size_t n;
		const struct extract_opts *tags;
		answer_t want;
	} asks[] = {
		{ "A", opt_yes_no, ans_yes_no, 2, NULL, ANS_YES }, /* what a letter means */
		{ "A", opt_no_yes, ans_no_yes, 2, NULL, ANS_NO },
		{ "yes", opt_no_yes, ans_no_yes, 2, NULL, ANS_YES }, /* "yes" names B: its meaning */
		{ "yes", opt_no_yes, ans_yes_no, 2, NULL, ANS_NO },
		{ "B", opt_no_yes, ans_yes_no, 2, NULL, ANS_NO }, /* options or none */
		{ "B", NULL, NULL, 0, NULL, ANS_INVALID },
		{ "B", opt_no_yes, NULL, 2, NULL, ANS_LETTER(1) }, /* no meanings: the letter */
		{ "<think>No.</think>Yes", NULL, NULL, 0, NULL, ANS_YES }, /* the think tags */
		{ "<think>No.</think>Yes", NULL, NULL, 0, &none, ANS_INVALID },
		{ long_reply, NULL, NULL, 0, NULL, ANS_YES }, /* too long for the memo */
	};

	(void)state;
	memset(long_reply, ' ', sizeof(long_reply));
	memcpy(long_reply + sizeof(long_reply) - 5, "Yes.", 5);
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++)
			assert_int_equal(extract_answer_ex(asks[i].text, asks[i].opts, asks[i].means,
							   asks[i].n, asks[i].tags, NULL),
					 asks[i].want);
}


/*
 * Two threads ask the same replies with the meanings swapped: each thread's
 * memo is its own, so neither ever sees the other's answer.
 */
static void *swapped(void *arg)
{
	const answer_t *means = *(const answer_t *const *)arg;
	long bad = 0;

	for (int i = 0; i < 20000; i++)
		bad += extract_answer_ex(i % 2 ? "A" : "B", opt_yes_no, means, 2, NULL, NULL) !=
		       (means[i % 2 ? 0 : 1]);
	return (void *)bad;
}

static void test_threads_apart(void **state)
{
	static const answer_t *ma = ans_yes_no, *mb = ans_no_yes;
	pthread_t a, b;
	void *ra, *rb;

	(void)state;
	assert_int_equal(pthread_create(&a, NULL, swapped, &ma), 0);
	assert_int_equal(pthread_create(&b, NULL, swapped, &mb), 0);
	assert_int_equal(pthread_join(a, &ra), 0);
	assert_int_equal(pthread_join(b, &rb), 0);
	assert_null(ra);
	assert_null(rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repeats),
		cmocka_unit_test(test_threads_apart),
	};

	assert_int_equal(extract_init(NULL), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
