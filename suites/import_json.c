/*
 * import_json: prediction files in JSON read into a sheet (suites/xlsx.h),
 * so that the sheet importers (import_sheet.c) read them as they read an
 * xlsx:
 *
 *  - VLMEvalKit's {model}_{dataset}.json (PRED_FORMAT=json): its dump()
 *    writes json.dump(df.to_dict('records'), indent=4, ensure_ascii=False):
 *    one object per row, the sheet's columns as keys, and an empty cell as
 *    Python's bare NaN token (not JSON: read here as null);
 *  - lmms-eval's logged samples of its MMBench and SEED-Bench tasks
 *    (*_samples_mmbench_*.jsonl, *_samples_seedbench.jsonl): one object a
 *    line, the question in "doc" (MMBench: index, question, hint, A-E,
 *    answer, category; SEED: question_id, question, choice_a-d, answer,
 *    data_type, question_type_id), or in the newer layout without doc in the
 *    process_results objects ("submission"/"gpt_eval_score" for MMBench;
 *    "seed_image"/"seed_all" with "input", the prompt sent, for SEED); the
 *    reply in "filtered_resps" or "resps".
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/lines.h"
#include "import.h"
#include "seed.h"
#include "xlsx.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

/* Caps: the file read whole, the columns kept. */
#define JSON_SHEET_MAX ((size_t)512 << 20)
#define JSON_SHEET_COLS 64

/* ---- the grid being built ------------------------------------------------- */

struct grid {
	struct xlsx_sheet *s;
	size_t cap_rows;
	char *names[JSON_SHEET_COLS]; /* the header, as the rows name their columns */
};

/* The column of `name`, added to the header when new; -1 when there is no room. */
static long grid_col(struct grid *g, const char *name)
{
	for (size_t c = 0; c < g->s->cols; c++)
		if (!strcmp(g->names[c], name))
			return (long)c;
	if (g->s->cols == JSON_SHEET_COLS)
		return -1;
	g->names[g->s->cols] = xstrdup(name);
	return (long)g->s->cols++;
}

/* A new row; rows are kept JSON_SHEET_COLS wide until grid_finish. */
static size_t grid_row(struct grid *g)
{
	if (g->s->rows == g->cap_rows) {
		g->cap_rows = g->cap_rows ? 2 * g->cap_rows : 64;
		g->s->cells = xrealloc(g->s->cells, g->cap_rows * JSON_SHEET_COLS * sizeof(char *));
	}
	memset(g->s->cells + g->s->rows * JSON_SHEET_COLS, 0, JSON_SHEET_COLS * sizeof(char *));
	return g->s->rows++;
}

static void grid_set(struct grid *g, size_t row, long col, char *text)
{
	char **c = &g->s->cells[row * JSON_SHEET_COLS + (size_t)col];
	free(*c);
	*c = text;
}

/* Packs the rows to the header's width and puts the header in row 0. */
static void grid_finish(struct grid *g)
{
	struct xlsx_sheet *s = g->s;
	size_t cols = s->cols ? s->cols : 1, rows = s->rows + 1;
	char **cells = xcalloc(rows * cols, sizeof(char *));

	for (size_t c = 0; c < s->cols; c++)
		cells[c] = g->names[c];
	for (size_t r = 0; r < s->rows; r++)
		memcpy(cells + (r + 1) * cols, s->cells + r * JSON_SHEET_COLS, s->cols * sizeof(char *));
	free(s->cells);
	s->cells = cells;
	s->rows = rows;
	s->cols = cols;
}

static void grid_abandon(struct grid *g)
{
	for (size_t r = 0; r < g->s->rows; r++)
		for (size_t c = 0; c < JSON_SHEET_COLS; c++)
			free(g->s->cells[r * JSON_SHEET_COLS + c]);
	free(g->s->cells);
	for (size_t c = 0; c < g->s->cols; c++)
		free(g->names[c]);
	memset(g->s, 0, sizeof(*g->s));
}

/* A JSON value as a cell's text (NULL for null): numbers as pandas writes them. */
static char *cell_text(const cJSON *v)
{
	char tmp[64];

	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (floor(d) == d && fabs(d) < 9007199254740992.0)
			snprintf(tmp, sizeof(tmp), "%.0f", d);
		else
			snprintf(tmp, sizeof(tmp), "%.17g", d);
		return xstrdup(tmp);
	}
	if (cJSON_IsBool(v))
		return xstrdup(cJSON_IsTrue(v) ? "True" : "False");
	if (cJSON_IsNull(v) || !v)
		return NULL;
	{
		char *p = cJSON_PrintUnformatted(v);
		char *t = xstrdup(p ? p : "");
		cJSON_free(p);
		return t;
	}
}

