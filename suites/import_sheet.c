/* import_sheet: prediction sheets (VLMEvalKit's {model}_{dataset}.xlsx, MMBench's submission xlsx). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/buf.h"
#include "../base/keyset.h"
#include "../base/util.h"
#include "import.h"
#include "tsv.h"
#include "xlsx.h"

#define MMB_COPY 1000000L

static int has(const struct xlsx_sheet *s, const char *const *cols)
{
	for (; *cols; cols++)
		if (xlsx_column(s, *cols) < 0)
			return 0;
	return 1;
}

enum import_sheet_kind import_sheet_kind(const struct xlsx_sheet *s)
{
	static const char *const mme[] = { "index",  "category", "image_path", "question",
					   "answer", "prediction", NULL };
	static const char *const seed[] = { "index", "category", "question", "A",  "B",
					    "C",     "D",        "answer",   "prediction", NULL };
	static const char *const mmb[] = { "index", "question", "A", "B", "prediction", "answer",
					   NULL };

	if (has(s, mme))
		return SHEET_VLMEVAL_MME;
	/* SEEDBench_IMG's categories are SEED's dimensions; MMBench's are its own. */
	if (has(s, seed) && xlsx_column(s, "l2-category") < 0 && xlsx_column(s, "split") < 0) {
		long c = xlsx_column(s, "category");
		for (size_t r = 1; r < s->rows; r++) {
			const char *v = xlsx_cell(s, r, (size_t)c);
			if (v && (!strcmp(v, "Scene Understanding") || !strcmp(v, "Instance Identity") ||
				  !strcmp(v, "Instance Location") || !strcmp(v, "Spatial Relation")))
				return SHEET_VLMEVAL_SEED;
		}
	}
	if (has(s, mmb))
		return SHEET_MMBENCH;
	return SHEET_UNKNOWN;
}

const char *import_sheet_kind_name(enum import_sheet_kind k)
{
	switch (k) {
	case SHEET_VLMEVAL_MME:
		return "vlmevalkit-mme-xlsx";
	case SHEET_VLMEVAL_SEED:
		return "vlmevalkit-seed-xlsx";
	case SHEET_MMBENCH:
		return "mmbench-xlsx";
	default:
		return "unknown";
	}
}

