/*
 * The paired comparison and the gate: exact McNemar and binomial tails
 * against exact values, the cluster bootstrap against bootstrap
 * distributions enumerated by hand, and matching and gating on hand-built
 * journals whose right counts are written next to each line.
 *
 * Fixture values: the binomial sums were computed exactly with Python's
 * integers and fractions (math.comb, fractions.Fraction), e.g.
 *   float(min(1, Fraction(2 * sum(comb(35, i) for i in range(11)), 2**35)))
 * for McNemar b = 10, c = 25; the small ones can be checked by hand
 * (b = 1, c = 9: 2 (1 + 10) / 1024 = 22/1024).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics/metrics.h"
#include "metrics/stats.h"
#include "base/util.h"
#include "harness/rundir.h"
#include "reports/compare.h"

static void close_rel(double got, double want, double rel)
{
	if (fabs(got - want) > rel * fabs(want))
		fail_msg("got %.17g, want %.17g (relative tolerance %g)", got, want, rel);
}

/* ---- McNemar and binomial tails --------------------------------------- */

static void test_mcnemar_exact(void **state)
{
	static const struct {
		size_t b, c;
		double p;
	} cases[] = {
		{ 0, 0, 1.0 },
		{ 0, 1, 1.0 },
		{ 0, 5, 0.0625 },             /* 2 / 32 */
		{ 1, 9, 0.021484375 },        /* 2 * 11 / 1024 */
		{ 2, 8, 0.109375 },           /* 2 * 56 / 1024 */
		{ 3, 3, 1.0 },                /* 2 * 42/64 capped at 1 */
		{ 7, 0, 0.015625 },           /* 2 / 128 */
		{ 15, 0, 6.103515625e-05 },   /* 2 / 32768 */
		{ 10, 25, 0.01667384780012071 },
		{ 25, 10, 0.01667384780012071 },
		{ 48, 70, 0.052748349677391594 },
		{ 480, 560, 0.014259079095386026 },
		{ 4000, 4210, 0.02107076775665867 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		close_rel(mcnemar_exact_p(cases[i].b, cases[i].c), cases[i].p, 1e-9);
}

static void test_binomial_tails(void **state)
{
	(void)state;
	/* P(X <= 110 | 200, 0.62), P(X <= 3 | 10, 1/4), P(X <= 45 | 50, 0.99). */
	close_rel(binom_cdf(110, 200, 0.62), 0.02542729014360186, 1e-9);
	close_rel(binom_cdf(3, 10, 0.25), 0.7758750915527344, 1e-12);
	close_rel(binom_cdf(45, 50, 0.99), 0.00014568926807182695, 1e-9);
	/* P(X >= 8 | 10, 1/2) = 56/1024; P(X >= 30 | 100, 0.2). */
	close_rel(binom_sf(8, 10, 0.5), 0.0546875, 1e-12);
	close_rel(binom_sf(30, 100, 0.2), 0.011248978720991634, 1e-9);
	assert_true(binom_cdf(10, 10, 0.3) == 1.0);
	assert_true(binom_cdf(0, 10, 0.0) == 1.0);
	assert_true(binom_cdf(9, 10, 1.0) == 0.0);
	assert_true(binom_sf(0, 10, 0.3) == 1.0);
	assert_true(binom_sf(11, 10, 0.3) == 0.0);
	/* A small table by hand: b = 1, c = 4 is 2 P(X <= 1 | 5, 1/2) = 2 (1 + 5) / 32. */
	close_rel(mcnemar_exact_p(1, 4), 0.375, 1e-12);
	/*
	 * Far tails, summed in logs: 2 P(X = 0 | 1000, 1/2) = 2^-999 and
	 * 2 P(X <= 1 | 1001, 1/2) = 2 (1 + 1001) / 2^1001 = 501 * 2^-999 are
	 * normal doubles and come out exact to 1e-9; 2^-1999 is below the
	 * smallest subnormal (2^-1074), so its nearest double is 0.
	 */
	close_rel(mcnemar_exact_p(0, 1000), ldexp(1.0, -999), 1e-9);
	close_rel(mcnemar_exact_p(1000, 0), ldexp(1.0, -999), 1e-9);
	close_rel(mcnemar_exact_p(1, 1000), 501.0 * ldexp(1.0, -999), 1e-9);
	assert_true(mcnemar_exact_p(0, 2000) == 0.0);
	assert_true(mcnemar_exact_p(1000, 1000) == 1.0);
}

/* ---- bootstrap --------------------------------------------------------- */

static void boot(const size_t *n, const long *d, size_t k, double level, double *lo, double *hi)
{
	assert_int_equal(paired_bootstrap(n, d, k, 20000, 12345, level, lo, hi), 0);
}

/*
 * Three one-pair clusters with changes +1, 0, -1: the mean of three draws
 * takes S/3 with P(S = -3..3) = 1, 3, 6, 7, 6, 3, 1 (/27), so the cumulative
 * is .037 .148 .370 .630 .852 .963 1.  Nearest-rank 5% and 95%: -2/3 and
 * 2/3; 2.5% and 97.5%: -1 and 1.  Every cut is more than 0.01 from a
 * cumulative step, about 8 standard errors at 20000 resamples.
 */
static void test_bootstrap_enumerated(void **state)
{
	size_t n[] = { 1, 1, 1 };
	long d[] = { 1, 0, -1 };
	double lo, hi;

	(void)state;
	boot(n, d, 3, 0.90, &lo, &hi);
	assert_true(fabs(lo + 2.0 / 3) < 1e-12 && fabs(hi - 2.0 / 3) < 1e-12);
	boot(n, d, 3, 0.95, &lo, &hi);
	assert_true(lo == -1.0 && hi == 1.0);
}

/*
 * Resampling clusters, not tasks.  Two images with two tasks each, both
 * improved on one image and unchanged on the other: the resampled change is
 * 0, 1/2 or 1 with P 1/4, 1/2, 1/4, so the 80% interval is [0, 1].  The same
 * four tasks as independent pairs give Binomial(4, 1/2)/4 (cumulative
 * .0625 .3125 .6875 .9375 1) and the narrower [1/4, 3/4].
 */
static void test_bootstrap_clusters(void **state)
{
	size_t nc[] = { 2, 2 }, np[] = { 1, 1, 1, 1 };
	long dc[] = { 2, 0 }, dp[] = { 1, 1, 0, 0 };
	double lo, hi;

	(void)state;
	boot(nc, dc, 2, 0.80, &lo, &hi);
	assert_true(lo == 0.0 && hi == 1.0);
	boot(np, dp, 4, 0.80, &lo, &hi);
	assert_true(lo == 0.25 && hi == 0.75);
}

/*
 * Unequal cluster sizes: the change is a ratio of sums.  A (1 task, +1) and
 * B (3 tasks, 0), two draws: AA 2/2 = 1, AB 1/4, BB 0 with P 1/4, 1/2, 1/4;
 * the 40% interval (30th and 70th percentiles) is [1/4, 1/4].  A mean of
 * per-cluster ratios would say 1/2.
 */
static void test_bootstrap_ratio(void **state)
{
	size_t n[] = { 1, 3 };
	long d[] = { 1, 0 };
	double lo, hi;

	(void)state;
	boot(n, d, 2, 0.40, &lo, &hi);
	assert_true(lo == 0.25 && hi == 0.25);
}

/*
 * 400 one-task clusters, 40 improved and 10 worse: the bootstrap variance of
 * the mean is (50/400 - 0.075^2) / 400, sd 0.017275, so the interval is
 * about 0.075 +- 1.96 sd = [0.0411, 0.1089].
 */
static void test_bootstrap_normal(void **state)
{
	size_t n[400];
	long d[400];
	double lo, hi, lo2, hi2;

	(void)state;
	for (size_t i = 0; i < 400; i++) {
		n[i] = 1;
		d[i] = i < 40 ? 1 : i < 50 ? -1 : 0;
	}
	boot(n, d, 400, 0.95, &lo, &hi);
	assert_true(fabs(lo - 0.0411) < 0.005);
	assert_true(fabs(hi - 0.1089) < 0.005);
	/* Seeded: the same seed gives the same interval. */
	boot(n, d, 400, 0.95, &lo2, &hi2);
	assert_true(lo == lo2 && hi == hi2);
	assert_int_equal(paired_bootstrap(n, d, 0, 100, 1, 0.95, &lo, &hi), -1);
}

/* ---- matching and the gate on hand-built journals ----------------------- */

static char dir[] = "/tmp/vsr-test-compare.XXXXXX";
static const char *suite_name = "s"; /* the suite line() writes */

static void line(FILE *fp, unsigned key, const char *item, const char *image,
		 const char *label, const char *answer)
{
	fprintf(fp,
		"{\"key\":\"%016x\",\"suite\":\"%s\",\"item\":\"%s\",\"template\":\"t1\","
		"\"format\":\"yesno\",\"variant\":\"base\",\"relation\":\"left of\","
		"\"category\":\"Directional\",\"group\":null,\"label\":\"%s\",\"prompt\":\"P %s\","
		"\"image\":%s%s%s,",
		key, suite_name, item, label, item, image ? "\"" : "", image ? image : "null", image ? "\"" : "");
	if (!answer)
		fprintf(fp, "\"error\":\"HTTP 500\",\"attempts\":4}\n");
	else
		fprintf(fp, "\"response\":\"%s\",\"answer\":\"%s\",\"correct\":%s,\"ms\":1}\n", answer,
			answer, strcmp(answer, label) ? "false" : "true");
}

static FILE *journal(const char *run)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, run);
	mkdir_p(path);
	snprintf(path, sizeof(path), "%s/%s/samples.jsonl", dir, run);
	fp = fopen(path, "w");
	assert_non_null(fp);
	return fp;
}

