/*
 * pull_images: `data pull` of the images of a VSR split (moved out of data_pull.c).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "../base/keyset.h"
#include "../suites/images.h"
#include "../suites/manifest.h"
#include "../suites/suite.h"
#include "../suites/vsr.h"
#include "cmd.h"
#include "data_pull.h"
#include "pull_images.h"
#include "../base/fetch.h"
#include "../base/util.h"

/* ------------------------------------------------------------ images */

/*
 * The images of a VSR split: each item's "image" (a file name under
 * DATA/vsr/images/) and its "image_link" (COCO's image server).  COCO
 * publishes no per-image digest: each image is checked by decoding it
 * whole, and its sha256 is recorded on first download (trusted on first
 * use) so that `data verify` detects later changes.
 */

struct imgset {
	char **names, **links;
	size_t n, cap;
	struct keyset seen;
	const char *path; /* the split file, for messages */
	char err[VSR_ERR_MAX];
};

static int image_name_ok(const char *s)
{
	return *s && *s != '.' && !strchr(s, '/') && !strchr(s, '\\');
}

static int collect_image(const struct vsr_line *vl, void *ctx)
{
	struct imgset *s = ctx;
	uint64_t h = hash64_str(vl->image, HASH_SEED);

	if (keyset_has(&s->seen, h))
		return 0;
	if (!image_name_ok(vl->image))
		return err_set(s->err, VSR_EDATA, "%s:%zu: image name '%s' is not a plain file name",
			       s->path, vl->lineno, vl->image);
	keyset_add(&s->seen, h);
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->names = xrealloc(s->names, s->cap * sizeof(*s->names));
		s->links = xrealloc(s->links, s->cap * sizeof(*s->links));
	}
	s->names[s->n] = xstrdup(vl->image);
	s->links[s->n] = vl->image_link ? xstrdup(vl->image_link) : NULL;
	s->n++;
	return 0;
}

static void imgset_release(struct imgset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->names[i]);
		free(s->links[i]);
	}
	free(s->names);
	free(s->links);
	keyset_release(&s->seen);
	memset(s, 0, sizeof(*s));
}

/* The distinct images of split, in file order. */
static int imgset_load(struct imgset *s, const struct vsr_split *split, const char *data_dir,
		       const char *suite, char *err)
{
	char *path = NULL;
	int r;

	memset(s, 0, sizeof(*s));
	if ((r = vsr_split_path(split, data_dir, &path, err)))
		return r; /* its message names `vsrbench data pull vsr` */
	s->path = path;
	r = vsr_scan(path, collect_image, s, err);
	if (r && s->err[0])
		memcpy(err, s->err, VSR_ERR_MAX);
	if (!r && !s->n)
		r = err_set(err, VSR_EDATA, "%s: no items, so no images for %s", path, suite);
	free(path);
	s->path = NULL;
	return r;
}

/* The URL an image is fetched from; NULL (err set) when the item has no link. */
static int image_url(const struct pull *p, const struct imgset *s, size_t i, struct buf *out,
		     char *err)
{
	struct buf rel = BUF_INIT;

	if (p->mirror) {
		buf_reset(out);
		buf_addf(out, "%s/%s/%s", p->mirror, IMAGES_DIR, s->names[i]);
		return 0;
	}
	if (!s->links[i] || (strncmp(s->links[i], "http://", 7) && strncmp(s->links[i], "https://", 8)))
		return err_set(err, VSR_EDATA,
			       "image %s: its item has no http(s) \"image_link\" (use --mirror URL, or "
			       "--images DIR at run time)",
			       s->names[i]);
	buf_addf(&rel, "%s/%s", IMAGES_DIR, s->names[i]);
	data_pull_source_url(p, s->links[i], rel.ptr, out);
	buf_release(&rel);
	return 0;
}

static int check_image_part(const char *part, void *ud, char *err)
{
	const char *data_dir = ((const struct pull *)ud)->data_dir;
	char label[4096];
	size_t n = strlen(data_dir), len;

	if (!strncmp(part, data_dir, n) && part[n] == '/')
		snprintf(label, sizeof(label), "%s", part + n + 1);
	else
		snprintf(label, sizeof(label), "%s", part);
	len = strlen(label);
	if (len > 5 && !strcmp(label + len - 5, ".part"))
		label[len - 5] = '\0';
	return image_check_whole(part, label, err);
}

