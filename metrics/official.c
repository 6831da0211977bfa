/*
 * official: the benchmarks' own metrics from the journal (see official.h).
 *
 * official_add keeps one small record per task of an official suite; the
 * numbers are computed once in official_finish, after sorting the records
 * by (suite, template, category, group), so that they do not depend on the
 * order in which tasks finished.  Pure computing: the writers are in
 * reports/official_render.c.
 */
#include "official.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../suites/mme.h"
#include "stats.h"
#include "../harness/journal.h"
#include "../base/buf.h"
#include "../base/keyset.h"
#include "../base/util.h"

#define MMB_COPY 1000000L

/* ------------------------------------------------------------------ */
/* The rules                                                           */
/* ------------------------------------------------------------------ */

/* Bytes of the UTF-8 sequence starting with c; a stray byte counts as one character. */
static size_t utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

answer_t official_mme_rule(const char *response)
{
	const unsigned char *p = (const unsigned char *)(response ? response : "");
	char prefix[8];
	size_t chars = 0, n = 0;

	/* pred_ans in ["yes", "no"] after lower(): non-ASCII never lowers to these letters. */
	if (!strcasecmp((const char *)p, "yes"))
		return ANS_YES;
	if (!strcasecmp((const char *)p, "no"))
		return ANS_NO;
	/* pred_ans[:4]: four characters, not bytes. */
	while (*p && chars < 4) {
		size_t len = utf8_len(*p), k;
		for (k = 1; k < len && p[k]; k++)
			if ((p[k] & 0xc0) != 0x80)
				break;
		if (k < len)
			len = 1; /* a broken sequence: its lead byte alone */
		if (len == 1 && *p < 0x80) {
			char c = (char)*p;
			prefix[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
			chars++;
		} else {
			/* Python lower-cases U+0130 (capital I with dot) to two characters. */
			int two = len == 2 && p[0] == 0xc4 && p[1] == 0xb0;
			prefix[n++] = two ? 'i' : '\x01';
			chars++;
			if (two && chars < 4) {
				prefix[n++] = '\x01';
				chars++;
			}
		}
		p += len;
	}
	prefix[n] = '\0';
	if (strstr(prefix, "yes"))
		return ANS_YES;
	if (strstr(prefix, "no"))
		return ANS_NO;
	return ANS_INVALID;
}

/* MMBench's 20 categories and their l2-categories, as VLMEvalKit names them. */
static const struct {
	const char *category, *l2;
} mmb_l2[] = {
	{ "image_emotion", "coarse_perception" },
	{ "image_quality", "coarse_perception" },
	{ "image_scene", "coarse_perception" },
	{ "image_style", "coarse_perception" },
	{ "image_topic", "coarse_perception" },
	{ "attribute_recognition", "finegrained_perception (instance-level)" },
	{ "celebrity_recognition", "finegrained_perception (instance-level)" },
	{ "object_localization", "finegrained_perception (instance-level)" },
	{ "ocr", "finegrained_perception (instance-level)" },
	{ "action_recognition", "finegrained_perception (cross-instance)" },
	{ "attribute_comparison", "finegrained_perception (cross-instance)" },
	{ "spatial_relationship", "finegrained_perception (cross-instance)" },
	{ "function_reasoning", "attribute_reasoning" },
	{ "identity_reasoning", "attribute_reasoning" },
	{ "physical_property_reasoning", "attribute_reasoning" },
	{ "nature_relation", "relation_reasoning" },
	{ "physical_relation", "relation_reasoning" },
	{ "social_relation", "relation_reasoning" },
	{ "future_prediction", "logic_reasoning" },
	{ "structuralized_imagetext_understanding", "logic_reasoning" },
};

const char *official_mmbench_l2(const char *category)
{
	for (size_t i = 0; category && i < sizeof(mmb_l2) / sizeof(mmb_l2[0]); i++)
		if (!strcmp(mmb_l2[i].category, category))
			return mmb_l2[i].l2;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

/* One task: 48 bytes, no strings of its own (a run may have millions). */
struct rec {
	uint64_t key;
	uint64_t group;       /* hash of the group name (the item's id when it has none) */
	const char *category; /* interned, or NULL */
	const char *l2;       /* the line's l2-category (MMBench's file), interned, or NULL */
	uint32_t unit;
	signed char label, answer, rule; /* answer_t codes: 0..35 */
	unsigned char failed, original;  /* original: an MMBench row, not a rotation */
};

/* Interned strings: suite, template and category names. */
struct pool {
	char **v;
	size_t n;
	struct u64map at; /* hash -> index + 1 */
};

struct official {
	struct rec *recs;
	size_t n, cap;
	struct keyset answered, failed;
	struct pool pool;
	struct off_unit *units;
	size_t n_units;
	struct u64map unit_at; /* hash(suite, template) -> index + 1 */
	struct off_mme_total *totals; /* MME across suites, per template */
	size_t n_totals;
	struct off_seed_total *seed_totals; /* SEED's image and video questions, per template */
	size_t n_seed_totals;
	int finished;
};

static const char *intern(struct pool *p, const char *s)
{
	uint64_t h = hash64_str(s, HASH_SEED), at;

	/* Collisions are checked: a different string with the same hash is kept apart. */
	while (u64map_get(&p->at, h, &at)) {
		if (!strcmp(p->v[at - 1], s))
			return p->v[at - 1];
		h = h * 0x9e3779b97f4a7c15ULL + 1;
	}
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n++] = xstrdup(s);
	u64map_put(&p->at, h, p->n);
	return p->v[p->n - 1];
}

struct official *official_new(void)
{
	return xcalloc(1, sizeof(struct official));
}

/* ------------------------------------------------------------------ */
/* Computing                                                           */
/* ------------------------------------------------------------------ */

static int cmp_str(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a)
		return -1;
	if (!b)
		return 1;
	return strcmp(a, b);
}

