/* stats: intervals and small statistics used by the metrics. */
#ifndef VSR_STATS_H
#define VSR_STATS_H

#include <stddef.h>

#define Z95 1.959963984540054

/*
 * Wilson score interval for k successes in n trials at normal quantile z.
 * For n == 0 the interval is [0, 1].
 */
void wilson_interval(size_t k, size_t n, double z, double *lo, double *hi);

#endif
