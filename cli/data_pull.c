/*
 * vsrbench data pull / verify (see data_pull.h).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/keyset.h"
#include "../suites/images.h"
#include "../suites/manifest.h"
#include "../suites/suite.h"
#include "../suites/vsr.h"
#include "cmd.h"
#include "data_pull.h"
#include "../base/fetch.h"
#include "../base/util.h"

/* ------------------------------------------------------------ the record */

/*
 * DIR/.vsrbench-manifest.json:
 *   { "schema": "vsrbench.data-manifest/1",
 *     "files": { "vsr/data/splits/zeroshot/test.jsonl":
 *                { "dataset": "vsr", "size": 380380, "sha256": "...",
 *                  "pin": "sha256:..." | "md5:..." | "unpinned",
 *                  "source": "URL without credentials", "pulled": "2025-01-01T00:00:00Z" } } }
 * For an unpinned file the recorded sha256 is the only reference `verify`
 * has; for a pinned one it is informative.
 */
struct record {
	char *path;
	cJSON *root;
	cJSON *files; /* borrowed from root */
	int dirty;
	int needed; /* it holds the only digest of an unpinned file: saving it must succeed */
};

static int record_load(struct record *rec, const char *data_dir, char *err)
{
	struct buf b = BUF_INIT, p = BUF_INIT;
	int r = 0;

	memset(rec, 0, sizeof(*rec));
	buf_addf(&p, "%s/%s", data_dir, DATA_RECORD_NAME);
	rec->path = buf_detach(&p, NULL);
	buf_init(&b, (size_t)64 << 20);
	if (buf_read_file(&b, rec->path) < 0) {
		if (errno != ENOENT) {
			r = err_set(err, VSR_EDATA, "cannot read %s: %s", rec->path,
				    errno == EFBIG ? "larger than 64 MiB" : strerror(errno));
			goto out;
		}
		rec->root = cJSON_CreateObject();
		cJSON_AddStringToObject(rec->root, "schema", DATA_RECORD_SCHEMA);
		rec->files = cJSON_AddObjectToObject(rec->root, "files");
		goto out;
	}
	rec->root = cJSON_Parse(b.ptr);
	rec->files = cJSON_GetObjectItemCaseSensitive(rec->root, "files");
	if (!cJSON_IsObject(rec->root) || !cJSON_IsObject(rec->files) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rec->root, "schema")) ||
	    strcmp(cJSON_GetObjectItemCaseSensitive(rec->root, "schema")->valuestring,
		   DATA_RECORD_SCHEMA)) {
		r = err_set(err, VSR_EDATA,
			    "%s: not a vsrbench data record (expected a JSON object with schema "
			    "\"%s\" and \"files\"); move it away and pull again",
			    rec->path, DATA_RECORD_SCHEMA);
		cJSON_Delete(rec->root);
		rec->root = NULL;
		rec->files = NULL;
	}
out:
	buf_release(&b);
	return r;
}

static void record_release(struct record *rec)
{
	cJSON_Delete(rec->root);
	free(rec->path);
	memset(rec, 0, sizeof(*rec));
}

static int record_save(struct record *rec, char *err)
{
	char *text;
	int r;

	if (!rec->dirty)
		return 0;
	text = cJSON_Print(rec->root);
	if (!text)
		return err_set(err, VSR_EDATA, "%s: out of memory", rec->path);
	r = write_file_atomic(rec->path, text, strlen(text), err);
	free(text);
	if (!r)
		rec->dirty = 0;
	return r;
}

/* The recorded sha256 of path, or NULL. */
static const char *record_sha256(const struct record *rec, const char *path)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(rec->files, path);
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "sha256");

	return cJSON_IsString(s) ? s->valuestring : NULL;
}

/*
 * dirty 0: note the file, but do not write the record for this alone: a pull
 * that fetches nothing writes nothing (the folder may be someone's read-only copy).
 */
