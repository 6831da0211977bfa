/*
 * seed: the SEED-Bench suites (see seed.h).
 *
 * The question file (about 10 MB) is parsed with cJSON in open(), the
 * selected questions are copied into compact arrays and the tree is freed,
 * so a run holds only what it asks.  open() finds and checks the image of
 * every single-image question (suites/imgcheck.h); under -n N
 * (suite_config.only_first) only those of the first N it can take.
 */
#include "seed.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../base/keyset.h"
#include "../base/util.h"
#include "images.h"
#include "imgcheck.h"

#define SEED_FILE_MAX ((size_t)512 << 20)
#define N_FIRST_MISSING 3

static const char *const seed2_names[] = {
	NULL, "Scene Understanding", "Instance Identity", "Instance Attributes",
	"Instance Location", "Instances Counting", "Spatial Relation", "Instance Interaction",
	"Visual Reasoning", "Text Understanding", "Celebrity Recognition", "Landmark Recognition",
	"Chart Understanding", "Visual Referring Expression", "Science Knowledge",
	"Emotion Recognition", "Visual Mathematics", "Difference Spotting", "Meme Comprehension",
	"Global Video Understanding", "Action Recognition", "Action Prediction",
	"Procedure Understanding", "In-Context Captioning", "Interleaved Image-Text Analysis",
	"Text-to-Image Generation", "Next Image Prediction", "Text-Image Creation",
};

const char *seed2_dimension_name(long id)
{
	if (id < 1 || id >= (long)(sizeof(seed2_names) / sizeof(seed2_names[0])))
		return NULL;
	return seed2_names[id];
}

int seed_is_video(const char *qid, const char *dim)
{
	if (qid && qid[0] == 'v')
		return 1;
	for (long id = 19; dim && id <= 22; id++)
		if (!strcmp(dim, seed2_dimension_name(id)))
			return 1;
	return 0;
}

/* SEED-Bench-1's sizes of the two spatial dimensions (paper, Fig. 1). */
static const struct {
	const char *name;
	size_t n;
} expected[] = { { "Spatial Relation", 657 }, { "Instance Location", 978 } };

int seed_file_check(const char *path, char *err)
{
	struct seed_file f;
	int r = seed_file_load(path, NULL, 0, &f, err);

	seed_file_release(&f);
	return r;
}

void seed_file_release(struct seed_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct seed_q *q = &f->q[i];
		free(q->id);
		free(q->question);
		for (int k = 0; k < 4; k++)
			free(q->choices[k]);
		free(q->data_id);
	}
	free(f->q);
	for (size_t i = 0; i < f->n_dims; i++)
		free(f->dims[i].name);
	free(f->dims);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

/* Frees the last question (f->n counts it) and forgets it. */
static void seed_q_drop_last(struct seed_file *f)
{
	struct seed_q *q = &f->q[--f->n];

	free(q->id);
	free(q->question);
	for (int k = 0; k < 4; k++)
		free(q->choices[k]);
	free(q->data_id);
	memset(q, 0, sizeof(*q));
}

const struct seed_dim *seed_dim_find(const struct seed_file *f, const char *name)
{
	for (size_t i = 0; i < f->n_dims; i++)
		if (!strcasecmp(f->dims[i].name, name))
			return &f->dims[i];
	return NULL;
}

