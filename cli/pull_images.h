/*
 * pull_images: what data_pull.c and pull_images.c share (internal to cli/).
 */
#ifndef VSR_PULL_IMAGES_H
#define VSR_PULL_IMAGES_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "../base/buf.h"
#include "../base/fetch.h"
#include "../suites/manifest.h"
#include "../suites/vsr.h"

#define IMAGES_DIR "vsr/images"
#define IMAGES_DATASET "vsr-images"

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

struct pull {
	const char *data_dir;
	const char *mirror; /* without trailing '/' */
#define MAX_REWRITES 8
	char *rewrite_from[MAX_REWRITES], *rewrite_to[MAX_REWRITES];
	int n_rewrites;
	/* --from-zip: zip archives (paths, or http(s) URLs read with Range requests) to take
	 * images from instead of downloading them one by one (borrowed) */
#define MAX_ZIPS 8
	const char *zips[MAX_ZIPS];
	int n_zips;
	struct fetch fetch;
	struct record rec;
	size_t zip_absent; /* of the last pull_zip_images: needed images in none of the archives */
};

int data_pull_record_save(struct record *rec, char *err);
const char *data_pull_record_sha256(const struct record *rec, const char *path);
void data_pull_record_put(struct record *rec, const char *dataset, const struct manifest_file *mf,
			  const struct file_digest *d, const char *source, int dirty);
void data_pull_source_url(const struct pull *p, const char *url, const char *path, struct buf *out);

/* An http:// or https:// --from-zip argument (read with Range requests), not a PATH. */
int pull_zip_is_url(const char *s);

int pull_images(struct pull *p, const struct vsr_split *split, const char *suite, int jobs,
		int list);
const struct vsr_split *pull_images_split(const char *name, const char **public_name);

/*
 * Images taken from the --from-zip archives (pull_images.c): where they go
 * and what the record and the messages call them.
 */
struct zip_target {
	const char *dir;       /* relative to the data folder: "vsr/images" */
	const char *dataset;   /* recorded with each image: "vsr-images" */
	const char *under;     /* a folder the members must lie in ("position"), or NULL */
	const char *archives;  /* the archives that hold them, for the message */
	const char *otherwise; /* appended to that message: ", or ..." or "" */
};

/*
 * Extracts the images names[need[0..n)] from p's --from-zip archives into
 * DATA/t->dir/, each under its member's file name (a member matches a name
 * by its file name, or that without its extension): local archives read
 * with libzip, remote ones with Range requests, parallel at a time, an
 * archive at a time with its progress line on stderr.  Each
 * is decoded whole, its CRC-32 and sha256 checked and recorded (trusted on
 * first use).  Returns the number that failed (errors printed);
 * *extracted counts the others.  The caller saves the record after one
 * fetch_sync of the folder.
 */
size_t pull_zip_images(struct pull *p, char *const *names, const size_t *need, size_t n,
		       const struct zip_target *t, int parallel, size_t *extracted);

/*
 * `data pull SEED-SUITE|MME-SUBTASK-SUITE --from-zip ...` (pull_suite_images.c):
 * kind 1 for a SEED suite, 2 for an MME subtask suite, 0 for any other name.
 */
#define SEED_IMAGES_DATASET "seed-images"
#define MME_IMAGES_DATASET "mme-images"
int pull_suite_images_kind(const char *name);
int pull_suite_images(struct pull *p, const char *name, int jobs, int list);

/* `data pull vsr-boxes`: DATA/vsr/boxes.jsonl from the --from-zip annotations (pull_boxes.c). */
#define BOXES_DATASET "vsr-boxes"
int pull_boxes(struct pull *p, int list);

#endif