static int cmp_rec(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;
	int c;

	if (a->unit != b->unit)
		return a->unit < b->unit ? -1 : 1;
	if ((c = cmp_str(a->category, b->category)))
		return c;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return a->key < b->key ? -1 : a->key > b->key;
}

static int cmp_unit(const void *pa, const void *pb)
{
	const struct off_unit *a = pa, *b = pb;
	int c = strcmp(a->suite, b->suite);

	return c ? c : strcmp(a->tmpl, b->tmpl);
}

static struct off_acc *acc_get(struct off_acc **v, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name))
			return &(*v)[i];
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].name = name;
	return &(*v)[(*n)++];
}

static double ratio_of(size_t k, size_t n)
{
	return n ? (double)k / (double)n : 0.0;
}

static void compute_mme(struct off_unit *u, const struct rec *r, size_t n)
{
	for (size_t a = 0; a < n;) {
		struct off_mme_sub *s;
		const struct mme_subtask *t;
		size_t b = a;

		while (b < n && !cmp_str(r[b].category, r[a].category))
			b++;
		u->sub = xrealloc(u->sub, (u->n_sub + 1) * sizeof(*u->sub));
		s = &u->sub[u->n_sub++];
		memset(s, 0, sizeof(*s));
		s->name = r[a].category ? r[a].category : "(none)";
		t = r[a].category ? mme_subtask_find(r[a].category) : NULL;
		s->known = t != NULL;
		s->cognition = t && t->cognition;
		struct clustered cs = { 0 };
		double eff;
		for (size_t g = a; g < b;) {
			size_t h = g, q0 = s->questions, r0 = s->right;
			int failed = 0, all = 1, all_ext = 1;
			while (h < b && r[h].group == r[g].group)
				h++;
			for (size_t i = g; i < h; i++) {
				if (r[i].failed) {
					failed = 1;
					s->failed++;
					continue;
				}
				s->questions++;
				s->right += r[i].rule == r[i].label;
				s->right_ext += r[i].answer == r[i].label;
				s->other += r[i].rule == ANS_INVALID;
				s->disagree += r[i].rule != r[i].answer;
				all &= r[i].rule == r[i].label;
				all_ext &= r[i].answer == r[i].label;
			}
			/*
			 * acc+ asks for both questions of an image right: an image
			 * with one of them failed, or not in the journal at all (a
			 * cut list, -n ending inside a pair), is not a whole pair.
			 */
			if (s->questions > q0) /* the image's answered questions: one cluster */
				clustered_add(&cs, (double)(s->right - r0), (double)(s->questions - q0));
			if (failed || h - g < 2) {
				s->incomplete_images++;
			} else {
				s->images++;
				s->images_right += all;
				s->images_right_ext += all_ext;
			}
			g = h;
		}
		s->acc = ratio_of(s->right, s->questions);
		clustered_wilson(&cs, Z95, &s->acc_lo, &s->acc_hi, &eff);
		s->acc_plus = ratio_of(s->images_right, s->images);
		s->score = 100.0 * (s->acc + s->acc_plus);
		s->acc_ext = ratio_of(s->right_ext, s->questions);
		s->acc_plus_ext = ratio_of(s->images_right_ext, s->images);
		s->score_ext = 100.0 * (s->acc_ext + s->acc_plus_ext);
		if (s->known && s->cognition) {
			u->cognition += s->score;
			u->cognition_ext += s->score_ext;
			u->n_cognition++;
		} else if (s->known) {
			u->perception += s->score;
			u->perception_ext += s->score_ext;
			u->n_perception++;
		}
		u->failed += s->failed;
		a = b;
	}
}