/* The line of a byte offset, for errors in a JSON file parsed whole. */
static size_t line_of(const char *text, size_t off)
{
	size_t line = 1;

	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

/* A string, or a number written as a string (ids are either). */
static char *str_or_num(const cJSON *v)
{
	char tmp[64];

	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	/* In range before the cast: converting 1e300 to an integer is undefined. */
	if (cJSON_IsNumber(v) && v->valuedouble > -9e18 && v->valuedouble < 9e18 &&
	    v->valuedouble == (double)(long long)v->valuedouble) {
		snprintf(tmp, sizeof(tmp), "%lld", (long long)v->valuedouble);
		return xstrdup(tmp);
	}
	return NULL;
}

static int get_long(const cJSON *v, long *out)
{
	if (cJSON_IsNumber(v) && v->valuedouble > -9e18 && v->valuedouble < 9e18 &&
	    v->valuedouble == (double)(long)v->valuedouble) {
		*out = (long)v->valuedouble;
		return 0;
	}
	if (cJSON_IsString(v))
		return parse_long(v->valuestring, -1000000, 1000000, out);
	return -1;
}

/* One question into q; *why on failure. */
static int take_question(const cJSON *o, const struct seed_dim *dim, struct seed_q *q,
			 int *trimmed, const char **why)
{
	static const char *const keys[4] = { "choice_a", "choice_b", "choice_c", "choice_d" };
	const cJSON *v;
	const char *a, *type;

	memset(q, 0, sizeof(*q));
	q->dimension = dim->name;
	if (!(q->id = str_or_num(cJSON_GetObjectItemCaseSensitive(o, "question_id"))))
		return *why = "no question_id", -1;
	v = cJSON_GetObjectItemCaseSensitive(o, "question");
	if (!cJSON_IsString(v))
		return *why = "no question text", -1;
	q->question = xstrdup(v->valuestring);
	for (int k = 0; k < 4; k++) {
		v = cJSON_GetObjectItemCaseSensitive(o, keys[k]);
		if (!(q->choices[k] = str_or_num(v)))
			return *why = "a choice_a..choice_d is missing", -1;
	}
	a = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "answer"));
	*trimmed = a && *a == ' ';
	while (a && *a == ' ')
		a++;
	if (!a || *a < 'A' || *a > 'D' || (a[1] && a[1] != ' '))
		return *why = "answer is not one of A, B, C, D", -1;
	*trimmed |= a[1] == ' ';
	q->answer = ANS_LETTER(*a - 'A');
	v = cJSON_GetObjectItemCaseSensitive(o, "data_id");
	if (cJSON_IsString(v))
		q->data_id = xstrdup(v->valuestring);
	type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "data_type"));
	/* SEED-1: "image" / "video"; SEED-2: "Single Image", "Multiple Images", "Video"... */
	q->image = q->data_id && (!type || !strcasecmp(type, "image") ||
				  !strcasecmp(type, "single image"));
	return 0;
}

