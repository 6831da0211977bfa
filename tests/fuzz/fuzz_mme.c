/*
 * fuzz_mme: MME eval-tool lists (`image \t question \t Yes|No [\t answer]`,
 * in pairs) through mme_list_scan, the reader of both `run` and `score`.
 */
#include <string.h>

#include "../../base/buf.h"
#include "../../base/util.h"
#include "../../suites/mme.h"
#include "fuzz.h"

static int on_line(const struct mme_line *ml, void *ctx)
{
	struct buf *b = ctx;

	/* What the suite and `score` build from a line. */
	buf_reset(b);
	mme_item_id(b, "position", ml->image, ml->nth);
	mme_group(b, "position", ml->image);
	buf_adds(b, ml->question);
	if (ml->response)
		buf_adds(b, ml->response);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	struct buf b = BUF_INIT;

	mme_list_scan(fuzz_path(0, data, size), on_line, &b, err);
	buf_release(&b);
	return 0;
}
