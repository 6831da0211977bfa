/*
 * fuzz_unzip: a downloaded zip archive (`vsrbench data pull` reads the MME
 * lists out of the eval tool's zip) through unzip_member: once only checking
 * the central directory, once extracting member "a.txt" (stored or deflate,
 * CRC-32 and size checked) into the target's own folder.
 */
#include <unistd.h>

#include "../../base/buf.h"
#include "../../base/fetch.h"
#include "../../base/util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	const char *zip = fuzz_path(0, data, size);
	struct buf dest = BUF_INIT;
	struct file_digest d;

	unzip_member(zip, NULL, NULL, NULL, -1, NULL, NULL, err);
	buf_addf(&dest, "%s/out/a.txt", fuzz_dir());
	if (!unzip_member(zip, "a.txt", dest.ptr, "a.txt", -1, DIGEST_UNPINNED, &d, err))
		unlink(dest.ptr);
	buf_release(&dest);
	return 0;
}