/* A column's letters for errors. */
static void cell_name(char *out, size_t n, size_t row, size_t col)
{
	char l[8];
	size_t k = 0, c = col + 1;

	while (c && k < 7) {
		l[k++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (size_t i = 0; i < k / 2; i++) {
		char t = l[i];
		l[i] = l[k - 1 - i];
		l[k - 1 - i] = t;
	}
	l[k] = '\0';
	snprintf(out, n, "%s%zu", l, row + 1);
}

static const char *cell_or(const struct xlsx_sheet *s, size_t r, long c, const char *dflt)
{
	const char *v = c >= 0 ? xlsx_cell(s, r, (size_t)c) : NULL;
	return v ? v : dflt;
}

/* A whole number as openpyxl or pandas write it ("241", "241.0"). */
static int cell_index(const char *v, long *out)
{
	char *end;
	double d;

	if (!v || !*v)
		return -1;
	d = strtod(v, &end);
	if (*end || d < 0 || d > 1e15 || floor(d) != d)
		return -1;
	*out = (long)d;
	return 0;
}

/* "A".."D" (a letter as a whole cell), else -1. */
static int letter(const char *v)
{
	if (v && v[0] >= 'A' && v[0] <= 'Z' && !v[1])
		return v[0] - 'A';
	return -1;
}

/*
 * VLMEvalKit's own verdict on a row, when the sheet is one of its evaluated
 * files: a yes/no set's "_auxmatch" sheet has "extracted" (Yes, No or
 * Unknown: its matching, then its judge), a multiple-choice set's
 * "_result" sheet has "hit" (1 right, 0 wrong).
 */
static void their_verdict(const struct xlsx_sheet *s, size_t row, long col, const char *name,
			  const char *truth, struct import_answer *a)
{
	const char *v = col >= 0 ? xlsx_cell(s, row, (size_t)col) : NULL;
	long n;

	if (!v || !*v)
		return;
	a->theirs_col = name;
	a->theirs = v;
	if (truth)
		a->theirs_right = !strcmp(v, truth);
	else
		a->theirs_right = (!cell_index(v, &n) && n == 1) || !strcasecmp(v, "true");
}

/* An answer matched to the MME lists, with the row's VLMEvalKit verdict added. */
struct mme_shim {
	import_fn fn;
	void *ctx;
	const struct xlsx_sheet *s;
	size_t row;
	long col;
	const char *truth;
};

static int mme_shim_fn(const struct import_answer *in, void *p, char *err)
{
	struct mme_shim *m = p;
	struct import_answer a = *in;

	their_verdict(m->s, m->row, m->col, "extracted", m->truth, &a);
	return m->fn(&a, m->ctx, err);
}

/* ---- MME ----------------------------------------------------------------- */

int import_sheet_mme(const struct xlsx_sheet *s, const char *name,
		     const struct import_mme_ref *ref, import_fn fn, void *ctx,
		     struct import_mme_stats *st, char *err)
{
	long ci = xlsx_column(s, "category"), cp = xlsx_column(s, "image_path"),
	     cq = xlsx_column(s, "question"), ca = xlsx_column(s, "answer"),
	     cr = xlsx_column(s, "prediction"), cx = xlsx_column(s, "extracted");
	struct u64map nth = { 0 };
	struct buf id = BUF_INIT, group = BUF_INIT, q2 = BUF_INIT;
	int r = 0;

	memset(st, 0, sizeof(*st));
	if (ref)
		import_mme_ref_reset(ref);
	for (size_t row = 1; row < s->rows && !r; row++) {
		const char *cat = cell_or(s, row, ci, ""), *path = cell_or(s, row, cp, ""),
			   *q = cell_or(s, row, cq, ""), *ans = cell_or(s, row, ca, ""),
			   *pred = cell_or(s, row, cr, "");
		const struct mme_subtask *t = mme_subtask_find(cat);
		const char *image = strrchr(path, '/');
		answer_t label = !strcmp(ans, "Yes") ? ANS_YES : !strcmp(ans, "No") ? ANS_NO : ANS_INVALID;
		struct import_answer a;
		char cell[32];
		uint64_t h, k = 0;

		image = image ? image + 1 : path;
		if (!t || !*image || label == ANS_INVALID) {
			cell_name(cell, sizeof(cell), row,
				  (size_t)(!t ? ci : !*image ? cp : ca));
			r = err_set(err, VSR_EDATA,
				    "%s!%s: %s", name, cell,
				    !t ? "not an MME subtask name" : !*image ? "no image path"
								      : "answer is not Yes or No");
			break;
		}
		if (ref) {
			struct mme_shim m = { fn, ctx, s, row, cx, ans };
			r = import_mme_ref_match(ref, t->name, image, q, row + 1, pred, label,
						 mme_shim_fn, &m, st, err);
			continue;
		}
		/* No lists: the item by order of appearance, the sheet's answer as truth. */
		h = hash64_str(path, hash64_str(t->name, HASH_SEED));
		u64map_get(&nth, h, &k);
		u64map_put(&nth, h, ++k);
		buf_reset(&id);
		buf_reset(&group);
		mme_item_id(&id, t->name, image, (int)k);
		mme_group(&group, t->name, image);
		memset(&a, 0, sizeof(a));
		a.lineno = row + 1;
		a.item = id.ptr;
		a.group = group.ptr;
		a.category = t->name;
		a.tmpl = "q01";
		a.format = "yesno";
		a.prompt = q;
		a.image = image;
		a.label = label;
		a.response = pred;
		their_verdict(s, row, cx, "extracted", ans, &a);
		st->matched++;
		r = fn(&a, ctx, err);
	}
	if (!r && ref)
		import_mme_ref_missing(ref, NULL, st);
	u64map_release(&nth);
	buf_release(&id);
	buf_release(&group);
	buf_release(&q2);
	return r;
}

/* ---- SEED ---------------------------------------------------------------- */

int import_sheet_seed(const struct xlsx_sheet *s, const char *name,
		      const struct import_seed_questions *qs, int spatial_only, import_fn fn,
		      void *ctx, struct import_seed_stats *st, char *err)
{
	long ci = xlsx_column(s, "index"), cc = xlsx_column(s, "category"),
	     cq = xlsx_column(s, "question"), ca = xlsx_column(s, "answer"),
	     cr = xlsx_column(s, "prediction"), ch = xlsx_column(s, "hit"), co[4];
	struct keyset seen = { 0 };
	int r = 0;

	memset(st, 0, sizeof(*st));
	for (int j = 0; j < 4; j++) {
		char l[2] = { (char)('A' + j), 0 };
		co[j] = xlsx_column(s, l);
	}
	for (size_t row = 1; row < s->rows && !r; row++) {
		const char *idx = cell_or(s, row, ci, ""), *dim = cell_or(s, row, cc, NULL),
			   *ans = cell_or(s, row, ca, ""), *pred = cell_or(s, row, cr, "");
		const char *choices[4];
		struct import_answer a;
		char cell[32], id[32];
		long v;
		int lab = letter(ans);
		uint64_t at;

		if (cell_index(idx, &v) || lab < 0 || lab > 3) {
			cell_name(cell, sizeof(cell), row, (size_t)(cell_index(idx, &v) ? ci : ca));
			r = err_set(err, VSR_EDATA, "%s!%s: %s", name, cell,
				    cell_index(idx, &v) ? "index is not a whole number"
							: "answer is not A, B, C or D");
			break;
		}
		snprintf(id, sizeof(id), "%ld", v);
		if (!keyset_add(&seen, hash64_str(id, HASH_SEED))) {
			st->duplicates++;
			continue;
		}
		if (qs && qs->f.n) {
			if (u64map_get(&qs->at, hash64_str(id, HASH_SEED), &at)) {
				const struct seed_q *q = &qs->f.q[at - 1];
				if (q->answer != ANS_LETTER(lab))
					st->gt_differs++;
				if (q->dimension)
					dim = q->dimension;
			} else {
				st->no_question++;
			}
		}
		if (spatial_only && (!dim || (strcasecmp(dim, "Spatial Relation") &&
					      strcasecmp(dim, "Instance Location"))))
			continue;
		for (int j = 0; j < 4; j++)
			choices[j] = cell_or(s, row, co[j], "");
		memset(&a, 0, sizeof(a));
		a.lineno = row + 1;
		a.item = id;
		a.category = dim;
		a.tmpl = "recorded";
		a.format = "choice";
		a.prompt = cell_or(s, row, cq, "");
		a.label = ANS_LETTER(lab);
		a.response = pred;
		a.choices = choices;
		a.n_choices = 4;
		their_verdict(s, row, ch, "hit", NULL, &a);
		r = fn(&a, ctx, err);
	}
	keyset_release(&seen);
	return r;
}

/* ---- MMBench ------------------------------------------------------------- */

int import_sheet_mmbench(const struct xlsx_sheet *s, const char *name, import_fn fn, void *ctx,
			 char *err)
{
	long ci = xlsx_column(s, "index"), cc = xlsx_column(s, "category"),
	     cq = xlsx_column(s, "question"), ca = xlsx_column(s, "answer"),
	     cr = xlsx_column(s, "prediction"), cl2 = xlsx_column(s, "l2-category"),
	     ch = xlsx_column(s, "hit"), co[26];
	struct keyset seen = { 0 };
	int r = 0;

	for (int j = 0; j < 26; j++) {
		char l[2] = { (char)('A' + j), 0 };
		co[j] = xlsx_column(s, l);
	}
	for (size_t row = 1; row < s->rows && !r; row++) {
		const char *idx = cell_or(s, row, ci, ""), *ans = cell_or(s, row, ca, "");
		const char *choices[26];
		size_t n = 0;
		struct import_answer a;
		char cell[32], id[32], group[32];
		long v;
		int lab = letter(ans);

		/* The options: A, B, ... up to the first empty one. */
		while (n < 26 && co[n] >= 0 && cell_or(s, row, co[n], "")[0])
			choices[n] = cell_or(s, row, co[n], ""), n++;
		if (cell_index(idx, &v) || lab < 0 || (size_t)lab >= n) {
			int bad_idx = cell_index(idx, &v) != 0;
			cell_name(cell, sizeof(cell), row, (size_t)(bad_idx ? ci : ca));
			r = err_set(err, VSR_EDATA, "%s!%s: %s", name, cell,
				    bad_idx ? "index is not a whole number"
					    : "answer is not the letter of one of the row's options");
			break;
		}
		snprintf(id, sizeof(id), "%ld", v);
		snprintf(group, sizeof(group), "%ld", v % MMB_COPY);
		if (!keyset_add(&seen, hash64_str(id, HASH_SEED)))
			continue; /* the caller counts duplicate tasks */
		memset(&a, 0, sizeof(a));
		a.lineno = row + 1;
		a.item = id;
		a.group = group;
		a.category = cell_or(s, row, cc, NULL);
		/* VLMEvalKit's sheets carry it: a category missing from the built-in table uses it. */
		a.l2 = cell_or(s, row, cl2, NULL);
		a.tmpl = "recorded";
		a.format = "choice";
		a.prompt = cell_or(s, row, cq, "");
		a.label = ANS_LETTER(lab);
		a.response = cell_or(s, row, cr, "");
		a.choices = choices;
		a.n_choices = n;
		their_verdict(s, row, ch, "hit", NULL, &a);
		r = fn(&a, ctx, err);
	}
	keyset_release(&seen);
	return r;
}

/* ---- MMBench's TSV as the categories of a submission sheet ----------------- */

#define MMB_TSV_COLS 32

int import_mmbench_cats_load(struct import_mmbench_cats *c, const char *path, char *err)
{
	struct tsv t;
	struct tsv_field f[MMB_TSV_COLS];
	size_t nf;
	off_t off;
	long ci = -1, cc = -1, cl = -1;
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = tsv_open(&t, path, err)))
		return r;
	memset(f, 0, sizeof(f));
	r = tsv_row(&t, f, MMB_TSV_COLS, &nf, &off, &(size_t){ 0 }, err);
	for (size_t k = 0; r == 1 && k < nf && k < MMB_TSV_COLS; k++) {
		if (!strcmp(f[k].head, "index"))
			ci = (long)k;
		else if (!strcmp(f[k].head, "category"))
			cc = (long)k;
		else if (!strcmp(f[k].head, "l2-category"))
			cl = (long)k;
	}
	if (r == 1 && (ci < 0 || cc < 0))
		r = err_set(err, VSR_EDATA,
			    "%s:1: not an MMBench TSV (no \"index\" and \"category\" columns)", path);
	else if (r == 0)
		r = err_set(err, VSR_EDATA, "%s: empty", path);
	else if (r == 1)
		r = 0;
	while (!r) {
		size_t line = 0;
		long v;
		uint64_t old;

		memset(f, 0, sizeof(f));
		r = tsv_row(&t, f, MMB_TSV_COLS, &nf, &off, &line, err);
		if (r != 1)
			break;
		r = 0;
		if ((size_t)ci >= nf || (size_t)cc >= nf || cell_index(f[ci].head, &v) ||
		    f[cc].head_len >= TSV_HEAD) {
			r = err_set(err, VSR_EDATA, "%s:%zu: expected a whole index and a category", path,
				    line);
			break;
		}
		if (u64map_get(&c->at, (uint64_t)(v % MMB_COPY), &old))
			continue; /* a circular copy, or a repeat: the first row names it */
		c->cat = xrealloc(c->cat, (c->n + 1) * sizeof(*c->cat));
		c->l2 = xrealloc(c->l2, (c->n + 1) * sizeof(*c->l2));
		/* An l2 longer than the held head is left out (the built-in table still names it). */
		c->l2[c->n] = cl >= 0 && (size_t)cl < nf && f[cl].head_len && f[cl].head_len < TSV_HEAD
				      ? xstrdup(f[cl].head)
				      : NULL;
		c->cat[c->n++] = xstrdup(f[cc].head);
		u64map_put(&c->at, (uint64_t)(v % MMB_COPY), c->n);
	}
	tsv_close(&t);
	if (r)
		import_mmbench_cats_release(c);
	return r;
}

