/*
 * boxes: COCO instance annotations read as a stream, and boxes.jsonl (see boxes.h).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/lines.h"
#include "../base/util.h"
#include "boxes.h"
#include "../base/banned.h"

enum { ARR_NONE, ARR_IMAGES, ARR_ANNS, ARR_CATS };

void coco_scan_init(struct coco_scan *s, const struct keyset *want, const char *label)
{
	memset(s, 0, sizeof(*s));
	s->want = want;
	s->label = label;
	buf_init(&s->el, COCO_ELEMENT_MAX);
}

void coco_scan_release(struct coco_scan *s)
{
	for (size_t i = 0; i < s->n_images; i++)
		free(s->images[i].name);
	for (size_t i = 0; i < s->n_cats; i++)
		free(s->cats[i].name);
	free(s->images);
	free(s->anns);
	free(s->cats);
	free(s->early);
	free(s->early_image_id);
	buf_release(&s->el);
	u64map_release(&s->image_by_id);
	memset(s, 0, sizeof(*s));
}

static int num(const cJSON *o, const char *k, double *v)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
		return -1;
	*v = x->valuedouble;
	return 0;
}

static int whole(double d, long *v)
{
	if (d != floor(d) || d < -9e15 || d > 9e15)
		return -1;
	*v = (long)d;
	return 0;
}

static void add_ann(struct coco_scan *s, uint32_t image, long cat, const double bb[4])
{
	if ((s->n_anns & (s->n_anns - 1)) == 0)
		s->anns = xrealloc(s->anns, (s->n_anns ? 2 * s->n_anns : 16) * sizeof(*s->anns));
	s->anns[s->n_anns].image = image;
	s->anns[s->n_anns].category = cat;
	s->anns[s->n_anns].x = bb[0];
	s->anns[s->n_anns].y = bb[1];
	s->anns[s->n_anns].w = bb[2];
	s->anns[s->n_anns].h = bb[3];
	s->n_anns++;
}

static int element(struct coco_scan *s, char *err)
{
	cJSON *o = cJSON_ParseWithLength(s->el.ptr, s->el.len);
	const char *what = s->array == ARR_IMAGES ? "images" : s->array == ARR_ANNS ? "annotations"
										    : "categories";
	double d, bb[4];
	long id, img, cat;
	int r = 0;

	if (!cJSON_IsObject(o)) {
		r = err_set(err, VSR_EDATA, "%s: byte %lld: an element of \"%s\" is not a JSON object",
			    s->label, s->bytes, what);
		goto out;
	}
	if (s->array == ARR_IMAGES) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "file_name"));
		double w, h;
		uint64_t old;

		if (!name || num(o, "id", &d) || whole(d, &id) || num(o, "width", &w) ||
		    num(o, "height", &h) || w <= 0 || h <= 0) {
			r = err_set(err, VSR_EDATA,
				    "%s: byte %lld: an image needs \"id\", \"file_name\", \"width\" and "
				    "\"height\" > 0",
				    s->label, s->bytes);
			goto out;
		}
		if (!keyset_has(s->want, hash64_str(name, HASH_SEED)) ||
		    u64map_get(&s->image_by_id, (uint64_t)id, &old))
			goto out;
		if ((s->n_images & (s->n_images - 1)) == 0)
			s->images = xrealloc(s->images, (s->n_images ? 2 * s->n_images : 16) *
							      sizeof(*s->images));
		s->images[s->n_images].name = xstrdup(name);
		s->images[s->n_images].id = id;
		s->images[s->n_images].width = w;
		s->images[s->n_images].height = h;
		s->n_images++;
		u64map_put(&s->image_by_id, (uint64_t)id, s->n_images);
	} else if (s->array == ARR_ANNS) {
		const cJSON *box = cJSON_GetObjectItemCaseSensitive(o, "bbox");
		uint64_t at;

		if (num(o, "image_id", &d) || whole(d, &img) || num(o, "category_id", &d) ||
		    whole(d, &cat) || cJSON_GetArraySize(box) != 4) {
			r = err_set(err, VSR_EDATA,
				    "%s: byte %lld: an annotation needs \"image_id\", \"category_id\" and "
				    "\"bbox\" [x, y, width, height]",
				    s->label, s->bytes);
			goto out;
		}
		for (int k = 0; k < 4; k++) {
			const cJSON *x = cJSON_GetArrayItem(box, k);
			if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble) ||
			    (k >= 2 && x->valuedouble < 0)) {
				r = err_set(err, VSR_EDATA,
					    "%s: byte %lld: an annotation's \"bbox\" is not four numbers "
					    "[x, y, width >= 0, height >= 0]",
					    s->label, s->bytes);
				goto out;
			}
			bb[k] = x->valuedouble;
		}
		if (!num(o, "iscrowd", &d) && d != 0)
			goto out; /* a crowd region is not one object */
		if (u64map_get(&s->image_by_id, (uint64_t)img, &at)) {
			add_ann(s, (uint32_t)(at - 1), cat, bb);
		} else if (!s->n_images) {
			/* "images" not seen yet (COCO writes it first, but JSON has no order) */
			size_t n = s->n_early;
			if ((n & (n - 1)) == 0) {
				s->early = xrealloc(s->early, (n ? 2 * n : 16) * sizeof(*s->early));
				s->early_image_id = xrealloc(s->early_image_id,
							     (n ? 2 * n : 16) * sizeof(long));
			}
			s->early[n] = (struct coco_ann){ 0, cat, bb[0], bb[1], bb[2], bb[3] };
			s->early_image_id[n] = img;
			s->n_early++;
		}
	} else {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "name"));

		if (!name || num(o, "id", &d) || whole(d, &id)) {
			r = err_set(err, VSR_EDATA,
				    "%s: byte %lld: a category needs \"id\" and \"name\"", s->label,
				    s->bytes);
			goto out;
		}
		s->cats = xrealloc(s->cats, (s->n_cats + 1) * sizeof(*s->cats));
		s->cats[s->n_cats].id = id;
		s->cats[s->n_cats].name = xstrdup(name);
		s->n_cats++;
	}
