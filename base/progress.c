#include "progress.h"

#include <stdio.h>

#include "util.h"

void progress_init(struct progress *p, int enabled, size_t total, size_t already)
{
	p->enabled = enabled;
	p->total = total;
	p->already = already;
	p->start = wall_seconds();
	p->last = 0;
	p->drawn = 0;
}

double progress_elapsed(const struct progress *p)
{
	return wall_seconds() - p->start;
}

void progress_update(struct progress *p, size_t done, size_t correct, size_t answered,
		     size_t errors, int final)
{
	double now = wall_seconds(), el = now - p->start, rate, eta;
	size_t all = p->already + done;

	if (!p->enabled || (!final && now - p->last < 0.2))
		return;
	if (final && !p->drawn)
		return;
	p->last = now;
	p->drawn = 1;
	rate = el > 0 ? (double)done / el : 0;
	eta = rate > 0 && p->total > all ? (double)(p->total - all) / rate : 0;
	fprintf(stderr, "\r\033[K  %zu/%zu tasks  %.1f/s  ETA %.0fs  acc %.1f%%  answered %.1f%%",
		all, p->total, rate, eta, done ? 100.0 * (double)correct / (double)done : 0.0,
		done ? 100.0 * (double)answered / (double)done : 0.0);
	if (errors)
		fprintf(stderr, "  errors %zu", errors);
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}
