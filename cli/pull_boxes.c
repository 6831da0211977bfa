/*
 * pull_boxes: `data pull vsr-boxes --from-zip annotations_trainval2017.zip`
 * writes DATA/vsr/boxes.jsonl, the boxes of every validated VSR caption's
 * subject and object, from COCO's instance annotations (suites/boxes.h says
 * how a box is chosen and written).  The instances JSON inside the zip is
 * streamed through the scanner, never held whole.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "../base/keyset.h"
#include "../suites/boxes.h"
#include "../suites/vsr.h"
#include "data_pull.h"
#include "pull_images.h"
#include "../base/util.h"
#include "../base/banned.h"

struct need {
	struct keyset images;
	/* distinct (image, category) pairs, "image\tcategory" */
	char **pairs;
	size_t n_pairs;
	struct u64map pair_at; /* hash of the pair -> index + 1 */
	/* per item: the two pair indexes */
	size_t *item_subj, *item_obj;
	size_t n_items;
};

static size_t add_pair(struct need *n, const char *image, const char *cat)
{
	struct buf b = BUF_INIT;
	uint64_t h, at;

	buf_addf(&b, "%s\t%s", image, cat ? cat : "");
	h = hash64_str(b.ptr, HASH_SEED);
	if (u64map_get(&n->pair_at, h, &at)) {
		buf_release(&b);
		return (size_t)at - 1;
	}
	n->pairs = xrealloc(n->pairs, (n->n_pairs + 1) * sizeof(*n->pairs));
	n->pairs[n->n_pairs++] = buf_detach(&b, NULL);
	u64map_put(&n->pair_at, h, n->n_pairs);
	return n->n_pairs - 1;
}

static int collect(const struct vsr_line *vl, void *ctx)
{
	struct need *n = ctx;

	keyset_add(&n->images, hash64_str(vl->image, HASH_SEED));
	n->item_subj = xrealloc(n->item_subj, (n->n_items + 1) * sizeof(size_t));
	n->item_obj = xrealloc(n->item_obj, (n->n_items + 1) * sizeof(size_t));
	n->item_subj[n->n_items] = add_pair(n, vl->image, vsr_box_category(vl->upstream_subj, vl->subj));
	n->item_obj[n->n_items] = add_pair(n, vl->image, vsr_box_category(vl->upstream_obj, vl->obj));
	n->n_items++;
	return 0;
}

static void need_release(struct need *n)
{
	for (size_t i = 0; i < n->n_pairs; i++)
		free(n->pairs[i]);
	free(n->pairs);
	free(n->item_subj);
	free(n->item_obj);
	keyset_release(&n->images);
	u64map_release(&n->pair_at);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* An instances file inside the annotations zip: annotations/instances_*.json. */
static int is_instances(const char *name)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	return !strncmp(base, "instances_", 10) && ends_with(base, ".json");
}

static int scan_fd(struct coco_scan *s, int fd, char *err)
{
	char chunk[1 << 16];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(err, VSR_EDATA, "cannot read %s: %s", s->label, strerror(errno));
		if (!n)
			return coco_scan_finish(s, err);
		if (coco_scan_feed(s, chunk, (size_t)n, err))
			return VSR_EDATA;
	}
}

static int scan_member(struct coco_scan *s, zip_t *za, zip_uint64_t idx, char *err)
{
	char chunk[1 << 16];
	zip_file_t *zf = zip_fopen_index(za, idx, 0);
	int r = 0;

	if (!zf)
		return err_set(err, VSR_EDATA, "%s: %s", s->label, zip_strerror(za));
	for (;;) {
		zip_int64_t n = zip_fread(zf, chunk, sizeof(chunk));
		if (n < 0) {
			r = err_set(err, VSR_EDATA, "%s: %s", s->label, zip_file_strerror(zf));
			break;
		}
		if (!n) {
			r = coco_scan_finish(s, err);
			break;
		}
		if ((r = coco_scan_feed(s, chunk, (size_t)n, err)))
			break;
	}
	zip_fclose(zf);
	return r;
}

static int feed_scan(void *ud, const char *p, size_t n, char *err)
{
	return coco_scan_feed(ud, p, n, err);
}

