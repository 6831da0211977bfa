/*
 * pull_suite_images: `data pull SEED-SUITE|MME-SUITE --from-zip ...`, the
 * images of a SEED-Bench or MME suite taken from the benchmark's own image
 * archive (neither publishes its images one by one):
 *
 *   seed-spatial (any SEED suite): the distinct data_id of the suite's
 *     single-image questions in DATA/seed/SEED-Bench.json, from
 *     SEED-Bench's image archive (SEED-Bench-image.zip), into
 *     DATA/seed/images/ (where the seed suites look without --images);
 *   mme-position (any MME subtask suite): the images its eval-tool list
 *     DATA/mme/eval_tool/Your_Results/SUBTASK.txt names, from the members
 *     under a SUBTASK/ folder of MME's release archive
 *     (MME_Benchmark_release_version.zip), into
 *     DATA/mme/MME_Benchmark_release_version/SUBTASK/ (where the MME suites
 *     look for a list's images).
 *
 * Each is decoded whole and its sha256 recorded (trusted on first use:
 * neither benchmark publishes per-image digests).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/keyset.h"
#include "../base/util.h"
#include "../suites/images.h"
#include "../suites/mme.h"
#include "../suites/seed.h"
#include "../suites/suite.h"
#include "cmd.h"
#include "data_pull.h"
#include "pull_images.h"

struct names {
	char **v;
	size_t n, cap;
	struct keyset seen;
};

static void names_add(struct names *s, const char *name)
{
	uint64_t h = hash64_str(name, HASH_SEED);

	if (keyset_has(&s->seen, h))
		return;
	keyset_add(&s->seen, h);
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = xstrdup(name);
}

static void names_release(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	keyset_release(&s->seen);
	memset(s, 0, sizeof(*s));
}

static int plain_name(const char *s)
{
	return *s && *s != '.' && !strchr(s, '/') && !strchr(s, '\\');
}

/* A SEED suite's images: the data_id of its single-image questions. */
static int seed_names(struct pull *p, const struct suite_preset *sp, struct names *out, char *err)
{
	const char *dims = suite_param(sp, "dimension");
	char *owned = dims ? xstrdup(dims) : NULL, *want[64], *save = NULL;
	size_t n_want = 0;
	struct seed_file f;
	struct buf path = BUF_INIT;
	int r;

	for (char *t = owned ? strtok_r(owned, ",", &save) : NULL; t && n_want < 64;
	     t = strtok_r(NULL, ",", &save))
		want[n_want++] = t;
	buf_addf(&path, "%s/seed/SEED-Bench.json", p->data_dir);
	if (access(path.ptr, R_OK) < 0) {
		r = err_set(err, VSR_EDATA,
			    "%s: %s (vsrbench data pull seed fetches the questions; %s's images are "
			    "those its questions name)",
			    path.ptr, strerror(errno), sp->name);
		goto out;
	}
	memset(&f, 0, sizeof(f));
	r = seed_file_load(path.ptr, (const char *const *)want, n_want, &f, err);
	for (size_t i = 0; !r && i < f.n; i++) {
		const struct seed_q *q = &f.q[i];
		if (!q->image || !q->data_id)
			continue;
		if (!plain_name(q->data_id)) {
			r = err_set(err, VSR_EDATA, "%s: question %s: data_id '%.200s' is not a plain "
				    "file name", path.ptr, q->id, q->data_id);
			break;
		}
		names_add(out, q->data_id);
	}
	seed_file_release(&f);
	if (!r && !out->n)
		r = err_set(err, VSR_EDATA, "%s: no single-image question for %s", path.ptr, sp->name);
out:
	free(owned);
	buf_release(&path);
	return r;
}

struct mme_ctx {
	struct names *out;
	const char *path;
	char err[VSR_ERR_MAX];
};

static int mme_line_name(const struct mme_line *ml, void *ctx)
{
	struct mme_ctx *c = ctx;

	if (!plain_name(ml->image))
		return err_set(c->err, VSR_EDATA, "%s:%zu: image name '%.200s' is not a plain file "
			       "name", c->path, ml->lineno, ml->image);
	names_add(c->out, ml->image);
	return 0;
}

/* An MME subtask's images: those its eval-tool list names. */
static int mme_names(struct pull *p, const char *subtask, struct names *out, char *err)
{
	struct buf path = BUF_INIT;
	struct mme_ctx c;
	int r;

	memset(&c, 0, sizeof(c));
	c.out = out;
	buf_addf(&path, "%s/mme/eval_tool/Your_Results/%s.txt", p->data_dir, subtask);
	c.path = path.ptr;
	r = mme_list_scan(path.ptr, mme_line_name, &c, err);
	if (r && c.err[0])
		memcpy(err, c.err, VSR_ERR_MAX);
	buf_release(&path);
	return r;
}

/* The file of name under dir: as is, or with an image extension (SEED's data_id may lack it). */
static int find_file(const char *data_dir, const char *dir, const char *name, struct buf *rel)
{
	static const char *const exts[] = { "", ".jpg", ".png", ".jpeg" };
	struct buf full = BUF_INIT;
	struct stat st;
	int found = 0;

	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]) && !found; i++) {
		buf_reset(rel);
		buf_addf(rel, "%s/%s%s", dir, name, exts[i]);
		buf_reset(&full);
		buf_addf(&full, "%s/%s", data_dir, rel->ptr);
		found = !stat(full.ptr, &st) && S_ISREG(st.st_mode);
	}
	buf_release(&full);
	return found;
}

