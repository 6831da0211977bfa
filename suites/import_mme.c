/* import_mme: MME answered lists (the eval tool's lists with the model's answers). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/lines.h"
#include "../base/util.h"
#include "import.h"

const struct mme_subtask *import_mme_subtask_of(const char *path)
{
	const char *base = strrchr(path, '/');
	char stem[64];
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n < 5 || n - 4 >= sizeof(stem) || strcmp(base + n - 4, ".txt"))
		return NULL;
	memcpy(stem, base, n - 4);
	stem[n - 4] = '\0';
	return mme_subtask_find(stem);
}

struct mme_ctx {
	const struct mme_subtask *t;
	const char *path;
	import_fn fn;
	void *ctx;
	struct buf id, group;
	char err[VSR_ERR_MAX];
};

static int on_line(const struct mme_line *ml, void *p)
{
	struct mme_ctx *c = p;
	struct import_answer a;

	if (!ml->response)
		return err_set(c->err, VSR_EDATA,
			       "%s:%zu: no answer (a 4th tab-separated column) to score", c->path,
			       ml->lineno);
	buf_reset(&c->id);
	buf_reset(&c->group);
	mme_item_id(&c->id, c->t->name, ml->image, ml->nth);
	mme_group(&c->group, c->t->name, ml->image);
	memset(&a, 0, sizeof(a));
	a.lineno = ml->lineno;
	a.item = c->id.ptr;
	a.group = c->group.ptr;
	a.category = c->t->name;
	a.tmpl = "q01"; /* MME asks its question as it is: what q01 sends */
	a.format = "yesno";
	a.prompt = ml->question;
	a.image = ml->image;
	a.label = ml->label;
	a.response = ml->response;
	return c->fn(&a, c->ctx, c->err);
}

int import_mme_list(const char *path, const struct mme_subtask *t, import_fn fn, void *ctx,
		    char *err)
{
	struct mme_ctx c;
	int r;

	memset(&c, 0, sizeof(c));
	buf_init(&c.id, 0); /* a zeroed buf has a NULL ptr, against buf.h's invariant */
	buf_init(&c.group, 0);
	c.t = t;
	c.path = path;
	c.fn = fn;
	c.ctx = ctx;
	r = mme_list_scan(path, on_line, &c, err);
	if (r && c.err[0])
		memcpy(err, c.err, VSR_ERR_MAX);
	buf_release(&c.id);
	buf_release(&c.group);
	return r;
}

/* ------------------------------------------------------------------ */
/* The lists as a reference                                            */
/* ------------------------------------------------------------------ */

struct ref_q {
	const struct mme_subtask *t;
	char *image, *question;
	answer_t label;
	int nth;
	int seen;
};

struct import_mme_ref {
	struct ref_q *q;
	size_t n;
	struct u64map at; /* hash(subtask, stem, question) -> index + 1 */
};

/* The image name without its extension (LLaVA's converter writes ".txt"). */
static size_t stem_len(const char *image)
{
	const char *dot = strrchr(image, '.'), *slash = strrchr(image, '/');

	return dot && (!slash || dot > slash) ? (size_t)(dot - image) : strlen(image);
}

static uint64_t ref_hash(const char *subtask, const char *image, size_t image_len,
			 const char *question)
{
	uint64_t h = hash64_str(subtask, HASH_SEED);

	h = hash64("\t", 1, h);
	h = hash64(image, image_len, h);
	h = hash64("\t", 1, h);
	return hash64_str(question, h);
}

struct ref_load {
	struct import_mme_ref *r;
	const struct mme_subtask *t;
};

static int ref_line(const struct mme_line *ml, void *p)
{
	struct ref_load *c = p;
	struct import_mme_ref *r = c->r;
	struct ref_q *q;

	r->q = xrealloc(r->q, (r->n + 1) * sizeof(*r->q));
	q = &r->q[r->n++];
	q->t = c->t;
	q->image = xstrdup(ml->image);
	q->question = xstrdup(ml->question);
	q->label = ml->label;
	q->nth = ml->nth;
	q->seen = 0;
	u64map_put(&r->at, ref_hash(c->t->name, q->image, stem_len(q->image), q->question), r->n);
	return 0;
}