/* COCO's instances_train2017.json is ~450 MB: a cap far above it. */
#define INSTANCES_MAX ((uint64_t)4 << 30)

/*
 * The instances files of a remote annotations zip, each streamed with
 * Range requests into a scan (the archive's other members never fetched).
 */
static int scan_url(struct pull *p, const char *url, const struct need *n,
		    struct coco_scan **scans, size_t *n_scans, char *err)
{
	struct rzip rz;
	int r, found = 0;

	if ((r = rzip_open(&rz, &p->fetch, url, err)))
		goto out;
	for (size_t k = 0; k < rz.n && !r; k++) {
		struct buf label = BUF_INIT;
		struct coco_scan *s;

		if (!is_instances(rz.m[k].name))
			continue;
		found++;
		buf_addf(&label, "%s!%s", rz.safe_url, rz.m[k].name);
		*scans = xrealloc(*scans, (*n_scans + 1) * sizeof(**scans));
		s = &(*scans)[(*n_scans)++];
		/* The label outlives the scan: freed with it in pull_boxes. */
		coco_scan_init(s, &n->images, xstrdup(label.ptr));
		buf_release(&label);
		r = rzip_stream(&rz, k, INSTANCES_MAX, feed_scan, s, err);
		if (!r)
			r = coco_scan_finish(s, err);
		if (!r)
			printf("%-10s %s (%zu of the images, %zu annotations of them)\n", "scanned",
			       s->label, s->n_images, s->n_anns);
	}
	if (!r && !found)
		r = err_set(err, VSR_EDATA,
			    "%s: no instances_*.json in it (expected COCO's "
			    "annotations_trainval2017.zip)",
			    rz.safe_url);
	if (!r)
		printf("--from-zip %s: %lld of the archive's %llu bytes fetched (%d range "
		       "requests)\n",
		       rz.safe_url, rz.received, (unsigned long long)rz.size, rz.requests);
out:
	rzip_close(&rz);
	return r;
}

/* Scans every instances file of every --from-zip input into scans[]; returns 0 or VSR_EDATA. */
static int scan_inputs(struct pull *p, const struct need *n, struct coco_scan **scans,
		       size_t *n_scans, char *err)
{
	for (int i = 0; i < p->n_zips; i++) {
		const char *path = p->zips[i];
		int r;

		if (pull_zip_is_url(path)) {
			if ((r = scan_url(p, path, n, scans, n_scans, err)))
				return r;
		} else if (ends_with(path, ".json")) {
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			struct coco_scan *s;
			if (fd < 0)
				return err_set(err, VSR_EDATA, "cannot open %s: %s", path, strerror(errno));
			*scans = xrealloc(*scans, (*n_scans + 1) * sizeof(**scans));
			s = &(*scans)[(*n_scans)++];
			coco_scan_init(s, &n->images, path);
			r = scan_fd(s, fd, err);
			close(fd);
			if (r)
				return r;
			printf("%-10s %s (%zu of the images, %zu annotations of them)\n", "scanned", path,
			       s->n_images, s->n_anns);
		} else {
			int ze = 0, found = 0;
			zip_t *za = zip_open(path, ZIP_RDONLY, &ze);
			zip_int64_t m;

			if (!za) {
				zip_error_t e;
				zip_error_init_with_code(&e, ze);
				err_set(err, VSR_EDATA, "--from-zip %s: cannot open it as a zip archive: %s",
					path, zip_error_strerror(&e));
				zip_error_fini(&e);
				return VSR_EDATA;
			}
			m = zip_get_num_entries(za, 0);
			for (zip_int64_t k = 0; k < m; k++) {
				const char *name = zip_get_name(za, (zip_uint64_t)k, ZIP_FL_ENC_RAW);
				struct buf label = BUF_INIT;
				struct coco_scan *s;

				if (!name || !is_instances(name))
					continue;
				found++;
				buf_addf(&label, "%s!%s", path, name);
				*scans = xrealloc(*scans, (*n_scans + 1) * sizeof(**scans));
				s = &(*scans)[(*n_scans)++];
				/* The label outlives the scan: freed with it in pull_boxes. */
				coco_scan_init(s, &n->images, xstrdup(label.ptr));
				buf_release(&label);
				r = scan_member(s, za, (zip_uint64_t)k, err);
				if (r) {
					zip_discard(za);
					return r;
				}
				printf("%-10s %s (%zu of the images, %zu annotations of them)\n", "scanned",
				       s->label, s->n_images, s->n_anns);
			}
			zip_discard(za);
			if (!found)
				return err_set(err, VSR_EDATA,
					       "%s: no instances_*.json in it (expected COCO's "
					       "annotations_trainval2017.zip)",
					       path);
		}
	}
	return 0;
}

