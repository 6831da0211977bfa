/*
 * fuzz_zipdir: a zip archive's end of central directory and central
 * directory (base/zipdir.c), as the ranged remote reader feeds them: the
 * input is the whole archive; its tail goes to zipdir_tail, a zip64 record
 * to zipdir_eocd64, the directory to zipdir_parse, each member's local
 * header to zipdir_local_data.  Beyond not crashing, the target checks the
 * parser's promise: every offset and size it returns lies inside the
 * archive (a violation aborts, which libFuzzer and the replay report).
 */
#include <stdlib.h>
#include <string.h>

#include "../../base/zipdir.h"
#include "fuzz.h"

struct ctx {
	const uint8_t *data;
	size_t size;
	unsigned sum;
};

static int on_entry(const struct zipdir_entry *e, void *ud)
{
	struct ctx *c = ud;
	uint64_t off;

	if (e->lho > c->size || c->size - e->lho < 30 + (uint64_t)e->name_len ||
	    e->csize > c->size - e->lho - 30 - e->name_len)
		abort();
	for (size_t i = 0; i < e->name_len; i++)
		c->sum += (unsigned char)e->name[i];
	if (!zipdir_local_data(c->data + e->lho, (size_t)(c->size - e->lho), &off) &&
	    off > 30 + 2 * 65535)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zipdir_loc loc;
	struct ctx c = { data, size, 0 };
	char err[256];
	size_t n = size < ZIPDIR_TAIL_MAX ? size : ZIPDIR_TAIL_MAX;
	int r = zipdir_tail(data + size - n, n, size, &loc, err, sizeof(err));

	if (r == ZIPDIR_NEED_EOCD64) {
		if (loc.eocd64_off > size)
			abort();
		r = zipdir_eocd64(data + loc.eocd64_off, (size_t)(size - loc.eocd64_off), size, &loc,
				  err, sizeof(err));
	}
	if (r)
		return 0;
	if (loc.cd_off > size || loc.cd_size > size - loc.cd_off)
		abort();
	zipdir_parse(data + loc.cd_off, (size_t)loc.cd_size, &loc, size, on_entry, &c, err,
		     sizeof(err));
	return 0;
}