static void record_put(struct record *rec, const char *dataset, const struct manifest_file *mf,
		       const struct file_digest *d, const char *source, int dirty)
{
	cJSON *e = cJSON_CreateObject();
	struct buf safe = BUF_INIT;
	char when[32] = "";
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(e, "dataset", dataset);
	cJSON_AddNumberToObject(e, "size", (double)d->size);
	cJSON_AddStringToObject(e, "sha256", d->sha256);
	if (!strncmp(mf->digest, "md5:", 4))
		cJSON_AddStringToObject(e, "md5", d->md5);
	cJSON_AddStringToObject(e, "pin", mf->digest);
	if (!digest_pin_is_pinned(mf->digest))
		rec->needed = 1;
	if (source) {
		url_redact(source, &safe);
		cJSON_AddStringToObject(e, "source", safe.ptr);
	}
	cJSON_AddStringToObject(e, "pulled", when);
	if (cJSON_GetObjectItemCaseSensitive(rec->files, mf->path))
		cJSON_ReplaceItemInObjectCaseSensitive(rec->files, mf->path, e);
	else
		cJSON_AddItemToObject(rec->files, mf->path, e);
	rec->dirty |= dirty;
	buf_release(&safe);
}

/* ------------------------------------------------------------------ pull */

struct pull {
	const char *data_dir;
	const char *mirror; /* without trailing '/' */
#define MAX_REWRITES 8
	char *rewrite_from[MAX_REWRITES], *rewrite_to[MAX_REWRITES];
	int n_rewrites;
	struct fetch fetch;
	struct record rec;
};

struct tally {
	size_t verified, unverified, downloaded, present, failed;
};

static void pin_word(const char *pin, char *out, size_t n)
{
	if (!strncmp(pin, "md5:", 4))
		snprintf(out, n, "md5 verified (upstream's pin)");
	else if (!strncmp(pin, "sha256:", 7))
		snprintf(out, n, "sha256 verified");
	else
		snprintf(out, n, "UNVERIFIED: upstream publishes no digest");
}

/* The URL a file is fetched from: mirror, rewritten upstream, or upstream. */
static void source_url(const struct pull *p, const char *url, const char *path, struct buf *out)
{
	buf_reset(out);
	if (p->mirror) {
		buf_addf(out, "%s/%s", p->mirror, path);
		return;
	}
	for (int i = 0; i < p->n_rewrites; i++) {
		size_t n = strlen(p->rewrite_from[i]);
		if (!strncmp(url, p->rewrite_from[i], n)) {
			buf_adds(out, p->rewrite_to[i]);
			buf_adds(out, url + n);
			return;
		}
	}
	buf_adds(out, url);
}

static void note_done(struct pull *p, const struct manifest_dataset *ds,
		      const struct manifest_file *mf, const struct file_digest *d, const char *how,
		      long long resumed_at, const char *source, struct tally *t)
{
	char word[64];

	pin_word(mf->digest, word, sizeof(word));
	if (resumed_at)
		printf("%-10s %s (%lld bytes, resumed at byte %lld, %s)\n", how, mf->path, d->size,
		       resumed_at, word);
	else
		printf("%-10s %s (%lld bytes, %s)\n", how, mf->path, d->size, word);
	record_put(&p->rec, ds->name, mf, d, source, 1);
	if (digest_pin_is_pinned(mf->digest)) {
		t->verified++;
	} else {
		t->unverified++;
		vsr_warn("%s: NOT verified: its upstream publishes no digest; recorded sha256 %s in "
			 "%s/%s so that `vsrbench data verify` detects later changes",
			 mf->path, d->sha256, p->data_dir, DATA_RECORD_NAME);
	}
}

/*
 * Is the file at dest already good?  1: yes (d filled), 0: fetch it.
 * Prints why a present file is fetched again.
 */
static int already_good(struct pull *p, const struct manifest_file *mf, const char *dest,
			struct file_digest *d, char *err)
{
	const char *algo, *want, *got, *recorded;
	int r = file_digest(dest, d, err);

	if (r < 0)
		return 0;
	if (r) {
		vsr_warn("%s", err);
		return 0;
	}
	if (digest_pin_is_pinned(mf->digest)) {
		if (digest_check(mf->digest, d, &algo, &want, &got) > 0 &&
		    (mf->size < 0 || d->size == mf->size))
			return 1;
		vsr_warn("%s: present but its %s is %s, expected %s: downloading it again", dest, algo,
			 got, want);
		return 0;
	}
	recorded = record_sha256(&p->rec, mf->path);
	if (recorded && !strcasecmp(recorded, d->sha256))
		return 1;
	if (recorded)
		vsr_warn("%s: changed since it was pulled (recorded sha256 %s, actual %s): "
			 "downloading it again",
			 dest, recorded, d->sha256);
	return 0;
}