static void compute_mmbench(struct off_unit *u, const struct rec *r, size_t n)
{
	for (size_t g = 0; g < n;) {
		size_t h = g;
		int failed = 0, all = 1;
		const char *cat = r[g].category ? r[g].category : "(none)";
		/* The built-in table first; a category it lacks: the file's own l2-category. */
		const char *l2 = official_mmbench_l2(r[g].category);
		struct off_acc *c, *l;

		while (h < n && !cmp_str(r[h].category, r[g].category) && r[h].group == r[g].group)
			h++;
		for (size_t i = g; i < h && !l2; i++)
			l2 = r[i].l2;
		for (size_t i = g; i < h; i++) {
			if (r[i].failed) {
				failed = 1;
				u->failed++;
				continue;
			}
			all &= r[i].answer == r[i].label;
			if (r[i].original) {
				u->vanilla.n++;
				u->vanilla.right += r[i].answer == r[i].label;
			}
		}
		g = h;
		if (failed) {
			u->incomplete++;
			continue;
		}
		c = acc_get(&u->by_cat, &u->n_cat, cat);
		l = acc_get(&u->by_l2, &u->n_l2, l2 ? l2 : "(unknown)");
		u->overall.n++;
		c->n++;
		l->n++;
		u->overall.right += all;
		c->right += all;
		l->right += all;
	}
}

static void compute_seed(struct off_unit *u, const struct rec *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct off_acc *c;
		if (r[i].failed) {
			u->failed++;
			continue;
		}
		c = acc_get(&u->by_cat, &u->n_cat, r[i].category ? r[i].category : "(none)");
		c->n++;
		c->right += r[i].answer == r[i].label;
		u->overall.n++;
		u->overall.right += r[i].answer == r[i].label;
	}
}

/* ------------------------------------------------------------------ */
/* The benchmarks                                                      */
/* ------------------------------------------------------------------ */

/*
 * One row per benchmark: the only place that knows which suites belong to
 * which benchmark, what it is called and how it is computed.
 */
