/*
 * pull_images: `data pull` of the images of a VSR split (moved out of data_pull.c).
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

static void record_image(struct pull *p, const char *rel, const struct file_digest *d,
			 const char *source)
{
	struct manifest_file mf = { rel, source, NULL, -1, DIGEST_UNPINNED };

	data_pull_record_put(&p->rec, IMAGES_DATASET, &mf, d, source, 1);
}

int pull_images(struct pull *p, const struct vsr_split *split, const char *suite, int jobs,
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
		if (p->rec.dirty && data_pull_record_save(&p->rec, err)) {
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
