/*
 * The COCO instances scanner and boxes.jsonl (suites/boxes.h): a small
 * hand-written annotations file fed in chunks of every size, the chosen box
 * checked against values worked out by hand (largest bbox, crowd regions
 * left out, first on a tie, [x1, y1, x2, y2] / (width, height), %.2f).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/keyset.h"
#include "base/util.h"
#include "suites/boxes.h"
#include "scratch.h"

/* Image 7 "a.jpg" 200x100 and image 9 (a name with a brace and a quote) 300x300 are wanted. */
#define IMAGES                                                                                  \
	"\"images\": [{\"id\": 7, \"file_name\": \"a.jpg\", \"width\": 200, \"height\": 100},"  \
	" {\"id\": 8, \"file_name\": \"b.jpg\", \"width\": 10, \"height\": 10},"                \
	" {\"id\": 9, \"file_name\": \"c}\\\"d.jpg\", \"width\": 300, \"height\": 300}]"
#define ANNS                                                                                    \
	"\"annotations\": ["                                                                    \
	"{\"image_id\": 7, \"category_id\": 1, \"bbox\": [10, 20, 30, 40], \"iscrowd\": 0,"     \
	" \"segmentation\": [[1, 2, 3, 4]]},"                                                   \
	"{\"image_id\": 7, \"category_id\": 1, \"bbox\": [100, 0, 50, 50], \"iscrowd\": 0},"    \
	"{\"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 200, 100], \"iscrowd\": 1,"     \
	" \"segmentation\": {\"counts\": [1, 2], \"size\": [100, 200]}},"                       \
	"{\"image_id\": 8, \"category_id\": 1, \"bbox\": [0, 0, 10, 10]},"                      \
	"{\"image_id\": 7, \"category_id\": 2, \"bbox\": [0, 50, 20, 10]},"                     \
	"{\"image_id\": 7, \"category_id\": 3, \"bbox\": [0, 0, 10, 10]},"                      \
	"{\"image_id\": 9, \"category_id\": 2, \"bbox\": [33, 66, 99, 33]},"                    \
	"{\"image_id\": 7, \"category_id\": 3, \"bbox\": [50, 50, 10, 10]}]"
#define CATS                                                                                    \
	"\"categories\": [{\"id\": 1, \"name\": \"dog\"}, {\"id\": 2, \"name\": \"cat\"},"      \
	" {\"id\": 3, \"name\": \"traffic light\"}]"

static const char images_first[] =
	"{\"info\": {\"images\": [1], \"note\": \"[{\"}, \"licenses\": [], " IMAGES ", " ANNS
	", " CATS "}";
static const char anns_first[] = "{" ANNS ", " CATS ", " IMAGES "}";

static void want_set(struct keyset *k)
{
	memset(k, 0, sizeof(*k));
	keyset_add(k, hash64_str("a.jpg", HASH_SEED));
	keyset_add(k, hash64_str("c}\"d.jpg", HASH_SEED));
}

static void scan_in_chunks(const char *text, size_t chunk)
{
	struct keyset want;
	struct coco_scan s;
	struct buf b = BUF_INIT;
	char err[VSR_ERR_MAX];
	size_t n = strlen(text);

	want_set(&want);
	coco_scan_init(&s, &want, "test.json");
	for (size_t i = 0; i < n; i += chunk)
		assert_int_equal(coco_scan_feed(&s, text + i, i + chunk > n ? n - i : chunk, err), 0);
	assert_int_equal(coco_scan_finish(&s, err), 0);
	assert_int_equal(s.n_images, 2);
	/* 5 annotations of image 7 (not the crowd one), 1 of image 9, none of image 8 */
	assert_int_equal(s.n_anns, 6);
	/* dog: [100, 0, 50, 50] (area 2500 > 1200) -> 100/200, 0/100, 150/200, 50/100 */
	assert_int_equal(coco_box(&s, "a.jpg", "dog", &b), 2);
	assert_string_equal(b.ptr, "[0.50, 0.00, 0.75, 0.50]");
	/* cat: [0, 50, 20, 10] -> 0, 0.5, 0.1, 0.6 */
	assert_int_equal(coco_box(&s, "a.jpg", "cat", &b), 1);
	assert_string_equal(b.ptr, "[0.00, 0.50, 0.10, 0.60]");
	/* a tie (two 10x10 boxes): the first in the file, [0, 0, 10, 10] */
	assert_int_equal(coco_box(&s, "a.jpg", "traffic light", &b), 2);
	assert_string_equal(b.ptr, "[0.00, 0.00, 0.05, 0.10]");
	/* 33/300, 66/300, 132/300, 99/300 */
	assert_int_equal(coco_box(&s, "c}\"d.jpg", "cat", &b), 1);
	assert_string_equal(b.ptr, "[0.11, 0.22, 0.44, 0.33]");
	buf_reset(&b);
	assert_int_equal(coco_box(&s, "c}\"d.jpg", "dog", &b), 0);
	assert_int_equal(coco_box(&s, "b.jpg", "dog", &b), 0); /* not wanted */
	assert_int_equal(b.len, 0);
	coco_scan_release(&s);
	keyset_release(&want);
	buf_release(&b);
}