static const struct bench {
	enum official_kind kind;
	const char *name;   /* as the reports print it */
	const char *prefix; /* its suites are named PREFIX-... */
	int bare;           /* ... or PREFIX alone */
	/* The benchmark's own reading of a yes/no reply; NULL: vsrbench's extractor. */
	answer_t (*rule)(const char *response);
	/* The figures of one unit from its records, sorted by (category, group). */
	void (*compute)(struct off_unit *u, const struct rec *r, size_t n);
} benches[] = {
	{ OFFICIAL_MME, "MME", "mme", 0, official_mme_rule, compute_mme },
	{ OFFICIAL_MMBENCH, "MMBench", "mmbench", 1, NULL, compute_mmbench },
	{ OFFICIAL_SEED, "SEED-Bench", "seed", 1, NULL, compute_seed },
};
#define N_BENCHES (sizeof(benches) / sizeof(benches[0]))

static const struct bench *bench_of(const char *suite)
{
	for (size_t i = 0; i < N_BENCHES; i++) {
		size_t len = strlen(benches[i].prefix);
		if (!strncmp(suite, benches[i].prefix, len) &&
		    (suite[len] == '-' || (benches[i].bare && !suite[len])))
			return &benches[i];
	}
	return NULL;
}

static const struct bench *bench_of_kind(enum official_kind kind)
{
	for (size_t i = 0; i < N_BENCHES; i++)
		if (benches[i].kind == kind)
			return &benches[i];
	return NULL;
}

enum official_kind official_kind_of(const char *suite)
{
	const struct bench *b = bench_of(suite);

	return b ? b->kind : OFFICIAL_NONE;
}

const char *official_kind_name(enum official_kind kind)
{
	const struct bench *b = bench_of_kind(kind);

	return b ? b->name : "none";
}

/* ------------------------------------------------------------------ */
/* Collecting                                                          */
/* ------------------------------------------------------------------ */

static size_t unit_get(struct official *o, const char *suite, const char *tmpl)
{
	const char *s = intern(&o->pool, suite), *t = intern(&o->pool, tmpl);
	uint64_t h = hash64_str(t, hash64_str(s, HASH_SEED)), at;
	struct off_unit *u;

	while (u64map_get(&o->unit_at, h, &at)) {
		if (o->units[at - 1].suite == s && o->units[at - 1].tmpl == t)
			return (size_t)at - 1;
		h = h * 0x9e3779b97f4a7c15ULL + 1;
	}
	o->units = xrealloc(o->units, (o->n_units + 1) * sizeof(*o->units));
	u = &o->units[o->n_units++];
	memset(u, 0, sizeof(*u));
	u->suite = s;
	u->tmpl = t;
	u->kind = official_kind_of(s);
	u->rule_applies = 1;
	u64map_put(&o->unit_at, h, o->n_units);
	return o->n_units - 1;
}

/* An item id below 1000000 is an original MMBench row, not a rotation. */
static int is_original(const char *item)
{
	long v;

	return !parse_long(item, 0, 0x7fffffffffffL, &v) && v < MMB_COPY;
}

