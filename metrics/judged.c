/* judged: the judge's effect on a run (judged.h). */
#include "judged.h"

#include <stdlib.h>
#include <string.h>

#include "../base/keyset.h"
#include "../harness/journal.h"
#include "../harness/judge.h"
#include "clusters.h"
#include "metrics.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

struct verdict {
	uint64_t key;
	int answered; /* 1: an answer line (else only error lines) */
	answer_t answer;
	int correct;
};

struct jctx {
	struct verdict *v;
	size_t n, cap;
};

static int on_judge_line(const struct sample *s, void *p)
{
	struct jctx *c = p;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n].key = s->key;
	c->v[c->n].answered = !s->error && s->outcome == SAMPLE_ANSWER;
	c->v[c->n].answer = s->error ? ANS_INVALID : s->answer;
	c->v[c->n].correct = !s->error && s->outcome == SAMPLE_ANSWER && s->correct;
	c->n++;
	return 0;
}

static int cmp_verdict(const void *a, const void *b)
{
	const struct verdict *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	/* An answer line first: it wins over the error lines of earlier tries. */
	return y->answered - x->answered;
}

static const struct verdict *find(const struct jctx *c, uint64_t key)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n && c->v[lo].key == key ? &c->v[lo] : NULL;
}

struct sctx {
	const struct jctx *j;
	uint64_t fp;
	struct judged *out;
	struct keyset seen;
};

static struct judged_counts *suite_counts(struct judged *jd, const char *name)
{
	size_t lo = 0, hi = jd->n_suites;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(jd->suites[mid].name, name);
		if (!c)
			return &jd->suites[mid].c;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	jd->suites = xrealloc(jd->suites, (jd->n_suites + 1) * sizeof(*jd->suites));
	memmove(jd->suites + lo + 1, jd->suites + lo, (jd->n_suites - lo) * sizeof(*jd->suites));
	memset(&jd->suites[lo], 0, sizeof(jd->suites[lo]));
	jd->suites[lo].name = xstrdup(name);
	jd->n_suites++;
	return &jd->suites[lo].c;
}

enum { J_TASKS, J_CORRECT, J_WITH_JUDGE, J_N };

static void count(struct judged_counts *c, const struct sample *s, const struct verdict *v)
{
	uint32_t *row;

	if (!c->tally)
		c->tally = xcalloc(1, sizeof(*c->tally));
	row = cluster_row(c->tally, J_N, task_cluster(s));
	row[J_TASKS]++;
	row[J_CORRECT] += s->correct != 0;
	row[J_WITH_JUDGE] += s->correct != 0 ||
			     (s->answer == ANS_INVALID && v && v->answered &&
			      v->answer != ANS_INVALID && v->correct);
	c->tasks++;
	c->correct += s->correct != 0;
	if (s->answer != ANS_INVALID)
		return;
	c->invalid++;
	if (v && v->answered) {
		c->judged++;
		if (v->answer != ANS_INVALID) {
			c->rescued++;
			c->rescued_correct += v->correct != 0;
		}
	} else if (v) {
		c->failed++;
	} else {
		c->not_asked++;
	}
}

static int on_sample(const struct sample *s, void *p)
{
	struct sctx *c = p;
	const struct verdict *v;

	if (s->error || !keyset_add(&c->seen, s->key))
		return 0;
	if (s->outcome != SAMPLE_ANSWER || !metrics_is_base(s->variant))
		return 0;
	v = find(c->j, judge_key(s->key, c->fp));
	count(&c->out->all, s, v);
	count(suite_counts(c->out, s->suite), s, v);
	return 0;
}

static void counts_finish(struct judged_counts *c)
{
	static const struct cluster_tally none;
	const struct cluster_tally *t = c->tally ? c->tally : &none;
	struct clustered cs;
	double eff;

	cluster_sums(t, J_CORRECT, J_TASKS, &cs);
	clustered_wilson(&cs, Z95, &c->lo, &c->hi, &eff);
	cluster_sums(t, J_WITH_JUDGE, J_TASKS, &cs);
	clustered_wilson(&cs, Z95, &c->lo_judge, &c->hi_judge, &eff);
	cluster_tally_free(&c->tally);
}

int judged_compute(const char *samples, const char *judge_journal, uint64_t judge_fp,
		   const char *run, struct judged **out, char *err)
{
	struct jctx j = { 0 };
	struct sctx sc;
	int r;

	*out = NULL;
	memset(&sc, 0, sizeof(sc));
	if ((r = journal_scan_run(judge_journal, 1, run, on_judge_line, &j, NULL, err)))
		goto out;
	if (j.n)
		qsort(j.v, j.n, sizeof(*j.v), cmp_verdict);
	sc.j = &j;
	sc.fp = judge_fp;
	sc.out = xcalloc(1, sizeof(*sc.out));
	r = journal_scan_run(samples, 0, run, on_sample, &sc, NULL, err);
	counts_finish(&sc.out->all);
	for (size_t i = 0; i < sc.out->n_suites; i++)
		counts_finish(&sc.out->suites[i].c);
	if (r)
		judged_free(sc.out);
	else
		*out = sc.out;
out:
	keyset_release(&sc.seen);
	free(j.v);
	return r;
}

void judged_free(struct judged *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n_suites; i++)
		free(j->suites[i].name);
	free(j->suites);
	free(j);
}
