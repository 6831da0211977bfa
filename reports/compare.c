/*
 * compare: matching two runs, paired bootstrap, exact McNemar, movers,
 * right-to-wrong tasks, the gate, and their Markdown and JSON.  The contract
 * is in compare.h.
 */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../harness/journal.h"
#include "../base/keyset.h"
#include "../metrics/stats.h"
#include "../base/util.h"
#include "report.h"

/* ---- options ----------------------------------------------------------- */

static int parse_share(const char *s, double *out)
{
	return parse_double(s, out) || *out < 0.0 || *out > 1.0 ? -1 : 0;
}

int gate_opts_set(struct gate_opts *g, const char *name, const char *value, char *err)
{
	if (!strcmp(name, "baseline")) {
		g->baseline = value;
	} else if (!strcmp(name, "max-drop")) {
		if (parse_double(value, &g->max_drop) || g->max_drop < 0 || g->max_drop > 100)
			return err_set(err, VSR_EUSAGE,
				       "--max-drop '%s': expected accuracy points from 0 to 100, e.g. 2",
				       value);
		g->has_max_drop = 1;
	} else if (!strcmp(name, "alpha")) {
		if (parse_double(value, &g->alpha) || g->alpha <= 0 || g->alpha >= 1)
			return err_set(err, VSR_EUSAGE,
				       "--alpha '%s': expected a significance level between 0 and 1, "
				       "e.g. 0.05",
				       value);
	} else if (!strcmp(name, "min-accuracy")) {
		const char *eq = strchr(value, '=');
		struct gate_floor *f;
		if (g->n_floors == GATE_MAX_FLOORS)
			return err_set(err, VSR_EUSAGE, "too many --min-accuracy options");
		f = &g->floors[g->n_floors];
		memset(f, 0, sizeof(*f));
		if (eq) {
			if (eq == value || (size_t)(eq - value) >= sizeof(f->suite))
				return err_set(err, VSR_EUSAGE,
					       "--min-accuracy '%s': expected SUITE=X, e.g. synth=0.62",
					       value);
			memcpy(f->suite, value, (size_t)(eq - value));
		}
		if (parse_share(eq ? eq + 1 : value, &f->min))
			return err_set(err, VSR_EUSAGE,
				       "--min-accuracy '%s': expected [SUITE=]X with X an accuracy "
				       "from 0 to 1, e.g. synth=0.62",
				       value);
		g->n_floors++;
	} else if (!strcmp(name, "max-language-sensitivity")) {
		if (parse_share(value, &g->max_lang))
			return err_set(err, VSR_EUSAGE,
				       "--max-language-sensitivity '%s': expected a share from 0 to 1, "
				       "e.g. 0.2",
				       value);
		g->has_max_lang = 1;
	} else {
		return err_set(err, VSR_EUSAGE, "unknown gate option '%s'", name);
	}
	return 0;
}

int gate_opts_any(const struct gate_opts *g)
{
	return g->has_max_drop || g->n_floors || g->has_max_lang || g->baseline;
}

int gate_opts_check(const struct gate_opts *g, int in_run, char *err)
{
	struct stat st;

	if (g->alpha > 0 && !g->has_max_drop)
		return err_set(err, VSR_EUSAGE, "--alpha applies to --max-drop, which is not given");
	if (!in_run)
		return 0;
	if (g->has_max_drop && !g->baseline)
		return err_set(err, VSR_EUSAGE, "--max-drop needs --baseline RUN_DIR to compare with");
	if (g->baseline && (stat(g->baseline, &st) < 0 || !S_ISDIR(st.st_mode)))
		return err_set(err, VSR_EDATA, "--baseline %s: not a run directory", g->baseline);
	return 0;
}

/* ---- matching ------------------------------------------------------------ */

enum { SIDE_BASE, SIDE_CAND };
enum { ST_ABSENT, ST_FAILED, ST_ANSWERED };

struct pair {
	uint64_t h;
	char *key; /* suite NUL item NUL template NUL variant NUL */
	const char *suite, *item, *tmpl, *variant;
	char *relation, *category, *cluster, *prompt;
	answer_t label[2], ans[2];
	unsigned char state[2], correct[2];
};

struct table {
	struct pair *p;
	size_t n, cap;
	size_t *slots; /* index + 1; 0 is empty */
	size_t n_slots;
};

struct scan_ctx {
	struct table *t;
	int side;
};

static uint64_t pair_hash(const char *suite, const char *item, const char *tmpl,
			  const char *variant)
{
	uint64_t h = hash64_str(suite, HASH_SEED);

	h = hash64_str(item, h ^ 0x1f);
	h = hash64_str(tmpl, h ^ 0x2f);
	return hash64_str(variant, h ^ 0x3f);
}

static int pair_is(const struct pair *p, const struct sample *s)
{
	return !strcmp(p->suite, s->suite) && !strcmp(p->item, s->item) &&
	       !strcmp(p->tmpl, s->tmpl) && !strcmp(p->variant, s->variant);
}

