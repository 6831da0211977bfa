/*
 * mme: the MME suites (see mme.h).
 *
 * open() reads every question of the suite's subtasks (at most 2,374 short
 * lines) and finds and checks every image (suites/imgcheck.h), so a missing
 * image, or one that cannot be sent, is an error before any request is sent;
 * under -n N (suite_config.only_first) only those of the first N questions
 * it can take.  next() then hands the questions out in order, reading each
 * image once to digest its bytes into the task key.
 */
#include "mme.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../base/lines.h"
#include "../base/util.h"
#include "images.h"
#include "imgcheck.h"

#define N_FIRST_MISSING 3

static const struct mme_subtask subtasks[] = {
	{ "existence", "mme-existence", 0 },
	{ "count", "mme-count", 0 },
	{ "position", "mme-position", 0 },
	{ "color", "mme-color", 0 },
	{ "posters", "mme-posters", 0 },
	{ "celebrity", "mme-celebrity", 0 },
	{ "scene", "mme-scene", 0 },
	{ "landmark", "mme-landmark", 0 },
	{ "artwork", "mme-artwork", 0 },
	{ "OCR", "mme-ocr", 0 },
	{ "commonsense_reasoning", "mme-commonsense_reasoning", 1 },
	{ "numerical_calculation", "mme-numerical_calculation", 1 },
	{ "text_translation", "mme-text_translation", 1 },
	{ "code_reasoning", "mme-code_reasoning", 1 },
};
#define N_SUBTASKS (sizeof(subtasks) / sizeof(subtasks[0]))

const struct mme_subtask *mme_subtasks(size_t *n)
{
	*n = N_SUBTASKS;
	return subtasks;
}

const struct mme_subtask *mme_subtask_find(const char *name)
{
	for (size_t i = 0; i < N_SUBTASKS; i++)
		if (!strcmp(subtasks[i].name, name))
			return &subtasks[i];
	return NULL;
}

void mme_item_id(struct buf *out, const char *subtask, const char *image, int nth)
{
	buf_addf(out, "%s/%s#%d", subtask, image, nth);
}

void mme_group(struct buf *out, const char *subtask, const char *image)
{
	buf_addf(out, "%s/%s", subtask, image);
}

/* ------------------------------------------------------------------ */
/* The suite                                                           */
/* ------------------------------------------------------------------ */

struct mme_q {
	const struct mme_subtask *task;
	char *image;    /* the name in the data */
	char *question;
	answer_t label;
	int nth;
	char *path;     /* the image file; NULL when missing or unusable */
	char *where;    /* the question's "file:line" */
	int unusable;   /* its image file cannot be used (imgcheck.h) */
	int beyond;     /* after the first only_first the run takes: its image not looked for */
};

struct mme {
	const char *suite;
	struct mme_q *q;
	size_t n, cap, next;
	uint64_t digest;
	size_t images, missing_images, skipped;
	/* -n N: questions with an image so far; those after the N-th and their images, unread */
	long only_first;
	size_t taken, beyond, images_beyond;
	char *first_missing[N_FIRST_MISSING];
	int mirror;             /* suite_config.mirror_images */
	struct image_bad bad;   /* the image files that cannot be used */
	struct buf looked;  /* where the first missing image was looked for, for the error */
	struct buf sources; /* "position: lists DIR/position.txt; ..." for run.json */
	/* Both questions of an image: the digest is computed once. */
	const char *digest_path;
	uint64_t image_digest;
	char err[VSR_ERR_MAX];
};

static void mme_free(struct mme *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->q[i].image);
		free(m->q[i].question);
		free(m->q[i].path);
		free(m->q[i].where);
	}
	free(m->q);
	for (size_t i = 0; i < N_FIRST_MISSING; i++)
		free(m->first_missing[i]);
	buf_release(&m->looked);
	buf_release(&m->sources);
	image_bad_release(&m->bad);
	free(m);
}