/*
 * Python's json writes float('nan') and the infinities as bare NaN,
 * Infinity, -Infinity: each becomes null (outside strings; newlines kept,
 * so line numbers stay those of the file).
 */
static void clean_nan(struct buf *out, const char *p, size_t n)
{
	int in_str = 0;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (in_str) {
			buf_addch(out, c);
			if (c == '\\' && i + 1 < n)
				buf_addch(out, p[++i]);
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"') {
			in_str = 1;
		} else if (c == 'N' && n - i >= 3 && !memcmp(p + i, "NaN", 3)) {
			buf_adds(out, "null");
			i += 2;
			continue;
		} else if (c == 'I' && n - i >= 8 && !memcmp(p + i, "Infinity", 8)) {
			buf_adds(out, "null");
			i += 7;
			continue;
		} else if (c == '-' && n - i >= 9 && !memcmp(p + i, "-Infinity", 9)) {
			buf_adds(out, "null");
			i += 8;
			continue;
		}
		buf_addch(out, c);
	}
}

cJSON *import_json_parse_py(const char *text, size_t len)
{
	struct buf c = BUF_INIT;
	cJSON *o;

	clean_nan(&c, text, len);
	o = cJSON_ParseWithLength(c.ptr, c.len);
	buf_release(&c);
	return o;
}

static size_t line_at(const char *p, const char *at)
{
	size_t line = 1;

	for (; p < at && *p; p++)
		line += *p == '\n';
	return line;
}

/*
 * The line of each top-level element of the array text p (cleaned): lines[k]
 * for element k, up to n.
 */
static void element_lines(const char *p, size_t *lines, size_t n)
{
	size_t line = 1, k = 0;
	int depth = 0, in_str = 0, want = 0;

	for (; *p && k < n; p++) {
		char c = *p;
		if (c == '\n')
			line++;
		if (in_str) {
			if (c == '\\' && p[1])
				p++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (depth == 1 && want && c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ',' &&
		    c != ']') {
			lines[k++] = line;
			want = 0;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '[' || c == '{')
			depth++, want |= depth == 1 && c == '[';
		else if (c == ']' || c == '}')
			depth--;
		else if (c == ',' && depth == 1)
			want = 1;
	}
}

/* ---- VLMEvalKit .json ------------------------------------------------------ */

int import_json_sheet_mem(struct xlsx_sheet *s, const char *name, const char *data, size_t len,
			  char *err)
{
	struct buf clean = BUF_INIT;
	struct grid g;
	cJSON *root;
	const cJSON *rec;
	size_t n, k = 0, *lines = NULL;
	int r = 0;

	memset(s, 0, sizeof(*s));
	memset(&g, 0, sizeof(g));
	g.s = s;
	clean_nan(&clean, data, len);
	root = cJSON_ParseWithLength(clean.ptr, clean.len);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		size_t line = at && at >= clean.ptr && at <= clean.ptr + clean.len
				      ? line_at(clean.ptr, at) : 1;
		r = err_set(err, VSR_EDATA, "%s:%zu: not valid JSON (a VLMEvalKit .json prediction "
				       "file is an array of row objects)", name, line);
		goto out;
	}
	if (!cJSON_IsArray(root)) {
		r = err_set(err, VSR_EDATA, "%s:1: not an array of row objects (VLMEvalKit's .json "
				       "prediction file)", name);
		goto out;
	}
	n = (size_t)cJSON_GetArraySize(root);
	if (n >= XLSX_ROWS_MAX) {
		r = err_set(err, VSR_EDATA, "%s: more than %zu rows", name, XLSX_ROWS_MAX - 1);
		goto out;
	}
	lines = xcalloc(n + 1, sizeof(*lines));
	element_lines(clean.ptr, lines, n);
	cJSON_ArrayForEach(rec, root) {
		const cJSON *v;
		size_t row;
		if (!cJSON_IsObject(rec)) {
			r = err_set(err, VSR_EDATA, "%s:%zu: row %zu is not an object", name, lines[k],
				    k + 1);
			goto out;
		}
		row = grid_row(&g);
		cJSON_ArrayForEach(v, rec) {
			long c;
			if (!strcmp(v->string, "image"))
				continue; /* base64 images: not needed, and large */
			if ((c = grid_col(&g, v->string)) < 0) {
				r = err_set(err, VSR_EDATA, "%s:%zu: more than %d columns", name,
					    lines[k], JSON_SHEET_COLS);
				goto out;
			}
			grid_set(&g, row, c, cell_text(v));
		}
		k++;
	}
	if (!k) {
		r = err_set(err, VSR_EDATA, "%s:1: no rows", name);
		goto out;
	}
	grid_finish(&g);
out:
	if (r)
		grid_abandon(&g);
	free(lines);
	cJSON_Delete(root);
	buf_release(&clean);
	return r;
}