static void path_of(char *out, size_t n, const char *run)
{
	snprintf(out, n, "%s/%s", dir, run);
}

static void test_matching(void **state)
{
	struct comparison c;
	char err[VSR_ERR_MAX], a[256], b[256];
	FILE *fp;

	(void)state;
	/* Keys differ between the runs on purpose: different models. */
	fp = journal("base");
	line(fp, 1, "i1", "img/a.jpg", "yes", "yes"); /* right, right */
	line(fp, 2, "i2", "img/a.jpg", "yes", "yes"); /* right -> wrong */
	line(fp, 3, "i3", NULL, "no", "yes");         /* wrong -> right */
	line(fp, 4, "i4", NULL, "no", "no");          /* right -> wrong */
	line(fp, 5, "i5", NULL, "no", NULL);          /* failed, then answered: counts */
	line(fp, 5, "i5", NULL, "no", "no");
	line(fp, 6, "i6", NULL, "yes", "yes");        /* the candidate failed: dropped */
	line(fp, 7, "i7", NULL, "yes", "yes");        /* only in base */
	line(fp, 9, "i9", NULL, "yes", "yes");        /* labels disagree: dropped */
	fclose(fp);
	fp = journal("cand");
	line(fp, 101, "i1", "img/a.jpg", "yes", "yes");
	line(fp, 101, "i1", "img/a.jpg", "yes", "no"); /* a later answer does not count */
	line(fp, 102, "i2", "img/a.jpg", "yes", "no");
	line(fp, 103, "i3", NULL, "no", "no");
	line(fp, 104, "i4", NULL, "no", "invalid");
	line(fp, 105, "i5", NULL, "no", "no");
	line(fp, 106, "i6", NULL, "yes", NULL);
	line(fp, 108, "i8", NULL, "yes", "yes");        /* only in the candidate */
	line(fp, 109, "i9", NULL, "no", "no");
	fclose(fp);
	path_of(a, sizeof(a), "base");
	path_of(b, sizeof(b), "cand");
	assert_int_equal(comparison_load(&c, a, b, 500, 1, err), 0);
	assert_int_equal(c.n_suites, 1);
	assert_int_equal(c.all.pairs, 5);
	assert_int_equal(c.all.base_correct, 4);
	assert_int_equal(c.all.cand_correct, 3);
	assert_int_equal(c.all.b, 2);
	assert_int_equal(c.all.c, 1);
	/* 2 P(X <= 1 | 3, 1/2) = 1 */
	assert_true(c.all.p == 1.0);
	assert_int_equal(c.dropped_failed, 1);
	assert_int_equal(c.base_only, 1);
	assert_int_equal(c.cand_only, 1);
	assert_int_equal(c.dropped_label, 1);
	assert_int_equal(c.total_flips, 2);
	assert_string_equal(c.flips[0].item, "i2");
	assert_string_equal(c.flips[1].item, "i4");
	assert_int_equal(c.flips[1].cand_answer, ANS_INVALID);
	assert_int_equal(c.suites[0].n_rel, 1);
	assert_string_equal(c.suites[0].rel[0].name, "left of");
	assert_true(c.all.has_ci && c.all.ci_low <= -0.2 && c.all.ci_high >= -0.2);
	comparison_release(&c);

	/* A run that is not there is bad data, with a message naming it. */
	path_of(b, sizeof(b), "missing");
	assert_int_equal(comparison_load(&c, a, b, 500, 1, err), VSR_EDATA);
	assert_non_null(strstr(err, "missing"));
}