int seed_file_load(const char *path, const char *const *want, size_t n_want, struct seed_file *f,
		   char *err)
{
	struct buf text = BUF_INIT;
	const char *end = NULL;
	cJSON *root = NULL, *qs, *types, *o;
	size_t *wanted_dim = NULL; /* per want[i]: dims index */
	struct keyset ids = { 0 };
	int r = 0, trimmed = 0;

	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	text.max = SEED_FILE_MAX;
	if (buf_read_file(&text, path)) {
		r = err_set(err, VSR_EDATA, "cannot read %s: %s", path,
			    errno == EFBIG ? "larger than 512 MiB" : strerror(errno));
		goto out;
	}
	root = cJSON_ParseWithLengthOpts(text.ptr, text.len, &end, 0);
	if (!root) {
		size_t off = end && end >= text.ptr ? (size_t)(end - text.ptr) : 0;
		r = err_set(err, VSR_EDATA, "%s:%zu: not valid JSON", path, line_of(text.ptr, off));
		goto out;
	}
	qs = cJSON_GetObjectItemCaseSensitive(root, "questions");
	types = cJSON_GetObjectItemCaseSensitive(root, "question_type");
	if (!cJSON_IsArray(qs) || !cJSON_IsObject(types)) {
		r = err_set(err, VSR_EDATA,
			    "%s: expected an object with \"questions\" (an array) and "
			    "\"question_type\" (name -> id), as SEED-Bench releases it",
			    path);
		goto out;
	}
	cJSON_ArrayForEach(o, types) {
		long id;
		if (get_long(o, &id)) {
			r = err_set(err, VSR_EDATA, "%s: question_type \"%.80s\" has no numeric id", path,
				    o->string);
			goto out;
		}
		f->dims = xrealloc(f->dims, (f->n_dims + 1) * sizeof(*f->dims));
		f->dims[f->n_dims].name = xstrdup(o->string);
		f->dims[f->n_dims].id = id;
		f->dims[f->n_dims].questions = 0;
		f->n_dims++;
	}
	wanted_dim = xcalloc(n_want ? n_want : 1, sizeof(*wanted_dim));
	for (size_t i = 0; i < n_want; i++) {
		const struct seed_dim *d = seed_dim_find(f, want[i]);
		if (!d) {
			struct buf known = BUF_INIT;
			for (size_t k = 0; k < f->n_dims; k++)
				buf_addf(&known, "%s%s", k ? ", " : "", f->dims[k].name);
			r = err_set(err, VSR_EUSAGE, "%s: no dimension '%s' in its question_type map (%.300s)",
				    path, want[i], known.ptr);
			buf_release(&known);
			goto out;
		}
		wanted_dim[i] = (size_t)(d - f->dims);
	}
	f->q = xcalloc((size_t)cJSON_GetArraySize(qs) + 1, sizeof(*f->q));
	cJSON_ArrayForEach(o, qs) {
		const char *why = NULL;
		struct seed_dim *dim = NULL;
		long id;

		if (get_long(cJSON_GetObjectItemCaseSensitive(o, "question_type_id"), &id)) {
			char *qid = str_or_num(cJSON_GetObjectItemCaseSensitive(o, "question_id"));
			r = err_set(err, VSR_EDATA, "%s: question %s has no numeric question_type_id",
				    path, qid ? qid : "(no id)");
			free(qid);
			goto out;
		}
		for (size_t i = 0; i < f->n_dims && !dim; i++)
			if (f->dims[i].id == id)
				dim = &f->dims[i];
		if (!dim) {
			char *qid = str_or_num(cJSON_GetObjectItemCaseSensitive(o, "question_id"));
			r = err_set(err, VSR_EDATA,
				    "%s: question %s has question_type_id %ld, which the file's "
				    "question_type map does not name",
				    path, qid ? qid : "(no id)", id);
			free(qid);
			goto out;
		}
		if (n_want) {
			size_t i;
			for (i = 0; i < n_want; i++)
				if (&f->dims[wanted_dim[i]] == dim)
					break;
			if (i == n_want)
				continue;
		}
		if (take_question(o, dim, &f->q[f->n], &trimmed, &why)) {
			r = err_set(err, VSR_EDATA, "%s: question %s: %s", path,
				    f->q[f->n].id ? f->q[f->n].id : "(no id)", why);
			f->n++; /* so that release frees it */
			goto out;
		}
		if (!keyset_add(&ids, hash64_str(f->q[f->n].id, HASH_SEED))) {
			/* A question id seen before: the first counts. */
			f->duplicate_ids++;
			f->n++;
			seed_q_drop_last(f);
			continue;
		}
		f->answers_trimmed += trimmed != 0;
		dim->questions++;
		f->n++;
	}
out:
	keyset_release(&ids);
	free(wanted_dim);
	cJSON_Delete(root);
	buf_release(&text);
	if (r)
		seed_file_release(f);
	return r;
}

/* ------------------------------------------------------------------ */
/* The suite                                                           */
/* ------------------------------------------------------------------ */

struct seed {
	const char *suite;
	struct seed_file f;
	char **paths;        /* per question: its image, NULL when missing or not an image */
	size_t next, items, skipped, not_image, missing_images;
	/*
	 * -n N: the image questions from beyond_from on come after the first N
	 * the run takes (beyond of them); their images are not looked for.
	 */
	size_t beyond_from, beyond;
	char *first_missing[N_FIRST_MISSING];
	struct image_bad bad; /* image files that cannot be used (imgcheck.h) */
	uint64_t digest;
};

static void seed_free(struct seed *s)
{
	for (size_t i = 0; s->paths && i < s->f.n; i++)
		free(s->paths[i]);
	free(s->paths);
	for (size_t i = 0; i < N_FIRST_MISSING; i++)
		free(s->first_missing[i]);
	image_bad_release(&s->bad);
	seed_file_release(&s->f);
	free(s);
}

static int file_exists(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode);
}

