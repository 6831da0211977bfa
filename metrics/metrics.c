#include "metrics.h"

#include <stdlib.h>
#include <string.h>

#include "../harness/journal.h"
#include "clusters.h"
#include "stats.h"
#include "../base/keyset.h"
#include "judged.h"
#include "official.h"
#include "worst.h"
#include "../base/util.h"

void acc_add(struct acc *a, int label, int answered, int answer_yes, int correct, double ms)
{
	a->tasks++;
	a->answered += answered != 0;
	a->correct += correct != 0;
	a->yes += answer_yes != 0;
	a->ms += ms;
	if (label > 0) {
		a->pos++;
		a->pos_correct += correct != 0;
	} else if (label == 0) {
		a->neg++;
		a->neg_correct += correct != 0;
	}
}

/* ---- intervals clustered by image ------------------------------------- */

enum { T_TASKS, T_ANSWERED, T_CORRECT, T_YES, T_POS, T_POS_CORRECT, T_NEG, T_NEG_CORRECT, T_N };

/* Each proportion's numerator and denominator among the counts. */
static const unsigned char prop_count[PROP_N][2] = {
	[PROP_ANSWERED] = { T_ANSWERED, T_TASKS },
	[PROP_ACCURACY] = { T_CORRECT, T_TASKS },
	[PROP_ACC_ANSWERED] = { T_CORRECT, T_ANSWERED },
	[PROP_YES] = { T_YES, T_ANSWERED },
	[PROP_TRUE_LABEL] = { T_POS_CORRECT, T_POS },
	[PROP_FALSE_LABEL] = { T_NEG_CORRECT, T_NEG },
};

/*
 * An acc's counts of the image being added up, and its sums over the images
 * done (stats.h: struct clustered), while the intervals are computed.
 */
struct acc_tally {
	uint32_t cur[T_N];
	uint32_t image;
	int has; /* cur holds an image's counts */
	struct clustered cs[PROP_N];
	size_t images;
};

void acc_ci(const struct acc *a, enum acc_prop p, double *lo, double *hi)
{
	*lo = a->ci[p].lo;
	*hi = a->ci[p].hi;
}

/* The image in a's counts, one cluster, into its sums. */
static void tally_flush(struct acc_tally *t)
{
	if (!t->has)
		return;
	for (int p = 0; p < PROP_N; p++)
		if (t->cur[prop_count[p][1]])
			clustered_add(&t->cs[p], t->cur[prop_count[p][0]], t->cur[prop_count[p][1]]);
	t->images++;
	memset(t->cur, 0, sizeof(t->cur));
	t->has = 0;
}

/* A task's counts (TB_* bits) for image `image`; images come in order, each once. */
enum { TB_ANSWERED = 1, TB_CORRECT = 2, TB_YES = 4, TB_POS = 8, TB_NEG = 16 };

static void tally_add(struct acc *a, uint32_t image, unsigned bits)
{
	struct acc_tally *t = a->tally;

	if (!t)
		t = a->tally = xcalloc(1, sizeof(*t));
	if (t->has && t->image != image)
		tally_flush(t);
	t->image = image;
	t->has = 1;
	t->cur[T_TASKS]++;
	t->cur[T_ANSWERED] += !!(bits & TB_ANSWERED);
	t->cur[T_CORRECT] += !!(bits & TB_CORRECT);
	t->cur[T_YES] += !!(bits & TB_YES);
	t->cur[T_POS] += !!(bits & TB_POS);
	t->cur[T_POS_CORRECT] += (bits & TB_POS) && (bits & TB_CORRECT);
	t->cur[T_NEG] += !!(bits & TB_NEG);
	t->cur[T_NEG_CORRECT] += (bits & TB_NEG) && (bits & TB_CORRECT);
}

static void acc_tally_free(struct acc *a)
{
	free(a->tally);
	a->tally = NULL;
}

