#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include "../base/banned.h" /* last: see banned.h */

void wilson_share(double p, double n, double z, double *lo, double *hi)
{
	double z2 = z * z, den, centre, half;

	if (!(n > 0)) {
		*lo = 0.0;
		*hi = 1.0;
		return;
	}
	den = 1.0 + z2 / n;
	centre = (p + z2 / (2.0 * n)) / den;
	half = z * sqrt(fmax(0.0, p * (1.0 - p)) / n + z2 / (4.0 * n * n)) / den;
	/* Exact at the edges: rounding must not push the interval past the data. */
	*lo = p <= 0.0 ? 0.0 : fmax(0.0, centre - half);
	*hi = p >= 1.0 ? 1.0 : fmin(1.0, centre + half);
}

void wilson_interval(size_t k, size_t n, double z, double *lo, double *hi)
{
	wilson_share(n ? (double)k / (double)n : 0.0, (double)n, z, lo, hi);
}

/*
 * I_x(a, b) by its continued fraction, evaluated with Lentz's method, on
 * the side where it converges fast (x below (a + 1) / (a + b + 2)); the
 * other side by I_x(a, b) = 1 - I_{1-x}(b, a).
 */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double f = tiny, c = f, d = 0.0;

	for (int j = 1; j < 1000; j++) {
		double num, del;
		int m = j / 2;
		if (j == 1)
			num = 1.0;
		else if (j % 2 == 0) /* d_{2m+1}, m = j/2 - 1 */
			num = -(a + (m - 1)) * (a + b + (m - 1)) * x /
			      ((a + 2 * (m - 1)) * (a + 2 * (m - 1) + 1));
		else /* d_{2m}, m = (j - 1) / 2 */
			num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		d = 1.0 + num * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1.0 + num / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1.0 / d;
		del = c * d;
		f *= del;
		if (fabs(del - 1.0) < 1e-15)
			break;
	}
	return f;
}