static void table_grow(struct table *t)
{
	size_t ns = t->n_slots ? t->n_slots * 2 : 1024;
	size_t *slots = xcalloc(ns, sizeof(*slots));

	for (size_t i = 0; i < t->n; i++) {
		size_t j = (size_t)t->p[i].h & (ns - 1);
		while (slots[j])
			j = (j + 1) & (ns - 1);
		slots[j] = i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->n_slots = ns;
}

static struct pair *table_get(struct table *t, const struct sample *s)
{
	uint64_t h = pair_hash(s->suite, s->item, s->tmpl, s->variant);
	size_t j, ls, li, lt, lv;
	struct pair *p;

	if ((t->n + 1) * 4 > t->n_slots * 3)
		table_grow(t);
	for (j = (size_t)h & (t->n_slots - 1); t->slots[j]; j = (j + 1) & (t->n_slots - 1)) {
		p = &t->p[t->slots[j] - 1];
		if (p->h == h && pair_is(p, s))
			return p;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->p = xrealloc(t->p, t->cap * sizeof(*t->p));
	}
	p = &t->p[t->n];
	t->slots[j] = ++t->n;
	memset(p, 0, sizeof(*p));
	p->h = h;
	ls = strlen(s->suite) + 1;
	li = strlen(s->item) + 1;
	lt = strlen(s->tmpl) + 1;
	lv = strlen(s->variant) + 1;
	p->key = xmalloc(ls + li + lt + lv);
	memcpy(p->key, s->suite, ls);
	memcpy(p->key + ls, s->item, li);
	memcpy(p->key + ls + li, s->tmpl, lt);
	memcpy(p->key + ls + li + lt, s->variant, lv);
	p->suite = p->key;
	p->item = p->key + ls;
	p->tmpl = p->key + ls + li;
	p->variant = p->key + ls + li + lt;
	p->relation = s->relation ? xstrdup(s->relation) : NULL;
	p->category = xstrdup(s->category ? s->category : "(none)");
	/* The bootstrap's cluster: the image, or the item when it has no file. */
	p->cluster = xstrdup(s->image ? s->image : s->item);
	p->prompt = xstrdup(s->prompt ? s->prompt : "");
	return p;
}

static int on_line(const struct sample *s, void *arg)
{
	struct scan_ctx *c = arg;
	struct pair *p = table_get(c->t, s);
	int k = c->side;

	if (p->state[k] == ST_ANSWERED)
		return 0; /* the first answer counts */
	if (s->error) {
		p->state[k] = ST_FAILED;
		return 0;
	}
	p->state[k] = ST_ANSWERED;
	p->label[k] = s->label;
	p->ans[k] = s->answer;
	p->correct[k] = s->correct != 0;
	return 0;
}

static void table_release(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->p[i].key);
		free(t->p[i].relation);
		free(t->p[i].category);
		free(t->p[i].cluster);
		free(t->p[i].prompt);
	}
	free(t->p);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static int pair_cmp(const void *pa, const void *pb)
{
	const struct pair *a = pa, *b = pb;
	int r;

	if ((r = strcmp(a->suite, b->suite)) || (r = strcmp(a->item, b->item)) ||
	    (r = strcmp(a->tmpl, b->tmpl)))
		return r;
	return strcmp(a->variant, b->variant);
}

/* ---- statistics ---------------------------------------------------------- */

static void stat_add(struct cmp_stat *s, const struct pair *p)
{
	s->pairs++;
	s->base_correct += p->correct[SIDE_BASE];
	s->cand_correct += p->correct[SIDE_CAND];
	s->b += p->correct[SIDE_BASE] && !p->correct[SIDE_CAND];
	s->c += !p->correct[SIDE_BASE] && p->correct[SIDE_CAND];
}

static struct cmp_stat *group_get(struct cmp_stat **gs, size_t *n, const char *name)
{
	size_t lo = 0, hi = *n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp((*gs)[mid].name, name);
		if (!c)
			return &(*gs)[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*gs = xrealloc(*gs, (*n + 1) * sizeof(**gs));
	memmove(*gs + lo + 1, *gs + lo, (*n - lo) * sizeof(**gs));
	memset(&(*gs)[lo], 0, sizeof((*gs)[lo]));
	(*gs)[lo].name = xstrdup(name);
	(*n)++;
	return &(*gs)[lo];
}

static void stat_finish(struct cmp_stat *s)
{
	s->p = mcnemar_exact_p(s->b, s->c);
}

/* Clusters of one suite, appended to growing arrays shared by all suites. */
struct clusters {
	size_t *n;
	long *d;
	size_t len, cap;
	struct u64map index; /* hash of the cluster name -> position + 1 */
};

static void cluster_add(struct clusters *cl, const struct pair *p)
{
	uint64_t h = hash64_str(p->cluster, HASH_SEED), at;

	if (!u64map_get(&cl->index, h, &at)) {
		if (cl->len == cl->cap) {
			cl->cap = cl->cap ? cl->cap * 2 : 256;
			cl->n = xrealloc(cl->n, cl->cap * sizeof(*cl->n));
			cl->d = xrealloc(cl->d, cl->cap * sizeof(*cl->d));
		}
		cl->n[cl->len] = 0;
		cl->d[cl->len] = 0;
		at = ++cl->len;
		u64map_put(&cl->index, h, at);
	}
	cl->n[at - 1]++;
	cl->d[at - 1] += (long)p->correct[SIDE_CAND] - (long)p->correct[SIDE_BASE];
}

static void stat_interval(struct cmp_stat *s, const struct clusters *cl, size_t from,
			  size_t reps, uint64_t seed)
{
	if (!s->pairs)
		return;
	s->has_ci = !paired_bootstrap(cl->n + from, cl->d + from, cl->len - from, reps, seed,
				      COMPARE_LEVEL, &s->ci_low, &s->ci_high);
}

static void flip_add(struct comparison *c, const struct pair *p)
{
	struct cmp_flip *f;

	/* Pairs arrive sorted, so an item's flips are consecutive. */
	if (!c->total_flips++ || strcmp(c->last_flip_suite, p->suite) ||
	    strcmp(c->last_flip_item, p->item)) {
		c->flip_items++;
		free(c->last_flip_suite);
		free(c->last_flip_item);
		c->last_flip_suite = xstrdup(p->suite);
		c->last_flip_item = xstrdup(p->item);
	}
	if (c->n_flips == COMPARE_FLIPS_MAX)
		return;
	if (!c->flips)
		c->flips = xcalloc(COMPARE_FLIPS_MAX, sizeof(*c->flips));
	f = &c->flips[c->n_flips++];
	f->suite = xstrdup(p->suite);
	f->item = xstrdup(p->item);
	f->tmpl = xstrdup(p->tmpl);
	f->variant = xstrdup(p->variant);
	f->prompt = xstrdup(p->prompt);
	f->label = p->label[SIDE_CAND];
	f->base_answer = p->ans[SIDE_BASE];
	f->cand_answer = p->ans[SIDE_CAND];
}

static cJSON *load_run_json(const char *dir)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	cJSON *run = NULL;

