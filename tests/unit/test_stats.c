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

/* Student's t 97.5% quantiles: the printed tables (e.g. Fisher and Yates), to 4 decimals. */
static void test_t_quantile(void **state)
{
	static const struct { double df, t; } tab[] = {
		{ 1, 12.7062 }, { 2, 4.3027 }, { 3, 3.1824 }, { 5, 2.5706 },
		{ 10, 2.2281 }, { 30, 2.0423 }, { 120, 1.9799 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		double t = t_quantile(0.975, tab[i].df);
		if (fabs(t - tab[i].t) > 0.00006)
			fail_msg("t(0.975, %g) = %.6f, want %.4f", tab[i].df, t, tab[i].t);
		assert_true(fabs(t_quantile(0.025, tab[i].df) + t) < 1e-9);
	}
	/* Towards the normal's 1.959964 as df grows. */
	assert_true(fabs(t_quantile(0.975, 1e7) - 1.959964) < 1e-5);
}

/* Clusters given as (tasks, right) pairs. */
static void clustered_of(const unsigned (*cl)[2], size_t c, double *lo, double *hi, double *eff)
{
	struct clustered s = { 0 };

	for (size_t i = 0; i < c; i++)
		clustered_add(&s, cl[i][1], cl[i][0]);
	clustered_wilson(&s, Z95, lo, hi, eff);
}

/*
 * Expected values by an independent evaluation of docs/report-json.md's
 * definition in Python with mpmath (30 digits; its own incomplete beta for
 * the t quantiles):
 *   eff = n; if 0 < p < 1: S = sum (k_i - p n_i)^2,
 *   v_cl = c/(c-1) S / n^2, v_b = p (1-p) / (n-1), eff = n v_b / v_cl if v_cl > v_b;
 *   eff *= (t_{n-1} / t_{c-1})^2 at 0.975; Wilson's interval of p at eff.
 */
static void test_clustered_wilson(void **state)
{
	static const unsigned three[3][2] = { { 36, 36 }, { 36, 36 }, { 36, 36 } };
	static const unsigned six[6][2] = { { 4, 4 }, { 4, 0 }, { 4, 4 }, { 4, 0 }, { 4, 2 }, { 4, 2 } };
	static const unsigned even[4][2] = { { 2, 1 }, { 2, 1 }, { 2, 1 }, { 2, 1 } };
	static const unsigned uneven[5][2] = { { 1, 1 }, { 3, 2 }, { 5, 1 }, { 2, 2 }, { 6, 6 } };
	static const unsigned one[1][2] = { { 36, 30 } };
	unsigned single[20][2];
	double lo, hi, eff, wlo, whi;

	(void)state;
	/* 3 images, 36 templates, all right: 22.926 tasks, [0.856487, 1] (not [0.966, 1]). */
	clustered_of(three, 3, &lo, &hi, &eff);
	assert_true(fabs(eff - 22.925903) < 1e-5);
	assert_true(fabs(lo - 0.856487) < 1e-6 && hi == 1.0);
	/* Answers that go with the image: design effect 3.07, then t_23 / t_5. */
	clustered_of(six, 6, &lo, &hi, &eff);
	assert_true(fabs(eff - 5.068262) < 1e-5);
	assert_true(fabs(lo - 0.171689) < 1e-6 && fabs(hi - 0.828311) < 1e-6);
	/* Each image half right: no design effect (capped at 1), t_7 / t_3 alone. */
	clustered_of(even, 4, &lo, &hi, &eff);
	assert_true(fabs(eff - 4.416641) < 1e-5);
	assert_true(fabs(lo - 0.158981) < 1e-6 && fabs(hi - 0.841019) < 1e-6);
	/* Images of unequal sizes. */
	clustered_of(uneven, 5, &lo, &hi, &eff);
	assert_true(fabs(eff - 2.985602) < 1e-5);
	assert_true(fabs(lo - 0.229149) < 1e-6 && fabs(hi - 0.950924) < 1e-6);
	/* One image: nothing about the others. */
	clustered_of(one, 1, &lo, &hi, &eff);
	assert_true(lo == 0.0 && hi == 1.0);
	/* One task per image: Wilson's interval over the tasks, exactly. */
	for (size_t i = 0; i < 20; i++) {
		single[i][0] = 1;
		single[i][1] = i < 17;
	}
	clustered_of((const unsigned (*)[2])single, 20, &lo, &hi, &eff);
	wilson_interval(17, 20, Z95, &wlo, &whi);
	assert_true(lo == wlo && hi == whi && eff == 20.0);
	/* Nothing: [0, 1]. */
	clustered_of(one, 0, &lo, &hi, &eff);
	assert_true(lo == 0.0 && hi == 1.0 && eff == 0.0);
}

/* Between the integers the binomial tail is the incomplete beta's; at them it is binom_cdf. */
static void test_binom_cdf_real(void **state)
{
	(void)state;
	for (size_t n = 1; n < 40; n += 7)
		for (size_t k = 0; k <= n; k++) {
			double a = binom_cdf(k, n, 0.3), b = binom_cdf_real((double)k, (double)n, 0.3);
			if (fabs(a - b) > 1e-12 * fmax(1e-300, a) + 1e-300)
				fail_msg("binom_cdf_real(%zu, %zu) = %.15g, binom_cdf %.15g", k, n, b, a);
		}
	/* Rising in k between the whole numbers. */
	assert_true(binom_cdf_real(4.0, 10.5, 0.5) < binom_cdf_real(4.5, 10.5, 0.5));
	assert_true(binom_cdf_real(4.5, 10.5, 0.5) < binom_cdf_real(5.0, 10.5, 0.5));
}

/*
 * The upper tail the same way: binom_sf at whole numbers; between them
 * I_p(k, n - k + 1), here I_{0.2}(7.5, 18.5) = 0.157786879838 for 7.5 of 25
 * (Simpson's rule over t^6.5 (1 - t)^17.5 on [0, 0.2], 4e5 steps, in
 * Python).
 */
static void test_binom_sf_real(void **state)
{
	(void)state;
	for (size_t n = 1; n < 40; n += 7)
		for (size_t k = 0; k <= n + 1; k++) {
			double a = binom_sf(k, n, 0.3), b = binom_sf_real((double)k, (double)n, 0.3);
			if (fabs(a - b) > 1e-12 * fmax(1e-300, a) + 1e-300)
				fail_msg("binom_sf_real(%zu, %zu) = %.15g, binom_sf %.15g", k, n, b, a);
		}
	assert_true(fabs(binom_sf_real(7.5, 25.0, 0.2) - 0.157786879838) < 1e-10);
	assert_true(binom_sf_real(-1.0, 25.0, 0.2) == 1.0);
	assert_true(binom_sf_real(25.5, 25.0, 0.2) == 0.0);
}

/*
 * McNemar by cluster, by hand: 3 images of 36 pairs, every one right ->
 * wrong: sum d^2 = 3 x 36^2 against b + c = 108, r = 36, so 3 of 3 effective
 * pairs: p = 2 / 2^3 = 0.25 (the exact test over 108 independent pairs:
 * 2 / 2^108).  Unequal images (d = 10, 2, -1; b = 12, c = 1): r = 105 / 13,
 * the exact test at c / r = 13/105 of n / r = 169/105 pairs: 2 I_{1/2}(n/r -
 * c/r, c/r + 1) = 2 I_{1/2}(156/105, 118/105) = 0.792107 (mpmath's betainc).
 * One pair per image (sum d^2 = b + c): the exact test, 2 (1 + 12 + 66) /
 * 2^12 for 10 and 2.
 */
static void test_mcnemar_clustered(void **state)
{
	(void)state;
	assert_true(fabs(mcnemar_clustered_p(108, 0, 3 * 36.0 * 36.0) - 0.25) < 1e-12);
	assert_true(fabs(mcnemar_clustered_p(12, 1, 105.0) - 0.792107) < 1e-6);
	assert_true(fabs(mcnemar_clustered_p(10, 2, 12.0) - 158.0 / 4096) < 1e-12);
	assert_true(mcnemar_clustered_p(0, 0, 0.0) == 1.0);
	/* Changes that cancel within images: never more confident than the exact test. */
	assert_true(mcnemar_clustered_p(36, 36, 2 * 1.0) == mcnemar_exact_p(36, 36));
}

/*
 * Cochran's Q with blocks.  By hand: blocks (2, 1, 0) and (1, 1, 1), k = 3:
 * C = (3, 2, 1), Cbar = 2, sum (C_j - Cbar)^2 = 2; S = 2 + 0; Q = 2 * 2 / 2 =
 * 2, p = exp(-1).  Rows of 0/1 (one item per block) give Cochran's Q: A-D of
 * test_sensitivity's by-hand case, Q = 3, p = exp(-1.5).
 */
static void test_cochran_blocks_by_hand(void **state)
{
	static const double two[] = { 2, 1, 0, 1, 1, 1 };
	static const double rows[] = { 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0 };
	static const double flat[] = { 2, 2, 3, 3 };
	double q, p;

	(void)state;
	cochran_blocks(two, 2, 3, &q, &p);
	assert_true(fabs(q - 2) < 1e-12 && fabs(p - exp(-1.0)) < 1e-9);
	cochran_blocks(rows, 4, 3, &q, &p);
	assert_true(fabs(q - 3) < 1e-12 && fabs(p - exp(-1.5)) < 1e-9);
	cochran_blocks(flat, 2, 2, &q, &p); /* every block the same under both */
	assert_true(q == 0 && p == 1);
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double unit(uint64_t *s)
{
	return (double)(splitmix(s) >> 11) / 9007199254740992.0;
}

/*
 * The null with images: 400 studies of 40 images, 3 items each, 4 templates.
 * Each (image, template) draws its own chance of being right, 0.1 or 0.9,
 * which the image's 3 items share: no template is better than another (the
 * draws are alike for every template), but an image's items agree on which
 * templates they get right.  Blocked by image, p < 0.05 should happen in
 * about 5% of studies (binomial sd 1.1%; we accept 2-9%).  Taking the 120
 * items as independent rows (what the test did before) rejects far more
 * often: the check that the simulation has the cluster effect it claims.
 */
static void test_cochran_blocks_null(void **state)
{
	enum { STUDIES = 400, IMAGES = 40, ITEMS = 3, K = 4 };
	static double blocks[IMAGES * K], rows[IMAGES * ITEMS * K];
	size_t by_image = 0, by_item = 0;
	uint64_t s = 2026;

	(void)state;
	for (size_t st = 0; st < STUDIES; st++) {
		double q, p;
		for (size_t i = 0; i < IMAGES; i++)
			for (size_t j = 0; j < K; j++) {
				double pr = unit(&s) < 0.5 ? 0.1 : 0.9;
				blocks[i * K + j] = 0;
				for (size_t t = 0; t < ITEMS; t++) {
					double y = unit(&s) < pr;
					rows[(i * ITEMS + t) * K + j] = y;
					blocks[i * K + j] += y;
				}
			}
		cochran_blocks(blocks, IMAGES, K, &q, &p);
		by_image += p < 0.05;
		cochran_blocks(rows, IMAGES * ITEMS, K, &q, &p);
		by_item += p < 0.05;
	}
	assert_in_range(by_image, 8, 36);
	assert_true(by_item > 80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_newcombe_examples),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_acc_add),
		cmocka_unit_test(test_t_quantile),
		cmocka_unit_test(test_clustered_wilson),
		cmocka_unit_test(test_binom_cdf_real),
		cmocka_unit_test(test_binom_sf_real),
		cmocka_unit_test(test_mcnemar_clustered),
		cmocka_unit_test(test_cochran_blocks_by_hand),
		cmocka_unit_test(test_cochran_blocks_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
