/*
 * mmbench_names: the name lists of the MMBench options, and the error for a
 * TSV not found (moved out of mmbench.c).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mmbench_names.h"
#include "../base/buf.h"
#include "../base/util.h"

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

void mmbench_names_add(struct names *ns, const char *s, size_t len)
{
	ns->v = xrealloc(ns->v, (ns->n + 1) * sizeof(*ns->v));
	ns->hits = xrealloc(ns->hits, (ns->n + 1) * sizeof(*ns->hits));
	ns->hits[ns->n] = 0;
	ns->v[ns->n] = xmalloc(len + 1);
	memcpy(ns->v[ns->n], s, len);
	ns->v[ns->n][len] = '\0';
	ns->n++;
}

void mmbench_names_release(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	free(ns->hits);
	ns->v = NULL;
	ns->hits = NULL;
	ns->n = 0;
}

/* Case-insensitive; counts the hit. */
int mmbench_names_match(struct names *ns, const char *s)
{
	for (size_t i = 0; i < ns->n; i++)
		if (!strcasecmp(ns->v[i], s)) {
			ns->hits[i]++;
			return 1;
		}
	return 0;
}

/* A comma list; "all" clears the list and returns 1. */
int mmbench_parse_list(struct names *ns, const char *v)
{
	mmbench_names_release(ns);
	if (!strcasecmp(v, "all"))
		return 1;
	while (*v) {
		const char *e = strchr(v, ',');
		const char *s = v, *t = e ? e : v + strlen(v);
		while (s < t && *s == ' ')
			s++;
		while (t > s && t[-1] == ' ')
			t--;
		if (t > s)
			mmbench_names_add(ns, s, (size_t)(t - s));
		if (!e)
			break;
		v = e + 1;
	}
	return 0;
}


/* Case-insensitive, without counting (the scan counted). */
int mmbench_names_has(const struct names *ns, const char *s)
{
	for (size_t i = 0; i < ns->n; i++)
		if (!strcasecmp(ns->v[i], s))
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The TSV not found                                                   */
/* ------------------------------------------------------------------ */

int mmbench_unreadable(const char *suite, const char *path, const char *file, int errnum,
		       char *err)
{
	/* VLMEvalKit keeps its TSVs in $LMUData, else ~/LMUData (its LMUDataRoot). */
	const char *roots[2] = { getenv("LMUData"), getenv("HOME") };
	struct buf lmu = BUF_INIT;
	int r;

	if (!strchr(file, '/') && !access(file, R_OK))
		return err_set(err, VSR_EDATA,
			       "suite %s: cannot read %s: %s (-S file=%s is looked for in the data "
			       "folder's mmbench/; for the file in the working directory write -S "
			       "file=./%s)",
			       suite, path, strerror(errnum), file, file);
	for (int i = 0; i < 2 && !strchr(file, '/'); i++) {
		if (!roots[i] || !*roots[i])
			continue;
		buf_reset(&lmu);
		buf_addf(&lmu, "%s%s/%s", roots[i], i ? "/LMUData" : "", file);
		if (!access(lmu.ptr, R_OK) && strcmp(lmu.ptr, path))
			break;
		buf_reset(&lmu);
	}
	if (lmu.len)
		r = err_set(err, VSR_EDATA,
			    "suite %s: cannot read %s: %s; VLMEvalKit's copy is at %s: -S file=%s "
			    "reads it (or `vsrbench data pull mmbench` fetches one)",
			    suite, path, strerror(errnum), lmu.ptr, lmu.ptr);
	else
		r = err_set(err, VSR_EDATA,
			    "suite %s: cannot read %s: %s (get it with `vsrbench data pull mmbench`, "
			    "or name another file with -S file=)",
			    suite, path, strerror(errnum));
	buf_release(&lmu);
	return r;
}