	buf_addf(&path, "%s/run.json", dir);
	text.max = 16u << 20;
	if (!buf_read_file(&text, path.ptr))
		run = cJSON_Parse(text.ptr);
	buf_release(&path);
	buf_release(&text);
	return run;
}

static char *model_spec(const cJSON *run)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(run, "model"), "spec"));

	return s ? xstrdup(s) : NULL;
}

/*
 * Items are matched by id: when a suite's content digest differs between the
 * runs (another seed, options or dataset version), one id may name two
 * different items.  That is worth a warning, not a refusal: a count or limit
 * change also changes the digest and leaves the common items alike.
 */
static void check_digests(struct comparison *c, const cJSON *base, const cJSON *cand)
{
	const cJSON *bs, *cs;

	cJSON_ArrayForEach(bs, cJSON_GetObjectItemCaseSensitive(base, "suites")) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(bs, "name"));
		const char *bd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(bs, "digest"));
		cJSON_ArrayForEach(cs, cJSON_GetObjectItemCaseSensitive(cand, "suites")) {
			const char *n2 = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cs, "name"));
			const char *cd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cs, "digest"));
			if (!name || !n2 || strcmp(name, n2) || !bd || !cd || !strcmp(bd, cd))
				continue;
			if (c->warnings.len)
				buf_addch(&c->warnings, '\n');
			buf_addf(&c->warnings,
				 "suite %s has different content in the two runs (digest %.16s vs %.16s: "
				 "another seed, options or data version); tasks are matched by item id, "
				 "which may name different items",
				 name, bd, cd);
		}
	}
}

static int scan_run(struct table *t, const char *dir, int side, char *err)
{
	struct scan_ctx ctx = { t, side };
	struct buf path = BUF_INIT;
	struct stat st;
	int r;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		return err_set(err, VSR_EDATA, "%s: not a run directory (%s)", dir,
			       errno == ENOENT ? "no such directory" : "not a directory");
	}
	buf_addf(&path, "%s/samples.jsonl", dir);
	r = journal_scan(path.ptr, 0, on_line, &ctx, NULL, err);
	buf_release(&path);
	return r;
}

int comparison_load(struct comparison *c, const char *base_dir, const char *cand_dir,
		    size_t reps, uint64_t seed, char *err)
{
	struct table t = { 0 };
	struct clusters cl = { 0 };
	size_t suite_from = 0;
	struct cmp_suite *cur = NULL;
	int r;

	memset(c, 0, sizeof(*c));
	buf_init(&c->warnings, 0);
	c->reps = reps ? reps : COMPARE_REPS_DEFAULT;
	c->seed = seed;
	if ((r = scan_run(&t, base_dir, SIDE_BASE, err)) ||
	    (r = scan_run(&t, cand_dir, SIDE_CAND, err))) {
		table_release(&t);
		return r;
	}
	c->base_dir = xstrdup(base_dir);
	c->cand_dir = xstrdup(cand_dir);
	{
		cJSON *rb = load_run_json(base_dir), *rc = load_run_json(cand_dir);
		c->base_model = model_spec(rb);
		c->cand_model = model_spec(rc);
		check_digests(c, rb, rc);
		cJSON_Delete(rb);
		cJSON_Delete(rc);
	}
	c->all.name = xstrdup("all suites");
	/* Sorted, so that suites are contiguous and the clusters' order (hence the
	 * bootstrap) does not depend on the order tasks finished in. */
	if (t.n)
		qsort(t.p, t.n, sizeof(*t.p), pair_cmp);
	for (size_t i = 0; i < t.n; i++) {
		const struct pair *p = &t.p[i];
		if (!cur || strcmp(cur->all.name, p->suite)) {
			if (cur)
				stat_interval(&cur->all, &cl, suite_from, c->reps, c->seed);
			c->suites = xrealloc(c->suites, (c->n_suites + 1) * sizeof(*c->suites));
			cur = &c->suites[c->n_suites++];
			memset(cur, 0, sizeof(*cur));
			cur->all.name = xstrdup(p->suite);
			/* Images of different suites are different clusters. */
			u64map_release(&cl.index);
			memset(&cl.index, 0, sizeof(cl.index));
			suite_from = cl.len;
		}
		if (p->state[SIDE_CAND] == ST_ABSENT) {
			cur->base_only++;
			continue;
		}
		if (p->state[SIDE_BASE] == ST_ABSENT) {
			cur->cand_only++;
			continue;
		}
		if (p->state[SIDE_BASE] == ST_FAILED || p->state[SIDE_CAND] == ST_FAILED) {
			cur->dropped_failed++;
			continue;
		}
		if (p->label[SIDE_BASE] != p->label[SIDE_CAND]) {
			cur->dropped_label++;
			continue;
		}
		stat_add(&cur->all, p);
		stat_add(&c->all, p);
		stat_add(group_get(&cur->cat, &cur->n_cat, p->category), p);
		if (p->relation)
			stat_add(group_get(&cur->rel, &cur->n_rel, p->relation), p);
		cluster_add(&cl, p);
		if (p->correct[SIDE_BASE] && !p->correct[SIDE_CAND])
			flip_add(c, p);
	}
	if (cur)
		stat_interval(&cur->all, &cl, suite_from, c->reps, c->seed);
	if (c->n_suites == 1) { /* the same clusters: the same resamples */
		c->all.has_ci = c->suites[0].all.has_ci;
		c->all.ci_low = c->suites[0].all.ci_low;
		c->all.ci_high = c->suites[0].all.ci_high;
	} else {
		stat_interval(&c->all, &cl, 0, c->reps, c->seed);
	}
	stat_finish(&c->all);
	for (size_t i = 0; i < c->n_suites; i++) {
		struct cmp_suite *s = &c->suites[i];
		stat_finish(&s->all);
		for (size_t k = 0; k < s->n_rel; k++)
			stat_finish(&s->rel[k]);
		for (size_t k = 0; k < s->n_cat; k++)
			stat_finish(&s->cat[k]);
		c->base_only += s->base_only;
		c->cand_only += s->cand_only;
		c->dropped_failed += s->dropped_failed;
		c->dropped_label += s->dropped_label;
	}
	u64map_release(&cl.index);
	free(cl.n);
	free(cl.d);
	table_release(&t);
	if (!c->all.pairs) {
		r = err_set(err, VSR_EDATA,
			    "%s and %s have no answered task in common (matched on suite, item, "
			    "template and variant: %zu only in the first, %zu only in the second, "
			    "%zu failed in either)",
			    base_dir, cand_dir, c->base_only, c->cand_only, c->dropped_failed);
		comparison_release(c);
	}
	return r;
}

