/* sources_render: the files a `score` run read, in the reports (sources_render.h). */
#include "sources_render.h"

#include <string.h>

#include "report_html_int.h"
#include "../base/banned.h" /* last: see banned.h */

static double num_or(const cJSON *o, const char *key, double none)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	return cJSON_IsNumber(v) ? v->valuedouble : none;
}

int scored_file_read(const cJSON *entry, struct scored_file *f)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(entry, "their_verdicts");

	memset(f, 0, sizeof(*f));
	f->path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "path"));
	f->format = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "format"));
	if (!f->path || !f->format)
		return 0;
	f->base = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
	f->answers = num_or(entry, "answers", -1);
	f->column = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "column"));
	f->rows = num_or(t, "rows", 0);
	if (!f->column || !(f->rows > 0)) {
		f->column = NULL;
		return 1;
	}
	f->rule = !strcmp(f->column, "extracted")
			  ? "its yes/no matching, then its judge for what that could not read"
			  : "its option matching, then its judge; a circular set's result sheet "
			    "holds one CircularEval verdict per question";
	f->right = num_or(t, "right", 0);
	f->vsrbench_right = num_or(t, "vsrbench_right", 0);
	f->differ = num_or(t, "differ", 0);
	f->examples = cJSON_GetObjectItemCaseSensitive(t, "examples");
	return 1;
}

void scored_file_what(const struct scored_file *f, struct buf *out)
{
	buf_reset(out);
	buf_adds(out, f->format);
	if (f->answers >= 0)
		buf_addf(out, ", %.0f answer%s", f->answers, f->answers == 1 ? "" : "s");
}

/*
 * Under the headline's note: VLMEvalKit's own verdicts, a line for each file
 * that had them, then every file scored, folded (an MME list is 14 files).
 */
void sources_html(const cJSON *run, struct buf *out)
{
	const cJSON *src = run ? cJSON_GetObjectItemCaseSensitive(run, "source") : NULL, *s;
	struct scored_file f;
	struct buf what = BUF_INIT;
	size_t n = 0;

	cJSON_ArrayForEach(s, src) {
		if (!scored_file_read(s, &f))
			continue;
		n++;
		if (!f.column)
			continue;
		buf_adds(out, "<p class=\"note source\"><code>");
		html_esc(out, f.base);
		buf_adds(out, "</code>: VLMEvalKit's own verdicts, its column <code>");
		html_esc(out, f.column);
		buf_adds(out, "</code> (");
		html_esc(out, f.rule);
		buf_addf(out, "): %.0f of %.0f right (%.2f%%); vsrbench's extractor: %.0f right "
			      "(%.2f%%); they differ on %.0f of the %.0f replies.</p>\n",
			 f.right, f.rows, 100.0 * f.right / f.rows, f.vsrbench_right,
			 100.0 * f.vsrbench_right / f.rows, f.differ, f.rows);
	}
	if (!n)
		return;
	buf_addf(out, "<details class=\"fold\"><summary>scored from %zu file%s</summary><ul>\n", n,
		 n == 1 ? "" : "s");
	cJSON_ArrayForEach(s, src) {
		if (!scored_file_read(s, &f))
			continue;
		buf_adds(out, "<li><code>");
		html_esc(out, f.base);
		buf_adds(out, "</code> (");
		scored_file_what(&f, &what);
		html_esc(out, what.ptr);
		buf_adds(out, ")</li>\n");
	}
	buf_adds(out, "</ul></details>\n");
	buf_release(&what);
}

cJSON *sources_json(const cJSON *run)
{
	const cJSON *src = run ? cJSON_GetObjectItemCaseSensitive(run, "source") : NULL, *s;
	cJSON *arr = NULL;
	struct scored_file f;

	cJSON_ArrayForEach(s, src) {
		cJSON *o, *t;
		if (!scored_file_read(s, &f))
			continue;
		if (!arr)
			arr = cJSON_CreateArray();
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "path", f.path);
		cJSON_AddStringToObject(o, "format", f.format);
		if (f.answers >= 0)
			cJSON_AddNumberToObject(o, "answers", f.answers);
		if (f.column) {
			t = cJSON_AddObjectToObject(o, "their_verdicts");
			cJSON_AddStringToObject(t, "column", f.column);
			cJSON_AddNumberToObject(t, "rows", f.rows);
			cJSON_AddNumberToObject(t, "right", f.right);
			cJSON_AddNumberToObject(t, "vsrbench_right", f.vsrbench_right);
			cJSON_AddNumberToObject(t, "differ", f.differ);
			if (f.examples)
				cJSON_AddItemToObject(t, "examples", cJSON_Duplicate(f.examples, 1));
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}
