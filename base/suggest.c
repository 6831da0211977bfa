#include "suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "banned.h" /* last: see banned.h */

#define MAXLEN 64

unsigned suggest_distance(const char *a, const char *b)
{
	/* Three rows of the optimal-string-alignment table. */
	unsigned rows[3][MAXLEN + 1], *pp = rows[0], *p = rows[1], *c = rows[2];
	size_t n = strlen(a), m = strlen(b);

	if (n > MAXLEN || m > MAXLEN)
		return 255;
	for (size_t j = 0; j <= m; j++)
		p[j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++) {
		c[0] = (unsigned)i;
		for (size_t j = 1; j <= m; j++) {
			int ai = tolower((unsigned char)a[i - 1]), bj = tolower((unsigned char)b[j - 1]);
			unsigned cost = ai != bj, v = p[j - 1] + cost;
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == bj && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1; /* a transposition */
			c[j] = v;
		}
		{
			unsigned *t = pp;
			pp = p;
			p = c;
			c = t;
		}
	}
	return p[m] > 255 ? 255 : p[m];
}

const char *suggest_nearest_field(const char *word, const void *base, size_t n, size_t stride)
{
	const char *best = NULL;
	unsigned best_d = 256;
	size_t wl = strlen(word);

	if (!wl)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *cand = *(const char *const *)((const char *)base + i * stride);
		size_t cl, longer;
		unsigned d;

		if (!cand)
			continue;
		cl = strlen(cand);
		longer = cl > wl ? cl : wl;
		d = suggest_distance(word, cand);
		/* "synt" for "synth", "pol" for "pool": a prefix of 3+ letters. */
		if (wl >= 3 && cl > wl && !strncasecmp(cand, word, wl) && d > 1)
			d = 1;
		if (d > 3 || d * 3 > longer)
			continue;
		if (d < best_d) {
			best_d = d;
			best = cand;
		}
	}
	return best;
}

const char *suggest_nearest(const char *word, const char *const *cands, size_t n)
{
	return suggest_nearest_field(word, cands, n, sizeof(*cands));
}

const char *suggest_nearest_list(const char *word, const char *list, char *out, size_t n)
{
	char names[1024];
	const char *cands[64];
	size_t k = 0;
	const char *near;

	if (n)
		out[0] = '\0';
	snprintf(names, sizeof(names), "%s", list);
	for (char *p = names; *p && k < sizeof(cands) / sizeof(cands[0]);) {
		size_t len;
		p += strspn(p, ", ");
		len = strcspn(p, ", ");
		if (!len)
			break;
		cands[k++] = p;
		p += len;
		if (*p)
			*p++ = '\0';
	}
	near = suggest_nearest(word, cands, k);
	if (!near || !n)
		return NULL;
	snprintf(out, n, "%s", near);
	return out;
}

const char *suggest_hint(const char *word, const char *list, char *out, size_t n)
{
	char near[128];

	if (n)
		out[0] = '\0';
	if (n && suggest_nearest_list(word, list, near, sizeof(near)))
		snprintf(out, n, "; did you mean '%s'?", near);
	return out;
}