static int find_image(struct seed *s, const struct suite_config *cfg, size_t i, char *err)
{
	static const char *const exts[] = { "", ".jpg", ".png", ".jpeg" };
	const struct seed_q *q = &s->f.q[i];
	struct buf name = BUF_INIT;
	int r = IMAGE_MISSING;

	for (size_t k = 0; k < sizeof(exts) / sizeof(exts[0]) && r == IMAGE_MISSING; k++) {
		buf_reset(&name);
		buf_addf(&name, "%s%s", q->data_id, exts[k]);
		r = image_resolve(cfg, name.ptr, &s->paths[i], err);
	}
	/* --images naming the folder SEED-Bench-image.zip was unpacked in. */
	for (size_t k = 0; k < sizeof(exts) / sizeof(exts[0]) && r == IMAGE_MISSING; k++) {
		buf_reset(&name);
		buf_addf(&name, SEED_IMAGE_FOLDER "/%s%s", q->data_id, exts[k]);
		r = image_resolve(cfg, name.ptr, &s->paths[i], err);
	}
	buf_release(&name);
	if (r == IMAGE_MISSING) {
		if (s->missing_images < N_FIRST_MISSING)
			s->first_missing[s->missing_images] = xstrdup(q->data_id);
		s->missing_images++;
		return 0;
	}
	if (r)
		return err_set(err, r, "%s: question %s: image '%.200s' refused", s->f.path, q->id,
			       q->data_id);
	if (image_check_file(s->paths[i], cfg->mirror_images, err)) {
		image_bad_note(&s->bad, q->id, s->f.path, s->paths[i], err);
		free(s->paths[i]);
		s->paths[i] = NULL;
	}
	return 0;
}

/*
 * Splits a dimension list in place ("Spatial Relation, Instance Location";
 * "all" is every dimension: none named) into want[], at most max names;
 * returns how many.
 */
static size_t split_dims(char *list, const char **want, size_t max)
{
	size_t n = 0;

	if (!strcasecmp(list, "all"))
		return 0;
	for (char *p = list; p && n < max;) {
		char *e = strchr(p, ','), *t;
		if (e)
			*e = '\0';
		while (*p == ' ')
			p++;
		t = p + strlen(p);
		while (t > p && t[-1] == ' ')
			*--t = '\0';
		if (*p)
			want[n++] = p;
		p = e ? e + 1 : NULL;
	}
	return n;
}

