/*
 * mme_list: MME's eval-tool list files (see mme.h, mme_list_scan), read by
 * the MME suites and by `vsrbench score`: one question a line, image TAB
 * question TAB ground truth [TAB response], two consecutive questions per
 * image, as the eval tool's calculation.py scores them.
 */
#include "mme.h"

#include <string.h>
#include <strings.h>

#include "../base/lines.h"
#include "../base/util.h"


int mme_label(const char *s, answer_t *out)
{
	/* calculation.py lower-cases the ground truth, then asserts yes or no. */
	if (!strcasecmp(s, "yes"))
		*out = ANS_YES;
	else if (!strcasecmp(s, "no"))
		*out = ANS_NO;
	else
		return -1;
	return 0;
}

int mme_list_scan(const char *path, int (*fn)(const struct mme_line *, void *), void *ctx,
		  char *err)
{
	struct lines l;
	struct buf prev = BUF_INIT;
	size_t n = 0, prev_line = 0;
	int r;

	if ((r = lines_open(&l, path, MME_LINE_MAX, err)))
		return r;
	while ((r = lines_next(&l, err)) == 1) {
		char *cols[5], *p = l.line.ptr, *tab;
		size_t nc = 0;
		struct mme_line ml;

		if (!*p) /* a blank line (calculation.py would choke on it): no question */
			continue;
		for (;;) {
			if (nc < 5)
				cols[nc] = p;
			nc++;
			tab = strchr(p, '\t');
			if (!tab)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (nc != 3 && nc != 4) {
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: %zu tab-separated columns, expected image, question, Yes|No "
				    "and optionally the model's answer (an answer may not contain a TAB)",
				    path, l.lineno, nc);
			break;
		}
		memset(&ml, 0, sizeof(ml));
		ml.lineno = l.lineno;
		ml.image = cols[0];
		ml.question = cols[1];
		ml.response = nc == 4 ? cols[3] : NULL;
		if (!*ml.image || !*ml.question) {
			r = err_set(err, VSR_EDATA, "%s:%zu: empty image name or question", path,
				    l.lineno);
			break;
		}
		if (mme_label(cols[2], &ml.label)) {
			r = err_set(err, VSR_EDATA, "%s:%zu: ground truth '%.40s', expected Yes or No",
				    path, l.lineno, cols[2]);
			break;
		}
		/* calculation.py scores lines two by two: both must be about one image. */
		ml.nth = n % 2 ? 2 : 1;
		if (ml.nth == 2 && strcmp(prev.ptr, ml.image)) {
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: image %.100s, but the question on line %zu (its pair) is "
				    "about %.100s; every image has two consecutive questions",
				    path, l.lineno, ml.image, prev_line, prev.ptr);
			break;
		}
		buf_reset(&prev);
		buf_adds(&prev, ml.image);
		prev_line = l.lineno;
		n++;
		if ((r = fn(&ml, ctx)))
			break;
	}
	if (r == 0 && n % 2)
		r = err_set(err, VSR_EDATA,
			    "%s:%zu: the last question has no pair (%zu questions; every image has two)",
			    path, prev_line, n);
	if (r == 0 && n == 0)
		r = err_set(err, VSR_EDATA, "%s: no questions", path);
	lines_close(&l);
	buf_release(&prev);
	return r;
}

