/*
 * Wilson score interval against published values: Newcombe (1998), "Two-sided
 * confidence intervals for the single proportion: comparison of seven
 * methods", Statistics in Medicine 17:857-872, Table II, method 3 (score
 * interval without continuity correction), z = 1.96.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "metrics/metrics.h"
#include "metrics/stats.h"

static void check(size_t k, size_t n, double lo_want, double hi_want)
{
	double lo, hi;

	wilson_interval(k, n, 1.96, &lo, &hi);
	if (fabs(lo - lo_want) > 0.00006 || fabs(hi - hi_want) > 0.00006)
		fail_msg("wilson(%zu/%zu) = [%.5f, %.5f], want [%.4f, %.4f]", k, n, lo, hi,
			 lo_want, hi_want);
}

static void test_newcombe_examples(void **state)
{
	(void)state;
	check(81, 263, 0.2553, 0.3662);
	check(15, 148, 0.0624, 0.1605);
	check(0, 20, 0.0000, 0.1611);
	check(1, 29, 0.0061, 0.1718);
}

static void test_edges(void **state)
{
	double lo, hi;

	(void)state;
	wilson_interval(0, 0, 1.96, &lo, &hi);
	assert_true(lo == 0.0 && hi == 1.0);
	wilson_interval(20, 20, 1.96, &lo, &hi);
	/* Mirror of 0/20: [1 - 0.1611, 1]. */
	assert_true(fabs(lo - (1 - 0.1611)) < 0.00006);
	assert_true(hi == 1.0);
	/* Symmetric around 1/2 for k = n/2. */
	wilson_interval(50, 100, 1.96, &lo, &hi);
	assert_true(fabs((lo + hi) / 2 - 0.5) < 1e-12);
}

static void test_acc_add(void **state)
{
	struct acc a = { 0 };

	(void)state;
	/* label yes, answered yes: right */
	acc_add(&a, 1, 1, 1, 1, 2.0);
	/* label no, answered yes: wrong */
	acc_add(&a, 0, 1, 1, 0, 2.0);
	/* label no, unparseable: wrong, not answered */
	acc_add(&a, 0, 0, 0, 0, 2.0);
	assert_int_equal(a.tasks, 3);
	assert_int_equal(a.answered, 2);
	assert_int_equal(a.correct, 1);
	assert_int_equal(a.yes, 2);
	assert_int_equal(a.pos, 1);
	assert_int_equal(a.pos_correct, 1);
	assert_int_equal(a.neg, 2);
	assert_int_equal(a.neg_correct, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_newcombe_examples),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_acc_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
