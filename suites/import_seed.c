/* import_seed: SEED-Bench result files (eval.py's, and the published ones). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/lines.h"
#include "../base/util.h"
#include "import.h"

int import_seed_questions_load(struct import_seed_questions *q, const char *path, char *err)
{
	int r;

	memset(q, 0, sizeof(*q));
	r = seed_file_load(path, NULL, 0, &q->f, err);
	for (size_t i = 0; !r && i < q->f.n; i++)
		u64map_put(&q->at, hash64_str(q->f.q[i].id, HASH_SEED), i + 1);
	return r;
}

void import_seed_questions_release(struct import_seed_questions *q)
{
	seed_file_release(&q->f);
	u64map_release(&q->at);
}

static const struct seed_q *question(const struct import_seed_questions *q, const char *id)
{
	uint64_t at;

	if (!q || !q->f.n || !u64map_get(&q->at, hash64_str(id, HASH_SEED), &at))
		return NULL;
	return strcmp(q->f.q[at - 1].id, id) ? NULL : &q->f.q[at - 1];
}

/* A SEED-Bench-2 id "<dimension>_<n>": the dimension's name. */
static const char *seed2_dim_of(const char *id)
{
	const char *us = strchr(id, '_');
	char num[16];
	long v;

	if (!us || us == id || (size_t)(us - id) >= sizeof(num))
		return NULL;
	memcpy(num, id, (size_t)(us - id));
	num[us - id] = '\0';
	if (parse_long(num, 1, 1000, &v))
		return NULL;
	return seed2_dimension_name(v);
}

static int letter_of(const char *a, answer_t *out)
{
	while (a && *a == ' ')
		a++;
	if (!a || *a < 'A' || *a > 'D')
		return -1;
	for (const char *p = a + 1; *p; p++)
		if (*p != ' ')
			return -1;
	*out = ANS_LETTER(*a - 'A');
	return 0;
}

/* question_id, a string or a number, as a string (caller frees); NULL if neither. */
static char *question_id(const cJSON *o)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "question_id");
	char tmp[32];

	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		/* An integer as one; anything else (4.7e95, 1.5) as written, never cast out of range. */
		if (d > -9e18 && d < 9e18 && d == (double)(long long)d)
			snprintf(tmp, sizeof(tmp), "%lld", (long long)d);
		else
			snprintf(tmp, sizeof(tmp), "%.17g", d);
		return xstrdup(tmp);
	}
	return NULL;
}

int import_seed_results(const char *path, const struct import_seed_questions *qs,
			int spatial_only, import_fn fn, void *ctx, struct import_seed_stats *st,
			char *err)
{
	struct lines l;
	struct keyset seen = KEYSET_INIT;
	struct u64map first_pred = U64MAP_INIT;
	size_t n_questions = qs ? qs->f.n : 0;
	int r;

	memset(st, 0, sizeof(*st));
	if ((r = lines_open(&l, path, IMPORT_LINE_MAX, err)))
		return r;
	while ((r = lines_next(&l, err)) == 1) {
		char *p = l.line.ptr, *e;
		cJSON *o;
		char *qid = NULL;
		const char *pred, *gt, *dim = NULL;
		const struct seed_q *q;
		struct import_answer a;
		answer_t label;
		uint64_t h;

		r = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		/* One object per line; the published files add a ',' (and may sit in [ ]). */
		if (e > p && e[-1] == ',')
			*--e = '\0';
		if (!*p || !strcmp(p, "[") || !strcmp(p, "]"))
			continue;
		o = cJSON_Parse(p);
		if (!cJSON_IsObject(o)) {
			cJSON_Delete(o);
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: expected one JSON object per line "
				    "({\"question_id\": ..., \"prediction\": ...})",
				    path, l.lineno);
			break;
		}
		qid = question_id(o);
		pred = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "prediction"));
		gt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "gt_answer"));
		if (!qid || !pred) {
			r = err_set(err, VSR_EDATA, "%s:%zu: needs \"question_id\" and \"prediction\"",
				    path, l.lineno);
			goto next;
		}
		/* A question answered twice: the first answer counts (as in a journal). */
		h = hash64_str(qid, HASH_SEED);
		if (!keyset_add(&seen, h)) {
			uint64_t ph = 0;
			st->duplicates++;
			u64map_get(&first_pred, h, &ph);
			st->duplicates_differ += ph != hash64_str(pred, HASH_SEED);
			goto next;
		}
		u64map_put(&first_pred, h, hash64_str(pred, HASH_SEED));
		if (gt && *gt && (gt[0] == ' ' || gt[strlen(gt) - 1] == ' '))
			st->gt_trimmed++;
		q = question(qs, qid);
		if (q) {
			answer_t g;
			dim = q->dimension;
			if (gt && (letter_of(gt, &g) || g != q->answer))
				st->gt_differs++;
			label = q->answer;
		} else {
			st->no_question += n_questions > 0;
			if (n_questions && (!gt || letter_of(gt, &label))) {
				st->no_truth++; /* counted and reported, never scored */
				goto next;
			}
			if (!gt || letter_of(gt, &label)) {
				r = err_set(err, VSR_EDATA,
					    "%s:%zu: question %s: no ground truth (no \"gt_answer\" A-D, "
					    "and %s)",
					    path, l.lineno, qid,
					    n_questions ? "not in the question file"
							: "no question file: give --questions SEED-Bench.json");
				goto next;
			}
			dim = seed2_dim_of(qid);
		}
		if (spatial_only &&
		    (!dim || (strcasecmp(dim, "Spatial Relation") && strcasecmp(dim, "Instance Location"))))
			goto next;
		st->video += seed_is_video(qid, dim); /* as seed_answer routes them to seed-video */
		memset(&a, 0, sizeof(a));
		a.lineno = l.lineno;
		a.item = qid;
		a.category = dim;
		a.tmpl = "recorded"; /* the prompt the model saw is not known */
		a.format = "choice";
		a.prompt = q ? q->question : "";
		a.image = q ? q->data_id : NULL;
		a.label = label;
		a.response = pred;
		a.choices = q ? (const char *const *)q->choices : NULL;
		a.n_choices = 4;
		r = fn(&a, ctx, err);
	next:
		free(qid);
		cJSON_Delete(o);
		if (r)
			break;
	}
	lines_close(&l);
	keyset_release(&seen);
	u64map_release(&first_pred);
	return r;
}