const char *import_mmbench_cat(const struct import_mmbench_cats *c, const char *index)
{
	long v;
	uint64_t at;

	if (!c || !c->n || cell_index(index, &v) || !u64map_get(&c->at, (uint64_t)(v % MMB_COPY), &at))
		return NULL;
	return c->cat[at - 1];
}

const char *import_mmbench_l2(const struct import_mmbench_cats *c, const char *index)
{
	long v;
	uint64_t at;

	if (!c || !c->n || cell_index(index, &v) || !u64map_get(&c->at, (uint64_t)(v % MMB_COPY), &at))
		return NULL;
	return c->l2[at - 1];
}

void import_mmbench_cats_release(struct import_mmbench_cats *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->cat[i]);
		free(c->l2[i]);
	}
	free(c->cat);
	free(c->l2);
	u64map_release(&c->at);
	memset(c, 0, sizeof(*c));
}

/* ---- a SEEDBench_IMG sheet as a question file ------------------------------ */

static const char *dim_intern(struct seed_file *f, const char *name)
{
	for (size_t i = 0; i < f->n_dims; i++)
		if (!strcmp(f->dims[i].name, name))
			return f->dims[i].name;
	f->dims = xrealloc(f->dims, (f->n_dims + 1) * sizeof(*f->dims));
	f->dims[f->n_dims].name = xstrdup(name);
	f->dims[f->n_dims].id = (long)f->n_dims + 1;
	f->dims[f->n_dims].questions = 0;
	return f->dims[f->n_dims++].name;
}