static void record_image_in(struct pull *p, const char *dataset, const char *rel,
			    const struct file_digest *d, const char *source)
{
	struct manifest_file mf = { rel, source, NULL, -1, DIGEST_UNPINNED, NULL };

	data_pull_record_put(&p->rec, dataset, &mf, d, source, 1);
}

static void record_image(struct pull *p, const char *rel, const struct file_digest *d,
			 const char *source)
{
	record_image_in(p, IMAGES_DATASET, rel, d, source);
}

/* ------------------------------------------------------------ from zips */

/*
 * --from-zip URL|PATH (repeatable): the images are taken from zip archives
 * (COCO's train2017.zip and val2017.zip) instead of being downloaded one by
 * one.  A member is the image whose file name is the member name's last
 * component, so train2017/000000000139.jpg serves 000000000139.jpg; the
 * first archive holding a name wins.  A PATH is read through libzip; an
 * http(s) URL through rzip (base/fetch.h): its directory, then only the
 * needed members' bytes, with Range requests.  Each member goes through the
 * same protocol as a download: DEST.part, its CRC-32 checked at the end of
 * the read, decoded whole, hashed, renamed; its sha256 is recorded with
 * ARCHIVE!MEMBER as source.
 */
#define ZIP_MEMBER_MAX ((zip_uint64_t)256 << 20)

struct zips {
	zip_t *za[MAX_ZIPS];       /* a local archive, or NULL */
	struct rzip *rz[MAX_ZIPS]; /* a remote one, or NULL */
	int n;
	struct u64map where; /* hash of an image name -> zip << 48 | member index */
};