static struct mme_q *add_q(struct mme *m)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 128;
		m->q = xrealloc(m->q, m->cap * sizeof(*m->q));
	}
	memset(&m->q[m->n], 0, sizeof(m->q[0]));
	return &m->q[m->n++];
}

/* -n N: whether the run has its N questions, the ones after not asked. */
static int past_first_n(const struct mme *m)
{
	return m->only_first > 0 && m->taken >= (size_t)m->only_first;
}

/*
 * Questions first..n-1 have their image (or none): those within the first
 * N the run takes count, the others are beyond it, their path dropped.
 */
static void take(struct mme *m, size_t first)
{
	for (size_t i = first; i < m->n; i++) {
		struct mme_q *q = &m->q[i];
		if (!q->path)
			continue;
		if (!past_first_n(m)) {
			m->taken++;
			continue;
		}
		free(q->path);
		q->path = NULL;
		q->beyond = 1;
		m->beyond++;
	}
}

/*
 * Finds the image of questions first..n-1 (all about one image); records a
 * miss.  Past the first N questions (-n) the image is counted, not looked for.
 */
static int resolve(struct mme *m, const struct suite_config *cfg, size_t first, char *err)
{
	char *path = NULL;
	const char *name = m->q[first].image;
	int r;

	m->images++;
	if (past_first_n(m)) {
		m->images_beyond++;
		for (size_t i = first; i < m->n; i++)
			m->q[i].beyond = 1;
		m->beyond += m->n - first;
		return 0;
	}
	r = image_resolve(cfg, name, &path, err);
	if (r && r != IMAGE_MISSING)
		return r;
	if (r == IMAGE_MISSING) {
		if (m->missing_images < N_FIRST_MISSING)
			m->first_missing[m->missing_images] = xstrdup(name);
		m->missing_images++;
		return 0;
	}
	if (image_check_file(path, m->mirror, err)) {
		struct buf id = BUF_INIT;
		mme_item_id(&id, m->q[first].task->name, name, m->q[first].nth);
		image_bad_note(&m->bad, id.ptr, m->q[first].where, path, err);
		m->bad.items += m->n - first - 1; /* the image's other questions read so far */
		for (size_t i = first; i < m->n; i++)
			m->q[i].unusable = 1;
		buf_release(&id);
		free(path);
		return 0;
	}
	for (size_t i = first; i < m->n; i++)
		m->q[i].path = i == first ? path : xstrdup(path);
	take(m, first);
	return 0;
}

/* Image roots for a list's bare names: each --images DIR, DIR/<subtask>, DIR/<subtask>/images. */
struct roots {
	char *dirs[64];
	size_t n;
};

/* Adds a/b/c (b and c may be NULL). */
static void roots_add(struct roots *rs, const char *a, const char *b, const char *c)
{
	struct buf p = BUF_INIT;

	if (rs->n == sizeof(rs->dirs) / sizeof(rs->dirs[0]))
		return;
	buf_addf(&p, "%s%s%s%s%s", a, b ? "/" : "", b ? b : "", c ? "/" : "", c ? c : "");
	rs->dirs[rs->n++] = buf_detach(&p, NULL);
}

static void roots_release(struct roots *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->dirs[i]);
	rs->n = 0;
}

struct list_ctx {
	struct mme *m;
	const struct mme_subtask *task;
	const struct suite_config *icfg;
	const char *path;
	char err[VSR_ERR_MAX];
};

static int list_line(const struct mme_line *ml, void *p)
{
	struct list_ctx *c = p;
	struct mme_q *q = add_q(c->m);
	char err[VSR_ERR_MAX];
	int r;

	q->task = c->task;
	q->image = xstrdup(ml->image);
	q->question = xstrdup(ml->question);
	q->where = item_where(c->path, ml->lineno);
	q->label = ml->label;
	q->nth = ml->nth;
	if (ml->nth == 2) {
		const struct mme_q *first = &c->m->q[c->m->n - 2];
		if (first->beyond) {
			q->beyond = 1;
			c->m->beyond++;
			return 0;
		}
		q->path = first->path ? xstrdup(first->path) : NULL;
		q->unusable = first->unusable;
		c->m->bad.items += (size_t)q->unusable;
		take(c->m, c->m->n - 1);
		return 0;
	}
	/* The pair's first line: its image serves both. */
	r = resolve(c->m, c->icfg, c->m->n - 1, err);
	if (r)
		return err_set(c->err, r, "%s:%zu: %s", c->path, ml->lineno, err);
	return 0;
}

