/*
 * fuzz_coco_boxes: COCO's instances JSON through the streaming scanner of
 * `data pull vsr-boxes` (suites/boxes.c), fed in chunks whose size the
 * first byte picks, then every kept image's box of the first category.
 */
#include <string.h>

#include "../../base/buf.h"
#include "../../base/keyset.h"
#include "../../base/util.h"
#include "../../suites/boxes.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	struct keyset want = { 0 };
	struct coco_scan s;
	struct buf b = BUF_INIT;
	size_t chunk;
	int r = 0;

	if (!size)
		return 0;
	chunk = (size_t)data[0] % 17 + 1;
	data++, size--;
	keyset_add(&want, hash64_str("a.jpg", HASH_SEED));
	keyset_add(&want, hash64_str("b.jpg", HASH_SEED));
	coco_scan_init(&s, &want, "fuzz.json");
	for (size_t i = 0; i < size && !r; i += chunk)
		r = coco_scan_feed(&s, (const char *)data + i, i + chunk > size ? size - i : chunk, err);
	if (!r && !coco_scan_finish(&s, err))
		for (size_t i = 0; i < s.n_images; i++)
			coco_box(&s, s.images[i].name, s.n_cats ? s.cats[0].name : "dog", &b);
	coco_scan_release(&s);
	keyset_release(&want);
	buf_release(&b);
	return 0;
}
