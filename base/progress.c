#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

void progress_init(struct progress *p, int mode, double interval, size_t total, size_t already)
{
	if (mode == PROGRESS_AUTO)
		mode = isatty(STDOUT_FILENO) && term_redraws(STDERR_FILENO) ? PROGRESS_TTY : PROGRESS_LINES;
	p->mode = mode;
	p->interval = interval > 0 ? interval : mode == PROGRESS_LINES ? PROGRESS_LINES_INTERVAL : 0.2;
	p->total = total;
	p->already = already;
	p->start = wall_seconds();
	p->last = p->start;
	p->drawn = 0;
	p->conc = -1;
}

double progress_elapsed(const struct progress *p)
{
	return wall_seconds() - p->start;
}

int progress_parse_mode(const char *s, int *mode)
{
	static const char *const names[] = { "off", "tty", "lines", "auto" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*mode = i;
			return 0;
		}
	return -1;
}

/* "1h02m", "3m05s", "42s": durations a person reads at a glance. */
static void duration(char *out, size_t n, double s)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(out, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(out, n, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(out, n, "%lds", t);
}

void progress_update(struct progress *p, size_t done, size_t correct, size_t answered,
		     size_t errors, int final)
{
	double now = wall_seconds(), el = now - p->start, rate;
	size_t all = p->already + done;
	char eta[32] = "", took[32];

	if (p->mode == PROGRESS_OFF || (!final && now - p->last < p->interval))
		return;
	if (final && !p->drawn)
		return;
	/* Nothing finished yet: a rate and an ETA of 0 say nothing. */
	if (!final && !done)
		return;
	p->last = now;
	p->drawn = 1;
	rate = el > 0 ? (double)done / el : 0;
	if (rate > 0 && p->total > all)
		duration(eta, sizeof(eta), (double)(p->total - all) / rate);
	if (p->mode == PROGRESS_LINES) {
		if (final) {
			duration(took, sizeof(took), el);
			fprintf(stderr, "%s: progress: %zu/%zu tasks done in %s (%.1f tasks/s)", vsr_progname,
				all, p->total, took, rate);
		} else {
			fprintf(stderr, "%s: progress: %zu/%zu tasks (%.0f%%), %.1f tasks/s%s%s, acc %.1f%%",
				vsr_progname, all, p->total,
				p->total ? 100.0 * (double)all / (double)p->total : 100.0, rate,
				eta[0] ? ", ETA " : "", eta,
				100.0 * (double)correct / (double)done);
			if (p->conc >= 0)
				fprintf(stderr, ", in flight up to %ld", p->conc);
		}
		if (errors)
			fprintf(stderr, ", errors %zu", errors);
		fputc('\n', stderr);
		fflush(stderr);
		return;
	}
	fprintf(stderr, "\r\033[K  %zu/%zu tasks  %.1f/s%s%s  acc %.1f%%  answered %.1f%%", all,
		p->total, rate, eta[0] ? "  ETA " : "", eta,
		done ? 100.0 * (double)correct / (double)done : 0.0,
		done ? 100.0 * (double)answered / (double)done : 0.0);
	if (p->conc >= 0)
		fprintf(stderr, "  -j %ld", p->conc);
	if (errors)
		fprintf(stderr, "  errors %zu", errors);
	if (final)
		fputc('\n', stderr);
	vsr_stderr_line_open = !final;
	fflush(stderr);
}