void official_add(struct official *o, const struct sample *s)
{
	const struct bench *b = bench_of(s->suite);
	struct rec *r;

	if (!o || !b || strcmp(s->variant, "base"))
		return;
	if (s->error) {
		/* Kept until finish: a later line may still answer it. */
		if (keyset_has(&o->answered, s->key) || !keyset_add(&o->failed, s->key))
			return;
	} else if (!keyset_add(&o->answered, s->key)) {
		return; /* the first answer of a task counts, as in metrics.c */
	}
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 256;
		o->recs = xrealloc(o->recs, o->cap * sizeof(*o->recs));
	}
	r = &o->recs[o->n++];
	memset(r, 0, sizeof(*r));
	r->key = s->key;
	r->unit = (uint32_t)unit_get(o, s->suite, s->tmpl);
	r->category = s->category ? intern(&o->pool, s->category) : NULL;
	r->l2 = s->l2 ? intern(&o->pool, s->l2) : NULL;
	/* The group's name is only compared: its hash does (a collision is 2^-64). */
	r->group = hash64_str(s->group ? s->group : s->item, HASH_SEED);
	r->original = (unsigned char)is_original(s->item);
	r->label = (signed char)s->label;
	r->failed = s->error != NULL;
	r->answer = (signed char)s->answer;
	r->rule = r->answer;
	if (b->rule) {
		if (!strcmp(s->format, "yesno")) {
			struct off_unit *u = &o->units[r->unit];
			r->rule = (signed char)(r->failed ? ANS_INVALID : b->rule(s->response));
			if (!r->failed && r->rule != r->answer && u->n_examples < OFF_EXAMPLES &&
			    s->response) { /* a line without a response has no example to show */
				struct off_example *e = &u->examples[u->n_examples++];
				size_t len = strlen(s->response);
				e->item = xstrdup(s->item);
				e->response = xmalloc(len < OFF_EXAMPLE_CHARS ? len + 1
									: OFF_EXAMPLE_CHARS + 1);
				/* Cut on a UTF-8 boundary. */
				len = utf8_cut_len(s->response, len, OFF_EXAMPLE_CHARS);
				memcpy(e->response, s->response, len);
				e->response[len] = '\0';
				e->label = r->label;
				e->rule = r->rule;
				e->ext = r->answer;
			}
		} else
			o->units[r->unit].rule_applies = 0;
	}
}

/* ------------------------------------------------------------------ */
/* Finishing                                                           */
/* ------------------------------------------------------------------ */

/* MME across suites, one total per template in the order of its first MME unit. */
static void mme_totals(struct official *o)
{
	for (size_t i = 0; i < o->n_units; i++) {
		const struct off_unit *u = &o->units[i];
		struct off_mme_total *t;
		size_t k;

		if (u->kind != OFFICIAL_MME)
			continue;
		for (k = 0; k < o->n_totals; k++)
			if (!strcmp(o->totals[k].tmpl, u->tmpl))
				break;
		if (k == o->n_totals) {
			o->totals = xrealloc(o->totals, (o->n_totals + 1) * sizeof(*o->totals));
			t = &o->totals[o->n_totals++];
			memset(t, 0, sizeof(*t));
			t->tmpl = u->tmpl;
		}
		t = &o->totals[k];
		t->suites++;
		/* Units are in suite order: the first suite with a subtask wins. */
		for (size_t s = 0; s < u->n_sub; s++) {
			size_t j;
			if (!u->sub[s].known)
				continue;
			for (j = 0; j < t->n_subs; j++)
				if (!strcmp(t->subs[j]->name, u->sub[s].name))
					break;
			if (j < t->n_subs)
				continue;
			t->subs = xrealloc(t->subs, (t->n_subs + 1) * sizeof(*t->subs));
			t->subs[t->n_subs++] = &u->sub[s];
			if (u->sub[s].cognition) {
				t->cognition += u->sub[s].score;
				t->n_cognition++;
			} else {
				t->perception += u->sub[s].score;
				t->n_perception++;
			}
		}
	}
}

/* SEED: the image suite and the video suite side by side, per template (units are sorted). */
static void seed_totals(struct official *o)
{
	for (size_t i = 0; i < o->n_units; i++) {
		const struct off_unit *img = &o->units[i], *vid;
		struct off_seed_total *t;

		if (img->kind != OFFICIAL_SEED || strcmp(img->suite, "seed"))
			continue;
		vid = official_find(o, "seed-video", img->tmpl);
		if (!vid)
			continue;
		o->seed_totals = xrealloc(o->seed_totals,
					  (o->n_seed_totals + 1) * sizeof(*o->seed_totals));
		t = &o->seed_totals[o->n_seed_totals++];
		memset(t, 0, sizeof(*t));
		t->tmpl = img->tmpl;
		t->image = img->overall;
		t->image.name = "image";
		t->video = vid->overall;
		t->video.name = "video";
		t->all.name = "all";
		t->all.n = t->image.n + t->video.n;
		t->all.right = t->image.right + t->video.right;
	}
}