static int seed_open(const struct suite_preset *preset, const struct suite_config *cfg,
		     void **priv, char *err)
{
	struct seed *s = xcalloc(1, sizeof(*s));
	const char *suite = preset->name, *defaults = suite_param(preset, "dimension");
	const char *file = NULL;
	const char *want[64];
	char *owned = NULL;
	size_t n_want = 0;
	int explicit = 0, r;
	struct buf path = BUF_INIT, root = BUF_INIT, unzipped = BUF_INIT;
	struct suite_config icfg;
	const char *roots[2];

	*priv = NULL;
	s->suite = suite;
	for (size_t i = 0; i < cfg->n_opts; i++) {
		const char *k = cfg->opts[i].key, *v = cfg->opts[i].value;
		if (!strcmp(k, "file") && *v) {
			file = v;
		} else if (!strcmp(k, "dimension") && *v) {
			explicit = 1;
			free(owned);
			owned = xstrdup(v);
			n_want = split_dims(owned, want, 64);
		} else {
			r = err_set(err, VSR_EUSAGE,
				    "suite %s: bad option '%s=%s' (known: file=NAME, dimension=LIST)",
				    suite, k, v);
			goto fail;
		}
	}
	if (!explicit && defaults) {
		owned = xstrdup(defaults);
		n_want = split_dims(owned, want, 64);
	}
	if (file && strchr(file, '/')) {
		buf_adds(&path, file);
	} else if (!cfg->data_dir) {
		r = err_set(err, VSR_EUSAGE, "suite %s: no data folder: pass --data DIR or set VSRBENCH_DATA "
			    "(" VSR_NO_DEFAULT_DIR ")", suite);
		goto fail;
	} else {
		buf_addf(&path, "%s/seed/%s", cfg->data_dir, file ? file : "SEED-Bench.json");
		if (!file && !file_exists(path.ptr)) {
			buf_reset(&path);
			buf_addf(&path, "%s/seed/SEED-Bench_v2.json", cfg->data_dir);
			if (!file_exists(path.ptr)) {
				buf_reset(&path);
				buf_addf(&path, "%s/seed/SEED-Bench.json", cfg->data_dir);
			}
		}
	}
	if (!file_exists(path.ptr) && file && !strchr(file, '/') && file_exists(file)) {
		/* -S file=NAME of a file in the working directory: say how to name it. */
		r = err_set(err, VSR_EDATA,
			    "suite %s: no question file %s (-S file=%s is looked for in the data "
			    "folder's seed/; for the file in the working directory write -S file=./%s)",
			    suite, path.ptr, file, file);
		goto fail;
	}
	if (!file_exists(path.ptr)) {
		r = err_set(err, VSR_EDATA,
			    "suite %s: no question file %s (get it with `vsrbench data pull seed`: "
			    "SEED-Bench.json from Hugging Face, AILab-CVC/SEED-Bench; or name one with "
			    "-S file=)",
			    suite, path.ptr);
		goto fail;
	}
	if ((r = seed_file_load(path.ptr, want, n_want, &s->f, err)))
		goto fail;
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct seed_dim *d = seed_dim_find(&s->f, expected[i].name);
		int loaded = 0;
		for (size_t k = 0; k < n_want; k++)
			loaded |= !strcasecmp(want[k], expected[i].name);
		if (d && (loaded || !n_want) && d->questions != expected[i].n)
			vsr_warn("%s: \"%s\" (id %ld) has %zu questions, SEED-Bench-1 has %zu: check "
				 "the file's question_type map (releases swapped the ids of Instance "
				 "Attributes and Instance Location)",
				 path.ptr, d->name, d->id, d->questions, expected[i].n);
	}
	/* Without --images: where `vsrbench data pull SUITE --from-zip ...` puts them. */
	if (!cfg->n_image_dirs && cfg->data_dir) {
		icfg = *cfg;
		buf_reset(&root);
		buf_addf(&root, "%s/seed/images", cfg->data_dir);
		/* SEED-Bench-image.zip unpacked beside SEED-Bench.json. */
		buf_addf(&unzipped, "%s/seed/" SEED_IMAGE_FOLDER, cfg->data_dir);
		roots[0] = root.ptr;
		roots[1] = unzipped.ptr;
		icfg.image_dirs = roots;
		icfg.n_image_dirs = 2;
		cfg = &icfg;
	}
	/* Images: only single-image questions can be asked. */
	s->paths = xcalloc(s->f.n + 1, sizeof(*s->paths));
	s->beyond_from = s->f.n;
	for (size_t i = 0, taken = 0; i < s->f.n; i++) {
		if (!s->f.q[i].image) {
			if (explicit && n_want) {
				r = err_set(err, VSR_EUSAGE,
					    "suite %s: dimension '%s' has questions about videos or several "
					    "images (question %s); only single-image dimensions can be run",
					    suite, s->f.q[i].dimension, s->f.q[i].id);
				goto fail;
			}
			s->not_image++;
			continue;
		}
		/* -n N: the run has its N questions; the images of the rest go unread. */
		if (cfg->only_first > 0 && taken >= (size_t)cfg->only_first) {
			if (!s->beyond++)
				s->beyond_from = i;
			continue;
		}
		if ((r = find_image(s, cfg, i, err)))
			goto fail;
		taken += s->paths[i] != NULL;
	}
	if (s->missing_images && !cfg->skip_missing_images) {
		r = err_set(err, VSR_EDATA,
			    "%zu of the images of %s are not under %s%s%s (first: %s%s%s%s%s); "
			    "vsrbench data pull %s --from-zip SEED-Bench-image.zip fetches them (the "
			    "archive's PATH or URL; or pass --images DIR with the SEED-Bench images, "
			    "or --skip-missing-images)",
			    s->missing_images, suite, root.len ? root.ptr : "--images",
			    root.len ? " or " : "", unzipped.len ? unzipped.ptr : "",
			    s->first_missing[0], s->first_missing[1] ? ", " : "",
			    s->first_missing[1] ? s->first_missing[1] : "", s->first_missing[2] ? ", " : "",
			    s->first_missing[2] ? s->first_missing[2] : "", suite);
		goto fail;
	}
	if (s->bad.images && !cfg->skip_missing_images) {
		r = image_bad_error(&s->bad, suite, err);
		goto fail;
	}
	/*
	 * The digest is over the questions it can ask.  Those beyond the first N
	 * count as such, their images unread: a -n run is then the suite a full
	 * run is when the images are there (one digest for resume and compare).
	 */
	s->digest = hash64_str(suite, HASH_SEED);
	for (size_t i = 0; i < s->f.n; i++) {
		const struct seed_q *q = &s->f.q[i];
		if (!s->paths[i] && !(q->image && i >= s->beyond_from)) {
			s->skipped += q->image;
			continue;
		}
		s->items++;
		s->digest = hash64_str(q->id, s->digest);
		s->digest = hash64_str(q->question, s->digest);
		for (int k = 0; k < 4; k++)
			s->digest = hash64_str(q->choices[k], s->digest);
		s->digest = hash64(&q->answer, sizeof(q->answer), s->digest);
		s->digest = hash64_str(q->dimension, s->digest);
		s->digest = hash64_str(q->data_id, s->digest);
	}
	if (!s->items) {
		if (s->bad.images)
			r = image_none_usable_error(&s->bad, suite, s->missing_images, err);
		else
			r = err_set(err, VSR_EDATA, "suite %s: no single-image question to ask in %s",
				    suite, path.ptr);
		goto fail;
	}
	if (cfg->skip_missing_images) /* over the questions it looked at */
		image_skip_warn(suite, s->skipped, s->items - s->beyond + s->skipped, s->missing_images,
				&s->bad);
	free(owned);
	buf_release(&path);
	buf_release(&root);
	buf_release(&unzipped);
	*priv = s;
	return 0;