/* Fetches the zip archive holding members of ds, once; returns its path or NULL. */
static const char *get_archive(struct pull *p, const struct manifest_dataset *ds,
			       const char *url, struct buf *zip, char *err)
{
	struct file_digest d;
	struct buf src = BUF_INIT;
	const char *base = strrchr(url, '/');
	int r;

	if (zip->len)
		return zip->ptr;
	source_url(p, url, NULL, &src);
	url_redact(src.ptr, zip);
	printf("%-10s %s (the archive holding the %s files)\n", "fetching", zip->ptr, ds->name);
	buf_reset(zip);
	buf_addf(zip, "%s/%s/.%s", p->data_dir, ds->name, base ? base + 1 : "archive.zip");
	/* The URL names a commit, so the bytes of a .part cannot go stale: resume is safe. */
	p->fetch.resume = 1;
	r = fetch_file(&p->fetch, src.ptr, zip->ptr, base ? base + 1 : url, -1, DIGEST_UNPINNED,
		       &d, err);
	if (!r)
		r = unzip_member(zip->ptr, NULL, NULL, NULL, -1, NULL, NULL, err);
	buf_release(&src);
	if (r) {
		unlink(zip->ptr);
		buf_reset(zip);
		return NULL;
	}
	return zip->ptr;
}

static int pull_dataset(struct pull *p, const struct manifest_dataset *ds)
{
	struct buf dest = BUF_INIT, src = BUF_INIT, zip = BUF_INIT;
	struct tally t = { 0 };
	char err[VSR_ERR_MAX];
	size_t archive_failed = 0;

	for (size_t i = 0; i < ds->n_files; i++) {
		const struct manifest_file *mf = &ds->files[i];
		struct file_digest d;
		int r;

		buf_reset(&dest);
		buf_addf(&dest, "%s/%s", p->data_dir, mf->path);
		if (already_good(p, mf, dest.ptr, &d, err)) {
			char word[64];
			pin_word(mf->digest, word, sizeof(word));
			if (!digest_pin_is_pinned(mf->digest))
				snprintf(word, sizeof(word), "unpinned: matches the recorded sha256");
			printf("%-10s %s (%lld bytes, %s)\n", "present", mf->path, d.size, word);
			t.present++;
			if (digest_pin_is_pinned(mf->digest))
				t.verified++;
			else
				t.unverified++;
			if (!cJSON_GetObjectItemCaseSensitive(p->rec.files, mf->path))
				record_put(&p->rec, ds->name, mf, &d, NULL, 0);
			continue;
		}
		if (mf->member && !p->mirror) {
			const char *z = archive_failed ? NULL : get_archive(p, ds, mf->url, &zip, err);
			if (!z) {
				if (!archive_failed)
					vsr_error("%s", err);
				archive_failed++;
				t.failed++;
				continue;
			}
			r = unzip_member(z, mf->member, dest.ptr, mf->path, mf->size, mf->digest, &d,
					 err);
			source_url(p, mf->url, mf->path, &src);
			if (!r)
				note_done(p, ds, mf, &d, "extracted", 0, src.ptr, &t);
		} else {
			source_url(p, mf->url, mf->path, &src);
			/* A mutable unpinned URL may have changed under an old .part: start over. */
			p->fetch.resume = digest_pin_is_pinned(mf->digest);
			r = fetch_file(&p->fetch, src.ptr, dest.ptr, mf->path, mf->size, mf->digest, &d,
				       err);
			if (!r)
				note_done(p, ds, mf, &d,
					  p->fetch.resumed_from ? "resumed" : "downloaded",
					  p->fetch.resumed_from, src.ptr, &t);
		}
		if (r) {
			vsr_error("%s", err);
			t.failed++;
		} else {
			t.downloaded++;
		}
		fflush(stdout);
	}
	if (zip.len)
		unlink(zip.ptr); /* every member is out (or failed and will be fetched again) */
	if (archive_failed)
		vsr_error("%s: %zu files not extracted: their archive could not be used", ds->name,
			  archive_failed);
	if (record_save(&p->rec, err)) {
		if (p->rec.needed) {
			vsr_error("%s", err);
			t.failed++;
		} else {
			/* Only pinned files: the record is informative (a read-only folder). */
			vsr_warn("%s (not needed: pinned files are checked against their pins)", err);
			p->rec.dirty = 0;
		}
	}
	printf("%s: %zu of %zu files verified in %s (%zu fetched, %zu already present)", ds->name,
	       t.verified, ds->n_files, p->data_dir, t.downloaded, t.present);
	if (t.unverified)
		printf("; %zu UNVERIFIED (no upstream digest; sha256 recorded in %s)", t.unverified,
		       DATA_RECORD_NAME);
	if (t.failed)
		printf("; %zu FAILED", t.failed);
	printf("\n");
	buf_release(&dest);
	buf_release(&src);
	buf_release(&zip);
	return t.failed ? VSR_EDATA : 0;
}