static void stat_release(struct cmp_stat *s)
{
	free(s->name);
}

void comparison_release(struct comparison *c)
{
	for (size_t i = 0; i < c->n_suites; i++) {
		struct cmp_suite *s = &c->suites[i];
		stat_release(&s->all);
		for (size_t k = 0; k < s->n_rel; k++)
			stat_release(&s->rel[k]);
		for (size_t k = 0; k < s->n_cat; k++)
			stat_release(&s->cat[k]);
		free(s->rel);
		free(s->cat);
	}
	for (size_t i = 0; i < c->n_flips; i++) {
		free(c->flips[i].suite);
		free(c->flips[i].item);
		free(c->flips[i].tmpl);
		free(c->flips[i].variant);
		free(c->flips[i].prompt);
	}
	free(c->flips);
	free(c->last_flip_suite);
	free(c->last_flip_item);
	free(c->suites);
	stat_release(&c->all);
	free(c->base_dir);
	free(c->cand_dir);
	free(c->base_model);
	free(c->cand_model);
	buf_release(&c->warnings);
	memset(c, 0, sizeof(*c));
}

/* ---- the gate ------------------------------------------------------------ */

static double alpha_of(const struct gate_opts *g)
{
	return g->alpha > 0 ? g->alpha : GATE_ALPHA_DEFAULT;
}

static double pct(size_t k, size_t n)
{
	return 100.0 * ratio(k, n);
}

static struct gate_check *check_add(struct gate_result *res, const char *suite,
				    const char *type)
{
	struct gate_check *ck;

	res->c = xrealloc(res->c, (res->n + 1) * sizeof(*res->c));
	ck = &res->c[res->n++];
	memset(ck, 0, sizeof(*ck));
	ck->suite = xstrdup(suite);
	ck->type = xstrdup(type);
	return ck;
}

static void check_set(struct gate_result *res, struct gate_check *ck, int failed,
		      struct buf *name, struct buf *line)
{
	ck->failed = failed;
	res->n_failed += failed != 0;
	ck->name = buf_detach(name, NULL);
	ck->line = buf_detach(line, NULL);
}

static void drop_check(struct gate_result *res, const struct gate_opts *g, const char *suite,
		       const struct cmp_stat *s, size_t base_only, size_t failed_pairs)
{
	struct gate_check *ck = check_add(res, suite, "max-drop");
	struct buf name = BUF_INIT, line = BUF_INIT;
	double base = pct(s->base_correct, s->pairs), cand = pct(s->cand_correct, s->pairs);
	double drop = base - cand, alpha = alpha_of(g);
	int failed;

	buf_addf(&name, "no significant drop > %.1f points", g->max_drop);
	if (!s->pairs && !base_only && !failed_pairs) {
		/* A suite new in the candidate: failing would block every change that adds
		 * one until the baseline has it, which only merging the change brings. */
		failed = 0;
		buf_addf(&line, "%s: not in the baseline run, so there is no drop to check", suite);
	} else if (!s->pairs) {
		failed = 1;
		buf_addf(&line,
			 "%s: no task answered in both runs (%zu only in the baseline, %zu failed in "
			 "either), so the drop cannot be checked",
			 suite, base_only, failed_pairs);
	} else {
		failed = drop > g->max_drop && s->p < alpha;
		buf_addf(&line, "%s: accuracy %s %.1f points (%.1f%% -> %.1f%% on %zu paired tasks",
			 suite, drop > 0 ? "dropped" : "changed by", drop > 0 ? drop : -drop, base,
			 cand, s->pairs);
		if (s->has_ci)
			buf_addf(&line, ", change [%+.1f, %+.1f]", 100 * s->ci_low, 100 * s->ci_high);
		buf_addf(&line, "); %s the allowed %.1f; McNemar p = %.2g (%zu right->wrong, "
				"%zu wrong->right) %s alpha %g",
			 drop > g->max_drop ? "more than" : "within", g->max_drop, s->p, s->b, s->c,
			 s->p < alpha ? "<" : ">=", alpha);
	}
	check_set(res, ck, failed, &name, &line);
}

