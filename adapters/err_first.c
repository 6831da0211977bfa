/*
 * err_first: the first error of each kind on stderr (see err_first.h).
 */
#include "err_first.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "../base/util.h" /* last: it includes banned.h */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t seen[ERR_FIRST_KINDS];
static size_t n_seen;
static int said_more;

/* The kind: a hash of the text without its digits (FNV-1a). */
static uint64_t kind_of(const char *text)
{
	uint64_t h = 1469598103934665603ULL;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (!isdigit(*p)) {
			h ^= *p;
			h *= 1099511628211ULL;
		}
	return h;
}

void err_first_show(const char *who, const char *text, int retried)
{
	uint64_t k = kind_of(text);
	size_t i;

	pthread_mutex_lock(&mu);
	for (i = 0; i < n_seen && seen[i] != k; i++)
		;
	if (i == n_seen) {
		if (n_seen < ERR_FIRST_KINDS) {
			seen[n_seen++] = k;
			vsr_warn("%s: a task failed%s: %.400s (later errors like it are only in samples.jsonl)",
				 who, retried ? " (tried again)" : "", text);
		} else if (!said_more) {
			said_more = 1;
			vsr_warn("%s: more kinds of task errors: see \"error\" in samples.jsonl", who);
		}
	}
	pthread_mutex_unlock(&mu);
}
