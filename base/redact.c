/*
 * redact: secrets out of every file and stream (see redact.h).
 *
 * Every run of REDACT_MIN_RUN bytes or more of a secret contains one of the
 * secret's REDACT_MIN_RUN-byte windows, and a run is the union of the
 * windows it contains; so the text is scanned once, each of its windows
 * looked up (as a 64-bit word, binary search) among the secrets' windows,
 * and the bytes of each window found are masked.  The scan reads the text
 * as units, an escape being one (JSON's \/ and \u00XX, percent-encoding):
 * a server that echoes the key escaped, or a journal that escapes such an
 * echo once more, hides no byte of it (issue 18, finding 6).
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

/* The byte of two hex digits at p (n bytes there), or -1. */
static int hex2(const char *p, size_t n)
{
	int a, b;

	if (n < 2 || (a = hex_digit((unsigned char)p[0])) < 0 || (b = hex_digit((unsigned char)p[1])) < 0)
		return -1;
	return a << 4 | b;
}

/*
 * The unit of text at s[i..n): the byte it stands for, and its length in
 * *len.  An escape is one unit: "%XX" (and "%25XX", percent-encoded
 * twice), and a run of backslashes before "/" or "uXXXX" below 0x80 (JSON's
 * escapes, the run for a JSON string inside a JSON string).  Anything else
 * is itself, one byte.
 */
static unsigned char unit_at(const char *s, size_t i, size_t n, size_t *len)
{
	size_t k = i;
	int v;

	*len = 1;
	if (s[i] == '%' && (v = hex2(s + i + 1, n - i - 1)) >= 0) {
		*len = 3;
		if (v == '%' && (v = hex2(s + i + 3, n - i - 3)) >= 0)
			*len = 5;
		else
			v = hex2(s + i + 1, n - i - 1);
		return (unsigned char)v;
	}
	if (s[i] != '\\')
		return (unsigned char)s[i];
	while (k < n && s[k] == '\\')
		k++;
	if (k < n && s[k] == '/') {
		*len = k + 1 - i;
		return '/';
	}
	if (n - k >= 5 && s[k] == 'u' && (v = hex2(s + k + 1, 2)) == 0 &&
	    (v = hex2(s + k + 3, 2)) >= 0 && v < 0x80) {
		*len = k + 5 - i;
		return (unsigned char)v;
	}
	return '\\';
}

size_t redact_apply(char *s, size_t n)
{
	size_t masked = 0, have = 0, from[REDACT_MIN_RUN];
	char win[REDACT_MIN_RUN];

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
	/*
	 * The text read as units (unit_at), so that a key sent back escaped
	 * ("sk\/..", "\u0073k-..", "sk%2D..") is found like a plain one: the
	 * last REDACT_MIN_RUN units' bytes in win, where each starts in from;
	 * a window found masks the source bytes of its units, escapes whole.
	 * Only bytes before the unit just read are masked, so none still to be
	 * read is changed.
	 */
	for (size_t i = 0, len; i < n; i += len) {
		unsigned char c = unit_at(s, i, n, &len);

		memmove(win, win + 1, REDACT_MIN_RUN - 1);
		memmove(from, from + 1, (REDACT_MIN_RUN - 1) * sizeof(*from));
		win[REDACT_MIN_RUN - 1] = (char)c;
		from[REDACT_MIN_RUN - 1] = i;
		if (++have < REDACT_MIN_RUN || !known(word(win)))
			continue;
		for (size_t j = from[0]; j < i + len; j++)
			if (s[j] != '*') {
				s[j] = '*';
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
