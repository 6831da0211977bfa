#include "stats.h"

#include <math.h>

void wilson_interval(size_t k, size_t n, double z, double *lo, double *hi)
{
	double p, z2, den, centre, half;

	if (n == 0) {
		*lo = 0.0;
		*hi = 1.0;
		return;
	}
	p = (double)k / (double)n;
	z2 = z * z;
	den = 1.0 + z2 / (double)n;
	centre = (p + z2 / (2.0 * (double)n)) / den;
	half = z * sqrt(p * (1.0 - p) / (double)n + z2 / (4.0 * (double)n * (double)n)) / den;
	*lo = centre - half;
	*hi = centre + half;
	/* Exact at the edges: rounding must not push the interval past the data. */
	if (k == 0 || *lo < 0.0)
		*lo = 0.0;
	if (k == n || *hi > 1.0)
		*hi = 1.0;
}
