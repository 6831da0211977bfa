/*
 * progress: how far a run is, on stderr.
 *
 * On a terminal (PROGRESS_TTY) one self-overwriting line with done/total,
 * rate, ETA and the running accuracy, redrawn a few times a second.
 * Without one (PROGRESS_LINES: a CI log, a file) one plain line every
 * `interval` seconds (30 by default), and a last line with the elapsed time
 * and rate when any was printed, so a long run is never silent and a short
 * one adds nothing.  Messages printed through vsr_warn/vsr_error while a
 * terminal line is drawn start on a fresh line.
 */
#ifndef VSR_PROGRESS_H
#define VSR_PROGRESS_H

#include <stddef.h>

enum progress_mode {
	PROGRESS_OFF = 0,
	PROGRESS_TTY,
	PROGRESS_LINES,
	PROGRESS_AUTO, /* for options only: TTY when stdout and stderr are terminals (term_redraws), else LINES */
};

#define PROGRESS_LINES_INTERVAL 30.0

struct progress {
	int mode;        /* enum progress_mode, never AUTO */
	double interval; /* seconds between lines (PROGRESS_LINES) */
	size_t total, already;
	double start, last;
	int drawn;
	long conc;       /* a served model's requests allowed in flight; < 0: not shown */
};

/* mode PROGRESS_AUTO is resolved here; interval <= 0: the mode's default. */
void progress_init(struct progress *p, int mode, double interval, size_t total, size_t already);
void progress_update(struct progress *p, size_t done, size_t correct, size_t answered,
		     size_t errors, int final);
double progress_elapsed(const struct progress *p);
/* "auto", "tty", "lines" or "off" -> *mode; -1 for anything else. */
int progress_parse_mode(const char *s, int *mode);

#endif
