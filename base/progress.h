/*
 * progress: one self-overwriting line on stderr with done/total, rate, ETA
 * and the running accuracy.  Drawn only when enabled (stdout and stderr are
 * terminals), at most a few times a second.
 */
#ifndef VSR_PROGRESS_H
#define VSR_PROGRESS_H

#include <stddef.h>

struct progress {
	int enabled;
	size_t total, already;
	double start, last;
	int drawn;
};

void progress_init(struct progress *p, int enabled, size_t total, size_t already);
void progress_update(struct progress *p, size_t done, size_t correct, size_t answered,
		     size_t errors, int final);
double progress_elapsed(const struct progress *p);

#endif