int import_json_sheet(struct xlsx_sheet *s, const char *path, char *err)
{
	struct buf b = BUF_INIT;
	int r;

	memset(s, 0, sizeof(*s));
	buf_init(&b, JSON_SHEET_MAX);
	if (buf_read_file(&b, path)) {
		r = err_set(err, VSR_EDATA, "cannot read %s%s", path,
			    b.capped ? ": larger than 512 MiB" : "");
		buf_release(&b);
		return r;
	}
	r = import_json_sheet_mem(s, path, b.ptr, b.len, err);
	buf_release(&b);
	return r;
}

int import_json_is_sheet(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char head[65536];
	size_t n;
	const char *p;

	if (!fp)
		return 0;
	n = fread(head, 1, sizeof(head) - 1, fp);
	fclose(fp);
	head[n] = '\0';
	for (p = head; *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'; p++)
		;
	/* VLMEvalKit rows have "index" and "prediction"; SEED result files "question_id". */
	return *p == '[' && strstr(p, "\"prediction\"") && strstr(p, "\"index\"") &&
	       !strstr(p, "\"question_id\"");
}

/* ---- lmms-eval samples ----------------------------------------------------- */

static const char *str_of(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* The reply: "filtered_resps" (a string or its first element), else resps[0][0]. */
static const char *lmms_reply(const cJSON *o)
{
	const char *keys[] = { "filtered_resps", "resps" };

	for (int i = 0; i < 2; i++) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
		if (cJSON_IsString(x))
			return x->valuestring;
		if (cJSON_IsArray(x)) {
			x = cJSON_GetArrayItem(x, 0);
			if (cJSON_IsArray(x))
				x = cJSON_GetArrayItem(x, 0);
			if (cJSON_IsString(x))
				return x->valuestring;
		}
	}
	return NULL;
}

/* The object holding the question: doc, else a process_results object. */
static const cJSON *lmms_doc(const cJSON *o, enum import_lmms_kind *kind)
{
	static const char *const mmb[] = { "submission", "gpt_eval_score", NULL };
	static const char *const seed[] = { "seed_image", "seed_all", "seed_video", NULL };
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "doc");

	if (cJSON_IsObject(d)) {
		if (cJSON_GetObjectItemCaseSensitive(d, "choice_a"))
			*kind = LMMS_SEED;
		else if (cJSON_GetObjectItemCaseSensitive(d, "A") &&
			 cJSON_GetObjectItemCaseSensitive(d, "index"))
			*kind = LMMS_MMBENCH;
		else
			*kind = LMMS_MME;
		return d;
	}
	for (int i = 0; mmb[i]; i++)
		if (cJSON_IsObject(d = cJSON_GetObjectItemCaseSensitive(o, mmb[i]))) {
			*kind = LMMS_MMBENCH;
			return d;
		}
	for (int i = 0; seed[i]; i++)
		if (cJSON_IsObject(d = cJSON_GetObjectItemCaseSensitive(o, seed[i]))) {
			*kind = LMMS_SEED;
			return d;
		}
	*kind = LMMS_MME;
	return NULL;
}

enum import_lmms_kind import_lmms_kind_of(const char *line)
{
	cJSON *o = import_json_parse_py(line, strlen(line));
	enum import_lmms_kind k = LMMS_MME;

	lmms_doc(o, &k);
	cJSON_Delete(o);
	return k;
}