/* Whether an MME preset (subtask=NAME or group=perception|cognition) asks for subtask t. */
static int mme_selects(const struct suite_preset *sp, const struct mme_subtask *t)
{
	const char *sub = suite_param(sp, "subtask"), *group = suite_param(sp, "group");

	if (sub)
		return !strcmp(sub, t->name);
	if (group)
		return !strcmp(group, t->cognition ? "cognition" : "perception");
	return 0;
}

int pull_suite_images_kind(const char *name)
{
	const struct suite_preset *sp = suite_lookup(name);

	if (!sp)
		return 0;
	if (sp->ops == &seed_suite_ops)
		return 1;
	if (sp->ops == &mme_suite_ops &&
	    (suite_param(sp, "subtask") || suite_param(sp, "group")))
		return 2;
	return 0;
}

/* The images s names into t->dir: those not present extracted; 0 or VSR_EDATA. */
static int pull_set(struct pull *p, const char *label, const struct zip_target *t,
		    const struct names *s, const char *who, int jobs, int list)
{
	struct buf rel = BUF_INIT, full = BUF_INIT;
	char err[VSR_ERR_MAX];
	size_t *need = xcalloc(s->n ? s->n : 1, sizeof(*need)), n = 0, present = 0, failed = 0,
	       fetched = 0;

	for (size_t i = 0; i < s->n; i++) {
		struct file_digest d;
		const char *recorded;

		if (list) {
			printf("%s\t%s/%s/%s\n", s->v[i], p->data_dir, t->dir, s->v[i]);
			continue;
		}
		if (find_file(p->data_dir, t->dir, s->v[i], &rel)) {
			buf_reset(&full);
			buf_addf(&full, "%s/%s", p->data_dir, rel.ptr);
			if (!file_digest(full.ptr, &d, err) &&
			    (recorded = data_pull_record_sha256(&p->rec, rel.ptr)) &&
			    !strcasecmp(recorded, d.sha256)) {
				present++;
				continue;
			}
		}
		need[n++] = i;
	}
	if (list)
		goto out;
	if (n)
		failed = pull_zip_images(p, s->v, need, n, t, jobs, &fetched);
	if (fetched) {
		buf_reset(&full);
		buf_addf(&full, "%s/%s", p->data_dir, t->dir);
		if (fetch_sync(full.ptr, err)) {
			vsr_error("%s", err);
			failed++;
		}
	}
	if (p->rec.dirty && data_pull_record_save(&p->rec, err)) {
		vsr_error("%s", err);
		failed++;
	}
	printf("%s: %zu of %zu images in %s/%s (%zu extracted from the --from-zip archives, %zu "
	       "already present)\n",
	       label, fetched + present, s->n, p->data_dir, t->dir, fetched, present);
	printf("%s: images are trusted on first use: %s publishes no per-image digests; each "
	       "decoded whole and its sha256 is recorded in %s/%s, so `vsrbench data verify` "
	       "detects later changes\n",
	       label, who, p->data_dir, DATA_RECORD_NAME);
out:
	free(need);
	buf_release(&rel);
	buf_release(&full);
	return failed ? VSR_EDATA : 0;
}

int pull_suite_images(struct pull *p, const char *name, int jobs, int list)
{
	const struct suite_preset *sp = suite_lookup(name);
	struct names s = { 0 };
	struct buf dir = BUF_INIT, label = BUF_INIT;
	struct zip_target t;
	char err[VSR_ERR_MAX];
	size_t nt;
	const struct mme_subtask *tasks;
	int r = 0;

	memset(&t, 0, sizeof(t));
	t.otherwise = "";
	if (pull_suite_images_kind(name) == 1) {
		t.dir = "seed/images";
		t.dataset = SEED_IMAGES_DATASET;
		t.archives = "SEED-Bench's image archive, SEED-Bench-image.zip";
		if ((r = seed_names(p, sp, &s, err)))
			vsr_error("%s", err);
		else
			r = pull_set(p, name, &t, &s, "SEED-Bench", jobs, list);
		names_release(&s);
		return r;
	}
	/* MME: each subtask the suite asks for, from its folder in the release archive. */
	t.dataset = MME_IMAGES_DATASET;
	t.archives = "MME's release archive, MME_Benchmark_release_version.zip";
	tasks = mme_subtasks(&nt);
	for (size_t i = 0; i < nt; i++) {
		if (!mme_selects(sp, &tasks[i]))
			continue;
		buf_reset(&dir);
		buf_addf(&dir, "mme/MME_Benchmark_release_version/%s", tasks[i].name);
		t.dir = dir.ptr;
		t.under = tasks[i].name;
		buf_reset(&label);
		buf_adds(&label, name);
		if (strcmp(name, tasks[i].suite))
			buf_addf(&label, " (%s)", tasks[i].name);
		if (mme_names(p, tasks[i].name, &s, err)) {
			vsr_error("%s", err);
			r = VSR_EDATA;
		} else if (pull_set(p, label.ptr, &t, &s, "MME", jobs, list)) {
			r = VSR_EDATA;
		}
		names_release(&s);
	}
	buf_release(&dir);
	buf_release(&label);
	return r;
}