/* 40 items; the candidate gets `worse` right answers wrong. */
static void make_pair(const char *base, const char *cand, int worse)
{
	FILE *fb = journal(base), *fc = journal(cand);
	char item[16];

	for (int i = 0; i < 40; i++) {
		snprintf(item, sizeof(item), "x%02d", i);
		line(fb, (unsigned)i + 1, item, NULL, i % 2 ? "yes" : "no", i % 2 ? "yes" : "no");
		line(fc, (unsigned)i + 1001, item, NULL, i % 2 ? "yes" : "no",
		     i < worse ? (i % 2 ? "no" : "yes") : (i % 2 ? "yes" : "no"));
	}
	fclose(fb);
	fclose(fc);
}

/* lang: the candidate's language figure for suite s (NULL: none measured, as in these journals). */
static int gate(const char *base, const char *cand, const struct gate_opts *g,
		const struct sens_value *lang, struct gate_result *res)
{
	struct comparison c;
	struct metrics m;
	char err[VSR_ERR_MAX], a[256], b[256], j[300];

	path_of(a, sizeof(a), base);
	path_of(b, sizeof(b), cand);
	assert_int_equal(comparison_load(&c, a, b, 200, 1, err), 0);
	snprintf(j, sizeof(j), "%s/samples.jsonl", b);
	assert_int_equal(metrics_from_journal(j, &m, err), 0);
	if (lang) {
		assert_string_equal(m.suites[0].name, "s");
		m.suites[0].sens.fig[SENS_LANGUAGE] = *lang;
	}
	gate_evaluate(g, &c, &m, res);
	comparison_release(&c);
	metrics_release(&m);
	return (int)res->n_failed;
}