static void test_chunks(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 64, 4096 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		scan_in_chunks(images_first, sizes[i]);
		scan_in_chunks(anns_first, sizes[i]);
	}
}

static int scan_text(const char *text, char *err)
{
	struct keyset want;
	struct coco_scan s;
	int r;

	want_set(&want);
	coco_scan_init(&s, &want, "bad.json");
	r = coco_scan_feed(&s, text, strlen(text), err);
	if (!r)
		r = coco_scan_finish(&s, err);
	coco_scan_release(&s);
	keyset_release(&want);
	return r;
}

static void test_errors(void **state)
{
	char err[VSR_ERR_MAX], cut[64];

	(void)state;
	memcpy(cut, images_first, 40);
	cut[40] = '\0';
	assert_int_equal(scan_text(cut, err), VSR_EDATA);
	assert_non_null(strstr(err, "bad.json: ends inside the JSON after 40 bytes"));
	assert_int_equal(scan_text("{\"annotations\": [{\"image_id\": 7, \"category_id\": 1}]}", err),
			 VSR_EDATA);
	assert_non_null(strstr(err, "bad.json: byte 49: an annotation needs"));
	assert_int_equal(scan_text("{\"annotations\": [{\"image_id\": 7, \"category_id\": 1, "
				   "\"bbox\": [1, 2, -3, 4]}]}",
				   err),
			 VSR_EDATA);
	assert_non_null(strstr(err, "not four numbers"));
	assert_int_equal(scan_text("[1]", err), VSR_EDATA);
	assert_non_null(strstr(err, "expected a JSON object"));
	assert_int_equal(scan_text("{\"images\": [{\"id\": 1,}]}", err), VSR_EDATA);
	assert_non_null(strstr(err, "an element of \"images\" is not a JSON object"));
	assert_int_equal(scan_text("{}}", err), VSR_EDATA);
	assert_non_null(strstr(err, "unbalanced"));
}

static void test_boxes_file(void **state)
{
	struct boxes b;
	char err[VSR_ERR_MAX];
	FILE *fp = fopen(path, "w");

	(void)state;
	assert_non_null(fp);
	fputs("{\"image\": \"a.jpg\", \"category\": \"dog\", \"box\": \"[0.50, 0.00, 0.75, 0.50]\", "
	      "\"instances\": 2}\n\n"
	      "{\"image\": \"a.jpg\", \"category\": \"cat\", \"box\": \"[0.00, 0.50, 0.10, 0.60]\"}\n",
	      fp);
	fclose(fp);
	assert_int_equal(boxes_load(&b, path, err), 0);
	assert_string_equal(boxes_get(&b, "a.jpg", "dog"), "[0.50, 0.00, 0.75, 0.50]");
	assert_string_equal(boxes_get(&b, "a.jpg", "cat"), "[0.00, 0.50, 0.10, 0.60]");
	assert_null(boxes_get(&b, "a.jpg", "bird"));
	assert_null(boxes_get(&b, "b.jpg", "dog"));
	boxes_release(&b);

	fp = fopen(path, "w");
	fputs("{\"image\": \"a.jpg\", \"category\": \"dog\", \"box\": \"[0, 0, 1, 1]\"}\n"
	      "{\"image\": \"a.jpg\"}\n",
	      fp);
	fclose(fp);
	assert_int_equal(boxes_load(&b, path, err), VSR_EDATA);
	assert_non_null(strstr(err, ":2: expected {\"image\""));
	unlink(path);
	assert_int_equal(boxes_load(&b, path, err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_errors),
		cmocka_unit_test_setup_teardown(test_boxes_file, scratch_setup, scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