int pull_zip_is_url(const char *s)
{
	return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

static void zips_close(struct zips *z)
{
	for (int i = 0; i < z->n; i++) {
		if (z->za[i])
			zip_discard(z->za[i]);
		if (z->rz[i]) {
			rzip_close(z->rz[i]);
			free(z->rz[i]);
		}
	}
	u64map_release(&z->where);
	memset(z, 0, sizeof(*z));
}

/* Whether a member's name lies in a folder named under (anywhere in its path). */
static int member_under(const char *name, const char *under)
{
	size_t n = strlen(under);

	if (!strncmp(name, under, n) && name[n] == '/')
		return 1;
	for (const char *p = strchr(name, '/'); p; p = strchr(p + 1, '/'))
		if (!strncmp(p + 1, under, n) && p[1 + n] == '/')
			return 1;
	return 0;
}

/*
 * Indexes member k of archive i when its file name (the last component), or
 * that name without its extension, is a needed name (SEED-Bench's data_id
 * may lack the .jpg its file has); under, when set, is a folder the member
 * must lie in.
 */
static void zips_index(struct zips *z, int i, zip_uint64_t k, const char *name,
		       const struct keyset *needed, const char *under)
{
	const char *base = name ? strrchr(name, '/') : NULL, *dot;
	uint64_t h, old;

	base = base ? base + 1 : name;
	if (!base || !*base || (under && !member_under(name, under)))
		return;
	h = hash64_str(base, HASH_SEED);
	if (!keyset_has(needed, h) && (dot = strrchr(base, '.')) && dot > base) {
		uint64_t hs = hash64(base, (size_t)(dot - base), HASH_SEED);
		if (keyset_has(needed, hs))
			h = hs;
	}
	if (keyset_has(needed, h) && !u64map_get(&z->where, h, &old))
		u64map_put(&z->where, h, (uint64_t)i << 48 | (uint64_t)k);
}

/* Opens every --from-zip archive and indexes the members that are needed images. */
static int zips_open(struct zips *z, struct pull *p, const struct keyset *needed,
		     const char *under, char *err)
{
	memset(z, 0, sizeof(*z));
	for (int i = 0; i < p->n_zips; i++) {
		int ze = 0;
		zip_int64_t n;

		if (pull_zip_is_url(p->zips[i])) {
			z->rz[i] = xcalloc(1, sizeof(*z->rz[i]));
			z->n = i + 1;
			if (rzip_open(z->rz[i], &p->fetch, p->zips[i], err))
				return VSR_EDATA;
			for (size_t k = 0; k < z->rz[i]->n; k++)
				zips_index(z, i, k, z->rz[i]->m[k].name, needed, under);
			continue;
		}
		z->za[i] = zip_open(p->zips[i], ZIP_RDONLY, &ze);
		if (!z->za[i]) {
			zip_error_t e;
			zip_error_init_with_code(&e, ze);
			err_set(err, VSR_EDATA, "--from-zip %s: cannot open it as a zip archive: %s",
				p->zips[i], zip_error_strerror(&e));
			zip_error_fini(&e);
			return VSR_EDATA;
		}
		z->n = i + 1;
		n = zip_get_num_entries(z->za[i], 0);
		for (zip_int64_t k = 0; k < n; k++)
			zips_index(z, i, (zip_uint64_t)k,
				   zip_get_name(z->za[i], (zip_uint64_t)k, ZIP_FL_ENC_RAW), needed, under);
	}
	return 0;
}

static int write_all_fd(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Member idx of za (from zpath) to dest by the .part protocol; 0 or VSR_EDATA. */
static int zip_extract(zip_t *za, const char *zpath, zip_uint64_t idx, const char *dest,
		       const char *label, struct file_digest *d, long long *read, char *err)
{
	struct buf part = BUF_INIT;
	const char *name = zip_get_name(za, idx, ZIP_FL_ENC_RAW);
	zip_stat_t st;
	zip_file_t *zf = NULL;
	char chunk[1 << 16];
	int fd = -1, r = 0;

	zip_stat_init(&st);
	if (zip_stat_index(za, idx, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE))
		return err_set(err, VSR_EDATA, "%s: member %s: %s", zpath, name, zip_strerror(za));
	if (st.size > ZIP_MEMBER_MAX)
		return err_set(err, VSR_EDATA,
			       "%s: member %s: %llu bytes uncompressed, more than an image may be "
			       "(256 MiB)",
			       zpath, name, (unsigned long long)st.size);
	if (st.valid & ZIP_STAT_COMP_SIZE)
		*read += (long long)st.comp_size;
	buf_addf(&part, "%s.part", dest);
	zf = zip_fopen_index(za, idx, 0);
	if (!zf) {
		r = err_set(err, VSR_EDATA, "%s: member %s: %s", zpath, name, zip_strerror(za));
		goto out;
	}
	fd = open(part.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = err_set(err, VSR_EDATA, "cannot create %s: %s", part.ptr, strerror(errno));
		goto out;
	}
	for (;;) {
		zip_int64_t n = zip_fread(zf, chunk, sizeof(chunk));
		if (n < 0) {
			/* libzip checks the member's CRC-32 when the read reaches its end. */
			r = err_set(err, VSR_EDATA, "%s: member %s: %s; nothing was kept", zpath, name,
				    zip_file_strerror(zf));
			goto out;
		}
		if (!n)
			break;
		if (write_all_fd(fd, chunk, (size_t)n) < 0) {
			r = err_set(err, VSR_EDATA, "cannot write %s: %s", part.ptr, strerror(errno));
			goto out;
		}
	}
	if (close(fd) < 0) {
		fd = -1;
		r = err_set(err, VSR_EDATA, "cannot write %s: %s", part.ptr, strerror(errno));
		goto out;
	}
	fd = -1;
	if ((r = image_check_whole(part.ptr, label, err)))
		goto out;
	r = fetch_commit_unsynced(part.ptr, dest, -1, d, err);
out:
	if (fd >= 0)
		close(fd);
	if (zf)
		zip_fclose(zf);
	if (r)
		unlink(part.ptr);
	buf_release(&part);
	return r;
}

/* A member of an archive on its way to DATA/vsr/images/NAME. */
struct rjob {
	struct pull *p;
	struct rzip *rz;     /* a remote archive, or NULL: a local one */
	const char *zpath;   /* the local archive (first job only) */
	long long read;      /* its bytes read so far (first job only) */
	char *dest, *part, *rel;
	const char *dataset;
	size_t failed, extracted; /* the batch's counts, in the first job only */
	/* progress, in the first job only: a line on stderr (redrawn on a terminal, else every
	 * few seconds), as for the images fetched one by one */
	size_t n;
	double start, last;
	int tty;
	struct rjob *batch;
};

/* The first job of a batch of n: its counts and its clock. */
static void zip_batch_start(struct rjob *b, size_t n)
{
	b->failed = b->extracted = 0;
	b->n = n;
	b->start = b->last = wall_seconds();
	b->tty = term_redraws(STDERR_FILENO);
}

/* The batch's progress line, for a remote archive (bytes fetched) or a local one (read). */
static void zip_progress(struct rjob *b, int final)
{
	double now = wall_seconds(), el = now - b->start;
	double mb = (double)(b->rz ? b->rz->received : b->read) / 1e6;

	if (!final && now - b->last < (b->tty ? 0.2 : 5.0))
		return;
	if (final && !b->tty && b->last == b->start)
		return; /* a short batch: the summary line says it all */
	b->last = now;
	if (b->tty)
		fprintf(stderr, "\r\033[K");
	if (!(b->tty && final))
		fprintf(stderr, "--from-zip %s: %zu/%zu members, %.1f MB %s, %.1f MB/s%s",
			b->rz ? b->rz->safe_url : b->zpath, b->failed + b->extracted, b->n, mb,
			b->rz ? "fetched" : "read", el > 0 ? mb / el : 0.0, b->tty ? "" : "\n");
	vsr_stderr_line_open = b->tty && !final; /* an error meanwhile starts below it */
	fflush(stderr);
}

/* A remote member's part is written (or failed): check, commit and record it. */
static void rzip_done(struct rzip_job *j, void *ud)
{
	struct rjob *rj = j->ud;
	struct file_digest d;
	struct buf src = BUF_INIT;
	int r = j->status;
	(void)ud;

	if (r) {
		size_t n = strlen(j->err);
		if (n) {
			snprintf(j->err + n, VSR_ERR_MAX - n, "; nothing was kept");
			vsr_error("%s", j->err);
		}
		rj->batch->failed++;
		zip_progress(rj->batch, 0);
		return;
	}
	if ((r = image_check_whole(rj->part, rj->rel, j->err)) ||
	    (r = fetch_commit_unsynced(rj->part, rj->dest, -1, &d, j->err))) {
		unlink(rj->part);
		vsr_error("%s", j->err);
		j->status = r;
		rj->batch->failed++;
		zip_progress(rj->batch, 0);
		return;
	}
	buf_addf(&src, "%s!%s", rj->rz->safe_url, rj->rz->m[j->idx].name);
	record_image_in(rj->p, rj->dataset, rj->rel, &d, src.ptr);
	buf_release(&src);
	rj->batch->extracted++;
	zip_progress(rj->batch, 0);
}

/*
 * The members named by jobs[0..n) of the remote archive rz, fetched in
 * parallel; returns the number that failed, *extracted counts the others.
 */
static size_t rzip_batch(struct pull *p, struct rzip *rz, struct rzip_job *jobs, struct rjob *rj,
			 size_t n, int parallel, const char *dataset, size_t *extracted)
{
	char err[VSR_ERR_MAX];
	size_t failed;

	if (!n)
		return 0;
	zip_batch_start(&rj[0], n);
	for (size_t i = 0; i < n; i++) {
		rj[i].batch = &rj[0];
		rj[i].p = p;
		rj[i].rz = rz;
		rj[i].dataset = dataset;
		jobs[i].ud = &rj[i];
		jobs[i].part = rj[i].part;
	}
	if (rzip_extract_many(rz, jobs, n, parallel, ZIP_MEMBER_MAX, rzip_done, NULL, err)) {
		vsr_error("%s", err);
		/* The members never reported failed with the batch. */
		for (size_t i = 0; i < n; i++)
			if (jobs[i].status && !jobs[i].err[0])
				rj[0].failed++;
	}
	zip_progress(&rj[0], 1);
	failed = rj[0].failed;
	*extracted += rj[0].extracted;
	return failed;
}

/*
 * The members named by jobs[0..n) of the local archive za (at zpath), one
 * after the other, with the same progress line; returns the number that
 * failed, *extracted counts the others.
 */
static size_t zip_batch(struct pull *p, zip_t *za, const char *zpath, const struct rzip_job *jobs,
			struct rjob *rj, size_t n, const char *dataset, size_t *extracted)
{
	struct buf src = BUF_INIT;
	char err[VSR_ERR_MAX];
	size_t failed;

	if (!n)
		return 0;
	zip_batch_start(&rj[0], n);
	rj[0].zpath = zpath;
	rj[0].read = 0;
	for (size_t i = 0; i < n; i++) {
		const char *mname = zip_get_name(za, jobs[i].idx, ZIP_FL_ENC_RAW);
		struct file_digest d;

		if (zip_extract(za, zpath, jobs[i].idx, rj[i].dest, rj[i].rel, &d, &rj[0].read, err)) {
			vsr_error("%s", err);
			rj[0].failed++;
		} else {
			buf_reset(&src);
			buf_addf(&src, "%s!%s", zpath, mname ? mname : rj[i].rel);
			record_image_in(p, dataset, rj[i].rel, &d, src.ptr);
			rj[0].extracted++;
		}
		zip_progress(&rj[0], 0);
	}
	zip_progress(&rj[0], 1);
	buf_release(&src);
	failed = rj[0].failed;
	*extracted += rj[0].extracted;
	return failed;
}

/*
 * The images names[need[0..n)] from the --from-zip archives into
 * DATA/t->dir/ (each under its member's file name).  Returns the number
 * that failed; *extracted counts the others.
 */
size_t pull_zip_images(struct pull *p, char *const *names, const size_t *need, size_t n,
		       const struct zip_target *t, int parallel, size_t *extracted)
{
	struct keyset needed = { 0 };
	struct zips z;
	struct buf dest = BUF_INIT, rel = BUF_INIT;
	char err[VSR_ERR_MAX];
	size_t failed = 0, absent = 0, nr[MAX_ZIPS] = { 0 };
	struct rzip_job *rjobs[MAX_ZIPS] = { 0 };
	struct rjob *rj[MAX_ZIPS] = { 0 };
	const char *first_absent = NULL;

	*extracted = 0;
	p->zip_absent = 0;
	buf_addf(&dest, "%s/%s", p->data_dir, t->dir);
	if (mkdir_p(dest.ptr) < 0) {
		vsr_error("cannot create %s: %s", dest.ptr, strerror(errno));
		buf_release(&dest);
		return n;
	}
	for (size_t i = 0; i < n; i++)
		keyset_add(&needed, hash64_str(names[need[i]], HASH_SEED));
	if (zips_open(&z, p, &needed, t->under, err)) {
		vsr_error("%s", err);
		zips_close(&z);
		keyset_release(&needed);
		buf_release(&dest);
		return n;
	}
	for (int i = 0; i < z.n; i++) {
		rjobs[i] = xcalloc(n, sizeof(*rjobs[i]));
		rj[i] = xcalloc(n, sizeof(*rj[i]));
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = names[need[i]], *file;
		uint64_t w;
		struct rjob *j;
		int a;
		uint64_t k;
		const char *mname;

		if (!u64map_get(&z.where, hash64_str(name, HASH_SEED), &w)) {
			if (!absent++)
				first_absent = name;
			continue;
		}
		a = (int)(w >> 48);
		k = w & 0xffffffffffffULL;
		mname = z.rz[a] ? z.rz[a]->m[k].name : zip_get_name(z.za[a], k, ZIP_FL_ENC_RAW);
		file = mname ? strrchr(mname, '/') : NULL;
		file = file ? file + 1 : mname ? mname : name;
		buf_reset(&rel);
		buf_addf(&rel, "%s/%s", t->dir, file);
		buf_reset(&dest);
		buf_addf(&dest, "%s/%s", p->data_dir, rel.ptr);
		/* Queued, taken below with the archive's other members. */
		j = &rj[a][nr[a]];
		j->dest = xstrdup(dest.ptr);
		j->rel = xstrdup(rel.ptr);
		buf_addf(&dest, ".part");
		j->part = xstrdup(dest.ptr);
		rjobs[a][nr[a]++].idx = (size_t)k;
	}
	for (int i = 0; i < z.n; i++)
		failed += z.rz[i] ? rzip_batch(p, z.rz[i], rjobs[i], rj[i], nr[i], parallel, t->dataset,
					       extracted)
				  : zip_batch(p, z.za[i], p->zips[i], rjobs[i], rj[i], nr[i], t->dataset,
					      extracted);
	if (absent) {
		struct buf anames = BUF_INIT;
		for (int i = 0; i < p->n_zips; i++)
			buf_addf(&anames, "%s%s", i ? ", " : "", p->zips[i]);
		vsr_error("%zu of the needed images are in none of the archives given with --from-zip "
			  "(%s; first: %s): give the archive that holds them (%s)%s",
			  absent, anames.ptr, first_absent, t->archives, t->otherwise);
		buf_release(&anames);
		failed += absent;
		p->zip_absent = absent;
	}
	for (int i = 0; i < z.n; i++) {
		if (z.rz[i])
			printf("--from-zip %s: %lld of the archive's %llu bytes fetched (%d range "
			       "requests)\n",
			       z.rz[i]->safe_url, z.rz[i]->received, (unsigned long long)z.rz[i]->size,
			       z.rz[i]->requests);
		for (size_t k = 0; k < nr[i]; k++) {
			free(rj[i][k].dest);
			free(rj[i][k].rel);
			free(rj[i][k].part);
		}
		free(rj[i]);
		free(rjobs[i]);
	}
	zips_close(&z);
	keyset_release(&needed);
	buf_release(&dest);
	buf_release(&rel);
	return failed;
}

/* ---------------------------------------------------------------- pull */

int pull_images(struct pull *p, const struct vsr_split *split, const char *suite, int jobs,
		int list)
{
	struct imgset s;
	struct buf dest = BUF_INIT, rel = BUF_INIT, url = BUF_INIT;
	struct fetch_job *fj;
	char **dests, **urls, err[VSR_ERR_MAX];
	size_t n = 0, present = 0, recorded_now = 0, failed = 0, fetched = 0, *need;
	int r;

	if ((r = imgset_load(&s, split, p->data_dir, suite, err))) {
		vsr_error("%s", err);
		return r;
	}
	fj = xcalloc(s.n, sizeof(*fj));
	dests = xcalloc(s.n, sizeof(*dests));
	urls = xcalloc(s.n, sizeof(*urls));
	need = xcalloc(s.n, sizeof(*need));
	for (size_t i = 0; i < s.n; i++) {
		struct file_digest d;
		const char *recorded;

		buf_reset(&rel);
		buf_addf(&rel, "%s/%s", IMAGES_DIR, s.names[i]);
		buf_reset(&dest);
		buf_addf(&dest, "%s/%s", p->data_dir, rel.ptr);
		if (p->n_zips) {
			if (list)
				printf("%s\t%s\n", s.names[i], dest.ptr);
			else if (!file_digest(dest.ptr, &d, err) &&
				 (recorded = data_pull_record_sha256(&p->rec, rel.ptr)) &&
				 !strcasecmp(recorded, d.sha256))
				present++;
			else
				need[n++] = i;
			continue;
		}
		if (image_url(p, &s, i, &url, err)) {
			vsr_error("%s", err);
			failed++;
			continue;
		}
		if (list) {
			printf("%s\t%s\n", url.ptr, dest.ptr);
			continue;
		}
		if (!file_digest(dest.ptr, &d, err)) {
			recorded = data_pull_record_sha256(&p->rec, rel.ptr);
			if (recorded && !strcasecmp(recorded, d.sha256)) {
				present++;
				continue;
			}
			if (recorded) {
				vsr_warn("%s: changed since it was pulled (recorded sha256 %s, actual "
					 "%s): downloading it again",
					 dest.ptr, recorded, d.sha256);
			} else if (!image_check_whole(dest.ptr, rel.ptr, err)) {
				/* Put there by an interrupted pull or by hand: trusted now. */
				record_image(p, rel.ptr, &d, NULL);
				present++;
				recorded_now++;
				continue;
			} else {
				vsr_warn("%s: downloading it again", err);
			}
		}
		dests[n] = xstrdup(dest.ptr);
		urls[n] = xstrdup(url.ptr);
		fj[n].dest = dests[n];
		fj[n].url = urls[n];
		fj[n].label = dests[n] + strlen(p->data_dir) + 1;
		n++;
	}
	if (!list && n && p->n_zips) {
		static const struct zip_target coco = {
			IMAGES_DIR, IMAGES_DATASET, NULL, "COCO train2017.zip and val2017.zip",
			", or pull without --from-zip to download them"
		};
		failed += pull_zip_images(p, s.names, need, n, &coco, jobs, &fetched);
		n = 0; /* nothing in dests/urls to free */
	} else if (!list && n) {
		struct buf what = BUF_INIT;

		buf_addf(&what, "%s images", suite);
		fetch_many(fj, n, jobs, check_image_part, p, what.ptr);
		buf_release(&what);
		for (size_t i = 0; i < n; i++) {
			if (fj[i].status) {
				vsr_error("%s", fj[i].err);
				failed++;
				continue;
			}
			record_image(p, fj[i].label, &fj[i].d, fj[i].url);
			fetched++;
		}
	}
	if (!list) {
		/* The images were committed without an fsync each: one for all, before
		 * their digests are recorded. */
		if (fetched) {
			buf_reset(&dest);
			buf_addf(&dest, "%s/%s", p->data_dir, IMAGES_DIR);
			if (fetch_sync(dest.ptr, err)) {
				vsr_error("%s", err);
				failed++;
			}
		}
		if (p->rec.dirty && data_pull_record_save(&p->rec, err)) {
			vsr_error("%s", err);
			failed++;
		}
		printf("%s: %zu of %zu images in %s/%s (%zu %s, %zu already present", suite,
		       fetched + present, s.n, p->data_dir, IMAGES_DIR, fetched,
		       p->n_zips ? "extracted from the --from-zip archives" : "fetched", present);
		if (recorded_now)
			printf(", %zu of them recorded now", recorded_now);
		printf(")%s\n", failed ? "" : "");
		if (failed && p->n_zips && failed == p->zip_absent)
			/* Running again would fail the same way: the archive is what is missing. */
			printf("%s: %zu images FAILED: in none of the --from-zip archives given (add "
			       "the archive that holds them, named above)\n",
			       suite, failed);
		else if (failed)
			printf("%s: %zu images FAILED (run the command again: finished files are kept, "
			       "partial ones resumed)\n",
			       suite, failed);
		printf("%s: images are trusted on first use: COCO publishes no per-image digests; each "
		       "decoded whole and its sha256 is recorded in %s/%s, so `vsrbench data verify` "
		       "detects later changes\n",
		       suite, p->data_dir, DATA_RECORD_NAME);
	}
	for (size_t i = 0; i < n; i++) {
		free(dests[i]);
		free(urls[i]);
	}
	free(dests);
	free(urls);
	free(fj);
	free(need);
	imgset_release(&s);
	buf_release(&dest);
	buf_release(&rel);
	buf_release(&url);
	return failed ? VSR_EDATA : 0;
}

/* The VSR split whose images a name asks for, or NULL (not a VSR suite). */
const struct vsr_split *pull_images_split(const char *name, const char **public_name)
{
	const struct suite_preset *sp;

	if (!strcmp(name, IMAGES_DATASET)) {
		*public_name = IMAGES_DATASET;
		return vsr_split_find("vsr-validated");
	}
	sp = suite_lookup(name);
	if (!sp || sp->ops != &vsr_suite_ops)
		return NULL;
	*public_name = name;
	return vsr_split_find(sp->name);
}
