/* stats: intervals and small statistics used by the metrics. */
#ifndef VSR_STATS_H
#define VSR_STATS_H

#include <stddef.h>
#include <stdint.h>

#define Z95 1.959963984540054

/*
 * Wilson score interval for k successes in n trials at normal quantile z.
 * For n == 0 the interval is [0, 1].
 */
void wilson_interval(size_t k, size_t n, double z, double *lo, double *hi);
/* The same for a share p of n trials (p need not be k / n, n need not be whole); [0, 1] for n <= 0. */
void wilson_share(double p, double n, double z, double *lo, double *hi);

/* Student's t quantile: P(T <= t) = q for T ~ t(df), 0 < q < 1, df > 0. */
double t_quantile(double q, double df);

/*
 * A proportion whose trials come in clusters: tasks that share an image (a
 * caption's templates, an image's several captions) are not independent, and
 * Wilson's interval over tasks is then too narrow.  Sums over the clusters i
 * (those with n_i > 0) of their trials n_i and successes k_i:
 */
struct clustered {
	double k, n;       /* sum k_i, sum n_i */
	double kk, kn, nn; /* sum k_i^2, sum k_i n_i, sum n_i^2 */
	size_t clusters;
};
/* Adds a cluster of n trials, k of them successes (n > 0). */
void clustered_add(struct clustered *c, double k, double n);
/*
 * Wilson's interval at an effective number of trials (Korn and Graubard
 * 1998, Survey Methodology 24(2)): n over the design effect, which is the
 * ratio of the cluster-robust variance of k / n to the binomial one, each
 * unbiased (c / (c - 1) and 1 / (n - 1)), capped at n; then times
 * (t_{n-1} / t_{c-1})^2, the quantiles at z's level, for the c clusters' few
 * degrees of freedom.  When every trial is right (or wrong) the variance says
 * nothing and n alone is adjusted.  One trial per cluster gives Wilson's
 * interval over the trials exactly; one cluster of several trials gives
 * [0, 1].  *n_eff is the trials the interval counts (0 for n = 0).
 */
void clustered_wilson(const struct clustered *c, double z, double *lo, double *hi, double *n_eff);

/*
 * P(X > x) for X ~ chi-square with df degrees of freedom (df > 0): the
 * regularized upper incomplete gamma Q(df / 2, x / 2).  1 for x <= 0.
 */
double chi2_sf(double x, double df);

/*
 * Do k treatments differ, asked of every row of every block?  x is blocks x k
 * (row-major), x[i k + j] what block i got right under treatment j (summed
 * over the block's rows).  Under the null that, within a block, the
 * treatments' labels are exchangeable, the column sums C_j have permutation
 * covariance (S / (k - 1)) (I - J / k), S = sum_i sum_j (x_ij - xbar_i)^2, so
 *   Q = (k - 1) sum_j (C_j - Cbar)^2 / S
 * is chi-square with k - 1 degrees of freedom as blocks grow.  With one row
 * of 0/1 per block this is Cochran's Q exactly; rows that share a block (an
 * image's items) are not taken as independent.  S = 0 (every block the same
 * under every treatment) gives q 0, p 1.
 */
void cochran_blocks(const double *x, size_t blocks, size_t k, double *q, double *p);

/* ---- paired comparisons (reports/compare_stats.c, gate.c) ---- */

/* P(X <= k) for X ~ Binomial(n, p), 0 <= p <= 1; summed in log space. */
double binom_cdf(size_t k, size_t n, double p);
/*
 * The same for k and n not whole (an effective number of trials): the
 * regularized incomplete beta I_{1-p}(n - k, k + 1), equal to binom_cdf at
 * whole k and n.
 */
double binom_cdf_real(double k, double n, double p);
/* P(X >= k) for X ~ Binomial(n, p), without the cancellation of 1 - cdf. */
double binom_sf(size_t k, size_t n, double p);
/* The same for k and n not whole: I_p(k, n - k + 1); 1 for k <= 0, 0 for k > n. */
double binom_sf_real(double k, double n, double p);

/*
 * Exact two-sided McNemar test on the discordant pairs: b pairs right only
 * in the first run, c right only in the second.  Under "no difference" each
 * discordant pair goes either way with probability 1/2, so the p-value is
 * min(1, 2 P(X <= min(b, c))) for X ~ Binomial(b + c, 1/2); 1 when b + c = 0.
 */
double mcnemar_exact_p(size_t b, size_t c);
/*
 * McNemar's test for pairs that come in clusters (images), two-sided.  With
 * d_i = b_i - c_i the discordant difference of cluster i, the variance of
 * b - c is estimated by sum d_i^2 (sum_d2; Durkalski, Palesch, Lipsitz and
 * Rust 2003, Statistics in Medicine 22:2417-2428) where independent pairs
 * give b + c; their ratio r is the design effect (Eliasziw and Donner 1991,
 * Statistics in Medicine 10:1981-1991, deflate McNemar's statistic by such
 * a factor).  The exact test is then taken at b / r and c / r discordant
 * pairs (binom_cdf_real).  r is never taken below 1, so with one pair per
 * cluster, or changes that cancel within a cluster, this is the exact test;
 * when every cluster changed all one way it is the sign test over clusters
 * (3 images whose 36 templates all went wrong: p = 2 / 2^3, not 2 / 2^108).
 */
double mcnemar_clustered_p(size_t b, size_t c, double sum_d2);

/*
 * Paired bootstrap over clusters (images: several tasks share one, and they
 * are not independent).  Cluster i holds n[i] >= 1 pairs whose
 * (second - first) correct counts sum to d[i].  Each of `reps` resamples
 * draws k clusters with replacement and takes sum d / sum n; *lo and *hi are
 * the nearest-rank (1 - level)/2 and (1 + level)/2 percentiles of those
 * resamples.  Seeded (splitmix64): the same input and seed give the same
 * interval on every machine.  Returns -1 and [0, 0] when k or reps is 0.
 */
int paired_bootstrap(const size_t *n, const long *d, size_t k, size_t reps, uint64_t seed,
		     double level, double *lo, double *hi);

#endif
