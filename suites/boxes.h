/*
 * boxes: the objects' bounding boxes that the seed paper's box templates
 * ([subject box], [object box]) ask for, taken from COCO's instance
 * annotations (instances_train2017.json / instances_val2017.json, ~450 MB
 * together) and kept as a small DATA/vsr/boxes.jsonl.
 *
 * The annotations file is read as a stream (coco_scan_feed, any chunk
 * size; memory does not grow with the file, only with one array element
 * and with what is kept): the top-level arrays "images", "annotations" and
 * "categories" are cut into their elements, and each element (one small
 * object) is parsed alone.  Only the images named in the wanted set and
 * their annotations are kept.
 *
 * The box of a category in an image: of its instances (crowd regions
 * excluded), the one whose bbox is largest by area (the first in file order
 * on a tie), written as [x1, y1, x2, y2] normalised by the image's width
 * and height, two decimals ("%.2f", LLaVA's convention), e.g.
 * "[0.12, 0.05, 0.88, 0.97]".
 *
 * boxes.jsonl, one line per (image, category) with at least one instance:
 *   {"image": "000000017697.jpg", "category": "car",
 *    "box": "[0.12, 0.05, 0.88, 0.97]", "instances": 3}
 */
#ifndef VSR_BOXES_H
#define VSR_BOXES_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/keyset.h"

/* One element of a top-level array may be at most this long. */
#define COCO_ELEMENT_MAX ((size_t)64 << 20)

struct coco_ann {
	uint32_t image; /* index into coco_scan.images */
	long category;
	double x, y, w, h;
};

struct coco_image {
	char *name;
	long id;
	double width, height;
};

struct coco_cat {
	long id;
	char *name;
};

struct coco_scan {
	/* filled by the caller before feeding: the image file names wanted (borrowed) */
	const struct keyset *want;
	/* results */
	struct coco_image *images;
	size_t n_images;
	struct coco_ann *anns;
	size_t n_anns;
	struct coco_cat *cats;
	size_t n_cats;
	long long bytes; /* fed so far */
	/* the scanner's state */
	int depth, in_str, esc, capturing, key_at_1;
	char key[16];   /* the last top-level key, cut to 15 bytes */
	size_t key_len;
	int array; /* which top-level array is open: 0 none, 1 images, 2 annotations, 3 categories */
	struct buf el; /* the element being cut out */
	int el_depth;
	struct u64map image_by_id; /* COCO image id -> index + 1 */
	/* annotations seen before "images" (kept all; filtered at the end) */
	struct coco_ann *early;
	long *early_image_id;
	size_t n_early;
	const char *label; /* names the input in messages (borrowed) */
};

/* Starts a scan of one file; want borrowed, label names it in messages. */
void coco_scan_init(struct coco_scan *s, const struct keyset *want, const char *label);
/* Feeds the next n bytes; 0, or VSR_EDATA with err naming the label and byte offset. */
int coco_scan_feed(struct coco_scan *s, const char *p, size_t n, char *err);
/* After the last byte: checks the JSON ended; 0 or VSR_EDATA. */
int coco_scan_finish(struct coco_scan *s, char *err);
void coco_scan_release(struct coco_scan *s);

/*
 * The box of category cat (a name) in image (a file name) from a finished
 * scan, written to out as above; returns the number of instances (0: none,
 * out unchanged).
 */
size_t coco_box(const struct coco_scan *s, const char *image, const char *cat, struct buf *out);

/*
 * The boxes read back from boxes.jsonl: (image, category) -> box text.
 * boxes_load returns 0, -1 with errno ENOENT when the file is absent, or
 * VSR_EDATA with FILE:LINE.
 */
struct boxes {
	struct u64map at; /* hash of "image\tcategory" -> index + 1 into text */
	char **text;
	size_t n;
	uint64_t digest; /* of the file's lines, for the suite's content digest */
};
int boxes_load(struct boxes *b, const char *path, char *err);
/* The box text, or NULL. */
const char *boxes_get(const struct boxes *b, const char *image, const char *category);
void boxes_release(struct boxes *b);

#endif