/* SEED-Bench-1's dimensions by question_type_id (1-9 as SEED-Bench-2's). */
static const char *seed1_dimension(long id)
{
	static const char *const video[] = { "Action Recognition", "Action Prediction",
					     "Procedure Understanding" };
	if (id >= 1 && id <= 9)
		return seed2_dimension_name(id);
	if (id >= 10 && id <= 12)
		return video[id - 10];
	return NULL;
}

/* A number or a numeric string as a whole number; -1 otherwise. */
static int whole(const cJSON *v, long *out)
{
	char *end;
	double d;

	if (cJSON_IsNumber(v))
		d = v->valuedouble;
	else if (cJSON_IsString(v) && *v->valuestring)
		d = strtod(v->valuestring, &end), d = *end ? -1 : d;
	else
		return -1;
	if (d < 0 || d > 1e15 || floor(d) != d)
		return -1;
	*out = (long)d;
	return 0;
}

/* A cell from a JSON value, unless it is null or pandas' "nan". */
static void put(struct grid *g, size_t row, const char *col, const cJSON *v)
{
	char *t = cell_text(v);

	if (t && (!strcmp(t, "nan") || !*t)) {
		free(t);
		t = NULL;
	}
	if (t)
		grid_set(g, row, grid_col(g, col), t);
}

static void put_str(struct grid *g, size_t row, const char *col, const char *v)
{
	if (v)
		grid_set(g, row, grid_col(g, col), xstrdup(v));
}

/* One MMBench sample into a row: index, question, hint, A-E, answer, category, prediction. */
static int lmms_mmbench_row(struct grid *g, const cJSON *o, const cJSON *d, const char *reply,
			    const char *name, size_t lineno, char *err)
{
	const char *target = str_of(o, "target");
	const cJSON *ans = cJSON_GetObjectItemCaseSensitive(d, "answer");
	long idx;
	size_t row;

	if (whole(cJSON_GetObjectItemCaseSensitive(d, "index"), &idx) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(d, "question")))
		return err_set(err, VSR_EDATA,
			       "%s:%zu: expected an lmms-eval MMBench sample (doc or submission with "
			       "a whole-number index, question, A, B ... and answer)",
			       name, lineno);
	row = grid_row(g);
	put(g, row, "index", cJSON_GetObjectItemCaseSensitive(d, "index"));
	put(g, row, "question", cJSON_GetObjectItemCaseSensitive(d, "question"));
	put(g, row, "hint", cJSON_GetObjectItemCaseSensitive(d, "hint"));
	for (int j = 0; j < 5; j++) {
		char l[2] = { (char)('A' + j), 0 };
		put(g, row, l, cJSON_GetObjectItemCaseSensitive(d, l));
	}
	if (cJSON_IsString(ans))
		put(g, row, "answer", ans);
	else
		put_str(g, row, "answer", target);
	put(g, row, "category", cJSON_GetObjectItemCaseSensitive(d, "category"));
	put_str(g, row, "prediction", reply);
	return 0;
}

/* The options "A. text" ... of a prompt (the newer layout keeps only the prompt sent). */
static void options_from_prompt(struct grid *g, size_t row, const char *in)
{
	int n = 0;

	for (const char *p = in; p && *p && n < 4;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len >= 3 && p[0] == 'A' + n && p[1] == '.' && p[2] == ' ') {
			char l[2] = { (char)('A' + n), 0 };
			char *t = xmalloc(len - 2);
			memcpy(t, p + 3, len - 3);
			t[len - 3] = '\0';
			grid_set(g, row, grid_col(g, l), t);
			n++;
		}
		p = eol ? eol + 1 : NULL;
	}
}