static double ibeta(double a, double b, double x)
{
	double front;

	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * beta_cf(a, b, x) / a;
	return 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

double t_quantile(double q, double df)
{
	double lo = 0.0, hi = 1.0, tail;

	if (q == 0.5)
		return 0.0;
	if (q < 0.5)
		return -t_quantile(1.0 - q, df);
	/* P(T > t) = I_{df/(df+t^2)}(df/2, 1/2) / 2, falling in t: bisect. */
	tail = 1.0 - q;
	while (hi < 1e12 && 0.5 * ibeta(df / 2, 0.5, df / (df + hi * hi)) > tail)
		hi *= 2.0;
	for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
		double mid = (lo + hi) / 2;
		if (0.5 * ibeta(df / 2, 0.5, df / (df + mid * mid)) > tail)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

void clustered_add(struct clustered *c, double k, double n)
{
	c->k += k;
	c->n += n;
	c->kk += k * k;
	c->kn += k * n;
	c->nn += n * n;
	c->clusters++;
}

void clustered_wilson(const struct clustered *c, double z, double *lo, double *hi,
		      double *n_eff)
{
	double n = c->n, p, eff, nc = (double)c->clusters;

	*n_eff = 0.0;
	if (!(n > 0) || !c->clusters) {
		*lo = 0.0;
		*hi = 1.0;
		return;
	}
	p = c->k / n;
	eff = n;
	if (nc >= n) { /* each trial its own cluster: Wilson's interval as it is */
		*n_eff = n;
		wilson_share(p, n, z, lo, hi);
		return;
	}
	if (c->clusters == 1) { /* one image: nothing to say about others */
		*lo = 0.0;
		*hi = 1.0;
		return;
	}
	if (p > 0.0 && p < 1.0) {
		/* Sum over clusters of (k_i - p n_i)^2, expanded. */
		double s = c->kk - 2.0 * p * c->kn + p * p * c->nn;
		double var_cl = nc / (nc - 1.0) * s / (n * n);
		double var_srs = p * (1.0 - p) / (n - 1.0);
		if (var_cl > var_srs)
			eff = n * var_srs / var_cl;
	}
	/* Korn and Graubard: the t quantiles of the tasks' and the clusters' degrees of freedom. */
	{
		double q = 1.0 - 0.5 * erfc(z / sqrt(2.0)); /* the normal's P(Z <= z) */
		double r = t_quantile(q, n - 1.0) / t_quantile(q, nc - 1.0);
		eff *= r * r;
	}
	*n_eff = eff;
	wilson_share(p, eff, z, lo, hi);
}

/*
 * Q(a, x) by the series of P(a, x) below x < a + 1, else by Legendre's
 * continued fraction (evaluated with Lentz's method): each converges fast on
 * its side.
 */
double chi2_sf(double x, double df)
{
	double a = df / 2, h = x / 2, lg = lgamma(a);

	if (!(x > 0))
		return 1.0;
	if (h < a + 1) {
		double sum = 1 / a, term = sum;
		for (int n = 1; n < 1000 && fabs(term) > fabs(sum) * 1e-15; n++) {
			term *= h / (a + n);
			sum += term;
		}
		return fmax(0.0, 1 - sum * exp(-h + a * log(h) - lg));
	} else {
		double b = h + 1 - a, c = 1 / 1e-300, d = 1 / b, f = d;
		for (int i = 1; i < 1000; i++) {
			double an = -i * (i - a), del;
			b += 2;
			d = an * d + b;
			d = fabs(d) < 1e-300 ? 1e-300 : d;
			c = b + an / c;
			c = fabs(c) < 1e-300 ? 1e-300 : c;
			d = 1 / d;
			del = d * c;
			f *= del;
			if (fabs(del - 1) < 1e-15)
				break;
		}
		return exp(-h + a * log(h) - lg) * f;
	}
}

void cochran_blocks(const double *x, size_t blocks, size_t k, double *q, double *p)
{
	double s = 0, total = 0, dev = 0, cbar;

	for (size_t i = 0; i < blocks; i++) {
		const double *row = x + i * k;
		double mean = 0;
		for (size_t j = 0; j < k; j++)
			mean += row[j];
		total += mean;
		mean /= (double)k;
		for (size_t j = 0; j < k; j++)
			s += (row[j] - mean) * (row[j] - mean);
	}
	cbar = total / (double)k;
	for (size_t j = 0; j < k; j++) {
		double c = 0;
		for (size_t i = 0; i < blocks; i++)
			c += x[i * k + j];
		dev += (c - cbar) * (c - cbar);
	}
	*q = 0;
	*p = 1;
	if (k < 2 || !(s > 1e-12))
		return;
	*q = (double)(k - 1) * dev / s;
	*p = chi2_sf(*q, (double)(k - 1));
}

/* ---- paired comparisons ------------------------------------------------ */

/*
 * log P(X = i) for i = 0..k walks C(n, i) up by the ratio (n - i) / (i + 1);
 * the sum is taken relative to the largest term so that tails of 1e-300
 * neither underflow the sum nor lose the terms that matter.
 */
double binom_cdf(size_t k, size_t n, double p)
{
	double lp, lq, lc = 0.0, l, max = -INFINITY, sum = 0.0;

	if (k >= n || p <= 0.0)
		return 1.0;
	if (p >= 1.0)
		return 0.0;
	lp = log(p);
	lq = log1p(-p);
	for (size_t i = 0; i <= k; i++) {
		l = lc + (double)i * lp + (double)(n - i) * lq;
		if (l > max)
			max = l;
		lc += log((double)(n - i)) - log((double)(i + 1));
	}
	lc = 0.0;
	for (size_t i = 0; i <= k; i++) {
		l = lc + (double)i * lp + (double)(n - i) * lq;
		sum += exp(l - max);
		lc += log((double)(n - i)) - log((double)(i + 1));
	}
	l = max + log(sum);
	return l >= 0.0 ? 1.0 : exp(l);
}

double binom_cdf_real(double k, double n, double p)
{
	if (k < 0.0)
		return 0.0;
	if (k >= n || p <= 0.0)
		return 1.0;
	if (p >= 1.0)
		return 0.0;
	/* P(X <= k) = I_{1-p}(n - k, k + 1), which is defined between the integers too. */
	return ibeta(n - k, k + 1.0, 1.0 - p);
}

double binom_sf(size_t k, size_t n, double p)
{
	/* X >= k  <=>  n - X <= n - k, and n - X ~ Binomial(n, 1 - p). */
	if (k == 0)
		return 1.0;
	if (k > n)
		return 0.0;
	return binom_cdf(n - k, n, 1.0 - p);
}

double binom_sf_real(double k, double n, double p)
{
	if (k <= 0.0)
		return 1.0;
	if (k > n)
		return 0.0;
	return binom_cdf_real(n - k, n, 1.0 - p);
}

double mcnemar_exact_p(size_t b, size_t c)
{
	double p;

	if (b + c == 0)
		return 1.0;
	p = 2.0 * binom_cdf(b < c ? b : c, b + c, 0.5);
	return p > 1.0 ? 1.0 : p;
}

double mcnemar_clustered_p(size_t b, size_t c, double sum_d2)
{
	double n = (double)b + (double)c, r, p;

	if (!n || !(sum_d2 > n))
		return mcnemar_exact_p(b, c);
	r = sum_d2 / n; /* the design effect of b - c */
	p = 2.0 * binom_cdf_real((double)(b < c ? b : c) / r, n / r, 0.5);
	return p > 1.0 ? 1.0 : p;
}

static uint64_t pboot_splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, k) without modulo bias. */
static size_t pboot_below(uint64_t *s, size_t k)
{
	uint64_t bound = (uint64_t)k, threshold = (0 - bound) % bound, r;

	do
		r = pboot_splitmix(s);
	while (r < threshold);
	return (size_t)(r % bound);
}

static int pboot_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int paired_bootstrap(const size_t *n, const long *d, size_t k, size_t reps, uint64_t seed,
		     double level, double *lo, double *hi)
{
	uint64_t s = seed;
	double *r, q;
	size_t i_lo, i_hi;

	*lo = *hi = 0.0;
	if (!k || !reps)
		return -1;
	r = malloc(reps * sizeof(*r));
	if (!r)
		return -1;
	for (size_t b = 0; b < reps; b++) {
		size_t sn = 0;
		long sd = 0;
		for (size_t j = 0; j < k; j++) {
			size_t c = pboot_below(&s, k);
			sn += n[c];
			sd += d[c];
		}
		r[b] = sn ? (double)sd / (double)sn : 0.0;
	}
	qsort(r, reps, sizeof(*r), pboot_cmp);
	/* Nearest rank: the smallest resample with at least q of them at or below it. */
	q = ceil((1.0 - level) / 2.0 * (double)reps - 1e-9);
	i_lo = q < 1.0 ? 0 : (size_t)q - 1;
	q = ceil((1.0 + level) / 2.0 * (double)reps - 1e-9);
	i_hi = q < 1.0 ? 0 : (size_t)q - 1;
	if (i_hi >= reps)
		i_hi = reps - 1;
	*lo = r[i_lo];
	*hi = r[i_hi];
	free(r);
	return 0;
}
