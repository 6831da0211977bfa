/*
 * score_verdicts: another harness's own verdicts in the file being scored
 * (VLMEvalKit's "extracted" / "hit" columns) counted beside vsrbench's
 * reading of the same replies (split out of cmd_score.c).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "score_formats.h"
#include "../base/util.h" /* last: it includes banned.h */

/* The other harness's verdict on a reply beside vsrbench's reading of it. */
void score_their_verdict_note(struct score_theirs *t, const struct import_answer *a,
			       answer_t ours)
{
	int right = ours == a->label;

	t->col = a->theirs_col;
	t->rows++;
	t->right += a->theirs_right != 0;
	t->ours_right += right;
	if (right == (a->theirs_right != 0))
		return;
	t->differ++;
	if (cJSON_GetArraySize(t->examples) < 3) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "item", a->item);
		char cut[161];
		size_t n = strlen(a->response);
		/* The first 160 bytes, cut at a character's start. */
		if (n > 160) {
			n = 160;
			while (n && ((unsigned char)a->response[n] & 0xC0) == 0x80)
				n--;
		}
		memcpy(cut, a->response, n);
		cut[n] = '\0';
		cJSON_AddStringToObject(e, "reply", cut);
		cJSON_AddStringToObject(e, "truth", answer_name(a->label));
		cJSON_AddStringToObject(e, "theirs", a->theirs);
		cJSON_AddStringToObject(e, "vsrbench", answer_name(ours));
		cJSON_AddItemToArray(t->examples, e);
	}
}

/*
 * A VLMEvalKit evaluated sheet: its own verdicts beside vsrbench's reading,
 * in run.json's source of the file (report.md shows them).
 */
void score_their_verdicts_report(struct score *s, const char *path)
{
	cJSON *last = NULL, *it, *o = cJSON_CreateObject();

	cJSON_ArrayForEach(it, s->sources)
		last = it;
	cJSON_AddStringToObject(o, "column", s->theirs.col);
	cJSON_AddNumberToObject(o, "rows", (double)s->theirs.rows);
	cJSON_AddNumberToObject(o, "right", (double)s->theirs.right);
	cJSON_AddNumberToObject(o, "vsrbench_right", (double)s->theirs.ours_right);
	cJSON_AddNumberToObject(o, "differ", (double)s->theirs.differ);
	cJSON_AddItemToObject(o, "examples", s->theirs.examples);
	s->theirs.examples = NULL;
	if (!s->quiet)
		printf("%s: VLMEvalKit's own verdicts (column %s): %zu of %zu right; vsrbench's "
		       "reading: %zu; they differ on %zu of the %zu replies\n",
		       path, s->theirs.col, s->theirs.right, s->theirs.rows, s->theirs.ours_right,
		       s->theirs.differ, s->theirs.rows);
	if (last)
		cJSON_AddItemToObject(last, "their_verdicts", o);
	else
		cJSON_Delete(o);
}