static int load_list(struct mme *m, const struct suite_config *cfg, const struct mme_subtask *t,
		     const char *path, const char *release_root, char *err)
{
	struct roots rs = { { 0 }, 0 };
	struct suite_config icfg = *cfg;
	struct list_ctx c;
	size_t first_q = m->n, missing = m->missing_images;
	int r;

	for (size_t i = 0; i < cfg->n_image_dirs; i++) {
		roots_add(&rs, cfg->image_dirs[i], NULL, NULL);
		roots_add(&rs, cfg->image_dirs[i], t->name, NULL);
		roots_add(&rs, cfg->image_dirs[i], t->name, "images");
	}
	if (release_root) {
		roots_add(&rs, release_root, t->name, NULL);
		roots_add(&rs, release_root, t->name, "images");
	}
	icfg.image_dirs = (const char *const *)rs.dirs;
	icfg.n_image_dirs = rs.n;
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.task = t;
	c.icfg = &icfg;
	c.path = path;
	r = mme_list_scan(path, list_line, &c, err);
	if (r && c.err[0])
		memcpy(err, c.err, VSR_ERR_MAX);
	roots_release(&rs);
	/* Name where a missing image was looked for: --images, else the release folder data pull
	 * mme-position --from-zip fills (whether or not it exists yet). */
	if (!missing && m->missing_images && !m->looked.len) {
		if (cfg->n_image_dirs || !cfg->data_dir)
			buf_adds(&m->looked, "--images");
		else if (release_root)
			buf_addf(&m->looked, "%s/%s", release_root, t->name);
		else
			buf_addf(&m->looked, "%s/mme/MME_Benchmark_release_version/%s", cfg->data_dir,
				 t->name);
	}
	if (!r)
		buf_addf(&m->sources, "%s%s: %zu questions from %s", m->sources.len ? "; " : "",
			 t->name, m->n - first_q, path);
	return r;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_txt_suffix(const char *s)
{
	size_t n = strlen(s);

	return n > 4 && !strcmp(s + n - 4, ".txt");
}

/* One question file of the release: `question \t Yes|No` per line, two lines. */
static int load_release_file(struct mme *m, const struct mme_subtask *t, const char *qa_dir,
			     const char *img_dir, const char *file, char *err)
{
	static const char *const exts[] = { ".jpg", ".png", ".jpeg", ".JPG", ".PNG", ".JPEG" };
	struct buf path = BUF_INIT, name = BUF_INIT;
	struct lines l;
	size_t first = m->n, nq = 0;
	struct suite_config icfg;
	const char *roots[1] = { img_dir };
	int r;

	buf_addf(&path, "%s/%s", qa_dir, file);
	if ((r = lines_open(&l, path.ptr, MME_LINE_MAX, err)))
		goto out;
	while ((r = lines_next(&l, err)) == 1) {
		char *s = l.line.ptr, *e, *tab;
		struct mme_q *q;
		answer_t label;

		/* LLaVA's reader: line.strip().split('\t'). */
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (!*s)
			continue;
		tab = strchr(s, '\t');
		if (!tab || strchr(tab + 1, '\t')) {
			r = err_set(err, VSR_EDATA, "%s:%zu: expected question<TAB>Yes|No", path.ptr,
				    l.lineno);
			break;
		}
		*tab = '\0';
		if (mme_label(tab + 1, &label)) {
			r = err_set(err, VSR_EDATA, "%s:%zu: answer '%.40s', expected Yes or No",
				    path.ptr, l.lineno, tab + 1);
			break;
		}
		q = add_q(m);
		q->task = t;
		q->question = xstrdup(s);
		q->where = item_where(path.ptr, l.lineno);
		q->label = label;
		q->nth = (int)++nq;
	}
	lines_close(&l);
	if (r)
		goto out;
	if (nq != 2) {
		r = err_set(err, VSR_EDATA, "%s: %zu questions, expected 2 (one Yes, one No)",
			    path.ptr, nq);
		goto out;
	}
	/* The image: the file's stem with an image extension, beside it or in images/. */
	memset(&icfg, 0, sizeof(icfg));
	icfg.image_dirs = roots;
	icfg.n_image_dirs = 1;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		buf_reset(&name);
		buf_add(&name, file, strlen(file) - 4);
		buf_adds(&name, exts[i]);
		buf_reset(&path);
		buf_addf(&path, "%s/%s", img_dir, name.ptr);
		if (path_is_file(path.ptr))
			break;
		if (i + 1 == sizeof(exts) / sizeof(exts[0])) { /* none: report the .jpg name */
			buf_reset(&name);
			buf_add(&name, file, strlen(file) - 4);
			buf_adds(&name, ".jpg");
		}
	}
	for (size_t i = first; i < m->n; i++)
		m->q[i].image = xstrdup(name.ptr);
	r = resolve(m, &icfg, first, err);
out:
	buf_release(&path);
	buf_release(&name);
	return r;
}