int import_mme_ref_load(struct import_mme_ref **out, const char *dir, char *err)
{
	struct import_mme_ref *r = xcalloc(1, sizeof(*r));
	size_t n;
	const struct mme_subtask *t = mme_subtasks(&n);
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		struct buf p = BUF_INIT;
		struct ref_load c = { r, &t[i] };
		buf_addf(&p, "%s/%s.txt", dir, t[i].name);
		rc = mme_list_scan(p.ptr, ref_line, &c, err);
		buf_release(&p);
	}
	if (rc) {
		import_mme_ref_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void import_mme_ref_free(struct import_mme_ref *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->q[i].image);
		free(r->q[i].question);
	}
	free(r->q);
	u64map_release(&r->at);
	free(r);
}

static struct ref_q *ref_find(const struct import_mme_ref *r, const char *subtask,
			      const char *image, const char *question)
{
	uint64_t at;

	if (!u64map_get(&r->at, ref_hash(subtask, image, stem_len(image), question), &at))
		return NULL;
	return &r->q[at - 1];
}

void import_mme_ref_reset(const struct import_mme_ref *r)
{
	for (size_t i = 0; i < r->n; i++)
		r->q[i].seen = 0;
}

/* Questions of t (NULL: of every subtask) no answer was seen for. */
void import_mme_ref_missing(const struct import_mme_ref *r, const struct mme_subtask *t,
			    struct import_mme_stats *st)
{
	/* t NULL: the subtasks the file answered at all (a file of one subtask is not short of 13). */
	const struct mme_subtask *had[32];
	size_t n_had = 0;

	for (size_t i = 0; !t && i < r->n; i++) {
		size_t k = 0;
		if (!r->q[i].seen)
			continue;
		while (k < n_had && had[k] != r->q[i].t)
			k++;
		if (k == n_had && n_had < sizeof(had) / sizeof(had[0]))
			had[n_had++] = r->q[i].t;
	}
	for (size_t i = 0; i < r->n; i++) {
		size_t k = 0;
		if (r->q[i].seen || (t && r->q[i].t != t))
			continue;
		while (!t && k < n_had && had[k] != r->q[i].t)
			k++;
		if (!t && k == n_had)
			continue;
		if (!st->missing++)
			snprintf(st->missing_example, sizeof(st->missing_example), "%s/%s: %s",
				 r->q[i].t->name, r->q[i].image, r->q[i].question);
	}
}

/* One matched answer to the callback. */
static int ref_emit(struct ref_q *q, size_t lineno, const char *response, import_fn fn, void *ctx,
		    struct import_mme_stats *st, char *err)
{
	struct buf id = BUF_INIT, group = BUF_INIT;
	struct import_answer a;
	int r;

	if (q->seen) {
		st->duplicates++;
		return 0;
	}
	q->seen = 1;
	st->matched++;
	mme_item_id(&id, q->t->name, q->image, q->nth);
	mme_group(&group, q->t->name, q->image);
	memset(&a, 0, sizeof(a));
	a.lineno = lineno;
	a.item = id.ptr;
	a.group = group.ptr;
	a.category = q->t->name;
	a.tmpl = "q01";
	a.format = "yesno";
	a.prompt = q->question;
	a.image = q->image;
	a.label = q->label;
	a.response = response;
	r = fn(&a, ctx, err);
	buf_release(&id);
	buf_release(&group);
	return r;
}

static void note_unmatched(struct import_mme_stats *st, const char *what, const char *q)
{
	if (!st->unmatched++)
		snprintf(st->unmatched_example, sizeof(st->unmatched_example), "%s: %s", what, q);
}

/* "Yes"/"No" as the lists write the ground truth, else ANS_INVALID. */
static answer_t yes_no(const char *s)
{
	if (!strcmp(s, "Yes"))
		return ANS_YES;
	if (!strcmp(s, "No"))
		return ANS_NO;
	return ANS_INVALID;
}

int import_mme_answers(const char *path, const struct mme_subtask *t,
		       const struct import_mme_ref *ref, import_fn fn, void *ctx,
		       struct import_mme_stats *st, char *err)
{
	struct lines l;
	int r;