/* Every proportion's interval from the sums, which are then freed. */
static void acc_finish(struct acc *a)
{
	static const struct acc_tally none;
	const struct acc_tally *t = a->tally ? a->tally : &none;

	if (a->tally)
		tally_flush(a->tally);
	a->images = t->images;
	for (int p = 0; p < PROP_N; p++)
		clustered_wilson(&t->cs[p], Z95, &a->ci[p].lo, &a->ci[p].hi, &a->ci[p].n_eff);
	acc_tally_free(a);
}

static struct acc *groups_get(struct groups *gs, const char *name)
{
	size_t lo = 0, hi = gs->n;

	/* Binary search keeps the array sorted as it grows. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(gs->g[mid].name, name);
		if (!c)
			return &gs->g[mid].a;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (gs->n == gs->cap) {
		gs->cap = gs->cap ? gs->cap * 2 : 16;
		gs->g = xrealloc(gs->g, gs->cap * sizeof(*gs->g));
	}
	memmove(gs->g + lo + 1, gs->g + lo, (gs->n - lo) * sizeof(*gs->g));
	memset(&gs->g[lo], 0, sizeof(gs->g[lo]));
	gs->g[lo].name = xstrdup(name);
	gs->n++;
	return &gs->g[lo].a;
}

static void groups_finish(struct groups *gs)
{
	for (size_t i = 0; i < gs->n; i++)
		acc_finish(&gs->g[i].a);
}

static void groups_release(struct groups *gs)
{
	for (size_t i = 0; i < gs->n; i++) {
		free(gs->g[i].name);
		acc_tally_free(&gs->g[i].a);
	}
	free(gs->g);
	memset(gs, 0, sizeof(*gs));
}

static struct suite_metrics *suite_get(struct metrics *m, const char *name)
{
	size_t lo = 0, hi = m->n_suites;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(m->suites[mid].name, name);
		if (!c)
			return &m->suites[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	m->suites = xrealloc(m->suites, (m->n_suites + 1) * sizeof(*m->suites));
	memmove(m->suites + lo + 1, m->suites + lo, (m->n_suites - lo) * sizeof(*m->suites));
	memset(&m->suites[lo], 0, sizeof(m->suites[lo]));
	m->suites[lo].name = xstrdup(name);
	m->suites[lo].id = (uint32_t)m->n_suites;
	m->n_suites++;
	return &m->suites[lo];
}

/*
 * A scored task as the intervals need it (12 bytes: a run of a million
 * tasks holds 12 MB): its image, the cells it counts in, its counts.
 */
struct ci_rec {
	uint32_t image;
	uint32_t cells; /* index into ctx.cells */
	uint32_t bits;  /* TB_* */
};

/* The names of the cells a task counts in (owned), and those cells once all exist. */
/* A task's names that pick its groups (each_group), copied from its line. */
struct task_names {
	char *suite, *category, *relation, *tmpl, *format, *variant;
};

static void names_copy(struct task_names *n, const struct sample *s)
{
	n->suite = xstrdup(s->suite);
	n->category = s->category ? xstrdup(s->category) : NULL;
	n->relation = s->relation ? xstrdup(s->relation) : NULL;
	n->tmpl = xstrdup(s->tmpl);
	n->format = xstrdup(s->format);
	n->variant = xstrdup(s->variant);
}

static void names_free(struct task_names *n)
{
	free(n->suite);
	free(n->category);
	free(n->relation);
	free(n->tmpl);
	free(n->format);
	free(n->variant);
}

struct cellset {
	struct task_names nm;
	struct acc *acc[7];
	size_t n_acc;
};

/* A failed task, kept aside until we know whether a later line answered it. */
struct failed {
	uint64_t key;
	struct task_names nm;
};

struct ctx {
	struct metrics *m;
	struct worst_collector *worst; /* NULL: not asked for */
	int do_sens; /* the second pass feeds the sensitivity */
	int worst2;  /* the second pass feeds the worst items */
	struct sens_collector sens;
	struct keyset counted;
	struct failed *failed;
	size_t n_failed, cap_failed;
	/* For the intervals: each scored task's image and cells, added up by image at the end. */
	struct ci_rec *recs;
	size_t n_recs, cap_recs;
	struct u64map image_at; /* task_cluster() -> image index + 1 */
	uint32_t n_images;
	struct cellset *cells;
	size_t n_cells, cap_cells;
	struct u64map cells_at; /* hash of the names -> index + 1 */
};

/*
 * The headline rule (docs/report-json.md): a suite's figures and its
 * per-category, -relation, -template and -format tables are its base variant
 * (original image, the run's templates); every perturbation variant is
 * counted in by_variant only, beside the headline, never folded into it.
 */
int metrics_is_base(const char *variant)
{
	return !variant || !strcmp(variant, "base");
}

static void each_group(struct suite_metrics *sm, const char *category, const char *relation,
		       const char *tmpl, const char *format, const char *variant,
		       void (*fn)(struct acc *, const void *), const void *arg)
{
	fn(groups_get(&sm->by_variant, variant), arg);
	if (!metrics_is_base(variant))
		return;
	fn(&sm->all, arg);
	fn(groups_get(&sm->by_category, category ? category : "(none)"), arg);
	if (relation)
		fn(groups_get(&sm->by_relation, relation), arg);
	fn(groups_get(&sm->by_template, tmpl), arg);
	fn(groups_get(&sm->by_format, format), arg);
}

/* The same for a task known by its copied names (a failed task, a cell of the intervals). */
static void each_group_of(struct metrics *m, const struct task_names *n,
			  void (*fn)(struct acc *, const void *), const void *arg)
{
	each_group(suite_get(m, n->suite), n->category, n->relation, n->tmpl, n->format, n->variant,
		   fn, arg);
}

static void add_scored(struct acc *a, const void *arg)
{
	const struct sample *s = arg;

	acc_add(a, s->label == ANS_YES ? 1 : s->label == ANS_NO ? 0 : -1, s->answer != ANS_INVALID,
		s->answer == ANS_YES, s->correct, s->ms);
	a->cut_answered += s->cut_answered != 0;
}

static void add_error(struct acc *a, const void *arg)
{
	(void)arg;
	a->errors++;
}

static void add_outcome(struct acc *a, const void *arg)
{
	const struct sample *s = arg;

	a->cut_short += s->outcome == SAMPLE_CUT_SHORT;
	a->refused += s->outcome == SAMPLE_REFUSED;
}

static void usage_add(struct usage_sum *u, const struct sample *s)
{
	if (s->cached) {
		u->cached++;
	} else if (s->tokens_in >= 0 || s->tokens_out >= 0) {
		u->reported++;
		u->in += s->tokens_in > 0 ? s->tokens_in : 0;
		u->out += s->tokens_out > 0 ? s->tokens_out : 0;
		if (s->tokens_reasoning >= 0) {
			u->reasoning_reported++;
			u->reasoning += s->tokens_reasoning;
		}
	}
}

/* The reply r normalised as an example (metrics.h: suite_metrics.unread_ex), in b. */
static void unread_text(struct buf *b, const char *r)
{
	while (*r == ' ' || *r == '\n' || *r == '\r' || *r == '\t')
		r++;
	for (; *r && b->len <= METRICS_UNREAD_CUT; r++) {
		unsigned char ch = (unsigned char)*r;
		if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
			if (b->len && b->ptr[b->len - 1] != ' ')
				buf_addch(b, ' ');
		} else {
			buf_addch(b, ch < 0x20 || ch == 0x7f ? '?' : (char)ch);
		}
	}
	if (b->len > METRICS_UNREAD_CUT) {
		buf_setlen(b, utf8_cut_len(b->ptr, b->len, METRICS_UNREAD_CUT - 3));
		buf_adds(b, "...");
	}
	while (b->len && b->ptr[b->len - 1] == ' ')
		buf_setlen(b, b->len - 1);
}

