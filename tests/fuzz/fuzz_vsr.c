/*
 * fuzz_vsr: VSR split files (JSON lines, plain or gzip) through vsr_scan,
 * which validates every line and splits each caption into subject,
 * relation and object (vsr_split_caption).
 */
#include <string.h>

#include "../../base/util.h"
#include "../../suites/vsr.h"
#include "fuzz.h"

/* Touches every string vsr_scan hands over, so an overread shows. */
static int on_line(const struct vsr_line *vl, void *ctx)
{
	size_t *sum = ctx;

	*sum += strlen(vl->image) + strlen(vl->caption) + strlen(vl->relation) + vl->raw_len;
	if (vl->subj)
		*sum += strlen(vl->subj) + strlen(vl->obj);
	if (vl->upstream_subj)
		*sum += strlen(vl->upstream_subj);
	if (vl->upstream_obj)
		*sum += strlen(vl->upstream_obj);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	size_t sum = 0;

	vsr_scan(fuzz_path(0, data, size), on_line, &sum, err);
	return 0;
}