	memset(st, 0, sizeof(*st));
	import_mme_ref_reset(ref);
	if ((r = lines_open(&l, path, IMPORT_LINE_MAX, err)))
		return r;
	while ((r = lines_next(&l, err)) == 1) {
		char *col[4], *p = l.line.ptr;
		size_t k = 0;
		struct ref_q *q;
		if (!*p)
			continue;
		col[k++] = p;
		while (k < 4 && (p = strchr(p, '\t'))) {
			*p++ = '\0';
			col[k++] = p;
		}
		if (k < 4 || strchr(col[3], '\t')) {
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: expected 4 tab-separated columns (image, question, "
				    "Yes|No, answer)",
				    path, l.lineno);
			break;
		}
		if (!(q = ref_find(ref, t->name, col[0], col[1]))) {
			note_unmatched(st, col[0], col[1]);
			continue;
		}
		if (yes_no(col[2]) != q->label)
			st->label_differs++;
		if ((r = ref_emit(q, l.lineno, col[3], fn, ctx, st, err)))
			break;
	}
	lines_close(&l);
	if (r)
		return r;
	import_mme_ref_missing(ref, t, st);
	return 0;
}

int import_mme_ref_match(const struct import_mme_ref *r, const char *subtask, const char *image,
			 const char *question, size_t lineno, const char *response, answer_t label,
			 import_fn fn, void *ctx, struct import_mme_stats *st, char *err)
{
	struct ref_q *q = ref_find(r, subtask, image, question);

	if (!q) {
		/* One MME question has two spaces before "Please answer yes or no.". */
		const char *at = strstr(question, " Please answer yes or no.");
		if (at) {
			struct buf q2 = BUF_INIT;
			buf_addf(&q2, "%.*s %s", (int)(at - question), question, at);
			q = ref_find(r, subtask, image, q2.ptr);
			buf_release(&q2);
			st->two_space += q != NULL;
		}
	}
	if (!q) {
		note_unmatched(st, image, question);
		return 0;
	}
	if (label != ANS_INVALID && label != q->label)
		st->label_differs++;
	return ref_emit(q, lineno, response, fn, ctx, st, err);
}

#define LLAVA_SUFFIX "\nAnswer the question using a single word or phrase."

int import_mme_llava(const char *path, const struct import_mme_ref *ref, import_fn fn, void *ctx,
		     struct import_mme_stats *st, char *err)
{
	struct lines l;
	struct buf q1 = BUF_INIT, q2 = BUF_INIT;
	int r;

	memset(st, 0, sizeof(*st));
	import_mme_ref_reset(ref);
	if ((r = lines_open(&l, path, IMPORT_LINE_MAX, err)))
		return r;
	while ((r = lines_next(&l, err)) == 1) {
		cJSON *o;
		const char *qid, *prompt, *text, *slash;
		char sub[64];
		size_t plen, sl;
		struct ref_q *q;
		if (!l.line.len)
			continue;
		o = cJSON_Parse(l.line.ptr);
		qid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "question_id"));
		prompt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "prompt"));
		text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "text"));
		if (!qid || !prompt || !text || !(slash = strchr(qid, '/')) ||
		    (size_t)(slash - qid) >= sizeof(sub)) {
			cJSON_Delete(o);
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: expected a LLaVA answer object with \"question_id\" "
				    "(\"<subtask>/<image>\"), \"prompt\" and \"text\"",
				    path, l.lineno);
			break;
		}
		memcpy(sub, qid, (size_t)(slash - qid));
		sub[slash - qid] = '\0';
		if (!mme_subtask_find(sub)) {
			note_unmatched(st, qid, prompt);
			cJSON_Delete(o);
			continue;
		}
		/* LLaVA's converter: the suffix off, " Please answer yes or no." back on. */
		plen = strlen(prompt);
		sl = strlen(LLAVA_SUFFIX);
		if (plen >= sl && !strcmp(prompt + plen - sl, LLAVA_SUFFIX))
			plen -= sl;
		buf_reset(&q1);
		buf_reset(&q2);
		buf_addf(&q1, "%.*s Please answer yes or no.", (int)plen, prompt);
		buf_addf(&q2, "%.*s  Please answer yes or no.", (int)plen, prompt);
		/* The image as the lists name it: the last path component. */
		slash = strrchr(qid, '/');
		if ((q = ref_find(ref, sub, slash + 1, q1.ptr)) == NULL &&
		    (q = ref_find(ref, sub, slash + 1, q2.ptr)) != NULL)
			st->two_space++;
		if (!q)
			note_unmatched(st, qid, prompt);
		else
			r = ref_emit(q, l.lineno, text, fn, ctx, st, err);
		cJSON_Delete(o);
		if (r)
			break;
	}
	lines_close(&l);
	buf_release(&q1);
	buf_release(&q2);
	if (r)
		return r;
	import_mme_ref_missing(ref, NULL, st);
	return 0;
}