static void floor_check(struct gate_result *res, const struct gate_floor *f,
			const struct metrics *m)
{
	const char *suite = f->suite[0] ? f->suite : "all suites";
	struct gate_check *ck = check_add(res, suite, "min-accuracy");
	struct buf name = BUF_INIT, line = BUF_INIT;
	const struct acc *a = NULL;
	int failed;

	if (!f->suite[0])
		a = &m->all;
	for (size_t i = 0; !a && i < m->n_suites; i++)
		if (!strcmp(m->suites[i].name, f->suite))
			a = &m->suites[i].all;
	buf_addf(&name, "accuracy >= %.1f%%", 100 * f->min);
	if (!a || !a->tasks) {
		failed = 1;
		buf_addf(&line, "%s: no answered task in the run, so the floor %.1f%% cannot be checked",
			 suite, 100 * f->min);
		if (!a) {
			buf_adds(&line, " (suites in the run:");
			for (size_t i = 0; i < m->n_suites; i++)
				buf_addf(&line, " %s", m->suites[i].name);
			buf_adds(&line, ")");
		}
	} else {
		double acc = ratio(a->correct, a->tasks), lo, hi;
		wilson_interval(a->correct, a->tasks, Z95, &lo, &hi);
		failed = acc < f->min;
		buf_addf(&line, "%s: accuracy %.1f%% [%.1f, %.1f] (%zu of %zu) is %s the floor %.1f%%",
			 suite, 100 * acc, 100 * lo, 100 * hi, a->correct, a->tasks,
			 failed ? "below" : "at or above", 100 * f->min);
		/* How surprising this count would be from a model exactly at the floor. */
		if (failed)
			buf_addf(&line, " by %.1f points; one-sided binomial p = %.2g",
				 100 * (f->min - acc), binom_cdf(a->correct, a->tasks, f->min));
	}
	check_set(res, ck, failed, &name, &line);
}

static void lang_check(struct gate_result *res, const struct gate_opts *g,
		       const struct suite_metrics *sm)
{
	struct gate_check *ck = check_add(res, sm->name, "max-language-sensitivity");
	struct buf name = BUF_INIT, line = BUF_INIT;
	const struct sens_value *lang = &sm->sens.fig[SENS_LANGUAGE];
	int failed;

	buf_addf(&name, "language sensitivity <= %.1f%%", 100 * g->max_lang);
	if (!lang->present || lang->n < 1) {
		failed = 1;
		buf_addf(&line,
			 "%s: the run has no language-sensitivity figure (it was not run with "
			 "-p instr, format or converse), so the ceiling %.1f%% cannot be checked",
			 sm->name, 100 * g->max_lang);
	} else {
		/* The binomial test counts whole items: the figure sums each item's share
		 * of changed pairs, so its numerator is rounded to the nearest item. */
		size_t n = lang->n, k = (size_t)llround(lang->num);
		failed = lang->value > g->max_lang;
		buf_addf(&line, "%s: language sensitivity %.1f%%", sm->name, 100 * lang->value);
		if (isfinite(lang->ci_low) && isfinite(lang->ci_high))
			buf_addf(&line, " [%.1f, %.1f]", 100 * lang->ci_low, 100 * lang->ci_high);
		buf_addf(&line, " (n = %zu) is %s the ceiling %.1f%%", n,
			 failed ? "above" : "at or below", 100 * g->max_lang);
		/* How surprising this many changed answers would be at the ceiling. */
		if (failed)
			buf_addf(&line, " by %.1f points; one-sided binomial p = %.2g",
				 100 * (lang->value - g->max_lang),
				 binom_sf(k > n ? n : k, n, g->max_lang));
	}
	check_set(res, ck, failed, &name, &line);
}

void gate_evaluate(const struct gate_opts *g, const struct comparison *cmp,
		   const struct metrics *cand, struct gate_result *res)
{
	memset(res, 0, sizeof(*res));
	if (g->has_max_drop && cmp) {
		for (size_t i = 0; i < cmp->n_suites; i++)
			drop_check(res, g, cmp->suites[i].all.name, &cmp->suites[i].all,
				   cmp->suites[i].base_only, cmp->suites[i].dropped_failed);
		if (cmp->n_suites > 1)
			drop_check(res, g, "all suites", &cmp->all, cmp->base_only,
				   cmp->dropped_failed);
	}
	for (size_t i = 0; i < g->n_floors; i++)
		floor_check(res, &g->floors[i], cand);
	if (g->has_max_lang) {
		for (size_t i = 0; i < cand->n_suites; i++)
			lang_check(res, g, &cand->suites[i]);
		if (!cand->n_suites) {
			struct gate_check *ck = check_add(res, "all suites", "max-language-sensitivity");
			struct buf name = BUF_INIT, line = BUF_INIT;
			buf_addf(&name, "language sensitivity <= %.1f%%", 100 * g->max_lang);
			buf_adds(&line, "the run has no answered task, so the language sensitivity "
					"cannot be checked");
			check_set(res, ck, 1, &name, &line);
		}
	}
}

void gate_result_release(struct gate_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		free(res->c[i].suite);
		free(res->c[i].name);
		free(res->c[i].type);
		free(res->c[i].line);
	}
	free(res->c);
	memset(res, 0, sizeof(*res));
}

void gate_print_failures(FILE *fp, const struct gate_result *res)
{
	for (size_t i = 0; i < res->n; i++)
		if (res->c[i].failed)
			fprintf(fp, "gate failed: %s\n", res->c[i].line);
}

/* ---- Markdown ------------------------------------------------------------ */

