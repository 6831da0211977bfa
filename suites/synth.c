/*
 * synth: procedurally drawn scenes with a caption whose truth is known from
 * the geometry (see synth.h for the options and the guarantees).
 *
 * Item i is sampled from its own PRNG, seeded from hash(seed, i): the label
 * first (a coin flip), then a scene that satisfies it by rejection sampling
 * with a bounded number of attempts.  Relations go round-robin over the
 * selected list, so each gets 1/k of the items and about half of them true.
 *
 * Every shape fills a d x d box with d even; rows are drawn as spans, so the
 * renderer needs one row of memory and the tight bounding box of a shape's
 * pixels is exactly its box (even for the triangle's apex and the circle).
 */
#include "synth.h"

#include <limits.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../base/buf.h"
#include "synth_int.h"
#include "../base/suggest.h"
#include "../base/util.h"
#include "taxonomy.h"

/* ------------------------------------------------------------------ */
/* Vocabulary                                                          */

enum { SH_CIRCLE, SH_SQUARE, SH_TRIANGLE, N_SHAPES };
static const char *const shape_names[N_SHAPES] = { "circle", "square", "triangle" };

/* Saturated, well separated colours; drawn exactly (no anti-aliasing). */
const struct synth_colour synth_colours[SYNTH_N_COLOURS] = {
	{ "white", 255, 255, 255 },
	{ "red", 220, 20, 20 },
	{ "green", 20, 160, 40 },
	{ "blue", 30, 60, 220 },
	{ "yellow", 240, 220, 20 },
	{ "purple", 120, 40, 160 },
	{ "orange", 250, 140, 0 },
	{ "cyan", 0, 200, 220 },
	{ "magenta", 230, 20, 200 },
};

enum {
	R_LEFT, R_RIGHT, R_ABOVE, R_BELOW, R_NEAR, R_FAR, R_TOUCHING, R_INSIDE,
	N_RELATIONS
};
static const char *const relation_names[N_RELATIONS] = {
	"left of", "right of", "above", "below", "near", "far from", "touching", "inside",
};

#define SYNTH_MAX_ATTEMPTS 200000
#define SYNTH_FORMAT_VERSION 1        /* bump when item sampling changes */

#define DEFAULT_COUNT 200
#define MAX_COUNT 10000000L
#define DEFAULT_SIZE 256
#define MIN_SIZE 64
#define MAX_SIZE 2048
#define DEFAULT_DISTRACTORS 1
#define MAX_DISTRACTORS 2

const struct synth_colour *synth_palette(size_t *n)
{
	*n = SYNTH_N_COLOURS;
	return synth_colours;
}

const char *const *synth_relations(size_t *n)
{
	*n = N_RELATIONS;
	return relation_names;
}

/* ------------------------------------------------------------------ */
/* Scenes                                                              */

/* struct shape, struct scene: synth_int.h. */

struct synth {
	uint64_t seed;
	long count;
	long next;
	int32_t side;
	int32_t distractors;
	int rels[N_RELATIONS];
	size_t n_rels;
	uint64_t digest;
};

/*
 * The filled span [*x0, *x1) of row y of a shape, or 0 when the row is empty.
 * Circle: pixel centres within radius d/2 of the box centre.  Triangle: apex
 * up, base = height = d, the span grows by 2 px every 2 rows (2 px at the
 * top, d at the bottom) and stays centred, so it is mirror-symmetric.
 */
int synth_row_span(const struct shape *sh, int32_t y, int32_t *x0, int32_t *x1)
{
	int32_t r = y - sh->y, d = sh->d;

	if (r < 0 || r >= d)
		return 0;
	switch (sh->kind) {
	case SH_SQUARE:
		*x0 = sh->x;
		*x1 = sh->x + d;
		return 1;
	case SH_CIRCLE: {
		int64_t dy = 2 * (int64_t)r + 1 - d;
		int64_t rr = (int64_t)d * d - dy * dy; /* |2x+1-2x0-d|^2 <= rr */
		int64_t t = (int64_t)sqrt((double)rr);

		while (t * t > rr)
			t--;
		while ((t + 1) * (t + 1) <= rr)
			t++;
		if (!(t & 1)) /* 2x+1-2x0-d is odd for even d */
			t--;
		if (t < 1)
			return 0;
		*x0 = sh->x + (int32_t)((d - 1 - t) / 2);
		*x1 = sh->x + (int32_t)((d - 1 + t) / 2) + 1;
		return 1;
	}
	case SH_TRIANGLE: {
		int32_t w = (r & 1) ? r + 1 : r + 2;

		if (w > d)
			w = d;
		*x0 = sh->x + (d - w) / 2;
		*x1 = *x0 + w;
		return 1;
	}
	default:
		return 0;
	}
}