/* One SEED sample into a row: index, category, question, A-D, answer, prediction. */
static int lmms_seed_row(struct grid *g, const cJSON *o, const cJSON *d, const char *reply,
			 const char *name, size_t lineno, size_t *video, char *err)
{
	const char *type = str_of(d, "data_type"), *q = str_of(d, "question");
	const char *ans = str_of(d, "answer"), *in = str_of(o, "input");
	const cJSON *qid = cJSON_GetObjectItemCaseSensitive(d, "question_id");
	long id, dim = -1;
	size_t row;
	struct buf prompt = BUF_INIT;

	if (!ans)
		ans = str_of(o, "target");
	if (type && strcmp(type, "image")) {
		(*video)++; /* SEED's video questions: not vsrbench's seed suites */
		return 0;
	}
	if (whole(qid, &id) || !ans || !(q || in))
		return err_set(err, VSR_EDATA,
			       "%s:%zu: expected an lmms-eval SEED-Bench sample (doc with a numeric "
			       "question_id, question, choice_a-d and answer, or seed_all with input)",
			       name, lineno);
	whole(cJSON_GetObjectItemCaseSensitive(d, "question_type_id"), &dim);
	row = grid_row(g);
	put(g, row, "index", qid);
	put_str(g, row, "category", seed1_dimension(dim));
	if (q) {
		/* The prompt as lmms-eval's seed_doc_to_text builds it. */
		buf_addf(&prompt, "%s\nA. %s\nB. %s\nC. %s\nD. %s\n"
				  "Answer with the option's letter from the given choices directly.",
			 q, str_of(d, "choice_a") ? str_of(d, "choice_a") : "",
			 str_of(d, "choice_b") ? str_of(d, "choice_b") : "",
			 str_of(d, "choice_c") ? str_of(d, "choice_c") : "",
			 str_of(d, "choice_d") ? str_of(d, "choice_d") : "");
		put_str(g, row, "question", prompt.ptr);
		put_str(g, row, "A", str_of(d, "choice_a"));
		put_str(g, row, "B", str_of(d, "choice_b"));
		put_str(g, row, "C", str_of(d, "choice_c"));
		put_str(g, row, "D", str_of(d, "choice_d"));
	} else {
		put_str(g, row, "question", in);
		options_from_prompt(g, row, in);
	}
	put_str(g, row, "answer", ans);
	put_str(g, row, "prediction", reply);
	buf_release(&prompt);
	return 0;
}

int import_lmms_sheet(struct xlsx_sheet *s, const char *path, enum import_lmms_kind want,
		      size_t *video, char *err)
{
	struct lines l;
	struct grid g;
	struct buf c = BUF_INIT;
	int r;

	memset(s, 0, sizeof(*s));
	memset(&g, 0, sizeof(g));
	g.s = s;
	*video = 0;
	/* The columns the sheet importers know the kind by, in a stable order. */
	if (want == LMMS_SEED) {
		static const char *const cols[] = { "index", "category", "question", "A", "B",
						    "C", "D", "answer", "prediction", NULL };
		for (int i = 0; cols[i]; i++)
			grid_col(&g, cols[i]);
	} else {
		static const char *const cols[] = { "index", "question", "hint", "A", "B",
						    "answer", "category", "prediction", NULL };
		for (int i = 0; cols[i]; i++)
			grid_col(&g, cols[i]);
	}
	if ((r = lines_open(&l, path, IMPORT_LINE_MAX, err))) {
		grid_abandon(&g);
		return r;
	}
	while ((r = lines_next(&l, err)) == 1) {
		cJSON *o;
		const cJSON *d;
		const char *reply;
		enum import_lmms_kind k;
		if (!l.line.len)
			continue;
		if (s->rows + 1 >= XLSX_ROWS_MAX) {
			r = err_set(err, VSR_EDATA, "%s:%zu: more than %zu samples", path, l.lineno,
				    XLSX_ROWS_MAX - 2);
			break;
		}
		buf_reset(&c);
		clean_nan(&c, l.line.ptr, l.line.len);
		o = cJSON_Parse(c.ptr);
		d = lmms_doc(o, &k);
		reply = lmms_reply(o);
		if (!cJSON_IsObject(o) || !d || k != want || !reply) {
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: expected an lmms-eval %s sample like the first line's "
				    "(doc_id, doc or %s, target, filtered_resps or resps)",
				    path, l.lineno, want == LMMS_SEED ? "SEED-Bench" : "MMBench",
				    want == LMMS_SEED ? "seed_all" : "submission");
			cJSON_Delete(o);
			break;
		}
		r = want == LMMS_SEED ? lmms_seed_row(&g, o, d, reply, path, l.lineno, video, err)
				      : lmms_mmbench_row(&g, o, d, reply, path, l.lineno, err);
		cJSON_Delete(o);
		if (r)
			break;
	}
	lines_close(&l);
	buf_release(&c);
	if (!r && !s->rows)
		r = err_set(err, VSR_EDATA, "%s: no %s samples", path,
			    want == LMMS_SEED ? "SEED-Bench image" : "MMBench");
	if (r) {
		grid_abandon(&g);
		return r;
	}
	grid_finish(&g);
	return 0;
}