int import_seed_questions_from_sheet(struct import_seed_questions *q, const struct xlsx_sheet *s,
				     const char *name, char *err)
{
	long ci = xlsx_column(s, "index"), cc = xlsx_column(s, "category"),
	     cq = xlsx_column(s, "question"), ca = xlsx_column(s, "answer"), co[4];
	struct seed_file *f = &q->f;

	memset(q, 0, sizeof(*q));
	if (import_sheet_kind(s) != SHEET_VLMEVAL_SEED)
		return err_set(err, VSR_EDATA,
			       "%s: not a SEEDBench_IMG sheet (index, category, question, A-D, "
			       "answer)",
			       name);
	for (int j = 0; j < 4; j++) {
		char l[2] = { (char)('A' + j), 0 };
		co[j] = xlsx_column(s, l);
	}
	f->path = xstrdup(name);
	f->q = xcalloc(s->rows ? s->rows : 1, sizeof(*f->q));
	for (size_t row = 1; row < s->rows; row++) {
		struct seed_q *x = &f->q[f->n];
		char id[32], cell[32];
		long v;
		int lab = letter(cell_or(s, row, ca, ""));
		if (cell_index(cell_or(s, row, ci, ""), &v) || lab < 0 || lab > 3) {
			cell_name(cell, sizeof(cell), row, (size_t)(lab < 0 || lab > 3 ? ca : ci));
			import_seed_questions_release(q);
			return err_set(err, VSR_EDATA, "%s!%s: not a SEED question (index, answer A-D)",
				       name, cell);
		}
		snprintf(id, sizeof(id), "%ld", v);
		x->id = xstrdup(id);
		x->question = xstrdup(cell_or(s, row, cq, ""));
		for (int j = 0; j < 4; j++)
			x->choices[j] = xstrdup(cell_or(s, row, co[j], ""));
		x->dimension = dim_intern(f, cell_or(s, row, cc, "(none)"));
		x->answer = ANS_LETTER(lab);
		x->image = 1;
		u64map_put(&q->at, hash64_str(x->id, HASH_SEED), f->n + 1);
		f->n++;
	}
	return 0;
}