/*
 * A reply read as no answer, of task `key`: kept when its text is among the
 * METRICS_UNREAD_EX distinct ones of the smallest keys seen (each text
 * ranked by the smallest key it came with), whatever order they come in.
 */
static void unread_example(struct suite_metrics *sm, uint64_t key, const char *response)
{
	struct buf b = BUF_INIT;
	size_t i, at;

	if (sm->n_unread_ex == METRICS_UNREAD_EX && key >= sm->unread_key[METRICS_UNREAD_EX - 1])
		return; /* it ranks after every one kept: not even read */
	unread_text(&b, response ? response : "");
	for (i = 0; i < sm->n_unread_ex && strcmp(sm->unread_ex[i], b.ptr); i++)
		;
	if (i < sm->n_unread_ex && sm->unread_key[i] <= key) {
		buf_release(&b); /* known, ranked by a smaller key already */
		return;
	}
	if (i == sm->n_unread_ex && i == METRICS_UNREAD_EX)
		i--; /* new: the last one kept makes room */
	if (i < sm->n_unread_ex) {
		free(sm->unread_ex[i]);
		sm->n_unread_ex--;
		memmove(sm->unread_ex + i, sm->unread_ex + i + 1,
			(sm->n_unread_ex - i) * sizeof(*sm->unread_ex));
		memmove(sm->unread_key + i, sm->unread_key + i + 1,
			(sm->n_unread_ex - i) * sizeof(*sm->unread_key));
	}
	for (at = sm->n_unread_ex; at && sm->unread_key[at - 1] > key; at--) {
		sm->unread_ex[at] = sm->unread_ex[at - 1];
		sm->unread_key[at] = sm->unread_key[at - 1];
	}
	sm->unread_ex[at] = b.len ? buf_detach(&b, NULL) : xstrdup("");
	sm->unread_key[at] = key;
	sm->n_unread_ex++;
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static uint32_t cellset_of(struct ctx *c, const struct sample *s)
{
	const char *f[6] = { s->suite, s->category, s->relation, s->tmpl, s->format, s->variant };
	uint64_t h = 0x63656c6cULL, at;
	struct cellset *cs;

	for (int i = 0; i < 6; i++)
		h = hash64_str(f[i] ? f[i] : "\x01", h + (uint64_t)i);
	/* Names that hash alike but differ take the next key. */
	for (; u64map_get(&c->cells_at, h, &at); h++) {
		cs = &c->cells[at - 1];
		if (str_eq(cs->nm.suite, s->suite) && str_eq(cs->nm.category, s->category) &&
		    str_eq(cs->nm.relation, s->relation) && str_eq(cs->nm.tmpl, s->tmpl) &&
		    str_eq(cs->nm.format, s->format) && str_eq(cs->nm.variant, s->variant))
			return (uint32_t)(at - 1);
	}
	if (c->n_cells == c->cap_cells) {
		c->cap_cells = c->cap_cells ? c->cap_cells * 2 : 64;
		c->cells = xrealloc(c->cells, c->cap_cells * sizeof(*c->cells));
	}
	cs = &c->cells[c->n_cells];
	memset(cs, 0, sizeof(*cs));
	names_copy(&cs->nm, s);
	u64map_put(&c->cells_at, h, ++c->n_cells);
	return (uint32_t)(c->n_cells - 1);
}

static void ci_record(struct ctx *c, const struct sample *s)
{
	uint64_t img = task_cluster(s), at;
	struct ci_rec *r;

	if (!u64map_get(&c->image_at, img, &at)) {
		at = ++c->n_images;
		u64map_put(&c->image_at, img, at);
	}
	if (c->n_recs == c->cap_recs) {
		c->cap_recs = c->cap_recs ? c->cap_recs * 2 : 1024;
		c->recs = xrealloc(c->recs, c->cap_recs * sizeof(*c->recs));
	}
	r = &c->recs[c->n_recs++];
	r->image = (uint32_t)(at - 1);
	r->cells = cellset_of(c, s);
	r->bits = (s->answer != ANS_INVALID ? TB_ANSWERED : 0) | (s->correct ? TB_CORRECT : 0) |
		  (s->answer == ANS_YES ? TB_YES : 0) | (s->label == ANS_YES ? TB_POS : 0) |
		  (s->label == ANS_NO ? TB_NEG : 0);
}

static int by_image(const void *pa, const void *pb)
{
	const struct ci_rec *a = pa, *b = pb;

	return (a->image > b->image) - (a->image < b->image);
}

static void collect_cell(struct acc *a, const void *arg)
{
	struct cellset *cs = (struct cellset *)(uintptr_t)arg; /* each_group's arg: ours to fill */

	cs->acc[cs->n_acc++] = a;
}

/* The groups exist now: each task into its cells' sums, one image after another. */
static void ci_add_up(struct ctx *c)
{
	struct metrics *m = c->m;

	for (size_t i = 0; i < c->n_cells; i++) {
		struct cellset *cs = &c->cells[i];
		/* The cells on_sample counted the task in: each_group's and, base, m->all. */
		each_group_of(m, &cs->nm, collect_cell, cs);
		if (metrics_is_base(cs->nm.variant))
			cs->acc[cs->n_acc++] = &m->all;
	}
	if (c->n_recs)
		qsort(c->recs, c->n_recs, sizeof(*c->recs), by_image);
	for (size_t i = 0; i < c->n_recs; i++) {
		const struct cellset *cs = &c->cells[c->recs[i].cells];
		for (size_t k = 0; k < cs->n_acc; k++)
			tally_add(cs->acc[k], c->recs[i].image, c->recs[i].bits);
	}
}

static void ci_release(struct ctx *c)
{
	for (size_t i = 0; i < c->n_cells; i++)
		names_free(&c->cells[i].nm);
	free(c->cells);
	free(c->recs);
	u64map_release(&c->cells_at);
	u64map_release(&c->image_at);
}

static int on_sample(const struct sample *s, void *p)
{
	struct ctx *c = p;
	struct failed *f;

	c->m->lines++;
	official_add(c->m->official, s);
	if (s->error) {
		if (c->n_failed == c->cap_failed) {
			c->cap_failed = c->cap_failed ? c->cap_failed * 2 : 64;
			c->failed = xrealloc(c->failed, c->cap_failed * sizeof(*c->failed));
		}
		f = &c->failed[c->n_failed++];
		f->key = s->key;
		names_copy(&f->nm, s);
		return 0;
	}
	if (!keyset_add(&c->counted, s->key)) {
		c->m->duplicates++;
		return 0;
	}
	usage_add(&c->m->usage, s);
	usage_add(&suite_get(c->m, s->suite)->usage, s);
	if (s->outcome != SAMPLE_ANSWER) {
		if (metrics_is_base(s->variant))
			add_outcome(&c->m->all, s);
		each_group(suite_get(c->m, s->suite), s->category, s->relation, s->tmpl, s->format,
			   s->variant, add_outcome, s);
		return 0;
	}
	if (c->worst)
		worst_count(c->worst, s);
	ci_record(c, s);
	if (metrics_is_base(s->variant))
		add_scored(&c->m->all, s);
	{
		struct suite_metrics *sm = suite_get(c->m, s->suite);
		sm->lettered |= ANS_IS_LETTER(s->label);
		if (s->answer == ANS_INVALID)
			unread_example(sm, s->key, s->response);
		each_group(sm, s->category, s->relation, s->tmpl, s->format, s->variant, add_scored, s);
	}
	return 0;
}

/*
 * The second pass, only when some suite has variants to pair (several
 * templates or perturbations): the per-task records the sensitivity needs.
 * A plain run never holds them, so its memory does not grow with its size.
 */
static int on_sample_sens(const struct sample *s, void *p)
{
	struct ctx *c = p;

	if (c->worst2)
		worst_detail(c->worst, s);
	if (c->do_sens && sens_counts(&c->counted, s))
		sens_add(&c->sens, s, suite_get(c->m, s->suite)->id);
	return 0;
}

static int needs_sensitivity(const struct metrics *m)
{
	for (size_t i = 0; i < m->n_suites; i++)
		if (m->suites[i].by_template.n > 1 || m->suites[i].by_variant.n > 1)
			return 1;
	return 0;
}

int metrics_from_journal(const char *path, struct metrics *m, char *err)
{
	struct metrics_opts o = METRICS_OPTS_INIT;

	return metrics_from_journal_opts(path, &o, m, err);
}

int metrics_from_journal_opts(const char *path, const struct metrics_opts *o, struct metrics *m,
			      char *err)
{
	struct ctx c;
	int r;

	memset(m, 0, sizeof(*m));
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.worst = o->worst_items ? worst_collector_new() : NULL;
	m->resamples = o->resamples;
	m->seed = o->seed;
	m->journal = xstrdup(path);
	m->official = official_new();
	{
		struct journal_scan_info info;
		r = journal_scan_run(path, 0, o->run, on_sample, &c, &info, err);
		m->torn = info.torn;
		m->skipped = info.skipped;
		m->first_skipped = info.first_skipped;
	}
	official_finish(m->official);
	for (size_t i = 0; i < c.n_failed; i++) {
		struct failed *f = &c.failed[i];
		/* Counted once per key, and only if no line ever answered it. */
		if (!r && keyset_add(&c.counted, f->key)) {
			if (metrics_is_base(f->nm.variant))
				m->all.errors++;
			each_group_of(m, &f->nm, add_error, NULL);
		}
		names_free(&f->nm);
	}
	free(c.failed);
	ci_add_up(&c);
	ci_release(&c);
	acc_finish(&m->all);
	for (size_t i = 0; i < m->n_suites; i++) {
		struct suite_metrics *sm = &m->suites[i];
		acc_finish(&sm->all);
		groups_finish(&sm->by_category);
		groups_finish(&sm->by_relation);
		groups_finish(&sm->by_template);
		groups_finish(&sm->by_format);
		groups_finish(&sm->by_variant);
	}
	keyset_release(&c.counted);
	c.do_sens = !r && needs_sensitivity(m);
	c.worst2 = !r && c.worst && worst_choose(c.worst);
	if (c.do_sens || c.worst2) {
		r = journal_scan(path, 0, on_sample_sens, &c, NULL, err);
		keyset_release(&c.counted);
	}
	for (size_t i = 0; !r && i < m->n_suites; i++)
		sens_compute(&c.sens, m->suites[i].id, o->resamples, o->seed, &m->suites[i].sens);
	sens_release(&c.sens);
	if (!r && o->judge_journal)
		r = judged_compute(path, o->judge_journal, o->judge_fp, o->run, &m->judged, err);
	if (r) {
		worst_collector_free(c.worst);
		metrics_release(m);
	} else if (c.worst) {
		m->worst = worst_finish(c.worst);
	}
	return r;
}

void metrics_release(struct metrics *m)
{
	acc_tally_free(&m->all);
	for (size_t i = 0; i < m->n_suites; i++) {
		free(m->suites[i].name);
		acc_tally_free(&m->suites[i].all);
		groups_release(&m->suites[i].by_category);
		groups_release(&m->suites[i].by_relation);
		groups_release(&m->suites[i].by_template);
		groups_release(&m->suites[i].by_format);
		groups_release(&m->suites[i].by_variant);
		for (size_t k = 0; k < m->suites[i].n_unread_ex; k++)
			free(m->suites[i].unread_ex[k]);
	}
	free(m->suites);
	free(m->journal);
	official_free(m->official);
	worst_items_free(m->worst);
	judged_free(m->judged);
	memset(m, 0, sizeof(*m));
}