static void test_gate_drop(void **state)
{
	struct gate_opts g;
	struct gate_result res;
	char err[VSR_ERR_MAX];

	(void)state;
	memset(&g, 0, sizeof(g));
	assert_int_equal(gate_opts_set(&g, "max-drop", "5", err), 0);

	/* 12 of 40 worse: a drop of 30 points, p = 2 / 4096. */
	make_pair("b40", "c12", 12);
	assert_int_equal(gate("b40", "c12", &g, NULL, &res), 1);
	assert_string_equal(res.c[0].type, "max-drop");
	assert_non_null(strstr(res.c[0].line, "dropped 30.0 points"));
	assert_non_null(strstr(res.c[0].line, "p = 0.00049"));
	gate_result_release(&res);

	/* 3 of 40 worse: 7.5 points, more than 5, but p = 0.25: noise, it passes. */
	make_pair("b40", "c3", 3);
	assert_int_equal(gate("b40", "c3", &g, NULL, &res), 0);
	assert_int_equal(res.n, 1);
	assert_non_null(strstr(res.c[0].line, "p = 0.25"));
	gate_result_release(&res);

	/* Significant but small: 12 worse is 30 points; allow 40 and it passes. */
	assert_int_equal(gate_opts_set(&g, "max-drop", "40", err), 0);
	assert_int_equal(gate("b40", "c12", &g, NULL, &res), 0);
	gate_result_release(&res);

	/* A looser alpha makes the 3-task drop significant only if p < alpha. */
	assert_int_equal(gate_opts_set(&g, "max-drop", "5", err), 0);
	assert_int_equal(gate_opts_set(&g, "alpha", "0.3", err), 0);
	assert_int_equal(gate("b40", "c3", &g, NULL, &res), 1);
	gate_result_release(&res);
}

static void test_gate_floor_and_sensitivity(void **state)
{
	struct gate_opts g;
	struct gate_result res;
	struct sens_value lang;
	char err[VSR_ERR_MAX];

	(void)state;
	memset(&g, 0, sizeof(g));
	make_pair("b40", "c12", 12);
	/* 28 of 40 = 70%: below 0.9, above 0.6 (over every suite). */
	assert_int_equal(gate_opts_set(&g, "min-accuracy", "s=0.9", err), 0);
	assert_int_equal(gate_opts_set(&g, "min-accuracy", "0.6", err), 0);
	assert_int_equal(gate_opts_set(&g, "min-accuracy", "nosuch=0.5", err), 0);
	assert_int_equal(gate("b40", "c12", &g, NULL, &res), 2);
	assert_true(res.c[0].failed);
	assert_non_null(strstr(res.c[0].line, "70.0%"));
	assert_non_null(strstr(res.c[0].line, "below the floor 90.0% by 20.0 points"));
	/* P(X <= 28 | 40, 0.9) = 0.00038083426673634236 (exact, Python fractions). */
	assert_non_null(strstr(res.c[0].line, "one-sided binomial p = 0.00038"));
	assert_false(res.c[1].failed);
	assert_string_equal(res.c[1].suite, "all suites");
	assert_true(res.c[2].failed); /* a suite the run lacks never passes */
	assert_non_null(strstr(res.c[2].line, "nosuch"));
	gate_result_release(&res);

	/* No sensitivity measured: the ceiling fails, saying why. */
	memset(&g, 0, sizeof(g));
	assert_int_equal(gate_opts_set(&g, "max-language-sensitivity", "0.2", err), 0);
	assert_int_equal(gate("b40", "c12", &g, NULL, &res), 1);
	assert_non_null(strstr(res.c[0].line, "no language-sensitivity figure"));
	assert_non_null(strstr(res.c[0].line, "-p instr"));
	gate_result_release(&res);

	/* 30% of 100 over a 20% ceiling: p = P(X >= 30 | 100, 0.2) = 0.011. */
	lang = (struct sens_value){ .present = 1, .value = 0.3, .ci_low = 0.21, .ci_high = 0.39,
				    .n = 100, .num = 30 };
	assert_int_equal(gate("b40", "c12", &g, &lang, &res), 1);
	assert_non_null(strstr(res.c[0].line, "language sensitivity 30.0% [21.0, 39.0] (n = 100)"));
	assert_non_null(strstr(res.c[0].line, "above the ceiling 20.0% by 10.0 points"));
	assert_non_null(strstr(res.c[0].line, "p = 0.011"));
	gate_result_release(&res);
	/*
	 * 30 of 100 items on 20 images that change together: counted as the
	 * interval counts them, no more than the images (20; the clustered
	 * effective n, 25, is more): P(X >= 6 | 20, 0.2) = 0.19579 (exact,
	 * Python fractions), where the items taken as independent gave 0.011.
	 * With n_eff 16 under the images it is 16: P(X >= 4.8 | 16, 0.2).
	 */
	lang = (struct sens_value){ .present = 1, .value = 0.3, .ci_low = 0.12, .ci_high = 0.54,
				    .n = 100, .num = 30, .images = 20, .n_eff = 25 };
	assert_int_equal(gate("b40", "c12", &g, &lang, &res), 1);
	assert_non_null(strstr(res.c[0].line, "(n = 100 items on 20 images)"));
	assert_non_null(strstr(res.c[0].line, "one-sided binomial p = 0.2 (the 100 items counted "
						"as 20.0 independent ones"));
	gate_result_release(&res);
	lang.n_eff = 16;
	assert_int_equal(gate("b40", "c12", &g, &lang, &res), 1);
	assert_non_null(strstr(res.c[0].line, "counted as 16.0 independent ones"));
	gate_result_release(&res);
	lang = (struct sens_value){ .present = 1, .value = 0.1, .ci_low = 0.05, .ci_high = 0.18,
				    .n = 100, .num = 10 };
	assert_int_equal(gate("b40", "c12", &g, &lang, &res), 0);
	gate_result_release(&res);
}