/* ------------------------------------------------------------ images */

/*
 * The images of a VSR split: each item's "image" (a file name under
 * DATA/vsr/images/) and its "image_link" (COCO's image server).  COCO
 * publishes no per-image digest: each image is checked by decoding it
 * whole, and its sha256 is recorded on first download (trusted on first
 * use) so that `data verify` detects later changes.
 */
#define IMAGES_DIR "vsr/images"
#define IMAGES_DATASET "vsr-images"

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
	if ((r = vsr_split_path(split, data_dir, &path, err))) {
		size_t n = strlen(err);
		snprintf(err + n, VSR_ERR_MAX - n, " (vsrbench data pull vsr fetches it)");
		return r;
	}
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
	source_url(p, s->links[i], rel.ptr, out);
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

static void record_image(struct pull *p, const char *rel, const struct file_digest *d,
			 const char *source)
{
	struct manifest_file mf = { rel, source, NULL, -1, DIGEST_UNPINNED };

	record_put(&p->rec, IMAGES_DATASET, &mf, d, source, 1);
}

static int pull_images(struct pull *p, const struct vsr_split *split, const char *suite, int jobs,
		       int list)
{
	struct imgset s;
	struct buf dest = BUF_INIT, rel = BUF_INIT, url = BUF_INIT;
	struct fetch_job *fj;
	char **dests, **urls, err[VSR_ERR_MAX];
	size_t n = 0, present = 0, recorded_now = 0, failed = 0, fetched = 0;
	int r;

	if ((r = imgset_load(&s, split, p->data_dir, suite, err))) {
		vsr_error("%s", err);
		return r;
	}
	fj = xcalloc(s.n, sizeof(*fj));
	dests = xcalloc(s.n, sizeof(*dests));
	urls = xcalloc(s.n, sizeof(*urls));
	for (size_t i = 0; i < s.n; i++) {
		struct file_digest d;
		const char *recorded;

		buf_reset(&rel);
		buf_addf(&rel, "%s/%s", IMAGES_DIR, s.names[i]);
		buf_reset(&dest);
		buf_addf(&dest, "%s/%s", p->data_dir, rel.ptr);
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
			recorded = record_sha256(&p->rec, rel.ptr);
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
	if (!list && n) {
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
		if (p->rec.dirty && record_save(&p->rec, err)) {
			vsr_error("%s", err);
			failed++;
		}
		printf("%s: %zu of %zu images in %s/%s (%zu fetched, %zu already present",
		       suite, fetched + present, s.n, p->data_dir, IMAGES_DIR, fetched, present);
		if (recorded_now)
			printf(", %zu of them recorded now", recorded_now);
		printf(")%s\n", failed ? "" : "");
		if (failed)
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
	imgset_release(&s);
	buf_release(&dest);
	buf_release(&rel);
	buf_release(&url);
	return failed ? VSR_EDATA : 0;
}

/* The VSR split whose images a name asks for, or NULL (not a VSR suite). */
static const struct vsr_split *images_split(const char *name, const char **public_name)
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

/* --list: what pull_dataset would fetch, one "URL<TAB>PATH" line each. */
static void list_dataset(struct pull *p, const struct manifest_dataset *ds)
{
	struct buf src = BUF_INIT;

	for (size_t i = 0; i < ds->n_files; i++) {
		const struct manifest_file *mf = &ds->files[i];

		source_url(p, mf->url, mf->path, &src);
		if (mf->member && !p->mirror)
			printf("%s\t%s/%s\t(member %s of that zip)\n", src.ptr, p->data_dir, mf->path,
			       mf->member);
		else
			printf("%s\t%s/%s\n", src.ptr, p->data_dir, mf->path);
	}
	buf_release(&src);
}

/* Adds the datasets named by argv[optind..] to want[], in manifest order. */
static int select_datasets(int argc, char **argv, int first, int *want, int all_if_none,
			   char *err)
{
	int any = 0;

	for (int i = first; i < argc; i++) {
		const struct manifest_dataset *ds;

		if (!strcmp(argv[i], "all")) {
			for (size_t k = 0; k < manifest_n_datasets; k++)
				want[k] = 1;
			any = 1;
			continue;
		}
		ds = manifest_for(strcmp(argv[i], IMAGES_DATASET) ? argv[i] : "vsr", err);
		if (!ds)
			return VSR_EUSAGE;
		want[ds - manifest_datasets] = 1;
		any = 1;
	}
	if (!any && all_if_none)
		for (size_t k = 0; k < manifest_n_datasets; k++)
			want[k] = 1;
	return 0;
}

static const char pull_usage[] =
	"usage: vsrbench data pull SUITE|DATASET|all... [--data DIR] [--mirror URL] "
	"[--rewrite FROM=TO] [-j N] [--list]\n"
	"  datasets: vsr, mme, mmbench, seed, vsr-images (a suite name pulls its dataset)\n"
	"  --data DIR       the data folder (default $VSRBENCH_DATA, else ~/.cache/vsrbench)\n"
	"  --mirror URL     fetch every file from URL/PATH, a server with the data folder's layout\n"
	"  --rewrite FROM=TO  fetch upstream URLs that start with FROM from TO instead (repeatable)\n"
	"  -j, --jobs N     parallel image downloads (default 8)\n"
	"  --list           print the URL and target path of every file instead of fetching\n"
	"  A VSR suite name (vsr-unified, vsr-random-test, ...) also fetches the COCO images its\n"
	"  items name into DATA/vsr/images/ (vsr-images: those of every validated caption);\n"
	"  they are decoded whole and their sha256 recorded on first download (trusted on\n"
	"  first use: COCO publishes no per-image digests).\n";

int data_pull_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "mirror", required_argument, NULL, 'm' },
		{ "rewrite", required_argument, NULL, 'w' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pull p;
	long jobs = 8;
	int list = 0;
	char err[VSR_ERR_MAX];
	char *mirror = NULL, *rewrite = NULL;
	const char *data = NULL;
	int *want = xcalloc(manifest_n_datasets, sizeof(int)), c, r = 0;

	memset(&p, 0, sizeof(p));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hj:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			data = optarg;
			break;
		case 'j': {
			char *end;
			errno = 0;
			jobs = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || jobs < 1 || jobs > 256) {
				vsr_error("-j %s: expected a number of parallel downloads, 1 to 256",
					  optarg);
				r = VSR_EUSAGE;
				goto out;
			}
			break;
		}
		case 'l':
			list = 1;
			break;
		case 'm':
			free(mirror);
			mirror = xstrdup(optarg);
			break;
		case 'w': {
			char *eq;
			if (p.n_rewrites == MAX_REWRITES) {
				vsr_error("--rewrite: at most %d", MAX_REWRITES);
				r = VSR_EUSAGE;
				goto out;
			}
			rewrite = xstrdup(optarg);
			eq = strchr(rewrite, '=');
			if (!eq || eq == rewrite || !eq[1]) {
				vsr_error("--rewrite %s: expected FROM=TO (URL prefixes)", rewrite);
				free(rewrite);
				r = VSR_EUSAGE;
				goto out;
			}
			*eq = '\0';
			p.rewrite_from[p.n_rewrites] = rewrite;
			p.rewrite_to[p.n_rewrites++] = eq + 1;
			rewrite = NULL;
			break;
		}
		case 'h':
			printf("%s", pull_usage);
			goto out;
		default:
			r = cmd_usage_error_opts(NULL, c, argv, "data pull", 0, longopts);
			goto out;
		}
	}
	if (optind >= argc) {
		vsr_error("data pull: name a suite or dataset (vsr, mme, mmbench, seed, all)");
		r = VSR_EUSAGE;
		goto out;
	}
	if (select_datasets(argc, argv, optind, want, 0, err)) {
		vsr_error("%s", err);
		r = VSR_EUSAGE;
		goto out;
	}
	if (mirror) {
		size_t n = strlen(mirror);
		if (strncmp(mirror, "http://", 7) && strncmp(mirror, "https://", 8)) {
			vsr_error("--mirror %s: expected an http:// or https:// URL", mirror);
			r = VSR_EUSAGE;
			goto out;
		}
		while (n > 8 && mirror[n - 1] == '/')
			mirror[--n] = '\0';
		p.mirror = mirror;
	}
	p.data_dir = data_dir_resolve(data);
	if (mkdir_p(p.data_dir) < 0) {
		vsr_error("cannot create the data folder %s: %s", p.data_dir, strerror(errno));
		r = VSR_EDATA;
		goto out;
	}
	if ((r = record_load(&p.rec, p.data_dir, err))) {
		vsr_error("%s", err);
		goto out;
	}
	if ((r = fetch_init(&p.fetch, err))) {
		vsr_error("%s", err);
		goto out;
	}
	for (size_t k = 0; k < manifest_n_datasets; k++) {
		if (!want[k])
			continue;
		if (list)
			list_dataset(&p, &manifest_datasets[k]);
		else if (pull_dataset(&p, &manifest_datasets[k]))
			r = VSR_EDATA;
	}
	if (r)
		goto out;
	for (int i = optind; i < argc; i++) {
		const char *name = NULL;
		const struct vsr_split *split = images_split(argv[i], &name);
		int seen = 0;

		for (int k = optind; k < i; k++)
			seen |= !strcmp(argv[k], argv[i]);
		if (split && !seen && pull_images(&p, split, name, (int)jobs, list))
			r = VSR_EDATA;
	}
	if (list && fflush(stdout)) {
		vsr_error("cannot write the list: %s", strerror(errno));
		r = VSR_EDATA;
	}