static void md_change(struct buf *out, const struct cmp_stat *s)
{
	double d = pct(s->cand_correct, s->pairs) - pct(s->base_correct, s->pairs);

	buf_addf(out, "%+.1f", d);
	if (s->has_ci)
		buf_addf(out, " [%+.1f, %+.1f]", 100 * s->ci_low, 100 * s->ci_high);
}

static void md_stat_row(struct buf *out, const struct cmp_stat *s, int bold)
{
	buf_adds(out, bold ? "| **" : "| ");
	buf_add_md(out, s->name, 60);
	buf_addf(out, "%s | %zu | %.1f%% | %.1f%% | ", bold ? "**" : "", s->pairs,
		 pct(s->base_correct, s->pairs), pct(s->cand_correct, s->pairs));
	md_change(out, s);
	buf_addf(out, " | %zu | %zu | %.2g |\n", s->b, s->c, s->p);
}

struct mover {
	const char *suite, *by;
	const struct cmp_stat *s;
};

static double change_of(const struct cmp_stat *s)
{
	return ratio(s->cand_correct, s->pairs) - ratio(s->base_correct, s->pairs);
}

static int mover_cmp(const void *pa, const void *pb)
{
	const struct mover *a = pa, *b = pb;
	double x = fabs(change_of(a->s)), y = fabs(change_of(b->s));
	int r;

	if (x != y)
		return x > y ? -1 : 1;
	if (a->s->p != b->s->p)
		return a->s->p < b->s->p ? -1 : 1;
	if ((r = strcmp(a->suite, b->suite)) || (r = strcmp(a->by, b->by)))
		return r;
	return strcmp(a->s->name, b->s->name);
}

#define MD_MOVERS 8
#define MD_FLIPS 15