out:
	cJSON_Delete(o);
	return r;
}

int coco_scan_feed(struct coco_scan *s, const char *p, size_t n, char *err)
{
	for (size_t i = 0; i < n; i++, s->bytes++) {
		char c = p[i];

		if (s->capturing && buf_addch(&s->el, c) < 0)
			return err_set(err, VSR_EDATA,
				       "%s: byte %lld: an element of a top-level array is longer than "
				       "%zu MiB",
				       s->label, s->bytes, COCO_ELEMENT_MAX >> 20);
		if (s->in_str) {
			if (s->esc) {
				s->esc = 0;
			} else if (c == '\\') {
				s->esc = 1;
			} else if (c == '"') {
				s->in_str = 0;
				s->key_at_1 = 0;
			} else if (s->key_at_1) {
				if (s->key_len < sizeof(s->key) - 1)
					s->key[s->key_len] = c;
				s->key_len++;
			}
			continue;
		}
		switch (c) {
		case '"':
			s->in_str = 1;
			if (s->depth == 1) {
				s->key_at_1 = 1;
				s->key_len = 0;
				memset(s->key, 0, sizeof(s->key));
			}
			break;
		case '{':
		case '[':
			if (s->depth == 0 && c != '{')
				return err_set(err, VSR_EDATA,
					       "%s: byte %lld: expected a JSON object (COCO's instances "
					       "file)",
					       s->label, s->bytes);
			if (s->depth == 1 && c == '[') {
				s->array = ARR_NONE;
				if (s->key_len == 6 && !strcmp(s->key, "images"))
					s->array = ARR_IMAGES;
				else if (s->key_len == 11 && !strcmp(s->key, "annotations"))
					s->array = ARR_ANNS;
				else if (s->key_len == 10 && !strcmp(s->key, "categories"))
					s->array = ARR_CATS;
			}
			if (s->depth == 2 && s->array && c == '{' && !s->capturing) {
				buf_reset(&s->el);
				buf_addch(&s->el, c);
				s->capturing = 1;
				s->el_depth = s->depth;
			}
			if (++s->depth > 1000)
				return err_set(err, VSR_EDATA, "%s: byte %lld: nested too deeply",
					       s->label, s->bytes);
			break;
		case '}':
		case ']':
			if (--s->depth < 0)
				return err_set(err, VSR_EDATA, "%s: byte %lld: unbalanced '%c'",
					       s->label, s->bytes, c);
			if (s->capturing && s->depth == s->el_depth) {
				int r;
				s->capturing = 0;
				if ((r = element(s, err)))
					return r;
			}
			if (s->depth == 1)
				s->array = ARR_NONE;
			break;
		default:
			break;
		}
	}
	return 0;
}