static int cmp_acc(const void *pa, const void *pb)
{
	return strcmp(((const struct off_acc *)pa)->name, ((const struct off_acc *)pb)->name);
}

void official_finish(struct official *o)
{
	size_t *to, k = 0;

	if (!o || o->finished)
		return;
	o->finished = 1;
	/* A failed task that a later line answered is not a failure. */
	for (size_t i = 0; i < o->n; i++)
		if (!o->recs[i].failed || !keyset_has(&o->answered, o->recs[i].key))
			o->recs[k++] = o->recs[i];
	o->n = k;
	/* Units in name order; records follow their unit's new place. */
	to = xcalloc(o->n_units + 1, sizeof(*to));
	for (size_t i = 0; i < o->n_units; i++)
		o->units[i].failed = i; /* borrow the field to remember the old index */
	if (o->n_units)
		qsort(o->units, o->n_units, sizeof(*o->units), cmp_unit);
	for (size_t i = 0; i < o->n_units; i++) {
		to[o->units[i].failed] = i;
		o->units[i].failed = 0;
	}
	for (size_t i = 0; i < o->n; i++)
		o->recs[i].unit = (uint32_t)to[o->recs[i].unit];
	free(to);
	u64map_release(&o->unit_at);
	if (o->n)
		qsort(o->recs, o->n, sizeof(*o->recs), cmp_rec);
	for (size_t a = 0; a < o->n;) {
		size_t b = a;
		struct off_unit *u = &o->units[o->recs[a].unit];
		while (b < o->n && o->recs[b].unit == o->recs[a].unit)
			b++;
		bench_of_kind(u->kind)->compute(u, o->recs + a, b - a);
		if (u->n_cat)
			qsort(u->by_cat, u->n_cat, sizeof(*u->by_cat), cmp_acc);
		if (u->n_l2)
			qsort(u->by_l2, u->n_l2, sizeof(*u->by_l2), cmp_acc);
		a = b;
	}
	mme_totals(o);
	seed_totals(o);
}

void official_free(struct official *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n_totals; i++)
		free(o->totals[i].subs);
	free(o->totals);
	free(o->seed_totals);
	free(o->recs);
	for (size_t i = 0; i < o->n_units; i++) {
		free(o->units[i].sub);
		free(o->units[i].by_cat);
		free(o->units[i].by_l2);
		for (size_t k = 0; k < o->units[i].n_examples; k++) {
			free(o->units[i].examples[k].item);
			free(o->units[i].examples[k].response);
		}
	}
	free(o->units);
	u64map_release(&o->unit_at);
	for (size_t i = 0; i < o->pool.n; i++)
		free(o->pool.v[i]);
	free(o->pool.v);
	u64map_release(&o->pool.at);
	keyset_release(&o->answered);
	keyset_release(&o->failed);
	free(o);
}

const struct off_unit *official_units(const struct official *o, size_t *n)
{
	*n = o ? o->n_units : 0;
	return o ? o->units : NULL;
}

const struct off_unit *official_find(const struct official *o, const char *suite,
				     const char *tmpl)
{
	for (size_t i = 0; o && i < o->n_units; i++)
		if (!strcmp(o->units[i].suite, suite) && !strcmp(o->units[i].tmpl, tmpl))
			return &o->units[i];
	return NULL;
}

const struct off_mme_total *official_mme_totals(const struct official *o, size_t *n)
{
	*n = o ? o->n_totals : 0;
	return o ? o->totals : NULL;
}

const struct off_seed_total *official_seed_totals(const struct official *o, size_t *n)
{
	*n = o ? o->n_seed_totals : 0;
	return o ? o->seed_totals : NULL;
}