static void md_movers(struct buf *out, const struct comparison *c)
{
	struct mover *mv = NULL;
	size_t n = 0, shown = 0;

	for (size_t i = 0; i < c->n_suites; i++) {
		const struct cmp_suite *s = &c->suites[i];
		mv = xrealloc(mv, (n + s->n_rel + s->n_cat + 1) * sizeof(*mv));
		for (size_t k = 0; k < s->n_rel; k++)
			if (s->rel[k].b + s->rel[k].c)
				mv[n++] = (struct mover){ s->all.name, "relation", &s->rel[k] };
		for (size_t k = 0; k < s->n_cat; k++)
			if (s->cat[k].b + s->cat[k].c)
				mv[n++] = (struct mover){ s->all.name, "category", &s->cat[k] };
	}
	if (n) {
		qsort(mv, n, sizeof(*mv), mover_cmp);
		buf_adds(out, "\n### Largest movers\n\n| suite | by | group | pairs | base | candidate "
			      "| change | right→wrong | wrong→right | McNemar p |\n"
			      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
		for (size_t i = 0; i < n && shown < MD_MOVERS; i++, shown++) {
			const struct cmp_stat *s = mv[i].s;
			buf_adds(out, "| ");
			buf_add_md(out, mv[i].suite, 40);
			buf_addf(out, " | %s | ", mv[i].by);
			buf_add_md(out, s->name, 40);
			buf_addf(out, " | %zu | %.1f%% | %.1f%% | %+.1f | %zu | %zu | %.2g |\n", s->pairs,
				 pct(s->base_correct, s->pairs), pct(s->cand_correct, s->pairs),
				 100 * change_of(s), s->b, s->c, s->p);
		}
		if (n > shown)
			buf_addf(out, "\n%zu more groups changed; all are in the JSON output.\n",
				 n - shown);
	}
	free(mv);
}

static int same_item(const struct cmp_flip *a, const struct cmp_flip *b)
{
	return !strcmp(a->suite, b->suite) && !strcmp(a->item, b->item);
}

/* Grouped by item: with many templates one item is many tasks. */
static void md_flips(struct buf *out, const struct comparison *c)
{
	size_t shown = 0, i = 0;

	if (!c->total_flips) {
		buf_adds(out, "\nNo task went from right to wrong.\n");
		return;
	}
	buf_addf(out, "\n### Right → wrong: %zu task%s in %zu item%s\n\n", c->total_flips,
		 c->total_flips == 1 ? "" : "s", c->flip_items, c->flip_items == 1 ? "" : "s");
	buf_adds(out, "| suite | item | expected | tasks | template·variant: candidate's answer | "
		      "prompt |\n|---|---|---|---:|---|---|\n");
	while (i < c->n_flips && shown < MD_FLIPS) {
		const struct cmp_flip *f = &c->flips[i];
		size_t j = i;
		while (j < c->n_flips && same_item(&c->flips[j], f))
			j++;
		buf_adds(out, "| ");
		buf_add_md(out, f->suite, 40);
		buf_adds(out, " | ");
		buf_add_md(out, f->item, 40);
		buf_addf(out, " | %s | %zu | ", answer_name(f->label), j - i);
		for (size_t k = i; k < j && k < i + 6; k++) {
			buf_add_md(out, c->flips[k].tmpl, 20);
			if (strcmp(c->flips[k].variant, "base")) {
				buf_adds(out, "·");
				buf_add_md(out, c->flips[k].variant, 20);
			}
			buf_addf(out, ": %s%s", answer_name(c->flips[k].cand_answer),
				 k + 1 < j ? ", " : "");
		}
		if (j - i > 6)
			buf_adds(out, "…");
		buf_adds(out, " | ");
		buf_add_md(out, f->prompt, 90);
		buf_adds(out, " |\n");
		shown++;
		i = j;
	}
	if (c->flip_items > shown)
		buf_addf(out, "\n… and %zu more items (the JSON output lists up to %d tasks).\n",
			 c->flip_items - shown, COMPARE_FLIPS_MAX);
}

static void md_gate(struct buf *out, const struct gate_result *gr)
{
	if (!gr || !gr->n)
		return;
	if (gr->n_failed)
		buf_addf(out, "**Gate: failed** (%zu of %zu check%s)\n\n", gr->n_failed, gr->n,
			 gr->n == 1 ? "" : "s");
	else
		buf_addf(out, "**Gate: passed** (%zu check%s)\n\n", gr->n, gr->n == 1 ? "" : "s");
	for (size_t i = 0; i < gr->n; i++) {
		buf_adds(out, gr->c[i].failed ? "- ❌ " : "- ✅ ");
		buf_add_md(out, gr->c[i].line, 1000);
		buf_addch(out, '\n');
	}
	buf_addch(out, '\n');
}

void comparison_md(const struct comparison *c, const struct gate_result *gr, struct buf *out)
{
	buf_adds(out, "## vsrbench compare\n\n");
	md_gate(out, gr);
	buf_adds(out, "Base `");
	buf_add_md(out, c->base_model ? c->base_model : "?", 80);
	buf_adds(out, "` (");
	buf_add_md(out, c->base_dir, 80);
	buf_adds(out, ") → candidate `");
	buf_add_md(out, c->cand_model ? c->cand_model : "?", 80);
	buf_adds(out, "` (");
	buf_add_md(out, c->cand_dir, 80);
	buf_addf(out, "): %zu paired tasks", c->all.pairs);
	if (c->base_only || c->cand_only)
		buf_addf(out, "; %zu only in base and %zu only in the candidate (not compared)",
			 c->base_only, c->cand_only);
	if (c->dropped_failed)
		buf_addf(out, "; %zu pairs dropped because a request failed in either run",
			 c->dropped_failed);
	if (c->dropped_label)
		buf_addf(out, "; %zu pairs dropped because the runs disagree on the label",
			 c->dropped_label);
	buf_adds(out, ".\n\n");
	if (c->warnings.len) {
		const char *p = c->warnings.ptr;
		while (*p) {
			const char *e = strchr(p, '\n');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			char *one = xmalloc(len + 1);
			memcpy(one, p, len);
			one[len] = '\0';
			buf_adds(out, "> ⚠ ");
			buf_add_md(out, one, 1000);
			buf_adds(out, "\n\n");
			free(one);
			p += len + (e ? 1 : 0);
		}
	}
	buf_adds(out, "| suite | pairs | base | candidate | change, points [95% CI] | "
		      "right→wrong | wrong→right | McNemar p |\n"
		      "|---|---:|---:|---:|---|---:|---:|---:|\n");
	for (size_t i = 0; i < c->n_suites; i++)
		md_stat_row(out, &c->suites[i].all, 0);
	if (c->n_suites > 1)
		md_stat_row(out, &c->all, 1);
	md_movers(out, c);
	md_flips(out, c);
	buf_addf(out, "\n<sub>Accuracy on the tasks both runs answered. Interval: paired bootstrap "
		      "over images, %zu resamples, seed %llu. p: exact two-sided McNemar test on "
		      "the discordant pairs.</sub>\n",
		 c->reps, (unsigned long long)c->seed);
}

/* ---- JSON ---------------------------------------------------------------- */

static double r6(double x)
{
	return round(x * 1e6) / 1e6;
}

static cJSON *stat_json(const struct cmp_stat *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "pairs", (double)s->pairs);
	cJSON_AddNumberToObject(o, "base_accuracy", r6(ratio(s->base_correct, s->pairs)));
	cJSON_AddNumberToObject(o, "candidate_accuracy", r6(ratio(s->cand_correct, s->pairs)));
	cJSON_AddNumberToObject(o, "change", r6(change_of(s)));
	if (s->has_ci) {
		cJSON_AddNumberToObject(o, "change_ci_low", r6(s->ci_low));
		cJSON_AddNumberToObject(o, "change_ci_high", r6(s->ci_high));
	}
	cJSON_AddNumberToObject(o, "right_to_wrong", (double)s->b);
	cJSON_AddNumberToObject(o, "wrong_to_right", (double)s->c);
	cJSON_AddNumberToObject(o, "mcnemar_p", s->p);
	return o;
}

static cJSON *groups_json(const struct cmp_stat *g, size_t n)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToObject(o, g[i].name, stat_json(&g[i]));
	return o;
}

static void add_counts(cJSON *o, size_t base_only, size_t cand_only, size_t failed,
		       size_t label)
{
	cJSON_AddNumberToObject(o, "tasks_only_in_base", (double)base_only);
	cJSON_AddNumberToObject(o, "tasks_only_in_candidate", (double)cand_only);
	cJSON_AddNumberToObject(o, "pairs_dropped_failed", (double)failed);
	cJSON_AddNumberToObject(o, "pairs_dropped_label_mismatch", (double)label);
}

static cJSON *run_json(const char *dir, const char *model)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "dir", dir);
	if (model)
		cJSON_AddStringToObject(o, "model", model);
	else
		cJSON_AddNullToObject(o, "model");
	return o;
}