int coco_scan_finish(struct coco_scan *s, char *err)
{
	if (s->depth || s->in_str || !s->bytes)
		return err_set(err, VSR_EDATA,
			       "%s: ends inside the JSON after %lld bytes (cut short?)", s->label,
			       s->bytes);
	for (size_t i = 0; i < s->n_early; i++) {
		uint64_t at;
		double bb[4] = { s->early[i].x, s->early[i].y, s->early[i].w, s->early[i].h };

		if (u64map_get(&s->image_by_id, (uint64_t)s->early_image_id[i], &at))
			add_ann(s, (uint32_t)(at - 1), s->early[i].category, bb);
	}
	/* Group by image, file order kept within one (a counting sort: stable). */
	if (s->n_anns > 1) {
		size_t *count = xcalloc(s->n_images + 1, sizeof(size_t));
		struct coco_ann *out = xcalloc(s->n_anns, sizeof(*out));

		for (size_t i = 0; i < s->n_anns; i++)
			count[s->anns[i].image + 1]++;
		for (size_t k = 1; k <= s->n_images; k++)
			count[k] += count[k - 1];
		for (size_t i = 0; i < s->n_anns; i++)
			out[count[s->anns[i].image]++] = s->anns[i];
		free(s->anns);
		s->anns = out;
		free(count);
	}
	return 0;
}

size_t coco_box(const struct coco_scan *s, const char *image, const char *cat, struct buf *out)
{
	size_t img = s->n_images, lo = 0, hi = s->n_anns, count = 0, best = 0;
	double best_area = -1;

	for (size_t i = 0; i < s->n_images; i++)
		if (!strcmp(s->images[i].name, image)) {
			img = i;
			break;
		}
	if (img == s->n_images)
		return 0;
	/* First annotation of img (anns are grouped by image, in image order). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->anns[mid].image < img)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < s->n_anns && s->anns[i].image == img; i++) {
		int match = 0;
		for (size_t k = 0; k < s->n_cats && !match; k++)
			match = s->cats[k].id == s->anns[i].category && !strcmp(s->cats[k].name, cat);
		if (!match)
			continue;
		count++;
		if (s->anns[i].w * s->anns[i].h > best_area) {
			best_area = s->anns[i].w * s->anns[i].h;
			best = i;
		}
	}
	if (count) {
		const struct coco_ann *a = &s->anns[best];
		double W = s->images[img].width, H = s->images[img].height;
		buf_reset(out);
		buf_addf(out, "[%.2f, %.2f, %.2f, %.2f]", a->x / W, a->y / H, (a->x + a->w) / W,
			 (a->y + a->h) / H);
	}
	return count;
}

/* ------------------------------------------------------------ boxes.jsonl */

static uint64_t pair_hash(const char *image, const char *category)
{
	return hash64_str(category, hash64_str("\t", hash64_str(image, HASH_SEED)));
}

int boxes_load(struct boxes *b, const char *path, char *err)
{
	struct lines l;
	int r;

	memset(b, 0, sizeof(*b));
	b->digest = HASH_SEED;
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return -1;
	if ((r = lines_open(&l, path, 1 << 16, err)))
		return r;
	while ((r = lines_next(&l, err)) == 1) {
		cJSON *o;
		const char *img, *cat, *box;
		uint64_t h, old;

		if (!l.line.len)
			continue;
		b->digest = hash64(l.line.ptr, l.line.len, b->digest);
		o = cJSON_ParseWithLength(l.line.ptr, l.line.len);
		img = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "image"));
		cat = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "category"));
		box = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "box"));
		if (!img || !cat || !box) {
			cJSON_Delete(o);
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: expected {\"image\": ..., \"category\": ..., \"box\": "
				    "\"[x1, y1, x2, y2]\"} (vsrbench data pull vsr-boxes writes it)",
				    path, l.lineno);
			break;
		}
		h = pair_hash(img, cat);
		if (!u64map_get(&b->at, h, &old)) {
			b->text = xrealloc(b->text, (b->n + 1) * sizeof(*b->text));
			b->text[b->n++] = xstrdup(box);
			u64map_put(&b->at, h, b->n);
		}
		cJSON_Delete(o);
	}
	lines_close(&l);
	if (r)
		boxes_release(b);
	return r;
}

const char *boxes_get(const struct boxes *b, const char *image, const char *category)
{
	uint64_t at;

	if (!b->n || !image || !category || !u64map_get(&b->at, pair_hash(image, category), &at))
		return NULL;
	return b->text[at - 1];
}

void boxes_release(struct boxes *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->text[i]);
	free(b->text);
	u64map_release(&b->at);
	memset(b, 0, sizeof(*b));
}
