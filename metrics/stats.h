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

/*
 * P(X > x) for X ~ chi-square with df degrees of freedom (df > 0): the
 * regularized upper incomplete gamma Q(df / 2, x / 2).  1 for x <= 0.
 */
double chi2_sf(double x, double df);

/* ---- paired comparisons (reports/compare_stats.c, gate.c) ---- */

/* P(X <= k) for X ~ Binomial(n, p), 0 <= p <= 1; summed in log space. */
double binom_cdf(size_t k, size_t n, double p);
/* P(X >= k) for X ~ Binomial(n, p), without the cancellation of 1 - cdf. */
double binom_sf(size_t k, size_t n, double p);

/*
 * Exact two-sided McNemar test on the discordant pairs: b pairs right only
 * in the first run, c right only in the second.  Under "no difference" each
 * discordant pair goes either way with probability 1/2, so the p-value is
 * min(1, 2 P(X <= min(b, c))) for X ~ Binomial(b + c, 1/2); 1 when b + c = 0.
 */
double mcnemar_exact_p(size_t b, size_t c);

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