int pull_boxes(struct pull *p, int list)
{
	const struct vsr_split *split = vsr_split_find("vsr-validated");
	struct need n;
	struct coco_scan *scans = NULL;
	size_t n_scans = 0, boxed = 0, without = 0, lines = 0;
	struct buf out = BUF_INIT, box = BUF_INIT, path = BUF_INIT;
	char *split_path = NULL, err[VSR_ERR_MAX];
	unsigned char *has = NULL;
	int r;

	memset(&n, 0, sizeof(n));
	if (!p->n_zips) {
		vsr_error("vsr-boxes: give COCO's annotations with --from-zip "
			  "annotations_trainval2017.zip (or --from-zip instances_train2017.json): "
			  "they are not downloaded");
		return VSR_EUSAGE;
	}
	if (list) {
		for (int i = 0; i < p->n_zips; i++)
			printf("%s\t%s/vsr/%s\n", p->zips[i], p->data_dir, VSR_BOXES_FILE);
		return 0;
	}
	if ((r = vsr_split_path(split, p->data_dir, &split_path, err)) ||
	    (r = vsr_scan(split_path, collect, &n, err))) {
		vsr_error("%s", err);
		goto out;
	}
	if ((r = scan_inputs(p, &n, &scans, &n_scans, err))) {
		vsr_error("%s", err);
		goto out;
	}
	has = xcalloc(n.n_pairs ? n.n_pairs : 1, 1);
	for (size_t i = 0; i < n.n_pairs; i++) {
		char *tab = strchr(n.pairs[i], '\t');
		size_t count = 0;

		*tab = '\0';
		for (size_t k = 0; k < n_scans && !count; k++)
			count = coco_box(&scans[k], n.pairs[i], tab + 1, &box);
		if (count) {
			cJSON *o = cJSON_CreateObject();
			char *text;
			cJSON_AddStringToObject(o, "image", n.pairs[i]);
			cJSON_AddStringToObject(o, "category", tab + 1);
			cJSON_AddStringToObject(o, "box", box.ptr);
			cJSON_AddNumberToObject(o, "instances", (double)count);
			text = cJSON_PrintUnformatted(o);
			buf_addf(&out, "%s\n", text);
			free(text);
			cJSON_Delete(o);
			has[i] = 1;
			lines++;
		}
		*tab = '\t';
	}
	for (size_t i = 0; i < n.n_items; i++) {
		if (has[n.item_subj[i]] && has[n.item_obj[i]])
			boxed++;
		else
			without++;
	}
	buf_addf(&path, "%s/vsr/%s", p->data_dir, VSR_BOXES_FILE);
	if ((r = write_file_atomic(path.ptr, out.ptr, out.len, err))) {
		vsr_error("%s", err);
		goto out;
	}
	printf("vsr-boxes: %zu boxes written to %s; %zu of %zu validated captions have both boxes, "
	       "%zu have no instance of their subject or object in the annotations (their box "
	       "templates are left out)\n",
	       lines, path.ptr, boxed, n.n_items, without);
out:
	for (size_t k = 0; k < n_scans; k++) {
		const char *label = scans[k].label;
		int owned = 1;
		for (int i = 0; i < p->n_zips; i++)
			owned &= label != p->zips[i];
		coco_scan_release(&scans[k]);
		if (owned)
			free((char *)(uintptr_t)label);
	}
	free(scans);
	free(has);
	free(split_path);
	need_release(&n);
	buf_release(&out);
	buf_release(&box);
	buf_release(&path);
	return r ? (r == VSR_EUSAGE ? r : VSR_EDATA) : 0;
}