/* The reply of an lmms-eval sample: filtered_resps as a string or its first string, else resps[0][0]. */
static const char *lmms_reply(const cJSON *o)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "filtered_resps");
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "resps");

	if (cJSON_IsString(f))
		return f->valuestring;
	if (cJSON_IsArray(f)) {
		const cJSON *x = cJSON_GetArrayItem(f, 0);
		if (cJSON_IsArray(x))
			x = cJSON_GetArrayItem(x, 0);
		if (cJSON_IsString(x))
			return x->valuestring;
	}
	if (cJSON_IsArray(r)) {
		const cJSON *x = cJSON_GetArrayItem(r, 0);
		if (cJSON_IsArray(x))
			x = cJSON_GetArrayItem(x, 0);
		if (cJSON_IsString(x))
			return x->valuestring;
	}
	return NULL;
}

/* The first "mme_*" object of a sample that has a question_id (process_results' output). */
static const cJSON *lmms_score_obj(const cJSON *o)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, o)
		if (x->string && !strncmp(x->string, "mme_", 4) && cJSON_IsObject(x) &&
		    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(x, "question_id")))
			return x;
	return NULL;
}

int import_mme_lmms(const char *path, const struct import_mme_ref *ref, import_fn fn, void *ctx,
		    struct import_mme_stats *st, char *err)
{
	struct lines l;
	struct buf q = BUF_INIT;
	int r;

	memset(st, 0, sizeof(*st));
	import_mme_ref_reset(ref);
	if ((r = lines_open(&l, path, IMPORT_LINE_MAX, err)))
		return r;
	while ((r = lines_next(&l, err)) == 1) {
		cJSON *o;
		const cJSON *doc, *sc;
		const char *qid = NULL, *question = NULL, *reply, *target, *slash, *image;
		char sub[64];
		answer_t label;
		if (!l.line.len)
			continue;
		o = cJSON_Parse(l.line.ptr);
		doc = cJSON_GetObjectItemCaseSensitive(o, "doc");
		sc = lmms_score_obj(o);
		if (cJSON_IsObject(doc)) {
			qid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "question_id"));
			question = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "question"));
		}
		if (!qid && sc)
			qid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(sc, "question_id"));
		buf_reset(&q);
		if (question) {
			buf_adds(&q, question);
		} else {
			/* The prompt sent: LLaVA's suffix in place of " Please answer yes or no.". */
			const char *in = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "input"));
			size_t n = in ? strlen(in) : 0, sl = strlen(LLAVA_SUFFIX);
			if (in && n >= sl && !strcmp(in + n - sl, LLAVA_SUFFIX))
				buf_addf(&q, "%.*s Please answer yes or no.", (int)(n - sl), in);
			else if (in)
				buf_adds(&q, in);
		}
		reply = lmms_reply(o);
		target = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "target"));
		if (!cJSON_IsObject(o) || !qid || !q.len || !reply || !(slash = strchr(qid, '/')) ||
		    (size_t)(slash - qid) >= sizeof(sub)) {
			cJSON_Delete(o);
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: expected an lmms-eval MME sample (doc.question_id or "
				    "mme_*_score.question_id \"<subtask>/<image>\", the question in doc "
				    "or input, and filtered_resps or resps)",
				    path, l.lineno);
			break;
		}
		memcpy(sub, qid, (size_t)(slash - qid));
		sub[slash - qid] = '\0';
		image = strrchr(qid, '/') + 1;
		label = target && !strcmp(target, "Yes") ? ANS_YES
			: target && !strcmp(target, "No") ? ANS_NO
							  : ANS_INVALID;
		if (!mme_subtask_find(sub))
			note_unmatched(st, qid, q.ptr);
		else
			r = import_mme_ref_match(ref, sub, image, q.ptr, l.lineno, reply, label, fn, ctx,
						 st, err);
		cJSON_Delete(o);
		if (r)
			break;
	}
	lines_close(&l);
	buf_release(&q);
	if (r)
		return r;
	import_mme_ref_missing(ref, NULL, st);
	return 0;
}