out:
	free(want);
	fetch_release(&p.fetch);
	record_release(&p.rec);
	free(mirror);
	free(rewrite);
	for (int i = 0; i < p.n_rewrites; i++)
		free(p.rewrite_from[i]);
	return r;
}

/* ---------------------------------------------------------------- verify */

static const char verify_usage[] =
	"usage: vsrbench data verify [DATASET|SUITE|all]... [--data DIR]\n"
	"  re-hashes the pulled files: pinned ones against their pinned digests, unpinned ones\n"
	"  against the digest recorded when they were pulled.  Without a name: every dataset\n"
	"  with at least one file present.\n";

int data_verify_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct record rec;
	struct buf path = BUF_INIT;
	char err[VSR_ERR_MAX];
	const char *data = NULL, *dir;
	int *want = NULL, c, r = 0, named;
	size_t ok = 0, bad = 0, missing = 0, unverified = 0, checked = 0;

	memset(&rec, 0, sizeof(rec));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			data = optarg;
			break;
		case 'h':
			printf("%s", verify_usage);
			return 0;
		default:
			return cmd_usage_error_opts(NULL, c, argv, "data verify", 0, longopts);
		}
	}
	named = optind < argc;
	want = xcalloc(manifest_n_datasets, sizeof(int));
	if (select_datasets(argc, argv, optind, want, 1, err)) {
		vsr_error("%s", err);
		free(want);
		return VSR_EUSAGE;
	}
	dir = data_dir_resolve(data);
	if ((r = record_load(&rec, dir, err))) {
		vsr_error("%s", err);
		goto out;
	}
	for (size_t k = 0; k < manifest_n_datasets; k++) {
		const struct manifest_dataset *ds = &manifest_datasets[k];
		size_t present = 0;

		if (!want[k])
			continue;
		for (size_t i = 0; i < ds->n_files; i++) {
			buf_reset(&path);
			buf_addf(&path, "%s/%s", dir, ds->files[i].path);
			present += access(path.ptr, F_OK) == 0;
		}
		if (!present && !named) {
			printf("%-10s %s (nothing pulled; vsrbench data pull %s)\n", "absent", ds->name,
			       ds->name);
			continue;
		}
		for (size_t i = 0; i < ds->n_files; i++) {
			const struct manifest_file *mf = &ds->files[i];
			const char *algo, *want_hex, *got_hex, *recorded;
			struct file_digest d;
			int fr, cr;

			checked++;
			buf_reset(&path);
			buf_addf(&path, "%s/%s", dir, mf->path);
			fr = file_digest(path.ptr, &d, err);
			if (fr < 0) {
				struct stat st;
				buf_adds(&path, ".part");
				if (!stat(path.ptr, &st))
					printf("%-10s %s (a partial download of %lld bytes is there: "
					       "vsrbench data pull %s resumes it)\n",
					       "MISSING", mf->path, (long long)st.st_size, ds->name);
				else
					printf("%-10s %s\n", "MISSING", mf->path);
				missing++;
				continue;
			}
			if (fr) {
				vsr_error("%s", err);
				bad++;
				continue;
			}
			cr = digest_check(mf->digest, &d, &algo, &want_hex, &got_hex);
			if (cr > 0 && (mf->size < 0 || d.size == mf->size)) {
				printf("%-10s %s (%s verified)\n", "ok", mf->path, algo);
				ok++;
			} else if (cr != 0) {
				printf("%-10s %s\n", "MISMATCH", mf->path);
				vsr_error("%s: %s mismatch: expected %s, actual %s (%lld bytes)", path.ptr,
					  algo, want_hex, got_hex, d.size);
				bad++;
			} else if ((recorded = record_sha256(&rec, mf->path)) == NULL) {
				printf("%-10s %s (upstream publishes no digest and %s has no record "
				       "of it: cannot tell whether it is intact)\n",
				       "UNVERIFIED", mf->path, DATA_RECORD_NAME);
				unverified++;
			} else if (!strcasecmp(recorded, d.sha256)) {
				printf("%-10s %s (unpinned upstream: matches the sha256 recorded when "
				       "it was pulled, not an upstream digest)\n",
				       "unchanged", mf->path);
				unverified++;
			} else {
				printf("%-10s %s\n", "CHANGED", mf->path);
				vsr_error("%s: sha256 changed since it was pulled: expected (recorded) %s, "
					  "actual %s (%lld bytes)",
					  path.ptr, recorded, d.sha256, d.size);
				bad++;
			}
		}
	}
	if (want[manifest_find("vsr") - manifest_datasets]) {
		/* Images pulled for VSR suites: against the sha256 recorded on first download. */
		size_t same = 0, n_img = 0;
		const cJSON *e;

		cJSON_ArrayForEach(e, rec.files)
		{
			const char *ds = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "dataset"));
			const char *recorded = record_sha256(&rec, e->string);
			struct file_digest d;
			int fr;

			if (!ds || strcmp(ds, IMAGES_DATASET) || !recorded)
				continue;
			n_img++;
			checked++;
			buf_reset(&path);
			buf_addf(&path, "%s/%s", dir, e->string);
			fr = file_digest(path.ptr, &d, err);
			if (fr < 0) {
				printf("%-10s %s\n", "MISSING", e->string);
				missing++;
			} else if (fr) {
				vsr_error("%s", err);
				bad++;
			} else if (strcasecmp(recorded, d.sha256)) {
				printf("%-10s %s\n", "CHANGED", e->string);
				vsr_error("%s: sha256 changed since it was pulled: expected (recorded) %s, "
					  "actual %s (%lld bytes)",
					  path.ptr, recorded, d.sha256, d.size);
				bad++;
			} else {
				same++;
				unverified++;
			}
		}
		if (n_img)
			printf("%-10s %s: %zu of %zu images match the sha256 recorded when they were "
			       "pulled (trusted on first use: COCO publishes no per-image digests)\n",
			       same == n_img ? "unchanged" : "CHANGED", IMAGES_DIR, same, n_img);
	}
	printf("verify: %zu verified, %zu unpinned, %zu mismatched, %zu missing in %s\n", ok,
	       unverified, bad, missing, dir);
	if (!checked) {
		vsr_error("nothing to verify in %s (vsrbench data pull SUITE first)", dir);
		r = VSR_EDATA;
	} else if (bad || missing) {
		r = VSR_EDATA;
	}
out:
	free(want);
	record_release(&rec);
	buf_release(&path);
	return r;
}