int comparison_json(const struct comparison *c, const struct gate_result *gr, struct buf *out)
{
	cJSON *root = cJSON_CreateObject(), *o, *suites, *arr;

	cJSON_AddStringToObject(root, "schema", "vsrbench.compare/1");
	cJSON_AddItemToObject(root, "base", run_json(c->base_dir, c->base_model));
	cJSON_AddItemToObject(root, "candidate", run_json(c->cand_dir, c->cand_model));
	arr = cJSON_AddArrayToObject(root, "warnings");
	for (const char *p = c->warnings.ptr; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *one = xmalloc(len + 1);
		memcpy(one, p, len);
		one[len] = '\0';
		cJSON_AddItemToArray(arr, cJSON_CreateString(one));
		free(one);
		p += len + (e ? 1 : 0);
	}
	o = cJSON_AddObjectToObject(root, "bootstrap");
	cJSON_AddNumberToObject(o, "resamples", (double)c->reps);
	cJSON_AddNumberToObject(o, "seed", (double)c->seed);
	cJSON_AddNumberToObject(o, "level", COMPARE_LEVEL);
	cJSON_AddStringToObject(o, "cluster", "image (item when the task has no image file)");
	o = stat_json(&c->all);
	add_counts(o, c->base_only, c->cand_only, c->dropped_failed, c->dropped_label);
	cJSON_AddItemToObject(root, "overall", o);
	suites = cJSON_AddObjectToObject(root, "suites");
	for (size_t i = 0; i < c->n_suites; i++) {
		const struct cmp_suite *cs = &c->suites[i];
		o = stat_json(&cs->all);
		add_counts(o, cs->base_only, cs->cand_only, cs->dropped_failed, cs->dropped_label);
		cJSON_AddItemToObject(o, "by_category", groups_json(cs->cat, cs->n_cat));
		cJSON_AddItemToObject(o, "by_relation", groups_json(cs->rel, cs->n_rel));
		cJSON_AddItemToObject(suites, cs->all.name, o);
	}
	o = cJSON_AddObjectToObject(root, "right_to_wrong");
	cJSON_AddNumberToObject(o, "total", (double)c->total_flips);
	cJSON_AddNumberToObject(o, "items", (double)c->flip_items);
	arr = cJSON_AddArrayToObject(o, "tasks");
	for (size_t i = 0; i < c->n_flips; i++) {
		const struct cmp_flip *f = &c->flips[i];
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "suite", f->suite);
		cJSON_AddStringToObject(t, "item", f->item);
		cJSON_AddStringToObject(t, "template", f->tmpl);
		cJSON_AddStringToObject(t, "variant", f->variant);
		cJSON_AddStringToObject(t, "label", answer_name(f->label));
		cJSON_AddStringToObject(t, "base_answer", answer_name(f->base_answer));
		cJSON_AddStringToObject(t, "candidate_answer", answer_name(f->cand_answer));
		cJSON_AddStringToObject(t, "prompt", f->prompt);
		cJSON_AddItemToArray(arr, t);
	}
	if (gr && gr->n) {
		o = cJSON_AddObjectToObject(root, "gate");
		cJSON_AddBoolToObject(o, "passed", !gr->n_failed);
		arr = cJSON_AddArrayToObject(o, "checks");
		for (size_t i = 0; i < gr->n; i++) {
			cJSON *t = cJSON_CreateObject();
			cJSON_AddStringToObject(t, "suite", gr->c[i].suite);
			cJSON_AddStringToObject(t, "type", gr->c[i].type);
			cJSON_AddStringToObject(t, "name", gr->c[i].name);
			cJSON_AddBoolToObject(t, "passed", !gr->c[i].failed);
			cJSON_AddStringToObject(t, "message", gr->c[i].line);
			cJSON_AddItemToArray(arr, t);
		}
	} else {
		cJSON_AddNullToObject(root, "gate");
	}
	return report_json_out(root, out);
}

/* ---- run --baseline ------------------------------------------------------ */

static int write_to(const char *dir, const char *file, const struct buf *b, char *err)
{
	struct buf path = BUF_INIT;
	int r;

	buf_addf(&path, "%s/%s", dir, file);
	r = write_file_atomic(path.ptr, b->ptr, b->len, err);
	buf_release(&path);
	return r;
}

int gate_after_run(const char *run_dir, const struct gate_opts *g, char *err)
{
	struct comparison cmp;
	struct gate_result res = { 0 };
	struct metrics m;
	struct buf path = BUF_INIT, text = BUF_INIT;
	cJSON *run = NULL;
	int r, have_cmp = 0;

	buf_addf(&path, "%s/samples.jsonl", run_dir);
	r = metrics_from_journal(path.ptr, &m, err);
	if (r)
		goto out_nometrics;
	buf_reset(&path);
	buf_addf(&path, "%s/run.json", run_dir);
	text.max = 16u << 20;
	if (!buf_read_file(&text, path.ptr))
		run = cJSON_Parse(text.ptr);
	if (g->baseline) {
		if ((r = comparison_load(&cmp, g->baseline, run_dir, 0, 1, err)))
			goto out;
		have_cmp = 1;
	}
	gate_evaluate(g, have_cmp ? &cmp : NULL, &m, &res);
	if (have_cmp) {
		buf_reset(&text);
		comparison_md(&cmp, &res, &text);
		if ((r = write_to(run_dir, "compare.md", &text, err)))
			goto out;
		buf_reset(&text);
		if ((r = comparison_json(&cmp, &res, &text)) ||
		    (r = write_to(run_dir, "compare.json", &text, err)))
			goto out;
	}
	buf_reset(&text);
	if ((r = junit_build(&m, run, &res, &text)) || (r = write_to(run_dir, "junit.xml", &text, err)))
		goto out;
	gate_print_failures(stderr, &res);
	if (res.n_failed) {
		err[0] = '\0';
		r = VSR_EGATE;
	} else {
		printf("gate passed: %zu check%s\n", res.n, res.n == 1 ? "" : "s");
	}
out:
	gate_result_release(&res);
	if (have_cmp)
		comparison_release(&cmp);
	cJSON_Delete(run);
	metrics_release(&m);
out_nometrics:
	buf_release(&path);
	buf_release(&text);
	return r;
}