/*
 * The language check reads the figure itself, not report.json's 6-decimal
 * rounding of it: 0.2000004 is above a 0.2 ceiling (rounded, it was 0.2 and
 * passed).  The binomial test takes its count from the figure's numerator,
 * 200000.4 item-shares of 1000000 items: 200000 items, the mean at the
 * ceiling, so P(X >= 200000 | 1000000, 0.2) is one half plus half the
 * point mass there, 1 / sqrt(2 pi 160000) / 2 = 0.0005: "0.5".  An interval
 * no resample could measure (NaN) is left out of the line.
 */
static void test_gate_language_unrounded(void **state)
{
	struct gate_opts g;
	struct gate_result res;
	struct sens_value lang = { .present = 1, .value = 0.2000004, .ci_low = NAN, .ci_high = 0.25,
				   .n = 1000000, .num = 200000.4 };
	char err[VSR_ERR_MAX];

	(void)state;
	memset(&g, 0, sizeof(g));
	make_pair("b40", "c12", 12);
	assert_int_equal(gate_opts_set(&g, "max-language-sensitivity", "0.2", err), 0);
	assert_int_equal(gate("b40", "c12", &g, &lang, &res), 1);
	assert_true(res.c[0].failed);
	assert_non_null(strstr(res.c[0].line, "language sensitivity 20.0% (n = 1000000) is above"));
	assert_non_null(strstr(res.c[0].line, "by 0.0 points; one-sided binomial p = 0.5"));
	gate_result_release(&res);
	/* At the ceiling exactly, it passes. */
	lang.value = 0.2;
	lang.num = 200000;
	assert_int_equal(gate("b40", "c12", &g, &lang, &res), 0);
	gate_result_release(&res);
}

/*
 * A suite only in the candidate has no baseline: its drop check passes (else
 * adding a suite would block until merged).  A suite only in the baseline
 * cannot be checked: that fails.
 */
static void test_gate_suites_in_one_run(void **state)
{
	struct gate_opts g;
	struct gate_result res;
	char err[VSR_ERR_MAX];
	FILE *fb, *fc;
	char path[300];

	(void)state;
	make_pair("b2s", "c2s", 0);
	snprintf(path, sizeof(path), "%s/b2s/samples.jsonl", dir);
	fb = fopen(path, "a");
	snprintf(path, sizeof(path), "%s/c2s/samples.jsonl", dir);
	fc = fopen(path, "a");
	assert_non_null(fb);
	assert_non_null(fc);
	suite_name = "old";
	line(fb, 5001, "o1", NULL, "yes", "yes");
	suite_name = "new";
	line(fc, 6001, "n1", NULL, "yes", "yes");
	suite_name = "s";
	fclose(fb);
	fclose(fc);
	memset(&g, 0, sizeof(g));
	assert_int_equal(gate_opts_set(&g, "max-drop", "5", err), 0);
	assert_int_equal(gate("b2s", "c2s", &g, NULL, &res), 1);
	/* Suites in name order, then all suites. */
	assert_int_equal(res.n, 4);
	assert_string_equal(res.c[0].suite, "new");
	assert_false(res.c[0].failed);
	assert_non_null(strstr(res.c[0].line, "not in the baseline run"));
	assert_string_equal(res.c[1].suite, "old");
	assert_true(res.c[1].failed);
	assert_non_null(strstr(res.c[1].line, "1 only in the baseline"));
	assert_false(res.c[2].failed); /* s: no change */
	assert_false(res.c[3].failed); /* all suites */
	gate_result_release(&res);
}

/* RUN/status.json with the given body. */
static void status_json(const char *run, const char *body)
{
	char path[300];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s/status.json", dir, run);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(body, fp);
	fclose(fp);
}