fail:
	free(owned);
	buf_release(&path);
	buf_release(&root);
	buf_release(&unzipped);
	seed_free(s);
	return r;
}

static long seed_count(void *priv)
{
	const struct seed *s = priv;

	return (long)(s->items - s->beyond);
}

static int seed_next(void *priv, struct item *it, char *err)
{
	struct seed *s = priv;
	const struct seed_q *q;
	uint64_t digest;
	int r;

	while (s->next < s->f.n && !s->paths[s->next])
		s->next++;
	if (s->next >= s->f.n)
		return 0;
	q = &s->f.q[s->next];
	if ((r = image_digest_item(s->paths[s->next], s->suite, q->id, s->f.path, &digest, err)))
		return r;
	memset(it, 0, sizeof(*it));
	it->image_digest = digest;
	it->suite = s->suite;
	it->id = xstrdup(q->id);
	it->where = item_where(s->f.path, 0);
	it->question = xstrdup(q->question);
	it->choices = xcalloc(4, sizeof(*it->choices));
	for (int k = 0; k < 4; k++)
		it->choices[k] = xstrdup(q->choices[k]);
	it->n_choices = 4;
	it->label = q->answer;
	it->category = q->dimension;
	it->image_path = xstrdup(s->paths[s->next]);
	s->next++;
	return 1;
}

static uint64_t seed_digest(void *priv)
{
	const struct seed *s = priv;

	return s->digest;
}

static void seed_describe(void *priv, void *obj)
{
	const struct seed *s = priv;
	cJSON *o = obj, *dims;

	cJSON_AddStringToObject(o, "file", s->f.path);
	cJSON_AddNumberToObject(o, "items", (double)s->items);
	cJSON_AddNumberToObject(o, "skipped_missing_images", (double)s->skipped);
	if (s->bad.images) {
		cJSON_AddNumberToObject(o, "unusable_images", (double)s->bad.images);
		cJSON_AddNumberToObject(o, "skipped_unusable_images", (double)s->bad.items);
	}
	cJSON_AddNumberToObject(o, "skipped_not_single_image", (double)s->not_image);
	cJSON_AddNumberToObject(o, "answers_trimmed", (double)s->f.answers_trimmed);
	cJSON_AddNumberToObject(o, "duplicate_ids", (double)s->f.duplicate_ids);
	dims = cJSON_AddObjectToObject(o, "dimensions");
	for (size_t i = 0; i < s->f.n_dims; i++)
		if (s->f.dims[i].questions)
			cJSON_AddNumberToObject(dims, s->f.dims[i].name, (double)s->f.dims[i].id);
}

static void seed_close(void *priv)
{
	seed_free(priv);
}

const struct suite_ops seed_suite_ops = {
	.name = "seed",
	.open = seed_open,
	.count = seed_count,
	.next = seed_next,
	.load_image = image_load_path,
	.digest = seed_digest,
	.close = seed_close,
	.describe = seed_describe,
	.default_templates = "mc01",
};