static int load_release(struct mme *m, const struct mme_subtask *t, const char *dir, char *err)
{
	struct buf qa = BUF_INIT, img = BUF_INIT;
	char **names = NULL;
	size_t n = 0, cap = 0, first_q = m->n, missing = m->missing_images;
	struct dirent *de;
	DIR *d;
	int r = 0;

	buf_addf(&qa, "%s/questions_answers_YN", dir);
	buf_addf(&img, "%s/images", dir);
	if (!path_is_dir(qa.ptr) || !path_is_dir(img.ptr)) {
		buf_reset(&qa);
		buf_reset(&img);
		buf_adds(&qa, dir);
		buf_adds(&img, dir);
	}
	d = opendir(qa.ptr);
	if (!d) {
		r = err_set(err, VSR_EDATA, "cannot read %s: %s", qa.ptr, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !has_txt_suffix(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	/* Directory order is arbitrary: sort so that runs are reproducible. */
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n && !r; i++)
		r = load_release_file(m, t, qa.ptr, img.ptr, names[i], err);
	/* A missing image was looked for in the folder, not under --images (it does not use them). */
	if (!missing && m->missing_images && !m->looked.len)
		buf_adds(&m->looked, img.ptr);
	if (!r && !n)
		r = err_set(err, VSR_EDATA, "%s: no question files (*.txt)", qa.ptr);
	if (!r)
		buf_addf(&m->sources, "%s%s: %zu questions from %s", m->sources.len ? "; " : "",
			 t->name, m->n - first_q, qa.ptr);
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_release(&qa);
	buf_release(&img);
	return r;
}

/*
 * An --images root holding the subtask's release folder (ROOT/SUBTASK/ with
 * its question files, *.txt, beside the images or in questions_answers_YN/):
 * 1 and its path in out, else 0.
 */
static int images_release(const struct suite_config *cfg, const struct mme_subtask *t,
			  struct buf *out)
{
	static const char *const qa[] = { "", "/questions_answers_YN" };

	for (size_t i = 0; i < cfg->n_image_dirs; i++)
		for (size_t k = 0; k < sizeof(qa) / sizeof(qa[0]); k++) {
			struct buf p = BUF_INIT;
			struct dirent *de;
			DIR *d;
			int txt = 0;

			buf_addf(&p, "%s/%s%s", cfg->image_dirs[i], t->name, qa[k]);
			d = opendir(p.ptr);
			while (d && !txt && (de = readdir(d)) != NULL)
				txt = de->d_name[0] != '.' && has_txt_suffix(de->d_name);
			if (d)
				closedir(d);
			buf_release(&p);
			if (txt) {
				buf_addf(out, "%s/%s", cfg->image_dirs[i], t->name);
				return 1;
			}
		}
	return 0;
}

/*
 * Where a subtask's questions are: a list file (*list set) or a release
 * folder (*release_dir set); *release_root is a release tree to also look
 * for a list's images in.  VSR_EDATA naming the places looked at.
 */
static int find_source(const struct suite_config *cfg, const char *dir_opt,
		       const struct mme_subtask *t, struct buf *list, struct buf *release_dir,
		       struct buf *release_root, char *err)
{
	static const char *const roots[] = { "mme/MME_Benchmark_release_version", "mme/MME_Benchmark",
					     "mme" };
	struct buf p = BUF_INIT;
	int r = 0;

	if (dir_opt) {
		buf_addf(&p, "%s/%s.txt", dir_opt, t->name);
		if (path_is_file(p.ptr)) {
			buf_adds(list, p.ptr);
		} else {
			buf_reset(&p);
			buf_addf(&p, "%s/%s", dir_opt, t->name);
			if (path_is_dir(p.ptr))
				buf_adds(release_dir, p.ptr);
			else
				r = err_set(err, VSR_EDATA,
					    "MME subtask %s: neither %s/%s.txt (an eval-tool list) nor "
					    "%s/%s/ (a release folder) exists",
					    t->name, dir_opt, t->name, dir_opt, t->name);
		}
		buf_release(&p);
		return r;
	}
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		buf_reset(&p);
		buf_addf(&p, "%s/%s/%s", cfg->data_dir, roots[i], t->name);
		if (path_is_dir(p.ptr)) {
			buf_reset(release_root);
			buf_addf(release_root, "%s/%s", cfg->data_dir, roots[i]);
			break;
		}
	}
	buf_reset(&p);
	buf_addf(&p, "%s/mme/eval_tool/Your_Results/%s.txt", cfg->data_dir, t->name);
	if (path_is_file(p.ptr)) {
		buf_adds(list, p.ptr);
	} else if (release_root->len) {
		buf_addf(release_dir, "%s/%s", release_root->ptr, t->name);
		buf_reset(release_root);
	} else if (images_release(cfg, t, release_dir)) {
		/* --images MME_Benchmark_release_version: the release holds the questions too. */
	} else {
		r = err_set(err, VSR_EDATA,
			    "MME subtask %s: found neither %s nor a release folder "
			    "%s/mme/MME_Benchmark_release_version/%s/%s%s%s%s%s (get the data with "
			    "`vsrbench data pull mme`, or point -S dir= at either)",
			    t->name, p.ptr, cfg->data_dir, t->name,
			    cfg->n_image_dirs ? " or " : "",
			    cfg->n_image_dirs ? cfg->image_dirs[0] : "", cfg->n_image_dirs ? "/" : "",
			    cfg->n_image_dirs ? t->name : "", cfg->n_image_dirs ? "/" : "");
	}
	buf_release(&p);
	return r;
}

static int load_subtask(struct mme *m, const struct suite_config *cfg, const char *dir_opt,
			const struct mme_subtask *t, char *err)
{
	struct buf list = BUF_INIT, rel = BUF_INIT, root = BUF_INIT;
	int r = find_source(cfg, dir_opt, t, &list, &rel, &root, err);

	if (!r && list.len)
		r = load_list(m, cfg, t, list.ptr, root.len ? root.ptr : NULL, err);
	else if (!r)
		r = load_release(m, t, rel.ptr, err);
	buf_release(&list);
	buf_release(&rel);
	buf_release(&root);
	return r;
}

/*
 * Whether a preset's parameters (mme.h) select a subtask: subtask=NAME is
 * that subtask, group=perception or group=cognition its side of MME.
 */
static int preset_selects(const struct suite_preset *p, const struct mme_subtask *t)
{
	const char *sub = suite_param(p, "subtask"), *group = suite_param(p, "group");

	if (sub)
		return !strcmp(sub, t->name);
	if (group)
		return !strcmp(group, t->cognition ? "cognition" : "perception");
	return 0;
}

static int load_all(struct mme *m, const struct suite_preset *p, const struct suite_config *cfg,
		    char *err)
{
	const char *dir_opt = NULL;
	size_t selected = 0;

	for (size_t i = 0; i < cfg->n_opts; i++) {
		if (!strcmp(cfg->opts[i].key, "dir") && cfg->opts[i].value[0])
			dir_opt = cfg->opts[i].value;
		else
			return err_set(err, VSR_EUSAGE,
				       "suite %s: unknown option '%s' (known: dir=PATH, a folder of "
				       "eval-tool lists or an MME release folder)",
				       m->suite, cfg->opts[i].key);
	}
	for (size_t i = 0; i < N_SUBTASKS; i++)
		selected += (size_t)preset_selects(p, &subtasks[i]);
	if (!selected) /* a registry mistake, not the user's */
		return err_set(err, VSR_EUSAGE,
			       "suite %s: its preset names no MME subtask (subtask=NAME or "
			       "group=perception|cognition)",
			       m->suite);
	if (!dir_opt && !cfg->data_dir)
		return err_set(err, VSR_EUSAGE, "suite %s: no data folder: pass --data DIR or set "
				   "VSRBENCH_DATA (" VSR_NO_DEFAULT_DIR ")", m->suite);
	for (size_t i = 0; i < N_SUBTASKS; i++) {
		int r;
		if (!preset_selects(p, &subtasks[i]))
			continue;
		if ((r = load_subtask(m, cfg, dir_opt, &subtasks[i], err)))
			return r;
	}
	return 0;
}

static uint64_t content_digest(const struct mme *m)
{
	uint64_t h = hash64_str(m->suite, HASH_SEED);

	for (size_t i = 0; i < m->n; i++) {
		const struct mme_q *q = &m->q[i];
		h = hash64_str(q->task->name, h);
		h = hash64_str(q->image, h);
		h = hash64_str(q->question, h);
		h = hash64(&q->label, sizeof(q->label), h);
	}
	return h;
}

static int mme_open(const struct suite_preset *p, const struct suite_config *cfg, void **priv,
		    char *err)
{
	struct mme *m = xcalloc(1, sizeof(*m));
	const char *suite = p->name;
	int r;

	*priv = NULL;
	m->suite = suite;
	m->mirror = cfg->mirror_images;
	m->only_first = cfg->only_first;
	if ((r = load_all(m, p, cfg, err)))
		goto fail;
	if (m->missing_images && !cfg->skip_missing_images) {
		r = err_set(err, VSR_EDATA,
			    "%zu of the %zu images of %s are not under %s (first: %s%s%s%s%s); "
			    "vsrbench data pull %s --from-zip MME_Benchmark_release_version.zip (its "
			    "PATH) fetches them (or pass --images DIR with the MME images, or "
			    "--skip-missing-images to run the others)",
			    m->missing_images, m->images - m->images_beyond, suite,
			    m->looked.len ? m->looked.ptr : "--images", m->first_missing[0],
			    m->first_missing[1] ? ", " : "", m->first_missing[1] ? m->first_missing[1] : "",
			    m->first_missing[2] ? ", " : "", m->first_missing[2] ? m->first_missing[2] : "",
			    suite);
		goto fail;
	}
	if (m->bad.images && !cfg->skip_missing_images) {
		r = image_bad_error(&m->bad, suite, err);
		goto fail;
	}
	/* The counts are over the questions looked at: under -n N, not those after. */
	for (size_t i = 0; i < m->n; i++)
		m->skipped += !m->q[i].path && !m->q[i].beyond;
	if (m->skipped == m->n - m->beyond) {
		if (m->bad.images)
			r = image_none_usable_error(&m->bad, suite, m->missing_images, err);
		else
			r = err_set(err, VSR_EDATA, "none of the %zu images of %s is under %s",
				    m->images - m->images_beyond, suite,
				    m->looked.len ? m->looked.ptr : "--images");
		goto fail;
	}
	if (cfg->skip_missing_images)
		image_skip_warn(suite, m->skipped, m->n - m->beyond, m->missing_images, &m->bad);
	m->digest = content_digest(m);
	*priv = m;
	return 0;
fail:
	mme_free(m);
	return r;
}

static long mme_count(void *priv)
{
	const struct mme *m = priv;

	return (long)(m->n - m->skipped - m->beyond);
}

static int mme_next(void *priv, struct item *it, char *err)
{
	struct mme *m = priv;
	const struct mme_q *q;
	struct buf b = BUF_INIT;
	int r;

	while (m->next < m->n && !m->q[m->next].path)
		m->next++;
	if (m->next >= m->n)
		return 0;
	q = &m->q[m->next];
	mme_item_id(&b, q->task->name, q->image, q->nth);
	if (!m->digest_path || strcmp(m->digest_path, q->path)) {
		if ((r = image_digest_item(q->path, m->suite, b.ptr, q->where, &m->image_digest,
					   err))) {
			buf_release(&b);
			return r;
		}
		m->digest_path = q->path;
	}
	m->next++;
	memset(it, 0, sizeof(*it));
	it->suite = m->suite;
	it->id = buf_detach(&b, NULL);
	mme_group(&b, q->task->name, q->image);
	it->group = buf_detach(&b, NULL);
	it->question = xstrdup(q->question);
	it->where = xstrdup(q->where);
	it->category = q->task->name;
	it->label = q->label;
	it->image_path = xstrdup(q->path);
	it->image_digest = m->image_digest;
	return 1;
}

static uint64_t mme_digest(void *priv)
{
	const struct mme *m = priv;

	return m->digest;
}

static void mme_describe(void *priv, void *obj)
{
	const struct mme *m = priv;
	cJSON *o = obj;

	cJSON_AddNumberToObject(o, "questions", (double)m->n);
	cJSON_AddNumberToObject(o, "images", (double)m->images);
	cJSON_AddNumberToObject(o, "skipped_missing_images", (double)m->skipped);
	if (m->bad.images) {
		cJSON_AddNumberToObject(o, "unusable_images", (double)m->bad.images);
		cJSON_AddNumberToObject(o, "skipped_unusable_images", (double)m->bad.items);
	}
	cJSON_AddStringToObject(o, "sources", m->sources.ptr);
}

static void mme_close(void *priv)
{
	mme_free(priv);
}

/* `list suites --verbose`: the questions found, without looking for images. */
static int mme_inspect(const struct suite_preset *p, const struct suite_config *cfg, FILE *fp,
		       char *err)
{
	struct suite_config c = *cfg;
	struct mme *m = xcalloc(1, sizeof(*m));
	int r;

	c.n_image_dirs = 0;
	m->suite = p->name;
	r = load_all(m, p, &c, err);
	if (!r) {
		/* The first source stands for the others: they sit side by side. */
		const char *first = strstr(m->sources.ptr, " from ");
		size_t n = first ? strcspn(first + 6, ";") : 0;
		fprintf(fp, "%zu questions about %zu images (first from %.*s)\n", m->n, m->images,
			(int)n, first ? first + 6 : "");
	}
	mme_free(m);
	return r;
}

const struct suite_ops mme_suite_ops = {
	.name = "mme",
	.open = mme_open,
	.count = mme_count,
	.next = mme_next,
	.load_image = image_load_path,
	.digest = mme_digest,
	.close = mme_close,
	.describe = mme_describe,
	.inspect = mme_inspect,
	.default_templates = "q01",
};