/*
 * The gate's checks of the runs themselves (suite "run"), first in the
 * list: a partial run fails unless --allow-partial (a warning then), in
 * either role; failed tasks above --max-error-rate (default 0.05) fail,
 * below warn.  No check at all for complete runs without failures.
 */
static void test_gate_runs(void **state)
{
	struct gate_opts g;
	struct gate_result res;
	char err[VSR_ERR_MAX];
	FILE *fc;

	(void)state;
	memset(&g, 0, sizeof(g));
	make_pair("b40", "c0", 0);
	status_json("c0", "{\"complete\": true}");
	assert_int_equal(gate("b40", "c0", &g, NULL, &res), 0);
	assert_int_equal(res.n, 0);
	gate_result_release(&res);

	/* 40 of 60 planned, interrupted. */
	status_json("c0",
		    "{\"complete\": false, \"tasks_planned\": 60, \"stopped_by\": \"interrupted\"}");
	assert_int_equal(gate("b40", "c0", &g, NULL, &res), 1);
	assert_int_equal(res.n, 1);
	assert_string_equal(res.c[0].suite, "run");
	assert_string_equal(res.c[0].type, "partial-run");
	assert_string_equal(res.c[0].name, "candidate run complete");
	assert_non_null(strstr(res.c[0].line, "/c0 is a partial run (status.json): 40 of 60 planned "
					      "tasks done (interrupted); "));
	assert_non_null(strstr(res.c[0].line, "or pass --allow-partial"));
	assert_false(res.c[0].warn);
	gate_result_release(&res);
	/* The same run as the baseline; then accepted. */
	assert_int_equal(gate("c0", "b40", &g, NULL, &res), 1);
	assert_non_null(strstr(res.c[0].line, "base "));
	gate_result_release(&res);
	assert_int_equal(gate_opts_set(&g, "allow-partial", NULL, err), 0);
	assert_int_equal(gate("b40", "c0", &g, NULL, &res), 0);
	assert_int_equal(res.n, 1);
	assert_true(res.c[0].warn);
	assert_non_null(strstr(res.c[0].line, "accepted by --allow-partial"));
	gate_result_release(&res);

	/* 3 of 40 tasks failed: 7.5%, above the default 5%; within 10%. */
	memset(&g, 0, sizeof(g));
	fc = journal("c3e");
	for (int i = 0; i < 40; i++) {
		char item[16];
		snprintf(item, sizeof(item), "x%02d", i);
		line(fc, (unsigned)i + 3001, item, NULL, i % 2 ? "yes" : "no",
		     i < 3 ? NULL : i % 2 ? "yes" : "no");
	}
	fclose(fc);
	assert_int_equal(gate("b40", "c3e", &g, NULL, &res), 1);
	assert_int_equal(res.n, 1);
	assert_string_equal(res.c[0].type, "task-errors");
	assert_string_equal(res.c[0].name, "candidate failed tasks <= 5.0%");
	assert_non_null(strstr(res.c[0].line, "/c3e: 3 of 40 tasks failed (7.5%), more than "
					      "--max-error-rate 0.05"));
	gate_result_release(&res);
	assert_int_equal(gate_opts_set(&g, "max-error-rate", "0.1", err), 0);
	assert_int_equal(gate("b40", "c3e", &g, NULL, &res), 0);
	assert_true(res.c[0].warn);
	assert_non_null(strstr(res.c[0].line, "within --max-error-rate 0.1"));
	gate_result_release(&res);
	/* At the rate exactly it passes, as run's own rule: more than R fails. */
	assert_int_equal(gate_opts_set(&g, "max-error-rate", "0.075", err), 0);
	assert_int_equal(gate("b40", "c3e", &g, NULL, &res), 0);
	gate_result_release(&res);
	assert_int_equal(gate_opts_set(&g, "max-error-rate", "1.5", err), VSR_EUSAGE);
}

static void test_gate_options(void **state)
{
	struct gate_opts g;
	char err[VSR_ERR_MAX];

	(void)state;
	memset(&g, 0, sizeof(g));
	assert_int_equal(gate_opts_set(&g, "max-drop", "-1", err), VSR_EUSAGE);
	assert_int_equal(gate_opts_set(&g, "alpha", "1.5", err), VSR_EUSAGE);
	assert_int_equal(gate_opts_set(&g, "min-accuracy", "s=62", err), VSR_EUSAGE);
	assert_non_null(strstr(err, "from 0 to 1"));
	assert_int_equal(gate_opts_set(&g, "min-accuracy", "=0.5", err), VSR_EUSAGE);
	assert_int_equal(gate_opts_set(&g, "max-language-sensitivity", "x", err), VSR_EUSAGE);
	assert_false(gate_opts_any(&g));
	assert_int_equal(gate_opts_set(&g, "alpha", "0.01", err), 0);
	assert_int_equal(gate_opts_check(&g, 0, err), VSR_EUSAGE); /* alpha without max-drop */
	assert_int_equal(gate_opts_set(&g, "max-drop", "2", err), 0);
	assert_int_equal(gate_opts_check(&g, 0, err), 0);
	assert_int_equal(gate_opts_check(&g, 1, err), VSR_EUSAGE); /* run: needs --baseline */
	assert_int_equal(gate_opts_set(&g, "baseline", "/nonexistent/run", err), 0);
	assert_int_equal(gate_opts_check(&g, 1, err), VSR_EDATA);
}