static int shape_contains(const struct shape *sh, int32_t x, int32_t y)
{
	int32_t x0, x1;

	return synth_row_span(sh, y, &x0, &x1) && x >= x0 && x < x1;
}

/* Squared Euclidean gap between two boxes (0 when they touch or overlap). */
static int64_t box_gap2(const struct shape *a, const struct shape *b)
{
	int64_t gx = 0, gy = 0;

	if (b->x >= a->x + a->d)
		gx = b->x - (a->x + a->d);
	else if (a->x >= b->x + b->d)
		gx = a->x - (b->x + b->d);
	if (b->y >= a->y + a->d)
		gy = b->y - (a->y + a->d);
	else if (a->y >= b->y + b->d)
		gy = a->y - (b->y + b->d);
	return gx * gx + gy * gy;
}

/*
 * 1 when the boxes of a and b abut along an edge and some pixel of a is
 * 4-adjacent to a pixel of b.  Abutting boxes never overlap.
 */
static int shapes_touch(const struct shape *a, const struct shape *b)
{
	int32_t lo, hi, v;

	if (a->x + a->d == b->x || b->x + b->d == a->x) {
		const struct shape *l = a->x < b->x ? a : b, *r = l == a ? b : a;
		lo = l->y > r->y ? l->y : r->y;
		hi = l->y + l->d < r->y + r->d ? l->y + l->d : r->y + r->d;
		for (v = lo; v < hi; v++)
			if (shape_contains(l, r->x - 1, v) && shape_contains(r, r->x, v))
				return 1;
	}
	if (a->y + a->d == b->y || b->y + b->d == a->y) {
		const struct shape *t = a->y < b->y ? a : b, *u = t == a ? b : a;
		lo = t->x > u->x ? t->x : u->x;
		hi = t->x + t->d < u->x + u->d ? t->x + t->d : u->x + u->d;
		for (v = lo; v < hi; v++)
			if (shape_contains(t, v, u->y - 1) && shape_contains(u, v, u->y))
				return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sampling                                                            */

/* splitmix64: tiny, fast, good enough to place shapes; never rand(). */
struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi] (lo <= hi; the modulo bias is below 2^-40). */
static int32_t rng_int(struct rng *r, int32_t lo, int32_t hi)
{
	uint64_t span = (uint64_t)((int64_t)hi - lo) + 1;

	return (int32_t)(lo + (int64_t)((rng_next(r) >> 11) % span));
}

/* Uniform even number in [lo, hi]; -1 when there is none. */
static int32_t rng_even(struct rng *r, int32_t lo, int32_t hi)
{
	lo += lo & 1;
	hi -= hi & 1;
	if (hi < lo)
		return -1;
	return lo + 2 * rng_int(r, 0, (hi - lo) / 2);
}

/* Size bands, all in pixels for an image side S. */
struct bands {
	int32_t S;
	int32_t reg_lo, reg_hi;     /* an ordinary shape */
	int32_t in_lo, in_hi;       /* the container of an "inside" pair */
	int32_t sub_lo;             /* the contained shape */
	int32_t margin;             /* inside: clearance around the subject */
	int32_t sep;                /* gap between shapes that must not touch */
	int32_t near_lo, near_hi;   /* near band of the box gap */
	int32_t window;             /* how far from the subject "touching: false" looks */
};

static int32_t imax(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

static void bands_init(struct bands *b, int32_t S)
{
	b->S = S;
	b->reg_lo = imax(12, S / 10);
	b->reg_hi = imax(14, S * 22 / 100);
	b->in_lo = imax(24, S * 36 / 100);
	b->in_hi = S * 60 / 100;
	b->sub_lo = imax(12, S * 8 / 100);
	b->margin = imax(3, S / 64);
	b->sep = imax(3, S / 50);
	b->near_lo = imax(2, S / 100);
	b->near_hi = (S + 19) / 20;
	b->window = S / 4;
}

static void place_uniform(struct rng *r, struct shape *sh, int32_t S)
{
	sh->x = rng_int(r, 0, S - sh->d);
	sh->y = rng_int(r, 0, S - sh->d);
}

/* Places b uniformly among positions whose box is within `reach` of a's. */
static int place_around(struct rng *r, struct shape *b, const struct shape *a,
			int32_t reach, int32_t S)
{
	int32_t xlo = imax(0, a->x - b->d - reach), xhi = a->x + a->d + reach;
	int32_t ylo = imax(0, a->y - b->d - reach), yhi = a->y + a->d + reach;

	if (xhi > S - b->d)
		xhi = S - b->d;
	if (yhi > S - b->d)
		yhi = S - b->d;
	if (xlo > xhi || ylo > yhi)
		return 0;
	b->x = rng_int(r, xlo, xhi);
	b->y = rng_int(r, ylo, yhi);
	return 1;
}

static int in_image(const struct shape *sh, int32_t S)
{
	return sh->x >= 0 && sh->y >= 0 && sh->x + sh->d <= S && sh->y + sh->d <= S;
}

/* Largest even subject size that can fit inside a container of size D. */
static int32_t inside_fit(int32_t kind, int32_t D, int32_t m)
{
	int32_t s;

	if (kind == SH_SQUARE)
		s = D - 2 * m;
	else if (kind == SH_CIRCLE)
		s = (int32_t)((double)D * 0.7071) - 2 * m - 2;
	else
		s = (D - 3 * m) / 2 - 1;
	if (s > D * 6 / 10) /* the container stays clearly larger */
		s = D * 6 / 10;
	return s - (s & 1);
}

/* Samples sizes and positions of subject a and object b; 1 on success. */
static int try_pair(struct rng *r, const struct bands *bd, struct scene *sc)
{
	struct shape *a = &sc->s[0], *b = &sc->s[1];
	int32_t S = bd->S;
	int64_t S2 = (int64_t)S * S, g2;
	int64_t sep2 = (int64_t)bd->sep * bd->sep;

	switch (sc->relation) {
	case R_LEFT:
	case R_RIGHT:
	case R_ABOVE:
	case R_BELOW: {
		int64_t diff2; /* twice (object centre - subject centre) along the axis */

		a->d = rng_even(r, bd->reg_lo, bd->reg_hi);
		b->d = rng_even(r, bd->reg_lo, bd->reg_hi);
		place_uniform(r, a, S);
		place_uniform(r, b, S);
		if (box_gap2(a, b) < sep2)
			return 0;
		if (sc->relation == R_LEFT || sc->relation == R_RIGHT)
			diff2 = (2 * (int64_t)b->x + b->d) - (2 * (int64_t)a->x + a->d);
		else
			diff2 = (2 * (int64_t)b->y + b->d) - (2 * (int64_t)a->y + a->d);
		if (sc->relation == R_RIGHT || sc->relation == R_BELOW)
			diff2 = -diff2;
		if (!sc->label)
			diff2 = -diff2;
		return diff2 * 100 >= 24 * (int64_t)S; /* centres >= 12% of S apart */
	}
	case R_NEAR:
	case R_FAR: {
		int close = (sc->relation == R_NEAR) == (sc->label != 0);

		a->d = rng_even(r, bd->reg_lo, bd->reg_hi);
		b->d = rng_even(r, bd->reg_lo, bd->reg_hi);
		place_uniform(r, a, S);
		if (close) {
			if (!place_around(r, b, a, bd->near_hi, S))
				return 0;
			g2 = box_gap2(a, b);
			return g2 >= (int64_t)bd->near_lo * bd->near_lo && g2 * 400 <= S2;
		}
		place_uniform(r, b, S);
		return box_gap2(a, b) * 400 >= 49 * S2; /* >= 35% of S */
	}
	case R_TOUCHING:
		a->d = rng_even(r, bd->reg_lo, bd->reg_hi);
		b->d = rng_even(r, bd->reg_lo, bd->reg_hi);
		place_uniform(r, a, S);
		if (sc->label) {
			int32_t half = (a->d < b->d ? a->d : b->d) / 2;
			int32_t off = rng_int(r, -half, half);

			switch (rng_int(r, 0, 3)) {
			case 0: /* object to the right */
				b->x = a->x + a->d;
				b->y = a->y + (a->d - b->d) / 2 + off;
				break;
			case 1:
				b->x = a->x - b->d;
				b->y = a->y + (a->d - b->d) / 2 + off;
				break;
			case 2: /* object below */
				b->y = a->y + a->d;
				b->x = a->x + (a->d - b->d) / 2 + off;
				break;
			default:
				b->y = a->y - b->d;
				b->x = a->x + (a->d - b->d) / 2 + off;
				break;
			}
			return in_image(b, S) && shapes_touch(a, b);
		}
		if (!place_around(r, b, a, bd->window, S))
			return 0;
		g2 = box_gap2(a, b);
		return g2 >= sep2 && g2 * 2500 >= 9 * S2; /* >= 6% of S */
	case R_INSIDE: {
		/* Same sizes whatever the label, so size is no clue. */
		int32_t m = bd->margin, smax;

		b->d = rng_even(r, bd->in_lo, bd->in_hi);
		smax = inside_fit(b->kind, b->d, m);
		a->d = rng_even(r, bd->sub_lo, smax);
		if (b->d < 0 || a->d < 0)
			return 0;
		place_uniform(r, b, S);
		if (!sc->label) {
			place_uniform(r, a, S);
			return box_gap2(a, b) >= sep2;
		}
		for (int k = 0; k < 16; k++) {
			int32_t x0, y0, x1, y1;

			a->x = rng_int(r, b->x + m, b->x + b->d - m - a->d);
			a->y = rng_int(r, b->y + m, b->y + b->d - m - a->d);
			x0 = a->x - m;
			y0 = a->y - m;
			x1 = a->x + a->d - 1 + m;
			y1 = a->y + a->d - 1 + m;
			/* Every container is convex along rows and columns: corners suffice. */
			if (shape_contains(b, x0, y0) && shape_contains(b, x1, y0) &&
			    shape_contains(b, x0, y1) && shape_contains(b, x1, y1))
				return 1;
		}
		return 0;
	}
	default:
		return 0;
	}
}

/* Places distractor k away from every shape placed before it. */
static int place_distractor(struct rng *r, const struct bands *bd, struct scene *sc, int k)
{
	struct shape *sh = &sc->s[k];
	int64_t sep2 = (int64_t)bd->sep * bd->sep;

	sh->d = rng_even(r, bd->reg_lo, bd->reg_hi);
	for (int tries = 0; tries < 64; tries++) {
		int ok = 1;

		place_uniform(r, sh, bd->S);
		for (int j = 0; j < k && ok; j++)
			ok = box_gap2(sh, &sc->s[j]) >= sep2;
		if (ok)
			return 1;
	}
	return 0;
}

static int sample_scene(const struct synth *s, unsigned long index, struct scene *sc,
			char *err)
{
	struct rng r;
	struct bands bd;
	uint64_t key[2];
	int colours[SYNTH_N_COLOURS - 1];

	key[0] = s->seed;
	key[1] = (uint64_t)index;
	r.s = hash64(key, sizeof(key), HASH_SEED ^ 0x73796e7468000000ULL);

	memset(sc, 0, sizeof(*sc));
	sc->magic = SYNTH_SCENE_MAGIC;
	sc->side = s->side;
	sc->relation = s->rels[index % s->n_rels];
	sc->label = (int32_t)(rng_next(&r) >> 63); /* the label comes first */
	sc->n = 2 + s->distractors;

	/* Distinct colours (partial Fisher-Yates), any shapes. */
	for (int i = 0; i < SYNTH_N_COLOURS - 1; i++)
		colours[i] = i + 1;
	for (int i = 0; i < sc->n; i++) {
		int j = rng_int(&r, i, SYNTH_N_COLOURS - 2);
		int t = colours[i];

		colours[i] = colours[j];
		colours[j] = t;
		sc->s[i].colour = colours[i];
		sc->s[i].kind = rng_int(&r, 0, N_SHAPES - 1);
	}

	bands_init(&bd, s->side);
	for (long attempt = 0; attempt < SYNTH_MAX_ATTEMPTS; attempt++) {
		int ok = try_pair(&r, &bd, sc);

		for (int k = 2; ok && k < sc->n; k++)
			ok = place_distractor(&r, &bd, sc, k);
		if (ok)
			return 0;
	}
	return err_set(err, VSR_EDATA,
		       "synth: could not sample a scene for item %lu (%s, %s, size %d)",
		       index, relation_names[sc->relation], sc->label ? "true" : "false",
		       (int)s->side);
}

/* Everything that determines the image bytes. */
static uint64_t scene_digest(const struct scene *sc)
{
	uint32_t w[3 + 5 * SYNTH_MAX_SHAPES];
	size_t n = 0;

	w[n++] = SYNTH_RENDERER_VERSION;
	w[n++] = (uint32_t)sc->side;
	w[n++] = (uint32_t)sc->n;
	for (int i = 0; i < sc->n; i++) {
		w[n++] = (uint32_t)sc->s[i].kind;
		w[n++] = (uint32_t)sc->s[i].colour;
		w[n++] = (uint32_t)sc->s[i].x;
		w[n++] = (uint32_t)sc->s[i].y;
		w[n++] = (uint32_t)sc->s[i].d;
	}
	return hash64(w, n * sizeof(w[0]), HASH_SEED);
}

/* Rendering (the scene drawn, the PNG encoded): synth_draw.c. */

/* ------------------------------------------------------------------ */
/* Items                                                               */

int synth_item_at(void *priv, unsigned long index, struct item *it, char *err)
{
	struct synth *s = priv;
	struct scene *sc;
	char subj[64], obj[64], buf[256];
	int rc;

	memset(it, 0, sizeof(*it));
	sc = malloc(sizeof(*sc));
	if (!sc)
		return err_set(err, VSR_EDATA, "synth: out of memory");
	rc = sample_scene(s, index, sc, err);
	if (rc) {
		free(sc);
		return rc;
	}
	snprintf(subj, sizeof(subj), "%s %s", synth_colours[sc->s[0].colour].name,
		 shape_names[sc->s[0].kind]);
	snprintf(obj, sizeof(obj), "%s %s", synth_colours[sc->s[1].colour].name,
		 shape_names[sc->s[1].kind]);

	it->suite = synth_suite_ops.name;
	snprintf(buf, sizeof(buf), "synth-%06lu", index);
	it->id = xstrdup(buf);
	snprintf(buf, sizeof(buf), "The %s is %s the %s.", subj, relation_names[sc->relation], obj);
	it->caption = xstrdup(buf);
	it->subject = xstrdup(subj);
	it->relation = xstrdup(relation_names[sc->relation]);
	it->object = xstrdup(obj);
	it->category = relation_category(relation_names[sc->relation]);
	it->label = sc->label ? ANS_YES : ANS_NO;
	it->image_path = NULL;
	it->image_digest = scene_digest(sc);
	it->priv = sc;
	it->priv_free = free;
	return 0;
}

size_t synth_image_side(void *priv)
{
	const struct synth *s = priv;

	return (size_t)s->side;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

#define KNOWN_KEYS "count, relations, size, distractors"

static void append_relation_list(char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < N_RELATIONS && len < n; i++) {
		int w = snprintf(out + len, n - len, "%s%s", i ? ", " : "", relation_names[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

/* "Left_of", " far-from " -> "left of", "far from"; 0 when too long. */
static int normalise_relation(const char *p, size_t n, char *out, size_t outlen)
{
	size_t len = 0;
	int space = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ' ' || c == '_' || c == '-' || c == '\t') {
			space = len > 0;
			continue;
		}
		if (space) {
			if (len + 1 >= outlen)
				return 0;
			out[len++] = ' ';
			space = 0;
		}
		if (len + 1 >= outlen)
			return 0;
		out[len++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[len] = '\0';
	return 1;
}

static int parse_relations(struct synth *s, const char *value, char *err)
{
	const char *p = value;
	char known[200];
	int seen[N_RELATIONS] = { 0 };

	append_relation_list(known, sizeof(known));
	s->n_rels = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char name[40];
		int found = -1;

		if (!normalise_relation(p, n, name, sizeof(name)))
			return err_set(err, VSR_EUSAGE,
				       "synth: option relations=%s: unknown relation \"%.*s\" (known: %s)",
				       value, (int)(n > 60 ? 60 : n), p, known);
		if (!name[0])
			return err_set(err, VSR_EUSAGE,
				       "synth: option relations=%s: empty relation name (known: %s)",
				       value, known);
		if (!strcmp(name, "all")) {
			for (int i = 0; i < N_RELATIONS; i++) {
				if (!seen[i])
					s->rels[s->n_rels++] = i;
				seen[i] = 1;
			}
		} else {
			for (int i = 0; i < N_RELATIONS; i++)
				if (!strcmp(name, relation_names[i]))
					found = i;
			if (found < 0)
				return err_set(err, VSR_EUSAGE,
					       "synth: option relations=%s: unknown relation \"%s\" (known: %s)",
					       value, name, known);
			if (seen[found])
				return err_set(err, VSR_EUSAGE,
					       "synth: option relations=%s: \"%s\" is listed twice",
					       value, name);
			seen[found] = 1;
			s->rels[s->n_rels++] = found;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

static int parse_range(const struct kv *o, long min, long max, long *out, char *err)
{
	if (parse_long(o->value, min, max, out))
		return err_set(err, VSR_EUSAGE,
			       "synth: option %s=%s: expected an integer from %ld to %ld",
			       o->key, o->value ? o->value : "", min, max);
	return 0;
}

static uint64_t options_digest(const struct synth *s)
{
	uint64_t w[6 + N_RELATIONS];
	size_t n = 0;

	w[n++] = SYNTH_FORMAT_VERSION;
	w[n++] = SYNTH_RENDERER_VERSION;
	w[n++] = s->seed;
	w[n++] = (uint64_t)s->count;
	w[n++] = (uint64_t)s->side;
	w[n++] = (uint64_t)s->distractors;
	for (size_t i = 0; i < s->n_rels; i++)
		w[n++] = (uint64_t)s->rels[i];
	return hash64(w, n * sizeof(w[0]), hash64_str("synth", HASH_SEED));
}

/*
 * -S relations=left_of -S relations=above is not two relations: the list is
 * one value, and a second one would silently replace the first (a
 * "controlled" run without the relations it was given, where -t ids add
 * up).  A number given again overrides (-S count=20 ... -S count=1, as a
 * script appends one); a repeat of the same list is harmless.
 */
static int relations_once(const struct suite_config *cfg, size_t i, char *err)
{
	const struct kv *o = &cfg->opts[i];
	const char *v = o->value ? o->value : "";

	if (!o->key || strcmp(o->key, "relations"))
		return 0;
	for (size_t j = 0; j < i; j++) {
		const struct kv *a = &cfg->opts[j];
		const char *av = a->value ? a->value : "";

		if (!a->key || strcmp(a->key, "relations") || !strcmp(av, v))
			continue;
		return err_set(err, VSR_EUSAGE,
			       "synth: option relations given twice (relations=%s, then "
			       "relations=%s): give one list, -S relations=%s,%s",
			       av, v, av, v);
	}
	return 0;
}

static int synth_open(const struct suite_preset *p, const struct suite_config *cfg, void **priv,
		      char *err)
{
	struct synth *s;
	long v = 0;
	int rc = 0;

	(void)p; /* one suite, no parameters */
	*priv = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(err, VSR_EDATA, "synth: out of memory");
	s->seed = cfg->seed;
	s->count = DEFAULT_COUNT;
	s->side = DEFAULT_SIZE;
	s->distractors = DEFAULT_DISTRACTORS;
	for (int i = 0; i < N_RELATIONS; i++)
		s->rels[i] = i;
	s->n_rels = N_RELATIONS;

	for (size_t i = 0; i < cfg->n_opts && !rc; i++) {
		const struct kv *o = &cfg->opts[i];
		const char *key = o->key ? o->key : "";

		if ((rc = relations_once(cfg, i, err)))
			break;
		if (!strcmp(key, "count")) {
			rc = parse_range(o, 1, MAX_COUNT, &v, err);
			s->count = v;
		} else if (!strcmp(key, "size")) {
			rc = parse_range(o, MIN_SIZE, MAX_SIZE, &v, err);
			s->side = (int32_t)v;
		} else if (!strcmp(key, "distractors")) {
			rc = parse_range(o, 0, MAX_DISTRACTORS, &v, err);
			s->distractors = (int32_t)v;
		} else if (!strcmp(key, "relations")) {
			rc = parse_relations(s, o->value ? o->value : "", err);
		} else {
			char hint[96];
			rc = err_set(err, VSR_EUSAGE, "synth: unknown option \"%s\"%s (known: %s)",
				     key, suggest_hint(key, KNOWN_KEYS, hint, sizeof(hint)), KNOWN_KEYS);
		}
	}
	if (rc) {
		free(s);
		return rc;
	}
	s->digest = options_digest(s);
	*priv = s;
	return 0;
}

static long synth_count(void *priv)
{
	const struct synth *s = priv;

	return s->count;
}

static int synth_next(void *priv, struct item *it, char *err)
{
	struct synth *s = priv;
	int rc;

	if (s->next >= s->count)
		return 0;
	rc = synth_item_at(s, (unsigned long)s->next, it, err);
	if (rc)
		return rc;
	s->next++;
	return 1;
}

static uint64_t synth_digest(void *priv)
{
	const struct synth *s = priv;

	return s->digest;
}

static void synth_close(void *priv)
{
	free(priv);
}

const struct suite_ops synth_suite_ops = {
	.name = "synth",
	.open = synth_open,
	.count = synth_count,
	.next = synth_next,
	.load_image = synth_load_image,
	.digest = synth_digest,
	.close = synth_close,
};
