/*
 * redact: secrets out of every file and stream (see redact.h).
 *
 * Every run of REDACT_MIN_RUN bytes or more of a secret contains one of the
 * secret's REDACT_MIN_RUN-byte windows, and a run is the union of the
 * windows it contains; so the text is scanned once, each of its windows
 * looked up (as a 64-bit word, binary search) among the secrets' windows,
 * and the bytes of each window found are masked.  The comparison reads the
 * bytes at and after i, and byte i is masked only once the scan has passed
 * it, so masking never hides a window still to be compared.
 */
#include "redact.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h" /* last: it includes banned.h */

#define MAX_SECRETS 8

static char *secrets[MAX_SECRETS];
static size_t n_secrets;
static uint64_t *windows; /* every secret's windows, sorted */
static size_t n_windows;

static uint64_t word(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void redact_add_secret(const char *secret)
{
	size_t len = secret ? strlen(secret) : 0;

	if (len < 4)
		return;
	for (size_t i = 0; i < n_secrets; i++)
		if (!strcmp(secrets[i], secret))
			return;
	if (n_secrets == MAX_SECRETS) {
		vsr_warn("more than %d secrets: the others are not masked", MAX_SECRETS);
		return;
	}
	secrets[n_secrets++] = xstrdup(secret);
	if (len >= REDACT_MIN_RUN) {
		windows = xrealloc(windows, (n_windows + len) * sizeof(*windows));
		for (size_t i = 0; i + REDACT_MIN_RUN <= len; i++)
			windows[n_windows++] = word(secret + i);
		qsort(windows, n_windows, sizeof(*windows), cmp_u64);
	}
}

int redact_active(void)
{
	return n_secrets > 0;
}

static int known(uint64_t w)
{
	size_t lo = 0, hi = n_windows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (windows[mid] == w)
			return 1;
		if (windows[mid] < w)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

size_t redact_apply(char *s, size_t n)
{
	size_t masked = 0, until = 0;

	if (!n_secrets || !s)
		return 0;
	/* Secrets shorter than a window: whole occurrences only. */
	for (size_t k = 0; k < n_secrets; k++) {
		size_t kl = strlen(secrets[k]);
		if (kl >= REDACT_MIN_RUN)
			continue;
		for (size_t i = 0; i + kl <= n; i++)
			if (!memcmp(s + i, secrets[k], kl)) {
				memset(s + i, '*', kl);
				masked += kl;
				i += kl - 1;
			}
	}
	if (!n_windows)
		return masked;
	for (size_t i = 0; i < n; i++) {
		if (i + REDACT_MIN_RUN <= n && known(word(s + i)))
			until = i + REDACT_MIN_RUN;
		if (i < until && s[i] != '*') {
			s[i] = '*';
			masked++;
		}
	}
	return masked;
}

void redact_clear(void)
{
	for (size_t i = 0; i < n_secrets; i++)
		free(secrets[i]);
	n_secrets = 0;
	free(windows);
	windows = NULL;
	n_windows = 0;
}