/* The option table: by getopt_long's value and by name, one parser. */
static void test_gate_option_table(void **state)
{
	static const struct option table[] = { GATE_LONGOPT_BASELINE, GATE_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct gate_opts g;
	char err[VSR_ERR_MAX];
	size_t n = 0;

	(void)state;
	memset(&g, 0, sizeof(g));
	for (; table[n].name; n++)
		assert_int_equal(table[n].has_arg,
				 table[n].val == GATE_OPT_ALLOW_PARTIAL ? no_argument : required_argument);
	assert_int_equal(n, 7);
	assert_string_equal(table[0].name, "baseline");
	assert_int_equal(gate_opts_getopt(&g, GATE_OPT_MAX_DROP, "2.5", err), 0);
	assert_true(g.has_max_drop && g.max_drop == 2.5);
	assert_int_equal(gate_opts_getopt(&g, GATE_OPT_MIN_ACCURACY, "synth=0.25", err), 0);
	assert_string_equal(g.floors[0].suite, "synth");
	assert_true(g.floors[0].min == 0.25);
	assert_int_equal(gate_opts_getopt(&g, GATE_OPT_MAX_LANG, "0.3", err), 0);
	assert_int_equal(gate_opts_getopt(&g, GATE_OPT_MAX_LANG_RISE, "101", err), VSR_EUSAGE);
	assert_non_null(strstr(err, "--max-language-rise '101': expected points"));
	assert_int_equal(gate_opts_set(&g, "max-language-rise", "5", err), 0);
	assert_true(g.has_max_lang_rise && g.max_lang_rise == 5);
	assert_int_equal(gate_opts_set(&g, "alpha", "0.1", err), 0);
	assert_true(g.alpha == 0.1);
	assert_int_equal(gate_opts_set(&g, "baseline", "/x", err), 0);
	assert_string_equal(g.baseline, "/x");
	assert_int_equal(gate_opts_set(&g, "max-dro", "1", err), VSR_EUSAGE);
	assert_non_null(strstr(err, "unknown gate option 'max-dro'"));
	assert_int_equal(gate_opts_getopt(&g, 'q', "1", err), VSR_EUSAGE);
}

static int file_has(const char *file, const char *want)
{
	struct buf b = BUF_INIT;
	int r;

	r = !buf_read_file(&b, file) && strstr(b.ptr, want);
	buf_release(&b);
	return r;
}

/* The driver: compares, evaluates, writes the files asked for, says how it went. */
static void test_gate_run(void **state)
{
	struct gate_opts g;
	struct gate_run_opts o;
	char err[VSR_ERR_MAX], a[256], b[256], md[300], js[300], ju[300];

	(void)state;
	make_pair("b40", "c12", 12);
	path_of(a, sizeof(a), "b40");
	path_of(b, sizeof(b), "c12");
	snprintf(md, sizeof(md), "%s/out.md", dir);
	snprintf(js, sizeof(js), "%s/out.json", dir);
	snprintf(ju, sizeof(ju), "%s/out.xml", dir);
	memset(&g, 0, sizeof(g));
	memset(&o, 0, sizeof(o));
	assert_int_equal(gate_opts_set(&g, "max-drop", "5", err), 0);
	o.base_dir = a;
	o.cand_dir = b;
	o.reps = 100;
	o.seed = 1;
	o.md_file = md;
	o.json_file = js;
	o.junit_file = ju;
	snprintf(err, VSR_ERR_MAX, "not cleared");
	assert_int_equal(gate_run(&g, &o, err), VSR_EGATE);
	assert_string_equal(err, "");
	assert_true(file_has(md, "**Gate: failed** (1 of 1 check)"));
	assert_true(file_has(js, "\"passed\":\tfalse"));
	assert_true(file_has(ju, "<failure type=\"max-drop\""));

	/* Without a baseline: the floors alone, no comparison written. */
	unlink(md);
	unlink(js);
	memset(&g, 0, sizeof(g));
	assert_int_equal(gate_opts_set(&g, "min-accuracy", "0.5", err), 0);
	o.base_dir = NULL;
	assert_int_equal(gate_run(&g, &o, err), 0);
	assert_int_equal(access(md, F_OK), -1);
	assert_int_equal(access(js, F_OK), -1);
	assert_true(file_has(ju, "name=\"accuracy &gt;= 50.0%\""));

	/* A baseline that is not there is bad data, named. */
	path_of(a, sizeof(a), "missing");
	o.base_dir = a;
	assert_int_equal(gate_run(&g, &o, err), VSR_EDATA);
	assert_non_null(strstr(err, "missing"));
}

static void test_junit_counts(void **state)
{
	struct gate_opts g;
	struct gate_result res;
	struct metrics m;
	struct buf out = BUF_INIT;
	char err[VSR_ERR_MAX], j[300];

	(void)state;
	memset(&g, 0, sizeof(g));
	make_pair("b40", "c12", 12);
	assert_int_equal(gate_opts_set(&g, "max-drop", "5", err), 0);
	assert_int_equal(gate_opts_set(&g, "min-accuracy", "s=0.5", err), 0);
	assert_int_equal(gate("b40", "c12", &g, NULL, &res), 1);
	snprintf(j, sizeof(j), "%s/c12/samples.jsonl", dir);
	assert_int_equal(metrics_from_journal(j, &m, err), 0);
	assert_int_equal(junit_build(&m, NULL, NULL, &res, &out), 0);
	/* accuracy + two checks, one failing, with its numbers. */
	assert_non_null(strstr(out.ptr, "<testsuite name=\"s\" tests=\"3\" failures=\"1\""));
	assert_non_null(strstr(out.ptr, "<failure type=\"max-drop\" message=\"s: accuracy dropped "
					"30.0 points"));
	assert_non_null(strstr(out.ptr, "name=\"accuracy &gt;= 50.0%\""));
	buf_release(&out);
	metrics_release(&m);
	gate_result_release(&res);
}

/*
 * junit.xml's times: the run's request phase (status.json's request_seconds)
 * on <testsuites>, and on the suite and its accuracy testcase when the run
 * has one suite; not the sum of the tasks' latencies (40 x 1 ms here: the
 * old "0.040"); no time at all when status.json has none.
 */
static void test_junit_time(void **state)
{
	struct gate_result res = { 0 };
	struct rundir_progress pg;
	struct metrics m;
	struct buf out = BUF_INIT;
	char err[VSR_ERR_MAX], j[300];

	(void)state;
	make_pair("b40", "c12", 12);
	snprintf(j, sizeof(j), "%s/c12/samples.jsonl", dir);
	assert_int_equal(metrics_from_journal(j, &m, err), 0);
	memset(&pg, 0, sizeof(pg));
	pg.known = pg.complete = 1;
	pg.request_seconds = 2.5;
	assert_int_equal(junit_build(&m, NULL, &pg, &res, &out), 0);
	assert_non_null(strstr(out.ptr, "<testsuites name=\"vsrbench\" tests=\"1\" failures=\"0\" "
					"errors=\"0\" time=\"2.500\">"));
	assert_non_null(strstr(out.ptr, "skipped=\"0\" time=\"2.500\">"));
	assert_non_null(strstr(out.ptr, "name=\"accuracy\" time=\"2.500\">"));
	assert_null(strstr(out.ptr, "0.040"));
	buf_reset(&out);
	/* Not recorded: no time (the attribute is optional in tests/junit/junit.xsd). */
	assert_int_equal(junit_build(&m, NULL, NULL, &res, &out), 0);
	assert_null(strstr(out.ptr, "time="));
	buf_reset(&out);
	metrics_release(&m);

	/* Two suites: their requests overlap, so only the run's time is given. */
	make_pair("b2", "c2", 0);
	snprintf(j, sizeof(j), "%s/c2/samples.jsonl", dir);
	{
		FILE *fc = fopen(j, "a");
		assert_non_null(fc);
		suite_name = "new";
		line(fc, 6001, "n1", NULL, "yes", "yes");
		suite_name = "s";
		fclose(fc);
	}
	assert_int_equal(metrics_from_journal(j, &m, err), 0);
	assert_int_equal(m.n_suites, 2);
	assert_int_equal(junit_build(&m, NULL, &pg, &res, &out), 0);
	assert_non_null(strstr(out.ptr, "errors=\"0\" time=\"2.500\">"));
	assert_ptr_equal(strstr(out.ptr, "time="), strstr(out.ptr, "time=\"2.500\""));
	assert_null(strstr(strstr(out.ptr, "time=") + 1, "time="));
	buf_release(&out);
	metrics_release(&m);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mcnemar_exact),
		cmocka_unit_test(test_binomial_tails),
		cmocka_unit_test(test_bootstrap_enumerated),
		cmocka_unit_test(test_bootstrap_clusters),
		cmocka_unit_test(test_bootstrap_ratio),
		cmocka_unit_test(test_bootstrap_normal),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_gate_drop),
		cmocka_unit_test(test_gate_floor_and_sensitivity),
		cmocka_unit_test(test_gate_language_unrounded),
		cmocka_unit_test(test_gate_suites_in_one_run),
		cmocka_unit_test(test_gate_runs),
		cmocka_unit_test(test_gate_options),
		cmocka_unit_test(test_gate_option_table),
		cmocka_unit_test(test_gate_run),
		cmocka_unit_test(test_junit_counts),
		cmocka_unit_test(test_junit_time),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