/* ---- VLMEvalKit's .tsv prediction files as a sheet -------------------------- */

#define TSV_SHEET_COLS 64
#define TSV_SHEET_FIELD_MAX ((size_t)1 << 20)

int import_tsv_sheet(struct xlsx_sheet *s, const char *path, char *err)
{
	struct tsv t;
	struct tsv_field f[TSV_SHEET_COLS];
	struct buf text[TSV_SHEET_COLS];
	size_t nf, cols = 0, cap = 0, line;
	long image_col = -1;
	off_t off;
	int r;

	memset(s, 0, sizeof(*s));
	if ((r = tsv_open(&t, path, err)))
		return r;
	for (size_t k = 0; k < TSV_SHEET_COLS; k++)
		buf_init(&text[k], TSV_SHEET_FIELD_MAX);
	while (1) {
		memset(f, 0, sizeof(f));
		for (size_t k = 0; k < TSV_SHEET_COLS; k++) {
			buf_reset(&text[k]);
			/* A base64 image column is located, never held. */
			f[k].text = (long)k == image_col ? NULL : &text[k];
		}
		if ((r = tsv_row(&t, f, TSV_SHEET_COLS, &nf, &off, &line, err)) != 1)
			break;
		if (!s->rows) {
			cols = nf < TSV_SHEET_COLS ? nf : TSV_SHEET_COLS;
			for (size_t k = 0; k < cols; k++)
				if (!strcmp(text[k].ptr, "image"))
					image_col = (long)k;
			s->cols = cols;
		} else if (nf != cols && nf <= TSV_SHEET_COLS) {
			r = err_set(err, VSR_EDATA, "%s:%zu: %zu fields, the header has %zu", path, line,
				    nf, cols);
			break;
		}
		if (s->rows == cap) {
			cap = cap ? cap * 2 : 256;
			s->cells = xrealloc(s->cells, cap * cols * sizeof(*s->cells));
		}
		for (size_t k = 0; k < cols; k++)
			s->cells[s->rows * cols + k] =
				(long)k == image_col && s->rows ? NULL : xstrdup(text[k].ptr);
		s->rows++;
	}
	for (size_t k = 0; k < TSV_SHEET_COLS; k++)
		buf_release(&text[k]);
	tsv_close(&t);
	if (r)
		xlsx_release(s);
	return r;
}
